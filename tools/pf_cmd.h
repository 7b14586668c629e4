/*  pf_cmd.h — the subcommands of the pf command.

    tools/pf.c holds main() and dispatches argv[1] to one of these.  Each
    receives argc/argv starting at its own name (argv[0] = "enrich"), parses
    its flags (every command accepts --help and the endpoint flags), and
    returns the process exit status: 0 success, 1 runtime failure, 2 usage
    error.  One file per subcommand: tools/pf_cmd_<name>.c.                  */
#ifndef PF_CMD_H
#define PF_CMD_H

int pf_cmd_coordinator(int argc, char **argv);  /* run the coordinator       */
int pf_cmd_module(int argc, char **argv);       /* run one module actor      */
int pf_cmd_adapter(int argc, char **argv);      /* run one adapter actor     */
int pf_cmd_up(int argc, char **argv);           /* supervise a constellation */
int pf_cmd_ps(int argc, char **argv);           /* list pf up's children     */
int pf_cmd_restart(int argc, char **argv);      /* restart one of them       */
int pf_cmd_enrich(int argc, char **argv);
int pf_cmd_batch(int argc, char **argv);
int pf_cmd_status(int argc, char **argv);
int pf_cmd_results(int argc, char **argv);
int pf_cmd_cancel(int argc, char **argv);
int pf_cmd_tap(int argc, char **argv);
int pf_cmd_ping(int argc, char **argv);
int pf_cmd_bench(int argc, char **argv);

#endif
