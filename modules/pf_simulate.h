/*  pf_simulate.h — a simulated module: the workload of `pf module NAME
    --simulate SCALE`.

    It serves one module of the graph without doing any of its work: each
    TASK waits the module's design estimate (pf_graph_estimates) times
    SCALE, on a runtime timer so many tasks overlap and nothing blocks, and
    then completes with the map the contract fixes for simulated results:

        {"module": name, "domain": d, "simulated": true,
         "inputs": [names of the upstream results received, sorted]}

    The result is a function of (module, domain, inputs) alone, so a retry
    or a re-run after a crash yields the very same bytes; the attempt
    number is in the TASK and in STATUS, not in the result.

    SCALE 0 answers at once.  The system then behaves like the real one
    with module latencies scaled: benchmarks and dataflow checks run on it. */
#ifndef PF_SIMULATE_H
#define PF_SIMULATE_H

#include <stdint.h>

#include "pf_actor.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Largest SCALE accepted (the brief's 20 s module would wait ~5.5 hours). */
#define PF_SIMULATE_SCALE_MAX 1000.0

typedef struct pf_simulate_t pf_simulate_t;

/*  Parses a SCALE: a finite decimal number in [0, PF_SIMULATE_SCALE_MAX].
    Returns 0 and sets *scale, or PF_EINVAL.                                */
int pf_simulate_parse_scale(const char *text, double *scale);

/*  A simulation of the module named `module` at `scale`.  Returns NULL
    when the module is not in the graph or scale is out of range.          */
pf_simulate_t *pf_simulate_new(const char *module, double scale);

/*  Cancels pending timers and frees the simulation.  Must run before the
    actor it served is destroyed (the tasks it still held are freed by the
    actor).  Accepts NULL; nulls *self_p.                                   */
void pf_simulate_destroy(pf_simulate_t **self_p);

/*  The wait per task in milliseconds (estimate x scale, rounded).         */
uint32_t pf_simulate_delay_ms(const pf_simulate_t *self);

/*  The task handler to put in pf_actor_opts_t.on_task, with the simulation
    as its arg.  A task for another module fails with "unknown_module".    */
void pf_simulate_on_task(pf_actor_t *actor, pf_task_t *task, void *arg);

/*  The simulated result map for one task (caller owns).  inputs is the
    task's inputs map (module name -> result); only its keys are used.     */
pf_value_t *pf_simulate_result(const char *module, const char *domain,
                               const pf_value_t *inputs);

#ifdef __cplusplus
}
#endif
#endif
