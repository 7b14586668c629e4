/*  pf_mod_displacement_analysis.c — the displacement_analysis module (see
    pf_mod_displacement_analysis.h and docs/MODULES.md).                   */
#include "pf_mod_displacement_analysis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pf_facts.h"
#include "pf_modjob.h"
#include "pf_words.h"

#define S_TECHNOLOGY "technology_stack"
#define S_COMPETITORS "competitor_intelligence"
#define S_ROLE_SEARCH "site_search"
/*  BuiltWith times are epoch milliseconds.                                 */
#define S_MS_PER_DAY (86400.0 * 1000.0)
#define S_DAYS_PER_YEAR 365.25
/*  "YYYY-MM-DD" with its NUL, and room for a reason.                       */
#define S_DATE_LEN 11
#define S_REASON_MAX 512

/*  ---- pure logic ------------------------------------------------------- */

bool
pf_mod_displacement_is_seller(const char *technology, const pf_profile_t *profile)
{
    if (!technology || !profile)
        return false;
    const char *product = pf_profile_product(profile);
    const char *seller = pf_profile_seller(profile);
    if ((product && strcasecmp(technology, product) == 0) ||
        (seller && strcasecmp(technology, seller) == 0))
        return true;
    /*  The seller name as a phrase: normalised like the text, without the
        spaces pf_words puts at each end.                                   */
    pf_words_t name, text;
    pf_words_init(&name, seller);
    size_t len = strlen(name.text);
    if (len <= 2)
        return false;
    name.text[len - 1] = '\0';
    pf_words_init(&text, technology);
    return pf_words_has(&text, name.text + 1);
}

double
pf_mod_displacement_points(int weight, double amount, int full)
{
    if (amount <= 0 || full <= 0)
        return 0;
    double share = amount / (double) full;
    return (double) weight * (share > 1 ? 1 : share);
}

/*  Epoch ms as "YYYY-MM-DD" (UTC) into out.                                */
static void
s_date(int64_t ms, char *out)
{
    time_t t = (time_t) (ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, S_DATE_LEN, "%Y-%m-%d", &tm);
}

/*  The reason technology_stack gave for field, or fallback.                */
static const char *
s_upstream_reason(const pf_value_t *result, const char *field, const char *fallback)
{
    const pf_value_t *missing = pf_map_get(result, "missing");
    for (size_t i = 0; i < pf_array_size(missing); i++) {
        const pf_value_t *m = pf_array_at(missing, i);
        const char *f = pf_map_get_str(m, "field");
        if (f && strcmp(f, field) == 0 && pf_map_get_str(m, "reason"))
            return pf_map_get_str(m, "reason");
    }
    return fallback;
}

/*  A displaceable entry with its dates and tenure added.  New.             */
static pf_value_t *
s_displaceable(const pf_value_t *entry, double *tenure_years)
{
    pf_value_t *item = pf_value_dup(entry);
    int64_t first = pf_map_get_int(entry, "first_detected", 0);
    int64_t last = pf_map_get_int(entry, "last_detected", 0);
    char date[S_DATE_LEN];
    *tenure_years = -1;
    if (first > 0) {
        s_date(first, date);
        pf_map_set_str(item, "since", date);
    }
    if (last > 0) {
        s_date(last, date);
        pf_map_set_str(item, "last_seen", date);
    }
    if (first > 0 && last >= first) {
        *tenure_years = (double) (last - first) / S_MS_PER_DAY / S_DAYS_PER_YEAR;
        pf_map_set_float(item, "tenure_years", *tenure_years);
    }
    return item;
}

/*  The index of the incumbent: the displaceable technology first detected
    earliest (undated ones after dated ones, list order on ties); -1 when
    the list is empty.                                                     */
static long
s_incumbent(const pf_value_t *displaceable)
{
    long best = -1;
    int64_t best_first = 0;
    for (size_t i = 0; i < pf_array_size(displaceable); i++) {
        int64_t first = pf_map_get_int(pf_array_at(displaceable, i), "first_detected", 0);
        if (best < 0 || (first > 0 && (best_first == 0 || first < best_first))) {
            best = (long) i;
            best_first = first;
        }
    }
    return best;
}

/*  Appends {signal, detail, technologies} to signals; takes *names_p.      */
static void
s_signal(pf_value_t *signals, const char *signal, const char *detail, pf_value_t **names_p)
{
    pf_value_t *s = pf_value_map();
    pf_map_set_str(s, "signal", signal);
    pf_map_set_str(s, "detail", detail);
    pf_map_set(s, "technologies", names_p);
    pf_array_push(signals, &s);
}

/*  The switching signals the stack shows (see docs/MODULES.md).  New.      */
static pf_value_t *
s_switching(const pf_value_t *data, const pf_value_t *incumbent)
{
    pf_value_t *signals = pf_value_array();
    const pf_value_t *techs = pf_map_get(data, "technologies");
    pf_value_t *search = pf_value_array();
    int64_t newest = 0;
    for (size_t i = 0; i < pf_array_size(techs); i++) {
        const pf_value_t *t = pf_array_at(techs, i);
        const char *role = pf_map_get_str(t, "role");
        if (role && strcmp(role, S_ROLE_SEARCH) == 0 && pf_map_get_str(t, "name"))
            pf_array_push_str(search, pf_map_get_str(t, "name"));
        int64_t last = pf_map_get_int(t, "last_detected", 0);
        if (last > newest)
            newest = last;
    }
    if (pf_array_size(search) >= 2)
        s_signal(signals, "overlapping_site_search",
                 "more than one site search product is detected: an evaluation or a "
                 "migration may be under way", &search);
    else
        pf_value_destroy(&search);
    int64_t last = pf_map_get_int(incumbent, "last_detected", 0);
    if (incumbent && last > 0 &&
        (double) (newest - last) >= PF_MOD_DISPLACEMENT_LAPSE_DAYS * S_MS_PER_DAY) {
        pf_value_t *names = pf_value_array();
        pf_array_push_str(names, pf_map_get_str(incumbent, "name"));
        s_signal(signals, "incumbent_lapsing",
                 "BuiltWith has not seen the incumbent for a quarter before its newest "
                 "sighting of the site", &names);
    }
    const pf_value_t *fit = pf_map_get(data, "fit");
    if (pf_array_size(fit) > 0) {
        pf_value_t *names = pf_value_array();
        for (size_t i = 0; i < pf_array_size(fit); i++)
            if (pf_map_get_str(pf_array_at(fit, i), "name"))
                pf_array_push_str(names, pf_map_get_str(pf_array_at(fit, i), "name"));
        s_signal(signals, "fit_platform",
                 "the site runs a platform the seller's product integrates with", &names);
    }
    return signals;
}

/*  Competitors whose site search or commerce platform is the seller's:
    [{domain, technology}].  New.                                          */
static pf_value_t *
s_peers(const pf_value_t *competitors, const pf_profile_t *profile)
{
    static const char *const roles[] = {"site_search", "ecommerce_platform"};
    pf_value_t *peers = pf_value_array();
    for (size_t i = 0; i < pf_array_size(competitors); i++) {
        const pf_value_t *c = pf_array_at(competitors, i);
        for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
            const pf_value_t *names = pf_map_get(c, roles[r]);
            for (size_t k = 0; k < pf_array_size(names); k++) {
                const char *name = pf_value_as_str(pf_array_at(names, k), NULL);
                if (!pf_mod_displacement_is_seller(name, profile))
                    continue;
                pf_value_t *p = pf_value_map();
                pf_map_set_str(p, "domain", pf_map_get_str(c, "domain"));
                pf_map_set_str(p, "technology", name);
                pf_array_push(peers, &p);
            }
        }
    }
    return peers;
}

/*  Appends one score component.                                            */
static void
s_component(pf_value_t *list, const char *name, int weight, double points, const char *reason)
{
    pf_value_t *c = pf_value_map();
    pf_map_set_str(c, "component", name);
    pf_map_set_int(c, "weight", weight);
    pf_map_set_float(c, "points", points);
    pf_map_set_str(c, "reason", reason);
    pf_array_push(list, &c);
}

pf_value_t *
pf_mod_displacement_analysis_result(const pf_value_t *technology, const pf_value_t *competitors,
                                    const pf_profile_t *profile)
{
    const pf_value_t *data = pf_map_get(technology, "data");
    if (!pf_value_is(data, PF_MAP))
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    int tech_src = pf_facts_module(facts, S_TECHNOLOGY);
    char reason[S_REASON_MAX];

    /*  The incumbent and every displaceable technology.                    */
    const pf_value_t *displaceable = pf_map_get(data, "displaceable");
    bool have_list = pf_value_is(displaceable, PF_ARRAY);
    long inc = s_incumbent(displaceable);
    double tenure = -1;
    const pf_value_t *incumbent = inc >= 0 ? pf_array_at(displaceable, (size_t) inc) : NULL;
    if (have_list) {
        pf_value_t *list = pf_value_array();
        for (size_t i = 0; i < pf_array_size(displaceable); i++) {
            double years;
            pf_value_t *item = s_displaceable(pf_array_at(displaceable, i), &years);
            if ((long) i == inc) {
                tenure = years;
                pf_value_t *copy = pf_value_dup(item);
                pf_facts_set(facts, "incumbent", &copy, tech_src);
            }
            pf_array_push(list, &item);
        }
        pf_facts_set(facts, "displaceable", &list, tech_src);
        if (!incumbent)
            pf_facts_missing(facts, "incumbent",
                             "technology_stack detected no technology the seller can displace");
    } else {
        snprintf(reason, sizeof reason, "technology_stack has no displaceable list (%s)",
                 s_upstream_reason(technology, "displaceable", "it gave no reason"));
        pf_facts_missing(facts, "incumbent", reason);
        pf_facts_missing(facts, "displaceable", reason);
    }

    /*  Switching signals, from the stack alone.                            */
    pf_value_t *signals = s_switching(data, incumbent);
    size_t n_signals = pf_array_size(signals);
    pf_facts_set(facts, "switching_signals", &signals, tech_src);

    /*  Competitors on the seller's product.                                */
    const pf_value_t *comp_list = pf_map_get(pf_map_get(competitors, "data"), "competitors");
    const char *peers_why = NULL;
    size_t n_peers = 0;
    if (!profile) {
        peers_why = "no seller profile is loaded";
    } else if (!pf_value_is(comp_list, PF_ARRAY)) {
        peers_why = !competitors ? "competitor_intelligence gave no result"
                                 : "competitor_intelligence has no competitors (simulated or "
                                   "SimilarWeb failed)";
    } else {
        pf_value_t *peers = s_peers(comp_list, profile);
        n_peers = pf_array_size(peers);
        pf_facts_set(facts, "competitors_on_product", &peers,
                     pf_facts_module(facts, S_COMPETITORS));
    }
    if (peers_why)
        pf_facts_missing(facts, "competitors_on_product", peers_why);

    /*  The opportunity score.                                              */
    if (profile) {
        const pf_profile_displacement_t *w = pf_profile_displacement(profile);
        pf_value_t *components = pf_value_array();
        double total = 0, p;
        p = incumbent ? (double) w->incumbent : 0;
        total += p;
        if (incumbent)
            snprintf(reason, sizeof reason, "%s is on the site and the seller replaces it",
                     pf_map_get_str(incumbent, "name"));
        else
            snprintf(reason, sizeof reason, "no displaceable incumbent is known");
        s_component(components, "incumbent", w->incumbent, p, reason);

        p = pf_mod_displacement_points(w->tenure, tenure, w->tenure_years);
        total += p;
        if (tenure >= 0)
            snprintf(reason, sizeof reason,
                     "the incumbent has been detected for %.1f years (full points from %d)",
                     tenure, w->tenure_years);
        else
            snprintf(reason, sizeof reason, "the incumbent's tenure is unknown");
        s_component(components, "tenure", w->tenure, p, reason);

        p = pf_mod_displacement_points(w->switching, (double) n_signals, w->switching_full);
        total += p;
        snprintf(reason, sizeof reason, "%zu switching signal(s) (full points from %d)",
                 n_signals, w->switching_full);
        s_component(components, "switching", w->switching, p, reason);

        p = pf_mod_displacement_points(w->peers, (double) n_peers, w->peers_full);
        total += p;
        if (peers_why)
            snprintf(reason, sizeof reason, "unknown: %s", peers_why);
        else
            snprintf(reason, sizeof reason,
                     "%zu competitor product(s) already the seller's (full points from %d)",
                     n_peers, w->peers_full);
        s_component(components, "peers", w->peers, p, reason);

        pf_value_t *opp = pf_value_map();
        long score = lround(total);
        pf_map_set_int(opp, "score", score < 0 ? 0 : score > 100 ? 100 : score);
        pf_map_set(opp, "components", &components);
        pf_facts_set(facts, "opportunity", &opp,
                     pf_facts_derived(facts, "the seller profile's displacement weights applied "
                                             "to the incumbent, its tenure, the switching "
                                             "signals and the competitors on the product"));
        pf_value_t *seller = pf_value_map();
        pf_map_set_str(seller, "name", pf_profile_seller(profile));
        pf_map_set_str(seller, "product", pf_profile_product(profile));
        pf_map_set_bool(seller, "sample", pf_profile_sample(profile));
        pf_facts_set(facts, "seller", &seller,
                     pf_facts_derived(facts, "the seller profile the module was started with"));
    } else {
        pf_facts_missing(facts, "opportunity", "no seller profile is loaded");
    }
    pf_value_t *result = pf_facts_result(&facts);
    /*  Synthetic upstream data makes this result synthetic too.            */
    if (pf_map_get_bool(technology, "synthetic", false) ||
        pf_map_get_bool(competitors, "synthetic", false))
        pf_map_set_bool(result, "synthetic", true);
    return result;
}

/*  ---- the actor side -------------------------------------------------- */

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    const pf_value_t *inputs = pf_task_inputs(task);
    pf_value_t *result = pf_mod_displacement_analysis_result(
        pf_map_get(inputs, S_TECHNOLOGY), pf_map_get(inputs, S_COMPETITORS),
        pf_profile_current());
    pf_modjob_answer(actor, &task, &result, "inputs_unavailable",
                     "technology_stack gave no data (simulated or failed)");
}

const pf_module_t pf_mod_displacement_analysis = {"displacement_analysis", s_run};
