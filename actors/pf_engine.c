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
#include "pf_error.h"
#include "pf_msgpack.h"
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
};

static void s_settle(pf_engine_t *self, pf_job_t *job, int m, int64_t now_us);

/* ---------------------------------------------------------------- utils */

static double
s_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

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

static void
s_job_start(pf_engine_t *self, pf_job_t *job, int64_t now_us)
{
    for (int k = 0; k < PF_MODULE_COUNT; k++) {
        int m = pf_graph_topo_order()[k];
        if ((job->set & (1u << m)) && (pf_graph_module(m)->inputs & job->set) == 0)
            s_make_ready(self, job, m, now_us);
    }
}

/*  Module m of job reached a final state: release what waited on it.       */
static void
s_settle(pf_engine_t *self, pf_job_t *job, int m, int64_t now_us)
{
    job->finished |= 1u << m;
    pf_modset_t deps = pf_graph_module(m)->dependents & job->set;
    for (int k = 0; k < PF_MODULE_COUNT && deps; k++) {
        int d = pf_graph_topo_order()[k];
        if (!(deps & (1u << d)) || job->mstate[d] != PF_MOD_PENDING)
            continue;
        const pf_module_info_t *info = pf_graph_module(d);
        if ((info->inputs & job->set & ~job->finished) != 0)
            continue;   /* still waiting on another input                    */
        int missing = -1;
        for (int i = 0; i < PF_MODULE_COUNT; i++)
            if ((info->required & job->set & (1u << i)) && job->mstate[i] != PF_MOD_COMPLETED) {
                missing = i;
                break;
            }
        if (missing >= 0) {
            char why[128];
            snprintf(why, sizeof why, "required input %s %s", pf_graph_name(missing),
                     pf_mod_status_name(job->mstate[missing]));
            job->mstate[d] = PF_MOD_SKIPPED;
            s_set_error(job, d, why);
            if (s_wanted(self, "module.skipped")) {
                pf_value_t *body = s_module_event(job, d);
                pf_map_set_str(body, "reason", why);
                s_publish(self, "module.skipped", &body);
            }
            s_settle(self, job, d, now_us);
            if (pf_job_is_final(job))
                return;
        } else {
            s_make_ready(self, job, d, now_us);
        }
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
    self->next_task_id = 1;
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

static pf_job_t *
s_job_new(pf_engine_t *self, const char *domain, pf_modset_t requested, pfp_priority_t priority,
          const char *idem_key, int64_t now_us)
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
    job->created_ms = s_wall_ms();
    job->created_us = now_us;
    job->seq = self->next_seq++;
    pf_store_put_job(self->store, job);
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
    pf_job_t *job = s_job_new(self, req->domain, requested, req->priority, req->idem_key, now_us);
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
    for (size_t i = 0; i < count; i++) {
        pf_job_t *job = s_job_new(self, domains[i], requested, priority, NULL, now_us);
        job->batch = batch;
        job->refs++;            /* the batch's reference                   */
        batch->jobs[i] = job;
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
        if (s_wanted(self, "module.retried")) {
            pf_value_t *body = s_module_event(job, m);
            pf_map_set_str(body, "error", what);
            s_publish(self, "module.retried", &body);
        }
        s_make_ready(self, job, m, now_us);
        return;
    }
    job->mstate[m] = PF_MOD_FAILED;
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
