/*  fuzz_providers.c — libFuzzer harness for the providers' answer parsers
    (adapters/pf_provider_*.c), which read whatever an external API sends.

    Input: one byte choosing the operation (over every operation of the
    five providers, in table order), one byte choosing the HTTP status from
    a list of the ones providers send, then the response body: any bytes.
    The body is copied into an allocation of exactly its size plus the NUL
    the parsers are promised, so AddressSanitizer catches a read past it.
      - A refusal is a negative PF_E* code with a snake_case error code and
        a message, and leaves the output untouched.
      - An answer is a map, encodes to msgpack, and decodes back equal.
      - For an operation with a selector, selecting with a handful of
        argument maps either refuses with a code or gives a map.
      - Yahoo's crumb parser on the same body refuses with a code or gives
        1..64 printable bytes.                                            */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_provider.h"
#include "pf_provider_yahoo.h"
#include "pf_value.h"

/*  Statuses providers answer with (the adapter hands parse every status
    it does not retry).                                                     */
static const long s_statuses[] = {200, 201, 204, 301, 400, 401, 403, 404, 409, 422,
                                  429, 500, 501, 502, 503, 504, 999};

/*  The op_index-th operation over all providers, in table order.          */
static const pf_provider_op_t *
s_op(unsigned op_index)
{
    size_t count = 0, total = 0;
    const pf_provider_t *const *all = pf_provider_all(&count);
    for (size_t i = 0; i < count; i++)
        total += all[i]->op_count;
    op_index %= (unsigned) total;
    for (size_t i = 0; i < count; i++) {
        if (op_index < all[i]->op_count)
            return &all[i]->ops[op_index];
        op_index -= (unsigned) all[i]->op_count;
    }
    return NULL;
}

/*  A refusal's error: a lower-case snake_case code and a message.          */
static void
s_expect_error(int rc, const pf_provider_error_t *err)
{
    FUZZ_CHECK(rc < 0, "refusal with status %d", rc);
    FUZZ_CHECK(err->code[0], "refusal without an error code");
    FUZZ_CHECK(strspn(err->code, "abcdefghijklmnopqrstuvwxyz_") == strlen(err->code),
               "error code '%s' is not snake_case", err->code);
    FUZZ_CHECK(err->message[0], "refusal '%s' without a message", err->code);
}

/*  An answer: a map that survives a msgpack round trip.                    */
static void
s_expect_map(const pf_value_t *v)
{
    FUZZ_CHECK(pf_value_is(v, PF_MAP), "an answer that is not a map");
    uint8_t *bytes = NULL;
    size_t size = 0;
    FUZZ_CHECK(pf_msgpack_encode(v, &bytes, &size) == PF_OK, "an answer that does not encode");
    pf_value_t *back = NULL;
    FUZZ_CHECK(pf_msgpack_decode(bytes, size, &PF_LIMITS_PAYLOAD, &back) == PF_OK,
               "an answer whose encoding does not decode");
    FUZZ_CHECK(pf_value_equal(v, back), "an answer that changes in a msgpack round trip");
    pf_value_destroy(&back);
    free(bytes);
}

/*  Arguments a selector may be asked with.                                 */
static pf_value_t *
s_args(int which)
{
    pf_value_t *args = pf_value_map();
    switch (which) {
    case 0: pf_map_set_str(args, "ticker", "NKE"); break;
    case 1: pf_map_set_str(args, "name", "Nike"); break;
    case 2: pf_map_set_str(args, "ticker", "BRK.B"); pf_map_set_str(args, "name", "the co"); break;
    case 3: pf_map_set_str(args, "domain", "stripe.com"); pf_map_set_str(args, "company", "Stripe");
            break;
    default: break;   /* no arguments at all                                 */
    }
    return args;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const pf_provider_op_t *op = s_op(data[0]);
    long status = s_statuses[data[1] % (sizeof s_statuses / sizeof s_statuses[0])];
    size_t body_size = size - 2;
    char *body = malloc(body_size + 1);
    FUZZ_CHECK(body != NULL, "out of memory");
    memcpy(body, data + 2, body_size);
    body[body_size] = '\0';

    pf_value_t *out = NULL;
    pf_provider_error_t err;
    memset(&err, 0, sizeof err);
    int rc = op->parse(status, body, body_size, &out, &err);
    if (rc != PF_OK) {
        s_expect_error(rc, &err);
        FUZZ_CHECK(out == NULL, "%s: a refusal that set its output", op->name);
    } else {
        FUZZ_CHECK(out != NULL, "%s: an answer without a value", op->name);
        s_expect_map(out);
        for (int which = 0; op->select && which < 5; which++) {
            pf_value_t *args = s_args(which);
            pf_value_t *picked = NULL;
            pf_provider_error_t serr;
            memset(&serr, 0, sizeof serr);
            int src = op->select(out, args, &picked, &serr);
            if (src != PF_OK) {
                s_expect_error(src, &serr);
                FUZZ_CHECK(picked == NULL, "%s: a refused selection that set its output",
                           op->name);
            } else {
                s_expect_map(picked);
            }
            pf_value_destroy(&picked);
            pf_value_destroy(&args);
        }
    }
    pf_value_destroy(&out);

    char crumb[PF_PROVIDER_YAHOO_CRUMB_MAX + 1];
    memset(&err, 0, sizeof err);
    rc = pf_provider_yahoo_crumb(status, body, body_size, crumb, sizeof crumb, &err);
    if (rc != PF_OK) {
        s_expect_error(rc, &err);
    } else {
        size_t len = strlen(crumb);
        FUZZ_CHECK(len >= 1 && len <= PF_PROVIDER_YAHOO_CRUMB_MAX, "crumb of %zu bytes", len);
        for (size_t i = 0; i < len; i++)
            FUZZ_CHECK(crumb[i] > ' ' && crumb[i] < 0x7f, "crumb byte 0x%02x",
                       (unsigned char) crumb[i]);
    }
    free(body);
    return 0;
}
