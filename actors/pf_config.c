/*  pf_config.c — defaults and environment overlay (see pf_config.h).       */
#include "pf_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_error.h"

void
pf_config_defaults(pf_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->client_endpoint, sizeof cfg->client_endpoint, "%s", PF_DEFAULT_CLIENT_ENDPOINT);
    snprintf(cfg->tap_endpoint, sizeof cfg->tap_endpoint, "%s", PF_DEFAULT_TAP_ENDPOINT);
    snprintf(cfg->actor_endpoint, sizeof cfg->actor_endpoint, "%s", PF_DEFAULT_ACTOR_ENDPOINT);
    snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s", PF_DEFAULT_DATA_DIR);
    cfg->heartbeat_ms = PF_DEFAULT_HEARTBEAT_MS;
    cfg->liveness = PF_DEFAULT_LIVENESS;
    cfg->reconnect_min_ms = PF_DEFAULT_RECONNECT_MIN_MS;
    cfg->reconnect_max_ms = PF_DEFAULT_RECONNECT_MAX_MS;
    cfg->module_timeout_ms = PF_DEFAULT_MODULE_TIMEOUT_MS;
    cfg->module_attempts = PF_DEFAULT_MODULE_ATTEMPTS;
    cfg->call_timeout_ms = PF_DEFAULT_CALL_TIMEOUT_MS;
    cfg->max_queued_jobs = PF_DEFAULT_MAX_QUEUED_JOBS;
    cfg->batch_max = PF_DEFAULT_BATCH_MAX;
    cfg->result_ttl_s = PF_DEFAULT_RESULT_TTL_S;
    cfg->max_msg_bytes = PF_DEFAULT_MAX_MSG_BYTES;
    cfg->sndhwm = PF_DEFAULT_SNDHWM;
    cfg->tap_hwm = PF_DEFAULT_TAP_HWM;
    cfg->capacity = PF_DEFAULT_CAPACITY;
    cfg->drain_ms = PF_DEFAULT_DRAIN_MS;
    cfg->store = PF_DEFAULT_STORE;
    cfg->store_sync = PF_DEFAULT_STORE_SYNC;
}

int
pf_config_parse_store_sync(const char *text, pf_store_sync_t *out)
{
    if (text && strcmp(text, "full") == 0)
        *out = PF_STORE_SYNC_FULL;
    else if (text && strcmp(text, "normal") == 0)
        *out = PF_STORE_SYNC_NORMAL;
    else
        return PF_EINVAL;
    return PF_OK;
}

int
pf_config_parse_store(const char *text, pf_store_kind_t *out)
{
    if (text && strcmp(text, "sqlite") == 0)
        *out = PF_STORE_SQLITE;
    else if (text && strcmp(text, "memory") == 0)
        *out = PF_STORE_MEMORY;
    else
        return PF_EINVAL;
    return PF_OK;
}

const char *
pf_config_store_name(pf_store_kind_t kind)
{
    return kind == PF_STORE_MEMORY ? "memory" : "sqlite";
}

int
pf_config_parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
    /*  Decimal digits only: strtoull alone would take leading blanks and a
        sign.                                                              */
    if (!text || *text < '0' || *text > '9')
        return PF_EINVAL;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || !end || *end || v < min || v > max)
        return PF_EINVAL;
    *out = (uint32_t)v;
    return PF_OK;
}

static int
s_env_str(const char *name, char *dst, size_t size, const char **bad)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return PF_OK;
    if (strlen(v) >= size) {
        *bad = name;
        return PF_EINVAL;
    }
    snprintf(dst, size, "%s", v);
    return PF_OK;
}

static int
s_env_u32(const char *name, uint32_t min, uint32_t max, uint32_t *dst, const char **bad)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return PF_OK;
    if (pf_config_parse_u32(v, min, max, dst) != PF_OK) {
        *bad = name;
        return PF_EINVAL;
    }
    return PF_OK;
}

int
pf_config_from_env(pf_config_t *cfg, const char **bad)
{
    const char *dummy = NULL;
    if (!bad)
        bad = &dummy;
    int rc = 0;
    rc |= s_env_str("PF_CLIENT_ENDPOINT", cfg->client_endpoint, sizeof cfg->client_endpoint, bad);
    rc |= s_env_str("PF_TAP_ENDPOINT", cfg->tap_endpoint, sizeof cfg->tap_endpoint, bad);
    rc |= s_env_str("PF_ACTOR_ENDPOINT", cfg->actor_endpoint, sizeof cfg->actor_endpoint, bad);
    rc |= s_env_str("PF_DATA_DIR", cfg->data_dir, sizeof cfg->data_dir, bad);
    rc |= s_env_u32("PF_HEARTBEAT_MS", 10, 600000, &cfg->heartbeat_ms, bad);
    rc |= s_env_u32("PF_LIVENESS", 1, 1000, &cfg->liveness, bad);
    rc |= s_env_u32("PF_MODULE_TIMEOUT_MS", 1, 86400000, &cfg->module_timeout_ms, bad);
    rc |= s_env_u32("PF_MODULE_ATTEMPTS", 1, 100, &cfg->module_attempts, bad);
    rc |= s_env_u32("PF_MAX_QUEUED_JOBS", 1, 100000000, &cfg->max_queued_jobs, bad);
    rc |= s_env_u32("PF_BATCH_MAX", 1, 100000, &cfg->batch_max, bad);
    rc |= s_env_u32("PF_RESULT_TTL_S", 1, 315360000, &cfg->result_ttl_s, bad);
    rc |= s_env_u32("PF_CAPACITY", 1, 4096, &cfg->capacity, bad);
    rc |= s_env_u32("PF_TAP_HWM", 1, 100000000, &cfg->tap_hwm, bad);
    rc |= s_env_u32("PF_SNDHWM", 1, 100000000, &cfg->sndhwm, bad);
    const char *store = getenv("PF_STORE");
    if (store && *store && pf_config_parse_store(store, &cfg->store) != PF_OK) {
        *bad = "PF_STORE";
        rc |= 1;
    }
    const char *sync = getenv("PF_STORE_SYNC");
    if (sync && *sync && pf_config_parse_store_sync(sync, &cfg->store_sync) != PF_OK) {
        *bad = "PF_STORE_SYNC";
        rc |= 1;
    }
    return rc ? PF_EINVAL : PF_OK;
}
