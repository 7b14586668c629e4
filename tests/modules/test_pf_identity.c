/*  test_pf_identity.c — the shared listing rule: ticker equality across
    SEC's and Yahoo's spellings, confirmed / private / unknown listings and
    their reasons, and what SEC's answers say of a confirmed ticker.
    (The name guess, host match and candidates are covered through
    company_context's tests, which call them.)                             */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_identity.h"
#include "pf_value.h"

/*  ---- reply builders (values owned by the test's arena) --------------- */

static pf_mod_check_arena_t g_arena;

/*  An answered reply without provenance: the listing rule reads data only. */
static pf_identity_reply_t
s_ok(pf_value_t *data)
{
    pf_identity_reply_t r = { pf_mod_check_keep(&g_arena, data), NULL, NULL, "" };
    return r;
}

static pf_value_t *
s_summary(const char *website)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "website", website);
    pf_value_t *d = pf_value_map();
    pf_map_set(d, "profile", &p);
    return d;
}

static pf_value_t *
s_cik(int64_t cik)
{
    pf_value_t *d = pf_value_map();
    pf_map_set_int(d, "cik", cik);
    return d;
}

static pf_value_t *
s_submissions(int64_t cik, const char *t1, const char *t2)
{
    pf_value_t *d = pf_value_map();
    pf_map_set_int(d, "cik", cik);
    pf_value_t *t = pf_value_array();
    pf_array_push_str(t, t1);
    if (t2)
        pf_array_push_str(t, t2);
    pf_map_set(d, "tickers", &t);
    return d;
}

/*  ---- tests ----------------------------------------------------------- */

START_TEST(test_same_ticker)
{
    ck_assert(pf_identity_same_ticker("BRK.B", "brk-b"));
    ck_assert(pf_identity_same_ticker("NKE", "NKE"));
    ck_assert(!pf_identity_same_ticker("NKE", "NK"));
    ck_assert(!pf_identity_same_ticker("NK", "NKE"));
    ck_assert(!pf_identity_same_ticker(NULL, "NKE"));
}
END_TEST

START_TEST(test_listing)
{
    char reason[256];
    int conf = 7;
    const char *symbols[] = { "NKE.MX", "NKE" };
    pf_identity_reply_t search = s_ok(pf_value_map());
    pf_identity_reply_t quotes[] = { s_ok(s_summary("https://www.example.org")),
                                     s_ok(s_summary("https://investors.nike.com/")) };
    ck_assert_int_eq(pf_identity_listing("nike.com", &search, symbols, quotes, 2, &conf, reason,
                                         sizeof reason),
                     PF_IDENTITY_CONFIRMED);
    ck_assert_int_eq(conf, 1);
    ck_assert_str_eq(reason, "");

    /* Only the other site's quote answered: private.                      */
    ck_assert_int_eq(pf_identity_listing("nike.com", &search, symbols, quotes, 1, &conf, reason,
                                         sizeof reason),
                     PF_IDENTITY_PRIVATE);
    ck_assert_int_eq(conf, -1);

    /* A candidate that could not be checked makes it unknown.             */
    quotes[1] = pf_mod_check_err("timeout", "");
    ck_assert_int_eq(pf_identity_listing("nike.com", &search, symbols, quotes, 2, &conf, reason,
                                         sizeof reason),
                     PF_IDENTITY_UNKNOWN);
    ck_assert_str_eq(reason, "listing unknown: yahoo_finance quote_summary NKE failed: timeout");

    pf_identity_reply_t down = pf_mod_check_err("breaker_open", "resting");
    ck_assert_int_eq(pf_identity_listing("nike.com", &down, symbols, quotes, 0, &conf, reason,
                                         sizeof reason),
                     PF_IDENTITY_UNKNOWN);
    ck_assert_str_eq(reason, "listing unknown: yahoo_finance search failed: breaker_open "
                             "(resting)");
    pf_identity_reply_t never = pf_mod_check_err(NULL, NULL);
    pf_identity_listing("nike.com", &never, symbols, quotes, 0, &conf, reason, sizeof reason);
    ck_assert_str_eq(reason, "listing unknown: yahoo_finance search failed: not called");
    pf_mod_check_free(&g_arena);
}
END_TEST

START_TEST(test_sec)
{
    char reason[256];
    int64_t cik = -5;
    int index = -5;
    pf_identity_reply_t c = s_ok(s_cik(1067983));
    pf_identity_reply_t sub = s_ok(s_submissions(1067983, "BRK-A", "BRK-B"));
    ck_assert_int_eq(pf_identity_sec(&c, &sub, "BRK.B", &cik, &index, reason, sizeof reason),
                     PF_IDENTITY_SEC_ACCEPTED);
    ck_assert_int_eq(cik, 1067983);
    ck_assert_int_eq(index, 1);
    ck_assert_str_eq(reason, "");

    pf_identity_reply_t other = s_ok(s_submissions(1067983, "XYZ", NULL));
    ck_assert_int_eq(pf_identity_sec(&c, &other, "BRK.B", &cik, &index, reason, sizeof reason),
                     PF_IDENTITY_SEC_CONTRADICTORY);
    ck_assert_int_eq(cik, 0);
    ck_assert_int_eq(index, -1);
    ck_assert_str_eq(reason, "contradictory SEC data: CIK 1067983 from the ticker table does "
                             "not list BRK.B");
    pf_identity_reply_t wrong_cik = s_ok(s_submissions(42, "BRK-B", NULL));
    ck_assert_int_eq(pf_identity_sec(&c, &wrong_cik, "BRK.B", &cik, &index, reason,
                                     sizeof reason),
                     PF_IDENTITY_SEC_CONTRADICTORY);

    pf_identity_reply_t failed = pf_mod_check_err("timeout", "no answer");
    ck_assert_int_eq(pf_identity_sec(&c, &failed, "BRK.B", &cik, &index, reason, sizeof reason),
                     PF_IDENTITY_SEC_CIK_ONLY);
    ck_assert_int_eq(cik, 1067983);
    ck_assert_str_eq(reason, "sec_edgar submissions failed: timeout (no answer)");

    pf_identity_reply_t nf = pf_mod_check_err("not_found", "");
    ck_assert_int_eq(pf_identity_sec(&nf, &sub, "ADYEN.AS", &cik, &index, reason, sizeof reason),
                     PF_IDENTITY_SEC_NOT_FILER);
    ck_assert_str_eq(reason, "not an SEC filer: SEC EDGAR lists no CIK for ADYEN.AS");
    ck_assert_int_eq(pf_identity_sec(&failed, &sub, "NKE", &cik, &index, reason, sizeof reason),
                     PF_IDENTITY_SEC_FAILED);
    ck_assert_str_eq(reason, "sec_edgar cik failed: timeout (no answer)");
    pf_identity_reply_t zero = s_ok(s_cik(0));
    ck_assert_int_eq(pf_identity_sec(&zero, &sub, "NKE", &cik, &index, reason, sizeof reason),
                     PF_IDENTITY_SEC_FAILED);
    ck_assert_str_eq(reason, "sec_edgar cik answered without a CIK");
    pf_mod_check_free(&g_arena);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_identity");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_same_ticker);
    tcase_add_test(tc, test_listing);
    tcase_add_test(tc, test_sec);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
