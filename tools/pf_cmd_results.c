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
    printf("usage: pf results JOB_ID [--partial] [--brief] [--format md|json | --json]\n"
           "                  [--timeout S] [endpoint flags]\n\n"
           "Prints the RESULT of a job: on a terminal as Markdown (the strategic\n"
           "signal brief with a footer naming what did not complete, or a summary of\n"
           "each module when the job has no brief), otherwise as pretty JSON with\n"
           "\"synthetic\" added.  Synthetic data is named at the top and bottom.\n"
           "A job still running answers not_ready unless --partial.\n"
           "Exit 0 on RESULT (whatever the job's status), 1 on an ERROR reply or no reply.\n\n"
           "  --partial      include the results of a job that has not ended\n"
           "  --format F     md or json, whatever stdout is\n"
           "  --json         the same as --format json\n"
           "  --brief        only the strategic signal brief: its Markdown (md, the\n"
           "                 default) or its whole module result (json); exit 1 when\n"
           "                 the job has none\n"
           "  --timeout S    seconds to wait for the reply (default %d)\n"
           PF_CLI_ENDPOINT_HELP,
           PF_DEFAULT_CLI_TIMEOUT_MS / 1000);
}

/*  What the user asked for.                                                */
typedef struct {
    const char *id;            /* the job id                               */
    bool partial;              /* --partial                                */
    bool brief;                /* --brief                                  */
    pf_report_format_t format; /* --format / --json, or AUTO               */
} s_args_t;

/*  Parses argv into args.  Returns true when the command should go on;
    false with *exit_status set (after --help or a usage message).          */
static bool
s_parse(pf_cli_t *cli, int argc, char **argv, s_args_t *args, int *exit_status)
{
    for (int i = 1; i < argc; i++) {
        const char *format_text = NULL;
        int rc = pf_cli_common(cli, argc, argv, &i);
        if (rc > 0)
            continue;
        if (rc == 0 && pf_cli_is_help(argv[i])) {
            s_help();
            *exit_status = PF_EXIT_OK;
            return false;
        }
        if (rc == 0)
            rc = pf_cli_value(cli, argc, argv, &i, "--format", &format_text);
        if (rc < 0) {
            *exit_status = PF_EXIT_USAGE;
            return false;
        }
        pf_report_format_t format = PF_REPORT_AUTO;
        if (rc > 0) {
            if (pf_report_format_parse(format_text, &format) != PF_OK) {
                *exit_status = pf_cli_usage(cli, "--format is md or json, not '%s'",
                                            format_text);
                return false;
            }
        } else if (strcmp(argv[i], "--json") == 0) {
            format = PF_REPORT_JSON;
        } else if (strcmp(argv[i], "--partial") == 0) {
            args->partial = true;
        } else if (strcmp(argv[i], "--brief") == 0) {
            args->brief = true;
        } else if (argv[i][0] == '-' || args->id) {
            *exit_status = pf_cli_usage(cli, "unexpected argument '%s'", argv[i]);
            return false;
        } else {
            args->id = argv[i];
        }
        if (pf_report_format_merge(&args->format, format) != PF_OK) {
            *exit_status = pf_cli_usage(cli, "%s conflicts with an earlier --json or --format",
                                        argv[i]);
            return false;
        }
    }
    if (!args->id) {
        *exit_status = pf_cli_usage(cli, "which job? (JOB_ID missing)");
        return false;
    }
    if (pf_cli_id_kind(args->id) != PF_CLI_ID_JOB) {
        *exit_status = pf_cli_usage(cli, "'%s' is not a job_... id", args->id);
        return false;
    }
    return true;
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

/*  --brief: the brief's Markdown, or its module result as JSON.           */
static int
s_print_brief(const s_args_t *args, const pf_value_t *reply)
{
    int rc;
    if (args->format == PF_REPORT_JSON) {
        const pf_value_t *brief = pf_report_brief_result(reply);
        rc = brief ? pf_cli_print_json(stdout, brief, PF_JSON_PRETTY) : PF_ENOTFOUND;
    } else {
        rc = pf_report_write_brief(stdout, reply);
    }
    if (rc == PF_ENOTFOUND)
        fprintf(stderr, "pf results: job %s has no strategic signal brief (the module "
                        "did not complete, was not part of the job, or ran simulated)\n",
                args->id);
    return rc;
}

int
pf_cmd_results(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "results") != PF_OK)
        return PF_EXIT_USAGE;
    s_args_t args = { 0 };
    int exit_status = PF_EXIT_USAGE;
    if (!s_parse(&cli, argc, argv, &args, &exit_status))
        return exit_status;

    pf_client_t *client = pf_cli_connect(&cli);
    if (!client)
        return PF_EXIT_FAIL;
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "job_id", args.id);
    pf_map_set_bool(body, "include_partial", args.partial);
    pf_value_t *reply = NULL;
    int status = PF_EXIT_FAIL;
    if (pf_cli_expect(&cli, client, "RESULTS", body, "RESULT", &reply) == PF_OK) {
        int rc;
        if (args.brief) {
            rc = s_print_brief(&args, reply);
        } else if (pf_report_format_resolve(args.format, STDOUT_FILENO) == PF_REPORT_MD) {
            pf_progress_t *table = s_durations(&cli, client, args.id);
            rc = pf_report_result(stdout, reply, table);
            pf_progress_destroy(&table);
        } else {
            rc = pf_report_json(stdout, reply);
        }
        status = rc == PF_OK ? PF_EXIT_OK : PF_EXIT_FAIL;
    }
    pf_value_destroy(&reply);
    pf_value_destroy(&body);
    pf_client_destroy(&client);
    return status;
}
