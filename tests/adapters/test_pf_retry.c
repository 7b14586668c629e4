/*  test_pf_retry.c — unit tests of the adapters' retry policy
    (adapters/pf_retry.c): classification, Retry-After parsing, full
    jitter, attempt cap, deadline and retry budget, all on an injected clock
    and a seeded random source — nothing sleeps.                            */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_retry.h"

/*  2015-10-21 07:28:00 GMT in unix ms (the RFC's example date).            */
#define S_OCT21_2015_MS INT64_C(1445412480000)
/*  1994-11-06 08:49:37 GMT in unix ms.                                     */
#define S_NOV06_1994_MS INT64_C(784111777000)
/*  2030-01-01 00:00:00 GMT in unix ms.                                     */
#define S_JAN01_2030_MS INT64_C(1893456000000)
/*  2079-10-21 07:28:00 GMT in unix ms.                                     */
#define S_OCT21_2079_MS INT64_C(3465098880000)
/*  2080-01-01 00:00:00 GMT in unix ms.                                     */
#define S_JAN01_2080_MS INT64_C(3471292800000)
/*  2016-02-29 00:00:00 GMT in unix ms.                                     */
#define S_FEB29_2016_MS INT64_C(1456704000000)
/*  Draws per attempt in the jitter test.                                   */
#define S_DRAWS 10000

/*  ---- random sources ---------------------------------------------------- */

/*  A seeded splitmix64 generator that also counts its calls and remembers
    the last upper bound it was asked for.                                  */
typedef struct {
    uint64_t state;               /* generator state                          */
    unsigned calls;               /* draws made                               */
    uint32_t last_upper;          /* upper_bound of the last draw             */
} s_rng_t;

static uint32_t
s_rng_seeded(void *arg, uint32_t upper_bound)
{
    s_rng_t *rng = arg;
    rng->calls++;
    rng->last_upper = upper_bound;
    uint64_t z = (rng->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    z ^= z >> 31;
    /*  Modulo bias is below 2^-32 for the bounds used here.               */
    return (uint32_t) (z % upper_bound);
}

/*  Always the lowest value.                                                */
static uint32_t
s_rng_low(void *arg, uint32_t upper_bound)
{
    s_rng_t *rng = arg;
    rng->calls++;
    rng->last_upper = upper_bound;
    return 0;
}

/*  Always the highest value.                                               */
static uint32_t
s_rng_high(void *arg, uint32_t upper_bound)
{
    s_rng_t *rng = arg;
    rng->calls++;
    rng->last_upper = upper_bound;
    return upper_bound - 1;
}

/*  ---- helpers ----------------------------------------------------------- */

static pf_retry_outcome_t
s_status(int status)
{
    return (pf_retry_outcome_t) { .net = PF_RETRY_NET_NONE, .status = status };
}

static pf_retry_outcome_t
s_net(pf_retry_net_t net)
{
    return (pf_retry_outcome_t) { .net = net, .status = 0 };
}

/*  Expects value to parse to expected ms at now.                           */
static void
s_parses(const char *value, int64_t now, int64_t expected)
{
    int64_t delay = -42;
    int rc = pf_retry_parse_retry_after(value, now, &delay);
    ck_assert_msg(rc == 0, "'%s' refused (%d)", value, rc);
    ck_assert_msg(delay == expected, "'%s': %lld ms, expected %lld", value, (long long) delay,
                  (long long) expected);
}

/*  Expects value to be refused, leaving the out-parameter alone.          */
static void
s_refuses(const char *value, int64_t now)
{
    int64_t delay = -42;
    int rc = pf_retry_parse_retry_after(value, now, &delay);
    ck_assert_msg(rc == PF_EPROTO, "'%s' accepted as %lld ms", value, (long long) delay);
    ck_assert_int_eq(delay, -42);
}

static pf_retry_config_t
s_defaults(void)
{
    pf_retry_config_t cfg;
    pf_retry_config_defaults(&cfg);
    return cfg;
}

/*  ---- configuration ----------------------------------------------------- */

START_TEST(test_config)
{
    pf_retry_config_t cfg = s_defaults();
    ck_assert_uint_eq(cfg.max_attempts, PF_RETRY_DEFAULT_MAX_ATTEMPTS);
    ck_assert_uint_eq(cfg.base_ms, PF_RETRY_DEFAULT_BASE_MS);
    ck_assert_uint_eq(cfg.cap_ms, PF_RETRY_DEFAULT_CAP_MS);
    ck_assert_uint_eq(cfg.retry_after_cap_ms, PF_RETRY_DEFAULT_RETRY_AFTER_CAP_MS);
    ck_assert_uint_eq(cfg.deadline_ms, PF_RETRY_DEFAULT_DEADLINE_MS);
    ck_assert_uint_eq(cfg.budget_percent, PF_RETRY_DEFAULT_BUDGET_PERCENT);
    ck_assert_uint_eq(cfg.budget_min_per_min, PF_RETRY_DEFAULT_BUDGET_MIN_PER_MIN);
    ck_assert_uint_eq(cfg.budget_max, PF_RETRY_DEFAULT_BUDGET_MAX);
    ck_assert_int_eq(pf_retry_config_check(&cfg), 0);
    ck_assert_int_eq(pf_retry_config_check(NULL), PF_EINVAL);

    pf_retry_config_t bad = cfg;
    bad.max_attempts = 0;
    ck_assert_int_eq(pf_retry_config_check(&bad), PF_EINVAL);
    bad = cfg;
    bad.base_ms = 0;
    ck_assert_int_eq(pf_retry_config_check(&bad), PF_EINVAL);
    bad = cfg;
    bad.deadline_ms = 0;
    ck_assert_int_eq(pf_retry_config_check(&bad), PF_EINVAL);
    bad = cfg;
    bad.cap_ms = bad.base_ms - 1;
    ck_assert_int_eq(pf_retry_config_check(&bad), PF_EINVAL);
    bad = cfg;
    bad.cap_ms = UINT32_MAX;
    ck_assert_int_eq(pf_retry_config_check(&bad), PF_EINVAL);
    bad = cfg;
    bad.retry_after_cap_ms = UINT32_MAX;
    ck_assert_int_eq(pf_retry_config_check(&bad), PF_EINVAL);
    bad = cfg;
    bad.deadline_ms = UINT32_MAX;
    ck_assert_int_eq(pf_retry_config_check(&bad), PF_EINVAL);
    bad = cfg;
    bad.budget_percent = PF_RETRY_BUDGET_PERCENT_MAX + 1;
    ck_assert_int_eq(pf_retry_config_check(&bad), PF_EINVAL);
    ck_assert_ptr_null(pf_retry_budget_new(&bad, 0));

    /*  The edges themselves are fine.                                      */
    bad = cfg;
    bad.base_ms = bad.cap_ms = PF_RETRY_MS_MAX;
    bad.budget_percent = PF_RETRY_BUDGET_PERCENT_MAX;
    ck_assert_int_eq(pf_retry_config_check(&bad), 0);
}
END_TEST

START_TEST(test_stop_strings)
{
    ck_assert_str_eq(pf_retry_stop_str(PF_RETRY_STOP_NONE), "");
    ck_assert_str_eq(pf_retry_stop_str(PF_RETRY_STOP_NOT_RETRYABLE), "not retryable");
    ck_assert_str_eq(pf_retry_stop_str(PF_RETRY_STOP_ATTEMPTS), "attempts exhausted");
    ck_assert_str_eq(pf_retry_stop_str(PF_RETRY_STOP_BUDGET), "retry budget spent");
    ck_assert_str_eq(pf_retry_stop_str(PF_RETRY_STOP_DEADLINE), "deadline would pass");
    ck_assert_str_eq(pf_retry_stop_str(PF_RETRY_STOP_RETRY_AFTER), "Retry-After beyond cap");
}
END_TEST

/*  ---- classification ---------------------------------------------------- */

START_TEST(test_classify_transport)
{
    static const struct {
        pf_retry_net_t net;
        bool retryable;
        bool breaker;
    } table[] = {
        { PF_RETRY_NET_TIMEOUT, true, true },   { PF_RETRY_NET_CONNECT, true, true },
        { PF_RETRY_NET_RESET, true, true },     { PF_RETRY_NET_DNS, false, true },
        { PF_RETRY_NET_TLS, false, true },      { PF_RETRY_NET_TOO_LARGE, false, false },
        { PF_RETRY_NET_OTHER, false, true },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        /*  The status is ignored for transport errors, whatever it says.   */
        static const int statuses[] = { 0, 200, 404, 500, 503 };
        for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
            pf_retry_outcome_t o = { .net = table[i].net, .status = statuses[k] };
            ck_assert_msg(pf_retry_is_retryable(&o) == table[i].retryable, "net %d status %d",
                          (int) table[i].net, statuses[k]);
            ck_assert_msg(pf_retry_is_breaker_failure(&o) == table[i].breaker,
                          "net %d status %d", (int) table[i].net, statuses[k]);
        }
    }
}
END_TEST

START_TEST(test_classify_status)
{
    for (int status = 100; status <= 599; status++) {
        pf_retry_outcome_t o = s_status(status);
        bool retryable = status == 429 || status == 502 || status == 503 || status == 504;
        bool breaker = status >= 500 || status == 429;
        ck_assert_msg(pf_retry_is_retryable(&o) == retryable, "status %d", status);
        ck_assert_msg(pf_retry_is_breaker_failure(&o) == breaker, "status %d", status);
    }
    /*  Not an HTTP status: a broken server, not worth repeating.           */
    static const int invalid[] = { -1, 0, 99, 600, 999, 429000 };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        pf_retry_outcome_t o = s_status(invalid[i]);
        ck_assert_msg(!pf_retry_is_retryable(&o), "status %d", invalid[i]);
        ck_assert_msg(pf_retry_is_breaker_failure(&o), "status %d", invalid[i]);
    }
}
END_TEST

/*  ---- Retry-After ------------------------------------------------------- */

START_TEST(test_retry_after_seconds)
{
    const int64_t now = S_OCT21_2015_MS;
    s_parses("120", now, 120000);
    s_parses(" 5 ", now, 5000);
    s_parses("\t7\t ", now, 7000);
    s_parses("0", now, 0);
    s_parses("000", now, 0);
    s_parses("30", now, 30000);
    /*  Largest value that still fits, then saturation.                     */
    s_parses("9223372036854775", now, INT64_C(9223372036854775000));
    s_parses("9223372036854776", now, INT64_MAX);
    s_parses("99999999999999999999", now, INT64_MAX);
    s_parses("99999999999999999999999999999999999999999", now, INT64_MAX);

    s_refuses("-1", now);
    s_refuses("+5", now);
    s_refuses("1e3", now);
    s_refuses("1.5", now);
    s_refuses("5 5", now);
    s_refuses("5s", now);
    s_refuses("0x10", now);
    s_refuses("", now);
    s_refuses("   ", now);
    s_refuses("garbage", now);
    s_refuses("\xff\xfe", now);
    s_refuses("99999999999999999999x", now);
    s_refuses("5\n", now);

    int64_t delay = 0;
    ck_assert_int_eq(pf_retry_parse_retry_after(NULL, now, &delay), PF_EINVAL);
    ck_assert_int_eq(pf_retry_parse_retry_after("5", now, NULL), PF_EINVAL);
}
END_TEST

START_TEST(test_retry_after_dates)
{
    const char *imf = "Wed, 21 Oct 2015 07:28:00 GMT";
    /*  Past or now → 0; future → exact.                                   */
    s_parses(imf, S_OCT21_2015_MS + 1, 0);
    s_parses(imf, S_OCT21_2015_MS + 86400000, 0);
    s_parses(imf, S_OCT21_2015_MS, 0);
    s_parses(imf, S_OCT21_2015_MS - 90000, 90000);
    s_parses(imf, S_OCT21_2015_MS - 1, 1);
    s_parses("  Wed, 21 Oct 2015 07:28:00 GMT\t", S_OCT21_2015_MS - 5000, 5000);
    s_parses("wed, 21 OCT 2015 07:28:00 gmt", S_OCT21_2015_MS - 5000, 5000);
    s_parses("Sun, 06 Nov 1994 08:49:37 GMT", S_NOV06_1994_MS - 1000, 1000);
    /*  The weekday is a name check only, not checked against the date.    */
    s_parses("Mon, 21 Oct 2015 07:28:00 GMT", S_OCT21_2015_MS - 1000, 1000);
    s_parses("Mon, 29 Feb 2016 00:00:00 GMT", S_FEB29_2016_MS - 1000, 1000);
    /*  A leap second is a valid time of day.                              */
    s_parses("Wed, 21 Oct 2015 07:28:60 GMT", S_OCT21_2015_MS, 60000);

    /*  RFC 850, in the century that puts it at most 50 years ahead.      */
    s_parses("Wednesday, 21-Oct-15 07:28:00 GMT", S_OCT21_2015_MS - 3000, 3000);
    s_parses("Sunday, 06-Nov-94 08:49:37 GMT", S_NOV06_1994_MS - 3000, 3000);
    s_parses("Saturday, 21-Oct-79 07:28:00 GMT", S_JAN01_2030_MS,
             S_OCT21_2079_MS - S_JAN01_2030_MS);          /* 2079: 49 years on */
    s_parses("Sunday, 06-Nov-94 08:49:37 GMT", S_JAN01_2030_MS, 0); /* 1994  */
    s_parses("Monday, 01-Jan-80 00:00:00 GMT", S_JAN01_2030_MS,
             S_JAN01_2080_MS - S_JAN01_2030_MS);          /* 2080: 50 years on */
    s_parses("Thursday, 01-Jan-81 00:00:00 GMT", S_JAN01_2030_MS, 0); /* 1981 */

    /*  asctime, padded and unpadded day.                                   */
    s_parses("Sun Nov  6 08:49:37 1994", S_NOV06_1994_MS - 7000, 7000);
    s_parses("Sun Nov 6 08:49:37 1994", S_NOV06_1994_MS - 7000, 7000);
    s_parses("Wed Oct 21 07:28:00 2015", S_OCT21_2015_MS - 7000, 7000);
    s_parses("Wed Oct 21 07:28:00 2015", S_OCT21_2015_MS + 7000, 0);

    /*  A date far ahead is a large, exact delay (the caller fails fast).  */
    s_parses("Fri, 31 Dec 9999 23:59:59 GMT", S_OCT21_2015_MS,
             INT64_C(253402300799000) - S_OCT21_2015_MS);

    const int64_t now = S_OCT21_2015_MS;
    s_refuses("Wed, 32 Oct 2015 07:28:00 GMT", now);
    s_refuses("Wed, 00 Oct 2015 07:28:00 GMT", now);
    s_refuses("Sun, 29 Feb 2015 00:00:00 GMT", now);
    s_refuses("Wed, 31 Nov 2015 07:28:00 GMT", now);
    s_refuses("Wed, 21 Oct 2015 24:00:00 GMT", now);
    s_refuses("Wed, 21 Oct 2015 07:60:00 GMT", now);
    s_refuses("Wed, 21 Oct 2015 07:28:61 GMT", now);
    s_refuses("Wed, 21 Oct 2015 07:28:00 UTC", now);
    s_refuses("Wed, 21 Oct 2015 07:28:00 GMT x", now);
    s_refuses("Wed, 21 Oct 2015 07:28:00", now);
    s_refuses("Wed, 21 Oct 15 07:28:00 GMT", now);
    s_refuses("Wed, 21 Oct 0000 07:28:00 GMT", now);
    s_refuses("Wed, 1 Oct 2015 07:28:00 GMT", now);
    s_refuses("Wed, 21 Okt 2015 07:28:00 GMT", now);
    s_refuses("Wed 21 Oct 2015 07:28:00 GMT", now);
    s_refuses("Xyz, 21 Oct 2015 07:28:00 GMT", now);
    s_refuses("Wednesday, 21 Oct 2015 07:28:00 GMT", now);
    s_refuses("Wed, 21-Oct-15 07:28:00 GMT", now);
    s_refuses("Wednesday, 21-Oct-2015 07:28:00 GMT", now);
    s_refuses("Wed Oct 21 07:28:00 15", now);
    s_refuses("Wed Oct 21 7:28:00 2015", now);
    s_refuses("Wed Oct   6 07:28:00 2015", now);
    s_refuses("Wed, 21 Oct 2015 07:28:00 GMT\n", now);
    s_refuses("Wed,", now);
    s_refuses("Wed", now);
}
END_TEST

START_TEST(test_retry_after_curl)
{
    ck_assert_int_eq(pf_retry_after_from_curl(-1), 0);
    ck_assert_int_eq(pf_retry_after_from_curl(-86400), 0);
    ck_assert_int_eq(pf_retry_after_from_curl(INT64_MIN), 0);
    ck_assert_int_eq(pf_retry_after_from_curl(0), 0);
    ck_assert_int_eq(pf_retry_after_from_curl(5), 5000);
    ck_assert_int_eq(pf_retry_after_from_curl(INT64_MAX / 1000), (INT64_MAX / 1000) * 1000);
    ck_assert_int_eq(pf_retry_after_from_curl(INT64_MAX / 1000 + 1), INT64_MAX);
    ck_assert_int_eq(pf_retry_after_from_curl(INT64_MAX), INT64_MAX);
}
END_TEST

/*  ---- jitter ------------------------------------------------------------ */

START_TEST(test_backoff_bound)
{
    pf_retry_config_t cfg = s_defaults();
    static const uint32_t expected[] = { 200, 400, 800, 1600, 3200, 6400, 10000, 10000 };
    for (uint32_t n = 1; n <= 8; n++)
        ck_assert_uint_eq(pf_retry_backoff_bound_ms(&cfg, n), expected[n - 1]);
    ck_assert_uint_eq(pf_retry_backoff_bound_ms(&cfg, 64), 10000);
    ck_assert_uint_eq(pf_retry_backoff_bound_ms(&cfg, UINT32_MAX), 10000);

    /*  A cap that is not base * 2^k is reached exactly.                   */
    cfg.base_ms = 3;
    cfg.cap_ms = 20;
    ck_assert_uint_eq(pf_retry_backoff_bound_ms(&cfg, 3), 12);
    ck_assert_uint_eq(pf_retry_backoff_bound_ms(&cfg, 4), 20);

    /*  The largest bound: its inclusive draw still fits the source's API. */
    cfg.base_ms = cfg.cap_ms = PF_RETRY_MS_MAX;
    s_rng_t rng = { 0 };
    ck_assert_uint_eq(pf_retry_backoff_ms(&cfg, 5, s_rng_high, &rng), PF_RETRY_MS_MAX);
    ck_assert_uint_eq(rng.last_upper, UINT32_MAX);
}
END_TEST

START_TEST(test_jitter_range)
{
    pf_retry_config_t cfg = s_defaults();
    s_rng_t rng = { .state = 12345 };
    for (uint32_t n = 1; n <= 8; n++) {
        uint32_t bound = pf_retry_backoff_bound_ms(&cfg, n);
        uint32_t lo = UINT32_MAX, hi = 0;
        uint64_t sum = 0;
        for (int i = 0; i < S_DRAWS; i++) {
            uint32_t d = pf_retry_backoff_ms(&cfg, n, s_rng_seeded, &rng);
            ck_assert_uint_eq(rng.last_upper, bound + 1);
            ck_assert_msg(d <= bound, "attempt %u: %u > %u", n, d, bound);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
            sum += d;
        }
        /*  Spans the range: full jitter reaches both ends.                 */
        ck_assert_msg(lo <= bound / 100, "attempt %u: min %u of %u", n, lo, bound);
        ck_assert_msg(hi >= bound - bound / 100, "attempt %u: max %u of %u", n, hi, bound);
        /*  Centred: the mean of a uniform draw is bound / 2.              */
        double mean = (double) sum / S_DRAWS;
        ck_assert_msg(mean > 0.45 * bound && mean < 0.55 * bound, "attempt %u: mean %.1f of %u",
                      n, mean, bound);
    }
    ck_assert_uint_eq(rng.calls, 8 * S_DRAWS);

    /*  Both ends are included.                                             */
    s_rng_t edge = { 0 };
    ck_assert_uint_eq(pf_retry_backoff_ms(&cfg, 3, s_rng_low, &edge), 0);
    ck_assert_uint_eq(pf_retry_backoff_ms(&cfg, 3, s_rng_high, &edge), 800);
}
END_TEST

START_TEST(test_sodium_rng)
{
    /*  The production source honours the contract.                     */
    ck_assert_int_ge(sodium_init(), 0);
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_lt(pf_retry_rng_sodium(NULL, 7), 7);
    ck_assert_uint_eq(pf_retry_rng_sodium(NULL, 1), 0);
    pf_retry_config_t cfg = s_defaults();
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_le(pf_retry_backoff_ms(&cfg, 2, pf_retry_rng_sodium, NULL), 400);
}
END_TEST

/*  ---- one call ---------------------------------------------------------- */

START_TEST(test_attempts_cap)
{
    pf_retry_config_t cfg = s_defaults();
    s_rng_t rng = { .state = 7 };
    pf_retry_call_t call;
    pf_retry_outcome_t o = s_status(503);
    pf_retry_verdict_t v;
    int64_t now = 1000;
    pf_retry_call_start(&call, &cfg, NULL, now);
    ck_assert_uint_eq(call.attempts, 1);
    ck_assert_int_eq(call.started_ms, 1000);
    ck_assert_int_eq(call.deadline_ms, 1000 + PF_RETRY_DEFAULT_DEADLINE_MS);

    /*  max_attempts 4: exactly three retries, each within its bound.      */
    for (uint32_t n = 1; n < PF_RETRY_DEFAULT_MAX_ATTEMPTS; n++) {
        pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_AFTER_NONE, now, s_rng_seeded, &rng, &v);
        ck_assert_msg(v.retry, "retry %u refused: %s", n, v.reason);
        ck_assert_ptr_null(v.reason);
        ck_assert_int_eq(v.stop, PF_RETRY_STOP_NONE);
        ck_assert_int_ge(v.delay_ms, 0);
        ck_assert_int_le(v.delay_ms, pf_retry_backoff_bound_ms(&cfg, n));
        ck_assert_uint_eq(call.attempts, n + 1);
        now += v.delay_ms + 1;
    }
    unsigned draws = rng.calls;
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_AFTER_NONE, now, s_rng_seeded, &rng, &v);
    ck_assert(!v.retry);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_ATTEMPTS);
    ck_assert_str_eq(v.reason, "attempts exhausted");
    ck_assert_int_eq(v.delay_ms, 0);
    ck_assert_uint_eq(call.attempts, PF_RETRY_DEFAULT_MAX_ATTEMPTS);
    ck_assert_uint_eq(rng.calls, draws);

    /*  One attempt allowed: no retry at all.                              */
    cfg.max_attempts = 1;
    pf_retry_call_start(&call, &cfg, NULL, 0);
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_AFTER_NONE, 0, s_rng_seeded, &rng, &v);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_ATTEMPTS);
}
END_TEST

START_TEST(test_not_retryable)
{
    pf_retry_config_t cfg = s_defaults();
    pf_retry_budget_t *budget = pf_retry_budget_new(&cfg, 0);
    s_rng_t rng = { 0 };
    static const int statuses[] = { 200, 301, 400, 401, 403, 404, 500, 501, 505 };
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        pf_retry_call_t call;
        pf_retry_call_start(&call, &cfg, budget, 0);
        uint32_t held = pf_retry_budget_available(budget, 0);
        pf_retry_outcome_t o = s_status(statuses[i]);
        pf_retry_verdict_t v;
        /*  Even with a Retry-After: the status decides first.             */
        pf_retry_next(&call, &cfg, budget, &o, 1000, 0, s_rng_seeded, &rng, &v);
        ck_assert_msg(!v.retry, "status %d retried", statuses[i]);
        ck_assert_int_eq(v.stop, PF_RETRY_STOP_NOT_RETRYABLE);
        ck_assert_str_eq(v.reason, "not retryable");
        ck_assert_uint_eq(call.attempts, 1);
        ck_assert_uint_eq(pf_retry_budget_available(budget, 0), held);
    }
    pf_retry_call_t call;
    pf_retry_call_start(&call, &cfg, NULL, 0);
    pf_retry_outcome_t dns = s_net(PF_RETRY_NET_DNS);
    pf_retry_verdict_t v;
    pf_retry_next(&call, &cfg, NULL, &dns, PF_RETRY_AFTER_NONE, 0, s_rng_seeded, &rng, &v);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_NOT_RETRYABLE);
    ck_assert_uint_eq(rng.calls, 0);
    pf_retry_budget_destroy(&budget);
}
END_TEST

START_TEST(test_retry_after_floor)
{
    pf_retry_config_t cfg = s_defaults();
    s_rng_t rng = { 0 };
    pf_retry_call_t call;
    pf_retry_outcome_t o = s_status(429);
    pf_retry_verdict_t v;

    /*  Retry-After above the draw: exactly the Retry-After.              */
    pf_retry_call_start(&call, &cfg, NULL, 0);
    pf_retry_next(&call, &cfg, NULL, &o, 5000, 0, s_rng_low, &rng, &v);
    ck_assert(v.retry);
    ck_assert_int_eq(v.delay_ms, 5000);
    /*  Below the draw: the draw (bound 400 after two attempts).          */
    pf_retry_next(&call, &cfg, NULL, &o, 100, 0, s_rng_high, &rng, &v);
    ck_assert(v.retry);
    ck_assert_int_eq(v.delay_ms, 400);
    /*  Retry-After 0 (e.g. a past date, or curl's -1 clamped): the draw.  */
    pf_retry_next(&call, &cfg, NULL, &o, pf_retry_after_from_curl(-1), 0, s_rng_high, &rng, &v);
    ck_assert(v.retry);
    ck_assert_int_eq(v.delay_ms, 800);

    /*  Exactly the cap is honoured; one ms beyond fails fast, drawing
        nothing and counting no attempt.                                   */
    pf_retry_call_start(&call, &cfg, NULL, 0);
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_DEFAULT_RETRY_AFTER_CAP_MS, 0, s_rng_low, &rng,
                  &v);
    ck_assert(v.retry);
    ck_assert_int_eq(v.delay_ms, PF_RETRY_DEFAULT_RETRY_AFTER_CAP_MS);
    unsigned draws = rng.calls;
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_DEFAULT_RETRY_AFTER_CAP_MS + 1, 0, s_rng_low,
                  &rng, &v);
    ck_assert(!v.retry);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_RETRY_AFTER);
    ck_assert_str_eq(v.reason, "Retry-After beyond cap");
    ck_assert_uint_eq(call.attempts, 2);
    ck_assert_uint_eq(rng.calls, draws);

    /*  A parsed HTTP-date an hour ahead, and a huge delta: fail fast.     */
    int64_t delay = 0;
    ck_assert_int_eq(pf_retry_parse_retry_after("Wed, 21 Oct 2015 08:28:00 GMT",
                                                S_OCT21_2015_MS, &delay),
                     0);
    ck_assert_int_eq(delay, 3600000);
    pf_retry_next(&call, &cfg, NULL, &o, delay, 0, s_rng_low, &rng, &v);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_RETRY_AFTER);
    ck_assert_int_eq(pf_retry_parse_retry_after("99999999999999999999", 0, &delay), 0);
    pf_retry_next(&call, &cfg, NULL, &o, delay, 0, s_rng_low, &rng, &v);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_RETRY_AFTER);

    /*  No Retry-After (any negative): the draw alone.                    */
    pf_retry_call_start(&call, &cfg, NULL, 0);
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_AFTER_NONE, 0, s_rng_high, &rng, &v);
    ck_assert_int_eq(v.delay_ms, 200);
    pf_retry_next(&call, &cfg, NULL, &o, INT64_MIN, 0, s_rng_high, &rng, &v);
    ck_assert_int_eq(v.delay_ms, 400);
}
END_TEST

START_TEST(test_deadline)
{
    pf_retry_config_t cfg = s_defaults();
    cfg.deadline_ms = 1000;
    cfg.base_ms = 100;
    s_rng_t rng = { 0 };
    pf_retry_call_t call;
    pf_retry_outcome_t o = s_net(PF_RETRY_NET_TIMEOUT);
    pf_retry_verdict_t v;

    pf_retry_call_start(&call, &cfg, NULL, 5000);
    ck_assert_int_eq(pf_retry_call_remaining_ms(&call, 5000), 1000);
    ck_assert_int_eq(pf_retry_call_remaining_ms(&call, 5900), 100);
    ck_assert_int_eq(pf_retry_call_remaining_ms(&call, 6000), 0);
    ck_assert_int_eq(pf_retry_call_remaining_ms(&call, 9000), 0);

    /*  At 5900, 100 ms remain: a 99 ms wait leaves the next attempt 1 ms,
        a 100 ms wait leaves none.  The high source draws the bound (100). */
    cfg.base_ms = 99;
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_AFTER_NONE, 5900, s_rng_high, &rng, &v);
    ck_assert(v.retry);
    ck_assert_int_eq(v.delay_ms, 99);
    pf_retry_call_start(&call, &cfg, NULL, 5000);
    cfg.base_ms = 100;
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_AFTER_NONE, 5900, s_rng_high, &rng, &v);
    ck_assert(!v.retry);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_DEADLINE);
    ck_assert_str_eq(v.reason, "deadline would pass");
    ck_assert_uint_eq(call.attempts, 1);

    /*  A Retry-After within its cap but past the deadline.               */
    pf_retry_next(&call, &cfg, NULL, &o, 2000, 5100, s_rng_low, &rng, &v);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_DEADLINE);
    /*  The deadline already passed: even a zero wait is refused.          */
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_AFTER_NONE, 6000, s_rng_low, &rng, &v);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_DEADLINE);
    pf_retry_next(&call, &cfg, NULL, &o, PF_RETRY_AFTER_NONE, 5999, s_rng_low, &rng, &v);
    ck_assert(v.retry);
    ck_assert_int_eq(v.delay_ms, 0);

    /*  The budget pays nothing for a retry the deadline refused.          */
    cfg.budget_percent = 0;
    cfg.budget_min_per_min = 1;
    pf_retry_budget_t *budget = pf_retry_budget_new(&cfg, 0);
    pf_retry_call_start(&call, &cfg, budget, 0);
    pf_retry_next(&call, &cfg, budget, &o, PF_RETRY_AFTER_NONE, 1000, s_rng_low, &rng, &v);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_DEADLINE);
    ck_assert_uint_eq(pf_retry_budget_available(budget, 1000), 1);
    pf_retry_budget_destroy(&budget);
}
END_TEST

/*  ---- retry budget ------------------------------------------------------ */

START_TEST(test_budget_ratio)
{
    pf_retry_config_t cfg = s_defaults();
    cfg.budget_percent = 20;
    cfg.budget_min_per_min = 0;
    pf_retry_budget_t *b = pf_retry_budget_new(&cfg, 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(pf_retry_budget_available(b, 0), 0);
    ck_assert(!pf_retry_budget_withdraw(b, 0));

    /*  Four first attempts earn 0.8 of a retry, the fifth completes one.  */
    for (int i = 0; i < 4; i++)
        pf_retry_budget_deposit(b, 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, 0), 0);
    pf_retry_budget_deposit(b, 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, 0), 1);
    ck_assert(pf_retry_budget_withdraw(b, 0));
    ck_assert(!pf_retry_budget_withdraw(b, 0));

    /*  100 first attempts: exactly 20 retries, then refused.             */
    for (int i = 0; i < 100; i++)
        pf_retry_budget_deposit(b, i);
    ck_assert_uint_eq(pf_retry_budget_available(b, 100), 20);
    for (int i = 0; i < 20; i++)
        ck_assert_msg(pf_retry_budget_withdraw(b, 100 + i), "retry %d refused", i);
    ck_assert(!pf_retry_budget_withdraw(b, 120));
    /*  Without a floor, time alone refills nothing.                       */
    ck_assert(!pf_retry_budget_withdraw(b, 24 * 3600 * 1000));
    ck_assert_uint_eq(pf_retry_budget_available(b, 24 * 3600 * 1000), 0);
    pf_retry_budget_destroy(&b);
    ck_assert_ptr_null(b);
    pf_retry_budget_destroy(&b);
    pf_retry_budget_destroy(NULL);
}
END_TEST

START_TEST(test_budget_cap)
{
    pf_retry_config_t cfg = s_defaults();
    cfg.budget_percent = 100;
    cfg.budget_min_per_min = 0;
    cfg.budget_max = 50;
    pf_retry_budget_t *b = pf_retry_budget_new(&cfg, 0);
    for (int i = 0; i < 1000; i++)
        pf_retry_budget_deposit(b, 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, 0), 50);
    for (int i = 0; i < 50; i++)
        ck_assert(pf_retry_budget_withdraw(b, 0));
    ck_assert(!pf_retry_budget_withdraw(b, 0));
    pf_retry_budget_destroy(&b);

    /*  The floor is never cut by a smaller cap.                           */
    cfg.budget_min_per_min = 10;
    cfg.budget_max = 5;
    b = pf_retry_budget_new(&cfg, 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, 0), 10);
    pf_retry_budget_deposit(b, 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, 0), 10);
    pf_retry_budget_destroy(&b);
}
END_TEST

START_TEST(test_budget_floor)
{
    pf_retry_config_t cfg = s_defaults();
    cfg.budget_percent = 0;
    cfg.budget_min_per_min = 10;
    const int64_t t0 = 1000000;
    pf_retry_budget_t *b = pf_retry_budget_new(&cfg, t0);
    /*  Starts with a minute's worth; 10 retries, then refused.            */
    ck_assert_uint_eq(pf_retry_budget_available(b, t0), 10);
    for (int i = 0; i < 10; i++)
        ck_assert(pf_retry_budget_withdraw(b, t0));
    ck_assert(!pf_retry_budget_withdraw(b, t0));
    /*  10 per minute: one every 6 s, exactly.                             */
    ck_assert(!pf_retry_budget_withdraw(b, t0 + 5999));
    ck_assert(pf_retry_budget_withdraw(b, t0 + 6000));
    ck_assert(!pf_retry_budget_withdraw(b, t0 + 6000));
    ck_assert_uint_eq(pf_retry_budget_available(b, t0 + 11999), 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, t0 + 12000), 1);
    /*  Time banks at most one minute's worth.                             */
    ck_assert_uint_eq(pf_retry_budget_available(b, t0 + 120000), 10);
    ck_assert_uint_eq(pf_retry_budget_available(b, t0 + 24 * 3600 * 1000), 10);
    /*  A clock that goes back adds nothing and takes nothing.             */
    for (int i = 0; i < 10; i++)
        ck_assert(pf_retry_budget_withdraw(b, t0 + 24 * 3600 * 1000));
    ck_assert_uint_eq(pf_retry_budget_available(b, t0), 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, t0 + 24 * 3600 * 1000 + 5999), 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, t0 + 24 * 3600 * 1000 + 6000), 1);
    pf_retry_budget_destroy(&b);

    /*  A rate that does not divide a minute: 7 per minute is one retry per
        60000/7 = 8571.43 ms.  Polled every ms, the fractions add up: the
        first retry appears at exactly 8572 ms, the seventh at 60000 ms.  */
    cfg.budget_min_per_min = 7;
    b = pf_retry_budget_new(&cfg, 0);
    for (int i = 0; i < 7; i++)
        ck_assert(pf_retry_budget_withdraw(b, 0));
    uint32_t seen = 0;
    for (int64_t t = 1; t <= 60000; t++) {
        uint32_t held = pf_retry_budget_available(b, t);
        if (held != seen) {
            ck_assert_uint_eq(held, seen + 1);
            /*  Retry k is complete at ceil(k * 60000 / 7) ms.             */
            int64_t due = ((int64_t) held * 60000 + 6) / 7;
            ck_assert_msg(t == due, "retry %u at %lld ms, due %lld", held, (long long) t,
                          (long long) due);
            seen = held;
        }
    }
    ck_assert_uint_eq(seen, 7);
    pf_retry_budget_destroy(&b);
}
END_TEST

START_TEST(test_budget_in_next)
{
    pf_retry_config_t cfg = s_defaults();
    cfg.budget_percent = 20;
    cfg.budget_min_per_min = 0;
    pf_retry_budget_t *b = pf_retry_budget_new(&cfg, 0);
    s_rng_t rng = { .state = 99 };
    pf_retry_call_t calls[5];
    for (int i = 0; i < 5; i++)
        pf_retry_call_start(&calls[i], &cfg, b, 0);
    ck_assert_uint_eq(pf_retry_budget_available(b, 0), 1);

    pf_retry_outcome_t o = s_net(PF_RETRY_NET_RESET);
    pf_retry_verdict_t v;
    pf_retry_next(&calls[0], &cfg, b, &o, PF_RETRY_AFTER_NONE, 10, s_rng_seeded, &rng, &v);
    ck_assert(v.retry);
    ck_assert_uint_eq(calls[0].attempts, 2);
    pf_retry_next(&calls[1], &cfg, b, &o, PF_RETRY_AFTER_NONE, 10, s_rng_seeded, &rng, &v);
    ck_assert(!v.retry);
    ck_assert_int_eq(v.stop, PF_RETRY_STOP_BUDGET);
    ck_assert_str_eq(v.reason, "retry budget spent");
    ck_assert_uint_eq(calls[1].attempts, 1);
    ck_assert_uint_eq(pf_retry_budget_available(b, 10), 0);
    pf_retry_budget_destroy(&b);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_retry");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_config);
    tcase_add_test(tc, test_stop_strings);
    tcase_add_test(tc, test_classify_transport);
    tcase_add_test(tc, test_classify_status);
    tcase_add_test(tc, test_retry_after_seconds);
    tcase_add_test(tc, test_retry_after_dates);
    tcase_add_test(tc, test_retry_after_curl);
    tcase_add_test(tc, test_backoff_bound);
    tcase_add_test(tc, test_jitter_range);
    tcase_add_test(tc, test_sodium_rng);
    tcase_add_test(tc, test_attempts_cap);
    tcase_add_test(tc, test_not_retryable);
    tcase_add_test(tc, test_retry_after_floor);
    tcase_add_test(tc, test_deadline);
    tcase_add_test(tc, test_budget_ratio);
    tcase_add_test(tc, test_budget_cap);
    tcase_add_test(tc, test_budget_floor);
    tcase_add_test(tc, test_budget_in_next);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
