/*  test_pf_report.c — unit tests of the readable STATUS and RESULT forms
    (tools/lib/pf_report.c).                                                 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_report.h"

/*  A RESULT body: company_context completed (simulated when asked),
    hiring_signals failed, buying_committee skipped, signal_scoring pending. */
static pf_value_t *
s_result(bool simulated, const char *domain)
{
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "req_id", "r1");
    pf_map_set_str(r, "job_id", "job_abc");
    pf_map_set_str(r, "domain", domain);
    pf_map_set_str(r, "status", "partial");
    pf_value_t *results = pf_value_map();
    pf_value_t *cc = pf_value_map();
    pf_map_set_str(cc, "module", "company_context");
    if (simulated)
        pf_map_set_bool(cc, "simulated", true);
    pf_map_set_int(cc, "employees", 8000);
    pf_map_set(results, "company_context", &cc);
    pf_map_set(r, "results", &results);
    pf_value_t *done = pf_value_array();
    pf_array_push_str(done, "company_context");
    pf_map_set(r, "completed_modules", &done);
    pf_value_t *failed = pf_value_array();
    pf_value_t *f = pf_value_map();
    pf_map_set_str(f, "module", "hiring_signals");
    pf_map_set_str(f, "error", "adapter timeout");
    pf_array_push(failed, &f);
    pf_map_set(r, "failed_modules", &failed);
    pf_value_t *skipped = pf_value_array();
    pf_value_t *s = pf_value_map();
    pf_map_set_str(s, "module", "buying_committee");
    pf_map_set_str(s, "reason", "upstream failed");
    pf_array_push(skipped, &s);
    pf_map_set(r, "skipped_modules", &skipped);
    pf_value_t *pending = pf_value_array();
    pf_array_push_str(pending, "signal_scoring");
    pf_map_set(r, "pending_modules", &pending);
    pf_map_set_int(r, "duration_ms", 1500);
    return r;
}

/*  Runs pf_report_result into a string (caller frees).                    */
__attribute__((noinline)) static char *
s_result_text(const pf_value_t *r, const pf_progress_t *progress)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_int_eq(pf_report_result(out, r, progress), 0);
    fclose(out);
    return text;
}

START_TEST(test_result_summary)
{
    pf_value_t *r = s_result(false, "stripe.com");
    ck_assert(!pf_report_simulated(r));
    pf_progress_t *p = pf_progress_new("job_abc", NULL, 0);
    pf_value_t *done = pf_value_map();
    pf_map_set_str(done, "job_id", "job_abc");
    pf_map_set_str(done, "module", "company_context");
    pf_map_set_int(done, "attempt", 1);
    pf_map_set_int(done, "duration_ms", 250);
    pf_progress_event(p, "module.completed", done, 0);
    pf_value_destroy(&done);

    char *text = s_result_text(r, p);
    ck_assert_ptr_nonnull(strstr(text, "domain:   stripe.com\n"));
    ck_assert_ptr_nonnull(strstr(text, "job:      job_abc\n"));
    ck_assert_ptr_nonnull(strstr(text, "status:   partial\n"));
    ck_assert_ptr_nonnull(strstr(text, "duration: 1.50 s\n"));
    ck_assert_ptr_null(strstr(text, "SIMULATED"));
    ck_assert_ptr_nonnull(strstr(text, "company_context"));
    ck_assert_ptr_nonnull(strstr(text, "0.25s"));
    ck_assert_ptr_nonnull(strstr(text, "failed      error: adapter timeout"));
    ck_assert_ptr_nonnull(strstr(text, "skipped     reason: upstream failed"));
    ck_assert_ptr_nonnull(strstr(text, "signal_scoring           pending"));
    /*  The module's result, as indented JSON.                              */
    ck_assert_ptr_nonnull(strstr(text, "  company_context:\n    {\n      \"module\": "
                                       "\"company_context\",\n      \"employees\": 8000\n    }\n"));
    free(text);
    pf_progress_destroy(&p);
    pf_value_destroy(&r);
}
END_TEST

START_TEST(test_simulated_notice)
{
    pf_value_t *r = s_result(true, "stripe.com");
    ck_assert(pf_report_simulated(r));
    char *text = s_result_text(r, NULL);
    char *first = strstr(text, "SIMULATED DATA");
    ck_assert_ptr_nonnull(first);
    /*  Said before the modules and again after the results.               */
    ck_assert(first < strstr(text, "modules:"));
    ck_assert_ptr_nonnull(strstr(first + 1, "SIMULATED DATA"));
    free(text);
    pf_value_destroy(&r);

    pf_value_t *top = pf_value_map();
    pf_map_set_bool(top, "simulated", true);
    ck_assert(pf_report_simulated(top));
    pf_value_destroy(&top);
    ck_assert(!pf_report_simulated(NULL));
}
END_TEST

START_TEST(test_control_characters_neutralised)
{
    pf_value_t *r = s_result(false, "evil\x1b]0;pwned\x07.com");
    char *text = s_result_text(r, NULL);
    ck_assert_ptr_null(strchr(text, '\x1b'));
    ck_assert_ptr_null(strchr(text, '\x07'));
    ck_assert_ptr_nonnull(strstr(text, "evil?]0;pwned?.com"));
    free(text);
    pf_value_destroy(&r);
}
END_TEST

/*  Runs pf_report_status into a string (caller frees).                    */
__attribute__((noinline)) static char *
s_status_text(const pf_value_t *status)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_int_eq(pf_report_status(out, status), 0);
    fclose(out);
    return text;
}

/*  A job with a brief: the human form prints its Markdown (control
    characters but newline and tab neutralised) instead of every module's
    JSON; --brief prints the Markdown alone; a job without one has none.   */
START_TEST(test_brief)
{
    pf_value_t *result = pf_value_map();
    pf_map_set_str(result, "job_id", "job_1");
    pf_map_set_str(result, "status", "completed");
    pf_value_t *results = pf_value_map();
    pf_value_t *brief = pf_value_map();
    pf_value_t *data = pf_value_map();
    pf_map_set_str(data, "markdown", "# Brief\n\n- why\tnow\x1b[31m red\n");
    pf_map_set(brief, "data", &data);
    pf_map_set(results, "strategic_signal_brief", &brief);
    pf_value_t *other = pf_value_map();
    pf_map_set_str(other, "marker", "module-json-not-printed");
    pf_map_set(results, "company_context", &other);
    pf_map_set(result, "results", &results);

    ck_assert_str_eq(pf_report_brief(result), "# Brief\n\n- why\tnow\x1b[31m red\n");
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_int_eq(pf_report_write_brief(out, result), 0);
    fclose(out);
    ck_assert_str_eq(text, "# Brief\n\n- why\tnow?[31m red\n");
    free(text);

    out = open_memstream(&text, &size);
    ck_assert_int_eq(pf_report_result(out, result, NULL), 0);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "# Brief\n"));
    ck_assert_ptr_null(strstr(text, "module-json-not-printed"));
    ck_assert_ptr_nonnull(strstr(text, "pf results job_1 --json"));
    free(text);

    pf_value_t *none = pf_value_map();
    ck_assert_ptr_null(pf_report_brief(none));
    out = open_memstream(&text, &size);
    ck_assert_int_eq(pf_report_write_brief(out, none), PF_ENOTFOUND);
    fclose(out);
    free(text);
    pf_value_destroy(&none);
    pf_value_destroy(&result);
}
END_TEST

START_TEST(test_status_forms)
{
    pf_value_t *b = pf_value_map();
    pf_map_set_str(b, "batch_id", "batch_xyz");
    pf_map_set_int(b, "total", 10);
    pf_map_set_int(b, "queued", 1);
    pf_map_set_int(b, "running", 2);
    pf_map_set_int(b, "completed", 4);
    pf_map_set_int(b, "partial", 1);
    pf_map_set_int(b, "failed", 1);
    pf_map_set_int(b, "cancelled", 1);
    char *text = s_status_text(b);
    ck_assert_str_eq(text, "batch_xyz  total 10: queued 1, running 2, completed 4, partial 1, "
                           "failed 1, cancelled 1\n");
    free(text);
    pf_value_destroy(&b);

    pf_value_t *j = pf_value_map();
    pf_map_set_str(j, "job_id", "job_abc");
    pf_map_set_str(j, "domain", "stripe.com");
    pf_map_set_str(j, "status", "running");
    pf_map_set_str(j, "priority", "high");
    pf_map_set_float(j, "elapsed_seconds", 12.0);
    pf_map_set_float(j, "estimated_remaining_seconds", 40.0);
    pf_value_t *modules = pf_value_map();
    pf_value_t *m = pf_value_map();
    pf_map_set_str(m, "status", "completed");
    pf_map_set_int(m, "duration_ms", 9000);
    pf_map_set_int(m, "attempts", 1);
    pf_map_set(modules, "company_context", &m);
    pf_map_set(j, "modules", &modules);
    text = s_status_text(j);
    ck_assert_ptr_nonnull(strstr(text, "job_abc  stripe.com  running  12.0s  1/1 modules ended"));
    ck_assert_ptr_nonnull(strstr(text, "company_context"));
    ck_assert_ptr_nonnull(strstr(text, "9.00s"));
    ck_assert_ptr_nonnull(strstr(text, "priority high, about 40 s remaining\n"));
    free(text);
    pf_value_destroy(&j);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_report");
    TCase *tc = tcase_create("report");
    tcase_add_test(tc, test_result_summary);
    tcase_add_test(tc, test_simulated_notice);
    tcase_add_test(tc, test_control_characters_neutralised);
    tcase_add_test(tc, test_status_forms);
    tcase_add_test(tc, test_brief);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
