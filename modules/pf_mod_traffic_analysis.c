/*  pf_mod_traffic_analysis.c — the traffic_analysis module
    (see pf_mod_traffic_analysis.h and docs/MODULES.md).

    The actor part only moves a task through its two waves of calls;
    everything the result says is decided by the pure functions over the
    calls' outcomes, so the rules are unit-tested without an actor.       */
#include "pf_mod_traffic_analysis.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_config.h"
#include "pf_facts.h"
#include "pf_gather.h"
#include "pf_modjob.h"

/*  The module's service name, as in the graph.                             */
#define S_MODULE "traffic_analysis"
/*  The provider every call goes to.                                        */
#define S_PROVIDER "similarweb"
/*  Waves of calls one task makes: each gets an equal share of the task's
    deadline, so a hanging provider cannot make the task time out.         */
#define S_WAVES 2
/*  Room for a missing fact's reason.                                       */
#define S_REASON_MAX 512
/*  Months in a year, for month numbers.                                    */
#define S_YEAR_MONTHS 12
/*  Years a month may name: SimilarWeb's panel starts in the 2010s, and a
    year outside these is a garbled date, not data.                        */
#define S_YEAR_MIN 2000
#define S_YEAR_MAX 2100
/*  Shares that add up to more than the whole by more than rounding are
    contradictory (SimilarWeb rounds each share; a few at 1e-3 each).     */
#define S_SHARE_SLACK 0.01

/*  ---- months ----------------------------------------------------------- */

static bool
s_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool
pf_mod_traffic_analysis_month_parse(const char *date, int *month)
{
    /*  "YYYY-MM", optionally followed by "-DD" (SimilarWeb's dates).      */
    if (!date || strlen(date) < 7 || !s_digits(date, 4) || date[4] != '-' ||
        !s_digits(date + 5, 2) || (date[7] != '\0' && date[7] != '-'))
        return false;
    int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    int m = (date[5] - '0') * 10 + (date[6] - '0');
    if (y < S_YEAR_MIN || y > S_YEAR_MAX || m < 1 || m > S_YEAR_MONTHS)
        return false;
    *month = y * S_YEAR_MONTHS + (m - 1);
    return true;
}

void
pf_mod_traffic_analysis_month_format(int month, char *out)
{
    /*  Months outside the years parse accepts are clamped to them: the
        callers only format months derived from parsed ones.              */
    int lo = S_YEAR_MIN * S_YEAR_MONTHS, hi = S_YEAR_MAX * S_YEAR_MONTHS + S_YEAR_MONTHS - 1;
    month = month < lo ? lo : month > hi ? hi : month;
    unsigned y = (unsigned) (month / S_YEAR_MONTHS), m = (unsigned) (month % S_YEAR_MONTHS) + 1;
    out[0] = (char) ('0' + y / 1000 % 10);
    out[1] = (char) ('0' + y / 100 % 10);
    out[2] = (char) ('0' + y / 10 % 10);
    out[3] = (char) ('0' + y % 10);
    out[4] = '-';
    out[5] = (char) ('0' + m / 10);
    out[6] = (char) ('0' + m % 10);
    out[7] = '\0';
}

/*  The newest dated point of series (an array of {date, …}), or best.     */
static int
s_newest(const pf_value_t *series, int best)
{
    for (size_t i = 0; i < pf_array_size(series); i++) {
        int m;
        if (pf_mod_traffic_analysis_month_parse(pf_map_get_str(pf_array_at(series, i), "date"),
                                                &m) &&
            m > best)
            best = m;
    }
    return best;
}

int
pf_mod_traffic_analysis_latest(const pf_value_t *data)
{
    int best = s_newest(pf_map_get(data, "series"), -1);
    const pf_value_t *sources = pf_map_get(data, "sources");
    for (size_t i = 0; i < pf_array_size(sources); i++)
        best = s_newest(pf_map_get(pf_array_at(sources, i), "series"), best);
    return best;
}

/*  ---- series ----------------------------------------------------------- */

size_t
pf_mod_traffic_analysis_window(const pf_value_t *data, int first, size_t n, double lo, double hi,
                               double *values, bool *present)
{
    /*  seen: some point named the month; bad: a point for it was out of
        range or disagreed with another — the month is then absent.        */
    bool *seen = pf_calloc(n ? n : 1, sizeof *seen);
    bool *bad = pf_calloc(n ? n : 1, sizeof *bad);
    for (size_t i = 0; i < n; i++) {
        values[i] = 0;
        present[i] = false;
    }
    const pf_value_t *series = pf_map_get(data, "series");
    for (size_t k = 0; k < pf_array_size(series); k++) {
        const pf_value_t *point = pf_array_at(series, k);
        int m;
        if (!pf_mod_traffic_analysis_month_parse(pf_map_get_str(point, "date"), &m) ||
            m < first || (size_t) (m - first) >= n)
            continue;
        size_t i = (size_t) (m - first);
        const pf_value_t *v = pf_map_get(point, "value");
        double x = pf_value_as_float(v, NAN);
        if (!isfinite(x) || x < lo || x > hi) {
            bad[i] = true;
            continue;
        }
        if (seen[i] && values[i] != x)
            bad[i] = true;
        seen[i] = true;
        values[i] = x;
    }
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        present[i] = seen[i] && !bad[i];
        if (!present[i])
            values[i] = 0;
        count += present[i];
    }
    free(seen);
    free(bad);
    return count;
}

bool
pf_mod_traffic_analysis_growth(const double *values, const bool *present, size_t n, size_t span,
                               double *growth)
{
    if (span == 0 || n < 2 * span)
        return false;
    double before = 0, last = 0;
    for (size_t i = n - 2 * span; i < n; i++) {
        if (!present[i])
            return false;
        if (i < n - span)
            before += values[i];
        else
            last += values[i];
    }
    if (before <= 0)
        return false;
    *growth = last / before - 1.0;
    return true;
}

/*  ---- shares ----------------------------------------------------------- */

/*  One entry of a share list while sorting: its share and place.          */
typedef struct {
    const pf_value_t *item;          /* the answer's entry (borrowed)        */
    double share;                    /* its share, in [0, 1]                 */
    size_t order;                    /* its place in the answer, for ties    */
} s_share_t;

static int
s_compare_share(const void *a, const void *b)
{
    const s_share_t *x = a, *y = b;
    if (x->share != y->share)
        return x->share > y->share ? -1 : 1;
    return x->order < y->order ? -1 : (x->order > y->order);
}

/*  The entries of list with a share in [0, 1], largest first; *count is
    set, *sum to the sum of their shares.  Free the array.                 */
static s_share_t *
s_by_share(const pf_value_t *list, size_t *count, double *sum)
{
    size_t n = pf_array_size(list), k = 0;
    s_share_t *out = pf_calloc(n ? n : 1, sizeof *out);
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const pf_value_t *item = pf_array_at(list, i);
        double share = pf_value_as_float(pf_map_get(item, "share"), NAN);
        if (!isfinite(share) || share < 0 || share > 1)
            continue;
        out[k++] = (s_share_t){item, share, i};
        total += share;
    }
    qsort(out, k, sizeof *out, s_compare_share);
    *count = k;
    *sum = total;
    return out;
}

/*  Copies key of from into to when it is a number.                         */
static void
s_copy_number(pf_value_t *to, const pf_value_t *from, const char *key)
{
    const pf_value_t *v = pf_map_get(from, key);
    if (pf_value_is(v, PF_INT) || pf_value_is(v, PF_FLOAT)) {
        pf_value_t *copy = pf_value_dup(v);
        pf_map_set(to, key, &copy);
    }
}

pf_value_t *
pf_mod_traffic_analysis_top_countries(const pf_value_t *geo, size_t max, double *sum)
{
    size_t n;
    s_share_t *c = s_by_share(pf_map_get(geo, "countries"), &n, sum);
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; i < n && i < max; i++) {
        pf_value_t *item = pf_value_map();
        const char *code = pf_map_get_str(c[i].item, "country_code");
        if (code)
            pf_map_set_str(item, "country_code", code);
        s_copy_number(item, c[i].item, "country");
        pf_map_set_float(item, "share", c[i].share);
        s_copy_number(item, c[i].item, "visits");
        pf_array_push(list, &item);
    }
    free(c);
    return list;
}

pf_value_t *
pf_mod_traffic_analysis_sources(const pf_value_t *traffic_sources)
{
    size_t n;
    double sum;
    s_share_t *s = s_by_share(pf_map_get(traffic_sources, "sources"), &n, &sum);
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        const char *type = pf_map_get_str(s[i].item, "source_type");
        if (!type || !*type)
            continue;
        pf_value_t *item = pf_value_map();
        pf_map_set_str(item, "source_type", type);
        pf_map_set_float(item, "share", s[i].share);
        s_copy_number(item, s[i].item, "organic");
        s_copy_number(item, s[i].item, "paid");
        pf_array_push(list, &item);
    }
    free(s);
    return list;
}

/*  ---- the result ------------------------------------------------------- */

/*  reason = "similarweb OP failed: CODE: MESSAGE".                         */
static void
s_failure(char *out, size_t size, const char *op, const pf_mod_traffic_analysis_reply_t *r)
{
    const char *code = r->error && *r->error ? r->error : "failed";
    if (r->message && *r->message)
        snprintf(out, size, S_PROVIDER " %s failed: %s: %s", op, code, r->message);
    else
        snprintf(out, size, S_PROVIDER " %s failed: %s", op, code);
}

/*  What the result is built over: the window and where it came from.     */
typedef struct {
    pf_facts_t *facts;               /* the builder                          */
    int latest;                      /* the window's last month, -1: none   */
    char start[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN]; /* its first, "YYYY-MM"  */
    char end[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN];   /* its last              */
    char unknown[S_REASON_MAX];      /* why latest is -1                     */
} s_ctx_t;

/*  Why a call has no answer: its failure; not made, because the window
    is unknown or the task's deadline passed before wave 2.               */
static void
s_absent(char *out, size_t size, const s_ctx_t *x, const char *op,
         const pf_mod_traffic_analysis_reply_t *r)
{
    if (r->error)
        s_failure(out, size, op, r);
    else if (x->latest < 0)
        snprintf(out, size, "%s", x->unknown);
    else
        snprintf(out, size, S_PROVIDER " %s was not asked: the task ran out of time", op);
}

/*  Marks fields[0..n) missing with reason.                                 */
static void
s_missing_all(pf_facts_t *facts, const char *const *fields, size_t n, const char *reason)
{
    for (size_t i = 0; i < n; i++)
        pf_facts_missing(facts, fields[i], reason);
}

/*  The visit facts, from the two-year call or, when it failed, the probe. */
static void
s_visit_facts(s_ctx_t *x, const pf_mod_traffic_analysis_input_t *in)
{
    static const char *const fields[] = {"monthly_visits", "visits_series",
                                         "average_monthly_visits", "visits_growth_3m",
                                         "visits_growth_12m"};
    const size_t nfields = sizeof fields / sizeof fields[0];
    char reason[S_REASON_MAX];
    if (x->latest < 0) {
        s_missing_all(x->facts, fields, nfields, x->unknown);
        return;
    }
    const pf_mod_traffic_analysis_reply_t *r = in->visits.data ? &in->visits : &in->probe;
    if (!r->data) {
        s_failure(reason, sizeof reason, "visits", in->visits.error ? &in->visits : &in->probe);
        s_missing_all(x->facts, fields, nfields, reason);
        return;
    }
    enum { N = PF_MOD_TRAFFIC_ANALYSIS_VISITS_MONTHS, W = PF_MOD_TRAFFIC_ANALYSIS_MONTHS };
    double v[N];
    bool present[N];
    pf_mod_traffic_analysis_window(r->data, x->latest - N + 1, N, 0, INFINITY, v, present);
    int src = pf_facts_provider(x->facts, r->provenance);

    if (present[N - 1]) {
        pf_facts_set_int(x->facts, "monthly_visits", (int64_t) llround(v[N - 1]), src);
    } else {
        snprintf(reason, sizeof reason, "SimilarWeb gave no valid visits for %s", x->end);
        pf_facts_missing(x->facts, "monthly_visits", reason);
    }
    pf_value_t *series = pf_value_array();
    double total = 0;
    size_t months = 0;
    for (size_t i = N - W; i < N; i++) {
        if (!present[i])
            continue;
        char month[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN];
        pf_mod_traffic_analysis_month_format(x->latest - (int) (N - 1 - i), month);
        pf_value_t *point = pf_value_map();
        pf_map_set_str(point, "month", month);
        pf_map_set_int(point, "visits", (int64_t) llround(v[i]));
        pf_array_push(series, &point);
        total += v[i];
        months++;
    }
    if (months > 0) {
        pf_facts_set(x->facts, "visits_series", &series, src);
        pf_facts_set_int(x->facts, "average_monthly_visits",
                         (int64_t) llround(total / (double) months), src);
    } else {
        pf_value_destroy(&series);
        snprintf(reason, sizeof reason, "SimilarWeb gave no valid visits for %s..%s", x->start,
                 x->end);
        pf_facts_missing(x->facts, "visits_series", reason);
        pf_facts_missing(x->facts, "average_monthly_visits", reason);
    }
    static const struct {
        const char *field;           /* the fact                             */
        size_t span;                 /* months compared with those before   */
    } growths[] = {{"visits_growth_3m", PF_MOD_TRAFFIC_ANALYSIS_SHORT_SPAN},
                   {"visits_growth_12m", PF_MOD_TRAFFIC_ANALYSIS_MONTHS}};
    for (size_t g = 0; g < sizeof growths / sizeof growths[0]; g++) {
        double growth;
        size_t span = growths[g].span;
        if (pf_mod_traffic_analysis_growth(v, present, N, span, &growth)) {
            pf_facts_set_float(x->facts, growths[g].field, growth, src);
            continue;
        }
        size_t have = 0;
        for (size_t i = N - 2 * span; i < N; i++)
            have += present[i];
        char from[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN];
        pf_mod_traffic_analysis_month_format(x->latest - (int) (2 * span) + 1, from);
        if (have < 2 * span)
            snprintf(reason, sizeof reason,
                     "needs the visits of every month %s..%s; SimilarWeb gave %zu of %zu", from,
                     x->end, have, 2 * span);
        else
            snprintf(reason, sizeof reason, "SimilarWeb gave no visits for the %zu months before",
                     span);
        pf_facts_missing(x->facts, growths[g].field, reason);
    }
}

/*  One engagement metric: the mean of its valid months in the window.     */
static void
s_mean_fact(s_ctx_t *x, const char *op, const pf_mod_traffic_analysis_reply_t *r,
            const char *field, double lo, double hi)
{
    char reason[S_REASON_MAX];
    if (!r->data) {
        s_absent(reason, sizeof reason, x, op, r);
        pf_facts_missing(x->facts, field, reason);
        return;
    }
    if (x->latest < 0) {
        pf_facts_missing(x->facts, field, x->unknown);
        return;
    }
    enum { W = PF_MOD_TRAFFIC_ANALYSIS_MONTHS };
    double v[W];
    bool present[W];
    size_t n = pf_mod_traffic_analysis_window(r->data, x->latest - W + 1, W, lo, hi, v, present);
    if (n == 0) {
        snprintf(reason, sizeof reason, "SimilarWeb gave no valid %s for %s..%s", op, x->start,
                 x->end);
        pf_facts_missing(x->facts, field, reason);
        return;
    }
    double total = 0;
    for (size_t i = 0; i < W; i++)
        total += v[i];
    pf_facts_set_float(x->facts, field, total / (double) n,
                       pf_facts_provider(x->facts, r->provenance));
}

static void
s_sources_fact(s_ctx_t *x, const pf_mod_traffic_analysis_reply_t *r)
{
    char reason[S_REASON_MAX];
    if (!r->data) {
        s_absent(reason, sizeof reason, x, "traffic_sources", r);
        pf_facts_missing(x->facts, "traffic_sources", reason);
        return;
    }
    pf_value_t *list = pf_mod_traffic_analysis_sources(r->data);
    if (pf_array_size(list) == 0) {
        pf_value_destroy(&list);
        pf_facts_missing(x->facts, "traffic_sources", "SimilarWeb lists no valid traffic source");
        return;
    }
    pf_facts_set(x->facts, "traffic_sources", &list, pf_facts_provider(x->facts, r->provenance));
}

static void
s_countries_fact(s_ctx_t *x, const pf_mod_traffic_analysis_reply_t *r)
{
    char reason[S_REASON_MAX];
    if (!r->data) {
        s_absent(reason, sizeof reason, x, "geo", r);
        pf_facts_missing(x->facts, "top_countries", reason);
        return;
    }
    double sum;
    pf_value_t *list =
        pf_mod_traffic_analysis_top_countries(r->data, PF_MOD_TRAFFIC_ANALYSIS_TOP_COUNTRIES, &sum);
    if (pf_array_size(list) == 0) {
        pf_value_destroy(&list);
        pf_facts_missing(x->facts, "top_countries", "SimilarWeb lists no valid country");
        return;
    }
    if (sum > 1.0 + S_SHARE_SLACK) {
        pf_value_destroy(&list);
        snprintf(reason, sizeof reason,
                 "contradictory: SimilarWeb's country shares add up to %.3f, more than the whole",
                 sum);
        pf_facts_missing(x->facts, "top_countries", reason);
        return;
    }
    pf_facts_set(x->facts, "top_countries", &list, pf_facts_provider(x->facts, r->provenance));
}

/*  The fields the result may have: none set means nothing is known.      */
static const char *const s_fields[] = {
    "period", "last_updated", "monthly_visits", "visits_series", "average_monthly_visits",
    "visits_growth_3m", "visits_growth_12m", "bounce_rate", "pages_per_visit",
    "average_visit_duration_s", "traffic_sources", "top_countries",
};

pf_value_t *
pf_mod_traffic_analysis_result(const pf_mod_traffic_analysis_input_t *in)
{
    s_ctx_t x = {pf_facts_new(), -1, "", "", ""};
    /*  The window ends at the probe's newest month; without it, at the
        newest month of any wave-2 answer (they were asked without dates). */
    const pf_mod_traffic_analysis_reply_t *from = NULL;
    const pf_mod_traffic_analysis_reply_t *const dated[] = {
        &in->probe, &in->bounce_rate, &in->pages_per_visit, &in->average_visit_duration,
        &in->traffic_sources};
    for (size_t i = 0; i < sizeof dated / sizeof dated[0] && x.latest < 0; i++) {
        int m = dated[i]->data ? pf_mod_traffic_analysis_latest(dated[i]->data) : -1;
        if (m >= 0) {
            x.latest = m;
            from = dated[i];
        }
    }
    if (x.latest >= 0) {
        pf_mod_traffic_analysis_month_format(x.latest - PF_MOD_TRAFFIC_ANALYSIS_MONTHS + 1,
                                             x.start);
        pf_mod_traffic_analysis_month_format(x.latest, x.end);
        pf_value_t *period = pf_value_map();
        pf_map_set_str(period, "start", x.start);
        pf_map_set_str(period, "end", x.end);
        pf_map_set_int(period, "months", PF_MOD_TRAFFIC_ANALYSIS_MONTHS);
        pf_facts_set(x.facts, "period", &period, pf_facts_provider(x.facts, from->provenance));
    } else if (in->probe.error) {
        static const char prefix[] = "the latest month is unknown: ";
        char why[S_REASON_MAX - sizeof prefix];
        s_failure(why, sizeof why, "visits", &in->probe);
        snprintf(x.unknown, sizeof x.unknown, "%s%s", prefix, why);
    } else {
        snprintf(x.unknown, sizeof x.unknown,
                 "the latest month is unknown: no SimilarWeb answer has a dated month");
    }
    if (x.latest < 0)
        pf_facts_missing(x.facts, "period", x.unknown);

    /*  When SimilarWeb last refreshed its estimates, from the same answer
        as the window, else the first answer that says.                   */
    const pf_mod_traffic_analysis_reply_t *const all[] = {
        from, &in->probe, &in->visits, &in->bounce_rate, &in->pages_per_visit,
        &in->average_visit_duration, &in->traffic_sources, &in->geo};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *updated = all[i] ? pf_map_get_str(all[i]->data, "last_updated") : NULL;
        if (updated && *updated) {
            pf_facts_set_str(x.facts, "last_updated", updated,
                             pf_facts_provider(x.facts, all[i]->provenance));
            break;
        }
    }

    s_visit_facts(&x, in);
    s_mean_fact(&x, "bounce_rate", &in->bounce_rate, "bounce_rate", 0, 1);
    s_mean_fact(&x, "pages_per_visit", &in->pages_per_visit, "pages_per_visit", 0, INFINITY);
    s_mean_fact(&x, "average_visit_duration", &in->average_visit_duration,
                "average_visit_duration_s", 0, INFINITY);
    s_sources_fact(&x, &in->traffic_sources);
    s_countries_fact(&x, &in->geo);

    bool known = false;
    for (size_t i = 0; i < sizeof s_fields / sizeof s_fields[0] && !known; i++)
        known = pf_facts_has(x.facts, s_fields[i]);
    if (!known) {
        pf_facts_destroy(&x.facts);
        return NULL;
    }
    return pf_facts_result(&x.facts);
}

/*  ---- the actor part ---------------------------------------------------- */

/*  The wave-2 operations besides visits: slot name = op name.              */
static const char *const s_window_ops[] = {"bounce_rate", "pages_per_visit",
                                           "average_visit_duration", "traffic_sources", "geo"};
#define S_WINDOW_OPS (sizeof s_window_ops / sizeof s_window_ops[0])

static void
s_finish(pf_modjob_t *job)
{
    const pf_gather_t *g = pf_modjob_gather(job);
    pf_mod_traffic_analysis_input_t in;
    in.probe = pf_gather_reply(g, "probe");
    in.visits = pf_gather_reply(g, "visits");
    in.bounce_rate = pf_gather_reply(g, "bounce_rate");
    in.pages_per_visit = pf_gather_reply(g, "pages_per_visit");
    in.average_visit_duration = pf_gather_reply(g, "average_visit_duration");
    in.traffic_sources = pf_gather_reply(g, "traffic_sources");
    in.geo = pf_gather_reply(g, "geo");
    pf_value_t *result = pf_mod_traffic_analysis_result(&in);
    /*  Every call failing is an outage; answers without data are not.     */
    const pf_mod_traffic_analysis_reply_t *const all[] = {
        &in.probe, &in.bounce_rate, &in.pages_per_visit, &in.average_visit_duration,
        &in.traffic_sources, &in.geo};
    bool answered = false;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        answered = answered || all[i]->data;
    char why[S_REASON_MAX];
    s_failure(why, sizeof why, "visits", &in.probe);
    if (answered)
        pf_modjob_finish(&job, &result, "no_data",
                         "SimilarWeb has no traffic data for the domain");
    else
        pf_modjob_finish(&job, &result, "providers_unavailable",
                         "every SimilarWeb call failed (%s)", why);
}

/*  A call of op for the task's domain; with months > 0, over the months
    ending at latest.                                                       */
static void
s_call(pf_modjob_t *job, const char *slot, const char *op, int latest, int months)
{
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "domain", pf_modjob_domain(job));
    if (months > 0) {
        char start[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN], end[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN];
        pf_mod_traffic_analysis_month_format(latest - months + 1, start);
        pf_mod_traffic_analysis_month_format(latest, end);
        pf_map_set_str(args, "start", start);
        pf_map_set_str(args, "end", end);
    }
    pf_modjob_call(job, slot, S_PROVIDER, op, &args);
}

static void
s_probe_done(pf_modjob_t *job)
{
    if (!pf_modjob_live(job)) {
        s_finish(job);
        return;
    }
    int latest = pf_mod_traffic_analysis_latest(pf_gather_data(pf_modjob_gather(job), "probe"));
    if (latest >= 0)
        s_call(job, "visits", "visits", latest, PF_MOD_TRAFFIC_ANALYSIS_VISITS_MONTHS);
    for (size_t i = 0; i < S_WINDOW_OPS; i++)
        s_call(job, s_window_ops[i], s_window_ops[i], latest,
               latest >= 0 ? PF_MOD_TRAFFIC_ANALYSIS_MONTHS : 0);
    pf_modjob_go(job, s_finish);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, S_WAVES, 0, NULL);
    s_call(job, "probe", "visits", -1, 0);
    pf_modjob_go(job, s_probe_done);
}

const pf_module_t pf_mod_traffic_analysis = {S_MODULE, s_run};
