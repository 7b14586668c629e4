/*  pf_clock.c — see pf_clock.h.                                            */
#include "pf_clock.h"

#include <time.h>

static struct timespec
s_now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts;
}

int64_t
pf_clock_mono_us(void)
{
    struct timespec ts = s_now(CLOCK_MONOTONIC);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
pf_clock_mono_ms(void)
{
    struct timespec ts = s_now(CLOCK_MONOTONIC);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double
pf_clock_wall_ms(void)
{
    struct timespec ts = s_now(CLOCK_REALTIME);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int64_t
pf_clock_unix_ms(void)
{
    struct timespec ts = s_now(CLOCK_REALTIME);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
