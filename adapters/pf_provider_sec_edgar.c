/*  pf_provider_sec_edgar.c — SEC EDGAR (free, no key).

    Three operations.  `cik` fetches the one ticker table
    (www.sec.gov/files/company_tickers.json) whatever is asked, so its
    parse turns the whole table into a compact value with two sorted
    indexes, and its select() answers a ticker or company name from that
    value by binary search — it runs per call on the cached value.
    `submissions` (data.sec.gov) gives the company's identity and recent
    filings, whose columns arrive as parallel arrays; `company_facts` gives
    XBRL facts, from which the yearly revenue and net income are picked.

    SEC refuses requests without a User-Agent naming a company and contact
    address (HTTP 403), so every build requires conf->user_agent.           */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_provider_internal.h"

/*  Cache lifetimes: SEC data changes at most daily.                        */
#define S_TTL_CIK_S 86400
#define S_TTL_SUBMISSIONS_S 86400
#define S_TTL_FACTS_S 86400
/*  Argument bounds.                                                        */
#define S_TICKER_MAX 16              /* a ticker, bytes                      */
#define S_NAME_MAX 200               /* a company name, bytes                */
#define S_CIK_DIGITS 10              /* CIKs are at most 10 digits           */
#define S_CIK_MAX INT64_C(9999999999)
/*  Scratch sizes.                                                          */
#define S_PATH_MAX 128               /* a built path                         */
#define S_KEY_MAX 256                /* a normalised name (> S_NAME_MAX)     */
#define S_CIK10_BUF 16               /* "0000320193" + NUL, with room        */
#define S_URL_BUF 512                /* one filing document URL              */
/*  Answer bounds.                                                          */
#define S_FILINGS_MAX 40             /* filings listed                       */
#define S_ANNUAL_MAX 20              /* yearly periods listed per metric     */
#define S_ANNUAL_DAYS_MIN 350        /* a "full year" lasts 350..380 days    */
#define S_ANNUAL_DAYS_MAX 380
#define S_DATE_LEN 10                /* "YYYY-MM-DD"                         */
#define S_ACCESSION_LEN 20           /* "0000320193-24-000123"               */

/*  Where filing documents live (always the real site: the URLs are for
    people, the adapter never fetches them).                                */
#define S_ARCHIVES "https://www.sec.gov/Archives/edgar/data"

/*  ---- shared ---------------------------------------------------------- */

/*  Adds the User-Agent SEC demands, and the JSON Accept.                  */
static int
s_headers(const pf_provider_conf_t *conf, pf_provider_request_t *req, pf_provider_error_t *err)
{
    if (!conf->user_agent || !*conf->user_agent)
        return pf_provider_fail(err, PF_EINVAL, "user_agent_required",
                                "SEC EDGAR requires a User-Agent naming a company and a contact "
                                "e-mail (it answers 403 otherwise)");
    if (pf_pq_header(req, "User-Agent", conf->user_agent) != PF_OK ||
        pf_pq_header(req, "Accept", "application/json") != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "user_agent: too long");
    return PF_OK;
}

/*  True when s is "YYYY-MM-DD" with a plausible month and day; *days is
    then the number of days since 1970-01-01 (proleptic Gregorian).        */
static bool
s_date_days(const char *s, int64_t *days)
{
    if (!s || strlen(s) != S_DATE_LEN)
        return false;
    for (int i = 0; i < S_DATE_LEN; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    int64_t y = atoi(s);
    int64_t m = atoi(s + 5);
    int64_t d = atoi(s + 8);
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    /*  Days from civil (H. Hinnant's well-known algorithm): years start in
        March so the leap day is the last day of the year.                */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = era * 146097 + doe - 719468;
    return true;
}

/*  A CIK in JSON: an integer, or a string of 1..10 digits ("0000320193"). */
static bool
s_json_cik(const json_t *v, int64_t *out)
{
    int64_t cik;
    if (pf_pj_int(v, &cik)) {
        if (cik < 1 || cik > S_CIK_MAX)
            return false;
        *out = cik;
        return true;
    }
    const char *s = json_string_value(v);
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > S_CIK_DIGITS)
        return false;
    cik = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        cik = cik * 10 + (s[i] - '0');
    }
    if (cik < 1)
        return false;
    *out = cik;
    return true;
}

/*  Reads the cik argument: an integer 1..9999999999, or a string of 1..10
    digits with an optional "CIK" prefix.                                   */
static int
s_cik_arg(const pf_value_t *args, int64_t *out, pf_provider_error_t *err)
{
    if (!pf_value_is(args, PF_MAP))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "arguments must be a map");
    const pf_value_t *v = pf_map_get(args, "cik");
    if (!v)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "cik: required");
    if (pf_value_is(v, PF_INT)) {
        int64_t cik = pf_value_as_int(v, 0);
        if (cik < 1 || cik > S_CIK_MAX)
            return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                    "cik: must be 1 to 9999999999");
        *out = cik;
        return PF_OK;
    }
    size_t len;
    const char *s = pf_value_as_str(v, &len);
    if (!s)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "cik: must be an integer or a string of digits");
    if (len >= 3 && strncasecmp(s, "CIK", 3) == 0) {
        s += 3;
        len -= 3;
    }
    int64_t cik = 0;
    bool ok = len >= 1 && len <= S_CIK_DIGITS;
    for (size_t i = 0; ok && i < len; i++) {
        ok = isdigit((unsigned char)s[i]);
        cik = cik * 10 + (s[i] - '0');
    }
    if (!ok || cik < 1)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "cik: must be 1 to 10 digits, not all zero");
    *out = cik;
    return PF_OK;
}

/*  ---- company names --------------------------------------------------- */

/*  Words dropped from the end of a company name before comparing: legal
    forms and "holdings" say nothing about which company is meant.         */
static const char *const s_suffixes[] = {
    "inc", "incorporated", "corp", "corporation", "co", "cos", "company", "companies",
    "ltd", "limited", "plc", "nv", "sa", "ag", "se", "llc", "lp", "holdings", "holding",
    "hldgs",
};

static bool
s_is_suffix(const char *word)
{
    for (size_t i = 0; i < sizeof s_suffixes / sizeof s_suffixes[0]; i++)
        if (strcmp(word, s_suffixes[i]) == 0)
            return true;
    return false;
}

/*  Normalises a company name (len bytes) into out (size bytes): ASCII
    letters lower-cased, digits and non-ASCII bytes kept; '.', '&' and '\''
    join ("N.V." -> "nv", "AT&T" -> "att"); any other character separates
    words; SEC's state tags ("/DE/") vanish; words are joined by one space;
    a leading "the" and trailing legal-form words (s_suffixes) are dropped
    while more than one word remains.  "Apple Inc." and "APPLE INC /CA/"
    both become "apple".  Truncates at size - 1 bytes (on a word end).    */
static void
s_name_key(const char *in, size_t len, char *out, size_t size)
{
    size_t n = 0;
    bool gap = false;                /* a separator since the last word byte */
    for (size_t i = 0; i < len && size > 0; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '/') {
            /*  "/DE/": one to four letters between slashes.              */
            size_t j = i + 1;
            while (j < len && j - i <= 4 && isalpha((unsigned char)in[j]))
                j++;
            if (j > i + 1 && j < len && in[j] == '/')
                i = j;
            gap = true;
            continue;
        }
        if (c == '.' || c == '&' || c == '\'')
            continue;
        if (!isalnum(c) && c < 0x80) {
            gap = true;
            continue;
        }
        if (gap && n > 0) {
            if (n + 1 >= size)
                break;
            out[n++] = ' ';
        }
        gap = false;
        if (n + 1 >= size)
            break;
        out[n++] = (char)(c < 0x80 ? tolower(c) : c);
    }
    if (size == 0)
        return;
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    /*  Trailing legal forms, then a leading "the".                         */
    for (;;) {
        char *space = strrchr(out, ' ');
        if (!space || !s_is_suffix(space + 1))
            break;
        *space = '\0';
    }
    if (strncmp(out, "the ", 4) == 0)
        memmove(out, out + 4, strlen(out + 4) + 1);
}

/*  Compares two tickers ignoring case and treating '.' as '-' (SEC writes
    "BRK-B", people write "BRK.B").                                        */
static int
s_ticker_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = *a == '.' ? '-' : toupper((unsigned char)*a);
        int y = *b == '.' ? '-' : toupper((unsigned char)*b);
        if (x != y || x == 0)
            return x - y;
    }
}

/*  ---- cik ------------------------------------------------------------- */

/*  True when s (len bytes) is a plausible ticker: 1..S_TICKER_MAX of
    [A-Za-z0-9.-].                                                          */
static bool
s_ticker_ok(const char *s, size_t len)
{
    if (len == 0 || len > S_TICKER_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}

/*  Reads the ticker and name arguments (at least one).  Returns 0 with
    *ticker / *name set (NULL when absent), or PF_EINVAL with err.         */
static int
s_cik_args(const pf_value_t *args, const char **ticker, const char **name,
           pf_provider_error_t *err)
{
    if (!pf_value_is(args, PF_MAP))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "arguments must be a map");
    const char *t = pf_pa_str(args, "ticker", false, S_TICKER_MAX, err);
    if (!t && err->code[0])
        return PF_EINVAL;
    if (t && !s_ticker_ok(t, strlen(t)))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "ticker: must be 1 to %d of A-Z 0-9 . -", S_TICKER_MAX);
    const char *n = pf_pa_str(args, "name", false, S_NAME_MAX, err);
    if (!n && err->code[0])
        return PF_EINVAL;
    if (!t && !n)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "ticker or name: required");
    if (n) {
        char key[S_KEY_MAX];
        s_name_key(n, strlen(n), key, sizeof key);
        if (!key[0])
            return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                    "name: has no letters or digits");
    }
    *ticker = t;
    *name = n;
    return PF_OK;
}

static int
s_cik_build(const pf_provider_conf_t *conf, const pf_value_t *args, pf_provider_request_t *req,
            pf_provider_error_t *err)
{
    const char *ticker, *name;
    int rc = s_cik_args(args, &ticker, &name, err);
    if (rc != PF_OK)
        return rc;
    /*  One file answers every ticker and name: the fetch key does not
        depend on the arguments, so the adapter fetches it once a day.     */
    static const char path[] = "/files/company_tickers.json";
    rc = pf_pq_finish(&pf_provider_sec_edgar, conf, 0, path, path, req, err);
    return rc != PF_OK ? rc : s_headers(conf, req, err);
}

/*  One row of the ticker table while it is being indexed.                  */
typedef struct {
    char *ticker;                    /* upper-cased copy (owned)             */
    const char *title;               /* borrowed from the JSON               */
    int64_t cik;
    char *key;                       /* normalised title (owned)             */
    size_t row;                      /* position in the file                 */
} s_company_t;

static int
s_by_ticker_cmp(const void *a, const void *b)
{
    const s_company_t *x = *(const s_company_t *const *)a;
    const s_company_t *y = *(const s_company_t *const *)b;
    int c = s_ticker_cmp(x->ticker, y->ticker);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

static int
s_by_name_cmp(const void *a, const void *b)
{
    const s_company_t *x = *(const s_company_t *const *)a;
    const s_company_t *y = *(const s_company_t *const *)b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/*  Parses company_tickers.json ({"0":{"cik_str":320193,"ticker":"AAPL",
    "title":"Apple Inc."},…}) into
      {tickers:[…], ciks:[…], titles:[…]}   rows in file order, then
      by_ticker:[row…]                      rows sorted by ticker,
      name_keys:[key…], by_name:[row…]      normalised titles sorted, and
                                            their rows (ties: file order).
    Rows without a usable cik, ticker or title are skipped.                 */
static int
s_cik_parse(long status, const char *body, size_t size, pf_value_t **out,
            pf_provider_error_t *err)
{
    int rc = pf_pj_check_status(status, body, size, err);
    if (rc != PF_OK)
        return rc;
    json_t *root = NULL;
    rc = pf_pj_load(body, size, true, &root, err);
    if (rc != PF_OK)
        return rc;
    size_t cap = json_object_size(root);
    s_company_t *rows = pf_calloc(cap ? cap : 1, sizeof *rows);
    size_t n = 0;
    const char *k;
    json_t *item;
    json_object_foreach(root, k, item) {
        int64_t cik;
        const char *ticker = json_string_value(json_object_get(item, "ticker"));
        const char *title = json_string_value(json_object_get(item, "title"));
        if (!json_is_object(item) || !s_json_cik(json_object_get(item, "cik_str"), &cik) ||
            !ticker || !s_ticker_ok(ticker, strlen(ticker)) || !title || !*title)
            continue;
        char *upper = pf_strdup(ticker);
        for (char *p = upper; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        char key[S_KEY_MAX];
        s_name_key(title, strlen(title), key, sizeof key);
        rows[n] = (s_company_t){
            .ticker = upper, .title = title, .cik = cik, .key = pf_strdup(key), .row = n};
        n++;
    }
    if (n == 0) {
        free(rows);
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "SEC company_tickers: no usable rows");
    }
    pf_value_t *tickers = pf_value_array();
    pf_value_t *ciks = pf_value_array();
    pf_value_t *titles = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        pf_array_push_str(tickers, rows[i].ticker);
        pf_value_t *c = pf_value_int(rows[i].cik);
        pf_array_push(ciks, &c);
        pf_array_push_str(titles, rows[i].title);
    }
    s_company_t **order = pf_calloc(n, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = &rows[i];
    qsort(order, n, sizeof *order, s_by_ticker_cmp);
    pf_value_t *by_ticker = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        pf_value_t *r = pf_value_int((int64_t)order[i]->row);
        pf_array_push(by_ticker, &r);
    }
    qsort(order, n, sizeof *order, s_by_name_cmp);
    pf_value_t *name_keys = pf_value_array();
    pf_value_t *by_name = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        if (!order[i]->key[0])
            continue;
        pf_array_push_str(name_keys, order[i]->key);
        pf_value_t *r = pf_value_int((int64_t)order[i]->row);
        pf_array_push(by_name, &r);
    }
    pf_value_t *result = pf_value_map();
    pf_map_set(result, "tickers", &tickers);
    pf_map_set(result, "ciks", &ciks);
    pf_map_set(result, "titles", &titles);
    pf_map_set(result, "by_ticker", &by_ticker);
    pf_map_set(result, "name_keys", &name_keys);
    pf_map_set(result, "by_name", &by_name);
    for (size_t i = 0; i < n; i++) {
        free(rows[i].ticker);
        free(rows[i].key);
    }
    free(order);
    free(rows);
    json_decref(root);
    *out = result;
    return PF_OK;
}

/*  The parsed table as the select functions read it (borrowed).           */
typedef struct {
    const pf_value_t *tickers;       /* ticker per row                        */
    const pf_value_t *ciks;          /* cik per row                           */
    const pf_value_t *titles;        /* title per row                         */
    const pf_value_t *by_ticker;     /* rows sorted by ticker                 */
    const pf_value_t *name_keys;     /* sorted normalised titles              */
    const pf_value_t *by_name;       /* their rows                            */
    size_t rows;                     /* rows every per-row array has          */
} s_table_t;

/*  Row number held in index[i], or SIZE_MAX when it is not a valid row.   */
static size_t
s_index_row(const s_table_t *t, const pf_value_t *index, size_t i)
{
    const pf_value_t *v = pf_array_at(index, i);
    if (!pf_value_is(v, PF_INT))
        return SIZE_MAX;
    int64_t row = pf_value_as_int(v, -1);
    return row >= 0 && (uint64_t)row < t->rows ? (size_t)row : SIZE_MAX;
}

static const char *
s_str_at(const pf_value_t *array, size_t i)
{
    const char *s = pf_value_as_str(pf_array_at(array, i), NULL);
    return s ? s : "";
}

/*  The answer for row: {cik, cik10, ticker, title, match}.                 */
static int
s_cik_answer(const s_table_t *t, size_t row, const char *match, pf_value_t **out,
             pf_provider_error_t *err)
{
    int64_t cik = pf_value_as_int(pf_array_at(t->ciks, row), 0);
    if (cik < 1 || cik > S_CIK_MAX)
        return pf_provider_fail(err, PF_EPROTO, "bad_response", "SEC ticker table: bad cik");
    char cik10[S_CIK10_BUF];
    snprintf(cik10, sizeof cik10, "%010lld", (long long)cik);
    pf_value_t *m = pf_value_map();
    pf_map_set_int(m, "cik", cik);
    pf_map_set_str(m, "cik10", cik10);
    pf_map_set_str(m, "ticker", s_str_at(t->tickers, row));
    pf_map_set_str(m, "title", s_str_at(t->titles, row));
    pf_map_set_str(m, "match", match);
    *out = m;
    return PF_OK;
}

/*  Binary search: the first row whose ticker equals ticker, or SIZE_MAX.  */
static size_t
s_find_ticker(const s_table_t *t, const char *ticker)
{
    size_t lo = 0, hi = pf_array_size(t->by_ticker);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t row = s_index_row(t, t->by_ticker, mid);
        if (row == SIZE_MAX)
            return SIZE_MAX;
        if (s_ticker_cmp(s_str_at(t->tickers, row), ticker) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t row = lo < pf_array_size(t->by_ticker) ? s_index_row(t, t->by_ticker, lo) : SIZE_MAX;
    return row != SIZE_MAX && s_ticker_cmp(s_str_at(t->tickers, row), ticker) == 0 ? row
                                                                                   : SIZE_MAX;
}

/*  Binary search: the first position in name_keys not below key.          */
static size_t
s_lower_name(const s_table_t *t, const char *key)
{
    size_t lo = 0, hi = pf_array_size(t->name_keys);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s_str_at(t->name_keys, mid), key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*  Finds a company by normalised name key: the exact key first (ties: the
    first in SEC's file, which lists the largest companies first), else the
    first in file order of the names that start with key's words
    ("meta" -> "meta platforms").  *how says which matched.  SIZE_MAX: none. */
static size_t
s_find_name(const s_table_t *t, const char *key, const char **how)
{
    size_t count = pf_array_size(t->name_keys);
    size_t pos = s_lower_name(t, key);
    if (pos < count && strcmp(s_str_at(t->name_keys, pos), key) == 0) {
        *how = "name";
        return s_index_row(t, t->by_name, pos);
    }
    char prefix[S_KEY_MAX + 1];
    int len = snprintf(prefix, sizeof prefix, "%s ", key);
    if (len < 0 || (size_t)len >= sizeof prefix)
        return SIZE_MAX;
    size_t best = SIZE_MAX;
    for (pos = s_lower_name(t, prefix);
         pos < count && strncmp(s_str_at(t->name_keys, pos), prefix, (size_t)len) == 0; pos++) {
        size_t row = s_index_row(t, t->by_name, pos);
        if (row < best)
            best = row;
    }
    *how = "name_prefix";
    return best;
}

static int
s_cik_select(const pf_value_t *parsed, const pf_value_t *args, pf_value_t **out,
             pf_provider_error_t *err)
{
    const char *ticker, *name;
    int rc = s_cik_args(args, &ticker, &name, err);
    if (rc != PF_OK)
        return rc;
    s_table_t t = {
        .tickers = pf_map_get(parsed, "tickers"),
        .ciks = pf_map_get(parsed, "ciks"),
        .titles = pf_map_get(parsed, "titles"),
        .by_ticker = pf_map_get(parsed, "by_ticker"),
        .name_keys = pf_map_get(parsed, "name_keys"),
        .by_name = pf_map_get(parsed, "by_name"),
    };
    if (!pf_value_is(t.tickers, PF_ARRAY) || !pf_value_is(t.ciks, PF_ARRAY) ||
        !pf_value_is(t.titles, PF_ARRAY) || !pf_value_is(t.by_ticker, PF_ARRAY) ||
        !pf_value_is(t.name_keys, PF_ARRAY) || !pf_value_is(t.by_name, PF_ARRAY) ||
        pf_array_size(t.name_keys) != pf_array_size(t.by_name))
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "SEC ticker table: not a parsed company_tickers value");
    t.rows = pf_array_size(t.tickers);
    if (pf_array_size(t.ciks) < t.rows)
        t.rows = pf_array_size(t.ciks);
    if (pf_array_size(t.titles) < t.rows)
        t.rows = pf_array_size(t.titles);
    if (ticker) {
        size_t row = s_find_ticker(&t, ticker);
        if (row != SIZE_MAX)
            return s_cik_answer(&t, row, "ticker", out, err);
    }
    if (name) {
        char key[S_KEY_MAX];
        s_name_key(name, strlen(name), key, sizeof key);
        const char *how = "name";
        size_t row = s_find_name(&t, key, &how);
        if (row != SIZE_MAX)
            return s_cik_answer(&t, row, how, out, err);
    }
    return pf_provider_fail(err, PF_ENOTFOUND, "not_found", "SEC lists no company %s %.200s",
                            ticker ? "with ticker" : "named", ticker ? ticker : name);
}

/*  ---- submissions ----------------------------------------------------- */

static int
s_submissions_build(const pf_provider_conf_t *conf, const pf_value_t *args,
                    pf_provider_request_t *req, pf_provider_error_t *err)
{
    int64_t cik;
    int rc = s_cik_arg(args, &cik, err);
    if (rc != PF_OK)
        return rc;
    char path[S_PATH_MAX];
    snprintf(path, sizeof path, "/submissions/CIK%010lld.json", (long long)cik);
    rc = pf_pq_finish(&pf_provider_sec_edgar, conf, 1, path, path, req, err);
    return rc != PF_OK ? rc : s_headers(conf, req, err);
}

/*  Forms listed in "filings": annual and quarterly reports, current
    reports, proxies (executive pay) and registrations (IPO, foreign).     */
static const char *const s_forms[] = {"10-K", "10-Q", "8-K", "DEF 14A", "S-1", "20-F", "40-F"};

static bool
s_form_listed(const char *form)
{
    for (size_t i = 0; i < sizeof s_forms / sizeof s_forms[0]; i++)
        if (strcmp(form, s_forms[i]) == 0)
            return true;
    return false;
}

/*  The columns of filings.recent, borrowed.                                */
typedef struct {
    const json_t *accession;         /* accessionNumber[]                    */
    const json_t *filing_date;       /* filingDate[]                         */
    const json_t *report_date;       /* reportDate[]                         */
    const json_t *form;              /* form[]                               */
    const json_t *document;          /* primaryDocument[]                    */
    const json_t *description;       /* primaryDocDescription[]              */
    const json_t *items;             /* items[] (8-K item numbers)           */
    size_t rows;                     /* the required columns' common length  */
} s_recent_t;

/*  True when row i has a form, a dated filing_date and an accession of
    the shape 0000320193-24-000123.                                         */
static bool
s_recent_row_ok(const s_recent_t *r, size_t i)
{
    const char *form = json_string_value(json_array_get(r->form, i));
    const char *acc = json_string_value(json_array_get(r->accession, i));
    int64_t days;
    if (!form || !*form || !acc || strlen(acc) != S_ACCESSION_LEN ||
        !s_date_days(json_string_value(json_array_get(r->filing_date, i)), &days))
        return false;
    for (size_t k = 0; k < S_ACCESSION_LEN; k++)
        if (k == 10 || k == 13 ? acc[k] != '-' : !isdigit((unsigned char)acc[k]))
            return false;
    return true;
}

/*  The filing of row i: {form, filing_date, report_date, accession,
    primary_document, url, description, items}; the last four only when
    present (url needs primary_document).                                  */
static pf_value_t *
s_filing(const s_recent_t *r, size_t i, int64_t cik)
{
    pf_value_t *m = pf_value_map();
    pf_pj_set_str(m, "form", json_array_get(r->form, i), false);
    pf_pj_set_str(m, "filing_date", json_array_get(r->filing_date, i), false);
    const char *report = json_string_value(json_array_get(r->report_date, i));
    int64_t days;
    if (s_date_days(report, &days))
        pf_map_set_str(m, "report_date", report);
    const char *acc = json_string_value(json_array_get(r->accession, i));
    pf_map_set_str(m, "accession", acc);
    const json_t *doc = json_array_get(r->document, i);
    if (pf_pj_set_str(m, "primary_document", doc, true)) {
        char esc[S_URL_BUF], url[S_URL_BUF];
        char digits[S_ACCESSION_LEN + 1];
        size_t d = 0;
        for (const char *p = acc; *p; p++)
            if (*p != '-')
                digits[d++] = *p;
        digits[d] = '\0';
        if (pf_pq_escape(json_string_value(doc), esc, sizeof esc) == PF_OK) {
            int n = snprintf(url, sizeof url, S_ARCHIVES "/%lld/%s/%s", (long long)cik, digits,
                             esc);
            if (n > 0 && (size_t)n < sizeof url)
                pf_map_set_str(m, "url", url);
        }
    }
    pf_pj_set_str(m, "description", json_array_get(r->description, i), true);
    pf_pj_set_str(m, "items", json_array_get(r->items, i), true);
    return m;
}

/*  Sorting listed rows: newest filing_date first, then SEC's own order.   */
typedef struct {
    const char *date;                /* filingDate of the row                */
    size_t row;                      /* index into the columns               */
} s_dated_t;

static int
s_dated_cmp(const void *a, const void *b)
{
    const s_dated_t *x = a;
    const s_dated_t *y = b;
    int c = strcmp(y->date, x->date);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

static void
s_submissions_filings(const json_t *recent, int64_t cik, pf_value_t *result)
{
    s_recent_t r = {
        .accession = json_object_get(recent, "accessionNumber"),
        .filing_date = json_object_get(recent, "filingDate"),
        .report_date = json_object_get(recent, "reportDate"),
        .form = json_object_get(recent, "form"),
        .document = json_object_get(recent, "primaryDocument"),
        .description = json_object_get(recent, "primaryDocDescription"),
        .items = json_object_get(recent, "items"),
    };
    /*  json_array_size is 0 for a non-array; json_array_get is NULL past
        the end, so the optional columns may be short or missing.          */
    r.rows = json_array_size(r.accession);
    if (json_array_size(r.filing_date) < r.rows)
        r.rows = json_array_size(r.filing_date);
    if (json_array_size(r.form) < r.rows)
        r.rows = json_array_size(r.form);
    s_dated_t *listed = pf_calloc(r.rows ? r.rows : 1, sizeof *listed);
    size_t count = 0;
    bool have_10k = false;
    s_dated_t latest = {0};
    for (size_t i = 0; i < r.rows; i++) {
        if (!s_recent_row_ok(&r, i))
            continue;
        const char *form = json_string_value(json_array_get(r.form, i));
        s_dated_t d = {json_string_value(json_array_get(r.filing_date, i)), i};
        if (strcmp(form, "10-K") == 0 && (!have_10k || s_dated_cmp(&d, &latest) < 0)) {
            latest = d;
            have_10k = true;
        }
        if (s_form_listed(form))
            listed[count++] = d;
    }
    qsort(listed, count, sizeof *listed, s_dated_cmp);
    pf_value_t *filings = pf_value_array();
    for (size_t i = 0; i < count && i < S_FILINGS_MAX; i++) {
        pf_value_t *f = s_filing(&r, listed[i].row, cik);
        pf_array_push(filings, &f);
    }
    free(listed);
    if (have_10k) {
        pf_value_t *f = s_filing(&r, latest.row, cik);
        pf_map_set(result, "latest_10k", &f);
    } else {
        pf_map_set_nil(result, "latest_10k");
    }
    pf_map_set(result, "filings", &filings);
}

/*  The start both per-company parses share (submissions, company facts):
    the status, the body as a JSON object, and its cik (a number in one
    file, a zero-padded string in the other).  what names the file in the
    error message.  Returns 0 with *root (the caller decrefs it) and
    *result, a new map holding "cik" (the caller owns it), or the parse
    error with err filled.                                                  */
static int
s_company_begin(long status, const char *body, size_t size, const char *what, json_t **root,
                pf_value_t **result, pf_provider_error_t *err)
{
    int rc = pf_pj_check_status(status, body, size, err);
    if (rc != PF_OK)
        return rc;
    json_t *loaded = NULL;
    rc = pf_pj_load(body, size, true, &loaded, err);
    if (rc != PF_OK)
        return rc;
    int64_t cik;
    if (!s_json_cik(json_object_get(loaded, "cik"), &cik)) {
        json_decref(loaded);
        return pf_provider_fail(err, PF_EPROTO, "bad_response", "SEC %s: no cik", what);
    }
    *result = pf_value_map();
    pf_map_set_int(*result, "cik", cik);
    *root = loaded;
    return PF_OK;
}

/*  Parses data.sec.gov/submissions/CIK##########.json.                     */
static int
s_submissions_parse(long status, const char *body, size_t size, pf_value_t **out,
                    pf_provider_error_t *err)
{
    json_t *root = NULL;
    pf_value_t *result = NULL;
    int rc = s_company_begin(status, body, size, "submissions", &root, &result, err);
    if (rc != PF_OK)
        return rc;
    pf_pj_set_str(result, "name", json_object_get(root, "name"), true);
    pf_value_t *list = pf_pj_str_array(json_object_get(root, "tickers"));
    pf_map_set(result, "tickers", &list);
    list = pf_pj_str_array(json_object_get(root, "exchanges"));
    pf_map_set(result, "exchanges", &list);
    /*  SEC writes sic as a string ("3571"); an integer is accepted too.    */
    if (!pf_pj_set_str(result, "sic", json_object_get(root, "sic"), true)) {
        int64_t sic;
        if (pf_pj_int(json_object_get(root, "sic"), &sic)) {
            char text[S_CIK10_BUF];
            snprintf(text, sizeof text, "%lld", (long long)sic);
            pf_map_set_str(result, "sic", text);
        }
    }
    pf_pj_set_str(result, "sic_description", json_object_get(root, "sicDescription"), true);
    pf_pj_set_str(result, "entity_type", json_object_get(root, "entityType"), true);
    pf_pj_set_str(result, "category", json_object_get(root, "category"), true);
    pf_pj_set_str(result, "fiscal_year_end", json_object_get(root, "fiscalYearEnd"), true);
    pf_pj_set_str(result, "state_of_incorporation",
                  json_object_get(root, "stateOfIncorporation"), true);
    pf_pj_set_str(result, "website", json_object_get(root, "website"), true);
    const json_t *business = json_object_get(json_object_get(root, "addresses"), "business");
    if (json_is_object(business)) {
        pf_value_t *addr = pf_value_map();
        pf_pj_set_str(addr, "street", json_object_get(business, "street1"), true);
        pf_pj_set_str(addr, "city", json_object_get(business, "city"), true);
        pf_pj_set_str(addr, "state", json_object_get(business, "stateOrCountry"), true);
        pf_pj_set_str(addr, "zip", json_object_get(business, "zipCode"), true);
        pf_pj_set_str(addr, "state_description",
                      json_object_get(business, "stateOrCountryDescription"), true);
        pf_value_t *addresses = pf_value_map();
        pf_map_set(addresses, "business", &addr);
        pf_map_set(result, "addresses", &addresses);
    }
    s_submissions_filings(json_object_get(json_object_get(root, "filings"), "recent"),
                          pf_map_get_int(result, "cik", 0), result);
    json_decref(root);
    *out = result;
    return PF_OK;
}

/*  ---- company_facts --------------------------------------------------- */

static int
s_facts_build(const pf_provider_conf_t *conf, const pf_value_t *args, pf_provider_request_t *req,
              pf_provider_error_t *err)
{
    int64_t cik;
    int rc = s_cik_arg(args, &cik, err);
    if (rc != PF_OK)
        return rc;
    char path[S_PATH_MAX];
    snprintf(path, sizeof path, "/api/xbrl/companyfacts/CIK%010lld.json", (long long)cik);
    rc = pf_pq_finish(&pf_provider_sec_edgar, conf, 1, path, path, req, err);
    return rc != PF_OK ? rc : s_headers(conf, req, err);
}

/*  Revenue tags (us-gaap), most specific first: ASC 606's tag since 2018,
    the generic one, and the pre-2018 one.                                  */
static const char *const s_revenue_tags[] = {
    "RevenueFromContractWithCustomerExcludingAssessedTax", "Revenues", "SalesRevenueNet"};
static const char *const s_net_income_tags[] = {"NetIncomeLoss"};

/*  One yearly value chosen for a period.                                   */
typedef struct {
    const json_t *fact;              /* the USD fact object (borrowed)       */
    const char *end;                 /* its end date                         */
    const char *filed;               /* its filing date ("" when absent)     */
    size_t tag;                      /* index of the tag it came from        */
} s_annual_t;

/*  Newest period first; within a period the earlier tag, then the latest
    filing first — so the first fact of each period is the one to keep.    */
static int
s_annual_cmp(const void *a, const void *b)
{
    const s_annual_t *x = a;
    const s_annual_t *y = b;
    int c = strcmp(y->end, x->end);
    if (c != 0)
        return c;
    if (x->tag != y->tag)
        return x->tag < y->tag ? -1 : 1;
    return strcmp(y->filed, x->filed);
}

/*  Picks the yearly values of the tags (in order) from us-gaap facts into
    a new array: a fact counts when it has start and end dates 350..380
    days apart and a numeric val; periods are told apart by end date; for
    a period the first tag having it wins, and within that tag the latest
    filed fact (restatements replace).  Newest first, at most S_ANNUAL_MAX.
    *used_tag is the tag of the newest period (NULL when none).            */
static pf_value_t *
s_annual(const json_t *gaap, const char *const *tags, size_t tag_count, const char **used_tag)
{
    s_annual_t *periods = NULL;
    size_t count = 0, cap = 0;
    for (size_t t = 0; t < tag_count; t++) {
        const json_t *usd = json_object_get(
            json_object_get(json_object_get(gaap, tags[t]), "units"), "USD");
        size_t i;
        const json_t *fact;
        json_array_foreach(usd, i, fact) {
            const char *start = json_string_value(json_object_get(fact, "start"));
            const char *end = json_string_value(json_object_get(fact, "end"));
            int64_t d0, d1;
            double val;
            if (!s_date_days(start, &d0) || !s_date_days(end, &d1) ||
                d1 - d0 < S_ANNUAL_DAYS_MIN || d1 - d0 > S_ANNUAL_DAYS_MAX ||
                !pf_pj_num(json_object_get(fact, "val"), &val))
                continue;
            const char *filed = json_string_value(json_object_get(fact, "filed"));
            if (!filed)
                filed = "";
            if (count == cap) {
                cap = cap ? cap * 2 : 16;
                periods = pf_realloc(periods, cap * sizeof *periods);
            }
            periods[count++] = (s_annual_t){fact, end, filed, t};
        }
    }
    /*  Sort, then keep the first fact of each period: O(n log n) however
        many facts a (possibly hostile) body holds.                        */
    if (count > 0)
        qsort(periods, count, sizeof *periods, s_annual_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < count; i++)
        if (kept == 0 || strcmp(periods[kept - 1].end, periods[i].end) != 0)
            periods[kept++] = periods[i];
    count = kept;
    pf_value_t *array = pf_value_array();
    for (size_t i = 0; i < count && i < S_ANNUAL_MAX; i++) {
        const json_t *f = periods[i].fact;
        pf_value_t *m = pf_value_map();
        pf_pj_set_int(m, "fy", json_object_get(f, "fy"));
        pf_pj_set_str(m, "fp", json_object_get(f, "fp"), true);
        pf_pj_set_str(m, "start", json_object_get(f, "start"), false);
        pf_pj_set_str(m, "end", json_object_get(f, "end"), false);
        pf_pj_set_num(m, "val", json_object_get(f, "val"));
        pf_pj_set_str(m, "form", json_object_get(f, "form"), true);
        pf_pj_set_str(m, "filed", json_object_get(f, "filed"), true);
        pf_pj_set_str(m, "accn", json_object_get(f, "accn"), true);
        pf_pj_set_str(m, "frame", json_object_get(f, "frame"), true);
        pf_map_set_str(m, "tag", tags[periods[i].tag]);
        pf_array_push(array, &m);
    }
    *used_tag = count > 0 ? tags[periods[0].tag] : NULL;
    free(periods);
    return array;
}

/*  Parses data.sec.gov/api/xbrl/companyfacts/CIK##########.json.           */
static int
s_facts_parse(long status, const char *body, size_t size, pf_value_t **out,
              pf_provider_error_t *err)
{
    json_t *root = NULL;
    pf_value_t *result = NULL;
    int rc = s_company_begin(status, body, size, "company facts", &root, &result, err);
    if (rc != PF_OK)
        return rc;
    const json_t *gaap = json_object_get(json_object_get(root, "facts"), "us-gaap");
    pf_pj_set_str(result, "entity_name", json_object_get(root, "entityName"), true);
    const char *tag = NULL;
    pf_value_t *revenue = s_annual(gaap, s_revenue_tags,
                                   sizeof s_revenue_tags / sizeof s_revenue_tags[0], &tag);
    if (tag)
        pf_map_set_str(result, "revenue_tag", tag);
    else
        pf_map_set_nil(result, "revenue_tag");
    pf_map_set(result, "annual_revenue", &revenue);
    pf_value_t *income = s_annual(gaap, s_net_income_tags,
                                  sizeof s_net_income_tags / sizeof s_net_income_tags[0], &tag);
    pf_map_set(result, "annual_net_income", &income);
    json_decref(root);
    *out = result;
    return PF_OK;
}

/*  ---- table ----------------------------------------------------------- */

static const pf_provider_op_t s_ops[] = {
    {.name = "cik", .endpoint = "/files/company_tickers.json", .ttl_s = S_TTL_CIK_S,
     .needs_session = false, .build = s_cik_build, .parse = s_cik_parse, .select = s_cik_select},
    {.name = "submissions", .endpoint = "/submissions", .ttl_s = S_TTL_SUBMISSIONS_S,
     .needs_session = false, .build = s_submissions_build, .parse = s_submissions_parse,
     .select = NULL},
    {.name = "company_facts", .endpoint = "/api/xbrl/companyfacts", .ttl_s = S_TTL_FACTS_S,
     .needs_session = false, .build = s_facts_build, .parse = s_facts_parse, .select = NULL},
};

const pf_provider_t pf_provider_sec_edgar = {
    .name = "sec_edgar",
    .title = "SEC EDGAR",
    .key_env = NULL,
    .key_required = false,
    .hosts = {"www.sec.gov", "data.sec.gov"},
    .limits = {.per_minute = 600, .concurrency = 10, .breaker_failures = 3,
               .breaker_recovery_s = 120},
    .ops = s_ops,
    .op_count = sizeof s_ops / sizeof s_ops[0],
    .session_cookie_path = NULL,
    .session_crumb_path = NULL,
};
