/*  pf_pfa.h — codec for PFA/1, the internal actor protocol (docs/PROTOCOL-INTERNAL.md).

    Between an actor's DEALER and the coordinator's actor ROUTER every
    message is, after the routing-id frame on the ROUTER side:

        [ "PFA/1" ][ COMMAND ][ header: msgpack map ][ payload: msgpack ]?

    The header carries the fixed fields of the command below; the optional
    payload frame carries data the coordinator passes along without
    decoding it (task inputs, module results, call arguments and replies,
    tap event bodies).  Decoding checks the payload is one well-formed
    msgpack value (pf_msgpack_check, PF_LIMITS_PAYLOAD) but does not build
    it.  Unknown header keys are ignored (forward compatibility inside one
    deployment); missing or mistyped known keys are errors.

    command     dir   header fields                               payload
    READY       A->C  service, instance, capacity, pid, host      -
    WELCOME     C->A  heartbeat_ms, liveness                      -
    HEARTBEAT   both  -                                           -
    TASK        C->A  task_id, job_id, module, domain, attempt,   inputs map
                      timeout_ms
    RESULT      A->C  task_id, job_id, module, attempt, ok,       result map
                      duration_ms, error_code?, error_message?    (if ok)
    CALL        A->C  call_id, service, op, timeout_ms            args map
                C->A  (same; call_id is the coordinator's)
    REPLY       A->C  call_id, ok, error_code?, error_message?    reply map
                C->A  (same; call_id is the caller's)             (if ok)
    EVENT       A->C  topic                                       body map
    DRAIN       A->C  -  (send me no more work; I finish what I hold, then
                      DISCONNECT; whatever I still hold then is re-dispatched)
    DISCONNECT  both  reason                                      -

    Liveness: any message from a peer proves it alive.  Each side sends
    HEARTBEAT every heartbeat_ms; a peer silent for liveness * heartbeat_ms is
    dead.  The coordinator answers any message but READY from a peer it does
    not know (it declared it dead, or restarted) with DISCONNECT
    {reason:"unknown_peer"}; the actor then reconnects and sends READY again.
    Credit: an instance never holds more TASKs plus CALLs than its capacity.  */
#ifndef PF_PFA_H
#define PF_PFA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PFA_VERSION "PFA/1"
#define PFA_NAME_MAX 64        /* bytes in service, module, op, topic       */
#define PFA_INSTANCE_MAX 128   /* bytes in an instance id                    */
#define PFA_HOST_MAX 255       /* bytes in a host name                       */
#define PFA_ERROR_MAX 512      /* bytes in error_message                     */
#define PFA_PAYLOAD_MAX (16u << 20) /* bytes in one payload frame            */
#define PFA_CAPACITY_MAX 4096  /* credit one instance may advertise          */

typedef enum {
    PFA_READY = 0,
    PFA_WELCOME,
    PFA_HEARTBEAT,
    PFA_TASK,
    PFA_RESULT,
    PFA_CALL,
    PFA_REPLY,
    PFA_EVENT,
    PFA_DRAIN,
    PFA_DISCONNECT,
    PFA_CMD_COUNT
} pfa_cmd_t;

/*  One message.  String fields are NUL-terminated; a decoded message owns
    payload (a malloc'ed copy).  For encoding, set the fields the command
    uses and point payload at caller-owned bytes (not freed by encode).     */
typedef struct {
    pfa_cmd_t cmd;                        /* the command                      */
    char service[PFA_NAME_MAX + 1];       /* READY, CALL                      */
    char instance[PFA_INSTANCE_MAX + 1];  /* READY                            */
    char host[PFA_HOST_MAX + 1];          /* READY                            */
    uint32_t capacity;                    /* READY: 1..PFA_CAPACITY_MAX       */
    int64_t pid;                          /* READY                            */
    uint32_t heartbeat_ms;                /* WELCOME                          */
    uint32_t liveness;                    /* WELCOME: missed beats = dead     */
    uint64_t task_id;                     /* TASK, RESULT                     */
    char job_id[PFA_NAME_MAX + 1];        /* TASK, RESULT                     */
    char module[PFA_NAME_MAX + 1];        /* TASK, RESULT                     */
    char domain[256];                     /* TASK                             */
    uint32_t attempt;                     /* TASK, RESULT: 1, 2, ...          */
    uint32_t timeout_ms;                  /* TASK, CALL                       */
    uint64_t call_id;                     /* CALL, REPLY                      */
    char op[PFA_NAME_MAX + 1];            /* CALL                             */
    bool ok;                              /* RESULT, REPLY                    */
    uint32_t duration_ms;                 /* RESULT                           */
    char error_code[PFA_NAME_MAX + 1];    /* RESULT, REPLY when !ok           */
    char error_message[PFA_ERROR_MAX + 1];/* RESULT, REPLY when !ok           */
    char topic[PFA_NAME_MAX + 1];         /* EVENT                            */
    char reason[PFA_NAME_MAX + 1];        /* DISCONNECT                       */
    void *payload;                        /* msgpack bytes or NULL            */
    size_t payload_size;                  /* bytes in payload                 */
} pfa_msg_t;

/*  Decodes frames (after any routing id).  Returns 0 and sets *msg_p
    (caller owns; free with pfa_msg_destroy), or PF_EPROTO / PF_EVERSION /
    PF_EUNKNOWN / PF_ETYPE / PF_EMISSING / PF_ETOOBIG, or PF_EDEPTH /
    PF_ETRAILING as pf_msgpack_decode reports them for the header.          */
int pfa_decode(const pf_frame_t *frames, size_t count, pfa_msg_t **msg_p);

/*  Encodes msg's header into a new buffer (caller frees with free()).
    The frames to send are then: PFA_VERSION, pfa_cmd_name(msg->cmd), the
    header, and msg->payload if payload_size > 0.                           */
int pfa_encode_header(const pfa_msg_t *msg, uint8_t **data_p, size_t *size_p);

/*  Returns a zeroed message of the given command (caller owns).            */
pfa_msg_t *pfa_msg_new(pfa_cmd_t cmd);
void pfa_msg_destroy(pfa_msg_t **msg_p);   /* frees payload too            */

const char *pfa_cmd_name(pfa_cmd_t cmd);
int pfa_cmd_from_name(const char *name, size_t len);  /* -1 if unknown     */

#ifdef __cplusplus
}
#endif
#endif
