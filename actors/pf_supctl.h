/*  pf_supctl.h — the control socket of `pf up`: list its children, restart
    one by name.

    `pf up` binds a ZeroMQ ROUTER on ipc://<data dir>/pf-up.ctl and serves
    it from the supervisor's own loop (pf_supervisor_watch), so a request
    never blocks supervision.  `pf ps` and `pf restart` are its clients.

    Framing: a request is one msgpack frame behind an empty delimiter (what
    a REQ socket sends; a DEALER adds the empty frame itself); the reply
    comes back the same way.  Bodies are msgpack maps, decoded strictly
    (PF_LIMITS_DEFAULT; unknown fields refused):

      {cmd:"ping"}               -> {ok:true, pid}            (pf up's pid)
      {cmd:"list"}               -> {ok:true, children:[{name, pid, state,
                                     restarts, started_at}]}
      {cmd:"restart", name:N}    -> {ok:true, action, pid}
      anything malformed, an unknown name, or a restart while stopping
                                 -> {ok:false, error:"why"}

    children come in the order `pf up` added them.  pid is 0 and started_at
    nil when the child has no process; started_at is unix ms; state is a
    pf_supervisor_state_name; restarts counts automatic (crash) restarts.
    action is "stopping" (SIGTERM sent to pid; it starts again once it has
    exited), "started" (it had no process; pid is the new one) or "pending"
    (a restart was already under way).

    Only one `pf up` may own a data directory: before binding, an existing
    socket file is pinged; a live answer (or a listener that does not
    answer) makes pf_supctl_new refuse, and a stale file left by a `pf up`
    that was killed is removed.  The socket file is made mode 0600 and
    removed again by pf_supctl_destroy.                                     */
#ifndef PF_SUPCTL_H
#define PF_SUPCTL_H

#include <stddef.h>

#include "pf_supervisor.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_SUPCTL_FILE "pf-up.ctl"       /* socket file in the data dir    */
#define PF_SUPCTL_LOCK_FILE "pf-up.lock" /* flock'ed by the owning pf up  */
#define PF_SUPCTL_PROBE_MS 2000          /* wait for an existing owner's
                                            answer before refusing          */
#define PF_SUPCTL_MAX_REQUEST_BYTES 65536 /* larger requests: peer dropped */
#define PF_SUPCTL_BATCH 64               /* requests served per loop turn  */
#define PF_SUPCTL_DIR_MODE 0700          /* a data dir pf up creates       */
#define PF_SUPCTL_SOCKET_MODE 0600       /* who may restart children       */

typedef struct pf_supctl_t pf_supctl_t;

/*  Writes "<data_dir>/pf-up.ctl" into out.  Returns 0, or PF_ETOOBIG when
    it does not fit out or a unix socket address.                           */
int pf_supctl_path(const char *data_dir, char *out, size_t size);

/*  Creates data_dir if missing (mode PF_SUPCTL_DIR_MODE; parents as
    mkdir -p), makes sure no live `pf up` owns its control socket, binds it
    and registers it with sup.  sup is borrowed and must outlive the
    result.  who prefixes the messages ("pf up").  Returns NULL after
    saying why on stderr (another pf up owns it, the path is too long, the
    directory cannot be made, the bind fails).                              */
pf_supctl_t *pf_supctl_new(pf_supervisor_t *sup, const char *data_dir, const char *who);

/*  Unwatches and closes the socket and removes its file.  Accepts NULL;
    nulls *self_p.                                                          */
void pf_supctl_destroy(pf_supctl_t **self_p);

/*  The bound endpoint, "ipc://<data dir>/pf-up.ctl".                       */
const char *pf_supctl_endpoint(const pf_supctl_t *self);

/*  Client: sends request (borrowed map) to the `pf up` owning data_dir and
    waits up to timeout_ms for its reply.  Returns 0 with *reply_p (a map;
    caller owns), or PF_ENOTFOUND (no live control socket there),
    PF_ETIMEDOUT, PF_EPROTO (a reply that is not a msgpack map), PF_ETOOBIG
    (path too long), PF_EINVAL (request not a map), PF_EIO (socket error).  */
int pf_supctl_request(const char *data_dir, const pf_value_t *request, int timeout_ms,
                      pf_value_t **reply_p);

#ifdef __cplusplus
}
#endif
#endif
