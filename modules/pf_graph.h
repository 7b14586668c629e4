/*  pf_graph.h — the fifteen modules and their dependency graph, as data.

    This is the one place the graph lives (pf_graph.c).  pf_graph_check()
    verifies at start that it is acyclic and every name is known; everything
    else (topological order, dependents, critical paths) is derived from it.
    Module sets are bitmasks over module indices (PF_MODULE_COUNT <= 32).   */
#ifndef PF_GRAPH_H
#define PF_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PF_MODULE_COUNT 15
#define PF_MODULE_INPUTS_MAX 14
#define PF_MODULE_ALL ((uint32_t)((1u << PF_MODULE_COUNT) - 1))

/*  The root module: if it fails the job fails.                            */
#define PF_MODULE_ROOT 0   /* company_context */

typedef uint32_t pf_modset_t;  /* bit i set = module i in the set          */

typedef struct {
    const char *name;         /* the module's service name                */
    bool required;            /* skip the module if this input fails      */
} pf_input_t;

typedef struct {
    const char *name;                           /* service name             */
    double estimate_s;                          /* design estimate, seconds */
    size_t input_count;                         /* entries in inputs        */
    pf_input_t inputs[PF_MODULE_INPUTS_MAX];    /* upstream modules         */
} pf_module_def_t;

/*  The graph, after pf_graph_check() has resolved names into indices.      */
typedef struct {
    const pf_module_def_t *def;                 /* static definition        */
    pf_modset_t inputs;                         /* all upstream modules     */
    pf_modset_t required;                       /* required upstream        */
    pf_modset_t dependents;                     /* direct downstream        */
    pf_modset_t closure;                        /* itself + all upstream    */
} pf_module_info_t;

/*  Checks the static graph (names unique and known, acyclic) and builds the
    derived tables.  Idempotent; thread-compatible (call once at start).
    Returns 0 or PF_ECYCLE / PF_EUNKNOWN / PF_EINVAL.                        */
int pf_graph_check(void);

/*  Module i's info; i < PF_MODULE_COUNT.  pf_graph_check() must have
    succeeded.                                                              */
const pf_module_info_t *pf_graph_module(int index);

/*  Index of a module name, or -1.                                          */
int pf_graph_find(const char *name);
const char *pf_graph_name(int index);

/*  Topological order of all modules (each after all its inputs).           */
const int *pf_graph_topo_order(void);

/*  Expands a requested set to include every upstream module.               */
pf_modset_t pf_graph_close(pf_modset_t requested);

/*  Longest path (sum of durations[i]) from module `from` to any sink,
    counting `from` itself, restricted to modules in `set`.                 */
double pf_graph_remaining_path(pf_modset_t set, int from, const double *durations);

/*  Critical path of `set` given per-module durations (seconds).            */
double pf_graph_critical_path(pf_modset_t set, const double *durations);

/*  Makespan of a level-by-level barrier schedule of `set`: level k starts
    when every module of level k-1 has finished, each level taking its
    longest module.                                                          */
double pf_graph_barrier_makespan(pf_modset_t set, const double *durations);

/*  The design estimates in seconds, indexed by module.                      */
const double *pf_graph_estimates(void);

#ifdef __cplusplus
}
#endif
#endif
