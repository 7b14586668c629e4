/*  pf_gather.h — one module task's adapter calls, made in parallel.

    A module that needs provider data starts a gather, adds calls (each
    under a slot name of its choosing: "sec_submissions", "bw_domain"…)
    and lets it go; when every call has ended — with a reply, an error
    REPLY, a timeout or a lost connection — the done callback runs once, on
    the actor's loop.  From done the module may add more calls that depend
    on the first answers (a second wave: ticker → CIK → filings) and go
    again, or finish its task.  Nothing blocks.

    Each slot keeps its outcome until the gather is destroyed: the reply's
    data map and provenance map (adapters/pf_adapter.h), or an error code
    and message.  A call that cannot even be sent (not registered, bad
    arguments) ends at once with its error, so done always comes.

    Lifetime: the module owns the gather.  Destroying it while calls are
    still out is allowed (a task abandoned at its deadline): the pending
    callbacks then find the gather orphaned and free it when the last one
    has run.  One thread (the actor's).                                    */
#ifndef PF_GATHER_H
#define PF_GATHER_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_actor.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_GATHER_SLOT_MAX 64        /* bytes of a slot name, incl. NUL       */
#define PF_GATHER_CALLS_MAX 64       /* slots in one gather                   */

typedef struct pf_gather_t pf_gather_t;

/*  Every call of the current wave has ended.                               */
typedef void(pf_gather_done_fn)(pf_gather_t *gather, void *arg);

/*  A gather for calls made through actor, each with timeout_ms (0: the
    actor config's call timeout).                                          */
pf_gather_t *pf_gather_new(pf_actor_t *actor, uint32_t timeout_ms);

/*  The timeout of the calls made from now on (0: the actor config's).     */
void pf_gather_set_timeout(pf_gather_t *self, uint32_t timeout_ms);

/*  Frees the gather, or orphans it until its pending calls have ended (see
    the file comment).  Accepts NULL; nulls *self_p.                        */
void pf_gather_destroy(pf_gather_t **self_p);

/*  Calls op of service with *args_p (taken; NULL or *args_p NULL = empty
    map) under slot.  Returns 0 (the outcome will be in the slot when done
    runs — immediately failed calls included), PF_EINVAL for a slot name
    that is empty, too long or already used, PF_ETOOBIG past
    PF_GATHER_CALLS_MAX slots, PF_ESTATE while a wave is going.           */
int pf_gather_call(pf_gather_t *self, const char *slot, const char *service, const char *op,
                   pf_value_t **args_p);

/*  Lets the calls added since the last done go; done(arg) runs once when
    all of them have ended — from the actor's loop, never from inside
    pf_gather_go, also when there was nothing to wait for.  Returns 0 or
    PF_ESTATE when a wave is already going.                                 */
int pf_gather_go(pf_gather_t *self, pf_gather_done_fn *done, void *arg);

/*  A slot's outcome in one struct, as modules hand it to their pure logic. */
typedef struct {
    const pf_value_t *data;       /* the reply's data map; NULL: no answer  */
    const pf_value_t *provenance; /* the reply's provenance map             */
    const char *error;            /* the error code when it failed; NULL
                                     when it answered or was never called */
    const char *message;          /* for people ("" when none)              */
} pf_gather_reply_t;

/*  The outcome of slot (pointers borrowed from the gather).  A slot that
    was never called gives data, provenance and error all NULL: "not
    asked", which a module tells apart from a failure.                      */
pf_gather_reply_t pf_gather_reply(const pf_gather_t *self, const char *slot);

/*  The outcome of slot.  _ok: true when it answered.  _data / _provenance:
    the reply's maps (borrowed; NULL unless ok).  _error: the error code
    ("not_called" for an unknown slot; NULL when ok); _message: for
    people ("" when none).                                                  */
bool pf_gather_ok(const pf_gather_t *self, const char *slot);
const pf_value_t *pf_gather_data(const pf_gather_t *self, const char *slot);
const pf_value_t *pf_gather_provenance(const pf_gather_t *self, const char *slot);
const char *pf_gather_error(const pf_gather_t *self, const char *slot);
const char *pf_gather_message(const pf_gather_t *self, const char *slot);

#ifdef __cplusplus
}
#endif
#endif
