/*  pf_cmd_restart.c — `pf restart NAME`: restart one child of `pf up`.

    Sends {cmd:"restart", name} to `pf up`'s control socket.  pf up stops
    the child (SIGTERM: an actor drains first) and starts it again as soon
    as it has exited; that is not a crash, so it neither counts toward the
    restart-intensity limit nor lengthens the backoff.  With --wait the
    command follows the child until a new process runs.                    */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_supervisor.h"
#include "pf_upctl.h"

/*  Default bound of --wait: the drain grace pf up gives, plus a reply.    */
#define S_WAIT_DEFAULT_MS (PF_SUPERVISOR_GRACE_MS + PF_DEFAULT_CLI_TIMEOUT_MS)
/*  Between two looks at the list while waiting.                            */
#define S_WAIT_STEP_MS 100

static void
s_help(void)
{
    printf("usage: pf restart NAME [--wait] [--data-dir DIR] [--timeout S]\n\n"
           "Restarts the child NAME of the pf up running with data dir DIR ('pf ps'\n"
           "lists the names: coordinator, company_context, ... or company_context#2\n"
           "with --instances).  A running child gets SIGTERM (an actor finishes its\n"
           "tasks first; SIGKILL after %d s) and is started again once it has exited;\n"
           "one that pf up gave up on, or that waits for a restart, starts at once.\n"
           "This does not count toward the restart limit.  Exit 0 when the restart is\n"
           "under way (with --wait: done), 1 for an unknown name or no pf up, 2 for\n"
           "usage errors.\n\n"
           "  --wait         wait until a new process runs (bounded by --timeout,\n"
           "                 default %d s)\n"
           "  --data-dir DIR data directory pf up was given (env PF_DATA_DIR, default %s)\n"
           "  --timeout S    seconds to wait for each reply (default %d)\n",
           PF_SUPERVISOR_GRACE_MS / 1000, S_WAIT_DEFAULT_MS / 1000, PF_DEFAULT_DATA_DIR,
           PF_DEFAULT_CLI_TIMEOUT_MS / 1000);
}

static void
s_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/*  Polls the list until name runs with a pid other than old.  Returns 0
    with *pid_p set, PF_ETIMEDOUT, or PF_EIO (already reported).            */
static int
s_wait_new_pid(const pf_cli_t *cli, const char *name, long long old, long long *pid_p)
{
    int limit = cli->timeout_ms > 0 ? cli->timeout_ms : S_WAIT_DEFAULT_MS;
    long long deadline = pf_cli_now_ms() + limit;
    for (;;) {
        pf_value_t *reply = NULL;
        if (pf_upctl_ask(cli, "list", NULL, &reply) != PF_OK)
            return PF_EIO;
        const pf_value_t *children = pf_map_get(reply, "children");
        long long pid = 0;
        bool running = false;
        for (size_t i = 0; i < pf_array_size(children); i++) {
            const pf_value_t *child = pf_array_at(children, i);
            const char *n = pf_map_get_str(child, "name");
            const char *state = pf_map_get_str(child, "state");
            if (n && strcmp(n, name) == 0) {
                pid = pf_map_get_int(child, "pid", 0);
                running = state && strcmp(state, "running") == 0;
            }
        }
        pf_value_destroy(&reply);
        if (running && pid > 0 && pid != old) {
            *pid_p = pid;
            return PF_OK;
        }
        if (pf_cli_now_ms() >= deadline)
            return PF_ETIMEDOUT;
        s_sleep_ms(S_WAIT_STEP_MS);
    }
}

int
pf_cmd_restart(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "restart") != PF_OK)
        return PF_EXIT_USAGE;
    const char *name = NULL;
    bool wait = false;
    const pf_cli_flag_t flags[] = { { "--wait", &wait }, { NULL, NULL } };
    int exit_status = PF_EXIT_USAGE;
    if (!pf_cli_args(&cli, argc, argv, flags, s_help, &name, &exit_status))
        return exit_status;
    if (!name || !*name)
        return pf_cli_usage(&cli, "which child? (NAME missing; 'pf ps' lists them)");

    pf_value_t *reply = NULL;
    if (pf_upctl_ask(&cli, "restart", name, &reply) != PF_OK)
        return PF_EXIT_FAIL;
    const char *action = pf_map_get_str(reply, "action");
    long long pid = pf_map_get_int(reply, "pid", 0);
    bool stopping = action && strcmp(action, "stopping") == 0;
    bool pending = action && strcmp(action, "pending") == 0;
    pf_upctl_put_safe(stdout, name);
    if (stopping)
        printf(": stopping pid %lld (SIGTERM); pf up starts it again once it has exited\n", pid);
    else if (pending)
        printf(": a restart is already under way (pid %lld is stopping)\n", pid);
    else
        printf(": it was not running; started it (pid %lld)\n", pid);
    pf_value_destroy(&reply);
    if (fflush(stdout) != 0)
        return PF_EXIT_FAIL;
    if (!wait || !(stopping || pending))
        return PF_EXIT_OK;

    long long fresh = 0;
    int rc = s_wait_new_pid(&cli, name, pid, &fresh);
    if (rc == PF_ETIMEDOUT) {
        fprintf(stderr, "pf restart: %s has no new process yet; see 'pf ps'\n", name);
        return PF_EXIT_FAIL;
    }
    if (rc != PF_OK)
        return PF_EXIT_FAIL;
    pf_upctl_put_safe(stdout, name);
    printf(": restarted (pid %lld)\n", fresh);
    return fflush(stdout) == 0 ? PF_EXIT_OK : PF_EXIT_FAIL;
}
