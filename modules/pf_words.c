/*  pf_words.c — whole-word matching (see pf_words.h).                      */
#include "pf_words.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/*  The names of the large scales, from the largest down.                  */
static const struct {
    double scale;
    const char *name;
} s_scales[] = { { 1e12, "trillion" }, { 1e9, "billion" }, { 1e6, "million" } };

/*  Decimals for three significant digits of a scaled amount in [1, 1000). */
static int
s_decimals(double scaled)
{
    double m = fabs(scaled);
    return m >= 100 ? 0 : m >= 10 ? 1 : 2;
}

char *
pf_words_amount(double value, char *buf, size_t size)
{
    if (!isfinite(value)) {
        snprintf(buf, size, "?");
        return buf;
    }
    double magnitude = fabs(value);
    size_t nscales = sizeof s_scales / sizeof s_scales[0];
    for (size_t i = 0; i < nscales; i++) {
        if (magnitude < s_scales[i].scale)
            continue;
        double scaled = value / s_scales[i].scale;
        int decimals = s_decimals(scaled);
        /*  Rounding may carry into the next digit (99.96 -> 100.0) or the
            next scale (999.6 million -> 1.00 billion): say it that way.  */
        double step = pow(10, decimals);
        double rounded = round(scaled * step) / step;
        if (fabs(rounded) >= 1000 && i > 0) {
            scaled = value / s_scales[i - 1].scale;
            snprintf(buf, size, "%.2f %s", scaled, s_scales[i - 1].name);
            return buf;
        }
        if (s_decimals(rounded) != decimals)
            decimals = s_decimals(rounded);
        snprintf(buf, size, "%.*f %s", decimals, rounded, s_scales[i].name);
        return buf;
    }
    /*  Below a million: the whole number with thousands separators.        */
    long long whole = llround(value);
    if (llabs(whole) >= 1000000) {        /* 999,999.5 rounds to a million */
        snprintf(buf, size, "%s1.00 million", whole < 0 ? "-" : "");
        return buf;
    }
    unsigned long long rest = whole < 0 ? 0ULL - (unsigned long long) whole
                                        : (unsigned long long) whole;
    char digits[PF_WORDS_AMOUNT_MAX];
    int n = snprintf(digits, sizeof digits, "%llu", rest);
    char out[PF_WORDS_AMOUNT_MAX];
    size_t o = 0;
    if (whole < 0)
        out[o++] = '-';
    for (int d = 0; d < n; d++) {
        if (d > 0 && (n - d) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[d];
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
    return buf;
}
