/*  pf_test_coord.h — a fake coordinator for actor tests: one ROUTER bound
    to an ipc:// endpoint in a fresh temporary directory (so parallel tests
    never collide), with helpers to receive PFA/1 messages with a deadline
    and to send them to the last peer heard from.  Test-only; included by
    the test programs that drive the actor runtime.                          */
#ifndef PF_TEST_COORD_H
#define PF_TEST_COORD_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_pfa.h"
#include "pf_wire.h"

typedef struct {
    void *ctx;                  /* zmq context                              */
    void *router;               /* the fake coordinator's ROUTER            */
    char dir[64];               /* temporary directory holding the socket   */
    char path[128];             /* socket file                              */
    char endpoint[160];         /* ipc://path                               */
    unsigned char rid[256];     /* routing id of the last peer heard        */
    size_t rid_size;            /* bytes in rid                             */
} fc_t;

static inline long long
fc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void
fc_init(fc_t *fc)
{
    memset(fc, 0, sizeof *fc);
    snprintf(fc->dir, sizeof fc->dir, "/tmp/pf-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(fc->dir));
    snprintf(fc->path, sizeof fc->path, "%s/actor.sock", fc->dir);
    snprintf(fc->endpoint, sizeof fc->endpoint, "ipc://%s", fc->path);
    fc->ctx = zmq_ctx_new();
    ck_assert_ptr_nonnull(fc->ctx);
    fc->router = zmq_socket(fc->ctx, ZMQ_ROUTER);
    ck_assert_ptr_nonnull(fc->router);
    int zero = 0;
    zmq_setsockopt(fc->router, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_bind(fc->router, fc->endpoint), 0);
}

static inline void
fc_fini(fc_t *fc)
{
    zmq_close(fc->router);
    zmq_ctx_term(fc->ctx);
    unlink(fc->path);
    rmdir(fc->dir);
}

/*  Receives one message within timeout_ms.  Returns 0 with *msg_p set (and
    fc->rid updated), or PF_ETIMEDOUT.  Malformed messages fail the test.   */
static inline int
fc_recv(fc_t *fc, int timeout_ms, pfa_msg_t **msg_p)
{
    long long deadline = fc_now_ms() + timeout_ms;
    for (;;) {
        long long left = deadline - fc_now_ms();
        if (left < 0)
            left = 0;
        zmq_pollitem_t item = { fc->router, 0, ZMQ_POLLIN, 0 };
        int rc = zmq_poll(&item, 1, (long) left);
        if (rc == 0 && left == 0)
            return PF_ETIMEDOUT;
        if (rc <= 0)
            continue;
        pf_wire_msg_t wire;
        ck_assert_int_eq(pf_wire_recv(fc->router, &wire, ZMQ_DONTWAIT), 0);
        ck_assert_uint_ge(wire.kept, 1);
        fc->rid_size = zmq_msg_size(&wire.parts[0]);
        ck_assert_uint_le(fc->rid_size, sizeof fc->rid);
        memcpy(fc->rid, zmq_msg_data(&wire.parts[0]), fc->rid_size);
        pf_frame_t frames[PF_WIRE_MAX_FRAMES];
        size_t n = pf_wire_frames(&wire, 1, frames, PF_WIRE_MAX_FRAMES);
        pfa_msg_t *msg = NULL;
        int drc = pfa_decode(frames, n, &msg);
        pf_wire_msg_close(&wire);
        ck_assert_msg(drc == 0, "actor sent a malformed message: %s", pf_strerror(drc));
        *msg_p = msg;
        return 0;
    }
}

/*  Receives, skipping HEARTBEATs, until a message arrives; asserts it is
    `cmd` and returns it (caller destroys).                                 */
static inline pfa_msg_t *
fc_expect(fc_t *fc, pfa_cmd_t cmd, int timeout_ms)
{
    long long deadline = fc_now_ms() + timeout_ms;
    for (;;) {
        long long left = deadline - fc_now_ms();
        pfa_msg_t *msg = NULL;
        int rc = fc_recv(fc, left > 0 ? (int) left : 0, &msg);
        ck_assert_msg(rc == 0, "no %s from the actor within %d ms", pfa_cmd_name(cmd),
                      timeout_ms);
        if (msg->cmd == PFA_HEARTBEAT && cmd != PFA_HEARTBEAT) {
            pfa_msg_destroy(&msg);
            continue;
        }
        ck_assert_msg(msg->cmd == cmd, "expected %s, got %s", pfa_cmd_name(cmd),
                      pfa_cmd_name(msg->cmd));
        return msg;
    }
}

/*  True if, within timeout_ms, nothing but HEARTBEATs arrives.              */
static inline bool
fc_quiet(fc_t *fc, int timeout_ms)
{
    long long deadline = fc_now_ms() + timeout_ms;
    for (;;) {
        long long left = deadline - fc_now_ms();
        if (left <= 0)
            return true;
        pfa_msg_t *msg = NULL;
        if (fc_recv(fc, (int) left, &msg) != 0)
            return true;
        bool heartbeat = msg->cmd == PFA_HEARTBEAT;
        pfa_msg_destroy(&msg);
        if (!heartbeat)
            return false;
    }
}

/*  Sends msg to the last peer heard from.                                  */
static inline void
fc_send(fc_t *fc, const pfa_msg_t *msg)
{
    pf_frame_t rid = { fc->rid, fc->rid_size };
    ck_assert_int_eq(pf_wire_send_pfa(fc->router, &rid, msg), 0);
}

static inline void
fc_welcome(fc_t *fc, uint32_t heartbeat_ms, uint32_t liveness)
{
    pfa_msg_t *msg = pfa_msg_new(PFA_WELCOME);
    msg->heartbeat_ms = heartbeat_ms;
    msg->liveness = liveness;
    fc_send(fc, msg);
    pfa_msg_destroy(&msg);
}

/*  Waits for READY and answers WELCOME.                                   */
static inline void
fc_handshake(fc_t *fc, uint32_t heartbeat_ms, uint32_t liveness)
{
    pfa_msg_t *ready = fc_expect(fc, PFA_READY, 5000);
    pfa_msg_destroy(&ready);
    fc_welcome(fc, heartbeat_ms, liveness);
}

/*  Sends a TASK; inputs (may be NULL) stays the caller's.                  */
static inline void
fc_task(fc_t *fc, uint64_t task_id, const char *module, const char *domain, uint32_t attempt,
        uint32_t timeout_ms, const pf_value_t *inputs)
{
    pfa_msg_t *msg = pfa_msg_new(PFA_TASK);
    msg->task_id = task_id;
    snprintf(msg->job_id, sizeof msg->job_id, "job_%024llx", (unsigned long long) task_id);
    snprintf(msg->module, sizeof msg->module, "%s", module);
    snprintf(msg->domain, sizeof msg->domain, "%s", domain);
    msg->attempt = attempt;
    msg->timeout_ms = timeout_ms;
    uint8_t *data = NULL;
    size_t size = 0;
    if (inputs) {
        ck_assert_int_eq(pf_msgpack_encode(inputs, &data, &size), 0);
        msg->payload = data;
        msg->payload_size = size;
    }
    fc_send(fc, msg);
    msg->payload = NULL;
    free(data);
    pfa_msg_destroy(&msg);
}

/*  Decodes a message's payload (must be present) into a value.             */
static inline pf_value_t *
fc_payload(const pfa_msg_t *msg)
{
    ck_assert_ptr_nonnull(msg->payload);
    pf_value_t *v = NULL;
    ck_assert_int_eq(pf_msgpack_decode(msg->payload, msg->payload_size, &PF_LIMITS_PAYLOAD, &v),
                     0);
    return v;
}

#endif
