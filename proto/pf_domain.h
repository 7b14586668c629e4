/*  pf_domain.h — is this a public DNS name we may enrich?

    Accepts a registrable-looking public host name and returns its canonical
    ASCII form: lower case, no trailing dot, IDNA (UTS#46, via libidn2)
    converted to A-labels.  Rejects IP literals in every spelling (dotted,
    integer, hex, octal, short forms, bracketed IPv6), localhost and
    *.localhost, .local, .internal, .localdomain, .home.arpa, .arpa, .test,
    .example, .invalid, single labels, empty labels, labels over 63 bytes,
    names over 253 bytes, and any character outside letters, digits and
    hyphen (labels may not start or end with a hyphen; the top-level label
    may not be all digits).                                                  */
#ifndef PF_DOMAIN_H
#define PF_DOMAIN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*  Validates and canonicalises in (len bytes; may contain any bytes).
    Returns 0 with the canonical name in out (NUL-terminated, at most
    out_size - 1 bytes; out_size >= 254), or PF_EDOMAIN with a reason for
    people in why (may be NULL).                                            */
int pf_domain_normalize(const char *in, size_t len, char *out, size_t out_size,
                        const char **why);

#ifdef __cplusplus
}
#endif
#endif
