/*  test_pf_report.c — unit tests of the readable STATUS and RESULT forms
    (tools/lib/pf_report.c).                                                 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_report.h"

/*  A map of two string fields.                                             */
static pf_value_t *
s_map2(const char *k1, const char *v1, const char *k2, const char *v2)
{
    pf_value_t *m = pf_value_map();
    pf_map_set_str(m, k1, v1);
    pf_map_set_str(m, k2, v2);
    return m;
}

/*  Sets map[key] to a list of the given items (taken), NULL-terminated.   */
static void
s_set_list(pf_value_t *map, const char *key, pf_value_t *item, ...)
{
    pf_value_t *list = pf_value_array();
    va_list ap;
    va_start(ap, item);
    for (pf_value_t *v = item; v; v = va_arg(ap, pf_value_t *))
        pf_array_push(list, &v);
    va_end(ap);
    pf_map_set(map, key, &list);
}

/*  A RESULT body: company_context completed (a simulated placeholder when
    simulated, else a pf_facts result: facts, one unknown, one fixture
    source), hiring_signals failed, buying_committee skipped, signal_scoring
    pending.                                                                 */
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
    if (simulated) {
        pf_map_set_str(cc, "module", "company_context");
        pf_map_set_bool(cc, "simulated", true);
        pf_map_set_int(cc, "employees", 8000);
    } else {
        pf_value_t *data = pf_value_map();
        pf_map_set_int(data, "employees", 8000);
        pf_map_set_str(data, "name", "Stripe, Inc.");
        pf_value_t *hq = s_map2("city", "San Francisco", "country", "US");
        pf_map_set(data, "headquarters", &hq);
        pf_value_t *tech = pf_value_array();
        for (int i = 0; i < 7; i++)
            pf_array_push_str(tech, "tech");
        pf_map_set(data, "technologies", &tech);
        s_set_list(data, "keywords", pf_value_str("payments"), pf_value_str("billing"), NULL);
        pf_map_set(cc, "data", &data);
        s_set_list(cc, "missing", s_map2("field", "ticker", "reason", "private company"), NULL);
        s_set_list(cc, "sources", s_map2("kind", "provider", "origin", "fixture"), NULL);
        pf_map_set_bool(cc, "synthetic", false);
    }
    pf_map_set(results, "company_context", &cc);
    pf_map_set(r, "results", &results);
    s_set_list(r, "completed_modules", pf_value_str("company_context"), NULL);
    s_set_list(r, "failed_modules", s_map2("module", "hiring_signals", "error", "adapter timeout"),
               NULL);
    s_set_list(r, "skipped_modules",
               s_map2("module", "buying_committee", "reason", "upstream failed"), NULL);
    s_set_list(r, "pending_modules", pf_value_str("signal_scoring"), NULL);
    pf_map_set_int(r, "duration_ms", 1500);
    return r;
}

/*  Marks company_context's single source as synthetic (pf-fakeapi).        */
static void
s_make_synthetic(pf_value_t *r)
{
    pf_value_t *results = (pf_value_t *)pf_map_get(r, "results");
    pf_value_t *cc = (pf_value_t *)pf_map_get(results, "company_context");
    s_set_list(cc, "sources", s_map2("kind", "provider", "origin", "synthetic"), NULL);
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

/*  No brief in the job (a --modules subset): the Markdown summary says so,
    tables every module and lists each completed module's facts.           */
START_TEST(test_result_summary)
{
    pf_value_t *r = s_result(false, "stripe.com");
    ck_assert(!pf_report_simulated(r));
    ck_assert(!pf_report_synthetic(r));
    pf_progress_t *p = pf_progress_new("job_abc", NULL, 0);
    pf_value_t *done = pf_value_map();
    pf_map_set_str(done, "job_id", "job_abc");
    pf_map_set_str(done, "module", "company_context");
    pf_map_set_int(done, "attempt", 1);
    pf_map_set_int(done, "duration_ms", 250);
    pf_progress_event(p, "module.completed", done, 0);
    pf_value_destroy(&done);

    char *text = s_result_text(r, p);
    static const char *const want[] = {
        "**Job** job_abc for stripe.com: **partial** in 1.50 s; 1 of 4 modules completed.\n",
        "the strategic signal brief was not part of this job",
        "`pf enrich stripe.com` without --modules",
        "| module | status | time | detail |\n",
        "| company_context | completed | 0.25 s | 5 facts, 1 unknown |\n",
        "| hiring_signals | failed |  | adapter timeout |\n",
        "| buying_committee | skipped |  | upstream failed |\n",
        "| signal_scoring | pending |  |  |\n",
        /*  The module's facts: scalars, a small map and list inline, a
            longer list counted, the unknown with its reason.              */
        "\n## company_context\n\n",
        "- **employees**: 8000\n",
        "- **name**: Stripe, Inc.\n",
        "- **headquarters**: city: San Francisco, country: US\n",
        "- **technologies**: (7 items)\n",
        "- **keywords**: payments, billing\n",
        "- _unknown_ **ticker**: private company\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(text, want[i]), "missing: %s\nin:\n%s", want[i], text);
    ck_assert_ptr_null(strstr(text, "SIMULATED"));
    ck_assert_ptr_null(strstr(text, "SYNTHETIC"));
    free(text);
    pf_progress_destroy(&p);
    pf_value_destroy(&r);
}
END_TEST

/*  The brief did not complete: the summary says how it ended.             */
START_TEST(test_result_brief_not_completed)
{
    pf_value_t *r = s_result(false, "stripe.com");
    pf_value_t *f = s_map2("module", "strategic_signal_brief", "error",
                           "inputs_unavailable: no input completed");
    pf_array_push((pf_value_t *)pf_map_get(r, "failed_modules"), &f);
    char *text = s_result_text(r, NULL);
    ck_assert_ptr_nonnull(strstr(text, "**No brief: the strategic signal brief failed: "
                                       "inputs_unavailable: no input completed.**"));
    ck_assert_ptr_nonnull(strstr(text, "| strategic_signal_brief | failed |  | "));
    free(text);
    pf_value_destroy(&r);

    r = s_result(false, "stripe.com");
    pf_array_push_str((pf_value_t *)pf_map_get(r, "pending_modules"), "strategic_signal_brief");
    text = s_result_text(r, NULL);
    ck_assert_ptr_nonnull(strstr(text, "the strategic signal brief has not run yet"));
    free(text);
    pf_value_destroy(&r);
}
END_TEST

START_TEST(test_simulated_notice)
{
    pf_value_t *r = s_result(true, "stripe.com");
    ck_assert(pf_report_simulated(r));
    ck_assert(!pf_report_synthetic(r));
    char *text = s_result_text(r, NULL);
    char *first = strstr(text, "SIMULATED DATA");
    ck_assert_ptr_nonnull(first);
    /*  Said before the modules and again after the results.               */
    ck_assert(first < strstr(text, "| module |"));
    ck_assert_ptr_nonnull(strstr(strstr(text, "- **employees**: 8000"), "SIMULATED DATA"));
    ck_assert_ptr_nonnull(strstr(text, "| company_context | completed |  | simulated placeholder |"));
    free(text);
    pf_value_destroy(&r);

    pf_value_t *top = pf_value_map();
    pf_map_set_bool(top, "simulated", true);
    ck_assert(pf_report_simulated(top));
    pf_value_destroy(&top);
    ck_assert(!pf_report_simulated(NULL));
}
END_TEST

/*  Synthetic data (a source with origin synthetic, or the result's flag)
    is named at the top and at the bottom, with its modules.               */
START_TEST(test_synthetic_notice)
{
    pf_value_t *r = s_result(false, "example-shop.com");
    s_make_synthetic(r);
    ck_assert(pf_report_synthetic(r));
    pf_value_t *names = pf_report_synthetic_modules(r);
    ck_assert_uint_eq(pf_array_size(names), 1);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(names, 0), NULL), "company_context");
    pf_value_destroy(&names);
    char *text = s_result_text(r, NULL);
    const char *notice = "> **SYNTHETIC DATA**: the results of 1 module(s) rest on provider "
                         "answers that the offline emulator (pf-fakeapi) made up; they show "
                         "the format and are not facts about example-shop.com: "
                         "company_context.\n";
    ck_assert_ptr_eq(strstr(text, notice), text);   /* the very first line  */
    char *last = strstr(text + 1, notice);
    ck_assert_ptr_nonnull(last);
    ck_assert_str_eq(last, notice);                 /* and the last one     */
    ck_assert_ptr_nonnull(strstr(text, "## company_context (synthetic data)\n"));
    ck_assert_ptr_nonnull(strstr(text, "5 facts, 1 unknown, synthetic data |"));
    free(text);
    pf_value_destroy(&r);

    pf_value_t *flagged = pf_value_map();
    ck_assert(!pf_report_module_synthetic(flagged));
    pf_map_set_bool(flagged, "synthetic", true);
    ck_assert(pf_report_module_synthetic(flagged));
    pf_value_destroy(&flagged);
    ck_assert(!pf_report_synthetic(NULL));
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

/*  A long fact is cut at a character boundary, never inside UTF-8; a '|'
    in a table cell is escaped.                                              */
START_TEST(test_long_fact_and_cells)
{
    pf_value_t *r = s_result(false, "stripe.com");
    pf_value_t *results = (pf_value_t *)pf_map_get(r, "results");
    pf_value_t *cc = (pf_value_t *)pf_map_get(results, "company_context");
    pf_value_t *data = (pf_value_t *)pf_map_get(cc, "data");
    char text[400];
    memset(text, 'a', 156);
    strcpy(text + 156, "\xc3\xa9\xc3\xa9 tail");   /* é straddles the cut  */
    pf_map_set_str(data, "description", text);
    pf_value_t *f = s_map2("module", "traffic_analysis", "error", "a|b");
    pf_array_push((pf_value_t *)pf_map_get(r, "failed_modules"), &f);
    char *out = s_result_text(r, NULL);
    char want[400];
    memset(want, 'a', 156);
    strcpy(want + 156, "...\n");
    ck_assert_ptr_nonnull(strstr(out, want));
    ck_assert_ptr_nonnull(strstr(out, "| traffic_analysis | failed |  | a\\|b |\n"));
    free(out);
    pf_value_destroy(&r);
}
END_TEST

START_TEST(test_formats)
{
    pf_report_format_t f = PF_REPORT_AUTO;
    ck_assert_int_eq(pf_report_format_parse("md", &f), 0);
    ck_assert_int_eq(f, PF_REPORT_MD);
    ck_assert_int_eq(pf_report_format_parse("json", &f), 0);
    ck_assert_int_eq(f, PF_REPORT_JSON);
    ck_assert_int_eq(pf_report_format_parse("markdown", &f), PF_EINVAL);
    ck_assert_int_eq(pf_report_format_parse(NULL, &f), PF_EINVAL);
    ck_assert_int_eq(f, PF_REPORT_JSON);

    pf_report_format_t chosen = PF_REPORT_AUTO;
    ck_assert_int_eq(pf_report_format_merge(&chosen, PF_REPORT_AUTO), 0);
    ck_assert_int_eq(chosen, PF_REPORT_AUTO);
    ck_assert_int_eq(pf_report_format_merge(&chosen, PF_REPORT_JSON), 0);
    ck_assert_int_eq(pf_report_format_merge(&chosen, PF_REPORT_JSON), 0);   /* --json --format json */
    ck_assert_int_eq(pf_report_format_merge(&chosen, PF_REPORT_MD), PF_EINVAL);
    ck_assert_int_eq(chosen, PF_REPORT_JSON);

    /*  AUTO follows the stream: a pipe is not a terminal.                  */
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(pf_report_format_resolve(PF_REPORT_AUTO, fds[1]), PF_REPORT_JSON);
    ck_assert_int_eq(pf_report_format_resolve(PF_REPORT_MD, fds[1]), PF_REPORT_MD);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

/*  JSON output carries the synthetic flag at the top.                      */
START_TEST(test_json_flag)
{
    pf_value_t *r = s_result(false, "stripe.com");
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_int_eq(pf_report_json(out, r), 0);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "\"synthetic\": false"));
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    free(text);
    s_make_synthetic(r);
    out = open_memstream(&text, &size);
    ck_assert_int_eq(pf_report_json(out, r), 0);
    fclose(out);
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    free(text);
    pf_value_destroy(&r);
}
END_TEST

/*  The batch line: identity, statuses per module, the brief's map.         */
START_TEST(test_batch_line)
{
    pf_value_t *r = s_result(false, "stripe.com");
    pf_value_t *line = pf_report_batch_line(r);
    ck_assert_str_eq(pf_map_get_str(line, "domain"), "stripe.com");
    ck_assert_str_eq(pf_map_get_str(line, "job_id"), "job_abc");
    ck_assert_str_eq(pf_map_get_str(line, "status"), "partial");
    ck_assert_int_eq(pf_map_get_int(line, "duration_ms", 0), 1500);
    ck_assert(!pf_map_get_bool(line, "synthetic", true));
    ck_assert_uint_eq(pf_array_size(pf_map_get(line, "synthetic_modules")), 0);
    const pf_value_t *modules = pf_map_get(line, "modules");
    ck_assert_uint_eq(pf_map_size(modules), 4);
    ck_assert_str_eq(pf_map_get_str(modules, "company_context"), "completed");
    ck_assert_str_eq(pf_map_get_str(modules, "hiring_signals"), "failed");
    ck_assert_str_eq(pf_map_get_str(modules, "buying_committee"), "skipped");
    ck_assert_str_eq(pf_map_get_str(modules, "signal_scoring"), "pending");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(pf_map_get(line, "failed_modules"), 0), "error"),
                     "adapter timeout");
    ck_assert_uint_eq(pf_array_size(pf_map_get(line, "skipped_modules")), 1);
    ck_assert(pf_value_is(pf_map_get(line, "brief"), PF_NIL));
    ck_assert(!pf_map_has(line, "results"));
    pf_value_destroy(&line);

    /*  With a brief (synthetic): its data map, markdown included.          */
    s_make_synthetic(r);
    pf_value_t *results = (pf_value_t *)pf_map_get(r, "results");
    pf_value_t *brief = pf_value_map();
    pf_value_t *data = pf_value_map();
    pf_map_set_str(data, "markdown", "# Brief\n");
    pf_map_set_str(data, "headline", "act now");
    pf_map_set(brief, "data", &data);
    pf_map_set(results, "strategic_signal_brief", &brief);
    line = pf_report_batch_line(r);
    ck_assert(pf_map_get_bool(line, "synthetic", false));
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(line, "synthetic_modules"), 0), NULL),
                     "company_context");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(line, "brief"), "markdown"), "# Brief\n");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(line, "brief"), "headline"), "act now");
    pf_value_destroy(&line);
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
    s_set_list(result, "failed_modules",
               s_map2("module", "traffic_analysis", "error", "quota exhausted"), NULL);

    ck_assert_ptr_eq(pf_report_brief_result(result),
                     pf_map_get(pf_map_get(result, "results"), "strategic_signal_brief"));
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
    ck_assert_ptr_nonnull(strstr(text, "`pf results job_1 --format json`"));
    ck_assert_ptr_nonnull(strstr(text, "\n---\n\n**Job** job_1 for ?: **completed**"));
    ck_assert_ptr_nonnull(strstr(text, "- traffic_analysis failed: quota exhausted\n"));
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
    tcase_add_test(tc, test_result_brief_not_completed);
    tcase_add_test(tc, test_simulated_notice);
    tcase_add_test(tc, test_synthetic_notice);
    tcase_add_test(tc, test_long_fact_and_cells);
    tcase_add_test(tc, test_formats);
    tcase_add_test(tc, test_json_flag);
    tcase_add_test(tc, test_batch_line);
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
