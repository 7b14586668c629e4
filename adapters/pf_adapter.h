/*  pf_adapter.h — one provider's door: the adapter actor's logic.

    An adapter serves PFA/1 CALLs for one provider (service name = the
    provider's name, e.g. "sec_edgar"): op = an operation of the provider
    (adapters/pf_provider.h), arguments = its argument map.  Each call goes
    through, in this order:

      cache      an answer still fresh for the same request is given at
                 once; an identical request already in flight is joined
                 (one HTTP request for all of them);
      breaker    while the provider's circuit is open the call fails at once
                 with "breaker_open";
      limiter    requests per minute and in flight are capped; a call waits
                 its turn in FIFO order (tap: api.throttled);
      HTTP       one GET through libcurl multi on the actor's loop;
      retry      timeouts, resets, 429, 502, 503, 504 are tried again after
                 full-jitter backoff or the provider's Retry-After (clamped;
                 beyond the cap the call fails at once), within the call's
                 deadline, the attempt cap and the adapter's retry budget;
                 each retry takes a rate-limit token again.

    The reply is a map {data: the normalised answer, provenance: {provider,
    endpoint, op, source, origin, fetched_at, age_ms, status, request,
    deduplicated}}: source is live / cache / fixture / synthetic (fixture
    and synthetic come from pf-fakeapi, which marks its answers), origin
    is where the data first came from (never "cache"), request is the URL
    without secrets.  Errors are REPLY ok:false with a code:
    unknown_op, invalid_args, breaker_open, overloaded, timeout,
    connect_failed, connection_reset, dns_failed, tls_failed,
    response_too_large, rate_limited, provider_unavailable, not_found,
    unauthorized, provider_rejected, provider_error, bad_response,
    session_failed, user_agent_required, transport_error.

    Tap events (PROTOCOL.md): api.call per HTTP attempt and per call served
    from the cache, api.breaker per state change, api.throttled when a call
    has to wait for the limiter.                                            */
#ifndef PF_ADAPTER_H
#define PF_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_actor.h"
#include "pf_breaker.h"
#include "pf_limiter.h"
#include "pf_provider.h"
#include "pf_retry.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_ADAPTER_DEFAULT_ATTEMPT_TIMEOUT_MS 20000 /* one HTTP attempt       */
#define PF_ADAPTER_DEFAULT_QUEUE_MAX 10000  /* requests waiting for the limiter */
#define PF_ADAPTER_DEFAULT_CAPACITY 4096    /* CALLs held at once (credit)     */
#define PF_ADAPTER_DEFAULT_PROBES 1         /* half-open probes                */
#define PF_ADAPTER_DEFAULT_RATE_MARGIN_PERMILLE 10 /* schedule 1 % under the
                                               limit: delivery jitter never
                                               puts limit + 1 requests into
                                               one provider window          */
#define PF_ADAPTER_USER_AGENT "PartnerForge/" PF_VERSION
#define PF_ADAPTER_KEY_MAX 256              /* bytes of a key, incl. NUL       */
#define PF_ADAPTER_TEXT_MAX 512             /* base URL, user agent            */

/*  One adapter's settings: the provider's defaults, then the environment
    (PF_<NAME>_* variables, see pf_adapter_config_from_env), then flags.   */
typedef struct {
    char key[PF_ADAPTER_KEY_MAX];        /* API key; "" when none          */
    char base[PF_ADAPTER_TEXT_MAX];      /* base URL override; "" = real  */
    char user_agent[PF_ADAPTER_TEXT_MAX]; /* sent on every request         */
    pf_limiter_config_t limiter;         /* rpm, burst, concurrency        */
    pf_breaker_config_t breaker;         /* failures, recovery, probes     */
    pf_retry_config_t retry;             /* attempts, backoff, budget,
                                            deadline                       */
    uint32_t attempt_timeout_ms;         /* one HTTP attempt at most       */
    uint32_t max_bytes;                  /* response body cap              */
    uint32_t cache_entries;              /* answers kept at most           */
    uint32_t cache_bytes;                /* and their bytes                */
    bool cache_off;                      /* keep nothing (dedup still on)  */
    uint32_t queue_max;                  /* requests waiting, then
                                            "overloaded"                   */
} pf_adapter_config_t;

/*  The provider's defaults (limits of the architecture page, retry and
    breaker defaults, no key, real hosts).                                 */
void pf_adapter_config_defaults(pf_adapter_config_t *cfg, const pf_provider_t *provider);

/*  Reads PF_<NAME>_KEY, _BASE, _USER_AGENT, _RPM, _BURST, _CONCURRENCY,
    _RATE_MARGIN_PERMILLE, _BREAKER_FAILURES, _BREAKER_RECOVERY_MS,
    _BREAKER_PROBES,
    _RETRY_ATTEMPTS, _RETRY_BASE_MS, _RETRY_CAP_MS, _RETRY_AFTER_CAP_MS,
    _DEADLINE_MS, _TIMEOUT_MS, _CACHE (on|off) where NAME is the provider's
    name in upper case (SEC_EDGAR, YAHOO_FINANCE…), and PF_USER_AGENT as a
    fallback user agent.  Returns 0, or PF_EINVAL with *bad naming the
    variable that is out of range (cfg is then unchanged).                  */
int pf_adapter_config_from_env(pf_adapter_config_t *cfg, const pf_provider_t *provider,
                               const char **bad);

/*  Checks cfg for provider: ranges, the base URL policy (https, or http to
    loopback), a key when the real API needs one, a contact in the user
    agent for SEC.  Returns 0, or PF_EINVAL with a sentence in why.        */
int pf_adapter_config_check(const pf_adapter_config_t *cfg, const pf_provider_t *provider,
                            char *why, size_t why_size);

typedef struct pf_adapter_t pf_adapter_t;

/*  An adapter for provider on actor (not yet running).  Registers nothing
    itself: pass pf_adapter_on_call as the actor's on_call with the
    adapter as arg (see pf_adapter_actor_opts).  Returns NULL when cfg does
    not pass pf_adapter_config_check or libcurl cannot start.              */
pf_adapter_t *pf_adapter_new(const pf_provider_t *provider, const pf_adapter_config_t *cfg);

/*  Binds the adapter to its actor (call once, after pf_actor_new and
    before pf_actor_run).                                                   */
void pf_adapter_attach(pf_adapter_t *self, pf_actor_t *actor);

/*  The actor's CALL handler; arg is the adapter.                           */
void pf_adapter_on_call(pf_actor_t *actor, pf_call_t *call, void *arg);

/*  Aborts every request, answers every held call with "draining" (the
    coordinator queues them again), frees everything.  Call before
    pf_actor_destroy.  Accepts NULL; nulls *self_p.                          */
void pf_adapter_destroy(pf_adapter_t **self_p);

/*  Counters for tests and `pf ps`-style inspection.                        */
typedef struct {
    uint64_t calls;              /* CALLs received                          */
    uint64_t cache_hits;         /* answered from the cache                 */
    uint64_t joined;             /* joined an identical request in flight   */
    uint64_t http_requests;      /* HTTP attempts made                      */
    uint64_t retries;            /* of them, retries                        */
    uint64_t breaker_refusals;   /* calls failed with breaker_open          */
    uint64_t throttled;          /* requests that waited for the limiter    */
    uint64_t failures;           /* calls answered with an error            */
    uint32_t queued;             /* requests waiting for the limiter now    */
    uint32_t in_flight;          /* HTTP requests running now               */
} pf_adapter_stats_t;

void pf_adapter_stats(const pf_adapter_t *self, pf_adapter_stats_t *stats);

#ifdef __cplusplus
}
#endif
#endif
