/*  test_fakeapi_route.c — pf-fakeapi's data, routing, auth and rendering.  */
#include <check.h>
#include <string.h>

#include <jansson.h>

#include "pf_check.h"
#include "pf_fake_data.h"
#include "pf_fake_route.h"

static pf_fake_data_t *s_data;
static pf_fake_router_t s_router;

static void
s_setup(void)
{
    char err[256];
    s_data = pf_fake_data_new(PF_FAKEAPI_DATA_DIR, err, sizeof err);
    ck_assert_msg(s_data != NULL, "%s", err);
    memset(&s_router, 0, sizeof s_router);
    s_router.data = s_data;
    memset(s_router.secret, 7, sizeof s_router.secret);
}

static void
s_teardown(void)
{
    pf_fake_data_destroy(&s_data);
}

/*  GETs path with a query string "a=b&c=d" (no escaping) and headers.      */
static void
s_get(const char *path, const char *query, const pf_fake_kv_t *headers, size_t nh,
      pf_fake_response_t *resp)
{
    pf_fake_kv_t q[16];
    size_t nq = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", query ? query : "");
    char *save = NULL;
    for (char *tok = strtok_r(buf, "&", &save); tok && nq < 16; tok = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(tok, '=');
        if (eq)
            *eq = '\0';
        q[nq].name = tok;
        q[nq].value = eq ? eq + 1 : "";
        nq++;
    }
    pf_fake_request_t req = {"GET", path, q, nq, headers, nh};
    pf_fake_route(&s_router, &req, resp);
}

static json_t *
s_body(const pf_fake_response_t *resp)
{
    json_error_t e;
    json_t *j = json_loadb(resp->body, resp->body_len, 0, &e);
    ck_assert_msg(j != NULL, "not JSON: %s", resp->body);
    return j;
}

START_TEST(test_unknown_paths_404)
{
    pf_fake_response_t r;
    s_get("/nope", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_int_eq(r.provider, -1);
    pf_fake_response_clear(&r);
    s_get("/builtwith/v99/api.json", "KEY=k&LOOKUP=a.com", NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_int_eq(r.provider, PF_FAKE_BUILTWITH);
    pf_fake_response_clear(&r);
    s_get("/sec_edgarx/files/company_tickers.json", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.provider, -1);
    pf_fake_response_clear(&r);
}
END_TEST

START_TEST(test_auth_checks)
{
    pf_fake_response_t r;
    s_get("/builtwith/v22/api.json", "LOOKUP=a.com", NULL, 0, &r);
    ck_assert_int_eq(r.status, 401);
    pf_fake_response_clear(&r);
    s_get("/builtwith/v22/api.json", "KEY=k", NULL, 0, &r);
    ck_assert_int_eq(r.status, 400);
    pf_fake_response_clear(&r);
    s_get("/similarweb/v1/website/a.com/similar-sites/similarsites", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 401);
    pf_fake_response_clear(&r);
    s_get("/sec_edgar/files/company_tickers.json", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 403);
    pf_fake_response_clear(&r);
    pf_fake_kv_t ua = {"User-Agent", "Acme research ops@acme.example"};
    s_get("/sec_edgar/files/company_tickers.json", NULL, &ua, 1, &r);
    ck_assert_int_eq(r.status, 200);
    pf_fake_response_clear(&r);
    s_get("/websearch/res/v1/web/search", "q=x", NULL, 0, &r);
    ck_assert_int_eq(r.status, 422);
    pf_fake_response_clear(&r);
    /*  --key: only that key.                                             */
    s_router.key = "secret";
    pf_fake_kv_t tok = {"X-Subscription-Token", "other"};
    s_get("/websearch/res/v1/web/search", "q=x", &tok, 1, &r);
    ck_assert_int_eq(r.status, 401);
    pf_fake_response_clear(&r);
    tok.value = "secret";
    s_get("/websearch/res/v1/web/search", "q=x", &tok, 1, &r);
    ck_assert_int_eq(r.status, 200);
    pf_fake_response_clear(&r);
    /*  Yahoo: quoteSummary without cookie and crumb.                     */
    s_get("/yahoo_finance/v10/finance/quoteSummary/NKE", "modules=assetProfile", NULL, 0, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_ptr_nonnull(strstr(r.body, "Invalid Crumb"));
    pf_fake_response_clear(&r);
}
END_TEST

START_TEST(test_yahoo_session)
{
    pf_fake_response_t r;
    s_get("/yahoo_finance/", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_int_eq(r.header_count, 1);
    ck_assert_str_eq(r.header_names[0], "Set-Cookie");
    char cookie[256];
    snprintf(cookie, sizeof cookie, "%.*s", (int) strcspn(r.header_values[0], ";"),
             r.header_values[0]);
    pf_fake_response_clear(&r);
    pf_fake_kv_t h = {"Cookie", cookie};
    s_get("/yahoo_finance/v1/test/getcrumb", NULL, &h, 1, &r);
    ck_assert_int_eq(r.status, 200);
    char q[128];
    snprintf(q, sizeof q, "modules=assetProfile,incomeStatementHistory&crumb=%s", r.body);
    pf_fake_response_clear(&r);
    s_get("/yahoo_finance/v10/finance/quoteSummary/NKE", q, &h, 1, &r);
    ck_assert_int_eq(r.status, 200);
    json_t *j = s_body(&r);
    json_t *res = json_array_get(json_object_get(json_object_get(j, "quoteSummary"), "result"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "assetProfile"), "city")),
                     "Beaverton");
    /*  The record's verified officers, in Yahoo's shape.                 */
    json_t *officer = json_array_get(
        json_object_get(json_object_get(res, "assetProfile"), "companyOfficers"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(officer, "name")), "Elliott Hill");
    ck_assert_str_eq(json_string_value(json_object_get(officer, "title")),
                     "President and Chief Executive Officer");
    json_decref(j);
    pf_fake_response_clear(&r);
    /*  A forged cookie gets no crumb.                                    */
    h.value = "A3=d=00&S=forged";
    s_get("/yahoo_finance/v1/test/getcrumb", NULL, &h, 1, &r);
    ck_assert_int_eq(r.status, 401);
    pf_fake_response_clear(&r);
}
END_TEST

START_TEST(test_curated_sec)
{
    pf_fake_kv_t ua = {"User-Agent", "Acme ops@acme.example"};
    pf_fake_response_t r;
    s_get("/sec_edgar/submissions/CIK0000320187.json", NULL, &ua, 1, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(!r.synthetic);
    json_t *j = s_body(&r);
    ck_assert_str_eq(json_string_value(json_object_get(j, "cik")), "0000320187");
    ck_assert_str_eq(json_string_value(json_object_get(j, "fiscalYearEnd")), "0531");
    ck_assert_str_eq(json_string_value(json_object_get(j, "sic")), "3021");
    json_t *recent = json_object_get(json_object_get(j, "filings"), "recent");
    ck_assert_int_eq(json_array_size(json_object_get(recent, "form")),
                     json_array_size(json_object_get(recent, "accessionNumber")));
    json_decref(j);
    pf_fake_response_clear(&r);
    s_get("/sec_edgar/files/company_tickers.json", NULL, &ua, 1, &r);
    j = s_body(&r);
    bool nke = false;
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
        if (!strcmp(json_string_value(json_object_get(v, "ticker")), "NKE"))
            nke = json_integer_value(json_object_get(v, "cik_str")) == 320187;
    ck_assert(nke);
    json_decref(j);
    pf_fake_response_clear(&r);
    s_get("/sec_edgar/api/xbrl/companyfacts/CIK0000909832.json", NULL, &ua, 1, &r);
    ck_assert_int_eq(r.status, 200);
    j = s_body(&r);
    json_t *usd = json_object_get(json_object_get(json_object_get(json_object_get(
        json_object_get(j, "facts"), "us-gaap"), "Revenues"), "units"), "USD");
    ck_assert_int_ge(json_array_size(usd), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(usd, 0), "val")),
                     275235000000LL);
    json_decref(j);
    pf_fake_response_clear(&r);
    /*  Unknown and malformed CIKs, and private companies: 404.           */
    s_get("/sec_edgar/submissions/CIK0000000001.json", NULL, &ua, 1, &r);
    ck_assert_int_eq(r.status, 404);
    pf_fake_response_clear(&r);
    s_get("/sec_edgar/submissions/CIK320187.json", NULL, &ua, 1, &r);
    ck_assert_int_eq(r.status, 404);
    pf_fake_response_clear(&r);
}
END_TEST

START_TEST(test_synthetic_determinism)
{
    json_t *a = pf_fake_data_synthesize("acme-widgets.io");
    json_t *b = pf_fake_data_synthesize("acme-widgets.io");
    json_t *c = pf_fake_data_synthesize("globex.com");
    char *sa = json_dumps(a, JSON_COMPACT), *sb = json_dumps(b, JSON_COMPACT),
         *sc = json_dumps(c, JSON_COMPACT);
    ck_assert_str_eq(sa, sb);
    ck_assert_str_ne(sa, sc);
    ck_assert_str_eq(json_string_value(json_object_get(a, "name")), "Acme Widgets");
    ck_assert_ptr_nonnull(strstr(sa, "Synthetic data generated by pf-fakeapi for acme-widgets.io"));
    free(sa);
    free(sb);
    free(sc);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    /*  Same request, same bytes; synthetic header flag set.              */
    pf_fake_response_t r1, r2;
    s_get("/similarweb/v1/website/acme-widgets.io/geo/traffic-by-country", "api_key=k", NULL, 0, &r1);
    s_get("/similarweb/v1/website/acme-widgets.io/geo/traffic-by-country", "api_key=k", NULL, 0, &r2);
    ck_assert_int_eq(r1.status, 200);
    ck_assert(r1.synthetic);
    ck_assert_str_eq(r1.body, r2.body);
    pf_fake_response_clear(&r1);
    pf_fake_response_clear(&r2);
    /*  Synthetic companies are private: no Yahoo quote.                  */
    s_get("/yahoo_finance/v1/finance/search", "q=acme-widgets.io", NULL, 0, &r1);
    json_t *j = s_body(&r1);
    ck_assert_int_eq(json_array_size(json_object_get(j, "quotes")), 0);
    json_decref(j);
    pf_fake_response_clear(&r1);
    s_get("/yahoo_finance/v1/finance/search", "q=Nike", NULL, 0, &r1);
    j = s_body(&r1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "quotes"), 0),
                                                       "symbol")), "NKE");
    json_decref(j);
    pf_fake_response_clear(&r1);
}
END_TEST

START_TEST(test_normalize)
{
    char out[PF_FAKE_DOMAIN_MAX];
    ck_assert_int_eq(pf_fake_data_normalize("WWW.Stripe.COM.", out, sizeof out), 0);
    ck_assert_str_eq(out, "stripe.com");
    ck_assert_int_ne(pf_fake_data_normalize("nodot", out, sizeof out), 0);
    ck_assert_int_ne(pf_fake_data_normalize("a..b", out, sizeof out), 0);
    ck_assert_int_ne(pf_fake_data_normalize("a b.com", out, sizeof out), 0);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("fakeapi_route");
    TCase *tc = tcase_create("route");
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_add_test(tc, test_unknown_paths_404);
    tcase_add_test(tc, test_auth_checks);
    tcase_add_test(tc, test_yahoo_session);
    tcase_add_test(tc, test_curated_sec);
    tcase_add_test(tc, test_synthetic_determinism);
    tcase_add_test(tc, test_normalize);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
