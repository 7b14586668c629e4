/*  test_pf_pfa.c — unit tests of the PFA/1 actor protocol codec
    (proto/pf_pfa.c): a round trip of every command and every error path.  */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_pfa.h"
#include "pf_value.h"

/*  Kinds of header values in the test tables.                               */
enum { K_STR, K_INT, K_BOOL };

/*  One header field with a valid value.                                     */
typedef struct {
    const char *key;   /* field name                                         */
    int kind;          /* K_STR, K_INT or K_BOOL                             */
    const char *s;     /* K_STR value                                        */
    int64_t i;         /* K_INT / K_BOOL value                               */
    bool required;     /* must be present                                    */
} s_kv_t;

/*  Most fields of a command (RESULT: 8) plus the NULL-key terminator.    */
#define S_FIELDS_MAX 9

/*  A valid header per command, written independently of the codec's table. */
static const struct {
    pfa_cmd_t cmd;
    const char *name;
    bool payload;              /* the command may carry a payload          */
    s_kv_t fields[S_FIELDS_MAX];
} s_valid[] = {
    { PFA_READY, "READY", false, {
        { "service", K_STR, "enricher", 0, true }, { "instance", K_STR, "host-1.42", 0, true },
        { "capacity", K_INT, NULL, 8, true }, { "pid", K_INT, NULL, 4242, false },
        { "host", K_STR, "worker-a", 0, false } } },
    { PFA_WELCOME, "WELCOME", false, {
        { "heartbeat_ms", K_INT, NULL, 1000, true }, { "liveness", K_INT, NULL, 3, true } } },
    { PFA_HEARTBEAT, "HEARTBEAT", false, { { NULL, 0, NULL, 0, false } } },
    { PFA_TASK, "TASK", true, {
        { "task_id", K_INT, NULL, 77, true }, { "job_id", K_STR, "job-1", 0, true },
        { "module", K_STR, "company_context", 0, true },
        { "domain", K_STR, "stripe.com", 0, true }, { "attempt", K_INT, NULL, 1, true },
        { "timeout_ms", K_INT, NULL, 30000, true } } },
    { PFA_RESULT, "RESULT", true, {
        { "task_id", K_INT, NULL, 77, true }, { "job_id", K_STR, "job-1", 0, true },
        { "module", K_STR, "company_context", 0, true }, { "attempt", K_INT, NULL, 2, true },
        { "ok", K_BOOL, NULL, 0, true }, { "duration_ms", K_INT, NULL, 15, true },
        { "error_code", K_STR, "upstream", 0, false },
        { "error_message", K_STR, "provider answered 503", 0, false } } },
    { PFA_CALL, "CALL", true, {
        { "call_id", K_INT, NULL, 9, true }, { "service", K_STR, "http", 0, true },
        { "op", K_STR, "get", 0, true }, { "timeout_ms", K_INT, NULL, 5000, true } } },
    { PFA_REPLY, "REPLY", true, {
        { "call_id", K_INT, NULL, 9, true }, { "ok", K_BOOL, NULL, 1, true },
        { "error_code", K_STR, "timeout", 0, false },
        { "error_message", K_STR, "took too long", 0, false } } },
    { PFA_EVENT, "EVENT", true, { { "topic", K_STR, "api.call", 0, true } } },
    { PFA_DRAIN, "DRAIN", false, { { NULL, 0, NULL, 0, false } } },
    { PFA_DISCONNECT, "DISCONNECT", false, { { "reason", K_STR, "unknown_peer", 0, false } } },
};

#define S_COMMANDS (sizeof s_valid / sizeof *s_valid)

/*  A value of kind with the table's content.                               */
static pf_value_t *
s_make(const s_kv_t *kv)
{
    switch (kv->kind) {
    case K_STR:  return pf_value_str(kv->s);
    case K_BOOL: return pf_value_bool(kv->i != 0);
    default:     return pf_value_int(kv->i);
    }
}

/*  Header of command c without `skip` (may be NULL) and with key set to
    *extra_p if extra_key is non-NULL (takes ownership).  Encoded bytes.    */
static uint8_t *
s_header(size_t c, const char *skip, const char *extra_key, pf_value_t **extra_p,
         size_t *size_p)
{
    pf_value_t *map = pf_value_map();
    for (const s_kv_t *kv = s_valid[c].fields; kv->key; kv++) {
        if (skip && strcmp(kv->key, skip) == 0)
            continue;
        pf_value_t *v = s_make(kv);
        pf_map_set(map, kv->key, &v);
    }
    if (extra_key)
        pf_map_set(map, extra_key, extra_p);
    uint8_t *data;
    ck_assert_int_eq(pf_msgpack_encode(map, &data, size_p), 0);
    pf_value_destroy(&map);
    return data;
}

/*  Decodes [PFA/1][name][header][payload?].                                 */
static int
s_decode(const char *name, const void *header, size_t header_size, const void *payload,
         size_t payload_size, bool with_payload, pfa_msg_t **msg_p)
{
    pf_frame_t frames[4] = {
        { PFA_VERSION, strlen(PFA_VERSION) }, { name, strlen(name) },
        { header, header_size }, { payload, payload_size },
    };
    return pfa_decode(frames, with_payload ? 4 : 3, msg_p);
}

/*  Expects decoding command c's header with one change to fail with rc.   */
static void
s_expect(size_t c, const char *skip, const char *key, pf_value_t *value, int expected)
{
    size_t size;
    uint8_t *header = s_header(c, skip, key, &value, &size);
    pfa_msg_t *msg = NULL;
    int rc = s_decode(s_valid[c].name, header, size, NULL, 0, false, &msg);
    ck_assert_msg(rc == expected, "%s skip=%s key=%s: got %d (%s), want %d",
                  s_valid[c].name, skip ? skip : "-", key ? key : "-", rc, pf_strerror(rc),
                  expected);
    if (expected == 0)
        ck_assert_ptr_nonnull(msg);
    else
        ck_assert_ptr_null(msg);
    pfa_msg_destroy(&msg);
    free(header);
}

START_TEST(test_names)
{
    for (size_t c = 0; c < S_COMMANDS; c++) {
        ck_assert_str_eq(pfa_cmd_name(s_valid[c].cmd), s_valid[c].name);
        ck_assert_int_eq(pfa_cmd_from_name(s_valid[c].name, strlen(s_valid[c].name)),
                         (int) s_valid[c].cmd);
    }
    ck_assert_int_eq(S_COMMANDS, PFA_CMD_COUNT);
    ck_assert_ptr_null(pfa_cmd_name(PFA_CMD_COUNT));
    ck_assert_int_eq(pfa_cmd_from_name("READYX", 5), PFA_READY);   /* len counts */
    ck_assert_int_eq(pfa_cmd_from_name("READY", 4), -1);
    ck_assert_int_eq(pfa_cmd_from_name("ready", 5), -1);
    ck_assert_int_eq(pfa_cmd_from_name(NULL, 0), -1);
}
END_TEST

/*  Encodes msg, sends its frames through pfa_decode, returns the result.   */
static pfa_msg_t *
s_round_trip(const pfa_msg_t *msg)
{
    uint8_t *header;
    size_t size;
    ck_assert_int_eq(pfa_encode_header(msg, &header, &size), 0);
    pfa_msg_t *back = NULL;
    int rc = s_decode(pfa_cmd_name(msg->cmd), header, size, msg->payload,
                      msg->payload_size, msg->payload_size > 0, &back);
    ck_assert_msg(rc == 0, "%s: %s", pfa_cmd_name(msg->cmd), pf_strerror(rc));
    free(header);
    ck_assert_int_eq(back->cmd, msg->cmd);
    ck_assert_uint_eq(back->payload_size, msg->payload_size);
    if (msg->payload_size) {
        ck_assert_ptr_ne(back->payload, msg->payload);   /* a copy */
        ck_assert_int_eq(memcmp(back->payload, msg->payload, msg->payload_size), 0);
    }
    else
        ck_assert_ptr_null(back->payload);
    return back;
}

START_TEST(test_round_trip_every_command)
{
    uint8_t payload[] = { 0x81, 0xa6, 'i', 'n', 'p', 'u', 't', 's', 0x90 };

    pfa_msg_t *m = pfa_msg_new(PFA_READY);
    strcpy(m->service, "enricher");
    strcpy(m->instance, "host-1.42");
    strcpy(m->host, "worker-a");
    m->capacity = PFA_CAPACITY_MAX;
    m->pid = 99999;
    pfa_msg_t *b = s_round_trip(m);
    ck_assert_str_eq(b->service, "enricher");
    ck_assert_str_eq(b->instance, "host-1.42");
    ck_assert_str_eq(b->host, "worker-a");
    ck_assert_uint_eq(b->capacity, PFA_CAPACITY_MAX);
    ck_assert_int_eq(b->pid, 99999);
    pfa_msg_destroy(&b);
    pfa_msg_destroy(&m);
    ck_assert_ptr_null(m);

    m = pfa_msg_new(PFA_WELCOME);
    m->heartbeat_ms = 250;
    m->liveness = 4;
    b = s_round_trip(m);
    ck_assert_uint_eq(b->heartbeat_ms, 250);
    ck_assert_uint_eq(b->liveness, 4);
    pfa_msg_destroy(&b);
    pfa_msg_destroy(&m);

    m = pfa_msg_new(PFA_TASK);
    m->task_id = UINT64_MAX;   /* beyond int64: a msgpack uint64 */
    strcpy(m->job_id, "job-xyz");
    strcpy(m->module, "tech_stack");
    memset(m->domain, 'd', 255);   /* the longest domain field */
    m->attempt = 3;
    m->timeout_ms = 0;
    m->payload = payload;
    m->payload_size = sizeof payload;
    b = s_round_trip(m);
    ck_assert(b->task_id == UINT64_MAX);
    ck_assert_str_eq(b->job_id, "job-xyz");
    ck_assert_str_eq(b->module, "tech_stack");
    ck_assert_uint_eq(strlen(b->domain), 255);
    ck_assert_uint_eq(b->attempt, 3);
    ck_assert_uint_eq(b->timeout_ms, 0);
    pfa_msg_destroy(&b);
    m->payload = NULL;   /* caller-owned: not freed by destroy */
    pfa_msg_destroy(&m);

    m = pfa_msg_new(PFA_RESULT);
    m->task_id = 5;
    strcpy(m->job_id, "j");
    strcpy(m->module, "m");
    m->attempt = 1;
    m->ok = false;
    m->duration_ms = UINT32_MAX;
    strcpy(m->error_code, "provider_error");
    memset(m->error_message, 'e', PFA_ERROR_MAX);
    b = s_round_trip(m);
    ck_assert(!b->ok);
    ck_assert_uint_eq(b->duration_ms, UINT32_MAX);
    ck_assert_str_eq(b->error_code, "provider_error");
    ck_assert_uint_eq(strlen(b->error_message), PFA_ERROR_MAX);
    pfa_msg_destroy(&b);
    m->ok = true;
    m->error_code[0] = m->error_message[0] = '\0';
    m->payload = payload;
    m->payload_size = sizeof payload;
    b = s_round_trip(m);
    ck_assert(b->ok);
    ck_assert_str_eq(b->error_code, "");
    pfa_msg_destroy(&b);
    m->payload = NULL;
    pfa_msg_destroy(&m);

    m = pfa_msg_new(PFA_CALL);
    m->call_id = 123456789012ULL;
    strcpy(m->service, "http");
    strcpy(m->op, "fetch");
    m->timeout_ms = 2000;
    b = s_round_trip(m);
    ck_assert(b->call_id == 123456789012ULL);
    ck_assert_str_eq(b->service, "http");
    ck_assert_str_eq(b->op, "fetch");
    ck_assert_uint_eq(b->timeout_ms, 2000);
    pfa_msg_destroy(&b);
    pfa_msg_destroy(&m);

    m = pfa_msg_new(PFA_REPLY);
    m->call_id = 1;
    m->ok = true;
    b = s_round_trip(m);
    ck_assert(b->ok);
    ck_assert(b->call_id == 1);
    pfa_msg_destroy(&b);
    pfa_msg_destroy(&m);

    m = pfa_msg_new(PFA_EVENT);
    strcpy(m->topic, "api.breaker");
    b = s_round_trip(m);
    ck_assert_str_eq(b->topic, "api.breaker");
    pfa_msg_destroy(&b);
    pfa_msg_destroy(&m);

    const pfa_cmd_t bare[] = { PFA_HEARTBEAT, PFA_DRAIN, PFA_DISCONNECT };
    for (size_t i = 0; i < 3; i++) {
        m = pfa_msg_new(bare[i]);
        b = s_round_trip(m);
        pfa_msg_destroy(&b);
        pfa_msg_destroy(&m);
    }
    m = pfa_msg_new(PFA_DISCONNECT);
    strcpy(m->reason, "unknown_peer");
    b = s_round_trip(m);
    ck_assert_str_eq(b->reason, "unknown_peer");
    pfa_msg_destroy(&b);
    pfa_msg_destroy(&m);
    pfa_msg_destroy(NULL);
}
END_TEST

START_TEST(test_encode_writes_exactly_the_fields)
{
    for (size_t c = 0; c < S_COMMANDS; c++) {
        /*  Fill every field of the struct; only the command's must appear. */
        pfa_msg_t *m = pfa_msg_new(s_valid[c].cmd);
        strcpy(m->service, "s");
        strcpy(m->instance, "i");
        strcpy(m->host, "h");
        m->capacity = 1;
        m->pid = 1;
        m->heartbeat_ms = 1;
        m->liveness = 1;
        m->task_id = 1;
        strcpy(m->job_id, "j");
        strcpy(m->module, "m");
        strcpy(m->domain, "d.com");
        m->attempt = 1;
        m->timeout_ms = 1;
        m->call_id = 1;
        strcpy(m->op, "o");
        strcpy(m->error_code, "c");
        strcpy(m->error_message, "msg");
        strcpy(m->topic, "t");
        strcpy(m->reason, "r");
        uint8_t *data;
        size_t size;
        ck_assert_int_eq(pfa_encode_header(m, &data, &size), 0);
        pf_value_t *header = NULL;
        ck_assert_int_eq(pf_msgpack_decode(data, size, NULL, &header), 0);
        size_t expected = 0;
        for (const s_kv_t *kv = s_valid[c].fields; kv->key; kv++, expected++)
            ck_assert_msg(pf_map_has(header, kv->key), "%s lacks %s", s_valid[c].name,
                          kv->key);
        ck_assert_uint_eq(pf_map_size(header), expected);
        pf_value_destroy(&header);
        free(data);
        pfa_msg_destroy(&m);
    }
}
END_TEST

START_TEST(test_encode_refuses_invalid)
{
    uint8_t *data = NULL;
    size_t size = 0;
    pfa_msg_t *m = pfa_msg_new(PFA_READY);
    strcpy(m->service, "s");
    strcpy(m->instance, "i");
    m->capacity = 0;
    ck_assert_int_eq(pfa_encode_header(m, &data, &size), PF_EINVAL);
    m->capacity = PFA_CAPACITY_MAX + 1;
    ck_assert_int_eq(pfa_encode_header(m, &data, &size), PF_EINVAL);
    m->capacity = 1;
    memset(m->service, 'x', sizeof m->service);   /* no NUL inside */
    ck_assert_int_eq(pfa_encode_header(m, &data, &size), PF_EINVAL);
    m->cmd = PFA_CMD_COUNT;
    ck_assert_int_eq(pfa_encode_header(m, &data, &size), PF_EINVAL);
    ck_assert_int_eq(pfa_encode_header(NULL, &data, &size), PF_EINVAL);
    ck_assert_ptr_null(data);
    pfa_msg_destroy(&m);
}
END_TEST

START_TEST(test_valid_tables_decode)
{
    /*  The independent table decodes, and optional fields may be left out. */
    for (size_t c = 0; c < S_COMMANDS; c++) {
        size_t size;
        uint8_t *header = s_header(c, NULL, NULL, NULL, &size);
        pfa_msg_t *msg = NULL;
        ck_assert_int_eq(s_decode(s_valid[c].name, header, size, NULL, 0, false, &msg), 0);
        pfa_msg_destroy(&msg);
        free(header);
        for (const s_kv_t *kv = s_valid[c].fields; kv->key; kv++)
            if (!kv->required)
                s_expect(c, kv->key, NULL, NULL, 0);
    }
}
END_TEST

START_TEST(test_missing_required)
{
    for (size_t c = 0; c < S_COMMANDS; c++)
        for (const s_kv_t *kv = s_valid[c].fields; kv->key; kv++)
            if (kv->required)
                s_expect(c, kv->key, NULL, NULL, PF_EMISSING);
}
END_TEST

START_TEST(test_wrong_types)
{
    for (size_t c = 0; c < S_COMMANDS; c++)
        for (const s_kv_t *kv = s_valid[c].fields; kv->key; kv++) {
            switch (kv->kind) {
            case K_STR:
                s_expect(c, NULL, kv->key, pf_value_int(5), PF_ETYPE);
                s_expect(c, NULL, kv->key, pf_value_bin("x", 1), PF_ETYPE);
                s_expect(c, NULL, kv->key, pf_value_nil(), PF_ETYPE);
                s_expect(c, NULL, kv->key, pf_value_strn("a\0b", 3), PF_ETYPE);
                break;
            case K_INT:
                s_expect(c, NULL, kv->key, pf_value_str("5"), PF_ETYPE);
                s_expect(c, NULL, kv->key, pf_value_float(5.0), PF_ETYPE);
                s_expect(c, NULL, kv->key, pf_value_bool(true), PF_ETYPE);
                if (strcmp(kv->key, "pid") != 0)   /* pid is signed */
                    s_expect(c, NULL, kv->key, pf_value_int(-1), PF_ETYPE);
                break;
            case K_BOOL:
                s_expect(c, NULL, kv->key, pf_value_int(1), PF_ETYPE);
                s_expect(c, NULL, kv->key, pf_value_str("true"), PF_ETYPE);
                break;
            }
        }
}
END_TEST

/*  A string of n copies of c.                                               */
static pf_value_t *
s_long_str(size_t n)
{
    char *text = malloc(n + 1);
    memset(text, 'a', n);
    pf_value_t *v = pf_value_strn(text, n);
    free(text);
    return v;
}

START_TEST(test_string_lengths)
{
    const size_t ready = 0, task = 3, result = 4, call = 5, event = 7, disc = 9;
    s_expect(ready, NULL, "service", s_long_str(PFA_NAME_MAX), 0);
    s_expect(ready, NULL, "service", s_long_str(PFA_NAME_MAX + 1), PF_ETOOBIG);
    s_expect(ready, NULL, "instance", s_long_str(PFA_INSTANCE_MAX), 0);
    s_expect(ready, NULL, "instance", s_long_str(PFA_INSTANCE_MAX + 1), PF_ETOOBIG);
    s_expect(ready, NULL, "host", s_long_str(PFA_HOST_MAX), 0);
    s_expect(ready, NULL, "host", s_long_str(PFA_HOST_MAX + 1), PF_ETOOBIG);
    s_expect(task, NULL, "domain", s_long_str(255), 0);
    s_expect(task, NULL, "domain", s_long_str(256), PF_ETOOBIG);
    s_expect(task, NULL, "job_id", s_long_str(PFA_NAME_MAX + 1), PF_ETOOBIG);
    s_expect(task, NULL, "module", s_long_str(PFA_NAME_MAX + 1), PF_ETOOBIG);
    s_expect(result, NULL, "error_message", s_long_str(PFA_ERROR_MAX), 0);
    s_expect(result, NULL, "error_message", s_long_str(PFA_ERROR_MAX + 1), PF_ETOOBIG);
    s_expect(result, NULL, "error_code", s_long_str(PFA_NAME_MAX + 1), PF_ETOOBIG);
    s_expect(call, NULL, "op", s_long_str(PFA_NAME_MAX + 1), PF_ETOOBIG);
    s_expect(event, NULL, "topic", s_long_str(PFA_NAME_MAX + 1), PF_ETOOBIG);
    s_expect(disc, NULL, "reason", s_long_str(PFA_NAME_MAX + 1), PF_ETOOBIG);
}
END_TEST

START_TEST(test_integer_ranges)
{
    const size_t ready = 0, welcome = 1, task = 3, call = 5;
    s_expect(ready, NULL, "capacity", pf_value_int(0), PF_ETYPE);
    s_expect(ready, NULL, "capacity", pf_value_int(PFA_CAPACITY_MAX), 0);
    s_expect(ready, NULL, "capacity", pf_value_int(PFA_CAPACITY_MAX + 1), PF_ETOOBIG);
    s_expect(ready, NULL, "pid", pf_value_int(-7), 0);
    s_expect(ready, NULL, "pid", pf_value_uint(UINT64_MAX), PF_ETYPE);
    s_expect(welcome, NULL, "heartbeat_ms", pf_value_int(0), PF_ETYPE);
    s_expect(welcome, NULL, "heartbeat_ms", pf_value_int(UINT32_MAX), 0);
    s_expect(welcome, NULL, "heartbeat_ms", pf_value_int((int64_t) UINT32_MAX + 1),
             PF_ETOOBIG);
    s_expect(welcome, NULL, "liveness", pf_value_int(0), PF_ETYPE);
    s_expect(task, NULL, "attempt", pf_value_int(0), PF_ETYPE);
    s_expect(task, NULL, "timeout_ms", pf_value_int(0), 0);
    s_expect(task, NULL, "timeout_ms", pf_value_uint(UINT64_MAX), PF_ETOOBIG);
    s_expect(task, NULL, "task_id", pf_value_uint(UINT64_MAX), 0);
    s_expect(task, NULL, "task_id", pf_value_int(-1), PF_ETYPE);
    s_expect(call, NULL, "call_id", pf_value_int(0), 0);
    s_expect(call, NULL, "call_id", pf_value_int(INT64_MIN), PF_ETYPE);
}
END_TEST

START_TEST(test_unknown_keys_ignored_duplicates_refused)
{
    const size_t ready = 0;
    s_expect(ready, NULL, "future_field", pf_value_str("whatever"), 0);
    /*  A key that belongs to another command is unknown here.              */
    s_expect(ready, NULL, "topic", pf_value_int(1), 0);

    /*  Non-string keys are not ours either.                                 */
    pf_value_t *map = pf_value_map();
    pf_map_set_int(map, "heartbeat_ms", 10);
    pf_map_set_int(map, "liveness", 2);
    uint8_t *data;
    size_t size;
    ck_assert_int_eq(pf_msgpack_encode(map, &data, &size), 0);
    /*  Append an entry {1: 2} by hand: fixmap count 2 -> 3.                 */
    uint8_t *more = malloc(size + 2);
    memcpy(more, data, size);
    more[0] = 0x83;
    more[size] = 0x01;
    more[size + 1] = 0x02;
    pfa_msg_t *msg = NULL;
    ck_assert_int_eq(s_decode("WELCOME", more, size + 2, NULL, 0, false, &msg), 0);
    ck_assert_uint_eq(msg->heartbeat_ms, 10);
    pfa_msg_destroy(&msg);
    /*  And a duplicate of a known key instead.                              */
    const uint8_t dup[] = { 0xa8, 'l', 'i', 'v', 'e', 'n', 'e', 's', 's', 0x05 };
    uint8_t *twice = malloc(size + sizeof dup);
    memcpy(twice, data, size);
    twice[0] = 0x83;
    memcpy(twice + size, dup, sizeof dup);
    ck_assert_int_eq(s_decode("WELCOME", twice, size + sizeof dup, NULL, 0, false, &msg),
                     PF_EPROTO);
    ck_assert_ptr_null(msg);
    free(twice);
    free(more);
    free(data);
    pf_value_destroy(&map);
}
END_TEST

START_TEST(test_framing_errors)
{
    size_t size;
    uint8_t *header = s_header(1, NULL, NULL, NULL, &size);   /* WELCOME */
    pfa_msg_t *msg = NULL;
    pf_frame_t frames[5] = {
        { "PFA/1", 5 }, { "WELCOME", 7 }, { header, size }, { "\xc0", 1 }, { "\xc0", 1 },
    };
    ck_assert_int_eq(pfa_decode(frames, 2, &msg), PF_EPROTO);
    ck_assert_int_eq(pfa_decode(frames, 5, &msg), PF_EPROTO);
    ck_assert_int_eq(pfa_decode(frames, 0, &msg), PF_EPROTO);
    ck_assert_int_eq(pfa_decode(NULL, 3, &msg), PF_EINVAL);
    /*  A payload on a command that has none.                                */
    ck_assert_int_eq(pfa_decode(frames, 4, &msg), PF_EPROTO);

    const char *versions[] = { "PFA/2", "PFA/1 ", "pfa/1", "", "PFP/1" };
    for (size_t i = 0; i < 5; i++) {
        frames[0] = (pf_frame_t) { versions[i], strlen(versions[i]) };
        ck_assert_int_eq(pfa_decode(frames, 3, &msg), PF_EVERSION);
    }
    frames[0] = (pf_frame_t) { "PFA/1", 5 };
    const char *commands[] = { "NOPE", "welcome", "", "WELCOME\0", "PING" };
    const size_t lens[] = { 4, 7, 0, 8, 4 };
    for (size_t i = 0; i < 5; i++) {
        frames[1] = (pf_frame_t) { commands[i], lens[i] };
        ck_assert_int_eq(pfa_decode(frames, 3, &msg), PF_EUNKNOWN);
    }
    ck_assert_ptr_null(msg);
    free(header);
}
END_TEST

START_TEST(test_header_errors)
{
    pfa_msg_t *msg = NULL;
    /*  Not msgpack, trailing bytes, not a map, too deep, huge claims.      */
    ck_assert_int_eq(s_decode("HEARTBEAT", "\xc1", 1, NULL, 0, false, &msg), PF_EPROTO);
    ck_assert_int_eq(s_decode("HEARTBEAT", "", 0, NULL, 0, false, &msg), PF_EPROTO);
    ck_assert_int_eq(s_decode("HEARTBEAT", "\x80\x80", 2, NULL, 0, false, &msg),
                     PF_ETRAILING);
    ck_assert_int_eq(s_decode("HEARTBEAT", "\x90", 1, NULL, 0, false, &msg), PF_ETYPE);
    ck_assert_int_eq(s_decode("HEARTBEAT", "\xa1x", 2, NULL, 0, false, &msg), PF_ETYPE);
    ck_assert_int_eq(s_decode("HEARTBEAT", "\xdf\xff\xff\xff\xff", 5, NULL, 0, false, &msg),
                     PF_ETOOBIG);
    uint8_t deep[40];
    deep[0] = 0x81;
    deep[1] = 0xa1;
    deep[2] = 'k';
    memset(deep + 3, 0x91, sizeof deep - 4);
    deep[sizeof deep - 1] = 0xc0;
    ck_assert_int_eq(s_decode("HEARTBEAT", deep, sizeof deep, NULL, 0, false, &msg),
                     PF_EDEPTH);
    ck_assert_int_eq(s_decode("HEARTBEAT", "\x80", 1, NULL, 0, false, &msg), 0);
    pfa_msg_destroy(&msg);
}
END_TEST

START_TEST(test_payload_checks)
{
    size_t size;
    uint8_t *header = s_header(7, NULL, NULL, NULL, &size);   /* EVENT */
    pfa_msg_t *msg = NULL;
    ck_assert_int_eq(s_decode("EVENT", header, size, "\xc1", 1, true, &msg), PF_EPROTO);
    ck_assert_int_eq(s_decode("EVENT", header, size, "", 0, true, &msg), PF_EPROTO);
    ck_assert_int_eq(s_decode("EVENT", header, size, "\x80\xc0", 2, true, &msg),
                     PF_ETRAILING);
    ck_assert_int_eq(s_decode("EVENT", header, size, "\x92\xc0", 2, true, &msg),
                     PF_ETOOBIG);
    ck_assert_int_eq(s_decode("EVENT", header, size, "\xd4\x01\x00", 3, true, &msg),
                     PF_EPROTO);
    /*  Payloads are checked with the looser payload limits: 40 levels.     */
    uint8_t nested[41];
    memset(nested, 0x91, 40);
    nested[40] = 0xc0;
    ck_assert_int_eq(s_decode("EVENT", header, size, nested, sizeof nested, true, &msg), 0);
    ck_assert_uint_eq(msg->payload_size, sizeof nested);
    pfa_msg_destroy(&msg);
    uint8_t too_deep[70];
    memset(too_deep, 0x91, 69);
    too_deep[69] = 0xc0;
    ck_assert_int_eq(s_decode("EVENT", header, size, too_deep, sizeof too_deep, true, &msg),
                     PF_EDEPTH);

    /*  Over PFA_PAYLOAD_MAX: refused before it is even looked at.           */
    size_t big = (size_t) PFA_PAYLOAD_MAX + 1;
    uint8_t *huge = malloc(big);
    huge[0] = 0xc6;   /* bin32 of the rest */
    uint32_t n = (uint32_t) (big - 5);
    huge[1] = (uint8_t) (n >> 24);
    huge[2] = (uint8_t) (n >> 16);
    huge[3] = (uint8_t) (n >> 8);
    huge[4] = (uint8_t) n;
    memset(huge + 5, 0, big - 5);
    ck_assert_int_eq(s_decode("EVENT", header, size, huge, big, true, &msg), PF_ETOOBIG);
    ck_assert_ptr_null(msg);
    free(huge);
    free(header);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_pfa");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_round_trip_every_command);
    tcase_add_test(tc, test_encode_writes_exactly_the_fields);
    tcase_add_test(tc, test_encode_refuses_invalid);
    tcase_add_test(tc, test_valid_tables_decode);
    tcase_add_test(tc, test_missing_required);
    tcase_add_test(tc, test_wrong_types);
    tcase_add_test(tc, test_string_lengths);
    tcase_add_test(tc, test_integer_ranges);
    tcase_add_test(tc, test_unknown_keys_ignored_duplicates_refused);
    tcase_add_test(tc, test_framing_errors);
    tcase_add_test(tc, test_header_errors);
    tcase_add_test(tc, test_payload_checks);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
