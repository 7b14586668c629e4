/*  fuzz_pfp.c — libFuzzer harness for the PFP/1 codec (proto/pf_pfp.c):
    the coordinator's decoder of client requests and the clients' decoder
    of replies.

    The input is cut into frames (fuzz_util.h: each frame a 2-byte
    big-endian length and its bytes).  As a request the frames are what
    follows the routing id: [empty][version][command][body].
      - A refusal has a negative code, a protocol error code, a message,
        and a req_id of at most PFP_REQ_ID_MAX bytes.
      - An accepted request re-encodes (pfp_request_encode), the encoding
        decodes to the same request field by field, and encoding that
        gives the same body bytes again.
    As a reply the frames after the first are [version][command][body]:
      - an accepted reply has an upper-case command and a map body that
        round-trips through the msgpack codec to an equal value.          */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_pfp.h"
#include "pf_value.h"

/*  Are two string lists the same?                                          */
static int
s_same_list(char *const *a, size_t a_count, char *const *b, size_t b_count)
{
    if ((a == NULL) != (b == NULL) || a_count != b_count)
        return 0;
    for (size_t i = 0; i < a_count; i++)
        if (!fuzz_same_str(a[i], b[i]))
            return 0;
    return 1;
}

/*  Field-by-field comparison of two decoded requests.                      */
static void
s_expect_same(const pfp_request_t *a, const pfp_request_t *b)
{
    FUZZ_CHECK(a->cmd == b->cmd, "cmd");
    FUZZ_CHECK(strcmp(a->req_id, b->req_id) == 0, "req_id");
    FUZZ_CHECK(fuzz_same_str(a->domain, b->domain), "domain");
    FUZZ_CHECK(s_same_list(a->domains, a->domain_count, b->domains, b->domain_count),
               "domains");
    FUZZ_CHECK(s_same_list(a->modules, a->module_count, b->modules, b->module_count),
               "modules");
    FUZZ_CHECK(a->priority == b->priority, "priority");
    FUZZ_CHECK(a->async == b->async, "async");
    FUZZ_CHECK(a->max_concurrency == b->max_concurrency, "max_concurrency");
    FUZZ_CHECK(fuzz_same_str(a->api_key, b->api_key), "api_key");
    FUZZ_CHECK(fuzz_same_str(a->idempotency_key, b->idempotency_key), "idempotency_key");
    FUZZ_CHECK(fuzz_same_str(a->job_id, b->job_id), "job_id");
    FUZZ_CHECK(fuzz_same_str(a->batch_id, b->batch_id), "batch_id");
    FUZZ_CHECK(a->include_partial == b->include_partial, "include_partial");
}

/*  Encodes req and decodes it back: [""] + the encoded frames.             */
static void
s_request_round_trip(const pfp_request_t *req)
{
    pf_frame_t frames[1 + PFP_REQUEST_ENCODED_FRAMES] = { { "", 0 } };
    uint8_t *body = NULL;
    int rc = pfp_request_encode(req, frames + 1, &body);
    FUZZ_CHECK(rc == 0, "encode refused a decoded request: %s", pf_strerror(rc));
    pfp_request_t *again = NULL;
    pfp_error_t err;
    rc = pfp_request_decode(frames, 1 + PFP_REQUEST_ENCODED_FRAMES, &again, &err);
    FUZZ_CHECK(rc == 0, "re-decode refused: %s %s", err.code, err.message);
    s_expect_same(req, again);

    pf_frame_t frames2[PFP_REQUEST_ENCODED_FRAMES];
    uint8_t *body2 = NULL;
    FUZZ_CHECK(pfp_request_encode(again, frames2, &body2) == 0, "second encode refused");
    FUZZ_CHECK(fuzz_same_bytes(frames[3].data, frames[3].size, frames2[2].data,
                               frames2[2].size), "encoding is not a fixed point");
    free(body);
    free(body2);
    pfp_request_destroy(&again);
}

static void
s_request(const fuzz_frames_t *in)
{
    pfp_request_t *req = NULL;
    pfp_error_t err;
    int rc = pfp_request_decode(in->frames, in->count, &req, &err);
    if (rc != 0) {
        FUZZ_CHECK(rc < 0 && req == NULL, "refusal %d left a request", rc);
        FUZZ_CHECK(err.code && err.code[0], "refusal without a code");
        FUZZ_CHECK(err.message[0], "refusal without a message");
        FUZZ_CHECK(strnlen(err.req_id, sizeof err.req_id) <= PFP_REQ_ID_MAX,
                   "req_id echo too long");
        return;
    }
    FUZZ_CHECK((unsigned) req->cmd < PFP_CMD_COUNT, "command out of range");
    s_request_round_trip(req);
    pfp_request_destroy(&req);
}

static void
s_reply(const fuzz_frames_t *in)
{
    if (in->count < 1)
        return;
    char command[16];
    pf_value_t *body = NULL;
    int rc = pfp_reply_decode(in->frames + 1, in->count - 1, command, &body);
    if (rc != 0) {
        FUZZ_CHECK(rc < 0 && body == NULL, "refused reply left a body");
        return;
    }
    size_t len = strnlen(command, sizeof command);
    FUZZ_CHECK(len > 0 && len < sizeof command, "command length %zu", len);
    FUZZ_CHECK(strspn(command, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == len, "command '%s'", command);
    FUZZ_CHECK(pf_value_is(body, PF_MAP), "reply body is not a map");
    uint8_t *bytes = NULL;
    size_t size = 0;
    FUZZ_CHECK(pf_msgpack_encode(body, &bytes, &size) == 0, "encode refused a reply body");
    pf_value_t *again = NULL;
    FUZZ_CHECK(pf_msgpack_decode(bytes, size, &PF_LIMITS_PAYLOAD, &again) == 0,
               "re-decode of a reply body failed");
    FUZZ_CHECK(pf_value_equal(body, again), "re-decoded reply body differs");
    free(bytes);
    pf_value_destroy(&again);
    pf_value_destroy(&body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_frames_t in;
    fuzz_frames_split(data, size, &in);
    s_request(&in);
    s_reply(&in);
    fuzz_frames_free(&in);
    return 0;
}
