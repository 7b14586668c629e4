/*  pf_module.h — the table of module implementations built into pf.

    A module is one entry: its service name (as in modules/pf_graph.h) and
    a run function.  run receives a TASK from the actor runtime and owns it
    until it answers with pf_actor_task_done / pf_actor_task_fail, now or
    from a later callback (timer, call completion): it must never block.
    Adding a module is adding its file and one entry to the table in
    pf_module.c.  `pf module NAME` without --simulate runs the entry named
    NAME; a module with no entry can only be simulated (pf_simulate.h).   */
#ifndef PF_MODULE_H
#define PF_MODULE_H

#include <stddef.h>

#include "pf_actor.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Starts work on task; see the file comment for ownership.               */
typedef void (pf_module_run_fn)(pf_actor_t *actor, pf_task_t *task);

typedef struct {
    const char *name;           /* service name, as in the graph           */
    pf_module_run_fn *run;      /* starts one task                         */
} pf_module_t;

/*  The built-in implementation of the module named name, or NULL when
    none is built in (the module can then only be simulated).             */
const pf_module_t *pf_module_find(const char *name);

/*  Number of modules with a built-in implementation.                      */
size_t pf_module_count(void);

#ifdef __cplusplus
}
#endif
#endif
