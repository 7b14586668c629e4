/*  pf_engine.c — dataflow over the module graph, per job (see pf_engine.h).

    State machine of one module of one job:

        pending --(last input final, required inputs completed)--> ready
        pending --(last input final, a required input not completed)--> skipped
        ready   --(next_task)--> running
        running --(result ok)--> completed
        running --(error/timeout, attempts left)--> ready   (module.retried)
        running --(error/timeout, none left)--> failed
        running --(holder lost)--> ready                    (module.retried)
        any non-final --(cancel)--> cancelled

    Every transition into a final state runs s_settle(), which is the only
    place downstream modules are released.                                   */
#include "pf_engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_sqlstore.h"
#include "pf_store.h"

typedef struct {
    double rank;        /* remaining critical path, seconds (higher first) */
    uint64_t seq;       /* submission order (lower first)                  */
    pf_job_t *job;      /* the job (holds a reference)                     */
} s_entry_t;

typedef struct {
    s_entry_t *items;   /* binary heap                                     */
    size_t count;       /* entries                                         */
    size_t cap;         /* allocated                                       */
} s_heap_t;

struct pf_engine_t {
    pf_config_t cfg;                                   /* copied config     */
    pf_engine_hooks_t hooks;                           /* coordinator's     */
    void *hooks_arg;                                   /* their argument    */
    pf_store_t *store;                                 /* job index         */
    s_heap_t ready[PF_MODULE_COUNT][PFP_PRIORITY_COUNT]; /* ready queues    */
    double durations[PF_MODULE_COUNT];                 /* EWMA, seconds     */
    pf_dispatch_t **tasks;                                 /* id -> task        */
    size_t task_buckets;                               /* power of two      */
    size_t task_count;                                 /* in the index      */
    uint64_t next_task_id;                             /* dispatch counter  */
    uint64_t next_seq;                                 /* submission order  */
    pf_engine_stats_t stats;                           /* counters          */
    pf_job_t *zombies;                                 /* expired, still
                                                          referenced jobs    */
    pf_sqlstore_t *db;                                 /* durable store or
                                                          NULL (memory only) */
    pf_job_t *dirty;                                   /* jobs to write
                                                          attempts of        */
};

static void s_settle(pf_engine_t *self, pf_job_t *job, int m, int64_t now_us);

/* ---------------------------------------------------------------- utils */

static void
s_new_id(char *out, const char *prefix)
{
    uint8_t raw[12];
    randombytes_buf(raw, sizeof raw);
    char hex[sizeof raw * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    snprintf(out, PF_ID_SIZE, "%s%s", prefix, hex);
}

static bool
s_wanted(pf_engine_t *self, const char *topic)
{
    return !self->hooks.tap_wanted || self->hooks.tap_wanted(self->hooks_arg, topic);
}

static void
s_publish(pf_engine_t *self, const char *topic, pf_value_t **body)
{
    self->hooks.publish(self->hooks_arg, topic, body);
}

/*  Durable writes.  Each joins the coordinator's open write group; a failed
    write fails the group at commit, and the coordinator then acknowledges
    nothing of it (pf_coordinator.c), so the return codes are not needed
    here.                                                                   */
static void
s_persist_module(pf_engine_t *self, const pf_job_t *job, int m)
{
    if (self->db)
        (void)pf_sqlstore_put_module(self->db, job, m);
}

/*  A module of job was dispatched: its attempt count (and the job's status)
    go to the job's row at the next pf_engine_flush_writes(), once however
    many of its modules go out in the turn.                                 */
static void
s_persist_dispatch(pf_engine_t *self, pf_job_t *job)
{
    if (!self->db || job->attempts_dirty)
        return;
    job->attempts_dirty = true;
    job->refs++;
    job->dirty_next = self->dirty;
    self->dirty = job;
}

static void
s_persist_status(pf_engine_t *self, const pf_job_t *job)
{
    if (self->db)
        (void)pf_sqlstore_put_job_status(self->db, job,
                                         pf_job_is_final(job) ? pf_clock_wall_ms() : 0);
}

static pf_value_t *
s_module_event(const pf_job_t *job, int m)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "job_id", job->id);
    pf_map_set_str(body, "domain", job->domain);
    pf_map_set_str(body, "module", pf_graph_name(m));
    pf_map_set_int(body, "attempt", job->attempts[m]);
    return body;
}

static void
s_job_unref(pf_engine_t *self, pf_job_t *job);

/* ---------------------------------------------------------------- heaps */

static bool
s_before(const s_entry_t *a, const s_entry_t *b)
{
    if (a->rank != b->rank)
        return a->rank > b->rank;
    return a->seq < b->seq;
}

static void
s_heap_push(s_heap_t *h, s_entry_t e)
{
    if (h->count == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->items = pf_realloc(h->items, h->cap * sizeof *h->items);
    }
    size_t i = h->count++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!s_before(&e, &h->items[parent]))
            break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = e;
}

static s_entry_t
s_heap_pop(s_heap_t *h)
{
    s_entry_t top = h->items[0];
    s_entry_t last = h->items[--h->count];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        const s_entry_t *cand = &last;
        if (l < h->count && s_before(&h->items[l], cand)) {
            best = l;
            cand = &h->items[l];
        }
        if (r < h->count && s_before(&h->items[r], cand))
            best = r;
        if (best == i)
            break;
        h->items[i] = h->items[best];
        i = best;
    }
    if (h->count)
        h->items[i] = last;
    /* Give memory back once a burst has drained.                           */
    if (h->count == 0 && h->cap > 4096) {
        free(h->items);
        h->items = NULL;
        h->cap = 0;
    }
    return top;
}

/* ---------------------------------------------------------------- tasks */

static void
s_task_index(pf_engine_t *self, pf_dispatch_t *task)
{
    if (self->task_count + 1 > self->task_buckets) {
        size_t nb = self->task_buckets ? self->task_buckets * 2 : 1024;
        pf_dispatch_t **nt = pf_calloc(nb, sizeof *nt);
        for (size_t b = 0; b < self->task_buckets; b++) {
            pf_dispatch_t *t = self->tasks[b];
            while (t) {
                pf_dispatch_t *next = t->hash_next;
                t->hash_next = nt[t->id & (nb - 1)];
                nt[t->id & (nb - 1)] = t;
                t = next;
            }
        }
        free(self->tasks);
        self->tasks = nt;
        self->task_buckets = nb;
    }
    size_t b = task->id & (self->task_buckets - 1);
    task->hash_next = self->tasks[b];
    self->tasks[b] = task;
    self->task_count++;
}

pf_dispatch_t *
pf_engine_task(pf_engine_t *self, uint64_t task_id)
{
    if (!self->task_buckets)
        return NULL;
    for (pf_dispatch_t *t = self->tasks[task_id & (self->task_buckets - 1)]; t; t = t->hash_next)
        if (t->id == task_id)
            return t;
    return NULL;
}

static void
s_task_free(pf_engine_t *self, pf_dispatch_t *task)
{
    size_t b = task->id & (self->task_buckets - 1);
    for (pf_dispatch_t **pp = &self->tasks[b]; *pp; pp = &(*pp)->hash_next)
        if (*pp == task) {
            *pp = task->hash_next;
            self->task_count--;
            break;
        }
    pf_job_t *job = task->job;
    if (task->current && job->task[task->module] == task)
        job->task[task->module] = NULL;
    free(task);
    s_job_unref(self, job);
}

/* ---------------------------------------------------------------- jobs */

static void
s_job_free(pf_job_t *job)
{
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        free(job->result[m]);
        free(job->error[m]);
    }
    pf_waiter_t *w = job->waiters;
    while (w) {
        pf_waiter_t *next = w->next;
        free(w);
        w = next;
    }
    free(job->domain);
    free(job->idem_key);
    free(job);
}

/*  Drops one reference.  Expired jobs are freed by the sweep (or at
    destroy) once nothing refers to them any more.                           */
static void
s_job_unref(pf_engine_t *self, pf_job_t *job)
{
    (void)self;
    if (job->refs > 0)
        job->refs--;
}

static void
s_batch_free(pf_batch_t *batch)
{
    free(batch->jobs);
    free(batch);
}

static void
s_set_error(pf_job_t *job, int m, const char *text)
{
    free(job->error[m]);
    job->error[m] = pf_strdup(text);
}

static void
s_make_ready(pf_engine_t *self, pf_job_t *job, int m, int64_t now_us)
{
    (void)now_us;
    job->mstate[m] = PF_MOD_READY;
    s_entry_t e = {
        .rank = pf_graph_remaining_path(job->set, m, self->durations),
        .seq = job->seq,
        .job = job,
    };
    job->refs++;
    s_heap_push(&self->ready[m][job->priority], e);
    if (s_wanted(self, "module.ready")) {
        pf_value_t *body = s_module_event(job, m);
        s_publish(self, "module.ready", &body);
    }
    self->hooks.work_ready(self->hooks_arg, m);
}

/*  Judged on the modules the client asked for: an implied upstream module
    that failed without stopping them (an optional input) does not make the
    job partial.  Without company_context nothing is true: failed.          */
static pf_job_status_t
s_final_status(const pf_job_t *job)
{
    pf_modset_t done = 0;
    for (int m = 0; m < PF_MODULE_COUNT; m++)
        if ((job->set & (1u << m)) && job->mstate[m] == PF_MOD_COMPLETED)
            done |= 1u << m;
    if (job->set & (1u << PF_MODULE_ROOT)) {
        if (!(done & (1u << PF_MODULE_ROOT)))
            return PF_JOB_FAILED;
        return (done & job->requested) == job->requested ? PF_JOB_COMPLETED : PF_JOB_PARTIAL;
    }
    if ((done & job->requested) == job->requested)
        return PF_JOB_COMPLETED;
    /* A set without the root (only independent modules): something true
       was said if anything completed.                                       */
    return done ? PF_JOB_PARTIAL : PF_JOB_FAILED;
}

static void s_batch_job_ended(pf_engine_t *self, pf_job_t *job, int64_t now_us);

static void
s_job_end(pf_engine_t *self, pf_job_t *job, pf_job_status_t status, int64_t now_us)
{
    job->status = status;
    job->ended_us = now_us;
    s_persist_status(self, job);
    self->stats.jobs_ended++;
    self->stats.unfinished--;
    char topic[32];
    snprintf(topic, sizeof topic, "job.%s", pf_job_status_name(status));
    if (s_wanted(self, topic)) {
        pf_value_t *body = pf_value_map();
        pf_map_set_str(body, "job_id", job->id);
        pf_map_set_str(body, "domain", job->domain);
        pf_map_set_int(body, "duration_ms", (now_us - job->created_us) / 1000);
        s_publish(self, topic, &body);
    }
    pf_store_job_ended(self->store, job);
    self->hooks.job_ended(self->hooks_arg, job);
    pf_waiter_t *w = job->waiters;
    while (w) {
        pf_waiter_t *next = w->next;
        free(w);
        w = next;
    }
    job->waiters = NULL;
    if (job->batch)
        s_batch_job_ended(self, job, now_us);
}

/*  Module d of job is pending and every input of it is final: make it
    ready, or skip it when a required input did not complete.               */
static void
s_release(pf_engine_t *self, pf_job_t *job, int d, int64_t now_us)
{
    const pf_module_info_t *info = pf_graph_module(d);
    int missing = -1;
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        if ((info->required & job->set & (1u << i)) && job->mstate[i] != PF_MOD_COMPLETED) {
            missing = i;
            break;
        }
    if (missing < 0) {
        s_make_ready(self, job, d, now_us);
        return;
    }
    char why[128];
    snprintf(why, sizeof why, "required input %s %s", pf_graph_name(missing),
             pf_mod_status_name(job->mstate[missing]));
    job->mstate[d] = PF_MOD_SKIPPED;
    s_set_error(job, d, why);
    s_persist_module(self, job, d);
    if (s_wanted(self, "module.skipped")) {
        pf_value_t *body = s_module_event(job, d);
        pf_map_set_str(body, "reason", why);
        s_publish(self, "module.skipped", &body);
    }
    s_settle(self, job, d, now_us);
}

/*  True if module d of job is pending with every input final.             */
static bool
s_releasable(const pf_job_t *job, int d)
{
    return (job->set & (1u << d)) && job->mstate[d] == PF_MOD_PENDING
           && (pf_graph_module(d)->inputs & job->set & ~job->finished) == 0;
}

/*  Releases every module whose inputs are all final: the roots of a new
    job, or wherever a recovered job had got to.                             */
static void
s_job_start(pf_engine_t *self, pf_job_t *job, int64_t now_us)
{
    for (int k = 0; k < PF_MODULE_COUNT && !pf_job_is_final(job); k++) {
        int m = pf_graph_topo_order()[k];
        if (s_releasable(job, m))
            s_release(self, job, m, now_us);
    }
    if (job->finished == job->set && !pf_job_is_final(job))
        s_job_end(self, job, s_final_status(job), now_us);
}

/*  Module m of job reached a final state: release what waited on it.       */
static void
s_settle(pf_engine_t *self, pf_job_t *job, int m, int64_t now_us)
{
    job->finished |= 1u << m;
    pf_modset_t deps = pf_graph_module(m)->dependents & job->set;
    for (int k = 0; k < PF_MODULE_COUNT && deps; k++) {
        int d = pf_graph_topo_order()[k];
        if (!(deps & (1u << d)) || !s_releasable(job, d))
            continue;
        s_release(self, job, d, now_us);
        if (pf_job_is_final(job))
            return;
    }
    if (job->finished == job->set && !pf_job_is_final(job))
        s_job_end(self, job, s_final_status(job), now_us);
}

/* --------------------------------------------------------------- batches */

static void
s_batch_start_more(pf_engine_t *self, pf_batch_t *batch, int64_t now_us)
{
    while (batch->backlog && batch->active < batch->max_concurrency) {
        pf_job_t *job = batch->backlog;
        batch->backlog = job->queue_next;
        if (!batch->backlog)
            batch->backlog_tail = NULL;
        job->queue_next = NULL;
        batch->active++;
        s_job_start(self, job, now_us);
    }
}

static void
s_batch_job_ended(pf_engine_t *self, pf_job_t *job, int64_t now_us)
{
    pf_batch_t *batch = job->batch;
    batch->ended++;
    batch->active--;
    if (batch->ended == batch->total) {
        batch->ended_us = now_us;
        pf_store_batch_ended(self->store, batch);
    } else if (!batch->cancelling) {
        s_batch_start_more(self, batch, now_us);
    }
}

/* ---------------------------------------------------------------- API */

pf_engine_t *
pf_engine_new(const pf_config_t *cfg, const pf_engine_hooks_t *hooks, void *arg)
{
    if (pf_graph_check() != PF_OK || !hooks || !hooks->publish || !hooks->work_ready
        || !hooks->job_ended)
        return NULL;
    if (sodium_init() < 0)
        return NULL;
    pf_engine_t *self = pf_calloc(1, sizeof *self);
    self->cfg = *cfg;
    self->hooks = *hooks;
    self->hooks_arg = arg;
    self->store = pf_store_new();
    memcpy(self->durations, pf_graph_estimates(), sizeof self->durations);
    /* Task ids start at random so that a result a module sends for a task
       of an earlier coordinator run can never match a task of this one.
       53 bits: exact in any JSON number a tool may turn it into.           */
    uint64_t start;
    randombytes_buf(&start, sizeof start);
    self->next_task_id = (start & ((UINT64_C(1) << 52) - 1)) + 1;
    self->next_seq = 1;
    return self;
}

static void
s_free_job_cb(pf_job_t *job)
{
    s_job_free(job);
}

void
pf_engine_destroy(pf_engine_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_engine_t *self = *self_p;
    for (size_t b = 0; b < self->task_buckets; b++) {
        pf_dispatch_t *t = self->tasks[b];
        while (t) {
            pf_dispatch_t *next = t->hash_next;
            free(t);
            t = next;
        }
    }
    free(self->tasks);
    for (int m = 0; m < PF_MODULE_COUNT; m++)
        for (int p = 0; p < PFP_PRIORITY_COUNT; p++)
            free(self->ready[m][p].items);
    while (self->zombies) {
        pf_job_t *job = self->zombies;
        self->zombies = job->queue_next;
        s_job_free(job);
    }
    pf_store_destroy(&self->store, s_free_job_cb, s_batch_free);
    free(self);
    *self_p = NULL;
}

/*  A new job (of batch at index, or batch NULL), indexed and written.     */
static pf_job_t *
s_job_new(pf_engine_t *self, const char *domain, pf_modset_t requested, pfp_priority_t priority,
          const char *idem_key, pf_batch_t *batch, uint32_t index, int64_t now_us)
{
    pf_modset_t set = pf_graph_close(requested);
    pf_job_t *job = pf_calloc(1, sizeof *job);
    job->requested = requested;
    s_new_id(job->id, "job_");
    job->domain = pf_strdup(domain);
    job->idem_key = idem_key ? pf_strdup(idem_key) : NULL;
    job->priority = priority;
    job->status = PF_JOB_QUEUED;
    job->set = set;
    job->created_ms = pf_clock_wall_ms();
    job->created_us = now_us;
    job->seq = self->next_seq++;
    if (batch) {
        job->batch = batch;
        job->refs++;            /* the batch's reference                   */
        batch->jobs[index] = job;
    }
    pf_store_put_job(self->store, job);
    if (self->db)
        (void)pf_sqlstore_put_job(self->db, job, index);
    self->stats.jobs_accepted++;
    self->stats.unfinished++;
    if (s_wanted(self, "job.accepted")) {
        pf_value_t *body = pf_value_map();
        pf_map_set_str(body, "job_id", job->id);
        pf_map_set_str(body, "domain", job->domain);
        pf_map_set_str(body, "priority", pfp_priority_name(priority));
        pf_value_t *mods = pf_value_array();
        for (int k = 0; k < PF_MODULE_COUNT; k++) {
            int m = pf_graph_topo_order()[k];
            if (set & (1u << m))
                pf_array_push_str(mods, pf_graph_name(m));
        }
        pf_map_set(body, "modules", &mods);
        s_publish(self, "job.accepted", &body);
    }
    return job;
}

int
pf_engine_submit(pf_engine_t *self, const pf_submit_t *req, int64_t now_us,
                 pf_job_t **job_p, bool *existing)
{
    if (req->idem_key) {
        pf_job_t *old = pf_store_job_by_key(self->store, req->idem_key);
        if (old) {
            *job_p = old;
            if (existing)
                *existing = true;
            return PF_OK;
        }
    }
    if (self->stats.unfinished >= self->cfg.max_queued_jobs)
        return PF_EBUSY;
    pf_modset_t requested = req->modules ? req->modules : PF_MODULE_ALL;
    pf_job_t *job = s_job_new(self, req->domain, requested, req->priority, req->idem_key, NULL, 0,
                              now_us);
    s_job_start(self, job, now_us);
    *job_p = job;
    if (existing)
        *existing = false;
    return PF_OK;
}

int
pf_engine_submit_batch(pf_engine_t *self, const char *const *domains, size_t count,
                       pf_modset_t modules, pfp_priority_t priority, uint32_t max_concurrency,
                       int64_t now_us, pf_batch_t **batch_p)
{
    if (count == 0 || max_concurrency == 0)
        return PF_EINVAL;
    if (self->stats.unfinished + count > self->cfg.max_queued_jobs)
        return PF_EBUSY;
    pf_modset_t requested = modules ? modules : PF_MODULE_ALL;
    pf_batch_t *batch = pf_calloc(1, sizeof *batch);
    s_new_id(batch->id, "batch_");
    batch->total = (uint32_t)count;
    batch->max_concurrency = max_concurrency;
    batch->jobs = pf_calloc(count, sizeof *batch->jobs);
    pf_store_put_batch(self->store, batch);
    if (self->db)
        (void)pf_sqlstore_put_batch(self->db, batch, pf_clock_wall_ms());
    for (size_t i = 0; i < count; i++) {
        pf_job_t *job = s_job_new(self, domains[i], requested, priority, NULL, batch,
                                  (uint32_t)i, now_us);
        if (batch->backlog_tail)
            batch->backlog_tail->queue_next = job;
        else
            batch->backlog = job;
        batch->backlog_tail = job;
    }
    s_batch_start_more(self, batch, now_us);
    *batch_p = batch;
    return PF_OK;
}

pf_job_t *
pf_engine_job(pf_engine_t *self, const char *id)
{
    return pf_store_job(self->store, id);
}

pf_batch_t *
pf_engine_batch(pf_engine_t *self, const char *id)
{
    return pf_store_batch(self->store, id);
}

void
pf_engine_cancel_job(pf_engine_t *self, pf_job_t *job, int64_t now_us)
{
    if (pf_job_is_final(job))
        return;
    /* A job still in its batch's backlog leaves it without becoming active. */
    pf_batch_t *batch = job->batch;
    bool in_backlog = false;
    if (batch) {
        pf_job_t *prev = NULL;
        for (pf_job_t **pp = &batch->backlog; *pp; prev = *pp, pp = &(*pp)->queue_next)
            if (*pp == job) {
                *pp = job->queue_next;
                if (batch->backlog_tail == job)
                    batch->backlog_tail = prev;
                in_backlog = true;
                break;
            }
        if (in_backlog)
            batch->active++;    /* s_batch_job_ended takes it back          */
        job->queue_next = NULL;
    }
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        if (!(job->set & (1u << m)) || (job->finished & (1u << m)))
            continue;
        if (job->task[m]) {
            job->task[m]->current = false;
            job->task[m] = NULL;
        }
        job->mstate[m] = PF_MOD_CANCELLED;
        s_set_error(job, m, "cancelled");
        job->finished |= 1u << m;
        s_persist_module(self, job, m);
    }
    s_job_end(self, job, PF_JOB_CANCELLED, now_us);
}

void
pf_engine_cancel_batch(pf_engine_t *self, pf_batch_t *batch, int64_t now_us)
{
    /* Backlog first, so that ending a running job does not start another.  */
    batch->cancelling = true;
    while (batch->backlog)
        pf_engine_cancel_job(self, batch->backlog, now_us);
    for (uint32_t i = 0; i < batch->total; i++)
        if (!pf_job_is_final(batch->jobs[i]))
            pf_engine_cancel_job(self, batch->jobs[i], now_us);
}

pf_dispatch_t *
pf_engine_next_task(pf_engine_t *self, int module, int64_t now_us)
{
    for (int p = 0; p < PFP_PRIORITY_COUNT; p++) {
        s_heap_t *h = &self->ready[module][p];
        while (h->count) {
            s_entry_t e = s_heap_pop(h);
            pf_job_t *job = e.job;
            bool valid = !pf_job_is_final(job) && job->mstate[module] == PF_MOD_READY;
            if (!valid) {
                s_job_unref(self, job);
                continue;
            }
            /* The queue's reference passes to the task.                    */
            pf_dispatch_t *task = pf_calloc(1, sizeof *task);
            task->work.kind = PF_WORK_TASK;
            task->id = self->next_task_id++;
            task->job = job;
            task->module = module;
            task->attempt = ++job->attempts[module];
            task->current = true;
            task->sent_us = now_us;
            task->deadline_us = now_us + (int64_t)self->cfg.module_timeout_ms * 1000;
            s_task_index(self, task);
            job->task[module] = task;
            job->mstate[module] = PF_MOD_RUNNING;
            job->mstart_us[module] = now_us;
            self->stats.tasks_dispatched++;
            if (task->attempt > 1)
                self->stats.retries++;
            s_persist_dispatch(self, job);   /* status goes with it      */
            if (job->status == PF_JOB_QUEUED) {
                job->status = PF_JOB_RUNNING;
                if (s_wanted(self, "job.started")) {
                    pf_value_t *body = pf_value_map();
                    pf_map_set_str(body, "job_id", job->id);
                    pf_map_set_str(body, "domain", job->domain);
                    s_publish(self, "job.started", &body);
                }
            }
            if (s_wanted(self, "module.started")) {
                pf_value_t *body = s_module_event(job, module);
                s_publish(self, "module.started", &body);
            }
            return task;
        }
    }
    return NULL;
}

int
pf_engine_task_inputs(pf_engine_t *self, const pf_dispatch_t *task, uint8_t **data_p,
                      size_t *size_p)
{
    (void)self;
    const pf_job_t *job = task->job;
    pf_value_t *map = pf_value_map();
    pf_modset_t inputs = pf_graph_module(task->module)->inputs & job->set;
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        if ((inputs & (1u << i)) && job->result[i])
            pf_map_set_raw(map, pf_graph_name(i), job->result[i]->data, job->result[i]->size);
    int rc = pf_msgpack_encode(map, data_p, size_p);
    pf_value_destroy(&map);
    return rc;
}

/*  A failed attempt (error or timeout): retry or fail the module.          */
static void
s_attempt_failed(pf_engine_t *self, pf_job_t *job, int m, const char *what, int64_t now_us)
{
    job->failures[m]++;
    job->task[m] = NULL;
    s_set_error(job, m, what);
    if (job->failures[m] < self->cfg.module_attempts) {
        job->mstate[m] = PF_MOD_READY;   /* written so; s_make_ready queues */
        s_persist_module(self, job, m);
        if (s_wanted(self, "module.retried")) {
            pf_value_t *body = s_module_event(job, m);
            pf_map_set_str(body, "error", what);
            s_publish(self, "module.retried", &body);
        }
        s_make_ready(self, job, m, now_us);
        return;
    }
    job->mstate[m] = PF_MOD_FAILED;
    s_persist_module(self, job, m);
    if (s_wanted(self, "module.failed")) {
        pf_value_t *body = s_module_event(job, m);
        pf_map_set_int(body, "duration_ms", (now_us - job->mstart_us[m]) / 1000);
        pf_map_set_str(body, "error", what);
        s_publish(self, "module.failed", &body);
    }
    s_settle(self, job, m, now_us);
}

void
pf_engine_task_result(pf_engine_t *self, pf_dispatch_t *task, bool ok, const void *result,
                      size_t result_size, const char *error_code, const char *error_message,
                      uint32_t duration_ms, int64_t now_us)
{
    pf_job_t *job = task->job;
    int m = task->module;
    if (!task->current || job->task[m] != task || pf_job_is_final(job)) {
        self->stats.results_dropped++;
        s_task_free(self, task);
        return;
    }
    job->task[m] = NULL;
    task->current = false;
    if (ok) {
        pf_blob_t *blob = pf_malloc(sizeof *blob + result_size);
        blob->size = (uint32_t)result_size;
        memcpy(blob->data, result, result_size);
        free(job->result[m]);
        job->result[m] = blob;
        free(job->error[m]);
        job->error[m] = NULL;
        job->mstate[m] = PF_MOD_COMPLETED;
        job->duration_ms[m] = duration_ms;
        s_persist_module(self, job, m);
        self->stats.results_taken++;
        /* Learn from what the module itself measured (excludes transit).  */
        double sample = duration_ms / 1000.0;
        double cap = self->cfg.module_timeout_ms / 1000.0;
        if (sample > cap)
            sample = cap;   /* one absurd report must not skew every rank */
        self->durations[m] += PF_DEFAULT_EWMA_ALPHA * (sample - self->durations[m]);
        if (s_wanted(self, "module.completed")) {
            pf_value_t *body = s_module_event(job, m);
            pf_map_set_int(body, "duration_ms", duration_ms);
            s_publish(self, "module.completed", &body);
        }
        s_task_free(self, task);
        s_settle(self, job, m, now_us);
        return;
    }
    char what[PFA_ERROR_MAX + PFA_NAME_MAX + 4];
    snprintf(what, sizeof what, "%s: %s", error_code && *error_code ? error_code : "error",
             error_message && *error_message ? error_message : "module reported failure");
    s_task_free(self, task);
    s_attempt_failed(self, job, m, what, now_us);
}

void
pf_engine_task_lost(pf_engine_t *self, pf_dispatch_t *task, const char *why, int64_t now_us)
{
    pf_job_t *job = task->job;
    int m = task->module;
    bool current = task->current && job->task[m] == task && !pf_job_is_final(job);
    job->refs++;                         /* keep job alive past the free    */
    s_task_free(self, task);
    if (current) {
        /* Losing the holder is not the module's fault, but a module that
           takes down every instance it runs on must not loop forever.       */
        if (job->attempts[m] >= 2 * self->cfg.module_attempts) {
            char what[192];
            snprintf(what, sizeof what, "lost: %s (%u attempts)", why, job->attempts[m]);
            job->failures[m] = (uint8_t)self->cfg.module_attempts;
            s_attempt_failed(self, job, m, what, now_us);
        } else {
            if (s_wanted(self, "module.retried")) {
                pf_value_t *body = s_module_event(job, m);
                pf_map_set_str(body, "error", why);
                s_publish(self, "module.retried", &body);
            }
            s_make_ready(self, job, m, now_us);
        }
    }
    s_job_unref(self, job);
}

static void
s_expired_job(pf_job_t *job, void *arg)
{
    pf_engine_t *self = arg;
    if (job->refs == 0) {
        s_job_free(job);
        return;
    }
    /* Nobody can ask for it any more: give back the bulk now, the record
       itself once nothing refers to it.                                    */
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        free(job->result[m]);
        job->result[m] = NULL;
    }
    job->queue_next = self->zombies;
    self->zombies = job;
}

static void
s_expired_batch(pf_batch_t *batch, void *arg)
{
    pf_engine_t *self = arg;
    for (uint32_t i = 0; i < batch->total; i++) {
        batch->jobs[i]->batch = NULL;
        s_job_unref(self, batch->jobs[i]);
    }
    s_batch_free(batch);
}

int64_t
pf_engine_sweep(pf_engine_t *self, int64_t now_us)
{
    int64_t next = INT64_MAX;
    /* Collect ids first: failing an attempt re-queues and may grow the
       task index under the iteration.                                       */
    uint64_t *late = NULL;
    size_t late_count = 0, late_cap = 0;
    for (size_t b = 0; b < self->task_buckets; b++)
        for (pf_dispatch_t *t = self->tasks[b]; t; t = t->hash_next) {
            if (!t->current)
                continue;
            if (t->deadline_us <= now_us) {
                if (late_count == late_cap) {
                    late_cap = late_cap ? late_cap * 2 : 16;
                    late = pf_realloc(late, late_cap * sizeof *late);
                }
                late[late_count++] = t->id;
            } else if (t->deadline_us < next) {
                next = t->deadline_us;
            }
        }
    for (size_t i = 0; i < late_count; i++) {
        pf_dispatch_t *t = pf_engine_task(self, late[i]);
        if (!t || !t->current)
            continue;
        /* Disowned: the instance keeps holding it (and its credit) until
           it answers or dies; its late result will be dropped.              */
        t->current = false;
        pf_job_t *job = t->job;
        if (job->task[t->module] == t)
            job->task[t->module] = NULL;
        if (!pf_job_is_final(job) && job->mstate[t->module] == PF_MOD_RUNNING) {
            char what[96];
            snprintf(what, sizeof what, "timeout: no result within %u ms",
                     self->cfg.module_timeout_ms);
            s_attempt_failed(self, job, t->module, what, now_us);
        }
    }
    free(late);
    int64_t ttl_us = (int64_t)self->cfg.result_ttl_s * 1000000;
    pf_store_expire(self->store, now_us - ttl_us, s_expired_job, s_expired_batch, self);
    if (self->db) {
        /* The same TTL on disk, a bounded chunk per sweep so a large expiry
           never stalls the loop; what is left goes in the next sweeps.     */
        size_t purged = 0;
        (void)pf_sqlstore_purge_before(self->db, pf_clock_wall_ms() - self->cfg.result_ttl_s * 1e3,
                                       PF_STORE_PURGE_CHUNK, &purged);
        if (purged == PF_STORE_PURGE_CHUNK && next > now_us + PF_STORE_PURGE_AGAIN_US)
            next = now_us + PF_STORE_PURGE_AGAIN_US;
    }
    for (pf_job_t **pp = &self->zombies; *pp;) {
        pf_job_t *job = *pp;
        if (job->refs == 0) {
            *pp = job->queue_next;
            s_job_free(job);
        } else {
            pp = &job->queue_next;
        }
    }
    return next;
}

/* -------------------------------------------------------------- recovery */

void
pf_engine_set_store(pf_engine_t *self, pf_sqlstore_t *db)
{
    self->db = db;
}

void
pf_engine_flush_writes(pf_engine_t *self)
{
    while (self->dirty) {
        pf_job_t *job = self->dirty;
        self->dirty = job->dirty_next;
        job->dirty_next = NULL;
        job->attempts_dirty = false;
        if (self->db)
            (void)pf_sqlstore_put_attempts(self->db, job);
        s_job_unref(self, job);
    }
}

/*  What pf_engine_recover() collects while the store is read.              */
typedef struct {
    pf_engine_t *self;                  /* the engine being filled          */
    int64_t now_us;                     /* monotonic now                    */
    double now_ms;                      /* wall clock now                   */
    pf_job_t **jobs;                    /* loaded jobs, in seq order        */
    size_t job_count, job_cap;          /* entries, allocated               */
    pf_batch_t **batches;               /* loaded batches                   */
    size_t batch_count, batch_cap;      /* entries, allocated               */
    pf_job_t *current;                  /* job whose module rows follow     */
    pf_engine_recovery_t *out;          /* counters for the caller          */
    void (*invalid)(void *, const char *, const char *, const char *);
    void *invalid_arg;                  /* its argument                     */
} s_recover_t;

/*  Monotonic time of a wall-clock instant, for elapsed times and the TTL.  */
static int64_t
s_mono_of(const s_recover_t *rc, double wall_ms)
{
    double ago_ms = rc->now_ms - wall_ms;
    if (ago_ms < 0)
        ago_ms = 0;     /* a clock stepped back: count it as now            */
    int64_t t = rc->now_us - (int64_t)(ago_ms * 1000);
    return t > 0 ? t : 1;
}

static void
s_recover_reject(s_recover_t *rc, const char *table, const char *key, const char *why)
{
    rc->out->invalid_rows++;
    if (rc->invalid)
        rc->invalid(rc->invalid_arg, table, key, why);
}

static int
s_recover_batch(void *arg, const pf_sqlstore_batch_t *row)
{
    s_recover_t *rc = arg;
    if (pf_store_batch(rc->self->store, row->id)) {
        s_recover_reject(rc, "batches", row->id, "duplicate id");
        return 0;
    }
    pf_batch_t *batch = pf_calloc(1, sizeof *batch);
    snprintf(batch->id, sizeof batch->id, "%s", row->id);
    batch->total = row->total;
    batch->max_concurrency = row->max_concurrency;
    batch->jobs = pf_calloc(row->total, sizeof *batch->jobs);
    pf_store_put_batch(rc->self->store, batch);
    if (rc->batch_count == rc->batch_cap) {
        rc->batch_cap = rc->batch_cap ? rc->batch_cap * 2 : 64;
        rc->batches = pf_realloc(rc->batches, rc->batch_cap * sizeof *rc->batches);
    }
    rc->batches[rc->batch_count++] = batch;
    return 0;
}

static int
s_recover_job(void *arg, const pf_sqlstore_job_t *row)
{
    s_recover_t *rc = arg;
    pf_engine_t *self = rc->self;
    rc->current = NULL;
    pf_batch_t *batch = row->batch_id ? pf_store_batch(self->store, row->batch_id) : NULL;
    if (row->batch_id && !batch) {
        s_recover_reject(rc, "jobs", row->id, "its batch was not loaded");
        return 0;
    }
    if (batch && batch->jobs[row->batch_index]) {
        s_recover_reject(rc, "jobs", row->id, "another job holds its batch index");
        return 0;
    }
    if (pf_store_job(self->store, row->id)) {
        s_recover_reject(rc, "jobs", row->id, "duplicate id");
        return 0;
    }
    if (row->set != pf_graph_close(row->requested)) {
        s_recover_reject(rc, "jobs", row->id, "module set is not the closure of the request");
        return 0;
    }
    pf_job_t *job = pf_calloc(1, sizeof *job);
    snprintf(job->id, sizeof job->id, "%s", row->id);
    job->domain = pf_strdup(row->domain);
    job->idem_key = row->idem_key ? pf_strdup(row->idem_key) : NULL;
    job->priority = row->priority;
    job->status = row->status;
    job->requested = row->requested;
    job->set = row->set;
    job->created_ms = row->created_ms;
    job->created_us = s_mono_of(rc, row->created_ms);
    job->seq = row->seq;
    memcpy(job->attempts, row->attempts, sizeof job->attempts);
    if (batch) {
        job->batch = batch;
        job->refs++;
        batch->jobs[row->batch_index] = job;
    }
    pf_store_put_job(self->store, job);
    if (pf_job_is_final(job))
        job->ended_us = s_mono_of(rc, row->ended_ms);
    if (job->seq >= self->next_seq)
        self->next_seq = job->seq + 1;
    if (rc->job_count == rc->job_cap) {
        rc->job_cap = rc->job_cap ? rc->job_cap * 2 : 1024;
        rc->jobs = pf_realloc(rc->jobs, rc->job_cap * sizeof *rc->jobs);
    }
    rc->jobs[rc->job_count++] = job;
    rc->current = job;
    return 0;
}

static int
s_recover_module(void *arg, const pf_sqlstore_module_t *row)
{
    s_recover_t *rc = arg;
    pf_job_t *job = rc->current;
    if (!job || strcmp(job->id, row->job_id) != 0)
        return 0;   /* rows of a job that was refused                        */
    int m = row->module;
    job->mstate[m] = (uint8_t)row->state;
    /* The job's row may know of a later dispatch than the module's row.   */
    if (row->attempts > job->attempts[m])
        job->attempts[m] = row->attempts;
    job->failures[m] = row->failures;
    job->duration_ms[m] = row->duration_ms;
    free(job->error[m]);
    job->error[m] = row->error ? pf_strdup(row->error) : NULL;
    free(job->result[m]);
    job->result[m] = NULL;
    if (row->state == PF_MOD_COMPLETED) {
        pf_blob_t *blob = pf_malloc(sizeof *blob + row->result_size);
        blob->size = (uint32_t)row->result_size;
        memcpy(blob->data, row->result, row->result_size);
        job->result[m] = blob;
    }
    return 0;
}

static void
s_recover_invalid(void *arg, const char *table, const char *key, int code, const char *why)
{
    (void)code;
    s_recover_t *rc = arg;
    rc->out->invalid_rows++;
    if (rc->invalid)
        rc->invalid(rc->invalid_arg, table, key, why);
}

/*  The store's TTL lists are in end order: recovered records join them
    oldest first.                                                            */
static int
s_by_job_end(const void *a, const void *b)
{
    int64_t x = (*(pf_job_t *const *)a)->ended_us, y = (*(pf_job_t *const *)b)->ended_us;
    return (x > y) - (x < y);
}

static int
s_by_batch_end(const void *a, const void *b)
{
    int64_t x = (*(pf_batch_t *const *)a)->ended_us, y = (*(pf_batch_t *const *)b)->ended_us;
    return (x > y) - (x < y);
}

/*  A loaded unfinished job: what was running or queued is pending again
    (its attempt, if any, belonged to the previous run); what is final
    stays.  True if any module had got past pending (the job had started). */
static bool
s_recover_reset(pf_job_t *job)
{
    bool started = job->status != PF_JOB_QUEUED;
    job->finished = 0;
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        if (!(job->set & (1u << m)))
            continue;
        if (job->mstate[m] >= PF_MOD_COMPLETED) {
            job->finished |= 1u << m;
            started = true;
        } else {
            if (job->mstate[m] != PF_MOD_PENDING || job->attempts[m] > 0)
                started = true;
            job->mstate[m] = PF_MOD_PENDING;
        }
    }
    return started;
}

int
pf_engine_recover(pf_engine_t *self, int64_t now_us,
                  void (*invalid)(void *arg, const char *table, const char *key,
                                  const char *why),
                  void *arg, pf_engine_recovery_t *out)
{
    memset(out, 0, sizeof *out);
    if (!self->db || self->stats.jobs_accepted > 0)
        return PF_EINVAL;
    s_recover_t rc = {
        .self = self,
        .now_us = now_us,
        .now_ms = pf_clock_wall_ms(),
        .out = out,
        .invalid = invalid,
        .invalid_arg = arg,
    };
    pf_sqlstore_visitor_t v = {
        .batch = s_recover_batch,
        .job = s_recover_job,
        .module = s_recover_module,
        .invalid = s_recover_invalid,
    };
    int load = pf_sqlstore_load(self->db, &v, &rc);
    if (load != PF_OK && load != PF_EPROTO) {
        free(rc.jobs);
        free(rc.batches);
        return load;   /* the engine holds what was read; caller destroys it */
    }
    /* Refused rows keep their seq in the file: new jobs go after all.     */
    uint64_t max_seq = 0;
    if (pf_sqlstore_max_seq(self->db, &max_seq) == PF_OK && max_seq >= self->next_seq)
        self->next_seq = max_seq + 1;
    /* A batch must hold every job it counts; a batch missing some (rows
       refused above) keeps the jobs it has.                                 */
    for (size_t b = 0; b < rc.batch_count; b++) {
        pf_batch_t *batch = rc.batches[b];
        uint32_t kept = 0;
        for (uint32_t i = 0; i < batch->total; i++)
            if (batch->jobs[i])
                batch->jobs[kept++] = batch->jobs[i];
        if (kept != batch->total) {
            char why[96];
            snprintf(why, sizeof why, "%u of its %u jobs are missing", batch->total - kept,
                     batch->total);
            if (rc.invalid)   /* reported; the batch itself is kept         */
                rc.invalid(rc.invalid_arg, "batches", batch->id, why);
            batch->total = kept;
        }
    }
    /* Finished jobs rejoin the TTL list in the order they ended.           */
    pf_job_t **ended = pf_calloc(rc.job_count ? rc.job_count : 1, sizeof *ended);
    size_t ended_count = 0;
    for (size_t i = 0; i < rc.job_count; i++)
        if (pf_job_is_final(rc.jobs[i]))
            ended[ended_count++] = rc.jobs[i];
    qsort(ended, ended_count, sizeof *ended, s_by_job_end);
    for (size_t i = 0; i < ended_count; i++)
        pf_store_job_ended(self->store, ended[i]);
    free(ended);
    /* Counters and the state of each job, before anything is started.     */
    bool *started = pf_calloc(rc.job_count ? rc.job_count : 1, sizeof *started);
    for (size_t i = 0; i < rc.job_count; i++) {
        pf_job_t *job = rc.jobs[i];
        self->stats.jobs_accepted++;
        out->jobs++;
        if (pf_job_is_final(job)) {
            self->stats.jobs_ended++;
            for (int m = 0; m < PF_MODULE_COUNT; m++)
                if (job->set & (1u << m))
                    job->finished |= 1u << m;
            if (job->batch)
                job->batch->ended++;
            continue;
        }
        self->stats.unfinished++;
        out->unfinished++;
        started[i] = s_recover_reset(job);
        /* A module dispatched again and again without ending — a job that
           takes the coordinator down each time it runs — fails, as one
           that takes down its instances does (pf_engine_task_lost).        */
        for (int m = 0; m < PF_MODULE_COUNT; m++) {
            if (!(job->set & (1u << m)) || (job->finished & (1u << m))
                || job->attempts[m] < 2 * self->cfg.module_attempts)
                continue;
            char what[128];
            snprintf(what, sizeof what, "lost: the coordinator stopped while it ran (%u attempts)",
                     job->attempts[m]);
            job->mstate[m] = PF_MOD_FAILED;
            job->failures[m] = (uint8_t)self->cfg.module_attempts;
            s_set_error(job, m, what);
            job->finished |= 1u << m;
            s_persist_module(self, job, m);
        }
        for (int m = 0; m < PF_MODULE_COUNT; m++)
            if (job->finished & (1u << m))
                out->modules_kept++;
        if (job->batch) {
            pf_batch_t *batch = job->batch;
            if (started[i]) {
                batch->active++;
            } else {
                if (batch->backlog_tail)
                    batch->backlog_tail->queue_next = job;
                else
                    batch->backlog = job;
                batch->backlog_tail = job;
            }
        }
    }
    /* Batches whose jobs had all ended before the crash rejoin the TTL
       list first, in end order; the others are kept for starting more.     */
    pf_batch_t **done = pf_calloc(rc.batch_count ? rc.batch_count : 1, sizeof *done);
    size_t done_count = 0, open_count = 0;
    for (size_t b = 0; b < rc.batch_count; b++) {
        pf_batch_t *batch = rc.batches[b];
        out->batches++;
        if (batch->ended == batch->total) {
            int64_t last = 0;
            for (uint32_t i = 0; i < batch->total; i++)
                if (batch->jobs[i]->ended_us > last)
                    last = batch->jobs[i]->ended_us;
            batch->ended_us = last ? last : now_us;
            done[done_count++] = batch;
        } else {
            rc.batches[open_count++] = batch;
        }
    }
    qsort(done, done_count, sizeof *done, s_by_batch_end);
    for (size_t b = 0; b < done_count; b++)
        pf_store_batch_ended(self->store, done[b]);
    free(done);
    /* Jobs are in seq order, and so, within each batch, is its backlog.
       Resume what had started, then let each open batch start more.        */
    for (size_t i = 0; i < rc.job_count; i++) {
        pf_job_t *job = rc.jobs[i];
        if (!pf_job_is_final(job) && (!job->batch || started[i])) {
            s_job_start(self, job, now_us);
            out->resumed++;
        }
    }
    for (size_t b = 0; b < open_count; b++)
        if (rc.batches[b]->ended < rc.batches[b]->total)
            s_batch_start_more(self, rc.batches[b], now_us);
    free(started);
    free(rc.jobs);
    free(rc.batches);
    return load;
}

/* --------------------------------------------------------------- replies */

double
pf_engine_eta(pf_engine_t *self, const pf_job_t *job, int64_t now_us)
{
    if (pf_job_is_final(job))
        return 0;
    double d[PF_MODULE_COUNT];
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        if (job->finished & (1u << m))
            d[m] = 0;
        else if (job->mstate[m] == PF_MOD_RUNNING) {
            double left = self->durations[m] - (now_us - job->mstart_us[m]) / 1e6;
            d[m] = left > 0 ? left : 0;
        } else
            d[m] = self->durations[m];
    }
    return pf_graph_critical_path(job->set, d);
}

static void
s_iso_time(double unix_ms, char *out, size_t size)
{
    time_t secs = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03dZ", base, (int)fmod(unix_ms, 1000.0));
}

pf_value_t *
pf_engine_status_body(pf_engine_t *self, const pf_job_t *job, const char *req_id,
                      int64_t now_us)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "req_id", req_id);
    pf_map_set_str(body, "job_id", job->id);
    pf_map_set_str(body, "domain", job->domain);
    pf_map_set_str(body, "status", pf_job_status_name(job->status));
    pf_map_set_str(body, "priority", pfp_priority_name(job->priority));
    pf_value_t *mods = pf_value_map();
    for (int k = 0; k < PF_MODULE_COUNT; k++) {
        int m = pf_graph_topo_order()[k];
        if (!(job->set & (1u << m)))
            continue;
        pf_value_t *entry = pf_value_map();
        pf_map_set_str(entry, "status", pf_mod_status_name(job->mstate[m]));
        if (job->mstate[m] == PF_MOD_COMPLETED)
            pf_map_set_int(entry, "duration_ms", job->duration_ms[m]);
        pf_map_set_int(entry, "attempts", job->attempts[m]);
        if (job->error[m] && job->mstate[m] != PF_MOD_COMPLETED)
            pf_map_set_str(entry, "error", job->error[m]);
        pf_map_set(mods, pf_graph_name(m), &entry);
    }
    pf_map_set(body, "modules", &mods);
    int64_t end = job->ended_us ? job->ended_us : now_us;
    pf_map_set_float(body, "elapsed_seconds", (end - job->created_us) / 1e6);
    pf_map_set_float(body, "estimated_remaining_seconds", pf_engine_eta(self, job, now_us));
    char when[48];
    s_iso_time(job->created_ms, when, sizeof when);
    pf_map_set_str(body, "created_at", when);
    return body;
}

pf_value_t *
pf_engine_batch_status_body(pf_engine_t *self, const pf_batch_t *batch, const char *req_id)
{
    (void)self;
    int64_t n[PF_JOB_CANCELLED + 1] = { 0 };
    for (uint32_t i = 0; i < batch->total; i++)
        n[batch->jobs[i]->status]++;
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "req_id", req_id);
    pf_map_set_str(body, "batch_id", batch->id);
    pf_map_set_int(body, "total", batch->total);
    for (int s = PF_JOB_QUEUED; s <= PF_JOB_CANCELLED; s++)
        pf_map_set_int(body, pf_job_status_name((pf_job_status_t)s), n[s]);
    pf_value_t *ids = pf_value_array();
    for (uint32_t i = 0; i < batch->total; i++)
        pf_array_push_str(ids, batch->jobs[i]->id);
    pf_map_set(body, "job_ids", &ids);
    return body;
}

pf_value_t *
pf_engine_result_body(pf_engine_t *self, const pf_job_t *job, const char *req_id,
                      int64_t now_us)
{
    (void)self;
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "req_id", req_id);
    pf_map_set_str(body, "job_id", job->id);
    pf_map_set_str(body, "domain", job->domain);
    pf_map_set_str(body, "status", pf_job_status_name(job->status));
    pf_value_t *results = pf_value_map();
    pf_value_t *completed = pf_value_array();
    pf_value_t *failed = pf_value_array();
    pf_value_t *skipped = pf_value_array();
    pf_value_t *pending = pf_value_array();
    for (int k = 0; k < PF_MODULE_COUNT; k++) {
        int m = pf_graph_topo_order()[k];
        if (!(job->set & (1u << m)))
            continue;
        const char *name = pf_graph_name(m);
        switch ((pf_mod_status_t)job->mstate[m]) {
        case PF_MOD_COMPLETED:
            pf_map_set_raw(results, name, job->result[m]->data, job->result[m]->size);
            pf_array_push_str(completed, name);
            break;
        case PF_MOD_FAILED: {
            pf_value_t *f = pf_value_map();
            pf_map_set_str(f, "module", name);
            pf_map_set_str(f, "error", job->error[m] ? job->error[m] : "failed");
            pf_array_push(failed, &f);
            break;
        }
        case PF_MOD_SKIPPED:
        case PF_MOD_CANCELLED: {
            pf_value_t *s = pf_value_map();
            pf_map_set_str(s, "module", name);
            pf_map_set_str(s, "reason", job->error[m] ? job->error[m] : "skipped");
            pf_array_push(skipped, &s);
            break;
        }
        default:
            pf_array_push_str(pending, name);
            break;
        }
    }
    pf_map_set(body, "results", &results);
    pf_map_set(body, "completed_modules", &completed);
    pf_map_set(body, "failed_modules", &failed);
    pf_map_set(body, "skipped_modules", &skipped);
    pf_map_set(body, "pending_modules", &pending);
    int64_t end = job->ended_us ? job->ended_us : now_us;
    pf_map_set_int(body, "duration_ms", (end - job->created_us) / 1000);
    return body;
}

int
pf_engine_add_waiter(pf_engine_t *self, pf_job_t *job, const void *rid, size_t rid_size,
                     const char *req_id)
{
    (void)self;
    size_t n = 0;
    for (pf_waiter_t *x = job->waiters; x; x = x->next)
        n++;
    if (n >= PF_JOB_WAITERS_MAX)
        return PF_EBUSY;
    pf_waiter_t *w = pf_calloc(1, sizeof *w);
    memcpy(w->rid, rid, rid_size < PF_RID_MAX ? rid_size : PF_RID_MAX);
    w->rid_size = rid_size < PF_RID_MAX ? rid_size : PF_RID_MAX;
    snprintf(w->req_id, sizeof w->req_id, "%s", req_id);
    w->next = job->waiters;
    job->waiters = w;
    return PF_OK;
}

void
pf_engine_stats(const pf_engine_t *self, pf_engine_stats_t *stats)
{
    *stats = self->stats;
}

/* ------------------------------------------------------------- names */

const char *
pf_job_status_name(pf_job_status_t status)
{
    static const char *names[] = { "queued", "running", "completed",
                                   "partial", "failed", "cancelled" };
    return (unsigned)status <= PF_JOB_CANCELLED ? names[status] : "unknown";
}

const char *
pf_mod_status_name(pf_mod_status_t status)
{
    static const char *names[] = { "pending", "ready", "running", "completed",
                                   "failed", "skipped", "cancelled" };
    return (unsigned)status <= PF_MOD_CANCELLED ? names[status] : "unknown";
}

bool
pf_job_is_final(const pf_job_t *job)
{
    return job->status >= PF_JOB_COMPLETED;
}
