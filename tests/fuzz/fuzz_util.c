/*  fuzz_util.c — frame splitting and comparisons for the fuzz harnesses
    (see fuzz_util.h).                                                        */
#include "fuzz_util.h"

#include <string.h>

void
fuzz_frames_split(const uint8_t *data, size_t size, fuzz_frames_t *out)
{
    memset(out, 0, sizeof *out);
    size_t at = 0;
    while (out->count < FUZZ_FRAMES_MAX && size - at >= FUZZ_FRAME_LEN_BYTES) {
        size_t len = ((size_t) data[at] << 8) | data[at + 1];
        at += FUZZ_FRAME_LEN_BYTES;
        if (len > size - at)
            len = size - at;
        /*  malloc(0) gives a distinct pointer that owns no bytes (under
            ASan), so even reading the first byte of an empty frame is
            caught; a libc may return NULL for it, then take one byte.      */
        void *copy = malloc(len);
        if (!copy && len == 0)
            copy = malloc(1);
        FUZZ_CHECK(copy != NULL, "out of memory");
        if (len)
            memcpy(copy, data + at, len);
        out->frames[out->count].data = copy;
        out->frames[out->count].size = len;
        out->count++;
        at += len;
    }
}

void
fuzz_frames_free(fuzz_frames_t *frames)
{
    for (size_t i = 0; i < frames->count; i++)
        free((void *) frames->frames[i].data);
    memset(frames, 0, sizeof *frames);
}

int
fuzz_same_bytes(const void *a, size_t a_size, const void *b, size_t b_size)
{
    return a_size == b_size && (a_size == 0 || memcmp(a, b, a_size) == 0);
}

int
fuzz_same_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}
