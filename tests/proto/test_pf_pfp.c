/*  test_pf_pfp.c — unit tests of the PFP/1 client protocol codec
    (proto/pf_pfp.c): every malformed case of docs/PROTOCOL.md, each
    command's fields, and req_id recovery for ERROR replies.                */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_pfp.h"
#include "pf_value.h"

/*  Decodes [""][version][command][body bytes].                              */
static int
s_decode_raw(const char *version, const char *command, const void *body, size_t size,
             pfp_request_t **req_p, pfp_error_t *err)
{
    pf_frame_t frames[4] = {
        { "", 0 }, { version, strlen(version) }, { command, strlen(command) }, { body, size },
    };
    return pfp_request_decode(frames, 4, req_p, err);
}

/*  Encodes body (consumed) and decodes it as a PFP/1 request of command. */
static int
s_decode(const char *command, pf_value_t *body, pfp_request_t **req_p, pfp_error_t *err)
{
    uint8_t *data;
    size_t size;
    ck_assert_int_eq(pf_msgpack_encode(body, &data, &size), 0);
    pf_value_destroy(&body);
    int rc = s_decode_raw(PFP_VERSION, command, data, size, req_p, err);
    free(data);
    return rc;
}

/*  A body {req_id: "r-1"}.                                                  */
static pf_value_t *
s_body(void)
{
    pf_value_t *b = pf_value_map();
    pf_map_set_str(b, "req_id", "r-1");
    return b;
}

/*  Expects a refusal with code (and req_id echo) and no request.          */
static void
s_expect_error(const char *command, pf_value_t *body, const char *code, const char *req_id,
               const char *what)
{
    pfp_request_t *req = NULL;
    pfp_error_t err;
    int rc = s_decode(command, body, &req, &err);
    ck_assert_msg(rc < 0, "%s: accepted", what);
    ck_assert_ptr_null(req);
    ck_assert_msg(err.code && strcmp(err.code, code) == 0, "%s: code %s", what,
                  err.code ? err.code : "(null)");
    ck_assert_msg(strcmp(err.req_id, req_id) == 0, "%s: req_id '%s'", what, err.req_id);
    ck_assert_msg(err.message[0] != '\0', "%s: no message", what);
}

/*  Expects success and returns the request.                                 */
static pfp_request_t *
s_expect_ok(const char *command, pf_value_t *body)
{
    pfp_request_t *req = NULL;
    pfp_error_t err;
    int rc = s_decode(command, body, &req, &err);
    ck_assert_msg(rc == 0, "%s refused: %s %s", command, err.code, err.message);
    ck_assert_ptr_nonnull(req);
    return req;
}

/*  A string value of n 'a's.                                                */
static pf_value_t *
s_long(size_t n)
{
    char *text = malloc(n + 1);
    memset(text, 'a', n);
    pf_value_t *v = pf_value_strn(text, n);
    free(text);
    return v;
}

/*  s_body() plus key = value (consumed).                                    */
static pf_value_t *
s_with(pf_value_t *body, const char *key, pf_value_t *value)
{
    pf_map_set(body, key, &value);
    return body;
}

/*  An array of the given strings.                                           */
static pf_value_t *
s_strs(size_t n, const char *const *items)
{
    pf_value_t *a = pf_value_array();
    for (size_t i = 0; i < n; i++)
        pf_array_push_str(a, items[i]);
    return a;
}

START_TEST(test_names)
{
    const char *names[] = { "PING", "ENRICH", "BATCH", "STATUS", "RESULTS", "CANCEL" };
    for (int i = 0; i < PFP_CMD_COUNT; i++) {
        ck_assert_str_eq(pfp_cmd_name((pfp_cmd_t) i), names[i]);
        ck_assert_int_eq(pfp_cmd_from_name(names[i], strlen(names[i])), i);
    }
    ck_assert_ptr_null(pfp_cmd_name(PFP_CMD_COUNT));
    ck_assert_int_eq(pfp_cmd_from_name("ping", 4), -1);
    ck_assert_int_eq(pfp_cmd_from_name("PIN", 3), -1);
    ck_assert_int_eq(pfp_cmd_from_name(NULL, 0), -1);
    ck_assert_str_eq(pfp_priority_name(PFP_PRIORITY_HIGH), "high");
    ck_assert_str_eq(pfp_priority_name(PFP_PRIORITY_DEFAULT), "default");
    ck_assert_str_eq(pfp_priority_name(PFP_PRIORITY_LOW), "low");
    ck_assert_ptr_null(pfp_priority_name(PFP_PRIORITY_COUNT));
    ck_assert_int_eq(pfp_priority_from_name("low"), PFP_PRIORITY_LOW);
    ck_assert_int_eq(pfp_priority_from_name("HIGH"), -1);
    ck_assert_int_eq(pfp_priority_from_name(NULL), -1);
}
END_TEST

START_TEST(test_ping)
{
    pfp_request_t *req = s_expect_ok("PING", s_body());
    ck_assert_int_eq(req->cmd, PFP_PING);
    ck_assert_str_eq(req->req_id, "r-1");
    pfp_request_destroy(&req);
    ck_assert_ptr_null(req);
    pfp_request_destroy(&req);
    pfp_request_destroy(NULL);
    s_expect_error("PING", s_with(s_body(), "domain", pf_value_str("a.com")), "bad_request",
                   "r-1", "PING with domain");
    s_expect_error("PING", pf_value_map(), "bad_request", "", "PING without req_id");
}
END_TEST

START_TEST(test_enrich_defaults_and_fields)
{
    pfp_request_t *req = s_expect_ok("ENRICH", s_with(s_body(), "domain",
                                                      pf_value_str("Stripe.COM")));
    ck_assert_int_eq(req->cmd, PFP_ENRICH);
    ck_assert_str_eq(req->domain, "Stripe.COM");   /* as sent */
    ck_assert_ptr_null(req->modules);
    ck_assert_uint_eq(req->module_count, 0);
    ck_assert_int_eq(req->priority, PFP_PRIORITY_DEFAULT);
    ck_assert(req->async);
    ck_assert_ptr_null(req->api_key);
    ck_assert_ptr_null(req->idempotency_key);
    pfp_request_destroy(&req);

    const char *mods[] = { "company_context", "tech_stack" };
    pf_value_t *b = s_with(s_body(), "domain", pf_value_str("127.0.0.1"));
    b = s_with(b, "modules", s_strs(2, mods));
    b = s_with(b, "priority", pf_value_str("high"));
    b = s_with(b, "async", pf_value_bool(false));
    b = s_with(b, "api_key", pf_value_str("key-1"));
    b = s_with(b, "idempotency_key", s_long(PFP_ID_MAX));
    req = s_expect_ok("ENRICH", b);
    ck_assert_str_eq(req->domain, "127.0.0.1");   /* validity is pf_domain's job */
    ck_assert_uint_eq(req->module_count, 2);
    ck_assert_str_eq(req->modules[0], "company_context");
    ck_assert_str_eq(req->modules[1], "tech_stack");
    ck_assert_int_eq(req->priority, PFP_PRIORITY_HIGH);
    ck_assert(!req->async);
    ck_assert_str_eq(req->api_key, "key-1");
    ck_assert_uint_eq(strlen(req->idempotency_key), PFP_ID_MAX);
    pfp_request_destroy(&req);

    const char *all[] = { "all" };
    req = s_expect_ok("ENRICH", s_with(s_with(s_body(), "domain", pf_value_str("a.com")),
                                       "modules", s_strs(1, all)));
    ck_assert_ptr_null(req->modules);
    pfp_request_destroy(&req);

    /*  A name next to "all" is kept so the coordinator can check it.       */
    const char *mixed[] = { "all", "nope" };
    req = s_expect_ok("ENRICH", s_with(s_with(s_body(), "domain", pf_value_str("a.com")),
                                       "modules", s_strs(2, mixed)));
    ck_assert_uint_eq(req->module_count, 2);
    ck_assert_str_eq(req->modules[1], "nope");
    pfp_request_destroy(&req);

    s_expect_error("ENRICH", s_with(s_with(s_body(), "domain", pf_value_str("a.com")),
                                    "idempotency_key", pf_value_str("")),
                   "bad_request", "r-1", "empty idempotency_key");

    req = s_expect_ok("ENRICH", s_with(s_with(s_body(), "domain", s_long(PFP_DOMAIN_IN_MAX)),
                                       "priority", pf_value_str("low")));
    ck_assert_int_eq(req->priority, PFP_PRIORITY_LOW);
    pfp_request_destroy(&req);
}
END_TEST

/*  ENRICH body with a domain plus key = value.                              */
static pf_value_t *
s_enrich(const char *key, pf_value_t *value)
{
    pf_value_t *b = s_with(s_body(), "domain", pf_value_str("a.com"));
    return s_with(b, key, value);
}

START_TEST(test_enrich_refusals)
{
    s_expect_error("ENRICH", s_body(), "bad_request", "r-1", "no domain");
    s_expect_error("ENRICH", s_with(s_body(), "domain", pf_value_int(1)), "bad_request", "r-1",
                   "domain int");
    s_expect_error("ENRICH", s_with(s_body(), "domain", s_long(PFP_DOMAIN_IN_MAX + 1)),
                   "bad_request", "r-1", "domain too long");
    s_expect_error("ENRICH", s_with(s_body(), "domain", pf_value_strn("a.com\0x", 7)),
                   "bad_request", "r-1", "domain with NUL");
    s_expect_error("ENRICH", s_enrich("modules", pf_value_str("all")), "bad_request", "r-1",
                   "modules not an array");
    s_expect_error("ENRICH", s_enrich("modules", pf_value_array()), "bad_request", "r-1",
                   "modules empty");
    pf_value_t *mixed = pf_value_array();
    pf_array_push_str(mixed, "tech_stack");
    pf_value_t *one = pf_value_int(1);
    pf_array_push(mixed, &one);
    s_expect_error("ENRICH", s_enrich("modules", mixed), "bad_request", "r-1",
                   "modules with an int");
    pf_value_t *many = pf_value_array();
    for (int i = 0; i <= PFP_MODULES_MAX; i++)
        pf_array_push_str(many, "m");
    s_expect_error("ENRICH", s_enrich("modules", many), "bad_request", "r-1",
                   "too many modules");
    pf_value_t *long_name = pf_value_array();
    pf_value_t *name = s_long(PFP_ID_MAX + 1);
    pf_array_push(long_name, &name);
    s_expect_error("ENRICH", s_enrich("modules", long_name), "bad_request", "r-1",
                   "module name too long");
    s_expect_error("ENRICH", s_enrich("priority", pf_value_str("urgent")), "bad_request",
                   "r-1", "priority unknown");
    s_expect_error("ENRICH", s_enrich("priority", pf_value_int(0)), "bad_request", "r-1",
                   "priority int");
    s_expect_error("ENRICH", s_enrich("async", pf_value_str("yes")), "bad_request", "r-1",
                   "async str");
    s_expect_error("ENRICH", s_enrich("async", pf_value_int(1)), "bad_request", "r-1",
                   "async int");
    s_expect_error("ENRICH", s_enrich("api_key", pf_value_int(1)), "bad_request", "r-1",
                   "api_key int");
    s_expect_error("ENRICH", s_enrich("api_key", s_long(PFP_ID_MAX + 1)), "bad_request",
                   "r-1", "api_key too long");
    s_expect_error("ENRICH", s_enrich("idempotency_key", s_long(PFP_ID_MAX + 1)),
                   "bad_request", "r-1", "idempotency_key too long");
    s_expect_error("ENRICH", s_enrich("idempotency_key", pf_value_nil()), "bad_request",
                   "r-1", "idempotency_key nil");
    s_expect_error("ENRICH", s_enrich("domains", pf_value_array()), "bad_request", "r-1",
                   "BATCH field in ENRICH");
    s_expect_error("ENRICH", s_enrich("max_concurrency", pf_value_int(2)), "bad_request",
                   "r-1", "BATCH field in ENRICH");
    s_expect_error("ENRICH", s_enrich("colour", pf_value_str("red")), "bad_request", "r-1",
                   "unknown key");
}
END_TEST

START_TEST(test_batch)
{
    const char *doms[] = { "a.com", "b.org", "" };
    pfp_request_t *req = s_expect_ok("BATCH", s_with(s_body(), "domains", s_strs(3, doms)));
    ck_assert_int_eq(req->cmd, PFP_BATCH);
    ck_assert_uint_eq(req->domain_count, 3);
    ck_assert_str_eq(req->domains[1], "b.org");
    ck_assert_str_eq(req->domains[2], "");
    ck_assert_uint_eq(req->max_concurrency, 10);
    ck_assert_int_eq(req->priority, PFP_PRIORITY_DEFAULT);
    ck_assert_ptr_null(req->modules);
    pfp_request_destroy(&req);

    const char *mods[] = { "tech_stack" };
    pf_value_t *b = s_with(s_body(), "domains", s_strs(1, doms));
    b = s_with(b, "max_concurrency", pf_value_int(3));
    b = s_with(b, "priority", pf_value_str("low"));
    b = s_with(b, "modules", s_strs(1, mods));
    b = s_with(b, "api_key", pf_value_str("k"));
    req = s_expect_ok("BATCH", b);
    ck_assert_uint_eq(req->max_concurrency, 3);
    ck_assert_int_eq(req->priority, PFP_PRIORITY_LOW);
    ck_assert_uint_eq(req->module_count, 1);
    ck_assert_str_eq(req->api_key, "k");
    pfp_request_destroy(&req);

    /*  The codec's hard cap is accepted.                                    */
    pf_value_t *big = pf_value_array();
    for (int i = 0; i < PFP_BATCH_HARD_MAX; i++)
        pf_array_push_str(big, "x.io");
    req = s_expect_ok("BATCH", s_with(s_body(), "domains", big));
    ck_assert_uint_eq(req->domain_count, PFP_BATCH_HARD_MAX);
    pfp_request_destroy(&req);
}
END_TEST

/*  BATCH body with one domain plus key = value.                             */
static pf_value_t *
s_batch(const char *key, pf_value_t *value)
{
    const char *doms[] = { "a.com" };
    return s_with(s_with(s_body(), "domains", s_strs(1, doms)), key, value);
}

START_TEST(test_batch_refusals)
{
    s_expect_error("BATCH", s_body(), "bad_request", "r-1", "no domains");
    pfp_request_t *req = NULL;
    pfp_error_t err;
    ck_assert_int_lt(s_decode("BATCH", s_with(s_body(), "domains", pf_value_array()), &req,
                              &err), 0);
    ck_assert_str_eq(err.code, "bad_request");
    ck_assert_str_eq(err.message, "empty batch");
    ck_assert_str_eq(err.req_id, "r-1");
    s_expect_error("BATCH", s_with(s_body(), "domains", pf_value_str("a.com")), "bad_request",
                   "r-1", "domains a string");
    pf_value_t *mixed = pf_value_array();
    pf_array_push_str(mixed, "a.com");
    pf_value_t *nil = pf_value_nil();
    pf_array_push(mixed, &nil);
    s_expect_error("BATCH", s_with(s_body(), "domains", mixed), "bad_request", "r-1",
                   "domains with nil");
    pf_value_t *too_long = pf_value_array();
    pf_value_t *d = s_long(PFP_DOMAIN_IN_MAX + 1);
    pf_array_push(too_long, &d);
    s_expect_error("BATCH", s_with(s_body(), "domains", too_long), "bad_request", "r-1",
                   "domain too long");
    pf_value_t *over = pf_value_array();
    for (int i = 0; i <= PFP_BATCH_HARD_MAX; i++)
        pf_array_push_str(over, "x.io");
    s_expect_error("BATCH", s_with(s_body(), "domains", over), "bad_request", "r-1",
                   "too many domains");
    s_expect_error("BATCH", s_batch("max_concurrency", pf_value_int(0)), "bad_request", "r-1",
                   "max_concurrency 0");
    s_expect_error("BATCH", s_batch("max_concurrency", pf_value_int(-4)), "bad_request",
                   "r-1", "max_concurrency negative");
    s_expect_error("BATCH", s_batch("max_concurrency", pf_value_str("5")), "bad_request",
                   "r-1", "max_concurrency str");
    s_expect_error("BATCH", s_batch("max_concurrency", pf_value_float(2.0)), "bad_request",
                   "r-1", "max_concurrency float");
    s_expect_error("BATCH", s_batch("max_concurrency", pf_value_int((int64_t) UINT32_MAX + 1)),
                   "bad_request", "r-1", "max_concurrency huge");
    s_expect_error("BATCH", s_batch("max_concurrency", pf_value_uint(UINT64_MAX)),
                   "bad_request", "r-1", "max_concurrency uint64");
    s_expect_error("BATCH", s_batch("priority", pf_value_str("")), "bad_request", "r-1",
                   "priority empty");
    s_expect_error("BATCH", s_batch("domain", pf_value_str("a.com")), "bad_request", "r-1",
                   "ENRICH field in BATCH");
    s_expect_error("BATCH", s_batch("idempotency_key", pf_value_str("k")), "bad_request",
                   "r-1", "idempotency_key in BATCH");
    s_expect_error("BATCH", s_batch("async", pf_value_bool(true)), "bad_request", "r-1",
                   "async in BATCH");
}
END_TEST

START_TEST(test_status_results_cancel)
{
    const char *either[] = { "STATUS", "CANCEL" };
    for (int i = 0; i < 2; i++) {
        pfp_request_t *req = s_expect_ok(either[i], s_with(s_body(), "job_id",
                                                           pf_value_str("job-1")));
        ck_assert_str_eq(req->job_id, "job-1");
        ck_assert_ptr_null(req->batch_id);
        pfp_request_destroy(&req);
        req = s_expect_ok(either[i], s_with(s_body(), "batch_id", pf_value_str("b-1")));
        ck_assert_str_eq(req->batch_id, "b-1");
        ck_assert_ptr_null(req->job_id);
        pfp_request_destroy(&req);
        s_expect_error(either[i], s_body(), "bad_request", "r-1", "neither id");
        s_expect_error(either[i], s_with(s_with(s_body(), "job_id", pf_value_str("j")),
                                         "batch_id", pf_value_str("b")),
                       "bad_request", "r-1", "both ids");
        s_expect_error(either[i], s_with(s_body(), "job_id", s_long(PFP_ID_MAX + 1)),
                       "bad_request", "r-1", "job_id too long");
        s_expect_error(either[i], s_with(s_body(), "batch_id", pf_value_int(3)),
                       "bad_request", "r-1", "batch_id int");
        s_expect_error(either[i], s_with(s_with(s_body(), "job_id", pf_value_str("j")),
                                         "include_partial", pf_value_bool(true)),
                       "bad_request", "r-1", "include_partial");
    }

    pfp_request_t *req = s_expect_ok("RESULTS", s_with(s_body(), "job_id", s_long(PFP_ID_MAX)));
    ck_assert(!req->include_partial);
    ck_assert_uint_eq(strlen(req->job_id), PFP_ID_MAX);
    pfp_request_destroy(&req);
    req = s_expect_ok("RESULTS", s_with(s_with(s_body(), "job_id", pf_value_str("j")),
                                        "include_partial", pf_value_bool(true)));
    ck_assert(req->include_partial);
    pfp_request_destroy(&req);
    s_expect_error("RESULTS", s_body(), "bad_request", "r-1", "RESULTS without job_id");
    s_expect_error("RESULTS", s_with(s_body(), "batch_id", pf_value_str("b")), "bad_request",
                   "r-1", "RESULTS with batch_id");
    s_expect_error("RESULTS", s_with(s_with(s_body(), "job_id", pf_value_str("j")),
                                     "include_partial", pf_value_int(1)),
                   "bad_request", "r-1", "include_partial int");
}
END_TEST

START_TEST(test_req_id_rules)
{
    pfp_request_t *req = s_expect_ok("PING", s_with(pf_value_map(), "req_id",
                                                    s_long(PFP_REQ_ID_MAX)));
    ck_assert_uint_eq(strlen(req->req_id), PFP_REQ_ID_MAX);
    pfp_request_destroy(&req);
    /*  Too long, wrong type or with a NUL: refused, and not echoed.         */
    s_expect_error("PING", s_with(pf_value_map(), "req_id", s_long(PFP_REQ_ID_MAX + 1)),
                   "bad_request", "", "req_id too long");
    s_expect_error("PING", s_with(pf_value_map(), "req_id", pf_value_int(7)), "bad_request", "",
                   "req_id int");
    s_expect_error("PING", s_with(pf_value_map(), "req_id", pf_value_strn("a\0b", 3)),
                   "bad_request", "", "req_id with NUL");
    s_expect_error("PING", s_with(pf_value_map(), "req_id", pf_value_bin("ab", 2)),
                   "bad_request", "", "req_id bin");
}
END_TEST

START_TEST(test_framing)
{
    uint8_t *body;
    size_t size;
    pf_value_t *b = s_body();
    ck_assert_int_eq(pf_msgpack_encode(b, &body, &size), 0);
    pf_value_destroy(&b);
    pf_frame_t frames[5] = {
        { "", 0 }, { "PFP/1", 5 }, { "PING", 4 }, { body, size }, { "", 0 },
    };
    pfp_request_t *req = NULL;
    pfp_error_t err;
    ck_assert_int_eq(pfp_request_decode(frames, 4, &req, &err), 0);
    pfp_request_destroy(&req);

    /*  Wrong frame counts.                                                  */
    for (size_t count = 0; count <= 5; count++) {
        if (count == 4)
            continue;
        int rc = pfp_request_decode(frames, count, &req, &err);
        ck_assert_int_lt(rc, 0);
        ck_assert_ptr_null(req);
        ck_assert_str_eq(err.code, "bad_request");
        /*  Five frames still carry a readable body: its req_id is echoed.  */
        ck_assert_str_eq(err.req_id, count == 5 ? "r-1" : "");
    }
    /*  A non-empty delimiter.                                               */
    frames[0] = (pf_frame_t) { "x", 1 };
    ck_assert_int_lt(pfp_request_decode(frames, 4, &req, &err), 0);
    ck_assert_str_eq(err.code, "bad_request");
    ck_assert_str_eq(err.req_id, "r-1");
    frames[0] = (pf_frame_t) { "", 0 };

    /*  Other versions.                                                      */
    const char *versions[] = { "PFP/2", "PFP/1.0", "pfp/1", "", "PFA/1" };
    for (size_t i = 0; i < 5; i++) {
        frames[1] = (pf_frame_t) { versions[i], strlen(versions[i]) };
        ck_assert_int_eq(pfp_request_decode(frames, 4, &req, &err), PF_EVERSION);
        ck_assert_str_eq(err.code, "unsupported_version");
        ck_assert_str_eq(err.req_id, "r-1");
        /*  Whatever the frame count.                                        */
        ck_assert_int_eq(pfp_request_decode(frames, 2, &req, &err), PF_EVERSION);
        ck_assert_str_eq(err.code, "unsupported_version");
    }
    frames[1] = (pf_frame_t) { "PFP/1", 5 };

    /*  Unknown commands.                                                    */
    const char *commands[] = { "PONG", "ping", "", "ENRICH2", "RESULT" };
    for (size_t i = 0; i < 5; i++) {
        frames[2] = (pf_frame_t) { commands[i], strlen(commands[i]) };
        ck_assert_int_eq(pfp_request_decode(frames, 4, &req, &err), PF_EUNKNOWN);
        ck_assert_str_eq(err.code, "bad_request");
        ck_assert_msg(strncmp(err.message, "unknown command", 15) == 0, "%s", err.message);
        ck_assert_str_eq(err.req_id, "r-1");
    }
    /*  Unprintable command bytes are not echoed raw.                        */
    frames[2] = (pf_frame_t) { "\x01\xff\n", 3 };
    ck_assert_int_lt(pfp_request_decode(frames, 4, &req, &err), 0);
    ck_assert_str_eq(err.message, "unknown command '?\?\?'");
    ck_assert_ptr_null(req);

    /*  A NULL err is allowed.                                               */
    ck_assert_int_lt(pfp_request_decode(frames, 4, &req, NULL), 0);
    free(body);
}
END_TEST

/*  Expects raw body bytes to be a bad_request echoing req_id.              */
static void
s_expect_raw(const void *body, size_t size, const char *req_id, const char *what)
{
    pfp_request_t *req = NULL;
    pfp_error_t err;
    int rc = s_decode_raw(PFP_VERSION, "PING", body, size, &req, &err);
    ck_assert_msg(rc < 0, "%s accepted", what);
    ck_assert_ptr_null(req);
    ck_assert_msg(strcmp(err.code, "bad_request") == 0, "%s: %s", what, err.code);
    ck_assert_msg(strcmp(err.req_id, req_id) == 0, "%s: req_id '%s'", what, err.req_id);
}

START_TEST(test_malformed_bodies)
{
    /*  {"req_id": "r-9"} is 0x81 0xa6 req_id 0xa3 r-9.                      */
    const char ok[] = "\x81\xa6req_id\xa3r-9";
    const size_t ok_size = sizeof ok - 1;
    s_expect_raw("", 0, "", "empty body");
    s_expect_raw("\xc1", 1, "", "not msgpack");
    s_expect_raw("\x90", 1, "", "array body");
    s_expect_raw("\xa3r-9", 4, "", "str body");
    s_expect_raw("\xc0", 1, "", "nil body");

    /*  Trailing bytes: refused, req_id still echoed.                         */
    char trailing[32];
    memcpy(trailing, ok, ok_size);
    trailing[ok_size] = '\xc0';
    s_expect_raw(trailing, ok_size + 1, "r-9", "trailing bytes");

    /*  A body that stops short: 2 entries promised, one given.              */
    char cut[32];
    memcpy(cut, ok, ok_size);
    cut[0] = '\x82';
    s_expect_raw(cut, ok_size, "r-9", "map entry missing");

    /*  After req_id: an ext value, 0xc1, a huge claim, too deep.             */
    char after[64];
    memcpy(after, ok, ok_size);
    after[0] = '\x82';
    const char *tails[] = { "\xa1x\xd4\x01\x00", "\xa1x\xc1", "\xa1x\xdd\xff\xff\xff\xff" };
    const size_t tail_sizes[] = { 5, 3, 7 };
    for (size_t i = 0; i < 3; i++) {
        memcpy(after + ok_size, tails[i], tail_sizes[i]);
        s_expect_raw(after, ok_size + tail_sizes[i], "r-9", "bad value after req_id");
    }
    char deep[64];
    memcpy(deep, ok, ok_size);
    deep[0] = '\x82';
    deep[ok_size] = '\xa1';
    deep[ok_size + 1] = 'x';
    memset(deep + ok_size + 2, 0x91, 20);
    deep[ok_size + 22] = '\xc0';
    s_expect_raw(deep, ok_size + 23, "r-9", "too deep after req_id");

    /*  Before req_id, an entry that cannot be read: nothing to echo.       */
    char before[64] = "\x82\xa1x\xc1";
    memcpy(before + 4, ok + 1, ok_size - 1);
    s_expect_raw(before, 3 + ok_size, "", "bad value before req_id");

    /*  An entry nested beyond the limits before req_id cannot be skipped
        within the limits either: nothing to echo.                           */
    char skip[96] = "\x82\xa1x";
    memset(skip + 3, 0x91, 20);
    skip[23] = '\xc0';
    memcpy(skip + 24, ok + 1, ok_size - 1);
    s_expect_raw(skip, 24 + ok_size - 1, "", "too deep before req_id");

    /*  An unknown key before req_id is skipped to find it.                  */
    char unknown[64] = "\x82\xa6" "colour\xa3" "red";
    memcpy(unknown + 12, ok + 1, ok_size - 1);
    s_expect_raw(unknown, 11 + ok_size, "r-9", "unknown key before req_id");

    /*  Non-string key and duplicate keys.                                   */
    char intkey[32] = "\x82\x01\x02";
    memcpy(intkey + 3, ok + 1, ok_size - 1);
    s_expect_raw(intkey, 2 + ok_size, "r-9", "int key");
    char dup[64];
    memcpy(dup, ok, ok_size);
    memcpy(dup + ok_size, ok + 1, ok_size - 1);
    dup[0] = '\x82';
    s_expect_raw(dup, 2 * ok_size - 1, "r-9", "duplicate req_id");

    /*  Oversize body: refused before decoding; req_id is still echoed.     */
    size_t big = (size_t) PFP_BODY_MAX + 1;
    char *huge = malloc(big);
    memset(huge, 0, big);
    memcpy(huge, ok, ok_size);
    s_expect_raw(huge, big, "r-9", "oversize body");
    free(huge);
}
END_TEST

START_TEST(test_error_body)
{
    pf_value_t *b = pfp_error_body("r-1", "invalid_domain", "IP literal");
    ck_assert_uint_eq(pf_map_size(b), 3);
    ck_assert_str_eq(pf_map_get_str(b, "req_id"), "r-1");
    ck_assert_str_eq(pf_map_get_str(b, "code"), "invalid_domain");
    ck_assert_str_eq(pf_map_get_str(b, "message"), "IP literal");
    pf_value_destroy(&b);
    b = pfp_error_body(NULL, "bad_request", NULL);
    ck_assert_str_eq(pf_map_get_str(b, "req_id"), "");
    ck_assert_str_eq(pf_map_get_str(b, "message"), "");
    pf_value_destroy(&b);
}
END_TEST

START_TEST(test_reply_decode)
{
    pf_value_t *b = pf_value_map();
    pf_map_set_str(b, "req_id", "r-1");
    pf_map_set_str(b, "version", "PFP/1");
    uint8_t *body;
    size_t size;
    ck_assert_int_eq(pf_msgpack_encode(b, &body, &size), 0);
    pf_value_destroy(&b);
    pf_frame_t frames[4] = { { "PFP/1", 5 }, { "PONG", 4 }, { body, size }, { "", 0 } };
    char command[16];
    pf_value_t *out = NULL;
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), 0);
    ck_assert_str_eq(command, "PONG");
    ck_assert_str_eq(pf_map_get_str(out, "req_id"), "r-1");
    pf_value_destroy(&out);

    ck_assert_int_eq(pfp_reply_decode(frames, 2, command, &out), PF_EPROTO);
    ck_assert_int_eq(pfp_reply_decode(frames, 4, command, &out), PF_EPROTO);
    frames[0] = (pf_frame_t) { "PFP/2", 5 };
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), PF_EVERSION);
    frames[0] = (pf_frame_t) { "PFP/1", 5 };
    frames[1] = (pf_frame_t) { "pong", 4 };
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), PF_EPROTO);
    frames[1] = (pf_frame_t) { "", 0 };
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), PF_EPROTO);
    frames[1] = (pf_frame_t) { "ABCDEFGHIJKLMNOP", 16 };
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), PF_EPROTO);
    frames[1] = (pf_frame_t) { "ABCDEFGHIJKLMNO", 15 };
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), 0);
    ck_assert_str_eq(command, "ABCDEFGHIJKLMNO");
    pf_value_destroy(&out);
    frames[1] = (pf_frame_t) { "ERROR", 5 };
    frames[2] = (pf_frame_t) { "\x90", 1 };
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), PF_ETYPE);
    frames[2] = (pf_frame_t) { "\x80\x80", 2 };
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), PF_ETRAILING);
    frames[2] = (pf_frame_t) { "\xc1", 1 };
    ck_assert_int_eq(pfp_reply_decode(frames, 3, command, &out), PF_EPROTO);
    ck_assert_ptr_null(out);
    free(body);
}
END_TEST

/*  Encodes req, checks the frames, decodes [""] + frames and returns the
    decoded request.                                                          */
static pfp_request_t *
s_round_trip(const pfp_request_t *req)
{
    pf_frame_t frames[1 + PFP_REQUEST_ENCODED_FRAMES] = { { "", 0 } };
    uint8_t *body = NULL;
    ck_assert_int_eq(pfp_request_encode(req, frames + 1, &body), 0);
    ck_assert_ptr_nonnull(body);
    ck_assert_uint_eq(frames[1].size, strlen(PFP_VERSION));
    ck_assert(memcmp(frames[1].data, PFP_VERSION, frames[1].size) == 0);
    ck_assert_uint_eq(frames[2].size, strlen(pfp_cmd_name(req->cmd)));
    ck_assert(memcmp(frames[2].data, pfp_cmd_name(req->cmd), frames[2].size) == 0);
    ck_assert_ptr_eq(frames[3].data, body);
    pfp_request_t *back = NULL;
    pfp_error_t err;
    int rc = pfp_request_decode(frames, 4, &back, &err);
    ck_assert_msg(rc == 0, "re-decode refused: %s %s", err.code, err.message);
    free(body);
    ck_assert_int_eq(back->cmd, req->cmd);
    ck_assert_str_eq(back->req_id, req->req_id);
    return back;
}

/*  A request of cmd with req_id "r-9" and the decoder's defaults.          */
static pfp_request_t
s_request(pfp_cmd_t cmd)
{
    pfp_request_t req = { .cmd = cmd, .req_id = "r-9", .priority = PFP_PRIORITY_DEFAULT,
                          .async = true, .max_concurrency = 10 };
    return req;
}

START_TEST(test_encode_round_trip)
{
    pfp_request_t req = s_request(PFP_PING), *back = s_round_trip(&req);
    pfp_request_destroy(&back);

    char *mods[] = { "tech_stack", "all" };
    req = s_request(PFP_ENRICH);
    req.domain = "stripe.com";
    req.modules = mods;
    req.module_count = 2;
    req.priority = PFP_PRIORITY_LOW;
    req.async = false;
    req.api_key = "k-1";
    req.idempotency_key = "once";
    back = s_round_trip(&req);
    ck_assert_str_eq(back->domain, "stripe.com");
    ck_assert_uint_eq(back->module_count, 2);
    ck_assert_str_eq(back->modules[0], "tech_stack");
    ck_assert_str_eq(back->modules[1], "all");
    ck_assert_int_eq(back->priority, PFP_PRIORITY_LOW);
    ck_assert(!back->async);
    ck_assert_str_eq(back->api_key, "k-1");
    ck_assert_str_eq(back->idempotency_key, "once");
    pfp_request_destroy(&back);

    char *domains[] = { "a.com", "b.org", "c.net" };
    req = s_request(PFP_BATCH);
    req.domains = domains;
    req.domain_count = 3;
    req.max_concurrency = 3;
    req.priority = PFP_PRIORITY_HIGH;
    back = s_round_trip(&req);
    ck_assert_uint_eq(back->domain_count, 3);
    ck_assert_str_eq(back->domains[2], "c.net");
    ck_assert_uint_eq(back->max_concurrency, 3);
    ck_assert_int_eq(back->priority, PFP_PRIORITY_HIGH);
    ck_assert_ptr_null(back->modules);
    ck_assert_ptr_null(back->api_key);
    pfp_request_destroy(&back);

    req = s_request(PFP_STATUS);
    req.batch_id = "batch_0123456789abcdef01234567";
    back = s_round_trip(&req);
    ck_assert_str_eq(back->batch_id, req.batch_id);
    ck_assert_ptr_null(back->job_id);
    pfp_request_destroy(&back);

    req = s_request(PFP_RESULTS);
    req.job_id = "job_0123456789abcdef01234567";
    req.include_partial = true;
    back = s_round_trip(&req);
    ck_assert_str_eq(back->job_id, req.job_id);
    ck_assert(back->include_partial);
    pfp_request_destroy(&back);

    req = s_request(PFP_CANCEL);
    req.job_id = "job_0123456789abcdef01234567";
    req.req_id[0] = '\0';   /* an empty req_id is a valid one */
    back = s_round_trip(&req);
    ck_assert_str_eq(back->job_id, req.job_id);
    pfp_request_destroy(&back);
}
END_TEST

/*  Expects pfp_request_encode to refuse req and leave its outputs alone.  */
static void
s_expect_encode_refused(const pfp_request_t *req, const char *what)
{
    pf_frame_t frames[PFP_REQUEST_ENCODED_FRAMES] = { { NULL, 0 } };
    uint8_t *body = NULL;
    ck_assert_msg(pfp_request_encode(req, frames, &body) == PF_EINVAL, "%s: encoded", what);
    ck_assert_ptr_null(body);
    ck_assert_ptr_null(frames[0].data);
}

START_TEST(test_encode_refusals)
{
    pf_frame_t frames[PFP_REQUEST_ENCODED_FRAMES];
    uint8_t *body = NULL;
    pfp_request_t req = s_request(PFP_PING);
    ck_assert_int_eq(pfp_request_encode(NULL, frames, &body), PF_EINVAL);
    ck_assert_int_eq(pfp_request_encode(&req, NULL, &body), PF_EINVAL);
    ck_assert_int_eq(pfp_request_encode(&req, frames, NULL), PF_EINVAL);
    req.cmd = PFP_CMD_COUNT;
    s_expect_encode_refused(&req, "unknown command");

    req = s_request(PFP_PING);
    req.domain = "a.com";
    s_expect_encode_refused(&req, "PING with a domain");
    req = s_request(PFP_PING);
    memset(req.req_id, 'x', sizeof req.req_id);   /* no NUL inside */
    s_expect_encode_refused(&req, "unterminated req_id");

    req = s_request(PFP_ENRICH);
    s_expect_encode_refused(&req, "ENRICH without a domain");
    char *long_domain = malloc(PFP_DOMAIN_IN_MAX + 2);
    memset(long_domain, 'a', PFP_DOMAIN_IN_MAX + 1);
    long_domain[PFP_DOMAIN_IN_MAX + 1] = '\0';
    req.domain = long_domain;
    s_expect_encode_refused(&req, "domain too long");
    long_domain[PFP_DOMAIN_IN_MAX] = '\0';
    pfp_request_t *back = s_round_trip(&req);   /* exactly the cap is fine */
    pfp_request_destroy(&back);
    req.domain = "a.com";
    req.idempotency_key = "";
    s_expect_encode_refused(&req, "empty idempotency_key");
    req.idempotency_key = NULL;
    req.priority = PFP_PRIORITY_COUNT;
    s_expect_encode_refused(&req, "bad priority");
    req.priority = PFP_PRIORITY_DEFAULT;
    req.module_count = 1;
    s_expect_encode_refused(&req, "module_count without modules");
    char *none[] = { NULL };
    req.modules = none;
    s_expect_encode_refused(&req, "NULL module name");
    req.module_count = 0;
    s_expect_encode_refused(&req, "empty modules");
    req.modules = NULL;
    req.job_id = "job_x";
    s_expect_encode_refused(&req, "ENRICH with a job_id");

    char *domains[] = { "a.com" };
    req = s_request(PFP_BATCH);
    req.domains = domains;
    req.max_concurrency = 0;
    req.domain_count = 1;
    s_expect_encode_refused(&req, "max_concurrency 0");
    req.max_concurrency = 1;
    req.domain_count = 0;
    s_expect_encode_refused(&req, "empty batch");
    req.domain_count = 1;
    req.idempotency_key = "k";
    s_expect_encode_refused(&req, "BATCH with an idempotency_key");

    req = s_request(PFP_STATUS);
    s_expect_encode_refused(&req, "STATUS without an id");
    req.job_id = "job_x";
    req.batch_id = "batch_x";
    s_expect_encode_refused(&req, "STATUS with both ids");
    req = s_request(PFP_RESULTS);
    req.batch_id = "batch_x";
    s_expect_encode_refused(&req, "RESULTS of a batch");
    req = s_request(PFP_CANCEL);
    req.job_id = "job_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    s_expect_encode_refused(&req, "job_id too long");
    free(long_domain);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_pfp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_ping);
    tcase_add_test(tc, test_enrich_defaults_and_fields);
    tcase_add_test(tc, test_enrich_refusals);
    tcase_add_test(tc, test_batch);
    tcase_add_test(tc, test_batch_refusals);
    tcase_add_test(tc, test_status_results_cancel);
    tcase_add_test(tc, test_req_id_rules);
    tcase_add_test(tc, test_framing);
    tcase_add_test(tc, test_malformed_bodies);
    tcase_add_test(tc, test_error_body);
    tcase_add_test(tc, test_reply_decode);
    tcase_add_test(tc, test_encode_round_trip);
    tcase_add_test(tc, test_encode_refusals);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
