/*  test_pf_provider_builtwith.c — BuiltWith's requests (URL, key kept out
    of the fetch key, base override, refused arguments) and the
    normalisation of its six answers, including its errors-with-200.       */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_provider_check.h"
#include "pf_provider_internal.h"

#define P (&pf_provider_builtwith)

static const pf_provider_conf_t s_conf = {.key = "00000000-aaaa-bbbb-cccc-000000000001"};

/*  Builds op with args and checks the URL and the fetch key exactly.      */
static void
s_expect(const char *op, const pf_provider_conf_t *conf, const char *args, const char *url,
         const char *fetch_key)
{
    pfpc_expect_query_key(P, op, conf, args, url, fetch_key, "KEY");
}

START_TEST(test_table)
{
    ck_assert_ptr_eq(pf_provider_find("builtwith"), P);
    ck_assert_str_eq(P->hosts[0], "api.builtwith.com");
    ck_assert_str_eq(P->key_env, "PF_BUILTWITH_KEY");
    ck_assert(P->key_required);
    ck_assert_uint_eq(P->limits.per_minute, 30);
    ck_assert_uint_eq(P->limits.concurrency, 5);
    ck_assert_uint_eq(P->limits.breaker_failures, 5);
    ck_assert_uint_eq(P->limits.breaker_recovery_s, 60);
    ck_assert_uint_eq(P->op_count, 6);
    ck_assert_uint_eq(pf_provider_op(P, "domain")->ttl_s, 7 * 86400);
    ck_assert_str_eq(pf_provider_op(P, "domain")->endpoint, "/v22/api.json");
    ck_assert_uint_eq(pf_provider_op(P, "trust")->ttl_s, 86400);
    ck_assert_ptr_null(pf_provider_op(P, "financial"));
    ck_assert_ptr_null(pf_provider_op(P, "social"));
    for (size_t i = 0; i < P->op_count; i++) {
        ck_assert_ptr_nonnull(P->ops[i].build);
        ck_assert_ptr_nonnull(P->ops[i].parse);
        ck_assert(!P->ops[i].needs_session);
    }
}
END_TEST

START_TEST(test_build_urls)
{
    /*  The URL is the fetch key with the key first in the query.          */
    static const struct {
        const char *op, *args, *path, *query;
    } t[] = {
        {"domain", "{\"domain\":\"Stripe.COM.\"}", "/v22/api.json",
         "LOOKUP=stripe.com&HIDETEXT=yes&HIDEDL=yes&NOPII=yes"},
        {"relationships", "{\"domain\":\"stripe.com\"}", "/rv4/api.json", "LOOKUP=stripe.com"},
        {"relationships", "{\"domain\":\"stripe.com\",\"offset\":500}", "/rv4/api.json",
         "LOOKUP=stripe.com&OFFSET=500"},
        {"recommendations", "{\"domain\":\"stripe.com\"}", "/rec1/api.json",
         "LOOKUP=stripe.com"},
        {"keywords", "{\"domain\":\"stripe.com\"}", "/kw2/api.json", "LOOKUP=stripe.com"},
        {"trust", "{\"domain\":\"stripe.com\"}", "/trustv1/api.json", "LOOKUP=stripe.com"},
        {"trust", "{\"domain\":\"stripe.com\",\"live\":true}", "/trustv1/api.json",
         "LOOKUP=stripe.com&LIVE=yes"},
        {"trust", "{\"domain\":\"stripe.com\",\"live\":false}", "/trustv1/api.json",
         "LOOKUP=stripe.com"},
        {"free", "{\"domain\":\"stripe.com\"}", "/free1/api.json", "LOOKUP=stripe.com"},
        /*  IDNA names go out as A-labels.                                  */
        {"keywords", "{\"domain\":\"bücher.de\"}", "/kw2/api.json", "LOOKUP=xn--bcher-kva.de"},
    };
    for (size_t i = 0; i < PFPC_COUNT(t); i++) {
        char url[512], fetch_key[512];
        snprintf(url, sizeof url,
                 "https://api.builtwith.com%s?KEY=00000000-aaaa-bbbb-cccc-000000000001&%s",
                 t[i].path, t[i].query);
        snprintf(fetch_key, sizeof fetch_key, "https://api.builtwith.com%s?%s", t[i].path,
                 t[i].query);
        s_expect(t[i].op, &s_conf, t[i].args, url, fetch_key);
    }
}
END_TEST

START_TEST(test_build_key_encoding_and_absent_key)
{
    /*  A key with reserved characters is percent-encoded.                  */
    pf_provider_conf_t odd = {.key = "a b&c=d"};
    s_expect("free", &odd, "{\"domain\":\"stripe.com\"}",
             "https://api.builtwith.com/free1/api.json?KEY=a%20b%26c%3Dd&LOOKUP=stripe.com",
             "https://api.builtwith.com/free1/api.json?LOOKUP=stripe.com");
    /*  No key (pf-fakeapi): the URL is the fetch key, no KEY= at all.     */
    pf_provider_conf_t none = {.key = NULL};
    s_expect("free", &none, "{\"domain\":\"stripe.com\"}",
             "https://api.builtwith.com/free1/api.json?LOOKUP=stripe.com",
             "https://api.builtwith.com/free1/api.json?LOOKUP=stripe.com");
    pf_provider_conf_t empty = {.key = ""};
    s_expect("free", &empty, "{\"domain\":\"stripe.com\"}",
             "https://api.builtwith.com/free1/api.json?LOOKUP=stripe.com",
             "https://api.builtwith.com/free1/api.json?LOOKUP=stripe.com");
}
END_TEST

START_TEST(test_build_base_override)
{
    pf_provider_conf_t conf = {.key = "K1", .base = "http://127.0.0.1:8700/builtwith/"};
    s_expect("domain", &conf, "{\"domain\":\"stripe.com\"}",
             "http://127.0.0.1:8700/builtwith/v22/api.json?KEY=K1&LOOKUP=stripe.com&HIDETEXT=yes&"
             "HIDEDL=yes&NOPII=yes",
             "http://127.0.0.1:8700/builtwith/v22/api.json?LOOKUP=stripe.com&HIDETEXT=yes&"
             "HIDEDL=yes&NOPII=yes");
    conf.base = "http://127.0.0.1:8700/builtwith";
    s_expect("relationships", &conf, "{\"domain\":\"stripe.com\",\"offset\":1000}",
             "http://127.0.0.1:8700/builtwith/rv4/api.json?KEY=K1&LOOKUP=stripe.com&OFFSET=1000",
             "http://127.0.0.1:8700/builtwith/rv4/api.json?LOOKUP=stripe.com&OFFSET=1000");
}
END_TEST

START_TEST(test_build_refuses_bad_args)
{
    static const char *const bad_domain[] = {
        "{}",
        "{\"domain\":42}",
        "{\"domain\":null}",
        "{\"domain\":[\"stripe.com\"]}",
        "{\"domain\":\"\"}",
        "{\"domain\":\"localhost\"}",
        "{\"domain\":\"127.0.0.1\"}",
        "{\"domain\":\"stripe.com/x?y\"}",
        "{\"domain\":\"stripe.com&KEY=x\"}",
        "{\"domain\":\"printer.local\"}",
        "\"stripe.com\"",
    };
    char long_domain[400];
    memset(long_domain, 'a', sizeof long_domain);
    memcpy(long_domain, "{\"domain\":\"", 11);
    memcpy(long_domain + 300, ".com\"}", 7);
    for (size_t i = 0; i < P->op_count; i++) {
        pfpc_build_refused_all(P, P->ops[i].name, NULL, bad_domain, PFPC_COUNT(bad_domain));
        pfpc_build_refused(P, P->ops[i].name, long_domain);
    }
    static const char *const bad_offset[] = {
        "{\"domain\":\"stripe.com\",\"offset\":-1}",
        "{\"domain\":\"stripe.com\",\"offset\":\"500\"}",
        "{\"domain\":\"stripe.com\",\"offset\":1.5}",
        "{\"domain\":\"stripe.com\",\"offset\":1000001}",
    };
    pfpc_build_refused_all(P, "relationships", NULL, bad_offset, PFPC_COUNT(bad_offset));
    static const char *const bad_live[] = {
        "{\"domain\":\"stripe.com\",\"live\":\"yes\"}",
        "{\"domain\":\"stripe.com\",\"live\":1}",
    };
    pfpc_build_refused_all(P, "trust", NULL, bad_live, PFPC_COUNT(bad_live));
}
END_TEST

START_TEST(test_build_url_too_long)
{
    char key[PF_PROVIDER_URL_MAX];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    pf_provider_conf_t conf = {.key = key};
    pfpc_build_refused_with(P, "domain", &conf, "{\"domain\":\"stripe.com\"}");
}
END_TEST

START_TEST(test_parse_domain_full)
{
    pf_value_t *v = pfpc_ok_fixture(P, "domain", "domain.json");
    ck_assert_str_eq(pfpc_str(v, "domain"), "stripe.com");
    ck_assert(pfpc_bool(v, "is_db"));
    ck_assert_int_eq(pfpc_int(v, "spend"), 1700);
    ck_assert_int_eq(pfpc_int(v, "sales_revenue"), 14300000000LL);
    ck_assert_int_eq(pfpc_int(v, "first_indexed"), 1262304000000LL);
    ck_assert_int_eq(pfpc_int(v, "last_indexed"), 1714521600000LL);
    ck_assert_str_eq(pfpc_str(v, "company.name"), "Stripe, Inc.");
    ck_assert_str_eq(pfpc_str(v, "company.vertical"), "Business And Industrial");
    ck_assert_str_eq(pfpc_str(v, "company.city"), "South San Francisco");
    ck_assert_str_eq(pfpc_str(v, "company.state"), "CA");
    ck_assert_str_eq(pfpc_str(v, "company.postcode"), "94080");
    ck_assert_str_eq(pfpc_str(v, "company.country"), "US");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "company.social")), 2);
    ck_assert_str_eq(pfpc_str(v, "company.social.1"), "https://www.linkedin.com/company/stripe");
    ck_assert_int_eq(pfpc_int(v, "company.employees"), 8000);
    ck_assert_ptr_null(pfpc_get(v, "company.revenue"));     /* 0: unknown */
    /*  No PII and no noise.                                                */
    ck_assert_ptr_null(pfpc_get(v, "company.emails"));
    ck_assert_ptr_null(pfpc_get(v, "company.names"));
    /*  Technologies merged by name over the paths, nameless ones dropped. */
    const pf_value_t *techs = pfpc_get(v, "technologies");
    ck_assert_uint_eq(pf_array_size(techs), 3);
    ck_assert_str_eq(pfpc_str(v, "technologies.0.name"), "Algolia");
    ck_assert_str_eq(pfpc_str(v, "technologies.0.tag"), "widgets");
    ck_assert_str_eq(pfpc_str(v, "technologies.0.categories.0"), "Site Search");
    ck_assert_int_eq(pfpc_int(v, "technologies.0.first_detected"), 1500000000000LL);
    ck_assert_int_eq(pfpc_int(v, "technologies.0.last_detected"), 1710000000000LL);
    ck_assert(pfpc_bool(v, "technologies.0.premium"));
    ck_assert_ptr_null(pfpc_get(v, "technologies.0.parent"));
    ck_assert_ptr_null(pfpc_get(v, "technologies.0.description"));
    ck_assert_ptr_null(pfpc_get(v, "technologies.0.link"));
    ck_assert_str_eq(pfpc_str(v, "technologies.1.name"), "Google Tag Manager");
    ck_assert(!pfpc_bool(v, "technologies.1.premium"));
    ck_assert_str_eq(pfpc_str(v, "technologies.1.parent"), "Google Marketing Platform");
    ck_assert_int_eq(pfpc_int(v, "technologies.1.first_detected"), 1400000000000LL);
    ck_assert_int_eq(pfpc_int(v, "technologies.1.last_detected"), 1690000000000LL);
    /*  Odd values are left out, not guessed.                              */
    ck_assert_str_eq(pfpc_str(v, "technologies.2.name"), "Cloudflare");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "technologies.2.categories")), 0);
    ck_assert_ptr_null(pfpc_get(v, "technologies.2.premium"));
    ck_assert_ptr_null(pfpc_get(v, "technologies.2.parent"));
    ck_assert_ptr_null(pfpc_get(v, "technologies.2.first_detected"));
    ck_assert_ptr_null(pfpc_get(v, "technologies.2.last_detected"));
    /*  No provenance fields: the adapter adds them.                       */
    ck_assert_ptr_null(pfpc_get(v, "provider"));
    ck_assert_ptr_null(pfpc_get(v, "fetched_at"));
    pf_value_destroy(&v);
}
END_TEST

START_TEST(test_parse_domain_sparse_and_wrong_types)
{
    pf_value_t *v = pfpc_ok_fixture(P, "domain", "domain_sparse.json");
    ck_assert(!pfpc_bool(v, "is_db"));
    ck_assert_ptr_null(pfpc_get(v, "domain"));
    ck_assert_ptr_null(pfpc_get(v, "spend"));
    ck_assert_ptr_null(pfpc_get(v, "sales_revenue"));
    ck_assert_ptr_null(pfpc_get(v, "first_indexed"));
    ck_assert_ptr_null(pfpc_get(v, "last_indexed"));
    ck_assert_ptr_null(pfpc_get(v, "company"));
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "technologies")), 0);
    pf_value_destroy(&v);
    /*  A bare result: an empty technology list, nothing invented.         */
    v = pfpc_ok(P, "domain", "{\"Results\":[{}]}");
    ck_assert_uint_eq(pf_map_size(v), 1);
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "technologies")), 0);
    pf_value_destroy(&v);
    /*  Where the shape itself is wrong, the answer is refused.            */
    pfpc_bad_shapes(P, "domain", "{}", "{\"Results\":{}}", "{\"Results\":[\"x\"]}", "[]", NULL);
    pfpc_parse_fails(P, "domain", 200, "{\"Results\":[],\"Errors\":[]}", PF_ENOTFOUND,
                     "not_found");
}
END_TEST

START_TEST(test_parse_errors_with_200)
{
    static const pfpc_refusal_t with_200[] = {
        PFPC_FILE(200, "error_not_in_db.json", PF_ENOTFOUND, "not_found"),
        PFPC_FILE(200, "error_key.json", PF_EINVAL, "unauthorized"),
        PFPC_FILE(200, "error_credits.json", PF_EPROTO, "provider_error"),
        PFPC_BODY(200, "{\"Errors\":[{}]}", PF_EPROTO, "provider_error"),
        PFPC_BODY(200, "{\"Errors\":[\"boom\"]}", PF_EPROTO, "provider_error"),
    };
    static const char *const ops[] = {"domain", "relationships", "keywords", "trust", "free"};
    for (size_t i = 0; i < PFPC_COUNT(ops); i++)
        pfpc_refusals(P, ops[i], with_200, PFPC_COUNT(with_200));
    /*  recommendations answers an error object instead of its array.      */
    pfpc_refusals(P, "recommendations", with_200, 1);
    /*  A 4xx that explains itself is classified by its explanation; 5xx
        and 429 stay what the status says.                                  */
    static const pfpc_refusal_t by_status[] = {
        PFPC_FILE(400, "error_key.json", PF_EINVAL, "unauthorized"),
        PFPC_FILE(500, "error_key.json", PF_EPROTO, "provider_error"),
        PFPC_FILE(429, "error_key.json", PF_EINVAL, "provider_rejected"),
        PFPC_FILE(403, "error_not_in_db.json", PF_ENOTFOUND, "not_found"),
    };
    pfpc_refusals(P, "domain", by_status, PFPC_COUNT(by_status));
}
END_TEST

START_TEST(test_parse_common_failures)
{
    static const char *const files[][2] = {
        {"domain", "domain.json"},        {"relationships", "relationships.json"},
        {"recommendations", "recommendations.json"}, {"keywords", "keywords.json"},
        {"trust", "trust.json"},          {"free", "free.json"},
    };
    pfpc_common_failures_files(P, files, PFPC_COUNT(files));
}
END_TEST

START_TEST(test_parse_relationships)
{
    pf_value_t *v = pfpc_ok_fixture(P, "relationships", "relationships.json");
    ck_assert_str_eq(pfpc_str(v, "domain"), "stripe.com");
    ck_assert_int_eq(pfpc_int(v, "total"), 24);
    ck_assert(pfpc_bool(v, "more_results"));
    ck_assert_int_eq(pfpc_int(v, "next_offset"), 500);
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "identifiers")), 2);
    ck_assert_str_eq(pfpc_str(v, "identifiers.0.type"), "google-analytics");
    ck_assert_str_eq(pfpc_str(v, "identifiers.0.value"), "UA-12345-1");
    ck_assert_int_eq(pfpc_int(v, "identifiers.0.first"), 1400000000000LL);
    ck_assert_int_eq(pfpc_int(v, "identifiers.0.last"), 1700000000000LL);
    /*  localhost is no public domain: skipped; case is normalised.        */
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "identifiers.0.matches")), 2);
    ck_assert_str_eq(pfpc_str(v, "identifiers.0.matches.0.domain"), "stripe.dev");
    ck_assert_int_eq(pfpc_int(v, "identifiers.0.matches.0.first"), 1500000000000LL);
    ck_assert_int_eq(pfpc_int(v, "identifiers.0.matches.0.last"), 1690000000000LL);
    ck_assert(pfpc_bool(v, "identifiers.0.matches.0.overlap"));
    ck_assert_str_eq(pfpc_str(v, "identifiers.0.matches.1.domain"), "stripe.press");
    ck_assert(!pfpc_bool(v, "identifiers.0.matches.1.overlap"));
    ck_assert_ptr_null(pfpc_get(v, "identifiers.0.matches.1.last"));
    ck_assert_str_eq(pfpc_str(v, "identifiers.1.value"), "pub-999");
    ck_assert_ptr_null(pfpc_get(v, "identifiers.1.first"));
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "identifiers.1.matches")), 0);
    pf_value_destroy(&v);
    /*  The last page: no next_offset.                                     */
    v = pfpc_ok(P, "relationships",
                "{\"Relationships\":[],\"results\":\"x\",\"more_results\":false,"
                "\"next_skip\":500}");
    ck_assert(!pfpc_bool(v, "more_results"));
    ck_assert_ptr_null(pfpc_get(v, "next_offset"));
    ck_assert_ptr_null(pfpc_get(v, "total"));
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "identifiers")), 0);
    pf_value_destroy(&v);
    pfpc_bad_shapes(P, "relationships", "{\"Relationships\":{}}", "{}", NULL);
}
END_TEST

START_TEST(test_parse_recommendations)
{
    pf_value_t *v = pfpc_ok_fixture(P, "recommendations", "recommendations.json");
    ck_assert_str_eq(pfpc_str(v, "domain"), "stripe.com");
    ck_assert_str_eq(pfpc_str(v, "compiled"), "2026-01-13T13:52:29Z");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "recommendations")), 2);
    ck_assert_str_eq(pfpc_str(v, "recommendations.0.name"), "Hotjar");
    ck_assert_str_eq(pfpc_str(v, "recommendations.0.tag"), "analytics");
    ck_assert_str_eq(pfpc_str(v, "recommendations.0.categories.0"), "Heatmaps");
    ck_assert_int_eq(pfpc_int(v, "recommendations.0.stars"), 3);
    ck_assert(pfpc_num(v, "recommendations.0.match") == 0.02);
    ck_assert_ptr_null(pfpc_get(v, "recommendations.0.link"));
    ck_assert_str_eq(pfpc_str(v, "recommendations.1.name"), "Intercom");
    ck_assert_ptr_null(pfpc_get(v, "recommendations.1.stars"));    /* "4" */
    ck_assert_int_eq(pfpc_int(v, "recommendations.1.match"), 1);
    pf_value_destroy(&v);
    v = pfpc_ok(P, "recommendations", "[]");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "recommendations")), 0);
    ck_assert_ptr_null(pfpc_get(v, "domain"));
    pf_value_destroy(&v);
    pfpc_bad_shapes(P, "recommendations", "{}", "\"text\"", NULL);
}
END_TEST

START_TEST(test_parse_keywords)
{
    pf_value_t *v = pfpc_ok_fixture(P, "keywords", "keywords.json");
    ck_assert_str_eq(pfpc_str(v, "domain"), "stripe.com");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "keywords")), 3);
    ck_assert_str_eq(pfpc_str(v, "keywords.0"), "payments");
    ck_assert_str_eq(pfpc_str(v, "keywords.2"), "checkout");
    pf_value_destroy(&v);
    v = pfpc_ok(P, "keywords", "{\"Keywords\":[]}");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "keywords")), 0);
    pf_value_destroy(&v);
    pfpc_parse_fails(P, "keywords", 200, "{\"Keywords\":\"payments\"}", PF_EPROTO,
                     "bad_response");
}
END_TEST

START_TEST(test_parse_trust)
{
    pf_value_t *v = pfpc_ok_fixture(P, "trust", "trust.json");
    ck_assert_str_eq(pfpc_str(v, "domain"), "stripe.com");
    ck_assert_int_eq(pfpc_int(v, "status"), 0);
    ck_assert(!pfpc_bool(v, "needs_live"));
    ck_assert_int_eq(pfpc_int(v, "db.earliest_record"), 1262304000000LL);
    ck_assert_int_eq(pfpc_int(v, "db.premium_techs"), 3);
    ck_assert(pfpc_bool(v, "db.live_techs"));
    ck_assert(!pfpc_bool(v, "db.ecommerce"));
    ck_assert(!pfpc_bool(v, "db.parked"));
    ck_assert_int_eq(pfpc_int(v, "db.spend"), 1700);
    ck_assert(pfpc_bool(v, "db.established"));
    ck_assert_ptr_null(pfpc_get(v, "live"));
    pf_value_destroy(&v);
    v = pfpc_ok_fixture(P, "trust", "trust_live.json");
    ck_assert_str_eq(pfpc_str(v, "domain"), "newco.io");
    ck_assert_int_eq(pfpc_int(v, "status"), 2);
    ck_assert(pfpc_bool(v, "needs_live"));
    ck_assert_ptr_null(pfpc_get(v, "db.earliest_record"));
    ck_assert(pfpc_bool(v, "live.ecommerce"));
    ck_assert_int_eq(pfpc_int(v, "live.spend"), 20);
    pf_value_destroy(&v);
    pfpc_parse_fails(P, "trust", 200, "{\"Domain\":\"stripe.com\",\"Status\":\"0\"}", PF_EPROTO,
                     "bad_response");
}
END_TEST

START_TEST(test_parse_free_seconds_become_ms)
{
    pf_value_t *v = pfpc_ok_fixture(P, "free", "free.json");
    ck_assert_str_eq(pfpc_str(v, "domain"), "stripe.com");
    ck_assert_int_eq(pfpc_int(v, "first_indexed"), 1294059600000LL);
    ck_assert_int_eq(pfpc_int(v, "last_indexed"), 1714521600000LL);
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "groups")), 2);
    ck_assert_str_eq(pfpc_str(v, "groups.0.name"), "analytics");
    ck_assert_int_eq(pfpc_int(v, "groups.0.live"), 8);
    ck_assert_int_eq(pfpc_int(v, "groups.0.dead"), 4);
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "groups.0.categories")), 1);
    ck_assert_str_eq(pfpc_str(v, "groups.0.categories.0.name"), "ab-testing");
    ck_assert_int_eq(pfpc_int(v, "groups.0.categories.0.live"), 2);
    ck_assert_int_eq(pfpc_int(v, "groups.0.categories.0.dead"), 0);
    ck_assert_str_eq(pfpc_str(v, "groups.1.name"), "cdn");
    ck_assert_ptr_null(pfpc_get(v, "groups.1.live"));
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "groups.1.categories")), 0);
    pf_value_destroy(&v);
    /*  A time too large to scale is left out, not wrapped.                */
    v = pfpc_ok(P, "free", "{\"first\":9223372036854775807,\"last\":0,\"groups\":[]}");
    ck_assert_ptr_null(pfpc_get(v, "first_indexed"));
    ck_assert_ptr_null(pfpc_get(v, "last_indexed"));
    pf_value_destroy(&v);
    pfpc_parse_fails(P, "free", 200, "{\"domain\":\"stripe.com\"}", PF_EPROTO, "bad_response");
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_provider_builtwith");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_build_urls);
    tcase_add_test(tc, test_build_key_encoding_and_absent_key);
    tcase_add_test(tc, test_build_base_override);
    tcase_add_test(tc, test_build_refuses_bad_args);
    tcase_add_test(tc, test_build_url_too_long);
    tcase_add_test(tc, test_parse_domain_full);
    tcase_add_test(tc, test_parse_domain_sparse_and_wrong_types);
    tcase_add_test(tc, test_parse_errors_with_200);
    tcase_add_test(tc, test_parse_common_failures);
    tcase_add_test(tc, test_parse_relationships);
    tcase_add_test(tc, test_parse_recommendations);
    tcase_add_test(tc, test_parse_keywords);
    tcase_add_test(tc, test_parse_trust);
    tcase_add_test(tc, test_parse_free_seconds_become_ms);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
