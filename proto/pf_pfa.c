/*  pf_pfa.c — codec for PFA/1, the internal actor protocol (see pf_pfa.h).

    Every header field is described once in s_fields (key, type, where it
    lives in pfa_msg_t, its bounds) and every command lists the fields it
    uses in s_commands, so decode, encode and the documentation table in
    pf_pfa.h cannot drift apart field by field.

    Decoding rules beyond pf_pfa.h:
      - integers must be msgpack ints; a value below the field's minimum
        (negative, or 0 where the field starts at 1) is PF_ETYPE, a value
        above its maximum is PF_ETOOBIG;
      - a known key given twice is PF_EPROTO (which one would be meant?);
      - a payload frame on a command that has no payload (READY, WELCOME,
        HEARTBEAT, DRAIN, DISCONNECT) is PF_EPROTO; an empty payload frame
        is PF_EPROTO too (an absent payload is sent as no frame).
    Encoding writes every required field of the command, optional integer
    fields always (pid), optional string fields when non-empty, and refuses
    (PF_EINVAL) a message the decoder would refuse.                           */
#include "pf_pfa.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_value_internal.h"

/*  Frames in a PFA message without and with the payload frame.             */
#define S_FRAMES_MIN 3
#define S_FRAMES_MAX 4

/*  The wire type of a header field.                                         */
typedef enum {
    S_STR,      /* msgpack str, stored in a char array of the given size   */
    S_U32,      /* msgpack int within [min, max], stored as uint32_t        */
    S_U64,      /* msgpack int >= 0 (any width), stored as uint64_t         */
    S_I64,      /* msgpack int within int64_t, stored as int64_t            */
    S_BOOL      /* msgpack bool, stored as bool                             */
} s_kind_t;

/*  One header field.                                                        */
typedef struct {
    const char *key;     /* msgpack key                                       */
    s_kind_t kind;       /* wire type                                         */
    size_t offset;       /* where it lives in pfa_msg_t                       */
    size_t size;         /* S_STR: bytes of the char array (max len + 1)      */
    uint64_t min;        /* S_U32: smallest valid value                       */
    uint64_t max;        /* S_U32: largest valid value                        */
} s_field_t;

typedef enum {
    F_SERVICE, F_INSTANCE, F_HOST, F_CAPACITY, F_PID, F_HEARTBEAT_MS, F_LIVENESS,
    F_TASK_ID, F_JOB_ID, F_MODULE, F_DOMAIN, F_ATTEMPT, F_TIMEOUT_MS, F_CALL_ID,
    F_OP, F_OK, F_DURATION_MS, F_ERROR_CODE, F_ERROR_MESSAGE, F_TOPIC, F_REASON,
    F_COUNT
} s_field_id_t;

#define S_STRF(name) \
    { #name, S_STR, offsetof(pfa_msg_t, name), sizeof(((pfa_msg_t *) 0)->name), 0, 0 }
#define S_U32F(name, lo, hi) \
    { #name, S_U32, offsetof(pfa_msg_t, name), 0, (lo), (hi) }

static const s_field_t s_fields[F_COUNT] = {
    [F_SERVICE] = S_STRF(service),
    [F_INSTANCE] = S_STRF(instance),
    [F_HOST] = S_STRF(host),
    [F_CAPACITY] = S_U32F(capacity, 1, PFA_CAPACITY_MAX),
    [F_PID] = { "pid", S_I64, offsetof(pfa_msg_t, pid), 0, 0, 0 },
    /*  A zero heartbeat or liveness would declare every peer dead at once. */
    [F_HEARTBEAT_MS] = S_U32F(heartbeat_ms, 1, UINT32_MAX),
    [F_LIVENESS] = S_U32F(liveness, 1, UINT32_MAX),
    [F_TASK_ID] = { "task_id", S_U64, offsetof(pfa_msg_t, task_id), 0, 0, 0 },
    [F_JOB_ID] = S_STRF(job_id),
    [F_MODULE] = S_STRF(module),
    [F_DOMAIN] = S_STRF(domain),
    /*  Attempts count from 1 (pf_pfa.h).                                   */
    [F_ATTEMPT] = S_U32F(attempt, 1, UINT32_MAX),
    [F_TIMEOUT_MS] = S_U32F(timeout_ms, 0, UINT32_MAX),
    [F_CALL_ID] = { "call_id", S_U64, offsetof(pfa_msg_t, call_id), 0, 0, 0 },
    [F_OP] = S_STRF(op),
    [F_OK] = { "ok", S_BOOL, offsetof(pfa_msg_t, ok), 0, 0, 0 },
    [F_DURATION_MS] = S_U32F(duration_ms, 0, UINT32_MAX),
    [F_ERROR_CODE] = S_STRF(error_code),
    [F_ERROR_MESSAGE] = S_STRF(error_message),
    [F_TOPIC] = S_STRF(topic),
    [F_REASON] = S_STRF(reason),
};

/*  A field as one command uses it.                                          */
typedef struct {
    s_field_id_t field;  /* which field                                       */
    bool required;       /* absent -> PF_EMISSING                             */
} s_use_t;

/*  Most fields any command uses (RESULT).                                   */
#define S_USES_MAX 8

/*  One command: its name, fields and whether it may carry a payload.       */
typedef struct {
    const char *name;             /* frame 1 text                          */
    bool payload;                 /* may a 4th frame follow?               */
    size_t use_count;             /* entries in uses                       */
    s_use_t uses[S_USES_MAX];     /* header fields                         */
} s_command_t;

#define R(f) { (f), true }
#define O(f) { (f), false }

static const s_command_t s_commands[PFA_CMD_COUNT] = {
    [PFA_READY] = { "READY", false, 5,
        { R(F_SERVICE), R(F_INSTANCE), R(F_CAPACITY), O(F_PID), O(F_HOST) } },
    [PFA_WELCOME] = { "WELCOME", false, 2, { R(F_HEARTBEAT_MS), R(F_LIVENESS) } },
    [PFA_HEARTBEAT] = { "HEARTBEAT", false, 0, { { 0, false } } },
    [PFA_TASK] = { "TASK", true, 6,
        { R(F_TASK_ID), R(F_JOB_ID), R(F_MODULE), R(F_DOMAIN), R(F_ATTEMPT),
          R(F_TIMEOUT_MS) } },
    [PFA_RESULT] = { "RESULT", true, 8,
        { R(F_TASK_ID), R(F_JOB_ID), R(F_MODULE), R(F_ATTEMPT), R(F_OK),
          R(F_DURATION_MS), O(F_ERROR_CODE), O(F_ERROR_MESSAGE) } },
    [PFA_CALL] = { "CALL", true, 4,
        { R(F_CALL_ID), R(F_SERVICE), R(F_OP), R(F_TIMEOUT_MS) } },
    [PFA_REPLY] = { "REPLY", true, 4,
        { R(F_CALL_ID), R(F_OK), O(F_ERROR_CODE), O(F_ERROR_MESSAGE) } },
    [PFA_EVENT] = { "EVENT", true, 1, { R(F_TOPIC) } },
    [PFA_DRAIN] = { "DRAIN", false, 0, { { 0, false } } },
    [PFA_DISCONNECT] = { "DISCONNECT", false, 1, { O(F_REASON) } },
};

#undef R
#undef O

const char *
pfa_cmd_name(pfa_cmd_t cmd)
{
    if ((unsigned) cmd >= PFA_CMD_COUNT)
        return NULL;
    return s_commands[cmd].name;
}

int
pfa_cmd_from_name(const char *name, size_t len)
{
    if (!name)
        return -1;
    for (int i = 0; i < PFA_CMD_COUNT; i++)
        if (strlen(s_commands[i].name) == len && memcmp(s_commands[i].name, name, len) == 0)
            return i;
    return -1;
}

pfa_msg_t *
pfa_msg_new(pfa_cmd_t cmd)
{
    pfa_msg_t *msg = pf_calloc(1, sizeof *msg);
    msg->cmd = cmd;
    return msg;
}

void
pfa_msg_destroy(pfa_msg_t **msg_p)
{
    if (!msg_p || !*msg_p)
        return;
    free((*msg_p)->payload);
    free(*msg_p);
    *msg_p = NULL;
}

/*  Stores one decoded header value into its field of msg.                  */
static int
s_store(pfa_msg_t *msg, const s_field_t *f, const pf_value_t *v)
{
    char *base = (char *) msg + f->offset;
    switch (f->kind) {
    case S_STR: {
        size_t len;
        const char *s = pf_value_as_str(v, &len);
        if (!s || strlen(s) != len)
            return PF_ETYPE;   /* not a string, or one with a NUL inside */
        if (len >= f->size)
            return PF_ETOOBIG;
        memcpy(base, s, len + 1);
        return 0;
    }
    case S_U32: {
        if (!pf_value_is(v, PF_INT) && !pf_value_is(v, PF_UINT))
            return PF_ETYPE;
        if (pf_value_is(v, PF_INT) && pf_value_as_int(v, 0) < 0)
            return PF_ETYPE;
        uint64_t u = pf_value_as_u64(v, 0);
        if (u < f->min)
            return PF_ETYPE;
        if (u > f->max)
            return PF_ETOOBIG;
        uint32_t u32 = (uint32_t) u;
        memcpy(base, &u32, sizeof u32);
        return 0;
    }
    case S_U64: {
        if (!pf_value_is(v, PF_UINT)
            && !(pf_value_is(v, PF_INT) && pf_value_as_int(v, -1) >= 0))
            return PF_ETYPE;
        uint64_t u = pf_value_as_u64(v, 0);
        memcpy(base, &u, sizeof u);
        return 0;
    }
    case S_I64: {
        if (!pf_value_is(v, PF_INT))
            return PF_ETYPE;
        int64_t i = pf_value_as_int(v, 0);
        memcpy(base, &i, sizeof i);
        return 0;
    }
    case S_BOOL: {
        if (!pf_value_is(v, PF_BOOL))
            return PF_ETYPE;
        bool b = pf_value_as_bool(v, false);
        memcpy(base, &b, sizeof b);
        return 0;
    }
    }
    return PF_ETYPE;
}

/*  Fills msg from the header map according to the command's field list.    */
static int
s_decode_header(pfa_msg_t *msg, const pf_value_t *header)
{
    const s_command_t *command = &s_commands[msg->cmd];
    bool seen[S_USES_MAX] = { false };
    for (size_t i = 0; i < pf_map_size(header); i++) {
        size_t key_len;
        const char *key = pf_value_as_str(pf_map_key_at(header, i), &key_len);
        if (!key)
            continue;   /* not a field of ours: ignored like unknown keys */
        for (size_t u = 0; u < command->use_count; u++) {
            const s_field_t *f = &s_fields[command->uses[u].field];
            if (strlen(f->key) != key_len || memcmp(f->key, key, key_len) != 0)
                continue;
            if (seen[u])
                return PF_EPROTO;
            seen[u] = true;
            int rc = s_store(msg, f, pf_map_value_at(header, i));
            if (rc)
                return rc;
            break;
        }
    }
    for (size_t u = 0; u < command->use_count; u++)
        if (command->uses[u].required && !seen[u])
            return PF_EMISSING;
    return 0;
}

int
pfa_decode(const pf_frame_t *frames, size_t count, pfa_msg_t **msg_p)
{
    if (!frames || !msg_p)
        return PF_EINVAL;
    if (count < S_FRAMES_MIN || count > S_FRAMES_MAX)
        return PF_EPROTO;
    if (frames[0].size != strlen(PFA_VERSION)
        || memcmp(frames[0].data, PFA_VERSION, frames[0].size) != 0)
        return PF_EVERSION;
    int cmd = pfa_cmd_from_name(frames[1].data, frames[1].size);
    if (cmd < 0)
        return PF_EUNKNOWN;
    const pf_frame_t *payload = count == S_FRAMES_MAX ? &frames[3] : NULL;
    if (payload && !s_commands[cmd].payload)
        return PF_EPROTO;
    if (payload && payload->size > PFA_PAYLOAD_MAX)
        return PF_ETOOBIG;

    pf_value_t *header = NULL;
    int rc = pf_msgpack_decode(frames[2].data, frames[2].size, &PF_LIMITS_DEFAULT, &header);
    if (rc)
        return rc;
    pfa_msg_t *msg = pfa_msg_new((pfa_cmd_t) cmd);
    rc = pf_value_is(header, PF_MAP) ? s_decode_header(msg, header) : PF_ETYPE;
    pf_value_destroy(&header);
    if (rc == 0 && payload) {
        rc = pf_msgpack_check(payload->data, payload->size, &PF_LIMITS_PAYLOAD, NULL);
        if (rc == 0) {
            msg->payload = pf_malloc(payload->size);
            memcpy(msg->payload, payload->data, payload->size);
            msg->payload_size = payload->size;
        }
    }
    if (rc) {
        pfa_msg_destroy(&msg);
        return rc;
    }
    *msg_p = msg;
    return 0;
}

/*  Adds field f of msg to header; PF_EINVAL if msg holds a value the
    decoder would refuse.  Optional empty strings are left out.             */
static int
s_encode_field(const pfa_msg_t *msg, const s_field_t *f, bool required, pf_value_t *header)
{
    const char *base = (const char *) msg + f->offset;
    pf_value_t *v = NULL;
    switch (f->kind) {
    case S_STR: {
        size_t len = strnlen(base, f->size);
        if (len >= f->size)
            return PF_EINVAL;   /* not NUL-terminated inside its array */
        if (len == 0 && !required)
            return 0;
        v = pf_value_strn(base, len);
        break;
    }
    case S_U32: {
        uint32_t u;
        memcpy(&u, base, sizeof u);
        if (u < f->min || u > f->max)
            return PF_EINVAL;
        v = pf_value_int(u);
        break;
    }
    case S_U64: {
        uint64_t u;
        memcpy(&u, base, sizeof u);
        v = pf_value_uint(u);
        break;
    }
    case S_I64: {
        int64_t i;
        memcpy(&i, base, sizeof i);
        v = pf_value_int(i);
        break;
    }
    case S_BOOL: {
        bool b;
        memcpy(&b, base, sizeof b);
        v = pf_value_bool(b);
        break;
    }
    }
    pf_map_set(header, f->key, &v);
    return 0;
}

int
pfa_encode_header(const pfa_msg_t *msg, uint8_t **data_p, size_t *size_p)
{
    if (!msg || !data_p || !size_p || (unsigned) msg->cmd >= PFA_CMD_COUNT)
        return PF_EINVAL;
    const s_command_t *command = &s_commands[msg->cmd];
    pf_value_t *header = pf_value_map();
    int rc = 0;
    for (size_t u = 0; u < command->use_count && rc == 0; u++)
        rc = s_encode_field(msg, &s_fields[command->uses[u].field],
                            command->uses[u].required, header);
    if (rc == 0)
        rc = pf_msgpack_encode(header, data_p, size_p);
    pf_value_destroy(&header);
    return rc;
}
