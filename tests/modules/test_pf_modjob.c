/*  test_pf_modjob.c — the module task scaffolding: a job with state over
    two waves whose calls get a share of the task's deadline; finishing
    with a result or a formatted failure (and the state's cleanup); a
    refused call failing the task "internal" at go; pf_modjob_answer and
    pf_modjob_run_profiled for modules without calls.  A real actor runs
    the module code on its thread against a fake coordinator
    (../actors/pf_test_coord.h) that plays the adapters.                   */
#include <check.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pf_actor.h"
#include "pf_check.h"
#include "pf_config.h"
#include "pf_mod_rig.h"
#include "pf_modjob.h"
#include "pf_profile.h"

#define WAIT_MS 10000
/*  The task deadline the tests send, and the waves of the two-wave job
    (it declares three): a call's timeout is the time left to the deadline
    less a twentieth, less a tenth for each wave still to come.           */
#define TASK_MS 60000
#define WAVES 3
#define CALLS_MS (TASK_MS - TASK_MS / 20)
#define LATER_MS (TASK_MS / 10)
/*  How much of the task's time the test may take before a call is made.  */
#define SLACK_MS 5000

/*  What the module under test does with its task.                         */
typedef enum { SCEN_WAVES, SCEN_FAIL, SCEN_REFUSED, SCEN_ANSWER, SCEN_PROFILED } scen_t;

static _Atomic int g_scen;          /* scenario of the next task            */
static atomic_int g_freed;          /* state cleanups run                   */

/*  The module's own state in the two-wave job.                             */
typedef struct {
    int64_t v;                       /* what wave 1 answered                 */
    pf_value_t *kept;                /* freed by s_state_free                */
} state_t;

static void
s_state_free(void *state)
{
    state_t *st = state;
    pf_value_destroy(&st->kept);
    atomic_fetch_add(&g_freed, 1);
}

static void
s_wave2(pf_modjob_t *job)
{
    state_t *st = pf_modjob_state(job);
    const pf_value_t *b = pf_gather_data(pf_modjob_gather(job), "b");
    pf_value_t *result = NULL;
    if (b) {
        result = pf_value_map();
        pf_map_set_int(result, "a", st->v);
        pf_map_set_int(result, "b", pf_map_get_int(b, "v", -1));
        pf_map_set_str(result, "domain", pf_modjob_domain(job));
        pf_map_set_int(result, "kept", pf_map_get_int(st->kept, "k", -1));
    }
    pf_modjob_finish(&job, &result, "providers_unavailable", "b failed: %s",
                     pf_gather_error(pf_modjob_gather(job), "b"));
    ck_assert_ptr_null(job);
}

static void
s_wave1(pf_modjob_t *job)
{
    state_t *st = pf_modjob_state(job);
    ck_assert(pf_modjob_live(job));
    st->v = pf_map_get_int(pf_gather_data(pf_modjob_gather(job), "a"), "v", -1);
    pf_value_t *args = pf_value_map();
    pf_map_set_int(args, "v", st->v);
    ck_assert_int_eq(pf_modjob_call(job, "b", "svc_b", "y", &args), 0);
    ck_assert_ptr_null(args);
    pf_modjob_go(job, s_wave2);
}

static pf_value_t *
s_profiled(const pf_value_t *inputs, const pf_profile_t *profile)
{
    if (!pf_map_get(inputs, "up"))
        return NULL;
    pf_value_t *r = pf_value_map();
    pf_map_set_str(r, "seller", pf_profile_seller(profile));
    return r;
}

static void
s_on_task(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    (void) arg;
    scen_t scen = (scen_t) atomic_load(&g_scen);
    if (scen == SCEN_ANSWER) {
        pf_value_t *none = NULL;
        pf_modjob_answer(actor, &task, &none, "no_basis", "nothing about %s",
                         pf_task_domain(task));
        ck_assert_ptr_null(task);
        return;
    }
    if (scen == SCEN_PROFILED) {
        pf_modjob_run_profiled(actor, task, s_profiled, "inputs_unavailable", "no input up");
        return;
    }
    pf_modjob_t *job = pf_modjob_new(actor, task, scen == SCEN_WAVES ? WAVES : 0,
                                     sizeof(state_t), s_state_free);
    state_t *st = pf_modjob_state(job);
    ck_assert_ptr_nonnull(st);
    st->kept = pf_value_map();
    pf_map_set_int(st->kept, "k", 5);
    ck_assert_ptr_eq(pf_modjob_inputs(job), pf_task_inputs(task));
    ck_assert_ptr_null(pf_modjob_input(job, "absent"));
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "domain", pf_modjob_domain(job));
    if (scen == SCEN_REFUSED) {
        /*  An empty slot name: a bug in a module, refused and remembered.  */
        ck_assert_int_ne(pf_modjob_call(job, "", "svc_a", "x", &args), 0);
        ck_assert_ptr_null(args);
        pf_modjob_go(job, s_wave1);        /* fails the task, frees the job */
        return;
    }
    ck_assert_int_eq(pf_modjob_call(job, "a", "svc_a", "x", &args), 0);
    pf_modjob_go(job, scen == SCEN_WAVES ? s_wave1 : s_wave2);
}

/*  ---- the rig ---------------------------------------------------------- */

static void
rig_start(pf_mod_rig_t *rig, scen_t scen)
{
    atomic_store(&g_scen, (int) scen);
    atomic_store(&g_freed, 0);
    pf_mod_rig_start(rig, "mod_j", s_on_task, NULL);
}

/*  Answers call with {data: {v}} (as an adapter) or an error.             */
static void
s_reply(fc_t *fc, const pfa_msg_t *call, int64_t v, const char *error)
{
    if (error) {
        pf_mod_rig_reply(fc, call, NULL, error);
        return;
    }
    pf_value_t *data = pf_value_map();
    pf_map_set_int(data, "v", v);
    pf_mod_rig_answer(fc, call, &data);
}

/*  Expects the task to fail with code and a message holding want.        */
static void
s_expect_failure(fc_t *fc, const char *code, const char *want)
{
    pfa_msg_t *res = fc_expect(fc, PFA_RESULT, WAIT_MS);
    ck_assert(!res->ok);
    ck_assert_str_eq(res->error_code, code);
    ck_assert_msg(strstr(res->error_message, want) != NULL, "'%s' lacks '%s'",
                  res->error_message, want);
    pfa_msg_destroy(&res);
}

START_TEST(test_two_waves)
{
    pf_mod_rig_t rig;
    rig_start(&rig, SCEN_WAVES);
    fc_task(&rig.fc, 1, "mod_j", "nike.com", 1, TASK_MS, NULL);
    pfa_msg_t *a = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    ck_assert_str_eq(a->service, "svc_a");
    /*  Three waves at most: the first wave's calls leave a tenth of the
        task's time to each of the two still to come.                      */
    ck_assert_uint_le(a->timeout_ms, CALLS_MS - 2 * LATER_MS);
    ck_assert_uint_ge(a->timeout_ms, CALLS_MS - 2 * LATER_MS - SLACK_MS);
    s_reply(&rig.fc, a, 7, NULL);
    pfa_msg_destroy(&a);
    pfa_msg_t *b = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    ck_assert_str_eq(b->service, "svc_b");
    /*  The second wave: what is left, less a tenth for the third.         */
    ck_assert_uint_le(b->timeout_ms, CALLS_MS - LATER_MS);
    ck_assert_uint_ge(b->timeout_ms, CALLS_MS - LATER_MS - SLACK_MS);
    pf_value_t *args = fc_payload(b);
    ck_assert_int_eq(pf_map_get_int(args, "v", -1), 7);
    pf_value_destroy(&args);
    s_reply(&rig.fc, b, 8, NULL);
    pfa_msg_destroy(&b);
    pf_value_t *body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    ck_assert_int_eq(pf_map_get_int(body, "a", -1), 7);
    ck_assert_int_eq(pf_map_get_int(body, "b", -1), 8);
    ck_assert_int_eq(pf_map_get_int(body, "kept", -1), 5);
    ck_assert_str_eq(pf_map_get_str(body, "domain"), "nike.com");
    pf_value_destroy(&body);
    pf_mod_rig_stop(&rig);
    ck_assert_int_eq(atomic_load(&g_freed), 1);
}
END_TEST

/*  No result: the formatted failure; a refused call: "internal" at go,
    before anything is sent.  The state is cleaned up either way.         */
START_TEST(test_failures)
{
    pf_mod_rig_t rig;
    rig_start(&rig, SCEN_FAIL);
    fc_task(&rig.fc, 2, "mod_j", "nike.com", 1, TASK_MS, NULL);
    pfa_msg_t *a = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    /*  waves 0 counts as one: the call may use all the task's time, longer
        than the actor config's call timeout (a rate-limit queue).         */
    ck_assert_uint_le(a->timeout_ms, CALLS_MS);
    ck_assert_uint_ge(a->timeout_ms, CALLS_MS - SLACK_MS);
    ck_assert_uint_gt(a->timeout_ms, PF_DEFAULT_CALL_TIMEOUT_MS);
    s_reply(&rig.fc, a, 0, "not_found");
    pfa_msg_destroy(&a);
    /*  Slot b was never called: the gather says so, formatted in.         */
    s_expect_failure(&rig.fc, "providers_unavailable", "b failed: not_called");
    pf_mod_rig_stop(&rig);
    ck_assert_int_eq(atomic_load(&g_freed), 1);

    /*  A task without a deadline: the actor config's call timeout.        */
    rig_start(&rig, SCEN_FAIL);
    fc_task(&rig.fc, 8, "mod_j", "nike.com", 1, 0, NULL);
    a = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    ck_assert_uint_eq(a->timeout_ms, PF_DEFAULT_CALL_TIMEOUT_MS);
    s_reply(&rig.fc, a, 0, "not_found");
    pfa_msg_destroy(&a);
    s_expect_failure(&rig.fc, "providers_unavailable", "b failed: not_called");
    pf_mod_rig_stop(&rig);

    rig_start(&rig, SCEN_REFUSED);
    fc_task(&rig.fc, 3, "mod_j", "nike.com", 1, TASK_MS, NULL);
    s_expect_failure(&rig.fc, "internal", "refused");
    ck_assert(fc_quiet(&rig.fc, 50));          /* no call went out          */
    pf_mod_rig_stop(&rig);
    ck_assert_int_eq(atomic_load(&g_freed), 1);
}
END_TEST

START_TEST(test_answer_and_profiled)
{
    pf_mod_rig_t rig;
    rig_start(&rig, SCEN_ANSWER);
    fc_task(&rig.fc, 4, "mod_j", "target.com", 1, TASK_MS, NULL);
    s_expect_failure(&rig.fc, "no_basis", "nothing about target.com");

    /*  No profile installed: "no_profile".                                 */
    atomic_store(&g_scen, SCEN_PROFILED);
    pf_profile_install(NULL);
    fc_task(&rig.fc, 5, "mod_j", "target.com", 1, TASK_MS, NULL);
    s_expect_failure(&rig.fc, "no_profile", "no seller profile");
    pf_mod_rig_stop(&rig);

    /*  Installed before the actor runs (pf_profile.h): the function's
        result, or its failure when it gives none.                         */
    unsetenv(PF_PROFILE_ENV);
    pf_profile_t *p = pf_profile_load(pf_profile_path(NULL), NULL, 0);
    ck_assert_ptr_nonnull(p);
    pf_profile_install(&p);
    rig_start(&rig, SCEN_PROFILED);
    pf_value_t *inputs = pf_value_map();
    pf_value_t *up = pf_value_map();
    pf_map_set(inputs, "up", &up);
    fc_task(&rig.fc, 6, "mod_j", "target.com", 1, TASK_MS, inputs);
    pf_value_destroy(&inputs);
    pf_value_t *body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    ck_assert_str_eq(pf_map_get_str(body, "seller"), "Example Search");
    pf_value_destroy(&body);
    fc_task(&rig.fc, 7, "mod_j", "target.com", 1, TASK_MS, NULL);
    s_expect_failure(&rig.fc, "inputs_unavailable", "no input up");
    pf_mod_rig_stop(&rig);
    pf_profile_install(NULL);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_modjob");
    TCase *tc = tcase_create("modjob");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_two_waves);
    tcase_add_test(tc, test_failures);
    tcase_add_test(tc, test_answer_and_profiled);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
