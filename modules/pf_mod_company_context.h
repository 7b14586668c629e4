/*  pf_mod_company_context.h — the company_context module: who the company
    behind a domain is.

    Name, legal name, description, industry and sector, headquarters,
    employees, whether it is listed (ticker, exchange) and its SEC identity
    (CIK, SIC code and description, fiscal year end), from three waves of
    adapter calls (pf_gather.h):

      1. builtwith `domain`, yahoo_finance `search` {query: a name guessed
         from the domain}, websearch `web` {query: domain};
      2. per EQUITY quote candidate (at most
         PF_MOD_COMPANY_CONTEXT_CANDIDATES): yahoo_finance `quote_summary`
         and sec_edgar `cik` {ticker};
      3. for the confirmed candidate — the first whose Yahoo profile
         website is the domain or a subdomain of it — sec_edgar
         `submissions` {cik}.

    A listing is never attributed without that confirmation (the rule is
    shared with financial_profile: pf_identity.h).  Conflicts are
    settled by a fixed source order per field; a provider that fails leaves
    its facts missing with the error as the reason.  The task fails only
    when no provider names the company.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_COMPANY_CONTEXT_H
#define PF_MOD_COMPANY_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_identity.h"
#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Quote candidates checked in wave 2 (pf_identity.h).                     */
#define PF_MOD_COMPANY_CONTEXT_CANDIDATES PF_IDENTITY_CANDIDATES

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_company_context;

/*  The outcome of one adapter call (pf_identity.h).                        */
typedef pf_identity_reply_t pf_mod_company_context_reply_t;

/*  Every call's outcome for one domain.                                    */
typedef struct {
    pf_mod_company_context_reply_t builtwith;   /* builtwith domain          */
    pf_mod_company_context_reply_t search;      /* yahoo_finance search      */
    pf_mod_company_context_reply_t web;         /* websearch web             */
    size_t ncandidates;                         /* candidates checked        */
    const char *symbols[PF_MOD_COMPANY_CONTEXT_CANDIDATES]; /* their symbols */
    pf_mod_company_context_reply_t quotes[PF_MOD_COMPANY_CONTEXT_CANDIDATES];
                                                /* quote_summary per symbol  */
    pf_mod_company_context_reply_t ciks[PF_MOD_COMPANY_CONTEXT_CANDIDATES];
                                                /* sec_edgar cik per symbol  */
    pf_mod_company_context_reply_t submissions; /* sec_edgar submissions of
                                                   the confirmed candidate   */
} pf_mod_company_context_input_t;

/*  pf_identity_name_guess, pf_identity_host_matches and
    pf_identity_candidates under the module's names (its tests use them). */
bool pf_mod_company_context_name_guess(const char *domain, char *out, size_t size);
bool pf_mod_company_context_host_matches(const char *url, const char *domain);
size_t pf_mod_company_context_candidates(const pf_value_t *search_data, const char **symbols,
                                         size_t max);

/*  The founding year a text states — "founded in 2010", "founded 1902",
    "incorporated in 1967" (any case; a year from 1600 to 2999) — into
    *year; false when it states none.                                      */
bool pf_mod_company_context_founded(const char *text, int *year);

/*  The index of the confirmed candidate in in->quotes, or -1.              */
int pf_mod_company_context_confirmed(const pf_mod_company_context_input_t *in,
                                     const char *domain);

/*  The module result (pf_facts.h shape) for domain; NULL when no provider
    names the company (nothing true can be said).  New.                    */
pf_value_t *pf_mod_company_context_result(const char *domain,
                                          const pf_mod_company_context_input_t *in);

#ifdef __cplusplus
}
#endif
#endif
