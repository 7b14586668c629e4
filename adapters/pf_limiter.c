/*  pf_limiter.c — GCRA plus an in-flight cap (see pf_limiter.h).

    The GCRA keeps one number, tat, the theoretical arrival time of the
    next request if all ran at exactly the rate.  A request at t passes when
    t >= tat - tau, tau = (burst - 1) × interval, and then moves tat to
    max(tat, t) + interval.  Times are integers (µs); the interval is
    rounded up, so the limiter errs on the slow side, never the fast one.    */
#include "pf_limiter.h"

#include <stdlib.h>

#include "pf_alloc.h"
#include "pf_error.h"

#define S_MINUTE_US INT64_C(60000000)

struct pf_limiter_t {
    pf_limiter_config_t cfg;    /* copied                                  */
    int64_t interval_us;        /* 60 s / per_minute × (1 + margin), up    */
    int64_t tau_us;             /* (burst - 1) × interval                  */
    int64_t tat_us;             /* theoretical arrival time of the next     */
    uint32_t in_flight;         /* slots taken                             */
};

pf_limiter_t *
pf_limiter_new(const pf_limiter_config_t *cfg)
{
    if (!cfg || cfg->per_minute == 0 || cfg->per_minute > PF_LIMITER_MAX_PER_MINUTE
        || cfg->burst == 0 || cfg->burst > cfg->per_minute || cfg->concurrency == 0
        || cfg->margin_permille > PF_LIMITER_MAX_MARGIN_PERMILLE)
        return NULL;
    pf_limiter_t *self = pf_calloc(1, sizeof *self);
    self->cfg = *cfg;
    /*  Both factors at most 6e13 µs·‰ together: no overflow in int64.     */
    int64_t scaled = S_MINUTE_US * (1000 + (int64_t)cfg->margin_permille);
    int64_t divisor = (int64_t)cfg->per_minute * 1000;
    self->interval_us = (scaled + divisor - 1) / divisor;
    self->tau_us = (int64_t)(cfg->burst - 1) * self->interval_us;
    self->tat_us = INT64_MIN / 2;   /* nothing sent yet: any time passes  */
    return self;
}

void
pf_limiter_destroy(pf_limiter_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

int
pf_limiter_acquire(pf_limiter_t *self, int64_t now_us, int64_t *wait_us)
{
    int64_t allowed_at = self->tat_us - self->tau_us;
    if (now_us < allowed_at) {
        if (wait_us)
            *wait_us = allowed_at - now_us;
        return PF_EBUSY;
    }
    if (self->in_flight >= self->cfg.concurrency) {
        if (wait_us)
            *wait_us = 0;
        return PF_EBUSY;
    }
    self->tat_us = (self->tat_us > now_us ? self->tat_us : now_us) + self->interval_us;
    self->in_flight++;
    return PF_OK;
}

void
pf_limiter_hold(pf_limiter_t *self, int64_t until_us)
{
    /*  Pushing the theoretical arrival time forward pauses every request:
        with tat = until + tau the next may go at until_us exactly, and the
        ones after it at the rate from there (no burst after a pause).      */
    int64_t tat = until_us + self->tau_us;
    if (tat > self->tat_us)
        self->tat_us = tat;
}

void
pf_limiter_release(pf_limiter_t *self)
{
    if (self->in_flight > 0)
        self->in_flight--;
}

uint32_t
pf_limiter_in_flight(const pf_limiter_t *self)
{
    return self->in_flight;
}
