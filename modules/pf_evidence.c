/*  pf_evidence.c — search results as dated evidence (see pf_evidence.h).  */
#include "pf_evidence.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pf_words.h"

/*  Bytes of "YYYY-MM-DD".                                                  */
#define S_DATE_LEN 10
/*  Most kinds one text is classified into.                                 */
#define S_KINDS_MAX 32

size_t
pf_evidence_kinds(const pf_evidence_kind_t *table, size_t n, const char *text,
                  const char **kinds, size_t max)
{
    pf_words_t words;
    pf_words_init(&words, text);
    size_t count = 0;
    for (size_t i = 0; i < n && count < max; i++)
        if (pf_words_first(&words, table[i].words))
            kinds[count++] = table[i].kind;
    return count;
}

const char *
pf_evidence_date(const pf_value_t *result, size_t *len)
{
    const char *age = pf_map_get_str(result, "page_age");
    if (!age || strlen(age) < S_DATE_LEN)
        return NULL;
    for (size_t i = 0; i < S_DATE_LEN; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? age[i] != '-' : !isdigit((unsigned char)age[i]))
            return NULL;
    }
    *len = S_DATE_LEN;
    return age;
}

void
pf_evidence_add(pf_value_t *map, const char *kind, const pf_value_t *result,
                const char *found_in, size_t max)
{
    const pf_value_t *list = pf_map_get(map, kind);
    if (!list) {
        pf_value_t *fresh = pf_value_array();
        pf_map_set(map, kind, &fresh);
        list = pf_map_get(map, kind);
    }
    size_t len = 0;
    const char *date = pf_evidence_date(result, &len);
    const char *url = pf_map_get_str(result, "url");
    for (size_t i = 0; url && *url && i < pf_array_size(list); i++) {
        pf_value_t *seen = (pf_value_t *)pf_array_at(list, i);
        const char *seen_url = pf_map_get_str(seen, "url");
        if (!seen_url || strcmp(seen_url, url) != 0)
            continue;
        if (date) {
            pf_value_t *d = pf_value_strn(date, len);
            pf_map_set(seen, "date", &d);
        }
        pf_map_set_str(seen, "found_in", found_in);
        return;
    }
    if (pf_array_size(list) >= max)
        return;
    pf_value_t *e = pf_value_map();
    pf_map_set_str(e, "title", pf_map_get_str(result, "title"));
    pf_map_set_str(e, "url", url);
    if (date) {
        pf_value_t *d = pf_value_strn(date, len);
        pf_map_set(e, "date", &d);
    } else {
        pf_map_set_nil(e, "date");
    }
    pf_map_set_str(e, "found_in", found_in);
    pf_array_push((pf_value_t *)list, &e);
}

size_t
pf_evidence_read(const pf_value_t *data, const pf_evidence_kind_t *table, size_t n,
                 const char *found_in, pf_value_t *map, size_t max)
{
    const pf_value_t *results = pf_map_get(data, "results");
    size_t read = 0;
    for (size_t i = 0; i < pf_array_size(results); i++) {
        const pf_value_t *r = pf_array_at(results, i);
        const char *title = pf_map_get_str(r, "title");
        if (!title || !*title)
            continue;
        read++;
        const char *description = pf_map_get_str(r, "description");
        char text[PF_WORDS_MAX];
        snprintf(text, sizeof text, "%s. %s", title, description ? description : "");
        const char *kinds[S_KINDS_MAX];
        size_t k = pf_evidence_kinds(table, n, text, kinds, S_KINDS_MAX);
        for (size_t j = 0; j < k; j++)
            pf_evidence_add(map, kinds[j], r, found_in, max);
    }
    return read;
}
