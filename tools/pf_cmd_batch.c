/*  pf_cmd_batch.c — `pf batch FILE`: many domains, one JSON line per job.

    Reads domains (one per line; blanks and # comments skipped), sends one
    BATCH, reports rejected domains on stderr, polls the batch's STATUS
    until every job has ended (a progress bar on a terminal), then fetches
    every job's RESULT (include_partial) with up to PF_DEFAULT_CLI_PIPELINE
    requests in flight and writes one line per job to stdout in job order
    (pf_report_batch_line, or the whole RESULT with --full).  Job ends
    seen on the tap make the next STATUS poll come sooner.                 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "pf_alloc.h"
#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_pfp.h"
#include "pf_progress.h"
#include "pf_report.h"
#include "pf_tapsub.h"

#define S_BAR_WIDTH 30       /* characters in the progress bar              */

static void
s_help(void)
{
    printf("usage: pf batch FILE|- [--modules a,b] [--priority high|default|low]\n"
           "                [--max-concurrency N] [--full] [--timeout S] [endpoint flags]\n\n"
           "Enriches every domain in FILE (or stdin for -): one domain per line, blank\n"
           "lines and lines starting with # skipped.  Rejected domains are reported on\n"
           "stderr; a progress bar shows on a terminal.  When every job has ended, one\n"
           "JSON line per job goes to stdout, in input order: {domain, job_id, status,\n"
           "duration_ms, synthetic, synthetic_modules, modules (name: status),\n"
           "failed_modules, skipped_modules, brief (the brief's map with its markdown,\n"
           "or null)}, or {domain, job_id, \"status\":\"error\", error:{code, message}}\n"
           "when its RESULTS request failed (docs/CLI.md has the schema).\n"
           "Exit 0 when every domain was accepted and every job completed, else 1.\n\n"
           "  --modules a,b        run only these modules (and what they need)\n"
           "  --full               write each job's whole RESULT (every module's result),\n"
           "                       with \"synthetic\" added, instead\n"
           "  --priority P         high, default or low\n"
           "  --max-concurrency N  jobs of this batch running at once (server default %d)\n"
           "  --timeout S          give up waiting after S seconds (default: no limit)\n"
           PF_CLI_ENDPOINT_HELP,
           PF_DEFAULT_BATCH_CONCURRENCY);
}

/*  Reads the domains of a file (or stdin) into array.  Returns 0, or
    PF_EIO after printing why.                                               */
static int
s_read_domains(const char *path, pf_value_t *array)
{
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in) {
        fprintf(stderr, "pf batch: cannot open %s: %s\n", path, strerror(errno));
        return PF_EIO;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    while ((len = getline(&line, &size, in)) >= 0) {
        char *start = line;
        char *end = line + len;
        while (start < end && isspace((unsigned char)*start))
            start++;
        while (end > start && isspace((unsigned char)end[-1]))
            end--;
        if (start == end || *start == '#')
            continue;
        pf_value_t *domain = pf_value_strn(start, (size_t)(end - start));
        pf_array_push(array, &domain);
    }
    int rc = ferror(in) ? PF_EIO : PF_OK;
    if (rc != PF_OK)
        fprintf(stderr, "pf batch: cannot read %s: %s\n", path, strerror(errno));
    free(line);
    if (in != stdin)
        fclose(in);
    return rc;
}

/*  The wait for one reply: the default, cut by the overall deadline.      */
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

/*  Draws the progress bar for a batch STATUS on stderr.                    */
static void
s_bar(const pf_value_t *status, long long elapsed_ms)
{
    long long total = pf_map_get_int(status, "total", 0);
    long long completed = pf_map_get_int(status, "completed", 0);
    long long partial = pf_map_get_int(status, "partial", 0);
    long long failed = pf_map_get_int(status, "failed", 0);
    long long cancelled = pf_map_get_int(status, "cancelled", 0);
    long long ended = completed + partial + failed + cancelled;
    int filled = total > 0 ? (int)(ended * S_BAR_WIDTH / total) : 0;
    if (filled > S_BAR_WIDTH)
        filled = S_BAR_WIDTH;
    if (filled < 0)
        filled = 0;
    char bar[S_BAR_WIDTH + 1];
    memset(bar, '#', (size_t)filled);
    memset(bar + filled, ' ', (size_t)(S_BAR_WIDTH - filled));
    bar[S_BAR_WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %lld/%lld ended  running %lld  partial %lld  failed %lld  "
                    "cancelled %lld  %.1fs\033[K",
            bar, ended, total, (long long)pf_map_get_int(status, "running", 0), partial, failed,
            cancelled, elapsed_ms / 1000.0);
    fflush(stderr);
}

/*  Waits until due (monotonic ms) or, when a job ends (a job.<final> tap
    event, any job), until early, whichever comes first.  tap may be NULL:
    then it just waits until due.                                            */
static void
s_pause(pf_tapsub_t *tap, long long due, long long early)
{
    for (;;) {
        long long now = pf_cli_now_ms();
        if (now >= due)
            return;
        zmq_pollitem_t item = { pf_tapsub_socket(tap), 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, tap ? 1 : 0, (long)(due - now)) < 0 && errno != EINTR)
            return;
        char topic[PF_TAPSUB_TOPIC_MAX + 1];
        pf_value_t *event = NULL;
        while (tap && pf_tapsub_recv(tap, 0, topic, &event) == PF_OK) {
            if (strncmp(topic, "job.", 4) == 0 && pf_progress_is_final_status(topic + 4)
                && early < due)
                due = early;
            pf_value_destroy(&event);
        }
    }
}

/*  Polls the batch's STATUS until every job has ended: every
    PF_DEFAULT_CLI_POLL_MS, or sooner (but at most every
    PF_DEFAULT_CLI_REDRAW_MS) when the tap says a job ended.  Returns 0, or
    an error after printing it.                                              */
static int
s_wait_batch(pf_cli_t *cli, pf_client_t *client, pf_tapsub_t *tap, const char *batch_id,
             size_t jobs, long long deadline)
{
    bool tty = isatty(STDERR_FILENO);
    long long started = pf_cli_now_ms();
    int rc = PF_OK;
    for (;;) {
        int wait = s_reply_wait(deadline);
        if (wait == 0) {
            rc = PF_ETIMEDOUT;
            break;
        }
        pf_value_t *body = pf_value_map();
        pf_map_set_str(body, "batch_id", batch_id);
        char cmd[PF_CLIENT_CMD_MAX];
        pf_value_t *reply = NULL;
        long long asked = pf_cli_now_ms();
        rc = pf_cli_request(cli, client, "STATUS", body, wait, cmd, &reply);
        pf_value_destroy(&body);
        if (rc != PF_OK)
            break;
        bool done = false;
        if (strcmp(cmd, "STATUS") == 0) {
            long long ended = pf_map_get_int(reply, "completed", 0)
                              + pf_map_get_int(reply, "partial", 0)
                              + pf_map_get_int(reply, "failed", 0)
                              + pf_map_get_int(reply, "cancelled", 0);
            long long total = pf_map_get_int(reply, "total", (long long)jobs);
            done = ended >= total;
            if (tty)
                s_bar(reply, pf_cli_now_ms() - started);
        } else {
            if (strcmp(cmd, "ERROR") == 0)
                pf_cli_print_error(cli, reply);
            else
                fprintf(stderr, "pf batch: unexpected reply %s to STATUS\n", cmd);
            rc = PF_EPROTO;
        }
        pf_value_destroy(&reply);
        if (done || rc != PF_OK)
            break;
        long long due = asked + PF_DEFAULT_CLI_POLL_MS;
        long long early = asked + PF_DEFAULT_CLI_REDRAW_MS;
        if (deadline >= 0 && deadline < due)
            due = deadline;
        s_pause(tap, due, early);
    }
    if (tty)
        fputc('\n', stderr);
    if (rc == PF_ETIMEDOUT)
        fprintf(stderr, "pf batch: %s did not end within the timeout; it goes on "
                        "(pf status %s, pf cancel %s)\n", batch_id, batch_id, batch_id);
    return rc;
}

/*  The domain of each job, as sent: the domains sent minus the rejected
    ones (BATCH lists both in input order).  NULL when the counts do not
    add up, so no line names a wrong domain.  Caller owns the array.       */
static pf_value_t *
s_job_domains(const pf_value_t *sent, const pf_value_t *rejected, size_t jobs)
{
    pf_value_t *domains = pf_value_array();
    size_t r = 0;
    for (size_t i = 0; i < pf_array_size(sent); i++) {
        const char *domain = pf_value_as_str(pf_array_at(sent, i), NULL);
        const char *next_rejected = pf_map_get_str(pf_array_at(rejected, r), "domain");
        if (domain && next_rejected && strcmp(domain, next_rejected) == 0) {
            r++;
            continue;
        }
        pf_array_push_str(domains, domain ? domain : "");
    }
    if (pf_array_size(domains) != jobs || r != pf_array_size(rejected))
        pf_value_destroy(&domains);
    return domains;
}

/*  One request in flight: which job it asks about.                         */
typedef struct {
    char req_id[PFP_REQ_ID_MAX + 1]; /* the request's id                    */
    size_t job;                      /* index into job_ids                  */
} s_flight_t;

/*  Writes one job's line: the batch line of its RESULT (the RESULT itself
    with full), or an error line (domain may be NULL: unknown).  Counts a
    completed job in *completed.  Returns 0 or PF_EIO.                      */
static int
s_write_line(const char *job_id, const char *domain, const char *cmd, pf_value_t *reply,
             bool full, size_t *completed)
{
    if (strcmp(cmd, "RESULT") == 0) {
        const char *st = pf_map_get_str(reply, "status");
        if (st && strcmp(st, "completed") == 0)
            (*completed)++;
        if (full) {
            pf_map_set_bool(reply, "synthetic", pf_report_synthetic(reply));
            return pf_cli_print_json(stdout, reply, PF_JSON_COMPACT);
        }
        pf_value_t *line = pf_report_batch_line(reply);
        int rc = pf_cli_print_json(stdout, line, PF_JSON_COMPACT);
        pf_value_destroy(&line);
        return rc;
    }
    pf_value_t *line = pf_value_map();
    if (domain)
        pf_map_set_str(line, "domain", domain);
    else
        pf_map_set_nil(line, "domain");
    pf_map_set_str(line, "job_id", job_id);
    pf_map_set_str(line, "status", "error");
    pf_value_t *error = pf_value_map();
    const char *code = pf_map_get_str(reply, "code");
    const char *message = pf_map_get_str(reply, "message");
    pf_map_set_str(error, "code", code ? code : "unexpected_reply");
    pf_map_set_str(error, "message", message ? message : cmd);
    pf_map_set(line, "error", &error);
    int rc = pf_cli_print_json(stdout, line, PF_JSON_COMPACT);
    pf_value_destroy(&line);
    return rc;
}

/*  Fetches every job's RESULT, pipelined, and prints them in order.
    domains (may be NULL) holds each job's domain as sent, for error lines.
    Sets *completed to the number of completed jobs.  Returns 0 or an
    error after printing it.                                                 */
static int
s_fetch_results(pf_cli_t *cli, pf_client_t *client, const pf_value_t *job_ids,
                const pf_value_t *domains, bool full, long long deadline, size_t *completed)
{
    size_t n = pf_array_size(job_ids);
    pf_value_t **replies = pf_calloc(n ? n : 1, sizeof *replies);
    char (*cmds)[PF_CLIENT_CMD_MAX] = pf_calloc(n ? n : 1, sizeof *cmds);
    s_flight_t flights[PF_DEFAULT_CLI_PIPELINE];
    size_t in_flight = 0;
    size_t next_send = 0;    /* next job to ask about                       */
    size_t next_print = 0;   /* next job to print                           */
    int rc = PF_OK;
    *completed = 0;
    while (next_print < n && rc == PF_OK) {
        while (next_send < n && in_flight < PF_DEFAULT_CLI_PIPELINE) {
            pf_value_t *body = pf_value_map();
            pf_map_set_str(body, "job_id", pf_value_as_str(pf_array_at(job_ids, next_send), NULL));
            pf_map_set_bool(body, "include_partial", true);
            rc = pf_client_send(client, "RESULTS", body, s_reply_wait(deadline),
                                flights[in_flight].req_id);
            pf_value_destroy(&body);
            if (rc != PF_OK)
                break;
            flights[in_flight++].job = next_send++;
        }
        if (rc != PF_OK) {
            pf_cli_report_failure(cli, rc, PF_DEFAULT_CLI_TIMEOUT_MS);
            break;
        }
        char cmd[PF_CLIENT_CMD_MAX];
        pf_value_t *reply = NULL;
        int wait = s_reply_wait(deadline);
        rc = wait > 0 ? pf_client_recv(client, wait, cmd, &reply) : PF_ETIMEDOUT;
        if (rc != PF_OK) {
            pf_cli_report_failure(cli, rc, wait);
            break;
        }
        const char *rid = pf_map_get_str(reply, "req_id");
        size_t k = 0;
        while (k < in_flight && !(rid && strcmp(rid, flights[k].req_id) == 0))
            k++;
        if (k == in_flight) {
            pf_value_destroy(&reply);   /* not one of ours: a stale reply   */
            continue;
        }
        size_t job = flights[k].job;
        replies[job] = reply;
        memcpy(cmds[job], cmd, sizeof cmd);
        flights[k] = flights[--in_flight];
        while (next_print < n && replies[next_print] && rc == PF_OK) {
            rc = s_write_line(pf_value_as_str(pf_array_at(job_ids, next_print), NULL),
                              domains ? pf_value_as_str(pf_array_at(domains, next_print), NULL)
                                      : NULL,
                              cmds[next_print], replies[next_print], full, completed);
            pf_value_destroy(&replies[next_print]);
            next_print++;
        }
        if (rc != PF_OK && errno != EPIPE)
            fprintf(stderr, "pf batch: cannot write: %s\n", strerror(errno));
    }
    for (size_t i = 0; i < n; i++)
        pf_value_destroy(&replies[i]);
    free(replies);
    free(cmds);
    return rc;
}

int
pf_cmd_batch(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "batch") != PF_OK)
        return PF_EXIT_USAGE;
    const char *path = NULL;
    const char *modules_text = NULL;
    const char *priority = NULL;
    const char *concurrency_text = NULL;
    bool full = false;
    for (int i = 1; i < argc; i++) {
        int rc = pf_cli_common(&cli, argc, argv, &i);
        if (rc < 0)
            return PF_EXIT_USAGE;
        if (rc > 0)
            continue;
        if (pf_cli_is_help(argv[i])) {
            s_help();
            return PF_EXIT_OK;
        }
        if ((rc = pf_cli_value(&cli, argc, argv, &i, "--modules", &modules_text)) != 0
            || (rc = pf_cli_value(&cli, argc, argv, &i, "--priority", &priority)) != 0
            || (rc = pf_cli_value(&cli, argc, argv, &i, "--max-concurrency", &concurrency_text))
                   != 0) {
            if (rc < 0)
                return PF_EXIT_USAGE;
        } else if (strcmp(argv[i], "--full") == 0) {
            full = true;
        } else if ((argv[i][0] == '-' && argv[i][1] != '\0') || path) {
            return pf_cli_usage(&cli, "unexpected argument '%s'", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return pf_cli_usage(&cli, "which file? (FILE, or - for stdin, missing)");
    if (priority && pfp_priority_from_name(priority) < 0)
        return pf_cli_usage(&cli, "--priority is high, default or low, not '%s'", priority);
    uint32_t concurrency = 0;
    if (concurrency_text
        && pf_config_parse_u32(concurrency_text, 1, UINT32_MAX, &concurrency) != PF_OK)
        return pf_cli_usage(&cli, "--max-concurrency wants a positive integer, not '%s'",
                            concurrency_text);
    pf_value_t *body = pf_value_map();
    if (modules_text) {
        pf_value_t *modules = pf_cli_parse_modules(modules_text);
        if (!modules) {
            pf_value_destroy(&body);
            return pf_cli_usage(&cli, "--modules wants names separated by commas, not '%s'",
                                modules_text);
        }
        pf_map_set(body, "modules", &modules);
    }
    pf_value_t *domains = pf_value_array();
    if (s_read_domains(path, domains) != PF_OK) {
        pf_value_destroy(&domains);
        pf_value_destroy(&body);
        return PF_EXIT_FAIL;
    }
    if (pf_array_size(domains) == 0) {
        pf_value_destroy(&domains);
        pf_value_destroy(&body);
        return pf_cli_usage(&cli, "no domains in %s", path);
    }
    pf_map_set(body, "domains", &domains);
    if (cli.api_key)
        pf_map_set_str(body, "api_key", cli.api_key);
    if (priority)
        pf_map_set_str(body, "priority", priority);
    if (concurrency)
        pf_map_set_int(body, "max_concurrency", concurrency);

    int status = PF_EXIT_FAIL;
    pf_value_t *reply = NULL;
    pf_value_t *job_domains = NULL;
    pf_tapsub_t *tap = NULL;
    pf_client_t *client = pf_cli_connect(&cli);
    if (!client)
        goto done;
    long long deadline = cli.timeout_ms > 0 ? pf_cli_now_ms() + cli.timeout_ms : -1;
    /*  The tap only hurries the STATUS polls along; without it (a bad tap
        endpoint) the polls alone still see the batch end.                  */
    tap = pf_tapsub_new(cli.config.tap_endpoint, "job.");
    char cmd[PF_CLIENT_CMD_MAX];
    if (pf_cli_request(&cli, client, "BATCH", body, s_reply_wait(deadline), cmd, &reply)
        != PF_OK)
        goto done;
    if (strcmp(cmd, "ERROR") == 0) {
        pf_cli_print_error(&cli, reply);
        goto done;
    }
    const char *batch_id = pf_map_get_str(reply, "batch_id");
    const pf_value_t *job_ids = pf_map_get(reply, "job_ids");
    if (strcmp(cmd, "ACCEPTED") != 0 || !batch_id) {
        fprintf(stderr, "pf batch: unexpected reply %s to BATCH\n", cmd);
        goto done;
    }
    const pf_value_t *rejected = pf_map_get(reply, "rejected");
    for (size_t i = 0; i < pf_array_size(rejected); i++) {
        const pf_value_t *r = pf_array_at(rejected, i);
        const char *domain = pf_map_get_str(r, "domain");
        const char *code = pf_map_get_str(r, "code");
        const char *message = pf_map_get_str(r, "message");
        fprintf(stderr, "pf batch: rejected %s: %s: %s\n", domain ? domain : "?",
                code ? code : "?", message ? message : "");
    }
    size_t jobs = pf_array_size(job_ids);
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "pf batch: %s: %zu jobs accepted, %zu rejected\n", batch_id, jobs,
                pf_array_size(rejected));
    size_t completed = 0;
    if (jobs > 0) {
        if (s_wait_batch(&cli, client, tap, batch_id, jobs, deadline) != PF_OK)
            goto done;
        job_domains = s_job_domains(pf_map_get(body, "domains"), rejected, jobs);
        if (s_fetch_results(&cli, client, job_ids, job_domains, full, deadline, &completed)
            != PF_OK)
            goto done;
    }
    if (completed == jobs && pf_array_size(rejected) == 0)
        status = PF_EXIT_OK;
done:
    pf_value_destroy(&job_domains);
    pf_value_destroy(&reply);
    pf_value_destroy(&body);
    pf_tapsub_destroy(&tap);
    pf_client_destroy(&client);
    return status;
}
