/*  pf_coordinator.c — sockets, poll loop and request handlers of the
    coordinator (see pf_coordinator.h).

    One thread.  Each loop turn: poll the client ROUTER, the actor ROUTER and
    the tap XPUB; drain a bounded number of messages from each (so neither
    side starves the other); hand ready work to instances with free credit
    for the modules whose queues or credit changed; then run timers
    (heartbeats, liveness, deadlines, TTL).                                  */
#include "pf_coordinator.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "pf_alloc.h"
#include "pf_apikeys.h"
#include "pf_broker.h"
#include "pf_clock.h"
#include "pf_domain.h"
#include "pf_engine.h"
#include "pf_error.h"
#include "pf_log.h"
#include "pf_msgpack.h"
#include "pf_outbox.h"
#include "pf_pfa.h"
#include "pf_pfp.h"
#include "pf_sqlstore.h"
#include "pf_syncer.h"
#include "pf_wire.h"

#define DRAIN_PER_TURN 256     /* messages taken from one socket per turn   */
#define SWEEP_EVERY_US 100000  /* deadline and TTL sweep at least this often */
#define LOG_EVERY_US 1000000   /* at most one repeated warning per second    */

#define TAP_PREFIXES_MAX 64    /* distinct tap subscriptions tracked       */
#define OUTBOX_SPARES 8        /* emptied outboxes kept for reuse          */
#define FLUSH_ROUNDS_MAX 8     /* commit+send rounds per turn; the rest
                                  waits for the next turn                   */

/*  What a held message goes to.                                            */
typedef enum {
    S_OUT_CLIENT,              /* PFP/1 reply to the client in rid         */
    S_OUT_TAP,                 /* tap event                                */
    S_OUT_TASK                 /* TASK to whichever instance holds task_id */
} s_out_kind_t;

/*  A committed outbox waiting for its sync.                               */
typedef struct s_group_t {
    struct s_group_t *next;              /* FIFO                            */
    uint64_t id;                         /* sync group (pf_syncer)          */
    pf_outbox_t *out;                    /* its messages, in order          */
} s_group_t;

/*  One distinct subscription prefix on the tap.                            */
typedef struct {
    char prefix[PFA_NAME_MAX + 1];       /* topic prefix (may be empty)     */
    size_t len;                          /* bytes in prefix                 */
} s_sub_t;

/*  A call from one actor to a service, routed by the coordinator.          */
typedef struct s_call_t {
    pf_work_t work;                      /* link into the serving instance  */
    uint64_t id;                         /* coordinator's call id           */
    uint8_t caller[PF_RID_MAX];          /* caller's routing id             */
    size_t caller_size;                  /* bytes in caller                 */
    uint64_t caller_call_id;             /* the caller's own call id        */
    pf_service_t *service;               /* target                          */
    char op[PFA_NAME_MAX + 1];           /* operation                       */
    void *args;                          /* msgpack args (owned) or NULL    */
    size_t args_size;                    /* bytes in args                   */
    int64_t deadline_us;                 /* monotonic                       */
    uint32_t timeout_ms;                 /* as asked                        */
    bool answered;                       /* caller already told (timeout)   */
    struct s_call_t *next;               /* pending queue or index chain    */
} s_call_t;

struct pf_coordinator_t {
    pf_config_t cfg;                         /* settings                    */
    void *ctx;                               /* zmq context                 */
    void *client;                            /* PFP/1 ROUTER                */
    void *tap;                               /* XPUB                        */
    void *actors;                            /* PFA/1 ROUTER                */
    char client_ep[256];                     /* bound endpoints             */
    char tap_ep[256];
    char actor_ep[256];
    pf_engine_t *engine;                     /* dataflow                    */
    pf_broker_t *broker;                     /* registry                    */
    pf_apikeys_t *keys;                      /* NULL: keys not configured   */
    pf_service_t *module_service[PF_MODULE_COUNT]; /* service per module    */
    pf_modset_t dirty;                       /* modules to dispatch         */
    s_sub_t subs[TAP_PREFIXES_MAX];          /* live tap subscriptions      */
    int sub_count;                           /* entries in subs             */
    bool subs_overflow;                      /* too many: publish all       */
    uint64_t tap_dropped;                    /* events lost at the HWM      */
    s_call_t *pending_calls;                 /* waiting for credit (FIFO)   */
    s_call_t *pending_tail;                  /* last of them                */
    s_call_t *inflight_calls;                /* held by instances           */
    size_t call_count;                       /* pending + in flight         */
    uint64_t next_call_id;                   /* coordinator call ids        */
    int64_t started_us;                      /* monotonic start             */
    int64_t next_sweep_us;                   /* next deadline sweep         */
    int64_t next_beat_us;                    /* next heartbeat round        */
    int64_t last_warn_us;                    /* rate limit for warnings     */
    pf_sqlstore_t *db;                       /* job store; NULL: memory     */
    pf_outbox_t *out;                        /* held until the next commit  */
    pf_outbox_t *spare[OUTBOX_SPARES];       /* emptied outboxes, for reuse */
    int spare_count;                         /* entries in spare            */
    pf_syncer_t *syncer;                     /* syncs the WAL off the loop
                                                (--store-sync full), or NULL */
    pf_sqlstore_checkpointer_t *checkpointer;/* the syncer thread's own
                                                connection, for checkpoints */
    s_group_t *groups;                       /* committed, waiting for sync */
    s_group_t *groups_tail;                  /* last of them                */
    uint64_t group_seq;                      /* last group handed to syncer */
    size_t unsynced;                         /* groups waiting for the disk */
    int64_t checkpoint_warn_us;              /* syncer thread's log limit   */
};

static volatile sig_atomic_t s_interrupted;

void
pf_coordinator_signal(void)
{
    s_interrupted = 1;
}

/* ---------------------------------------------------------------- utils */

static void s_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
s_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pf_logv("coordinator", fmt, ap);
    va_end(ap);
}

/*  Logs at most once per second for conditions a peer can repeat at will.  */
static void
s_warn(pf_coordinator_t *self, const char *fmt, ...)
{
    int64_t now = pf_clock_mono_us();
    if (now - self->last_warn_us < LOG_EVERY_US)
        return;
    self->last_warn_us = now;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    s_log("%s", text);
}

/* ------------------------------------------------------------- outbox */

/*  Holds a message until the end of the loop turn: the writes it reports
    are committed first (pf_coordinator_run), so nobody — client, tap
    subscriber or module — ever sees a state the store could forget.        */
static void
s_hold(pf_coordinator_t *self, s_out_kind_t kind, const pf_frame_t *rid,
       const pf_frame_t *frames, size_t count)
{
    pf_outbox_add(self->out, kind, rid, frames, count, 0, -1);
}

/*  An emptied outbox goes back to the spares (or away if there are many). */
static void
s_recycle(pf_coordinator_t *self, pf_outbox_t *box)
{
    pf_outbox_reset(box);
    if (self->spare_count < OUTBOX_SPARES)
        self->spare[self->spare_count++] = box;
    else
        pf_outbox_destroy(&box);
}

/*  Takes the current turn's held messages; an empty outbox takes over.    */
static pf_outbox_t *
s_outbox_take(pf_coordinator_t *self)
{
    pf_outbox_t *box = self->out;
    self->out = self->spare_count ? self->spare[--self->spare_count] : pf_outbox_new();
    return box;
}

/*  Drops every held message, sent to nobody: the current turn's and those
    of committed groups still waiting for their sync.  Returns how many.   */
static size_t
s_outbox_drop(pf_coordinator_t *self)
{
    size_t n = 0;
    if (self->out) {
        n = pf_outbox_count(self->out);
        pf_outbox_reset(self->out);
    }
    while (self->groups) {
        s_group_t *g = self->groups;
        self->groups = g->next;
        n += pf_outbox_count(g->out);
        s_recycle(self, g->out);
        free(g);
    }
    self->groups_tail = NULL;
    self->unsynced = 0;
    return n;
}

/*  Holds a PFA/1 message (its routing id is found when it is sent).       */
static int
s_hold_pfa(pf_coordinator_t *self, s_out_kind_t kind, const pfa_msg_t *msg, uint64_t task_id,
           int module)
{
    uint8_t *header = NULL;
    pf_frame_t frames[PF_WIRE_PFA_FRAMES];
    int count = pf_wire_pfa_frames(msg, &header, frames);
    if (count < 0)
        return count;
    pf_outbox_add(self->out, kind, NULL, frames, (size_t)count, task_id, module);
    free(header);
    return PF_OK;
}

/* ---------------------------------------------------------------- tap */

/*  True if some subscriber's prefix matches topic.  XPUB tells us the first
    subscription to each prefix and the last unsubscription, so the table
    holds exactly the prefixes somebody listens to.                          */
static bool
s_tap_wanted(void *arg, const char *topic)
{
    pf_coordinator_t *self = arg;
    if (self->subs_overflow)
        return true;
    for (int i = 0; i < self->sub_count; i++)
        if (strncmp(topic, self->subs[i].prefix, self->subs[i].len) == 0)
            return true;
    return false;
}

static void
s_publish(void *arg, const char *topic, pf_value_t **body_p)
{
    pf_coordinator_t *self = arg;
    pf_value_t *body = *body_p;
    *body_p = NULL;
    if (!s_tap_wanted(self, topic)) {
        pf_value_destroy(&body);
        return;
    }
    pf_map_set_float(body, "ts", pf_clock_wall_ms());
    pf_map_set_str(body, "type", topic);
    uint8_t *data = NULL;
    size_t size = 0;
    if (pf_msgpack_encode(body, &data, &size) == PF_OK) {
        pf_frame_t frames[2] = { { topic, strlen(topic) }, { data, size } };
        if (self->db)
            s_hold(self, S_OUT_TAP, NULL, frames, 2);
        else if (pf_wire_send(self->tap, NULL, false, frames, 2) != PF_OK)
            self->tap_dropped++;
        free(data);
    }
    pf_value_destroy(&body);
}

static void
s_tap_subscription(pf_coordinator_t *self, bool on, const char *prefix, size_t len)
{
    if (len > PFA_NAME_MAX) {
        /* No topic is that long: such a subscription matches nothing.     */
        return;
    }
    int found = -1;
    for (int i = 0; i < self->sub_count; i++)
        if (self->subs[i].len == len && memcmp(self->subs[i].prefix, prefix, len) == 0)
            found = i;
    if (on && found < 0) {
        if (self->sub_count == TAP_PREFIXES_MAX) {
            self->subs_overflow = true;   /* publish everything from now on */
            return;
        }
        s_sub_t *sub = &self->subs[self->sub_count++];
        memcpy(sub->prefix, prefix, len);
        sub->prefix[len] = '\0';
        sub->len = len;
    } else if (!on && found >= 0) {
        self->subs[found] = self->subs[--self->sub_count];
    }
}

static void
s_tap_subscriptions(pf_coordinator_t *self)
{
    for (int n = 0; n < DRAIN_PER_TURN; n++) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, self->tap, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            return;
        }
        const uint8_t *d = zmq_msg_data(&msg);
        size_t size = zmq_msg_size(&msg);
        if (size >= 1 && (d[0] == 0 || d[0] == 1))
            s_tap_subscription(self, d[0] == 1, (const char *)d + 1, size - 1);
        zmq_msg_close(&msg);
    }
}

static void
s_publish_actor(pf_coordinator_t *self, const char *topic, const pf_instance_t *inst,
                const char *why)
{
    if (!s_tap_wanted(self, topic))
        return;
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "service", inst->service->name);
    pf_map_set_str(body, "instance", inst->id);
    if (why)
        pf_map_set_str(body, "reason", why);
    s_publish(self, topic, &body);
}

/* ---------------------------------------------------------- client replies */

static void
s_reply(pf_coordinator_t *self, const pf_frame_t *rid, const char *command, pf_value_t **body_p)
{
    if (self->db) {
        uint8_t *data = NULL;
        size_t size = 0;
        if (pf_msgpack_encode(*body_p, &data, &size) == PF_OK) {
            pf_frame_t frames[3] = {
                { PFP_VERSION, sizeof PFP_VERSION - 1 },
                { command, strlen(command) },
                { data, size },
            };
            s_hold(self, S_OUT_CLIENT, rid, frames, 3);
            free(data);
        } else {
            s_log("internal: cannot encode a %s reply", command);
        }
    } else if (pf_wire_send_pfp(self->client, rid, command, *body_p) != PF_OK) {
        s_warn(self, "reply %s not delivered: %s", command, zmq_strerror(errno));
    }
    pf_value_destroy(body_p);
}

static void
s_reply_error(pf_coordinator_t *self, const pf_frame_t *rid, const char *req_id,
              const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    pf_value_t *body = pfp_error_body(req_id, code, message);
    s_reply(self, rid, "ERROR", &body);
}

static void
s_job_ended(void *arg, pf_job_t *job)
{
    pf_coordinator_t *self = arg;
    if (!job->waiters)
        return;
    int64_t now = pf_clock_mono_us();
    for (pf_waiter_t *w = job->waiters; w; w = w->next) {
        pf_value_t *body = pf_engine_result_body(self->engine, job, w->req_id, now);
        pf_frame_t rid = { w->rid, w->rid_size };
        s_reply(self, &rid, "RESULT", &body);
    }
}

static void
s_work_ready(void *arg, int module)
{
    pf_coordinator_t *self = arg;
    self->dirty |= 1u << module;
}

/* ---------------------------------------------------------- request checks */

/*  Resolves module names into a set; 0 with *bad set on an unknown name.   */
static int
s_modules(char **names, size_t count, pf_modset_t *set, const char **bad)
{
    pf_modset_t s = 0;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(names[i], "all") == 0) {
            s |= PF_MODULE_ALL;
            continue;
        }
        int m = pf_graph_find(names[i]);
        if (m < 0) {
            *bad = names[i];
            return PF_EUNKNOWN;
        }
        s |= 1u << m;
    }
    *set = s ? s : PF_MODULE_ALL;
    return PF_OK;
}

/*  Checks the api key where keys are configured; replies on refusal.       */
static bool
s_admit(pf_coordinator_t *self, const pf_frame_t *rid, const pfp_request_t *req)
{
    if (!self->keys)
        return true;
    uint32_t retry_ms = 0;
    int rc = pf_apikeys_admit(self->keys, req->api_key, pf_clock_mono_us(), &retry_ms);
    if (rc == PF_OK)
        return true;
    if (rc == PF_EBUSY) {
        pf_value_t *body = pfp_error_body(req->req_id, "rate_limited",
                                          "this api key's requests per minute are spent");
        pf_map_set_int(body, "retry_after_ms", retry_ms);
        s_reply(self, rid, "ERROR", &body);
    } else {
        s_reply_error(self, rid, req->req_id, "unauthorized",
                      req->api_key ? "unknown api key" : "api_key is required");
    }
    return false;
}

/*  The checks ENRICH and BATCH share: module names, then the api key.
    Replies and returns false on refusal.                                    */
static bool
s_accept_modules_and_key(pf_coordinator_t *self, const pf_frame_t *rid, const pfp_request_t *req,
                         pf_modset_t *set)
{
    const char *bad = NULL;
    if (s_modules(req->modules, req->module_count, set, &bad) != PF_OK) {
        s_reply_error(self, rid, req->req_id, "unknown_module", "no module named '%s'", bad);
        return false;
    }
    return s_admit(self, rid, req);
}

/* ---------------------------------------------------------- client commands */

static void
s_cmd_ping(pf_coordinator_t *self, const pf_frame_t *rid, const pfp_request_t *req)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "req_id", req->req_id);
    pf_map_set_str(body, "version", PF_VERSION);
    pf_map_set_float(body, "uptime_s", (pf_clock_mono_us() - self->started_us) / 1e6);
    s_reply(self, rid, "PONG", &body);
}

static void
s_cmd_enrich(pf_coordinator_t *self, const pf_frame_t *rid, const pfp_request_t *req)
{
    char domain[PFP_DOMAIN_MAX + 1];
    const char *why = NULL;
    if (pf_domain_normalize(req->domain, strlen(req->domain), domain, sizeof domain, &why)
        != PF_OK) {
        s_reply_error(self, rid, req->req_id, "invalid_domain", "%s", why ? why : "invalid domain");
        return;
    }
    pf_modset_t set = PF_MODULE_ALL;
    if (!s_accept_modules_and_key(self, rid, req, &set))
        return;
    int64_t now = pf_clock_mono_us();
    /* Idempotency keys are scoped by api key, so two clients cannot collide
       on (or probe) each other's keys; the api key itself is not kept.     */
    char scoped[2 * 16 + 1 + PFP_ID_MAX + 1];
    const char *idem = req->idempotency_key;
    if (idem && req->api_key) {
        uint8_t digest[16];
        crypto_generichash(digest, sizeof digest, (const uint8_t *)req->api_key,
                           strlen(req->api_key), NULL, 0);
        char hex[2 * sizeof digest + 1];
        sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
        snprintf(scoped, sizeof scoped, "%s/%s", hex, idem);
        idem = scoped;
    }
    pf_submit_t submit = {
        .domain = domain,
        .modules = set,
        .priority = req->priority,
        .idem_key = idem,
    };
    pf_job_t *job = NULL;
    bool existing = false;
    int rc = pf_engine_submit(self->engine, &submit, now, &job, &existing);
    if (rc == PF_EBUSY) {
        s_reply_error(self, rid, req->req_id, "busy",
                      "%u jobs are unfinished, the configured bound; nothing was accepted",
                      self->cfg.max_queued_jobs);
        return;
    }
    if (rc != PF_OK) {
        s_log("internal: submit failed: %s", pf_strerror(rc));
        s_reply_error(self, rid, req->req_id, "internal", "submit failed: %s", pf_strerror(rc));
        return;
    }
    if (!req->async) {
        if (pf_job_is_final(job)) {
            pf_value_t *body = pf_engine_result_body(self->engine, job, req->req_id, now);
            s_reply(self, rid, "RESULT", &body);
        } else if (pf_engine_add_waiter(self->engine, job, rid->data, rid->size, req->req_id)
                   != PF_OK) {
            s_reply_error(self, rid, req->req_id, "busy",
                          "job %s already has %d clients waiting; ask with async", job->id,
                          PF_JOB_WAITERS_MAX);
        }
        return;
    }
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "req_id", req->req_id);
    pf_map_set_str(body, "job_id", job->id);
    pf_map_set_str(body, "status", pf_job_status_name(job->status));
    pf_map_set_float(body, "estimated_time_seconds", pf_engine_eta(self->engine, job, now));
    if (existing)
        pf_map_set_bool(body, "existing", true);
    s_reply(self, rid, "ACCEPTED", &body);
}

static void
s_cmd_batch(pf_coordinator_t *self, const pf_frame_t *rid, const pfp_request_t *req)
{
    if (req->domain_count > self->cfg.batch_max) {
        s_reply_error(self, rid, req->req_id, "bad_request",
                      "batch of %zu domains is over the limit of %u", req->domain_count,
                      self->cfg.batch_max);
        return;
    }
    pf_modset_t set = PF_MODULE_ALL;
    if (!s_accept_modules_and_key(self, rid, req, &set))
        return;
    char **ok = pf_calloc(req->domain_count, sizeof *ok);
    size_t ok_count = 0;
    pf_value_t *rejected = pf_value_array();
    for (size_t i = 0; i < req->domain_count; i++) {
        char domain[PFP_DOMAIN_MAX + 1];
        const char *why = NULL;
        if (pf_domain_normalize(req->domains[i], strlen(req->domains[i]), domain, sizeof domain,
                                &why)
            == PF_OK) {
            ok[ok_count++] = pf_strdup(domain);
        } else {
            pf_value_t *r = pf_value_map();
            pf_map_set_str(r, "domain", req->domains[i]);
            pf_map_set_str(r, "code", "invalid_domain");
            pf_map_set_str(r, "message", why ? why : "invalid domain");
            pf_array_push(rejected, &r);
        }
    }
    if (ok_count == 0) {
        pf_value_t *body = pfp_error_body(req->req_id, "invalid_domain",
                                          "no valid domain in the batch");
        pf_map_set(body, "rejected", &rejected);
        s_reply(self, rid, "ERROR", &body);
    } else {
        pf_batch_t *batch = NULL;
        int rc = pf_engine_submit_batch(self->engine, (const char *const *)ok, ok_count, set,
                                        req->priority, req->max_concurrency, pf_clock_mono_us(), &batch);
        if (rc == PF_EBUSY) {
            s_reply_error(self, rid, req->req_id, "busy",
                          "%zu more jobs would pass the bound of %u unfinished jobs; nothing "
                          "was accepted",
                          ok_count, self->cfg.max_queued_jobs);
        } else if (rc != PF_OK) {
            s_log("internal: batch submit failed: %s", pf_strerror(rc));
            s_reply_error(self, rid, req->req_id, "internal", "batch failed: %s", pf_strerror(rc));
        } else {
            pf_value_t *body = pf_value_map();
            pf_map_set_str(body, "req_id", req->req_id);
            pf_map_set_str(body, "batch_id", batch->id);
            pf_value_t *ids = pf_value_array();
            for (uint32_t i = 0; i < batch->total; i++)
                pf_array_push_str(ids, batch->jobs[i]->id);
            pf_map_set(body, "job_ids", &ids);
            pf_map_set(body, "rejected", &rejected);
            s_reply(self, rid, "ACCEPTED", &body);
        }
    }
    pf_value_destroy(&rejected);
    for (size_t i = 0; i < ok_count; i++)
        free(ok[i]);
    free(ok);
}

static void
s_cmd_status(pf_coordinator_t *self, const pf_frame_t *rid, const pfp_request_t *req)
{
    pf_value_t *body = NULL;
    if (req->job_id) {
        pf_job_t *job = pf_engine_job(self->engine, req->job_id);
        if (job)
            body = pf_engine_status_body(self->engine, job, req->req_id, pf_clock_mono_us());
    } else {
        pf_batch_t *batch = pf_engine_batch(self->engine, req->batch_id);
        if (batch)
            body = pf_engine_batch_status_body(self->engine, batch, req->req_id);
    }
    if (!body) {
        s_reply_error(self, rid, req->req_id, "not_found", "no %s '%s' (or its result expired)",
                      req->job_id ? "job" : "batch", req->job_id ? req->job_id : req->batch_id);
        return;
    }
    s_reply(self, rid, "STATUS", &body);
}

static void
s_cmd_results(pf_coordinator_t *self, const pf_frame_t *rid, const pfp_request_t *req)
{
    pf_job_t *job = pf_engine_job(self->engine, req->job_id);
    if (!job) {
        s_reply_error(self, rid, req->req_id, "not_found", "no job '%s' (or its result expired)",
                      req->job_id);
        return;
    }
    if (!pf_job_is_final(job) && !req->include_partial) {
        s_reply_error(self, rid, req->req_id, "not_ready",
                      "job %s is %s; ask again later or set include_partial", job->id,
                      pf_job_status_name(job->status));
        return;
    }
    pf_value_t *body = pf_engine_result_body(self->engine, job, req->req_id, pf_clock_mono_us());
    s_reply(self, rid, "RESULT", &body);
}

static void
s_cmd_cancel(pf_coordinator_t *self, const pf_frame_t *rid, const pfp_request_t *req)
{
    int64_t now = pf_clock_mono_us();
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "req_id", req->req_id);
    if (req->job_id) {
        pf_job_t *job = pf_engine_job(self->engine, req->job_id);
        if (!job) {
            pf_value_destroy(&body);
            s_reply_error(self, rid, req->req_id, "not_found", "no job '%s'", req->job_id);
            return;
        }
        pf_engine_cancel_job(self->engine, job, now);
        pf_map_set_str(body, "job_id", job->id);
        pf_map_set_str(body, "status", pf_job_status_name(job->status));
    } else {
        pf_batch_t *batch = pf_engine_batch(self->engine, req->batch_id);
        if (!batch) {
            pf_value_destroy(&body);
            s_reply_error(self, rid, req->req_id, "not_found", "no batch '%s'", req->batch_id);
            return;
        }
        pf_engine_cancel_batch(self->engine, batch, now);
        pf_map_set_str(body, "batch_id", batch->id);
        /* What the batch now is: cancelled if any of its jobs is (by this
           request or earlier), else how its jobs ended.                    */
        uint32_t completed = 0, cancelled = 0, failed = 0;
        for (uint32_t i = 0; i < batch->total; i++) {
            completed += batch->jobs[i]->status == PF_JOB_COMPLETED;
            cancelled += batch->jobs[i]->status == PF_JOB_CANCELLED;
            failed += batch->jobs[i]->status == PF_JOB_FAILED;
        }
        pf_map_set_str(body, "status", cancelled                     ? "cancelled"
                                       : completed == batch->total ? "completed"
                                       : failed == batch->total    ? "failed"
                                                                   : "partial");
    }
    s_reply(self, rid, "CANCELLED", &body);
}

static void
s_client_message(pf_coordinator_t *self, pf_wire_msg_t *msg)
{
    pf_frame_t frames[PF_WIRE_MAX_FRAMES];
    size_t n = pf_wire_frames(msg, 0, frames, PF_WIRE_MAX_FRAMES);
    if (n < 1)
        return;
    const pf_frame_t *rid = &frames[0];
    pfp_request_t *req = NULL;
    pfp_error_t err;
    memset(&err, 0, sizeof err);
    int rc;
    if (msg->count > msg->kept) {
        rc = PF_EPROTO;
        err.code = "bad_request";
        snprintf(err.message, sizeof err.message, "expected 4 frames, got %zu", msg->count - 1);
    } else {
        rc = pfp_request_decode(frames + 1, n - 1, &req, &err);
    }
    if (rc != PF_OK) {
        s_reply_error(self, rid, err.req_id, err.code ? err.code : "bad_request", "%s",
                      err.message[0] ? err.message : "malformed request");
        return;
    }
    switch (req->cmd) {
    case PFP_PING:
        s_cmd_ping(self, rid, req);
        break;
    case PFP_ENRICH:
        s_cmd_enrich(self, rid, req);
        break;
    case PFP_BATCH:
        s_cmd_batch(self, rid, req);
        break;
    case PFP_STATUS:
        s_cmd_status(self, rid, req);
        break;
    case PFP_RESULTS:
        s_cmd_results(self, rid, req);
        break;
    case PFP_CANCEL:
        s_cmd_cancel(self, rid, req);
        break;
    default:
        s_log("internal: decoded unknown command %d", (int)req->cmd);
        s_reply_error(self, rid, req->req_id, "internal", "unhandled command");
        break;
    }
    pfp_request_destroy(&req);
}

/* ---------------------------------------------------------------- actors */

static int
s_send_actor(pf_coordinator_t *self, pf_instance_t *inst, const pfa_msg_t *msg)
{
    pf_frame_t rid = { inst->rid, inst->rid_size };
    int rc = pf_wire_send_pfa(self->actors, &rid, msg);
    if (rc == PF_OK)
        inst->last_sent_us = pf_clock_mono_us();
    return rc;
}

static void s_call_requeue(pf_coordinator_t *self, s_call_t *call);

/*  Takes back everything a departed instance held.                         */
static void
s_orphans(pf_coordinator_t *self, pf_work_t *orphans, const char *why)
{
    int64_t now = pf_clock_mono_us();
    while (orphans) {
        pf_work_t *w = orphans;
        orphans = w->next;
        w->next = NULL;
        if (w->kind == PF_WORK_TASK) {
            pf_dispatch_t *task = (pf_dispatch_t *)w;
            pf_engine_task_lost(self->engine, task, why, now);
        } else {
            s_call_requeue(self, (s_call_t *)w);
        }
    }
}

static void
s_send_disconnect(pf_coordinator_t *self, const pf_frame_t *rid, const char *reason)
{
    pfa_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.cmd = PFA_DISCONNECT;
    snprintf(msg.reason, sizeof msg.reason, "%s", reason);
    pf_wire_send_pfa(self->actors, rid, &msg);
}

static void s_calls_of_caller_gone(pf_coordinator_t *self, const pf_instance_t *inst);

/*  Removes an instance and takes back its work.  With tell, the peer is
    sent DISCONNECT (best effort) so that, if it is in fact alive, it
    reconnects at once instead of working on for a registration that no
    longer exists.                                                          */
static void
s_instance_gone(pf_coordinator_t *self, pf_instance_t *inst, const char *why, bool tell)
{
    s_log("instance %s of %s gone: %s (held %u)", inst->id, inst->service->name, why,
          inst->held);
    if (tell) {
        pf_frame_t rid = { inst->rid, inst->rid_size };
        s_send_disconnect(self, &rid, "declared_dead");
    }
    s_calls_of_caller_gone(self, inst);
    s_publish_actor(self, "actor.lost", inst, why);
    if (inst->service->module >= 0)
        self->dirty |= 1u << inst->service->module;
    pf_work_t *orphans = NULL;
    pf_broker_remove(self->broker, inst, &orphans);
    s_orphans(self, orphans, why);
}

/* Calls ----------------------------------------------------------------- */

static void
s_call_answer(pf_coordinator_t *self, s_call_t *call, bool ok, const char *code,
              const char *message, const void *payload, size_t payload_size)
{
    if (call->answered)
        return;
    call->answered = true;
    pfa_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.cmd = PFA_REPLY;
    msg.call_id = call->caller_call_id;
    msg.ok = ok;
    if (!ok) {
        snprintf(msg.error_code, sizeof msg.error_code, "%s", code);
        snprintf(msg.error_message, sizeof msg.error_message, "%s", message);
    }
    msg.payload = (void *)payload;
    msg.payload_size = ok ? payload_size : 0;
    pf_frame_t rid = { call->caller, call->caller_size };
    if (pf_wire_send_pfa(self->actors, &rid, &msg) != PF_OK)
        s_warn(self, "reply to call %" PRIu64 " not delivered: %s", call->caller_call_id,
               zmq_strerror(errno));
}

static void
s_call_free(pf_coordinator_t *self, s_call_t *call)
{
    self->call_count--;
    free(call->args);
    free(call);
}

static void
s_call_unlink_inflight(pf_coordinator_t *self, s_call_t *call)
{
    for (s_call_t **pp = &self->inflight_calls; *pp; pp = &(*pp)->next)
        if (*pp == call) {
            *pp = call->next;
            call->next = NULL;
            return;
        }
}

static void
s_call_enqueue(pf_coordinator_t *self, s_call_t *call)
{
    call->next = NULL;
    if (self->pending_tail)
        self->pending_tail->next = call;
    else
        self->pending_calls = call;
    self->pending_tail = call;
}

static void
s_call_requeue(pf_coordinator_t *self, s_call_t *call)
{
    s_call_unlink_inflight(self, call);
    if (call->answered) {
        s_call_free(self, call);
        return;
    }
    s_call_enqueue(self, call);
}

/*  Hands pending calls to instances with credit, in arrival order per
    service.                                                                 */
static void
s_dispatch_calls(pf_coordinator_t *self)
{
    s_call_t **pp = &self->pending_calls;
    s_call_t *prev = NULL;
    while (*pp) {
        s_call_t *call = *pp;
        pf_instance_t *inst = pf_broker_pick(self->broker, call->service);
        if (!inst) {
            prev = call;
            pp = &call->next;
            continue;
        }
        *pp = call->next;
        if (self->pending_tail == call)
            self->pending_tail = prev;
        pfa_msg_t msg;
        memset(&msg, 0, sizeof msg);
        msg.cmd = PFA_CALL;
        msg.call_id = call->id;
        snprintf(msg.service, sizeof msg.service, "%s", call->service->name);
        snprintf(msg.op, sizeof msg.op, "%s", call->op);
        int64_t left_ms = (call->deadline_us - pf_clock_mono_us()) / 1000;
        msg.timeout_ms = left_ms > 0 ? (uint32_t)left_ms : 1;
        msg.payload = call->args;
        msg.payload_size = call->args_size;
        if (s_send_actor(self, inst, &msg) != PF_OK) {
            s_call_enqueue(self, call);
            s_instance_gone(self, inst, "unreachable", false);
            return;   /* the lists changed; the next turn resumes          */
        }
        pf_broker_hold(self->broker, inst, &call->work);
        call->next = self->inflight_calls;
        self->inflight_calls = call;
    }
}

static void
s_call_from_actor(pf_coordinator_t *self, const pf_frame_t *rid, pfa_msg_t *msg)
{
    s_call_t *call = pf_calloc(1, sizeof *call);
    call->work.kind = PF_WORK_CALL;
    call->id = self->next_call_id++;
    memcpy(call->caller, rid->data, rid->size);
    call->caller_size = rid->size;
    call->caller_call_id = msg->call_id;
    self->call_count++;
    /* Only services that have registered at least once exist: a name that
       never did is answered at once, so callers cannot grow the registry. */
    call->service = pf_broker_service(self->broker, msg->service, false);
    if (!call->service) {
        char text[160];
        snprintf(text, sizeof text, "no service named '%s' has ever registered", msg->service);
        s_call_answer(self, call, false, "unknown_service", text, NULL, 0);
        s_call_free(self, call);
        return;
    }
    if (self->call_count > PF_MAX_PENDING_CALLS) {
        s_call_answer(self, call, false, "busy", "too many calls are waiting", NULL, 0);
        s_call_free(self, call);
        return;
    }
    snprintf(call->op, sizeof call->op, "%s", msg->op);
    call->args = msg->payload;
    call->args_size = msg->payload_size;
    msg->payload = NULL;
    msg->payload_size = 0;
    /* A call serves a module attempt: it cannot usefully outlive one.      */
    uint32_t timeout = msg->timeout_ms ? msg->timeout_ms : self->cfg.call_timeout_ms;
    if (timeout > self->cfg.module_timeout_ms)
        timeout = self->cfg.module_timeout_ms;
    call->timeout_ms = timeout;
    call->deadline_us = pf_clock_mono_us() + (int64_t)timeout * 1000;
    s_call_enqueue(self, call);
}

/*  The caller of some calls is gone: nobody will read their replies.  Queued
    ones are dropped; in-flight ones are marked answered so their replies
    are discarded when they come.                                           */
static void
s_calls_of_caller_gone(pf_coordinator_t *self, const pf_instance_t *inst)
{
    s_call_t *prev = NULL;
    for (s_call_t **pp = &self->pending_calls; *pp;) {
        s_call_t *call = *pp;
        if (call->caller_size == inst->rid_size
            && memcmp(call->caller, inst->rid, inst->rid_size) == 0) {
            *pp = call->next;
            if (self->pending_tail == call)
                self->pending_tail = prev;
            s_call_free(self, call);
        } else {
            prev = call;
            pp = &call->next;
        }
    }
    for (s_call_t *call = self->inflight_calls; call; call = call->next)
        if (call->caller_size == inst->rid_size
            && memcmp(call->caller, inst->rid, inst->rid_size) == 0)
            call->answered = true;
}

static void
s_reply_from_actor(pf_coordinator_t *self, pf_instance_t *inst, pfa_msg_t *msg)
{
    s_call_t *call = self->inflight_calls;
    while (call && call->id != msg->call_id)
        call = call->next;
    if (!call || call->work.holder != inst) {
        s_warn(self, "dropped reply to unknown call %" PRIu64 " from %s", msg->call_id, inst->id);
        return;
    }
    pf_broker_release(self->broker, &call->work);
    if (inst->service->module >= 0)
        self->dirty |= 1u << inst->service->module;
    if (!msg->ok && strcmp(msg->error_code, "draining") == 0) {
        s_call_requeue(self, call);   /* another instance will serve it     */
        return;
    }
    s_call_unlink_inflight(self, call);
    s_call_answer(self, call, msg->ok, msg->error_code, msg->error_message, msg->payload,
                  msg->payload_size);
    s_call_free(self, call);
    if (inst->service->module >= 0)
        self->dirty |= 1u << inst->service->module;
}

static void
s_sweep_calls(pf_coordinator_t *self, int64_t now)
{
    char text[256];
    for (s_call_t **pp = &self->pending_calls; *pp;) {
        s_call_t *call = *pp;
        if (call->deadline_us > now) {
            pp = &call->next;
            continue;
        }
        *pp = call->next;
        bool known = call->service->instance_count > 0;
        snprintf(text, sizeof text, "no instance of %s answered within %u ms",
                 call->service->name, call->timeout_ms);
        s_call_answer(self, call, false, known ? "timeout" : "unavailable", text, NULL, 0);
        s_call_free(self, call);
    }
    self->pending_tail = NULL;
    for (s_call_t *c = self->pending_calls; c; c = c->next)
        self->pending_tail = c;
    for (s_call_t *call = self->inflight_calls; call; call = call->next)
        if (!call->answered && call->deadline_us <= now) {
            snprintf(text, sizeof text, "%s.%s gave no reply within %u ms",
                     call->service->name, call->op, call->timeout_ms);
            s_call_answer(self, call, false, "timeout", text, NULL, 0);
        }
}

/* Tasks ----------------------------------------------------------------- */

static void
s_dispatch_module(pf_coordinator_t *self, int m)
{
    pf_service_t *service = self->module_service[m];
    for (;;) {
        pf_instance_t *inst = pf_broker_pick(self->broker, service);
        if (!inst)
            return;
        int64_t now = pf_clock_mono_us();
        pf_dispatch_t *task = pf_engine_next_task(self->engine, m, now);
        if (!task)
            return;
        uint8_t *inputs = NULL;
        size_t inputs_size = 0;
        if (pf_engine_task_inputs(self->engine, task, &inputs, &inputs_size) != PF_OK) {
            s_log("internal: cannot encode inputs of %s", task->job->id);
            pf_engine_task_lost(self->engine, task, "internal: inputs", now);
            return;
        }
        pfa_msg_t msg;
        memset(&msg, 0, sizeof msg);
        msg.cmd = PFA_TASK;
        msg.task_id = task->id;
        snprintf(msg.job_id, sizeof msg.job_id, "%s", task->job->id);
        snprintf(msg.module, sizeof msg.module, "%s", pf_graph_name(m));
        snprintf(msg.domain, sizeof msg.domain, "%s", task->job->domain);
        msg.attempt = task->attempt;
        msg.timeout_ms = self->cfg.module_timeout_ms;
        msg.payload = inputs;
        msg.payload_size = inputs_size;
        if (self->db) {
            /* Sent after the commit that records it running (s_flush).     */
            int rc = s_hold_pfa(self, S_OUT_TASK, &msg, task->id, m);
            free(inputs);
            if (rc != PF_OK) {
                s_log("internal: cannot encode the TASK of %s", task->job->id);
                pf_engine_task_lost(self->engine, task, "internal: task header", now);
                return;
            }
            pf_broker_hold(self->broker, inst, &task->work);
            continue;
        }
        int rc = s_send_actor(self, inst, &msg);
        int err = errno;
        free(inputs);
        pf_broker_hold(self->broker, inst, &task->work);
        if (rc != PF_OK) {
            /* EHOSTUNREACH: gone.  EAGAIN: its queue of 100,000 messages is
               full although credit bounds our tasks, so it has not read for
               a very long time; either way its work belongs elsewhere.     */
            s_instance_gone(self, inst, err == EHOSTUNREACH ? "unreachable" : "send queue full",
                            false);
            continue;
        }
    }
}

static void
s_dispatch(pf_coordinator_t *self)
{
    if (self->pending_calls)
        s_dispatch_calls(self);
    while (self->dirty) {
        pf_modset_t dirty = self->dirty;
        self->dirty = 0;
        for (int m = 0; m < PF_MODULE_COUNT; m++)
            if (dirty & (1u << m))
                s_dispatch_module(self, m);
    }
}

static void
s_result_from_actor(pf_coordinator_t *self, pf_instance_t *inst, pfa_msg_t *msg)
{
    pf_dispatch_t *task = pf_engine_task(self->engine, msg->task_id);
    if (!task || task->work.holder != inst || task->attempt != msg->attempt
        || strcmp(task->job->id, msg->job_id) != 0
        || strcmp(pf_graph_name(task->module), msg->module) != 0) {
        s_warn(self, "dropped result for unknown task %" PRIu64 " (%s %s attempt %u) from %s",
               msg->task_id, msg->job_id, msg->module, msg->attempt, inst->id);
        return;
    }
    bool ok = msg->ok;
    const char *code = msg->error_code;
    const char *text = msg->error_message;
    if (!ok && strcmp(code, "draining") == 0) {
        /* It raced with the instance's DRAIN: not the module's failure.    */
        pf_broker_release(self->broker, &task->work);
        self->dirty |= 1u << task->module;
        pf_engine_task_lost(self->engine, task, "instance draining", pf_clock_mono_us());
        return;
    }
    /* A result travels on two levels deeper (inside TASK inputs and RESULT
       replies) and next to thirteen others: bound it here, where it can
       still fail its own attempt, not later in every consumer.             */
    static const pf_limits_t result_limits = {
        .max_depth = PF_RESULT_MAX_DEPTH,
        .max_str = PF_RESULT_MAX_BYTES,
        .max_items = PF_RESULT_MAX_BYTES,
        .max_total_items = PF_RESULT_MAX_BYTES,
    };
    pf_type_t type = PF_NIL;
    if (ok && msg->payload_size > PF_RESULT_MAX_BYTES) {
        ok = false;
        code = "bad_result";
        text = "module result is larger than 1 MiB";
    } else if (ok && (pf_msgpack_check(msg->payload, msg->payload_size, &result_limits, &type)
                          != PF_OK
                      || type != PF_MAP)) {
        ok = false;
        code = "bad_result";
        text = "module result is not a msgpack map within the result limits";
    }
    pf_broker_release(self->broker, &task->work);
    self->dirty |= 1u << task->module;
    pf_engine_task_result(self->engine, task, ok, msg->payload, msg->payload_size, code, text,
                          msg->duration_ms, pf_clock_mono_us());
}

/*  Actors may publish only the provider topics; the coordinator stamps
    each event with its own clock and the topic, as for its own events.     */
static void
s_event_from_actor(pf_coordinator_t *self, pf_instance_t *inst, const pfa_msg_t *msg)
{
    static const char *const allowed[] = { "api.call", "api.breaker", "api.throttled" };
    bool ok = false;
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strcmp(msg->topic, allowed[i]) == 0)
            ok = true;
    if (!ok) {
        s_warn(self, "dropped event '%s' from %s: actors may publish only api.* topics",
               msg->topic, inst->id);
        return;
    }
    if (!s_tap_wanted(self, msg->topic))
        return;
    pf_value_t *body = NULL;
    if (pf_msgpack_decode(msg->payload, msg->payload_size, &PF_LIMITS_DEFAULT, &body) != PF_OK
        || pf_value_type(body) != PF_MAP) {
        s_warn(self, "dropped event '%s' from %s: body is not a map", msg->topic, inst->id);
        pf_value_destroy(&body);
        return;
    }
    s_publish(self, msg->topic, &body);
}

static void
s_actor_message(pf_coordinator_t *self, pf_wire_msg_t *wmsg)
{
    pf_frame_t frames[PF_WIRE_MAX_FRAMES];
    size_t n = pf_wire_frames(wmsg, 0, frames, PF_WIRE_MAX_FRAMES);
    if (n < 1)
        return;
    const pf_frame_t *rid = &frames[0];
    pf_instance_t *inst = pf_broker_instance(self->broker, rid->data, rid->size);
    int64_t now = pf_clock_mono_us();
    if (inst)
        inst->last_seen_us = now;
    pfa_msg_t *msg = NULL;
    int rc = wmsg->count > wmsg->kept ? PF_EPROTO : pfa_decode(frames + 1, n - 1, &msg);
    if (rc != PF_OK) {
        s_warn(self, "malformed actor message from %s: %s", inst ? inst->id : "unknown peer",
               pf_strerror(rc));
        return;
    }
    if (!inst && msg->cmd != PFA_READY) {
        if (msg->cmd != PFA_DISCONNECT)
            s_send_disconnect(self, rid, "unknown_peer");
        pfa_msg_destroy(&msg);
        return;
    }
    switch (msg->cmd) {
    case PFA_READY: {
        pf_work_t *orphans = NULL;
        if (inst)
            s_publish_actor(self, "actor.lost", inst, "re-registered");
        inst = pf_broker_register(self->broker, rid->data, rid->size, msg, now, &orphans);
        s_orphans(self, orphans, "instance re-registered");
        pfa_msg_t welcome;
        memset(&welcome, 0, sizeof welcome);
        welcome.cmd = PFA_WELCOME;
        welcome.heartbeat_ms = self->cfg.heartbeat_ms;
        welcome.liveness = self->cfg.liveness;
        s_send_actor(self, inst, &welcome);
        s_log("instance %s of %s joined (capacity %u, pid %" PRId64 ", host %s)", inst->id,
              inst->service->name, inst->capacity, inst->pid, inst->host);
        s_publish_actor(self, "actor.joined", inst, NULL);
        if (inst->service->module >= 0)
            self->dirty |= 1u << inst->service->module;
        break;
    }
    case PFA_HEARTBEAT:
        break;
    case PFA_RESULT:
        s_result_from_actor(self, inst, msg);
        break;
    case PFA_CALL:
        s_call_from_actor(self, rid, msg);
        break;
    case PFA_REPLY:
        s_reply_from_actor(self, inst, msg);
        break;
    case PFA_EVENT:
        s_event_from_actor(self, inst, msg);
        break;
    case PFA_DRAIN:
        s_log("instance %s of %s draining (holds %u)", inst->id, inst->service->name,
              inst->held);
        pf_broker_drain(self->broker, inst);
        break;
    case PFA_DISCONNECT:
        s_instance_gone(self, inst, msg->reason[0] ? msg->reason : "disconnected", false);
        break;
    default:
        s_warn(self, "unexpected %s from %s", pfa_cmd_name(msg->cmd), inst->id);
        break;
    }
    pfa_msg_destroy(&msg);
}

/* ---------------------------------------------------------------- timers */

/*  True if the instance holds a task or call that is past its deadline by
    more than grace: a healthy runtime answers its own work by then.        */
static bool
s_holds_overdue_work(const pf_instance_t *inst, int64_t now, int64_t grace)
{
    for (const pf_work_t *w = inst->work; w; w = w->next) {
        int64_t deadline = w->kind == PF_WORK_TASK ? ((const pf_dispatch_t *)w)->deadline_us
                                                   : ((const s_call_t *)w)->deadline_us;
        if (now - deadline > grace)
            return true;
    }
    return false;
}

static void
s_heartbeats(pf_coordinator_t *self, int64_t now)
{
    int64_t beat = (int64_t)self->cfg.heartbeat_ms * 1000;
    int64_t dead_after = beat * self->cfg.liveness;
    /* Messages still queued on the actor socket may include the heartbeat
       of an instance that looks silent: while there is a backlog, give
       instances twice the time before declaring them dead, so that an
       overloaded coordinator does not mistake its own lag for deaths.      */
    int events = 0;
    size_t events_size = sizeof events;
    bool backlog = zmq_getsockopt(self->actors, ZMQ_EVENTS, &events, &events_size) == 0
                   && (events & ZMQ_POLLIN);
    if (backlog)
        dead_after *= 2;
    pf_instance_t *inst = pf_broker_first(self->broker);
    while (inst) {
        pf_instance_t *next = inst->all_next;
        if (s_holds_overdue_work(inst, now, dead_after)) {
            /* Alive but sitting on work long past its deadline: its credit
               would be lost for good.  Make it start afresh.                */
            s_instance_gone(self, inst, "work overdue", true);
        } else if (now - inst->last_seen_us > dead_after) {
            s_instance_gone(self, inst, "missed heartbeats", true);
        } else if (now - inst->last_sent_us >= beat) {
            pfa_msg_t msg;
            memset(&msg, 0, sizeof msg);
            msg.cmd = PFA_HEARTBEAT;
            if (s_send_actor(self, inst, &msg) != PF_OK && errno == EHOSTUNREACH)
                s_instance_gone(self, inst, "unreachable", false);
        }
        inst = next;
    }
}

static void
s_timers(pf_coordinator_t *self)
{
    int64_t now = pf_clock_mono_us();
    if (now >= self->next_beat_us) {
        s_heartbeats(self, now);
        /* Check at a quarter beat so a death is seen within 1.25 beats of
           its deadline.                                                    */
        self->next_beat_us = now + (int64_t)self->cfg.heartbeat_ms * 250;
    }
    if (now >= self->next_sweep_us) {
        int64_t next = pf_engine_sweep(self->engine, now);
        s_sweep_calls(self, now);
        self->next_sweep_us = now + SWEEP_EVERY_US;
        if (next < self->next_sweep_us)
            self->next_sweep_us = next;
    }
}

/* ------------------------------------------------------- commit, flush */

/*  Sends one held TASK to the instance holding its task now.  A task that
    settled, was lost or was cancelled meanwhile is not sent (a cancelled
    one gives its credit back at once).                                      */
static void
s_flush_task(pf_coordinator_t *self, const pf_outbox_msg_t *o)
{
    pf_dispatch_t *task = pf_engine_task(self->engine, o->task_id);
    if (!task || !task->work.holder)
        return;
    pf_instance_t *inst = task->work.holder;
    if (!task->current) {
        pf_broker_release(self->broker, &task->work);
        self->dirty |= 1u << o->module;
        pf_engine_task_lost(self->engine, task, "cancelled before it was sent", pf_clock_mono_us());
        return;
    }
    pf_frame_t rid = { inst->rid, inst->rid_size };
    if (pf_wire_send(self->actors, &rid, false, o->frames, o->count) == PF_OK) {
        /* The attempt's deadline runs from now, not from when it was held:
           a slow disk must not eat into the module's time.                  */
        int64_t now = pf_clock_mono_us();
        inst->last_sent_us = now;
        task->sent_us = now;
        task->deadline_us = now + (int64_t)self->cfg.module_timeout_ms * 1000;
        return;
    }
    /* EHOSTUNREACH: gone.  EAGAIN: its queue of messages is full although
       credit bounds our tasks, so it has not read for a very long time;
       either way its work belongs elsewhere.                               */
    s_instance_gone(self, inst, errno == EHOSTUNREACH ? "unreachable" : "send queue full",
                    false);
}

/*  Sends the held messages of box, in the order they were made, then
    recycles it.  What sending changes (an instance found gone) is held
    again, in the current outbox, for the next commit.                      */
static void
s_flush(pf_coordinator_t *self, pf_outbox_t *box)
{
    size_t count = pf_outbox_count(box);
    for (size_t i = 0; i < count; i++) {
        pf_outbox_msg_t o;
        pf_outbox_get(box, i, &o);
        switch ((s_out_kind_t)o.kind) {
        case S_OUT_CLIENT:
            if (pf_wire_send(self->client, &o.rid, true, o.frames, o.count) != PF_OK)
                s_warn(self, "reply not delivered: %s", zmq_strerror(errno));
            break;
        case S_OUT_TAP:
            if (pf_wire_send(self->tap, NULL, false, o.frames, o.count) != PF_OK)
                self->tap_dropped++;
            break;
        case S_OUT_TASK:
            s_flush_task(self, &o);
            break;
        }
    }
    s_recycle(self, box);
}

/*  End of a loop turn with a durable store: commit the turn's writes, then
    send what they back — at once when the commit itself reached the disk
    (or --store-sync normal), else once the syncer has made the commit
    durable (s_synced).  Returns PF_EIO if the store cannot commit: every
    held message is dropped unsent (none of them may be seen), and the
    coordinator must stop — a restart recovers from the last commit.        */
static int
s_commit_and_flush(pf_coordinator_t *self)
{
    for (int round = 0; round < FLUSH_ROUNDS_MAX; round++) {
        pf_engine_flush_writes(self->engine);
        if (pf_sqlstore_commit(self->db) != PF_OK) {
            size_t n = s_outbox_drop(self);
            s_log("job store: commit failed: %s; %zu replies, events and tasks withheld; "
                  "stopping so that a restart recovers from the last commit",
                  pf_sqlstore_errmsg(self->db), n);
            return PF_EIO;
        }
        if (!pf_outbox_count(self->out))
            return PF_OK;
        if (self->syncer) {
            s_group_t *g = pf_calloc(1, sizeof *g);
            g->id = ++self->group_seq;
            g->out = s_outbox_take(self);
            if (self->groups_tail)
                self->groups_tail->next = g;
            else
                self->groups = g;
            self->groups_tail = g;
            self->unsynced++;
            pf_syncer_request(self->syncer, g->id);
            return PF_OK;
        }
        s_flush(self, s_outbox_take(self));
        if (self->dirty)
            s_dispatch(self);
    }
    return PF_OK;   /* the rest goes out next turn (the poll will not wait) */
}

/*  The syncer reported: send the messages of every group now durable.
    Returns PF_EIO if a sync failed (what it covered may not be on the
    disk): everything held is dropped and the coordinator must stop.        */
static int
s_synced(pf_coordinator_t *self)
{
    uint64_t done = 0;
    int rc = pf_syncer_done(self->syncer, &done);
    int err = errno;
    while (self->groups && self->groups->id <= done) {
        s_group_t *g = self->groups;
        self->groups = g->next;
        if (!self->groups)
            self->groups_tail = NULL;
        self->unsynced--;
        s_flush(self, g->out);
        free(g);
    }
    if (rc != PF_OK) {
        /* What was made durable before the failure went out above.        */
        size_t n = s_outbox_drop(self);
        s_log("job store: sync of the write-ahead log failed: %s; %zu replies, events and "
              "tasks withheld; stopping so that a restart recovers from what is on the disk",
              strerror(err), n);
        return PF_EIO;
    }
    return PF_OK;
}

/*  At a clean stop: waits (boundedly) for the syncs in flight and sends
    what they back, so the last replies of a run are not lost.             */
static void
s_drain_groups(pf_coordinator_t *self)
{
    int64_t deadline = pf_clock_mono_us() + (int64_t)PF_STORE_STOP_SYNC_MS * 1000;
    while (self->syncer && self->groups && pf_clock_mono_us() < deadline) {
        zmq_pollitem_t item = { NULL, pf_syncer_fd(self->syncer), ZMQ_POLLIN, 0 };
        long left_ms = (long)((deadline - pf_clock_mono_us()) / 1000) + 1;
        if (zmq_poll(&item, 1, left_ms) < 0 && errno != EINTR)
            break;
        if (s_synced(self) != PF_OK)
            return;
    }
    if (self->groups)
        s_log("stopping with %zu messages whose sync did not complete", s_outbox_drop(self));
}

/* ---------------------------------------------------------------- setup */

static void *
s_bind(pf_coordinator_t *self, int type, const char *endpoint, char *bound, size_t bound_size,
       int hwm)
{
    void *sock = zmq_socket(self->ctx, type);
    if (!sock) {
        s_log("cannot create socket: %s", zmq_strerror(errno));
        return NULL;
    }
    if (pf_wire_setup(sock, self->cfg.max_msg_bytes, hwm) != PF_OK) {
        s_log("cannot set socket options: %s", zmq_strerror(errno));
        zmq_close(sock);
        return NULL;
    }
    if (type == ZMQ_ROUTER) {
        int one = 1;
        if (zmq_setsockopt(sock, ZMQ_ROUTER_MANDATORY, &one, sizeof one) != 0) {
            s_log("cannot set ROUTER_MANDATORY: %s", zmq_strerror(errno));
            zmq_close(sock);
            return NULL;
        }
    }
    if (type == ZMQ_XPUB) {
        int sndbuf = PF_TAP_SNDBUF_BYTES;
        if (zmq_setsockopt(sock, ZMQ_SNDBUF, &sndbuf, sizeof sndbuf) != 0) {
            s_log("cannot set the tap's send buffer: %s", zmq_strerror(errno));
            zmq_close(sock);
            return NULL;
        }
    }
    if (zmq_bind(sock, endpoint) != 0) {
        s_log("cannot bind %s: %s", endpoint, zmq_strerror(errno));
        zmq_close(sock);
        return NULL;
    }
    size_t len = bound_size;
    if (zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, bound, &len) != 0)
        snprintf(bound, bound_size, "%s", endpoint);
    return sock;
}

/*  On the syncer's thread, after a sync: checkpoint the log when it has
    grown.  Touches only the checkpointer and the store's page count.       */
static void
s_checkpoint(void *arg)
{
    pf_coordinator_t *self = arg;
    if (pf_sqlstore_checkpointer_run(self->checkpointer, self->db) != PF_EIO)
        return;
    /* Only this thread reads or writes checkpoint_warn_us.                 */
    int64_t now = pf_clock_mono_us();
    if (now - self->checkpoint_warn_us >= LOG_EVERY_US) {
        self->checkpoint_warn_us = now;
        s_log("job store: checkpoint failed (will try again; the coordinator bounds the "
              "log itself)");
    }
}

static void
s_invalid_row(void *arg, const char *table, const char *key, const char *why)
{
    (void)arg;
    s_log("job store: skipped %s row '%s': %s", table, key, why);
}

/*  Opens the job store under the data dir and resumes every job in it,
    before any socket is bound: nobody can ask about a job before it is
    back.  Returns 0 or PF_EIO (said why).                                  */
static int
s_open_store(pf_coordinator_t *self)
{
    char why[512];
    self->db = pf_sqlstore_open(self->cfg.data_dir, why, sizeof why);
    if (!self->db) {
        s_log("job store: %s", why);
        return PF_EIO;
    }
    /* Commits only reach the OS; with --store-sync full the syncer then
       puts them on the disk before anything they record is sent.          */
    if (pf_sqlstore_set_sync(self->db, false) != PF_OK) {
        s_log("job store: %s", pf_sqlstore_errmsg(self->db));
        return PF_EIO;
    }
    if (self->cfg.store_sync == PF_STORE_SYNC_FULL) {
        char wal[sizeof self->cfg.data_dir + sizeof PF_SQLSTORE_FILE + 8];
        snprintf(wal, sizeof wal, "%s/%s-wal", self->cfg.data_dir, PF_SQLSTORE_FILE);
        /* Checkpoints (fsyncs included) move to the syncer's thread too.   */
        self->checkpointer = pf_sqlstore_checkpointer_new(self->cfg.data_dir, why, sizeof why);
        if (!self->checkpointer) {
            s_log("job store: %s", why);
            return PF_EIO;
        }
        pf_sqlstore_checkpoint_elsewhere(self->db);
        self->syncer = pf_syncer_new(wal, s_checkpoint, self);
        if (!self->syncer) {
            s_log("job store: cannot start the syncer thread: %s", strerror(errno));
            return PF_EIO;
        }
    }
    pf_engine_set_store(self->engine, self->db);
    int64_t t0 = pf_clock_mono_us();
    pf_engine_recovery_t r;
    int rc = pf_engine_recover(self->engine, t0, s_invalid_row, self, &r);
    if (rc != PF_OK && rc != PF_EPROTO) {
        s_log("job store: cannot read %s/%s: %s", self->cfg.data_dir, PF_SQLSTORE_FILE,
              pf_sqlstore_errmsg(self->db));
        return PF_EIO;
    }
    /* Resuming may itself write (a module skipped, a job ended).           */
    pf_engine_flush_writes(self->engine);
    if (pf_sqlstore_commit(self->db) != PF_OK) {
        s_log("job store: commit failed: %s", pf_sqlstore_errmsg(self->db));
        return PF_EIO;
    }
    s_log("job store %s/%s (sync %s): %" PRIu64 " jobs (%" PRIu64 " unfinished, %" PRIu64
          " resumed, %" PRIu64 " finished modules kept), %" PRIu64 " batches, %" PRIu64
          " invalid rows skipped; read in %.1f ms",
          self->cfg.data_dir, PF_SQLSTORE_FILE,
          self->cfg.store_sync == PF_STORE_SYNC_FULL ? "full" : "normal", r.jobs, r.unfinished, r.resumed,
          r.modules_kept, r.batches, r.invalid_rows, (pf_clock_mono_us() - t0) / 1e3);
    return PF_OK;
}

pf_coordinator_t *
pf_coordinator_new(const pf_config_t *cfg, const pf_coordinator_opts_t *opts)
{
    pf_coordinator_t *self = pf_calloc(1, sizeof *self);
    self->cfg = *cfg;
    self->next_call_id = 1;
    self->started_us = pf_clock_mono_us();
    self->out = pf_outbox_new();
    if (opts && opts->api_keys_file) {
        char why[512];
        self->keys = pf_apikeys_load(opts->api_keys_file, why, sizeof why);
        if (!self->keys) {
            s_log("api keys: %s", why);
            pf_coordinator_destroy(&self);
            return NULL;
        }
    }
    pf_engine_hooks_t hooks = {
        .tap_wanted = s_tap_wanted,
        .publish = s_publish,
        .work_ready = s_work_ready,
        .job_ended = s_job_ended,
    };
    self->engine = pf_engine_new(cfg, &hooks, self);
    if (!self->engine) {
        s_log("the module graph failed its check");
        pf_coordinator_destroy(&self);
        return NULL;
    }
    if (cfg->store == PF_STORE_SQLITE && s_open_store(self) != PF_OK) {
        pf_coordinator_destroy(&self);
        return NULL;
    }
    self->broker = pf_broker_new();
    for (int m = 0; m < PF_MODULE_COUNT; m++)
        self->module_service[m] = pf_broker_service(self->broker, pf_graph_name(m), true);
    self->ctx = zmq_ctx_new();
    if (!self->ctx) {
        s_log("cannot create zmq context: %s", zmq_strerror(errno));
        pf_coordinator_destroy(&self);
        return NULL;
    }
    self->client = s_bind(self, ZMQ_ROUTER, cfg->client_endpoint, self->client_ep,
                          sizeof self->client_ep, (int)cfg->sndhwm);
    self->actors = s_bind(self, ZMQ_ROUTER, cfg->actor_endpoint, self->actor_ep,
                          sizeof self->actor_ep, (int)cfg->sndhwm);
    self->tap = s_bind(self, ZMQ_XPUB, cfg->tap_endpoint, self->tap_ep, sizeof self->tap_ep,
                       (int)cfg->tap_hwm);
    if (!self->client || !self->actors || !self->tap) {
        pf_coordinator_destroy(&self);
        return NULL;
    }
    int64_t now = pf_clock_mono_us();
    self->next_beat_us = now;
    self->next_sweep_us = now + SWEEP_EVERY_US;
    s_log("coordinator ready: client %s, tap %s, actors %s", self->client_ep, self->tap_ep,
          self->actor_ep);
    return self;
}

int
pf_coordinator_run(pf_coordinator_t *self)
{
    zmq_pollitem_t items[4] = {
        { self->actors, 0, ZMQ_POLLIN, 0 },
        { self->client, 0, ZMQ_POLLIN, 0 },
        { self->tap, 0, ZMQ_POLLIN, 0 },
        { NULL, self->syncer ? pf_syncer_fd(self->syncer) : -1, ZMQ_POLLIN, 0 },
    };
    int nitems = self->syncer ? 4 : 3;
    while (!s_interrupted) {
        int64_t now = pf_clock_mono_us();
        int64_t wake = self->next_beat_us < self->next_sweep_us ? self->next_beat_us
                                                                : self->next_sweep_us;
        long timeout_ms = wake > now ? (long)((wake - now + 999) / 1000) : 0;
        if (pf_outbox_count(self->out) || self->dirty)
            timeout_ms = 0;   /* work left from the last turn               */
        /* A disk that falls behind stops new work at the door: clients are
           not read (their requests wait in ZeroMQ's queues, then its
           high-water mark) until the syncs catch up, so held replies cannot
           pile up without bound.  Actors are still read: their traffic is
           bounded by credit, and their heartbeats must not go unread.      */
        bool backlogged = self->unsynced >= PF_STORE_MAX_UNSYNCED;
        items[1].events = backlogged ? 0 : ZMQ_POLLIN;
        if (backlogged)
            s_warn(self, "job store: %zu commits waiting for the disk; not reading clients "
                         "until it catches up", self->unsynced);
        int rc = zmq_poll(items, nitems, timeout_ms);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            s_log("poll failed: %s", zmq_strerror(errno));
            return PF_EIO;
        }
        if (items[2].revents & ZMQ_POLLIN)
            s_tap_subscriptions(self);
        if (self->syncer && (items[3].revents & ZMQ_POLLIN) && s_synced(self) != PF_OK)
            return PF_EIO;
        for (int n = 0; n < DRAIN_PER_TURN; n++) {
            pf_wire_msg_t msg;
            if (pf_wire_recv(self->actors, &msg, ZMQ_DONTWAIT) != PF_OK)
                break;
            s_actor_message(self, &msg);
            pf_wire_msg_close(&msg);
        }
        for (int n = 0; n < DRAIN_PER_TURN && !backlogged; n++) {
            pf_wire_msg_t msg;
            if (pf_wire_recv(self->client, &msg, ZMQ_DONTWAIT) != PF_OK)
                break;
            s_client_message(self, &msg);
            pf_wire_msg_close(&msg);
        }
        s_dispatch(self);
        s_timers(self);
        s_dispatch(self);
        if (self->db && s_commit_and_flush(self) != PF_OK)
            return PF_EIO;
    }
    s_log("stopping");
    s_drain_groups(self);
    /* Tell every actor we are going so they reconnect promptly to our
       successor instead of waiting out the heartbeat.                      */
    for (pf_instance_t *i = pf_broker_first(self->broker); i; i = i->all_next) {
        pf_frame_t rid = { i->rid, i->rid_size };
        s_send_disconnect(self, &rid, "coordinator_stopping");
    }
    return PF_OK;
}

void
pf_coordinator_destroy(pf_coordinator_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_coordinator_t *self = *self_p;
    /* Calls are ours: unlink them from instances before the broker goes.   */
    s_call_t *c = self->inflight_calls;
    while (c) {
        s_call_t *next = c->next;
        pf_broker_release(self->broker, &c->work);
        s_call_free(self, c);
        c = next;
    }
    c = self->pending_calls;
    while (c) {
        s_call_t *next = c->next;
        s_call_free(self, c);
        c = next;
    }
    /* Tasks are the engine's: unlink them, then let the engine free them.  */
    if (self->broker) {
        for (pf_instance_t *i = pf_broker_first(self->broker); i; i = i->all_next)
            while (i->work)
                pf_broker_release(self->broker, i->work);
    }
    pf_broker_destroy(&self->broker);
    pf_engine_destroy(&self->engine);
    s_outbox_drop(self);
    pf_outbox_destroy(&self->out);
    while (self->spare_count)
        pf_outbox_destroy(&self->spare[--self->spare_count]);
    pf_syncer_destroy(&self->syncer);
    pf_sqlstore_checkpointer_destroy(&self->checkpointer);
    pf_sqlstore_close(&self->db);
    pf_apikeys_destroy(&self->keys);
    if (self->client)
        zmq_close(self->client);
    if (self->actors)
        zmq_close(self->actors);
    if (self->tap)
        zmq_close(self->tap);
    if (self->ctx)
        zmq_ctx_term(self->ctx);
    free(self);
    *self_p = NULL;
}

const char *
pf_coordinator_client_endpoint(const pf_coordinator_t *self)
{
    return self->client_ep;
}

const char *
pf_coordinator_tap_endpoint(const pf_coordinator_t *self)
{
    return self->tap_ep;
}

const char *
pf_coordinator_actor_endpoint(const pf_coordinator_t *self)
{
    return self->actor_ep;
}
