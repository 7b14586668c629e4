/*  test_pf_mod_buying_committee.c — buying_committee's rules: C-level
    titles, posting titles without the board's suffix, each persona from
    executives first, hiring second and the seller profile's titles third,
    with the reason; absent or simulated inputs; failure only when no input
    gave a result.                                                          */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_buying_committee.h"
#include "pf_mod_check.h"
#include "pf_value.h"

START_TEST(test_c_level)
{
    ck_assert(pf_mod_buying_committee_is_c_level("Chief Digital Officer"));
    ck_assert(pf_mod_buying_committee_is_c_level("President and CEO"));
    ck_assert(pf_mod_buying_committee_is_c_level("President"));
    ck_assert(!pf_mod_buying_committee_is_c_level("Senior Vice President, Digital"));
    ck_assert(!pf_mod_buying_committee_is_c_level("VP President's Office"));
    ck_assert(!pf_mod_buying_committee_is_c_level("Head of Search"));
    ck_assert(!pf_mod_buying_committee_is_c_level(NULL));
}
END_TEST

static pf_value_t *
s_wrap(pf_value_t **data_p)
{
    pf_value_t *r = pf_value_map();
    pf_map_set(r, "data", data_p);
    return r;
}

static void
s_exec(pf_value_t *list, const char *name, const char *title, const char *function)
{
    pf_value_t *e = pf_value_map();
    pf_map_set_str(e, "name", name);
    pf_map_set_str(e, "title", title);
    pf_map_set_str(e, "function", function);
    pf_map_set_str(e, "source", "yahoo_finance");
    pf_array_push(list, &e);
}

static pf_value_t *
s_hiring(void)
{
    pf_value_t *d = pf_value_map();
    pf_value_t *roles = pf_value_array();
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "title", "Senior Engineer, Search Relevance");
    pf_map_set_str(r, "url", "https://jobs.example.org/1");
    pf_map_set_str(r, "department", "engineering");
    pf_value_t *themes = pf_value_array();
    pf_array_push_str(themes, "search");
    pf_map_set(r, "themes", &themes);
    pf_array_push(roles, &r);
    pf_map_set(d, "relevant_roles", &roles);
    return s_wrap(&d);
}

static const char *
s_field(const pf_value_t *out, const char *persona, const char *key)
{
    return pf_map_get_str(pf_map_get(pf_map_get(out, "data"), persona), key);
}

static bool
s_is_missing(const pf_value_t *out, const char *field)
{
    const pf_value_t *m = pf_map_get(out, "missing");
    for (size_t i = 0; i < pf_array_size(m); i++)
        if (strcmp(pf_map_get_str(pf_array_at(m, i), "field"), field) == 0)
            return true;
    return false;
}

START_TEST(test_personas)
{
    pf_value_t *ed = pf_value_map();
    pf_value_t *list = pf_value_array();
    s_exec(list, "Jane Doe", "President and Chief Executive Officer", "executive");
    s_exec(list, "Raj Patel", "Chief Technology Officer", "technical");
    s_exec(list, "Lee Chan", "SVP Digital Commerce", "digital");
    pf_map_set(ed, "executives", &list);
    pf_value_t *execs = s_wrap(&ed);
    pf_value_t *hiring = s_hiring();
    pf_value_t *cd = pf_value_map();
    pf_map_set_str(cd, "name", "Acme");
    pf_value_t *company = s_wrap(&cd);

    /*  No C-level digital officer: the CTO is the buyer; the SVP digital
        the champion; no other technologist, so engineering hiring is the
        evaluator; the search posting's team the user.                    */
    pf_value_t *out = pf_mod_buying_committee_result(company, hiring, execs, NULL);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(s_field(out, "economic_buyer", "name"), "Raj Patel");
    ck_assert_ptr_nonnull(strstr(s_field(out, "economic_buyer", "reason"), "technology"));
    ck_assert_str_eq(s_field(out, "champion", "name"), "Lee Chan");
    ck_assert_ptr_null(s_field(out, "technical_evaluator", "name"));
    ck_assert_str_eq(s_field(out, "technical_evaluator", "basis"), "hiring");
    ck_assert_ptr_nonnull(strstr(s_field(out, "user", "reason"), "Search Relevance"));
    ck_assert_int_eq(pf_map_get_int(pf_map_get(out, "data"), "personas_filled", 0), 4);
    ck_assert_str_eq(pf_map_get_str(pf_map_get(out, "data"), "company"), "Acme");
    pf_value_destroy(&out);

    /*  Only a CEO, no hiring: the CEO signs; the rest missing, saying
        why.                                                               */
    pf_value_t *ed2 = pf_value_map();
    pf_value_t *l2 = pf_value_array();
    s_exec(l2, "Jane Doe", "President and Chief Executive Officer", "executive");
    pf_map_set(ed2, "executives", &l2);
    pf_value_t *execs2 = s_wrap(&ed2);
    out = pf_mod_buying_committee_result(company, NULL, execs2, NULL);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(s_field(out, "economic_buyer", "name"), "Jane Doe");
    ck_assert(s_is_missing(out, "champion"));
    ck_assert(s_is_missing(out, "technical_evaluator"));
    ck_assert(s_is_missing(out, "user"));
    pf_value_destroy(&out);

    /*  Executives simulated: counts as absent; hiring still fills three.  */
    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    out = pf_mod_buying_committee_result(company, hiring, sim, NULL);
    ck_assert_ptr_nonnull(out);
    ck_assert(s_is_missing(out, "economic_buyer"));
    ck_assert_str_eq(s_field(out, "champion", "basis"), "hiring");
    pf_value_destroy(&out);

    /*  No executives, no hiring and no profile personas: nothing to say
        about any persona, the task fails.                                 */
    ck_assert_ptr_null(pf_mod_buying_committee_result(company, NULL, sim, NULL));
    pf_value_destroy(&sim);
    pf_value_destroy(&execs);
    pf_value_destroy(&execs2);
    pf_value_destroy(&hiring);
    pf_value_destroy(&company);
}
END_TEST

static const char *
s_title(const char *title, const char *company)
{
    static char out[256];
    pf_mod_buying_committee_posting_title(title, company, out, sizeof out);
    return out;
}

START_TEST(test_posting_title)
{
    ck_assert_str_eq(s_title("Search Engineer - Stripe Careers", "Stripe, Inc."),
                     "Search Engineer");
    ck_assert_str_eq(s_title("Software Engineer, Payments - Stripe", "Stripe"),
                     "Software Engineer, Payments");
    ck_assert_str_eq(s_title("Product Manager, Search | Greenhouse", NULL),
                     "Product Manager, Search");
    ck_assert_str_eq(s_title("Data Engineer - Remote - NIKE, Inc. - Workday", "NIKE, Inc."),
                     "Data Engineer - Remote");
    ck_assert_str_eq(s_title("Engineer \xe2\x80\x94 Acme Jobs", "Acme"), "Engineer");
    /*  A dash that is part of the role stays; so does a title that is all
        suffix-looking (nothing would be left).                            */
    ck_assert_str_eq(s_title("Director - Search & Discovery", "Acme"),
                     "Director - Search & Discovery");
    ck_assert_str_eq(s_title("Careers - Jobs", "Acme"), "Careers");
    ck_assert_str_eq(s_title("Head of Search", "Acme"), "Head of Search");
    ck_assert_str_eq(s_title(NULL, "Acme"), "");
    /*  A short first word of the company does not mark a suffix.          */
    ck_assert_str_eq(s_title("Engineer - AB Testing", "AB Corp"), "Engineer - AB Testing");
    /*  "The" names no company: the next word does.                        */
    ck_assert_str_eq(s_title("Engineer - Join the Team", "The Home Depot"),
                     "Engineer - Join the Team");
    ck_assert_str_eq(s_title("Engineer - Home Depot Careers", "The Home Depot"), "Engineer");
}
END_TEST

/*  Executives and hiring give no persona: each degrades to the seller
    profile's titles, its reason and the name missing with why.          */
START_TEST(test_profile_personas)
{
    pf_profile_t *profile = pf_mod_check_profile();
    pf_value_t *cd = pf_value_map();
    pf_map_set_str(cd, "name", "Synthetic Widgets");
    pf_value_t *company = s_wrap(&cd);
    pf_value_t *ed = pf_value_map();
    pf_value_t *empty = pf_value_array();
    pf_map_set(ed, "executives", &empty);
    pf_value_t *execs = s_wrap(&ed);
    pf_value_t *hd = pf_value_map();
    pf_value_t *none = pf_value_array();
    pf_map_set(hd, "relevant_roles", &none);
    pf_value_t *hiring = s_wrap(&hd);

    pf_value_t *out = pf_mod_buying_committee_result(company, hiring, execs, profile);
    ck_assert_ptr_nonnull(out);
    const pf_value_t *d = pf_map_get(out, "data");
    ck_assert_int_eq(pf_map_get_int(d, "personas_filled", -1), 0);
    ck_assert_int_eq(pf_map_get_int(d, "personas_unnamed", -1), 4);
    static const char *const personas[] = {"economic_buyer", "champion",
                                           "technical_evaluator", "user"};
    for (size_t i = 0; i < 4; i++) {
        const pf_value_t *p = pf_map_get(d, personas[i]);
        const pf_profile_persona_t *pp = pf_profile_persona_find(profile, personas[i]);
        ck_assert_ptr_nonnull(pp);
        ck_assert_str_eq(pf_map_get_str(p, "basis"), "profile");
        ck_assert(pf_value_is(pf_map_get(p, "name"), PF_NIL));
        const pf_value_t *look = pf_map_get(p, "look_for");
        ck_assert_uint_eq(pf_array_size(look), pp->n_titles);
        ck_assert_str_eq(pf_value_as_str(pf_array_at(look, 0), NULL), pp->titles[0]);
        ck_assert_ptr_nonnull(strstr(pf_map_get_str(p, "reason"), pp->reason));
        char field[64];
        snprintf(field, sizeof field, "%s.name", personas[i]);
        ck_assert(s_is_missing(out, field));
        ck_assert(!s_is_missing(out, personas[i]));
    }
    ck_assert_str_eq(s_field(out, "economic_buyer", "title"),
                     "Chief Digital Officer, Chief Technology Officer, Chief Information "
                     "Officer or SVP Digital Commerce");
    ck_assert_ptr_nonnull(strstr(s_field(out, "champion", "reason"),
                                 "executive_intelligence names no executive whose title fits, "
                                 "and hiring_signals shows no posting for the role"));
    ck_assert_str_eq(pf_map_get_str(d, "company"), "Synthetic Widgets");
    pf_value_destroy(&out);

    /*  A CEO known and a search posting with the board's suffix: the
        buyer named, the champion and the user from hiring (title clean),
        the evaluator from the profile.                                    */
    pf_value_t *ed2 = pf_value_map();
    pf_value_t *l2 = pf_value_array();
    s_exec(l2, "Jane Doe", "Chief Executive Officer", "executive");
    pf_map_set(ed2, "executives", &l2);
    pf_value_t *execs2 = s_wrap(&ed2);
    pf_value_t *hd2 = pf_value_map();
    pf_value_t *roles = pf_value_array();
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "title", "Ecommerce Search Manager - Synthetic Careers");
    pf_map_set_str(r, "url", "https://synthetic.example/careers/1");
    pf_map_set_str(r, "department", "product");
    pf_value_t *themes = pf_value_array();
    pf_array_push_str(themes, "search");
    pf_map_set(r, "themes", &themes);
    pf_array_push(roles, &r);
    pf_map_set(hd2, "relevant_roles", &roles);
    pf_value_t *hiring2 = s_wrap(&hd2);
    out = pf_mod_buying_committee_result(company, hiring2, execs2, profile);
    ck_assert_str_eq(s_field(out, "economic_buyer", "name"), "Jane Doe");
    ck_assert_str_eq(s_field(out, "champion", "title"), "Ecommerce Search Manager");
    ck_assert_str_eq(s_field(out, "user", "title"), "Ecommerce Search Manager");
    ck_assert_ptr_null(strstr(s_field(out, "user", "reason"), "Careers"));
    ck_assert_str_eq(s_field(out, "technical_evaluator", "basis"), "profile");
    ck_assert(s_is_missing(out, "technical_evaluator.name"));
    ck_assert(!s_is_missing(out, "economic_buyer.name"));
    ck_assert_int_eq(pf_map_get_int(pf_map_get(out, "data"), "personas_filled", -1), 3);
    pf_value_destroy(&out);

    /*  Only company_context: still the four personas to look for.         */
    out = pf_mod_buying_committee_result(company, NULL, NULL, profile);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(pf_map_get_int(pf_map_get(out, "data"), "personas_unnamed", -1), 4);
    ck_assert_ptr_nonnull(strstr(s_field(out, "user", "reason"),
                                 "hiring_signals gave no result"));
    pf_value_destroy(&out);

    /*  No input at all (absent or simulated): nothing true to say.        */
    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    ck_assert_ptr_null(pf_mod_buying_committee_result(NULL, NULL, NULL, profile));
    ck_assert_ptr_null(pf_mod_buying_committee_result(sim, sim, sim, profile));
    pf_value_destroy(&sim);
    pf_value_destroy(&company);
    pf_value_destroy(&execs);
    pf_value_destroy(&execs2);
    pf_value_destroy(&hiring);
    pf_value_destroy(&hiring2);
    pf_profile_destroy(&profile);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_mod_buying_committee");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_c_level);
    tcase_add_test(tc, test_personas);
    tcase_add_test(tc, test_posting_title);
    tcase_add_test(tc, test_profile_personas);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
