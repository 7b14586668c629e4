/*  pf_mod_buying_committee.c — the buying_committee module (see
    pf_mod_buying_committee.h and docs/MODULES.md).                        */
#include "pf_mod_buying_committee.h"

#include <stdio.h>
#include <string.h>

#include "pf_facts.h"
#include "pf_modjob.h"
#include "pf_profile.h"
#include "pf_words.h"

#define S_COMPANY "company_context"
#define S_HIRING "hiring_signals"
#define S_EXECS "executive_intelligence"
#define S_REASON_MAX 512
/*  Most board or company suffixes stripped from one posting title
    ("Engineer - Stripe - Greenhouse" has two).                            */
#define S_SUFFIXES_MAX 3
/*  A company name's first word shorter than this is too common to mark a
    suffix as the company's ("AB").                                        */
#define S_NAME_WORD_MIN 3
/*  Leading words of a company name that say nothing of the company: the
    next word names it ("The Home Depot" -> "home").                      */
static const char *const s_name_skip[] = {"the", "a", "an"};

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

/*  Words that mark a title's suffix as a job board's or a careers site's
    rather than part of the role.  Generic knowledge of job boards.       */
static const char *const s_board_words[] = {"careers", "career", "jobs", "job", "greenhouse",
                                            "lever", "ashby", "workday", "smartrecruiters",
                                            "linkedin", "indeed", "glassdoor", "hiring", NULL};

/*  The start of the last " - ", " | ", " – " or " — " separator in
    title[0..len), or NULL.                                                 */
static const char *
s_last_separator(const char *title, size_t len, size_t *sep_len)
{
    static const char *const seps[] = {" - ", " | ", " \xe2\x80\x93 ", " \xe2\x80\x94 "};
    const char *best = NULL;
    for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
        size_t n = strlen(seps[k]);
        for (const char *p = title; p + n <= title + len; p++)
            if (memcmp(p, seps[k], n) == 0 && (!best || p > best)) {
                best = p;
                *sep_len = n;
            }
    }
    return best;
}

void
pf_mod_buying_committee_posting_title(const char *title, const char *company, char *out,
                                      size_t size)
{
    if (size == 0)
        return;
    out[0] = '\0';
    if (!title)
        return;
    /*  The company's first word, as a whole-word phrase to look for.      */
    pf_words_t cw;
    pf_words_init(&cw, company);
    char first[PF_WORDS_MAX] = "";
    const char *w = cw.text + 1;
    size_t wl = strcspn(w, " ");
    for (size_t k = 0; k < sizeof s_name_skip / sizeof s_name_skip[0]; k++) {
        if (wl == strlen(s_name_skip[k]) && strncmp(w, s_name_skip[k], wl) == 0
            && w[wl] == ' ' && w[wl + 1]) {
            w += wl + 1;
            wl = strcspn(w, " ");
            break;
        }
    }
    if (wl >= S_NAME_WORD_MIN && wl < sizeof first) {
        memcpy(first, w, wl);
        first[wl] = '\0';
    }
    size_t len = strlen(title);
    for (int i = 0; i < S_SUFFIXES_MAX; i++) {
        size_t sep_len = 0;
        const char *sep = s_last_separator(title, len, &sep_len);
        if (!sep || sep == title)
            break;
        char suffix[PF_WORDS_MAX];
        size_t sl = (size_t) (title + len - (sep + sep_len));
        if (sl >= sizeof suffix)
            break;
        memcpy(suffix, sep + sep_len, sl);
        suffix[sl] = '\0';
        pf_words_t words;
        pf_words_init(&words, suffix);
        if (!pf_words_first(&words, s_board_words) && !(first[0] && pf_words_has(&words, first)))
            break;
        len = (size_t) (sep - title);
    }
    snprintf(out, size, "%.*s", (int) len, title);
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
s_team(pf_facts_t *facts, const char *persona, const pf_value_t *role, const char *company,
       const char *why)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_nil(p, "name");
    /*  Unnamed: title is the posting's (without the job board's or the
        company's suffix), the team's role in the committee is in reason
        (the brief prints "the team hiring <title>").                      */
    char title[S_REASON_MAX];
    pf_mod_buying_committee_posting_title(pf_map_get_str(role, "title"), company, title,
                                          sizeof title);
    pf_map_set_str(p, "title", title);
    pf_map_set_str(p, "basis", "hiring");
    /*  Room for the title and the words around it.                        */
    char reason[2 * S_REASON_MAX];
    snprintf(reason, sizeof reason, "%s: the company is hiring \"%s\" (%s)", why, title,
             pf_map_get_str(role, "url") ? pf_map_get_str(role, "url") : "no url");
    pf_map_set_str(p, "reason", reason);
    pf_facts_set(facts, persona, &p, pf_facts_module(facts, S_HIRING));
}

/*  The persona with no one named and no team hiring: the titles the
    seller profile says to look for, the profile's reason, and the named
    person missing with why.  False (nothing set) when the profile does
    not define the persona.                                               */
static bool
s_unnamed(pf_facts_t *facts, const char *persona, const pf_profile_t *profile, const char *why)
{
    const pf_profile_persona_t *pp = pf_profile_persona_find(profile, persona);
    char field[S_REASON_MAX];
    snprintf(field, sizeof field, "%s.name", persona);
    if (!pp) {
        pf_facts_missing(facts, persona, why);
        return false;
    }
    pf_value_t *p = pf_value_map();
    pf_map_set_nil(p, "name");
    /*  title says whom to look for ("A, B or C"); look_for lists them.    */
    char title[S_REASON_MAX] = "";
    size_t used = 0;
    pf_value_t *look_for = pf_value_array();
    for (size_t i = 0; i < pp->n_titles; i++) {
        pf_array_push_str(look_for, pp->titles[i]);
        const char *glue = i == 0 ? "" : i + 1 == pp->n_titles ? " or " : ", ";
        int n = snprintf(title + used, sizeof title - used, "%s%s", glue, pp->titles[i]);
        if (n < 0 || (size_t) n >= sizeof title - used)
            break;
        used += (size_t) n;
    }
    pf_map_set_str(p, "title", title);
    pf_map_set(p, "look_for", &look_for);
    pf_map_set_str(p, "basis", "profile");
    char reason[S_REASON_MAX];
    snprintf(reason, sizeof reason, "%s; no one named: %s", pp->reason, why);
    pf_map_set_str(p, "reason", reason);
    /*  One source for every persona the profile describes (same text).    */
    char how[S_REASON_MAX];
    snprintf(how, sizeof how, "the seller profile's personas (%s): titles to look for",
             pf_profile_file(profile));
    pf_facts_set(facts, persona, &p, pf_facts_derived(facts, how));
    pf_facts_missing(facts, field, why);
    return true;
}

pf_value_t *
pf_mod_buying_committee_result(const pf_value_t *company, const pf_value_t *hiring,
                               const pf_value_t *executives, const pf_profile_t *profile)
{
    const pf_value_t *cdata = s_data(company);
    const pf_value_t *hdata = s_data(hiring);
    const pf_value_t *edata = s_data(executives);
    /*  No input at all: nothing true to say about this company.           */
    if (!cdata && !hdata && !edata)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    int profiled = 0;
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
        profiled += s_unnamed(facts, "economic_buyer", profile, reason);
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
        s_team(facts, "champion", role, name,
               "search, discovery or e-commerce is being staffed");
        filled++;
    } else {
        snprintf(reason, sizeof reason, "%s, %s", no_execs, no_hiring);
        profiled += s_unnamed(facts, "champion", profile, reason);
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
        s_team(facts, "technical_evaluator", role, name,
               "engineering will assess the integration");
        filled++;
    } else {
        snprintf(reason, sizeof reason, "%s, %s", no_execs, no_hiring);
        profiled += s_unnamed(facts, "technical_evaluator", profile, reason);
    }

    /*  User: the team that runs the storefront day to day — known only
        from hiring (executives are not users).                            */
    static const char *const user_themes[] = {"ecommerce", "search", "discovery",
                                              "personalisation", NULL};
    if ((role = s_role(hdata, user_themes, "product")) != NULL) {
        s_team(facts, "user", role, name, "runs the storefront's search and merchandising");
        filled++;
    } else {
        profiled += s_unnamed(facts, "user", profile,
                              !hdata ? "hiring_signals gave no result (absent, failed or "
                                       "simulated)"
                                     : "hiring_signals shows no e-commerce, search or product "
                                       "posting");
    }
    if (filled == 0 && profiled == 0) {
        pf_facts_destroy(&facts);
        return NULL;
    }
    pf_facts_set_int(facts, "personas_filled", filled,
                     pf_facts_derived(facts, "personas with a named person or a hiring team"));
    pf_facts_set_int(facts, "personas_unnamed", profiled,
                     pf_facts_derived(facts, "personas described by the seller profile's "
                                             "titles only (no one named, no team hiring)"));
    pf_value_t *result = pf_facts_result(&facts);
    /*  Built on synthetic data when any input it read was.                */
    const pf_value_t *inputs[] = {company, hiring, executives};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (s_data(inputs[i]) && pf_map_get_bool(inputs[i], "synthetic", false))
            pf_map_set_bool(result, "synthetic", true);
    return result;
}

/*  ---- the actor side -------------------------------------------------- */

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    const pf_value_t *inputs = pf_task_inputs(task);
    pf_value_t *result = pf_mod_buying_committee_result(
        pf_map_get(inputs, S_COMPANY), pf_map_get(inputs, S_HIRING), pf_map_get(inputs, S_EXECS),
        pf_profile_current());
    pf_modjob_answer(actor, &task, &result, "no_basis",
                     "no input (company_context, hiring_signals, executive_intelligence) gave "
                     "a result and no persona can be described");
}

const pf_module_t pf_mod_buying_committee = {"buying_committee", s_run};
