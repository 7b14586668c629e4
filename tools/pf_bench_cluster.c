/*  pf_bench_cluster.c — the processes `pf bench` measures and the sockets it
    measures them through (see pf_bench.h).

    Children are this binary (/proc/self/exe) run as `pf coordinator`,
    `pf module NAME --simulate SCALE` (or the real `pf module NAME`) and
    `pf adapter NAME`, and pf-fakeapi, each in its own process group (so a
    Ctrl-C on the terminal reaches only the benchmark, which then tears
    everything down in order), with stdout/stderr appended to a log file in
    the working directory, and with PR_SET_PDEATHSIG so that nothing
    survives a benchmark killed by SIGKILL.                                  */
#include "pf_bench.h"
#include "pf_cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_graph.h"
#include "pf_msgpack.h"
#include "pf_wire.h"

extern char **environ;

/*  The path that always names the running binary, even if it was replaced
    on disk after we started.                                               */
#define S_SELF_EXE "/proc/self/exe"

/*  Bytes of PATH_MAX kept free after the working directory's own path for
    the names of the files in it ("/competitor_intelligence.log", ...), so
    that a directory we accept can always hold them.                        */
#define S_DIR_ROOM 64

/*  Milliseconds between two reaping passes while children shut down.       */
#define S_REAP_STEP_MS 2

/*  pf-fakeapi: its executable, next to this binary (as `pf up` finds it),
    the line it prints once it listens, and how often its log is read for
    that line while it starts.                                              */
#define S_FAKEAPI_EXE "pf-fakeapi"
#define S_FAKEAPI_LISTENING "listening on http://127.0.0.1:"
#define S_FAKEAPI_POLL_MS 5
/*  Bytes of the emulator's log searched for the listening line.           */
#define S_FAKEAPI_LOG_HEAD 4096

/*  The key adapters present to pf-fakeapi, which accepts any non-empty key
    (a real provider would refuse it).                                      */
#define S_ADAPTER_KEY "pf-bench-dummy-key"
/*  Extra arguments a benchmark adapter may get, at most.                   */
#define S_ADAPTER_ARGS_MAX 16
/*  SEC EDGAR refuses requests without a contact in the User-Agent; the
    adapter will not start without one.  Offline, this one.                 */
#define S_ADAPTER_USER_AGENT "PartnerForge bench pf-bench@localhost"

typedef struct {
    pid_t pid;                     /* 0 when not running                    */
    char name[PFA_NAME_MAX + 1];   /* "coordinator" or the module name      */
    char log[PATH_MAX];            /* its stdout/stderr                     */
} s_proc_t;

struct pf_bench_cluster_t {
    char dir[PATH_MAX];            /* working directory, ours               */
    char fixed[3][PF_BENCH_ENDPOINT_MAX]; /* user endpoints or ""           */
    char endpoint[3][PF_BENCH_ENDPOINT_MAX]; /* client, tap, actor in use    */
    void *ctx;                     /* ZeroMQ context                        */
    void *client;                  /* DEALER on the client endpoint         */
    void *tap;                     /* SUB on the tap                        */
    s_proc_t coordinator;          /* the coordinator                       */
    s_proc_t modules[PF_MODULE_COUNT]; /* module actors by graph index      */
    s_proc_t fakeapi;              /* pf-fakeapi, the provider emulator     */
    s_proc_t adapter_procs[PF_BENCH_ADAPTERS_MAX]; /* adapter actors, 0 pid = free */
    int fakeapi_port;              /* its loopback port, 0 when not running */
    unsigned adapters;             /* adapter starts (names instances)      */
    unsigned starts;               /* coordinator starts (names data dirs)  */
    unsigned ops;                  /* request-id prefixes handed out        */
    unsigned probes;               /* warm-up jobs sent                     */
    bool tap_live;                 /* our subscriptions reached this coordinator */
    char store[16];                /* --store of the next coordinator start */
};

enum { S_CLIENT = 0, S_TAP = 1, S_ACTOR = 2 };

/* ---------------------------------------------------------------- signals */

static volatile sig_atomic_t s_interrupted;
static struct sigaction s_old_int;
static struct sigaction s_old_term;
static bool s_installed;

static void
s_on_signal(int sig)
{
    (void)sig;
    s_interrupted = 1;
}

void
pf_bench_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;   /* no SA_RESTART: zmq_poll must return with EINTR */
    sigaction(SIGINT, &sa, &s_old_int);
    sigaction(SIGTERM, &sa, &s_old_term);
    s_installed = true;
}

void
pf_bench_signals_restore(void)
{
    if (!s_installed)
        return;
    sigaction(SIGINT, &s_old_int, NULL);
    sigaction(SIGTERM, &s_old_term, NULL);
    s_installed = false;
}

bool
pf_bench_interrupted(void)
{
    return s_interrupted != 0;
}

double
pf_bench_now_ms(void)
{
    return pf_clock_mono_us() / 1e3;
}

static void
s_pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* -------------------------------------------------------------- processes */

/*  out = dir/name.  Returns 0, or PF_ETOOBIG if it does not fit.           */
static int
s_path(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "pf bench: path too long: %s/%s\n", dir, name);
        return PF_ETOOBIG;
    }
    return PF_OK;
}

/*  Builds the child's environment: ours without the PF_* endpoint
    variables, plus the ones for this cluster (the contract: children get
    their endpoints through the environment; flags repeat them).             */
static char **
s_child_env(const pf_bench_cluster_t *self, const char *data_dir)
{
    static const char *const names[] = { "PF_CLIENT_ENDPOINT=", "PF_TAP_ENDPOINT=",
                                         "PF_ACTOR_ENDPOINT=", "PF_DATA_DIR=" };
    size_t count = 0;
    while (environ[count])
        count++;
    char **env = pf_calloc(count + 5, sizeof *env);
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        bool ours = false;
        for (size_t k = 0; k < 4; k++)
            ours = ours || strncmp(environ[i], names[k], strlen(names[k])) == 0;
        if (!ours)
            env[n++] = pf_strdup(environ[i]);
    }
    const char *values[4] = { self->endpoint[S_CLIENT], self->endpoint[S_TAP],
                              self->endpoint[S_ACTOR], data_dir };
    for (size_t k = 0; k < 4; k++) {
        if (!values[k] || !*values[k])
            continue;
        size_t len = strlen(names[k]) + strlen(values[k]) + 1;
        env[n] = pf_malloc(len);
        snprintf(env[n], len, "%s%s", names[k], values[k]);
        n++;
    }
    env[n] = NULL;
    return env;
}

static void
s_free_env(char **env)
{
    for (size_t i = 0; env[i]; i++)
        free(env[i]);
    free(env);
}

/*  The path to exec: the binary's real path while it is still the file we
    run (so children show up as "pf" in ps, top and perf), else the magic
    link, which always names the running image even if the file was
    replaced by a rebuild.                                                  */
static void
s_self_path(char *out, size_t size)
{
    snprintf(out, size, "%s", S_SELF_EXE);
    char path[PATH_MAX];
    ssize_t len = readlink(S_SELF_EXE, path, sizeof path - 1);
    if (len <= 0 || (size_t)len >= size)
        return;
    path[len] = '\0';
    struct stat self_st;
    struct stat path_st;
    if (stat(S_SELF_EXE, &self_st) == 0 && stat(path, &path_st) == 0
        && self_st.st_dev == path_st.st_dev && self_st.st_ino == path_st.st_ino)
        snprintf(out, size, "%s", path);
}

/*  fork+exec of program (NULL: this binary).  Between fork and exec only
    async-signal-safe calls: everything the child needs is prepared before
    the fork.                                                               */
static int
s_spawn(s_proc_t *proc, const char *name, const char *program, const char *log_path,
        char *const argv[], char *const envp[])
{
    char exe[PATH_MAX];
    if (program)
        snprintf(exe, sizeof exe, "%s", program);
    else
        s_self_path(exe, sizeof exe);
    int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        fprintf(stderr, "pf bench: cannot open %s: %s\n", log_path, strerror(errno));
        return PF_EIO;
    }
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) {
        fprintf(stderr, "pf bench: cannot open /dev/null: %s\n", strerror(errno));
        close(log_fd);
        return PF_EIO;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "pf bench: fork: %s\n", strerror(errno));
        close(log_fd);
        close(null_fd);
        return PF_EIO;
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);   /* the benchmark died before prctl took effect */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        dup2(null_fd, STDIN_FILENO);
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        execve(exe, argv, envp);
        static const char msg[] = "pf bench: exec of a child program failed\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(127);
    }
    close(log_fd);
    close(null_fd);
    proc->pid = pid;
    snprintf(proc->name, sizeof proc->name, "%s", name);
    snprintf(proc->log, sizeof proc->log, "%s", log_path);
    return PF_OK;
}

static void
s_describe_exit(const s_proc_t *proc, int status)
{
    if (WIFEXITED(status))
        fprintf(stderr, "pf bench: %s (pid %d) exited with status %d; see %s\n", proc->name,
                (int)proc->pid, WEXITSTATUS(status), proc->log);
    else if (WIFSIGNALED(status))
        fprintf(stderr, "pf bench: %s (pid %d) was killed by signal %d; see %s\n", proc->name,
                (int)proc->pid, WTERMSIG(status), proc->log);
}

/*  SIGTERM to every running proc, wait up to PF_BENCH_STOP_MS, then
    SIGKILL.  Returns 0, or PF_EIO when something had to be killed.          */
static int
s_stop(s_proc_t *procs, size_t count)
{
    size_t alive = 0;
    for (size_t i = 0; i < count; i++) {
        if (procs[i].pid > 0) {
            kill(procs[i].pid, SIGTERM);
            alive++;
        }
    }
    int rc = PF_OK;
    double deadline = pf_bench_now_ms() + PF_BENCH_STOP_MS;
    while (alive > 0) {
        for (size_t i = 0; i < count; i++) {
            if (procs[i].pid <= 0)
                continue;
            int status = 0;
            pid_t got = waitpid(procs[i].pid, &status, WNOHANG);
            if (got == procs[i].pid || (got < 0 && errno == ECHILD)) {
                bool clean = WIFEXITED(status) ? WEXITSTATUS(status) == 0
                                               : WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
                if (got == procs[i].pid && !clean) {
                    s_describe_exit(&procs[i], status);
                    rc = PF_EIO;
                }
                procs[i].pid = 0;
                alive--;
            }
        }
        if (alive == 0)
            break;
        if (pf_bench_now_ms() > deadline) {
            for (size_t i = 0; i < count; i++) {
                if (procs[i].pid <= 0)
                    continue;
                fprintf(stderr, "pf bench: %s (pid %d) ignored SIGTERM for %d ms; killing it\n",
                        procs[i].name, (int)procs[i].pid, PF_BENCH_STOP_MS);
                kill(procs[i].pid, SIGKILL);
                while (waitpid(procs[i].pid, NULL, 0) < 0 && errno == EINTR) {
                }
                procs[i].pid = 0;
            }
            return PF_EIO;
        }
        s_pause_ms(S_REAP_STEP_MS);
    }
    return rc;
}

/*  Reaps children that died on their own; each is a failure of the run.   */
static int
s_check_children(pf_bench_cluster_t *self)
{
    int rc = PF_OK;
    enum { S_PROCS = PF_MODULE_COUNT + PF_BENCH_ADAPTERS_MAX + 2 };
    s_proc_t *procs[S_PROCS];
    procs[0] = &self->coordinator;
    procs[1] = &self->fakeapi;
    for (int i = 0; i < PF_BENCH_ADAPTERS_MAX; i++)
        procs[i + 2] = &self->adapter_procs[i];
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        procs[i + 2 + PF_BENCH_ADAPTERS_MAX] = &self->modules[i];
    for (size_t i = 0; i < S_PROCS; i++) {
        if (procs[i]->pid <= 0)
            continue;
        int status = 0;
        if (waitpid(procs[i]->pid, &status, WNOHANG) == procs[i]->pid) {
            s_describe_exit(procs[i], status);
            procs[i]->pid = 0;
            if (procs[i] == &self->fakeapi)
                self->fakeapi_port = 0;
            rc = PF_ESTATE;
        }
    }
    return rc;
}

/* ---------------------------------------------------------------- sockets */

/*  True if a listener could bind 127.0.0.1:port.  SO_REUSEADDR, as libzmq
    sets it on its listeners: connections of an earlier coordinator lingering
    in TIME_WAIT do not make a port busy, only a live listener does.        */
static bool
s_port_free(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
        close(fd);
        return false;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    return ok;
}

/*  A user-given TCP endpoint on this host must be free: if something else
    listens there, its PONGs would be taken for our coordinator's.  Other
    transports are taken as given.                                          */
static bool
s_fixed_free(const char *endpoint)
{
    static const char *const local[] = { "tcp://127.0.0.1:", "tcp://localhost:", "tcp://*:" };
    for (size_t i = 0; i < sizeof local / sizeof *local; i++) {
        size_t len = strlen(local[i]);
        if (strncmp(endpoint, local[i], len) != 0)
            continue;
        char *end = NULL;
        long port = strtol(endpoint + len, &end, 10);
        if (*end || port <= 0 || port > UINT16_MAX)
            return true;   /* zmq will report what it makes of it */
        return s_port_free((int)port);
    }
    return true;
}

/*  Three consecutive free ports at a random base.  The bind test leaves a
    short race with other programs; the coordinator's bind then fails and
    the benchmark reports it rather than measuring someone else.            */
static int
s_pick_endpoints(pf_bench_cluster_t *self)
{
    int base = 0;
    for (int attempt = 0; attempt < PF_BENCH_PORT_TRIES && !base; attempt++) {
        int candidate = PF_BENCH_PORT_LO
                        + (int)randombytes_uniform(PF_BENCH_PORT_HI - PF_BENCH_PORT_LO - 3);
        if (s_port_free(candidate) && s_port_free(candidate + 1) && s_port_free(candidate + 2))
            base = candidate;
    }
    if (!base) {
        fprintf(stderr, "pf bench: no three free loopback ports in [%d, %d)\n", PF_BENCH_PORT_LO,
                PF_BENCH_PORT_HI);
        return PF_EIO;
    }
    for (int k = 0; k < 3; k++) {
        if (self->fixed[k][0] && !s_fixed_free(self->fixed[k])) {
            fprintf(stderr, "pf bench: %s is in use: another coordinator would answer\n",
                    self->fixed[k]);
            return PF_EBUSY;
        }
    }
    for (int k = 0; k < 3; k++) {
        if (self->fixed[k][0])
            snprintf(self->endpoint[k], sizeof self->endpoint[k], "%s", self->fixed[k]);
        else
            snprintf(self->endpoint[k], sizeof self->endpoint[k], "tcp://127.0.0.1:%d", base + k);
    }
    return PF_OK;
}

static void
s_close_sockets(pf_bench_cluster_t *self)
{
    if (self->client)
        zmq_close(self->client);
    if (self->tap)
        zmq_close(self->tap);
    self->client = NULL;
    self->tap = NULL;
}

static int
s_open_sockets(pf_bench_cluster_t *self)
{
    s_close_sockets(self);
    self->client = zmq_socket(self->ctx, ZMQ_DEALER);
    self->tap = zmq_socket(self->ctx, ZMQ_SUB);
    if (!self->client || !self->tap) {
        fprintf(stderr, "pf bench: zmq_socket: %s\n", zmq_strerror(errno));
        return PF_EIO;
    }
    int ivl = PF_BENCH_RECONNECT_MS;
    if (pf_wire_setup(self->client, PF_DEFAULT_MAX_MSG_BYTES, PF_DEFAULT_SNDHWM) != PF_OK
        || pf_wire_setup(self->tap, PF_DEFAULT_MAX_MSG_BYTES, PF_BENCH_TAP_HWM) != PF_OK
        || zmq_setsockopt(self->client, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl) != 0
        || zmq_setsockopt(self->tap, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl) != 0
        || zmq_setsockopt(self->tap, ZMQ_SUBSCRIBE, "actor.", strlen("actor.")) != 0
        || zmq_connect(self->client, self->endpoint[S_CLIENT]) != 0
        || zmq_connect(self->tap, self->endpoint[S_TAP]) != 0) {
        fprintf(stderr, "pf bench: cannot set up sockets for %s / %s: %s\n",
                self->endpoint[S_CLIENT], self->endpoint[S_TAP], zmq_strerror(errno));
        return PF_EIO;
    }
    return PF_OK;
}

/* ------------------------------------------------------------ life cycle */

pf_bench_cluster_t *
pf_bench_cluster_new(const char *parent_dir, const char *client_ep, const char *tap_ep,
                     const char *actor_ep)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "pf bench: libsodium failed to initialise\n");
        return NULL;
    }
    const char *fixed[3] = { client_ep, tap_ep, actor_ep };
    for (int k = 0; k < 3; k++) {
        if (fixed[k] && strlen(fixed[k]) >= PF_BENCH_ENDPOINT_MAX) {
            fprintf(stderr, "pf bench: endpoint too long: %s\n", fixed[k]);
            return NULL;
        }
    }
    if (!parent_dir || !*parent_dir)
        parent_dir = getenv("TMPDIR");
    if (!parent_dir || !*parent_dir)
        parent_dir = "/tmp";
    pf_bench_cluster_t *self = pf_calloc(1, sizeof *self);
    int n = snprintf(self->dir, sizeof self->dir, "%s/pf-bench-XXXXXX", parent_dir);
    if (n < 0 || (size_t)n >= sizeof self->dir - S_DIR_ROOM || !mkdtemp(self->dir)) {
        fprintf(stderr, "pf bench: cannot create a working directory in %s: %s\n", parent_dir,
                n >= 0 && (size_t)n < sizeof self->dir - S_DIR_ROOM ? strerror(errno) : "path too long");
        free(self);
        return NULL;
    }
    for (int k = 0; k < 3; k++)
        snprintf(self->fixed[k], sizeof self->fixed[k], "%s", fixed[k] ? fixed[k] : "");
    self->ctx = zmq_ctx_new();
    if (!self->ctx) {
        fprintf(stderr, "pf bench: zmq_ctx_new: %s\n", zmq_strerror(errno));
        rmdir(self->dir);
        free(self);
        return NULL;
    }
    return self;
}

static int
s_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0)
        fprintf(stderr, "pf bench: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

void
pf_bench_cluster_destroy(pf_bench_cluster_t **self_p, bool keep_dir)
{
    if (!self_p || !*self_p)
        return;
    pf_bench_cluster_t *self = *self_p;
    pf_bench_cluster_stop_coordinator(self);
    s_close_sockets(self);
    zmq_ctx_term(self->ctx);
    /* An empty directory (nothing was started) holds nothing to keep.     */
    if (keep_dir && rmdir(self->dir) != 0)
        fprintf(stderr, "pf bench: logs and data kept in %s\n", self->dir);
    else if (!keep_dir)
        nftw(self->dir, s_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(self);
    *self_p = NULL;
}

const char *
pf_bench_cluster_dir(const pf_bench_cluster_t *self)
{
    return self->dir;
}

pid_t
pf_bench_cluster_coordinator_pid(const pf_bench_cluster_t *self)
{
    return self->coordinator.pid;
}

void
pf_bench_cluster_req_prefix(pf_bench_cluster_t *self, const char *tag, char *out,
                            size_t out_size)
{
    snprintf(out, out_size, "%s%u-", tag, ++self->ops);
}

/*  PING until a PONG arrives: proves the client endpoint is bound and the
    engine loop runs.  Our DEALER may connect only after the bind, so the
    PING is re-sent until one is answered.                                  */
static int
s_wait_pong(pf_bench_cluster_t *self)
{
    char prefix[32];
    pf_bench_cluster_req_prefix(self, "ready", prefix, sizeof prefix);
    double deadline = pf_bench_now_ms() + PF_BENCH_START_MS;
    unsigned attempt = 0;
    for (;;) {
        char req_id[48];
        snprintf(req_id, sizeof req_id, "%s%u", prefix, attempt++);
        pf_value_t *body = pf_value_map();
        pf_map_set_str(body, "req_id", req_id);
        char command[16];
        pf_value_t *reply = NULL;
        int rc = pf_bench_cluster_call(self, "PING", body, PF_BENCH_POLL_SLICE_MS * 2, NULL, NULL,
                                       command, &reply, NULL);
        pf_value_destroy(&body);
        if (rc == PF_OK) {
            bool pong = strcmp(command, "PONG") == 0;
            pf_value_destroy(&reply);
            if (pong)
                return PF_OK;
            fprintf(stderr, "pf bench: coordinator answered PING with %s\n", command);
            return PF_EPROTO;
        }
        if (rc != PF_ETIMEDOUT)
            return rc;
        if (pf_bench_now_ms() > deadline) {
            fprintf(stderr, "pf bench: coordinator did not answer PING within %d ms; see %s\n",
                    PF_BENCH_START_MS, self->coordinator.log);
            return PF_ETIMEDOUT;
        }
    }
}

void
pf_bench_cluster_set_store(pf_bench_cluster_t *self, const char *store)
{
    snprintf(self->store, sizeof self->store, "%s", store ? store : "");
}

int
pf_bench_cluster_start_coordinator(pf_bench_cluster_t *self, uint32_t max_queued_jobs)
{
    if (self->coordinator.pid > 0)
        return PF_ESTATE;
    int rc = s_pick_endpoints(self);
    if (rc != PF_OK)
        return rc;
    char data_dir[PATH_MAX];
    char data_name[32];
    snprintf(data_name, sizeof data_name, "data-%u", ++self->starts);
    if (s_path(data_dir, sizeof data_dir, self->dir, data_name) != PF_OK)
        return PF_ETOOBIG;
    if (mkdir(data_dir, 0700) != 0) {
        fprintf(stderr, "pf bench: mkdir %s: %s\n", data_dir, strerror(errno));
        return PF_EIO;
    }
    rc = s_open_sockets(self);
    if (rc != PF_OK)
        return rc;
    self->tap_live = false;
    char queued[16];
    snprintf(queued, sizeof queued, "%u", (unsigned)max_queued_jobs);
    char *argv[16];
    int argc = 0;
    argv[argc++] = "pf";
    argv[argc++] = "coordinator";
    argv[argc++] = "--client";
    argv[argc++] = self->endpoint[S_CLIENT];
    argv[argc++] = "--tap";
    argv[argc++] = self->endpoint[S_TAP];
    argv[argc++] = "--actor";
    argv[argc++] = self->endpoint[S_ACTOR];
    argv[argc++] = "--data-dir";
    argv[argc++] = data_dir;
    if (self->store[0]) {
        argv[argc++] = "--store";
        argv[argc++] = self->store;
    }
    if (max_queued_jobs) {
        argv[argc++] = "--max-queued-jobs";
        argv[argc++] = queued;
    }
    argv[argc] = NULL;
    char log_path[PATH_MAX];
    if (s_path(log_path, sizeof log_path, self->dir, "coordinator.log") != PF_OK)
        return PF_ETOOBIG;
    char **env = s_child_env(self, data_dir);
    rc = s_spawn(&self->coordinator, "coordinator", NULL, log_path, argv, env);
    s_free_env(env);
    if (rc != PF_OK)
        return rc;
    rc = s_wait_pong(self);
    if (rc != PF_OK)
        pf_bench_cluster_stop_coordinator(self);
    return rc;
}

int
pf_bench_cluster_stop_modules(pf_bench_cluster_t *self)
{
    return s_stop(self->modules, PF_MODULE_COUNT);
}

int
pf_bench_cluster_stop_coordinator(pf_bench_cluster_t *self)
{
    int rc = pf_bench_cluster_stop_modules(self);
    int rc_adapter = pf_bench_cluster_stop_adapter(self);
    int rc_fake = pf_bench_cluster_stop_fakeapi(self);
    int rc_coordinator = s_stop(&self->coordinator, 1);
    if (rc == PF_OK)
        rc = rc_adapter;
    if (rc == PF_OK)
        rc = rc_fake;
    return rc != PF_OK ? rc : rc_coordinator;
}

/* ------------------------------------------------- emulator and adapters */

/*  The emulator's path: S_FAKEAPI_EXE next to this binary.  Returns 0,
    PF_ENOTFOUND (not built there, said on stderr), PF_ETOOBIG.            */
static int
s_fakeapi_path(char *out, size_t size)
{
    int rc = pf_cli_sibling_exe(S_FAKEAPI_EXE, out, size);
    if (rc == PF_ENOTFOUND)
        fprintf(stderr, "pf bench: %s is not next to pf or not executable (build it)\n",
                S_FAKEAPI_EXE);
    return rc;
}

/*  The port in the emulator's "listening on" line, or 0 while it is not
    in the log yet.                                                         */
static int
s_fakeapi_port_from_log(const char *log_path)
{
    FILE *file = fopen(log_path, "re");
    if (!file)
        return 0;
    char head[S_FAKEAPI_LOG_HEAD + 1];
    size_t got = fread(head, 1, S_FAKEAPI_LOG_HEAD, file);
    fclose(file);
    head[got] = '\0';
    const char *at = strstr(head, S_FAKEAPI_LISTENING);
    if (!at)
        return 0;
    char *end = NULL;
    long port = strtol(at + strlen(S_FAKEAPI_LISTENING), &end, 10);
    if (end == at + strlen(S_FAKEAPI_LISTENING) || port <= 0 || port > UINT16_MAX)
        return 0;
    return (int)port;
}

int
pf_bench_cluster_start_fakeapi(pf_bench_cluster_t *self)
{
    if (self->fakeapi.pid > 0)
        return PF_ESTATE;
    char exe[PATH_MAX];
    int rc = s_fakeapi_path(exe, sizeof exe);
    if (rc != PF_OK)
        return rc;
    char log_path[PATH_MAX];
    rc = s_path(log_path, sizeof log_path, self->dir, "fakeapi.log");
    if (rc != PF_OK)
        return rc;
    /* A fresh log: the port is read from the first listening line in it.  */
    if (truncate(log_path, 0) != 0 && errno != ENOENT) {
        fprintf(stderr, "pf bench: cannot truncate %s: %s\n", log_path, strerror(errno));
        return PF_EIO;
    }
    /* Port 0: the emulator binds a free port itself and prints it, so no
       other program can take it between a check and the bind.              */
    char *argv[] = { S_FAKEAPI_EXE, "--listen", "127.0.0.1:0", "--quiet", "--no-limits", NULL };
    char **env = s_child_env(self, NULL);
    rc = s_spawn(&self->fakeapi, "pf-fakeapi", exe, log_path, argv, env);
    s_free_env(env);
    if (rc != PF_OK)
        return rc;
    double deadline = pf_bench_now_ms() + PF_BENCH_START_MS;
    for (;;) {
        int port = s_fakeapi_port_from_log(log_path);
        if (port > 0) {
            self->fakeapi_port = port;
            return PF_OK;
        }
        if (pf_bench_interrupted() || s_check_children(self) != PF_OK) {
            rc = PF_ESTATE;
            break;
        }
        if (pf_bench_now_ms() > deadline) {
            fprintf(stderr, "pf bench: pf-fakeapi printed no listening line within %d ms; "
                            "see %s\n",
                    PF_BENCH_START_MS, log_path);
            rc = PF_ETIMEDOUT;
            break;
        }
        s_pause_ms(S_FAKEAPI_POLL_MS);
    }
    pf_bench_cluster_stop_fakeapi(self);
    return rc;
}

int
pf_bench_cluster_fakeapi_port(const pf_bench_cluster_t *self)
{
    return self->fakeapi.pid > 0 ? self->fakeapi_port : 0;
}

int
pf_bench_cluster_stop_fakeapi(pf_bench_cluster_t *self)
{
    self->fakeapi_port = 0;
    return s_stop(&self->fakeapi, 1);
}

/*  The child environment of an adapter for provider: the cluster's,
    without any PF_<PROVIDER>_ setting of our own environment (a
    PF_WEBSEARCH_CACHE=off there would change what is measured), plus a
    dummy PF_<PROVIDER>_KEY and a PF_<PROVIDER>_USER_AGENT with a contact
    (which only SEC EDGAR requires).                                         */
static char **
s_adapter_env(const pf_bench_cluster_t *self, const char *provider)
{
    char prefix[PFA_NAME_MAX + 8];
    int n = snprintf(prefix, sizeof prefix, "PF_");
    for (const char *p = provider; *p && (size_t)n + 2 < sizeof prefix; p++)
        prefix[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    prefix[n++] = '_';
    prefix[n] = '\0';
    char **env = s_child_env(self, NULL);
    size_t kept = 0;
    size_t i = 0;
    for (; env[i]; i++) {
        if (strncmp(env[i], prefix, strlen(prefix)) == 0)
            free(env[i]);
        else
            env[kept++] = env[i];
    }
    /* Room for the two variables below and the terminating NULL.          */
    env = pf_realloc(env, (kept + 3) * sizeof *env);
    size_t len = strlen(prefix) + strlen("KEY=") + strlen(S_ADAPTER_KEY) + 1;
    env[kept] = pf_malloc(len);
    snprintf(env[kept], len, "%sKEY=%s", prefix, S_ADAPTER_KEY);
    len = strlen(prefix) + strlen("USER_AGENT=") + strlen(S_ADAPTER_USER_AGENT) + 1;
    env[kept + 1] = pf_malloc(len);
    snprintf(env[kept + 1], len, "%sUSER_AGENT=%s", prefix, S_ADAPTER_USER_AGENT);
    env[kept + 2] = NULL;
    return env;
}

int
pf_bench_cluster_start_adapter(pf_bench_cluster_t *self, const char *provider,
                               const char *const *args)
{
    s_proc_t *slot = NULL;
    for (int i = 0; i < PF_BENCH_ADAPTERS_MAX && !slot; i++) {
        if (self->adapter_procs[i].pid <= 0)
            slot = &self->adapter_procs[i];
    }
    if (!slot || self->coordinator.pid <= 0 || self->fakeapi.pid <= 0)
        return PF_ESTATE;
    if (!provider || !*provider || strlen(provider) > PFA_NAME_MAX)
        return PF_EINVAL;
    size_t extra = 0;
    while (args && args[extra])
        extra++;
    if (extra > S_ADAPTER_ARGS_MAX)
        return PF_EINVAL;
    char base[PF_BENCH_ENDPOINT_MAX];
    snprintf(base, sizeof base, "http://127.0.0.1:%d/%s", self->fakeapi_port, provider);
    char instance[PFA_NAME_MAX + 32];
    snprintf(instance, sizeof instance, "bench-%s-%u", provider, ++self->adapters);
    char *argv[12 + S_ADAPTER_ARGS_MAX + 1];
    size_t argc = 0;
    argv[argc++] = "pf";
    argv[argc++] = "adapter";
    argv[argc++] = (char *)provider;
    argv[argc++] = "--base";
    argv[argc++] = base;
    argv[argc++] = "--actor";
    argv[argc++] = self->endpoint[S_ACTOR];
    argv[argc++] = "--instance";
    argv[argc++] = instance;
    for (size_t i = 0; i < extra; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    char log_name[PFA_NAME_MAX + 48];
    snprintf(log_name, sizeof log_name, "%s.log", instance);
    char log_path[PATH_MAX];
    int rc = s_path(log_path, sizeof log_path, self->dir, log_name);
    if (rc != PF_OK)
        return rc;
    char **env = s_adapter_env(self, provider);
    rc = s_spawn(slot, instance, NULL, log_path, argv, env);
    s_free_env(env);
    return rc;
}

int
pf_bench_cluster_stop_adapter(pf_bench_cluster_t *self)
{
    return s_stop(self->adapter_procs, PF_BENCH_ADAPTERS_MAX);
}

const char *
pf_bench_cluster_actor_endpoint(const pf_bench_cluster_t *self)
{
    return self->endpoint[S_ACTOR];
}

int
pf_bench_cluster_check(pf_bench_cluster_t *self)
{
    if (pf_bench_interrupted())
        return PF_ESTATE;
    return s_check_children(self);
}

typedef struct {
    pf_modset_t joined;   /* module services seen in actor.joined           */
} s_join_wait_t;

static bool
s_join_fn(void *arg, const char *topic, const pf_value_t *body)
{
    s_join_wait_t *wait = arg;
    if (strcmp(topic, "actor.joined") == 0) {
        const char *service = pf_map_get_str(body, "service");
        int index = service ? pf_graph_find(service) : -1;
        if (index >= 0)
            wait->joined |= (pf_modset_t)1 << index;
    }
    return wait->joined == PF_MODULE_ALL;
}

/*  One sync job over every module: it can only complete once all fifteen
    services are registered, and it warms the coordinator's paths up.
    scale < 0: the real modules, which call the adapters (their rate limits
    decide how long it takes) and may fail by their own rules — then every
    module must have ended, completed or failed, none skipped.              */
static int
s_probe(pf_bench_cluster_t *self, double scale)
{
    double durations[PF_MODULE_COUNT];
    const double *estimates = pf_graph_estimates();
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        durations[i] = estimates[i] * (scale < 0 ? 0 : scale);
    double critical_ms = pf_graph_critical_path(PF_MODULE_ALL, durations) * 1e3;
    char req_id[64];
    char domain[96];
    snprintf(req_id, sizeof req_id, "probe-%u", ++self->probes);
    snprintf(domain, sizeof domain, "probe-%u.bench.example.com", self->probes);
    pf_value_t *body = pf_bench_enrich_body(req_id, domain, false);
    char command[16];
    pf_value_t *reply = NULL;
    int rc = pf_bench_cluster_call(self, "ENRICH", body, PF_BENCH_PROBE_MS + (int)(3 * critical_ms),
                                   NULL, NULL, command, &reply, NULL);
    pf_value_destroy(&body);
    if (rc == PF_ETIMEDOUT)
        fprintf(stderr, "pf bench: the warm-up job did not end within %d ms\n",
                PF_BENCH_PROBE_MS + (int)(3 * critical_ms));
    if (rc != PF_OK)
        return rc;
    const char *status = pf_map_get_str(reply, "status");
    size_t results = pf_map_size(pf_map_get(reply, "results"));
    bool ok = strcmp(command, "RESULT") == 0 && status && strcmp(status, "completed") == 0
              && results == PF_MODULE_COUNT;
    if (scale < 0 && strcmp(command, "RESULT") == 0 && status
        && (strcmp(status, "completed") == 0 || strcmp(status, "partial") == 0))
        ok = pf_array_size(pf_map_get(reply, "completed_modules"))
                 + pf_array_size(pf_map_get(reply, "failed_modules"))
             == PF_MODULE_COUNT;
    if (!ok) {
        const char *why = pf_map_get_str(reply, "message");
        fprintf(stderr, "pf bench: warm-up job answered %s status=%s results=%zu%s%s\n", command,
                status ? status : "-", results, why ? ": " : "", why ? why : "");
        rc = PF_EPROTO;
    }
    pf_value_destroy(&reply);
    return rc;
}

static bool
s_accepted_fn(void *arg, const char *topic, const pf_value_t *body)
{
    (void)arg;
    (void)body;
    return strcmp(topic, "job.accepted") == 0;
}

/*  PUB drops events for a subscription the coordinator has not processed
    yet, and an actor.joined lost that way cannot be asked for again.  So,
    before any actor starts, prove our subscriptions are in place: queue a
    one-module async job until its job.accepted comes through (the
    subscriptions travel in order on one connection, so "actor." is in place
    too).  The jobs run once the actors are up; they are the smallest job
    there is.                                                                */
static int
s_tap_check(pf_bench_cluster_t *self)
{
    if (self->tap_live)
        return PF_OK;
    if (pf_bench_cluster_subscribe(self, "job.accepted", true) != PF_OK)
        return PF_EIO;
    double deadline = pf_bench_now_ms() + PF_BENCH_START_MS;
    int rc = PF_ETIMEDOUT;
    while (rc == PF_ETIMEDOUT && pf_bench_now_ms() < deadline) {
        char req_id[64];
        char domain[96];
        snprintf(req_id, sizeof req_id, "tapcheck-%u", ++self->probes);
        snprintf(domain, sizeof domain, "tapcheck-%u.bench.example.com", self->probes);
        pf_value_t *body = pf_bench_enrich_body(req_id, domain, true);
        pf_value_t *modules = pf_value_array();
        pf_array_push_str(modules, pf_graph_name(PF_MODULE_ROOT));
        pf_map_set(body, "modules", &modules);
        rc = pf_bench_cluster_send(self, "ENRICH", body);
        pf_value_destroy(&body);
        if (rc == PF_OK)
            rc = pf_bench_cluster_pump_tap(self, PF_BENCH_POLL_SLICE_MS * 2, s_accepted_fn, NULL);
    }
    if (pf_bench_cluster_subscribe(self, "job.accepted", false) != PF_OK)
        return PF_EIO;
    if (rc == PF_ETIMEDOUT)
        fprintf(stderr, "pf bench: the tap delivered no job.accepted within %d ms\n",
                PF_BENCH_START_MS);
    if (rc == PF_OK)
        self->tap_live = true;
    return rc;
}

int
pf_bench_cluster_tap_ready(pf_bench_cluster_t *self)
{
    if (self->coordinator.pid <= 0)
        return PF_ESTATE;
    return s_tap_check(self);
}

int
pf_bench_cluster_start_modules(pf_bench_cluster_t *self, double scale)
{
    if (scale < 0 && scale != PF_BENCH_REAL_MODULES)
        return PF_EINVAL;
    if (self->coordinator.pid <= 0)
        return PF_ESTATE;
    for (int i = 0; i < PF_MODULE_COUNT; i++) {
        if (self->modules[i].pid > 0)
            return PF_ESTATE;
    }
    int rc = s_tap_check(self);
    if (rc != PF_OK)
        return rc;
    char scale_text[32];
    snprintf(scale_text, sizeof scale_text, "%g", scale);
    char **env = s_child_env(self, NULL);
    for (int i = 0; i < PF_MODULE_COUNT && rc == PF_OK; i++) {
        const char *name = pf_graph_name(i);
        char *simulated[] = { "pf", "module", (char *)name, "--simulate", scale_text, "--actor",
                              self->endpoint[S_ACTOR], NULL };
        char *real[] = { "pf", "module", (char *)name, "--actor", self->endpoint[S_ACTOR], NULL };
        char **argv = scale < 0 ? real : simulated;
        char log_path[PATH_MAX];
        char log_name[PFA_NAME_MAX + sizeof ".log"];
        snprintf(log_name, sizeof log_name, "%s.log", name);
        rc = s_path(log_path, sizeof log_path, self->dir, log_name);
        if (rc == PF_OK)
            rc = s_spawn(&self->modules[i], name, NULL, log_path, argv, env);
    }
    s_free_env(env);
    if (rc != PF_OK) {
        pf_bench_cluster_stop_modules(self);
        return rc;
    }
    s_join_wait_t wait = { 0 };
    rc = pf_bench_cluster_pump_tap(self, PF_BENCH_JOIN_MS, s_join_fn, &wait);
    if (rc == PF_ETIMEDOUT) {
        /* The warm-up job below is the proof that counts; a short count
           (a tap event dropped) is only reported.                          */
        int seen = __builtin_popcount(wait.joined);
        fprintf(stderr, "pf bench: saw %d of %d actor.joined events within %d ms; "
                        "checking registration with a job\n",
                seen, PF_MODULE_COUNT, PF_BENCH_JOIN_MS);
    } else if (rc != PF_OK) {
        pf_bench_cluster_stop_modules(self);
        return rc;
    }
    rc = s_probe(self, scale);
    if (rc != PF_OK)
        pf_bench_cluster_stop_modules(self);
    return rc;
}

/* -------------------------------------------------------------------- I/O */

int
pf_bench_cluster_subscribe(pf_bench_cluster_t *self, const char *prefix, bool on)
{
    if (zmq_setsockopt(self->tap, on ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE, prefix, strlen(prefix))
        != 0)
        return PF_EIO;
    return PF_OK;
}

int
pf_bench_cluster_wait(pf_bench_cluster_t *self, int timeout_ms, bool *client_in, bool *tap_in)
{
    *client_in = false;
    *tap_in = false;
    double deadline = pf_bench_now_ms() + timeout_ms;
    for (;;) {
        if (pf_bench_interrupted())
            return PF_ESTATE;   /* pf_cmd_bench says so once */
        double left = deadline - pf_bench_now_ms();
        if (left < 0)
            left = 0;
        long slice = left < PF_BENCH_POLL_SLICE_MS ? (long)ceil(left) : PF_BENCH_POLL_SLICE_MS;
        zmq_pollitem_t items[2] = {
            { self->client, 0, ZMQ_POLLIN, 0 },
            { self->tap, 0, ZMQ_POLLIN, 0 },
        };
        int n = zmq_poll(items, 2, slice);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "pf bench: zmq_poll: %s\n", zmq_strerror(errno));
            return PF_EIO;
        }
        if (n > 0) {
            *client_in = (items[0].revents & ZMQ_POLLIN) != 0;
            *tap_in = (items[1].revents & ZMQ_POLLIN) != 0;
            return PF_OK;
        }
        /* Quiet for a slice: has a child died?                             */
        if (s_check_children(self) != PF_OK)
            return PF_ESTATE;
        if (pf_bench_now_ms() >= deadline)
            return PF_ETIMEDOUT;
    }
}

int
pf_bench_cluster_send(pf_bench_cluster_t *self, const char *command, const pf_value_t *body)
{
    double deadline = pf_bench_now_ms() + PF_BENCH_IDLE_MS;
    for (;;) {
        if (pf_wire_send_pfp(self->client, NULL, command, body) == PF_OK)
            return PF_OK;
        if (errno != EAGAIN) {
            fprintf(stderr, "pf bench: send %s: %s\n", command, zmq_strerror(errno));
            return PF_EIO;
        }
        /* The pipe is full (or not yet connected): wait for room.          */
        if (pf_bench_interrupted())
            return PF_ESTATE;   /* pf_cmd_bench says so once */
        zmq_pollitem_t item = { self->client, 0, ZMQ_POLLOUT, 0 };
        if (zmq_poll(&item, 1, PF_BENCH_POLL_SLICE_MS) < 0 && errno != EINTR)
            return PF_EIO;
        if (item.revents == 0) {
            if (s_check_children(self) != PF_OK)
                return PF_ESTATE;
            if (pf_bench_now_ms() > deadline) {
                fprintf(stderr, "pf bench: could not send %s for %d ms\n", command,
                        PF_BENCH_IDLE_MS);
                return PF_ETIMEDOUT;
            }
        }
    }
}

int
pf_bench_cluster_recv(pf_bench_cluster_t *self, char command[16], pf_value_t **body_p,
                      double *at_ms)
{
    pf_wire_msg_t msg;
    if (pf_wire_recv(self->client, &msg, ZMQ_DONTWAIT) != PF_OK) {
        if (errno == EAGAIN || errno == EINTR)
            return PF_ENOTFOUND;
        return PF_EIO;
    }
    double now = pf_bench_now_ms();
    pf_frame_t frames[PF_WIRE_MAX_FRAMES];
    size_t count = pf_wire_frames(&msg, 0, frames, PF_WIRE_MAX_FRAMES);
    int rc = PF_EPROTO;
    pf_value_t *body = NULL;
    char cmd[16];
    /* A DEALER sees [empty][PFP/1][COMMAND][body].                         */
    if (msg.count == count && count >= 1 && frames[0].size == 0)
        rc = pfp_reply_decode(frames + 1, count - 1, cmd, &body);
    pf_wire_msg_close(&msg);
    if (rc != PF_OK)
        return PF_EPROTO;
    memcpy(command, cmd, 16);
    *body_p = body;
    if (at_ms)
        *at_ms = now;
    return PF_OK;
}

int
pf_bench_cluster_tap_recv(pf_bench_cluster_t *self, char topic[PF_BENCH_TOPIC_MAX + 1],
                          pf_value_t **body_p)
{
    pf_wire_msg_t msg;
    if (pf_wire_recv(self->tap, &msg, ZMQ_DONTWAIT) != PF_OK) {
        if (errno == EAGAIN || errno == EINTR)
            return PF_ENOTFOUND;
        return PF_EIO;
    }
    pf_frame_t frames[2];
    size_t count = pf_wire_frames(&msg, 0, frames, 2);
    int rc = PF_EPROTO;
    pf_value_t *body = NULL;
    if (msg.count == 2 && count == 2 && frames[0].size <= PF_BENCH_TOPIC_MAX) {
        rc = pf_msgpack_decode(frames[1].data, frames[1].size, &PF_LIMITS_PAYLOAD, &body);
        if (rc == PF_OK && pf_value_type(body) != PF_MAP) {
            pf_value_destroy(&body);
            rc = PF_EPROTO;
        }
        if (rc == PF_OK) {
            memcpy(topic, frames[0].data, frames[0].size);
            topic[frames[0].size] = '\0';
        }
    }
    pf_wire_msg_close(&msg);
    if (rc != PF_OK)
        return PF_EPROTO;
    *body_p = body;
    return PF_OK;
}

/*  Hands every waiting tap event to fn; returns true if fn said "done".    */
static bool
s_drain_tap(pf_bench_cluster_t *self, pf_bench_tap_fn fn, void *arg)
{
    bool done = false;
    for (;;) {
        char topic[PF_BENCH_TOPIC_MAX + 1];
        pf_value_t *body = NULL;
        int rc = pf_bench_cluster_tap_recv(self, topic, &body);
        if (rc == PF_EPROTO)
            continue;
        if (rc != PF_OK)
            return done;
        if (fn && fn(arg, topic, body))
            done = true;
        pf_value_destroy(&body);
    }
}

void
pf_bench_cluster_drain_tap(pf_bench_cluster_t *self, pf_bench_tap_fn fn, void *arg)
{
    s_drain_tap(self, fn, arg);
}

int
pf_bench_cluster_call(pf_bench_cluster_t *self, const char *command, const pf_value_t *body,
                      int timeout_ms, pf_bench_tap_fn tap_fn, void *tap_arg,
                      char reply_command[16], pf_value_t **reply_p, double *rtt_ms)
{
    const char *req_id = pf_map_get_str(body, "req_id");
    if (!req_id)
        return PF_EINVAL;
    double start = pf_bench_now_ms();
    int rc = pf_bench_cluster_send(self, command, body);
    if (rc != PF_OK)
        return rc;
    double deadline = start + timeout_ms;
    for (;;) {
        double left = deadline - pf_bench_now_ms();
        if (left <= 0)
            return PF_ETIMEDOUT;
        bool client_in = false;
        bool tap_in = false;
        rc = pf_bench_cluster_wait(self, (int)ceil(left), &client_in, &tap_in);
        if (rc != PF_OK)
            return rc;
        if (tap_in)
            s_drain_tap(self, tap_fn, tap_arg);
        while (client_in) {
            char cmd[16];
            pf_value_t *reply = NULL;
            double at = 0;
            rc = pf_bench_cluster_recv(self, cmd, &reply, &at);
            if (rc == PF_EPROTO)
                continue;
            if (rc == PF_ENOTFOUND)
                break;
            if (rc != PF_OK)
                return rc;
            const char *id = pf_map_get_str(reply, "req_id");
            if (id && strcmp(id, req_id) == 0) {
                memcpy(reply_command, cmd, 16);
                *reply_p = reply;
                if (rtt_ms)
                    *rtt_ms = at - start;
                return PF_OK;
            }
            /* A late answer to an earlier, abandoned request.              */
            pf_value_destroy(&reply);
        }
    }
}

int
pf_bench_cluster_pump_tap(pf_bench_cluster_t *self, int timeout_ms, pf_bench_tap_fn fn, void *arg)
{
    double deadline = pf_bench_now_ms() + timeout_ms;
    for (;;) {
        double left = deadline - pf_bench_now_ms();
        if (left <= 0)
            return PF_ETIMEDOUT;
        bool client_in = false;
        bool tap_in = false;
        int rc = pf_bench_cluster_wait(self, (int)ceil(left), &client_in, &tap_in);
        if (rc != PF_OK)
            return rc;
        if (tap_in && s_drain_tap(self, fn, arg))
            return PF_OK;
        while (client_in) {
            char cmd[16];
            pf_value_t *reply = NULL;
            rc = pf_bench_cluster_recv(self, cmd, &reply, NULL);
            if (rc == PF_EPROTO)
                continue;
            if (rc != PF_OK)
                break;
            pf_value_destroy(&reply);
        }
    }
}

/* ------------------------------------------------------------------ misc */

pf_value_t *
pf_bench_enrich_body(const char *req_id, const char *domain, bool async)
{
    pf_value_t *body = pf_value_map();
    pf_map_set_str(body, "req_id", req_id);
    pf_map_set_str(body, "domain", domain);
    pf_map_set_bool(body, "async", async);
    return body;
}

int
pf_bench_proc_status_kib(pid_t pid, const char *field, double *kib)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *file = fopen(path, "re");
    if (!file)
        return PF_EIO;
    char line[256];
    size_t field_len = strlen(field);
    int rc = PF_EIO;
    while (fgets(line, sizeof line, file)) {
        if (strncmp(line, field, field_len) == 0) {
            char *end = NULL;
            double value = strtod(line + field_len, &end);
            if (end != line + field_len) {
                *kib = value;
                rc = PF_OK;
            }
            break;
        }
    }
    fclose(file);
    return rc;
}
