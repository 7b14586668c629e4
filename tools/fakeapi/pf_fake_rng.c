/*  pf_fake_rng.c — FNV-1a seeding and a splitmix64 stream (see header).     */
#include "pf_fake_rng.h"

#include <assert.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

uint64_t
pf_fake_rng_hash(const char *text)
{
    uint64_t h = FNV_OFFSET;
    for (const unsigned char *p = (const unsigned char *) (text ? text : ""); *p; p++) {
        h ^= *p;
        h *= FNV_PRIME;
    }
    return h;
}

void
pf_fake_rng_seed(pf_fake_rng_t *rng, uint64_t seed)
{
    rng->state = seed;
}

void
pf_fake_rng_seed_text(pf_fake_rng_t *rng, const char *text, const char *salt)
{
    /*  Mixing the salt's hash through one PRNG step keeps streams of the
        same text with different salts unrelated.                         */
    rng->state = pf_fake_rng_hash(text) ^ (pf_fake_rng_hash(salt) * FNV_PRIME);
    (void) pf_fake_rng_next(rng);
}

uint64_t
pf_fake_rng_next(pf_fake_rng_t *rng)
{
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double
pf_fake_rng_unit(pf_fake_rng_t *rng)
{
    /*  53 random bits: every double in [0,1) on the 2^-53 grid.           */
    return (double) (pf_fake_rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

int64_t
pf_fake_rng_range(pf_fake_rng_t *rng, int64_t lo, int64_t hi)
{
    assert(lo <= hi);
    uint64_t span = (uint64_t) (hi - lo) + 1;
    if (span == 0)
        return (int64_t) pf_fake_rng_next(rng);
    return lo + (int64_t) (pf_fake_rng_next(rng) % span);
}
