/*  test_pf_mod_strategic_signal_brief.c — the brief's rules: every section
    from hand-made inputs, the sample-profile and synthetic-data notices,
    absent and simulated inputs named, every missing fact of an input
    named, provider sources carried over, and no brief from no data.     */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_strategic_signal_brief.h"
#include "pf_profile.h"
#include "pf_value.h"

/*  2020-01-01T00:00:00Z in epoch ms.                                       */
#define S_2020_MS 1577836800000LL

static pf_profile_t *
s_shipped(void)
{
    char err[PF_PROFILE_ERROR_MAX];
    pf_profile_t *p = pf_profile_load(pf_profile_path(NULL), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    return p;
}

/*  {data: *data_p, provenance: {}, sources: [one provider source of
    origin], missing: [{field: missing_field, reason}] when given}.        */
static pf_value_t *
s_result(pf_value_t **data_p, const char *provider, const char *origin,
         const char *missing_field)
{
    pf_value_t *r = pf_value_map();
    pf_map_set(r, "data", data_p);
    pf_value_t *prov = pf_value_map();
    pf_map_set(r, "provenance", &prov);
    pf_value_t *sources = pf_value_array();
    pf_value_t *src = pf_value_map();
    pf_map_set_str(src, "kind", "provider");
    pf_map_set_str(src, "provider", provider);
    pf_map_set_str(src, "op", "op");
    pf_map_set_str(src, "request", provider);
    pf_map_set_str(src, "origin", origin);
    pf_map_set_int(src, "fetched_at", S_2020_MS);
    pf_array_push(sources, &src);
    pf_map_set(r, "sources", &sources);
    pf_value_t *missing = pf_value_array();
    if (missing_field) {
        pf_value_t *m = pf_value_map();
        pf_map_set_str(m, "field", missing_field);
        pf_map_set_str(m, "reason", "the provider was down");
        pf_array_push(missing, &m);
    }
    pf_map_set(r, "missing", &missing);
    pf_map_set_bool(r, "synthetic", strcmp(origin, "synthetic") == 0);
    return r;
}

static pf_value_t *
s_inputs(const char *tech_origin)
{
    pf_value_t *inputs = pf_value_map();
    pf_value_t *d = pf_value_map();
    pf_map_set_str(d, "name", "Acme Corp");
    pf_value_t *r = s_result(&d, "yahoo_finance", "fixture", "employees");
    pf_map_set(inputs, "company_context", &r);

    d = pf_value_map();
    pf_value_t *list = pf_value_array();
    pf_value_t *t = pf_value_map();
    pf_map_set_str(t, "name", "Algolia");
    pf_map_set_str(t, "reason", "a hosted search API");
    pf_map_set_int(t, "first_detected", S_2020_MS);
    pf_array_push(list, &t);
    pf_map_set(d, "displaceable", &list);
    r = s_result(&d, "builtwith", tech_origin, NULL);
    pf_map_set(inputs, "technology_stack", &r);

    d = pf_value_map();
    pf_map_set_str(d, "timing", "nurture");
    pf_map_set_float(d, "composite_score", 34.2);
    pf_map_set_str(d, "as_of", "2025-06-30");
    r = s_result(&d, "none", "fixture", NULL);
    pf_map_set(inputs, "signal_scoring", &r);

    d = pf_value_map();
    pf_value_t *champ = pf_value_map();
    pf_map_set_str(champ, "name", "Jane Roe");
    pf_map_set_str(champ, "title", "VP Digital");
    pf_map_set_str(champ, "reason", "leads digital");
    pf_map_set(d, "champion", &champ);
    pf_value_t *user = pf_value_map();
    pf_map_set_str(user, "title", "the search team");
    pf_map_set_str(user, "reason", "hiring for search");
    pf_map_set(d, "user", &user);
    r = s_result(&d, "none", "fixture", NULL);
    pf_map_set(inputs, "buying_committee", &r);

    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    pf_map_set(inputs, "strategic_context", &sim);
    return inputs;
}

static bool
s_has_text(const pf_value_t *list, const char *needle)
{
    for (size_t i = 0; i < pf_array_size(list); i++)
        if (strstr(pf_map_get_str(pf_array_at(list, i), "text"), needle))
            return true;
    return false;
}

START_TEST(test_brief)
{
    pf_profile_t *p = s_shipped();
    pf_value_t *inputs = s_inputs("fixture");
    pf_value_t *r = pf_mod_strategic_signal_brief_result(p, "acme.com", inputs);
    ck_assert_ptr_nonnull(r);
    const pf_value_t *d = pf_map_get(r, "data");
    const char *md = pf_map_get_str(d, "markdown");
    ck_assert_ptr_nonnull(strstr(md, "# Strategic signal brief: Acme Corp (acme.com)"));
    ck_assert_ptr_nonnull(strstr(md, "Sample seller profile"));
    ck_assert_ptr_null(strstr(md, "Synthetic data"));
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    ck_assert(pf_map_get_bool(d, "sample_profile", false));
    static const char *const sections[] = {"## Why now", "## Who to talk to", "## What to say",
                                           "## Displacement angle", "## Proof points",
                                           "## Risks and unknowns", "## Sources"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        ck_assert_msg(strstr(md, sections[i]) != NULL, "%s", sections[i]);

    const char *headline = pf_map_get_str(d, "headline");
    ck_assert_ptr_nonnull(strstr(headline, "Acme Corp: nurture (signal score 34.2/100)"));
    ck_assert_ptr_nonnull(strstr(headline, "runs Algolia"));
    ck_assert(s_has_text(pf_map_get(d, "who_to_talk_to"), "**Champion**: Jane Roe, VP Digital"));
    ck_assert(s_has_text(pf_map_get(d, "who_to_talk_to"),
                         "**User**: the search team (no name known) — hiring for search"));
    ck_assert(s_has_text(pf_map_get(d, "displacement_angle"),
                         "Algolia detected since 2020-01-01"));
    ck_assert(s_has_text(pf_map_get(d, "why_now"), "as of 2025-06-30: nurture"));
    const pf_value_t *unknowns = pf_map_get(d, "unknowns");
    ck_assert(s_has_text(unknowns, "strategic_context was simulated"));
    ck_assert(s_has_text(unknowns, "hiring_signals did not complete"));
    ck_assert(s_has_text(unknowns, "company_context: employees unknown — the provider was down"));
    ck_assert_ptr_nonnull(strstr(md, "- hiring_signals did not complete"));
    const pf_value_t *status = pf_map_get(d, "inputs");
    ck_assert_str_eq(pf_map_get_str(status, "strategic_context"), "simulated");
    ck_assert_str_eq(pf_map_get_str(status, "technology_stack"), "used");
    ck_assert_str_eq(pf_map_get_str(status, "case_study_matching"), "absent");
    ck_assert_int_eq(pf_map_size(status), 14);
    /*  Provider sources carried into the brief's own sources.              */
    const pf_value_t *sources = pf_map_get(r, "sources");
    bool builtwith = false;
    for (size_t i = 0; i < pf_array_size(sources); i++)
        builtwith = builtwith
                    || (pf_map_get_str(pf_array_at(sources, i), "provider")
                        && strcmp(pf_map_get_str(pf_array_at(sources, i), "provider"),
                                  "builtwith") == 0);
    ck_assert(builtwith);
    ck_assert(s_has_text(pf_map_get(d, "sources_cited"),
                         "technology_stack: builtwith op builtwith (fixture, fetched 2020-01-01)"));
    /*  Nothing to prove with: said so.                                     */
    ck_assert_int_eq(pf_array_size(pf_map_get(d, "proof_points")), 0);
    ck_assert_ptr_nonnull(strstr(md, "_No matching case study._"));
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

START_TEST(test_synthetic_and_no_profile)
{
    pf_value_t *inputs = s_inputs("synthetic");
    pf_value_t *r = pf_mod_strategic_signal_brief_result(NULL, "acme.com", inputs);
    ck_assert_ptr_nonnull(r);
    ck_assert(pf_map_get_bool(r, "synthetic", false));
    const pf_value_t *d = pf_map_get(r, "data");
    const char *md = pf_map_get_str(d, "markdown");
    ck_assert_ptr_nonnull(strstr(md, "**Synthetic data.**"));
    ck_assert_ptr_nonnull(strstr(md, "No seller profile is loaded"));
    ck_assert(pf_map_get_bool(d, "synthetic_data", false));
    ck_assert(!pf_map_has(d, "sample_profile"));
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
}
END_TEST

START_TEST(test_no_data)
{
    pf_profile_t *p = s_shipped();
    pf_value_t *inputs = pf_value_map();
    ck_assert_ptr_null(pf_mod_strategic_signal_brief_result(p, "acme.com", inputs));
    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    pf_map_set(inputs, "company_context", &sim);
    ck_assert_ptr_null(pf_mod_strategic_signal_brief_result(p, "acme.com", inputs));
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_mod_strategic_signal_brief");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_brief);
    tcase_add_test(tc, test_synthetic_and_no_profile);
    tcase_add_test(tc, test_no_data);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
