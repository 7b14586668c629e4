/*  pf_mod_executive_intelligence.h — the executive_intelligence module:
    who leads the company, and what they have said in public.

    Three adapter calls in parallel, with the company's name and confirmed
    ticker from company_context:

      - yahoo_finance `quote_summary` {symbol: ticker} — the officers of
        the company's public profile; asked only when company_context
        confirmed a listing (pf_identity.h: never on a guessed ticker);
      - websearch `web` {query: "NAME leadership team"} — leaders named in
        result titles of the form "Person - Title - …" (or ", " / " | ");
      - websearch `news` {query: "NAME executives"} — headlines that name a
        known executive in full, kept as dated evidence with the themes
        they touch (digital commerce, search and discovery, AI and
        personalisation, customer experience, technology).

    Each executive is {name, title, function, source}; Yahoo's officers
    come first, web leaders add names Yahoo does not list.  The digital and
    technical leaders are singled out by whole words of their titles.  A
    call that fails leaves its part missing with the reason; the task fails
    only when all three give nothing (no executive and no search answered).
    strategic_context is read for the company's initiatives: a statement on
    a theme the company is pursuing is marked so.  Rules in
    docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_EXECUTIVE_INTELLIGENCE_H
#define PF_MOD_EXECUTIVE_INTELLIGENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_executive_intelligence;

/*  Most executives listed, and most statements kept.                       */
#define PF_MOD_EXEC_MAX 25
#define PF_MOD_EXEC_STATEMENTS_MAX 20
/*  Longest person name and title taken from a web result (bytes, NUL incl.) */
#define PF_MOD_EXEC_NAME_MAX 80
#define PF_MOD_EXEC_TITLE_MAX 160

/*  The function of a title, by whole words, the first that applies in this
    order: "technical" (technology, engineering, information, data, CTO,
    CIO…), "digital" (digital, e-commerce, online, omnichannel, product,
    customer experience), "finance", "marketing", "executive" (chief
    executive, president, founder, chair), "operations", else "other".    */
const char *pf_mod_executive_intelligence_function(const char *title);

/*  True when title is an executive's title (chief, officer, president,
    vice president, VP, head of, director, founder, chair, C-level
    abbreviations), by whole words.                                         */
bool pf_mod_executive_intelligence_is_leader_title(const char *title);

/*  A person and title from a web result title "Jane Doe - Chief Digital
    Officer - Acme" (separators " - ", " – ", " | ", ", "): the first
    segment that reads as a person's name (two to four capitalised words of
    letters, apostrophes, hyphens or dots, not the company's name), followed
    by a segment that is a leader title.  Writes name (PF_MOD_EXEC_NAME_MAX)
    and role (PF_MOD_EXEC_TITLE_MAX); false when the title names no one.  */
bool pf_mod_executive_intelligence_parse_web(const char *text, const char *company,
                                             char *name, char *role);

/*  One call's outcome: its data and provenance maps, or (data NULL) the
    error code and message; asked false when the call was not made (no
    confirmed ticker), why then in message.                                */
typedef struct {
    bool asked;
    const pf_value_t *data;
    const pf_value_t *provenance;
    const char *error;
    const char *message;
} pf_mod_executive_intelligence_reply_t;

/*  The module's result from company_context's and strategic_context's
    results (each may be NULL), the domain, and the three calls; NULL when
    nothing true can be said (the task then fails).  New.                  */
pf_value_t *pf_mod_executive_intelligence_result(
    const pf_value_t *company, const pf_value_t *strategy, const char *domain,
    const pf_mod_executive_intelligence_reply_t *officers,
    const pf_mod_executive_intelligence_reply_t *web,
    const pf_mod_executive_intelligence_reply_t *news);

#ifdef __cplusplus
}
#endif
#endif
