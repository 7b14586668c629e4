/*  pf_cache.c — answers by request, in flight or kept (see pf_cache.h).

    A chained hash table on a 64-bit BLAKE2b digest of the key (the full key
    is kept and compared, so a digest collision costs a comparison, never a
    wrong answer), and a least-recently-used list of the cached answers.    */
#include "pf_cache.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "pf_alloc.h"
#include "pf_error.h"

typedef struct s_entry_t {
    struct s_entry_t *hnext;        /* hash chain                           */
    struct s_entry_t *prev, *next;  /* LRU list (cached entries only)       */
    uint64_t hash;                  /* digest of the key                    */
    uint8_t *key;                   /* copy                                 */
    size_t key_size;                /* bytes in key                         */
    bool in_flight;                 /* fetching; else cached                */
    void **waiters;                 /* in flight: joined callers            */
    void *owner;                    /* in flight: the fetcher's tag         */
    size_t nwaiters, cap;           /* used, allocated                      */
    uint8_t *data;                  /* cached: the answer                   */
    size_t size;                    /* bytes in data                        */
    int64_t stored_ms;              /* cached: when                         */
    int64_t expires_ms;             /* cached: fresh until                  */
} s_entry_t;

struct pf_cache_t {
    s_entry_t **buckets;            /* power of two                         */
    size_t nbuckets;                /* buckets                              */
    size_t count;                   /* entries, in flight or cached         */
    size_t cached;                  /* cached entries                       */
    size_t bytes;                   /* key + data bytes of cached entries   */
    size_t max_entries, max_bytes;  /* bounds of the cached ones            */
    s_entry_t *lru_head;            /* most recently used                   */
    s_entry_t *lru_tail;            /* least recently used                  */
};

static uint64_t
s_hash(const void *key, size_t size)
{
    uint64_t h = 0;
    crypto_generichash((uint8_t *)&h, sizeof h, key, size, NULL, 0);
    return h;
}

pf_cache_t *
pf_cache_new(size_t max_entries, size_t max_bytes)
{
    if (max_entries == 0 || max_bytes == 0 || sodium_init() < 0)
        return NULL;
    pf_cache_t *self = pf_calloc(1, sizeof *self);
    self->nbuckets = 1024;
    self->buckets = pf_calloc(self->nbuckets, sizeof *self->buckets);
    self->max_entries = max_entries;
    self->max_bytes = max_bytes;
    return self;
}

static void
s_entry_free(s_entry_t *e)
{
    free(e->key);
    free(e->waiters);
    free(e->data);
    free(e);
}

void
pf_cache_destroy(pf_cache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_cache_t *self = *self_p;
    for (size_t b = 0; b < self->nbuckets; b++) {
        s_entry_t *e = self->buckets[b];
        while (e) {
            s_entry_t *next = e->hnext;
            s_entry_free(e);
            e = next;
        }
    }
    free(self->buckets);
    free(self);
    *self_p = NULL;
}

static s_entry_t **
s_slot(pf_cache_t *self, uint64_t hash, const void *key, size_t key_size)
{
    s_entry_t **pp = &self->buckets[hash & (self->nbuckets - 1)];
    while (*pp && !((*pp)->hash == hash && (*pp)->key_size == key_size
                    && memcmp((*pp)->key, key, key_size) == 0))
        pp = &(*pp)->hnext;
    return pp;
}

static void
s_grow(pf_cache_t *self)
{
    size_t nb = self->nbuckets * 2;
    s_entry_t **nt = pf_calloc(nb, sizeof *nt);
    for (size_t b = 0; b < self->nbuckets; b++) {
        s_entry_t *e = self->buckets[b];
        while (e) {
            s_entry_t *next = e->hnext;
            e->hnext = nt[e->hash & (nb - 1)];
            nt[e->hash & (nb - 1)] = e;
            e = next;
        }
    }
    free(self->buckets);
    self->buckets = nt;
    self->nbuckets = nb;
}

static void
s_lru_unlink(pf_cache_t *self, s_entry_t *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        self->lru_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        self->lru_tail = e->prev;
    e->prev = e->next = NULL;
}

static void
s_lru_front(pf_cache_t *self, s_entry_t *e)
{
    e->prev = NULL;
    e->next = self->lru_head;
    if (self->lru_head)
        self->lru_head->prev = e;
    self->lru_head = e;
    if (!self->lru_tail)
        self->lru_tail = e;
}

/*  A cached entry stops being cached: out of the LRU, its answer freed.   */
static void
s_uncache(pf_cache_t *self, s_entry_t *e)
{
    s_lru_unlink(self, e);
    self->cached--;
    self->bytes -= e->key_size + e->size;
    free(e->data);
    e->data = NULL;
    e->size = 0;
}

static void
s_remove(pf_cache_t *self, s_entry_t *e)
{
    s_entry_t **pp = s_slot(self, e->hash, e->key, e->key_size);
    *pp = e->hnext;
    self->count--;
    s_entry_free(e);
}

pf_cache_verdict_t
pf_cache_begin(pf_cache_t *self, const void *key, size_t key_size, int64_t now_ms, void *waiter,
               const void **data, size_t *size, int64_t *age_ms)
{
    uint64_t hash = s_hash(key, key_size);
    s_entry_t **pp = s_slot(self, hash, key, key_size);
    s_entry_t *e = *pp;
    if (e && !e->in_flight && now_ms < e->expires_ms) {
        s_lru_unlink(self, e);
        s_lru_front(self, e);
        *data = e->data;
        *size = e->size;
        if (age_ms)
            *age_ms = now_ms - e->stored_ms;
        return PF_CACHE_HIT;
    }
    if (e && e->in_flight) {
        if (e->nwaiters == e->cap) {
            e->cap = e->cap ? e->cap * 2 : 4;
            e->waiters = pf_realloc(e->waiters, e->cap * sizeof *e->waiters);
        }
        e->waiters[e->nwaiters++] = waiter;
        return PF_CACHE_JOINED;
    }
    if (e) {                      /* cached but stale: fetch again           */
        s_uncache(self, e);
    } else {
        if (self->count + 1 > self->nbuckets)
            s_grow(self);
        e = pf_calloc(1, sizeof *e);
        e->hash = hash;
        e->key = pf_malloc(key_size ? key_size : 1);
        memcpy(e->key, key, key_size);
        e->key_size = key_size;
        pp = s_slot(self, hash, key, key_size);
        e->hnext = *pp;
        *pp = e;
        self->count++;
    }
    e->in_flight = true;
    e->nwaiters = 0;
    e->owner = NULL;
    return PF_CACHE_FETCH;
}

size_t
pf_cache_finish(pf_cache_t *self, const void *key, size_t key_size, bool ok, const void *data,
                size_t size, uint32_t ttl_ms, int64_t now_ms, void **waiters, size_t max_waiters)
{
    uint64_t hash = s_hash(key, key_size);
    s_entry_t *e = *s_slot(self, hash, key, key_size);
    if (!e || !e->in_flight)
        return 0;
    size_t n = e->nwaiters;
    for (size_t i = 0; i < n && i < max_waiters; i++)
        waiters[i] = e->waiters[i];
    e->nwaiters = 0;
    e->in_flight = false;
    size_t cost = key_size + size;
    if (!ok || ttl_ms == 0 || cost > self->max_bytes) {
        s_remove(self, e);
        return n;
    }
    e->data = pf_malloc(size ? size : 1);
    memcpy(e->data, data, size);
    e->size = size;
    e->stored_ms = now_ms;
    e->expires_ms = now_ms + ttl_ms;
    self->cached++;
    self->bytes += cost;
    s_lru_front(self, e);
    /* Over a bound: the least recently used answers go.                    */
    while ((self->cached > self->max_entries || self->bytes > self->max_bytes)
           && self->lru_tail) {
        s_entry_t *old = self->lru_tail;
        s_uncache(self, old);
        s_remove(self, old);
    }
    return n;
}

int
pf_cache_set_owner(pf_cache_t *self, const void *key, size_t key_size, void *owner)
{
    s_entry_t **slot = s_slot(self, s_hash(key, key_size), key, key_size);
    if (!*slot || !(*slot)->in_flight)
        return PF_ENOTFOUND;
    (*slot)->owner = owner;
    return PF_OK;
}

void *
pf_cache_owner(pf_cache_t *self, const void *key, size_t key_size)
{
    s_entry_t **slot = s_slot(self, s_hash(key, key_size), key, key_size);
    return *slot && (*slot)->in_flight ? (*slot)->owner : NULL;
}

size_t
pf_cache_entries(const pf_cache_t *self)
{
    return self->cached;
}

size_t
pf_cache_bytes(const pf_cache_t *self)
{
    return self->bytes;
}
