/*  test_pf_mod_icp_priority_mapping.c — icp_priority_mapping's rules as
    pure functions against the shipped sample profile: the log scale, each
    factor's contribution and the tier, and factors whose input is absent,
    simulated, non-USD or synthetic.                                        */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_icp_priority_mapping.h"
#include "pf_profile.h"
#include "pf_value.h"

static pf_value_t *
s_named_list(const char *name)
{
    pf_value_t *list = pf_value_array();
    if (name) {
        pf_value_t *t = pf_value_map();
        pf_map_set_str(t, "name", name);
        pf_array_push(list, &t);
    }
    return list;
}

static pf_value_t *
s_revenue(double value, const char *currency)
{
    pf_value_t *f = pf_value_map();
    pf_value_t *rev = pf_value_map();
    pf_map_set_float(rev, "value", value);
    pf_map_set_str(rev, "currency", currency);
    pf_map_set_int(rev, "fiscal_year", 2024);
    pf_map_set(f, "revenue_latest", &rev);
    return f;
}

/*  The factor named name in a result.                                      */
static const pf_value_t *
s_factor(const pf_value_t *result, const char *name)
{
    const pf_value_t *list = pf_map_get(pf_map_get(result, "data"), "factors");
    for (size_t i = 0; i < pf_array_size(list); i++)
        if (strcmp(pf_map_get_str(pf_array_at(list, i), "name"), name) == 0)
            return pf_array_at(list, i);
    ck_abort_msg("no factor %s", name);
    return NULL;
}

START_TEST(test_scale)
{
    ck_assert_double_eq(pf_mod_icp_priority_mapping_scale(1e5, 1e7, 1e10), 0.0);
    ck_assert_double_eq(pf_mod_icp_priority_mapping_scale(1e7, 1e7, 1e10), 0.0);
    ck_assert_double_eq(pf_mod_icp_priority_mapping_scale(5e10, 1e7, 1e10), 1.0);
    ck_assert_double_eq_tol(pf_mod_icp_priority_mapping_scale(1e8, 1e7, 1e10), 1.0 / 3, 1e-9);
    ck_assert_double_eq(pf_mod_icp_priority_mapping_scale(NAN, 1e7, 1e10), 0.0);
    ck_assert_double_eq(pf_mod_icp_priority_mapping_scale(1e8, 0, 1e10), 0.0);
}
END_TEST

START_TEST(test_full_inputs)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = pf_value_map();
    pf_value_t *c = pf_value_map();
    pf_map_set_str(c, "industry", "Footwear & Accessories");
    pf_map_set_str(c, "sector", "Consumer Cyclical");
    pf_mod_check_input(inputs, "company_context", &c, false);
    pf_value_t *f = s_revenue(51362000000.0, "USD");
    pf_mod_check_input(inputs, "financial_profile", &f, false);
    pf_value_t *t = pf_value_map();
    pf_map_set_int(t, "monthly_visits", 1000000);
    pf_mod_check_input(inputs, "traffic_analysis", &t, false);
    pf_value_t *s = pf_value_map();
    pf_value_t *fit = s_named_list("Salesforce Commerce Cloud");
    pf_value_t *disp = s_named_list(NULL);
    pf_map_set(s, "fit", &fit);
    pf_map_set(s, "displaceable", &disp);
    pf_mod_check_input(inputs, "technology_stack", &s, false);

    pf_value_t *r = pf_mod_icp_priority_mapping_result(inputs, p);
    const pf_value_t *d = pf_map_get(r, "data");
    /*  industry 15 + revenue 25 + traffic 20/3 + fit 20/3 + incumbent 0,
        each rounded to 0.1 first.                                          */
    ck_assert_double_eq_tol(pf_map_get_float(d, "score", -1), 53.4, 1e-9);
    ck_assert_str_eq(pf_map_get_str(d, "tier"), "C");
    ck_assert_double_eq(pf_map_get_float(s_factor(r, "industry_fit"), "points", -1), 15);
    ck_assert_str_eq(pf_map_get_str(s_factor(r, "industry_fit"), "reason"),
                     "industry Footwear & Accessories (sector Consumer Cyclical) names "
                     "Footwear, one of the profile's industries");
    ck_assert_double_eq(pf_map_get_float(s_factor(r, "revenue_scale"), "points", -1), 25);
    ck_assert_double_eq_tol(pf_map_get_float(s_factor(r, "traffic_scale"), "points", -1), 6.7,
                            1e-9);
    ck_assert_double_eq(pf_map_get_float(s_factor(r, "displaceable_incumbent"), "points", -1),
                        0);
    ck_assert(pf_map_get_bool(s_factor(r, "displaceable_incumbent"), "known", false));
    ck_assert_uint_eq(pf_array_size(pf_map_get(d, "unknown_factors")), 0);
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    pf_value_destroy(&r);

    /*  An incumbent detected: +20, tier B.                                 */
    pf_value_t *disp2 = s_named_list("Algolia");
    pf_map_set((pf_value_t *) pf_map_get(pf_map_get(inputs, "technology_stack"), "data"),
               "displaceable", &disp2);
    r = pf_mod_icp_priority_mapping_result(inputs, p);
    ck_assert_double_eq_tol(pf_map_get_float(pf_map_get(r, "data"), "score", -1), 73.4, 1e-9);
    ck_assert_str_eq(pf_map_get_str(pf_map_get(r, "data"), "tier"), "B");
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

START_TEST(test_missing_inputs)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = pf_value_map();
    pf_value_t *c = pf_value_map();
    pf_map_set_str(c, "industry", "Discount Stores");
    pf_mod_check_input(inputs, "company_context", &c, true);
    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    pf_map_set(inputs, "financial_profile", &sim);
    pf_value_t *t = pf_value_map();      /* traffic ran but gave no visits */
    pf_mod_check_input(inputs, "traffic_analysis", &t, false);

    pf_value_t *r = pf_mod_icp_priority_mapping_result(inputs, p);
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert_double_eq(pf_map_get_float(d, "score", -1), 15);
    ck_assert_str_eq(pf_map_get_str(d, "tier"), "D");
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    const pf_value_t *rev = s_factor(r, "revenue_scale");
    ck_assert(!pf_map_get_bool(rev, "known", true));
    ck_assert_double_eq(pf_map_get_float(rev, "points", -1), 0);
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(rev, "reason"), "simulated"));
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(s_factor(r, "traffic_scale"), "reason"),
                                 "no monthly_visits"));
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(s_factor(r, "technology_fit"), "reason"),
                                 "technology_stack gave no result"));
    ck_assert_uint_eq(pf_array_size(pf_map_get(d, "unknown_factors")), 4);
    ck_assert_str_eq(pf_map_get_str(s_factor(r, "industry_fit"), "reason"),
                     "industry Discount Stores names Discount Stores, one of the profile's "
                     "industries");
    pf_value_destroy(&r);

    /*  An industry that is none of the profile's, without a sector: the
        sentence names the industry alone (no empty sector after it).     */
    pf_value_t *c2 = pf_value_map();
    pf_map_set_str(c2, "industry", "Software - Infrastructure");
    pf_mod_check_input(inputs, "company_context", &c2, true);
    r = pf_mod_icp_priority_mapping_result(inputs, p);
    ck_assert_str_eq(pf_map_get_str(s_factor(r, "industry_fit"), "reason"),
                     "industry Software - Infrastructure names none of the profile's "
                     "industries");
    pf_value_destroy(&r);
    pf_value_t *c3 = pf_value_map();
    pf_map_set_str(c3, "sector", "Technology");
    pf_mod_check_input(inputs, "company_context", &c3, true);
    r = pf_mod_icp_priority_mapping_result(inputs, p);
    ck_assert_str_eq(pf_map_get_str(s_factor(r, "industry_fit"), "reason"),
                     "sector Technology names none of the profile's industries");
    pf_value_destroy(&r);
    pf_value_t *c4 = pf_value_map();
    pf_map_set_str(c4, "industry", "Discount Stores");
    pf_mod_check_input(inputs, "company_context", &c4, true);

    /*  Revenue in another currency is not compared.                        */
    pf_value_t *f = s_revenue(1e12, "JPY");
    pf_mod_check_input(inputs, "financial_profile", &f, false);
    r = pf_mod_icp_priority_mapping_result(inputs, p);
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(s_factor(r, "revenue_scale"), "reason"),
                                 "JPY"));
    ck_assert_double_eq(pf_map_get_float(pf_map_get(r, "data"), "score", -1), 15);
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

/*  The shipped profile with icp.rules and icp.tiers replaced, loaded from
    a temporary file.                                                      */
static pf_profile_t *
s_profile_rules(const char *rules, const char *tiers)
{
    unsetenv(PF_PROFILE_ENV);
    json_error_t jerr;
    json_t *root = json_load_file(pf_profile_path(NULL), 0, &jerr);
    ck_assert_msg(root != NULL, "%s", jerr.text);
    json_t *icp = json_object_get(root, "icp");
    json_object_set_new(icp, "rules", json_loads(rules, 0, &jerr));
    json_object_set_new(icp, "tiers", json_loads(tiers, 0, &jerr));
    char path[] = "/tmp/pf-icp-rules-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    char err[PF_PROFILE_ERROR_MAX] = "";
    pf_profile_t *p = pf_profile_load(path, err, sizeof err);
    unlink(path);
    ck_assert_msg(p != NULL, "%s", err);
    return p;
}

/*  The scales, the fit count and the tiers are the profile's: the same
    inputs score differently under other rules, and the reasons quote them. */
START_TEST(test_rules_from_profile)
{
    pf_profile_t *p = s_profile_rules(
        "{\"revenue_scale\": {\"floor\": 1e9, \"full\": 1e11},"
        " \"traffic_scale\": {\"floor\": 1e4, \"full\": 1e6},"
        " \"technology_fit\": {\"full\": 1}}",
        "{\"A\": 90, \"B\": 80, \"C\": 70, \"D\": 0}");
    pf_value_t *inputs = pf_value_map();
    pf_value_t *f = s_revenue(1e10, "USD");
    pf_mod_check_input(inputs, "financial_profile", &f, false);
    pf_value_t *t = pf_value_map();
    pf_map_set_int(t, "monthly_visits", 1000000);
    pf_mod_check_input(inputs, "traffic_analysis", &t, false);
    pf_value_t *s = pf_value_map();
    pf_value_t *fit = s_named_list("Fastly");
    pf_value_t *disp = s_named_list(NULL);
    pf_map_set(s, "fit", &fit);
    pf_map_set(s, "displaceable", &disp);
    pf_mod_check_input(inputs, "technology_stack", &s, false);
    pf_value_t *r = pf_mod_icp_priority_mapping_result(inputs, p);
    /*  revenue half-way on 1e9..1e11: 12.5; visits at full: 20; one fit
        technology is full: 20; no incumbent, no company_context: 0.       */
    ck_assert_double_eq_tol(pf_map_get_float(s_factor(r, "revenue_scale"), "points", -1), 12.5,
                            1e-9);
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(s_factor(r, "revenue_scale"), "reason"),
                                 "full points from 100000000000, none below 1000000000"));
    ck_assert_double_eq(pf_map_get_float(s_factor(r, "traffic_scale"), "points", -1), 20);
    ck_assert_double_eq(pf_map_get_float(s_factor(r, "technology_fit"), "points", -1), 20);
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(s_factor(r, "technology_fit"), "reason"),
                                 "full points from 1"));
    const pf_value_t *d = pf_map_get(r, "data");
    ck_assert_double_eq_tol(pf_map_get_float(d, "score", -1), 52.5, 1e-9);
    ck_assert_str_eq(pf_map_get_str(d, "tier"), "D");     /* C starts at 70 */
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_mod_icp_priority_mapping");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_scale);
    tcase_add_test(tc, test_full_inputs);
    tcase_add_test(tc, test_missing_inputs);
    tcase_add_test(tc, test_rules_from_profile);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
