/*  pf_module.c — the table of built-in module implementations
    (see pf_module.h).  Each real module adds one entry here.              */
#include "pf_module.h"

#include <string.h>

#include "pf_mod_case_study_matching.h"
#include "pf_mod_buying_committee.h"
#include "pf_mod_company_context.h"
#include "pf_mod_executive_intelligence.h"
#include "pf_mod_competitor_intelligence.h"
#include "pf_mod_displacement_analysis.h"
#include "pf_mod_financial_profile.h"
#include "pf_mod_hiring_signals.h"
#include "pf_mod_icp_priority_mapping.h"
#include "pf_mod_investor_intelligence.h"
#include "pf_mod_signal_scoring.h"
#include "pf_mod_strategic_context.h"
#include "pf_mod_strategic_signal_brief.h"
#include "pf_mod_technology_stack.h"
#include "pf_mod_traffic_analysis.h"

/*  NULL-terminated so the table is valid C while it has no entries.       */
static const pf_module_t *const s_modules[] = {
    &pf_mod_case_study_matching,
    &pf_mod_buying_committee,
    &pf_mod_company_context,
    &pf_mod_executive_intelligence,
    &pf_mod_competitor_intelligence,
    &pf_mod_displacement_analysis,
    &pf_mod_financial_profile,
    &pf_mod_hiring_signals,
    &pf_mod_icp_priority_mapping,
    &pf_mod_investor_intelligence,
    &pf_mod_signal_scoring,
    &pf_mod_strategic_context,
    &pf_mod_strategic_signal_brief,
    &pf_mod_technology_stack,
    &pf_mod_traffic_analysis,
    NULL
};

const pf_module_t *
pf_module_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; s_modules[i]; i++)
        if (strcmp(s_modules[i]->name, name) == 0)
            return s_modules[i];
    return NULL;
}

size_t
pf_module_count(void)
{
    size_t n = 0;
    while (s_modules[n])
        n++;
    return n;
}
