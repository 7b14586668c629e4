/*  pf_apikeys.c — API keys with token-bucket allowances (see pf_apikeys.h). */
#include "pf_apikeys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "pf_alloc.h"
#include "pf_error.h"

#define KEY_MAX 256           /* bytes in one key                          */

typedef struct s_key_t {
    char *key;                /* the key                                   */
    double rpm;               /* allowance per minute, 0 = unlimited       */
    double tokens;            /* current tokens                            */
    int64_t refilled_us;      /* monotonic time of last refill             */
    struct s_key_t *next;     /* list                                      */
} s_key_t;

struct pf_apikeys_t {
    s_key_t *keys;            /* configured keys                           */
};

pf_apikeys_t *
pf_apikeys_load(const char *path, char *errbuf, size_t errbuf_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(errbuf, errbuf_size, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    pf_apikeys_t *self = pf_calloc(1, sizeof *self);
    char line[1024];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\0')
            continue;
        char key[KEY_MAX + 1];
        unsigned long rpm = 0;
        char extra[2];
        int n = sscanf(p, "%256s %lu %1s", key, &rpm, extra);
        if (n < 1 || n > 2 || strlen(key) >= KEY_MAX) {
            snprintf(errbuf, errbuf_size, "%s:%d: expected \"KEY [RPM]\"", path, lineno);
            fclose(f);
            pf_apikeys_destroy(&self);
            return NULL;
        }
        s_key_t *k = pf_calloc(1, sizeof *k);
        k->key = pf_strdup(key);
        k->rpm = (double)rpm;
        k->tokens = k->rpm;
        k->refilled_us = 0;
        k->next = self->keys;
        self->keys = k;
    }
    fclose(f);
    if (!self->keys) {
        snprintf(errbuf, errbuf_size, "%s: no keys", path);
        pf_apikeys_destroy(&self);
        return NULL;
    }
    return self;
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
