/*  pf_mod_case_study_matching.h — the case_study_matching module: the
    seller's case studies that speak best to this prospect.

    No adapter calls: a pure function of company_context (industry,
    sector, employees), technology_stack (detected technologies, optional)
    and the seller profile (pf_profile.h: case_studies and the weights
    under "case_matching").  Each case study scores 0–100:

      industry    weights.industry when the case's industry and the
                  company's industry or sector name one another as whole
                  words ("Footwear" in "Footwear & Accessories");
      technology  weights.technology × the share of the case's
                  technologies (replaced and platforms) the site runs,
                  names matched ignoring case and through the profile's
                  aliases;
      size        weights.size × (1 − band distance / 2): the same band
                  full, the next band half, two bands apart nothing; the
                  company's band from its employees (profile
                  case_matching.employees).  Revenue is not an input of
                  this module in the graph, so employees alone decide.

    The best PF_MOD_CASE_STUDY_MATCHING_TOP cases with a score above zero
    are returned, best first (ties: profile order), each with why.  An
    input that is absent or simulated contributes nothing and is listed
    as missing with the reason.  Rules in docs/MODULES.md.                 */
#ifndef PF_MOD_CASE_STUDY_MATCHING_H
#define PF_MOD_CASE_STUDY_MATCHING_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_module.h"
#include "pf_profile.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Case studies returned: three is what a first conversation can use.     */
#define PF_MOD_CASE_STUDY_MATCHING_TOP 3

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_case_study_matching;

/*  The size band index of a company with employees (0 smb, 1 mid-market,
    2 enterprise) by the profile's thresholds.                              */
int pf_mod_case_study_matching_band(const pf_profile_t *profile, int64_t employees);

/*  The band index of a case study's size_band name; -1 when unknown.      */
int pf_mod_case_study_matching_band_index(const char *size_band);

/*  True when the two industry texts name one another as whole words.      */
bool pf_mod_case_study_matching_industry(const char *case_industry, const char *company);

/*  True when the technologies list ([{name}], technology_stack's) holds
    name, ignoring case or through one profile entry's aliases.            */
bool pf_mod_case_study_matching_runs(const pf_value_t *technologies,
                                     const pf_profile_t *profile, const char *name);

/*  The module result (pf_facts.h shape) from the task's inputs map
    (module -> result) and the profile.  New.                              */
pf_value_t *pf_mod_case_study_matching_result(const pf_value_t *inputs,
                                              const pf_profile_t *profile);

#ifdef __cplusplus
}
#endif
#endif
