/*  pf_mod_buying_committee.c — the buying_committee module (see
    pf_mod_buying_committee.h and docs/MODULES.md).                        */
#include "pf_mod_buying_committee.h"

#include <stdio.h>
#include <string.h>

#include "pf_facts.h"
#include "pf_modjob.h"
#include "pf_words.h"

#define S_COMPANY "company_context"
#define S_HIRING "hiring_signals"
#define S_EXECS "executive_intelligence"
#define S_REASON_MAX 512

static const char *const s_c_level[] = {"chief", "ceo", "cto", "cio", "cdo", "cfo", "coo",
                                        "cmo", "founder", "co founder", "chair", "chairman",
                                        "chairwoman", NULL};

bool
pf_mod_buying_committee_is_c_level(const char *title)
{
    pf_words_t words;
    pf_words_init(&words, title);
    if (pf_words_first(&words, s_c_level))
        return true;
    /*  "President" alone is C-level; a vice president is not.              */
    return pf_words_has(&words, "president") && !pf_words_has(&words, "vice president") &&
           !pf_words_has(&words, "vp");
}

/*  The upstream's data map, or NULL when absent (not run, failed) or
    simulated.                                                              */
static const pf_value_t *
s_data(const pf_value_t *result)
{
    if (!result || pf_map_get_bool(result, "simulated", false))
        return NULL;
    return pf_map_get(result, "data");
}

/*  The first executive of function fn whose C-level-ness is c_level (any
    when want_any), other than skip (a name, or NULL).                     */
static const pf_value_t *
s_exec(const pf_value_t *execs, const char *fn, bool c_level, bool want_any, const char *skip)
{
    for (size_t i = 0; i < pf_array_size(execs); i++) {
        const pf_value_t *e = pf_array_at(execs, i);
        const char *f = pf_map_get_str(e, "function");
        const char *name = pf_map_get_str(e, "name");
        if (!f || strcmp(f, fn) != 0 || !name)
            continue;
        if (skip && strcmp(skip, name) == 0)
            continue;
        if (want_any || pf_mod_buying_committee_is_c_level(pf_map_get_str(e, "title")) == c_level)
            return e;
    }
    return NULL;
}

/*  The first role hiring_signals lists touching one of themes (or, with
    department, of that department).                                        */
static const pf_value_t *
s_role(const pf_value_t *hiring, const char *const *themes, const char *department)
{
    const pf_value_t *roles = pf_map_get(hiring, "relevant_roles");
    for (size_t i = 0; i < pf_array_size(roles); i++) {
        const pf_value_t *r = pf_array_at(roles, i);
        const pf_value_t *list = pf_map_get(r, "themes");
        for (size_t t = 0; t < pf_array_size(list); t++) {
            const char *theme = pf_value_as_str(pf_array_at(list, t), NULL);
            for (size_t k = 0; theme && themes[k]; k++)
                if (strcmp(theme, themes[k]) == 0)
                    return r;
        }
    }
    if (!department)
        return NULL;
    /*  No role on those themes: any posting of the department, relevant
        roles first, then all the postings listed as evidence.             */
    const char *const lists[] = {"relevant_roles", "evidence"};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        const pf_value_t *list = pf_map_get(hiring, lists[l]);
        for (size_t i = 0; i < pf_array_size(list); i++) {
            const pf_value_t *r = pf_array_at(list, i);
            const char *d = pf_map_get_str(r, "department");
            if (d && strcmp(d, department) == 0)
                return r;
        }
    }
    return NULL;
}

static void
s_person(pf_facts_t *facts, const char *persona, const pf_value_t *e, const char *why)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "name", pf_map_get_str(e, "name"));
    pf_map_set_str(p, "title", pf_map_get_str(e, "title"));
    pf_map_set_str(p, "basis", "executive");
    char reason[S_REASON_MAX];
    snprintf(reason, sizeof reason, "%s: %s (%s)", why, pf_map_get_str(e, "title"),
             pf_map_get_str(e, "source") ? pf_map_get_str(e, "source") : "?");
    pf_map_set_str(p, "reason", reason);
    pf_facts_set(facts, persona, &p, pf_facts_module(facts, S_EXECS));
}

static void
s_team(pf_facts_t *facts, const char *persona, const pf_value_t *role, const char *why)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_nil(p, "name");
    /*  Unnamed: title is the posting's, the team's role in the committee
        is in reason (the brief prints "the team hiring <title>").        */
    pf_map_set_str(p, "title", pf_map_get_str(role, "title"));
    pf_map_set_str(p, "basis", "hiring");
    char reason[S_REASON_MAX];
    snprintf(reason, sizeof reason, "%s: the company is hiring \"%s\" (%s)", why,
             pf_map_get_str(role, "title"),
             pf_map_get_str(role, "url") ? pf_map_get_str(role, "url") : "no url");
    pf_map_set_str(p, "reason", reason);
    pf_facts_set(facts, persona, &p, pf_facts_module(facts, S_HIRING));
}

pf_value_t *
pf_mod_buying_committee_result(const pf_value_t *company, const pf_value_t *hiring,
                               const pf_value_t *executives)
{
    pf_facts_t *facts = pf_facts_new();
    const pf_value_t *cdata = s_data(company);
    const pf_value_t *hdata = s_data(hiring);
    const pf_value_t *edata = s_data(executives);
    const pf_value_t *execs = pf_map_get(edata, "executives");
    const char *name = pf_map_get_str(cdata, "name");
    if (name)
        pf_facts_set_str(facts, "company", name, pf_facts_module(facts, S_COMPANY));
    const char *no_execs =
        !edata ? "executive_intelligence gave no result (absent, failed or simulated)"
               : "executive_intelligence names no executive whose title fits";
    const char *no_hiring =
        !hdata ? "and hiring_signals gave no result (absent, failed or simulated)"
               : "and hiring_signals shows no posting for the role";
    char reason[S_REASON_MAX];
    int filled = 0;

    /*  Economic buyer: the C-level owner of digital, else of technology,
        else the chief executive (who signs when no one else owns it).     */
    const pf_value_t *buyer = s_exec(execs, "digital", true, false, NULL);
    const char *why = "owns the digital budget at C-level";
    if (!buyer) {
        buyer = s_exec(execs, "technical", true, false, NULL);
        why = "owns technology at C-level (no C-level digital officer known)";
    }
    if (!buyer) {
        buyer = s_exec(execs, "executive", true, true, NULL);
        why = "the chief executive signs (no C-level digital or technology officer known)";
    }
    const char *buyer_name = buyer ? pf_map_get_str(buyer, "name") : NULL;
    if (buyer) {
        s_person(facts, "economic_buyer", buyer, why);
        filled++;
    } else {
        snprintf(reason, sizeof reason, "%s", no_execs);
        pf_facts_missing(facts, "economic_buyer", reason);
    }

    /*  Champion: a digital leader below C-level, else a digital C-level
        who is not the buyer, else the manager hiring for search,
        discovery or e-commerce.                                           */
    static const char *const champion_themes[] = {"search", "discovery", "ecommerce", NULL};
    const pf_value_t *champ = s_exec(execs, "digital", false, false, buyer_name);
    if (!champ)
        champ = s_exec(execs, "digital", true, false, buyer_name);
    const pf_value_t *role = NULL;
    if (champ) {
        s_person(facts, "champion", champ, "leads digital and feels the problem daily");
        filled++;
    } else if ((role = s_role(hdata, champion_themes, NULL)) != NULL) {
        s_team(facts, "champion", role, "search, discovery or e-commerce is being staffed");
        filled++;
    } else {
        snprintf(reason, sizeof reason, "%s, %s", no_execs, no_hiring);
        pf_facts_missing(facts, "champion", reason);
    }

    /*  Technical evaluator: a technology leader other than the buyer, else
        the manager hiring engineers or data people.                      */
    static const char *const tech_themes[] = {"data", NULL};
    const pf_value_t *tech = s_exec(execs, "technical", false, true, buyer_name);
    if (tech) {
        s_person(facts, "technical_evaluator", tech, "leads technology and will assess the "
                                                     "integration");
        filled++;
    } else if ((role = s_role(hdata, tech_themes, "engineering")) != NULL) {
        s_team(facts, "technical_evaluator", role, "engineering will assess the integration");
        filled++;
    } else {
        snprintf(reason, sizeof reason, "%s, %s", no_execs, no_hiring);
        pf_facts_missing(facts, "technical_evaluator", reason);
    }

    /*  User: the team that runs the storefront day to day — known only
        from hiring (executives are not users).                            */
    static const char *const user_themes[] = {"ecommerce", "search", "discovery",
                                              "personalisation", NULL};
    if ((role = s_role(hdata, user_themes, "product")) != NULL) {
        s_team(facts, "user", role, "runs the storefront's search and merchandising");
        filled++;
    } else {
        pf_facts_missing(facts, "user",
                         !hdata ? "hiring_signals gave no result (absent, failed or simulated)"
                                : "hiring_signals shows no e-commerce, search or product "
                                  "posting");
    }
    if (filled == 0) {
        pf_facts_destroy(&facts);
        return NULL;
    }
    pf_facts_set_int(facts, "personas_filled", filled,
                     pf_facts_derived(facts, "personas with a named person or a hiring team"));
    return pf_facts_result(&facts);
}

/*  ---- the actor side -------------------------------------------------- */

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    const pf_value_t *inputs = pf_task_inputs(task);
    pf_value_t *result = pf_mod_buying_committee_result(
        pf_map_get(inputs, S_COMPANY), pf_map_get(inputs, S_HIRING), pf_map_get(inputs, S_EXECS));
    pf_modjob_answer(actor, &task, &result, "no_basis",
                     "no executive fits a persona and no hiring shows one");
}

const pf_module_t pf_mod_buying_committee = {"buying_committee", s_run};
