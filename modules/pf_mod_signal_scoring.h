/*  pf_mod_signal_scoring.h — the signal_scoring module.

    How strongly, and how recently, the prospect shows the buying signals
    of the seller profile (pf_profile.h `signals`).  Each signal reads the
    evidence its input module reports (hiring_signals, strategic_context,
    investor_intelligence — all optional) under the signal's `kinds`:
    its strength grows with the evidence found, its weight halves every
    half_life_days of age, and the weighted sum is a composite score 0–100
    with a timing call (act now / nurture / monitor).  No clock: ages count
    from the "as of" date, the newest date among the inputs' evidence and
    their sources' fetch times.  A signal whose input is absent or was
    simulated contributes 0 and says why; the task fails only when no input
    is usable.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_SIGNAL_SCORING_H
#define PF_MOD_SIGNAL_SCORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_module.h"
#include "pf_profile.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_signal_scoring;

/*  Pieces of evidence at which a signal is at full strength (strength is
    found / this, at most 1).                                               */
#define PF_MOD_SIGNAL_SATURATION 3
/*  Most evidence listed per signal (newest first).                         */
#define PF_MOD_SIGNAL_EVIDENCE_MAX 5
/*  Lowest composite scores of the timing calls "act_now" and "nurture";
    below nurture the call is "monitor".                                    */
#define PF_MOD_SIGNAL_ACT_NOW 50
#define PF_MOD_SIGNAL_NURTURE 20

/*  The day number (days since 1970-01-01) of a date whose first ten
    characters are YYYY-MM-DD, in *day; false (day untouched) otherwise.  */
bool pf_mod_signal_scoring_day(const char *date, int64_t *day);

/*  Writes the date of day number day as YYYY-MM-DD to out (size bytes;
    PF_MOD_SIGNAL_DATE_MAX is enough for any day).                          */
#define PF_MOD_SIGNAL_DATE_MAX 48
void pf_mod_signal_scoring_date(int64_t day, char *out, size_t size);

/*  The weight left after age_days at half_life_days (> 0): 0.5 to the
    power age / half-life; 1 for an age <= 0.                              */
double pf_mod_signal_scoring_decay(int64_t age_days, int half_life_days);

/*  The timing call of a composite score: "act_now", "nurture", "monitor". */
const char *pf_mod_signal_scoring_timing(double score);

/*  The module's result from profile's signals and the task's inputs map
    ({module: result}; borrowed).  NULL when none of the inputs the signals
    read is there with data (the task then fails).                          */
pf_value_t *pf_mod_signal_scoring_result(const pf_profile_t *profile, const pf_value_t *inputs);

#ifdef __cplusplus
}
#endif
#endif
