/*  pf_retry.h — the retry policy of the provider adapters.

    Pure policy, no I/O and no clock of its own: every function that needs
    the time takes it (milliseconds on the caller's monotonic clock, or unix
    ms for HTTP dates), and the jitter comes from a random source the caller
    injects, so tests run it against a fake clock and a seeded generator.

    One adapter call is up to max_attempts HTTP attempts:

        pf_retry_call_start(&call, &cfg, budget, now);   first attempt
        ... attempt fails ...
        pf_retry_next(&call, &cfg, budget, &outcome, retry_after_ms, now,
                      rng, rng_arg, &verdict);
        verdict.retry ? wait verdict.delay_ms, attempt again : give up

    What is retried (pf_retry_is_retryable): timeouts, refused or failed
    connects, connection resets, and HTTP 429, 502, 503 and 504 — nothing
    else; a 500 or 501 is a bug on the other side that an identical request
    will hit again, and a 4xx other than 429 is ours.

    Backoff is exponential with full jitter: before attempt n+1 (n attempts
    made) the delay is uniform in [0, min(cap_ms, base_ms * 2^(n-1))].  A
    Retry-After from the provider is a floor: delay = max(Retry-After,
    jittered backoff), so we never come back earlier than asked and still
    spread out when the provider asks for less than our backoff.  A
    Retry-After beyond retry_after_cap_ms fails the call at once instead of
    holding it for minutes.  A retry whose delay would reach the call's
    overall deadline is not made.

    Retries are further bounded per adapter by a retry budget
    (pf_retry_budget_t, see below), so an outage turns into at most
    budget_percent % extra traffic instead of max_attempts times the load.

    A retry also takes a rate-limit token: the caller asks its limiter
    (pf_limiter) before each attempt, retries included, exactly as for a
    first attempt; this file does not know the limiter.                      */
#ifndef PF_RETRY_H
#define PF_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*  ---- defaults ---------------------------------------------------------- */

#define PF_RETRY_DEFAULT_MAX_ATTEMPTS 4     /* attempts per call, the first
                                               included: up to 3 retries     */
#define PF_RETRY_DEFAULT_BASE_MS 200        /* backoff bound before the first
                                               retry; doubles per attempt    */
#define PF_RETRY_DEFAULT_CAP_MS 10000       /* backoff bound never exceeds it */
#define PF_RETRY_DEFAULT_RETRY_AFTER_CAP_MS 30000 /* longer Retry-After: give
                                               up at once (fail fast)        */
#define PF_RETRY_DEFAULT_DEADLINE_MS 120000 /* one call, all attempts and
                                               waits included: as long as a
                                               module task may take (the
                                               caller's own deadline is the
                                               usual bound), so a call may
                                               wait out a rate-limit queue  */
#define PF_RETRY_DEFAULT_BUDGET_PERCENT 20  /* retries earned per 100 first
                                               attempts                      */
#define PF_RETRY_DEFAULT_BUDGET_MIN_PER_MIN 10 /* retries per minute allowed
                                               whatever the traffic, so a
                                               quiet adapter can still retry */
#define PF_RETRY_DEFAULT_BUDGET_MAX 100     /* retries the budget can bank   */

/*  Largest cap_ms / retry_after_cap_ms / deadline_ms accepted: the jitter
    bound plus one must fit the random source's uint32_t argument.          */
#define PF_RETRY_MS_MAX (UINT32_MAX - 1u)

/*  Largest budget_percent accepted: 100 retries earned per first attempt,
    already far past any sensible budget.                                   */
#define PF_RETRY_BUDGET_PERCENT_MAX 10000u

/*  retry_after_ms argument of pf_retry_next: the response carried no
    usable Retry-After (absent, or refused by the parser).  Any negative
    value means the same.                                                   */
#define PF_RETRY_AFTER_NONE (-1)

/*  ---- configuration ----------------------------------------------------- */

typedef struct {
    uint32_t max_attempts;        /* attempts per call incl. the first; >= 1  */
    uint32_t base_ms;             /* backoff bound before the first retry; >= 1 */
    uint32_t cap_ms;              /* backoff bound ceiling; >= base_ms        */
    uint32_t retry_after_cap_ms;  /* larger Retry-After: give up at once      */
    uint32_t deadline_ms;         /* overall per call, from its first attempt; >= 1 */
    uint32_t budget_percent;      /* retries earned per 100 first attempts    */
    uint32_t budget_min_per_min;  /* retries per minute granted by time alone */
    uint32_t budget_max;          /* retries the budget can hold              */
} pf_retry_config_t;

/*  Fills cfg with the PF_RETRY_DEFAULT_* values.                           */
void pf_retry_config_defaults(pf_retry_config_t *cfg);

/*  Returns 0 when cfg is usable, PF_EINVAL otherwise: max_attempts, base_ms
    or deadline_ms zero, cap_ms < base_ms, a duration above PF_RETRY_MS_MAX,
    or budget_percent above PF_RETRY_BUDGET_PERCENT_MAX.                    */
int pf_retry_config_check(const pf_retry_config_t *cfg);

/*  ---- classification of one attempt's outcome ---------------------------- */

/*  How an attempt failed below HTTP (the adapter maps CURLcode to these).  */
typedef enum {
    PF_RETRY_NET_NONE = 0,        /* a complete HTTP response arrived         */
    PF_RETRY_NET_TIMEOUT,         /* the attempt's timeout passed             */
    PF_RETRY_NET_CONNECT,         /* connect refused or failed                */
    PF_RETRY_NET_RESET,           /* connection reset / closed mid-exchange   */
    PF_RETRY_NET_DNS,             /* the name did not resolve                 */
    PF_RETRY_NET_TLS,             /* handshake or certificate failure         */
    PF_RETRY_NET_TOO_LARGE,       /* the response exceeded our size limit     */
    PF_RETRY_NET_OTHER            /* any other transport error                */
} pf_retry_net_t;

/*  The outcome of one HTTP attempt.                                        */
typedef struct {
    pf_retry_net_t net;           /* transport result                         */
    int status;                   /* HTTP status; read only when net is NONE  */
} pf_retry_outcome_t;

/*  True when the outcome is worth another attempt: net TIMEOUT, CONNECT or
    RESET, or a response with status 429, 502, 503 or 504.  Everything else
    (DNS, TLS, TOO_LARGE, OTHER, 1xx-3xx, 4xx but 429, 500, 501, 505+ and
    statuses outside 100..599) is not.                                      */
bool pf_retry_is_retryable(const pf_retry_outcome_t *outcome);

/*  True when the outcome counts against the provider's circuit breaker:
    every transport error but TOO_LARGE (a limit of ours, not a sign of a
    sick provider), every 5xx, 429, and a status outside 100..599 (a broken
    server).  1xx-3xx and 4xx but 429 are the caller's business: false.     */
bool pf_retry_is_breaker_failure(const pf_retry_outcome_t *outcome);

/*  ---- Retry-After ------------------------------------------------------- */

/*  Parses a Retry-After header value (RFC 9110 §10.2.3): delay-seconds
    (ASCII digits only, no sign, no fraction) or an HTTP-date in any of the
    three forms (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850
    "Sunday, 06-Nov-94 08:49:37 GMT", asctime "Sun Nov  6 08:49:37 1994"),
    with optional spaces or tabs around it.  Names match case-insensitively;
    the weekday is checked to be a weekday name, not checked against the
    date.  A two-digit RFC 850 year is taken in the century that puts it at
    most 50 years after now.  Dates are GMT; a date at or before now gives 0.
    Delays too large for int64 milliseconds saturate to INT64_MAX (which is
    beyond any cap, so the call fails fast).
    Returns 0 with *delay_ms >= 0, PF_EPROTO for anything else (empty, "-1",
    "+5", "1e3", "1.5", a bad date...; the caller then uses its own
    backoff), PF_EINVAL when value or delay_ms is NULL.                     */
int pf_retry_parse_retry_after(const char *value, int64_t now_unix_ms, int64_t *delay_ms);

/*  Converts libcurl's CURLINFO_RETRY_AFTER (curl_off_t seconds) to ms.
    libcurl 7.88 reports a past HTTP-date as a negative number: clamped to
    0.  Saturates at INT64_MAX.  Note libcurl also reports 0 when there was
    no header, so an adapter that must tell "absent" from "0" parses the
    header text with pf_retry_parse_retry_after instead.                    */
int64_t pf_retry_after_from_curl(int64_t curl_seconds);

/*  ---- jitter ------------------------------------------------------------ */

/*  A uniform random integer in [0, upper_bound), upper_bound >= 1 — the
    contract of libsodium's randombytes_uniform().                          */
typedef uint32_t(pf_retry_rng_fn)(void *arg, uint32_t upper_bound);

/*  The production source: randombytes_uniform(); arg is unused.  The
    process must have called sodium_init() (the actor runtime does).        */
uint32_t pf_retry_rng_sodium(void *arg, uint32_t upper_bound);

/*  The jitter bound after `attempts` attempts (>= 1): min(cap_ms, base_ms *
    2^(attempts-1)), computed without overflow.                             */
uint32_t pf_retry_backoff_bound_ms(const pf_retry_config_t *cfg, uint32_t attempts);

/*  One full-jitter draw after `attempts` attempts: uniform in
    [0, pf_retry_backoff_bound_ms()], both ends included.                   */
uint32_t pf_retry_backoff_ms(const pf_retry_config_t *cfg, uint32_t attempts,
                             pf_retry_rng_fn *rng, void *rng_arg);

/*  ---- retry budget (one per adapter, shared by all its calls) ----------- */

/*  Budget accounting unit: one retry costs this many units; a first attempt
    earns budget_percent units.  Integers keep the arithmetic exact.        */
#define PF_RETRY_BUDGET_UNIT 100

/*  A token bucket of retries, counted in PF_RETRY_BUDGET_UNIT units:
    - it starts holding budget_min_per_min retries;
    - each first attempt earns budget_percent units (20 → a fifth of a
      retry), up to budget_max retries held;
    - time adds budget_min_per_min retries per minute, spread evenly and
      exactly (integer remainder kept), but only while it holds fewer than
      budget_min_per_min retries: time alone never banks more than one
      minute's worth;
    - a retry is allowed when a whole retry is held, and spends it.
    The capacity is max(budget_max, budget_min_per_min) retries.  A clock
    that goes backwards adds nothing.  Not thread-safe: the adapter's actor
    owns it.                                                                */
typedef struct pf_retry_budget_t pf_retry_budget_t;

/*  A budget with cfg's budget_* settings (copied), its clock starting at
    now_ms.  Returns NULL when pf_retry_config_check(cfg) fails.            */
pf_retry_budget_t *pf_retry_budget_new(const pf_retry_config_t *cfg, int64_t now_ms);

/*  Frees it; accepts NULL and a NULL *self_p; nulls *self_p.               */
void pf_retry_budget_destroy(pf_retry_budget_t **self_p);

/*  Records a first attempt (pf_retry_call_start does it).                  */
void pf_retry_budget_deposit(pf_retry_budget_t *self, int64_t now_ms);

/*  Spends one retry if one is held: returns true, or false (nothing spent)
    when the budget is empty (pf_retry_next does it).                       */
bool pf_retry_budget_withdraw(pf_retry_budget_t *self, int64_t now_ms);

/*  Whole retries held at now_ms (brings the time refill up to date).       */
uint32_t pf_retry_budget_available(pf_retry_budget_t *self, int64_t now_ms);

/*  ---- one call ---------------------------------------------------------- */

/*  The retry state of one adapter call; plain data, kept by the caller.    */
typedef struct {
    uint32_t attempts;            /* attempts started, the first included     */
    int64_t started_ms;           /* clock at the first attempt               */
    int64_t deadline_ms;          /* started_ms + cfg deadline_ms             */
} pf_retry_call_t;

/*  Why a call gives up (pf_retry_verdict_t.stop).                          */
typedef enum {
    PF_RETRY_STOP_NONE = 0,           /* not giving up: retry                 */
    PF_RETRY_STOP_NOT_RETRYABLE,      /* "not retryable"                      */
    PF_RETRY_STOP_ATTEMPTS,           /* "attempts exhausted"                 */
    PF_RETRY_STOP_BUDGET,             /* "retry budget spent"                 */
    PF_RETRY_STOP_DEADLINE,           /* "deadline would pass"                */
    PF_RETRY_STOP_RETRY_AFTER         /* "Retry-After beyond cap"             */
} pf_retry_stop_t;

/*  What to do after a failed attempt.                                      */
typedef struct {
    bool retry;                   /* true: attempt again after delay_ms       */
    int64_t delay_ms;             /* wait before the next attempt; 0 on give up */
    pf_retry_stop_t stop;         /* why not, when retry is false             */
    const char *reason;           /* static text of stop; NULL when retrying  */
} pf_retry_verdict_t;

/*  The static text of a stop reason ("" for PF_RETRY_STOP_NONE).           */
const char *pf_retry_stop_str(pf_retry_stop_t stop);

/*  Begins a call whose first attempt starts at now_ms: one attempt made,
    deadline now_ms + cfg->deadline_ms; deposits a first attempt in budget
    (may be NULL: no budget).                                               */
void pf_retry_call_start(pf_retry_call_t *call, const pf_retry_config_t *cfg,
                         pf_retry_budget_t *budget, int64_t now_ms);

/*  Milliseconds left before the call's deadline at now_ms, >= 0: the most
    the next attempt's own timeout should be.                               */
int64_t pf_retry_call_remaining_ms(const pf_retry_call_t *call, int64_t now_ms);

/*  Decides after a failed attempt, checking in this order:
    1. outcome not retryable                       → "not retryable"
    2. cfg->max_attempts attempts made             → "attempts exhausted"
    3. retry_after_ms > cfg->retry_after_cap_ms    → "Retry-After beyond cap"
    4. delay = max(retry_after_ms, full-jitter draw) (retry_after_ms < 0:
       none, the draw alone); now_ms + delay >= deadline → "deadline would
       pass" (the next attempt would have no time left)
    5. budget (may be NULL) holds no retry         → "retry budget spent"
    On a retry the call counts the next attempt and the budget pays one
    retry; on a give-up neither changes, and no random number is drawn
    before step 4.  Fills *verdict; always succeeds.                        */
void pf_retry_next(pf_retry_call_t *call, const pf_retry_config_t *cfg,
                   pf_retry_budget_t *budget, const pf_retry_outcome_t *outcome,
                   int64_t retry_after_ms, int64_t now_ms, pf_retry_rng_fn *rng,
                   void *rng_arg, pf_retry_verdict_t *verdict);

#ifdef __cplusplus
}
#endif
#endif
