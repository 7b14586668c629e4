/*  pf_mod_company_context.c — the company_context module
    (see pf_mod_company_context.h and docs/MODULES.md).

    The actor part only moves a task through its three waves of calls;
    everything the result says is decided by the pure functions over the
    calls' outcomes, so the rules are unit-tested without an actor.       */
#include "pf_mod_company_context.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_facts.h"
#include "pf_gather.h"
#include "pf_listing.h"
#include "pf_modjob.h"
#include "pf_words.h"

/*  The module's service name, as in the graph.                             */
#define S_MODULE "company_context"
/*  Waves of calls one task makes at most: each gets an equal share of the
    task's deadline, so a hanging provider cannot make the task time out. */
#define S_WAVES 3
/*  Results asked of the web search for the domain.                         */
#define S_WEB_COUNT 5
/*  Room for a missing fact's reason.                                       */
#define S_REASON_MAX 512
/*  Room for a company name reduced to its words (s_name_words).            */
#define S_NAME_MAX 256

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

/*  The phrases that introduce a founding year, lower case.                */
static const char *const s_founded_phrases[] = { "founded in ", "founded ", "incorporated in " };
/*  The years taken for a founding year: anything else is not one.          */
#define S_FOUNDED_MIN 1600
#define S_FOUNDED_MAX 2999
/*  Employee counts that differ by at most 1/4 of the larger agree.        */
#define S_EMPLOYEES_TOLERANCE_DIV 4

/*  Where text states a founding year (the phrase's start), with the year
    in *year; NULL when it states none.                                    */
static const char *
s_founded_at(const char *text, int *year)
{
    if (!text)
        return NULL;
    for (const char *p = text; *p; p++) {
        for (size_t k = 0; k < sizeof s_founded_phrases / sizeof s_founded_phrases[0]; k++) {
            size_t n = strlen(s_founded_phrases[k]);
            if (strncasecmp(p, s_founded_phrases[k], n) != 0
                || (p > text && isalpha((unsigned char) p[-1])))
                continue;
            const char *d = p + n;
            int v = 0, digits = 0;
            while (isdigit((unsigned char) d[digits]) && digits < 5)
                v = v * 10 + (d[digits++] - '0');
            if (digits == 4 && !isdigit((unsigned char) d[digits]) && v >= S_FOUNDED_MIN
                && v <= S_FOUNDED_MAX) {
                *year = v;
                return p;
            }
        }
    }
    return NULL;
}

bool
pf_mod_company_context_founded(const char *text, int *year)
{
    return s_founded_at(text, year) != NULL;
}

/*  True when text names the company: the first word of its name that is
    not an article ("The Home Depot" -> "home"), as a whole word.         */
static bool
s_names_company(const char *text, const char *name)
{
    pf_words_t nw, tw;
    pf_words_init(&nw, name);
    pf_words_init(&tw, text);
    static const char *const articles[] = { "the", "a", "an" };
    const char *w = nw.text + 1;
    for (size_t k = 0; k < sizeof articles / sizeof articles[0]; k++) {
        size_t n = strlen(articles[k]);
        if (strncmp(w, articles[k], n) == 0 && w[n] == ' ' && w[n + 1]) {
            w += n + 1;
            break;
        }
    }
    char first[PF_WORDS_MAX];
    size_t wl = strcspn(w, " ");
    if (wl == 0 || wl >= sizeof first)
        return false;
    memcpy(first, w, wl);
    first[wl] = '\0';
    return pf_words_has(&tw, first);
}

/*  The founding year a text on the domain's own site states of the
    company itself — its name stands before the phrase in the same
    sentence ("Stripe was founded in 2010"; a customer story's "Lyft,
    founded in 2012, runs on Stripe" is another company's) — or 0.        */
static int
s_text_founded(const char *text, const char *name)
{
    int year;
    const char *at = s_founded_at(text, &year);
    if (!at)
        return 0;
    /*  The sentence starts after ". " and a capital ("Inc. was" goes on). */
    const char *start = at;
    while (start > text
           && !(start - text >= 2 && start[-2] == '.' && start[-1] == ' '
                && isupper((unsigned char) start[0])))
        start--;
    char sentence[PF_WORDS_MAX];
    size_t n = (size_t) (at - start) < sizeof sentence - 1 ? (size_t) (at - start)
                                                          : sizeof sentence - 1;
    memcpy(sentence, start, n);
    sentence[n] = '\0';
    return s_names_company(sentence, name) ? year : 0;
}

/*  The founding year stated of the company by a web result on the domain's
    own site (its description or an extra snippet), or 0.                 */
static int
s_web_founded(const pf_value_t *web, const char *domain, const char *name)
{
    const pf_value_t *results = pf_map_get(web, "results");
    for (size_t i = 0; i < pf_array_size(results); i++) {
        const pf_value_t *r = pf_array_at(results, i);
        if (!pf_identity_host_matches(pf_map_get_str(r, "hostname"), domain)
            && !pf_identity_host_matches(pf_map_get_str(r, "url"), domain))
            continue;
        int year = s_text_founded(pf_map_get_str(r, "description"), name);
        const pf_value_t *extra = pf_map_get(r, "extra_snippets");
        for (size_t k = 0; !year && k < pf_array_size(extra); k++)
            year = s_text_founded(pf_value_as_str(pf_array_at(extra, k), NULL), name);
        if (year)
            return year;
    }
    return 0;
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

/*  ---- conflicts: a lower source that disagrees with the one used ------ */

/*  The provider of a reply ("?" when it has no provenance).                */
static const char *
s_provider(const pf_mod_company_context_reply_t *r)
{
    const char *p = r ? pf_map_get_str(r->provenance, "provider") : NULL;
    return p && *p ? p : "?";
}

/*  Appends {field, used, used_from, other, other_from} to conflicts: the
    value the source order chose and one it set aside.                      */
static void
s_conflict(pf_value_t *conflicts, const char *field, const char *used,
           const pf_mod_company_context_reply_t *used_from, const char *other,
           const pf_mod_company_context_reply_t *other_from)
{
    pf_value_t *c = pf_value_map();
    pf_map_set_str(c, "field", field);
    pf_map_set_str(c, "used", used);
    pf_map_set_str(c, "used_from", s_provider(used_from));
    pf_map_set_str(c, "other", other);
    pf_map_set_str(c, "other_from", s_provider(other_from));
    pf_array_push(conflicts, &c);
}

/*  Legal-form words that do not tell two company names apart.              */
static const char *const s_legal_forms[] = {"inc", "incorporated", "corp", "corporation",
                                            "co", "company", "ltd", "limited", "llc", "plc",
                                            "nv", "sa", "ag", "gmbh", "the"};

/*  name reduced to its lower-case words, one space apart, legal forms
    dropped ("NIKE, Inc." -> "nike"; dots vanish so "N.V." is "nv").        */
static void
s_name_words(const char *name, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    const char *p = name;
    while (*p) {
        char word[S_NAME_MAX];
        size_t w = 0;
        for (; *p && !isalnum((unsigned char)*p); p++)
            ;
        for (; *p && (isalnum((unsigned char)*p) || *p == '.' || *p == '\''); p++)
            if (isalnum((unsigned char)*p) && w + 1 < sizeof word)
                word[w++] = (char)tolower((unsigned char)*p);
        word[w] = '\0';
        bool form = w == 0;
        for (size_t i = 0; !form && i < sizeof s_legal_forms / sizeof *s_legal_forms; i++)
            form = strcmp(word, s_legal_forms[i]) == 0;
        if (form || n + w + 2 > size)
            continue;
        n += (size_t)snprintf(out + n, size - n, "%s%s", n ? " " : "", word);
    }
}

/*  Whether two company names name the same company: after s_name_words,
    one is the other or its first words ("Costco" and "Costco Wholesale
    Corporation" agree; "Stripe" and "Acme Payments" do not).               */
static bool
s_same_name(const char *a, const char *b)
{
    char wa[S_NAME_MAX], wb[S_NAME_MAX];
    s_name_words(a, wa, sizeof wa);
    s_name_words(b, wb, sizeof wb);
    size_t la = strlen(wa), lb = strlen(wb);
    if (la == 0 || lb == 0)
        return true;   /* nothing to compare: no contradiction shown       */
    const char *shorter = la <= lb ? wa : wb, *longer = la <= lb ? wb : wa;
    size_t ls = la <= lb ? la : lb;
    return strncmp(shorter, longer, ls) == 0 && (longer[ls] == '\0' || longer[ls] == ' ');
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
    int name_at = s_set_first(facts, "name", name, S_COUNT(name));
    if (name_at < 0) {
        pf_facts_destroy(&facts);   /* nothing true can be said            */
        return NULL;
    }
    /*  Where sources disagree, the source order decides and the result
        names what it set aside (docs/MODULES.md, "conflicts").            */
    pf_value_t *conflicts = pf_value_array();
    const char *name_used = pf_map_get_str(name[name_at].map, "name");
    for (size_t i = (size_t)name_at + 1; i < S_COUNT(name); i++) {
        const char *other = pf_map_get_str(name[i].map, name[i].key);
        if (other && *other && !s_same_name(name_used, other))
            s_conflict(conflicts, "name", name_used, name[name_at].reply, other, name[i].reply);
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
    const pf_value_t *places[] = { business, profile, bw };
    const pf_mod_company_context_reply_t *place_from[] = { &in->submissions, q, &in->builtwith };
    int hq_at = -1;
    for (size_t i = 0; i < S_COUNT(places); i++) {
        if (hq_at < 0) {
            if (s_set_place(facts, places[i], "country", place_from[i]))
                hq_at = (int)i;
            continue;
        }
        const char *used = pf_map_get_str(places[hq_at], "city");
        const char *other = pf_map_get_str(places[i], "city");
        if (other && *other && strcasecmp(used, other) != 0)
            s_conflict(conflicts, "headquarters", used, place_from[hq_at], other, place_from[i]);
    }
    if (hq_at < 0)
        pf_facts_missing(facts, "headquarters", "no city from SEC, Yahoo or BuiltWith");

    if (!s_set_employees(facts, profile, q) && !s_set_employees(facts, bw, &in->builtwith))
        pf_facts_missing(facts, "employees", "not reported by Yahoo or BuiltWith");
    double yahoo_employees = pf_map_get_float(profile, "employees", 0);
    double bw_employees = pf_map_get_float(bw, "employees", 0);
    /*  BuiltWith's count is an estimate: only a gap of more than a quarter
        of the larger count is a disagreement worth a reader's time.       */
    double larger = yahoo_employees > bw_employees ? yahoo_employees : bw_employees;
    if (yahoo_employees >= 1 && bw_employees >= 1
        && fabs(yahoo_employees - bw_employees) > larger / S_EMPLOYEES_TOLERANCE_DIV) {
        char used[32], other[32];
        snprintf(used, sizeof used, "%.0f", yahoo_employees);
        snprintf(other, sizeof other, "%.0f", bw_employees);
        s_conflict(conflicts, "employees", used, q, other, &in->builtwith);
    }
    if (pf_array_size(conflicts) > 0)
        pf_facts_set(facts, "conflicts", &conflicts,
                     pf_facts_derived(facts, "the source order of docs/MODULES.md "
                                             "(company_context): the first source wins"));
    else
        pf_value_destroy(&conflicts);

    /*  No provider API has a founding-year field: the company's own site,
        as the web search quotes it, is the source.                        */
    int founded = s_web_founded(in->web.data, domain, name_used);
    if (founded)
        pf_facts_set_int(facts, "founded_year", founded, s_src(facts, &in->web));
    else
        pf_facts_missing(facts, "founded_year",
                         in->web.data ? "no web result from the domain's own site states a "
                                        "founding year"
                                      : "the web search gave no answer");

    /* A failed provider is named once more in missing, so a reader sees
       that its fields may be incomplete.                                  */
    if (!in->builtwith.data) {
        s_failure(reason, sizeof reason, "builtwith domain", &in->builtwith);
        pf_facts_missing(facts, "builtwith", reason);
    }
    return pf_facts_result(&facts);
}

/*  ---- the actor part -------------------------------------------------- */

static void
s_input(const pf_modjob_t *job, pf_mod_company_context_input_t *in)
{
    const pf_gather_t *g = pf_modjob_gather(job);
    memset(in, 0, sizeof *in);
    pf_identity_reply_of(g, "builtwith", &in->builtwith);
    pf_identity_reply_of(g, "search", &in->search);
    pf_identity_reply_of(g, "web", &in->web);
    in->ncandidates = pf_listing_candidates(job, in->symbols, in->quotes, in->ciks);
    pf_identity_reply_of(g, "submissions", &in->submissions);
}

static void
s_finish(pf_modjob_t *job)
{
    pf_mod_company_context_input_t in;
    s_input(job, &in);
    pf_value_t *result = pf_mod_company_context_result(pf_modjob_domain(job), &in);
    pf_modjob_finish(&job, &result, "no_data",
                     "no provider names the company (builtwith: %s, yahoo_finance search: %s)",
                     in.builtwith.error ? in.builtwith.error : "no company name",
                     in.search.error ? in.search.error : "no confirmed listing");
}

/*  Wave 3: the SEC record of the confirmed CIK.                            */
static void
s_sec_calls(pf_modjob_t *job, int64_t cik)
{
    pf_value_t *args = pf_value_map();
    pf_map_set_int(args, "cik", cik);
    pf_modjob_call(job, "submissions", "sec_edgar", "submissions", &args);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, S_WAVES, sizeof(pf_listing_t), NULL);
    const char *domain = pf_modjob_domain(job);
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "domain", domain);
    pf_modjob_call(job, "builtwith", "builtwith", "domain", &args);
    char guess[PF_IDENTITY_LABEL_MAX];
    if (pf_identity_name_guess(domain, guess, sizeof guess)) {
        args = pf_value_map();
        pf_map_set_str(args, "query", guess);
        pf_modjob_call(job, "search", "yahoo_finance", "search", &args);
    }
    args = pf_value_map();
    pf_map_set_str(args, "query", domain);
    pf_map_set_int(args, "count", S_WEB_COUNT);
    pf_modjob_call(job, "web", "websearch", "web", &args);
    pf_listing_go(job, s_sec_calls, s_finish);
}

const pf_module_t pf_mod_company_context = { S_MODULE, s_run };
