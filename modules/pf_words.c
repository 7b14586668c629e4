/*  pf_words.c — whole-word matching (see pf_words.h).                      */
#include "pf_words.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/*  Longest phrase matched, bytes.                                          */
#define S_PHRASE_MAX 128

void
pf_words_init(pf_words_t *words, const char *text)
{
    char *out = words->text;
    size_t n = 0;
    out[n++] = ' ';
    for (const char *p = text ? text : ""; *p && n + 2 < PF_WORDS_MAX; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || c == '&')
            out[n++] = (char)tolower(c);
        else if (out[n - 1] != ' ')
            out[n++] = ' ';
    }
    if (out[n - 1] != ' ')
        out[n++] = ' ';
    out[n] = '\0';
}

bool
pf_words_has(const pf_words_t *words, const char *phrase)
{
    char needle[S_PHRASE_MAX + 3];
    int n = snprintf(needle, sizeof needle, " %s ", phrase);
    if (n < 0 || (size_t)n >= sizeof needle)
        return false;
    return strstr(words->text, needle) != NULL;
}

const char *
pf_words_first(const pf_words_t *words, const char *const *phrases)
{
    for (size_t i = 0; phrases[i]; i++)
        if (pf_words_has(words, phrases[i]))
            return phrases[i];
    return NULL;
}
