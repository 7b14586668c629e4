/*  pf_bench_scenario.c — one measured run of each `pf bench` scenario
    (see pf_bench.h).  Each run measures its baseline against the same
    coordinator right before the measurement itself, so both see the same
    machine state.                                                          */
#include "pf_bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_samples.h"

/*  Replies described on stderr per pipelined phase before going quiet.     */
#define S_ERRORS_SHOWN 3

/*  Percentiles every latency-like scenario reports.                         */
#define S_P50 50.0
#define S_P99 99.0

/*  Job records allocated at first; the table doubles from there.           */
#define S_JOBS_INITIAL 256

/*  Suffix that makes every benchmark domain a public-looking DNS name.     */
#define S_DOMAIN_SUFFIX ".bench.example.com"

/* ---------------------------------------------------------------- replies */

/*  Prints what a wrong reply said, for the first few of a phase.           */
static void
s_show_error(const char *phase, const char *command, const pf_value_t *reply, uint32_t nth)
{
    if (nth > S_ERRORS_SHOWN)
        return;
    const char *code = pf_map_get_str(reply, "code");
    const char *message = pf_map_get_str(reply, "message");
    const char *status = pf_map_get_str(reply, "status");
    fprintf(stderr, "pf bench: %s: unexpected reply %s%s%s%s%s%s%s\n", phase, command,
            code ? " code=" : "", code ? code : "", status ? " status=" : "",
            status ? status : "", message ? ": " : "", message ? message : "");
    if (nth == S_ERRORS_SHOWN)
        fprintf(stderr, "pf bench: %s: further unexpected replies not shown\n", phase);
}

/*  True if reply is what the request should get: PONG for PING, ACCEPTED
    for an async ENRICH, a completed RESULT for a sync one.                 */
static bool
s_reply_ok(const char *request, bool async, const char *command, const pf_value_t *reply)
{
    if (strcmp(request, "PING") == 0)
        return strcmp(command, "PONG") == 0;
    if (async)
        return strcmp(command, "ACCEPTED") == 0;
    const char *status = pf_map_get_str(reply, "status");
    return strcmp(command, "RESULT") == 0 && status && strcmp(status, "completed") == 0;
}

static pf_value_t *
s_request_body(const char *request, bool async, const char *req_id)
{
    if (strcmp(request, "PING") == 0) {
        pf_value_t *body = pf_value_map();
        pf_map_set_str(body, "req_id", req_id);
        return body;
    }
    char domain[PFP_REQ_ID_MAX + sizeof S_DOMAIN_SUFFIX];
    snprintf(domain, sizeof domain, "%s%s", req_id, S_DOMAIN_SUFFIX);
    return pf_bench_enrich_body(req_id, domain, async);
}

/* --------------------------------------------------------------- pipeline */

/*  Index of a reply's request, or -1 if the reply belongs to someone else. */
static long
s_reply_index(const pf_value_t *reply, const char *prefix, uint32_t count)
{
    const char *req_id = pf_map_get_str(reply, "req_id");
    size_t len = strlen(prefix);
    if (!req_id || strncmp(req_id, prefix, len) != 0 || !req_id[len])
        return -1;
    char *end = NULL;
    unsigned long index = strtoul(req_id + len, &end, 10);
    if (*end || index >= count)
        return -1;
    return (long)index;
}

/*  Sends count requests keeping window of them in flight, and waits for
    every reply.  *elapsed_ms is first send to last reply; *errors counts
    replies other than the expected one.                                    */
static int
s_pipeline(pf_bench_cluster_t *cl, const char *request, bool async, const char *tag,
           uint32_t count, uint32_t window, double *elapsed_ms, uint32_t *errors)
{
    char prefix[32];
    pf_bench_cluster_req_prefix(cl, tag, prefix, sizeof prefix);
    char phase[64];
    snprintf(phase, sizeof phase, "%s %s", request, async ? "async" : "pipelined");
    /* 0 unsent, 1 in flight, 2 answered: a duplicate reply is ignored.     */
    unsigned char *state = pf_calloc(count ? count : 1, 1);
    uint32_t sent = 0;
    uint32_t done = 0;
    uint32_t bad = 0;
    int rc = PF_OK;
    double start = pf_bench_now_ms();
    double last = start;
    while (done < count && rc == PF_OK) {
        while (sent < count && sent - done < window) {
            char req_id[PFP_REQ_ID_MAX];
            snprintf(req_id, sizeof req_id, "%s%u", prefix, sent);
            pf_value_t *body = s_request_body(request, async, req_id);
            rc = pf_bench_cluster_send(cl, request, body);
            pf_value_destroy(&body);
            if (rc != PF_OK)
                break;
            state[sent++] = 1;
        }
        if (rc != PF_OK)
            break;
        bool client_in = false;
        bool tap_in = false;
        rc = pf_bench_cluster_wait(cl, PF_BENCH_IDLE_MS, &client_in, &tap_in);
        if (rc == PF_ETIMEDOUT)
            fprintf(stderr, "pf bench: %s: no reply for %d ms (%u of %u answered)\n", phase,
                    PF_BENCH_IDLE_MS, done, count);
        if (rc != PF_OK)
            break;
        /* Events of subscriptions we keep (actor.*) are not measured here. */
        while (tap_in) {
            char topic[PF_BENCH_TOPIC_MAX + 1];
            pf_value_t *event = NULL;
            int trc = pf_bench_cluster_tap_recv(cl, topic, &event);
            if (trc == PF_OK)
                pf_value_destroy(&event);
            else if (trc != PF_EPROTO)
                break;
        }
        while (client_in) {
            char command[16];
            pf_value_t *reply = NULL;
            double at = 0;
            int rrc = pf_bench_cluster_recv(cl, command, &reply, &at);
            if (rrc == PF_EPROTO) {
                fprintf(stderr, "pf bench: %s: malformed reply\n", phase);
                rc = PF_EPROTO;
                break;
            }
            if (rrc == PF_ENOTFOUND)
                break;
            if (rrc != PF_OK) {
                rc = rrc;
                break;
            }
            long index = s_reply_index(reply, prefix, count);
            if (index >= 0 && state[index] == 1) {
                state[index] = 2;
                done++;
                last = at;
                if (!s_reply_ok(request, async, command, reply))
                    s_show_error(phase, command, reply, ++bad);
            }
            pf_value_destroy(&reply);
        }
    }
    free(state);
    if (rc != PF_OK)
        return rc;
    *elapsed_ms = last - start;
    *errors = bad;
    return PF_OK;
}

/* ------------------------------------------------------------- throughput */

int
pf_bench_throughput(pf_bench_cluster_t *cl, uint32_t jobs, uint32_t window,
                    pf_bench_throughput_t *out)
{
    double ping_ms = 0;
    double enrich_ms = 0;
    uint32_t ping_errors = 0;
    uint32_t enrich_errors = 0;
    int rc = s_pipeline(cl, "PING", false, "tp", jobs, window, &ping_ms, &ping_errors);
    if (rc != PF_OK)
        return rc;
    rc = s_pipeline(cl, "ENRICH", false, "te", jobs, window, &enrich_ms, &enrich_errors);
    if (rc != PF_OK)
        return rc;
    if (ping_ms <= 0 || enrich_ms <= 0)
        return PF_EPROTO;
    out->pings_per_s = jobs / (ping_ms / 1e3);
    out->jobs_per_s = jobs / (enrich_ms / 1e3);
    out->errors = ping_errors + enrich_errors;
    return PF_OK;
}

/* ---------------------------------------------------------------- latency */

/*  Tap timestamps of one job, by module index.                              */
typedef struct {
    char job_id[PFP_ID_MAX + 1];        /* the job                           */
    double started[PF_MODULE_COUNT];    /* module.started ts (last attempt)  */
    double completed[PF_MODULE_COUNT];  /* module.completed ts               */
    bool ended;                         /* job.completed seen                */
    bool measured;                      /* one of this run's sample jobs     */
} s_job_t;

typedef struct {
    s_job_t *jobs;          /* records, in order of first event              */
    size_t count;           /* records used                                  */
    size_t capacity;        /* records allocated                             */
    size_t measured;        /* records flagged measured                      */
    size_t measured_ended;  /* of those, records whose job.completed arrived */
} s_jobs_t;

/*  Jobs run one at a time, so the one an event belongs to is almost always
    the newest: search from the end.                                        */
static s_job_t *
s_jobs_find(s_jobs_t *jobs, const char *job_id, bool create)
{
    for (size_t i = jobs->count; i-- > 0;) {
        if (strcmp(jobs->jobs[i].job_id, job_id) == 0)
            return &jobs->jobs[i];
    }
    if (!create || strlen(job_id) > PFP_ID_MAX)
        return NULL;
    if (jobs->count == jobs->capacity) {
        jobs->capacity = jobs->capacity ? jobs->capacity * 2 : S_JOBS_INITIAL;
        jobs->jobs = pf_realloc(jobs->jobs, jobs->capacity * sizeof *jobs->jobs);
    }
    s_job_t *job = &jobs->jobs[jobs->count++];
    memset(job, 0, sizeof *job);
    snprintf(job->job_id, sizeof job->job_id, "%s", job_id);
    for (int i = 0; i < PF_MODULE_COUNT; i++) {
        job->started[i] = NAN;
        job->completed[i] = NAN;
    }
    return job;
}

static bool
s_jobs_all_ended(const s_jobs_t *jobs)
{
    return jobs->measured_ended == jobs->measured;
}

static bool
s_record_fn(void *arg, const char *topic, const pf_value_t *body)
{
    s_jobs_t *jobs = arg;
    const char *job_id = pf_map_get_str(body, "job_id");
    if (!job_id)
        return s_jobs_all_ended(jobs);
    s_job_t *job = s_jobs_find(jobs, job_id, true);
    if (!job)
        return s_jobs_all_ended(jobs);
    if (strcmp(topic, "job.completed") == 0) {
        if (!job->ended && job->measured)
            jobs->measured_ended++;
        job->ended = true;
        return s_jobs_all_ended(jobs);
    }
    const char *module = pf_map_get_str(body, "module");
    int index = module ? pf_graph_find(module) : -1;
    double ts = pf_map_get_float(body, "ts", NAN);
    if (index < 0 || isnan(ts))
        return s_jobs_all_ended(jobs);
    if (strcmp(topic, "module.started") == 0)
        job->started[index] = ts;
    else if (strcmp(topic, "module.completed") == 0)
        job->completed[index] = ts;
    return s_jobs_all_ended(jobs);
}

static void
s_jobs_measure(s_jobs_t *jobs, const char *job_id)
{
    s_job_t *job = s_jobs_find(jobs, job_id, true);
    if (!job || job->measured)
        return;
    job->measured = true;
    jobs->measured++;
    if (job->ended)
        jobs->measured_ended++;
}

static const char *const s_latency_topics[] = { "module.started", "module.completed",
                                                "job.completed" };

typedef struct {
    char job_id[PFP_ID_MAX + 1];   /* the confirmation job, "" until known  */
    char **seen;                   /* job ids of job.completed events       */
    size_t seen_count;             /* entries in seen                       */
} s_confirm_t;

static bool
s_confirm_fn(void *arg, const char *topic, const pf_value_t *body)
{
    s_confirm_t *confirm = arg;
    const char *job_id = pf_map_get_str(body, "job_id");
    if (strcmp(topic, "job.completed") != 0 || !job_id)
        return false;
    if (confirm->job_id[0])
        return strcmp(job_id, confirm->job_id) == 0;
    confirm->seen = pf_realloc(confirm->seen, (confirm->seen_count + 1) * sizeof *confirm->seen);
    confirm->seen[confirm->seen_count++] = pf_strdup(job_id);
    return false;
}

/*  A subscription takes effect at the coordinator some time after we make
    it, and PUB drops what no subscriber asked for yet: so run jobs until
    one's job.completed comes through, which proves the tap is live.        */
int
pf_bench_latency_begin(pf_bench_cluster_t *cl)
{
    for (size_t i = 0; i < sizeof s_latency_topics / sizeof *s_latency_topics; i++) {
        if (pf_bench_cluster_subscribe(cl, s_latency_topics[i], true) != PF_OK)
            return PF_EIO;
    }
    for (int attempt = 0; attempt < PF_BENCH_TAP_CONFIRM_TRIES; attempt++) {
        char prefix[32];
        char req_id[PFP_REQ_ID_MAX];
        pf_bench_cluster_req_prefix(cl, "lc", prefix, sizeof prefix);
        snprintf(req_id, sizeof req_id, "%s0", prefix);
        pf_value_t *body = s_request_body("ENRICH", false, req_id);
        s_confirm_t confirm;
        memset(&confirm, 0, sizeof confirm);
        char command[16];
        pf_value_t *reply = NULL;
        int rc = pf_bench_cluster_call(cl, "ENRICH", body, PF_BENCH_IDLE_MS, s_confirm_fn,
                                       &confirm, command, &reply, NULL);
        pf_value_destroy(&body);
        bool live = false;
        if (rc == PF_OK) {
            const char *job_id = pf_map_get_str(reply, "job_id");
            if (job_id && strlen(job_id) <= PFP_ID_MAX) {
                snprintf(confirm.job_id, sizeof confirm.job_id, "%s", job_id);
                for (size_t i = 0; i < confirm.seen_count && !live; i++)
                    live = strcmp(confirm.seen[i], job_id) == 0;
                if (!live)
                    live = pf_bench_cluster_pump_tap(cl, PF_BENCH_TAP_CONFIRM_MS, s_confirm_fn,
                                                     &confirm) == PF_OK;
            } else {
                s_show_error("tap check", command, reply, 1);
            }
            pf_value_destroy(&reply);
        }
        for (size_t i = 0; i < confirm.seen_count; i++)
            free(confirm.seen[i]);
        free(confirm.seen);
        if (rc != PF_OK && rc != PF_ETIMEDOUT)
            return rc;
        if (live)
            return PF_OK;
    }
    fprintf(stderr, "pf bench: the tap delivered no job.completed for %d jobs\n",
            PF_BENCH_TAP_CONFIRM_TRIES);
    return PF_ETIMEDOUT;
}

int
pf_bench_latency_end(pf_bench_cluster_t *cl)
{
    int rc = PF_OK;
    for (size_t i = 0; i < sizeof s_latency_topics / sizeof *s_latency_topics; i++) {
        if (pf_bench_cluster_subscribe(cl, s_latency_topics[i], false) != PF_OK)
            rc = PF_EIO;
    }
    return rc;
}

/*  S sequential requests; their round trips go to rtts.                    */
static int
s_sequential(pf_bench_cluster_t *cl, const char *request, const char *tag, uint32_t samples,
             pf_samples_t *rtts, s_jobs_t *jobs, uint32_t *errors)
{
    char prefix[32];
    pf_bench_cluster_req_prefix(cl, tag, prefix, sizeof prefix);
    char phase[64];
    snprintf(phase, sizeof phase, "%s sequential", request);
    for (uint32_t i = 0; i < samples; i++) {
        char req_id[PFP_REQ_ID_MAX];
        snprintf(req_id, sizeof req_id, "%s%u", prefix, i);
        pf_value_t *body = s_request_body(request, false, req_id);
        char command[16];
        pf_value_t *reply = NULL;
        double rtt = 0;
        int rc = pf_bench_cluster_call(cl, request, body, PF_BENCH_IDLE_MS, jobs ? s_record_fn : NULL,
                                       jobs, command, &reply, &rtt);
        pf_value_destroy(&body);
        if (rc == PF_ETIMEDOUT)
            fprintf(stderr, "pf bench: %s: no reply for %d ms\n", phase, PF_BENCH_IDLE_MS);
        if (rc != PF_OK)
            return rc;
        if (s_reply_ok(request, false, command, reply)) {
            pf_samples_add(rtts, rtt);
            const char *job_id = pf_map_get_str(reply, "job_id");
            if (jobs && job_id)
                s_jobs_measure(jobs, job_id);
        } else {
            s_show_error(phase, command, reply, ++*errors);
        }
        pf_value_destroy(&reply);
    }
    return PF_OK;
}

/*  For every measured job and every module with inputs: module.started −
    the latest module.completed among its inputs, in microseconds.  And for
    every module: module.completed − module.started, the time a task spends
    outside the coordinator (to the actor, run, back).                       */
static void
s_hops(const s_jobs_t *jobs, pf_samples_t *hops, pf_samples_t *tasks, uint32_t *incomplete)
{
    for (size_t j = 0; j < jobs->count; j++) {
        const s_job_t *job = &jobs->jobs[j];
        if (!job->measured)
            continue;
        bool complete = true;
        for (int m = 0; m < PF_MODULE_COUNT; m++) {
            if (!isnan(job->started[m]) && !isnan(job->completed[m]))
                pf_samples_add(tasks, (job->completed[m] - job->started[m]) * 1e3);
            pf_modset_t inputs = pf_graph_module(m)->inputs;
            if (!inputs)
                continue;
            double ready = -INFINITY;
            bool known = !isnan(job->started[m]);
            for (int k = 0; k < PF_MODULE_COUNT && known; k++) {
                if (!(inputs & ((pf_modset_t)1 << k)))
                    continue;
                if (isnan(job->completed[k]))
                    known = false;
                else if (job->completed[k] > ready)
                    ready = job->completed[k];
            }
            if (known)
                pf_samples_add(hops, (job->started[m] - ready) * 1e3);
            else
                complete = false;
        }
        if (!complete)
            ++*incomplete;
    }
}

int
pf_bench_latency(pf_bench_cluster_t *cl, uint32_t samples, pf_bench_latency_t *out)
{
    pf_samples_t *pings = pf_samples_new();
    pf_samples_t *enriches = pf_samples_new();
    pf_samples_t *hops = pf_samples_new();
    pf_samples_t *tasks = pf_samples_new();
    s_jobs_t jobs;
    memset(&jobs, 0, sizeof jobs);
    uint32_t errors = 0;
    int rc = s_sequential(cl, "PING", "lp", samples, pings, NULL, &errors);
    if (rc == PF_OK)
        rc = s_sequential(cl, "ENRICH", "le", samples, enriches, &jobs, &errors);
    if (rc == PF_OK && !s_jobs_all_ended(&jobs)) {
        /* The tap is a different connection than the replies: the last
           events may still be on their way.                                */
        rc = pf_bench_cluster_pump_tap(cl, PF_BENCH_TAP_SETTLE_MS, s_record_fn, &jobs);
        if (rc == PF_ETIMEDOUT)
            rc = PF_OK;   /* counted below as incomplete jobs */
    }
    uint32_t incomplete = 0;
    if (rc == PF_OK)
        s_hops(&jobs, hops, tasks, &incomplete);
    if (rc == PF_OK
        && (pf_samples_percentile(pings, S_P50, &out->ping_p50_ms) != PF_OK
            || pf_samples_percentile(pings, S_P99, &out->ping_p99_ms) != PF_OK
            || pf_samples_percentile(enriches, S_P50, &out->enrich_p50_ms) != PF_OK
            || pf_samples_percentile(enriches, S_P99, &out->enrich_p99_ms) != PF_OK)) {
        fprintf(stderr, "pf bench: latency: no successful request to measure\n");
        rc = PF_EPROTO;
    }
    if (rc == PF_OK) {
        out->hops = (uint32_t)pf_samples_count(hops);
        out->hop_jobs_incomplete = incomplete;
        out->errors = errors;
        if (pf_samples_percentile(hops, S_P50, &out->hop_p50_us) != PF_OK
            || pf_samples_percentile(hops, S_P99, &out->hop_p99_us) != PF_OK) {
            out->hop_p50_us = NAN;
            out->hop_p99_us = NAN;
        }
        if (pf_samples_percentile(tasks, S_P50, &out->task_p50_us) != PF_OK
            || pf_samples_percentile(tasks, S_P99, &out->task_p99_us) != PF_OK) {
            out->task_p50_us = NAN;
            out->task_p99_us = NAN;
        }
    }
    free(jobs.jobs);
    pf_samples_destroy(&pings);
    pf_samples_destroy(&enriches);
    pf_samples_destroy(&hops);
    pf_samples_destroy(&tasks);
    return rc;
}

/* --------------------------------------------------------------- makespan */

int
pf_bench_makespan(pf_bench_cluster_t *cl, double scale, pf_bench_makespan_t *out)
{
    double durations[PF_MODULE_COUNT];
    const double *estimates = pf_graph_estimates();
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        durations[i] = estimates[i] * scale;
    int timeout_ms = PF_BENCH_IDLE_MS
                     + (int)(3e3 * pf_graph_critical_path(PF_MODULE_ALL, durations));
    char prefix[32];
    char req_id[PFP_REQ_ID_MAX];
    pf_bench_cluster_req_prefix(cl, "mk", prefix, sizeof prefix);
    snprintf(req_id, sizeof req_id, "%s0", prefix);
    pf_value_t *body = s_request_body("ENRICH", false, req_id);
    char command[16];
    pf_value_t *reply = NULL;
    double rtt = 0;
    int rc = pf_bench_cluster_call(cl, "ENRICH", body, timeout_ms, NULL, NULL, command, &reply,
                                   &rtt);
    pf_value_destroy(&body);
    if (rc == PF_ETIMEDOUT)
        fprintf(stderr, "pf bench: makespan: the job did not end within %d ms\n", timeout_ms);
    if (rc != PF_OK)
        return rc;
    double duration = pf_map_get_float(reply, "duration_ms", NAN);
    if (!s_reply_ok("ENRICH", false, command, reply) || isnan(duration)) {
        s_show_error("makespan", command, reply, 1);
        rc = PF_EPROTO;
    } else {
        out->result_ms = duration;
        out->wall_ms = rtt;
    }
    pf_value_destroy(&reply);
    return rc;
}

/* -------------------------------------------------------------------- rss */

int
pf_bench_rss(pf_bench_cluster_t *cl, uint32_t jobs, uint32_t window, pf_bench_rss_t *out)
{
    pid_t pid = pf_bench_cluster_coordinator_pid(cl);
    double base = 0;
    double hwm = 0;
    double rss = 0;
    if (pid <= 0 || pf_bench_proc_status_kib(pid, "VmRSS:", &base) != PF_OK) {
        fprintf(stderr, "pf bench: rss: cannot read /proc/%d/status\n", (int)pid);
        return PF_EIO;
    }
    double elapsed_ms = 0;
    uint32_t errors = 0;
    int rc = s_pipeline(cl, "ENRICH", true, "ra", jobs, window, &elapsed_ms, &errors);
    if (rc != PF_OK)
        return rc;
    /*  VmRSS first: the coordinator may still be growing (its last replies,
        the store), and the peak read after it can only be as high or more. */
    if (pf_bench_proc_status_kib(pid, "VmRSS:", &rss) != PF_OK
        || pf_bench_proc_status_kib(pid, "VmHWM:", &hwm) != PF_OK) {
        fprintf(stderr, "pf bench: rss: cannot read /proc/%d/status\n", (int)pid);
        return PF_EIO;
    }
    out->base_rss_kib = base;
    out->hwm_kib = hwm;
    out->rss_kib = rss;
    out->accepted = jobs - errors;
    out->errors = errors;
    out->accept_per_s = elapsed_ms > 0 ? out->accepted / (elapsed_ms / 1e3) : 0;
    return PF_OK;
}
