/*  pf_bench_adapter.c — the adapter scenario of `pf bench` (see pf_bench.h):
    a caller actor in the benchmark process, and pf-fakeapi's control
    endpoint.

    The caller is a real pf_actor_t (service PF_BENCH_CALLER_SERVICE) that
    makes PFA/1 CALLs through the coordinator to an adapter, exactly as a
    module would.  The actor runtime is single-threaded, so the actor lives
    on a thread of its own: the benchmark's main thread hands it a job (a
    list of phases) through a pipe the actor watches and waits on a
    condition variable for the job to end, checking meanwhile for Ctrl-C
    and for children that died.  Every measurement happens inside the
    actor's callbacks: a start callback sends the first calls, each reply's
    completion sends the next, timers pace the rate phase.

    The emulator's control endpoint is plain HTTP on loopback; the main
    thread speaks to it with libcurl's blocking easy interface (fine here:
    the benchmark is not an actor and waits for the answer anyway).        */
#include "pf_bench.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "pf_actor.h"
#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_samples.h"

/*  An operation no provider has: the adapter answers it at once with
    unknown_op, before its cache, limiter or HTTP — the baseline.          */
#define S_UNKNOWN_OP "bench_no_such_op"
/*  The operation measured, and the query every cached call repeats.       */
#define S_OP "web"
#define S_CACHED_QUERY "partnerforge bench cached"

/*  Deadline of one measured call (the coordinator caps it at the module
    timeout).  A call that times out fails the run.                         */
#define S_CALL_TIMEOUT_MS PF_BENCH_IDLE_MS
/*  While waiting for the adapter: how often registration is checked, how
    long one probe call may take, and the pause before the next probe.     */
#define S_READY_POLL_MS 2
#define S_READY_CALL_MS 1000
#define S_READY_RETRY_MS 20

/*  Percentiles reported.                                                    */
#define S_P50 50.0
#define S_P99 99.0

/*  Replies described on stderr per phase before going quiet.               */
#define S_ERRORS_SHOWN 3

/*  The emulator's control answers: the most bytes read, and how long a
    request may take.                                                       */
#define S_CONTROL_MAX_BYTES (1 << 20)
#define S_CONTROL_TIMEOUT_MS 10000

/*  Bytes of a distinct query ("<prefix><index>").                          */
#define S_QUERY_MAX 64

/* ------------------------------------------------------------------ phases */

typedef enum {
    S_MODE_READY,       /* probe until the adapter answers unknown_op      */
    S_MODE_PIPELINE,    /* count calls, window in flight                    */
    S_MODE_SEQUENTIAL,  /* count calls one at a time, round trips recorded  */
    S_MODE_PACED,       /* count calls sent every interval_ms               */
} s_mode_t;

typedef enum {
    S_EXPECT_UNKNOWN_OP,  /* error unknown_op                               */
    S_EXPECT_CACHE,       /* ok, provenance.source "cache"                  */
    S_EXPECT_FETCH,       /* ok, any other source (an HTTP request was made) */
    S_EXPECT_OK,          /* ok, any source                                 */
} s_expect_t;

typedef struct {
    const char *name;          /* for messages                              */
    s_mode_t mode;             /* how calls are sent                        */
    s_expect_t expect;         /* what every reply must be                  */
    const char *op;            /* the operation called                      */
    const char *query;         /* the one query, or NULL: distinct queries  */
    char prefix[32];           /* distinct queries are "<prefix><index>"    */
    uint32_t count;            /* calls                                     */
    uint32_t window;           /* in flight (pipeline)                      */
    double interval_ms;        /* between two sends (paced)                 */
    /* Results.                                                             */
    double elapsed_ms;         /* first send to last reply                  */
    pf_samples_t *rtts;        /* round trips (sequential; owned)           */
    uint32_t errors;           /* replies that were not the expected one    */
} s_phase_t;

struct pf_bench_caller_t;

/*  One call in flight: its phase's slot.                                   */
typedef struct {
    struct pf_bench_caller_t *caller; /* back pointer for the callback      */
    double sent_ms;                   /* when it was sent                   */
} s_slot_t;

struct pf_bench_caller_t {
    pf_bench_cluster_t *cl;    /* the processes (main thread only)          */
    pf_actor_t *actor;         /* the caller actor (its thread only, but
                                  pf_actor_stop, and new/destroy around the
                                  thread's life)                            */
    pthread_t thread;          /* runs pf_actor_run                         */
    bool thread_started;       /* thread needs joining                      */
    int wake[2];               /* pipe: main -> actor, "a job is there"     */
    pthread_mutex_t lock;      /* guards job, job_done, thread_done         */
    pthread_cond_t cond;       /* signalled on job_done / thread_done       */
    bool broken;               /* the actor was stopped; no more jobs       */
    bool curl_ready;           /* curl_global_init succeeded                */
    /* The job (set by main under lock, run by the actor thread).           */
    s_phase_t *phases;         /* the phases, run in order                  */
    size_t phase_count;        /* their number                              */
    bool job_pending;          /* handed over, not yet taken                */
    bool job_done;             /* every phase ended, or the job failed      */
    int job_rc;                /* 0, or why the job failed                  */
    bool thread_done;          /* pf_actor_run returned                     */
    /* Actor-thread state of the running phase.                             */
    bool failed;               /* a job failed: callbacks still queued in
                                  the loop (replies of the same batch, due
                                  timers) must do nothing                   */
    size_t current;            /* index of the running phase                */
    s_slot_t *slots;           /* one per call of the phase                 */
    uint32_t sent;             /* calls sent                                */
    uint32_t answered;         /* replies taken                             */
    double first_send_ms;      /* first call of the phase sent              */
    double last_reply_ms;      /* latest reply of the phase                 */
    double ready_deadline_ms;  /* S_MODE_READY gives up then                */
};

typedef struct pf_bench_caller_t s_caller_t;

static void s_phase_start(s_caller_t *self);

/*  Ends the job (actor thread).  A failure also stops the actor: calls may
    still be in flight, and their replies must find nobody.                 */
static void
s_job_end(s_caller_t *self, int rc)
{
    if (rc == PF_OK) {
        /* Every call was answered: no callback can still use a slot.      */
        free(self->slots);
        self->slots = NULL;
    } else {
        /* Calls may be in flight: their slots stay until destroy.          */
        self->failed = true;
    }
    pthread_mutex_lock(&self->lock);
    self->job_done = true;
    self->job_rc = rc;
    if (rc != PF_OK)
        self->broken = true;
    pthread_cond_broadcast(&self->cond);
    pthread_mutex_unlock(&self->lock);
    if (rc != PF_OK)
        pf_actor_stop(self->actor);
}

static void
s_show_error(const s_phase_t *phase, const pf_reply_t *reply, const char *why)
{
    if (phase->errors > S_ERRORS_SHOWN)
        return;
    fprintf(stderr, "pf bench: adapter %s: unexpected reply: %s%s%s%s%s\n", phase->name, why,
            reply->error_code ? " " : "", reply->error_code ? reply->error_code : "",
            reply->error_message && *reply->error_message ? ": " : "",
            reply->error_message ? reply->error_message : "");
    if (phase->errors == S_ERRORS_SHOWN)
        fprintf(stderr, "pf bench: adapter %s: further unexpected replies not shown\n",
                phase->name);
}

/*  True if reply is what the phase expects; why says what it was if not.  */
static bool
s_reply_ok(const s_phase_t *phase, const pf_reply_t *reply, const char **why)
{
    if (phase->expect == S_EXPECT_UNKNOWN_OP) {
        *why = "not unknown_op:";
        return reply->status != PF_OK && reply->error_code
               && strcmp(reply->error_code, "unknown_op") == 0;
    }
    *why = "error";
    if (reply->status != PF_OK)
        return false;
    const char *source = pf_map_get_str(pf_map_get(reply->value, "provenance"), "source");
    *why = "no provenance.source";
    if (!source || !pf_map_get(reply->value, "data"))
        return false;
    if (phase->expect == S_EXPECT_CACHE) {
        *why = "not from the cache";
        return strcmp(source, "cache") == 0;
    }
    if (phase->expect == S_EXPECT_FETCH) {
        *why = "from the cache, expected a fetch";
        return strcmp(source, "cache") != 0;
    }
    return true;
}

static void s_on_reply(pf_actor_t *actor, pf_reply_t *reply, void *arg);

/*  Sends call number index of the running phase.  0 or PF_E*.              */
static int
s_send(s_caller_t *self, uint32_t index, uint32_t timeout_ms)
{
    s_phase_t *phase = &self->phases[self->current];
    char query[S_QUERY_MAX];
    if (phase->query)
        snprintf(query, sizeof query, "%s", phase->query);
    else
        snprintf(query, sizeof query, "%s%u", phase->prefix, index);
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "query", query);
    s_slot_t *slot = &self->slots[index];
    slot->caller = self;
    slot->sent_ms = pf_bench_now_ms();
    if (self->sent == 0)
        self->first_send_ms = slot->sent_ms;
    int rc = pf_actor_call(self->actor, PF_BENCH_ADAPTER_PROVIDER, phase->op, &args, timeout_ms,
                           s_on_reply, slot);
    if (rc != PF_OK) {
        fprintf(stderr, "pf bench: adapter %s: cannot send a call: %s\n", phase->name,
                pf_strerror(rc));
        return rc;
    }
    self->sent++;
    return PF_OK;
}

/*  Sends what the phase's mode allows now.  0 or PF_E*.                    */
static int
s_fill(s_caller_t *self)
{
    const s_phase_t *phase = &self->phases[self->current];
    uint32_t window = phase->mode == S_MODE_PIPELINE ? phase->window : 1;
    while (self->sent < phase->count && self->sent - self->answered < window) {
        int rc = s_send(self, self->sent, S_CALL_TIMEOUT_MS);
        if (rc != PF_OK)
            return rc;
    }
    return PF_OK;
}

static void s_ready_probe(pf_actor_t *actor, uint64_t timer_id, void *arg);

/*  The next phase, or the end of the job.                                   */
static void
s_phase_next(s_caller_t *self)
{
    free(self->slots);
    self->slots = NULL;
    self->current++;
    if (self->current >= self->phase_count)
        s_job_end(self, PF_OK);
    else
        s_phase_start(self);
}

static void
s_pace(pf_actor_t *actor, uint64_t timer_id, void *arg)
{
    (void)actor;
    (void)timer_id;
    s_caller_t *self = arg;
    if (self->failed)
        return;
    const s_phase_t *phase = &self->phases[self->current];
    double now = pf_bench_now_ms();
    /* Call i is due interval × i after the phase's first send: a late
       timer catches up instead of stretching the schedule.                */
    while (self->sent < phase->count
           && (self->sent == 0
               || self->first_send_ms + self->sent * phase->interval_ms <= now)) {
        if (s_send(self, self->sent, S_CALL_TIMEOUT_MS) != PF_OK) {
            s_job_end(self, PF_EIO);
            return;
        }
    }
    if (self->sent < phase->count) {
        double due = self->first_send_ms + self->sent * phase->interval_ms;
        double wait = ceil(due - pf_bench_now_ms());
        pf_actor_timer_add(self->actor, wait > 0 ? (uint32_t)wait : 0, s_pace, self);
    }
}

static void
s_on_reply(pf_actor_t *actor, pf_reply_t *reply, void *arg)
{
    (void)actor;
    s_slot_t *slot = arg;
    s_caller_t *self = slot->caller;
    if (self->failed)
        return;
    double now = pf_bench_now_ms();
    s_phase_t *phase = &self->phases[self->current];
    if (phase->mode == S_MODE_READY) {
        const char *why = NULL;
        if (s_reply_ok(phase, reply, &why)) {
            s_phase_next(self);
            return;
        }
        /* Not registered yet (unknown_service, unavailable, timeout).      */
        if (now > self->ready_deadline_ms) {
            fprintf(stderr, "pf bench: the %s adapter did not answer within %d ms (last: %s)\n",
                    PF_BENCH_ADAPTER_PROVIDER, PF_BENCH_START_MS,
                    reply->error_code ? reply->error_code : "a reply that was not unknown_op");
            s_job_end(self, PF_ETIMEDOUT);
            return;
        }
        self->sent = 0;
        pf_actor_timer_add(self->actor, S_READY_RETRY_MS, s_ready_probe, self);
        return;
    }
    if (reply->status == PF_ETIMEDOUT || reply->status == PF_EUNAVAIL) {
        /* Lost: the adapter or the coordinator stopped answering.          */
        fprintf(stderr, "pf bench: adapter %s: a call got %s after %.0f ms (%u of %u answered)\n",
                phase->name, reply->status == PF_ETIMEDOUT ? "no reply" : "no connection",
                now - slot->sent_ms, self->answered, phase->count);
        s_job_end(self, reply->status);
        return;
    }
    self->answered++;
    self->last_reply_ms = now;
    const char *why = NULL;
    if (!s_reply_ok(phase, reply, &why)) {
        phase->errors++;
        s_show_error(phase, reply, why);
    } else if (phase->rtts) {
        pf_samples_add(phase->rtts, now - slot->sent_ms);
    }
    if (self->answered == phase->count) {
        phase->elapsed_ms = self->last_reply_ms - self->first_send_ms;
        s_phase_next(self);
        return;
    }
    if (phase->mode != S_MODE_PACED && s_fill(self) != PF_OK)
        s_job_end(self, PF_EIO);
}

/*  S_MODE_READY: once registered, one unknown-op call; s_on_reply repeats
    it until the adapter answers.                                           */
static void
s_ready_probe(pf_actor_t *actor, uint64_t timer_id, void *arg)
{
    (void)timer_id;
    s_caller_t *self = arg;
    if (self->failed)
        return;
    if (!pf_actor_connected(actor)) {
        if (pf_bench_now_ms() > self->ready_deadline_ms) {
            fprintf(stderr, "pf bench: the caller actor was not registered within %d ms\n",
                    PF_BENCH_START_MS);
            s_job_end(self, PF_ETIMEDOUT);
            return;
        }
        pf_actor_timer_add(actor, S_READY_POLL_MS, s_ready_probe, self);
        return;
    }
    self->sent = 0;
    if (s_send(self, 0, S_READY_CALL_MS) != PF_OK)
        s_job_end(self, PF_EIO);
}

static void
s_phase_start(s_caller_t *self)
{
    s_phase_t *phase = &self->phases[self->current];
    self->sent = 0;
    self->answered = 0;
    self->first_send_ms = 0;
    self->last_reply_ms = 0;
    self->slots = pf_calloc(phase->count ? phase->count : 1, sizeof *self->slots);
    if (phase->mode == S_MODE_READY) {
        self->ready_deadline_ms = pf_bench_now_ms() + PF_BENCH_START_MS;
        s_ready_probe(self->actor, 0, self);
        return;
    }
    if (phase->count == 0) {
        s_phase_next(self);
        return;
    }
    if (phase->mode == S_MODE_PACED) {
        s_pace(self->actor, 0, self);
        return;
    }
    if (s_fill(self) != PF_OK)
        s_job_end(self, PF_EIO);
}

/*  The pipe from the main thread: a job is waiting.                        */
static void
s_on_wake(pf_actor_t *actor, int fd, int revents, void *arg)
{
    (void)actor;
    (void)revents;
    s_caller_t *self = arg;
    char buf[16];
    while (read(fd, buf, sizeof buf) > 0) {
    }
    pthread_mutex_lock(&self->lock);
    bool start = self->job_pending;
    self->job_pending = false;
    pthread_mutex_unlock(&self->lock);
    if (start) {
        self->current = 0;
        s_phase_start(self);
    }
}

static void *
s_thread(void *arg)
{
    s_caller_t *self = arg;
    pf_actor_watch(self->actor, self->wake[0], ZMQ_POLLIN, s_on_wake, self);
    int rc = pf_actor_run(self->actor);
    if (rc != PF_OK)
        fprintf(stderr, "pf bench: the caller actor's loop failed: %s\n", pf_strerror(rc));
    pthread_mutex_lock(&self->lock);
    self->thread_done = true;
    self->broken = true;
    pthread_cond_broadcast(&self->cond);
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

/* ------------------------------------------------------------ the caller */

pf_bench_caller_t *
pf_bench_caller_new(pf_bench_cluster_t *cl)
{
    s_caller_t *self = pf_calloc(1, sizeof *self);
    self->cl = cl;
    self->wake[0] = self->wake[1] = -1;
    if (pipe2(self->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "pf bench: pipe: %s\n", strerror(errno));
        free(self);
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "pf bench: libcurl cannot start\n");
        close(self->wake[0]);
        close(self->wake[1]);
        free(self);
        return NULL;
    }
    self->curl_ready = true;
    pthread_mutex_init(&self->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&self->cond, &attr);
    pthread_condattr_destroy(&attr);
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.service = PF_BENCH_CALLER_SERVICE;
    opts.endpoint = pf_bench_cluster_actor_endpoint(cl);
    opts.handle_signals = false;   /* the benchmark's handlers stay */
    self->actor = pf_actor_new(&opts);
    if (!self->actor) {
        pf_bench_caller_destroy(&self);
        return NULL;
    }
    /* The actor thread takes no SIGINT/SIGTERM: they go to the main
       thread, whose waits they interrupt.                                   */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(&self->thread, NULL, s_thread, self);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        fprintf(stderr, "pf bench: pthread_create: %s\n", strerror(rc));
        pf_bench_caller_destroy(&self);
        return NULL;
    }
    self->thread_started = true;
    return self;
}

void
pf_bench_caller_destroy(pf_bench_caller_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_caller_t *self = *self_p;
    if (self->thread_started) {
        pf_actor_stop(self->actor);
        pthread_join(self->thread, NULL);
    }
    if (self->curl_ready)
        curl_global_cleanup();
    pf_actor_destroy(&self->actor);
    free(self->slots);
    close(self->wake[0]);
    close(self->wake[1]);
    pthread_cond_destroy(&self->cond);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

/*  Hands phases to the actor thread and waits until they ended, checking
    every slice for Ctrl-C and dead children (then the actor is stopped and
    the caller cannot be used again).  0 or PF_E*.                          */
static int
s_run_job(s_caller_t *self, s_phase_t *phases, size_t count)
{
    pthread_mutex_lock(&self->lock);
    if (self->broken) {
        pthread_mutex_unlock(&self->lock);
        return PF_ESTATE;
    }
    self->phases = phases;
    self->phase_count = count;
    self->job_pending = true;
    self->job_done = false;
    self->job_rc = PF_OK;
    pthread_mutex_unlock(&self->lock);
    char byte = 1;
    if (write(self->wake[1], &byte, 1) != 1) {
        fprintf(stderr, "pf bench: cannot wake the caller actor: %s\n", strerror(errno));
        return PF_EIO;
    }
    int rc = PF_OK;
    pthread_mutex_lock(&self->lock);
    while (!self->job_done && !self->thread_done) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += (long)PF_BENCH_POLL_SLICE_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&self->cond, &self->lock, &until);
        if (self->job_done || self->thread_done)
            break;
        pthread_mutex_unlock(&self->lock);
        int check = pf_bench_cluster_check(self->cl);
        pthread_mutex_lock(&self->lock);
        if (check != PF_OK) {
            rc = check;
            break;
        }
    }
    if (rc == PF_OK)
        rc = self->job_done ? self->job_rc : PF_EIO;
    if (rc != PF_OK)
        self->broken = true;
    pthread_mutex_unlock(&self->lock);
    if (rc != PF_OK) {
        /* Stop the actor and wait for its thread: nothing may touch the
           phases (the caller's stack) after we return.                     */
        pf_actor_stop(self->actor);
        pthread_join(self->thread, NULL);
        self->thread_started = false;
    }
    return rc;
}

static void
s_phase_init(s_phase_t *phase, const char *name, s_mode_t mode, s_expect_t expect,
             const char *op, const char *query, uint32_t count)
{
    memset(phase, 0, sizeof *phase);
    phase->name = name;
    phase->mode = mode;
    phase->expect = expect;
    phase->op = op;
    phase->query = query;
    phase->count = count;
    phase->window = 1;
    if (mode == S_MODE_SEQUENTIAL)
        phase->rtts = pf_samples_new();
}

static void
s_phases_free(s_phase_t *phases, size_t count)
{
    for (size_t i = 0; i < count; i++)
        pf_samples_destroy(&phases[i].rtts);
}

int
pf_bench_caller_ready(pf_bench_caller_t *self)
{
    s_phase_t phase;
    s_phase_init(&phase, "readiness", S_MODE_READY, S_EXPECT_UNKNOWN_OP, S_UNKNOWN_OP,
                 S_CACHED_QUERY, 1);
    int rc = s_run_job(self, &phase, 1);
    s_phases_free(&phase, 1);
    return rc;
}

/* --------------------------------------------------------- measurements */

static int
s_percentiles(pf_samples_t *rtts, double *p50, double *p99)
{
    if (pf_samples_percentile(rtts, S_P50, p50) != PF_OK
        || pf_samples_percentile(rtts, S_P99, p99) != PF_OK) {
        *p50 = NAN;
        *p99 = NAN;
        return PF_ENOTFOUND;
    }
    return PF_OK;
}

static double
s_per_s(uint32_t count, double elapsed_ms)
{
    return elapsed_ms > 0 ? count / (elapsed_ms / 1e3) : NAN;
}

enum {
    S_BASE_PIPE,
    S_BASE_SEQ,
    S_WARM,
    S_CACHED_PIPE,
    S_CACHED_SEQ,
    S_FETCH_PIPE,
    S_FETCH_SEQ,
    S_ADAPTER_PHASES
};

int
pf_bench_adapter(pf_bench_caller_t *self, uint32_t calls, uint32_t samples, uint32_t fetches,
                 uint32_t window, pf_bench_adapter_t *out)
{
    s_phase_t p[S_ADAPTER_PHASES];
    s_phase_init(&p[S_BASE_PIPE], "unknown-op pipelined", S_MODE_PIPELINE, S_EXPECT_UNKNOWN_OP,
                 S_UNKNOWN_OP, S_CACHED_QUERY, calls);
    s_phase_init(&p[S_BASE_SEQ], "unknown-op sequential", S_MODE_SEQUENTIAL,
                 S_EXPECT_UNKNOWN_OP, S_UNKNOWN_OP, S_CACHED_QUERY, samples);
    /* One call puts the answer in the cache (or finds it there from an
       earlier run) before the cached phases.                               */
    s_phase_init(&p[S_WARM], "cache warm-up", S_MODE_SEQUENTIAL, S_EXPECT_OK, S_OP,
                 S_CACHED_QUERY, 1);
    s_phase_init(&p[S_CACHED_PIPE], "cached pipelined", S_MODE_PIPELINE, S_EXPECT_CACHE, S_OP,
                 S_CACHED_QUERY, calls);
    s_phase_init(&p[S_CACHED_SEQ], "cached sequential", S_MODE_SEQUENTIAL, S_EXPECT_CACHE,
                 S_OP, S_CACHED_QUERY, samples);
    /* Distinct queries, new in every run: every call is a cache miss.      */
    s_phase_init(&p[S_FETCH_PIPE], "fetch pipelined", S_MODE_PIPELINE, S_EXPECT_FETCH, S_OP,
                 NULL, fetches);
    s_phase_init(&p[S_FETCH_SEQ], "fetch sequential", S_MODE_SEQUENTIAL, S_EXPECT_FETCH, S_OP,
                 NULL, samples);
    p[S_BASE_PIPE].window = window;
    p[S_CACHED_PIPE].window = window;
    p[S_FETCH_PIPE].window = window;
    pf_bench_cluster_req_prefix(self->cl, "af", p[S_FETCH_PIPE].prefix,
                                sizeof p[S_FETCH_PIPE].prefix);
    pf_bench_cluster_req_prefix(self->cl, "as", p[S_FETCH_SEQ].prefix,
                                sizeof p[S_FETCH_SEQ].prefix);
    int rc = s_run_job(self, p, S_ADAPTER_PHASES);
    if (rc == PF_OK) {
        out->base_per_s = s_per_s(calls, p[S_BASE_PIPE].elapsed_ms);
        out->cached_per_s = s_per_s(calls, p[S_CACHED_PIPE].elapsed_ms);
        out->fetch_per_s = s_per_s(fetches, p[S_FETCH_PIPE].elapsed_ms);
        s_percentiles(p[S_BASE_SEQ].rtts, &out->base_p50_ms, &out->base_p99_ms);
        s_percentiles(p[S_CACHED_SEQ].rtts, &out->cached_p50_ms, &out->cached_p99_ms);
        s_percentiles(p[S_FETCH_SEQ].rtts, &out->fetch_p50_ms, &out->fetch_p99_ms);
        out->errors = 0;
        for (size_t i = 0; i < S_ADAPTER_PHASES; i++)
            out->errors += p[i].errors;
    }
    s_phases_free(p, S_ADAPTER_PHASES);
    return rc;
}

/* -------------------------------------------------------------- control */

typedef struct {
    char *data;      /* the body so far (owned)                             */
    size_t size;     /* its bytes                                           */
    bool too_big;    /* over S_CONTROL_MAX_BYTES                            */
} s_body_t;

static size_t
s_body_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
    s_body_t *body = arg;
    size_t bytes = size * nmemb;
    if (body->size + bytes > S_CONTROL_MAX_BYTES) {
        body->too_big = true;
        return 0;   /* aborts the transfer */
    }
    body->data = pf_realloc(body->data, body->size + bytes + 1);
    memcpy(body->data + body->size, ptr, bytes);
    body->size += bytes;
    body->data[body->size] = '\0';
    return bytes;
}

/*  One request to the emulator's control endpoint; request (may be NULL) is
    sent as a JSON body.  On 0, *reply_p (may be NULL) is the JSON answer
    (caller owns).  Returns 0, PF_ESTATE (no emulator), PF_EIO, PF_EPROTO.  */
static int
s_control(pf_bench_cluster_t *cl, const char *method, const char *path, json_t *request,
          json_t **reply_p)
{
    int port = pf_bench_cluster_fakeapi_port(cl);
    if (port <= 0)
        return PF_ESTATE;
    char url[PF_BENCH_ENDPOINT_MAX];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    char *text = request ? json_dumps(request, JSON_COMPACT) : NULL;
    CURL *curl = curl_easy_init();
    if (!curl) {
        free(text);
        return PF_EIO;
    }
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    s_body_t body = { NULL, 0, false };
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)S_CONTROL_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, s_body_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    if (text)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
    else if (strcmp(method, "POST") == 0)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    free(text);
    int rc = PF_OK;
    if (code != CURLE_OK) {
        fprintf(stderr, "pf bench: pf-fakeapi %s %s: %s\n", method, path,
                body.too_big ? "answer too large" : curl_easy_strerror(code));
        rc = PF_EIO;
    } else if (status != 200) {
        fprintf(stderr, "pf bench: pf-fakeapi %s %s answered %ld: %s\n", method, path, status,
                body.data ? body.data : "");
        rc = PF_EPROTO;
    }
    json_t *reply = NULL;
    if (rc == PF_OK && reply_p) {
        json_error_t error;
        reply = body.data ? json_loadb(body.data, body.size, 0, &error) : NULL;
        if (!reply) {
            fprintf(stderr, "pf bench: pf-fakeapi %s %s: the answer is not JSON\n", method, path);
            rc = PF_EPROTO;
        }
    }
    free(body.data);
    if (rc == PF_OK && reply_p)
        *reply_p = reply;
    return rc;
}

int
pf_bench_fakeapi_control(pf_bench_cluster_t *cl, const char *method, const char *path,
                         void *request, void **reply_p)
{
    json_t *reply = NULL;
    int rc = s_control(cl, method, path, request, reply_p ? &reply : NULL);
    if (rc == PF_OK && reply_p)
        *reply_p = reply;
    return rc;
}

int
pf_bench_fakeapi_set_limit(pf_bench_cluster_t *cl, const char *provider, uint32_t limit,
                           uint32_t window_ms)
{
    json_t *request = json_pack("{s:s, s:I, s:I}", "provider", provider, "limit",
                                (json_int_t)limit, "window_ms", (json_int_t)window_ms);
    int rc = s_control(cl, "POST", "/_control/limits", request, NULL);
    json_decref(request);
    return rc;
}

/*  A non-negative integer field of the emulator's stats of provider.       */
static bool
s_stat_u32(json_t *stats, const char *provider, const char *field, uint32_t *out)
{
    json_t *value = json_object_get(
        json_object_get(json_object_get(stats, "providers"), provider), field);
    if (!json_is_integer(value) || json_integer_value(value) < 0
        || json_integer_value(value) > UINT32_MAX)
        return false;
    *out = (uint32_t)json_integer_value(value);
    return true;
}

int
pf_bench_rate(pf_bench_caller_t *self, uint32_t calls, double send_per_s, pf_bench_rate_t *out)
{
    if (calls == 0 || !(send_per_s > 0))
        return PF_EINVAL;
    int rc = s_control(self->cl, "POST", "/_control/stats/reset", NULL, NULL);
    if (rc != PF_OK)
        return rc;
    s_phase_t phase;
    s_phase_init(&phase, "rate", S_MODE_PACED, S_EXPECT_FETCH, S_OP, NULL, calls);
    phase.interval_ms = 1e3 / send_per_s;
    pf_bench_cluster_req_prefix(self->cl, "rt", phase.prefix, sizeof phase.prefix);
    rc = s_run_job(self, &phase, 1);
    json_t *stats = NULL;
    if (rc == PF_OK)
        rc = s_control(self->cl, "GET", "/_control/stats", NULL, &stats);
    if (rc == PF_OK) {
        const char *provider = PF_BENCH_ADAPTER_PROVIDER;
        if (!s_stat_u32(stats, provider, "requests", &out->requests)
            || !s_stat_u32(stats, provider, "rate_limited", &out->rate_limited)
            || !s_stat_u32(stats, provider, "max_in_window", &out->max_in_window)) {
            fprintf(stderr, "pf bench: pf-fakeapi's stats lack %s requests, rate_limited or "
                            "max_in_window\n",
                    provider);
            rc = PF_EPROTO;
        }
    }
    if (rc == PF_OK) {
        out->elapsed_ms = phase.elapsed_ms;
        out->errors = phase.errors;
    }
    json_decref(stats);
    s_phases_free(&phase, 1);
    return rc;
}
