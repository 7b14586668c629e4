/*  test_pf_apikeys.c — key file parsing and per-key token buckets.         */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_apikeys.h"
#include "pf_error.h"

static char s_path[64];

static void
s_write(const char *text)
{
    snprintf(s_path, sizeof s_path, "/tmp/pf-keys-test-%d", (int)getpid());
    FILE *f = fopen(s_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_load_and_admit)
{
    s_write("# keys\n  open-key\nlimited 2\n\n");
    char why[256];
    pf_apikeys_t *k = pf_apikeys_load(s_path, why, sizeof why);
    unlink(s_path);
    ck_assert_ptr_nonnull(k);
    uint32_t retry = 0;
    ck_assert_int_eq(pf_apikeys_admit(k, NULL, 0, &retry), PF_EUNKNOWN);
    ck_assert_int_eq(pf_apikeys_admit(k, "nope", 0, &retry), PF_EUNKNOWN);
    ck_assert_int_eq(pf_apikeys_admit(k, "open-ke", 0, &retry), PF_EUNKNOWN);
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(pf_apikeys_admit(k, "open-key", 0, &retry), PF_OK);
    int64_t t = 1000000;
    ck_assert_int_eq(pf_apikeys_admit(k, "limited", t, &retry), PF_OK);
    ck_assert_int_eq(pf_apikeys_admit(k, "limited", t, &retry), PF_OK);
    ck_assert_int_eq(pf_apikeys_admit(k, "limited", t, &retry), PF_EBUSY);
    /* 2 per minute: one token is back after 30 s. */
    ck_assert_uint_ge(retry, 29000);
    ck_assert_uint_le(retry, 30001);
    ck_assert_int_eq(pf_apikeys_admit(k, "limited", t + 29000000, &retry), PF_EBUSY);
    ck_assert_int_eq(pf_apikeys_admit(k, "limited", t + 30000001, &retry), PF_OK);
    pf_apikeys_destroy(&k);
    ck_assert_ptr_null(k);
    pf_apikeys_destroy(&k);
}
END_TEST

START_TEST(test_bad_files)
{
    char why[256];
    ck_assert_ptr_null(pf_apikeys_load("/nonexistent/pf-keys", why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "cannot open"));
    s_write("key 10 extra\n");
    ck_assert_ptr_null(pf_apikeys_load(s_path, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, ":1:"));
    s_write("# only comments\n\n");
    ck_assert_ptr_null(pf_apikeys_load(s_path, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "no keys"));
    unlink(s_path);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_apikeys");
    TCase *tc = tcase_create("apikeys");
    tcase_add_test(tc, test_load_and_admit);
    tcase_add_test(tc, test_bad_files);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
