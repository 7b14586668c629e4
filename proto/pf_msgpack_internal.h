/*  pf_msgpack_internal.h — proto/-private entry points of the msgpack codec.

    The PFP codec wants to read a req_id out of a body that fails strict
    decoding as a whole (trailing bytes, a bad value after req_id), so that
    its ERROR reply can still be matched by the client.  These functions
    decode or check one value at the start of a buffer and report how many
    bytes it used, instead of demanding that it use them all.               */
#ifndef PF_MSGPACK_INTERNAL_H
#define PF_MSGPACK_INTERNAL_H

#include <stddef.h>

#include "pf_msgpack.h"

/*  Like pf_msgpack_decode without the trailing-bytes check: on success sets
    *value_p (caller owns) and *used_p to the bytes the value spans.        */
int pf_msgpack_decode_prefix(const void *data, size_t size, const pf_limits_t *limits,
                             pf_value_t **value_p, size_t *used_p);

/*  Like pf_msgpack_check without the trailing-bytes check.                 */
int pf_msgpack_check_prefix(const void *data, size_t size, const pf_limits_t *limits,
                            pf_type_t *type_p, size_t *used_p);

/*  Reads a map header at data: on success sets *count_p (entries) and
    *used_p (header bytes).  PF_ETYPE if the value there is not a map,
    PF_EPROTO if the buffer is empty or the header is cut short.            */
int pf_msgpack_map_header(const void *data, size_t size, uint32_t *count_p,
                          size_t *used_p);

#endif
