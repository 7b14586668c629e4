/*  pf_pfp.h — codec for PFP/1, the client protocol (docs/PROTOCOL.md).

    A request is  [empty][ "PFP/1" ][ COMMAND ][ body: msgpack map ]  after the
    ROUTER's routing-id frame.  pfp_request_decode() checks framing, version,
    command, body types, lengths and unknown keys, and on failure fills a
    pfp_error_t with the protocol's error code and a message for people.
    Semantic checks that need server state (domain validity, module names,
    api keys, job ids) are the coordinator's.                                */
#ifndef PF_PFP_H
#define PF_PFP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_frame.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PFP_VERSION "PFP/1"
#define PFP_REQ_ID_MAX 64          /* bytes in req_id                       */
#define PFP_ID_MAX 64              /* bytes in job_id / batch_id / keys     */
#define PFP_DOMAIN_MAX 253         /* bytes in a domain name (ASCII form)  */
#define PFP_DOMAIN_IN_MAX 1024     /* bytes accepted before IDNA/validation */
#define PFP_BODY_MAX (4u << 20)    /* bytes in one request body             */
#define PFP_BATCH_HARD_MAX 100000  /* domains in one BATCH (codec cap; the
                                      coordinator's configured cap is lower) */
#define PFP_MODULES_MAX 64         /* names in one modules array            */

typedef enum {
    PFP_PING = 0,
    PFP_ENRICH,
    PFP_BATCH,
    PFP_STATUS,
    PFP_RESULTS,
    PFP_CANCEL,
    PFP_CMD_COUNT
} pfp_cmd_t;

typedef enum {
    PFP_PRIORITY_HIGH = 0,
    PFP_PRIORITY_DEFAULT = 1,
    PFP_PRIORITY_LOW = 2,
    PFP_PRIORITY_COUNT = 3
} pfp_priority_t;

/*  A decoded request.  Strings are owned NUL-terminated copies (NUL bytes
    inside strings are rejected); absent optional fields are NULL / 0 /
    their documented default.                                               */
typedef struct {
    pfp_cmd_t cmd;                 /* the command                           */
    char req_id[PFP_REQ_ID_MAX + 1]; /* echoed in the reply                 */
    char *domain;                  /* ENRICH: as sent, not yet validated    */
    char **domains;                /* BATCH: as sent                        */
    size_t domain_count;           /* BATCH: entries in domains (>= 1)      */
    char **modules;                /* ENRICH/BATCH: names; NULL = all       */
    size_t module_count;           /* entries in modules                    */
    pfp_priority_t priority;       /* default PFP_PRIORITY_DEFAULT          */
    bool async;                    /* ENRICH: default true                  */
    uint32_t max_concurrency;      /* BATCH: default 10, >= 1               */
    char *api_key;                 /* ENRICH/BATCH: optional                */
    char *idempotency_key;         /* ENRICH: optional                      */
    char *job_id;                  /* STATUS/RESULTS/CANCEL                 */
    char *batch_id;                /* STATUS/CANCEL (exclusive with job_id) */
    bool include_partial;          /* RESULTS: default false                */
} pfp_request_t;

/*  Why a request was refused.  code is one of the protocol's error codes
    ("bad_request", "unsupported_version", ...) as a static string.         */
typedef struct {
    const char *code;                /* static protocol error code          */
    char message[256];               /* for people                          */
    char req_id[PFP_REQ_ID_MAX + 1]; /* echoed when it could be read, else "" */
} pfp_error_t;

/*  Decodes frames (everything after the routing-id frame: the empty
    delimiter, version, command, body).  Returns 0 and sets *req_p (caller
    owns), or a negative PF_E* code with *err filled.                       */
int pfp_request_decode(const pf_frame_t *frames, size_t count,
                       pfp_request_t **req_p, pfp_error_t *err);

void pfp_request_destroy(pfp_request_t **req_p);

/*  Frames pfp_request_encode produces: version, command, body.             */
#define PFP_REQUEST_ENCODED_FRAMES 3

/*  Encodes req as what a client sends after the empty delimiter frame:
    frames[0] = PFP_VERSION and frames[1] = the command name (both static
    strings), frames[2] = the msgpack body map in a new buffer *body_p that
    the caller frees with free() once the frames are sent.  The body holds
    req_id, every string and list field that is set (non-NULL), and the
    command's flags and numbers always (priority, async, max_concurrency,
    include_partial), so pfp_request_decode of [""] + frames gives req back
    (modules naming only "all" come back as NULL, which means the same).
    Returns 0, or PF_EINVAL for a request pfp_request_decode would refuse
    (a required field missing, a field the command does not take, a length
    or count out of bounds); then nothing is allocated or written.         */
int pfp_request_encode(const pfp_request_t *req,
                       pf_frame_t frames[PFP_REQUEST_ENCODED_FRAMES], uint8_t **body_p);

/*  Command name ("ENRICH") of a command, and the reverse (-1 if unknown).  */
const char *pfp_cmd_name(pfp_cmd_t cmd);
int pfp_cmd_from_name(const char *name, size_t len);

const char *pfp_priority_name(pfp_priority_t priority);
int pfp_priority_from_name(const char *name);  /* -1 if unknown           */

/*  Builds the body of an ERROR reply: {req_id, code, message}.             */
pf_value_t *pfp_error_body(const char *req_id, const char *code, const char *message);

/*  Decodes a reply on the client side: frames after the delimiter are
    [ "PFP/1" ][ COMMAND ][ body ].  On success *command receives the
    command (NUL-terminated, at most 15 bytes) and *body_p the body map.     */
int pfp_reply_decode(const pf_frame_t *frames, size_t count, char command[16],
                     pf_value_t **body_p);

#ifdef __cplusplus
}
#endif
#endif
