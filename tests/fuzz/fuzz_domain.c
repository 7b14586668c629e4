/*  fuzz_domain.c — libFuzzer harness for domain validation
    (proto/pf_domain.c), which judges every domain a client sends.

    The input is the domain as sent: any bytes.  pf_domain_normalize writes
    into a buffer of exactly the documented minimum (254 bytes), so
    AddressSanitizer catches any write past it.
      - A refusal is PF_EDOMAIN with a reason.
      - An accepted name is canonical: 1..253 bytes of lower-case letters,
        digits, '-' and '.', at least two labels, no empty label, no label
        over 63 bytes or starting or ending with '-'.
      - Normalising it again accepts it and gives it back unchanged.        */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "pf_domain.h"
#include "pf_error.h"

/*  The smallest out_size pf_domain_normalize takes (pf_domain.h).         */
#define S_OUT_SIZE 254
/*  DNS limits (RFC 1035): bytes in a label and in a name.                 */
#define S_LABEL_MAX 63
#define S_NAME_MAX 253

/*  Checks the shape of an accepted name.                                   */
static void
s_expect_canonical(const char *name)
{
    size_t len = strlen(name);
    FUZZ_CHECK(len >= 1 && len <= S_NAME_MAX, "length %zu", len);
    FUZZ_CHECK(strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") == len,
               "character outside [a-z0-9.-] in '%s'", name);
    size_t labels = 0;
    for (const char *label = name;; ) {
        const char *dot = strchr(label, '.');
        size_t llen = dot ? (size_t) (dot - label) : strlen(label);
        FUZZ_CHECK(llen >= 1 && llen <= S_LABEL_MAX, "label of %zu bytes in '%s'", llen, name);
        FUZZ_CHECK(label[0] != '-' && label[llen - 1] != '-', "hyphen at a label edge: '%s'",
                   name);
        labels++;
        if (!dot)
            break;
        label = dot + 1;
    }
    FUZZ_CHECK(labels >= 2, "single label '%s'", name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = malloc(S_OUT_SIZE);
    FUZZ_CHECK(out != NULL, "out of memory");
    const char *why = NULL;
    int rc = pf_domain_normalize((const char *) data, size, out, S_OUT_SIZE, &why);
    if (rc != 0) {
        FUZZ_CHECK(rc == PF_EDOMAIN, "refusal %s", pf_strerror(rc));
        FUZZ_CHECK(why && why[0], "refusal without a reason");
        free(out);
        return 0;
    }
    s_expect_canonical(out);

    size_t len = strlen(out);
    char *in = malloc(len);   /* exactly the name, no NUL after it */
    char *again = malloc(S_OUT_SIZE);
    FUZZ_CHECK(in && again, "out of memory");
    memcpy(in, out, len);
    why = NULL;
    rc = pf_domain_normalize(in, len, again, S_OUT_SIZE, &why);
    FUZZ_CHECK(rc == 0, "'%s' is refused on a second pass: %s", out, why ? why : "?");
    FUZZ_CHECK(strcmp(out, again) == 0, "not idempotent: '%s' -> '%s'", out, again);
    free(in);
    free(again);
    free(out);
    return 0;
}
