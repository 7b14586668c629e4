/*  pf_supctl.c — the control socket of `pf up` (see pf_supctl.h).

    Server: a ROUTER the supervisor's loop polls; each request is answered
    at once from the supervisor's own state, so serving never blocks it.
    Client: a REQ socket per call, after a plain connect() on the socket
    file has shown somebody listens there (a ZeroMQ connect to a missing
    ipc path would only retry in the background until the timeout).        */
#include "pf_supctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_fs.h"
#include "pf_msgpack.h"

/*  Frames of a request as a ROUTER sees it: identity, delimiter, body.    */
#define S_FRAMES 3
/*  Bytes of a name or command echoed back in an error message.            */
#define S_ECHO_MAX 64
/*  "ipc://" in front of the path.                                          */
#define S_IPC_PREFIX "ipc://"

struct pf_supctl_t {
    pf_supervisor_t *sup;        /* borrowed: the children served           */
    int lock_fd;                 /* flock'ed data-dir lock, held for life   */
    void *ctx;                   /* own ZeroMQ context                      */
    void *socket;                /* ROUTER bound on the control file        */
    char path[sizeof(((struct sockaddr_un *) 0)->sun_path)]; /* the file    */
    char endpoint[sizeof S_IPC_PREFIX + sizeof(((struct sockaddr_un *) 0)->sun_path)];
                                 /* "ipc://" + path                         */
};

/*  What lies at the control path.                                          */
typedef enum {
    S_FILE_NONE = 0,             /* nothing                                 */
    S_FILE_STALE,                /* a socket nobody listens on              */
    S_FILE_LIVE,                 /* a socket with a listener                */
    S_FILE_OTHER                 /* not a socket                            */
} s_file_t;

int
pf_supctl_path(const char *data_dir, char *out, size_t size)
{
    char path[sizeof(((struct sockaddr_un *) 0)->sun_path)];
    int n = snprintf(path, sizeof path, "%s/%s", data_dir, PF_SUPCTL_FILE);
    if (n < 0 || (size_t) n >= sizeof path || (size_t) n >= size)
        return PF_ETOOBIG;
    memcpy(out, path, (size_t) n + 1);
    return PF_OK;
}

/*  Looks at path: sets *kind and returns 0, or PF_EIO (errno set) when it
    cannot tell.                                                            */
static int
s_examine(const char *path, s_file_t *kind)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT)
            return PF_EIO;
        *kind = S_FILE_NONE;
        return PF_OK;
    }
    if (!S_ISSOCK(st.st_mode)) {
        *kind = S_FILE_OTHER;
        return PF_OK;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return PF_EIO;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    int rc;
    while ((rc = connect(fd, (struct sockaddr *) &addr, sizeof addr)) != 0 && errno == EINTR)
        ;
    int err = errno;
    close(fd);
    if (rc == 0) {
        *kind = S_FILE_LIVE;
        return PF_OK;
    }
    /* ENOENT: removed between lstat and connect.                          */
    if (err == ECONNREFUSED || err == ENOENT) {
        *kind = err == ENOENT ? S_FILE_NONE : S_FILE_STALE;
        return PF_OK;
    }
    errno = err;
    return PF_EIO;
}

/*  One request/reply over a fresh REQ socket.  Returns as
    pf_supctl_request, less PF_ENOTFOUND.                                   */
static int
s_call(const char *path, const pf_value_t *request, int timeout_ms, pf_value_t **reply_p)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (pf_value_type(request) != PF_MAP || pf_msgpack_encode(request, &data, &size) != PF_OK)
        return PF_EINVAL;
    char endpoint[sizeof S_IPC_PREFIX + sizeof(((struct sockaddr_un *) 0)->sun_path)];
    snprintf(endpoint, sizeof endpoint, "%s%s", S_IPC_PREFIX, path);
    int64_t deadline = timeout_ms < 0 ? -1 : pf_clock_mono_ms() + timeout_ms;
    void *ctx = zmq_ctx_new();
    void *sock = ctx ? zmq_socket(ctx, ZMQ_REQ) : NULL;
    int rc = PF_EIO;
    int zero = 0;
    int64_t max_msg = PF_DEFAULT_MAX_MSG_BYTES;
    if (!sock || zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero) != 0
        || zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg) != 0
        || zmq_connect(sock, endpoint) != 0)
        goto done;
    /* Send once the connection is up, then wait for the reply; both
       within the one deadline.                                            */
    short want = ZMQ_POLLOUT;
    for (;;) {
        zmq_pollitem_t item = { sock, 0, want, 0 };
        long wait = deadline < 0 ? -1 : (long) (deadline - pf_clock_mono_ms());
        if (deadline >= 0 && wait < 0)
            wait = 0;
        int n = zmq_poll(&item, 1, wait);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto done;
        if (n == 0) {
            rc = PF_ETIMEDOUT;
            goto done;
        }
        if (want == ZMQ_POLLOUT) {
            if (zmq_send(sock, data, size, ZMQ_DONTWAIT) < 0) {
                if (errno == EAGAIN || errno == EINTR)
                    continue;
                goto done;
            }
            want = ZMQ_POLLIN;
            continue;
        }
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            if (errno == EAGAIN || errno == EINTR)
                continue;
            goto done;
        }
        bool more = zmq_msg_more(&msg);
        pf_value_t *reply = NULL;
        rc = more ? PF_EPROTO
                  : pf_msgpack_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), &PF_LIMITS_DEFAULT,
                                      &reply);
        zmq_msg_close(&msg);
        if (rc == PF_OK && pf_value_type(reply) != PF_MAP) {
            pf_value_destroy(&reply);
            rc = PF_EPROTO;
        } else if (rc != PF_OK) {
            rc = PF_EPROTO;
        }
        if (rc == PF_OK)
            *reply_p = reply;
        break;
    }
done:;
    int err = errno;
    if (sock)
        zmq_close(sock);
    if (ctx)
        zmq_ctx_term(ctx);
    free(data);
    errno = err;
    return rc;
}

int
pf_supctl_request(const char *data_dir, const pf_value_t *request, int timeout_ms,
                  pf_value_t **reply_p)
{
    if (pf_value_type(request) != PF_MAP)
        return PF_EINVAL;
    char path[sizeof(((struct sockaddr_un *) 0)->sun_path)];
    if (pf_supctl_path(data_dir, path, sizeof path) != PF_OK)
        return PF_ETOOBIG;
    s_file_t kind;
    if (s_examine(path, &kind) != PF_OK)
        return PF_EIO;
    if (kind != S_FILE_LIVE)
        return PF_ENOTFOUND;
    return s_call(path, request, timeout_ms, reply_p);
}

/*  Refuses (message on stderr, PF_EBUSY) when a live pf up owns path;
    removes a stale socket.  Returns 0 when path is free to bind.           */
static int
s_claim(const char *path, const char *data_dir, const char *who)
{
    s_file_t kind;
    if (s_examine(path, &kind) != PF_OK) {
        fprintf(stderr, "%s: cannot check the control socket %s: %s\n", who, path,
                strerror(errno));
        return PF_EIO;
    }
    switch (kind) {
    case S_FILE_NONE:
        return PF_OK;
    case S_FILE_OTHER:
        fprintf(stderr, "%s: %s exists and is not a socket; not starting (remove it if it is "
                        "not needed)\n", who, path);
        return PF_EBUSY;
    case S_FILE_STALE:
        if (unlink(path) != 0 && errno != ENOENT) {
            fprintf(stderr, "%s: cannot remove the stale control socket %s: %s\n", who, path,
                    strerror(errno));
            return PF_EIO;
        }
        fprintf(stderr, "%s: removed a stale control socket %s (left by a pf up that did "
                        "not exit cleanly)\n", who, path);
        return PF_OK;
    case S_FILE_LIVE:
        break;
    }
    pf_value_t *ping = pf_value_map();
    pf_map_set_str(ping, "cmd", "ping");
    pf_value_t *reply = NULL;
    int rc = s_call(path, ping, PF_SUPCTL_PROBE_MS, &reply);
    pf_value_destroy(&ping);
    if (rc == PF_OK && pf_map_get_bool(reply, "ok", false))
        fprintf(stderr, "%s: another pf up (pid %lld) is already running with data dir %s; "
                        "stop it first or use another --data-dir\n",
                who, (long long) pf_map_get_int(reply, "pid", 0), data_dir);
    else
        fprintf(stderr, "%s: %s is held by a process that does not answer (%s); if no pf up "
                        "is running with data dir %s, remove that file\n",
                who, path, rc == PF_OK ? "not a pf up reply" : pf_strerror(rc), data_dir);
    pf_value_destroy(&reply);
    return PF_EBUSY;
}

/* Serving ---------------------------------------------------------------- */

static pf_value_t *
s_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static pf_value_t *
s_error(const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    pf_value_t *reply = pf_value_map();
    pf_map_set_bool(reply, "ok", false);
    pf_map_set_str(reply, "error", text);
    return reply;
}

/*  The C string of a PF_STR without NUL bytes inside, or NULL.            */
static const char *
s_text(const pf_value_t *v)
{
    size_t len = 0;
    const char *s = pf_value_as_str(v, &len);
    return s && strlen(s) == len ? s : NULL;
}

/*  NULL when every key of request is one of allowed (NULL-terminated),
    else an error reply.                                                    */
static pf_value_t *
s_check_fields(const pf_value_t *request, const char *cmd, const char *const *allowed)
{
    for (size_t i = 0; i < pf_map_size(request); i++) {
        const char *key = s_text(pf_map_key_at(request, i));
        if (!key)
            return s_error("field names must be strings");
        bool known = false;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known)
            return s_error("unknown field '%.*s' for %s", S_ECHO_MAX, key, cmd);
    }
    return NULL;
}

static pf_value_t *
s_ok(void)
{
    pf_value_t *reply = pf_value_map();
    pf_map_set_bool(reply, "ok", true);
    return reply;
}

static pf_value_t *
s_list(pf_supctl_t *self)
{
    pf_value_t *children = pf_value_array();
    size_t count = pf_supervisor_child_count(self->sup);
    for (size_t i = 0; i < count; i++) {
        pf_child_info_t info;
        if (pf_supervisor_child_info(self->sup, i, &info) != PF_OK)
            continue;
        pf_value_t *child = pf_value_map();
        pf_map_set_str(child, "name", info.name);
        pf_map_set_int(child, "pid", info.pid);
        pf_map_set_str(child, "state", pf_supervisor_state_name(info.state));
        pf_map_set_int(child, "restarts", info.restarts);
        if (info.started_at_ms > 0)
            pf_map_set_int(child, "started_at", info.started_at_ms);
        else
            pf_map_set_nil(child, "started_at");
        pf_array_push(children, &child);
    }
    pf_value_t *reply = s_ok();
    pf_map_set(reply, "children", &children);
    return reply;
}

static pf_value_t *
s_restart(pf_supctl_t *self, const pf_value_t *request)
{
    const pf_value_t *field = pf_map_get(request, "name");
    if (!field)
        return s_error("restart needs a name");
    const char *name = s_text(field);
    if (!name || !*name)
        return s_error("name must be a non-empty string");
    pf_restart_t how;
    int rc = pf_supervisor_restart(self->sup, name, &how);
    if (rc == PF_ENOTFOUND)
        return s_error("no child named '%.*s' (pf ps lists them)", S_ECHO_MAX, name);
    if (rc == PF_ESTATE)
        return s_error("pf up is stopping; nothing is restarted");
    if (rc != PF_OK)
        return s_error("cannot start %s now (fork failed); it is retried later", name);
    static const char *const actions[] = { [PF_RESTART_STOPPING] = "stopping",
                                           [PF_RESTART_STARTED] = "started",
                                           [PF_RESTART_PENDING] = "pending" };
    pf_value_t *reply = s_ok();
    pf_map_set_str(reply, "action", actions[how]);
    pf_map_set_int(reply, "pid", pf_supervisor_child_pid(self->sup, name));
    return reply;
}

/*  The reply to one request body (never NULL).                            */
static pf_value_t *
s_handle(pf_supctl_t *self, const void *data, size_t size)
{
    pf_value_t *request = NULL;
    int rc = pf_msgpack_decode(data, size, &PF_LIMITS_DEFAULT, &request);
    if (rc != PF_OK)
        return s_error("malformed request: %s", pf_strerror(rc));
    pf_value_t *reply = NULL;
    const pf_value_t *cmd_field = pf_map_get(request, "cmd");
    const char *cmd = s_text(cmd_field);
    static const char *const plain[] = { "cmd", NULL };
    static const char *const named[] = { "cmd", "name", NULL };
    if (pf_value_type(request) != PF_MAP)
        reply = s_error("a request must be a map");
    else if (!cmd_field)
        reply = s_error("cmd missing");
    else if (!cmd)
        reply = s_error("cmd must be a string");
    else if (strcmp(cmd, "ping") == 0) {
        if (!(reply = s_check_fields(request, cmd, plain))) {
            reply = s_ok();
            pf_map_set_int(reply, "pid", getpid());
        }
    } else if (strcmp(cmd, "list") == 0) {
        if (!(reply = s_check_fields(request, cmd, plain)))
            reply = s_list(self);
    } else if (strcmp(cmd, "restart") == 0) {
        if (!(reply = s_check_fields(request, cmd, named)))
            reply = s_restart(self, request);
    } else {
        reply = s_error("unknown cmd '%.*s' (ping, list, restart)", S_ECHO_MAX, cmd);
    }
    pf_value_destroy(&request);
    return reply;
}

/*  Sends [identity][empty][reply] without waiting: a client that is gone
    or not reading loses its reply, the supervisor never stalls.           */
static void
s_send(pf_supctl_t *self, zmq_msg_t *identity, const pf_value_t *reply)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (pf_msgpack_encode(reply, &data, &size) != PF_OK)
        return;
    if (zmq_msg_send(identity, self->socket, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0
        && zmq_send(self->socket, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
        zmq_send(self->socket, data, size, ZMQ_DONTWAIT);
    free(data);
}

/*  Serves up to PF_SUPCTL_BATCH requests, then lets the loop go on.        */
static void
s_on_readable(pf_supervisor_t *sup, void *socket, void *arg)
{
    pf_supctl_t *self = arg;
    for (int served = 0; served < PF_SUPCTL_BATCH; served++) {
        zmq_msg_t frames[S_FRAMES];
        size_t kept = 0, total = 0;
        bool more = true;
        while (more) {
            /* Frames past the third are received and dropped: only their
               count matters (it makes the framing error).                 */
            zmq_msg_t spare;
            zmq_msg_t *msg = kept < S_FRAMES ? &frames[kept] : &spare;
            zmq_msg_init(msg);
            if (zmq_msg_recv(msg, socket, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(msg);
                /* A message's frames arrive together: only the first
                   receive can find nothing (EAGAIN), or a signal.         */
                if (total == 0 && errno == EINTR)
                    continue;
                break;
            }
            more = zmq_msg_more(msg);
            total++;
            if (msg == &spare)
                zmq_msg_close(&spare);
            else
                kept++;
        }
        if (total == 0)
            return;
        pf_value_t *reply;
        if (more)
            reply = NULL;   /* cut short: the socket failed mid-message    */
        else if (total != S_FRAMES || zmq_msg_size(&frames[1]) != 0)
            reply = s_error("bad framing: send one msgpack frame after an empty delimiter");
        else
            reply = s_handle(self, zmq_msg_data(&frames[2]), zmq_msg_size(&frames[2]));
        if (reply)
            s_send(self, &frames[0], reply);
        pf_value_destroy(&reply);
        for (size_t i = 0; i < kept; i++)
            zmq_msg_close(&frames[i]);
        if (more)
            return;
    }
}

pf_supctl_t *
pf_supctl_new(pf_supervisor_t *sup, const char *data_dir, const char *who)
{
    pf_supctl_t *self = pf_calloc(1, sizeof *self);
    self->sup = sup;
    if (pf_supctl_path(data_dir, self->path, sizeof self->path) != PF_OK) {
        fprintf(stderr, "%s: data dir %s is too long for a control socket path (at most %zu "
                        "bytes with /%s)\n",
                who, data_dir, sizeof self->path - 1, PF_SUPCTL_FILE);
        free(self);
        return NULL;
    }
    snprintf(self->endpoint, sizeof self->endpoint, "%s%s", S_IPC_PREFIX, self->path);
    if (pf_fs_make_dir(data_dir, PF_SUPCTL_DIR_MODE) != PF_OK) {
        fprintf(stderr, "%s: cannot create data dir %s: %s\n", who, data_dir, strerror(errno));
        free(self);
        return NULL;
    }
    if (s_claim(self->path, data_dir, who) != PF_OK) {
        free(self);
        return NULL;
    }
    /* The lock closes the window in which two pf up started at the same
       instant could both have found the control path free above.  It is
       released when the process ends, however it ends; the file stays.    */
    char lock_path[sizeof self->path + 16];
    snprintf(lock_path, sizeof lock_path, "%s/%s", data_dir, PF_SUPCTL_LOCK_FILE);
    self->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (self->lock_fd < 0 || flock(self->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (self->lock_fd >= 0 && errno == EWOULDBLOCK)
            fprintf(stderr, "%s: another pf up is running with data dir %s\n", who, data_dir);
        else
            fprintf(stderr, "%s: cannot lock %s: %s\n", who, lock_path, strerror(errno));
        if (self->lock_fd >= 0)
            close(self->lock_fd);
        free(self);
        return NULL;
    }
    int zero = 0;
    int64_t max_msg = PF_SUPCTL_MAX_REQUEST_BYTES;
    self->ctx = zmq_ctx_new();
    self->socket = self->ctx ? zmq_socket(self->ctx, ZMQ_ROUTER) : NULL;
    if (!self->socket || zmq_setsockopt(self->socket, ZMQ_LINGER, &zero, sizeof zero) != 0
        || zmq_setsockopt(self->socket, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg) != 0
        || zmq_bind(self->socket, self->endpoint) != 0) {
        fprintf(stderr, "%s: cannot bind the control socket %s: %s\n", who, self->endpoint,
                zmq_strerror(errno));
        if (self->socket)
            zmq_close(self->socket);
        if (self->ctx)
            zmq_ctx_term(self->ctx);
        close(self->lock_fd);
        free(self);
        return NULL;
    }
    /* Whoever can connect can restart children: the owner only.           */
    if (chmod(self->path, PF_SUPCTL_SOCKET_MODE) != 0
        || pf_supervisor_watch(sup, self->socket, s_on_readable, self) != PF_OK) {
        fprintf(stderr, "%s: cannot set up the control socket %s: %s\n", who, self->path,
                strerror(errno));
        zmq_close(self->socket);
        zmq_ctx_term(self->ctx);
        unlink(self->path);
        close(self->lock_fd);
        free(self);
        return NULL;
    }
    return self;
}

void
pf_supctl_destroy(pf_supctl_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_supctl_t *self = *self_p;
    pf_supervisor_unwatch(self->sup, self->socket);
    zmq_close(self->socket);
    zmq_ctx_term(self->ctx);
    /* ZeroMQ leaves the file behind; the next pf up would find it stale.  */
    unlink(self->path);
    close(self->lock_fd);
    free(self);
    *self_p = NULL;
}

const char *
pf_supctl_endpoint(const pf_supctl_t *self)
{
    return self->endpoint;
}
