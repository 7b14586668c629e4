/*  pf_fake_core.h — pf-fakeapi's decisions, independent of HTTP plumbing.

    For each provider request the core counts it, enforces the provider's
    sliding-window limit (pf_fake_window.h), draws the injected faults
    (pf_fake_faults.h), routes it (pf_fake_route.h) and returns a plan: what
    to answer, after how long, or to hang / reset / truncate.  It also
    serves the control API (/_control/...).  It keeps no lock: the server
    calls it from its one HTTP thread only.                                   */
#ifndef PF_FAKE_CORE_H
#define PF_FAKE_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "pf_fake_data.h"
#include "pf_fake_faults.h"
#include "pf_fake_route.h"

#define PF_FAKE_CONTROL_PREFIX "/_control"
#define PF_FAKE_CONTROL_BODY_MAX (64 * 1024) /* control request body, bytes */
#define PF_FAKE_DEFAULT_GRACE_MS 20  /* loopback jitter allowance          */

typedef struct pf_fake_core_t pf_fake_core_t;

/*  What the server does with one request.                                  */
typedef struct {
    pf_fake_fault_kind_t kind;   /* NONE/429/ERROR/MALFORMED: send resp;
                                    TRUNCATE: send half of resp's body;
                                    HANG: hold; RESET/DOWN: reset           */
    uint32_t delay_ms;           /* wait before acting                        */
    pf_fake_response_t resp;     /* the answer (owned; clear it)              */
} pf_fake_plan_t;

/*  A core over data (borrowed, outlives the core).  key: the only accepted
    API key, or NULL for any non-empty one.  limits: enforce the default
    limits (false: --no-limits, everything measured, nothing refused).
    Returns NULL only on a programmer error.                                */
pf_fake_core_t *pf_fake_core_new(const pf_fake_data_t *data, const char *key, bool limits);

/*  Frees the core; accepts NULL and nulls the pointer.                     */
void pf_fake_core_destroy(pf_fake_core_t **self_p);

/*  Sets a provider's limit (limit 0: none).  Returns 0 or PF_EINVAL.       */
int pf_fake_core_set_limit(pf_fake_core_t *self, const char *provider, uint32_t limit,
                           uint32_t window_ms, uint32_t grace_ms);

/*  Parses "provider=N/W" or "provider=N/Wms" (the --limit option) and sets
    it.  Returns 0 or PF_EINVAL.                                            */
int pf_fake_core_limit_arg(pf_fake_core_t *self, const char *arg);

/*  Adds fault specs from JSON text (an object or an array).  Returns 0, or
    PF_EINVAL with a message in err.                                        */
int pf_fake_core_faults_text(pf_fake_core_t *self, const char *text, char *err, size_t size);

/*  Plans the answer to a provider request arriving at now_us (monotonic)
    and wall-clock now.  Counts it in the statistics.                       */
void pf_fake_core_handle(pf_fake_core_t *self, const pf_fake_request_t *req, int64_t now_us,
                         time_t now, pf_fake_plan_t *plan);

/*  Serves a control request (path starts with PF_FAKE_CONTROL_PREFIX);
    body may be NULL.  too_big: the body exceeded the cap (answers 413).
    Always answers JSON into resp.                                          */
void pf_fake_core_control(pf_fake_core_t *self, const pf_fake_request_t *req, const char *body,
                          size_t body_len, bool too_big, int64_t now_us, pf_fake_response_t *resp);

/*  The statistics as JSON (new reference).                                 */
json_t *pf_fake_core_stats(const pf_fake_core_t *self, int64_t now_us);

#endif
