/*  pf_mod_strategic_context.h — the strategic_context module.

    What the company is doing and what threatens it, from the news and the
    web: `websearch news {query: name}` and `websearch web {query: "name
    strategy"}` in parallel, with the company's name from company_context.
    Every headline is read for initiatives — replatforming, international
    expansion, AI and personalisation, digital commerce, cost cutting,
    M&A, funding, new products — and risks — legal, supply chain,
    financial, leadership (a departure, or an appointment: an appointing
    word and an executive role) — by whole-word keyword tables; each
    initiative and risk is listed with its dated evidence (headline, URL,
    date).  A
    search that fails leaves its part missing with the reason; the task
    fails only when both do.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_STRATEGIC_CONTEXT_H
#define PF_MOD_STRATEGIC_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_gather.h"
#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_strategic_context;

/*  Most kinds one headline can show, and most evidence kept per kind.      */
#define PF_MOD_STRATEGIC_KINDS_MAX 12
#define PF_MOD_STRATEGIC_EVIDENCE_MAX 10

/*  The initiatives a text (headline and description) shows: their names
    written to kinds (room for PF_MOD_STRATEGIC_KINDS_MAX), count returned. */
size_t pf_mod_strategic_context_initiatives(const char *text, const char **kinds);

/*  The risks a text shows, the same way.                                   */
size_t pf_mod_strategic_context_risks(const char *text, const char **kinds);

/*  True when text (headline and description) announces an appointment:
    an appointing word or phrase ("appoints", "names", "hires", "new CEO",
    "as chief", …) and an executive role (CEO, CFO, chief, president,
    chair, …), both as whole words.  Such news is filed under risks'
    "leadership" with the departures.                                       */
bool pf_mod_strategic_context_appointment(const char *text);

/*  The date of a search result: the first ten characters of page_age when
    they are a YYYY-MM-DD date, else NULL (the relative `age` is not a
    date).  Points into result.                                              */
const char *pf_mod_strategic_context_date(const pf_value_t *result, size_t *len);

/*  One search's outcome: its data and provenance maps, or (data NULL) the
    error code and message.                                                 */
typedef pf_gather_reply_t pf_mod_strategic_context_reply_t;

/*  The module's result from company_context's result (or NULL) and the
    two searches; NULL when both failed (the task then fails).             */
pf_value_t *pf_mod_strategic_context_result(const pf_value_t *company,
                                            const pf_mod_strategic_context_reply_t *news,
                                            const pf_mod_strategic_context_reply_t *web);

#ifdef __cplusplus
}
#endif
#endif
