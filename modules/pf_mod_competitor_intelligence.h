/*  pf_mod_competitor_intelligence.h — the competitor_intelligence module:
    who the target competes with online, how big they are, what they run.

    In two waves of calls (pf_gather.h), no clock:

      1. `similarweb similar_sites` {domain} and `similarweb visits`
         {domain} for the target (no dates: SimilarWeb's default window,
         whose newest month is the latest it has);
      2. for the PF_MOD_COMPETITOR_MAX best-scored similar sites, in
         parallel: `similarweb visits` (latest month, as for the target)
         and `builtwith domain` (site search and commerce platform, by
         technology_stack's role table, pf_mod_technology_stack_role).

    The result lists the competitors by SimilarWeb score, each with its
    latest month's visits and its site search and commerce platforms (and
    the source index of each), ranks the target among them by visits, and
    counts which site search products the competitors run.  A
    competitor's failed call leaves that competitor's facts missing (in
    its entry, with the reason); the task fails only when similar_sites
    fails (with no competitors there is nothing to say).  Rules in
    docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_COMPETITOR_INTELLIGENCE_H
#define PF_MOD_COMPETITOR_INTELLIGENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_gather.h"
#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Competitors analysed: enough for a market picture, few enough that the
    twenty calls stay inside one task's deadline.                          */
#define PF_MOD_COMPETITOR_MAX 10

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_competitor_intelligence;

/*  The outcome of one adapter call (borrowed).  data NULL and error NULL:
    the call was not made.                                                 */
typedef pf_gather_reply_t pf_mod_competitor_reply_t;

/*  One competitor's two calls.                                             */
typedef struct {
    pf_mod_competitor_reply_t visits;   /* similarweb visits                */
    pf_mod_competitor_reply_t stack;    /* builtwith domain                 */
} pf_mod_competitor_calls_t;

/*  Everything the result is made of.                                       */
typedef struct {
    const char *domain;                 /* the target                       */
    const pf_value_t *company;          /* company_context result, or NULL  */
    const pf_value_t *technology;       /* technology_stack result, or NULL */
    pf_mod_competitor_reply_t similar;  /* similarweb similar_sites         */
    pf_mod_competitor_reply_t visits;   /* the target's similarweb visits   */
    const pf_value_t *ranked;           /* pf_mod_competitor_ranked(similar) */
    const pf_mod_competitor_calls_t *calls; /* one per entry of ranked      */
} pf_mod_competitor_input_t;

/*  The similar sites of a similar_sites answer ({sites[{domain, score}]})
    with a domain other than self (case-insensitive, "www." ignored), each
    domain once (its best score), best score first (ties: SimilarWeb's
    order), at most max: [{domain, score}].  New.                          */
pf_value_t *pf_mod_competitor_ranked(const pf_value_t *similar, const char *self, size_t max);

/*  The latest month of a visits answer ({series[{date, value}]}) and its
    visits (>= 0): true with *month ("YYYY-MM" into month, 8 bytes) and
    *visits set; false when it has no dated point or the newest month's
    value is absent, negative or contradictory.                            */
bool pf_mod_competitor_latest_visits(const pf_value_t *visits, char *month, double *value);

/*  The module result (pf_facts.h shape); NULL when similar_sites gave no
    answer (nothing true can be said).  New.                               */
pf_value_t *pf_mod_competitor_intelligence_result(const pf_mod_competitor_input_t *in);

#ifdef __cplusplus
}
#endif
#endif
