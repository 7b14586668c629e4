/*  test_pf_supervisor.c — restart of a dead child, the restart-intensity
    limit, and the tiered stop on SIGTERM, with /bin/sh children (no
    coordinator involved); and the control socket (pf_supctl): list,
    operator restart, errors, one owner per data dir.  The supervisor is
    stepped with pf_supervisor_poll until a condition holds or a deadline
    passes.                                                                 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_supctl.h"
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

/* The control socket ------------------------------------------------------ */

/*  A DEALER connected to the control socket; the test's own context.       */
typedef struct {
    void *ctx;                   /* ZeroMQ context                          */
    void *sock;                  /* DEALER connected to the control socket  */
} s_peer_t;

static void
s_peer_open(s_peer_t *peer, const pf_supctl_t *ctl)
{
    int zero = 0;
    peer->ctx = zmq_ctx_new();
    ck_assert_ptr_nonnull(peer->ctx);
    peer->sock = zmq_socket(peer->ctx, ZMQ_DEALER);
    ck_assert_ptr_nonnull(peer->sock);
    ck_assert_int_eq(zmq_setsockopt(peer->sock, ZMQ_LINGER, &zero, sizeof zero), 0);
    ck_assert_int_eq(zmq_connect(peer->sock, pf_supctl_endpoint(ctl)), 0);
}

static void
s_peer_close(s_peer_t *peer)
{
    zmq_close(peer->sock);
    zmq_ctx_term(peer->ctx);
}

/*  Sends frames (each NUL-terminated text sent without its NUL, or bytes
    of the given sizes) as one message.                                     */
static void
s_send_frames(s_peer_t *peer, const void *const *frames, const size_t *sizes, size_t count)
{
    for (size_t i = 0; i < count; i++)
        ck_assert_int_ge(zmq_send(peer->sock, frames[i], sizes[i],
                                  i + 1 < count ? ZMQ_SNDMORE : 0), 0);
}

/*  Steps the supervisor until the reply arrives: ["", msgpack map].       */
static pf_value_t *
s_recv_reply(pf_supervisor_t *sup, s_peer_t *peer)
{
    long long deadline = s_now_ms() + WAIT_MS;
    for (;;) {
        zmq_pollitem_t item = { peer->sock, 0, ZMQ_POLLIN, 0 };
        ck_assert_int_ge(zmq_poll(&item, 1, 0), 0);
        if (item.revents & ZMQ_POLLIN)
            break;
        ck_assert_msg(s_now_ms() < deadline, "no reply from the control socket");
        ck_assert_int_eq(pf_supervisor_poll(sup, 20), 0);
    }
    char delimiter[8];
    ck_assert_int_eq(zmq_recv(peer->sock, delimiter, sizeof delimiter, 0), 0);
    int more = 0;
    size_t more_size = sizeof more;
    zmq_getsockopt(peer->sock, ZMQ_RCVMORE, &more, &more_size);
    ck_assert(more);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    ck_assert_int_ge(zmq_msg_recv(&msg, peer->sock, 0), 0);
    ck_assert(!zmq_msg_more(&msg));
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_msgpack_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), NULL, &reply), 0);
    zmq_msg_close(&msg);
    ck_assert(pf_value_is(reply, PF_MAP));
    return reply;
}

/*  Sends body (borrowed) behind an empty delimiter and returns the reply. */
static pf_value_t *
s_ask_value(pf_supervisor_t *sup, s_peer_t *peer, const pf_value_t *body)
{
    uint8_t *data = NULL;
    size_t size = 0;
    ck_assert_int_eq(pf_msgpack_encode(body, &data, &size), 0);
    const void *frames[] = { "", data };
    size_t sizes[] = { 0, size };
    s_send_frames(peer, frames, sizes, 2);
    free(data);
    return s_recv_reply(sup, peer);
}

/*  {cmd, name (when not NULL)} -> reply.                                   */
static pf_value_t *
s_ask(pf_supervisor_t *sup, s_peer_t *peer, const char *cmd, const char *name)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "cmd", cmd);
    if (name)
        pf_map_set_str(body, "name", name);
    pf_value_t *reply = s_ask_value(sup, peer, body);
    pf_value_destroy(&body);
    return reply;
}

/*  The entry of name in a list reply, or NULL.                             */
static const pf_value_t *
s_listed(const pf_value_t *reply, const char *name)
{
    const pf_value_t *children = pf_map_get(reply, "children");
    for (size_t i = 0; i < pf_array_size(children); i++) {
        const char *n = pf_map_get_str(pf_array_at(children, i), "name");
        if (n && strcmp(n, name) == 0)
            return pf_array_at(children, i);
    }
    return NULL;
}

/*  Asserts reply is {ok:false, error} with error containing text.          */
static void
s_assert_error(pf_value_t **reply_p, const char *text)
{
    ck_assert(!pf_map_get_bool(*reply_p, "ok", true));
    const char *error = pf_map_get_str(*reply_p, "error");
    ck_assert_ptr_nonnull(error);
    ck_assert_msg(strstr(error, text), "error '%s' does not say '%s'", error, text);
    pf_value_destroy(reply_p);
}

/*  Operator restart of name through peer: checks the reply and waits for
    the new process; returns its pid.                                       */
static pid_t
s_restart_running(pf_supervisor_t *sup, s_peer_t *peer, const char *name)
{
    pid_t old = pf_supervisor_child_pid(sup, name);
    ck_assert_int_gt(old, 0);
    pf_value_t *reply = s_ask(sup, peer, "restart", name);
    ck_assert(pf_map_get_bool(reply, "ok", false));
    ck_assert_str_eq(pf_map_get_str(reply, "action"), "stopping");
    ck_assert_int_eq(pf_map_get_int(reply, "pid", 0), old);
    pf_value_destroy(&reply);
    /* Reported at once: the old process is still being stopped.            */
    reply = s_ask(sup, peer, "list", NULL);
    const char *state = pf_map_get_str(s_listed(reply, name), "state");
    ck_assert(strcmp(state, "restarting") == 0 || strcmp(state, "running") == 0);
    pf_value_destroy(&reply);
    POLL_UNTIL(sup, pf_supervisor_child_state(sup, name) == PF_CHILD_RUNNING
                        && pf_supervisor_child_pid(sup, name) != old);
    ck_assert(!s_alive(old));
    return pf_supervisor_child_pid(sup, name);
}

static long long
s_unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(test_control_list)
{
    char base[] = "/tmp/pf-test-ctl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(base));
    char dir[256], path[256];
    /* A data dir that does not exist yet, two levels down.                */
    snprintf(dir, sizeof dir, "%s/a/data", base);
    ck_assert_int_eq(pf_supctl_path(dir, path, sizeof path), 0);
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    /* A crashed child stays in backoff for the whole test.                 */
    opts.restart_min_ms = opts.restart_max_ms = 10 * WAIT_MS;
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    pf_supctl_t *ctl = pf_supctl_new(sup, dir, "test supervisor");
    ck_assert_ptr_nonnull(ctl);
    struct stat st;
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, PF_SUPCTL_DIR_MODE);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, PF_SUPCTL_SOCKET_MODE);
    s_add_sh(sup, "first", 0, "exec sleep 60");
    s_add_sh(sup, "second", 1, "exec sleep 60");
    long long t0 = s_unix_ms();
    ck_assert_int_eq(pf_supervisor_start(sup), 0);

    s_peer_t peer;
    s_peer_open(&peer, ctl);
    pf_value_t *reply = s_ask(sup, &peer, "ping", NULL);
    ck_assert(pf_map_get_bool(reply, "ok", false));
    ck_assert_int_eq(pf_map_get_int(reply, "pid", 0), getpid());
    pf_value_destroy(&reply);

    reply = s_ask(sup, &peer, "list", NULL);
    ck_assert(pf_map_get_bool(reply, "ok", false));
    const pf_value_t *children = pf_map_get(reply, "children");
    ck_assert_uint_eq(pf_array_size(children), 2);
    /* In the order they were added.                                        */
    ck_assert_str_eq(pf_map_get_str(pf_array_at(children, 0), "name"), "first");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(children, 1), "name"), "second");
    for (size_t i = 0; i < 2; i++) {
        const pf_value_t *child = pf_array_at(children, i);
        const char *name = pf_map_get_str(child, "name");
        ck_assert_int_eq(pf_map_get_int(child, "pid", 0), pf_supervisor_child_pid(sup, name));
        ck_assert_str_eq(pf_map_get_str(child, "state"), "running");
        ck_assert_int_eq(pf_map_get_int(child, "restarts", -1), 0);
        long long started = pf_map_get_int(child, "started_at", 0);
        ck_assert_int_ge(started, t0);
        ck_assert_int_le(started, s_unix_ms());
    }
    pf_value_destroy(&reply);

    /* A child that is down has pid 0 and no started_at.                    */
    pid_t first = pf_supervisor_child_pid(sup, "first");
    ck_assert_int_eq(kill(first, SIGKILL), 0);
    POLL_UNTIL(sup, pf_supervisor_child_state(sup, "first") == PF_CHILD_BACKOFF);
    reply = s_ask(sup, &peer, "list", NULL);
    const pf_value_t *entry = s_listed(reply, "first");
    ck_assert_str_eq(pf_map_get_str(entry, "state"), "backoff");
    ck_assert_int_eq(pf_map_get_int(entry, "pid", -1), 0);
    ck_assert(pf_value_is(pf_map_get(entry, "started_at"), PF_NIL));
    ck_assert_int_eq(pf_map_get_int(entry, "restarts", -1), 0);
    pf_value_destroy(&reply);

    /* Restarting it skips the rest of its backoff.                         */
    reply = s_ask(sup, &peer, "restart", "first");
    ck_assert(pf_map_get_bool(reply, "ok", false));
    ck_assert_str_eq(pf_map_get_str(reply, "action"), "started");
    ck_assert_int_eq(pf_map_get_int(reply, "pid", 0), pf_supervisor_child_pid(sup, "first"));
    pf_value_destroy(&reply);
    ck_assert_int_eq(pf_supervisor_child_state(sup, "first"), PF_CHILD_RUNNING);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "first"), 0);

    s_peer_close(&peer);
    pf_supervisor_stop(sup);
    ck_assert_int_eq(pf_supervisor_run(sup), 0);
    pf_supctl_destroy(&ctl);
    pf_supctl_destroy(&ctl);
    ck_assert(!s_exists(path));   /* removed on the way out              */
    pf_supervisor_destroy(&sup);
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/a", base);
    rmdir(dir);
    rmdir(base);
}
END_TEST

START_TEST(test_control_restart_is_not_a_crash)
{
    char dir[] = "/tmp/pf-test-ctl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    opts.max_restarts = 2;
    opts.grace_ms = 300;
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    pf_supctl_t *ctl = pf_supctl_new(sup, dir, "test supervisor");
    ck_assert_ptr_nonnull(ctl);
    s_add_sh(sup, "sleeper", 0, "exec sleep 60");
    /* Ignores SIGTERM (once its ready file says so): the restart has to
       SIGKILL it after the grace.                                          */
    char script[512];
    snprintf(script, sizeof script, "trap '' TERM; : > %s/ready.$$; exec sleep 60", dir);
    s_add_sh(sup, "stubborn", 0, script);
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    s_peer_t peer;
    s_peer_open(&peer, ctl);

    /* One crash: restarted after backoff, counted.                         */
    pid_t pid = pf_supervisor_child_pid(sup, "sleeper");
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    POLL_UNTIL(sup, pf_supervisor_child_state(sup, "sleeper") == PF_CHILD_RUNNING
                        && pf_supervisor_child_pid(sup, "sleeper") != pid);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "sleeper"), 1);

    /* Operator restarts: more than max_restarts of them, none counted.     */
    for (int i = 0; i < 3; i++)
        s_restart_running(sup, &peer, "sleeper");
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "sleeper"), 1);
    pf_value_t *reply = s_ask(sup, &peer, "list", NULL);
    ck_assert_int_eq(pf_map_get_int(s_listed(reply, "sleeper"), "restarts", -1), 1);
    pf_value_destroy(&reply);

    /* The restart cleared the crash history: two more crashes are within
       max_restarts again (without the reset the second would give up).    */
    for (int i = 0; i < 2; i++) {
        pid = pf_supervisor_child_pid(sup, "sleeper");
        ck_assert_int_eq(kill(pid, SIGKILL), 0);
        POLL_UNTIL(sup, pf_supervisor_child_state(sup, "sleeper") == PF_CHILD_RUNNING
                            && pf_supervisor_child_pid(sup, "sleeper") != pid);
    }
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "sleeper"), 3);

    /* SIGTERM ignored: SIGKILL after grace_ms, then started again.        */
    char ready[256];
    pid = pf_supervisor_child_pid(sup, "stubborn");
    snprintf(ready, sizeof ready, "%s/ready.%d", dir, (int) pid);
    POLL_UNTIL(sup, s_exists(ready));
    unlink(ready);
    long long t0 = s_now_ms();
    s_restart_running(sup, &peer, "stubborn");
    ck_assert_int_ge(s_now_ms() - t0, opts.grace_ms);
    ck_assert_int_eq(pf_supervisor_child_restarts(sup, "stubborn"), 0);

    /* A second request while one is under way changes nothing.            */
    pid = pf_supervisor_child_pid(sup, "stubborn");
    snprintf(ready, sizeof ready, "%s/ready.%d", dir, (int) pid);
    POLL_UNTIL(sup, s_exists(ready));
    unlink(ready);
    reply = s_ask(sup, &peer, "restart", "stubborn");
    ck_assert_str_eq(pf_map_get_str(reply, "action"), "stopping");
    pf_value_destroy(&reply);
    reply = s_ask(sup, &peer, "restart", "stubborn");
    ck_assert(pf_map_get_bool(reply, "ok", false));
    ck_assert_str_eq(pf_map_get_str(reply, "action"), "pending");
    ck_assert_int_eq(pf_map_get_int(reply, "pid", 0), pid);
    pf_value_destroy(&reply);

    /* Stopping meanwhile: the restart is dropped, and no restart is taken. */
    pf_supervisor_stop(sup);
    ck_assert_int_eq(pf_supervisor_poll(sup, 0), 0);
    reply = s_ask(sup, &peer, "restart", "sleeper");
    s_assert_error(&reply, "stopping");
    ck_assert_int_eq(pf_supervisor_run(sup), 0);
    ck_assert_int_eq(pf_supervisor_child_state(sup, "stubborn"), PF_CHILD_STOPPED);
    ck_assert(!s_alive(pid));
    s_peer_close(&peer);
    pf_supctl_destroy(&ctl);
    pf_supervisor_destroy(&sup);
    rmdir(dir);
}
END_TEST

START_TEST(test_control_restarts_given_up_child)
{
    char dir[] = "/tmp/pf-test-ctl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char flag[256], script[512];
    snprintf(flag, sizeof flag, "%s/fixed", dir);
    /* Crashes until the flag file exists (an operator fixed the cause).  */
    snprintf(script, sizeof script, "test -e %s || exit 1; exec sleep 60", flag);
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    opts.max_restarts = 1;
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    pf_supctl_t *ctl = pf_supctl_new(sup, dir, "test supervisor");
    ck_assert_ptr_nonnull(ctl);
    s_add_sh(sup, "crasher", 0, script);
    s_add_sh(sup, "steady", 0, "exec sleep 60");
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    POLL_UNTIL(sup, pf_supervisor_child_state(sup, "crasher") == PF_CHILD_GAVE_UP);
    s_peer_t peer;
    s_peer_open(&peer, ctl);
    pf_value_t *reply = s_ask(sup, &peer, "list", NULL);
    ck_assert_str_eq(pf_map_get_str(s_listed(reply, "crasher"), "state"), "gave_up");
    pf_value_destroy(&reply);

    FILE *f = fopen(flag, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    reply = s_ask(sup, &peer, "restart", "crasher");
    ck_assert(pf_map_get_bool(reply, "ok", false));
    ck_assert_str_eq(pf_map_get_str(reply, "action"), "started");
    pid_t pid = (pid_t) pf_map_get_int(reply, "pid", 0);
    ck_assert_int_gt(pid, 0);
    pf_value_destroy(&reply);
    ck_assert_int_eq(pf_supervisor_child_pid(sup, "crasher"), pid);
    ck_assert_int_eq(pf_supervisor_child_state(sup, "crasher"), PF_CHILD_RUNNING);
    /* It stays up, and a crash now is restarted again (give-up cleared).   */
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    POLL_UNTIL(sup, pf_supervisor_child_state(sup, "crasher") == PF_CHILD_RUNNING
                        && pf_supervisor_child_pid(sup, "crasher") != pid);
    s_peer_close(&peer);
    pf_supervisor_stop(sup);
    ck_assert_int_eq(pf_supervisor_run(sup), 0);
    pf_supctl_destroy(&ctl);
    pf_supervisor_destroy(&sup);
    unlink(flag);
    rmdir(dir);
}
END_TEST

START_TEST(test_control_errors_keep_serving)
{
    char dir[] = "/tmp/pf-test-ctl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    pf_supctl_t *ctl = pf_supctl_new(sup, dir, "test supervisor");
    ck_assert_ptr_nonnull(ctl);
    s_add_sh(sup, "sleeper", 0, "exec sleep 60");
    ck_assert_int_eq(pf_supervisor_start(sup), 0);
    pid_t pid = pf_supervisor_child_pid(sup, "sleeper");
    s_peer_t peer;
    s_peer_open(&peer, ctl);

    pf_value_t *reply = s_ask(sup, &peer, "restart", "nope");
    s_assert_error(&reply, "no child named 'nope'");
    reply = s_ask(sup, &peer, "restart", "");
    s_assert_error(&reply, "non-empty");
    reply = s_ask(sup, &peer, "restart", NULL);
    s_assert_error(&reply, "needs a name");
    reply = s_ask(sup, &peer, "reboot", NULL);
    s_assert_error(&reply, "unknown cmd");

    /* Not msgpack, trailing bytes, not a map.                             */
    static const uint8_t reserved[] = { 0xc1 };
    static const uint8_t trailing[] = { 0x80, 0x00 };
    static const uint8_t number[] = { 0x2a };
    const struct {
        const uint8_t *bytes;
        size_t size;
        const char *says;
    } bad[] = { { reserved, sizeof reserved, "malformed" },
                { trailing, sizeof trailing, "malformed" },
                { number, sizeof number, "must be a map" } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const void *frames[] = { "", bad[i].bytes };
        size_t sizes[] = { 0, bad[i].size };
        s_send_frames(&peer, frames, sizes, 2);
        reply = s_recv_reply(sup, &peer);
        s_assert_error(&reply, bad[i].says);
    }

    /* Maps of the wrong shape.                                             */
    pf_value_t *body = pf_value_map();
    reply = s_ask_value(sup, &peer, body);
    s_assert_error(&reply, "cmd missing");
    pf_map_set_int(body, "cmd", 7);
    reply = s_ask_value(sup, &peer, body);
    s_assert_error(&reply, "cmd must be a string");
    pf_map_set_str(body, "cmd", "list");
    pf_map_set_str(body, "verbose", "yes");
    reply = s_ask_value(sup, &peer, body);
    s_assert_error(&reply, "unknown field 'verbose'");
    pf_value_destroy(&body);
    body = pf_value_map();
    pf_map_set_str(body, "cmd", "restart");
    pf_map_set_int(body, "name", 3);
    reply = s_ask_value(sup, &peer, body);
    s_assert_error(&reply, "non-empty string");
    pf_value_destroy(&body);

    /* Bad framing: no delimiter, or one frame too many.                    */
    uint8_t *list = NULL;
    size_t list_size = 0;
    body = pf_value_map();
    pf_map_set_str(body, "cmd", "list");
    ck_assert_int_eq(pf_msgpack_encode(body, &list, &list_size), 0);
    pf_value_destroy(&body);
    const void *lone[] = { list };
    size_t lone_size[] = { list_size };
    s_send_frames(&peer, lone, lone_size, 1);
    reply = s_recv_reply(sup, &peer);
    s_assert_error(&reply, "bad framing");
    const void *extra[] = { "", list, list };
    size_t extra_size[] = { 0, list_size, list_size };
    s_send_frames(&peer, extra, extra_size, 3);
    reply = s_recv_reply(sup, &peer);
    s_assert_error(&reply, "bad framing");
    free(list);

    /* Still serving, and nothing was touched.                              */
    reply = s_ask(sup, &peer, "list", NULL);
    ck_assert(pf_map_get_bool(reply, "ok", false));
    ck_assert_int_eq(pf_map_get_int(s_listed(reply, "sleeper"), "pid", 0), pid);
    pf_value_destroy(&reply);
    ck_assert_int_eq(pf_supervisor_child_state(sup, "sleeper"), PF_CHILD_RUNNING);

    s_peer_close(&peer);
    pf_supervisor_stop(sup);
    ck_assert_int_eq(pf_supervisor_run(sup), 0);
    pf_supctl_destroy(&ctl);
    pf_supervisor_destroy(&sup);
    rmdir(dir);
}
END_TEST

/*  In a child process: a supervisor with a control socket on dir, serving
    until killed.  Writes one byte to ready once bound.                      */
static void
s_owner_process(const char *dir, int ready)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    pf_supctl_t *ctl = sup ? pf_supctl_new(sup, dir, "owner") : NULL;
    if (!ctl)
        _exit(1);
    ssize_t n = write(ready, "r", 1);
    (void) n;
    for (;;)
        pf_supervisor_poll(sup, -1);
}

START_TEST(test_control_one_owner_per_data_dir)
{
    char dir[] = "/tmp/pf-test-ctl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    ck_assert_int_eq(pf_supctl_path(dir, path, sizeof path), 0);
    pf_value_t *ping = pf_value_map();
    pf_map_set_str(ping, "cmd", "ping");
    pf_value_t *reply = NULL;
    ck_assert_int_eq(pf_supctl_request(dir, ping, WAIT_MS, &reply), PF_ENOTFOUND);

    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    pid_t owner = fork();
    ck_assert_int_ge(owner, 0);
    if (owner == 0) {
        close(ready[0]);
        s_owner_process(dir, ready[1]);
    }
    close(ready[1]);
    char byte;
    ck_assert_int_eq(read(ready[0], &byte, 1), 1);   /* blocks until bound */
    close(ready[0]);

    /* The client side reaches it.                                          */
    ck_assert_int_eq(pf_supctl_request(dir, ping, WAIT_MS, &reply), 0);
    ck_assert(pf_map_get_bool(reply, "ok", false));
    ck_assert_int_eq(pf_map_get_int(reply, "pid", 0), owner);
    pf_value_destroy(&reply);

    /* A second supervisor on the same data dir is refused...               */
    pf_supervisor_opts_t opts;
    s_opts(&opts);
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    ck_assert_ptr_nonnull(sup);
    ck_assert_ptr_null(pf_supctl_new(sup, dir, "second"));
    /* ... and the first keeps its socket.                                  */
    ck_assert_int_eq(pf_supctl_request(dir, ping, WAIT_MS, &reply), 0);
    ck_assert_int_eq(pf_map_get_int(reply, "pid", 0), owner);
    pf_value_destroy(&reply);

    /* Killed outright, the owner leaves a stale socket file behind, which
       the next one removes.                                                */
    ck_assert_int_eq(kill(owner, SIGKILL), 0);
    ck_assert_int_eq(waitpid(owner, NULL, 0), owner);
    ck_assert(s_exists(path));
    ck_assert_int_eq(pf_supctl_request(dir, ping, WAIT_MS, &reply), PF_ENOTFOUND);
    pf_supctl_t *ctl = pf_supctl_new(sup, dir, "second");
    ck_assert_ptr_nonnull(ctl);
    pf_supctl_destroy(&ctl);

    /* A file that is not a socket is left alone.                          */
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_ptr_null(pf_supctl_new(sup, dir, "second"));
    ck_assert(s_exists(path));
    unlink(path);

    /* A data dir whose socket path cannot be a unix socket address.        */
    char deep[512];
    memset(deep, 'd', sizeof deep - 1);
    deep[0] = '/';
    deep[sizeof deep - 1] = '\0';
    ck_assert_int_eq(pf_supctl_path(deep, path, sizeof path), PF_ETOOBIG);
    ck_assert_ptr_null(pf_supctl_new(sup, deep, "second"));

    pf_value_destroy(&ping);
    pf_supervisor_destroy(&sup);
    rmdir(dir);
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
    TCase *ctl = tcase_create("control");
    tcase_set_timeout(ctl, 30);
    tcase_add_test(ctl, test_control_list);
    tcase_add_test(ctl, test_control_restart_is_not_a_crash);
    tcase_add_test(ctl, test_control_restarts_given_up_child);
    tcase_add_test(ctl, test_control_errors_keep_serving);
    tcase_add_test(ctl, test_control_one_owner_per_data_dir);
    suite_add_tcase(s, ctl);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
