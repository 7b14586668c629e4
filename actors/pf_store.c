/*  pf_store.c — in-memory job and batch index with TTL (see pf_store.h).   */
#include "pf_store.h"

#include <czmq.h>

#include "pf_alloc.h"

typedef struct s_batch_node_t {
    pf_batch_t *batch;               /* ended batch                         */
    struct s_batch_node_t *next;     /* FIFO                                */
} s_batch_node_t;

struct pf_store_t {
    zhashx_t *jobs;                  /* id -> job                           */
    zhashx_t *keys;                  /* idempotency key -> job              */
    zhashx_t *batches;               /* id -> batch                         */
    pf_job_t *ended_head;            /* finished jobs, in end order         */
    pf_job_t *ended_tail;            /* last of them                        */
    s_batch_node_t *bended_head;     /* finished batches, in end order      */
    s_batch_node_t *bended_tail;     /* last of them                        */
};

pf_store_t *
pf_store_new(void)
{
    pf_store_t *self = pf_calloc(1, sizeof *self);
    self->jobs = zhashx_new();
    self->keys = zhashx_new();
    self->batches = zhashx_new();
    if (!self->jobs || !self->keys || !self->batches) {
        fprintf(stderr, "pf_store: out of memory\n");
        abort();
    }
    return self;
}

void
pf_store_destroy(pf_store_t **self_p, void (*free_job)(pf_job_t *),
                 void (*free_batch)(pf_batch_t *))
{
    if (!self_p || !*self_p)
        return;
    pf_store_t *self = *self_p;
    if (free_job)
        for (pf_job_t *j = zhashx_first(self->jobs); j; j = zhashx_next(self->jobs))
            free_job(j);
    if (free_batch)
        for (pf_batch_t *b = zhashx_first(self->batches); b; b = zhashx_next(self->batches))
            free_batch(b);
    s_batch_node_t *n = self->bended_head;
    while (n) {
        s_batch_node_t *next = n->next;
        free(n);
        n = next;
    }
    zhashx_destroy(&self->jobs);
    zhashx_destroy(&self->keys);
    zhashx_destroy(&self->batches);
    free(self);
    *self_p = NULL;
}

void
pf_store_put_job(pf_store_t *self, pf_job_t *job)
{
    zhashx_insert(self->jobs, job->id, job);
    if (job->idem_key)
        zhashx_update(self->keys, job->idem_key, job);
}

void
pf_store_put_batch(pf_store_t *self, pf_batch_t *batch)
{
    zhashx_insert(self->batches, batch->id, batch);
}

pf_job_t *
pf_store_job(pf_store_t *self, const char *id)
{
    return zhashx_lookup(self->jobs, id);
}

pf_batch_t *
pf_store_batch(pf_store_t *self, const char *id)
{
    return zhashx_lookup(self->batches, id);
}

pf_job_t *
pf_store_job_by_key(pf_store_t *self, const char *idem_key)
{
    return zhashx_lookup(self->keys, idem_key);
}

void
pf_store_job_ended(pf_store_t *self, pf_job_t *job)
{
    job->queue_next = NULL;
    if (self->ended_tail)
        self->ended_tail->queue_next = job;
    else
        self->ended_head = job;
    self->ended_tail = job;
}

void
pf_store_batch_ended(pf_store_t *self, pf_batch_t *batch)
{
    s_batch_node_t *n = pf_calloc(1, sizeof *n);
    n->batch = batch;
    if (self->bended_tail)
        self->bended_tail->next = n;
    else
        self->bended_head = n;
    self->bended_tail = n;
}

size_t
pf_store_expire(pf_store_t *self, int64_t cutoff_us,
                void (*expired_job)(pf_job_t *, void *),
                void (*expired_batch)(pf_batch_t *, void *), void *arg)
{
    size_t n = 0;
    /* Batches first: a batch refers to its jobs.                           */
    while (self->bended_head && self->bended_head->batch->ended_us < cutoff_us) {
        s_batch_node_t *node = self->bended_head;
        self->bended_head = node->next;
        if (!self->bended_head)
            self->bended_tail = NULL;
        zhashx_delete(self->batches, node->batch->id);
        node->batch->expired = true;
        if (expired_batch)
            expired_batch(node->batch, arg);
        free(node);
        n++;
    }
    while (self->ended_head && self->ended_head->ended_us < cutoff_us) {
        pf_job_t *job = self->ended_head;
        self->ended_head = job->queue_next;
        if (!self->ended_head)
            self->ended_tail = NULL;
        job->queue_next = NULL;
        zhashx_delete(self->jobs, job->id);
        if (job->idem_key && zhashx_lookup(self->keys, job->idem_key) == job)
            zhashx_delete(self->keys, job->idem_key);
        job->expired = true;
        if (expired_job)
            expired_job(job, arg);
        n++;
    }
    return n;
}

size_t
pf_store_job_count(const pf_store_t *self)
{
    return zhashx_size(self->jobs);
}
