/*  test_pf_json.c — unit tests of pf_value_t -> JSON (tools/lib/pf_json.c). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_json.h"
#include "pf_msgpack.h"
#include "pf_value.h"

/*  Converts v (consumed) to compact text and compares with want.          */
static void
s_expect(pf_value_t *v, const char *want)
{
    char *text = pf_json_text(v, PF_JSON_COMPACT);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, want);
    free(text);
    pf_value_destroy(&v);
}

START_TEST(test_scalars)
{
    s_expect(pf_value_nil(), "null");
    s_expect(pf_value_bool(true), "true");
    s_expect(pf_value_bool(false), "false");
    s_expect(pf_value_int(0), "0");
    s_expect(pf_value_int(-42), "-42");
    s_expect(pf_value_int(INT64_MAX), "9223372036854775807");
    s_expect(pf_value_int(INT64_MIN), "-9223372036854775808");
    /*  NULL converts to JSON null too.                                    */
    json_t *j = pf_json_from_value(NULL);
    ck_assert(json_is_null(j));
    json_decref(j);
}
END_TEST

START_TEST(test_uint_stays_exact)
{
    s_expect(pf_value_uint(UINT64_MAX), "\"18446744073709551615\"");
    s_expect(pf_value_uint((uint64_t)INT64_MAX + 1), "\"9223372036854775808\"");
    /*  Values that fit int64 are plain integers.                          */
    s_expect(pf_value_uint(7), "7");
}
END_TEST

START_TEST(test_floats)
{
    s_expect(pf_value_float(0.1), "0.1");
    s_expect(pf_value_float(2.5), "2.5");
    s_expect(pf_value_float(-3.0), "-3.0");
    s_expect(pf_value_float(1718000000123.456), "1718000000123.456");
    s_expect(pf_value_float(1e300), "1e300");
    s_expect(pf_value_float(NAN), "null");
    s_expect(pf_value_float(INFINITY), "null");
    s_expect(pf_value_float(-INFINITY), "null");

    /*  Every real reads back as the same double, whatever else the
        document holds.                                                    */
    const double samples[] = { 0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-7, 123456.789, 5e-324, 1.7976931348623157e308 };
    pf_value_t *array = pf_value_array();
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        pf_value_t *f = pf_value_float(samples[i]);
        pf_array_push(array, &f);
    }
    char *text = pf_json_text(array, PF_JSON_COMPACT);
    json_error_t err;
    json_t *back = json_loads(text, 0, &err);
    ck_assert_ptr_nonnull(back);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        ck_assert(json_real_value(json_array_get(back, i)) == samples[i]);
    json_decref(back);
    free(text);
    pf_value_destroy(&array);
}
END_TEST

START_TEST(test_strings)
{
    s_expect(pf_value_str("hello"), "\"hello\"");
    s_expect(pf_value_str(""), "\"\"");
    s_expect(pf_value_str("quote\" back\\ nl\n tab\t"), "\"quote\\\" back\\\\ nl\\n tab\\t\"");
    s_expect(pf_value_str("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"),
             "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"");
    s_expect(pf_value_str("\x01\x1f\x7f"), "\"\\u0001\\u001F\x7f\"");
    /*  NUL bytes inside a string survive as \u0000.                       */
    s_expect(pf_value_strn("a\0b", 3), "\"a\\u0000b\"");
}
END_TEST

START_TEST(test_invalid_utf8_replaced)
{
    /*  Each bad byte becomes U+FFFD; valid neighbours are kept.           */
    s_expect(pf_value_strn("a\xff" "b", 3), "\"a\xef\xbf\xbd" "b\"");
    s_expect(pf_value_strn("\xc3", 1), "\"\xef\xbf\xbd\"");              /* truncated */
    s_expect(pf_value_strn("\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\""); /* overlong */
    s_expect(pf_value_strn("\xed\xa0\x80", 3),                             /* surrogate */
             "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    s_expect(pf_value_strn("\xf4\x90\x80\x80", 4),                         /* > U+10FFFF */
             "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    /*  The output always parses as JSON.                                 */
    char *text = NULL;
    pf_value_t *v = pf_value_strn("\x80\x81\xfe ok \xe2\x82", 9);
    text = pf_json_text(v, PF_JSON_COMPACT);
    json_error_t err;
    json_t *back = json_loads(text, JSON_DECODE_ANY, &err);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(json_string_value(back),
                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd ok \xef\xbf\xbd\xef\xbf\xbd");
    json_decref(back);
    free(text);
    pf_value_destroy(&v);
}
END_TEST

START_TEST(test_binary_base64)
{
    s_expect(pf_value_bin("", 0), "\"\"");
    s_expect(pf_value_bin("f", 1), "\"Zg==\"");
    s_expect(pf_value_bin("fo", 2), "\"Zm8=\"");
    s_expect(pf_value_bin("foo", 3), "\"Zm9v\"");
    s_expect(pf_value_bin("\x00\xff\xfe", 3), "\"AP/+\"");
}
END_TEST

START_TEST(test_containers_keep_order)
{
    pf_value_t *map = pf_value_map();
    pf_map_set_str(map, "zeta", "last?");
    pf_map_set_int(map, "alpha", 1);
    pf_value_t *arr = pf_value_array();
    pf_array_push_str(arr, "x");
    pf_value_t *inner = pf_value_map();
    pf_map_set_bool(inner, "ok", true);
    pf_array_push(arr, &inner);
    pf_value_t *nil = pf_value_nil();
    pf_array_push(arr, &nil);
    pf_map_set(map, "list", &arr);
    pf_value_t *empty = pf_value_map();
    pf_map_set(map, "empty", &empty);
    pf_value_t *none = pf_value_array();
    pf_map_set(map, "none", &none);
    s_expect(map, "{\"zeta\":\"last?\",\"alpha\":1,\"list\":[\"x\",{\"ok\":true},null],"
                  "\"empty\":{},\"none\":[]}");
}
END_TEST

/*  A map with non-string keys can only be built by decoding msgpack.      */
START_TEST(test_non_string_keys)
{
    /*  {1: "a", nil: "b", [1,2]: "c", "\xff": "d"}                         */
    const uint8_t mp[] = { 0x84, 0x01, 0xa1, 'a', 0xc0, 0xa1, 'b', 0x92, 0x01, 0x02, 0xa1, 'c',
                           0xa1, 0xff, 0xa1, 'd' };
    pf_value_t *v = NULL;
    ck_assert_int_eq(pf_msgpack_decode(mp, sizeof mp, NULL, &v), 0);
    s_expect(v, "{\"1\":\"a\",\"null\":\"b\",\"[1,2]\":\"c\",\"\xef\xbf\xbd\":\"d\"}");
}
END_TEST

START_TEST(test_raw_decoded)
{
    /*  {"module": "x", "n": 3} pre-encoded.                                */
    const uint8_t mp[] = { 0x82, 0xa6, 'm', 'o', 'd', 'u', 'l', 'e', 0xa1, 'x', 0xa1, 'n', 0x03 };
    pf_value_t *map = pf_value_map();
    pf_map_set_raw(map, "result", mp, sizeof mp);
    s_expect(map, "{\"result\":{\"module\":\"x\",\"n\":3}}");

    /*  Bytes that are not one msgpack value are shown as base64.          */
    const uint8_t junk[] = { 0xc1 };
    pf_value_t *raw = pf_value_raw(junk, sizeof junk);
    s_expect(raw, "\"wQ==\"");
}
END_TEST

START_TEST(test_pretty)
{
    pf_value_t *map = pf_value_map();
    pf_map_set_int(map, "a", 1);
    pf_value_t *arr = pf_value_array();
    pf_array_push_str(arr, "b");
    pf_map_set(map, "l", &arr);
    char *text = pf_json_text(map, PF_JSON_PRETTY);
    ck_assert_str_eq(text, "{\n  \"a\": 1,\n  \"l\": [\n    \"b\"\n  ]\n}");
    free(text);
    pf_value_destroy(&map);
}
END_TEST

START_TEST(test_round_trip_through_jansson)
{
    pf_value_t *map = pf_value_map();
    pf_map_set_str(map, "domain", "stripe.com");
    pf_map_set_float(map, "ts", 1718000000123.25);
    pf_map_set_nil(map, "none");
    json_t *j = pf_json_from_value(map);
    ck_assert(json_is_object(j));
    ck_assert_str_eq(json_string_value(json_object_get(j, "domain")), "stripe.com");
    ck_assert(json_real_value(json_object_get(j, "ts")) == 1718000000123.25);
    ck_assert(json_is_null(json_object_get(j, "none")));
    char *text = pf_json_dump(j, PF_JSON_COMPACT);
    ck_assert_str_eq(text, "{\"domain\":\"stripe.com\",\"ts\":1718000000123.25,\"none\":null}");
    free(text);
    json_decref(j);
    ck_assert_ptr_null(pf_json_dump(NULL, PF_JSON_COMPACT));
    pf_value_destroy(&map);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_json");
    TCase *tc = tcase_create("convert");
    tcase_add_test(tc, test_scalars);
    tcase_add_test(tc, test_uint_stays_exact);
    tcase_add_test(tc, test_floats);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_invalid_utf8_replaced);
    tcase_add_test(tc, test_binary_base64);
    tcase_add_test(tc, test_containers_keep_order);
    tcase_add_test(tc, test_non_string_keys);
    tcase_add_test(tc, test_raw_decoded);
    tcase_add_test(tc, test_pretty);
    tcase_add_test(tc, test_round_trip_through_jansson);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
