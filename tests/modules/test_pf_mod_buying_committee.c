/*  test_pf_mod_buying_committee.c — buying_committee's rules: C-level
    titles, each persona from executives first and hiring second, with the
    reason; absent or simulated inputs; failure when no persona has a
    basis.                                                                  */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_buying_committee.h"
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
    pf_value_t *out = pf_mod_buying_committee_result(company, hiring, execs);
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
    out = pf_mod_buying_committee_result(company, NULL, execs2);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(s_field(out, "economic_buyer", "name"), "Jane Doe");
    ck_assert(s_is_missing(out, "champion"));
    ck_assert(s_is_missing(out, "technical_evaluator"));
    ck_assert(s_is_missing(out, "user"));
    pf_value_destroy(&out);

    /*  Executives simulated: counts as absent; hiring still fills three.  */
    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    out = pf_mod_buying_committee_result(company, hiring, sim);
    ck_assert_ptr_nonnull(out);
    ck_assert(s_is_missing(out, "economic_buyer"));
    ck_assert_str_eq(s_field(out, "champion", "basis"), "hiring");
    pf_value_destroy(&out);

    /*  Nothing at all: no basis, the task fails.                           */
    ck_assert_ptr_null(pf_mod_buying_committee_result(company, NULL, sim));
    pf_value_destroy(&sim);
    pf_value_destroy(&execs);
    pf_value_destroy(&execs2);
    pf_value_destroy(&hiring);
    pf_value_destroy(&company);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_mod_buying_committee");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_c_level);
    tcase_add_test(tc, test_personas);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
