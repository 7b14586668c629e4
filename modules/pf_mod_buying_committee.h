/*  pf_mod_buying_committee.h — the buying_committee module: who buys.

    Four personas — the economic buyer, the champion, the technical
    evaluator and the user — each with a named person where
    executive_intelligence knows one whose title fits, else the team that
    hiring_signals shows hiring for the role (unnamed), and the reason for
    the choice.  No adapter calls: a pure function of its inputs
    (company_context, hiring_signals optional, executive_intelligence) and
    the seller profile's personas.  A persona with no one named and no team
    hiring degrades: the titles the profile says to look for, the profile's
    reason, and "<persona>.name" missing with why.  The task fails only
    when no input gave a result at all.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_BUYING_COMMITTEE_H
#define PF_MOD_BUYING_COMMITTEE_H

#include <stdbool.h>

#include <stddef.h>

#include "pf_module.h"
#include "pf_profile.h"
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

/*  A job posting's title without the job board's or the company's suffix
    that search results append ("Search Engineer - Stripe Careers",
    "… | Greenhouse"): trailing " - ", " | ", en- or em-dash segments that
    name a board word (careers, jobs, greenhouse, lever, …) or the first
    word of company (may be NULL) are cut, at most three.  Written to out
    (size bytes, cut to fit); title NULL: "".                              */
void pf_mod_buying_committee_posting_title(const char *title, const char *company, char *out,
                                           size_t size);

/*  The module's result from the three upstream results (each the module's
    result map, or NULL when absent; a simulated one counts as absent) and
    the seller profile (NULL: no personas to describe).  NULL when none of
    the three gave a result, or when no persona can be filled or described
    (the task then fails).  New.                                           */
pf_value_t *pf_mod_buying_committee_result(const pf_value_t *company, const pf_value_t *hiring,
                                           const pf_value_t *executives,
                                           const pf_profile_t *profile);

#ifdef __cplusplus
}
#endif
#endif
