/*  pf_provider.h — the five providers as data and pure functions.

    A provider (builtwith, similarweb, yahoo_finance, sec_edgar, websearch)
    is a table of operations.  For each operation this layer knows how to
    turn the caller's argument map into one HTTP GET (URL, query, auth,
    headers), and how to turn the provider's answer (status + JSON body)
    into a normalised msgpack map.  It does no I/O and keeps no state: the
    adapter actor (pf_adapter.h) does the fetching, breaking, limiting,
    retrying and caching around it.

    Hosts.  Each operation names the provider host it goes to (BuiltWith
    has one; SEC has www.sec.gov and data.sec.gov; Yahoo has
    query1.finance.yahoo.com and fc.yahoo.com).  With no base override the
    URL is "https://" host path; with an override (pf-fakeapi, tests) every
    host of the provider is replaced by that one base, e.g.
    "http://127.0.0.1:8700/sec_edgar" + "/submissions/CIK0000320187.json".

    Fetch and select.  An operation's request may not depend on every
    argument: SEC's `cik` operation fetches one file (company_tickers.json)
    whatever ticker is asked for.  So parsing is argument-free — parse()
    normalises the provider's answer into a value that depends on the
    request alone (and is what the adapter caches under the request's
    fetch key) — and an optional select() then picks the caller's answer
    out of it.  Operations without select answer the parsed value as is.

    Errors.  build() refuses bad arguments (code "invalid_args").  parse()
    turns any answer it cannot vouch for into an error, never a crash: a
    status it does not accept, a body that is not JSON, a field of the
    wrong type where the field matters ("bad_response"), a provider error
    object ("not_found", "unauthorized", "provider_error").  Optional
    fields that are missing or of the wrong type are left out of the
    normalised map (or set to nil where the shape documents it).            */
#ifndef PF_PROVIDER_H
#define PF_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_PROVIDER_URL_MAX 2048     /* a built URL, bytes incl. NUL         */
#define PF_PROVIDER_HEADERS_MAX 4    /* request headers one request may add */
#define PF_PROVIDER_HEADER_MAX 512   /* one "Name: value" line, incl. NUL    */
#define PF_PROVIDER_CODE_MAX 32      /* an error code, incl. NUL             */
#define PF_PROVIDER_MESSAGE_MAX 256  /* an error message, incl. NUL          */
#define PF_PROVIDER_HOSTS_MAX 2      /* hosts one provider uses              */

/*  Everything a request may need that is not an argument.                   */
typedef struct {
    const char *key;            /* API key / token; NULL or "" when none   */
    const char *base;           /* override of every host ("http://127.0.0.1:P/name");
                                   NULL: the provider's real https hosts  */
    const char *user_agent;     /* User-Agent to send (SEC requires
                                   "Company contact@email"); NULL: none  */
    const char *crumb;          /* Yahoo's session crumb; NULL when none  */
} pf_provider_conf_t;

/*  One GET to make.                                                        */
typedef struct {
    char url[PF_PROVIDER_URL_MAX];          /* full URL, secrets included  */
    char fetch_key[PF_PROVIDER_URL_MAX];    /* the same request without any
                                               secret or crumb: identical
                                               fetches have equal keys    */
    char headers[PF_PROVIDER_HEADERS_MAX][PF_PROVIDER_HEADER_MAX];
    size_t header_count;                    /* headers used                */
} pf_provider_request_t;

/*  Why a build, parse or select failed.                                    */
typedef struct {
    char code[PF_PROVIDER_CODE_MAX];        /* snake_case wire error code  */
    char message[PF_PROVIDER_MESSAGE_MAX];  /* for people                  */
} pf_provider_error_t;

typedef struct pf_provider_t pf_provider_t;

/*  Builds the request for args (a map).  Returns 0, or PF_EINVAL with err
    filled ("invalid_args": a missing or ill-typed argument, a value that
    is not a valid domain/ticker/CIK, a URL that would be too long).      */
typedef int(pf_provider_build_fn)(const pf_provider_conf_t *conf, const pf_value_t *args,
                                  pf_provider_request_t *req, pf_provider_error_t *err);

/*  Normalises an answer with HTTP status (never a transport failure: the
    adapter handles those, and 429/5xx it retries).  body is NUL-terminated
    (size bytes before the NUL).  Returns 0 with *out (a map the caller
    owns), or a negative PF_E* with err filled and *out untouched.         */
typedef int(pf_provider_parse_fn)(long status, const char *body, size_t size, pf_value_t **out,
                                  pf_provider_error_t *err);

/*  Picks the caller's answer out of a parsed value (borrowed).  Returns 0
    with *out (owned by the caller), or PF_ENOTFOUND / PF_EINVAL with err
    filled.                                                                 */
typedef int(pf_provider_select_fn)(const pf_value_t *parsed, const pf_value_t *args,
                                   pf_value_t **out, pf_provider_error_t *err);

/*  One operation.                                                          */
typedef struct {
    const char *name;                /* "domain", "visits", "submissions"… */
    const char *endpoint;            /* for provenance: "/v22/api.json"     */
    uint32_t ttl_s;                  /* cache lifetime of an answer         */
    bool needs_session;              /* Yahoo: needs cookie + crumb         */
    pf_provider_build_fn *build;
    pf_provider_parse_fn *parse;
    pf_provider_select_fn *select;   /* NULL: the parsed value is the answer */
} pf_provider_op_t;

/*  Defaults of the resilience settings (the architecture page's table).    */
typedef struct {
    uint32_t per_minute;             /* rate limit, requests per minute     */
    uint32_t concurrency;            /* requests in flight at most          */
    uint32_t breaker_failures;       /* consecutive failures that open it   */
    uint32_t breaker_recovery_s;     /* how long it stays open              */
} pf_provider_limits_t;

struct pf_provider_t {
    const char *name;                /* service name: "sec_edgar"           */
    const char *title;               /* "SEC EDGAR"                         */
    const char *key_env;             /* env var of the key, NULL: no key    */
    bool key_required;               /* no key: the real API cannot be used */
    const char *hosts[PF_PROVIDER_HOSTS_MAX];  /* real hosts, [0] default   */
    pf_provider_limits_t limits;     /* defaults                            */
    const pf_provider_op_t *ops;     /* its operations                      */
    size_t op_count;
    /*  Yahoo only: the session handshake (NULL elsewhere).  cookie_path is
        fetched on hosts[1] to receive the cookie; crumb_path on hosts[0]
        returns the crumb as text/plain.                                   */
    const char *session_cookie_path;
    const char *session_crumb_path;
};

/*  The five providers, in the order above; count in *count.               */
const pf_provider_t *const *pf_provider_all(size_t *count);

/*  The provider named name, or NULL.                                       */
const pf_provider_t *pf_provider_find(const char *name);

/*  The operation named name of provider, or NULL.                          */
const pf_provider_op_t *pf_provider_op(const pf_provider_t *provider, const char *name);

/*  Builds the URL of path (which starts with '/') on the provider's host
    number host (0 or 1) into out (size bytes): conf->base + path when
    conf->base is set, else "https://" host path.  Returns 0 or PF_ETOOBIG. */
int pf_provider_url(const pf_provider_t *provider, const pf_provider_conf_t *conf, int host,
                    const char *path, char *out, size_t size);

/*  Fills err (code and printf-style message); returns code_status, so a
    function can `return pf_provider_fail(err, PF_EINVAL, "invalid_args",
    "domain: not a valid domain");`.                                       */
int pf_provider_fail(pf_provider_error_t *err, int code_status, const char *code,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#ifdef __cplusplus
}
#endif
#endif
