/*  pf_provider_yahoo_finance.c — Yahoo Finance (unofficial, no key).

    Three operations: `search` (name -> tickers and news), `quote_summary`
    (profile, officers, financial ratios, market cap and income statements;
    needs the cookie + crumb session) and `chart` (closing prices).  Yahoo
    writes most numbers as {"raw": 1.5, "fmt": "1.50"} objects — or as bare
    numbers when asked unformatted — and an empty {} for "unknown", so every
    number is read through s_raw().  Its error answers are objects
    {"<root>":{"result":null,"error":{"code":"Not Found","description":…}}}
    (or under "finance"), which s_error() maps to our error codes; a 401
    "Invalid Crumb" becomes "session_expired" so the adapter renews the
    crumb and retries once.                                                 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pf_error.h"
#include "pf_provider_internal.h"
#include "pf_provider_yahoo.h"

/*  Cache lifetimes.                                                        */
#define S_TTL_SEARCH_S 86400         /* names and tickers change slowly      */
#define S_TTL_SUMMARY_S 86400        /* profile and yearly financials        */
#define S_TTL_CHART_S 3600           /* prices: an hour is fresh enough      */
/*  Argument bounds.                                                        */
#define S_QUERY_MAX 200              /* search text, bytes                   */
#define S_SYMBOL_MAX 16              /* a ticker symbol, bytes               */
/*  Results asked of search (the provider's own parameter values).          */
#define S_SEARCH_QUOTES "5"
#define S_SEARCH_NEWS "5"
/*  Answer bounds: more than this of a list is noise for the modules.       */
#define S_OFFICERS_MAX 25            /* company officers kept                */
#define S_STATEMENTS_MAX 10          /* yearly income statements kept        */
#define S_MS_PER_S 1000              /* Yahoo times are epoch seconds        */
#define S_DATE_LEN 10                /* "YYYY-MM-DD"                         */
/*  Scratch size of a built path and a formatted date.                      */
#define S_PATH_MAX PF_PROVIDER_URL_MAX
#define S_DATE_BUF 32

/*  ---- shared ---------------------------------------------------------- */

/*  A Yahoo number: the "raw" member of a {"raw":…} object, or the value
    itself; NULL when absent.                                               */
static const json_t *
s_raw(const json_t *v)
{
    if (json_is_object(v))
        return json_object_get(v, "raw");
    return v;
}

/*  True when s (len bytes) is 1..S_SYMBOL_MAX characters of
    [A-Za-z0-9.^=-] (indexes "^GSPC", currencies "EURUSD=X", classes
    "BRK-B", foreign listings "SAP.DE").                                    */
static bool
s_symbol_ok(const char *s, size_t len)
{
    if (len == 0 || len > S_SYMBOL_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '.' && c != '^' && c != '=' && c != '-')
            return false;
    }
    return true;
}

/*  Reads args.symbol and writes it upper-cased (Yahoo does not care about
    case; one spelling per symbol keeps one cache entry) and percent-encoded
    into esc (esc_size bytes).                                              */
static int
s_symbol_arg(const pf_value_t *args, char *esc, size_t esc_size, pf_provider_error_t *err)
{
    if (!pf_value_is(args, PF_MAP))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "arguments must be a map");
    const pf_value_t *v = pf_map_get(args, "symbol");
    if (!v)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "symbol: required");
    size_t len;
    const char *s = pf_value_as_str(v, &len);
    if (!s)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "symbol: must be a string");
    if (!s_symbol_ok(s, len))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "symbol: must be 1 to %d of A-Z 0-9 . ^ = -", S_SYMBOL_MAX);
    char upper[S_SYMBOL_MAX + 1];
    for (size_t i = 0; i < len; i++)
        upper[i] = (char)toupper((unsigned char)s[i]);
    upper[len] = '\0';
    if (pf_pq_escape(upper, esc, esc_size) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "symbol: too long");
    return PF_OK;
}

/*  Adds the headers every Yahoo request sends: the User-Agent the adapter
    chose (Yahoo refuses obvious scripts) and the JSON Accept.              */
static int
s_headers(const pf_provider_conf_t *conf, pf_provider_request_t *req, pf_provider_error_t *err)
{
    if ((conf->user_agent && *conf->user_agent &&
         pf_pq_header(req, "User-Agent", conf->user_agent) != PF_OK) ||
        pf_pq_header(req, "Accept", "application/json") != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "user_agent: too long");
    return PF_OK;
}

/*  True when text (len bytes) contains needle, ignoring ASCII case.       */
static bool
s_contains_nocase(const char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(text + i, needle, n) == 0)
            return true;
    return false;
}

/*  The error object of a Yahoo answer: root[rkey].error or
    root.finance.error when it is an object; NULL otherwise.                */
static const json_t *
s_error_object(const json_t *root, const char *rkey)
{
    const json_t *e = json_object_get(json_object_get(root, rkey), "error");
    if (json_is_object(e))
        return e;
    e = json_object_get(json_object_get(root, "finance"), "error");
    return json_is_object(e) ? e : NULL;
}

/*  Maps a Yahoo error object to our codes.  "Unauthorized" about the crumb
    or cookie is "session_expired": the adapter renews the session.        */
static int
s_error(const json_t *e, pf_provider_error_t *err)
{
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *desc = json_string_value(json_object_get(e, "description"));
    if (!code)
        code = "";
    if (!desc)
        desc = "";
    if (strcasecmp(code, "Not Found") == 0)
        return pf_provider_fail(err, PF_ENOTFOUND, "not_found", "Yahoo: %.200s", desc);
    if (strcasecmp(code, "Unauthorized") == 0) {
        if (s_contains_nocase(desc, strlen(desc), "crumb") ||
            s_contains_nocase(desc, strlen(desc), "cookie"))
            return pf_provider_fail(err, PF_EINVAL, "session_expired",
                                    "Yahoo refused the session: %.200s", desc);
        return pf_provider_fail(err, PF_EINVAL, "unauthorized", "Yahoo: %.200s", desc);
    }
    if (strcasecmp(code, "Bad Request") == 0 || strcasecmp(code, "Argument Error") == 0)
        return pf_provider_fail(err, PF_EINVAL, "provider_rejected", "Yahoo: %.200s", desc);
    return pf_provider_fail(err, PF_EPROTO, "provider_error", "Yahoo error %.40s: %.180s", code,
                            desc);
}

/*  The common start of every parse: the status check, then — for a 4xx —
    a closer reading of Yahoo's error object (a 401 about the crumb is
    "session_expired", not "unauthorized").  On 2xx loads the body into
    *root (an object); the caller json_decref()s it.                        */
static int
s_begin(long status, const char *body, size_t size, const char *rkey, json_t **root,
        pf_provider_error_t *err)
{
    int rc = pf_pj_check_status(status, body, size, err);
    if (rc != PF_OK) {
        if (status < 400 || status > 499)
            return rc;
        json_t *json = json_loadb(body ? body : "", body ? size : 0, 0, NULL);
        const json_t *e = json_is_object(json) ? s_error_object(json, rkey) : NULL;
        if (e)
            rc = s_error(e, err);
        else if (status == 401 && body && s_contains_nocase(body, size, "invalid crumb"))
            rc = pf_provider_fail(err, PF_EINVAL, "session_expired",
                                  "Yahoo refused the session (HTTP 401)");
        json_decref(json);
        return rc;
    }
    return pf_pj_load(body, size, true, root, err);
}

/*  Epoch seconds as an ISO date "YYYY-MM-DD" (UTC) into out.               */
static bool
s_iso_date(int64_t epoch_s, char *out, size_t size)
{
    time_t t = (time_t)epoch_s;
    struct tm tm;
    if ((int64_t)t != epoch_s || !gmtime_r(&t, &tm))
        return false;
    return strftime(out, size, "%Y-%m-%d", &tm) == S_DATE_LEN;
}

/*  True when s is "YYYY-MM-DD" in shape (digits and dashes).               */
static bool
s_date_shaped(const char *s)
{
    if (!s || strlen(s) != S_DATE_LEN)
        return false;
    for (int i = 0; i < S_DATE_LEN; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/*  Copies a Yahoo number field (raw object or bare) into map[key].         */
static bool
s_set_num(pf_value_t *map, const char *key, const json_t *v)
{
    return pf_pj_set_num(map, key, s_raw(v));
}

/*  Epoch seconds field (raw object or bare) as epoch ms into map[key].     */
static bool
s_set_ms(pf_value_t *map, const char *key, const json_t *v)
{
    int64_t s;
    if (!pf_pj_int(s_raw(v), &s) || s < 0 || s > INT64_MAX / S_MS_PER_S)
        return false;
    pf_map_set_int(map, key, s * S_MS_PER_S);
    return true;
}

/*  ---- search ---------------------------------------------------------- */

static int
s_search_build(const pf_provider_conf_t *conf, const pf_value_t *args,
               pf_provider_request_t *req, pf_provider_error_t *err)
{
    const char *q = pf_pa_str(args, "query", true, S_QUERY_MAX, err);
    if (!q)
        return PF_EINVAL;
    char path[S_PATH_MAX] = "/v1/finance/search";
    if (pf_pq_add(path, sizeof path, "q", q) != PF_OK ||
        pf_pq_add(path, sizeof path, "quotesCount", S_SEARCH_QUOTES) != PF_OK ||
        pf_pq_add(path, sizeof path, "newsCount", S_SEARCH_NEWS) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "query: too long");
    int rc = pf_pq_finish(&pf_provider_yahoo_finance, conf, 0, path, path, req, err);
    return rc != PF_OK ? rc : s_headers(conf, req, err);
}

static pf_value_t *
s_search_quote(const json_t *q)
{
    if (!json_is_object(q))
        return NULL;
    const json_t *symbol = json_object_get(q, "symbol");
    if (!json_is_string(symbol) || json_string_length(symbol) == 0)
        return NULL;
    pf_value_t *m = pf_value_map();
    pf_pj_set_str(m, "symbol", symbol, true);
    if (!pf_pj_set_str(m, "name", json_object_get(q, "longname"), true))
        pf_pj_set_str(m, "name", json_object_get(q, "shortname"), true);
    pf_pj_set_str(m, "exchange", json_object_get(q, "exchange"), true);
    pf_pj_set_str(m, "exchange_name", json_object_get(q, "exchDisp"), true);
    pf_pj_set_str(m, "type", json_object_get(q, "quoteType"), true);
    if (!pf_pj_set_str(m, "sector", json_object_get(q, "sector"), true))
        pf_pj_set_str(m, "sector", json_object_get(q, "sectorDisp"), true);
    if (!pf_pj_set_str(m, "industry", json_object_get(q, "industry"), true))
        pf_pj_set_str(m, "industry", json_object_get(q, "industryDisp"), true);
    return m;
}

static pf_value_t *
s_search_news(const json_t *n)
{
    if (!json_is_object(n))
        return NULL;
    const json_t *title = json_object_get(n, "title");
    if (!json_is_string(title) || json_string_length(title) == 0)
        return NULL;
    pf_value_t *m = pf_value_map();
    pf_pj_set_str(m, "title", title, true);
    pf_pj_set_str(m, "publisher", json_object_get(n, "publisher"), true);
    pf_pj_set_str(m, "link", json_object_get(n, "link"), true);
    s_set_ms(m, "published", json_object_get(n, "providerPublishTime"));
    return m;
}

static int
s_search_parse(long status, const char *body, size_t size, pf_value_t **out,
               pf_provider_error_t *err)
{
    json_t *root = NULL;
    int rc = s_begin(status, body, size, "finance", &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *e = s_error_object(root, "finance");
    if (e) {
        rc = s_error(e, err);
        json_decref(root);
        return rc;
    }
    pf_value_t *result = pf_value_map();
    pf_value_t *quotes = pf_value_array();
    pf_value_t *news = pf_value_array();
    size_t i;
    const json_t *item;
    const json_t *jquotes = json_object_get(root, "quotes");
    if (json_is_array(jquotes))
        json_array_foreach(jquotes, i, item) {
            pf_value_t *m = s_search_quote(item);
            if (m)
                pf_array_push(quotes, &m);
        }
    const json_t *jnews = json_object_get(root, "news");
    if (json_is_array(jnews))
        json_array_foreach(jnews, i, item) {
            pf_value_t *m = s_search_news(item);
            if (m)
                pf_array_push(news, &m);
        }
    pf_map_set(result, "quotes", &quotes);
    pf_map_set(result, "news", &news);
    json_decref(root);
    *out = result;
    return PF_OK;
}

/*  ---- quote_summary --------------------------------------------------- */

/*  The quoteSummary modules asked for, in Yahoo's spelling.                */
#define S_SUMMARY_MODULES "assetProfile,financialData,summaryDetail,incomeStatementHistory"

static int
s_summary_build(const pf_provider_conf_t *conf, const pf_value_t *args,
                pf_provider_request_t *req, pf_provider_error_t *err)
{
    char sym[S_SYMBOL_MAX * 3 + 1];
    int rc = s_symbol_arg(args, sym, sizeof sym, err);
    if (rc != PF_OK)
        return rc;
    /*  Without a crumb Yahoo answers 401; the adapter must first run the
        session handshake.                                                  */
    if (!conf->crumb || !*conf->crumb)
        return pf_provider_fail(err, PF_EINVAL, "session_required",
                                "quote_summary needs a Yahoo session (cookie and crumb)");
    char key_path[S_PATH_MAX];
    int n = snprintf(key_path, sizeof key_path, "/v10/finance/quoteSummary/%s", sym);
    if (n < 0 || (size_t)n >= sizeof key_path ||
        pf_pq_add(key_path, sizeof key_path, "modules", S_SUMMARY_MODULES) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    char path[S_PATH_MAX];
    memcpy(path, key_path, strlen(key_path) + 1);
    if (pf_pq_add(path, sizeof path, "crumb", conf->crumb) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "crumb: too long");
    rc = pf_pq_finish(&pf_provider_yahoo_finance, conf, 0, path, key_path, req, err);
    return rc != PF_OK ? rc : s_headers(conf, req, err);
}

static pf_value_t *
s_summary_officers(const json_t *list)
{
    pf_value_t *officers = pf_value_array();
    size_t i;
    const json_t *o;
    if (json_is_array(list))
        json_array_foreach(list, i, o) {
            if (pf_array_size(officers) >= S_OFFICERS_MAX)
                break;
            if (!json_is_object(o))
                continue;
            const json_t *name = json_object_get(o, "name");
            if (!json_is_string(name) || json_string_length(name) == 0)
                continue;
            pf_value_t *m = pf_value_map();
            pf_pj_set_str(m, "name", name, true);
            pf_pj_set_str(m, "title", json_object_get(o, "title"), true);
            s_set_num(m, "age", json_object_get(o, "age"));
            s_set_num(m, "year_born", json_object_get(o, "yearBorn"));
            s_set_num(m, "total_pay", json_object_get(o, "totalPay"));
            pf_array_push(officers, &m);
        }
    return officers;
}

static pf_value_t *
s_summary_profile(const json_t *p)
{
    pf_value_t *m = pf_value_map();
    pf_pj_set_str(m, "website", json_object_get(p, "website"), true);
    pf_pj_set_str(m, "industry", json_object_get(p, "industry"), true);
    pf_pj_set_str(m, "sector", json_object_get(p, "sector"), true);
    s_set_num(m, "employees", json_object_get(p, "fullTimeEmployees"));
    pf_pj_set_str(m, "summary", json_object_get(p, "longBusinessSummary"), true);
    pf_pj_set_str(m, "city", json_object_get(p, "city"), true);
    pf_pj_set_str(m, "state", json_object_get(p, "state"), true);
    pf_pj_set_str(m, "country", json_object_get(p, "country"), true);
    pf_value_t *officers = s_summary_officers(json_object_get(p, "companyOfficers"));
    pf_map_set(m, "officers", &officers);
    return m;
}

/*  financialData members kept, Yahoo name -> ours; all numbers.            */
static const struct {
    const char *yahoo;               /* member of financialData              */
    const char *ours;                /* key in "financials"                  */
} s_financial_fields[] = {
    {"totalRevenue", "total_revenue"},
    {"revenueGrowth", "revenue_growth"},
    {"grossProfits", "gross_profits"},
    {"grossMargins", "gross_margins"},
    {"operatingMargins", "operating_margins"},
    {"profitMargins", "profit_margins"},
    {"ebitda", "ebitda"},
    {"ebitdaMargins", "ebitda_margins"},
    {"earningsGrowth", "earnings_growth"},
    {"totalCash", "total_cash"},
    {"totalDebt", "total_debt"},
    {"operatingCashflow", "operating_cashflow"},
    {"freeCashflow", "free_cashflow"},
    {"currentPrice", "current_price"},
    {"targetMeanPrice", "target_mean_price"},
};

static pf_value_t *
s_summary_financials(const json_t *f)
{
    pf_value_t *m = pf_value_map();
    pf_pj_set_str(m, "currency", json_object_get(f, "financialCurrency"), true);
    for (size_t i = 0; i < sizeof s_financial_fields / sizeof s_financial_fields[0]; i++)
        s_set_num(m, s_financial_fields[i].ours, json_object_get(f, s_financial_fields[i].yahoo));
    pf_pj_set_str(m, "recommendation", json_object_get(f, "recommendationKey"), true);
    return m;
}

/*  One income statement's end date as "YYYY-MM-DD": from the raw epoch
    seconds, else from a date-shaped fmt or bare string.                     */
static bool
s_statement_date(const json_t *end, char *out, size_t size)
{
    int64_t s;
    if (pf_pj_int(s_raw(end), &s))
        return s_iso_date(s, out, size);
    const char *text = json_is_object(end) ? json_string_value(json_object_get(end, "fmt"))
                                           : json_string_value(end);
    if (!s_date_shaped(text) || size <= S_DATE_LEN)
        return false;
    memcpy(out, text, S_DATE_LEN + 1);
    return true;
}

static int
s_statement_cmp(const void *a, const void *b)
{
    /*  Newest end_date first; end_date is ISO so strcmp orders it.         */
    const pf_value_t *const *x = a;
    const pf_value_t *const *y = b;
    return strcmp(pf_map_get_str(*y, "end_date"), pf_map_get_str(*x, "end_date"));
}

static pf_value_t *
s_summary_statements(const json_t *list)
{
    pf_value_t *rows[S_STATEMENTS_MAX];
    size_t count = 0;
    size_t i;
    const json_t *st;
    if (json_is_array(list))
        json_array_foreach(list, i, st) {
            if (count >= S_STATEMENTS_MAX)
                break;
            char date[S_DATE_BUF];
            if (!json_is_object(st) ||
                !s_statement_date(json_object_get(st, "endDate"), date, sizeof date))
                continue;
            pf_value_t *m = pf_value_map();
            pf_map_set_str(m, "end_date", date);
            s_set_num(m, "total_revenue", json_object_get(st, "totalRevenue"));
            s_set_num(m, "gross_profit", json_object_get(st, "grossProfit"));
            s_set_num(m, "operating_income", json_object_get(st, "operatingIncome"));
            s_set_num(m, "net_income", json_object_get(st, "netIncome"));
            rows[count++] = m;
        }
    qsort(rows, count, sizeof rows[0], s_statement_cmp);
    pf_value_t *array = pf_value_array();
    for (i = 0; i < count; i++)
        pf_array_push(array, &rows[i]);
    return array;
}

static int
s_summary_parse(long status, const char *body, size_t size, pf_value_t **out,
                pf_provider_error_t *err)
{
    json_t *root = NULL;
    int rc = s_begin(status, body, size, "quoteSummary", &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *e = s_error_object(root, "quoteSummary");
    if (e) {
        rc = s_error(e, err);
        json_decref(root);
        return rc;
    }
    const json_t *list = json_object_get(json_object_get(root, "quoteSummary"), "result");
    const json_t *r = json_array_get(list, 0);
    if (!json_is_object(r)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "Yahoo quoteSummary: no result object");
    }
    pf_value_t *result = pf_value_map();
    const json_t *profile = json_object_get(r, "assetProfile");
    if (json_is_object(profile)) {
        pf_value_t *m = s_summary_profile(profile);
        pf_map_set(result, "profile", &m);
    }
    const json_t *fin = json_object_get(r, "financialData");
    if (json_is_object(fin)) {
        pf_value_t *m = s_summary_financials(fin);
        pf_map_set(result, "financials", &m);
    }
    const json_t *detail = json_object_get(r, "summaryDetail");
    if (json_is_object(detail)) {
        s_set_num(result, "market_cap", json_object_get(detail, "marketCap"));
        pf_pj_set_str(result, "currency", json_object_get(detail, "currency"), true);
    }
    const json_t *history = json_object_get(r, "incomeStatementHistory");
    if (json_is_object(history)) {
        pf_value_t *rows = s_summary_statements(json_object_get(history,
                                                                "incomeStatementHistory"));
        pf_map_set(result, "income_statements", &rows);
    }
    json_decref(root);
    *out = result;
    return PF_OK;
}

/*  ---- chart ----------------------------------------------------------- */

/*  The ranges and intervals Yahoo's chart accepts that the modules use.    */
static const char *const s_ranges[] = {"1mo", "3mo", "6mo", "1y", "2y", "5y"};
static const char *const s_intervals[] = {"1d", "1wk", "1mo"};
#define S_RANGE_DEFAULT "1y"
#define S_INTERVAL_DEFAULT "1wk"
/*  Longest range / interval spelling accepted before the table lookup.     */
#define S_CHOICE_MAX 8

/*  Reads the optional args[key], one of choices (count n), def when absent. */
static const char *
s_choice_arg(const pf_value_t *args, const char *key, const char *const *choices, size_t n,
             const char *def, pf_provider_error_t *err)
{
    const char *s = pf_pa_str(args, key, false, S_CHOICE_MAX, err);
    if (!s)
        return err->code[0] ? NULL : def;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, choices[i]) == 0)
            return choices[i];
    pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: not an accepted value", key);
    return NULL;
}

static int
s_chart_build(const pf_provider_conf_t *conf, const pf_value_t *args, pf_provider_request_t *req,
              pf_provider_error_t *err)
{
    char sym[S_SYMBOL_MAX * 3 + 1];
    int rc = s_symbol_arg(args, sym, sizeof sym, err);
    if (rc != PF_OK)
        return rc;
    const char *range = s_choice_arg(args, "range", s_ranges,
                                     sizeof s_ranges / sizeof s_ranges[0], S_RANGE_DEFAULT, err);
    if (!range)
        return PF_EINVAL;
    const char *interval =
        s_choice_arg(args, "interval", s_intervals, sizeof s_intervals / sizeof s_intervals[0],
                     S_INTERVAL_DEFAULT, err);
    if (!interval)
        return PF_EINVAL;
    char path[S_PATH_MAX];
    int n = snprintf(path, sizeof path, "/v8/finance/chart/%s", sym);
    if (n < 0 || (size_t)n >= sizeof path ||
        pf_pq_add(path, sizeof path, "range", range) != PF_OK ||
        pf_pq_add(path, sizeof path, "interval", interval) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    rc = pf_pq_finish(&pf_provider_yahoo_finance, conf, 0, path, path, req, err);
    return rc != PF_OK ? rc : s_headers(conf, req, err);
}

static int
s_chart_parse(long status, const char *body, size_t size, pf_value_t **out,
              pf_provider_error_t *err)
{
    json_t *root = NULL;
    int rc = s_begin(status, body, size, "chart", &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *e = s_error_object(root, "chart");
    if (e) {
        rc = s_error(e, err);
        json_decref(root);
        return rc;
    }
    const json_t *r = json_array_get(json_object_get(json_object_get(root, "chart"), "result"), 0);
    if (!json_is_object(r)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response", "Yahoo chart: no result object");
    }
    const json_t *meta = json_object_get(r, "meta");
    const json_t *times = json_object_get(r, "timestamp");
    const json_t *closes = json_object_get(
        json_array_get(json_object_get(json_object_get(r, "indicators"), "quote"), 0), "close");
    pf_value_t *result = pf_value_map();
    pf_pj_set_str(result, "symbol", json_object_get(meta, "symbol"), true);
    pf_pj_set_str(result, "currency", json_object_get(meta, "currency"), true);
    /*  The columns are parallel; a shorter one bounds both.  Yahoo writes
        null closes for days without trades: those points are skipped.     */
    size_t n = json_array_size(times);
    if (json_array_size(closes) < n)
        n = json_array_size(closes);
    pf_value_t *points = pf_value_array();
    double last_close = 0;
    bool have_close = false;
    for (size_t i = 0; i < n; i++) {
        int64_t t;
        double close;
        if (!pf_pj_int(json_array_get(times, i), &t) || t < 0 || t > INT64_MAX / S_MS_PER_S ||
            !pf_pj_num(json_array_get(closes, i), &close))
            continue;
        pf_value_t *p = pf_value_map();
        pf_map_set_int(p, "t", t * S_MS_PER_S);
        pf_map_set_float(p, "close", close);
        pf_array_push(points, &p);
        last_close = close;
        have_close = true;
    }
    pf_map_set(result, "points", &points);
    double price;
    if (pf_pj_num(json_object_get(meta, "regularMarketPrice"), &price))
        pf_map_set_float(result, "last_price", price);
    else if (have_close)
        pf_map_set_float(result, "last_price", last_close);
    json_decref(root);
    *out = result;
    return PF_OK;
}

/*  ---- crumb ----------------------------------------------------------- */

int
pf_provider_yahoo_crumb(long status, const char *body, size_t size, char *out, size_t out_size,
                        pf_provider_error_t *err)
{
    int rc = pf_pj_check_status(status, body, size, err);
    if (rc != PF_OK)
        return rc;
    if (!body)
        size = 0;
    size_t start = 0;
    size_t end = size;
    while (start < end && isspace((unsigned char)body[start]))
        start++;
    while (end > start && isspace((unsigned char)body[end - 1]))
        end--;
    size_t len = end - start;
    if (len == 0 || len > PF_PROVIDER_YAHOO_CRUMB_MAX)
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "Yahoo crumb: %zu bytes, expected 1 to %d", len,
                                PF_PROVIDER_YAHOO_CRUMB_MAX);
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)body[i];
        if (c <= ' ' || c >= 0x7f || strchr("<>{}\"'\\", c))
            return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                    "Yahoo crumb: unexpected character 0x%02x", c);
    }
    if (out_size <= len)
        return pf_provider_fail(err, PF_ETOOBIG, "bad_response", "Yahoo crumb: buffer too small");
    memcpy(out, body + start, len);
    out[len] = '\0';
    return PF_OK;
}

/*  ---- table ----------------------------------------------------------- */

static const pf_provider_op_t s_ops[] = {
    {.name = "search", .endpoint = "/v1/finance/search", .ttl_s = S_TTL_SEARCH_S,
     .needs_session = false, .build = s_search_build, .parse = s_search_parse, .select = NULL},
    {.name = "quote_summary", .endpoint = "/v10/finance/quoteSummary", .ttl_s = S_TTL_SUMMARY_S,
     .needs_session = true, .build = s_summary_build, .parse = s_summary_parse, .select = NULL},
    {.name = "chart", .endpoint = "/v8/finance/chart", .ttl_s = S_TTL_CHART_S,
     .needs_session = false, .build = s_chart_build, .parse = s_chart_parse, .select = NULL},
};

const pf_provider_t pf_provider_yahoo_finance = {
    .name = "yahoo_finance",
    .title = "Yahoo Finance",
    .key_env = NULL,
    .key_required = false,
    .hosts = {"query1.finance.yahoo.com", "fc.yahoo.com"},
    .limits = {.per_minute = 100, .concurrency = 10, .breaker_failures = 3,
               .breaker_recovery_s = 120},
    .ops = s_ops,
    .op_count = sizeof s_ops / sizeof s_ops[0],
    .session_cookie_path = "/",
    .session_crumb_path = "/v1/test/getcrumb",
};
