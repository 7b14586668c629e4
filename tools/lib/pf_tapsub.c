/*  pf_tapsub.c — tap subscriber (see pf_tapsub.h).                        */
#include "pf_tapsub.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_wire.h"

struct pf_tapsub_t {
    void *ctx;        /* the subscriber's own ZeroMQ context                */
    void *socket;     /* SUB connected to the tap                           */
    size_t skipped;   /* malformed events dropped so far                    */
};

pf_tapsub_t *
pf_tapsub_new(const char *endpoint, const char *prefix)
{
    if (!endpoint || !*endpoint)
        return NULL;
    void *ctx = zmq_ctx_new();
    if (!ctx)
        return NULL;
    void *socket = zmq_socket(ctx, ZMQ_SUB);
    if (!socket) {
        zmq_ctx_term(ctx);
        return NULL;
    }
    const char *p = prefix ? prefix : "";
    if (pf_wire_setup(socket, PF_DEFAULT_MAX_MSG_BYTES, PF_DEFAULT_TAP_HWM) != PF_OK
        || zmq_setsockopt(socket, ZMQ_SUBSCRIBE, p, strlen(p)) != 0
        || zmq_connect(socket, endpoint) != 0) {
        zmq_close(socket);
        zmq_ctx_term(ctx);
        return NULL;
    }
    pf_tapsub_t *self = pf_calloc(1, sizeof *self);
    self->ctx = ctx;
    self->socket = socket;
    return self;
}

void
pf_tapsub_destroy(pf_tapsub_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_tapsub_t *self = *self_p;
    zmq_close(self->socket);
    zmq_ctx_term(self->ctx);
    free(self);
    *self_p = NULL;
}

int
pf_tapsub_subscribe(pf_tapsub_t *self, const char *prefix)
{
    if (!self)
        return PF_EINVAL;
    const char *p = prefix ? prefix : "";
    return zmq_setsockopt(self->socket, ZMQ_SUBSCRIBE, p, strlen(p)) == 0 ? PF_OK : PF_EIO;
}

/*  Turns one received message into topic + map; PF_EPROTO if it is not
    exactly [topic][msgpack map] with a topic that fits.                    */
static int
s_decode(pf_wire_msg_t *msg, char topic[PF_TAPSUB_TOPIC_MAX + 1], pf_value_t **event_p)
{
    pf_frame_t frames[2];
    if (msg->count != 2 || pf_wire_frames(msg, 0, frames, 2) != 2)
        return PF_EPROTO;
    if (frames[0].size == 0 || frames[0].size > PF_TAPSUB_TOPIC_MAX
        || memchr(frames[0].data, '\0', frames[0].size))
        return PF_EPROTO;
    pf_value_t *body = NULL;
    if (pf_msgpack_decode(frames[1].data, frames[1].size, &PF_LIMITS_PAYLOAD, &body) != PF_OK)
        return PF_EPROTO;
    if (!pf_value_is(body, PF_MAP)) {
        pf_value_destroy(&body);
        return PF_EPROTO;
    }
    memcpy(topic, frames[0].data, frames[0].size);
    topic[frames[0].size] = '\0';
    *event_p = body;
    return PF_OK;
}

int
pf_tapsub_recv(pf_tapsub_t *self, int timeout_ms, char topic[PF_TAPSUB_TOPIC_MAX + 1],
               pf_value_t **event_p)
{
    if (!self || !topic || !event_p)
        return PF_EINVAL;
    int64_t deadline = timeout_ms < 0 ? -1 : pf_clock_mono_ms() + timeout_ms;
    for (;;) {
        pf_wire_msg_t msg;
        if (pf_wire_recv(self->socket, &msg, ZMQ_DONTWAIT) == PF_OK) {
            int rc = s_decode(&msg, topic, event_p);
            pf_wire_msg_close(&msg);
            if (rc == PF_OK)
                return PF_OK;
            self->skipped++;
            continue;
        }
        if (errno != EAGAIN)
            return PF_EIO;
        long wait = -1;
        if (deadline >= 0) {
            int64_t left = deadline - pf_clock_mono_ms();
            if (left <= 0)
                return PF_ETIMEDOUT;
            wait = (long)left;
        }
        zmq_pollitem_t item = { self->socket, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, 1, wait) < 0)
            return PF_EIO;
    }
}

size_t
pf_tapsub_skipped(const pf_tapsub_t *self)
{
    return self ? self->skipped : 0;
}

void *
pf_tapsub_socket(pf_tapsub_t *self)
{
    return self ? self->socket : NULL;
}
