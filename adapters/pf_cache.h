/*  pf_cache.h — an adapter's response cache and in-flight dedup.

    Keyed by the exact request (operation and arguments, as bytes).  A key
    is in one of three states:

      - absent: the caller fetches; pf_cache_begin() marks it in flight;
      - in flight: later callers join it (pf_cache_begin() says so and keeps
        their waiter), so identical calls that overlap cause one request;
      - cached: a copy of the answer, fresh for the TTL its fetch gave it.

    pf_cache_finish() ends a fetch: on success the answer is kept (unless
    its TTL is 0) and every joined waiter is handed back to be answered with
    it; on failure nothing is kept and the waiters are handed back to be
    answered with the error.  Memory is bounded by entries and bytes; the
    least recently used cached answers go first (in-flight keys are never
    evicted).  Time is passed in (monotonic ms).  No I/O; one thread.       */
#ifndef PF_CACHE_H
#define PF_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PF_CACHE_DEFAULT_ENTRIES 10000        /* answers kept at most     */
#define PF_CACHE_DEFAULT_BYTES (64u << 20)    /* and bytes of them        */

typedef struct pf_cache_t pf_cache_t;

typedef enum {
    PF_CACHE_HIT = 0,       /* the cached answer is given (borrowed)       */
    PF_CACHE_FETCH,         /* absent: now in flight, the caller fetches   */
    PF_CACHE_JOINED         /* in flight: waiter kept for pf_cache_finish  */
} pf_cache_verdict_t;

/*  Returns NULL if a bound is 0.                                          */
pf_cache_t *pf_cache_new(size_t max_entries, size_t max_bytes);

/*  Frees everything; waiters still joined are dropped (the caller answers
    them first).  Accepts NULL; nulls *self_p.                              */
void pf_cache_destroy(pf_cache_t **self_p);

/*  Looks key up at now_ms.  HIT: *data and *size give the cached answer,
    valid until the next call on the cache, and *age_ms says how old it is.
    FETCH: the key is now in flight.  JOINED: waiter (not NULL) is kept.   */
pf_cache_verdict_t pf_cache_begin(pf_cache_t *self, const void *key, size_t key_size,
                                  int64_t now_ms, void *waiter, const void **data,
                                  size_t *size, int64_t *age_ms);

/*  Ends the fetch of an in-flight key.  ok: data/size (copied) is kept for
    ttl_ms (0: not kept).  Every joined waiter, in join order, is written to
    waiters (up to max_waiters) and the count of all of them is returned;
    the key's joined list is then empty.  A key not in flight: returns 0.  */
size_t pf_cache_finish(pf_cache_t *self, const void *key, size_t key_size, bool ok,
                       const void *data, size_t size, uint32_t ttl_ms, int64_t now_ms,
                       void **waiters, size_t max_waiters);

/*  Tags the in-flight key with its fetcher (any pointer), so a caller that
    joins can find the fetch it joined.  0, or PF_ENOTFOUND when the key is
    not in flight.                                                          */
int pf_cache_set_owner(pf_cache_t *self, const void *key, size_t key_size, void *owner);

/*  The tag of an in-flight key, or NULL (not in flight, or never tagged).  */
void *pf_cache_owner(pf_cache_t *self, const void *key, size_t key_size);

/*  Answers cached (not in flight), and their bytes.                        */
size_t pf_cache_entries(const pf_cache_t *self);
size_t pf_cache_bytes(const pf_cache_t *self);

#ifdef __cplusplus
}
#endif
#endif
