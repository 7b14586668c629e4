/*  pf_cmd_bench.c — `pf bench`: measures PartnerForge against its targets.

    The command starts what it measures (a coordinator and the fifteen
    module actors in simulation, on free loopback ports, with a fresh data
    directory), runs each scenario R times with a baseline taken in the same
    run, and prints the median and range of every figure as a table, or as
    JSON with --json.  docs/BENCHMARKS.md explains each scenario and records
    numbers.  The processes and sockets live in pf_bench_cluster.c, one run
    of each scenario in pf_bench_scenario.c, and the adapter scenario's
    caller actor in pf_bench_adapter.c.  The adapter scenario is not part
    of `all`: it adds about two minutes and measures another path.  Nor is
    the batch scenario (pf_bench_batch.c): the real modules, the five
    adapters and pf-fakeapi, one BATCH of synthetic domains through scaled
    rate limits; it runs once, not R times (minutes per run).               */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pf_adapter.h"
#include "pf_bench.h"
#include "pf_cmd.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_retry.h"
#include "pf_samples.h"

/*  Defaults of a full run (about three minutes on two cores).              */
#define S_DEFAULT_RUNS 5
#define S_DEFAULT_JOBS 10000
#define S_DEFAULT_WINDOW 256
#define S_DEFAULT_SAMPLES 200
#define S_DEFAULT_RSS_JOBS 100000

/*  --quick: small enough for a CTest run well under a minute.              */
#define S_QUICK_RUNS 3
#define S_QUICK_JOBS 1000
#define S_QUICK_SAMPLES 50
#define S_QUICK_RSS_JOBS 10000

/*  The adapter scenario (opt-in): calls per cached/baseline run, sequential
    calls per latency measurement, distinct calls per fetch run, calls per
    rate-fidelity run; and the same under --quick.                          */
#define S_DEFAULT_ADAPTER_CALLS 20000
#define S_DEFAULT_ADAPTER_SAMPLES 1000
#define S_DEFAULT_ADAPTER_FETCHES 5000
#define S_DEFAULT_RATE_CALLS 1000
#define S_QUICK_ADAPTER_CALLS 2000
#define S_QUICK_ADAPTER_SAMPLES 200
#define S_QUICK_ADAPTER_FETCHES 500
#define S_QUICK_RATE_CALLS 100

/*  The batch scenario (opt-in): domains, the factor every rate limit is
    scaled by (on the adapters and pf-fakeapi), the batch's max_concurrency;
    and the domains under --quick.  At x10 the BuiltWith adapter's 30/min
    default becomes 300/min: 200 domains take about six and a half minutes.
    A larger factor shrinks the windows, and with them the slack for
    scheduling jitter: (60 s / K) x the adapters' 1 % margin + pf-fakeapi's
    20 ms grace — 80 ms at x10, 50 ms at x20 (where one 429 was seen on a
    loaded machine).                                                        */
#define S_DEFAULT_BATCH_DOMAINS 200
#define S_DEFAULT_BATCH_SCALE 10
#define S_DEFAULT_BATCH_CONCURRENCY PF_DEFAULT_BATCH_CONCURRENCY
#define S_QUICK_BATCH_DOMAINS 20
#define S_MAX_BATCH_DOMAINS 10000

/*  Calls in flight from the caller actor to the adapter.                   */
#define S_ADAPTER_WINDOW 64
/*  The fetch runs' adapter: its rate limit out of the way (the highest
    --rpm it takes) and as many requests in flight as the caller sends.     */
#define S_FETCH_RPM PF_LIMITER_MAX_PER_MINUTE
#define S_FETCH_CONCURRENCY S_ADAPTER_WINDOW
/*  Rate fidelity: the adapter's limit (100/s), pf-fakeapi enforcing the
    same per second, and calls sent at twice that rate.                     */
#define S_RATE_RPM 6000
#define S_RATE_WINDOW_MS 1000
#define S_RATE_SEND_FACTOR 2.0
#define S_SECONDS_PER_MINUTE 60.0

/*  Upper bounds of the flags: beyond these a run takes hours.              */
#define S_MAX_RUNS 1000
#define S_MAX_JOBS 10000000
#define S_MAX_WINDOW 100000

/*  Module actors simulate each module for estimate x this many seconds in
    the makespan scenario: 57 s of critical path become 1.14 s.             */
#define S_MAKESPAN_SCALE 0.02

/*  Extra queue room the coordinator gets beyond what the bench submits.    */
#define S_QUEUE_MARGIN 1000

/*  The targets.                                                     */
#define S_TARGET_JOBS_PER_S 1000.0     /* over 10,000 jobs, 15 module actors */
#define S_TARGET_JOBS_FOR 10000
#define S_TARGET_P50_MS 3.0            /* single no-op enrichment            */
#define S_TARGET_MAKESPAN_RATIO 1.02   /* x critical path at scale 0.02     */
#define S_TARGET_RSS_MIB 256.0         /* with 100,000 queued jobs           */
#define S_TARGET_RSS_JOBS 100000
#define S_TARGET_DURABLE_RATIO 0.70    /* sqlite store vs memory throughput  */
#define S_TARGET_RATE_RATIO 1.05       /* rate fidelity: finish within 5 % of
                                          the time the limit allows (as
                                          tests/integration/test_providers.py) */

#define S_KIB_PER_MIB 1024.0

enum {
    S_THROUGHPUT = 1 << 0,
    S_LATENCY = 1 << 1,
    S_HOP = 1 << 2,
    S_MAKESPAN = 1 << 3,
    S_RSS = 1 << 4,
    S_DURABLE = 1 << 5,
    S_ALL = (1 << 6) - 1,
    S_ADAPTER = 1 << 6,     /* opt-in: not part of S_ALL                     */
    S_BATCH = 1 << 7        /* opt-in: not part of S_ALL                     */
};

typedef struct {
    uint32_t runs;          /* repetitions of every scenario                */
    uint32_t jobs;          /* throughput: enrichments per run              */
    uint32_t window;        /* requests in flight when pipelining           */
    uint32_t samples;       /* latency: sequential requests per run         */
    uint32_t rss_jobs;      /* rss: async enrichments queued                */
    uint32_t adapter_calls; /* adapter: cached / baseline calls per run     */
    uint32_t adapter_samples; /* adapter: sequential calls per latency      */
    uint32_t adapter_fetches; /* adapter: distinct (fetched) calls per run  */
    uint32_t rate_calls;    /* adapter: calls per rate-fidelity run         */
    uint32_t batch_domains; /* batch: synthetic domains in the BATCH        */
    uint32_t batch_scale;   /* batch: every rate limit x this               */
    uint32_t batch_concurrency; /* batch: its max_concurrency               */
    uint32_t batch_deadline_ms; /* batch: adapters' --deadline-ms, 0 = theirs */
    unsigned scenarios;     /* S_* bits                                     */
    bool json;              /* JSON on stdout instead of the table          */
    bool quick;             /* the --quick preset was asked for             */
    bool keep;              /* keep the working directory                   */
    const char *client;     /* fixed endpoints, or NULL to pick free ones   */
    const char *tap;
    const char *actor;
    const char *data_dir;   /* parent of the working directory              */
} s_options_t;

/*  Every figure, one sample per run.                                        */
typedef struct {
    pf_samples_t *tp_jobs, *tp_pings, *tp_ratio;
    uint32_t tp_errors, tp_runs;
    pf_samples_t *lat_p50, *lat_p99, *lat_ping_p50, *lat_ping_p99, *lat_ratio_p50,
        *lat_ratio_p99;
    uint32_t lat_errors, lat_runs;
    pf_samples_t *hop_p50, *hop_p99, *hop_base_p50, *hop_base_p99, *hop_ratio_p50,
        *hop_ratio_p99, *task_p50, *task_p99;
    uint32_t hop_count, hop_incomplete;
    pf_samples_t *mk_result, *mk_wall, *mk_ratio_cp, *mk_ratio_cp_wall, *mk_ratio_barrier;
    double mk_cp_ms, mk_barrier_ms;
    pf_samples_t *rss_hwm, *rss_rss, *rss_base, *rss_ratio, *rss_per_job, *rss_accept_rate,
        *rss_accepted;
    uint32_t rss_errors;
    pf_samples_t *dur_memory, *dur_sqlite, *dur_ratio;
    uint32_t dur_errors;
    pf_samples_t *ad_base, *ad_cached, *ad_ratio, *ad_base_p50, *ad_base_p99, *ad_cached_p50,
        *ad_cached_p99, *ad_ratio_p50, *ad_ratio_p99, *ad_fetch, *ad_fetch_ratio,
        *ad_fetch_p50, *ad_fetch_p99;
    uint32_t ad_errors;
    pf_samples_t *rate_elapsed, *rate_ratio, *rate_max_window, *rate_window_ratio,
        *rate_requests;
    double rate_allowed_s;          /* the time the limit allows for N calls */
    uint32_t rate_limited, rate_errors;
    bool batch_ran;                 /* the batch scenario finished           */
    pf_bench_batch_t batch;         /* its figures                           */
} s_results_t;

/* --------------------------------------------------------------- options */

static void
s_usage(FILE *out)
{
    fprintf(out,
            "usage: pf bench [--runs R] [--jobs N] [--window W] [--samples S] [--rss-jobs M]\n"
            "                [--scenario all|throughput|latency|hop|makespan|rss|durable|"
            "adapter|batch[,...]]\n"
            "                [--adapter-calls N] [--adapter-samples S] [--adapter-fetches F]\n"
            "                [--rate-calls C] [--batch-domains D] [--batch-scale K]\n"
            "                [--batch-concurrency C] [--batch-deadline-ms MS] [--quick] [--json]\n"
            "                [--keep] [--data-dir DIR]\n"
            "                [--client EP] [--tap EP] [--actor EP]\n"
            "\n"
            "Starts a coordinator and the 15 module actors (simulated) on free loopback\n"
            "ports and measures them; every scenario runs R times with a baseline taken\n"
            "in the same run, and the median and min-max are reported.\n"
            "\n"
            "  --runs R       repetitions of each scenario (default %d)\n"
            "  --jobs N       throughput: no-op enrichments per run (default %d)\n"
            "  --window W     requests in flight when pipelining (default %d)\n"
            "  --samples S    latency: sequential requests per run (default %d)\n"
            "  --rss-jobs M   rss: async enrichments queued (default %d)\n"
            "  --scenario L   which scenarios (default all); hop is measured during latency;\n"
            "                 durable: throughput with --store sqlite against --store memory,\n"
            "                 each run on a fresh coordinator and actors, alternating;\n"
            "                 adapter (not in all; ask for it): the %s adapter against\n"
            "                 pf-fakeapi, called by an actor: cached, fetch, rate fidelity;\n"
            "                 batch (not in all; ask for it; runs once): the real modules,\n"
            "                 adapters and pf-fakeapi, one BATCH of synthetic domains with\n"
            "                 every rate limit x K on both sides; counts provider calls\n"
            "  --adapter-calls N    adapter: cached and unknown-op calls per run,\n"
            "                       %d in flight (default %d)\n"
            "  --adapter-samples S  adapter: calls one at a time per latency (default %d)\n"
            "  --adapter-fetches F  adapter: distinct calls over HTTP per run (default %d)\n"
            "  --rate-calls C       adapter: calls per rate-fidelity run (default %d)\n"
            "  --batch-domains D      batch: domains in the BATCH (default %d)\n"
            "  --batch-scale K        batch: rate limits x K, 1..%d (default %d)\n"
            "  --batch-concurrency C  batch: the BATCH's max_concurrency (default %d)\n"
            "  --batch-deadline-ms MS batch: every adapter's --deadline-ms, the longest\n"
            "                         one call may wait and run, 1..%d (default: the\n"
            "                         adapters' own, %d)\n"
            "  --quick        small preset: R=%d, N=%d, S=%d, M=%d; adapter %d/%d/%d/%d;\n"
            "                 batch D=%d (flags still override)\n"
            "  --json         print JSON on stdout instead of the table\n"
            "  --keep         keep the working directory (logs, data) afterwards\n"
            "  --data-dir DIR create the working directory in DIR (default $TMPDIR or /tmp)\n"
            "  --client/--tap/--actor EP  use these endpoints instead of free ports\n"
            "\n"
            "Exit status: 0 every run succeeded (targets are reported, not enforced),\n"
            "1 a run failed, 2 usage error.\n",
            S_DEFAULT_RUNS, S_DEFAULT_JOBS, S_DEFAULT_WINDOW, S_DEFAULT_SAMPLES,
            S_DEFAULT_RSS_JOBS, PF_BENCH_ADAPTER_PROVIDER, S_ADAPTER_WINDOW,
            S_DEFAULT_ADAPTER_CALLS, S_DEFAULT_ADAPTER_SAMPLES, S_DEFAULT_ADAPTER_FETCHES,
            S_DEFAULT_RATE_CALLS, S_DEFAULT_BATCH_DOMAINS, PF_BENCH_SCALE_MAX,
            S_DEFAULT_BATCH_SCALE, S_DEFAULT_BATCH_CONCURRENCY, PF_BENCH_DEADLINE_MAX_MS,
            PF_RETRY_DEFAULT_DEADLINE_MS,
            S_QUICK_RUNS, S_QUICK_JOBS,
            S_QUICK_SAMPLES, S_QUICK_RSS_JOBS, S_QUICK_ADAPTER_CALLS, S_QUICK_ADAPTER_SAMPLES,
            S_QUICK_ADAPTER_FETCHES, S_QUICK_RATE_CALLS, S_QUICK_BATCH_DOMAINS);
}

static int
s_parse_scenarios(const char *text, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bits;
    } names[] = {
        { "all", S_ALL },           { "throughput", S_THROUGHPUT }, { "latency", S_LATENCY },
        { "hop", S_HOP },           { "makespan", S_MAKESPAN },     { "rss", S_RSS },
        { "durable", S_DURABLE },   { "adapter", S_ADAPTER },       { "batch", S_BATCH },
    };
    unsigned bits = 0;
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, ",");
        bool known = false;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
            if (strlen(names[i].name) == len && strncmp(p, names[i].name, len) == 0) {
                bits |= names[i].bits;
                known = true;
            }
        }
        if (!known)
            return PF_EINVAL;
        p += len;
        if (*p == ',')
            p++;
    }
    if (!bits)
        return PF_EINVAL;
    *out = bits;
    return PF_OK;
}

/*  Returns 0 to run, 1 after --help, 2 on a usage error.                    */
static int
s_parse(int argc, char **argv, s_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->scenarios = S_ALL;
    bool set_runs = false, set_jobs = false, set_samples = false, set_rss = false;
    bool set_ad_calls = false, set_ad_samples = false, set_ad_fetches = false;
    bool set_rate = false, set_batch_domains = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            s_usage(stdout);
            return 1;
        }
        if (strcmp(arg, "--json") == 0) {
            opt->json = true;
            continue;
        }
        if (strcmp(arg, "--quick") == 0) {
            opt->quick = true;
            continue;
        }
        if (strcmp(arg, "--keep") == 0) {
            opt->keep = true;
            continue;
        }
        /* Flags with a value: --name VALUE or --name=VALUE.                 */
        static const char *const valued[] = { "--runs",          "--jobs",
                                               "--window",        "--samples",
                                               "--rss-jobs",      "--scenario",
                                               "--client",        "--tap",
                                               "--actor",         "--data-dir",
                                               "--adapter-calls", "--adapter-samples",
                                               "--adapter-fetches", "--rate-calls",
                                               "--batch-domains", "--batch-scale",
                                               "--batch-concurrency",
                                               "--batch-deadline-ms" };
        const char *value = NULL;
        size_t which = sizeof valued / sizeof *valued;
        for (size_t k = 0; k < sizeof valued / sizeof *valued; k++) {
            size_t len = strlen(valued[k]);
            if (strcmp(arg, valued[k]) == 0) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "pf bench: %s needs a value\n", arg);
                    return 2;
                }
                value = argv[++i];
                which = k;
                break;
            }
            if (strncmp(arg, valued[k], len) == 0 && arg[len] == '=') {
                value = arg + len + 1;
                which = k;
                break;
            }
        }
        if (!value) {
            fprintf(stderr, "pf bench: unknown argument '%s' (see pf bench --help)\n", arg);
            return 2;
        }
        int rc = PF_OK;
        switch (which) {
        case 0:
            rc = pf_config_parse_u32(value, 1, S_MAX_RUNS, &opt->runs);
            set_runs = true;
            break;
        case 1:
            rc = pf_config_parse_u32(value, 1, S_MAX_JOBS, &opt->jobs);
            set_jobs = true;
            break;
        case 2:
            rc = pf_config_parse_u32(value, 1, S_MAX_WINDOW, &opt->window);
            break;
        case 3:
            rc = pf_config_parse_u32(value, 1, S_MAX_JOBS, &opt->samples);
            set_samples = true;
            break;
        case 4:
            rc = pf_config_parse_u32(value, 1, S_MAX_JOBS, &opt->rss_jobs);
            set_rss = true;
            break;
        case 5:
            rc = s_parse_scenarios(value, &opt->scenarios);
            break;
        case 6:
            opt->client = value;
            break;
        case 7:
            opt->tap = value;
            break;
        case 8:
            opt->actor = value;
            break;
        case 9:
            opt->data_dir = value;
            break;
        case 10:
            rc = pf_config_parse_u32(value, 1, S_MAX_JOBS, &opt->adapter_calls);
            set_ad_calls = true;
            break;
        case 11:
            rc = pf_config_parse_u32(value, 1, S_MAX_JOBS, &opt->adapter_samples);
            set_ad_samples = true;
            break;
        case 12:
            rc = pf_config_parse_u32(value, 1, S_MAX_JOBS, &opt->adapter_fetches);
            set_ad_fetches = true;
            break;
        case 13:
            /* At least two: the ratio divides by (calls - 1) intervals.   */
            rc = pf_config_parse_u32(value, 2, S_MAX_JOBS, &opt->rate_calls);
            set_rate = true;
            break;
        case 14:
            rc = pf_config_parse_u32(value, 1, S_MAX_BATCH_DOMAINS, &opt->batch_domains);
            set_batch_domains = true;
            break;
        case 15:
            rc = pf_config_parse_u32(value, 1, PF_BENCH_SCALE_MAX, &opt->batch_scale);
            break;
        case 16:
            rc = pf_config_parse_u32(value, 1, S_MAX_BATCH_DOMAINS, &opt->batch_concurrency);
            break;
        default:
            rc = pf_config_parse_u32(value, 1, PF_BENCH_DEADLINE_MAX_MS,
                                     &opt->batch_deadline_ms);
            break;
        }
        if (rc != PF_OK) {
            fprintf(stderr, "pf bench: invalid value for %s: '%s'\n", valued[which], value);
            return 2;
        }
    }
    if (!set_runs)
        opt->runs = opt->quick ? S_QUICK_RUNS : S_DEFAULT_RUNS;
    if (!set_jobs)
        opt->jobs = opt->quick ? S_QUICK_JOBS : S_DEFAULT_JOBS;
    if (!set_samples)
        opt->samples = opt->quick ? S_QUICK_SAMPLES : S_DEFAULT_SAMPLES;
    if (!set_rss)
        opt->rss_jobs = opt->quick ? S_QUICK_RSS_JOBS : S_DEFAULT_RSS_JOBS;
    if (!set_ad_calls)
        opt->adapter_calls = opt->quick ? S_QUICK_ADAPTER_CALLS : S_DEFAULT_ADAPTER_CALLS;
    if (!set_ad_samples)
        opt->adapter_samples = opt->quick ? S_QUICK_ADAPTER_SAMPLES : S_DEFAULT_ADAPTER_SAMPLES;
    if (!set_ad_fetches)
        opt->adapter_fetches = opt->quick ? S_QUICK_ADAPTER_FETCHES : S_DEFAULT_ADAPTER_FETCHES;
    if (!set_rate)
        opt->rate_calls = opt->quick ? S_QUICK_RATE_CALLS : S_DEFAULT_RATE_CALLS;
    if (!set_batch_domains)
        opt->batch_domains = opt->quick ? S_QUICK_BATCH_DOMAINS : S_DEFAULT_BATCH_DOMAINS;
    if (!opt->batch_scale)
        opt->batch_scale = S_DEFAULT_BATCH_SCALE;
    if (!opt->batch_concurrency)
        opt->batch_concurrency = S_DEFAULT_BATCH_CONCURRENCY;
    if (!opt->window)
        opt->window = S_DEFAULT_WINDOW;
    return 0;
}

/* ---------------------------------------------------------------- results */

/*  Pointers to every samples field of r, so they are made and freed in one
    place.  Returns the count written to out.                                */
#define S_SAMPLE_FIELDS 50

static size_t
s_sample_fields(s_results_t *r, pf_samples_t **out[S_SAMPLE_FIELDS])
{
    pf_samples_t **fields[S_SAMPLE_FIELDS] = {
        &r->tp_jobs,       &r->tp_pings,        &r->tp_ratio,      &r->lat_p50,
        &r->lat_p99,       &r->lat_ping_p50,    &r->lat_ping_p99,  &r->lat_ratio_p50,
        &r->lat_ratio_p99, &r->hop_p50,         &r->hop_p99,       &r->hop_base_p50,
        &r->hop_base_p99,  &r->hop_ratio_p50,   &r->hop_ratio_p99, &r->mk_result,
        &r->mk_wall,       &r->mk_ratio_cp,     &r->mk_ratio_cp_wall, &r->mk_ratio_barrier,
        &r->rss_hwm,       &r->rss_rss,         &r->rss_base,      &r->rss_ratio,
        &r->rss_per_job,   &r->rss_accept_rate, &r->rss_accepted,  &r->task_p50,
        &r->task_p99,      &r->dur_memory,      &r->dur_sqlite,    &r->dur_ratio,
        &r->ad_base,       &r->ad_cached,       &r->ad_ratio,      &r->ad_base_p50,
        &r->ad_base_p99,   &r->ad_cached_p50,   &r->ad_cached_p99, &r->ad_ratio_p50,
        &r->ad_ratio_p99,  &r->ad_fetch,        &r->ad_fetch_ratio, &r->ad_fetch_p50,
        &r->ad_fetch_p99,  &r->rate_elapsed,    &r->rate_ratio,    &r->rate_max_window,
        &r->rate_window_ratio, &r->rate_requests,
    };
    memcpy(out, fields, sizeof fields);
    return S_SAMPLE_FIELDS;
}

static void
s_results_init(s_results_t *r)
{
    memset(r, 0, sizeof *r);
    pf_samples_t **fields[S_SAMPLE_FIELDS];
    size_t count = s_sample_fields(r, fields);
    for (size_t i = 0; i < count; i++)
        *fields[i] = pf_samples_new();
}

static void
s_results_free(s_results_t *r)
{
    pf_samples_t **fields[S_SAMPLE_FIELDS];
    size_t count = s_sample_fields(r, fields);
    for (size_t i = 0; i < count; i++)
        pf_samples_destroy(fields[i]);
}

/*  a / b, or NaN when b is not positive (a NaN is never added to samples). */
static double
s_ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

static double
s_median(pf_samples_t *s)
{
    double v = NAN;
    pf_samples_median(s, &v);
    return v;
}

/* ------------------------------------------------------------------- runs */

/*  Progress goes to stderr so that stdout stays the report (or JSON).     */
static void
s_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
s_progress(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pf bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int
s_run_throughput(pf_bench_cluster_t *cl, const s_options_t *opt, s_results_t *r)
{
    for (uint32_t run = 1; run <= opt->runs; run++) {
        pf_bench_throughput_t t;
        int rc = pf_bench_throughput(cl, opt->jobs, opt->window, &t);
        if (rc != PF_OK)
            return rc;
        pf_samples_add(r->tp_jobs, t.jobs_per_s);
        pf_samples_add(r->tp_pings, t.pings_per_s);
        pf_samples_add(r->tp_ratio, s_ratio(t.jobs_per_s, t.pings_per_s));
        r->tp_errors += t.errors;
        r->tp_runs++;
        s_progress("throughput run %u/%u: %.0f jobs/s (PING %.0f/s)%s", run, opt->runs,
                   t.jobs_per_s, t.pings_per_s, t.errors ? ", with errors" : "");
    }
    return PF_OK;
}

static int
s_run_latency(pf_bench_cluster_t *cl, const s_options_t *opt, s_results_t *r)
{
    int rc = pf_bench_latency_begin(cl);
    for (uint32_t run = 1; run <= opt->runs && rc == PF_OK; run++) {
        pf_bench_latency_t l;
        rc = pf_bench_latency(cl, opt->samples, &l);
        if (rc != PF_OK)
            break;
        pf_samples_add(r->lat_p50, l.enrich_p50_ms);
        pf_samples_add(r->lat_p99, l.enrich_p99_ms);
        pf_samples_add(r->lat_ping_p50, l.ping_p50_ms);
        pf_samples_add(r->lat_ping_p99, l.ping_p99_ms);
        pf_samples_add(r->lat_ratio_p50, s_ratio(l.enrich_p50_ms, l.ping_p50_ms));
        pf_samples_add(r->lat_ratio_p99, s_ratio(l.enrich_p99_ms, l.ping_p99_ms));
        r->lat_errors += l.errors;
        r->lat_runs++;
        /* Baseline of a hop: a one-way trip, half a PING round trip.       */
        double base_p50 = l.ping_p50_ms * 1e3 / 2;
        double base_p99 = l.ping_p99_ms * 1e3 / 2;
        pf_samples_add(r->hop_p50, l.hop_p50_us);
        pf_samples_add(r->hop_p99, l.hop_p99_us);
        pf_samples_add(r->hop_base_p50, base_p50);
        pf_samples_add(r->hop_base_p99, base_p99);
        pf_samples_add(r->hop_ratio_p50, s_ratio(l.hop_p50_us, base_p50));
        pf_samples_add(r->hop_ratio_p99, s_ratio(l.hop_p99_us, base_p99));
        pf_samples_add(r->task_p50, l.task_p50_us);
        pf_samples_add(r->task_p99, l.task_p99_us);
        r->hop_count += l.hops;
        r->hop_incomplete += l.hop_jobs_incomplete;
        s_progress("latency run %u/%u: ENRICH p50 %.3f ms p99 %.3f ms (PING p50 %.3f ms); "
                        "hop p50 %.1f us p99 %.1f us over %u hops",
                   run, opt->runs, l.enrich_p50_ms, l.enrich_p99_ms, l.ping_p50_ms, l.hop_p50_us,
                   l.hop_p99_us, l.hops);
    }
    int end_rc = pf_bench_latency_end(cl);
    return rc != PF_OK ? rc : end_rc;
}

static void
s_makespan_model(s_results_t *r)
{
    double durations[PF_MODULE_COUNT];
    const double *estimates = pf_graph_estimates();
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        durations[i] = estimates[i] * S_MAKESPAN_SCALE;
    r->mk_cp_ms = pf_graph_critical_path(PF_MODULE_ALL, durations) * 1e3;
    r->mk_barrier_ms = pf_graph_barrier_makespan(PF_MODULE_ALL, durations) * 1e3;
}

static int
s_run_makespan(pf_bench_cluster_t *cl, const s_options_t *opt, s_results_t *r)
{
    for (uint32_t run = 1; run <= opt->runs; run++) {
        pf_bench_makespan_t m;
        int rc = pf_bench_makespan(cl, S_MAKESPAN_SCALE, &m);
        if (rc != PF_OK)
            return rc;
        pf_samples_add(r->mk_result, m.result_ms);
        pf_samples_add(r->mk_wall, m.wall_ms);
        pf_samples_add(r->mk_ratio_cp, s_ratio(m.result_ms, r->mk_cp_ms));
        pf_samples_add(r->mk_ratio_cp_wall, s_ratio(m.wall_ms, r->mk_cp_ms));
        pf_samples_add(r->mk_ratio_barrier, s_ratio(m.result_ms, r->mk_barrier_ms));
        s_progress("makespan run %u/%u: RESULT %.1f ms, wall %.1f ms (critical path %.0f ms)",
                   run, opt->runs, m.result_ms, m.wall_ms, r->mk_cp_ms);
    }
    return PF_OK;
}

static int
s_run_rss(pf_bench_cluster_t *cl, const s_options_t *opt, s_results_t *r, uint32_t max_queued)
{
    for (uint32_t run = 1; run <= opt->runs; run++) {
        int rc = pf_bench_cluster_start_coordinator(cl, max_queued);
        if (rc != PF_OK)
            return rc;
        pf_bench_rss_t m;
        rc = pf_bench_rss(cl, opt->rss_jobs, opt->window, &m);
        int stop_rc = pf_bench_cluster_stop_coordinator(cl);
        if (rc != PF_OK)
            return rc;
        if (stop_rc != PF_OK)
            fprintf(stderr, "pf bench: warning: the coordinator did not stop cleanly\n");
        pf_samples_add(r->rss_hwm, m.hwm_kib / S_KIB_PER_MIB);
        pf_samples_add(r->rss_rss, m.rss_kib / S_KIB_PER_MIB);
        pf_samples_add(r->rss_base, m.base_rss_kib / S_KIB_PER_MIB);
        pf_samples_add(r->rss_ratio, s_ratio(m.hwm_kib, m.base_rss_kib));
        if (m.accepted)
            pf_samples_add(r->rss_per_job, (m.rss_kib - m.base_rss_kib) * 1024.0 / m.accepted);
        pf_samples_add(r->rss_accept_rate, m.accept_per_s);
        pf_samples_add(r->rss_accepted, m.accepted);
        r->rss_errors += m.errors;
        s_progress("rss run %u/%u: %u accepted (%.0f/s), VmHWM %.1f MiB, VmRSS %.1f MiB "
                        "(%.1f MiB at start)",
                   run, opt->runs, m.accepted, m.accept_per_s, m.hwm_kib / S_KIB_PER_MIB,
                   m.rss_kib / S_KIB_PER_MIB, m.base_rss_kib / S_KIB_PER_MIB);
    }
    return PF_OK;
}

/*  One throughput run on a fresh coordinator with the given store and
    fresh module actors (--simulate 0).  *jobs_per_s on success.            */
static int
s_durable_run(pf_bench_cluster_t *cl, const s_options_t *opt, const char *store,
              uint32_t max_queued, double *jobs_per_s, uint32_t *errors)
{
    pf_bench_cluster_set_store(cl, store);
    int rc = pf_bench_cluster_start_coordinator(cl, max_queued);
    if (rc == PF_OK)
        rc = pf_bench_cluster_start_modules(cl, 0.0);
    pf_bench_throughput_t t;
    if (rc == PF_OK)
        rc = pf_bench_throughput(cl, opt->jobs, opt->window, &t);
    if (pf_bench_cluster_stop_coordinator(cl) != PF_OK)
        fprintf(stderr, "pf bench: warning: a process did not stop cleanly\n");
    pf_bench_cluster_set_store(cl, NULL);
    if (rc != PF_OK)
        return rc;
    *jobs_per_s = t.jobs_per_s;
    *errors += t.errors;
    return PF_OK;
}

/*  The price of durability: the same throughput run with the job store in
    memory (the baseline) and in SQLite, alternating so drift in the
    machine's load hits both alike.                                          */
static int
s_run_durable(pf_bench_cluster_t *cl, const s_options_t *opt, s_results_t *r,
              uint32_t max_queued)
{
    for (uint32_t run = 1; run <= opt->runs; run++) {
        double memory = 0, sqlite = 0;
        int rc = s_durable_run(cl, opt, "memory", max_queued, &memory, &r->dur_errors);
        if (rc == PF_OK)
            rc = s_durable_run(cl, opt, "sqlite", max_queued, &sqlite, &r->dur_errors);
        if (rc != PF_OK)
            return rc;
        pf_samples_add(r->dur_memory, memory);
        pf_samples_add(r->dur_sqlite, sqlite);
        pf_samples_add(r->dur_ratio, s_ratio(sqlite, memory));
        s_progress("durable run %u/%u: sqlite %.0f jobs/s, memory %.0f jobs/s (%.2f)", run,
                   opt->runs, sqlite, memory, s_ratio(sqlite, memory));
    }
    return PF_OK;
}

/*  The emulator's limit in the rate runs: the adapter's rpm per second.    */
static uint32_t
s_rate_limit_per_window(void)
{
    return (uint32_t)(S_RATE_RPM * (S_RATE_WINDOW_MS / 1e3) / S_SECONDS_PER_MINUTE);
}

/*  The time the adapter's limit allows for calls requests: calls - 1
    intervals of 60 s / rpm, stretched by its default rate margin.          */
static double
s_rate_allowed_s(uint32_t calls)
{
    double margin = 1.0 + PF_ADAPTER_DEFAULT_RATE_MARGIN_PERMILLE / 1000.0;
    return (calls - 1) * S_SECONDS_PER_MINUTE / S_RATE_RPM * margin;
}

static int
s_adapter_start(pf_bench_cluster_t *cl, pf_bench_caller_t *caller, const char *const *args)
{
    int rc = pf_bench_cluster_start_adapter(cl, PF_BENCH_ADAPTER_PROVIDER, args);
    if (rc == PF_OK)
        rc = pf_bench_caller_ready(caller);
    return rc;
}

static int
s_adapter_runs(pf_bench_cluster_t *cl, pf_bench_caller_t *caller, const s_options_t *opt,
               s_results_t *r)
{
    char rpm[16], concurrency[16];
    snprintf(rpm, sizeof rpm, "%d", S_FETCH_RPM);
    snprintf(concurrency, sizeof concurrency, "%d", S_FETCH_CONCURRENCY);
    const char *const fast[] = { "--rpm", rpm, "--concurrency", concurrency, NULL };
    s_progress("adapter: %s adapter at %s/min, %s in flight", PF_BENCH_ADAPTER_PROVIDER, rpm,
               concurrency);
    int rc = s_adapter_start(cl, caller, fast);
    for (uint32_t run = 1; run <= opt->runs && rc == PF_OK; run++) {
        pf_bench_adapter_t a;
        rc = pf_bench_adapter(caller, opt->adapter_calls, opt->adapter_samples,
                              opt->adapter_fetches, S_ADAPTER_WINDOW, &a);
        if (rc != PF_OK)
            break;
        pf_samples_add(r->ad_base, a.base_per_s);
        pf_samples_add(r->ad_cached, a.cached_per_s);
        pf_samples_add(r->ad_ratio, s_ratio(a.cached_per_s, a.base_per_s));
        pf_samples_add(r->ad_base_p50, a.base_p50_ms);
        pf_samples_add(r->ad_base_p99, a.base_p99_ms);
        pf_samples_add(r->ad_cached_p50, a.cached_p50_ms);
        pf_samples_add(r->ad_cached_p99, a.cached_p99_ms);
        pf_samples_add(r->ad_ratio_p50, s_ratio(a.cached_p50_ms, a.base_p50_ms));
        pf_samples_add(r->ad_ratio_p99, s_ratio(a.cached_p99_ms, a.base_p99_ms));
        pf_samples_add(r->ad_fetch, a.fetch_per_s);
        pf_samples_add(r->ad_fetch_ratio, s_ratio(a.fetch_per_s, a.cached_per_s));
        pf_samples_add(r->ad_fetch_p50, a.fetch_p50_ms);
        pf_samples_add(r->ad_fetch_p99, a.fetch_p99_ms);
        r->ad_errors += a.errors;
        s_progress("adapter run %u/%u: cached %.0f calls/s, p50 %.3f ms (unknown op %.0f/s, "
                   "%.3f ms); fetch %.0f calls/s, p50 %.3f ms%s",
                   run, opt->runs, a.cached_per_s, a.cached_p50_ms, a.base_per_s,
                   a.base_p50_ms, a.fetch_per_s, a.fetch_p50_ms, a.errors ? ", with errors" : "");
    }
    if (rc != PF_OK)
        return rc;
    if (pf_bench_cluster_stop_adapter(cl) != PF_OK)
        fprintf(stderr, "pf bench: warning: the adapter did not stop cleanly\n");

    snprintf(rpm, sizeof rpm, "%d", S_RATE_RPM);
    const char *const paced[] = { "--rpm", rpm, NULL };
    uint32_t limit = s_rate_limit_per_window();
    double send_per_s = S_RATE_SEND_FACTOR * S_RATE_RPM / S_SECONDS_PER_MINUTE;
    r->rate_allowed_s = s_rate_allowed_s(opt->rate_calls);
    s_progress("adapter: rate fidelity, adapter at %s/min, pf-fakeapi enforcing %u per %d ms, "
               "calls sent at %.0f/s",
               rpm, limit, S_RATE_WINDOW_MS, send_per_s);
    rc = pf_bench_fakeapi_set_limit(cl, PF_BENCH_ADAPTER_PROVIDER, limit, S_RATE_WINDOW_MS);
    if (rc == PF_OK)
        rc = s_adapter_start(cl, caller, paced);
    for (uint32_t run = 1; run <= opt->runs && rc == PF_OK; run++) {
        pf_bench_rate_t t;
        rc = pf_bench_rate(caller, opt->rate_calls, send_per_s, &t);
        if (rc != PF_OK)
            break;
        double elapsed_s = t.elapsed_ms / 1e3;
        pf_samples_add(r->rate_elapsed, elapsed_s);
        pf_samples_add(r->rate_ratio, s_ratio(elapsed_s, r->rate_allowed_s));
        pf_samples_add(r->rate_max_window, t.max_in_window);
        pf_samples_add(r->rate_window_ratio, s_ratio(t.max_in_window, limit));
        pf_samples_add(r->rate_requests, t.requests);
        r->rate_limited += t.rate_limited;
        r->rate_errors += t.errors;
        if (t.requests < opt->rate_calls) {
            fprintf(stderr, "pf bench: rate run %u: pf-fakeapi saw %u requests for %u calls\n",
                    run, t.requests, opt->rate_calls);
            r->rate_errors++;
        }
        s_progress("rate run %u/%u: %u calls in %.3f s, the limit allows %.3f s (%.3f x); "
                   "pf-fakeapi: %u requests, %u refused, at most %u in one %d ms window",
                   run, opt->runs, opt->rate_calls, elapsed_s, r->rate_allowed_s,
                   elapsed_s / r->rate_allowed_s, t.requests, t.rate_limited, t.max_in_window,
                   S_RATE_WINDOW_MS);
    }
    return rc;
}

/*  The adapter path: a coordinator without modules, pf-fakeapi, the
    websearch adapter (restarted with another rate limit for the rate
    runs), and a caller actor in this process.                               */
static int
s_run_adapter(pf_bench_cluster_t *cl, const s_options_t *opt, s_results_t *r)
{
    s_progress("adapter: a coordinator, pf-fakeapi and a caller actor");
    int rc = pf_bench_cluster_start_coordinator(cl, 0);
    if (rc == PF_OK)
        rc = pf_bench_cluster_start_fakeapi(cl);
    pf_bench_caller_t *caller = NULL;
    if (rc == PF_OK) {
        caller = pf_bench_caller_new(cl);
        if (!caller)
            rc = PF_EIO;
    }
    if (rc == PF_OK)
        rc = s_adapter_runs(cl, caller, opt, r);
    pf_bench_caller_destroy(&caller);
    if (rc == PF_OK && pf_bench_cluster_stop_coordinator(cl) != PF_OK)
        fprintf(stderr, "pf bench: warning: a process did not stop cleanly\n");
    return rc;
}

/*  The batch scenario: one run (pf_bench_batch starts everything).        */
static int
s_run_batch(pf_bench_cluster_t *cl, const s_options_t *opt, s_results_t *r)
{
    s_progress("batch: coordinator, pf-fakeapi, 5 adapters and the 15 real modules; "
               "%u synthetic domains, rate limits x %u, max_concurrency %u",
               opt->batch_domains, opt->batch_scale, opt->batch_concurrency);
    int rc = pf_bench_batch(cl, opt->batch_domains, opt->batch_scale, opt->batch_concurrency,
                            opt->batch_deadline_ms, &r->batch);
    if (rc == PF_OK) {
        r->batch_ran = true;
        s_progress("batch: %u jobs in %.1f s; %u with all %d modules completed", r->batch.accepted,
                   r->batch.wall_ms / 1e3, r->batch.all_modules, PF_MODULE_COUNT);
    }
    if (pf_bench_cluster_stop_coordinator(cl) != PF_OK)
        fprintf(stderr, "pf bench: warning: a process did not stop cleanly\n");
    return rc;
}

/*  hop is read from the tap events of the latency runs.                    */
#define S_LATENCY_RUNS (S_LATENCY | S_HOP)
#define S_SIM0_RUNS (S_THROUGHPUT | S_LATENCY_RUNS)

static int
s_run_all(pf_bench_cluster_t *cl, const s_options_t *opt, s_results_t *r)
{
    uint32_t needed = (opt->rss_jobs > opt->window ? opt->rss_jobs : opt->window) + S_QUEUE_MARGIN;
    uint32_t max_queued = needed > PF_DEFAULT_MAX_QUEUED_JOBS ? needed : PF_DEFAULT_MAX_QUEUED_JOBS;
    int rc = PF_OK;
    if (opt->scenarios & (S_SIM0_RUNS | S_MAKESPAN)) {
        s_progress("starting a coordinator and %d module actors (--simulate %g)",
                   PF_MODULE_COUNT, (opt->scenarios & S_SIM0_RUNS) ? 0.0 : S_MAKESPAN_SCALE);
        rc = pf_bench_cluster_start_coordinator(cl, max_queued);
    }
    if (rc == PF_OK && (opt->scenarios & S_SIM0_RUNS)) {
        rc = pf_bench_cluster_start_modules(cl, 0.0);
        if (rc == PF_OK && (opt->scenarios & S_THROUGHPUT))
            rc = s_run_throughput(cl, opt, r);
        if (rc == PF_OK && (opt->scenarios & S_LATENCY_RUNS))
            rc = s_run_latency(cl, opt, r);
        if (rc == PF_OK && (opt->scenarios & S_MAKESPAN)) {
            s_progress("restarting the module actors with --simulate %g", S_MAKESPAN_SCALE);
            if (pf_bench_cluster_stop_modules(cl) != PF_OK)
                fprintf(stderr, "pf bench: warning: a module actor did not stop cleanly\n");
        }
    }
    if (rc == PF_OK && (opt->scenarios & S_MAKESPAN)) {
        rc = pf_bench_cluster_start_modules(cl, S_MAKESPAN_SCALE);
        if (rc == PF_OK)
            rc = s_run_makespan(cl, opt, r);
    }
    if (rc == PF_OK && (opt->scenarios & (S_SIM0_RUNS | S_MAKESPAN))) {
        if (pf_bench_cluster_stop_coordinator(cl) != PF_OK)
            fprintf(stderr, "pf bench: warning: a process did not stop cleanly\n");
    }
    if (rc == PF_OK && (opt->scenarios & S_RSS)) {
        s_progress("rss: a coordinator without module actors, %u async jobs", opt->rss_jobs);
        rc = s_run_rss(cl, opt, r, max_queued);
    }
    if (rc == PF_OK && (opt->scenarios & S_DURABLE)) {
        s_progress("durable: throughput with the sqlite store vs the memory store");
        rc = s_run_durable(cl, opt, r, max_queued);
    }
    if (rc == PF_OK && (opt->scenarios & S_ADAPTER))
        rc = s_run_adapter(cl, opt, r);
    if (rc == PF_OK && (opt->scenarios & S_BATCH))
        rc = s_run_batch(cl, opt, r);
    return rc;
}

/* ---------------------------------------------------------------- machine */

typedef struct {
    long nproc;             /* online CPUs                                  */
    char cpu[256];          /* model name from /proc/cpuinfo                */
    char kernel[2 * sizeof ((struct utsname *)0)->release + 2]; /* uname -sr */
} s_machine_t;

static void
s_machine(s_machine_t *m)
{
    m->nproc = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(m->cpu, sizeof m->cpu, "unknown");
    FILE *file = fopen("/proc/cpuinfo", "re");
    if (file) {
        char line[512];
        while (fgets(line, sizeof line, file)) {
            if (strncmp(line, "model name", 10) != 0)
                continue;
            char *colon = strchr(line, ':');
            if (!colon)
                continue;
            colon++;
            colon += strspn(colon, " \t");
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(m->cpu, sizeof m->cpu, "%s", colon);
            break;
        }
        fclose(file);
    }
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(m->kernel, sizeof m->kernel, "%s %s", u.sysname, u.release);
    else
        snprintf(m->kernel, sizeof m->kernel, "unknown");
}

/* ------------------------------------------------------------------- JSON */

static json_t *
s_jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/*  {median, min, max, values}; null when the figure was never measured.    */
static json_t *
s_jstat(pf_samples_t *s)
{
    if (pf_samples_count(s) == 0)
        return json_null();
    double median = NAN, min = NAN, max = NAN;
    pf_samples_median(s, &median);
    pf_samples_min(s, &min);
    pf_samples_max(s, &max);
    json_t *values = json_array();
    const double *v = pf_samples_values(s);
    for (size_t i = 0; i < pf_samples_count(s); i++)
        json_array_append_new(values, s_jnum(v[i]));
    return json_pack("{s:o, s:o, s:o, s:o}", "median", s_jnum(median), "min", s_jnum(min), "max",
                     s_jnum(max), "values", values);
}

static json_t *
s_jtarget(const char *metric, const char *op, double value, const char *unit, bool met,
          bool applies)
{
    return json_pack("{s:s, s:s, s:f, s:s, s:b, s:b}", "metric", metric, "op", op, "value", value,
                     "unit", unit, "met", met, "applies", applies);
}

/*  The adapter scenario: cached (baseline: unknown op), fetch (baseline:
    cached), rate (baseline: the time the limit allows).                    */
static json_t *
s_json_adapter(const s_options_t *opt, s_results_t *r)
{
    json_t *cached = json_pack(
        "{s:i, s:i, s:o, s:o, s:o, s:{s:s, s:o, s:o, s:o}, s:o, s:o, s:o}", "calls",
        (json_int_t)opt->adapter_calls, "samples", (json_int_t)opt->adapter_samples, "per_s",
        s_jstat(r->ad_cached), "p50_ms", s_jstat(r->ad_cached_p50), "p99_ms",
        s_jstat(r->ad_cached_p99), "baseline", "what",
        "the same caller's calls of an unknown operation: answered by the adapter at once, "
        "no cache, no HTTP",
        "per_s", s_jstat(r->ad_base), "p50_ms", s_jstat(r->ad_base_p50), "p99_ms",
        s_jstat(r->ad_base_p99), "ratio_per_s", s_jstat(r->ad_ratio), "ratio_p50",
        s_jstat(r->ad_ratio_p50), "ratio_p99", s_jstat(r->ad_ratio_p99));
    json_t *fetch = json_pack(
        "{s:i, s:i, s:i, s:i, s:o, s:o, s:o, s:{s:s, s:o}, s:o}", "calls",
        (json_int_t)opt->adapter_fetches, "samples", (json_int_t)opt->adapter_samples,
        "adapter_rpm", (json_int_t)S_FETCH_RPM, "adapter_concurrency",
        (json_int_t)S_FETCH_CONCURRENCY,
        "per_s", s_jstat(r->ad_fetch), "p50_ms", s_jstat(r->ad_fetch_p50), "p99_ms",
        s_jstat(r->ad_fetch_p99), "baseline", "what", "the cached calls/s of the same run",
        "per_s", s_jstat(r->ad_cached), "ratio_per_s", s_jstat(r->ad_fetch_ratio));
    uint32_t limit = s_rate_limit_per_window();
    double ratio = s_median(r->rate_ratio);
    double max_window = NAN;
    pf_samples_max(r->rate_max_window, &max_window);
    json_t *targets = json_pack(
        "[o, o, o]",
        s_jtarget("ratio median", "<=", S_TARGET_RATE_RATIO, "x allowed",
                  ratio <= S_TARGET_RATE_RATIO, true),
        s_jtarget("rate_limited total", "==", 0, "requests", r->rate_limited == 0, true),
        s_jtarget("max_in_window max", "<=", limit, "requests", max_window <= limit, true));
    json_t *rate = json_pack(
        "{s:i, s:i, s:f, s:{s:i, s:i}, s:o, s:{s:s, s:f}, s:o, s:o, s:o, s:o, s:i, s:i, s:o}",
        "calls", (json_int_t)opt->rate_calls, "adapter_rpm", (json_int_t)S_RATE_RPM,
        "send_per_s", S_RATE_SEND_FACTOR * S_RATE_RPM / S_SECONDS_PER_MINUTE, "emulator_limit",
        "limit", (json_int_t)limit, "window_ms", (json_int_t)S_RATE_WINDOW_MS, "elapsed_s",
        s_jstat(r->rate_elapsed), "baseline", "what",
        "the time the limit allows: (calls - 1) x 60 s / rpm x 1.01 (the adapter's rate margin)",
        "allowed_s", r->rate_allowed_s, "ratio", s_jstat(r->rate_ratio), "max_in_window",
        s_jstat(r->rate_max_window), "max_in_window_ratio", s_jstat(r->rate_window_ratio),
        "requests", s_jstat(r->rate_requests), "rate_limited", (json_int_t)r->rate_limited,
        "errors", (json_int_t)r->rate_errors, "targets", targets);
    return json_pack("{s:i, s:s, s:s, s:i, s:o, s:o, s:o, s:i}", "runs",
                     (json_int_t)pf_samples_count(r->ad_cached), "provider",
                     PF_BENCH_ADAPTER_PROVIDER, "caller", PF_BENCH_CALLER_SERVICE, "window",
                     (json_int_t)S_ADAPTER_WINDOW, "cached", cached, "fetch", fetch, "rate", rate,
                     "errors", (json_int_t)r->ad_errors);
}

/*  Figures of the batch scenario derived from the counts.                 */
typedef struct {
    uint32_t http;          /* HTTP requests to all providers (pf-fakeapi)  */
    uint32_t rate_limited;  /* 429s over all providers                      */
    uint32_t api_errors;    /* api.call events with an error status         */
    bool windows_ok;        /* every provider's max_in_window <= its limit  */
    double window_ratio;    /* the largest max_in_window / limit            */
    bool tap_matches;       /* HTTP attempts on the tap = pf-fakeapi's count */
    int bottleneck;         /* provider index with the longest default time */
    double default_s;       /* its requests x 60 s / its default rpm        */
    double scaled_s;        /* the same at the scaled rpm: the run's floor  */
} s_batch_model_t;

static void
s_batch_model(const pf_bench_batch_t *b, s_batch_model_t *m)
{
    memset(m, 0, sizeof *m);
    m->windows_ok = true;
    m->tap_matches = true;
    m->bottleneck = -1;
    for (uint32_t i = 0; i < b->providers; i++) {
        const pf_bench_provider_t *p = &b->provider[i];
        m->http += p->requests;
        m->rate_limited += p->rate_limited;
        m->api_errors += p->errors;
        if (p->max_in_window > p->limit)
            m->windows_ok = false;
        if (p->limit && (double)p->max_in_window / p->limit > m->window_ratio)
            m->window_ratio = (double)p->max_in_window / p->limit;
        if (p->live + p->retries + p->session != p->requests)
            m->tap_matches = false;
        double t = p->default_rpm ? p->requests * S_SECONDS_PER_MINUTE / p->default_rpm : 0;
        if (m->bottleneck < 0 || t > m->default_s) {
            m->bottleneck = (int)i;
            m->default_s = t;
            m->scaled_s = p->rpm ? p->requests * S_SECONDS_PER_MINUTE / p->rpm : 0;
        }
    }
}

/*  [{what, count}] of a table of kinds.                                    */
static json_t *
s_json_kinds(const pf_bench_failure_t *table, uint32_t kinds)
{
    json_t *list = json_array();
    for (uint32_t i = 0; i < kinds; i++)
        json_array_append_new(list, json_pack("{s:s, s:i}", "what", table[i].what, "count",
                                              (json_int_t)table[i].count));
    return list;
}

/*  The batch scenario: counts per provider (totals and per domain), job
    outcomes, the time taken and the time the default limits imply.        */
static json_t *
s_json_batch(const s_options_t *opt, s_results_t *r)
{
    const pf_bench_batch_t *b = &r->batch;
    s_batch_model_t m;
    s_batch_model(b, &m);
    double domains = b->accepted ? b->accepted : 1;
    json_t *providers = json_object();
    for (uint32_t i = 0; i < b->providers; i++) {
        const pf_bench_provider_t *p = &b->provider[i];
        uint32_t calls = p->live + p->cached + p->deduplicated;
        json_t *ops = json_object();
        for (uint32_t k = 0; k < p->op_count; k++)
            json_object_set_new(ops, p->ops[k].op,
                                json_pack("{s:i, s:i, s:i}", "http", (json_int_t)p->ops[k].http,
                                          "cached", (json_int_t)p->ops[k].cached, "deduplicated",
                                          (json_int_t)p->ops[k].deduplicated));
        json_object_set_new(
            providers, p->name,
            json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, "
                      "s:i, s:f, s:{s:f, s:f, s:f, s:f, s:f}, s:f, s:f, s:o}",
                      "default_rpm", (json_int_t)p->default_rpm, "rpm", (json_int_t)p->rpm,
                      "emulator_limit", (json_int_t)p->limit, "emulator_window_ms",
                      (json_int_t)p->window_ms, "requests", (json_int_t)p->requests,
                      "rate_limited", (json_int_t)p->rate_limited, "max_in_window",
                      (json_int_t)p->max_in_window, "calls", (json_int_t)calls, "live",
                      (json_int_t)p->live, "retries", (json_int_t)p->retries, "session",
                      (json_int_t)p->session, "cached", (json_int_t)p->cached, "deduplicated",
                      (json_int_t)p->deduplicated, "errors", (json_int_t)p->errors,
                      "queued_max", (json_int_t)p->queued_max,
                      "queue_wait_default_s",
                      p->default_rpm ? p->queued_max * S_SECONDS_PER_MINUTE / p->default_rpm : 0.0,
                      "per_domain", "calls", calls / domains,
                      "requests", p->requests / domains, "live", p->live / domains, "cached",
                      p->cached / domains, "deduplicated", p->deduplicated / domains,
                      "default_limit_s",
                      p->default_rpm ? p->requests * S_SECONDS_PER_MINUTE / p->default_rpm : 0.0,
                      "scaled_limit_s",
                      p->rpm ? p->requests * S_SECONDS_PER_MINUTE / p->rpm : 0.0, "ops", ops));
    }
    json_t *failures = s_json_kinds(b->failures, b->failure_kinds);
    json_t *retries = s_json_kinds(b->retries, b->retry_kinds);
    json_t *degraded = s_json_kinds(b->degraded, b->degraded_kinds);
    json_t *modules = json_object();
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        json_object_set_new(modules, pf_graph_name(i), json_integer(b->module_done[i]));
    json_t *targets = json_array();
    json_array_append_new(targets, s_jtarget("jobs with all 15 modules completed", "==",
                                             b->accepted, "jobs", b->all_modules == b->accepted,
                                             true));
    json_array_append_new(targets, s_jtarget("provider 429s", "==", 0, "responses",
                                             m.rate_limited == 0, true));
    json_array_append_new(targets, s_jtarget("max_in_window / limit, worst provider", "<=", 1.0,
                                             "x limit", m.windows_ok, true));
    const char *bottleneck = m.bottleneck >= 0 ? b->provider[m.bottleneck].name : "";
    json_t *out = json_pack(
        "{s:i, s:i, s:i, s:i, s:{s:i, s:i, s:i, s:i}, s:i, s:o, s:o, s:i, s:i, s:i, s:s, "
        "s:f, s:f, s:f, s:f, "
        "s:{s:s, s:f, s:f, s:f}, s:i, s:i, s:f, s:i, s:b, s:o, s:o}",
        "domains", (json_int_t)opt->batch_domains, "scale", (json_int_t)opt->batch_scale,
        "max_concurrency", (json_int_t)opt->batch_concurrency, "accepted",
        (json_int_t)b->accepted, "jobs", "completed", (json_int_t)b->completed, "partial",
        (json_int_t)b->partial, "failed", (json_int_t)b->failed, "cancelled",
        (json_int_t)b->cancelled, "all_modules", (json_int_t)b->all_modules, "module_completed",
        modules, "module_failures", failures, "module_failures_other",
        (json_int_t)b->failures_other, "degraded_jobs", (json_int_t)b->degraded_jobs,
        "degraded_fields", (json_int_t)b->degraded_fields, "degraded_example",
        b->degraded_example, "wall_s", b->wall_ms / 1e3, "job_p50_s",
        b->job_p50_ms / 1e3, "job_max_s", b->job_max_ms / 1e3, "domains_per_min",
        b->wall_ms > 0 ? b->accepted * S_SECONDS_PER_MINUTE * 1e3 / b->wall_ms : 0.0,
        "baseline", "bottleneck", bottleneck, "scaled_limit_s", m.scaled_s, "default_limit_s",
        m.default_s, "ratio_wall_to_scaled", m.scaled_s > 0 ? b->wall_ms / 1e3 / m.scaled_s : 0.0,
        "requests", (json_int_t)m.http, "rate_limited", (json_int_t)m.rate_limited,
        "window_ratio", m.window_ratio, "api_errors",
        (json_int_t)m.api_errors, "tap_matches_emulator", m.tap_matches, "providers", providers,
        "targets", targets);
    json_object_set_new(out, "module_timeout_ms", json_integer(b->module_timeout_ms));
    json_object_set_new(out, "adapter_deadline_ms",
                        json_integer(b->deadline_ms ? b->deadline_ms
                                                    : PF_RETRY_DEFAULT_DEADLINE_MS));
    json_object_set_new(out, "module_retries", retries);
    json_object_set_new(out, "module_retries_other", json_integer(b->retries_other));
    json_object_set_new(out, "degraded_kinds", degraded);
    json_object_set_new(out, "degraded_kinds_other", json_integer(b->degraded_other));
    return out;
}

static json_t *
s_json(const s_options_t *opt, const s_machine_t *m, s_results_t *r, bool ok, double elapsed_s)
{
    json_t *scenarios = json_object();
    if (r->tp_runs) {
        double jobs = s_median(r->tp_jobs);
        json_object_set_new(
            scenarios, "throughput",
            json_pack("{s:i, s:i, s:i, s:i, s:o, s:{s:s, s:o}, s:o, s:i, s:o}", "runs",
                      (json_int_t)r->tp_runs, "jobs", (json_int_t)opt->jobs, "window",
                      (json_int_t)opt->window, "module_actors", (json_int_t)PF_MODULE_COUNT,
                      "jobs_per_s", s_jstat(r->tp_jobs), "baseline", "what",
                      "pipelined PING round trips per second, same window, same coordinator",
                      "per_s", s_jstat(r->tp_pings), "ratio", s_jstat(r->tp_ratio), "errors",
                      (json_int_t)r->tp_errors, "target",
                      s_jtarget("jobs_per_s median", ">=", S_TARGET_JOBS_PER_S, "jobs/s",
                                jobs >= S_TARGET_JOBS_PER_S,
                                opt->jobs >= S_TARGET_JOBS_FOR)));
    }
    if (r->lat_runs && (opt->scenarios & S_LATENCY)) {
        double p50 = s_median(r->lat_p50);
        json_object_set_new(
            scenarios, "latency",
            json_pack("{s:i, s:i, s:o, s:o, s:{s:s, s:o, s:o}, s:o, s:o, s:i, s:o}", "runs",
                      (json_int_t)r->lat_runs, "samples", (json_int_t)opt->samples, "p50_ms",
                      s_jstat(r->lat_p50), "p99_ms", s_jstat(r->lat_p99), "baseline", "what",
                      "sequential PING round trip", "p50_ms", s_jstat(r->lat_ping_p50), "p99_ms",
                      s_jstat(r->lat_ping_p99), "ratio_p50", s_jstat(r->lat_ratio_p50),
                      "ratio_p99", s_jstat(r->lat_ratio_p99), "errors", (json_int_t)r->lat_errors,
                      "target",
                      s_jtarget("p50_ms median", "<=", S_TARGET_P50_MS, "ms",
                                p50 <= S_TARGET_P50_MS, true)));
    }
    if (r->lat_runs && (opt->scenarios & S_HOP)) {
        json_object_set_new(
            scenarios, "hop",
            json_pack("{s:i, s:i, s:i, s:o, s:o, s:{s:s, s:o, s:o}, s:o, s:o, s:{s:s, s:o, s:o}}",
                      "runs",
                      (json_int_t)r->lat_runs, "hops", (json_int_t)r->hop_count,
                      "jobs_incomplete", (json_int_t)r->hop_incomplete, "p50_us",
                      s_jstat(r->hop_p50), "p99_us", s_jstat(r->hop_p99), "baseline", "what",
                      "half a PING round trip", "p50_us", s_jstat(r->hop_base_p50), "p99_us",
                      s_jstat(r->hop_base_p99), "ratio_p50", s_jstat(r->hop_ratio_p50),
                      "ratio_p99", s_jstat(r->hop_ratio_p99), "task_round_trip", "what",
                      "module.completed - module.started: coordinator to actor and back",
                      "p50_us", s_jstat(r->task_p50), "p99_us", s_jstat(r->task_p99)));
    }
    if (pf_samples_count(r->mk_result)) {
        double ratio = s_median(r->mk_ratio_cp);
        json_object_set_new(
            scenarios, "makespan",
            json_pack("{s:i, s:f, s:o, s:o, s:f, s:f, s:o, s:o, s:o, s:o}", "runs",
                      (json_int_t)pf_samples_count(r->mk_result), "scale", S_MAKESPAN_SCALE,
                      "result_ms", s_jstat(r->mk_result), "wall_ms", s_jstat(r->mk_wall),
                      "critical_path_ms", r->mk_cp_ms, "barrier_ms", r->mk_barrier_ms,
                      "ratio_critical_path", s_jstat(r->mk_ratio_cp), "ratio_critical_path_wall",
                      s_jstat(r->mk_ratio_cp_wall), "ratio_barrier",
                      s_jstat(r->mk_ratio_barrier), "target",
                      s_jtarget("ratio_critical_path median", "<=", S_TARGET_MAKESPAN_RATIO,
                                "x critical path", ratio <= S_TARGET_MAKESPAN_RATIO, true)));
    }
    if (pf_samples_count(r->rss_hwm)) {
        double hwm = s_median(r->rss_hwm);
        json_object_set_new(
            scenarios, "rss",
            json_pack("{s:i, s:i, s:o, s:o, s:o, s:{s:s, s:o}, s:o, s:o, s:o, s:i, s:o}",
                      "runs", (json_int_t)pf_samples_count(r->rss_hwm), "jobs",
                      (json_int_t)opt->rss_jobs, "accepted", s_jstat(r->rss_accepted),
                      "vmhwm_mib", s_jstat(r->rss_hwm), "vmrss_mib", s_jstat(r->rss_rss),
                      "baseline", "what", "coordinator VmRSS right after start", "vmrss_mib",
                      s_jstat(r->rss_base), "ratio", s_jstat(r->rss_ratio), "bytes_per_job",
                      s_jstat(r->rss_per_job), "accept_per_s", s_jstat(r->rss_accept_rate),
                      "errors", (json_int_t)r->rss_errors, "target",
                      s_jtarget("vmhwm_mib median", "<=", S_TARGET_RSS_MIB, "MiB",
                                hwm <= S_TARGET_RSS_MIB, opt->rss_jobs >= S_TARGET_RSS_JOBS)));
    }
    if (pf_samples_count(r->dur_ratio)) {
        double ratio = s_median(r->dur_ratio);
        json_object_set_new(
            scenarios, "durable",
            json_pack("{s:i, s:i, s:i, s:o, s:{s:s, s:o}, s:o, s:i, s:o}", "runs",
                      (json_int_t)pf_samples_count(r->dur_ratio), "jobs", (json_int_t)opt->jobs,
                      "window", (json_int_t)opt->window, "sqlite_jobs_per_s",
                      s_jstat(r->dur_sqlite), "baseline", "what",
                      "the same throughput run with --store memory, alternating", "jobs_per_s",
                      s_jstat(r->dur_memory), "ratio", s_jstat(r->dur_ratio), "errors",
                      (json_int_t)r->dur_errors, "target",
                      s_jtarget("ratio median", ">=", S_TARGET_DURABLE_RATIO, "x memory",
                                ratio >= S_TARGET_DURABLE_RATIO, true)));
    }
    if (pf_samples_count(r->ad_cached))
        json_object_set_new(scenarios, "adapter", s_json_adapter(opt, r));
    if (r->batch_ran)
        json_object_set_new(scenarios, "batch", s_json_batch(opt, r));
    return json_pack("{s:s, s:b, s:f, s:{s:i, s:s, s:s}, s:{s:i, s:i, s:i, s:i, s:i, s:f, s:b, "
                     "s:i, s:i, s:i, s:i}, s:o}",
                     "tool", "pf bench", "ok", ok, "elapsed_s", elapsed_s, "machine", "nproc",
                     (json_int_t)m->nproc, "cpu_model", m->cpu, "kernel", m->kernel, "config",
                     "runs", (json_int_t)opt->runs, "jobs", (json_int_t)opt->jobs, "window",
                     (json_int_t)opt->window, "samples", (json_int_t)opt->samples, "rss_jobs",
                     (json_int_t)opt->rss_jobs, "makespan_scale", S_MAKESPAN_SCALE, "quick",
                     opt->quick, "adapter_calls", (json_int_t)opt->adapter_calls,
                     "adapter_samples", (json_int_t)opt->adapter_samples, "adapter_fetches",
                     (json_int_t)opt->adapter_fetches, "rate_calls", (json_int_t)opt->rate_calls,
                     "scenarios", scenarios);
}

/* ------------------------------------------------------------------ table */

#define S_ROW_FMT "%-11s %-28s %11s %23s  %-30s %8s  %s\n"

static void
s_fmt(char *out, size_t size, double v, int decimals)
{
    if (isfinite(v))
        snprintf(out, size, "%.*f", decimals, v);
    else
        snprintf(out, size, "-");
}

/*  One line: the median and range of s, a baseline text, the median of
    ratio (may be NULL), and a target verdict (may be NULL).                 */
static void
s_row(const char *scenario, const char *metric, pf_samples_t *s, int decimals,
      const char *baseline, pf_samples_t *ratio, const char *target)
{
    double median = NAN, min = NAN, max = NAN;
    pf_samples_median(s, &median);
    pf_samples_min(s, &min);
    pf_samples_max(s, &max);
    char med_text[32], min_text[32], max_text[32], range[72], ratio_text[32];
    s_fmt(med_text, sizeof med_text, median, decimals);
    s_fmt(min_text, sizeof min_text, min, decimals);
    s_fmt(max_text, sizeof max_text, max, decimals);
    snprintf(range, sizeof range, "%s - %s", min_text, max_text);
    s_fmt(ratio_text, sizeof ratio_text, ratio ? s_median(ratio) : NAN, 3);
    printf(S_ROW_FMT, scenario, metric, med_text, range, baseline ? baseline : "",
           ratio ? ratio_text : "", target ? target : "");
}

static const char *
s_verdict(char *out, size_t size, const char *goal, bool met, bool applies)
{
    snprintf(out, size, "%s %s", goal, !applies ? "(n/a: other size)" : met ? "MET" : "MISSED");
    return out;
}

/*  The batch scenario's table: one line per provider, then the outcome.    */
static void
s_table_batch(const s_options_t *opt, s_results_t *r)
{
    const pf_bench_batch_t *b = &r->batch;
    s_batch_model_t m;
    s_batch_model(b, &m);
    double domains = b->accepted ? b->accepted : 1;
    printf("\nbatch: %u synthetic domains, rate limits x %u on the adapters and pf-fakeapi, "
           "max_concurrency %u\n",
           opt->batch_domains, opt->batch_scale, opt->batch_concurrency);
    printf("%-14s %12s %11s %7s %7s %8s %7s %5s %6s %6s %9s %9s %10s\n", "provider",
           "rpm (x K)", "emu limit", "calls/d", "HTTP/d", "cached/d", "dedup/d", "429s", "maxwin",
           "errors", "queue max", "default s", "scaled s");
    for (uint32_t i = 0; i < b->providers; i++) {
        const pf_bench_provider_t *p = &b->provider[i];
        char rpm[32], limit[32];
        snprintf(rpm, sizeof rpm, "%u (%u)", p->default_rpm, p->rpm);
        snprintf(limit, sizeof limit, "%u/%ums", p->limit, p->window_ms);
        char wait[32];
        snprintf(wait, sizeof wait, "%u", p->queued_max);
        printf("%-14s %12s %11s %7.2f %7.2f %8.2f %7.2f %5u %6u %6u %9s %9.0f %10.1f\n", p->name,
               rpm, limit, (p->live + p->cached + p->deduplicated) / domains,
               p->requests / domains, p->cached / domains, p->deduplicated / domains,
               p->rate_limited, p->max_in_window, p->errors, wait,
               p->default_rpm ? p->requests * S_SECONDS_PER_MINUTE / p->default_rpm : 0,
               p->rpm ? p->requests * S_SECONDS_PER_MINUTE / p->rpm : 0);
        for (uint32_t k = 0; k < p->op_count; k++)
            printf("  %-20s per domain: %.2f HTTP, %.2f cached, %.2f deduplicated\n",
                   p->ops[k].op, p->ops[k].http / domains, p->ops[k].cached / domains,
                   p->ops[k].deduplicated / domains);
    }
    printf("jobs: %u completed, %u partial, %u failed, %u cancelled; %u of %u with all %d modules "
           "(%s)\n",
           b->completed, b->partial, b->failed, b->cancelled, b->all_modules, b->accepted,
           PF_MODULE_COUNT, b->all_modules == b->accepted ? "MET" : "MISSED");
    for (uint32_t i = 0; i < b->failure_kinds; i++)
        printf("  not completed: %s in %u job(s)\n", b->failures[i].what, b->failures[i].count);
    printf("degraded by a failed provider call: %u field(s) in %u job(s)%s%s\n",
           b->degraded_fields, b->degraded_jobs, b->degraded_fields ? "; first: " : "",
           b->degraded_example);
    for (uint32_t i = 0; i < b->degraded_kinds; i++)
        printf("  missing: %s, %u field(s)\n", b->degraded[i].what, b->degraded[i].count);
    for (uint32_t i = 0; i < b->retry_kinds; i++)
        printf("  attempt failed and retried: %s, %u time(s)\n", b->retries[i].what,
               b->retries[i].count);
    printf("deadlines: module attempt %u ms (PF_MODULE_TIMEOUT_MS); one adapter call %u ms "
           "(--deadline-ms)\n",
           b->module_timeout_ms,
           b->deadline_ms ? b->deadline_ms : (uint32_t)PF_RETRY_DEFAULT_DEADLINE_MS);
    printf("time: %.1f s for the batch (job p50 %.1f s, max %.1f s); the bottleneck %s's "
           "requests at its scaled limit take %.1f s (ratio %.2f); at the default limits %.0f s "
           "(%.1f min)\n",
           b->wall_ms / 1e3, b->job_p50_ms / 1e3, b->job_max_ms / 1e3,
           m.bottleneck >= 0 ? b->provider[m.bottleneck].name : "-", m.scaled_s,
           m.scaled_s > 0 ? b->wall_ms / 1e3 / m.scaled_s : 0, m.default_s, m.default_s / 60);
    printf("limits: %u provider 429s (%s); max_in_window <= limit for every provider (%s); "
           "%u api.call error(s); tap and pf-fakeapi agree on HTTP requests: %s\n",
           m.rate_limited, m.rate_limited == 0 ? "MET" : "MISSED", m.windows_ok ? "MET" : "MISSED",
           m.api_errors, m.tap_matches ? "yes" : "no");
}

static void
s_table(const s_options_t *opt, const s_machine_t *m, s_results_t *r, double elapsed_s)
{
    printf("pf bench: %ld CPU(s), %s, %s; %u run(s) per scenario, %.1f s in all\n", m->nproc,
           m->cpu, m->kernel, opt->runs, elapsed_s);
    if (opt->scenarios & ~(unsigned)S_BATCH)
        printf("\n" S_ROW_FMT, "scenario", "metric", "median", "min - max", "baseline (median)",
               "ratio", "target");
    char base[64], verdict[96];
    if (r->tp_runs) {
        snprintf(base, sizeof base, "PING %.0f/s (W=%u)", s_median(r->tp_pings), opt->window);
        s_row("throughput", "no-op enrichments/s", r->tp_jobs, 1, base, r->tp_ratio,
              s_verdict(verdict, sizeof verdict, ">= 1000/s",
                        s_median(r->tp_jobs) >= S_TARGET_JOBS_PER_S,
                        opt->jobs >= S_TARGET_JOBS_FOR));
        printf("%-11s %u jobs per run, %u in flight, %d module actors, %u error(s)\n", "",
               opt->jobs, opt->window, PF_MODULE_COUNT, r->tp_errors);
    }
    if (r->lat_runs && (opt->scenarios & S_LATENCY)) {
        snprintf(base, sizeof base, "PING p50 %.3f ms", s_median(r->lat_ping_p50));
        s_row("latency", "single ENRICH p50 (ms)", r->lat_p50, 3, base, r->lat_ratio_p50,
              s_verdict(verdict, sizeof verdict, "<= 3 ms",
                        s_median(r->lat_p50) <= S_TARGET_P50_MS, true));
        snprintf(base, sizeof base, "PING p99 %.3f ms", s_median(r->lat_ping_p99));
        s_row("", "single ENRICH p99 (ms)", r->lat_p99, 3, base, r->lat_ratio_p99, NULL);
        printf("%-11s %u sequential requests per run, %u error(s)\n", "", opt->samples,
               r->lat_errors);
    }
    if (r->lat_runs && (opt->scenarios & S_HOP)) {
        snprintf(base, sizeof base, "RTT/2 p50 %.1f us", s_median(r->hop_base_p50));
        s_row("hop", "dependent hop p50 (us)", r->hop_p50, 1, base, r->hop_ratio_p50, NULL);
        snprintf(base, sizeof base, "RTT/2 p99 %.1f us", s_median(r->hop_base_p99));
        s_row("", "dependent hop p99 (us)", r->hop_p99, 1, base, r->hop_ratio_p99, NULL);
        snprintf(base, sizeof base, "PING RTT p50 %.1f us", 2 * s_median(r->hop_base_p50));
        s_row("", "module task round trip p50", r->task_p50, 1, base, NULL, NULL);
        s_row("", "module task round trip p99", r->task_p99, 1, NULL, NULL, NULL);
        printf("%-11s %u hops measured, %u job(s) with missing tap events\n", "", r->hop_count,
               r->hop_incomplete);
    }
    if (pf_samples_count(r->mk_result)) {
        snprintf(base, sizeof base, "critical path %.0f ms", r->mk_cp_ms);
        s_row("makespan", "RESULT duration_ms", r->mk_result, 1, base, r->mk_ratio_cp,
              s_verdict(verdict, sizeof verdict, "<= 1.02 x",
                        s_median(r->mk_ratio_cp) <= S_TARGET_MAKESPAN_RATIO, true));
        s_row("", "client wall time (ms)", r->mk_wall, 1, base, r->mk_ratio_cp_wall, NULL);
        snprintf(base, sizeof base, "barrier schedule %.0f ms", r->mk_barrier_ms);
        s_row("", "RESULT vs barrier schedule", r->mk_result, 1, base, r->mk_ratio_barrier, NULL);
        printf("%-11s one job at a time, modules simulated at %g x estimate\n", "",
               S_MAKESPAN_SCALE);
    }
    if (pf_samples_count(r->rss_hwm)) {
        snprintf(base, sizeof base, "VmRSS at start %.1f MiB", s_median(r->rss_base));
        s_row("rss", "coordinator VmHWM (MiB)", r->rss_hwm, 1, base, r->rss_ratio,
              s_verdict(verdict, sizeof verdict, "<= 256 MiB",
                        s_median(r->rss_hwm) <= S_TARGET_RSS_MIB,
                        opt->rss_jobs >= S_TARGET_RSS_JOBS));
        s_row("", "coordinator VmRSS (MiB)", r->rss_rss, 1, base, NULL, NULL);
        s_row("", "bytes per queued job", r->rss_per_job, 0, NULL, NULL, NULL);
        s_row("", "async jobs accepted/s", r->rss_accept_rate, 0, NULL, NULL, NULL);
        printf("%-11s %u async jobs queued, no module actors, %u error(s)\n", "", opt->rss_jobs,
               r->rss_errors);
    }
    if (pf_samples_count(r->dur_ratio)) {
        snprintf(base, sizeof base, "memory %.0f/s", s_median(r->dur_memory));
        s_row("durable", "sqlite store enrichments/s", r->dur_sqlite, 1, base, r->dur_ratio,
              s_verdict(verdict, sizeof verdict, ">= 0.70 x memory",
                        s_median(r->dur_ratio) >= S_TARGET_DURABLE_RATIO, true));
        s_row("", "memory store enrichments/s", r->dur_memory, 1, NULL, NULL, NULL);
        printf("%-11s %u jobs per run, %u in flight, fresh processes per run, %u error(s)\n", "",
               opt->jobs, opt->window, r->dur_errors);
    }
    if (pf_samples_count(r->ad_cached)) {
        snprintf(base, sizeof base, "unknown op %.0f/s", s_median(r->ad_base));
        s_row("adapter", "cached calls/s", r->ad_cached, 0, base, r->ad_ratio, NULL);
        snprintf(base, sizeof base, "unknown op p50 %.3f ms", s_median(r->ad_base_p50));
        s_row("", "cached call p50 (ms)", r->ad_cached_p50, 3, base, r->ad_ratio_p50, NULL);
        snprintf(base, sizeof base, "unknown op p99 %.3f ms", s_median(r->ad_base_p99));
        s_row("", "cached call p99 (ms)", r->ad_cached_p99, 3, base, r->ad_ratio_p99, NULL);
        snprintf(base, sizeof base, "cached %.0f/s", s_median(r->ad_cached));
        s_row("", "fetch calls/s (HTTP)", r->ad_fetch, 0, base, r->ad_fetch_ratio, NULL);
        s_row("", "fetch call p50 (ms)", r->ad_fetch_p50, 3, NULL, NULL, NULL);
        s_row("", "fetch call p99 (ms)", r->ad_fetch_p99, 3, NULL, NULL, NULL);
        printf("%-11s %s adapter, caller actor %s; %u calls per run (%u fetched), %d in "
               "flight; %u one at a time; %u error(s)\n",
               "", PF_BENCH_ADAPTER_PROVIDER, PF_BENCH_CALLER_SERVICE, opt->adapter_calls,
               opt->adapter_fetches, S_ADAPTER_WINDOW, opt->adapter_samples, r->ad_errors);
    }
    if (r->batch_ran)
        s_table_batch(opt, r);
    if (pf_samples_count(r->rate_elapsed)) {
        uint32_t limit = s_rate_limit_per_window();
        double max_window = NAN;
        pf_samples_max(r->rate_max_window, &max_window);
        snprintf(base, sizeof base, "limit allows %.3f s", r->rate_allowed_s);
        s_row("rate", "elapsed, first send-last (s)", r->rate_elapsed, 3, base, r->rate_ratio,
              s_verdict(verdict, sizeof verdict, "<= 1.05 x",
                        s_median(r->rate_ratio) <= S_TARGET_RATE_RATIO, true));
        snprintf(base, sizeof base, "limit %u per %d ms", limit, S_RATE_WINDOW_MS);
        s_row("", "most requests in a window", r->rate_max_window, 0, base, r->rate_window_ratio,
              s_verdict(verdict, sizeof verdict, "<= limit", max_window <= limit, true));
        printf("%-11s %u calls sent at %.0f/s to an adapter at %d/min; pf-fakeapi refused %u "
               "(429: %s); %u error(s)\n",
               "", opt->rate_calls, S_RATE_SEND_FACTOR * S_RATE_RPM / S_SECONDS_PER_MINUTE,
               S_RATE_RPM, r->rate_limited, r->rate_limited == 0 ? "MET" : "MISSED",
               r->rate_errors);
    }
}

/* ------------------------------------------------------------------- main */

int
pf_cmd_bench(int argc, char **argv)
{
    s_options_t opt;
    int parsed = s_parse(argc, argv, &opt);
    if (parsed == 1)
        return 0;
    if (parsed != 0)
        return 2;
    if (pf_graph_check() != PF_OK) {
        fprintf(stderr, "pf bench: the module graph is invalid\n");
        return 1;
    }
    s_machine_t machine;
    s_machine(&machine);
    s_results_t results;
    s_results_init(&results);
    s_makespan_model(&results);

    pf_bench_signals_install();
    double start = pf_bench_now_ms();
    pf_bench_cluster_t *cl = pf_bench_cluster_new(opt.data_dir, opt.client, opt.tap, opt.actor);
    int rc = cl ? s_run_all(cl, &opt, &results) : PF_EIO;
    bool errors = results.tp_errors || results.lat_errors || results.rss_errors
                  || results.dur_errors || results.ad_errors || results.rate_errors;
    bool ok = rc == PF_OK && !errors;
    bool interrupted = pf_bench_interrupted();
    if (interrupted)
        fprintf(stderr, "pf bench: interrupted; stopping what it started\n");
    else if (rc != PF_OK && cl)
        fprintf(stderr, "pf bench: stopped after a failure (%s)\n", pf_strerror(rc));
    else if (errors)
        fprintf(stderr, "pf bench: some requests were answered with errors (see above)\n");
    /* After a failure the logs are what explains it: keep them.           */
    pf_bench_cluster_destroy(&cl, opt.keep || (!ok && !interrupted));
    pf_bench_signals_restore();
    double elapsed_s = (pf_bench_now_ms() - start) / 1e3;

    if (opt.json) {
        json_t *doc = s_json(&opt, &machine, &results, ok, elapsed_s);
        char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
        if (text) {
            puts(text);
            free(text);
        } else {
            fprintf(stderr, "pf bench: cannot build the JSON report\n");
            ok = false;
        }
        json_decref(doc);
    } else {
        s_table(&opt, &machine, &results, elapsed_s);
    }
    fflush(stdout);
    s_results_free(&results);
    return ok ? 0 : 1;
}
