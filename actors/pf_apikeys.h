/*  pf_apikeys.h — client API keys and their per-key request allowance.

    Loaded from a file of lines "KEY [RPM]" (# comments, blank lines
    ignored; RPM 0 or absent = unlimited).  When any key is configured every
    ENRICH and BATCH must carry a known api_key; each key has a token bucket
    of RPM tokens refilled continuously over a minute.                       */
#ifndef PF_APIKEYS_H
#define PF_APIKEYS_H

#include <stddef.h>
#include <stdint.h>

typedef struct pf_apikeys_t pf_apikeys_t;

/*  Loads a keys file.  Returns NULL with a reason in why (static or in
    errbuf) if it cannot be read or a line is malformed.                     */
pf_apikeys_t *pf_apikeys_load(const char *path, char *errbuf, size_t errbuf_size);
void pf_apikeys_destroy(pf_apikeys_t **self_p);

/*  Checks a request's key at monotonic time now_us.  Returns 0 if allowed
    (one token taken), PF_EUNKNOWN for a missing or unknown key, PF_EBUSY if
    the key's allowance is spent (*retry_after_ms = when one token is back). */
int pf_apikeys_admit(pf_apikeys_t *self, const char *key, int64_t now_us,
                     uint32_t *retry_after_ms);

#endif
