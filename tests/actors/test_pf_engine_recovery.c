/*  test_pf_engine_recovery.c — the engine over the durable store: what one
    engine committed, a second engine on the same data directory resumes
    (completed modules kept, running ones dispatched again as a new attempt,
    batch backlogs and idempotency keys carried on); what was not committed
    is gone; the TTL purge reaches the file.                                 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pf_alloc.h"
#include "pf_check.h"
#include "pf_engine.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_sqlstore.h"

#include <sqlite3.h>

/*  Monotonic time of a restart: far enough from 0 that a TTL can pass.     */
#define S_RESTART_US INT64_C(10000000000000)

static char s_dir[] = "/tmp/pf-test-recovery-XXXXXX";
static int s_ended;
static int s_invalid;

static void
s_publish(void *arg, const char *topic, pf_value_t **body)
{
    (void)arg;
    (void)topic;
    pf_value_destroy(body);
}

static void
s_work_ready(void *arg, int module)
{
    (void)arg;
    (void)module;
}

static void
s_job_ended(void *arg, pf_job_t *job)
{
    (void)arg;
    (void)job;
    s_ended++;
}

static void
s_on_invalid(void *arg, const char *table, const char *key, const char *why)
{
    (void)arg;
    fprintf(stderr, "invalid %s row %s: %s\n", table, key, why);
    s_invalid++;
}

static int
s_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void
s_setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(s_dir));
}

static void
s_teardown(void)
{
    nftw(s_dir, s_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/*  An engine with its store: a coordinator's state at start.               */
typedef struct {
    pf_sqlstore_t *db;
    pf_engine_t *e;
} s_node_t;

static s_node_t
s_start(uint32_t ttl_s)
{
    s_ended = 0;
    s_invalid = 0;
    pf_config_t cfg;
    pf_config_defaults(&cfg);
    cfg.module_attempts = 3;
    cfg.module_timeout_ms = 1000;
    cfg.result_ttl_s = ttl_s;
    pf_engine_hooks_t hooks = { NULL, s_publish, s_work_ready, s_job_ended };
    s_node_t n;
    char err[256];
    n.db = pf_sqlstore_open(s_dir, err, sizeof err);
    ck_assert_msg(n.db != NULL, "open: %s", err);
    n.e = pf_engine_new(&cfg, &hooks, NULL);
    ck_assert_ptr_nonnull(n.e);
    pf_engine_set_store(n.e, n.db);
    return n;
}

/*  The end of a coordinator loop turn: what the engine collected, then the
    commit.                                                                 */
static void
s_commit(s_node_t *n)
{
    pf_engine_flush_writes(n->e);
    ck_assert_int_eq(pf_sqlstore_commit(n->db), PF_OK);
}

/*  Starts and recovers; the recovery's own writes are committed.          */
static s_node_t
s_restart(uint32_t ttl_s, pf_engine_recovery_t *r)
{
    s_node_t n = s_start(ttl_s);
    int rc = pf_engine_recover(n.e, S_RESTART_US, s_on_invalid, NULL, r);
    ck_assert_int_eq(rc, PF_OK);
    s_commit(&n);
    return n;
}

/*  The process dies: what was not committed is lost with it.               */
static void
s_crash(s_node_t *n)
{
    pf_engine_destroy(&n->e);
    pf_sqlstore_close(&n->db);
}

static pf_job_t *
s_submit(pf_engine_t *e, const char *domain, pf_modset_t mods, const char *key)
{
    pf_submit_t req = { domain, mods, PFP_PRIORITY_DEFAULT, key };
    pf_job_t *job = NULL;
    bool existing = true;
    ck_assert_int_eq(pf_engine_submit(e, &req, 1000, &job, &existing), PF_OK);
    ck_assert(!existing);
    return job;
}

/*  A result naming its module and domain, as a module would send.          */
static void
s_result(const pf_dispatch_t *t, uint8_t *buf, size_t *size)
{
    const char *name = pf_graph_name(t->module);
    size_t len = strlen(name);
    ck_assert_uint_lt(len, 31);
    buf[0] = 0x81;                /* map of 1                                */
    buf[1] = 0xa1;                /* "m"                                     */
    buf[2] = 'm';
    buf[3] = (uint8_t)(0xa0 | len);
    memcpy(buf + 4, name, len);
    *size = 4 + len;
}

static void
s_ok(pf_engine_t *e, pf_dispatch_t *t)
{
    uint8_t buf[64];
    size_t size = 0;
    s_result(t, buf, &size);
    pf_engine_task_result(e, t, true, buf, size, NULL, NULL, 5, 2000);
}

/*  Runs every ready task of every job to completion.                       */
static void
s_run_all(pf_engine_t *e)
{
    for (int guard = 0; guard < 10000; guard++) {
        bool any = false;
        for (int m = 0; m < PF_MODULE_COUNT; m++) {
            pf_dispatch_t *t = pf_engine_next_task(e, m, 2000);
            if (t) {
                any = true;
                s_ok(e, t);
            }
        }
        if (!any)
            return;
    }
    ck_abort_msg("engine did not quiesce");
}

START_TEST(test_resume_keeps_completed_and_redispatches_running)
{
    s_node_t n = s_start(3600);
    pf_job_t *job = s_submit(n.e, "resume.example.com", PF_MODULE_ALL, NULL);
    char id[PF_ID_SIZE];
    snprintf(id, sizeof id, "%s", job->id);
    uint64_t seq = job->seq;
    /* The root completes; two of its dependents are dispatched, one of
       them completes, the other is still running at the crash.            */
    pf_dispatch_t *root = pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000);
    ck_assert_ptr_nonnull(root);
    s_ok(n.e, root);
    int done = -1, running = -1;
    uint64_t running_task = 0;
    for (int m = 0; m < PF_MODULE_COUNT && running < 0; m++) {
        pf_dispatch_t *t = pf_engine_next_task(n.e, m, 1000);
        if (!t)
            continue;
        if (done < 0) {
            done = m;
            s_ok(n.e, t);
        } else {
            running = m;
            running_task = t->id;
        }
    }
    ck_assert_int_ge(done, 0);
    ck_assert_int_ge(running, 0);
    /* A second job with an idempotency key runs to the end.               */
    pf_job_t *keyed = s_submit(n.e, "keyed.example.com", 1u << PF_MODULE_ROOT, "k1");
    char keyed_id[PF_ID_SIZE];
    snprintf(keyed_id, sizeof keyed_id, "%s", keyed->id);
    pf_dispatch_t *t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_eq(t->job, keyed);
    s_ok(n.e, t);
    ck_assert_int_eq(keyed->status, PF_JOB_COMPLETED);
    s_commit(&n);
    s_crash(&n);

    pf_engine_recovery_t r;
    n = s_restart(3600, &r);
    ck_assert_uint_eq(r.jobs, 2);
    ck_assert_uint_eq(r.unfinished, 1);
    ck_assert_uint_eq(r.resumed, 1);
    ck_assert_uint_eq(r.modules_kept, 2);
    ck_assert_uint_eq(r.invalid_rows, 0);
    ck_assert_int_eq(s_invalid, 0);
    job = pf_engine_job(n.e, id);
    ck_assert_ptr_nonnull(job);
    ck_assert_int_eq(job->status, PF_JOB_RUNNING);
    ck_assert_int_eq(job->mstate[PF_MODULE_ROOT], PF_MOD_COMPLETED);
    ck_assert_int_eq(job->mstate[done], PF_MOD_COMPLETED);
    ck_assert_int_eq(job->mstate[running], PF_MOD_READY);
    ck_assert_ptr_nonnull(job->result[done]);
    /* A result of the earlier run's task is unknown here.                 */
    ck_assert_ptr_null(pf_engine_task(n.e, running_task));
    /* Completed modules are never handed out again; the running one comes
       back as attempt 2.                                                   */
    ck_assert_ptr_null(pf_engine_next_task(n.e, PF_MODULE_ROOT, 3000));
    ck_assert_ptr_null(pf_engine_next_task(n.e, done, 3000));
    t = pf_engine_next_task(n.e, running, 3000);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_eq(t->job, job);
    ck_assert_uint_eq(t->attempt, 2);
    s_ok(n.e, t);
    s_run_all(n.e);
    ck_assert_int_eq(job->status, PF_JOB_COMPLETED);
    pf_engine_stats_t st;
    pf_engine_stats(n.e, &st);
    /* Every module of the job once, minus the two that were kept.         */
    ck_assert_uint_eq(st.results_taken, PF_MODULE_COUNT - 2);
    /* The finished job answers; its key still finds it.                   */
    pf_job_t *k = pf_engine_job(n.e, keyed_id);
    ck_assert_ptr_nonnull(k);
    ck_assert_int_eq(k->status, PF_JOB_COMPLETED);
    pf_submit_t again = { "keyed.example.com", 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, "k1" };
    pf_job_t *same = NULL;
    bool existing = false;
    ck_assert_int_eq(pf_engine_submit(n.e, &again, 4000, &same, &existing), PF_OK);
    ck_assert(existing);
    ck_assert_ptr_eq(same, k);
    /* Submission order goes on after the recovered jobs.                  */
    pf_job_t *fresh = s_submit(n.e, "fresh.example.com", 1u << PF_MODULE_ROOT, NULL);
    ck_assert_uint_gt(fresh->seq, seq + 1);
    s_commit(&n);
    s_crash(&n);

    /* Once more: everything is final now and comes back so.               */
    n = s_restart(3600, &r);
    ck_assert_uint_eq(r.jobs, 3);
    ck_assert_uint_eq(r.unfinished, 1);   /* the fresh one, never run      */
    job = pf_engine_job(n.e, id);
    ck_assert_int_eq(job->status, PF_JOB_COMPLETED);
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        ck_assert_int_eq(job->mstate[m], PF_MOD_COMPLETED);
        ck_assert_ptr_nonnull(job->result[m]);
        ck_assert_uint_eq(job->result[m]->data[4], (uint8_t)pf_graph_name(m)[0]);
    }
    ck_assert_uint_eq(job->attempts[running], 2);
    s_crash(&n);
}
END_TEST

START_TEST(test_uncommitted_writes_are_not_recovered)
{
    s_node_t n = s_start(3600);
    pf_job_t *kept = s_submit(n.e, "kept.example.com", 1u << PF_MODULE_ROOT, NULL);
    char kept_id[PF_ID_SIZE];
    snprintf(kept_id, sizeof kept_id, "%s", kept->id);
    s_commit(&n);
    /* Accepted and even completed, but the turn never committed.          */
    pf_dispatch_t *t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000);
    s_ok(n.e, t);
    pf_job_t *lost = s_submit(n.e, "lost.example.com", 1u << PF_MODULE_ROOT, NULL);
    char lost_id[PF_ID_SIZE];
    snprintf(lost_id, sizeof lost_id, "%s", lost->id);
    s_crash(&n);

    pf_engine_recovery_t r;
    n = s_restart(3600, &r);
    ck_assert_uint_eq(r.jobs, 1);
    ck_assert_ptr_null(pf_engine_job(n.e, lost_id));
    pf_job_t *job = pf_engine_job(n.e, kept_id);
    ck_assert_ptr_nonnull(job);
    ck_assert_int_eq(job->status, PF_JOB_QUEUED);
    ck_assert_int_eq(job->mstate[PF_MODULE_ROOT], PF_MOD_READY);
    t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 2000);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(t->attempt, 1);     /* the lost attempt left no trace */
    s_ok(n.e, t);
    ck_assert_int_eq(job->status, PF_JOB_COMPLETED);
    s_crash(&n);
}
END_TEST

START_TEST(test_batch_backlog_resumes_in_order)
{
    s_node_t n = s_start(3600);
    const char *domains[] = { "b0.example.com", "b1.example.com", "b2.example.com",
                              "b3.example.com", "b4.example.com" };
    pf_batch_t *batch = NULL;
    ck_assert_int_eq(pf_engine_submit_batch(n.e, domains, 5, 1u << PF_MODULE_ROOT,
                                            PFP_PRIORITY_DEFAULT, 2, 1000, &batch),
                     PF_OK);
    char bid[PF_ID_SIZE], ids[5][PF_ID_SIZE];
    snprintf(bid, sizeof bid, "%s", batch->id);
    for (int i = 0; i < 5; i++)
        snprintf(ids[i], sizeof ids[i], "%s", batch->jobs[i]->id);
    /* Job 0 completes, job 1 is running, job 2 has started: three are
       active or done, two wait in the backlog.                             */
    pf_dispatch_t *t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000);
    ck_assert_str_eq(t->job->id, ids[0]);
    s_ok(n.e, t);
    t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000);
    ck_assert_str_eq(t->job->id, ids[1]);
    s_commit(&n);
    s_crash(&n);

    pf_engine_recovery_t r;
    n = s_restart(3600, &r);
    ck_assert_uint_eq(r.batches, 1);
    ck_assert_uint_eq(r.jobs, 5);
    ck_assert_uint_eq(r.unfinished, 4);
    batch = pf_engine_batch(n.e, bid);
    ck_assert_ptr_nonnull(batch);
    ck_assert_uint_eq(batch->total, 5);
    ck_assert_uint_eq(batch->ended, 1);
    ck_assert_uint_eq(batch->active, 2);   /* job 1 resumed, job 2 started */
    for (int i = 0; i < 5; i++)
        ck_assert_str_eq(batch->jobs[i]->id, ids[i]);
    ck_assert_int_eq(batch->jobs[0]->status, PF_JOB_COMPLETED);
    /* Job 1 was running: attempt 2.  Then the rest in batch order, never
       more than two at once.                                               */
    t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 2000);
    ck_assert_str_eq(t->job->id, ids[1]);
    ck_assert_uint_eq(t->attempt, 2);
    pf_dispatch_t *u = pf_engine_next_task(n.e, PF_MODULE_ROOT, 2000);
    ck_assert_str_eq(u->job->id, ids[2]);
    ck_assert_ptr_null(pf_engine_next_task(n.e, PF_MODULE_ROOT, 2000));
    s_ok(n.e, t);
    s_ok(n.e, u);
    for (int i = 3; i < 5; i++) {
        t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 2000);
        ck_assert_ptr_nonnull(t);
        ck_assert_str_eq(t->job->id, ids[i]);
        s_ok(n.e, t);
    }
    ck_assert_uint_eq(batch->ended, 5);
    ck_assert_uint_eq(batch->active, 0);
    pf_value_t *body = pf_engine_batch_status_body(n.e, batch, "r1");
    ck_assert_int_eq(pf_map_get_int(body, "completed", -1), 5);
    pf_value_destroy(&body);
    s_commit(&n);
    s_crash(&n);
}
END_TEST

START_TEST(test_cancelled_and_failed_jobs_come_back_final)
{
    s_node_t n = s_start(3600);
    pf_job_t *c = s_submit(n.e, "cancel.example.com", PF_MODULE_ALL, NULL);
    char cid[PF_ID_SIZE];
    snprintf(cid, sizeof cid, "%s", c->id);
    pf_engine_cancel_job(n.e, c, 1500);
    pf_job_t *f = s_submit(n.e, "fail.example.com", PF_MODULE_ALL, NULL);
    char fid[PF_ID_SIZE];
    snprintf(fid, sizeof fid, "%s", f->id);
    for (int a = 0; a < 3; a++) {
        pf_dispatch_t *t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000);
        ck_assert_ptr_nonnull(t);
        pf_engine_task_result(n.e, t, false, NULL, 0, "boom", "it broke", 1, 1000);
    }
    s_run_all(n.e);   /* the modules that do not need the root             */
    ck_assert_int_eq(f->status, PF_JOB_FAILED);
    pf_modset_t skipped = 0, completed = 0;
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        if (f->mstate[m] == PF_MOD_SKIPPED)
            skipped |= 1u << m;
        if (f->mstate[m] == PF_MOD_COMPLETED)
            completed |= 1u << m;
    }
    ck_assert_uint_ne(skipped, 0);
    s_commit(&n);
    s_crash(&n);

    pf_engine_recovery_t r;
    n = s_restart(3600, &r);
    ck_assert_uint_eq(r.unfinished, 0);
    c = pf_engine_job(n.e, cid);
    ck_assert_int_eq(c->status, PF_JOB_CANCELLED);
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        ck_assert_int_eq(c->mstate[m], PF_MOD_CANCELLED);
        ck_assert_str_eq(c->error[m], "cancelled");
    }
    f = pf_engine_job(n.e, fid);
    ck_assert_int_eq(f->status, PF_JOB_FAILED);
    ck_assert_int_eq(f->mstate[PF_MODULE_ROOT], PF_MOD_FAILED);
    ck_assert_uint_eq(f->attempts[PF_MODULE_ROOT], 3);
    ck_assert_uint_eq(f->failures[PF_MODULE_ROOT], 3);
    ck_assert_str_eq(f->error[PF_MODULE_ROOT], "boom: it broke");
    for (int m = 1; m < PF_MODULE_COUNT; m++) {
        ck_assert_int_eq(f->mstate[m] == PF_MOD_SKIPPED, (skipped >> m) & 1);
        ck_assert_int_eq(f->mstate[m] == PF_MOD_COMPLETED, (completed >> m) & 1);
        if (f->mstate[m] == PF_MOD_SKIPPED)
            ck_assert_ptr_nonnull(strstr(f->error[m], "required input"));
    }
    /* Nothing of either is handed out.                                    */
    for (int m = 0; m < PF_MODULE_COUNT; m++)
        ck_assert_ptr_null(pf_engine_next_task(n.e, m, 2000));
    s_crash(&n);
}
END_TEST

START_TEST(test_retry_budget_survives_a_crash)
{
    s_node_t n = s_start(3600);
    pf_job_t *j = s_submit(n.e, "retry.example.com", 1u << PF_MODULE_ROOT, NULL);
    char id[PF_ID_SIZE];
    snprintf(id, sizeof id, "%s", j->id);
    for (int a = 0; a < 2; a++) {
        pf_dispatch_t *t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000);
        pf_engine_task_result(n.e, t, false, NULL, 0, "boom", "again", 1, 1000);
    }
    s_commit(&n);
    s_crash(&n);

    pf_engine_recovery_t r;
    n = s_restart(3600, &r);
    j = pf_engine_job(n.e, id);
    ck_assert_uint_eq(j->failures[PF_MODULE_ROOT], 2);
    pf_dispatch_t *t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 2000);
    ck_assert_uint_eq(t->attempt, 3);
    pf_engine_task_result(n.e, t, false, NULL, 0, "boom", "third", 1, 2000);
    ck_assert_int_eq(j->status, PF_JOB_FAILED);  /* 3 attempts in all     */
    s_crash(&n);
}
END_TEST

START_TEST(test_ttl_purge_reaches_the_file)
{
    s_node_t n = s_start(60);
    pf_job_t *old = s_submit(n.e, "old.example.com", 1u << PF_MODULE_ROOT, "old-key");
    char old_id[PF_ID_SIZE];
    snprintf(old_id, sizeof old_id, "%s", old->id);
    s_ok(n.e, pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000));
    pf_job_t *young = s_submit(n.e, "young.example.com", 1u << PF_MODULE_ROOT, NULL);
    char young_id[PF_ID_SIZE];
    snprintf(young_id, sizeof young_id, "%s", young->id);
    s_ok(n.e, pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000));
    /* The first ended two hours ago (on the wall clock the TTL counts).   */
    s_commit(&n);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double two_hours_ago = (double)ts.tv_sec * 1e3 - 2 * 3600e3;
    ck_assert_int_eq(pf_sqlstore_put_job_status(n.db, old, two_hours_ago), PF_OK);
    s_commit(&n);
    s_crash(&n);

    /* Back, it is already past its TTL: it expires from memory at the
       first sweep, and the sweep deletes it from the file.                 */
    pf_engine_recovery_t r;
    n = s_restart(60, &r);
    ck_assert_uint_eq(r.jobs, 2);
    pf_engine_sweep(n.e, S_RESTART_US);
    ck_assert_ptr_null(pf_engine_job(n.e, old_id));
    ck_assert_ptr_nonnull(pf_engine_job(n.e, young_id));
    s_commit(&n);
    /* Its key is free again.                                              */
    pf_job_t *again = s_submit(n.e, "old.example.com", 1u << PF_MODULE_ROOT, "old-key");
    ck_assert_str_ne(again->id, old_id);
    s_commit(&n);
    s_crash(&n);

    n = s_restart(60, &r);
    ck_assert_uint_eq(r.jobs, 2);   /* young and the new one               */
    ck_assert_ptr_null(pf_engine_job(n.e, old_id));
    s_crash(&n);
}
END_TEST

START_TEST(test_recover_needs_a_fresh_engine_with_a_store)
{
    s_node_t n = s_start(3600);
    pf_engine_recovery_t r;
    s_submit(n.e, "x.example.com", 1u << PF_MODULE_ROOT, NULL);
    ck_assert_int_eq(pf_engine_recover(n.e, 1000, NULL, NULL, &r), PF_EINVAL);
    pf_engine_set_store(n.e, NULL);
    ck_assert_int_eq(pf_engine_recover(n.e, 1000, NULL, NULL, &r), PF_EINVAL);
    s_crash(&n);
}
END_TEST

START_TEST(test_one_store_per_directory)
{
    char err[256];
    pf_sqlstore_t *a = pf_sqlstore_open(s_dir, err, sizeof err);
    ck_assert_ptr_nonnull(a);
    pf_sqlstore_t *b = pf_sqlstore_open(s_dir, err, sizeof err);
    ck_assert_ptr_null(b);
    ck_assert_msg(strstr(err, "in use by another process") != NULL, "%s", err);
    pf_sqlstore_close(&a);
    b = pf_sqlstore_open(s_dir, err, sizeof err);   /* free once closed   */
    ck_assert_ptr_nonnull(b);
    pf_sqlstore_close(&b);
}
END_TEST

START_TEST(test_refused_rows_keep_their_seq_and_long_keys_survive)
{
    s_node_t n = s_start(3600);
    /* The longest key a client can cause: its own, scoped by an api key. */
    char key[PF_SQLSTORE_IDEM_KEY_MAX + 1];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    pf_job_t *keyed = s_submit(n.e, "keyed.example.com", 1u << PF_MODULE_ROOT, key);
    char keyed_id[PF_ID_SIZE];
    snprintf(keyed_id, sizeof keyed_id, "%s", keyed->id);
    pf_job_t *last = s_submit(n.e, "last.example.com", 1u << PF_MODULE_ROOT, NULL);
    uint64_t last_seq = last->seq;
    s_commit(&n);
    s_crash(&n);
    /* The newest row is damaged: the loader refuses it, its seq stays.    */
    char path[sizeof s_dir + 32];
    snprintf(path, sizeof path, "%s/%s", s_dir, PF_SQLSTORE_FILE);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE jobs SET attempts = X'01' WHERE seq = %llu",
             (unsigned long long)last_seq);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    pf_engine_recovery_t r;
    n = s_start(3600);
    ck_assert_int_eq(pf_engine_recover(n.e, S_RESTART_US, s_on_invalid, NULL, &r), PF_EPROTO);
    ck_assert_uint_eq(r.invalid_rows, 1);
    ck_assert_uint_eq(r.jobs, 1);
    /* A new job does not take the refused row's seq: its commit holds.    */
    pf_job_t *fresh = s_submit(n.e, "fresh.example.com", 1u << PF_MODULE_ROOT, NULL);
    ck_assert_uint_gt(fresh->seq, last_seq);
    s_commit(&n);
    /* The long key found its job again.                                   */
    pf_submit_t again = { "keyed.example.com", 1u << PF_MODULE_ROOT, PFP_PRIORITY_DEFAULT, key };
    pf_job_t *same = NULL;
    bool existing = false;
    ck_assert_int_eq(pf_engine_submit(n.e, &again, 4000, &same, &existing), PF_OK);
    ck_assert(existing);
    ck_assert_str_eq(same->id, keyed_id);
    s_crash(&n);
}
END_TEST

START_TEST(test_a_job_that_keeps_crashing_the_coordinator_fails)
{
    /* Each run dispatches the root and dies before it answers; after twice
       the attempts a failure would get, the module fails instead of
       taking the coordinator down for ever.                                */
    s_node_t n = s_start(3600);
    pf_job_t *job = s_submit(n.e, "poison.example.com", 1u << PF_MODULE_ROOT, NULL);
    char id[PF_ID_SIZE];
    snprintf(id, sizeof id, "%s", job->id);
    pf_engine_recovery_t r;
    for (int run = 1; run <= 6; run++) {
        pf_dispatch_t *t = pf_engine_next_task(n.e, PF_MODULE_ROOT, 1000);
        ck_assert_ptr_nonnull(t);
        ck_assert_uint_eq(t->attempt, (uint32_t)run);
        s_commit(&n);
        s_crash(&n);
        n = s_restart(3600, &r);
    }
    job = pf_engine_job(n.e, id);
    ck_assert_int_eq(job->status, PF_JOB_FAILED);
    ck_assert_int_eq(job->mstate[PF_MODULE_ROOT], PF_MOD_FAILED);
    ck_assert_ptr_nonnull(strstr(job->error[PF_MODULE_ROOT], "coordinator stopped"));
    ck_assert_ptr_null(pf_engine_next_task(n.e, PF_MODULE_ROOT, 2000));
    s_crash(&n);
    n = s_restart(3600, &r);   /* and it stays failed                      */
    ck_assert_int_eq(pf_engine_job(n.e, id)->status, PF_JOB_FAILED);
    ck_assert_uint_eq(r.unfinished, 0);
    s_crash(&n);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_engine_recovery");
    TCase *tc = tcase_create("recovery");
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_add_test(tc, test_resume_keeps_completed_and_redispatches_running);
    tcase_add_test(tc, test_uncommitted_writes_are_not_recovered);
    tcase_add_test(tc, test_batch_backlog_resumes_in_order);
    tcase_add_test(tc, test_cancelled_and_failed_jobs_come_back_final);
    tcase_add_test(tc, test_retry_budget_survives_a_crash);
    tcase_add_test(tc, test_ttl_purge_reaches_the_file);
    tcase_add_test(tc, test_recover_needs_a_fresh_engine_with_a_store);
    tcase_add_test(tc, test_one_store_per_directory);
    tcase_add_test(tc, test_refused_rows_keep_their_seq_and_long_keys_survive);
    tcase_add_test(tc, test_a_job_that_keeps_crashing_the_coordinator_fails);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
