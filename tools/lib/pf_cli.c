/*  pf_cli.c — flags, endpoints and error reporting shared by the pf
    subcommands (see pf_cli.h).                                              */
#include "pf_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_error.h"

/*  Largest --timeout accepted, in ms: comfortably inside an int deadline
    computation (about 12 days).                                             */
#define S_TIMEOUT_MAX_MS (INT_MAX / 2)

long long
pf_cli_now_ms(void)
{
    return pf_clock_mono_ms();
}

int
pf_cli_init(pf_cli_t *cli, const char *command)
{
    memset(cli, 0, sizeof *cli);
    cli->command = command;
    cli->timeout_ms = -1;
    const char *key = getenv("PF_API_KEY");
    cli->api_key = key && *key ? key : NULL;
    pf_config_defaults(&cli->config);
    const char *bad = NULL;
    if (pf_config_from_env(&cli->config, &bad) != PF_OK) {
        fprintf(stderr, "pf %s: environment variable %s has an invalid value\n", command,
                bad ? bad : "(unknown)");
        return PF_EINVAL;
    }
    return PF_OK;
}

int
pf_cli_usage(const pf_cli_t *cli, const char *fmt, ...)
{
    fprintf(stderr, "pf %s: ", cli->command);
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\nTry 'pf %s --help'.\n", cli->command);
    return PF_EXIT_USAGE;
}

bool
pf_cli_is_help(const char *arg)
{
    return arg && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0);
}

int
pf_cli_value(pf_cli_t *cli, int argc, char **argv, int *i, const char *name,
             const char **value)
{
    const char *arg = argv[*i];
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0)
        return 0;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return 1;
    }
    if (arg[len] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        pf_cli_usage(cli, "%s needs a value", name);
        return PF_EINVAL;
    }
    *i += 1;
    *value = argv[*i];
    return 1;
}

/*  Copies value into a config string field, refusing what does not fit.   */
static int
s_set_str(pf_cli_t *cli, const char *flag, const char *value, char *dst, size_t size)
{
    if (!*value) {
        pf_cli_usage(cli, "%s needs a non-empty value", flag);
        return PF_EINVAL;
    }
    if (strlen(value) >= size) {
        pf_cli_usage(cli, "%s value is too long", flag);
        return PF_EINVAL;
    }
    snprintf(dst, size, "%s", value);
    return 1;
}

int
pf_cli_common(pf_cli_t *cli, int argc, char **argv, int *i)
{
    const char *value = NULL;
    int rc;
    if ((rc = pf_cli_value(cli, argc, argv, i, "--client", &value)) != 0)
        return rc < 0 ? rc : s_set_str(cli, "--client", value, cli->config.client_endpoint,
                                       sizeof cli->config.client_endpoint);
    if ((rc = pf_cli_value(cli, argc, argv, i, "--tap", &value)) != 0)
        return rc < 0 ? rc : s_set_str(cli, "--tap", value, cli->config.tap_endpoint,
                                       sizeof cli->config.tap_endpoint);
    if ((rc = pf_cli_value(cli, argc, argv, i, "--actor", &value)) != 0)
        return rc < 0 ? rc : s_set_str(cli, "--actor", value, cli->config.actor_endpoint,
                                       sizeof cli->config.actor_endpoint);
    if ((rc = pf_cli_value(cli, argc, argv, i, "--data-dir", &value)) != 0)
        return rc < 0 ? rc : s_set_str(cli, "--data-dir", value, cli->config.data_dir,
                                       sizeof cli->config.data_dir);
    if ((rc = pf_cli_value(cli, argc, argv, i, "--api-key", &value)) != 0) {
        if (rc > 0)
            cli->api_key = value;
        return rc;
    }
    if ((rc = pf_cli_value(cli, argc, argv, i, "--timeout", &value)) != 0) {
        if (rc < 0)
            return rc;
        if (pf_cli_parse_seconds(value, &cli->timeout_ms) != PF_OK) {
            pf_cli_usage(cli, "--timeout wants a positive number of seconds, not '%s'", value);
            return PF_EINVAL;
        }
        return 1;
    }
    return 0;
}

int
pf_cli_parse_seconds(const char *text, int *ms)
{
    if (!text || !*text)
        return PF_EINVAL;
    errno = 0;
    char *end = NULL;
    double s = strtod(text, &end);
    if (errno || !end || *end || !isfinite(s) || s <= 0)
        return PF_EINVAL;
    double total = ceil(s * 1000.0);
    if (total > S_TIMEOUT_MAX_MS)
        return PF_EINVAL;
    *ms = (int)total;
    return PF_OK;
}

pf_value_t *
pf_cli_parse_modules(const char *csv)
{
    pf_value_t *array = pf_value_array();
    const char *p = csv;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0) {
            pf_value_destroy(&array);
            return NULL;
        }
        pf_value_t *name = pf_value_strn(p, len);
        pf_array_push(array, &name);
        if (!comma)
            break;
        p = comma + 1;
    }
    return array;
}

pf_cli_id_t
pf_cli_id_kind(const char *id)
{
    if (!id)
        return PF_CLI_ID_BAD;
    if (strncmp(id, "job_", 4) == 0 && id[4])
        return PF_CLI_ID_JOB;
    if (strncmp(id, "batch_", 6) == 0 && id[6])
        return PF_CLI_ID_BATCH;
    return PF_CLI_ID_BAD;
}

bool
pf_cli_args(pf_cli_t *cli, int argc, char **argv, const pf_cli_flag_t *flags,
            void (*help)(void), const char **positional, int *exit_status)
{
    const char *found = NULL;
    for (int i = 1; i < argc; i++) {
        int rc = pf_cli_common(cli, argc, argv, &i);
        if (rc < 0) {
            *exit_status = PF_EXIT_USAGE;
            return false;
        }
        if (rc > 0)
            continue;
        if (pf_cli_is_help(argv[i])) {
            help();
            *exit_status = PF_EXIT_OK;
            return false;
        }
        bool matched = false;
        for (const pf_cli_flag_t *f = flags; f && f->name && !matched; f++)
            if (strcmp(argv[i], f->name) == 0) {
                *f->on = true;
                matched = true;
            }
        if (matched)
            continue;
        if (argv[i][0] == '-' || !positional || found) {
            *exit_status = pf_cli_usage(cli, "unexpected argument '%s'", argv[i]);
            return false;
        }
        found = argv[i];
    }
    if (positional)
        *positional = found;
    return true;
}

bool
pf_cli_id_args(pf_cli_t *cli, int argc, char **argv, const pf_cli_flag_t *flags, bool batches,
               void (*help)(void), const char **id, pf_cli_id_t *kind, int *exit_status)
{
    const char *found = NULL;
    if (!pf_cli_args(cli, argc, argv, flags, help, &found, exit_status))
        return false;
    if (!found) {
        *exit_status = pf_cli_usage(cli, batches ? "which job or batch? (ID missing)"
                                                 : "which job? (JOB_ID missing)");
        return false;
    }
    pf_cli_id_t k = pf_cli_id_kind(found);
    if (k == PF_CLI_ID_BAD || (k == PF_CLI_ID_BATCH && !batches)) {
        *exit_status = batches
                           ? pf_cli_usage(cli, "'%s' is neither a job_... nor a batch_... id",
                                          found)
                           : pf_cli_usage(cli, "'%s' is not a job_... id", found);
        return false;
    }
    *id = found;
    *kind = k;
    return true;
}

pf_client_t *
pf_cli_connect(const pf_cli_t *cli)
{
    pf_client_t *client = pf_client_new(cli->config.client_endpoint);
    if (!client)
        fprintf(stderr, "pf %s: cannot connect to client endpoint '%s': %s\n", cli->command,
                cli->config.client_endpoint, zmq_strerror(errno));
    return client;
}

int
pf_cli_request_timeout(const pf_cli_t *cli)
{
    return cli->timeout_ms > 0 ? cli->timeout_ms : PF_DEFAULT_CLI_TIMEOUT_MS;
}

void
pf_cli_report_failure(const pf_cli_t *cli, int rc, int timeout_ms)
{
    const char *ep = cli->config.client_endpoint;
    switch (rc) {
    case PF_ETIMEDOUT:
        fprintf(stderr, "pf %s: no reply from %s within %.1f s (is the coordinator running?)\n",
                cli->command, ep, timeout_ms / 1000.0);
        break;
    case PF_EPROTO:
        fprintf(stderr, "pf %s: malformed reply from %s\n", cli->command, ep);
        break;
    case PF_EIO:
        fprintf(stderr, "pf %s: socket error talking to %s: %s\n", cli->command, ep,
                zmq_strerror(errno));
        break;
    default:
        fprintf(stderr, "pf %s: request failed: %s\n", cli->command, pf_strerror(rc));
        break;
    }
}

int
pf_cli_request(const pf_cli_t *cli, pf_client_t *client, const char *command,
               pf_value_t *body, int timeout_ms, char reply_cmd[PF_CLIENT_CMD_MAX],
               pf_value_t **reply_p)
{
    int rc = pf_client_request(client, command, body, timeout_ms, reply_cmd, reply_p);
    if (rc != PF_OK)
        pf_cli_report_failure(cli, rc, timeout_ms);
    return rc;
}

int
pf_cli_expect(const pf_cli_t *cli, pf_client_t *client, const char *command, pf_value_t *body,
              const char *expected, pf_value_t **reply_p)
{
    char cmd[PF_CLIENT_CMD_MAX];
    pf_value_t *reply = NULL;
    if (pf_cli_request(cli, client, command, body, pf_cli_request_timeout(cli), cmd, &reply)
        != PF_OK)
        return PF_EIO;
    if (strcmp(cmd, expected) == 0) {
        *reply_p = reply;
        return PF_OK;
    }
    if (strcmp(cmd, "ERROR") == 0)
        pf_cli_print_error(cli, reply);
    else
        fprintf(stderr, "pf %s: unexpected reply %s\n", cli->command, cmd);
    pf_value_destroy(&reply);
    return PF_EIO;
}

void
pf_cli_print_error(const pf_cli_t *cli, const pf_value_t *body)
{
    const char *code = pf_map_get_str(body, "code");
    const char *message = pf_map_get_str(body, "message");
    fprintf(stderr, "pf %s: ERROR %s: %s\n", cli->command, code ? code : "(no code)",
            message ? message : "(no message)");
    if (pf_map_has(body, "retry_after_ms"))
        fprintf(stderr, "pf %s: retry after %lld ms\n", cli->command,
                (long long)pf_map_get_int(body, "retry_after_ms", 0));
}

int
pf_cli_print_json(FILE *out, const pf_value_t *v, pf_json_style_t style)
{
    char *text = pf_json_text(v, style);
    if (!text) {
        errno = ENOMEM;
        return PF_EIO;
    }
    int ok = fputs(text, out) >= 0 && fputc('\n', out) != EOF;
    free(text);
    if (fflush(out) != 0 || !ok)
        return PF_EIO;
    return PF_OK;
}

/*  Set by the stop-signal handler: the signal number.                      */
static volatile sig_atomic_t s_stop_signal;
/*  Write end of the self-pipe the handler wakes, -1 until installed.       */
static int s_stop_pipe_write = -1;

static void
s_on_stop(int signum)
{
    int saved = errno;
    s_stop_signal = signum;
    if (s_stop_pipe_write >= 0) {
        /*  A full pipe already wakes the poller; the result is moot.       */
        ssize_t ignored = write(s_stop_pipe_write, "", 1);
        (void)ignored;
    }
    errno = saved;
}

int
pf_cli_catch_stop_signals(void)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    s_stop_pipe_write = fds[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_stop;
    sigemptyset(&sa.sa_mask);
    /*  No SA_RESTART: a blocking wait returns EINTR and sees the flag.     */
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return fds[0];
}

int
pf_cli_stop_signal(void)
{
    return s_stop_signal;
}

int
pf_cli_sibling_exe(const char *name, char *out, size_t size)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return PF_ENOTFOUND;
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return PF_ENOTFOUND;
    *slash = '\0';
    int n = snprintf(out, size, "%s/%s", self, name);
    if (n < 0 || (size_t)n >= size)
        return PF_ETOOBIG;
    return access(out, X_OK) == 0 ? PF_OK : PF_ENOTFOUND;
}
