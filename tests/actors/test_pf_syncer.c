/*  test_pf_syncer.c — the WAL syncer: requests are answered in order, many
    requests share one sync, a file that cannot be opened is an error the
    caller sees, and destroy stops the thread with work pending.            */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_syncer.h"

#define WAIT_MS 10000   /* a sync of a few bytes takes far less           */

static char s_dir[] = "/tmp/pf-test-syncer-XXXXXX";
static char s_path[sizeof s_dir + 16];

static void
s_setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(s_dir));
    snprintf(s_path, sizeof s_path, "%s/wal", s_dir);
}

static void
s_teardown(void)
{
    unlink(s_path);
    rmdir(s_dir);
}

static void
s_write(const char *text)
{
    int fd = open(s_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/*  Waits until the syncer reports at least group; returns what it says.   */
static int
s_wait(pf_syncer_t *s, uint64_t group, uint64_t *done)
{
    for (;;) {
        struct pollfd p = { pf_syncer_fd(s), POLLIN, 0 };
        ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
        int rc = pf_syncer_done(s, done);
        if (rc != PF_OK || *done >= group)
            return rc;
    }
}

START_TEST(test_groups_are_reported_in_order)
{
    s_write("first");
    pf_syncer_t *s = pf_syncer_new(s_path, NULL, NULL);
    ck_assert_ptr_nonnull(s);
    uint64_t done = 99;
    ck_assert_int_eq(pf_syncer_done(s, &done), PF_OK);
    ck_assert_uint_eq(done, 0);              /* nothing asked yet          */
    pf_syncer_request(s, 1);
    ck_assert_int_eq(s_wait(s, 1, &done), PF_OK);
    ck_assert_uint_eq(done, 1);
    /* Requests made while a sync runs are covered by the next one: the
       result jumps to the last group asked for, never past it.             */
    for (uint64_t g = 2; g <= 50; g++) {
        s_write("x");
        pf_syncer_request(s, g);
    }
    ck_assert_int_eq(s_wait(s, 50, &done), PF_OK);
    ck_assert_uint_eq(done, 50);
    /* A smaller group than one already asked for changes nothing.         */
    pf_syncer_request(s, 7);
    ck_assert_int_eq(pf_syncer_done(s, &done), PF_OK);
    ck_assert_uint_eq(done, 50);
    pf_syncer_destroy(&s);
    ck_assert_ptr_null(s);
    pf_syncer_destroy(&s);                   /* NULL is fine               */
}
END_TEST

START_TEST(test_a_file_replaced_is_opened_again)
{
    s_write("old");
    pf_syncer_t *s = pf_syncer_new(s_path, NULL, NULL);
    pf_syncer_request(s, 1);
    uint64_t done = 0;
    ck_assert_int_eq(s_wait(s, 1, &done), PF_OK);
    ck_assert_int_eq(unlink(s_path), 0);
    s_write("new");
    pf_syncer_request(s, 2);
    ck_assert_int_eq(s_wait(s, 2, &done), PF_OK);
    ck_assert_uint_eq(done, 2);
    pf_syncer_destroy(&s);
}
END_TEST

START_TEST(test_a_missing_file_is_an_error)
{
    pf_syncer_t *s = pf_syncer_new(s_path, NULL, NULL);   /* never written            */
    ck_assert_ptr_nonnull(s);
    pf_syncer_request(s, 1);
    uint64_t done = 99;
    ck_assert_int_eq(s_wait(s, 1, &done), PF_EIO);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_uint_eq(done, 0);               /* nothing was made durable */
    /* It stays failed: nothing later is reported durable either.          */
    s_write("late");
    pf_syncer_request(s, 2);
    ck_assert_int_eq(pf_syncer_done(s, &done), PF_EIO);
    ck_assert_uint_eq(done, 0);
    pf_syncer_destroy(&s);
}
END_TEST

START_TEST(test_destroy_with_work_pending)
{
    s_write("data");
    pf_syncer_t *s = pf_syncer_new(s_path, NULL, NULL);
    for (uint64_t g = 1; g <= 100; g++)
        pf_syncer_request(s, g);
    pf_syncer_destroy(&s);                    /* joins; nothing leaks     */
    ck_assert_ptr_null(s);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_syncer");
    TCase *tc = tcase_create("syncer");
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_groups_are_reported_in_order);
    tcase_add_test(tc, test_a_file_replaced_is_opened_again);
    tcase_add_test(tc, test_a_missing_file_is_an_error);
    tcase_add_test(tc, test_destroy_with_work_pending);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
