/*  test_pf_apikeys.c — key file parsing (from files and from memory), the
    canonical text, and per-key token buckets.                              */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_apikeys.h"
#include "pf_check.h"
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

/*  Parses text (len bytes) and expects a refusal naming line lineno.      */
static void
s_expect_bad(const char *text, size_t len, int lineno)
{
    char why[256] = "";
    ck_assert_ptr_null(pf_apikeys_parse(text, len, "mem", why, sizeof why));
    char where[32];
    snprintf(where, sizeof where, "mem:%d:", lineno);
    ck_assert_msg(strstr(why, where), "'%s' does not name line %d", why, lineno);
}

START_TEST(test_parse_lines)
{
    char why[256];
    /*  CRLF endings, tabs, no final newline, '#' inside a key.             */
    const char *text = "\t# comment\r\n a#b\t7\r\n\r\nplain";
    pf_apikeys_t *k = pf_apikeys_parse(text, strlen(text), "mem", why, sizeof why);
    ck_assert_msg(k != NULL, "%s", why);
    size_t len = 0;
    char *canon = pf_apikeys_format(k, &len);
    ck_assert_str_eq(canon, "a#b 7\nplain 0\n");
    ck_assert_uint_eq(len, strlen(canon));
    uint32_t retry = 0;
    ck_assert_int_eq(pf_apikeys_admit(k, "plain", 0, &retry), PF_OK);
    ck_assert_int_eq(pf_apikeys_admit(k, "a#b", 0, &retry), PF_OK);
    pf_apikeys_destroy(&k);

    /*  The canonical text parses back to itself.                           */
    k = pf_apikeys_parse(canon, len, "canon", why, sizeof why);
    ck_assert_ptr_nonnull(k);
    size_t len2 = 0;
    char *again = pf_apikeys_format(k, &len2);
    ck_assert_str_eq(again, canon);
    free(again);
    free(canon);
    pf_apikeys_destroy(&k);

    /*  Only the given bytes count: the rest of the buffer is not read.    */
    k = pf_apikeys_parse("key 5 extra", 3, "mem", why, sizeof why);
    ck_assert_ptr_nonnull(k);
    canon = pf_apikeys_format(k, &len);
    ck_assert_str_eq(canon, "key 0\n");
    free(canon);
    pf_apikeys_destroy(&k);

    /*  The largest RPM, and a key of exactly the cap.                      */
    char line[PF_APIKEYS_KEY_MAX + 32];
    memset(line, 'k', PF_APIKEYS_KEY_MAX);
    strcpy(line + PF_APIKEYS_KEY_MAX, " 18446744073709551615\n");
    k = pf_apikeys_parse(line, strlen(line), "mem", why, sizeof why);
    ck_assert_ptr_nonnull(k);
    canon = pf_apikeys_format(k, &len);
    ck_assert_str_eq(canon, line);
    free(canon);
    pf_apikeys_destroy(&k);
}
END_TEST

START_TEST(test_parse_refusals)
{
    s_expect_bad("ok\nkey 10 extra\n", 15, 2);
    s_expect_bad("key -1\n", 7, 1);
    s_expect_bad("key +1\n", 7, 1);
    s_expect_bad("key 1.5\n", 8, 1);
    s_expect_bad("key 0x10\n", 9, 1);
    s_expect_bad("key 18446744073709551616\n", 25, 1);   /* 2^64 */
    s_expect_bad("# c\nke\0y 5\n", 11, 2);                 /* NUL in a line */
    char line[PF_APIKEYS_KEY_MAX + 3];
    memset(line, 'k', PF_APIKEYS_KEY_MAX + 1);
    line[PF_APIKEYS_KEY_MAX + 1] = '\n';
    s_expect_bad(line, PF_APIKEYS_KEY_MAX + 2, 1);

    char why[256];
    ck_assert_ptr_null(pf_apikeys_parse("", 0, "mem", why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "no keys"));
    ck_assert_ptr_null(pf_apikeys_parse(" \n\t\n#x\n", 7, "mem", why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "no keys"));
}
END_TEST

/*  A comment line longer than any line buffer stays one comment: its tail
    must not become a key.                                                  */
START_TEST(test_long_comment_line)
{
    size_t n = 5000;
    char *text = malloc(n + 16);
    text[0] = '#';
    memset(text + 1, 'x', n - 1);
    strcpy(text + n, "\nreal 3\n");
    s_write(text);
    free(text);
    char why[256];
    pf_apikeys_t *k = pf_apikeys_load(s_path, why, sizeof why);
    unlink(s_path);
    ck_assert_msg(k != NULL, "%s", why);
    size_t len = 0;
    char *canon = pf_apikeys_format(k, &len);
    ck_assert_str_eq(canon, "real 3\n");
    free(canon);
    pf_apikeys_destroy(&k);
}
END_TEST

START_TEST(test_file_too_large)
{
    snprintf(s_path, sizeof s_path, "/tmp/pf-keys-test-%d", (int)getpid());
    FILE *f = fopen(s_path, "w");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i <= PF_APIKEYS_FILE_MAX / 8; i++)
        fputs("k 1234\n#", f);
    fclose(f);
    char why[256];
    ck_assert_ptr_null(pf_apikeys_load(s_path, why, sizeof why));
    unlink(s_path);
    ck_assert_ptr_nonnull(strstr(why, "larger than"));
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_apikeys");
    TCase *tc = tcase_create("apikeys");
    tcase_add_test(tc, test_load_and_admit);
    tcase_add_test(tc, test_bad_files);
    tcase_add_test(tc, test_parse_lines);
    tcase_add_test(tc, test_parse_refusals);
    tcase_add_test(tc, test_long_comment_line);
    tcase_add_test(tc, test_file_too_large);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
