/*  test_pf_gather.c — a module task's parallel adapter calls: two waves
    with answered, failed, malformed and refused calls; a wave with nothing
    to wait for; a local timeout; a gather destroyed while its call is out.
    A real actor runs the module code on its thread against a fake
    coordinator (../actors/pf_test_coord.h) that plays the adapters.      */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pf_actor.h"
#include "pf_check.h"
#include "pf_error.h"
#include "pf_gather.h"
#include "pf_mod_rig.h"

#define WAIT_MS 10000
/*  A call timeout short enough for the test, long enough for a loaded
    sanitizer run to send the call first.                                  */
#define SHORT_TIMEOUT_MS 200

/*  What the module under test does with its task.                         */
typedef enum { SCEN_WAVES, SCEN_EMPTY, SCEN_TIMEOUT, SCEN_ORPHAN } scen_t;

/*  The module's state for one task (one task at a time per test).         */
typedef struct {
    scen_t scen;               /* scenario run by the handler             */
    pf_actor_t *actor;         /* the actor serving it                    */
    pf_task_t *task;           /* the task until answered                 */
    pf_gather_t *gather;       /* its calls                               */
    pf_value_t *result;        /* what the task will answer               */
    bool in_go;                /* inside pf_gather_go (done must not run) */
} mod_t;

static mod_t g_mod;

/*  Records slot's outcome under its name in the result.                   */
static void
s_record(mod_t *m, const char *slot)
{
    pf_value_t *o = pf_value_map();
    pf_map_set_bool(o, "ok", pf_gather_ok(m->gather, slot));
    const char *err = pf_gather_error(m->gather, slot);
    if (err)
        pf_map_set_str(o, "error", err);
    pf_map_set_str(o, "message", pf_gather_message(m->gather, slot));
    const pf_value_t *data = pf_gather_data(m->gather, slot);
    if (data) {
        pf_value_t *d = pf_value_dup(data);
        pf_map_set(o, "data", &d);
    }
    const pf_value_t *prov = pf_gather_provenance(m->gather, slot);
    if (prov) {
        pf_value_t *p = pf_value_dup(prov);
        pf_map_set(o, "provenance", &p);
    }
    pf_map_set(m->result, slot, &o);
}

static void
s_finish(mod_t *m)
{
    pf_gather_destroy(&m->gather);
    pf_gather_destroy(&m->gather);   /* twice is harmless */
    pf_actor_task_done(m->actor, &m->task, &m->result);
}

static void
s_done2(pf_gather_t *gather, void *arg)
{
    mod_t *m = arg;
    ck_assert_ptr_eq(gather, m->gather);
    s_record(m, "d");
    s_record(m, "a");          /* first-wave slots keep their outcome    */
    s_finish(m);
}

static void
s_done1(pf_gather_t *gather, void *arg)
{
    mod_t *m = arg;
    ck_assert(!m->in_go);
    s_record(m, "a");
    s_record(m, "b");
    s_record(m, "c");
    s_record(m, "refused");
    s_record(m, "never");
    /* A second wave, depending on the first.                             */
    pf_value_t *args = pf_value_map();
    pf_map_set_int(args, "v", pf_map_get_int(pf_gather_data(gather, "a"), "v", -1));
    ck_assert_int_eq(pf_gather_call(gather, "d", "svc_d", "y", &args), 0);
    ck_assert_ptr_null(args);
    ck_assert_int_eq(pf_gather_go(gather, s_done2, m), 0);
}

static void
s_done_simple(pf_gather_t *gather, void *arg)
{
    mod_t *m = arg;
    ck_assert(!m->in_go);
    if (m->scen == SCEN_TIMEOUT)
        s_record(m, "slow");
    pf_map_set_bool(m->result, "done", true);
    (void) gather;
    s_finish(m);
}

static void
s_on_task(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    mod_t *m = arg;
    m->actor = actor;
    m->task = task;
    m->result = pf_value_map();
    m->gather = pf_gather_new(actor, m->scen == SCEN_TIMEOUT ? SHORT_TIMEOUT_MS : 0);
    ck_assert_ptr_nonnull(m->gather);
    pf_gather_t *g = m->gather;
    if (m->scen == SCEN_WAVES) {
        pf_value_t *args = pf_value_map();
        pf_map_set_str(args, "domain", pf_task_domain(task));
        ck_assert_int_eq(pf_gather_call(g, "a", "svc_a", "x", &args), 0);
        ck_assert_ptr_null(args);
        ck_assert_int_eq(pf_gather_call(g, "b", "svc_b", "x", NULL), 0);
        ck_assert_int_eq(pf_gather_call(g, "c", "svc_c", "x", NULL), 0);
        /* Refused by the runtime before it is sent (a service name over
           the protocol's limit): failed at once.                         */
        char toolong[PFA_NAME_MAX + 2];
        memset(toolong, 'n', sizeof toolong - 1);
        toolong[sizeof toolong - 1] = '\0';
        ck_assert_int_eq(pf_gather_call(g, "refused", toolong, "x", NULL), 0);
        args = pf_value_map();
        ck_assert_int_eq(pf_gather_call(g, "a", "svc_a", "x", &args), PF_EINVAL);
        ck_assert_ptr_null(args);   /* taken even on failure */
        ck_assert_int_eq(pf_gather_call(g, "", "svc_a", "x", NULL), PF_EINVAL);
        char longname[PF_GATHER_SLOT_MAX + 1];
        memset(longname, 's', sizeof longname - 1);
        longname[sizeof longname - 1] = '\0';
        ck_assert_int_eq(pf_gather_call(g, longname, "svc_a", "x", NULL), PF_EINVAL);
        /* Nothing known about a slot still out.                          */
        ck_assert(!pf_gather_ok(g, "a"));
        ck_assert_str_eq(pf_gather_error(g, "a"), "pending");
        m->in_go = true;
        ck_assert_int_eq(pf_gather_go(g, s_done1, m), 0);
        m->in_go = false;
        ck_assert_int_eq(pf_gather_go(g, s_done1, m), PF_ESTATE);
        ck_assert_int_eq(pf_gather_call(g, "late", "svc_a", "x", NULL), PF_ESTATE);
    } else if (m->scen == SCEN_EMPTY) {
        m->in_go = true;
        ck_assert_int_eq(pf_gather_go(g, s_done_simple, m), 0);
        m->in_go = false;
    } else if (m->scen == SCEN_TIMEOUT) {
        ck_assert_int_eq(pf_gather_call(g, "slow", "svc_slow", "x", NULL), 0);
        ck_assert_int_eq(pf_gather_go(g, s_done_simple, m), 0);
    } else {
        /* Abandoned with its call out: the reply that comes later must
           find the orphan and free it.                                   */
        ck_assert_int_eq(pf_gather_call(g, "o", "svc_o", "x", NULL), 0);
        ck_assert_int_eq(pf_gather_go(g, s_done1, m), 0);
        pf_map_set_bool(m->result, "abandoned", true);
        s_finish(m);
    }
}

/*  ---- the rig ---------------------------------------------------------- */

static void
rig_start(pf_mod_rig_t *rig, scen_t scen)
{
    memset(&g_mod, 0, sizeof g_mod);
    g_mod.scen = scen;
    pf_mod_rig_start(rig, "mod_g", s_on_task, &g_mod);
}

/*  An adapter-shaped reply {data: {v}, provenance: {provider}}.          */
static pf_value_t *
s_adapter_reply(const char *provider, int64_t v)
{
    pf_value_t *data = pf_value_map();
    pf_map_set_int(data, "v", v);
    pf_value_t *prov = pf_value_map();
    pf_map_set_str(prov, "provider", provider);
    pf_value_t *r = pf_value_map();
    pf_map_set(r, "data", &data);
    pf_map_set(r, "provenance", &prov);
    return r;
}

START_TEST(test_two_waves)
{
    pf_mod_rig_t rig;
    rig_start(&rig, SCEN_WAVES);
    fc_task(&rig.fc, 1, "mod_g", "nike.com", 1, 60000, NULL);
    pfa_msg_t *calls[3];
    const char *want[] = { "svc_a", "svc_b", "svc_c" };
    for (int i = 0; i < 3; i++) {
        calls[i] = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
        ck_assert_str_eq(calls[i]->service, want[i]);
        ck_assert_str_eq(calls[i]->op, "x");
    }
    pf_value_t *args = fc_payload(calls[0]);
    ck_assert_str_eq(pf_map_get_str(args, "domain"), "nike.com");
    pf_value_destroy(&args);
    /* Answered out of order: done waits for all three.                   */
    pf_value_t *bare = pf_value_map();
    pf_map_set_int(bare, "answer", 42);
    pf_mod_rig_reply(&rig.fc, calls[2], bare, NULL);   /* no data/provenance maps */
    pf_value_destroy(&bare);
    pf_mod_rig_reply(&rig.fc, calls[1], NULL, "not_found");
    ck_assert(fc_quiet(&rig.fc, 50));         /* a is still out: no wave 2 */
    pf_value_t *ra = s_adapter_reply("svc_a", 7);
    pf_mod_rig_reply(&rig.fc, calls[0], ra, NULL);
    pf_value_destroy(&ra);
    for (int i = 0; i < 3; i++)
        pfa_msg_destroy(&calls[i]);

    pfa_msg_t *d = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    ck_assert_str_eq(d->service, "svc_d");
    args = fc_payload(d);
    ck_assert_int_eq(pf_map_get_int(args, "v", 0), 7);   /* from wave 1 */
    pf_value_destroy(&args);
    pf_value_t *rd = s_adapter_reply("svc_d", 8);
    pf_mod_rig_reply(&rig.fc, d, rd, NULL);
    pf_value_destroy(&rd);
    pfa_msg_destroy(&d);

    pf_value_t *body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    const pf_value_t *a = pf_map_get(body, "a");
    ck_assert(pf_map_get_bool(a, "ok", false));
    ck_assert(!pf_map_has(a, "error"));
    ck_assert_str_eq(pf_map_get_str(a, "message"), "");
    ck_assert_int_eq(pf_map_get_int(pf_map_get(a, "data"), "v", 0), 7);
    ck_assert_str_eq(pf_map_get_str(pf_map_get(a, "provenance"), "provider"), "svc_a");
    const pf_value_t *b = pf_map_get(body, "b");
    ck_assert(!pf_map_get_bool(b, "ok", true));
    ck_assert_str_eq(pf_map_get_str(b, "error"), "not_found");
    ck_assert_str_eq(pf_map_get_str(b, "message"), "svc_b said no");
    ck_assert(!pf_map_has(b, "data"));
    ck_assert(!pf_map_has(b, "provenance"));
    const pf_value_t *c = pf_map_get(body, "c");
    ck_assert(!pf_map_get_bool(c, "ok", true));
    ck_assert_str_eq(pf_map_get_str(c, "error"), "bad_reply");
    const pf_value_t *refused = pf_map_get(body, "refused");
    ck_assert(!pf_map_get_bool(refused, "ok", true));
    ck_assert_str_eq(pf_map_get_str(refused, "error"), "invalid_args");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(body, "never"), "error"), "not_called");
    const pf_value_t *dd = pf_map_get(body, "d");
    ck_assert(pf_map_get_bool(dd, "ok", false));
    ck_assert_int_eq(pf_map_get_int(pf_map_get(dd, "data"), "v", 0), 8);
    pf_value_destroy(&body);
    pf_mod_rig_stop(&rig);
}
END_TEST

START_TEST(test_empty_wave)
{
    pf_mod_rig_t rig;
    rig_start(&rig, SCEN_EMPTY);
    fc_task(&rig.fc, 2, "mod_g", "nike.com", 1, 60000, NULL);
    pf_value_t *body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    ck_assert(pf_map_get_bool(body, "done", false));
    pf_value_destroy(&body);
    pf_mod_rig_stop(&rig);
}
END_TEST

START_TEST(test_timeout)
{
    pf_mod_rig_t rig;
    rig_start(&rig, SCEN_TIMEOUT);
    fc_task(&rig.fc, 3, "mod_g", "nike.com", 1, 60000, NULL);
    pfa_msg_t *call = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    ck_assert_uint_eq(call->timeout_ms, SHORT_TIMEOUT_MS);
    pfa_msg_destroy(&call);   /* never answered */
    pf_value_t *body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    const pf_value_t *slow = pf_map_get(body, "slow");
    ck_assert(!pf_map_get_bool(slow, "ok", true));
    ck_assert_str_eq(pf_map_get_str(slow, "error"), "timeout");
    pf_value_destroy(&body);
    pf_mod_rig_stop(&rig);
}
END_TEST

START_TEST(test_orphaned)
{
    pf_mod_rig_t rig;
    rig_start(&rig, SCEN_ORPHAN);
    fc_task(&rig.fc, 4, "mod_g", "nike.com", 1, 60000, NULL);
    pfa_msg_t *call = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    pf_value_t *body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    ck_assert(pf_map_get_bool(body, "abandoned", false));
    pf_value_destroy(&body);
    /* The late reply frees the orphan (ASan: no leak, no use after free)
       and runs no done; the actor goes on serving.                        */
    pf_value_t *r = s_adapter_reply("svc_o", 1);
    pf_mod_rig_reply(&rig.fc, call, r, NULL);
    pf_value_destroy(&r);
    pfa_msg_destroy(&call);
    g_mod.scen = SCEN_EMPTY;   /* the actor's thread reads it on the next task */
    fc_task(&rig.fc, 5, "mod_g", "nike.com", 1, 60000, NULL);
    body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    ck_assert(pf_map_get_bool(body, "done", false));
    pf_value_destroy(&body);
    pf_mod_rig_stop(&rig);
}
END_TEST

START_TEST(test_bad_arguments)
{
    ck_assert_ptr_null(pf_gather_new(NULL, 0));
    pf_gather_destroy(NULL);
    pf_gather_t *none = NULL;
    pf_gather_destroy(&none);
    ck_assert(!pf_gather_ok(NULL, "a"));
    ck_assert_ptr_null(pf_gather_data(NULL, "a"));
    ck_assert_str_eq(pf_gather_error(NULL, "a"), "not_called");
    ck_assert_str_eq(pf_gather_message(NULL, "a"), "");
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_gather");
    TCase *tc = tcase_create("gather");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_two_waves);
    tcase_add_test(tc, test_empty_wave);
    tcase_add_test(tc, test_timeout);
    tcase_add_test(tc, test_orphaned);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
