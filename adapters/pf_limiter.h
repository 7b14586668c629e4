/*  pf_limiter.h — a provider's rate limit and concurrency cap.

    One per adapter.  The rate is a GCRA (generic cell rate algorithm, the
    token bucket as a single "theoretical arrival time"): with a rate of R
    requests per minute and a burst of B, requests are let through at one
    per 60/R s on average, at most B back to back.  With B = 1 (the default)
    no interval of 60 s holds more than R requests, nor any interval of
    60·k/R s more than k — what a provider that counts per second (SEC: 10/s)
    or per minute sees.  Every attempt, a retry too, takes a token.

    Independently at most C requests are in flight; a slot is taken with
    the token and given back with pf_limiter_release().

    Time is passed in (monotonic µs), so tests drive it.  No I/O; one
    thread.                                                                  */
#ifndef PF_LIMITER_H
#define PF_LIMITER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PF_LIMITER_DEFAULT_BURST 1        /* requests back to back         */
#define PF_LIMITER_MAX_PER_MINUTE 6000000 /* 100,000/s: beyond, not a limit */
#define PF_LIMITER_MAX_MARGIN_PERMILLE 1000 /* at most half the rate       */

typedef struct {
    uint32_t per_minute;        /* requests per minute, 1..MAX            */
    uint32_t burst;             /* back-to-back requests allowed, >= 1     */
    uint32_t concurrency;       /* requests in flight at most, >= 1        */
    uint32_t margin_permille;   /* spacing widened by this many per mille,
                                   0..MAX: requests leave at least
                                   60 s / per_minute × (1 + margin/1000)
                                   apart, so the jitter of their delivery
                                   cannot put limit + 1 of them into one
                                   window at the provider                 */
} pf_limiter_config_t;

typedef struct pf_limiter_t pf_limiter_t;

/*  Returns NULL if cfg is out of range.                                   */
pf_limiter_t *pf_limiter_new(const pf_limiter_config_t *cfg);
void pf_limiter_destroy(pf_limiter_t **self_p);

/*  Takes a token and an in-flight slot at now_us.  Returns 0, or PF_EBUSY
    with *wait_us: the time until a token is due (> 0), or 0 when tokens are
    there but every slot is taken (wait for a release).  Nothing is taken
    on PF_EBUSY.                                                             */
int pf_limiter_acquire(pf_limiter_t *self, int64_t now_us, int64_t *wait_us);

/*  Lets no request go before until_us (monotonic µs): the provider asked
    for a pause (429 with Retry-After).  Earlier holds are not shortened.  */
void pf_limiter_hold(pf_limiter_t *self, int64_t until_us);

/*  Gives an in-flight slot back (the request ended).  The token stays
    spent.                                                                   */
void pf_limiter_release(pf_limiter_t *self);

/*  Requests in flight now.                                                 */
uint32_t pf_limiter_in_flight(const pf_limiter_t *self);

#ifdef __cplusplus
}
#endif
#endif
