/*  test_fakeapi_faults.c — pf-fakeapi's rate window, Retry-After values and
    fault decisions.                                                         */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_fake_faults.h"
#include "pf_fake_window.h"

static const char *const s_known[] = {"builtwith", "similarweb", "yahoo_finance", "sec_edgar",
                                      "websearch"};

START_TEST(test_window_exact_limit)
{
    pf_fake_window_t w;
    pf_fake_window_init(&w, 10, 1000, 20);
    uint32_t retry = 0;
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(pf_fake_window_arrive(&w, i * 1000, &retry), 0);
    /*  The 11th within the window is refused, with a wait until the first
        leaves the window.                                                 */
    ck_assert_int_eq(pf_fake_window_arrive(&w, 50000, &retry), PF_EBUSY);
    ck_assert_uint_eq(retry, 950);
    /*  Inside the grace: 985 ms after the first is tolerated.             */
    ck_assert_int_eq(pf_fake_window_arrive(&w, 985000, &retry), 0);
    ck_assert_uint_eq(w.max_in_window, 11);
    /*  Exactly N per W, spaced W/N apart, never violates.                 */
    pf_fake_window_reset(&w);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(pf_fake_window_arrive(&w, 10000000 + (int64_t) i * 100000, &retry), 0);
    ck_assert_uint_eq(w.max_in_window, 10);
    pf_fake_window_fini(&w);
}
END_TEST

START_TEST(test_window_unlimited_measures)
{
    pf_fake_window_t w;
    pf_fake_window_init(&w, 0, 1000, 20);
    uint32_t retry;
    for (int i = 0; i < 500; i++)
        ck_assert_int_eq(pf_fake_window_arrive(&w, i * 100, &retry), 0);
    ck_assert_uint_eq(w.max_in_window, 500);
    pf_fake_window_fini(&w);
}
END_TEST

START_TEST(test_retry_after_variants)
{
    char out[64];
    const char *verbatim[] = {"-1", "0", "99999", "garbage", "Wed, 21 Oct 2015 07:28:00 GMT"};
    for (size_t i = 0; i < sizeof verbatim / sizeof verbatim[0]; i++) {
        ck_assert_int_eq(pf_fake_retry_after_format(verbatim[i], 0, out, sizeof out), 0);
        ck_assert_str_eq(out, verbatim[i]);
    }
    ck_assert_int_eq(pf_fake_retry_after_format("date+30", 784111777 - 30, out, sizeof out), 0);
    ck_assert_str_eq(out, "Sun, 06 Nov 1994 08:49:37 GMT");
}
END_TEST

static json_t *
s_spec(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_ptr_nonnull(j);
    return j;
}

START_TEST(test_fault_rates_and_determinism)
{
    pf_fake_faults_t a, b;
    pf_fake_faults_init(&a);
    pf_fake_faults_init(&b);
    char err[256];
    json_t *spec = s_spec("{\"provider\":\"similarweb\",\"error_rate\":0.5,\"seed\":42}");
    ck_assert_int_eq(pf_fake_faults_set(&a, spec, s_known, 5, err, sizeof err), 0);
    ck_assert_int_eq(pf_fake_faults_set(&b, spec, s_known, 5, err, sizeof err), 0);
    json_decref(spec);
    int errors = 0;
    for (int i = 0; i < 1000; i++) {
        pf_fake_decision_t da, db;
        pf_fake_faults_decide(&a, "similarweb", "/v1/website/x", 0, &da);
        pf_fake_faults_decide(&b, "similarweb", "/v1/website/x", 0, &db);
        ck_assert_int_eq(da.kind, db.kind);
        errors += da.kind == PF_FAKE_FAULT_ERROR;
        ck_assert_int_eq(da.kind == PF_FAKE_FAULT_ERROR ? da.status : 500, 500);
    }
    ck_assert_int_gt(errors, 430);
    ck_assert_int_lt(errors, 570);
    /*  Other providers are untouched.                                    */
    pf_fake_decision_t d;
    pf_fake_faults_decide(&a, "sec_edgar", "/x", 0, &d);
    ck_assert_int_eq(d.kind, PF_FAKE_FAULT_NONE);
}
END_TEST

START_TEST(test_fault_endpoint_and_kinds)
{
    pf_fake_faults_t f;
    pf_fake_faults_init(&f);
    char err[256];
    json_t *s1 = s_spec("{\"provider\":\"sec_edgar\",\"down\":true}");
    json_t *s2 = s_spec("{\"provider\":\"sec_edgar\",\"endpoint\":\"/files\",\"rate_429\":1,"
                        "\"retry_after\":\"garbage\",\"latency_ms\":5}");
    ck_assert_int_eq(pf_fake_faults_set(&f, s1, s_known, 5, err, sizeof err), 0);
    ck_assert_int_eq(pf_fake_faults_set(&f, s2, s_known, 5, err, sizeof err), 0);
    pf_fake_decision_t d;
    pf_fake_faults_decide(&f, "sec_edgar", "/submissions/CIK1.json", 0, &d);
    ck_assert_int_eq(d.kind, PF_FAKE_FAULT_DOWN);
    pf_fake_faults_decide(&f, "sec_edgar", "/files/company_tickers.json", 0, &d);
    ck_assert_int_eq(d.kind, PF_FAKE_FAULT_429);
    ck_assert(d.has_retry_after);
    ck_assert_str_eq(d.retry_after, "garbage");
    ck_assert_uint_eq(d.delay_ms, 5);
    ck_assert_uint_eq(pf_fake_faults_clear(&f, "sec_edgar"), 2);
    json_decref(s1);
    json_decref(s2);
    /*  Bad input is refused with a message.                              */
    const char *bad[] = {"{\"provider\":\"nope\"}", "{\"provider\":\"websearch\",\"error_rate\":2}",
                         "{\"provider\":\"websearch\",\"bogus\":1}",
                         "{\"provider\":\"websearch\",\"error_status\":200}", "[1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *s = s_spec(bad[i]);
        ck_assert_int_eq(pf_fake_faults_set_all(&f, s, s_known, 5, err, sizeof err), PF_EINVAL);
        json_decref(s);
    }
    ck_assert_uint_eq(f.count, 0);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("fakeapi_faults");
    TCase *tc = tcase_create("faults");
    tcase_add_test(tc, test_window_exact_limit);
    tcase_add_test(tc, test_window_unlimited_measures);
    tcase_add_test(tc, test_retry_after_variants);
    tcase_add_test(tc, test_fault_rates_and_determinism);
    tcase_add_test(tc, test_fault_endpoint_and_kinds);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
