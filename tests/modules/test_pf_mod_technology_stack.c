/*  test_pf_mod_technology_stack.c — the technology_stack module's pure
    logic (modules/pf_mod_technology_stack.h): roles, grouping by category,
    the seller's displaceable / fit flags from the shipped profile, related
    domains, and the whole result from five BuiltWith outcomes, including
    failed calls, a missing profile and synthetic data.  Replies are
    written as JSON here and turned into pf_value_t maps.                   */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_check_json.h"
#include "pf_mod_check.h"
#include "pf_mod_technology_stack.h"
#include "pf_profile.h"
#include "pf_value.h"

/*  The adapters' reply written as JSON text.                               */
static pf_value_t *
s_v(const char *text)
{
    return pf_check_json_value(text);
}

/*  The names in an array of strings, joined by ",".                        */
static void
s_join(const pf_value_t *list, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < pf_array_size(list); i++) {
        const char *s = pf_value_as_str(pf_array_at(list, i), NULL);
        if (!s)
            s = pf_map_get_str(pf_array_at(list, i), "name");
        strncat(out, i ? "," : "", size - strlen(out) - 1);
        strncat(out, s ? s : "?", size - strlen(out) - 1);
    }
}

static void
s_list_is(const pf_value_t *list, const char *want)
{
    char got[1024];
    s_join(list, got, sizeof got);
    ck_assert_str_eq(got, want);
}

/*  A stack like the nike.com fixture's, plus a site search product and a
    technology seen without categories.                                     */
static const char *const s_techs =
    "[{\"name\":\"Akamai\",\"tag\":\"cdns\",\"categories\":[\"CDN\"],"
    "  \"first_detected\":1500000000000,\"last_detected\":1760000000000},"
    " {\"name\":\"Adobe Experience Manager\",\"tag\":\"cms\",\"categories\":[\"Enterprise CMS\"]},"
    " {\"name\":\"Google Tag Manager\",\"tag\":\"widgets\",\"categories\":[\"Tag Management\"]},"
    " {\"name\":\"Optimizely\",\"tag\":\"analytics\",\"categories\":[\"A/B Testing\"]},"
    " {\"name\":\"Constructor.io\",\"tag\":\"widgets\",\"categories\":[\"Site Search\",\"Personalization\"],"
    "  \"first_detected\":1600000000000},"
    " {\"name\":\"Adobe Analytics\",\"tag\":\"analytics\",\"categories\":[\"Enterprise Analytics\"]},"
    " {\"name\":\"Greenhouse\",\"tag\":\"widgets\",\"categories\":[\"Applicant Tracking System\"]},"
    " {\"name\":\"Mystery\",\"tag\":\"shop\",\"categories\":[]},"
    " {\"name\":\"Bare\",\"categories\":[]}]";

START_TEST(test_role)
{
    pf_value_t *t = s_v("{\"name\":\"Algolia\",\"tag\":\"widgets\",\"categories\":[\"Site Search\"]}");
    ck_assert_str_eq(pf_mod_technology_stack_role(t), "site_search");
    pf_value_destroy(&t);
    /*  Case does not matter; the first known category decides.            */
    t = s_v("{\"name\":\"X\",\"tag\":\"cms\",\"categories\":[\"Blog\",\"site search\",\"CDN\"]}");
    ck_assert_str_eq(pf_mod_technology_stack_role(t), "site_search");
    pf_value_destroy(&t);
    /*  No known category: the tag decides.                                 */
    t = s_v("{\"name\":\"X\",\"tag\":\"shop\",\"categories\":[\"Something New\"]}");
    ck_assert_str_eq(pf_mod_technology_stack_role(t), "ecommerce_platform");
    pf_value_destroy(&t);
    t = s_v("{\"name\":\"X\",\"tag\":\"CDNS\"}");
    ck_assert_str_eq(pf_mod_technology_stack_role(t), "cdn");
    pf_value_destroy(&t);
    /*  Neither: no role (a JavaScript library is not notable).            */
    t = s_v("{\"name\":\"React\",\"tag\":\"javascript\",\"categories\":[\"JavaScript Library\"]}");
    ck_assert_ptr_null(pf_mod_technology_stack_role(t));
    pf_value_destroy(&t);
    t = s_v("{\"name\":\"Optimizely\",\"tag\":\"analytics\",\"categories\":[\"A/B Testing\"]}");
    ck_assert_ptr_null(pf_mod_technology_stack_role(t));
    pf_value_destroy(&t);
}
END_TEST

START_TEST(test_notable)
{
    pf_value_t *techs = s_v(s_techs);
    pf_value_t *n = pf_mod_technology_stack_notable(techs);
    ck_assert_int_eq(pf_map_size(n), 7);
    s_list_is(pf_map_get(n, "site_search"), "Constructor.io");
    s_list_is(pf_map_get(n, "ecommerce_platform"), "Mystery");
    s_list_is(pf_map_get(n, "cms"), "Adobe Experience Manager");
    s_list_is(pf_map_get(n, "analytics"), "Adobe Analytics");
    s_list_is(pf_map_get(n, "cdn"), "Akamai");
    s_list_is(pf_map_get(n, "tag_manager"), "Google Tag Manager");
    s_list_is(pf_map_get(n, "ats"), "Greenhouse");
    pf_value_destroy(&n);
    /*  Nothing detected: every role present, every list empty.            */
    pf_value_t *none = s_v("[]");
    n = pf_mod_technology_stack_notable(none);
    ck_assert_int_eq(pf_map_size(n), 7);
    ck_assert(pf_value_is(pf_map_get(n, "site_search"), PF_ARRAY));
    ck_assert_int_eq(pf_array_size(pf_map_get(n, "site_search")), 0);
    pf_value_destroy(&n);
    pf_value_destroy(&none);
    pf_value_destroy(&techs);
}
END_TEST

START_TEST(test_by_category)
{
    pf_value_t *techs = s_v("[{\"name\":\"Zed\",\"tag\":\"cdns\",\"categories\":[\"CDN\"]},"
                            " {\"name\":\"Akamai\",\"tag\":\"cdns\",\"categories\":[\"CDN\"]},"
                            " {\"name\":\"Both\",\"categories\":[\"CDN\",\"Site Search\"]},"
                            " {\"name\":\"Akamai\",\"tag\":\"cdns\",\"categories\":[\"CDN\"]},"
                            " {\"name\":\"Tagged\",\"tag\":\"shop\",\"categories\":[]},"
                            " {\"name\":\"Bare\"}]");
    pf_value_t *g = pf_mod_technology_stack_by_category(techs);
    ck_assert_int_eq(pf_map_size(g), 4);
    s_list_is(pf_map_get(g, "CDN"), "Akamai,Both,Zed");
    s_list_is(pf_map_get(g, "Site Search"), "Both");
    s_list_is(pf_map_get(g, "shop"), "Tagged");
    s_list_is(pf_map_get(g, "Other"), "Bare");
    pf_value_destroy(&g);
    pf_value_destroy(&techs);
}
END_TEST

START_TEST(test_seller_flags)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *techs = s_v(s_techs);
    pf_value_t *d = pf_mod_technology_stack_seller(techs, p, false);
    ck_assert_int_eq(pf_array_size(d), 1);
    const pf_value_t *c = pf_array_at(d, 0);
    ck_assert_str_eq(pf_map_get_str(c, "name"), "Constructor.io");
    ck_assert_str_eq(pf_map_get_str(c, "profile_name"), "Constructor");
    ck_assert_int_eq(pf_map_get_int(c, "first_detected", 0), 1600000000000);
    ck_assert(!pf_map_has(c, "last_detected"));
    ck_assert_int_eq(pf_array_size(pf_map_get(c, "categories")), 2);
    ck_assert_str_ne(pf_map_get_str(c, "reason"), "");
    pf_value_destroy(&d);
    pf_value_t *f = pf_mod_technology_stack_seller(techs, p, true);
    s_list_is(f, "Akamai,Adobe Experience Manager");
    pf_value_destroy(&f);
    f = pf_mod_technology_stack_seller(techs, NULL, true);
    ck_assert_int_eq(pf_array_size(f), 0);
    pf_value_destroy(&f);
    pf_value_destroy(&techs);
    pf_profile_destroy(&p);
}
END_TEST

START_TEST(test_related)
{
    pf_value_t *rel = s_v(
        "{\"domain\":\"nike.com\",\"identifiers\":["
        " {\"type\":\"google-analytics\",\"value\":\"UA-1-1\",\"matches\":["
        "   {\"domain\":\"puma.com\",\"first\":300,\"last\":400,\"overlap\":false},"
        "   {\"domain\":\"adidas.com\",\"first\":200,\"last\":500,\"overlap\":true},"
        "   {\"domain\":\"nike.com\",\"first\":1,\"last\":2}]},"
        " {\"type\":\"adsense\",\"value\":\"pub-9\",\"matches\":["
        "   {\"domain\":\"adidas.com\",\"first\":100,\"last\":450,\"overlap\":false}]},"
        " {\"type\":\"x\",\"value\":\"none\",\"matches\":[]}]}");
    pf_value_t *list = pf_mod_technology_stack_related(rel);
    ck_assert_int_eq(pf_array_size(list), 2);
    const pf_value_t *a = pf_array_at(list, 0);
    ck_assert_str_eq(pf_map_get_str(a, "domain"), "adidas.com");
    ck_assert_int_eq(pf_array_size(pf_map_get(a, "shared")), 2);
    ck_assert_int_eq(pf_map_get_int(a, "first", 0), 100);
    ck_assert_int_eq(pf_map_get_int(a, "last", 0), 500);
    ck_assert(pf_map_get_bool(a, "overlap", false));
    const pf_value_t *s0 = pf_array_at(pf_map_get(a, "shared"), 0);
    ck_assert_str_eq(pf_map_get_str(s0, "type"), "google-analytics");
    ck_assert_str_eq(pf_map_get_str(s0, "value"), "UA-1-1");
    const pf_value_t *b = pf_array_at(list, 1);
    ck_assert_str_eq(pf_map_get_str(b, "domain"), "puma.com");
    ck_assert(!pf_map_get_bool(b, "overlap", true));
    pf_value_destroy(&list);
    pf_value_destroy(&rel);
    pf_value_t *empty = s_v("{}");
    list = pf_mod_technology_stack_related(empty);
    ck_assert_int_eq(pf_array_size(list), 0);
    pf_value_destroy(&list);
    pf_value_destroy(&empty);
}
END_TEST

/*  The five replies of a healthy run; origin chooses fixture / synthetic. */
typedef struct {
    pf_value_t *data[5];
    pf_value_t *prov[5];
    pf_mod_technology_stack_input_t in;
} s_replies_t;

static const char *const s_ops[5] = {"domain", "relationships", "recommendations", "keywords",
                                     "trust"};

static void
s_replies(s_replies_t *r, const char *origin)
{
    char techs_doc[4096];
    snprintf(techs_doc, sizeof techs_doc,
             "{\"domain\":\"nike.com\",\"spend\":1200,\"first_indexed\":1,\"last_indexed\":2,"
             "\"technologies\":%s}", s_techs);
    const char *docs[5] = {
        techs_doc,
        "{\"domain\":\"nike.com\",\"total\":1,\"more_results\":false,\"identifiers\":["
        " {\"type\":\"google-analytics\",\"value\":\"UA-1-1\",\"matches\":["
        "  {\"domain\":\"adidas.com\",\"first\":5,\"last\":6,\"overlap\":true}]}]}",
        "{\"domain\":\"nike.com\",\"recommendations\":[{\"name\":\"Hotjar\",\"tag\":\"analytics\","
        " \"categories\":[\"Heatmaps\"],\"stars\":3,\"match\":0.02}]}",
        "{\"domain\":\"nike.com\",\"keywords\":[\"running shoes\",\"sneakers\"]}",
        "{\"domain\":\"nike.com\",\"status\":0,\"needs_live\":false,\"db\":{\"spend\":1200}}",
    };
    pf_mod_technology_stack_reply_t *slots[5] = {&r->in.domain, &r->in.relationships,
                                                 &r->in.recommendations, &r->in.keywords,
                                                 &r->in.trust};
    for (int i = 0; i < 5; i++) {
        r->data[i] = s_v(docs[i]);
        char prov[512];
        snprintf(prov, sizeof prov,
                 "{\"provider\":\"builtwith\",\"op\":\"%s\",\"endpoint\":\"/x\",\"source\":\"%s\","
                 "\"origin\":\"%s\",\"fetched_at\":1,\"request\":\"http://127.0.0.1/%s\"}",
                 s_ops[i], origin, origin, s_ops[i]);
        r->prov[i] = s_v(prov);
        *slots[i] = (pf_mod_technology_stack_reply_t){r->data[i], r->prov[i], NULL, NULL};
    }
}

static void
s_replies_free(s_replies_t *r)
{
    for (int i = 0; i < 5; i++) {
        pf_value_destroy(&r->data[i]);
        pf_value_destroy(&r->prov[i]);
    }
}

START_TEST(test_result_healthy)
{
    pf_profile_t *p = pf_mod_check_profile();
    s_replies_t r;
    s_replies(&r, "fixture");
    pf_value_t *res = pf_mod_technology_stack_result(&r.in, p);
    ck_assert_ptr_nonnull(res);
    const pf_value_t *data = pf_map_get(res, "data");
    ck_assert_int_eq(pf_map_get_int(data, "technology_count", 0), 9);
    const pf_value_t *techs = pf_map_get(data, "technologies");
    ck_assert_int_eq(pf_array_size(techs), 9);
    const pf_value_t *akamai = pf_array_at(techs, 0);
    ck_assert_str_eq(pf_map_get_str(akamai, "role"), "cdn");
    ck_assert_str_eq(pf_map_get_str(akamai, "seller"), "fit");
    ck_assert_int_eq(pf_map_get_int(akamai, "first_detected", 0), 1500000000000);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(techs, 4), "seller"), "displaceable");
    ck_assert(!pf_map_has(pf_array_at(techs, 3), "seller"));
    ck_assert(!pf_map_has(pf_array_at(techs, 3), "role"));
    s_list_is(pf_map_get(pf_map_get(data, "notable"), "cdn"), "Akamai");
    s_list_is(pf_map_get(pf_map_get(data, "by_category"), "CDN"), "Akamai");
    s_list_is(pf_map_get(data, "displaceable"), "Constructor.io");
    const pf_value_t *spend = pf_map_get(data, "spend");
    ck_assert_int_eq(pf_map_get_int(spend, "amount", 0), 1200);
    ck_assert_str_eq(pf_map_get_str(spend, "currency"), "USD");
    ck_assert_str_eq(pf_map_get_str(spend, "period"), "month");
    const pf_value_t *rel = pf_map_get(data, "related_domains");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(rel, 0), "domain"), "adidas.com");
    s_list_is(pf_map_get(data, "recommendations"), "Hotjar");
    s_list_is(pf_map_get(data, "keywords"), "running shoes,sneakers");
    const pf_value_t *trust = pf_map_get(data, "trust");
    ck_assert(!pf_map_has(trust, "domain"));
    ck_assert_int_eq(pf_map_get_int(trust, "status", -1), 0);
    const pf_value_t *seller = pf_map_get(data, "seller");
    ck_assert_str_eq(pf_map_get_str(seller, "name"), "Example Search");
    ck_assert(pf_map_get_bool(seller, "sample", false));
    /*  Each fact cites the call it came from.                              */
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "technologies"), "op"), "domain");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "spend"), "op"), "domain");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "related_domains"), "op"),
                     "relationships");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "keywords"), "op"), "keywords");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "trust"), "op"), "trust");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "seller"), "kind"), "derived");
    ck_assert_int_eq(pf_array_size(pf_map_get(res, "missing")), 0);
    ck_assert(!pf_map_get_bool(res, "synthetic", true));
    pf_value_destroy(&res);
    s_replies_free(&r);
    pf_profile_destroy(&p);
}
END_TEST

START_TEST(test_result_synthetic)
{
    s_replies_t r;
    s_replies(&r, "synthetic");
    pf_value_t *res = pf_mod_technology_stack_result(&r.in, NULL);
    ck_assert(pf_map_get_bool(res, "synthetic", false));
    /*  No profile: the seller flags are missing, with the reason.         */
    ck_assert_str_eq(pf_mod_check_reason(res, "displaceable"), "no seller profile is loaded");
    ck_assert_str_eq(pf_mod_check_reason(res, "fit"), "no seller profile is loaded");
    ck_assert(!pf_map_has(pf_map_get(res, "data"), "seller"));
    ck_assert(!pf_map_has(pf_array_at(pf_map_get(pf_map_get(res, "data"), "technologies"), 0),
                          "seller"));
    pf_value_destroy(&res);
    s_replies_free(&r);
}
END_TEST

START_TEST(test_result_degrades)
{
    pf_profile_t *p = pf_mod_check_profile();
    s_replies_t r;
    s_replies(&r, "fixture");
    /*  domain timed out: its facts are missing with the error as reason;
        the other four calls still give theirs.                             */
    r.in.domain = (pf_mod_technology_stack_reply_t){NULL, NULL, "timeout",
                                                    "no answer within 30000 ms"};
    r.in.keywords = (pf_mod_technology_stack_reply_t){NULL, NULL, "breaker_open", ""};
    pf_value_t *res = pf_mod_technology_stack_result(&r.in, p);
    ck_assert_ptr_nonnull(res);
    const char *why = "builtwith domain failed: timeout: no answer within 30000 ms";
    ck_assert_str_eq(pf_mod_check_reason(res, "technologies"), why);
    ck_assert_str_eq(pf_mod_check_reason(res, "notable"), why);
    ck_assert_str_eq(pf_mod_check_reason(res, "displaceable"), why);
    ck_assert_str_eq(pf_mod_check_reason(res, "spend"), why);
    ck_assert_str_eq(pf_mod_check_reason(res, "keywords"),
                     "builtwith keywords failed: breaker_open");
    const pf_value_t *data = pf_map_get(res, "data");
    ck_assert(!pf_map_has(data, "technologies"));
    ck_assert(pf_map_has(data, "related_domains"));
    ck_assert(pf_map_has(data, "trust"));
    ck_assert_ptr_null(pf_mod_check_reason(res, "trust"));
    pf_value_destroy(&res);

    /*  A zero spend is BuiltWith's "no estimate".                          */
    r.in.domain = (pf_mod_technology_stack_reply_t){r.data[0], r.prov[0], NULL, NULL};
    pf_value_t *zero = pf_value_int(0);
    pf_map_set(r.data[0], "spend", &zero);
    res = pf_mod_technology_stack_result(&r.in, p);
    ck_assert_str_eq(pf_mod_check_reason(res, "spend"), "BuiltWith gave no spend estimate");
    ck_assert(pf_map_has(pf_map_get(res, "data"), "technologies"));
    pf_value_destroy(&res);

    /*  Every call failed: nothing true to say.                             */
    pf_mod_technology_stack_reply_t down = {NULL, NULL, "connection_reset", "reset by peer"};
    r.in = (pf_mod_technology_stack_input_t){down, down, down, down, down};
    ck_assert_ptr_null(pf_mod_technology_stack_result(&r.in, p));
    s_replies_free(&r);
    pf_profile_destroy(&p);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_mod_technology_stack");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_role);
    tcase_add_test(tc, test_notable);
    tcase_add_test(tc, test_by_category);
    tcase_add_test(tc, test_seller_flags);
    tcase_add_test(tc, test_related);
    tcase_add_test(tc, test_result_healthy);
    tcase_add_test(tc, test_result_synthetic);
    tcase_add_test(tc, test_result_degrades);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
