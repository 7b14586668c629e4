/*  pf_coordinator.h — the coordinator actor: client endpoint, tap, broker.

    Binds the PFP/1 client ROUTER, the tap (an XPUB, so it knows whether
    anybody listens and skips building events when nobody does) and the
    PFA/1 actor ROUTER; runs the engine (pf_engine.h) and the broker
    (pf_broker.h) in one single-threaded poll loop.  Nothing blocks the
    loop: every send is non-blocking and a slow tap subscriber loses events
    at the tap's high-water mark.                                            */
#ifndef PF_COORDINATOR_H
#define PF_COORDINATOR_H

#include "pf_config.h"

typedef struct pf_coordinator_t pf_coordinator_t;

/*  Extra settings of the coordinator beyond pf_config_t.                   */
typedef struct {
    const char *api_keys_file;   /* "key [rpm]" per line, or NULL: no keys  */
} pf_coordinator_opts_t;

/*  Creates the coordinator and binds its three endpoints.  Returns NULL,
    having said why on stderr, if a socket cannot be created or bound, or
    the api keys file cannot be read.                                       */
pf_coordinator_t *pf_coordinator_new(const pf_config_t *cfg, const pf_coordinator_opts_t *opts);

/*  Runs until pf_coordinator_stop() or a SIGINT/SIGTERM flag set by
    pf_coordinator_signal().  Returns 0, or PF_EIO on a fatal socket error. */
int pf_coordinator_run(pf_coordinator_t *self);

/*  Asks a running coordinator to return from run (async-signal-safe).     */
void pf_coordinator_signal(void);

/*  Closes every socket and frees everything; accepts NULL.                 */
void pf_coordinator_destroy(pf_coordinator_t **self_p);

/*  The endpoints actually bound (a tcp port 0 or '*' becomes the real one).
    Valid until destroy.                                                     */
const char *pf_coordinator_client_endpoint(const pf_coordinator_t *self);
const char *pf_coordinator_tap_endpoint(const pf_coordinator_t *self);
const char *pf_coordinator_actor_endpoint(const pf_coordinator_t *self);

#endif
