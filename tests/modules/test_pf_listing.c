/*  test_pf_listing.c — the listing waves: Yahoo search → quote_summary and
    cik per EQUITY candidate → the module's SEC calls for the confirmed
    CIK → finish; and the early ends: no candidate, a candidate whose
    website is another domain.  A real actor runs the waves against a fake
    coordinator that plays Yahoo and SEC (pf_mod_rig.h).                   */
#include <check.h>
#include <string.h>

#include "pf_check.h"
#include "pf_listing.h"
#include "pf_mod_rig.h"

#define WAIT_MS 10000
#define TASK_MS 60000
/*  A call's deadline (pf_modjob.h): the task's time less a twentieth,
    less a tenth per wave still to come; the test may take SLACK_MS.      */
#define CALLS_MS (TASK_MS - TASK_MS / 20)
#define LATER_MS (TASK_MS / 10)
#define SLACK_MS 5000

/*  What finish saw, as the task's result.                                  */
static void
s_finish(pf_modjob_t *job)
{
    const char *symbols[PF_IDENTITY_CANDIDATES];
    pf_identity_reply_t quotes[PF_IDENTITY_CANDIDATES], ciks[PF_IDENTITY_CANDIDATES];
    size_t n = pf_listing_candidates(job, symbols, quotes, ciks);
    pf_value_t *r = pf_value_map();
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; i < n; i++)
        pf_array_push_str(list, symbols[i]);
    pf_map_set(r, "candidates", &list);
    const pf_value_t *sub = pf_gather_data(pf_modjob_gather(job), "submissions");
    pf_map_set_int(r, "sec_cik", pf_map_get_int(sub, "cik", -1));
    pf_modjob_finish(&job, &r, "internal", "unreachable");
}

static void
s_sec(pf_modjob_t *job, int64_t cik)
{
    pf_value_t *args = pf_value_map();
    pf_map_set_int(args, "cik", cik);
    pf_modjob_call(job, "submissions", "sec_edgar", "submissions", &args);
}

static void
s_on_task(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    (void) arg;
    pf_modjob_t *job = pf_modjob_new(actor, task, 3, sizeof(pf_listing_t), NULL);
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "query", "nike");
    pf_modjob_call(job, "search", "yahoo_finance", "search", &args);
    pf_listing_go(job, s_sec, s_finish);
}

/*  Answers *call_p like an adapter with data (taken); frees the call.     */
static void
s_answer(fc_t *fc, pfa_msg_t **call_p, pf_value_t *data)
{
    pf_mod_rig_answer(fc, *call_p, &data);
    pfa_msg_destroy(call_p);
}

/*  A search answer listing symbol (type EQUITY) and a fund.               */
static pf_value_t *
s_search(const char *symbol)
{
    pf_value_t *data = pf_value_map();
    pf_value_t *quotes = pf_value_array();
    pf_value_t *q = pf_value_map();
    pf_map_set_str(q, "symbol", "NKEFX");
    pf_map_set_str(q, "type", "MUTUALFUND");
    pf_array_push(quotes, &q);
    if (symbol) {
        q = pf_value_map();
        pf_map_set_str(q, "symbol", symbol);
        pf_map_set_str(q, "type", "EQUITY");
        pf_array_push(quotes, &q);
    }
    pf_map_set(data, "quotes", &quotes);
    return data;
}

/*  Plays wave 2 for one candidate: its website and its CIK.               */
static void
s_wave2(fc_t *fc, const char *website, int64_t cik)
{
    for (int i = 0; i < 2; i++) {
        pfa_msg_t *call = fc_expect(fc, PFA_CALL, WAIT_MS);
        /*  The second of three waves: its own share, not the first's.     */
        ck_assert_uint_le(call->timeout_ms, CALLS_MS - LATER_MS);
        ck_assert_uint_ge(call->timeout_ms, CALLS_MS - LATER_MS - SLACK_MS);
        pf_value_t *data = pf_value_map();
        if (strcmp(call->op, "quote_summary") == 0) {
            pf_value_t *profile = pf_value_map();
            pf_map_set_str(profile, "website", website);
            pf_map_set(data, "profile", &profile);
        } else {
            ck_assert_str_eq(call->op, "cik");
            pf_map_set_int(data, "cik", cik);
        }
        s_answer(fc, &call, data);
    }
}

START_TEST(test_confirmed_three_waves)
{
    pf_mod_rig_t rig;
    pf_mod_rig_start(&rig, "listing_test", s_on_task, NULL);
    fc_task(&rig.fc, 1, "listing_test", "nike.com", 1, TASK_MS, NULL);
    pfa_msg_t *search = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    ck_assert_str_eq(search->op, "search");
    ck_assert_uint_le(search->timeout_ms, CALLS_MS - 2 * LATER_MS);
    s_answer(&rig.fc, &search, s_search("NKE"));
    s_wave2(&rig.fc, "https://www.nike.com", 320187);
    pfa_msg_t *sub = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    ck_assert_str_eq(sub->op, "submissions");
    pf_value_t *args = fc_payload(sub);
    ck_assert_int_eq(pf_map_get_int(args, "cik", -1), 320187);
    pf_value_destroy(&args);
    pf_value_t *data = pf_value_map();
    pf_map_set_int(data, "cik", 320187);
    s_answer(&rig.fc, &sub, data);
    pf_value_t *body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    const pf_value_t *cands = pf_map_get(body, "candidates");
    ck_assert_uint_eq(pf_array_size(cands), 1);     /* the fund is no candidate */
    ck_assert_str_eq(pf_value_as_str(pf_array_at(cands, 0), NULL), "NKE");
    ck_assert_int_eq(pf_map_get_int(body, "sec_cik", 0), 320187);
    pf_value_destroy(&body);
    pf_mod_rig_stop(&rig);
}
END_TEST

START_TEST(test_early_ends)
{
    pf_mod_rig_t rig;
    pf_mod_rig_start(&rig, "listing_test", s_on_task, NULL);
    /*  No EQUITY candidate: finish after the search.                       */
    fc_task(&rig.fc, 2, "listing_test", "nike.com", 1, TASK_MS, NULL);
    pfa_msg_t *search = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    s_answer(&rig.fc, &search, s_search(NULL));
    pf_value_t *body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    ck_assert_uint_eq(pf_array_size(pf_map_get(body, "candidates")), 0);
    ck_assert_int_eq(pf_map_get_int(body, "sec_cik", 0), -1);
    pf_value_destroy(&body);
    /*  A candidate whose website is another domain: not confirmed, so no
        SEC call.                                                           */
    fc_task(&rig.fc, 3, "listing_test", "nike.com", 1, TASK_MS, NULL);
    search = fc_expect(&rig.fc, PFA_CALL, WAIT_MS);
    s_answer(&rig.fc, &search, s_search("NIKE"));
    s_wave2(&rig.fc, "https://www.example.org", 42);
    body = pf_mod_rig_result(&rig.fc, WAIT_MS);
    ck_assert_uint_eq(pf_array_size(pf_map_get(body, "candidates")), 1);
    ck_assert_int_eq(pf_map_get_int(body, "sec_cik", 0), -1);
    pf_value_destroy(&body);
    pf_mod_rig_stop(&rig);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_listing");
    TCase *tc = tcase_create("listing");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_confirmed_three_waves);
    tcase_add_test(tc, test_early_ends);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
