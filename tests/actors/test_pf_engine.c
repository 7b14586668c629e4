/*  test_pf_engine.c — the dataflow engine without sockets: release order,
    skips, retries, timeouts, lost work, priorities, batches, cancel, TTL.  */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pf_check.h"
#include "pf_engine.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_msgpack.h"

#define MAX_EVENTS 4096

typedef struct {
    char topic[32];          /* event topic                                 */
    char module[64];         /* module field, if any                        */
    char job[40];            /* job_id field                                */
} s_event_t;

static s_event_t s_events[MAX_EVENTS];
static int s_event_count;
static int s_ended;
static pf_modset_t s_ready_seen;

static void
s_publish(void *arg, const char *topic, pf_value_t **body)
{
    (void)arg;
    if (s_event_count < MAX_EVENTS) {
        s_event_t *e = &s_events[s_event_count++];
        snprintf(e->topic, sizeof e->topic, "%s", topic);
        const char *m = pf_map_get_str(*body, "module");
        snprintf(e->module, sizeof e->module, "%s", m ? m : "");
        const char *j = pf_map_get_str(*body, "job_id");
        snprintf(e->job, sizeof e->job, "%s", j ? j : "");
    }
    pf_value_destroy(body);
}

static void
s_work_ready(void *arg, int module)
{
    (void)arg;
    s_ready_seen |= 1u << module;
}

static void
s_job_ended(void *arg, pf_job_t *job)
{
    (void)arg;
    (void)job;
    s_ended++;
}

static pf_engine_t *
s_engine(uint32_t attempts, uint32_t max_jobs)
{
    s_event_count = 0;
    s_ended = 0;
    s_ready_seen = 0;
    pf_config_t cfg;
    pf_config_defaults(&cfg);
    cfg.module_attempts = attempts;
    cfg.max_queued_jobs = max_jobs;
    cfg.module_timeout_ms = 1000;
    cfg.result_ttl_s = 10;
    pf_engine_hooks_t hooks = { NULL, s_publish, s_work_ready, s_job_ended };
    pf_engine_t *e = pf_engine_new(&cfg, &hooks, NULL);
    ck_assert_ptr_nonnull(e);
    return e;
}

static const uint8_t s_empty_map[] = { 0x80 };

static pf_job_t *
s_submit(pf_engine_t *e, pf_modset_t mods, pfp_priority_t prio, const char *key)
{
    pf_submit_t req = { "example.com", mods, prio, key };
    pf_job_t *job = NULL;
    bool existing = false;
    ck_assert_int_eq(pf_engine_submit(e, &req, 0, &job, &existing), PF_OK);
    return job;
}

static void
s_ok(pf_engine_t *e, pf_dispatch_t *t)
{
    pf_engine_task_result(e, t, true, s_empty_map, 1, NULL, NULL, 1, 0);
}

static void
s_fail(pf_engine_t *e, pf_dispatch_t *t)
{
    pf_engine_task_result(e, t, false, NULL, 0, "boom", "it broke", 1, 0);
}

/*  Index of the first event of topic for module, or -1.                    */
static int
s_find(const char *topic, const char *module)
{
    for (int i = 0; i < s_event_count; i++)
        if (strcmp(s_events[i].topic, topic) == 0 && strcmp(s_events[i].module, module) == 0)
            return i;
    return -1;
}

/*  Runs every ready task to completion in arrival order, failing the
    modules in fail_set on every attempt.                                   */
static void
s_run_all(pf_engine_t *e, pf_modset_t fail_set)
{
    for (int guard = 0; guard < 1000; guard++) {
        bool any = false;
        for (int m = 0; m < PF_MODULE_COUNT; m++) {
            pf_dispatch_t *t = pf_engine_next_task(e, m, 0);
            if (!t)
                continue;
            any = true;
            if (fail_set & (1u << m))
                s_fail(e, t);
            else
                s_ok(e, t);
        }
        if (!any)
            return;
    }
    ck_abort_msg("engine did not quiesce");
}

START_TEST(test_releases_on_last_input)
{
    pf_engine_t *e = s_engine(3, 100);
    pf_job_t *job = s_submit(e, 0, PFP_PRIORITY_DEFAULT, NULL);
    ck_assert_int_eq(job->status, PF_JOB_QUEUED);
    /* Only the four roots are ready. */
    for (int m = 0; m < PF_MODULE_COUNT; m++)
        ck_assert_int_eq(job->mstate[m] == PF_MOD_READY, m < 4);
    int cc = pf_graph_find("company_context"), ts = pf_graph_find("technology_stack");
    int ci = pf_graph_find("competitor_intelligence");
    pf_dispatch_t *t_cc = pf_engine_next_task(e, cc, 0);
    pf_dispatch_t *t_ts = pf_engine_next_task(e, ts, 0);
    ck_assert_int_eq(job->status, PF_JOB_RUNNING);
    s_ok(e, t_cc);
    /* competitor_intelligence still waits on technology_stack. */
    ck_assert_int_eq(job->mstate[ci], PF_MOD_PENDING);
    ck_assert_int_eq(job->mstate[pf_graph_find("hiring_signals")], PF_MOD_READY);
    s_ok(e, t_ts);
    ck_assert_int_eq(job->mstate[ci], PF_MOD_READY);
    s_run_all(e, 0);
    ck_assert_int_eq(job->status, PF_JOB_COMPLETED);
    ck_assert_int_eq(s_ended, 1);
    /* buying_committee was released only after executive_intelligence. */
    ck_assert_int_gt(s_find("module.ready", "buying_committee"),
                     s_find("module.completed", "executive_intelligence"));
    ck_assert_int_gt(s_find("module.ready", "strategic_signal_brief"),
                     s_find("module.completed", "displacement_analysis"));
    pf_engine_stats_t st;
    pf_engine_stats(e, &st);
    ck_assert_uint_eq(st.results_taken, PF_MODULE_COUNT);
    ck_assert_uint_eq(st.unfinished, 0);
    pf_engine_destroy(&e);
    ck_assert_ptr_null(e);
}
END_TEST

START_TEST(test_inputs_payload_names_upstream)
{
    pf_engine_t *e = s_engine(3, 100);
    pf_job_t *job = s_submit(e, 0, PFP_PRIORITY_DEFAULT, NULL);
    (void)job;
    s_run_all(e, 1u << pf_graph_find("technology_stack"));
    /* Rerun a fresh job to capture a TASK for competitor_intelligence.     */
    pf_job_t *j2 = s_submit(e, 1u << pf_graph_find("competitor_intelligence"),
                            PFP_PRIORITY_DEFAULT, NULL);
    s_ok(e, pf_engine_next_task(e, 0, 0));
    s_ok(e, pf_engine_next_task(e, pf_graph_find("technology_stack"), 0));
    pf_dispatch_t *t = pf_engine_next_task(e, pf_graph_find("competitor_intelligence"), 0);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_eq(t->job, j2);
    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_engine_task_inputs(e, t, &data, &size), PF_OK);
    pf_value_t *v = NULL;
    ck_assert_int_eq(pf_msgpack_decode(data, size, NULL, &v), PF_OK);
    ck_assert_uint_eq(pf_map_size(v), 2);
    ck_assert(pf_map_has(v, "company_context"));
    ck_assert(pf_map_has(v, "technology_stack"));
    pf_value_destroy(&v);
    free(data);
    s_ok(e, t);
    ck_assert_int_eq(j2->status, PF_JOB_COMPLETED);
    ck_assert_uint_eq(j2->set, pf_graph_close(1u << pf_graph_find("competitor_intelligence")));
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_required_failure_skips_optional_does_not)
{
    pf_engine_t *e = s_engine(2, 100);
    pf_job_t *job = s_submit(e, 0, PFP_PRIORITY_DEFAULT, NULL);
    int ei = pf_graph_find("executive_intelligence");
    int hs = pf_graph_find("hiring_signals");
    s_run_all(e, (1u << ei) | (1u << hs));
    ck_assert_int_eq(job->mstate[ei], PF_MOD_FAILED);
    ck_assert_int_eq(job->attempts[ei], 2);
    /* buying_committee requires executive_intelligence: skipped, reason named. */
    int bc = pf_graph_find("buying_committee");
    ck_assert_int_eq(job->mstate[bc], PF_MOD_SKIPPED);
    ck_assert_ptr_nonnull(strstr(job->error[bc], "executive_intelligence"));
    /* signal_scoring's inputs are optional: it ran. */
    ck_assert_int_eq(job->mstate[pf_graph_find("signal_scoring")], PF_MOD_COMPLETED);
    ck_assert_int_eq(job->mstate[pf_graph_find("strategic_signal_brief")], PF_MOD_COMPLETED);
    ck_assert_int_eq(job->status, PF_JOB_PARTIAL);
    ck_assert_int_ge(s_find("module.retried", "executive_intelligence"), 0);
    ck_assert_int_ge(s_find("module.skipped", "buying_committee"), 0);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_root_failure_fails_job)
{
    pf_engine_t *e = s_engine(1, 100);
    pf_job_t *job = s_submit(e, 0, PFP_PRIORITY_DEFAULT, NULL);
    s_run_all(e, 1u << PF_MODULE_ROOT);
    ck_assert_int_eq(job->status, PF_JOB_FAILED);
    ck_assert_int_eq(job->mstate[pf_graph_find("technology_stack")], PF_MOD_COMPLETED);
    ck_assert_int_eq(job->mstate[pf_graph_find("strategic_signal_brief")], PF_MOD_SKIPPED);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_lost_work_is_redispatched_and_stale_result_dropped)
{
    pf_engine_t *e = s_engine(1, 100);
    pf_job_t *job = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, NULL);
    pf_dispatch_t *t1 = pf_engine_next_task(e, PF_MODULE_ROOT, 0);
    uint64_t id1 = t1->id;
    pf_engine_task_lost(e, t1, "instance died", 0);
    ck_assert_ptr_null(pf_engine_task(e, id1));
    ck_assert_int_eq(job->mstate[PF_MODULE_ROOT], PF_MOD_READY);
    ck_assert_int_eq(job->failures[PF_MODULE_ROOT], 0);   /* not the module's fault */
    pf_dispatch_t *t2 = pf_engine_next_task(e, PF_MODULE_ROOT, 0);
    ck_assert_uint_eq(t2->attempt, 2);
    s_ok(e, t2);
    ck_assert_int_eq(job->status, PF_JOB_COMPLETED);
    pf_engine_stats_t st;
    pf_engine_stats(e, &st);
    ck_assert_uint_eq(st.results_taken, 1);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_timeout_fails_attempt_late_result_dropped)
{
    pf_engine_t *e = s_engine(2, 100);
    pf_job_t *job = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, NULL);
    pf_dispatch_t *t1 = pf_engine_next_task(e, PF_MODULE_ROOT, 0);
    uint64_t id1 = t1->id;
    int64_t next = pf_engine_sweep(e, 500000);
    ck_assert_int_eq(next, 1000000);
    pf_engine_sweep(e, 1000001);
    ck_assert_int_eq(job->failures[PF_MODULE_ROOT], 1);
    ck_assert_int_eq(job->mstate[PF_MODULE_ROOT], PF_MOD_READY);
    /* The late attempt is still known (its holder keeps the credit)... */
    pf_dispatch_t *late = pf_engine_task(e, id1);
    ck_assert_ptr_nonnull(late);
    ck_assert(!late->current);
    pf_dispatch_t *t2 = pf_engine_next_task(e, PF_MODULE_ROOT, 0);
    /* ...and its result, when it comes, is dropped. */
    s_ok(e, late);
    ck_assert_int_eq(job->mstate[PF_MODULE_ROOT], PF_MOD_RUNNING);
    s_ok(e, t2);
    ck_assert_int_eq(job->status, PF_JOB_COMPLETED);
    pf_engine_stats_t st;
    pf_engine_stats(e, &st);
    ck_assert_uint_eq(st.results_taken, 1);
    ck_assert_uint_eq(st.results_dropped, 1);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_priorities_strict_then_rank)
{
    pf_engine_t *e = s_engine(1, 100);
    pf_job_t *low = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_LOW, NULL);
    pf_job_t *def = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, NULL);
    pf_job_t *high = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_HIGH, NULL);
    ck_assert_ptr_eq(pf_engine_next_task(e, PF_MODULE_ROOT, 0)->job, high);
    ck_assert_ptr_eq(pf_engine_next_task(e, PF_MODULE_ROOT, 0)->job, def);
    ck_assert_ptr_eq(pf_engine_next_task(e, PF_MODULE_ROOT, 0)->job, low);
    /* Same priority: the job whose company_context heads a longer path
       (the whole graph) goes before an earlier job that wants only it.    */
    pf_job_t *small = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, NULL);
    pf_job_t *big = s_submit(e, 0, PFP_PRIORITY_DEFAULT, NULL);
    ck_assert_ptr_eq(pf_engine_next_task(e, PF_MODULE_ROOT, 0)->job, big);
    ck_assert_ptr_eq(pf_engine_next_task(e, PF_MODULE_ROOT, 0)->job, small);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_busy_and_idempotency)
{
    pf_engine_t *e = s_engine(1, 2);
    pf_job_t *a = s_submit(e, 0, PFP_PRIORITY_DEFAULT, "key-1");
    pf_job_t *again = s_submit(e, 0, PFP_PRIORITY_DEFAULT, "key-1");
    ck_assert_ptr_eq(a, again);
    s_submit(e, 0, PFP_PRIORITY_DEFAULT, NULL);
    pf_submit_t req = { "example.org", 0, PFP_PRIORITY_DEFAULT, NULL };
    pf_job_t *job = NULL;
    ck_assert_int_eq(pf_engine_submit(e, &req, 0, &job, NULL), PF_EBUSY);
    const char *domains[] = { "a.com" };
    pf_batch_t *batch = NULL;
    ck_assert_int_eq(pf_engine_submit_batch(e, domains, 1, 0, PFP_PRIORITY_DEFAULT, 1, 0, &batch),
                     PF_EBUSY);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_batch_concurrency_and_cancel)
{
    pf_engine_t *e = s_engine(1, 100);
    const char *domains[] = { "a.com", "b.com", "c.com", "d.com" };
    pf_batch_t *batch = NULL;
    ck_assert_int_eq(pf_engine_submit_batch(e, domains, 4, 1u << PF_MODULE_ROOT,
                                            PFP_PRIORITY_DEFAULT, 2, 0, &batch), PF_OK);
    ck_assert_uint_eq(batch->active, 2);
    pf_dispatch_t *t1 = pf_engine_next_task(e, PF_MODULE_ROOT, 0);
    pf_dispatch_t *t2 = pf_engine_next_task(e, PF_MODULE_ROOT, 0);
    ck_assert_ptr_nonnull(t2);
    ck_assert_ptr_null(pf_engine_next_task(e, PF_MODULE_ROOT, 0));
    s_ok(e, t1);
    ck_assert_uint_eq(batch->active, 2);   /* the third job started */
    ck_assert_int_eq(batch->jobs[2]->mstate[PF_MODULE_ROOT], PF_MOD_READY);
    pf_engine_cancel_batch(e, batch, 0);
    ck_assert_int_eq(batch->jobs[0]->status, PF_JOB_COMPLETED);
    for (int i = 1; i < 4; i++)
        ck_assert_int_eq(batch->jobs[i]->status, PF_JOB_CANCELLED);
    ck_assert_uint_eq(batch->ended, 4);
    /* The running attempt's late result is dropped. */
    s_ok(e, t2);
    ck_assert_int_eq(batch->jobs[1]->status, PF_JOB_CANCELLED);
    ck_assert_ptr_null(pf_engine_next_task(e, PF_MODULE_ROOT, 0));
    pf_engine_stats_t st;
    pf_engine_stats(e, &st);
    ck_assert_uint_eq(st.unfinished, 0);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_results_expire_after_ttl)
{
    pf_engine_t *e = s_engine(1, 100);
    pf_job_t *job = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, "k");
    char id[PF_ID_SIZE];
    strcpy(id, job->id);
    s_run_all(e, 0);
    ck_assert_ptr_eq(pf_engine_job(e, id), job);
    pf_engine_sweep(e, 5 * 1000000LL);
    ck_assert_ptr_eq(pf_engine_job(e, id), job);
    pf_engine_sweep(e, 11 * 1000000LL);
    ck_assert_ptr_null(pf_engine_job(e, id));
    /* The key is free again: a new job. */
    pf_job_t *fresh = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, "k");
    ck_assert_str_ne(fresh->id, id);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_status_and_result_bodies)
{
    pf_engine_t *e = s_engine(1, 100);
    pf_job_t *job = s_submit(e, 1u << pf_graph_find("hiring_signals"), PFP_PRIORITY_HIGH, NULL);
    s_ok(e, pf_engine_next_task(e, PF_MODULE_ROOT, 0));
    pf_value_t *st = pf_engine_status_body(e, job, "r1", 0);
    ck_assert_str_eq(pf_map_get_str(st, "status"), "running");
    ck_assert_str_eq(pf_map_get_str(st, "priority"), "high");
    const pf_value_t *mods = pf_map_get(st, "modules");
    ck_assert_uint_eq(pf_map_size(mods), 2);
    ck_assert_str_eq(pf_map_get_str(pf_map_get(mods, "company_context"), "status"), "completed");
    ck_assert_str_eq(pf_map_get_str(pf_map_get(mods, "hiring_signals"), "status"), "ready");
    ck_assert_ptr_nonnull(pf_map_get_str(st, "created_at"));
    pf_value_destroy(&st);
    pf_value_t *res = pf_engine_result_body(e, job, "r2", 0);
    ck_assert_uint_eq(pf_map_size(pf_map_get(res, "results")), 1);
    ck_assert_uint_eq(pf_array_size(pf_map_get(res, "pending_modules")), 1);
    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_msgpack_encode(res, &data, &size), PF_OK);
    pf_value_t *back = NULL;
    ck_assert_int_eq(pf_msgpack_decode(data, size, NULL, &back), PF_OK);
    ck_assert_int_eq(pf_value_type(pf_map_get(pf_map_get(back, "results"), "company_context")),
                     PF_MAP);
    free(data);
    pf_value_destroy(&back);
    pf_value_destroy(&res);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_status_judged_on_requested_modules)
{
    pf_engine_t *e = s_engine(1, 100);
    int ci = pf_graph_find("competitor_intelligence");
    int ts = pf_graph_find("technology_stack");
    pf_job_t *job = s_submit(e, 1u << ci, PFP_PRIORITY_DEFAULT, NULL);
    /* technology_stack is implied (optional input) and fails; what was
       asked for completed: the job is completed.                           */
    s_run_all(e, 1u << ts);
    ck_assert_int_eq(job->mstate[ts], PF_MOD_FAILED);
    ck_assert_int_eq(job->mstate[ci], PF_MOD_COMPLETED);
    ck_assert_int_eq(job->status, PF_JOB_COMPLETED);
    /* Asking for technology_stack itself, the same failure is partial.    */
    pf_job_t *j2 = s_submit(e, (1u << ci) | (1u << ts), PFP_PRIORITY_DEFAULT, NULL);
    s_run_all(e, 1u << ts);
    ck_assert_int_eq(j2->status, PF_JOB_PARTIAL);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_cancelling_a_large_backlog_is_linear)
{
    enum { N = 100000 };
    pf_engine_t *e = s_engine(1, N + 10);
    char **names = malloc(N * sizeof *names);
    for (int i = 0; i < N; i++) {
        names[i] = malloc(32);
        snprintf(names[i], 32, "d%d.example.com", i);
    }
    pf_batch_t *batch = NULL;
    ck_assert_int_eq(pf_engine_submit_batch(e, (const char *const *)names, N,
                                            1u << PF_MODULE_ROOT, PFP_PRIORITY_LOW, 1, 0, &batch),
                     PF_OK);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pf_engine_cancel_batch(e, batch, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_uint_eq(batch->ended, N);
    /* Quadratic would be minutes at this size; linear is milliseconds.    */
    ck_assert_msg(secs < 5.0, "cancel of %d took %.2f s", N, secs);
    for (int i = 0; i < N; i++)
        free(names[i]);
    free(names);
    pf_engine_destroy(&e);
}
END_TEST

START_TEST(test_waiters_are_bounded)
{
    pf_engine_t *e = s_engine(1, 100);
    pf_job_t *job = s_submit(e, 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, "k");
    for (int i = 0; i < PF_JOB_WAITERS_MAX; i++)
        ck_assert_int_eq(pf_engine_add_waiter(e, job, "rid", 3, "r"), PF_OK);
    ck_assert_int_eq(pf_engine_add_waiter(e, job, "rid", 3, "r"), PF_EBUSY);
    pf_engine_destroy(&e);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_engine");
    TCase *tc = tcase_create("engine");
    tcase_add_test(tc, test_releases_on_last_input);
    tcase_add_test(tc, test_inputs_payload_names_upstream);
    tcase_add_test(tc, test_required_failure_skips_optional_does_not);
    tcase_add_test(tc, test_root_failure_fails_job);
    tcase_add_test(tc, test_lost_work_is_redispatched_and_stale_result_dropped);
    tcase_add_test(tc, test_timeout_fails_attempt_late_result_dropped);
    tcase_add_test(tc, test_priorities_strict_then_rank);
    tcase_add_test(tc, test_busy_and_idempotency);
    tcase_add_test(tc, test_batch_concurrency_and_cancel);
    tcase_add_test(tc, test_results_expire_after_ttl);
    tcase_add_test(tc, test_status_and_result_bodies);
    tcase_add_test(tc, test_status_judged_on_requested_modules);
    tcase_add_test(tc, test_cancelling_a_large_backlog_is_linear);
    tcase_add_test(tc, test_waiters_are_bounded);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
