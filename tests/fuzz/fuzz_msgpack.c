/*  fuzz_msgpack.c — libFuzzer harness for the strict msgpack codec
    (proto/pf_msgpack.c), which reads every body and header that arrives
    from a socket.

    The input is one msgpack document.  Under both PF_LIMITS_DEFAULT and
    PF_LIMITS_PAYLOAD:
      - pf_msgpack_check agrees with pf_msgpack_decode: the same status
        code, and on success the top-level type of the decoded value;
      - the prefix decoder agrees: on success it used every byte; on
        PF_ETRAILING it decoded a value of fewer bytes, which decodes whole;
      - a decoded map's header reads back its entry count;
      - a decoded value encodes, the encoding decodes under the same limits
        to an equal value (pf_value_equal), and encoding that gives the same
        bytes again (the encoder's output is a fixed point).              */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_util.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_msgpack_internal.h"
#include "pf_value.h"

/*  Checks the round trip decode -> encode -> decode of a decoded value.  */
static void
s_round_trip(const pf_value_t *value, const pf_limits_t *limits)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    FUZZ_CHECK(pf_msgpack_encode(value, &bytes, &size) == 0, "encode refused a decoded value");
    pf_value_t *again = NULL;
    int rc = pf_msgpack_decode(bytes, size, limits, &again);
    FUZZ_CHECK(rc == 0, "re-decode of the encoding failed: %s", pf_strerror(rc));
    FUZZ_CHECK(pf_value_equal(value, again), "re-decoded value differs");
    uint8_t *bytes2 = NULL;
    size_t size2 = 0;
    FUZZ_CHECK(pf_msgpack_encode(again, &bytes2, &size2) == 0, "second encode refused");
    FUZZ_CHECK(fuzz_same_bytes(bytes, size, bytes2, size2),
               "encoding is not a fixed point (%zu vs %zu bytes)", size, size2);
    free(bytes);
    free(bytes2);
    pf_value_destroy(&again);
}

/*  All properties under one set of limits.                                 */
static void
s_one(const uint8_t *data, size_t size, const pf_limits_t *limits)
{
    pf_value_t *value = NULL;
    int rc = pf_msgpack_decode(data, size, limits, &value);
    pf_type_t type = PF_RAW;
    int check_rc = pf_msgpack_check(data, size, limits, &type);
    FUZZ_CHECK(rc == check_rc, "decode says %s, check says %s", pf_strerror(rc),
               pf_strerror(check_rc));
    FUZZ_CHECK(rc <= 0, "positive status %d", rc);
    FUZZ_CHECK((rc == 0) == (value != NULL), "value set on failure or missing on success");

    pf_value_t *prefix = NULL;
    size_t used = 0;
    int prefix_rc = pf_msgpack_decode_prefix(data, size, limits, &prefix, &used);
    if (rc == 0 || rc == PF_ETRAILING) {
        FUZZ_CHECK(prefix_rc == 0, "prefix decode failed: %s", pf_strerror(prefix_rc));
        FUZZ_CHECK(rc == 0 ? used == size : used < size, "prefix used %zu of %zu bytes",
                   used, size);
        pf_value_t *whole = NULL;
        FUZZ_CHECK(pf_msgpack_decode(data, used, limits, &whole) == 0,
                   "the prefix does not decode whole");
        FUZZ_CHECK(pf_value_equal(prefix, whole), "prefix and whole decode differ");
        pf_value_destroy(&whole);
        pf_value_destroy(&prefix);
    }
    else
        FUZZ_CHECK(prefix_rc == rc && prefix == NULL, "prefix decode says %s, decode %s",
                   pf_strerror(prefix_rc), pf_strerror(rc));
    if (rc != 0)
        return;

    FUZZ_CHECK(type == pf_value_type(value), "check type %d, decoded type %d", (int) type,
               (int) pf_value_type(value));
    uint32_t count = 0;
    size_t header = 0;
    int map_rc = pf_msgpack_map_header(data, size, &count, &header);
    if (pf_value_is(value, PF_MAP))
        FUZZ_CHECK(map_rc == 0 && count == pf_map_size(value) && header <= size,
                   "map header does not match the decoded map");
    else
        FUZZ_CHECK(map_rc == PF_ETYPE, "map header of a non-map: %s", pf_strerror(map_rc));

    s_round_trip(value, limits);
    pf_value_destroy(&value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    s_one(data, size, &PF_LIMITS_DEFAULT);
    s_one(data, size, &PF_LIMITS_PAYLOAD);
    return 0;
}
