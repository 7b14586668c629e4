/*  pf_mod_financial_profile.h — the financial_profile module: what the
    company behind a domain earns, as far as public record says.

    Revenue of the latest full fiscal year and the one before, growth
    (derived), net income, margins, market capitalisation, the reporting
    currency, the fiscal year end, the latest 10-K (date, URL, accession)
    and financial news.  The module has no module inputs, so it
    establishes the listing itself by company_context's rule
    (pf_identity.h), in three waves of adapter calls (pf_gather.h):

      1. yahoo_finance `search` {query: the name guessed from the domain};
         websearch `news` {query: "<name> earnings OR revenue"};
      2. per EQUITY quote candidate: yahoo_finance `quote_summary` and
         sec_edgar `cik` (Yahoo and SEC in parallel);
      3. for the confirmed candidate's CIK: sec_edgar `submissions` and
         `company_facts` (in parallel).

    SEC's XBRL facts come first for revenue and net income (a US filer
    whose record lists the ticker), Yahoo's income statements are the
    fallback; growth and the net margin are derived only from figures of
    one source and consecutive full years.  A private company has every
    financial field missing ("private company: no public filings") and
    still gets its news.  The task fails only when nothing at all can be
    said.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_FINANCIAL_PROFILE_H
#define PF_MOD_FINANCIAL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_identity.h"
#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  News results asked of the web search.                                   */
#define PF_MOD_FINANCIAL_PROFILE_NEWS 10

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_financial_profile;

/*  Every call's outcome for one domain (borrowed pointers).                */
typedef struct {
    pf_identity_reply_t search;        /* yahoo_finance search              */
    pf_identity_reply_t news;          /* websearch news                    */
    size_t ncandidates;                /* candidates checked                */
    const char *symbols[PF_IDENTITY_CANDIDATES];     /* their symbols       */
    pf_identity_reply_t quotes[PF_IDENTITY_CANDIDATES]; /* quote_summary   */
    pf_identity_reply_t ciks[PF_IDENTITY_CANDIDATES];   /* sec_edgar cik   */
    pf_identity_reply_t submissions;   /* sec_edgar submissions of the
                                          confirmed candidate's CIK         */
    pf_identity_reply_t company_facts; /* sec_edgar company_facts of it     */
} pf_mod_financial_profile_input_t;

/*  The news query for name: "<name> earnings OR revenue".  Returns false
    when name is empty or the query does not fit in size bytes.           */
bool pf_mod_financial_profile_news_query(const char *name, char *out, size_t size);

/*  Days since 1970-01-01 of an ISO date "YYYY-MM-DD" (exactly), into
    *days.  Returns false for anything else or an impossible date.        */
bool pf_mod_financial_profile_days(const char *date, int64_t *days);

/*  True when the period ending latest_end follows the one ending
    prior_end as the next full year (350..380 days later, as SEC's full
    year periods of 52 or 53 weeks).                                       */
bool pf_mod_financial_profile_consecutive(const char *prior_end, const char *latest_end);

/*  Growth latest / prior - 1 into *growth; false when prior is not
    positive or a value is not finite.                                     */
bool pf_mod_financial_profile_growth(double latest, double prior, double *growth);

/*  The fiscal year of row i of a company_facts annual list (annual_revenue
    or annual_net_income).  SEC's "fy" is the fiscal year of the filing
    that reported a value, not of its period: so the row ending last among
    the rows of the same filing (accn) is that fiscal year, and an earlier
    period of that filing is so many years before it as its end date lies
    before that row's (rounded to whole years).  Returns 0 when it cannot
    be told (no fy, no accn, bad dates).                                   */
int64_t pf_mod_financial_profile_fiscal_year(const pf_value_t *annual, size_t i);

/*  The module result (pf_facts.h shape) for domain; NULL when nothing at
    all can be said (the listing is unknown and the news failed).  New.   */
pf_value_t *pf_mod_financial_profile_result(const char *domain,
                                            const pf_mod_financial_profile_input_t *in);

#ifdef __cplusplus
}
#endif
#endif
