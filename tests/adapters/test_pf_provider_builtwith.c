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
    pf_provider_request_t req;
    pf_provider_error_t err;
    ck_assert_msg(pfpc_build(P, op, conf, args, &req, &err) == PF_OK, "%s %s: %s", op, args,
                  err.message);
    ck_assert_str_eq(req.url, url);
    ck_assert_str_eq(req.fetch_key, fetch_key);
    ck_assert_uint_eq(req.header_count, 0);
    if (conf->key && *conf->key) {
        ck_assert_ptr_nonnull(strstr(req.url, "KEY="));
        ck_assert_ptr_null(strstr(req.fetch_key, conf->key));
        ck_assert_ptr_null(strstr(req.fetch_key, "KEY="));
    }
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
    const char *k = "KEY=00000000-aaaa-bbbb-cccc-000000000001&";
    char url[512];
#define S_URL(path, rest) (snprintf(url, sizeof url, "https://api.builtwith.com%s?%s%s", path, k, rest), url)
    s_expect("domain", &s_conf, "{\"domain\":\"Stripe.COM.\"}",
             S_URL("/v22/api.json", "LOOKUP=stripe.com&HIDETEXT=yes&HIDEDL=yes&NOPII=yes"),
             "https://api.builtwith.com/v22/api.json?LOOKUP=stripe.com&HIDETEXT=yes&HIDEDL=yes&"
             "NOPII=yes");
    s_expect("relationships", &s_conf, "{\"domain\":\"stripe.com\"}",
             S_URL("/rv4/api.json", "LOOKUP=stripe.com"),
             "https://api.builtwith.com/rv4/api.json?LOOKUP=stripe.com");
    s_expect("relationships", &s_conf, "{\"domain\":\"stripe.com\",\"offset\":500}",
             S_URL("/rv4/api.json", "LOOKUP=stripe.com&OFFSET=500"),
             "https://api.builtwith.com/rv4/api.json?LOOKUP=stripe.com&OFFSET=500");
    s_expect("recommendations", &s_conf, "{\"domain\":\"stripe.com\"}",
             S_URL("/rec1/api.json", "LOOKUP=stripe.com"),
             "https://api.builtwith.com/rec1/api.json?LOOKUP=stripe.com");
    s_expect("keywords", &s_conf, "{\"domain\":\"stripe.com\"}",
             S_URL("/kw2/api.json", "LOOKUP=stripe.com"),
             "https://api.builtwith.com/kw2/api.json?LOOKUP=stripe.com");
    s_expect("trust", &s_conf, "{\"domain\":\"stripe.com\"}",
             S_URL("/trustv1/api.json", "LOOKUP=stripe.com"),
             "https://api.builtwith.com/trustv1/api.json?LOOKUP=stripe.com");
    s_expect("trust", &s_conf, "{\"domain\":\"stripe.com\",\"live\":true}",
             S_URL("/trustv1/api.json", "LOOKUP=stripe.com&LIVE=yes"),
             "https://api.builtwith.com/trustv1/api.json?LOOKUP=stripe.com&LIVE=yes");
    s_expect("trust", &s_conf, "{\"domain\":\"stripe.com\",\"live\":false}",
             S_URL("/trustv1/api.json", "LOOKUP=stripe.com"),
             "https://api.builtwith.com/trustv1/api.json?LOOKUP=stripe.com");
    s_expect("free", &s_conf, "{\"domain\":\"stripe.com\"}",
             S_URL("/free1/api.json", "LOOKUP=stripe.com"),
             "https://api.builtwith.com/free1/api.json?LOOKUP=stripe.com");
#undef S_URL
    /*  IDNA names go out as A-labels.                                      */
    s_expect("keywords", &s_conf, "{\"domain\":\"bücher.de\"}",
             "https://api.builtwith.com/kw2/api.json?KEY=00000000-aaaa-bbbb-cccc-000000000001&"
             "LOOKUP=xn--bcher-kva.de",
             "https://api.builtwith.com/kw2/api.json?LOOKUP=xn--bcher-kva.de");
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
    static const char *const ops[] = {"domain", "relationships", "recommendations",
                                      "keywords", "trust", "free"};
    char long_domain[400];
    memset(long_domain, 'a', sizeof long_domain);
    memcpy(long_domain, "{\"domain\":\"", 11);
    memcpy(long_domain + 300, ".com\"}", 7);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        pfpc_build_refused(P, ops[i], "{}");
        pfpc_build_refused(P, ops[i], "{\"domain\":42}");
        pfpc_build_refused(P, ops[i], "{\"domain\":null}");
        pfpc_build_refused(P, ops[i], "{\"domain\":[\"stripe.com\"]}");
        pfpc_build_refused(P, ops[i], "{\"domain\":\"\"}");
        pfpc_build_refused(P, ops[i], "{\"domain\":\"localhost\"}");
        pfpc_build_refused(P, ops[i], "{\"domain\":\"127.0.0.1\"}");
        pfpc_build_refused(P, ops[i], "{\"domain\":\"stripe.com/x?y\"}");
        pfpc_build_refused(P, ops[i], "{\"domain\":\"stripe.com&KEY=x\"}");
        pfpc_build_refused(P, ops[i], "{\"domain\":\"printer.local\"}");
        pfpc_build_refused(P, ops[i], long_domain);
    }
    pfpc_build_refused(P, "relationships", "{\"domain\":\"stripe.com\",\"offset\":-1}");
    pfpc_build_refused(P, "relationships", "{\"domain\":\"stripe.com\",\"offset\":\"500\"}");
    pfpc_build_refused(P, "relationships", "{\"domain\":\"stripe.com\",\"offset\":1.5}");
    pfpc_build_refused(P, "relationships", "{\"domain\":\"stripe.com\",\"offset\":1000001}");
    pfpc_build_refused(P, "trust", "{\"domain\":\"stripe.com\",\"live\":\"yes\"}");
    pfpc_build_refused(P, "trust", "{\"domain\":\"stripe.com\",\"live\":1}");
}
END_TEST

START_TEST(test_build_url_too_long)
{
    char key[PF_PROVIDER_URL_MAX];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    pf_provider_conf_t conf = {.key = key};
    pf_provider_request_t req;
    pf_provider_error_t err;
    ck_assert_int_eq(pfpc_build(P, "domain", &conf, "{\"domain\":\"stripe.com\"}", &req, &err),
                     PF_EINVAL);
    ck_assert_str_eq(err.code, "invalid_args");
}
END_TEST

START_TEST(test_parse_domain_full)
{
    pf_value_t *v;
    pf_provider_error_t err;
    ck_assert_int_eq(pfpc_parse_fixture(P, "domain", 200, "domain.json", &v, &err), PF_OK);
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
    pf_value_t *v;
    pf_provider_error_t err;
    ck_assert_int_eq(pfpc_parse_fixture(P, "domain", 200, "domain_sparse.json", &v, &err), PF_OK);
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
    ck_assert_int_eq(pfpc_parse(P, "domain", 200, "{\"Results\":[{}]}", &v, &err), PF_OK);
    ck_assert_uint_eq(pf_map_size(v), 1);
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "technologies")), 0);
    pf_value_destroy(&v);
    /*  Where the shape itself is wrong, the answer is refused.            */
    pfpc_parse_fails(P, "domain", 200, "{}", PF_EPROTO, "bad_response");
    pfpc_parse_fails(P, "domain", 200, "{\"Results\":{}}", PF_EPROTO, "bad_response");
    pfpc_parse_fails(P, "domain", 200, "{\"Results\":[\"x\"]}", PF_EPROTO, "bad_response");
    pfpc_parse_fails(P, "domain", 200, "[]", PF_EPROTO, "bad_response");
    pfpc_parse_fails(P, "domain", 200, "{\"Results\":[],\"Errors\":[]}", PF_ENOTFOUND,
                     "not_found");
}
END_TEST

START_TEST(test_parse_errors_with_200)
{
    static const char *const ops[] = {"domain", "relationships", "keywords", "trust", "free"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        char *body = pfpc_fixture("builtwith", "error_not_in_db.json", NULL);
        pfpc_parse_fails(P, ops[i], 200, body, PF_ENOTFOUND, "not_found");
        free(body);
        body = pfpc_fixture("builtwith", "error_key.json", NULL);
        pfpc_parse_fails(P, ops[i], 200, body, PF_EINVAL, "unauthorized");
        free(body);
        body = pfpc_fixture("builtwith", "error_credits.json", NULL);
        pfpc_parse_fails(P, ops[i], 200, body, PF_EPROTO, "provider_error");
        free(body);
        pfpc_parse_fails(P, ops[i], 200, "{\"Errors\":[{}]}", PF_EPROTO, "provider_error");
        pfpc_parse_fails(P, ops[i], 200, "{\"Errors\":[\"boom\"]}", PF_EPROTO,
                         "provider_error");
    }
    /*  recommendations answers an error object instead of its array.      */
    char *body = pfpc_fixture("builtwith", "error_not_in_db.json", NULL);
    pfpc_parse_fails(P, "recommendations", 200, body, PF_ENOTFOUND, "not_found");
    free(body);
    /*  A 4xx that explains itself is classified by its explanation; 5xx
        and 429 stay what the status says.                                  */
    body = pfpc_fixture("builtwith", "error_key.json", NULL);
    pfpc_parse_fails(P, "domain", 400, body, PF_EINVAL, "unauthorized");
    pfpc_parse_fails(P, "domain", 500, body, PF_EPROTO, "provider_error");
    pfpc_parse_fails(P, "domain", 429, body, PF_EINVAL, "provider_rejected");
    free(body);
    body = pfpc_fixture("builtwith", "error_not_in_db.json", NULL);
    pfpc_parse_fails(P, "domain", 403, body, PF_ENOTFOUND, "not_found");
    free(body);
}
END_TEST

START_TEST(test_parse_common_failures)
{
    static const char *const files[][2] = {
        {"domain", "domain.json"},        {"relationships", "relationships.json"},
        {"recommendations", "recommendations.json"}, {"keywords", "keywords.json"},
        {"trust", "trust.json"},          {"free", "free.json"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *body = pfpc_fixture("builtwith", files[i][1], NULL);
        pfpc_common_failures(P, files[i][0], body);
        free(body);
    }
}
END_TEST

START_TEST(test_parse_relationships)
{
    pf_value_t *v;
    pf_provider_error_t err;
    ck_assert_int_eq(pfpc_parse_fixture(P, "relationships", 200, "relationships.json", &v, &err),
                     PF_OK);
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
    ck_assert_int_eq(pfpc_parse(P, "relationships", 200,
                                "{\"Relationships\":[],\"results\":\"x\",\"more_results\":false,"
                                "\"next_skip\":500}",
                                &v, &err),
                     PF_OK);
    ck_assert(!pfpc_bool(v, "more_results"));
    ck_assert_ptr_null(pfpc_get(v, "next_offset"));
    ck_assert_ptr_null(pfpc_get(v, "total"));
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "identifiers")), 0);
    pf_value_destroy(&v);
    pfpc_parse_fails(P, "relationships", 200, "{\"Relationships\":{}}", PF_EPROTO,
                     "bad_response");
    pfpc_parse_fails(P, "relationships", 200, "{}", PF_EPROTO, "bad_response");
}
END_TEST

START_TEST(test_parse_recommendations)
{
    pf_value_t *v;
    pf_provider_error_t err;
    ck_assert_int_eq(
        pfpc_parse_fixture(P, "recommendations", 200, "recommendations.json", &v, &err), PF_OK);
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
    ck_assert_int_eq(pfpc_parse(P, "recommendations", 200, "[]", &v, &err), PF_OK);
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "recommendations")), 0);
    ck_assert_ptr_null(pfpc_get(v, "domain"));
    pf_value_destroy(&v);
    pfpc_parse_fails(P, "recommendations", 200, "{}", PF_EPROTO, "bad_response");
    pfpc_parse_fails(P, "recommendations", 200, "\"text\"", PF_EPROTO, "bad_response");
}
END_TEST

START_TEST(test_parse_keywords)
{
    pf_value_t *v;
    pf_provider_error_t err;
    ck_assert_int_eq(pfpc_parse_fixture(P, "keywords", 200, "keywords.json", &v, &err), PF_OK);
    ck_assert_str_eq(pfpc_str(v, "domain"), "stripe.com");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "keywords")), 3);
    ck_assert_str_eq(pfpc_str(v, "keywords.0"), "payments");
    ck_assert_str_eq(pfpc_str(v, "keywords.2"), "checkout");
    pf_value_destroy(&v);
    ck_assert_int_eq(pfpc_parse(P, "keywords", 200, "{\"Keywords\":[]}", &v, &err), PF_OK);
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "keywords")), 0);
    pf_value_destroy(&v);
    pfpc_parse_fails(P, "keywords", 200, "{\"Keywords\":\"payments\"}", PF_EPROTO,
                     "bad_response");
}
END_TEST

START_TEST(test_parse_trust)
{
    pf_value_t *v;
    pf_provider_error_t err;
    ck_assert_int_eq(pfpc_parse_fixture(P, "trust", 200, "trust.json", &v, &err), PF_OK);
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
    ck_assert_int_eq(pfpc_parse_fixture(P, "trust", 200, "trust_live.json", &v, &err), PF_OK);
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
    pf_value_t *v;
    pf_provider_error_t err;
    ck_assert_int_eq(pfpc_parse_fixture(P, "free", 200, "free.json", &v, &err), PF_OK);
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
    ck_assert_int_eq(pfpc_parse(P, "free", 200,
                                "{\"first\":9223372036854775807,\"last\":0,\"groups\":[]}", &v,
                                &err),
                     PF_OK);
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
