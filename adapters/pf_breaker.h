/*  pf_breaker.h — a provider's circuit breaker.

    One per adapter (per provider).  Closed, it lets every request through
    and counts consecutive failures; at the threshold it opens and every
    request fails at once (the caller answers `breaker_open`) until the
    recovery time has passed; then it is half-open and lets a bounded number
    of probe requests through: as many successes as probes close it, any
    failure opens it again.  A probe whose outcome never comes back gives its
    permit up after the probe timeout, so a lost probe cannot wedge the
    breaker half-open.  Each request carries the permit it was given; an
    outcome reported with a permit from an earlier period (a slow request
    from before the breaker opened) is ignored.

    Which outcomes are failures is the caller's call (pf_retry.h classifies
    them: timeouts, connection errors, 5xx and 429 are; other 4xx are not).
    Time is passed in (monotonic ms), so tests drive it.  No I/O; one thread. */
#ifndef PF_BREAKER_H
#define PF_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PF_BREAKER_DEFAULT_FAILURES 5          /* consecutive, to open      */
#define PF_BREAKER_DEFAULT_RECOVERY_MS 60000   /* open, before half-open    */
#define PF_BREAKER_DEFAULT_PROBES 1            /* half-open permits         */
#define PF_BREAKER_DEFAULT_PROBE_TIMEOUT_MS 30000 /* a silent probe's permit
                                                  is given up after this    */
#define PF_BREAKER_MAX_PROBES 64               /* bound of probes           */

typedef enum {
    PF_BREAKER_CLOSED = 0,
    PF_BREAKER_OPEN,
    PF_BREAKER_HALF_OPEN
} pf_breaker_state_t;

typedef struct {
    uint32_t failures;          /* consecutive failures that open it (>= 1) */
    uint32_t recovery_ms;       /* how long it stays open                  */
    uint32_t probes;            /* half-open permits, 1..PF_BREAKER_MAX_PROBES;
                                   that many successes close it             */
    uint32_t probe_timeout_ms;  /* a probe not reported by then is dropped  */
} pf_breaker_config_t;

/*  What a request was let through with; pass it back with its outcome.    */
typedef struct {
    uint64_t period;            /* the breaker period it belongs to         */
    uint32_t probe;             /* 1 + probe slot in half-open, 0 if closed */
    uint64_t ticket;            /* which probe of that slot                 */
} pf_breaker_permit_t;

/*  Called on every state change (for the tap's api.breaker).              */
typedef void(pf_breaker_change_fn)(void *arg, pf_breaker_state_t from, pf_breaker_state_t to,
                                   const char *why);

typedef struct pf_breaker_t pf_breaker_t;

/*  Fills cfg with the defaults above.                                      */
void pf_breaker_config_defaults(pf_breaker_config_t *cfg);

/*  A closed breaker.  Returns NULL if cfg is out of range.  on_change may
    be NULL.                                                                */
pf_breaker_t *pf_breaker_new(const pf_breaker_config_t *cfg, pf_breaker_change_fn *on_change,
                             void *arg);
void pf_breaker_destroy(pf_breaker_t **self_p);

/*  Asks to send one request at now_ms.  Returns 0 with *permit filled, or
    PF_EBUSY when the breaker refuses: open (then *retry_in_ms, if not NULL,
    is the time until it turns half-open) or half-open with every probe out
    (*retry_in_ms = time until the oldest probe's permit lapses).           */
int pf_breaker_acquire(pf_breaker_t *self, int64_t now_ms, pf_breaker_permit_t *permit,
                       int64_t *retry_in_ms);

/*  True when pf_breaker_acquire at now_ms would give a permit; takes
    nothing.  False: open, or half-open with every probe out (*retry_in_ms,
    if not NULL, as pf_breaker_acquire gives it).                           */
bool pf_breaker_would_allow(pf_breaker_t *self, int64_t now_ms, int64_t *retry_in_ms);

/*  Gives permit back unused: the request it let through was never sent.
    A half-open probe slot becomes free again and nothing is counted, as
    success or failure.  A closed permit or one from an earlier period:
    nothing to do.                                                          */
void pf_breaker_cancel(pf_breaker_t *self, const pf_breaker_permit_t *permit, int64_t now_ms);

/*  The outcome of the request let through with permit.  Ignored if the
    permit is from an earlier period, or is a probe whose permit lapsed.   */
void pf_breaker_report(pf_breaker_t *self, const pf_breaker_permit_t *permit, bool failure,
                       int64_t now_ms);

/*  The state at now_ms (an open breaker whose recovery time has passed is
    half-open from then on).                                                */
pf_breaker_state_t pf_breaker_state(pf_breaker_t *self, int64_t now_ms);

/*  "closed", "open", "half_open".                                          */
const char *pf_breaker_state_name(pf_breaker_state_t state);

#ifdef __cplusplus
}
#endif
#endif
