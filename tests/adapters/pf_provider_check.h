/*  pf_provider_check.h — what the provider test programs share.

    Fixture bodies live in tests/adapters/fixtures/<provider>/, found from
    this header's own path (the tests have no define for it).  Arguments
    are written as JSON text and turned into the pf_value map build()
    takes; answers are read back by dotted paths ("technologies.0.name").
    Answers a parse must refuse are written as tables (pfpc_refusal_t), so
    one list serves every operation of a provider.                         */
#ifndef PF_PROVIDER_CHECK_H
#define PF_PROVIDER_CHECK_H

#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check_json.h"
#include "pf_error.h"
#include "pf_provider.h"
#include "pf_value.h"

/*  The number of elements of an array (not a pointer).                     */
#define PFPC_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*  Reads fixtures/<provider>/<name> into a NUL-terminated buffer the caller
    free()s; *size its length.  Fails the test when it cannot.             */
static inline char *
pfpc_fixture(const char *provider, const char *name, size_t *size)
{
    char path[4096];
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    int dir_len = slash ? (int)(slash - file) : 1;
    snprintf(path, sizeof path, "%.*s/fixtures/%s/%s", dir_len, slash ? file : ".", provider,
             name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open fixture %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    ck_assert_int_ge(len, 0);
    char *buf = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    buf[len] = '\0';
    if (size)
        *size = (size_t)len;
    return buf;
}

/*  The pf_value written as JSON text (any JSON value: arguments that are
    not a map are a case build() must refuse too).                          */
static inline pf_value_t *
pfpc_value(const char *json_text)
{
    return pf_check_json_value(json_text);
}

/*  The argument map written as JSON text (an object).                      */
static inline pf_value_t *
pfpc_args(const char *json_text)
{
    pf_value_t *v = pfpc_value(json_text);
    ck_assert_msg(pf_value_is(v, PF_MAP), "test args %s: not an object", json_text);
    return v;
}

/*  The value at a dotted path ("a.0.b": map key, array index, map key), or
    NULL when any step is missing.                                          */
static inline const pf_value_t *
pfpc_get(const pf_value_t *v, const char *path)
{
    char step[256];
    while (v && *path) {
        size_t len = strcspn(path, ".");
        ck_assert_uint_lt(len, sizeof step);
        memcpy(step, path, len);
        step[len] = '\0';
        path += len + (path[len] == '.');
        if (pf_value_is(v, PF_ARRAY)) {
            char *end;
            unsigned long i = strtoul(step, &end, 10);
            v = *end ? NULL : pf_array_at(v, i);
        } else {
            v = pf_map_get(v, step);
        }
    }
    return v;
}

/*  The string at path; fails the test when there is none.                 */
static inline const char *
pfpc_str(const pf_value_t *v, const char *path)
{
    const char *s = pf_value_as_str(pfpc_get(v, path), NULL);
    ck_assert_msg(s != NULL, "no string at %s", path);
    return s;
}

/*  The integer at path; fails the test when there is none.                 */
static inline int64_t
pfpc_int(const pf_value_t *v, const char *path)
{
    const pf_value_t *x = pfpc_get(v, path);
    ck_assert_msg(pf_value_is(x, PF_INT), "no integer at %s", path);
    return pf_value_as_int(x, 0);
}

/*  The number (int or float) at path; fails the test when there is none.  */
static inline double
pfpc_num(const pf_value_t *v, const char *path)
{
    const pf_value_t *x = pfpc_get(v, path);
    ck_assert_msg(pf_value_is(x, PF_INT) || pf_value_is(x, PF_FLOAT), "no number at %s", path);
    return pf_value_as_float(x, 0);
}

/*  The boolean at path; fails the test when there is none.                 */
static inline bool
pfpc_bool(const pf_value_t *v, const char *path)
{
    const pf_value_t *x = pfpc_get(v, path);
    ck_assert_msg(pf_value_is(x, PF_BOOL), "no boolean at %s", path);
    return pf_value_as_bool(x, false);
}

/*  Builds op of provider with args (JSON text, normally an object) and
    conf; returns the status with req and err filled.                       */
static inline int
pfpc_build(const pf_provider_t *provider, const char *op, const pf_provider_conf_t *conf,
           const char *args_json, pf_provider_request_t *req, pf_provider_error_t *err)
{
    const pf_provider_op_t *o = pf_provider_op(provider, op);
    ck_assert_msg(o != NULL, "no op %s", op);
    pf_value_t *args = pfpc_value(args_json);
    memset(req, 0, sizeof *req);
    memset(err, 0, sizeof *err);
    int rc = o->build(conf, args, req, err);
    pf_value_destroy(&args);
    return rc;
}

/*  Expects the build to succeed (req filled); fails the test with the
    provider's message when it does not.                                    */
static inline void
pfpc_build_ok(const pf_provider_t *provider, const char *op, const pf_provider_conf_t *conf,
              const char *args_json, pf_provider_request_t *req)
{
    pf_provider_error_t err;
    int rc = pfpc_build(provider, op, conf, args_json, req, &err);
    ck_assert_msg(rc == PF_OK, "%s %s: %d %s %s", op, args_json, rc, err.code, err.message);
}

/*  Builds op with args and expects the URL and the fetch key exactly, no
    header, and — for providers that send their key in the query as
    key_param=… — the key in the URL and neither the key nor key_param in
    the fetch key (the cache must not hold secrets).                        */
static inline void
pfpc_expect_query_key(const pf_provider_t *provider, const char *op,
                      const pf_provider_conf_t *conf, const char *args_json, const char *url,
                      const char *fetch_key, const char *key_param)
{
    pf_provider_request_t req;
    pfpc_build_ok(provider, op, conf, args_json, &req);
    ck_assert_str_eq(req.url, url);
    ck_assert_str_eq(req.fetch_key, fetch_key);
    ck_assert_uint_eq(req.header_count, 0);
    if (conf->key && *conf->key) {
        char param[64];
        snprintf(param, sizeof param, "%s=", key_param);
        ck_assert_ptr_nonnull(strstr(req.url, param));
        ck_assert_ptr_null(strstr(req.fetch_key, conf->key));
        ck_assert_ptr_null(strstr(req.fetch_key, key_param));
    }
}

/*  Expects build with conf to refuse args with "invalid_args" and to say
    why.                                                                    */
static inline void
pfpc_build_refused_with(const pf_provider_t *provider, const char *op,
                        const pf_provider_conf_t *conf, const char *args_json)
{
    pf_provider_request_t req;
    pf_provider_error_t err;
    ck_assert_msg(pfpc_build(provider, op, conf, args_json, &req, &err) == PF_EINVAL,
                  "%s accepted %s", op, args_json);
    ck_assert_str_eq(err.code, "invalid_args");
    ck_assert_msg(err.message[0] != '\0', "no message for %s", args_json);
}

/*  The same with a conf holding a key and nothing else.                    */
static inline void
pfpc_build_refused(const pf_provider_t *provider, const char *op, const char *args_json)
{
    pf_provider_conf_t conf = {.key = "k"};
    pfpc_build_refused_with(provider, op, &conf, args_json);
}

/*  Expects build with conf (NULL: a key only) to refuse each of the n
    argument texts.                                                         */
static inline void
pfpc_build_refused_all(const pf_provider_t *provider, const char *op,
                       const pf_provider_conf_t *conf, const char *const *args_json, size_t n)
{
    pf_provider_conf_t key_only = {.key = "k"};
    for (size_t i = 0; i < n; i++)
        pfpc_build_refused_with(provider, op, conf ? conf : &key_only, args_json[i]);
}

/*  Parses body (NUL-terminated text) with op; returns the status with *out
    (the caller destroys it) or err filled.                                 */
static inline int
pfpc_parse(const pf_provider_t *provider, const char *op, long status, const char *body,
           pf_value_t **out, pf_provider_error_t *err)
{
    const pf_provider_op_t *o = pf_provider_op(provider, op);
    ck_assert_msg(o != NULL, "no op %s", op);
    memset(err, 0, sizeof *err);
    *out = NULL;
    int rc = o->parse(status, body, strlen(body), out, err);
    if (rc == PF_OK)
        ck_assert_msg(pf_value_is(*out, PF_MAP), "%s: parse did not give a map", op);
    else
        ck_assert_msg(*out == NULL, "%s: failed parse set *out", op);
    return rc;
}

/*  Parses a fixture file.                                                  */
static inline int
pfpc_parse_fixture(const pf_provider_t *provider, const char *op, long status,
                   const char *fixture, pf_value_t **out, pf_provider_error_t *err)
{
    char *body = pfpc_fixture(provider->name, fixture, NULL);
    int rc = pfpc_parse(provider, op, status, body, out, err);
    free(body);
    return rc;
}

/*  Parses a 200 answer that must be accepted; returns the map (the caller
    destroys it), failing the test with the provider's message otherwise.  */
static inline pf_value_t *
pfpc_ok(const pf_provider_t *provider, const char *op, const char *body)
{
    pf_value_t *out;
    pf_provider_error_t err;
    int rc = pfpc_parse(provider, op, 200, body, &out, &err);
    ck_assert_msg(rc == PF_OK, "%s (%.60s): %d %s %s", op, body, rc, err.code, err.message);
    return out;
}

/*  The same for a fixture file.                                            */
static inline pf_value_t *
pfpc_ok_fixture(const pf_provider_t *provider, const char *op, const char *fixture)
{
    char *body = pfpc_fixture(provider->name, fixture, NULL);
    pf_value_t *out = pfpc_ok(provider, op, body);
    free(body);
    return out;
}

/*  Expects parse to fail with code (and status rc).                        */
static inline void
pfpc_parse_fails(const pf_provider_t *provider, const char *op, long status, const char *body,
                 int rc, const char *code)
{
    pf_value_t *out;
    pf_provider_error_t err;
    int got = pfpc_parse(provider, op, status, body, &out, &err);
    ck_assert_msg(got == rc, "%s (HTTP %ld, %.60s): status %d, want %d (%s)", op, status, body,
                  got, rc, err.code);
    ck_assert_str_eq(err.code, code);
    ck_assert_msg(err.message[0] != '\0', "no message");
}

/*  Expects op to refuse each 200 answer of the NULL-terminated list as
    "bad_response": JSON whose shape is not the provider's.                 */
static inline void __attribute__((sentinel))
pfpc_bad_shapes(const pf_provider_t *provider, const char *op, ...)
{
    va_list ap;
    va_start(ap, op);
    for (const char *body = va_arg(ap, const char *); body; body = va_arg(ap, const char *))
        pfpc_parse_fails(provider, op, 200, body, PF_EPROTO, "bad_response");
    va_end(ap);
}

/*  One answer a parse must refuse.                                         */
typedef struct {
    long status;            /* the HTTP status given to parse               */
    const char *body;       /* the body, or with from_fixture its file name */
    bool from_fixture;      /* body names a file of the provider's fixtures */
    int rc;                 /* the status parse must return                 */
    const char *code;       /* the error code it must set                   */
} pfpc_refusal_t;

/*  Table rows: an answer written in place, or read from a fixture file.    */
#define PFPC_BODY(status, body, rc, code) {(status), (body), false, (rc), (code)}
#define PFPC_FILE(status, file, rc, code) {(status), (file), true, (rc), (code)}

/*  Expects op to refuse each of the n answers as the table says.          */
static inline void
pfpc_refusals(const pf_provider_t *provider, const char *op, const pfpc_refusal_t *table,
              size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const pfpc_refusal_t *r = &table[i];
        char *file = r->from_fixture ? pfpc_fixture(provider->name, r->body, NULL) : NULL;
        pfpc_parse_fails(provider, op, r->status, file ? file : r->body, r->rc, r->code);
        free(file);
    }
}

/*  pfpc_refusals for every operation of provider: error answers that do
    not depend on the operation.                                            */
static inline void
pfpc_refusals_every_op(const pf_provider_t *provider, const pfpc_refusal_t *table, size_t n)
{
    for (size_t i = 0; i < provider->op_count; i++)
        pfpc_refusals(provider, provider->ops[i].name, table, n);
}

/*  The failures every parse shares: statuses (with and without a body),
    non-JSON, JSON that is no object, truncated, empty.                    */
static inline void
pfpc_common_failures(const pf_provider_t *provider, const char *op, const char *good_body)
{
    static const pfpc_refusal_t common[] = {
        PFPC_BODY(401, "{}", PF_EINVAL, "unauthorized"),
        PFPC_BODY(401, "", PF_EINVAL, "unauthorized"),
        PFPC_BODY(403, "<html>Forbidden</html>", PF_EINVAL, "unauthorized"),
        PFPC_BODY(403, "", PF_EINVAL, "unauthorized"),
        PFPC_BODY(404, "", PF_ENOTFOUND, "not_found"),
        PFPC_BODY(400, "bad request", PF_EINVAL, "provider_rejected"),
        PFPC_BODY(400, "", PF_EINVAL, "provider_rejected"),
        PFPC_BODY(500, "oops", PF_EPROTO, "provider_error"),
        PFPC_BODY(500, "", PF_EPROTO, "provider_error"),
        PFPC_BODY(502, "", PF_EPROTO, "provider_error"),
    };
    pfpc_refusals(provider, op, common, PFPC_COUNT(common));
    pfpc_parse_fails(provider, op, 503, good_body, PF_EPROTO, "provider_error");
    pfpc_bad_shapes(provider, op, "<html>not json</html>", "", "null", "\"text\"", "not json",
                    NULL);
    /*  Every proper prefix of a good answer is refused, never crashes.    */
    size_t len = strlen(good_body);
    char *cut = malloc(len + 1);
    ck_assert_ptr_nonnull(cut);
    for (size_t n = 0; n < len; n++) {
        memcpy(cut, good_body, n);
        cut[n] = '\0';
        /*  A prefix that is itself complete JSON (only whitespace cut off)
            is a valid answer; everything shorter must fail.               */
        json_t *j = json_loads(cut, 0, NULL);
        bool complete = j != NULL;
        json_decref(j);
        if (complete)
            continue;
        pf_value_t *out;
        pf_provider_error_t err;
        ck_assert_int_eq(pfpc_parse(provider, op, 200, cut, &out, &err), PF_EPROTO);
        ck_assert_str_eq(err.code, "bad_response");
    }
    free(cut);
}

/*  pfpc_common_failures for each {op, fixture file of a good answer}.      */
static inline void
pfpc_common_failures_files(const pf_provider_t *provider, const char *const files[][2],
                           size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *body = pfpc_fixture(provider->name, files[i][1], NULL);
        pfpc_common_failures(provider, files[i][0], body);
        free(body);
    }
}

#endif
