/*  test_pf_store.c — the job index: lookup by id and key, TTL expiry order. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_check.h"
#include "pf_store.h"

static pf_job_t *
s_job(const char *id, const char *key)
{
    pf_job_t *j = pf_calloc(1, sizeof *j);
    snprintf(j->id, sizeof j->id, "%s", id);
    j->idem_key = key ? pf_strdup(key) : NULL;
    return j;
}

static int s_freed;

static void
s_free_job(pf_job_t *j)
{
    free(j->idem_key);
    free(j);
    s_freed++;
}

static void
s_free_batch(pf_batch_t *b)
{
    free(b);
    s_freed++;
}

static int s_expired_jobs;
static int s_expired_batches;

static void
s_on_job(pf_job_t *j, void *arg)
{
    (void)arg;
    ck_assert(j->expired);
    s_expired_jobs++;
    s_free_job(j);
}

static void
s_on_batch(pf_batch_t *b, void *arg)
{
    (void)arg;
    ck_assert(b->expired);
    s_expired_batches++;
    s_free_batch(b);
}

START_TEST(test_lookup_by_id_and_key)
{
    pf_store_t *s = pf_store_new();
    pf_job_t *a = s_job("job_a", "k1"), *b = s_job("job_b", NULL);
    pf_store_put_job(s, a);
    pf_store_put_job(s, b);
    ck_assert_ptr_eq(pf_store_job(s, "job_a"), a);
    ck_assert_ptr_eq(pf_store_job(s, "job_b"), b);
    ck_assert_ptr_null(pf_store_job(s, "job_c"));
    ck_assert_ptr_eq(pf_store_job_by_key(s, "k1"), a);
    ck_assert_ptr_null(pf_store_job_by_key(s, "k2"));
    ck_assert_uint_eq(pf_store_job_count(s), 2);
    pf_batch_t *batch = pf_calloc(1, sizeof *batch);
    snprintf(batch->id, sizeof batch->id, "batch_x");
    pf_store_put_batch(s, batch);
    ck_assert_ptr_eq(pf_store_batch(s, "batch_x"), batch);
    s_freed = 0;
    pf_store_destroy(&s, s_free_job, s_free_batch);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(s_freed, 3);
    pf_store_destroy(&s, NULL, NULL);   /* NULL is fine */
}
END_TEST

START_TEST(test_expire_in_end_order_only_past_cutoff)
{
    pf_store_t *s = pf_store_new();
    pf_job_t *a = s_job("job_a", "ka"), *b = s_job("job_b", NULL), *c = s_job("job_c", NULL);
    pf_store_put_job(s, a);
    pf_store_put_job(s, b);
    pf_store_put_job(s, c);
    a->ended_us = 100;
    pf_store_job_ended(s, a);
    b->ended_us = 200;
    pf_store_job_ended(s, b);
    pf_batch_t *batch = pf_calloc(1, sizeof *batch);
    snprintf(batch->id, sizeof batch->id, "batch_y");
    pf_store_put_batch(s, batch);
    batch->ended_us = 200;
    pf_store_batch_ended(s, batch);
    s_expired_jobs = s_expired_batches = 0;
    ck_assert_uint_eq(pf_store_expire(s, 100, s_on_job, s_on_batch, NULL), 0);
    ck_assert_uint_eq(pf_store_expire(s, 150, s_on_job, s_on_batch, NULL), 1);
    ck_assert_ptr_null(pf_store_job(s, "job_a"));
    ck_assert_ptr_null(pf_store_job_by_key(s, "ka"));
    ck_assert_ptr_eq(pf_store_job(s, "job_b"), b);
    ck_assert_uint_eq(pf_store_expire(s, 1000, s_on_job, s_on_batch, NULL), 2);
    ck_assert_int_eq(s_expired_jobs, 2);
    ck_assert_int_eq(s_expired_batches, 1);
    /* c never ended: still there. */
    ck_assert_ptr_eq(pf_store_job(s, "job_c"), c);
    pf_store_destroy(&s, s_free_job, s_free_batch);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_store");
    TCase *tc = tcase_create("store");
    tcase_add_test(tc, test_lookup_by_id_and_key);
    tcase_add_test(tc, test_expire_in_end_order_only_past_cutoff);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
