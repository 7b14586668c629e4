/*  test_pf_provider_similarweb.c — SimilarWeb's requests (path per
    operation, common parameters, api_key kept out of the fetch key, base
    override, refused arguments) and the normalisation of its answers and
    of its {"meta":{"status":"Error"}} errors.                             */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_provider_check.h"
#include "pf_provider_internal.h"

#define P (&pf_provider_similarweb)

static const pf_provider_conf_t s_conf = {.key = "sw-key-123"};

/*  Builds op with args and checks the URL and the fetch key exactly.      */
static void
s_expect(const char *op, const pf_provider_conf_t *conf, const char *args, const char *url,
         const char *fetch_key)
{
    pfpc_expect_query_key(P, op, conf, args, url, fetch_key, "api_key");
}

static bool
s_close(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

START_TEST(test_table)
{
    ck_assert_ptr_eq(pf_provider_find("similarweb"), P);
    ck_assert_str_eq(P->hosts[0], "api.similarweb.com");
    ck_assert_str_eq(P->key_env, "PF_SIMILARWEB_KEY");
    ck_assert(P->key_required);
    ck_assert_uint_eq(P->limits.per_minute, 60);
    ck_assert_uint_eq(P->limits.concurrency, 10);
    ck_assert_uint_eq(P->limits.breaker_failures, 5);
    ck_assert_uint_eq(P->limits.breaker_recovery_s, 60);
    ck_assert_uint_eq(P->op_count, 7);
    for (size_t i = 0; i < P->op_count; i++) {
        ck_assert_uint_eq(P->ops[i].ttl_s, 86400);
        ck_assert_ptr_null(P->ops[i].select);
    }
}
END_TEST

START_TEST(test_build_series_urls)
{
    static const char *const ops[][2] = {
        {"visits", "total-traffic-and-engagement/visits"},
        {"bounce_rate", "total-traffic-and-engagement/bounce-rate"},
        {"pages_per_visit", "total-traffic-and-engagement/pages-per-visit"},
        {"average_visit_duration", "total-traffic-and-engagement/average-visit-duration"},
        {"traffic_sources", "traffic-sources/overview-share"},
    };
    char url[1024], key[1024];
    for (size_t i = 0; i < PFPC_COUNT(ops); i++) {
        /*  No window: no dates sent, SimilarWeb's default applies.         */
        snprintf(url, sizeof url,
                 "https://api.similarweb.com/v1/website/stripe.com/%s?api_key=sw-key-123&"
                 "country=world&granularity=monthly&main_domain_only=false&format=json",
                 ops[i][1]);
        snprintf(key, sizeof key,
                 "https://api.similarweb.com/v1/website/stripe.com/%s?country=world&"
                 "granularity=monthly&main_domain_only=false&format=json",
                 ops[i][1]);
        s_expect(ops[i][0], &s_conf, "{\"domain\":\"Stripe.COM.\"}", url, key);
        snprintf(url, sizeof url,
                 "https://api.similarweb.com/v1/website/stripe.com/%s?api_key=sw-key-123&"
                 "start_date=2024-01&end_date=2024-03&country=gb&granularity=monthly&"
                 "main_domain_only=false&format=json",
                 ops[i][1]);
        snprintf(key, sizeof key,
                 "https://api.similarweb.com/v1/website/stripe.com/%s?start_date=2024-01&"
                 "end_date=2024-03&country=gb&granularity=monthly&main_domain_only=false&"
                 "format=json",
                 ops[i][1]);
        s_expect(ops[i][0], &s_conf,
                 "{\"domain\":\"stripe.com\",\"start\":\"2024-01\",\"end\":\"2024-03\","
                 "\"country\":\"GB\"}",
                 url, key);
    }
}
END_TEST

START_TEST(test_build_other_urls)
{
    /*  geo is the breakdown by country: no country, no granularity.    */
    s_expect("geo", &s_conf, "{\"domain\":\"stripe.com\",\"start\":\"2024-01\"}",
             "https://api.similarweb.com/v1/website/stripe.com/geo/traffic-by-country?"
             "api_key=sw-key-123&start_date=2024-01&main_domain_only=false&format=json",
             "https://api.similarweb.com/v1/website/stripe.com/geo/traffic-by-country?"
             "start_date=2024-01&main_domain_only=false&format=json");
    s_expect("geo", &s_conf, "{\"domain\":\"stripe.com\",\"country\":\"zz-ignored\"}",
             "https://api.similarweb.com/v1/website/stripe.com/geo/traffic-by-country?"
             "api_key=sw-key-123&main_domain_only=false&format=json",
             "https://api.similarweb.com/v1/website/stripe.com/geo/traffic-by-country?"
             "main_domain_only=false&format=json");
    s_expect("similar_sites", &s_conf, "{\"domain\":\"stripe.com\"}",
             "https://api.similarweb.com/v1/website/stripe.com/similar-sites/similarsites?"
             "api_key=sw-key-123&format=json",
             "https://api.similarweb.com/v1/website/stripe.com/similar-sites/similarsites?"
             "format=json");
    /*  Key encoding; no key at all.                                        */
    pf_provider_conf_t odd = {.key = "k/&=?"};
    s_expect("similar_sites", &odd, "{\"domain\":\"stripe.com\"}",
             "https://api.similarweb.com/v1/website/stripe.com/similar-sites/similarsites?"
             "api_key=k%2F%26%3D%3F&format=json",
             "https://api.similarweb.com/v1/website/stripe.com/similar-sites/similarsites?"
             "format=json");
    pf_provider_conf_t none = {0};
    s_expect("similar_sites", &none, "{\"domain\":\"stripe.com\"}",
             "https://api.similarweb.com/v1/website/stripe.com/similar-sites/similarsites?"
             "format=json",
             "https://api.similarweb.com/v1/website/stripe.com/similar-sites/similarsites?"
             "format=json");
    pf_provider_conf_t base = {.key = "K", .base = "http://127.0.0.1:8700/similarweb"};
    s_expect("visits", &base, "{\"domain\":\"stripe.com\",\"country\":\"world\"}",
             "http://127.0.0.1:8700/similarweb/v1/website/stripe.com/total-traffic-and-engagement/"
             "visits?api_key=K&country=world&granularity=monthly&main_domain_only=false&"
             "format=json",
             "http://127.0.0.1:8700/similarweb/v1/website/stripe.com/total-traffic-and-engagement/"
             "visits?country=world&granularity=monthly&main_domain_only=false&format=json");
}
END_TEST

START_TEST(test_build_refuses_bad_args)
{
    static const char *const bad_domain[] = {
        "{}",
        "{\"domain\":7}",
        "{\"domain\":\"\"}",
        "{\"domain\":\"intranet\"}",
        "{\"domain\":\"192.168.1.1\"}",
        "{\"domain\":\"stripe.com/../x\"}",
        "{\"domain\":\"a.test\"}",
        "[\"stripe.com\"]",
    };
    for (size_t i = 0; i < P->op_count; i++)
        pfpc_build_refused_all(P, P->ops[i].name, NULL, bad_domain, PFPC_COUNT(bad_domain));
    static const char *const bad_window[] = {
        "{\"domain\":\"stripe.com\",\"start\":\"2024-1\"}",
        "{\"domain\":\"stripe.com\",\"start\":\"2024-13\"}",
        "{\"domain\":\"stripe.com\",\"start\":\"2024-00\"}",
        "{\"domain\":\"stripe.com\",\"start\":\"1999-12\"}",
        "{\"domain\":\"stripe.com\",\"start\":\"2101-01\"}",
        "{\"domain\":\"stripe.com\",\"start\":\"2024/01\"}",
        "{\"domain\":\"stripe.com\",\"start\":\"2024-01-01\"}",
        "{\"domain\":\"stripe.com\",\"start\":\"\"}",
        "{\"domain\":\"stripe.com\",\"start\":202401}",
        "{\"domain\":\"stripe.com\",\"end\":\"24-01\"}",
        "{\"domain\":\"stripe.com\",\"end\":\"2024-0a\"}",
        "{\"domain\":\"stripe.com\",\"start\":\"2024-05\",\"end\":\"2024-04\"}",
    };
    pfpc_build_refused_all(P, "visits", NULL, bad_window, PFPC_COUNT(bad_window));
    pfpc_build_refused_all(P, "geo", NULL, bad_window, PFPC_COUNT(bad_window));
    static const char *const bad_country[] = {
        "{\"domain\":\"stripe.com\",\"country\":\"usa\"}",
        "{\"domain\":\"stripe.com\",\"country\":\"u1\"}",
        "{\"domain\":\"stripe.com\",\"country\":\"\"}",
        "{\"domain\":\"stripe.com\",\"country\":840}",
        "{\"domain\":\"stripe.com\",\"country\":\"worlds\"}",
        "{\"domain\":\"stripe.com\",\"country\":\"u\\n\"}",
    };
    pfpc_build_refused_all(P, "visits", NULL, bad_country, PFPC_COUNT(bad_country));
    pfpc_build_refused_all(P, "traffic_sources", NULL, bad_country, PFPC_COUNT(bad_country));
}
END_TEST

START_TEST(test_parse_series)
{
    pf_value_t *v = pfpc_ok_fixture(P, "visits", "visits.json");
    ck_assert_str_eq(pfpc_str(v, "last_updated"), "2024-04-30");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "series")), 2);
    ck_assert_str_eq(pfpc_str(v, "series.0.date"), "2024-01-01");
    ck_assert(s_close(pfpc_num(v, "series.0.value"), 123456789.0));
    ck_assert_str_eq(pfpc_str(v, "series.1.date"), "2024-02-01");
    ck_assert_int_eq(pfpc_int(v, "series.1.value"), 120000000);
    ck_assert_ptr_null(pfpc_get(v, "meta"));
    pf_value_destroy(&v);
    static const char *const ops[][3] = {
        {"bounce_rate", "bounce_rate.json", "0.4123"},
        {"pages_per_visit", "pages_per_visit.json", "4.25"},
        {"average_visit_duration", "average_visit_duration.json", "134.7"},
    };
    for (size_t i = 0; i < PFPC_COUNT(ops); i++) {
        v = pfpc_ok_fixture(P, ops[i][0], ops[i][1]);
        ck_assert_str_eq(pfpc_str(v, "series.0.date"), "2024-01-01");
        ck_assert(s_close(pfpc_num(v, "series.0.value"), atof(ops[i][2])));
        ck_assert_str_eq(pfpc_str(v, "last_updated"), "2024-04-30");
        pf_value_destroy(&v);
        /*  One metric's answer is not another's.                           */
        pfpc_parse_fails(P, ops[i][0], 200, "{\"visits\":[]}", PF_EPROTO, "bad_response");
    }
    /*  An empty series without meta is an answer.                          */
    v = pfpc_ok(P, "visits", "{\"visits\":[]}");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "series")), 0);
    ck_assert_ptr_null(pfpc_get(v, "last_updated"));
    pf_value_destroy(&v);
    pfpc_bad_shapes(P, "visits", "{\"visits\":{}}", "{\"visits\":\"123\"}", "[]", NULL);
}
END_TEST

START_TEST(test_parse_traffic_sources)
{
    pf_value_t *v = pfpc_ok_fixture(P, "traffic_sources", "traffic_sources.json");
    ck_assert_str_eq(pfpc_str(v, "last_updated"), "2024-04-30");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "sources")), 3);
    ck_assert_str_eq(pfpc_str(v, "sources.0.source_type"), "search");
    ck_assert(s_close(pfpc_num(v, "sources.0.share"), 0.34));
    ck_assert(s_close(pfpc_num(v, "sources.0.organic"), 0.32));
    ck_assert(s_close(pfpc_num(v, "sources.0.paid"), 0.02));
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "sources.0.series")), 2);
    ck_assert_str_eq(pfpc_str(v, "sources.0.series.1.date"), "2024-02-01");
    ck_assert(s_close(pfpc_num(v, "sources.0.series.1.organic"), 0.34));
    ck_assert(s_close(pfpc_num(v, "sources.0.series.1.paid"), 0.02));
    ck_assert_str_eq(pfpc_str(v, "sources.1.source_type"), "display_ads");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "sources.1.series")), 1);
    ck_assert(s_close(pfpc_num(v, "sources.1.share"), 0.01));
    ck_assert_str_eq(pfpc_str(v, "sources.2.source_type"), "direct");
    ck_assert_ptr_null(pfpc_get(v, "sources.2.share"));
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "sources.2.series")), 0);
    pf_value_destroy(&v);
    pfpc_bad_shapes(P, "traffic_sources", "{\"visits\":[]}", "{\"visits\":{\"stripe.com\":7}}",
                    "{}", NULL);
}
END_TEST

START_TEST(test_parse_geo)
{
    pf_value_t *v = pfpc_ok_fixture(P, "geo", "geo.json");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "countries")), 4);
    ck_assert_int_eq(pfpc_int(v, "countries.0.country"), 840);
    ck_assert_str_eq(pfpc_str(v, "countries.0.country_code"), "US");
    ck_assert(s_close(pfpc_num(v, "countries.0.share"), 0.42));
    ck_assert(s_close(pfpc_num(v, "countries.0.visits"), 51234567.5));
    ck_assert(s_close(pfpc_num(v, "countries.0.pages_per_visit"), 4.1));
    ck_assert(s_close(pfpc_num(v, "countries.0.average_time"), 201.5));
    ck_assert(s_close(pfpc_num(v, "countries.0.bounce_rate"), 0.38));
    ck_assert_int_eq(pfpc_int(v, "countries.0.rank"), 1);
    ck_assert_str_eq(pfpc_str(v, "countries.1.country_code"), "GB");
    ck_assert_int_eq(pfpc_int(v, "countries.1.visits"), 9876543);
    /*  An unknown number keeps its number, without a code.                */
    ck_assert_int_eq(pfpc_int(v, "countries.2.country"), 999);
    ck_assert_ptr_null(pfpc_get(v, "countries.2.country_code"));
    ck_assert_str_eq(pfpc_str(v, "countries.3.country_code"), "IN");
    ck_assert_ptr_null(pfpc_get(v, "countries.3.share"));
    ck_assert_ptr_null(pfpc_get(v, "countries.3.visits"));
    ck_assert_ptr_null(pfpc_get(v, "countries.3.rank"));
    pf_value_destroy(&v);
    pfpc_parse_fails(P, "geo", 200, "{\"records\":null}", PF_EPROTO, "bad_response");
}
END_TEST

START_TEST(test_country_table)
{
    /*  The largest economies all map (a sample of the table, by number). */
    static const struct {
        int n;
        const char *code;
    } c[] = {{156, "CN"}, {392, "JP"}, {276, "DE"}, {356, "IN"}, {250, "FR"}, {380, "IT"},
             {124, "CA"}, {76, "BR"},  {643, "RU"}, {410, "KR"}, {36, "AU"},  {484, "MX"},
             {724, "ES"}, {360, "ID"}, {528, "NL"}, {682, "SA"}, {792, "TR"}, {756, "CH"},
             {616, "PL"}, {158, "TW"}, {56, "BE"},  {752, "SE"}, {32, "AR"},  {372, "IE"},
             {40, "AT"},  {764, "TH"}, {578, "NO"}, {376, "IL"}, {784, "AE"}, {566, "NG"},
             {702, "SG"}, {704, "VN"}, {458, "MY"}, {608, "PH"}, {50, "BD"},  {208, "DK"},
             {710, "ZA"}, {818, "EG"}, {344, "HK"}, {586, "PK"}, {152, "CL"}, {170, "CO"},
             {246, "FI"}, {642, "RO"}, {203, "CZ"}, {620, "PT"}, {604, "PE"}, {554, "NZ"},
             {364, "IR"}, {368, "IQ"}, {300, "GR"}, {398, "KZ"}, {634, "QA"}, {12, "DZ"},
             {348, "HU"}, {414, "KW"}, {231, "ET"}, {504, "MA"}, {703, "SK"}, {218, "EC"},
             {404, "KE"}, {804, "UA"}, {4, "AF"},   {894, "ZM"}};
    for (size_t i = 0; i < PFPC_COUNT(c); i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"records\":[{\"country\":%d}]}", c[i].n);
        pf_value_t *v = pfpc_ok(P, "geo", body);
        ck_assert_str_eq(pfpc_str(v, "countries.0.country_code"), c[i].code);
        pf_value_destroy(&v);
    }
}
END_TEST

START_TEST(test_parse_similar_sites)
{
    pf_value_t *v = pfpc_ok_fixture(P, "similar_sites", "similar_sites.json");
    ck_assert_uint_eq(pf_array_size(pfpc_get(v, "sites")), 3);
    ck_assert_str_eq(pfpc_str(v, "sites.0.domain"), "adyen.com");
    ck_assert(s_close(pfpc_num(v, "sites.0.score"), 0.9));
    ck_assert_str_eq(pfpc_str(v, "sites.1.domain"), "braintreepayments.com");
    ck_assert_str_eq(pfpc_str(v, "sites.2.domain"), "paypal.com");
    ck_assert_ptr_null(pfpc_get(v, "sites.2.score"));
    pf_value_destroy(&v);
    pfpc_parse_fails(P, "similar_sites", 200, "{\"similar_sites\":{}}", PF_EPROTO,
                     "bad_response");
}
END_TEST

START_TEST(test_parse_provider_errors)
{
    static const pfpc_refusal_t errors[] = {
        /*  "Data not found" comes as error_code 401, with 200 or 401.     */
        PFPC_FILE(200, "error_not_found.json", PF_ENOTFOUND, "not_found"),
        PFPC_FILE(401, "error_not_found.json", PF_ENOTFOUND, "not_found"),
        /*  5xx and 429 stay what the status says.                         */
        PFPC_FILE(500, "error_not_found.json", PF_EPROTO, "provider_error"),
        PFPC_FILE(200, "error_key.json", PF_EINVAL, "unauthorized"),
        PFPC_FILE(403, "error_key.json", PF_EINVAL, "unauthorized"),
        PFPC_FILE(200, "error_bad_param.json", PF_EINVAL, "provider_rejected"),
        PFPC_FILE(400, "error_bad_param.json", PF_EINVAL, "provider_rejected"),
        PFPC_FILE(200, "error_other.json", PF_EPROTO, "provider_error"),
        PFPC_BODY(200, "{\"meta\":{\"status\":\"Error\"}}", PF_EPROTO, "provider_error"),
    };
    pfpc_refusals_every_op(P, errors, PFPC_COUNT(errors));
}
END_TEST

START_TEST(test_parse_common_failures)
{
    static const char *const files[][2] = {
        {"visits", "visits.json"},
        {"bounce_rate", "bounce_rate.json"},
        {"pages_per_visit", "pages_per_visit.json"},
        {"average_visit_duration", "average_visit_duration.json"},
        {"traffic_sources", "traffic_sources.json"},
        {"geo", "geo.json"},
        {"similar_sites", "similar_sites.json"},
    };
    pfpc_common_failures_files(P, files, PFPC_COUNT(files));
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_provider_similarweb");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_build_series_urls);
    tcase_add_test(tc, test_build_other_urls);
    tcase_add_test(tc, test_build_refuses_bad_args);
    tcase_add_test(tc, test_parse_series);
    tcase_add_test(tc, test_parse_traffic_sources);
    tcase_add_test(tc, test_parse_geo);
    tcase_add_test(tc, test_country_table);
    tcase_add_test(tc, test_parse_similar_sites);
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
