/*  test_pf_cache.c — one fetch for overlapping identical calls, answers
    kept for their TTL and no longer, failures never kept, bounds by entries
    and bytes with the least recently used going first.                     */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_cache.h"
#include "pf_check.h"
#include "pf_error.h"

static pf_cache_verdict_t
s_begin(pf_cache_t *c, const char *key, int64_t now, void *waiter, const char **data)
{
    const void *d = NULL;
    size_t size = 0;
    int64_t age = -1;
    pf_cache_verdict_t v = pf_cache_begin(c, key, strlen(key), now, waiter, &d, &size, &age);
    if (data)
        *data = v == PF_CACHE_HIT ? (const char *)d : NULL;
    return v;
}

static size_t
s_finish(pf_cache_t *c, const char *key, bool ok, const char *answer, uint32_t ttl, int64_t now,
         void **waiters)
{
    return pf_cache_finish(c, key, strlen(key), ok, answer, answer ? strlen(answer) + 1 : 0, ttl,
                           now, waiters, 16);
}

START_TEST(test_overlapping_calls_share_one_fetch)
{
    pf_cache_t *c = pf_cache_new(100, 1 << 20);
    int w1, w2;
    ck_assert_int_eq(s_begin(c, "domain stripe.com", 0, NULL, NULL), PF_CACHE_FETCH);
    ck_assert_int_eq(s_begin(c, "domain stripe.com", 1, &w1, NULL), PF_CACHE_JOINED);
    ck_assert_int_eq(s_begin(c, "domain stripe.com", 2, &w2, NULL), PF_CACHE_JOINED);
    /* Another key is its own fetch.                                        */
    ck_assert_int_eq(s_begin(c, "domain shopify.com", 2, NULL, NULL), PF_CACHE_FETCH);
    void *waiters[16];
    ck_assert_uint_eq(s_finish(c, "domain stripe.com", true, "{answer}", 1000, 10, waiters), 2);
    ck_assert_ptr_eq(waiters[0], &w1);            /* in join order          */
    ck_assert_ptr_eq(waiters[1], &w2);
    const char *data = NULL;
    const void *d;
    size_t size;
    int64_t age;
    ck_assert_int_eq(pf_cache_begin(c, "domain stripe.com", 17, 500, NULL, &d, &size, &age),
                     PF_CACHE_HIT);
    ck_assert_str_eq((const char *)d, "{answer}");
    ck_assert_uint_eq(size, 9);
    ck_assert_int_eq(age, 490);
    /* Fresh until exactly its TTL; then fetched again.                     */
    ck_assert_int_eq(s_begin(c, "domain stripe.com", 1009, NULL, &data), PF_CACHE_HIT);
    ck_assert_int_eq(s_begin(c, "domain stripe.com", 1010, NULL, &data), PF_CACHE_FETCH);
    ck_assert_uint_eq(pf_cache_entries(c), 0);
    ck_assert_uint_eq(s_finish(c, "domain stripe.com", true, "{new}", 1000, 1020, waiters), 0);
    ck_assert_int_eq(s_begin(c, "domain stripe.com", 1030, NULL, &data), PF_CACHE_HIT);
    ck_assert_str_eq(data, "{new}");
    /* Finishing what is not in flight does nothing.                        */
    ck_assert_uint_eq(s_finish(c, "domain nike.com", true, "{x}", 1000, 0, waiters), 0);
    ck_assert_uint_eq(s_finish(c, "domain stripe.com", true, "{x}", 1000, 0, waiters), 0);
    pf_cache_destroy(&c);
    ck_assert_ptr_null(c);
    pf_cache_destroy(&c);
}
END_TEST

START_TEST(test_failures_and_ttl_zero_are_not_kept)
{
    pf_cache_t *c = pf_cache_new(100, 1 << 20);
    void *waiters[16];
    int w;
    ck_assert_int_eq(s_begin(c, "k", 0, NULL, NULL), PF_CACHE_FETCH);
    ck_assert_int_eq(s_begin(c, "k", 0, &w, NULL), PF_CACHE_JOINED);
    /* The joined caller learns of the failure; nothing is kept.            */
    ck_assert_uint_eq(s_finish(c, "k", false, NULL, 1000, 5, waiters), 1);
    ck_assert_ptr_eq(waiters[0], &w);
    ck_assert_int_eq(s_begin(c, "k", 6, NULL, NULL), PF_CACHE_FETCH);
    ck_assert_uint_eq(s_finish(c, "k", true, "v", 0, 7, waiters), 0);
    ck_assert_int_eq(s_begin(c, "k", 8, NULL, NULL), PF_CACHE_FETCH);
    ck_assert_uint_eq(pf_cache_entries(c), 0);
    pf_cache_destroy(&c);
}
END_TEST

START_TEST(test_bounds_evict_the_least_recently_used)
{
    pf_cache_t *c = pf_cache_new(3, 1 << 20);
    void *waiters[16];
    const char *keys[] = { "a", "b", "c", "d" };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(s_begin(c, keys[i], i, NULL, NULL), PF_CACHE_FETCH);
        s_finish(c, keys[i], true, "v", 100000, i, waiters);
    }
    ck_assert_int_eq(s_begin(c, "a", 10, NULL, NULL), PF_CACHE_HIT);   /* a is used */
    ck_assert_int_eq(s_begin(c, "d", 11, NULL, NULL), PF_CACHE_FETCH);
    s_finish(c, "d", true, "v", 100000, 11, waiters);
    ck_assert_uint_eq(pf_cache_entries(c), 3);
    ck_assert_int_eq(s_begin(c, "a", 12, NULL, NULL), PF_CACHE_HIT);
    ck_assert_int_eq(s_begin(c, "c", 12, NULL, NULL), PF_CACHE_HIT);
    ck_assert_int_eq(s_begin(c, "d", 12, NULL, NULL), PF_CACHE_HIT);
    ck_assert_int_eq(s_begin(c, "b", 12, NULL, NULL), PF_CACHE_FETCH);  /* b went */
    pf_cache_destroy(&c);

    /* By bytes: key + answer; an answer larger than the bound is not kept. */
    c = pf_cache_new(100, 64);
    char big[100];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(s_begin(c, "big", 0, NULL, NULL), PF_CACHE_FETCH);
    s_finish(c, "big", true, big, 1000, 0, waiters);
    ck_assert_uint_eq(pf_cache_entries(c), 0);
    for (int i = 0; i < 10; i++) {
        char key[8];
        snprintf(key, sizeof key, "k%d", i);
        ck_assert_int_eq(s_begin(c, key, i, NULL, NULL), PF_CACHE_FETCH);
        s_finish(c, key, true, "0123456789", 1000, i, waiters);   /* 2 + 11 */
        ck_assert_uint_le(pf_cache_bytes(c), 64);
    }
    ck_assert_uint_eq(pf_cache_entries(c), 4);                  /* 4 x 13   */
    ck_assert_int_eq(s_begin(c, "k9", 20, NULL, NULL), PF_CACHE_HIT);
    ck_assert_int_eq(s_begin(c, "k5", 20, NULL, NULL), PF_CACHE_FETCH);
    pf_cache_destroy(&c);
}
END_TEST

START_TEST(test_binary_keys_and_many_entries)
{
    pf_cache_t *c = pf_cache_new(100000, 64 << 20);
    void *waiters[16];
    const char a[] = { 'o', 'p', 0, 'x' };
    const char b[] = { 'o', 'p', 0, 'y' };
    const void *d;
    size_t size;
    ck_assert_int_eq(pf_cache_begin(c, a, sizeof a, 0, NULL, &d, &size, NULL), PF_CACHE_FETCH);
    ck_assert_int_eq(pf_cache_begin(c, b, sizeof b, 0, NULL, &d, &size, NULL), PF_CACHE_FETCH);
    pf_cache_finish(c, a, sizeof a, true, "A", 1, 1000, 0, waiters, 16);
    pf_cache_finish(c, b, sizeof b, true, "B", 1, 1000, 0, waiters, 16);
    ck_assert_int_eq(pf_cache_begin(c, a, sizeof a, 1, NULL, &d, &size, NULL), PF_CACHE_HIT);
    ck_assert_mem_eq(d, "A", 1);
    ck_assert_int_eq(pf_cache_begin(c, b, sizeof b, 1, NULL, &d, &size, NULL), PF_CACHE_HIT);
    ck_assert_mem_eq(d, "B", 1);
    /* Past the first table size: the table grows, every answer stays.      */
    for (int i = 0; i < 5000; i++) {
        char key[16];
        snprintf(key, sizeof key, "key-%d", i);
        ck_assert_int_eq(s_begin(c, key, 2, NULL, NULL), PF_CACHE_FETCH);
        s_finish(c, key, true, key, 1000, 2, waiters);
    }
    for (int i = 0; i < 5000; i++) {
        char key[16];
        const char *data = NULL;
        snprintf(key, sizeof key, "key-%d", i);
        ck_assert_int_eq(s_begin(c, key, 3, NULL, &data), PF_CACHE_HIT);
        ck_assert_str_eq(data, key);
    }
    ck_assert_ptr_null(pf_cache_new(0, 1));
    ck_assert_ptr_null(pf_cache_new(1, 0));
    pf_cache_destroy(&c);
}
END_TEST

/*  An in-flight key carries its fetcher's tag until the fetch ends; a new
    fetch of the same key starts untagged.                                 */
START_TEST(test_owner_of_a_fetch)
{
    pf_cache_t *c = pf_cache_new(100, 1 << 20);
    int fetcher, w;
    void *waiters[16];
    ck_assert_int_eq(pf_cache_set_owner(c, "k", 1, &fetcher), PF_ENOTFOUND);
    ck_assert_int_eq(s_begin(c, "k", 0, NULL, NULL), PF_CACHE_FETCH);
    ck_assert_ptr_null(pf_cache_owner(c, "k", 1));
    ck_assert_int_eq(pf_cache_set_owner(c, "k", 1, &fetcher), 0);
    ck_assert_int_eq(s_begin(c, "k", 1, &w, NULL), PF_CACHE_JOINED);
    ck_assert_ptr_eq(pf_cache_owner(c, "k", 1), &fetcher);
    ck_assert_uint_eq(s_finish(c, "k", true, "answer", 10, 2, waiters), 1);
    ck_assert_ptr_null(pf_cache_owner(c, "k", 1));          /* cached now  */
    ck_assert_int_eq(pf_cache_set_owner(c, "k", 1, &fetcher), PF_ENOTFOUND);
    ck_assert_int_eq(s_begin(c, "k", 20, NULL, NULL), PF_CACHE_FETCH); /* stale */
    ck_assert_ptr_null(pf_cache_owner(c, "k", 1));
    pf_cache_destroy(&c);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_cache");
    TCase *tc = tcase_create("cache");
    tcase_add_test(tc, test_overlapping_calls_share_one_fetch);
    tcase_add_test(tc, test_failures_and_ttl_zero_are_not_kept);
    tcase_add_test(tc, test_bounds_evict_the_least_recently_used);
    tcase_add_test(tc, test_binary_keys_and_many_entries);
    tcase_add_test(tc, test_owner_of_a_fetch);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
