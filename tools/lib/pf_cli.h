/*  pf_cli.h — what the pf subcommands share: flags, endpoints, errors.

    Every subcommand starts from pf_cli_init() (defaults, then the PF_*
    environment), walks its argv offering each argument to pf_cli_common()
    (the endpoint flags, --data-dir, --timeout) before its own flags, and
    talks to the coordinator through pf_cli_connect() / pf_cli_request(),
    which print what went wrong for people.  Flags take their value as
    "--flag VALUE" or "--flag=VALUE".                                         */
#ifndef PF_CLI_H
#define PF_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "pf_client.h"
#include "pf_config.h"
#include "pf_json.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif


/*  Process exit statuses of every pf command.                              */
#define PF_EXIT_OK 0             /* success                                 */
#define PF_EXIT_FAIL 1           /* runtime failure (or a job not completed) */
#define PF_EXIT_USAGE 2          /* bad flags or arguments                  */

/*  The endpoint flags as one line of help text, for usage messages.        */
#define PF_CLI_ENDPOINT_HELP \
    "  --client EP    client endpoint (env PF_CLIENT_ENDPOINT, default " PF_DEFAULT_CLIENT_ENDPOINT ")\n" \
    "  --tap EP       tap endpoint (env PF_TAP_ENDPOINT, default " PF_DEFAULT_TAP_ENDPOINT ")\n" \
    "  --actor EP     actor endpoint (env PF_ACTOR_ENDPOINT, default " PF_DEFAULT_ACTOR_ENDPOINT ")\n" \
    "  --data-dir DIR data directory (env PF_DATA_DIR, default " PF_DEFAULT_DATA_DIR ")\n" \
    "  --api-key KEY  api key sent with ENRICH and BATCH (env PF_API_KEY)\n"

typedef struct {
    const char *command;     /* subcommand name, for messages ("enrich")    */
    pf_config_t config;      /* endpoints etc.: defaults < env < flags      */
    int timeout_ms;          /* --timeout in ms, or -1 when not given       */
    const char *api_key;     /* --api-key or env PF_API_KEY, or NULL        */
} pf_cli_t;

/*  Kinds of id a command may be given.                                     */
typedef enum {
    PF_CLI_ID_BAD = 0,       /* neither prefix                              */
    PF_CLI_ID_JOB,           /* "job_..."                                   */
    PF_CLI_ID_BATCH          /* "batch_..."                                 */
} pf_cli_id_t;

/*  Fills cli with the defaults and the PF_* environment.  command is kept
    (borrowed).  Returns 0, or PF_EINVAL after printing which variable is
    bad (the caller exits PF_EXIT_USAGE).                                    */
int pf_cli_init(pf_cli_t *cli, const char *command);

/*  Offers argv[*i] to the flags every command accepts: --client, --tap,
    --actor, --data-dir, --timeout SECONDS (fractions allowed), --api-key.  Returns 1
    when it consumed the flag (advancing *i past its value), 0 when the
    argument is not one of them, PF_EINVAL after printing a usage error.   */
int pf_cli_common(pf_cli_t *cli, int argc, char **argv, int *i);

/*  Matches argv[*i] against flag `name` ("--modules") taking a value, as
    "--modules VALUE" or "--modules=VALUE".  Returns 1 and sets *value
    (borrowed from argv), advancing *i past a separate value; 0 when
    argv[*i] is another argument; PF_EINVAL after printing a usage error
    when the value is missing.                                               */
int pf_cli_value(pf_cli_t *cli, int argc, char **argv, int *i, const char *name,
                 const char **value);

/*  True if arg is "--help" or "-h".                                         */
bool pf_cli_is_help(const char *arg);

/*  Prints "pf COMMAND: message" and a hint to stderr; returns
    PF_EXIT_USAGE so callers can `return pf_cli_usage(...)`.               */
int pf_cli_usage(const pf_cli_t *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*  Parses seconds ("10", "0.5") into milliseconds, 0 < ms <= INT_MAX/2.
    Returns 0 or PF_EINVAL.                                                  */
int pf_cli_parse_seconds(const char *text, int *ms);

/*  Parses a comma-separated module list ("a,b") into a new array (caller
    owns).  Returns NULL (nothing allocated) when a name is empty.          */
pf_value_t *pf_cli_parse_modules(const char *csv);

/*  Which kind of id text is, by its prefix.                                */
pf_cli_id_t pf_cli_id_kind(const char *id);

/*  A boolean flag of a command ("--json"): set to true when given.        */
typedef struct {
    const char *name;        /* the flag as typed                           */
    bool *on;                /* set when it is given                        */
} pf_cli_flag_t;

/*  The arguments of a simple command: the common flags, --help (help() is
    called), the boolean flags of flags[] (ended by a NULL name; may be
    NULL) and, when positional is not NULL, at most one argument that is not
    a flag (*positional, NULL if none was given).  Returns true when the
    command should go on; false with *exit_status set (PF_EXIT_OK after
    --help, PF_EXIT_USAGE after a usage message) when it should return.     */
bool pf_cli_args(pf_cli_t *cli, int argc, char **argv, const pf_cli_flag_t *flags,
                 void (*help)(void), const char **positional, int *exit_status);

/*  The arguments of a command that takes one job or batch id: the common
    flags, --help (help() is called), the boolean flags of flags[] (ended
    by a NULL name; may be NULL) and exactly one ID — a job id, or with
    batches also a batch id.  Returns true with *id and *kind set when the
    command should go on; false with *exit_status set (PF_EXIT_OK after
    --help, PF_EXIT_USAGE after a usage message) when it should return.     */
bool pf_cli_id_args(pf_cli_t *cli, int argc, char **argv, const pf_cli_flag_t *flags,
                    bool batches, void (*help)(void), const char **id, pf_cli_id_t *kind,
                    int *exit_status);

/*  Connects a client to the client endpoint.  Returns NULL after printing
    an error (malformed endpoint).                                           */
pf_client_t *pf_cli_connect(const pf_cli_t *cli);

/*  The per-request timeout: --timeout when given, else the default.       */
int pf_cli_request_timeout(const pf_cli_t *cli);

/*  pf_client_request that explains failures on stderr (no reply in time,
    malformed reply, socket error).  Same return values and ownership.     */
int pf_cli_request(const pf_cli_t *cli, pf_client_t *client, const char *command,
                   pf_value_t *body, int timeout_ms, char reply_cmd[PF_CLIENT_CMD_MAX],
                   pf_value_t **reply_p);

/*  One request with the request timeout: returns 0 with *reply_p (caller
    owns) when the reply is `expected` ("STATUS"); otherwise says why on
    stderr (the ERROR's code and message, an unexpected reply, no reply) and
    returns PF_EIO.  body is borrowed (NULL for an empty map).              */
int pf_cli_expect(const pf_cli_t *cli, pf_client_t *client, const char *command, pf_value_t *body,
                  const char *expected, pf_value_t **reply_p);

/*  Explains a failed client call (rc from pf_client_*) on stderr.         */
void pf_cli_report_failure(const pf_cli_t *cli, int rc, int timeout_ms);

/*  Prints an ERROR reply body as "pf COMMAND: ERROR code: message".       */
void pf_cli_print_error(const pf_cli_t *cli, const pf_value_t *body);

/*  Writes v as JSON plus a newline to out and flushes.  Returns 0, or
    PF_EIO when the write fails (errno set, EPIPE for a closed pipe).      */
int pf_cli_print_json(FILE *out, const pf_value_t *v, pf_json_style_t style);

/*  Installs SIGINT and SIGTERM handlers that only record the signal and
    wake a self-pipe, for commands that run until stopped.  Returns the
    pipe's read end (poll it with ZMQ_POLLIN next to sockets; it becomes
    readable once a signal arrived), or -1 if the pipe cannot be made.
    Call once per process.                                                   */
int pf_cli_catch_stop_signals(void);

/*  The path of the executable name in the directory of the running binary
    (/proc/self/exe resolved), into out: how pf finds pf-fakeapi built next
    to it.  Returns 0, PF_ENOTFOUND (no such executable there, or the
    binary's path is unknown) or PF_ETOOBIG.                               */
int pf_cli_sibling_exe(const char *name, char *out, size_t size);

/*  The stop signal received since pf_cli_catch_stop_signals, or 0.        */
int pf_cli_stop_signal(void);

/*  Monotonic clock in milliseconds.                                         */
long long pf_cli_now_ms(void);

#ifdef __cplusplus
}
#endif
#endif
