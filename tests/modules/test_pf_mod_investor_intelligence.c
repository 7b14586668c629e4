/*  test_pf_mod_investor_intelligence.c — investor_intelligence's rules:
    which SEC forms are listed, filings and the latest of each form from a
    submissions reply, earnings themes for a public company and funding
    news for a private one, and the reasons when a part cannot be told.   */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_investor_intelligence.h"
#include "pf_value.h"

START_TEST(test_forms)
{
    ck_assert(pf_mod_investor_intelligence_form("10-K"));
    ck_assert(pf_mod_investor_intelligence_form("10-K/A"));
    ck_assert(pf_mod_investor_intelligence_form("10-Q"));
    ck_assert(pf_mod_investor_intelligence_form("8-K"));
    ck_assert(!pf_mod_investor_intelligence_form("8-K12B"));
    ck_assert(!pf_mod_investor_intelligence_form("DEF 14A"));
    ck_assert(!pf_mod_investor_intelligence_form("10-KT"));
    ck_assert(!pf_mod_investor_intelligence_form(NULL));
}
END_TEST

START_TEST(test_items)
{
    ck_assert(pf_mod_investor_intelligence_has_item("5.02", "5.02"));
    ck_assert(pf_mod_investor_intelligence_has_item("2.02,5.02,9.01", "5.02"));
    ck_assert(pf_mod_investor_intelligence_has_item("7.01, 5.02", "5.02"));
    ck_assert(!pf_mod_investor_intelligence_has_item("5.03,9.01", "5.02"));
    ck_assert(!pf_mod_investor_intelligence_has_item("15.02", "5.02"));
    ck_assert(!pf_mod_investor_intelligence_has_item("5.021", "5.02"));
    ck_assert(!pf_mod_investor_intelligence_has_item("", "5.02"));
    ck_assert(!pf_mod_investor_intelligence_has_item(NULL, "5.02"));
}
END_TEST

static pf_value_t *
s_filing(const char *form, const char *date)
{
    pf_value_t *f = pf_value_map();
    pf_map_set_str(f, "form", form);
    pf_map_set_str(f, "filing_date", date);
    pf_map_set_str(f, "accession", "0000000000-24-000001");
    pf_map_set_str(f, "url", "https://www.sec.gov/Archives/edgar/data/1/1/doc.htm");
    return f;
}

static pf_value_t *
s_company(bool known, bool is_public)
{
    pf_value_t *c = pf_value_map();
    pf_value_t *d = pf_value_map();
    pf_map_set_str(d, "name", "Acme");
    if (known)
        pf_map_set_bool(d, "public", is_public);
    pf_map_set(c, "data", &d);
    pf_value_t *missing = pf_value_array();
    pf_value_t *m = pf_value_map();
    pf_map_set_str(m, "field", "cik");
    pf_map_set_str(m, "reason", "not an SEC filer");
    pf_array_push(missing, &m);
    pf_map_set(c, "missing", &missing);
    return c;
}

static pf_value_t *
s_news(const char *title)
{
    pf_value_t *data = pf_value_map();
    pf_value_t *list = pf_value_array();
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "title", title);
    pf_map_set_str(r, "url", "https://news.example.org/1");
    pf_map_set_str(r, "page_age", "2025-12-01T00:00:00");
    pf_array_push(list, &r);
    pf_map_set(data, "results", &list);
    return data;
}

START_TEST(test_public_company)
{
    pf_value_t *sub = pf_value_map();
    pf_value_t *filings = pf_value_array();
    pf_value_t *f = s_filing("8-K", "2024-11-01");
    pf_map_set_str(f, "items", "5.02,9.01");
    pf_array_push(filings, &f);
    f = s_filing("DEF 14A", "2024-08-01");
    pf_array_push(filings, &f);
    f = s_filing("10-K", "2024-07-25");
    pf_array_push(filings, &f);
    f = s_filing("8-K", "2024-06-27");
    pf_map_set_str(f, "items", "2.02,9.01");
    pf_array_push(filings, &f);
    pf_map_set(sub, "filings", &filings);
    pf_value_t *news = s_news("Acme earnings beat on record digital growth; raises dividend");
    pf_value_t *ps = pf_mod_check_provenance("sec_edgar", "submissions", "fixture");
    pf_value_t *pn = pf_mod_check_provenance("websearch", "news", "fixture");
    pf_value_t *company = s_company(true, true);
    pf_mod_investor_intelligence_reply_t s = {sub, ps, NULL, NULL}, n = {news, pn, NULL, NULL};
    pf_value_t *out = pf_mod_investor_intelligence_result(company, &s, &n);
    ck_assert_ptr_nonnull(out);
    const pf_value_t *d = pf_map_get(out, "data");
    ck_assert_uint_eq(pf_array_size(pf_map_get(d, "filings")), 3);    /* no DEF 14A */
    const pf_value_t *latest = pf_map_get(d, "latest");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(latest, "8-K"), "filing_date"), "2024-11-01");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(latest, "10-K"), "filing_date"), "2024-07-25");
    /*  SEC's items kept; the 8-K with item 5.02 is leadership evidence,
        the one with 2.02 (results) is not.                                 */
    const pf_value_t *k1 = pf_array_at(pf_map_get(d, "filings"), 0);
    ck_assert_str_eq(pf_map_get_str(k1, "items"), "5.02,9.01");
    ck_assert_str_eq(pf_map_get_str(k1, "title"), PF_MOD_INVESTOR_ITEM_OFFICERS_TITLE);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(k1, "themes"), 0), NULL),
                     "leadership");
    const pf_value_t *k2 = pf_array_at(pf_map_get(d, "filings"), 2);
    ck_assert_str_eq(pf_map_get_str(k2, "items"), "2.02,9.01");
    ck_assert(!pf_map_has(k2, "themes"));
    ck_assert(!pf_map_has(k2, "title"));
    ck_assert(!pf_map_has(pf_array_at(pf_map_get(d, "filings"), 1), "items"));   /* 10-K */
    const pf_value_t *themes = pf_map_get(d, "themes");
    ck_assert(pf_map_has(themes, "growth"));
    ck_assert(pf_map_has(themes, "digital"));
    ck_assert(pf_map_has(themes, "capital_return"));
    ck_assert(!pf_map_has(d, "funding"));
    ck_assert(pf_map_get_bool(d, "public", false));
    pf_value_destroy(&out);

    /*  SEC failed: filings missing with its error; themes still told.     */
    pf_mod_investor_intelligence_reply_t failed = {NULL, NULL, "timeout", "slow"};
    out = pf_mod_investor_intelligence_result(company, &failed, &n);
    const pf_value_t *missing = pf_map_get(out, "missing");
    ck_assert_uint_eq(pf_array_size(missing), 2);
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(pf_array_at(missing, 0), "reason"),
                                 "sec_edgar submissions failed: timeout"));
    pf_value_destroy(&out);
    /*  Both parts gone: nothing true to say.                               */
    ck_assert_ptr_null(pf_mod_investor_intelligence_result(company, &failed, &failed));
    pf_value_destroy(&company);
    pf_value_destroy(&sub);
    pf_value_destroy(&news);
    pf_value_destroy(&ps);
    pf_value_destroy(&pn);
}
END_TEST

START_TEST(test_private_company)
{
    pf_value_t *news = s_news("Acme raises $50M Series C led by new investors");
    pf_value_t *pn = pf_mod_check_provenance("websearch", "news", "fixture");
    pf_value_t *company = s_company(true, false);
    pf_mod_investor_intelligence_reply_t none = {NULL, NULL, NULL, NULL};
    pf_mod_investor_intelligence_reply_t n = {news, pn, NULL, NULL};
    pf_value_t *out = pf_mod_investor_intelligence_result(company, &none, &n);
    const pf_value_t *d = pf_map_get(out, "data");
    ck_assert(pf_map_has(pf_map_get(d, "funding"), "funding"));
    ck_assert(!pf_map_has(d, "themes"));
    ck_assert_str_eq(pf_map_get_str(pf_array_at(pf_map_get(out, "missing"), 0), "reason"),
                     "private company: no SEC filings");
    pf_value_destroy(&out);
    pf_value_destroy(&company);
    /*  Listing unknown and no CIK: the reason quotes company_context.     */
    company = s_company(false, false);
    out = pf_mod_investor_intelligence_result(company, &none, &n);
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(pf_array_at(pf_map_get(out, "missing"), 0),
                                                "reason"), "not an SEC filer"));
    pf_value_destroy(&out);
    pf_value_destroy(&company);
    pf_value_destroy(&news);
    pf_value_destroy(&pn);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_mod_investor_intelligence");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_forms);
    tcase_add_test(tc, test_items);
    tcase_add_test(tc, test_public_company);
    tcase_add_test(tc, test_private_company);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
