/*  test_pf_provider_yahoo_finance.c — unit tests of the Yahoo Finance
    provider (adapters/pf_provider_yahoo_finance.c): the URLs, headers and
    fetch keys its operations build, argument checking, the normalisation
    of fixture answers (tests/adapters/fixtures/yahoo_finance) field by
    field, the error answers, and the crumb parser.                         */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_provider_check.h"
#include "pf_provider_internal.h"
#include "pf_provider_yahoo.h"

#define P (&pf_provider_yahoo_finance)

/*  The fake API's base for this provider in the tests.                     */
#define S_BASE "http://127.0.0.1:8700/yahoo_finance"
#define S_UA "Mozilla/5.0 (X11; Linux x86_64) PartnerForgeTest/1.0"
#define S_CRUMB "Ab1/cD.2eF"

/*  A session's crumb: what quote_summary needs before it looks at its
    arguments, so refusals are about the arguments alone.                   */
static const pf_provider_conf_t s_session = {.crumb = S_CRUMB};

/*  ---- table ------------------------------------------------------------ */

START_TEST(test_table)
{
    const pf_provider_t *p = P;
    ck_assert_ptr_eq(pf_provider_find("yahoo_finance"), P);
    ck_assert_str_eq(p->name, "yahoo_finance");
    ck_assert_ptr_null(p->key_env);
    ck_assert(!p->key_required);
    ck_assert_str_eq(p->hosts[0], "query1.finance.yahoo.com");
    ck_assert_str_eq(p->hosts[1], "fc.yahoo.com");
    ck_assert_uint_eq(p->limits.per_minute, 100);
    ck_assert_uint_eq(p->limits.concurrency, 10);
    ck_assert_uint_eq(p->limits.breaker_failures, 3);
    ck_assert_uint_eq(p->limits.breaker_recovery_s, 120);
    ck_assert_str_eq(p->session_cookie_path, "/");
    ck_assert_str_eq(p->session_crumb_path, "/v1/test/getcrumb");
    ck_assert_uint_eq(p->op_count, 3);
    ck_assert(!pf_provider_op(P, "search")->needs_session);
    ck_assert(pf_provider_op(P, "quote_summary")->needs_session);
    ck_assert(!pf_provider_op(P, "chart")->needs_session);
    ck_assert_uint_eq(pf_provider_op(P, "search")->ttl_s, 86400);
    ck_assert_uint_eq(pf_provider_op(P, "quote_summary")->ttl_s, 86400);
    ck_assert_uint_eq(pf_provider_op(P, "chart")->ttl_s, 3600);
    ck_assert_ptr_null(pf_provider_op(P, "chart")->select);
}
END_TEST

/*  ---- search ----------------------------------------------------------- */

START_TEST(test_search_build)
{
    static const char *const args = "{\"query\":\"AT&T Inc/ü\"}";
    pf_provider_conf_t conf = {.user_agent = S_UA};
    pf_provider_request_t req;
    pfpc_build_ok(P, "search", &conf, args, &req);
    ck_assert_str_eq(req.url, "https://query1.finance.yahoo.com/v1/finance/search"
                              "?q=AT%26T%20Inc%2F%C3%BC&quotesCount=5&newsCount=5");
    ck_assert_str_eq(req.fetch_key, req.url);
    ck_assert_uint_eq(req.header_count, 2);
    ck_assert_str_eq(req.headers[0], "User-Agent: " S_UA);
    ck_assert_str_eq(req.headers[1], "Accept: application/json");
    /*  No user agent: only the Accept header.                              */
    conf.user_agent = NULL;
    pfpc_build_ok(P, "search", &conf, args, &req);
    ck_assert_uint_eq(req.header_count, 1);
    ck_assert_str_eq(req.headers[0], "Accept: application/json");
    /*  A crumb is never sent where no session is needed.                   */
    conf.crumb = S_CRUMB;
    conf.base = S_BASE;
    pfpc_build_ok(P, "search", &conf, args, &req);
    ck_assert_str_eq(req.url, S_BASE "/v1/finance/search"
                              "?q=AT%26T%20Inc%2F%C3%BC&quotesCount=5&newsCount=5");
    ck_assert_ptr_null(strstr(req.url, "crumb"));
}
END_TEST

START_TEST(test_search_invalid)
{
    static const char *const bad[] = {
        "{}", "{\"query\":\"\"}", "{\"query\":\"line\\nbreak\"}", "{\"query\":5}",
    };
    pfpc_build_refused_all(P, "search", &s_session, bad, PFPC_COUNT(bad));
    char long_query[300];
    snprintf(long_query, sizeof long_query, "{\"query\":\"%0255d\"}", 0);
    pfpc_build_refused_with(P, "search", &s_session, long_query);
}
END_TEST

START_TEST(test_search_parse)
{
    pf_value_t *out = pfpc_ok_fixture(P, "search", "search.json");
    const pf_value_t *quotes = pf_map_get(out, "quotes");
    ck_assert_uint_eq(pf_array_size(quotes), 3);
    const pf_value_t *q = pf_array_at(quotes, 0);
    ck_assert_str_eq(pf_map_get_str(q, "symbol"), "AAPL");
    ck_assert_str_eq(pf_map_get_str(q, "name"), "Apple Inc.");
    ck_assert_str_eq(pf_map_get_str(q, "exchange"), "NMS");
    ck_assert_str_eq(pf_map_get_str(q, "exchange_name"), "NASDAQ");
    ck_assert_str_eq(pf_map_get_str(q, "type"), "EQUITY");
    ck_assert_str_eq(pf_map_get_str(q, "sector"), "Technology");
    ck_assert_str_eq(pf_map_get_str(q, "industry"), "Consumer Electronics");
    ck_assert_uint_eq(pf_map_size(q), 7);
    /*  No longname: the shortname; no sector: omitted.                     */
    q = pf_array_at(quotes, 1);
    ck_assert_str_eq(pf_map_get_str(q, "symbol"), "AAPL.NE");
    ck_assert_str_eq(pf_map_get_str(q, "name"), "APPLE CDR (CAD HEDGED)");
    ck_assert(!pf_map_has(q, "sector"));
    ck_assert(!pf_map_has(q, "industry"));
    /*  Empty longname: the shortname; the *Disp fields stand in.           */
    q = pf_array_at(quotes, 2);
    ck_assert_str_eq(pf_map_get_str(q, "name"), "Apple Hospitality REIT");
    ck_assert_str_eq(pf_map_get_str(q, "sector"), "Real Estate");
    ck_assert_str_eq(pf_map_get_str(q, "industry"), "REIT—Hotel & Motel");
    ck_assert(!pf_map_has(q, "exchange_name"));
    const pf_value_t *news = pf_map_get(out, "news");
    ck_assert_uint_eq(pf_array_size(news), 2);
    const pf_value_t *n = pf_array_at(news, 0);
    ck_assert_str_eq(pf_map_get_str(n, "title"), "Apple unveils new chips");
    ck_assert_str_eq(pf_map_get_str(n, "publisher"), "Reuters");
    ck_assert_str_eq(pf_map_get_str(n, "link"),
                     "https://finance.yahoo.com/news/apple-unveils-new-chips.html");
    ck_assert_int_eq(pf_map_get_int(n, "published", 0), INT64_C(1717430400000));
    /*  A published time that is not a number is left out.                  */
    n = pf_array_at(news, 1);
    ck_assert_str_eq(pf_map_get_str(n, "publisher"), "Bloomberg");
    ck_assert(!pf_map_has(n, "published"));
    ck_assert_uint_eq(pf_map_size(out), 2);
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_search_missing_and_wrong)
{
    pf_value_t *out;
    /*  No lists at all: two empty lists.                                   */
    out = pfpc_ok(P, "search", "{\"count\":0}");
    ck_assert(pf_value_is(pf_map_get(out, "quotes"), PF_ARRAY));
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "quotes")), 0);
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "news")), 0);
    pf_value_destroy(&out);
    /*  Lists of the wrong type: also empty.                                */
    out = pfpc_ok(P, "search", "{\"quotes\":\"x\",\"news\":{}}");
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "quotes")), 0);
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "news")), 0);
    pf_value_destroy(&out);
    /*  Fields of the wrong type are omitted.                               */
    out = pfpc_ok(P, "search",
                "{\"quotes\":[{\"symbol\":\"X\",\"longname\":7,"
                "\"exchange\":[],\"quoteType\":null}]}");
    const pf_value_t *q = pf_array_at(pf_map_get(out, "quotes"), 0);
    ck_assert_uint_eq(pf_map_size(q), 1);
    ck_assert_str_eq(pf_map_get_str(q, "symbol"), "X");
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_search_errors)
{
    static const pfpc_refusal_t errors[] = {
        PFPC_BODY(200, "<html>Will be right back</html>", PF_EPROTO, "bad_response"),
        PFPC_BODY(200, "{\"quotes\":[{\"symbol\":", PF_EPROTO, "bad_response"),
        PFPC_BODY(200, "[1,2]", PF_EPROTO, "bad_response"),
        PFPC_BODY(401, "Unauthorized", PF_EINVAL, "unauthorized"),
        PFPC_BODY(400,
                  "{\"finance\":{\"result\":null,\"error\":{\"code\":\"Bad Request\","
                  "\"description\":\"Missing value for the \\\"q\\\" argument\"}}}",
                  PF_EINVAL, "provider_rejected"),
        /*  An error object in a 200 answer.                                */
        PFPC_BODY(200,
                  "{\"finance\":{\"result\":null,\"error\":{\"code\":\"Internal Server "
                  "Error\",\"description\":\"boom\"}}}",
                  PF_EPROTO, "provider_error"),
    };
    pfpc_refusals(P, "search", errors, PFPC_COUNT(errors));
}
END_TEST

/*  ---- quote_summary ---------------------------------------------------- */

START_TEST(test_summary_build)
{
    pf_provider_conf_t conf = {.user_agent = S_UA, .crumb = S_CRUMB};
    pf_provider_request_t req;
    pfpc_build_ok(P, "quote_summary", &conf, "{\"symbol\":\"brk-b\"}", &req);
    ck_assert_str_eq(req.url, "https://query1.finance.yahoo.com/v10/finance/quoteSummary/BRK-B"
                              "?modules=assetProfile%2CfinancialData%2CsummaryDetail%2C"
                              "incomeStatementHistory&crumb=Ab1%2FcD.2eF");
    ck_assert_str_eq(req.fetch_key,
                     "https://query1.finance.yahoo.com/v10/finance/quoteSummary/BRK-B"
                     "?modules=assetProfile%2CfinancialData%2CsummaryDetail%2C"
                     "incomeStatementHistory");
    ck_assert_ptr_null(strstr(req.fetch_key, "crumb"));
    ck_assert_uint_eq(req.header_count, 2);
    ck_assert_str_eq(req.headers[0], "User-Agent: " S_UA);
    /*  Index symbols are percent-encoded in the path; base override.       */
    conf.base = S_BASE "/";
    pfpc_build_ok(P, "quote_summary", &conf, "{\"symbol\":\"^gspc\"}", &req);
    ck_assert_str_eq(req.url, S_BASE "/v10/finance/quoteSummary/%5EGSPC"
                                     "?modules=assetProfile%2CfinancialData%2CsummaryDetail%2C"
                                     "incomeStatementHistory&crumb=Ab1%2FcD.2eF");
    ck_assert_str_eq(req.fetch_key, S_BASE "/v10/finance/quoteSummary/%5EGSPC"
                                           "?modules=assetProfile%2CfinancialData%2C"
                                           "summaryDetail%2CincomeStatementHistory");
}
END_TEST

START_TEST(test_summary_session_required)
{
    pf_provider_conf_t conf = {.user_agent = S_UA};
    pf_provider_request_t req;
    pf_provider_error_t err;
    ck_assert_int_eq(pfpc_build(P, "quote_summary", &conf, "{\"symbol\":\"AAPL\"}", &req, &err),
                     PF_EINVAL);
    ck_assert_str_eq(err.code, "session_required");
    conf.crumb = "";
    ck_assert_int_eq(pfpc_build(P, "quote_summary", &conf, "{\"symbol\":\"AAPL\"}", &req, &err),
                     PF_EINVAL);
    ck_assert_str_eq(err.code, "session_required");
}
END_TEST

START_TEST(test_symbol_invalid)
{
    static const char *const bad[] = {
        "{}",
        "{\"symbol\":\"\"}",
        "{\"symbol\":\"AAPL US\"}",
        "{\"symbol\":\"../etc\"}",
        "{\"symbol\":\"A?B\"}",
        "{\"symbol\":\"ABCDEFGHIJKLMNOPQ\"}", /* 17 */
        "{\"symbol\":1}",
        "\"AAPL\"", /* arguments that are not a map */
    };
    pfpc_build_refused_all(P, "quote_summary", &s_session, bad, PFPC_COUNT(bad));
    pfpc_build_refused_all(P, "chart", &s_session, bad, PFPC_COUNT(bad));
    /*  16 characters is fine.                                              */
    pf_provider_request_t req;
    pfpc_build_ok(P, "chart", &s_session, "{\"symbol\":\"ABCDEFGHIJKLMNOP\"}", &req);
}
END_TEST

START_TEST(test_summary_parse)
{
    pf_value_t *out = pfpc_ok_fixture(P, "quote_summary", "quote_summary.json");
    const pf_value_t *p = pf_map_get(out, "profile");
    ck_assert_str_eq(pf_map_get_str(p, "website"), "https://www.apple.com");
    ck_assert_str_eq(pf_map_get_str(p, "industry"), "Consumer Electronics");
    ck_assert_str_eq(pf_map_get_str(p, "sector"), "Technology");
    ck_assert_int_eq(pf_map_get_int(p, "employees", 0), 164000);
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(p, "summary"), "smartphones"));
    ck_assert_str_eq(pf_map_get_str(p, "city"), "Cupertino");
    ck_assert_str_eq(pf_map_get_str(p, "state"), "CA");
    ck_assert_str_eq(pf_map_get_str(p, "country"), "United States");
    const pf_value_t *officers = pf_map_get(p, "officers");
    ck_assert_uint_eq(pf_array_size(officers), 2);
    const pf_value_t *o = pf_array_at(officers, 0);
    ck_assert_str_eq(pf_map_get_str(o, "name"), "Mr. Timothy D. Cook");
    ck_assert_str_eq(pf_map_get_str(o, "title"), "CEO & Director");
    ck_assert_int_eq(pf_map_get_int(o, "age", 0), 62);
    ck_assert_int_eq(pf_map_get_int(o, "year_born", 0), 1961);
    ck_assert_int_eq(pf_map_get_int(o, "total_pay", 0), 16239562);
    o = pf_array_at(officers, 1);
    ck_assert_str_eq(pf_map_get_str(o, "name"), "Mr. Luca  Maestri");
    ck_assert(!pf_map_has(o, "total_pay"));
    const pf_value_t *f = pf_map_get(out, "financials");
    ck_assert_str_eq(pf_map_get_str(f, "currency"), "USD");
    ck_assert_int_eq(pf_map_get_int(f, "total_revenue", 0), INT64_C(381623009280));
    ck_assert_double_eq_tol(pf_map_get_float(f, "revenue_growth", 0), -0.043, 1e-12);
    ck_assert_double_eq_tol(pf_map_get_float(f, "gross_margins", 0), 0.45586, 1e-12);
    ck_assert_double_eq_tol(pf_map_get_float(f, "operating_margins", 0), 0.30743, 1e-12);
    ck_assert_double_eq_tol(pf_map_get_float(f, "profit_margins", 0), 0.26306, 1e-12);
    ck_assert_int_eq(pf_map_get_int(f, "ebitda", 0), INT64_C(129629003776));
    ck_assert_int_eq(pf_map_get_int(f, "gross_profits", 0), INT64_C(170782000000));
    ck_assert_int_eq(pf_map_get_int(f, "total_cash", 0), INT64_C(67150000128));
    ck_assert_int_eq(pf_map_get_int(f, "total_debt", 0), INT64_C(104590000128));
    ck_assert_int_eq(pf_map_get_int(f, "free_cashflow", 0), INT64_C(84726874112));
    ck_assert_int_eq(pf_map_get_int(f, "operating_cashflow", 0), INT64_C(110563000320));
    ck_assert_double_eq_tol(pf_map_get_float(f, "current_price", 0), 194.03, 1e-9);
    ck_assert_double_eq_tol(pf_map_get_float(f, "target_mean_price", 0), 201.5, 1e-9);
    ck_assert_str_eq(pf_map_get_str(f, "recommendation"), "buy");
    ck_assert_int_eq(pf_map_get_int(out, "market_cap", 0), INT64_C(2975102894080));
    ck_assert_str_eq(pf_map_get_str(out, "currency"), "USD");
    /*  Statements newest first; the one without a date is dropped; a
        date from fmt when raw is missing; wrong-typed fields omitted.      */
    const pf_value_t *st = pf_map_get(out, "income_statements");
    ck_assert_uint_eq(pf_array_size(st), 4);
    const pf_value_t *s0 = pf_array_at(st, 0);
    ck_assert_str_eq(pf_map_get_str(s0, "end_date"), "2023-09-30");
    ck_assert_int_eq(pf_map_get_int(s0, "total_revenue", 0), INT64_C(383285000000));
    ck_assert_int_eq(pf_map_get_int(s0, "net_income", 0), INT64_C(96995000000));
    ck_assert_int_eq(pf_map_get_int(s0, "gross_profit", 0), INT64_C(169148000000));
    ck_assert(!pf_map_has(s0, "operating_income"));
    ck_assert_str_eq(pf_map_get_str(pf_array_at(st, 1), "end_date"), "2022-10-01");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(st, 2), "end_date"), "2021-09-25");
    ck_assert_int_eq(pf_map_get_int(pf_array_at(st, 2), "total_revenue", 0),
                     INT64_C(365817000000));
    const pf_value_t *s3 = pf_array_at(st, 3);
    ck_assert_str_eq(pf_map_get_str(s3, "end_date"), "2020-09-26");
    ck_assert(!pf_map_has(s3, "total_revenue"));
    ck_assert_int_eq(pf_map_get_int(s3, "net_income", 0), INT64_C(57411000000));
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_summary_missing_and_wrong)
{
    pf_value_t *out;
    /*  A result with no modules: an empty map.                             */
    out = pfpc_ok(P, "quote_summary", "{\"quoteSummary\":{\"result\":[{}],\"error\":null}}");
    ck_assert_uint_eq(pf_map_size(out), 0);
    pf_value_destroy(&out);
    /*  Modules of the wrong type are skipped; numbers as strings or {}
        omitted; bare numbers (unformatted answers) accepted.               */
    out = pfpc_ok(P, "quote_summary",
                "{\"quoteSummary\":{\"result\":[{\"assetProfile\":\"x\","
                "\"financialData\":{\"totalRevenue\":\"1B\",\"ebitda\":{},"
                "\"grossMargins\":0.5,\"financialCurrency\":7},"
                "\"summaryDetail\":{\"marketCap\":123456789},"
                "\"incomeStatementHistory\":{\"incomeStatementHistory\":\"none\"}}]}}");
    ck_assert(!pf_map_has(out, "profile"));
    const pf_value_t *f = pf_map_get(out, "financials");
    ck_assert_uint_eq(pf_map_size(f), 1);
    ck_assert_double_eq_tol(pf_map_get_float(f, "gross_margins", 0), 0.5, 1e-12);
    ck_assert_int_eq(pf_map_get_int(out, "market_cap", 0), 123456789);
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "income_statements")), 0);
    pf_value_destroy(&out);
    /*  No result, or a result that is not an object: bad_response.         */
    pfpc_bad_shapes(P, "quote_summary", "{\"quoteSummary\":{\"result\":[],\"error\":null}}",
                    "{\"quoteSummary\":{\"result\":[1]}}", "{}", "{\"quoteSummary\":[]}", NULL);
}
END_TEST

START_TEST(test_summary_errors)
{
    static const pfpc_refusal_t errors[] = {
        PFPC_FILE(401, "invalid_crumb.json", PF_EINVAL, "session_expired"),
        PFPC_FILE(404, "quote_summary_not_found.json", PF_ENOTFOUND, "not_found"),
        /*  The same error object in a 200 answer.                          */
        PFPC_FILE(200, "quote_summary_not_found.json", PF_ENOTFOUND, "not_found"),
        /*  A plain-text crumb refusal.                                     */
        PFPC_BODY(401, "Invalid Crumb", PF_EINVAL, "session_expired"),
        /*  Other 401s stay "unauthorized".                                 */
        PFPC_BODY(401,
                  "{\"finance\":{\"result\":null,\"error\":{\"code\":\"Unauthorized\","
                  "\"description\":\"User is unable to access this feature\"}}}",
                  PF_EINVAL, "unauthorized"),
        PFPC_BODY(400, "bad", PF_EINVAL, "provider_rejected"),
        PFPC_BODY(500, "{\"quoteSummary\":{}}", PF_EPROTO, "provider_error"),
        PFPC_BODY(200, "{\"quoteSummary\":{\"result\":[{\"assetProfile\":{", PF_EPROTO,
                  "bad_response"),
    };
    pfpc_refusals(P, "quote_summary", errors, PFPC_COUNT(errors));
}
END_TEST

/*  ---- chart ------------------------------------------------------------ */

START_TEST(test_chart_build)
{
    pf_provider_conf_t conf = {.user_agent = S_UA, .crumb = S_CRUMB};
    pf_provider_request_t req;
    /*  Defaults: one year, weekly; no crumb even when there is one.        */
    pfpc_build_ok(P, "chart", &conf, "{\"symbol\":\"eurusd=x\"}", &req);
    ck_assert_str_eq(req.url, "https://query1.finance.yahoo.com/v8/finance/chart/EURUSD%3DX"
                              "?range=1y&interval=1wk");
    ck_assert_str_eq(req.fetch_key, req.url);
    ck_assert_uint_eq(req.header_count, 2);
    conf.base = S_BASE;
    pfpc_build_ok(P, "chart", &conf,
                  "{\"symbol\":\"MSFT\",\"range\":\"5y\",\"interval\":\"1mo\"}", &req);
    ck_assert_str_eq(req.url, S_BASE "/v8/finance/chart/MSFT?range=5y&interval=1mo");
    ck_assert_str_eq(req.fetch_key, req.url);
}
END_TEST

START_TEST(test_chart_invalid)
{
    static const char *const bad[] = {
        "{\"symbol\":\"MSFT\",\"range\":\"10y\"}",
        "{\"symbol\":\"MSFT\",\"range\":\"\"}",
        "{\"symbol\":\"MSFT\",\"interval\":\"1h\"}",
        "{\"symbol\":\"MSFT\",\"interval\":\"1wk1wk1wk\"}",
        "{\"symbol\":\"MSFT\",\"range\":1}",
    };
    pfpc_build_refused_all(P, "chart", &s_session, bad, PFPC_COUNT(bad));
}
END_TEST

START_TEST(test_chart_parse)
{
    pf_value_t *out = pfpc_ok_fixture(P, "chart", "chart.json");
    ck_assert_str_eq(pf_map_get_str(out, "currency"), "USD");
    ck_assert_str_eq(pf_map_get_str(out, "symbol"), "AAPL");
    ck_assert_double_eq_tol(pf_map_get_float(out, "last_price", 0), 194.35, 1e-9);
    const pf_value_t *points = pf_map_get(out, "points");
    /*  Five timestamps, one null close: four points.                       */
    ck_assert_uint_eq(pf_array_size(points), 4);
    ck_assert_int_eq(pf_map_get_int(pf_array_at(points, 0), "t", 0), INT64_C(1714968000000));
    ck_assert_double_eq_tol(pf_map_get_float(pf_array_at(points, 0), "close", 0), 183.05, 1e-9);
    ck_assert_int_eq(pf_map_get_int(pf_array_at(points, 2), "t", 0), INT64_C(1716782400000));
    ck_assert_double_eq_tol(pf_map_get_float(pf_array_at(points, 3), "close", 0), 194.35, 1e-9);
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_chart_missing_and_wrong)
{
    pf_value_t *out;
    /*  Columns of different lengths: the common length; a bad timestamp is
        skipped; no regularMarketPrice: the last close.                     */
    out = pfpc_ok(P, "chart",
                "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"EUR\"},"
                "\"timestamp\":[100,\"200\",300,400,500],"
                "\"indicators\":{\"quote\":[{\"close\":[1.5,2.5,3,4.25]}]}}]}}");
    const pf_value_t *points = pf_map_get(out, "points");
    ck_assert_uint_eq(pf_array_size(points), 3);
    ck_assert_int_eq(pf_map_get_int(pf_array_at(points, 1), "t", 0), 300000);
    ck_assert_double_eq_tol(pf_map_get_float(pf_array_at(points, 1), "close", 0), 3.0, 1e-12);
    ck_assert_double_eq_tol(pf_map_get_float(out, "last_price", 0), 4.25, 1e-12);
    ck_assert_str_eq(pf_map_get_str(out, "currency"), "EUR");
    pf_value_destroy(&out);
    /*  No data at all: no points, no price.                                */
    out = pfpc_ok(P, "chart", "{\"chart\":{\"result\":[{\"meta\":5}]}}");
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "points")), 0);
    ck_assert(!pf_map_has(out, "last_price"));
    ck_assert(!pf_map_has(out, "currency"));
    pf_value_destroy(&out);
    pfpc_parse_fails(P, "chart", 200, "{\"chart\":{\"result\":null}}", PF_EPROTO,
                     "bad_response");
}
END_TEST

START_TEST(test_chart_errors)
{
    static const pfpc_refusal_t errors[] = {
        PFPC_FILE(404, "chart_not_found.json", PF_ENOTFOUND, "not_found"),
        PFPC_FILE(200, "chart_not_found.json", PF_ENOTFOUND, "not_found"),
        PFPC_BODY(422,
                  "{\"chart\":{\"result\":null,\"error\":{\"code\":\"Unprocessable Entity\","
                  "\"description\":\"Invalid input\"}}}",
                  PF_EPROTO, "provider_error"),
        PFPC_BODY(400,
                  "{\"chart\":{\"result\":null,\"error\":{\"code\":\"Bad Request\","
                  "\"description\":\"Invalid interval\"}}}",
                  PF_EINVAL, "provider_rejected"),
        PFPC_BODY(403, "Forbidden", PF_EINVAL, "unauthorized"),
        PFPC_BODY(200, "{\"chart\":", PF_EPROTO, "bad_response"),
    };
    pfpc_refusals(P, "chart", errors, PFPC_COUNT(errors));
}
END_TEST

START_TEST(test_common_failures)
{
    static const char *const files[][2] = {
        {"search", "search.json"},
        {"quote_summary", "quote_summary.json"},
        {"chart", "chart.json"},
    };
    pfpc_common_failures_files(P, files, PFPC_COUNT(files));
}
END_TEST

/*  ---- crumb ------------------------------------------------------------ */

START_TEST(test_crumb)
{
    char out[PF_PROVIDER_YAHOO_CRUMB_MAX + 1];
    pf_provider_error_t err;
    ck_assert_int_eq(pf_provider_yahoo_crumb(200, "Ab1/cD.2eF", 10, out, sizeof out, &err), 0);
    ck_assert_str_eq(out, "Ab1/cD.2eF");
    /*  Surrounding white space trimmed; the body need not end in NUL.      */
    ck_assert_int_eq(pf_provider_yahoo_crumb(200, " xyz\r\nGARBAGE", 6, out, sizeof out, &err),
                     0);
    ck_assert_str_eq(out, "xyz");
    char max[PF_PROVIDER_YAHOO_CRUMB_MAX + 2];
    memset(max, 'k', sizeof max);
    ck_assert_int_eq(
        pf_provider_yahoo_crumb(200, max, PF_PROVIDER_YAHOO_CRUMB_MAX, out, sizeof out, &err), 0);
    ck_assert_uint_eq(strlen(out), PF_PROVIDER_YAHOO_CRUMB_MAX);
}
END_TEST

START_TEST(test_crumb_bad)
{
    char out[PF_PROVIDER_YAHOO_CRUMB_MAX + 1] = "untouched";
    pf_provider_error_t err;
    static const char *const bad[] = {
        "", "   \n", "two words", "<html></html>", "{\"finance\":null}", "tab\there",
        "quote\"", "caf\xc3\xa9",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(pf_provider_yahoo_crumb(200, bad[i], strlen(bad[i]), out, sizeof out,
                                                 &err),
                         PF_EPROTO);
        ck_assert_str_eq(err.code, "bad_response");
    }
    char toolong[PF_PROVIDER_YAHOO_CRUMB_MAX + 1];
    memset(toolong, 'k', sizeof toolong);
    ck_assert_int_eq(pf_provider_yahoo_crumb(200, toolong, sizeof toolong, out, sizeof out, &err),
                     PF_EPROTO);
    ck_assert_int_eq(pf_provider_yahoo_crumb(200, NULL, 0, out, sizeof out, &err), PF_EPROTO);
    /*  A buffer too small for the crumb.                                   */
    char tiny[4];
    ck_assert_int_lt(pf_provider_yahoo_crumb(200, "abcdef", 6, tiny, sizeof tiny, &err), 0);
    /*  Status errors.                                                      */
    ck_assert_int_eq(pf_provider_yahoo_crumb(401, "abc", 3, out, sizeof out, &err), PF_EINVAL);
    ck_assert_str_eq(err.code, "unauthorized");
    ck_assert_int_eq(pf_provider_yahoo_crumb(404, "abc", 3, out, sizeof out, &err),
                     PF_ENOTFOUND);
    ck_assert_int_eq(pf_provider_yahoo_crumb(500, "abc", 3, out, sizeof out, &err), PF_EPROTO);
    ck_assert_str_eq(err.code, "provider_error");
    ck_assert_str_eq(out, "untouched");
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_provider_yahoo_finance");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_search_build);
    tcase_add_test(tc, test_search_invalid);
    tcase_add_test(tc, test_search_parse);
    tcase_add_test(tc, test_search_missing_and_wrong);
    tcase_add_test(tc, test_search_errors);
    tcase_add_test(tc, test_summary_build);
    tcase_add_test(tc, test_summary_session_required);
    tcase_add_test(tc, test_symbol_invalid);
    tcase_add_test(tc, test_summary_parse);
    tcase_add_test(tc, test_summary_missing_and_wrong);
    tcase_add_test(tc, test_summary_errors);
    tcase_add_test(tc, test_chart_build);
    tcase_add_test(tc, test_chart_invalid);
    tcase_add_test(tc, test_chart_parse);
    tcase_add_test(tc, test_chart_missing_and_wrong);
    tcase_add_test(tc, test_chart_errors);
    tcase_add_test(tc, test_common_failures);
    tcase_add_test(tc, test_crumb);
    tcase_add_test(tc, test_crumb_bad);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
