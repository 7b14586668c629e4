/*  pf_fake_window.c — sliding window with grace (see header).               */
#include "pf_fake_window.h"

#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"

#define US_PER_MS 1000

void
pf_fake_window_init(pf_fake_window_t *w, uint32_t limit, uint32_t window_ms, uint32_t grace_ms)
{
    memset(w, 0, sizeof *w);
    pf_fake_window_set(w, limit, window_ms, grace_ms);
}

void
pf_fake_window_set(pf_fake_window_t *w, uint32_t limit, uint32_t window_ms, uint32_t grace_ms)
{
    w->limit = limit;
    w->window_ms = window_ms ? window_ms : 1;
    w->grace_ms = grace_ms < w->window_ms ? grace_ms : 0;
}

void
pf_fake_window_fini(pf_fake_window_t *w)
{
    free(w->times);
    w->times = NULL;
    w->head = w->count = w->cap = 0;
}

void
pf_fake_window_reset(pf_fake_window_t *w)
{
    w->head = w->count = 0;
    w->max_in_window = 0;
}

static int64_t
s_at(const pf_fake_window_t *w, size_t i)
{
    return w->times[(w->head + i) % w->cap];
}

static void
s_push(pf_fake_window_t *w, int64_t t)
{
    if (w->count == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        int64_t *times = pf_malloc(cap * sizeof *times);
        for (size_t i = 0; i < w->count; i++)
            times[i] = s_at(w, i);
        free(w->times);
        w->times = times;
        w->cap = cap;
        w->head = 0;
    }
    w->times[(w->head + w->count) % w->cap] = t;
    w->count++;
}

/*  Number of kept times strictly after since_us.                           */
static size_t
s_count_after(const pf_fake_window_t *w, int64_t since_us)
{
    size_t n = 0;
    for (size_t i = w->count; i > 0; i--) {
        if (s_at(w, i - 1) <= since_us)
            break;
        n++;
    }
    return n;
}

int
pf_fake_window_arrive(pf_fake_window_t *w, int64_t now_us, uint32_t *retry_ms)
{
    int64_t window_us = (int64_t) w->window_ms * US_PER_MS;
    /*  Only the true window matters from here on.                         */
    while (w->count > 0 && s_at(w, 0) <= now_us - window_us) {
        w->head = (w->head + 1) % w->cap;
        w->count--;
    }
    if (w->limit > 0) {
        int64_t strict_us = (int64_t) (w->window_ms - w->grace_ms) * US_PER_MS;
        size_t recent = s_count_after(w, now_us - strict_us);
        if (recent >= w->limit) {
            /*  Room again when the limit-th newest time leaves the window. */
            int64_t oldest = s_at(w, w->count - w->limit);
            int64_t wait_us = oldest + window_us - now_us;
            uint32_t ms = (uint32_t) ((wait_us + US_PER_MS - 1) / US_PER_MS);
            *retry_ms = ms ? ms : 1;
            return PF_EBUSY;
        }
    }
    s_push(w, now_us);
    if (w->count > w->max_in_window)
        w->max_in_window = w->count;
    return 0;
}
