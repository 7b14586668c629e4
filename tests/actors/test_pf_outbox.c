/*  test_pf_outbox.c — held messages come back whole and in order, across
    the buffer's growth, and an outbox is reusable after a reset.            */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_outbox.h"

START_TEST(test_messages_come_back_in_order)
{
    pf_outbox_t *box = pf_outbox_new();
    ck_assert_uint_eq(pf_outbox_count(box), 0);
    /* Enough, and large enough, to grow both the entries and the buffer
       several times: views must survive the moves.                         */
    enum { N = 5000 };
    static char payload[N][64];
    for (int i = 0; i < N; i++) {
        snprintf(payload[i], sizeof payload[i], "payload-%d", i);
        char rid_text[16];
        snprintf(rid_text, sizeof rid_text, "rid%d", i % 7);
        pf_frame_t rid = { rid_text, strlen(rid_text) };
        pf_frame_t frames[3] = {
            { "PFP/1", 5 },
            { "", 0 },                                /* empty frame kept  */
            { payload[i], strlen(payload[i]) },
        };
        pf_outbox_add(box, i % 3, i % 2 ? &rid : NULL, frames, 3, (uint64_t)i * 11, i % 15);
    }
    ck_assert_uint_eq(pf_outbox_count(box), N);
    for (int i = 0; i < N; i++) {
        pf_outbox_msg_t m;
        pf_outbox_get(box, (size_t)i, &m);
        ck_assert_int_eq(m.kind, i % 3);
        ck_assert_uint_eq(m.task_id, (uint64_t)i * 11);
        ck_assert_int_eq(m.module, i % 15);
        ck_assert_uint_eq(m.count, 3);
        ck_assert_uint_eq(m.frames[0].size, 5);
        ck_assert_mem_eq(m.frames[0].data, "PFP/1", 5);
        ck_assert_uint_eq(m.frames[1].size, 0);
        ck_assert_uint_eq(m.frames[2].size, strlen(payload[i]));
        ck_assert_mem_eq(m.frames[2].data, payload[i], strlen(payload[i]));
        if (i % 2) {
            char rid_text[16];
            snprintf(rid_text, sizeof rid_text, "rid%d", i % 7);
            ck_assert_uint_eq(m.rid.size, strlen(rid_text));
            ck_assert_mem_eq(m.rid.data, rid_text, strlen(rid_text));
        } else {
            ck_assert_uint_eq(m.rid.size, 0);
        }
    }
    pf_outbox_destroy(&box);
    ck_assert_ptr_null(box);
    pf_outbox_destroy(&box);   /* NULL is fine */
}
END_TEST

START_TEST(test_reset_reuses_and_gives_back_bursts)
{
    pf_outbox_t *box = pf_outbox_new();
    pf_frame_t small = { "x", 1 };
    pf_outbox_add(box, 1, NULL, &small, 1, 0, -1);
    pf_outbox_reset(box);
    ck_assert_uint_eq(pf_outbox_count(box), 0);
    pf_outbox_add(box, 2, NULL, &small, 1, 7, 3);
    pf_outbox_msg_t m;
    pf_outbox_get(box, 0, &m);
    ck_assert_int_eq(m.kind, 2);
    ck_assert_uint_eq(m.task_id, 7);
    /* A burst past the bound: still whole, and reset gives it back (ASan
       would see a use of the freed buffer below if reset kept a view).     */
    size_t big_size = PF_OUTBOX_KEEP_BYTES + 1024;
    char *big = malloc(big_size);
    memset(big, 'b', big_size);
    pf_frame_t frame = { big, big_size };
    pf_outbox_add(box, 3, NULL, &frame, 1, 0, -1);
    pf_outbox_get(box, 1, &m);
    ck_assert_uint_eq(m.frames[0].size, big_size);
    ck_assert_int_eq(((const char *)m.frames[0].data)[big_size - 1], 'b');
    pf_outbox_reset(box);
    pf_outbox_add(box, 4, NULL, &small, 1, 0, -1);
    pf_outbox_get(box, 0, &m);
    ck_assert_int_eq(m.kind, 4);
    ck_assert_mem_eq(m.frames[0].data, "x", 1);
    free(big);
    pf_outbox_destroy(&box);
}
END_TEST

START_TEST(test_long_routing_ids_are_cut)
{
    pf_outbox_t *box = pf_outbox_new();
    char rid_text[PF_RID_MAX + 10];
    memset(rid_text, 'r', sizeof rid_text);
    pf_frame_t rid = { rid_text, sizeof rid_text };
    pf_frame_t frame = { "body", 4 };
    pf_outbox_add(box, 0, &rid, &frame, 1, 0, -1);
    pf_outbox_msg_t m;
    pf_outbox_get(box, 0, &m);
    ck_assert_uint_eq(m.rid.size, PF_RID_MAX);
    ck_assert_mem_eq(m.frames[0].data, "body", 4);
    pf_outbox_destroy(&box);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_outbox");
    TCase *tc = tcase_create("outbox");
    tcase_add_test(tc, test_messages_come_back_in_order);
    tcase_add_test(tc, test_reset_reuses_and_gives_back_bursts);
    tcase_add_test(tc, test_long_routing_ids_are_cut);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
