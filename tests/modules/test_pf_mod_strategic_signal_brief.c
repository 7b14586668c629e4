/*  test_pf_mod_strategic_signal_brief.c — the brief's rules: every section
    from hand-made inputs, the sample-profile and synthetic-data notices,
    absent and simulated inputs named, every missing fact of an input
    named, provider sources carried over, and no brief from no data.     */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_strategic_signal_brief.h"
#include "pf_profile.h"
#include "pf_value.h"

/*  2020-01-01T00:00:00Z in epoch ms.                                       */
#define S_2020_MS 1577836800000LL

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
    pf_profile_t *p = pf_mod_check_profile();
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
    pf_profile_t *p = pf_mod_check_profile();
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

/*  {form: 10-K, accession, filing_date, report_date, url} of the fiscal
    2025 10-K of Nike (public record, tools/fakeapi/data/README.md).      */
static pf_value_t *
s_ten_k(void)
{
    pf_value_t *k = pf_value_map();
    pf_map_set_str(k, "form", "10-K");
    pf_map_set_str(k, "accession", "0000320187-25-000047");
    pf_map_set_str(k, "filing_date", "2025-07-17");
    pf_map_set_str(k, "report_date", "2025-05-31");
    pf_map_set_str(k, "url", "https://www.sec.gov/Archives/edgar/data/320187/"
                             "000032018725000047/nke-20250531.htm");
    return k;
}

/*  The brief of a public company cites its latest 10-K: financial_profile's
    first, investor_intelligence's latest["10-K"] when financial_profile has
    none; a public company whose 10-K no input names lists it missing; a
    private company's brief says nothing of a 10-K.                         */
START_TEST(test_latest_10k)
{
    static const char *const line =
        "Latest annual report: 10-K for the fiscal year ended 2025-05-31, filed 2025-07-17 "
        "(accession 0000320187-25-000047): https://www.sec.gov/Archives/edgar/data/320187/"
        "000032018725000047/nke-20250531.htm";
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = s_inputs("fixture");
    pf_map_set_bool((pf_value_t *)pf_map_get(pf_map_get(inputs, "company_context"), "data"),
                    "public", true);
    /*  From financial_profile.                                             */
    pf_value_t *d = pf_value_map();
    pf_value_t *k = s_ten_k();
    pf_map_set(d, "latest_10k", &k);
    pf_value_t *fin = s_result(&d, "sec_edgar", "fixture", NULL);
    pf_map_set(inputs, "financial_profile", &fin);
    pf_value_t *r = pf_mod_strategic_signal_brief_result(p, "acme.com", inputs);
    const pf_value_t *data = pf_map_get(r, "data");
    ck_assert(s_has_text(pf_map_get(data, "what_to_say"), line));
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(data, "markdown"), line));
    ck_assert_str_eq(pf_map_get_str(pf_map_get(data, "latest_10k"), "accession"),
                     "0000320187-25-000047");
    const pf_value_t *src = pf_array_at(pf_map_get(r, "sources"),
                                        (size_t)pf_map_get_int(pf_map_get(r, "provenance"),
                                                               "latest_10k", -1));
    ck_assert_str_eq(pf_map_get_str(src, "module"), "financial_profile");
    pf_value_destroy(&r);

    /*  financial_profile knows none: investor_intelligence's.              */
    d = pf_value_map();
    fin = s_result(&d, "sec_edgar", "fixture", "latest_10k");
    pf_map_set(inputs, "financial_profile", &fin);
    d = pf_value_map();
    pf_value_t *latest = pf_value_map();
    k = s_ten_k();
    pf_map_set(latest, "10-K", &k);
    pf_map_set(d, "latest", &latest);
    pf_value_t *inv = s_result(&d, "sec_edgar", "fixture", NULL);
    pf_map_set(inputs, "investor_intelligence", &inv);
    r = pf_mod_strategic_signal_brief_result(p, "acme.com", inputs);
    data = pf_map_get(r, "data");
    ck_assert(s_has_text(pf_map_get(data, "what_to_say"), line));
    src = pf_array_at(pf_map_get(r, "sources"),
                      (size_t)pf_map_get_int(pf_map_get(r, "provenance"), "latest_10k", -1));
    ck_assert_str_eq(pf_map_get_str(src, "module"), "investor_intelligence");
    pf_value_destroy(&r);

    /*  No input names one: missing, with the reason.                       */
    d = pf_value_map();
    inv = s_result(&d, "sec_edgar", "fixture", NULL);
    pf_map_set(inputs, "investor_intelligence", &inv);
    r = pf_mod_strategic_signal_brief_result(p, "acme.com", inputs);
    data = pf_map_get(r, "data");
    ck_assert(!pf_map_has(data, "latest_10k"));
    ck_assert(!s_has_text(pf_map_get(data, "what_to_say"), "Latest annual report"));
    const pf_value_t *missing = pf_map_get(r, "missing");
    bool listed = false;
    for (size_t i = 0; i < pf_array_size(missing); i++)
        listed = listed || strcmp(pf_map_get_str(pf_array_at(missing, i), "field"),
                                  "latest_10k") == 0;
    ck_assert(listed);
    pf_value_destroy(&r);

    /*  A private company: no 10-K is expected, none is missing.            */
    pf_map_set_bool((pf_value_t *)pf_map_get(pf_map_get(inputs, "company_context"), "data"),
                    "public", false);
    r = pf_mod_strategic_signal_brief_result(p, "acme.com", inputs);
    missing = pf_map_get(r, "missing");
    for (size_t i = 0; i < pf_array_size(missing); i++)
        ck_assert_str_ne(pf_map_get_str(pf_array_at(missing, i), "field"), "latest_10k");
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

/*  An input's conflicts (its providers disagreed and its source order
    chose) are named among the risks, values as given.                      */
START_TEST(test_conflicts)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = s_inputs("fixture");
    pf_value_t *cc_data = (pf_value_t *)pf_map_get(pf_map_get(inputs, "company_context"), "data");
    pf_value_t *conflicts = pf_value_array();
    pf_value_t *c = pf_value_map();
    pf_map_set_str(c, "field", "headquarters");
    pf_map_set_str(c, "used", "Beaverton");
    pf_map_set_str(c, "used_from", "yahoo_finance");
    pf_map_set_str(c, "other", "Portland");
    pf_map_set_str(c, "other_from", "builtwith");
    pf_array_push(conflicts, &c);
    c = pf_value_map();
    pf_map_set_str(c, "field", "employees");
    pf_map_set_int(c, "used", 79400);
    pf_map_set_str(c, "used_from", "yahoo_finance");
    pf_map_set_int(c, "other", 12000);
    pf_map_set_str(c, "other_from", "builtwith");
    pf_array_push(conflicts, &c);
    pf_map_set(cc_data, "conflicts", &conflicts);
    pf_value_t *r = pf_mod_strategic_signal_brief_result(p, "acme.com", inputs);
    const pf_value_t *d = pf_map_get(r, "data");
    const pf_value_t *risks = pf_map_get(d, "risks");
    ck_assert(s_has_text(risks, "company_context: sources disagree on headquarters — Beaverton "
                                "(yahoo_finance) used by the source order; builtwith says "
                                "Portland"));
    /*  Numbers as a reader says them.                                     */
    ck_assert(s_has_text(risks, "company_context: sources disagree on employees — 79,400 "
                                "(yahoo_finance) used by the source order; builtwith says "
                                "12,000"));
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(d, "markdown"), "sources disagree on employees"));
    pf_value_destroy(&r);
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
    tcase_add_test(tc, test_latest_10k);
    tcase_add_test(tc, test_conflicts);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
