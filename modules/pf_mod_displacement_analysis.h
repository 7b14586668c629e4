/*  pf_mod_displacement_analysis.h — the displacement_analysis module: can
    the seller replace what the site runs, and how good is the chance.

    No adapter calls: a function of its inputs and the seller profile
    (pf_profile.h).  From technology_stack (required): the technologies the
    profile can displace, the incumbent among them (the one on the site
    longest, by BuiltWith's first detection) with its tenure, and the
    switching signals the stack shows.  From competitor_intelligence
    (optional): the competitors already running the seller's product.  An
    opportunity score 0–100 adds four components weighted by the profile's
    "displacement" key, each with its reason.  Fails only when
    technology_stack has no data.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_DISPLACEMENT_ANALYSIS_H
#define PF_MOD_DISPLACEMENT_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_module.h"
#include "pf_profile.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  An incumbent not seen by BuiltWith for this many days before the
    stack's newest sighting is lapsing: about a quarter, longer than the
    gaps between BuiltWith's crawls of a busy site.                        */
#define PF_MOD_DISPLACEMENT_LAPSE_DAYS 90

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_displacement_analysis;

/*  True when the technology name is the seller's: equal to the product or
    seller name (ignoring case), or containing the seller name as whole
    words.                                                                 */
bool pf_mod_displacement_is_seller(const char *technology, const pf_profile_t *profile);

/*  Points of one component: weight × min(1, amount / full), 0 for amount
    <= 0.                                                                  */
double pf_mod_displacement_points(int weight, double amount, int full);

/*  The module result (pf_facts.h shape) from technology_stack's result
    (required), competitor_intelligence's (NULL: absent) and profile;
    NULL when technology_stack has no data map (nothing true to say).     */
pf_value_t *pf_mod_displacement_analysis_result(const pf_value_t *technology,
                                                const pf_value_t *competitors,
                                                const pf_profile_t *profile);

#ifdef __cplusplus
}
#endif
#endif
