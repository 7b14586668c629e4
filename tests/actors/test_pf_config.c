/*  test_pf_config.c — defaults, environment overlay, number parsing.       */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pf_check.h"
#include "pf_config.h"
#include "pf_error.h"

START_TEST(test_defaults)
{
    pf_config_t c;
    pf_config_defaults(&c);
    ck_assert_str_eq(c.client_endpoint, PF_DEFAULT_CLIENT_ENDPOINT);
    ck_assert_str_eq(c.tap_endpoint, PF_DEFAULT_TAP_ENDPOINT);
    ck_assert_str_eq(c.actor_endpoint, PF_DEFAULT_ACTOR_ENDPOINT);
    ck_assert_uint_eq(c.heartbeat_ms, PF_DEFAULT_HEARTBEAT_MS);
    ck_assert_uint_eq(c.liveness, PF_DEFAULT_LIVENESS);
    ck_assert_uint_eq(c.max_queued_jobs, PF_DEFAULT_MAX_QUEUED_JOBS);
    ck_assert_int_eq(c.store, PF_STORE_SQLITE);   /* durable unless asked */
}
END_TEST

START_TEST(test_env_overlay)
{
    pf_config_t c;
    pf_config_defaults(&c);
    setenv("PF_CLIENT_ENDPOINT", "tcp://127.0.0.1:1", 1);
    setenv("PF_HEARTBEAT_MS", "250", 1);
    setenv("PF_MAX_QUEUED_JOBS", "7", 1);
    setenv("PF_TAP_HWM", "12", 1);
    setenv("PF_SNDHWM", "34", 1);
    const char *bad = NULL;
    ck_assert_int_eq(pf_config_from_env(&c, &bad), PF_OK);
    ck_assert_str_eq(c.client_endpoint, "tcp://127.0.0.1:1");
    ck_assert_uint_eq(c.heartbeat_ms, 250);
    ck_assert_uint_eq(c.max_queued_jobs, 7);
    ck_assert_uint_eq(c.tap_hwm, 12);
    ck_assert_uint_eq(c.sndhwm, 34);
    unsetenv("PF_TAP_HWM");
    unsetenv("PF_SNDHWM");
    setenv("PF_LIVENESS", "zero", 1);
    ck_assert_int_eq(pf_config_from_env(&c, &bad), PF_EINVAL);
    ck_assert_str_eq(bad, "PF_LIVENESS");
    setenv("PF_LIVENESS", "0", 1);      /* below the minimum of 1 */
    ck_assert_int_eq(pf_config_from_env(&c, &bad), PF_EINVAL);
    unsetenv("PF_LIVENESS");
    char longer[400];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    setenv("PF_TAP_ENDPOINT", longer, 1);
    ck_assert_int_eq(pf_config_from_env(&c, &bad), PF_EINVAL);
    ck_assert_str_eq(bad, "PF_TAP_ENDPOINT");
}
END_TEST

START_TEST(test_parse_u32)
{
    uint32_t v = 99;
    ck_assert_int_eq(pf_config_parse_u32("42", 1, 100, &v), PF_OK);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(pf_config_parse_u32("101", 1, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32("0", 1, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32("-1", 0, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32("+1", 0, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32("1x", 0, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32("", 0, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32(" 5", 0, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32("\t+2", 0, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32(NULL, 0, 100, &v), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_u32("99999999999999999999", 0, UINT32_MAX, &v), PF_EINVAL);
    ck_assert_uint_eq(v, 42);   /* untouched on failure */
}
END_TEST

START_TEST(test_store)
{
    pf_store_kind_t k = PF_STORE_SQLITE;
    ck_assert_int_eq(pf_config_parse_store("memory", &k), PF_OK);
    ck_assert_int_eq(k, PF_STORE_MEMORY);
    ck_assert_str_eq(pf_config_store_name(k), "memory");
    ck_assert_int_eq(pf_config_parse_store("sqlite", &k), PF_OK);
    ck_assert_int_eq(k, PF_STORE_SQLITE);
    ck_assert_str_eq(pf_config_store_name(k), "sqlite");
    ck_assert_int_eq(pf_config_parse_store("SQLite", &k), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_store("", &k), PF_EINVAL);
    ck_assert_int_eq(pf_config_parse_store(NULL, &k), PF_EINVAL);
    ck_assert_int_eq(k, PF_STORE_SQLITE);   /* untouched on failure */

    pf_config_t c;
    pf_config_defaults(&c);
    const char *bad = NULL;
    setenv("PF_STORE", "memory", 1);
    ck_assert_int_eq(pf_config_from_env(&c, &bad), PF_OK);
    ck_assert_int_eq(c.store, PF_STORE_MEMORY);
    setenv("PF_STORE", "disk", 1);
    ck_assert_int_eq(pf_config_from_env(&c, &bad), PF_EINVAL);
    ck_assert_str_eq(bad, "PF_STORE");
    unsetenv("PF_STORE");

    pf_store_sync_t y = PF_STORE_SYNC_FULL;
    ck_assert_int_eq(c.store_sync, PF_STORE_SYNC_FULL);   /* the default */
    ck_assert_int_eq(pf_config_parse_store_sync("normal", &y), PF_OK);
    ck_assert_int_eq(y, PF_STORE_SYNC_NORMAL);
    ck_assert_int_eq(pf_config_parse_store_sync("full", &y), PF_OK);
    ck_assert_int_eq(y, PF_STORE_SYNC_FULL);
    ck_assert_int_eq(pf_config_parse_store_sync("off", &y), PF_EINVAL);
    setenv("PF_STORE_SYNC", "normal", 1);
    ck_assert_int_eq(pf_config_from_env(&c, &bad), PF_OK);
    ck_assert_int_eq(c.store_sync, PF_STORE_SYNC_NORMAL);
    setenv("PF_STORE_SYNC", "fast", 1);
    ck_assert_int_eq(pf_config_from_env(&c, &bad), PF_EINVAL);
    ck_assert_str_eq(bad, "PF_STORE_SYNC");
    unsetenv("PF_STORE_SYNC");
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_env_overlay);
    tcase_add_test(tc, test_parse_u32);
    tcase_add_test(tc, test_store);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
