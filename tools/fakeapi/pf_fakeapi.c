/*  pf_fakeapi.c — pf-fakeapi, the offline emulator of PartnerForge's five
    data providers: HTTP plumbing around pf_fake_core.

    Concurrency design.  libmicrohttpd runs one internal polling thread
    (epoll/poll, chosen by MHD_USE_AUTO) that calls our handler; the core is
    therefore single-threaded and needs no lock.  Requests that must wait
    (latency, jitter, hangs) are *suspended* (MHD_ALLOW_SUSPEND_RESUME), so
    they cost a socket but never block other connections, and a small
    timer thread resumes them when due.  A hung request is held until the
    client gives up: the timer thread polls the held sockets for POLLRDHUP
    and resumes (then closes) a connection whose peer went away, and at
    shutdown every held request is released.  Thread-per-connection would
    also work but would tie a thread to every hang; this keeps the cost at
    one fd per held request, bounded by the connection limit.               */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_fake_core.h"

#define FA_DEFAULT_LISTEN "127.0.0.1:8700"
#define FA_MAX_CONNECTIONS 1000      /* concurrent connections               */
#define FA_IDLE_TIMEOUT_S 120        /* idle keep-alive connections closed  */
#define FA_KV_MAX 64                 /* query parameters / headers kept      */
#define FA_HANG_POLL_MS 100          /* how often held sockets are checked   */
#define FA_FAULTS_FILE_MAX (1 << 20) /* --faults @file, bytes                */

typedef struct fa_ctx fa_ctx_t;

/*  One request in flight.                                                  */
struct fa_ctx {
    struct MHD_Connection *conn; /* its connection                            */
    bool planned;                /* plan made                                 */
    bool control;                /* a /_control request                       */
    pf_fake_plan_t plan;         /* what to do                                */
    char *body;                  /* control body (owned)                      */
    size_t body_len;             /* bytes in body                             */
    bool too_big;                /* body over the cap                         */
    bool queued;                 /* in the timer queue                        */
    bool release;                /* resumed to be closed (shutdown/peer gone) */
    int64_t due_us;              /* resume at (monotonic); hangs: never       */
    int fd;                      /* socket (for peer-gone checks)             */
    fa_ctx_t *next;              /* timer queue link                          */
};

typedef struct {
    struct MHD_Daemon *daemon;   /* the HTTP server                           */
    pf_fake_core_t *core;        /* decisions                                 */
    bool quiet;                  /* no per-request log                        */
    pthread_mutex_t lock;        /* guards queue and stopping                 */
    fa_ctx_t *queue;             /* suspended requests                        */
    size_t queued;               /* their number                              */
    bool stopping;               /* shutdown begun                            */
    int wake[2];                 /* pipe: wakes the timer thread              */
    pthread_t timer;             /* the timer thread                          */
} fa_server_t;

static int64_t
s_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
s_wake(fa_server_t *srv)
{
    char c = 1;
    ssize_t n = write(srv->wake[1], &c, 1);
    (void) n;  /* a full pipe already wakes the thread                      */
}

/*  Timer thread: resumes due requests and held ones whose peer left.      */
static void *
s_timer_main(void *arg)
{
    fa_server_t *srv = arg;
    struct pollfd *fds = pf_calloc(FA_MAX_CONNECTIONS + 1, sizeof *fds);
    fa_ctx_t **owners = pf_calloc(FA_MAX_CONNECTIONS + 1, sizeof *owners);
    for (;;) {
        pthread_mutex_lock(&srv->lock);
        if (srv->stopping) {
            pthread_mutex_unlock(&srv->lock);
            break;
        }
        int64_t now = s_now_us();
        int timeout = FA_HANG_POLL_MS;
        size_t n = 1;
        fds[0].fd = srv->wake[0];
        fds[0].events = POLLIN;
        for (fa_ctx_t *c = srv->queue; c; c = c->next) {
            if (c->due_us != INT64_MAX) {
                int64_t ms = (c->due_us - now + 999) / 1000;
                if (ms < timeout)
                    timeout = ms < 0 ? 0 : (int) ms;
            } else if (c->fd >= 0 && n < FA_MAX_CONNECTIONS + 1) {
                fds[n].fd = c->fd;
                fds[n].events = POLLRDHUP;
                fds[n].revents = 0;
                owners[n++] = c;
            }
        }
        pthread_mutex_unlock(&srv->lock);
        fds[0].revents = 0;
        int rc = poll(fds, (nfds_t) n, timeout);
        if (rc > 0 && (fds[0].revents & POLLIN)) {
            char buf[64];
            ssize_t r = read(srv->wake[0], buf, sizeof buf);
            (void) r;
        }
        pthread_mutex_lock(&srv->lock);
        if (srv->stopping) {
            /*  Shutdown resumed every held request while we polled: the
                server thread may have freed them, owners[] is stale.       */
            pthread_mutex_unlock(&srv->lock);
            break;
        }
        now = s_now_us();
        for (size_t i = 1; rc > 0 && i < n; i++)
            if (fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR))
                owners[i]->release = true;
        fa_ctx_t **pp = &srv->queue;
        while (*pp) {
            fa_ctx_t *c = *pp;
            if (c->release || c->due_us <= now) {
                *pp = c->next;
                c->queued = false;
                srv->queued--;
                MHD_resume_connection(c->conn);
            } else
                pp = &c->next;
        }
        pthread_mutex_unlock(&srv->lock);
    }
    free(fds);
    free(owners);
    return NULL;
}

static void
s_reset_socket(fa_ctx_t *ctx)
{
    /*  Linger 0: close sends RST, which clients see as a reset.           */
    struct linger lg = {1, 0};
    if (ctx->fd >= 0)
        (void) setsockopt(ctx->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

typedef struct {
    pf_fake_kv_t kv[FA_KV_MAX];  /* collected pairs                           */
    size_t n;                    /* used                                      */
} fa_kvs_t;

static enum MHD_Result
s_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void) kind;
    fa_kvs_t *kvs = cls;
    if (kvs->n < FA_KV_MAX) {
        kvs->kv[kvs->n].name = key;
        kvs->kv[kvs->n].value = value ? value : "";
        kvs->n++;
    }
    return MHD_YES;
}

typedef struct {
    char *body;                  /* whole body (owned)                        */
    size_t send;                 /* bytes to send before failing              */
} fa_trunc_t;

static ssize_t
s_trunc_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    fa_trunc_t *t = cls;
    if (pos >= t->send)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = t->send - (size_t) pos;
    if (n > max)
        n = max;
    memcpy(buf, t->body + pos, n);
    return (ssize_t) n;
}

static void
s_trunc_free(void *cls)
{
    fa_trunc_t *t = cls;
    free(t->body);
    free(t);
}

static enum MHD_Result
s_send(fa_ctx_t *ctx, pf_fake_response_t *r, bool truncate)
{
    struct MHD_Response *resp;
    if (truncate && r->body_len > 1) {
        fa_trunc_t *t = pf_malloc(sizeof *t);
        t->body = r->body;
        t->send = r->body_len / 2;
        resp = MHD_create_response_from_callback(r->body_len, 4096, s_trunc_read, t, s_trunc_free);
        if (!resp) {
            s_trunc_free(t);
            r->body = NULL;
            return MHD_NO;
        }
    } else {
        resp = MHD_create_response_from_buffer(r->body_len, r->body, MHD_RESPMEM_MUST_FREE);
        if (!resp)
            return MHD_NO;
    }
    r->body = NULL;  /* the response owns it now                            */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    MHD_add_response_header(resp, "X-PF-Source", r->synthetic ? "synthetic" : "fixture");
    for (size_t i = 0; i < r->header_count; i++)
        MHD_add_response_header(resp, r->header_names[i], r->header_values[i]);
    enum MHD_Result rc = MHD_queue_response(ctx->conn, (unsigned) r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result
s_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void) version;
    fa_server_t *srv = cls;
    fa_ctx_t *ctx = *con_cls;
    if (!ctx) {
        ctx = pf_calloc(1, sizeof *ctx);
        ctx->conn = conn;
        ctx->fd = -1;
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (info)
            ctx->fd = info->connect_fd;
        ctx->control = strncmp(url, PF_FAKE_CONTROL_PREFIX, strlen(PF_FAKE_CONTROL_PREFIX)) == 0;
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_size) {
        if (ctx->control && !ctx->too_big) {
            if (ctx->body_len + *upload_size > PF_FAKE_CONTROL_BODY_MAX) {
                ctx->too_big = true;
            } else {
                ctx->body = pf_realloc(ctx->body, ctx->body_len + *upload_size + 1);
                memcpy(ctx->body + ctx->body_len, upload_data, *upload_size);
                ctx->body_len += *upload_size;
                ctx->body[ctx->body_len] = '\0';
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (ctx->release) {
        s_reset_socket(ctx);
        return MHD_NO;
    }
    if (!ctx->planned) {
        ctx->planned = true;
        fa_kvs_t query = {.n = 0}, headers = {.n = 0};
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, s_collect, &query);
        MHD_get_connection_values(conn, MHD_HEADER_KIND, s_collect, &headers);
        pf_fake_request_t req = {method, url, query.kv, query.n, headers.kv, headers.n};
        if (ctx->control) {
            pf_fake_core_control(srv->core, &req, ctx->body, ctx->body_len, ctx->too_big,
                                 s_now_us(), &ctx->plan.resp);
            return s_send(ctx, &ctx->plan.resp, false);
        }
        pf_fake_core_handle(srv->core, &req, s_now_us(), time(NULL), &ctx->plan);
        if (!srv->quiet)
            fprintf(stderr, "pf-fakeapi: %s %s -> %d%s\n", method, url, ctx->plan.resp.status,
                    ctx->plan.kind ? " (fault)" : "");
        bool hang = ctx->plan.kind == PF_FAKE_FAULT_HANG;
        if (hang || ctx->plan.delay_ms > 0) {
            ctx->due_us = hang ? INT64_MAX : s_now_us() + (int64_t) ctx->plan.delay_ms * 1000;
            MHD_suspend_connection(conn);
            pthread_mutex_lock(&srv->lock);
            if (srv->stopping) {
                ctx->release = true;
                MHD_resume_connection(conn);
            } else {
                ctx->next = srv->queue;
                srv->queue = ctx;
                ctx->queued = true;
                srv->queued++;
            }
            pthread_mutex_unlock(&srv->lock);
            s_wake(srv);
            return MHD_YES;
        }
    }
    switch (ctx->plan.kind) {
    case PF_FAKE_FAULT_HANG:
    case PF_FAKE_FAULT_RESET:
    case PF_FAKE_FAULT_DOWN:
        s_reset_socket(ctx);
        return MHD_NO;
    default:
        return s_send(ctx, &ctx->plan.resp, ctx->plan.kind == PF_FAKE_FAULT_TRUNCATE);
    }
}

static void
s_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
            enum MHD_RequestTerminationCode toe)
{
    (void) conn;
    (void) toe;
    fa_server_t *srv = cls;
    fa_ctx_t *ctx = *con_cls;
    if (!ctx)
        return;
    pthread_mutex_lock(&srv->lock);
    if (ctx->queued) {  /* closed while held (shutdown): unlink first        */
        for (fa_ctx_t **pp = &srv->queue; *pp; pp = &(*pp)->next)
            if (*pp == ctx) {
                *pp = ctx->next;
                srv->queued--;
                break;
            }
    }
    pthread_mutex_unlock(&srv->lock);
    pf_fake_response_clear(&ctx->plan.resp);
    free(ctx->body);
    free(ctx);
    *con_cls = NULL;
}

static void
s_usage(FILE *f)
{
    fprintf(f,
            "usage: pf-fakeapi [--listen 127.0.0.1:PORT] [--data DIR] [--faults JSON|@FILE]\n"
            "                  [--limit PROVIDER=N/WMS]... [--no-limits] [--key K] [--quiet]\n"
            "Offline emulator of BuiltWith, SimilarWeb, Yahoo Finance, SEC EDGAR and Brave\n"
            "search below /<provider>; control API below /_control.  Default listen %s.\n"
            "It prints one line, \"pf-fakeapi: listening on http://127.0.0.1:PORT ...\", on\n"
            "stdout; --quiet logs no request and prints that line on stderr instead.\n",
            FA_DEFAULT_LISTEN);
}

static int
s_parse_listen(const char *text, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (!colon || (size_t) (colon - text) >= sizeof host)
        return PF_EINVAL;
    memcpy(host, text, (size_t) (colon - text));
    host[colon - text] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || colon[1] == '\0' || port < 0 || port > 65535)
        return PF_EINVAL;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t) port);
    if (!strcmp(host, "localhost"))
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return PF_EINVAL;
    /*  Loopback only: this server has no authentication of its own.       */
    if ((ntohl(sa->sin_addr.s_addr) >> 24) != 127)
        return PF_EDOMAIN;
    return 0;
}

static char *
s_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = pf_malloc(FA_FAULTS_FILE_MAX + 1);
    size_t n = fread(buf, 1, FA_FAULTS_FILE_MAX + 1, f);
    fclose(f);
    if (n > FA_FAULTS_FILE_MAX) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

int
main(int argc, char **argv)
{
    const char *listen = FA_DEFAULT_LISTEN, *data_dir = PF_FAKEAPI_DATA_DIR, *faults = NULL,
               *key = NULL;
    const char *limits[PF_FAKE_PROVIDERS * 4];
    size_t nlimits = 0;
    bool no_limits = false, quiet = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "--listen") && has)
            listen = argv[++i];
        else if (!strcmp(a, "--data") && has)
            data_dir = argv[++i];
        else if (!strcmp(a, "--faults") && has)
            faults = argv[++i];
        else if (!strcmp(a, "--limit") && has && nlimits < sizeof limits / sizeof limits[0])
            limits[nlimits++] = argv[++i];
        else if (!strcmp(a, "--key") && has)
            key = argv[++i];
        else if (!strcmp(a, "--no-limits"))
            no_limits = true;
        else if (!strcmp(a, "--quiet"))
            quiet = true;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            s_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "pf-fakeapi: bad argument '%s'\n", a);
            s_usage(stderr);
            return 2;
        }
    }
    if (key && !key[0]) {
        fprintf(stderr, "pf-fakeapi: --key must not be empty\n");
        return 2;
    }
    struct sockaddr_in sa;
    int rc = s_parse_listen(listen, &sa);
    if (rc) {
        fprintf(stderr, "pf-fakeapi: --listen %s: %s\n", listen,
                rc == PF_EDOMAIN ? "only loopback addresses (127.x.x.x) are allowed"
                                 : "expected 127.0.0.1:PORT");
        return 2;
    }
    char err[512];
    pf_fake_data_t *data = pf_fake_data_new(data_dir, err, sizeof err);
    if (!data) {
        fprintf(stderr, "pf-fakeapi: %s\n", err);
        return 1;
    }
    fa_server_t srv;
    memset(&srv, 0, sizeof srv);
    srv.quiet = quiet;
    srv.core = pf_fake_core_new(data, key, !no_limits);
    int status = 1;
    if (!srv.core) {
        fprintf(stderr, "pf-fakeapi: cannot initialise (libsodium)\n");
        goto out_data;
    }
    for (size_t i = 0; i < nlimits; i++) {
        if (pf_fake_core_limit_arg(srv.core, limits[i]) != 0) {
            fprintf(stderr, "pf-fakeapi: bad --limit '%s' (PROVIDER=N/WMS)\n", limits[i]);
            status = 2;
            goto out_core;
        }
    }
    if (faults) {
        char *text = faults[0] == '@' ? s_read_file(faults + 1) : pf_strdup(faults);
        if (!text) {
            fprintf(stderr, "pf-fakeapi: cannot read faults file %s\n", faults + 1);
            status = 2;
            goto out_core;
        }
        rc = pf_fake_core_faults_text(srv.core, text, err, sizeof err);
        free(text);
        if (rc) {
            fprintf(stderr, "pf-fakeapi: --faults: %s\n", err);
            status = 2;
            goto out_core;
        }
    }
    /*  Signals are taken by sigwait below; every thread inherits the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (pipe(srv.wake) != 0) {
        perror("pf-fakeapi: pipe");
        goto out_core;
    }
    pthread_mutex_init(&srv.lock, NULL);
    if (pthread_create(&srv.timer, NULL, s_timer_main, &srv) != 0) {
        fprintf(stderr, "pf-fakeapi: cannot start the timer thread\n");
        goto out_pipe;
    }
    srv.daemon = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
        s_handler, &srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned) FA_MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) FA_IDLE_TIMEOUT_S,
        MHD_OPTION_NOTIFY_COMPLETED, s_completed, &srv, MHD_OPTION_END);
    if (!srv.daemon) {
        fprintf(stderr, "pf-fakeapi: cannot listen on %s: %s\n", listen, strerror(errno));
        goto out_timer;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_BIND_PORT);
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr);
    /*  Tests and scripts read the port from stdout; with --quiet (under
        pf up, whose stdout is its own announcements) the line goes to the
        log on stderr instead.                                              */
    FILE *out = quiet ? stderr : stdout;
    fprintf(out, "pf-fakeapi: listening on http://%s:%u (offline provider emulator; data is "
            "fixture or synthetic)\n", addr,
            info ? (unsigned) info->port : (unsigned) ntohs(sa.sin_port));
    fflush(out);
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    status = 0;
    /*  Release every held request, then stop the daemon.                  */
    pthread_mutex_lock(&srv.lock);
    srv.stopping = true;
    for (fa_ctx_t *c = srv.queue; c; c = c->next) {
        c->release = true;
        c->queued = false;
        MHD_resume_connection(c->conn);
    }
    srv.queue = NULL;
    srv.queued = 0;
    pthread_mutex_unlock(&srv.lock);
    s_wake(&srv);
    pthread_join(srv.timer, NULL);
    MHD_stop_daemon(srv.daemon);
    goto out_pipe;
out_timer:
    pthread_mutex_lock(&srv.lock);
    srv.stopping = true;
    pthread_mutex_unlock(&srv.lock);
    s_wake(&srv);
    pthread_join(srv.timer, NULL);
out_pipe:
    close(srv.wake[0]);
    close(srv.wake[1]);
    pthread_mutex_destroy(&srv.lock);
out_core:
    pf_fake_core_destroy(&srv.core);
out_data:
    pf_fake_data_destroy(&data);
    return status;
}
