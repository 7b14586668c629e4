/*  pf_config.h — every tunable of PartnerForge, with its default, in one place.

    Defaults are named here and nowhere else; docs/OPERATIONS.md lists them.
    pf_config_defaults() fills a struct, pf_config_from_env() overlays the
    PF_* environment variables, and the pf command overlays its flags.       */
#ifndef PF_CONFIG_H
#define PF_CONFIG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PF_DEFAULT_CLIENT_ENDPOINT "tcp://127.0.0.1:5555"
#define PF_DEFAULT_TAP_ENDPOINT "tcp://127.0.0.1:5556"
#define PF_DEFAULT_ACTOR_ENDPOINT "tcp://127.0.0.1:5557"
#define PF_DEFAULT_DATA_DIR "./pf-data"

#define PF_DEFAULT_HEARTBEAT_MS 1000     /* both directions                 */
#define PF_DEFAULT_LIVENESS 3            /* missed beats before "dead"      */
#define PF_DEFAULT_RECONNECT_MIN_MS 100  /* actor reconnect backoff floor   */
#define PF_DEFAULT_RECONNECT_MAX_MS 5000 /* actor reconnect backoff ceiling */
#define PF_DEFAULT_MODULE_TIMEOUT_MS 120000 /* one module attempt           */
#define PF_DEFAULT_MODULE_ATTEMPTS 3     /* failures/timeouts before failed */
#define PF_DEFAULT_CALL_TIMEOUT_MS 30000 /* actor-to-service call           */
#define PF_DEFAULT_MAX_QUEUED_JOBS 200000 /* unfinished jobs before "busy"  */
#define PF_DEFAULT_BATCH_MAX 10000       /* domains in one BATCH            */
#define PF_DEFAULT_BATCH_CONCURRENCY 10  /* BATCH max_concurrency default   */
#define PF_DEFAULT_RESULT_TTL_S 86400    /* finished jobs kept this long    */
#define PF_DEFAULT_MAX_MSG_BYTES (32 << 20) /* ZMQ_MAXMSGSIZE on every socket */
#define PF_DEFAULT_SNDHWM 100000         /* client/actor socket HWM (msgs)  */
#define PF_DEFAULT_TAP_HWM 10000         /* tap PUB HWM: drop past this     */
#define PF_TAP_SNDBUF_BYTES (256 << 10)  /* kernel send buffer per tap
                                            subscriber, so a stuck one costs
                                            bounded memory, not megabytes   */
#define PF_DEFAULT_CAPACITY 16           /* tasks one module actor runs at once */
#define PF_DEFAULT_EWMA_ALPHA 0.2        /* weight of a new duration sample */
#define PF_JOB_WAITERS_MAX 64            /* sync ENRICH clients on one job  */
#define PF_RESULT_MAX_BYTES (1u << 20)   /* one module result; 14 of them
                                            fit one TASK payload            */
#define PF_RESULT_MAX_DEPTH 56           /* nesting of one module result: it
                                            is carried two levels deeper    */
#define PF_MAX_PENDING_CALLS 10000       /* actor calls waiting for credit  */
#define PF_DEFAULT_CLI_TIMEOUT_MS 10000  /* pf CLI: wait for one reply      */
#define PF_DEFAULT_CLI_POLL_MS 500       /* pf CLI: STATUS poll interval    */
#define PF_DEFAULT_CLI_REDRAW_MS 100     /* pf CLI: progress redraw at most */
#define PF_DEFAULT_CLI_PIPELINE 64       /* pf CLI: requests in flight      */
#define PF_DEFAULT_DRAIN_MS 10000        /* actor: finish work on SIGTERM   */
#define PF_STORE_BUSY_TIMEOUT_MS 5000    /* job store: wait for a SQLite lock */
#define PF_DEFAULT_STORE PF_STORE_SQLITE /* jobs survive a coordinator crash */
#define PF_DEFAULT_STORE_SYNC PF_STORE_SYNC_FULL /* a commit is on the disk */
#define PF_STORE_CHECKPOINT_PAGES 1000 /* WAL pages before a checkpoint     */
#define PF_STORE_WAL_MAX_PAGES 4000    /* WAL pages before the loop itself
                                          checkpoints (RESTART), ~16 MiB   */
#define PF_STORE_MAX_UNSYNCED 64       /* committed groups waiting for the
                                          disk before clients are not read */
#define PF_STORE_STOP_SYNC_MS 5000     /* clean stop: wait for syncs in flight */
#define PF_STORE_PURGE_CHUNK 1000        /* expired jobs deleted per sweep  */
#define PF_STORE_PURGE_AGAIN_US 10000    /* next sweep when more are due    */

/*  How far each job store commit goes before anything it records is sent
    (pf_sqlstore_set_sync).                                                 */
typedef enum {
    PF_STORE_SYNC_FULL = 0,      /* to the disk: survives a power loss       */
    PF_STORE_SYNC_NORMAL = 1     /* to the OS: survives the process only     */
} pf_store_sync_t;

/*  Where the coordinator keeps jobs.                                       */
typedef enum {
    PF_STORE_SQLITE = 0,         /* <data_dir>/partnerforge.db (durable)     */
    PF_STORE_MEMORY = 1          /* process memory: lost with the process    */
} pf_store_kind_t;

typedef struct {
    char client_endpoint[256];   /* PFP/1 ROUTER                             */
    char tap_endpoint[256];      /* tap PUB                                  */
    char actor_endpoint[256];    /* PFA/1 ROUTER                             */
    char data_dir[1024];         /* job store and logs                       */
    uint32_t heartbeat_ms;       /* heartbeat interval, both ways            */
    uint32_t liveness;           /* missed heartbeats before a peer is dead  */
    uint32_t reconnect_min_ms;   /* actor reconnect backoff floor            */
    uint32_t reconnect_max_ms;   /* actor reconnect backoff ceiling          */
    uint32_t module_timeout_ms;  /* one module attempt's deadline            */
    uint32_t module_attempts;    /* attempts before a module fails           */
    uint32_t call_timeout_ms;    /* default deadline of a service call       */
    uint32_t max_queued_jobs;    /* unfinished jobs before ENRICH gets busy  */
    uint32_t batch_max;          /* domains accepted in one BATCH            */
    uint32_t result_ttl_s;       /* finished jobs kept this long             */
    uint32_t max_msg_bytes;      /* ZMQ_MAXMSGSIZE                           */
    uint32_t sndhwm;             /* client and actor socket high-water mark  */
    uint32_t tap_hwm;            /* tap PUB high-water mark                  */
    uint32_t capacity;           /* tasks an actor advertises                */
    uint32_t drain_ms;           /* actor: grace to finish work on SIGTERM   */
    pf_store_kind_t store;       /* coordinator's job store                  */
    pf_store_sync_t store_sync;  /* how durable each of its commits is       */
} pf_config_t;

/*  Fills cfg with the defaults above.                                      */
void pf_config_defaults(pf_config_t *cfg);

/*  Overlays PF_CLIENT_ENDPOINT, PF_TAP_ENDPOINT, PF_ACTOR_ENDPOINT,
    PF_DATA_DIR, PF_HEARTBEAT_MS, PF_LIVENESS, PF_MODULE_TIMEOUT_MS,
    PF_MODULE_ATTEMPTS, PF_MAX_QUEUED_JOBS, PF_BATCH_MAX, PF_RESULT_TTL_S,
    PF_CAPACITY, PF_TAP_HWM, PF_SNDHWM, PF_STORE, PF_STORE_SYNC.  Returns 0, or PF_EINVAL naming the bad variable in *bad.  */
int pf_config_from_env(pf_config_t *cfg, const char **bad);

/*  Parses a store name: "sqlite" or "memory"; 0 or PF_EINVAL.              */
int pf_config_parse_store(const char *text, pf_store_kind_t *out);

/*  Parses a store sync level: "full" or "normal"; 0 or PF_EINVAL.          */
int pf_config_parse_store_sync(const char *text, pf_store_sync_t *out);

/*  The name of a store kind ("sqlite", "memory").                          */
const char *pf_config_store_name(pf_store_kind_t kind);

/*  Parses a decimal unsigned integer in [min, max]; 0 or PF_EINVAL.        */
int pf_config_parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out);

#ifdef __cplusplus
}
#endif
#endif
