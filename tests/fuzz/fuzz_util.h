/*  fuzz_util.h — what the fuzz harnesses of tests/fuzz/ share.

    Harnesses check properties with FUZZ_CHECK, which prints what failed
    and aborts: libFuzzer reports an abort as a crash and saves the input,
    and the regression driver (fuzz_main.c) dies, so its CTest entry fails.

    Multipart messages are cut out of one fuzz input with a length-prefix
    scheme, so that one byte string can stand for any frame list:

        input  = frame*
        frame  = len:2 bytes big-endian, then len bytes of data

    A frame whose length claims more bytes than remain takes what remains;
    a single byte left where a length should start is ignored.  At most
    FUZZ_FRAMES_MAX frames are read (pf_wire refuses longer messages before
    any decoder sees them); bytes after them are ignored.  Each frame is
    copied into its own allocation of exactly its size, so AddressSanitizer
    catches a decoder that reads past the end of a frame.                  */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pf_frame.h"

/*  Most frames one input is cut into: PF_WIRE_MAX_FRAMES (actors/pf_wire.h). */
#define FUZZ_FRAMES_MAX 8

/*  Bytes of the length prefix of one frame.                                  */
#define FUZZ_FRAME_LEN_BYTES 2

/*  Aborts with a message when a property does not hold.                     */
#define FUZZ_CHECK(cond, ...)                                                    \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: ", __FILE__, __LINE__, \
                    #cond);                                                      \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
            abort();                                                             \
        }                                                                        \
    } while (0)

/*  The frames of one input.                                                  */
typedef struct {
    pf_frame_t frames[FUZZ_FRAMES_MAX]; /* views of owned copies              */
    size_t count;                       /* frames in use                      */
} fuzz_frames_t;

/*  Cuts data[0..size) into frames (see above).  Free with fuzz_frames_free. */
void fuzz_frames_split(const uint8_t *data, size_t size, fuzz_frames_t *out);

/*  Frees the copies made by fuzz_frames_split.                              */
void fuzz_frames_free(fuzz_frames_t *frames);

/*  Is a[0..a_size) the same bytes as b[0..b_size)?                          */
int fuzz_same_bytes(const void *a, size_t a_size, const void *b, size_t b_size);

/*  Are two C strings equal, counting two NULLs as equal?                    */
int fuzz_same_str(const char *a, const char *b);

#endif
