/*  pf_engine.h — the coordinator's dataflow engine.

    Per job, the engine tracks each module's state and releases a module to
    its service's ready queue the instant its last upstream module reaches a
    final state (dataflow over the graph of modules/pf_graph.c; no waves, no
    polling).  Ready work waits in one queue per module and priority; inside
    a priority the module with the longest remaining critical path (learned
    durations, EWMA) goes first, then submission order.  The engine owns
    job, batch and task records (indexed by pf_store) and never touches a
    socket: the coordinator pulls tasks with pf_engine_next_task(), feeds
    results back, and is told through hooks what to publish and when a job
    ends.                                                                    */
#ifndef PF_ENGINE_H
#define PF_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_config.h"
#include "pf_job.h"
#include "pf_sqlstore.h"
#include "pf_value.h"

typedef struct pf_engine_t pf_engine_t;

typedef struct {
    /*  True when an event of this topic would reach somebody; the engine
        skips building it otherwise.  May be NULL (always build).          */
    bool (*tap_wanted)(void *arg, const char *topic);
    /*  Publishes a tap event; takes ownership of *body.  The coordinator
        adds ts and type.                                                   */
    void (*publish)(void *arg, const char *topic, pf_value_t **body);
    /*  A module's ready queue went from empty to non-empty.                */
    void (*work_ready)(void *arg, int module);
    /*  A job reached a final state (its waiters are still attached; the
        hook answers them and the engine frees them afterwards).            */
    void (*job_ended)(void *arg, pf_job_t *job);
} pf_engine_hooks_t;

/*  What ENRICH asks for.                                                   */
typedef struct {
    const char *domain;          /* canonical domain (pf_domain_normalize)  */
    pf_modset_t modules;         /* requested; upstream added by the engine */
    pfp_priority_t priority;     /* queue class                             */
    const char *idem_key;        /* or NULL                                 */
} pf_submit_t;

/*  Creates an engine.  cfg is copied.  Returns NULL if the graph fails its
    check.                                                                  */
pf_engine_t *pf_engine_new(const pf_config_t *cfg, const pf_engine_hooks_t *hooks, void *arg);
void pf_engine_destroy(pf_engine_t **self_p);

/*  Makes the engine write every state change to db: a new batch and job, a
    module dispatched, completed (with its result), failed, retried, skipped
    or cancelled, a job's status.  Writes join db's open group; the caller
    calls pf_engine_flush_writes() and then commits (pf_sqlstore_commit)
    before it lets anybody see what they record.  db is borrowed and must outlive the engine.  NULL: memory only.
    The engine also purges expired jobs from db in pf_engine_sweep().       */
void pf_engine_set_store(pf_engine_t *self, pf_sqlstore_t *db);

/*  Writes what the engine collects over a loop turn instead of writing at
    once (the attempt counts of jobs whose modules were dispatched, one
    write per job).  Call right before each pf_sqlstore_commit().           */
void pf_engine_flush_writes(pf_engine_t *self);

/*  What pf_engine_recover() found.                                         */
typedef struct {
    uint64_t jobs;               /* job records loaded                      */
    uint64_t batches;            /* batch records loaded                    */
    uint64_t unfinished;         /* of the jobs, not final                  */
    uint64_t resumed;            /* unfinished jobs running again now       */
    uint64_t modules_kept;       /* final modules of unfinished jobs, not
                                    to be run again                         */
    uint64_t invalid_rows;       /* rows refused (each reported)            */
} pf_engine_recovery_t;

/*  Reads the engine's store (pf_engine_set_store) back, on a new engine
    before any submit: finished jobs answer STATUS and RESULTS again (their
    TTL counts from when they ended); each unfinished job resumes where it
    was: final modules stay final and are never run again, modules that
    were running or ready are dispatched again as a new attempt (their
    attempt count goes on), and batches start their backlog up to their
    concurrency.  Idempotency keys and submission order carry on.  A row
    the store refuses, or one that contradicts another, is passed to
    invalid (may be NULL) and skipped.  Returns 0, PF_EPROTO if some rows
    were refused (everything else is loaded), PF_EINVAL without a store or
    after a submit, or PF_EIO on a read failure (then destroy the engine).  */
int pf_engine_recover(pf_engine_t *self, int64_t now_us,
                      void (*invalid)(void *arg, const char *table, const char *key,
                                      const char *why),
                      void *arg, pf_engine_recovery_t *out);

/*  Accepts one job.  With an idempotency key seen before (and not expired)
    returns that job with *existing = true.  PF_EBUSY when the number of
    unfinished jobs is at the configured bound.                             */
int pf_engine_submit(pf_engine_t *self, const pf_submit_t *req, int64_t now_us,
                     pf_job_t **job_p, bool *existing);

/*  Accepts a batch of count canonical domains, all or nothing: PF_EBUSY if
    they do not all fit under the bound.                                    */
int pf_engine_submit_batch(pf_engine_t *self, const char *const *domains, size_t count,
                           pf_modset_t modules, pfp_priority_t priority,
                           uint32_t max_concurrency, int64_t now_us, pf_batch_t **batch_p);

pf_job_t *pf_engine_job(pf_engine_t *self, const char *id);
pf_batch_t *pf_engine_batch(pf_engine_t *self, const char *id);

/*  Cancels a job: modules not final become cancelled, running attempts are
    disowned (their late results are dropped).  No-op on a final job.      */
void pf_engine_cancel_job(pf_engine_t *self, pf_job_t *job, int64_t now_us);
void pf_engine_cancel_batch(pf_engine_t *self, pf_batch_t *batch, int64_t now_us);

/*  Takes the best ready work of a module, marks it running and returns the
    task to send (owned by the engine), or NULL if none is ready.           */
pf_dispatch_t *pf_engine_next_task(pf_engine_t *self, int module, int64_t now_us);

/*  Encodes the TASK payload of a task: a map of upstream module name to its
    result, for the inputs that completed.  Caller frees with free().       */
int pf_engine_task_inputs(pf_engine_t *self, const pf_dispatch_t *task, uint8_t **data_p,
                          size_t *size_p);

/*  Finds an in-flight task by id; NULL if unknown (already settled).       */
pf_dispatch_t *pf_engine_task(pf_engine_t *self, uint64_t task_id);

/*  Settles a task with its RESULT.  result is the msgpack map (ok) or NULL.
    A result of a disowned attempt is dropped.  The task is freed: callers
    must release it from its holder first.                                  */
void pf_engine_task_result(pf_engine_t *self, pf_dispatch_t *task, bool ok, const void *result,
                           size_t result_size, const char *error_code,
                           const char *error_message, uint32_t duration_ms, int64_t now_us);

/*  The instance holding a task is gone (died, left, unreachable): the
    module is dispatched again as a new attempt; not counted as a failure.
    The task is freed.                                                       */
void pf_engine_task_lost(pf_engine_t *self, pf_dispatch_t *task, const char *why, int64_t now_us);

/*  Handles attempts past their deadline (a failed attempt each; the late
    task stays held by its instance until it answers or dies) and expires
    finished jobs past the result TTL.  Returns the monotonic time of the
    next deadline to check, or INT64_MAX.                                   */
int64_t pf_engine_sweep(pf_engine_t *self, int64_t now_us);

/*  Replies.  Each returns a new map (caller owns).                          */
pf_value_t *pf_engine_status_body(pf_engine_t *self, const pf_job_t *job, const char *req_id,
                                  int64_t now_us);
pf_value_t *pf_engine_batch_status_body(pf_engine_t *self, const pf_batch_t *batch,
                                        const char *req_id);
pf_value_t *pf_engine_result_body(pf_engine_t *self, const pf_job_t *job, const char *req_id,
                                  int64_t now_us);

/*  Seconds the job still needs: its remaining critical path under learned
    durations.                                                              */
double pf_engine_eta(pf_engine_t *self, const pf_job_t *job, int64_t now_us);

/*  Adds a sync waiter to a job (copied).  PF_EBUSY when the job already has
    PF_JOB_WAITERS_MAX of them (repeated sync ENRICH with one idempotency
    key must not grow a job without bound).                                 */
int pf_engine_add_waiter(pf_engine_t *self, pf_job_t *job, const void *rid, size_t rid_size,
                          const char *req_id);

/*  Counters for operators and tests.                                       */
typedef struct {
    uint64_t jobs_accepted;      /* jobs created                            */
    uint64_t jobs_ended;         /* jobs in a final state                   */
    uint64_t unfinished;         /* accepted and not final                  */
    uint64_t tasks_dispatched;   /* TASKs handed out                        */
    uint64_t results_taken;      /* results recorded (once per job+module)  */
    uint64_t results_dropped;    /* stale results ignored                   */
    uint64_t retries;            /* attempts after the first                */
} pf_engine_stats_t;

void pf_engine_stats(const pf_engine_t *self, pf_engine_stats_t *stats);

#endif
