/*  pf_mod_investor_intelligence.c — the investor_intelligence module (see
    pf_mod_investor_intelligence.h and docs/MODULES.md).                    */
#include "pf_mod_investor_intelligence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_evidence.h"
#include "pf_facts.h"
#include "pf_gather.h"
#include "pf_modjob.h"
#include "pf_upstream.h"

#define S_UPSTREAM "company_context"
#define S_NAME_MAX 256
#define S_QUERY_MAX 320
#define S_REASON_MAX 512
/*  News results asked for (the adapter's bound).                           */
#define S_NEWS_COUNT 20

/*  Themes of earnings news, and what funding news shows.  Generic.        */
static const pf_evidence_kind_t s_themes[] = {
    {"growth", {"growth", "grew", "grows", "record", "beats", "surge", "rises"}},
    {"margins", {"margin", "margins", "profitability", "profit"}},
    {"digital", {"digital", "ecommerce", "e commerce", "online", "app"}},
    {"international", {"international", "china", "europe", "global", "overseas"}},
    {"cost", {"cost", "costs", "savings", "layoffs", "restructuring"}},
    {"guidance", {"guidance", "outlook", "forecast", "expects"}},
    {"ai", {"ai", "artificial intelligence", "machine learning"}},
    {"capital_return", {"buyback", "repurchase", "dividend", "dividends"}},
};
#define S_THEMES (sizeof s_themes / sizeof s_themes[0])

static const pf_evidence_kind_t s_funding[] = {
    {"funding", {"raises", "funding", "funding round", "series a", "series b", "series c",
                 "series d", "valuation", "investors", "investment", "tender offer"}},
    {"acquisition", {"acquires", "acquisition", "acquired", "merger"}},
};
#define S_FUNDING (sizeof s_funding / sizeof s_funding[0])

/*  ---- pure logic ------------------------------------------------------- */

bool
pf_mod_investor_intelligence_form(const char *form)
{
    static const char *const forms[] = {"10-K", "10-Q", "8-K"};
    if (!form)
        return false;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        size_t n = strlen(forms[i]);
        if (strncmp(form, forms[i], n) == 0 && (form[n] == '\0' || strcmp(form + n, "/A") == 0))
            return true;
    }
    return false;
}

bool
pf_mod_investor_intelligence_has_item(const char *items, const char *item)
{
    if (!items || !item || !*item)
        return false;
    size_t n = strlen(item);
    for (const char *p = items; *p;) {
        p += strspn(p, ", ");
        size_t len = strcspn(p, ",");
        /*  The token without trailing spaces.                              */
        size_t end = len;
        while (end > 0 && p[end - 1] == ' ')
            end--;
        if (end == n && strncmp(p, item, n) == 0)
            return true;
        p += len;
    }
    return false;
}

/*  The filings part from the submissions reply's data.                     */
static void
s_filings(pf_facts_t *facts, const pf_value_t *data, int source)
{
    pf_value_t *list = pf_value_array();
    pf_value_t *latest = pf_value_map();
    const pf_value_t *filings = pf_map_get(data, "filings");
    /*  The adapter gives filings newest first.                             */
    for (size_t i = 0; i < pf_array_size(filings); i++) {
        const pf_value_t *f = pf_array_at(filings, i);
        const char *form = pf_map_get_str(f, "form");
        if (!pf_mod_investor_intelligence_form(form))
            continue;
        pf_value_t *item = pf_value_map();
        static const char *const keys[] = {"form", "filing_date", "report_date", "accession",
                                           "url", "description", "items"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const char *v = pf_map_get_str(f, keys[k]);
            if (v)
                pf_map_set_str(item, keys[k], v);
        }
        /*  An 8-K reporting item 5.02 is the filed record of an officer's
            departure or appointment: dated leadership evidence, with the
            item's caption as its title (signal_scoring reads it).         */
        if (strncmp(form, "8-K", strlen("8-K")) == 0
            && pf_mod_investor_intelligence_has_item(pf_map_get_str(f, "items"),
                                                     PF_MOD_INVESTOR_ITEM_OFFICERS)) {
            pf_map_set_str(item, "title", PF_MOD_INVESTOR_ITEM_OFFICERS_TITLE);
            pf_value_t *themes = pf_value_array();
            pf_array_push_str(themes, "leadership");
            pf_map_set(item, "themes", &themes);
        }
        if (!pf_map_has(latest, form)) {
            pf_value_t *copy = pf_value_dup(item);
            pf_map_set(latest, form, &copy);
        }
        if (pf_array_size(list) < PF_MOD_INVESTOR_FILINGS_MAX)
            pf_array_push(list, &item);
        else
            pf_value_destroy(&item);
    }
    pf_facts_set(facts, "filings", &list, source);
    pf_facts_set(facts, "latest", &latest, source);
}

/*  Why there are no filings when no submissions call was made.            */
static void
s_no_cik_reason(const pf_value_t *company, char *out, size_t size)
{
    const pf_value_t *data = pf_map_get(company, "data");
    const pf_value_t *pub = pf_map_get(data, "public");
    if (pub && !pf_value_as_bool(pub, true)) {
        snprintf(out, size, "private company: no SEC filings");
        return;
    }
    const pf_value_t *missing = pf_map_get(company, "missing");
    for (size_t i = 0; i < pf_array_size(missing); i++) {
        const pf_value_t *m = pf_array_at(missing, i);
        const char *field = pf_map_get_str(m, "field");
        if (field && strcmp(field, "cik") == 0) {
            snprintf(out, size, "no SEC CIK known (company_context: %s)",
                     pf_map_get_str(m, "reason") ? pf_map_get_str(m, "reason") : "missing");
            return;
        }
    }
    snprintf(out, size, "no SEC CIK known (company_context gave none)");
}

pf_value_t *
pf_mod_investor_intelligence_result(const pf_value_t *company,
                                    const pf_mod_investor_intelligence_reply_t *submissions,
                                    const pf_mod_investor_intelligence_reply_t *news)
{
    if (!submissions->data && !news->data)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    char reason[S_REASON_MAX];
    if (submissions->data) {
        s_filings(facts, submissions->data, pf_facts_provider(facts, submissions->provenance));
    } else {
        if (submissions->error)
            snprintf(reason, sizeof reason, "sec_edgar submissions failed: %s: %s",
                     submissions->error, submissions->message ? submissions->message : "");
        else
            s_no_cik_reason(company, reason, sizeof reason);
        pf_facts_missing(facts, "filings", reason);
        pf_facts_missing(facts, "latest", reason);
    }
    const pf_value_t *pub = pf_map_get(pf_map_get(company, "data"), "public");
    bool is_public = pub && pf_value_as_bool(pub, false);
    if (pub)
        pf_facts_set_bool(facts, "public", is_public, pf_facts_module(facts, S_UPSTREAM));
    const char *field = is_public || !pub ? "themes" : "funding";
    if (news->data) {
        int source = pf_facts_provider(facts, news->provenance);
        pf_value_t *found = pf_value_map();
        size_t read;
        if (strcmp(field, "themes") == 0)
            read = pf_evidence_read(news->data, s_themes, S_THEMES, "news", found,
                                    PF_MOD_INVESTOR_EVIDENCE_MAX);
        else
            read = pf_evidence_read(news->data, s_funding, S_FUNDING, "news", found,
                                    PF_MOD_INVESTOR_EVIDENCE_MAX);
        pf_facts_set(facts, field, &found, source);
        pf_facts_set_int(facts, "headlines_read", (int64_t)read, source);
    } else {
        snprintf(reason, sizeof reason, "websearch news failed: %s: %s",
                 news->error ? news->error : "error", news->message ? news->message : "");
        pf_facts_missing(facts, field, reason);
    }
    return pf_facts_result(&facts);
}

/*  ---- the actor side -------------------------------------------------- */

/*  A task's state between its start and its wave.                          */
typedef struct {
    bool asked_sec;                  /* a CIK was known                     */
} s_state_t;

static void
s_done(pf_modjob_t *job)
{
    const s_state_t *st = pf_modjob_state(job);
    const pf_gather_t *gather = pf_modjob_gather(job);
    pf_mod_investor_intelligence_reply_t sub = pf_gather_reply(gather, "submissions");
    pf_mod_investor_intelligence_reply_t news = pf_gather_reply(gather, "news");
    pf_value_t *result = pf_mod_investor_intelligence_result(pf_modjob_input(job, S_UPSTREAM),
                                                             &sub, &news);
    pf_modjob_finish(&job, &result, "providers_unavailable",
                     "no filings (%s) and the news search failed (%s)",
                     st->asked_sec ? (sub.error ? sub.error : "?") : "no CIK known",
                     news.error ? news.error : "?");
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, 0, sizeof(s_state_t), NULL);
    s_state_t *st = pf_modjob_state(job);
    const pf_value_t *company = pf_modjob_input(job, S_UPSTREAM);
    const pf_value_t *data = pf_map_get(company, "data");
    const pf_value_t *pub = pf_map_get(data, "public");
    bool is_public = pub && pf_value_as_bool(pub, false);
    const pf_value_t *cik = pf_map_get(data, "cik");
    if (pf_value_is(cik, PF_INT)) {
        pf_value_t *args = pf_value_map();
        pf_map_set_int(args, "cik", pf_value_as_int(cik, 0));
        pf_modjob_call(job, "submissions", "sec_edgar", "submissions", &args);
        st->asked_sec = true;
    }
    char name[S_NAME_MAX], query[S_QUERY_MAX];
    pf_upstream_company_name(company, pf_modjob_domain(job), name, sizeof name);
    snprintf(query, sizeof query, "%s %s", name, is_public || !pub ? "earnings" : "funding");
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "query", query);
    pf_map_set_int(args, "count", S_NEWS_COUNT);
    pf_modjob_call(job, "news", "websearch", "news", &args);
    pf_modjob_go(job, s_done);
}

const pf_module_t pf_mod_investor_intelligence = {"investor_intelligence", s_run};
