/*  pf_outbox.c — held messages in one buffer (see pf_outbox.h).             */
#include "pf_outbox.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"

#define S_FIRST_ITEMS 256         /* entries of a new outbox               */
#define S_FIRST_BYTES (64u << 10) /* buffer bytes of a new outbox          */

/*  One message: where its bytes are in the buffer.                         */
typedef struct {
    int kind;                           /* caller's tag                     */
    uint64_t task_id;                   /* caller's                         */
    int module;                         /* caller's                         */
    size_t offset;                      /* of the rid, then the frames      */
    size_t rid_size;                    /* bytes of rid (0: none)           */
    size_t count;                       /* frames                           */
    size_t size[PF_OUTBOX_FRAMES_MAX];  /* bytes of each frame              */
} s_item_t;

struct pf_outbox_t {
    s_item_t *items;                    /* entries, in order                */
    size_t count;                       /* entries used                     */
    size_t items_cap;                   /* entries allocated                */
    uint8_t *bytes;                     /* rids and frames, back to back    */
    size_t used;                        /* bytes used                       */
    size_t bytes_cap;                   /* bytes allocated                  */
};

pf_outbox_t *
pf_outbox_new(void)
{
    return pf_calloc(1, sizeof(pf_outbox_t));
}

void
pf_outbox_destroy(pf_outbox_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->items);
    free((*self_p)->bytes);
    free(*self_p);
    *self_p = NULL;
}

void
pf_outbox_add(pf_outbox_t *self, int kind, const pf_frame_t *rid, const pf_frame_t *frames,
              size_t count, uint64_t task_id, int module)
{
    assert(count <= PF_OUTBOX_FRAMES_MAX);
    size_t rid_size = rid ? (rid->size < PF_RID_MAX ? rid->size : PF_RID_MAX) : 0;
    size_t total = rid_size;
    for (size_t i = 0; i < count; i++)
        total += frames[i].size;
    if (self->count == self->items_cap) {
        self->items_cap = self->items_cap ? self->items_cap * 2 : S_FIRST_ITEMS;
        self->items = pf_realloc(self->items, self->items_cap * sizeof *self->items);
    }
    if (self->used + total > self->bytes_cap) {
        size_t cap = self->bytes_cap ? self->bytes_cap : S_FIRST_BYTES;
        while (cap < self->used + total)
            cap *= 2;
        self->bytes = pf_realloc(self->bytes, cap);
        self->bytes_cap = cap;
    }
    s_item_t *item = &self->items[self->count++];
    item->kind = kind;
    item->task_id = task_id;
    item->module = module;
    item->offset = self->used;
    item->rid_size = rid_size;
    item->count = count;
    uint8_t *at = self->bytes + self->used;
    if (rid_size) {
        memcpy(at, rid->data, rid_size);
        at += rid_size;
    }
    for (size_t i = 0; i < count; i++) {
        item->size[i] = frames[i].size;
        if (frames[i].size)
            memcpy(at, frames[i].data, frames[i].size);
        at += frames[i].size;
    }
    self->used += total;
}

size_t
pf_outbox_count(const pf_outbox_t *self)
{
    return self->count;
}

void
pf_outbox_get(const pf_outbox_t *self, size_t i, pf_outbox_msg_t *msg)
{
    assert(i < self->count);
    const s_item_t *item = &self->items[i];
    const uint8_t *at = self->bytes + item->offset;
    msg->kind = item->kind;
    msg->task_id = item->task_id;
    msg->module = item->module;
    msg->rid.data = at;
    msg->rid.size = item->rid_size;
    at += item->rid_size;
    msg->count = item->count;
    for (size_t f = 0; f < item->count; f++) {
        msg->frames[f].data = at;
        msg->frames[f].size = item->size[f];
        at += item->size[f];
    }
}

void
pf_outbox_reset(pf_outbox_t *self)
{
    self->count = 0;
    self->used = 0;
    if (self->bytes_cap > PF_OUTBOX_KEEP_BYTES) {
        free(self->bytes);
        self->bytes = NULL;
        self->bytes_cap = 0;
        free(self->items);
        self->items = NULL;
        self->items_cap = 0;
    }
}
