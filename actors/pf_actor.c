/*  pf_actor.c — the actor runtime (see pf_actor.h).

    The connection to the coordinator is a small state machine:

        IDLE --(reconnect time)--> CONNECTING --(WELCOME)--> ACTIVE
          ^                            |                       |
          +----- silence, DISCONNECT, socket failure ----------+

    Every new connection gets a new DEALER socket (so a new routing id on
    the coordinator's ROUTER) and a new generation number.  Tasks and
    incoming calls remember the generation they arrived on; once it is not
    the current one the coordinator has forgotten them and re-dispatched
    the work, so answering them must send nothing.

    Everything runs on one thread around zmq_poll: a wake pipe (stop and
    drain requests, signals), the socket, watched descriptors, then due
    timers, then connection upkeep (heartbeats, liveness, reconnects, the
    end of a drain).                                                        */
#include "pf_log.h"
#include "pf_actor.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_error.h"
#include "pf_msgpack.h"
#include "pf_pfa.h"
#include "pf_wire.h"

/*  Bytes written to the wake pipe.                                         */
#define S_WAKE_STOP 'S'    /* pf_actor_stop                                 */
#define S_WAKE_DRAIN 'D'   /* pf_actor_drain                                */
#define S_WAKE_SIGNAL 'T'  /* SIGTERM / SIGINT: drain, the second stops     */

/*  Hex digits of randomness in a generated instance id.                   */
#define S_INSTANCE_RANDOM_BYTES 4
/*  The backoff doubles per failed attempt; past this shift it is capped
    anyway, and shifting further would overflow.                           */
#define S_BACKOFF_SHIFT_MAX 20

typedef enum {
    S_IDLE = 0,      /* no socket; waiting for reconnect_at                */
    S_CONNECTING,    /* READY sent, waiting for WELCOME                    */
    S_ACTIVE         /* registered                                         */
} s_state_t;

struct pf_task_t {
    pf_task_t *prev, *next;          /* the actor's list of held tasks      */
    uint64_t gen;                    /* connection generation it came on    */
    bool expired;                    /* local deadline passed, answered     */
    uint64_t deadline_timer;         /* timer id of the deadline, 0 = none  */
    int64_t started_ms;              /* monotonic arrival time              */
    uint64_t task_id;                /* coordinator's id, echoed in RESULT  */
    char job_id[PFA_NAME_MAX + 1];   /* job the task belongs to             */
    char module[PFA_NAME_MAX + 1];   /* module to run                       */
    char domain[256];                /* company domain                      */
    uint32_t attempt;                /* attempt number, echoed in RESULT    */
    uint32_t timeout_ms;             /* coordinator's deadline, 0 = none    */
    pf_value_t *inputs;              /* module name -> result map           */
};

struct pf_call_t {
    pf_call_t *prev, *next;          /* the actor's list of held calls      */
    uint64_t gen;                    /* connection generation it came on    */
    bool expired;                    /* local deadline passed, answered     */
    uint64_t deadline_timer;         /* timer id of the deadline, 0 = none  */
    uint64_t call_id;                /* coordinator's id, echoed in REPLY   */
    char service[PFA_NAME_MAX + 1];  /* the service called (ours)           */
    char op[PFA_NAME_MAX + 1];       /* operation asked for                 */
    uint32_t timeout_ms;             /* caller's deadline, 0 = none         */
    pf_value_t *args;                /* argument map                        */
};

/*  One outgoing call waiting for its REPLY.                                */
typedef struct s_out_t {
    struct s_out_t *prev, *next;     /* the actor's list of pending calls   */
    uint64_t call_id;                /* our id, echoed in REPLY             */
    uint64_t timer;                  /* local timeout timer id              */
    pf_actor_reply_fn *cb;           /* completion                          */
    void *arg;                       /* for cb                              */
} s_out_t;

/*  One armed timer (a binary min-heap entry).                              */
typedef struct {
    int64_t due;                     /* monotonic ms                        */
    uint64_t id;                     /* also the tie-breaker: FIFO          */
    pf_actor_timer_fn *fn;           /* callback                            */
    void *arg;                       /* for fn                              */
} s_timer_t;

/*  One watched descriptor.                                                 */
typedef struct {
    int fd;                          /* the descriptor                      */
    int events;                      /* ZMQ_POLLIN / ZMQ_POLLOUT            */
    pf_actor_fd_fn *fn;              /* callback                            */
    void *arg;                       /* for fn                              */
} s_watch_t;

struct pf_actor_t {
    pf_config_t cfg;                 /* copy of the configuration           */
    char service[PFA_NAME_MAX + 1];  /* registered service name             */
    char instance[PFA_INSTANCE_MAX + 1]; /* instance id                     */
    char host[PFA_HOST_MAX + 1];     /* host name sent in READY             */
    char endpoint[256];              /* coordinator's actor endpoint        */
    uint32_t capacity;               /* credit advertised                   */
    pf_actor_task_fn *on_task;       /* TASK handler or NULL                */
    pf_actor_call_fn *on_call;       /* CALL handler or NULL                */
    void *arg;                       /* for the handlers                    */

    void *ctx;                       /* zmq context                         */
    void *socket;                    /* DEALER, NULL while IDLE             */
    s_state_t state;                 /* connection state                    */
    uint64_t gen;                    /* current connection generation       */
    uint32_t hb_ms;                  /* heartbeat interval in force         */
    uint32_t liveness;               /* missed beats in force               */
    int64_t last_recv_ms;            /* anything heard from the coordinator */
    int64_t last_send_ms;            /* anything sent to it                 */
    int64_t reconnect_at_ms;         /* IDLE: when to open a new socket     */
    uint32_t failures;               /* connections lost since last WELCOME */

    bool started;                    /* run has begun                       */
    bool stopped;                    /* run is over                         */
    bool draining;                   /* DRAIN sent; finishing held work     */
    int64_t drain_deadline_ms;       /* when draining gives up              */
    uint32_t signals;                /* SIGTERM/SIGINT seen                 */
    bool handles_signals;            /* this actor owns the signal handlers */
    int wake[2];                     /* self-pipe: read end, write end      */

    pf_task_t *tasks;                /* every task not yet answered         */
    pf_call_t *calls;                /* every incoming call not answered    */
    size_t held;                     /* live tasks + calls (credit in use)  */
    s_out_t *outs;                   /* outgoing calls waiting              */
    uint64_t next_call_id;           /* last outgoing call id used          */

    s_timer_t *timers;               /* min-heap of armed timers            */
    size_t timer_count;              /* entries in timers                   */
    size_t timer_cap;                /* allocated entries                   */
    uint64_t next_timer_id;          /* last timer id handed out            */

    s_watch_t *watches;              /* watched descriptors                 */
    size_t watch_count;              /* entries in watches                  */
    size_t watch_cap;                /* allocated entries                   */
    zmq_pollitem_t *items;           /* poll set, rebuilt each iteration    */
    size_t item_cap;                 /* allocated entries                   */
};

/*  ---- process-wide signal plumbing ------------------------------------ */

static volatile sig_atomic_t s_signal_fd = -1;  /* wake pipe of the owner  */
static pf_actor_t *s_signal_owner;             /* actor handling signals  */
static struct sigaction s_old_term;            /* restored on destroy     */
static struct sigaction s_old_int;             /* restored on destroy     */

static void
s_on_signal(int sig)
{
    (void) sig;
    int saved = errno;
    char byte = S_WAKE_SIGNAL;
    if (s_signal_fd >= 0) {
        ssize_t n = write(s_signal_fd, &byte, 1);
        (void) n;   /* a full pipe already holds a wake-up                */
    }
    errno = saved;
}

/*  ---- clocks, logging, randomness ------------------------------------- */

int64_t
pf_actor_now_ms(void)
{
    return pf_clock_mono_ms();
}

static void
s_log(const pf_actor_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*  One line on stderr, written at once so lines of processes sharing the
    terminal do not interleave.                                             */
static void
s_log(const pf_actor_t *self, const char *fmt, ...)
{
    char who[PFA_INSTANCE_MAX + 16];
    snprintf(who, sizeof who, "pf actor %s", self->instance);
    va_list ap;
    va_start(ap, fmt);
    pf_logv(who, fmt, ap);
    va_end(ap);
}

/*  Reconnect delay for the current failure count: exponential between
    reconnect_min_ms and reconnect_max_ms, then "equal jitter" (a random
    point in the upper half) so a fleet that lost the coordinator together
    does not come back in lockstep.                                         */
static uint32_t
s_backoff_ms(const pf_actor_t *self)
{
    uint32_t shift = self->failures < S_BACKOFF_SHIFT_MAX ? self->failures : S_BACKOFF_SHIFT_MAX;
    uint64_t base = (uint64_t) self->cfg.reconnect_min_ms << shift;
    if (base > self->cfg.reconnect_max_ms)
        base = self->cfg.reconnect_max_ms;
    if (base < 2)
        return (uint32_t) base;
    uint32_t half = (uint32_t) (base / 2);
    return half + randombytes_uniform((uint32_t) base - half + 1);
}

/*  ---- timers ----------------------------------------------------------- */

static bool
s_timer_before(const s_timer_t *a, const s_timer_t *b)
{
    return a->due < b->due || (a->due == b->due && a->id < b->id);
}

static void
s_heap_swap(pf_actor_t *self, size_t i, size_t j)
{
    s_timer_t tmp = self->timers[i];
    self->timers[i] = self->timers[j];
    self->timers[j] = tmp;
}

static void
s_heap_up(pf_actor_t *self, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!s_timer_before(&self->timers[i], &self->timers[parent]))
            break;
        s_heap_swap(self, i, parent);
        i = parent;
    }
}

static void
s_heap_down(pf_actor_t *self, size_t i)
{
    for (;;) {
        size_t left = 2 * i + 1, right = left + 1, least = i;
        if (left < self->timer_count && s_timer_before(&self->timers[left], &self->timers[least]))
            least = left;
        if (right < self->timer_count && s_timer_before(&self->timers[right], &self->timers[least]))
            least = right;
        if (least == i)
            return;
        s_heap_swap(self, i, least);
        i = least;
    }
}

static void
s_heap_remove(pf_actor_t *self, size_t i)
{
    self->timer_count--;
    if (i == self->timer_count)
        return;
    self->timers[i] = self->timers[self->timer_count];
    s_heap_down(self, i);
    s_heap_up(self, i);
}

uint64_t
pf_actor_timer_add(pf_actor_t *self, uint32_t delay_ms, pf_actor_timer_fn *fn, void *arg)
{
    if (self->timer_count == self->timer_cap) {
        self->timer_cap = self->timer_cap ? self->timer_cap * 2 : 16;
        self->timers = pf_realloc(self->timers, self->timer_cap * sizeof *self->timers);
    }
    s_timer_t *t = &self->timers[self->timer_count];
    t->due = pf_actor_now_ms() + delay_ms;
    t->id = ++self->next_timer_id;
    t->fn = fn;
    t->arg = arg;
    self->timer_count++;
    s_heap_up(self, self->timer_count - 1);
    return self->next_timer_id;
}

int
pf_actor_timer_cancel(pf_actor_t *self, uint64_t timer_id)
{
    for (size_t i = 0; i < self->timer_count; i++) {
        if (self->timers[i].id == timer_id) {
            s_heap_remove(self, i);
            return PF_OK;
        }
    }
    return PF_ENOTFOUND;
}

/*  Fires every timer due now that existed before this round, so a timer
    that re-arms itself with delay 0 cannot starve the socket.             */
static void
s_fire_timers(pf_actor_t *self)
{
    uint64_t last_id = self->next_timer_id;
    int64_t now = pf_actor_now_ms();
    while (self->timer_count > 0 && !self->stopped) {
        s_timer_t top = self->timers[0];
        if (top.due > now || top.id > last_id)
            break;
        s_heap_remove(self, 0);
        top.fn(self, top.id, top.arg);
    }
}

/*  ---- descriptors ------------------------------------------------------ */

static s_watch_t *
s_watch_find(pf_actor_t *self, int fd)
{
    for (size_t i = 0; i < self->watch_count; i++)
        if (self->watches[i].fd == fd)
            return &self->watches[i];
    return NULL;
}

int
pf_actor_watch(pf_actor_t *self, int fd, int events, pf_actor_fd_fn *fn, void *arg)
{
    if (fd < 0 || !fn || (events & ~(ZMQ_POLLIN | ZMQ_POLLOUT)) != 0)
        return PF_EINVAL;
    s_watch_t *w = s_watch_find(self, fd);
    if (!w) {
        if (self->watch_count == self->watch_cap) {
            self->watch_cap = self->watch_cap ? self->watch_cap * 2 : 8;
            self->watches = pf_realloc(self->watches, self->watch_cap * sizeof *self->watches);
        }
        w = &self->watches[self->watch_count++];
    }
    w->fd = fd;
    w->events = events;
    w->fn = fn;
    w->arg = arg;
    return PF_OK;
}

int
pf_actor_unwatch(pf_actor_t *self, int fd)
{
    s_watch_t *w = s_watch_find(self, fd);
    if (!w)
        return PF_ENOTFOUND;
    *w = self->watches[--self->watch_count];
    return PF_OK;
}

/*  ---- sending ---------------------------------------------------------- */

static int
s_send(pf_actor_t *self, const pfa_msg_t *msg)
{
    if (!self->socket)
        return PF_EUNAVAIL;
    int rc = pf_wire_send_pfa(self->socket, NULL, msg);
    if (rc != PF_OK) {
        s_log(self, "cannot send %s: %s (%s)", pfa_cmd_name(msg->cmd), pf_strerror(rc),
              zmq_strerror(errno));
        return rc;
    }
    self->last_send_ms = pf_actor_now_ms();
    return PF_OK;
}

static void
s_send_simple(pf_actor_t *self, pfa_cmd_t cmd, const char *reason)
{
    pfa_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.cmd = cmd;
    if (reason)
        snprintf(msg.reason, sizeof msg.reason, "%s", reason);
    s_send(self, &msg);
}

static void
s_copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/*  Sends RESULT for task; payload (the encoded result map) only if ok.   */
static int
s_send_result(pf_actor_t *self, const pf_task_t *task, bool ok, const char *code,
              const char *message, const void *payload, size_t payload_size)
{
    pfa_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.cmd = PFA_RESULT;
    msg.task_id = task->task_id;
    s_copy(msg.job_id, sizeof msg.job_id, task->job_id);
    s_copy(msg.module, sizeof msg.module, task->module);
    msg.attempt = task->attempt;
    msg.ok = ok;
    int64_t elapsed = pf_actor_now_ms() - task->started_ms;
    msg.duration_ms = elapsed < 0 ? 0 : elapsed > UINT32_MAX ? UINT32_MAX : (uint32_t) elapsed;
    if (!ok) {
        s_copy(msg.error_code, sizeof msg.error_code, code && *code ? code : "failed");
        s_copy(msg.error_message, sizeof msg.error_message, message);
    }
    msg.payload = (void *) payload;
    msg.payload_size = payload_size;
    return s_send(self, &msg);
}

static int
s_send_reply(pf_actor_t *self, uint64_t call_id, bool ok, const char *code,
             const char *message, const void *payload, size_t payload_size)
{
    pfa_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.cmd = PFA_REPLY;
    msg.call_id = call_id;
    msg.ok = ok;
    if (!ok) {
        s_copy(msg.error_code, sizeof msg.error_code, code && *code ? code : "failed");
        s_copy(msg.error_message, sizeof msg.error_message, message);
    }
    msg.payload = (void *) payload;
    msg.payload_size = payload_size;
    return s_send(self, &msg);
}

/*  ---- connection management ------------------------------------------- */

/*  Opens a new DEALER and connects it.  Returns 0 or PF_EIO.               */
static int
s_open_socket(pf_actor_t *self)
{
    void *socket = zmq_socket(self->ctx, ZMQ_DEALER);
    if (!socket) {
        s_log(self, "cannot create socket: %s", zmq_strerror(errno));
        return PF_EIO;
    }
    if (pf_wire_setup(socket, self->cfg.max_msg_bytes, (int) self->cfg.sndhwm) != PF_OK
        || zmq_connect(socket, self->endpoint) != 0) {
        s_log(self, "cannot connect to %s: %s", self->endpoint, zmq_strerror(errno));
        zmq_close(socket);
        return PF_EIO;
    }
    self->socket = socket;
    return PF_OK;
}

/*  Sends READY on the current socket and starts the liveness clock.       */
static void
s_register(pf_actor_t *self)
{
    pfa_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.cmd = PFA_READY;
    s_copy(msg.service, sizeof msg.service, self->service);
    s_copy(msg.instance, sizeof msg.instance, self->instance);
    s_copy(msg.host, sizeof msg.host, self->host);
    msg.capacity = self->capacity;
    msg.pid = (int64_t) getpid();
    self->state = S_CONNECTING;
    self->hb_ms = self->cfg.heartbeat_ms;
    self->liveness = self->cfg.liveness;
    self->last_recv_ms = pf_actor_now_ms();
    s_send(self, &msg);
}

/*  Completes every outgoing call with status/code; the list is detached
    first because callbacks may start new calls.                           */
static void
s_fail_outs(pf_actor_t *self, int status, const char *code, const char *message)
{
    s_out_t *out = self->outs;
    self->outs = NULL;
    while (out) {
        s_out_t *next = out->next;
        pf_actor_timer_cancel(self, out->timer);
        pf_reply_t reply = { status, code, message, NULL };
        out->cb(self, &reply, out->arg);
        free(out);
        out = next;
    }
}

/*  Forgets the current connection: everything held on it goes stale (the
    coordinator re-dispatches it), pending calls fail with PF_EUNAVAIL, and
    a new connection is tried after delay_ms — unless we were draining, in
    which case nothing is left to finish and the actor stops.             */
static void
s_drop_connection(pf_actor_t *self, uint32_t delay_ms)
{
    if (self->socket) {
        zmq_close(self->socket);
        self->socket = NULL;
    }
    self->state = S_IDLE;
    self->gen++;
    self->held = 0;
    self->reconnect_at_ms = pf_actor_now_ms() + delay_ms;
    s_fail_outs(self, PF_EUNAVAIL, "unavailable", "connection to the coordinator lost");
    if (self->draining) {
        s_log(self, "connection lost while draining; stopping");
        self->draining = false;
        self->stopped = true;
    }
}

/*  Coordinator lost (silence, DISCONNECT, refusal): back off, reconnect.  */
static void
s_lost(pf_actor_t *self, const char *why)
{
    uint32_t delay = s_backoff_ms(self);
    self->failures++;
    s_log(self, "%s; reconnecting in %u ms", why, delay);
    s_drop_connection(self, delay);
}

static void
s_reconnect_now(pf_actor_t *self)
{
    if (s_open_socket(self) != PF_OK) {
        uint32_t delay = s_backoff_ms(self);
        self->failures++;
        self->reconnect_at_ms = pf_actor_now_ms() + delay;
        return;
    }
    s_register(self);
}

/*  The end: DISCONNECT{shutdown} if the coordinator knows us, then nothing
    more is sent (all held work goes stale).  The socket stays open until
    destroy so the last messages can leave within the linger time.        */
static void
s_finish(pf_actor_t *self)
{
    if (self->socket && self->state != S_IDLE) {
        s_send_simple(self, PFA_DISCONNECT, "shutdown");
        int linger = PF_ACTOR_FINAL_LINGER_MS;
        zmq_setsockopt(self->socket, ZMQ_LINGER, &linger, sizeof linger);
    }
    self->state = S_IDLE;
    self->gen++;
    self->held = 0;
    self->draining = false;
    self->stopped = true;
    s_log(self, "stopped");
}

static void
s_start_drain(pf_actor_t *self)
{
    if (self->draining || self->stopped)
        return;
    if (self->state != S_ACTIVE) {
        /* Nothing we hold is owed to anyone: stop at once.                */
        s_finish(self);
        return;
    }
    s_send_simple(self, PFA_DRAIN, NULL);
    self->draining = true;
    self->drain_deadline_ms = pf_actor_now_ms() + self->cfg.drain_ms;
    s_log(self, "draining: %zu in flight, grace %u ms", self->held, self->cfg.drain_ms);
}

/*  ---- handles ---------------------------------------------------------- */

static bool
s_task_is_live(const pf_actor_t *self, const pf_task_t *task)
{
    return task->gen == self->gen && !task->expired && !self->stopped;
}

static bool
s_call_is_live(const pf_actor_t *self, const pf_call_t *call)
{
    return call->gen == self->gen && !call->expired && !self->stopped;
}

static void
s_task_free(pf_actor_t *self, pf_task_t *task)
{
    if (task->prev)
        task->prev->next = task->next;
    else
        self->tasks = task->next;
    if (task->next)
        task->next->prev = task->prev;
    if (task->deadline_timer)
        pf_actor_timer_cancel(self, task->deadline_timer);
    pf_value_destroy(&task->inputs);
    free(task);
}

static void
s_call_free(pf_actor_t *self, pf_call_t *call)
{
    if (call->prev)
        call->prev->next = call->next;
    else
        self->calls = call->next;
    if (call->next)
        call->next->prev = call->prev;
    if (call->deadline_timer)
        pf_actor_timer_cancel(self, call->deadline_timer);
    pf_value_destroy(&call->args);
    free(call);
}

/*  A task ran past the coordinator's deadline: answer "timeout" now so
    its credit comes back even if the module never finishes.              */
static void
s_task_deadline(pf_actor_t *self, uint64_t timer_id, void *arg)
{
    pf_task_t *task = arg;
    task->deadline_timer = 0;
    if (!s_task_is_live(self, task))
        return;
    task->expired = true;
    self->held--;
    s_send_result(self, task, false, "timeout", "module exceeded its deadline", NULL, 0);
}

static void
s_call_deadline(pf_actor_t *self, uint64_t timer_id, void *arg)
{
    pf_call_t *call = arg;
    call->deadline_timer = 0;
    if (!s_call_is_live(self, call))
        return;
    call->expired = true;
    self->held--;
    s_send_reply(self, call->call_id, false, "timeout", "call exceeded its deadline", NULL, 0);
}

/*  Decodes an optional payload that must be a map; absent = empty map.    */
static int
s_decode_map(const pfa_msg_t *msg, pf_value_t **map_p)
{
    if (!msg->payload || msg->payload_size == 0) {
        *map_p = pf_value_map();
        return PF_OK;
    }
    pf_value_t *v = NULL;
    int rc = pf_msgpack_decode(msg->payload, msg->payload_size, &PF_LIMITS_PAYLOAD, &v);
    if (rc != PF_OK)
        return rc;
    if (!pf_value_is(v, PF_MAP)) {
        pf_value_destroy(&v);
        return PF_ETYPE;
    }
    *map_p = v;
    return PF_OK;
}

/*  ---- incoming messages ------------------------------------------------ */

static void
s_on_task(pf_actor_t *self, const pfa_msg_t *msg)
{
    pf_task_t *task = pf_calloc(1, sizeof *task);
    task->gen = self->gen;
    task->started_ms = pf_actor_now_ms();
    task->task_id = msg->task_id;
    s_copy(task->job_id, sizeof task->job_id, msg->job_id);
    s_copy(task->module, sizeof task->module, msg->module);
    s_copy(task->domain, sizeof task->domain, msg->domain);
    task->attempt = msg->attempt;
    task->timeout_ms = msg->timeout_ms;
    /* A TASK that raced with our DRAIN goes straight back: "draining" tells
       the coordinator to give it to another instance at once, without
       counting a failed attempt.                                           */
    if (self->draining) {
        s_send_result(self, task, false, "draining", "this instance is draining", NULL, 0);
        free(task);
        return;
    }
    if (!self->on_task) {
        s_send_result(self, task, false, "unsupported", "this actor runs no tasks", NULL, 0);
        free(task);
        return;
    }
    int rc = s_decode_map(msg, &task->inputs);
    if (rc != PF_OK) {
        s_send_result(self, task, false, "bad_input", "task inputs are not a msgpack map",
                      NULL, 0);
        free(task);
        return;
    }
    task->next = self->tasks;
    if (self->tasks)
        self->tasks->prev = task;
    self->tasks = task;
    self->held++;
    if (task->timeout_ms > 0)
        task->deadline_timer = pf_actor_timer_add(self, task->timeout_ms, s_task_deadline, task);
    self->on_task(self, task, self->arg);
}

static void
s_on_call(pf_actor_t *self, const pfa_msg_t *msg)
{
    if (self->draining) {
        s_send_reply(self, msg->call_id, false, "draining", "this instance is draining", NULL, 0);
        return;
    }
    if (!self->on_call) {
        s_send_reply(self, msg->call_id, false, "unsupported", "this actor serves no calls",
                     NULL, 0);
        return;
    }
    pf_value_t *args = NULL;
    if (s_decode_map(msg, &args) != PF_OK) {
        s_send_reply(self, msg->call_id, false, "bad_request", "call arguments are not a map",
                     NULL, 0);
        return;
    }
    pf_call_t *call = pf_calloc(1, sizeof *call);
    call->gen = self->gen;
    call->call_id = msg->call_id;
    s_copy(call->service, sizeof call->service, msg->service);
    s_copy(call->op, sizeof call->op, msg->op);
    call->timeout_ms = msg->timeout_ms;
    call->args = args;
    call->next = self->calls;
    if (self->calls)
        self->calls->prev = call;
    self->calls = call;
    self->held++;
    if (call->timeout_ms > 0)
        call->deadline_timer = pf_actor_timer_add(self, call->timeout_ms, s_call_deadline, call);
    self->on_call(self, call, self->arg);
}

static void
s_out_unlink(pf_actor_t *self, s_out_t *out)
{
    if (out->prev)
        out->prev->next = out->next;
    else
        self->outs = out->next;
    if (out->next)
        out->next->prev = out->prev;
}

/*  The coordinator's error codes for calls, as status codes.              */
static int
s_status_of(const char *code)
{
    if (strcmp(code, "timeout") == 0)
        return PF_ETIMEDOUT;
    if (strcmp(code, "unavailable") == 0)
        return PF_EUNAVAIL;
    if (strcmp(code, "unknown_service") == 0)
        return PF_EUNKNOWN;
    return PF_EIO;
}

static void
s_on_reply(pf_actor_t *self, const pfa_msg_t *msg)
{
    s_out_t *out = self->outs;
    while (out && out->call_id != msg->call_id)
        out = out->next;
    if (!out)
        return;   /* answered already (local timeout) or never ours       */
    s_out_unlink(self, out);
    pf_actor_timer_cancel(self, out->timer);
    pf_reply_t reply = { PF_OK, "", "", NULL };
    if (msg->ok) {
        if (s_decode_map(msg, &reply.value) != PF_OK) {
            reply.status = PF_EPROTO;
            reply.error_code = "bad_reply";
            reply.error_message = "reply is not a msgpack map";
        }
    } else {
        reply.error_code = msg->error_code[0] ? msg->error_code : "failed";
        reply.error_message = msg->error_message;
        reply.status = s_status_of(reply.error_code);
    }
    out->cb(self, &reply, out->arg);
    pf_value_destroy(&reply.value);
    free(out);
}

static void
s_on_disconnect(pf_actor_t *self, const pfa_msg_t *msg)
{
    if (strcmp(msg->reason, "unknown_peer") == 0 && self->state == S_ACTIVE) {
        /* The coordinator restarted or declared us dead: it answers READY
           at once, so there is nothing to back off from.                  */
        s_log(self, "coordinator does not know us; registering again");
        s_drop_connection(self, 0);
        return;
    }
    char why[128];
    snprintf(why, sizeof why, "coordinator disconnected us (%s)",
             msg->reason[0] ? msg->reason : "no reason");
    s_lost(self, why);
}

static void
s_dispatch(pf_actor_t *self, const pfa_msg_t *msg)
{
    switch (msg->cmd) {
    case PFA_WELCOME:
        if (self->state == S_CONNECTING)
            s_log(self, "registered as %s (heartbeat %u ms, liveness %u)", self->service,
                  msg->heartbeat_ms, msg->liveness);
        self->state = S_ACTIVE;
        self->hb_ms = msg->heartbeat_ms;
        self->liveness = msg->liveness;
        self->failures = 0;
        break;
    case PFA_HEARTBEAT:
        break;
    case PFA_TASK:
        s_on_task(self, msg);
        break;
    case PFA_CALL:
        s_on_call(self, msg);
        break;
    case PFA_REPLY:
        s_on_reply(self, msg);
        break;
    case PFA_DISCONNECT:
        s_on_disconnect(self, msg);
        break;
    default:
        s_log(self, "ignoring %s from the coordinator", pfa_cmd_name(msg->cmd));
        break;
    }
}

/*  Reads what the socket holds (bounded per round).  Any message, even a
    malformed one, proves the coordinator alive.                           */
static int
s_recv(pf_actor_t *self)
{
    uint64_t gen = self->gen;
    for (int i = 0; i < PF_ACTOR_RECV_BATCH; i++) {
        if (!self->socket || self->gen != gen || self->stopped)
            return PF_OK;
        pf_wire_msg_t wire;
        if (pf_wire_recv(self->socket, &wire, ZMQ_DONTWAIT) != PF_OK) {
            if (errno == EAGAIN || errno == EINTR)
                return PF_OK;
            if (errno == ETERM)
                return PF_EIO;
            s_lost(self, "socket failed");
            return PF_OK;
        }
        self->last_recv_ms = pf_actor_now_ms();
        pf_frame_t frames[PF_WIRE_MAX_FRAMES];
        size_t count = pf_wire_frames(&wire, 0, frames, PF_WIRE_MAX_FRAMES);
        pfa_msg_t *msg = NULL;
        int rc = wire.count > wire.kept ? PF_EPROTO : pfa_decode(frames, count, &msg);
        pf_wire_msg_close(&wire);
        if (rc != PF_OK) {
            s_log(self, "malformed message from the coordinator: %s", pf_strerror(rc));
            continue;
        }
        s_dispatch(self, msg);
        pfa_msg_destroy(&msg);
    }
    return PF_OK;
}

static void
s_read_wake(pf_actor_t *self)
{
    char bytes[64];
    ssize_t n;
    while ((n = read(self->wake[0], bytes, sizeof bytes)) > 0) {
        for (ssize_t i = 0; i < n && !self->stopped; i++) {
            switch (bytes[i]) {
            case S_WAKE_STOP:
                s_finish(self);
                break;
            case S_WAKE_DRAIN:
                s_start_drain(self);
                break;
            case S_WAKE_SIGNAL:
                if (++self->signals == 1) {
                    s_log(self, "signal received: draining (again to stop now)");
                    s_start_drain(self);
                } else {
                    s_log(self, "second signal: stopping now");
                    s_finish(self);
                }
                break;
            default:
                break;
            }
        }
    }
}

/*  Heartbeats, liveness, reconnects, the end of a drain.                  */
static void
s_maintain(pf_actor_t *self)
{
    int64_t now = pf_actor_now_ms();
    if (self->state == S_IDLE && !self->stopped) {
        if (now >= self->reconnect_at_ms)
            s_reconnect_now(self);
    } else if (self->state != S_IDLE) {
        int64_t dead_after = (int64_t) self->hb_ms * self->liveness;
        if (now - self->last_recv_ms >= dead_after) {
            char why[128];
            snprintf(why, sizeof why, "coordinator silent for %lld ms",
                     (long long) (now - self->last_recv_ms));
            s_lost(self, why);
        } else if (self->state == S_ACTIVE && now - self->last_send_ms >= self->hb_ms) {
            s_send_simple(self, PFA_HEARTBEAT, NULL);
        }
    }
    if (self->draining) {
        if (self->held == 0) {
            s_finish(self);
        } else if (now >= self->drain_deadline_ms) {
            s_log(self, "drain grace over with %zu in flight", self->held);
            s_finish(self);
        }
    }
}

/*  Milliseconds zmq_poll may sleep: until the next timer or deadline.     */
static long
s_poll_timeout(const pf_actor_t *self)
{
    int64_t next = INT64_MAX;
    if (self->timer_count > 0)
        next = self->timers[0].due;
    if (self->state == S_IDLE) {
        if (self->reconnect_at_ms < next)
            next = self->reconnect_at_ms;
    } else {
        int64_t dead = self->last_recv_ms + (int64_t) self->hb_ms * self->liveness;
        if (dead < next)
            next = dead;
        if (self->state == S_ACTIVE && self->last_send_ms + self->hb_ms < next)
            next = self->last_send_ms + self->hb_ms;
    }
    if (self->draining && self->drain_deadline_ms < next)
        next = self->drain_deadline_ms;
    if (next == INT64_MAX)
        return -1;
    int64_t wait = next - pf_actor_now_ms();
    return wait < 0 ? 0 : (long) wait;
}

/*  ---- lifecycle -------------------------------------------------------- */

static bool
s_name_ok(const char *name, size_t max)
{
    return name && *name && strlen(name) <= max;
}

static int
s_install_signals(pf_actor_t *self)
{
    if (s_signal_owner)
        return PF_ESTATE;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGINT);
    s_signal_fd = self->wake[1];
    if (sigaction(SIGTERM, &sa, &s_old_term) != 0)
        return PF_EIO;
    if (sigaction(SIGINT, &sa, &s_old_int) != 0) {
        sigaction(SIGTERM, &s_old_term, NULL);
        return PF_EIO;
    }
    s_signal_owner = self;
    self->handles_signals = true;
    return PF_OK;
}

pf_actor_t *
pf_actor_new(const pf_actor_opts_t *opts)
{
    if (!opts || !s_name_ok(opts->service, PFA_NAME_MAX)
        || (opts->instance && !s_name_ok(opts->instance, PFA_INSTANCE_MAX))) {
        fprintf(stderr, "pf actor: service (1..%d bytes) and instance (1..%d bytes) required\n",
                PFA_NAME_MAX, PFA_INSTANCE_MAX);
        return NULL;
    }
    pf_actor_t *self = pf_calloc(1, sizeof *self);
    self->wake[0] = self->wake[1] = -1;
    if (opts->config)
        self->cfg = *opts->config;
    else
        pf_config_defaults(&self->cfg);
    s_copy(self->service, sizeof self->service, opts->service);
    const char *endpoint = opts->endpoint ? opts->endpoint : self->cfg.actor_endpoint;
    self->capacity = opts->capacity ? opts->capacity : self->cfg.capacity;
    self->on_task = opts->on_task;
    self->on_call = opts->on_call;
    self->arg = opts->arg;
    if (gethostname(self->host, sizeof self->host - 1) != 0)
        s_copy(self->host, sizeof self->host, "unknown");
    self->host[sizeof self->host - 1] = '\0';
    if (sodium_init() < 0) {
        fprintf(stderr, "pf actor: libsodium failed to initialise\n");
        free(self);
        return NULL;
    }
    if (opts->instance) {
        s_copy(self->instance, sizeof self->instance, opts->instance);
    } else {
        unsigned char rnd[S_INSTANCE_RANDOM_BYTES];
        randombytes_buf(rnd, sizeof rnd);
        char hex[2 * S_INSTANCE_RANDOM_BYTES + 1];
        sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
        char tail[64];
        snprintf(tail, sizeof tail, "-%lld-%s", (long long) getpid(), hex);
        /* The host is what gets cut when the id would be too long.       */
        int room = (int) (PFA_INSTANCE_MAX - strlen(self->service) - 1 - strlen(tail));
        char id[PFA_NAME_MAX + PFA_HOST_MAX + sizeof tail + 2];
        snprintf(id, sizeof id, "%s-%.*s%s", self->service, room > 0 ? room : 0, self->host,
                 tail);
        size_t len = strlen(id);
        assert(len < sizeof self->instance);   /* room was computed for it */
        memcpy(self->instance, id, len + 1);
    }

    const char *bad = NULL;
    if (!endpoint || !*endpoint || strlen(endpoint) >= sizeof self->endpoint)
        bad = "endpoint missing or too long";
    else if (self->capacity < 1 || self->capacity > PFA_CAPACITY_MAX)
        bad = "capacity out of range";
    else if (self->cfg.heartbeat_ms < 1 || self->cfg.liveness < 1)
        bad = "heartbeat_ms and liveness must be positive";
    else if (self->cfg.reconnect_min_ms > self->cfg.reconnect_max_ms)
        bad = "reconnect_min_ms exceeds reconnect_max_ms";
    if (bad) {
        fprintf(stderr, "pf actor %s: %s\n", self->instance, bad);
        free(self);
        return NULL;
    }
    s_copy(self->endpoint, sizeof self->endpoint, endpoint);

    if (pipe2(self->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        fprintf(stderr, "pf actor %s: cannot create wake pipe: %s\n", self->instance,
                strerror(errno));
        self->wake[0] = self->wake[1] = -1;
        pf_actor_destroy(&self);
        return NULL;
    }
    self->ctx = zmq_ctx_new();
    if (!self->ctx) {
        fprintf(stderr, "pf actor %s: cannot create zmq context: %s\n", self->instance,
                zmq_strerror(errno));
        pf_actor_destroy(&self);
        return NULL;
    }
    if (s_open_socket(self) != PF_OK) {
        pf_actor_destroy(&self);
        return NULL;
    }
    self->state = S_CONNECTING;
    if (opts->handle_signals) {
        int rc = s_install_signals(self);
        if (rc != PF_OK) {
            fprintf(stderr, "pf actor %s: cannot install signal handlers: %s\n",
                    self->instance, pf_strerror(rc));
            pf_actor_destroy(&self);
            return NULL;
        }
    }
    return self;
}

void
pf_actor_destroy(pf_actor_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_actor_t *self = *self_p;
    if (self->handles_signals) {
        sigaction(SIGTERM, &s_old_term, NULL);
        sigaction(SIGINT, &s_old_int, NULL);
        s_signal_fd = -1;
        s_signal_owner = NULL;
    }
    if (self->socket)
        zmq_close(self->socket);
    if (self->ctx)
        zmq_ctx_term(self->ctx);
    while (self->tasks)
        s_task_free(self, self->tasks);
    while (self->calls)
        s_call_free(self, self->calls);
    while (self->outs) {
        s_out_t *out = self->outs;
        self->outs = out->next;
        free(out);
    }
    free(self->timers);
    free(self->watches);
    free(self->items);
    if (self->wake[0] >= 0)
        close(self->wake[0]);
    if (self->wake[1] >= 0)
        close(self->wake[1]);
    free(self);
    *self_p = NULL;
}

int
pf_actor_run(pf_actor_t *self)
{
    if (self->stopped)
        return PF_OK;
    if (!self->started) {
        self->started = true;
        s_register(self);
    }
    while (!self->stopped) {
        size_t need = 2 + self->watch_count;
        if (need > self->item_cap) {
            self->item_cap = need;
            self->items = pf_realloc(self->items, need * sizeof *self->items);
        }
        zmq_pollitem_t *items = self->items;
        size_t n = 0;
        items[n++] = (zmq_pollitem_t) { NULL, self->wake[0], ZMQ_POLLIN, 0 };
        size_t socket_at = 0;
        if (self->socket) {
            socket_at = n;
            items[n++] = (zmq_pollitem_t) { self->socket, 0, ZMQ_POLLIN, 0 };
        }
        size_t watches_at = n;
        for (size_t i = 0; i < self->watch_count; i++)
            items[n++] = (zmq_pollitem_t) { NULL, self->watches[i].fd,
                                            (short) self->watches[i].events, 0 };

        int rc = zmq_poll(items, (int) n, s_poll_timeout(self));
        if (rc < 0) {
            if (errno == EINTR)
                continue;   /* the signal handler has written the pipe   */
            s_log(self, "poll failed: %s", zmq_strerror(errno));
            return PF_EIO;
        }
        if (items[0].revents & ZMQ_POLLIN)
            s_read_wake(self);
        if (socket_at && (items[socket_at].revents & ZMQ_POLLIN) && !self->stopped) {
            if (s_recv(self) != PF_OK)
                return PF_EIO;
        }
        /* Callbacks may (un)watch descriptors: look each one up again.   */
        for (size_t i = watches_at; i < n && !self->stopped; i++) {
            if (!items[i].revents)
                continue;
            int fd = items[i].fd;
            int revents = items[i].revents;
            s_watch_t *w = s_watch_find(self, fd);
            if (w && (revents & (w->events | ZMQ_POLLERR)))
                w->fn(self, fd, revents, w->arg);
        }
        s_fire_timers(self);
        if (!self->stopped)
            s_maintain(self);
    }
    return PF_OK;
}

static void
s_wake(pf_actor_t *self, char byte)
{
    ssize_t n = write(self->wake[1], &byte, 1);
    (void) n;   /* a full pipe already holds a wake-up                    */
}

void
pf_actor_stop(pf_actor_t *self)
{
    s_wake(self, S_WAKE_STOP);
}

void
pf_actor_drain(pf_actor_t *self)
{
    s_wake(self, S_WAKE_DRAIN);
}

const char *
pf_actor_instance(const pf_actor_t *self)
{
    return self->instance;
}

const char *
pf_actor_service(const pf_actor_t *self)
{
    return self->service;
}

bool
pf_actor_connected(const pf_actor_t *self)
{
    return self->state == S_ACTIVE && !self->stopped;
}

/*  ---- task API --------------------------------------------------------- */

uint64_t pf_task_id(const pf_task_t *task) { return task->task_id; }
const char *pf_task_job_id(const pf_task_t *task) { return task->job_id; }
const char *pf_task_module(const pf_task_t *task) { return task->module; }
const char *pf_task_domain(const pf_task_t *task) { return task->domain; }
uint32_t pf_task_attempt(const pf_task_t *task) { return task->attempt; }
uint32_t pf_task_timeout_ms(const pf_task_t *task) { return task->timeout_ms; }
const pf_value_t *pf_task_inputs(const pf_task_t *task) { return task->inputs; }

bool
pf_actor_task_live(const pf_actor_t *self, const pf_task_t *task)
{
    return s_task_is_live(self, task);
}

/*  Encodes what a handler answered (a result or a call reply): it must be
    a map of at most max bytes.  Returns 0 with the bytes, or PF_ETYPE /
    PF_ETOOBIG with the wire error code and message to send instead.        */
static int
s_encode_answer(pf_actor_t *self, const char *what, const pf_value_t *value, size_t max,
                uint8_t **data_p, size_t *size_p, const char **code, const char **why)
{
    if (!pf_value_is(value, PF_MAP) || pf_msgpack_encode(value, data_p, size_p) != PF_OK) {
        s_log(self, "%s answered something that is not a map", what);
        *code = "internal";
        *why = "the answer is not a msgpack map";
        return PF_ETYPE;
    }
    if (*size_p > max) {
        s_log(self, "%s answered %zu bytes, over the limit of %zu", what, *size_p, max);
        free(*data_p);
        *data_p = NULL;
        *code = "result_too_large";
        *why = "the answer exceeds its size limit";
        return PF_ETOOBIG;
    }
    return PF_OK;
}

int
pf_actor_task_done(pf_actor_t *self, pf_task_t **task_p, pf_value_t **result_p)
{
    pf_task_t *task = *task_p;
    *task_p = NULL;
    pf_value_t *result = result_p ? *result_p : NULL;
    if (result_p)
        *result_p = NULL;
    int rc = PF_OK;
    if (s_task_is_live(self, task)) {
        self->held--;
        uint8_t *data = NULL;
        size_t size = 0;
        const char *code = NULL, *why = NULL;
        rc = s_encode_answer(self, task->module, result, PF_RESULT_MAX_BYTES, &data, &size,
                             &code, &why);
        if (rc == PF_OK)
            rc = s_send_result(self, task, true, NULL, NULL, data, size);
        else
            s_send_result(self, task, false, code, why, NULL, 0);
        free(data);
    }
    pf_value_destroy(&result);
    s_task_free(self, task);
    return rc;
}

int
pf_actor_task_fail(pf_actor_t *self, pf_task_t **task_p, const char *code, const char *message)
{
    pf_task_t *task = *task_p;
    *task_p = NULL;
    int rc = PF_OK;
    if (s_task_is_live(self, task)) {
        self->held--;
        rc = s_send_result(self, task, false, code, message, NULL, 0);
    }
    s_task_free(self, task);
    return rc;
}

/*  ---- incoming call API ------------------------------------------------ */

const char *pf_call_service(const pf_call_t *call) { return call->service; }
const char *pf_call_op(const pf_call_t *call) { return call->op; }
uint32_t pf_call_timeout_ms(const pf_call_t *call) { return call->timeout_ms; }
const pf_value_t *pf_call_args(const pf_call_t *call) { return call->args; }

int
pf_actor_reply(pf_actor_t *self, pf_call_t **call_p, pf_value_t **reply_p)
{
    pf_call_t *call = *call_p;
    *call_p = NULL;
    pf_value_t *reply = reply_p ? *reply_p : NULL;
    if (reply_p)
        *reply_p = NULL;
    if (!reply)
        reply = pf_value_map();
    int rc = PF_OK;
    if (s_call_is_live(self, call)) {
        self->held--;
        uint8_t *data = NULL;
        size_t size = 0;
        const char *code = NULL, *why = NULL;
        rc = s_encode_answer(self, call->op, reply, PFA_PAYLOAD_MAX, &data, &size, &code, &why);
        if (rc == PF_OK)
            rc = s_send_reply(self, call->call_id, true, NULL, NULL, data, size);
        else
            s_send_reply(self, call->call_id, false, code, why, NULL, 0);
        free(data);
    }
    pf_value_destroy(&reply);
    s_call_free(self, call);
    return rc;
}

int
pf_actor_reply_fail(pf_actor_t *self, pf_call_t **call_p, const char *code, const char *message)
{
    pf_call_t *call = *call_p;
    *call_p = NULL;
    int rc = PF_OK;
    if (s_call_is_live(self, call)) {
        self->held--;
        rc = s_send_reply(self, call->call_id, false, code, message, NULL, 0);
    }
    s_call_free(self, call);
    return rc;
}

/*  ---- outgoing call API ------------------------------------------------ */

static void
s_out_timeout(pf_actor_t *self, uint64_t timer_id, void *arg)
{
    s_out_t *out = arg;
    s_out_unlink(self, out);
    pf_reply_t reply = { PF_ETIMEDOUT, "timeout", "no reply within the call's timeout", NULL };
    out->cb(self, &reply, out->arg);
    free(out);
}

int
pf_actor_call(pf_actor_t *self, const char *service, const char *op, pf_value_t **args_p,
              uint32_t timeout_ms, pf_actor_reply_fn *cb, void *arg)
{
    pf_value_t *args = args_p ? *args_p : NULL;
    if (args_p)
        *args_p = NULL;
    if (!args)
        args = pf_value_map();
    int rc = PF_OK;
    uint8_t *data = NULL;
    size_t size = 0;
    if (!cb || !s_name_ok(service, PFA_NAME_MAX) || !s_name_ok(op, PFA_NAME_MAX)
        || !pf_value_is(args, PF_MAP))
        rc = PF_EINVAL;
    else if (self->state != S_ACTIVE || self->stopped)
        rc = PF_EUNAVAIL;
    else
        rc = pf_msgpack_encode(args, &data, &size);
    if (rc == PF_OK && size > PFA_PAYLOAD_MAX)
        rc = PF_ETOOBIG;
    pf_value_destroy(&args);
    if (rc != PF_OK) {
        free(data);
        return rc;
    }
    if (timeout_ms == 0)
        timeout_ms = self->cfg.call_timeout_ms;
    pfa_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.cmd = PFA_CALL;
    msg.call_id = ++self->next_call_id;
    s_copy(msg.service, sizeof msg.service, service);
    s_copy(msg.op, sizeof msg.op, op);
    msg.timeout_ms = timeout_ms;
    msg.payload = data;
    msg.payload_size = size;
    rc = s_send(self, &msg);
    free(data);
    if (rc != PF_OK)
        return rc;
    s_out_t *out = pf_calloc(1, sizeof *out);
    out->call_id = msg.call_id;
    out->cb = cb;
    out->arg = arg;
    out->next = self->outs;
    if (self->outs)
        self->outs->prev = out;
    self->outs = out;
    out->timer = pf_actor_timer_add(self, timeout_ms, s_out_timeout, out);
    return PF_OK;
}

/*  ---- tap events ------------------------------------------------------- */

int
pf_actor_emit(pf_actor_t *self, const char *topic, pf_value_t **body_p)
{
    pf_value_t *body = body_p ? *body_p : NULL;
    if (body_p)
        *body_p = NULL;
    if (!body)
        body = pf_value_map();
    int rc = PF_OK;
    if (!s_name_ok(topic, PFA_NAME_MAX) || !pf_value_is(body, PF_MAP))
        rc = PF_EINVAL;
    else if (self->state != S_ACTIVE || self->stopped)
        rc = PF_EUNAVAIL;
    uint8_t *data = NULL;
    size_t size = 0;
    if (rc == PF_OK) {
        pf_map_set_float(body, "ts", pf_clock_wall_ms());
        pf_map_set_str(body, "type", topic);
        rc = pf_msgpack_encode(body, &data, &size);
    }
    if (rc == PF_OK) {
        pfa_msg_t msg;
        memset(&msg, 0, sizeof msg);
        msg.cmd = PFA_EVENT;
        s_copy(msg.topic, sizeof msg.topic, topic);
        msg.payload = data;
        msg.payload_size = size;
        rc = s_send(self, &msg);
    }
    free(data);
    pf_value_destroy(&body);
    return rc;
}
