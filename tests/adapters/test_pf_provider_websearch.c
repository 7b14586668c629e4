/*  test_pf_provider_websearch.c — Brave Search requests (query parameters,
    the token in a header and never in the URL, base override, refused
    arguments), the normalisation of web, news and jobs answers (with the
    job board of each result) and Brave's error objects.                   */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_provider_check.h"
#include "pf_provider_internal.h"

#define P (&pf_provider_websearch)

static const pf_provider_conf_t s_conf = {.key = "BSA-token-1"};

/*  Builds op with args and checks URL, fetch key (equal: the key is in a
    header) and headers.                                                    */
static void
s_expect(const char *op, const pf_provider_conf_t *conf, const char *args, const char *url)
{
    pf_provider_request_t req;
    pfpc_build_ok(P, op, conf, args, &req);
    ck_assert_str_eq(req.url, url);
    ck_assert_str_eq(req.fetch_key, url);
    ck_assert_str_eq(req.headers[0], "Accept: application/json");
    if (conf->key && *conf->key) {
        ck_assert_uint_eq(req.header_count, 2);
        char want[256];
        snprintf(want, sizeof want, "X-Subscription-Token: %s", conf->key);
        ck_assert_str_eq(req.headers[1], want);
        ck_assert_ptr_null(strstr(req.url, conf->key));
    } else {
        ck_assert_uint_eq(req.header_count, 1);
    }
}

START_TEST(test_table)
{
    ck_assert_ptr_eq(pf_provider_find("websearch"), P);
    ck_assert_str_eq(P->hosts[0], "api.search.brave.com");
    ck_assert_str_eq(P->key_env, "PF_WEBSEARCH_KEY");
    ck_assert(P->key_required);
    ck_assert_uint_eq(P->limits.per_minute, 300);
    ck_assert_uint_eq(P->limits.concurrency, 20);
    ck_assert_uint_eq(P->limits.breaker_failures, 10);
    ck_assert_uint_eq(P->limits.breaker_recovery_s, 30);
    ck_assert_uint_eq(P->op_count, 3);
    ck_assert_uint_eq(pf_provider_op(P, "web")->ttl_s, 86400);
    ck_assert_uint_eq(pf_provider_op(P, "news")->ttl_s, 6 * 3600);
    ck_assert_uint_eq(pf_provider_op(P, "jobs")->ttl_s, 86400);
    ck_assert_ptr_nonnull(pf_provider_op(P, "jobs")->select);
    ck_assert_ptr_null(pf_provider_op(P, "web")->select);
}
END_TEST

START_TEST(test_build_web_and_news)
{
    s_expect("web", &s_conf, "{\"query\":\"stripe payments\"}",
             "https://api.search.brave.com/res/v1/web/search?q=stripe%20payments&count=10&"
             "offset=0&country=us&result_filter=web&text_decorations=false&extra_snippets=true");
    s_expect("web", &s_conf,
             "{\"query\":\"\\\"Stripe\\\" & co/ü?\",\"count\":20,\"offset\":9,"
             "\"freshness\":\"pw\",\"country\":\"DE\"}",
             "https://api.search.brave.com/res/v1/web/search?q=%22Stripe%22%20%26%20co%2F%C3%BC%3F&"
             "count=20&offset=9&country=de&freshness=pw&result_filter=web&text_decorations=false&"
             "extra_snippets=true");
    s_expect("news", &s_conf, "{\"query\":\"stripe\",\"count\":1,\"freshness\":\"pd\"}",
             "https://api.search.brave.com/res/v1/news/search?q=stripe&count=1&offset=0&"
             "country=us&freshness=pd&extra_snippets=true");
    pf_provider_conf_t none = {0};
    s_expect("news", &none, "{\"query\":\"stripe\"}",
             "https://api.search.brave.com/res/v1/news/search?q=stripe&count=10&offset=0&"
             "country=us&extra_snippets=true");
    pf_provider_conf_t base = {.key = "T", .base = "http://127.0.0.1:8700/websearch"};
    s_expect("web", &base, "{\"query\":\"a\"}",
             "http://127.0.0.1:8700/websearch/res/v1/web/search?q=a&count=10&offset=0&country=us&"
             "result_filter=web&text_decorations=false&extra_snippets=true");
}
END_TEST

START_TEST(test_build_jobs)
{
    s_expect("jobs", &s_conf, "{\"company\":\"Stripe\",\"domain\":\"Stripe.com\"}",
             "https://api.search.brave.com/res/v1/web/search?q=%22Stripe%22%20jobs%20%28"
             "site%3Aboards.greenhouse.io%20OR%20site%3Ajobs.lever.co%20OR%20"
             "site%3Ajobs.ashbyhq.com%20OR%20site%3Amyworkdayjobs.com%20OR%20"
             "site%3Ajobs.smartrecruiters.com%20OR%20site%3Astripe.com%29&count=20&offset=0&"
             "result_filter=web&text_decorations=false&extra_snippets=true");
    pf_provider_conf_t base = {.base = "http://127.0.0.1:8700/websearch"};
    pf_provider_request_t req;
    pfpc_build_ok(P, "jobs", &base, "{\"company\":\"AT&T\",\"domain\":\"att.com\"}", &req);
    ck_assert_ptr_nonnull(strstr(req.url, "http://127.0.0.1:8700/websearch/res/v1/web/search?q="
                                          "%22AT%26T%22%20jobs"));
    ck_assert_ptr_nonnull(strstr(req.url, "site%3Aatt.com%29"));
}
END_TEST

START_TEST(test_build_refuses_bad_args)
{
    static const char *const bad_search[] = {
        "{}",
        "{\"query\":\"\"}",
        "{\"query\":\"   \"}",
        "{\"query\":5}",
        "{\"query\":\"a\\nb\"}",
        "{\"query\":\"a\",\"count\":0}",
        "{\"query\":\"a\",\"count\":21}",
        "{\"query\":\"a\",\"count\":\"5\"}",
        "{\"query\":\"a\",\"offset\":10}",
        "{\"query\":\"a\",\"offset\":-1}",
        "{\"query\":\"a\",\"freshness\":\"py2\"}",
        "{\"query\":\"a\",\"freshness\":\"px\"}",
        "{\"query\":\"a\",\"freshness\":true}",
        "{\"query\":\"a\",\"country\":\"usa\"}",
        "{\"query\":\"a\",\"country\":\"1a\"}",
        "{\"query\":\"a\",\"country\":\"\"}",
        "\"a\"",
    };
    char long_query[512];
    snprintf(long_query, sizeof long_query, "{\"query\":\"%0401d\"}", 0);
    char many_words[512] = "{\"query\":\"";
    for (int i = 0; i < 51; i++)
        strcat(many_words, "w ");
    strcat(many_words, "\"}");
    static const char *const ops[] = {"web", "news"};
    for (size_t i = 0; i < PFPC_COUNT(ops); i++) {
        pfpc_build_refused_all(P, ops[i], NULL, bad_search, PFPC_COUNT(bad_search));
        pfpc_build_refused(P, ops[i], long_query);
        pfpc_build_refused(P, ops[i], many_words);
    }
    static const char *const bad_jobs[] = {
        "{\"domain\":\"stripe.com\"}",
        "{\"company\":\"Stripe\"}",
        "{\"company\":\"Stripe\",\"domain\":\"localhost\"}",
        "{\"company\":\"Stripe\",\"domain\":5}",
        "{\"company\":\"St\\\"ripe\",\"domain\":\"stripe.com\"}",
        "{\"company\":\"\",\"domain\":\"stripe.com\"}",
        "{\"company\":7,\"domain\":\"stripe.com\"}",
    };
    pfpc_build_refused_all(P, "jobs", NULL, bad_jobs, PFPC_COUNT(bad_jobs));
    /*  A long company plus a long domain overrun Brave's 400 bytes.      */
    char long_both[1024];
    snprintf(long_both, sizeof long_both,
             "{\"company\":\"%0100d\",\"domain\":\"%063d.%063d.%063d.com\"}", 0, 0, 0, 0);
    for (char *p = strstr(long_both, "domain"); *p; p++)
        if (*p == '0')
            *p = 'a';
    pfpc_build_refused(P, "jobs", long_both);
    /*  A token that would split the header is refused.                    */
    pf_provider_conf_t bad = {.key = "tok\r\nX-Evil: 1"};
    pfpc_build_refused_with(P, "web", &bad, "{\"query\":\"a\"}");
}
END_TEST

START_TEST(test_parse_web)
{
    pf_value_t *v = pfpc_ok_fixture(P, "web", "web.json");
    ck_assert_str_eq(pfpc_str(v, "query"), "stripe payments api");
    ck_assert(pfpc_bool(v, "more_results"));
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "results")), 2);
    ck_assert_str_eq(pfpc_str(v, "results.0.title"), "Stripe API Reference");
    ck_assert_str_eq(pfpc_str(v, "results.0.url"), "https://docs.stripe.com/api");
    ck_assert_str_eq(pfpc_str(v, "results.0.description"),
                     "Complete reference documentation for the Stripe API.");
    ck_assert_str_eq(pfpc_str(v, "results.0.age"), "2 days ago");
    ck_assert_str_eq(pfpc_str(v, "results.0.page_age"), "2024-05-01T10:00:00");
    ck_assert_str_eq(pfpc_str(v, "results.0.hostname"), "docs.stripe.com");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "results.0.extra_snippets")), 2);
    ck_assert_str_eq(pfpc_str(v, "results.0.extra_snippets.1"), "Errors");
    ck_assert_ptr_null(pfpc_get(v, "results.0.ats"));
    ck_assert_ptr_null(pfpc_get(v, "results.0.language"));
    ck_assert_ptr_null(pfpc_get(v, "results.0.meta_url"));
    ck_assert_str_eq(pfpc_str(v, "results.1.url"), "https://news.example.org/stripe");
    ck_assert_ptr_null(pfpc_get(v, "results.1.description"));
    ck_assert_ptr_null(pfpc_get(v, "results.1.hostname"));
    ck_assert_ptr_null(pfpc_get(v, "results.1.extra_snippets"));
    pf_value_destroy(&v);
    /*  Nothing matched: Brave leaves "web" out.                           */
    v = pfpc_ok_fixture(P, "web", "web_empty.json");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "results")), 0);
    ck_assert_ptr_null(pfpc_get(v, "more_results"));
    pf_value_destroy(&v);
    pfpc_bad_shapes(P, "web", "{\"web\":{\"results\":{}}}", "{\"web\":{}}", "{\"web\":[]}", "[]",
                    NULL);
}
END_TEST

START_TEST(test_parse_news)
{
    pf_value_t *v = pfpc_ok_fixture(P, "news", "news.json");
    ck_assert_str_eq(pfpc_str(v, "query"), "stripe");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "results")), 2);
    ck_assert_str_eq(pfpc_str(v, "results.0.title"), "Stripe launches new billing tools");
    ck_assert_str_eq(pfpc_str(v, "results.0.hostname"), "techcrunch.com");
    ck_assert_str_eq(pfpc_str(v, "results.0.page_age"), "2024-05-01T08:00:00");
    ck_assert_str_eq(pfpc_str(v, "results.0.extra_snippets.0"), "More text");
    ck_assert_str_eq(pfpc_str(v, "results.1.url"), "https://www.reuters.com/stripe");
    ck_assert_ptr_null(pfpc_get(v, "results.1.age"));
    pf_value_destroy(&v);
    v = pfpc_ok(P, "news", "{\"type\":\"news\"}");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "results")), 0);
    pf_value_destroy(&v);
    pfpc_bad_shapes(P, "news", "{\"results\":{}}", "{\"results\":\"x\"}", NULL);
}
END_TEST

START_TEST(test_parse_and_select_jobs)
{
    pf_value_t *parsed = pfpc_ok_fixture(P, "jobs", "jobs.json");
    pf_provider_error_t err;
    ck_assert_uint_eq(pf_array_size(pfpc_get(parsed, "results")), 11);
    ck_assert_str_eq(pfpc_str(parsed, "results.0.ats"), "greenhouse");
    ck_assert_str_eq(pfpc_str(parsed, "results.1.ats"), "lever");
    ck_assert_str_eq(pfpc_str(parsed, "results.2.ats"), "ashby");
    ck_assert_str_eq(pfpc_str(parsed, "results.3.ats"), "workday");
    ck_assert_str_eq(pfpc_str(parsed, "results.4.ats"), "smartrecruiters");
    /*  Parse has no arguments: it cannot know the company's own site.    */
    ck_assert_ptr_null(pfpc_get(parsed, "results.5.ats"));
    ck_assert_ptr_null(pfpc_get(parsed, "results.7.ats"));
    ck_assert_str_eq(pfpc_str(parsed, "results.9.ats"), "greenhouse");

    const pf_provider_op_t *op = pf_provider_op(P, "jobs");
    pf_value_t *args = pfpc_args("{\"company\":\"Stripe\",\"domain\":\"STRIPE.com\"}");
    pf_value_t *v = NULL;
    ck_assert_int_eq(op->select(parsed, args, &v, &err), PF_OK);
    ck_assert_str_eq(pfpc_str(v, "query"), "\"Stripe\" jobs");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "results")), 11);
    ck_assert_str_eq(pfpc_str(v, "results.0.ats"), "greenhouse");
    ck_assert_str_eq(pfpc_str(v, "results.0.title"), "Software Engineer, Payments - Stripe");
    ck_assert_str_eq(pfpc_str(v, "results.3.ats"), "workday");
    ck_assert_str_eq(pfpc_str(v, "results.5.ats"), "own");
    ck_assert_str_eq(pfpc_str(v, "results.6.ats"), "own");      /* uk.stripe.com:443 */
    ck_assert_ptr_null(pfpc_get(v, "results.7.ats"));            /* lookalike board   */
    ck_assert_ptr_null(pfpc_get(v, "results.8.ats"));            /* notstripe.com     */
    ck_assert_ptr_null(pfpc_get(v, "results.10.ats"));           /* no scheme         */
    /*  The parsed value is left as it was (it is the cached answer).     */
    ck_assert_ptr_null(pfpc_get(parsed, "results.5.ats"));
    pf_value_destroy(&v);
    pf_value_destroy(&args);
    args = pfpc_args("{\"company\":\"Stripe\",\"domain\":\"not a domain\"}");
    v = NULL;
    ck_assert_int_eq(op->select(parsed, args, &v, &err), PF_EINVAL);
    ck_assert_str_eq(err.code, "invalid_args");
    ck_assert_ptr_null(v);
    pf_value_destroy(&args);
    pf_value_destroy(&parsed);
}
END_TEST

START_TEST(test_parse_provider_errors)
{
    static const pfpc_refusal_t errors[] = {
        /*  Brave's bad token is a 422: classified by its code.            */
        PFPC_FILE(422, "error_token.json", PF_EINVAL, "unauthorized"),
        PFPC_FILE(401, "error_token.json", PF_EINVAL, "unauthorized"),
        PFPC_FILE(200, "error_token.json", PF_EINVAL, "unauthorized"),
        PFPC_FILE(422, "error_validation.json", PF_EINVAL, "provider_rejected"),
        PFPC_FILE(200, "error_validation.json", PF_EINVAL, "provider_rejected"),
        PFPC_FILE(200, "error_rate.json", PF_EPROTO, "provider_error"),
        PFPC_FILE(502, "error_rate.json", PF_EPROTO, "provider_error"),
        PFPC_FILE(404, "error_list.json", PF_EINVAL, "unauthorized"),
        PFPC_BODY(200, "{\"type\":\"ErrorResponse\"}", PF_EPROTO, "provider_error"),
        PFPC_BODY(200, "{\"error\":{\"status\":404,\"code\":\"NOT_FOUND\"}}", PF_ENOTFOUND,
                  "not_found"),
    };
    pfpc_refusals_every_op(P, errors, PFPC_COUNT(errors));
}
END_TEST

START_TEST(test_parse_common_failures)
{
    static const char *const files[][2] = {
        {"web", "web.json"}, {"news", "news.json"}, {"jobs", "jobs.json"}};
    pfpc_common_failures_files(P, files, PFPC_COUNT(files));
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_provider_websearch");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_build_web_and_news);
    tcase_add_test(tc, test_build_jobs);
    tcase_add_test(tc, test_build_refuses_bad_args);
    tcase_add_test(tc, test_parse_web);
    tcase_add_test(tc, test_parse_news);
    tcase_add_test(tc, test_parse_and_select_jobs);
    tcase_add_test(tc, test_parse_provider_errors);
    tcase_add_test(tc, test_parse_common_failures);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
