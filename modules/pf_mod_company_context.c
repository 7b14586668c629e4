/*  pf_mod_company_context.c — the company_context module
    (see pf_mod_company_context.h and docs/MODULES.md).

    The actor part only moves a task through its three waves of calls;
    everything the result says is decided by the pure functions over the
    calls' outcomes, so the rules are unit-tested without an actor.       */
#include "pf_mod_company_context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*  ---- pure logic ------------------------------------------------------ */

bool
pf_mod_company_context_name_guess(const char *domain, char *out, size_t size)
{
    return pf_identity_name_guess(domain, out, size);
}

bool
pf_mod_company_context_host_matches(const char *url, const char *domain)
{
    return pf_identity_host_matches(url, domain);
}

size_t
pf_mod_company_context_candidates(const pf_value_t *search_data, const char **symbols,
                                  size_t max)
{
    return pf_identity_candidates(search_data, symbols, max);
}

int
pf_mod_company_context_confirmed(const pf_mod_company_context_input_t *in, const char *domain)
{
    size_t n = in->ncandidates < PF_MOD_COMPANY_CONTEXT_CANDIDATES
             ? in->ncandidates : PF_MOD_COMPANY_CONTEXT_CANDIDATES;
    return pf_identity_confirmed(in->quotes, n, domain);
}

static void
s_failure(char *out, size_t size, const char *what, const pf_mod_company_context_reply_t *r)
{
    pf_identity_failure(out, size, what, r);
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
            && (pf_identity_host_matches(host, domain)
                || pf_identity_host_matches(url, domain)))
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

/*  SEC facts for the confirmed ticker (pf_identity_sec): cik from the cik
    reply; SIC and the fiscal year end from the submissions, which must
    list the ticker.                                                       */
static void
s_sec(pf_facts_t *facts, const pf_mod_company_context_input_t *in, int conf,
      const char *symbol, int *exchange_index)
{
    char reason[S_REASON_MAX];
    int64_t cik_value = 0;
    pf_identity_sec_t sec = pf_identity_sec(&in->ciks[conf], &in->submissions, symbol,
                                            &cik_value, exchange_index, reason, sizeof reason);
    if (sec == PF_IDENTITY_SEC_CIK_ONLY) {
        pf_facts_set_int(facts, "cik", cik_value, s_src(facts, &in->ciks[conf]));
        s_missing_all(facts, s_sec_fields + 1, S_COUNT(s_sec_fields) - 1, reason);
        return;
    }
    if (sec != PF_IDENTITY_SEC_ACCEPTED) {
        s_missing_all(facts, s_sec_fields, S_COUNT(s_sec_fields), reason);
        return;
    }
    pf_facts_set_int(facts, "cik", cik_value, s_src(facts, &in->ciks[conf]));
    const pf_mod_company_context_reply_t *sub = &in->submissions;
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
    int conf = -1;
    size_t n = in->ncandidates < PF_MOD_COMPANY_CONTEXT_CANDIDATES
             ? in->ncandidates : PF_MOD_COMPANY_CONTEXT_CANDIDATES;
    pf_identity_listing_t listing = pf_identity_listing(domain, &in->search, in->symbols,
                                                        in->quotes, n, &conf, reason,
                                                        sizeof reason);
    if (listing == PF_IDENTITY_CONFIRMED) {
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
    if (listing == PF_IDENTITY_UNKNOWN) {
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
    char symbols[PF_MOD_COMPANY_CONTEXT_CANDIDATES][PF_IDENTITY_LABEL_MAX];
                                        /* their symbols                    */
} s_job_t;

static void
s_input(const s_job_t *job, pf_mod_company_context_input_t *in)
{
    memset(in, 0, sizeof *in);
    pf_identity_reply_of(job->gather, "builtwith", &in->builtwith);
    pf_identity_reply_of(job->gather, "search", &in->search);
    pf_identity_reply_of(job->gather, "web", &in->web);
    in->ncandidates = job->ncandidates;
    for (size_t i = 0; i < job->ncandidates; i++)
        in->symbols[i] = job->symbols[i];
    pf_identity_candidate_replies(job->gather, job->ncandidates, in->quotes, in->ciks);
    pf_identity_reply_of(job->gather, "submissions", &in->submissions);
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
    job->ncandidates = pf_identity_call_candidates(gather, pf_gather_data(gather, "search"),
                                                   job->symbols);
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
    char guess[PF_IDENTITY_LABEL_MAX];
    if (pf_identity_name_guess(domain, guess, sizeof guess)) {
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
