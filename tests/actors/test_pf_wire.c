/*  test_pf_wire.c — multipart framing over real sockets (inproc).          */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_pfa.h"
#include "pf_pfp.h"
#include "pf_wire.h"

typedef struct {
    void *ctx;      /* zmq context          */
    void *router;   /* bound ROUTER         */
    void *dealer;   /* connected DEALER     */
} s_pair_t;

static void
s_pair(s_pair_t *p)
{
    p->ctx = zmq_ctx_new();
    p->router = zmq_socket(p->ctx, ZMQ_ROUTER);
    p->dealer = zmq_socket(p->ctx, ZMQ_DEALER);
    ck_assert_int_eq(pf_wire_setup(p->router, 1 << 20, 1000), PF_OK);
    ck_assert_int_eq(pf_wire_setup(p->dealer, 1 << 20, 1000), PF_OK);
    ck_assert_int_eq(zmq_bind(p->router, "inproc://wire"), 0);
    ck_assert_int_eq(zmq_connect(p->dealer, "inproc://wire"), 0);
}

static void
s_unpair(s_pair_t *p)
{
    zmq_close(p->router);
    zmq_close(p->dealer);
    zmq_ctx_term(p->ctx);
}

START_TEST(test_pfa_round_trip_with_routing_id)
{
    s_pair_t p;
    s_pair(&p);
    pfa_msg_t out;
    memset(&out, 0, sizeof out);
    out.cmd = PFA_READY;
    snprintf(out.service, sizeof out.service, "company_context");
    snprintf(out.instance, sizeof out.instance, "cc-1");
    out.capacity = 4;
    ck_assert_int_eq(pf_wire_send_pfa(p.dealer, NULL, &out), PF_OK);
    pf_wire_msg_t msg;
    ck_assert_int_eq(pf_wire_recv(p.router, &msg, 0), PF_OK);
    ck_assert_uint_eq(msg.count, 4);   /* rid, version, command, header */
    pf_frame_t f[PF_WIRE_MAX_FRAMES];
    size_t n = pf_wire_frames(&msg, 1, f, PF_WIRE_MAX_FRAMES);
    pfa_msg_t *in = NULL;
    ck_assert_int_eq(pfa_decode(f, n, &in), PF_OK);
    ck_assert_int_eq(in->cmd, PFA_READY);
    ck_assert_str_eq(in->service, "company_context");
    ck_assert_uint_eq(in->capacity, 4);
    /* Reply through the routing id. */
    pf_frame_t rid;
    pf_wire_frames(&msg, 0, &rid, 1);
    pfa_msg_t welcome;
    memset(&welcome, 0, sizeof welcome);
    welcome.cmd = PFA_WELCOME;
    welcome.heartbeat_ms = 1000;
    welcome.liveness = 3;
    ck_assert_int_eq(pf_wire_send_pfa(p.router, &rid, &welcome), PF_OK);
    pf_wire_msg_close(&msg);
    pfa_msg_destroy(&in);
    ck_assert_int_eq(pf_wire_recv(p.dealer, &msg, 0), PF_OK);
    n = pf_wire_frames(&msg, 0, f, PF_WIRE_MAX_FRAMES);
    ck_assert_int_eq(pfa_decode(f, n, &in), PF_OK);
    ck_assert_int_eq(in->cmd, PFA_WELCOME);
    pfa_msg_destroy(&in);
    pf_wire_msg_close(&msg);
    s_unpair(&p);
}
END_TEST

START_TEST(test_overlong_message_is_counted_not_half_read)
{
    s_pair_t p;
    s_pair(&p);
    pf_frame_t frames[12];
    for (int i = 0; i < 12; i++)
        frames[i] = (pf_frame_t){ "x", 1 };
    ck_assert_int_eq(pf_wire_send(p.dealer, NULL, false, frames, 12), PF_OK);
    ck_assert_int_eq(pf_wire_send(p.dealer, NULL, true, frames, 1), PF_OK);
    pf_wire_msg_t msg;
    ck_assert_int_eq(pf_wire_recv(p.router, &msg, 0), PF_OK);
    ck_assert_uint_eq(msg.count, 13);
    ck_assert_uint_eq(msg.kept, PF_WIRE_MAX_FRAMES);
    pf_wire_msg_close(&msg);
    /* The next message starts cleanly: [rid][empty][x]. */
    ck_assert_int_eq(pf_wire_recv(p.router, &msg, 0), PF_OK);
    ck_assert_uint_eq(msg.count, 3);
    pf_wire_msg_close(&msg);
    ck_assert_int_eq(pf_wire_recv(p.router, &msg, ZMQ_DONTWAIT), PF_EIO);
    ck_assert_int_eq(errno, EAGAIN);
    s_unpair(&p);
}
END_TEST

START_TEST(test_pfp_reply_decodes)
{
    s_pair_t p;
    s_pair(&p);
    pf_value_t *body = pfp_error_body("r1", "not_found", "no such job");
    ck_assert_int_eq(pf_wire_send_pfp(p.dealer, NULL, "ERROR", body), PF_OK);
    pf_value_destroy(&body);
    pf_wire_msg_t msg;
    ck_assert_int_eq(pf_wire_recv(p.router, &msg, 0), PF_OK);
    pf_frame_t f[PF_WIRE_MAX_FRAMES];
    size_t n = pf_wire_frames(&msg, 2, f, PF_WIRE_MAX_FRAMES);  /* skip rid, empty */
    char cmd[16];
    pf_value_t *got = NULL;
    ck_assert_int_eq(pfp_reply_decode(f, n, cmd, &got), PF_OK);
    ck_assert_str_eq(cmd, "ERROR");
    ck_assert_str_eq(pf_map_get_str(got, "code"), "not_found");
    pf_value_destroy(&got);
    pf_wire_msg_close(&msg);
    s_unpair(&p);
}
END_TEST

START_TEST(test_mandatory_router_reports_unknown_peer)
{
    s_pair_t p;
    s_pair(&p);
    int one = 1;
    ck_assert_int_eq(zmq_setsockopt(p.router, ZMQ_ROUTER_MANDATORY, &one, sizeof one), 0);
    pf_frame_t rid = { "nobody", 6 };
    pf_frame_t f = { "x", 1 };
    ck_assert_int_eq(pf_wire_send(p.router, &rid, false, &f, 1), PF_EIO);
    ck_assert_int_eq(errno, EHOSTUNREACH);
    s_unpair(&p);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_wire");
    TCase *tc = tcase_create("wire");
    tcase_add_test(tc, test_pfa_round_trip_with_routing_id);
    tcase_add_test(tc, test_overlong_message_is_counted_not_half_read);
    tcase_add_test(tc, test_pfp_reply_decodes);
    tcase_add_test(tc, test_mandatory_router_reports_unknown_peer);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
