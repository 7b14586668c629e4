/*  test_pf_breaker.c — the circuit breaker on an injected clock: the exact
    failure threshold, what counts, open for exactly the recovery time,
    exactly N half-open permits, lapsed probes, late outcomes ignored.      */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_breaker.h"
#include "pf_check.h"
#include "pf_error.h"

#define MAX_CHANGES 64

static pf_breaker_state_t s_from[MAX_CHANGES], s_to[MAX_CHANGES];
static int s_changes;

static void
s_on_change(void *arg, pf_breaker_state_t from, pf_breaker_state_t to, const char *why)
{
    (void)arg;
    ck_assert_ptr_nonnull(why);
    ck_assert_int_lt(s_changes, MAX_CHANGES);
    s_from[s_changes] = from;
    s_to[s_changes] = to;
    s_changes++;
}

static pf_breaker_t *
s_breaker(uint32_t failures, uint32_t recovery_ms, uint32_t probes, uint32_t probe_timeout_ms)
{
    s_changes = 0;
    pf_breaker_config_t cfg = { failures, recovery_ms, probes, probe_timeout_ms };
    pf_breaker_t *b = pf_breaker_new(&cfg, s_on_change, NULL);
    ck_assert_ptr_nonnull(b);
    return b;
}

/*  One request at now: acquired, then reported.                           */
static void
s_request(pf_breaker_t *b, int64_t now, bool failure)
{
    pf_breaker_permit_t p;
    ck_assert_int_eq(pf_breaker_acquire(b, now, &p, NULL), PF_OK);
    pf_breaker_report(b, &p, failure, now);
}

START_TEST(test_opens_at_exactly_the_threshold)
{
    pf_breaker_t *b = s_breaker(5, 60000, 1, 30000);
    for (int i = 0; i < 4; i++)
        s_request(b, 1000 + i, true);
    ck_assert_int_eq(pf_breaker_state(b, 1004), PF_BREAKER_CLOSED);
    /* A success in between starts the count over.                          */
    s_request(b, 1005, false);
    for (int i = 0; i < 4; i++)
        s_request(b, 1006 + i, true);
    ck_assert_int_eq(pf_breaker_state(b, 1010), PF_BREAKER_CLOSED);
    ck_assert_int_eq(s_changes, 0);
    s_request(b, 1010, true);   /* the fifth in a row                       */
    ck_assert_int_eq(pf_breaker_state(b, 1010), PF_BREAKER_OPEN);
    ck_assert_int_eq(s_changes, 1);
    ck_assert_int_eq(s_from[0], PF_BREAKER_CLOSED);
    ck_assert_int_eq(s_to[0], PF_BREAKER_OPEN);
    pf_breaker_destroy(&b);
    ck_assert_ptr_null(b);
}
END_TEST

START_TEST(test_open_refuses_for_exactly_the_recovery_time)
{
    pf_breaker_t *b = s_breaker(1, 60000, 1, 30000);
    s_request(b, 0, true);
    pf_breaker_permit_t p;
    int64_t retry = -1;
    ck_assert_int_eq(pf_breaker_acquire(b, 1, &p, &retry), PF_EBUSY);
    ck_assert_int_eq(retry, 59999);
    ck_assert_int_eq(pf_breaker_acquire(b, 59999, &p, &retry), PF_EBUSY);
    ck_assert_int_eq(retry, 1);
    ck_assert_int_eq(pf_breaker_state(b, 59999), PF_BREAKER_OPEN);
    ck_assert_int_eq(pf_breaker_state(b, 60000), PF_BREAKER_HALF_OPEN);
    ck_assert_int_eq(s_changes, 2);
    ck_assert_int_eq(s_to[1], PF_BREAKER_HALF_OPEN);
    pf_breaker_destroy(&b);
}
END_TEST

START_TEST(test_half_open_gives_exactly_n_probes)
{
    pf_breaker_t *b = s_breaker(1, 1000, 3, 5000);
    s_request(b, 0, true);
    pf_breaker_permit_t p[4];
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pf_breaker_acquire(b, 1000, &p[i], NULL), PF_OK);
    int64_t retry = -1;
    ck_assert_int_eq(pf_breaker_acquire(b, 1000, &p[3], &retry), PF_EBUSY);
    ck_assert_int_eq(retry, 5000);          /* when the oldest probe lapses */
    /* Two successes are not enough; a slot freed by one lets another in.  */
    pf_breaker_report(b, &p[0], false, 1100);
    pf_breaker_report(b, &p[1], false, 1100);
    ck_assert_int_eq(pf_breaker_state(b, 1100), PF_BREAKER_HALF_OPEN);
    ck_assert_int_eq(pf_breaker_acquire(b, 1100, &p[3], NULL), PF_OK);
    pf_breaker_report(b, &p[2], false, 1200);   /* the third success       */
    ck_assert_int_eq(pf_breaker_state(b, 1200), PF_BREAKER_CLOSED);
    /* The fourth probe comes back after the close: a period that is over. */
    pf_breaker_report(b, &p[3], true, 1300);
    ck_assert_int_eq(pf_breaker_state(b, 1300), PF_BREAKER_CLOSED);
    pf_breaker_destroy(&b);
}
END_TEST

START_TEST(test_a_failed_probe_opens_again)
{
    pf_breaker_t *b = s_breaker(2, 1000, 2, 5000);
    s_request(b, 0, true);
    s_request(b, 0, true);
    pf_breaker_permit_t a, c;
    ck_assert_int_eq(pf_breaker_acquire(b, 1000, &a, NULL), PF_OK);
    ck_assert_int_eq(pf_breaker_acquire(b, 1000, &c, NULL), PF_OK);
    pf_breaker_report(b, &a, true, 1500);
    ck_assert_int_eq(pf_breaker_state(b, 1500), PF_BREAKER_OPEN);
    /* The other probe's success is from the half-open period: ignored.    */
    pf_breaker_report(b, &c, false, 1600);
    ck_assert_int_eq(pf_breaker_state(b, 1600), PF_BREAKER_OPEN);
    /* Open for the full recovery time again, from the failed probe.       */
    ck_assert_int_eq(pf_breaker_state(b, 2499), PF_BREAKER_OPEN);
    ck_assert_int_eq(pf_breaker_state(b, 2500), PF_BREAKER_HALF_OPEN);
    pf_breaker_destroy(&b);
}
END_TEST

START_TEST(test_a_silent_probe_gives_its_permit_up)
{
    pf_breaker_t *b = s_breaker(1, 1000, 1, 3000);
    s_request(b, 0, true);
    pf_breaker_permit_t lost, next;
    ck_assert_int_eq(pf_breaker_acquire(b, 1000, &lost, NULL), PF_OK);
    ck_assert_int_eq(pf_breaker_acquire(b, 3999, &next, NULL), PF_EBUSY);
    ck_assert_int_eq(pf_breaker_acquire(b, 4000, &next, NULL), PF_OK);  /* lapsed */
    /* The lost probe's late answer must not count as the new one's.       */
    pf_breaker_report(b, &lost, false, 4100);
    ck_assert_int_eq(pf_breaker_state(b, 4100), PF_BREAKER_HALF_OPEN);
    pf_breaker_report(b, &next, false, 4200);
    ck_assert_int_eq(pf_breaker_state(b, 4200), PF_BREAKER_CLOSED);
    pf_breaker_destroy(&b);
}
END_TEST

START_TEST(test_late_outcomes_of_the_closed_period_are_ignored)
{
    pf_breaker_t *b = s_breaker(3, 1000, 1, 5000);
    /* Ten requests go out while closed; three fail and open it.           */
    pf_breaker_permit_t p[10];
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(pf_breaker_acquire(b, 0, &p[i], NULL), PF_OK);
    for (int i = 0; i < 3; i++)
        pf_breaker_report(b, &p[i], true, 10);
    ck_assert_int_eq(pf_breaker_state(b, 10), PF_BREAKER_OPEN);
    /* The other seven come back now, and in half-open: nothing changes.   */
    for (int i = 3; i < 6; i++)
        pf_breaker_report(b, &p[i], false, 20);
    ck_assert_int_eq(pf_breaker_state(b, 20), PF_BREAKER_OPEN);
    ck_assert_int_eq(pf_breaker_state(b, 1010), PF_BREAKER_HALF_OPEN);
    for (int i = 6; i < 10; i++)
        pf_breaker_report(b, &p[i], i == 9, 1020);
    ck_assert_int_eq(pf_breaker_state(b, 1020), PF_BREAKER_HALF_OPEN);
    ck_assert_int_eq(s_changes, 2);
    pf_breaker_destroy(&b);
}
END_TEST

/*  A permit given back unused frees its probe slot and counts nothing;
    would_allow says what acquire would do without taking anything.       */
START_TEST(test_cancelled_probes_count_nothing)
{
    pf_breaker_t *b = s_breaker(1, 1000, 1, 30000);
    ck_assert(pf_breaker_would_allow(b, 0, NULL));
    /*  Closed: a cancelled permit does not reset or add to the failures. */
    pf_breaker_permit_t p;
    ck_assert_int_eq(pf_breaker_acquire(b, 0, &p, NULL), PF_OK);
    pf_breaker_cancel(b, &p, 0);
    s_request(b, 1, true);
    ck_assert_int_eq(pf_breaker_state(b, 1), PF_BREAKER_OPEN);
    int64_t retry = -1;
    ck_assert(!pf_breaker_would_allow(b, 2, &retry));
    ck_assert_int_eq(retry, 999);
    /*  Half-open: the one probe out blocks others; cancelling it frees the
        slot at once, without closing or opening the breaker.             */
    ck_assert(pf_breaker_would_allow(b, 1001, NULL));
    ck_assert_int_eq(pf_breaker_acquire(b, 1001, &p, NULL), PF_OK);
    ck_assert(!pf_breaker_would_allow(b, 1002, &retry));
    ck_assert_int_eq(retry, 29999);
    int changes = s_changes;
    pf_breaker_cancel(b, &p, 1002);
    ck_assert_int_eq(pf_breaker_state(b, 1002), PF_BREAKER_HALF_OPEN);
    ck_assert_int_eq(s_changes, changes);
    ck_assert(pf_breaker_would_allow(b, 1002, NULL));
    /*  A cancelled permit's late report decides nothing; a new probe does. */
    pf_breaker_permit_t q;
    ck_assert_int_eq(pf_breaker_acquire(b, 1003, &q, NULL), PF_OK);
    pf_breaker_report(b, &p, true, 1004);
    ck_assert_int_eq(pf_breaker_state(b, 1004), PF_BREAKER_HALF_OPEN);
    pf_breaker_report(b, &q, false, 1005);
    ck_assert_int_eq(pf_breaker_state(b, 1005), PF_BREAKER_CLOSED);
    pf_breaker_destroy(&b);
}
END_TEST

START_TEST(test_config_is_checked)
{
    pf_breaker_config_t cfg;
    pf_breaker_config_defaults(&cfg);
    ck_assert_uint_eq(cfg.failures, PF_BREAKER_DEFAULT_FAILURES);
    pf_breaker_t *b = pf_breaker_new(&cfg, NULL, NULL);
    ck_assert_ptr_nonnull(b);
    pf_breaker_destroy(&b);
    cfg.failures = 0;
    ck_assert_ptr_null(pf_breaker_new(&cfg, NULL, NULL));
    pf_breaker_config_defaults(&cfg);
    cfg.probes = PF_BREAKER_MAX_PROBES + 1;
    ck_assert_ptr_null(pf_breaker_new(&cfg, NULL, NULL));
    ck_assert_ptr_null(pf_breaker_new(NULL, NULL, NULL));
    ck_assert_str_eq(pf_breaker_state_name(PF_BREAKER_HALF_OPEN), "half_open");
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_breaker");
    TCase *tc = tcase_create("breaker");
    tcase_add_test(tc, test_opens_at_exactly_the_threshold);
    tcase_add_test(tc, test_open_refuses_for_exactly_the_recovery_time);
    tcase_add_test(tc, test_half_open_gives_exactly_n_probes);
    tcase_add_test(tc, test_a_failed_probe_opens_again);
    tcase_add_test(tc, test_a_silent_probe_gives_its_permit_up);
    tcase_add_test(tc, test_late_outcomes_of_the_closed_period_are_ignored);
    tcase_add_test(tc, test_config_is_checked);
    tcase_add_test(tc, test_cancelled_probes_count_nothing);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
