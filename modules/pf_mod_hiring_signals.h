/*  pf_mod_hiring_signals.h — the hiring_signals module.

    What the company is hiring for, from job postings the web search finds:
    one `websearch jobs {company, domain}` call (job boards — Greenhouse,
    Lever, Ashby, Workday, SmartRecruiters — and the company's own careers
    pages), with the company's name from company_context.  The result
    (pf_facts.h) counts the postings seen, by department; names the roles
    that touch search, discovery, personalisation, e-commerce and data;
    says which applicant tracking system the postings run on; and lists
    the postings as evidence.  Counts are of postings the search returned,
    a lower bound of the open roles, and the result says so.  The task
    fails only when the search itself fails (nothing true to say).
    Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_HIRING_SIGNALS_H
#define PF_MOD_HIRING_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_hiring_signals;

/*  Most postings listed as evidence.                                       */
#define PF_MOD_HIRING_EVIDENCE_MAX 20
/*  Themes a role can touch (the order of pf_mod_hiring_signals_themes).    */
#define PF_MOD_HIRING_THEMES 5

/*  The department of a job title ("engineering", "data", "product",
    "design", "marketing", "sales", "customer", "operations", "finance",
    "people", "legal", or "other"): the first department, in that order,
    one of whose words stands in the title as a whole word, any case.     */
const char *pf_mod_hiring_signals_department(const char *title);

/*  The themes a title touches, out of "search", "discovery",
    "personalisation", "ecommerce", "data": written to themes (room for
    PF_MOD_HIRING_THEMES), their count returned.                          */
size_t pf_mod_hiring_signals_themes(const char *title, const char **themes);

/*  True when a web result is a job posting: it runs on a recognised ATS
    (its `ats` field, set by the websearch adapter), or it is a page of the
    company's own site whose path holds a careers or jobs segment.         */
bool pf_mod_hiring_signals_is_posting(const pf_value_t *result, const char *domain);

/*  The module's result from the company_context result (its map, or NULL
    when it is not there), the domain, and the jobs call's outcome: its
    data and provenance maps, or error/message when it failed (data NULL).
    Returns NULL when the call failed (the task then fails).               */
pf_value_t *pf_mod_hiring_signals_result(const pf_value_t *company, const char *domain,
                                         const pf_value_t *data, const pf_value_t *provenance);

#ifdef __cplusplus
}
#endif
#endif
