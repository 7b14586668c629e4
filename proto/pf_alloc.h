/*  pf_alloc.h — the allocation policy of PartnerForge.

    Allocation failure is not recoverable in a process that serves a socket:
    like czmq, PartnerForge aborts with a message when memory runs out, so no
    caller ever checks these for NULL.  Input is bounded (see pf_limits_t)
    *before* anything is allocated for it, so a hostile peer cannot make us
    ask for absurd amounts.                                                   */
#ifndef PF_ALLOC_H
#define PF_ALLOC_H

#include <stddef.h>

void *pf_malloc(size_t size);               /* never returns NULL            */
void *pf_calloc(size_t count, size_t size); /* zeroed; never returns NULL    */
void *pf_realloc(void *ptr, size_t size);   /* never returns NULL            */
char *pf_strdup(const char *s);             /* NULL in, NULL out             */
char *pf_strndup(const char *s, size_t n);  /* copies at most n bytes + NUL  */

#endif
