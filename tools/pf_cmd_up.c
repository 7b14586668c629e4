/*  pf_cmd_up.c — `pf up`: the whole constellation on this host, supervised.

    Starts `pf coordinator`, `pf adapter NAME` for every provider, then
    `pf module NAME` for every module of the graph (--instances of each),
    all by re-executing this very binary (/proc/self/exe), with the
    endpoints passed in the PF_* environment.  Providers: with no provider
    key in the environment (PF_BUILTWITH_KEY, PF_SIMILARWEB_KEY,
    PF_WEBSEARCH_KEY) or with --providers fake, it also starts pf-fakeapi
    (the offline provider emulator, next to this binary) on a loopback port
    and points every adapter at it, and says so; otherwise the adapters
    talk to the real APIs, and an adapter whose key (or, for SEC, contact
    User-Agent) is missing is not started, with a line saying why.
    The supervisor (actors/pf_supervisor.h) restarts a child that dies,
    gives up on one that keeps dying, and on SIGINT/SIGTERM stops the
    module actors first (they drain), then the coordinator.  Its control
    socket (actors/pf_supctl.h) in the data dir serves `pf ps` and
    `pf restart NAME`.  Children are named "coordinator" and after their
    module ("company_context"), with "#K" appended (K = 1..N) when
    --instances N is above 1.                                              */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pf_adapter.h"
#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_module.h"
#include "pf_provider.h"
#include "pf_profile.h"
#include "pf_simulate.h"
#include "pf_supctl.h"
#include "pf_supervisor.h"

/*  The binary to re-execute for every child.                               */
#define S_SELF_EXE "/proc/self/exe"
/*  Most instances of one module `pf up` starts (each is a process).       */
#define S_INSTANCES_MAX 64
/*  Stop tiers: higher stops first, so modules drain into live adapters and
    actors into a live coordinator; pf-fakeapi goes last.                   */
#define S_TIER_COORDINATOR 0
#define S_TIER_ADAPTERS 1
#define S_TIER_MODULES 2
/*  The emulator's executable, in the directory of pf itself.               */
#define S_FAKEAPI_EXE "pf-fakeapi"
/*  The key the adapters present to pf-fakeapi (it accepts any key).       */
#define S_FAKEAPI_KEY "pf-fakeapi-offline"
/*  SEC requires a contact in the User-Agent; offline, this one.            */
#define S_FAKEAPI_SEC_AGENT "PartnerForge offline pf-fakeapi@localhost"

typedef enum {
    S_PROVIDERS_AUTO = 0,       /* fake unless a provider key is set       */
    S_PROVIDERS_FAKE,           /* pf-fakeapi, whatever keys are set       */
    S_PROVIDERS_REAL            /* the real APIs                           */
} s_providers_t;

static void
s_help(void)
{
    printf("usage: pf up [--instances N] [--profile FILE] [--simulate SCALE]\n"
           "             [--providers MODE] [--fakeapi-port N] [endpoint flags]\n\n"
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
           "  --providers MODE  auto (default): the real provider APIs when a provider\n"
           "                    key is set (PF_BUILTWITH_KEY, PF_SIMILARWEB_KEY,\n"
           "                    PF_WEBSEARCH_KEY), else pf-fakeapi; fake: always\n"
           "                    pf-fakeapi (offline: fixture and synthetic data); real:\n"
           "                    never (adapters without their key are not started)\n"
           "  --fakeapi-port N  pf-fakeapi's loopback port (env PF_FAKEAPI_PORT;\n"
           "                    default: a free port chosen at start)\n"
           "  --profile FILE    the seller profile every module loads (env %s;\n"
           "                    default: the sample shipped in modules/profiles/);\n"
           "                    checked before anything starts\n"
           "  --simulate SCALE  placeholder modules instead of the real ones: each task\n"
           "                    takes its design estimate x SCALE seconds (0 = at once)\n"
           "                    and returns a result marked simulated (benchmarks, tests)\n"
           PF_CLI_ENDPOINT_HELP,
           PF_SUPERVISOR_MAX_RESTARTS, PF_SUPERVISOR_RESTART_PERIOD_MS / 1000, PF_SUPCTL_FILE,
           S_INSTANCES_MAX, PF_PROFILE_ENV);
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

/*  Loads and validates the seller profile the modules will load (flag, or
    $PF_SELLER_PROFILE, or the default), so that a bad one stops pf up with
    its reason instead of every module crashing in turn; then exports its
    absolute path for the children.  Returns PF_OK or an error (said).     */
static int
s_check_profile(const char *flag)
{
    const char *path = pf_profile_path(flag);
    char err[PF_PROFILE_ERROR_MAX];
    pf_profile_t *profile = pf_profile_load(path, err, sizeof err);
    if (!profile) {
        fprintf(stderr, "pf up: the seller profile cannot be used: %s\n", err);
        return PF_EINVAL;
    }
    pf_profile_destroy(&profile);
    char *absolute = realpath(path, NULL);
    int rc = setenv(PF_PROFILE_ENV, absolute ? absolute : path, 1) == 0 ? PF_OK : PF_EIO;
    free(absolute);
    if (rc != PF_OK)
        fprintf(stderr, "pf up: cannot set %s for the modules\n", PF_PROFILE_ENV);
    return rc;
}

/*  Adds the coordinator.                                                   */
static int
s_add_coordinator(pf_supervisor_t *sup)
{
    char *coordinator[] = { "pf", "coordinator", NULL };
    return pf_supervisor_add(sup, "coordinator", S_TIER_COORDINATOR, S_SELF_EXE, coordinator);
}

/*  Adds every module actor.                                                */
static int
s_add_children(pf_supervisor_t *sup, uint32_t instances, const char *simulate)
{
    int rc = PF_OK;
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

/*  A loopback TCP port free right now (the kernel's choice), or 0.  The
    emulator binds it a moment later; pf up keeps the number so a restarted
    emulator comes back on the same port.                                  */
static uint16_t
s_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    uint16_t port = 0;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

/*  True when any provider's key is in the environment.                    */
static bool
s_any_key(void)
{
    size_t count = 0;
    const pf_provider_t *const *all = pf_provider_all(&count);
    for (size_t i = 0; i < count; i++) {
        const char *v = all[i]->key_env ? getenv(all[i]->key_env) : NULL;
        if (v && *v)
            return true;
    }
    return false;
}

/*  Sets name=value unless the operator already set it.                     */
static int
s_setenv_default(const char *name, const char *value)
{
    const char *v = getenv(name);
    if (v && *v)
        return PF_OK;
    return setenv(name, value, 1) == 0 ? PF_OK : PF_EIO;
}

/*  Adds pf-fakeapi on port and points every adapter at it (environment). */
static int
s_add_fakeapi(pf_supervisor_t *sup, uint32_t port)
{
    static char path[PATH_MAX];
    if (pf_cli_sibling_exe(S_FAKEAPI_EXE, path, sizeof path) != PF_OK) {
        fprintf(stderr, "pf up: %s is not next to pf (build it: cmake --build build)\n",
                S_FAKEAPI_EXE);
        return PF_ENOTFOUND;
    }
    static char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
    char *argv[] = { S_FAKEAPI_EXE, "--listen", listen, "--quiet", NULL };
    int rc = pf_supervisor_add(sup, "fakeapi", S_TIER_COORDINATOR, path, argv);
    size_t count = 0;
    const pf_provider_t *const *all = pf_provider_all(&count);
    for (size_t i = 0; i < count && rc == PF_OK; i++) {
        char name[96], value[128];
        snprintf(value, sizeof value, "http://127.0.0.1:%u/%s", port, all[i]->name);
        snprintf(name, sizeof name, "PF_%s_BASE", all[i]->name);
        for (char *c = name; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        /*  Offline means offline: the emulator's base wins over any other. */
        if (setenv(name, value, 1) != 0)
            rc = PF_EIO;
        if (rc == PF_OK && all[i]->key_env && setenv(all[i]->key_env, S_FAKEAPI_KEY, 1) != 0)
            rc = PF_EIO;
    }
    if (rc == PF_OK)
        rc = s_setenv_default("PF_SEC_EDGAR_USER_AGENT", S_FAKEAPI_SEC_AGENT);
    return rc;
}

/*  Adds one adapter per provider that can run; *started counts them.      */
static int
s_add_adapters(pf_supervisor_t *sup, uint32_t *started)
{
    size_t count = 0;
    const pf_provider_t *const *all = pf_provider_all(&count);
    *started = 0;
    for (size_t i = 0; i < count; i++) {
        pf_adapter_config_t cfg;
        pf_adapter_config_defaults(&cfg, all[i]);
        const char *bad = NULL;
        char why[512];
        if (pf_adapter_config_from_env(&cfg, all[i], &bad) != PF_OK) {
            fprintf(stderr, "pf up: not starting the %s adapter: %s is out of range\n",
                    all[i]->name, bad);
            continue;
        }
        if (pf_adapter_config_check(&cfg, all[i], why, sizeof why) != PF_OK) {
            fprintf(stderr, "pf up: not starting the %s adapter: %s\n", all[i]->name, why);
            continue;
        }
        char *argv[] = { "pf", "adapter", (char *) all[i]->name, NULL };
        int rc = pf_supervisor_add(sup, all[i]->name, S_TIER_ADAPTERS, S_SELF_EXE, argv);
        if (rc != PF_OK)
            return rc;
        (*started)++;
    }
    return PF_OK;
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
    const char *simulate = NULL, *instances_text = NULL, *providers_text = NULL;
    const char *profile = NULL;
    const char *port_text = getenv("PF_FAKEAPI_PORT");
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
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--providers", &providers_text);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--fakeapi-port", &port_text);
        if (rc == 0)
            rc = pf_cli_value(&cli, argc, argv, &i, "--profile", &profile);
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
    s_providers_t providers = S_PROVIDERS_AUTO;
    if (providers_text) {
        if (strcmp(providers_text, "auto") == 0)
            providers = S_PROVIDERS_AUTO;
        else if (strcmp(providers_text, "fake") == 0)
            providers = S_PROVIDERS_FAKE;
        else if (strcmp(providers_text, "real") == 0)
            providers = S_PROVIDERS_REAL;
        else
            return pf_cli_usage(&cli, "--providers wants auto, fake or real, not '%s'",
                                providers_text);
    }
    if (providers == S_PROVIDERS_AUTO)
        providers = s_any_key() ? S_PROVIDERS_REAL : S_PROVIDERS_FAKE;
    uint32_t fake_port = 0;
    if (port_text && *port_text &&
        pf_config_parse_u32(port_text, 0, 65535, &fake_port) != PF_OK)
        return pf_cli_usage(&cli, "--fakeapi-port wants a port in [0, 65535], not '%s'",
                            port_text);
    double scale = 0;
    if (profile && simulate)
        return pf_cli_usage(&cli, "--profile is for the real modules; --simulate runs none");
    if (profile && !*profile)
        return pf_cli_usage(&cli, "--profile wants a file name");
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
        if (s_check_profile(profile) != PF_OK)
            return PF_EXIT_USAGE;
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
    if (s_add_coordinator(sup) != PF_OK) {
        fprintf(stderr, "pf up: cannot register the children\n");
        pf_supctl_destroy(&ctl);
        pf_supervisor_destroy(&sup);
        return PF_EXIT_FAIL;
    }
    if (providers == S_PROVIDERS_FAKE) {
        if (fake_port == 0)
            fake_port = s_free_port();
        if (fake_port == 0 || s_add_fakeapi(sup, fake_port) != PF_OK) {
            fprintf(stderr, "pf up: cannot start pf-fakeapi\n");
            pf_supctl_destroy(&ctl);
            pf_supervisor_destroy(&sup);
            return PF_EXIT_FAIL;
        }
    }
    uint32_t adapters = 0;
    if (s_add_adapters(sup, &adapters) != PF_OK || s_add_children(sup, instances, simulate) != PF_OK) {
        fprintf(stderr, "pf up: cannot register the children\n");
        pf_supctl_destroy(&ctl);
        pf_supervisor_destroy(&sup);
        return PF_EXIT_FAIL;
    }
    pf_supervisor_start(sup);
    if (providers == S_PROVIDERS_FAKE)
        printf("pf up: OFFLINE - no provider API keys in use: pf-fakeapi, the provider "
               "emulator, serves http://127.0.0.1:%u and every provider answer is fixture or "
               "synthetic data, not live (set PF_BUILTWITH_KEY, PF_SIMILARWEB_KEY, "
               "PF_WEBSEARCH_KEY and PF_SEC_EDGAR_USER_AGENT for the real APIs)\n",
               fake_port);
    else
        printf("pf up: using the real provider APIs (%u of 5 adapters started)\n", adapters);
    printf("pf up: started the coordinator, %u adapters and %u module actors "
           "(%d modules x %u)%s%s; client %s, tap %s, actors %s, control %s; "
           "Ctrl-C stops everything\n",
           adapters, PF_MODULE_COUNT * instances, PF_MODULE_COUNT, instances,
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
