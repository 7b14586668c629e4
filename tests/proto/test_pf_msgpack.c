/*  test_pf_msgpack.c — unit tests of the strict msgpack codec
    (proto/pf_msgpack.c): every format family, limits checked before
    allocation, depth, trailing and truncated input, ext rejection, PF_RAW. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_value.h"

/*  Address-space cap for the "claims cost nothing" tests, far below what
    honouring any of the claims would need (>= 4 GiB).                       */
#define S_ADDRESS_SPACE_CAP (512ul << 20)

/*  Deep structural equality of two values.                                  */
static bool
s_equal(const pf_value_t *a, const pf_value_t *b)
{
    if (pf_value_type(a) != pf_value_type(b))
        return false;
    size_t la, lb;
    switch (pf_value_type(a)) {
    case PF_NIL:
        return true;
    case PF_BOOL:
        return pf_value_as_bool(a, false) == pf_value_as_bool(b, false);
    case PF_INT:
        return pf_value_as_int(a, 0) == pf_value_as_int(b, 0);
    case PF_UINT:
    case PF_FLOAT:
        return pf_value_as_float(a, 0) == pf_value_as_float(b, 0);
    case PF_STR: {
        const char *sa = pf_value_as_str(a, &la), *sb = pf_value_as_str(b, &lb);
        return la == lb && memcmp(sa, sb, la) == 0;
    }
    case PF_BIN:
    case PF_RAW: {
        const void *da = pf_value_as_bin(a, &la), *db = pf_value_as_bin(b, &lb);
        return la == lb && memcmp(da, db, la) == 0;
    }
    case PF_ARRAY:
        if (pf_array_size(a) != pf_array_size(b))
            return false;
        for (size_t i = 0; i < pf_array_size(a); i++)
            if (!s_equal(pf_array_at(a, i), pf_array_at(b, i)))
                return false;
        return true;
    case PF_MAP:
        if (pf_map_size(a) != pf_map_size(b))
            return false;
        for (size_t i = 0; i < pf_map_size(a); i++)
            if (!s_equal(pf_map_key_at(a, i), pf_map_key_at(b, i))
                || !s_equal(pf_map_value_at(a, i), pf_map_value_at(b, i)))
                return false;
        return true;
    }
    return false;
}

/*  Decodes bytes (must succeed, check must agree), returns the value.       */
static pf_value_t *
s_decode_ok(const void *data, size_t size, const pf_limits_t *limits)
{
    pf_value_t *v = NULL;
    int rc = pf_msgpack_decode(data, size, limits, &v);
    ck_assert_msg(rc == 0, "decode failed: %s", pf_strerror(rc));
    pf_type_t type = PF_NIL;
    ck_assert_int_eq(pf_msgpack_check(data, size, limits, &type), 0);
    ck_assert_int_eq(type, pf_value_type(v));
    return v;
}

/*  Decode and check both fail with `expected`; the out value is untouched. */
static void
s_decode_fails(const void *data, size_t size, const pf_limits_t *limits, int expected)
{
    pf_value_t *v = (pf_value_t *) &v;   /* sentinel: must stay as it is */
    int rc = pf_msgpack_decode(data, size, limits, &v);
    ck_assert_msg(rc == expected, "decode: got %d (%s), want %d", rc, pf_strerror(rc),
                  expected);
    ck_assert(v == (pf_value_t *) &v);
    pf_type_t type = (pf_type_t) 99;
    ck_assert_int_eq(pf_msgpack_check(data, size, limits, &type), expected);
    ck_assert_int_eq(type, 99);
}

/*  Encodes v, checks the first byte is `tag` (the format family msgpack
    requires for this value) and that decoding gives v back.                */
static void
s_round_trip(const pf_value_t *v, int tag)
{
    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_msgpack_encode(v, &data, &size), 0);
    ck_assert_uint_gt(size, 0);
    if (tag >= 0)
        ck_assert_msg(data[0] == tag, "tag 0x%02x, want 0x%02x", data[0], tag);
    pf_value_t *back = s_decode_ok(data, size, &PF_LIMITS_PAYLOAD);
    ck_assert(s_equal(v, back));
    pf_value_destroy(&back);
    free(data);
}

/*  Round trips and destroys v.                                              */
static void
s_round_trip_take(pf_value_t *v, int tag)
{
    s_round_trip(v, tag);
    pf_value_destroy(&v);
}

START_TEST(test_decode_every_family)
{
    struct {
        const char *bytes;
        size_t size;
        pf_type_t type;
        double number;    /* for numeric families */
    } cases[] = {
        { "\xc0", 1, PF_NIL, 0 },
        { "\xc2", 1, PF_BOOL, 0 },
        { "\xc3", 1, PF_BOOL, 1 },
        { "\x05", 1, PF_INT, 5 },
        { "\x7f", 1, PF_INT, 127 },
        { "\xff", 1, PF_INT, -1 },
        { "\xe0", 1, PF_INT, -32 },
        { "\xcc\xc8", 2, PF_INT, 200 },
        { "\xcd\x01\x00", 3, PF_INT, 256 },
        { "\xce\x00\x01\x00\x00", 5, PF_INT, 65536 },
        { "\xcf\x00\x00\x00\x01\x00\x00\x00\x00", 9, PF_INT, 4294967296.0 },
        { "\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 9, PF_UINT, 18446744073709551615.0 },
        { "\xd0\x80", 2, PF_INT, -128 },
        { "\xd1\x80\x00", 3, PF_INT, -32768 },
        { "\xd2\x80\x00\x00\x00", 5, PF_INT, -2147483648.0 },
        { "\xd3\xff\xff\xff\xff\xff\xff\xff\xfe", 9, PF_INT, -2 },
        { "\xd0\x05", 2, PF_INT, 5 },
        { "\xca\x3f\xc0\x00\x00", 5, PF_FLOAT, 1.5 },
        { "\xcb\x40\x09\x21\xfb\x54\x44\x2d\x18", 9, PF_FLOAT, 3.141592653589793 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pf_value_t *v = s_decode_ok(cases[i].bytes, cases[i].size, NULL);
        ck_assert_msg(pf_value_type(v) == cases[i].type, "case %zu", i);
        if (cases[i].type == PF_BOOL)
            ck_assert(pf_value_as_bool(v, false) == (cases[i].number != 0));
        else if (cases[i].type != PF_NIL)
            ck_assert_msg(pf_value_as_float(v, NAN) == cases[i].number, "case %zu", i);
        s_round_trip(v, -1);
        pf_value_destroy(&v);
    }
    /*  int64 extremes exactly.                                             */
    pf_value_t *v = s_decode_ok("\xd3\x80\x00\x00\x00\x00\x00\x00\x00", 9, NULL);
    ck_assert(pf_value_as_int(v, 0) == INT64_MIN);
    pf_value_destroy(&v);
    v = s_decode_ok("\xcf\x7f\xff\xff\xff\xff\xff\xff\xff", 9, NULL);
    ck_assert(pf_value_as_int(v, 0) == INT64_MAX);
    pf_value_destroy(&v);
}
END_TEST

/*  Builds a buffer: tag, big-endian length of width bytes, then fill bytes. */
static uint8_t *
s_sized(uint8_t tag, size_t width, size_t len, uint8_t fill, size_t *size_p)
{
    size_t size = 1 + width + len;
    uint8_t *buf = malloc(size);
    ck_assert_ptr_nonnull(buf);
    buf[0] = tag;
    for (size_t i = 0; i < width; i++)
        buf[1 + i] = (uint8_t) (len >> (8 * (width - 1 - i)));
    memset(buf + 1 + width, fill, len);
    *size_p = size;
    return buf;
}

START_TEST(test_decode_str_bin_families)
{
    struct { uint8_t tag; size_t width; size_t len; pf_type_t type; } cases[] = {
        { 0xa0 | 3, 0, 3, PF_STR }, { 0xd9, 1, 200, PF_STR }, { 0xda, 2, 300, PF_STR },
        { 0xdb, 4, 70000, PF_STR }, { 0xc4, 1, 10, PF_BIN }, { 0xc5, 2, 1000, PF_BIN },
        { 0xc6, 4, 70000, PF_BIN }, { 0xd9, 1, 0, PF_STR }, { 0xc4, 1, 0, PF_BIN },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t size;
        uint8_t *buf = s_sized(cases[i].tag, cases[i].width, cases[i].len, 'z', &size);
        pf_value_t *v = s_decode_ok(buf, size, NULL);
        ck_assert_int_eq(pf_value_type(v), cases[i].type);
        size_t len;
        const char *bytes = cases[i].type == PF_STR ? pf_value_as_str(v, &len)
                                                    : pf_value_as_bin(v, &len);
        ck_assert_uint_eq(len, cases[i].len);
        for (size_t j = 0; j < len; j++)
            ck_assert(bytes[j] == 'z');
        s_round_trip(v, -1);
        pf_value_destroy(&v);
        free(buf);
    }
}
END_TEST

START_TEST(test_decode_container_families)
{
    /*  fixarray, array16, array32 of n nils; fixmap, map16, map32 of n
        entries {int: nil}.                                                  */
    struct { uint8_t tag; size_t width; size_t n; bool map; } cases[] = {
        { 0x93, 0, 3, false }, { 0xdc, 2, 20, false }, { 0xdd, 4, 70000, false },
        { 0x82, 0, 2, true },  { 0xde, 2, 20, true },  { 0xdf, 4, 70000, true },
        { 0x90, 0, 0, false }, { 0x80, 0, 0, true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t per = cases[i].map ? 3 : 1;   /* bytes per element or entry */
        size_t size = 1 + cases[i].width + cases[i].n * per;
        uint8_t *buf = malloc(size);
        buf[0] = cases[i].tag;
        for (size_t b = 0; b < cases[i].width; b++)
            buf[1 + b] = (uint8_t) (cases[i].n >> (8 * (cases[i].width - 1 - b)));
        uint8_t *p = buf + 1 + cases[i].width;
        for (size_t e = 0; e < cases[i].n; e++) {
            if (cases[i].map) {
                /*  Key "k" then nil; the decoder keeps repeated keys
                    as they are (it does not look keys up).                 */
                *p++ = 0xa1;
                *p++ = 'k';
            }
            *p++ = 0xc0;
        }
        pf_value_t *v = s_decode_ok(buf, size, &PF_LIMITS_PAYLOAD);
        ck_assert_int_eq(pf_value_type(v), cases[i].map ? PF_MAP : PF_ARRAY);
        ck_assert_uint_eq(cases[i].map ? pf_map_size(v) : pf_array_size(v), cases[i].n);
        s_round_trip(v, -1);
        pf_value_destroy(&v);
        free(buf);
    }
}
END_TEST

START_TEST(test_encode_picks_each_family)
{
    struct { int64_t i; int tag; } ints[] = {
        { 0, 0x00 }, { 127, 0x7f }, { 128, 0xcc }, { 255, 0xcc }, { 256, 0xcd },
        { 65535, 0xcd }, { 65536, 0xce }, { 4294967295LL, 0xce }, { 4294967296LL, 0xcf },
        { INT64_MAX, 0xcf }, { -1, 0xff }, { -32, 0xe0 }, { -33, 0xd0 }, { -128, 0xd0 },
        { -129, 0xd1 }, { -32768, 0xd1 }, { -32769, 0xd2 }, { INT32_MIN, 0xd2 },
        { (int64_t) INT32_MIN - 1, 0xd3 }, { INT64_MIN, 0xd3 },
    };
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        s_round_trip_take(pf_value_int(ints[i].i), ints[i].tag);
    s_round_trip_take(pf_value_uint(UINT64_MAX), 0xcf);
    s_round_trip_take(pf_value_nil(), 0xc0);
    s_round_trip_take(pf_value_bool(false), 0xc2);
    s_round_trip_take(pf_value_bool(true), 0xc3);
    s_round_trip_take(pf_value_float(-0.25), 0xcb);

    struct { size_t len; int str_tag; int bin_tag; } sizes[] = {
        { 0, 0xa0, 0xc4 }, { 31, 0xbf, 0xc4 }, { 32, 0xd9, 0xc4 }, { 255, 0xd9, 0xc4 },
        { 256, 0xda, 0xc5 }, { 65535, 0xda, 0xc5 }, { 65536, 0xdb, 0xc6 },
    };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        char *text = malloc(sizes[i].len + 1);
        memset(text, 'q', sizes[i].len);
        text[sizes[i].len] = '\0';
        s_round_trip_take(pf_value_strn(text, sizes[i].len), sizes[i].str_tag);
        s_round_trip_take(pf_value_bin(text, sizes[i].len), sizes[i].bin_tag);
        free(text);
    }

    struct { size_t n; int array_tag; int map_tag; } counts[] = {
        { 0, 0x90, 0x80 }, { 15, 0x9f, 0x8f }, { 16, 0xdc, 0xde }, { 65535, 0xdc, 0xde },
        { 65536, 0xdd, 0xdf },
    };
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        pf_value_t *a = pf_value_array();
        pf_value_t *m = pf_value_map();
        char key[32];
        for (size_t j = 0; j < counts[i].n; j++) {
            pf_value_t *item = pf_value_int((int64_t) j);
            pf_array_push(a, &item);
            snprintf(key, sizeof key, "%zu", j);
            /*  pf_map_set looks keys up linearly: fine for <= 16 entries,
                slow for 65536; build big maps with unique keys regardless. */
            if (counts[i].n <= 16)
                pf_map_set_int(m, key, (int64_t) j);
        }
        s_round_trip_take(a, counts[i].array_tag);
        if (counts[i].n <= 16)
            s_round_trip_take(m, counts[i].map_tag);
        else
            pf_value_destroy(&m);
    }
}
END_TEST

START_TEST(test_nested_and_non_string_keys_round_trip)
{
    /*  {1: [true, {"x": 2.5}], [1]: "k", nil: bin}                           */
    const uint8_t doc[] = { 0x83, 0x01, 0x92, 0xc3, 0x81, 0xa1, 'x', 0xcb, 0x40, 0x04,
                            0, 0, 0, 0, 0, 0, 0x91, 0x01, 0xa1, 'k', 0xc0, 0xc4, 0x01,
                            0x07 };
    pf_value_t *v = s_decode_ok(doc, sizeof doc, NULL);
    ck_assert_uint_eq(pf_map_size(v), 3);
    ck_assert_int_eq(pf_value_as_int(pf_map_key_at(v, 0), 0), 1);
    const pf_value_t *inner = pf_array_at(pf_map_value_at(v, 0), 1);
    ck_assert(pf_map_get_float(inner, "x", 0) == 2.5);
    ck_assert_int_eq(pf_value_type(pf_map_key_at(v, 1)), PF_ARRAY);
    ck_assert_int_eq(pf_value_type(pf_map_key_at(v, 2)), PF_NIL);
    uint8_t *data;
    size_t size;
    ck_assert_int_eq(pf_msgpack_encode(v, &data, &size), 0);
    ck_assert_uint_eq(size, sizeof doc);
    ck_assert_int_eq(memcmp(data, doc, size), 0);
    free(data);
    pf_value_destroy(&v);
}
END_TEST

/*  Caps the address space of this (forked) test process so that honouring
    a huge claim would abort the test.  AddressSanitizer reserves terabytes
    of shadow memory up front, so the cap is only set without it; the
    explicit limits below still prove the rejection happens first.          */
static void
s_cap_address_space(void)
{
#if !defined(__SANITIZE_ADDRESS__)
    struct rlimit rl = { S_ADDRESS_SPACE_CAP, S_ADDRESS_SPACE_CAP };
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
#endif
}

START_TEST(test_huge_claims_fail_fast)
{
    s_cap_address_space();
    /*  Limits that would allow the claims: only the bytes remaining stop
        them.                                                                */
    const pf_limits_t open = { 1000, UINT32_MAX, UINT32_MAX, UINT32_MAX };
    const pf_limits_t *all[] = { NULL, &PF_LIMITS_DEFAULT, &PF_LIMITS_PAYLOAD, &open };
    const uint8_t array32[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
    const uint8_t map32[] = { 0xdf, 0xff, 0xff, 0xff, 0xff };
    const uint8_t str32[] = { 0xdb, 0xff, 0xff, 0xff, 0xff };
    const uint8_t bin32[] = { 0xc6, 0xff, 0xff, 0xff, 0xff };
    const uint8_t array32_2[] = { 0xdd, 0x80, 0x00, 0x00, 0x00 };   /* 2^31 */
    const uint8_t nested[] = { 0x91, 0xdd, 0xff, 0xff, 0xff, 0xff };
    const uint8_t map16[] = { 0xde, 0xff, 0xff, 0xc0, 0xc0, 0xc0 };
    const uint8_t *docs[] = { array32, map32, str32, bin32, array32_2 };
    clock_t start = clock();
    for (size_t l = 0; l < sizeof all / sizeof *all; l++) {
        for (size_t d = 0; d < sizeof docs / sizeof *docs; d++)
            s_decode_fails(docs[d], 5, all[l], PF_ETOOBIG);
        s_decode_fails(nested, sizeof nested, all[l], PF_ETOOBIG);
        s_decode_fails(map16, sizeof map16, all[l], PF_ETOOBIG);
    }
    /*  "Fast" means no work proportional to the claim: well under 1 s.     */
    ck_assert(clock() - start < CLOCKS_PER_SEC);
}
END_TEST

START_TEST(test_each_map_entry_needs_two_bytes)
{
    /*  fixmap of 2 entries with 3 bytes left: cannot fit, whatever they are. */
    s_decode_fails("\x82\xc0\xc0\xc0", 4, NULL, PF_ETOOBIG);
    /*  array of 3 with 2 bytes left.                                        */
    s_decode_fails("\x93\xc0\xc0", 3, NULL, PF_ETOOBIG);
    /*  str8 of 5 with 4 bytes left.                                          */
    s_decode_fails("\xd9\x05" "abcd", 6, NULL, PF_ETOOBIG);
}
END_TEST

START_TEST(test_limits)
{
    const pf_limits_t small = { 2, 4, 3, 6 };
    pf_value_t *v = s_decode_ok("\xa4" "abcd", 5, &small);
    pf_value_destroy(&v);
    s_decode_fails("\xa5" "abcde", 6, &small, PF_ETOOBIG);       /* max_str  */
    s_decode_fails("\xc4\x05" "abcde", 7, &small, PF_ETOOBIG);   /* bin too  */
    v = s_decode_ok("\x93\x01\x02\x03", 4, &small);
    pf_value_destroy(&v);
    s_decode_fails("\x94\x01\x02\x03\x04", 5, &small, PF_ETOOBIG); /* items */
    v = s_decode_ok("\x82\x01\x02\x03\x04", 5, &small);      /* 5 values */
    pf_value_destroy(&v);
    s_decode_fails("\x83\x01\x02\x03\x04\x05\x06", 7, &small, PF_ETOOBIG); /* 7 */
    v = s_decode_ok("\x91\x90", 2, &small);                     /* depth 2 */
    pf_value_destroy(&v);
    s_decode_fails("\x91\x91\x90", 3, &small, PF_EDEPTH);
}
END_TEST

START_TEST(test_total_items)
{
    /*  [[1,2],[3,4]] is 7 values.                                           */
    const char doc[] = "\x92\x92\x01\x02\x92\x03\x04";
    const pf_limits_t seven = { 4, 10, 10, 7 };
    const pf_limits_t six = { 4, 10, 10, 6 };
    pf_value_t *v = s_decode_ok(doc, 7, &seven);
    pf_value_destroy(&v);
    s_decode_fails(doc, 7, &six, PF_ETOOBIG);
}
END_TEST

/*  n nested arrays around a nil.                                            */
static uint8_t *
s_nested(size_t n)
{
    uint8_t *buf = malloc(n + 1);
    memset(buf, 0x91, n);
    buf[n] = 0xc0;
    return buf;
}

START_TEST(test_depth)
{
    uint8_t *ok = s_nested(16);
    pf_value_t *v = s_decode_ok(ok, 17, NULL);
    pf_value_destroy(&v);
    free(ok);
    uint8_t *deep = s_nested(17);
    s_decode_fails(deep, 18, NULL, PF_EDEPTH);
    s_decode_fails(deep, 18, &PF_LIMITS_DEFAULT, PF_EDEPTH);
    free(deep);
    /*  Maps count as levels too.                                            */
    uint8_t maps[2 * 17 + 1];
    for (size_t i = 0; i < 17; i++) {
        maps[2 * i] = 0x81;
        maps[2 * i + 1] = 0x01;
    }
    maps[34] = 0xc0;
    s_decode_fails(maps, sizeof maps, NULL, PF_EDEPTH);
    /*  A million levels with a permissive cap: refused, no stack overflow. */
    const pf_limits_t open = { UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX };
    uint8_t *huge = s_nested(1000000);
    s_decode_fails(huge, 1000001, &open, PF_EDEPTH);
    s_decode_fails(huge, 1000001, &PF_LIMITS_PAYLOAD, PF_EDEPTH);
    free(huge);
}
END_TEST

START_TEST(test_trailing)
{
    s_decode_fails("\xc0\xc0", 2, NULL, PF_ETRAILING);
    s_decode_fails("\x81\xa1k\x01\x00", 5, NULL, PF_ETRAILING);
    s_decode_fails("\x90\xff", 2, NULL, PF_ETRAILING);
}
END_TEST

START_TEST(test_empty_and_truncated_headers)
{
    s_decode_fails("", 0, NULL, PF_EPROTO);
    s_decode_fails(NULL, 0, NULL, PF_EPROTO);
    s_decode_fails("\xcd\x01", 2, NULL, PF_EPROTO);          /* uint16 cut */
    s_decode_fails("\xcb\x00\x00", 3, NULL, PF_EPROTO);      /* float64 cut */
    s_decode_fails("\xda\x00", 2, NULL, PF_EPROTO);          /* str16 length cut */
    s_decode_fails("\x92\xc0", 2, NULL, PF_ETOOBIG);         /* count > left */
}
END_TEST

START_TEST(test_truncated_everywhere)
{
    pf_value_t *doc = pf_value_map();
    pf_map_set_str(doc, "req_id", "abc-123");
    pf_map_set_int(doc, "big", 1234567890123LL);
    pf_map_set_int(doc, "neg", -70000);
    pf_map_set_float(doc, "f", 0.1);
    pf_map_set_bool(doc, "t", true);
    pf_map_set_nil(doc, "n");
    pf_value_t *list = pf_value_array();
    pf_array_push_str(list, "a string longer than thirty-one bytes, for str8");
    pf_value_t *bin = pf_value_bin("\x00\x01\x02", 3);
    pf_array_push(list, &bin);
    pf_value_t *inner = pf_value_map();
    pf_map_set_int(inner, "deep", 300);
    pf_array_push(list, &inner);
    pf_map_set(doc, "list", &list);
    uint8_t *data;
    size_t size;
    ck_assert_int_eq(pf_msgpack_encode(doc, &data, &size), 0);
    for (size_t cut = 0; cut < size; cut++) {
        /*  Copy the prefix so ASan sees any read past it.                  */
        uint8_t *prefix = malloc(cut ? cut : 1);
        memcpy(prefix, data, cut);
        pf_value_t *v = NULL;
        int rc = pf_msgpack_decode(prefix, cut, NULL, &v);
        ck_assert_msg(rc == PF_EPROTO || rc == PF_ETOOBIG, "cut %zu: %d", cut, rc);
        ck_assert_ptr_null(v);
        ck_assert_int_eq(pf_msgpack_check(prefix, cut, NULL, NULL), rc);
        free(prefix);
    }
    pf_value_t *back = s_decode_ok(data, size, NULL);
    ck_assert(s_equal(doc, back));
    pf_value_destroy(&back);
    pf_value_destroy(&doc);
    free(data);
}
END_TEST

START_TEST(test_ext_and_reserved_rejected)
{
    const struct { const char *bytes; size_t size; } cases[] = {
        { "\xc1", 1 },
        { "\xd4\x01\x00", 3 },                    /* fixext 1  */
        { "\xd5\x01\x00\x00", 4 },                /* fixext 2  */
        { "\xd6\x01\x00\x00\x00\x00", 6 },        /* fixext 4  */
        { "\xd7\x01" "\0\0\0\0\0\0\0\0", 10 },    /* fixext 8  */
        { "\xd8\x01" "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 18 }, /* fixext 16 */
        { "\xc7\x01\x01\x00", 4 },                /* ext 8     */
        { "\xc8\x00\x01\x01\x00", 5 },            /* ext 16    */
        { "\xc9\x00\x00\x00\x01\x01\x00", 7 },    /* ext 32    */
        { "\xd7\xff\x00\x00\x00\x00\x00\x00\x00\x00", 10 }, /* timestamp */
        { "\x92\x01\xd4\x01\x00", 5 },            /* nested in an array */
        { "\x81\xc1\x01", 3 },                    /* 0xc1 as a map key */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        s_decode_fails(cases[i].bytes, cases[i].size, NULL, PF_EPROTO);
}
END_TEST

START_TEST(test_raw_embedding)
{
    /*  A module result, already encoded: {"n": [1, "two"]}.                */
    const uint8_t raw[] = { 0x81, 0xa1, 'n', 0x92, 0x01, 0xa3, 't', 'w', 'o' };
    pf_value_t *doc = pf_value_map();
    pf_map_set_str(doc, "job_id", "j");
    pf_map_set_raw(doc, "result", raw, sizeof raw);
    uint8_t *data;
    size_t size;
    ck_assert_int_eq(pf_msgpack_encode(doc, &data, &size), 0);
    const uint8_t expect_head[] = { 0x82, 0xa6, 'j', 'o', 'b', '_', 'i', 'd', 0xa1, 'j',
                                    0xa6, 'r', 'e', 's', 'u', 'l', 't' };
    ck_assert_uint_eq(size, sizeof expect_head + sizeof raw);
    ck_assert_int_eq(memcmp(data, expect_head, sizeof expect_head), 0);
    ck_assert_int_eq(memcmp(data + sizeof expect_head, raw, sizeof raw), 0);

    pf_value_t *back = s_decode_ok(data, size, NULL);
    const pf_value_t *result = pf_map_get(back, "result");
    ck_assert_int_eq(pf_value_type(result), PF_MAP);   /* never PF_RAW */
    const pf_value_t *n = pf_map_get(result, "n");
    ck_assert_int_eq(pf_value_as_int(pf_array_at(n, 0), 0), 1);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(n, 1), NULL), "two");
    pf_value_destroy(&back);
    free(data);

    /*  A top-level raw value is emitted as is.                              */
    pf_value_t *top = pf_value_raw(raw, sizeof raw);
    ck_assert_int_eq(pf_msgpack_encode(top, &data, &size), 0);
    ck_assert_uint_eq(size, sizeof raw);
    ck_assert_int_eq(memcmp(data, raw, size), 0);
    free(data);
    pf_value_destroy(&top);
    pf_value_destroy(&doc);
}
END_TEST

START_TEST(test_check_types_and_args)
{
    pf_type_t type;
    ck_assert_int_eq(pf_msgpack_check("\x80", 1, NULL, &type), 0);
    ck_assert_int_eq(type, PF_MAP);
    ck_assert_int_eq(pf_msgpack_check("\x90", 1, NULL, &type), 0);
    ck_assert_int_eq(type, PF_ARRAY);
    ck_assert_int_eq(pf_msgpack_check("\xa0", 1, NULL, &type), 0);
    ck_assert_int_eq(type, PF_STR);
    ck_assert_int_eq(pf_msgpack_check("\xcf\x80\0\0\0\0\0\0\0", 9, NULL, &type), 0);
    ck_assert_int_eq(type, PF_UINT);
    ck_assert_int_eq(pf_msgpack_check("\xcf\x00\0\0\0\0\0\0\x01", 9, NULL, &type), 0);
    ck_assert_int_eq(type, PF_INT);
    ck_assert_int_eq(pf_msgpack_check("\xca\0\0\0\0", 5, NULL, &type), 0);
    ck_assert_int_eq(type, PF_FLOAT);
    ck_assert_int_eq(pf_msgpack_check("\xc4\x00", 2, NULL, NULL), 0);

    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_msgpack_encode(NULL, &data, &size), PF_EINVAL);
    ck_assert_ptr_null(data);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_msgpack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_decode_every_family);
    tcase_add_test(tc, test_decode_str_bin_families);
    tcase_add_test(tc, test_decode_container_families);
    tcase_add_test(tc, test_encode_picks_each_family);
    tcase_add_test(tc, test_nested_and_non_string_keys_round_trip);
    tcase_add_test(tc, test_huge_claims_fail_fast);
    tcase_add_test(tc, test_each_map_entry_needs_two_bytes);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_total_items);
    tcase_add_test(tc, test_depth);
    tcase_add_test(tc, test_trailing);
    tcase_add_test(tc, test_empty_and_truncated_headers);
    tcase_add_test(tc, test_truncated_everywhere);
    tcase_add_test(tc, test_ext_and_reserved_rejected);
    tcase_add_test(tc, test_raw_embedding);
    tcase_add_test(tc, test_check_types_and_args);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
