/*  pf_client.h — a PFP/1 client over a DEALER socket.

    The client speaks the client protocol (docs/PROTOCOL.md) to the
    coordinator's client endpoint.  Two ways to use it:

    - pf_client_request(): one request, wait for its reply.  Replies whose
      req_id is not this request's (late answers to an earlier request that
      timed out) are discarded while waiting.
    - pf_client_send() + pf_client_recv(): pipelining.  Send any number of
      requests, each with its own req_id, then take replies in the order
      they arrive and match them by the echoed req_id.

    Do not mix the two while pipelined requests are outstanding: a
    synchronous request discards the replies it does not own.

    A client owns its own ZeroMQ context and is used from one thread.
    Every generated req_id is unique within the process.                     */
#ifndef PF_CLIENT_H
#define PF_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_pfp.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_CLIENT_CMD_MAX 16   /* bytes of a reply command, NUL included    */

typedef struct pf_client_t pf_client_t;

/*  Connects a DEALER socket to endpoint ("tcp://host:port", "ipc://..."). The
    connection is made in the background; a server that is not up yet is
    not an error (requests wait for it up to their timeout).  Returns NULL
    when the endpoint is malformed or a socket cannot be created.           */
pf_client_t *pf_client_new(const char *endpoint);

/*  Closes the socket and context; accepts NULL; nulls *self_p.             */
void pf_client_destroy(pf_client_t **self_p);

/*  Writes a fresh req_id (unique in this process) into out.                */
void pf_client_new_req_id(char out[PFP_REQ_ID_MAX + 1]);

/*  Sends command (e.g. "PING") with body and waits for its reply.
    body: borrowed, may be NULL (an empty map is sent); when it has no
    string "req_id" one is generated and set in it.  timeout_ms: total wait
    for sending and the reply; negative waits forever.
    On success returns 0, writes the reply's command ("PONG", "ERROR", ...)
    into reply_cmd and sets *reply_p to the reply body (caller owns).  An
    ERROR reply is a success of this call: the caller reads code/message.
    An ERROR whose req_id is missing or empty is taken as this request's
    (the server could not read the req_id).  Errors:
      PF_ETIMEDOUT  no reply in time (a late reply is discarded later),
      PF_EPROTO     a reply that is not valid PFP/1,
      PF_EINVAL     bad arguments (command empty or too long, body not a map,
                    req_id too long),
      PF_EIO        socket error; errno EINTR if a signal interrupted.      */
int pf_client_request(pf_client_t *self, const char *command, pf_value_t *body,
                      int timeout_ms, char reply_cmd[PF_CLIENT_CMD_MAX],
                      pf_value_t **reply_p);

/*  Pipelining: sends one request without waiting for its reply.  body as
    for pf_client_request (borrowed; req_id added when absent).  If req_id
    is non-NULL it receives the request's req_id.  Waits at most timeout_ms
    (negative: forever) when the socket's queue is full.  Returns 0,
    PF_ETIMEDOUT, PF_EINVAL or PF_EIO.                                       */
int pf_client_send(pf_client_t *self, const char *command, pf_value_t *body,
                   int timeout_ms, char req_id[PFP_REQ_ID_MAX + 1]);

/*  Pipelining: receives the next reply, whichever request it answers (read
    its "req_id").  Waits at most timeout_ms (0: do not wait; negative:
    forever).  On success returns 0 with reply_cmd and *reply_p (caller
    owns) set.  Errors: PF_ETIMEDOUT, PF_EPROTO (a malformed reply was
    received and discarded), PF_EIO (errno EINTR if a signal interrupted). */
int pf_client_recv(pf_client_t *self, int timeout_ms, char reply_cmd[PF_CLIENT_CMD_MAX],
                   pf_value_t **reply_p);

/*  The DEALER socket, for zmq_poll() next to other sockets (ZMQ_POLLIN
    means pf_client_recv(.., 0, ..) will not time out).  Do not read or
    write it directly.                                                       */
void *pf_client_socket(pf_client_t *self);

/*  The endpoint given to pf_client_new (for messages to people).          */
const char *pf_client_endpoint(const pf_client_t *self);

#ifdef __cplusplus
}
#endif
#endif
