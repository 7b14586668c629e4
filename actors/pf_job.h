/*  pf_job.h — a job, a batch and a task: the records the engine works on.

    A job is one domain's enrichment over a closed set of modules.  Each
    module of it moves through pending -> ready -> running -> completed |
    failed | skipped | cancelled; the job is queued, running, then ends
    completed, partial, failed or cancelled (docs/PROTOCOL.md says how).
    The engine owns these records; the store indexes them by id; the
    coordinator reads them to answer STATUS and RESULTS.                     */
#ifndef PF_JOB_H
#define PF_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_broker.h"
#include "pf_graph.h"
#include "pf_pfp.h"

#define PF_ID_SIZE 32   /* "job_" / "batch_" + 24 hex + NUL, rounded up    */

typedef enum {
    PF_JOB_QUEUED = 0,
    PF_JOB_RUNNING,
    PF_JOB_COMPLETED,
    PF_JOB_PARTIAL,
    PF_JOB_FAILED,
    PF_JOB_CANCELLED
} pf_job_status_t;

typedef enum {
    PF_MOD_PENDING = 0,
    PF_MOD_READY,
    PF_MOD_RUNNING,
    PF_MOD_COMPLETED,
    PF_MOD_FAILED,
    PF_MOD_SKIPPED,
    PF_MOD_CANCELLED
} pf_mod_status_t;

typedef struct pf_job_t pf_job_t;
typedef struct pf_batch_t pf_batch_t;

/*  A module result: msgpack bytes of one map.                              */
typedef struct {
    uint32_t size;              /* bytes in data                           */
    uint8_t data[];             /* the encoded map                         */
} pf_blob_t;

/*  A client waiting for a sync ENRICH to end.                              */
typedef struct pf_waiter_t {
    uint8_t rid[PF_RID_MAX];    /* client's routing id                     */
    size_t rid_size;            /* bytes in rid                            */
    char req_id[PFP_REQ_ID_MAX + 1]; /* to echo                            */
    struct pf_waiter_t *next;   /* next waiter of the same job             */
} pf_waiter_t;

/*  One dispatch of one module of one job to one instance.                  */
typedef struct pf_dispatch_t {
    pf_work_t work;             /* link into the holding instance          */
    uint64_t id;                /* unique per dispatch                     */
    pf_job_t *job;              /* the job (holds a reference)             */
    int module;                 /* module index                            */
    uint32_t attempt;           /* 1, 2, ...                               */
    bool current;               /* false once timed out or cancelled       */
    int64_t sent_us;            /* monotonic time of dispatch              */
    int64_t deadline_us;        /* monotonic deadline of this attempt      */
    struct pf_dispatch_t *hash_next;/* engine's task index chain               */
} pf_dispatch_t;

struct pf_job_t {
    char id[PF_ID_SIZE];                    /* "job_" + 24 hex             */
    char *domain;                           /* canonical domain            */
    char *idem_key;                         /* idempotency key or NULL     */
    pf_batch_t *batch;                      /* owning batch or NULL        */
    pfp_priority_t priority;                /* queue class                 */
    pf_job_status_t status;                 /* job state                   */
    pf_modset_t requested;                  /* modules the client asked for */
    pf_modset_t set;                        /* requested + their upstream  */
    pf_modset_t finished;                   /* modules in a final state    */
    uint8_t mstate[PF_MODULE_COUNT];        /* pf_mod_status_t per module  */
    uint8_t attempts[PF_MODULE_COUNT];      /* dispatches so far           */
    uint8_t failures[PF_MODULE_COUNT];      /* failed attempts so far      */
    uint32_t duration_ms[PF_MODULE_COUNT];  /* of the completed attempt    */
    int64_t mstart_us[PF_MODULE_COUNT];     /* dispatch time, for ETA      */
    pf_dispatch_t *task[PF_MODULE_COUNT];       /* current attempt or NULL     */
    pf_blob_t *result[PF_MODULE_COUNT];     /* completed results           */
    char *error[PF_MODULE_COUNT];           /* failure / skip reason       */
    double created_ms;                      /* wall clock, unix ms         */
    int64_t created_us;                     /* monotonic                   */
    int64_t ended_us;                       /* monotonic, 0 while open     */
    uint64_t seq;                           /* submission order            */
    uint32_t refs;                          /* queue entries + tasks       */
    bool expired;                           /* dropped from the store      */
    bool attempts_dirty;                    /* dispatched since the last
                                               pf_engine_flush_writes()    */
    pf_job_t *dirty_next;                   /* engine's list of those      */
    pf_waiter_t *waiters;                   /* sync ENRICH clients         */
    pf_job_t *queue_next;                   /* batch backlog / TTL list    */
};

struct pf_batch_t {
    char id[PF_ID_SIZE];        /* "batch_" + 24 hex                       */
    uint32_t total;             /* jobs in the batch                       */
    uint32_t max_concurrency;   /* jobs of it running at once              */
    uint32_t active;            /* jobs started and not ended              */
    uint32_t ended;             /* jobs ended                              */
    pf_job_t **jobs;            /* all its jobs, in submission order       */
    pf_job_t *backlog;          /* jobs not yet started (FIFO)             */
    pf_job_t *backlog_tail;     /* last of backlog                         */
    int64_t ended_us;           /* monotonic time its last job ended       */
    bool expired;               /* dropped from the store                  */
    bool cancelling;            /* being cancelled: start nothing more     */
};

const char *pf_job_status_name(pf_job_status_t status);
const char *pf_mod_status_name(pf_mod_status_t status);
bool pf_job_is_final(const pf_job_t *job);

#endif
