/*  pf_mod_hiring_signals.c — the hiring_signals module (see
    pf_mod_hiring_signals.h and docs/MODULES.md).                          */
#include "pf_mod_hiring_signals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_facts.h"
#include "pf_gather.h"
#include "pf_modjob.h"
#include "pf_upstream.h"
#include "pf_words.h"

#define S_UPSTREAM "company_context"
#define S_PROVIDER "websearch"
#define S_OP "jobs"
#define S_NAME_MAX 256
#define S_REASON_MAX 512

/*  Departments and the words that place a title in them, in priority
    order: "Data Engineer" is data, "Product Designer" is design.  Generic
    knowledge of job titles; nothing here is about the seller.            */
static const struct {
    const char *department;
    const char *words[13];           /* NULL-terminated                     */
} s_departments[] = {
    {"data", {"data", "analytics", "analyst", "scientist", "machine learning", "ml", "ai"}},
    {"design", {"designer", "design", "ux", "ui"}},
    {"product", {"product manager", "product owner", "product lead", "product"}},
    {"engineering", {"engineer", "engineering", "developer", "software", "sre", "devops",
                     "architect", "qa", "security", "frontend", "backend", "full stack"}},
    {"marketing", {"marketing", "seo", "content", "brand", "growth", "campaign", "social media"}},
    {"sales", {"sales", "account executive", "account manager", "business development",
               "partnerships"}},
    {"customer", {"customer", "support", "success", "service"}},
    {"operations", {"operations", "logistics", "supply chain", "warehouse", "fulfillment",
                    "store", "retail", "merchandise planner"}},
    {"finance", {"finance", "financial", "accounting", "accountant", "controller", "tax",
                 "treasury", "fp&a"}},
    {"people", {"recruiter", "recruiting", "talent", "hr", "human resources", "people"}},
    {"legal", {"legal", "counsel", "compliance", "paralegal"}},
};
#define S_DEPARTMENTS (sizeof s_departments / sizeof s_departments[0])

/*  The themes the issue names and the words that show them.              */
static const struct {
    const char *theme;
    const char *words[8];            /* NULL-terminated                     */
} s_themes[PF_MOD_HIRING_THEMES] = {
    {"search", {"search", "relevance", "ranking", "query", "information retrieval"}},
    {"discovery", {"discovery", "recommendation", "recommendations", "recommender",
                   "merchandising", "merchandiser"}},
    {"personalisation", {"personalisation", "personalization", "personalized",
                         "personalised"}},
    {"ecommerce", {"ecommerce", "e commerce", "digital commerce", "commerce", "online store",
                   "checkout", "marketplace"}},
    {"data", {"data", "analytics", "machine learning", "ml", "ai"}},
};

/*  ---- pure logic ------------------------------------------------------- */

const char *
pf_mod_hiring_signals_department(const char *title)
{
    pf_words_t words;
    pf_words_init(&words, title);
    for (size_t d = 0; d < S_DEPARTMENTS; d++)
        if (pf_words_first(&words, s_departments[d].words))
            return s_departments[d].department;
    return "other";
}

size_t
pf_mod_hiring_signals_themes(const char *title, const char **themes)
{
    pf_words_t words;
    pf_words_init(&words, title);
    size_t count = 0;
    for (size_t t = 0; t < PF_MOD_HIRING_THEMES; t++)
        if (pf_words_first(&words, s_themes[t].words))
            themes[count++] = s_themes[t].theme;
    return count;
}

/*  True when host is domain or a subdomain of it.                          */
static bool
s_host_of(const char *host, const char *domain)
{
    if (!host || !domain || !*domain)
        return false;
    size_t h = strlen(host), d = strlen(domain);
    if (h == d)
        return strcasecmp(host, domain) == 0;
    return h > d && host[h - d - 1] == '.' && strcasecmp(host + h - d, domain) == 0;
}

bool
pf_mod_hiring_signals_is_posting(const pf_value_t *result, const char *domain)
{
    const char *ats = pf_map_get_str(result, "ats");
    if (ats && strcmp(ats, "own") != 0)
        return true;
    if (!s_host_of(pf_map_get_str(result, "hostname"), domain))
        return false;
    /*  The company's own site: a careers or jobs page (not the home page). */
    const char *url = pf_map_get_str(result, "url");
    const char *path = url ? strstr(url, "://") : NULL;
    path = path ? strchr(path + 3, '/') : NULL;
    if (!path)
        return false;
    static const char *const segments[] = {"careers", "career", "jobs", "job", NULL};
    pf_words_t words;
    pf_words_init(&words, path);
    return pf_words_first(&words, segments) != NULL;
}

/*  Adds one to counts[key].                                                */
static void
s_count(pf_value_t *counts, const char *key)
{
    pf_map_set_int(counts, key, pf_map_get_int(counts, key, 0) + 1);
}

pf_value_t *
pf_mod_hiring_signals_result(const pf_value_t *company, const char *domain,
                             const pf_value_t *data, const pf_value_t *provenance)
{
    if (!data)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    int search = pf_facts_provider(facts, provenance);
    char name[S_NAME_MAX];
    bool named = pf_upstream_company_name(company, domain, name, sizeof name);
    pf_facts_set_str(facts, "company", name,
                     named ? pf_facts_module(facts, S_UPSTREAM)
                           : pf_facts_derived(facts, "the domain's first label (no company "
                                                     "name from company_context)"));

    pf_value_t *by_department = pf_value_map();
    pf_value_t *by_theme = pf_value_map();
    pf_value_t *relevant = pf_value_array();
    pf_value_t *evidence = pf_value_array();
    pf_value_t *ats_counts = pf_value_map();
    int64_t postings = 0;
    const pf_value_t *results = pf_map_get(data, "results");
    for (size_t i = 0; i < pf_array_size(results); i++) {
        const pf_value_t *r = pf_array_at(results, i);
        if (!pf_mod_hiring_signals_is_posting(r, domain))
            continue;
        const char *title = pf_map_get_str(r, "title");
        if (!title || !*title)
            continue;
        postings++;
        const char *department = pf_mod_hiring_signals_department(title);
        s_count(by_department, department);
        const char *ats = pf_map_get_str(r, "ats");
        s_count(ats_counts, ats ? ats : "own");
        const char *themes[PF_MOD_HIRING_THEMES];
        size_t n = pf_mod_hiring_signals_themes(title, themes);
        pf_value_t *item = pf_value_map();
        pf_map_set_str(item, "title", title);
        pf_map_set_str(item, "url", pf_map_get_str(r, "url"));
        pf_map_set_str(item, "department", department);
        if (n > 0) {
            pf_value_t *list = pf_value_array();
            for (size_t t = 0; t < n; t++) {
                pf_array_push_str(list, themes[t]);
                s_count(by_theme, themes[t]);
            }
            pf_value_t *copy = pf_value_dup(item);
            pf_map_set(copy, "themes", &list);
            pf_array_push(relevant, &copy);
        }
        if (pf_array_size(evidence) < PF_MOD_HIRING_EVIDENCE_MAX)
            pf_array_push(evidence, &item);
        else
            pf_value_destroy(&item);
    }
    pf_facts_set_int(facts, "postings_found", postings, search);
    pf_facts_set_str(facts, "counted",
                     "job postings the web search returned: a lower bound of the open roles",
                     pf_facts_derived(facts, "what postings_found counts"));
    pf_facts_set(facts, "by_department", &by_department, search);
    pf_facts_set(facts, "by_theme", &by_theme, search);
    pf_facts_set(facts, "relevant_roles", &relevant, search);
    pf_facts_set(facts, "evidence", &evidence, search);

    /*  The ATS: the board most postings run on ("own" = the company's own
        careers site); ties go to the board named first in the results.    */
    const char *best = NULL;
    int64_t best_count = 0;
    for (size_t i = 0; i < pf_map_size(ats_counts); i++) {
        int64_t c = pf_value_as_int(pf_map_value_at(ats_counts, i), 0);
        if (c > best_count) {
            best_count = c;
            best = pf_value_as_str(pf_map_key_at(ats_counts, i), NULL);
        }
    }
    if (best)
        pf_facts_set_str(facts, "ats", best, search);
    else
        pf_facts_missing(facts, "ats", "no job postings found, so no applicant tracking system "
                                       "seen");
    pf_value_destroy(&ats_counts);
    return pf_facts_result(&facts);
}

/*  ---- the actor side -------------------------------------------------- */

static void
s_done(pf_modjob_t *job)
{
    const pf_gather_t *gather = pf_modjob_gather(job);
    pf_value_t *result = NULL;
    if (pf_gather_ok(gather, S_OP))
        result = pf_mod_hiring_signals_result(pf_modjob_input(job, S_UPSTREAM),
                                              pf_modjob_domain(job),
                                              pf_gather_data(gather, S_OP),
                                              pf_gather_provenance(gather, S_OP));
    const char *error = pf_gather_error(gather, S_OP);
    pf_modjob_finish(&job, &result, "providers_unavailable", "websearch jobs failed: %s: %s",
                     error ? error : "no usable answer", pf_gather_message(gather, S_OP));
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, 0, 0, NULL);
    char name[S_NAME_MAX];
    pf_upstream_company_name(pf_modjob_input(job, S_UPSTREAM), pf_modjob_domain(job), name,
                             sizeof name);
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "company", name);
    pf_map_set_str(args, "domain", pf_modjob_domain(job));
    pf_modjob_call(job, S_OP, S_PROVIDER, S_OP, &args);
    pf_modjob_go(job, s_done);
}

const pf_module_t pf_mod_hiring_signals = {"hiring_signals", s_run};
