/*  pf_modjob.h — one module task and its adapter calls: the scaffolding
    every module actor shares.

    A module's run function (pf_module.h) takes a TASK and must answer it
    once, from a later callback when it calls adapters.  A pf_modjob_t
    holds what that takes — the actor, the task, one gather for its calls
    (pf_gather.h) and the module's own state — and ends it in one place:
    pf_modjob_finish answers with the result when there is one, else fails
    with the module's code and message, and frees everything.

      job = pf_modjob_new(actor, task, waves, sizeof(my_state_t), NULL);
      pf_modjob_call(job, "news", "websearch", "news", &args);
      pf_modjob_go(job, s_done);          s_done(job) runs when all ended
      ...
      pf_modjob_finish(&job, &result, "providers_unavailable", "…%s", …);

    A call that cannot even be registered (a bad slot name: a bug) is
    remembered, and pf_modjob_go then fails the task "internal" instead of
    waiting.  Modules without calls answer with pf_modjob_answer.  One
    thread (the actor's).                                                  */
#ifndef PF_MODJOB_H
#define PF_MODJOB_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_actor.h"
#include "pf_gather.h"
#include "pf_profile.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_modjob_t pf_modjob_t;

/*  Every call of the wave has ended; the job is the callback's to go on
    (pf_modjob_call + pf_modjob_go) or to end (pf_modjob_finish).          */
typedef void(pf_modjob_wave_fn)(pf_modjob_t *job);

/*  Frees what the module's state holds (not the state itself).            */
typedef void(pf_modjob_free_fn)(void *state);

/*  A job for *task (taken: the job answers it) on actor, with a zeroed
    state of state_size bytes (0: none) whose contents free_state (may be
    NULL) releases when the job ends.  waves: the most waves of calls the
    task makes (0 counts as 1).  A call's deadline is the time left until
    the task's own deadline — less a twentieth of it kept for answering,
    and a tenth of it for each wave still to come (an equal share of what
    is left when that is less): a call may wait out a provider's
    rate-limit queue, and the module still answers with what it has before
    the coordinator takes the task back.  A task without a deadline gives
    its calls the actor config's call timeout.  Never NULL (the allocator
    aborts).                                                               */
pf_modjob_t *pf_modjob_new(pf_actor_t *actor, pf_task_t *task, unsigned waves,
                           size_t state_size, pf_modjob_free_fn *free_state);

/*  Accessors (borrowed; valid until the job ends).                         */
pf_gather_t *pf_modjob_gather(const pf_modjob_t *self);
void *pf_modjob_state(const pf_modjob_t *self);
const char *pf_modjob_domain(const pf_modjob_t *self);
const pf_value_t *pf_modjob_inputs(const pf_modjob_t *self);
/*  inputs[module]: an upstream module's result map, or NULL.              */
const pf_value_t *pf_modjob_input(const pf_modjob_t *self, const char *module);
/*  False once the task is stale (pf_actor_task_live): no use calling on.  */
bool pf_modjob_live(const pf_modjob_t *self);

/*  Calls op of service with *args_p (taken) under slot, in the next wave
    (pf_gather_call).  Returns its status; a refusal is also kept, and
    fails the task at pf_modjob_go.                                         */
int pf_modjob_call(pf_modjob_t *self, const char *slot, const char *service, const char *op,
                   pf_value_t **args_p);

/*  Sets the deadline of the calls made from now on (see pf_modjob_new)
    on the job's gather; pf_modjob_call does it itself, code that calls
    pf_gather_call on pf_modjob_gather(job) must do it first.              */
void pf_modjob_arm(pf_modjob_t *self);

/*  Lets the wave go; wave(job) runs once when every call has ended (also
    when there was none).  When a call was refused or the wave cannot go,
    fails the task "internal" now and frees the job instead (wave never
    runs): the caller must not touch the job after this call either way. */
void pf_modjob_go(pf_modjob_t *self, pf_modjob_wave_fn *wave);

/*  Ends the job: completes the task with *result_p (taken) when it is not
    NULL, else fails it with code and the printf-style message; frees the
    gather (pending calls are orphaned), the state and the job, and nulls
    *self_p.                                                               */
void pf_modjob_finish(pf_modjob_t **self_p, pf_value_t **result_p, const char *code,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*  For modules without calls: completes *task_p with *result_p (both
    taken) when it is not NULL, else fails it with code and the message.   */
void pf_modjob_answer(pf_actor_t *actor, pf_task_t **task_p, pf_value_t **result_p,
                      const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*  A module's result from the task's inputs map and the seller profile
    (both borrowed), or NULL when it can say nothing.                      */
typedef pf_value_t *(pf_modjob_profiled_fn)(const pf_value_t *inputs,
                                            const pf_profile_t *profile);

/*  For the modules that only score their inputs against the seller
    profile: answers task (taken) with fn(inputs, pf_profile_current()),
    failing it "no_profile" when no profile is installed and with code and
    message when fn gives NULL.                                            */
void pf_modjob_run_profiled(pf_actor_t *actor, pf_task_t *task, pf_modjob_profiled_fn *fn,
                            const char *code, const char *message);

#ifdef __cplusplus
}
#endif
#endif
