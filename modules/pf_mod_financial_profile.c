/*  pf_mod_financial_profile.c — the financial_profile module
    (see pf_mod_financial_profile.h and docs/MODULES.md).

    The actor part only moves a task through its three waves of calls;
    everything the result says is decided by the pure functions over the
    calls' outcomes, so the rules are unit-tested without an actor.       */
#include "pf_mod_financial_profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_facts.h"
#include "pf_gather.h"
#include "pf_listing.h"
#include "pf_modjob.h"

/*  The module's service name, as in the graph.                             */
#define S_MODULE "financial_profile"
/*  Waves of calls one task makes at most: each gets an equal share of the
    task's deadline, so a hanging provider cannot make the task time out. */
#define S_WAVES 3
/*  Room for a missing fact's reason, and for one that quotes another.     */
#define S_REASON_MAX 512
#define S_NOTE_MAX (2 * S_REASON_MAX)
/*  A full year of 52 or 53 weeks, or a calendar year, ends this many days
    after the one before (the same bounds SEC's company facts use for a
    full-year period).                                                     */
#define S_YEAR_DAYS_MIN 350
#define S_YEAR_DAYS_MAX 380
/*  Mean days of a Gregorian year, for counting years between two ends.    */
#define S_YEAR_DAYS 365.2425
/*  Whole numbers up to 2^53 are exact in a double; money beyond is kept
    as a float.                                                            */
#define S_EXACT_MAX 9007199254740992.0
/*  Figures of one metric kept: the latest full year and the one before.   */
#define S_FIGURES 2
/*  Two amounts differ when they are a whole unit (a dollar) apart or more:
    SEC and Yahoo both report whole units, so less is representation.      */
#define S_SAME_AMOUNT 1.0
/*  "YYYY-MM-DD".                                                           */
#define S_DATE_LEN 10

/*  The reason of every financial field of a company with no listing.      */
#define S_PRIVATE "private company: no public filings"

/*  The fields that need a confirmed listing.                               */
static const char *const s_financial_fields[] = {
    "revenue_latest", "revenue_prior", "revenue_growth", "net_income_latest",
    "net_income_prior", "net_margin", "margins_ttm", "market_cap", "currency",
    "fiscal_year_end", "latest_10k"
};
/*  The fields only SEC gives, besides the figures.                         */
static const char *const s_sec_fields[] = { "cik", "fiscal_year_end", "latest_10k" };

#define S_COUNT(a) (sizeof(a) / sizeof *(a))

/*  ---- pure logic ------------------------------------------------------ */

bool
pf_mod_financial_profile_news_query(const char *name, char *out, size_t size)
{
    if (!name || !*name || !out || size == 0)
        return false;
    int n = snprintf(out, size, "%s earnings OR revenue", name);
    return n > 0 && (size_t) n < size;
}

bool
pf_mod_financial_profile_days(const char *date, int64_t *days)
{
    if (!date || strlen(date) != S_DATE_LEN || date[4] != '-' || date[7] != '-')
        return false;
    for (size_t i = 0; i < S_DATE_LEN; i++)
        if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
            return false;
    int64_t y = strtol(date, NULL, 10);
    int64_t m = strtol(date + 5, NULL, 10);
    int64_t d = strtol(date + 8, NULL, 10);
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        return false;
    /* Days from the civil date: March-based years put the leap day last.  */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = era * 146097 + doe - 719468;
    return true;
}

bool
pf_mod_financial_profile_consecutive(const char *prior_end, const char *latest_end)
{
    int64_t a, b;
    if (!pf_mod_financial_profile_days(prior_end, &a)
        || !pf_mod_financial_profile_days(latest_end, &b))
        return false;
    return b - a >= S_YEAR_DAYS_MIN && b - a <= S_YEAR_DAYS_MAX;
}

bool
pf_mod_financial_profile_growth(double latest, double prior, double *growth)
{
    if (!isfinite(latest) || !isfinite(prior) || !(prior > 0))
        return false;
    *growth = latest / prior - 1.0;
    return true;
}

int64_t
pf_mod_financial_profile_fiscal_year(const pf_value_t *annual, size_t i)
{
    const pf_value_t *row = pf_array_at(annual, i);
    int64_t fy = pf_map_get_int(row, "fy", 0);
    const char *accn = pf_map_get_str(row, "accn");
    int64_t end;
    if (fy <= 0 || !accn || !pf_mod_financial_profile_days(pf_map_get_str(row, "end"), &end))
        return 0;
    /* The filing's own period: the latest end among its rows.             */
    int64_t own = end;
    for (size_t k = 0; k < pf_array_size(annual); k++) {
        const pf_value_t *other = pf_array_at(annual, k);
        const char *a = pf_map_get_str(other, "accn");
        int64_t e;
        if (a && strcmp(a, accn) == 0 && pf_map_get_int(other, "fy", 0) == fy
            && pf_mod_financial_profile_days(pf_map_get_str(other, "end"), &e) && e > own)
            own = e;
    }
    return fy - (int64_t) llround((double) (own - end) / S_YEAR_DAYS);
}

/*  One full-year figure and where it came from.                            */
typedef struct {
    double value;                       /* the amount                       */
    int64_t fiscal_year;                /* its fiscal year; 0: unknown      */
    const char *start;                  /* period start; NULL: not given    */
    const char *end;                    /* period end                       */
    const char *currency;               /* ISO code; NULL: not given        */
    const pf_value_t *sec_row;          /* the XBRL row (SEC only)          */
    const pf_identity_reply_t *reply;   /* the answer it is from            */
} s_figure_t;

/*  What the SEC check left for the figures.                                */
typedef struct {
    const pf_value_t *facts;            /* usable company facts, or NULL    */
    char note[S_NOTE_MAX];              /* why SEC is not used ("": it is,
                                           or the company is no filer)      */
} s_sec_use_t;

static int
s_src(pf_facts_t *facts, const pf_identity_reply_t *r)
{
    return pf_facts_provider(facts, r->provenance);
}

static void
s_missing_all(pf_facts_t *facts, const char *const *fields, size_t n, const char *reason)
{
    for (size_t i = 0; i < n; i++)
        pf_facts_missing(facts, fields[i], reason);
}

/*  A number as an int when it is a whole one that a double holds exactly. */
static void
s_set_amount(pf_value_t *map, const char *key, double v)
{
    if (v == floor(v) && fabs(v) <= S_EXACT_MAX)
        pf_map_set_int(map, key, (int64_t) v);
    else
        pf_map_set_float(map, key, v);
}

/*  Up to S_FIGURES figures from SEC's annual list (newest first).         */
static size_t
s_sec_figures(const pf_value_t *list, const pf_identity_reply_t *reply, s_figure_t *figs)
{
    size_t n = 0;
    for (size_t i = 0; i < pf_array_size(list) && n < S_FIGURES; i++) {
        const pf_value_t *row = pf_array_at(list, i);
        const pf_value_t *val = pf_map_get(row, "val");
        const char *end = pf_map_get_str(row, "end");
        int64_t days;
        if (!val || !pf_mod_financial_profile_days(end, &days))
            continue;
        double v = pf_value_as_float(val, NAN);
        if (!isfinite(v))
            continue;
        figs[n++] = (s_figure_t) { v, pf_mod_financial_profile_fiscal_year(list, i),
                                   pf_map_get_str(row, "start"), end, "USD", row, reply };
    }
    return n;
}

/*  Up to S_FIGURES figures of key from Yahoo's income statements (newest
    first); Yahoo labels no fiscal year and gives no period start.        */
static size_t
s_yahoo_figures(const pf_value_t *quote, const char *key, const pf_identity_reply_t *reply,
                s_figure_t *figs)
{
    const pf_value_t *rows = pf_map_get(quote, "income_statements");
    const char *currency = pf_map_get_str(pf_map_get(quote, "financials"), "currency");
    size_t n = 0;
    for (size_t i = 0; i < pf_array_size(rows) && n < S_FIGURES; i++) {
        const pf_value_t *row = pf_array_at(rows, i);
        const char *end = pf_map_get_str(row, "end_date");
        double v = pf_value_as_float(pf_map_get(row, key), NAN);
        int64_t days;
        if (!isfinite(v) || !pf_mod_financial_profile_days(end, &days))
            continue;
        figs[n++] = (s_figure_t) { v, 0, NULL, end, currency, NULL, reply };
    }
    return n;
}

/*  {value, currency?, fiscal_year?, period_start?, period_end, form?,
    accession?, filed?}.                                                   */
static pf_value_t *
s_figure_map(const s_figure_t *f)
{
    pf_value_t *m = pf_value_map();
    s_set_amount(m, "value", f->value);
    if (f->currency && *f->currency)
        pf_map_set_str(m, "currency", f->currency);
    if (f->fiscal_year > 0)
        pf_map_set_int(m, "fiscal_year", f->fiscal_year);
    if (f->start && *f->start)
        pf_map_set_str(m, "period_start", f->start);
    pf_map_set_str(m, "period_end", f->end);
    static const char *const keys[][2] = { { "form", "form" }, { "accn", "accession" },
                                           { "filed", "filed" } };
    for (size_t i = 0; f->sec_row && i < S_COUNT(keys); i++) {
        const char *s = pf_map_get_str(f->sec_row, keys[i][0]);
        if (s && *s)
            pf_map_set_str(m, keys[i][1], s);
    }
    return m;
}

/*  One metric ("revenue", "net_income"): SEC's list when usable and not
    empty, else Yahoo's statements.  Sets <metric>_latest and _prior, or
    says why not.  Returns how many figures it set (0..2) into figs.      */
static size_t
s_metric(pf_facts_t *facts, const char *metric, const pf_value_t *sec_list,
         const pf_identity_reply_t *sec_reply, const pf_identity_reply_t *quote,
         const char *yahoo_key, s_figure_t *figs)
{
    char latest[64], prior[64], reason[S_REASON_MAX];
    snprintf(latest, sizeof latest, "%s_latest", metric);
    snprintf(prior, sizeof prior, "%s_prior", metric);
    size_t n = sec_list ? s_sec_figures(sec_list, sec_reply, figs) : 0;
    const char *from = "SEC company facts";
    if (n == 0) {
        n = s_yahoo_figures(quote->data, yahoo_key, quote, figs);
        from = "Yahoo income statements";
    }
    if (n == 0) {
        snprintf(reason, sizeof reason,
                 "no full-year %s from SEC company facts or Yahoo income statements",
                 strcmp(metric, "net_income") == 0 ? "net income" : metric);
        pf_facts_missing(facts, latest, reason);
        pf_facts_missing(facts, prior, reason);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        pf_value_t *m = s_figure_map(&figs[i]);
        pf_facts_set(facts, i == 0 ? latest : prior, &m, s_src(facts, figs[i].reply));
    }
    if (n < S_FIGURES) {
        snprintf(reason, sizeof reason, "%s give only one full year", from);
        pf_facts_missing(facts, prior, reason);
    }
    return n;
}

/*  Where SEC's figures were used and Yahoo's income statements give the
    same period (same end date) another value, appends {field, period_end,
    used, used_from, other, other_from} to conflicts: SEC comes first in
    the source order, and the result says what it set aside.             */
static void
s_conflicts(pf_value_t *conflicts, const char *metric, const s_figure_t *figs, size_t n,
            const pf_identity_reply_t *quote, const char *yahoo_key)
{
    if (n == 0 || !figs[0].sec_row)
        return;   /* Yahoo's own figures: nothing set aside                 */
    s_figure_t yahoo[S_FIGURES];
    size_t ny = s_yahoo_figures(quote->data, yahoo_key, quote, yahoo);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < ny; j++) {
            if (strcmp(figs[i].end, yahoo[j].end) != 0
                || fabs(figs[i].value - yahoo[j].value) < S_SAME_AMOUNT)
                continue;
            pf_value_t *c = pf_value_map();
            char field[64];
            snprintf(field, sizeof field, "%s_%s", metric, i == 0 ? "latest" : "prior");
            pf_map_set_str(c, "field", field);
            pf_map_set_str(c, "period_end", figs[i].end);
            s_set_amount(c, "used", figs[i].value);
            pf_map_set_str(c, "used_from", "sec_edgar");
            s_set_amount(c, "other", yahoo[j].value);
            pf_map_set_str(c, "other_from", "yahoo_finance");
            pf_array_push(conflicts, &c);
        }
}

/*  revenue_growth from two consecutive full years of one source.          */
static void
s_growth(pf_facts_t *facts, const s_figure_t *rev, size_t n)
{
    double g;
    if (n < S_FIGURES)
        pf_facts_missing(facts, "revenue_growth", "needs revenue of two full years");
    else if (!pf_mod_financial_profile_consecutive(rev[1].end, rev[0].end))
        pf_facts_missing(facts, "revenue_growth",
                         "the two latest full years reported are not consecutive");
    else if (!pf_mod_financial_profile_growth(rev[0].value, rev[1].value, &g))
        pf_facts_missing(facts, "revenue_growth", "the prior year's revenue is not positive");
    else
        pf_facts_set_float(facts, "revenue_growth", g,
                           pf_facts_derived(facts, "revenue_latest / revenue_prior - 1, two "
                                                   "consecutive full years of one source"));
}

/*  net_margin from revenue and net income of the same year and source.    */
static void
s_net_margin(pf_facts_t *facts, const s_figure_t *rev, size_t nrev, const s_figure_t *ni,
             size_t nni)
{
    if (nrev == 0 || nni == 0) {
        pf_facts_missing(facts, "net_margin", "needs revenue and net income of the latest year");
        return;
    }
    if (rev[0].reply != ni[0].reply || strcmp(rev[0].end, ni[0].end) != 0 || !(rev[0].value > 0)) {
        pf_facts_missing(facts, "net_margin",
                         "revenue and net income of the latest year are not of one period "
                         "and source");
        return;
    }
    pf_facts_set_float(facts, "net_margin", ni[0].value / rev[0].value,
                       pf_facts_derived(facts, "net_income_latest / revenue_latest, one "
                                               "period of one source"));
}

/*  SEC's identity facts for the confirmed symbol, and whether its company
    facts may be used for the figures.                                     */
static void
s_sec(pf_facts_t *facts, const pf_mod_financial_profile_input_t *in, int conf,
      s_sec_use_t *use)
{
    char reason[S_REASON_MAX];
    const char *symbol = in->symbols[conf];
    int64_t cik = 0;
    int ticker_index = -1;
    use->facts = NULL;
    use->note[0] = '\0';
    pf_identity_sec_t sec = pf_identity_sec(&in->ciks[conf], &in->submissions, symbol, &cik,
                                            &ticker_index, reason, sizeof reason);
    if (sec == PF_IDENTITY_SEC_NOT_FILER) {
        s_missing_all(facts, s_sec_fields, S_COUNT(s_sec_fields), reason);
        return;   /* Yahoo is then the only source, not a fallback         */
    }
    if (sec != PF_IDENTITY_SEC_ACCEPTED) {
        size_t first = 0;
        if (sec == PF_IDENTITY_SEC_CIK_ONLY) {
            pf_facts_set_int(facts, "cik", cik, s_src(facts, &in->ciks[conf]));
            first = 1;
        }
        s_missing_all(facts, s_sec_fields + first, S_COUNT(s_sec_fields) - first, reason);
        snprintf(use->note, sizeof use->note, "%s; revenue and net income from Yahoo", reason);
        return;
    }
    pf_facts_set_int(facts, "cik", cik, s_src(facts, &in->ciks[conf]));
    const pf_identity_reply_t *sub = &in->submissions;
    const char *fye = pf_map_get_str(sub->data, "fiscal_year_end");
    if (fye && *fye)
        pf_facts_set_str(facts, "fiscal_year_end", fye, s_src(facts, sub));
    else
        pf_facts_missing(facts, "fiscal_year_end", "not in the SEC record");
    const pf_value_t *tenk = pf_map_get(sub->data, "latest_10k");
    if (pf_value_is(tenk, PF_MAP) && pf_map_get_str(tenk, "accession")) {
        pf_value_t *copy = pf_value_dup(tenk);
        pf_facts_set(facts, "latest_10k", &copy, s_src(facts, sub));
    } else {
        snprintf(reason, sizeof reason, "SEC EDGAR lists no 10-K for CIK %lld",
                 (long long) cik);
        pf_facts_missing(facts, "latest_10k", reason);
    }
    const pf_identity_reply_t *cf = &in->company_facts;
    if (!cf->data) {
        pf_identity_failure(reason, sizeof reason, "sec_edgar company_facts", cf);
        snprintf(use->note, sizeof use->note, "%s; revenue and net income from Yahoo", reason);
    } else if (pf_map_get_int(cf->data, "cik", cik) != cik) {
        snprintf(use->note, sizeof use->note,
                 "contradictory SEC data: company facts of another CIK than %lld; revenue "
                 "and net income from Yahoo", (long long) cik);
    } else {
        use->facts = cf->data;
    }
}

/*  Market capitalisation, TTM margins and the reporting currency from the
    confirmed quote_summary.                                              */
static void
s_yahoo(pf_facts_t *facts, const pf_identity_reply_t *q, const s_figure_t *rev, size_t nrev)
{
    double cap = pf_value_as_float(pf_map_get(q->data, "market_cap"), NAN);
    if (isfinite(cap) && cap > 0) {
        pf_value_t *m = pf_value_map();
        s_set_amount(m, "value", cap);
        const char *cur = pf_map_get_str(q->data, "currency");
        if (cur && *cur)
            pf_map_set_str(m, "currency", cur);
        pf_facts_set(facts, "market_cap", &m, s_src(facts, q));
    } else {
        pf_facts_missing(facts, "market_cap", "Yahoo reports no market capitalisation");
    }
    const pf_value_t *fin = pf_map_get(q->data, "financials");
    static const char *const keys[][2] = { { "gross_margins", "gross" },
                                           { "operating_margins", "operating" },
                                           { "profit_margins", "profit" },
                                           { "ebitda_margins", "ebitda" } };
    pf_value_t *margins = pf_value_map();
    for (size_t i = 0; i < S_COUNT(keys); i++) {
        double v = pf_value_as_float(pf_map_get(fin, keys[i][0]), NAN);
        if (isfinite(v))
            pf_map_set_float(margins, keys[i][1], v);
    }
    if (pf_map_size(margins) > 0) {
        pf_facts_set(facts, "margins_ttm", &margins, s_src(facts, q));
    } else {
        pf_value_destroy(&margins);
        pf_facts_missing(facts, "margins_ttm", "Yahoo reports no margins");
    }
    if (nrev > 0 && rev[0].currency && *rev[0].currency) {
        pf_facts_set_str(facts, "currency", rev[0].currency, s_src(facts, rev[0].reply));
    } else {
        const char *cur = pf_map_get_str(fin, "currency");
        if (nrev == 0 && cur && *cur)
            pf_facts_set_str(facts, "currency", cur, s_src(facts, q));
        else
            pf_facts_missing(facts, "currency", "no reporting currency from SEC or Yahoo");
    }
}

/*  news: the search's results, each {title, url, hostname?, description?,
    age?}.                                                                 */
static void
s_news(pf_facts_t *facts, const pf_identity_reply_t *news)
{
    char reason[S_REASON_MAX];
    if (!news->data) {
        if (!news->error)
            snprintf(reason, sizeof reason, "no name to search news for could be taken from "
                                            "the domain");
        else
            pf_identity_failure(reason, sizeof reason, "websearch news", news);
        pf_facts_missing(facts, "news", reason);
        return;
    }
    pf_value_t *list = pf_value_array();
    const pf_value_t *results = pf_map_get(news->data, "results");
    static const char *const keys[] = { "title", "url", "hostname", "description", "age" };
    for (size_t i = 0; i < pf_array_size(results); i++) {
        const pf_value_t *r = pf_array_at(results, i);
        const char *title = pf_map_get_str(r, "title");
        const char *url = pf_map_get_str(r, "url");
        if (!title || !*title || !url || !*url)
            continue;
        pf_value_t *item = pf_value_map();
        for (size_t k = 0; k < S_COUNT(keys); k++) {
            const char *s = pf_map_get_str(r, keys[k]);
            if (s && *s)
                pf_map_set_str(item, keys[k], s);
        }
        pf_array_push(list, &item);
    }
    pf_facts_set(facts, "news", &list, s_src(facts, news));
}

/*  Everything a confirmed listing gives.                                  */
static void
s_confirmed(pf_facts_t *facts, const pf_mod_financial_profile_input_t *in, int conf)
{
    const pf_identity_reply_t *q = &in->quotes[conf];
    pf_facts_set_bool(facts, "public", true, s_src(facts, q));
    pf_facts_set_str(facts, "ticker", in->symbols[conf], s_src(facts, q));
    s_sec_use_t use;
    s_sec(facts, in, conf, &use);
    s_figure_t rev[S_FIGURES], ni[S_FIGURES];
    size_t nrev = s_metric(facts, "revenue", pf_map_get(use.facts, "annual_revenue"),
                           &in->company_facts, q, "total_revenue", rev);
    size_t nni = s_metric(facts, "net_income", pf_map_get(use.facts, "annual_net_income"),
                          &in->company_facts, q, "net_income", ni);
    pf_value_t *conflicts = pf_value_array();
    s_conflicts(conflicts, "revenue", rev, nrev, q, "total_revenue");
    s_conflicts(conflicts, "net_income", ni, nni, q, "net_income");
    if (pf_array_size(conflicts) > 0)
        pf_facts_set(facts, "conflicts", &conflicts,
                     pf_facts_derived(facts, "the source order of docs/MODULES.md "
                                             "(financial_profile): SEC before Yahoo"));
    else
        pf_value_destroy(&conflicts);
    s_growth(facts, rev, nrev);
    s_net_margin(facts, rev, nrev, ni, nni);
    s_yahoo(facts, q, rev, nrev);
    if (use.note[0])   /* not a field: why the figures are Yahoo's          */
        pf_facts_missing(facts, "sec_edgar", use.note);
}

pf_value_t *
pf_mod_financial_profile_result(const char *domain, const pf_mod_financial_profile_input_t *in)
{
    if (!domain || !in)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    char reason[S_REASON_MAX];
    int conf = -1;
    size_t n = in->ncandidates < PF_IDENTITY_CANDIDATES ? in->ncandidates
                                                        : PF_IDENTITY_CANDIDATES;
    pf_identity_listing_t listing = pf_identity_listing(domain, &in->search, in->symbols,
                                                        in->quotes, n, &conf, reason,
                                                        sizeof reason);
    if (listing == PF_IDENTITY_CONFIRMED) {
        s_confirmed(facts, in, conf);
    } else if (listing == PF_IDENTITY_PRIVATE) {
        int src = n > 0 ? s_src(facts, &in->quotes[0]) : s_src(facts, &in->search);
        pf_facts_set_bool(facts, "public", false, src);
        pf_facts_missing(facts, "ticker", S_PRIVATE);
        pf_facts_missing(facts, "cik", S_PRIVATE);
        s_missing_all(facts, s_financial_fields, S_COUNT(s_financial_fields), S_PRIVATE);
    } else {
        pf_facts_missing(facts, "public", reason);
        pf_facts_missing(facts, "ticker", reason);
        pf_facts_missing(facts, "cik", reason);
        s_missing_all(facts, s_financial_fields, S_COUNT(s_financial_fields), reason);
    }
    s_news(facts, &in->news);
    pf_value_t *result = pf_facts_result(&facts);
    if (pf_map_size(pf_map_get(result, "data")) == 0)
        pf_value_destroy(&result);   /* nothing true can be said           */
    return result;
}

/*  ---- the actor part -------------------------------------------------- */

static void
s_input(const pf_modjob_t *job, pf_mod_financial_profile_input_t *in)
{
    const pf_gather_t *g = pf_modjob_gather(job);
    memset(in, 0, sizeof *in);
    pf_identity_reply_of(g, "search", &in->search);
    pf_identity_reply_of(g, "news", &in->news);
    in->ncandidates = pf_listing_candidates(job, in->symbols, in->quotes, in->ciks);
    pf_identity_reply_of(g, "submissions", &in->submissions);
    pf_identity_reply_of(g, "company_facts", &in->company_facts);
}

static void
s_finish(pf_modjob_t *job)
{
    pf_mod_financial_profile_input_t in;
    s_input(job, &in);
    pf_value_t *result = pf_mod_financial_profile_result(pf_modjob_domain(job), &in);
    pf_modjob_finish(&job, &result, "no_data",
                     "listing and news both unknown (yahoo_finance search: %s, "
                     "websearch news: %s)", in.search.error ? in.search.error : "not called",
                     in.news.error ? in.news.error : "not called");
}

/*  Wave 3: the SEC record and the XBRL facts of the confirmed CIK.         */
static void
s_sec_calls(pf_modjob_t *job, int64_t cik)
{
    pf_value_t *args = pf_value_map();
    pf_map_set_int(args, "cik", cik);
    pf_modjob_call(job, "submissions", "sec_edgar", "submissions", &args);
    args = pf_value_map();
    pf_map_set_int(args, "cik", cik);
    pf_modjob_call(job, "company_facts", "sec_edgar", "company_facts", &args);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, S_WAVES, sizeof(pf_listing_t), NULL);
    /* Yahoo and the news search together: the news query cannot wait for
       the confirmed name, so it uses the name guessed from the domain.     */
    char guess[PF_IDENTITY_LABEL_MAX], query[PF_IDENTITY_LABEL_MAX * 2];
    if (pf_identity_name_guess(pf_modjob_domain(job), guess, sizeof guess)) {
        pf_value_t *args = pf_value_map();
        pf_map_set_str(args, "query", guess);
        pf_modjob_call(job, "search", "yahoo_finance", "search", &args);
        if (pf_mod_financial_profile_news_query(guess, query, sizeof query)) {
            args = pf_value_map();
            pf_map_set_str(args, "query", query);
            pf_map_set_int(args, "count", PF_MOD_FINANCIAL_PROFILE_NEWS);
            pf_modjob_call(job, "news", "websearch", "news", &args);
        }
    }
    pf_listing_go(job, s_sec_calls, s_finish);
}

const pf_module_t pf_mod_financial_profile = { S_MODULE, s_run };
