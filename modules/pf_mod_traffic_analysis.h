/*  pf_mod_traffic_analysis.h — the traffic_analysis module: how many people
    visit the site, how they behave, where they come from.

    From SimilarWeb only, in two waves of calls (pf_gather.h) and without
    a clock:

      1. the probe: `visits` {domain} without dates — SimilarWeb answers
         its default window, whose newest month is the latest month it
         has for the site;
      2. the window: `visits` over the PF_MOD_TRAFFIC_ANALYSIS_VISITS_MONTHS
         months ending at that month (two years, for year-on-year growth),
         and `bounce_rate`, `pages_per_visit`, `average_visit_duration`,
         `traffic_sources`, `geo` over the PF_MOD_TRAFFIC_ANALYSIS_MONTHS
         months ending at it, in parallel.  When the probe gives no month
         the five are asked without dates and the latest month is the
         newest of their answers; visit counts are then missing.

    The result: the latest month's visits, the 12-month series, the mean,
    3- and 12-month growth, mean bounce rate, pages per visit and visit
    duration, traffic-source shares, top countries (alpha-2 codes and
    shares).  Each failed call leaves its own facts missing with the error
    as the reason; values outside their range and months given twice with
    different values are dropped as contradictory.  The task fails only
    when nothing at all is known.  Rules in docs/MODULES.md.

    The functions below are the module's pure logic, exposed for its unit
    tests; the actor entry point is the table entry.                        */
#ifndef PF_MOD_TRAFFIC_ANALYSIS_H
#define PF_MOD_TRAFFIC_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_gather.h"
#include "pf_module.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  The window the engagement facts describe: a year of months, so
    seasonal peaks weigh as they do in a year.                             */
#define PF_MOD_TRAFFIC_ANALYSIS_MONTHS 12
/*  Visits are asked for two windows, so the latest year can be compared
    with the one before.                                                   */
#define PF_MOD_TRAFFIC_ANALYSIS_VISITS_MONTHS (2 * PF_MOD_TRAFFIC_ANALYSIS_MONTHS)
/*  The short growth span: the latest quarter against the one before.      */
#define PF_MOD_TRAFFIC_ANALYSIS_SHORT_SPAN 3
/*  Countries listed in top_countries.                                     */
#define PF_MOD_TRAFFIC_ANALYSIS_TOP_COUNTRIES 5
/*  "YYYY-MM" with its NUL.                                                */
#define PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN 8

/*  The table entry (modules/pf_module.c).                                  */
extern const pf_module_t pf_mod_traffic_analysis;

/*  The outcome of one SimilarWeb call (borrowed pointers).  data NULL and
    error NULL: the call was not made.                                     */
typedef pf_gather_reply_t pf_mod_traffic_analysis_reply_t;

/*  Every call's outcome for one domain.                                    */
typedef struct {
    pf_mod_traffic_analysis_reply_t probe;           /* visits, no dates    */
    pf_mod_traffic_analysis_reply_t visits;          /* visits, two years   */
    pf_mod_traffic_analysis_reply_t bounce_rate;     /* the window's …      */
    pf_mod_traffic_analysis_reply_t pages_per_visit;
    pf_mod_traffic_analysis_reply_t average_visit_duration;
    pf_mod_traffic_analysis_reply_t traffic_sources;
    pf_mod_traffic_analysis_reply_t geo;
} pf_mod_traffic_analysis_input_t;

/*  A month as a number (year × 12 + month − 1) from "YYYY-MM" or a date
    starting so ("YYYY-MM-DD").  Returns false for anything else.          */
bool pf_mod_traffic_analysis_month_parse(const char *date, int *month);

/*  month as "YYYY-MM" into out (PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN bytes);
    a month outside the years month_parse accepts is clamped to them.     */
void pf_mod_traffic_analysis_month_format(int month, char *out);

/*  The newest month of a series answer ({series[{date, value}]}), or of a
    traffic_sources answer ({sources[{series[{date}]}]}); -1 when it has
    no dated point.                                                        */
int pf_mod_traffic_analysis_latest(const pf_value_t *data);

/*  The values of a series answer for the n months from first: values[i]
    and present[i] for month first + i.  A point outside [lo, hi], or a
    month given twice with different values (contradictory), leaves the
    month absent.  Returns how many months are present.                    */
size_t pf_mod_traffic_analysis_window(const pf_value_t *data, int first, size_t n, double lo,
                                      double hi, double *values, bool *present);

/*  Growth of the last span months of values[0..n) against the span months
    before them: sum(last) / sum(before) − 1, in *growth.  Returns false
    (and leaves *growth) when n < 2 × span, a month of the two spans is
    absent, or the earlier span sums to zero.                              */
bool pf_mod_traffic_analysis_growth(const double *values, const bool *present, size_t n,
                                    size_t span, double *growth);

/*  The countries of a geo answer ({countries[{country, country_code?,
    share, visits?}]}) with a share in [0, 1], largest share first (ties:
    SimilarWeb's order), at most max: [{country_code?, country, share,
    visits?}].  Sets *sum to the sum of every valid share.  New.          */
pf_value_t *pf_mod_traffic_analysis_top_countries(const pf_value_t *geo, size_t max,
                                                  double *sum);

/*  The sources of a traffic_sources answer with a share in [0, 1],
    largest share first: [{source_type, share, organic?, paid?}].  New.    */
pf_value_t *pf_mod_traffic_analysis_sources(const pf_value_t *traffic_sources);

/*  The module result (pf_facts.h shape) from the calls' outcomes; NULL
    when no fact could be established (nothing true can be said).  New.   */
pf_value_t *pf_mod_traffic_analysis_result(const pf_mod_traffic_analysis_input_t *in);

#ifdef __cplusplus
}
#endif
#endif
