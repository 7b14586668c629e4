/*  pf_clock.h — the two clocks of PartnerForge, in one place.

    Monotonic time measures intervals (timeouts, heartbeats, deadlines):
    it never jumps.  Wall-clock time is for people and for the job store
    (when a job was created or ended, tap timestamps).                      */
#ifndef PF_CLOCK_H
#define PF_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*  Monotonic clock (CLOCK_MONOTONIC) in microseconds / milliseconds.      */
int64_t pf_clock_mono_us(void);
int64_t pf_clock_mono_ms(void);

/*  Wall clock (CLOCK_REALTIME): unix milliseconds, with and without the
    fraction.                                                               */
double pf_clock_wall_ms(void);
int64_t pf_clock_unix_ms(void);

#ifdef __cplusplus
}
#endif
#endif
