/*  test_pf_tapsub.c — unit tests of the tap subscriber
    (tools/lib/pf_tapsub.c) against a PUB socket in the test.               */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_tapsub.h"

#define SYNC_DEADLINE_MS 10000   /* longest wait for a subscription to work */
#define SYNC_STEP_MS 20          /* wait per publish while syncing          */

static void *s_ctx;      /* publisher's context                              */
static void *s_pub;      /* the fake tap                                     */
static char s_endpoint[256];

static void
s_setup(void)
{
    s_ctx = zmq_ctx_new();
    s_pub = zmq_socket(s_ctx, ZMQ_PUB);
    ck_assert_ptr_nonnull(s_pub);
    int zero = 0;
    zmq_setsockopt(s_pub, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_bind(s_pub, "tcp://127.0.0.1:*"), 0);
    size_t len = sizeof s_endpoint;
    ck_assert_int_eq(zmq_getsockopt(s_pub, ZMQ_LAST_ENDPOINT, s_endpoint, &len), 0);
}

static void
s_teardown(void)
{
    if (s_pub)
        zmq_close(s_pub);
    if (s_ctx)
        zmq_ctx_term(s_ctx);
    s_pub = s_ctx = NULL;
}

static long long
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*  Publishes [topic][map {type: topic, n: n}].                             */
static void
s_publish(const char *topic, int n)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "type", topic);
    pf_map_set_int(body, "n", n);
    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_msgpack_encode(body, &data, &size), 0);
    ck_assert_int_ge(zmq_send(s_pub, topic, strlen(topic), ZMQ_SNDMORE), 0);
    ck_assert_int_ge(zmq_send(s_pub, data, size, 0), 0);
    free(data);
    pf_value_destroy(&body);
}

/*  Publishes topic until the subscriber receives one (a subscription takes
    effect some time after connect), within SYNC_DEADLINE_MS.               */
static void
s_sync(pf_tapsub_t *tap, const char *topic)
{
    long long deadline = s_now_ms() + SYNC_DEADLINE_MS;
    while (s_now_ms() < deadline) {
        s_publish(topic, -1);
        char got[PF_TAPSUB_TOPIC_MAX + 1];
        pf_value_t *event = NULL;
        if (pf_tapsub_recv(tap, SYNC_STEP_MS, got, &event) == PF_OK) {
            ck_assert_str_eq(got, topic);
            pf_value_destroy(&event);
            return;
        }
    }
    ck_abort_msg("subscription to %s never took effect", topic);
}

/*  Next event that is not a sync event.                                    */
static int
s_next(pf_tapsub_t *tap, char topic[PF_TAPSUB_TOPIC_MAX + 1], pf_value_t **event_p)
{
    for (;;) {
        int rc = pf_tapsub_recv(tap, 5000, topic, event_p);
        if (rc != PF_OK || strstr(topic, ".sync") == NULL)
            return rc;
        pf_value_destroy(event_p);
    }
}

START_TEST(test_receives_and_filters)
{
    pf_tapsub_t *tap = pf_tapsub_new(s_endpoint, "job.");
    ck_assert_ptr_nonnull(tap);
    ck_assert_ptr_nonnull(pf_tapsub_socket(tap));
    s_sync(tap, "job.sync");
    s_publish("module.started", 1);    /* not subscribed                   */
    s_publish("job.completed", 2);
    char topic[PF_TAPSUB_TOPIC_MAX + 1];
    pf_value_t *event = NULL;
    ck_assert_int_eq(s_next(tap, topic, &event), 0);
    ck_assert_str_eq(topic, "job.completed");
    ck_assert_str_eq(pf_map_get_str(event, "type"), "job.completed");
    ck_assert_int_eq(pf_map_get_int(event, "n", 0), 2);
    pf_value_destroy(&event);

    /*  A second prefix adds to the first.                                 */
    ck_assert_int_eq(pf_tapsub_subscribe(tap, "module."), 0);
    s_sync(tap, "module.sync");
    s_publish("api.call", 3);           /* still not subscribed             */
    s_publish("module.completed", 4);
    s_publish("job.failed", 5);
    ck_assert_int_eq(s_next(tap, topic, &event), 0);
    ck_assert_str_eq(topic, "module.completed");
    pf_value_destroy(&event);
    ck_assert_int_eq(s_next(tap, topic, &event), 0);
    ck_assert_str_eq(topic, "job.failed");
    pf_value_destroy(&event);
    ck_assert_uint_eq(pf_tapsub_skipped(tap), 0);
    pf_tapsub_destroy(&tap);
    ck_assert_ptr_null(tap);
    pf_tapsub_destroy(&tap);
}
END_TEST

START_TEST(test_malformed_events_skipped)
{
    pf_tapsub_t *tap = pf_tapsub_new(s_endpoint, NULL);
    ck_assert_ptr_nonnull(tap);
    s_sync(tap, "job.sync");
    /*  One frame only.                                                     */
    zmq_send(s_pub, "job.lonely", 10, 0);
    /*  A body that is not msgpack.                                         */
    zmq_send(s_pub, "job.junk", 8, ZMQ_SNDMORE);
    zmq_send(s_pub, "\xc1", 1, 0);
    /*  A body that is msgpack but not a map ([1]).                          */
    zmq_send(s_pub, "job.array", 9, ZMQ_SNDMORE);
    zmq_send(s_pub, "\x91\x01", 2, 0);
    /*  Three frames.                                                       */
    zmq_send(s_pub, "job.three", 9, ZMQ_SNDMORE);
    zmq_send(s_pub, "\x80", 1, ZMQ_SNDMORE);
    zmq_send(s_pub, "\x80", 1, 0);
    /*  A topic longer than the buffer.                                     */
    char long_topic[PF_TAPSUB_TOPIC_MAX + 2];
    memset(long_topic, 'j', sizeof long_topic);
    zmq_send(s_pub, long_topic, sizeof long_topic, ZMQ_SNDMORE);
    zmq_send(s_pub, "\x80", 1, 0);
    s_publish("job.fine", 7);
    char topic[PF_TAPSUB_TOPIC_MAX + 1];
    pf_value_t *event = NULL;
    ck_assert_int_eq(s_next(tap, topic, &event), 0);
    ck_assert_str_eq(topic, "job.fine");
    ck_assert_int_eq(pf_map_get_int(event, "n", 0), 7);
    pf_value_destroy(&event);
    ck_assert_uint_eq(pf_tapsub_skipped(tap), 5);
    pf_tapsub_destroy(&tap);
}
END_TEST

START_TEST(test_timeout_and_arguments)
{
    ck_assert_ptr_null(pf_tapsub_new(NULL, "x"));
    ck_assert_ptr_null(pf_tapsub_new("", "x"));
    ck_assert_ptr_null(pf_tapsub_new("bogus://", "x"));
    pf_tapsub_t *tap = pf_tapsub_new(s_endpoint, "nothing.");
    char topic[PF_TAPSUB_TOPIC_MAX + 1];
    pf_value_t *event = NULL;
    long long start = s_now_ms();
    ck_assert_int_eq(pf_tapsub_recv(tap, 100, topic, &event), PF_ETIMEDOUT);
    ck_assert_int_ge(s_now_ms() - start, 100);
    ck_assert_int_eq(pf_tapsub_recv(tap, 0, topic, &event), PF_ETIMEDOUT);
    ck_assert_ptr_null(event);
    ck_assert_int_eq(pf_tapsub_recv(tap, 0, NULL, &event), PF_EINVAL);
    ck_assert_int_eq(pf_tapsub_recv(NULL, 0, topic, &event), PF_EINVAL);
    ck_assert_int_eq(pf_tapsub_subscribe(NULL, "x"), PF_EINVAL);
    ck_assert_uint_eq(pf_tapsub_skipped(NULL), 0);
    pf_tapsub_destroy(&tap);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_tapsub");
    TCase *tc = tcase_create("tapsub");
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_add_test(tc, test_receives_and_filters);
    tcase_add_test(tc, test_malformed_events_skipped);
    tcase_add_test(tc, test_timeout_and_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
