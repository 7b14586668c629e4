/*  pf_breaker.c — closed / open / half-open (see pf_breaker.h).

    Every state change starts a new period; permits carry theirs, so an
    outcome is only counted in the period that let its request through.     */
#include "pf_breaker.h"

#include <stdlib.h>

#include "pf_alloc.h"
#include "pf_error.h"

struct pf_breaker_t {
    pf_breaker_config_t cfg;                 /* copied                      */
    pf_breaker_change_fn *on_change;         /* observer or NULL            */
    void *arg;                               /* its argument                */
    pf_breaker_state_t state;                /* as of the last call         */
    uint64_t period;                         /* bumped at each change       */
    uint32_t consecutive;                    /* closed: failures in a row   */
    int64_t opened_ms;                       /* open: since when            */
    uint32_t successes;                      /* half-open: probes that passed */
    int64_t probe_issued[PF_BREAKER_MAX_PROBES]; /* half-open: -1 free, else
                                                 when the permit was given */
    uint64_t probe_ticket[PF_BREAKER_MAX_PROBES]; /* the permit holding it  */
    uint64_t tickets;                        /* probe permits given         */
};

void
pf_breaker_config_defaults(pf_breaker_config_t *cfg)
{
    cfg->failures = PF_BREAKER_DEFAULT_FAILURES;
    cfg->recovery_ms = PF_BREAKER_DEFAULT_RECOVERY_MS;
    cfg->probes = PF_BREAKER_DEFAULT_PROBES;
    cfg->probe_timeout_ms = PF_BREAKER_DEFAULT_PROBE_TIMEOUT_MS;
}

const char *
pf_breaker_state_name(pf_breaker_state_t state)
{
    switch (state) {
    case PF_BREAKER_CLOSED:
        return "closed";
    case PF_BREAKER_OPEN:
        return "open";
    case PF_BREAKER_HALF_OPEN:
        return "half_open";
    }
    return "unknown";
}

static void
s_enter(pf_breaker_t *self, pf_breaker_state_t to, int64_t now_ms, const char *why)
{
    pf_breaker_state_t from = self->state;
    self->state = to;
    self->period++;
    self->consecutive = 0;
    self->successes = 0;
    for (uint32_t i = 0; i < PF_BREAKER_MAX_PROBES; i++)
        self->probe_issued[i] = -1;
    if (to == PF_BREAKER_OPEN)
        self->opened_ms = now_ms;
    if (self->on_change)
        self->on_change(self->arg, from, to, why);
}

/*  Time moves an open breaker to half-open.                                */
static void
s_advance(pf_breaker_t *self, int64_t now_ms)
{
    if (self->state == PF_BREAKER_OPEN && now_ms - self->opened_ms >= self->cfg.recovery_ms)
        s_enter(self, PF_BREAKER_HALF_OPEN, now_ms, "recovery time passed");
}

pf_breaker_t *
pf_breaker_new(const pf_breaker_config_t *cfg, pf_breaker_change_fn *on_change, void *arg)
{
    if (!cfg || cfg->failures == 0 || cfg->probes == 0 || cfg->probes > PF_BREAKER_MAX_PROBES
        || cfg->probe_timeout_ms == 0)
        return NULL;
    pf_breaker_t *self = pf_calloc(1, sizeof *self);
    self->cfg = *cfg;
    self->on_change = on_change;
    self->arg = arg;
    self->state = PF_BREAKER_CLOSED;
    self->period = 1;
    for (uint32_t i = 0; i < PF_BREAKER_MAX_PROBES; i++)
        self->probe_issued[i] = -1;
    return self;
}

void
pf_breaker_destroy(pf_breaker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

pf_breaker_state_t
pf_breaker_state(pf_breaker_t *self, int64_t now_ms)
{
    s_advance(self, now_ms);
    return self->state;
}

int
pf_breaker_acquire(pf_breaker_t *self, int64_t now_ms, pf_breaker_permit_t *permit,
                   int64_t *retry_in_ms)
{
    s_advance(self, now_ms);
    switch (self->state) {
    case PF_BREAKER_CLOSED:
        permit->period = self->period;
        permit->probe = 0;
        permit->ticket = 0;
        return PF_OK;
    case PF_BREAKER_OPEN:
        if (retry_in_ms)
            *retry_in_ms = self->opened_ms + self->cfg.recovery_ms - now_ms;
        return PF_EBUSY;
    case PF_BREAKER_HALF_OPEN:
        break;
    }
    int64_t oldest = INT64_MAX;
    for (uint32_t i = 0; i < self->cfg.probes; i++) {
        int64_t issued = self->probe_issued[i];
        if (issued >= 0 && now_ms - issued >= self->cfg.probe_timeout_ms)
            self->probe_issued[i] = issued = -1;     /* lapsed: slot free  */
        if (issued < 0) {
            self->probe_issued[i] = now_ms;
            self->probe_ticket[i] = ++self->tickets;
            permit->period = self->period;
            permit->probe = i + 1;
            permit->ticket = self->tickets;
            return PF_OK;
        }
        if (issued < oldest)
            oldest = issued;
    }
    if (retry_in_ms)
        *retry_in_ms = oldest + self->cfg.probe_timeout_ms - now_ms;
    return PF_EBUSY;
}

bool
pf_breaker_would_allow(pf_breaker_t *self, int64_t now_ms, int64_t *retry_in_ms)
{
    s_advance(self, now_ms);
    if (self->state == PF_BREAKER_CLOSED)
        return true;
    if (self->state == PF_BREAKER_OPEN) {
        if (retry_in_ms)
            *retry_in_ms = self->opened_ms + self->cfg.recovery_ms - now_ms;
        return false;
    }
    int64_t oldest = INT64_MAX;
    for (uint32_t i = 0; i < self->cfg.probes; i++) {
        int64_t issued = self->probe_issued[i];
        if (issued < 0 || now_ms - issued >= self->cfg.probe_timeout_ms)
            return true;
        if (issued < oldest)
            oldest = issued;
    }
    if (retry_in_ms)
        *retry_in_ms = oldest + self->cfg.probe_timeout_ms - now_ms;
    return false;
}

void
pf_breaker_cancel(pf_breaker_t *self, const pf_breaker_permit_t *permit, int64_t now_ms)
{
    s_advance(self, now_ms);
    if (permit->period != self->period || self->state != PF_BREAKER_HALF_OPEN ||
        permit->probe == 0 || permit->probe > self->cfg.probes)
        return;   /* closed permits hold nothing; old ones decide nothing  */
    uint32_t slot = permit->probe - 1;
    if (self->probe_issued[slot] >= 0 && self->probe_ticket[slot] == permit->ticket)
        self->probe_issued[slot] = -1;
}

void
pf_breaker_report(pf_breaker_t *self, const pf_breaker_permit_t *permit, bool failure,
                  int64_t now_ms)
{
    s_advance(self, now_ms);
    if (permit->period != self->period)
        return;   /* from a period that is over: it decides nothing now    */
    if (self->state == PF_BREAKER_CLOSED) {
        if (!failure) {
            self->consecutive = 0;
            return;
        }
        if (++self->consecutive >= self->cfg.failures)
            s_enter(self, PF_BREAKER_OPEN, now_ms, "failure threshold reached");
        return;
    }
    if (self->state != PF_BREAKER_HALF_OPEN || permit->probe == 0
        || permit->probe > self->cfg.probes)
        return;
    uint32_t slot = permit->probe - 1;
    if (self->probe_issued[slot] < 0 || self->probe_ticket[slot] != permit->ticket
        || now_ms - self->probe_issued[slot] >= self->cfg.probe_timeout_ms)
        return;   /* its permit lapsed (and may have been given again)     */
    self->probe_issued[slot] = -1;
    if (failure) {
        s_enter(self, PF_BREAKER_OPEN, now_ms, "a half-open probe failed");
        return;
    }
    if (++self->successes >= self->cfg.probes)
        s_enter(self, PF_BREAKER_CLOSED, now_ms, "half-open probes succeeded");
}
