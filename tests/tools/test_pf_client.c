/*  test_pf_client.c — unit tests of the PFP/1 client (tools/lib/pf_client.c)
    against a fake ROUTER server running in a thread of the test.          */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "pf_check.h"
#include "pf_client.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_pfp.h"
#include "pf_wire.h"

#define PIPELINE_DEPTH 10    /* requests the reverse server collects        */
#define STORED_MAX 64        /* requests a fake server may hold             */

/*  How the fake server answers.                                            */
typedef enum {
    MODE_ECHO,           /* answer at once: PONG for PING, ECHO otherwise   */
    MODE_REVERSE,        /* collect PIPELINE_DEPTH requests, answer in reverse */
    MODE_LATE,           /* hold the first request; answer it late, just
                            before answering the second                      */
    MODE_SILENT,         /* never answer                                     */
    MODE_ERROR,          /* ERROR not_found with the req_id                  */
    MODE_ERROR_NO_REQID, /* ERROR bad_request without a req_id               */
    MODE_MALFORMED       /* a reply with the wrong protocol version          */
} fake_mode_t;

/*  A request the fake server holds before answering.                       */
typedef struct {
    char rid[256];                      /* ROUTER routing id                 */
    size_t rid_size;                    /* its length                        */
    char req_id[PFP_REQ_ID_MAX + 1];    /* the request's req_id              */
    char command[16];                   /* the request's command             */
} held_t;

typedef struct {
    void *ctx;                 /* context of the server and control pipe    */
    void *router;              /* the fake server's socket (thread-owned)   */
    void *control;             /* main thread's end of the control pipe     */
    char endpoint[256];        /* where the router listens                  */
    fake_mode_t mode;          /* how to answer                             */
    pthread_t thread;          /* the server thread                         */
    held_t held[STORED_MAX];   /* requests not answered yet                 */
    size_t held_count;         /* entries in held                           */
    int requests;              /* requests seen                             */
} fake_t;

static fake_t s_fake;

static void
s_reply(fake_t *fake, const held_t *h, const char *command, pf_value_t *body)
{
    pf_frame_t rid = { h->rid, h->rid_size };
    ck_assert_int_eq(pf_wire_send_pfp(fake->router, &rid, command, body), 0);
}

/*  The answer to one request in ECHO-like modes.                           */
static void
s_answer(fake_t *fake, const held_t *h)
{
    pf_value_t *body = pf_value_map();
    if (fake->mode != MODE_ERROR_NO_REQID)
        pf_map_set_str(body, "req_id", h->req_id);
    switch (fake->mode) {
    case MODE_ERROR:
        pf_map_set_str(body, "code", "not_found");
        pf_map_set_str(body, "message", "no such job");
        s_reply(fake, h, "ERROR", body);
        break;
    case MODE_ERROR_NO_REQID:
        pf_map_set_str(body, "code", "bad_request");
        pf_map_set_str(body, "message", "body is not a map");
        s_reply(fake, h, "ERROR", body);
        break;
    case MODE_MALFORMED: {
        pf_frame_t rid = { h->rid, h->rid_size };
        uint8_t *data = NULL;
        size_t size = 0;
        ck_assert_int_eq(pf_msgpack_encode(body, &data, &size), 0);
        pf_frame_t frames[3] = { { "PFP/2", 5 }, { "PONG", 4 }, { data, size } };
        ck_assert_int_eq(pf_wire_send(fake->router, &rid, true, frames, 3), 0);
        free(data);
        break;
    }
    default:
        pf_map_set_str(body, "command", h->command);
        pf_map_set_int(body, "seen", fake->requests);
        s_reply(fake, h, strcmp(h->command, "PING") == 0 ? "PONG" : "ECHO", body);
        break;
    }
    pf_value_destroy(&body);
}

/*  Handles one request arriving at the router.                             */
static void
s_on_request(fake_t *fake)
{
    pf_wire_msg_t msg;
    ck_assert_int_eq(pf_wire_recv(fake->router, &msg, 0), 0);
    pf_frame_t f[PF_WIRE_MAX_FRAMES];
    size_t n = pf_wire_frames(&msg, 0, f, PF_WIRE_MAX_FRAMES);
    /*  [rid][empty]["PFP/1"][COMMAND][body]                                */
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(f[1].size, 0);
    ck_assert_uint_eq(f[2].size, 5);
    ck_assert(memcmp(f[2].data, "PFP/1", 5) == 0);
    ck_assert(fake->held_count < STORED_MAX);
    held_t *h = &fake->held[fake->held_count++];
    memset(h, 0, sizeof *h);
    ck_assert(f[0].size <= sizeof h->rid && f[3].size < sizeof h->command);
    memcpy(h->rid, f[0].data, f[0].size);
    h->rid_size = f[0].size;
    memcpy(h->command, f[3].data, f[3].size);
    pf_value_t *body = NULL;
    ck_assert_int_eq(pf_msgpack_decode(f[4].data, f[4].size, NULL, &body), 0);
    const char *req_id = pf_map_get_str(body, "req_id");
    ck_assert_ptr_nonnull(req_id);
    snprintf(h->req_id, sizeof h->req_id, "%s", req_id);
    pf_value_destroy(&body);
    pf_wire_msg_close(&msg);
    fake->requests++;

    switch (fake->mode) {
    case MODE_SILENT:
        break;
    case MODE_REVERSE:
        if (fake->held_count == PIPELINE_DEPTH) {
            for (size_t i = fake->held_count; i > 0; i--)
                s_answer(fake, &fake->held[i - 1]);
            fake->held_count = 0;
        }
        return;
    case MODE_LATE:
        if (fake->held_count == 2) {
            s_answer(fake, &fake->held[0]);
            s_answer(fake, &fake->held[1]);
            fake->held_count = 0;
        }
        return;
    default:
        s_answer(fake, h);
        break;
    }
    if (fake->mode != MODE_SILENT)
        fake->held_count = 0;
}

static void *
s_server(void *arg)
{
    fake_t *fake = arg;
    void *control = zmq_socket(fake->ctx, ZMQ_PAIR);
    ck_assert_ptr_nonnull(control);
    ck_assert_int_eq(zmq_connect(control, "inproc://control"), 0);
    /*  Tell the test we are listening.                                     */
    ck_assert_int_eq(zmq_send(control, "READY", 5, 0), 5);
    for (;;) {
        zmq_pollitem_t items[2] = {
            { fake->router, 0, ZMQ_POLLIN, 0 },
            { control, 0, ZMQ_POLLIN, 0 },
        };
        ck_assert_int_ge(zmq_poll(items, 2, -1), 0);
        if (items[1].revents & ZMQ_POLLIN)
            break;
        if (items[0].revents & ZMQ_POLLIN)
            s_on_request(fake);
    }
    zmq_close(control);
    zmq_close(fake->router);
    return NULL;
}

/*  Starts the fake server in mode on a free port.                         */
static void
s_start(fake_mode_t mode)
{
    fake_t *fake = &s_fake;
    memset(fake, 0, sizeof *fake);
    fake->mode = mode;
    fake->ctx = zmq_ctx_new();
    ck_assert_ptr_nonnull(fake->ctx);
    fake->router = zmq_socket(fake->ctx, ZMQ_ROUTER);
    ck_assert_ptr_nonnull(fake->router);
    ck_assert_int_eq(pf_wire_setup(fake->router, 1 << 20, 1000), 0);
    ck_assert_int_eq(zmq_bind(fake->router, "tcp://127.0.0.1:*"), 0);
    size_t len = sizeof fake->endpoint;
    ck_assert_int_eq(zmq_getsockopt(fake->router, ZMQ_LAST_ENDPOINT, fake->endpoint, &len), 0);
    fake->control = zmq_socket(fake->ctx, ZMQ_PAIR);
    ck_assert_int_eq(zmq_bind(fake->control, "inproc://control"), 0);
    ck_assert_int_eq(pthread_create(&fake->thread, NULL, s_server, fake), 0);
    char ready[8];
    ck_assert_int_eq(zmq_recv(fake->control, ready, sizeof ready, 0), 5);
}

/*  Stops the fake server (checked fixture teardown: runs even on failure
    in the forked test process).                                             */
static void
s_stop(void)
{
    fake_t *fake = &s_fake;
    if (!fake->ctx)
        return;
    zmq_send(fake->control, "STOP", 4, 0);
    pthread_join(fake->thread, NULL);
    zmq_close(fake->control);
    zmq_ctx_term(fake->ctx);
    fake->ctx = NULL;
}

static long long
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(test_request_reply)
{
    s_start(MODE_ECHO);
    pf_client_t *client = pf_client_new(s_fake.endpoint);
    ck_assert_ptr_nonnull(client);
    ck_assert_str_eq(pf_client_endpoint(client), s_fake.endpoint);
    ck_assert_ptr_nonnull(pf_client_socket(client));

    /*  No body: an empty map with a generated req_id goes out.            */
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_client_request(client, "PING", NULL, 5000, cmd, &reply), 0);
    ck_assert_str_eq(cmd, "PONG");
    ck_assert_str_eq(pf_map_get_str(reply, "command"), "PING");
    ck_assert_ptr_nonnull(pf_map_get_str(reply, "req_id"));
    pf_value_destroy(&reply);

    /*  A body without req_id gets one, visible to the caller.             */
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "job_id", "job_0123");
    ck_assert_int_eq(pf_client_request(client, "STATUS", body, 5000, cmd, &reply), 0);
    ck_assert_str_eq(cmd, "ECHO");
    ck_assert_str_eq(pf_map_get_str(reply, "req_id"), pf_map_get_str(body, "req_id"));
    pf_value_destroy(&reply);
    pf_value_destroy(&body);

    /*  A req_id given by the caller is used as is.                        */
    body = pf_value_map();
    pf_map_set_str(body, "req_id", "mine-1");
    ck_assert_int_eq(pf_client_request(client, "CANCEL", body, 5000, cmd, &reply), 0);
    ck_assert_str_eq(pf_map_get_str(reply, "req_id"), "mine-1");
    ck_assert_str_eq(pf_map_get_str(reply, "command"), "CANCEL");
    pf_value_destroy(&reply);
    pf_value_destroy(&body);

    pf_client_destroy(&client);
    ck_assert_ptr_null(client);
    pf_client_destroy(&client);
}
END_TEST

START_TEST(test_late_reply_is_skipped)
{
    s_start(MODE_LATE);
    pf_client_t *client = pf_client_new(s_fake.endpoint);
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    pf_value_t *first = pf_value_map();
    pf_map_set_str(first, "req_id", "first");
    ck_assert_int_eq(pf_client_request(client, "PING", first, 100, cmd, &reply), PF_ETIMEDOUT);
    ck_assert_ptr_null(reply);
    /*  The server now answers "first", then "second": the request for
        "second" must skip the late answer and return its own.             */
    pf_value_t *second = pf_value_map();
    pf_map_set_str(second, "req_id", "second");
    ck_assert_int_eq(pf_client_request(client, "PING", second, 5000, cmd, &reply), 0);
    ck_assert_str_eq(pf_map_get_str(reply, "req_id"), "second");
    pf_value_destroy(&reply);
    /*  Nothing else is waiting.                                           */
    ck_assert_int_eq(pf_client_recv(client, 0, cmd, &reply), PF_ETIMEDOUT);
    pf_value_destroy(&first);
    pf_value_destroy(&second);
    pf_client_destroy(&client);
}
END_TEST

START_TEST(test_pipelining)
{
    s_start(MODE_REVERSE);
    pf_client_t *client = pf_client_new(s_fake.endpoint);
    char ids[PIPELINE_DEPTH][PFP_REQ_ID_MAX + 1];
    for (int i = 0; i < PIPELINE_DEPTH; i++) {
        pf_value_t *body = pf_value_map();
        pf_map_set_int(body, "n", i);
        ck_assert_int_eq(pf_client_send(client, "ENRICH", body, 5000, ids[i]), 0);
        ck_assert_str_eq(pf_map_get_str(body, "req_id"), ids[i]);
        pf_value_destroy(&body);
        for (int k = 0; k < i; k++)
            ck_assert_str_ne(ids[k], ids[i]);
    }
    /*  Replies come in reverse order, each matched by its req_id.         */
    for (int i = PIPELINE_DEPTH - 1; i >= 0; i--) {
        char cmd[PF_CLIENT_CMD_MAX];
        pf_value_t *reply = NULL;
        ck_assert_int_eq(pf_client_recv(client, 5000, cmd, &reply), 0);
        ck_assert_str_eq(cmd, "ECHO");
        ck_assert_str_eq(pf_map_get_str(reply, "req_id"), ids[i]);
        pf_value_destroy(&reply);
    }
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_client_recv(client, 0, cmd, &reply), PF_ETIMEDOUT);
    /*  NULL body and NULL req_id out are accepted.                        */
    ck_assert_int_eq(pf_client_send(client, "PING", NULL, 5000, NULL), 0);
    pf_client_destroy(&client);
}
END_TEST

START_TEST(test_timeout)
{
    s_start(MODE_SILENT);
    pf_client_t *client = pf_client_new(s_fake.endpoint);
    char cmd[PF_CLIENT_CMD_MAX] = "unset";
    pf_value_t *reply = NULL;
    long long start = s_now_ms();
    ck_assert_int_eq(pf_client_request(client, "PING", NULL, 150, cmd, &reply), PF_ETIMEDOUT);
    long long took = s_now_ms() - start;
    ck_assert_int_ge(took, 150);
    ck_assert_int_lt(took, 5000);
    ck_assert_ptr_null(reply);
    ck_assert_str_eq(cmd, "unset");   /* out-params untouched on failure  */
    start = s_now_ms();
    ck_assert_int_eq(pf_client_recv(client, 100, cmd, &reply), PF_ETIMEDOUT);
    ck_assert_int_ge(s_now_ms() - start, 100);
    ck_assert_int_eq(pf_client_recv(client, 0, cmd, &reply), PF_ETIMEDOUT);
    pf_client_destroy(&client);
}
END_TEST

START_TEST(test_no_server_times_out)
{
    /*  A port nobody listens on: connecting is not an error, the request
        times out.  Bind and close to learn a free port.                   */
    void *ctx = zmq_ctx_new();
    void *s = zmq_socket(ctx, ZMQ_ROUTER);
    ck_assert_int_eq(zmq_bind(s, "tcp://127.0.0.1:*"), 0);
    char ep[256];
    size_t len = sizeof ep;
    zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, ep, &len);
    zmq_close(s);
    zmq_ctx_term(ctx);
    pf_client_t *client = pf_client_new(ep);
    ck_assert_ptr_nonnull(client);
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_client_request(client, "PING", NULL, 100, cmd, &reply), PF_ETIMEDOUT);
    pf_client_destroy(&client);
}
END_TEST

START_TEST(test_error_surfaced)
{
    s_start(MODE_ERROR);
    pf_client_t *client = pf_client_new(s_fake.endpoint);
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_client_request(client, "STATUS", NULL, 5000, cmd, &reply), 0);
    ck_assert_str_eq(cmd, "ERROR");
    ck_assert_str_eq(pf_map_get_str(reply, "code"), "not_found");
    ck_assert_str_eq(pf_map_get_str(reply, "message"), "no such job");
    pf_value_destroy(&reply);
    pf_client_destroy(&client);
}
END_TEST

START_TEST(test_error_without_req_id_is_ours)
{
    s_start(MODE_ERROR_NO_REQID);
    pf_client_t *client = pf_client_new(s_fake.endpoint);
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_client_request(client, "ENRICH", NULL, 5000, cmd, &reply), 0);
    ck_assert_str_eq(cmd, "ERROR");
    ck_assert_str_eq(pf_map_get_str(reply, "code"), "bad_request");
    pf_value_destroy(&reply);
    pf_client_destroy(&client);
}
END_TEST

START_TEST(test_malformed_reply)
{
    s_start(MODE_MALFORMED);
    pf_client_t *client = pf_client_new(s_fake.endpoint);
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_client_request(client, "PING", NULL, 5000, cmd, &reply), PF_EPROTO);
    ck_assert_ptr_null(reply);
    pf_client_destroy(&client);
}
END_TEST

START_TEST(test_bad_arguments)
{
    ck_assert_ptr_null(pf_client_new(NULL));
    ck_assert_ptr_null(pf_client_new(""));
    ck_assert_ptr_null(pf_client_new("nonsense://x"));
    ck_assert_ptr_null(pf_client_new("tcp://"));
    pf_client_destroy(NULL);

    s_start(MODE_ECHO);
    pf_client_t *client = pf_client_new(s_fake.endpoint);
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_client_request(client, "", NULL, 100, cmd, &reply), PF_EINVAL);
    ck_assert_int_eq(pf_client_request(client, "MUCHTOOLONGCOMMAND", NULL, 100, cmd, &reply),
                     PF_EINVAL);
    pf_value_t *array = pf_value_array();
    ck_assert_int_eq(pf_client_request(client, "PING", array, 100, cmd, &reply), PF_EINVAL);
    ck_assert_int_eq(pf_client_send(client, "PING", array, 100, NULL), PF_EINVAL);
    pf_value_destroy(&array);
    pf_value_t *body = pf_value_map();
    char long_id[PFP_REQ_ID_MAX + 2];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    pf_map_set_str(body, "req_id", long_id);
    ck_assert_int_eq(pf_client_request(client, "PING", body, 100, cmd, &reply), PF_EINVAL);
    pf_map_set_str(body, "req_id", "");
    ck_assert_int_eq(pf_client_send(client, "PING", body, 100, NULL), PF_EINVAL);
    pf_value_destroy(&body);
    ck_assert_int_eq(pf_client_request(NULL, "PING", NULL, 100, cmd, &reply), PF_EINVAL);
    ck_assert_int_eq(pf_client_recv(client, 0, NULL, &reply), PF_EINVAL);
    ck_assert_ptr_null(reply);
    /*  Nothing was sent by any of these.                                  */
    ck_assert_int_eq(pf_client_recv(client, 50, cmd, &reply), PF_ETIMEDOUT);
    pf_client_destroy(&client);
}
END_TEST

static int
s_cmp_ids(const void *a, const void *b)
{
    return strcmp(a, b);
}

START_TEST(test_req_ids_unique)
{
    enum { N = 2000 };
    static char ids[N][PFP_REQ_ID_MAX + 1];
    for (int i = 0; i < N; i++) {
        pf_client_new_req_id(ids[i]);
        ck_assert_uint_gt(strlen(ids[i]), 0);
        ck_assert_uint_le(strlen(ids[i]), PFP_REQ_ID_MAX);
    }
    /*  Sorted, equal ids would be neighbours.                             */
    qsort(ids, N, sizeof ids[0], s_cmp_ids);
    for (int i = 1; i < N; i++)
        ck_assert_str_ne(ids[i - 1], ids[i]);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_client");
    TCase *tc = tcase_create("client");
    tcase_add_checked_fixture(tc, NULL, s_stop);
    tcase_add_test(tc, test_request_reply);
    tcase_add_test(tc, test_late_reply_is_skipped);
    tcase_add_test(tc, test_pipelining);
    tcase_add_test(tc, test_timeout);
    tcase_add_test(tc, test_no_server_times_out);
    tcase_add_test(tc, test_error_surfaced);
    tcase_add_test(tc, test_error_without_req_id_is_ours);
    tcase_add_test(tc, test_malformed_reply);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_req_ids_unique);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
