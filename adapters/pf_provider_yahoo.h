/*  pf_provider_yahoo.h — what Yahoo Finance needs beyond its provider table.

    Yahoo's quoteSummary wants a session: a cookie from fc.yahoo.com and a
    "crumb" read from /v1/test/getcrumb with that cookie.  The adapter does
    that handshake; this header gives it the pure function that vouches for
    the crumb answer before it is put into URLs.                            */
#ifndef PF_PROVIDER_YAHOO_H
#define PF_PROVIDER_YAHOO_H

#include <stddef.h>

#include "pf_provider.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Longest crumb accepted, in bytes (real ones are about 11).             */
#define PF_PROVIDER_YAHOO_CRUMB_MAX 64

/*  Parses the crumb answer (HTTP status, text/plain body of size bytes,
    not necessarily NUL-terminated).  Surrounding white space is trimmed;
    what is left must be 1..PF_PROVIDER_YAHOO_CRUMB_MAX printable ASCII
    characters with no space and none of < > { } " ' \ (which would mean
    an HTML or JSON page instead of a crumb).  Returns 0 with the crumb
    copied into out (out_size bytes, at least PF_PROVIDER_YAHOO_CRUMB_MAX
    + 1), or a negative PF_E* with err filled: the status errors of any
    parse ("unauthorized", "not_found", ...) or PF_EPROTO "bad_response".
    out is untouched on error.                                             */
int pf_provider_yahoo_crumb(long status, const char *body, size_t size, char *out,
                            size_t out_size, pf_provider_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
