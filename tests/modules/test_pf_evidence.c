/*  test_pf_evidence.c — search results as dated evidence: kinds found by
    keyword, YYYY-MM-DD dates only, and one entry per page when two
    searches return it (the later, dated reading names the source).      */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "pf_check.h"
#include "pf_evidence.h"
#include "pf_value.h"

/*  Most entries per kind in these tests.                                   */
#define S_MAX 8

static const pf_evidence_kind_t s_table[] = {
    {"new_products", {"launches"}},
    {"expansion", {"expands"}},
};
#define S_TABLE (sizeof s_table / sizeof s_table[0])

/*  {results: [{title, url, page_age?}]} of one result.                     */
static pf_value_t *
s_search(const char *title, const char *url, const char *page_age)
{
    pf_value_t *data = pf_value_map();
    pf_value_t *results = pf_value_array();
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "title", title);
    pf_map_set_str(r, "url", url);
    if (page_age)
        pf_map_set_str(r, "page_age", page_age);
    pf_array_push(results, &r);
    pf_map_set(data, "results", &results);
    return data;
}

START_TEST(test_read_kinds_and_date)
{
    pf_value_t *map = pf_value_map();
    pf_value_t *data = s_search("Acme launches a new app", "https://n.example/1",
                                "2025-12-01T10:00:00");
    ck_assert_uint_eq(pf_evidence_read(data, s_table, S_TABLE, "news", map, S_MAX), 1);
    const pf_value_t *list = pf_map_get(map, "new_products");
    ck_assert_uint_eq(pf_array_size(list), 1);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(list, 0), "date"), "2025-12-01");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(list, 0), "found_in"), "news");
    ck_assert_ptr_null(pf_map_get(map, "expansion"));
    pf_value_destroy(&data);
    /*  A relative age is no date.                                          */
    data = s_search("Acme expands to Spain", "https://n.example/2", "2 days ago");
    pf_evidence_read(data, s_table, S_TABLE, "web", map, S_MAX);
    list = pf_map_get(map, "expansion");
    ck_assert_uint_eq(pf_array_size(list), 1);
    ck_assert(pf_value_is(pf_map_get(pf_array_at(list, 0), "date"), PF_NIL));
    pf_value_destroy(&data);
    pf_value_destroy(&map);
}
END_TEST

START_TEST(test_same_page_once)
{
    pf_value_t *map = pf_value_map();
    /*  The web search returns the page undated; the news search, read
        after it, the same page dated: one entry, dated, from the news.    */
    pf_value_t *web = s_search("Acme launches a new app", "https://n.example/1", NULL);
    pf_value_t *news = s_search("Acme launches a new app", "https://n.example/1",
                                "2025-12-01T10:00:00");
    pf_evidence_read(web, s_table, S_TABLE, "web", map, S_MAX);
    pf_evidence_read(news, s_table, S_TABLE, "news", map, S_MAX);
    const pf_value_t *list = pf_map_get(map, "new_products");
    ck_assert_uint_eq(pf_array_size(list), 1);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(list, 0), "date"), "2025-12-01");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(list, 0), "found_in"), "news");
    /*  An undated later reading keeps the date known.                      */
    pf_evidence_read(web, s_table, S_TABLE, "web", map, S_MAX);
    ck_assert_uint_eq(pf_array_size(list), 1);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(list, 0), "date"), "2025-12-01");
    /*  Another page with the same title is another entry.                  */
    pf_value_t *other = s_search("Acme launches a new app", "https://n.example/9", NULL);
    pf_evidence_read(other, s_table, S_TABLE, "web", map, S_MAX);
    ck_assert_uint_eq(pf_array_size(list), 2);
    pf_value_destroy(&web);
    pf_value_destroy(&news);
    pf_value_destroy(&other);
    pf_value_destroy(&map);
}
END_TEST

START_TEST(test_max)
{
    pf_value_t *map = pf_value_map();
    char url[64];
    for (int i = 0; i < S_MAX + 3; i++) {
        snprintf(url, sizeof url, "https://n.example/%d", i);
        pf_value_t *data = s_search("Acme launches more", url, NULL);
        pf_evidence_read(data, s_table, S_TABLE, "web", map, S_MAX);
        pf_value_destroy(&data);
    }
    ck_assert_uint_eq(pf_array_size(pf_map_get(map, "new_products")), S_MAX);
    pf_value_destroy(&map);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_evidence");
    TCase *tc = tcase_create("evidence");
    tcase_add_test(tc, test_read_kinds_and_date);
    tcase_add_test(tc, test_same_page_once);
    tcase_add_test(tc, test_max);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
