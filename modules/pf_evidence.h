/*  pf_evidence.h — search results as dated evidence, classified by kind.

    Modules that read headlines (strategic_context, investor_intelligence)
    keep, per kind of finding, the results that show it: {title, url, date,
    found_in}.  A kind is found by whole-word keyword tables (pf_words.h).  */
#ifndef PF_EVIDENCE_H
#define PF_EVIDENCE_H

#include <stddef.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Most words one kind lists (NULL-terminated within this).               */
#define PF_EVIDENCE_WORDS_MAX 12

/*  A kind and the words that show it.                                      */
typedef struct {
    const char *kind;
    const char *words[PF_EVIDENCE_WORDS_MAX];
} pf_evidence_kind_t;

/*  The kinds of table (n entries) that text shows, in table order, written
    to kinds (room for max); their count.                                  */
size_t pf_evidence_kinds(const pf_evidence_kind_t *table, size_t n, const char *text,
                         const char **kinds, size_t max);

/*  The date of a search result: the first ten characters of page_age when
    they are a YYYY-MM-DD date, else NULL (a relative `age` is no date).
    Points into result; *len = 10.                                          */
const char *pf_evidence_date(const pf_value_t *result, size_t *len);

/*  Appends {title, url, date (or nil), found_in} of result to the list
    map[kind], created on first use, unless it holds max already.  One
    entry per url: a result whose url the list holds already (the same page
    from another search) is not added again; it updates that entry's
    found_in, and its date when it has one, so the later reading (the news
    search, read after the web search) names the dated source.             */
void pf_evidence_add(pf_value_t *map, const char *kind, const pf_value_t *result,
                     const char *found_in, size_t max);

/*  Reads every result of a search reply's data ("results": [...]): its
    title and description against table, adding evidence to map per kind
    found (at most max each).  Returns the number of results read.        */
size_t pf_evidence_read(const pf_value_t *data, const pf_evidence_kind_t *table, size_t n,
                        const char *found_in, pf_value_t *map, size_t max);

#ifdef __cplusplus
}
#endif
#endif
