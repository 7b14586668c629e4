/*  pf_frame.h — a borrowed view of one message frame.  Codecs in proto/ read
    and write frames through this type so they stay independent of sockets. */
#ifndef PF_FRAME_H
#define PF_FRAME_H

#include <stddef.h>

typedef struct {
    const void *data;   /* frame bytes, not owned                           */
    size_t size;        /* byte count                                       */
} pf_frame_t;

#endif
