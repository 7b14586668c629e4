/*  test_pf_actor.c — the actor runtime against a fake coordinator.

    The actor runs in a thread of the test process (the loop is
    single-threaded; only pf_actor_stop/pf_actor_drain cross threads); the
    test thread plays the coordinator on an ipc:// ROUTER in a temporary
    directory (pf_test_coord.h).  Handlers below are picked per test;
    counters they bump are atomics the test thread polls with deadlines.  */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_actor.h"
#include "pf_check.h"
#include "pf_error.h"
#include "pf_test_coord.h"

/*  Generous deadlines: sanitizer builds on a loaded machine are slow.      */
#define WAIT_MS 5000

static atomic_int g_started;        /* tasks handed to a handler            */
static atomic_int g_completed;      /* tasks a handler answered             */
static uint32_t g_call_timeout_ms;  /* timeout for s_task_call's calls      */
static atomic_int g_live_at_done = -1; /* pf_actor_task_live when completing */

/*  ---- handlers --------------------------------------------------------- */

/*  Answers at once with what it was given.                                 */
static void
s_task_echo(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    atomic_fetch_add(&g_started, 1);
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "domain", pf_task_domain(task));
    pf_map_set_int(r, "attempt", pf_task_attempt(task));
    pf_map_set_int(r, "timeout_ms", pf_task_timeout_ms(task));
    pf_value_t *names = pf_value_array();
    const pf_value_t *inputs = pf_task_inputs(task);
    for (size_t i = 0; i < pf_map_size(inputs); i++)
        pf_array_push_str(names, pf_value_as_str(pf_map_key_at(inputs, i), NULL));
    pf_map_set(r, "inputs", &names);
    ck_assert_int_eq(pf_actor_task_done(actor, &task, &r), 0);
    ck_assert_ptr_null(task);
    ck_assert_ptr_null(r);
    atomic_fetch_add(&g_completed, 1);
}

static void
s_delayed_fire(pf_actor_t *actor, uint64_t timer_id, void *arg)
{
    pf_task_t *task = arg;
    atomic_store(&g_live_at_done, pf_actor_task_live(actor, task) ? 1 : 0);
    pf_value_t *r = pf_value_map();
    pf_map_set_int(r, "waited", (int64_t) pf_task_id(task));
    pf_actor_task_done(actor, &task, &r);
    atomic_fetch_add(&g_completed, 1);
}

/*  Answers after task_id milliseconds, on a runtime timer.                 */
static void
s_task_delayed(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    atomic_fetch_add(&g_started, 1);
    pf_actor_timer_add(actor, (uint32_t) pf_task_id(task), s_delayed_fire, task);
}

static void
s_task_fail(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    atomic_fetch_add(&g_started, 1);
    ck_assert_int_eq(pf_actor_task_fail(actor, &task, "boom", "it broke"), 0);
    atomic_fetch_add(&g_completed, 1);
}

/*  Answers with an array, which is not a result map.                      */
static void
s_task_bad_result(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    pf_value_t *r = pf_value_array();
    ck_assert_int_eq(pf_actor_task_done(actor, &task, &r), PF_ETYPE);
    ck_assert_ptr_null(r);
    atomic_fetch_add(&g_completed, 1);
}

/*  Never answers (the actor frees the task when destroyed).               */
static void
s_task_hold(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    atomic_fetch_add(&g_started, 1);
}

static void
s_call_done(pf_actor_t *actor, pf_reply_t *reply, void *arg)
{
    pf_task_t *task = arg;
    if (reply->status == PF_OK) {
        pf_value_t *r = reply->value;
        reply->value = NULL;   /* taken */
        pf_actor_task_done(actor, &task, &r);
    } else {
        pf_actor_task_fail(actor, &task, reply->error_code, pf_strerror(reply->status));
    }
    atomic_fetch_add(&g_completed, 1);
}

/*  Calls svc_b.lookup{q: domain} and answers with the reply.              */
static void
s_task_call(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    atomic_fetch_add(&g_started, 1);
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "q", pf_task_domain(task));
    int rc = pf_actor_call(actor, "svc_b", "lookup", &args, g_call_timeout_ms, s_call_done, task);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_null(args);
}

static void
s_task_emit(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_int(body, "step", 1);
    ck_assert_int_eq(pf_actor_emit(actor, "module.progress", &body), 0);
    pf_value_t *r = pf_value_map();
    pf_actor_task_done(actor, &task, &r);
}

/*  Serves CALLs by echoing op and args.                                    */
static void
s_serve_echo(pf_actor_t *actor, pf_call_t *call, void *arg)
{
    pf_value_t *r = pf_value_dup(pf_call_args(call));
    pf_map_set_str(r, "op", pf_call_op(call));
    pf_map_set_str(r, "service", pf_call_service(call));
    ck_assert_int_eq(pf_actor_reply(actor, &call, &r), 0);
}

/*  ---- the actor in a thread ------------------------------------------- */

typedef struct {
    pf_actor_t *actor;     /* the actor under test                        */
    pthread_t thread;      /* runs pf_actor_run                           */
    int rc;                /* pf_actor_run's return                       */
    bool joined;           /* thread already joined                       */
} runner_t;

static void *
s_runner_main(void *arg)
{
    runner_t *r = arg;
    r->rc = pf_actor_run(r->actor);
    return NULL;
}

static void
s_config(pf_config_t *cfg)
{
    pf_config_defaults(cfg);
    cfg->heartbeat_ms = 100;
    cfg->liveness = 50;           /* no accidental reconnects              */
    cfg->reconnect_min_ms = 10;
    cfg->reconnect_max_ms = 50;
    cfg->drain_ms = 5000;
}

static void
runner_start(runner_t *r, fc_t *fc, const pf_config_t *cfg, pf_actor_task_fn *on_task,
             pf_actor_call_fn *on_call, bool signals)
{
    memset(r, 0, sizeof *r);
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.service = "svc_a";
    opts.endpoint = fc->endpoint;
    opts.config = cfg;
    opts.capacity = 4;
    opts.on_task = on_task;
    opts.on_call = on_call;
    opts.handle_signals = signals;
    r->actor = pf_actor_new(&opts);
    ck_assert_ptr_nonnull(r->actor);
    ck_assert_int_eq(pthread_create(&r->thread, NULL, s_runner_main, r), 0);
}

/*  Waits for run to return on its own (after a drain).                    */
static void
runner_join(runner_t *r)
{
    pthread_join(r->thread, NULL);
    r->joined = true;
}

static void
runner_stop(runner_t *r)
{
    if (!r->joined) {
        pf_actor_stop(r->actor);
        runner_join(r);
    }
    ck_assert_int_eq(r->rc, 0);
    pf_actor_destroy(&r->actor);
    ck_assert_ptr_null(r->actor);
}

/*  Waits until counter reaches n, answering nothing but tolerating
    HEARTBEATs from the actor.                                             */
static void
s_wait_counter(fc_t *fc, atomic_int *counter, int n)
{
    long long deadline = fc_now_ms() + WAIT_MS;
    while (atomic_load(counter) < n) {
        ck_assert_msg(fc_now_ms() < deadline, "counter stuck at %d", atomic_load(counter));
        pfa_msg_t *msg = NULL;
        if (fc_recv(fc, 10, &msg) == 0) {
            ck_assert_msg(msg->cmd == PFA_HEARTBEAT, "unexpected %s", pfa_cmd_name(msg->cmd));
            pfa_msg_destroy(&msg);
        }
    }
}

static bool
s_same_rid(const unsigned char *a, size_t a_size, const fc_t *fc)
{
    return a_size == fc->rid_size && memcmp(a, fc->rid, a_size) == 0;
}

/*  ---- construction ----------------------------------------------------- */

START_TEST(test_new_rejects_bad_options)
{
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    ck_assert_ptr_null(pf_actor_new(NULL));
    ck_assert_ptr_null(pf_actor_new(&opts));            /* no service      */
    opts.service = "svc";
    opts.endpoint = "not-an-endpoint";
    ck_assert_ptr_null(pf_actor_new(&opts));            /* zmq refuses it  */
    opts.endpoint = "ipc:///tmp/pf-test-never-bound.sock";
    opts.capacity = PFA_CAPACITY_MAX + 1;
    ck_assert_ptr_null(pf_actor_new(&opts));
    opts.capacity = 1;
    pf_actor_t *actor = pf_actor_new(&opts);
    ck_assert_ptr_nonnull(actor);
    /* Not registered yet: calls and events are refused, not queued.       */
    ck_assert_int_eq(pf_actor_call(actor, "svc_b", "op", NULL, 0, s_call_done, NULL),
                     PF_EUNAVAIL);
    ck_assert_int_eq(pf_actor_emit(actor, "x.y", NULL), PF_EUNAVAIL);
    ck_assert(!pf_actor_connected(actor));
    pf_actor_destroy(&actor);
    pf_actor_destroy(&actor);   /* twice is fine */
}
END_TEST

START_TEST(test_ready_contents)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_echo, NULL, false);
    pfa_msg_t *ready = fc_expect(&fc, PFA_READY, WAIT_MS);
    ck_assert_str_eq(ready->service, "svc_a");
    ck_assert_uint_eq(ready->capacity, 4);
    ck_assert_int_eq(ready->pid, getpid());
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    ck_assert_str_eq(ready->host, host);
    /* Generated id: service-host-pid-random, as the actor reports it.    */
    ck_assert_str_eq(ready->instance, pf_actor_instance(r.actor));
    char prefix[512];
    snprintf(prefix, sizeof prefix, "svc_a-%s-%d-", host, (int) getpid());
    ck_assert_msg(strncmp(ready->instance, prefix, strlen(prefix)) == 0, "instance %s",
                  ready->instance);
    ck_assert_uint_gt(strlen(ready->instance), strlen(prefix));
    pfa_msg_destroy(&ready);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_ready_explicit_instance)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.service = "svc_a";
    opts.instance = "svc_a-7";
    opts.endpoint = fc.endpoint;
    opts.config = &cfg;
    runner_t r;
    memset(&r, 0, sizeof r);
    r.actor = pf_actor_new(&opts);
    ck_assert_ptr_nonnull(r.actor);
    ck_assert_int_eq(pthread_create(&r.thread, NULL, s_runner_main, &r), 0);
    pfa_msg_t *ready = fc_expect(&fc, PFA_READY, WAIT_MS);
    ck_assert_str_eq(ready->instance, "svc_a-7");
    ck_assert_uint_eq(ready->capacity, cfg.capacity);   /* 0 = config's   */
    pfa_msg_destroy(&ready);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

/*  ---- heartbeats and liveness ---------------------------------------- */

START_TEST(test_heartbeats_after_welcome)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_echo, NULL, false);
    fc_handshake(&fc, 50, 100);
    /* Ten intervals of the coordinator's 50 ms, not the config's 100 ms.
       Measured over ten so that one heartbeat delivered late (a loaded
       machine, sanitizers) cannot decide the result: the bounds leave 150 ms
       of skew below 500 and 400 ms above, and still tell 50 from 100.     */
    long long first = 0;
    for (int i = 0; i <= 10; i++) {
        pfa_msg_t *hb = fc_expect(&fc, PFA_HEARTBEAT, WAIT_MS);
        pfa_msg_destroy(&hb);
        if (i == 0)
            first = fc_now_ms();
    }
    long long span = fc_now_ms() - first;
    ck_assert_int_ge(span, 10 * 50 - 150);
    ck_assert_int_lt(span, 10 * (long long) cfg.heartbeat_ms - 100);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_coordinator_heartbeats_keep_it_registered)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_echo, NULL, false);
    fc_handshake(&fc, 50, 3);   /* dead after 150 ms of silence           */
    /* Beat every 30 ms for 8 liveness windows: the actor must not give up. */
    long long end = fc_now_ms() + 8 * 150;
    pfa_msg_t *hb = pfa_msg_new(PFA_HEARTBEAT);
    while (fc_now_ms() < end) {
        fc_send(&fc, hb);
        pfa_msg_t *msg = NULL;
        if (fc_recv(&fc, 30, &msg) == 0) {
            ck_assert_msg(msg->cmd == PFA_HEARTBEAT, "got %s", pfa_cmd_name(msg->cmd));
            pfa_msg_destroy(&msg);
        }
    }
    pfa_msg_destroy(&hb);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_silence_reconnects_and_drops_stale_work)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    cfg.heartbeat_ms = 50;
    cfg.liveness = 3;
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_delayed, NULL, false);
    fc_handshake(&fc, 50, 3);
    unsigned char rid1[256];
    size_t rid1_size = fc.rid_size;
    memcpy(rid1, fc.rid, rid1_size);
    fc_task(&fc, 600, "mod_x", "stripe.com", 1, 60000, NULL);   /* 600 ms  */
    /* Silence: after 150 ms the actor gives up on us and comes back on a
       new socket (new routing id) with READY.                           */
    long long t0 = fc_now_ms();
    pfa_msg_t *ready = fc_expect(&fc, PFA_READY, WAIT_MS);
    long long waited = fc_now_ms() - t0;
    ck_assert_int_ge(waited, 150 - 10);
    ck_assert_str_eq(ready->service, "svc_a");
    ck_assert(!s_same_rid(rid1, rid1_size, &fc));
    pfa_msg_destroy(&ready);
    fc_welcome(&fc, 1000, 10);
    /* The task from the old connection completes in the module, but the
       coordinator has re-dispatched it: no RESULT may be sent.          */
    s_wait_counter(&fc, &g_completed, 1);
    ck_assert_int_eq(atomic_load(&g_live_at_done), 0);
    ck_assert(fc_quiet(&fc, 200));
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_unknown_peer_reregisters)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_echo, NULL, false);
    fc_handshake(&fc, 1000, 10);
    unsigned char rid1[256];
    size_t rid1_size = fc.rid_size;
    memcpy(rid1, fc.rid, rid1_size);
    pfa_msg_t *bye = pfa_msg_new(PFA_DISCONNECT);
    snprintf(bye->reason, sizeof bye->reason, "unknown_peer");
    fc_send(&fc, bye);
    pfa_msg_destroy(&bye);
    long long t0 = fc_now_ms();
    pfa_msg_t *ready = fc_expect(&fc, PFA_READY, WAIT_MS);
    /* At once, not after a liveness window.                              */
    ck_assert_int_lt(fc_now_ms() - t0, 1000);
    ck_assert(!s_same_rid(rid1, rid1_size, &fc));
    pfa_msg_destroy(&ready);
    /* And it works on the new connection.                                */
    fc_welcome(&fc, 1000, 10);
    fc_task(&fc, 5, "mod_x", "a.com", 1, 60000, NULL);
    pfa_msg_t *result = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(result->task_id, 5);
    pfa_msg_destroy(&result);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

/*  ---- tasks ------------------------------------------------------------ */

START_TEST(test_task_result_correlation)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_echo, NULL, false);
    fc_handshake(&fc, 1000, 10);
    pf_value_t *inputs = pf_value_map();
    pf_value_t *cc = pf_value_map();
    pf_map_set_int(cc, "a", 1);
    pf_map_set(inputs, "company_context", &cc);
    pf_value_t *ts = pf_value_map();
    pf_map_set(inputs, "technology_stack", &ts);
    fc_task(&fc, 42, "mod_x", "stripe.com", 2, 60000, inputs);
    pf_value_destroy(&inputs);

    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(res->task_id, 42);
    ck_assert_uint_eq(res->attempt, 2);
    ck_assert_str_eq(res->job_id, "job_00000000000000000000002a");
    ck_assert_str_eq(res->module, "mod_x");
    ck_assert(res->ok);
    ck_assert_str_eq(res->error_code, "");
    pf_value_t *body = fc_payload(res);
    ck_assert_str_eq(pf_map_get_str(body, "domain"), "stripe.com");
    ck_assert_int_eq(pf_map_get_int(body, "attempt", 0), 2);
    ck_assert_int_eq(pf_map_get_int(body, "timeout_ms", 0), 60000);
    const pf_value_t *names = pf_map_get(body, "inputs");
    ck_assert_uint_eq(pf_array_size(names), 2);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(names, 0), NULL), "company_context");
    ck_assert_str_eq(pf_value_as_str(pf_array_at(names, 1), NULL), "technology_stack");
    pf_value_destroy(&body);
    pfa_msg_destroy(&res);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_async_completion_does_not_block)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_delayed, NULL, false);
    fc_handshake(&fc, 1000, 10);
    long long t0 = fc_now_ms();
    fc_task(&fc, 400, "mod_x", "slow.com", 1, 60000, NULL);   /* 400 ms    */
    fc_task(&fc, 30, "mod_x", "fast.com", 1, 60000, NULL);    /* 30 ms     */
    pfa_msg_t *first = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(first->task_id, 30);   /* the slow one did not block */
    pfa_msg_t *second = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(second->task_id, 400);
    ck_assert_int_ge(fc_now_ms() - t0, 400);
    ck_assert_uint_ge(second->duration_ms, 400);
    pf_value_t *body = fc_payload(second);
    ck_assert_int_eq(pf_map_get_int(body, "waited", 0), 400);
    ck_assert_int_eq(atomic_load(&g_live_at_done), 1);
    pf_value_destroy(&body);
    pfa_msg_destroy(&first);
    pfa_msg_destroy(&second);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_task_fail)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_fail, NULL, false);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 9, "mod_x", "a.com", 3, 60000, NULL);
    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(res->task_id, 9);
    ck_assert_uint_eq(res->attempt, 3);
    ck_assert(!res->ok);
    ck_assert_str_eq(res->error_code, "boom");
    ck_assert_str_eq(res->error_message, "it broke");
    ck_assert_ptr_null(res->payload);
    pfa_msg_destroy(&res);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_task_non_map_result)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_bad_result, NULL, false);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 4, "mod_x", "a.com", 1, 60000, NULL);
    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(res->task_id, 4);
    ck_assert(!res->ok);
    ck_assert_str_eq(res->error_code, "internal");
    pfa_msg_destroy(&res);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_task_local_deadline)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_hold, NULL, false);
    fc_handshake(&fc, 1000, 10);
    long long t0 = fc_now_ms();
    fc_task(&fc, 11, "mod_x", "a.com", 1, 150, NULL);
    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_int_ge(fc_now_ms() - t0, 150);
    ck_assert_uint_eq(res->task_id, 11);
    ck_assert(!res->ok);
    ck_assert_str_eq(res->error_code, "timeout");
    pfa_msg_destroy(&res);
    runner_stop(&r);   /* frees the task the module never answered      */
    fc_fini(&fc);
}
END_TEST

START_TEST(test_no_task_handler_refuses)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, NULL, NULL, false);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 3, "mod_x", "a.com", 1, 60000, NULL);
    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert(!res->ok);
    ck_assert_str_eq(res->error_code, "unsupported");
    pfa_msg_destroy(&res);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

/*  ---- outgoing calls --------------------------------------------------- */

START_TEST(test_call_reply_routed_to_callback)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    g_call_timeout_ms = 5000;
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_call, NULL, false);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 7, "mod_x", "stripe.com", 1, 60000, NULL);
    pfa_msg_t *call = fc_expect(&fc, PFA_CALL, WAIT_MS);
    ck_assert_str_eq(call->service, "svc_b");
    ck_assert_str_eq(call->op, "lookup");
    ck_assert_uint_eq(call->timeout_ms, 5000);
    pf_value_t *args = fc_payload(call);
    ck_assert_str_eq(pf_map_get_str(args, "q"), "stripe.com");
    pf_value_destroy(&args);

    pfa_msg_t *reply = pfa_msg_new(PFA_REPLY);
    reply->call_id = call->call_id;
    reply->ok = true;
    pf_value_t *answer = pf_value_map();
    pf_map_set_int(answer, "answer", 42);
    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_msgpack_encode(answer, &data, &size), 0);
    pf_value_destroy(&answer);
    reply->payload = data;
    reply->payload_size = size;
    fc_send(&fc, reply);
    pfa_msg_destroy(&reply);   /* frees data */
    pfa_msg_destroy(&call);

    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(res->task_id, 7);
    ck_assert(res->ok);
    pf_value_t *body = fc_payload(res);
    ck_assert_int_eq(pf_map_get_int(body, "answer", 0), 42);
    pf_value_destroy(&body);
    pfa_msg_destroy(&res);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_call_error_reply)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    g_call_timeout_ms = 5000;
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_call, NULL, false);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 8, "mod_x", "stripe.com", 1, 60000, NULL);
    pfa_msg_t *call = fc_expect(&fc, PFA_CALL, WAIT_MS);
    pfa_msg_t *reply = pfa_msg_new(PFA_REPLY);
    reply->call_id = call->call_id;
    reply->ok = false;
    snprintf(reply->error_code, sizeof reply->error_code, "unknown_service");
    fc_send(&fc, reply);
    pfa_msg_destroy(&reply);
    pfa_msg_destroy(&call);
    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert(!res->ok);
    ck_assert_str_eq(res->error_code, "unknown_service");
    ck_assert_str_eq(res->error_message, pf_strerror(PF_EUNKNOWN));
    pfa_msg_destroy(&res);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_call_local_timeout)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    g_call_timeout_ms = 150;
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_call, NULL, false);
    fc_handshake(&fc, 1000, 10);
    long long t0 = fc_now_ms();
    fc_task(&fc, 12, "mod_x", "stripe.com", 1, 60000, NULL);
    pfa_msg_t *call = fc_expect(&fc, PFA_CALL, WAIT_MS);
    uint64_t call_id = call->call_id;
    pfa_msg_destroy(&call);
    /* No REPLY: the runtime's own timer answers the callback.           */
    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_int_ge(fc_now_ms() - t0, 150);
    ck_assert(!res->ok);
    ck_assert_str_eq(res->error_code, "timeout");
    ck_assert_str_eq(res->error_message, pf_strerror(PF_ETIMEDOUT));
    pfa_msg_destroy(&res);
    /* A late REPLY is ignored; the actor keeps working.                 */
    pfa_msg_t *late = pfa_msg_new(PFA_REPLY);
    late->call_id = call_id;
    late->ok = true;
    fc_send(&fc, late);
    pfa_msg_destroy(&late);
    fc_task(&fc, 13, "mod_x", "b.com", 1, 60000, NULL);
    call = fc_expect(&fc, PFA_CALL, WAIT_MS);
    ck_assert_uint_ne(call->call_id, call_id);
    pfa_msg_destroy(&call);
    ck_assert_int_eq(atomic_load(&g_completed), 1);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

/*  ---- incoming calls and events --------------------------------------- */

START_TEST(test_serve_call)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, NULL, s_serve_echo, false);
    fc_handshake(&fc, 1000, 10);
    pfa_msg_t *call = pfa_msg_new(PFA_CALL);
    call->call_id = 9001;
    snprintf(call->service, sizeof call->service, "svc_a");
    snprintf(call->op, sizeof call->op, "get");
    call->timeout_ms = 5000;
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "k", "v");
    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_msgpack_encode(args, &data, &size), 0);
    pf_value_destroy(&args);
    call->payload = data;
    call->payload_size = size;
    fc_send(&fc, call);
    pfa_msg_destroy(&call);
    pfa_msg_t *reply = fc_expect(&fc, PFA_REPLY, WAIT_MS);
    ck_assert_uint_eq(reply->call_id, 9001);
    ck_assert(reply->ok);
    pf_value_t *body = fc_payload(reply);
    ck_assert_str_eq(pf_map_get_str(body, "k"), "v");
    ck_assert_str_eq(pf_map_get_str(body, "op"), "get");
    ck_assert_str_eq(pf_map_get_str(body, "service"), "svc_a");
    pf_value_destroy(&body);
    pfa_msg_destroy(&reply);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_emit_event)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_emit, NULL, false);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 1, "mod_x", "a.com", 1, 60000, NULL);
    pfa_msg_t *ev = fc_expect(&fc, PFA_EVENT, WAIT_MS);
    ck_assert_str_eq(ev->topic, "module.progress");
    pf_value_t *body = fc_payload(ev);
    ck_assert_int_eq(pf_map_get_int(body, "step", 0), 1);
    ck_assert_str_eq(pf_map_get_str(body, "type"), "module.progress");
    const pf_value_t *ts = pf_map_get(body, "ts");
    ck_assert(pf_value_is(ts, PF_FLOAT));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    double wall = (double) now.tv_sec * 1000.0;
    ck_assert(pf_value_as_float(ts, 0) > wall - 60000 && pf_value_as_float(ts, 0) < wall + 60000);
    pf_value_destroy(&body);
    pfa_msg_destroy(&ev);
    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    pfa_msg_destroy(&res);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

/*  ---- drain ------------------------------------------------------------ */

START_TEST(test_sigterm_drains)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_delayed, NULL, true);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 300, "mod_x", "a.com", 1, 60000, NULL);
    s_wait_counter(&fc, &g_started, 1);
    ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
    pfa_msg_t *drain = fc_expect(&fc, PFA_DRAIN, WAIT_MS);
    pfa_msg_destroy(&drain);
    /* Work that raced with DRAIN is not started: it goes straight back as
       "draining" so the coordinator hands it to another instance at once. */
    fc_task(&fc, 5, "mod_x", "late.com", 1, 60000, NULL);
    pfa_msg_t *back = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(back->task_id, 5);
    ck_assert(!back->ok);
    ck_assert_str_eq(back->error_code, "draining");
    pfa_msg_destroy(&back);
    pfa_msg_t *res = fc_expect(&fc, PFA_RESULT, WAIT_MS);
    ck_assert_uint_eq(res->task_id, 300);
    ck_assert(res->ok);
    pfa_msg_destroy(&res);
    pfa_msg_t *bye = fc_expect(&fc, PFA_DISCONNECT, WAIT_MS);
    ck_assert_str_eq(bye->reason, "shutdown");
    pfa_msg_destroy(&bye);
    runner_join(&r);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(atomic_load(&g_started), 1);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_second_signal_stops_now)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_delayed, NULL, true);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 30000, "mod_x", "a.com", 1, 60000, NULL);
    s_wait_counter(&fc, &g_started, 1);
    ck_assert_int_eq(kill(getpid(), SIGINT), 0);
    pfa_msg_t *drain = fc_expect(&fc, PFA_DRAIN, WAIT_MS);
    pfa_msg_destroy(&drain);
    long long t0 = fc_now_ms();
    ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
    pfa_msg_t *bye = fc_expect(&fc, PFA_DISCONNECT, WAIT_MS);   /* no RESULT first */
    ck_assert_str_eq(bye->reason, "shutdown");
    ck_assert_int_lt(fc_now_ms() - t0, cfg.drain_ms);
    pfa_msg_destroy(&bye);
    runner_join(&r);
    ck_assert_int_eq(atomic_load(&g_completed), 0);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

START_TEST(test_drain_grace_expires)
{
    fc_t fc;
    fc_init(&fc);
    pf_config_t cfg;
    s_config(&cfg);
    cfg.drain_ms = 200;
    runner_t r;
    runner_start(&r, &fc, &cfg, s_task_delayed, NULL, false);
    fc_handshake(&fc, 1000, 10);
    fc_task(&fc, 30000, "mod_x", "a.com", 1, 60000, NULL);
    s_wait_counter(&fc, &g_started, 1);
    pf_actor_drain(r.actor);
    pfa_msg_t *drain = fc_expect(&fc, PFA_DRAIN, WAIT_MS);
    pfa_msg_destroy(&drain);
    long long t0 = fc_now_ms();
    pfa_msg_t *bye = fc_expect(&fc, PFA_DISCONNECT, WAIT_MS);
    ck_assert_int_ge(fc_now_ms() - t0, 200 - 20);
    pfa_msg_destroy(&bye);
    runner_join(&r);
    runner_stop(&r);
    fc_fini(&fc);
}
END_TEST

/*  ---- timers and descriptors (no coordinator needed) ------------------- */

static uint64_t g_order[8];     /* timer ids in the order they fired       */
static size_t g_fired;          /* entries in g_order                      */
static int64_t g_armed_ms;      /* when the timers were armed              */
static int64_t g_fired_ms[8];   /* when each fired                         */

static void
s_record(pf_actor_t *actor, uint64_t id, void *arg)
{
    g_fired_ms[g_fired] = pf_actor_now_ms();
    g_order[g_fired++] = id;
}

static void
s_record_and_stop(pf_actor_t *actor, uint64_t id, void *arg)
{
    s_record(actor, id, arg);
    pf_actor_stop(actor);
}

START_TEST(test_timers_order_and_cancel)
{
    fc_t fc;
    fc_init(&fc);
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.service = "svc_t";
    opts.endpoint = fc.endpoint;
    pf_actor_t *actor = pf_actor_new(&opts);
    ck_assert_ptr_nonnull(actor);
    g_armed_ms = pf_actor_now_ms();
    uint64_t a = pf_actor_timer_add(actor, 60, s_record, NULL);
    uint64_t b = pf_actor_timer_add(actor, 20, s_record, NULL);
    uint64_t c = pf_actor_timer_add(actor, 40, s_record, NULL);
    uint64_t d = pf_actor_timer_add(actor, 20, s_record, NULL);
    uint64_t e = pf_actor_timer_add(actor, 100, s_record_and_stop, NULL);
    ck_assert_uint_ne(a, 0);
    ck_assert_int_eq(pf_actor_timer_cancel(actor, c), 0);
    ck_assert_int_eq(pf_actor_timer_cancel(actor, c), PF_ENOTFOUND);
    ck_assert_int_eq(pf_actor_run(actor), 0);
    ck_assert_uint_eq(g_fired, 4);
    ck_assert_uint_eq(g_order[0], b);   /* equal due times: FIFO          */
    ck_assert_uint_eq(g_order[1], d);
    ck_assert_uint_eq(g_order[2], a);
    ck_assert_uint_eq(g_order[3], e);
    ck_assert_int_ge(g_fired_ms[0] - g_armed_ms, 20);
    ck_assert_int_ge(g_fired_ms[2] - g_armed_ms, 60);
    ck_assert_int_ge(g_fired_ms[3] - g_armed_ms, 100);
    ck_assert_int_eq(pf_actor_timer_cancel(actor, a), PF_ENOTFOUND);
    ck_assert_int_eq(pf_actor_run(actor), 0);   /* stopped: returns at once */
    pf_actor_destroy(&actor);
    fc_fini(&fc);
}
END_TEST

static int g_pipe[2];           /* the watched pipe                        */
static int g_revents;           /* what the watcher saw                    */
static char g_byte;             /* what it read                            */

static void
s_write_pipe(pf_actor_t *actor, uint64_t id, void *arg)
{
    ck_assert_int_eq(write(g_pipe[1], "x", 1), 1);
}

static void
s_on_readable(pf_actor_t *actor, int fd, int revents, void *arg)
{
    g_revents = revents;
    ck_assert_int_eq(read(fd, &g_byte, 1), 1);
    ck_assert_int_eq(pf_actor_unwatch(actor, fd), 0);
    pf_actor_stop(actor);
}

START_TEST(test_fd_watch)
{
    fc_t fc;
    fc_init(&fc);
    ck_assert_int_eq(pipe(g_pipe), 0);
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.service = "svc_t";
    opts.endpoint = fc.endpoint;
    pf_actor_t *actor = pf_actor_new(&opts);
    ck_assert_ptr_nonnull(actor);
    ck_assert_int_eq(pf_actor_watch(actor, -1, ZMQ_POLLIN, s_on_readable, NULL), PF_EINVAL);
    ck_assert_int_eq(pf_actor_watch(actor, g_pipe[0], ZMQ_POLLIN, s_on_readable, NULL), 0);
    pf_actor_timer_add(actor, 20, s_write_pipe, NULL);
    ck_assert_int_eq(pf_actor_run(actor), 0);
    ck_assert(g_revents & ZMQ_POLLIN);
    ck_assert_int_eq(g_byte, 'x');
    ck_assert_int_eq(pf_actor_unwatch(actor, g_pipe[0]), PF_ENOTFOUND);
    pf_actor_destroy(&actor);
    close(g_pipe[0]);
    close(g_pipe[1]);
    fc_fini(&fc);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_actor");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_new_rejects_bad_options);
    tcase_add_test(tc, test_ready_contents);
    tcase_add_test(tc, test_ready_explicit_instance);
    tcase_add_test(tc, test_heartbeats_after_welcome);
    tcase_add_test(tc, test_coordinator_heartbeats_keep_it_registered);
    tcase_add_test(tc, test_silence_reconnects_and_drops_stale_work);
    tcase_add_test(tc, test_unknown_peer_reregisters);
    tcase_add_test(tc, test_task_result_correlation);
    tcase_add_test(tc, test_async_completion_does_not_block);
    tcase_add_test(tc, test_task_fail);
    tcase_add_test(tc, test_task_non_map_result);
    tcase_add_test(tc, test_task_local_deadline);
    tcase_add_test(tc, test_no_task_handler_refuses);
    tcase_add_test(tc, test_call_reply_routed_to_callback);
    tcase_add_test(tc, test_call_error_reply);
    tcase_add_test(tc, test_call_local_timeout);
    tcase_add_test(tc, test_serve_call);
    tcase_add_test(tc, test_emit_event);
    tcase_add_test(tc, test_sigterm_drains);
    tcase_add_test(tc, test_second_signal_stops_now);
    tcase_add_test(tc, test_drain_grace_expires);
    tcase_add_test(tc, test_timers_order_and_cancel);
    tcase_add_test(tc, test_fd_watch);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
