/*  pf_sqlstore.h — the durable job store: jobs, batches and module results
    in an embedded SQLite database (WAL mode) under the data directory.

    The coordinator writes every state change here before it acknowledges
    it to anyone.  Writes are grouped: the first write opens a transaction,
    pf_sqlstore_commit() closes it, and the coordinator commits once per
    loop turn, before it sends the replies and events those writes back.  A
    restarted coordinator reads everything back with pf_sqlstore_load().
    The schema, its version history and how to back the file up are in
    docs/STORE.md.

    The database file is input: a row that does not fit the schema (wrong
    type, NULL, out of range, oversize) is reported and skipped, never
    trusted.  One store is used by one thread.                              */
#ifndef PF_SQLSTORE_H
#define PF_SQLSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_job.h"
#include "pf_pfa.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_SQLSTORE_FILE "partnerforge.db"  /* file name under the data dir */
#define PF_SQLSTORE_LOCK_FILE "partnerforge.db.lock" /* held while open     */
#define PF_SQLSTORE_DIR_MODE 0700           /* a data dir the store creates */
#define PF_SQLSTORE_FILE_MODE 0600          /* the database (and -wal, -shm) */
/*  Longest idempotency key kept: a client's key (PFP_ID_MAX) scoped by the
    hex digest of its api key, "<32 hex>/<key>" (pf_coordinator.c).          */
#define PF_SQLSTORE_IDEM_KEY_MAX (32 + 1 + PFP_ID_MAX)
/*  Longest module error text kept: the engine's "code: message" form.      */
#define PF_SQLSTORE_ERROR_MAX (PFA_NAME_MAX + 2 + PFA_ERROR_MAX)

typedef struct pf_sqlstore_t pf_sqlstore_t;

/*  One batch row as read back.  Strings are borrowed for the callback.     */
typedef struct {
    const char *id;             /* "batch_..."                             */
    uint32_t total;             /* jobs in the batch                       */
    uint32_t max_concurrency;   /* jobs of it running at once              */
    double created_ms;          /* wall clock, unix ms                     */
} pf_sqlstore_batch_t;

/*  One job row as read back.  Strings are borrowed for the callback.       */
typedef struct {
    const char *id;             /* "job_..."                               */
    uint64_t seq;               /* submission order (> 0, unique)          */
    const char *domain;         /* canonical domain                        */
    pf_modset_t requested;      /* modules the client asked for (non-empty)*/
    pf_modset_t set;            /* requested + their upstream              */
    pfp_priority_t priority;    /* queue class                             */
    const char *idem_key;       /* idempotency key or NULL                 */
    const char *batch_id;       /* owning batch or NULL                    */
    uint32_t batch_index;       /* position in the batch (< its total)     */
    pf_job_status_t status;     /* job state                               */
    double created_ms;          /* wall clock, unix ms                     */
    bool ended;                 /* status is final and ended_ms is set     */
    double ended_ms;            /* wall clock, unix ms; 0 unless ended     */
    uint8_t attempts[PF_MODULE_COUNT]; /* dispatches per module as of the
                                    last pf_sqlstore_put_attempts (zeros if
                                    never); a module row, when newer, has
                                    the same or a higher count            */
} pf_sqlstore_job_t;

/*  One module row of a job as read back.  Borrowed for the callback.       */
typedef struct {
    const char *job_id;         /* the job it belongs to                   */
    int module;                 /* module index, in the job's set          */
    pf_mod_status_t state;      /* module state when last written          */
    uint8_t attempts;           /* dispatches so far                       */
    uint8_t failures;           /* failed attempts so far                  */
    uint32_t duration_ms;       /* of the completed attempt                */
    const char *error;          /* failure / skip reason or NULL           */
    const void *result;         /* msgpack result if completed, else NULL  */
    size_t result_size;         /* bytes in result (<= PF_RESULT_MAX_BYTES)*/
} pf_sqlstore_module_t;

/*  Callbacks of pf_sqlstore_load().  Any may be NULL.  A callback returns 0
    to go on, anything else to stop the load, which then returns that value.
    Callbacks must not call the store.                                      */
typedef struct {
    int (*batch)(void *arg, const pf_sqlstore_batch_t *row);
    int (*job)(void *arg, const pf_sqlstore_job_t *row);
    int (*module)(void *arg, const pf_sqlstore_module_t *row);
    /*  A row that does not fit the schema: table, its key as far as it could
        be read (may be ""), code (PF_EPROTO) and why.  The row is skipped,
        and so are the module rows of a skipped job.                         */
    void (*invalid)(void *arg, const char *table, const char *key, int code,
                    const char *why);
} pf_sqlstore_visitor_t;

/*  Opens (creating data_dir with mode PF_SQLSTORE_DIR_MODE and the database
    if missing) <data_dir>/partnerforge.db in WAL mode with synchronous=FULL
    (see pf_sqlstore_set_sync),
    and brings its schema to the current version.  Refuses a file whose
    schema is newer than this build knows.  Returns the store, or NULL with
    a message in err (err_size bytes, may be 0).  The store holds an
    exclusive flock on <data_dir>/partnerforge.db.lock until closed (or the
    process dies): a second open of the same directory fails at once.      */
pf_sqlstore_t *pf_sqlstore_open(const char *data_dir, char *err, size_t err_size);

/*  Rolls back writes not yet committed, closes the file, frees the store.
    Accepts NULL; nulls the caller's pointer.                               */
void pf_sqlstore_close(pf_sqlstore_t **self_p);

/*  How far a commit goes before pf_sqlstore_commit() returns: with full
    (the default) to the disk (fsync of the WAL), surviving a power loss;
    with normal to the operating system, surviving the death of the process
    (kill -9) but not of the machine, for about half the commit latency.
    Returns 0 or PF_EIO.                                                    */
int pf_sqlstore_set_sync(pf_sqlstore_t *self, bool full);

/*  Checkpoints — copying the write-ahead log back into the database so the
    log can start over — are by default run by SQLite inside a commit every
    PF_STORE_CHECKPOINT_PAGES pages, on the caller's thread, fsyncs
    included.  A caller that runs them on a thread of its own instead:

        pf_sqlstore_checkpoint_elsewhere(store);           // its thread
        cp = pf_sqlstore_checkpointer_new(data_dir, ...);  // either
        pf_sqlstore_checkpointer_run(cp, store);           // the other

    The store then only counts the log's pages at each commit (an atomic
    the other thread reads); the checkpointer, a second connection to the
    same file used by that other thread alone, checkpoints (PASSIVE: never
    waiting for, nor blocking, the writer) once the count reaches the
    threshold.                                                              */
void pf_sqlstore_checkpoint_elsewhere(pf_sqlstore_t *self);

typedef struct pf_sqlstore_checkpointer_t pf_sqlstore_checkpointer_t;

/*  Opens the second connection to <data_dir>/partnerforge.db (which must
    exist: open the store first).  NULL with a message in err on failure.  */
pf_sqlstore_checkpointer_t *pf_sqlstore_checkpointer_new(const char *data_dir, char *err,
                                                         size_t err_size);

/*  Closes it; accepts NULL; nulls *self_p.                                 */
void pf_sqlstore_checkpointer_destroy(pf_sqlstore_checkpointer_t **self_p);

/*  Checkpoints if store's log has reached PF_STORE_CHECKPOINT_PAGES pages
    since the last checkpoint.  Returns 1 if it checkpointed, 0 if there
    was nothing to do, PF_EIO on failure (the next call tries again).
    Safe to call while the store's thread writes.                           */
int pf_sqlstore_checkpointer_run(pf_sqlstore_checkpointer_t *self, pf_sqlstore_t *store);

/*  Schema version this build writes (PRAGMA user_version).                 */
int pf_sqlstore_schema_version(void);

/*  Makes every write since the last commit durable, in one transaction.
    No-op (0) when nothing is pending.  If any write of the group failed, or
    the commit itself fails, the whole group is rolled back and PF_EIO is
    returned: nothing written since the last successful commit is stored,
    and none of it may be acknowledged.  No transaction is open afterwards. */
int pf_sqlstore_commit(pf_sqlstore_t *self);

/*  True while a group of writes is open (written, not yet committed).      */
bool pf_sqlstore_pending(const pf_sqlstore_t *self);

/*  The message of the last failure (sqlite's, or why a row was refused);
    "" if none.  Valid until the next call on the store.                    */
const char *pf_sqlstore_errmsg(const pf_sqlstore_t *self);

/*  Writes — each joins the open group (opening it if needed) and returns 0,
    PF_EINVAL for an argument the schema cannot hold, or PF_EIO (see
    pf_sqlstore_errmsg).  Either failure poisons the group: the next commit
    rolls all of it back and fails, so nothing of it is acknowledged.       */

/*  A new batch; created_ms is wall-clock unix ms.                          */
int pf_sqlstore_put_batch(pf_sqlstore_t *self, const pf_batch_t *batch, double created_ms);

/*  A new job (id, seq, domain, sets, priority, key, batch and batch_index,
    status, created_ms; ended_ms stays NULL until pf_sqlstore_put_job_status
    says the job is final).  Its batch, if any, must have been put first.
    batch_index is ignored for a job without a batch.                       */
int pf_sqlstore_put_job(pf_sqlstore_t *self, const pf_job_t *job, uint32_t batch_index);

/*  Module m of a job: state, attempts, failures, duration, error text and,
    when completed, the result.  Replaces the previous row of (job, m).     */
int pf_sqlstore_put_module(pf_sqlstore_t *self, const pf_job_t *job, int module);

/*  The job's status and every module's attempt count (job->attempts), in
    the job's row: what dispatching modules changes, written once per job
    per group however many of its modules went out.  ended_ms is left as
    it is.                                                                  */
int pf_sqlstore_put_attempts(pf_sqlstore_t *self, const pf_job_t *job);

/*  The job's status; ended_ms (wall-clock unix ms) is stored when the status
    is final, NULL otherwise.                                               */
int pf_sqlstore_put_job_status(pf_sqlstore_t *self, const pf_job_t *job, double ended_ms);

/*  Deletes a job and its module rows.  0 also when it did not exist.       */
int pf_sqlstore_delete_job(pf_sqlstore_t *self, const char *id);

/*  Deletes a batch, and with it its jobs and their module rows.            */
int pf_sqlstore_delete_batch(pf_sqlstore_t *self, const char *id);

/*  Deletes up to limit (> 0) finished jobs that ended before cutoff_ms,
    oldest first, with their module rows, and then each of their batches
    that has no job left.  *purged (may be NULL) = jobs deleted; call again
    while it equals limit.  The deletions join the open group like any
    write.                                                                  */
int pf_sqlstore_purge_before(pf_sqlstore_t *self, double cutoff_ms, size_t limit,
                             size_t *purged);

/*  Reads the whole store back: every batch, then every job in seq order,
    each followed by its module rows in module order, through v.  Returns 0;
    PF_EPROTO when at least one row was invalid (each reported through
    v->invalid, all others visited); PF_EIO on a read failure; or the
    nonzero value a callback returned.                                      */
int pf_sqlstore_load(pf_sqlstore_t *self, const pf_sqlstore_visitor_t *v, void *arg);

/*  Highest job seq stored (0 if none): new jobs continue after it.
    Returns 0, PF_EPROTO for a non-integer value, or PF_EIO.                */
int pf_sqlstore_max_seq(pf_sqlstore_t *self, uint64_t *seq);

#ifdef __cplusplus
}
#endif
#endif
