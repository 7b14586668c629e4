/*  fuzz_pfa.c — libFuzzer harness for the PFA/1 codec (proto/pf_pfa.c),
    which decodes every message between the coordinator and its actors.

    The input is cut into frames (fuzz_util.h: each frame a 2-byte
    big-endian length and its bytes): [version][command][header][payload]?.
      - A refusal is one of the codes pf_pfa.h lists and leaves no message.
      - An accepted message re-encodes (pfa_encode_header), the frames
        [version][command name][header][payload if any] decode to the same
        message field by field and payload byte by byte, and encoding that
        gives the same header bytes again.                                  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "pf_error.h"
#include "pf_pfa.h"

/*  Field-by-field comparison of two decoded messages.                      */
static void
s_expect_same(const pfa_msg_t *a, const pfa_msg_t *b)
{
    FUZZ_CHECK(a->cmd == b->cmd, "cmd");
    FUZZ_CHECK(strcmp(a->service, b->service) == 0, "service");
    FUZZ_CHECK(strcmp(a->instance, b->instance) == 0, "instance");
    FUZZ_CHECK(strcmp(a->host, b->host) == 0, "host");
    FUZZ_CHECK(a->capacity == b->capacity, "capacity");
    FUZZ_CHECK(a->pid == b->pid, "pid");
    FUZZ_CHECK(a->heartbeat_ms == b->heartbeat_ms, "heartbeat_ms");
    FUZZ_CHECK(a->liveness == b->liveness, "liveness");
    FUZZ_CHECK(a->task_id == b->task_id, "task_id");
    FUZZ_CHECK(strcmp(a->job_id, b->job_id) == 0, "job_id");
    FUZZ_CHECK(strcmp(a->module, b->module) == 0, "module");
    FUZZ_CHECK(strcmp(a->domain, b->domain) == 0, "domain");
    FUZZ_CHECK(a->attempt == b->attempt, "attempt");
    FUZZ_CHECK(a->timeout_ms == b->timeout_ms, "timeout_ms");
    FUZZ_CHECK(a->call_id == b->call_id, "call_id");
    FUZZ_CHECK(strcmp(a->op, b->op) == 0, "op");
    FUZZ_CHECK(a->ok == b->ok, "ok");
    FUZZ_CHECK(a->duration_ms == b->duration_ms, "duration_ms");
    FUZZ_CHECK(strcmp(a->error_code, b->error_code) == 0, "error_code");
    FUZZ_CHECK(strcmp(a->error_message, b->error_message) == 0, "error_message");
    FUZZ_CHECK(strcmp(a->topic, b->topic) == 0, "topic");
    FUZZ_CHECK(strcmp(a->reason, b->reason) == 0, "reason");
    FUZZ_CHECK(fuzz_same_bytes(a->payload, a->payload_size, b->payload, b->payload_size),
               "payload");
}

/*  Is rc one of the refusals pf_pfa.h documents for pfa_decode?          */
static int
s_documented(int rc)
{
    return rc == PF_EPROTO || rc == PF_EVERSION || rc == PF_EUNKNOWN || rc == PF_ETYPE
           || rc == PF_EMISSING || rc == PF_ETOOBIG
           /*  msgpack refusals of the header pass through as they are.    */
           || rc == PF_EDEPTH || rc == PF_ETRAILING;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_frames_t in;
    fuzz_frames_split(data, size, &in);
    pfa_msg_t *msg = NULL;
    int rc = pfa_decode(in.frames, in.count, &msg);
    if (rc != 0) {
        FUZZ_CHECK(s_documented(rc), "undocumented refusal %s", pf_strerror(rc));
        FUZZ_CHECK(msg == NULL, "refusal left a message");
        fuzz_frames_free(&in);
        return 0;
    }
    FUZZ_CHECK((unsigned) msg->cmd < PFA_CMD_COUNT, "command out of range");
    FUZZ_CHECK((msg->payload != NULL) == (msg->payload_size > 0), "payload and its size");

    uint8_t *header = NULL;
    size_t header_size = 0;
    rc = pfa_encode_header(msg, &header, &header_size);
    FUZZ_CHECK(rc == 0, "encode refused a decoded message: %s", pf_strerror(rc));
    const char *name = pfa_cmd_name(msg->cmd);
    pf_frame_t frames[4] = {
        { PFA_VERSION, strlen(PFA_VERSION) },
        { name, strlen(name) },
        { header, header_size },
        { msg->payload, msg->payload_size },
    };
    pfa_msg_t *again = NULL;
    rc = pfa_decode(frames, msg->payload_size ? 4 : 3, &again);
    FUZZ_CHECK(rc == 0, "re-decode refused: %s", pf_strerror(rc));
    s_expect_same(msg, again);

    uint8_t *header2 = NULL;
    size_t header2_size = 0;
    FUZZ_CHECK(pfa_encode_header(again, &header2, &header2_size) == 0, "second encode refused");
    FUZZ_CHECK(fuzz_same_bytes(header, header_size, header2, header2_size),
               "header encoding is not a fixed point");
    free(header);
    free(header2);
    pfa_msg_destroy(&again);
    pfa_msg_destroy(&msg);
    fuzz_frames_free(&in);
    return 0;
}
