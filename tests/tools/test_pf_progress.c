/*  test_pf_progress.c — unit tests of the job progress table
    (tools/lib/pf_progress.c): merging tap events and STATUS replies.       */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_progress.h"

#define JOB "job_0123456789abcdef01234567"

/*  A tap event body for job (JOB unless given).                            */
static pf_value_t *
s_event(const char *job, const char *module, long long attempt)
{
    pf_value_t *e = pf_value_map();
    pf_map_set_str(e, "job_id", job ? job : JOB);
    pf_map_set_str(e, "domain", "stripe.com");
    if (module)
        pf_map_set_str(e, "module", module);
    if (attempt >= 0)
        pf_map_set_int(e, "attempt", attempt);
    return e;
}

/*  Applies an event and frees it; returns what pf_progress_event said.   */
static bool
s_apply(pf_progress_t *p, const char *topic, pf_value_t *e)
{
    bool changed = pf_progress_event(p, topic, e, 1000);
    pf_value_destroy(&e);
    return changed;
}

/*  A STATUS body with one module entry.                                    */
static pf_value_t *
s_status(const char *job_status, const char *module, const char *status, long long attempts)
{
    pf_value_t *s = pf_value_map();
    pf_map_set_str(s, "job_id", JOB);
    pf_map_set_str(s, "domain", "stripe.com");
    pf_map_set_str(s, "status", job_status);
    pf_value_t *modules = pf_value_map();
    if (module) {
        pf_value_t *m = pf_value_map();
        pf_map_set_str(m, "status", status);
        pf_map_set_int(m, "attempts", attempts);
        pf_map_set(modules, module, &m);
    }
    pf_map_set(s, "modules", &modules);
    return s;
}

/*  Renders p into a string (caller frees).  Not inlined: gcc then mistakes
    the memstream buffer for a local and warns about dangling pointers.    */
__attribute__((noinline)) static char *
s_render(pf_progress_t *p, bool redraw)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    pf_progress_render(p, out, redraw, 2000);
    fclose(out);
    return text;
}

/*  The status of module as rendered.                                       */
static bool
s_shows(pf_progress_t *p, const char *module, const char *status)
{
    char *text = s_render(p, false);
    char want[128];
    snprintf(want, sizeof want, "%s", module);
    char *line = strstr(text, want);
    bool ok = false;
    if (line) {
        char *eol = strchr(line, '\n');
        if (eol)
            *eol = '\0';
        ok = strstr(line, status) != NULL;
    }
    free(text);
    return ok;
}

START_TEST(test_new_is_queued)
{
    pf_progress_t *p = pf_progress_new(JOB, NULL, 0);
    ck_assert_str_eq(pf_progress_job_status(p), "queued");
    ck_assert(!pf_progress_final(p));
    ck_assert_int_eq(pf_progress_module_ms(p, "company_context"), -1);
    pf_progress_destroy(&p);
    ck_assert_ptr_null(p);
    pf_progress_destroy(&p);
    pf_progress_destroy(NULL);
}
END_TEST

START_TEST(test_other_jobs_ignored)
{
    pf_progress_t *p = pf_progress_new(JOB, "stripe.com", 0);
    ck_assert(!s_apply(p, "module.started", s_event("job_other", "company_context", 1)));
    ck_assert(!s_apply(p, "job.completed", s_event("job_other", NULL, -1)));
    ck_assert(!pf_progress_final(p));
    pf_value_t *no_job = pf_value_map();
    ck_assert(!s_apply(p, "job.completed", no_job));
    pf_progress_destroy(&p);
}
END_TEST

START_TEST(test_module_only_advances)
{
    pf_progress_t *p = pf_progress_new(JOB, "stripe.com", 0);
    ck_assert(s_apply(p, "module.ready", s_event(NULL, "company_context", 0)));
    ck_assert(s_shows(p, "company_context", "ready"));
    ck_assert(s_apply(p, "module.started", s_event(NULL, "company_context", 1)));
    ck_assert(s_shows(p, "company_context", "running"));
    ck_assert_str_eq(pf_progress_job_status(p), "running");

    /*  A stale STATUS saying "ready" does not move it back.               */
    pf_value_t *st = s_status("running", "company_context", "ready", 0);
    ck_assert(!pf_progress_status(p, st, 1000));
    pf_value_destroy(&st);
    ck_assert(s_shows(p, "company_context", "running"));

    pf_value_t *done = s_event(NULL, "company_context", 1);
    pf_map_set_int(done, "duration_ms", 1234);
    ck_assert(s_apply(p, "module.completed", done));
    ck_assert(s_shows(p, "company_context", "completed"));
    ck_assert_int_eq(pf_progress_module_ms(p, "company_context"), 1234);

    /*  ... nor does a STATUS saying "running" after the end.              */
    st = s_status("running", "company_context", "running", 1);
    ck_assert(!pf_progress_status(p, st, 1000));
    pf_value_destroy(&st);
    ck_assert(s_shows(p, "company_context", "completed"));
    pf_progress_destroy(&p);
}
END_TEST

START_TEST(test_retry_then_fail)
{
    pf_progress_t *p = pf_progress_new(JOB, "stripe.com", 0);
    s_apply(p, "module.started", s_event(NULL, "hiring_signals", 1));
    ck_assert(s_apply(p, "module.retried", s_event(NULL, "hiring_signals", 1)));
    ck_assert(s_shows(p, "hiring_signals", "retrying"));
    /*  A late "running" of attempt 1 is older than the retry.             */
    ck_assert(!s_apply(p, "module.started", s_event(NULL, "hiring_signals", 1)));
    ck_assert(s_apply(p, "module.started", s_event(NULL, "hiring_signals", 2)));
    ck_assert(s_shows(p, "hiring_signals", "running"));
    ck_assert(s_shows(p, "hiring_signals", "attempt 2"));
    pf_value_t *fail = s_event(NULL, "hiring_signals", 2);
    pf_map_set_str(fail, "error", "timeout\x1b[2J");
    ck_assert(s_apply(p, "module.failed", fail));
    ck_assert(s_shows(p, "hiring_signals", "failed"));
    /*  The error shows, with the escape character neutralised.            */
    char *text = s_render(p, false);
    ck_assert_ptr_nonnull(strstr(text, "timeout?[2J"));
    ck_assert_ptr_null(strchr(text, '\x1b'));
    free(text);
    pf_progress_destroy(&p);
}
END_TEST

START_TEST(test_status_fills_gaps)
{
    /*  The tap lost everything: STATUS alone drives the table, and an end
        it reports wins even with another attempt count.                   */
    pf_progress_t *p = pf_progress_new(JOB, NULL, 0);
    s_apply(p, "module.started", s_event(NULL, "traffic_analysis", 3));
    pf_value_t *st = s_status("running", "traffic_analysis", "completed", 1);
    ck_assert(pf_progress_status(p, st, 1000));
    pf_value_destroy(&st);
    ck_assert(s_shows(p, "traffic_analysis", "completed"));

    st = s_status("completed", "company_context", "completed", 1);
    pf_value_t *m = (pf_value_t *)pf_map_get(pf_map_get(st, "modules"), "company_context");
    pf_map_set_int(m, "duration_ms", 77);
    pf_map_set_float(st, "elapsed_seconds", 1.5);
    ck_assert(pf_progress_status(p, st, 1000));
    pf_value_destroy(&st);
    ck_assert(pf_progress_final(p));
    ck_assert_str_eq(pf_progress_job_status(p), "completed");
    ck_assert_int_eq(pf_progress_module_ms(p, "company_context"), 77);
    char *text = s_render(p, false);
    ck_assert_ptr_nonnull(strstr(text, "1.5s"));       /* the job's duration */
    ck_assert_ptr_nonnull(strstr(text, "stripe.com"));  /* domain from STATUS */
    free(text);

    /*  A STATUS of another job changes nothing.                            */
    st = s_status("running", "x", "running", 1);
    pf_map_set_str(st, "job_id", "job_other");
    ck_assert(!pf_progress_status(p, st, 1000));
    pf_value_destroy(&st);
    pf_progress_destroy(&p);
}
END_TEST

START_TEST(test_job_ends_once)
{
    pf_progress_t *p = pf_progress_new(JOB, "stripe.com", 0);
    ck_assert(s_apply(p, "job.accepted", s_event(NULL, NULL, -1)) == false);   /* already queued */
    ck_assert(s_apply(p, "job.started", s_event(NULL, NULL, -1)));
    ck_assert(s_apply(p, "job.partial", s_event(NULL, NULL, -1)));
    ck_assert(pf_progress_final(p));
    ck_assert(!s_apply(p, "job.completed", s_event(NULL, NULL, -1)));
    pf_value_t *st = s_status("running", NULL, NULL, 0);
    pf_progress_status(p, st, 1000);
    pf_value_destroy(&st);
    ck_assert_str_eq(pf_progress_job_status(p), "partial");
    ck_assert(pf_progress_is_final_status("cancelled"));
    ck_assert(pf_progress_is_final_status("failed"));
    ck_assert(!pf_progress_is_final_status("running"));
    ck_assert(!pf_progress_is_final_status(NULL));
    pf_progress_destroy(&p);
}
END_TEST

START_TEST(test_status_order_and_redraw)
{
    pf_progress_t *p = pf_progress_new(JOB, "stripe.com", 0);
    /*  The tap mentions b first; STATUS lists a, b, c.                    */
    s_apply(p, "module.ready", s_event(NULL, "bbb", 0));
    s_apply(p, "module.ready", s_event(NULL, "zzz", 0));
    pf_value_t *st = s_status("running", NULL, NULL, 0);
    pf_value_t *modules = (pf_value_t *)pf_map_get(st, "modules");
    const char *names[] = { "aaa", "bbb", "ccc" };
    for (int i = 0; i < 3; i++) {
        pf_value_t *m = pf_value_map();
        pf_map_set_str(m, "status", "pending");
        pf_map_set_int(m, "attempts", 0);
        pf_map_set(modules, names[i], &m);
    }
    pf_progress_status(p, st, 1000);
    pf_value_destroy(&st);
    char *text = s_render(p, false);
    char *a = strstr(text, "aaa"), *b = strstr(text, "bbb"), *c = strstr(text, "ccc");
    char *z = strstr(text, "zzz");
    ck_assert(a && b && c && z);
    ck_assert(a < b && b < c && c < z);
    ck_assert(s_shows(p, "bbb", "ready"));
    free(text);
    pf_progress_destroy(&p);

    /*  A redraw first erases the lines the previous render wrote (header +
        one row), and a first draw erases nothing.                          */
    p = pf_progress_new(JOB, "stripe.com", 0);
    s_apply(p, "module.ready", s_event(NULL, "aaa", 0));
    char *drawn = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&drawn, &size);
    pf_progress_render(p, out, true, 2000);
    fflush(out);
    ck_assert_ptr_null(strchr(drawn, '\033'));
    pf_progress_render(p, out, true, 2000);
    fclose(out);
    char *second = strstr(drawn, "\033[2A\033[J");
    ck_assert_ptr_nonnull(second);
    ck_assert_ptr_nonnull(strstr(second, "aaa"));
    free(drawn);
    pf_progress_destroy(&p);
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_progress");
    TCase *tc = tcase_create("progress");
    tcase_add_test(tc, test_new_is_queued);
    tcase_add_test(tc, test_other_jobs_ignored);
    tcase_add_test(tc, test_module_only_advances);
    tcase_add_test(tc, test_retry_then_fail);
    tcase_add_test(tc, test_status_fills_gaps);
    tcase_add_test(tc, test_job_ends_once);
    tcase_add_test(tc, test_status_order_and_redraw);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
