/*  test_pf_mod_signal_scoring.c — signal_scoring's rules: dates without a
    clock, decay by half-life, the timing thresholds, and the scores of the
    shipped profile's signals from hand-made inputs (evidence by kind,
    undated evidence at its fetch day, duplicates counted once, absent and
    simulated inputs contributing 0, no usable input at all).             */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_check.h"
#include "pf_mod_check.h"
#include "pf_mod_investor_intelligence.h"
#include "pf_mod_signal_scoring.h"
#include "pf_profile.h"
#include "pf_value.h"

#define S_MS_PER_DAY 86400000LL

START_TEST(test_days)
{
    int64_t d = -1;
    ck_assert(pf_mod_signal_scoring_day("1970-01-01", &d));
    ck_assert_int_eq(d, 0);
    ck_assert(pf_mod_signal_scoring_day("2000-03-01", &d));
    ck_assert_int_eq(d, 11017);
    ck_assert(pf_mod_signal_scoring_day("2024-02-29T10:00:00Z", &d));
    ck_assert_int_eq(d, 19782);
    d = 7;
    ck_assert(!pf_mod_signal_scoring_day("2023-02-29", &d));
    ck_assert(!pf_mod_signal_scoring_day("1900-02-29", &d));
    ck_assert(!pf_mod_signal_scoring_day("2024-13-01", &d));
    ck_assert(!pf_mod_signal_scoring_day("2024-1-01", &d));
    ck_assert(!pf_mod_signal_scoring_day("3 days ago", &d));
    ck_assert(!pf_mod_signal_scoring_day(NULL, &d));
    ck_assert_int_eq(d, 7);
    /*  Day numbers back to dates, across leap days and centuries.          */
    static const char *const dates[] = {"1970-01-01", "2000-02-29", "2024-12-31", "2100-03-01"};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        char out[PF_MOD_SIGNAL_DATE_MAX];
        ck_assert(pf_mod_signal_scoring_day(dates[i], &d));
        pf_mod_signal_scoring_date(d, out, sizeof out);
        ck_assert_str_eq(out, dates[i]);
    }
}
END_TEST

START_TEST(test_decay_and_timing)
{
    ck_assert_double_eq(pf_mod_signal_scoring_decay(0, 60), 1.0);
    ck_assert_double_eq(pf_mod_signal_scoring_decay(-5, 60), 1.0);
    ck_assert_double_eq_tol(pf_mod_signal_scoring_decay(60, 60), 0.5, 1e-12);
    ck_assert_double_eq_tol(pf_mod_signal_scoring_decay(120, 60), 0.25, 1e-12);
    const pf_profile_signal_timing_t t = {50, 20, 3};
    ck_assert_str_eq(pf_mod_signal_scoring_timing(&t, 50), "act_now");
    ck_assert_str_eq(pf_mod_signal_scoring_timing(&t, 49.9), "nurture");
    ck_assert_str_eq(pf_mod_signal_scoring_timing(&t, 20), "nurture");
    ck_assert_str_eq(pf_mod_signal_scoring_timing(&t, 19.9), "monitor");
    ck_assert_str_eq(pf_mod_signal_scoring_timing(&t, 0), "monitor");
}
END_TEST

/*  ---- hand-made inputs ------------------------------------------------- */

/*  A module result {data: {field: value}, provenance: {field: 0},
    sources: [provider fetched at fetched_ms]}.                            */
static pf_value_t *
s_result(const char *field, pf_value_t **value_p, int64_t fetched_ms, const char *origin)
{
    pf_value_t *r = pf_value_map();
    pf_value_t *data = pf_value_map();
    pf_map_set(data, field, value_p);
    pf_map_set(r, "data", &data);
    pf_value_t *prov = pf_value_map();
    pf_map_set_int(prov, field, 0);
    pf_map_set(r, "provenance", &prov);
    pf_value_t *sources = pf_value_array();
    pf_value_t *src = pf_value_map();
    pf_map_set_str(src, "kind", "provider");
    pf_map_set_str(src, "origin", origin);
    pf_map_set_int(src, "fetched_at", fetched_ms);
    pf_array_push(sources, &src);
    pf_map_set(r, "sources", &sources);
    pf_value_t *missing = pf_value_array();
    pf_map_set(r, "missing", &missing);
    pf_map_set_bool(r, "synthetic", strcmp(origin, "synthetic") == 0);
    return r;
}

static void
s_add_ev(pf_value_t *kinds, const char *kind, const char *url, const char *date)
{
    const pf_value_t *have = pf_map_get(kinds, kind);
    pf_value_t *list = have ? pf_value_dup(have) : pf_value_array();
    pf_value_t *e = pf_value_map();
    pf_map_set_str(e, "title", url);
    pf_map_set_str(e, "url", url);
    if (date)
        pf_map_set_str(e, "date", date);
    else
        pf_map_set_nil(e, "date");
    pf_array_push(list, &e);
    pf_map_set(kinds, kind, &list);
}

static pf_value_t *
s_role(const char *url, const char *theme)
{
    pf_value_t *role = pf_value_map();
    pf_map_set_str(role, "title", url);
    pf_map_set_str(role, "url", url);
    pf_value_t *themes = pf_value_array();
    pf_array_push_str(themes, theme);
    pf_map_set(role, "themes", &themes);
    return role;
}

static const pf_value_t *
s_signal(const pf_value_t *result, const char *name)
{
    const pf_value_t *list = pf_map_get(pf_map_get(result, "data"), "signals");
    for (size_t i = 0; i < pf_array_size(list); i++)
        if (strcmp(pf_map_get_str(pf_array_at(list, i), "name"), name) == 0)
            return pf_array_at(list, i);
    ck_abort_msg("no signal %s", name);
    return NULL;
}

/*  Hiring: three search roles, undated (a fetch time is no date of
    evidence), fetched on 2025-06-30 — the newest fetch, so as_of, 90 days
    after the replatforming.  Strategic (fetched the day before): one
    replatforming headline, the same one again under digital_commerce
    (counted once), and a cost-cutting one the profile's
    digital_initiative does not read.  Investor intelligence absent.      */
static pf_value_t *
s_inputs(void)
{
    int64_t as_of, fetched;
    ck_assert(pf_mod_signal_scoring_day("2025-06-30", &as_of));
    ck_assert(pf_mod_signal_scoring_day("2025-06-30", &fetched));
    pf_value_t *inputs = pf_value_map();
    pf_value_t *roles = pf_value_array();
    pf_value_t *role = s_role("https://jobs/1", "search");
    pf_array_push(roles, &role);
    role = s_role("https://jobs/2", "ecommerce");
    pf_array_push(roles, &role);
    role = s_role("https://jobs/3", "discovery");
    pf_array_push(roles, &role);
    role = s_role("https://jobs/4", "data");     /* not a kind of the signal */
    pf_array_push(roles, &role);
    pf_value_t *hiring = s_result("relevant_roles", &roles, fetched * S_MS_PER_DAY + 1000,
                                  "fixture");
    pf_map_set(inputs, "hiring_signals", &hiring);
    pf_value_t *init = pf_value_map();
    s_add_ev(init, "replatforming", "https://news/replatform", "2025-04-01");
    s_add_ev(init, "digital_commerce", "https://news/replatform", "2025-04-01");
    s_add_ev(init, "cost_cutting", "https://news/cuts", "2025-06-30");
    pf_value_t *strategic = s_result("initiatives", &init, fetched * S_MS_PER_DAY - 5000,
                                     "synthetic");
    pf_map_set(inputs, "strategic_context", &strategic);
    return inputs;
}

START_TEST(test_scores)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = s_inputs();
    pf_value_t *r = pf_mod_signal_scoring_result(p, inputs);
    ck_assert_ptr_nonnull(r);
    const pf_value_t *data = pf_map_get(r, "data");
    ck_assert_str_eq(pf_map_get_str(data, "as_of"), "2025-06-30");
    ck_assert(pf_map_get_bool(r, "synthetic", false));

    const pf_value_t *h = s_signal(r, "search_or_commerce_hiring");
    ck_assert_str_eq(pf_map_get_str(h, "status"), "seen");
    ck_assert_int_eq(pf_map_get_int(h, "evidence_found", -1), 3);
    /*  Nothing dated: no latest, no age, not decayed, and said so.         */
    ck_assert(pf_value_is(pf_map_get(h, "age_days"), PF_NIL));
    ck_assert(pf_value_is(pf_map_get(h, "latest"), PF_NIL));
    ck_assert_double_eq(pf_map_get_float(h, "decay", -1), 1.0);
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(h, "reason"), "none dated (age unknown"));
    ck_assert_double_eq(pf_map_get_float(h, "score", -1), 30.0);
    ck_assert_double_eq(pf_map_get_float(h, "strength", -1), 1.0);
    /*  Postings carry no date: nil and dated false, no fetch day.          */
    const pf_value_t *posting = pf_array_at(pf_map_get(h, "evidence"), 0);
    ck_assert(pf_value_is(pf_map_get(posting, "date"), PF_NIL));
    ck_assert(!pf_map_get_bool(posting, "dated", true));
    ck_assert(!pf_map_has(posting, "seen"));

    /*  One distinct headline (1/3 strength), 90 days old at half-life 90. */
    const pf_value_t *d = s_signal(r, "digital_initiative");
    ck_assert_int_eq(pf_map_get_int(d, "evidence_found", -1), 1);
    ck_assert_double_eq_tol(pf_map_get_float(d, "strength", -1), 0.33, 1e-9);
    ck_assert_int_eq(pf_map_get_int(d, "age_days", -1), 90);
    ck_assert_double_eq_tol(pf_map_get_float(d, "decay", -1), 0.5, 1e-9);
    ck_assert_double_eq_tol(pf_map_get_float(d, "score", -1), 4.2, 1e-9);
    const pf_value_t *ev = pf_array_at(pf_map_get(d, "evidence"), 0);
    ck_assert_str_eq(pf_map_get_str(ev, "url"), "https://news/replatform");
    ck_assert_str_eq(pf_map_get_str(ev, "date"), "2025-04-01");
    ck_assert(pf_map_get_bool(ev, "dated", false));

    ck_assert_str_eq(pf_map_get_str(s_signal(r, "leadership_change"), "status"), "not_seen");
    ck_assert_double_eq(pf_map_get_float(s_signal(r, "leadership_change"), "score", -1), 0);
    const pf_value_t *inv = s_signal(r, "investor_digital_focus");
    ck_assert_str_eq(pf_map_get_str(inv, "status"), "input_absent");
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(inv, "reason"), "investor_intelligence"));

    ck_assert_double_eq_tol(pf_map_get_float(data, "composite_score", -1), 34.2, 1e-9);
    ck_assert_str_eq(pf_map_get_str(data, "timing"), "nurture");
    ck_assert_int_eq(pf_map_get_int(pf_map_get(data, "thresholds"), "act_now", -1),
                     pf_profile_signal_timing(p)->act_now);
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

START_TEST(test_simulated_and_absent)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = pf_value_map();
    ck_assert_ptr_null(pf_mod_signal_scoring_result(p, inputs));
    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    pf_map_set(inputs, "strategic_context", &sim);
    ck_assert_ptr_null(pf_mod_signal_scoring_result(p, inputs));

    pf_value_t *themes = pf_value_map();
    s_add_ev(themes, "digital", "https://news/q1", "2025-05-01");
    pf_value_t *inv = s_result("themes", &themes, 0, "fixture");
    pf_map_set(inputs, "investor_intelligence", &inv);
    pf_value_t *r = pf_mod_signal_scoring_result(p, inputs);
    ck_assert_ptr_nonnull(r);
    ck_assert(!pf_map_get_bool(r, "synthetic", true));
    ck_assert_str_eq(pf_map_get_str(s_signal(r, "digital_initiative"), "status"),
                     "input_simulated");
    ck_assert_str_eq(pf_map_get_str(s_signal(r, "search_or_commerce_hiring"), "status"),
                     "input_absent");
    /*  No fetch time: the evidence's own date is as of, age 0.            */
    const pf_value_t *data = pf_map_get(r, "data");
    ck_assert_str_eq(pf_map_get_str(data, "as_of"), "2025-05-01");
    ck_assert_double_eq_tol(pf_map_get_float(s_signal(r, "investor_digital_focus"), "score", -1),
                            6.7, 1e-9);
    ck_assert_str_eq(pf_map_get_str(data, "timing"), "monitor");
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

/*  Writes the shipped profile with its signals array replaced by signals
    to a temp file (path: room for PATH_MAX); the other keys stay valid
    whatever they hold.                                                    */
static void
s_profile_with(const char *signals, char *path)
{
    FILE *in = fopen(pf_profile_path(NULL), "r");
    ck_assert_ptr_nonnull(in);
    char *text = calloc(1, PF_PROFILE_FILE_MAX + 1);
    size_t n = fread(text, 1, PF_PROFILE_FILE_MAX, in);
    fclose(in);
    text[n] = '\0';
    char *open = strstr(text, "\"signals\"");
    ck_assert_ptr_nonnull(open);
    open = strchr(open, '[');
    ck_assert_ptr_nonnull(open);
    char *close = open;
    for (int depth = 0; *close; close++) {
        depth += *close == '[';
        depth -= *close == ']';
        if (depth == 0)
            break;
    }
    ck_assert_int_eq(*close, ']');
    strcpy(path, "/tmp/pf_signal_profile_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *out = fdopen(fd, "w");
    fwrite(text, 1, (size_t) (open - text), out);
    fputs(signals, out);
    fputs(close + 1, out);
    fclose(out);
    free(text);
}

/*  A signal without `kinds` reads every kind its input reports; a kinds
    entry that is not a list of strings is refused at load.               */
START_TEST(test_profile_kinds)
{
    char path[64];
    s_profile_with("[{\"name\": \"any_news\", \"input\": \"strategic_context\","
                   " \"weight\": 100, \"half_life_days\": 30}]",
                   path);
    char err[PF_PROFILE_ERROR_MAX];
    pf_profile_t *p = pf_profile_load(path, err, sizeof err);
    unlink(path);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_int_eq(pf_profile_signal_at(p, 0)->n_kinds, 0);
    pf_value_t *inputs = pf_value_map();
    pf_value_t *init = pf_value_map();
    s_add_ev(init, "cost_cutting", "https://news/a", "2025-01-31");
    s_add_ev(init, "funding", "https://news/b", "2025-03-01");
    pf_value_t *strategic = s_result("initiatives", &init, 0, "fixture");
    pf_map_set(inputs, "strategic_context", &strategic);
    pf_value_t *r = pf_mod_signal_scoring_result(p, inputs);
    const pf_value_t *s = s_signal(r, "any_news");
    ck_assert_int_eq(pf_map_get_int(s, "evidence_found", -1), 2);
    /*  Newest first.                                                       */
    ck_assert_str_eq(pf_map_get_str(pf_array_at(pf_map_get(s, "evidence"), 0), "kind"),
                     "funding");
    ck_assert_double_eq_tol(pf_map_get_float(s, "score", -1), 66.7, 1e-9);
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);

    s_profile_with("[{\"name\": \"a\", \"input\": \"strategic_context\", \"kinds\": [\"x\"],"
                   " \"weight\": 50, \"half_life_days\": 30}, {\"name\": \"b\", \"input\": "
                   "\"strategic_context\", \"kinds\": \"x\", \"weight\": 50,"
                   " \"half_life_days\": 30}]",
                   path);
    ck_assert_ptr_null(pf_profile_load(path, err, sizeof err));
    unlink(path);
    ck_assert_msg(strstr(err, "$.signals[1].kinds") != NULL, "%s", err);
}
END_TEST

/*  A headline {title, url, date (or nil)} appended to kinds[kind].         */
static void
s_add_headline(pf_value_t *kinds, const char *kind, const char *title, const char *url,
               const char *date)
{
    s_add_ev(kinds, kind, url, date);
    const pf_value_t *list = pf_map_get(kinds, kind);
    pf_value_t *e = (pf_value_t *) pf_array_at(list, pf_array_size(list) - 1);
    pf_map_set_str(e, "title", title);
}

/*  leadership_change counts only dated headlines that name an appointment
    or a departure and an executive role: a departure of a CFO and a named
    chief digital officer count; an undated CEO departure (a web page), a
    supplier resigning from a trade group (no role) and a "new executive
    order" (no role word of the profile) do not.                          */
/*  Scores inputs with *risks_p (taken) as strategic_context's risks and
    expects leadership_change seen with found pieces; the result (owned).  */
static pf_value_t *
s_leadership_seen(const pf_profile_t *p, pf_value_t *inputs, pf_value_t **risks_p,
                  int64_t found)
{
    pf_value_t *strategic = s_result("risks", risks_p, 0, "fixture");
    pf_map_set(inputs, "strategic_context", &strategic);
    pf_value_t *r = pf_mod_signal_scoring_result(p, inputs);
    ck_assert_ptr_nonnull(r);
    const pf_value_t *l = s_signal(r, "leadership_change");
    ck_assert_str_eq(pf_map_get_str(l, "status"), "seen");
    ck_assert_int_eq(pf_map_get_int(l, "evidence_found", -1), found);
    return r;
}

START_TEST(test_leadership_change)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = pf_value_map();
    pf_value_t *risks = pf_value_map();
    s_add_headline(risks, "leadership", "Acme CFO steps down after five years",
                   "https://news/cfo", "2025-06-01");
    s_add_headline(risks, "leadership", "Acme names Jane Roe chief digital officer",
                   "https://news/cdo", "2025-05-01");
    s_add_headline(risks, "leadership", "Acme CEO steps down", "https://web/ceo", NULL);
    s_add_headline(risks, "leadership", "Acme supplier resigns from trade group",
                   "https://news/supplier", "2025-06-10");
    s_add_headline(risks, "leadership", "Acme faces new executive order on tariffs",
                   "https://news/order", "2025-06-12");
    pf_value_t *r = s_leadership_seen(p, inputs, &risks, 2);
    const pf_value_t *l = s_signal(r, "leadership_change");
    const pf_value_t *ev = pf_map_get(l, "evidence");
    ck_assert_int_eq(pf_array_size(ev), 2);
    ck_assert_str_eq(pf_map_get_str(pf_array_at(ev, 0), "url"), "https://news/cfo");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(ev, 1), "url"), "https://news/cdo");
    /*  as_of is the newest evidence date (the tariff headline, read by no
        counted signal but dated): the CFO item is 11 days old.            */
    ck_assert_str_eq(pf_map_get_str(l, "latest"), "2025-06-01");

    /*  The rule directly: no signal, every item counts.                    */
    const pf_value_t *undated = pf_array_at(pf_map_get(pf_map_get(pf_map_get(
        pf_map_get(inputs, "strategic_context"), "data"), "risks"), "leadership"), 2);
    ck_assert(pf_mod_signal_scoring_counts(NULL, undated));
    const pf_profile_signal_t *sig = NULL;
    for (size_t i = 0; i < pf_profile_signal_count(p); i++)
        if (strcmp(pf_profile_signal_at(p, i)->name, "leadership_change") == 0)
            sig = pf_profile_signal_at(p, i);
    ck_assert_ptr_nonnull(sig);
    ck_assert(!pf_mod_signal_scoring_counts(sig, undated));
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

/*  An 8-K reporting item 5.02 (investor_intelligence's filings, with
    theme "leadership") counts for leadership_change, dated by its
    filing_date, next to strategic_context's news; an 8-K of results
    (2.02, no theme) does not.  With only undated evidence, as_of is
    missing and says why.                                                  */
START_TEST(test_leadership_filing)
{
    pf_profile_t *p = pf_mod_check_profile();
    pf_value_t *inputs = pf_value_map();
    pf_value_t *filings = pf_value_array();
    pf_value_t *f = pf_value_map();
    pf_map_set_str(f, "form", "8-K");
    pf_map_set_str(f, "filing_date", "2025-03-10");
    pf_map_set_str(f, "items", "5.02,9.01");
    pf_map_set_str(f, "url", "https://www.sec.gov/Archives/edgar/data/1/a/k.htm");
    pf_map_set_str(f, "title", PF_MOD_INVESTOR_ITEM_OFFICERS_TITLE);
    pf_value_t *themes = pf_value_array();
    pf_array_push_str(themes, "leadership");
    pf_map_set(f, "themes", &themes);
    pf_array_push(filings, &f);
    f = pf_value_map();
    pf_map_set_str(f, "form", "8-K");
    pf_map_set_str(f, "filing_date", "2025-04-20");
    pf_map_set_str(f, "items", "2.02,9.01");
    pf_map_set_str(f, "url", "https://www.sec.gov/Archives/edgar/data/1/b/k.htm");
    pf_array_push(filings, &f);
    pf_value_t *inv = s_result("filings", &filings, 0, "fixture");
    pf_map_set(inputs, "investor_intelligence", &inv);
    pf_value_t *risks = pf_value_map();
    s_add_headline(risks, "leadership", "Acme appoints new CFO", "https://news/cfo",
                   "2025-03-12");
    pf_value_t *r = s_leadership_seen(p, inputs, &risks, 2);
    const pf_value_t *l = s_signal(r, "leadership_change");
    const pf_value_t *ev = pf_map_get(l, "evidence");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(ev, 0), "url"), "https://news/cfo");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(ev, 1), "date"), "2025-03-10");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(ev, 1), "kind"), "leadership");
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(l, "reason"),
                                 "strategic_context and investor_intelligence"));
    ck_assert_str_eq(pf_map_get_str(pf_map_get(r, "data"), "as_of"), "2025-03-12");
    pf_value_destroy(&r);

    /*  The filing alone (the news simulated) still counts.                 */
    pf_value_t *sim = pf_value_map();
    pf_map_set_bool(sim, "simulated", true);
    pf_map_set(inputs, "strategic_context", &sim);
    r = pf_mod_signal_scoring_result(p, inputs);
    l = s_signal(r, "leadership_change");
    ck_assert_str_eq(pf_map_get_str(l, "status"), "seen");
    ck_assert_int_eq(pf_map_get_int(l, "evidence_found", -1), 1);
    ck_assert_str_eq(pf_map_get_str(l, "latest"), "2025-03-10");
    ck_assert_int_eq(pf_map_get_int(l, "age_days", -1), 0);
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);

    /*  Only undated postings: as_of is their fetch day, nothing decayed.  */
    inputs = pf_value_map();
    pf_value_t *roles = pf_value_array();
    pf_value_t *role = s_role("https://jobs/1", "search");
    pf_array_push(roles, &role);
    pf_value_t *hiring = s_result("relevant_roles", &roles, 1764201600000LL, "fixture");
    pf_map_set(inputs, "hiring_signals", &hiring);
    r = pf_mod_signal_scoring_result(p, inputs);
    ck_assert_str_eq(pf_map_get_str(pf_map_get(r, "data"), "as_of"), "2025-11-27");
    ck_assert_double_eq(pf_map_get_float(s_signal(r, "search_or_commerce_hiring"), "decay", -1),
                        1.0);
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);

    /*  Neither a fetch day nor a dated piece: no as_of (missing, why).    */
    inputs = pf_value_map();
    roles = pf_value_array();
    role = s_role("https://jobs/1", "search");
    pf_array_push(roles, &role);
    hiring = s_result("relevant_roles", &roles, 0, "fixture");
    pf_map_set(inputs, "hiring_signals", &hiring);
    r = pf_mod_signal_scoring_result(p, inputs);
    ck_assert(!pf_map_has(pf_map_get(r, "data"), "as_of"));
    const pf_value_t *missing = pf_map_get(r, "missing");
    ck_assert_str_eq(pf_map_get_str(pf_array_at(missing, 0), "field"), "as_of");
    ck_assert_ptr_nonnull(strstr(pf_map_get_str(pf_array_at(missing, 0), "reason"),
                                 "carries a date"));
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

/*  News that was old when it was fetched is old: ages count back from the
    fetch day, so a 2019 headline found in 2026 has all but decayed and
    cannot make the timing; a date after the fetch day counts as age 0.  */
START_TEST(test_stale_news)
{
    pf_profile_t *p = pf_mod_check_profile();
    int64_t fetched;
    ck_assert(pf_mod_signal_scoring_day("2026-11-27", &fetched));
    pf_value_t *inputs = pf_value_map();
    pf_value_t *init = pf_value_map();
    s_add_ev(init, "replatforming", "https://news/old", "2019-03-01");
    s_add_ev(init, "digital_commerce", "https://news/older", "2018-01-01");
    pf_value_t *strategic = s_result("initiatives", &init, fetched * S_MS_PER_DAY + 1000,
                                     "fixture");
    pf_map_set(inputs, "strategic_context", &strategic);
    pf_value_t *r = pf_mod_signal_scoring_result(p, inputs);
    const pf_value_t *data = pf_map_get(r, "data");
    ck_assert_str_eq(pf_map_get_str(data, "as_of"), "2026-11-27");
    const pf_value_t *d = s_signal(r, "digital_initiative");
    ck_assert_str_eq(pf_map_get_str(d, "latest"), "2019-03-01");
    int64_t old;
    ck_assert(pf_mod_signal_scoring_day("2019-03-01", &old));
    ck_assert_int_eq(pf_map_get_int(d, "age_days", -1), fetched - old);
    ck_assert_double_lt(pf_map_get_float(d, "decay", 1), 0.001);
    ck_assert_double_lt(pf_map_get_float(data, "composite_score", 100), 1.0);
    ck_assert_str_eq(pf_map_get_str(data, "timing"), "monitor");
    pf_value_destroy(&r);

    /*  A headline dated after the fetch day (a provider's slip): age 0.   */
    init = pf_value_map();
    s_add_ev(init, "replatforming", "https://news/future", "2027-01-01");
    strategic = s_result("initiatives", &init, fetched * S_MS_PER_DAY + 1000, "fixture");
    pf_map_set(inputs, "strategic_context", &strategic);
    r = pf_mod_signal_scoring_result(p, inputs);
    d = s_signal(r, "digital_initiative");
    ck_assert_int_eq(pf_map_get_int(d, "age_days", -1), 0);
    ck_assert_double_eq(pf_map_get_float(d, "decay", -1), 1.0);
    ck_assert_str_eq(pf_map_get_str(pf_map_get(r, "data"), "as_of"), "2026-11-27");
    pf_value_destroy(&r);
    pf_value_destroy(&inputs);
    pf_profile_destroy(&p);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_mod_signal_scoring");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_days);
    tcase_add_test(tc, test_decay_and_timing);
    tcase_add_test(tc, test_scores);
    tcase_add_test(tc, test_simulated_and_absent);
    tcase_add_test(tc, test_profile_kinds);
    tcase_add_test(tc, test_leadership_change);
    tcase_add_test(tc, test_leadership_filing);
    tcase_add_test(tc, test_stale_news);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
