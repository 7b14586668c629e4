/*  pf_apikeys.h — client API keys and their per-key request allowance.

    Loaded from a file of lines "KEY [RPM]" (# comments, blank lines
    ignored; RPM 0 or absent = unlimited).  When any key is configured every
    ENRICH and BATCH must carry a known api_key; each key has a token bucket
    of RPM tokens refilled continuously over a minute.                       */
#ifndef PF_APIKEYS_H
#define PF_APIKEYS_H

#include <stddef.h>
#include <stdint.h>

#define PF_APIKEYS_KEY_MAX 255          /* bytes in one key                  */
#define PF_APIKEYS_FILE_MAX (1u << 20)  /* bytes in a keys file: it is read
                                           whole; 1 MiB is thousands of keys */

typedef struct pf_apikeys_t pf_apikeys_t;

/*  Loads a keys file (read whole, at most PF_APIKEYS_FILE_MAX bytes, then
    pf_apikeys_parse).  Returns a new set (caller owns), or NULL with a
    reason in errbuf if the file cannot be read or does not parse.           */
pf_apikeys_t *pf_apikeys_load(const char *path, char *errbuf, size_t errbuf_size);

/*  Parses the text of a keys file: len bytes, any bytes (no NUL needed at
    the end).  Lines end at '\n'; leading blanks are skipped; a line
    starting with '#' and a blank line are ignored; every other line is a
    key of 1..PF_APIKEYS_KEY_MAX bytes without blanks, optionally followed
    by RPM as decimal digits (fitting 64 bits) and nothing else.  A NUL byte
    anywhere makes the line malformed.  origin names the text in messages
    ("path:LINE: ...").  Returns a new set (caller owns), or NULL with a
    reason in errbuf for a malformed line or a text without keys.           */
pf_apikeys_t *pf_apikeys_parse(const char *text, size_t len, const char *origin,
                               char *errbuf, size_t errbuf_size);

/*  The canonical text of the set: one line "KEY RPM\n" per key (RPM 0 when
    unlimited), in the order of the text it was parsed from, which parses
    back to the same set.  Returns a new buffer (caller frees it with free(),
    after wiping it: it holds the keys) and sets *len_p to its length
    without the terminating NUL.                                            */
char *pf_apikeys_format(const pf_apikeys_t *self, size_t *len_p);
void pf_apikeys_destroy(pf_apikeys_t **self_p);

/*  Checks a request's key at monotonic time now_us.  Returns 0 if allowed
    (one token taken), PF_EUNKNOWN for a missing or unknown key, PF_EBUSY if
    the key's allowance is spent (*retry_after_ms = when one token is back). */
int pf_apikeys_admit(pf_apikeys_t *self, const char *key, int64_t now_us,
                     uint32_t *retry_after_ms);

#endif
