/*  test_pf_limiter.c — the rate limiter on an injected clock: no window of
    the provider's size ever holds more than its limit, whatever the arrival
    pattern; the long-run rate is the limit; bursts; the in-flight cap.     */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_limiter.h"

#define MINUTE_US INT64_C(60000000)

static pf_limiter_t *
s_limiter(uint32_t per_minute, uint32_t burst, uint32_t concurrency)
{
    pf_limiter_config_t cfg = { per_minute, burst, concurrency, 0 };
    pf_limiter_t *l = pf_limiter_new(&cfg);
    ck_assert_ptr_nonnull(l);
    return l;
}

/*  Largest number of times[] in any half-open window [t, t + window).     */
static size_t
s_max_in_window(const int64_t *times, size_t n, int64_t window)
{
    size_t best = 0, lo = 0;
    for (size_t hi = 0; hi < n; hi++) {
        while (times[hi] - times[lo] >= window)
            lo++;
        if (hi - lo + 1 > best)
            best = hi - lo + 1;
    }
    return best;
}

/*  Requests arriving at random moments (mean gap given); one refused comes
    back exactly when the limiter said, as an adapter's timer does, and a
    few also try early.  Every request passed is recorded (and released at
    once).                                                                  */
static size_t
s_drive(pf_limiter_t *l, int64_t until_us, int64_t mean_gap_us, unsigned seed,
        int64_t *times, size_t cap)
{
    srand(seed);
    size_t n = 0;
    int64_t now = 0;
    while (now < until_us && n < cap) {
        int64_t wait = -1;
        if (pf_limiter_acquire(l, now, &wait) == PF_OK) {
            times[n++] = now;
            pf_limiter_release(l);
            now += 1 + (int64_t)(rand() % (2 * mean_gap_us + 1));
        } else {
            ck_assert_int_gt(wait, 0);          /* a rate wait, not a slot  */
            /* Mostly on time; now and then a little early (refused again). */
            now += rand() % 8 ? wait : 1 + rand() % wait;
        }
    }
    return n;
}

START_TEST(test_no_window_holds_more_than_the_limit)
{
    static int64_t times[400000];
    /* Each provider's default, asked at twice its rate and at ten times. */
    static const uint32_t rpm[] = { 30, 60, 100, 300, 600 };
    for (size_t k = 0; k < sizeof rpm / sizeof rpm[0]; k++) {
        for (int pressure = 2; pressure <= 10; pressure += 8) {
            pf_limiter_t *l = s_limiter(rpm[k], 1, 1000);
            int64_t gap = MINUTE_US / rpm[k] / pressure;
            int64_t span = 30 * MINUTE_US;
            size_t n = s_drive(l, span, gap, 7 + (unsigned)k, times, 400000);
            /* Per minute, and per second for SEC's 10/s (600/min).        */
            ck_assert_uint_le(s_max_in_window(times, n, MINUTE_US), rpm[k]);
            if (rpm[k] == 600)
                ck_assert_uint_le(s_max_in_window(times, n, 1000000), 10);
            /* And it does not starve: the long-run rate is the limit.      */
            ck_assert_uint_ge(n, (size_t)(rpm[k] * 30) * 99 / 100);
            ck_assert_uint_le(n, (size_t)(rpm[k] * 30) + 1);
            pf_limiter_destroy(&l);
        }
    }
}
END_TEST

START_TEST(test_waits_are_exact)
{
    pf_limiter_t *l = s_limiter(60, 1, 10);     /* one a second            */
    int64_t wait = -1;
    ck_assert_int_eq(pf_limiter_acquire(l, 5000000, &wait), PF_OK);
    ck_assert_int_eq(pf_limiter_acquire(l, 5000001, &wait), PF_EBUSY);
    ck_assert_int_eq(wait, 999999);
    ck_assert_int_eq(pf_limiter_acquire(l, 6000000, &wait), PF_OK);
    /* Idle time is not saved up beyond the burst.                          */
    ck_assert_int_eq(pf_limiter_acquire(l, 100000000, &wait), PF_OK);
    ck_assert_int_eq(pf_limiter_acquire(l, 100000000, &wait), PF_EBUSY);
    ck_assert_int_eq(wait, 1000000);
    pf_limiter_destroy(&l);
    ck_assert_ptr_null(l);
}
END_TEST

START_TEST(test_burst)
{
    pf_limiter_t *l = s_limiter(60, 5, 100);
    int64_t wait = -1;
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(pf_limiter_acquire(l, 0, &wait), PF_OK);
    ck_assert_int_eq(pf_limiter_acquire(l, 0, &wait), PF_EBUSY);
    ck_assert_int_eq(wait, 1000000);
    /* Any minute holds at most per_minute + burst - 1.                    */
    static int64_t times[10000];
    size_t n = 0;
    for (int64_t now = 0; now < 10 * MINUTE_US; now += 1000) {
        if (pf_limiter_acquire(l, now, &wait) == PF_OK) {
            times[n++] = now;
            pf_limiter_release(l);
        }
    }
    ck_assert_uint_le(s_max_in_window(times, n, MINUTE_US), 60 + 5 - 1);
    pf_limiter_destroy(&l);
}
END_TEST

START_TEST(test_in_flight_cap)
{
    pf_limiter_t *l = s_limiter(6000, 100, 3);
    int64_t wait = -1;
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pf_limiter_acquire(l, 0, &wait), PF_OK);
    ck_assert_uint_eq(pf_limiter_in_flight(l), 3);
    ck_assert_int_eq(pf_limiter_acquire(l, 0, &wait), PF_EBUSY);
    ck_assert_int_eq(wait, 0);                  /* a slot, not a token      */
    pf_limiter_release(l);
    ck_assert_int_eq(pf_limiter_acquire(l, 0, &wait), PF_OK);
    for (int i = 0; i < 5; i++)
        pf_limiter_release(l);                  /* more than taken: floor 0 */
    ck_assert_uint_eq(pf_limiter_in_flight(l), 0);
    pf_limiter_destroy(&l);
}
END_TEST

START_TEST(test_config_is_checked)
{
    pf_limiter_config_t cfg = { 0, 1, 1, 0 };
    ck_assert_ptr_null(pf_limiter_new(&cfg));
    cfg = (pf_limiter_config_t){ 60, 0, 1, 0 };
    ck_assert_ptr_null(pf_limiter_new(&cfg));
    cfg = (pf_limiter_config_t){ 60, 61, 1, 0 };
    ck_assert_ptr_null(pf_limiter_new(&cfg));
    cfg = (pf_limiter_config_t){ 60, 1, 0, 0 };
    ck_assert_ptr_null(pf_limiter_new(&cfg));
    cfg = (pf_limiter_config_t){ PF_LIMITER_MAX_PER_MINUTE + 1, 1, 1, 0 };
    ck_assert_ptr_null(pf_limiter_new(&cfg));
    ck_assert_ptr_null(pf_limiter_new(NULL));
    cfg = (pf_limiter_config_t){ 60, 1, 1, PF_LIMITER_MAX_MARGIN_PERMILLE + 1 };
    ck_assert_ptr_null(pf_limiter_new(&cfg));
}
END_TEST

/*  A margin widens the spacing exactly; with requests delivered up to a
    jitter later than admitted, no provider window of 1 s sees 101 of a
    100/s limit (without the margin it can).                              */
START_TEST(test_margin_keeps_jittered_windows_under_the_limit)
{
    pf_limiter_config_t cfg = { 6000, 1, 1000, 10 };   /* 100/s, 1 %      */
    pf_limiter_t *l = pf_limiter_new(&cfg);
    ck_assert_ptr_nonnull(l);
    int64_t wait = 0;
    ck_assert_int_eq(pf_limiter_acquire(l, 0, &wait), 0);
    ck_assert_int_eq(pf_limiter_acquire(l, 10099, &wait), PF_EBUSY);
    ck_assert_int_eq(wait, 1);
    ck_assert_int_eq(pf_limiter_acquire(l, 10100, &wait), 0);
    pf_limiter_destroy(&l);

    /*  Admit 2,000 requests as early as allowed; deliver each after a
        jitter of 0 or 2 ms in a pattern of period 3 (so requests 100 apart
        can meet a high and a low one); count the most arrivals in any 1 s
        window.                                                           */
    for (uint32_t margin = 0; margin <= 10; margin += 10) {
        cfg.margin_permille = margin;
        l = pf_limiter_new(&cfg);
        static int64_t arrive[2000];
        int64_t now = 0;
        for (int i = 0; i < 2000; i++) {
            while (pf_limiter_acquire(l, now, &wait) != 0)
                now += wait;
            pf_limiter_release(l);
            arrive[i] = now + (i % 3 ? 0 : 1999);
        }
        int most = 0;
        for (int i = 0; i < 2000; i++) {
            int in_window = 0;
            /*  Spacing (10 ms) far exceeds the jitter: arrivals keep their
                order, so a window starting at arrival i holds i, i+1, ...  */
            for (int k = i; k < 2000 && k < i + 200; k++)
                if (arrive[k] >= arrive[i] && arrive[k] < arrive[i] + 1000000)
                    in_window++;
            if (in_window > most)
                most = in_window;
        }
        if (margin == 0)
            ck_assert_int_gt(most, 100);
        else
            ck_assert_int_le(most, 100);
        pf_limiter_destroy(&l);
    }
}
END_TEST

/*  A hold (the provider's Retry-After) pauses every request until then,
    and the rate resumes from there without a burst.                       */
START_TEST(test_hold_pauses_everything)
{
    pf_limiter_config_t cfg = { 600, 3, 100, 0 };   /* 10/s, burst 3       */
    pf_limiter_t *l = pf_limiter_new(&cfg);
    int64_t wait = 0;
    ck_assert_int_eq(pf_limiter_acquire(l, 0, &wait), 0);
    pf_limiter_hold(l, 5000000);
    ck_assert_int_eq(pf_limiter_acquire(l, 1000, &wait), PF_EBUSY);
    ck_assert_int_eq(wait, 4999000);
    pf_limiter_hold(l, 1000000);   /* an earlier hold does not shorten it */
    ck_assert_int_eq(pf_limiter_acquire(l, 4999999, &wait), PF_EBUSY);
    ck_assert_int_eq(wait, 1);
    ck_assert_int_eq(pf_limiter_acquire(l, 5000000, &wait), 0);
    ck_assert_int_eq(pf_limiter_acquire(l, 5000000, &wait), PF_EBUSY);
    ck_assert_int_eq(wait, 100000);
    ck_assert_int_eq(pf_limiter_acquire(l, 5100000, &wait), 0);
    pf_limiter_destroy(&l);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_limiter");
    TCase *tc = tcase_create("limiter");
    tcase_add_test(tc, test_no_window_holds_more_than_the_limit);
    tcase_add_test(tc, test_waits_are_exact);
    tcase_add_test(tc, test_burst);
    tcase_add_test(tc, test_in_flight_cap);
    tcase_add_test(tc, test_config_is_checked);
    tcase_add_test(tc, test_hold_pauses_everything);
    tcase_add_test(tc, test_margin_keeps_jittered_windows_under_the_limit);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
