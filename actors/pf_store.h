/*  pf_store.h — where jobs and batches are kept and found.

    The engine creates job and batch records and hands them to the store;
    the store indexes them by id (and jobs by idempotency key), keeps
    finished ones for the result TTL and then lets them go.  This step keeps
    everything in memory; the durable store (SQLite, step 2) sits behind the
    same functions and adds write-ahead persistence at each call marked
    "state change".                                                          */
#ifndef PF_STORE_H
#define PF_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "pf_job.h"

typedef struct pf_store_t pf_store_t;

/*  Creates an empty in-memory store.  Never NULL.                          */
pf_store_t *pf_store_new(void);

/*  Frees the indexes.  Records still in it are passed to free_job /
    free_batch (may be NULL).                                               */
void pf_store_destroy(pf_store_t **self_p, void (*free_job)(pf_job_t *),
                      void (*free_batch)(pf_batch_t *));

/*  Indexes a new job (state change).  The id must be new.                  */
void pf_store_put_job(pf_store_t *self, pf_job_t *job);
void pf_store_put_batch(pf_store_t *self, pf_batch_t *batch);

pf_job_t *pf_store_job(pf_store_t *self, const char *id);
pf_batch_t *pf_store_batch(pf_store_t *self, const char *id);
pf_job_t *pf_store_job_by_key(pf_store_t *self, const char *idem_key);

/*  Records that a job reached a final state at monotonic time now_us
    (state change); it expires ttl later.                                    */
void pf_store_job_ended(pf_store_t *self, pf_job_t *job);
void pf_store_batch_ended(pf_store_t *self, pf_batch_t *batch);

/*  Unindexes every finished job and batch that ended before cutoff_us and
    passes each to the callback, which decides when to free it.  Returns the
    number expired.                                                         */
size_t pf_store_expire(pf_store_t *self, int64_t cutoff_us,
                       void (*expired_job)(pf_job_t *, void *),
                       void (*expired_batch)(pf_batch_t *, void *), void *arg);

size_t pf_store_job_count(const pf_store_t *self);

#endif
