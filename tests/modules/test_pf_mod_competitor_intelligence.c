/*  test_pf_mod_competitor_intelligence.c — the competitor_intelligence
    module's pure logic (modules/pf_mod_competitor_intelligence.h): the
    ranking of similar sites (score order, the target and duplicates left
    out, the cap), the latest month's visits of an answer (contradictory
    and absent values), and the whole result — healthy, one competitor's
    calls failing, every stack failing, no similar sites, similar_sites
    failing, technology_stack absent, synthetic sources.  Replies are
    pf_value_t maps shaped like the adapters' (docs/PROVIDERS.md).        */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_competitor_intelligence.h"
#include "pf_value.h"

#define EPS 1e-9

/*  {sites:[{domain, score}…]} from n pairs.                                */
static pf_value_t *
s_similar(const char *const *domains, const double *scores, size_t n)
{
    pf_value_t *map = pf_value_map();
    pf_value_t *sites = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        pf_value_t *s = pf_value_map();
        pf_map_set_str(s, "domain", domains[i]);
        pf_map_set_float(s, "score", scores[i]);
        pf_array_push(sites, &s);
    }
    pf_map_set(map, "sites", &sites);
    return map;
}

/*  {series:[{date, value}]} from n dates and values.                       */
static pf_value_t *
s_visits(const char *const *dates, const double *values, size_t n)
{
    pf_value_t *map = pf_value_map();
    pf_value_t *series = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        pf_value_t *p = pf_value_map();
        pf_map_set_str(p, "date", dates[i]);
        pf_map_set_float(p, "value", values[i]);
        pf_array_push(series, &p);
    }
    pf_map_set(map, "series", &series);
    return map;
}

/*  {technologies:[{name, tag, categories:[category]}]} from n pairs.       */
static pf_value_t *
s_stack(const char *const *names, const char *const *categories, size_t n)
{
    pf_value_t *map = pf_value_map();
    pf_value_t *techs = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        pf_value_t *t = pf_value_map();
        pf_map_set_str(t, "name", names[i]);
        pf_map_set_str(t, "tag", "misc");
        pf_value_t *cats = pf_value_array();
        pf_array_push_str(cats, categories[i]);
        pf_map_set(t, "categories", &cats);
        pf_array_push(techs, &t);
    }
    pf_map_set(map, "technologies", &techs);
    return map;
}

/*  The entry of list whose "domain" (or "name") is key.                    */
static const pf_value_t *
s_find(const pf_value_t *list, const char *field, const char *key)
{
    for (size_t i = 0; i < pf_array_size(list); i++) {
        const char *v = pf_map_get_str(pf_array_at(list, i), field);
        if (v && strcmp(v, key) == 0)
            return pf_array_at(list, i);
    }
    return NULL;
}

/*  The reason of field in a missing list, or NULL.                         */
static const char *
s_reason(const pf_value_t *missing, const char *field)
{
    const pf_value_t *m = s_find(missing, "field", field);
    return m ? pf_map_get_str(m, "reason") : NULL;
}

/*  ---- ranking and latest visits ---------------------------------------- */

START_TEST(test_ranked)
{
    static const char *const d[] = {"b.com", "www.target.com", "a.com", "c.com", "WWW.B.com",
                                    "d.com"};
    static const double sc[] = {0.5, 0.99, 0.9, 0.5, 0.7, 0.1};
    pf_value_t *sim = s_similar(d, sc, 6);
    pf_value_t *r = pf_mod_competitor_ranked(sim, "target.com", 3);
    ck_assert_uint_eq(pf_array_size(r), 3);
    /*  a (0.9), b (best of 0.5 and 0.7), c (0.5); target and d out.       */
    ck_assert_str_eq(pf_map_get_str(pf_array_at(r, 0), "domain"), "a.com");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(r, 1), "domain"), "b.com");
    ck_assert_double_eq_tol(pf_map_get_float(pf_array_at(r, 1), "score", 0), 0.7, EPS);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(r, 2), "domain"), "c.com");
    pf_value_destroy(&r);
    /*  No sites, or no answer at all: an empty list.                      */
    r = pf_mod_competitor_ranked(NULL, "target.com", 10);
    ck_assert_uint_eq(pf_array_size(r), 0);
    pf_value_destroy(&r);
    pf_value_destroy(&sim);
}
END_TEST

START_TEST(test_latest_visits)
{
    static const char *const dates[] = {"2025-10-01", "2025-12-01", "2025-11-01"};
    static const double values[] = {10, 30, 20};
    pf_value_t *v = s_visits(dates, values, 3);
    char month[8];
    double x = -1;
    ck_assert(pf_mod_competitor_latest_visits(v, month, &x));
    ck_assert_str_eq(month, "2025-12");
    ck_assert_double_eq_tol(x, 30, EPS);
    pf_value_destroy(&v);

    /*  The newest month given twice with different values: contradictory. */
    static const char *const twice[] = {"2025-11-01", "2025-12-01", "2025-12-01"};
    static const double differ[] = {5, 7, 8};
    v = s_visits(twice, differ, 3);
    ck_assert(!pf_mod_competitor_latest_visits(v, month, &x));
    pf_value_destroy(&v);
    /*  A negative count is not a count.                                    */
    static const double negative[] = {-4};
    v = s_visits(dates, negative, 1);
    ck_assert(!pf_mod_competitor_latest_visits(v, month, &x));
    pf_value_destroy(&v);
    /*  No dated point.                                                     */
    v = s_visits(dates, values, 0);
    ck_assert(!pf_mod_competitor_latest_visits(v, month, &x));
    pf_value_destroy(&v);
}
END_TEST

/*  ---- the whole result ------------------------------------------------- */

/*  A world of three competitors: a.com (Algolia, Shopify), b.com (Algolia),
    c.com (Coveo); target visits 25, theirs 40, 10, 30.                    */
typedef struct {
    pf_value_t *similar, *similar_prov, *ranked;
    pf_value_t *tvisits, *tvisits_prov;
    pf_value_t *visits[3], *visits_prov[3], *stack[3], *stack_prov[3];
    pf_value_t *company, *technology;
    pf_mod_competitor_calls_t calls[3];
    pf_mod_competitor_input_t in;
} s_world_t;

static void
s_world(s_world_t *w, const char *origin)
{
    static const char *const d[] = {"a.com", "b.com", "c.com"};
    static const double sc[] = {0.9, 0.8, 0.7};
    static const char *const date[] = {"2025-12-01"};
    const double v[] = {40, 10, 30};
    memset(w, 0, sizeof *w);
    w->similar = s_similar(d, sc, 3);
    w->similar_prov = pf_mod_check_provenance_of("similarweb", "similar_sites", "fixture", "sim");
    w->ranked = pf_mod_competitor_ranked(w->similar, "t.com", PF_MOD_COMPETITOR_MAX);
    const double tv[] = {25};
    w->tvisits = s_visits(date, tv, 1);
    w->tvisits_prov = pf_mod_check_provenance_of("similarweb", "visits", "fixture", "t.com");
    static const char *const n0[] = {"Algolia", "Shopify"};
    static const char *const c0[] = {"Site Search", "Hosted Solution"};
    static const char *const n1[] = {"Algolia", "React"};
    static const char *const c1[] = {"Site Search", "JavaScript Library"};
    static const char *const n2[] = {"Coveo"};
    static const char *const c2[] = {"Site Search"};
    w->stack[0] = s_stack(n0, c0, 2);
    w->stack[1] = s_stack(n1, c1, 2);
    w->stack[2] = s_stack(n2, c2, 1);
    for (size_t i = 0; i < 3; i++) {
        w->visits[i] = s_visits(date, &v[i], 1);
        w->visits_prov[i] = pf_mod_check_provenance_of("similarweb", "visits", origin, d[i]);
        w->stack_prov[i] = pf_mod_check_provenance_of("builtwith", "domain", origin, d[i]);
        w->calls[i].visits = (pf_mod_competitor_reply_t){w->visits[i], w->visits_prov[i],
                                                         NULL, NULL};
        w->calls[i].stack = (pf_mod_competitor_reply_t){w->stack[i], w->stack_prov[i], NULL,
                                                        NULL};
    }
    w->company = pf_value_map();
    pf_value_t *cd = pf_value_map();
    pf_map_set_str(cd, "name", "Target Co");
    pf_map_set(w->company, "data", &cd);
    w->technology = pf_value_map();
    pf_value_t *td = pf_value_map(), *notable = pf_value_map(), *ss = pf_value_array(),
               *ec = pf_value_array();
    pf_array_push_str(ss, "Klevu");
    pf_map_set(notable, "site_search", &ss);
    pf_map_set(notable, "ecommerce_platform", &ec);
    pf_map_set(td, "notable", &notable);
    pf_map_set(w->technology, "data", &td);
    w->in = (pf_mod_competitor_input_t){
        "t.com", w->company, w->technology,
        {w->similar, w->similar_prov, NULL, NULL}, {w->tvisits, w->tvisits_prov, NULL, NULL},
        w->ranked, w->calls};
}

static void
s_world_free(s_world_t *w)
{
    pf_value_t **all[] = {&w->similar, &w->similar_prov, &w->ranked, &w->tvisits,
                          &w->tvisits_prov, &w->company, &w->technology};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        pf_value_destroy(all[i]);
    for (size_t i = 0; i < 3; i++) {
        pf_value_destroy(&w->visits[i]);
        pf_value_destroy(&w->visits_prov[i]);
        pf_value_destroy(&w->stack[i]);
        pf_value_destroy(&w->stack_prov[i]);
    }
}

START_TEST(test_result_healthy)
{
    s_world_t w;
    s_world(&w, "fixture");
    pf_value_t *r = pf_mod_competitor_intelligence_result(&w.in);
    ck_assert_ptr_nonnull(r);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert_int_eq(pf_map_get_int(d, "competitor_count", -1), 3);
    const pf_value_t *comps = pf_map_get(d, "competitors");
    const pf_value_t *a = pf_array_at(comps, 0);
    ck_assert_str_eq(pf_map_get_str(a, "domain"), "a.com");
    ck_assert_int_eq(pf_map_get_int(a, "rank_by_score", 0), 1);
    ck_assert_double_eq_tol(pf_map_get_float(a, "visits", 0), 40, EPS);
    ck_assert_str_eq(pf_map_get_str(a, "visits_month"), "2025-12");
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(a, "site_search"), 0), NULL),
                     "Algolia");
    ck_assert_str_eq(
        pf_value_as_str(pf_array_at(pf_map_get(a, "ecommerce_platform"), 0), NULL), "Shopify");
    ck_assert_uint_eq(pf_array_size(pf_map_get(a, "missing")), 0);
    const pf_value_t *sources = pf_map_get(r, "sources");
    const pf_value_t *vs = pf_array_at(sources, (size_t) pf_map_get_int(a, "visits_source", -1));
    ck_assert_str_eq(pf_map_get_str(vs, "request"), "a.com");
    ck_assert_str_eq(pf_map_get_str(vs, "op"), "visits");
    const pf_value_t *ss = pf_array_at(sources, (size_t) pf_map_get_int(a, "stack_source", -1));
    ck_assert_str_eq(pf_map_get_str(ss, "provider"), "builtwith");
    /*  Target 25: a (40) and c (30) ahead, b (10) behind.                  */
    const pf_value_t *rank = pf_map_get(d, "target_rank");
    ck_assert_int_eq(pf_map_get_int(rank, "rank", 0), 3);
    ck_assert_int_eq(pf_map_get_int(rank, "of", 0), 4);
    ck_assert_uint_eq(pf_array_size(pf_map_get(rank, "ahead")), 2);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(pf_map_get(rank, "behind_or_equal"), 0), NULL),
                     "b.com");
    ck_assert_double_eq_tol(pf_map_get_float(pf_map_get(d, "target_visits"), "visits", 0), 25,
                            EPS);
    /*  Algolia on two competitors, then Coveo on one.                      */
    const pf_value_t *vendors = pf_map_get(d, "competitor_site_search");
    ck_assert_uint_eq(pf_array_size(vendors), 2);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(vendors, 0), "name"), "Algolia");
    ck_assert_uint_eq(pf_array_size(pf_map_get(pf_array_at(vendors, 0), "competitors")), 2);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(vendors, 1), "name"), "Coveo");
    ck_assert_str_eq(
        pf_value_as_str(pf_array_at(pf_map_get(d, "target_site_search"), 0), NULL), "Klevu");
    ck_assert_str_eq(pf_map_get_str(d, "company"), "Target Co");
    ck_assert_uint_eq(pf_array_size(pf_map_get(r, "missing")), 0);
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    pf_value_destroy(&r);
    s_world_free(&w);
}
END_TEST

START_TEST(test_result_synthetic)
{
    s_world_t w;
    s_world(&w, "synthetic");
    pf_value_t *r = pf_mod_competitor_intelligence_result(&w.in);
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    pf_value_destroy(&r);
    s_world_free(&w);
}
END_TEST

START_TEST(test_result_one_competitor_failing)
{
    s_world_t w;
    s_world(&w, "fixture");
    w.calls[0].visits = (pf_mod_competitor_reply_t){NULL, NULL, "timeout", "no answer"};
    w.calls[2].stack = (pf_mod_competitor_reply_t){NULL, NULL, "bad_response", ""};
    pf_value_t *r = pf_mod_competitor_intelligence_result(&w.in);
    const pf_value_t *d = pf_map_get(r, "data");
    const pf_value_t *a = s_find(pf_map_get(d, "competitors"), "domain", "a.com");
    ck_assert(!pf_map_has(a, "visits"));
    ck_assert_str_eq(s_reason(pf_map_get(a, "missing"), "visits"),
                     "similarweb visits failed: timeout: no answer");
    const pf_value_t *c = s_find(pf_map_get(d, "competitors"), "domain", "c.com");
    ck_assert(!pf_map_has(c, "site_search"));
    ck_assert_str_eq(s_reason(pf_map_get(c, "missing"), "site_search"),
                     "builtwith domain failed: bad_response");
    ck_assert_ptr_nonnull(s_reason(pf_map_get(c, "missing"), "ecommerce_platform"));
    /*  a's visits unknown: the target is ranked among b and c only.        */
    const pf_value_t *rank = pf_map_get(d, "target_rank");
    ck_assert_int_eq(pf_map_get_int(rank, "rank", 0), 2);
    ck_assert_int_eq(pf_map_get_int(rank, "of", 0), 3);
    /*  Coveo's only competitor failed: Algolia alone.                      */
    ck_assert_uint_eq(pf_array_size(pf_map_get(d, "competitor_site_search")), 1);
    pf_value_destroy(&r);
    s_world_free(&w);
}
END_TEST

START_TEST(test_result_stacks_and_target_failing)
{
    s_world_t w;
    s_world(&w, "fixture");
    for (size_t i = 0; i < 3; i++)
        w.calls[i].stack = (pf_mod_competitor_reply_t){NULL, NULL, "provider_error", ""};
    w.in.visits = (pf_mod_competitor_reply_t){NULL, NULL, "unauthorized", ""};
    w.in.technology = NULL;
    w.in.company = NULL;
    pf_value_t *r = pf_mod_competitor_intelligence_result(&w.in);
    const pf_value_t *d = pf_map_get(r, "data");
    const pf_value_t *missing = pf_map_get(r, "missing");
    ck_assert_str_eq(s_reason(missing, "competitor_site_search"),
                     "no competitor's BuiltWith lookup answered");
    ck_assert_str_eq(s_reason(missing, "target_visits"),
                     "similarweb visits failed: unauthorized");
    ck_assert_str_eq(s_reason(missing, "target_rank"), "the target's visits are unknown");
    ck_assert_str_eq(s_reason(missing, "target_site_search"), "technology_stack gave no result");
    ck_assert(!pf_map_has(d, "company"));
    ck_assert_int_eq(pf_map_get_int(d, "competitor_count", -1), 3);
    pf_value_destroy(&r);
    s_world_free(&w);
}
END_TEST

START_TEST(test_result_no_similar_sites)
{
    s_world_t w;
    s_world(&w, "fixture");
    pf_value_t *empty = s_similar(NULL, NULL, 0);
    pf_value_t *ranked = pf_mod_competitor_ranked(empty, "t.com", PF_MOD_COMPETITOR_MAX);
    w.in.similar.data = empty;
    w.in.ranked = ranked;
    pf_value_t *r = pf_mod_competitor_intelligence_result(&w.in);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert_int_eq(pf_map_get_int(d, "competitor_count", -1), 0);
    ck_assert_str_eq(s_reason(pf_map_get(r, "missing"), "competitor_site_search"),
                     "SimilarWeb lists no similar sites");
    ck_assert_str_eq(s_reason(pf_map_get(r, "missing"), "target_rank"),
                     "no competitor's visits are known");
    pf_value_destroy(&r);
    pf_value_destroy(&ranked);
    pf_value_destroy(&empty);
    s_world_free(&w);
}
END_TEST

START_TEST(test_result_similar_failing)
{
    s_world_t w;
    s_world(&w, "fixture");
    w.in.similar = (pf_mod_competitor_reply_t){NULL, NULL, "connect_failed", ""};
    ck_assert_ptr_null(pf_mod_competitor_intelligence_result(&w.in));
    s_world_free(&w);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_mod_competitor_intelligence");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_ranked);
    tcase_add_test(tc, test_latest_visits);
    tcase_add_test(tc, test_result_healthy);
    tcase_add_test(tc, test_result_synthetic);
    tcase_add_test(tc, test_result_one_competitor_failing);
    tcase_add_test(tc, test_result_stacks_and_target_failing);
    tcase_add_test(tc, test_result_no_similar_sites);
    tcase_add_test(tc, test_result_similar_failing);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
