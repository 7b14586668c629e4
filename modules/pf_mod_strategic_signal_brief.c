/*  pf_mod_strategic_signal_brief.c — the strategic_signal_brief module (see
    pf_mod_strategic_signal_brief.h and docs/MODULES.md).                   */
#include "pf_mod_strategic_signal_brief.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_facts.h"
#include "pf_graph.h"
#include "pf_mod_signal_scoring.h"
#include "pf_modjob.h"
#include "pf_words.h"

#define S_MODULE "strategic_signal_brief"
/*  Longest line of the brief (bytes); a longer one is cut.                 */
#define S_LINE_MAX 1024
/*  First size of the Markdown buffer; it grows as needed.                  */
#define S_MD_START 4096
/*  Room for one value of a conflict (a name, a city, an amount).           */
#define S_SCALAR_MAX 256
_Static_assert(S_SCALAR_MAX >= PF_WORDS_AMOUNT_MAX, "room for an amount");
#define S_MS_PER_DAY 86400000LL
/*  The buying committee's personas, in the order the brief names them.   */
static const char *const s_personas[][2] = {
    {"economic_buyer", "Economic buyer"},
    {"champion", "Champion"},
    {"technical_evaluator", "Technical evaluator"},
    {"user", "User"},
};
#define S_PERSONAS (sizeof s_personas / sizeof s_personas[0])

/*  ---- the Markdown text ------------------------------------------------ */

typedef struct {
    char *buf;                       /* NUL-terminated text                 */
    size_t len;                      /* bytes used                          */
    size_t cap;                      /* bytes allocated                     */
} s_md_t;

static void s_md(s_md_t *md, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
s_md(s_md_t *md, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(md->buf + md->len, md->cap - md->len, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t) n >= md->cap - md->len) {
        while ((size_t) n >= md->cap - md->len)
            md->cap *= 2;
        md->buf = pf_realloc(md->buf, md->cap);
        vsnprintf(md->buf + md->len, md->cap - md->len, fmt, again);
    }
    va_end(again);
    if (n > 0)
        md->len += (size_t) n;
}

/*  ---- the brief under construction ------------------------------------- */

typedef struct {
    const pf_profile_t *profile;     /* the seller, or NULL                 */
    const pf_value_t *inputs;        /* {module: result} (borrowed)         */
    const pf_module_def_t *def;      /* this module in the graph            */
    pf_facts_t *facts;               /* the result                          */
    s_md_t md;                       /* the Markdown                        */
    bool synthetic;                  /* some input's data was synthetic     */
} s_brief_t;

/*  The data of module's result when it is usable (a map with data, not
    simulated), else NULL.                                                  */
static const pf_value_t *
s_data(const s_brief_t *b, const char *module)
{
    const pf_value_t *r = pf_map_get(b->inputs, module);
    if (!pf_value_is(r, PF_MAP) || pf_map_get_bool(r, "simulated", false))
        return NULL;
    const pf_value_t *data = pf_map_get(r, "data");
    return pf_value_is(data, PF_MAP) ? data : NULL;
}

/*  Appends {text, module} to list and "- text" to the Markdown; newlines
    in provider text become spaces so one item stays one line.             */
static void s_item(s_brief_t *b, pf_value_t *list, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
s_item(s_brief_t *b, pf_value_t *list, const char *module, const char *fmt, ...)
{
    char line[S_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    pf_value_t *item = pf_value_map();
    pf_map_set_str(item, "text", line);
    if (module)
        pf_map_set_str(item, "module", module);
    pf_array_push(list, &item);
    s_md(&b->md, "- %s\n", line);
}

/*  A string, integer or float value as text ("?" for anything else).      */
static void
s_scalar(const pf_value_t *v, char *out, size_t size)
{
    if (pf_value_is(v, PF_STR))
        snprintf(out, size, "%s", pf_value_as_str(v, NULL));
    else if (pf_value_is(v, PF_INT))     /* amounts as a reader says them */
        pf_words_amount((double) pf_value_as_int(v, 0), out, size);
    else if (pf_value_is(v, PF_FLOAT))
        pf_words_amount(pf_value_as_float(v, 0), out, size);
    else
        snprintf(out, size, "?");
}

/*  A string of map, or fallback.                                           */
static const char *
s_str(const pf_value_t *map, const char *key, const char *fallback)
{
    const char *s = pf_map_get_str(map, key);
    return s && *s ? s : fallback;
}

/*  The date of an epoch-ms value, or "" when it is not a positive int.     */
static void
s_ms_date(const pf_value_t *ms, char *out, size_t size)
{
    out[0] = '\0';
    if (pf_value_is(ms, PF_INT) && pf_value_as_int(ms, 0) > 0)
        pf_mod_signal_scoring_date(pf_value_as_int(ms, 0) / S_MS_PER_DAY, out, size);
}

/*  One item per kind of a map {kind: [evidence]} (at most
    PF_MOD_BRIEF_ITEMS_MAX): label, kind, the first evidence's title and
    date, and how many there are.                                          */
static void
s_evidence_items(s_brief_t *b, pf_value_t *list, const char *module, const pf_value_t *kinds,
                 const char *label)
{
    size_t shown = 0;
    for (size_t k = 0; k < pf_map_size(kinds) && shown < PF_MOD_BRIEF_ITEMS_MAX; k++) {
        const char *kind = pf_value_as_str(pf_map_key_at(kinds, k), NULL);
        const pf_value_t *items = pf_map_value_at(kinds, k);
        const pf_value_t *first = pf_array_at(items, 0);
        if (!kind || !first)
            continue;
        s_item(b, list, module, "%s %s: \"%s\" (%s; %zu item(s))", label, kind,
               s_str(first, "title", "untitled"), s_str(first, "date", "undated"),
               pf_array_size(items));
        shown++;
    }
}

/*  ---- sections ---------------------------------------------------------- */

static void
s_headline(s_brief_t *b, const char *company)
{
    char line[S_LINE_MAX];
    size_t n = (size_t) snprintf(line, sizeof line, "%s", company);
    const pf_value_t *sig = s_data(b, "signal_scoring");
    const char *timing = s_str(sig, "timing", NULL);
    if (timing) {
        const char *say = strcmp(timing, "act_now") == 0 ? "act now"
                          : strcmp(timing, "nurture") == 0 ? "nurture" : "monitor";
        n += (size_t) snprintf(line + n, sizeof line - n, ": %s (signal score %.1f/100)", say,
                               pf_map_get_float(sig, "composite_score", 0));
    } else {
        n += (size_t) snprintf(line + n, sizeof line - n, ": timing unknown");
    }
    const pf_value_t *icp = s_data(b, "icp_priority_mapping");
    if (n < sizeof line && s_str(icp, "tier", NULL))
        n += (size_t) snprintf(line + n, sizeof line - n, "; ICP tier %s (%.0f/100)",
                               s_str(icp, "tier", ""), pf_map_get_float(icp, "score", 0));
    const pf_value_t *disp = s_data(b, "displacement_analysis");
    const pf_value_t *tech = s_data(b, "technology_stack");
    const char *incumbent = s_str(pf_map_get(disp, "incumbent"), "name", NULL);
    if (!incumbent)
        incumbent = s_str(pf_array_at(pf_map_get(tech, "displaceable"), 0), "name", NULL);
    if (n < sizeof line && incumbent)
        snprintf(line + n, sizeof line - n, "; runs %s, which the seller can displace",
                 incumbent);
    pf_facts_set_str(b->facts, "headline", line, pf_facts_derived(b->facts, "the brief's rules "
                     "(docs/MODULES.md, strategic_signal_brief) over the inputs named"));
    s_md(&b->md, "**%s**\n\n", line);
}

static pf_value_t *
s_why_now(s_brief_t *b)
{
    pf_value_t *list = pf_value_array();
    s_md(&b->md, "## Why now\n\n");
    const pf_value_t *sig = s_data(b, "signal_scoring");
    const pf_value_t *signals = pf_map_get(sig, "signals");
    for (size_t i = 0; i < pf_array_size(signals); i++) {
        const pf_value_t *s = pf_array_at(signals, i);
        if (strcmp(s_str(s, "status", ""), "seen") != 0)
            continue;
        const pf_value_t *ev = pf_array_at(pf_map_get(s, "evidence"), 0);
        s_item(b, list, "signal_scoring",
               "Signal %s: %lld piece(s) of evidence, newest %s, score %.1f of %lld — \"%s\"",
               s_str(s, "name", "?"), (long long) pf_map_get_int(s, "evidence_found", 0),
               s_str(s, "latest", "undated"), pf_map_get_float(s, "score", 0),
               (long long) pf_map_get_int(s, "weight", 0), s_str(ev, "title", "untitled"));
    }
    if (s_str(sig, "timing", NULL))
        s_item(b, list, "signal_scoring",
               "Signal score %.1f/100 as of %s: %s (act now from %lld, nurture from %lld)",
               pf_map_get_float(sig, "composite_score", 0), s_str(sig, "as_of", "an unknown date"),
               s_str(sig, "timing", ""),
               (long long) pf_map_get_int(pf_map_get(sig, "thresholds"), "act_now", 0),
               (long long) pf_map_get_int(pf_map_get(sig, "thresholds"), "nurture", 0));
    const pf_value_t *strat = s_data(b, "strategic_context");
    s_evidence_items(b, list, "strategic_context", pf_map_get(strat, "initiatives"),
                     "Initiative");
    const pf_value_t *hiring = s_data(b, "hiring_signals");
    if (hiring && pf_map_has(hiring, "postings_found"))
        s_item(b, list, "hiring_signals",
               "Hiring: %lld posting(s) found, %zu touching search, discovery, "
               "personalisation, e-commerce or data",
               (long long) pf_map_get_int(hiring, "postings_found", 0),
               pf_array_size(pf_map_get(hiring, "relevant_roles")));
    if (pf_array_size(list) == 0)
        s_md(&b->md, "_No buying signal found in the inputs that completed._\n");
    s_md(&b->md, "\n");
    return list;
}

static void
s_person(s_brief_t *b, pf_value_t *list, const char *module, const char *label,
         const pf_value_t *p)
{
    const char *name = s_str(p, "name", NULL);
    if (name)
        s_item(b, list, module, "**%s**: %s, %s — %s", label, name, s_str(p, "title", "title "
               "unknown"), s_str(p, "reason", "no reason given"));
    else
        s_item(b, list, module, "**%s**: %s (no name known) — %s", label,
               s_str(p, "title", "the team concerned"), s_str(p, "reason", "no reason given"));
}

static pf_value_t *
s_who(s_brief_t *b)
{
    pf_value_t *list = pf_value_array();
    s_md(&b->md, "## Who to talk to\n\n");
    const pf_value_t *bc = s_data(b, "buying_committee");
    for (size_t i = 0; i < S_PERSONAS; i++) {
        const pf_value_t *p = pf_map_get(bc, s_personas[i][0]);
        if (pf_value_is(p, PF_MAP))
            s_person(b, list, "buying_committee", s_personas[i][1], p);
    }
    const pf_value_t *ex = s_data(b, "executive_intelligence");
    static const char *const groups[][2] = {{"digital_leaders", "Digital leader"},
                                            {"technical_leaders", "Technical leader"}};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        const pf_value_t *people = pf_map_get(ex, groups[g][0]);
        for (size_t i = 0; i < pf_array_size(people) && i < PF_MOD_BRIEF_ITEMS_MAX; i++) {
            const pf_value_t *p = pf_array_at(people, i);
            s_item(b, list, "executive_intelligence", "%s: %s, %s (source: %s)", groups[g][1],
                   s_str(p, "name", "?"), s_str(p, "title", "title unknown"),
                   s_str(p, "source", "?"));
        }
    }
    if (pf_array_size(list) == 0)
        s_md(&b->md, "_Unknown: no persona or executive was found._\n");
    s_md(&b->md, "\n");
    return list;
}

/*  The latest 10-K the inputs know ({form, accession, filing_date,
    report_date, url}): financial_profile's, else investor_intelligence's
    latest["10-K"] (both from SEC EDGAR's submissions), else NULL; *module
    (when not NULL) names the input it came from.                          */
static const pf_value_t *
s_latest_10k(const s_brief_t *b, const char **module)
{
    const pf_value_t *k = pf_map_get(s_data(b, "financial_profile"), "latest_10k");
    const char *from = "financial_profile";
    if (!pf_value_is(k, PF_MAP) || !s_str(k, "url", NULL)) {
        k = pf_map_get(pf_map_get(s_data(b, "investor_intelligence"), "latest"), "10-K");
        from = "investor_intelligence";
    }
    if (!pf_value_is(k, PF_MAP) || !s_str(k, "url", NULL))
        return NULL;
    if (module)
        *module = from;
    return k;
}

static pf_value_t *
s_what(s_brief_t *b)
{
    pf_value_t *list = pf_value_array();
    s_md(&b->md, "## What to say\n\n");
    const char *product = b->profile ? pf_profile_product(b->profile) : "the seller's product";
    const pf_value_t *icp = s_data(b, "icp_priority_mapping");
    if (s_str(icp, "tier", NULL)) {
        s_item(b, list, "icp_priority_mapping", "Fit for %s: ICP tier %s, %.0f/100", product,
               s_str(icp, "tier", ""), pf_map_get_float(icp, "score", 0));
        const pf_value_t *factors = pf_map_get(icp, "factors");
        for (size_t i = 0; i < pf_array_size(factors); i++) {
            const pf_value_t *f = pf_array_at(factors, i);
            if (pf_map_get_float(f, "points", 0) > 0)
                s_item(b, list, "icp_priority_mapping", "%s: %.1f of %lld points — %s",
                       s_str(f, "name", "?"), pf_map_get_float(f, "points", 0),
                       (long long) pf_map_get_int(f, "weight", 0), s_str(f, "reason", ""));
        }
    }
    const pf_value_t *inv = s_data(b, "investor_intelligence");
    s_evidence_items(b, list, "investor_intelligence", pf_map_get(inv, "themes"),
                     "Investors hear about");
    s_evidence_items(b, list, "investor_intelligence", pf_map_get(inv, "funding"),
                     "Capital news:");
    const pf_value_t *traffic = s_data(b, "traffic_analysis");
    char amount[PF_WORDS_AMOUNT_MAX];
    if (pf_value_is(pf_map_get(traffic, "monthly_visits"), PF_INT))
        s_item(b, list, "traffic_analysis", "%s visits a month (latest month to %s)",
               pf_words_amount((double) pf_map_get_int(traffic, "monthly_visits", 0), amount,
                               sizeof amount),
               s_str(pf_map_get(traffic, "period"), "end", "an unknown month"));
    const pf_value_t *fin = s_data(b, "financial_profile");
    const pf_value_t *rev = pf_map_get(fin, "revenue_latest");
    if (pf_map_has(rev, "value"))
        s_item(b, list, "financial_profile", "Revenue %s %s in fiscal year %lld",
               pf_words_amount(pf_map_get_float(rev, "value", 0), amount, sizeof amount),
               s_str(rev, "currency", ""),
               (long long) pf_map_get_int(rev, "fiscal_year", 0));
    const char *k_from = NULL;
    const pf_value_t *k = s_latest_10k(b, &k_from);
    if (k)
        s_item(b, list, k_from, "Latest annual report: %s for the fiscal year "
               "ended %s, filed %s (accession %s): %s", s_str(k, "form", "10-K"),
               s_str(k, "report_date", "(date unknown)"), s_str(k, "filing_date", "(date unknown)"),
               s_str(k, "accession", "unknown"), s_str(k, "url", "(no URL)"));
    if (pf_array_size(list) == 0)
        s_md(&b->md, "_Nothing specific: no fit, investor, traffic or financial facts "
                     "completed._\n");
    s_md(&b->md, "\n");
    return list;
}

static pf_value_t *
s_displacement(s_brief_t *b)
{
    pf_value_t *list = pf_value_array();
    s_md(&b->md, "## Displacement angle\n\n");
    const pf_value_t *disp = s_data(b, "displacement_analysis");
    const pf_value_t *inc = pf_map_get(disp, "incumbent");
    if (pf_value_is(inc, PF_MAP))
        s_item(b, list, "displacement_analysis", "Incumbent %s, in use since %s — %s",
               s_str(inc, "name", "?"), s_str(inc, "since", "an unknown date"),
               s_str(inc, "reason", "listed as displaceable by the seller profile"));
    const pf_value_t *opp = pf_map_get(disp, "opportunity");
    if (pf_map_has(opp, "score"))
        s_item(b, list, "displacement_analysis", "Opportunity score %lld/100",
               (long long) pf_map_get_int(opp, "score", 0));
    const pf_value_t *sw = pf_map_get(disp, "switching_signals");
    for (size_t i = 0; i < pf_array_size(sw) && i < PF_MOD_BRIEF_ITEMS_MAX; i++)
        s_item(b, list, "displacement_analysis", "Switching signal %s: %s",
               s_str(pf_array_at(sw, i), "signal", "?"),
               s_str(pf_array_at(sw, i), "detail", ""));
    const pf_value_t *peers = pf_map_get(disp, "competitors_on_product");
    for (size_t i = 0; i < pf_array_size(peers) && i < PF_MOD_BRIEF_ITEMS_MAX; i++)
        s_item(b, list, "displacement_analysis", "Competitor %s already runs %s",
               s_str(pf_array_at(peers, i), "domain", "?"),
               s_str(pf_array_at(peers, i), "technology", "?"));
    if (!disp) {
        /*  Without displacement_analysis, technology_stack's flags.       */
        const pf_value_t *tech = s_data(b, "technology_stack");
        const pf_value_t *dl = pf_map_get(tech, "displaceable");
        for (size_t i = 0; i < pf_array_size(dl) && i < PF_MOD_BRIEF_ITEMS_MAX; i++) {
            const pf_value_t *t = pf_array_at(dl, i);
            char since[PF_MOD_SIGNAL_DATE_MAX];
            s_ms_date(pf_map_get(t, "first_detected"), since, sizeof since);
            s_item(b, list, "technology_stack", "%s detected%s%s — %s", s_str(t, "name", "?"),
                   *since ? " since " : "", since, s_str(t, "reason", "displaceable"));
        }
    }
    const pf_value_t *ci = s_data(b, "competitor_intelligence");
    const pf_value_t *css = pf_map_get(ci, "competitor_site_search");
    for (size_t i = 0; i < pf_array_size(css) && i < PF_MOD_BRIEF_ITEMS_MAX; i++)
        s_item(b, list, "competitor_intelligence", "%zu competitor(s) run %s for site search",
               pf_array_size(pf_map_get(pf_array_at(css, i), "competitors")),
               s_str(pf_array_at(css, i), "name", "?"));
    if (pf_array_size(list) == 0)
        s_md(&b->md, "_No displaceable incumbent known._\n");
    s_md(&b->md, "\n");
    return list;
}

static pf_value_t *
s_proof(s_brief_t *b)
{
    pf_value_t *list = pf_value_array();
    s_md(&b->md, "## Proof points\n\n");
    const pf_value_t *cs = s_data(b, "case_study_matching");
    bool sample = pf_map_get_bool(cs, "sample", false);
    const pf_value_t *matches = pf_map_get(cs, "matches");
    for (size_t i = 0; i < pf_array_size(matches) && i < PF_MOD_BRIEF_ITEMS_MAX; i++) {
        const pf_value_t *m = pf_array_at(matches, i);
        const pf_value_t *o = pf_array_at(pf_map_get(m, "outcomes"), 0);
        s_item(b, list, "case_study_matching", "%s%s (%s, %s; match %lld/100): %s — %s %+.0f%%",
               sample ? "[sample] " : "", s_str(m, "customer", "?"), s_str(m, "industry", "?"),
               s_str(m, "size_band", "?"), (long long) pf_map_get_int(m, "score", 0),
               s_str(m, "summary", "no summary"), s_str(o, "metric", "outcome"),
               pf_map_get_float(o, "change_pct", 0));
    }
    if (pf_array_size(list) == 0)
        s_md(&b->md, "_No matching case study._\n");
    s_md(&b->md, "\n");
    return list;
}

/*  Risks from strategic_context; then every input absent, simulated or
    without data, and every fact an input lists as missing.                */
static void
s_risks(s_brief_t *b, pf_value_t **risks_p, pf_value_t **unknowns_p, pf_value_t **inputs_p)
{
    pf_value_t *risks = pf_value_array();
    pf_value_t *unknowns = pf_value_array();
    pf_value_t *status = pf_value_map();
    s_md(&b->md, "## Risks and unknowns\n\n");
    s_evidence_items(b, risks, "strategic_context",
                     pf_map_get(s_data(b, "strategic_context"), "risks"), "Risk");
    for (size_t i = 0; i < b->def->input_count; i++) {
        const char *name = b->def->inputs[i].name;
        const pf_value_t *r = pf_map_get(b->inputs, name);
        if (!r) {
            s_item(b, unknowns, name, "%s did not complete: its part of the brief is unknown",
                   name);
            pf_map_set_str(status, name, "absent");
            continue;
        }
        if (pf_map_get_bool(r, "simulated", false)) {
            s_item(b, unknowns, name, "%s was simulated: placeholder, not used", name);
            pf_map_set_str(status, name, "simulated");
            continue;
        }
        if (!s_data(b, name)) {
            s_item(b, unknowns, name, "%s gave no data", name);
            pf_map_set_str(status, name, "no_data");
            continue;
        }
        pf_map_set_str(status, name, "used");
        const pf_value_t *missing = pf_map_get(r, "missing");
        size_t n = pf_array_size(missing);
        for (size_t m = 0; m < n && m < PF_MOD_BRIEF_MISSING_MAX; m++)
            s_item(b, unknowns, name, "%s: %s unknown — %s", name,
                   s_str(pf_array_at(missing, m), "field", "?"),
                   s_str(pf_array_at(missing, m), "reason", "no reason given"));
        if (n > PF_MOD_BRIEF_MISSING_MAX)
            s_item(b, unknowns, name, "%s: %zu more fact(s) unknown", name,
                   n - PF_MOD_BRIEF_MISSING_MAX);
        /*  Providers that disagreed: the input's source order chose, and
            the reader should know what was set aside.                     */
        const pf_value_t *conflicts = pf_map_get(s_data(b, name), "conflicts");
        for (size_t c = 0; c < pf_array_size(conflicts) && c < PF_MOD_BRIEF_MISSING_MAX; c++) {
            const pf_value_t *x = pf_array_at(conflicts, c);
            char used[S_SCALAR_MAX], other[S_SCALAR_MAX];
            s_scalar(pf_map_get(x, "used"), used, sizeof used);
            s_scalar(pf_map_get(x, "other"), other, sizeof other);
            s_item(b, risks, name, "%s: sources disagree on %s — %s (%s) used by the source "
                   "order; %s says %s", name, s_str(x, "field", "?"), used,
                   s_str(x, "used_from", "?"), s_str(x, "other_from", "?"), other);
        }
    }
    if (pf_array_size(risks) + pf_array_size(unknowns) == 0)
        s_md(&b->md, "_None found._\n");
    s_md(&b->md, "\n");
    *risks_p = risks;
    *unknowns_p = unknowns;
    *inputs_p = status;
}

/*  Every provider source of every used input, registered as the brief's
    own sources and listed.                                                 */
static pf_value_t *
s_sources(s_brief_t *b)
{
    pf_value_t *list = pf_value_array();
    s_md(&b->md, "## Sources\n\n");
    for (size_t i = 0; i < b->def->input_count; i++) {
        const char *name = b->def->inputs[i].name;
        if (!s_data(b, name))
            continue;
        pf_facts_module(b->facts, name);
        const pf_value_t *r = pf_map_get(b->inputs, name);
        b->synthetic = b->synthetic || pf_map_get_bool(r, "synthetic", false);
        const pf_value_t *sources = pf_map_get(r, "sources");
        for (size_t s = 0; s < pf_array_size(sources); s++) {
            const pf_value_t *src = pf_array_at(sources, s);
            if (strcmp(s_str(src, "kind", ""), "provider") != 0)
                continue;
            pf_facts_provider(b->facts, src);
            char fetched[PF_MOD_SIGNAL_DATE_MAX];
            s_ms_date(pf_map_get(src, "fetched_at"), fetched, sizeof fetched);
            s_item(b, list, name, "%s: %s %s %s (%s, fetched %s)", name,
                   s_str(src, "provider", "?"), s_str(src, "op", "?"),
                   s_str(src, "request", ""), s_str(src, "origin", "?"),
                   *fetched ? fetched : "at an unknown time");
        }
    }
    if (pf_array_size(list) == 0)
        s_md(&b->md, "_No provider was consulted by the inputs that completed._\n");
    return list;
}

/*  ---- the result ------------------------------------------------------- */

pf_value_t *
pf_mod_strategic_signal_brief_result(const pf_profile_t *profile, const char *domain,
                                     const pf_value_t *inputs)
{
    if (pf_graph_check() != 0)
        return NULL;
    s_brief_t b = {profile, inputs, pf_graph_module(pf_graph_find(S_MODULE))->def, NULL,
                   {NULL, 0, 0}, false};
    bool any = false;
    for (size_t i = 0; i < b.def->input_count && !any; i++)
        any = s_data(&b, b.def->inputs[i].name) != NULL;
    if (!any)
        return NULL;
    b.facts = pf_facts_new();
    b.md.cap = S_MD_START;
    b.md.buf = pf_malloc(b.md.cap);
    b.md.buf[0] = '\0';
    /*  The synthetic flag must be known before the disclaimers: a first
        pass over the inputs' flags and provider origins.                  */
    bool synthetic = false;
    for (size_t i = 0; i < b.def->input_count; i++) {
        const char *name = b.def->inputs[i].name;
        const pf_value_t *r = pf_map_get(inputs, name);
        if (!s_data(&b, name))
            continue;
        synthetic = synthetic || pf_map_get_bool(r, "synthetic", false);
        const pf_value_t *sources = pf_map_get(r, "sources");
        for (size_t s = 0; s < pf_array_size(sources); s++)
            synthetic = synthetic
                        || strcmp(s_str(pf_array_at(sources, s), "origin", ""), "synthetic") == 0;
    }
    const char *company = s_str(s_data(&b, "company_context"), "name", domain ? domain : "?");
    int how = pf_facts_derived(b.facts, "the brief's rules (docs/MODULES.md, "
                                        "strategic_signal_brief) over the inputs named");
    s_md(&b.md, "# Strategic signal brief: %s (%s)\n\n", company, domain ? domain : "?");
    if (!profile)
        s_md(&b.md, "> **No seller profile is loaded**: the fit, signals and proof points "
                    "are judged for no seller.\n>\n");
    else if (pf_profile_sample(profile))
        s_md(&b.md, "> **Sample seller profile.** The seller (%s, %s) and its case studies "
                    "are sample data from %s, not a real vendor's.\n>\n",
             pf_profile_seller(profile), pf_profile_product(profile), pf_profile_file(profile));
    if (synthetic)
        s_md(&b.md, "> **Synthetic data.** Some provider answers came from the offline "
                    "emulator's synthetic data: they show the format and are not facts about "
                    "the company.\n>\n");
    s_md(&b.md, "> Built from the inputs that completed; every unknown is listed under "
                "Risks and unknowns.\n\n");
    pf_facts_set_str(b.facts, "company", company,
                     s_str(s_data(&b, "company_context"), "name", NULL)
                         ? pf_facts_module(b.facts, "company_context")
                         : pf_facts_derived(b.facts, "the domain: company_context gave no name"));
    s_headline(&b, company);
    pf_value_t *v = s_why_now(&b);
    pf_facts_set(b.facts, "why_now", &v, how);
    v = s_who(&b);
    pf_facts_set(b.facts, "who_to_talk_to", &v, how);
    v = s_what(&b);
    pf_facts_set(b.facts, "what_to_say", &v, how);
    const char *k_from = NULL;
    const pf_value_t *k = s_latest_10k(&b, &k_from);
    if (k) {
        pf_value_t *copy = pf_value_dup(k);
        pf_facts_set(b.facts, "latest_10k", &copy, pf_facts_module(b.facts, k_from));
    } else if (pf_map_get_bool(s_data(&b, "company_context"), "public", false)) {
        pf_facts_missing(b.facts, "latest_10k", "no input names a 10-K with its URL");
    }
    v = s_displacement(&b);
    pf_facts_set(b.facts, "displacement_angle", &v, how);
    v = s_proof(&b);
    pf_facts_set(b.facts, "proof_points", &v, how);
    pf_value_t *risks, *unknowns, *status;
    s_risks(&b, &risks, &unknowns, &status);
    pf_facts_set(b.facts, "risks", &risks, how);
    pf_facts_set(b.facts, "unknowns", &unknowns, how);
    pf_facts_set(b.facts, "inputs", &status, how);
    v = s_sources(&b);
    pf_facts_set(b.facts, "sources_cited", &v, how);
    pf_facts_set_bool(b.facts, "synthetic_data", synthetic, how);
    if (profile)
        pf_facts_set_bool(b.facts, "sample_profile", pf_profile_sample(profile), how);
    else
        pf_facts_missing(b.facts, "sample_profile", "no seller profile is loaded");
    pf_facts_set_str(b.facts, "markdown", b.md.buf, how);
    free(b.md.buf);
    pf_value_t *result = pf_facts_result(&b.facts);
    if (synthetic || b.synthetic)
        pf_map_set_bool(result, "synthetic", true);
    return result;
}

/*  ---- the actor side -------------------------------------------------- */

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_value_t *result = pf_mod_strategic_signal_brief_result(
        pf_profile_current(), pf_task_domain(task), pf_task_inputs(task));
    pf_modjob_answer(actor, &task, &result, "inputs_unavailable",
                     "no input of the brief completed with data");
}

const pf_module_t pf_mod_strategic_signal_brief = {S_MODULE, s_run};
