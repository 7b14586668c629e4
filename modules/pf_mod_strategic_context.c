/*  pf_mod_strategic_context.c — the strategic_context module (see
    pf_mod_strategic_context.h and docs/MODULES.md).                        */
#include "pf_mod_strategic_context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_facts.h"
#include "pf_evidence.h"
#include "pf_gather.h"
#include "pf_modjob.h"
#include "pf_upstream.h"
#include "pf_words.h"

#define S_UPSTREAM "company_context"
#define S_PROVIDER "websearch"
#define S_NAME_MAX 256
#define S_QUERY_MAX 320
#define S_REASON_MAX 512
/*  Results asked of each search (the adapter's bound).                     */
#define S_COUNT 20

/*  Initiatives and risks, and the words that show them in a headline or
    its description, as whole words.  Generic knowledge of business news;
    nothing here is about the seller.                                      */
static const pf_evidence_kind_t s_initiatives[] = {
    {"replatforming", {"replatform", "replatforming", "re platform", "migration", "migrates",
                       "new platform", "headless", "composable", "new website", "relaunch"}},
    {"international_expansion", {"international", "expansion", "expands", "expand",
                                 "new market", "new markets", "enters", "global rollout",
                                 "opens in"}},
    {"ai_personalisation", {"ai", "artificial intelligence", "machine learning",
                            "personalization", "personalisation", "personalized",
                            "generative", "genai"}},
    {"digital_commerce", {"ecommerce", "e commerce", "digital", "online", "omnichannel",
                          "mobile app", "direct to consumer", "dtc"}},
    {"cost_cutting", {"layoffs", "layoff", "job cuts", "cuts jobs", "restructuring",
                      "cost cutting", "cost savings", "cost reduction"}},
    {"m_and_a", {"acquires", "acquisition", "acquire", "merger", "merge", "buyout",
                 "takeover"}},
    {"funding", {"raises", "funding", "funding round", "series a", "series b", "series c",
                 "ipo"}},
    {"new_products", {"launches", "launch", "new product", "new product line", "unveils",
                      "introduces"}},
};
#define S_INITIATIVES (sizeof s_initiatives / sizeof s_initiatives[0])

static const pf_evidence_kind_t s_risks[] = {
    {"legal", {"lawsuit", "sued", "sues", "investigation", "probe", "fined",
               "settlement", "antitrust"}},
    {"supply_chain", {"tariff", "tariffs", "supply chain", "shortage", "shortages",
                      "disruption"}},
    {"financial", {"decline", "declines", "loss", "losses", "misses", "warning",
                   "downgrade", "slump", "falls"}},
    {"leadership", {"resigns", "steps down", "departure", "ousted"}},
};
#define S_RISKS (sizeof s_risks / sizeof s_risks[0])

/*  An appointment is leadership news too (a transition is a risk and a
    buying signal), but its verbs are common ("names", "hires"), so it
    takes one of each list: an appointing word and an executive role.
    "Nike names Elliott Hill CEO" is one; "Target hires 100,000 seasonal
    workers" is not.                                                        */
static const char *const s_appointing[] = {
    "appoints", "appointed", "appointment", "names", "named", "hires", "hired", "taps",
    "tapped", "promotes", "promoted", "successor", "succeeds", "succeed", "new ceo",
    "new cfo", "new cto", "new chief", "new president", "new chair", "as ceo", "as cfo",
    "as chief", "as president", NULL};
static const char *const s_roles[] = {
    "ceo", "cfo", "cto", "cio", "cdo", "cmo", "coo", "chief", "president", "chair",
    "chairman", "chairwoman", NULL};

/*  ---- pure logic ------------------------------------------------------- */

size_t
pf_mod_strategic_context_initiatives(const char *text, const char **kinds)
{
    return pf_evidence_kinds(s_initiatives, S_INITIATIVES, text, kinds,
                             PF_MOD_STRATEGIC_KINDS_MAX);
}

size_t
pf_mod_strategic_context_risks(const char *text, const char **kinds)
{
    return pf_evidence_kinds(s_risks, S_RISKS, text, kinds, PF_MOD_STRATEGIC_KINDS_MAX);
}

bool
pf_mod_strategic_context_appointment(const char *text)
{
    pf_words_t words;
    pf_words_init(&words, text);
    return pf_words_first(&words, s_appointing) && pf_words_first(&words, s_roles);
}

/*  Files the results of one search that announce an appointment under
    risks' "leadership", next to the departures.                          */
static void
s_read_appointments(const pf_value_t *data, const char *found_in, pf_value_t *risks)
{
    const pf_value_t *results = pf_map_get(data, "results");
    for (size_t i = 0; i < pf_array_size(results); i++) {
        const pf_value_t *r = pf_array_at(results, i);
        const char *title = pf_map_get_str(r, "title");
        if (!title || !*title)
            continue;
        const char *description = pf_map_get_str(r, "description");
        char text[PF_WORDS_MAX];
        snprintf(text, sizeof text, "%s. %s", title, description ? description : "");
        if (pf_mod_strategic_context_appointment(text))
            pf_evidence_add(risks, "leadership", r, found_in, PF_MOD_STRATEGIC_EVIDENCE_MAX);
    }
}

const char *
pf_mod_strategic_context_date(const pf_value_t *result, size_t *len)
{
    return pf_evidence_date(result, len);
}

/*  Reads one search's results into initiatives and risks; the count read. */
static size_t
s_read(const pf_value_t *data, const char *found_in, pf_value_t *initiatives,
       pf_value_t *risks)
{
    pf_evidence_read(data, s_risks, S_RISKS, found_in, risks, PF_MOD_STRATEGIC_EVIDENCE_MAX);
    s_read_appointments(data, found_in, risks);
    return pf_evidence_read(data, s_initiatives, S_INITIATIVES, found_in, initiatives,
                            PF_MOD_STRATEGIC_EVIDENCE_MAX);
}

static void
s_missing(pf_facts_t *facts, const char *field, const char *op,
          const pf_mod_strategic_context_reply_t *r)
{
    char reason[S_REASON_MAX];
    snprintf(reason, sizeof reason, "websearch %s failed: %s: %s", op,
             r->error ? r->error : "error", r->message ? r->message : "");
    pf_facts_missing(facts, field, reason);
}

pf_value_t *
pf_mod_strategic_context_result(const pf_value_t *company,
                                const pf_mod_strategic_context_reply_t *news,
                                const pf_mod_strategic_context_reply_t *web)
{
    if (!news->data && !web->data)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    pf_value_t *initiatives = pf_value_map();
    pf_value_t *risks = pf_value_map();
    /*  Both lists draw on both searches: their source is the news search
        when it answered (the dated one), else the web search.             */
    int source = -1;
    if (web->data) {
        source = pf_facts_provider(facts, web->provenance);
        s_read(web->data, "web", initiatives, risks);
    } else {
        s_missing(facts, "web_results", "web", web);
    }
    if (news->data) {
        source = pf_facts_provider(facts, news->provenance);
        size_t read = s_read(news->data, "news", initiatives, risks);
        pf_facts_set_int(facts, "headlines_read", (int64_t)read, source);
    } else {
        s_missing(facts, "headlines_read", "news", news);
    }
    pf_facts_set(facts, "initiatives", &initiatives, source);
    pf_facts_set(facts, "risks", &risks, source);
    const pf_value_t *data = pf_map_get(company, "data");
    const char *name = pf_map_get_str(data, "name");
    if (name)
        pf_facts_set_str(facts, "company", name, pf_facts_module(facts, S_UPSTREAM));
    return pf_facts_result(&facts);
}

/*  ---- the actor side -------------------------------------------------- */

static void
s_done(pf_modjob_t *job)
{
    const pf_gather_t *gather = pf_modjob_gather(job);
    pf_mod_strategic_context_reply_t news = pf_gather_reply(gather, "news");
    pf_mod_strategic_context_reply_t web = pf_gather_reply(gather, "web");
    pf_value_t *result = pf_mod_strategic_context_result(pf_modjob_input(job, S_UPSTREAM),
                                                         &news, &web);
    pf_modjob_finish(&job, &result, "providers_unavailable",
                     "both searches failed: news %s, web %s", news.error ? news.error : "?",
                     web.error ? web.error : "?");
}

/*  Adds the search op for query under slot (= op).                         */
static void
s_search(pf_modjob_t *job, const char *op, const char *query)
{
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "query", query);
    pf_map_set_int(args, "count", S_COUNT);
    pf_modjob_call(job, op, S_PROVIDER, op, &args);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, 0, 0, NULL);
    char name[S_NAME_MAX];
    pf_upstream_company_name(pf_modjob_input(job, S_UPSTREAM), pf_modjob_domain(job), name,
                             sizeof name);
    char query[S_QUERY_MAX];
    snprintf(query, sizeof query, "%s strategy", name);
    s_search(job, "news", name);
    s_search(job, "web", query);
    pf_modjob_go(job, s_done);
}

const pf_module_t pf_mod_strategic_context = {"strategic_context", s_run};
