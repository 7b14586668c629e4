/*  pf_upstream.h — what modules read from their upstream modules' results.

    Upstream results have the pf_facts shape ({data, provenance, sources,
    missing, synthetic}); these helpers read the facts modules share, with
    the fallbacks every module applies the same way.                        */
#ifndef PF_UPSTREAM_H
#define PF_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Longest company name a module puts into a search (bytes): the websearch
    adapter's bound for `jobs`.                                             */
#define PF_UPSTREAM_NAME_MAX 100

/*  The company name to search for: company_context's (company: its result
    map, or NULL) `name`, else its `legal_name`, else the domain's first
    label ("nike" for www.nike.com).  Quotes and control characters become
    spaces and the name is cut at a word to PF_UPSTREAM_NAME_MAX bytes.
    Written to out (size bytes); true when it came from company_context.  */
bool pf_upstream_company_name(const pf_value_t *company, const char *domain, char *out,
                              size_t size);

#ifdef __cplusplus
}
#endif
#endif
