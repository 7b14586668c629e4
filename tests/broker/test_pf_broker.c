/*  test_pf_broker.c — registry, credit accounting, picking, orphans.       */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_broker.h"
#include "pf_check.h"
#include "pf_graph.h"

static pfa_msg_t
s_ready(const char *service, const char *instance, uint32_t capacity)
{
    pfa_msg_t m;
    memset(&m, 0, sizeof m);
    m.cmd = PFA_READY;
    snprintf(m.service, sizeof m.service, "%s", service);
    snprintf(m.instance, sizeof m.instance, "%s", instance);
    m.capacity = capacity;
    return m;
}

START_TEST(test_register_lookup_remove)
{
    ck_assert_int_eq(pf_graph_check(), 0);
    pf_broker_t *b = pf_broker_new();
    pfa_msg_t r = s_ready("company_context", "cc-1", 2);
    pf_instance_t *i = pf_broker_register(b, "\0ab", 3, &r, 10, NULL);
    ck_assert_ptr_eq(pf_broker_instance(b, "\0ab", 3), i);
    ck_assert_ptr_null(pf_broker_instance(b, "\0ac", 3));
    ck_assert_int_eq(i->service->module, 0);
    ck_assert_uint_eq(i->service->free_credit, 2);
    ck_assert_uint_eq(pf_broker_instance_count(b), 1);
    pf_work_t *orphans = NULL;
    pf_broker_remove(b, i, &orphans);
    ck_assert_ptr_null(orphans);
    ck_assert_ptr_null(pf_broker_instance(b, "\0ab", 3));
    ck_assert_uint_eq(pf_broker_service(b, "company_context", false)->free_credit, 0);
    pf_broker_destroy(&b);
    ck_assert_ptr_null(b);
    pf_broker_destroy(&b);
}
END_TEST

START_TEST(test_credit_never_exceeded_and_orphans_returned)
{
    pf_broker_t *b = pf_broker_new();
    pfa_msg_t r1 = s_ready("svc", "a", 2), r2 = s_ready("svc", "b", 1);
    pf_instance_t *a = pf_broker_register(b, "A", 1, &r1, 0, NULL);
    pf_instance_t *c = pf_broker_register(b, "B", 1, &r2, 0, NULL);
    pf_service_t *s = a->service;
    ck_assert_ptr_eq(s, c->service);
    ck_assert_uint_eq(s->free_credit, 3);
    pf_work_t w[4];
    memset(w, 0, sizeof w);
    for (int k = 0; k < 3; k++) {
        pf_instance_t *pick = pf_broker_pick(b, s);
        ck_assert_ptr_nonnull(pick);
        pf_broker_hold(b, pick, &w[k]);
    }
    ck_assert_ptr_null(pf_broker_pick(b, s));   /* all credit used */
    ck_assert_uint_eq(a->held, 2);
    ck_assert_uint_eq(c->held, 1);
    pf_broker_release(b, &w[0]);
    ck_assert_uint_eq(s->free_credit, 1);
    pf_broker_release(b, &w[0]);                /* idempotent */
    ck_assert_uint_eq(s->free_credit, 1);
    pf_instance_t *holder = w[1].holder;
    int held = (int)holder->held;
    pf_work_t *orphans = NULL;
    pf_broker_remove(b, holder, &orphans);
    int n = 0;
    for (pf_work_t *o = orphans; o; o = o->next) {
        ck_assert_ptr_null(o->holder);
        n++;
    }
    ck_assert_int_eq(n, held);
    ck_assert_int_ge(n, 1);
    pf_broker_destroy(&b);
}
END_TEST

START_TEST(test_pick_most_free_and_drain)
{
    pf_broker_t *b = pf_broker_new();
    pfa_msg_t r1 = s_ready("svc", "a", 1), r2 = s_ready("svc", "b", 4);
    pf_broker_register(b, "A", 1, &r1, 0, NULL);
    pf_instance_t *big = pf_broker_register(b, "B", 1, &r2, 0, NULL);
    ck_assert_ptr_eq(pf_broker_pick(b, big->service), big);
    pf_broker_drain(b, big);
    ck_assert_uint_eq(big->service->free_credit, 1);
    ck_assert_ptr_ne(pf_broker_pick(b, big->service), big);
    /* Work held by a draining instance still releases cleanly. */
    pf_work_t w;
    memset(&w, 0, sizeof w);
    pf_broker_hold(b, pf_broker_pick(b, big->service), &w);
    ck_assert_ptr_null(pf_broker_pick(b, big->service));
    pf_broker_release(b, &w);
    ck_assert_uint_eq(big->service->free_credit, 1);
    pf_broker_destroy(&b);
}
END_TEST

START_TEST(test_reregister_same_rid_orphans_old_work)
{
    pf_broker_t *b = pf_broker_new();
    pfa_msg_t r = s_ready("svc", "a", 2);
    pf_instance_t *a = pf_broker_register(b, "A", 1, &r, 0, NULL);
    pf_work_t w;
    memset(&w, 0, sizeof w);
    pf_broker_hold(b, a, &w);
    pf_work_t *orphans = NULL;
    pf_instance_t *a2 = pf_broker_register(b, "A", 1, &r, 1, &orphans);
    ck_assert_ptr_eq(orphans, &w);
    ck_assert_ptr_null(w.holder);
    ck_assert_uint_eq(a2->service->free_credit, 2);
    ck_assert_uint_eq(pf_broker_instance_count(b), 1);
    pf_broker_destroy(&b);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_broker");
    TCase *tc = tcase_create("broker");
    tcase_add_test(tc, test_register_lookup_remove);
    tcase_add_test(tc, test_credit_never_exceeded_and_orphans_returned);
    tcase_add_test(tc, test_pick_most_free_and_drain);
    tcase_add_test(tc, test_reregister_same_rid_orphans_old_work);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
