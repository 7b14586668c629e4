/*  pf_identity.c — a company's public listing from a domain (see
    pf_identity.h).  Extracted from company_context so that every module
    that must establish the listing itself confirms it by the same rule.  */
#include "pf_identity.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/*  Second-level labels under which a country code registers names
    ("co.uk", "com.au"): the guess then takes the label before them.      */
static const char *const s_second_levels[] = { "co", "com", "net", "org", "ac", "gov", "edu",
                                               "ne", "or", "gob", "nom" };

/*  Labels the name guess looks at: a registrable name is at most the
    third from the right (name.co.uk).                                     */
#define S_LABELS 3

bool
pf_identity_name_guess(const char *domain, char *out, size_t size)
{
    if (!domain || !out || size == 0)
        return false;
    /* The last three labels, right to left.                               */
    size_t len = strlen(domain);
    while (len > 0 && domain[len - 1] == '.')
        len--;
    const char *labels[S_LABELS] = { NULL, NULL, NULL };
    size_t lens[S_LABELS] = { 0, 0, 0 };
    size_t n = 0, end = len;
    for (size_t i = len; n < S_LABELS; i--) {
        if (i == 0 || domain[i - 1] == '.') {
            labels[n] = domain + i;
            lens[n] = end - i;
            n++;
            if (i == 0)
                break;
            end = i - 1;
        }
        if (i == 0)
            break;
    }
    if (n < 2)
        return false;   /* a bare TLD names nothing                       */
    size_t pick = 1;
    if (n >= S_LABELS && lens[0] == 2)
        for (size_t k = 0; k < sizeof s_second_levels / sizeof *s_second_levels; k++)
            if (strlen(s_second_levels[k]) == lens[1]
                && strncasecmp(labels[1], s_second_levels[k], lens[1]) == 0) {
                pick = 2;
                break;
            }
    if (lens[pick] == 0 || lens[pick] >= size)
        return false;
    memcpy(out, labels[pick], lens[pick]);
    out[lens[pick]] = '\0';
    return true;
}

bool
pf_identity_host_matches(const char *url, const char *domain)
{
    if (!url || !domain || !*domain)
        return false;
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    const char *at = NULL;
    size_t hlen = strcspn(host, "/?#");
    for (size_t i = 0; i < hlen; i++)
        if (host[i] == '@')
            at = host + i;
    if (at) {   /* userinfo is not the host                                */
        hlen -= (size_t) (at + 1 - host);
        host = at + 1;
    }
    size_t port = strcspn(host, ":");
    if (port < hlen)
        hlen = port;
    while (hlen > 0 && host[hlen - 1] == '.')
        hlen--;
    size_t dlen = strlen(domain);
    while (dlen > 0 && domain[dlen - 1] == '.')
        dlen--;
    if (dlen == 0 || hlen < dlen)
        return false;
    if (strncasecmp(host + hlen - dlen, domain, dlen) != 0)
        return false;
    return hlen == dlen || host[hlen - dlen - 1] == '.';
}

size_t
pf_identity_candidates(const pf_value_t *search_data, const char **symbols, size_t max)
{
    const pf_value_t *quotes = pf_map_get(search_data, "quotes");
    size_t n = 0;
    for (size_t i = 0; i < pf_array_size(quotes) && n < max; i++) {
        const pf_value_t *q = pf_array_at(quotes, i);
        const char *type = pf_map_get_str(q, "type");
        const char *symbol = pf_map_get_str(q, "symbol");
        if (!symbol || !*symbol || !type || strcasecmp(type, "EQUITY") != 0)
            continue;
        bool seen = false;
        for (size_t k = 0; k < n; k++)
            seen = seen || strcmp(symbols[k], symbol) == 0;
        if (!seen)
            symbols[n++] = symbol;
    }
    return n;
}

int
pf_identity_confirmed(const pf_identity_reply_t *quotes, size_t n, const char *domain)
{
    for (size_t i = 0; quotes && i < n; i++) {
        const pf_value_t *profile = pf_map_get(quotes[i].data, "profile");
        if (pf_identity_host_matches(pf_map_get_str(profile, "website"), domain))
            return (int) i;
    }
    return -1;
}

bool
pf_identity_same_ticker(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    for (; *a && *b; a++, b++) {
        char x = *a == '.' ? '-' : (char) toupper((unsigned char) *a);
        char y = *b == '.' ? '-' : (char) toupper((unsigned char) *b);
        if (x != y)
            return false;
    }
    return *a == *b;
}

void
pf_identity_failure(char *out, size_t size, const char *what, const pf_identity_reply_t *r)
{
    const char *code = r->error ? r->error : "not called";
    if (r->message && *r->message)
        snprintf(out, size, "%s failed: %s (%s)", what, code, r->message);
    else
        snprintf(out, size, "%s failed: %s", what, code);
}

pf_identity_listing_t
pf_identity_listing(const char *domain, const pf_identity_reply_t *search,
                    const char *const *symbols, const pf_identity_reply_t *quotes, size_t n,
                    int *confirmed, char *reason, size_t size)
{
    if (size > 0)
        reason[0] = '\0';
    *confirmed = pf_identity_confirmed(quotes, n, domain);
    if (*confirmed >= 0)
        return PF_IDENTITY_CONFIRMED;
    /* Unconfirmed: private only when every check could be made.           */
    char failed[PF_IDENTITY_LABEL_MAX * 4];
    if (!search->data) {
        pf_identity_failure(failed, sizeof failed, "yahoo_finance search", search);
        snprintf(reason, size, "listing unknown: %s", failed);
        return PF_IDENTITY_UNKNOWN;
    }
    for (size_t i = 0; i < n; i++)
        if (!quotes[i].data) {
            char what[PF_IDENTITY_LABEL_MAX * 2];
            snprintf(what, sizeof what, "yahoo_finance quote_summary %s", symbols[i]);
            pf_identity_failure(failed, sizeof failed, what, &quotes[i]);
            snprintf(reason, size, "listing unknown: %s", failed);
            return PF_IDENTITY_UNKNOWN;
        }
    return PF_IDENTITY_PRIVATE;
}

/*  Position of ticker in the submissions' tickers, or -1.                 */
static int
s_ticker_index(const pf_value_t *submissions, const char *ticker)
{
    const pf_value_t *tickers = pf_map_get(submissions, "tickers");
    for (size_t i = 0; i < pf_array_size(tickers); i++) {
        const char *t = pf_value_as_str(pf_array_at(tickers, i), NULL);
        if (t && pf_identity_same_ticker(t, ticker))
            return (int) i;
    }
    return -1;
}

pf_identity_sec_t
pf_identity_sec(const pf_identity_reply_t *cik_reply, const pf_identity_reply_t *submissions,
                const char *symbol, int64_t *cik, int *ticker_index, char *reason, size_t size)
{
    *cik = 0;
    *ticker_index = -1;
    if (size > 0)
        reason[0] = '\0';
    if (!cik_reply->data) {
        if (cik_reply->error && strcmp(cik_reply->error, "not_found") == 0) {
            snprintf(reason, size, "not an SEC filer: SEC EDGAR lists no CIK for %s", symbol);
            return PF_IDENTITY_SEC_NOT_FILER;
        }
        pf_identity_failure(reason, size, "sec_edgar cik", cik_reply);
        return PF_IDENTITY_SEC_FAILED;
    }
    int64_t value = pf_map_get_int(cik_reply->data, "cik", -1);
    if (value <= 0) {
        snprintf(reason, size, "sec_edgar cik answered without a CIK");
        return PF_IDENTITY_SEC_FAILED;
    }
    if (!submissions->data) {
        *cik = value;
        pf_identity_failure(reason, size, "sec_edgar submissions", submissions);
        return PF_IDENTITY_SEC_CIK_ONLY;
    }
    int index = s_ticker_index(submissions->data, symbol);
    if (index < 0 || pf_map_get_int(submissions->data, "cik", value) != value) {
        /* The ticker table and the filer's own record disagree: state
           none of it rather than attribute the wrong filer.               */
        snprintf(reason, size,
                 "contradictory SEC data: CIK %lld from the ticker table does not list %s",
                 (long long) value, symbol);
        return PF_IDENTITY_SEC_CONTRADICTORY;
    }
    *cik = value;
    *ticker_index = index;
    return PF_IDENTITY_SEC_ACCEPTED;
}

/*  ---- calls ------------------------------------------------------------ */

void
pf_identity_reply_of(const pf_gather_t *gather, const char *slot, pf_identity_reply_t *r)
{
    *r = pf_gather_reply(gather, slot);
}

/*  "quote_<i>" / "cik_<i>".                                                */
static void
s_slot(char *out, size_t size, const char *what, size_t i)
{
    snprintf(out, size, "%s_%zu", what, i);
}

size_t
pf_identity_call_candidates(pf_gather_t *gather, const pf_value_t *search_data,
                            char symbols[][PF_IDENTITY_LABEL_MAX])
{
    const char *found[PF_IDENTITY_CANDIDATES];
    size_t n = pf_identity_candidates(search_data, found, PF_IDENTITY_CANDIDATES);
    size_t called = 0;
    char slot[PF_IDENTITY_LABEL_MAX];
    for (size_t i = 0; i < n; i++) {
        if (strlen(found[i]) >= PF_IDENTITY_LABEL_MAX)
            continue;   /* no real ticker is that long                     */
        size_t k = called++;
        snprintf(symbols[k], PF_IDENTITY_LABEL_MAX, "%s", found[i]);
        pf_value_t *args = pf_value_map();
        pf_map_set_str(args, "symbol", symbols[k]);
        s_slot(slot, sizeof slot, "quote", k);
        pf_gather_call(gather, slot, "yahoo_finance", "quote_summary", &args);
        args = pf_value_map();
        pf_map_set_str(args, "ticker", symbols[k]);
        s_slot(slot, sizeof slot, "cik", k);
        pf_gather_call(gather, slot, "sec_edgar", "cik", &args);
    }
    return called;
}

void
pf_identity_candidate_replies(const pf_gather_t *gather, size_t n, pf_identity_reply_t *quotes,
                              pf_identity_reply_t *ciks)
{
    char slot[PF_IDENTITY_LABEL_MAX];
    for (size_t i = 0; i < n; i++) {
        s_slot(slot, sizeof slot, "quote", i);
        pf_identity_reply_of(gather, slot, &quotes[i]);
        s_slot(slot, sizeof slot, "cik", i);
        pf_identity_reply_of(gather, slot, &ciks[i]);
    }
}
