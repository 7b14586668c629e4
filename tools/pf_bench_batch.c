/*  pf_bench_batch.c — the batch scenario of `pf bench` (see pf_bench.h):
    a BATCH of generated synthetic domains through the whole offline
    constellation, with every provider rate limit scaled by one factor on
    both sides, counting what each provider was asked.

    Three sources of counts, each checking the others:
    - pf-fakeapi's /_control/stats: the HTTP requests that reached each
      provider, the 429s it answered (its limit counts violations) and the
      most requests it accepted in one true window;
    - the adapters' api.call tap events: every HTTP attempt (first attempts,
      retries, Yahoo's session requests), every cache hit and every call
      that joined an identical request in flight (deduplicated), and from
      api.throttled the longest queue waiting for a provider's limiter;
    - each job's RESULT: which modules completed, and why the others did
      not; the tap's module.retried events: attempts that failed and were
      repeated (a result that completed on its second attempt hides them).
    The tap subscription is proven before the batch starts (a small job's
    events must arrive), and the stats are reset right before the BATCH is
    sent, so the counts are the batch's own.                                */
#include "pf_bench.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_adapter.h"
#include "pf_alloc.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_provider.h"
#include "pf_samples.h"

/*  A minute: the default limits are per minute; scaled, per this / scale.  */
#define S_MINUTE_MS 60000u
/*  How often the batch's STATUS is asked while it runs.                    */
#define S_STATUS_POLL_MS 250
/*  What a module writes in a missing field's reason when a provider call
    failed (modules/pf_gather.h users: "<provider> <op> failed: <code>: …"). */
#define S_CALL_FAILED " failed: "
#define S_NOT_FOUND "not_found"
/*  Generated names: ADJECTIVE-NOUN-INDEX.com.                              */
#define S_DOMAIN_TLD "com"
/*  The domains of the jobs that prove the api./job. subscription:
    pf-bench-tapcheck-N.com, a new one per job, so that its events are
    recognised even before the job's id is known.                          */
#define S_TAP_DOMAIN "pf-bench-tapcheck-%u.com"

static const char *const s_adjectives[] = {
    "amber", "bright", "cedar", "dusk",   "ember", "fable",  "granite", "harbor",
    "indigo", "juniper", "kindle", "lumen", "maple", "north", "opal",   "prairie",
};
static const char *const s_nouns[] = {
    "goods",  "supply", "outfit", "market", "studio", "works",  "living", "crafts",
    "depot",  "trading", "labs",  "home",   "wear",   "gear",   "foods",  "store",
};
#define S_ADJECTIVES (sizeof s_adjectives / sizeof *s_adjectives)
#define S_NOUNS (sizeof s_nouns / sizeof *s_nouns)

void
pf_bench_batch_domain(uint32_t i, char *out, size_t size)
{
    snprintf(out, size, "%s-%s-%u.%s", s_adjectives[i % S_ADJECTIVES],
             s_nouns[(i / S_ADJECTIVES) % S_NOUNS], i, S_DOMAIN_TLD);
}

/*  What the run is waiting for, and what the tap has told so far.         */
typedef struct {
    pf_bench_batch_t *out;        /* counters are written here              */
    char **job_ids;               /* the batch's jobs (owned)               */
    bool *ended;                  /* per job: its final event was seen      */
    uint32_t jobs;                /* count of both                          */
    uint32_t ended_count;         /* jobs whose final event was seen        */
    double last_end_ms;           /* monotonic time of the last of those    */
    double last_event_ms;         /* any tap event: the run is alive        */
    bool counting;                /* api events count (after the reset)     */
    char wait_domain[64];         /* the tap check job's domain, or ""     */
    uint32_t tap_jobs;            /* tap check jobs sent                    */
    bool wait_accepted;           /* its job.accepted was seen              */
    bool wait_ended;              /* its final event was seen               */
    char batch_id[PFP_ID_MAX + 1]; /* the BATCH's id                         */
} s_run_t;

static pf_bench_provider_t *
s_provider(pf_bench_batch_t *out, const char *name)
{
    for (uint32_t i = 0; name && i < out->providers; i++) {
        if (strcmp(out->provider[i].name, name) == 0)
            return &out->provider[i];
    }
    return NULL;
}

static bool
s_is_final(const char *topic)
{
    return strcmp(topic, "job.completed") == 0 || strcmp(topic, "job.partial") == 0
           || strcmp(topic, "job.failed") == 0 || strcmp(topic, "job.cancelled") == 0;
}

/*  The counters of operation name (NULL: the Yahoo session), or NULL when
    the table is full.                                                      */
static pf_bench_op_t *
s_op(pf_bench_provider_t *p, const char *name)
{
    if (!name)
        name = "session";
    for (uint32_t i = 0; i < p->op_count; i++) {
        if (strcmp(p->ops[i].op, name) == 0)
            return &p->ops[i];
    }
    if (p->op_count == PF_BENCH_OPS_MAX)
        return NULL;
    pf_bench_op_t *op = &p->ops[p->op_count++];
    snprintf(op->op, sizeof op->op, "%s", name);
    return op;
}

/*  One api.call event: which kind of call it was.                          */
static void
s_count_call(pf_bench_provider_t *p, const pf_value_t *body)
{
    pf_bench_op_t *op = s_op(p, pf_map_get_str(body, "op"));
    if (pf_map_get_bool(body, "deduplicated", false)) {
        p->deduplicated++;
        if (op)
            op->deduplicated++;
        return;
    }
    if (pf_map_get_bool(body, "cached", false)) {
        p->cached++;
        if (op)
            op->cached++;
        return;
    }
    if (op)
        op->http++;
    if (!pf_map_get_str(body, "op"))
        p->session++;       /* Yahoo's cookie and crumb requests: no op   */
    else if (pf_map_get_int(body, "attempt", 1) > 1)
        p->retries++;
    else
        p->live++;
    const pf_value_t *status = pf_map_get(body, "status");
    if (pf_value_type(status) == PF_STR) {
        p->errors++;        /* no answer: a transport error code          */
    } else {
        int64_t code = pf_value_as_int(status, 0);
        if (code == 429 || code >= 500)
            p->errors++;
    }
}

/*  Counts one occurrence of what in a table of kinds (kinds entries
    used); past the table's size, in *other.                                */
static void
s_tally(pf_bench_failure_t *table, uint32_t *kinds, uint32_t *other, const char *what)
{
    for (uint32_t i = 0; i < *kinds; i++) {
        if (strcmp(table[i].what, what) == 0) {
            table[i].count++;
            return;
        }
    }
    if (*kinds == PF_BENCH_FAILURE_KINDS) {
        (*other)++;
        return;
    }
    pf_bench_failure_t *f = &table[(*kinds)++];
    snprintf(f->what, sizeof f->what, "%s", what);
    f->count = 1;
}

/*  "module: code" from a module and an error text "code: message".        */
static void
s_module_code(const char *module, const char *why, char *out, size_t size)
{
    size_t code = why ? strcspn(why, ":") : 0;
    snprintf(out, size, "%s: %.*s", module ? module : "?", (int)code, why ? why : "");
}

/*  True when job is one of the batch's.                                    */
static bool
s_batch_job(const s_run_t *run, const char *job)
{
    for (uint32_t i = 0; i < run->jobs; i++) {
        if (strcmp(run->job_ids[i], job) == 0)
            return true;
    }
    return false;
}

static bool
s_on_tap(void *arg, const char *topic, const pf_value_t *body)
{
    s_run_t *run = arg;
    run->last_event_ms = pf_bench_now_ms();
    if (strncmp(topic, "api.", 4) == 0) {
        pf_bench_provider_t *p = s_provider(run->out, pf_map_get_str(body, "api"));
        if (!p || !run->counting)
            return false;
        if (strcmp(topic, "api.call") == 0) {
            s_count_call(p, body);
        } else if (strcmp(topic, "api.throttled") == 0) {
            p->throttled++;
            int64_t queued = pf_map_get_int(body, "queued", 0);
            if (queued > p->queued_max)
                p->queued_max = queued > UINT32_MAX ? UINT32_MAX : (uint32_t)queued;
        }
        return false;
    }
    const char *job = pf_map_get_str(body, "job_id");
    const char *domain = pf_map_get_str(body, "domain");
    if (!job)
        return false;
    if (strcmp(topic, "module.retried") == 0) {
        if (run->counting && s_batch_job(run, job)) {
            char what[PF_BENCH_FAILURE_MAX];
            s_module_code(pf_map_get_str(body, "module"), pf_map_get_str(body, "error"), what,
                          sizeof what);
            s_tally(run->out->retries, &run->out->retry_kinds, &run->out->retries_other, what);
        }
        return false;
    }
    if (run->wait_domain[0] && domain && strcmp(domain, run->wait_domain) == 0) {
        if (strcmp(topic, "job.accepted") == 0)
            run->wait_accepted = true;
        if (s_is_final(topic))
            run->wait_ended = true;
        return true;
    }
    if (!s_is_final(topic))
        return false;
    for (uint32_t i = 0; i < run->jobs; i++) {
        if (!run->ended[i] && strcmp(run->job_ids[i], job) == 0) {
            run->ended[i] = true;
            run->ended_count++;
            run->last_end_ms = run->last_event_ms;
            break;
        }
    }
    return false;
}

/*  The adapters' registrations, as actor.joined events tell them.         */
typedef struct {
    const pf_bench_batch_t *out;  /* the providers expected                 */
    uint32_t joined;              /* bit i: provider i's adapter joined     */
} s_joins_t;

static bool
s_join_fn(void *arg, const char *topic, const pf_value_t *body)
{
    s_joins_t *joins = arg;
    const char *service = pf_map_get_str(body, "service");
    if (strcmp(topic, "actor.joined") == 0 && service) {
        for (uint32_t i = 0; i < joins->out->providers; i++) {
            if (strcmp(joins->out->provider[i].name, service) == 0)
                joins->joined |= 1u << i;
        }
    }
    return joins->joined == (1u << joins->out->providers) - 1;
}

/*  Starts pf-fakeapi with the scaled limits and one adapter per provider
    at its scaled rpm, and waits until all five have registered.           */
static int
s_start_providers(pf_bench_cluster_t *cl, uint32_t scale, uint32_t deadline_ms,
                  pf_bench_batch_t *out)
{
    int rc = pf_bench_cluster_start_fakeapi(cl);
    if (rc == PF_OK)
        rc = pf_bench_cluster_tap_ready(cl);
    size_t count = 0;
    const pf_provider_t *const *all = pf_provider_all(&count);
    if (count > PF_BENCH_PROVIDERS)
        count = PF_BENCH_PROVIDERS;
    for (size_t i = 0; i < count && rc == PF_OK; i++) {
        pf_bench_provider_t *p = &out->provider[out->providers++];
        snprintf(p->name, sizeof p->name, "%s", all[i]->name);
        p->default_rpm = all[i]->limits.per_minute;
        p->rpm = p->default_rpm * scale;
        p->limit = p->default_rpm;
        p->window_ms = S_MINUTE_MS / scale;
        if (p->rpm > PF_LIMITER_MAX_PER_MINUTE) {
            fprintf(stderr, "pf bench: %s at %u/min x %u is beyond the adapter's %d/min\n",
                    p->name, p->default_rpm, scale, PF_LIMITER_MAX_PER_MINUTE);
            return PF_EINVAL;
        }
        rc = pf_bench_fakeapi_set_limit(cl, p->name, p->limit, p->window_ms);
        char rpm[16], deadline[16];
        snprintf(rpm, sizeof rpm, "%u", p->rpm);
        snprintf(deadline, sizeof deadline, "%u", deadline_ms);
        const char *args[] = { "--rpm", rpm, deadline_ms ? "--deadline-ms" : NULL, deadline,
                               NULL };
        if (rc == PF_OK)
            rc = pf_bench_cluster_start_adapter(cl, p->name, args);
    }
    if (rc != PF_OK)
        return rc;
    /*  Every adapter registered: its actor.joined came (the tap is proven). */
    s_joins_t joins = { out, 0 };
    rc = pf_bench_cluster_pump_tap(cl, PF_BENCH_JOIN_MS, s_join_fn, &joins);
    if (rc == PF_ETIMEDOUT)
        fprintf(stderr, "pf bench: not every adapter registered within %d ms\n",
                PF_BENCH_JOIN_MS);
    return rc;
}

/*  Sends command with body (a map, taken: freed here) under a fresh req_id
    "<tag>N-", tap events going to s_on_tap meanwhile, and waits for the
    reply.  On 0, *reply_p (caller owns) is a reply of the command expected;
    any other reply is said on stderr (with what) and is PF_EPROTO.        */
static int
s_ask(pf_bench_cluster_t *cl, s_run_t *run, const char *tag, const char *command,
      pf_value_t **body_p, const char *expected, const char *what, pf_value_t **reply_p)
{
    char req_id[48];
    pf_bench_cluster_req_prefix(cl, tag, req_id, sizeof req_id);
    pf_map_set_str(*body_p, "req_id", req_id);
    char answered[16];
    pf_value_t *reply = NULL;
    int rc = pf_bench_cluster_call(cl, command, *body_p, PF_BENCH_IDLE_MS, s_on_tap, run,
                                   answered, &reply, NULL);
    pf_value_destroy(body_p);
    if (rc != PF_OK)
        return rc;
    if (strcmp(answered, expected) != 0) {
        const char *why = pf_map_get_str(reply, "message");
        fprintf(stderr, "pf bench: %s was answered %s%s%s\n", what, answered, why ? ": " : "",
                why ? why : "");
        pf_value_destroy(&reply);
        return PF_EPROTO;
    }
    *reply_p = reply;
    return PF_OK;
}

/*  One async job of company_context on S_TAP_DOMAIN; waits up to
    timeout_ms for its job.accepted on the tap (and, with until_end, for its
    final event).  0, PF_ETIMEDOUT, or another PF_E*.                      */
static int
s_tap_job(pf_bench_cluster_t *cl, s_run_t *run, int timeout_ms, bool until_end)
{
    snprintf(run->wait_domain, sizeof run->wait_domain, S_TAP_DOMAIN, ++run->tap_jobs);
    run->wait_accepted = false;
    run->wait_ended = false;
    pf_value_t *body = pf_bench_enrich_body("", run->wait_domain, true);
    pf_value_t *modules = pf_value_array();
    pf_array_push_str(modules, pf_graph_name(PF_MODULE_ROOT));
    pf_map_set(body, "modules", &modules);
    pf_value_t *reply = NULL;
    int rc = s_ask(cl, run, "btap", "ENRICH", &body, "ACCEPTED", "the tap check job", &reply);
    pf_value_destroy(&reply);
    if (rc != PF_OK) {
        run->wait_domain[0] = '\0';
        return rc;
    }
    double deadline = pf_bench_now_ms() + timeout_ms;
    rc = PF_OK;
    while (rc == PF_OK && !(until_end ? run->wait_ended : run->wait_accepted)) {
        double left = deadline - pf_bench_now_ms();
        rc = left > 0 ? pf_bench_cluster_pump_tap(cl, (int)ceil(left), s_on_tap, run)
                      : PF_ETIMEDOUT;
    }
    run->wait_domain[0] = '\0';
    return rc;
}

/*  Subscribes to api. and job. and proves both reach the coordinator: a
    one-module job's job.accepted must arrive (subscriptions travel in
    order on one connection; a job is sent again until one does).  Then
    one more such job is awaited to its end, so the checks' provider calls
    are over (same domain, same order) before the counting starts.         */
static int
s_subscribe(pf_bench_cluster_t *cl, s_run_t *run)
{
    if (pf_bench_cluster_subscribe(cl, "api.", true) != PF_OK
        || pf_bench_cluster_subscribe(cl, "job.", true) != PF_OK
        || pf_bench_cluster_subscribe(cl, "module.retried", true) != PF_OK)
        return PF_EIO;
    double deadline = pf_bench_now_ms() + PF_BENCH_START_MS;
    int rc = PF_ETIMEDOUT;
    while (rc == PF_ETIMEDOUT && pf_bench_now_ms() < deadline)
        rc = s_tap_job(cl, run, PF_BENCH_TAP_CONFIRM_MS, false);
    if (rc == PF_OK)
        rc = s_tap_job(cl, run, PF_BENCH_IDLE_MS, true);
    if (rc == PF_ETIMEDOUT)
        fprintf(stderr, "pf bench: the tap did not deliver the check job's events\n");
    return rc;
}

/*  Sends the BATCH; fills run->job_ids.                                    */
static int
s_submit(pf_bench_cluster_t *cl, s_run_t *run, uint32_t domains, uint32_t concurrency)
{
    pf_value_t *body = pf_value_map();
    pf_value_t *list = pf_value_array();
    for (uint32_t i = 0; i < domains; i++) {
        char domain[64];
        pf_bench_batch_domain(i, domain, sizeof domain);
        pf_array_push_str(list, domain);
    }
    pf_map_set(body, "domains", &list);
    pf_map_set_int(body, "max_concurrency", concurrency);
    pf_value_t *reply = NULL;
    int rc = s_ask(cl, run, "batch", "BATCH", &body, "ACCEPTED", "the BATCH", &reply);
    if (rc != PF_OK)
        return rc;
    const pf_value_t *ids = pf_map_get(reply, "job_ids");
    size_t rejected = pf_array_size(pf_map_get(reply, "rejected"));
    if (pf_array_size(ids) != domains || rejected) {
        fprintf(stderr, "pf bench: the BATCH made %zu jobs, %zu domains rejected\n",
                pf_array_size(ids), rejected);
        pf_value_destroy(&reply);
        return PF_EPROTO;
    }
    run->jobs = domains;
    run->job_ids = pf_calloc(domains, sizeof *run->job_ids);
    run->ended = pf_calloc(domains, sizeof *run->ended);
    for (uint32_t i = 0; i < domains; i++) {
        const char *id = pf_value_as_str(pf_array_at(ids, i), NULL);
        run->job_ids[i] = pf_strdup(id ? id : "");
    }
    run->out->accepted = domains;
    snprintf(run->batch_id, sizeof run->batch_id, "%s",
             pf_map_get_str(reply, "batch_id") ? pf_map_get_str(reply, "batch_id") : "");
    pf_value_destroy(&reply);
    return PF_OK;
}

/*  Asks the batch's STATUS; true in *all_ended when no job is queued or
    running.                                                                */
static int
s_status(pf_bench_cluster_t *cl, s_run_t *run, const char *batch_id, bool *all_ended)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "batch_id", batch_id);
    pf_value_t *reply = NULL;
    int rc = s_ask(cl, run, "bst", "STATUS", &body, "STATUS", "the batch's STATUS", &reply);
    if (rc != PF_OK)
        return rc;
    *all_ended = pf_map_get_int(reply, "queued", 0) == 0
                 && pf_map_get_int(reply, "running", 0) == 0
                 && pf_map_get_int(reply, "total", -1) == (int64_t)run->jobs;
    pf_value_destroy(&reply);
    return PF_OK;
}

/*  Waits until every job has ended: its final tap event, or the batch's
    STATUS (the tap may drop events; STATUS cannot).  Fails when nothing at
    all happens for PF_BENCH_IDLE_MS.                                       */
static int
s_wait_batch(pf_bench_cluster_t *cl, s_run_t *run, double sent_ms)
{
    uint32_t seen_ended = 0;
    double progress_ms = pf_bench_now_ms();
    while (run->ended_count < run->jobs) {
        int rc = pf_bench_cluster_pump_tap(cl, S_STATUS_POLL_MS, s_on_tap, run);
        if (rc != PF_OK && rc != PF_ETIMEDOUT)
            return rc;
        double now = pf_bench_now_ms();
        if (run->ended_count != seen_ended || run->last_event_ms > progress_ms) {
            seen_ended = run->ended_count;
            progress_ms = now;
        }
        if (now - progress_ms > PF_BENCH_IDLE_MS) {
            fprintf(stderr, "pf bench: nothing happened for %d ms; %u of %u jobs ended\n",
                    PF_BENCH_IDLE_MS, run->ended_count, run->jobs);
            return PF_ETIMEDOUT;
        }
        bool all_ended = false;
        rc = s_status(cl, run, run->batch_id, &all_ended);
        if (rc != PF_OK)
            return rc;
        if (all_ended && run->ended_count < run->jobs) {
            pf_bench_cluster_drain_tap(cl, s_on_tap, run);
            if (run->ended_count < run->jobs) {
                fprintf(stderr, "pf bench: the tap missed %u job end(s); timing from STATUS\n",
                        run->jobs - run->ended_count);
                run->out->wall_ms = pf_bench_now_ms() - sent_ms;
                return PF_OK;
            }
        }
    }
    run->out->wall_ms = run->last_end_ms - sent_ms;
    return PF_OK;
}

/*  Counts one "module: reason" why a module did not complete.              */
static void
s_failure(pf_bench_batch_t *out, const char *module, const char *why)
{
    char what[PF_BENCH_FAILURE_MAX];
    s_module_code(module, why, what, sizeof what);
    s_tally(out->failures, &out->failure_kinds, &out->failures_other, what);
}

/*  How deep s_degraded_walk looks into a result for "missing" lists (a
    result nests at most PF_RESULT_MAX_DEPTH levels; theirs are shallow). */
#define S_MISSING_DEPTH 8

/*  Counts the entries of one "missing" list (found under where: "" at a
    result's top, else the path of the map that holds it, e.g.
    "competitors[]") whose reason says a provider call failed: the modules
    say "<provider> <op> failed: <code>: <message>" (a timeout in the rate
    limiter's queue, a 429, an error), as opposed to data the provider
    does not have.  Returns how many.                                       */
static uint32_t
s_degraded_list(pf_bench_batch_t *out, const char *module, const char *where,
                const pf_value_t *missing)
{
    uint32_t count = 0;
    for (size_t k = 0; k < pf_array_size(missing); k++) {
        const pf_value_t *entry = pf_array_at(missing, k);
        const char *reason = pf_map_get_str(entry, "reason");
        const char *at = reason ? strstr(reason, S_CALL_FAILED) : NULL;
        /*  not_found is the provider saying it has nothing: data, not a
            failure of the call.                                           */
        if (!at || strncmp(at + strlen(S_CALL_FAILED), S_NOT_FOUND, strlen(S_NOT_FOUND)) == 0)
            continue;
        const char *field = pf_map_get_str(entry, "field");
        char name[PF_BENCH_FAILURE_MAX];
        snprintf(name, sizeof name, "%s%s%s", where, *where ? "." : "", field ? field : "?");
        if (!out->degraded_example[0])
            snprintf(out->degraded_example, sizeof out->degraded_example, "%s.%s: %s",
                     module ? module : "?", name, reason);
        /*  "module.field: provider op code" (the call, then its code).    */
        const char *code = at + strlen(S_CALL_FAILED);
        char what[2 * PF_BENCH_FAILURE_MAX];   /* s_tally keeps what fits */
        snprintf(what, sizeof what, "%s.%s: %.*s %.*s", module ? module : "?", name,
                 (int)(at - reason), reason, (int)strcspn(code, ":"), code);
        s_tally(out->degraded, &out->degraded_kinds, &out->degraded_other, what);
        count++;
    }
    return count;
}

/*  Every "missing" list in value (a module's result or a part of it at
    path), also those of nested entries — competitor_intelligence says per
    competitor what is missing.                                              */
static uint32_t
s_degraded_walk(pf_bench_batch_t *out, const char *module, const char *path,
                const pf_value_t *value, int depth)
{
    if (depth > S_MISSING_DEPTH)
        return 0;
    uint32_t count = 0;
    char sub[PF_BENCH_FAILURE_MAX];
    if (pf_value_type(value) == PF_ARRAY) {
        snprintf(sub, sizeof sub, "%s[]", path);
        for (size_t i = 0; i < pf_array_size(value); i++)
            count += s_degraded_walk(out, module, sub, pf_array_at(value, i), depth + 1);
        return count;
    }
    if (pf_value_type(value) != PF_MAP)
        return 0;
    for (size_t i = 0; i < pf_map_size(value); i++) {
        const char *key = pf_value_as_str(pf_map_key_at(value, i), NULL);
        const pf_value_t *child = pf_map_value_at(value, i);
        if (!key)
            continue;
        if (strcmp(key, "missing") == 0 && pf_value_type(child) == PF_ARRAY) {
            count += s_degraded_list(out, module, path, child);
            continue;
        }
        /*  A result's own keys (data, provenance, …) are not part of a
            field's name; below them, the path is.                          */
        if (depth == 0)
            snprintf(sub, sizeof sub, "%s", "");
        else
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
        count += s_degraded_walk(out, module, sub, child, depth + 1);
    }
    return count;
}

/*  The fields of a job's results missing because a provider call failed,
    at the top of a result and nested in it.  Returns how many.             */
static uint32_t
s_degraded(pf_bench_batch_t *out, const pf_value_t *results)
{
    uint32_t count = 0;
    for (size_t m = 0; m < pf_map_size(results); m++) {
        const char *module = pf_value_as_str(pf_map_key_at(results, m), NULL);
        count += s_degraded_walk(out, module, "", pf_map_value_at(results, m), 0);
    }
    return count;
}

/*  Reads every job's RESULT: final statuses, modules completed, and why
    the others were not.                                                     */
static int
s_results(pf_bench_cluster_t *cl, s_run_t *run)
{
    pf_bench_batch_t *out = run->out;
    pf_samples_t *durations = pf_samples_new();
    int rc = PF_OK;
    for (uint32_t i = 0; i < run->jobs && rc == PF_OK; i++) {
        pf_value_t *body = pf_value_map();
        pf_map_set_str(body, "job_id", run->job_ids[i]);
        pf_value_t *reply = NULL;
        rc = s_ask(cl, run, "bres", "RESULTS", &body, "RESULT", "a job's RESULTS", &reply);
        if (rc != PF_OK)
            break;
        const char *status = pf_map_get_str(reply, "status");
        if (!status) {
            fprintf(stderr, "pf bench: the RESULT of %s has no status\n", run->job_ids[i]);
            pf_value_destroy(&reply);
            rc = PF_EPROTO;
            break;
        }
        if (strcmp(status, "completed") == 0)
            out->completed++;
        else if (strcmp(status, "partial") == 0)
            out->partial++;
        else if (strcmp(status, "failed") == 0)
            out->failed++;
        else
            out->cancelled++;
        const pf_value_t *done = pf_map_get(reply, "completed_modules");
        for (size_t k = 0; k < pf_array_size(done); k++) {
            int index = pf_graph_find(pf_value_as_str(pf_array_at(done, k), NULL));
            if (index >= 0)
                out->module_done[index]++;
        }
        if (pf_array_size(done) == PF_MODULE_COUNT)
            out->all_modules++;
        uint32_t degraded = s_degraded(out, pf_map_get(reply, "results"));
        out->degraded_fields += degraded;
        if (degraded)
            out->degraded_jobs++;
        const pf_value_t *failed = pf_map_get(reply, "failed_modules");
        for (size_t k = 0; k < pf_array_size(failed); k++) {
            const pf_value_t *f = pf_array_at(failed, k);
            s_failure(out, pf_map_get_str(f, "module"), pf_map_get_str(f, "error"));
        }
        const pf_value_t *skipped = pf_map_get(reply, "skipped_modules");
        for (size_t k = 0; k < pf_array_size(skipped); k++) {
            const pf_value_t *f = pf_array_at(skipped, k);
            s_failure(out, pf_map_get_str(f, "module"), "skipped");
        }
        pf_samples_add(durations, (double)pf_map_get_int(reply, "duration_ms", 0));
        pf_value_destroy(&reply);
    }
    if (rc == PF_OK && pf_samples_count(durations)) {
        pf_samples_median(durations, &out->job_p50_ms);
        pf_samples_max(durations, &out->job_max_ms);
    }
    pf_samples_destroy(&durations);
    return rc;
}

/*  A non-negative integer of the emulator's stats of provider (0 when
    absent: a provider that got no request has no entry).                  */
static uint32_t
s_stat(json_t *stats, const char *provider, const char *field)
{
    json_t *value = json_object_get(
        json_object_get(json_object_get(stats, "providers"), provider), field);
    if (!json_is_integer(value) || json_integer_value(value) < 0
        || json_integer_value(value) > UINT32_MAX)
        return 0;
    return (uint32_t)json_integer_value(value);
}

static int
s_read_stats(pf_bench_cluster_t *cl, pf_bench_batch_t *out)
{
    void *reply = NULL;
    int rc = pf_bench_fakeapi_control(cl, "GET", "/_control/stats", NULL, &reply);
    if (rc != PF_OK)
        return rc;
    json_t *stats = reply;
    for (uint32_t i = 0; i < out->providers; i++) {
        pf_bench_provider_t *p = &out->provider[i];
        p->requests = s_stat(stats, p->name, "requests");
        p->rate_limited = s_stat(stats, p->name, "rate_limited");
        p->max_in_window = s_stat(stats, p->name, "max_in_window");
    }
    json_decref(stats);
    return PF_OK;
}

static void
s_run_free(s_run_t *run)
{
    for (uint32_t i = 0; run->job_ids && i < run->jobs; i++)
        free(run->job_ids[i]);
    free(run->job_ids);
    free(run->ended);
}

int
pf_bench_batch(pf_bench_cluster_t *cl, uint32_t domains, uint32_t scale, uint32_t concurrency,
               uint32_t deadline_ms, pf_bench_batch_t *out)
{
    if (domains == 0 || scale == 0 || scale > PF_BENCH_SCALE_MAX || concurrency == 0
        || deadline_ms > PF_BENCH_DEADLINE_MAX_MS)
        return PF_EINVAL;
    memset(out, 0, sizeof *out);
    out->deadline_ms = deadline_ms;
    /*  The coordinator inherits our environment: its module timeout is
        what PF_MODULE_TIMEOUT_MS says here (it refuses a bad value).      */
    pf_config_t cfg;
    pf_config_defaults(&cfg);
    const char *bad = NULL;
    if (pf_config_from_env(&cfg, &bad) != PF_OK) {
        fprintf(stderr, "pf bench: invalid %s in the environment\n", bad ? bad : "setting");
        return PF_EINVAL;
    }
    out->module_timeout_ms = cfg.module_timeout_ms;
    s_run_t run;
    memset(&run, 0, sizeof run);
    run.out = out;
    int rc = pf_bench_cluster_start_coordinator(cl, 0);
    if (rc == PF_OK)
        rc = s_start_providers(cl, scale, deadline_ms, out);
    if (rc == PF_OK)
        rc = pf_bench_cluster_start_modules(cl, PF_BENCH_REAL_MODULES);
    if (rc == PF_OK)
        rc = s_subscribe(cl, &run);
    if (rc == PF_OK)
        rc = pf_bench_fakeapi_control(cl, "POST", "/_control/stats/reset", NULL, NULL);
    double sent_ms = pf_bench_now_ms();
    run.counting = true;
    if (rc == PF_OK)
        rc = s_submit(cl, &run, domains, concurrency);
    if (rc == PF_OK)
        rc = s_wait_batch(cl, &run, sent_ms);
    run.counting = false;
    if (rc == PF_OK)
        rc = s_read_stats(cl, out);
    if (rc == PF_OK)
        rc = s_results(cl, &run);
    s_run_free(&run);
    return rc;
}
