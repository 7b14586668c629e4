/*  pf_client.c — PFP/1 client over a DEALER socket (see pf_client.h).     */
#include "pf_client.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_wire.h"

struct pf_client_t {
    void *ctx;        /* the client's own ZeroMQ context                    */
    void *socket;     /* DEALER connected to endpoint                       */
    char *endpoint;   /* as given to pf_client_new                          */
};

/*  A deadline from a timeout: negative timeouts mean "never" (-1).         */
static int64_t
s_deadline(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : pf_clock_mono_ms() + timeout_ms;
}

/*  Milliseconds left before deadline as zmq_poll wants them: -1 forever,
    0 when it has passed.                                                    */
static long
s_remaining(int64_t deadline)
{
    if (deadline < 0)
        return -1;
    int64_t left = deadline - pf_clock_mono_ms();
    return left > 0 ? (long)left : 0;
}

pf_client_t *
pf_client_new(const char *endpoint)
{
    if (!endpoint || !*endpoint)
        return NULL;
    void *ctx = zmq_ctx_new();
    if (!ctx)
        return NULL;
    void *socket = zmq_socket(ctx, ZMQ_DEALER);
    if (!socket) {
        zmq_ctx_term(ctx);
        return NULL;
    }
    if (pf_wire_setup(socket, PF_DEFAULT_MAX_MSG_BYTES, PF_DEFAULT_SNDHWM) != PF_OK
        || zmq_connect(socket, endpoint) != 0) {
        zmq_close(socket);
        zmq_ctx_term(ctx);
        return NULL;
    }
    pf_client_t *self = pf_calloc(1, sizeof *self);
    self->ctx = ctx;
    self->socket = socket;
    self->endpoint = pf_strdup(endpoint);
    return self;
}

void
pf_client_destroy(pf_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_client_t *self = *self_p;
    zmq_close(self->socket);
    zmq_ctx_term(self->ctx);
    free(self->endpoint);
    free(self);
    *self_p = NULL;
}

void
pf_client_new_req_id(char out[PFP_REQ_ID_MAX + 1])
{
    /*  A per-process random tag plus a counter: unique in the process by
        the counter, and unlikely to repeat across processes that talk to
        the same coordinator (which helps when reading its logs).           */
    static atomic_uint_fast64_t counter;
    static atomic_uint_fast32_t tag;
    uint_fast32_t t = atomic_load(&tag);
    if (t == 0) {
        uint_fast32_t fresh;
        if (sodium_init() >= 0)
            fresh = randombytes_random();
        else
            fresh = (uint_fast32_t)time(NULL) ^ (uint_fast32_t)getpid();
        fresh = (fresh & 0xffffffffu) | 1u;  /* 0 means "not yet chosen"    */
        uint_fast32_t expected = 0;
        atomic_compare_exchange_strong(&tag, &expected, fresh);
        t = atomic_load(&tag);
    }
    unsigned long long n = (unsigned long long)atomic_fetch_add(&counter, 1) + 1;
    snprintf(out, PFP_REQ_ID_MAX + 1, "r%lx-%08lx-%llu", (unsigned long)getpid(),
             (unsigned long)t, n);
}

/*  Checks command and body, and makes sure body carries a string req_id
    (generating one when absent); copies it into req_id.                    */
static int
s_prepare(const char *command, pf_value_t *body, char req_id[PFP_REQ_ID_MAX + 1])
{
    if (!command || !*command || strlen(command) >= PF_CLIENT_CMD_MAX)
        return PF_EINVAL;
    if (!pf_value_is(body, PF_MAP))
        return PF_EINVAL;
    size_t len = 0;
    const char *given = pf_value_as_str(pf_map_get(body, "req_id"), &len);
    if (given) {
        if (len == 0 || len > PFP_REQ_ID_MAX || strlen(given) != len)
            return PF_EINVAL;
        memcpy(req_id, given, len + 1);
        return PF_OK;
    }
    pf_client_new_req_id(req_id);
    pf_map_set_str(body, "req_id", req_id);
    return PF_OK;
}

/*  Sends one request, waiting for room in the queue until deadline.       */
static int
s_send(pf_client_t *self, const char *command, const pf_value_t *body, int64_t deadline)
{
    for (;;) {
        int rc = pf_wire_send_pfp(self->socket, NULL, command, body);
        if (rc != PF_EIO || errno != EAGAIN)
            return rc;
        long wait = s_remaining(deadline);
        if (wait == 0)
            return PF_ETIMEDOUT;
        zmq_pollitem_t item = { self->socket, 0, ZMQ_POLLOUT, 0 };
        if (zmq_poll(&item, 1, wait) < 0)
            return PF_EIO;
    }
}

/*  Receives and decodes the next reply, waiting until deadline.           */
static int
s_recv(pf_client_t *self, int64_t deadline, char command[PF_CLIENT_CMD_MAX],
       pf_value_t **reply_p)
{
    pf_wire_msg_t msg;
    for (;;) {
        if (pf_wire_recv(self->socket, &msg, ZMQ_DONTWAIT) == PF_OK)
            break;
        if (errno != EAGAIN)
            return PF_EIO;
        long wait = s_remaining(deadline);
        if (wait == 0)
            return PF_ETIMEDOUT;
        zmq_pollitem_t item = { self->socket, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, 1, wait) < 0)
            return PF_EIO;
    }
    /*  A DEALER sees [empty][PFP/1][COMMAND][body]: the ROUTER's routing id
        was consumed on the way.                                             */
    int rc = PF_EPROTO;
    pf_frame_t frames[PF_WIRE_MAX_FRAMES];
    size_t n = pf_wire_frames(&msg, 0, frames, PF_WIRE_MAX_FRAMES);
    if (msg.count == n && n >= 2 && frames[0].size == 0) {
        char cmd[PF_CLIENT_CMD_MAX];
        pf_value_t *body = NULL;
        if (pfp_reply_decode(frames + 1, n - 1, cmd, &body) == PF_OK) {
            if (pf_value_is(body, PF_MAP)) {
                memcpy(command, cmd, PF_CLIENT_CMD_MAX);
                command[PF_CLIENT_CMD_MAX - 1] = '\0';
                *reply_p = body;
                rc = PF_OK;
            } else {
                pf_value_destroy(&body);
            }
        }
    }
    pf_wire_msg_close(&msg);
    return rc;
}

int
pf_client_send(pf_client_t *self, const char *command, pf_value_t *body, int timeout_ms,
               char req_id[PFP_REQ_ID_MAX + 1])
{
    if (!self)
        return PF_EINVAL;
    pf_value_t *empty = body ? NULL : pf_value_map();
    char rid[PFP_REQ_ID_MAX + 1];
    int rc = s_prepare(command, body ? body : empty, rid);
    if (rc == PF_OK)
        rc = s_send(self, command, body ? body : empty, s_deadline(timeout_ms));
    if (rc == PF_OK && req_id)
        memcpy(req_id, rid, sizeof rid);
    int err = errno;
    pf_value_destroy(&empty);
    errno = err;
    return rc;
}

int
pf_client_recv(pf_client_t *self, int timeout_ms, char reply_cmd[PF_CLIENT_CMD_MAX],
               pf_value_t **reply_p)
{
    if (!self || !reply_cmd || !reply_p)
        return PF_EINVAL;
    return s_recv(self, s_deadline(timeout_ms), reply_cmd, reply_p);
}

int
pf_client_request(pf_client_t *self, const char *command, pf_value_t *body, int timeout_ms,
                  char reply_cmd[PF_CLIENT_CMD_MAX], pf_value_t **reply_p)
{
    if (!self || !reply_cmd || !reply_p)
        return PF_EINVAL;
    int64_t deadline = s_deadline(timeout_ms);
    pf_value_t *empty = body ? NULL : pf_value_map();
    pf_value_t *request = body ? body : empty;
    char rid[PFP_REQ_ID_MAX + 1];
    int rc = s_prepare(command, request, rid);
    if (rc == PF_OK)
        rc = s_send(self, command, request, deadline);
    while (rc == PF_OK) {
        char cmd[PF_CLIENT_CMD_MAX];
        pf_value_t *reply = NULL;
        rc = s_recv(self, deadline, cmd, &reply);
        if (rc != PF_OK)
            break;
        const char *got = pf_map_get_str(reply, "req_id");
        bool ours = got && strcmp(got, rid) == 0;
        /*  An ERROR without a readable req_id answers a request the server
            could not parse; with one request outstanding that is ours.     */
        if (!ours && strcmp(cmd, "ERROR") == 0 && (!got || !*got))
            ours = true;
        if (ours) {
            memcpy(reply_cmd, cmd, PF_CLIENT_CMD_MAX);
            *reply_p = reply;
            break;
        }
        /*  A late reply to an earlier request that timed out: skip it.     */
        pf_value_destroy(&reply);
    }
    int err = errno;
    pf_value_destroy(&empty);
    errno = err;
    return rc;
}

void *
pf_client_socket(pf_client_t *self)
{
    return self ? self->socket : NULL;
}

const char *
pf_client_endpoint(const pf_client_t *self)
{
    return self ? self->endpoint : NULL;
}
