/*  pf_gather.c — one module task's adapter calls, made in parallel
    (see pf_gather.h).

    Each call is sent through pf_actor_call as soon as it is added; go only
    arms the wave's completion.  Sending early costs nothing (the replies
    can only arrive on a later loop iteration) and lets the module add calls
    one by one without holding their arguments.  Every slot is its own
    allocation, so the reply callback's argument stays valid while the
    gather is orphaned.                                                   */
#include "pf_gather.h"

#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"

/*  The error code of a slot that was never added, and of one still out.   */
#define S_NOT_CALLED "not_called"
#define S_PENDING "pending"

typedef struct s_slot_t s_slot_t;

struct s_slot_t {
    pf_gather_t *gather;             /* owner (valid while orphaned too)   */
    char name[PF_GATHER_SLOT_MAX];   /* slot name chosen by the module     */
    bool ended;                      /* the call has its outcome           */
    bool ok;                         /* it answered                        */
    pf_value_t *reply;               /* the reply map when ok (owns data
                                        and provenance)                    */
    char *error;                     /* error code when ended and not ok   */
    char *message;                   /* for people when not ok             */
};

struct pf_gather_t {
    pf_actor_t *actor;               /* runtime the calls go through       */
    uint32_t timeout_ms;             /* per call; 0 = the config's         */
    s_slot_t *slots[PF_GATHER_CALLS_MAX]; /* every slot, in order added    */
    size_t count;                    /* slots used                         */
    size_t outstanding;              /* calls whose callback is still due  */
    bool going;                      /* a wave waits for its done          */
    bool orphaned;                   /* destroyed by the module while
                                        calls were out                     */
    uint64_t timer;                  /* done timer of a wave that had
                                        nothing to wait for (0: none)      */
    pf_gather_done_fn *done;         /* the current wave's callback        */
    void *done_arg;                  /* its argument                       */
};

pf_gather_t *
pf_gather_new(pf_actor_t *actor, uint32_t timeout_ms)
{
    if (!actor)
        return NULL;
    pf_gather_t *self = pf_calloc(1, sizeof *self);
    self->actor = actor;
    self->timeout_ms = timeout_ms;
    return self;
}

static void
s_free(pf_gather_t *self)
{
    for (size_t i = 0; i < self->count; i++) {
        s_slot_t *slot = self->slots[i];
        pf_value_destroy(&slot->reply);
        free(slot->error);
        free(slot->message);
        free(slot);
    }
    free(self);
}

void
pf_gather_set_timeout(pf_gather_t *self, uint32_t timeout_ms)
{
    self->timeout_ms = timeout_ms;
}

void
pf_gather_destroy(pf_gather_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_gather_t *self = *self_p;
    *self_p = NULL;
    if (self->timer) {
        pf_actor_timer_cancel(self->actor, self->timer);
        self->timer = 0;
    }
    self->going = false;
    self->done = NULL;
    if (self->outstanding > 0)
        self->orphaned = true;   /* the last callback frees it            */
    else
        s_free(self);
}

static const s_slot_t *
s_find(const pf_gather_t *self, const char *name)
{
    if (!self || !name)
        return NULL;
    for (size_t i = 0; i < self->count; i++)
        if (strcmp(self->slots[i]->name, name) == 0)
            return self->slots[i];
    return NULL;
}

/*  The wave is over: run done once.  done may add calls and go again, or
    destroy the gather, so nothing touches self after it.                  */
static void
s_finish_wave(pf_gather_t *self)
{
    pf_gather_done_fn *done = self->done;
    void *arg = self->done_arg;
    self->going = false;
    self->done = NULL;
    self->done_arg = NULL;
    if (done)
        done(self, arg);
}

static void
s_fail_slot(s_slot_t *slot, const char *code, const char *message)
{
    slot->ended = true;
    slot->ok = false;
    slot->error = pf_strdup(code && *code ? code : "failed");
    slot->message = pf_strdup(message ? message : "");
}

static void
s_on_reply(pf_actor_t *actor, pf_reply_t *reply, void *arg)
{
    (void) actor;
    s_slot_t *slot = arg;
    pf_gather_t *self = slot->gather;
    if (reply->status == PF_OK) {
        /* An adapter answers {data, provenance}; anything else cannot be
           read as provider data and counts as a failed call.             */
        const pf_value_t *data = pf_map_get(reply->value, "data");
        const pf_value_t *prov = pf_map_get(reply->value, "provenance");
        if (pf_value_is(data, PF_MAP) && pf_value_is(prov, PF_MAP)) {
            slot->ended = true;
            slot->ok = true;
            slot->reply = reply->value;
            reply->value = NULL;
        } else {
            s_fail_slot(slot, "bad_reply", "the reply has no data and provenance maps");
        }
    } else {
        s_fail_slot(slot, reply->error_code, reply->error_message);
    }
    self->outstanding--;
    if (self->orphaned) {
        if (self->outstanding == 0)
            s_free(self);
        return;
    }
    if (self->going && self->outstanding == 0)
        s_finish_wave(self);
}

int
pf_gather_call(pf_gather_t *self, const char *slot_name, const char *service, const char *op,
               pf_value_t **args_p)
{
    if (!self || !slot_name || !*slot_name || strlen(slot_name) >= PF_GATHER_SLOT_MAX
        || s_find(self, slot_name)) {
        if (args_p)
            pf_value_destroy(args_p);
        return PF_EINVAL;
    }
    if (self->going) {
        if (args_p)
            pf_value_destroy(args_p);
        return PF_ESTATE;
    }
    if (self->count >= PF_GATHER_CALLS_MAX) {
        if (args_p)
            pf_value_destroy(args_p);
        return PF_ETOOBIG;
    }
    s_slot_t *slot = pf_calloc(1, sizeof *slot);
    slot->gather = self;
    strcpy(slot->name, slot_name);
    self->slots[self->count++] = slot;
    if (!service || !op) {
        if (args_p)
            pf_value_destroy(args_p);
        s_fail_slot(slot, "invalid_args", "no service or operation named");
        return PF_OK;
    }
    int rc = pf_actor_call(self->actor, service, op, args_p, self->timeout_ms, s_on_reply, slot);
    if (args_p)
        pf_value_destroy(args_p);   /* not taken when the call was refused */
    if (rc != PF_OK) {
        /* Refused before it left: the outcome is known now, and done will
           still come from the loop.                                       */
        const char *code = rc == PF_EUNAVAIL ? "unavailable"
                         : rc == PF_EINVAL ? "invalid_args"
                         : rc == PF_ETOOBIG ? "args_too_large" : "send_failed";
        s_fail_slot(slot, code, pf_strerror(rc));
        return PF_OK;
    }
    self->outstanding++;
    return PF_OK;
}

static void
s_on_timer(pf_actor_t *actor, uint64_t timer_id, void *arg)
{
    (void) actor;
    (void) timer_id;
    pf_gather_t *self = arg;
    self->timer = 0;
    s_finish_wave(self);
}

int
pf_gather_go(pf_gather_t *self, pf_gather_done_fn *done, void *arg)
{
    if (!self || self->going)
        return PF_ESTATE;
    self->going = true;
    self->done = done;
    self->done_arg = arg;
    if (self->outstanding == 0)
        self->timer = pf_actor_timer_add(self->actor, 0, s_on_timer, self);
    return PF_OK;
}

bool
pf_gather_ok(const pf_gather_t *self, const char *slot)
{
    const s_slot_t *s = s_find(self, slot);
    return s && s->ended && s->ok;
}

const pf_value_t *
pf_gather_data(const pf_gather_t *self, const char *slot)
{
    const s_slot_t *s = s_find(self, slot);
    return s && s->ended && s->ok ? pf_map_get(s->reply, "data") : NULL;
}

const pf_value_t *
pf_gather_provenance(const pf_gather_t *self, const char *slot)
{
    const s_slot_t *s = s_find(self, slot);
    return s && s->ended && s->ok ? pf_map_get(s->reply, "provenance") : NULL;
}

const char *
pf_gather_error(const pf_gather_t *self, const char *slot)
{
    const s_slot_t *s = s_find(self, slot);
    if (!s)
        return S_NOT_CALLED;
    if (!s->ended)
        return S_PENDING;
    return s->ok ? NULL : s->error;
}

const char *
pf_gather_message(const pf_gather_t *self, const char *slot)
{
    const s_slot_t *s = s_find(self, slot);
    if (!s || !s->ended || s->ok)
        return "";
    return s->message;
}

pf_gather_reply_t
pf_gather_reply(const pf_gather_t *self, const char *slot)
{
    pf_gather_reply_t r;
    r.data = pf_gather_data(self, slot);
    r.provenance = pf_gather_provenance(self, slot);
    const char *err = pf_gather_error(self, slot);
    r.error = err && strcmp(err, "not_called") != 0 ? err : NULL;
    r.message = pf_gather_message(self, slot);
    return r;
}
