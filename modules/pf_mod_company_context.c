/*  pf_mod_company_context.c — the company_context module
    (see pf_mod_company_context.h and docs/MODULES.md).

    The actor part only moves a task through its three waves of calls;
    everything the result says is decided by the pure functions over the
    calls' outcomes, so the rules are unit-tested without an actor.       */
#include "pf_mod_company_context.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_facts.h"
#include "pf_gather.h"

/*  The module's service name, as in the graph.                             */
#define S_MODULE "company_context"
/*  Waves of calls one task makes at most: each gets an equal share of the
    task's deadline, so a hanging provider cannot make the task time out. */
#define S_WAVES 3
/*  Results asked of the web search for the domain.                         */
#define S_WEB_COUNT 5
/*  Room for a missing fact's reason.                                       */
#define S_REASON_MAX 512
/*  Room for a guessed name and a slot name.                                */
#define S_LABEL_MAX 64

/*  Second-level labels under which a country code registers names
    ("co.uk", "com.au"): the guess then takes the label before them.      */
static const char *const s_second_levels[] = { "co", "com", "net", "org", "ac", "gov", "edu",
                                               "ne", "or", "gob", "nom" };

/*  ---- pure logic ------------------------------------------------------ */

bool
pf_mod_company_context_name_guess(const char *domain, char *out, size_t size)
{
    if (!domain || !out || size == 0)
        return false;
    /* The last three labels, right to left.                               */
    size_t len = strlen(domain);
    while (len > 0 && domain[len - 1] == '.')
        len--;
    const char *labels[3] = { NULL, NULL, NULL };
    size_t lens[3] = { 0, 0, 0 };
    size_t n = 0, end = len;
    for (size_t i = len; n < 3; i--) {
        if (i == 0 || domain[i - 1] == '.') {
            labels[n] = domain + i;
            lens[n] = end - i;
            n++;
            if (i == 0)
                break;
            end = i - 1;
        }
        if (i == 0)
            break;
    }
    if (n < 2)
        return false;   /* a bare TLD names nothing                       */
    size_t pick = 1;
    if (n >= 3 && lens[0] == 2)
        for (size_t k = 0; k < sizeof s_second_levels / sizeof *s_second_levels; k++)
            if (strlen(s_second_levels[k]) == lens[1]
                && strncasecmp(labels[1], s_second_levels[k], lens[1]) == 0) {
                pick = 2;
                break;
            }
    if (lens[pick] == 0 || lens[pick] >= size)
        return false;
    memcpy(out, labels[pick], lens[pick]);
    out[lens[pick]] = '\0';
    return true;
}

bool
pf_mod_company_context_host_matches(const char *url, const char *domain)
{
    if (!url || !domain || !*domain)
        return false;
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    const char *at = NULL;
    size_t hlen = strcspn(host, "/?#");
    for (size_t i = 0; i < hlen; i++)
        if (host[i] == '@')
            at = host + i;
    if (at) {   /* userinfo is not the host                                */
        hlen -= (size_t) (at + 1 - host);
        host = at + 1;
    }
    size_t port = strcspn(host, ":");
    if (port < hlen)
        hlen = port;
    while (hlen > 0 && host[hlen - 1] == '.')
        hlen--;
    size_t dlen = strlen(domain);
    while (dlen > 0 && domain[dlen - 1] == '.')
        dlen--;
    if (dlen == 0 || hlen < dlen)
        return false;
    if (strncasecmp(host + hlen - dlen, domain, dlen) != 0)
        return false;
    return hlen == dlen || host[hlen - dlen - 1] == '.';
}

size_t
pf_mod_company_context_candidates(const pf_value_t *search_data, const char **symbols,
                                  size_t max)
{
    const pf_value_t *quotes = pf_map_get(search_data, "quotes");
    size_t n = 0;
    for (size_t i = 0; i < pf_array_size(quotes) && n < max; i++) {
        const pf_value_t *q = pf_array_at(quotes, i);
        const char *type = pf_map_get_str(q, "type");
        const char *symbol = pf_map_get_str(q, "symbol");
        if (!symbol || !*symbol || !type || strcasecmp(type, "EQUITY") != 0)
            continue;
        bool seen = false;
        for (size_t k = 0; k < n; k++)
            seen = seen || strcmp(symbols[k], symbol) == 0;
        if (!seen)
            symbols[n++] = symbol;
    }
    return n;
}

int
pf_mod_company_context_confirmed(const pf_mod_company_context_input_t *in, const char *domain)
{
    for (size_t i = 0; i < in->ncandidates && i < PF_MOD_COMPANY_CONTEXT_CANDIDATES; i++) {
        const pf_value_t *profile = pf_map_get(in->quotes[i].data, "profile");
        if (pf_mod_company_context_host_matches(pf_map_get_str(profile, "website"), domain))
            return (int) i;
    }
    return -1;
}

/*  "yahoo_finance search failed: timeout (no reply…)".                   */
static void
s_failure(char *out, size_t size, const char *what, const pf_mod_company_context_reply_t *r)
{
    const char *code = r->error ? r->error : "not called";
    if (r->message && *r->message)
        snprintf(out, size, "%s failed: %s (%s)", what, code, r->message);
    else
        snprintf(out, size, "%s failed: %s", what, code);
}

static int
s_src(pf_facts_t *facts, const pf_mod_company_context_reply_t *r)
{
    return pf_facts_provider(facts, r->provenance);
}

/*  The first non-empty string among (map, key) pairs with its source;
    returns its position or -1.                                            */
typedef struct {
    const pf_value_t *map;       /* where to look (NULL: source absent)    */
    const char *key;             /* the field in it                        */
    const pf_mod_company_context_reply_t *reply; /* the reply it came from */
} s_cand_t;

static int
s_set_first(pf_facts_t *facts, const char *field, const s_cand_t *cands, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = pf_map_get_str(cands[i].map, cands[i].key);
        if (s && *s) {
            pf_facts_set_str(facts, field, s, s_src(facts, cands[i].reply));
            return (int) i;
        }
    }
    return -1;
}

/*  The Yahoo search quote with symbol (borrowed), or NULL.                */
static const pf_value_t *
s_quote_of(const pf_value_t *search_data, const char *symbol)
{
    const pf_value_t *quotes = pf_map_get(search_data, "quotes");
    for (size_t i = 0; symbol && i < pf_array_size(quotes); i++) {
        const pf_value_t *q = pf_array_at(quotes, i);
        const char *s = pf_map_get_str(q, "symbol");
        if (s && strcmp(s, symbol) == 0)
            return q;
    }
    return NULL;
}

/*  SEC writes class shares with '-' where Yahoo writes '.'.               */
static bool
s_same_ticker(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '.' ? '-' : (char) toupper((unsigned char) *a);
        char y = *b == '.' ? '-' : (char) toupper((unsigned char) *b);
        if (x != y)
            return false;
    }
    return *a == *b;
}

/*  Position of ticker in the submissions' tickers, or -1.                 */
static int
s_ticker_index(const pf_value_t *submissions, const char *ticker)
{
    const pf_value_t *tickers = pf_map_get(submissions, "tickers");
    for (size_t i = 0; i < pf_array_size(tickers); i++) {
        const char *t = pf_value_as_str(pf_array_at(tickers, i), NULL);
        if (t && s_same_ticker(t, ticker))
            return (int) i;
    }
    return -1;
}

/*  The description of the first web result on the domain's own site.     */
static const char *
s_web_description(const pf_value_t *web, const char *domain)
{
    const pf_value_t *results = pf_map_get(web, "results");
    for (size_t i = 0; i < pf_array_size(results); i++) {
        const pf_value_t *r = pf_array_at(results, i);
        const char *host = pf_map_get_str(r, "hostname");
        const char *url = pf_map_get_str(r, "url");
        const char *desc = pf_map_get_str(r, "description");
        if (desc && *desc
            && (pf_mod_company_context_host_matches(host, domain)
                || pf_mod_company_context_host_matches(url, domain)))
            return desc;
    }
    return NULL;
}

/*  headquarters = {city, state?, country?} from the first place with a
    city, kept whole so one address is never mixed from two sources.      */
static bool
s_set_place(pf_facts_t *facts, const pf_value_t *place, const char *country_key,
            const pf_mod_company_context_reply_t *reply)
{
    const char *city = pf_map_get_str(place, "city");
    if (!city || !*city)
        return false;
    pf_value_t *hq = pf_value_map();
    pf_map_set_str(hq, "city", city);
    const char *state = pf_map_get_str(place, "state");
    if (state && *state)
        pf_map_set_str(hq, "state", state);
    const char *country = pf_map_get_str(place, country_key);
    if (country && *country)
        pf_map_set_str(hq, "country", country);
    pf_facts_set(facts, "headquarters", &hq, s_src(facts, reply));
    return true;
}

/*  employees from a positive number in map[key].                          */
static bool
s_set_employees(pf_facts_t *facts, const pf_value_t *map,
                const pf_mod_company_context_reply_t *reply)
{
    double n = pf_map_get_float(map, "employees", 0);
    if (!(n >= 1) || n > (double) INT64_MAX)
        return false;
    pf_facts_set_int(facts, "employees", (int64_t) n, s_src(facts, reply));
    return true;
}

/*  The fields that only a confirmed listing can give.                     */
static const char *const s_listing_fields[] = { "ticker", "exchange" };
static const char *const s_sec_fields[] = { "cik", "sic", "sic_description",
                                            "fiscal_year_end" };

static void
s_missing_all(pf_facts_t *facts, const char *const *fields, size_t n, const char *reason)
{
    for (size_t i = 0; i < n; i++)
        pf_facts_missing(facts, fields[i], reason);
}

#define S_COUNT(a) (sizeof(a) / sizeof *(a))

/*  SEC facts for the confirmed ticker: cik from the cik reply; SIC and the
    fiscal year end from the submissions, which must list the ticker.     */
static void
s_sec(pf_facts_t *facts, const pf_mod_company_context_input_t *in, int conf,
      const char *symbol, int *exchange_index)
{
    char reason[S_REASON_MAX];
    const pf_mod_company_context_reply_t *cik = &in->ciks[conf];
    *exchange_index = -1;
    if (!cik->data) {
        if (cik->error && strcmp(cik->error, "not_found") == 0)
            snprintf(reason, sizeof reason, "not an SEC filer: SEC EDGAR lists no CIK for %s",
                     symbol);
        else
            s_failure(reason, sizeof reason, "sec_edgar cik", cik);
        s_missing_all(facts, s_sec_fields, S_COUNT(s_sec_fields), reason);
        return;
    }
    int64_t cik_value = pf_map_get_int(cik->data, "cik", -1);
    if (cik_value <= 0) {
        s_missing_all(facts, s_sec_fields, S_COUNT(s_sec_fields),
                      "sec_edgar cik answered without a CIK");
        return;
    }
    const pf_mod_company_context_reply_t *sub = &in->submissions;
    if (!sub->data) {
        pf_facts_set_int(facts, "cik", cik_value, s_src(facts, cik));
        s_failure(reason, sizeof reason, "sec_edgar submissions", sub);
        s_missing_all(facts, s_sec_fields + 1, S_COUNT(s_sec_fields) - 1, reason);
        return;
    }
    int index = s_ticker_index(sub->data, symbol);
    if (index < 0 || pf_map_get_int(sub->data, "cik", cik_value) != cik_value) {
        /* The ticker table and the filer's own record disagree: state
           none of it rather than attribute the wrong filer.               */
        snprintf(reason, sizeof reason,
                 "contradictory SEC data: CIK %lld from the ticker table does not list %s",
                 (long long) cik_value, symbol);
        s_missing_all(facts, s_sec_fields, S_COUNT(s_sec_fields), reason);
        return;
    }
    *exchange_index = index;
    pf_facts_set_int(facts, "cik", cik_value, s_src(facts, cik));
    int ss = s_src(facts, sub);
    static const char *const keys[] = { "sic", "sic_description", "fiscal_year_end" };
    for (size_t i = 0; i < S_COUNT(keys); i++) {
        const char *v = pf_map_get_str(sub->data, keys[i]);
        if (v && *v)
            pf_facts_set_str(facts, keys[i], v, ss);
        else
            pf_facts_missing(facts, keys[i], "not in the SEC record");
    }
}

/*  public, ticker, exchange and the SEC facts.  Returns the confirmed
    candidate or -1.                                                       */
static int
s_listing(pf_facts_t *facts, const char *domain, const pf_mod_company_context_input_t *in)
{
    char reason[S_REASON_MAX];
    int conf = pf_mod_company_context_confirmed(in, domain);
    if (conf >= 0) {
        const char *symbol = in->symbols[conf];
        const pf_mod_company_context_reply_t *q = &in->quotes[conf];
        pf_facts_set_bool(facts, "public", true, s_src(facts, q));
        pf_facts_set_str(facts, "ticker", symbol, s_src(facts, q));
        int exchange_index = -1;
        s_sec(facts, in, conf, symbol, &exchange_index);
        const char *sec_exchange = exchange_index >= 0
            ? pf_value_as_str(pf_array_at(pf_map_get(in->submissions.data, "exchanges"),
                                          (size_t) exchange_index), NULL)
            : NULL;
        const char *yahoo_exchange =
            pf_map_get_str(s_quote_of(in->search.data, symbol), "exchange_name");
        if (sec_exchange && *sec_exchange)
            pf_facts_set_str(facts, "exchange", sec_exchange, s_src(facts, &in->submissions));
        else if (yahoo_exchange && *yahoo_exchange)
            pf_facts_set_str(facts, "exchange", yahoo_exchange, s_src(facts, &in->search));
        else
            pf_facts_missing(facts, "exchange", "neither SEC nor Yahoo names the exchange");
        return conf;
    }
    /* Unconfirmed: private only when every check could be made.           */
    if (!in->search.data) {
        char failed[S_REASON_MAX / 2];
        s_failure(failed, sizeof failed, "yahoo_finance search", &in->search);
        snprintf(reason, sizeof reason, "listing unknown: %s", failed);
    } else {
        reason[0] = '\0';
        for (size_t i = 0; i < in->ncandidates && !reason[0]; i++)
            if (!in->quotes[i].data) {
                char what[S_REASON_MAX / 2], failed[S_REASON_MAX / 2];
                snprintf(what, sizeof what, "yahoo_finance quote_summary %s", in->symbols[i]);
                s_failure(failed, sizeof failed, what, &in->quotes[i]);
                snprintf(reason, sizeof reason, "listing unknown: %s", failed);
            }
    }
    if (reason[0]) {
        pf_facts_missing(facts, "public", reason);
        s_missing_all(facts, s_listing_fields, S_COUNT(s_listing_fields), reason);
        s_missing_all(facts, s_sec_fields, S_COUNT(s_sec_fields), reason);
        return -1;
    }
    /* Yahoo knows no listing whose website is the domain.                  */
    int src = in->ncandidates > 0 ? s_src(facts, &in->quotes[0]) : s_src(facts, &in->search);
    pf_facts_set_bool(facts, "public", false, src);
    s_missing_all(facts, s_listing_fields, S_COUNT(s_listing_fields),
                  "private company: no confirmed listing");
    s_missing_all(facts, s_sec_fields, S_COUNT(s_sec_fields),
                  "private company: no confirmed listing");
    return -1;
}

pf_value_t *
pf_mod_company_context_result(const char *domain, const pf_mod_company_context_input_t *in)
{
    if (!domain || !in)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    char reason[S_REASON_MAX];
    int conf = s_listing(facts, domain, in);
    const pf_mod_company_context_reply_t *q = conf >= 0 ? &in->quotes[conf] : NULL;
    const pf_value_t *profile = q ? pf_map_get(q->data, "profile") : NULL;
    const pf_value_t *quote = conf >= 0 ? s_quote_of(in->search.data, in->symbols[conf]) : NULL;
    /* SEC's record counts only when it was accepted for the listing.      */
    const pf_value_t *sec = pf_facts_has(facts, "sic") || pf_facts_has(facts, "fiscal_year_end")
                          ? in->submissions.data : NULL;
    const pf_value_t *bw = pf_map_get(in->builtwith.data, "company");

    s_cand_t name[] = { { quote, "name", &in->search }, { sec, "name", &in->submissions },
                        { bw, "name", &in->builtwith } };
    if (s_set_first(facts, "name", name, S_COUNT(name)) < 0) {
        pf_facts_destroy(&facts);   /* nothing true can be said            */
        return NULL;
    }
    pf_facts_set_str(facts, "domain", domain,
                     pf_facts_derived(facts, "the domain the enrichment was asked for"));
    s_cand_t legal[] = { { sec, "name", &in->submissions }, { quote, "name", &in->search },
                         { bw, "name", &in->builtwith } };
    s_set_first(facts, "legal_name", legal, S_COUNT(legal));

    s_cand_t summary[] = { { profile, "summary", q } };
    if (s_set_first(facts, "description", summary, S_COUNT(summary)) < 0) {
        const char *web = s_web_description(in->web.data, domain);
        if (web)
            pf_facts_set_str(facts, "description", web, s_src(facts, &in->web));
        else if (!in->web.data && !profile) {
            s_failure(reason, sizeof reason, "websearch web", &in->web);
            pf_facts_missing(facts, "description", reason);
        } else {
            pf_facts_missing(facts, "description",
                             "no Yahoo profile and no web result from the domain's own site");
        }
    }

    s_cand_t industry[] = { { profile, "industry", q }, { sec, "sic_description", &in->submissions },
                            { bw, "vertical", &in->builtwith } };
    if (s_set_first(facts, "industry", industry, S_COUNT(industry)) < 0)
        pf_facts_missing(facts, "industry", "not reported by Yahoo, SEC or BuiltWith");
    s_cand_t sector[] = { { profile, "sector", q }, { quote, "sector", &in->search } };
    if (s_set_first(facts, "sector", sector, S_COUNT(sector)) < 0)
        pf_facts_missing(facts, "sector", profile ? "Yahoo's profile names no sector"
                                                  : "no confirmed Yahoo profile");

    const pf_value_t *business = pf_map_get(pf_map_get(sec, "addresses"), "business");
    if (!s_set_place(facts, business, "country", &in->submissions)
        && !s_set_place(facts, profile, "country", q)
        && !s_set_place(facts, bw, "country", &in->builtwith))
        pf_facts_missing(facts, "headquarters", "no city from SEC, Yahoo or BuiltWith");

    if (!s_set_employees(facts, profile, q) && !s_set_employees(facts, bw, &in->builtwith))
        pf_facts_missing(facts, "employees", "not reported by Yahoo or BuiltWith");

    pf_facts_missing(facts, "founded_year",
                     "none of the providers reports a founding year");

    /* A failed provider is named once more in missing, so a reader sees
       that its fields may be incomplete.                                  */
    if (!in->builtwith.data) {
        s_failure(reason, sizeof reason, "builtwith domain", &in->builtwith);
        pf_facts_missing(facts, "builtwith", reason);
    }
    return pf_facts_result(&facts);
}

/*  ---- the actor part -------------------------------------------------- */

/*  One task in its waves.                                                  */
typedef struct {
    pf_actor_t *actor;                  /* runtime                          */
    pf_task_t *task;                    /* owned until answered             */
    pf_gather_t *gather;                /* the task's calls                 */
    size_t ncandidates;                 /* quote candidates called          */
    char symbols[PF_MOD_COMPANY_CONTEXT_CANDIDATES][S_LABEL_MAX]; /* theirs */
} s_job_t;

static void
s_reply_of(const pf_gather_t *g, const char *slot, pf_mod_company_context_reply_t *r)
{
    r->data = pf_gather_data(g, slot);
    r->provenance = pf_gather_provenance(g, slot);
    const char *err = pf_gather_error(g, slot);
    r->error = err && strcmp(err, "not_called") != 0 ? err : NULL;
    r->message = pf_gather_message(g, slot);
}

static void
s_slot(char *out, size_t size, const char *what, size_t i)
{
    snprintf(out, size, "%s_%zu", what, i);
}

static void
s_input(const s_job_t *job, pf_mod_company_context_input_t *in)
{
    memset(in, 0, sizeof *in);
    s_reply_of(job->gather, "builtwith", &in->builtwith);
    s_reply_of(job->gather, "search", &in->search);
    s_reply_of(job->gather, "web", &in->web);
    in->ncandidates = job->ncandidates;
    char slot[S_LABEL_MAX];
    for (size_t i = 0; i < job->ncandidates; i++) {
        in->symbols[i] = job->symbols[i];
        s_slot(slot, sizeof slot, "quote", i);
        s_reply_of(job->gather, slot, &in->quotes[i]);
        s_slot(slot, sizeof slot, "cik", i);
        s_reply_of(job->gather, slot, &in->ciks[i]);
    }
    s_reply_of(job->gather, "submissions", &in->submissions);
}

static void
s_finish(s_job_t *job)
{
    pf_mod_company_context_input_t in;
    s_input(job, &in);
    pf_value_t *result = pf_mod_company_context_result(pf_task_domain(job->task), &in);
    if (result) {
        pf_actor_task_done(job->actor, &job->task, &result);
    } else {
        char why[S_REASON_MAX];
        snprintf(why, sizeof why, "no provider names the company (builtwith: %s, "
                 "yahoo_finance search: %s)",
                 in.builtwith.error ? in.builtwith.error : "no company name",
                 in.search.error ? in.search.error : "no confirmed listing");
        pf_actor_task_fail(job->actor, &job->task, "no_data", why);
    }
    pf_gather_destroy(&job->gather);
    free(job);
}

static void
s_wave3_done(pf_gather_t *gather, void *arg)
{
    (void) gather;
    s_finish(arg);
}

static void
s_wave2_done(pf_gather_t *gather, void *arg)
{
    s_job_t *job = arg;
    pf_mod_company_context_input_t in;
    s_input(job, &in);
    int conf = pf_mod_company_context_confirmed(&in, pf_task_domain(job->task));
    int64_t cik = conf >= 0 ? pf_map_get_int(in.ciks[conf].data, "cik", -1) : -1;
    if (cik <= 0 || !pf_actor_task_live(job->actor, job->task)) {
        s_finish(job);
        return;
    }
    pf_value_t *args = pf_value_map();
    pf_map_set_int(args, "cik", cik);
    pf_gather_call(gather, "submissions", "sec_edgar", "submissions", &args);
    pf_gather_go(gather, s_wave3_done, job);
}

static void
s_wave1_done(pf_gather_t *gather, void *arg)
{
    s_job_t *job = arg;
    const char *symbols[PF_MOD_COMPANY_CONTEXT_CANDIDATES];
    size_t n = pf_mod_company_context_candidates(pf_gather_data(gather, "search"), symbols,
                                                 PF_MOD_COMPANY_CONTEXT_CANDIDATES);
    char slot[S_LABEL_MAX];
    for (size_t i = 0; i < n; i++) {
        if (strlen(symbols[i]) >= S_LABEL_MAX)
            continue;   /* no real ticker is that long                     */
        size_t k = job->ncandidates++;
        snprintf(job->symbols[k], sizeof job->symbols[k], "%s", symbols[i]);
        pf_value_t *args = pf_value_map();
        pf_map_set_str(args, "symbol", job->symbols[k]);
        s_slot(slot, sizeof slot, "quote", k);
        pf_gather_call(gather, slot, "yahoo_finance", "quote_summary", &args);
        args = pf_value_map();
        pf_map_set_str(args, "ticker", job->symbols[k]);
        s_slot(slot, sizeof slot, "cik", k);
        pf_gather_call(gather, slot, "sec_edgar", "cik", &args);
    }
    if (job->ncandidates == 0 || !pf_actor_task_live(job->actor, job->task)) {
        s_finish(job);
        return;
    }
    pf_gather_go(gather, s_wave2_done, job);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    const char *domain = pf_task_domain(task);
    s_job_t *job = pf_calloc(1, sizeof *job);
    job->actor = actor;
    job->task = task;
    uint32_t share = pf_task_timeout_ms(task) / S_WAVES;
    job->gather = pf_gather_new(actor, share > 0 && share < PF_DEFAULT_CALL_TIMEOUT_MS ? share : 0);

    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "domain", domain);
    pf_gather_call(job->gather, "builtwith", "builtwith", "domain", &args);
    char guess[S_LABEL_MAX];
    if (pf_mod_company_context_name_guess(domain, guess, sizeof guess)) {
        args = pf_value_map();
        pf_map_set_str(args, "query", guess);
        pf_gather_call(job->gather, "search", "yahoo_finance", "search", &args);
    }
    args = pf_value_map();
    pf_map_set_str(args, "query", domain);
    pf_map_set_int(args, "count", S_WEB_COUNT);
    pf_gather_call(job->gather, "web", "websearch", "web", &args);
    pf_gather_go(job->gather, s_wave1_done, job);
}

const pf_module_t pf_mod_company_context = { S_MODULE, s_run };
