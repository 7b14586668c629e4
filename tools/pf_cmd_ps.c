/*  pf_cmd_ps.c — `pf ps`: the children of the running `pf up`, one a line.

    Asks `pf up`'s control socket (found through the data dir) for its
    list and prints name, pid, state, restarts and uptime, or the reply
    as JSON.                                                                */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pf_cli.h"
#include "pf_clock.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_upctl.h"

/*  Bytes of a formatted uptime.                                            */
#define S_UPTIME_MAX 32

static void
s_help(void)
{
    printf("usage: pf ps [--json] [--data-dir DIR] [--timeout S]\n\n"
           "Lists the children of the pf up running with data dir DIR: name, pid, state\n"
           "(running, restarting, backoff, gave_up, new, stopped), restarts after\n"
           "crashes, and uptime.  Exit 0 on an answer, 1 when no pf up runs there or\n"
           "it does not answer.\n\n"
           "  --json         print the reply as JSON: {\"ok\": true, \"children\": [{name,\n"
           "                 pid, state, restarts, started_at (unix ms or null)}]}\n"
           "  --data-dir DIR data directory pf up was given (env PF_DATA_DIR, default %s)\n"
           "  --timeout S    seconds to wait for the reply (default %d)\n",
           PF_DEFAULT_DATA_DIR, PF_DEFAULT_CLI_TIMEOUT_MS / 1000);
}

/*  Prints the table; returns 0 or PF_EIO when stdout fails.                */
static int
s_print_table(const pf_value_t *children)
{
    size_t count = pf_array_size(children);
    int width = (int) strlen("NAME");
    for (size_t i = 0; i < count; i++) {
        const char *name = pf_map_get_str(pf_array_at(children, i), "name");
        if (name && (int) strlen(name) > width)
            width = (int) strlen(name);
    }
    long long now = pf_clock_unix_ms();
    printf("%-*s  %8s  %-10s  %8s  %s\n", width, "NAME", "PID", "STATE", "RESTARTS", "UPTIME");
    for (size_t i = 0; i < count; i++) {
        const pf_value_t *child = pf_array_at(children, i);
        const char *name = pf_map_get_str(child, "name");
        long long pid = pf_map_get_int(child, "pid", 0);
        long long started = pf_map_get_int(child, "started_at", 0);
        char uptime[S_UPTIME_MAX] = "-";
        if (pid > 0 && started > 0)
            pf_upctl_duration(now - started, uptime, sizeof uptime);
        pf_upctl_put_safe(stdout, name);
        printf("%*s  ", width - (name ? (int) strlen(name) : 1), "");
        if (pid > 0)
            printf("%8lld  ", pid);
        else
            printf("%8s  ", "-");
        const char *state = pf_map_get_str(child, "state");
        pf_upctl_put_safe(stdout, state);
        printf("%*s  %8lld  %s\n", 10 - (state ? (int) strlen(state) : 1), "",
               (long long) pf_map_get_int(child, "restarts", 0), uptime);
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? PF_OK : PF_EIO;
}

int
pf_cmd_ps(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "ps") != PF_OK)
        return PF_EXIT_USAGE;
    bool json = false;
    const pf_cli_flag_t flags[] = { { "--json", &json }, { NULL, NULL } };
    int exit_status = PF_EXIT_USAGE;
    if (!pf_cli_args(&cli, argc, argv, flags, s_help, NULL, &exit_status))
        return exit_status;
    pf_value_t *reply = NULL;
    if (pf_upctl_ask(&cli, "list", NULL, &reply) != PF_OK)
        return PF_EXIT_FAIL;
    const pf_value_t *children = pf_map_get(reply, "children");
    int rc;
    if (!pf_value_is(children, PF_ARRAY)) {
        fprintf(stderr, "pf ps: the reply holds no list of children\n");
        rc = PF_EIO;
    } else if (json) {
        rc = pf_cli_print_json(stdout, reply, PF_JSON_PRETTY);
    } else {
        rc = s_print_table(children);
    }
    pf_value_destroy(&reply);
    return rc == PF_OK ? PF_EXIT_OK : PF_EXIT_FAIL;
}
