/*  pf_pfp.c — codec for PFP/1, the client protocol (see pf_pfp.h and
    docs/PROTOCOL.md).

    Every body key is listed once in s_keys; each command names the keys it
    accepts in s_allowed.  A key outside that set, a key given twice, a
    value of the wrong type or size, a string with a NUL byte inside, or a
    missing required field makes the request a bad_request; a version
    other than PFP/1 in frame 1 makes it unsupported_version.

    Before reporting any failure the codec tries to read req_id out of the
    body by scanning its top-level map entry by entry, so the client can
    match the ERROR even when the body is otherwise unusable (a bad value
    after req_id, trailing bytes, an unknown command...).

    Choices the protocol page leaves open:
      - modules: an array of 1..PFP_MODULES_MAX names of at most PFP_ID_MAX
        bytes; if any name is "all" the request asks for every module
        (modules = NULL); an empty array is a bad_request;
      - api_key and idempotency_key are capped at PFP_ID_MAX bytes;
      - STATUS and CANCEL take exactly one of job_id and batch_id.

    pfp_request_encode is the decoder's inverse for clients (and for the
    round trip of tests/fuzz/fuzz_pfp.c): it checks a request against the
    same tables and limits and refuses what the decoder would refuse.       */
#include "pf_pfp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_config.h"   /* PF_DEFAULT_BATCH_CONCURRENCY */
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_msgpack_internal.h"

/*  Frames of a request after the routing id, and of a reply after the
    delimiter.                                                               */
#define S_REQUEST_FRAMES 4
#define S_REPLY_FRAMES 3
/*  Longest command name shown back in an error message.                     */
#define S_SHOWN_NAME_MAX 32
/*  Size of the command buffer of pfp_reply_decode (see pf_pfp.h).          */
#define S_REPLY_COMMAND_SIZE 16

static const char *const s_cmd_names[PFP_CMD_COUNT] = {
    [PFP_PING] = "PING",     [PFP_ENRICH] = "ENRICH",   [PFP_BATCH] = "BATCH",
    [PFP_STATUS] = "STATUS", [PFP_RESULTS] = "RESULTS", [PFP_CANCEL] = "CANCEL",
};

static const char *const s_priority_names[PFP_PRIORITY_COUNT] = {
    [PFP_PRIORITY_HIGH] = "high",
    [PFP_PRIORITY_DEFAULT] = "default",
    [PFP_PRIORITY_LOW] = "low",
};

/*  Body keys.                                                               */
typedef enum {
    K_REQ_ID, K_DOMAIN, K_DOMAINS, K_MODULES, K_PRIORITY, K_ASYNC, K_API_KEY,
    K_IDEMPOTENCY_KEY, K_MAX_CONCURRENCY, K_JOB_ID, K_BATCH_ID, K_INCLUDE_PARTIAL,
    K_COUNT
} s_key_t;

static const char *const s_keys[K_COUNT] = {
    [K_REQ_ID] = "req_id",
    [K_DOMAIN] = "domain",
    [K_DOMAINS] = "domains",
    [K_MODULES] = "modules",
    [K_PRIORITY] = "priority",
    [K_ASYNC] = "async",
    [K_API_KEY] = "api_key",
    [K_IDEMPOTENCY_KEY] = "idempotency_key",
    [K_MAX_CONCURRENCY] = "max_concurrency",
    [K_JOB_ID] = "job_id",
    [K_BATCH_ID] = "batch_id",
    [K_INCLUDE_PARTIAL] = "include_partial",
};

#define B(k) (1u << (k))

/*  Keys each command accepts.                                               */
static const uint32_t s_allowed[PFP_CMD_COUNT] = {
    [PFP_PING] = B(K_REQ_ID),
    [PFP_ENRICH] = B(K_REQ_ID) | B(K_DOMAIN) | B(K_MODULES) | B(K_PRIORITY) | B(K_ASYNC)
                   | B(K_API_KEY) | B(K_IDEMPOTENCY_KEY),
    [PFP_BATCH] = B(K_REQ_ID) | B(K_DOMAINS) | B(K_PRIORITY) | B(K_MAX_CONCURRENCY)
                  | B(K_MODULES) | B(K_API_KEY),
    [PFP_STATUS] = B(K_REQ_ID) | B(K_JOB_ID) | B(K_BATCH_ID),
    [PFP_RESULTS] = B(K_REQ_ID) | B(K_JOB_ID) | B(K_INCLUDE_PARTIAL),
    [PFP_CANCEL] = B(K_REQ_ID) | B(K_JOB_ID) | B(K_BATCH_ID),
};

/*  Keys each command requires (STATUS/CANCEL's either-or is checked apart). */
static const uint32_t s_required[PFP_CMD_COUNT] = {
    [PFP_PING] = B(K_REQ_ID),
    [PFP_ENRICH] = B(K_REQ_ID) | B(K_DOMAIN),
    [PFP_BATCH] = B(K_REQ_ID) | B(K_DOMAINS),
    [PFP_STATUS] = B(K_REQ_ID),
    [PFP_RESULTS] = B(K_REQ_ID) | B(K_JOB_ID),
    [PFP_CANCEL] = B(K_REQ_ID),
};

/* ------------------------------------------------------------- names */

const char *
pfp_cmd_name(pfp_cmd_t cmd)
{
    return (unsigned) cmd < PFP_CMD_COUNT ? s_cmd_names[cmd] : NULL;
}

int
pfp_cmd_from_name(const char *name, size_t len)
{
    if (!name)
        return -1;
    for (int i = 0; i < PFP_CMD_COUNT; i++)
        if (strlen(s_cmd_names[i]) == len && memcmp(s_cmd_names[i], name, len) == 0)
            return i;
    return -1;
}

const char *
pfp_priority_name(pfp_priority_t priority)
{
    return (unsigned) priority < PFP_PRIORITY_COUNT ? s_priority_names[priority] : NULL;
}

int
pfp_priority_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < PFP_PRIORITY_COUNT; i++)
        if (strcmp(s_priority_names[i], name) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------ errors */

/*  Fills err with a bad_request (or other code) and returns rc.            */
static int
s_fail(pfp_error_t *err, const char *code, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
s_fail(pfp_error_t *err, const char *code, int rc, const char *fmt, ...)
{
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return rc;
}

/*  Copies up to S_SHOWN_NAME_MAX bytes of untrusted text into out for an
    error message, replacing anything unprintable by '?'.                   */
static void
s_printable(const void *data, size_t size, char *out, size_t out_size)
{
    const unsigned char *p = data;
    size_t n = size < out_size - 1 ? size : out_size - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char) p[i] : '?';
    out[n] = '\0';
}

/*  Explains a msgpack decoding failure of the body.                        */
static int
s_fail_msgpack(pfp_error_t *err, int rc)
{
    switch (rc) {
    case PF_ETOOBIG:
        return s_fail(err, "bad_request", rc, "body: a string or array exceeds its limit");
    case PF_EDEPTH:
        return s_fail(err, "bad_request", rc, "body: nested too deeply");
    case PF_ETRAILING:
        return s_fail(err, "bad_request", rc, "body: bytes after the msgpack map");
    default:
        return s_fail(err, "bad_request", rc, "body: malformed msgpack");
    }
}

/*  Looks for a usable req_id in a body that may fail strict decoding: walks
    the top-level map entry by entry and stops at the first entry it cannot
    read.  Writes it to out (PFP_REQ_ID_MAX + 1 bytes) if found.           */
static void
s_recover_req_id(const pf_frame_t *body, char *out)
{
    /*  Also for a body over PFP_BODY_MAX: the scan reads entry by entry
        under PF_LIMITS_DEFAULT and stops at the first it cannot read.      */
    if (body->size == 0)
        return;
    const uint8_t *p = body->data;
    size_t left = body->size;
    uint32_t count;
    size_t used;
    if (pf_msgpack_map_header(p, left, &count, &used) != 0)
        return;
    p += used;
    left -= used;
    for (uint32_t i = 0; i < count; i++) {
        pf_value_t *key = NULL;
        if (pf_msgpack_decode_prefix(p, left, &PF_LIMITS_DEFAULT, &key, &used) != 0)
            return;
        p += used;
        left -= used;
        size_t klen = 0;
        const char *k = pf_value_as_str(key, &klen);
        bool is_req_id = k && klen == strlen(s_keys[K_REQ_ID])
                         && memcmp(k, s_keys[K_REQ_ID], klen) == 0;
        pf_value_destroy(&key);
        if (is_req_id) {
            pf_value_t *value = NULL;
            if (pf_msgpack_decode_prefix(p, left, &PF_LIMITS_DEFAULT, &value, &used) != 0)
                return;
            size_t len;
            const char *s = pf_value_as_str(value, &len);
            if (s && len <= PFP_REQ_ID_MAX && strlen(s) == len)
                memcpy(out, s, len + 1);
            pf_value_destroy(&value);
            return;
        }
        if (pf_msgpack_check_prefix(p, left, &PF_LIMITS_DEFAULT, NULL, &used) != 0)
            return;
        p += used;
        left -= used;
    }
}

/* ------------------------------------------------------------ fields */

/*  Reads a string field of at most max bytes without NUL bytes.            */
static int
s_get_str(const pf_value_t *v, const char *what, size_t max, pfp_error_t *err,
          const char **s_p, size_t *len_p)
{
    size_t len;
    const char *s = pf_value_as_str(v, &len);
    if (!s)
        return s_fail(err, "bad_request", PF_ETYPE, "%s must be a string", what);
    if (strlen(s) != len)
        return s_fail(err, "bad_request", PF_ETYPE, "%s contains a NUL byte", what);
    if (len > max)
        return s_fail(err, "bad_request", PF_ETOOBIG, "%s is longer than %zu bytes",
                      what, max);
    *s_p = s;
    if (len_p)
        *len_p = len;
    return 0;
}

/*  Reads a string field into a new owned copy.                              */
static int
s_dup_str(const pf_value_t *v, const char *what, size_t max, pfp_error_t *err, char **out)
{
    const char *s = NULL;
    int rc = s_get_str(v, what, max, err, &s, NULL);
    if (rc == 0)
        *out = pf_strdup(s);
    return rc;
}

/*  Reads an array of 1..max_count strings of at most max_len bytes each
    into a new owned char* array.                                            */
static int
s_dup_str_array(const pf_value_t *v, const char *what, size_t max_count, size_t max_len,
                pfp_error_t *err, char ***out, size_t *count_p)
{
    if (!pf_value_is(v, PF_ARRAY))
        return s_fail(err, "bad_request", PF_ETYPE, "%s must be an array of strings", what);
    size_t n = pf_array_size(v);
    if (n > max_count)
        return s_fail(err, "bad_request", PF_ETOOBIG, "%s has more than %zu entries",
                      what, max_count);
    char item_what[64];
    snprintf(item_what, sizeof item_what, "every entry of %s", what);
    for (size_t i = 0; i < n; i++) {
        const char *s = NULL;
        int rc = s_get_str(pf_array_at(v, i), item_what, max_len, err, &s, NULL);
        if (rc)
            return rc;
    }
    char **list = pf_calloc(n ? n : 1, sizeof *list);
    for (size_t i = 0; i < n; i++)
        list[i] = pf_strdup(pf_value_as_str(pf_array_at(v, i), NULL));
    *out = list;
    *count_p = n;
    return 0;
}

static void
s_free_list(char ***list_p, size_t count)
{
    if (!*list_p)
        return;
    for (size_t i = 0; i < count; i++)
        free((*list_p)[i]);
    free(*list_p);
    *list_p = NULL;
}

static int
s_get_bool(const pf_value_t *v, const char *what, pfp_error_t *err, bool *out)
{
    if (!pf_value_is(v, PF_BOOL))
        return s_fail(err, "bad_request", PF_ETYPE, "%s must be true or false", what);
    *out = pf_value_as_bool(v, false);
    return 0;
}

static int
s_parse_modules(pfp_request_t *req, const pf_value_t *v, pfp_error_t *err)
{
    char **list = NULL;
    size_t n = 0;
    int rc = s_dup_str_array(v, "modules", PFP_MODULES_MAX, PFP_ID_MAX, err, &list, &n);
    if (rc)
        return rc;
    if (n == 0) {
        s_free_list(&list, n);
        return s_fail(err, "bad_request", PF_EMISSING,
                      "modules must not be empty (omit it to ask for all)");
    }
    /*  Only "all" (once or more) means every module: modules stays NULL.
        Any other name is kept, even next to "all", so that the coordinator
        can refuse an unknown one instead of ignoring it.                   */
    size_t alls = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], "all") == 0)
            alls++;
    if (alls == n) {
        s_free_list(&list, n);
        return 0;
    }
    req->modules = list;
    req->module_count = n;
    return 0;
}

/*  Stores the value of key k into req.                                      */
static int
s_parse_field(pfp_request_t *req, s_key_t k, const pf_value_t *v, pfp_error_t *err)
{
    const char *s = NULL;
    size_t len;
    int rc;
    switch (k) {
    case K_REQ_ID:
        rc = s_get_str(v, "req_id", PFP_REQ_ID_MAX, err, &s, &len);
        if (rc == 0)
            memcpy(req->req_id, s, len + 1);
        return rc;
    case K_DOMAIN:
        return s_dup_str(v, "domain", PFP_DOMAIN_IN_MAX, err, &req->domain);
    case K_DOMAINS:
        rc = s_dup_str_array(v, "domains", PFP_BATCH_HARD_MAX, PFP_DOMAIN_IN_MAX, err,
                             &req->domains, &req->domain_count);
        if (rc == 0 && req->domain_count == 0) {
            s_free_list(&req->domains, 0);
            return s_fail(err, "bad_request", PF_EMISSING, "empty batch");
        }
        return rc;
    case K_MODULES:
        return s_parse_modules(req, v, err);
    case K_PRIORITY: {
        rc = s_get_str(v, "priority", PFP_ID_MAX, err, &s, NULL);
        if (rc)
            return rc;
        int p = pfp_priority_from_name(s);
        if (p < 0)
            return s_fail(err, "bad_request", PF_EUNKNOWN,
                          "priority must be high, default or low");
        req->priority = (pfp_priority_t) p;
        return 0;
    }
    case K_ASYNC:
        return s_get_bool(v, "async", err, &req->async);
    case K_API_KEY:
        return s_dup_str(v, "api_key", PFP_ID_MAX, err, &req->api_key);
    case K_IDEMPOTENCY_KEY:
        rc = s_dup_str(v, "idempotency_key", PFP_ID_MAX, err, &req->idempotency_key);
        if (rc == 0 && req->idempotency_key[0] == '\0')
            return s_fail(err, "bad_request", PF_EMISSING,
                          "idempotency_key must not be empty (omit it instead)");
        return rc;
    case K_MAX_CONCURRENCY: {
        if (!pf_value_is(v, PF_INT) && !pf_value_is(v, PF_UINT))
            return s_fail(err, "bad_request", PF_ETYPE, "max_concurrency must be an integer");
        int64_t i = pf_value_as_int(v, INT64_MAX);
        if (i < 1)
            return s_fail(err, "bad_request", PF_ETYPE, "max_concurrency must be >= 1");
        if (i > UINT32_MAX)
            return s_fail(err, "bad_request", PF_ETOOBIG, "max_concurrency is too large");
        req->max_concurrency = (uint32_t) i;
        return 0;
    }
    case K_JOB_ID:
        return s_dup_str(v, "job_id", PFP_ID_MAX, err, &req->job_id);
    case K_BATCH_ID:
        return s_dup_str(v, "batch_id", PFP_ID_MAX, err, &req->batch_id);
    case K_INCLUDE_PARTIAL:
        return s_get_bool(v, "include_partial", err, &req->include_partial);
    case K_COUNT:
        break;
    }
    return s_fail(err, "internal", PF_EINVAL, "unhandled field");
}

/*  Fills req from the body map.                                             */
static int
s_parse_body(pfp_request_t *req, const pf_value_t *body, pfp_error_t *err)
{
    const char *cmd = s_cmd_names[req->cmd];
    uint32_t seen = 0;
    for (size_t i = 0; i < pf_map_size(body); i++) {
        size_t key_len;
        const char *key = pf_value_as_str(pf_map_key_at(body, i), &key_len);
        if (!key)
            return s_fail(err, "bad_request", PF_ETYPE, "body keys must be strings");
        int k = -1;
        for (int j = 0; j < K_COUNT; j++)
            if (strlen(s_keys[j]) == key_len && memcmp(s_keys[j], key, key_len) == 0)
                k = j;
        if (k < 0 || !(s_allowed[req->cmd] & B(k))) {
            char shown[S_SHOWN_NAME_MAX + 1];
            s_printable(key, key_len, shown, sizeof shown);
            return s_fail(err, "bad_request", PF_EUNKNOWN, "unknown field '%s' for %s",
                          shown, cmd);
        }
        if (seen & B(k))
            return s_fail(err, "bad_request", PF_EPROTO, "field '%s' given twice", s_keys[k]);
        seen |= B(k);
        int rc = s_parse_field(req, (s_key_t) k, pf_map_value_at(body, i), err);
        if (rc)
            return rc;
    }
    uint32_t missing = s_required[req->cmd] & ~seen;
    for (int j = 0; j < K_COUNT; j++)
        if (missing & B(j))
            return s_fail(err, "bad_request", PF_EMISSING, "%s needs field '%s'", cmd,
                          s_keys[j]);
    if (req->cmd == PFP_STATUS || req->cmd == PFP_CANCEL) {
        bool job = seen & B(K_JOB_ID), batch = seen & B(K_BATCH_ID);
        if (job == batch)
            return s_fail(err, "bad_request", job ? PF_EPROTO : PF_EMISSING,
                          "%s needs exactly one of job_id and batch_id", cmd);
    }
    return 0;
}

/*  Checks framing, version and command; returns the command or a failure. */
static int
s_check_frames(const pf_frame_t *frames, size_t count, pfp_error_t *err, int *cmd_p)
{
    if (count < 1 || frames[0].size != 0)
        return s_fail(err, "bad_request", PF_EPROTO, "expected an empty delimiter frame");
    /*  The version is judged before the frame count: a later version may
        frame its messages differently.                                     */
    if (count >= 2 && (frames[1].size != strlen(PFP_VERSION)
                       || memcmp(frames[1].data, PFP_VERSION, frames[1].size) != 0)) {
        char shown[S_SHOWN_NAME_MAX + 1];
        s_printable(frames[1].data, frames[1].size, shown, sizeof shown);
        return s_fail(err, "unsupported_version", PF_EVERSION,
                      "unsupported protocol '%s' (this server speaks %s)", shown,
                      PFP_VERSION);
    }
    if (count != S_REQUEST_FRAMES)
        return s_fail(err, "bad_request", PF_EPROTO,
                      "expected %d frames (empty, version, command, body), got %zu",
                      S_REQUEST_FRAMES, count);
    int cmd = pfp_cmd_from_name(frames[2].data, frames[2].size);
    if (cmd < 0) {
        char shown[S_SHOWN_NAME_MAX + 1];
        s_printable(frames[2].data, frames[2].size, shown, sizeof shown);
        return s_fail(err, "bad_request", PF_EUNKNOWN, "unknown command '%s'", shown);
    }
    *cmd_p = cmd;
    return 0;
}

int
pfp_request_decode(const pf_frame_t *frames, size_t count, pfp_request_t **req_p,
                   pfp_error_t *err)
{
    pfp_error_t scratch;
    if (!err)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (!req_p || (!frames && count))
        return s_fail(err, "internal", PF_EINVAL, "invalid arguments");

    int cmd = -1;
    int rc = s_check_frames(frames, count, err, &cmd);
    pf_value_t *body = NULL;
    if (rc == 0 && frames[3].size > PFP_BODY_MAX)
        rc = s_fail(err, "bad_request", PF_ETOOBIG, "body is larger than %u bytes",
                    PFP_BODY_MAX);
    if (rc == 0) {
        rc = pf_msgpack_decode(frames[3].data, frames[3].size, &PF_LIMITS_DEFAULT, &body);
        if (rc)
            s_fail_msgpack(err, rc);
    }
    if (rc == 0 && !pf_value_is(body, PF_MAP))
        rc = s_fail(err, "bad_request", PF_ETYPE, "body must be a msgpack map");
    pfp_request_t *req = NULL;
    if (rc == 0) {
        req = pf_calloc(1, sizeof *req);
        req->cmd = (pfp_cmd_t) cmd;
        req->priority = PFP_PRIORITY_DEFAULT;
        req->async = true;
        req->max_concurrency = PF_DEFAULT_BATCH_CONCURRENCY;
        req->include_partial = false;
        rc = s_parse_body(req, body, err);
    }
    pf_value_destroy(&body);
    if (rc) {
        pfp_request_destroy(&req);
        if (count >= S_REQUEST_FRAMES)
            s_recover_req_id(&frames[3], err->req_id);
        return rc;
    }
    *req_p = req;
    return 0;
}

void
pfp_request_destroy(pfp_request_t **req_p)
{
    if (!req_p || !*req_p)
        return;
    pfp_request_t *req = *req_p;
    free(req->domain);
    s_free_list(&req->domains, req->domain_count);
    s_free_list(&req->modules, req->module_count);
    free(req->api_key);
    free(req->idempotency_key);
    free(req->job_id);
    free(req->batch_id);
    free(req);
    *req_p = NULL;
}

/* ------------------------------------------------------------ encoder */

/*  Is s a field value the decoder takes: non-NULL, at most max bytes?     */
static bool
s_str_ok(const char *s, size_t max)
{
    return s && strnlen(s, max + 1) <= max;
}

/*  Is list[0..count) a list the decoder takes: 1..max_count strings of at
    most max_len bytes each?                                                 */
static bool
s_list_ok(char *const *list, size_t count, size_t max_count, size_t max_len)
{
    if (!list || count == 0 || count > max_count)
        return false;
    for (size_t i = 0; i < count; i++)
        if (!s_str_ok(list[i], max_len))
            return false;
    return true;
}

/*  The body keys req sets: the string and list fields that are non-NULL,
    and the flags and numbers of its command (which always have a value).  */
static uint32_t
s_keys_set(const pfp_request_t *req)
{
    uint32_t set = B(K_REQ_ID);
    set |= req->domain ? B(K_DOMAIN) : 0;
    set |= req->domains ? B(K_DOMAINS) : 0;
    set |= req->modules ? B(K_MODULES) : 0;
    set |= req->api_key ? B(K_API_KEY) : 0;
    set |= req->idempotency_key ? B(K_IDEMPOTENCY_KEY) : 0;
    set |= req->job_id ? B(K_JOB_ID) : 0;
    set |= req->batch_id ? B(K_BATCH_ID) : 0;
    set |= s_allowed[req->cmd]
           & (B(K_PRIORITY) | B(K_ASYNC) | B(K_MAX_CONCURRENCY) | B(K_INCLUDE_PARTIAL));
    return set;
}

/*  Would pfp_request_decode take the body s_keys_set(req) describes?       */
static bool
s_request_ok(const pfp_request_t *req, uint32_t set)
{
    if ((set & ~s_allowed[req->cmd]) || (s_required[req->cmd] & ~set))
        return false;
    if ((req->cmd == PFP_STATUS || req->cmd == PFP_CANCEL)
        && !(set & B(K_JOB_ID)) == !(set & B(K_BATCH_ID)))
        return false;
    if (strnlen(req->req_id, sizeof req->req_id) > PFP_REQ_ID_MAX)
        return false;
    if (req->domain && !s_str_ok(req->domain, PFP_DOMAIN_IN_MAX))
        return false;
    if (req->domains && !s_list_ok(req->domains, req->domain_count, PFP_BATCH_HARD_MAX,
                                   PFP_DOMAIN_IN_MAX))
        return false;
    if (req->modules ? !s_list_ok(req->modules, req->module_count, PFP_MODULES_MAX, PFP_ID_MAX)
                     : req->module_count != 0)
        return false;
    if ((unsigned) req->priority >= PFP_PRIORITY_COUNT)
        return false;
    if ((set & B(K_MAX_CONCURRENCY)) && req->max_concurrency < 1)
        return false;
    if (req->idempotency_key && (!s_str_ok(req->idempotency_key, PFP_ID_MAX)
                                 || req->idempotency_key[0] == '\0'))
        return false;
    const char *ids[] = { req->api_key, req->job_id, req->batch_id };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (ids[i] && !s_str_ok(ids[i], PFP_ID_MAX))
            return false;
    return true;
}

/*  An array value of list[0..count).                                        */
static pf_value_t *
s_str_array(char *const *list, size_t count)
{
    pf_value_t *array = pf_value_array();
    for (size_t i = 0; i < count; i++)
        pf_array_push_str(array, list[i]);
    return array;
}

int
pfp_request_encode(const pfp_request_t *req, pf_frame_t frames[PFP_REQUEST_ENCODED_FRAMES],
                   uint8_t **body_p)
{
    if (!req || !frames || !body_p || (unsigned) req->cmd >= PFP_CMD_COUNT)
        return PF_EINVAL;
    uint32_t set = s_keys_set(req);
    if (!s_request_ok(req, set))
        return PF_EINVAL;

    /*  Keys go out in s_keys order, req_id first.                          */
    pf_value_t *body = pf_value_map();
    pf_value_t *v;
    for (int k = 0; k < K_COUNT; k++) {
        if (!(set & B(k)))
            continue;
        switch ((s_key_t) k) {
        case K_REQ_ID: v = pf_value_str(req->req_id); break;
        case K_DOMAIN: v = pf_value_str(req->domain); break;
        case K_DOMAINS: v = s_str_array(req->domains, req->domain_count); break;
        case K_MODULES: v = s_str_array(req->modules, req->module_count); break;
        case K_PRIORITY: v = pf_value_str(pfp_priority_name(req->priority)); break;
        case K_ASYNC: v = pf_value_bool(req->async); break;
        case K_API_KEY: v = pf_value_str(req->api_key); break;
        case K_IDEMPOTENCY_KEY: v = pf_value_str(req->idempotency_key); break;
        case K_MAX_CONCURRENCY: v = pf_value_int(req->max_concurrency); break;
        case K_JOB_ID: v = pf_value_str(req->job_id); break;
        case K_BATCH_ID: v = pf_value_str(req->batch_id); break;
        case K_INCLUDE_PARTIAL: v = pf_value_bool(req->include_partial); break;
        case K_COUNT: v = NULL; break;   /* never in set */
        }
        pf_map_set(body, s_keys[k], &v);
    }
    uint8_t *data = NULL;
    size_t size = 0;
    int rc = pf_msgpack_encode(body, &data, &size);
    pf_value_destroy(&body);
    if (rc)
        return rc;
    const char *name = s_cmd_names[req->cmd];
    frames[0] = (pf_frame_t) { PFP_VERSION, strlen(PFP_VERSION) };
    frames[1] = (pf_frame_t) { name, strlen(name) };
    frames[2] = (pf_frame_t) { data, size };
    *body_p = data;
    return 0;
}

pf_value_t *
pfp_error_body(const char *req_id, const char *code, const char *message)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "req_id", req_id ? req_id : "");
    pf_map_set_str(body, "code", code ? code : "internal");
    pf_map_set_str(body, "message", message ? message : "");
    return body;
}

int
pfp_reply_decode(const pf_frame_t *frames, size_t count, char command[16],
                 pf_value_t **body_p)
{
    if (!frames || !command || !body_p)
        return PF_EINVAL;
    if (count != S_REPLY_FRAMES)
        return PF_EPROTO;
    if (frames[0].size != strlen(PFP_VERSION)
        || memcmp(frames[0].data, PFP_VERSION, frames[0].size) != 0)
        return PF_EVERSION;
    /*  Reply commands are short upper-case words (PONG, ACCEPTED, ...).    */
    const char *name = frames[1].data;
    if (frames[1].size == 0 || frames[1].size >= S_REPLY_COMMAND_SIZE)
        return PF_EPROTO;
    for (size_t i = 0; i < frames[1].size; i++)
        if (!((name[i] >= 'A' && name[i] <= 'Z') || name[i] == '_'))
            return PF_EPROTO;
    pf_value_t *body = NULL;
    int rc = pf_msgpack_decode(frames[2].data, frames[2].size, &PF_LIMITS_PAYLOAD, &body);
    if (rc)
        return rc;
    if (!pf_value_is(body, PF_MAP)) {
        pf_value_destroy(&body);
        return PF_ETYPE;
    }
    memcpy(command, name, frames[1].size);
    command[frames[1].size] = '\0';
    *body_p = body;
    return 0;
}
