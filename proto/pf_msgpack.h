/*  pf_msgpack.h — strict msgpack codec for everything that crosses a socket.

    Decoding is strict and allocation-safe: every string, binary and container
    length is checked against the bytes that remain (and against the caps in
    pf_limits_t) *before* anything is allocated, so a 5-byte header claiming
    2^32 elements costs nothing.  Extension types are rejected.  A complete
    value must use the whole buffer: trailing bytes are an error.

    Encoding uses msgpack-c's packer; only proto/ includes msgpack.h.         */
#ifndef PF_MSGPACK_H
#define PF_MSGPACK_H

#include <stddef.h>
#include <stdint.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t max_depth;       /* nesting of arrays/maps; the top level is 1  */
    uint32_t max_str;         /* bytes in one str or bin                     */
    uint32_t max_items;       /* elements in one array or entries in a map   */
    uint32_t max_total_items; /* all values in the document, summed          */
} pf_limits_t;

/*  Limits for PFP/1 request bodies and actor-protocol headers.              */
extern const pf_limits_t PF_LIMITS_DEFAULT;
/*  Looser limits for module results and adapter replies.                   */
extern const pf_limits_t PF_LIMITS_PAYLOAD;

/*  Decodes exactly one value that spans all of data[0..size).
    Returns 0 and sets *value_p (caller owns) on success, else:
      PF_EPROTO    truncated or malformed (reserved byte 0xc1, ext types),
      PF_ETOOBIG   a length or count over a cap or over the bytes remaining,
      PF_EDEPTH    nested deeper than max_depth,
      PF_ETRAILING bytes left after the value.
    limits may be NULL for PF_LIMITS_DEFAULT.                                */
int pf_msgpack_decode(const void *data, size_t size, const pf_limits_t *limits,
                      pf_value_t **value_p);

/*  Same checks as pf_msgpack_decode without allocating anything.  On
    success, if type_p is non-NULL it receives the top-level type.           */
int pf_msgpack_check(const void *data, size_t size, const pf_limits_t *limits,
                     pf_type_t *type_p);

/*  Encodes value into a new buffer (caller frees with free()).  PF_RAW is
    copied verbatim.  Returns 0, or PF_EINVAL for a NULL value.              */
int pf_msgpack_encode(const pf_value_t *value, uint8_t **data_p, size_t *size_p);

#ifdef __cplusplus
}
#endif
#endif
