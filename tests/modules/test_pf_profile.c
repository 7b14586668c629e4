/*  test_pf_profile.c — the seller profile loader (modules/pf_profile.h):
    the shipped profile loads and reads back; each kind of invalid file is
    refused with the JSON path of the problem named.  Invalid files are the
    shipped one with one change, written to a temporary file.              */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_check.h"
#include "pf_graph.h"
#include "pf_profile.h"

/*  The shipped profile: the compiled-in default, with the env unset.      */
static const char *
s_shipped(void)
{
    unsetenv(PF_PROFILE_ENV);
    return pf_profile_path(NULL);
}

/*  Sets (or with value NULL removes) the node at a path like
    "icp.factors[0].weight" in root; takes value.                          */
static void
s_set(json_t *root, const char *path, json_t *value)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *node = root;
    char *save = NULL;
    char *tok = strtok_r(buf, ".", &save);
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        char *bracket = strchr(tok, '[');
        size_t index = 0;
        if (bracket) {
            *bracket = '\0';
            index = strtoul(bracket + 1, NULL, 10);
        }
        if (!next && !bracket) {
            if (value)
                json_object_set_new(node, tok, value);
            else
                json_object_del(node, tok);
            return;
        }
        node = json_object_get(node, tok);
        ck_assert_ptr_nonnull(node);
        if (bracket) {
            if (!next) {
                ck_assert(json_is_array(node));
                if (value)
                    json_array_set_new(node, index, value);
                else
                    json_array_remove(node, index);
                return;
            }
            node = json_array_get(node, index);
            ck_assert_ptr_nonnull(node);
        }
        tok = next;
    }
}

/*  Writes root to a fresh temporary file; returns its path (free it and
    unlink it).                                                             */
static char *
s_write(const json_t *root)
{
    char *path = strdup("/tmp/pf-profile-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(json_dump_file(root, path, JSON_INDENT(1)), 0);
    return path;
}

/*  Loads path expecting failure; checks the message names want.           */
static void
s_refused(const char *path, const char *want)
{
    char err[PF_PROFILE_ERROR_MAX];
    err[0] = '\0';
    pf_profile_t *p = pf_profile_load(path, err, sizeof err);
    if (p)
        pf_profile_destroy(&p);
    ck_assert_msg(p == NULL, "profile loaded; wanted an error with '%s'", want);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' does not name '%s'", err, want);
    ck_assert_msg(strstr(err, path) == err, "error '%s' does not start with the file", err);
}

START_TEST(test_shipped_loads)
{
    char err[PF_PROFILE_ERROR_MAX] = "";
    pf_profile_t *p = pf_profile_load(s_shipped(), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_str_eq(pf_profile_seller(p), "Example Search");
    ck_assert(pf_profile_sample(p));
    ck_assert_str_eq(pf_profile_file(p), s_shipped());
    ck_assert_str_ne(pf_profile_product(p), "");

    /*  Lookups ignore case and know aliases.                               */
    const pf_profile_tech_t *t = pf_profile_displaceable_find(p, "algolia");
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t->name, "Algolia");
    ck_assert_str_eq(t->categories[0], "Site Search");
    t = pf_profile_displaceable_find(p, "Constructor.io");
    ck_assert_ptr_nonnull(t);

    /*  The four buying-committee personas, each with titles and a reason. */
    ck_assert_uint_eq(pf_profile_persona_count(p), 4);
    const pf_profile_persona_t *persona = pf_profile_persona_find(p, "economic_buyer");
    ck_assert_ptr_nonnull(persona);
    ck_assert_ptr_eq(persona, pf_profile_persona_at(p, 0));
    ck_assert_str_eq(persona->titles[0], "Chief Digital Officer");
    ck_assert_str_ne(persona->reason, "");
    ck_assert_ptr_nonnull(pf_profile_persona_find(p, "user"));
    ck_assert_ptr_null(pf_profile_persona_find(p, "sponsor"));
    ck_assert_ptr_null(pf_profile_persona_at(p, 4));
    ck_assert_str_eq(t->name, "Constructor");
    ck_assert_ptr_null(pf_profile_displaceable_find(p, "Akamai"));
    ck_assert_ptr_nonnull(pf_profile_fit_find(p, "Akamai"));
    ck_assert_ptr_nonnull(pf_profile_fit_find(p, "Magento"));
    ck_assert_ptr_null(pf_profile_fit_find(p, "Algolia"));
    ck_assert_ptr_null(pf_profile_fit_find(p, NULL));
    ck_assert_ptr_null(pf_profile_displaceable_at(p, pf_profile_displaceable_count(p)));

    int sum = 0;
    for (size_t i = 0; i < pf_profile_factor_count(p); i++) {
        const pf_profile_factor_t *f = pf_profile_factor_at(p, i);
        sum += f->weight;
        ck_assert_int_ge(pf_graph_find(f->input), 0);
    }
    ck_assert_int_eq(sum, 100);
    sum = 0;
    for (size_t i = 0; i < pf_profile_signal_count(p); i++) {
        const pf_profile_signal_t *s = pf_profile_signal_at(p, i);
        sum += s->weight;
        ck_assert_int_gt(s->half_life_days, 0);
    }
    ck_assert_int_eq(sum, 100);
    ck_assert_int_gt(pf_profile_industry_count(p), 0);

    ck_assert_int_eq(pf_profile_tier_min(p, 3), 0);
    ck_assert_int_eq(pf_profile_tier(p, 100), 'A');
    ck_assert_int_eq(pf_profile_tier(p, pf_profile_tier_min(p, 0)), 'A');
    ck_assert_int_eq(pf_profile_tier(p, pf_profile_tier_min(p, 0) - 0.5), 'B');
    ck_assert_int_eq(pf_profile_tier(p, pf_profile_tier_min(p, 2)), 'C');
    ck_assert_int_eq(pf_profile_tier(p, 0), 'D');
    ck_assert_int_eq(pf_profile_tier(p, -3), 'D');

    /*  The shipped rules and timing, as docs/MODULES.md states them.      */
    const pf_profile_icp_rules_t *rules = pf_profile_icp_rules(p);
    ck_assert_double_eq(rules->revenue_floor, 1e7);
    ck_assert_double_eq(rules->revenue_full, 1e10);
    ck_assert_double_eq(rules->visits_floor, 1e5);
    ck_assert_double_eq(rules->visits_full, 1e8);
    ck_assert_int_eq(rules->fit_full, 3);
    const pf_profile_signal_timing_t *timing = pf_profile_signal_timing(p);
    ck_assert_int_eq(timing->act_now, 50);
    ck_assert_int_eq(timing->nurture, 20);
    ck_assert_int_eq(timing->full_strength, 3);
    /*  leadership_change counts dated evidence naming an event and a role. */
    const pf_profile_signal_t *lead = NULL;
    for (size_t i = 0; i < pf_profile_signal_count(p); i++)
        if (strcmp(pf_profile_signal_at(p, i)->name, "leadership_change") == 0)
            lead = pf_profile_signal_at(p, i);
    ck_assert_ptr_nonnull(lead);
    ck_assert(lead->dated_only);
    ck_assert_int_eq(lead->n_require, 2);
    ck_assert_int_gt(lead->require[1].n_words, 0);

    const pf_profile_displacement_t *dis = pf_profile_displacement(p);
    ck_assert_int_eq(dis->incumbent + dis->tenure + dis->switching + dis->peers, 100);
    ck_assert_int_ge(dis->tenure_years, 1);
    ck_assert_int_ge(dis->switching_full, 1);
    ck_assert_int_ge(dis->peers_full, 1);

    /*  10-15 sample case studies; every technology they replaced is one
        the profile says it can displace.                                   */
    ck_assert_int_ge(pf_profile_case_count(p), 10);
    ck_assert_int_le(pf_profile_case_count(p), 15);
    for (size_t i = 0; i < pf_profile_case_count(p); i++) {
        const pf_profile_case_t *c = pf_profile_case_at(p, i);
        ck_assert_int_ge(c->n_outcomes, 1);
        for (size_t r = 0; r < c->n_replaced; r++)
            ck_assert_msg(pf_profile_displaceable_find(p, c->replaced[r]) != NULL,
                          "%s replaced unknown %s", c->id, c->replaced[r]);
    }
    pf_profile_destroy(&p);
    ck_assert_ptr_null(p);
    pf_profile_destroy(&p);
    pf_profile_destroy(NULL);
}
END_TEST

START_TEST(test_path_order)
{
    setenv(PF_PROFILE_ENV, "/from/env.json", 1);
    ck_assert_str_eq(pf_profile_path("/from/flag.json"), "/from/flag.json");
    ck_assert_str_eq(pf_profile_path(NULL), "/from/env.json");
    setenv(PF_PROFILE_ENV, "", 1);
    ck_assert_str_ne(pf_profile_path(NULL), "");
    unsetenv(PF_PROFILE_ENV);
    ck_assert(strstr(pf_profile_path(""), "site-search.json") != NULL);
}
END_TEST

START_TEST(test_install)
{
    ck_assert_ptr_null(pf_profile_current());
    pf_profile_t *p = pf_profile_load(s_shipped(), NULL, 0);
    ck_assert_ptr_nonnull(p);
    const pf_profile_t *loaded = p;
    pf_profile_install(&p);
    ck_assert_ptr_null(p);
    ck_assert_ptr_eq(pf_profile_current(), loaded);
    pf_profile_t *q = pf_profile_load(s_shipped(), NULL, 0);
    pf_profile_install(&q);     /* frees the first (ASan checks)            */
    ck_assert_ptr_ne(pf_profile_current(), NULL);
    pf_profile_install(NULL);
    ck_assert_ptr_null(pf_profile_current());
}
END_TEST

/*  One invalid variant: path set to value (a JSON text; NULL removes).    */
typedef struct {
    const char *path;                /* where the change is                 */
    const char *value;               /* JSON text, or NULL to remove        */
    const char *want;                /* substring of the error              */
} s_case_t;

static const s_case_t s_cases[] = {
    {"colour", "\"blue\"", "$.colour: unknown key"},
    {"format", "3", "$.format: must be an integer in [2, 2]"},
    {"format", "1", "$.format: 1 is the earlier format: format 2 adds icp.rules, signal_timing "
                    "and personas (docs/MODULES.md, the seller profile)"},
    {"format", NULL, "$.format: is required"},
    {"sample", "\"yes\"", "$.sample: must be true or false"},
    {"seller.name", NULL, "$.seller.name: is required"},
    {"seller.name", "\"\"", "$.seller.name: must be 1 to 512 bytes"},
    {"seller.product", "42", "$.seller.product: must be a string"},
    {"seller.slogan", "\"x\"", "$.seller.slogan: unknown key"},
    {"displaceable", "{}", "$.displaceable: must be an array"},
    {"displaceable[0].categories", "[]", "$.displaceable[0].categories: must have 1 to"},
    {"displaceable[0].categories", "[\"CDN\", \"cdn\"]",
     "$.displaceable[0].categories[1]: 'cdn' is listed twice"},
    {"displaceable[1].name", "\"algolia\"", "$.displaceable[1]: 'algolia' is already listed"},
    {"displaceable[0].aliases", "[\"ALGOLIA\"]", "$.displaceable[0]: alias 'ALGOLIA' repeats"},
    {"displaceable[0].reason", "\"" "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123" "x\"",
     "$.displaceable[0].reason: must be 1 to 512 bytes"},
    {"fit[0].name", "\"Coveo\"", "$.fit[0]: 'Coveo' is also in $.displaceable"},
    {"fit[0].aliases", "[\"Swiftype\"]", "$.fit[0]: 'Shopify Plus' is also in $.displaceable"},
    {"icp.factors[0].weight", "26", "$.icp.factors: weights sum to 101, not 100"},
    {"icp.factors[0].weight", "\"25\"", "$.icp.factors[0].weight: must be an integer"},
    {"icp.factors[0].weight", "0", "$.icp.factors[0].weight: must be an integer in [1, 100]"},
    {"icp.factors[0].input", "\"nonsense\"", "$.icp.factors[0].input: 'nonsense' is not a module"},
    {"icp.factors[0].name", "\"Revenue Scale\"", "$.icp.factors[0].name: 'Revenue Scale' must be snake_case"},
    {"icp.factors[1].name", "\"revenue_scale\"", "$.icp.factors[1].name: 'revenue_scale' is listed twice"},
    {"icp.factors", "[]", "$.icp.factors: must have 1 to 16 entries"},
    {"icp.tiers.B", "80", "$.icp.tiers.B: must be below tier A's 75"},
    {"icp.tiers.D", "5", "$.icp.tiers.D: must be 0"},
    {"icp.tiers.E", "0", "$.icp.tiers.E: unknown key"},
    {"icp.tiers.C", NULL, "$.icp.tiers.C: is required"},
    {"icp.industries", "\"Retail\"", "$.icp.industries: must be an array of strings"},
    {"signals[0].half_life_days", "0", "$.signals[0].half_life_days: must be an integer in [1, 3650]"},
    {"signals[1].weight", "5", "$.signals: weights sum to 80, not 100"},
    {"signals[0].input", "\"hiring\"", "$.signals[0].input: 'hiring' is not a module"},
    {"signals[2].dated_only", "\"yes\"", "$.signals[2].dated_only: must be true or false"},
    {"signals[2].require", "[]", "$.signals[2].require: must be an array of 1 to 32 word lists"},
    {"signals[2].require", "[[\"names\"], []]",
     "$.signals[2].require[1]: must be an array of 1 to 32 strings"},
    {"signals[2].require", "[[\"names\", 7]]", "$.signals[2].require[0][1]: must be a string"},
    {"signals[2].also_inputs", "[\"nonsense\"]",
     "$.signals[2].also_inputs[0]: 'nonsense' is not a module"},
    {"signals[2].also_inputs", "[\"strategic_context\"]",
     "$.signals[2].also_inputs[0]: 'strategic_context' is the signal's input already"},
    {"signals[2].also_inputs", "\"investor_intelligence\"",
     "$.signals[2].also_inputs: must be an array of strings"},
    {"signal_timing", NULL, "$.signal_timing: is required"},
    {"signal_timing.nurture", "50", "$.signal_timing.nurture: must be below act_now's 50"},
    {"signal_timing.act_now", "101", "$.signal_timing.act_now: must be an integer in [1, 100]"},
    {"signal_timing.full_strength", "0",
     "$.signal_timing.full_strength: must be an integer in [1, 32]"},
    {"signal_timing.when", "1", "$.signal_timing.when: unknown key"},
    {"icp.rules", NULL, "$.icp.rules: is required"},
    {"icp.rules.revenue_scale.full", "1000",
     "$.icp.rules.revenue_scale.full: must be above floor's 1e+07"},
    {"icp.rules.traffic_scale.floor", "0",
     "$.icp.rules.traffic_scale.floor: must be a number in [1, 1e+15]"},
    {"icp.rules.traffic_scale.floor", NULL, "$.icp.rules.traffic_scale.floor: is required"},
    {"icp.rules.technology_fit.full", "0",
     "$.icp.rules.technology_fit.full: must be an integer in [1, 256]"},
    {"icp.rules.industry_fit", "{}", "$.icp.rules.industry_fit: unknown key"},
    {"case_studies[1].id", "\"cs-01\"", "$.case_studies[1].id: 'cs-01' is used twice"},
    {"case_studies[2].size_band", "\"huge\"", "$.case_studies[2].size_band: 'huge' must be smb"},
    {"case_studies[0].outcomes", "[]", "$.case_studies[0].outcomes: must have 1 to 32 entries"},
    {"case_studies[0].outcomes[0].change_pct", "-150",
     "$.case_studies[0].outcomes[0].change_pct: must be a number in [-100, 10000]"},
    {"case_studies[0].outcomes[0].change_pct", NULL,
     "$.case_studies[0].outcomes[0].change_pct: is required"},
    {"case_studies[3].replaced", "[1]", "$.case_studies[3].replaced[0]: must be a string"},
    {"case_studies[4]", "[]", "$.case_studies[4]: must be an object"},
    {"case_matching", NULL, "$.case_matching: is required"},
    {"case_matching.weights.size", "30", "$.case_matching.weights: weights sum to 110, not 100"},
    {"case_matching.weights.region", "0", "$.case_matching.weights.region: unknown key"},
    {"case_matching.employees.enterprise", "150",
     "$.case_matching.employees.enterprise: must be above mid-market's 200"},
    {"case_matching.employees.mid-market", "0",
     "$.case_matching.employees.mid-market: must be an integer in [1, 10000000]"},
    {"displacement", NULL, "$.displacement: is required"},
    {"displacement.weights.peers", "21", "$.displacement.weights: weights sum to 101, not 100"},
    {"displacement.weights.tenure", NULL, "$.displacement.weights.tenure: is required"},
    {"displacement.weights.luck", "0", "$.displacement.weights.luck: unknown key"},
    {"displacement.full.tenure_years", "0",
     "$.displacement.full.tenure_years: must be an integer in [1, 50]"},
    {"displacement.full", NULL, "$.displacement.full: is required"},
    {"personas", "{}", "$.personas: must be an array"},
    {"personas", "[]", "$.personas: must have 1 to 4 entries"},
    {"personas[0].name", "\"sponsor\"",
     "$.personas[0].name: 'sponsor' is not a persona (economic_buyer, champion, "
     "technical_evaluator, user)"},
    {"personas[1].name", "\"economic_buyer\"",
     "$.personas[1].name: 'economic_buyer' is listed twice"},
    {"personas[0].titles", "[]", "$.personas[0].titles: must have 1 to 32 entries"},
    {"personas[0].titles", NULL, "$.personas[0].titles: is required"},
    {"personas[2].reason", NULL, "$.personas[2].reason: is required"},
    {"personas[3].weight", "1", "$.personas[3].weight: unknown key"},
};

START_TEST(test_invalid_variant)
{
    const s_case_t *c = &s_cases[_i];
    json_error_t jerr;
    json_t *root = json_load_file(s_shipped(), 0, &jerr);
    ck_assert_ptr_nonnull(root);
    json_t *value = NULL;
    if (c->value) {
        value = json_loads(c->value, JSON_DECODE_ANY, &jerr);
        ck_assert_msg(value != NULL, "bad test value %s", c->value);
    }
    s_set(root, c->path, value);
    char *path = s_write(root);
    json_decref(root);
    s_refused(path, c->want);
    unlink(path);
    free(path);
}
END_TEST

/*  Too many case studies: the bound is checked before anything is read.  */
START_TEST(test_too_many_case_studies)
{
    json_error_t jerr;
    json_t *root = json_load_file(s_shipped(), 0, &jerr);
    json_t *cases = json_object_get(root, "case_studies");
    json_t *first = json_array_get(cases, 0);
    while (json_array_size(cases) <= PF_PROFILE_CASES_MAX)
        json_array_append_new(cases, json_deep_copy(first));
    char *path = s_write(root);
    json_decref(root);
    s_refused(path, "$.case_studies: must have 0 to 64 entries");
    unlink(path);
    free(path);
}
END_TEST

/*  Files that are not a profile at all.                                    */
static void
s_refused_text(const char *text, size_t len, const char *want)
{
    char path[] = "/tmp/pf-profile-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t) len);
    close(fd);
    s_refused(path, want);
    unlink(path);
}

/*  "personas" is optional: a profile without it loads, with none.       */
START_TEST(test_personas_optional)
{
    json_error_t jerr;
    json_t *root = json_load_file(s_shipped(), 0, &jerr);
    ck_assert_ptr_nonnull(root);
    s_set(root, "personas", NULL);
    char *path = s_write(root);
    json_decref(root);
    char err[PF_PROFILE_ERROR_MAX] = "";
    pf_profile_t *p = pf_profile_load(path, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_uint_eq(pf_profile_persona_count(p), 0);
    ck_assert_ptr_null(pf_profile_persona_find(p, "champion"));
    pf_profile_destroy(&p);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(test_not_a_profile)
{
    s_refused("/nonexistent/profile.json", "$: cannot open");
    s_refused_text("{\"format\": 1,", 13, "$: not valid JSON at line 1");
    s_refused_text("[]", 2, "$: must be an object");
    /*  The same key twice would make one of the values silently win.      */
    s_refused_text("{\"format\": 1, \"format\": 1}", 26, "$: not valid JSON");
    size_t big = PF_PROFILE_FILE_MAX + 1;
    char *text = malloc(big);
    memset(text, ' ', big);
    s_refused_text(text, big, "$: larger than 1048576 bytes");
    free(text);
    char err[PF_PROFILE_ERROR_MAX];
    ck_assert_ptr_null(pf_profile_load(NULL, err, sizeof err));
    ck_assert_ptr_null(pf_profile_load("", NULL, 0));
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_profile");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_shipped_loads);
    tcase_add_test(tc, test_path_order);
    tcase_add_test(tc, test_install);
    tcase_add_loop_test(tc, test_invalid_variant, 0, (int) (sizeof s_cases / sizeof s_cases[0]));
    tcase_add_test(tc, test_too_many_case_studies);
    tcase_add_test(tc, test_personas_optional);
    tcase_add_test(tc, test_not_a_profile);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
