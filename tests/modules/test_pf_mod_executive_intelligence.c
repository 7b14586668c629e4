/*  test_pf_mod_executive_intelligence.c — executive_intelligence's rules
    as pure functions: the function of a title, leader titles, people read
    from web result titles, and the result built from the three calls —
    Yahoo's officers first, web leaders added, statements from headlines
    naming an executive in full, what a failed call leaves missing, and
    failure when nothing answers.                                          */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_executive_intelligence.h"
#include "pf_value.h"

START_TEST(test_function)
{
    ck_assert_str_eq(pf_mod_executive_intelligence_function("Chief Technology Officer"),
                     "technical");
    ck_assert_str_eq(pf_mod_executive_intelligence_function("EVP, Chief Digital Officer"),
                     "digital");
    ck_assert_str_eq(pf_mod_executive_intelligence_function(
                         "Executive Vice President and Chief Financial Officer"),
                     "finance");
    ck_assert_str_eq(pf_mod_executive_intelligence_function(
                         "President and Chief Executive Officer"),
                     "executive");
    ck_assert_str_eq(pf_mod_executive_intelligence_function("Co-Founder and CEO"), "executive");
    ck_assert_str_eq(pf_mod_executive_intelligence_function("General Counsel"), "other");
    /*  Whole words: "Digitalization Lead" is not "digital".                */
    ck_assert_str_eq(pf_mod_executive_intelligence_function("Digitalization Lead"), "other");
    ck_assert_str_eq(pf_mod_executive_intelligence_function(NULL), "other");
    ck_assert(pf_mod_executive_intelligence_is_leader_title("VP, E-commerce"));
    ck_assert(pf_mod_executive_intelligence_is_leader_title("Head of Search"));
    ck_assert(!pf_mod_executive_intelligence_is_leader_title("Senior Software Engineer"));
    ck_assert(!pf_mod_executive_intelligence_is_leader_title("Officers' club menu"));
}
END_TEST

START_TEST(test_parse_web)
{
    char name[PF_MOD_EXEC_NAME_MAX], role[PF_MOD_EXEC_TITLE_MAX];
    ck_assert(pf_mod_executive_intelligence_parse_web(
        "Jane Doe - Chief Digital Officer - Acme Corp", "Acme", name, role));
    ck_assert_str_eq(name, "Jane Doe");
    ck_assert_str_eq(role, "Chief Digital Officer");
    ck_assert(pf_mod_executive_intelligence_parse_web("Leadership | Tobias Lütke | CEO",
                                                      "Shopify", name, role));
    ck_assert_str_eq(name, "Tobias Lütke");
    ck_assert_str_eq(role, "CEO");
    ck_assert(pf_mod_executive_intelligence_parse_web("Mary-Ann O'Neil, VP Engineering", "x",
                                                      name, role));
    ck_assert_str_eq(name, "Mary-Ann O'Neil");
    /*  The company, a lower-case phrase, or no title after the name.       */
    ck_assert(!pf_mod_executive_intelligence_parse_web("Acme Corp - Chief Officer", "Acme",
                                                       name, role));
    ck_assert(!pf_mod_executive_intelligence_parse_web("our leadership team - CEO", "Acme",
                                                       name, role));
    ck_assert(!pf_mod_executive_intelligence_parse_web("Jane Doe - Acme", "Acme", name, role));
    ck_assert(!pf_mod_executive_intelligence_parse_web("Nike | Official site", "Nike", name,
                                                       role));
    ck_assert(!pf_mod_executive_intelligence_parse_web(NULL, "Nike", name, role));
}
END_TEST

static void
s_result_item(pf_value_t *list, const char *title, const char *page_age)
{
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "title", title);
    pf_map_set_str(r, "url", "https://news.example.org/1");
    pf_map_set_str(r, "description", "");
    if (page_age)
        pf_map_set_str(r, "page_age", page_age);
    pf_array_push(list, &r);
}

static const pf_value_t *
s_missing(const pf_value_t *out, const char *field)
{
    const pf_value_t *m = pf_map_get(out, "missing");
    for (size_t i = 0; i < pf_array_size(m); i++)
        if (strcmp(pf_map_get_str(pf_array_at(m, i), "field"), field) == 0)
            return pf_array_at(m, i);
    return NULL;
}

START_TEST(test_result)
{
    /*  Yahoo: two officers.                                                */
    pf_value_t *yahoo = pf_value_map();
    pf_value_t *profile = pf_value_map();
    pf_value_t *officers = pf_value_array();
    const char *people[][2] = {{"Jane Doe", "President and Chief Executive Officer"},
                               {"Raj Patel", "Chief Technology Officer"}};
    for (size_t i = 0; i < 2; i++) {
        pf_value_t *o = pf_value_map();
        pf_map_set_str(o, "name", people[i][0]);
        pf_map_set_str(o, "title", people[i][1]);
        pf_array_push(officers, &o);
    }
    pf_map_set(profile, "officers", &officers);
    pf_map_set(yahoo, "profile", &profile);
    /*  Web: one new leader, one already known.                            */
    pf_value_t *web = pf_value_map();
    pf_value_t *list = pf_value_array();
    s_result_item(list, "Lee Chan - SVP Digital Commerce - Acme", NULL);
    s_result_item(list, "Jane Doe - CEO - Acme", NULL);
    s_result_item(list, "Acme | Official site", NULL);
    pf_map_set(web, "results", &list);
    /*  News: one headline names Raj Patel on AI; one only "Patel".        */
    pf_value_t *news = pf_value_map();
    list = pf_value_array();
    s_result_item(list, "Acme CTO Raj Patel on AI personalization", "2025-11-02T08:00:00");
    s_result_item(list, "Patel family buys a bakery", "2025-11-03T08:00:00");
    pf_map_set(news, "results", &list);
    pf_value_t *py = pf_mod_check_provenance("yahoo_finance", "quote_summary", "fixture");
    pf_value_t *pw = pf_mod_check_provenance("websearch", "web", "fixture");
    pf_value_t *pn = pf_mod_check_provenance("websearch", "news", "fixture");
    /*  strategic_context pursues AI.                                       */
    pf_value_t *strategy = pf_value_map();
    pf_value_t *sdata = pf_value_map();
    pf_value_t *initiatives = pf_value_map();
    pf_value_t *empty = pf_value_array();
    pf_map_set(initiatives, "ai_personalisation", &empty);
    pf_map_set(sdata, "initiatives", &initiatives);
    pf_map_set(strategy, "data", &sdata);

    pf_mod_executive_intelligence_reply_t y = {true, yahoo, py, NULL, NULL};
    pf_mod_executive_intelligence_reply_t w = {true, web, pw, NULL, NULL};
    pf_mod_executive_intelligence_reply_t n = {true, news, pn, NULL, NULL};
    pf_value_t *out = pf_mod_executive_intelligence_result(NULL, strategy, "acme.com", &y, &w,
                                                           &n);
    ck_assert_ptr_nonnull(out);
    const pf_value_t *data = pf_map_get(out, "data");
    const pf_value_t *execs = pf_map_get(data, "executives");
    ck_assert_uint_eq(pf_array_size(execs), 3);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(execs, 0), "name"), "Jane Doe");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(execs, 0), "source"), "yahoo_finance");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(execs, 0), "function"), "executive");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(execs, 2), "name"), "Lee Chan");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(execs, 2), "source"), "web");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(execs, 2), "function"), "digital");
    const pf_value_t *tech = pf_map_get(data, "technical_leaders");
    ck_assert_uint_eq(pf_array_size(tech), 1);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(tech, 0), "name"), "Raj Patel");
    ck_assert_uint_eq(pf_array_size(pf_map_get(data, "digital_leaders")), 1);
    const pf_value_t *st = pf_map_get(data, "statements");
    ck_assert_uint_eq(pf_array_size(st), 1);
    const pf_value_t *s0 = pf_array_at(st, 0);
    ck_assert_str_eq(pf_map_get_str(s0, "name"), "Raj Patel");
    ck_assert_str_eq(pf_map_get_str(s0, "date"), "2025-11-02");
    ck_assert(pf_map_get_bool(s0, "on_initiative", false));
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(s0, "themes"), 0), NULL),
                     "ai_personalisation");
    /*  The list's source is Yahoo; company fell back to the domain.       */
    const pf_value_t *prov = pf_map_get(out, "provenance");
    const pf_value_t *src =
        pf_array_at(pf_map_get(out, "sources"), (size_t)pf_map_get_int(prov, "executives", -1));
    ck_assert_str_eq(pf_map_get_str(src, "provider"), "yahoo_finance");
    ck_assert_str_eq(pf_map_get_str(data, "company"), "acme");
    ck_assert_ptr_null(s_missing(out, "officers"));
    pf_value_destroy(&out);

    /*  No confirmed listing (Yahoo not asked) and the news search failed. */
    pf_mod_executive_intelligence_reply_t not_asked = {false, NULL, NULL, NULL,
                                                       "no confirmed listing"};
    pf_mod_executive_intelligence_reply_t failed = {true, NULL, NULL, "timeout", "no answer"};
    out = pf_mod_executive_intelligence_result(NULL, NULL, "acme.com", &not_asked, &w, &failed);
    ck_assert_ptr_nonnull(out);
    data = pf_map_get(out, "data");
    ck_assert_uint_eq(pf_array_size(pf_map_get(data, "executives")), 2);
    ck_assert_str_eq(pf_map_get_str(s_missing(out, "officers"), "reason"),
                     "no confirmed listing");
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(s_missing(out, "statements"), "reason"),
                                 "timeout"));
    ck_assert_ptr_nonnull(s_missing(out, "technical_leaders"));
    pf_value_destroy(&out);

    /*  Yahoo failed, web found no one, news answered: no executives, said
        so; nothing failed outright, so a result.                          */
    pf_value_t *blank = pf_value_map();
    pf_value_t *none = pf_value_array();
    pf_map_set(blank, "results", &none);
    pf_mod_executive_intelligence_reply_t wb = {true, blank, pw, NULL, NULL};
    out = pf_mod_executive_intelligence_result(NULL, NULL, "acme.com", &failed, &wb, &n);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_null(pf_map_get(pf_map_get(out, "data"), "executives"));
    ck_assert_ptr_nonnull(s_missing(out, "executives"));
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(s_missing(out, "officers"), "reason"),
                                 "quote_summary failed"));
    pf_value_destroy(&out);

    /*  Nothing answered: nothing true to say.                              */
    ck_assert_ptr_null(
        pf_mod_executive_intelligence_result(NULL, NULL, "acme.com", &failed, &failed, &failed));
    pf_value_destroy(&blank);
    pf_value_destroy(&yahoo);
    pf_value_destroy(&web);
    pf_value_destroy(&news);
    pf_value_destroy(&py);
    pf_value_destroy(&pw);
    pf_value_destroy(&pn);
    pf_value_destroy(&strategy);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_mod_executive_intelligence");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_function);
    tcase_add_test(tc, test_parse_web);
    tcase_add_test(tc, test_result);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
