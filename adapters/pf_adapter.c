/*  pf_adapter.c — cache → breaker → limiter → HTTP → retry, on the actor's
    loop (see pf_adapter.h).

    A *fetch* is one distinct request (one fetch key) being obtained; the
    call that started it is its starter, identical calls that arrive while
    it runs join it through the cache (pf_cache keeps them) and are
    answered when it ends.  A fetch is always in exactly one place: the
    limiter queue, the session wait list (Yahoo, no crumb yet), an HTTP
    transfer, or a backoff timer.  Yahoo's session is two fetches of their
    own (the cookie page, then the crumb) that go through the same queue,
    breaker and limiter as every other request to Yahoo.                   */
#include "pf_adapter.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/timerfd.h>
#include <unistd.h>

#include <zmq.h>

#include "pf_alloc.h"
#include "pf_cache.h"
#include "pf_clock.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_http.h"
#include "pf_msgpack.h"
#include "pf_provider_yahoo.h"

/*  Crumb placeholder used to compute a fetch key before a session exists:
    fetch keys never contain the crumb, so any value does.                 */
#define S_NO_CRUMB "-"
#define S_CRUMB_MAX 128
/*  A half-open probe's permit lasts one attempt's timeout plus this.       */
#define S_PROBE_MARGIN_MS 5000
/*  Environment variable names: "PF_" NAME "_" SETTING.                     */
#define S_ENV_NAME_MAX 96

typedef enum {
    S_KIND_OP = 0,              /* an operation's request                  */
    S_KIND_COOKIE,              /* Yahoo: the page that sets the cookie    */
    S_KIND_CRUMB                /* Yahoo: the crumb                        */
} s_kind_t;

typedef enum {
    S_AT_QUEUE = 0,             /* waiting for the limiter                 */
    S_AT_SESSION,               /* waiting for Yahoo's session             */
    S_AT_HTTP,                  /* transfer running                        */
    S_AT_BACKOFF                /* waiting to retry                        */
} s_where_t;

typedef struct s_fetch_t s_fetch_t;
struct s_fetch_t {
    s_fetch_t *prev, *next;             /* in the queue or session list    */
    s_fetch_t *all_prev, *all_next;     /* every live fetch                */
    pf_adapter_t *adapter;
    s_kind_t kind;
    s_where_t where;
    const pf_provider_op_t *op;         /* S_KIND_OP                       */
    pf_value_t *args;                   /* the starter's arguments (copy)  */
    pf_call_t *starter;                 /* the call that started it        */
    char *key;                          /* fetch key: the request without
                                           secrets (the cache's key); the
                                           request itself is built at each
                                           send, with the current crumb   */
    pf_retry_call_t retry;              /* attempts and deadline           */
    bool started;                       /* retry.started_ms is set         */
    int64_t deadline_ms;                /* monotonic: the latest deadline
                                           of its callers, never past the
                                           configured one from arrival    */
    pf_breaker_permit_t permit;         /* of the running attempt          */
    uint64_t http_id;                   /* running transfer                */
    uint64_t timer_id;                  /* backoff timer                   */
    bool throttle_told;                 /* api.throttled already sent      */
    bool session_renewed;               /* Yahoo: renewed once for it      */
    uint64_t sent_gen;                  /* Yahoo: session it was sent with */
};

struct pf_adapter_t {
    const pf_provider_t *provider;
    pf_adapter_config_t cfg;
    pf_actor_t *actor;
    pf_http_t *http;
    pf_cache_t *cache;
    pf_breaker_t *breaker;
    pf_limiter_t *limiter;
    pf_retry_budget_t *budget;
    s_fetch_t *queue_head, *queue_tail; /* FIFO for the limiter            */
    uint32_t queued;
    s_fetch_t *session_head;            /* waiting for a crumb, FIFO       */
    s_fetch_t *session_tail;
    uint32_t session_waiting;           /* of them                         */
    uint64_t session_gen;               /* bumped with every new crumb     */
    s_fetch_t *all;                     /* every live fetch                */
    /*  The limiter's wake-up: a timerfd on the monotonic clock, armed at
        the exact microsecond the next token is due.  The actor's own
        timers have millisecond steps; at 100 requests/s their rounding
        alone would stretch the schedule by several per cent.              */
    int pump_fd;                        /* timerfd, watched for POLLIN     */
    bool pump_armed;                    /* armed                           */
    int64_t pump_due_us;                /* when it fires                   */
    uint64_t curl_timer;                /* libcurl's timer, 0 = none       */
    char crumb[S_CRUMB_MAX];            /* Yahoo session, "" = none        */
    bool session_running;               /* cookie/crumb fetch under way    */
    size_t held;                        /* calls held (starters + joined)  */
    uint32_t consecutive_failures;      /* for api.breaker's "failures"    */
    /*  The decoded answer of the last fetch of an operation with select()
        (SEC's ticker table): select runs on it without decoding the cached
        bytes again.                                                        */
    char memo_key[PF_PROVIDER_URL_MAX];
    pf_value_t *memo;
    int64_t memo_until_ms;
    pf_provider_request_t scratch;      /* the request being built/sent    */
    pf_adapter_stats_t stats;
};

/* ------------------------------------------------------------ config */

void
pf_adapter_config_defaults(pf_adapter_config_t *cfg, const pf_provider_t *provider)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->user_agent, sizeof cfg->user_agent, "%s", PF_ADAPTER_USER_AGENT);
    cfg->limiter.per_minute = provider->limits.per_minute;
    cfg->limiter.burst = PF_LIMITER_DEFAULT_BURST;
    cfg->limiter.concurrency = provider->limits.concurrency;
    cfg->limiter.margin_permille = PF_ADAPTER_DEFAULT_RATE_MARGIN_PERMILLE;
    pf_breaker_config_defaults(&cfg->breaker);
    cfg->breaker.failures = provider->limits.breaker_failures;
    cfg->breaker.recovery_ms = provider->limits.breaker_recovery_s * 1000u;
    cfg->breaker.probes = PF_ADAPTER_DEFAULT_PROBES;
    pf_retry_config_defaults(&cfg->retry);
    cfg->attempt_timeout_ms = PF_ADAPTER_DEFAULT_ATTEMPT_TIMEOUT_MS;
    cfg->max_bytes = PF_HTTP_DEFAULT_MAX_BYTES;
    cfg->cache_entries = PF_CACHE_DEFAULT_ENTRIES;
    cfg->cache_bytes = PF_CACHE_DEFAULT_BYTES;
    cfg->queue_max = PF_ADAPTER_DEFAULT_QUEUE_MAX;
}

/*  The environment variable PF_<NAME>_<setting>, or NULL.                 */
static const char *
s_env(const pf_provider_t *provider, const char *setting, char *name, size_t size)
{
    int n = snprintf(name, size, "PF_%s_%s", provider->name, setting);
    if (n < 0 || (size_t)n >= size)
        return NULL;
    for (char *p = name; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/*  Reads one numeric setting into *out when its variable is set.          */
static int
s_env_u32(const pf_provider_t *provider, const char *setting, uint32_t min, uint32_t max,
          uint32_t *out, const char **bad)
{
    static __thread char name[S_ENV_NAME_MAX];
    const char *v = s_env(provider, setting, name, sizeof name);
    if (!v)
        return PF_OK;
    if (pf_config_parse_u32(v, min, max, out) != PF_OK) {
        *bad = name;
        return PF_EINVAL;
    }
    return PF_OK;
}

/*  Copies a text setting when its variable is set.                         */
static int
s_env_text(const pf_provider_t *provider, const char *setting, char *out, size_t size,
           const char **bad)
{
    static __thread char name[S_ENV_NAME_MAX];
    const char *v = s_env(provider, setting, name, sizeof name);
    if (!v)
        return PF_OK;
    if (strlen(v) >= size) {
        *bad = name;
        return PF_EINVAL;
    }
    snprintf(out, size, "%s", v);
    return PF_OK;
}

int
pf_adapter_config_from_env(pf_adapter_config_t *cfg_out, const pf_provider_t *provider,
                           const char **bad)
{
    /*  Work on a copy: cfg_out changes only when every variable is good.  */
    pf_adapter_config_t copy = *cfg_out;
    pf_adapter_config_t *cfg = &copy;
    const char *dummy;
    if (!bad)
        bad = &dummy;
    const char *ua = getenv("PF_USER_AGENT");
    if (ua && *ua) {
        if (strlen(ua) >= sizeof cfg->user_agent) {
            *bad = "PF_USER_AGENT";
            return PF_EINVAL;
        }
        snprintf(cfg->user_agent, sizeof cfg->user_agent, "%s", ua);
    }
    static __thread char cache_name[S_ENV_NAME_MAX];
    const char *cache = s_env(provider, "CACHE", cache_name, sizeof cache_name);
    if (cache) {
        if (strcmp(cache, "on") == 0)
            cfg->cache_off = false;
        else if (strcmp(cache, "off") == 0)
            cfg->cache_off = true;
        else {
            *bad = cache_name;
            return PF_EINVAL;
        }
    }
    if (s_env_text(provider, "KEY", cfg->key, sizeof cfg->key, bad) ||
        s_env_text(provider, "BASE", cfg->base, sizeof cfg->base, bad) ||
        s_env_text(provider, "USER_AGENT", cfg->user_agent, sizeof cfg->user_agent, bad) ||
        s_env_u32(provider, "RPM", 1, PF_LIMITER_MAX_PER_MINUTE, &cfg->limiter.per_minute, bad) ||
        s_env_u32(provider, "BURST", 1, 100000, &cfg->limiter.burst, bad) ||
        s_env_u32(provider, "CONCURRENCY", 1, 10000, &cfg->limiter.concurrency, bad) ||
        s_env_u32(provider, "RATE_MARGIN_PERMILLE", 0, PF_LIMITER_MAX_MARGIN_PERMILLE,
                  &cfg->limiter.margin_permille, bad) ||
        s_env_u32(provider, "BREAKER_FAILURES", 1, 1000000, &cfg->breaker.failures, bad) ||
        s_env_u32(provider, "BREAKER_RECOVERY_MS", 1, 86400000, &cfg->breaker.recovery_ms, bad) ||
        s_env_u32(provider, "BREAKER_PROBES", 1, PF_BREAKER_MAX_PROBES, &cfg->breaker.probes,
                  bad) ||
        s_env_u32(provider, "RETRY_ATTEMPTS", 1, 100, &cfg->retry.max_attempts, bad) ||
        s_env_u32(provider, "RETRY_BASE_MS", 1, 3600000, &cfg->retry.base_ms, bad) ||
        s_env_u32(provider, "RETRY_CAP_MS", 1, 3600000, &cfg->retry.cap_ms, bad) ||
        s_env_u32(provider, "RETRY_AFTER_CAP_MS", 0, 3600000, &cfg->retry.retry_after_cap_ms,
                  bad) ||
        s_env_u32(provider, "DEADLINE_MS", 1, 3600000, &cfg->retry.deadline_ms, bad) ||
        s_env_u32(provider, "TIMEOUT_MS", 1, 3600000, &cfg->attempt_timeout_ms, bad))
        return PF_EINVAL;
    *cfg_out = copy;
    return PF_OK;
}

int
pf_adapter_config_check(const pf_adapter_config_t *cfg, const pf_provider_t *provider,
                        char *why, size_t why_size)
{
    if (cfg->base[0] && !pf_http_url_allowed(cfg->base)) {
        snprintf(why, why_size, "base URL %s: only https, or http to a loopback host", cfg->base);
        return PF_EINVAL;
    }
    if (!cfg->base[0] && provider->key_required && !cfg->key[0]) {
        snprintf(why, why_size,
                 "%s needs an API key (set %s), or the base URL of pf-fakeapi (--base)",
                 provider->title, provider->key_env ? provider->key_env : "its key");
        return PF_EINVAL;
    }
    if (strcmp(provider->name, "sec_edgar") == 0 && !strchr(cfg->user_agent, '@')) {
        snprintf(why, why_size,
                 "SEC EDGAR requires a User-Agent with a contact e-mail address, e.g. "
                 "PF_SEC_EDGAR_USER_AGENT=\"Example Corp ops@example.com\"");
        return PF_EINVAL;
    }
    pf_limiter_t *limiter = pf_limiter_new(&cfg->limiter);
    pf_breaker_t *breaker = pf_breaker_new(&cfg->breaker, NULL, NULL);
    bool ok = limiter && breaker && cfg->breaker.recovery_ms > 0 &&
              pf_retry_config_check(&cfg->retry) == PF_OK &&
              cfg->attempt_timeout_ms > 0 && cfg->max_bytes > 0 && cfg->cache_entries > 0 &&
              cfg->cache_bytes > 0 && cfg->queue_max > 0;
    pf_limiter_destroy(&limiter);
    pf_breaker_destroy(&breaker);
    if (!ok) {
        snprintf(why, why_size, "a limit, breaker, retry or cache setting is out of range");
        return PF_EINVAL;
    }
    return PF_OK;
}

/* ------------------------------------------------------------ tap */

static void
s_emit(pf_adapter_t *self, const char *topic, pf_value_t *body)
{
    pf_map_set_str(body, "api", self->provider->name);
    if (self->actor && pf_actor_connected(self->actor))
        pf_actor_emit(self->actor, topic, &body);
    pf_value_destroy(&body);
}

static void
s_on_breaker_change(void *arg, pf_breaker_state_t from, pf_breaker_state_t to, const char *why)
{
    pf_adapter_t *self = arg;
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "state", pf_breaker_state_name(to));
    pf_map_set_str(body, "from", pf_breaker_state_name(from));
    pf_map_set_int(body, "failures", self->consecutive_failures);
    pf_map_set_str(body, "reason", why ? why : "");
    s_emit(self, "api.breaker", body);
    fprintf(stderr, "pf adapter %s: circuit %s -> %s (%s)\n", self->provider->name,
            pf_breaker_state_name(from), pf_breaker_state_name(to), why ? why : "");
}

/* ------------------------------------------------------------ lists */

static void
s_queue_push(pf_adapter_t *self, s_fetch_t *f, bool front)
{
    f->where = S_AT_QUEUE;
    f->prev = f->next = NULL;
    if (!self->queue_head) {
        self->queue_head = self->queue_tail = f;
    } else if (front) {
        f->next = self->queue_head;
        self->queue_head->prev = f;
        self->queue_head = f;
    } else {
        f->prev = self->queue_tail;
        self->queue_tail->next = f;
        self->queue_tail = f;
    }
    self->queued++;
}

static void
s_queue_remove(pf_adapter_t *self, s_fetch_t *f)
{
    if (f->prev)
        f->prev->next = f->next;
    else
        self->queue_head = f->next;
    if (f->next)
        f->next->prev = f->prev;
    else
        self->queue_tail = f->prev;
    f->prev = f->next = NULL;
    self->queued--;
}

static void
s_session_push(pf_adapter_t *self, s_fetch_t *f)
{
    f->where = S_AT_SESSION;
    f->next = NULL;
    f->prev = self->session_tail;
    if (self->session_tail)
        self->session_tail->next = f;
    else
        self->session_head = f;
    self->session_tail = f;
    self->session_waiting++;
}

static void
s_session_remove(pf_adapter_t *self, s_fetch_t *f)
{
    if (f->prev)
        f->prev->next = f->next;
    else
        self->session_head = f->next;
    if (f->next)
        f->next->prev = f->prev;
    else
        self->session_tail = f->prev;
    f->prev = f->next = NULL;
    self->session_waiting--;
}

static s_fetch_t *
s_fetch_new(pf_adapter_t *self, s_kind_t kind)
{
    s_fetch_t *f = pf_calloc(1, sizeof *f);
    f->adapter = self;
    f->kind = kind;
    f->all_next = self->all;
    if (self->all)
        self->all->all_prev = f;
    self->all = f;
    return f;
}

static void
s_fetch_free(pf_adapter_t *self, s_fetch_t *f)
{
    if (f->all_prev)
        f->all_prev->all_next = f->all_next;
    else
        self->all = f->all_next;
    if (f->all_next)
        f->all_next->all_prev = f->all_prev;
    pf_value_destroy(&f->args);
    free(f->key);
    free(f);
}

/* ------------------------------------------------------------ answers */

/*  Provenance of an answer.                                                */
static pf_value_t *
s_provenance(pf_adapter_t *self, const pf_value_t *entry, const char *source, int64_t age_ms,
             bool deduplicated)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "provider", self->provider->name);
    pf_map_set_str(p, "endpoint", pf_map_get_str(entry, "endpoint"));
    pf_map_set_str(p, "op", pf_map_get_str(entry, "op"));
    const char *origin = pf_map_get_str(entry, "origin");
    pf_map_set_str(p, "source", source ? source : origin);
    pf_map_set_str(p, "origin", origin);
    pf_map_set_int(p, "fetched_at", pf_map_get_int(entry, "fetched_at", 0));
    pf_map_set_int(p, "age_ms", age_ms);
    pf_map_set_int(p, "status", pf_map_get_int(entry, "status", 0));
    pf_map_set_str(p, "request", pf_map_get_str(entry, "request"));
    pf_map_set_bool(p, "deduplicated", deduplicated);
    return p;
}

/*  Answers *call_p from a cache entry {data, origin, fetched_at, …}.       */
static void
s_answer(pf_adapter_t *self, pf_call_t **call_p, const pf_provider_op_t *op,
         const pf_value_t *entry, const char *source, int64_t age_ms, bool deduplicated)
{
    const pf_value_t *data = pf_map_get(entry, "data");
    pf_value_t *answer = NULL;
    if (op && op->select) {
        pf_provider_error_t err = {{0}, {0}};
        if (op->select(data, pf_call_args(*call_p), &answer, &err) != PF_OK) {
            self->stats.failures++;
            self->held--;
            pf_actor_reply_fail(self->actor, call_p, err.code[0] ? err.code : "not_found",
                                err.message);
            return;
        }
    } else {
        answer = pf_value_dup(data);
    }
    pf_value_t *reply = pf_value_map();
    pf_map_set(reply, "data", &answer);
    pf_value_t *prov = s_provenance(self, entry, source, age_ms, deduplicated);
    pf_map_set(reply, "provenance", &prov);
    self->held--;
    pf_actor_reply(self->actor, call_p, &reply);
}

static void
s_fail_call(pf_adapter_t *self, pf_call_t **call_p, const char *code, const char *message)
{
    self->stats.failures++;
    self->held--;
    pf_actor_reply_fail(self->actor, call_p, code, message);
}

/*  Hands the joined waiters of key back: answered from entry, or failed
    with code/message when entry is NULL.                                    */
static void
s_finish_waiters(pf_adapter_t *self, const char *key, const pf_provider_op_t *op,
                 const pf_value_t *entry, const uint8_t *bytes, size_t size, uint32_t ttl_ms,
                 const char *code, const char *message)
{
    size_t max = self->held ? self->held : 1;
    void **waiters = pf_malloc(max * sizeof *waiters);
    size_t n = pf_cache_finish(self->cache, key, strlen(key), entry != NULL, bytes, size, ttl_ms,
                               pf_clock_mono_ms(), waiters, max);
    if (n > max)
        n = max;   /* cannot happen: every joined waiter is a held call      */
    for (size_t i = 0; i < n; i++) {
        pf_call_t *call = waiters[i];
        if (entry)
            s_answer(self, &call, op, entry, NULL, 0, true);
        else
            s_fail_call(self, &call, code, message);
    }
    free(waiters);
}

static void s_session_failed(pf_adapter_t *self, const char *message);

/*  The fetch failed for good: its starter and joined calls get code; a
    session fetch fails every request waiting for the session.             */
static void
s_fetch_fail(pf_adapter_t *self, s_fetch_t *f, const char *code, const char *message)
{
    if (f->kind != S_KIND_OP) {
        s_fetch_free(self, f);
        s_session_failed(self, message);
        return;
    }
    {
        if (f->starter)
            s_fail_call(self, &f->starter, code, message);
        s_finish_waiters(self, f->key, f->op, NULL, NULL, 0, 0, code, message);
    }
    s_fetch_free(self, f);
}

/* ------------------------------------------------------------ sending */

static void s_pump(pf_adapter_t *self);
static void s_session_start(pf_adapter_t *self);

/*  Builds f's request into req with the current crumb (a placeholder
    when there is none yet: fetch keys never contain the crumb).            */
static int
s_build(pf_adapter_t *self, const s_fetch_t *f, pf_provider_request_t *req,
        pf_provider_error_t *err)
{
    pf_provider_conf_t conf = {
        .key = self->cfg.key,
        .base = self->cfg.base[0] ? self->cfg.base : NULL,
        .user_agent = self->cfg.user_agent,
        .crumb = self->crumb[0] ? self->crumb : S_NO_CRUMB,
    };
    memset(req, 0, sizeof *req);
    if (f->kind == S_KIND_OP)
        return f->op->build(&conf, f->args, req, err);
    const pf_provider_t *p = self->provider;
    int host = f->kind == S_KIND_COOKIE ? 1 : 0;
    const char *path = f->kind == S_KIND_COOKIE ? p->session_cookie_path : p->session_crumb_path;
    if (pf_provider_url(p, &conf, host, path, req->url, sizeof req->url) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "session URL too long");
    snprintf(req->fetch_key, sizeof req->fetch_key, "%s", req->url);
    return PF_OK;
}

/*  True when the request already names a User-Agent.                       */
static bool
s_has_user_agent(const pf_provider_request_t *req)
{
    for (size_t i = 0; i < req->header_count; i++)
        if (strncasecmp(req->headers[i], "user-agent:", 11) == 0)
            return true;
    return false;
}

static void s_on_http(void *arg, const pf_http_result_t *res);

/*  Gives back what s_pump took for f (its limiter slot, its breaker
    permit) when no request is made after all: nothing is counted.         */
static void
s_unsent(pf_adapter_t *self, s_fetch_t *f, int64_t now)
{
    pf_limiter_release(self->limiter);
    pf_breaker_cancel(self->breaker, &f->permit, now);
}

/*  Starts f's next attempt; it holds a limiter slot and breaker permit.    */
static void
s_send(pf_adapter_t *self, s_fetch_t *f)
{
    int64_t now = pf_clock_mono_ms();
    if (f->kind == S_KIND_OP && f->op->needs_session && !self->crumb[0]) {
        /*  The session went away while f was queued (a stale crumb seen by
            another request): wait for the new one instead of sending a
            request that cannot succeed.                                    */
        s_unsent(self, f, now);
        s_session_push(self, f);
        s_session_start(self);
        return;
    }
    if (!f->started) {
        pf_retry_call_start(&f->retry, &self->cfg.retry, self->budget, now);
        f->started = true;
    }
    f->retry.deadline_ms = f->deadline_ms;   /* a later joiner may extend it */
    f->sent_gen = self->session_gen;
    pf_provider_error_t err = {{0}, {0}};
    pf_provider_request_t *req = &self->scratch;
    if (s_build(self, f, req, &err) != PF_OK) {
        s_unsent(self, f, now);
        s_fetch_fail(self, f, err.code[0] ? err.code : "invalid_args", err.message);
        return;
    }
    int64_t remaining = pf_retry_call_remaining_ms(&f->retry, now);
    if (remaining <= 0) {
        s_unsent(self, f, now);
        s_fetch_fail(self, f, "timeout", "the call's deadline passed before the request");
        return;
    }
    uint32_t timeout = self->cfg.attempt_timeout_ms;
    if (remaining < timeout)
        timeout = (uint32_t)remaining;
    const char *headers[PF_PROVIDER_HEADERS_MAX + 1];
    char ua[PF_ADAPTER_TEXT_MAX + 16];
    size_t count = 0;
    for (size_t i = 0; i < req->header_count; i++)
        headers[count++] = req->headers[i];
    if (!s_has_user_agent(req) && self->cfg.user_agent[0]) {
        snprintf(ua, sizeof ua, "User-Agent: %s", self->cfg.user_agent);
        headers[count++] = ua;
    }
    const char *why = NULL;
    uint64_t id = pf_http_get(self->http, req->url, headers, count, timeout,
                              self->cfg.max_bytes, s_on_http, f, &why);
    if (id == 0) {
        s_unsent(self, f, now);
        s_fetch_fail(self, f, "transport_error", why ? why : "the request could not start");
        return;
    }
    f->where = S_AT_HTTP;
    f->http_id = id;
    self->stats.http_requests++;
}

static void
s_on_pump_fd(pf_actor_t *actor, int fd, int revents, void *arg)
{
    pf_adapter_t *self = arg;
    uint64_t expirations;
    if (read(fd, &expirations, sizeof expirations) != (ssize_t)sizeof expirations)
        return;   /* spurious wake-up: not due yet                          */
    self->pump_armed = false;
    s_pump(self);
}

/*  Arms the pump's timerfd for due_us (monotonic µs) unless it is armed
    for earlier already.                                                     */
static void
s_pump_at(pf_adapter_t *self, int64_t due_us)
{
    if (self->pump_armed && self->pump_due_us <= due_us)
        return;
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = due_us / 1000000;
    its.it_value.tv_nsec = (long)(due_us % 1000000) * 1000;
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1;   /* all zero would disarm it              */
    if (timerfd_settime(self->pump_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0) {
        self->pump_armed = true;
        self->pump_due_us = due_us;
    }
}

static void
s_tell_throttled(pf_adapter_t *self, s_fetch_t *f, int64_t wait_us, const char *reason)
{
    if (f->throttle_told)
        return;
    f->throttle_told = true;
    self->stats.throttled++;
    pf_value_t *body = pf_value_map();
    pf_map_set_int(body, "wait_ms", (wait_us + 999) / 1000);
    pf_map_set_str(body, "reason", reason);
    pf_map_set_int(body, "queued", self->queued);
    if (f->op)
        pf_map_set_str(body, "op", f->op->name);
    s_emit(self, "api.throttled", body);
}

/*  Lets queued requests go as far as the breaker and the limiter allow.   */
static void
s_pump(pf_adapter_t *self)
{
    while (self->queue_head) {
        s_fetch_t *f = self->queue_head;
        int64_t now_us = pf_clock_mono_us();
        int64_t now = now_us / 1000;
        if (now >= f->deadline_ms) {
            /*  Every caller has given up: no token is spent on it.        */
            s_queue_remove(self, f);
            s_fetch_fail(self, f, "timeout",
                         "the call's deadline passed while it waited for the rate limit");
            continue;
        }
        if (f->kind == S_KIND_OP && f->op->needs_session && !self->crumb[0]) {
            /*  The crumb went stale while it was queued: it waits for the
                new session without spending a token.                      */
            s_queue_remove(self, f);
            s_session_push(self, f);
            s_session_start(self);
            continue;
        }
        /*  However long the head waits below, wake up by its deadline.    */
        int64_t head_due_us = f->deadline_ms * 1000;
        int64_t retry_in = 0;
        if (!pf_breaker_would_allow(self->breaker, now, &retry_in)) {
            if (pf_breaker_state(self->breaker, now) == PF_BREAKER_OPEN) {
                s_queue_remove(self, f);
                self->stats.breaker_refusals++;
                s_fetch_fail(self, f, "breaker_open",
                             "the provider's circuit breaker is open after repeated failures");
                continue;
            }
            /*  Half-open with every probe out: wait for the probe's answer
                (it pumps) or for its permit to lapse — no token is spent. */
            int64_t due = now_us + (retry_in > 0 ? retry_in : 1) * 1000;
            s_pump_at(self, due < head_due_us ? due : head_due_us);
            return;
        }
        int64_t wait_us = 0;
        if (pf_limiter_acquire(self->limiter, now_us, &wait_us) != PF_OK) {
            s_tell_throttled(self, f, wait_us, wait_us > 0 ? "rate" : "concurrency");
            int64_t due = wait_us > 0 ? now_us + wait_us : head_due_us;
            s_pump_at(self, due < head_due_us ? due : head_due_us);
            return;   /* a release, the timer or the deadline pumps        */
        }
        if (pf_breaker_acquire(self->breaker, now, &f->permit, &retry_in) != PF_OK) {
            /*  Cannot happen after would_allow on the same clock reading;
                handled as a refusal all the same.                          */
            pf_limiter_release(self->limiter);
            s_queue_remove(self, f);
            self->stats.breaker_refusals++;
            s_fetch_fail(self, f, "breaker_open",
                         "the provider's circuit breaker is testing recovery");
            continue;
        }
        s_queue_remove(self, f);
        s_send(self, f);
    }
}

static void
s_on_backoff(pf_actor_t *actor, uint64_t timer_id, void *arg)
{
    s_fetch_t *f = arg;
    f->timer_id = 0;
    s_queue_push(f->adapter, f, true);
    s_pump(f->adapter);
}

/* ------------------------------------------------------------ outcomes */

/*  The error code of an attempt that gives up.                             */
static const char *
s_error_code(const pf_http_result_t *res)
{
    switch (res->net) {
    case PF_RETRY_NET_NONE:
        if (res->status == 429)
            return "rate_limited";
        return "provider_unavailable";
    case PF_RETRY_NET_TIMEOUT:
        return "timeout";
    case PF_RETRY_NET_CONNECT:
        return "connect_failed";
    case PF_RETRY_NET_RESET:
        return "connection_reset";
    case PF_RETRY_NET_DNS:
        return "dns_failed";
    case PF_RETRY_NET_TLS:
        return "tls_failed";
    case PF_RETRY_NET_TOO_LARGE:
        return "response_too_large";
    default:
        return "transport_error";
    }
}

/*  "live", or pf-fakeapi's mark when the base URL is overridden.           */
static const char *
s_origin(const pf_adapter_t *self, const pf_http_result_t *res)
{
    if (self->cfg.base[0] && res->source) {
        if (strcmp(res->source, "fixture") == 0)
            return "fixture";
        if (strcmp(res->source, "synthetic") == 0)
            return "synthetic";
    }
    return "live";
}

static void
s_tell_call(pf_adapter_t *self, const s_fetch_t *f, const pf_http_result_t *res,
            const char *code)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "endpoint",
                   f->kind == S_KIND_OP ? f->op->endpoint
                   : f->kind == S_KIND_COOKIE ? self->provider->session_cookie_path
                                              : self->provider->session_crumb_path);
    if (f->op)
        pf_map_set_str(body, "op", f->op->name);
    if (res->net == PF_RETRY_NET_NONE)
        pf_map_set_int(body, "status", res->status);
    else
        pf_map_set_str(body, "status", code);
    pf_map_set_int(body, "duration_ms", res->elapsed_ms);
    pf_map_set_bool(body, "cached", false);
    pf_map_set_int(body, "attempt", f->retry.attempts);
    s_emit(self, "api.call", body);
}

/*  An operation's answer arrived (any status the retry layer let through). */
static void
s_op_answered(pf_adapter_t *self, s_fetch_t *f, const pf_http_result_t *res)
{
    pf_value_t *data = NULL;
    pf_provider_error_t err = {{0}, {0}};
    int rc = f->op->parse(res->status, (const char *)res->body, res->size, &data, &err);
    if (rc != PF_OK) {
        if (f->op->needs_session && strcmp(err.code, "session_expired") == 0 &&
            !f->session_renewed) {
            /*  The crumb went stale: renew it once for this request — unless
                it was sent with an older crumb than the current one (a
                renewal already happened): then just try again with it.    */
            f->session_renewed = true;
            if (f->sent_gen == self->session_gen) {
                self->crumb[0] = '\0';
                s_session_push(self, f);
                s_session_start(self);
            } else {
                s_queue_push(self, f, true);
            }
            return;
        }
        s_fetch_fail(self, f, err.code[0] ? err.code : "bad_response", err.message);
        return;
    }
    pf_value_t *entry = pf_value_map();
    pf_map_set(entry, "data", &data);
    pf_map_set_str(entry, "origin", s_origin(self, res));
    pf_map_set_int(entry, "fetched_at", pf_clock_unix_ms());
    pf_map_set_int(entry, "status", res->status);
    pf_map_set_str(entry, "endpoint", f->op->endpoint);
    pf_map_set_str(entry, "op", f->op->name);
    pf_map_set_str(entry, "request", f->key);
    uint8_t *bytes = NULL;
    size_t size = 0;
    uint32_t ttl_ms = self->cfg.cache_off ? 0 : f->op->ttl_s * 1000u;
    if (pf_msgpack_encode(entry, &bytes, &size) != PF_OK)
        ttl_ms = 0;
    if (f->op->select && ttl_ms) {
        pf_value_destroy(&self->memo);
        snprintf(self->memo_key, sizeof self->memo_key, "%s", f->key);
        self->memo = pf_value_dup(entry);
        self->memo_until_ms = pf_clock_mono_ms() + ttl_ms;
    }
    if (f->starter)
        s_answer(self, &f->starter, f->op, entry, NULL, 0, false);
    s_finish_waiters(self, f->key, f->op, entry, bytes, size, ttl_ms, NULL, NULL);
    free(bytes);
    pf_value_destroy(&entry);
    s_fetch_free(self, f);
}

/*  A 429 (or a 503 with Retry-After) is the provider asking every client
    of ours to slow down, not only this request: hold the whole limiter
    for the time it asked (clamped to the cap), or for this request's
    backoff when it named none.                                             */
static void
s_hold_after_refusal(pf_adapter_t *self, const pf_http_result_t *res, int64_t retry_after,
                     const pf_retry_verdict_t *verdict)
{
    if (res->net != PF_RETRY_NET_NONE ||
        !(res->status == 429 || (res->status == 503 && retry_after >= 0)))
        return;
    int64_t hold_ms = retry_after >= 0 ? retry_after : verdict->retry ? verdict->delay_ms : 0;
    if (hold_ms > self->cfg.retry.retry_after_cap_ms)
        hold_ms = self->cfg.retry.retry_after_cap_ms;
    if (hold_ms <= 0)
        return;
    pf_limiter_hold(self->limiter, pf_clock_mono_us() + hold_ms * 1000);
    pf_value_t *body = pf_value_map();
    pf_map_set_int(body, "wait_ms", hold_ms);
    pf_map_set_str(body, "reason", "provider");
    pf_map_set_int(body, "queued", self->queued);
    s_emit(self, "api.throttled", body);
}

static void
s_on_http(void *arg, const pf_http_result_t *res)
{
    s_fetch_t *f = arg;
    pf_adapter_t *self = f->adapter;
    int64_t now = pf_clock_mono_ms();
    f->http_id = 0;
    pf_limiter_release(self->limiter);
    pf_retry_outcome_t outcome = {.net = res->net, .status = (int)res->status};
    bool failure = pf_retry_is_breaker_failure(&outcome);
    self->consecutive_failures = failure ? self->consecutive_failures + 1 : 0;
    pf_breaker_report(self->breaker, &f->permit, failure, now);
    const char *code = s_error_code(res);
    s_tell_call(self, f, res, code);

    if (pf_retry_is_retryable(&outcome)) {
        int64_t retry_after = PF_RETRY_AFTER_NONE;
        if (res->retry_after &&
            pf_retry_parse_retry_after(res->retry_after, pf_clock_unix_ms(), &retry_after) != 0)
            retry_after = PF_RETRY_AFTER_NONE;
        pf_retry_verdict_t verdict;
        f->retry.deadline_ms = f->deadline_ms;   /* a joiner may have extended it */
        pf_retry_next(&f->retry, &self->cfg.retry, self->budget, &outcome, retry_after, now,
                      pf_retry_rng_sodium, NULL, &verdict);
        s_hold_after_refusal(self, res, retry_after, &verdict);
        if (verdict.retry) {
            self->stats.retries++;
            f->where = S_AT_BACKOFF;
            f->timer_id = pf_actor_timer_add(self->actor, (uint32_t)verdict.delay_ms,
                                             s_on_backoff, f);
        } else {
            char message[PF_PROVIDER_MESSAGE_MAX];
            if (res->net == PF_RETRY_NET_NONE)
                snprintf(message, sizeof message, "HTTP %ld after %u attempt(s): %s",
                         res->status, f->retry.attempts, verdict.reason);
            else
                snprintf(message, sizeof message, "%s after %u attempt(s): %s",
                         res->error ? res->error : code, f->retry.attempts, verdict.reason);
            s_fetch_fail(self, f, code, message);
        }
        s_pump(self);
        return;
    }
    if (res->net != PF_RETRY_NET_NONE) {
        s_fetch_fail(self, f, code, res->error ? res->error : code);
        s_pump(self);
        return;
    }
    switch (f->kind) {
    case S_KIND_OP:
        s_op_answered(self, f, res);
        break;
    case S_KIND_COOKIE:
        /*  fc.yahoo.com answers 404 with the cookie; any answer will do.  */
        f->kind = S_KIND_CRUMB;
        f->started = false;
        f->throttle_told = false;
        f->deadline_ms = pf_clock_mono_ms() + self->cfg.retry.deadline_ms;
        if (s_build(self, f, &self->scratch, &(pf_provider_error_t){{0}, {0}}) != PF_OK) {
            s_fetch_free(self, f);
            s_session_failed(self, "crumb URL too long");
            break;
        }
        free(f->key);
        f->key = pf_strdup(self->scratch.url);
        s_queue_push(self, f, true);
        break;
    case S_KIND_CRUMB: {
        pf_provider_error_t err = {{0}, {0}};
        if (pf_provider_yahoo_crumb(res->status, (const char *)res->body, res->size,
                                          self->crumb, sizeof self->crumb, &err) != PF_OK) {
            self->crumb[0] = '\0';
            s_session_failed(self, err.message);
            s_fetch_free(self, f);
            break;
        }
        self->session_running = false;
        self->session_gen++;
        s_fetch_free(self, f);
        /*  Every request that waited for the session goes to the queue,
            oldest first.                                                   */
        while (self->session_head) {
            s_fetch_t *w = self->session_head;
            s_session_remove(self, w);
            s_queue_push(self, w, false);
        }
        break;
    }
    }
    s_pump(self);
}

/* ------------------------------------------------------------ session */

static void
s_session_start(pf_adapter_t *self)
{
    if (self->session_running)
        return;
    self->session_running = true;
    s_fetch_t *f = s_fetch_new(self, S_KIND_COOKIE);
    f->deadline_ms = pf_clock_mono_ms() + self->cfg.retry.deadline_ms;
    if (s_build(self, f, &self->scratch, &(pf_provider_error_t){{0}, {0}}) != PF_OK) {
        s_fetch_free(self, f);
        s_session_failed(self, "session URL too long");
        return;
    }
    f->key = pf_strdup(self->scratch.url);
    s_queue_push(self, f, true);
}

/*  The session could not be made: every request waiting for it fails.    */
static void
s_session_failed(pf_adapter_t *self, const char *message)
{
    self->session_running = false;
    char text[PF_PROVIDER_MESSAGE_MAX];
    snprintf(text, sizeof text, "no Yahoo session (cookie + crumb): %s", message);
    while (self->session_head) {
        s_fetch_t *w = self->session_head;
        s_session_remove(self, w);
        s_fetch_fail(self, w, "session_failed", text);
    }
}

/* ------------------------------------------------------------ calls */

void
pf_adapter_on_call(pf_actor_t *actor, pf_call_t *call, void *arg)
{
    pf_adapter_t *self = arg;
    self->stats.calls++;
    self->held++;
    const pf_provider_op_t *op = pf_provider_op(self->provider, pf_call_op(call));
    if (!op) {
        char message[PF_PROVIDER_MESSAGE_MAX];
        int n = snprintf(message, sizeof message, "%s has no operation '%s'; it has:",
                         self->provider->name, pf_call_op(call));
        for (size_t i = 0; i < self->provider->op_count && n > 0 && (size_t)n < sizeof message;
             i++)
            n += snprintf(message + n, sizeof message - (size_t)n, " %s",
                          self->provider->ops[i].name);
        s_fail_call(self, &call, "unknown_op", message);
        return;
    }
    s_fetch_t *f = s_fetch_new(self, S_KIND_OP);
    f->op = op;
    f->args = pf_value_dup(pf_call_args(call));
    pf_provider_error_t err = {{0}, {0}};
    if (s_build(self, f, &self->scratch, &err) != PF_OK) {
        s_fetch_free(self, f);
        s_fail_call(self, &call, err.code[0] ? err.code : "invalid_args", err.message);
        return;
    }
    f->key = pf_strdup(self->scratch.fetch_key);
    const char *key = f->key;
    int64_t now = pf_clock_mono_ms();
    /*  This caller's deadline: its own timeout, never past the configured
        one, counted from now (its wait for the rate limit included).      */
    uint32_t budget_ms = self->cfg.retry.deadline_ms;
    if (pf_call_timeout_ms(call) && pf_call_timeout_ms(call) < budget_ms)
        budget_ms = pf_call_timeout_ms(call);
    f->deadline_ms = now + budget_ms;
    const void *data = NULL;
    size_t size = 0;
    int64_t age_ms = 0;
    pf_cache_verdict_t verdict =
        pf_cache_begin(self->cache, key, strlen(key), now, call, &data, &size, &age_ms);
    if (verdict == PF_CACHE_JOINED) {
        self->stats.joined++;
        /*  Said on the tap so that dedup can be counted from outside (pf
            bench): no request of its own, so no status and no attempt.    */
        pf_value_t *event = pf_value_map();
        pf_map_set_str(event, "endpoint", op->endpoint);
        pf_map_set_str(event, "op", op->name);
        pf_map_set_int(event, "duration_ms", 0);
        pf_map_set_bool(event, "cached", false);
        pf_map_set_bool(event, "deduplicated", true);
        s_emit(self, "api.call", event);
        /*  The fetch runs until its latest caller's deadline.             */
        s_fetch_t *owner = pf_cache_owner(self->cache, key, strlen(key));
        if (owner && owner->deadline_ms < f->deadline_ms)
            owner->deadline_ms = f->deadline_ms;
        s_fetch_free(self, f);
        return;   /* answered when the fetch in flight ends                 */
    }
    if (verdict == PF_CACHE_HIT) {
        self->stats.cache_hits++;
        pf_value_t *entry = NULL;
        bool memo = op->select && self->memo && strcmp(self->memo_key, key) == 0 &&
                    now < self->memo_until_ms;
        if (!memo && pf_msgpack_decode(data, size, &PF_LIMITS_PAYLOAD, &entry) != PF_OK) {
            s_fetch_free(self, f);
            s_fail_call(self, &call, "internal", "a cached answer could not be read");
            return;
        }
        const pf_value_t *use = memo ? self->memo : entry;
        pf_value_t *body = pf_value_map();
        pf_map_set_str(body, "endpoint", op->endpoint);
        pf_map_set_str(body, "op", op->name);
        pf_map_set_int(body, "status", pf_map_get_int(use, "status", 0));
        pf_map_set_int(body, "duration_ms", 0);
        pf_map_set_bool(body, "cached", true);
        s_emit(self, "api.call", body);
        s_answer(self, &call, op, use, "cache", age_ms, false);
        pf_value_destroy(&entry);
        s_fetch_free(self, f);
        return;
    }
    /*  A fetch of our own.                                                 */
    if (pf_breaker_state(self->breaker, now) == PF_BREAKER_OPEN) {
        self->stats.breaker_refusals++;
        f->starter = call;
        s_fetch_fail(self, f, "breaker_open",
                     "the provider's circuit breaker is open after repeated failures");
        return;
    }
    if (self->queued + self->session_waiting >= self->cfg.queue_max) {
        f->starter = call;
        s_fetch_fail(self, f, "overloaded",
                     "too many requests are waiting for the provider's rate limit");
        return;
    }
    f->starter = call;
    pf_cache_set_owner(self->cache, key, strlen(key), f);
    if (op->needs_session && !self->crumb[0]) {
        s_session_push(self, f);
        s_session_start(self);
    } else {
        s_queue_push(self, f, false);
    }
    s_pump(self);
}

/* ------------------------------------------------------------ loop glue */

static void
s_on_fd(pf_actor_t *actor, int fd, int revents, void *arg)
{
    pf_adapter_t *self = arg;
    int events = 0;
    if (revents & ZMQ_POLLIN)
        events |= PF_HTTP_IN;
    if (revents & ZMQ_POLLOUT)
        events |= PF_HTTP_OUT;
    if (revents & ZMQ_POLLERR)
        events = 0;
    pf_http_ready(self->http, fd, events);
}

static void
s_http_watch(void *loop, int fd, int events)
{
    pf_adapter_t *self = loop;
    if (!self->actor)
        return;
    if (events == 0) {
        pf_actor_unwatch(self->actor, fd);
        return;
    }
    int zevents = 0;
    if (events & PF_HTTP_IN)
        zevents |= ZMQ_POLLIN;
    if (events & PF_HTTP_OUT)
        zevents |= ZMQ_POLLOUT;
    pf_actor_watch(self->actor, fd, zevents, s_on_fd, self);
}

static void
s_on_curl_timer(pf_actor_t *actor, uint64_t timer_id, void *arg)
{
    pf_adapter_t *self = arg;
    if (self->curl_timer == timer_id)
        self->curl_timer = 0;
    pf_http_fire(self->http);
}

static void
s_http_timer(void *loop, int64_t delay_ms)
{
    pf_adapter_t *self = loop;
    if (!self->actor)
        return;
    if (self->curl_timer) {
        pf_actor_timer_cancel(self->actor, self->curl_timer);
        self->curl_timer = 0;
    }
    if (delay_ms >= 0)
        self->curl_timer = pf_actor_timer_add(
            self->actor, delay_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)delay_ms,
            s_on_curl_timer, self);
}

/* ------------------------------------------------------------ lifecycle */

pf_adapter_t *
pf_adapter_new(const pf_provider_t *provider, const pf_adapter_config_t *cfg)
{
    char why[256];
    if (!provider || !cfg || pf_adapter_config_check(cfg, provider, why, sizeof why) != PF_OK)
        return NULL;
    pf_adapter_t *self = pf_calloc(1, sizeof *self);
    self->provider = provider;
    self->cfg = *cfg;
    /*  A probe may take as long as any attempt: its permit must outlive it,
        or a slow but healthy provider would keep the breaker half-open.    */
    uint64_t probe_ms = (uint64_t)cfg->attempt_timeout_ms + S_PROBE_MARGIN_MS;
    if (self->cfg.breaker.probe_timeout_ms < probe_ms)
        self->cfg.breaker.probe_timeout_ms =
            probe_ms > PF_RETRY_MS_MAX ? PF_RETRY_MS_MAX : (uint32_t)probe_ms;
    self->pump_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    pf_http_loop_t loop = {.loop = self, .watch = s_http_watch, .timer = s_http_timer};
    self->http = pf_http_new(&loop);
    self->cache = pf_cache_new(cfg->cache_entries, cfg->cache_bytes);
    self->breaker = pf_breaker_new(&self->cfg.breaker, s_on_breaker_change, self);
    self->limiter = pf_limiter_new(&cfg->limiter);
    self->budget = pf_retry_budget_new(&cfg->retry, pf_clock_mono_ms());
    if (self->pump_fd < 0 || !self->http || !self->cache || !self->breaker || !self->limiter || !self->budget ||
        (provider->session_cookie_path && pf_http_keep_cookies(self->http) != PF_OK)) {
        pf_adapter_destroy(&self);
        return NULL;
    }
    return self;
}

void
pf_adapter_attach(pf_adapter_t *self, pf_actor_t *actor)
{
    self->actor = actor;
    pf_actor_watch(actor, self->pump_fd, ZMQ_POLLIN, s_on_pump_fd, self);
}

void
pf_adapter_destroy(pf_adapter_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_adapter_t *self = *self_p;
    /*  Transfers first, so no callback runs on a freed fetch.             */
    pf_http_destroy(&self->http);
    while (self->all) {
        s_fetch_t *f = self->all;
        if (f->timer_id && self->actor)
            pf_actor_timer_cancel(self->actor, f->timer_id);
        if (f->kind == S_KIND_OP) {
            if (f->starter)
                s_fail_call(self, &f->starter, "draining", "the adapter is stopping");
            if (self->cache)
                s_finish_waiters(self, f->key, f->op, NULL, NULL, 0, 0, "draining",
                                 "the adapter is stopping");
        }
        s_fetch_free(self, f);
    }
    if (self->actor) {
        if (self->pump_fd >= 0)
            pf_actor_unwatch(self->actor, self->pump_fd);
        if (self->curl_timer)
            pf_actor_timer_cancel(self->actor, self->curl_timer);
    }
    if (self->pump_fd >= 0)
        close(self->pump_fd);
    pf_cache_destroy(&self->cache);
    pf_breaker_destroy(&self->breaker);
    pf_limiter_destroy(&self->limiter);
    pf_retry_budget_destroy(&self->budget);
    pf_value_destroy(&self->memo);
    free(self);
    *self_p = NULL;
}

void
pf_adapter_stats(const pf_adapter_t *self, pf_adapter_stats_t *stats)
{
    *stats = self->stats;
    stats->queued = self->queued;
    stats->in_flight = pf_limiter_in_flight(self->limiter);
}
