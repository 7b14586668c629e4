/*  pf_mod_strategic_signal_brief.h — the strategic_signal_brief module.

    The brief a seller reads before reaching out: headline, why now, who to
    talk to, what to say, the displacement angle, proof points, risks and
    unknowns, and every source — as Markdown (field "markdown") and as a
    structured map.  No adapter calls: a pure function of whatever of its
    fourteen inputs completed (all optional but company_context, which the
    graph requires) and the seller profile.  An input that is absent or
    simulated is named, and so is every fact an input lists as missing.
    The Markdown says plainly when some data is synthetic (the offline
    emulator) and when the seller profile is sample data.  The task fails
    only when no input has any data.  Rules in docs/MODULES.md.

    The function below is the module's logic, exposed for its unit tests;
    the actor entry point is the table entry.                               */
#ifndef PF_MOD_STRATEGIC_SIGNAL_BRIEF_H
#define PF_MOD_STRATEGIC_SIGNAL_BRIEF_H

#include "pf_module.h"
#include "pf_profile.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_strategic_signal_brief;

/*  Most items in one section of the brief (initiatives, evidence, talking
    points…), so a rich input cannot make it unreadable.                    */
#define PF_MOD_BRIEF_ITEMS_MAX 5
/*  Most missing facts named per input (the rest are counted).              */
#define PF_MOD_BRIEF_MISSING_MAX 8

/*  The brief for domain from inputs ({module: result}, borrowed) and
    profile (NULL: the seller is unknown and said so).  NULL when no input
    has data (the task then fails).                                         */
pf_value_t *pf_mod_strategic_signal_brief_result(const pf_profile_t *profile, const char *domain,
                                                 const pf_value_t *inputs);

#ifdef __cplusplus
}
#endif
#endif
