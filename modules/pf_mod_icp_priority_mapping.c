/*  pf_mod_icp_priority_mapping.c — the icp_priority_mapping module (see
    pf_mod_icp_priority_mapping.h and docs/MODULES.md).                    */
#include "pf_mod_icp_priority_mapping.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pf_facts.h"
#include "pf_input.h"
#include "pf_modjob.h"
#include "pf_words.h"

/*  Room for one factor's reason.                                           */
#define S_REASON_MAX (4 * PF_PROFILE_TEXT_MAX)
/*  Scores are reported to one decimal: finer is false precision.           */
#define S_DECIMALS 10.0

/*  ---- pure logic ------------------------------------------------------- */

double
pf_mod_icp_priority_mapping_scale(double value, double floor, double full)
{
    if (!isfinite(value) || value <= floor || floor <= 0 || full <= floor)
        return 0.0;
    if (value >= full)
        return 1.0;
    return (log10(value) - log10(floor)) / (log10(full) - log10(floor));
}

/*  A factor's outcome: fraction of its weight and why.                     */
typedef struct {
    double fraction;                  /* 0..1                               */
    bool known;                       /* false: it could not be judged      */
    char reason[S_REASON_MAX];        /* for people                         */
} s_outcome_t;

/*  The missing reason of field in an upstream result, or "".               */
static const char *
s_upstream_reason(const pf_value_t *inputs, const char *module, const char *field)
{
    const pf_value_t *missing = pf_map_get(pf_map_get(inputs, module), "missing");
    for (size_t i = 0; i < pf_array_size(missing); i++) {
        const pf_value_t *m = pf_array_at(missing, i);
        const char *f = pf_map_get_str(m, "field");
        const char *r = pf_map_get_str(m, "reason");
        if (f && r && strcmp(f, field) == 0)
            return r;
    }
    return "";
}

static void
s_unknown(s_outcome_t *o, const pf_value_t *inputs, const char *module, const char *field)
{
    const char *r = s_upstream_reason(inputs, module, field);
    snprintf(o->reason, sizeof o->reason, "%s gives no %s%s%s", module, field,
             *r ? ": " : "", r);
}

static void
s_revenue(s_outcome_t *o, const pf_value_t *inputs, const char *module, const pf_value_t *d,
          const pf_profile_icp_rules_t *rules)
{
    const pf_value_t *rev = pf_map_get(d, "revenue_latest");
    const pf_value_t *value = pf_map_get(rev, "value");
    const char *currency = pf_map_get_str(rev, "currency");
    if (!value) {
        s_unknown(o, inputs, module, "revenue_latest");
        return;
    }
    if (!currency || strcmp(currency, "USD") != 0) {
        snprintf(o->reason, sizeof o->reason, "revenue in %s, not USD: not compared",
                 currency ? currency : "an unknown currency");
        return;
    }
    double v = pf_value_as_float(value, 0);
    o->known = true;
    o->fraction = pf_mod_icp_priority_mapping_scale(v, rules->revenue_floor,
                                                    rules->revenue_full);
    snprintf(o->reason, sizeof o->reason, "revenue %.0f USD (fiscal year %lld); full points "
             "from %.0f, none below %.0f", v, (long long) pf_map_get_int(rev, "fiscal_year", 0),
             rules->revenue_full, rules->revenue_floor);
}

static void
s_traffic(s_outcome_t *o, const pf_value_t *inputs, const char *module, const pf_value_t *d,
          const pf_profile_icp_rules_t *rules)
{
    const pf_value_t *visits = pf_map_get(d, "monthly_visits");
    if (!visits) {
        s_unknown(o, inputs, module, "monthly_visits");
        return;
    }
    double v = pf_value_as_float(visits, 0);
    o->known = true;
    o->fraction = pf_mod_icp_priority_mapping_scale(v, rules->visits_floor, rules->visits_full);
    snprintf(o->reason, sizeof o->reason, "%.0f visits in the latest month; full points from "
             "%.0f, none below %.0f", v, rules->visits_full, rules->visits_floor);
}

/*  "a, b, c" of the names of a technology_stack seller list into out.     */
static void
s_names(const pf_value_t *list, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < pf_array_size(list) && len < size; i++) {
        const char *name = pf_map_get_str(pf_array_at(list, i), "name");
        int n = snprintf(out + len, size - len, "%s%s", i ? ", " : "", name ? name : "?");
        if (n < 0)
            break;
        len += (size_t) n;
    }
}

static void
s_techs(s_outcome_t *o, const pf_value_t *inputs, const char *module, const pf_value_t *d,
        const char *field, const pf_profile_icp_rules_t *rules)
{
    const pf_value_t *list = pf_map_get(d, field);
    if (!pf_value_is(list, PF_ARRAY)) {
        s_unknown(o, inputs, module, field);
        return;
    }
    size_t n = pf_array_size(list);
    char names[S_REASON_MAX / 2];
    s_names(list, names, sizeof names);
    o->known = true;
    if (strcmp(field, "fit") == 0) {
        size_t full = (size_t) rules->fit_full;
        o->fraction = n >= full ? 1.0 : (double) n / (double) full;
        snprintf(o->reason, sizeof o->reason, "%zu fit technolog%s detected%s%s; full points "
                 "from %d", n, n == 1 ? "y" : "ies", n ? ": " : "", names, rules->fit_full);
    } else {
        o->fraction = n > 0 ? 1.0 : 0.0;
        snprintf(o->reason, sizeof o->reason, n ? "incumbent the seller displaces: %s"
                                                : "no displaceable incumbent detected%s",
                 names);
    }
}

/*  "industry I (sector S)", "industry I" or "sector S": the words of the
    reason for what company_context knows (one of the two may be absent). */
static void
s_industry_label(char *out, size_t size, const char *industry, const char *sector)
{
    if (industry && sector)
        snprintf(out, size, "industry %s (sector %s)", industry, sector);
    else if (industry)
        snprintf(out, size, "industry %s", industry);
    else
        snprintf(out, size, "sector %s", sector);
}

static void
s_industry(s_outcome_t *o, const pf_value_t *inputs, const char *module, const pf_value_t *d,
           const pf_profile_t *profile)
{
    const char *industry = pf_map_get_str(d, "industry");
    const char *sector = pf_map_get_str(d, "sector");
    if (!industry && !sector) {
        s_unknown(o, inputs, module, "industry");
        return;
    }
    /*  Matched on both at once; the separator keeps their words apart.   */
    char text[2 * PF_PROFILE_TEXT_MAX + 4];
    snprintf(text, sizeof text, "%s; %s", industry ? industry : "", sector ? sector : "");
    char label[2 * PF_PROFILE_TEXT_MAX + sizeof "industry  (sector )"];
    pf_words_t words;
    pf_words_init(&words, text);
    o->known = true;
    for (size_t i = 0; i < pf_profile_industry_count(profile); i++) {
        const char *want = pf_profile_industry_at(profile, i);
        pf_words_t phrase;
        pf_words_init(&phrase, want);
        size_t len = strlen(phrase.text);
        if (len < 3)
            continue;
        phrase.text[len - 1] = '\0';
        if (pf_words_has(&words, phrase.text + 1)) {
            o->fraction = 1.0;
            s_industry_label(label, sizeof label, industry, sector);
            snprintf(o->reason, sizeof o->reason, "%s names %s, one of the profile's industries",
                     label, want);
            return;
        }
    }
    s_industry_label(label, sizeof label, industry, sector);
    snprintf(o->reason, sizeof o->reason, "%s names none of the profile's industries", label);
}

/*  Judges factor f from inputs.                                            */
static void
s_factor(s_outcome_t *o, const pf_value_t *inputs, const pf_profile_factor_t *f,
         const pf_profile_t *profile)
{
    memset(o, 0, sizeof *o);
    const pf_value_t *d = pf_input_data(inputs, f->input, o->reason, sizeof o->reason);
    if (!d)
        return;
    const pf_profile_icp_rules_t *rules = pf_profile_icp_rules(profile);
    if (strcmp(f->name, "revenue_scale") == 0)
        s_revenue(o, inputs, f->input, d, rules);
    else if (strcmp(f->name, "traffic_scale") == 0)
        s_traffic(o, inputs, f->input, d, rules);
    else if (strcmp(f->name, "technology_fit") == 0)
        s_techs(o, inputs, f->input, d, "fit", rules);
    else if (strcmp(f->name, "displaceable_incumbent") == 0)
        s_techs(o, inputs, f->input, d, "displaceable", rules);
    else if (strcmp(f->name, "industry_fit") == 0)
        s_industry(o, inputs, f->input, d, profile);
    else
        snprintf(o->reason, sizeof o->reason, "no rule for a factor named %s", f->name);
}

static double
s_round(double x)
{
    return round(x * S_DECIMALS) / S_DECIMALS;
}

pf_value_t *
pf_mod_icp_priority_mapping_result(const pf_value_t *inputs, const pf_profile_t *profile)
{
    pf_facts_t *facts = pf_facts_new();
    pf_value_t *factors = pf_value_array();
    pf_value_t *unknown = pf_value_array();
    double score = 0;
    bool synthetic = false;
    for (size_t i = 0; i < pf_profile_factor_count(profile); i++) {
        const pf_profile_factor_t *f = pf_profile_factor_at(profile, i);
        s_outcome_t o;
        s_factor(&o, inputs, f, profile);
        if (o.known) {
            pf_facts_module(facts, f->input);
            synthetic = synthetic || pf_input_synthetic(inputs, f->input);
        } else {
            pf_array_push_str(unknown, f->name);
        }
        /*  Rounded before summing, so the score is the sum of the points
            the factors show.                                               */
        double points = s_round(f->weight * o.fraction);
        score += points;
        pf_value_t *m = pf_value_map();
        pf_map_set_str(m, "name", f->name);
        pf_map_set_str(m, "input", f->input);
        pf_map_set_int(m, "weight", f->weight);
        pf_map_set_bool(m, "known", o.known);
        pf_map_set_float(m, "points", points);
        pf_map_set_str(m, "reason", o.reason);
        pf_array_push(factors, &m);
    }
    score = s_round(score);
    char tier[2] = {pf_profile_tier(profile, score), '\0'};
    char how[S_REASON_MAX];
    snprintf(how, sizeof how, "sum of the factors of the seller profile (%s) icp, each its "
             "weight times the fraction its rule gives (icp.rules); tier by icp.tiers",
             pf_profile_seller(profile));
    int derived = pf_facts_derived(facts, how);
    pf_facts_set_float(facts, "score", score, derived);
    pf_facts_set_str(facts, "tier", tier, derived);
    pf_facts_set(facts, "factors", &factors, derived);
    pf_facts_set(facts, "unknown_factors", &unknown, derived);
    pf_value_t *result = pf_facts_result(&facts);
    if (synthetic)
        pf_map_set_bool(result, "synthetic", true);
    return result;
}

/*  ---- the actor side -------------------------------------------------- */

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_run_profiled(actor, task, pf_mod_icp_priority_mapping_result, "internal",
                           "no result could be built");
}

const pf_module_t pf_mod_icp_priority_mapping = {"icp_priority_mapping", s_run};
