/*  pf_cmd_adapter.c — `pf adapter NAME`: run one provider's adapter actor.

    Registers NAME (builtwith, similarweb, yahoo_finance, sec_edgar,
    websearch) as a service with the coordinator and serves its CALLs
    through adapters/pf_adapter.h.  Settings come from the provider's
    defaults, then PF_<NAME>_* environment variables (keys only from the
    environment, so they never show in `ps`), then the flags below.
    SIGTERM/SIGINT drain as every actor does.                               */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "pf_actor.h"
#include "pf_adapter.h"
#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_pfa.h"
#include "pf_provider.h"

/*  Upper bound of --drain-ms, as for module actors.                        */
#define S_DRAIN_MS_MAX 3600000
/*  Upper bound of the millisecond flags: one hour.                         */
#define S_MS_MAX 3600000

static void
s_help(void)
{
    printf("usage: pf adapter NAME [--base URL] [--rpm N] [--concurrency N]\n"
           "                  [--breaker-failures N] [--breaker-recovery-ms N]\n"
           "                  [--retry-attempts N] [--timeout-ms N] [--deadline-ms N]\n"
           "                  [--no-cache] [--capacity N] [--instance ID] [--drain-ms N]\n"
           "                  [endpoint flags]\n\n"
           "Runs the adapter actor of provider NAME: the only door to that API, with its\n"
           "circuit breaker, rate limit, retries and cache (docs/PROVIDERS.md).\n\n"
           "  --base URL              send every request to URL instead of the real hosts\n"
           "                          (https, or http to loopback: pf-fakeapi)\n"
           "  --rpm N                 requests per minute at most\n"
           "  --concurrency N         requests in flight at most\n"
           "  --breaker-failures N    consecutive failures that open the circuit\n"
           "  --breaker-recovery-ms N how long it stays open before a probe\n"
           "  --retry-attempts N      attempts per request, the first included\n"
           "  --timeout-ms N          one HTTP attempt at most\n"
           "  --deadline-ms N         one call, all attempts and waits, at most\n"
           "  --no-cache              keep no answers (identical calls in flight still share)\n"
           "  --capacity N            calls held at once (default %d)\n"
           "  --instance ID           instance id (default NAME-HOST-PID-RANDOM)\n"
           "  --drain-ms N            on SIGTERM, time to finish held calls (default %d)\n"
           PF_CLI_ENDPOINT_HELP
           "\nThe environment sets the same per provider: PF_<NAME>_KEY (the API key),\n"
           "PF_<NAME>_BASE, _RPM, _CONCURRENCY, _BREAKER_FAILURES, _BREAKER_RECOVERY_MS,\n"
           "_RETRY_ATTEMPTS, _TIMEOUT_MS, _DEADLINE_MS, _CACHE=on|off, _USER_AGENT;\n"
           "PF_SEC_EDGAR_USER_AGENT must name a contact e-mail.\n\nProviders and operations:\n",
           PF_ADAPTER_DEFAULT_CAPACITY, PF_DEFAULT_DRAIN_MS);
    size_t count = 0;
    const pf_provider_t *const *all = pf_provider_all(&count);
    for (size_t i = 0; i < count; i++) {
        printf("  %-14s", all[i]->name);
        for (size_t j = 0; j < all[i]->op_count; j++)
            printf(" %s", all[i]->ops[j].name);
        printf("\n");
    }
}

/*  Parses an optional numeric flag value into *out.                        */
static int
s_u32(const pf_cli_t *cli, const char *flag, const char *text, uint32_t min, uint32_t max,
      uint32_t *out)
{
    if (!text)
        return PF_OK;
    if (pf_config_parse_u32(text, min, max, out) != PF_OK) {
        pf_cli_usage(cli, "%s wants an integer in [%u, %u], not '%s'", flag, min, max, text);
        return PF_EINVAL;
    }
    return PF_OK;
}

int
pf_cmd_adapter(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "adapter") != PF_OK)
        return PF_EXIT_USAGE;
    const char *name = NULL, *base = NULL, *rpm = NULL, *conc = NULL, *bfail = NULL;
    const char *brec = NULL, *attempts = NULL, *timeout = NULL, *deadline = NULL;
    const char *capacity = NULL, *instance = NULL, *drain = NULL;
    bool no_cache = false;
    for (int i = 1; i < argc; i++) {
        if (pf_cli_is_help(argv[i])) {
            s_help();
            return PF_EXIT_OK;
        }
        if (strcmp(argv[i], "--no-cache") == 0) {
            no_cache = true;
            continue;
        }
        int rc = pf_cli_common(&cli, argc, argv, &i);
        struct {
            const char *flag;
            const char **value;
        } flags[] = {
            {"--base", &base},
            {"--rpm", &rpm},
            {"--concurrency", &conc},
            {"--breaker-failures", &bfail},
            {"--breaker-recovery-ms", &brec},
            {"--retry-attempts", &attempts},
            {"--timeout-ms", &timeout},
            {"--deadline-ms", &deadline},
            {"--capacity", &capacity},
            {"--instance", &instance},
            {"--drain-ms", &drain},
        };
        for (size_t f = 0; rc == 0 && f < sizeof flags / sizeof flags[0]; f++)
            rc = pf_cli_value(&cli, argc, argv, &i, flags[f].flag, flags[f].value);
        if (rc < 0)
            return PF_EXIT_USAGE;
        if (rc > 0)
            continue;
        if (argv[i][0] == '-')
            return pf_cli_usage(&cli, "unknown option '%s'", argv[i]);
        if (name)
            return pf_cli_usage(&cli, "one provider per adapter (got '%s' and '%s')", name,
                                argv[i]);
        name = argv[i];
    }
    if (!name)
        return pf_cli_usage(&cli, "which provider? name one (see the list in --help)");
    const pf_provider_t *provider = pf_provider_find(name);
    if (!provider)
        return pf_cli_usage(&cli, "unknown provider '%s' (see the list in --help)", name);

    pf_adapter_config_t cfg;
    pf_adapter_config_defaults(&cfg, provider);
    const char *bad = NULL;
    if (pf_adapter_config_from_env(&cfg, provider, &bad) != PF_OK)
        return pf_cli_usage(&cli, "environment variable %s is out of range", bad);
    cli.config.capacity = PF_ADAPTER_DEFAULT_CAPACITY;
    if (base) {
        if (strlen(base) >= sizeof cfg.base)
            return pf_cli_usage(&cli, "--base is too long");
        snprintf(cfg.base, sizeof cfg.base, "%s", base);
    }
    if (no_cache)
        cfg.cache_off = true;
    if (s_u32(&cli, "--rpm", rpm, 1, PF_LIMITER_MAX_PER_MINUTE, &cfg.limiter.per_minute) ||
        s_u32(&cli, "--concurrency", conc, 1, 10000, &cfg.limiter.concurrency) ||
        s_u32(&cli, "--breaker-failures", bfail, 1, 1000000, &cfg.breaker.failures) ||
        s_u32(&cli, "--breaker-recovery-ms", brec, 1, 86400000, &cfg.breaker.recovery_ms) ||
        s_u32(&cli, "--retry-attempts", attempts, 1, 100, &cfg.retry.max_attempts) ||
        s_u32(&cli, "--timeout-ms", timeout, 1, S_MS_MAX, &cfg.attempt_timeout_ms) ||
        s_u32(&cli, "--deadline-ms", deadline, 1, S_MS_MAX, &cfg.retry.deadline_ms) ||
        s_u32(&cli, "--capacity", capacity, 1, PFA_CAPACITY_MAX, &cli.config.capacity) ||
        s_u32(&cli, "--drain-ms", drain, 0, S_DRAIN_MS_MAX, &cli.config.drain_ms))
        return PF_EXIT_USAGE;
    if (instance && (!*instance || strlen(instance) > PFA_INSTANCE_MAX))
        return pf_cli_usage(&cli, "--instance wants 1 to %d bytes", PFA_INSTANCE_MAX);
    char why[512];
    if (pf_adapter_config_check(&cfg, provider, why, sizeof why) != PF_OK) {
        fprintf(stderr, "pf adapter %s: %s\n", name, why);
        return PF_EXIT_USAGE;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "pf adapter %s: libsodium cannot start\n", name);
        return PF_EXIT_FAIL;
    }
    pf_adapter_t *adapter = pf_adapter_new(provider, &cfg);
    if (!adapter) {
        fprintf(stderr, "pf adapter %s: cannot start (libcurl)\n", name);
        return PF_EXIT_FAIL;
    }
    pf_actor_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.service = provider->name;
    opts.instance = instance;
    opts.config = &cli.config;
    opts.capacity = cli.config.capacity;
    opts.on_call = pf_adapter_on_call;
    opts.arg = adapter;
    opts.handle_signals = true;
    pf_actor_t *actor = pf_actor_new(&opts);
    if (!actor) {
        pf_adapter_destroy(&adapter);
        return PF_EXIT_FAIL;
    }
    pf_adapter_attach(adapter, actor);
    fprintf(stderr,
            "pf adapter %s: instance %s, actor endpoint %s, %s, %u/min, %u in flight, "
            "breaker %u failures / %u ms, capacity %u%s\n",
            name, pf_actor_instance(actor), cli.config.actor_endpoint,
            cfg.base[0] ? cfg.base : "real provider (https)", cfg.limiter.per_minute,
            cfg.limiter.concurrency, cfg.breaker.failures, cfg.breaker.recovery_ms,
            cli.config.capacity, cfg.cache_off ? ", no cache" : "");
    int rc = pf_actor_run(actor);
    pf_adapter_destroy(&adapter);
    pf_actor_destroy(&actor);
    return rc == PF_OK ? PF_EXIT_OK : PF_EXIT_FAIL;
}
