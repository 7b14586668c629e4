/*  pf_mod_executive_intelligence.c — the executive_intelligence module
    (see pf_mod_executive_intelligence.h and docs/MODULES.md).             */
#include "pf_mod_executive_intelligence.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_evidence.h"
#include "pf_facts.h"
#include "pf_gather.h"
#include "pf_modjob.h"
#include "pf_upstream.h"
#include "pf_words.h"

#define S_COMPANY "company_context"
#define S_STRATEGY "strategic_context"
#define S_SEARCH "websearch"
#define S_YAHOO "yahoo_finance"
#define S_NAME_MAX 256
#define S_QUERY_MAX 320
#define S_REASON_MAX 512
/*  Results asked of each search (the adapter's bound).                     */
#define S_COUNT 20
/*  Words of a person's name read from a web title.                         */
#define S_NAME_WORDS_MIN 2
#define S_NAME_WORDS_MAX 4
/*  Segments of one web title.                                              */
#define S_SEGMENTS_MAX 8
/*  Themes one headline can touch.                                          */
#define S_THEMES_MAX 8

/*  Functions of a title, in the order they are tried (a CTO who is also
    "executive vice president" is technical).                              */
static const pf_evidence_kind_t s_functions[] = {
    {"technical", {"technology", "technical", "engineering", "information", "data", "cto",
                   "cio", "cdo", "it", "architecture", "platform"}},
    {"digital", {"digital", "ecommerce", "e commerce", "online", "omnichannel", "product",
                 "customer experience", "direct to consumer", "dtc"}},
    {"finance", {"financial", "finance", "cfo", "treasurer", "accounting", "controller"}},
    {"marketing", {"marketing", "cmo", "brand", "growth", "communications"}},
    {"executive", {"chief executive", "ceo", "president", "founder", "co founder", "chair",
                   "chairman", "chairwoman", "managing director"}},
    {"operations", {"operations", "operating", "coo", "supply chain", "merchandising",
                    "stores", "retail"}},
};
#define S_FUNCTIONS (sizeof s_functions / sizeof s_functions[0])

static const char *const s_leader_words[] = {
    "chief", "officer", "president", "vice president", "vp", "svp", "evp", "head of",
    "director", "founder", "co founder", "chair", "chairman", "chairwoman", "ceo", "cto",
    "cio", "cfo", "cmo", "coo", "cdo", NULL};

/*  The themes a statement can touch: where the seller's conversation
    starts (generic business vocabulary, nothing about the seller).        */
static const pf_evidence_kind_t s_themes[] = {
    {"digital_commerce", {"ecommerce", "e commerce", "digital", "online", "omnichannel",
                          "direct to consumer", "app"}},
    {"search_discovery", {"search", "discovery", "find", "browse", "navigation"}},
    {"ai_personalisation", {"ai", "artificial intelligence", "machine learning",
                            "personalization", "personalisation", "personalized",
                            "generative"}},
    {"customer_experience", {"customer experience", "experience", "consumer", "members",
                             "membership", "loyalty"}},
    {"technology", {"technology", "platform", "data", "cloud", "innovation"}},
};
#define S_THEMES (sizeof s_themes / sizeof s_themes[0])

/*  ---- pure logic ------------------------------------------------------- */

const char *
pf_mod_executive_intelligence_function(const char *title)
{
    const char *kinds[1];
    if (pf_evidence_kinds(s_functions, S_FUNCTIONS, title, kinds, 1) == 1)
        return kinds[0];
    return "other";
}

bool
pf_mod_executive_intelligence_is_leader_title(const char *title)
{
    pf_words_t words;
    pf_words_init(&words, title);
    return pf_words_first(&words, s_leader_words) != NULL;
}

/*  Trims spaces at both ends of s, in place; returns s.                    */
static char *
s_trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    return s;
}

/*  True when s reads as a person's name (see the header).                  */
static bool
s_is_person(const char *s, const char *company)
{
    size_t words = 0;
    bool at_start = true;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ') {
            if (at_start)
                return false;               /* two spaces in a row         */
            at_start = true;
            continue;
        }
        if (at_start) {
            /*  A word starts with a capital (or a UTF-8 letter: Lütke).   */
            if (!(isupper(c) || c >= 0x80))
                return false;
            words++;
            at_start = false;
        } else if (!(isalpha(c) || c >= 0x80 || c == '\'' || c == '-' || c == '.')) {
            return false;
        }
    }
    if (words < S_NAME_WORDS_MIN || words > S_NAME_WORDS_MAX)
        return false;
    if (pf_mod_executive_intelligence_is_leader_title(s))
        return false;
    if (company && *company) {
        pf_words_t w;
        pf_words_init(&w, s);
        pf_words_t cw;
        pf_words_init(&cw, company);
        /*  "Nike Inc" is the company, not a person: a segment holding the
            company's name (its first word at least) is not a name.        */
        char first[PF_WORDS_MAX];
        snprintf(first, sizeof first, "%s", cw.text + 1);
        char *space = strchr(first, ' ');
        if (space)
            *space = '\0';
        if (*first && pf_words_has(&w, first))
            return false;
    }
    return true;
}

bool
pf_mod_executive_intelligence_parse_web(const char *text, const char *company, char *name,
                                        char *role)
{
    if (!text)
        return false;
    char buf[PF_WORDS_MAX];
    snprintf(buf, sizeof buf, "%s", text);
    /*  Split at the separators; an en dash is UTF-8 E2 80 93.             */
    char *seg[S_SEGMENTS_MAX];
    size_t n = 0;
    char *start = buf;
    for (char *p = buf; *p && n + 1 < S_SEGMENTS_MAX; p++) {
        size_t skip = 0;
        if ((p[0] == ' ' && (p[1] == '-' || p[1] == '|') && p[2] == ' '))
            skip = 3;
        else if (p[0] == ' ' && (unsigned char)p[1] == 0xE2 && (unsigned char)p[2] == 0x80 &&
                 (unsigned char)p[3] == 0x93 && p[4] == ' ')
            skip = 5;
        else if (p[0] == ',' && p[1] == ' ')
            skip = 2;
        if (skip) {
            *p = '\0';
            seg[n++] = s_trim(start);
            start = p + skip;
            p += skip - 1;
        }
    }
    seg[n++] = s_trim(start);
    for (size_t i = 0; i + 1 < n; i++)
        if (s_is_person(seg[i], company) &&
            pf_mod_executive_intelligence_is_leader_title(seg[i + 1])) {
            snprintf(name, PF_MOD_EXEC_NAME_MAX, "%s", seg[i]);
            snprintf(role, PF_MOD_EXEC_TITLE_MAX, "%s", seg[i + 1]);
            return true;
        }
    return false;
}

static void
s_reason(char *out, size_t size, const char *what, const pf_mod_executive_intelligence_reply_t *r)
{
    snprintf(out, size, "%s failed: %s: %s", what, r->error ? r->error : "error",
             r->message ? r->message : "");
}

/*  True when executives already lists name (any case).                      */
static bool
s_listed(const pf_value_t *executives, const char *name)
{
    for (size_t i = 0; i < pf_array_size(executives); i++)
        if (strcasecmp(pf_map_get_str(pf_array_at(executives, i), "name"), name) == 0)
            return true;
    return false;
}

static void
s_add(pf_value_t *executives, const char *name, const char *title, const char *source,
      const char *url)
{
    if (pf_array_size(executives) >= PF_MOD_EXEC_MAX || s_listed(executives, name))
        return;
    pf_value_t *e = pf_value_map();
    pf_map_set_str(e, "name", name);
    pf_map_set_str(e, "title", title ? title : "");
    pf_map_set_str(e, "function", pf_mod_executive_intelligence_function(title));
    pf_map_set_str(e, "source", source);
    if (url)
        pf_map_set_str(e, "url", url);
    pf_array_push(executives, &e);
}

/*  Statements: news results naming an executive in full.                   */
static pf_value_t *
s_statements(const pf_value_t *news, const pf_value_t *executives, const pf_value_t *initiatives)
{
    pf_value_t *out = pf_value_array();
    const pf_value_t *results = pf_map_get(news, "results");
    for (size_t i = 0; i < pf_array_size(results); i++) {
        const pf_value_t *r = pf_array_at(results, i);
        const char *title = pf_map_get_str(r, "title");
        if (!title || !*title)
            continue;
        const char *desc = pf_map_get_str(r, "description");
        char text[PF_WORDS_MAX];
        snprintf(text, sizeof text, "%s. %s", title, desc ? desc : "");
        pf_words_t words;
        pf_words_init(&words, text);
        for (size_t k = 0; k < pf_array_size(executives); k++) {
            const pf_value_t *e = pf_array_at(executives, k);
            pf_words_t person;
            pf_words_init(&person, pf_map_get_str(e, "name"));
            /*  person.text is " first last ": the phrase between the ends. */
            char phrase[PF_WORDS_MAX];
            snprintf(phrase, sizeof phrase, "%s", person.text + 1);
            size_t len = strlen(phrase);
            if (len > 0)
                phrase[len - 1] = '\0';
            if (!*phrase || !strchr(phrase, ' ') || !pf_words_has(&words, phrase))
                continue;
            if (pf_array_size(out) >= PF_MOD_EXEC_STATEMENTS_MAX)
                return out;
            pf_value_t *s = pf_value_map();
            pf_map_set_str(s, "name", pf_map_get_str(e, "name"));
            pf_map_set_str(s, "title", title);
            pf_map_set_str(s, "url", pf_map_get_str(r, "url"));
            size_t dlen = 0;
            const char *date = pf_evidence_date(r, &dlen);
            if (date) {
                pf_value_t *d = pf_value_strn(date, dlen);
                pf_map_set(s, "date", &d);
            } else {
                pf_map_set_nil(s, "date");
            }
            const char *kinds[S_THEMES_MAX];
            size_t nk = pf_evidence_kinds(s_themes, S_THEMES, text, kinds, S_THEMES_MAX);
            pf_value_t *themes = pf_value_array();
            bool on_initiative = false;
            for (size_t t = 0; t < nk; t++) {
                pf_array_push_str(themes, kinds[t]);
                if (pf_map_has(initiatives, kinds[t]))
                    on_initiative = true;
            }
            pf_map_set(s, "themes", &themes);
            pf_map_set_bool(s, "on_initiative", on_initiative);
            pf_array_push(out, &s);
        }
    }
    return out;
}

/*  The executives of function fn (a new array).                            */
static pf_value_t *
s_of_function(const pf_value_t *executives, const char *fn)
{
    pf_value_t *out = pf_value_array();
    for (size_t i = 0; i < pf_array_size(executives); i++) {
        const pf_value_t *e = pf_array_at(executives, i);
        const char *f = pf_map_get_str(e, "function");
        if (f && strcmp(f, fn) == 0) {
            pf_value_t *copy = pf_value_dup(e);
            pf_array_push(out, &copy);
        }
    }
    return out;
}

pf_value_t *
pf_mod_executive_intelligence_result(const pf_value_t *company, const pf_value_t *strategy,
                                     const char *domain,
                                     const pf_mod_executive_intelligence_reply_t *officers,
                                     const pf_mod_executive_intelligence_reply_t *web,
                                     const pf_mod_executive_intelligence_reply_t *news)
{
    pf_facts_t *facts = pf_facts_new();
    char reason[S_REASON_MAX];
    char name[S_NAME_MAX];
    bool named = pf_upstream_company_name(company, domain, name, sizeof name);
    pf_facts_set_str(facts, "company", name,
                     named ? pf_facts_module(facts, S_COMPANY)
                           : pf_facts_derived(facts, "the domain's first label (no company "
                                                     "name from company_context)"));
    pf_value_t *executives = pf_value_array();
    int source = -1;
    /*  1. Yahoo's officers: the company's public profile.                   */
    if (officers->data) {
        const pf_value_t *list = pf_map_get(pf_map_get(officers->data, "profile"), "officers");
        for (size_t i = 0; i < pf_array_size(list); i++) {
            const pf_value_t *o = pf_array_at(list, i);
            const char *n = pf_map_get_str(o, "name");
            if (n && *n)
                s_add(executives, n, pf_map_get_str(o, "title"), S_YAHOO, NULL);
        }
        if (pf_array_size(executives) > 0)
            source = pf_facts_provider(facts, officers->provenance);
        else
            pf_facts_missing(facts, "officers", "Yahoo's profile lists no officers");
    } else if (officers->asked) {
        s_reason(reason, sizeof reason, "yahoo_finance quote_summary", officers);
        pf_facts_missing(facts, "officers", reason);
    } else {
        pf_facts_missing(facts, "officers", officers->message ? officers->message
                                                              : "no confirmed listing");
    }
    /*  2. Leaders the web names that Yahoo does not list.                  */
    if (web->data) {
        /*  Registered even when it names no one: the answer was read (and
            a synthetic one makes the result synthetic).                   */
        int web_source = pf_facts_provider(facts, web->provenance);
        size_t before = pf_array_size(executives);
        size_t leaders = 0;
        const pf_value_t *results = pf_map_get(web->data, "results");
        for (size_t i = 0; i < pf_array_size(results); i++) {
            const pf_value_t *r = pf_array_at(results, i);
            char person[PF_MOD_EXEC_NAME_MAX], role[PF_MOD_EXEC_TITLE_MAX];
            if (pf_mod_executive_intelligence_parse_web(pf_map_get_str(r, "title"), name,
                                                        person, role)) {
                leaders++;
                s_add(executives, person, role, "web", pf_map_get_str(r, "url"));
            }
        }
        if (source < 0 && pf_array_size(executives) > before)
            source = web_source;
        /*  Leaders the web names that Yahoo listed already are no gap.     */
        if (leaders == 0)
            pf_facts_missing(facts, "web_leaders",
                             "no web result names a leader as \"Person - Title\"");
    } else {
        s_reason(reason, sizeof reason, "websearch web", web);
        pf_facts_missing(facts, "web_leaders", reason);
    }
    if (pf_array_size(executives) == 0 && !web->data && !news->data) {
        pf_value_destroy(&executives);
        pf_facts_destroy(&facts);
        return NULL;
    }
    if (pf_array_size(executives) == 0) {
        pf_value_destroy(&executives);
        pf_facts_missing(facts, "executives", "neither Yahoo's profile nor the web search "
                                              "names an executive");
        pf_facts_missing(facts, "digital_leaders", "no executives known");
        pf_facts_missing(facts, "technical_leaders", "no executives known");
    } else {
        pf_value_t *digital = s_of_function(executives, "digital");
        pf_value_t *technical = s_of_function(executives, "technical");
        if (pf_array_size(digital) > 0)
            pf_facts_set(facts, "digital_leaders", &digital, source);
        else
            pf_facts_missing(facts, "digital_leaders",
                             "no known executive's title names digital, e-commerce or product");
        if (pf_array_size(technical) > 0)
            pf_facts_set(facts, "technical_leaders", &technical, source);
        else
            pf_facts_missing(facts, "technical_leaders",
                             "no known executive's title names technology, engineering, "
                             "information or data");
        pf_value_destroy(&digital);
        pf_value_destroy(&technical);
    }
    /*  3. What they said: headlines naming one of them in full.            */
    const pf_value_t *exec_list = executives;
    int news_source = news->data ? pf_facts_provider(facts, news->provenance) : -1;
    if (news->data && exec_list) {
        const pf_value_t *initiatives = pf_map_get(pf_map_get(strategy, "data"), "initiatives");
        pf_value_t *statements = s_statements(news->data, exec_list, initiatives);
        if (pf_array_size(statements) > 0) {
            pf_facts_set(facts, "statements", &statements, news_source);
        } else {
            pf_value_destroy(&statements);
            pf_facts_missing(facts, "statements",
                             "no headline of the news search names a known executive in full");
        }
        if (initiatives)
            pf_facts_module(facts, S_STRATEGY);
    } else if (!news->data) {
        s_reason(reason, sizeof reason, "websearch news", news);
        pf_facts_missing(facts, "statements", reason);
    } else {
        pf_facts_missing(facts, "statements", "no executives known to look for in the news");
    }
    if (executives)
        pf_facts_set(facts, "executives", &executives, source);
    return pf_facts_result(&facts);
}

/*  ---- the actor side -------------------------------------------------- */

/*  A task's state between its start and its wave.                          */
typedef struct {
    bool asked;                      /* quote_summary was called            */
} s_state_t;

static pf_mod_executive_intelligence_reply_t
s_outcome(const pf_gather_t *g, const char *slot, bool asked)
{
    pf_mod_executive_intelligence_reply_t r = {asked, NULL, NULL, NULL, NULL};
    if (!asked) {
        r.message = "company_context confirmed no listing, so Yahoo's officers were not asked";
    } else if (pf_gather_ok(g, slot)) {
        r.data = pf_gather_data(g, slot);
        r.provenance = pf_gather_provenance(g, slot);
    } else {
        r.error = pf_gather_error(g, slot);
        r.message = pf_gather_message(g, slot);
    }
    return r;
}

static void
s_done(pf_modjob_t *job)
{
    const s_state_t *st = pf_modjob_state(job);
    const pf_gather_t *gather = pf_modjob_gather(job);
    pf_mod_executive_intelligence_reply_t officers = s_outcome(gather, "officers", st->asked);
    pf_mod_executive_intelligence_reply_t web = s_outcome(gather, "web", true);
    pf_mod_executive_intelligence_reply_t news = s_outcome(gather, "news", true);
    pf_value_t *result = pf_mod_executive_intelligence_result(
        pf_modjob_input(job, S_COMPANY), pf_modjob_input(job, S_STRATEGY),
        pf_modjob_domain(job), &officers, &web, &news);
    pf_modjob_finish(&job, &result, "providers_unavailable",
                     "no executive found and both searches failed: web %s, news %s",
                     web.error ? web.error : "?", news.error ? news.error : "?");
}

static void
s_search(pf_modjob_t *job, const char *slot, const char *op, const char *query)
{
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "query", query);
    pf_map_set_int(args, "count", S_COUNT);
    pf_modjob_call(job, slot, S_SEARCH, op, &args);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, 0, sizeof(s_state_t), NULL);
    s_state_t *st = pf_modjob_state(job);
    const pf_value_t *company = pf_modjob_input(job, S_COMPANY);
    char name[S_NAME_MAX];
    pf_upstream_company_name(company, pf_modjob_domain(job), name, sizeof name);
    /*  company_context sets ticker only for a confirmed listing.           */
    const char *ticker = pf_map_get_str(pf_map_get(company, "data"), "ticker");
    if (ticker && *ticker) {
        pf_value_t *args = pf_value_map();
        pf_map_set_str(args, "symbol", ticker);
        pf_modjob_call(job, "officers", S_YAHOO, "quote_summary", &args);
        st->asked = true;
    }
    char query[S_QUERY_MAX];
    snprintf(query, sizeof query, "%s leadership team", name);
    s_search(job, "web", "web", query);
    snprintf(query, sizeof query, "%s executives", name);
    s_search(job, "news", "news", query);
    pf_modjob_go(job, s_done);
}

const pf_module_t pf_mod_executive_intelligence = {"executive_intelligence", s_run};
