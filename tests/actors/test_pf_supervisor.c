/*  test_pf_supervisor.c — restart of a dead child, the restart-intensity
    limit, and the tiered stop on SIGTERM, with /bin/sh children (no
    coordinator involved).  The supervisor is stepped with
    pf_supervisor_poll until a condition holds or a deadline passes.       */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pf_error.h"
#include "pf_supervisor.h"

#define WAIT_MS 10000
#define SH "/bin/sh"

static long long
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
s_opts(pf_supervisor_opts_t *opts)
{
    pf_supervisor_opts_defaults(opts);
    opts->restart_min_ms = 5;
    opts->restart_max_ms = 40;
    opts->grace_ms = 2000;
    opts->log_prefix = "test supervisor";
}

static void
s_add_sh(pf_supervisor_t *sup, const char *name, int tier, const char *script)
{
    char *argv[] = { "sh", "-c", (char *) script, NULL };
    ck_assert_int_eq(pf_supervisor_add(sup, name, tier, SH, argv), 0);
}

static bool
s_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static bool
s_alive(pid_t pid)
{
    return kill(pid, 0) == 0 || errno != ESRCH;
}

/*  Steps the supervisor until cond(sup, arg) holds; fails after WAIT_MS.  */
#define POLL_UNTIL(sup, cond)                                                 \
    do {                                                                      \
        long long deadline_ = s_now_ms() + WAIT_MS;                           \
        while (!(cond)) {                                                     \
            ck_assert_msg(s_now_ms() < deadline_, "timed out waiting: " #cond); \
            ck_assert_int_eq(pf_supervisor_poll((sup), 20), 0);               \
        }                                                                     \
    } while (0)

START_TEST(test_add_validates)
{
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    ck_assert_ptr_null(pf_supervisor_new(&opts));   /* one per process   */
    char *argv[] = { "true", NULL };
    char *none[] = { NULL };
    ck_assert_int_eq(pf_supervisor_add(sup, "a", 0, "/bin/true", argv), 0);
    ck_assert_int_eq(pf_supervisor_add(sup, "a", 0, "/bin/true", argv), PF_EINVAL);
    ck_assert_int_eq(pf_supervisor_add(sup, "", 0, "/bin/true", argv), PF_EINVAL);
    ck_assert_int_eq(pf_supervisor_add(sup, "b", 0, "/bin/true", none), PF_EINVAL);
    ck_assert_int_eq(pf_supervisor_child_pid(sup, "nobody"), -1);
    ck_assert_int_eq(pf_supervisor_child_state(sup, "a"), PF_CHILD_NEW);
    pf_supervisor_destroy(&sup);
    pf_supervisor_destroy(&sup);
    opts.restart_min_ms = opts.restart_max_ms + 1;
    ck_assert_ptr_null(pf_supervisor_new(&opts));
}
END_TEST

START_TEST(test_restarts_killed_child)
{
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    s_add_sh(sup, "sleeper", 0, "exec sleep 60");
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    pid_t first = pf_supervisor_child_pid(sup, "sleeper");
    ck_assert_int_gt(first, 0);
    ck_assert_int_eq(pf_supervisor_child_state(sup, "sleeper"), PF_CHILD_RUNNING);
    ck_assert_int_eq(kill(first, SIGKILL), 0);
    POLL_UNTIL(sup, pf_supervisor_child_pid(sup, "sleeper") > 0
                        && pf_supervisor_child_pid(sup, "sleeper") != first);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "sleeper"), 1);
    ck_assert(!s_alive(first));   /* reaped, not a zombie                */
    pid_t second = pf_supervisor_child_pid(sup, "sleeper");
    /* One stopped by somebody else's SIGTERM (an operator restarting it)
       is restarted too.                                                  */
    ck_assert_int_eq(kill(second, SIGTERM), 0);
    POLL_UNTIL(sup, pf_supervisor_child_pid(sup, "sleeper") > 0
                        && pf_supervisor_child_pid(sup, "sleeper") != second);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "sleeper"), 2);
    pid_t third = pf_supervisor_child_pid(sup, "sleeper");
    pf_supervisor_stop(sup);
    ck_assert_int_eq(pf_supervisor_run(sup), 0);
    ck_assert_int_eq(pf_supervisor_child_state(sup, "sleeper"), PF_CHILD_STOPPED);
    ck_assert_int_eq(pf_supervisor_child_pid(sup, "sleeper"), 0);
    ck_assert(!s_alive(third));
    pf_supervisor_destroy(&sup);
}
END_TEST

START_TEST(test_intensity_limit_gives_up)
{
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    opts.max_restarts = 3;
    opts.restart_period_ms = 60000;
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    s_add_sh(sup, "crasher", 0, "exit 1");
    s_add_sh(sup, "steady", 0, "exec sleep 60");
    long long t0 = s_now_ms();
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    POLL_UNTIL(sup, pf_supervisor_child_state(sup, "crasher") == PF_CHILD_GAVE_UP);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "crasher"), 3);
    /* Backoff doubled: 5 + 10 + 20 ms at least went by.                    */
    ck_assert_int_ge(s_now_ms() - t0, 5 + 10 + 20);
    ck_assert_int_eq(pf_supervisor_child_pid(sup, "crasher"), 0);
    /* The others are unaffected, and the supervisor keeps going.         */
    ck_assert_int_eq(pf_supervisor_child_state(sup, "steady"), PF_CHILD_RUNNING);
    ck_assert(!pf_supervisor_done(sup));
    ck_assert_int_eq(pf_supervisor_poll(sup, 50), 0);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "crasher"), 3);
    pf_supervisor_stop(sup);
    ck_assert_int_eq(pf_supervisor_run(sup), 0);
    pf_supervisor_destroy(&sup);
}
END_TEST

START_TEST(test_all_gave_up_ends_run)
{
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    opts.max_restarts = 2;
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    s_add_sh(sup, "crasher", 0, "exit 3");
    /* Exit status 2 is a usage error: given up on without a restart.     */
    s_add_sh(sup, "misused", 0, "exit 2");
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    ck_assert_int_eq(pf_supervisor_run(sup), PF_ESTATE);
    ck_assert(pf_supervisor_done(sup));
    ck_assert_int_eq(pf_supervisor_child_state(sup, "crasher"), PF_CHILD_GAVE_UP);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "crasher"), 2);
    ck_assert_int_eq(pf_supervisor_child_state(sup, "misused"), PF_CHILD_GAVE_UP);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "misused"), 0);
    pf_supervisor_destroy(&sup);
}
END_TEST

START_TEST(test_sigterm_stops_tiers_in_order)
{
    char dir[] = "/tmp/pf-test-sup-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char ready_low[256], ready_stub[256], ok_low[256], stub_pid[256], script_low[1024],
        script_stub[512];
    snprintf(ready_low, sizeof ready_low, "%s/low.ready", dir);
    snprintf(ready_stub, sizeof ready_stub, "%s/stubborn.ready", dir);
    snprintf(ok_low, sizeof ok_low, "%s/low.ok", dir);
    snprintf(stub_pid, sizeof stub_pid, "%s/stubborn.pid", dir);
    /* Tier 0 ("coordinator"): on SIGTERM, records whether the tier-1
       children were already gone.                                        */
    snprintf(script_low, sizeof script_low,
             "trap 'if ! kill -0 $(cat %s) 2>/dev/null; then : > %s; fi; kill $!; exit 0' TERM; "
             ": > %s; sleep 60 & wait",
             stub_pid, ok_low, ready_low);
    /* Tier 1: one polite child, one that ignores SIGTERM.                  */
    snprintf(script_stub, sizeof script_stub, "trap '' TERM; : > %s; exec sleep 60", ready_stub);

    pf_supervisor_opts_t opts;
    s_opts(&opts);
    opts.grace_ms = 300;
    opts.handle_signals = true;
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    s_add_sh(sup, "low", 0, script_low);
    s_add_sh(sup, "polite", 1, "exec sleep 60");
    s_add_sh(sup, "stubborn", 1, script_stub);
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    POLL_UNTIL(sup, s_exists(ready_low) && s_exists(ready_stub));
    pid_t pids[3] = { pf_supervisor_child_pid(sup, "low"), pf_supervisor_child_pid(sup, "polite"),
                      pf_supervisor_child_pid(sup, "stubborn") };
    FILE *f = fopen(stub_pid, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%d\n", (int) pids[2]);
    fclose(f);

    long long t0 = s_now_ms();
    ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
    ck_assert_int_eq(pf_supervisor_run(sup), 0);
    long long took = s_now_ms() - t0;
    /* The stubborn child held its tier for the whole grace, then died.   */
    ck_assert_int_ge(took, opts.grace_ms);
    ck_assert_int_lt(took, WAIT_MS);
    ck_assert(s_exists(ok_low));   /* tier 0 was stopped after tier 1    */
    const char *names[3] = { "low", "polite", "stubborn" };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(pf_supervisor_child_state(sup, names[i]), PF_CHILD_STOPPED);
        ck_assert_int_eq(pf_supervisor_child_pid(sup, names[i]), 0);
        ck_assert(!s_alive(pids[i]));
    }
    pf_supervisor_destroy(&sup);
    unlink(ready_low);
    unlink(ready_stub);
    unlink(ok_low);
    unlink(stub_pid);
    rmdir(dir);
}
END_TEST

START_TEST(test_second_signal_kills_at_once)
{
    char dir[] = "/tmp/pf-test-sup-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char ready[256], script[512];
    snprintf(ready, sizeof ready, "%s/stubborn.ready", dir);
    snprintf(script, sizeof script, "trap '' TERM; : > %s; exec sleep 60", ready);
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    opts.grace_ms = 60000;
    opts.handle_signals = true;
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    s_add_sh(sup, "stubborn", 0, script);
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    POLL_UNTIL(sup, s_exists(ready));
    pid_t pid = pf_supervisor_child_pid(sup, "stubborn");
    long long t0 = s_now_ms();
    ck_assert_int_eq(kill(getpid(), SIGINT), 0);
    ck_assert_int_eq(pf_supervisor_poll(sup, 100), 0);
    ck_assert(!pf_supervisor_done(sup));       /* it ignores SIGTERM      */
    ck_assert_int_eq(kill(getpid(), SIGINT), 0);
    ck_assert_int_eq(pf_supervisor_run(sup), 0);
    ck_assert_int_lt(s_now_ms() - t0, opts.grace_ms / 2);
    ck_assert(!s_alive(pid));
    pf_supervisor_destroy(&sup);
    unlink(ready);
    rmdir(dir);
}
END_TEST

START_TEST(test_destroy_kills_children)
{
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    s_add_sh(sup, "sleeper", 0, "exec sleep 60");
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    pid_t pid = pf_supervisor_child_pid(sup, "sleeper");
    ck_assert_int_gt(pid, 0);
    pf_supervisor_destroy(&sup);
    ck_assert(!s_alive(pid));
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_supervisor");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_add_validates);
    tcase_add_test(tc, test_restarts_killed_child);
    tcase_add_test(tc, test_intensity_limit_gives_up);
    tcase_add_test(tc, test_all_gave_up_ends_run);
    tcase_add_test(tc, test_sigterm_stops_tiers_in_order);
    tcase_add_test(tc, test_second_signal_kills_at_once);
    tcase_add_test(tc, test_destroy_kills_children);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(s_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
