/*  test_pf_mod_case_study_matching.c — case_study_matching's rules as pure
    functions against the shipped sample profile: size bands from
    employees, whole-word industry matching, technologies matched through
    profile aliases, the ranked result with why, and inputs that are
    absent, simulated or synthetic.                                         */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_case_study_matching.h"
#include "pf_profile.h"
#include "pf_value.h"

/*  A technologies list of the given names.                                 */
static pf_value_t *
s_techs(const char *const *names)
{
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; names[i]; i++) {
        pf_value_t *t = pf_value_map();
        pf_map_set_str(t, "name", names[i]);
        pf_array_push(list, &t);
    }
    return list;
}

static pf_value_t *
s_nike_like(void)
{
    pf_value_t *c = pf_value_map();
    pf_map_set_str(c, "industry", "Footwear & Accessories");
    pf_map_set_str(c, "sector", "Consumer Cyclical");
    pf_map_set_int(c, "employees", 79400);
    return c;
}

START_TEST(test_bands)
{
    pf_profile_t *p = pf_mod_check_profile();
    ck_assert_int_eq(pf_mod_case_study_matching_band(p, 50), 0);
    ck_assert_int_eq(pf_mod_case_study_matching_band(p, 199), 0);
    ck_assert_int_eq(pf_mod_case_study_matching_band(p, 200), 1);
    ck_assert_int_eq(pf_mod_case_study_matching_band(p, 4999), 1);
    ck_assert_int_eq(pf_mod_case_study_matching_band(p, 5000), 2);
    ck_assert_int_eq(pf_mod_case_study_matching_band_index("smb"), 0);
    ck_assert_int_eq(pf_mod_case_study_matching_band_index("enterprise"), 2);
    ck_assert_int_eq(pf_mod_case_study_matching_band_index("huge"), -1);
    ck_assert_int_eq(pf_mod_case_study_matching_band_index(NULL), -1);
    pf_profile_destroy(&p);
}
END_TEST

START_TEST(test_industry_and_technology)
{
    ck_assert(pf_mod_case_study_matching_industry("Footwear", "Footwear & Accessories"));
    ck_assert(pf_mod_case_study_matching_industry("Specialty Retail", "specialty retail"));
    ck_assert(pf_mod_case_study_matching_industry("Internet Retail", "Retail"));
    ck_assert(!pf_mod_case_study_matching_industry("Retail", "Discount Stores"));
    ck_assert(!pf_mod_case_study_matching_industry("Media", "Multimedia Software"));
    ck_assert(!pf_mod_case_study_matching_industry("Apparel", NULL));
    ck_assert(!pf_mod_case_study_matching_industry("Apparel", "  "));

    pf_profile_t *p = pf_mod_check_profile();
    const char *names[] = {"Demandware", "algolia", "Google Analytics", NULL};
    pf_value_t *techs = s_techs(names);
    ck_assert(pf_mod_case_study_matching_runs(techs, p, "Salesforce Commerce Cloud"));
    ck_assert(pf_mod_case_study_matching_runs(techs, p, "Algolia"));
    ck_assert(pf_mod_case_study_matching_runs(techs, p, "Google Analytics"));
    ck_assert(!pf_mod_case_study_matching_runs(techs, p, "Coveo"));
    ck_assert(!pf_mod_case_study_matching_runs(NULL, p, "Algolia"));
    pf_value_destroy(&techs);
    pf_profile_destroy(&p);
}
END_TEST

START_TEST(test_result_ranked)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = pf_value_map();
    pf_value_t *c = s_nike_like();
    pf_mod_check_input(inputs, "company_context", &c, false);
    const char *names[] = {"Salesforce Commerce Cloud", "Coveo", NULL};
    pf_value_t *t = pf_value_map();
    pf_value_t *techs = s_techs(names);
    pf_map_set(t, "technologies", &techs);
    pf_mod_check_input(inputs, "technology_stack", &t, false);

    pf_value_t *r = pf_mod_case_study_matching_result(inputs, p);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert_str_eq(pf_map_get_str(d, "company_size_band"), "enterprise");
    ck_assert_int_eq(pf_map_get_int(d, "cases_considered", 0), 12);
    ck_assert(pf_map_get_bool(d, "sample", false));
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    ck_assert_uint_eq(pf_array_size(pf_map_get(r, "missing")), 0);
    const pf_value_t *m = pf_map_get(d, "matches");
    ck_assert_uint_eq(pf_array_size(m), 3);
    /*  Footwear 40 + Coveo of {Coveo, SAP Commerce Cloud} 20 + size 20.    */
    const pf_value_t *best = pf_array_at(m, 0);
    ck_assert_str_eq(pf_map_get_str(best, "id"), "cs-03");
    ck_assert_int_eq(pf_map_get_int(best, "score", 0), 80);
    ck_assert(pf_map_get_bool(best, "industry_match", false));
    ck_assert_uint_eq(pf_array_size(pf_map_get(best, "technologies_in_use")), 1);
    ck_assert_uint_eq(pf_array_size(pf_map_get(best, "why")), 3);
    ck_assert_ptr_nonnull(strstr(pf_value_as_str(pf_array_at(pf_map_get(best, "why"), 1), NULL),
                                 "Coveo"));
    ck_assert_uint_ge(pf_array_size(pf_map_get(best, "outcomes")), 1);
    /*  Two at 40 (platform + size): the profile's order breaks the tie.    */
    ck_assert_str_eq(pf_map_get_str(pf_array_at(m, 1), "id"), "cs-01");
    ck_assert_int_eq(pf_map_get_int(pf_array_at(m, 1), "score", 0), 40);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(m, 2), "id"), "cs-05");
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

START_TEST(test_result_degrades)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = pf_value_map();
    pf_value_t *c = pf_value_map();
    pf_map_set_str(c, "industry", "Footwear & Accessories");   /* no employees */
    pf_mod_check_input(inputs, "company_context", &c, true);
    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    pf_map_set(inputs, "technology_stack", &sim);

    pf_value_t *r = pf_mod_case_study_matching_result(inputs, p);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    ck_assert_ptr_nonnull(strstr(pf_mod_check_reason(r, "technology_match"), "simulated"));
    ck_assert_ptr_nonnull(strstr(pf_mod_check_reason(r, "company_size_band"), "employee"));
    ck_assert(!pf_map_has(d, "company_size_band"));
    /*  Industry alone: only the footwear case scores.                      */
    const pf_value_t *m = pf_map_get(d, "matches");
    ck_assert_uint_eq(pf_array_size(m), 1);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(m, 0), "id"), "cs-03");
    ck_assert_int_eq(pf_map_get_int(pf_array_at(m, 0), "score", 0), 40);
    pf_value_destroy(&r);

    /*  No inputs at all: every case scores 0, nothing matches, both said.  */
    pf_value_t *none = pf_value_map();
    r = pf_mod_case_study_matching_result(none, p);
    ck_assert_uint_eq(pf_array_size(pf_map_get(pf_map_get(r, "data"), "matches")), 0);
    ck_assert_ptr_nonnull(strstr(pf_mod_check_reason(r, "industry_match"), "company_context"));
    ck_assert_ptr_nonnull(strstr(pf_mod_check_reason(r, "technology_match"), "no result"));
    pf_value_destroy(&r);
    pf_value_destroy(&none);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_mod_case_study_matching");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_bands);
    tcase_add_test(tc, test_industry_and_technology);
    tcase_add_test(tc, test_result_ranked);
    tcase_add_test(tc, test_result_degrades);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
