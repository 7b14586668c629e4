/*  pf_cmd_module.c — `pf module NAME`: run one module actor.

    Registers NAME as a service with the coordinator's actor endpoint and
    serves its TASKs: with --simulate SCALE through the simulated workload
    (modules/pf_simulate.h), otherwise through the module's built-in
    implementation (modules/pf_module.h), which reads the seller profile
    (modules/pf_profile.h) loaded here at start from --profile,
    PF_SELLER_PROFILE or the shipped default: a profile that does not
    validate stops the actor before it registers.  SIGTERM/SIGINT drain: in-flight
    tasks finish (up to --drain-ms), then the actor disconnects and exits
    0; a second signal exits at once.                                      */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_actor.h"
#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_module.h"
#include "pf_pfa.h"
#include "pf_profile.h"
#include "pf_simulate.h"

/*  Upper bound of --drain-ms: one hour is already more than any module's
    deadline.                                                              */
#define S_DRAIN_MS_MAX 3600000

static void
s_help(void)
{
    printf("usage: pf module NAME [--simulate SCALE] [--capacity N] [--instance ID]\n"
           "                 [--drain-ms N] [--profile FILE] [endpoint flags]\n\n"
           "Runs one actor serving module NAME (a module of the graph, e.g.\n"
           "company_context) for the coordinator at the actor endpoint.\n\n"
           "  --simulate SCALE  do no real work: answer each task after the module's\n"
           "                    design estimate x SCALE seconds (0 = at once) with a\n"
           "                    result marked \"simulated\"\n"
           "  --capacity N      tasks held at once (env PF_CAPACITY, default %d)\n"
           "  --instance ID     instance id (default NAME-HOST-PID-RANDOM)\n"
           "  --drain-ms N      on SIGTERM, time to finish in-flight tasks (default %d)\n"
           "  --profile FILE    the seller profile (env " PF_PROFILE_ENV ", default\n"
           "                    %s)\n"
           PF_CLI_ENDPOINT_HELP
           "\nModules:",
           PF_DEFAULT_CAPACITY, PF_DEFAULT_DRAIN_MS, pf_profile_path(NULL));
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        printf("%s%s", i % 4 == 0 ? "\n  " : " ", pf_graph_name(i));
    printf("\n");
}

/*  The task handler for a built-in module: arg is its table entry.        */
static void
s_run_module(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    const pf_module_t *module = arg;
    module->run(actor, task);
}

/*  Prints the message every command gives when a module has no built-in
    implementation; returns the usage exit status.                        */
static int
s_no_implementation(const char *name)
{
    if (pf_module_count() == 0)
        fprintf(stderr, "pf module: no module implementations are built in yet; "
                        "run with --simulate SCALE\n");
    else
        fprintf(stderr, "pf module: module '%s' has no implementation built in; "
                        "run it with --simulate SCALE\n", name);
    return PF_EXIT_USAGE;
}

int
pf_cmd_module(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "module") != PF_OK)
        return PF_EXIT_USAGE;
    if (pf_graph_check() != PF_OK) {
        fprintf(stderr, "pf module: the module graph is inconsistent\n");
        return PF_EXIT_FAIL;
    }
    const char *name = NULL, *simulate = NULL, *capacity = NULL, *instance = NULL;
    const char *drain = NULL, *profile_flag = NULL;
    for (int i = 1; i < argc; i++) {
        if (pf_cli_is_help(argv[i])) {
            s_help();
            return PF_EXIT_OK;
        }
        int rc = pf_cli_common(&cli, argc, argv, &i);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--simulate", &simulate);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--capacity", &capacity);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--instance", &instance);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--drain-ms", &drain);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--profile", &profile_flag);
        if (rc < 0)
            return PF_EXIT_USAGE;
        if (rc > 0)
            continue;
        if (argv[i][0] == '-')
            return pf_cli_usage(&cli, "unknown option '%s'", argv[i]);
        if (name)
            return pf_cli_usage(&cli, "one module per actor (got '%s' and '%s')", name, argv[i]);
        name = argv[i];
    }
    if (!name)
        return pf_cli_usage(&cli, "which module? name one (see the list in --help)");
    if (pf_graph_find(name) < 0)
        return pf_cli_usage(&cli, "unknown module '%s' (see the list in --help)", name);
    double scale = 0;
    if (simulate && pf_simulate_parse_scale(simulate, &scale) != PF_OK)
        return pf_cli_usage(&cli, "--simulate wants a number of seconds per estimated second "
                                  "in [0, %g], not '%s'", PF_SIMULATE_SCALE_MAX, simulate);
    if (capacity && pf_config_parse_u32(capacity, 1, PFA_CAPACITY_MAX,
                                        &cli.config.capacity) != PF_OK)
        return pf_cli_usage(&cli, "--capacity wants an integer in [1, %d], not '%s'",
                            PFA_CAPACITY_MAX, capacity);
    if (drain && pf_config_parse_u32(drain, 0, S_DRAIN_MS_MAX, &cli.config.drain_ms) != PF_OK)
        return pf_cli_usage(&cli, "--drain-ms wants an integer in [0, %d], not '%s'",
                            S_DRAIN_MS_MAX, drain);
    if (instance && (!*instance || strlen(instance) > PFA_INSTANCE_MAX))
        return pf_cli_usage(&cli, "--instance wants 1 to %d bytes", PFA_INSTANCE_MAX);
    const pf_module_t *module = NULL;
    if (!simulate) {
        module = pf_module_find(name);
        if (!module)
            return s_no_implementation(name);
        char err[PF_PROFILE_ERROR_MAX];
        pf_profile_t *profile = pf_profile_load(pf_profile_path(profile_flag), err, sizeof err);
        if (!profile) {
            fprintf(stderr, "pf module: seller profile %s\n", err);
            return PF_EXIT_FAIL;
        }
        pf_profile_install(&profile);
    }

    pf_simulate_t *sim = NULL;
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.service = name;
    opts.instance = instance;
    opts.config = &cli.config;
    opts.handle_signals = true;
    if (simulate) {
        sim = pf_simulate_new(name, scale);
        if (!sim) {
            fprintf(stderr, "pf module: cannot simulate '%s'\n", name);
            return PF_EXIT_FAIL;
        }
        opts.on_task = pf_simulate_on_task;
        opts.arg = sim;
    } else {
        opts.on_task = s_run_module;
        opts.arg = (void *) module;
    }
    pf_actor_t *actor = pf_actor_new(&opts);
    if (!actor) {
        pf_simulate_destroy(&sim);
        pf_profile_install(NULL);
        return PF_EXIT_FAIL;
    }
    if (sim)
        fprintf(stderr, "pf module %s: instance %s, actor endpoint %s, capacity %u, "
                        "simulated (scale %g: %u ms per task)\n",
                name, pf_actor_instance(actor), cli.config.actor_endpoint, cli.config.capacity,
                scale, pf_simulate_delay_ms(sim));
    else
        fprintf(stderr, "pf module %s: instance %s, actor endpoint %s, capacity %u, "
                        "seller profile %s (%s%s)\n", name,
                pf_actor_instance(actor), cli.config.actor_endpoint, cli.config.capacity,
                pf_profile_file(pf_profile_current()), pf_profile_seller(pf_profile_current()),
                pf_profile_sample(pf_profile_current()) ? ", sample data" : "");
    int rc = pf_actor_run(actor);
    pf_simulate_destroy(&sim);
    pf_actor_destroy(&actor);
    pf_profile_install(NULL);
    return rc == PF_OK ? PF_EXIT_OK : PF_EXIT_FAIL;
}
