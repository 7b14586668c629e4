/*  test_pf_simulate.c — the simulated module workload: the result map of
    the contract, scale parsing, and that the wait per task is the design
    estimate x SCALE, measured end to end through an actor and a fake
    coordinator (../actors/pf_test_coord.h) on the monotonic clock.        */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pf_actor.h"
#include "pf_check.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_mod_rig.h"
#include "pf_simulate.h"

#define WAIT_MS 10000

/*  Slack for a loaded sanitizer build: a result may come this much later
    than its simulated duration, never earlier.                            */
#define SLACK_MS 1500

START_TEST(test_parse_scale)
{
    double s = -1;
    ck_assert_int_eq(pf_simulate_parse_scale("0", &s), 0);
    ck_assert(s == 0);
    ck_assert_int_eq(pf_simulate_parse_scale("0.05", &s), 0);
    ck_assert(s == 0.05);
    ck_assert_int_eq(pf_simulate_parse_scale("1000", &s), 0);
    s = 7;
    ck_assert_int_eq(pf_simulate_parse_scale("-0.1", &s), PF_EINVAL);
    ck_assert_int_eq(pf_simulate_parse_scale("1001", &s), PF_EINVAL);
    ck_assert_int_eq(pf_simulate_parse_scale("", &s), PF_EINVAL);
    ck_assert_int_eq(pf_simulate_parse_scale("1x", &s), PF_EINVAL);
    ck_assert_int_eq(pf_simulate_parse_scale("nan", &s), PF_EINVAL);
    ck_assert_int_eq(pf_simulate_parse_scale("inf", &s), PF_EINVAL);
    ck_assert_int_eq(pf_simulate_parse_scale(NULL, &s), PF_EINVAL);
    ck_assert(s == 7);   /* untouched on failure */
}
END_TEST

START_TEST(test_new_and_delay)
{
    ck_assert_ptr_null(pf_simulate_new("no_such_module", 1));
    ck_assert_ptr_null(pf_simulate_new("company_context", -1));
    ck_assert_ptr_null(pf_simulate_new("company_context", PF_SIMULATE_SCALE_MAX * 2));
    ck_assert_int_eq(pf_graph_check(), 0);
    for (int i = 0; i < PF_MODULE_COUNT; i++) {
        pf_simulate_t *sim = pf_simulate_new(pf_graph_name(i), 0.01);
        ck_assert_ptr_nonnull(sim);
        double want = pf_graph_estimates()[i] * 10.0;   /* ms at 0.01 */
        ck_assert_uint_eq(pf_simulate_delay_ms(sim), (uint32_t) (want + 0.5));
        pf_simulate_destroy(&sim);
        ck_assert_ptr_null(sim);
    }
    pf_simulate_t *zero = pf_simulate_new("company_context", 0);
    ck_assert_uint_eq(pf_simulate_delay_ms(zero), 0);
    pf_simulate_destroy(&zero);
    pf_simulate_destroy(&zero);
}
END_TEST

START_TEST(test_result_shape)
{
    pf_value_t *inputs = pf_value_map();
    pf_value_t *v = pf_value_map();
    pf_map_set(inputs, "technology_stack", &v);
    v = pf_value_map();
    pf_map_set(inputs, "company_context", &v);
    pf_value_t *r = pf_simulate_result("competitor_intelligence", "stripe.com", inputs);
    ck_assert_uint_eq(pf_map_size(r), 4);
    ck_assert_str_eq(pf_map_get_str(r, "module"), "competitor_intelligence");
    ck_assert_str_eq(pf_map_get_str(r, "domain"), "stripe.com");
    ck_assert(pf_value_is(pf_map_get(r, "simulated"), PF_BOOL));
    ck_assert(pf_map_get_bool(r, "simulated", false));
    ck_assert(!pf_map_get(r, "attempt"));
    const pf_value_t *names = pf_map_get(r, "inputs");
    ck_assert_uint_eq(pf_array_size(names), 2);   /* sorted */
    ck_assert_str_eq(pf_value_as_str(pf_array_at(names, 0), NULL), "company_context");
    ck_assert_str_eq(pf_value_as_str(pf_array_at(names, 1), NULL), "technology_stack");
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);

    /* No inputs: an empty array, not a missing key.                      */
    pf_value_t *empty = pf_value_map();
    r = pf_simulate_result("company_context", "a.com", empty);
    ck_assert(pf_value_is(pf_map_get(r, "inputs"), PF_ARRAY));
    ck_assert_uint_eq(pf_array_size(pf_map_get(r, "inputs")), 0);
    pf_value_destroy(&r);
    pf_value_destroy(&empty);
}
END_TEST

/*  ---- end to end ------------------------------------------------------- */

typedef struct {
    pf_mod_rig_t mod;          /* the actor and the fake coordinator      */
    pf_simulate_t *sim;        /* the workload                            */
} rig_t;

static void
rig_start(rig_t *rig, const char *module, double scale)
{
    rig->sim = pf_simulate_new(module, scale);
    ck_assert_ptr_nonnull(rig->sim);
    pf_mod_rig_start(&rig->mod, module, pf_simulate_on_task, rig->sim);
}

static void
rig_stop(rig_t *rig)
{
    pf_mod_rig_halt(&rig->mod);
    pf_simulate_destroy(&rig->sim);   /* before the actor it served      */
    pf_mod_rig_free(&rig->mod);
}

START_TEST(test_task_waits_scaled_estimate)
{
    rig_t rig;
    rig_start(&rig, "technology_stack", 0.02);   /* 15 s x 0.02 = 300 ms */
    uint32_t delay = pf_simulate_delay_ms(rig.sim);
    ck_assert_uint_eq(delay, 300);
    pf_value_t *inputs = pf_value_map();
    long long t0 = fc_now_ms();
    fc_task(&rig.mod.fc, 1, "technology_stack", "stripe.com", 2, 60000, inputs);
    pf_value_destroy(&inputs);
    pfa_msg_t *res = fc_expect(&rig.mod.fc, PFA_RESULT, WAIT_MS);
    long long took = fc_now_ms() - t0;
    ck_assert_int_ge(took, delay);
    ck_assert_int_lt(took, delay + SLACK_MS);
    ck_assert(res->ok);
    ck_assert_uint_eq(res->task_id, 1);
    ck_assert_uint_eq(res->attempt, 2);
    pf_value_t *body = fc_payload(res);
    ck_assert_str_eq(pf_map_get_str(body, "module"), "technology_stack");
    ck_assert_str_eq(pf_map_get_str(body, "domain"), "stripe.com");
    ck_assert(pf_map_get_bool(body, "simulated", false));
    ck_assert(!pf_map_get(body, "attempt"));
    ck_assert_uint_eq(pf_array_size(pf_map_get(body, "inputs")), 0);
    pf_value_destroy(&body);
    pfa_msg_destroy(&res);
    rig_stop(&rig);
}
END_TEST

START_TEST(test_tasks_overlap)
{
    rig_t rig;
    rig_start(&rig, "buying_committee", 0.05);   /* 8 s x 0.05 = 400 ms */
    uint32_t delay = pf_simulate_delay_ms(rig.sim);
    ck_assert_uint_eq(delay, 400);
    pf_value_t *inputs = pf_value_map();
    pf_value_t *v = pf_value_map();
    pf_map_set(inputs, "hiring_signals", &v);
    v = pf_value_map();
    pf_map_set(inputs, "executive_intelligence", &v);
    v = pf_value_map();
    pf_map_set(inputs, "company_context", &v);
    long long t0 = fc_now_ms();
    for (uint64_t id = 1; id <= 3; id++)
        fc_task(&rig.mod.fc, id, "buying_committee", "stripe.com", 1, 60000, inputs);
    pf_value_destroy(&inputs);
    for (int i = 0; i < 3; i++) {
        pfa_msg_t *res = fc_expect(&rig.mod.fc, PFA_RESULT, WAIT_MS);
        ck_assert(res->ok);
        pf_value_t *body = fc_payload(res);
        const pf_value_t *names = pf_map_get(body, "inputs");
        ck_assert_uint_eq(pf_array_size(names), 3);
        ck_assert_str_eq(pf_value_as_str(pf_array_at(names, 0), NULL), "company_context");
        ck_assert_str_eq(pf_value_as_str(pf_array_at(names, 1), NULL), "executive_intelligence");
        ck_assert_str_eq(pf_value_as_str(pf_array_at(names, 2), NULL), "hiring_signals");
        pf_value_destroy(&body);
        pfa_msg_destroy(&res);
    }
    long long took = fc_now_ms() - t0;
    /* Run one after the other they would need 3 x 400 ms.                 */
    ck_assert_int_ge(took, delay);
    ck_assert_int_lt(took, 3 * delay);
    rig_stop(&rig);
}
END_TEST

START_TEST(test_scale_zero_answers_at_once)
{
    rig_t rig;
    rig_start(&rig, "strategic_signal_brief", 0);
    long long t0 = fc_now_ms();
    fc_task(&rig.mod.fc, 77, "strategic_signal_brief", "a.com", 1, 60000, NULL);
    pfa_msg_t *res = fc_expect(&rig.mod.fc, PFA_RESULT, WAIT_MS);
    /* 10 s x 0 — only message passing remains.                           */
    ck_assert_int_lt(fc_now_ms() - t0, SLACK_MS);
    ck_assert(res->ok);
    ck_assert_uint_eq(res->task_id, 77);
    pfa_msg_destroy(&res);
    rig_stop(&rig);
}
END_TEST

START_TEST(test_wrong_module_fails)
{
    rig_t rig;
    rig_start(&rig, "hiring_signals", 0);
    fc_task(&rig.mod.fc, 5, "company_context", "a.com", 1, 60000, NULL);
    pfa_msg_t *res = fc_expect(&rig.mod.fc, PFA_RESULT, WAIT_MS);
    ck_assert(!res->ok);
    ck_assert_str_eq(res->error_code, "unknown_module");
    pfa_msg_destroy(&res);
    rig_stop(&rig);
}
END_TEST

START_TEST(test_destroy_with_pending_tasks)
{
    rig_t rig;
    rig_start(&rig, "financial_profile", 10);   /* 120 s: still pending */
    fc_task(&rig.mod.fc, 1, "financial_profile", "a.com", 1, 600000, NULL);
    fc_task(&rig.mod.fc, 2, "financial_profile", "b.com", 1, 600000, NULL);
    ck_assert(fc_quiet(&rig.mod.fc, 100));
    rig_stop(&rig);   /* frees the pending timers and tasks (ASan checks) */
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_simulate");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_parse_scale);
    tcase_add_test(tc, test_new_and_delay);
    tcase_add_test(tc, test_result_shape);
    tcase_add_test(tc, test_task_waits_scaled_estimate);
    tcase_add_test(tc, test_tasks_overlap);
    tcase_add_test(tc, test_scale_zero_answers_at_once);
    tcase_add_test(tc, test_wrong_module_fails);
    tcase_add_test(tc, test_destroy_with_pending_tasks);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
