/*  fuzz_apikeys.c — libFuzzer harness for the api-keys file parser
    (actors/pf_apikeys.c), the one configuration file PartnerForge reads.

    The input is the file's text: any bytes.
      - A refusal gives a reason.
      - An accepted set formats to its canonical text (pf_apikeys_format),
        which parses back to a set whose canonical text is the same, and
        every key in it is known to pf_apikeys_admit.                      */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "pf_apikeys.h"
#include "pf_error.h"

/*  Any monotonic time will do: only "known or not" is checked.            */
#define S_NOW_US 1000000

/*  Every line "KEY RPM" of canonical text names a key self knows.         */
static void
s_expect_known(pf_apikeys_t *self, const char *text, size_t len)
{
    for (size_t at = 0; at < len; ) {
        const char *nl = memchr(text + at, '\n', len - at);
        FUZZ_CHECK(nl != NULL, "canonical text does not end in a newline");
        const char *line = text + at;
        size_t line_len = (size_t) (nl - line);
        const char *space = line + line_len;
        while (space > line && *space != ' ')
            space--;
        FUZZ_CHECK(space > line, "canonical line without a space");
        char *key = malloc((size_t) (space - line) + 1);
        FUZZ_CHECK(key != NULL, "out of memory");
        memcpy(key, line, (size_t) (space - line));
        key[space - line] = '\0';
        uint32_t retry = 0;
        int rc = pf_apikeys_admit(self, key, S_NOW_US, &retry);
        FUZZ_CHECK(rc == PF_OK || rc == PF_EBUSY, "key '%s' not known: %s", key,
                   pf_strerror(rc));
        free(key);
        at += line_len + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[256] = "";
    pf_apikeys_t *keys = pf_apikeys_parse((const char *) data, size, "fuzz", why, sizeof why);
    if (!keys) {
        FUZZ_CHECK(why[0], "refusal without a reason");
        return 0;
    }
    size_t len = 0;
    char *text = pf_apikeys_format(keys, &len);
    FUZZ_CHECK(text && strlen(text) == len, "canonical text length");
    pf_apikeys_t *again = pf_apikeys_parse(text, len, "canonical", why, sizeof why);
    FUZZ_CHECK(again != NULL, "canonical text refused: %s", why);
    size_t len2 = 0;
    char *text2 = pf_apikeys_format(again, &len2);
    FUZZ_CHECK(fuzz_same_bytes(text, len, text2, len2), "canonical text is not a fixed point");
    s_expect_known(again, text2, len2);
    free(text);
    free(text2);
    pf_apikeys_destroy(&again);
    pf_apikeys_destroy(&keys);
    return 0;
}
