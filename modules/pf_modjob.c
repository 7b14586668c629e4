/*  pf_modjob.c — one module task and its adapter calls (see pf_modjob.h). */
#include "pf_modjob.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_error.h"

/*  Room for a failure message: a reason or two quoted from providers.     */
#define S_MESSAGE_MAX 1024
/*  The part of a task's time kept back from its calls, so that a module
    whose calls all ran to their deadline still answers (with what it has)
    before the coordinator's deadline takes the task from it: 1/20.        */
#define S_REPLY_MARGIN_DIV 20
/*  The part of a task's time kept for each wave still to come: 1/10.  The
    wave going now may use the rest — its provider may have a deep
    rate-limit queue; the later waves, built on its answers, are few calls
    each.                                                                  */
#define S_LATER_WAVE_DIV 10
/*  The shortest call deadline given out (ms): a task nearly out of time
    still asks, and its calls fail "timeout" at once rather than never.    */
#define S_CALL_MIN_MS 1

struct pf_modjob_t {
    pf_actor_t *actor;               /* the actor holding the task          */
    pf_task_t *task;                 /* owned until answered                */
    pf_gather_t *gather;             /* the task's calls, every wave        */
    void *state;                     /* the module's own (NULL: none)       */
    pf_modjob_free_fn *free_state;   /* releases what state holds, or NULL  */
    pf_modjob_wave_fn *wave;         /* runs when the current wave ended    */
    int64_t calls_until_ms;          /* monotonic: the calls' last moment,
                                        0 = the task has no deadline       */
    unsigned waves_left;             /* waves not yet let go, at least 1    */
    uint32_t timeout_ms;             /* the task's own deadline, 0 = none   */
    int refused;                     /* first refused call's status, or 0   */
    char refused_slot[PF_GATHER_SLOT_MAX]; /* its slot, for the message     */
};

pf_modjob_t *
pf_modjob_new(pf_actor_t *actor, pf_task_t *task, unsigned waves, size_t state_size,
              pf_modjob_free_fn *free_state)
{
    pf_modjob_t *self = pf_calloc(1, sizeof *self);
    self->actor = actor;
    self->task = task;
    uint32_t timeout_ms = pf_task_timeout_ms(task);
    self->timeout_ms = timeout_ms;
    if (timeout_ms > 0)
        self->calls_until_ms = pf_clock_mono_ms() + timeout_ms
                             - timeout_ms / S_REPLY_MARGIN_DIV;
    self->waves_left = waves > 0 ? waves : 1;
    self->gather = pf_gather_new(actor, 0);
    self->state = state_size ? pf_calloc(1, state_size) : NULL;
    self->free_state = free_state;
    return self;
}

static void
s_free(pf_modjob_t **self_p)
{
    pf_modjob_t *self = *self_p;
    pf_gather_destroy(&self->gather);
    if (self->state && self->free_state)
        self->free_state(self->state);
    free(self->state);
    free(self);
    *self_p = NULL;
}

pf_gather_t *
pf_modjob_gather(const pf_modjob_t *self)
{
    return self->gather;
}

void *
pf_modjob_state(const pf_modjob_t *self)
{
    return self->state;
}

const char *
pf_modjob_domain(const pf_modjob_t *self)
{
    return pf_task_domain(self->task);
}

const pf_value_t *
pf_modjob_inputs(const pf_modjob_t *self)
{
    return pf_task_inputs(self->task);
}

const pf_value_t *
pf_modjob_input(const pf_modjob_t *self, const char *module)
{
    return pf_map_get(pf_task_inputs(self->task), module);
}

bool
pf_modjob_live(const pf_modjob_t *self)
{
    return pf_actor_task_live(self->actor, self->task);
}

void
pf_modjob_arm(pf_modjob_t *self)
{
    if (self->calls_until_ms > 0) {
        /*  The time left, less a tenth of the task's time for each wave
            still to come (or an equal share, when that is less): a call
            may wait in a provider's rate-limit queue that long.           */
        int64_t left = self->calls_until_ms - pf_clock_mono_ms();
        int64_t later = (int64_t) (self->waves_left - 1) * (self->timeout_ms / S_LATER_WAVE_DIV);
        int64_t share = left - later;
        if (share < left / self->waves_left)
            share = left / self->waves_left;
        pf_gather_set_timeout(self->gather,
                              share < S_CALL_MIN_MS ? S_CALL_MIN_MS
                              : share > UINT32_MAX  ? UINT32_MAX
                                                    : (uint32_t) share);
    }
}

int
pf_modjob_call(pf_modjob_t *self, const char *slot, const char *service, const char *op,
               pf_value_t **args_p)
{
    pf_modjob_arm(self);
    int rc = pf_gather_call(self->gather, slot, service, op, args_p);
    if (rc != PF_OK && self->refused == 0) {
        self->refused = rc;
        snprintf(self->refused_slot, sizeof self->refused_slot, "%s", slot ? slot : "?");
    }
    return rc;
}

static void
s_wave_done(pf_gather_t *gather, void *arg)
{
    (void) gather;
    pf_modjob_t *self = arg;
    self->wave(self);
}

void
pf_modjob_go(pf_modjob_t *self, pf_modjob_wave_fn *wave)
{
    self->wave = wave;
    if (self->waves_left > 1)
        self->waves_left--;
    int rc = self->refused;
    if (rc == PF_OK)
        rc = pf_gather_go(self->gather, s_wave_done, self);
    if (rc != PF_OK) {
        /*  Fixed slot names in a fresh wave: only a bug gets here.        */
        char message[S_MESSAGE_MAX];
        snprintf(message, sizeof message, "could not start the calls (%s%s%s)",
                 self->refused ? "slot " : "", self->refused ? self->refused_slot : "",
                 self->refused ? ": refused" : "a wave is still going");
        pf_actor_task_fail(self->actor, &self->task, "internal", message);
        s_free(&self);
    }
}

static void
s_answer(pf_actor_t *actor, pf_task_t **task_p, pf_value_t **result_p, const char *code,
         const char *fmt, va_list ap)
{
    if (result_p && *result_p) {
        pf_actor_task_done(actor, task_p, result_p);
        return;
    }
    char message[S_MESSAGE_MAX];
    vsnprintf(message, sizeof message, fmt, ap);
    pf_actor_task_fail(actor, task_p, code, message);
}

void
pf_modjob_finish(pf_modjob_t **self_p, pf_value_t **result_p, const char *code,
                 const char *fmt, ...)
{
    pf_modjob_t *self = *self_p;
    va_list ap;
    va_start(ap, fmt);
    s_answer(self->actor, &self->task, result_p, code, fmt, ap);
    va_end(ap);
    s_free(self_p);
}

void
pf_modjob_answer(pf_actor_t *actor, pf_task_t **task_p, pf_value_t **result_p,
                 const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_answer(actor, task_p, result_p, code, fmt, ap);
    va_end(ap);
}

void
pf_modjob_run_profiled(pf_actor_t *actor, pf_task_t *task, pf_modjob_profiled_fn *fn,
                       const char *code, const char *message)
{
    const pf_profile_t *profile = pf_profile_current();
    if (!profile) {
        pf_actor_task_fail(actor, &task, "no_profile", "no seller profile is installed");
        return;
    }
    pf_value_t *result = fn(pf_task_inputs(task), profile);
    pf_modjob_answer(actor, &task, &result, code, "%s", message);
}
