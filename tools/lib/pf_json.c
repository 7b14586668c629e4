/*  pf_json.c — pf_value_t to JSON (see pf_json.h for the mapping).        */
#include "pf_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "pf_alloc.h"
#include "pf_msgpack.h"

/*  Significant digits that always reproduce a double exactly.              */
#define S_DOUBLE_ROUNDTRIP_DIGITS 17

/*  Length of the valid UTF-8 sequence at s[0..len), or 0 if the bytes there
    do not start one (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).  */
static size_t
s_utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;   /* range of the second byte       */
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c == 0xE0) {
        need = 3;
        lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
        need = 3;
    else if (c == 0xED) {
        need = 3;
        hi = 0x9F;
    } else if (c == 0xF0) {
        need = 4;
        lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3)
        need = 4;
    else if (c == 0xF4) {
        need = 4;
        hi = 0x8F;
    } else
        return 0;
    if (len < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    }
    return need;
}

/*  A JSON string of bytes s[0..len), invalid UTF-8 replaced byte by byte
    with U+FFFD so the output is always valid JSON.                         */
static json_t *
s_string(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t bad = 0;
    for (size_t i = 0; i < len;) {
        size_t n = s_utf8_seq(u + i, len - i);
        if (n == 0) {
            bad++;
            n = 1;
        }
        i += n;
    }
    if (bad == 0)
        return json_stringn(s, len);
    /*  Each bad byte grows by at most two (1 byte -> 3 bytes of U+FFFD).   */
    char *clean = pf_malloc(len + 2 * bad + 1);
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t n = s_utf8_seq(u + i, len - i);
        if (n == 0) {
            memcpy(clean + out, "\xEF\xBF\xBD", 3);
            out += 3;
            i++;
        } else {
            memcpy(clean + out, s + i, n);
            out += n;
            i += n;
        }
    }
    json_t *json = json_stringn(clean, out);
    free(clean);
    return json;
}

/*  Standard base64 (with padding) of bytes as a JSON string.              */
static json_t *
s_base64(const void *data, size_t len)
{
    size_t size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *text = pf_malloc(size);
    sodium_bin2base64(text, size, data, len, sodium_base64_VARIANT_ORIGINAL);
    json_t *json = json_string(text);
    free(text);
    return json;
}

/*  The exact value of a PF_UINT.  pf_value.h reads unsigned values only as
    doubles (lossy above 2^53), so take it from the msgpack encoding, which
    is always uint64 (0xcf + 8 bytes big-endian) for values > INT64_MAX.    */
static uint64_t
s_uint_value(const pf_value_t *v)
{
    uint8_t *data = NULL;
    size_t size = 0;
    uint64_t u = 0;
    if (pf_msgpack_encode(v, &data, &size) == 0 && size == 9 && data[0] == 0xcf) {
        for (size_t i = 1; i < 9; i++)
            u = (u << 8) | data[i];
    } else {
        u = (uint64_t)pf_value_as_float(v, 0);
    }
    free(data);
    return u;
}

/*  Sets key -> value (consumed) in object, key given as a pf_value_t.      */
static void
s_object_set(json_t *object, const pf_value_t *key, json_t *value)
{
    size_t len = 0;
    const char *text = pf_value_as_str(key, &len);
    char *owned = NULL;
    if (!text) {
        owned = pf_json_text(key, PF_JSON_COMPACT);
        text = owned ? owned : "";
        len = strlen(text);
    }
    /*  Keys go through the same UTF-8 repair as values.                    */
    json_t *clean = s_string(text, len);
    const char *k = json_string_value(clean);
    size_t klen = json_string_length(clean);
    json_object_setn_new(object, k, klen, value);
    json_decref(clean);
    free(owned);
}

json_t *
pf_json_from_value(const pf_value_t *v)
{
    json_t *json = NULL;
    switch (pf_value_type(v)) {
    case PF_NIL:
        json = json_null();
        break;
    case PF_BOOL:
        json = json_boolean(pf_value_as_bool(v, false));
        break;
    case PF_INT:
        json = json_integer((json_int_t)pf_value_as_int(v, 0));
        break;
    case PF_UINT: {
        /*  Only values above INT64_MAX are PF_UINT; keep them exact.       */
        char digits[32];
        snprintf(digits, sizeof digits, "%" PRIu64, s_uint_value(v));
        json = json_string(digits);
        break;
    }
    case PF_FLOAT: {
        double f = pf_value_as_float(v, 0);
        json = isfinite(f) ? json_real(f) : json_null();
        break;
    }
    case PF_STR: {
        size_t len = 0;
        const char *s = pf_value_as_str(v, &len);
        json = s_string(s, len);
        break;
    }
    case PF_BIN: {
        size_t len = 0;
        const void *data = pf_value_as_bin(v, &len);
        json = s_base64(data, len);
        break;
    }
    case PF_ARRAY: {
        json = json_array();
        size_t n = pf_array_size(v);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(json, pf_json_from_value(pf_array_at(v, i)));
        break;
    }
    case PF_MAP: {
        json = json_object();
        size_t n = pf_map_size(v);
        for (size_t i = 0; i < n; i++)
            s_object_set(json, pf_map_key_at(v, i), pf_json_from_value(pf_map_value_at(v, i)));
        break;
    }
    case PF_RAW: {
        size_t len = 0;
        const void *data = pf_value_as_bin(v, &len);
        pf_value_t *decoded = NULL;
        if (pf_msgpack_decode(data, len, &PF_LIMITS_PAYLOAD, &decoded) == 0) {
            json = pf_json_from_value(decoded);
            pf_value_destroy(&decoded);
        } else {
            json = s_base64(data, len);
        }
        break;
    }
    }
    /*  jansson returns NULL only when out of memory; follow the project's
        policy of aborting rather than printing half a document.            */
    if (!json) {
        fprintf(stderr, "partnerforge: out of memory (json)\n");
        abort();
    }
    return json;
}

/*  Fewest significant digits (%.*g) that read back as exactly f.          */
static int
s_real_digits(double f)
{
    char buf[64];
    for (int p = 1; p < S_DOUBLE_ROUNDTRIP_DIGITS; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, f);
        if (strtod(buf, NULL) == f)
            return p;
    }
    return S_DOUBLE_ROUNDTRIP_DIGITS;
}

/*  Most digits any real in json needs (0 when it holds none).  jansson has
    one precision per dump, so the document gets the largest.              */
static int
s_max_digits(const json_t *json)
{
    int most = 0;
    if (json_is_real(json)) {
        most = s_real_digits(json_real_value(json));
    } else if (json_is_array(json)) {
        size_t i;
        json_t *item;
        json_array_foreach((json_t *)json, i, item) {
            int d = s_max_digits(item);
            if (d > most)
                most = d;
        }
    } else if (json_is_object(json)) {
        const char *key;
        json_t *item;
        json_object_foreach((json_t *)json, key, item) {
            int d = s_max_digits(item);
            if (d > most)
                most = d;
        }
    }
    return most;
}

char *
pf_json_dump(const json_t *json, pf_json_style_t style)
{
    if (!json)
        return NULL;
    size_t flags = JSON_ENCODE_ANY;
    flags |= style == PF_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
    int digits = s_max_digits(json);
    if (digits > 0)
        flags |= JSON_REAL_PRECISION(digits);
    return json_dumps(json, flags);
}

char *
pf_json_text(const pf_value_t *v, pf_json_style_t style)
{
    json_t *json = pf_json_from_value(v);
    char *text = pf_json_dump(json, style);
    json_decref(json);
    return text;
}
