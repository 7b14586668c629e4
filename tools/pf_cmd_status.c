/*  pf_cmd_status.c — `pf status ID`: where a job or batch stands.         */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_report.h"

static void
s_help(void)
{
    printf("usage: pf status ID [--json] [--timeout S] [endpoint flags]\n\n"
           "Prints the STATUS of a job (ID job_...) or a batch (ID batch_...).\n"
           "On a terminal a short human form, otherwise (or with --json) the reply\n"
           "as pretty JSON.  Exit 0 on STATUS, 1 on an ERROR reply or no reply.\n\n"
           "  --json         always print JSON\n"
           "  --timeout S    seconds to wait for the reply (default %d)\n"
           PF_CLI_ENDPOINT_HELP,
           PF_DEFAULT_CLI_TIMEOUT_MS / 1000);
}

int
pf_cmd_status(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "status") != PF_OK)
        return PF_EXIT_USAGE;
    bool json = false;
    const pf_cli_flag_t flags[] = { { "--json", &json }, { NULL, NULL } };
    const char *id = NULL;
    pf_cli_id_t kind = PF_CLI_ID_BAD;
    int exit_status = PF_EXIT_USAGE;
    if (!pf_cli_id_args(&cli, argc, argv, flags, true, s_help, &id, &kind, &exit_status))
        return exit_status;

    pf_client_t *client = pf_cli_connect(&cli);
    if (!client)
        return PF_EXIT_FAIL;
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, kind == PF_CLI_ID_JOB ? "job_id" : "batch_id", id);
    pf_value_t *reply = NULL;
    int status = PF_EXIT_FAIL;
    if (pf_cli_expect(&cli, client, "STATUS", body, "STATUS", &reply) == PF_OK) {
        int rc = !json && isatty(STDOUT_FILENO) ? pf_report_status(stdout, reply)
                                                 : pf_cli_print_json(stdout, reply, PF_JSON_PRETTY);
        status = rc == PF_OK ? PF_EXIT_OK : PF_EXIT_FAIL;
    }
    pf_value_destroy(&reply);
    pf_value_destroy(&body);
    pf_client_destroy(&client);
    return status;
}
