/*  pf_outbox.h — messages held back until the writes they report are
    durable.

    The coordinator holds every client reply, tap event and TASK of a loop
    turn in an outbox, commits the turn's writes, and sends the outbox once
    the commit is on the disk (docs/STORE.md).  An outbox copies each
    message's frames into one growing buffer of its own and keeps a fixed-
    size entry per message, so holding a message costs no allocation once
    the outbox has grown to the turn's size, and the copies — which live
    until a sync completes, across later turns — do not fragment the heap.
    Outboxes are reset and reused; one that grew past a bound gives its
    memory back when reset.                                                  */
#ifndef PF_OUTBOX_H
#define PF_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_broker.h"
#include "pf_frame.h"

#define PF_OUTBOX_FRAMES_MAX 4      /* frames of one message after its rid */

typedef struct pf_outbox_t pf_outbox_t;

/*  One held message, as pf_outbox_get() shows it.  Views into the outbox:
    valid until the next add or reset of it.                                */
typedef struct {
    int kind;                           /* the caller's destination tag     */
    uint64_t task_id;                   /* the caller's, e.g. a task id     */
    int module;                         /* the caller's, e.g. a module      */
    pf_frame_t rid;                     /* routing id; size 0 if none       */
    pf_frame_t frames[PF_OUTBOX_FRAMES_MAX]; /* the frames                  */
    size_t count;                       /* frames used                      */
} pf_outbox_msg_t;

/*  An empty outbox.  Never NULL.                                           */
pf_outbox_t *pf_outbox_new(void);

/*  Frees it and every message in it; accepts NULL; nulls *self_p.          */
void pf_outbox_destroy(pf_outbox_t **self_p);

/*  Holds a copy of one message: rid (may be NULL; at most PF_RID_MAX bytes
    kept) and count frames (at most PF_OUTBOX_FRAMES_MAX; more is a
    programming error), with the caller's kind, task_id and module.         */
void pf_outbox_add(pf_outbox_t *self, int kind, const pf_frame_t *rid, const pf_frame_t *frames,
                   size_t count, uint64_t task_id, int module);

/*  Messages held.                                                          */
size_t pf_outbox_count(const pf_outbox_t *self);

/*  Message i (< count), in the order added.                                */
void pf_outbox_get(const pf_outbox_t *self, size_t i, pf_outbox_msg_t *msg);

/*  Empties it for reuse, keeping its memory unless it grew past
    PF_OUTBOX_KEEP_BYTES.                                                   */
void pf_outbox_reset(pf_outbox_t *self);

/*  Buffer bytes an outbox keeps across a reset; a burst above it is given
    back.                                                                   */
#define PF_OUTBOX_KEEP_BYTES (4u << 20)

#endif
