/*  pf_actor.h — the runtime every module and adapter actor process runs.

    One actor is one DEALER connection to the coordinator's actor endpoint
    speaking PFA/1 (proto/pf_pfa.h), driven by one single-threaded poll loop
    (pf_actor_run).  The runtime registers (READY/WELCOME), heartbeats both
    ways, notices a silent coordinator and reconnects with exponential
    backoff and jitter, re-registers after DISCONNECT{unknown_peer}, and on
    SIGTERM/SIGINT drains: it sends DRAIN, lets in-flight work finish up to
    a grace period, sends DISCONNECT{shutdown} and returns from run.

    Application code plugs in through callbacks that all run on the loop's
    thread: a task handler (module actors), a call handler (adapter actors),
    completions of outgoing calls, one-shot timers and file-descriptor
    watchers (for libcurl multi).  Nothing may block inside a callback; a
    module that must wait sets a timer or makes a call and returns.

    Work is held by handles: a pf_task_t for a TASK and a pf_call_t for an
    incoming CALL.  A handler owns its handle until it answers it (done /
    fail / reply), which frees it; it may answer inside the handler or
    later from any other callback.  Work from a connection that has since
    been lost, or that ran past its deadline, is *stale*: the coordinator has
    already given it to someone else, so answering it sends nothing (the
    handle is still freed).  pf_actor_destroy frees handles nobody answered.

    The runtime is not thread-safe, except pf_actor_stop and pf_actor_drain,
    which may be called from any thread or a signal handler.                */
#ifndef PF_ACTOR_H
#define PF_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_config.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  How long the final DISCONNECT (and results sent just before it) may
    wait in the socket for the coordinator when an actor stops.            */
#define PF_ACTOR_FINAL_LINGER_MS 1000
/*  Messages taken from the socket per loop iteration, so timers and fd
    watchers are served even under a flood.                               */
#define PF_ACTOR_RECV_BATCH 256

typedef struct pf_actor_t pf_actor_t;
typedef struct pf_task_t pf_task_t;     /* one TASK being worked on         */
typedef struct pf_call_t pf_call_t;     /* one incoming CALL being served   */

/*  The outcome of an outgoing call, handed to its completion callback.    */
typedef struct {
    int status;                 /* 0 ok; PF_ETIMEDOUT, PF_EUNAVAIL,
                                   PF_EUNKNOWN (unknown_service), PF_EPROTO
                                   (unreadable reply) or PF_EIO (the
                                   serving actor reported an error)       */
    const char *error_code;     /* the wire error code when status != 0   */
    const char *error_message;  /* for people; "" when none               */
    pf_value_t *value;          /* the reply map when ok (else NULL); the
                                   callback may take it (set it to NULL)  */
} pf_reply_t;

/*  A TASK arrived.  The handler owns task until it passes it to
    pf_actor_task_done or pf_actor_task_fail (now or later).               */
typedef void (pf_actor_task_fn)(pf_actor_t *actor, pf_task_t *task, void *arg);
/*  A CALL arrived.  The handler owns call until pf_actor_reply or
    pf_actor_reply_fail.                                                    */
typedef void (pf_actor_call_fn)(pf_actor_t *actor, pf_call_t *call, void *arg);
/*  An outgoing call finished (reply, error, timeout or lost connection).
    Called exactly once per successful pf_actor_call.                       */
typedef void (pf_actor_reply_fn)(pf_actor_t *actor, pf_reply_t *reply, void *arg);
/*  A timer fired (it is gone by then; cancelling it now is a no-op).      */
typedef void (pf_actor_timer_fn)(pf_actor_t *actor, uint64_t timer_id, void *arg);
/*  A watched descriptor is ready: revents has ZMQ_POLLIN / ZMQ_POLLOUT /
    ZMQ_POLLERR bits.                                                       */
typedef void (pf_actor_fd_fn)(pf_actor_t *actor, int fd, int revents, void *arg);

typedef struct {
    const char *service;        /* service name to register (required)    */
    const char *instance;       /* instance id; NULL = service-host-pid-rnd */
    const char *endpoint;       /* actor endpoint; NULL = config's         */
    uint32_t capacity;          /* credit to advertise; 0 = config's       */
    const pf_config_t *config;  /* heartbeat, liveness, reconnect, drain,
                                   socket limits; NULL = defaults          */
    pf_actor_task_fn *on_task;  /* TASK handler; NULL = fail every TASK    */
    pf_actor_call_fn *on_call;  /* CALL handler; NULL = refuse every CALL  */
    void *arg;                  /* passed to on_task and on_call           */
    bool handle_signals;        /* install SIGTERM/SIGINT handlers (drain,
                                   then stop); one actor per process      */
} pf_actor_opts_t;

/*  Creates an actor: checks opts, creates the zmq context, connects the
    socket and queues READY.  Nothing is exchanged until pf_actor_run.
    Returns NULL (with a line on stderr) when opts are invalid, a resource
    cannot be created, or handle_signals is asked while another actor of
    this process already handles them.                                     */
pf_actor_t *pf_actor_new(const pf_actor_opts_t *opts);

/*  Closes the socket and the context (waiting at most
    PF_ACTOR_FINAL_LINGER_MS for queued messages when run ended with a
    DISCONNECT), frees unanswered handles and pending timers and calls
    (their callbacks are not called), restores signal handlers.  Accepts
    NULL; nulls *self_p.                                                    */
void pf_actor_destroy(pf_actor_t **self_p);

/*  Runs the loop until the actor stops: after a drain (signal or
    pf_actor_drain) or pf_actor_stop.  Returns 0 then, or PF_EIO when the
    zmq context fails.  Once stopped, run returns 0 at once.               */
int pf_actor_run(pf_actor_t *self);

/*  Stops now: the loop sends DISCONNECT{shutdown} (if registered) and run
    returns.  Async-signal-safe and thread-safe.                           */
void pf_actor_stop(pf_actor_t *self);

/*  Starts a drain as the first SIGTERM does.  Async-signal-safe and
    thread-safe.                                                           */
void pf_actor_drain(pf_actor_t *self);

/*  The instance id (owned by the actor), and the service.                 */
const char *pf_actor_instance(const pf_actor_t *self);
const char *pf_actor_service(const pf_actor_t *self);

/*  True while the actor is registered (WELCOME received on the current
    connection).                                                           */
bool pf_actor_connected(const pf_actor_t *self);

/*  ---- tasks ---------------------------------------------------------- */

/*  Accessors; strings are owned by the task.                               */
uint64_t pf_task_id(const pf_task_t *task);
const char *pf_task_job_id(const pf_task_t *task);
const char *pf_task_module(const pf_task_t *task);
const char *pf_task_domain(const pf_task_t *task);
uint32_t pf_task_attempt(const pf_task_t *task);
uint32_t pf_task_timeout_ms(const pf_task_t *task);
/*  The inputs: a map module name -> that module's result map (owned by the
    task; empty when the module has no inputs).                            */
const pf_value_t *pf_task_inputs(const pf_task_t *task);

/*  False once the task is stale (see the file comment): a module may stop
    working on it early.                                                   */
bool pf_actor_task_live(const pf_actor_t *self, const pf_task_t *task);

/*  Completes *task_p with the result map *result_p.  Takes both (nulls the
    pointers) in every case.  Returns 0 when the RESULT was sent or the
    task was stale (nothing sent); PF_ETYPE when the result is not a map
    (a RESULT ok:false "internal" is sent instead); PF_ETOOBIG when it
    encodes to more than PFA_PAYLOAD_MAX (ok:false "result_too_large" is
    sent); PF_EIO when the socket refused the message.                     */
int pf_actor_task_done(pf_actor_t *self, pf_task_t **task_p, pf_value_t **result_p);

/*  Fails *task_p with a wire error code (a short snake_case word) and a
    message for people (either may be NULL: "failed", "").  Takes the task.
    Returns 0 (sent, or stale) or PF_EIO.                                  */
int pf_actor_task_fail(pf_actor_t *self, pf_task_t **task_p, const char *code,
                       const char *message);

/*  ---- incoming calls (serving a service) ----------------------------- */

const char *pf_call_service(const pf_call_t *call);
const char *pf_call_op(const pf_call_t *call);
uint32_t pf_call_timeout_ms(const pf_call_t *call);
/*  The argument map (owned by the call; empty map when none was sent).    */
const pf_value_t *pf_call_args(const pf_call_t *call);

/*  Answers *call_p with the reply map *reply_p (NULL = empty map).  Takes
    both.  Returns 0 (sent, or stale), PF_ETYPE (not a map: an error REPLY
    "internal" is sent instead), PF_ETOOBIG (over PFA_PAYLOAD_MAX: error
    "reply_too_large" sent) or PF_EIO.                                      */
int pf_actor_reply(pf_actor_t *self, pf_call_t **call_p, pf_value_t **reply_p);

/*  Answers *call_p with an error.  Takes the call.  0 or PF_EIO.          */
int pf_actor_reply_fail(pf_actor_t *self, pf_call_t **call_p, const char *code,
                        const char *message);

/*  ---- outgoing calls ------------------------------------------------- */

/*  Calls op on any instance of service through the coordinator.  Takes
    *args_p (NULL or *args_p NULL = empty map; must be a map).  timeout_ms
    0 means the config's call_timeout_ms.  On 0 the callback will run
    exactly once, from the loop, never from inside pf_actor_call: with the
    reply, the coordinator's error, PF_ETIMEDOUT when timeout_ms passes
    locally, or PF_EUNAVAIL when the connection is lost first.  Returns
    PF_EUNAVAIL when not registered, PF_EINVAL for a bad name or a non-map,
    PF_ETOOBIG for arguments over PFA_PAYLOAD_MAX, PF_EIO when the socket
    refused the message; the callback is then never called.               */
int pf_actor_call(pf_actor_t *self, const char *service, const char *op,
                  pf_value_t **args_p, uint32_t timeout_ms,
                  pf_actor_reply_fn *cb, void *arg);

/*  ---- timers, descriptors, tap events -------------------------------- */

/*  Arms a one-shot timer delay_ms from now (monotonic clock).  Timers due
    at the same moment fire in the order they were added.  Returns its id
    (never 0).                                                              */
uint64_t pf_actor_timer_add(pf_actor_t *self, uint32_t delay_ms,
                            pf_actor_timer_fn *fn, void *arg);

/*  Disarms a timer.  Returns 0, or PF_ENOTFOUND when it already fired or
    never existed.                                                          */
int pf_actor_timer_cancel(pf_actor_t *self, uint64_t timer_id);

/*  Watches fd for events (ZMQ_POLLIN | ZMQ_POLLOUT); watching a watched fd
    again replaces its events, callback and arg.  Returns 0 or PF_EINVAL.  */
int pf_actor_watch(pf_actor_t *self, int fd, int events, pf_actor_fd_fn *fn, void *arg);

/*  Stops watching fd.  Returns 0 or PF_ENOTFOUND.                          */
int pf_actor_unwatch(pf_actor_t *self, int fd);

/*  Sends a tap EVENT: takes *body_p (NULL = empty map; must be a map),
    adds ts (unix ms, float) and type (= topic).  Returns 0, PF_EUNAVAIL
    when not registered (the event is dropped: the tap is lossy), PF_EINVAL
    for a bad topic or non-map body, or PF_EIO.                             */
int pf_actor_emit(pf_actor_t *self, const char *topic, pf_value_t **body_p);

/*  Milliseconds on the monotonic clock (the clock timers use).            */
int64_t pf_actor_now_ms(void);

#ifdef __cplusplus
}
#endif
#endif
