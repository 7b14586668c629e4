/*  pf_provider_similarweb.c — the SimilarWeb provider: traffic estimates.

    Every operation is one GET on api.similarweb.com under
    /v1/website/{domain}/…, with the key in the query (api_key=, first, and
    left out of the fetch key) and format=json.  Time-series operations
    (`visits`, `bounce_rate`, `pages_per_visit`, `average_visit_duration`,
    `traffic_sources`) also send country, granularity=monthly and
    main_domain_only=false; `geo` sends the dates and main_domain_only (it
    is itself the breakdown by country); `similar_sites` sends only the key
    and the format.

    Dates.  `start` and `end` are optional "YYYY-MM" months.  build() has
    no clock, so when they are absent no start_date/end_date is sent and
    SimilarWeb answers its default window (the last three complete months);
    callers that need a fixed window pass both.

    Errors.  SimilarWeb explains itself in {"meta":{"status":"Error",
    "error_code":…,"error_message":…}} — sometimes with HTTP 200, and with
    error_code 401 for "Data not found" — so the message decides before the
    code: a missing site is "not_found", a refused key "unauthorized".      */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_domain.h"
#include "pf_error.h"
#include "pf_provider_internal.h"

/*  Defaults of the resilience settings (ARCHITECTURE.md's table).          */
#define S_PER_MINUTE 60
#define S_CONCURRENCY 10
#define S_BREAKER_FAILURES 5
#define S_BREAKER_RECOVERY_S 60

/*  SimilarWeb publishes monthly estimates; a day keeps them fresh enough. */
#define S_TTL_S (24u * 3600u)

/*  The months SimilarWeb can have data for: its panel starts in the 2010s,
    and a year past 2100 is a typo, not a request.                         */
#define S_YEAR_MIN 2000
#define S_YEAR_MAX 2100
#define S_MONTHS 12

/*  "YYYY-MM" and a 2-letter country code, in bytes.                        */
#define S_MONTH_LEN 7
#define S_COUNTRY_LEN 2

/*  Room for a path with its query (the URL buffer is the bound anyway).   */
#define S_PATH_MAX PF_PROVIDER_URL_MAX

/*  Which of the common parameters an operation sends.                      */
typedef enum {
    S_PARAMS_SERIES,    /* dates, country, granularity, main_domain_only     */
    S_PARAMS_GEO,       /* dates, main_domain_only                           */
    S_PARAMS_NONE,      /* the format only                                   */
} s_params_t;

/*  ---- requests -------------------------------------------------------- */

/*  Reads an optional "YYYY-MM" argument into out (S_MONTH_LEN + 1 bytes);
    *present tells whether it was there.                                    */
static int
s_month(const pf_value_t *args, const char *key, char *out, bool *present,
        pf_provider_error_t *err)
{
    *present = false;
    const char *s = pf_pa_str(args, key, false, S_MONTH_LEN, err);
    if (!s)
        return err->code[0] ? PF_EINVAL : PF_OK;
    if (strlen(s) != S_MONTH_LEN || !isdigit((unsigned char)s[0]) ||
        !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
        !isdigit((unsigned char)s[3]) || s[4] != '-' || !isdigit((unsigned char)s[5]) ||
        !isdigit((unsigned char)s[6]))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: must be YYYY-MM", key);
    int year = atoi(s);
    int month = atoi(s + 5);
    if (year < S_YEAR_MIN || year > S_YEAR_MAX || month < 1 || month > S_MONTHS)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "%s: not a month between %d-01 and %d-12", key, S_YEAR_MIN,
                                S_YEAR_MAX);
    memcpy(out, s, S_MONTH_LEN + 1);
    *present = true;
    return PF_OK;
}

/*  Reads the optional country: "world" (the default) or 2 letters, sent in
    lower case as SimilarWeb spells it.                                     */
static int
s_country(const pf_value_t *args, char *out, size_t size, pf_provider_error_t *err)
{
    const char *s = pf_pa_str(args, "country", false, sizeof "world" - 1, err);
    if (!s) {
        if (err->code[0])
            return PF_EINVAL;
        snprintf(out, size, "world");
        return PF_OK;
    }
    if (strcasecmp(s, "world") == 0) {
        snprintf(out, size, "world");
        return PF_OK;
    }
    if (strlen(s) != S_COUNTRY_LEN || !isalpha((unsigned char)s[0]) ||
        !isalpha((unsigned char)s[1]))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "country: must be \"world\" or a 2-letter code");
    snprintf(out, size, "%c%c", tolower((unsigned char)s[0]), tolower((unsigned char)s[1]));
    return PF_OK;
}

/*  Builds the request for endpoint (below /v1/website/{domain}) with the
    parameters params selects.                                              */
static int
s_build(const pf_provider_conf_t *conf, const pf_value_t *args, const char *endpoint,
        s_params_t params, pf_provider_request_t *req, pf_provider_error_t *err)
{
    char domain[256], escaped[3 * sizeof domain], start[S_MONTH_LEN + 1], end[S_MONTH_LEN + 1];
    char country[sizeof "world"];
    bool has_start = false, has_end = false;
    int rc = pf_pa_domain(args, "domain", domain, sizeof domain, err);
    if (rc == PF_OK && params != S_PARAMS_NONE)
        rc = s_month(args, "start", start, &has_start, err);
    if (rc == PF_OK && params != S_PARAMS_NONE)
        rc = s_month(args, "end", end, &has_end, err);
    if (rc == PF_OK && params == S_PARAMS_SERIES)
        rc = s_country(args, country, sizeof country, err);
    if (rc != PF_OK)
        return rc;
    /*  Both are "YYYY-MM", so text order is time order.                    */
    if (has_start && has_end && strcmp(start, end) > 0)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "start: after end");
    if (pf_pq_escape(domain, escaped, sizeof escaped) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");

    char path[S_PATH_MAX], query[S_PATH_MAX] = "";
    int n = snprintf(path, sizeof path, "/v1/website/%s/%s", escaped, endpoint);
    if (n < 0 || (size_t)n >= sizeof path)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    rc = PF_OK;
    if (has_start)
        rc |= pf_pq_add(query, sizeof query, "start_date", start);
    if (has_end)
        rc |= pf_pq_add(query, sizeof query, "end_date", end);
    if (params == S_PARAMS_SERIES) {
        rc |= pf_pq_add(query, sizeof query, "country", country);
        rc |= pf_pq_add(query, sizeof query, "granularity", "monthly");
    }
    if (params != S_PARAMS_NONE)
        rc |= pf_pq_add(query, sizeof query, "main_domain_only", "false");
    rc |= pf_pq_add(query, sizeof query, "format", "json");
    if (rc != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");

    /*  The URL puts api_key first; the fetch key is the same without it. */
    char key_path[S_PATH_MAX], url_path[S_PATH_MAX];
    n = snprintf(key_path, sizeof key_path, "%s%s", path, query);
    if (n < 0 || (size_t)n >= sizeof key_path)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    snprintf(url_path, sizeof url_path, "%s", key_path);
    if (conf->key && *conf->key) {
        snprintf(url_path, sizeof url_path, "%s", path);
        if (pf_pq_add(url_path, sizeof url_path, "api_key", conf->key) != PF_OK)
            return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                    "the request URL is too long");
        size_t used = strlen(url_path);
        n = snprintf(url_path + used, sizeof url_path - used, "&%s", query + 1);
        if (n < 0 || (size_t)n >= sizeof url_path - used)
            return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                    "the request URL is too long");
    }
    return pf_pq_finish(&pf_provider_similarweb, conf, 0, url_path, key_path, req, err);
}

static int
s_build_visits(const pf_provider_conf_t *conf, const pf_value_t *args,
               pf_provider_request_t *req, pf_provider_error_t *err)
{
    return s_build(conf, args, "total-traffic-and-engagement/visits", S_PARAMS_SERIES, req, err);
}

static int
s_build_bounce_rate(const pf_provider_conf_t *conf, const pf_value_t *args,
                    pf_provider_request_t *req, pf_provider_error_t *err)
{
    return s_build(conf, args, "total-traffic-and-engagement/bounce-rate", S_PARAMS_SERIES, req,
                   err);
}

static int
s_build_pages_per_visit(const pf_provider_conf_t *conf, const pf_value_t *args,
                        pf_provider_request_t *req, pf_provider_error_t *err)
{
    return s_build(conf, args, "total-traffic-and-engagement/pages-per-visit", S_PARAMS_SERIES,
                   req, err);
}

static int
s_build_average_visit_duration(const pf_provider_conf_t *conf, const pf_value_t *args,
                               pf_provider_request_t *req, pf_provider_error_t *err)
{
    return s_build(conf, args, "total-traffic-and-engagement/average-visit-duration",
                   S_PARAMS_SERIES, req, err);
}

static int
s_build_traffic_sources(const pf_provider_conf_t *conf, const pf_value_t *args,
                        pf_provider_request_t *req, pf_provider_error_t *err)
{
    return s_build(conf, args, "traffic-sources/overview-share", S_PARAMS_SERIES, req, err);
}

static int
s_build_geo(const pf_provider_conf_t *conf, const pf_value_t *args, pf_provider_request_t *req,
            pf_provider_error_t *err)
{
    return s_build(conf, args, "geo/traffic-by-country", S_PARAMS_GEO, req, err);
}

static int
s_build_similar_sites(const pf_provider_conf_t *conf, const pf_value_t *args,
                      pf_provider_request_t *req, pf_provider_error_t *err)
{
    return s_build(conf, args, "similar-sites/similarsites", S_PARAMS_NONE, req, err);
}

/*  ---- answers --------------------------------------------------------- */

/*  Turns SimilarWeb's error object in root (if any) into err and returns
    its status; PF_OK when root is no error.                               */
static int
s_meta_error(const json_t *root, pf_provider_error_t *err)
{
    const json_t *meta = json_object_get(root, "meta");
    const char *status = json_string_value(json_object_get(meta, "status"));
    if (!status || strcasecmp(status, "Error") != 0)
        return PF_OK;
    const char *message = json_string_value(json_object_get(meta, "error_message"));
    int64_t code = 0;
    pf_pj_int(json_object_get(meta, "error_code"), &code);
    if (!message)
        message = "(no message)";
    if (strcasestr(message, "not found") || strcasestr(message, "no data"))
        return pf_provider_fail(err, PF_ENOTFOUND, "not_found", "SimilarWeb has no data: %s",
                                message);
    if (code == 401 || code == 403 || strcasestr(message, "api key") ||
        strcasestr(message, "unauthori"))
        return pf_provider_fail(err, PF_EINVAL, "unauthorized",
                                "SimilarWeb refused the key (%lld): %s", (long long)code,
                                message);
    if (code >= 400 && code <= 499 && code != 429)
        return pf_provider_fail(err, PF_EINVAL, "provider_rejected",
                                "SimilarWeb rejected the request (%lld): %s", (long long)code,
                                message);
    return pf_provider_fail(err, PF_EPROTO, "provider_error", "SimilarWeb error %lld: %s",
                            (long long)code, message);
}

/*  The common start of every parse: the status (a 4xx that carries
    SimilarWeb's error object is classified by it; 429 and 5xx stay what
    the status says, the adapter retries and counts them), the JSON
    object, the error object.                                              */
static int
s_load(long status, const char *body, size_t size, json_t **root, pf_provider_error_t *err)
{
    return pf_pj_load_answer(status, body, size, true, s_meta_error, root, err);
}

/*  Copies meta.last_updated (a date string) into map.                      */
static void
s_last_updated(pf_value_t *map, const json_t *root)
{
    pf_pj_set_str(map, "last_updated",
                  json_object_get(json_object_get(root, "meta"), "last_updated"), true);
}

/*  A metric answer {"<field>":[{"date","<field>"}]} as {series:[{date,
    value}], last_updated}; items without a date or a number are skipped. */
static int
s_parse_series(long status, const char *body, size_t size, const char *field, pf_value_t **out,
               pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *list = json_object_get(root, field);
    if (!json_is_array(list)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response", "SimilarWeb: no %s array",
                                field);
    }
    pf_value_t *map = pf_value_map();
    pf_value_t *series = pf_value_array();
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item) {
        const json_t *date = json_object_get(item, "date");
        if (!json_is_string(date) || json_string_length(date) == 0)
            continue;
        pf_value_t *point = pf_value_map();
        pf_pj_set_str(point, "date", date, true);
        if (!pf_pj_set_num(point, "value", json_object_get(item, field))) {
            pf_value_destroy(&point);
            continue;
        }
        pf_array_push(series, &point);
    }
    pf_map_set(map, "series", &series);
    s_last_updated(map, root);
    json_decref(root);
    *out = map;
    return PF_OK;
}

static int
s_parse_visits(long status, const char *body, size_t size, pf_value_t **out,
               pf_provider_error_t *err)
{
    return s_parse_series(status, body, size, "visits", out, err);
}

static int
s_parse_bounce_rate(long status, const char *body, size_t size, pf_value_t **out,
                    pf_provider_error_t *err)
{
    return s_parse_series(status, body, size, "bounce_rate", out, err);
}

static int
s_parse_pages_per_visit(long status, const char *body, size_t size, pf_value_t **out,
                        pf_provider_error_t *err)
{
    return s_parse_series(status, body, size, "pages_per_visit", out, err);
}

static int
s_parse_average_visit_duration(long status, const char *body, size_t size, pf_value_t **out,
                               pf_provider_error_t *err)
{
    return s_parse_series(status, body, size, "average_visit_duration", out, err);
}

/*  SimilarWeb's source type ("Display Ads") as a snake_case identifier
    ("display_ads") into out.                                               */
static void
s_snake(const char *in, char *out, size_t size)
{
    size_t n = 0;
    bool gap = false;
    for (const unsigned char *p = (const unsigned char *)in; *p && n + 1 < size; p++) {
        if (isalnum(*p)) {
            if (gap && n > 0 && n + 2 < size)
                out[n++] = '_';
            out[n++] = (char)tolower(*p);
            gap = false;
        } else {
            gap = true;
        }
    }
    out[n] = '\0';
}

/*  traffic_sources: {sources:[{source_type, share, organic, paid,
    series:[{date, organic, paid}]}], last_updated}.  share, organic and
    paid are the means over the months of the window.                      */
static int
s_parse_traffic_sources(long status, const char *body, size_t size, pf_value_t **out,
                        pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, &root, err);
    if (rc != PF_OK)
        return rc;
    /*  {"visits":{"<domain>":[…]}}: one member, named after the site.     */
    const json_t *visits = json_object_get(root, "visits");
    const json_t *list = NULL;
    const char *name;
    const json_t *member;
    if (json_is_object(visits))
        json_object_foreach((json_t *)visits, name, member) {
            if (json_is_array(member)) {
                list = member;
                break;
            }
        }
    if (!list) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "SimilarWeb: no traffic sources in the answer");
    }
    pf_value_t *map = pf_value_map();
    pf_value_t *sources = pf_value_array();
    size_t i, j;
    const json_t *src, *point;
    json_array_foreach(list, i, src) {
        const char *type = json_string_value(json_object_get(src, "source_type"));
        char snake[64];
        if (!type)
            continue;
        s_snake(type, snake, sizeof snake);
        if (!snake[0])
            continue;
        pf_value_t *source = pf_value_map();
        pf_map_set_str(source, "source_type", snake);
        pf_value_t *series = pf_value_array();
        double organic_sum = 0, paid_sum = 0;
        size_t months = 0;
        const json_t *points = json_object_get(src, "visits");
        if (json_is_array(points))
            json_array_foreach(points, j, point) {
                const json_t *date = json_object_get(point, "date");
                double organic, paid;
                if (!json_is_string(date) ||
                    !pf_pj_num(json_object_get(point, "organic"), &organic) ||
                    !pf_pj_num(json_object_get(point, "paid"), &paid))
                    continue;
                pf_value_t *p = pf_value_map();
                pf_pj_set_str(p, "date", date, true);
                pf_map_set_float(p, "organic", organic);
                pf_map_set_float(p, "paid", paid);
                pf_array_push(series, &p);
                organic_sum += organic;
                paid_sum += paid;
                months++;
            }
        if (months > 0) {
            pf_map_set_float(source, "share", (organic_sum + paid_sum) / (double)months);
            pf_map_set_float(source, "organic", organic_sum / (double)months);
            pf_map_set_float(source, "paid", paid_sum / (double)months);
        }
        pf_map_set(source, "series", &series);
        pf_array_push(sources, &source);
    }
    pf_map_set(map, "sources", &sources);
    s_last_updated(map, root);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  ISO 3166-1 numeric -> alpha-2, for the countries SimilarWeb reports most
    (the world's larger economies and populations).  Sorted by number.     */
static const struct {
    int number;                 /* ISO 3166-1 numeric                      */
    char code[3];               /* ISO 3166-1 alpha-2                      */
} s_countries[] = {
    {4, "AF"},   {8, "AL"},   {12, "DZ"},  {24, "AO"},  {31, "AZ"},  {32, "AR"},  {36, "AU"},
    {40, "AT"},  {44, "BS"},  {48, "BH"},  {50, "BD"},  {51, "AM"},  {52, "BB"},  {56, "BE"},
    {68, "BO"},  {70, "BA"},  {72, "BW"},  {76, "BR"},  {84, "BZ"},  {100, "BG"}, {104, "MM"},
    {112, "BY"}, {116, "KH"}, {120, "CM"}, {124, "CA"}, {144, "LK"}, {152, "CL"}, {156, "CN"},
    {158, "TW"}, {170, "CO"}, {188, "CR"}, {191, "HR"}, {192, "CU"}, {196, "CY"}, {203, "CZ"},
    {208, "DK"}, {214, "DO"}, {218, "EC"}, {222, "SV"}, {231, "ET"}, {233, "EE"}, {246, "FI"},
    {250, "FR"}, {268, "GE"}, {276, "DE"}, {288, "GH"}, {300, "GR"}, {320, "GT"}, {332, "HT"},
    {340, "HN"}, {344, "HK"}, {348, "HU"}, {352, "IS"}, {356, "IN"}, {360, "ID"}, {364, "IR"},
    {368, "IQ"}, {372, "IE"}, {376, "IL"}, {380, "IT"}, {384, "CI"}, {388, "JM"}, {392, "JP"},
    {398, "KZ"}, {400, "JO"}, {404, "KE"}, {408, "KP"}, {410, "KR"}, {414, "KW"}, {417, "KG"},
    {418, "LA"}, {422, "LB"}, {428, "LV"}, {434, "LY"}, {440, "LT"}, {442, "LU"}, {446, "MO"},
    {450, "MG"}, {454, "MW"}, {458, "MY"}, {470, "MT"}, {480, "MU"}, {484, "MX"}, {496, "MN"},
    {498, "MD"}, {499, "ME"}, {504, "MA"}, {508, "MZ"}, {512, "OM"}, {516, "NA"}, {524, "NP"},
    {528, "NL"}, {554, "NZ"}, {558, "NI"}, {566, "NG"}, {578, "NO"}, {586, "PK"}, {591, "PA"},
    {600, "PY"}, {604, "PE"}, {608, "PH"}, {616, "PL"}, {620, "PT"}, {630, "PR"}, {634, "QA"},
    {642, "RO"}, {643, "RU"}, {646, "RW"}, {682, "SA"}, {686, "SN"}, {688, "RS"}, {702, "SG"},
    {703, "SK"}, {704, "VN"}, {705, "SI"}, {710, "ZA"}, {716, "ZW"}, {724, "ES"}, {729, "SD"},
    {752, "SE"}, {756, "CH"}, {760, "SY"}, {762, "TJ"}, {764, "TH"}, {780, "TT"}, {784, "AE"},
    {788, "TN"}, {792, "TR"}, {795, "TM"}, {800, "UG"}, {804, "UA"}, {807, "MK"}, {818, "EG"},
    {826, "GB"}, {834, "TZ"}, {840, "US"}, {858, "UY"}, {860, "UZ"}, {862, "VE"}, {887, "YE"},
    {894, "ZM"},
};

/*  The alpha-2 code of ISO numeric number, or NULL when not in the table. */
static const char *
s_alpha2(int64_t number)
{
    size_t lo = 0, hi = sizeof s_countries / sizeof s_countries[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s_countries[mid].number == number)
            return s_countries[mid].code;
        if (s_countries[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/*  geo: {countries:[{country, country_code, share, visits, pages_per_visit,
    average_time, bounce_rate, rank}], last_updated}; records without a
    numeric country are skipped.                                            */
static int
s_parse_geo(long status, const char *body, size_t size, pf_value_t **out,
            pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *list = json_object_get(root, "records");
    if (!json_is_array(list)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response", "SimilarWeb: no records array");
    }
    pf_value_t *map = pf_value_map();
    pf_value_t *countries = pf_value_array();
    size_t i;
    const json_t *r;
    json_array_foreach(list, i, r) {
        int64_t number;
        if (!pf_pj_int(json_object_get(r, "country"), &number) || number <= 0)
            continue;
        pf_value_t *c = pf_value_map();
        pf_map_set_int(c, "country", number);
        const char *code = s_alpha2(number);
        if (code)
            pf_map_set_str(c, "country_code", code);
        pf_pj_set_num(c, "share", json_object_get(r, "share"));
        pf_pj_set_num(c, "visits", json_object_get(r, "visits"));
        pf_pj_set_num(c, "pages_per_visit", json_object_get(r, "pages_per_visit"));
        pf_pj_set_num(c, "average_time", json_object_get(r, "average_time"));
        pf_pj_set_num(c, "bounce_rate", json_object_get(r, "bounce_rate"));
        pf_pj_set_int(c, "rank", json_object_get(r, "rank"));
        pf_array_push(countries, &c);
    }
    pf_map_set(map, "countries", &countries);
    s_last_updated(map, root);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  similar_sites: {sites:[{domain, score}]}; entries whose url is not a
    valid public domain are skipped.                                       */
static int
s_parse_similar_sites(long status, const char *body, size_t size, pf_value_t **out,
                      pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *list = json_object_get(root, "similar_sites");
    if (!json_is_array(list)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "SimilarWeb: no similar_sites array");
    }
    pf_value_t *map = pf_value_map();
    pf_value_t *sites = pf_value_array();
    size_t i;
    const json_t *s;
    json_array_foreach(list, i, s) {
        const json_t *url = json_object_get(s, "url");
        char domain[256];
        if (!json_is_string(url) ||
            pf_domain_normalize(json_string_value(url), json_string_length(url), domain,
                                sizeof domain, NULL) != PF_OK)
            continue;
        pf_value_t *site = pf_value_map();
        pf_map_set_str(site, "domain", domain);
        pf_pj_set_num(site, "score", json_object_get(s, "score"));
        pf_array_push(sites, &site);
    }
    pf_map_set(map, "sites", &sites);
    s_last_updated(map, root);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  ---- the table -------------------------------------------------------- */

static const pf_provider_op_t s_ops[] = {
    {"visits", "/v1/website/{domain}/total-traffic-and-engagement/visits", S_TTL_S, false,
     s_build_visits, s_parse_visits, NULL},
    {"bounce_rate", "/v1/website/{domain}/total-traffic-and-engagement/bounce-rate", S_TTL_S,
     false, s_build_bounce_rate, s_parse_bounce_rate, NULL},
    {"pages_per_visit", "/v1/website/{domain}/total-traffic-and-engagement/pages-per-visit",
     S_TTL_S, false, s_build_pages_per_visit, s_parse_pages_per_visit, NULL},
    {"average_visit_duration",
     "/v1/website/{domain}/total-traffic-and-engagement/average-visit-duration", S_TTL_S, false,
     s_build_average_visit_duration, s_parse_average_visit_duration, NULL},
    {"traffic_sources", "/v1/website/{domain}/traffic-sources/overview-share", S_TTL_S, false,
     s_build_traffic_sources, s_parse_traffic_sources, NULL},
    {"geo", "/v1/website/{domain}/geo/traffic-by-country", S_TTL_S, false, s_build_geo,
     s_parse_geo, NULL},
    {"similar_sites", "/v1/website/{domain}/similar-sites/similarsites", S_TTL_S, false,
     s_build_similar_sites, s_parse_similar_sites, NULL},
};

const pf_provider_t pf_provider_similarweb = {
    .name = "similarweb",
    .title = "SimilarWeb",
    .key_env = "PF_SIMILARWEB_KEY",
    .key_required = true,
    .hosts = {"api.similarweb.com", NULL},
    .limits = {S_PER_MINUTE, S_CONCURRENCY, S_BREAKER_FAILURES, S_BREAKER_RECOVERY_S},
    .ops = s_ops,
    .op_count = sizeof s_ops / sizeof s_ops[0],
    .session_cookie_path = NULL,
    .session_crumb_path = NULL,
};
