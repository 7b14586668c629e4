/*  pf_progress.h — what the pf command knows about one job while it runs.

    `pf enrich` learns about its job from two sources that race: tap events
    (fast, but PUB/SUB may drop them) and STATUS replies (complete, but
    polled).  A progress object merges both into one table of modules, so a
    late or stale message never moves a module backwards: within one attempt
    a module only advances (pending < ready < running < retrying < ended),
    and a higher attempt number always wins.  The table is rendered for
    people, redrawn in place on a terminal.                                  */
#ifndef PF_PROGRESS_H
#define PF_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_progress_t pf_progress_t;

/*  A table for job_id (copied); domain may be NULL until known.  now_ms is
    the caller's monotonic clock, used for elapsed times.  Never NULL.       */
pf_progress_t *pf_progress_new(const char *job_id, const char *domain, long long now_ms);

/*  Frees the table; accepts NULL; nulls *self_p.                            */
void pf_progress_destroy(pf_progress_t **self_p);

/*  Applies one tap event (topic + body, both borrowed).  Events of other
    jobs are ignored.  Returns true when the table changed.                  */
bool pf_progress_event(pf_progress_t *self, const char *topic, const pf_value_t *event,
                       long long now_ms);

/*  Applies a STATUS reply body of this job (borrowed).  Returns true when
    the table changed.  A negative now_ms means "time unknown": running
    modules then show no elapsed time.                                        */
bool pf_progress_status(pf_progress_t *self, const pf_value_t *status, long long now_ms);

/*  The job's status as last learnt ("queued", "running", "completed", ...). */
const char *pf_progress_job_status(const pf_progress_t *self);

/*  True once the job reached completed, partial, failed or cancelled.      */
bool pf_progress_final(const pf_progress_t *self);

/*  Writes the table to out.  With redraw, first erases the lines the
    previous render wrote (ANSI cursor-up and erase; use on terminals only,
    always with the same out).
    now_ms is used for the running modules' and the job's elapsed time.     */
void pf_progress_render(pf_progress_t *self, FILE *out, bool redraw, long long now_ms);

/*  Duration of module in ms as learnt, or -1 when unknown.                  */
long long pf_progress_module_ms(const pf_progress_t *self, const char *module);

/*  True if status names a final job state.                                  */
bool pf_progress_is_final_status(const char *status);

#ifdef __cplusplus
}
#endif
#endif
