/*  pf_http.c — libcurl multi driven by the caller's loop (see pf_http.h).   */
#include "pf_http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "pf_alloc.h"
#include "pf_clock.h"
#include "pf_error.h"

/*  One request in flight.                                                 */
typedef struct s_req_t {
    struct s_req_t *next;               /* running list                     */
    uint64_t id;                        /* given to the caller              */
    CURL *easy;                         /* libcurl's handle                 */
    struct curl_slist *headers;         /* request headers                  */
    pf_http_done_fn *done;              /* the caller's callback            */
    void *arg;                          /* its argument                     */
    uint8_t *body;                      /* response so far                  */
    size_t size, cap;                   /* bytes, allocated                 */
    size_t max_bytes;                   /* body cap                         */
    bool too_large;                     /* the cap was hit                  */
    char retry_after[PF_HTTP_HEADER_MAX]; /* the header's value             */
    bool has_retry_after;               /* it came                          */
    char source[PF_HTTP_HEADER_MAX];    /* X-PF-Source's value              */
    bool has_source;                    /* it came                          */
    int64_t started_ms;                 /* monotonic                        */
    char error[CURL_ERROR_SIZE];        /* libcurl's message                */
} s_req_t;

struct pf_http_t {
    pf_http_loop_t loop;                /* the caller's                     */
    CURLM *multi;                       /* libcurl's                        */
    s_req_t *running;                   /* in flight                        */
    size_t count;                       /* of them                          */
    uint64_t next_id;                   /* ids handed out                   */
    CURLSH *cookies;                    /* shared cookie jar, or NULL       */
};

/* ------------------------------------------------------------ URL policy */

/*  The host part of an http(s) URL, into out.  False if malformed.         */
static bool
s_host(const char *url, size_t scheme_len, char *out, size_t size)
{
    const char *p = url + scheme_len;
    const char *end = p + strcspn(p, "/?#");
    if (memchr(p, '@', (size_t)(end - p)))
        return false;   /* no userinfo: a way to make a host look like another */
    const char *h = p, *hend;
    if (*h == '[') {
        hend = memchr(h, ']', (size_t)(end - h));
        if (!hend)
            return false;
        h++;
    } else {
        hend = memchr(h, ':', (size_t)(end - h));
        if (!hend)
            hend = end;
    }
    size_t len = (size_t)(hend - h);
    if (len == 0 || len >= size)
        return false;
    memcpy(out, h, len);
    out[len] = '\0';
    return true;
}

bool
pf_http_url_allowed(const char *url)
{
    char host[256];
    if (!url)
        return false;
    if (strncasecmp(url, "https://", 8) == 0)
        return s_host(url, 8, host, sizeof host);
    if (strncasecmp(url, "http://", 7) != 0 || !s_host(url, 7, host, sizeof host))
        return false;
    if (strcasecmp(host, "localhost") == 0)
        return true;
    struct in_addr v4;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    struct in6_addr v6;
    if (inet_pton(AF_INET6, host, &v6) == 1)
        return memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
    return false;
}

/* ------------------------------------------------------------ callbacks */

static size_t
s_on_body(char *data, size_t one, size_t n, void *arg)
{
    s_req_t *r = arg;
    size_t len = one * n;
    if (r->size + len > r->max_bytes) {
        r->too_large = true;
        return 0;   /* libcurl aborts the transfer (CURLE_WRITE_ERROR)      */
    }
    if (r->size + len + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->size + len + 1)
            cap *= 2;
        r->body = pf_realloc(r->body, cap);
        r->cap = cap;
    }
    memcpy(r->body + r->size, data, len);
    r->size += len;
    r->body[r->size] = '\0';
    return len;
}

/*  Copies the value of header line data (len bytes) into out if its name
    is name (lower case, with the colon), trimmed.  True when it matched.   */
static bool
s_header_value(const char *data, size_t len, const char *name, char *out, size_t size)
{
    size_t name_len = strlen(name);
    if (len <= name_len || strncasecmp(data, name, name_len) != 0)
        return false;
    const char *v = data + name_len;
    size_t vlen = len - name_len;
    while (vlen && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen && isspace((unsigned char)v[vlen - 1]))
        vlen--;
    if (vlen >= size)
        vlen = size - 1;
    memcpy(out, v, vlen);
    out[vlen] = '\0';
    return true;
}

static size_t
s_on_header(char *data, size_t one, size_t n, void *arg)
{
    s_req_t *r = arg;
    size_t len = one * n;
    if (s_header_value(data, len, "retry-after:", r->retry_after, sizeof r->retry_after))
        r->has_retry_after = true;
    else if (s_header_value(data, len, "x-pf-source:", r->source, sizeof r->source))
        r->has_source = true;
    return len;
}

static int
s_on_socket(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockp)
{
    (void)easy;
    (void)sockp;
    pf_http_t *self = arg;
    int events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        events |= PF_HTTP_IN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        events |= PF_HTTP_OUT;
    self->loop.watch(self->loop.loop, (int)fd, what == CURL_POLL_REMOVE ? 0 : events);
    return 0;
}

static int
s_on_timer(CURLM *multi, long timeout_ms, void *arg)
{
    (void)multi;
    pf_http_t *self = arg;
    self->loop.timer(self->loop.loop, timeout_ms);
    return 0;
}

/* ------------------------------------------------------------ requests */

static void
s_req_free(s_req_t *r)
{
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    free(r->body);
    free(r);
}

static pf_retry_net_t
s_net_kind(CURLcode rc, bool too_large)
{
    if (too_large)
        return PF_RETRY_NET_TOO_LARGE;
    switch (rc) {
    case CURLE_OK:
        return PF_RETRY_NET_NONE;
    case CURLE_OPERATION_TIMEDOUT:
        return PF_RETRY_NET_TIMEOUT;
    case CURLE_COULDNT_CONNECT:
        return PF_RETRY_NET_CONNECT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return PF_RETRY_NET_DNS;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return PF_RETRY_NET_RESET;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return PF_RETRY_NET_TLS;
    case CURLE_FILESIZE_EXCEEDED:
        return PF_RETRY_NET_TOO_LARGE;
    default:
        return PF_RETRY_NET_OTHER;
    }
}

/*  Hands every finished transfer to its caller.                            */
static void
s_collect(pf_http_t *self)
{
    int left = 0;
    CURLMsg *m;
    while ((m = curl_multi_info_read(self->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        s_req_t *r = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        CURLcode rc = m->data.result;
        curl_multi_remove_handle(self->multi, m->easy_handle);
        for (s_req_t **pp = &self->running; *pp; pp = &(*pp)->next)
            if (*pp == r) {
                *pp = r->next;
                self->count--;
                break;
            }
        pf_http_result_t res;
        memset(&res, 0, sizeof res);
        res.id = r->id;
        res.net = s_net_kind(rc, r->too_large);
        if (res.net == PF_RETRY_NET_NONE)
            curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
        res.error = res.net == PF_RETRY_NET_NONE ? NULL
                    : r->too_large                ? "response larger than the cap"
                    : r->error[0]                 ? r->error
                                                  : curl_easy_strerror(rc);
        res.body = r->body ? r->body : (const uint8_t *)"";
        res.size = r->size;
        res.retry_after = r->has_retry_after ? r->retry_after : NULL;
        res.source = r->has_source ? r->source : NULL;
        res.elapsed_ms = pf_clock_mono_ms() - r->started_ms;
        r->done(r->arg, &res);
        s_req_free(r);
    }
}

pf_http_t *
pf_http_new(const pf_http_loop_t *loop)
{
    if (!loop || !loop->watch || !loop->timer)
        return NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    pf_http_t *self = pf_calloc(1, sizeof *self);
    self->loop = *loop;
    self->multi = curl_multi_init();
    if (!self->multi) {
        free(self);
        return NULL;
    }
    curl_multi_setopt(self->multi, CURLMOPT_SOCKETFUNCTION, s_on_socket);
    curl_multi_setopt(self->multi, CURLMOPT_SOCKETDATA, self);
    curl_multi_setopt(self->multi, CURLMOPT_TIMERFUNCTION, s_on_timer);
    curl_multi_setopt(self->multi, CURLMOPT_TIMERDATA, self);
    return self;
}

void
pf_http_destroy(pf_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_http_t *self = *self_p;
    while (self->running) {
        s_req_t *r = self->running;
        self->running = r->next;
        curl_multi_remove_handle(self->multi, r->easy);
        s_req_free(r);
    }
    curl_multi_cleanup(self->multi);
    if (self->cookies)
        curl_share_cleanup(self->cookies);
    free(self);
    *self_p = NULL;
}

uint64_t
pf_http_get(pf_http_t *self, const char *url, const char *const *headers, size_t count,
            uint32_t timeout_ms, size_t max_bytes, pf_http_done_fn *done, void *arg,
            const char **why)
{
    if (!pf_http_url_allowed(url)) {
        if (why)
            *why = "only https, or http to a loopback host";
        return 0;
    }
    s_req_t *r = pf_calloc(1, sizeof *r);
    r->easy = curl_easy_init();
    if (!r->easy) {
        free(r);
        if (why)
            *why = "libcurl cannot make a handle";
        return 0;
    }
    r->id = ++self->next_id;
    r->done = done;
    r->arg = arg;
    r->max_bytes = max_bytes ? max_bytes : PF_HTTP_DEFAULT_MAX_BYTES;
    r->started_ms = pf_clock_mono_ms();
    for (size_t i = 0; i < count; i++)
        r->headers = curl_slist_append(r->headers, headers[i]);
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->error);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);           /* no redirects */
    curl_easy_setopt(e, CURLOPT_PROXY, "");                   /* no env proxy */
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)PF_HTTP_DEFAULT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max_bytes);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");          /* gzip etc. */
    if (self->cookies) {
        curl_easy_setopt(e, CURLOPT_SHARE, self->cookies);
        curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");           /* engine on */
    }
    r->next = self->running;
    self->running = r;
    self->count++;
    if (curl_multi_add_handle(self->multi, e) != CURLM_OK) {
        self->running = r->next;
        self->count--;
        s_req_free(r);
        if (why)
            *why = "libcurl refused the request";
        return 0;
    }
    return r->id;
}

int
pf_http_keep_cookies(pf_http_t *self)
{
    if (self->cookies)
        return 0;
    CURLSH *share = curl_share_init();
    if (!share)
        return PF_EIO;
    /*  One thread uses the share: no lock callbacks are needed.           */
    if (curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE) != CURLSHE_OK) {
        curl_share_cleanup(share);
        return PF_EIO;
    }
    self->cookies = share;
    return 0;
}

void
pf_http_ready(pf_http_t *self, int fd, int events)
{
    int mask = 0;
    if (events & PF_HTTP_IN)
        mask |= CURL_CSELECT_IN;
    if (events & PF_HTTP_OUT)
        mask |= CURL_CSELECT_OUT;
    if (!events)
        mask = CURL_CSELECT_ERR;
    int running = 0;
    curl_multi_socket_action(self->multi, fd, mask, &running);
    s_collect(self);
}

void
pf_http_fire(pf_http_t *self)
{
    int running = 0;
    curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    s_collect(self);
}

size_t
pf_http_running(const pf_http_t *self)
{
    return self->count;
}
