/*  pf_supervisor.h — keeps a set of child processes running (`pf up`).

    Each child is a name, a stop tier and a command line.  The supervisor
    starts them (lowest tier first), notices when one dies and starts it
    again after an exponential backoff, and gives up on a child that died
    more than max_restarts times within restart_period_ms (or that exited
    with PF_SUPERVISOR_EXIT_PERMANENT, a usage error a restart cannot fix),
    saying so loudly on stderr.  Every child runs in a process group of its
    own (a terminal's Ctrl-C reaches only the supervisor, which stops the
    children in order) and gets PR_SET_PDEATHSIG, so it dies with the
    supervisor even if the supervisor is killed outright.

    Stopping (pf_supervisor_stop, or SIGTERM/SIGINT when handle_signals):
    the children of the highest tier get SIGTERM, then up to grace_ms to
    exit before SIGKILL; then the next tier down, and so on (`pf up` stops
    the module actors before the coordinator they report to).  A second
    signal SIGKILLs every child at once.  All children are reaped.

    An operator restart (pf_supervisor_restart, which `pf up`'s control
    socket calls, see pf_supctl.h) stops one running child like a stop
    does — SIGTERM, SIGKILL after grace_ms — and starts it again as soon as
    it has exited.  It is not a crash: it does not count toward the
    intensity limit, and it clears the child's recent restarts, so its
    backoff starts again from restart_min_ms.  A child in backoff or given
    up on is started at once.

    Single-threaded; one supervisor per process (it owns SIGCHLD).  The
    loop is pf_supervisor_poll, so tests can step it; pf_supervisor_run
    loops until done.  pf_supervisor_watch adds ZeroMQ sockets to what the
    loop waits on (the control socket).                                     */
#ifndef PF_SUPERVISOR_H
#define PF_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PF_SUPERVISOR_GRACE_MS 15000        /* per tier: SIGTERM -> SIGKILL;
                                               above PF_DEFAULT_DRAIN_MS   */
#define PF_SUPERVISOR_RESTART_MIN_MS 100    /* first restart delay         */
#define PF_SUPERVISOR_RESTART_MAX_MS 10000  /* restart delay ceiling       */
#define PF_SUPERVISOR_MAX_RESTARTS 5        /* restarts allowed per period */
#define PF_SUPERVISOR_RESTART_PERIOD_MS 60000 /* the intensity window      */
#define PF_SUPERVISOR_EXIT_PERMANENT 2      /* child exit status: usage
                                               error, never restarted      */
#define PF_SUPERVISOR_EXEC_FAILED 127       /* child status when exec fails */
#define PF_SUPERVISOR_WATCH_MAX 4           /* sockets the loop can watch  */

typedef struct pf_supervisor_t pf_supervisor_t;

typedef struct {
    uint32_t grace_ms;           /* SIGTERM -> SIGKILL, per tier            */
    uint32_t restart_min_ms;     /* delay before the first restart          */
    uint32_t restart_max_ms;     /* ceiling of the doubling delay           */
    uint32_t max_restarts;       /* restarts allowed within the period      */
    uint32_t restart_period_ms;  /* sliding window of the intensity limit   */
    bool handle_signals;         /* SIGTERM/SIGINT stop the supervisor      */
    const char *log_prefix;      /* e.g. "pf up"; NULL = "pf supervisor"    */
} pf_supervisor_opts_t;

typedef enum {
    PF_CHILD_NEW = 0,            /* added, not started yet                  */
    PF_CHILD_RUNNING,            /* has a live process                      */
    PF_CHILD_BACKOFF,            /* died; restart scheduled                 */
    PF_CHILD_GAVE_UP,            /* died too often (or permanently)         */
    PF_CHILD_STOPPED,            /* stopped by the supervisor               */
    PF_CHILD_RESTARTING          /* operator restart: SIGTERM sent, its
                                    process still running                   */
} pf_child_state_t;

/*  One child, as pf_supervisor_child_info reports it.                      */
typedef struct {
    const char *name;            /* borrowed; valid until destroy           */
    pid_t pid;                   /* live process, or 0                      */
    pf_child_state_t state;      /* lifecycle                               */
    uint32_t restarts;           /* automatic restarts after crashes; an
                                    operator restart does not count         */
    int64_t started_at_ms;       /* unix ms the live process started, or 0  */
} pf_child_info_t;

/*  What pf_supervisor_restart did.                                        */
typedef enum {
    PF_RESTART_STOPPING = 0,     /* SIGTERM sent; it starts once it exited  */
    PF_RESTART_STARTED,          /* it was not running; started at once     */
    PF_RESTART_PENDING           /* a restart of it was already under way   */
} pf_restart_t;

/*  Called from pf_supervisor_poll when a watched socket is readable.  It
    must not block: read what is there with ZMQ_DONTWAIT.                   */
typedef void (pf_supervisor_watch_fn)(pf_supervisor_t *self, void *socket, void *arg);

/*  Fills opts with the PF_SUPERVISOR_* defaults (signals not handled).    */
void pf_supervisor_opts_defaults(pf_supervisor_opts_t *opts);

/*  Creates a supervisor and installs its SIGCHLD handler (and SIGTERM /
    SIGINT with handle_signals).  Returns NULL, with a line on stderr, when
    opts are invalid, the self-pipe cannot be made, or another supervisor
    exists in this process.                                                */
pf_supervisor_t *pf_supervisor_new(const pf_supervisor_opts_t *opts);

/*  SIGKILLs and reaps any child still running, restores the signal
    handlers, frees everything.  Accepts NULL; nulls *self_p.               */
void pf_supervisor_destroy(pf_supervisor_t **self_p);

/*  Adds a child: name (unique), stop tier (higher stops first), the
    executable path and its argv (NULL-terminated; argv[0] included).  All
    are copied.  Returns 0, or PF_EINVAL (bad or duplicate name, no argv),
    or PF_ESTATE once stopping.                                             */
int pf_supervisor_add(pf_supervisor_t *self, const char *name, int tier, const char *path,
                      char *const argv[]);

/*  Starts every child not started yet, lowest tier first.  A fork that
    fails is retried like a crash.  Returns 0, or PF_ESTATE once stopping. */
int pf_supervisor_start(pf_supervisor_t *self);

/*  Waits up to timeout_ms (-1: until something happens) for a child to
    exit, a restart or kill deadline, a stop request or a message on a
    watched socket, and handles it.  Returns 0, or PF_EIO when polling
    fails.                                                                  */
int pf_supervisor_poll(pf_supervisor_t *self, int timeout_ms);

/*  True once stopping has reaped every child, or every child gave up.    */
bool pf_supervisor_done(const pf_supervisor_t *self);

/*  Polls until done.  Returns 0 after a stop, PF_ESTATE when it ended
    because every child gave up, PF_EIO when polling failed.              */
int pf_supervisor_run(pf_supervisor_t *self);

/*  Begins the graceful stop.  Async-signal-safe.                           */
void pf_supervisor_stop(pf_supervisor_t *self);

/*  Adds a ZeroMQ socket (borrowed: the caller keeps it open until it
    unwatches it or destroys the supervisor) to what pf_supervisor_poll
    waits on; fn(self, socket, arg) runs from the loop whenever it has a
    message.  Returns 0, PF_EINVAL (NULL socket or fn, or already
    watched), or PF_EBUSY (PF_SUPERVISOR_WATCH_MAX sockets watched).        */
int pf_supervisor_watch(pf_supervisor_t *self, void *socket, pf_supervisor_watch_fn *fn,
                        void *arg);

/*  Stops watching socket.  Returns 0, or PF_ENOTFOUND.                     */
int pf_supervisor_unwatch(pf_supervisor_t *self, void *socket);

/*  Operator restart of the child called name (see the top of this file).
    A running child gets SIGTERM (PF_RESTART_STOPPING); one in backoff, given
    up on or not started yet is started at once (PF_RESTART_STARTED); a
    restart already under way is left alone (PF_RESTART_PENDING).  *how_p
    (may be NULL) says which, on success.  Returns 0, PF_ENOTFOUND for an
    unknown name, PF_ESTATE once stopping, or PF_EIO when the fork failed
    (the child is then retried after restart_max_ms like a crash).          */
int pf_supervisor_restart(pf_supervisor_t *self, const char *name, pf_restart_t *how_p);

/*  Number of children, and the one at index (in the order they were
    added).  child_info returns 0 and fills *info, or PF_EINVAL for an
    index out of range.                                                     */
size_t pf_supervisor_child_count(const pf_supervisor_t *self);
int pf_supervisor_child_info(const pf_supervisor_t *self, size_t index, pf_child_info_t *info);

/*  "new", "running", "backoff", "gave_up", "stopped", "restarting";
    "unknown" for anything else.  Static text.                              */
const char *pf_supervisor_state_name(int state);

/*  Queries by child name.  pid: the live process or 0; -1 for an unknown
    name.  state: PF_CHILD_* or -1.  restarts: automatic restarts so far
    (operator restarts excluded), or -1.                                    */
pid_t pf_supervisor_child_pid(const pf_supervisor_t *self, const char *name);
int pf_supervisor_child_state(const pf_supervisor_t *self, const char *name);
int pf_supervisor_child_restarts(const pf_supervisor_t *self, const char *name);

#ifdef __cplusplus
}
#endif
#endif
