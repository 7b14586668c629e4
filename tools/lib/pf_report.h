/*  pf_report.h — STATUS and RESULT replies written for people.

    `pf enrich`, `pf results` and `pf status` print replies as JSON for
    scripts (--json, --format json) and as the readable forms here
    otherwise (--format md: the strategic signal brief, or a summary of the
    modules when the job has no brief); `pf batch` writes one line per job
    from pf_report_batch_line().  Text that comes from the server is
    written with control characters replaced, so a hostile reply cannot
    drive the terminal.  Whenever a result holds simulated or synthetic
    data, the output says so plainly (JSON: a "synthetic" flag).            */
#ifndef PF_REPORT_H
#define PF_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "pf_progress.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  How a command prints a RESULT: chosen by --format md|json (--json is
    --format json); AUTO means Markdown when stdout is a terminal, JSON
    otherwise.                                                               */
typedef enum {
    PF_REPORT_AUTO = 0,      /* not chosen: decided by the terminal         */
    PF_REPORT_MD,            /* Markdown: the brief, or a module summary    */
    PF_REPORT_JSON           /* the RESULT as JSON, plus "synthetic"        */
} pf_report_format_t;

/*  Parses "md" or "json".  Returns 0 with *format set, or PF_EINVAL.      */
int pf_report_format_parse(const char *text, pf_report_format_t *format);

/*  Merges a format flag into *format: --json and --format json agree,
    --json with --format md (or md then json) conflict.  Returns 0, or
    PF_EINVAL when they conflict (*format unchanged).                       */
int pf_report_format_merge(pf_report_format_t *format, pf_report_format_t flag);

/*  AUTO resolved for a stream: MD when fd is a terminal, else JSON.        */
pf_report_format_t pf_report_format_resolve(pf_report_format_t format, int fd);

/*  True if the RESULT body (borrowed) or any module result in it carries
    simulated:true.                                                          */
bool pf_report_simulated(const pf_value_t *result);

/*  Writes the notice that a result holds simulated data.                  */
void pf_report_simulated_notice(FILE *out);

/*  True if one module result (borrowed) holds synthetic data: its
    "synthetic" flag (pf_facts) is true or one of its sources has origin
    "synthetic" (pf-fakeapi made the answer up).                            */
bool pf_report_module_synthetic(const pf_value_t *module_result);

/*  The names of the modules of a RESULT body (borrowed) whose results hold
    synthetic data, in the order of results; an empty array when none.
    Caller owns the array.                                                   */
pf_value_t *pf_report_synthetic_modules(const pf_value_t *result);

/*  True if any module result of a RESULT body holds synthetic data.        */
bool pf_report_synthetic(const pf_value_t *result);

/*  Writes the one-line synthetic notice for a RESULT body that holds
    synthetic data, naming its modules, as a Markdown quote line; nothing
    when it holds none.                                                      */
void pf_report_synthetic_notice(FILE *out, const pf_value_t *result);

/*  The strategic signal brief's module result in a RESULT body (borrowed:
    results.strategic_signal_brief), or NULL when it did not complete.      */
const pf_value_t *pf_report_brief_result(const pf_value_t *result);

/*  The Markdown of the strategic signal brief in a RESULT body (borrowed:
    results.strategic_signal_brief.data.markdown), or NULL when the job has
    none (not run, failed, or simulated).                                   */
const char *pf_report_brief(const pf_value_t *result);

/*  Writes the brief's Markdown as it is, but with every control character
    other than newline and tab replaced by '?' (server text must not drive
    the terminal).  Returns 0, PF_ENOTFOUND when the result has no brief,
    or PF_EIO.                                                              */
int pf_report_write_brief(FILE *out, const pf_value_t *result);

/*  Writes a RESULT body (borrowed) as Markdown (--format md).  With a
    brief: the synthetic notice (when it applies), the brief's Markdown, a
    footer with the job, its status and every module that did not complete,
    and the synthetic notice again.  Without one: the notices, the job's
    status, why there is no brief (not part of the job — a --modules subset
    — or failed, skipped, pending, simulated), a table of the modules
    (status, duration when progress — may be NULL — knows it, error or
    reason) and, per completed module, its facts (scalars as they are,
    lists and maps counted) and its unknowns.  Returns 0 or PF_EIO.        */
int pf_report_result(FILE *out, const pf_value_t *result, const pf_progress_t *progress);

/*  Writes a RESULT body as pretty JSON (--format json) with one key added
    at the top: "synthetic", true when any module result holds synthetic
    data.  result is modified (the key is set).  Returns 0 or PF_EIO.      */
int pf_report_json(FILE *out, pf_value_t *result);

/*  The line `pf batch` writes for a RESULT body (borrowed): domain,
    job_id, status, duration_ms, synthetic, synthetic_modules, modules
    (name -> status), failed_modules, skipped_modules, and brief (the
    brief's data map, with its "markdown", or nil when it did not
    complete).  Caller owns the map.                                         */
pf_value_t *pf_report_batch_line(const pf_value_t *result);

/*  Writes a STATUS body (borrowed, job or batch) in a short human form.
    Returns 0 or PF_EIO when writing fails.                                  */
int pf_report_status(FILE *out, const pf_value_t *status);

#ifdef __cplusplus
}
#endif
#endif
