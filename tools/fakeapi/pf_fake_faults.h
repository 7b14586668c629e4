/*  pf_fake_faults.h — injected faults of pf-fakeapi.

    A fault spec applies to one provider, optionally only below an endpoint
    path prefix ("/v1/website").  For each request the most specific spec
    that matches (longest prefix; a provider-wide spec has prefix "") draws
    from its own seeded PRNG — always the same number of draws — so a given
    request sequence always meets the same faults.  The decision is pure;
    the server carries it out (pf_fakeapi.c).                                 */
#ifndef PF_FAKE_FAULTS_H
#define PF_FAKE_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "pf_fake_rng.h"

#define PF_FAKE_FAULTS_MAX 64        /* specs held at once                  */
#define PF_FAKE_ENDPOINT_MAX 128     /* endpoint prefix, bytes incl. NUL    */
#define PF_FAKE_RETRY_AFTER_MAX 64   /* Retry-After value, bytes incl. NUL  */
#define PF_FAKE_LATENCY_MAX_MS 600000 /* latency + jitter cap (10 min)      */
#define PF_FAKE_DEFAULT_ERROR_STATUS 500
#define PF_FAKE_DEFAULT_FAULT_SEED 1

/*  What happens to one request.                                            */
typedef enum {
    PF_FAKE_FAULT_NONE = 0,      /* answer normally                           */
    PF_FAKE_FAULT_DOWN,          /* connection reset (provider down)          */
    PF_FAKE_FAULT_HANG,          /* never answer                              */
    PF_FAKE_FAULT_RESET,         /* close without an answer                   */
    PF_FAKE_FAULT_429,           /* provider-style 429                        */
    PF_FAKE_FAULT_ERROR,         /* error_status                              */
    PF_FAKE_FAULT_MALFORMED,     /* valid status, body not JSON               */
    PF_FAKE_FAULT_TRUNCATE       /* valid status, body cut in half            */
} pf_fake_fault_kind_t;

typedef struct {
    char provider[32];           /* provider service name                     */
    char endpoint[PF_FAKE_ENDPOINT_MAX]; /* path prefix below the provider; "" all */
    uint32_t latency_ms;         /* added to every answered request           */
    uint32_t jitter_ms;          /* plus uniform [0, jitter_ms]               */
    double error_rate;           /* probability of error_status               */
    int error_status;            /* status for error faults (400..599)        */
    double rate_429;             /* probability of an injected 429            */
    bool has_retry_after;        /* false: 429s carry no Retry-After          */
    char retry_after[PF_FAKE_RETRY_AFTER_MAX]; /* value as given ("date+N": an
                                    HTTP date N s from now)                   */
    double hang_rate;            /* probability of a hang                     */
    double reset_rate;           /* probability of a reset                    */
    double truncate_rate;        /* probability of a truncated body           */
    double malformed_rate;       /* probability of a non-JSON body            */
    bool down;                   /* every request reset                       */
    uint64_t seed;               /* PRNG seed as given                        */
    pf_fake_rng_t rng;           /* the stream                                */
} pf_fake_fault_t;

typedef struct {
    pf_fake_fault_t specs[PF_FAKE_FAULTS_MAX]; /* set specs                   */
    size_t count;                /* specs used                                */
} pf_fake_faults_t;

/*  The decision for one request.                                           */
typedef struct {
    pf_fake_fault_kind_t kind;   /* what to do                                */
    uint32_t delay_ms;           /* latency before acting                     */
    int status;                  /* for ERROR                                 */
    bool has_retry_after;        /* for 429                                   */
    char retry_after[PF_FAKE_RETRY_AFTER_MAX]; /* for 429, formatted          */
} pf_fake_decision_t;

/*  Empties the set.                                                        */
void pf_fake_faults_init(pf_fake_faults_t *faults);

/*  Parses one spec from JSON (an object as in the control API) and adds it,
    replacing a spec with the same provider and endpoint.  provider must be
    one of known[] (count n).  Returns 0, or PF_EINVAL with a message in
    err (size bytes), or PF_EBUSY when the set is full.                     */
int pf_fake_faults_set(pf_fake_faults_t *faults, const json_t *spec, const char *const *known,
                       size_t n, char *err, size_t size);

/*  Parses a JSON object or an array of them (the --faults option).         */
int pf_fake_faults_set_all(pf_fake_faults_t *faults, const json_t *specs,
                           const char *const *known, size_t n, char *err, size_t size);

/*  Removes every spec, or only those of provider (non-NULL).  Returns the
    number removed.                                                         */
size_t pf_fake_faults_clear(pf_fake_faults_t *faults, const char *provider);

/*  The set as a JSON array (new reference).                                */
json_t *pf_fake_faults_json(const pf_fake_faults_t *faults);

/*  Decides for a request of provider at path (below the provider prefix).
    now is the wall clock for "date+N" Retry-After values.                  */
void pf_fake_faults_decide(pf_fake_faults_t *faults, const char *provider, const char *path,
                           time_t now, pf_fake_decision_t *out);

/*  Formats a Retry-After value: "date+N" becomes the IMF-fixdate N seconds
    after now; anything else is copied as given (that is the point: -1, 0,
    99999, a literal date, garbage).  Returns 0 or PF_ETOOBIG.             */
int pf_fake_retry_after_format(const char *spec, time_t now, char *out, size_t size);

/*  Formats t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").          */
void pf_fake_http_date(time_t t, char *out, size_t size);

#endif
