/*  test_pf_provider_sec_edgar.c — unit tests of the SEC EDGAR provider
    (adapters/pf_provider_sec_edgar.c): URLs, headers and fetch keys, the
    User-Agent requirement, argument checking, the ticker table's parse and
    select (ticker and company-name lookups, also over a large generated
    table), submissions and company facts normalised from fixtures
    (tests/adapters/fixtures/sec_edgar) field by field, and error answers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_provider_check.h"
#include "pf_provider_internal.h"

#define P (&pf_provider_sec_edgar)

#define S_BASE "http://127.0.0.1:8700/sec_edgar"
#define S_UA "PartnerForge Test test@example.com"
/*  Rows of the generated ticker table (about the size of SEC's).           */
#define S_BIG_ROWS 12000

/*  SEC refuses requests without a User-Agent, so every build needs one.   */
static const pf_provider_conf_t s_conf = {.user_agent = S_UA};

/*  Builds op with args and expects url (fetch_key the same) and the two
    headers.                                                                */
static void
s_expect_url(const char *op, const char *base, const char *args, const char *url)
{
    pf_provider_conf_t conf = {.user_agent = S_UA, .base = base};
    pf_provider_request_t req;
    pfpc_build_ok(P, op, &conf, args, &req);
    ck_assert_str_eq(req.url, url);
    ck_assert_str_eq(req.fetch_key, url);
    ck_assert_uint_eq(req.header_count, 2);
    ck_assert_str_eq(req.headers[0], "User-Agent: " S_UA);
    ck_assert_str_eq(req.headers[1], "Accept: application/json");
}

/*  ---- table ------------------------------------------------------------ */

START_TEST(test_table)
{
    const pf_provider_t *p = P;
    ck_assert_ptr_eq(pf_provider_find("sec_edgar"), P);
    ck_assert_str_eq(p->name, "sec_edgar");
    ck_assert_ptr_null(p->key_env);
    ck_assert(!p->key_required);
    ck_assert_str_eq(p->hosts[0], "www.sec.gov");
    ck_assert_str_eq(p->hosts[1], "data.sec.gov");
    ck_assert_uint_eq(p->limits.per_minute, 600);
    ck_assert_uint_eq(p->limits.concurrency, 10);
    ck_assert_uint_eq(p->limits.breaker_failures, 3);
    ck_assert_uint_eq(p->limits.breaker_recovery_s, 120);
    ck_assert_ptr_null(p->session_cookie_path);
    ck_assert_uint_eq(p->op_count, 3);
    ck_assert_ptr_nonnull(pf_provider_op(P, "cik")->select);
    ck_assert_ptr_null(pf_provider_op(P, "submissions")->select);
    ck_assert_ptr_null(pf_provider_op(P, "company_facts")->select);
    for (size_t i = 0; i < p->op_count; i++) {
        ck_assert_uint_eq(p->ops[i].ttl_s, 86400);
        ck_assert(!p->ops[i].needs_session);
    }
}
END_TEST

/*  ---- builds ----------------------------------------------------------- */

START_TEST(test_cik_build)
{
    s_expect_url("cik", NULL, "{\"ticker\":\"AAPL\"}",
                 "https://www.sec.gov/files/company_tickers.json");
    s_expect_url("cik", NULL, "{\"name\":\"Apple Inc.\"}",
                 "https://www.sec.gov/files/company_tickers.json");
    s_expect_url("cik", S_BASE, "{\"ticker\":\"brk.b\",\"name\":\"Berkshire\"}",
                 S_BASE "/files/company_tickers.json");
}
END_TEST

START_TEST(test_user_agent_required)
{
    static const char *const args = "{\"ticker\":\"AAPL\",\"cik\":\"320193\"}";
    for (size_t i = 0; i < P->op_count; i++) {
        pf_provider_conf_t conf = {.user_agent = NULL};
        pf_provider_request_t req;
        pf_provider_error_t err;
        ck_assert_int_eq(pfpc_build(P, P->ops[i].name, &conf, args, &req, &err), PF_EINVAL);
        ck_assert_str_eq(err.code, "user_agent_required");
        conf.user_agent = "";
        ck_assert_int_eq(pfpc_build(P, P->ops[i].name, &conf, args, &req, &err), PF_EINVAL);
        ck_assert_str_eq(err.code, "user_agent_required");
    }
}
END_TEST

START_TEST(test_cik_build_invalid)
{
    static const char *const bad[] = {
        "{}",
        "{\"ticker\":\"\"}",
        "{\"ticker\":\"AA PL\"}",
        "{\"ticker\":\"A/B\"}",
        "{\"ticker\":\"ABCDEFGHIJKLMNOPQ\"}",
        "{\"name\":\"\"}",
        "{\"name\":\"!!! ...\"}",
        "{\"name\":\"tab\\there\"}",
        "{\"ticker\":5}",
        "{\"name\":5}",
        /*  A good ticker does not excuse a bad name.                       */
        "{\"ticker\":\"AAPL\",\"name\":1}",
        "\"AAPL\"",
    };
    pfpc_build_refused_all(P, "cik", &s_conf, bad, PFPC_COUNT(bad));
    char long_name[300];
    snprintf(long_name, sizeof long_name, "{\"name\":\"%0255d\"}", 0);
    pfpc_build_refused_with(P, "cik", &s_conf, long_name);
}
END_TEST

START_TEST(test_cik_arg_builds)
{
    s_expect_url("submissions", NULL, "{\"cik\":320193}",
                 "https://data.sec.gov/submissions/CIK0000320193.json");
    s_expect_url("submissions", NULL, "{\"cik\":\"0000320193\"}",
                 "https://data.sec.gov/submissions/CIK0000320193.json");
    s_expect_url("submissions", NULL, "{\"cik\":\"CIK320193\"}",
                 "https://data.sec.gov/submissions/CIK0000320193.json");
    s_expect_url("submissions", NULL, "{\"cik\":1}",
                 "https://data.sec.gov/submissions/CIK0000000001.json");
    s_expect_url("submissions", S_BASE, "{\"cik\":9999999999}",
                 S_BASE "/submissions/CIK9999999999.json");
    s_expect_url("company_facts", NULL, "{\"cik\":1652044}",
                 "https://data.sec.gov/api/xbrl/companyfacts/CIK0001652044.json");
    s_expect_url("company_facts", S_BASE, "{\"cik\":\"cik0001652044\"}",
                 S_BASE "/api/xbrl/companyfacts/CIK0001652044.json");
}
END_TEST

START_TEST(test_cik_arg_invalid)
{
    static const char *const bad[] = {
        "{}",
        "{\"cik\":0}",
        "{\"cik\":-320193}",
        "{\"cik\":10000000000}",
        "{\"cik\":\"\"}",
        "{\"cik\":\"0\"}",
        "{\"cik\":\"0000000000\"}",
        "{\"cik\":\"32019a\"}",
        "{\"cik\":\"00000320193\"}", /* 11 digits */
        "{\"cik\":\"CIK\"}",
        "{\"cik\":\"-320193\"}",
        "{\"cik\":\"320193/../x\"}",
        "{\"cik\":320193.0}",
        "{\"cik\":true}",
        "320193",
    };
    pfpc_build_refused_all(P, "submissions", &s_conf, bad, PFPC_COUNT(bad));
    pfpc_build_refused_all(P, "company_facts", &s_conf, bad, PFPC_COUNT(bad));
}
END_TEST

/*  ---- cik: parse and select ------------------------------------------- */

/*  Selects args (JSON text) from parsed; returns the status with *out
    (the caller destroys it) or err filled.                                 */
static int
s_select(const pf_value_t *parsed, const char *args_json, pf_value_t **out,
         pf_provider_error_t *err)
{
    pf_value_t *args = pfpc_args(args_json);
    *out = NULL;
    memset(err, 0, sizeof *err);
    int rc = pf_provider_op(P, "cik")->select(parsed, args, out, err);
    pf_value_destroy(&args);
    return rc;
}

/*  Selects args from parsed; expects ticker, cik and match.                */
static void
s_expect_company(const pf_value_t *parsed, const char *args, const char *ticker, int64_t cik,
                 const char *match)
{
    pf_value_t *out;
    pf_provider_error_t err;
    int rc = s_select(parsed, args, &out, &err);
    ck_assert_msg(rc == 0, "select %s: %s %s", args, err.code, err.message);
    ck_assert_str_eq(pf_map_get_str(out, "ticker"), ticker);
    ck_assert_int_eq(pf_map_get_int(out, "cik", 0), cik);
    char cik10[16];
    snprintf(cik10, sizeof cik10, "%010lld", (long long)cik);
    ck_assert_str_eq(pf_map_get_str(out, "cik10"), cik10);
    ck_assert_str_eq(pf_map_get_str(out, "match"), match);
    ck_assert_ptr_nonnull(pf_map_get_str(out, "title"));
    ck_assert_uint_eq(pf_map_size(out), 5);
    pf_value_destroy(&out);
}

/*  Selects args from parsed; expects the status rc with code.              */
static void
s_expect_no_company(const pf_value_t *parsed, const char *args, int rc, const char *code)
{
    pf_value_t *out;
    pf_provider_error_t err;
    ck_assert_int_eq(s_select(parsed, args, &out, &err), rc);
    ck_assert_str_eq(err.code, code);
    ck_assert_msg(err.message[0] != '\0', "no message for %s", args);
    ck_assert_ptr_null(out);
}

START_TEST(test_cik_parse_shape)
{
    pf_value_t *parsed = pfpc_ok_fixture(P, "cik", "company_tickers.json");
    /*  25 entries, 5 unusable (bad cik, ticker, title, not an object, 0).  */
    ck_assert_uint_eq(pf_array_size(pf_map_get(parsed, "tickers")), 20);
    ck_assert_uint_eq(pf_array_size(pf_map_get(parsed, "ciks")), 20);
    ck_assert_uint_eq(pf_array_size(pf_map_get(parsed, "titles")), 20);
    ck_assert_uint_eq(pf_array_size(pf_map_get(parsed, "by_ticker")), 20);
    ck_assert_uint_eq(pf_array_size(pf_map_get(parsed, "name_keys")), 20);
    ck_assert_uint_eq(pf_array_size(pf_map_get(parsed, "by_name")), 20);
    /*  Rows in file order; the string cik read as a number.                */
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(parsed, "tickers"), 0), NULL),
                     "AAPL");
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(parsed, "tickers"), 11), NULL),
                     "NVDA");
    ck_assert_int_eq(pf_value_as_int(pf_array_at(pf_map_get(parsed, "ciks"), 11), 0), 1045810);
    /*  Normalised names sorted.                                            */
    const pf_value_t *keys = pf_map_get(parsed, "name_keys");
    ck_assert_str_eq(pf_value_as_str(pf_array_at(keys, 0), NULL), "abbott laboratories");
    for (size_t i = 1; i < pf_array_size(keys); i++)
        ck_assert(strcmp(pf_value_as_str(pf_array_at(keys, i - 1), NULL),
                         pf_value_as_str(pf_array_at(keys, i), NULL)) <= 0);
    pf_value_destroy(&parsed);
}
END_TEST

START_TEST(test_cik_select_ticker)
{
    pf_value_t *parsed = pfpc_ok_fixture(P, "cik", "company_tickers.json");
    s_expect_company(parsed, "{\"ticker\":\"AAPL\"}", "AAPL", 320193, "ticker");
    s_expect_company(parsed, "{\"ticker\":\"aapl\"}", "AAPL", 320193, "ticker");
    s_expect_company(parsed, "{\"ticker\":\"brk.b\"}", "BRK-B", 1067983, "ticker");
    s_expect_company(parsed, "{\"ticker\":\"BRK-A\"}", "BRK-A", 1067983, "ticker");
    s_expect_company(parsed, "{\"ticker\":\"A\"}", "A", 1090872, "ticker");
    s_expect_company(parsed, "{\"ticker\":\"T\"}", "T", 732717, "ticker");
    s_expect_company(parsed, "{\"ticker\":\"GOOG\"}", "GOOG", 1652044, "ticker");
    s_expect_company(parsed, "{\"ticker\":\"nvda\"}", "NVDA", 1045810, "ticker");
    s_expect_no_company(parsed, "{\"ticker\":\"ZZZZ\"}", PF_ENOTFOUND, "not_found");
    s_expect_no_company(parsed, "{\"ticker\":\"AAP\"}", PF_ENOTFOUND, "not_found");
    s_expect_no_company(parsed, "{\"ticker\":\"BAD1\"}", PF_ENOTFOUND, "not_found");
    s_expect_no_company(parsed, "{\"ticker\":\"ZERO\"}", PF_ENOTFOUND, "not_found");
    /*  An unknown ticker falls back to the name.                           */
    s_expect_company(parsed, "{\"ticker\":\"ZZZZ\",\"name\":\"Apple\"}", "AAPL", 320193, "name");
    pf_value_t *out;
    pf_provider_error_t err;
    ck_assert_int_eq(s_select(parsed, "{\"ticker\":\"MSFT\"}", &out, &err), 0);
    ck_assert_str_eq(pf_map_get_str(out, "title"), "MICROSOFT CORP");
    ck_assert_str_eq(pf_map_get_str(out, "cik10"), "0000789019");
    pf_value_destroy(&out);
    pf_value_destroy(&parsed);
}
END_TEST

START_TEST(test_cik_select_name)
{
    pf_value_t *parsed = pfpc_ok_fixture(P, "cik", "company_tickers.json");
    s_expect_company(parsed, "{\"name\":\"Apple\"}", "AAPL", 320193, "name");
    s_expect_company(parsed, "{\"name\":\"APPLE INC.\"}", "AAPL", 320193, "name");
    s_expect_company(parsed, "{\"name\":\"apple, inc\"}", "AAPL", 320193, "name");
    s_expect_company(parsed, "{\"name\":\"Microsoft Corporation\"}", "MSFT", 789019, "name");
    /*  Two tickers, one name: the first in SEC's file.                     */
    s_expect_company(parsed, "{\"name\":\"Alphabet\"}", "GOOGL", 1652044, "name");
    s_expect_company(parsed, "{\"name\":\"Berkshire Hathaway Inc\"}", "BRK-B", 1067983, "name");
    s_expect_company(parsed, "{\"name\":\"The Coca-Cola Company\"}", "KO", 21344, "name");
    s_expect_company(parsed, "{\"name\":\"AT&T\"}", "T", 732717, "name");
    s_expect_company(parsed, "{\"name\":\"NXP Semiconductors NV\"}", "NXPI", 1413447, "name");
    s_expect_company(parsed, "{\"name\":\"Nicholas Financial\"}", "NICK", 1000045, "name");
    s_expect_company(parsed, "{\"name\":\"Agilent Technologies\"}", "A", 1090872, "name");
    /*  "Meta Platforms Holdings" and "Meta Platforms, Inc." normalise
        alike: the first row wins.                                          */
    s_expect_company(parsed, "{\"name\":\"Meta Platforms Holdings\"}", "META", 1326801, "name");
    /*  No exact match: the first company whose name starts with the words. */
    s_expect_company(parsed, "{\"name\":\"Meta\"}", "META", 1326801, "name_prefix");
    s_expect_company(parsed, "{\"name\":\"Amazon\"}", "AMZN", 1018724, "name_prefix");
    s_expect_company(parsed, "{\"name\":\"General\"}", "GM", 1467858, "name_prefix");
    s_expect_company(parsed, "{\"name\":\"general electric\"}", "GE", 40545, "name");
    /*  A word prefix is not a word: "nvid" is not "nvidia".                */
    s_expect_no_company(parsed, "{\"name\":\"Nvid\"}", PF_ENOTFOUND, "not_found");
    s_expect_no_company(parsed, "{\"name\":\"Unknown Widgets Inc\"}", PF_ENOTFOUND, "not_found");
    s_expect_no_company(parsed, "{\"name\":\"Inc\"}", PF_ENOTFOUND, "not_found");
    s_expect_no_company(parsed, "{\"name\":\"...\"}", PF_EINVAL, "invalid_args");
    s_expect_no_company(parsed, "{}", PF_EINVAL, "invalid_args");
    pf_value_destroy(&parsed);
}
END_TEST

START_TEST(test_cik_select_bad_parsed)
{
    /*  select() over a value that is not what parse() makes: an error.     */
    pf_value_t *bad = pf_value_map();
    s_expect_no_company(bad, "{\"ticker\":\"AAPL\"}", PF_EPROTO, "bad_response");
    pf_value_destroy(&bad);
    /*  Indexes pointing past the rows are not followed.                    */
    pf_value_t *parsed =
        pfpc_ok(P, "cik", "{\"0\":{\"cik_str\":1,\"ticker\":\"A\",\"title\":\"A Co\"}}");
    pf_value_t *big = pf_value_int(7);
    pf_value_t *by_ticker = pf_value_array();
    pf_array_push(by_ticker, &big);
    pf_map_set(parsed, "by_ticker", &by_ticker);
    s_expect_no_company(parsed, "{\"ticker\":\"A\"}", PF_ENOTFOUND, "not_found");
    pf_value_destroy(&parsed);
}
END_TEST

START_TEST(test_cik_big_table)
{
    /*  A table of SEC's size: every row found by ticker and by name.       */
    size_t cap = (size_t)S_BIG_ROWS * 96 + 16;
    char *body = malloc(cap);
    ck_assert_ptr_nonnull(body);
    size_t n = 0;
    n += (size_t)snprintf(body + n, cap - n, "{");
    for (int i = 0; i < S_BIG_ROWS; i++)
        n += (size_t)snprintf(body + n, cap - n,
                              "%s\"%d\":{\"cik_str\":%d,\"ticker\":\"T%dX\","
                              "\"title\":\"Company %d Holdings, Inc.\"}",
                              i ? "," : "", i, 100000 + i, (i * 7919) % S_BIG_ROWS, i);
    n += (size_t)snprintf(body + n, cap - n, "}");
    ck_assert_uint_lt(n, cap);
    pf_value_t *parsed = pfpc_ok(P, "cik", body);
    free(body);
    ck_assert_uint_eq(pf_array_size(pf_map_get(parsed, "tickers")), S_BIG_ROWS);
    for (int i = 0; i < S_BIG_ROWS; i++) {
        char by_ticker[64], ticker[32], by_name[64];
        snprintf(by_ticker, sizeof by_ticker, "{\"ticker\":\"t%dx\"}", (i * 7919) % S_BIG_ROWS);
        snprintf(ticker, sizeof ticker, "T%dX", (i * 7919) % S_BIG_ROWS);
        snprintf(by_name, sizeof by_name, "{\"name\":\"Company %d\"}", i);
        s_expect_company(parsed, by_ticker, ticker, 100000 + i, "ticker");
        s_expect_company(parsed, by_name, ticker, 100000 + i, "name");
    }
    s_expect_no_company(parsed, "{\"ticker\":\"T12000X\"}", PF_ENOTFOUND, "not_found");
    s_expect_no_company(parsed, "{\"name\":\"Company 12000\"}", PF_ENOTFOUND, "not_found");
    pf_value_destroy(&parsed);
}
END_TEST

START_TEST(test_cik_errors)
{
    pfpc_bad_shapes(P, "cik", "<html>blocked</html>", "{\"0\":{\"cik_str\":320193,", "[]", "{}",
                    "{\"0\":{\"cik_str\":\"x\",\"ticker\":\"A\",\"title\":\"A\"}}", NULL);
    pfpc_parse_fails(P, "cik", 403, "Your Request Originates from an Undeclared Automated Tool",
                     PF_EINVAL, "unauthorized");
}
END_TEST

/*  ---- submissions ------------------------------------------------------ */

static void
s_expect_filing(const pf_value_t *f, const char *form, const char *filed, const char *acc)
{
    ck_assert_str_eq(pf_map_get_str(f, "form"), form);
    ck_assert_str_eq(pf_map_get_str(f, "filing_date"), filed);
    ck_assert_str_eq(pf_map_get_str(f, "accession"), acc);
}

START_TEST(test_submissions_parse)
{
    pf_value_t *out = pfpc_ok_fixture(P, "submissions", "submissions.json");
    ck_assert_int_eq(pf_map_get_int(out, "cik", 0), 320193);
    ck_assert_str_eq(pf_map_get_str(out, "name"), "Apple Inc.");
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "tickers")), 1);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(out, "tickers"), 0), NULL), "AAPL");
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(out, "exchanges"), 0), NULL),
                     "Nasdaq");
    ck_assert_str_eq(pf_map_get_str(out, "sic"), "3571");
    ck_assert_str_eq(pf_map_get_str(out, "sic_description"), "Electronic Computers");
    ck_assert_str_eq(pf_map_get_str(out, "entity_type"), "operating");
    ck_assert_str_eq(pf_map_get_str(out, "category"), "Large accelerated filer");
    ck_assert_str_eq(pf_map_get_str(out, "fiscal_year_end"), "0928");
    ck_assert_str_eq(pf_map_get_str(out, "state_of_incorporation"), "CA");
    ck_assert(!pf_map_has(out, "website"));     /* "" is left out          */
    const pf_value_t *b = pf_map_get(pf_map_get(out, "addresses"), "business");
    ck_assert_str_eq(pf_map_get_str(b, "street"), "ONE APPLE PARK WAY");
    ck_assert_str_eq(pf_map_get_str(b, "city"), "CUPERTINO");
    ck_assert_str_eq(pf_map_get_str(b, "state"), "CA");
    ck_assert_str_eq(pf_map_get_str(b, "zip"), "95014");
    /*  The latest 10-K (the newer "10-K" row has a broken accession).     */
    const pf_value_t *k = pf_map_get(out, "latest_10k");
    s_expect_filing(k, "10-K", "2023-11-03", "0000320193-23-000106");
    ck_assert_str_eq(pf_map_get_str(k, "report_date"), "2023-09-30");
    ck_assert_str_eq(pf_map_get_str(k, "primary_document"), "aapl-20230930.htm");
    ck_assert_str_eq(pf_map_get_str(k, "url"), "https://www.sec.gov/Archives/edgar/data/320193/"
                                               "000032019323000106/aapl-20230930.htm");
    ck_assert_str_eq(pf_map_get_str(k, "description"), "10-K");
    /*  Listed forms only (no Form 4, no SC 13G/A), newest first.           */
    const pf_value_t *fl = pf_map_get(out, "filings");
    ck_assert_uint_eq(pf_array_size(fl), 7);
    s_expect_filing(pf_array_at(fl, 0), "10-Q", "2024-08-01", "0000320193-24-000080");
    s_expect_filing(pf_array_at(fl, 1), "10-Q", "2024-05-03", "0000320193-24-000069");
    s_expect_filing(pf_array_at(fl, 2), "8-K", "2024-02-01", "0000320193-24-000006");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(fl, 2), "items"), "2.02,9.01");
    ck_assert(!pf_map_has(pf_array_at(fl, 0), "items"));
    s_expect_filing(pf_array_at(fl, 3), "DEF 14A", "2024-01-11", "0001308179-24-000010");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(fl, 3), "url"),
                     "https://www.sec.gov/Archives/edgar/data/320193/000130817924000010/"
                     "laapl2024_def14a.htm");
    s_expect_filing(pf_array_at(fl, 4), "10-K", "2023-11-03", "0000320193-23-000106");
    /*  A document name of the wrong type: no document, no url.             */
    const pf_value_t *f5 = pf_array_at(fl, 5);
    s_expect_filing(f5, "10-Q", "2023-08-04", "0000320193-23-000077");
    ck_assert(!pf_map_has(f5, "primary_document"));
    ck_assert(!pf_map_has(f5, "url"));
    ck_assert_str_eq(pf_map_get_str(f5, "report_date"), "2023-07-01");
    s_expect_filing(pf_array_at(fl, 6), "10-K", "2022-10-28", "0000320193-22-000108");
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_submissions_odd_columns)
{
    /*  Columns of different lengths: only the common rows; unsorted dates
        sorted; a missing optional column leaves its fields out.           */
    pf_value_t *out = pfpc_ok(
        P, "submissions",
        "{\"cik\":789019,\"filings\":{\"recent\":{"
        "\"accessionNumber\":[\"0000789019-23-000001\",\"0000789019-24-000002\","
        "\"0000789019-24-000003\"],"
        "\"filingDate\":[\"2023-01-05\",\"2024-07-30\",\"2024-10-30\",\"2024-12-01\"],"
        "\"form\":[\"10-K\",\"10-K\"],"
        "\"primaryDocument\":[\"a.htm\"]}}}");
    ck_assert_int_eq(pf_map_get_int(out, "cik", 0), 789019);
    ck_assert(!pf_map_has(out, "name"));
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "tickers")), 0);
    const pf_value_t *fl = pf_map_get(out, "filings");
    ck_assert_uint_eq(pf_array_size(fl), 2);
    s_expect_filing(pf_array_at(fl, 0), "10-K", "2024-07-30", "0000789019-24-000002");
    ck_assert(!pf_map_has(pf_array_at(fl, 0), "url"));
    ck_assert(!pf_map_has(pf_array_at(fl, 0), "report_date"));
    ck_assert_str_eq(pf_map_get_str(pf_array_at(fl, 1), "url"),
                     "https://www.sec.gov/Archives/edgar/data/789019/000078901923000001/a.htm");
    s_expect_filing(pf_map_get(out, "latest_10k"), "10-K", "2024-07-30",
                    "0000789019-24-000002");
    pf_value_destroy(&out);
    /*  Columns of the wrong type, no filings at all: empty, latest nil.    */
    static const char *const bodies[] = {
        "{\"cik\":\"0000789019\"}",
        "{\"cik\":789019,\"filings\":{\"recent\":{\"form\":\"10-K\","
        "\"accessionNumber\":\"0000789019-23-000001\",\"filingDate\":\"2023-01-05\"}}}",
        "{\"cik\":789019,\"filings\":{\"recent\":{\"form\":[10],"
        "\"accessionNumber\":[\"0000789019-23-000001\"],\"filingDate\":[\"2023-01-05\"]}}}",
        "{\"cik\":789019,\"filings\":{\"recent\":{\"form\":[\"10-K\"],"
        "\"accessionNumber\":[\"0000789019-23-000001\"],\"filingDate\":[\"Jan 5, 2023\"]}}}",
        "{\"cik\":789019,\"filings\":[],\"tickers\":\"MSFT\",\"sic\":[],\"addresses\":5}",
    };
    for (size_t i = 0; i < PFPC_COUNT(bodies); i++) {
        out = pfpc_ok(P, "submissions", bodies[i]);
        ck_assert_int_eq(pf_map_get_int(out, "cik", 0), 789019);
        ck_assert_uint_eq(pf_array_size(pf_map_get(out, "filings")), 0);
        ck_assert(pf_value_is(pf_map_get(out, "latest_10k"), PF_NIL));
        ck_assert(!pf_map_has(out, "sic"));
        ck_assert(!pf_map_has(out, "addresses"));
        pf_value_destroy(&out);
    }
    /*  An integer sic is kept as text.                                     */
    out = pfpc_ok(P, "submissions", "{\"cik\":1,\"sic\":7372}");
    ck_assert_str_eq(pf_map_get_str(out, "sic"), "7372");
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_submissions_at_most_40)
{
    /*  60 10-Q rows, oldest first: the 40 newest, newest first.            */
    char body[16384];
    size_t n = (size_t)snprintf(body, sizeof body, "{\"cik\":5,\"filings\":{\"recent\":{");
    static const char *const cols[] = {"accessionNumber", "filingDate", "form"};
    for (int c = 0; c < 3; c++) {
        n += (size_t)snprintf(body + n, sizeof body - n, "%s\"%s\":[", c ? "," : "", cols[c]);
        for (int i = 0; i < 60; i++) {
            if (c == 0)
                n += (size_t)snprintf(body + n, sizeof body - n, "%s\"0000000005-%02d-%06d\"",
                                      i ? "," : "", i % 100, i);
            else if (c == 1)
                n += (size_t)snprintf(body + n, sizeof body - n, "%s\"20%02d-0%d-15\"",
                                      i ? "," : "", 10 + i / 4, 1 + i % 4);
            else
                n += (size_t)snprintf(body + n, sizeof body - n, "%s\"10-Q\"", i ? "," : "");
        }
        n += (size_t)snprintf(body + n, sizeof body - n, "]");
    }
    n += (size_t)snprintf(body + n, sizeof body - n, "}}}");
    ck_assert_uint_lt(n, sizeof body);
    pf_value_t *out = pfpc_ok(P, "submissions", body);
    const pf_value_t *fl = pf_map_get(out, "filings");
    ck_assert_uint_eq(pf_array_size(fl), 40);
    s_expect_filing(pf_array_at(fl, 0), "10-Q", "2024-04-15", "0000000005-59-000059");
    s_expect_filing(pf_array_at(fl, 39), "10-Q", "2015-01-15", "0000000005-20-000020");
    ck_assert(pf_value_is(pf_map_get(out, "latest_10k"), PF_NIL));
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_submissions_errors)
{
    pfpc_bad_shapes(P, "submissions", "<?xml version=\"1.0\"?><Error>NoSuchKey</Error>",
                    "{\"cik\":\"0000320193\",\"name\":\"Ap", "{\"name\":\"Apple Inc.\"}",
                    "{\"cik\":\"Apple\"}", "{\"cik\":[320193]}", "[{\"cik\":1}]", NULL);
    pfpc_parse_fails(P, "submissions", 404, "<?xml version=\"1.0\"?><Error>NoSuchKey</Error>",
                     PF_ENOTFOUND, "not_found");
    pfpc_parse_fails(P, "submissions", 403, "Undeclared Automated Tool", PF_EINVAL,
                     "unauthorized");
}
END_TEST

/*  ---- company_facts ---------------------------------------------------- */

static void
s_expect_annual(const pf_value_t *row, const char *end, int64_t val, const char *tag,
                const char *accn)
{
    ck_assert_str_eq(pf_map_get_str(row, "end"), end);
    ck_assert_int_eq(pf_map_get_int(row, "val", -1), val);
    ck_assert_str_eq(pf_map_get_str(row, "tag"), tag);
    ck_assert_str_eq(pf_map_get_str(row, "accn"), accn);
}

START_TEST(test_facts_parse)
{
    pf_value_t *out = pfpc_ok_fixture(P, "company_facts", "companyfacts.json");
    ck_assert_int_eq(pf_map_get_int(out, "cik", 0), 320193);
    ck_assert_str_eq(pf_map_get_str(out, "entity_name"), "Apple Inc.");
    ck_assert_str_eq(pf_map_get_str(out, "revenue_tag"), "Revenues");
    const pf_value_t *rev = pf_map_get(out, "annual_revenue");
    ck_assert_uint_eq(pf_array_size(rev), 5);
    /*  FY2024 only under Revenues (the first tag's value is a string).     */
    const pf_value_t *r0 = pf_array_at(rev, 0);
    s_expect_annual(r0, "2024-09-28", INT64_C(391035000000), "Revenues",
                    "0000320193-24-000123");
    ck_assert_str_eq(pf_map_get_str(r0, "start"), "2023-10-01");
    ck_assert_int_eq(pf_map_get_int(r0, "fy", 0), 2024);
    ck_assert_str_eq(pf_map_get_str(r0, "fp"), "FY");
    ck_assert_str_eq(pf_map_get_str(r0, "form"), "10-K");
    ck_assert_str_eq(pf_map_get_str(r0, "filed"), "2024-11-01");
    ck_assert_str_eq(pf_map_get_str(r0, "frame"), "CY2024");
    s_expect_annual(pf_array_at(rev, 1), "2023-09-30", INT64_C(383285000000),
                    "RevenueFromContractWithCustomerExcludingAssessedTax",
                    "0000320193-23-000106");
    /*  FY2022: the later filing of the first tag wins; the Revenues value
        filed "2030" does not (an earlier tag has the period).              */
    const pf_value_t *r2 = pf_array_at(rev, 2);
    s_expect_annual(r2, "2022-09-24", INT64_C(394328000000),
                    "RevenueFromContractWithCustomerExcludingAssessedTax",
                    "0000320193-23-000106");
    ck_assert_str_eq(pf_map_get_str(r2, "filed"), "2023-11-03");
    ck_assert(!pf_map_has(r2, "frame"));
    s_expect_annual(pf_array_at(rev, 3), "2017-09-30", INT64_C(229234000000), "SalesRevenueNet",
                    "0000320193-17-000070");
    /*  Restated: the 2017 filing replaces the 2016 one.                    */
    s_expect_annual(pf_array_at(rev, 4), "2016-09-24", INT64_C(215600000000), "SalesRevenueNet",
                    "0000320193-17-000070");
    const pf_value_t *ni = pf_map_get(out, "annual_net_income");
    ck_assert_uint_eq(pf_array_size(ni), 2);
    s_expect_annual(pf_array_at(ni, 0), "2024-09-28", INT64_C(93736000000), "NetIncomeLoss",
                    "0000320193-24-000123");
    s_expect_annual(pf_array_at(ni, 1), "2023-09-30", INT64_C(96995000000), "NetIncomeLoss",
                    "0000320193-23-000106");
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_facts_missing_and_wrong)
{
    static const char *const bodies[] = {
        "{\"cik\":320193}",
        "{\"cik\":320193,\"facts\":{}}",
        "{\"cik\":320193,\"facts\":{\"us-gaap\":[]}}",
        "{\"cik\":320193,\"facts\":{\"us-gaap\":{\"Revenues\":{\"units\":{\"USD\":{}}}}}}",
        "{\"cik\":320193,\"facts\":{\"us-gaap\":{\"Revenues\":{\"units\":{\"EUR\":"
        "[{\"start\":\"2023-01-01\",\"end\":\"2023-12-31\",\"val\":5}]}}}}}",
        /*  349 and 381 days: not a full year.                              */
        "{\"cik\":320193,\"facts\":{\"us-gaap\":{\"Revenues\":{\"units\":{\"USD\":["
        "{\"start\":\"2023-01-01\",\"end\":\"2023-12-16\",\"val\":5},"
        "{\"start\":\"2023-01-01\",\"end\":\"2024-01-17\",\"val\":5},"
        "{\"start\":\"2023-13-01\",\"end\":\"2024-12-01\",\"val\":5},"
        "{\"start\":2023,\"end\":\"2023-12-31\",\"val\":5},"
        "{\"start\":\"2023-01-01\",\"end\":\"2023-12-31\",\"val\":null}]}}}}}",
    };
    for (size_t i = 0; i < PFPC_COUNT(bodies); i++) {
        pf_value_t *out = pfpc_ok(P, "company_facts", bodies[i]);
        ck_assert_int_eq(pf_map_get_int(out, "cik", 0), 320193);
        ck_assert(!pf_map_has(out, "entity_name"));
        ck_assert(pf_value_is(pf_map_get(out, "revenue_tag"), PF_NIL));
        ck_assert_uint_eq(pf_array_size(pf_map_get(out, "annual_revenue")), 0);
        ck_assert(pf_value_is(pf_map_get(out, "annual_revenue"), PF_ARRAY));
        ck_assert_uint_eq(pf_array_size(pf_map_get(out, "annual_net_income")), 0);
        pf_value_destroy(&out);
    }
    /*  350 and 380 days are full years; optional fields may be missing.   */
    pf_value_t *out = pfpc_ok(
        P, "company_facts",
        "{\"cik\":\"0000000042\",\"facts\":{\"us-gaap\":{\"Revenues\":{\"units\":{\"USD\":["
        "{\"start\":\"2023-01-01\",\"end\":\"2023-12-17\",\"val\":1.5},"
        "{\"start\":\"2022-01-01\",\"end\":\"2023-01-16\",\"val\":7}]}}}}}");
    ck_assert_int_eq(pf_map_get_int(out, "cik", 0), 42);
    const pf_value_t *rev = pf_map_get(out, "annual_revenue");
    ck_assert_uint_eq(pf_array_size(rev), 2);
    ck_assert_double_eq_tol(pf_map_get_float(pf_array_at(rev, 0), "val", 0), 1.5, 1e-12);
    ck_assert(!pf_map_has(pf_array_at(rev, 0), "fy"));
    ck_assert(!pf_map_has(pf_array_at(rev, 0), "accn"));
    ck_assert_int_eq(pf_map_get_int(pf_array_at(rev, 1), "val", 0), 7);
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_facts_at_most_20)
{
    char body[16384];
    size_t n = (size_t)snprintf(body, sizeof body,
                                "{\"cik\":7,\"facts\":{\"us-gaap\":{\"NetIncomeLoss\":{\"units\":"
                                "{\"USD\":[");
    for (int y = 1990; y < 2020; y++)
        n += (size_t)snprintf(body + n, sizeof body - n,
                              "%s{\"start\":\"%d-01-01\",\"end\":\"%d-12-31\",\"val\":%d}",
                              y > 1990 ? "," : "", y, y, y);
    n += (size_t)snprintf(body + n, sizeof body - n, "]}}}}}");
    ck_assert_uint_lt(n, sizeof body);
    pf_value_t *out = pfpc_ok(P, "company_facts", body);
    const pf_value_t *ni = pf_map_get(out, "annual_net_income");
    ck_assert_uint_eq(pf_array_size(ni), 20);
    ck_assert_int_eq(pf_map_get_int(pf_array_at(ni, 0), "val", 0), 2019);
    ck_assert_int_eq(pf_map_get_int(pf_array_at(ni, 19), "val", 0), 2000);
    pf_value_destroy(&out);
}
END_TEST

START_TEST(test_facts_errors)
{
    pfpc_bad_shapes(P, "company_facts", "nope", "{\"cik\":320193,\"facts\":{\"us-gaap\":{",
                    "{\"entityName\":\"Apple\"}", "{\"cik\":-5}", "42", NULL);
}
END_TEST

START_TEST(test_common_failures)
{
    static const char *const files[][2] = {
        {"cik", "company_tickers.json"},
        {"submissions", "submissions.json"},
        {"company_facts", "companyfacts.json"},
    };
    pfpc_common_failures_files(P, files, PFPC_COUNT(files));
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_provider_sec_edgar");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_cik_build);
    tcase_add_test(tc, test_user_agent_required);
    tcase_add_test(tc, test_cik_build_invalid);
    tcase_add_test(tc, test_cik_arg_builds);
    tcase_add_test(tc, test_cik_arg_invalid);
    tcase_add_test(tc, test_cik_parse_shape);
    tcase_add_test(tc, test_cik_select_ticker);
    tcase_add_test(tc, test_cik_select_name);
    tcase_add_test(tc, test_cik_select_bad_parsed);
    tcase_add_test(tc, test_cik_big_table);
    tcase_add_test(tc, test_cik_errors);
    tcase_add_test(tc, test_submissions_parse);
    tcase_add_test(tc, test_submissions_odd_columns);
    tcase_add_test(tc, test_submissions_at_most_40);
    tcase_add_test(tc, test_submissions_errors);
    tcase_add_test(tc, test_facts_parse);
    tcase_add_test(tc, test_facts_missing_and_wrong);
    tcase_add_test(tc, test_facts_at_most_20);
    tcase_add_test(tc, test_facts_errors);
    tcase_add_test(tc, test_common_failures);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
