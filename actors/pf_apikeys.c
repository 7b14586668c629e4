/*  pf_apikeys.c — API keys with token-bucket allowances (see pf_apikeys.h).

    The keys file is read whole and parsed from memory (pf_apikeys_parse),
    so that the parser can be fuzzed without files (tests/fuzz/
    fuzz_apikeys.c) and a line of any length is one line.                    */
#include "pf_apikeys.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "pf_alloc.h"
#include "pf_error.h"

typedef struct s_key_t {
    char *key;                /* the key                                   */
    uint64_t rpm_set;         /* RPM as configured (0 = unlimited)         */
    double rpm;               /* allowance per minute, 0 = unlimited       */
    double tokens;            /* current tokens                            */
    int64_t refilled_us;      /* monotonic time of last refill             */
    struct s_key_t *next;     /* list, last line of the text first         */
} s_key_t;

struct pf_apikeys_t {
    s_key_t *keys;            /* configured keys                           */
};

/*  Separators between the words of a line (what scanf's %s stops at).     */
static bool
s_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*  Reads RPM from word[0..len): decimal digits only, no overflow.          */
static bool
s_parse_rpm(const char *word, size_t len, uint64_t *rpm_p)
{
    uint64_t rpm = 0;
    for (size_t i = 0; i < len; i++) {
        if (word[i] < '0' || word[i] > '9')
            return false;
        unsigned digit = (unsigned) (word[i] - '0');
        if (rpm > (UINT64_MAX - digit) / 10)
            return false;
        rpm = rpm * 10 + digit;
    }
    *rpm_p = rpm;
    return true;
}

/*  Parses one line (no '\n'): 0 and *key_p set (NULL for a blank or
    comment line), or -1 if it is malformed.                                */
static int
s_parse_line(const char *line, size_t len, s_key_t **key_p)
{
    if (memchr(line, '\0', len))
        return -1;
    const char *words[2] = { NULL, NULL };
    size_t lens[2] = { 0, 0 }, count = 0;
    size_t i = 0;
    while (i < len && s_is_blank(line[i]))
        i++;
    if (i == len || line[i] == '#') {
        *key_p = NULL;
        return 0;
    }
    while (i < len) {
        size_t start = i;
        while (i < len && !s_is_blank(line[i]))
            i++;
        if (count == 2)
            return -1;   /* a third word */
        words[count] = line + start;
        lens[count++] = i - start;
        while (i < len && s_is_blank(line[i]))
            i++;
    }
    uint64_t rpm = 0;
    if (lens[0] > PF_APIKEYS_KEY_MAX || (count == 2 && !s_parse_rpm(words[1], lens[1], &rpm)))
        return -1;
    s_key_t *k = pf_calloc(1, sizeof *k);
    k->key = pf_strndup(words[0], lens[0]);
    k->rpm_set = rpm;
    k->rpm = (double) rpm;
    k->tokens = k->rpm;
    k->refilled_us = 0;
    *key_p = k;
    return 0;
}

pf_apikeys_t *
pf_apikeys_parse(const char *text, size_t len, const char *origin, char *errbuf,
                 size_t errbuf_size)
{
    pf_apikeys_t *self = pf_calloc(1, sizeof *self);
    int lineno = 0;
    for (size_t at = 0; at < len; ) {
        lineno++;
        const char *nl = memchr(text + at, '\n', len - at);
        size_t line_len = nl ? (size_t) (nl - (text + at)) : len - at;
        s_key_t *k = NULL;
        if (s_parse_line(text + at, line_len, &k) != 0) {
            snprintf(errbuf, errbuf_size, "%s:%d: expected \"KEY [RPM]\"", origin, lineno);
            pf_apikeys_destroy(&self);
            return NULL;
        }
        if (k) {
            k->next = self->keys;
            self->keys = k;
        }
        at += line_len + (nl ? 1 : 0);
    }
    if (!self->keys) {
        snprintf(errbuf, errbuf_size, "%s: no keys", origin);
        pf_apikeys_destroy(&self);
        return NULL;
    }
    return self;
}

pf_apikeys_t *
pf_apikeys_load(const char *path, char *errbuf, size_t errbuf_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errbuf, errbuf_size, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    /*  One byte more than the cap tells a file over the cap from one at it. */
    char *text = pf_malloc(PF_APIKEYS_FILE_MAX + 1);
    size_t len = fread(text, 1, PF_APIKEYS_FILE_MAX + 1, f);
    int read_error = ferror(f) ? errno : 0;
    fclose(f);
    pf_apikeys_t *self = NULL;
    if (read_error)
        snprintf(errbuf, errbuf_size, "cannot read %s: %s", path, strerror(read_error));
    else if (len > PF_APIKEYS_FILE_MAX)
        snprintf(errbuf, errbuf_size, "%s: larger than %u bytes", path, PF_APIKEYS_FILE_MAX);
    else
        self = pf_apikeys_parse(text, len, path, errbuf, errbuf_size);
    sodium_memzero(text, len);   /* the keys are secrets */
    free(text);
    return self;
}

char *
pf_apikeys_format(const pf_apikeys_t *self, size_t *len_p)
{
    /*  The list runs last line first: collect it to write it the other way. */
    size_t count = 0, size = 1;
    char rpm[24];   /* a uint64_t in decimal and its NUL */
    for (const s_key_t *k = self->keys; k; k = k->next) {
        count++;
        size += strlen(k->key) + 1 + (size_t) snprintf(rpm, sizeof rpm, "%" PRIu64,
                                                       k->rpm_set) + 1;
    }
    const s_key_t **keys = pf_calloc(count ? count : 1, sizeof *keys);
    size_t i = count;
    for (const s_key_t *k = self->keys; k; k = k->next)
        keys[--i] = k;
    char *text = pf_malloc(size);
    size_t len = 0;
    for (i = 0; i < count; i++)
        len += (size_t) snprintf(text + len, size - len, "%s %" PRIu64 "\n", keys[i]->key,
                                 keys[i]->rpm_set);
    free(keys);
    *len_p = len;
    return text;
}

void
pf_apikeys_destroy(pf_apikeys_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_key_t *k = (*self_p)->keys;
    while (k) {
        s_key_t *next = k->next;
        sodium_memzero(k->key, strlen(k->key));
        free(k->key);
        free(k);
        k = next;
    }
    free(*self_p);
    *self_p = NULL;
}

int
pf_apikeys_admit(pf_apikeys_t *self, const char *key, int64_t now_us, uint32_t *retry_after_ms)
{
    if (!key)
        return PF_EUNKNOWN;
    size_t len = strlen(key);
    for (s_key_t *k = self->keys; k; k = k->next) {
        /* Constant-time comparison: keys are secrets.                      */
        if (strlen(k->key) != len || sodium_memcmp(k->key, key, len) != 0)
            continue;
        if (k->rpm <= 0)
            return PF_OK;
        if (k->refilled_us == 0)
            k->refilled_us = now_us;
        double per_us = k->rpm / 60e6;
        k->tokens += (now_us - k->refilled_us) * per_us;
        if (k->tokens > k->rpm)
            k->tokens = k->rpm;
        k->refilled_us = now_us;
        if (k->tokens >= 1) {
            k->tokens -= 1;
            return PF_OK;
        }
        if (retry_after_ms)
            *retry_after_ms = (uint32_t)((1 - k->tokens) / per_us / 1000) + 1;
        return PF_EBUSY;
    }
    return PF_EUNKNOWN;
}
