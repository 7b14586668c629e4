/*  pf_cmd_ping.c — `pf ping`: is the coordinator there, and which one.   */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"

static void
s_help(void)
{
    printf("usage: pf ping [--json] [--timeout S] [endpoint flags]\n\n"
           "Sends PING to the coordinator and prints \"PONG version=V uptime_s=U\".\n"
           "Exit 0 on PONG, 1 when no reply arrives within the timeout.\n\n"
           "  --json         print the PONG body as JSON\n"
           "  --timeout S    seconds to wait for the reply (default %d)\n"
           PF_CLI_ENDPOINT_HELP,
           PF_DEFAULT_CLI_TIMEOUT_MS / 1000);
}

int
pf_cmd_ping(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "ping") != PF_OK)
        return PF_EXIT_USAGE;
    bool json = false;
    const pf_cli_flag_t flags[] = { { "--json", &json }, { NULL, NULL } };
    int exit_status = PF_EXIT_USAGE;
    if (!pf_cli_args(&cli, argc, argv, flags, s_help, NULL, &exit_status))
        return exit_status;
    pf_client_t *client = pf_cli_connect(&cli);
    if (!client)
        return PF_EXIT_FAIL;
    pf_value_t *reply = NULL;
    int status = PF_EXIT_FAIL;
    if (pf_cli_expect(&cli, client, "PING", NULL, "PONG", &reply) == PF_OK) {
        if (json) {
            status = pf_cli_print_json(stdout, reply, PF_JSON_PRETTY) == PF_OK ? PF_EXIT_OK
                                                                                : PF_EXIT_FAIL;
        } else {
            char *version = pf_json_text(pf_map_get(reply, "version"), PF_JSON_COMPACT);
            char *uptime = pf_json_text(pf_map_get(reply, "uptime_s"), PF_JSON_COMPACT);
            const char *v = pf_map_get_str(reply, "version");
            printf("PONG version=%s uptime_s=%s\n", v ? v : version, uptime ? uptime : "?");
            free(version);
            free(uptime);
            status = fflush(stdout) == 0 ? PF_EXIT_OK : PF_EXIT_FAIL;
        }
    }
    pf_value_destroy(&reply);
    pf_client_destroy(&client);
    return status;
}
