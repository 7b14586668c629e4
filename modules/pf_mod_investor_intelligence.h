/*  pf_mod_investor_intelligence.h — the investor_intelligence module.

    What the company tells investors and what they hear: its recent SEC
    filings (10-K, 10-Q, 8-K, with amendments) with dates and links, from
    `sec_edgar submissions {cik}` when company_context found a CIK; themes
    of its earnings news — or, for a private company, its funding news —
    from `websearch news`; both calls in parallel.  A part whose call fails
    or cannot be made is missing with the reason; the task fails only when
    both parts are missing.  Each filing keeps SEC's `items` (the 8-K
    item numbers); an 8-K reporting item 5.02 (departure or appointment of
    officers) is titled with the item's caption and carries the theme
    "leadership": the filed, dated record of a leadership change, which
    signal_scoring counts.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_INVESTOR_INTELLIGENCE_H
#define PF_MOD_INVESTOR_INTELLIGENCE_H

#include <stdbool.h>

#include "pf_gather.h"
#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_investor_intelligence;

/*  Most filings listed, and most evidence kept per theme.                  */
#define PF_MOD_INVESTOR_FILINGS_MAX 20
#define PF_MOD_INVESTOR_EVIDENCE_MAX 10

/*  The 8-K item of officers' departures and appointments, and the title a
    filing reporting it is given (words of SEC's caption of the item).    */
#define PF_MOD_INVESTOR_ITEM_OFFICERS "5.02"
#define PF_MOD_INVESTOR_ITEM_OFFICERS_TITLE                                                 \
    "8-K item 5.02: departure of directors or certain officers; appointment of certain "   \
    "officers"

/*  True when SEC's comma-separated item list (as in "5.02,9.01") names
    item exactly; NULL or empty: false.                                      */
bool pf_mod_investor_intelligence_has_item(const char *items, const char *item);

/*  True when an SEC form is one the module lists: 10-K, 10-Q, 8-K and
    their amendments (10-K/A …).                                            */
bool pf_mod_investor_intelligence_form(const char *form);

/*  One call's outcome: data and provenance, or (data NULL) error and
    message; error NULL and data NULL: the call was not made.             */
typedef pf_gather_reply_t pf_mod_investor_intelligence_reply_t;

/*  The module's result from company_context's result (or NULL), the
    submissions call and the news call; NULL when neither part can be told
    (the task then fails).  When the company is not public, the news is
    read for funding instead of earnings themes.                           */
pf_value_t *pf_mod_investor_intelligence_result(
    const pf_value_t *company, const pf_mod_investor_intelligence_reply_t *submissions,
    const pf_mod_investor_intelligence_reply_t *news);

#ifdef __cplusplus
}
#endif
#endif
