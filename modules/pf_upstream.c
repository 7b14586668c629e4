/*  pf_upstream.c — reading upstream results (see pf_upstream.h).          */
#include "pf_upstream.h"

#include <stdio.h>
#include <string.h>

bool
pf_upstream_company_name(const pf_value_t *company, const char *domain, char *out, size_t size)
{
    const pf_value_t *data = pf_map_get(company, "data");
    const char *name = pf_map_get_str(data, "name");
    if (!name || !*name)
        name = pf_map_get_str(data, "legal_name");
    if (name && *name) {
        /*  Searches quote the name: no quote may be in it, and it is
            bounded; a longer name is cut at a word.                         */
        size_t cap = size - 1 < PF_UPSTREAM_NAME_MAX ? size - 1 : PF_UPSTREAM_NAME_MAX;
        size_t n = 0;
        for (const char *p = name; *p && n < cap; p++)
            out[n++] = *p == '"' || (unsigned char)*p < 0x20 ? ' ' : *p;
        out[n] = '\0';
        if (strlen(name) > cap) {
            char *space = strrchr(out, ' ');
            if (space && space > out)
                *space = '\0';
        }
        return true;
    }
    /*  No name known: the domain's first label stands in ("nike").        */
    const char *d = domain ? domain : "";
    if (strncmp(d, "www.", 4) == 0)
        d += 4;
    size_t len = strcspn(d, ".");
    if (len >= size)
        len = size - 1;
    memcpy(out, d, len);
    out[len] = '\0';
    return false;
}

