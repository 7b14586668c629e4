/*  pf_mod_technology_stack.h — the technology_stack module.

    What a site runs, from BuiltWith only: the five calls `domain`,
    `relationships`, `recommendations`, `keywords` and `trust` go out in
    parallel (pf_gather.h); the result (pf_facts.h) lists every detected
    technology, groups them by category, names the notable ones by role
    (site search, e-commerce platform, CMS, analytics, CDN, tag manager,
    ATS), flags those the seller profile (pf_profile.h) can displace or
    counts as a good fit, and adds BuiltWith's spend estimate, related
    domains, recommendations, keywords and trust record.  Each call that
    fails leaves its facts missing with the error as the reason; the task
    fails only when all five do.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_TECHNOLOGY_STACK_H
#define PF_MOD_TECHNOLOGY_STACK_H

#include "pf_gather.h"
#include "pf_module.h"
#include "pf_profile.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_technology_stack;

/*  The outcome of one BuiltWith call (borrowed pointers).                  */
typedef pf_gather_reply_t pf_mod_technology_stack_reply_t;

/*  The five calls' outcomes.                                               */
typedef struct {
    pf_mod_technology_stack_reply_t domain;
    pf_mod_technology_stack_reply_t relationships;
    pf_mod_technology_stack_reply_t recommendations;
    pf_mod_technology_stack_reply_t keywords;
    pf_mod_technology_stack_reply_t trust;
} pf_mod_technology_stack_input_t;

/*  The notable role of a technology map ({name, tag, categories[]}): the
    first of its categories the role table knows, else its tag's role;
    NULL when it has none.  Returns a static string.                       */
const char *pf_mod_technology_stack_role(const pf_value_t *technology);

/*  A map role -> [names] with every role of the table as a key (an empty
    list: BuiltWith detected none), names in detection-list order.  New.   */
pf_value_t *pf_mod_technology_stack_notable(const pf_value_t *technologies);

/*  A map category -> [names sorted]; a technology without categories goes
    under its tag, or "Other".  New.                                        */
pf_value_t *pf_mod_technology_stack_by_category(const pf_value_t *technologies);

/*  The detected technologies the profile lists as displaceable (fit false)
    or as a good fit (fit true): [{name, profile_name, categories,
    reason, first_detected?, last_detected?}].  New.                        */
pf_value_t *pf_mod_technology_stack_seller(const pf_value_t *technologies,
                                           const pf_profile_t *profile, bool fit);

/*  Related domains from a relationships reply's data: one entry per
    domain, [{domain, shared[{type, value}], first?, last?, overlap}],
    most shared identifiers first, then by name.  New.                     */
pf_value_t *pf_mod_technology_stack_related(const pf_value_t *relationships);

/*  The module result (pf_facts.h shape) for domain from the five outcomes;
    profile may be NULL (the seller flags are then missing).  Returns NULL
    when every call failed (nothing true can be said).  New.               */
pf_value_t *pf_mod_technology_stack_result(const pf_mod_technology_stack_input_t *in,
                                           const pf_profile_t *profile);

#ifdef __cplusplus
}
#endif
#endif
