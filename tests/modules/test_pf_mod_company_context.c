/*  test_pf_mod_company_context.c — company_context's rules as pure
    functions over reply maps: the name guess, the website confirmation,
    candidates, the source order per field, private and unknown listings,
    failed providers and contradictory SEC data.                          */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_company_context.h"
#include "pf_value.h"

/*  ---- reply builders (values owned by the test's arena) --------------- */

static pf_mod_check_arena_t g_arena;

static pf_value_t *
s_bw(const char *name, const char *vertical, const char *city, int64_t employees)
{
    pf_value_t *c = pf_value_map();
    pf_map_set_str(c, "name", name);
    if (vertical)
        pf_map_set_str(c, "vertical", vertical);
    if (city)
        pf_map_set_str(c, "city", city);
    pf_map_set_str(c, "country", "US");
    if (employees)
        pf_map_set_int(c, "employees", employees);
    pf_value_t *d = pf_value_map();
    pf_map_set(d, "company", &c);
    return d;
}

static pf_value_t *
s_search(const char *symbol, const char *name, const char *type)
{
    pf_value_t *quotes = pf_value_array();
    if (symbol) {
        pf_value_t *q = pf_value_map();
        pf_map_set_str(q, "symbol", symbol);
        pf_map_set_str(q, "name", name);
        pf_map_set_str(q, "exchange_name", "NYSE");
        pf_map_set_str(q, "type", type);
        pf_array_push(quotes, &q);
    }
    pf_value_t *d = pf_value_map();
    pf_map_set(d, "quotes", &quotes);
    return d;
}

static pf_value_t *
s_summary(const char *website)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "website", website);
    pf_map_set_str(p, "industry", "Footwear & Accessories");
    pf_map_set_str(p, "sector", "Consumer Cyclical");
    pf_map_set_int(p, "employees", 79400);
    pf_map_set_str(p, "summary", "Yahoo summary.");
    pf_map_set_str(p, "city", "Beaverton");
    pf_map_set_str(p, "state", "OR");
    pf_map_set_str(p, "country", "United States");
    pf_value_t *d = pf_value_map();
    pf_map_set(d, "profile", &p);
    return d;
}

static pf_value_t *
s_cik(int64_t cik)
{
    pf_value_t *d = pf_value_map();
    pf_map_set_int(d, "cik", cik);
    return d;
}

static pf_value_t *
s_submissions(int64_t cik, const char *ticker)
{
    pf_value_t *d = pf_value_map();
    pf_map_set_int(d, "cik", cik);
    pf_map_set_str(d, "name", "NIKE, Inc.");
    pf_value_t *t = pf_value_array();
    pf_array_push_str(t, ticker);
    pf_map_set(d, "tickers", &t);
    pf_value_t *e = pf_value_array();
    pf_array_push_str(e, "NYSE");
    pf_map_set(d, "exchanges", &e);
    pf_map_set_str(d, "sic", "3021");
    pf_map_set_str(d, "sic_description", "Rubber & Plastics Footwear");
    pf_map_set_str(d, "fiscal_year_end", "0531");
    return d;
}

/*  A full public-company input: every call answered.                       */
static void
s_public(pf_mod_company_context_input_t *in, const char *website)
{
    memset(in, 0, sizeof *in);
    in->builtwith = pf_mod_check_ok(&g_arena, "builtwith", "domain",
                                    s_bw("Nike BW", "Retail", "Portland", 12000), "fixture");
    in->search = pf_mod_check_ok(&g_arena, "yahoo_finance", "search",
                                 s_search("NKE", "NIKE, Inc.", "EQUITY"), "fixture");
    in->web = pf_mod_check_ok(&g_arena, "websearch", "web", pf_value_map(), "fixture");
    in->ncandidates = 1;
    in->symbols[0] = "NKE";
    in->quotes[0] = pf_mod_check_ok(&g_arena, "yahoo_finance", "quote_summary", s_summary(website),
                                    "fixture");
    in->ciks[0] = pf_mod_check_ok(&g_arena, "sec_edgar", "cik", s_cik(320187), "fixture");
    in->submissions = pf_mod_check_ok(&g_arena, "sec_edgar", "submissions",
                                      s_submissions(320187, "NKE"), "fixture");
}

/*  ---- tests ----------------------------------------------------------- */

START_TEST(test_name_guess)
{
    char out[64];
    ck_assert(pf_mod_company_context_name_guess("nike.com", out, sizeof out));
    ck_assert_str_eq(out, "nike");
    ck_assert(pf_mod_company_context_name_guess("www.costco.com", out, sizeof out));
    ck_assert_str_eq(out, "costco");
    ck_assert(pf_mod_company_context_name_guess("bbc.co.uk", out, sizeof out));
    ck_assert_str_eq(out, "bbc");
    ck_assert(pf_mod_company_context_name_guess("shop.example.co.uk.", out, sizeof out));
    ck_assert_str_eq(out, "example");
    ck_assert(pf_mod_company_context_name_guess("co.uk", out, sizeof out));
    ck_assert_str_eq(out, "co");   /* nothing before the second level */
    ck_assert(!pf_mod_company_context_name_guess("com", out, sizeof out));
    ck_assert(!pf_mod_company_context_name_guess("", out, sizeof out));
    ck_assert(!pf_mod_company_context_name_guess(NULL, out, sizeof out));
    ck_assert(!pf_mod_company_context_name_guess("averyverylongname.com", out, 5));
}
END_TEST

START_TEST(test_host_matches)
{
    ck_assert(pf_mod_company_context_host_matches("https://www.nike.com", "nike.com"));
    ck_assert(pf_mod_company_context_host_matches("https://nike.com/", "nike.com"));
    ck_assert(pf_mod_company_context_host_matches("http://about.NIKE.com:8080/x", "nike.com"));
    ck_assert(pf_mod_company_context_host_matches("www.nike.com", "nike.com"));
    ck_assert(pf_mod_company_context_host_matches("https://www.nike.com./", "nike.com"));
    ck_assert(!pf_mod_company_context_host_matches("https://notnike.com", "nike.com"));
    ck_assert(!pf_mod_company_context_host_matches("https://nike.com.evil.org", "nike.com"));
    ck_assert(!pf_mod_company_context_host_matches("https://evil.org/nike.com", "nike.com"));
    ck_assert(!pf_mod_company_context_host_matches("https://nike.com@evil.org", "nike.com"));
    ck_assert(!pf_mod_company_context_host_matches("https://ke.com", "nike.com"));
    ck_assert(!pf_mod_company_context_host_matches(NULL, "nike.com"));
    ck_assert(!pf_mod_company_context_host_matches("https://nike.com", ""));
}
END_TEST

START_TEST(test_candidates)
{
    pf_value_t *quotes = pf_value_array();
    const char *rows[][2] = { { "NKE", "EQUITY" }, { "NKE240", "OPTION" }, { "NKE", "EQUITY" },
                              { "NKE.MX", "EQUITY" }, { "X", "ETF" }, { "NKE.DE", "equity" },
                              { "NKE.L", "EQUITY" } };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        pf_value_t *q = pf_value_map();
        pf_map_set_str(q, "symbol", rows[i][0]);
        pf_map_set_str(q, "type", rows[i][1]);
        pf_array_push(quotes, &q);
    }
    pf_value_t *data = pf_value_map();
    pf_map_set(data, "quotes", &quotes);
    const char *sym[PF_MOD_COMPANY_CONTEXT_CANDIDATES];
    size_t n = pf_mod_company_context_candidates(data, sym, PF_MOD_COMPANY_CONTEXT_CANDIDATES);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(sym[0], "NKE");
    ck_assert_str_eq(sym[1], "NKE.MX");
    ck_assert_str_eq(sym[2], "NKE.DE");
    ck_assert_uint_eq(pf_mod_company_context_candidates(NULL, sym, 3), 0);
    pf_value_destroy(&data);
}
END_TEST

START_TEST(test_public_source_order)
{
    pf_mod_company_context_input_t in;
    s_public(&in, "https://www.nike.com");
    ck_assert_int_eq(pf_mod_company_context_confirmed(&in, "nike.com"), 0);
    pf_value_t *r = pf_mod_company_context_result("nike.com", &in);
    ck_assert_ptr_nonnull(r);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert_str_eq(pf_map_get_str(d, "domain"), "nike.com");
    ck_assert_str_eq(pf_map_get_str(d, "name"), "NIKE, Inc.");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "name"), "op"), "search");
    ck_assert_str_eq(pf_map_get_str(d, "legal_name"), "NIKE, Inc.");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "legal_name"), "op"), "submissions");
    ck_assert(pf_map_get_bool(d, "public", false));
    ck_assert_str_eq(pf_map_get_str(d, "ticker"), "NKE");
    ck_assert_str_eq(pf_map_get_str(d, "exchange"), "NYSE");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "exchange"), "provider"), "sec_edgar");
    ck_assert_int_eq(pf_map_get_int(d, "cik", 0), 320187);
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "cik"), "op"), "cik");
    ck_assert_str_eq(pf_map_get_str(d, "sic"), "3021");
    ck_assert_str_eq(pf_map_get_str(d, "fiscal_year_end"), "0531");
    /* Yahoo before SEC's SIC text before BuiltWith's vertical.            */
    ck_assert_str_eq(pf_map_get_str(d, "industry"), "Footwear & Accessories");
    ck_assert_str_eq(pf_map_get_str(d, "sector"), "Consumer Cyclical");
    ck_assert_str_eq(pf_map_get_str(d, "description"), "Yahoo summary.");
    /* No SEC address here: Yahoo's HQ, whole, not BuiltWith's city.       */
    const pf_value_t *hq = pf_map_get(d, "headquarters");
    ck_assert_str_eq(pf_map_get_str(hq, "city"), "Beaverton");
    ck_assert_str_eq(pf_map_get_str(hq, "state"), "OR");
    ck_assert_str_eq(pf_map_get_str(hq, "country"), "United States");
    ck_assert_int_eq(pf_map_get_int(d, "employees", 0), 79400);
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "employees"), "provider"),
                     "yahoo_finance");
    ck_assert_ptr_nonnull(pf_mod_check_reason(r, "founded_year"));
    ck_assert_ptr_null(pf_mod_check_reason(r, "cik"));
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

/*  The conflict of field in r's "conflicts" list, or NULL.                  */
static const pf_value_t *
s_conflict_of(const pf_value_t *r, const char *field)
{
    const pf_value_t *list = pf_map_get(pf_map_get(r, "data"), "conflicts");
    for (size_t i = 0; i < pf_array_size(list); i++)
        if (strcmp(pf_map_get_str(pf_array_at(list, i), "field"), field) == 0)
            return pf_array_at(list, i);
    return NULL;
}

/*  Contradictory providers: Yahoo (confirmed) says Beaverton and 79,400
    employees, BuiltWith Portland and 12,000 and names another company.
    The documented order wins (Yahoo before BuiltWith) and the result says
    what it set aside; names that differ only in legal form agree.          */
START_TEST(test_conflicts_named)
{
    pf_mod_company_context_input_t in;
    s_public(&in, "https://www.nike.com");
    in.builtwith = pf_mod_check_ok(&g_arena, "builtwith", "domain",
                                   s_bw("Acme Shoe Holdings", "Retail", "Portland", 12000),
                                   "fixture");
    pf_value_t *r = pf_mod_company_context_result("nike.com", &in);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(d, "headquarters"), "city"), "Beaverton");
    ck_assert_int_eq(pf_map_get_int(d, "employees", 0), 79400);
    ck_assert_str_eq(pf_map_get_str(d, "name"), "NIKE, Inc.");
    const pf_value_t *hq = s_conflict_of(r, "headquarters");
    ck_assert_ptr_nonnull(hq);
    ck_assert_str_eq(pf_map_get_str(hq, "used"), "Beaverton");
    ck_assert_str_eq(pf_map_get_str(hq, "used_from"), "yahoo_finance");
    ck_assert_str_eq(pf_map_get_str(hq, "other"), "Portland");
    ck_assert_str_eq(pf_map_get_str(hq, "other_from"), "builtwith");
    const pf_value_t *emp = s_conflict_of(r, "employees");
    ck_assert_ptr_nonnull(emp);
    ck_assert_str_eq(pf_map_get_str(emp, "used"), "79400");
    ck_assert_str_eq(pf_map_get_str(emp, "other"), "12000");
    {
        /*  BuiltWith's estimate within a quarter of Yahoo's count agrees. */
        pf_mod_company_context_input_t near;
        s_public(&near, "https://www.nike.com");
        near.builtwith = pf_mod_check_ok(&g_arena, "builtwith", "domain",
                                         s_bw("NIKE", "Retail", "Beaverton", 70000), "fixture");
        pf_value_t *rn = pf_mod_company_context_result("nike.com", &near);
        ck_assert_ptr_null(s_conflict_of(rn, "employees"));
        pf_value_destroy(&rn);
    }
    const pf_value_t *name = s_conflict_of(r, "name");
    ck_assert_ptr_nonnull(name);
    ck_assert_str_eq(pf_map_get_str(name, "used"), "NIKE, Inc.");
    ck_assert_str_eq(pf_map_get_str(name, "other"), "Acme Shoe Holdings");
    ck_assert_str_eq(pf_map_get_str(name, "other_from"), "builtwith");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "conflicts"), "kind"), "derived");
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);

    /*  Agreeing sources: no conflicts at all ("Nike" is "NIKE, Inc.").     */
    s_public(&in, "https://www.nike.com");
    in.builtwith = pf_mod_check_ok(&g_arena, "builtwith", "domain",
                                   s_bw("Nike", "Retail", "BEAVERTON", 79400), "fixture");
    r = pf_mod_company_context_result("nike.com", &in);
    ck_assert(!pf_map_has(pf_map_get(r, "data"), "conflicts"));
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);

    /*  "Nike N.V." and "NIKE, Inc." agree: only legal forms differ.        */
    s_public(&in, "https://www.nike.com");
    in.builtwith = pf_mod_check_ok(&g_arena, "builtwith", "domain",
                                   s_bw("Nike N.V.", NULL, NULL, 0), "fixture");
    r = pf_mod_company_context_result("nike.com", &in);
    ck_assert(!pf_map_has(pf_map_get(r, "data"), "conflicts"));
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

START_TEST(test_unconfirmed_is_private)
{
    /* Yahoo has a quote, but its website is another company's: never
       attribute it.                                                       */
    pf_mod_company_context_input_t in;
    s_public(&in, "https://www.nikeinc.example.org");
    ck_assert_int_eq(pf_mod_company_context_confirmed(&in, "nike.com"), -1);
    pf_value_t *r = pf_mod_company_context_result("nike.com", &in);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert(!pf_map_get_bool(d, "public", true));
    ck_assert(!pf_map_has(d, "ticker"));
    ck_assert(!pf_map_has(d, "cik"));
    ck_assert(!pf_map_has(d, "sic"));
    ck_assert_str_eq(pf_mod_check_reason(r, "cik"), "private company: no confirmed listing");
    ck_assert_str_eq(pf_mod_check_reason(r, "ticker"), "private company: no confirmed listing");
    /* Unconfirmed Yahoo and SEC data do not leak into other fields.       */
    ck_assert_str_eq(pf_map_get_str(d, "name"), "Nike BW");
    ck_assert_str_eq(pf_map_get_str(d, "legal_name"), "Nike BW");
    ck_assert_str_eq(pf_map_get_str(d, "industry"), "Retail");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(d, "headquarters"), "city"), "Portland");
    ck_assert_int_eq(pf_map_get_int(d, "employees", 0), 12000);
    ck_assert_str_eq(pf_mod_check_reason(r, "description"),
                     "no Yahoo profile and no web result from the domain's own site");
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

START_TEST(test_private_and_synthetic)
{
    pf_mod_company_context_input_t in;
    memset(&in, 0, sizeof in);
    in.builtwith = pf_mod_check_ok(&g_arena, "builtwith", "domain",
                                   s_bw("Acme Synthetic", NULL, NULL, 0), "synthetic");
    in.search = pf_mod_check_ok(&g_arena, "yahoo_finance", "search", s_search(NULL, NULL, NULL),
                                "synthetic");
    pf_value_t *web = pf_value_map();
    pf_value_t *results = pf_value_array();
    pf_value_t *other = pf_value_map();
    pf_map_set_str(other, "hostname", "news.example.org");
    pf_map_set_str(other, "description", "about someone else");
    pf_array_push(results, &other);
    pf_value_t *own = pf_value_map();
    pf_map_set_str(own, "url", "https://www.acme-syn.com/about");
    pf_map_set_str(own, "description", "Acme's own page.");
    pf_array_push(results, &own);
    pf_map_set(web, "results", &results);
    in.web = pf_mod_check_ok(&g_arena, "websearch", "web", web, "synthetic");
    pf_value_t *r = pf_mod_company_context_result("acme-syn.com", &in);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    ck_assert(!pf_map_get_bool(d, "public", true));
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "public"), "op"), "search");
    ck_assert_str_eq(pf_map_get_str(d, "name"), "Acme Synthetic");
    ck_assert_str_eq(pf_map_get_str(d, "description"), "Acme's own page.");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "description"), "provider"),
                     "websearch");
    ck_assert_str_eq(pf_mod_check_reason(r, "industry"), "not reported by Yahoo, SEC or BuiltWith");
    ck_assert_str_eq(pf_mod_check_reason(r, "headquarters"),
                     "no city from SEC, Yahoo or BuiltWith");
    ck_assert_str_eq(pf_mod_check_reason(r, "employees"), "not reported by Yahoo or BuiltWith");
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

/*  A web result: url and description, and one extra snippet (or none).   */
static void
s_push_result(pf_value_t *results, const char *url, const char *desc, const char *extra)
{
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "url", url);
    pf_map_set_str(r, "description", desc);
    if (extra) {
        pf_value_t *snippets = pf_value_array();
        pf_array_push_str(snippets, extra);
        pf_map_set(r, "extra_snippets", &snippets);
    }
    pf_array_push(results, &r);
}

/*  The founding year only from the domain's own site, only where the
    sentence says it of the company itself.                               */
START_TEST(test_founded_from_own_site)
{
    for (int with_own = 1; with_own >= 0; with_own--) {
        pf_mod_company_context_input_t in;
        memset(&in, 0, sizeof in);
        in.builtwith = pf_mod_check_ok(&g_arena, "builtwith", "domain",
                                       s_bw("Acme Synthetic", NULL, NULL, 0), "fixture");
        in.search = pf_mod_check_ok(&g_arena, "yahoo_finance", "search",
                                    s_search(NULL, NULL, NULL), "fixture");
        pf_value_t *web = pf_value_map();
        pf_value_t *results = pf_value_array();
        s_push_result(results, "https://news.example.org/acme", "Acme was founded in 1990.",
                      NULL);
        s_push_result(results, "https://acme-syn.com/customers/lyft",
                      "Lyft, founded in 2012, runs on Acme.", NULL);
        if (with_own)
            s_push_result(results, "https://www.acme-syn.com/", "Acme's own page.",
                          "Acme Synthetic, Inc. was founded in 2001.");
        pf_map_set(web, "results", &results);
        in.web = pf_mod_check_ok(&g_arena, "websearch", "web", web, "fixture");
        pf_value_t *r = pf_mod_company_context_result("acme-syn.com", &in);
        const pf_value_t *d = pf_map_get(r, "data");
        if (with_own) {
            ck_assert_int_eq(pf_map_get_int(d, "founded_year", 0), 2001);
            ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "founded_year"), "op"),
                             "web");
        } else {
            ck_assert(!pf_map_has(d, "founded_year"));
            ck_assert_str_eq(pf_mod_check_reason(r, "founded_year"),
                             "no web result from the domain's own site states a founding "
                             "year");
        }
        pf_value_destroy(&r);
        pf_mod_check_free(&g_arena);
    }
}
END_TEST

START_TEST(test_sec_down)
{
    pf_mod_company_context_input_t in;
    s_public(&in, "https://www.nike.com");
    in.ciks[0] = pf_mod_check_err("provider_unavailable", "connection reset");
    in.submissions = pf_mod_check_err(NULL, NULL);   /* never called */
    pf_value_t *r = pf_mod_company_context_result("nike.com", &in);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert(pf_map_get_bool(d, "public", false));
    ck_assert_str_eq(pf_map_get_str(d, "ticker"), "NKE");
    ck_assert_str_eq(pf_map_get_str(d, "exchange"), "NYSE");   /* Yahoo's */
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "exchange"), "provider"),
                     "yahoo_finance");
    ck_assert_str_eq(pf_map_get_str(d, "legal_name"), "NIKE, Inc.");   /* Yahoo's */
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "legal_name"), "op"), "search");
    const char *fields[] = { "cik", "sic", "sic_description", "fiscal_year_end" };
    for (size_t i = 0; i < 4; i++) {
        ck_assert(!pf_map_has(d, fields[i]));
        ck_assert_str_eq(pf_mod_check_reason(r, fields[i]),
                         "sec_edgar cik failed: provider_unavailable (connection reset)");
    }
    pf_value_destroy(&r);

    /* The ticker table knows the CIK but submissions fail: CIK only.      */
    s_public(&in, "https://www.nike.com");
    in.submissions = pf_mod_check_err("timeout", "");
    r = pf_mod_company_context_result("nike.com", &in);
    d = pf_map_get(r, "data");
    ck_assert_int_eq(pf_map_get_int(d, "cik", 0), 320187);
    ck_assert_str_eq(pf_mod_check_reason(r, "sic"), "sec_edgar submissions failed: timeout");
    pf_value_destroy(&r);

    /* Not in EDGAR at all (a foreign listing).                            */
    s_public(&in, "https://www.nike.com");
    in.ciks[0] = pf_mod_check_err("not_found", "no such ticker");
    r = pf_mod_company_context_result("nike.com", &in);
    ck_assert_str_eq(pf_mod_check_reason(r, "cik"),
                     "not an SEC filer: SEC EDGAR lists no CIK for NKE");
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

START_TEST(test_sec_contradiction)
{
    pf_mod_company_context_input_t in;
    s_public(&in, "https://www.nike.com");
    in.submissions = pf_mod_check_ok(&g_arena, "sec_edgar", "submissions",
                                     s_submissions(320187, "OTHER"), "fixture");
    pf_value_t *r = pf_mod_company_context_result("nike.com", &in);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert(!pf_map_has(d, "cik"));
    ck_assert(!pf_map_has(d, "sic"));
    ck_assert_ptr_nonnull(strstr(pf_mod_check_reason(r, "cik"), "contradictory SEC data"));
    /* SEC's record is not used for the legal name either.                 */
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(r, "legal_name"), "op"), "search");
    pf_value_destroy(&r);
    pf_mod_check_free(&g_arena);
}
END_TEST

START_TEST(test_listing_unknown_and_no_name)
{
    pf_mod_company_context_input_t in;
    s_public(&in, "https://www.nike.com");
    in.quotes[0] = pf_mod_check_err("breaker_open", "yahoo is resting");
    pf_value_t *r = pf_mod_company_context_result("nike.com", &in);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert(!pf_map_has(d, "public"));
    ck_assert_str_eq(pf_mod_check_reason(r, "public"),
                     "listing unknown: yahoo_finance quote_summary NKE "
                     "failed: breaker_open (yahoo is resting)");
    ck_assert_str_eq(pf_map_get_str(d, "name"), "Nike BW");
    pf_value_destroy(&r);

    in.search = pf_mod_check_err("timeout", "");
    in.ncandidates = 0;
    r = pf_mod_company_context_result("nike.com", &in);
    ck_assert_str_eq(pf_mod_check_reason(r, "ticker"),
                     "listing unknown: yahoo_finance search failed: timeout");
    pf_value_destroy(&r);

    /* Nobody names the company: nothing true to say.                      */
    in.builtwith = pf_mod_check_err("not_found", "");
    ck_assert_ptr_null(pf_mod_company_context_result("nike.com", &in));
    pf_mod_check_free(&g_arena);
}
END_TEST

/*  A founding year only where a text states one, as a whole year.          */
START_TEST(test_founded_phrases)
{
    static const struct {
        const char *text;
        int want;                      /* 0: none                          */
    } cases[] = {
        { "Stripe was founded in 2010.", 2010 },
        { "FOUNDED 1902 in Minneapolis", 1902 },
        { "NIKE, Inc. was incorporated in 1967 under the laws of Oregon", 1967 },
        { "Unfounded in 2010", 0 },             /* not a whole word         */
        { "founded in 20100", 0 },              /* not a year               */
        { "founded in 201", 0 },
        { "founded in 1066", 0 },               /* before the range         */
        { "a company founded by two brothers", 0 },
        { "", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int year = -1;
        bool got = pf_mod_company_context_founded(cases[i].text, &year);
        ck_assert_msg(got == (cases[i].want != 0), "%s", cases[i].text);
        if (got)
            ck_assert_int_eq(year, cases[i].want);
    }
    int year = -1;
    ck_assert(!pf_mod_company_context_founded(NULL, &year));
    ck_assert_int_eq(year, -1);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_mod_company_context");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_founded_phrases);
    tcase_add_test(tc, test_founded_from_own_site);
    tcase_add_test(tc, test_name_guess);
    tcase_add_test(tc, test_host_matches);
    tcase_add_test(tc, test_candidates);
    tcase_add_test(tc, test_public_source_order);
    tcase_add_test(tc, test_unconfirmed_is_private);
    tcase_add_test(tc, test_private_and_synthetic);
    tcase_add_test(tc, test_sec_down);
    tcase_add_test(tc, test_sec_contradiction);
    tcase_add_test(tc, test_conflicts_named);
    tcase_add_test(tc, test_listing_unknown_and_no_name);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
