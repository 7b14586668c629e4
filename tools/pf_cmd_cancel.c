/*  pf_cmd_cancel.c — `pf cancel ID`: stop a job or a whole batch.         */
#include <stdio.h>
#include <string.h>

#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"

static void
s_help(void)
{
    printf("usage: pf cancel ID [--timeout S] [endpoint flags]\n\n"
           "Cancels a job (ID job_...) or every unfinished job of a batch (ID batch_...)\n"
           "and prints the CANCELLED reply as pretty JSON.  Cancelling a job that has\n"
           "already ended is not an error; the reply says its final status.\n"
           "Exit 0 on CANCELLED, 1 on an ERROR reply or no reply.\n\n"
           "  --timeout S    seconds to wait for the reply (default %d)\n"
           PF_CLI_ENDPOINT_HELP,
           PF_DEFAULT_CLI_TIMEOUT_MS / 1000);
}

int
pf_cmd_cancel(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "cancel") != PF_OK)
        return PF_EXIT_USAGE;
    const char *id = NULL;
    pf_cli_id_t kind = PF_CLI_ID_BAD;
    int exit_status = PF_EXIT_USAGE;
    if (!pf_cli_id_args(&cli, argc, argv, NULL, true, s_help, &id, &kind, &exit_status))
        return exit_status;

    pf_client_t *client = pf_cli_connect(&cli);
    if (!client)
        return PF_EXIT_FAIL;
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, kind == PF_CLI_ID_JOB ? "job_id" : "batch_id", id);
    pf_value_t *reply = NULL;
    int status = PF_EXIT_FAIL;
    if (pf_cli_expect(&cli, client, "CANCEL", body, "CANCELLED", &reply) == PF_OK)
        status = pf_cli_print_json(stdout, reply, PF_JSON_PRETTY) == PF_OK ? PF_EXIT_OK
                                                                            : PF_EXIT_FAIL;
    pf_value_destroy(&reply);
    pf_value_destroy(&body);
    pf_client_destroy(&client);
    return status;
}
