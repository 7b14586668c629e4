/*  pf_wire.h — multipart send and receive on raw libzmq sockets.

    Shared by the coordinator, the actor runtime and the client library so
    that framing lives in one place.  A received message is kept as zmq_msg_t
    parts (no copies); frames beyond PF_WIRE_MAX_FRAMES are drained and
    counted, so an over-long message is reported, never half-read.          */
#ifndef PF_WIRE_H
#define PF_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <zmq.h>

#include "pf_frame.h"
#include "pf_pfa.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_WIRE_MAX_FRAMES 8

typedef struct {
    zmq_msg_t parts[PF_WIRE_MAX_FRAMES]; /* the first frames, owned        */
    size_t kept;                         /* parts initialised              */
    size_t count;                        /* frames in the message (>= kept) */
} pf_wire_msg_t;

/*  Receives one whole multipart message.  flags: 0 or ZMQ_DONTWAIT.
    Returns 0, or PF_EIO with errno set (EAGAIN when nothing is waiting,
    ETERM/EINTR as libzmq reports).  On success call pf_wire_msg_close().   */
int pf_wire_recv(void *socket, pf_wire_msg_t *msg, int flags);

/*  Frames of msg from index `first` on, as borrowed views into out (at most
    out_max).  Returns the number written.                                   */
size_t pf_wire_frames(pf_wire_msg_t *msg, size_t first, pf_frame_t *out, size_t out_max);

void pf_wire_msg_close(pf_wire_msg_t *msg);

/*  Sends count frames as one message.  If rid is non-NULL it is sent first
    (ROUTER routing id); if delimiter is true an empty frame follows it.
    Never blocks (ZMQ_DONTWAIT): returns PF_EIO with errno EAGAIN when the
    peer's pipe is full, EHOSTUNREACH when a ROUTER_MANDATORY peer is gone.  */
int pf_wire_send(void *socket, const pf_frame_t *rid, bool delimiter,
                 const pf_frame_t *frames, size_t count);

/*  The frames of a PFA/1 message after any routing id: version, command,
    header and (if any) payload.  frames[] must hold PF_WIRE_PFA_FRAMES; they
    point into msg and into *header, which the call allocates (free() it
    when the frames are used).  Returns the frame count, or a negative
    PF_E* code when the header cannot be encoded.                            */
#define PF_WIRE_PFA_FRAMES 4
int pf_wire_pfa_frames(const pfa_msg_t *msg, uint8_t **header, pf_frame_t *frames);

/*  Sends a PFA/1 message (see pf_pfa.h) with optional routing id.          */
int pf_wire_send_pfa(void *socket, const pf_frame_t *rid, const pfa_msg_t *msg);

/*  Sends a PFP/1 message: [rid][empty]["PFP/1"][command][body].  rid NULL
    for a DEALER client (the empty delimiter is still sent).                 */
int pf_wire_send_pfp(void *socket, const pf_frame_t *rid, const char *command,
                     const pf_value_t *body);

/*  Applies the common options: LINGER 0, MAXMSGSIZE, SNDHWM/RCVHWM.
    Returns 0 or PF_EIO.                                                     */
int pf_wire_setup(void *socket, long long max_msg_bytes, int hwm);

#ifdef __cplusplus
}
#endif
#endif
