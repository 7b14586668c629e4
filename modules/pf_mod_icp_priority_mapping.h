/*  pf_mod_icp_priority_mapping.h — the icp_priority_mapping module: how
    closely the prospect matches the seller's ideal customer.

    No adapter calls: a pure function of the upstream results
    (company_context required; traffic_analysis, financial_profile,
    technology_stack, competitor_intelligence optional) and the seller
    profile's `icp` (pf_profile.h): each factor earns a fraction (0..1) of
    its weight, the score is their sum (0–100), the tier is the profile's
    letter for it.  The factor's rule is chosen by its name:

      revenue_scale          revenue_latest (USD) of financial_profile,
                             on a log scale from icp.rules.revenue_scale
                             floor (nothing) to full (all);
      traffic_scale          monthly_visits of traffic_analysis, the same
                             way on icp.rules.traffic_scale;
      technology_fit         technology_stack's `fit` technologies, one
                             icp.rules.technology_fit.full-th each;
      displaceable_incumbent all when technology_stack's `displaceable`
                             list is not empty, else nothing;
      industry_fit           all when company_context's industry or sector
                             holds one of icp.industries as whole words.

    Each factor reads the module its `input` names.  A factor whose input
    is absent or simulated, whose fact is missing, or whose name has no
    rule contributes 0 and says why.  Rules in docs/MODULES.md.            */
#ifndef PF_MOD_ICP_PRIORITY_MAPPING_H
#define PF_MOD_ICP_PRIORITY_MAPPING_H

#include "pf_module.h"
#include "pf_profile.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_icp_priority_mapping;

/*  The fraction (0..1) of value on a log scale from floor to full.         */
double pf_mod_icp_priority_mapping_scale(double value, double floor, double full);

/*  The module result (pf_facts.h shape) from the task's inputs map
    (module -> result) and the profile.  New.                              */
pf_value_t *pf_mod_icp_priority_mapping_result(const pf_value_t *inputs,
                                               const pf_profile_t *profile);

#ifdef __cplusplus
}
#endif
#endif
