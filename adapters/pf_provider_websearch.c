/*  pf_provider_websearch.c — the web search provider (Brave Search API).

    Three operations on api.search.brave.com, the key in the
    X-Subscription-Token header (so the URL itself is the fetch key):
    `web` (/res/v1/web/search), `news` (/res/v1/news/search) and `jobs`, a
    web search for a company's open roles on the common applicant-tracking
    boards and its own site, whose results say which board (`ats`) each
    one is on.

    Brave explains errors as {"type":"ErrorResponse","error":{"code",
    "detail","status"}} (some endpoints: "errors":[…]); an invalid token
    comes as 422 SUBSCRIPTION_TOKEN_INVALID, so a 4xx is classified by its
    error code before its status.                                           */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pf_domain.h"
#include "pf_error.h"
#include "pf_provider_internal.h"

/*  Defaults of the resilience settings (ARCHITECTURE.md's table).          */
#define S_PER_MINUTE 300
#define S_CONCURRENCY 20
#define S_BREAKER_FAILURES 10
#define S_BREAKER_RECOVERY_S 30

/*  Cache lifetimes: news moves within hours, the web and job boards daily. */
#define S_HOUR_S 3600u
#define S_TTL_WEB_S (24u * S_HOUR_S)
#define S_TTL_NEWS_S (6u * S_HOUR_S)
#define S_TTL_JOBS_S (24u * S_HOUR_S)

/*  Brave's documented bounds of a query and of paging.                     */
#define S_QUERY_MAX 400         /* bytes of q                               */
#define S_QUERY_WORDS_MAX 50    /* words of q                               */
#define S_COUNT_MIN 1
#define S_COUNT_MAX 20
#define S_COUNT_DEFAULT 10
#define S_OFFSET_MAX 9
#define S_JOBS_COUNT 20         /* a jobs search takes the largest page     */

/*  The longest company name a jobs search accepts (the query bound is
    checked as well).                                                       */
#define S_COMPANY_MAX 100

/*  A 2-letter country code.                                                */
#define S_COUNTRY_LEN 2
#define S_COUNTRY_DEFAULT "us"

/*  Room for a path with its query (the URL buffer is the bound anyway).   */
#define S_PATH_MAX PF_PROVIDER_URL_MAX

/*  The applicant-tracking systems a jobs result is recognised on, by host
    (the host itself or any name under it).  Sorted by name.               */
static const struct {
    const char *host;           /* registrable host of the job board       */
    const char *ats;            /* what `ats` says                         */
} s_boards[] = {
    {"ashbyhq.com", "ashby"},
    {"greenhouse.io", "greenhouse"},
    {"lever.co", "lever"},
    {"myworkdayjobs.com", "workday"},
    {"smartrecruiters.com", "smartrecruiters"},
};

/*  ---- requests -------------------------------------------------------- */

/*  Adds the headers every request carries: JSON please, and the token
    when there is one (pf-fakeapi needs none).  A token with a control
    character would split the header, so it is refused.                   */
static int
s_headers(const pf_provider_conf_t *conf, pf_provider_request_t *req, pf_provider_error_t *err)
{
    if (pf_pq_header(req, "Accept", "application/json") != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "too many headers");
    if (!conf->key || !*conf->key)
        return PF_OK;
    for (const char *p = conf->key; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                    "the API key holds a control character");
    if (pf_pq_header(req, "X-Subscription-Token", conf->key) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the API key is too long");
    return PF_OK;
}

/*  Checks Brave's bounds on a query: length and word count.                */
static int
s_check_query(const char *q, pf_provider_error_t *err)
{
    if (strlen(q) > S_QUERY_MAX)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "query: longer than %d bytes", S_QUERY_MAX);
    int words = 0;
    bool in_word = false;
    for (const char *p = q; *p; p++) {
        bool space = isspace((unsigned char)*p);
        if (!space && !in_word)
            words++;
        in_word = !space;
    }
    if (words == 0)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "query: blank");
    if (words > S_QUERY_WORDS_MAX)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "query: more than %d words",
                                S_QUERY_WORDS_MAX);
    return PF_OK;
}

/*  Reads the optional country (2 letters, default "us") into out.          */
static int
s_country(const pf_value_t *args, char *out, size_t size, pf_provider_error_t *err)
{
    const char *s = pf_pa_str(args, "country", false, S_COUNTRY_LEN, err);
    if (!s) {
        if (err->code[0])
            return PF_EINVAL;
        snprintf(out, size, "%s", S_COUNTRY_DEFAULT);
        return PF_OK;
    }
    if (strlen(s) != S_COUNTRY_LEN || !isalpha((unsigned char)s[0]) ||
        !isalpha((unsigned char)s[1]))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "country: must be a 2-letter code");
    snprintf(out, size, "%c%c", tolower((unsigned char)s[0]), tolower((unsigned char)s[1]));
    return PF_OK;
}

/*  Reads the optional freshness: pd, pw, pm or py (past day … year); NULL
    when absent.                                                            */
static int
s_freshness(const pf_value_t *args, const char **out, pf_provider_error_t *err)
{
    static const char *const allowed[] = {"pd", "pw", "pm", "py"};
    *out = NULL;
    const char *s = pf_pa_str(args, "freshness", false, sizeof "pd" - 1, err);
    if (!s)
        return err->code[0] ? PF_EINVAL : PF_OK;
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strcmp(s, allowed[i]) == 0) {
            *out = allowed[i];
            return PF_OK;
        }
    return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                            "freshness: must be pd, pw, pm or py");
}

/*  Adds an integer parameter.                                              */
static int
s_add_int(char *query, size_t size, const char *name, int64_t value)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)value);
    return pf_pq_add(query, size, name, text);
}

/*  The request of a search on path.  web marks a web search: it asks for
    web results only and plain-text snippets (Brave's news endpoint takes
    neither parameter).                                                     */
static int
s_search(const pf_provider_conf_t *conf, const char *path, bool web, const char *q,
         int64_t count, int64_t offset, const char *country, const char *freshness,
         pf_provider_request_t *req, pf_provider_error_t *err)
{
    char full[S_PATH_MAX];
    snprintf(full, sizeof full, "%s", path);
    int rc = pf_pq_add(full, sizeof full, "q", q);
    if (rc == PF_OK)
        rc = s_add_int(full, sizeof full, "count", count);
    if (rc == PF_OK)
        rc = s_add_int(full, sizeof full, "offset", offset);
    if (rc == PF_OK && country)
        rc = pf_pq_add(full, sizeof full, "country", country);
    if (rc == PF_OK && freshness)
        rc = pf_pq_add(full, sizeof full, "freshness", freshness);
    if (rc == PF_OK && web)
        rc = pf_pq_add(full, sizeof full, "result_filter", "web");
    if (rc == PF_OK && web)
        rc = pf_pq_add(full, sizeof full, "text_decorations", "false");
    if (rc == PF_OK)
        rc = pf_pq_add(full, sizeof full, "extra_snippets", "true");
    if (rc != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    if ((rc = s_headers(conf, req, err)) != PF_OK)
        return rc;
    /*  The key travels in a header: the URL is the fetch key.              */
    return pf_pq_finish(&pf_provider_websearch, conf, 0, full, full, req, err);
}

/*  web and news {query, count?, offset?, freshness?, country?}.           */
static int
s_build_query(const pf_provider_conf_t *conf, const pf_value_t *args, const char *path,
              bool web, pf_provider_request_t *req, pf_provider_error_t *err)
{
    int64_t count, offset;
    const char *freshness;
    char country[S_COUNTRY_LEN + 1];
    const char *q = pf_pa_str(args, "query", true, S_QUERY_MAX, err);
    if (!q)
        return PF_EINVAL;
    int rc = s_check_query(q, err);
    if (rc == PF_OK)
        rc = pf_pa_int(args, "count", S_COUNT_DEFAULT, S_COUNT_MIN, S_COUNT_MAX, &count, err);
    if (rc == PF_OK)
        rc = pf_pa_int(args, "offset", 0, 0, S_OFFSET_MAX, &offset, err);
    if (rc == PF_OK)
        rc = s_freshness(args, &freshness, err);
    if (rc == PF_OK)
        rc = s_country(args, country, sizeof country, err);
    if (rc != PF_OK)
        return rc;
    return s_search(conf, path, web, q, count, offset, country, freshness, req, err);
}

static int
s_build_web(const pf_provider_conf_t *conf, const pf_value_t *args, pf_provider_request_t *req,
            pf_provider_error_t *err)
{
    return s_build_query(conf, args, "/res/v1/web/search", true, req, err);
}

static int
s_build_news(const pf_provider_conf_t *conf, const pf_value_t *args, pf_provider_request_t *req,
             pf_provider_error_t *err)
{
    return s_build_query(conf, args, "/res/v1/news/search", false, req, err);
}

/*  jobs {company, domain}: the company's name as a phrase, "jobs", and the
    boards plus its own site; one page of S_JOBS_COUNT results, no country
    (a company hires wherever it is).                                      */
static int
s_build_jobs(const pf_provider_conf_t *conf, const pf_value_t *args, pf_provider_request_t *req,
             pf_provider_error_t *err)
{
    char domain[256];
    const char *company = pf_pa_str(args, "company", true, S_COMPANY_MAX, err);
    if (!company)
        return PF_EINVAL;
    /*  A quote would end the phrase early and change the query's meaning. */
    if (strchr(company, '"'))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "company: must not contain '\"'");
    int rc = pf_pa_domain(args, "domain", domain, sizeof domain, err);
    if (rc != PF_OK)
        return rc;
    char q[S_PATH_MAX];
    int n = snprintf(q, sizeof q,
                     "\"%s\" jobs (site:boards.greenhouse.io OR site:jobs.lever.co OR "
                     "site:jobs.ashbyhq.com OR site:myworkdayjobs.com OR "
                     "site:jobs.smartrecruiters.com OR site:%s)",
                     company, domain);
    if (n < 0 || (size_t)n >= sizeof q || (size_t)n > S_QUERY_MAX)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "company and domain make a query longer than %d bytes",
                                S_QUERY_MAX);
    if ((rc = s_check_query(q, err)) != PF_OK)
        return rc;
    return s_search(conf, "/res/v1/web/search", true, q, S_JOBS_COUNT, 0, NULL, NULL, req, err);
}

/*  ---- answers --------------------------------------------------------- */

/*  Turns Brave's error object in root (if any) into err and returns its
    status; PF_OK when root is no error.                                   */
static int
s_brave_error(const json_t *root, pf_provider_error_t *err)
{
    const char *type = json_string_value(json_object_get(root, "type"));
    const json_t *e = json_object_get(root, "error");
    if (!json_is_object(e))
        e = json_array_get(json_object_get(root, "errors"), 0);
    if (!(type && strcmp(type, "ErrorResponse") == 0) && !json_is_object(e))
        return PF_OK;
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *detail = json_string_value(json_object_get(e, "detail"));
    int64_t status = 0;
    pf_pj_int(json_object_get(e, "status"), &status);
    if (!code)
        code = "(no code)";
    if (!detail)
        detail = "";
    if (strstr(code, "TOKEN") || strstr(code, "SUBSCRIPTION") || status == 401 ||
        status == 403)
        return pf_provider_fail(err, PF_EINVAL, "unauthorized",
                                "Brave refused the subscription token: %s %s", code, detail);
    if (status == 404)
        return pf_provider_fail(err, PF_ENOTFOUND, "not_found", "Brave: %s %s", code, detail);
    if (status >= 400 && status <= 499 && status != 429)
        return pf_provider_fail(err, PF_EINVAL, "provider_rejected",
                                "Brave rejected the request: %s %s", code, detail);
    return pf_provider_fail(err, PF_EPROTO, "provider_error", "Brave error: %s %s", code,
                            detail);
}

/*  The common start of every parse: the status (a 4xx carrying Brave's
    error object is classified by it; 429 and 5xx stay what the status
    says, the adapter retries and counts them), the JSON object, the error
    object.                                                                */
static int
s_load(long status, const char *body, size_t size, json_t **root, pf_provider_error_t *err)
{
    return pf_pj_load_answer(status, body, size, true, s_brave_error, root, err);
}

/*  The host of an http(s) URL, lower-cased, into out; false when url has
    none.                                                                   */
static bool
s_url_host(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    if (!p)
        return false;
    p += 3;
    /*  Skip user info: the host follows the last '@' before the path.    */
    size_t span = strcspn(p, "/?#");
    const char *at = memchr(p, '@', span);
    if (at) {
        span -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    size_t len = strcspn(p, ":/?#");
    if (len > span)
        len = span;
    if (len == 0 || len >= size)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)p[i]);
    out[len] = '\0';
    return true;
}

/*  Whether host is domain or a name under it.                              */
static bool
s_host_under(const char *host, const char *domain)
{
    size_t h = strlen(host), d = strlen(domain);
    if (h == d)
        return strcmp(host, domain) == 0;
    return h > d && host[h - d - 1] == '.' && strcmp(host + h - d, domain) == 0;
}

/*  The applicant-tracking system of url, or NULL.                          */
static const char *
s_ats(const char *url)
{
    char host[256];
    if (!s_url_host(url, host, sizeof host))
        return NULL;
    for (size_t i = 0; i < sizeof s_boards / sizeof s_boards[0]; i++)
        if (s_host_under(host, s_boards[i].host))
            return s_boards[i].ats;
    return NULL;
}

/*  Normalises a results array into a new array of {title, url,
    description, age, page_age, hostname, extra_snippets[]}, with `ats`
    when with_ats; items without a url are skipped.                         */
static pf_value_t *
s_results(const json_t *list, bool with_ats)
{
    pf_value_t *results = pf_value_array();
    size_t i;
    const json_t *r;
    json_array_foreach(list, i, r) {
        const json_t *url = json_object_get(r, "url");
        if (!json_is_string(url) || json_string_length(url) == 0)
            continue;
        pf_value_t *item = pf_value_map();
        pf_pj_set_str(item, "title", json_object_get(r, "title"), true);
        pf_pj_set_str(item, "url", url, true);
        pf_pj_set_str(item, "description", json_object_get(r, "description"), true);
        pf_pj_set_str(item, "age", json_object_get(r, "age"), true);
        pf_pj_set_str(item, "page_age", json_object_get(r, "page_age"), true);
        pf_pj_set_str(item, "hostname",
                      json_object_get(json_object_get(r, "meta_url"), "hostname"), true);
        const json_t *extra = json_object_get(r, "extra_snippets");
        if (json_is_array(extra)) {
            pf_value_t *snippets = pf_pj_str_array(extra);
            pf_map_set(item, "extra_snippets", &snippets);
        }
        const char *ats = with_ats ? s_ats(json_string_value(url)) : NULL;
        if (ats)
            pf_map_set_str(item, "ats", ats);
        pf_array_push(results, &item);
    }
    return results;
}

/*  A web answer: results under "web" (absent when nothing matched).       */
static int
s_parse_web_like(long status, const char *body, size_t size, bool with_ats, pf_value_t **out,
                 pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *web = json_object_get(root, "web");
    const json_t *list = NULL;
    if (web && !json_is_null(web)) {
        list = json_object_get(web, "results");
        if (!json_is_array(list)) {
            json_decref(root);
            return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                    "Brave: web results are not an array");
        }
    }
    pf_value_t *map = pf_value_map();
    const json_t *query = json_object_get(root, "query");
    pf_pj_set_str(map, "query", json_object_get(query, "original"), true);
    pf_pj_set_bool(map, "more_results", json_object_get(query, "more_results_available"));
    pf_value_t *results = s_results(list, with_ats);
    pf_map_set(map, "results", &results);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  web: {query, more_results, results[…]}.                                 */
static int
s_parse_web(long status, const char *body, size_t size, pf_value_t **out,
            pf_provider_error_t *err)
{
    return s_parse_web_like(status, body, size, false, out, err);
}

/*  jobs: as web, each result with `ats` when its host is a known board.   */
static int
s_parse_jobs(long status, const char *body, size_t size, pf_value_t **out,
             pf_provider_error_t *err)
{
    return s_parse_web_like(status, body, size, true, out, err);
}

/*  news: {query, results[…]} from the top-level results array.            */
static int
s_parse_news(long status, const char *body, size_t size, pf_value_t **out,
             pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *list = json_object_get(root, "results");
    if (list && !json_is_null(list) && !json_is_array(list)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "Brave: news results are not an array");
    }
    pf_value_t *map = pf_value_map();
    pf_pj_set_str(map, "query", json_object_get(json_object_get(root, "query"), "original"),
                  true);
    pf_value_t *results = s_results(list, false);
    pf_map_set(map, "results", &results);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  jobs' answer for the caller: the parsed results, with ats "own" on the
    ones served from the company's own domain (which parse, having no
    arguments, cannot know).                                               */
static int
s_select_jobs(const pf_value_t *parsed, const pf_value_t *args, pf_value_t **out,
              pf_provider_error_t *err)
{
    char domain[256];
    int rc = pf_pa_domain(args, "domain", domain, sizeof domain, err);
    if (rc != PF_OK)
        return rc;
    pf_value_t *map = pf_value_map();
    for (size_t i = 0; i < pf_map_size(parsed); i++) {
        const char *key = pf_value_as_str(pf_map_key_at(parsed, i), NULL);
        if (!key || strcmp(key, "results") == 0)
            continue;
        pf_value_t *copy = pf_value_dup(pf_map_value_at(parsed, i));
        pf_map_set(map, key, &copy);
    }
    const pf_value_t *list = pf_map_get(parsed, "results");
    pf_value_t *results = pf_value_array();
    for (size_t i = 0; i < pf_array_size(list); i++) {
        pf_value_t *item = pf_value_dup(pf_array_at(list, i));
        const char *url = pf_map_get_str(item, "url");
        char host[256];
        if (!pf_map_has(item, "ats") && url && s_url_host(url, host, sizeof host) &&
            s_host_under(host, domain))
            pf_map_set_str(item, "ats", "own");
        pf_array_push(results, &item);
    }
    pf_map_set(map, "results", &results);
    *out = map;
    return PF_OK;
}

/*  ---- the table -------------------------------------------------------- */

static const pf_provider_op_t s_ops[] = {
    {"web", "/res/v1/web/search", S_TTL_WEB_S, false, s_build_web, s_parse_web, NULL},
    {"news", "/res/v1/news/search", S_TTL_NEWS_S, false, s_build_news, s_parse_news, NULL},
    {"jobs", "/res/v1/web/search", S_TTL_JOBS_S, false, s_build_jobs, s_parse_jobs,
     s_select_jobs},
};

const pf_provider_t pf_provider_websearch = {
    .name = "websearch",
    .title = "Brave Search",
    .key_env = "PF_WEBSEARCH_KEY",
    .key_required = true,
    .hosts = {"api.search.brave.com", NULL},
    .limits = {S_PER_MINUTE, S_CONCURRENCY, S_BREAKER_FAILURES, S_BREAKER_RECOVERY_S},
    .ops = s_ops,
    .op_count = sizeof s_ops / sizeof s_ops[0],
    .session_cookie_path = NULL,
    .session_crumb_path = NULL,
};
