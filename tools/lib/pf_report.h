/*  pf_report.h — STATUS and RESULT replies written for people.

    `pf enrich`, `pf results` and `pf status` print replies as JSON for
    scripts (--json) and as the readable forms here otherwise.  Text that
    comes from the server is written with control characters replaced, so
    a hostile reply cannot drive the terminal.  Whenever a result says it
    was simulated, the output says so plainly.                               */
#ifndef PF_REPORT_H
#define PF_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "pf_progress.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  True if the RESULT body (borrowed) or any module result in it carries
    simulated:true.                                                          */
bool pf_report_simulated(const pf_value_t *result);

/*  Writes the notice that a result holds simulated data.                  */
void pf_report_simulated_notice(FILE *out);

/*  The Markdown of the strategic signal brief in a RESULT body (borrowed:
    results.strategic_signal_brief.data.markdown), or NULL when the job has
    none (not run, failed, or simulated).                                   */
const char *pf_report_brief(const pf_value_t *result);

/*  Writes the brief's Markdown as it is, but with every control character
    other than newline and tab replaced by '?' (server text must not drive
    the terminal).  Returns 0, PF_ENOTFOUND when the result has no brief,
    or PF_EIO.                                                              */
int pf_report_write_brief(FILE *out, const pf_value_t *result);

/*  Writes a RESULT body (borrowed) as a summary: domain, job, status,
    duration, the simulated notice when it applies, each module's status
    (with its duration when progress, which may be NULL, knows it), then the
    strategic signal brief's Markdown when the job has one — else each
    module's result map as indented JSON.  Returns 0 or PF_EIO when writing
    fails.                                                                    */
int pf_report_result(FILE *out, const pf_value_t *result, const pf_progress_t *progress);

/*  Writes a STATUS body (borrowed, job or batch) in a short human form.
    Returns 0 or PF_EIO when writing fails.                                  */
int pf_report_status(FILE *out, const pf_value_t *status);

#ifdef __cplusplus
}
#endif
#endif
