/*  test_pf_mod_hiring_signals.c — hiring_signals' rules as pure functions:
    departments and themes of job titles (whole words, priority order),
    what counts as a posting, the company name used for the search, and
    the result built from a jobs reply: counts, relevant roles, the ATS,
    evidence, provenance, and a failed search.                             */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_hiring_signals.h"
#include "pf_upstream.h"
#include "pf_value.h"

START_TEST(test_departments)
{
    static const struct {
        const char *title, *department;
    } cases[] = {
        {"Senior Software Engineer, Digital Commerce", "engineering"},
        {"Director, Data Engineering", "data"},
        {"Product Manager, Membership", "product"},
        {"Senior Product Designer", "design"},
        {"Machine Learning Engineer, Search Relevance", "data"},
        {"Account Executive - Enterprise", "sales"},
        {"Customer Success Manager", "customer"},
        {"Store Manager", "operations"},
        {"Senior Accountant", "finance"},
        {"Technical Recruiter", "people"},
        {"Corporate Counsel", "legal"},
        {"SEO Content Lead", "marketing"},
        {"Chef", "other"},
        {"HTML wizard", "other"},      /* "ml" only as a whole word        */
        {"", "other"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(strcmp(pf_mod_hiring_signals_department(cases[i].title),
                             cases[i].department) == 0,
                      "'%s': %s, not %s", cases[i].title,
                      pf_mod_hiring_signals_department(cases[i].title), cases[i].department);
    ck_assert_str_eq(pf_mod_hiring_signals_department(NULL), "other");
}
END_TEST

START_TEST(test_themes)
{
    const char *t[PF_MOD_HIRING_THEMES];
    size_t n = pf_mod_hiring_signals_themes("Search Relevance Engineer, Personalization", t);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(t[0], "search");
    ck_assert_str_eq(t[1], "personalisation");
    n = pf_mod_hiring_signals_themes("Senior Engineer, E-Commerce Checkout & Recommendations", t);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(t[0], "discovery");
    ck_assert_str_eq(t[1], "ecommerce");
    n = pf_mod_hiring_signals_themes("Director, Data Engineering", t);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(t[0], "data");
    ck_assert_uint_eq(pf_mod_hiring_signals_themes("Researcher in Searchlight optics", t), 0);
    ck_assert_uint_eq(pf_mod_hiring_signals_themes("Store Manager", t), 0);
}
END_TEST

static pf_value_t *
s_result(const char *title, const char *url, const char *host, const char *ats)
{
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "title", title);
    pf_map_set_str(r, "url", url);
    pf_map_set_str(r, "hostname", host);
    if (ats)
        pf_map_set_str(r, "ats", ats);
    return r;
}

START_TEST(test_what_is_a_posting)
{
    struct {
        pf_value_t *r;
        bool posting;
    } cases[] = {
        {s_result("Engineer", "https://boards.greenhouse.io/x/jobs/1", "boards.greenhouse.io",
                  "greenhouse"), true},
        {s_result("Engineer", "https://nike.com/careers/2", "nike.com", "own"), true},
        {s_result("Engineer", "https://jobs.nike.com/job/3", "jobs.nike.com", NULL), true},
        {s_result("Nike | Official site", "https://www.nike.com/", "www.nike.com", "own"), false},
        {s_result("Nike results", "https://news.example.org/nike/1", "news.example.org", NULL),
         false},
        {s_result("Jobs at a lookalike", "https://notnike.com/careers/1", "notnike.com", NULL),
         false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(pf_mod_hiring_signals_is_posting(cases[i].r, "nike.com") ==
                          cases[i].posting, "case %zu", i);
        pf_value_destroy(&cases[i].r);
    }
}
END_TEST

START_TEST(test_company_name)
{
    char out[256];
    pf_value_t *company = pf_value_map();
    pf_value_t *data = pf_value_map();
    pf_map_set_str(data, "legal_name", "NIKE, Inc.");
    pf_map_set(company, "data", &data);
    ck_assert(pf_upstream_company_name(company, "nike.com", out, sizeof out));
    ck_assert_str_eq(out, "NIKE, Inc.");
    pf_map_set_str((pf_value_t *)pf_map_get(company, "data"), "name", "Nike \"Swoosh\"");
    ck_assert(pf_upstream_company_name(company, "nike.com", out, sizeof out));
    ck_assert_str_eq(out, "Nike  Swoosh ");      /* no quote reaches the query */
    ck_assert(!pf_upstream_company_name(NULL, "www.costco.com", out, sizeof out));
    ck_assert_str_eq(out, "costco");
    pf_value_destroy(&company);
}
END_TEST

START_TEST(test_result)
{
    pf_value_t *data = pf_value_map();
    pf_value_t *results = pf_value_array();
    pf_value_t *r;
    r = s_result("Search Relevance Engineer", "https://boards.greenhouse.io/n/1",
                 "boards.greenhouse.io", "greenhouse");
    pf_array_push(results, &r);
    r = s_result("Director, Data Engineering", "https://boards.greenhouse.io/n/2",
                 "boards.greenhouse.io", "greenhouse");
    pf_array_push(results, &r);
    r = s_result("Store Manager", "https://nike.com/careers/3", "nike.com", "own");
    pf_array_push(results, &r);
    r = s_result("Nike | Official site", "https://www.nike.com/", "www.nike.com", "own");
    pf_array_push(results, &r);
    pf_map_set(data, "results", &results);
    pf_value_t *prov = pf_value_map();
    pf_map_set_str(prov, "provider", "websearch");
    pf_map_set_str(prov, "op", "jobs");
    pf_map_set_str(prov, "endpoint", "/res/v1/web/search");
    pf_map_set_str(prov, "origin", "synthetic");
    pf_map_set_int(prov, "fetched_at", 1);
    pf_map_set_str(prov, "request", "q");

    pf_value_t *out = pf_mod_hiring_signals_result(NULL, "nike.com", data, prov);
    ck_assert_ptr_nonnull(out);
    const pf_value_t *d = pf_map_get(out, "data");
    ck_assert_int_eq(pf_map_get_int(d, "postings_found", -1), 3);
    const pf_value_t *dep = pf_map_get(d, "by_department");
    ck_assert_int_eq(pf_map_get_int(dep, "engineering", 0), 1);
    ck_assert_int_eq(pf_map_get_int(dep, "data", 0), 1);
    ck_assert_int_eq(pf_map_get_int(dep, "operations", 0), 1);
    ck_assert_int_eq(pf_map_get_int(pf_map_get(d, "by_theme"), "search", 0), 1);
    ck_assert_uint_eq(pf_array_size(pf_map_get(d, "relevant_roles")), 2);
    ck_assert_uint_eq(pf_array_size(pf_map_get(d, "evidence")), 3);
    ck_assert_str_eq(pf_map_get_str(d, "ats"), "greenhouse");
    ck_assert_str_eq(pf_map_get_str(d, "company"), "nike");
    ck_assert(pf_map_get_bool(out, "synthetic", false));
    /*  Every fact has a source index into sources.                        */
    const pf_value_t *p = pf_map_get(out, "provenance");
    for (size_t i = 0; i < pf_map_size(d); i++) {
        const char *field = pf_value_as_str(pf_map_key_at(d, i), NULL);
        ck_assert_msg(pf_map_has(p, field), "%s has no source", field);
        ck_assert_int_lt(pf_map_get_int(p, field, 99),
                         (int64_t)pf_array_size(pf_map_get(out, "sources")));
    }
    pf_value_destroy(&out);

    /*  No postings at all: counts zero, the ATS missing with a reason.    */
    pf_value_t *empty = pf_value_map();
    pf_value_t *none = pf_value_array();
    pf_map_set(empty, "results", &none);
    out = pf_mod_hiring_signals_result(NULL, "nike.com", empty, prov);
    ck_assert_int_eq(pf_map_get_int(pf_map_get(out, "data"), "postings_found", -1), 0);
    ck_assert(!pf_map_has(pf_map_get(out, "data"), "ats"));
    ck_assert_uint_eq(pf_array_size(pf_map_get(out, "missing")), 1);
    pf_value_destroy(&out);

    /*  A failed search: nothing true to say.                              */
    ck_assert_ptr_null(pf_mod_hiring_signals_result(NULL, "nike.com", NULL, NULL));
    pf_value_destroy(&empty);
    pf_value_destroy(&data);
    pf_value_destroy(&prov);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_mod_hiring_signals");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_departments);
    tcase_add_test(tc, test_themes);
    tcase_add_test(tc, test_what_is_a_posting);
    tcase_add_test(tc, test_company_name);
    tcase_add_test(tc, test_result);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
