/*  pf_fake_core.c — limits, faults, statistics and the control API.         */
#include "pf_fake_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_fake_window.h"

/*  Defaults: the providers' published limits where known; BuiltWith and
    Yahoo publish none for our use, so theirs sit above PartnerForge's own
    adapter defaults (30 and 100 per minute).                              */
static const struct {
    uint32_t limit, window_ms;
} s_default_limits[PF_FAKE_PROVIDERS] = {
    {60, 60000},   /* builtwith: not published; above PartnerForge's 30/min */
    {10, 1000},    /* similarweb: 10 requests per second                     */
    {200, 60000},  /* yahoo_finance: not published; above PartnerForge's 100 */
    {10, 1000},    /* sec_edgar: SEC fair access, 10 per second              */
    {50, 1000},    /* websearch: Brave paid plans, about 50 per second       */
};

static const char *const s_fault_names[] = {"none", "down", "hang", "reset", "429", "error",
                                            "malformed", "truncate"};
#define FAULT_KINDS (sizeof s_fault_names / sizeof s_fault_names[0])

typedef struct {
    pf_fake_window_t window;     /* its limit and history                     */
    uint64_t requests;           /* requests that reached it                  */
    uint64_t rate_limited;       /* violations answered 429                   */
    uint64_t faults[FAULT_KINDS]; /* injected faults by kind                  */
    json_t *by_status;           /* {"200": N, ...}                           */
    json_t *by_endpoint;         /* {"/v22/api.json": {requests, by_status}}  */
} s_provider_t;

struct pf_fake_core_t {
    pf_fake_router_t router;     /* routing and provider answers              */
    pf_fake_faults_t faults;     /* fault specs                               */
    s_provider_t providers[PF_FAKE_PROVIDERS]; /* per provider                */
    int64_t started_us;          /* for uptime_ms                             */
    bool started;                /* started_us set                            */
};

pf_fake_core_t *
pf_fake_core_new(const pf_fake_data_t *data, const char *key, bool limits)
{
    if (!data || sodium_init() < 0)
        return NULL;
    pf_fake_core_t *self = pf_calloc(1, sizeof *self);
    self->router.data = data;
    self->router.key = key;
    randombytes_buf(self->router.secret, sizeof self->router.secret);
    pf_fake_faults_init(&self->faults);
    for (int p = 0; p < PF_FAKE_PROVIDERS; p++) {
        pf_fake_window_init(&self->providers[p].window, limits ? s_default_limits[p].limit : 0,
                            s_default_limits[p].window_ms, PF_FAKE_DEFAULT_GRACE_MS);
        self->providers[p].by_status = json_object();
        self->providers[p].by_endpoint = json_object();
    }
    return self;
}

void
pf_fake_core_destroy(pf_fake_core_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_fake_core_t *self = *self_p;
    for (int p = 0; p < PF_FAKE_PROVIDERS; p++) {
        pf_fake_window_fini(&self->providers[p].window);
        json_decref(self->providers[p].by_status);
        json_decref(self->providers[p].by_endpoint);
    }
    free(self);
    *self_p = NULL;
}

static int
s_provider_index(const char *name)
{
    for (int p = 0; name && p < PF_FAKE_PROVIDERS; p++)
        if (!strcmp(pf_fake_provider_name(p), name))
            return p;
    return -1;
}

int
pf_fake_core_set_limit(pf_fake_core_t *self, const char *provider, uint32_t limit,
                       uint32_t window_ms, uint32_t grace_ms)
{
    int p = s_provider_index(provider);
    if (p < 0 || window_ms == 0 || grace_ms >= window_ms)
        return PF_EINVAL;
    pf_fake_window_set(&self->providers[p].window, limit, window_ms, grace_ms);
    return 0;
}

int
pf_fake_core_limit_arg(pf_fake_core_t *self, const char *arg)
{
    char name[64];
    unsigned long limit, window;
    char unit[8] = "";
    const char *eq = strchr(arg, '=');
    if (!eq || (size_t) (eq - arg) >= sizeof name)
        return PF_EINVAL;
    memcpy(name, arg, (size_t) (eq - arg));
    name[eq - arg] = '\0';
    int n = sscanf(eq + 1, "%lu/%lu%7s", &limit, &window, unit);
    if (n < 2 || (n == 3 && strcmp(unit, "ms") != 0) || limit > UINT32_MAX || window == 0 ||
        window > UINT32_MAX)
        return PF_EINVAL;
    int p = s_provider_index(name);
    if (p < 0)
        return PF_EINVAL;
    uint32_t grace = self->providers[p].window.grace_ms;
    if (grace >= window)
        grace = 0;
    return pf_fake_core_set_limit(self, name, (uint32_t) limit, (uint32_t) window, grace);
}

int
pf_fake_core_faults_text(pf_fake_core_t *self, const char *text, char *err, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (!j) {
        snprintf(err, size, "faults are not JSON: %s", jerr.text);
        return PF_EINVAL;
    }
    int rc = pf_fake_faults_set_all(&self->faults, j, pf_fake_provider_names(), PF_FAKE_PROVIDERS,
                                    err, size);
    json_decref(j);
    return rc;
}

static void
s_bump(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static void
s_count_status(s_provider_t *pv, const char *endpoint, int status)
{
    char key[16];
    snprintf(key, sizeof key, "%d", status);
    s_bump(pv->by_status, key);
    json_t *ep = json_object_get(pv->by_endpoint, endpoint);
    s_bump(json_object_get(ep, "by_status"), key);
}

void
pf_fake_core_handle(pf_fake_core_t *self, const pf_fake_request_t *req, int64_t now_us,
                    time_t now, pf_fake_plan_t *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->kind = PF_FAKE_FAULT_NONE;
    plan->delay_ms = 0;
    if (!self->started) {
        self->started = true;
        self->started_us = now_us;
    }
    pf_fake_route(&self->router, req, &plan->resp);
    int p = plan->resp.provider;
    if (p < 0)
        return;
    s_provider_t *pv = &self->providers[p];
    pv->requests++;
    const char *endpoint = plan->resp.endpoint[0] ? plan->resp.endpoint : "other";
    json_t *ep = json_object_get(pv->by_endpoint, endpoint);
    if (!ep) {
        ep = json_pack("{s:I, s:{}}", "requests", (json_int_t) 0, "by_status");
        json_object_set_new(pv->by_endpoint, endpoint, ep);
    }
    json_object_set_new(ep, "requests", json_integer(json_integer_value(json_object_get(ep, "requests")) + 1));
    const char *rest = "";
    (void) pf_fake_provider_of(req->path, &rest);
    pf_fake_decision_t d;
    pf_fake_faults_decide(&self->faults, pf_fake_provider_name(p), rest, now, &d);
    if (d.kind == PF_FAKE_FAULT_DOWN) {
        pv->faults[PF_FAKE_FAULT_DOWN]++;
        plan->kind = PF_FAKE_FAULT_DOWN;
        return;
    }
    uint32_t retry_ms = 0;
    if (pf_fake_window_arrive(&pv->window, now_us, &retry_ms) != 0) {
        pv->rate_limited++;
        char ra[32];
        snprintf(ra, sizeof ra, "%u", (retry_ms + 999) / 1000);
        pf_fake_route_rate_limited(p, ra, &plan->resp);
        s_count_status(pv, endpoint, 429);
        return;
    }
    plan->delay_ms = d.delay_ms;
    plan->kind = d.kind;
    if (d.kind != PF_FAKE_FAULT_NONE)
        pv->faults[d.kind]++;
    switch (d.kind) {
    case PF_FAKE_FAULT_429:
        pf_fake_route_rate_limited(p, d.has_retry_after ? d.retry_after : NULL, &plan->resp);
        break;
    case PF_FAKE_FAULT_ERROR:
        pf_fake_route_error(p, d.status, &plan->resp);
        break;
    case PF_FAKE_FAULT_MALFORMED: {
        static const char junk[] = "<html><body>pf-fakeapi: injected malformed body {\"x\":";
        free(plan->resp.body);
        plan->resp.body = pf_strdup(junk);
        plan->resp.body_len = sizeof junk - 1;
        break;
    }
    default:
        break;
    }
    if (d.kind != PF_FAKE_FAULT_HANG && d.kind != PF_FAKE_FAULT_RESET)
        s_count_status(pv, endpoint, plan->resp.status);
}

json_t *
pf_fake_core_stats(const pf_fake_core_t *self, int64_t now_us)
{
    json_t *providers = json_object();
    for (int p = 0; p < PF_FAKE_PROVIDERS; p++) {
        const s_provider_t *pv = &self->providers[p];
        json_t *faults = json_object();
        for (size_t k = 1; k < FAULT_KINDS; k++)
            json_object_set_new(faults, s_fault_names[k], json_integer((json_int_t) pv->faults[k]));
        json_object_set_new(providers, pf_fake_provider_name(p),
            json_pack("{s:I, s:O, s:I, s:o, s:O, s:I, s:{s:I, s:I, s:I}}", "requests",
                      (json_int_t) pv->requests, "by_status", pv->by_status, "rate_limited",
                      (json_int_t) pv->rate_limited, "faults", faults, "by_endpoint",
                      pv->by_endpoint, "max_in_window", (json_int_t) pv->window.max_in_window,
                      "limit", "limit", (json_int_t) pv->window.limit, "window_ms",
                      (json_int_t) pv->window.window_ms, "grace_ms",
                      (json_int_t) pv->window.grace_ms));
    }
    int64_t up = self->started ? (now_us - self->started_us) / 1000 : 0;
    return json_pack("{s:o, s:I}", "providers", providers, "uptime_ms", (json_int_t) up);
}

static json_t *
s_limits_json(const pf_fake_core_t *self)
{
    json_t *o = json_object();
    for (int p = 0; p < PF_FAKE_PROVIDERS; p++) {
        const pf_fake_window_t *w = &self->providers[p].window;
        json_object_set_new(o, pf_fake_provider_name(p),
                            json_pack("{s:I, s:I, s:I}", "limit", (json_int_t) w->limit,
                                      "window_ms", (json_int_t) w->window_ms, "grace_ms",
                                      (json_int_t) w->grace_ms));
    }
    return o;
}

static void
s_reply(pf_fake_response_t *resp, int status, json_t *body)
{
    resp->status = status;
    resp->content_type = "application/json";
    resp->body = json_dumps(body, JSON_COMPACT);
    resp->body_len = strlen(resp->body);
    resp->json = true;
    json_decref(body);
}

static void
s_bad(pf_fake_response_t *resp, int status, const char *msg)
{
    s_reply(resp, status, json_pack("{s:b, s:s}", "ok", 0, "error", msg));
}

static json_t *
s_body_json(const char *body, size_t len, pf_fake_response_t *resp)
{
    json_error_t jerr;
    json_t *j = body ? json_loadb(body, len, 0, &jerr) : NULL;
    if (!j) {
        char msg[256];
        snprintf(msg, sizeof msg, "body is not JSON: %s", body ? jerr.text : "empty body");
        s_bad(resp, 400, msg);
    }
    return j;
}

static void
s_set_limit_json(pf_fake_core_t *self, const json_t *j, pf_fake_response_t *resp)
{
    const char *provider = json_string_value(json_object_get(j, "provider"));
    int p = s_provider_index(provider);
    json_t *lim = json_object_get(j, "limit"), *win = json_object_get(j, "window_ms"),
           *grace = json_object_get(j, "grace_ms");
    if (p < 0) {
        s_bad(resp, 400, "\"provider\" must name a provider");
        return;
    }
    const pf_fake_window_t *w = &self->providers[p].window;
    json_int_t l = lim ? json_integer_value(lim) : (json_int_t) w->limit;
    json_int_t wm = win ? json_integer_value(win) : (json_int_t) w->window_ms;
    json_int_t g = grace ? json_integer_value(grace) : (json_int_t) w->grace_ms;
    if ((lim && !json_is_integer(lim)) || (win && !json_is_integer(win)) ||
        (grace && !json_is_integer(grace)) || l < 0 || l > UINT32_MAX || wm < 1 ||
        wm > UINT32_MAX || g < 0 || g >= wm) {
        s_bad(resp, 400, "limit, window_ms and grace_ms must be integers with limit >= 0, "
                         "window_ms >= 1 and 0 <= grace_ms < window_ms");
        return;
    }
    pf_fake_core_set_limit(self, provider, (uint32_t) l, (uint32_t) wm, (uint32_t) g);
    s_reply(resp, 200, json_pack("{s:b, s:o}", "ok", 1, "limits", s_limits_json(self)));
}

void
pf_fake_core_control(pf_fake_core_t *self, const pf_fake_request_t *req, const char *body,
                     size_t body_len, bool too_big, int64_t now_us, pf_fake_response_t *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->provider = -1;
    resp->synthetic = true;
    snprintf(resp->endpoint, sizeof resp->endpoint, "control");
    const char *path = req->path + strlen(PF_FAKE_CONTROL_PREFIX);
    const char *m = req->method;
    bool get = !strcmp(m, "GET"), post = !strcmp(m, "POST"), del = !strcmp(m, "DELETE");
    if (too_big) {
        s_bad(resp, 413, "control body larger than 64 KiB");
        return;
    }
    if (!strcmp(path, "/health")) {
        if (!get)
            s_bad(resp, 405, "use GET");
        else
            s_reply(resp, 200, json_pack("{s:b}", "ok", 1));
    } else if (!strcmp(path, "/faults")) {
        if (get) {
            s_reply(resp, 200, json_pack("{s:o}", "faults", pf_fake_faults_json(&self->faults)));
        } else if (del) {
            const char *provider = pf_fake_request_query(req, "provider");
            if (provider && s_provider_index(provider) < 0) {
                s_bad(resp, 400, "unknown provider");
                return;
            }
            size_t n = pf_fake_faults_clear(&self->faults, provider);
            s_reply(resp, 200, json_pack("{s:b, s:I}", "ok", 1, "removed", (json_int_t) n));
        } else if (post) {
            json_t *j = s_body_json(body, body_len, resp);
            if (!j)
                return;
            /*  All or nothing: validate into a copy first.               */
            pf_fake_faults_t *copy = pf_malloc(sizeof *copy);
            *copy = self->faults;
            char err[256];
            int rc = pf_fake_faults_set_all(copy, j, pf_fake_provider_names(), PF_FAKE_PROVIDERS,
                                            err, sizeof err);
            json_decref(j);
            if (rc) {
                free(copy);
                s_bad(resp, 400, err);
                return;
            }
            self->faults = *copy;
            free(copy);
            s_reply(resp, 200, json_pack("{s:b, s:o}", "ok", 1, "faults",
                                         pf_fake_faults_json(&self->faults)));
        } else
            s_bad(resp, 405, "use GET, POST or DELETE");
    } else if (!strcmp(path, "/yahoo/expire")) {
        /*  Yahoo ends sessions when it likes: a new key makes every cookie
            and crumb handed out so far invalid (401 "Invalid Crumb").      */
        if (!post) {
            s_bad(resp, 405, "use POST");
            return;
        }
        randombytes_buf(self->router.secret, sizeof self->router.secret);
        s_reply(resp, 200, json_pack("{s:b}", "ok", 1));
    } else if (!strcmp(path, "/stats")) {
        if (!get)
            s_bad(resp, 405, "use GET");
        else
            s_reply(resp, 200, pf_fake_core_stats(self, now_us));
    } else if (!strcmp(path, "/stats/reset")) {
        if (!post) {
            s_bad(resp, 405, "use POST");
            return;
        }
        for (int p = 0; p < PF_FAKE_PROVIDERS; p++) {
            s_provider_t *pv = &self->providers[p];
            pv->requests = pv->rate_limited = 0;
            memset(pv->faults, 0, sizeof pv->faults);
            json_object_clear(pv->by_status);
            json_object_clear(pv->by_endpoint);
            pf_fake_window_reset(&pv->window);
        }
        self->started_us = now_us;
        self->started = true;
        s_reply(resp, 200, json_pack("{s:b}", "ok", 1));
    } else if (!strcmp(path, "/limits")) {
        if (get) {
            s_reply(resp, 200, json_pack("{s:o}", "limits", s_limits_json(self)));
        } else if (post) {
            json_t *j = s_body_json(body, body_len, resp);
            if (!j)
                return;
            if (!json_is_object(j))
                s_bad(resp, 400, "body must be a JSON object");
            else
                s_set_limit_json(self, j, resp);
            json_decref(j);
        } else
            s_bad(resp, 405, "use GET or POST");
    } else {
        s_bad(resp, 404, "no such control path (health, faults, stats, stats/reset, limits)");
    }
}
