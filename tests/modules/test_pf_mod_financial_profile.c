/*  test_pf_mod_financial_profile.c — financial_profile's rules as pure
    functions over reply maps: dates, consecutive years, growth, the fiscal
    year of an XBRL row, the news query, and the result's source order
    (SEC, then Yahoo), the derived growth and net margin, private and
    unknown listings, SEC failures with Yahoo as the fallback.            */
#include <check.h>
#include <math.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_financial_profile.h"
#include "pf_value.h"

/*  ---- reply builders (values owned by the test's arena) --------------- */

static pf_mod_check_arena_t g_arena;

/*  An XBRL annual row.                                                     */
static void
s_row(pf_value_t *list, int64_t fy, const char *accn, const char *start, const char *end,
      double val)
{
    pf_value_t *m = pf_value_map();
    if (fy)
        pf_map_set_int(m, "fy", fy);
    pf_map_set_str(m, "fp", "FY");
    pf_map_set_str(m, "start", start);
    pf_map_set_str(m, "end", end);
    if (val == floor(val))
        pf_map_set_int(m, "val", (int64_t) val);
    else
        pf_map_set_float(m, "val", val);
    pf_map_set_str(m, "form", "10-K");
    if (accn)
        pf_map_set_str(m, "accn", accn);
    pf_map_set_str(m, "filed", "2024-10-09");
    pf_array_push(list, &m);
}

/*  Costco-like company facts: two years of revenue and net income.         */
static pf_value_t *
s_company_facts(int64_t cik)
{
    pf_value_t *d = pf_value_map();
    pf_map_set_int(d, "cik", cik);
    pf_value_t *rev = pf_value_array();
    s_row(rev, 2024, "0000909832-24-000049", "2023-09-04", "2024-09-01", 254453000000.0);
    s_row(rev, 2024, "0000909832-24-000049", "2022-08-29", "2023-09-03", 242290000000.0);
    pf_map_set(d, "annual_revenue", &rev);
    pf_value_t *ni = pf_value_array();
    s_row(ni, 2024, "0000909832-24-000049", "2023-09-04", "2024-09-01", 7367000000.0);
    pf_map_set(d, "annual_net_income", &ni);
    return d;
}

static pf_value_t *
s_statement(const char *end, double revenue, double net)
{
    pf_value_t *m = pf_value_map();
    pf_map_set_str(m, "end_date", end);
    pf_map_set_float(m, "total_revenue", revenue);
    if (net != 0)
        pf_map_set_float(m, "net_income", net);
    return m;
}

static pf_value_t *
s_summary(const char *website, const char *currency)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "website", website);
    pf_value_t *d = pf_value_map();
    pf_map_set(d, "profile", &p);
    pf_value_t *f = pf_value_map();
    pf_map_set_str(f, "currency", currency);
    pf_map_set_float(f, "gross_margins", 0.126);
    pf_map_set_float(f, "profit_margins", 0.029);
    pf_map_set(d, "financials", &f);
    pf_map_set_float(d, "market_cap", 4.0e11);
    pf_map_set_str(d, "currency", currency);
    pf_value_t *rows = pf_value_array();
    pf_value_t *row = s_statement("2024-09-01", 254000000000.0, 7300000000.0);
    pf_array_push(rows, &row);
    row = s_statement("2023-09-03", 242000000000.0, 0);
    pf_array_push(rows, &row);
    pf_map_set(d, "income_statements", &rows);
    return d;
}

static pf_value_t *
s_submissions(int64_t cik, const char *ticker)
{
    pf_value_t *d = pf_value_map();
    pf_map_set_int(d, "cik", cik);
    pf_value_t *t = pf_value_array();
    pf_array_push_str(t, ticker);
    pf_map_set(d, "tickers", &t);
    pf_map_set_str(d, "fiscal_year_end", "0901");
    pf_value_t *k = pf_value_map();
    pf_map_set_str(k, "form", "10-K");
    pf_map_set_str(k, "filing_date", "2024-10-09");
    pf_map_set_str(k, "accession", "0000909832-24-000049");
    pf_map_set_str(k, "url", "https://www.sec.gov/Archives/edgar/data/909832/x/cost.htm");
    pf_map_set(d, "latest_10k", &k);
    return d;
}

static pf_value_t *
s_news_data(void)
{
    pf_value_t *results = pf_value_array();
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "title", "Costco reports");
    pf_map_set_str(r, "url", "https://news.example.org/1");
    pf_map_set_str(r, "hostname", "news.example.org");
    pf_array_push(results, &r);
    r = pf_value_map();
    pf_map_set_str(r, "title", "no url");
    pf_array_push(results, &r);
    pf_value_t *d = pf_value_map();
    pf_map_set(d, "results", &results);
    return d;
}

/*  A public US filer with every call answered.                             */
static void
s_public(pf_mod_financial_profile_input_t *in)
{
    memset(in, 0, sizeof *in);
    in->search = pf_mod_check_ok(&g_arena, "yahoo_finance", "search", pf_value_map(), "fixture");
    in->news = pf_mod_check_ok(&g_arena, "websearch", "news", s_news_data(), "fixture");
    in->ncandidates = 1;
    in->symbols[0] = "COST";
    in->quotes[0] = pf_mod_check_ok(&g_arena, "yahoo_finance", "quote_summary",
                                    s_summary("https://www.costco.com", "USD"), "fixture");
    pf_value_t *cik = pf_value_map();
    pf_map_set_int(cik, "cik", 909832);
    in->ciks[0] = pf_mod_check_ok(&g_arena, "sec_edgar", "cik", cik, "fixture");
    in->submissions = pf_mod_check_ok(&g_arena, "sec_edgar", "submissions",
                                      s_submissions(909832, "COST"), "fixture");
    in->company_facts = pf_mod_check_ok(&g_arena, "sec_edgar", "company_facts",
                                        s_company_facts(909832), "fixture");
}

/*  ---- pure computations ------------------------------------------------ */

START_TEST(test_days)
{
    int64_t d;
    ck_assert(pf_mod_financial_profile_days("1970-01-01", &d));
    ck_assert_int_eq(d, 0);
    ck_assert(pf_mod_financial_profile_days("2000-03-01", &d));
    ck_assert_int_eq(d, 11017);
    ck_assert(pf_mod_financial_profile_days("2024-02-29", &d));
    ck_assert_int_eq(d, 19782);
    ck_assert(!pf_mod_financial_profile_days("2023-02-29", &d));
    ck_assert(!pf_mod_financial_profile_days("1900-02-29", &d));
    ck_assert(!pf_mod_financial_profile_days("2024-13-01", &d));
    ck_assert(!pf_mod_financial_profile_days("2024-04-31", &d));
    ck_assert(!pf_mod_financial_profile_days("2024-4-30", &d));
    ck_assert(!pf_mod_financial_profile_days("2024-04-300", &d));
    ck_assert(!pf_mod_financial_profile_days("2024/04/30", &d));
    ck_assert(!pf_mod_financial_profile_days(NULL, &d));
}
END_TEST

START_TEST(test_consecutive_and_growth)
{
    /* 52/53-week years and calendar years follow each other.              */
    ck_assert(pf_mod_financial_profile_consecutive("2023-01-28", "2024-02-03"));
    ck_assert(pf_mod_financial_profile_consecutive("2023-05-31", "2024-05-31"));
    ck_assert(!pf_mod_financial_profile_consecutive("2022-05-31", "2024-05-31"));
    ck_assert(!pf_mod_financial_profile_consecutive("2024-05-31", "2023-05-31"));
    ck_assert(!pf_mod_financial_profile_consecutive("2023-12-31", "2024-06-30"));
    ck_assert(!pf_mod_financial_profile_consecutive("garbage", "2024-06-30"));
    double g = 0;
    ck_assert(pf_mod_financial_profile_growth(51362e6, 51217e6, &g));
    ck_assert_double_eq_tol(g, 0.00283109, 1e-8);
    ck_assert(pf_mod_financial_profile_growth(90, 100, &g));
    ck_assert_double_eq_tol(g, -0.1, 1e-12);
    ck_assert(!pf_mod_financial_profile_growth(10, 0, &g));
    ck_assert(!pf_mod_financial_profile_growth(10, -5, &g));
    ck_assert(!pf_mod_financial_profile_growth(NAN, 5, &g));
    ck_assert(!pf_mod_financial_profile_growth(10, INFINITY, &g));
}
END_TEST

START_TEST(test_fiscal_year)
{
    pf_value_t *l = pf_value_array();
    /* Target: the 10-K for fiscal 2023 (ended 2024-02-03) carries fy 2023
       on its comparatives too.                                            */
    s_row(l, 2023, "0000027419-24-000032", "2023-01-29", "2024-02-03", 107412e6);
    s_row(l, 2023, "0000027419-24-000032", "2022-01-30", "2023-01-28", 109120e6);
    s_row(l, 2023, "0000027419-24-000032", "2021-01-31", "2022-01-29", 106005e6);
    /* An older period only an older 10-K reported.                          */
    s_row(l, 2020, "0000027419-21-000010", "2020-02-02", "2021-01-30", 93561e6);
    s_row(l, 2020, "0000027419-21-000010", "2019-02-03", "2020-02-01", 78112e6);
    /* No accession, no fy: not told.                                       */
    s_row(l, 2019, NULL, "2018-02-04", "2019-02-02", 75356e6);
    s_row(l, 0, "x", "2017-01-29", "2018-02-03", 71879e6);
    ck_assert_int_eq(pf_mod_financial_profile_fiscal_year(l, 0), 2023);
    ck_assert_int_eq(pf_mod_financial_profile_fiscal_year(l, 1), 2022);
    ck_assert_int_eq(pf_mod_financial_profile_fiscal_year(l, 2), 2021);
    ck_assert_int_eq(pf_mod_financial_profile_fiscal_year(l, 3), 2020);
    ck_assert_int_eq(pf_mod_financial_profile_fiscal_year(l, 4), 2019);
    ck_assert_int_eq(pf_mod_financial_profile_fiscal_year(l, 5), 0);
    ck_assert_int_eq(pf_mod_financial_profile_fiscal_year(l, 6), 0);
    ck_assert_int_eq(pf_mod_financial_profile_fiscal_year(l, 99), 0);
    pf_value_destroy(&l);
}
END_TEST

START_TEST(test_news_query)
{
    char q[32];
    ck_assert(pf_mod_financial_profile_news_query("nike", q, sizeof q));
    ck_assert_str_eq(q, "nike earnings OR revenue");
    ck_assert(!pf_mod_financial_profile_news_query("", q, sizeof q));
    ck_assert(!pf_mod_financial_profile_news_query(NULL, q, sizeof q));
    ck_assert(!pf_mod_financial_profile_news_query("a-very-long-company-name", q, sizeof q));
}
END_TEST

/*  ---- the result ------------------------------------------------------- */

START_TEST(test_sec_first)
{
    pf_mod_financial_profile_input_t in;
    s_public(&in);
    pf_value_t *r = pf_mod_financial_profile_result("costco.com", &in);
    ck_assert_ptr_nonnull(r);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert(pf_map_get_bool(d, "public", false));
    ck_assert_str_eq(pf_map_get_str(d, "ticker"), "COST");
    ck_assert_int_eq(pf_map_get_int(d, "cik", 0), 909832);
    ck_assert_str_eq(pf_map_get_str(d, "fiscal_year_end"), "0901");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(d, "latest_10k"), "accession"),
                     "0000909832-24-000049");
    const pf_value_t *rev = pf_map_get(d, "revenue_latest");
    ck_assert_int_eq(pf_map_get_int(rev, "value", 0), 254453000000);
    ck_assert_int_eq(pf_map_get_int(rev, "fiscal_year", 0), 2024);
    ck_assert_str_eq(pf_map_get_str(rev, "period_start"), "2023-09-04");
    ck_assert_str_eq(pf_map_get_str(rev, "accession"), "0000909832-24-000049");
    ck_assert_str_eq(pf_map_get_str(rev, "currency"), "USD");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "revenue_latest"), "op"),
                     "company_facts");
    ck_assert_int_eq(pf_map_get_int(pf_map_get(d, "revenue_prior"), "fiscal_year", 0), 2023);
    ck_assert_double_eq_tol(pf_map_get_float(d, "revenue_growth", 0), 254453.0 / 242290 - 1,
                            1e-12);
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "revenue_growth"), "kind"), "derived");
    ck_assert_double_eq_tol(pf_map_get_float(d, "net_margin", 0), 7367.0 / 254453, 1e-12);
    /* One year of net income from SEC: no prior, and no mixing with Yahoo. */
    ck_assert(!pf_map_has(d, "net_income_prior"));
    ck_assert_str_eq(pf_mod_check_reason(r, "net_income_prior"),
                     "SEC company facts give only one full year");
    ck_assert_str_eq(pf_map_get_str(d, "currency"), "USD");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "currency"), "provider"), "sec_edgar");
    const pf_value_t *cap = pf_map_get(d, "market_cap");
    ck_assert_int_eq(pf_map_get_int(cap, "value", 0), 400000000000);
    ck_assert_double_eq_tol(pf_map_get_float(pf_map_get(d, "margins_ttm"), "gross", 0), 0.126,
                            1e-12);
    ck_assert(!pf_map_has(pf_map_get(d, "margins_ttm"), "operating"));
    const pf_value_t *news = pf_map_get(d, "news");
    ck_assert_uint_eq(pf_array_size(news), 1);   /* the one without a URL is dropped */
    ck_assert_str_eq(pf_map_get_str(pf_array_at(news, 0), "hostname"), "news.example.org");
    ck_assert_ptr_null(pf_mod_check_reason(r, "sec_edgar"));
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    /* Yahoo's statements say otherwise for the same years (254.0 and 7.3
       billion to 2024-09-01, 242.0 to 2023-09-03): SEC's figures stand
       and each one set aside is named.                                    */
    const pf_value_t *conflicts = pf_map_get(d, "conflicts");
    ck_assert_uint_eq(pf_array_size(conflicts), 3);
    const pf_value_t *c = pf_array_at(conflicts, 0);
    ck_assert_str_eq(pf_map_get_str(c, "field"), "revenue_latest");
    ck_assert_str_eq(pf_map_get_str(c, "period_end"), "2024-09-01");
    ck_assert_int_eq(pf_map_get_int(c, "used", 0), 254453000000);
    ck_assert_str_eq(pf_map_get_str(c, "used_from"), "sec_edgar");
    ck_assert_int_eq(pf_map_get_int(c, "other", 0), 254000000000);
    ck_assert_str_eq(pf_map_get_str(c, "other_from"), "yahoo_finance");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(conflicts, 1), "field"), "revenue_prior");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(conflicts, 2), "field"), "net_income_latest");
    ck_assert_int_eq(pf_map_get_int(pf_array_at(conflicts, 2), "other", 0), 7300000000);
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "conflicts"), "kind"), "derived");
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

START_TEST(test_yahoo_fallback)
{
    pf_mod_financial_profile_input_t in;
    s_public(&in);
    in.ciks[0] = pf_mod_check_err("provider_unavailable", "connection reset");
    in.submissions = pf_mod_check_err(NULL, NULL);
    in.company_facts = pf_mod_check_err(NULL, NULL);
    pf_value_t *r = pf_mod_financial_profile_result("costco.com", &in);
    const pf_value_t *d = pf_map_get(r, "data");
    const char *why = "sec_edgar cik failed: provider_unavailable (connection reset)";
    ck_assert_str_eq(pf_mod_check_reason(r, "cik"), why);
    ck_assert_str_eq(pf_mod_check_reason(r, "fiscal_year_end"), why);
    ck_assert_str_eq(pf_mod_check_reason(r, "latest_10k"), why);
    ck_assert_str_eq(pf_mod_check_reason(r, "sec_edgar"),
                     "sec_edgar cik failed: provider_unavailable (connection reset); revenue "
                     "and net income from Yahoo");
    const pf_value_t *rev = pf_map_get(d, "revenue_latest");
    ck_assert_int_eq(pf_map_get_int(rev, "value", 0), 254000000000);
    ck_assert(!pf_map_has(rev, "fiscal_year"));   /* Yahoo labels none     */
    ck_assert(!pf_map_has(rev, "period_start"));
    ck_assert_str_eq(pf_map_get_str(rev, "period_end"), "2024-09-01");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "revenue_latest"), "op"),
                     "quote_summary");
    ck_assert_double_eq_tol(pf_map_get_float(d, "revenue_growth", 0), 254.0 / 242 - 1, 1e-12);
    ck_assert_double_eq_tol(pf_map_get_float(d, "net_margin", 0), 7.3 / 254, 1e-12);
    /* The second statement has no net income: only one year of it.        */
    ck_assert_str_eq(pf_mod_check_reason(r, "net_income_prior"),
                     "Yahoo income statements give only one full year");
    pf_value_destroy(&r);

    /* company_facts of another CIK: contradictory, Yahoo's figures.       */
    s_public(&in);
    in.company_facts = pf_mod_check_ok(&g_arena, "sec_edgar", "company_facts", s_company_facts(42),
                                       "fixture");
    r = pf_mod_financial_profile_result("costco.com", &in);
    d = pf_map_get(r, "data");
    ck_assert_int_eq(pf_map_get_int(d, "cik", 0), 909832);
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "revenue_latest"), "provider"),
                     "yahoo_finance");
    ck_assert_ptr_nonnull(strstr(pf_mod_check_reason(r, "sec_edgar"), "contradictory SEC data"));
    pf_value_destroy(&r);

    /* SEC answers but has no revenue in USD: Yahoo's, without a note.     */
    s_public(&in);
    pf_value_t *empty = pf_value_map();
    pf_map_set_int(empty, "cik", 909832);
    pf_value_t *none = pf_value_array();
    pf_map_set(empty, "annual_revenue", &none);
    in.company_facts = pf_mod_check_ok(&g_arena, "sec_edgar", "company_facts", empty, "fixture");
    r = pf_mod_financial_profile_result("costco.com", &in);
    d = pf_map_get(r, "data");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "revenue_latest"), "provider"),
                     "yahoo_finance");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "net_income_latest"), "provider"),
                     "yahoo_finance");
    pf_value_destroy(&r);

    /* Neither SEC nor Yahoo has any net income.                           */
    s_public(&in);
    pf_value_t *bare = s_summary("https://www.costco.com", "USD");
    pf_map_set(bare, "income_statements", &(pf_value_t *) { pf_value_array() });
    in.quotes[0] = pf_mod_check_ok(&g_arena, "yahoo_finance", "quote_summary", bare, "fixture");
    pf_value_t *cf = s_company_facts(909832);
    pf_map_set(cf, "annual_net_income", &(pf_value_t *) { pf_value_array() });
    in.company_facts = pf_mod_check_ok(&g_arena, "sec_edgar", "company_facts", cf, "fixture");
    r = pf_mod_financial_profile_result("costco.com", &in);
    ck_assert_str_eq(pf_mod_check_reason(r, "net_income_latest"),
                     "no full-year net income from SEC company facts or Yahoo income "
                     "statements");
    ck_assert_str_eq(pf_mod_check_reason(r, "net_margin"),
                     "needs revenue and net income of the latest year");
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

START_TEST(test_growth_needs_consecutive_years)
{
    pf_mod_financial_profile_input_t in;
    s_public(&in);
    pf_value_t *cf = pf_value_map();
    pf_map_set_int(cf, "cik", 909832);
    pf_value_t *rev = pf_value_array();
    s_row(rev, 2024, "a", "2023-09-04", "2024-09-01", 10);
    s_row(rev, 2022, "b", "2021-08-30", "2022-08-28", 8);
    pf_map_set(cf, "annual_revenue", &rev);
    in.company_facts = pf_mod_check_ok(&g_arena, "sec_edgar", "company_facts", cf, "synthetic");
    pf_value_t *r = pf_mod_financial_profile_result("costco.com", &in);
    ck_assert(!pf_map_has(pf_map_get(r, "data"), "revenue_growth"));
    ck_assert_str_eq(pf_mod_check_reason(r, "revenue_growth"),
                     "the two latest full years reported are not consecutive");
    /* Net income is Yahoo's here: no margin across two sources.           */
    ck_assert_str_eq(pf_mod_check_reason(r, "net_margin"),
                     "revenue and net income of the latest year are not of one period and "
                     "source");
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

START_TEST(test_private_and_unknown)
{
    pf_mod_financial_profile_input_t in;
    s_public(&in);
    in.quotes[0] = pf_mod_check_ok(&g_arena, "yahoo_finance", "quote_summary",
                                   s_summary("https://www.costco.example.org", "USD"), "fixture");
    pf_value_t *r = pf_mod_financial_profile_result("costco.com", &in);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert(!pf_map_get_bool(d, "public", true));
    ck_assert_uint_eq(pf_map_size(d), 2);   /* public and news only     */
    const char *fields[] = { "ticker", "cik", "revenue_latest", "revenue_growth", "net_margin",
                             "market_cap", "currency", "fiscal_year_end", "latest_10k" };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        ck_assert_str_eq(pf_mod_check_reason(r, fields[i]), "private company: no public filings");
    pf_value_destroy(&r);

    /* Yahoo down: the listing is unknown, the news still there.           */
    in.search = pf_mod_check_err("timeout", "");
    in.ncandidates = 0;
    r = pf_mod_financial_profile_result("costco.com", &in);
    d = pf_map_get(r, "data");
    ck_assert(!pf_map_has(d, "public"));
    ck_assert_str_eq(pf_mod_check_reason(r, "revenue_latest"),
                     "listing unknown: yahoo_finance search failed: timeout");
    ck_assert_uint_eq(pf_array_size(pf_map_get(d, "news")), 1);
    pf_value_destroy(&r);

    /* And the news down too: nothing true to say.                         */
    in.news = pf_mod_check_err("breaker_open", "");
    ck_assert_ptr_null(pf_mod_financial_profile_result("costco.com", &in));
    ck_assert_ptr_null(pf_mod_financial_profile_result(NULL, &in));
    pf_mod_check_free(&g_arena);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_mod_financial_profile");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_days);
    tcase_add_test(tc, test_consecutive_and_growth);
    tcase_add_test(tc, test_fiscal_year);
    tcase_add_test(tc, test_news_query);
    tcase_add_test(tc, test_sec_first);
    tcase_add_test(tc, test_yahoo_fallback);
    tcase_add_test(tc, test_growth_needs_consecutive_years);
    tcase_add_test(tc, test_private_and_unknown);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
