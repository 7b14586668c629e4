/*  test_pf_samples.c — unit tests of pf_samples (tools/lib/pf_samples.h). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_samples.h"

START_TEST(empty_set_has_no_statistics)
{
    pf_samples_t *s = pf_samples_new();
    double v = 42.0;
    ck_assert_uint_eq(pf_samples_count(s), 0);
    ck_assert_ptr_null(pf_samples_values(s));
    ck_assert_int_eq(pf_samples_median(s, &v), PF_ENOTFOUND);
    ck_assert_int_eq(pf_samples_percentile(s, 50, &v), PF_ENOTFOUND);
    ck_assert_int_eq(pf_samples_min(s, &v), PF_ENOTFOUND);
    ck_assert_int_eq(pf_samples_max(s, &v), PF_ENOTFOUND);
    ck_assert_int_eq(pf_samples_mean(s, &v), PF_ENOTFOUND);
    ck_assert(v == 42.0);   /* out-params untouched on failure */
    pf_samples_destroy(&s);
    ck_assert_ptr_null(s);
    pf_samples_destroy(&s); /* twice is harmless */
}
END_TEST

START_TEST(median_odd_and_even)
{
    pf_samples_t *s = pf_samples_new();
    double v = 0;
    pf_samples_add(s, 5);
    pf_samples_add(s, 1);
    pf_samples_add(s, 3);
    ck_assert_int_eq(pf_samples_median(s, &v), PF_OK);
    ck_assert(v == 3);
    pf_samples_add(s, 10);
    ck_assert_int_eq(pf_samples_median(s, &v), PF_OK);
    ck_assert(v == 4);      /* (3 + 5) / 2 */
    pf_samples_destroy(&s);
}
END_TEST

START_TEST(nearest_rank_percentiles)
{
    pf_samples_t *s = pf_samples_new();
    /* 1..100 added in reverse order: p-th percentile is p itself.         */
    for (int i = 100; i >= 1; i--)
        ck_assert_int_eq(pf_samples_add(s, i), PF_OK);
    double v = 0;
    ck_assert_int_eq(pf_samples_percentile(s, 50, &v), PF_OK);
    ck_assert(v == 50);
    ck_assert_int_eq(pf_samples_percentile(s, 99, &v), PF_OK);
    ck_assert(v == 99);
    ck_assert_int_eq(pf_samples_percentile(s, 0, &v), PF_OK);
    ck_assert(v == 1);
    ck_assert_int_eq(pf_samples_percentile(s, 100, &v), PF_OK);
    ck_assert(v == 100);
    ck_assert_int_eq(pf_samples_percentile(s, 99.5, &v), PF_OK);
    ck_assert(v == 100);
    ck_assert_int_eq(pf_samples_percentile(s, -1, &v), PF_EINVAL);
    ck_assert_int_eq(pf_samples_percentile(s, 101, &v), PF_EINVAL);
    ck_assert_int_eq(pf_samples_percentile(s, NAN, &v), PF_EINVAL);
    pf_samples_destroy(&s);
}
END_TEST

START_TEST(small_set_p99_is_the_maximum)
{
    pf_samples_t *s = pf_samples_new();
    pf_samples_add(s, 2);
    pf_samples_add(s, 7);
    pf_samples_add(s, 4);
    double v = 0;
    ck_assert_int_eq(pf_samples_percentile(s, 99, &v), PF_OK);
    ck_assert(v == 7);
    ck_assert_int_eq(pf_samples_percentile(s, 50, &v), PF_OK);
    ck_assert(v == 4);
    pf_samples_destroy(&s);
}
END_TEST

START_TEST(insertion_order_survives_sorting)
{
    pf_samples_t *s = pf_samples_new();
    const double in[] = { 9, -2, 4.5, 0 };
    for (size_t i = 0; i < 4; i++)
        pf_samples_add(s, in[i]);
    double v = 0;
    ck_assert_int_eq(pf_samples_min(s, &v), PF_OK);
    ck_assert(v == -2);
    ck_assert_int_eq(pf_samples_max(s, &v), PF_OK);
    ck_assert(v == 9);
    const double *values = pf_samples_values(s);
    for (size_t i = 0; i < 4; i++)
        ck_assert(values[i] == in[i]);
    ck_assert_int_eq(pf_samples_mean(s, &v), PF_OK);
    ck_assert(fabs(v - 2.875) < 1e-12);
    pf_samples_destroy(&s);
}
END_TEST

START_TEST(add_after_statistics_resorts)
{
    pf_samples_t *s = pf_samples_new();
    pf_samples_add(s, 3);
    double v = 0;
    ck_assert_int_eq(pf_samples_max(s, &v), PF_OK);
    ck_assert(v == 3);
    pf_samples_add(s, 8);
    ck_assert_int_eq(pf_samples_max(s, &v), PF_OK);
    ck_assert(v == 8);
    pf_samples_clear(s);
    ck_assert_uint_eq(pf_samples_count(s), 0);
    ck_assert_int_eq(pf_samples_max(s, &v), PF_ENOTFOUND);
    pf_samples_add(s, 1);
    ck_assert_int_eq(pf_samples_max(s, &v), PF_OK);
    ck_assert(v == 1);
    pf_samples_destroy(&s);
}
END_TEST

START_TEST(nan_is_refused_and_growth_keeps_values)
{
    pf_samples_t *s = pf_samples_new();
    ck_assert_int_eq(pf_samples_add(s, NAN), PF_EINVAL);
    ck_assert_uint_eq(pf_samples_count(s), 0);
    for (int i = 0; i < 10000; i++)
        pf_samples_add(s, (double)(i % 97));
    ck_assert_uint_eq(pf_samples_count(s), 10000);
    double v = 0;
    ck_assert_int_eq(pf_samples_max(s, &v), PF_OK);
    ck_assert(v == 96);
    ck_assert(pf_samples_values(s)[9999] == (double)(9999 % 97));
    pf_samples_destroy(&s);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *suite = suite_create("pf_samples");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, empty_set_has_no_statistics);
    tcase_add_test(tc, median_odd_and_even);
    tcase_add_test(tc, nearest_rank_percentiles);
    tcase_add_test(tc, small_set_p99_is_the_maximum);
    tcase_add_test(tc, insertion_order_survives_sorting);
    tcase_add_test(tc, add_after_statistics_resorts);
    tcase_add_test(tc, nan_is_refused_and_growth_keeps_values);
    suite_add_tcase(suite, tc);
    return suite;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
