/*  pf_cmd_up.c — `pf up`: the whole constellation on this host, supervised.

    Starts `pf coordinator`, then `pf module NAME` for every module of the
    graph (--instances of each), all by re-executing this very binary
    (/proc/self/exe), with the endpoints passed in the PF_* environment.
    The supervisor (actors/pf_supervisor.h) restarts a child that dies,
    gives up on one that keeps dying, and on SIGINT/SIGTERM stops the
    module actors first (they drain), then the coordinator.  Its control
    socket (actors/pf_supctl.h) in the data dir serves `pf ps` and
    `pf restart NAME`.  Children are named "coordinator" and after their
    module ("company_context"), with "#K" appended (K = 1..N) when
    --instances N is above 1.                                              */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_module.h"
#include "pf_simulate.h"
#include "pf_supctl.h"
#include "pf_supervisor.h"

/*  The binary to re-execute for every child.                               */
#define S_SELF_EXE "/proc/self/exe"
/*  Most instances of one module `pf up` starts (each is a process).       */
#define S_INSTANCES_MAX 64
/*  Stop tiers: higher stops first, so actors drain into a live coordinator. */
#define S_TIER_COORDINATOR 0
#define S_TIER_MODULES 1

static void
s_help(void)
{
    printf("usage: pf up [--instances N] [--simulate SCALE] [endpoint flags]\n\n"
           "Runs the coordinator and one actor per module (N of each) on this host,\n"
           "in the foreground, restarting any that dies (with backoff; a process\n"
           "that dies more than %d times in %d s is given up on).  Ctrl-C or SIGTERM\n"
           "stops the module actors (they finish their tasks), then the coordinator;\n"
           "a second Ctrl-C kills everything at once.\n\n"
           "'pf ps' lists the children and 'pf restart NAME' restarts one, through the\n"
           "control socket DATA_DIR/%s; one pf up per data dir.  Children are named\n"
           "coordinator and after their module (company_context), or\n"
           "company_context#1..#N with --instances N above 1.\n\n"
           "  --instances N     actors per module (default 1, at most %d)\n"
           "  --simulate SCALE  simulated modules: each task takes its design estimate\n"
           "                    x SCALE seconds (0 = at once); required until real\n"
           "                    module implementations are built in\n"
           PF_CLI_ENDPOINT_HELP,
           PF_SUPERVISOR_MAX_RESTARTS, PF_SUPERVISOR_RESTART_PERIOD_MS / 1000, PF_SUPCTL_FILE,
           S_INSTANCES_MAX);
}

/*  Exports the endpoints so every child reads the same ones.              */
static int
s_export(const pf_config_t *cfg)
{
    if (setenv("PF_CLIENT_ENDPOINT", cfg->client_endpoint, 1) != 0
        || setenv("PF_TAP_ENDPOINT", cfg->tap_endpoint, 1) != 0
        || setenv("PF_ACTOR_ENDPOINT", cfg->actor_endpoint, 1) != 0
        || setenv("PF_DATA_DIR", cfg->data_dir, 1) != 0)
        return PF_EIO;
    return PF_OK;
}

/*  Adds the coordinator and every module actor.                            */
static int
s_add_children(pf_supervisor_t *sup, uint32_t instances, const char *simulate)
{
    char *coordinator[] = { "pf", "coordinator", NULL };
    int rc = pf_supervisor_add(sup, "coordinator", S_TIER_COORDINATOR, S_SELF_EXE, coordinator);
    for (int m = 0; m < PF_MODULE_COUNT && rc == PF_OK; m++) {
        for (uint32_t k = 1; k <= instances && rc == PF_OK; k++) {
            char child[128];
            if (instances == 1)
                snprintf(child, sizeof child, "%s", pf_graph_name(m));
            else
                snprintf(child, sizeof child, "%s#%u", pf_graph_name(m), k);
            char *argv[] = { "pf", "module", (char *) pf_graph_name(m), "--simulate",
                             (char *) simulate, NULL };
            if (!simulate)
                argv[3] = NULL;
            rc = pf_supervisor_add(sup, child, S_TIER_MODULES, S_SELF_EXE, argv);
        }
    }
    return rc;
}

int
pf_cmd_up(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "up") != PF_OK)
        return PF_EXIT_USAGE;
    if (pf_graph_check() != PF_OK) {
        fprintf(stderr, "pf up: the module graph is inconsistent\n");
        return PF_EXIT_FAIL;
    }
    const char *simulate = NULL, *instances_text = NULL;
    for (int i = 1; i < argc; i++) {
        if (pf_cli_is_help(argv[i])) {
            s_help();
            return PF_EXIT_OK;
        }
        int rc = pf_cli_common(&cli, argc, argv, &i);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--simulate", &simulate);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--instances", &instances_text);
        if (rc < 0)
            return PF_EXIT_USAGE;
        if (rc == 0)
            return pf_cli_usage(&cli, "unexpected argument '%s'", argv[i]);
    }
    uint32_t instances = 1;
    if (instances_text && pf_config_parse_u32(instances_text, 1, S_INSTANCES_MAX,
                                              &instances) != PF_OK)
        return pf_cli_usage(&cli, "--instances wants an integer in [1, %d], not '%s'",
                            S_INSTANCES_MAX, instances_text);
    double scale = 0;
    if (simulate && pf_simulate_parse_scale(simulate, &scale) != PF_OK)
        return pf_cli_usage(&cli, "--simulate wants a number in [0, %g], not '%s'",
                            PF_SIMULATE_SCALE_MAX, simulate);
    if (!simulate) {
        if (pf_module_count() == 0) {
            fprintf(stderr, "pf up: no module implementations are built in yet; "
                            "run with --simulate SCALE\n");
            return PF_EXIT_USAGE;
        }
        for (int m = 0; m < PF_MODULE_COUNT; m++) {
            if (!pf_module_find(pf_graph_name(m))) {
                fprintf(stderr, "pf up: module '%s' has no implementation built in; "
                                "run with --simulate SCALE\n", pf_graph_name(m));
                return PF_EXIT_USAGE;
            }
        }
    }
    if (s_export(&cli.config) != PF_OK) {
        fprintf(stderr, "pf up: cannot set the PF_* environment for the children\n");
        return PF_EXIT_FAIL;
    }

    pf_supervisor_opts_t opts;
    pf_supervisor_opts_defaults(&opts);
    opts.handle_signals = true;
    opts.log_prefix = "pf up";
    pf_supervisor_t *sup = pf_supervisor_new(&opts);
    if (!sup)
        return PF_EXIT_FAIL;
    /* Before any child starts: a second pf up on this data dir stops here. */
    pf_supctl_t *ctl = pf_supctl_new(sup, cli.config.data_dir, "pf up");
    if (!ctl) {
        pf_supervisor_destroy(&sup);
        return PF_EXIT_FAIL;
    }
    if (s_add_children(sup, instances, simulate) != PF_OK) {
        fprintf(stderr, "pf up: cannot register the children\n");
        pf_supctl_destroy(&ctl);
        pf_supervisor_destroy(&sup);
        return PF_EXIT_FAIL;
    }
    pf_supervisor_start(sup);
    printf("pf up: started the coordinator and %u module actors (%d modules x %u)%s%s; "
           "client %s, tap %s, actors %s, control %s; Ctrl-C stops everything\n",
           PF_MODULE_COUNT * instances, PF_MODULE_COUNT, instances,
           simulate ? ", simulated at scale " : "", simulate ? simulate : "",
           cli.config.client_endpoint, cli.config.tap_endpoint, cli.config.actor_endpoint,
           pf_supctl_endpoint(ctl));
    fflush(stdout);
    int rc = pf_supervisor_run(sup);
    pf_supctl_destroy(&ctl);
    pf_supervisor_destroy(&sup);
    if (rc == PF_OK) {
        printf("pf up: stopped\n");
        return PF_EXIT_OK;
    }
    return PF_EXIT_FAIL;
}
