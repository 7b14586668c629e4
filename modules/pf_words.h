/*  pf_words.h — whole-word matching of short texts (titles, headlines).

    Modules classify job titles and headlines by keyword tables; a keyword
    matches only as whole words ("ml" is not in "html", "search" not in
    "searchlight"), ignoring case and punctuation.                         */
#ifndef PF_WORDS_H
#define PF_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*  Bytes of text a pf_words_t holds (longer text is cut).                  */
#define PF_WORDS_MAX 1024

/*  A text ready for matching: lower case, every run of characters that are
    not letters, digits or '&' turned into one space, a space at each end. */
typedef struct {
    char text[PF_WORDS_MAX];
} pf_words_t;

/*  Prepares text (NULL: empty) into words.                                  */
void pf_words_init(pf_words_t *words, const char *text);

/*  True when phrase (lower case, words separated by one space) stands in
    words as whole words.                                                   */
bool pf_words_has(const pf_words_t *words, const char *phrase);

/*  The first phrase of the NULL-terminated list that stands in words, or
    NULL.                                                                   */
const char *pf_words_first(const pf_words_t *words, const char *const *phrases);

/*  Room for any pf_words_amount text.                                      */
#define PF_WORDS_AMOUNT_MAX 32

/*  Writes value as a reader says it — "46.3 billion", "94.9 million",
    "12,480", "-1.23 billion" — into buf (size bytes; PF_WORDS_AMOUNT_MAX
    holds any amount below 1e21): three significant digits from a million
    up (a rounding that carries moves to the next scale: "1.00 billion"),
    whole numbers with thousands separators below; "?" for NaN or
    infinity.  Returns buf.                                                 */
char *pf_words_amount(double value, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
