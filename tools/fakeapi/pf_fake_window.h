/*  pf_fake_window.h — the sliding-window rate limit pf-fakeapi enforces.

    At most `limit` requests in any window of `window_ms`.  Arrival times on
    loopback carry a few ms of scheduling jitter, so a request is a violation
    only when `limit` accepted requests already arrived within the last
    (window_ms - grace_ms).  Rejected requests are NOT recorded: like the
    real providers, a refused request does not eat into the allowance (so a
    client that waits as told gets through).  `max_in_window` is the most
    accepted requests ever seen inside one true window of window_ms, which
    tells a test whether a client kept the provider's published limit.
    limit 0 means unlimited (still measured).                                */
#ifndef PF_FAKE_WINDOW_H
#define PF_FAKE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t limit;              /* requests per window; 0 = no limit        */
    uint32_t window_ms;          /* window length                            */
    uint32_t grace_ms;           /* jitter allowance (< window_ms)           */
    int64_t *times;              /* accepted arrival times, µs, ascending    */
    size_t head;                 /* index of the oldest kept time            */
    size_t count;                /* times kept                               */
    size_t cap;                  /* allocated slots                          */
    uint64_t max_in_window;      /* most accepted in one window so far       */
} pf_fake_window_t;

/*  Initialises w (no allocation until the first request).                  */
void pf_fake_window_init(pf_fake_window_t *w, uint32_t limit, uint32_t window_ms,
                         uint32_t grace_ms);

/*  Changes the limit keeping the history.                                  */
void pf_fake_window_set(pf_fake_window_t *w, uint32_t limit, uint32_t window_ms,
                        uint32_t grace_ms);

/*  Frees the history.                                                      */
void pf_fake_window_fini(pf_fake_window_t *w);

/*  Forgets history and max_in_window.                                      */
void pf_fake_window_reset(pf_fake_window_t *w);

/*  A request arrives at now_us (monotonic, non-decreasing).  Returns 0 when
    accepted (and recorded), or PF_EBUSY for a violation with *retry_ms set
    to how long until the window has room again (>= 1).                     */
int pf_fake_window_arrive(pf_fake_window_t *w, int64_t now_us, uint32_t *retry_ms);

#endif
