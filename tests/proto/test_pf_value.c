/*  test_pf_value.c — unit tests of pf_value_t (proto/pf_value.c), including
    deep equality (pf_value_equal), which the fuzz harnesses use to compare
    a decoded value with the decoding of its own encoding.                  */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_msgpack.h"
#include "pf_value.h"

START_TEST(test_scalars)
{
    pf_value_t *v = pf_value_nil();
    ck_assert_int_eq(pf_value_type(v), PF_NIL);
    ck_assert(pf_value_is(v, PF_NIL));
    pf_value_destroy(&v);
    ck_assert_ptr_null(v);
    pf_value_destroy(&v);   /* twice is fine */
    pf_value_destroy(NULL);

    v = pf_value_bool(true);
    ck_assert(pf_value_as_bool(v, false));
    ck_assert_int_eq(pf_value_as_int(v, 7), 7);   /* wrong type: fallback */
    pf_value_destroy(&v);

    v = pf_value_int(-42);
    ck_assert_int_eq(pf_value_as_int(v, 0), -42);
    ck_assert(pf_value_as_float(v, 0) == -42.0);
    ck_assert(pf_value_as_bool(v, true));
    ck_assert_ptr_null(pf_value_as_str(v, NULL));
    pf_value_destroy(&v);

    v = pf_value_float(2.5);
    ck_assert(pf_value_as_float(v, 0) == 2.5);
    ck_assert_int_eq(pf_value_as_int(v, -1), -1);
    pf_value_destroy(&v);
}
END_TEST

START_TEST(test_uint_folds_into_int)
{
    pf_value_t *v = pf_value_uint(INT64_MAX);
    ck_assert_int_eq(pf_value_type(v), PF_INT);
    ck_assert(pf_value_as_int(v, 0) == INT64_MAX);
    pf_value_destroy(&v);

    v = pf_value_uint((uint64_t) INT64_MAX + 1);
    ck_assert_int_eq(pf_value_type(v), PF_UINT);
    ck_assert_int_eq(pf_value_as_int(v, -1), -1);
    ck_assert(pf_value_as_float(v, 0) == 9223372036854775808.0);
    pf_value_destroy(&v);
}
END_TEST

START_TEST(test_strings_and_bytes)
{
    size_t len = 0;
    pf_value_t *v = pf_value_str("héllo");
    ck_assert_str_eq(pf_value_as_str(v, &len), "héllo");
    ck_assert_uint_eq(len, strlen("héllo"));
    pf_value_destroy(&v);

    v = pf_value_str(NULL);
    ck_assert_int_eq(pf_value_type(v), PF_NIL);
    pf_value_destroy(&v);

    /*  A str may carry NUL bytes; len tells the truth.                     */
    v = pf_value_strn("a\0b", 3);
    const char *s = pf_value_as_str(v, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_uint_eq(strlen(s), 1);
    ck_assert_int_eq(memcmp(s, "a\0b", 3), 0);
    pf_value_destroy(&v);

    v = pf_value_strn(NULL, 0);
    ck_assert_str_eq(pf_value_as_str(v, &len), "");
    ck_assert_uint_eq(len, 0);
    pf_value_destroy(&v);

    const unsigned char bytes[] = { 0, 1, 2, 255 };
    v = pf_value_bin(bytes, sizeof bytes);
    const unsigned char *b = pf_value_as_bin(v, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_int_eq(memcmp(b, bytes, 4), 0);
    ck_assert_ptr_null(pf_value_as_str(v, NULL));
    pf_value_destroy(&v);

    const unsigned char raw[] = { 0x92, 0x01, 0xc3 };
    v = pf_value_raw(raw, sizeof raw);
    ck_assert_int_eq(pf_value_type(v), PF_RAW);
    b = pf_value_as_bin(v, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(b, raw, 3), 0);
    pf_value_destroy(&v);
}
END_TEST

START_TEST(test_array_grows_geometrically)
{
    pf_value_t *a = pf_value_array();
    ck_assert_uint_eq(pf_array_size(a), 0);
    ck_assert_ptr_null(pf_array_at(a, 0));
    for (int i = 0; i < 1000; i++) {
        pf_value_t *item = pf_value_int(i);
        pf_array_push(a, &item);
        ck_assert_ptr_null(item);
    }
    pf_array_push_str(a, "last");
    ck_assert_uint_eq(pf_array_size(a), 1001);
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(pf_value_as_int(pf_array_at(a, (size_t) i), -1), i);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(a, 1000), NULL), "last");
    ck_assert_ptr_null(pf_array_at(a, 1001));
    /*  Not an array: readers answer 0 / NULL.                              */
    pf_value_t *n = pf_value_int(1);
    ck_assert_uint_eq(pf_array_size(n), 0);
    ck_assert_ptr_null(pf_array_at(n, 0));
    ck_assert_uint_eq(pf_map_size(a), 0);
    pf_value_destroy(&n);
    pf_value_destroy(&a);
}
END_TEST

START_TEST(test_map_insertion_order_and_replace)
{
    pf_value_t *m = pf_value_map();
    pf_map_set_str(m, "b", "two");
    pf_map_set_int(m, "a", 1);
    pf_map_set_float(m, "c", 0.5);
    pf_map_set_bool(m, "d", true);
    pf_map_set_nil(m, "e");
    const unsigned char raw[] = { 0x81, 0xa1, 'x', 0x01 };
    pf_map_set_raw(m, "f", raw, sizeof raw);
    ck_assert_uint_eq(pf_map_size(m), 6);
    const char *order[] = { "b", "a", "c", "d", "e", "f" };
    for (size_t i = 0; i < 6; i++)
        ck_assert_str_eq(pf_value_as_str(pf_map_key_at(m, i), NULL), order[i]);

    /*  Replacing keeps the position and the size.                          */
    pf_map_set_str(m, "a", "one");
    ck_assert_uint_eq(pf_map_size(m), 6);
    ck_assert_str_eq(pf_value_as_str(pf_map_key_at(m, 1), NULL), "a");
    ck_assert_str_eq(pf_map_get_str(m, "a"), "one");
    ck_assert_str_eq(pf_value_as_str(pf_map_value_at(m, 1), NULL), "one");

    ck_assert(pf_map_has(m, "e"));
    ck_assert(!pf_map_has(m, "zz"));
    ck_assert_ptr_null(pf_map_get(m, "zz"));
    ck_assert_ptr_null(pf_map_key_at(m, 6));
    ck_assert_ptr_null(pf_map_value_at(m, 6));
    ck_assert_int_eq(pf_value_type(pf_map_get(m, "e")), PF_NIL);
    ck_assert_int_eq(pf_value_type(pf_map_get(m, "f")), PF_RAW);

    /*  Typed getters with fallbacks.                                       */
    ck_assert_int_eq(pf_map_get_int(m, "a", 9), 9);       /* a is a str now */
    ck_assert_int_eq(pf_map_get_int(m, "missing", 9), 9);
    ck_assert(pf_map_get_float(m, "c", 0) == 0.5);
    ck_assert(pf_map_get_float(m, "b", -1) == -1);
    ck_assert(pf_map_get_bool(m, "d", false));
    ck_assert(!pf_map_get_bool(m, "b", false));
    ck_assert_ptr_null(pf_map_get_str(m, "c"));
    pf_value_destroy(&m);
}
END_TEST

START_TEST(test_map_set_takes_ownership)
{
    pf_value_t *m = pf_value_map();
    pf_value_t *inner = pf_value_map();
    pf_map_set_int(inner, "x", 1);
    pf_map_set(m, "inner", &inner);
    ck_assert_ptr_null(inner);
    pf_value_t *again = pf_value_array();
    pf_map_set(m, "inner", &again);   /* frees the old inner map */
    ck_assert_ptr_null(again);
    ck_assert_int_eq(pf_value_type(pf_map_get(m, "inner")), PF_ARRAY);
    pf_value_destroy(&m);
}
END_TEST

START_TEST(test_large_map)
{
    pf_value_t *m = pf_value_map();
    char key[32];
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "k%d", i);
        pf_map_set_int(m, key, i);
    }
    ck_assert_uint_eq(pf_map_size(m), 500);
    ck_assert_int_eq(pf_map_get_int(m, "k499", -1), 499);
    ck_assert_int_eq(pf_map_get_int(m, "k0", -1), 0);
    pf_value_destroy(&m);
}
END_TEST

START_TEST(test_dup_is_deep)
{
    pf_value_t *m = pf_value_map();
    pf_value_t *a = pf_value_array();
    pf_array_push_str(a, "x");
    pf_value_t *bin = pf_value_bin("\x01\x02", 2);
    pf_array_push(a, &bin);
    pf_map_set(m, "list", &a);
    pf_map_set_float(m, "f", 1.25);
    pf_value_t *u = pf_value_uint(UINT64_MAX);
    pf_map_set(m, "u", &u);

    pf_value_t *copy = pf_value_dup(m);
    pf_value_destroy(&m);   /* the copy must not share anything */
    ck_assert_uint_eq(pf_map_size(copy), 3);
    const pf_value_t *list = pf_map_get(copy, "list");
    ck_assert_uint_eq(pf_array_size(list), 2);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(list, 0), NULL), "x");
    size_t len;
    ck_assert_int_eq(memcmp(pf_value_as_bin(pf_array_at(list, 1), &len), "\x01\x02", 2), 0);
    ck_assert(pf_map_get_float(copy, "f", 0) == 1.25);
    ck_assert_int_eq(pf_value_type(pf_map_get(copy, "u")), PF_UINT);
    ck_assert_ptr_null(pf_value_dup(NULL));
    pf_value_destroy(&copy);
}
END_TEST

START_TEST(test_null_readers)
{
    ck_assert_int_eq(pf_value_type(NULL), PF_NIL);
    ck_assert(!pf_value_is(NULL, PF_NIL));
    ck_assert(pf_value_as_bool(NULL, true));
    ck_assert_int_eq(pf_value_as_int(NULL, 3), 3);
    ck_assert(pf_value_as_float(NULL, 1.5) == 1.5);
    ck_assert_ptr_null(pf_value_as_str(NULL, NULL));
    ck_assert_ptr_null(pf_value_as_bin(NULL, NULL));
    ck_assert_uint_eq(pf_map_size(NULL), 0);
    ck_assert_ptr_null(pf_map_get(NULL, "a"));
    ck_assert_ptr_null(pf_map_get_str(NULL, "a"));
}
END_TEST

/*  {"a": [1, "x", nil], "b": {"c": 2.5}} — a small nested document.      */
static pf_value_t *
s_doc(void)
{
    pf_value_t *doc = pf_value_map();
    pf_value_t *list = pf_value_array();
    pf_value_t *item = pf_value_int(1);
    pf_array_push(list, &item);
    pf_array_push_str(list, "x");
    item = pf_value_nil();
    pf_array_push(list, &item);
    pf_map_set(doc, "a", &list);
    pf_value_t *inner = pf_value_map();
    pf_map_set_float(inner, "c", 2.5);
    pf_map_set(doc, "b", &inner);
    return doc;
}

/*  Asserts a and b are unequal both ways, then frees both.                 */
static void
s_expect_differ(pf_value_t *a, pf_value_t *b)
{
    ck_assert(!pf_value_equal(a, b));
    ck_assert(!pf_value_equal(b, a));
    pf_value_destroy(&a);
    pf_value_destroy(&b);
}

START_TEST(test_equal_scalars)
{
    ck_assert(pf_value_equal(NULL, NULL));
    pf_value_t *nil = pf_value_nil();
    ck_assert(!pf_value_equal(nil, NULL));
    ck_assert(!pf_value_equal(NULL, nil));
    ck_assert(pf_value_equal(nil, nil));
    pf_value_destroy(&nil);

    s_expect_differ(pf_value_bool(true), pf_value_bool(false));
    s_expect_differ(pf_value_int(1), pf_value_int(2));
    s_expect_differ(pf_value_int(1), pf_value_float(1.0));
    s_expect_differ(pf_value_int(0), pf_value_bool(false));
    s_expect_differ(pf_value_uint(UINT64_MAX), pf_value_uint(UINT64_MAX - 1));
    s_expect_differ(pf_value_float(0.0), pf_value_float(-0.0));
    s_expect_differ(pf_value_str("ab"), pf_value_str("abc"));
    s_expect_differ(pf_value_str("ab"), pf_value_bin("ab", 2));
    s_expect_differ(pf_value_strn("a\0b", 3), pf_value_strn("a\0c", 3));
    s_expect_differ(pf_value_raw("\x01", 1), pf_value_int(1));

    pf_value_t *a = pf_value_uint(UINT64_MAX), *b = pf_value_uint(UINT64_MAX);
    ck_assert(pf_value_equal(a, b));
    pf_value_destroy(&a);
    pf_value_destroy(&b);
    /*  A small unsigned is stored as PF_INT, so it equals the signed one. */
    a = pf_value_uint(7);
    b = pf_value_int(7);
    ck_assert(pf_value_equal(a, b));
    pf_value_destroy(&a);
    pf_value_destroy(&b);
    a = pf_value_float(NAN);
    b = pf_value_dup(a);
    ck_assert(pf_value_equal(a, b));
    pf_value_destroy(&a);
    pf_value_destroy(&b);
    a = pf_value_strn("a\0b", 3);
    b = pf_value_strn("a\0b", 3);
    ck_assert(pf_value_equal(a, b));
    pf_value_destroy(&a);
    pf_value_destroy(&b);
}
END_TEST

START_TEST(test_equal_containers)
{
    pf_value_t *a = s_doc(), *b = s_doc();
    ck_assert(pf_value_equal(a, b));
    pf_value_t *copy = pf_value_dup(a);
    ck_assert(pf_value_equal(a, copy));
    pf_value_destroy(&copy);

    /*  A change deep inside makes them differ.                             */
    pf_value_t *inner = pf_value_map();
    pf_map_set_float(inner, "c", 2.25);
    pf_map_set(b, "b", &inner);
    ck_assert(!pf_value_equal(a, b));
    pf_value_destroy(&b);

    /*  An extra entry, and the same entries in another order, differ.    */
    b = s_doc();
    pf_map_set_nil(b, "d");
    s_expect_differ(s_doc(), b);
    pf_value_t *m1 = pf_value_map(), *m2 = pf_value_map();
    pf_map_set_int(m1, "x", 1);
    pf_map_set_int(m1, "y", 2);
    pf_map_set_int(m2, "y", 2);
    pf_map_set_int(m2, "x", 1);
    s_expect_differ(m1, m2);

    /*  An empty array is not an empty map.                                 */
    s_expect_differ(pf_value_array(), pf_value_map());
    pf_value_destroy(&a);
}
END_TEST

START_TEST(test_equal_round_trip)
{
    pf_value_t *a = s_doc();
    pf_value_t *big = pf_value_uint(UINT64_MAX);
    pf_map_set(a, "big", &big);
    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_msgpack_encode(a, &data, &size), 0);
    pf_value_t *b = NULL;
    ck_assert_int_eq(pf_msgpack_decode(data, size, NULL, &b), 0);
    ck_assert(pf_value_equal(a, b));
    free(data);
    pf_value_destroy(&a);
    pf_value_destroy(&b);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_value");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_scalars);
    tcase_add_test(tc, test_uint_folds_into_int);
    tcase_add_test(tc, test_strings_and_bytes);
    tcase_add_test(tc, test_array_grows_geometrically);
    tcase_add_test(tc, test_map_insertion_order_and_replace);
    tcase_add_test(tc, test_map_set_takes_ownership);
    tcase_add_test(tc, test_large_map);
    tcase_add_test(tc, test_dup_is_deep);
    tcase_add_test(tc, test_null_readers);
    tcase_add_test(tc, test_equal_scalars);
    tcase_add_test(tc, test_equal_containers);
    tcase_add_test(tc, test_equal_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
