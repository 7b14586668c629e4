/*  test_pf_facts.c — the module result builder: the shape of the result,
    dedup of sources, set / missing undoing each other, and the synthetic
    flag that any synthetic provider answer raises.                       */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_facts.h"
#include "pf_value.h"

/*  A provenance map as an adapter reply carries it.                       */
static pf_value_t *
s_prov(const char *provider, const char *op, const char *request, const char *origin)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "provider", provider);
    pf_map_set_str(p, "endpoint", "/x");
    pf_map_set_str(p, "op", op);
    pf_map_set_str(p, "source", "cache");
    pf_map_set_str(p, "origin", origin);
    pf_map_set_int(p, "fetched_at", 1700000000000);
    pf_map_set_int(p, "age_ms", 5);
    pf_map_set_int(p, "status", 200);
    pf_map_set_str(p, "request", request);
    pf_map_set_bool(p, "deduplicated", false);
    return p;
}

START_TEST(test_empty_result_shape)
{
    pf_facts_t *f = pf_facts_new();
    pf_value_t *r = pf_facts_result(&f);
    ck_assert_ptr_null(f);
    ck_assert_uint_eq(pf_map_size(r), 5);
    ck_assert(pf_value_is(pf_map_get(r, "data"), PF_MAP));
    ck_assert(pf_value_is(pf_map_get(r, "provenance"), PF_MAP));
    ck_assert(pf_value_is(pf_map_get(r, "sources"), PF_ARRAY));
    ck_assert(pf_value_is(pf_map_get(r, "missing"), PF_ARRAY));
    ck_assert(pf_value_is(pf_map_get(r, "synthetic"), PF_BOOL));
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    ck_assert_uint_eq(pf_map_size(pf_map_get(r, "data")), 0);
    ck_assert_uint_eq(pf_array_size(pf_map_get(r, "sources")), 0);
    pf_value_destroy(&r);
    pf_facts_destroy(&f);   /* already NULL: a no-op */
}
END_TEST

START_TEST(test_sources_dedup_and_fields)
{
    pf_facts_t *f = pf_facts_new();
    pf_value_t *a = s_prov("sec_edgar", "submissions", "https://x/CIK1.json", "fixture");
    pf_value_t *a2 = s_prov("sec_edgar", "submissions", "https://x/CIK1.json", "fixture");
    pf_value_t *b = s_prov("sec_edgar", "submissions", "https://x/CIK2.json", "fixture");
    pf_value_t *c = s_prov("sec_edgar", "cik", "https://x/CIK1.json", "live");
    int ia = pf_facts_provider(f, a);
    ck_assert_int_eq(ia, 0);
    ck_assert_int_eq(pf_facts_provider(f, a2), ia);   /* same provider, op, request */
    ck_assert_int_eq(pf_facts_provider(f, b), 1);     /* another request */
    ck_assert_int_eq(pf_facts_provider(f, c), 2);     /* another op */
    pf_value_t *notmap = pf_value_str("x");
    ck_assert_int_eq(pf_facts_provider(f, notmap), -1);
    ck_assert_int_eq(pf_facts_provider(f, NULL), -1);
    int im = pf_facts_module(f, "company_context");
    ck_assert_int_eq(im, 3);
    ck_assert_int_eq(pf_facts_module(f, "company_context"), im);
    int id = pf_facts_derived(f, "sum of two");
    ck_assert_int_eq(id, 4);
    ck_assert_int_eq(pf_facts_derived(f, "sum of two"), id);
    ck_assert_int_eq(pf_facts_derived(f, "another way"), 5);

    pf_value_t *r = pf_facts_result(&f);
    const pf_value_t *sources = pf_map_get(r, "sources");
    ck_assert_uint_eq(pf_array_size(sources), 6);
    const pf_value_t *s0 = pf_array_at(sources, 0);
    ck_assert_str_eq(pf_map_get_str(s0, "kind"), "provider");
    ck_assert_str_eq(pf_map_get_str(s0, "provider"), "sec_edgar");
    ck_assert_str_eq(pf_map_get_str(s0, "op"), "submissions");
    ck_assert_str_eq(pf_map_get_str(s0, "endpoint"), "/x");
    ck_assert_str_eq(pf_map_get_str(s0, "origin"), "fixture");
    ck_assert_str_eq(pf_map_get_str(s0, "request"), "https://x/CIK1.json");
    ck_assert_int_eq(pf_map_get_int(s0, "fetched_at", 0), 1700000000000);
    /* How this one answer was obtained is not part of the citation.      */
    ck_assert(!pf_map_has(s0, "source"));
    ck_assert(!pf_map_has(s0, "age_ms"));
    ck_assert(!pf_map_has(s0, "deduplicated"));
    const pf_value_t *s3 = pf_array_at(sources, 3);
    ck_assert_str_eq(pf_map_get_str(s3, "kind"), "module");
    ck_assert_str_eq(pf_map_get_str(s3, "module"), "company_context");
    const pf_value_t *s4 = pf_array_at(sources, 4);
    ck_assert_str_eq(pf_map_get_str(s4, "kind"), "derived");
    ck_assert_str_eq(pf_map_get_str(s4, "how"), "sum of two");
    ck_assert(!pf_map_get_bool(r, "synthetic", true));   /* fixture and live only */
    pf_value_destroy(&r);
    pf_value_destroy(&a);
    pf_value_destroy(&a2);
    pf_value_destroy(&b);
    pf_value_destroy(&c);
    pf_value_destroy(&notmap);
}
END_TEST

START_TEST(test_set_replace_and_types)
{
    pf_facts_t *f = pf_facts_new();
    pf_value_t *p = s_prov("yahoo_finance", "quote_summary", "u", "fixture");
    int src = pf_facts_provider(f, p);
    int other = pf_facts_module(f, "m");
    pf_facts_set_str(f, "name", "Nike", src);
    pf_facts_set_int(f, "employees", 79400, src);
    pf_facts_set_float(f, "margin", 0.5, src);
    pf_facts_set_bool(f, "public", true, src);
    pf_facts_set_str(f, "nothing", NULL, src);            /* NULL: not set */
    ck_assert(!pf_facts_has(f, "nothing"));
    pf_value_t *list = pf_value_array();
    pf_array_push_str(list, "a");
    pf_facts_set(f, "list", &list, other);
    ck_assert_ptr_null(list);
    pf_facts_set_str(f, "name", "NIKE, Inc.", other);      /* replaces value and source */
    pf_facts_set_str(f, "orphan", "x", 99);               /* no such source */
    ck_assert(pf_facts_has(f, "name"));
    ck_assert(!pf_facts_has(f, "absent"));

    pf_value_t *r = pf_facts_result(&f);
    const pf_value_t *data = pf_map_get(r, "data");
    const pf_value_t *prov = pf_map_get(r, "provenance");
    ck_assert_uint_eq(pf_map_size(data), 6);
    ck_assert_str_eq(pf_map_get_str(data, "name"), "NIKE, Inc.");
    ck_assert_int_eq(pf_map_get_int(prov, "name", -1), other);
    /* First set keeps its place: name is still the first key.            */
    ck_assert_str_eq(pf_value_as_str(pf_map_key_at(data, 0), NULL), "name");
    ck_assert_int_eq(pf_map_get_int(data, "employees", 0), 79400);
    ck_assert_int_eq(pf_map_get_int(prov, "employees", -1), src);
    ck_assert(pf_map_get_float(data, "margin", 0) == 0.5);
    ck_assert(pf_map_get_bool(data, "public", false));
    ck_assert_uint_eq(pf_array_size(pf_map_get(data, "list")), 1);
    ck_assert_int_eq(pf_map_get_int(prov, "list", -1), other);
    ck_assert_str_eq(pf_map_get_str(data, "orphan"), "x");
    ck_assert(!pf_map_has(prov, "orphan"));
    pf_value_destroy(&r);
    pf_value_destroy(&p);
}
END_TEST

START_TEST(test_missing_and_set_interplay)
{
    pf_facts_t *f = pf_facts_new();
    int src = pf_facts_derived(f, "test");
    pf_facts_missing(f, "ticker", "sec_edgar: provider_unavailable");
    pf_facts_missing(f, "cik", "first");
    pf_facts_missing(f, "cik", "private company: no confirmed listing");   /* replaces */
    pf_facts_missing(f, "sic", "no SEC record");
    ck_assert(!pf_facts_has(f, "ticker"));
    pf_facts_set_str(f, "ticker", "NKE", src);             /* leaves missing */
    ck_assert(pf_facts_has(f, "ticker"));
    pf_facts_set_str(f, "legal_name", "X Inc.", src);
    pf_facts_missing(f, "legal_name", "contradicted");     /* withdraws the fact */
    ck_assert(!pf_facts_has(f, "legal_name"));
    pf_facts_missing(f, "reasonless", NULL);

    pf_value_t *r = pf_facts_result(&f);
    const pf_value_t *data = pf_map_get(r, "data");
    const pf_value_t *missing = pf_map_get(r, "missing");
    ck_assert_uint_eq(pf_map_size(data), 1);
    ck_assert_str_eq(pf_map_get_str(data, "ticker"), "NKE");
    ck_assert(!pf_map_has(pf_map_get(r, "provenance"), "legal_name"));
    ck_assert_uint_eq(pf_array_size(missing), 4);
    const char *want[][2] = { { "cik", "private company: no confirmed listing" },
                              { "sic", "no SEC record" },
                              { "legal_name", "contradicted" },
                              { "reasonless", "" } };
    for (size_t i = 0; i < 4; i++) {
        const pf_value_t *m = pf_array_at(missing, i);
        ck_assert_uint_eq(pf_map_size(m), 2);
        ck_assert_str_eq(pf_map_get_str(m, "field"), want[i][0]);
        ck_assert_str_eq(pf_map_get_str(m, "reason"), want[i][1]);
    }
    pf_value_destroy(&r);
}
END_TEST

START_TEST(test_synthetic_flag)
{
    pf_facts_t *f = pf_facts_new();
    pf_value_t *live = s_prov("builtwith", "domain", "u1", "live");
    pf_value_t *syn = s_prov("websearch", "web", "u2", "synthetic");
    pf_value_t *noorigin = pf_value_map();
    pf_map_set_str(noorigin, "provider", "yahoo_finance");
    pf_facts_provider(f, live);
    pf_facts_provider(f, noorigin);
    pf_value_t *r = pf_facts_result(&f);
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    pf_value_destroy(&r);

    f = pf_facts_new();
    pf_facts_provider(f, live);
    int s = pf_facts_provider(f, syn);
    ck_assert_int_eq(s, 1);
    pf_facts_set_str(f, "description", "Synthetic data", s);
    r = pf_facts_result(&f);
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    const pf_value_t *s1 = pf_array_at(pf_map_get(r, "sources"), 1);
    ck_assert_str_eq(pf_map_get_str(s1, "origin"), "synthetic");
    pf_value_destroy(&r);
    pf_value_destroy(&live);
    pf_value_destroy(&syn);
    pf_value_destroy(&noorigin);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_facts");
    TCase *tc = tcase_create("facts");
    tcase_add_test(tc, test_empty_result_shape);
    tcase_add_test(tc, test_sources_dedup_and_fields);
    tcase_add_test(tc, test_set_replace_and_types);
    tcase_add_test(tc, test_missing_and_set_interplay);
    tcase_add_test(tc, test_synthetic_flag);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
