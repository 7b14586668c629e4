/*  pf_supervisor.c — child process supervision (see pf_supervisor.h).

    Signals only write a byte to a self-pipe; everything else happens in
    pf_supervisor_poll: reap exited children with waitpid(pid, WNOHANG) on
    our own pids (never waitpid(-1): the process may have other children),
    restart the ones whose backoff is over, and walk the stop sequence.
    The wait is a zmq_poll over the self-pipe and the watched sockets.     */
#include "pf_log.h"
#include "pf_supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_error.h"

/*  Bytes written to the self-pipe.                                         */
#define S_WAKE_CHILD 'C'   /* SIGCHLD                                       */
#define S_WAKE_SIGNAL 'T'  /* SIGTERM / SIGINT                              */
#define S_WAKE_STOP 'S'    /* pf_supervisor_stop                            */

/*  Restart delays double per recent restart; the shift is capped so it
    cannot overflow (the delay is capped far below anyway).               */
#define S_SHIFT_MAX 20

typedef struct {
    char *name;                  /* unique child name                       */
    int tier;                    /* stop order: higher tiers stop first     */
    char *path;                  /* executable                              */
    char **argv;                 /* NULL-terminated copy                    */
    pf_child_state_t state;      /* lifecycle                               */
    pid_t pid;                   /* live process, or 0                      */
    int64_t restart_at_ms;       /* BACKOFF: when to start again            */
    int64_t *recent;             /* start times of recent restarts          */
    uint32_t recent_count;       /* entries in recent                       */
    uint32_t restarts;           /* automatic restarts so far               */
    int64_t started_at_ms;       /* unix ms the live process started        */
    int64_t kill_at_ms;          /* RESTARTING: SIGKILL it then             */
    bool kill_sent;              /* RESTARTING: SIGKILL already sent        */
} s_child_t;

typedef struct {
    void *socket;                /* watched ZeroMQ socket (borrowed)        */
    pf_supervisor_watch_fn *fn;  /* called when it is readable              */
    void *arg;                   /* passed to fn                            */
} s_watch_t;

struct pf_supervisor_t {
    pf_supervisor_opts_t opts;   /* copy of the options                     */
    char prefix[64];             /* log prefix                              */
    s_child_t *children;         /* every child                             */
    size_t count;                /* entries in children                     */
    int wake[2];                 /* self-pipe: read end, write end          */
    bool stopping;               /* stop sequence under way                 */
    bool killing;                /* second signal: SIGKILL everything       */
    bool killed_all;             /* ... and that SIGKILL has been sent      */
    bool done;                   /* nothing left to supervise               */
    bool gave_up_all;            /* done because every child gave up        */
    uint32_t signals;            /* SIGTERM/SIGINT seen                     */
    int stop_tier;               /* tier being stopped; INT_MAX = none yet  */
    int64_t tier_deadline_ms;    /* SIGKILL the stop tier's survivors then  */
    bool tier_killed;            /* SIGKILL already sent to the stop tier   */
    s_watch_t watches[PF_SUPERVISOR_WATCH_MAX]; /* sockets the loop polls   */
    size_t watch_count;          /* entries in watches                      */
};

static volatile sig_atomic_t s_wake_fd = -1;   /* write end for handlers   */
static pf_supervisor_t *s_owner;              /* the process's supervisor */
static struct sigaction s_old_chld;           /* restored on destroy      */
static struct sigaction s_old_term;
static struct sigaction s_old_int;

static void
s_on_signal(int sig)
{
    int saved = errno;
    char byte = sig == SIGCHLD ? S_WAKE_CHILD : S_WAKE_SIGNAL;
    if (s_wake_fd >= 0) {
        ssize_t n = write(s_wake_fd, &byte, 1);
        (void) n;   /* a full pipe already holds a wake-up                */
    }
    errno = saved;
}

static void
s_log(const pf_supervisor_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
s_log(const pf_supervisor_t *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pf_logv(self->prefix, fmt, ap);
    va_end(ap);
}

void
pf_supervisor_opts_defaults(pf_supervisor_opts_t *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->grace_ms = PF_SUPERVISOR_GRACE_MS;
    opts->restart_min_ms = PF_SUPERVISOR_RESTART_MIN_MS;
    opts->restart_max_ms = PF_SUPERVISOR_RESTART_MAX_MS;
    opts->max_restarts = PF_SUPERVISOR_MAX_RESTARTS;
    opts->restart_period_ms = PF_SUPERVISOR_RESTART_PERIOD_MS;
}

static int
s_install(pf_supervisor_t *self)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    /* SA_RESTART: our own poll() sees EINTR anyway; other code should not. */
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    s_wake_fd = self->wake[1];
    if (sigaction(SIGCHLD, &sa, &s_old_chld) != 0)
        return PF_EIO;
    if (self->opts.handle_signals) {
        sa.sa_flags = SA_RESTART;
        if (sigaction(SIGTERM, &sa, &s_old_term) != 0) {
            sigaction(SIGCHLD, &s_old_chld, NULL);
            return PF_EIO;
        }
        if (sigaction(SIGINT, &sa, &s_old_int) != 0) {
            sigaction(SIGCHLD, &s_old_chld, NULL);
            sigaction(SIGTERM, &s_old_term, NULL);
            return PF_EIO;
        }
    }
    return PF_OK;
}

pf_supervisor_t *
pf_supervisor_new(const pf_supervisor_opts_t *opts)
{
    pf_supervisor_opts_t defaults;
    if (!opts) {
        pf_supervisor_opts_defaults(&defaults);
        opts = &defaults;
    }
    if (opts->restart_min_ms > opts->restart_max_ms || opts->restart_period_ms == 0) {
        fprintf(stderr, "pf supervisor: restart_min_ms exceeds restart_max_ms, or no period\n");
        return NULL;
    }
    if (s_owner) {
        fprintf(stderr, "pf supervisor: this process already has a supervisor\n");
        return NULL;
    }
    pf_supervisor_t *self = pf_calloc(1, sizeof *self);
    self->opts = *opts;
    snprintf(self->prefix, sizeof self->prefix, "%s",
             opts->log_prefix ? opts->log_prefix : "pf supervisor");
    self->opts.log_prefix = NULL;   /* not owned; prefix holds the copy    */
    self->stop_tier = INT_MAX;
    if (pipe2(self->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        fprintf(stderr, "%s: cannot create a pipe: %s\n", self->prefix, strerror(errno));
        free(self);
        return NULL;
    }
    if (s_install(self) != PF_OK) {
        fprintf(stderr, "%s: cannot install signal handlers: %s\n", self->prefix,
                strerror(errno));
        s_wake_fd = -1;
        close(self->wake[0]);
        close(self->wake[1]);
        free(self);
        return NULL;
    }
    s_owner = self;
    return self;
}

static void
s_reap_blocking(s_child_t *child)
{
    while (waitpid(child->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    child->pid = 0;
}

void
pf_supervisor_destroy(pf_supervisor_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_supervisor_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        s_child_t *child = &self->children[i];
        if (child->pid > 0) {
            kill(child->pid, SIGKILL);
            s_reap_blocking(child);
        }
        free(child->name);
        free(child->path);
        for (char **a = child->argv; a && *a; a++)
            free(*a);
        free(child->argv);
        free(child->recent);
    }
    free(self->children);
    sigaction(SIGCHLD, &s_old_chld, NULL);
    if (self->opts.handle_signals) {
        sigaction(SIGTERM, &s_old_term, NULL);
        sigaction(SIGINT, &s_old_int, NULL);
    }
    s_wake_fd = -1;
    s_owner = NULL;
    close(self->wake[0]);
    close(self->wake[1]);
    free(self);
    *self_p = NULL;
}

static s_child_t *
s_find(const pf_supervisor_t *self, const char *name)
{
    for (size_t i = 0; name && i < self->count; i++)
        if (strcmp(self->children[i].name, name) == 0)
            return &self->children[i];
    return NULL;
}

int
pf_supervisor_add(pf_supervisor_t *self, const char *name, int tier, const char *path,
                  char *const argv[])
{
    if (self->stopping)
        return PF_ESTATE;
    if (!name || !*name || !path || !*path || !argv || !argv[0] || s_find(self, name))
        return PF_EINVAL;
    self->children = pf_realloc(self->children, (self->count + 1) * sizeof *self->children);
    s_child_t *child = &self->children[self->count++];
    memset(child, 0, sizeof *child);
    child->name = pf_strdup(name);
    child->tier = tier;
    child->path = pf_strdup(path);
    size_t argc = 0;
    while (argv[argc])
        argc++;
    child->argv = pf_calloc(argc + 1, sizeof *child->argv);
    for (size_t i = 0; i < argc; i++)
        child->argv[i] = pf_strdup(argv[i]);
    child->recent = pf_calloc(self->opts.max_restarts + 1, sizeof *child->recent);
    child->state = PF_CHILD_NEW;
    return PF_OK;
}

/*  Forks and execs child.  Every signal is blocked across the fork and the
    child resets caught signals to their defaults before unblocking them:
    otherwise a signal arriving between fork and exec would run a handler
    inherited from this process (ours writes to the supervisor's wake
    pipe; a test harness's may signal the whole process group).  In the
    child only async-signal-safe calls are made until exec.                 */
static void
s_spawn(pf_supervisor_t *self, s_child_t *child)
{
    pid_t parent = getpid();
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        for (int sig = 1; sig < NSIG; sig++) {
            struct sigaction cur;
            if (sigaction(sig, NULL, &cur) == 0 && cur.sa_handler != SIG_IGN
                && cur.sa_handler != SIG_DFL)
                sigaction(sig, &dfl, NULL);
        }
        /* A process group of its own: a Ctrl-C on the terminal reaches
           the supervisor only, which then stops the children in order.   */
        setpgid(0, 0);
        /* Die with the supervisor, even if it is SIGKILLed; and if it died
           before prctl took effect, die now.                             */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(PF_SUPERVISOR_EXEC_FAILED);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execv(child->path, child->argv);
        static const char msg[] = "pf supervisor: exec failed\n";
        ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void) n;
        _exit(PF_SUPERVISOR_EXEC_FAILED);
    }
    int err = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = err;
    if (pid < 0) {
        s_log(self, "cannot fork for %s: %s; retrying", child->name, strerror(errno));
        child->state = PF_CHILD_BACKOFF;
        child->restart_at_ms = pf_clock_mono_ms() + self->opts.restart_max_ms;
        return;
    }
    child->pid = pid;
    child->state = PF_CHILD_RUNNING;
    child->started_at_ms = pf_clock_unix_ms();
}

int
pf_supervisor_start(pf_supervisor_t *self)
{
    if (self->stopping)
        return PF_ESTATE;
    /* Lowest tier first: the coordinator before the actors that call it. */
    for (;;) {
        s_child_t *next = NULL;
        for (size_t i = 0; i < self->count; i++) {
            s_child_t *c = &self->children[i];
            if (c->state == PF_CHILD_NEW && (!next || c->tier < next->tier))
                next = c;
        }
        if (!next)
            break;
        s_spawn(self, next);
        if (next->state == PF_CHILD_RUNNING)
            s_log(self, "started %s (pid %d)", next->name, (int) next->pid);
    }
    return PF_OK;
}

static void
s_describe(int status, char *out, size_t size)
{
    if (WIFEXITED(status))
        snprintf(out, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(out, size, "ended (wait status %d)", status);
}

/*  A child died on its own: restart it after a backoff, or give up.       */
static void
s_child_died(pf_supervisor_t *self, s_child_t *child, pid_t pid, int status, const char *how)
{
    int64_t now = pf_clock_mono_ms();
    if (WIFEXITED(status) && WEXITSTATUS(status) == PF_SUPERVISOR_EXIT_PERMANENT) {
        child->state = PF_CHILD_GAVE_UP;
        s_log(self, "*** GIVING UP on %s: pid %d %s (a usage error; restarting cannot help) ***",
              child->name, (int) pid, how);
        return;
    }
    /* Forget restarts older than the window.                              */
    uint32_t kept = 0;
    for (uint32_t i = 0; i < child->recent_count; i++)
        if (now - child->recent[i] < (int64_t) self->opts.restart_period_ms)
            child->recent[kept++] = child->recent[i];
    child->recent_count = kept;
    if (kept >= self->opts.max_restarts) {
        child->state = PF_CHILD_GAVE_UP;
        s_log(self, "*** GIVING UP on %s: pid %d %s after %u restarts within %u ms; "
                    "not restarting it again ***",
              child->name, (int) pid, how, kept, self->opts.restart_period_ms);
        return;
    }
    uint32_t shift = kept < S_SHIFT_MAX ? kept : S_SHIFT_MAX;
    uint64_t delay = (uint64_t) self->opts.restart_min_ms << shift;
    if (delay > self->opts.restart_max_ms)
        delay = self->opts.restart_max_ms;
    child->recent[child->recent_count++] = now;
    child->state = PF_CHILD_BACKOFF;
    child->restart_at_ms = now + (int64_t) delay;
    s_log(self, "%s (pid %d) %s; restarting in %llu ms", child->name, (int) pid, how,
          (unsigned long long) delay);
}

/*  Operator restart of a child that has no process: start it now, as if it
    had never crashed (its recent restarts are forgotten, so neither the
    intensity limit nor the backoff remembers them).                       */
static void
s_start_now(pf_supervisor_t *self, s_child_t *child)
{
    child->recent_count = 0;
    child->kill_sent = false;
    s_spawn(self, child);
    if (child->state == PF_CHILD_RUNNING)
        s_log(self, "restarted %s (pid %d) on request", child->name, (int) child->pid);
}

static void
s_reap(pf_supervisor_t *self)
{
    for (size_t i = 0; i < self->count; i++) {
        s_child_t *child = &self->children[i];
        if (child->pid <= 0)
            continue;
        int status = 0;
        pid_t r = waitpid(child->pid, &status, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR))
            continue;
        char how[128];
        if (r < 0)
            snprintf(how, sizeof how, "vanished (%s)", strerror(errno));
        else
            s_describe(status, how, sizeof how);
        pid_t pid = child->pid;
        child->pid = 0;
        child->started_at_ms = 0;
        if (self->stopping) {
            child->state = PF_CHILD_STOPPED;
            s_log(self, "%s (pid %d) %s", child->name, (int) pid, how);
        } else if (child->state == PF_CHILD_RESTARTING) {
            s_log(self, "%s (pid %d) %s; starting it again (operator restart)", child->name,
                  (int) pid, how);
            s_start_now(self, child);
        } else {
            s_child_died(self, child, pid, r < 0 ? 0 : status, how);
        }
    }
}

static void
s_restart_due(pf_supervisor_t *self)
{
    int64_t now = pf_clock_mono_ms();
    for (size_t i = 0; i < self->count; i++) {
        s_child_t *child = &self->children[i];
        if (child->state == PF_CHILD_RESTARTING && !child->kill_sent
            && now >= child->kill_at_ms) {
            /* It had the same grace to drain as a stop gives.              */
            child->kill_sent = true;
            s_log(self, "%s (pid %d) still running %u ms after SIGTERM: SIGKILL", child->name,
                  (int) child->pid, self->opts.grace_ms);
            kill(child->pid, SIGKILL);
            continue;
        }
        if (child->state != PF_CHILD_BACKOFF || now < child->restart_at_ms)
            continue;
        child->restarts++;
        s_spawn(self, child);
        if (child->state == PF_CHILD_RUNNING)
            s_log(self, "restarted %s (pid %d, restart %u)", child->name, (int) child->pid,
                  child->restarts);
    }
}

static void
s_begin_stop(pf_supervisor_t *self)
{
    if (self->stopping)
        return;
    self->stopping = true;
    s_log(self, "stopping every child (grace %u ms per tier)", self->opts.grace_ms);
    for (size_t i = 0; i < self->count; i++) {
        s_child_t *child = &self->children[i];
        if (child->state == PF_CHILD_BACKOFF || child->state == PF_CHILD_NEW)
            child->state = PF_CHILD_STOPPED;
    }
}

/*  Advances the stop sequence one tier at a time.                          */
static void
s_stop_step(pf_supervisor_t *self)
{
    int tier = INT_MIN;
    bool any = false;
    for (size_t i = 0; i < self->count; i++) {
        s_child_t *child = &self->children[i];
        if (child->pid > 0 && (!any || child->tier > tier)) {
            tier = child->tier;
            any = true;
        }
    }
    if (!any) {
        self->done = true;
        s_log(self, "every child stopped");
        return;
    }
    int64_t now = pf_clock_mono_ms();
    int sig = 0;
    if (self->killing) {
        if (self->killed_all)
            return;
        self->killed_all = true;
        sig = SIGKILL;
    } else if (tier != self->stop_tier) {
        self->stop_tier = tier;
        self->tier_deadline_ms = now + self->opts.grace_ms;
        self->tier_killed = false;
        sig = SIGTERM;
    } else if (!self->tier_killed && now >= self->tier_deadline_ms) {
        self->tier_killed = true;
        sig = SIGKILL;
    }
    if (!sig)
        return;
    for (size_t i = 0; i < self->count; i++) {
        s_child_t *child = &self->children[i];
        if (child->pid <= 0 || (!self->killing && child->tier != tier))
            continue;
        /* A child being restarted had its SIGTERM and is draining; a
           second one would make an actor quit at once.                   */
        if (sig == SIGTERM && child->state == PF_CHILD_RESTARTING)
            continue;
        if (sig == SIGKILL)
            s_log(self, "%s (pid %d) still running: SIGKILL", child->name, (int) child->pid);
        kill(child->pid, sig);
    }
}

/*  Milliseconds until the next restart or kill deadline; -1 if none.      */
static int64_t
s_next_deadline(const pf_supervisor_t *self)
{
    int64_t next = INT64_MAX;
    if (self->stopping) {
        if (!self->tier_killed && self->stop_tier != INT_MAX)
            next = self->tier_deadline_ms;
    } else {
        for (size_t i = 0; i < self->count; i++) {
            const s_child_t *child = &self->children[i];
            if (child->state == PF_CHILD_BACKOFF && child->restart_at_ms < next)
                next = child->restart_at_ms;
            if (child->state == PF_CHILD_RESTARTING && !child->kill_sent
                && child->kill_at_ms < next)
                next = child->kill_at_ms;
        }
    }
    if (next == INT64_MAX)
        return -1;
    int64_t wait = next - pf_clock_mono_ms();
    return wait < 0 ? 0 : wait;
}

static void
s_read_wake(pf_supervisor_t *self)
{
    char bytes[64];
    ssize_t n;
    while ((n = read(self->wake[0], bytes, sizeof bytes)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (bytes[i] == S_WAKE_STOP) {
                s_begin_stop(self);
            } else if (bytes[i] == S_WAKE_SIGNAL) {
                if (++self->signals == 1) {
                    s_log(self, "signal received: stopping (again to kill at once)");
                    s_begin_stop(self);
                } else if (!self->killing) {
                    s_log(self, "second signal: killing every child now");
                    self->stopping = true;
                    self->killing = true;
                }
            }
        }
    }
}

int
pf_supervisor_poll(pf_supervisor_t *self, int timeout_ms)
{
    if (self->done)
        return PF_OK;
    int64_t deadline = s_next_deadline(self);
    int wait = timeout_ms;
    if (deadline >= 0 && (wait < 0 || deadline < wait))
        wait = deadline > INT_MAX ? INT_MAX : (int) deadline;
    zmq_pollitem_t items[1 + PF_SUPERVISOR_WATCH_MAX];
    size_t n = 0;
    items[n++] = (zmq_pollitem_t) { NULL, self->wake[0], ZMQ_POLLIN, 0 };
    for (size_t i = 0; i < self->watch_count; i++)
        items[n++] = (zmq_pollitem_t) { self->watches[i].socket, 0, ZMQ_POLLIN, 0 };
    int rc = zmq_poll(items, (int) n, wait);
    if (rc < 0 && errno != EINTR) {
        s_log(self, "poll failed: %s", zmq_strerror(errno));
        return PF_EIO;
    }
    s_read_wake(self);
    /* Reap every time: a SIGCHLD can coincide with another wake-up.       */
    s_reap(self);
    /* After the reap, so that what a watcher reports is current.  A
       callback may unwatch sockets: each is looked up again.              */
    for (size_t i = 1; rc > 0 && i < n; i++) {
        if (!(items[i].revents & ZMQ_POLLIN))
            continue;
        for (size_t w = 0; w < self->watch_count; w++) {
            if (self->watches[w].socket == items[i].socket) {
                s_watch_t watch = self->watches[w];
                watch.fn(self, watch.socket, watch.arg);
                break;
            }
        }
    }
    if (self->stopping) {
        s_stop_step(self);
        return PF_OK;
    }
    s_restart_due(self);
    bool alive = false;
    for (size_t i = 0; i < self->count; i++) {
        pf_child_state_t st = self->children[i].state;
        if (st == PF_CHILD_RUNNING || st == PF_CHILD_BACKOFF || st == PF_CHILD_NEW
            || st == PF_CHILD_RESTARTING)
            alive = true;
    }
    if (!alive && self->count > 0) {
        s_log(self, "*** every child gave up; nothing left to supervise ***");
        self->gave_up_all = true;
        self->done = true;
    }
    return PF_OK;
}

bool
pf_supervisor_done(const pf_supervisor_t *self)
{
    return self->done;
}

int
pf_supervisor_run(pf_supervisor_t *self)
{
    while (!self->done) {
        int rc = pf_supervisor_poll(self, -1);
        if (rc != PF_OK)
            return rc;
    }
    return self->gave_up_all ? PF_ESTATE : PF_OK;
}

void
pf_supervisor_stop(pf_supervisor_t *self)
{
    char byte = S_WAKE_STOP;
    ssize_t n = write(self->wake[1], &byte, 1);
    (void) n;
}

pid_t
pf_supervisor_child_pid(const pf_supervisor_t *self, const char *name)
{
    const s_child_t *child = s_find(self, name);
    return child ? child->pid : -1;
}

int
pf_supervisor_child_state(const pf_supervisor_t *self, const char *name)
{
    const s_child_t *child = s_find(self, name);
    return child ? (int) child->state : -1;
}

int
pf_supervisor_child_restarts(const pf_supervisor_t *self, const char *name)
{
    const s_child_t *child = s_find(self, name);
    return child ? (int) child->restarts : -1;
}

int
pf_supervisor_watch(pf_supervisor_t *self, void *socket, pf_supervisor_watch_fn *fn, void *arg)
{
    if (!socket || !fn)
        return PF_EINVAL;
    for (size_t i = 0; i < self->watch_count; i++)
        if (self->watches[i].socket == socket)
            return PF_EINVAL;
    if (self->watch_count == PF_SUPERVISOR_WATCH_MAX)
        return PF_EBUSY;
    self->watches[self->watch_count++] = (s_watch_t) { socket, fn, arg };
    return PF_OK;
}

int
pf_supervisor_unwatch(pf_supervisor_t *self, void *socket)
{
    for (size_t i = 0; i < self->watch_count; i++) {
        if (self->watches[i].socket == socket) {
            self->watches[i] = self->watches[--self->watch_count];
            return PF_OK;
        }
    }
    return PF_ENOTFOUND;
}

int
pf_supervisor_restart(pf_supervisor_t *self, const char *name, pf_restart_t *how_p)
{
    s_child_t *child = s_find(self, name);
    if (!child)
        return PF_ENOTFOUND;
    if (self->stopping)
        return PF_ESTATE;
    pf_restart_t how;
    switch (child->state) {
    case PF_CHILD_RUNNING:
        s_log(self, "restart of %s requested: SIGTERM to pid %d", child->name, (int) child->pid);
        child->state = PF_CHILD_RESTARTING;
        child->kill_at_ms = pf_clock_mono_ms() + self->opts.grace_ms;
        child->kill_sent = false;
        /* ESRCH: it died meanwhile; the next reap starts it again.         */
        kill(child->pid, SIGTERM);
        how = PF_RESTART_STOPPING;
        break;
    case PF_CHILD_RESTARTING:
        how = PF_RESTART_PENDING;
        break;
    case PF_CHILD_NEW:
    case PF_CHILD_BACKOFF:
    case PF_CHILD_GAVE_UP:
        s_log(self, "restart of %s requested: it is %s; starting it now", child->name,
              pf_supervisor_state_name(child->state));
        s_start_now(self, child);
        if (child->state != PF_CHILD_RUNNING)
            return PF_EIO;
        how = PF_RESTART_STARTED;
        break;
    default:
        return PF_ESTATE;
    }
    if (how_p)
        *how_p = how;
    return PF_OK;
}

size_t
pf_supervisor_child_count(const pf_supervisor_t *self)
{
    return self->count;
}

int
pf_supervisor_child_info(const pf_supervisor_t *self, size_t index, pf_child_info_t *info)
{
    if (index >= self->count)
        return PF_EINVAL;
    const s_child_t *child = &self->children[index];
    info->name = child->name;
    info->pid = child->pid;
    info->state = child->state;
    info->restarts = child->restarts;
    info->started_at_ms = child->pid > 0 ? child->started_at_ms : 0;
    return PF_OK;
}

const char *
pf_supervisor_state_name(int state)
{
    switch (state) {
    case PF_CHILD_NEW:
        return "new";
    case PF_CHILD_RUNNING:
        return "running";
    case PF_CHILD_BACKOFF:
        return "backoff";
    case PF_CHILD_GAVE_UP:
        return "gave_up";
    case PF_CHILD_STOPPED:
        return "stopped";
    case PF_CHILD_RESTARTING:
        return "restarting";
    default:
        return "unknown";
    }
}
