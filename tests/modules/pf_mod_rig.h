/*  pf_mod_rig.h — module code run by a real actor on its own thread,
    against a fake coordinator (../actors/pf_test_coord.h) that sends the
    TASKs and plays the adapters: the rig of the tests of the module
    runtime (gather, modjob, simulate).

      pf_mod_rig_t rig;
      pf_mod_rig_start(&rig, "mod_x", s_on_task, arg);
      fc_task(&rig.fc, …);  fc_expect(&rig.fc, PFA_CALL, …);  …
      pf_mod_rig_stop(&rig);

    A test whose handler state must go after the thread but before the
    actor (pf_simulate) calls pf_mod_rig_halt, frees it, then
    pf_mod_rig_free.                                                       */
#ifndef PF_MOD_RIG_H
#define PF_MOD_RIG_H

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../actors/pf_test_coord.h"
#include "pf_actor.h"
#include "pf_config.h"

/*  Heartbeat (ms) and liveness the fake coordinator welcomes with.         */
#define PF_MOD_RIG_HEARTBEAT_MS 1000
#define PF_MOD_RIG_LIVENESS 10

typedef struct {
    fc_t fc;                   /* fake coordinator                        */
    pf_actor_t *actor;         /* runs the module code                    */
    pthread_t thread;          /* running the actor                       */
    int rc;                    /* pf_actor_run's return                   */
} pf_mod_rig_t;

static inline void *
pf_mod_rig_thread(void *arg)
{
    pf_mod_rig_t *rig = arg;
    rig->rc = pf_actor_run(rig->actor);
    return NULL;
}

/*  Starts an actor serving service with on_task(arg) (default config) on
    a thread, and completes its handshake with the fake coordinator.       */
static inline void
pf_mod_rig_start(pf_mod_rig_t *rig, const char *service, pf_actor_task_fn *on_task, void *arg)
{
    memset(rig, 0, sizeof *rig);
    fc_init(&rig->fc);
    pf_config_t cfg;
    pf_config_defaults(&cfg);
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.service = service;
    opts.endpoint = rig->fc.endpoint;
    opts.config = &cfg;
    opts.on_task = on_task;
    opts.arg = arg;
    rig->actor = pf_actor_new(&opts);
    ck_assert_ptr_nonnull(rig->actor);
    ck_assert_int_eq(pthread_create(&rig->thread, NULL, pf_mod_rig_thread, rig), 0);
    fc_handshake(&rig->fc, PF_MOD_RIG_HEARTBEAT_MS, PF_MOD_RIG_LIVENESS);
}

/*  Stops the actor and joins its thread; it must have run cleanly.        */
static inline void
pf_mod_rig_halt(pf_mod_rig_t *rig)
{
    pf_actor_stop(rig->actor);
    pthread_join(rig->thread, NULL);
    ck_assert_int_eq(rig->rc, 0);
}

/*  Frees the halted actor and the fake coordinator.                        */
static inline void
pf_mod_rig_free(pf_mod_rig_t *rig)
{
    pf_actor_destroy(&rig->actor);
    fc_fini(&rig->fc);
}

/*  Answers the CALL call with payload (may be NULL; stays the caller's)
    or, with error set, fails it with that code ("<service> said no").    */
static inline void
pf_mod_rig_reply(fc_t *fc, const pfa_msg_t *call, const pf_value_t *payload, const char *error)
{
    pfa_msg_t *reply = pfa_msg_new(PFA_REPLY);
    reply->call_id = call->call_id;
    reply->ok = error == NULL;
    if (error) {
        snprintf(reply->error_code, sizeof reply->error_code, "%s", error);
        snprintf(reply->error_message, sizeof reply->error_message, "%s said no", call->service);
    }
    if (payload) {
        uint8_t *data = NULL;
        size_t size = 0;
        ck_assert_int_eq(pf_msgpack_encode(payload, &data, &size), 0);
        reply->payload = data;
        reply->payload_size = size;
    }
    fc_send(fc, reply);
    pfa_msg_destroy(&reply);
}

/*  Answers the CALL call like an adapter: {data: *data_p (taken),
    provenance: {provider: the call's service}}.                           */
static inline void
pf_mod_rig_answer(fc_t *fc, const pfa_msg_t *call, pf_value_t **data_p)
{
    pf_value_t *r = pf_value_map();
    pf_map_set(r, "data", data_p);
    pf_value_t *prov = pf_value_map();
    pf_map_set_str(prov, "provider", call->service);
    pf_map_set(r, "provenance", &prov);
    pf_mod_rig_reply(fc, call, r, NULL);
    pf_value_destroy(&r);
}

/*  The payload of the next RESULT, which must be a success (the caller
    owns it); waits up to timeout_ms.                                      */
static inline pf_value_t *
pf_mod_rig_result(fc_t *fc, int timeout_ms)
{
    pfa_msg_t *res = fc_expect(fc, PFA_RESULT, timeout_ms);
    ck_assert_msg(res->ok, "failed: %s: %s", res->error_code, res->error_message);
    pf_value_t *body = fc_payload(res);
    pfa_msg_destroy(&res);
    return body;
}

/*  Halts and frees.                                                        */
static inline void
pf_mod_rig_stop(pf_mod_rig_t *rig)
{
    pf_mod_rig_halt(rig);
    pf_mod_rig_free(rig);
}

#endif
