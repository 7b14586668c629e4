/*  test_pf_domain.c — unit tests of domain validation and canonicalisation
    (proto/pf_domain.c).                                                    */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_domain.h"
#include "pf_error.h"

/*  Buffer size callers must provide (pf_domain.h: >= 254).                 */
#define S_OUT_SIZE 254

/*  Expects in (len bytes) to normalise to expected.                         */
static void
s_accepts_n(const char *in, size_t len, const char *expected)
{
    char out[S_OUT_SIZE];
    const char *why = NULL;
    int rc = pf_domain_normalize(in, len, out, sizeof out, &why);
    ck_assert_msg(rc == 0, "'%s' refused: %s", in, why ? why : "?");
    ck_assert_str_eq(out, expected);
}

static void
s_accepts(const char *in, const char *expected)
{
    s_accepts_n(in, strlen(in), expected);
}

/*  Expects in (len bytes) to be refused with a reason.                     */
static void
s_rejects_n(const char *in, size_t len)
{
    char out[S_OUT_SIZE] = "untouched";
    const char *why = NULL;
    int rc = pf_domain_normalize(in, len, out, sizeof out, &why);
    ck_assert_msg(rc == PF_EDOMAIN, "'%.*s' accepted as '%s'", (int) len, in ? in : "",
                  out);
    ck_assert_msg(why && why[0], "'%.*s': no reason", (int) len, in ? in : "");
    ck_assert_str_eq(out, "untouched");
    /*  why may be NULL.                                                     */
    ck_assert_int_eq(pf_domain_normalize(in, len, out, sizeof out, NULL), PF_EDOMAIN);
}

static void
s_rejects(const char *in)
{
    s_rejects_n(in, strlen(in));
}

START_TEST(test_accepts)
{
    s_accepts("stripe.com", "stripe.com");
    s_accepts("STRIPE.COM.", "stripe.com");
    s_accepts("Stripe.Com", "stripe.com");
    s_accepts("bücher.de", "xn--bcher-kva.de");
    s_accepts("BÜCHER.DE", "xn--bcher-kva.de");
    s_accepts("sub.example.co.uk", "sub.example.co.uk");
    s_accepts("a-b.c0m.io", "a-b.c0m.io");
    s_accepts("1password.com", "1password.com");
    s_accepts("123.com", "123.com");
    s_accepts("xn--bcher-kva.de", "xn--bcher-kva.de");
    s_accepts("XN--BCHER-KVA.DE", "xn--bcher-kva.de");
    s_accepts("例え.jp", "xn--r8jz45g.jp");
    /*  UTS#46 maps fullwidth letters and the ideographic full stop.        */
    s_accepts("ｓｔｒｉｐｅ。com", "stripe.com");
    /*  Non-transitional: ß is kept and encoded, not mapped to "ss".        */
    s_accepts("faß.de", "xn--fa-hia.de");
    /*  Exactly at the limits: a 63-byte label, a 253-byte name.            */
    char name[300];
    memset(name, 'a', 63);
    strcpy(name + 63, ".com");
    s_accepts(name, name);
    memset(name, 'b', 253);
    for (size_t i = 63; i < 253; i += 64)
        name[i] = '.';   /* labels of 63 bytes */
    name[253] = '\0';
    s_accepts(name, name);
    /*  UTS#46 maps a zero-width space to nothing.                          */
    s_accepts("a\xe2\x80\x8b" "b.com", "ab.com");
    /*  Only len bytes count.                                                */
    s_accepts_n("stripe.comXYZ", 10, "stripe.com");
}
END_TEST

START_TEST(test_rejects_bytes)
{
    s_rejects("");
    s_rejects(".");
    s_rejects_n(NULL, 0);
    s_rejects_n("a.com\0.evil", 11);
    s_rejects_n("\0", 1);
    s_rejects("a\tb.com");
    s_rejects("a.com\n");
    s_rejects("a\x7f.com");
    s_rejects("a b.com");
    s_rejects(" a.com");
    const char *specials[] = { "user@a.com", "a.com:443", "a.com/path", "a\\b.com",
                               "a%2e.com", "[a.com]", "a.com]", "http://a.com" };
    for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
        s_rejects(specials[i]);
    s_rejects("a_b.com");
    s_rejects("a*.com");
    s_rejects("*.a.com");
    s_rejects("a!.com");
    s_rejects("a,b.com");
    /*  Invalid UTF-8 and disallowed code points.                            */
    s_rejects("\xff\xfe.com");
    s_rejects("a\xc3.com");
    s_rejects("\xe2\x98\x83\xef\xbc\x8f" ".com");  /* snowman + fullwidth '/' */
}
END_TEST

START_TEST(test_rejects_ip_literals)
{
    const char *ips[] = {
        "127.0.0.1", "127.0.0.1.", "10.0.0.1", "127.1", "127.0.1", "2130706433",
        "0x7f000001", "0X7F000001", "0x7f.0x0.0x0.0x1", "0177.0.0.1", "0177.1",
        "017700000001", "0", "0x", "1.2.3.4.5", "a.1", "foo.123", "foo.0x1f", "foo.0xcafe",
        "[::1]", "::1", "[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "fe80::1%eth0",
        "2001:db8::1", "[2001:db8::1]:80", "１２７.０.０.１",
    };
    for (size_t i = 0; i < sizeof ips / sizeof *ips; i++)
        s_rejects(ips[i]);
}
END_TEST

START_TEST(test_rejects_special_names)
{
    const char *names[] = {
        "localhost", "LOCALHOST", "localhost.", "foo.localhost", "a.b.localhost",
        "printer.local", "db.internal", "box.localdomain", "router.home.arpa",
        "1.0.0.127.in-addr.arpa", "x.arpa", "site.test", "www.example", "a.invalid",
        "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        s_rejects(names[i]);
}
END_TEST

START_TEST(test_rejects_shape)
{
    s_rejects("com");
    s_rejects("intranet");
    s_rejects("a..b");
    s_rejects("a..b.com");
    s_rejects(".a.com");
    s_rejects("a.com..");
    s_rejects("..");
    s_rejects("-a.com");
    s_rejects("a-.com");
    s_rejects("a.-com");
    s_rejects("a.com-");
    char name[400];
    memset(name, 'a', 64);
    strcpy(name + 64, ".com");
    s_rejects(name);   /* 64-byte label */
    memset(name, 'b', 254);
    for (size_t i = 63; i < 254; i += 64)
        name[i] = '.';
    name[254] = '\0';
    s_rejects(name);   /* 254 bytes */
    /*  A non-ASCII label whose A-label is over 63 bytes.                    */
    char idn[400] = "";
    for (int i = 0; i < 40; i++) {
        /*  40 distinct CJK ideographs: Punycode cannot compress them.      */
        unsigned cp = 0x4e00 + 37u * (unsigned) i;
        char utf8[4] = { (char) (0xe0 | (cp >> 12)), (char) (0x80 | ((cp >> 6) & 0x3f)),
                         (char) (0x80 | (cp & 0x3f)), '\0' };
        strcat(idn, utf8);
    }
    strcat(idn, ".cn");
    s_rejects(idn);
    /*  Far too long input.                                                  */
    char *huge = malloc(5000);
    memset(huge, 'a', 4999);
    huge[4999] = '\0';
    s_rejects(huge);
    free(huge);
}
END_TEST

START_TEST(test_rejects_bad_alabels)
{
    s_rejects("xn--.com");
    s_rejects("xn--zzzzzzzz.com");
    s_rejects("xn--a.com");
    s_rejects("xn--abc-.com");
    s_rejects("www.xn--99999999999999.de");
    /*  Punycode of plain ASCII is not a valid A-label.                      */
    s_rejects("xn--abc-.de");
}
END_TEST

static Suite *
s_suite(void)
{
    Suite *s = suite_create("pf_domain");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_accepts);
    tcase_add_test(tc, test_rejects_bytes);
    tcase_add_test(tc, test_rejects_ip_literals);
    tcase_add_test(tc, test_rejects_special_names);
    tcase_add_test(tc, test_rejects_shape);
    tcase_add_test(tc, test_rejects_bad_alabels);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pf_check_run(s_suite());
}
