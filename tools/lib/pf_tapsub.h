/*  pf_tapsub.h — a subscriber to the coordinator's monitoring tap.

    The tap is a PUB socket; each event is two frames, the topic and a
    msgpack map (docs/PROTOCOL.md).  A tap subscriber connects a SUB
    socket, subscribes to topic prefixes and hands out events one at a
    time as topic + decoded map.  Events that do not have that shape are
    skipped and counted, never returned.

    PUB/SUB drops: a subscription takes effect a little after connect, and
    a slow subscriber loses events at the publisher's high-water mark.
    Callers that must not miss state changes poll STATUS as well.           */
#ifndef PF_TAPSUB_H
#define PF_TAPSUB_H

#include <stddef.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_TAPSUB_TOPIC_MAX 128   /* bytes in a topic (longer: skipped)     */

typedef struct pf_tapsub_t pf_tapsub_t;

/*  Connects a SUB socket to endpoint and subscribes to prefix ("" or NULL
    for every topic).  Returns NULL if the endpoint is malformed or a
    socket cannot be created.                                                */
pf_tapsub_t *pf_tapsub_new(const char *endpoint, const char *prefix);

/*  Closes the socket and context; accepts NULL; nulls *self_p.             */
void pf_tapsub_destroy(pf_tapsub_t **self_p);

/*  Adds one more topic prefix.  Returns 0 or PF_EIO.                       */
int pf_tapsub_subscribe(pf_tapsub_t *self, const char *prefix);

/*  Receives the next well-formed event, waiting at most timeout_ms (0: do
    not wait; negative: forever).  On success returns 0, copies the topic
    (NUL-terminated) into topic and sets *event_p to the body map (caller
    owns).  Errors: PF_ETIMEDOUT, PF_EINVAL (bad arguments), PF_EIO (errno
    EINTR when a signal interrupted the wait).                               */
int pf_tapsub_recv(pf_tapsub_t *self, int timeout_ms, char topic[PF_TAPSUB_TOPIC_MAX + 1],
                   pf_value_t **event_p);

/*  Events skipped because they were malformed, since creation.             */
size_t pf_tapsub_skipped(const pf_tapsub_t *self);

/*  The SUB socket, for zmq_poll() next to other sockets.  Do not read it
    directly.                                                                */
void *pf_tapsub_socket(pf_tapsub_t *self);

#ifdef __cplusplus
}
#endif
#endif
