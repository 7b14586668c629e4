/*  pf_mod_case_study_matching.c — the case_study_matching module (see
    pf_mod_case_study_matching.h and docs/MODULES.md).                     */
#include "pf_mod_case_study_matching.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_facts.h"
#include "pf_input.h"
#include "pf_modjob.h"
#include "pf_words.h"

#define S_COMPANY "company_context"
#define S_TECH "technology_stack"
/*  The size bands in order; a case study names one of them.               */
static const char *const s_bands[] = {"smb", "mid-market", "enterprise"};
#define S_BANDS (sizeof s_bands / sizeof s_bands[0])
/*  Room for one "why" sentence.                                            */
#define S_WHY_MAX 768

/*  ---- pure logic ------------------------------------------------------- */

int
pf_mod_case_study_matching_band(const pf_profile_t *profile, int64_t employees)
{
    const pf_profile_case_matching_t *m = pf_profile_case_matching(profile);
    if (employees >= m->enterprise_employees)
        return 2;
    return employees >= m->mid_market_employees ? 1 : 0;
}

int
pf_mod_case_study_matching_band_index(const char *size_band)
{
    for (size_t i = 0; size_band && i < S_BANDS; i++)
        if (strcmp(size_band, s_bands[i]) == 0)
            return (int) i;
    return -1;
}

/*  True when the words of needle stand whole in hay (both texts).          */
static bool
s_names(const char *hay, const char *needle)
{
    pf_words_t h, n;
    pf_words_init(&h, hay);
    pf_words_init(&n, needle);
    size_t len = strlen(n.text);
    if (len < 3)                        /* " " alone: no words               */
        return false;
    n.text[len - 1] = '\0';             /* the phrase without its end spaces */
    return pf_words_has(&h, n.text + 1);
}

bool
pf_mod_case_study_matching_industry(const char *case_industry, const char *company)
{
    if (!case_industry || !company)
        return false;
    return s_names(company, case_industry) || s_names(case_industry, company);
}

/*  The profile entry (displaceable or fit) that name names, or NULL.      */
static const pf_profile_tech_t *
s_entry(const pf_profile_t *profile, const char *name)
{
    const pf_profile_tech_t *t = pf_profile_displaceable_find(profile, name);
    return t ? t : pf_profile_fit_find(profile, name);
}

bool
pf_mod_case_study_matching_runs(const pf_value_t *technologies, const pf_profile_t *profile,
                                const char *name)
{
    const pf_profile_tech_t *want = s_entry(profile, name);
    for (size_t i = 0; i < pf_array_size(technologies); i++) {
        const char *have = pf_map_get_str(pf_array_at(technologies, i), "name");
        if (!have)
            continue;
        if (strcasecmp(have, name) == 0)
            return true;
        if (want && s_entry(profile, have) == want)
            return true;
    }
    return false;
}

/*  One case study's score and its parts.                                   */
typedef struct {
    const pf_profile_case_t *c;       /* the case study                     */
    size_t order;                     /* its place in the profile           */
    double score;                     /* 0..100                             */
    bool industry;                    /* the industry matched               */
    pf_value_t *in_use;               /* its technologies the site runs     */
    size_t n_techs;                   /* its technologies in all            */
    int band_distance;                /* -1: unknown                        */
} s_scored_t;

static int
s_by_score(const void *a, const void *b)
{
    const s_scored_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->order < y->order ? -1 : (x->order > y->order ? 1 : 0);
}

/*  Scores case c against what is known; techs and industry may be NULL
    (the input is unknown), band -1 (size unknown).                        */
static void
s_score(s_scored_t *s, const pf_profile_t *profile, const char *industry,
        const pf_value_t *techs, bool have_techs, int band)
{
    const pf_profile_case_matching_t *m = pf_profile_case_matching(profile);
    const pf_profile_case_t *c = s->c;
    s->industry = pf_mod_case_study_matching_industry(c->industry, industry);
    s->in_use = pf_value_array();
    s->n_techs = c->n_replaced + c->n_platforms;
    size_t used = 0;
    for (size_t i = 0; have_techs && i < s->n_techs; i++) {
        const char *name = i < c->n_replaced ? c->replaced[i] : c->platforms[i - c->n_replaced];
        if (pf_mod_case_study_matching_runs(techs, profile, name)) {
            pf_array_push_str(s->in_use, name);
            used++;
        }
    }
    int cb = pf_mod_case_study_matching_band_index(c->size_band);
    s->band_distance = band >= 0 && cb >= 0 ? abs(band - cb) : -1;
    s->score = (s->industry ? m->industry : 0) +
               (s->n_techs ? m->technology * (double) used / (double) s->n_techs : 0);
    if (s->band_distance >= 0)
        s->score += m->size * (1.0 - s->band_distance / (double) (S_BANDS - 1));
}

/*  The why sentences of a scored case.                                    */
static pf_value_t *
s_why(const s_scored_t *s, const char *industry, const char *band_name)
{
    pf_value_t *why = pf_value_array();
    char line[S_WHY_MAX];
    if (s->industry) {
        snprintf(line, sizeof line, "same industry: %s (the company: %s)", s->c->industry,
                 industry);
        pf_array_push_str(why, line);
    }
    size_t n = pf_array_size(s->in_use);
    if (n > 0) {
        int len = snprintf(line, sizeof line, "the site runs %zu of its %zu technologies:", n,
                           s->n_techs);
        for (size_t i = 0; i < n && len > 0 && (size_t) len < sizeof line; i++)
            len += snprintf(line + len, sizeof line - (size_t) len, "%s %s", i ? "," : "",
                            pf_value_as_str(pf_array_at(s->in_use, i), NULL));
        pf_array_push_str(why, line);
    }
    if (s->band_distance == 0) {
        snprintf(line, sizeof line, "same size band: %s", band_name);
        pf_array_push_str(why, line);
    } else if (s->band_distance == 1) {
        snprintf(line, sizeof line, "next size band: %s (the company: %s)", s->c->size_band,
                 band_name);
        pf_array_push_str(why, line);
    }
    return why;
}

static pf_value_t *
s_match(const s_scored_t *s, const char *industry, const char *band_name)
{
    const pf_profile_case_t *c = s->c;
    pf_value_t *m = pf_value_map();
    pf_map_set_str(m, "id", c->id);
    pf_map_set_str(m, "customer", c->customer);
    pf_map_set_str(m, "industry", c->industry);
    pf_map_set_str(m, "size_band", c->size_band);
    pf_map_set_int(m, "score", lround(s->score));
    pf_map_set_bool(m, "industry_match", s->industry);
    pf_value_t *in_use = pf_value_dup(s->in_use);
    pf_map_set(m, "technologies_in_use", &in_use);
    if (s->band_distance >= 0)
        pf_map_set_int(m, "size_band_distance", s->band_distance);
    pf_value_t *why = s_why(s, industry, band_name);
    pf_map_set(m, "why", &why);
    pf_value_t *outcomes = pf_value_array();
    for (size_t i = 0; i < c->n_outcomes; i++) {
        pf_value_t *o = pf_value_map();
        pf_map_set_str(o, "metric", c->outcomes[i].metric);
        pf_map_set_float(o, "change_pct", c->outcomes[i].change_pct);
        pf_array_push(outcomes, &o);
    }
    pf_map_set(m, "outcomes", &outcomes);
    if (*c->summary)
        pf_map_set_str(m, "summary", c->summary);
    return m;
}

pf_value_t *
pf_mod_case_study_matching_result(const pf_value_t *inputs, const pf_profile_t *profile)
{
    pf_facts_t *facts = pf_facts_new();
    char why[PF_INPUT_WHY_MAX];
    const pf_value_t *company = pf_input_data(inputs, S_COMPANY, why, sizeof why);
    char industry[2 * PF_PROFILE_TEXT_MAX + 4] = "";
    int band = -1;
    if (company) {
        int src = pf_facts_module(facts, S_COMPANY);
        const char *ind = pf_map_get_str(company, "industry");
        const char *sec = pf_map_get_str(company, "sector");
        snprintf(industry, sizeof industry, "%s%s%s", ind ? ind : "", ind && sec ? "; " : "",
                 sec ? sec : "");
        if (!*industry)
            pf_facts_missing(facts, "industry_match", "company_context names no industry");
        int64_t employees = pf_map_get_int(company, "employees", -1);
        if (employees > 0) {
            band = pf_mod_case_study_matching_band(profile, employees);
            pf_facts_set_str(facts, "company_size_band", s_bands[band], src);
        } else {
            pf_facts_missing(facts, "company_size_band",
                             "company_context gives no employee count");
        }
    } else {
        pf_facts_missing(facts, "industry_match", why);
        pf_facts_missing(facts, "company_size_band", why);
    }
    const pf_value_t *tech = pf_input_data(inputs, S_TECH, why, sizeof why);
    const pf_value_t *techs = pf_map_get(tech, "technologies");
    if (tech)
        pf_facts_module(facts, S_TECH);
    if (!tech)
        pf_facts_missing(facts, "technology_match", why);
    else if (!techs)
        pf_facts_missing(facts, "technology_match", "technology_stack lists no technologies");

    size_t n = pf_profile_case_count(profile);
    s_scored_t *scored = pf_calloc(n ? n : 1, sizeof *scored);
    for (size_t i = 0; i < n; i++) {
        scored[i].c = pf_profile_case_at(profile, i);
        scored[i].order = i;
        s_score(&scored[i], profile, *industry ? industry : NULL, techs, techs != NULL, band);
    }
    qsort(scored, n, sizeof *scored, s_by_score);
    pf_value_t *matches = pf_value_array();
    for (size_t i = 0; i < n && pf_array_size(matches) < PF_MOD_CASE_STUDY_MATCHING_TOP; i++) {
        if (scored[i].score <= 0)
            break;
        pf_value_t *m = s_match(&scored[i], industry, band >= 0 ? s_bands[band] : "unknown");
        pf_array_push(matches, &m);
    }
    for (size_t i = 0; i < n; i++)
        pf_value_destroy(&scored[i].in_use);
    free(scored);
    const pf_profile_case_matching_t *w = pf_profile_case_matching(profile);
    char how[S_WHY_MAX];
    snprintf(how, sizeof how, "case studies of the seller profile (%s) scored: industry %d, "
             "technology %d, size %d points", pf_profile_seller(profile), w->industry,
             w->technology, w->size);
    int derived = pf_facts_derived(facts, how);
    pf_facts_set(facts, "matches", &matches, derived);
    pf_facts_set_int(facts, "cases_considered", (int64_t) n, derived);
    pf_facts_set_bool(facts, "sample", pf_profile_sample(profile), derived);
    pf_value_t *result = pf_facts_result(&facts);
    if (pf_input_synthetic(inputs, S_COMPANY) || pf_input_synthetic(inputs, S_TECH))
        pf_map_set_bool(result, "synthetic", true);
    return result;
}

/*  ---- the actor side -------------------------------------------------- */

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_run_profiled(actor, task, pf_mod_case_study_matching_result, "internal",
                           "no result could be built");
}

const pf_module_t pf_mod_case_study_matching = {"case_study_matching", s_run};
