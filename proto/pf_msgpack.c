/*  pf_msgpack.c — strict msgpack decoder and msgpack-c based encoder.

    The decoder is written by hand rather than using msgpack-c's unpacker,
    which sizes its allocations from the counts a peer claims.  Here every
    length and count is checked, before anything is allocated, against:
      - the bytes that remain (each element needs at least one byte, each
        map entry at least two), and
      - the caps in pf_limits_t (string size, items per container, items in
        the whole document, nesting depth).
    So the memory a document can make us allocate is bounded by a small
    multiple of its own size.  One walker serves both decode (building
    values) and check (building nothing).

    Error codes: a byte needed for a type tag or a fixed-width field that is
    missing is PF_EPROTO (truncated); a string, binary or container length
    that exceeds a cap *or* the bytes remaining is PF_ETOOBIG (the claim
    cannot be honoured, whatever follows); 0xc1 and extension types are
    PF_EPROTO; nesting beyond max_depth is PF_EDEPTH; a complete value that
    leaves bytes unread is PF_ETRAILING.                                      */
#include "pf_msgpack.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_msgpack_internal.h"
#include "pf_value_internal.h"

/*  The decoder recurses once per nesting level.  Whatever limits a caller
    passes, never recurse deeper than this, so the stack stays small.       */
#define S_DEPTH_HARD_MAX 1024u

const pf_limits_t PF_LIMITS_DEFAULT = {
    .max_depth = 16,
    .max_str = 1u << 20,
    .max_items = 100000,
    .max_total_items = 1000000,
};

const pf_limits_t PF_LIMITS_PAYLOAD = {
    .max_depth = 64,
    .max_str = 16u << 20,
    .max_items = 1000000,
    .max_total_items = 4000000,
};

/*  Decoding state: a cursor over the input and the running totals.         */
typedef struct {
    const uint8_t *cur;         /* next byte to read                        */
    const uint8_t *end;         /* one past the last input byte             */
    const pf_limits_t *limits;  /* caps in force                            */
    uint32_t max_depth;         /* limits->max_depth, clamped to hard max   */
    uint64_t total;             /* values read or promised so far           */
} s_reader_t;

static void
s_reader_init(s_reader_t *r, const void *data, size_t size, const pf_limits_t *limits)
{
    r->cur = data;
    r->end = r->cur + size;
    r->limits = limits ? limits : &PF_LIMITS_DEFAULT;
    r->max_depth = r->limits->max_depth < S_DEPTH_HARD_MAX ? r->limits->max_depth
                                                           : S_DEPTH_HARD_MAX;
    r->total = 0;
}

static size_t
s_left(const s_reader_t *r)
{
    return (size_t) (r->end - r->cur);
}

/*  Reads an n-byte big-endian unsigned integer (n <= 8).                   */
static int
s_read_be(s_reader_t *r, size_t n, uint64_t *out)
{
    if (s_left(r) < n)
        return PF_EPROTO;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | r->cur[i];
    r->cur += n;
    *out = v;
    return 0;
}

/*  Length of the str/bin/array/map field that follows a tag: width bytes
    (1, 2 or 4).                                                             */
static int
s_read_len(s_reader_t *r, size_t width, uint32_t *len)
{
    uint64_t v;
    int rc = s_read_be(r, width, &v);
    if (rc == 0)
        *len = (uint32_t) v;
    return rc;
}

static int s_read_value(s_reader_t *r, uint32_t depth, pf_value_t **out);

/*  A str or bin of len bytes at the cursor.                                 */
static int
s_read_bytes(s_reader_t *r, pf_type_t type, uint32_t len, pf_value_t **out)
{
    if (len > r->limits->max_str || len > s_left(r))
        return PF_ETOOBIG;
    if (out)
        *out = type == PF_STR ? pf_value_strn((const char *) r->cur, len)
                              : pf_value_bin(r->cur, len);
    r->cur += len;
    return 0;
}

/*  Checks a container claim of count children (each needing at least
    min_bytes input bytes; `values` values in all, keys included) before
    anything is allocated for it.                                            */
static int
s_check_container(s_reader_t *r, uint32_t depth, uint32_t count, size_t min_bytes,
                  uint64_t values)
{
    if (depth > r->max_depth)
        return PF_EDEPTH;
    if (count > r->limits->max_items || count > s_left(r) / min_bytes)
        return PF_ETOOBIG;
    if (r->total + values > r->limits->max_total_items)
        return PF_ETOOBIG;
    return 0;
}

static int
s_read_array(s_reader_t *r, uint32_t depth, uint32_t count, pf_value_t **out)
{
    int rc = s_check_container(r, depth, count, 1, count);
    if (rc)
        return rc;
    pf_value_t *array = NULL;
    if (out) {
        array = pf_value_array();
        pf_value_reserve(array, count);
    }
    for (uint32_t i = 0; i < count; i++) {
        pf_value_t *item = NULL;
        rc = s_read_value(r, depth + 1, out ? &item : NULL);
        if (rc) {
            pf_value_destroy(&array);
            return rc;
        }
        if (out)
            pf_array_push(array, &item);
    }
    if (out)
        *out = array;
    return 0;
}

static int
s_read_map(s_reader_t *r, uint32_t depth, uint32_t count, pf_value_t **out)
{
    int rc = s_check_container(r, depth, count, 2, 2 * (uint64_t) count);
    if (rc)
        return rc;
    pf_value_t *map = NULL;
    if (out) {
        map = pf_value_map();
        pf_value_reserve(map, count);
    }
    for (uint32_t i = 0; i < count; i++) {
        pf_value_t *key = NULL, *value = NULL;
        rc = s_read_value(r, depth + 1, out ? &key : NULL);
        if (rc == 0)
            rc = s_read_value(r, depth + 1, out ? &value : NULL);
        if (rc) {
            pf_value_destroy(&key);
            pf_value_destroy(&map);
            return rc;
        }
        if (out)
            pf_map_append(map, &key, &value);
    }
    if (out)
        *out = map;
    return 0;
}

/*  Reads one value at depth (the top level is 1).  out NULL: check only.   */
static int
s_read_value(s_reader_t *r, uint32_t depth, pf_value_t **out)
{
    if (s_left(r) == 0)
        return PF_EPROTO;
    if (++r->total > r->limits->max_total_items)
        return PF_ETOOBIG;
    uint8_t tag = *r->cur++;
    uint64_t v = 0;
    uint32_t len = 0;
    int rc = 0;

    if (tag <= 0x7f) {                       /* positive fixint             */
        if (out)
            *out = pf_value_int(tag);
        return 0;
    }
    if (tag >= 0xe0) {                       /* negative fixint             */
        if (out)
            *out = pf_value_int((int8_t) tag);
        return 0;
    }
    if (tag >= 0xa0 && tag <= 0xbf)          /* fixstr                      */
        return s_read_bytes(r, PF_STR, tag & 0x1f, out);
    if (tag >= 0x90 && tag <= 0x9f)          /* fixarray                    */
        return s_read_array(r, depth, tag & 0x0f, out);
    if (tag >= 0x80 && tag <= 0x8f)          /* fixmap                      */
        return s_read_map(r, depth, tag & 0x0f, out);

    switch (tag) {
    case 0xc0:
        if (out)
            *out = pf_value_nil();
        return 0;
    case 0xc2:
    case 0xc3:
        if (out)
            *out = pf_value_bool(tag == 0xc3);
        return 0;
    case 0xcc: case 0xcd: case 0xce: case 0xcf:   /* uint 8/16/32/64    */
        rc = s_read_be(r, (size_t) 1 << (tag - 0xcc), &v);
        if (rc == 0 && out)
            *out = pf_value_uint(v);
        return rc;
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: { /* int 8/16/32/64     */
        size_t width = (size_t) 1 << (tag - 0xd0);
        rc = s_read_be(r, width, &v);
        if (rc == 0 && out) {
            int64_t i;
            if (width == 8)
                i = (int64_t) v;
            else {
                /*  Sign-extend from the top bit of the field.              */
                uint64_t sign = (uint64_t) 1 << (width * 8 - 1);
                i = (int64_t) ((v ^ sign) - sign);
            }
            *out = pf_value_int(i);
        }
        return rc;
    }
    case 0xca: {                                  /* float32            */
        rc = s_read_be(r, 4, &v);
        if (rc == 0 && out) {
            uint32_t bits = (uint32_t) v;
            float f;
            memcpy(&f, &bits, sizeof f);
            *out = pf_value_float(f);
        }
        return rc;
    }
    case 0xcb: {                                  /* float64            */
        rc = s_read_be(r, 8, &v);
        if (rc == 0 && out) {
            double d;
            memcpy(&d, &v, sizeof d);
            *out = pf_value_float(d);
        }
        return rc;
    }
    case 0xd9: case 0xda: case 0xdb:              /* str 8/16/32        */
        rc = s_read_len(r, (size_t) 1 << (tag - 0xd9), &len);
        return rc ? rc : s_read_bytes(r, PF_STR, len, out);
    case 0xc4: case 0xc5: case 0xc6:              /* bin 8/16/32        */
        rc = s_read_len(r, (size_t) 1 << (tag - 0xc4), &len);
        return rc ? rc : s_read_bytes(r, PF_BIN, len, out);
    case 0xdc: case 0xdd:                         /* array 16/32        */
        rc = s_read_len(r, tag == 0xdc ? 2 : 4, &len);
        return rc ? rc : s_read_array(r, depth, len, out);
    case 0xde: case 0xdf:                         /* map 16/32          */
        rc = s_read_len(r, tag == 0xde ? 2 : 4, &len);
        return rc ? rc : s_read_map(r, depth, len, out);
    default:
        /*  0xc1 (never used) and the extension families fixext 1..16
            (0xd4..0xd8) and ext 8/16/32 (0xc7..0xc9): nothing on our wire
            uses them, so they are malformed input.                          */
        return PF_EPROTO;
    }
}

/*  The pf_type_t a tag byte starts (the byte must be a valid tag).         */
static pf_type_t
s_tag_type(uint8_t tag)
{
    if (tag <= 0x7f || tag >= 0xe0)
        return PF_INT;
    if (tag <= 0x8f || tag == 0xde || tag == 0xdf)
        return PF_MAP;
    if (tag <= 0x9f || tag == 0xdc || tag == 0xdd)
        return PF_ARRAY;
    if (tag <= 0xbf || (tag >= 0xd9 && tag <= 0xdb))
        return PF_STR;
    switch (tag) {
    case 0xc0: return PF_NIL;
    case 0xc2: case 0xc3: return PF_BOOL;
    case 0xc4: case 0xc5: case 0xc6: return PF_BIN;
    case 0xca: case 0xcb: return PF_FLOAT;
    default: return PF_INT;  /* uint/int families; uint64 may be PF_UINT  */
    }
}

int
pf_msgpack_decode_prefix(const void *data, size_t size, const pf_limits_t *limits,
                         pf_value_t **value_p, size_t *used_p)
{
    if (!data && size)
        return PF_EINVAL;
    if (size == 0)
        return PF_EPROTO;   /* truncated before the first tag byte */
    s_reader_t r;
    s_reader_init(&r, data, size, limits);
    pf_value_t *value = NULL;
    int rc = s_read_value(&r, 1, &value);
    if (rc)
        return rc;
    *value_p = value;
    *used_p = size - s_left(&r);
    return 0;
}

int
pf_msgpack_check_prefix(const void *data, size_t size, const pf_limits_t *limits,
                        pf_type_t *type_p, size_t *used_p)
{
    if (!data && size)
        return PF_EINVAL;
    if (size == 0)
        return PF_EPROTO;   /* truncated before the first tag byte */
    s_reader_t r;
    s_reader_init(&r, data, size, limits);
    int rc = s_read_value(&r, 1, NULL);
    if (rc)
        return rc;
    if (type_p) {
        pf_type_t type = s_tag_type(((const uint8_t *) data)[0]);
        if (((const uint8_t *) data)[0] == 0xcf && ((const uint8_t *) data)[1] & 0x80)
            type = PF_UINT;
        *type_p = type;
    }
    *used_p = size - s_left(&r);
    return 0;
}

int
pf_msgpack_decode(const void *data, size_t size, const pf_limits_t *limits,
                  pf_value_t **value_p)
{
    pf_value_t *value = NULL;
    size_t used = 0;
    int rc = pf_msgpack_decode_prefix(data, size, limits, &value, &used);
    if (rc)
        return rc;
    if (used != size) {
        pf_value_destroy(&value);
        return PF_ETRAILING;
    }
    *value_p = value;
    return 0;
}

int
pf_msgpack_check(const void *data, size_t size, const pf_limits_t *limits,
                 pf_type_t *type_p)
{
    pf_type_t type = PF_NIL;
    size_t used = 0;
    int rc = pf_msgpack_check_prefix(data, size, limits, &type, &used);
    if (rc)
        return rc;
    if (used != size)
        return PF_ETRAILING;
    if (type_p)
        *type_p = type;
    return 0;
}

int
pf_msgpack_map_header(const void *data, size_t size, uint32_t *count_p, size_t *used_p)
{
    if (!data || size == 0)
        return PF_EPROTO;
    s_reader_t r;
    s_reader_init(&r, data, size, NULL);
    uint8_t tag = *r.cur++;
    uint32_t count;
    if (tag >= 0x80 && tag <= 0x8f)
        count = tag & 0x0f;
    else if (tag == 0xde || tag == 0xdf) {
        int rc = s_read_len(&r, tag == 0xde ? 2 : 4, &count);
        if (rc)
            return rc;
    }
    else
        return PF_ETYPE;
    *count_p = count;
    *used_p = size - s_left(&r);
    return 0;
}

/* ---------------------------------------------------------------- encoder */

/*  The encoder writes into one buffer sized up front by s_size(), so an
    encode costs one exact allocation (msgpack-c's sbuffer would start every
    encode with an 8 KiB block).  The buffer still grows if the estimate is
    ever short, so a sizing mistake costs speed, never memory safety.        */
typedef struct {
    uint8_t *data;      /* the output                                    */
    size_t size;        /* bytes written                                 */
    size_t cap;         /* bytes allocated                               */
} s_out_t;

static int
s_out_write(void *arg, const char *buf, size_t len)
{
    s_out_t *out = arg;
    if (out->cap - out->size < len) {
        size_t want = out->size + len;
        out->cap = want > out->cap * 2 ? want : out->cap * 2;
        out->data = pf_realloc(out->data, out->cap);
    }
    memcpy(out->data + out->size, buf, len);
    out->size += len;
    return 0;
}

/*  Bytes of a msgpack header for an unsigned magnitude, as msgpack-c
    chooses it (fixint, then 8/16/32/64-bit forms).                          */
static size_t
s_uint_size(uint64_t u)
{
    return u < 128 ? 1 : u < 256 ? 2 : u < 65536 ? 3 : u <= UINT32_MAX ? 5 : 9;
}

static size_t
s_int_size(int64_t i)
{
    if (i >= 0)
        return s_uint_size((uint64_t)i);
    return i >= -32 ? 1 : i >= -128 ? 2 : i >= -32768 ? 3 : i >= INT32_MIN ? 5 : 9;
}

static size_t
s_len_size(size_t n, size_t fix_limit, bool has8)
{
    if (n < fix_limit)
        return 1;
    if (has8 && n < 256)
        return 2;
    return n < 65536 ? 3 : 5;
}

static size_t
s_size(const pf_value_t *v)
{
    size_t len = 0;
    switch (pf_value_type(v)) {
    case PF_NIL:
    case PF_BOOL:
        return 1;
    case PF_INT:
        return s_int_size(pf_value_as_int(v, 0));
    case PF_UINT:
        return s_uint_size(pf_value_as_u64(v, 0));
    case PF_FLOAT:
        return 9;
    case PF_STR:
        pf_value_as_str(v, &len);
        return s_len_size(len, 32, true) + len;
    case PF_BIN:
        pf_value_as_bin(v, &len);
        return (len < 256 ? 2 : len < 65536 ? 3 : 5) + len;
    case PF_RAW:
        pf_value_as_bin(v, &len);
        return len;
    case PF_ARRAY: {
        size_t n = pf_array_size(v), total = s_len_size(n, 16, false);
        for (size_t i = 0; i < n; i++)
            total += s_size(pf_array_at(v, i));
        return total;
    }
    case PF_MAP: {
        size_t n = pf_map_size(v), total = s_len_size(n, 16, false);
        for (size_t i = 0; i < n; i++)
            total += s_size(pf_map_key_at(v, i)) + s_size(pf_map_value_at(v, i));
        return total;
    }
    }
    return 0;
}

static void
s_pack(msgpack_packer *pk, const pf_value_t *v)
{
    size_t len = 0;
    const void *bytes;
    switch (pf_value_type(v)) {
    case PF_NIL:
        msgpack_pack_nil(pk);
        break;
    case PF_BOOL:
        if (pf_value_as_bool(v, false))
            msgpack_pack_true(pk);
        else
            msgpack_pack_false(pk);
        break;
    case PF_INT:
        msgpack_pack_int64(pk, pf_value_as_int(v, 0));
        break;
    case PF_UINT:
        msgpack_pack_uint64(pk, pf_value_as_u64(v, 0));
        break;
    case PF_FLOAT:
        msgpack_pack_double(pk, pf_value_as_float(v, 0));
        break;
    case PF_STR:
        bytes = pf_value_as_str(v, &len);
        msgpack_pack_str(pk, len);
        msgpack_pack_str_body(pk, bytes, len);
        break;
    case PF_BIN:
        bytes = pf_value_as_bin(v, &len);
        msgpack_pack_bin(pk, len);
        msgpack_pack_bin_body(pk, bytes, len);
        break;
    case PF_RAW:
        bytes = pf_value_as_bin(v, &len);
        s_out_write(pk->data, bytes, len);
        break;
    case PF_ARRAY: {
        size_t n = pf_array_size(v);
        msgpack_pack_array(pk, n);
        for (size_t i = 0; i < n; i++)
            s_pack(pk, pf_array_at(v, i));
        break;
    }
    case PF_MAP: {
        size_t n = pf_map_size(v);
        msgpack_pack_map(pk, n);
        for (size_t i = 0; i < n; i++) {
            s_pack(pk, pf_map_key_at(v, i));
            s_pack(pk, pf_map_value_at(v, i));
        }
        break;
    }
    }
}

int
pf_msgpack_encode(const pf_value_t *value, uint8_t **data_p, size_t *size_p)
{
    if (!value || !data_p || !size_p)
        return PF_EINVAL;
    s_out_t out = { NULL, 0, s_size(value) };
    if (out.cap == 0)
        out.cap = 1;
    out.data = pf_malloc(out.cap);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &out, s_out_write);
    s_pack(&pk, value);
    *data_p = out.data;
    *size_p = out.size;
    return 0;
}
