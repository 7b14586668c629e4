/*  pf_bench.h — the internals of `pf bench` (tools/pf_cmd_bench.c).

    pf_bench_cluster_t (pf_bench_cluster.c) owns everything the benchmark
    measures: a working directory, one coordinator and up to fifteen module
    actors started by fork+exec of this very binary on loopback ports it
    picked free, and the two sockets the benchmark talks through — a DEALER
    on the client endpoint (PFP/1, pipelined, replies matched by req_id) and
    a SUB on the tap.  It never leaves a process behind: every stop is
    SIGTERM, a bounded wait, then SIGKILL; children also get SIGTERM from the
    kernel if the benchmark itself dies (PR_SET_PDEATHSIG).

    The scenario functions (pf_bench_scenario.c) each perform one measured
    run against a running cluster and fill a result struct.  They report
    failures on stderr and return a negative PF_E* code.

    Everything here is used by one command only, from its main thread; the
    one exception is the adapter scenario's caller actor, which runs on a
    thread of its own (pf_bench_adapter.c).                                 */
#ifndef PF_BENCH_H
#define PF_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pf_graph.h"
#include "pf_pfa.h"
#include "pf_pfp.h"
#include "pf_value.h"

/*  Deadlines (milliseconds).  Generous: an ASan build on two cores is slow,
    and a deadline only matters when something is broken.                   */
#define PF_BENCH_START_MS 20000     /* coordinator answers PING              */
#define PF_BENCH_JOIN_MS 20000      /* all fifteen actor.joined seen         */
#define PF_BENCH_PROBE_MS 60000     /* one warm-up job ends (plus 3 x its critical path) */
#define PF_BENCH_IDLE_MS 60000      /* longest wait for any expected reply   */
#define PF_BENCH_STOP_MS 10000      /* SIGTERM grace before SIGKILL          */
#define PF_BENCH_TAP_SETTLE_MS 5000 /* late tap events of a finished run     */
#define PF_BENCH_TAP_CONFIRM_MS 2000 /* one try at proving the tap delivers  */
#define PF_BENCH_TAP_CONFIRM_TRIES 5
#define PF_BENCH_POLL_SLICE_MS 100  /* wake-up to check signals and children */
#define PF_BENCH_RECONNECT_MS 10    /* our sockets retry a connect this fast */
#define PF_BENCH_TAP_HWM 1000000    /* events buffered by our SUB            */

/*  Loopback ports are picked from [LO, HI), below Linux's default ephemeral
    range so that outgoing connections cannot be holding them.              */
#define PF_BENCH_PORT_LO 15000
#define PF_BENCH_PORT_HI 32000
#define PF_BENCH_PORT_TRIES 64

#define PF_BENCH_ENDPOINT_MAX 128   /* bytes in one endpoint string          */
#define PF_BENCH_ADAPTERS_MAX 5     /* adapter actors at once: one per provider */
/*  pf_bench_cluster_start_modules' scale for the real modules (no --simulate). */
#define PF_BENCH_REAL_MODULES (-1.0)
#define PF_BENCH_TOPIC_MAX 64       /* bytes in one tap topic                */

/* ---------------------------------------------------------------- signals */

/*  Installs SIGINT/SIGTERM handlers (without SA_RESTART, so blocking polls
    return) that only set a flag; pf_bench_signals_restore() puts the old
    handlers back.                                                           */
void pf_bench_signals_install(void);
void pf_bench_signals_restore(void);
bool pf_bench_interrupted(void);

/*  Monotonic clock in milliseconds (fractional).                           */
double pf_bench_now_ms(void);

/* ---------------------------------------------------------------- cluster */

typedef struct pf_bench_cluster_t pf_bench_cluster_t;

/*  Called with every tap event while the cluster waits; returns true when
    the condition the caller waits for is met (pf_bench_cluster_pump_tap).  */
typedef bool (*pf_bench_tap_fn)(void *arg, const char *topic, const pf_value_t *body);

/*  Creates a working directory pf-bench-XXXXXX under parent_dir (NULL:
    $TMPDIR or /tmp) and a ZeroMQ context.  Each non-NULL endpoint is used
    for every coordinator start; the others are picked free on 127.0.0.1.
    Returns NULL (with a message on stderr) on failure.                      */
pf_bench_cluster_t *pf_bench_cluster_new(const char *parent_dir, const char *client_ep,
                                         const char *tap_ep, const char *actor_ep);

/*  Stops every process, closes the sockets and the context, and removes the
    working directory unless keep_dir.  Accepts NULL; nulls *self_p.         */
void pf_bench_cluster_destroy(pf_bench_cluster_t **self_p, bool keep_dir);

/*  The working directory (logs are <dir>/coordinator.log, <dir>/<module>.log). */
const char *pf_bench_cluster_dir(const pf_bench_cluster_t *self);

/*  Starts a coordinator on fresh endpoints with a fresh data directory and
    waits until it answers PING.  max_queued_jobs 0 keeps its default.
    Connects new client and tap sockets (the tap subscribed to "actor.").
    Returns 0, PF_ESTATE if one is already running, PF_ETIMEDOUT, PF_EIO.   */
int pf_bench_cluster_start_coordinator(pf_bench_cluster_t *self, uint32_t max_queued_jobs);

/*  The job store (--store: "sqlite" or "memory") of later coordinator
    starts; NULL or "" leaves the coordinator's default (sqlite).           */
void pf_bench_cluster_set_store(pf_bench_cluster_t *self, const char *store);

/*  Stops the module actors, then the coordinator.  Returns 0, or PF_EIO if
    a process had to be killed or had already died.                          */
int pf_bench_cluster_stop_coordinator(pf_bench_cluster_t *self);

/*  Starts the fifteen module actors with --simulate scale, waits for their
    fifteen actor.joined events, then runs one warm-up job and checks that
    it completes with all fifteen results (which proves every service is
    registered even if the tap missed a join).  scale PF_BENCH_REAL_MODULES
    starts the real modules instead (the adapters must be running): the
    warm-up job must then end with every module completed or failed (a
    module may fail by its own rules), none skipped.  Returns 0 or PF_E*.   */
int pf_bench_cluster_start_modules(pf_bench_cluster_t *self, double scale);

/*  Proves the tap delivers (once per coordinator start): queues a
    one-module async job until its job.accepted arrives, so no actor.joined
    published afterwards is lost.  The job runs once company_context's actor
    is up.  0, PF_ESTATE (no coordinator, interrupted), PF_ETIMEDOUT, PF_EIO. */
int pf_bench_cluster_tap_ready(pf_bench_cluster_t *self);

/*  Stops the module actors (SIGTERM, wait, SIGKILL).  0 or PF_EIO.          */
int pf_bench_cluster_stop_modules(pf_bench_cluster_t *self);

/*  The running coordinator's pid, or 0.                                     */
pid_t pf_bench_cluster_coordinator_pid(const pf_bench_cluster_t *self);

/*  Adds (on) or removes a tap subscription prefix.  0 or PF_EIO.            */
int pf_bench_cluster_subscribe(pf_bench_cluster_t *self, const char *prefix, bool on);

/*  Waits up to timeout_ms until the client socket and/or the tap has input
    (flags set accordingly).  Returns 0, PF_ETIMEDOUT, or PF_ESTATE when the
    benchmark was interrupted or a child process died (message on stderr). */
int pf_bench_cluster_wait(pf_bench_cluster_t *self, int timeout_ms, bool *client_in,
                          bool *tap_in);

/*  Sends one PFP/1 request on the client socket, waiting for room if the
    pipe is full.  body is borrowed.  0, PF_ETIMEDOUT, PF_ESTATE, PF_EIO.    */
int pf_bench_cluster_send(pf_bench_cluster_t *self, const char *command, const pf_value_t *body);

/*  Takes one waiting reply without blocking.  On success *body_p (caller
    owns) and command are set, and *at_ms (if non-NULL) is the monotonic
    time the reply was taken off the socket.  Returns 0, PF_ENOTFOUND when
    nothing is waiting, PF_EPROTO for a malformed reply (consumed), PF_EIO. */
int pf_bench_cluster_recv(pf_bench_cluster_t *self, char command[16], pf_value_t **body_p,
                          double *at_ms);

/*  Takes one waiting tap event without blocking: topic (NUL-terminated)
    and body (caller owns).  0, PF_ENOTFOUND, PF_EPROTO (consumed), PF_EIO. */
int pf_bench_cluster_tap_recv(pf_bench_cluster_t *self, char topic[PF_BENCH_TOPIC_MAX + 1],
                              pf_value_t **body_p);

/*  Sends one request whose body carries req_id and waits up to timeout_ms
    for the reply with that req_id, passing tap events to tap_fn (may be
    NULL: events are dropped) and discarding stray replies.  On success the
    reply's command and body (caller owns) are returned and *rtt_ms (if
    non-NULL) is send-to-receive time.  0, PF_ETIMEDOUT, PF_ESTATE, PF_EIO. */
int pf_bench_cluster_call(pf_bench_cluster_t *self, const char *command, const pf_value_t *body,
                          int timeout_ms, pf_bench_tap_fn tap_fn, void *tap_arg,
                          char reply_command[16], pf_value_t **reply_p, double *rtt_ms);

/*  Hands every tap event waiting now to fn (may be NULL: dropped), without
    blocking; what fn returns does not matter here.                         */
void pf_bench_cluster_drain_tap(pf_bench_cluster_t *self, pf_bench_tap_fn fn, void *arg);

/*  Feeds tap events to fn until it returns true (0) or timeout_ms passes
    (PF_ETIMEDOUT); client replies arriving meanwhile are discarded.         */
int pf_bench_cluster_pump_tap(pf_bench_cluster_t *self, int timeout_ms, pf_bench_tap_fn fn,
                              void *arg);

/*  A fresh request id "<tag><n>-" prefix for one operation (unique within
    the cluster's life), written to out (at least 32 bytes).                 */
void pf_bench_cluster_req_prefix(pf_bench_cluster_t *self, const char *tag, char *out,
                                 size_t out_size);

/*  Builds the body of a no-op ENRICH of domain: all modules, given async. */
pf_value_t *pf_bench_enrich_body(const char *req_id, const char *domain, bool async);

/*  Reads a "VmRSS:"-style field (kB) of /proc/<pid>/status.  0 or PF_EIO.  */
int pf_bench_proc_status_kib(pid_t pid, const char *field, double *kib);

/*  The adapter scenario's processes, added to the cluster (stopped with the
    coordinator, and reaped and checked like every other child).

    pf_bench_cluster_start_fakeapi: runs pf-fakeapi (the binary next to this
    one) with --listen 127.0.0.1:0 --quiet --no-limits and reads the port
    it bound from its log.  0, PF_ESTATE (one is running, or the benchmark
    was interrupted or the emulator died), PF_ENOTFOUND (not built),
    PF_ETIMEDOUT, PF_EIO.                                                     */
int pf_bench_cluster_start_fakeapi(pf_bench_cluster_t *self);
/*  Its port, or 0 when it is not running.                                  */
int pf_bench_cluster_fakeapi_port(const pf_bench_cluster_t *self);
/*  SIGTERM, wait, SIGKILL.  0 or PF_EIO.                                    */
int pf_bench_cluster_stop_fakeapi(pf_bench_cluster_t *self);

/*  Runs `pf adapter PROVIDER --base http://127.0.0.1:PORT/PROVIDER --actor
    EP --instance bench-PROVIDER-N ARGS...` against the running emulator and
    coordinator, with every PF_<PROVIDER>_* variable of our environment
    removed and PF_<PROVIDER>_KEY set to a dummy key.  args is a
    NULL-terminated list (NULL: none).  SEC EDGAR's contact User-Agent is
    set too.  Does not wait for the adapter to register
    (pf_bench_caller_ready does).  0, PF_ESTATE (no coordinator or emulator,
    or PF_BENCH_ADAPTERS_MAX adapters running), PF_EINVAL, PF_EIO.          */
int pf_bench_cluster_start_adapter(pf_bench_cluster_t *self, const char *provider,
                                   const char *const *args);
/*  Every running adapter: SIGTERM (it drains), wait, SIGKILL.  0 or PF_EIO. */
int pf_bench_cluster_stop_adapter(pf_bench_cluster_t *self);

/*  The actor endpoint of the running coordinator.                          */
const char *pf_bench_cluster_actor_endpoint(const pf_bench_cluster_t *self);

/*  0, or PF_ESTATE when the benchmark was interrupted or a child died
    (message on stderr).  Reaps children: call from the main thread only.   */
int pf_bench_cluster_check(pf_bench_cluster_t *self);

/* -------------------------------------------------------------- scenarios */

/*  Throughput: N pipelined PINGs (baseline) then N pipelined sync no-op
    ENRICHes, W in flight, on one DEALER.                                    */
typedef struct {
    double jobs_per_s;      /* N / wall time of the ENRICH phase            */
    double pings_per_s;     /* N / wall time of the PING phase              */
    uint32_t errors;        /* replies that were not a completed RESULT     */
} pf_bench_throughput_t;

int pf_bench_throughput(pf_bench_cluster_t *self, uint32_t jobs, uint32_t window,
                        pf_bench_throughput_t *out);

/*  Latency (and dependent-hop overhead from the tap during it): S sequential
    PINGs, then S sequential sync no-op ENRICHes.  pf_bench_latency_begin()
    subscribes to module and job events and proves the tap delivers them;
    pf_bench_latency_end() unsubscribes.                                     */
typedef struct {
    double ping_p50_ms, ping_p99_ms;     /* PING round trip                  */
    double enrich_p50_ms, enrich_p99_ms; /* sync ENRICH round trip           */
    double hop_p50_us, hop_p99_us;       /* module.started - max(inputs' module.completed) */
    double task_p50_us, task_p99_us;     /* module.completed - module.started: the
                                            round trip coordinator -> actor -> coordinator */
    uint32_t hops;                       /* dependent hops measured          */
    uint32_t hop_jobs_incomplete;        /* jobs whose tap events were missing */
    uint32_t errors;                     /* replies that were not completed  */
} pf_bench_latency_t;

int pf_bench_latency_begin(pf_bench_cluster_t *self);
int pf_bench_latency(pf_bench_cluster_t *self, uint32_t samples, pf_bench_latency_t *out);
int pf_bench_latency_end(pf_bench_cluster_t *self);

/*  Makespan: one sync job on modules started with --simulate scale.         */
typedef struct {
    double result_ms;       /* RESULT duration_ms (the coordinator's view)  */
    double wall_ms;         /* send to reply at the client                  */
} pf_bench_makespan_t;

int pf_bench_makespan(pf_bench_cluster_t *self, double scale, pf_bench_makespan_t *out);

/*  Memory: M pipelined async ENRICHes accepted by a coordinator without
    module actors, then its VmHWM/VmRSS; baseline its VmRSS before.          */
typedef struct {
    double base_rss_kib;    /* VmRSS right after start                      */
    double hwm_kib;         /* VmHWM after the jobs were accepted           */
    double rss_kib;         /* VmRSS after the jobs were accepted           */
    double accept_per_s;    /* accepted jobs / wall time of the submission  */
    uint32_t accepted;      /* ACCEPTED replies                             */
    uint32_t errors;        /* anything else                                */
} pf_bench_rss_t;

int pf_bench_rss(pf_bench_cluster_t *self, uint32_t jobs, uint32_t window, pf_bench_rss_t *out);

/* ---------------------------------------------------------------- adapter */

/*  The provider whose adapter is measured, and the caller's service name.  */
#define PF_BENCH_ADAPTER_PROVIDER "websearch"
#define PF_BENCH_CALLER_SERVICE "bench_caller"

/*  The caller (pf_bench_adapter.c): a pf_actor_t registered with the
    running coordinator as PF_BENCH_CALLER_SERVICE, run on a thread of its
    own.  Each measurement below hands it a list of phases and waits until
    they ended; the actor's callbacks send the calls and time the replies.
    A failed measurement (or Ctrl-C, or a dead child) stops the actor for
    good.  Everything else here is used from the main thread only.

    pf_bench_caller_new: creates the actor on the cluster's actor endpoint
    and starts its thread.  NULL (message on stderr) on failure.            */
typedef struct pf_bench_caller_t pf_bench_caller_t;

pf_bench_caller_t *pf_bench_caller_new(pf_bench_cluster_t *cl);
/*  Stops the actor, joins its thread, frees it.  Accepts NULL; nulls.      */
void pf_bench_caller_destroy(pf_bench_caller_t **self_p);

/*  Waits (PF_BENCH_START_MS at most) until the caller is registered and the
    provider's adapter answers an unknown operation.  0, PF_ETIMEDOUT,
    PF_ESTATE (interrupted, a child died), PF_EIO.                           */
int pf_bench_caller_ready(pf_bench_caller_t *self);

/*  One run of the cached and fetch measurements, in this order:
    baseline — `calls` calls of an unknown operation, window in flight, then
    `samples` of them one at a time (the adapter answers unknown_op at once:
    no cache, no HTTP); one warm-up call; cached — `calls` identical web
    calls, window in flight, then `samples` one at a time, every reply
    from the cache; fetch — `fetches` distinct web calls, window in flight,
    then `samples` distinct ones one at a time, each an HTTP request to
    pf-fakeapi (the adapter's rate limit is the caller's business).         */
typedef struct {
    double base_per_s;                 /* unknown-op calls/s (baseline)     */
    double base_p50_ms, base_p99_ms;   /* one unknown-op call, round trip   */
    double cached_per_s;               /* cached calls/s                    */
    double cached_p50_ms, cached_p99_ms; /* one cached call                 */
    double fetch_per_s;                /* distinct calls/s through HTTP     */
    double fetch_p50_ms, fetch_p99_ms; /* one distinct call                 */
    uint32_t errors;                   /* replies not as expected           */
} pf_bench_adapter_t;

int pf_bench_adapter(pf_bench_caller_t *self, uint32_t calls, uint32_t samples,
                     uint32_t fetches, uint32_t window, pf_bench_adapter_t *out);

/*  Rate fidelity: resets pf-fakeapi's stats, sends `calls` distinct web
    calls paced at send_per_s, waits for every reply, then reads the
    emulator's stats of the provider.                                        */
typedef struct {
    double elapsed_ms;      /* first send to last reply                     */
    uint32_t requests;      /* HTTP requests the emulator counted           */
    uint32_t rate_limited;  /* of them refused with 429 (over its limit)    */
    uint32_t max_in_window; /* most accepted requests in one true window    */
    uint32_t errors;        /* replies not as expected                      */
} pf_bench_rate_t;

int pf_bench_rate(pf_bench_caller_t *self, uint32_t calls, double send_per_s,
                  pf_bench_rate_t *out);

/*  POST /_control/limits: the emulator refuses provider's requests beyond
    limit per window_ms.  0, PF_ESTATE (no emulator), PF_EIO, PF_EPROTO.    */
int pf_bench_fakeapi_set_limit(pf_bench_cluster_t *cl, const char *provider, uint32_t limit,
                               uint32_t window_ms);

/*  One request to the emulator's control API (method "GET"/"POST", path
    "/_control/..."); request (may be NULL) is sent as JSON.  On 0,
    *reply_p (if reply_p is non-NULL) is the JSON answer (json_t *, caller
    owns; void * here to keep jansson out of this header).  0, PF_ESTATE
    (no emulator), PF_EIO, PF_EPROTO (not 200, or not JSON).               */
int pf_bench_fakeapi_control(pf_bench_cluster_t *cl, const char *method, const char *path,
                             void *request, void **reply_p);

/* ------------------------------------------------------------------ batch */

/*  The batch scenario (pf_bench_batch.c): a whole constellation as `pf up`
    runs it offline — coordinator, pf-fakeapi, the five adapters, the
    fifteen real modules — and one BATCH of synthetic domains through it,
    with every rate limit scaled by the same factor on both sides: each
    adapter runs at its default rpm x scale, and pf-fakeapi allows each
    provider its default rpm per 60 s / scale (so a minute of the default
    schedule passes in 60 s / scale).                                       */
#define PF_BENCH_PROVIDERS 5          /* builtwith ... websearch            */
#define PF_BENCH_FAILURE_KINDS 64     /* distinct "module: error" kept      */
#define PF_BENCH_FAILURE_MAX 96       /* bytes of one such text             */
#define PF_BENCH_SCALE_MAX 600        /* 60 s / 600 = a 100 ms window       */
#define PF_BENCH_DEADLINE_MAX_MS 3600000 /* an adapter's --deadline-ms, at most */

#define PF_BENCH_OPS_MAX 12            /* operations counted per provider  */

/*  One operation's calls in the batch, from the api.call events.          */
typedef struct {
    char op[PFA_NAME_MAX + 1];    /* "domain", ...; "session" for Yahoo's
                                     cookie and crumb requests             */
    uint32_t http;                /* HTTP attempts                          */
    uint32_t cached;              /* answered from the cache                */
    uint32_t deduplicated;        /* joined an identical request in flight  */
} pf_bench_op_t;

typedef struct {
    char name[PFA_NAME_MAX + 1];  /* the provider (adapter service)         */
    uint32_t default_rpm;         /* the adapter's default limit            */
    uint32_t rpm;                 /* its limit in the run: default x scale  */
    uint32_t limit;               /* pf-fakeapi: requests per window ...    */
    uint32_t window_ms;           /* ... of this length                     */
    uint32_t requests;            /* HTTP requests pf-fakeapi counted       */
    uint32_t rate_limited;        /* of them refused with 429               */
    uint32_t max_in_window;       /* most accepted in one true window       */
    uint32_t live;                /* api.call: first attempts of operations */
    uint32_t retries;             /* api.call: later attempts               */
    uint32_t session;             /* api.call: Yahoo's cookie/crumb requests */
    uint32_t cached;              /* api.call: answered from the cache      */
    uint32_t deduplicated;        /* api.call: joined a request in flight   */
    uint32_t errors;              /* api.call: a transport error, 429 or 5xx */
    uint32_t throttled;           /* api.throttled: waits for the limiter   */
    uint32_t queued_max;          /* most requests they saw waiting         */
    pf_bench_op_t ops[PF_BENCH_OPS_MAX]; /* per operation, in order seen    */
    uint32_t op_count;            /* entries used                           */
} pf_bench_provider_t;

typedef struct {
    char what[PF_BENCH_FAILURE_MAX]; /* "module: error code", or as said
                                        where the table is                  */
    uint32_t count;                  /* times it happened                   */
} pf_bench_failure_t;

typedef struct {
    uint32_t accepted;            /* jobs the BATCH created                  */
    uint32_t completed, partial, failed, cancelled; /* final job statuses   */
    uint32_t all_modules;         /* jobs with all fifteen modules completed */
    uint32_t module_done[PF_MODULE_COUNT]; /* jobs in which module completed */
    pf_bench_failure_t failures[PF_BENCH_FAILURE_KINDS]; /* why others not  */
    uint32_t failure_kinds;       /* entries used                            */
    uint32_t failures_other;      /* failures of kinds beyond the table      */
    uint32_t degraded_jobs;       /* jobs with a field missing because a
                                     provider call failed ("... failed: ")  */
    uint32_t degraded_fields;     /* such fields over all jobs               */
    char degraded_example[2 * PF_BENCH_FAILURE_MAX]; /* the first one       */
    pf_bench_failure_t degraded[PF_BENCH_FAILURE_KINDS]; /* such fields by
                                     "module.field: provider op code"       */
    uint32_t degraded_kinds;      /* entries used                            */
    uint32_t degraded_other;      /* fields of kinds beyond the table        */
    pf_bench_failure_t retries[PF_BENCH_FAILURE_KINDS]; /* module.retried
                                     events by "module: error code": failed
                                     attempts that the job's result hides  */
    uint32_t retry_kinds;         /* entries used                            */
    uint32_t retries_other;       /* retries of kinds beyond the table       */
    uint32_t deadline_ms;         /* the adapters' --deadline-ms, 0 = theirs */
    uint32_t module_timeout_ms;   /* the coordinator's per-attempt deadline
                                     (PF_MODULE_TIMEOUT_MS or its default)  */
    double wall_ms;               /* BATCH sent to the last job's end        */
    double job_p50_ms, job_max_ms; /* job duration_ms (acceptance to end)   */
    uint32_t providers;           /* entries used below                      */
    pf_bench_provider_t provider[PF_BENCH_PROVIDERS];
} pf_bench_batch_t;

/*  Runs the scenario on a cluster with nothing started: starts everything,
    submits `domains` generated synthetic domains (pf_bench_batch_domain)
    as one BATCH with max_concurrency, waits until every job ended, and
    reads the emulator's stats and every job's RESULT into *out.  The
    caller stops the processes (pf_bench_cluster_stop_coordinator), also
    after a failure.  scale is 1 .. PF_BENCH_SCALE_MAX.  deadline_ms: each
    adapter's --deadline-ms (the longest one call may take, its wait for
    the rate limit included), 0 for the adapters' default, at most
    PF_BENCH_DEADLINE_MAX_MS.  0, PF_EINVAL, or another PF_E* (a process
    died, a wait timed out; said on stderr).                                */
int pf_bench_batch(pf_bench_cluster_t *cl, uint32_t domains, uint32_t scale,
                   uint32_t concurrency, uint32_t deadline_ms, pf_bench_batch_t *out);

/*  The i-th domain of the scenario's deterministic list (i from 0), e.g.
    "amber-goods-0.com": no curated company, so pf-fakeapi synthesises it.
    out holds at least 64 bytes.                                            */
void pf_bench_batch_domain(uint32_t i, char *out, size_t size);

#endif
