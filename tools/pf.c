/*  pf.c — main() of the pf command: dispatches argv[1] to a subcommand.

    Each subcommand lives in tools/pf_cmd_<name>.c (see pf_cmd.h), parses
    its own flags and returns the exit status.  This file only knows the
    table of commands, the global --help and --version, and the process-wide
    settings every command wants (SIGPIPE ignored, so a closed pipe is a
    write error the command can report, not a silent death).               */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "pf_cli.h"
#include "pf_cmd.h"

typedef struct {
    const char *name;                  /* argv[1] that selects it          */
    int (*run)(int argc, char **argv); /* the subcommand                   */
    const char *summary;               /* one line for `pf help`           */
} s_command_t;

static const s_command_t s_commands[] = {
    { "up", pf_cmd_up, "start the coordinator and every actor on this host (supervised)" },
    { "ps", pf_cmd_ps, "list the processes of the running pf up (pid, state, uptime)" },
    { "restart", pf_cmd_restart, "restart one process of the running pf up by name" },
    { "coordinator", pf_cmd_coordinator, "run the coordinator (client, tap and actor endpoints)" },
    { "module", pf_cmd_module, "run one module actor" },
    { "adapter", pf_cmd_adapter, "run one provider adapter actor (breaker, rate limit, retries, cache)" },
    { "enrich", pf_cmd_enrich, "enrich one domain and print its dossier" },
    { "batch", pf_cmd_batch, "enrich many domains from a file, one JSON line per job" },
    { "status", pf_cmd_status, "show the status of a job or batch" },
    { "results", pf_cmd_results, "show the results of a job" },
    { "cancel", pf_cmd_cancel, "cancel a job or batch" },
    { "tap", pf_cmd_tap, "print monitoring events as JSON lines" },
    { "ping", pf_cmd_ping, "check that the coordinator answers" },
    { "bench", pf_cmd_bench, "start a coordinator and simulated modules, measure them" },
};

#define S_COMMAND_COUNT (sizeof s_commands / sizeof s_commands[0])

static void
s_usage(FILE *out)
{
    fprintf(out, "usage: pf COMMAND [ARGS...]\n\nPartnerForge %s: company domain -> "
                 "sales-intelligence dossier.\n\ncommands:\n", PF_VERSION);
    for (size_t i = 0; i < S_COMMAND_COUNT; i++)
        fprintf(out, "  %-12s %s\n", s_commands[i].name, s_commands[i].summary);
    fprintf(out, "\n'pf COMMAND --help' describes a command.  'pf --version' prints the "
                 "version.\n");
}

static const s_command_t *
s_find(const char *name)
{
    for (size_t i = 0; i < S_COMMAND_COUNT; i++) {
        if (strcmp(s_commands[i].name, name) == 0)
            return &s_commands[i];
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        s_usage(stderr);
        return PF_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (pf_cli_is_help(name) || strcmp(name, "help") == 0) {
        if (strcmp(name, "help") == 0 && argc > 2) {
            /*  `pf help CMD` is `pf CMD --help`.                           */
            const s_command_t *cmd = s_find(argv[2]);
            if (!cmd) {
                fprintf(stderr, "pf: unknown command '%s'\n\n", argv[2]);
                s_usage(stderr);
                return PF_EXIT_USAGE;
            }
            char help[] = "--help";
            char *args[] = { argv[2], help, NULL };
            return cmd->run(2, args);
        }
        s_usage(stdout);
        return PF_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("pf (PartnerForge) %s\n", PF_VERSION);
        return PF_EXIT_OK;
    }
    const s_command_t *cmd = s_find(name);
    if (!cmd) {
        fprintf(stderr, "pf: unknown command '%s'\n\n", name);
        s_usage(stderr);
        return PF_EXIT_USAGE;
    }
    return cmd->run(argc - 1, argv + 1);
}
