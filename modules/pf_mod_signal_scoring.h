/*  pf_mod_signal_scoring.h — the signal_scoring module.

    How strongly, and how recently, the prospect shows the buying signals
    of the seller profile (pf_profile.h `signals`).  Each signal reads the
    evidence its input module — and its also_inputs — reports
    (hiring_signals, strategic_context, investor_intelligence — all
    optional) under the signal's `kinds`:
    its strength grows with the evidence found (up to the profile's
    signal_timing.full_strength pieces), its weight halves every
    half_life_days of age, and the weighted sum is a composite score 0–100
    with a timing call (act now / nurture / monitor, at the profile's
    signal_timing thresholds).  A signal may count only dated evidence
    whose title shows required words (leadership_change: an appointment
    or departure word and an executive role; its dated news and an 8-K's
    item 5.02).  No clock: dates are the providers' (news page_age, SEC
    filing_date), never the fetch time; ages count from the "as of" date,
    the newest date among the inputs' dated evidence.  Undated evidence
    (job postings) says so (date nil, dated false) and, when a signal has
    nothing dated, is not decayed (age unknown).  A signal whose inputs are
    absent or were
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

/*  Most evidence listed per signal (newest first).  The thresholds of the
    timing call and the evidence at full strength are the seller
    profile's ("signal_timing", pf_profile_signal_timing_t).               */
#define PF_MOD_SIGNAL_EVIDENCE_MAX 5

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

/*  The timing call of a composite score under the profile's thresholds:
    "act_now", "nurture" or "monitor".                                     */
const char *pf_mod_signal_scoring_timing(const pf_profile_signal_timing_t *timing,
                                         double score);

/*  True when the evidence item counts for sig: it has a date of its own
    (date or filing_date) when sig is dated_only, and its title shows a
    phrase of every group of sig's require, as whole words.               */
bool pf_mod_signal_scoring_counts(const pf_profile_signal_t *sig, const pf_value_t *item);

/*  The module's result from profile's signals and the task's inputs map
    ({module: result}; borrowed).  NULL when none of the inputs the signals
    read is there with data (the task then fails).                          */
pf_value_t *pf_mod_signal_scoring_result(const pf_profile_t *profile, const pf_value_t *inputs);

#ifdef __cplusplus
}
#endif
#endif
