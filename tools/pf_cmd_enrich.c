/*  pf_cmd_enrich.c — `pf enrich DOMAIN`: one dossier, start to finish.

    Without --async the command follows its job to the end: it subscribes
    to the tap first (module.* and job.*), sends ENRICH (async), and then
    merges tap events for its job_id with a STATUS poll every
    PF_DEFAULT_CLI_POLL_MS (the tap may drop events; STATUS cannot) until the
    job is final.  On a terminal, stderr shows a live table of the modules.
    Finally it fetches RESULTS (include_partial) and prints them: the
    strategic signal brief as Markdown (or a summary of the modules when
    the job has none) or the RESULT as JSON — pf_report.h, --format.        */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_pfp.h"
#include "pf_progress.h"
#include "pf_report.h"
#include "pf_tapsub.h"

static void
s_help(void)
{
    printf("usage: pf enrich DOMAIN [--modules a,b] [--priority high|default|low]\n"
           "                 [--async] [--format md|json | --json] [--timeout S]\n"
           "                 [endpoint flags]\n\n"
           "Enriches DOMAIN and prints its strategic signal brief (Markdown) when\n"
           "stdout is a terminal, the whole RESULT as JSON otherwise.  On a terminal,\n"
           "stderr shows the modules' progress live.  Synthetic data (the offline\n"
           "emulator's) is named at the top and bottom, and flagged in JSON.\n"
           "Exit 0 when the job completed; 1 when it ended partial, failed or\n"
           "cancelled, or on an error (printed as ERROR code: message).\n\n"
           "  --modules a,b  run only these modules (and the modules they need); md is\n"
           "                 then a summary of each module, unless the brief is named\n"
           "  --priority P   high, default or low (default: default)\n"
           "  --async        print the job id (the ACCEPTED reply with --json) and exit\n"
           "  --format F     md: the brief (or the module summary), json: the whole\n"
           "                 RESULT with \"synthetic\" added\n"
           "  --json         the same as --format json\n"
           "  --timeout S    give up waiting for the job after S seconds (default: wait\n"
           "                 as long as the coordinator answers; each reply %d s)\n"
           PF_CLI_ENDPOINT_HELP,
           PF_DEFAULT_CLI_TIMEOUT_MS / 1000);
}

/*  What the user asked for.                                                */
typedef struct {
    const char *domain;      /* the domain to enrich                        */
    const char *modules;     /* --modules text, or NULL for all             */
    const char *priority;    /* --priority, or NULL for the server default  */
    bool async;              /* --async                                     */
    pf_report_format_t format; /* --format / --json; AUTO: by the terminal  */
} s_args_t;

/*  The wait for one reply: the default, cut short by the overall deadline
    (-1: none).  Returns 0 when the deadline has passed.                    */
static int
s_reply_wait(long long deadline)
{
    if (deadline < 0)
        return PF_DEFAULT_CLI_TIMEOUT_MS;
    long long left = deadline - pf_cli_now_ms();
    if (left <= 0)
        return 0;
    return left < PF_DEFAULT_CLI_TIMEOUT_MS ? (int)left : PF_DEFAULT_CLI_TIMEOUT_MS;
}

static int
s_parse(pf_cli_t *cli, int argc, char **argv, s_args_t *args, bool *help)
{
    const char *format_text = NULL;
    for (int i = 1; i < argc; i++) {
        int rc = pf_cli_common(cli, argc, argv, &i);
        if (rc < 0)
            return PF_EINVAL;
        if (rc > 0)
            continue;
        if (pf_cli_is_help(argv[i])) {
            *help = true;
            return PF_OK;
        }
        if ((rc = pf_cli_value(cli, argc, argv, &i, "--modules", &args->modules)) != 0) {
            if (rc < 0)
                return PF_EINVAL;
        } else if ((rc = pf_cli_value(cli, argc, argv, &i, "--priority", &args->priority)) != 0) {
            if (rc < 0)
                return PF_EINVAL;
            if (pfp_priority_from_name(args->priority) < 0) {
                pf_cli_usage(cli, "--priority is high, default or low, not '%s'", args->priority);
                return PF_EINVAL;
            }
        } else if (strcmp(argv[i], "--async") == 0) {
            args->async = true;
        } else if ((rc = pf_cli_value(cli, argc, argv, &i, "--format", &format_text)) != 0) {
            pf_report_format_t format;
            if (rc < 0)
                return PF_EINVAL;
            if (pf_report_format_parse(format_text, &format) != PF_OK) {
                pf_cli_usage(cli, "--format is md or json, not '%s'", format_text);
                return PF_EINVAL;
            }
            if (pf_report_format_merge(&args->format, format) != PF_OK) {
                pf_cli_usage(cli, "--format %s conflicts with an earlier --json or --format",
                             format_text);
                return PF_EINVAL;
            }
        } else if (strcmp(argv[i], "--json") == 0) {
            if (pf_report_format_merge(&args->format, PF_REPORT_JSON) != PF_OK) {
                pf_cli_usage(cli, "--json conflicts with --format md");
                return PF_EINVAL;
            }
        } else if (argv[i][0] == '-' || args->domain) {
            pf_cli_usage(cli, "unexpected argument '%s'", argv[i]);
            return PF_EINVAL;
        } else {
            args->domain = argv[i];
        }
    }
    if (!args->domain) {
        pf_cli_usage(cli, "which domain? (DOMAIN missing)");
        return PF_EINVAL;
    }
    return PF_OK;
}

/*  Builds the ENRICH body; NULL after a usage message if --modules is bad. */
static pf_value_t *
s_enrich_body(pf_cli_t *cli, const s_args_t *args)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "domain", args->domain);
    if (args->modules) {
        pf_value_t *modules = pf_cli_parse_modules(args->modules);
        if (!modules) {
            pf_cli_usage(cli, "--modules wants names separated by commas, not '%s'",
                         args->modules);
            pf_value_destroy(&body);
            return NULL;
        }
        pf_map_set(body, "modules", &modules);
    }
    if (args->priority)
        pf_map_set_str(body, "priority", args->priority);
    pf_map_set_bool(body, "async", true);
    if (cli->api_key)
        pf_map_set_str(body, "api_key", cli->api_key);
    return body;
}

/*  Follows job_id until it is final, the deadline passes, a stop signal
    arrives or the coordinator stops answering.  Returns 0 when final.     */
static int
s_follow(pf_cli_t *cli, pf_client_t *client, pf_tapsub_t *tap, int stop_fd,
         pf_progress_t *progress, const char *job_id, long long deadline)
{
    bool tty = isatty(STDERR_FILENO);
    char status_req[PFP_REQ_ID_MAX + 1] = "";
    bool outstanding = false;       /* a STATUS request awaits its reply    */
    long long sent_at = 0;          /* when it was sent                     */
    long long next_poll = pf_cli_now_ms();
    long long next_draw = next_poll;
    int rc = PF_OK;
    while (!pf_progress_final(progress)) {
        long long now = pf_cli_now_ms();
        if (pf_cli_stop_signal()) {
            rc = PF_ESTATE;
            break;
        }
        if (deadline >= 0 && now >= deadline) {
            rc = PF_ETIMEDOUT;
            break;
        }
        if (outstanding && now - sent_at >= PF_DEFAULT_CLI_TIMEOUT_MS) {
            pf_cli_report_failure(cli, PF_ETIMEDOUT, PF_DEFAULT_CLI_TIMEOUT_MS);
            rc = PF_EIO;
            break;
        }
        if (!outstanding && now >= next_poll) {
            pf_value_t *body = pf_value_map();
            pf_map_set_str(body, "job_id", job_id);
            rc = pf_client_send(client, "STATUS", body, s_reply_wait(deadline), status_req);
            pf_value_destroy(&body);
            if (rc != PF_OK) {
                pf_cli_report_failure(cli, rc, PF_DEFAULT_CLI_TIMEOUT_MS);
                break;
            }
            outstanding = true;
            sent_at = now;
        }
        if (tty && now >= next_draw) {
            pf_progress_render(progress, stderr, true, now);
            next_draw = now + PF_DEFAULT_CLI_REDRAW_MS;
        }
        /*  Sleep in zmq_poll until something arrives or the next thing is
            due: a poll, a redraw, the reply deadline, the overall deadline. */
        long long due = outstanding ? sent_at + PF_DEFAULT_CLI_TIMEOUT_MS : next_poll;
        if (tty && next_draw < due)
            due = next_draw;
        if (deadline >= 0 && deadline < due)
            due = deadline;
        long wait = due > now ? (long)(due - now) : 0;
        zmq_pollitem_t items[3] = {
            { pf_tapsub_socket(tap), 0, ZMQ_POLLIN, 0 },
            { pf_client_socket(client), 0, ZMQ_POLLIN, 0 },
            { NULL, stop_fd, ZMQ_POLLIN, 0 },
        };
        if (zmq_poll(items, stop_fd >= 0 ? 3 : 2, wait) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "pf enrich: poll failed: %s\n", zmq_strerror(errno));
            rc = PF_EIO;
            break;
        }
        now = pf_cli_now_ms();
        char topic[PF_TAPSUB_TOPIC_MAX + 1];
        pf_value_t *event = NULL;
        while (pf_tapsub_recv(tap, 0, topic, &event) == PF_OK) {
            pf_progress_event(progress, topic, event, now);
            pf_value_destroy(&event);
        }
        char cmd[PF_CLIENT_CMD_MAX];
        pf_value_t *reply = NULL;
        for (;;) {
            int got = pf_client_recv(client, 0, cmd, &reply);
            if (got == PF_EPROTO)
                continue;   /* a malformed reply: ignore, the poll repeats  */
            if (got != PF_OK)
                break;      /* nothing more waiting (or interrupted)        */
            const char *rid = pf_map_get_str(reply, "req_id");
            if (outstanding && rid && strcmp(rid, status_req) == 0) {
                outstanding = false;
                next_poll = now + PF_DEFAULT_CLI_POLL_MS;
                if (strcmp(cmd, "STATUS") == 0) {
                    pf_progress_status(progress, reply, now);
                } else if (strcmp(cmd, "ERROR") == 0) {
                    pf_cli_print_error(cli, reply);
                    pf_value_destroy(&reply);
                    rc = PF_ENOTFOUND;
                    break;
                }
            }
            pf_value_destroy(&reply);
        }
        if (rc != PF_OK)
            break;
    }
    if (tty)
        pf_progress_render(progress, stderr, true, pf_cli_now_ms());
    return rc;
}

/*  Fetches and prints the job's RESULT.  Returns the exit status.         */
static int
s_print_results(pf_cli_t *cli, pf_client_t *client, const s_args_t *args,
                const pf_progress_t *progress, const char *job_id, long long deadline)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "job_id", job_id);
    pf_map_set_bool(body, "include_partial", true);
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    int wait = s_reply_wait(deadline);
    int status = PF_EXIT_FAIL;
    if (wait == 0) {
        pf_cli_report_failure(cli, PF_ETIMEDOUT, 0);
    } else if (pf_cli_request(cli, client, "RESULTS", body, wait, cmd, &reply) == PF_OK) {
        if (strcmp(cmd, "RESULT") == 0) {
            int rc;
            if (pf_report_format_resolve(args->format, STDOUT_FILENO) == PF_REPORT_JSON) {
                rc = pf_report_json(stdout, reply);
                if (pf_report_simulated(reply))
                    pf_report_simulated_notice(stderr);
                pf_report_synthetic_notice(stderr, reply);
            } else {
                rc = pf_report_result(stdout, reply, progress);
            }
            const char *job_status = pf_map_get_str(reply, "status");
            if (rc != PF_OK)
                fprintf(stderr, "pf enrich: cannot write the result: %s\n", strerror(errno));
            else if (job_status && strcmp(job_status, "completed") == 0)
                status = PF_EXIT_OK;
        } else if (strcmp(cmd, "ERROR") == 0) {
            pf_cli_print_error(cli, reply);
        } else {
            fprintf(stderr, "pf enrich: unexpected reply %s to RESULTS\n", cmd);
        }
    }
    pf_value_destroy(&reply);
    pf_value_destroy(&body);
    return status;
}

/*  --async: send ENRICH, print the job id (or the reply as JSON).         */
static int
s_async(pf_cli_t *cli, pf_client_t *client, pf_value_t *body, bool json)
{
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    int status = PF_EXIT_FAIL;
    if (pf_cli_request(cli, client, "ENRICH", body, pf_cli_request_timeout(cli), cmd, &reply)
        == PF_OK) {
        const char *job_id = pf_map_get_str(reply, "job_id");
        if (strcmp(cmd, "ACCEPTED") == 0 && job_id) {
            int rc;
            if (json) {
                rc = pf_cli_print_json(stdout, reply, PF_JSON_PRETTY);
            } else {
                printf("%s\n", job_id);
                rc = fflush(stdout) == 0 ? PF_OK : PF_EIO;
            }
            status = rc == PF_OK ? PF_EXIT_OK : PF_EXIT_FAIL;
        } else if (strcmp(cmd, "ERROR") == 0) {
            pf_cli_print_error(cli, reply);
        } else {
            fprintf(stderr, "pf enrich: unexpected reply %s to ENRICH\n", cmd);
        }
    }
    pf_value_destroy(&reply);
    return status;
}

int
pf_cmd_enrich(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "enrich") != PF_OK)
        return PF_EXIT_USAGE;
    s_args_t args = { 0 };
    bool help = false;
    if (s_parse(&cli, argc, argv, &args, &help) != PF_OK)
        return PF_EXIT_USAGE;
    if (help) {
        s_help();
        return PF_EXIT_OK;
    }
    pf_value_t *body = s_enrich_body(&cli, &args);
    if (!body)
        return PF_EXIT_USAGE;
    pf_client_t *client = pf_cli_connect(&cli);
    if (!client) {
        pf_value_destroy(&body);
        return PF_EXIT_FAIL;
    }
    if (args.async) {
        int status = s_async(&cli, client, body, args.format == PF_REPORT_JSON);
        pf_value_destroy(&body);
        pf_client_destroy(&client);
        return status;
    }

    int status = PF_EXIT_FAIL;
    long long deadline = cli.timeout_ms > 0 ? pf_cli_now_ms() + cli.timeout_ms : -1;
    pf_progress_t *progress = NULL;
    pf_value_t *reply = NULL;
    /*  Subscribe before sending, so the job's first events can be seen.    */
    pf_tapsub_t *tap = pf_tapsub_new(cli.config.tap_endpoint, "module.");
    if (!tap || pf_tapsub_subscribe(tap, "job.") != PF_OK) {
        fprintf(stderr, "pf enrich: cannot connect to tap endpoint '%s': %s\n",
                cli.config.tap_endpoint, zmq_strerror(errno));
        goto done;
    }
    int stop_fd = pf_cli_catch_stop_signals();
    char cmd[PF_CLIENT_CMD_MAX];
    if (pf_cli_request(&cli, client, "ENRICH", body, s_reply_wait(deadline), cmd, &reply)
        != PF_OK)
        goto done;
    if (strcmp(cmd, "ERROR") == 0) {
        pf_cli_print_error(&cli, reply);
        goto done;
    }
    const char *job_id = pf_map_get_str(reply, "job_id");
    if (strcmp(cmd, "ACCEPTED") != 0 || !job_id) {
        fprintf(stderr, "pf enrich: unexpected reply %s to ENRICH\n", cmd);
        goto done;
    }
    progress = pf_progress_new(job_id, args.domain, pf_cli_now_ms());
    int rc = s_follow(&cli, client, tap, stop_fd, progress, job_id, deadline);
    if (rc == PF_ETIMEDOUT)
        fprintf(stderr, "pf enrich: job %s did not end within the timeout; it goes on "
                        "(pf status %s, pf cancel %s)\n", job_id, job_id, job_id);
    else if (rc == PF_ESTATE)
        fprintf(stderr, "pf enrich: interrupted; job %s goes on (pf status %s, pf cancel %s)\n",
                job_id, job_id, job_id);
    if (rc == PF_OK)
        status = s_print_results(&cli, client, &args, progress, job_id, deadline);
done:
    pf_progress_destroy(&progress);
    pf_value_destroy(&reply);
    pf_tapsub_destroy(&tap);
    pf_value_destroy(&body);
    pf_client_destroy(&client);
    return status;
}
