/*  test_pf_clock.c — the clocks: monotonic never goes back, its units agree,
    the wall clock is unix time.                                             */
#include <check.h>
#include <time.h>

#include "pf_check.h"
#include "pf_clock.h"

START_TEST(test_monotonic)
{
    int64_t us = pf_clock_mono_us();
    int64_t ms = pf_clock_mono_ms();
    ck_assert_int_ge(ms, us / 1000);
    ck_assert_int_le(ms - us / 1000, 1000);   /* the same clock, in ms     */
    int64_t prev = pf_clock_mono_us();
    for (int i = 0; i < 100000; i++) {
        int64_t now = pf_clock_mono_us();
        ck_assert_int_ge(now, prev);
        prev = now;
    }
}
END_TEST

START_TEST(test_wall)
{
    double before = (double)time(NULL) * 1e3;
    double wall = pf_clock_wall_ms();
    int64_t unix_ms = pf_clock_unix_ms();
    double after = (double)time(NULL) * 1e3 + 1e3;
    ck_assert(wall >= before && wall <= after);
    ck_assert(unix_ms >= (int64_t)before && unix_ms <= (int64_t)after);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_clock");
    TCase *tc = tcase_create("clock");
    tcase_add_test(tc, test_monotonic);
    tcase_add_test(tc, test_wall);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
