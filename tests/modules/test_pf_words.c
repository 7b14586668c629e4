/*  test_pf_words.c — whole-word matching of titles and headlines, and
    amounts written the way a reader says them.                           */
#include <check.h>
#include <math.h>
#include <stdio.h>

#include "pf_check.h"
#include "pf_words.h"

START_TEST(test_whole_words)
{
    pf_words_t w;
    pf_words_init(&w, "VP, E-Commerce & Digital (Search)");
    ck_assert(pf_words_has(&w, "vp"));
    ck_assert(pf_words_has(&w, "e commerce"));
    ck_assert(pf_words_has(&w, "search"));
    ck_assert(!pf_words_has(&w, "sea"));              /* part of a word   */
    const char *const phrases[] = { "chief", "digital", NULL };
    ck_assert_str_eq(pf_words_first(&w, phrases), "digital");
    pf_words_init(&w, NULL);
    ck_assert(!pf_words_has(&w, "vp"));
}
END_TEST

START_TEST(test_amounts)
{
    static const struct {
        double value;
        const char *want;
    } cases[] = {
        { 46309000000.0, "46.3 billion" },  { 94851909, "94.9 million" },
        { 275235000000.0, "275 billion" },  { 1500000, "1.50 million" },
        { 3.2e12, "3.20 trillion" },        { 999999, "999,999" },
        { 12480, "12,480" },                { 7, "7" },
        { 0, "0" },                         { -1234567890.0, "-1.23 billion" },
        { -4321, "-4,321" },                { 1000, "1,000" },
        { 999.96e6, "1.00 billion" },       { 99.96e6, "100 million" },
        { 9.996e6, "10.0 million" },        { 999.5e9, "1.00 trillion" },
        { 999999.6, "1.00 million" },       { -999.7e6, "-1.00 billion" },
        { NAN, "?" },                       { INFINITY, "?" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[PF_WORDS_AMOUNT_MAX];
        ck_assert_str_eq(pf_words_amount(cases[i].value, buf, sizeof buf), cases[i].want);
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_words");
    TCase *tc = tcase_create("words");
    tcase_add_test(tc, test_whole_words);
    tcase_add_test(tc, test_amounts);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
