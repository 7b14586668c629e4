/*  pf_alloc.c — the aborting allocator (see pf_alloc.h for the policy).

    Every helper prints what it could not get and aborts: a process that has
    run out of memory cannot serve its sockets correctly, and checking for
    NULL at every call site only hides that.                                */
#include "pf_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  Reports the failed request on stderr and aborts.  Never returns.        */
static void
s_out_of_memory(const char *what, size_t size)
{
    fprintf(stderr, "partnerforge: out of memory (%s of %zu bytes)\n", what, size);
    fflush(stderr);
    abort();
}

void *
pf_malloc(size_t size)
{
    /*  malloc(0) may legally return NULL; ask for one byte so the
        "never NULL" promise holds for zero-sized requests too.             */
    void *p = malloc(size ? size : 1);
    if (!p)
        s_out_of_memory("malloc", size);
    return p;
}

void *
pf_calloc(size_t count, size_t size)
{
    if (count == 0 || size == 0)
        count = size = 1;
    void *p = calloc(count, size);
    if (!p)
        s_out_of_memory("calloc", count * size);
    return p;
}

void *
pf_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        s_out_of_memory("realloc", size);
    return p;
}

char *
pf_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    char *copy = pf_malloc(len + 1);
    memcpy(copy, s, len + 1);
    return copy;
}

char *
pf_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *copy = pf_malloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}
