/*  pf_fake_route.h — pf-fakeapi's provider emulation: routing, auth checks
    and each provider's JSON, as a pure function of the request.

    Every provider lives below a path prefix equal to its service name
    (/builtwith, /similarweb, /yahoo_finance, /sec_edgar, /websearch).  The
    router checks what the provider checks (key, User-Agent, cookie and
    crumb, required parameters) and answers in the provider's shape, from a
    curated record or a synthetic one (pf_fake_data.h).  It does no I/O; the
    server (pf_fakeapi.c) adds faults, limits and statistics around it.       */
#ifndef PF_FAKE_ROUTE_H
#define PF_FAKE_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_fake_data.h"

#define PF_FAKE_RESP_HEADERS_MAX 4   /* extra headers on one answer          */
#define PF_FAKE_ENDPOINT_NAME_MAX 96 /* endpoint template for statistics     */
#define PF_FAKE_SECRET_BYTES 32      /* Yahoo cookie/crumb MAC key           */
#define PF_FAKE_LOOKUPS_MAX 16       /* BuiltWith domains in one LOOKUP      */

/*  The five providers, in the architecture's order.                        */
typedef enum {
    PF_FAKE_BUILTWITH = 0,
    PF_FAKE_SIMILARWEB,
    PF_FAKE_YAHOO,
    PF_FAKE_SEC,
    PF_FAKE_WEBSEARCH,
    PF_FAKE_PROVIDERS            /* count                                     */
} pf_fake_provider_t;

/*  One query parameter or header (borrowed strings).                       */
typedef struct {
    const char *name;            /* parameter or header name                  */
    const char *value;           /* its value, never NULL                     */
} pf_fake_kv_t;

typedef struct {
    const char *method;          /* "GET", ...                                */
    const char *path;            /* URL path without the query                */
    const pf_fake_kv_t *query;   /* decoded query parameters                  */
    size_t query_count;
    const pf_fake_kv_t *headers; /* request headers (names case-insensitive)  */
    size_t header_count;
} pf_fake_request_t;

typedef struct {
    int status;                  /* HTTP status                               */
    const char *content_type;    /* static string                             */
    char *body;                  /* owned, NUL-terminated                     */
    size_t body_len;             /* bytes before the NUL                      */
    char *header_names[PF_FAKE_RESP_HEADERS_MAX];  /* owned                   */
    char *header_values[PF_FAKE_RESP_HEADERS_MAX]; /* owned                   */
    size_t header_count;
    bool synthetic;              /* X-PF-Source: synthetic (else fixture)     */
    bool json;                   /* body is JSON (malformed faults apply)     */
    int provider;                /* pf_fake_provider_t, or -1                 */
    char endpoint[PF_FAKE_ENDPOINT_NAME_MAX]; /* template for by_endpoint     */
} pf_fake_response_t;

typedef struct {
    const pf_fake_data_t *data;  /* companies (borrowed)                      */
    const char *key;             /* the only accepted key; NULL: any non-empty */
    unsigned char secret[PF_FAKE_SECRET_BYTES]; /* Yahoo cookie/crumb key     */
    uint64_t cookie_seq;         /* Yahoo cookies issued                      */
} pf_fake_router_t;

/*  The service name of provider p ("sec_edgar"), or NULL.                  */
const char *pf_fake_provider_name(int p);

/*  All five names (static array of PF_FAKE_PROVIDERS).                     */
const char *const *pf_fake_provider_names(void);

/*  The provider whose prefix path starts with, with *rest set to the path
    below the prefix ("" for the bare prefix); -1 when none.                */
int pf_fake_provider_of(const char *path, const char **rest);

/*  The value of query parameter / header name, or NULL.                    */
const char *pf_fake_request_query(const pf_fake_request_t *req, const char *name);
const char *pf_fake_request_header(const pf_fake_request_t *req, const char *name);

/*  Answers req into resp (which the caller clears with
    pf_fake_response_clear).  Never fails: unknown paths answer 404.        */
void pf_fake_route(pf_fake_router_t *router, const pf_fake_request_t *req,
                   pf_fake_response_t *resp);

/*  The provider's answer to a client over its rate limit: status 429 in
    the provider's style, with Retry-After when retry_after is non-NULL.    */
void pf_fake_route_rate_limited(int provider, const char *retry_after, pf_fake_response_t *resp);

/*  The provider's answer for an injected error with status.                */
void pf_fake_route_error(int provider, int status, pf_fake_response_t *resp);

/*  Adds a header (copied) to resp; ignored past PF_FAKE_RESP_HEADERS_MAX.  */
void pf_fake_response_add_header(pf_fake_response_t *resp, const char *name, const char *value);

/*  Frees what resp owns and zeroes it.                                     */
void pf_fake_response_clear(pf_fake_response_t *resp);

#endif
