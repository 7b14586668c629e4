/*  pf_cmd_coordinator.c — `pf coordinator`: run the coordinator in the
    foreground until SIGINT or SIGTERM.                                     */
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_coordinator.h"
#include "pf_error.h"

static void
s_on_signal(int sig)
{
    (void)sig;
    pf_coordinator_signal();
}

static void
s_help(void)
{
    printf("usage: pf coordinator [flags]\n"
           "\n"
           "Runs the coordinator: the client endpoint (PFP/1), the tap and the actor\n"
           "endpoint, the dataflow engine and the broker.  Stops on SIGINT/SIGTERM.\n"
           "\n"
           "flags:\n" PF_CLI_ENDPOINT_HELP
           "  --heartbeat-ms N       heartbeat interval both ways (env PF_HEARTBEAT_MS, default %d)\n"
           "  --liveness N           missed heartbeats before an actor is dead (env PF_LIVENESS, default %d)\n"
           "  --module-timeout-ms N  deadline of one module attempt (env PF_MODULE_TIMEOUT_MS, default %d)\n"
           "  --module-attempts N    failed attempts before a module fails (env PF_MODULE_ATTEMPTS, default %d)\n"
           "  --max-queued-jobs N    unfinished jobs before ENRICH answers busy (env PF_MAX_QUEUED_JOBS, default %d)\n"
           "  --batch-max N          domains accepted in one BATCH (env PF_BATCH_MAX, default %d)\n"
           "  --result-ttl-s N       finished jobs are kept this long (env PF_RESULT_TTL_S, default %d)\n"
           "  --tap-hwm N            tap events queued per subscriber before dropping (env PF_TAP_HWM, default %d)\n"
           "  --sndhwm N             messages queued to one client or actor before sends to it\n"
           "                         fail (env PF_SNDHWM, default %d)\n"
           "  --store KIND           sqlite: jobs and results in DATA_DIR/partnerforge.db, kept\n"
           "                         across crashes (default); memory: lost when the process\n"
           "                         stops (env PF_STORE)\n"
           "  --store-sync LEVEL     full: each commit reaches the disk before anything it\n"
           "                         records is sent, surviving a power loss (default);\n"
           "                         normal: it reaches the OS, surviving a killed process\n"
           "                         but not a machine crash, at lower latency (env PF_STORE_SYNC)\n"
           "  --api-keys FILE        require api keys: lines \"KEY [RPM]\" (env PF_API_KEYS_FILE)\n",
           PF_DEFAULT_HEARTBEAT_MS, PF_DEFAULT_LIVENESS, PF_DEFAULT_MODULE_TIMEOUT_MS,
           PF_DEFAULT_MODULE_ATTEMPTS, PF_DEFAULT_MAX_QUEUED_JOBS, PF_DEFAULT_BATCH_MAX,
           PF_DEFAULT_RESULT_TTL_S, PF_DEFAULT_TAP_HWM, PF_DEFAULT_SNDHWM);
}

typedef struct {
    const char *flag;     /* "--liveness"                                  */
    uint32_t min;         /* smallest accepted                             */
    uint32_t max;         /* largest accepted                              */
    size_t offset;        /* field in pf_config_t                          */
} s_u32_flag_t;

static const s_u32_flag_t s_flags[] = {
    { "--heartbeat-ms", 10, 600000, offsetof(pf_config_t, heartbeat_ms) },
    { "--liveness", 1, 1000, offsetof(pf_config_t, liveness) },
    { "--module-timeout-ms", 1, 86400000, offsetof(pf_config_t, module_timeout_ms) },
    { "--module-attempts", 1, 100, offsetof(pf_config_t, module_attempts) },
    { "--max-queued-jobs", 1, 100000000, offsetof(pf_config_t, max_queued_jobs) },
    { "--batch-max", 1, PFP_BATCH_HARD_MAX, offsetof(pf_config_t, batch_max) },
    { "--result-ttl-s", 1, 315360000, offsetof(pf_config_t, result_ttl_s) },
    { "--tap-hwm", 1, 100000000, offsetof(pf_config_t, tap_hwm) },
    { "--sndhwm", 1, 100000000, offsetof(pf_config_t, sndhwm) },
};

int
pf_cmd_coordinator(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "coordinator") != PF_OK)
        return PF_EXIT_USAGE;
    const char *keys = getenv("PF_API_KEYS_FILE");
    for (int i = 1; i < argc; i++) {
        if (pf_cli_is_help(argv[i])) {
            s_help();
            return PF_EXIT_OK;
        }
        int rc = pf_cli_common(&cli, argc, argv, &i);
        if (rc < 0)
            return PF_EXIT_USAGE;
        if (rc == 1)
            continue;
        const char *value = NULL;
        rc = pf_cli_value(&cli, argc, argv, &i, "--api-keys", &value);
        if (rc < 0)
            return PF_EXIT_USAGE;
        if (rc == 1) {
            keys = value;
            continue;
        }
        rc = pf_cli_value(&cli, argc, argv, &i, "--store", &value);
        if (rc < 0)
            return PF_EXIT_USAGE;
        if (rc == 1) {
            if (pf_config_parse_store(value, &cli.config.store) != PF_OK)
                return pf_cli_usage(&cli, "--store takes sqlite or memory");
            continue;
        }
        rc = pf_cli_value(&cli, argc, argv, &i, "--store-sync", &value);
        if (rc < 0)
            return PF_EXIT_USAGE;
        if (rc == 1) {
            if (pf_config_parse_store_sync(value, &cli.config.store_sync) != PF_OK)
                return pf_cli_usage(&cli, "--store-sync takes full or normal");
            continue;
        }
        bool matched = false;
        for (size_t f = 0; f < sizeof s_flags / sizeof s_flags[0]; f++) {
            rc = pf_cli_value(&cli, argc, argv, &i, s_flags[f].flag, &value);
            if (rc < 0)
                return PF_EXIT_USAGE;
            if (rc == 0)
                continue;
            uint32_t *field = (uint32_t *)((char *)&cli.config + s_flags[f].offset);
            if (pf_config_parse_u32(value, s_flags[f].min, s_flags[f].max, field) != PF_OK)
                return pf_cli_usage(&cli, "%s takes a whole number from %u to %u", s_flags[f].flag,
                                    s_flags[f].min, s_flags[f].max);
            matched = true;
            break;
        }
        if (!matched)
            return pf_cli_usage(&cli, "unknown argument '%s'", argv[i]);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* A file-size limit (ulimit -f) reached by the job store must fail the
       commit, which stops us cleanly with a message, not kill the process. */
    signal(SIGXFSZ, SIG_IGN);

    pf_coordinator_opts_t opts = { .api_keys_file = keys && *keys ? keys : NULL };
    pf_coordinator_t *coordinator = pf_coordinator_new(&cli.config, &opts);
    if (!coordinator)
        return PF_EXIT_FAIL;
    int rc = pf_coordinator_run(coordinator);
    pf_coordinator_destroy(&coordinator);
    return rc == PF_OK ? PF_EXIT_OK : PF_EXIT_FAIL;
}
