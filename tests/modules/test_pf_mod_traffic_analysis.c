/*  test_pf_mod_traffic_analysis.c — the traffic_analysis module's pure
    logic (modules/pf_mod_traffic_analysis.h): months, the newest month of
    an answer, a window of monthly values with contradictory and invalid
    points, growth, top countries and traffic sources by share, and the
    whole result from SimilarWeb outcomes — healthy, synthetic, one call
    failing, the two-year call failing, the probe failing, contradictory
    shares, and every call failing.  Replies are built as pf_value_t maps
    shaped like the similarweb adapter's (docs/PROVIDERS.md).              */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_traffic_analysis.h"
#include "pf_value.h"

/*  Floats computed two ways agree to this.                                 */
#define EPS 1e-9

/*  The month number of "YYYY-MM".                                          */
static int
s_month(const char *text)
{
    int m = -1;
    ck_assert_msg(pf_mod_traffic_analysis_month_parse(text, &m), "bad month %s", text);
    return m;
}

/*  {series:[{date: "YYYY-MM-01", value}] for n months from first, value
    base + step × i, last_updated}.                                          */
static pf_value_t *
s_series(int first, size_t n, double base, double step)
{
    pf_value_t *map = pf_value_map();
    pf_value_t *series = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        char month[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN], date[16];
        pf_mod_traffic_analysis_month_format(first + (int) i, month);
        snprintf(date, sizeof date, "%s-01", month);
        pf_value_t *p = pf_value_map();
        pf_map_set_str(p, "date", date);
        pf_map_set_float(p, "value", base + step * (double) i);
        pf_array_push(series, &p);
    }
    pf_map_set(map, "series", &series);
    pf_map_set_str(map, "last_updated", "2025-12-31");
    return map;
}

/*  Appends a point to a series answer.                                     */
static void
s_point(pf_value_t *map, const char *date, double value)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "date", date);
    pf_map_set_float(p, "value", value);
    pf_array_push((pf_value_t *) pf_map_get(map, "series"), &p);
}

/*  A geo answer from (numeric, alpha-2 or NULL, share) triples.            */
typedef struct {
    int number;                      /* ISO numeric                          */
    const char *code;                /* alpha-2, or NULL                     */
    double share;                    /* of all visits                        */
} s_country_t;

static pf_value_t *
s_geo(const s_country_t *c, size_t n)
{
    pf_value_t *map = pf_value_map();
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        pf_value_t *item = pf_value_map();
        pf_map_set_int(item, "country", c[i].number);
        if (c[i].code)
            pf_map_set_str(item, "country_code", c[i].code);
        pf_map_set_float(item, "share", c[i].share);
        pf_map_set_int(item, "visits", (int64_t) (c[i].share * 1000));
        pf_map_set_int(item, "rank", (int64_t) i + 1);
        pf_array_push(list, &item);
    }
    pf_map_set(map, "countries", &list);
    pf_map_set_str(map, "last_updated", "2025-12-31");
    return map;
}

/*  A traffic_sources answer: types with shares; each with one dated point
    in month (so the answer has a newest month).                           */
static pf_value_t *
s_sources(const char *const *types, const double *shares, size_t n, const char *month)
{
    pf_value_t *map = pf_value_map();
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; i < n; i++) {
        pf_value_t *item = pf_value_map();
        pf_map_set_str(item, "source_type", types[i]);
        pf_map_set_float(item, "share", shares[i]);
        pf_map_set_float(item, "organic", shares[i] * 0.75);
        pf_map_set_float(item, "paid", shares[i] * 0.25);
        pf_value_t *series = pf_value_array();
        pf_value_t *p = pf_value_map();
        char date[16];
        snprintf(date, sizeof date, "%s-01", month);
        pf_map_set_str(p, "date", date);
        pf_map_set_float(p, "organic", shares[i] * 0.75);
        pf_map_set_float(p, "paid", shares[i] * 0.25);
        pf_array_push(series, &p);
        pf_map_set(item, "series", &series);
        pf_array_push(list, &item);
    }
    pf_map_set(map, "sources", &list);
    pf_map_set_str(map, "last_updated", "2025-12-31");
    return map;
}

static pf_value_t *
s_provenance(const char *op, const char *origin, const char *request)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "provider", "similarweb");
    pf_map_set_str(p, "op", op);
    pf_map_set_str(p, "endpoint", "/v1/website/{domain}/x");
    pf_map_set_str(p, "source", origin);
    pf_map_set_str(p, "origin", origin);
    pf_map_set_int(p, "fetched_at", 1);
    pf_map_set_str(p, "request", request);
    return p;
}

/*  ---- months, windows, growth ------------------------------------------ */

START_TEST(test_months)
{
    int m;
    ck_assert(pf_mod_traffic_analysis_month_parse("2025-12", &m));
    ck_assert_int_eq(m, 2025 * 12 + 11);
    ck_assert(pf_mod_traffic_analysis_month_parse("2025-01-01", &m));
    ck_assert_int_eq(m, 2025 * 12);
    m = 7;
    ck_assert(!pf_mod_traffic_analysis_month_parse("2025-13", &m));
    ck_assert(!pf_mod_traffic_analysis_month_parse("2025-00-01", &m));
    ck_assert(!pf_mod_traffic_analysis_month_parse("25-12", &m));
    ck_assert(!pf_mod_traffic_analysis_month_parse("2025/12", &m));
    ck_assert(!pf_mod_traffic_analysis_month_parse("2025-1", &m));
    ck_assert(!pf_mod_traffic_analysis_month_parse("2025-12x", &m));
    ck_assert(!pf_mod_traffic_analysis_month_parse("1999-12", &m));
    ck_assert(!pf_mod_traffic_analysis_month_parse("", &m));
    ck_assert(!pf_mod_traffic_analysis_month_parse(NULL, &m));
    ck_assert_int_eq(m, 7);      /* untouched on failure                   */

    char out[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN];
    pf_mod_traffic_analysis_month_format(s_month("2025-12") - 11, out);
    ck_assert_str_eq(out, "2025-01");
    pf_mod_traffic_analysis_month_format(s_month("2025-12") - 23, out);
    ck_assert_str_eq(out, "2024-01");
    pf_mod_traffic_analysis_month_format(s_month("2025-01") - 1, out);
    ck_assert_str_eq(out, "2024-12");
}
END_TEST

START_TEST(test_latest)
{
    pf_value_t *s = s_series(s_month("2024-03"), 12, 10, 1);
    ck_assert_int_eq(pf_mod_traffic_analysis_latest(s), s_month("2025-02"));
    s_point(s, "garbage", 1);
    s_point(s, "2023-01-01", 1);     /* out of order: the newest still wins */
    ck_assert_int_eq(pf_mod_traffic_analysis_latest(s), s_month("2025-02"));
    pf_value_destroy(&s);

    s = s_series(0, 0, 0, 0);
    ck_assert_int_eq(pf_mod_traffic_analysis_latest(s), -1);
    pf_value_destroy(&s);
    ck_assert_int_eq(pf_mod_traffic_analysis_latest(NULL), -1);

    static const char *const types[] = {"search", "direct"};
    static const double shares[] = {0.6, 0.4};
    s = s_sources(types, shares, 2, "2025-11");
    ck_assert_int_eq(pf_mod_traffic_analysis_latest(s), s_month("2025-11"));
    pf_value_destroy(&s);
}
END_TEST

START_TEST(test_window)
{
    int first = s_month("2025-01");
    /*  Jan..Jun: 100..105; then a gap, invalid and contradictory points. */
    pf_value_t *s = s_series(first, 6, 100, 1);
    s_point(s, "2025-08-01", -5);          /* out of range: Aug absent      */
    s_point(s, "2025-09-01", 50);
    s_point(s, "2025-09-01", 60);          /* disagrees: Sep absent         */
    s_point(s, "2025-10-01", 70);
    s_point(s, "2025-10-01", 70);          /* same value twice: fine        */
    s_point(s, "2025-11-01", 80);
    s_point(s, "2026-01-01", 999);         /* after the window: ignored     */
    s_point(s, "2024-12-01", 999);         /* before it: ignored            */
    double v[12];
    bool present[12];
    size_t n = pf_mod_traffic_analysis_window(s, first, 12, 0, INFINITY, v, present);
    ck_assert_uint_eq(n, 8);
    for (int i = 0; i < 6; i++) {
        ck_assert(present[i]);
        ck_assert(fabs(v[i] - (100 + i)) < EPS);
    }
    ck_assert(!present[6]);                /* Jul: no point                 */
    ck_assert(!present[7]);
    ck_assert(!present[8]);
    ck_assert(present[9] && fabs(v[9] - 70) < EPS);
    ck_assert(present[10] && fabs(v[10] - 80) < EPS);
    ck_assert(!present[11]);
    ck_assert(fabs(v[7]) < EPS && fabs(v[8]) < EPS);   /* absent: zero     */

    /*  A ceiling: a bounce rate above 1 is not a rate.                    */
    pf_value_t *b = s_series(first, 2, 0.5, 0.6);     /* 0.5, 1.1           */
    n = pf_mod_traffic_analysis_window(b, first, 2, 0, 1, v, present);
    ck_assert_uint_eq(n, 1);
    ck_assert(present[0] && !present[1]);
    pf_value_destroy(&b);
    pf_value_destroy(&s);
}
END_TEST

START_TEST(test_growth)
{
    double v[6] = {100, 100, 100, 110, 120, 130};
    bool present[6] = {true, true, true, true, true, true};
    double g = -7;
    ck_assert(pf_mod_traffic_analysis_growth(v, present, 6, 3, &g));
    ck_assert(fabs(g - (360.0 / 300.0 - 1)) < EPS);
    /*  Only the last 2 × span months count.                               */
    ck_assert(pf_mod_traffic_analysis_growth(v, present, 6, 1, &g));
    ck_assert(fabs(g - (130.0 / 120.0 - 1)) < EPS);
    /*  Too short, a month absent, a zero base: no growth.                 */
    g = -7;
    ck_assert(!pf_mod_traffic_analysis_growth(v, present, 5, 3, &g));
    present[0] = false;
    ck_assert(!pf_mod_traffic_analysis_growth(v, present, 6, 3, &g));
    present[0] = true;
    double zero[6] = {0, 0, 0, 5, 5, 5};
    ck_assert(!pf_mod_traffic_analysis_growth(zero, present, 6, 3, &g));
    ck_assert(!pf_mod_traffic_analysis_growth(v, present, 6, 0, &g));
    ck_assert(g == -7);
    /*  Decline is negative.                                               */
    double down[4] = {200, 200, 100, 100};
    ck_assert(pf_mod_traffic_analysis_growth(down, present, 4, 2, &g));
    ck_assert(fabs(g + 0.5) < EPS);
}
END_TEST

/*  ---- shares ------------------------------------------------------------ */

START_TEST(test_top_countries)
{
    static const s_country_t c[] = {
        {826, "GB", 0.07}, {840, "US", 0.52}, {124, "CA", 0.05}, {999, NULL, 0.06},
        {392, "JP", 0.04}, {276, "DE", 0.04}, {250, "FR", 1.5}, {356, "IN", -0.1},
    };
    pf_value_t *geo = s_geo(c, sizeof c / sizeof c[0]);
    double sum = 0;
    pf_value_t *top = pf_mod_traffic_analysis_top_countries(geo, 5, &sum);
    ck_assert(fabs(sum - 0.78) < EPS);     /* FR and IN are not shares      */
    ck_assert_uint_eq(pf_array_size(top), 5);
    static const int numbers[] = {840, 826, 999, 124, 392};   /* JP before DE: order */
    for (size_t i = 0; i < 5; i++) {
        const pf_value_t *e = pf_array_at(top, i);
        ck_assert_int_eq(pf_map_get_int(e, "country", 0), numbers[i]);
        ck_assert(pf_map_has(e, "visits"));
        ck_assert(!pf_map_has(e, "rank"));
    }
    ck_assert_str_eq(pf_map_get_str(pf_array_at(top, 0), "country_code"), "US");
    ck_assert(fabs(pf_map_get_float(pf_array_at(top, 0), "share", 0) - 0.52) < EPS);
    ck_assert(!pf_map_has(pf_array_at(top, 2), "country_code"));   /* not in ISO table */
    pf_value_destroy(&top);
    top = pf_mod_traffic_analysis_top_countries(geo, 1, &sum);
    ck_assert_uint_eq(pf_array_size(top), 1);
    pf_value_destroy(&top);
    pf_value_destroy(&geo);
}
END_TEST

START_TEST(test_sources)
{
    static const char *const types[] = {"direct", "search", "mail", "social", "bogus"};
    static const double shares[] = {0.30, 0.45, 0.05, 0.20, 2.0};
    pf_value_t *ts = s_sources(types, shares, 5, "2025-12");
    pf_value_t *list = pf_mod_traffic_analysis_sources(ts);
    ck_assert_uint_eq(pf_array_size(list), 4);
    static const char *const order[] = {"search", "direct", "social", "mail"};
    for (size_t i = 0; i < 4; i++) {
        const pf_value_t *e = pf_array_at(list, i);
        ck_assert_str_eq(pf_map_get_str(e, "source_type"), order[i]);
        ck_assert(!pf_map_has(e, "series"));
        ck_assert(fabs(pf_map_get_float(e, "organic", 0) + pf_map_get_float(e, "paid", 0) -
                       pf_map_get_float(e, "share", 0)) < EPS);
    }
    pf_value_destroy(&list);
    pf_value_destroy(&ts);
}
END_TEST

/*  ---- whole results ---------------------------------------------------- */

/*  The answers of a run and the input pointing at them.                    */
typedef struct {
    pf_value_t *data[7];             /* probe, visits, bounce, pages, duration,
                                        sources, geo                         */
    pf_value_t *prov[7];             /* their provenance                     */
    pf_mod_traffic_analysis_input_t in;
} s_run_t;

static const char *const s_ops[7] = {"visits", "visits", "bounce_rate", "pages_per_visit",
                                     "average_visit_duration", "traffic_sources", "geo"};

static pf_mod_traffic_analysis_reply_t *
s_slot(s_run_t *r, int i)
{
    pf_mod_traffic_analysis_reply_t *slots[7] = {
        &r->in.probe, &r->in.bounce_rate, &r->in.pages_per_visit,
        &r->in.average_visit_duration, &r->in.traffic_sources, &r->in.geo, &r->in.visits};
    /*  Index order as s_ops: probe 0, visits 1, then the five.           */
    static const int map[7] = {0, 6, 1, 2, 3, 4, 5};
    return slots[map[i]];
}

/*  Visits: 24 months to 2025-12, 1000 + 10 i; the probe: 12 months to
    2025-12 with the same values; engagement: 12 months; sources; geo.    */
static void
s_healthy(s_run_t *r, const char *origin)
{
    memset(r, 0, sizeof *r);
    int end = s_month("2025-12");
    r->data[0] = s_series(end - 11, 12, 1120, 10);
    r->data[1] = s_series(end - 23, 24, 1000, 10);
    r->data[2] = s_series(end - 11, 12, 0.40, 0.01);
    r->data[3] = s_series(end - 11, 12, 4.0, 0.1);
    r->data[4] = s_series(end - 11, 12, 200, 2);
    static const char *const types[] = {"search", "direct", "referrals"};
    static const double shares[] = {0.5, 0.3, 0.2};
    r->data[5] = s_sources(types, shares, 3, "2025-12");
    static const s_country_t c[] = {{840, "US", 0.5}, {826, "GB", 0.1}, {124, "CA", 0.05},
                                    {276, "DE", 0.04}, {250, "FR", 0.03}, {724, "ES", 0.02}};
    r->data[6] = s_geo(c, 6);
    for (int i = 0; i < 7; i++) {
        char request[64];
        snprintf(request, sizeof request, "http://127.0.0.1/%s/%d", s_ops[i], i);
        r->prov[i] = s_provenance(s_ops[i], origin, request);
        *s_slot(r, i) = (pf_mod_traffic_analysis_reply_t){r->data[i], r->prov[i], NULL, NULL};
    }
}

static void
s_fail(s_run_t *r, int i, const char *code, const char *message)
{
    *s_slot(r, i) = (pf_mod_traffic_analysis_reply_t){NULL, NULL, code, message};
}

static void
s_free(s_run_t *r)
{
    for (int i = 0; i < 7; i++) {
        pf_value_destroy(&r->data[i]);
        pf_value_destroy(&r->prov[i]);
    }
}

static const pf_value_t *
s_data(const pf_value_t *result, const char *field)
{
    return pf_map_get(pf_map_get(result, "data"), field);
}

static void
s_reason_starts(const pf_value_t *result, const char *field, const char *prefix)
{
    const char *reason = pf_mod_check_reason(result, field);
    ck_assert_msg(reason != NULL, "%s is not missing", field);
    ck_assert_msg(strncmp(reason, prefix, strlen(prefix)) == 0, "%s: %s", field, reason);
    ck_assert_msg(s_data(result, field) == NULL, "%s both set and missing", field);
}

static double
s_float(const pf_value_t *result, const char *field)
{
    const pf_value_t *v = s_data(result, field);
    ck_assert_msg(v != NULL, "%s is not set", field);
    return pf_value_as_float(v, NAN);
}

START_TEST(test_result_healthy)
{
    s_run_t r;
    s_healthy(&r, "fixture");
    pf_value_t *res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert(res != NULL);
    ck_assert_uint_eq(pf_array_size(pf_map_get(res, "missing")), 0);
    ck_assert(!pf_map_get_bool(res, "synthetic", true));

    const pf_value_t *period = s_data(res, "period");
    ck_assert_str_eq(pf_map_get_str(period, "start"), "2025-01");
    ck_assert_str_eq(pf_map_get_str(period, "end"), "2025-12");
    ck_assert_int_eq(pf_map_get_int(period, "months", 0), 12);
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "period"), "request"),
                     "http://127.0.0.1/visits/0");
    ck_assert_str_eq(pf_value_as_str(s_data(res, "last_updated"), NULL), "2025-12-31");

    /*  Visits from the two-year call: month i is 1000 + 10 i, i = 0..23.  */
    ck_assert_int_eq(pf_value_as_int(s_data(res, "monthly_visits"), 0), 1230);
    const pf_value_t *series = s_data(res, "visits_series");
    ck_assert_uint_eq(pf_array_size(series), 12);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(series, 0), "month"), "2025-01");
    ck_assert_int_eq(pf_map_get_int(pf_array_at(series, 0), "visits", 0), 1120);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(series, 11), "month"), "2025-12");
    ck_assert_int_eq(pf_value_as_int(s_data(res, "average_monthly_visits"), 0), 1175);
    double last3 = 1210 + 1220 + 1230, prev3 = 1180 + 1190 + 1200;
    ck_assert(fabs(s_float(res, "visits_growth_3m") - (last3 / prev3 - 1)) < EPS);
    double last12 = 0, prev12 = 0;
    for (int i = 0; i < 12; i++) {
        prev12 += 1000 + 10 * i;
        last12 += 1120 + 10 * i;
    }
    ck_assert(fabs(s_float(res, "visits_growth_12m") - (last12 / prev12 - 1)) < EPS);
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "visits_growth_12m"), "request"),
                     "http://127.0.0.1/visits/1");

    ck_assert(fabs(s_float(res, "bounce_rate") - (0.40 + 0.01 * 5.5)) < EPS);
    ck_assert(fabs(s_float(res, "pages_per_visit") - (4.0 + 0.1 * 5.5)) < EPS);
    ck_assert(fabs(s_float(res, "average_visit_duration_s") - 211) < EPS);
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "bounce_rate"), "op"), "bounce_rate");

    const pf_value_t *sources = s_data(res, "traffic_sources");
    ck_assert_uint_eq(pf_array_size(sources), 3);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(sources, 0), "source_type"), "search");
    const pf_value_t *top = s_data(res, "top_countries");
    ck_assert_uint_eq(pf_array_size(top), PF_MOD_TRAFFIC_ANALYSIS_TOP_COUNTRIES);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(top, 0), "country_code"), "US");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(top, 4), "country_code"), "FR");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "top_countries"), "op"), "geo");
    pf_value_destroy(&res);
    s_free(&r);
}
END_TEST

START_TEST(test_result_synthetic)
{
    s_run_t r;
    s_healthy(&r, "synthetic");
    pf_value_t *res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert(pf_map_get_bool(res, "synthetic", false));
    pf_value_destroy(&res);
    s_free(&r);
}
END_TEST

START_TEST(test_result_one_call_failing)
{
    s_run_t r;
    s_healthy(&r, "fixture");
    s_fail(&r, 6, "timeout", "no answer in 10000 ms");
    pf_value_t *res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert_uint_eq(pf_array_size(pf_map_get(res, "missing")), 1);
    ck_assert_str_eq(pf_mod_check_reason(res, "top_countries"),
                     "similarweb geo failed: timeout: no answer in 10000 ms");
    ck_assert(s_data(res, "traffic_sources") != NULL);
    pf_value_destroy(&res);
    s_free(&r);

    s_healthy(&r, "fixture");
    s_fail(&r, 2, "bad_response", "");
    res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert_str_eq(pf_mod_check_reason(res, "bounce_rate"),
                     "similarweb bounce_rate failed: bad_response");
    ck_assert_uint_eq(pf_array_size(pf_map_get(res, "missing")), 1);
    pf_value_destroy(&res);
    s_free(&r);

    /*  Not asked at all (the deadline passed after the probe).            */
    s_healthy(&r, "fixture");
    r.in.traffic_sources = (pf_mod_traffic_analysis_reply_t){NULL, NULL, NULL, NULL};
    res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert_str_eq(pf_mod_check_reason(res, "traffic_sources"),
                     "similarweb traffic_sources was not asked: the task ran out of time");
    pf_value_destroy(&res);
    s_free(&r);
}
END_TEST

START_TEST(test_result_two_year_call_failing)
{
    /*  Visits then come from the probe's 12 months: no 12-month growth.  */
    s_run_t r;
    s_healthy(&r, "fixture");
    s_fail(&r, 1, "provider_error", "503");
    pf_value_t *res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert_int_eq(pf_value_as_int(s_data(res, "monthly_visits"), 0), 1230);
    ck_assert_uint_eq(pf_array_size(s_data(res, "visits_series")), 12);
    ck_assert(s_data(res, "visits_growth_3m") != NULL);
    s_reason_starts(res, "visits_growth_12m",
                    "needs the visits of every month 2024-01..2025-12; SimilarWeb gave 12 of 24");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "monthly_visits"), "request"),
                     "http://127.0.0.1/visits/0");
    pf_value_destroy(&res);
    s_free(&r);
}
END_TEST

START_TEST(test_result_gaps)
{
    /*  The latest month missing from the two-year answer, and a gap in the
        quarter before: monthly visits and 3-month growth are missing, the
        rest holds.                                                        */
    s_run_t r;
    s_healthy(&r, "fixture");
    pf_value_destroy(&r.data[1]);
    int end = s_month("2025-12");
    r.data[1] = s_series(end - 23, 20, 1000, 10);    /* to 2025-08          */
    s_point(r.data[1], "2025-10-01", 1200);
    s_point(r.data[1], "2025-11-01", 1210);
    r.in.visits.data = r.data[1];
    pf_value_t *res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert_str_eq(pf_mod_check_reason(res, "monthly_visits"),
                     "SimilarWeb gave no valid visits for 2025-12");
    s_reason_starts(res, "visits_growth_3m",
                    "needs the visits of every month 2025-07..2025-12; SimilarWeb gave 4 of 6");
    ck_assert_uint_eq(pf_array_size(s_data(res, "visits_series")), 10);
    ck_assert(s_data(res, "average_monthly_visits") != NULL);
    pf_value_destroy(&res);
    s_free(&r);
}
END_TEST

START_TEST(test_result_probe_failing)
{
    /*  Without the probe the five are asked without dates; the window ends
        at the newest month of their answers and visits are unknown.      */
    s_run_t r;
    s_healthy(&r, "fixture");
    s_fail(&r, 0, "breaker_open", "similarweb is failing");
    r.in.visits = (pf_mod_traffic_analysis_reply_t){NULL, NULL, NULL, NULL};   /* not made */
    pf_value_t *res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert(res != NULL);
    ck_assert_str_eq(pf_map_get_str(s_data(res, "period"), "end"), "2025-12");
    ck_assert_str_eq(pf_map_get_str(pf_mod_check_source(res, "period"), "op"), "bounce_rate");
    static const char *const visits[] = {"monthly_visits", "visits_series",
                                         "average_monthly_visits", "visits_growth_3m",
                                         "visits_growth_12m"};
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(pf_mod_check_reason(res, visits[i]),
                         "similarweb visits failed: breaker_open: similarweb is failing");
    ck_assert(s_data(res, "bounce_rate") != NULL);
    ck_assert(s_data(res, "top_countries") != NULL);
    ck_assert_uint_eq(pf_array_size(pf_map_get(res, "missing")), 5);
    pf_value_destroy(&res);

    /*  Nothing dated either: the window is unknown; geo still tells.      */
    s_fail(&r, 2, "timeout", "");
    s_fail(&r, 3, "timeout", "");
    s_fail(&r, 4, "timeout", "");
    s_fail(&r, 5, "timeout", "");
    res = pf_mod_traffic_analysis_result(&r.in);
    ck_assert(res != NULL);
    s_reason_starts(res, "period", "the latest month is unknown: similarweb visits failed: "
                                   "breaker_open");
    ck_assert_str_eq(pf_mod_check_reason(res, "bounce_rate"),
                     "similarweb bounce_rate failed: timeout");
    ck_assert(s_data(res, "top_countries") != NULL);
    ck_assert_str_eq(pf_value_as_str(s_data(res, "last_updated"), NULL), "2025-12-31");
    pf_value_destroy(&res);
    s_free(&r);
}
END_TEST

START_TEST(test_result_contradictory_shares)
{
    s_run_t r;
    s_healthy(&r, "fixture");
    pf_value_destroy(&r.data[6]);
    static const s_country_t c[] = {{840, "US", 0.8}, {826, "GB", 0.3}};
    r.data[6] = s_geo(c, 2);
    r.in.geo.data = r.data[6];
    pf_value_t *res = pf_mod_traffic_analysis_result(&r.in);
    s_reason_starts(res, "top_countries",
                    "contradictory: SimilarWeb's country shares add up to 1.100");
    pf_value_destroy(&res);
    s_free(&r);
}
END_TEST

START_TEST(test_result_nothing_known)
{
    s_run_t r;
    s_healthy(&r, "fixture");
    for (int i = 0; i < 7; i++)
        s_fail(&r, i, "unreachable", "connection reset");
    r.in.visits = (pf_mod_traffic_analysis_reply_t){NULL, NULL, NULL, NULL};
    ck_assert(pf_mod_traffic_analysis_result(&r.in) == NULL);

    /*  Answers without any data: nothing known either.                    */
    pf_value_t *empty = pf_value_map();
    pf_value_t *list = pf_value_array();
    pf_map_set(empty, "series", &list);
    pf_value_t *prov = s_provenance("visits", "fixture", "http://127.0.0.1/x");
    r.in.probe = (pf_mod_traffic_analysis_reply_t){empty, prov, NULL, NULL};
    ck_assert(pf_mod_traffic_analysis_result(&r.in) == NULL);
    pf_value_destroy(&empty);
    pf_value_destroy(&prov);
    s_free(&r);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_mod_traffic_analysis");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_months);
    tcase_add_test(tc, test_latest);
    tcase_add_test(tc, test_window);
    tcase_add_test(tc, test_growth);
    tcase_add_test(tc, test_top_countries);
    tcase_add_test(tc, test_sources);
    tcase_add_test(tc, test_result_healthy);
    tcase_add_test(tc, test_result_synthetic);
    tcase_add_test(tc, test_result_one_call_failing);
    tcase_add_test(tc, test_result_two_year_call_failing);
    tcase_add_test(tc, test_result_gaps);
    tcase_add_test(tc, test_result_probe_failing);
    tcase_add_test(tc, test_result_contradictory_shares);
    tcase_add_test(tc, test_result_nothing_known);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
