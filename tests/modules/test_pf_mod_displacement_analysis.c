/*  test_pf_mod_displacement_analysis.c — the displacement_analysis
    module's pure logic (modules/pf_mod_displacement_analysis.h) with the
    shipped seller profile: recognising the seller's product by name,
    component points, and the whole result — the incumbent (earliest first
    detection) with its dates and tenure, the switching signals
    (overlapping site search, a lapsing incumbent, fit platforms),
    competitors on the seller's product, the score, and the degraded cases
    (no displaceable list, no competitors, no profile, no data).  Inputs
    are built as upstream results (pf_facts shape).                        */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_displacement_analysis.h"
#include "pf_profile.h"
#include "pf_value.h"

#define EPS 1e-9
#define DAY_MS (86400LL * 1000)
/*  2020-01-01 and 2024-01-01, epoch ms.                                    */
#define T2020 1577836800000LL
#define T2024 1704067200000LL

static pf_profile_t *s_profile;

static void
s_setup(void)
{
    unsetenv(PF_PROFILE_ENV);
    char err[PF_PROFILE_ERROR_MAX] = "";
    s_profile = pf_profile_load(pf_profile_path(NULL), err, sizeof err);
    ck_assert_msg(s_profile != NULL, "%s", err);
}

static void
s_teardown(void)
{
    pf_profile_destroy(&s_profile);
}

/*  {name, role?, first_detected, last_detected}.                           */
static pf_value_t *
s_tech(const char *name, const char *role, int64_t first, int64_t last)
{
    pf_value_t *t = pf_value_map();
    pf_map_set_str(t, "name", name);
    if (role)
        pf_map_set_str(t, "role", role);
    if (first)
        pf_map_set_int(t, "first_detected", first);
    if (last)
        pf_map_set_int(t, "last_detected", last);
    return t;
}

/*  A technology_stack result: Coveo (2020–2024, site search), Algolia
    (2021–2024-06, site search), Shopify (fit); displaceable Coveo and
    Algolia, in that list order reversed so the earliest must be chosen.  */
static pf_value_t *
s_technology(bool synthetic)
{
    pf_value_t *techs = pf_value_array(), *disp = pf_value_array(), *fit = pf_value_array();
    int64_t algolia_first = T2020 + 365 * DAY_MS;
    int64_t newest = T2024 + 180 * DAY_MS;
    pf_value_t *t = s_tech("Algolia", "site_search", algolia_first, newest);
    pf_array_push(techs, &t);
    t = s_tech("Coveo", "site_search", T2020, T2024);
    pf_array_push(techs, &t);
    t = s_tech("Shopify", "ecommerce_platform", T2020, newest);
    pf_array_push(techs, &t);
    t = s_tech("Algolia", NULL, algolia_first, newest);
    pf_map_set_str(t, "profile_name", "Algolia");
    pf_array_push(disp, &t);
    t = s_tech("Coveo", NULL, T2020, T2024);
    pf_map_set_str(t, "profile_name", "Coveo");
    pf_array_push(disp, &t);
    t = s_tech("Shopify", NULL, 0, 0);
    pf_array_push(fit, &t);
    pf_value_t *data = pf_value_map();
    pf_map_set(data, "technologies", &techs);
    pf_map_set(data, "displaceable", &disp);
    pf_map_set(data, "fit", &fit);
    pf_value_t *r = pf_value_map();
    pf_map_set(r, "data", &data);
    pf_map_set_bool(r, "synthetic", synthetic);
    return r;
}

/*  A competitor_intelligence result with a.com on the seller's product. */
static pf_value_t *
s_competitors(void)
{
    pf_value_t *list = pf_value_array();
    const char *const domains[] = {"a.com", "b.com"};
    const char *const search[] = {"Example Search Discovery Cloud", "Klevu"};
    for (size_t i = 0; i < 2; i++) {
        pf_value_t *c = pf_value_map();
        pf_map_set_str(c, "domain", domains[i]);
        pf_value_t *ss = pf_value_array();
        pf_array_push_str(ss, search[i]);
        pf_map_set(c, "site_search", &ss);
        pf_array_push(list, &c);
    }
    pf_value_t *data = pf_value_map();
    pf_map_set(data, "competitors", &list);
    pf_value_t *r = pf_value_map();
    pf_map_set(r, "data", &data);
    return r;
}

static const pf_value_t *
s_component(const pf_value_t *result, const char *name)
{
    const pf_value_t *list =
        pf_map_get(pf_map_get(pf_map_get(result, "data"), "opportunity"), "components");
    for (size_t i = 0; i < pf_array_size(list); i++)
        if (strcmp(pf_map_get_str(pf_array_at(list, i), "component"), name) == 0)
            return pf_array_at(list, i);
    ck_abort_msg("no component %s", name);
    return NULL;
}

START_TEST(test_is_seller)
{
    ck_assert(pf_mod_displacement_is_seller("Example Search Discovery Cloud", s_profile));
    ck_assert(pf_mod_displacement_is_seller("example search", s_profile));
    ck_assert(pf_mod_displacement_is_seller("Example Search Autocomplete", s_profile));
    ck_assert(!pf_mod_displacement_is_seller("Example Searchlight", s_profile));
    ck_assert(!pf_mod_displacement_is_seller("Algolia", s_profile));
    ck_assert(!pf_mod_displacement_is_seller(NULL, s_profile));
    ck_assert(!pf_mod_displacement_is_seller("Example Search", NULL));
}
END_TEST

START_TEST(test_points)
{
    ck_assert_double_eq_tol(pf_mod_displacement_points(20, 1, 2), 10, EPS);
    ck_assert_double_eq_tol(pf_mod_displacement_points(20, 5, 2), 20, EPS);
    ck_assert_double_eq_tol(pf_mod_displacement_points(20, 0, 2), 0, EPS);
    ck_assert_double_eq_tol(pf_mod_displacement_points(20, -1, 2), 0, EPS);
}
END_TEST

START_TEST(test_result_full)
{
    pf_value_t *tech = s_technology(false), *comp = s_competitors();
    pf_value_t *r = pf_mod_displacement_analysis_result(tech, comp, s_profile);
    ck_assert_ptr_nonnull(r);
    const pf_value_t *d = pf_map_get(r, "data");
    /*  Coveo was first detected earliest: the incumbent.                   */
    const pf_value_t *inc = pf_map_get(d, "incumbent");
    ck_assert_str_eq(pf_map_get_str(inc, "name"), "Coveo");
    ck_assert_str_eq(pf_map_get_str(inc, "since"), "2020-01-01");
    ck_assert_str_eq(pf_map_get_str(inc, "last_seen"), "2024-01-01");
    double years = (double) (T2024 - T2020) / (double) DAY_MS / 365.25;
    ck_assert_double_eq_tol(pf_map_get_float(inc, "tenure_years", 0), years, EPS);
    ck_assert_uint_eq(pf_array_size(pf_map_get(d, "displaceable")), 2);
    /*  Both search products, Coveo unseen for 180 days, Shopify a fit.    */
    const pf_value_t *sig = pf_map_get(d, "switching_signals");
    ck_assert_uint_eq(pf_array_size(sig), 3);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(sig, 0), "signal"), "overlapping_site_search");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(sig, 1), "signal"), "incumbent_lapsing");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(sig, 2), "signal"), "fit_platform");
    const pf_value_t *peers = pf_map_get(d, "competitors_on_product");
    ck_assert_uint_eq(pf_array_size(peers), 1);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(peers, 0), "domain"), "a.com");
    /*  Score from the profile's weights.                                   */
    const pf_profile_displacement_t *w = pf_profile_displacement(s_profile);
    double want = w->incumbent + pf_mod_displacement_points(w->tenure, years, w->tenure_years) +
                  pf_mod_displacement_points(w->switching, 3, w->switching_full) +
                  pf_mod_displacement_points(w->peers, 1, w->peers_full);
    ck_assert_int_eq(pf_map_get_int(pf_map_get(d, "opportunity"), "score", -1), lround(want));
    ck_assert_double_eq_tol(pf_map_get_float(s_component(r, "incumbent"), "points", -1),
                            w->incumbent, EPS);
    ck_assert_uint_eq(pf_array_size(pf_map_get(r, "missing")), 0);
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    pf_value_destroy(&r);
    pf_value_destroy(&tech);
    pf_value_destroy(&comp);
}
END_TEST

START_TEST(test_result_degraded)
{
    /*  Synthetic stack, no competitors input.                              */
    pf_value_t *tech = s_technology(true);
    pf_value_t *r = pf_mod_displacement_analysis_result(tech, NULL, s_profile);
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    ck_assert_str_eq(pf_mod_check_reason(r, "competitors_on_product"),
                     "competitor_intelligence gave no result");
    ck_assert_double_eq_tol(pf_map_get_float(s_component(r, "peers"), "points", -1), 0, EPS);
    pf_value_destroy(&r);

    /*  No displaceable list: its reason is carried over.                   */
    pf_value_t *data = (pf_value_t *) pf_map_get(tech, "data");
    pf_value_t *bare = pf_value_map();
    pf_value_t *techs = pf_value_dup(pf_map_get(data, "technologies"));
    pf_map_set(bare, "technologies", &techs);
    pf_value_t *t2 = pf_value_map();
    pf_map_set(t2, "data", &bare);
    pf_value_t *missing = pf_value_array(), *m = pf_value_map();
    pf_map_set_str(m, "field", "displaceable");
    pf_map_set_str(m, "reason", "no seller profile is loaded");
    pf_array_push(missing, &m);
    pf_map_set(t2, "missing", &missing);
    r = pf_mod_displacement_analysis_result(t2, NULL, s_profile);
    ck_assert_str_eq(pf_mod_check_reason(r, "incumbent"),
                     "technology_stack has no displaceable list (no seller profile is loaded)");
    ck_assert_double_eq_tol(pf_map_get_float(s_component(r, "incumbent"), "points", -1), 0, EPS);
    ck_assert_double_eq_tol(pf_map_get_float(s_component(r, "tenure"), "points", -1), 0, EPS);
    pf_value_destroy(&r);

    /*  No profile: the stack facts, no score.                              */
    r = pf_mod_displacement_analysis_result(tech, NULL, NULL);
    ck_assert_str_eq(pf_mod_check_reason(r, "opportunity"), "no seller profile is loaded");
    ck_assert(pf_map_has(pf_map_get(r, "data"), "incumbent"));
    pf_value_destroy(&r);

    /*  No data at all (simulated or absent): nothing true to say.          */
    pf_value_t *simulated = pf_value_map();
    pf_map_set_bool(simulated, "simulated", true);
    ck_assert_ptr_null(pf_mod_displacement_analysis_result(simulated, NULL, s_profile));
    ck_assert_ptr_null(pf_mod_displacement_analysis_result(NULL, NULL, s_profile));
    pf_value_destroy(&simulated);
    pf_value_destroy(&t2);
    pf_value_destroy(&tech);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_mod_displacement_analysis");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_add_test(tc, test_is_seller);
    tcase_add_test(tc, test_points);
    tcase_add_test(tc, test_result_full);
    tcase_add_test(tc, test_result_degraded);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
