/*  test_pf_cli.c — unit tests of the pf subcommands' shared helpers
    (tools/lib/pf_cli.c): flags, environment, ids, output, stop signals.    */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_check.h"
#include "pf_cli.h"
#include "pf_error.h"

START_TEST(test_parse_seconds)
{
    int ms = -7;
    ck_assert_int_eq(pf_cli_parse_seconds("10", &ms), 0);
    ck_assert_int_eq(ms, 10000);
    ck_assert_int_eq(pf_cli_parse_seconds("0.5", &ms), 0);
    ck_assert_int_eq(ms, 500);
    ck_assert_int_eq(pf_cli_parse_seconds("0.0001", &ms), 0);
    ck_assert_int_eq(ms, 1);   /* rounded up: never a zero wait          */
    ms = -7;
    const char *bad[] = { "", "0", "-1", "abc", "1x", "inf", "nan", "1e12", " ", NULL };
    for (int i = 0; bad[i]; i++)
        ck_assert_int_eq(pf_cli_parse_seconds(bad[i], &ms), PF_EINVAL);
    ck_assert_int_eq(pf_cli_parse_seconds(NULL, &ms), PF_EINVAL);
    ck_assert_int_eq(ms, -7);   /* untouched on failure                   */
}
END_TEST

START_TEST(test_parse_modules)
{
    pf_value_t *m = pf_cli_parse_modules("company_context,hiring_signals");
    ck_assert_uint_eq(pf_array_size(m), 2);
    ck_assert_str_eq(pf_value_as_str(pf_array_at(m, 0), NULL), "company_context");
    ck_assert_str_eq(pf_value_as_str(pf_array_at(m, 1), NULL), "hiring_signals");
    pf_value_destroy(&m);
    m = pf_cli_parse_modules("one");
    ck_assert_uint_eq(pf_array_size(m), 1);
    pf_value_destroy(&m);
    ck_assert_ptr_null(pf_cli_parse_modules(""));
    ck_assert_ptr_null(pf_cli_parse_modules("a,,b"));
    ck_assert_ptr_null(pf_cli_parse_modules("a,"));
    ck_assert_ptr_null(pf_cli_parse_modules(",a"));
}
END_TEST

START_TEST(test_id_kind)
{
    ck_assert_int_eq(pf_cli_id_kind("job_0123"), PF_CLI_ID_JOB);
    ck_assert_int_eq(pf_cli_id_kind("batch_0123"), PF_CLI_ID_BATCH);
    ck_assert_int_eq(pf_cli_id_kind("job_"), PF_CLI_ID_BAD);
    ck_assert_int_eq(pf_cli_id_kind("batch_"), PF_CLI_ID_BAD);
    ck_assert_int_eq(pf_cli_id_kind("jobx"), PF_CLI_ID_BAD);
    ck_assert_int_eq(pf_cli_id_kind(""), PF_CLI_ID_BAD);
    ck_assert_int_eq(pf_cli_id_kind(NULL), PF_CLI_ID_BAD);
}
END_TEST

static int s_helped;

static void
s_help(void)
{
    s_helped++;
}

/*  pf_cli_id_args over a command line given as words.                     */
static bool
s_id_args(char **words, int count, bool batches, bool *json, const char **id, pf_cli_id_t *kind,
          int *exit_status)
{
    pf_cli_t cli;
    ck_assert_int_eq(pf_cli_init(&cli, "test"), 0);
    const pf_cli_flag_t flags[] = { { "--json", json }, { NULL, NULL } };
    return pf_cli_id_args(&cli, count, words, flags, batches, s_help, id, kind, exit_status);
}

START_TEST(test_id_args)
{
    bool json = false;
    const char *id = NULL;
    pf_cli_id_t kind = PF_CLI_ID_BAD;
    int st = -1;
    char *a[] = { "status", "--json", "job_abc", "--timeout", "2" };
    ck_assert(s_id_args(a, 5, true, &json, &id, &kind, &st));
    ck_assert(json);
    ck_assert_str_eq(id, "job_abc");
    ck_assert_int_eq(kind, PF_CLI_ID_JOB);
    char *b[] = { "status", "batch_x" };
    ck_assert(s_id_args(b, 2, true, &json, &id, &kind, &st));
    ck_assert_int_eq(kind, PF_CLI_ID_BATCH);
    /* A batch where only jobs go, a missing id, two ids, an unknown flag,
       a bad id: usage errors.                                               */
    ck_assert(!s_id_args(b, 2, false, &json, &id, &kind, &st));
    ck_assert_int_eq(st, PF_EXIT_USAGE);
    char *c[] = { "status" };
    st = -1;
    ck_assert(!s_id_args(c, 1, true, &json, &id, &kind, &st));
    ck_assert_int_eq(st, PF_EXIT_USAGE);
    char *d[] = { "status", "job_a", "job_b" };
    st = -1;
    ck_assert(!s_id_args(d, 3, true, &json, &id, &kind, &st));
    ck_assert_int_eq(st, PF_EXIT_USAGE);
    char *e[] = { "status", "--jsn", "job_a" };
    st = -1;
    ck_assert(!s_id_args(e, 3, true, &json, &id, &kind, &st));
    ck_assert_int_eq(st, PF_EXIT_USAGE);
    char *f[] = { "status", "stripe.com" };
    st = -1;
    ck_assert(!s_id_args(f, 2, true, &json, &id, &kind, &st));
    ck_assert_int_eq(st, PF_EXIT_USAGE);
    /* --help: help shown, exit 0.                                          */
    char *g[] = { "status", "--help" };
    s_helped = 0;
    st = -1;
    ck_assert(!s_id_args(g, 2, true, &json, &id, &kind, &st));
    ck_assert_int_eq(st, PF_EXIT_OK);
    ck_assert_int_eq(s_helped, 1);

    /* pf_cli_args: a command without a positional argument refuses one.   */
    pf_cli_t cli;
    ck_assert_int_eq(pf_cli_init(&cli, "test"), 0);
    json = false;
    const pf_cli_flag_t flags[] = { { "--json", &json }, { NULL, NULL } };
    char *h[] = { "ps", "--json" };
    st = -1;
    ck_assert(pf_cli_args(&cli, 2, h, flags, s_help, NULL, &st));
    ck_assert(json);
    char *k[] = { "ps", "extra" };
    ck_assert(!pf_cli_args(&cli, 2, k, flags, s_help, NULL, &st));
    ck_assert_int_eq(st, PF_EXIT_USAGE);
    /* With one allowed, it is optional.                                    */
    const char *name = "unset";
    char *m[] = { "restart" };
    ck_assert(pf_cli_args(&cli, 1, m, flags, s_help, &name, &st));
    ck_assert_ptr_null(name);
    char *n[] = { "restart", "company_context" };
    ck_assert(pf_cli_args(&cli, 2, n, flags, s_help, &name, &st));
    ck_assert_str_eq(name, "company_context");
}
END_TEST

START_TEST(test_env_then_flags)
{
    setenv("PF_CLIENT_ENDPOINT", "tcp://10.0.0.1:1", 1);
    setenv("PF_TAP_ENDPOINT", "tcp://10.0.0.1:2", 1);
    pf_cli_t cli;
    ck_assert_int_eq(pf_cli_init(&cli, "test"), 0);
    ck_assert_str_eq(cli.config.client_endpoint, "tcp://10.0.0.1:1");
    ck_assert_str_eq(cli.config.tap_endpoint, "tcp://10.0.0.1:2");
    ck_assert_str_eq(cli.config.actor_endpoint, PF_DEFAULT_ACTOR_ENDPOINT);
    ck_assert_int_eq(cli.timeout_ms, -1);
    ck_assert_int_eq(pf_cli_request_timeout(&cli), PF_DEFAULT_CLI_TIMEOUT_MS);

    char *argv[] = { "test", "--client", "ipc:///tmp/c", "--tap=ipc:///tmp/t", "--actor",
                     "ipc:///tmp/a", "--data-dir", "/tmp/d", "--timeout", "2.5", "--tap-hwm",
                     "positional", NULL };
    int argc = 12;
    int i = 1;
    ck_assert_int_eq(pf_cli_common(&cli, argc, argv, &i), 1);
    ck_assert_int_eq(i, 2);   /* at the value it consumed                 */
    ck_assert_str_eq(cli.config.client_endpoint, "ipc:///tmp/c");
    i = 3;
    ck_assert_int_eq(pf_cli_common(&cli, argc, argv, &i), 1);
    ck_assert_int_eq(i, 3);
    ck_assert_str_eq(cli.config.tap_endpoint, "ipc:///tmp/t");
    i = 4;
    ck_assert_int_eq(pf_cli_common(&cli, argc, argv, &i), 1);
    ck_assert_str_eq(cli.config.actor_endpoint, "ipc:///tmp/a");
    i = 6;
    ck_assert_int_eq(pf_cli_common(&cli, argc, argv, &i), 1);
    ck_assert_str_eq(cli.config.data_dir, "/tmp/d");
    i = 8;
    ck_assert_int_eq(pf_cli_common(&cli, argc, argv, &i), 1);
    ck_assert_int_eq(cli.timeout_ms, 2500);
    ck_assert_int_eq(pf_cli_request_timeout(&cli), 2500);
    /*  Not ours: a longer flag with a common prefix, and a positional.   */
    i = 10;
    ck_assert_int_eq(pf_cli_common(&cli, argc, argv, &i), 0);
    ck_assert_int_eq(i, 10);
    i = 11;
    ck_assert_int_eq(pf_cli_common(&cli, argc, argv, &i), 0);
}
END_TEST

START_TEST(test_flag_errors)
{
    pf_cli_t cli;
    ck_assert_int_eq(pf_cli_init(&cli, "test"), 0);
    char *missing[] = { "test", "--client", NULL };
    int i = 1;
    ck_assert_int_eq(pf_cli_common(&cli, 2, missing, &i), PF_EINVAL);
    char *empty[] = { "test", "--client=", NULL };
    i = 1;
    ck_assert_int_eq(pf_cli_common(&cli, 2, empty, &i), PF_EINVAL);
    char *bad_timeout[] = { "test", "--timeout", "soon", NULL };
    i = 1;
    ck_assert_int_eq(pf_cli_common(&cli, 3, bad_timeout, &i), PF_EINVAL);
    char long_ep[400];
    memset(long_ep, 'x', sizeof long_ep - 1);
    long_ep[sizeof long_ep - 1] = '\0';
    char *too_long[] = { "test", "--client", long_ep, NULL };
    i = 1;
    ck_assert_int_eq(pf_cli_common(&cli, 3, too_long, &i), PF_EINVAL);

    const char *value = NULL;
    char *plain[] = { "test", "--modules", "a,b", NULL };
    i = 1;
    ck_assert_int_eq(pf_cli_value(&cli, 3, plain, &i, "--modules", &value), 1);
    ck_assert_str_eq(value, "a,b");
    ck_assert_int_eq(i, 2);
    i = 1;
    ck_assert_int_eq(pf_cli_value(&cli, 3, plain, &i, "--priority", &value), 0);

    ck_assert(pf_cli_is_help("--help"));
    ck_assert(pf_cli_is_help("-h"));
    ck_assert(!pf_cli_is_help("--helpful"));
    ck_assert(!pf_cli_is_help(NULL));
    ck_assert_int_eq(pf_cli_usage(&cli, "bad %s", "thing"), PF_EXIT_USAGE);
}
END_TEST

START_TEST(test_bad_environment)
{
    setenv("PF_HEARTBEAT_MS", "often", 1);
    pf_cli_t cli;
    ck_assert_int_eq(pf_cli_init(&cli, "test"), PF_EINVAL);
}
END_TEST

START_TEST(test_print_json)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    pf_value_t *v = pf_value_map();
    pf_map_set_str(v, "code", "not_found");
    ck_assert_int_eq(pf_cli_print_json(out, v, PF_JSON_COMPACT), 0);
    ck_assert_int_eq(pf_cli_print_json(out, v, PF_JSON_PRETTY), 0);
    fclose(out);
    ck_assert_str_eq(text, "{\"code\":\"not_found\"}\n{\n  \"code\": \"not_found\"\n}\n");
    free(text);

    /*  A write to a closed pipe is reported, not fatal (SIGPIPE ignored). */
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);
    FILE *broken = fdopen(fds[1], "w");
    errno = 0;
    ck_assert_int_eq(pf_cli_print_json(broken, v, PF_JSON_COMPACT), PF_EIO);
    ck_assert_int_eq(errno, EPIPE);
    fclose(broken);
    pf_value_destroy(&v);
}
END_TEST

START_TEST(test_stop_signals)
{
    ck_assert_int_eq(pf_cli_stop_signal(), 0);
    int fd = pf_cli_catch_stop_signals();
    ck_assert_int_ge(fd, 0);
    struct pollfd p = { fd, POLLIN, 0 };
    ck_assert_int_eq(poll(&p, 1, 0), 0);
    raise(SIGTERM);    /* caught: the test process lives on               */
    ck_assert_int_eq(pf_cli_stop_signal(), SIGTERM);
    ck_assert_int_eq(poll(&p, 1, 1000), 1);
    raise(SIGINT);
    ck_assert_int_eq(pf_cli_stop_signal(), SIGINT);
}
END_TEST

START_TEST(test_now_is_monotonic)
{
    long long a = pf_cli_now_ms();
    long long b = pf_cli_now_ms();
    ck_assert_int_ge(b, a);
    ck_assert_int_gt(a, 0);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_cli");
    TCase *tc = tcase_create("cli");
    tcase_add_test(tc, test_parse_seconds);
    tcase_add_test(tc, test_parse_modules);
    tcase_add_test(tc, test_id_kind);
    tcase_add_test(tc, test_id_args);
    tcase_add_test(tc, test_env_then_flags);
    tcase_add_test(tc, test_flag_errors);
    tcase_add_test(tc, test_bad_environment);
    tcase_add_test(tc, test_print_json);
    tcase_add_test(tc, test_stop_signals);
    tcase_add_test(tc, test_now_is_monotonic);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
