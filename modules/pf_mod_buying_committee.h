/*  pf_mod_buying_committee.h — the buying_committee module: who buys.

    Four personas — the economic buyer, the champion, the technical
    evaluator and the user — each with a named person where
    executive_intelligence knows one whose title fits, else the team that
    hiring_signals shows hiring for the role (unnamed), and the reason for
    the choice.  No adapter calls: a pure function of its inputs
    (company_context, hiring_signals optional, executive_intelligence).
    A persona with no basis is missing with the reason; the task fails only
    when no persona has any.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_BUYING_COMMITTEE_H
#define PF_MOD_BUYING_COMMITTEE_H

#include <stdbool.h>

#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_buying_committee;

/*  True when title is C-level ("chief …", CEO, CTO, CIO, CDO, CFO, COO,
    CMO, president, founder, chair), by whole words; "vice president" is
    not.                                                                    */
bool pf_mod_buying_committee_is_c_level(const char *title);

/*  The module's result from the three upstream results (each the module's
    result map, or NULL when absent; a simulated one counts as absent).
    NULL when no persona can be filled (the task then fails).  New.       */
pf_value_t *pf_mod_buying_committee_result(const pf_value_t *company, const pf_value_t *hiring,
                                           const pf_value_t *executives);

#ifdef __cplusplus
}
#endif
#endif
