/*  test_pf_http.c — the HTTP client against a small HTTP server on
    loopback (a thread of this test): answers, bodies, Retry-After and
    X-PF-Source, the size cap, timeouts, connection resets, no redirects,
    many requests at once on one poll loop, the cookie jar, and the URL
    policy.                                                                 */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pf_check.h"
#include "pf_http.h"

/* ---------------------------------------------------------- the server */

#define BIG_BYTES (200 * 1024)

static int s_listen = -1;
static int s_port;
static int s_stop[2] = { -1, -1 };     /* closed: every handler returns    */

static void
s_write_all(int fd, const char *data, size_t size)
{
    while (size) {
        ssize_t n = write(fd, data, size);
        if (n <= 0)
            return;
        data += n;
        size -= (size_t)n;
    }
}

static void
s_respond(int fd, int status, const char *extra, const char *body, size_t size)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
                     status, size, extra);
    s_write_all(fd, head, (size_t)n);
    s_write_all(fd, body, size);
}

static void *
s_handle(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char req[4096] = "";
    size_t got = 0;
    while (got < sizeof req - 1 && !strstr(req, "\r\n\r\n")) {
        ssize_t n = read(fd, req + got, sizeof req - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        req[got] = '\0';
    }
    char path[256] = "";
    sscanf(req, "GET %255s", path);
    if (strcmp(path, "/ok") == 0) {
        s_respond(fd, 200, "Content-Type: application/json\r\n", "{\"ok\":true}", 11);
    } else if (strcmp(path, "/headers") == 0) {
        /* Echoes the X-Token the client sent.                             */
        const char *t = strstr(req, "X-Token: ");
        char token[64] = "";
        if (t)
            sscanf(t + 9, "%63s", token);
        s_respond(fd, 200, "", token, strlen(token));
    } else if (strncmp(path, "/set-cookie/", 12) == 0) {
        /* Sets pfsession to the rest of the path.                         */
        char extra[sizeof path + 64];
        snprintf(extra, sizeof extra, "Set-Cookie: pfsession=%s; Path=/\r\n", path + 12);
        s_respond(fd, 200, extra, "set", 3);
    } else if (strcmp(path, "/cookie") == 0) {
        /* Echoes the Cookie header the client sent ("" without one).       */
        const char *c = strstr(req, "\r\nCookie: ");
        char cookie[256] = "";
        if (c)
            sscanf(c + 10, "%255[^\r\n]", cookie);
        s_respond(fd, 200, "", cookie, strlen(cookie));
    } else if (strcmp(path, "/source") == 0) {
        s_respond(fd, 200, "x-pf-SOURCE:   fixture \t\r\n", "{}", 2);
    } else if (strcmp(path, "/429") == 0) {
        s_respond(fd, 429, "Retry-After:   7  \r\n", "slow down", 9);
    } else if (strcmp(path, "/redirect") == 0) {
        s_respond(fd, 302, "Location: http://127.0.0.1:1/elsewhere\r\n", "", 0);
    } else if (strcmp(path, "/big") == 0) {
        char *big = malloc(BIG_BYTES);
        memset(big, 'b', BIG_BYTES);
        s_respond(fd, 200, "", big, BIG_BYTES);
        free(big);
    } else if (strcmp(path, "/hang") == 0) {
        struct pollfd p = { s_stop[0], POLLIN, 0 };
        poll(&p, 1, 30000);                      /* until the test ends     */
    } else if (strcmp(path, "/reset") == 0) {
        struct linger l = { 1, 0 };              /* RST, not FIN            */
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else {
        s_respond(fd, 404, "", "no", 2);
    }
    close(fd);
    return NULL;
}

static void *
s_serve(void *arg)
{
    (void)arg;
    for (;;) {
        struct pollfd p[2] = { { s_listen, POLLIN, 0 }, { s_stop[0], POLLIN, 0 } };
        if (poll(p, 2, -1) < 0 || (p[1].revents & (POLLIN | POLLHUP)))
            return NULL;
        int fd = accept(s_listen, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_t t;
        pthread_create(&t, NULL, s_handle, (void *)(intptr_t)fd);
        pthread_detach(t);
    }
}

static pthread_t s_server;

static void
s_setup(void)
{
    ck_assert_int_eq(pipe(s_stop), 0);
    s_listen = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s_listen, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s_listen, 64), 0);
    socklen_t len = sizeof a;
    getsockname(s_listen, (struct sockaddr *)&a, &len);
    s_port = ntohs(a.sin_port);
    pthread_create(&s_server, NULL, s_serve, NULL);
}

static void
s_teardown(void)
{
    close(s_stop[1]);                   /* wakes the server and /hang        */
    pthread_join(s_server, NULL);
    close(s_listen);
    close(s_stop[0]);
}

/* ---------------------------------------------------------- a poll loop */

#define MAX_FDS 64

typedef struct {
    int fds[MAX_FDS];
    int events[MAX_FDS];
    int nfds;
    int64_t timer_ms;                   /* -1: none; else delay from set     */
} s_loop_t;

static void
s_watch(void *arg, int fd, int events)
{
    s_loop_t *l = arg;
    for (int i = 0; i < l->nfds; i++)
        if (l->fds[i] == fd) {
            if (events) {
                l->events[i] = events;
            } else {
                l->fds[i] = l->fds[--l->nfds];
                l->events[i] = l->events[l->nfds];
            }
            return;
        }
    if (events && l->nfds < MAX_FDS) {
        l->fds[l->nfds] = fd;
        l->events[l->nfds++] = events;
    }
}

static void
s_timer(void *arg, int64_t delay_ms)
{
    ((s_loop_t *)arg)->timer_ms = delay_ms;
}

static int s_done;
static pf_http_result_t s_last;
static char s_last_body[BIG_BYTES + 1];
static char s_last_retry_after[PF_HTTP_HEADER_MAX];
static char s_last_source[PF_HTTP_HEADER_MAX];

static void
s_on_done(void *arg, const pf_http_result_t *r)
{
    (void)arg;
    s_done++;
    s_last = *r;
    size_t n = r->size < BIG_BYTES ? r->size : BIG_BYTES;
    memcpy(s_last_body, r->body, n);
    s_last_body[n] = '\0';
    s_last.body = (const uint8_t *)s_last_body;
    snprintf(s_last_retry_after, sizeof s_last_retry_after, "%s",
             r->retry_after ? r->retry_after : "");
    s_last.retry_after = r->retry_after ? s_last_retry_after : NULL;
    snprintf(s_last_source, sizeof s_last_source, "%s", r->source ? r->source : "");
    s_last.source = r->source ? s_last_source : NULL;
    s_last.error = NULL;
}

/*  Runs the loop until want callbacks came (or 20 s).                     */
static void
s_run(pf_http_t *h, s_loop_t *l, int want)
{
    for (int guard = 0; s_done < want && guard < 100000; guard++) {
        struct pollfd p[MAX_FDS];
        for (int i = 0; i < l->nfds; i++) {
            p[i].fd = l->fds[i];
            p[i].events = (short)(((l->events[i] & PF_HTTP_IN) ? POLLIN : 0)
                                  | ((l->events[i] & PF_HTTP_OUT) ? POLLOUT : 0));
            p[i].revents = 0;
        }
        int timeout = l->timer_ms < 0 ? 200 : (int)l->timer_ms;
        int n = poll(p, (nfds_t)l->nfds, timeout);
        if (n == 0) {
            l->timer_ms = -1;
            pf_http_fire(h);
            continue;
        }
        int count = l->nfds;
        for (int i = 0; i < count; i++) {
            if (!p[i].revents)
                continue;
            int ev = ((p[i].revents & POLLIN) ? PF_HTTP_IN : 0)
                     | ((p[i].revents & POLLOUT) ? PF_HTTP_OUT : 0);
            pf_http_ready(h, p[i].fd, ev);
        }
    }
    ck_assert_int_ge(s_done, want);
}

static pf_http_t *
s_client(s_loop_t *l)
{
    memset(l, 0, sizeof *l);
    l->timer_ms = -1;
    s_done = 0;
    pf_http_loop_t loop = { l, s_watch, s_timer };
    pf_http_t *h = pf_http_new(&loop);
    ck_assert_ptr_nonnull(h);
    return h;
}

static uint64_t
s_get(pf_http_t *h, const char *path, uint32_t timeout_ms, size_t max_bytes)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s_port, path);
    const char *hdr[] = { "X-Token: secret-123" };
    const char *why = NULL;
    uint64_t id = pf_http_get(h, url, hdr, 1, timeout_ms, max_bytes, s_on_done, NULL, &why);
    ck_assert_msg(id > 0, "refused: %s", why ? why : "?");
    return id;
}

/* ---------------------------------------------------------- tests */

START_TEST(test_answers_and_headers)
{
    s_loop_t l;
    pf_http_t *h = s_client(&l);
    uint64_t id = s_get(h, "/ok", 5000, 0);
    s_run(h, &l, 1);
    ck_assert_uint_eq(s_last.id, id);
    ck_assert_int_eq(s_last.net, PF_RETRY_NET_NONE);
    ck_assert_int_eq(s_last.status, 200);
    ck_assert_str_eq((const char *)s_last.body, "{\"ok\":true}");
    ck_assert_ptr_null(s_last.retry_after);
    ck_assert_ptr_null(s_last.source);                /* not from pf-fakeapi */
    s_get(h, "/headers", 5000, 0);
    s_run(h, &l, 2);
    ck_assert_str_eq((const char *)s_last.body, "secret-123");
    s_get(h, "/429", 5000, 0);
    s_run(h, &l, 3);
    ck_assert_int_eq(s_last.status, 429);
    ck_assert_ptr_nonnull(s_last.retry_after);
    ck_assert_str_eq(s_last.retry_after, "7");        /* trimmed            */
    ck_assert_ptr_null(s_last.source);
    s_get(h, "/source", 5000, 0);
    s_run(h, &l, 4);
    ck_assert_int_eq(s_last.status, 200);
    ck_assert_ptr_nonnull(s_last.source);
    ck_assert_str_eq(s_last.source, "fixture");       /* any case, trimmed  */
    ck_assert_ptr_null(s_last.retry_after);
    s_get(h, "/redirect", 5000, 0);
    s_run(h, &l, 5);
    ck_assert_int_eq(s_last.status, 302);              /* not followed       */
    ck_assert_uint_eq(pf_http_running(h), 0);
    pf_http_destroy(&h);
    ck_assert_ptr_null(h);
}
END_TEST

START_TEST(test_transport_failures)
{
    s_loop_t l;
    pf_http_t *h = s_client(&l);
    s_get(h, "/big", 5000, 1000);
    s_run(h, &l, 1);
    ck_assert_int_eq(s_last.net, PF_RETRY_NET_TOO_LARGE);
    s_get(h, "/big", 5000, 0);                        /* default cap: fits   */
    s_run(h, &l, 2);
    ck_assert_int_eq(s_last.net, PF_RETRY_NET_NONE);
    ck_assert_uint_eq(s_last.size, BIG_BYTES);
    s_get(h, "/hang", 300, 0);
    s_run(h, &l, 3);
    ck_assert_int_eq(s_last.net, PF_RETRY_NET_TIMEOUT);
    ck_assert_int_ge(s_last.elapsed_ms, 290);
    s_get(h, "/reset", 5000, 0);
    s_run(h, &l, 4);
    ck_assert(s_last.net == PF_RETRY_NET_RESET || s_last.net == PF_RETRY_NET_OTHER);
    ck_assert_int_ne(s_last.net, PF_RETRY_NET_NONE);
    /* Nobody listens on port 1 of loopback.                                */
    const char *why = NULL;
    ck_assert_uint_gt(pf_http_get(h, "http://127.0.0.1:1/x", NULL, 0, 2000, 0, s_on_done, NULL,
                                  &why), 0);
    s_run(h, &l, 5);
    ck_assert_int_eq(s_last.net, PF_RETRY_NET_CONNECT);
    pf_http_destroy(&h);
}
END_TEST

START_TEST(test_many_at_once_and_abort)
{
    s_loop_t l;
    pf_http_t *h = s_client(&l);
    for (int i = 0; i < 40; i++)
        s_get(h, "/ok", 5000, 0);
    ck_assert_uint_eq(pf_http_running(h), 40);
    s_run(h, &l, 40);
    ck_assert_uint_eq(pf_http_running(h), 0);
    /* Destroy with requests in flight: no callback, nothing leaks.         */
    s_get(h, "/hang", 10000, 0);
    s_get(h, "/hang", 10000, 0);
    int before = s_done;
    pf_http_destroy(&h);
    ck_assert_int_eq(s_done, before);
}
END_TEST

/*  GETs path and returns the body (static) after checking the status.     */
static const char *
s_fetch(pf_http_t *h, s_loop_t *l, const char *path)
{
    s_get(h, path, 5000, 0);
    s_run(h, l, s_done + 1);
    ck_assert_int_eq(s_last.net, PF_RETRY_NET_NONE);
    ck_assert_int_eq(s_last.status, 200);
    return (const char *)s_last.body;
}

START_TEST(test_cookies_kept)
{
    s_loop_t l;
    pf_http_t *h = s_client(&l);
    ck_assert_int_eq(pf_http_keep_cookies(h), 0);
    ck_assert_int_eq(pf_http_keep_cookies(h), 0);    /* again: same jar     */
    ck_assert_str_eq(s_fetch(h, &l, "/cookie"), "");  /* nothing set yet     */
    s_fetch(h, &l, "/set-cookie/abc123");
    ck_assert_str_eq(s_fetch(h, &l, "/cookie"), "pfsession=abc123");
    ck_assert_str_eq(s_fetch(h, &l, "/cookie"), "pfsession=abc123");  /* kept */
    s_fetch(h, &l, "/set-cookie/xyz789");                             /* replaced */
    ck_assert_str_eq(s_fetch(h, &l, "/cookie"), "pfsession=xyz789");
    /*  The jar is the client's: a second client starts empty.             */
    s_loop_t l2;
    pf_http_t *h2 = s_client(&l2);
    ck_assert_int_eq(pf_http_keep_cookies(h2), 0);
    ck_assert_str_eq(s_fetch(h2, &l2, "/cookie"), "");
    pf_http_destroy(&h2);
    pf_http_destroy(&h);
    ck_assert_ptr_null(h);
}
END_TEST

START_TEST(test_cookies_not_kept_by_default)
{
    s_loop_t l;
    pf_http_t *h = s_client(&l);
    s_fetch(h, &l, "/set-cookie/abc123");
    ck_assert_str_eq(s_fetch(h, &l, "/cookie"), "");
    /*  Turned on later: only what is set from then on is sent.            */
    ck_assert_int_eq(pf_http_keep_cookies(h), 0);
    ck_assert_str_eq(s_fetch(h, &l, "/cookie"), "");
    s_fetch(h, &l, "/set-cookie/late");
    ck_assert_str_eq(s_fetch(h, &l, "/cookie"), "pfsession=late");
    pf_http_destroy(&h);
}
END_TEST

START_TEST(test_url_policy)
{
    ck_assert(pf_http_url_allowed("https://api.builtwith.com/v22/api.json?KEY=k"));
    ck_assert(pf_http_url_allowed("http://127.0.0.1:8080/v1/website/x"));
    ck_assert(pf_http_url_allowed("http://127.5.6.7/x"));
    ck_assert(pf_http_url_allowed("http://localhost:9/x"));
    ck_assert(pf_http_url_allowed("http://[::1]:9/x"));
    ck_assert(!pf_http_url_allowed("http://api.builtwith.com/x"));
    ck_assert(!pf_http_url_allowed("http://10.0.0.1/x"));
    ck_assert(!pf_http_url_allowed("http://[::2]/x"));
    ck_assert(!pf_http_url_allowed("http://127.0.0.1@evil.example/x"));
    ck_assert(!pf_http_url_allowed("ftp://127.0.0.1/x"));
    ck_assert(!pf_http_url_allowed("file:///etc/passwd"));
    ck_assert(!pf_http_url_allowed("https://"));
    ck_assert(!pf_http_url_allowed(NULL));
    s_loop_t l;
    pf_http_t *h = s_client(&l);
    const char *why = NULL;
    ck_assert_uint_eq(pf_http_get(h, "http://example.com/", NULL, 0, 1000, 0, s_on_done, NULL,
                                  &why), 0);
    ck_assert_ptr_nonnull(why);
    pf_http_destroy(&h);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_http");
    TCase *tc = tcase_create("http");
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_answers_and_headers);
    tcase_add_test(tc, test_transport_failures);
    tcase_add_test(tc, test_many_at_once_and_abort);
    tcase_add_test(tc, test_cookies_kept);
    tcase_add_test(tc, test_cookies_not_kept_by_default);
    tcase_add_test(tc, test_url_policy);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
