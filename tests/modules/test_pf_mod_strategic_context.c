/*  test_pf_mod_strategic_context.c — strategic_context's rules as pure
    functions: initiatives and risks of headlines (whole words), the date
    of a result, and the result built from the two searches: evidence per
    kind with dates, what one failed search leaves missing, both failing. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_strategic_context.h"
#include "pf_value.h"

START_TEST(test_initiatives_and_risks)
{
    const char *k[PF_MOD_STRATEGIC_KINDS_MAX];
    size_t n = pf_mod_strategic_context_initiatives(
        "Nike expands into new markets with an AI-powered app", k);
    ck_assert_uint_eq(n, 2);                        /* "app" alone is not digital */
    ck_assert_str_eq(k[0], "international_expansion");
    ck_assert_str_eq(k[1], "ai_personalisation");
    n = pf_mod_strategic_context_initiatives("Acme acquires Beta in $2B takeover", k);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(k[0], "m_and_a");
    ck_assert_uint_eq(pf_mod_strategic_context_initiatives("Chairman's letter", k), 0);
    ck_assert_uint_eq(pf_mod_strategic_context_initiatives("Paint that maintains", k), 0);
    n = pf_mod_strategic_context_risks("Retailer fined after probe; tariffs bite", k);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(k[0], "legal");
    ck_assert_str_eq(k[1], "supply_chain");
    ck_assert_uint_eq(pf_mod_strategic_context_risks("Fine jewellery sales", k), 0);
}
END_TEST

static pf_value_t *
s_item(const char *title, const char *page_age)
{
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "title", title);
    /*  One page per headline (evidence is one entry per url).             */
    char url[256];
    snprintf(url, sizeof url, "https://news.example.org/%zu", strlen(title));
    pf_map_set_str(r, "url", url);
    pf_map_set_str(r, "description", "");
    if (page_age)
        pf_map_set_str(r, "page_age", page_age);
    return r;
}

START_TEST(test_appointments)
{
    ck_assert(pf_mod_strategic_context_appointment("Nike names Elliott Hill CEO"));
    ck_assert(pf_mod_strategic_context_appointment("Acme appoints new Chief Digital Officer"));
    ck_assert(pf_mod_strategic_context_appointment("Retailer taps former Amazon exec as CFO"));
    ck_assert(pf_mod_strategic_context_appointment("Board hires president to lead turnaround"));
    ck_assert(pf_mod_strategic_context_appointment("Shop's new CTO. Joins from a marketplace"));
    /*  An appointing verb without a role, or a role without one: no.     */
    ck_assert(!pf_mod_strategic_context_appointment("Target hires 100,000 seasonal workers"));
    ck_assert(!pf_mod_strategic_context_appointment("Nike named to the Fortune 500 list"));
    ck_assert(!pf_mod_strategic_context_appointment("CEO says holiday sales were strong"));
    ck_assert(!pf_mod_strategic_context_appointment(NULL));
}
END_TEST

START_TEST(test_date)
{
    size_t len = 0;
    pf_value_t *r = s_item("x", "2025-12-01T00:00:00");
    const char *d = pf_mod_strategic_context_date(r, &len);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(len, 10);
    ck_assert_int_eq(strncmp(d, "2025-12-01", len), 0);
    pf_value_destroy(&r);
    r = s_item("x", "2 weeks ago");
    ck_assert_ptr_null(pf_mod_strategic_context_date(r, &len));
    pf_value_destroy(&r);
    r = s_item("x", NULL);
    ck_assert_ptr_null(pf_mod_strategic_context_date(r, &len));
    pf_value_destroy(&r);
}
END_TEST

static pf_value_t *
s_prov(const char *op)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "provider", "websearch");
    pf_map_set_str(p, "op", op);
    pf_map_set_str(p, "endpoint", "/res/v1/news/search");
    pf_map_set_str(p, "origin", "fixture");
    pf_map_set_int(p, "fetched_at", 1);
    pf_map_set_str(p, "request", op);
    return p;
}

START_TEST(test_result)
{
    pf_value_t *news = pf_value_map();
    pf_value_t *list = pf_value_array();
    pf_value_t *r = s_item("Nike expands wholesale partnerships", "2025-12-01T00:00:00");
    pf_array_push(list, &r);
    r = s_item("Nike faces lawsuit over sneakers", "2 days ago");
    pf_array_push(list, &r);
    r = s_item("Nike appoints new Chief Digital Officer", "2025-11-03T08:00:00");
    pf_array_push(list, &r);
    r = s_item("Nike CFO steps down", "2025-10-01");
    pf_array_push(list, &r);
    pf_map_set(news, "results", &list);
    pf_value_t *web = pf_value_map();
    list = pf_value_array();
    r = s_item("Nike announces headless commerce replatforming", NULL);
    pf_array_push(list, &r);
    pf_map_set(web, "results", &list);
    pf_value_t *pn = s_prov("news"), *pw = s_prov("web");
    pf_mod_strategic_context_reply_t n = {news, pn, NULL, NULL};
    pf_mod_strategic_context_reply_t w = {web, pw, NULL, NULL};

    pf_value_t *out = pf_mod_strategic_context_result(NULL, &n, &w);
    ck_assert_ptr_nonnull(out);
    const pf_value_t *d = pf_map_get(out, "data");
    const pf_value_t *ini = pf_map_get(d, "initiatives");
    ck_assert_uint_eq(pf_array_size(pf_map_get(ini, "international_expansion")), 1);
    const pf_value_t *e = pf_array_at(pf_map_get(ini, "international_expansion"), 0);
    ck_assert_str_eq(pf_map_get_str(e, "date"), "2025-12-01");
    ck_assert_str_eq(pf_map_get_str(e, "found_in"), "news");
    ck_assert_uint_eq(pf_array_size(pf_map_get(ini, "replatforming")), 1);
    e = pf_array_at(pf_map_get(ini, "replatforming"), 0);
    ck_assert(pf_value_is(pf_map_get(e, "date"), PF_NIL));   /* undated, said so */
    ck_assert_uint_eq(pf_array_size(pf_map_get(pf_map_get(d, "risks"), "legal")), 1);
    /*  Leadership: the appointment and the departure, each dated.         */
    const pf_value_t *lead = pf_map_get(pf_map_get(d, "risks"), "leadership");
    ck_assert_uint_eq(pf_array_size(lead), 2);
    bool appointed = false, departed = false;
    for (size_t i = 0; i < pf_array_size(lead); i++) {
        const pf_value_t *x = pf_array_at(lead, i);
        const char *t = pf_map_get_str(x, "title");
        if (strcmp(t, "Nike appoints new Chief Digital Officer") == 0) {
            appointed = true;
            ck_assert_str_eq(pf_map_get_str(x, "date"), "2025-11-03");
        } else if (strcmp(t, "Nike CFO steps down") == 0) {
            departed = true;
            ck_assert_str_eq(pf_map_get_str(x, "date"), "2025-10-01");
        }
    }
    ck_assert(appointed && departed);
    ck_assert_int_eq(pf_map_get_int(d, "headlines_read", -1), 4);
    pf_value_destroy(&out);

    /*  The web search failed: its part is missing, with the reason.       */
    pf_mod_strategic_context_reply_t failed = {NULL, NULL, "timeout", "no answer in time"};
    out = pf_mod_strategic_context_result(NULL, &n, &failed);
    ck_assert_ptr_nonnull(out);
    const pf_value_t *missing = pf_map_get(out, "missing");
    ck_assert_uint_eq(pf_array_size(missing), 1);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(missing, 0), "field"), "web_results");
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(pf_array_at(missing, 0), "reason"), "timeout"));
    pf_value_destroy(&out);

    /*  Both failed: nothing true to say.                                   */
    ck_assert_ptr_null(pf_mod_strategic_context_result(NULL, &failed, &failed));
    pf_value_destroy(&news);
    pf_value_destroy(&web);
    pf_value_destroy(&pn);
    pf_value_destroy(&pw);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_mod_strategic_context");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_initiatives_and_risks);
    tcase_add_test(tc, test_appointments);
    tcase_add_test(tc, test_date);
    tcase_add_test(tc, test_result);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
