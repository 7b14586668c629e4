/*  pf_http.h — asynchronous HTTP GETs on libcurl's multi interface.

    The adapters' only way out.  Many requests run at once on one thread:
    libcurl says which sockets it wants watched and when it wants a timer,
    and the caller's event loop (the actor runtime's fd watchers and timers,
    or a test's poll loop) reports back through pf_http_loop_t.  Nothing
    blocks.

    Safety rules, for every request:
      - https only; plain http only to a loopback host (127.0.0.0/8, ::1,
        localhost: the local provider emulator), refused otherwise;
      - redirects are not followed (a 3xx is returned as it is);
      - no proxy from the environment (http_proxy and friends are ignored);
      - a connect timeout and an overall timeout;
      - a response body larger than the cap fails the request (too_large)
        without reading the rest.

    The outcome of each request is one callback: a transport error kind (the
    classification pf_retry.h uses), the HTTP status, the body, and the
    Retry-After header as the provider sent it.                              */
#ifndef PF_HTTP_H
#define PF_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_retry.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_HTTP_DEFAULT_CONNECT_TIMEOUT_MS 5000 /* TCP + TLS handshake      */
#define PF_HTTP_DEFAULT_MAX_BYTES (8u << 20)     /* response body cap       */
#define PF_HTTP_HEADER_MAX 256                   /* Retry-After kept, bytes */

#define PF_HTTP_IN 1                /* watch for reading                   */
#define PF_HTTP_OUT 2               /* watch for writing                   */

/*  The caller's event loop, as pf_http needs it.  watch() with events 0
    means unwatch.  ready() and fire() are pf_http's; call them from the
    loop when the descriptor is ready / the timer is due.                   */
typedef struct {
    void *loop;
    void (*watch)(void *loop, int fd, int events);
    void (*timer)(void *loop, int64_t delay_ms);   /* -1: no timer wanted   */
} pf_http_loop_t;

typedef struct pf_http_t pf_http_t;

/*  What one request came to.  Borrowed for the callback.                   */
typedef struct {
    uint64_t id;                    /* pf_http_get's                        */
    pf_retry_net_t net;             /* PF_RETRY_NET_NONE if answered       */
    long status;                    /* HTTP status, 0 without an answer     */
    const char *error;              /* libcurl's words when transport failed */
    const uint8_t *body;            /* response body (NUL-terminated copy)  */
    size_t size;                    /* bytes in body                        */
    const char *retry_after;        /* the header's value, or NULL          */
    const char *source;             /* X-PF-Source (pf-fakeapi's fixture /
                                       synthetic mark), or NULL            */
    int64_t elapsed_ms;             /* from start to end                    */
} pf_http_result_t;

typedef void(pf_http_done_fn)(void *arg, const pf_http_result_t *result);

/*  Creates the client on loop (copied).  Returns NULL if libcurl fails.   */
pf_http_t *pf_http_new(const pf_http_loop_t *loop);

/*  Aborts every request still running (their callbacks are not called)
    and frees everything.  Accepts NULL; nulls *self_p.                     */
void pf_http_destroy(pf_http_t **self_p);

/*  Starts GET url with the given request headers ("Name: value", count of
    them), an overall timeout and a body cap (0: default).  done is called
    once, from pf_http_ready()/pf_http_fire(), never from here.  Returns the
    request id (> 0), or 0 with *why set when the URL is refused (not https
    and not loopback, or malformed).                                         */
uint64_t pf_http_get(pf_http_t *self, const char *url, const char *const *headers, size_t count,
                     uint32_t timeout_ms, size_t max_bytes, pf_http_done_fn *done, void *arg,
                     const char **why);

/*  Keeps cookies: every later request sends the cookies earlier answers
    set (one jar for the client, in memory; Yahoo's session).  Requests
    already running are not affected; a new answer setting the same cookie
    replaces it.  Returns 0 or PF_EIO.                 */
int pf_http_keep_cookies(pf_http_t *self);

/*  The loop's reports: fd is ready (PF_HTTP_IN/OUT bits, or 0 for an
    error), or the timer is due.                                            */
void pf_http_ready(pf_http_t *self, int fd, int events);
void pf_http_fire(pf_http_t *self);

/*  Requests running.                                                        */
size_t pf_http_running(const pf_http_t *self);

/*  True if url may be fetched: https, or http to a loopback host.          */
bool pf_http_url_allowed(const char *url);

#ifdef __cplusplus
}
#endif
#endif
