/*  pf_wire.c — multipart framing on raw libzmq sockets (see pf_wire.h).     */
#include "pf_wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_pfp.h"

int
pf_wire_recv(void *socket, pf_wire_msg_t *msg, int flags)
{
    msg->kept = 0;
    msg->count = 0;
    int more = 1;
    while (more) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        /* Once the first frame is in, the rest of the message is already
           here: zmq delivers multipart messages atomically.                 */
        int rc = zmq_msg_recv(&part, socket, msg->count == 0 ? flags : 0);
        if (rc < 0) {
            int err = errno;
            zmq_msg_close(&part);
            if (msg->count == 0) {
                errno = err;
                return PF_EIO;
            }
            /* Interrupted mid-message: retry the same frame.               */
            if (err == EINTR)
                continue;
            pf_wire_msg_close(msg);
            errno = err;
            return PF_EIO;
        }
        more = zmq_msg_more(&part);
        if (msg->kept < PF_WIRE_MAX_FRAMES) {
            msg->parts[msg->kept++] = part;
        } else {
            zmq_msg_close(&part);
        }
        msg->count++;
    }
    return PF_OK;
}

size_t
pf_wire_frames(pf_wire_msg_t *msg, size_t first, pf_frame_t *out, size_t out_max)
{
    size_t n = 0;
    for (size_t i = first; i < msg->kept && n < out_max; i++, n++) {
        out[n].data = zmq_msg_data(&msg->parts[i]);
        out[n].size = zmq_msg_size(&msg->parts[i]);
    }
    return n;
}

void
pf_wire_msg_close(pf_wire_msg_t *msg)
{
    for (size_t i = 0; i < msg->kept; i++)
        zmq_msg_close(&msg->parts[i]);
    msg->kept = 0;
    msg->count = 0;
}

static int
s_send_one(void *socket, const void *data, size_t size, int more)
{
    int flags = ZMQ_DONTWAIT | (more ? ZMQ_SNDMORE : 0);
    for (;;) {
        if (zmq_send(socket, data, size, flags) >= 0)
            return PF_OK;
        if (errno != EINTR)
            return PF_EIO;
    }
}

int
pf_wire_send(void *socket, const pf_frame_t *rid, bool delimiter,
             const pf_frame_t *frames, size_t count)
{
    /* zmq sends a multipart message atomically once the first frame is
       accepted, so only the first send can fail with EAGAIN/EHOSTUNREACH. */
    size_t total = (rid ? 1 : 0) + (delimiter ? 1 : 0) + count;
    size_t sent = 0;
    if (rid) {
        if (s_send_one(socket, rid->data, rid->size, ++sent < total) != PF_OK)
            return PF_EIO;
    }
    if (delimiter) {
        if (s_send_one(socket, "", 0, ++sent < total) != PF_OK)
            return PF_EIO;
    }
    for (size_t i = 0; i < count; i++) {
        if (s_send_one(socket, frames[i].data, frames[i].size, ++sent < total) != PF_OK)
            return PF_EIO;
    }
    return PF_OK;
}

int
pf_wire_pfa_frames(const pfa_msg_t *msg, uint8_t **header, pf_frame_t *frames)
{
    size_t header_size = 0;
    int rc = pfa_encode_header(msg, header, &header_size);
    if (rc != PF_OK)
        return rc;
    const char *name = pfa_cmd_name(msg->cmd);
    frames[0] = (pf_frame_t){ PFA_VERSION, sizeof PFA_VERSION - 1 };
    frames[1] = (pf_frame_t){ name, strlen(name) };
    frames[2] = (pf_frame_t){ *header, header_size };
    frames[3] = (pf_frame_t){ msg->payload, msg->payload_size };
    return msg->payload_size ? 4 : 3;
}

int
pf_wire_send_pfa(void *socket, const pf_frame_t *rid, const pfa_msg_t *msg)
{
    uint8_t *header = NULL;
    pf_frame_t frames[PF_WIRE_PFA_FRAMES];
    int count = pf_wire_pfa_frames(msg, &header, frames);
    if (count < 0)
        return count;
    int rc = pf_wire_send(socket, rid, false, frames, (size_t)count);
    int err = errno;
    free(header);
    errno = err;
    return rc;
}

int
pf_wire_send_pfp(void *socket, const pf_frame_t *rid, const char *command,
                 const pf_value_t *body)
{
    uint8_t *data = NULL;
    size_t size = 0;
    int rc = pf_msgpack_encode(body, &data, &size);
    if (rc != PF_OK)
        return rc;
    pf_frame_t frames[3] = {
        { PFP_VERSION, sizeof PFP_VERSION - 1 },
        { command, strlen(command) },
        { data, size },
    };
    rc = pf_wire_send(socket, rid, true, frames, 3);
    int err = errno;
    free(data);
    errno = err;
    return rc;
}

int
pf_wire_setup(void *socket, long long max_msg_bytes, int hwm)
{
    int zero = 0;
    if (zmq_setsockopt(socket, ZMQ_LINGER, &zero, sizeof zero) != 0)
        return PF_EIO;
    int64_t max = max_msg_bytes;
    if (zmq_setsockopt(socket, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0)
        return PF_EIO;
    if (zmq_setsockopt(socket, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0)
        return PF_EIO;
    if (zmq_setsockopt(socket, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0)
        return PF_EIO;
    return PF_OK;
}
