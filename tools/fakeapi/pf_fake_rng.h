/*  pf_fake_rng.h — pf-fakeapi's deterministic randomness.

    Synthetic data must be the same bytes in every run and every process, and
    injected faults must repeat for a given request sequence, so nothing here
    reads the clock or the OS entropy pool: a string or a number seeds a
    64-bit hash (FNV-1a) that starts a small PRNG (splitmix64).              */
#ifndef PF_FAKE_RNG_H
#define PF_FAKE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t state;              /* splitmix64 state                          */
} pf_fake_rng_t;

/*  FNV-1a 64 of a NUL-terminated string (NULL hashes like "").             */
uint64_t pf_fake_rng_hash(const char *text);

/*  Seeds rng from a number.                                                */
void pf_fake_rng_seed(pf_fake_rng_t *rng, uint64_t seed);

/*  Seeds rng from a string and a salt (so one domain yields independent
    streams for traffic, technologies, ...).                                */
void pf_fake_rng_seed_text(pf_fake_rng_t *rng, const char *text, const char *salt);

/*  Next 64 random bits.                                                    */
uint64_t pf_fake_rng_next(pf_fake_rng_t *rng);

/*  Uniform double in [0, 1).                                               */
double pf_fake_rng_unit(pf_fake_rng_t *rng);

/*  Uniform integer in [lo, hi] (lo <= hi).                                 */
int64_t pf_fake_rng_range(pf_fake_rng_t *rng, int64_t lo, int64_t hi);

#endif
