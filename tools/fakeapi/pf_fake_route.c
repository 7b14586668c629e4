/*  pf_fake_route.c — routing, provider auth and provider JSON (see header). */
#include "pf_fake_route.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "pf_alloc.h"
#include "pf_fake_rng.h"

/*  Synthetic series end here so the same request gives the same bytes on
    any day: the last complete month of the emulated data.                 */
#define REF_YEAR 2025
#define REF_MONTH 12
#define REF_LAST_UPDATED "2025-12-31"
#define REF_EPOCH_S 1767139200LL       /* 2025-12-31T00:00:00Z             */
#define TECH_FIRST_MIN_S 1420070400LL  /* 2015-01-01: earliest FirstDetected */
#define TECH_SPAN_S (9LL * 365 * 86400) /* FirstDetected spread              */
#define SW_MAX_MONTHS 36               /* longest SimilarWeb range served   */
#define BRAVE_WEB_COUNT_MAX 20         /* Brave's documented maxima         */
#define BRAVE_NEWS_COUNT_MAX 50
#define BRAVE_OFFSET_MAX 9
#define BRAVE_DEFAULT_COUNT 20
#define YAHOO_COOKIE_MAX_AGE_S 31557600 /* one year, like fc.yahoo.com      */
#define YAHOO_CRUMB_CHARS 11
#define CHART_MAX_POINTS 400
#define CIK_DIGITS 10

static const char *const s_names[PF_FAKE_PROVIDERS] = {"builtwith", "similarweb",
                                                       "yahoo_finance", "sec_edgar", "websearch"};

static const char *const CT_JSON = "application/json";
static const char *const CT_TEXT = "text/plain;charset=utf-8";
static const char *const CT_HTML = "text/html";
static const char *const CT_XML = "application/xml";

const char *
pf_fake_provider_name(int p)
{
    return p >= 0 && p < PF_FAKE_PROVIDERS ? s_names[p] : NULL;
}

const char *const *
pf_fake_provider_names(void)
{
    return s_names;
}

int
pf_fake_provider_of(const char *path, const char **rest)
{
    if (!path || path[0] != '/')
        return -1;
    for (int p = 0; p < PF_FAKE_PROVIDERS; p++) {
        size_t n = strlen(s_names[p]);
        if (strncmp(path + 1, s_names[p], n) == 0 && (path[1 + n] == '/' || path[1 + n] == '\0')) {
            *rest = path + 1 + n;
            return p;
        }
    }
    return -1;
}

const char *
pf_fake_request_query(const pf_fake_request_t *req, const char *name)
{
    for (size_t i = 0; i < req->query_count; i++)
        if (!strcmp(req->query[i].name, name))
            return req->query[i].value;
    return NULL;
}

const char *
pf_fake_request_header(const pf_fake_request_t *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++)
        if (!strcasecmp(req->headers[i].name, name))
            return req->headers[i].value;
    return NULL;
}

void
pf_fake_response_add_header(pf_fake_response_t *resp, const char *name, const char *value)
{
    if (resp->header_count == PF_FAKE_RESP_HEADERS_MAX)
        return;
    resp->header_names[resp->header_count] = pf_strdup(name);
    resp->header_values[resp->header_count] = pf_strdup(value);
    resp->header_count++;
}

void
pf_fake_response_clear(pf_fake_response_t *resp)
{
    free(resp->body);
    for (size_t i = 0; i < resp->header_count; i++) {
        free(resp->header_names[i]);
        free(resp->header_values[i]);
    }
    memset(resp, 0, sizeof *resp);
    resp->provider = -1;
}

/* ---- answer helpers ---------------------------------------------------- */

static void
s_text(pf_fake_response_t *resp, int status, const char *ct, const char *text)
{
    free(resp->body);
    resp->status = status;
    resp->content_type = ct;
    resp->body = pf_strdup(text);
    resp->body_len = strlen(text);
    resp->json = false;
}

/*  Steals body.                                                            */
static void
s_json(pf_fake_response_t *resp, int status, json_t *body)
{
    free(resp->body);
    resp->status = status;
    resp->content_type = CT_JSON;
    resp->body = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(10));
    resp->body_len = strlen(resp->body);
    resp->json = true;
    json_decref(body);
}

static void
s_endpoint(pf_fake_response_t *resp, const char *name)
{
    snprintf(resp->endpoint, sizeof resp->endpoint, "%s", name);
}

static bool
s_key_ok(const pf_fake_router_t *router, const char *key)
{
    if (!key || !key[0])
        return false;
    return !router->key || strcmp(router->key, key) == 0;
}

static const char *
s_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_t *
s_ill(const json_t *company)
{
    return json_object_get(company, "illustrative");
}

/*  "51.36B" style, as Yahoo's fmt fields.                                  */
static void
s_fmt_big(double v, char *out, size_t size)
{
    double a = fabs(v);
    if (a >= 1e12)
        snprintf(out, size, "%.2fT", v / 1e12);
    else if (a >= 1e9)
        snprintf(out, size, "%.2fB", v / 1e9);
    else if (a >= 1e6)
        snprintf(out, size, "%.2fM", v / 1e6);
    else
        snprintf(out, size, "%.0f", v);
}

static json_t *
s_raw_fmt(double v)
{
    char fmt[32];
    s_fmt_big(v, fmt, sizeof fmt);
    /*  Yahoo prints whole amounts as integers.                            */
    if (v == floor(v) && fabs(v) < 9e15)
        return json_pack("{s:I, s:s}", "raw", (json_int_t) v, "fmt", fmt);
    return json_pack("{s:f, s:s}", "raw", v, "fmt", fmt);
}

static int64_t
s_date_epoch(const char *ymd)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(ymd, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t) timegm(&tm);
}

/* ---- BuiltWith ---------------------------------------------------------- */

static void
s_bw_error(pf_fake_response_t *resp, int status, const char *lookup, const char *message)
{
    json_t *err = json_pack("{s:o, s:s}", "Lookup", lookup ? json_string(lookup) : json_null(),
                            "Message", message);
    s_json(resp, status, json_pack("{s:[], s:[o]}", "Results", "Errors", err));
}

/*  FirstDetected/LastDetected of a technology on a domain, epoch s.        */
static void
s_tech_times(const char *domain, const char *tech, int64_t *first, int64_t *last)
{
    pf_fake_rng_t rng;
    pf_fake_rng_seed_text(&rng, domain, tech);
    *first = TECH_FIRST_MIN_S + pf_fake_rng_range(&rng, 0, TECH_SPAN_S);
    *last = REF_EPOCH_S - pf_fake_rng_range(&rng, 0, 30) * 86400;
}

static json_t *
s_bw_result(const json_t *c, bool synthetic)
{
    const char *domain = s_str(c, "domain");
    json_t *techs = json_array();
    size_t i;
    json_t *t;
    char desc[512] = "";
    if (synthetic)
        snprintf(desc, sizeof desc, "Synthetic data generated by pf-fakeapi for %s", domain);
    int64_t earliest = 0;
    json_array_foreach(json_object_get(s_ill(c), "technologies"), i, t) {
        int64_t first, last;
        s_tech_times(domain, s_str(t, "name"), &first, &last);
        if (!earliest || first < earliest)
            earliest = first;
        json_array_append_new(techs,
            json_pack("{s:s, s:s, s:O, s:s, s:s, s:s, s:n, s:I, s:I}", "Name", s_str(t, "name"),
                      "Tag", s_str(t, "tag"), "Categories", json_object_get(t, "categories"),
                      "IsPremium", i % 3 == 0 ? "yes" : "no", "Description", desc, "Link", "",
                      "Parent", "FirstDetected", (json_int_t) first * 1000,
                      "LastDetected", (json_int_t) last * 1000));
    }
    json_t *path = json_pack("{s:s, s:s, s:s, s:o}", "Domain", domain, "SubDomain", "", "Url", "",
                             "Technologies", techs);
    json_t *emp = json_object_get(c, "employees");
    json_t *meta = json_pack("{s:s, s:s, s:s, s:s, s:[], s:[], s:[]}", "CompanyName",
                             s_str(c, "legal_name"), "Vertical", s_str(c, "industry"), "City",
                             s_str(c, "city"), "Country", s_str(c, "country_code"), "Social",
                             "Emails", "Names");
    json_t *result = json_pack("{s:s, s:I, s:[o]}", "IsDB", "True",
                               "Spend", (json_int_t) (json_array_size(techs) * 150), "Paths", path);
    return json_pack("{s:s, s:o, s:o, s:{s:I, s:I}, s:I, s:I, s:I}", "Lookup", domain, "Result",
                     result, "Meta", meta, "Attributes", "Employees",
                     (json_int_t) (json_is_integer(emp) ? json_integer_value(emp) : 0), "Revenue",
                     (json_int_t) 0, "FirstIndexed", (json_int_t) earliest * 1000, "LastIndexed",
                     (json_int_t) REF_EPOCH_S * 1000, "SalesRevenue", (json_int_t) 0);
}

static void
s_builtwith(pf_fake_router_t *router, const pf_fake_request_t *req, const char *rest,
            pf_fake_response_t *resp)
{
    static const char *const eps[] = {"/v22/api.json", "/rv4/api.json", "/rec1/api.json",
                                      "/kw2/api.json", "/trustv1/api.json", "/free1/api.json"};
    int ep = -1;
    for (int i = 0; i < (int) (sizeof eps / sizeof eps[0]); i++)
        if (!strcmp(rest, eps[i]))
            ep = i;
    if (ep < 0) {
        s_endpoint(resp, "other");
        s_bw_error(resp, 404, NULL, "Unknown API endpoint");
        return;
    }
    s_endpoint(resp, eps[ep]);
    if (!s_key_ok(router, pf_fake_request_query(req, "KEY"))) {
        s_bw_error(resp, 401, NULL, "Invalid or missing API key (KEY parameter)");
        return;
    }
    const char *lookup = pf_fake_request_query(req, "LOOKUP");
    if (!lookup || !lookup[0]) {
        s_bw_error(resp, 400, NULL, "The LOOKUP parameter is required");
        return;
    }
    /*  Only v22 takes a comma list of up to 16 domains.                   */
    char list[PF_FAKE_LOOKUPS_MAX * PF_FAKE_DOMAIN_MAX];
    snprintf(list, sizeof list, "%s", lookup);
    char domains[PF_FAKE_LOOKUPS_MAX][PF_FAKE_DOMAIN_MAX];
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == PF_FAKE_LOOKUPS_MAX || (ep != 0 && n == 1)) {
            s_bw_error(resp, 400, lookup, ep == 0 ? "At most 16 domains per LOOKUP"
                                                  : "This API takes one domain per LOOKUP");
            return;
        }
        if (pf_fake_data_normalize(tok, domains[n], sizeof domains[n]) != 0) {
            s_bw_error(resp, 400, tok, "LOOKUP is not a valid domain");
            return;
        }
        n++;
    }
    if (n == 0) {
        s_bw_error(resp, 400, NULL, "The LOOKUP parameter is required");
        return;
    }
    bool synthetic = false;
    if (ep == 0) {
        json_t *results = json_array();
        for (size_t i = 0; i < n; i++) {
            bool syn;
            json_t *c = pf_fake_data_company(router->data, domains[i], &syn);
            synthetic = synthetic || syn;
            json_array_append_new(results, s_bw_result(c, syn));
            json_decref(c);
        }
        resp->synthetic = synthetic;
        s_json(resp, 200, json_pack("{s:o, s:[]}", "Results", results, "Errors"));
        return;
    }
    json_t *c = pf_fake_data_company(router->data, domains[0], &synthetic);
    resp->synthetic = synthetic;
    const char *domain = domains[0];
    json_t *ill = s_ill(c);
    json_t *body = NULL;
    size_t i;
    json_t *v;
    if (ep == 1) {          /* rv4: shared identifiers with similar sites */
        json_t *matches = json_array();
        json_array_foreach(json_object_get(ill, "similar_sites"), i, v) {
            if (i >= 2)
                break;
            int64_t first, last;
            s_tech_times(domain, json_string_value(v), &first, &last);
            json_array_append_new(matches, json_pack("{s:s, s:I, s:I, s:b}", "Domain",
                json_string_value(v), "First", (json_int_t) first * 1000, "Last",
                (json_int_t) last * 1000, "Overlap", i == 0));
        }
        pf_fake_rng_t rng;
        pf_fake_rng_seed_text(&rng, domain, "ua");
        char ua[32];
        snprintf(ua, sizeof ua, "UA-%" PRId64 "-1", pf_fake_rng_range(&rng, 1000000, 99999999));
        size_t nm = json_array_size(matches);
        body = json_pack("{s:[{s:s, s:[{s:s, s:s, s:I, s:I, s:o}]}], s:[], s:I, s:I, s:I, s:b}",
                         "Relationships", "Domain", domain, "Identifiers", "Value", ua, "Type",
                         "google-analytics", "First", (json_int_t) TECH_FIRST_MIN_S * 1000,
                         "Last", (json_int_t) REF_EPOCH_S * 1000, "Matches", matches, "Errors",
                         "results", (json_int_t) nm, "max_per_page", (json_int_t) 500,
                         "next_skip", (json_int_t) 0, "more_results", 0);
    } else if (ep == 2) {   /* rec1 */
        static const char *const recs[][3] = {{"Hotjar", "analytics", "Heatmaps"},
            {"Intercom", "widgets", "Live Chat"}, {"Cloudflare", "cdns", "CDN"},
            {"Segment", "analytics", "Customer Data Platform"}};
        json_t *list_j = json_array();
        for (size_t k = 0; k < sizeof recs / sizeof recs[0]; k++)
            json_array_append_new(list_j, json_pack("{s:s, s:s, s:s, s:[s], s:i, s:f}", "name",
                recs[k][0], "link", "", "tag", recs[k][1], "categories", recs[k][2], "stars",
                (int) (3 - k % 3), "match", 0.02 * (double) (k + 1)));
        body = json_pack("[{s:s, s:s, s:o}]", "Domain", domain, "Compiled",
                         "2025-12-31T00:00:00Z", "Recommendations", list_j);
    } else if (ep == 3) {   /* kw2 */
        body = json_pack("{s:[{s:s, s:O}]}", "Keywords", "Domain", domain, "Keywords",
                         json_object_get(ill, "keywords"));
    } else if (ep == 4) {   /* trustv1 */
        size_t nt = json_array_size(json_object_get(ill, "technologies"));
        body = json_pack("{s:s, s:{s:I, s:I, s:b, s:b, s:b, s:I, s:b}, s:n, s:i}", "Domain", domain,
                         "DBRecord", "EarliestRecord", (json_int_t) TECH_FIRST_MIN_S * 1000,
                         "PremiumTechs", (json_int_t) ((nt + 2) / 3), "LiveTechs", 1,
                         "Ecommerce", 0, "Parked", 0, "Spend", (json_int_t) (nt * 150),
                         "Established", 1, "LiveRecord", "Status", 0);
    } else {                /* free1: group counts, epoch seconds */
        json_t *groups = json_object();
        json_array_foreach(json_object_get(ill, "technologies"), i, v) {
            const char *tag = s_str(v, "tag");
            json_t *g = json_object_get(groups, tag);
            if (!g) {
                g = json_pack("{s:s, s:i, s:i, s:[]}", "name", tag, "live", 0, "dead", 0,
                              "categories");
                json_object_set_new(groups, tag, g);
            }
            json_object_set_new(g, "live", json_integer(json_integer_value(json_object_get(g, "live")) + 1));
            json_t *cat = json_array_get(json_object_get(v, "categories"), 0);
            json_array_append_new(json_object_get(g, "categories"),
                                  json_pack("{s:s, s:i, s:i}", "name",
                                            cat ? json_string_value(cat) : tag, "live", 1, "dead", 0));
        }
        json_t *garr = json_array();
        const char *k;
        json_object_foreach(groups, k, v) json_array_append(garr, v);
        json_decref(groups);
        body = json_pack("{s:s, s:I, s:I, s:o}", "domain", domain, "first",
                         (json_int_t) TECH_FIRST_MIN_S, "last", (json_int_t) REF_EPOCH_S,
                         "groups", garr);
    }
    json_decref(c);
    s_json(resp, 200, body);
}

/* ---- SimilarWeb --------------------------------------------------------- */

static void
s_sw_error(pf_fake_response_t *resp, int status, const char *message)
{
    s_json(resp, status, json_pack("{s:{s:s, s:i, s:s}}", "meta", "status", "Error",
                                   "error_code", status, "error_message", message));
}

static bool
s_parse_month(const char *s, int *y, int *m)
{
    if (!s || strlen(s) != 7 || s[4] != '-' || sscanf(s, "%4d-%2d", y, m) != 2 || *m < 1 || *m > 12 ||
        *y < 2000 || *y > 2100)
        return false;
    return true;
}

static void
s_similarweb(pf_fake_router_t *router, const pf_fake_request_t *req, const char *rest,
             pf_fake_response_t *resp)
{
    /*  /v1/website/{domain}/{what}                                        */
    static const char prefix[] = "/v1/website/";
    if (strncmp(rest, prefix, sizeof prefix - 1) != 0) {
        s_endpoint(resp, "other");
        s_sw_error(resp, 404, "Not found");
        return;
    }
    const char *dom = rest + sizeof prefix - 1;
    const char *slash = strchr(dom, '/');
    static const char *const whats[] = {"/total-traffic-and-engagement/visits",
        "/total-traffic-and-engagement/bounce-rate", "/total-traffic-and-engagement/pages-per-visit",
        "/total-traffic-and-engagement/average-visit-duration", "/traffic-sources/overview-share",
        "/geo/traffic-by-country", "/similar-sites/similarsites"};
    int what = -1;
    for (int i = 0; slash && i < (int) (sizeof whats / sizeof whats[0]); i++)
        if (!strcmp(slash, whats[i]))
            what = i;
    if (what < 0) {
        s_endpoint(resp, "other");
        s_sw_error(resp, 404, "Not found");
        return;
    }
    snprintf(resp->endpoint, sizeof resp->endpoint, "/v1/website/*%s", whats[what]);
    if (!s_key_ok(router, pf_fake_request_query(req, "api_key"))) {
        s_sw_error(resp, 401, "User authentication failed: missing or invalid api_key");
        return;
    }
    char raw[PF_FAKE_DOMAIN_MAX], domain[PF_FAKE_DOMAIN_MAX];
    size_t dlen = (size_t) (slash - dom);
    if (dlen >= sizeof raw) {
        s_sw_error(resp, 400, "Invalid domain");
        return;
    }
    memcpy(raw, dom, dlen);
    raw[dlen] = '\0';
    if (pf_fake_data_normalize(raw, domain, sizeof domain) != 0) {
        s_sw_error(resp, 400, "Invalid domain");
        return;
    }
    int sy = REF_YEAR, sm = REF_MONTH, ey = REF_YEAR, em = REF_MONTH;
    const char *start = pf_fake_request_query(req, "start_date");
    const char *end = pf_fake_request_query(req, "end_date");
    if ((start && !s_parse_month(start, &sy, &sm)) || (end && !s_parse_month(end, &ey, &em))) {
        s_sw_error(resp, 400, "Invalid date format, expected YYYY-MM");
        return;
    }
    if (!start) {           /* default: the 12 months ending at end       */
        sy = ey - 1;
        sm = em + 1;
        if (sm > 12) {
            sm = 1;
            sy++;
        }
    }
    int months = (ey - sy) * 12 + (em - sm) + 1;
    if (months < 1 || months > SW_MAX_MONTHS) {
        s_sw_error(resp, 400, "Invalid date range");
        return;
    }
    const char *country = pf_fake_request_query(req, "country");
    const char *gran = pf_fake_request_query(req, "granularity");
    bool synthetic;
    json_t *c = pf_fake_data_company(router->data, domain, &synthetic);
    resp->synthetic = synthetic;
    json_t *ill = s_ill(c);
    json_t *meta = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:s, s:s}", "request", "domain",
                             domain, "country", country ? country : "world", "granularity",
                             gran ? gran : "monthly", "main_domain_only",
                             pf_fake_request_query(req, "main_domain_only") ? "true" : "false",
                             "start_date", start ? start : "", "end_date", end ? end : "",
                             "status", "Success", "last_updated", REF_LAST_UPDATED);
    pf_fake_rng_t rng;
    pf_fake_rng_seed_text(&rng, domain, whats[what]);
    double base = json_number_value(json_object_get(ill, "monthly_visits"));
    json_t *body = json_pack("{s:o}", "meta", meta);
    if (what <= 3) {
        static const char *const keys[] = {"visits", "bounce_rate", "pages_per_visit",
                                           "average_visit_duration"};
        static const char *const basekeys[] = {"monthly_visits", "bounce_rate", "pages_per_visit",
                                               "avg_visit_duration"};
        double b = json_number_value(json_object_get(ill, basekeys[what]));
        json_t *series = json_array();
        int y = sy, m = sm;
        for (int k = 0; k < months; k++) {
            char date[16];
            snprintf(date, sizeof date, "%04d-%02d-01", y, m);
            double noise = 0.9 + 0.2 * pf_fake_rng_unit(&rng);
            double v = b * noise;
            if (what == 0)
                v = floor(v);
            json_array_append_new(series, json_pack("{s:s, s:f}", "date", date, keys[what], v));
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
        json_object_set_new(body, keys[what], series);
    } else if (what == 4) {
        static const char *const types[] = {"Search", "Direct", "Referrals", "Social", "Mail",
                                            "Display Ads"};
        static const double shares[] = {0.42, 0.35, 0.10, 0.07, 0.04, 0.02};
        json_t *list = json_array();
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
            json_t *series = json_array();
            int y = sy, m = sm;
            for (int k = 0; k < months; k++) {
                char date[16];
                snprintf(date, sizeof date, "%04d-%02d-01", y, m);
                double share = shares[t] * (0.9 + 0.2 * pf_fake_rng_unit(&rng));
                double paid = t == 0 || t == 5 ? share * 0.2 : 0.0;
                json_array_append_new(series, json_pack("{s:s, s:f, s:f}", "date", date, "organic",
                                                        share - paid, "paid", paid));
                if (++m > 12) {
                    m = 1;
                    y++;
                }
            }
            json_array_append_new(list, json_pack("{s:s, s:o}", "source_type", types[t], "visits",
                                                  series));
        }
        json_object_set_new(body, "visits", json_pack("{s:o}", domain, list));
    } else if (what == 5) {
        json_t *records = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(ill, "country_shares"), i, v) {
            double share = json_number_value(json_array_get(v, 1));
            json_array_append_new(records, json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:i}",
                "country", json_integer_value(json_array_get(v, 0)), "share", share, "visits",
                floor(base * months * share), "pages_per_visit",
                json_number_value(json_object_get(ill, "pages_per_visit")) *
                    (0.9 + 0.2 * pf_fake_rng_unit(&rng)),
                "average_time", json_number_value(json_object_get(ill, "avg_visit_duration")) *
                    (0.9 + 0.2 * pf_fake_rng_unit(&rng)),
                "bounce_rate", json_number_value(json_object_get(ill, "bounce_rate")) *
                    (0.9 + 0.2 * pf_fake_rng_unit(&rng)),
                "rank", (int) i + 1));
        }
        json_object_set_new(body, "records", records);
    } else {
        json_t *sites = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(ill, "similar_sites"), i, v)
            json_array_append_new(sites, json_pack("{s:s, s:f}", "url", json_string_value(v),
                                                   "score", 0.95 - 0.07 * (double) i));
        json_object_set_new(body, "similar_sites", sites);
    }
    json_decref(c);
    s_json(resp, 200, body);
}

/* ---- Yahoo Finance ------------------------------------------------------ */

static void
s_yahoo_mac(const pf_fake_router_t *router, const char *what, const char *text, char *hex,
            size_t chars)
{
    unsigned char mac[16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, router->secret, sizeof router->secret, sizeof mac);
    crypto_generichash_update(&st, (const unsigned char *) what, strlen(what));
    crypto_generichash_update(&st, (const unsigned char *) text, strlen(text));
    crypto_generichash_final(&st, mac, sizeof mac);
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV";
    size_t i;
    for (i = 0; i < chars && i < sizeof mac * 2; i++)
        hex[i] = digits[(mac[i % sizeof mac] >> (i / sizeof mac ? 3 : 0)) % 58];
    hex[i] = '\0';
}

/*  The A3 cookie value of the request if it is one we issued, else NULL
    (copied into out).                                                      */
static const char *
s_yahoo_cookie(const pf_fake_router_t *router, const pf_fake_request_t *req, char *out,
               size_t size)
{
    const char *cookie = pf_fake_request_header(req, "Cookie");
    if (!cookie)
        return NULL;
    const char *p = cookie;
    while ((p = strstr(p, "A3=")) != NULL) {
        if (p == cookie || p[-1] == ' ' || p[-1] == ';')
            break;
        p += 3;
    }
    if (!p)
        return NULL;
    p += 3;
    size_t n = strcspn(p, "; ");
    if (n == 0 || n >= size)
        return NULL;
    memcpy(out, p, n);
    out[n] = '\0';
    /*  d=<nonce>&S=<mac>                                                   */
    char *amp = strstr(out, "&S=");
    if (strncmp(out, "d=", 2) != 0 || !amp)
        return NULL;
    *amp = '\0';
    char mac[40];
    s_yahoo_mac(router, "cookie", out + 2, mac, 22);
    bool ok = strcmp(mac, amp + 3) == 0;
    *amp = '&';
    return ok ? out : NULL;
}

static void
s_yahoo_crumb(const pf_fake_router_t *router, const char *cookie, char *out)
{
    s_yahoo_mac(router, "crumb", cookie, out, YAHOO_CRUMB_CHARS);
}

static void
s_yahoo_finance_error(pf_fake_response_t *resp, int status, const char *code, const char *desc)
{
    s_json(resp, status, json_pack("{s:{s:n, s:{s:s, s:s}}}", "finance", "result", "error",
                                   "code", code, "description", desc));
}

static bool
s_yahoo_session(const pf_fake_router_t *router, const pf_fake_request_t *req)
{
    char cookie[256], crumb[YAHOO_CRUMB_CHARS + 1];
    if (!s_yahoo_cookie(router, req, cookie, sizeof cookie))
        return false;
    const char *given = pf_fake_request_query(req, "crumb");
    s_yahoo_crumb(router, cookie, crumb);
    return given && strcmp(given, crumb) == 0;
}

static json_t *
s_yahoo_quote(const json_t *c)
{
    json_t *pub = json_object_get(c, "public");
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "exchange", s_str(pub, "exchange"),
                     "shortname", s_str(c, "name"), "quoteType", "EQUITY", "symbol",
                     s_str(pub, "ticker"), "longname", s_str(c, "legal_name"), "exchDisp",
                     s_str(pub, "exchange_name"), "isYahooFinance", 1);
}

static void
s_yahoo_summary(pf_fake_response_t *resp, const json_t *c, const char *modules)
{
    json_t *pub = json_object_get(c, "public");
    json_t *ill = s_ill(c);
    json_t *fin = json_object_get(c, "financials");
    const char *currency = s_str(pub, "currency");
    json_t *result = json_object();
    char list[512];
    snprintf(list, sizeof list, "%s", modules);
    char *save = NULL;
    for (char *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        if (!strcmp(m, "assetProfile")) {
            char web[300];
            snprintf(web, sizeof web, "https://www.%s", s_str(c, "domain"));
            json_t *ap = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[]}", "city",
                                   s_str(c, "city"), "state", s_str(c, "state"), "country",
                                   s_str(c, "country"), "website", web, "industry",
                                   s_str(c, "industry"), "sector", s_str(c, "sector"),
                                   "longBusinessSummary", s_str(c, "description"),
                                   "companyOfficers");
            json_t *emp = json_object_get(c, "employees");
            if (json_is_integer(emp))
                json_object_set(ap, "fullTimeEmployees", emp);
            /*  The record's verified officers, in Yahoo's shape (maxAge as
                Yahoo sends it; no pay or age: none is in the record).     */
            json_t *officers = json_object_get(ap, "companyOfficers");
            size_t oi;
            json_t *o;
            json_array_foreach(json_object_get(c, "officers"), oi, o)
                if (json_is_string(json_object_get(o, "name")))
                    json_array_append_new(officers,
                                          json_pack("{s:i, s:s, s:s}", "maxAge", 1, "name",
                                                    s_str(o, "name"), "title", s_str(o, "title")));
            json_object_set_new(result, "assetProfile", ap);
        } else if (!strcmp(m, "financialData")) {
            json_t *fd = json_pack("{s:s}", "financialCurrency", currency);
            json_t *f0 = json_array_get(fin, 0), *f1 = json_array_get(fin, 1);
            if (f0) {
                double r0 = json_number_value(json_object_get(f0, "revenue"));
                json_object_set_new(fd, "totalRevenue", s_raw_fmt(r0));
                if (f1) {
                    double r1 = json_number_value(json_object_get(f1, "revenue"));
                    char pct[32];
                    snprintf(pct, sizeof pct, "%.2f%%", (r0 / r1 - 1.0) * 100.0);
                    json_object_set_new(fd, "revenueGrowth",
                                        json_pack("{s:f, s:s}", "raw", r0 / r1 - 1.0, "fmt", pct));
                }
            }
            json_object_set_new(result, "financialData", fd);
        } else if (!strcmp(m, "summaryDetail")) {
            json_t *sd = json_pack("{s:s}", "currency", currency);
            json_t *cap = json_object_get(ill, "market_cap");
            if (json_is_number(cap))
                json_object_set_new(sd, "marketCap", s_raw_fmt(json_number_value(cap)));
            json_object_set_new(result, "summaryDetail", sd);
        } else if (!strcmp(m, "incomeStatementHistory")) {
            json_t *rows = json_array();
            size_t i;
            json_t *f;
            json_array_foreach(fin, i, f) {
                json_t *row = json_pack("{s:{s:I, s:s}, s:o}", "endDate", "raw",
                                        (json_int_t) s_date_epoch(s_str(f, "end")), "fmt",
                                        s_str(f, "end"), "totalRevenue",
                                        s_raw_fmt(json_number_value(json_object_get(f, "revenue"))));
                json_t *ni = json_object_get(f, "net_income");
                if (json_is_number(ni))
                    json_object_set_new(row, "netIncome", s_raw_fmt(json_number_value(ni)));
                json_array_append_new(rows, row);
            }
            json_object_set_new(result, "incomeStatementHistory",
                                json_pack("{s:o, s:i}", "incomeStatementHistory", rows, "maxAge", 86400));
        } else if (!strcmp(m, "price")) {
            json_t *price = json_object_get(ill, "price");
            json_object_set_new(result, "price",
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:f}}", "symbol", s_str(pub, "ticker"),
                          "shortName", s_str(c, "name"), "longName", s_str(c, "legal_name"),
                          "exchangeName", s_str(pub, "exchange_name"), "currency", currency,
                          "regularMarketPrice", "raw", json_number_value(price)));
        }
    }
    s_json(resp, 200, json_pack("{s:{s:[o], s:n}}", "quoteSummary", "result", result, "error"));
}

static void
s_yahoo_chart(pf_fake_response_t *resp, const json_t *c, const char *range, const char *interval)
{
    static const struct {
        const char *name;
        int days;
    } ranges[] = {{"1d", 1}, {"5d", 5}, {"1mo", 30}, {"3mo", 91}, {"6mo", 182}, {"ytd", 365},
                  {"1y", 365}, {"2y", 730}, {"5y", 1826}, {"10y", 3652}, {"max", 3652}};
    static const struct {
        const char *name;
        int days;
    } intervals[] = {{"1d", 1}, {"5d", 5}, {"1wk", 7}, {"1mo", 30}, {"3mo", 91}};
    int days = -1, step = -1;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (!strcmp(range, ranges[i].name))
            days = ranges[i].days;
    for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++)
        if (!strcmp(interval, intervals[i].name))
            step = intervals[i].days;
    if (days < 0 || step < 0) {
        char desc[160];
        snprintf(desc, sizeof desc, "Invalid input - range=%.32s interval=%.32s", range, interval);
        s_json(resp, 422, json_pack("{s:{s:n, s:{s:s, s:s}}}", "chart", "result", "error", "code",
                                    "Unprocessable Entity", "description", desc));
        return;
    }
    json_t *pub = json_object_get(c, "public");
    pf_fake_rng_t rng;
    pf_fake_rng_seed_text(&rng, s_str(pub, "ticker"), "chart");
    double price = json_number_value(json_object_get(s_ill(c), "price"));
    json_t *ts = json_array(), *open = json_array(), *high = json_array(), *low = json_array(),
           *close = json_array(), *volume = json_array();
    int points = days / step > 0 ? days / step : 1;
    if (points > CHART_MAX_POINTS)
        points = CHART_MAX_POINTS;
    for (int k = points - 1; k >= 0; k--) {
        double o = price * (0.98 + 0.04 * pf_fake_rng_unit(&rng));
        double cl = price * (0.98 + 0.04 * pf_fake_rng_unit(&rng));
        json_array_append_new(ts, json_integer(REF_EPOCH_S - (json_int_t) k * step * 86400));
        json_array_append_new(open, json_real(o));
        json_array_append_new(close, json_real(cl));
        json_array_append_new(high, json_real(fmax(o, cl) * 1.01));
        json_array_append_new(low, json_real(fmin(o, cl) * 0.99));
        json_array_append_new(volume, json_integer(pf_fake_rng_range(&rng, 1000000, 9000000)));
    }
    json_t *meta = json_pack("{s:s, s:s, s:s, s:f, s:s, s:s}", "currency", s_str(pub, "currency"),
                             "symbol", s_str(pub, "ticker"), "exchangeName", s_str(pub, "exchange"),
                             "regularMarketPrice", price, "dataGranularity", interval, "range",
                             range);
    s_json(resp, 200,
           json_pack("{s:{s:[{s:o, s:o, s:{s:[{s:o, s:o, s:o, s:o, s:o}]}}], s:n}}", "chart",
                     "result", "meta", meta, "timestamp", ts, "indicators", "quote", "open", open,
                     "high", high, "low", low, "close", close, "volume", volume, "error"));
}

static void
s_yahoo(pf_fake_router_t *router, const pf_fake_request_t *req, const char *rest,
        pf_fake_response_t *resp)
{
    if (!strcmp(rest, "") || !strcmp(rest, "/")) {
        /*  fc.yahoo.com: a 404 page that sets the session cookie.         */
        s_endpoint(resp, "/");
        char nonce[32], mac[40], value[256];
        router->cookie_seq++;
        unsigned char rnd[8];
        randombytes_buf(rnd, sizeof rnd);
        snprintf(nonce, sizeof nonce, "%02x%02x%02x%02x%02x%02x%02x%02x%04" PRIx64, rnd[0], rnd[1],
                 rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], router->cookie_seq & 0xffff);
        s_yahoo_mac(router, "cookie", nonce, mac, 22);
        snprintf(value, sizeof value, "A3=d=%s&S=%s; Max-Age=%d; Path=/; SameSite=Lax; HttpOnly",
                 nonce, mac, YAHOO_COOKIE_MAX_AGE_S);
        pf_fake_response_add_header(resp, "Set-Cookie", value);
        s_text(resp, 404, CT_HTML, "<html><body><h1>404 Not Found</h1></body></html>\n");
        return;
    }
    if (!strcmp(rest, "/v1/test/getcrumb")) {
        s_endpoint(resp, rest);
        char cookie[256], crumb[YAHOO_CRUMB_CHARS + 1];
        if (!s_yahoo_cookie(router, req, cookie, sizeof cookie)) {
            s_yahoo_finance_error(resp, 401, "Unauthorized", "Invalid Cookie");
            return;
        }
        s_yahoo_crumb(router, cookie, crumb);
        s_text(resp, 200, CT_TEXT, crumb);
        return;
    }
    if (!strcmp(rest, "/v1/finance/search")) {
        s_endpoint(resp, rest);
        const char *q = pf_fake_request_query(req, "q");
        if (!q || !q[0]) {
            s_yahoo_finance_error(resp, 400, "Bad Request", "Missing value for the \"q\" argument");
            return;
        }
        json_t *quotes = json_array();
        const json_t *c = pf_fake_data_by_symbol(router->data, q);
        if (!c)
            c = pf_fake_data_match_query(router->data, q);
        if (c && json_object_get(c, "public"))
            json_array_append_new(quotes, s_yahoo_quote(c));
        /*  Synthetic companies are private: no quote.                    */
        resp->synthetic = c == NULL;
        s_json(resp, 200, json_pack("{s:o, s:[], s:I}", "quotes", quotes, "news", "count",
                                    (json_int_t) 0));
        return;
    }
    static const char qs[] = "/v10/finance/quoteSummary/";
    static const char ch[] = "/v8/finance/chart/";
    bool summary = !strncmp(rest, qs, sizeof qs - 1);
    bool chart = !strncmp(rest, ch, sizeof ch - 1);
    if (!summary && !chart) {
        s_endpoint(resp, "other");
        s_yahoo_finance_error(resp, 404, "Not Found", "HTTP 404 Not Found");
        return;
    }
    const char *sym = rest + (summary ? sizeof qs - 1 : sizeof ch - 1);
    s_endpoint(resp, summary ? "/v10/finance/quoteSummary/*" : "/v8/finance/chart/*");
    const char *top = summary ? "quoteSummary" : "chart";
    if (summary && !s_yahoo_session(router, req)) {
        s_yahoo_finance_error(resp, 401, "Unauthorized", "Invalid Crumb");
        return;
    }
    const json_t *c = pf_fake_data_by_symbol(router->data, sym);
    resp->synthetic = c == NULL;
    if (!c) {
        char desc[160];
        if (summary)
            snprintf(desc, sizeof desc, "Quote not found for symbol: %.32s", sym);
        else
            snprintf(desc, sizeof desc, "No data found, symbol may be delisted");
        s_json(resp, 404, json_pack("{s:{s:n, s:{s:s, s:s}}}", top, "result", "error", "code",
                                    "Not Found", "description", desc));
        return;
    }
    if (summary) {
        const char *modules = pf_fake_request_query(req, "modules");
        if (!modules || !modules[0]) {
            s_json(resp, 400, json_pack("{s:{s:n, s:{s:s, s:s}}}", top, "result", "error", "code",
                                        "Bad Request",
                                        "description", "Missing value for the \"modules\" argument"));
            return;
        }
        s_yahoo_summary(resp, c, modules);
        return;
    }
    const char *range = pf_fake_request_query(req, "range");
    const char *interval = pf_fake_request_query(req, "interval");
    s_yahoo_chart(resp, c, range ? range : "1mo", interval ? interval : "1d");
}

/* ---- SEC EDGAR ---------------------------------------------------------- */

static void
s_sec_not_found(pf_fake_response_t *resp)
{
    s_text(resp, 404, CT_XML,
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
           "<Message>The specified key does not exist.</Message></Error>");
}

/*  "CIK##########.json" -> cik; false when the name is not exactly that.  */
static bool
s_sec_cik(const char *name, uint64_t *cik)
{
    if (strncmp(name, "CIK", 3) != 0)
        return false;
    uint64_t v = 0;
    for (int i = 0; i < CIK_DIGITS; i++) {
        char ch = name[3 + i];
        if (!isdigit((unsigned char) ch))
            return false;
        v = v * 10 + (uint64_t) (ch - '0');
    }
    if (strcmp(name + 3 + CIK_DIGITS, ".json") != 0)
        return false;
    *cik = v;
    return true;
}

static void
s_sec_submissions(pf_fake_response_t *resp, const json_t *c)
{
    json_t *pub = json_object_get(c, "public");
    char cik[16];
    snprintf(cik, sizeof cik, "%010" PRId64, (int64_t) json_integer_value(json_object_get(pub, "cik")));
    json_t *acc = json_array(), *filed = json_array(), *rep = json_array(), *form = json_array(),
           *doc = json_array(), *items = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(c, "filings"), i, f) {
        json_array_append_new(acc, json_string(s_str(f, "accession")));
        json_array_append_new(filed, json_string(s_str(f, "filed")));
        json_array_append_new(rep, json_string(s_str(f, "report")));
        json_array_append_new(form, json_string(s_str(f, "form")));
        json_array_append_new(doc, json_string(s_str(f, "document")));
        /*  SEC's column: an 8-K's item numbers ("5.02,9.01"), else "".    */
        json_array_append_new(items, json_string(s_str(f, "items")));
    }
    const char *exch = s_str(pub, "exchange_name");
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:[s], s:[s], s:s, s:{s:{s:o, s:o, s:o, s:o, s:o, s:o}, s:[]}}",
        "cik", cik, "entityType", "operating", "sic", s_str(pub, "sic"), "sicDescription",
        s_str(pub, "sic_description"), "name", s_str(pub, "sec_name"), "tickers",
        s_str(pub, "ticker"), "exchanges", !strcmp(exch, "NasdaqGS") ? "Nasdaq" : exch,
        "fiscalYearEnd", s_str(pub, "fiscal_year_end"), "filings", "recent", "accessionNumber",
        acc, "filingDate", filed, "reportDate", rep, "form", form, "primaryDocument", doc, "items",
        items, "files");
    s_json(resp, 200, body);
}

static void
s_sec_facts(pf_fake_response_t *resp, const json_t *c)
{
    json_t *pub = json_object_get(c, "public");
    json_t *ar = json_object_get(c, "annual_report");
    json_t *rev = json_array(), *ni = json_array();
    size_t i;
    json_t *f;
    json_int_t fy = json_integer_value(json_object_get(ar, "fy"));
    size_t n = json_array_size(json_object_get(c, "financials"));
    json_array_foreach(json_object_get(c, "financials"), i, f) {
        /*  Every period comes from the latest 10-K, so "fy" is the
            filing's fiscal year for the comparatives too; the oldest has
            no frame (SEC gives each frame to one fact only).              */
        json_t *row = json_pack("{s:s, s:s, s:O, s:s, s:I, s:s, s:s, s:s}", "start",
                                s_str(f, "start"), "end", s_str(f, "end"), "val",
                                json_object_get(f, "revenue"), "accn", s_str(ar, "accession"),
                                "fy", fy, "fp", "FY", "form", "10-K", "filed", s_str(ar, "filed"));
        if (i + 1 < n) {
            /*  The calendar year holding the period's middle.            */
            char frame[16];
            time_t mid = (time_t) ((s_date_epoch(s_str(f, "start")) + s_date_epoch(s_str(f, "end"))) / 2);
            struct tm tm;
            gmtime_r(&mid, &tm);
            snprintf(frame, sizeof frame, "CY%d", tm.tm_year + 1900);
            json_object_set_new(row, "frame", json_string(frame));
        }
        json_array_append_new(rev, row);
        json_t *q;
        size_t k;
        json_array_foreach(json_object_get(f, "quarters"), k, q)
            json_array_append_new(rev, json_pack("{s:s, s:s, s:O, s:s, s:I, s:s, s:s, s:s}",
                                                 "start", s_str(q, "start"), "end", s_str(q, "end"),
                                                 "val", json_object_get(q, "revenue"), "accn",
                                                 s_str(ar, "accession"), "fy", fy, "fp", "FY",
                                                 "form", "10-K", "filed", s_str(ar, "filed")));
        json_t *net = json_object_get(f, "net_income");
        if (json_is_number(net))
            json_array_append_new(ni, json_pack("{s:s, s:s, s:O, s:s, s:I, s:s, s:s, s:s}", "start",
                                                s_str(f, "start"), "end", s_str(f, "end"), "val",
                                                net, "accn", s_str(ar, "accession"), "fy", fy,
                                                "fp", "FY", "form", "10-K", "filed",
                                                s_str(ar, "filed")));
    }
    const char *unit = s_str(pub, "currency");
    json_t *gaap = json_object();
    json_object_set_new(gaap, s_str(pub, "revenue_tag"),
                        json_pack("{s:s, s:s, s:{s:o}}", "label", "Revenues", "description",
                                  "Amount of revenue recognized.", "units", unit, rev));
    if (json_array_size(ni))
        json_object_set_new(gaap, "NetIncomeLoss",
                            json_pack("{s:s, s:s, s:{s:o}}", "label", "Net Income (Loss)",
                                      "description", "Net income or loss.", "units", unit, ni));
    else
        json_decref(ni);
    s_json(resp, 200, json_pack("{s:O, s:s, s:{s:o}}", "cik", json_object_get(pub, "cik"),
                                "entityName", s_str(pub, "sec_name"), "facts", "us-gaap", gaap));
}

static void
s_sec(pf_fake_router_t *router, const pf_fake_request_t *req, const char *rest,
      pf_fake_response_t *resp)
{
    static const char sub[] = "/submissions/";
    static const char facts[] = "/api/xbrl/companyfacts/";
    if (!strcmp(rest, "/files/company_tickers.json"))
        s_endpoint(resp, rest);
    else if (!strncmp(rest, sub, sizeof sub - 1))
        s_endpoint(resp, "/submissions/*");
    else if (!strncmp(rest, facts, sizeof facts - 1))
        s_endpoint(resp, "/api/xbrl/companyfacts/*");
    else
        s_endpoint(resp, "other");
    const char *ua = pf_fake_request_header(req, "User-Agent");
    if (!ua || !strchr(ua, '@')) {
        s_text(resp, 403, CT_HTML,
               "<!DOCTYPE html><html><head><title>SEC.gov | Request Rate Threshold Exceeded"
               "</title></head><body><h1>Your Request Originates from an Undeclared Automated "
               "Tool</h1><p>Please declare your traffic by updating your user agent to include "
               "company specific information (Sample Company Name AdminContact@example.com)."
               "</p></body></html>\n");
        return;
    }
    if (!strcmp(resp->endpoint, "/files/company_tickers.json")) {
        s_json(resp, 200, pf_fake_data_tickers(router->data));
        return;
    }
    uint64_t cik;
    const char *name = !strcmp(resp->endpoint, "/submissions/*") ? rest + sizeof sub - 1
                                                                  : rest + sizeof facts - 1;
    const json_t *c = NULL;
    if (strcmp(resp->endpoint, "other") != 0 && s_sec_cik(name, &cik))
        c = pf_fake_data_by_cik(router->data, cik);
    if (!c) {
        resp->synthetic = true;
        s_sec_not_found(resp);
        return;
    }
    if (!strcmp(resp->endpoint, "/submissions/*"))
        s_sec_submissions(resp, c);
    else
        s_sec_facts(resp, c);
}

/* ---- Web search (Brave) ------------------------------------------------- */

static void
s_brave_error(pf_fake_response_t *resp, int status, const char *code, const char *detail,
              json_t *meta)
{
    json_t *err = json_pack("{s:s, s:i, s:s, s:s}", "id", "00000000-0000-0000-0000-000000000000",
                            "status", status, "code", code, "detail", detail);
    if (meta)
        json_object_set_new(err, "meta", meta);
    s_json(resp, status, json_pack("{s:s, s:o, s:I}", "type", "ErrorResponse", "error", err,
                                   "time", (json_int_t) time(NULL)));
}

static void
s_brave_validation(pf_fake_response_t *resp, const char *where, const char *field, const char *msg)
{
    s_brave_error(resp, 422, "VALIDATION", "Unable to validate request parameter(s)",
                  json_pack("{s:[{s:s, s:[s, s], s:s}]}", "errors", "type", "value_error", "loc",
                            where, field, "msg", msg));
}

static json_t *
s_result(const char *title, const char *url, const char *host, const char *desc, const char *age,
         bool news)
{
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:[]}", "title", title, "url",
                          url, "description", desc, "age", age, "page_age",
                          "2025-12-01T00:00:00", "meta_url", "scheme", "https", "hostname", host,
                          "extra_snippets");
    if (news)
        json_object_set_new(r, "type", json_string("news_result"));
    return r;
}

static bool
s_jobs_query(const char *q)
{
    static const char *const words[] = {"job", "jobs", "career", "careers", "hiring"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *p = strcasestr(q, words[i]);
        if (p && (p == q || !isalnum((unsigned char) p[-1])) &&
            !isalnum((unsigned char) p[strlen(words[i])]))
            return true;
    }
    return false;
}

/*  True when q asks for the company's leaders ("… leadership team").       */
static bool
s_leaders_query(const char *q)
{
    static const char *const words[] = {"leadership", "executives", "management team"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasestr(q, words[i]))
            return true;
    return false;
}

/*  The first word of q that is a domain name, normalised into out.         */
static bool
s_domain_in(const char *q, char *out, size_t size)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", q);
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t\"'()", &save); w; w = strtok_r(NULL, " \t\"'()", &save))
        if (strchr(w, '.') && pf_fake_data_normalize(w, out, size) == 0)
            return true;
    return false;
}

static void
s_websearch(pf_fake_router_t *router, const pf_fake_request_t *req, const char *rest,
            pf_fake_response_t *resp)
{
    bool news = !strcmp(rest, "/res/v1/news/search");
    if (!news && strcmp(rest, "/res/v1/web/search") != 0) {
        s_endpoint(resp, "other");
        s_brave_error(resp, 404, "RESOURCE_NOT_FOUND", "Resource not found", NULL);
        return;
    }
    s_endpoint(resp, rest);
    const char *token = pf_fake_request_header(req, "X-Subscription-Token");
    if (!token || !token[0]) {
        s_brave_validation(resp, "header", "x-subscription-token", "Field required");
        return;
    }
    if (!s_key_ok(router, token)) {
        s_brave_error(resp, 401, "SUBSCRIPTION_TOKEN_INVALID",
                      "The provided subscription token is invalid.", NULL);
        return;
    }
    const char *q = pf_fake_request_query(req, "q");
    if (!q || !q[0]) {
        s_brave_validation(resp, "query", "q", "Field required");
        return;
    }
    if (strlen(q) > 400) {
        s_brave_validation(resp, "query", "q", "String should have at most 400 characters");
        return;
    }
    long count = BRAVE_DEFAULT_COUNT, offset = 0;
    const char *cs = pf_fake_request_query(req, "count"), *os = pf_fake_request_query(req, "offset");
    char *end;
    if (cs) {
        count = strtol(cs, &end, 10);
        if (*end || count < 1 || count > (news ? BRAVE_NEWS_COUNT_MAX : BRAVE_WEB_COUNT_MAX)) {
            s_brave_validation(resp, "query", "count", "Input should be a valid count");
            return;
        }
    }
    if (os) {
        offset = strtol(os, &end, 10);
        if (*end || offset < 0 || offset > BRAVE_OFFSET_MAX) {
            s_brave_validation(resp, "query", "offset", "Input should be less than or equal to 9");
            return;
        }
    }
    const char *fresh = pf_fake_request_query(req, "freshness");
    if (fresh && strcmp(fresh, "pd") && strcmp(fresh, "pw") && strcmp(fresh, "pm") &&
        strcmp(fresh, "py") && !strstr(fresh, "to")) {
        s_brave_validation(resp, "query", "freshness", "Input should be pd, pw, pm, py or a range");
        return;
    }
    /*  Whose results: a curated company the query names, else the company
        of a domain in the query, else results seeded by the query.       */
    const json_t *curated = pf_fake_data_match_query(router->data, q);
    json_t *c = NULL;
    char dom[PF_FAKE_DOMAIN_MAX];
    bool synthetic = true;
    if (curated) {
        c = json_incref((json_t *) curated);
        synthetic = false;
    } else if (s_domain_in(q, dom, sizeof dom)) {
        c = pf_fake_data_company(router->data, dom, &synthetic);
    } else {
        /*  Name a synthetic domain after the query's first word.         */
        char word[64] = "";
        size_t k = 0;
        for (const char *p = q; *p && k + 1 < sizeof word; p++) {
            if (isalnum((unsigned char) *p))
                word[k++] = (char) tolower((unsigned char) *p);
            else if (k)
                break;
        }
        snprintf(dom, sizeof dom, "%s.com", k ? word : "example");
        c = pf_fake_data_synthesize(dom);
    }
    resp->synthetic = synthetic;
    const char *domain = s_str(c, "domain");
    const char *name = s_str(c, "name");
    json_t *ill = s_ill(c);
    json_t *all = json_array();
    char title[512], url[600], desc[600];
    bool jobs = s_jobs_query(q);
    size_t i;
    json_t *v;
    if (jobs && !news) {
        json_array_foreach(json_object_get(ill, "jobs"), i, v) {
            snprintf(title, sizeof title, "%s - %s Careers", json_string_value(v), name);
            snprintf(url, sizeof url, "https://%s/careers/%zu", domain, i + 1);
            snprintf(desc, sizeof desc, synthetic ? "Synthetic data generated by pf-fakeapi for %s"
                                                  : "Illustrative job posting at %s", domain);
            json_array_append_new(all, s_result(title, url, domain, desc, "1 week ago", false));
        }
    }
    if (s_leaders_query(q) && !news) {
        /*  A leadership page per verified officer (the record's facts; the
            page itself is the emulator's).                                 */
        json_array_foreach(json_object_get(c, "officers"), i, v) {
            snprintf(title, sizeof title, "%s - %s - %s", s_str(v, "name"), s_str(v, "title"),
                     name);
            snprintf(url, sizeof url, "https://www.%s/leadership/%zu", domain, i + 1);
            snprintf(desc, sizeof desc, "%s, %s of %s.", s_str(v, "name"), s_str(v, "title"),
                     name);
            json_array_append_new(all, s_result(title, url, domain, desc, "", false));
        }
    }
    json_array_foreach(json_object_get(ill, "news"), i, v) {
        const char *host = s_str(v, "host");
        snprintf(url, sizeof url, "https://%s/%s/%zu", host, domain, i + 1);
        json_array_append_new(all, s_result(s_str(v, "title"), url, host, s_str(v, "description"),
                                            "2 weeks ago", news));
    }
    if (!news) {
        snprintf(title, sizeof title, "%s | Official site", name);
        snprintf(url, sizeof url, "https://www.%s/", domain);
        json_t *site = s_result(title, url, domain, s_str(c, "description"), "", false);
        /*  The record's founding year, as a company's own pages state it. */
        json_int_t founded = json_integer_value(json_object_get(c, "founded"));
        if (founded > 0) {
            char snippet[128];
            snprintf(snippet, sizeof snippet, "%s was founded in %lld.", name,
                     (long long) founded);
            json_array_append_new(json_object_get(site, "extra_snippets"), json_string(snippet));
        }
        json_array_append_new(all, site);
    }
    json_t *page = json_array();
    for (size_t k = (size_t) offset * (size_t) count;
         k < json_array_size(all) && json_array_size(page) < (size_t) count; k++)
        json_array_append(page, json_array_get(all, k));
    bool more = json_array_size(all) > (size_t) (offset + 1) * (size_t) count;
    json_decref(all);
    json_decref(c);
    json_t *query = json_pack("{s:s, s:b}", "original", q, "more_results_available", more);
    if (news)
        s_json(resp, 200, json_pack("{s:s, s:o, s:o}", "type", "news", "query", query, "results",
                                    page));
    else
        s_json(resp, 200, json_pack("{s:s, s:o, s:{s:s, s:o, s:b}}", "type", "search", "query",
                                    query, "web", "type", "search", "results", page,
                                    "family_friendly", 1));
}

/* ---- dispatch ----------------------------------------------------------- */

void
pf_fake_route(pf_fake_router_t *router, const pf_fake_request_t *req, pf_fake_response_t *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->provider = -1;
    resp->synthetic = true;
    const char *rest = NULL;
    int p = pf_fake_provider_of(req->path, &rest);
    resp->provider = p;
    if (p < 0) {
        s_endpoint(resp, "other");
        s_json(resp, 404, json_pack("{s:s}", "error", "no such path (providers live below "
                                    "/builtwith, /similarweb, /yahoo_finance, /sec_edgar, /websearch)"));
        return;
    }
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        s_endpoint(resp, "other");
        s_json(resp, 405, json_pack("{s:s}", "error", "method not allowed"));
        return;
    }
    resp->synthetic = false;
    switch (p) {
    case PF_FAKE_BUILTWITH: s_builtwith(router, req, rest, resp); break;
    case PF_FAKE_SIMILARWEB: s_similarweb(router, req, rest, resp); break;
    case PF_FAKE_YAHOO: s_yahoo(router, req, rest, resp); break;
    case PF_FAKE_SEC: s_sec(router, req, rest, resp); break;
    default: s_websearch(router, req, rest, resp); break;
    }
}

void
pf_fake_route_rate_limited(int provider, const char *retry_after, pf_fake_response_t *resp)
{
    int keep = resp->provider;
    char ep[PF_FAKE_ENDPOINT_NAME_MAX];
    snprintf(ep, sizeof ep, "%s", resp->endpoint);
    pf_fake_response_clear(resp);
    resp->provider = keep;
    snprintf(resp->endpoint, sizeof resp->endpoint, "%s", ep);
    resp->synthetic = true;
    switch (provider) {
    case PF_FAKE_SEC:
        s_text(resp, 429, CT_HTML,
               "<!DOCTYPE html><html><head><title>SEC.gov | Request Rate Threshold Exceeded"
               "</title></head><body><h1>Request Rate Threshold Exceeded</h1><p>Your request "
               "rate has exceeded the SEC's fair access limit of 10 requests per second."
               "</p></body></html>\n");
        break;
    case PF_FAKE_SIMILARWEB:
        s_sw_error(resp, 429, "Too many requests: rate limit exceeded");
        break;
    case PF_FAKE_WEBSEARCH:
        s_brave_error(resp, 429, "RATE_LIMITED", "Request rate limit exceeded for plan.", NULL);
        break;
    case PF_FAKE_BUILTWITH:
        s_bw_error(resp, 429, NULL, "Too many requests: slow down");
        break;
    default:
        s_text(resp, 429, CT_TEXT, "Too Many Requests\r\n");
        break;
    }
    if (retry_after)
        pf_fake_response_add_header(resp, "Retry-After", retry_after);
}

void
pf_fake_route_error(int provider, int status, pf_fake_response_t *resp)
{
    int keep = resp->provider;
    char ep[PF_FAKE_ENDPOINT_NAME_MAX];
    snprintf(ep, sizeof ep, "%s", resp->endpoint);
    pf_fake_response_clear(resp);
    resp->provider = keep;
    snprintf(resp->endpoint, sizeof resp->endpoint, "%s", ep);
    resp->synthetic = true;
    const char *msg = "Injected fault (pf-fakeapi)";
    switch (provider) {
    case PF_FAKE_SEC: s_text(resp, status, CT_HTML, "<html><body><h1>Service error</h1></body></html>\n"); break;
    case PF_FAKE_SIMILARWEB: s_sw_error(resp, status, msg); break;
    case PF_FAKE_WEBSEARCH: s_brave_error(resp, status, "INTERNAL_ERROR", msg, NULL); break;
    case PF_FAKE_BUILTWITH: s_bw_error(resp, status, NULL, msg); break;
    default: s_yahoo_finance_error(resp, status, "Internal Server Error", msg); break;
    }
}
