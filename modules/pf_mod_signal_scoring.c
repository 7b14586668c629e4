/*  pf_mod_signal_scoring.c — the signal_scoring module (see
    pf_mod_signal_scoring.h and docs/MODULES.md).                           */
#include "pf_mod_signal_scoring.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_facts.h"
#include "pf_words.h"
#include "pf_modjob.h"

#define S_REASON_MAX 512
/*  Room for the names of the modules a signal reads, within a reason.     */
#define S_FROM_MAX (S_REASON_MAX / 2)
#define S_DATE_LEN 10                /* YYYY-MM-DD                          */
#define S_DATE_BUF PF_MOD_SIGNAL_DATE_MAX
/*  Most distinct inputs the profile's signals can name.                   */
#define S_INPUTS_MAX PF_PROFILE_SIGNALS_MAX
/*  Most distinct pieces of evidence counted per signal (strength saturates
    long before; the bound keeps the duplicate check cheap).              */
#define S_SEEN_MAX 64
/*  Scores are given to one decimal.                                        */
#define S_ROUND 10.0
/*  A day number meaning "no date".                                         */
#define S_NO_DAY INT64_MIN

/*  ---- dates ------------------------------------------------------------ */

static bool
s_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool
pf_mod_signal_scoring_day(const char *date, int64_t *day)
{
    int y, m, d;
    if (!date || strnlen(date, S_DATE_LEN) < S_DATE_LEN || date[4] != '-' || date[7] != '-'
        || !s_digits(date, 4, &y) || !s_digits(date + 5, 2, &m) || !s_digits(date + 8, 2, &d))
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        return false;
    /*  Days from the civil date (proleptic Gregorian), era arithmetic.    */
    int64_t yy = m <= 2 ? y - 1 : y;
    int64_t era = yy / 400;
    int64_t yoe = yy - era * 400;
    int64_t mp = m > 2 ? m - 3 : m + 9;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *day = era * 146097 + doe - 719468;
    return true;
}

void
pf_mod_signal_scoring_date(int64_t day, char *out, size_t size)
{
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(out, size, "%04lld-%02lld-%02lld", (long long) y, (long long) m, (long long) d);
}

double
pf_mod_signal_scoring_decay(int64_t age_days, int half_life_days)
{
    if (age_days <= 0 || half_life_days <= 0)
        return 1.0;
    return pow(0.5, (double) age_days / (double) half_life_days);
}

const char *
pf_mod_signal_scoring_timing(const pf_profile_signal_timing_t *timing, double score)
{
    if (score >= timing->act_now)
        return "act_now";
    if (score >= timing->nurture)
        return "nurture";
    return "monitor";
}

static double
s_round(double x)
{
    return round(x * S_ROUND) / S_ROUND;
}

/*  ---- reading an input's evidence -------------------------------------- */

/*  One piece of evidence met while walking an input.                       */
typedef void(s_visit_fn)(const pf_value_t *item, const char *kind, int64_t day, void *arg);

/*  The date of a piece of evidence, from the provider's data: its `date`
    (a search result's page_age), else its `filing_date` (SEC), else
    S_NO_DAY — never the day it was fetched (a module is a function of its
    inputs, not of the clock).                                              */
static int64_t
s_item_day(const pf_value_t *item)
{
    int64_t day;
    if (pf_mod_signal_scoring_day(pf_map_get_str(item, "date"), &day)
        || pf_mod_signal_scoring_day(pf_map_get_str(item, "filing_date"), &day))
        return day;
    return S_NO_DAY;
}

/*  True when phrase (as the profile spells it) stands in words.            */
static bool
s_has_phrase(const pf_words_t *words, const char *phrase)
{
    pf_words_t p;
    pf_words_init(&p, phrase);
    size_t len = strlen(p.text);
    if (len < 3)
        return false;                /* no letter or digit in it           */
    p.text[len - 1] = '\0';          /* drop the spaces at both ends       */
    return pf_words_has(words, p.text + 1);
}

bool
pf_mod_signal_scoring_counts(const pf_profile_signal_t *sig, const pf_value_t *item)
{
    if (!sig)
        return true;
    if (sig->dated_only && s_item_day(item) == S_NO_DAY)
        return false;
    if (sig->n_require == 0)
        return true;
    pf_words_t words;
    pf_words_init(&words, pf_map_get_str(item, "title"));
    for (size_t g = 0; g < sig->n_require; g++) {
        bool shown = false;
        for (size_t w = 0; w < sig->require[g].n_words && !shown; w++)
            shown = s_has_phrase(&words, sig->require[g].words[w]);
        if (!shown)
            return false;
    }
    return true;
}

static bool
s_kind_wanted(const pf_profile_signal_t *sig, const char *kind)
{
    if (!sig || sig->n_kinds == 0)
        return kind != NULL;
    for (size_t i = 0; kind && i < sig->n_kinds; i++)
        if (strcmp(sig->kinds[i], kind) == 0)
            return true;
    return false;
}

/*  Visits the evidence of an input's result (see docs/MODULES.md): the
    lists under the keys of its map-valued facts (key = kind), and the
    items with a `themes` list in its list-valued facts (a theme = kind;
    an item visited once, under its first wanted theme).  sig NULL:
    every kind.                                                             */
static void
s_walk(const pf_value_t *result, const pf_profile_signal_t *sig, s_visit_fn *visit, void *arg)
{
    const pf_value_t *data = pf_map_get(result, "data");
    for (size_t f = 0; f < pf_map_size(data); f++) {
        const pf_value_t *v = pf_map_value_at(data, f);
        if (pf_value_is(v, PF_MAP)) {
            for (size_t k = 0; k < pf_map_size(v); k++) {
                const char *kind = pf_value_as_str(pf_map_key_at(v, k), NULL);
                const pf_value_t *list = pf_map_value_at(v, k);
                if (!pf_value_is(list, PF_ARRAY) || !s_kind_wanted(sig, kind))
                    continue;
                for (size_t i = 0; i < pf_array_size(list); i++) {
                    const pf_value_t *item = pf_array_at(list, i);
                    if (pf_value_is(item, PF_MAP) && pf_mod_signal_scoring_counts(sig, item))
                        visit(item, kind, s_item_day(item), arg);
                }
            }
        } else if (pf_value_is(v, PF_ARRAY)) {
            for (size_t i = 0; i < pf_array_size(v); i++) {
                const pf_value_t *item = pf_array_at(v, i);
                const pf_value_t *themes = pf_map_get(item, "themes");
                if (!pf_mod_signal_scoring_counts(sig, item))
                    continue;
                for (size_t t = 0; t < pf_array_size(themes); t++) {
                    const char *kind = pf_value_as_str(pf_array_at(themes, t), NULL);
                    if (s_kind_wanted(sig, kind)) {
                        visit(item, kind, s_item_day(item), arg);
                        break;
                    }
                }
            }
        }
    }
}

static void
s_visit_newest(const pf_value_t *item, const char *kind, int64_t day, void *arg)
{
    (void) item;
    (void) kind;
    int64_t *newest = arg;
    if (day != S_NO_DAY && (*newest == S_NO_DAY || day > *newest))
        *newest = day;
}

/*  True when an input result can be read: a map with data, not simulated. */
static bool
s_usable(const pf_value_t *result)
{
    return pf_value_is(result, PF_MAP) && !pf_map_get_bool(result, "simulated", false)
           && pf_value_is(pf_map_get(result, "data"), PF_MAP);
}

/*  The i-th module signal sig reads: its input (i = 0), then its
    also_inputs; NULL past the end.                                         */
static const char *
s_sig_input(const pf_profile_signal_t *sig, size_t i)
{
    if (i == 0)
        return sig->input;
    return i - 1 < sig->n_also ? sig->also[i - 1] : NULL;
}

/*  Milliseconds in a day: a source's fetched_at (Unix ms) to its day.     */
#define S_MS_PER_DAY INT64_C(86400000)

/*  The newest fetched_at day among a result's provider sources into
    *newest (unchanged when none has one).                                 */
static void
s_newest_fetch(const pf_value_t *result, int64_t *newest)
{
    const pf_value_t *sources = pf_map_get(result, "sources");
    for (size_t i = 0; i < pf_array_size(sources); i++) {
        const pf_value_t *at = pf_map_get(pf_array_at(sources, i), "fetched_at");
        if (!pf_value_is(at, PF_INT) || pf_value_as_int(at, 0) <= 0)
            continue;
        int64_t day = pf_value_as_int(at, 0) / S_MS_PER_DAY;
        if (*newest == S_NO_DAY || day > *newest)
            *newest = day;
    }
}

/*  The "as of" day ages count back from: the day the newest of the
    evidence was fetched (the provider sources' fetched_at in the usable
    inputs the signals read) — so news that was old when it was found is
    old here too; without any fetch day, the newest date of the dated
    evidence; S_NO_DAY when there is neither.  *from_fetch says which.     */
static int64_t
s_as_of(const pf_profile_t *profile, const pf_value_t *inputs, bool *from_fetch)
{
    int64_t fetched = S_NO_DAY, newest = S_NO_DAY;
    for (size_t i = 0; i < pf_profile_signal_count(profile); i++) {
        const pf_profile_signal_t *sig = pf_profile_signal_at(profile, i);
        for (size_t m = 0; s_sig_input(sig, m); m++) {
            const pf_value_t *r = pf_map_get(inputs, s_sig_input(sig, m));
            if (s_usable(r)) {
                s_newest_fetch(r, &fetched);
                s_walk(r, NULL, s_visit_newest, &newest);
            }
        }
    }
    *from_fetch = fetched != S_NO_DAY;
    return fetched != S_NO_DAY ? fetched : newest;
}

/*  ---- one signal ------------------------------------------------------- */

typedef struct {
    const pf_value_t *item;          /* the evidence (borrowed)             */
    const char *kind;                /* the kind it shows                   */
    int64_t day;                     /* its date, or S_NO_DAY               */
} s_ev_t;

typedef struct {
    s_ev_t seen[S_SEEN_MAX];         /* distinct evidence met               */
    size_t n;
    size_t found;                    /* distinct pieces, also past the room */
} s_collect_t;

/*  The identity of a piece of evidence: its url, else its title.          */
static const char *
s_ident(const pf_value_t *item)
{
    const char *url = pf_map_get_str(item, "url");
    return url ? url : pf_map_get_str(item, "title");
}

static void
s_visit_collect(const pf_value_t *item, const char *kind, int64_t day, void *arg)
{
    s_collect_t *c = arg;
    const char *id = s_ident(item);
    for (size_t i = 0; id && i < c->n; i++) {
        const char *other = s_ident(c->seen[i].item);
        if (other && strcmp(other, id) == 0)
            return;
    }
    c->found++;
    if (c->n < S_SEEN_MAX)
        c->seen[c->n++] = (s_ev_t){item, kind, day};
}

static int
s_newest_first(const void *a, const void *b)
{
    const s_ev_t *x = a, *y = b;
    return (y->day > x->day) - (y->day < x->day);
}

/*  Scores signal sig against inputs; adds its score to *total.             */
static pf_value_t *
s_signal(const pf_profile_signal_t *sig, const pf_profile_signal_timing_t *timing,
         const pf_value_t *inputs, int64_t as_of, double *total)
{
    pf_value_t *out = pf_value_map();
    pf_map_set_str(out, "name", sig->name);
    pf_map_set_str(out, "input", sig->input);
    pf_map_set_int(out, "weight", sig->weight);
    pf_map_set_int(out, "half_life_days", sig->half_life_days);
    char reason[S_REASON_MAX];
    const pf_value_t *r = pf_map_get(inputs, sig->input);
    bool any = false;
    for (size_t m = 0; s_sig_input(sig, m); m++)
        any = any || s_usable(pf_map_get(inputs, s_sig_input(sig, m)));
    if (!any) {
        bool simulated = pf_map_get_bool(r, "simulated", false);
        pf_map_set_str(out, "status", !r ? "input_absent"
                                      : simulated ? "input_simulated" : "input_without_data");
        snprintf(reason, sizeof reason, "%s %s: the signal contributes 0", sig->input,
                 !r ? "did not complete" : simulated ? "was simulated" : "gave no data");
        pf_map_set_str(out, "reason", reason);
        pf_map_set_float(out, "score", 0.0);
        return out;
    }
    s_collect_t *c = pf_calloc(1, sizeof *c);
    for (size_t m = 0; s_sig_input(sig, m); m++) {
        const pf_value_t *in = pf_map_get(inputs, s_sig_input(sig, m));
        if (s_usable(in))
            s_walk(in, sig, s_visit_collect, c);
    }
    /*  Newest first; undated pieces (S_NO_DAY, the least day) last.       */
    qsort(c->seen, c->n, sizeof c->seen[0], s_newest_first);
    double strength = (double) c->found / timing->full_strength;
    if (strength > 1.0)
        strength = 1.0;
    pf_map_set_str(out, "status", c->found ? "seen" : "not_seen");
    pf_map_set_int(out, "evidence_found", (int64_t) c->found);
    pf_map_set_float(out, "strength", round(strength * 100.0) / 100.0);
    double decay = 1.0;
    /*  The modules read, for the reason: "a", "a and b", "a, b and c".    */
    char from[S_FROM_MAX] = "";
    size_t used = 0;
    for (size_t m = 0; s_sig_input(sig, m) && used < sizeof from; m++) {
        const char *glue = m == 0 ? "" : s_sig_input(sig, m + 1) ? ", " : " and ";
        int w = snprintf(from + used, sizeof from - used, "%s%s", glue, s_sig_input(sig, m));
        if (w < 0)
            break;
        used += (size_t) w;
    }
    if (c->n && c->seen[0].day != S_NO_DAY) {
        /*  The newest dated piece sets the age (days before as_of).        */
        int64_t latest = c->seen[0].day;
        int64_t age = as_of != S_NO_DAY ? as_of - latest : 0;
        if (age < 0)
            age = 0;                     /* dated after the fetch: a slip */
        char date[S_DATE_BUF];
        pf_mod_signal_scoring_date(latest, date, sizeof date);
        pf_map_set_str(out, "latest", date);
        pf_map_set_int(out, "age_days", age);
        decay = pf_mod_signal_scoring_decay(age, sig->half_life_days);
        pf_map_set_float(out, "decay", round(decay * 1000.0) / 1000.0);
        snprintf(reason, sizeof reason,
                 "%zu piece(s) of evidence in %s, the newest dated %lld day(s) before as_of: "
                 "strength %.2f, weight %d halved every %d days",
                 c->found, from, (long long) age, strength, sig->weight, sig->half_life_days);
    } else if (c->n) {
        /*  Only undated evidence (job postings: a search lists the roles
            open when it runs, with no date of their own): its age is
            unknown, so it is not decayed — and the result says so.       */
        pf_map_set_nil(out, "latest");
        pf_map_set_nil(out, "age_days");
        pf_map_set_float(out, "decay", 1.0);
        snprintf(reason, sizeof reason,
                 "%zu piece(s) of evidence in %s, none dated (age unknown, not decayed): "
                 "strength %.2f, weight %d",
                 c->found, from, strength, sig->weight);
    } else {
        snprintf(reason, sizeof reason, "no evidence of %s in %s%s%s", sig->name, from,
                 sig->dated_only ? " (only dated evidence counts)" : "",
                 sig->n_require ? " (its title must show the signal's required words)" : "");
    }
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; i < c->n && i < PF_MOD_SIGNAL_EVIDENCE_MAX; i++) {
        pf_value_t *e = pf_value_map();
        const pf_value_t *item = c->seen[i].item;
        if (pf_map_get_str(item, "title"))
            pf_map_set_str(e, "title", pf_map_get_str(item, "title"));
        if (pf_map_get_str(item, "url"))
            pf_map_set_str(e, "url", pf_map_get_str(item, "url"));
        /*  The provider's date, or nil and dated false: an undated piece
            (a job posting) says so rather than take the fetch day.        */
        char date[S_DATE_BUF];
        if (c->seen[i].day != S_NO_DAY) {
            pf_mod_signal_scoring_date(c->seen[i].day, date, sizeof date);
            pf_map_set_str(e, "date", date);
        } else {
            pf_map_set_nil(e, "date");
        }
        pf_map_set_bool(e, "dated", c->seen[i].day != S_NO_DAY);
        pf_map_set_str(e, "kind", c->seen[i].kind);
        pf_array_push(list, &e);
    }
    pf_map_set(out, "evidence", &list);
    double score = sig->weight * strength * decay;
    pf_map_set_float(out, "score", s_round(score));
    pf_map_set_str(out, "reason", reason);
    *total += score;
    free(c);
    return out;
}

/*  ---- the result ------------------------------------------------------- */

pf_value_t *
pf_mod_signal_scoring_result(const pf_profile_t *profile, const pf_value_t *inputs)
{
    size_t n = pf_profile_signal_count(profile);
    const char *used[S_INPUTS_MAX];
    size_t n_used = 0;
    bool synthetic = false;
    for (size_t i = 0; i < n; i++) {
        const pf_profile_signal_t *sig = pf_profile_signal_at(profile, i);
        for (size_t m = 0; s_sig_input(sig, m); m++) {
            const char *input = s_sig_input(sig, m);
            const pf_value_t *r = pf_map_get(inputs, input);
            if (!s_usable(r))
                continue;
            bool dup = false;
            for (size_t j = 0; j < n_used; j++)
                dup = dup || strcmp(used[j], input) == 0;
            if (!dup && n_used < S_INPUTS_MAX) {
                used[n_used++] = input;
                synthetic = synthetic || pf_map_get_bool(r, "synthetic", false);
            }
        }
    }
    if (n_used == 0)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    for (size_t j = 0; j < n_used; j++)
        pf_facts_module(facts, used[j]);
    bool from_fetch = false;
    int64_t as_of = s_as_of(profile, inputs, &from_fetch);
    if (as_of != S_NO_DAY) {
        char date[S_DATE_BUF];
        pf_mod_signal_scoring_date(as_of, date, sizeof date);
        pf_facts_set_str(facts, "as_of", date,
                         pf_facts_derived(facts, from_fetch
                                          ? "the day the newest of the inputs' provider "
                                            "answers was fetched; ages count back from it "
                                            "(evidence dated later counts as age 0)"
                                          : "the newest date among the inputs' dated "
                                            "evidence (no fetch day known); ages count "
                                            "back from it"));
    } else {
        pf_facts_missing(facts, "as_of", "no evidence in the inputs carries a date of its own "
                                         "(undated evidence is not decayed)");
    }
    int how = pf_facts_derived(facts, "the seller profile's signals, each weight × strength "
                                      "× decay by age (docs/MODULES.md, signal_scoring)");
    const pf_profile_signal_timing_t *timing = pf_profile_signal_timing(profile);
    double total = 0.0;
    pf_value_t *signals = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        pf_value_t *s = s_signal(pf_profile_signal_at(profile, i), timing, inputs, as_of,
                                 &total);
        pf_array_push(signals, &s);
    }
    pf_facts_set(facts, "signals", &signals, how);
    if (total > PF_PROFILE_WEIGHT_SUM)
        total = PF_PROFILE_WEIGHT_SUM;
    total = s_round(total);
    pf_facts_set_float(facts, "composite_score", total, how);
    pf_facts_set_str(facts, "timing", pf_mod_signal_scoring_timing(timing, total), how);
    pf_value_t *thresholds = pf_value_map();
    pf_map_set_int(thresholds, "act_now", timing->act_now);
    pf_map_set_int(thresholds, "nurture", timing->nurture);
    pf_facts_set(facts, "thresholds", &thresholds, how);
    pf_value_t *result = pf_facts_result(&facts);
    if (synthetic)
        pf_map_set_bool(result, "synthetic", true);
    return result;
}

/*  ---- the actor side -------------------------------------------------- */

/*  The result in pf_modjob_profiled_fn's argument order.                   */
static pf_value_t *
s_result(const pf_value_t *inputs, const pf_profile_t *profile)
{
    return pf_mod_signal_scoring_result(profile, inputs);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_run_profiled(actor, task, s_result, "inputs_unavailable",
                           "none of hiring_signals, strategic_context, investor_intelligence "
                           "completed with data: no signal can be read");
}

const pf_module_t pf_mod_signal_scoring = {"signal_scoring", s_run};
