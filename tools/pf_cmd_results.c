/*  pf_cmd_results.c — `pf results ID`: the dossier of a job.              */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_progress.h"
#include "pf_report.h"

static void
s_help(void)
{
    printf("usage: pf results JOB_ID [--partial] [--json | --brief] [--timeout S] [endpoint flags]\n\n"
           "Prints the RESULT of a job.  On a terminal a readable summary (status,\n"
           "modules, each module's result), otherwise (or with --json) the reply as\n"
           "pretty JSON.  A job still running answers not_ready unless --partial.\n"
           "Exit 0 on RESULT (whatever the job's status), 1 on an ERROR reply or no reply.\n\n"
           "  --partial      include the results of a job that has not ended\n"
           "  --json         always print JSON\n"
           "  --brief        print only the strategic signal brief (Markdown); exit 1\n"
           "                 when the job has none\n"
           "  --timeout S    seconds to wait for the reply (default %d)\n"
           PF_CLI_ENDPOINT_HELP,
           PF_DEFAULT_CLI_TIMEOUT_MS / 1000);
}

/*  Module durations for the readable form come from STATUS (RESULT has
    none).  Returns a table, or NULL when STATUS could not be had.          */
static pf_progress_t *
s_durations(const pf_cli_t *cli, pf_client_t *client, const char *job_id)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "job_id", job_id);
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    pf_progress_t *table = NULL;
    if (pf_client_request(client, "STATUS", body, pf_cli_request_timeout(cli), cmd, &reply)
            == PF_OK
        && strcmp(cmd, "STATUS") == 0) {
        table = pf_progress_new(job_id, NULL, 0);
        pf_progress_status(table, reply, -1);
    }
    pf_value_destroy(&reply);
    pf_value_destroy(&body);
    return table;
}

int
pf_cmd_results(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "results") != PF_OK)
        return PF_EXIT_USAGE;
    bool json = false;
    bool partial = false;
    bool brief = false;
    const pf_cli_flag_t flags[] = { { "--json", &json }, { "--partial", &partial },
                                    { "--brief", &brief }, { NULL, NULL } };
    const char *id = NULL;
    pf_cli_id_t kind = PF_CLI_ID_BAD;
    int exit_status = PF_EXIT_USAGE;
    if (!pf_cli_id_args(&cli, argc, argv, flags, false, s_help, &id, &kind, &exit_status))
        return exit_status;
    if (json && brief)
        return pf_cli_usage(&cli, "--json and --brief exclude each other");

    pf_client_t *client = pf_cli_connect(&cli);
    if (!client)
        return PF_EXIT_FAIL;
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "job_id", id);
    pf_map_set_bool(body, "include_partial", partial);
    pf_value_t *reply = NULL;
    int status = PF_EXIT_FAIL;
    if (pf_cli_expect(&cli, client, "RESULTS", body, "RESULT", &reply) == PF_OK) {
        int rc;
        if (brief) {
            rc = pf_report_write_brief(stdout, reply);
            if (rc == PF_ENOTFOUND)
                fprintf(stderr, "pf results: job %s has no strategic signal brief (the module "
                                "did not complete, or ran simulated)\n", id);
        } else if (!json && isatty(STDOUT_FILENO)) {
            pf_progress_t *table = s_durations(&cli, client, id);
            rc = pf_report_result(stdout, reply, table);
            pf_progress_destroy(&table);
        } else {
            rc = pf_cli_print_json(stdout, reply, PF_JSON_PRETTY);
        }
        status = rc == PF_OK ? PF_EXIT_OK : PF_EXIT_FAIL;
    }
    pf_value_destroy(&reply);
    pf_value_destroy(&body);
    pf_client_destroy(&client);
    return status;
}
