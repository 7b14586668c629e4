/*  test_pf_adapter.c — an adapter's settings and lifecycle: the providers'
    defaults (the architecture page's limits table), every PF_<NAME>_*
    variable and its refusals, the checks pf_adapter_new relies on (base URL
    policy, keys, SEC's contact, ranges), and an adapter made and destroyed
    without an actor.  The CALL path runs on an actor and is covered by the
    integration tests against pf-fakeapi.                                   */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_adapter.h"
#include "pf_cache.h"
#include "pf_check.h"
#include "pf_error.h"
#include "pf_http.h"

extern char **environ;

#define WHY_MAX 256
#define SEC_UA "Example Corp ops@example.com"
#define LOOPBACK_BASE "http://127.0.0.1:8700/x"

/*  The architecture page's table, written out again on purpose: the test
    fails when a provider's data drifts from it.                           */
typedef struct {
    const char *name;
    uint32_t per_minute;
    uint32_t concurrency;
    uint32_t breaker_failures;
    uint32_t breaker_recovery_s;
    bool key_required;
} s_limits_t;

static const s_limits_t s_table[] = {
    { "builtwith", 30, 5, 5, 60, true },
    { "similarweb", 60, 10, 5, 60, true },
    { "yahoo_finance", 100, 10, 3, 120, false },
    { "sec_edgar", 600, 10, 3, 120, false },
    { "websearch", 300, 20, 10, 30, true },
};
#define S_TABLE_COUNT (sizeof s_table / sizeof s_table[0])

/* ---------------------------------------------------------- helpers */

/*  Unsets every PF_* variable, so the developer's shell cannot leak into
    a test (names are collected first: unsetenv edits environ).            */
static void
s_clear_env(void)
{
    char names[256][128];
    size_t n = 0;
    for (char **e = environ; e && *e && n < 256; e++) {
        if (strncmp(*e, "PF_", 3) != 0)
            continue;
        size_t len = strcspn(*e, "=");
        if (len >= sizeof names[0])
            continue;
        memcpy(names[n], *e, len);
        names[n++][len] = '\0';
    }
    for (size_t i = 0; i < n; i++)
        unsetenv(names[i]);
}

static const pf_provider_t *
s_provider(const char *name)
{
    const pf_provider_t *p = pf_provider_find(name);
    ck_assert_msg(p != NULL, "no provider %s", name);
    return p;
}

/*  PF_<NAME>_<setting> for provider name.                                 */
static const char *
s_var(const char *provider, const char *setting)
{
    static char name[128];
    int n = snprintf(name, sizeof name, "PF_%s_%s", provider, setting);
    ck_assert(n > 0 && (size_t)n < sizeof name);
    for (char *c = name; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return name;
}

static void
s_set(const char *provider, const char *setting, const char *value)
{
    ck_assert_int_eq(setenv(s_var(provider, setting), value, 1), 0);
}

/*  A string of n copies of c (static, n < 1024).                          */
static const char *
s_long(char c, size_t n)
{
    static char text[1024];
    ck_assert_uint_lt(n, sizeof text);
    memset(text, c, n);
    text[n] = '\0';
    return text;
}

/*  A configuration of provider name that passes the check: defaults plus
    what the real API needs (a key, SEC's contact).                        */
static pf_adapter_config_t
s_valid(const pf_provider_t *p)
{
    pf_adapter_config_t cfg;
    pf_adapter_config_defaults(&cfg, p);
    if (p->key_required)
        snprintf(cfg.key, sizeof cfg.key, "k-123");
    if (strcmp(p->name, "sec_edgar") == 0)
        snprintf(cfg.user_agent, sizeof cfg.user_agent, "%s", SEC_UA);
    char why[WHY_MAX] = "";
    ck_assert_msg(pf_adapter_config_check(&cfg, p, why, sizeof why) == PF_OK, "%s: %s",
                  p->name, why);
    return cfg;
}

/*  Checks cfg and expects a refusal with a sentence; returns the sentence
    (static) for further checks.                                           */
static const char *
s_refused(const pf_adapter_config_t *cfg, const pf_provider_t *p, const char *what)
{
    static char why[WHY_MAX];
    memset(why, 0, sizeof why);
    int rc = pf_adapter_config_check(cfg, p, why, sizeof why);
    ck_assert_msg(rc == PF_EINVAL, "%s/%s: accepted (rc %d)", p->name, what, rc);
    ck_assert_msg(why[0] != '\0', "%s/%s: refused without a reason", p->name, what);
    ck_assert(memchr(why, '\0', sizeof why) != NULL);
    return why;
}

/*  Open descriptors of this process.                                      */
static int
s_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* ---------------------------------------------------------- defaults */

START_TEST(test_defaults_per_provider)
{
    size_t count = 0;
    const pf_provider_t *const *all = pf_provider_all(&count);
    ck_assert_ptr_nonnull(all);
    ck_assert_uint_eq(count, S_TABLE_COUNT);
    pf_retry_config_t retry;
    pf_retry_config_defaults(&retry);
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const s_limits_t *t = &s_table[i];
        const pf_provider_t *p = s_provider(t->name);
        ck_assert_str_eq(p->name, t->name);
        ck_assert_uint_eq(p->limits.per_minute, t->per_minute);
        ck_assert_uint_eq(p->limits.concurrency, t->concurrency);
        ck_assert_uint_eq(p->limits.breaker_failures, t->breaker_failures);
        ck_assert_uint_eq(p->limits.breaker_recovery_s, t->breaker_recovery_s);
        ck_assert_int_eq(p->key_required, t->key_required);

        pf_adapter_config_t cfg;
        memset(&cfg, 0xA5, sizeof cfg);         /* defaults overwrite all  */
        pf_adapter_config_defaults(&cfg, p);
        ck_assert_str_eq(cfg.key, "");
        ck_assert_str_eq(cfg.base, "");
        ck_assert_str_eq(cfg.user_agent, PF_ADAPTER_USER_AGENT);
        ck_assert_uint_eq(cfg.limiter.per_minute, t->per_minute);
        ck_assert_uint_eq(cfg.limiter.concurrency, t->concurrency);
        ck_assert_uint_eq(cfg.limiter.burst, PF_LIMITER_DEFAULT_BURST);
        ck_assert_uint_eq(cfg.breaker.failures, t->breaker_failures);
        ck_assert_uint_eq(cfg.breaker.recovery_ms, t->breaker_recovery_s * 1000u);
        ck_assert_uint_eq(cfg.breaker.probes, PF_ADAPTER_DEFAULT_PROBES);
        ck_assert_uint_eq(cfg.breaker.probe_timeout_ms, PF_BREAKER_DEFAULT_PROBE_TIMEOUT_MS);
        ck_assert_uint_eq(cfg.retry.max_attempts, retry.max_attempts);
        ck_assert_uint_eq(cfg.retry.base_ms, retry.base_ms);
        ck_assert_uint_eq(cfg.retry.cap_ms, retry.cap_ms);
        ck_assert_uint_eq(cfg.retry.retry_after_cap_ms, retry.retry_after_cap_ms);
        ck_assert_uint_eq(cfg.retry.deadline_ms, retry.deadline_ms);
        ck_assert_uint_eq(cfg.retry.budget_percent, retry.budget_percent);
        ck_assert_uint_eq(cfg.retry.budget_min_per_min, retry.budget_min_per_min);
        ck_assert_uint_eq(cfg.retry.budget_max, retry.budget_max);
        ck_assert_uint_eq(cfg.attempt_timeout_ms, PF_ADAPTER_DEFAULT_ATTEMPT_TIMEOUT_MS);
        ck_assert_uint_eq(cfg.max_bytes, PF_HTTP_DEFAULT_MAX_BYTES);
        ck_assert_uint_eq(cfg.cache_entries, PF_CACHE_DEFAULT_ENTRIES);
        ck_assert_uint_eq(cfg.cache_bytes, PF_CACHE_DEFAULT_BYTES);
        ck_assert(!cfg.cache_off);
        ck_assert_uint_eq(cfg.queue_max, PF_ADAPTER_DEFAULT_QUEUE_MAX);
    }
    for (size_t i = 0; i < count; i++) {
        bool listed = false;
        for (size_t j = 0; j < S_TABLE_COUNT; j++)
            listed = listed || strcmp(all[i]->name, s_table[j].name) == 0;
        ck_assert_msg(listed, "unexpected provider %s", all[i]->name);
    }
}
END_TEST

START_TEST(test_defaults_and_the_check)
{
    /*  Out of the box only the key-less providers without a contact rule
        pass: the others say what is missing.                              */
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const pf_provider_t *p = s_provider(s_table[i].name);
        pf_adapter_config_t cfg;
        pf_adapter_config_defaults(&cfg, p);
        char why[WHY_MAX] = "";
        int rc = pf_adapter_config_check(&cfg, p, why, sizeof why);
        bool needs = p->key_required || strcmp(p->name, "sec_edgar") == 0;
        ck_assert_msg(rc == (needs ? PF_EINVAL : PF_OK), "%s: rc %d (%s)", p->name, rc, why);
        (void)s_valid(p);
    }
}
END_TEST

/* ---------------------------------------------------------- environment */

START_TEST(test_env_nothing_set)
{
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const pf_provider_t *p = s_provider(s_table[i].name);
        pf_adapter_config_t want, cfg;
        pf_adapter_config_defaults(&want, p);
        pf_adapter_config_defaults(&cfg, p);
        const char *bad = "untouched";
        ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, &bad), PF_OK);
        ck_assert_mem_eq(&cfg, &want, sizeof cfg);
        /*  Empty values count as unset.                                   */
        s_set(p->name, "RPM", "");
        s_set(p->name, "KEY", "");
        s_set(p->name, "CACHE", "");
        ck_assert_int_eq(setenv("PF_USER_AGENT", "", 1), 0);
        ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, NULL), PF_OK);
        ck_assert_mem_eq(&cfg, &want, sizeof cfg);
    }
}
END_TEST

START_TEST(test_env_sets_every_field)
{
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        s_clear_env();
        const pf_provider_t *p = s_provider(s_table[i].name);
        /*  Another provider's variables must not leak in.                 */
        const pf_provider_t *other = s_provider(s_table[(i + 1) % S_TABLE_COUNT].name);
        s_set(other->name, "KEY", "not-mine");
        s_set(other->name, "RPM", "7");
        s_set(other->name, "CACHE", "off");

        s_set(p->name, "KEY", "key-of-mine");
        s_set(p->name, "BASE", "http://127.0.0.1:9999/mine");
        s_set(p->name, "USER_AGENT", "Agent mine@example.com");
        s_set(p->name, "RPM", "1234");
        s_set(p->name, "BURST", "17");
        s_set(p->name, "CONCURRENCY", "33");
        s_set(p->name, "BREAKER_FAILURES", "44");
        s_set(p->name, "BREAKER_RECOVERY_MS", "5555");
        s_set(p->name, "BREAKER_PROBES", "6");
        s_set(p->name, "RETRY_ATTEMPTS", "7");
        s_set(p->name, "RETRY_BASE_MS", "88");
        s_set(p->name, "RETRY_CAP_MS", "9999");
        s_set(p->name, "RETRY_AFTER_CAP_MS", "11111");
        s_set(p->name, "DEADLINE_MS", "122222");
        s_set(p->name, "TIMEOUT_MS", "13333");
        s_set(p->name, "CACHE", "off");

        pf_adapter_config_t cfg;
        pf_adapter_config_defaults(&cfg, p);
        const char *bad = NULL;
        ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, &bad), PF_OK);
        ck_assert_str_eq(cfg.key, "key-of-mine");
        ck_assert_str_eq(cfg.base, "http://127.0.0.1:9999/mine");
        ck_assert_str_eq(cfg.user_agent, "Agent mine@example.com");
        ck_assert_uint_eq(cfg.limiter.per_minute, 1234);
        ck_assert_uint_eq(cfg.limiter.burst, 17);
        ck_assert_uint_eq(cfg.limiter.concurrency, 33);
        ck_assert_uint_eq(cfg.breaker.failures, 44);
        ck_assert_uint_eq(cfg.breaker.recovery_ms, 5555);
        ck_assert_uint_eq(cfg.breaker.probes, 6);
        ck_assert_uint_eq(cfg.retry.max_attempts, 7);
        ck_assert_uint_eq(cfg.retry.base_ms, 88);
        ck_assert_uint_eq(cfg.retry.cap_ms, 9999);
        ck_assert_uint_eq(cfg.retry.retry_after_cap_ms, 11111);
        ck_assert_uint_eq(cfg.retry.deadline_ms, 122222);
        ck_assert_uint_eq(cfg.attempt_timeout_ms, 13333);
        ck_assert(cfg.cache_off);
        /*  What no variable names stays as it was.                        */
        pf_adapter_config_t def;
        pf_adapter_config_defaults(&def, p);
        ck_assert_uint_eq(cfg.max_bytes, def.max_bytes);
        ck_assert_uint_eq(cfg.cache_entries, def.cache_entries);
        ck_assert_uint_eq(cfg.cache_bytes, def.cache_bytes);
        ck_assert_uint_eq(cfg.queue_max, def.queue_max);
        ck_assert_uint_eq(cfg.breaker.probe_timeout_ms, def.breaker.probe_timeout_ms);
        ck_assert_uint_eq(cfg.retry.budget_percent, def.retry.budget_percent);
        /*  And the result is a usable configuration.                      */
        char why[WHY_MAX] = "";
        ck_assert_msg(pf_adapter_config_check(&cfg, p, why, sizeof why) == PF_OK, "%s: %s",
                      p->name, why);
    }
}
END_TEST

/*  One numeric variable and values it must refuse.                         */
typedef struct {
    const char *setting;
    const char *refused[6];
} s_numeric_t;

static const s_numeric_t s_numerics[] = {
    { "RPM", { "0", "6000001", "4294967296", "abc", "12x", "-1" } },
    { "BURST", { "0", "4294967296", "1.5", "+3", " ", "0x10" } },
    { "CONCURRENCY", { "0", "4294967297", "ten", "-5", "5 ", "99999999999999999999" } },
    { "BREAKER_FAILURES", { "0", "4294967296", "x", "-1", "1e3", "3;" } },
    { "BREAKER_RECOVERY_MS", { "0", "4294967296", "60s", "-60000", "fast", "1 0" } },
    { "BREAKER_PROBES", { "0", "65", "4294967296", "one", "-1", "2.0" } },
    { "RETRY_ATTEMPTS", { "0", "4294967296", "many", "-3", "3x", "+1" } },
    { "RETRY_BASE_MS", { "0", "4294967296", "200ms", "-200", "x", "2e2" } },
    { "RETRY_CAP_MS", { "0", "4294967296", "10s", "-1", "cap", "1_000" } },
    { "RETRY_AFTER_CAP_MS", { "4294967296", "18446744073709551616", "30s", "-1", "never", "+0" } },
    { "DEADLINE_MS", { "0", "4294967296", "1m", "-1", "soon", "6e4" } },
    { "TIMEOUT_MS", { "0", "4294967296", "20s", "-1", "long", "2 0" } },
};

START_TEST(test_env_numeric_refusals)
{
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const pf_provider_t *p = s_provider(s_table[i].name);
        for (size_t j = 0; j < sizeof s_numerics / sizeof s_numerics[0]; j++) {
            const s_numeric_t *v = &s_numerics[j];
            for (size_t k = 0; k < 6; k++) {
                s_clear_env();
                s_set(p->name, v->setting, v->refused[k]);
                char want[128];
                snprintf(want, sizeof want, "%s", s_var(p->name, v->setting));
                pf_adapter_config_t cfg;
                pf_adapter_config_defaults(&cfg, p);
                const char *bad = NULL;
                int rc = pf_adapter_config_from_env(&cfg, p, &bad);
                ck_assert_msg(rc == PF_EINVAL, "%s=\"%s\" accepted", want, v->refused[k]);
                ck_assert_ptr_nonnull(bad);
                ck_assert_str_eq(bad, want);
                /*  bad is optional.                                       */
                ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, NULL), PF_EINVAL);
            }
        }
    }
}
END_TEST

START_TEST(test_env_numeric_bounds)
{
    const pf_provider_t *p = s_provider("sec_edgar");
    char text[32];
    pf_adapter_config_t cfg;
    pf_adapter_config_defaults(&cfg, p);
    snprintf(text, sizeof text, "%u", (unsigned)PF_LIMITER_MAX_PER_MINUTE);
    s_set(p->name, "RPM", text);
    snprintf(text, sizeof text, "%u", (unsigned)PF_BREAKER_MAX_PROBES);
    s_set(p->name, "BREAKER_PROBES", text);
    s_set(p->name, "RETRY_ATTEMPTS", "1");
    s_set(p->name, "CONCURRENCY", "1");
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, NULL), PF_OK);
    ck_assert_uint_eq(cfg.limiter.per_minute, PF_LIMITER_MAX_PER_MINUTE);
    ck_assert_uint_eq(cfg.breaker.probes, PF_BREAKER_MAX_PROBES);
    ck_assert_uint_eq(cfg.retry.max_attempts, 1);
    ck_assert_uint_eq(cfg.limiter.concurrency, 1);
}
END_TEST

START_TEST(test_env_text_too_long)
{
    const pf_provider_t *p = s_provider("websearch");
    static const struct {
        const char *setting;
        size_t size;                    /* the field's bytes, NUL included */
    } texts[] = {
        { "KEY", PF_ADAPTER_KEY_MAX },
        { "BASE", PF_ADAPTER_TEXT_MAX },
        { "USER_AGENT", PF_ADAPTER_TEXT_MAX },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        pf_adapter_config_t cfg;
        /*  The longest that fits is taken whole.                          */
        s_clear_env();
        s_set(p->name, texts[i].setting, s_long('a', texts[i].size - 1));
        pf_adapter_config_defaults(&cfg, p);
        ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, NULL), PF_OK);
        const char *field = strcmp(texts[i].setting, "KEY") == 0    ? cfg.key
                            : strcmp(texts[i].setting, "BASE") == 0 ? cfg.base
                                                                    : cfg.user_agent;
        ck_assert_uint_eq(strlen(field), texts[i].size - 1);
        /*  One more byte is refused, not cut.                             */
        s_set(p->name, texts[i].setting, s_long('b', texts[i].size));
        pf_adapter_config_defaults(&cfg, p);
        const char *bad = NULL;
        ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, &bad), PF_EINVAL);
        ck_assert_ptr_nonnull(bad);
        ck_assert_str_eq(bad, s_var(p->name, texts[i].setting));
    }
    s_clear_env();
    ck_assert_int_eq(setenv("PF_USER_AGENT", s_long('u', PF_ADAPTER_TEXT_MAX), 1), 0);
    pf_adapter_config_t cfg;
    pf_adapter_config_defaults(&cfg, p);
    const char *bad = NULL;
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, &bad), PF_EINVAL);
    ck_assert_ptr_nonnull(bad);
    ck_assert_str_eq(bad, "PF_USER_AGENT");
}
END_TEST

START_TEST(test_env_cache)
{
    const pf_provider_t *p = s_provider("yahoo_finance");
    pf_adapter_config_t cfg;
    pf_adapter_config_defaults(&cfg, p);
    s_set(p->name, "CACHE", "off");
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, NULL), PF_OK);
    ck_assert(cfg.cache_off);
    s_set(p->name, "CACHE", "on");                      /* on turns it back */
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, p, NULL), PF_OK);
    ck_assert(!cfg.cache_off);
    static const char *const garbage[] = { "garbage", "yes", "0", "offf", "o", "on " };
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        s_set(p->name, "CACHE", garbage[i]);
        const char *bad = NULL;
        ck_assert_msg(pf_adapter_config_from_env(&cfg, p, &bad) == PF_EINVAL,
                      "CACHE=\"%s\" accepted", garbage[i]);
        ck_assert_ptr_nonnull(bad);
        ck_assert_str_eq(bad, "PF_YAHOO_FINANCE_CACHE");
    }
}
END_TEST

START_TEST(test_env_user_agent)
{
    const pf_provider_t *sec = s_provider("sec_edgar");
    const pf_provider_t *bw = s_provider("builtwith");
    pf_adapter_config_t cfg;
    /*  PF_USER_AGENT is everyone's fallback.                              */
    ck_assert_int_eq(setenv("PF_USER_AGENT", "Fallback fb@example.com", 1), 0);
    pf_adapter_config_defaults(&cfg, sec);
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, sec, NULL), PF_OK);
    ck_assert_str_eq(cfg.user_agent, "Fallback fb@example.com");
    pf_adapter_config_defaults(&cfg, bw);
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, bw, NULL), PF_OK);
    ck_assert_str_eq(cfg.user_agent, "Fallback fb@example.com");
    /*  A provider's own variable wins, for that provider only.            */
    s_set("sec_edgar", "USER_AGENT", SEC_UA);
    pf_adapter_config_defaults(&cfg, sec);
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, sec, NULL), PF_OK);
    ck_assert_str_eq(cfg.user_agent, SEC_UA);
    pf_adapter_config_defaults(&cfg, bw);
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, bw, NULL), PF_OK);
    ck_assert_str_eq(cfg.user_agent, "Fallback fb@example.com");
    /*  Without the fallback the provider's variable still applies, and
        with neither the default stays.                                    */
    ck_assert_int_eq(unsetenv("PF_USER_AGENT"), 0);
    pf_adapter_config_defaults(&cfg, sec);
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, sec, NULL), PF_OK);
    ck_assert_str_eq(cfg.user_agent, SEC_UA);
    pf_adapter_config_defaults(&cfg, bw);
    ck_assert_int_eq(pf_adapter_config_from_env(&cfg, bw, NULL), PF_OK);
    ck_assert_str_eq(cfg.user_agent, PF_ADAPTER_USER_AGENT);
}
END_TEST

/* ---------------------------------------------------------- the check */

START_TEST(test_check_base_policy)
{
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const pf_provider_t *p = s_provider(s_table[i].name);
        pf_adapter_config_t cfg = s_valid(p);
        static const char *const allowed[] = {
            "https://api.example.com/v1", "http://127.0.0.1:8700/x", "http://127.0.0.1",
            "http://localhost:8700/x", "http://[::1]:8700/x",
        };
        for (size_t j = 0; j < sizeof allowed / sizeof allowed[0]; j++) {
            snprintf(cfg.base, sizeof cfg.base, "%s", allowed[j]);
            char why[WHY_MAX] = "";
            ck_assert_msg(pf_adapter_config_check(&cfg, p, why, sizeof why) == PF_OK,
                          "%s base %s: %s", p->name, allowed[j], why);
        }
        static const char *const refused[] = {
            "http://example.com", "http://10.0.0.1:8700/x", "ftp://127.0.0.1/x",
            "http://127.0.0.1@evil.example/x", "file:///etc/passwd", "127.0.0.1:8700",
        };
        for (size_t j = 0; j < sizeof refused / sizeof refused[0]; j++) {
            snprintf(cfg.base, sizeof cfg.base, "%s", refused[j]);
            const char *why = s_refused(&cfg, p, refused[j]);
            ck_assert_msg(strstr(why, refused[j]) != NULL, "why does not name the base: %s",
                          why);
        }
    }
}
END_TEST

START_TEST(test_check_key)
{
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const pf_provider_t *p = s_provider(s_table[i].name);
        pf_adapter_config_t cfg = s_valid(p);
        cfg.key[0] = '\0';
        char why[WHY_MAX] = "";
        if (s_table[i].key_required) {
            const char *w = s_refused(&cfg, p, "no key");
            ck_assert_ptr_nonnull(p->key_env);
            ck_assert_msg(strstr(w, p->key_env) != NULL, "why does not name %s: %s",
                          p->key_env, w);
        } else {
            ck_assert_msg(pf_adapter_config_check(&cfg, p, why, sizeof why) == PF_OK, "%s: %s",
                          p->name, why);
        }
        /*  The emulator needs no key.                                     */
        snprintf(cfg.base, sizeof cfg.base, "%s", LOOPBACK_BASE);
        ck_assert_msg(pf_adapter_config_check(&cfg, p, why, sizeof why) == PF_OK, "%s: %s",
                      p->name, why);
    }
}
END_TEST

START_TEST(test_check_sec_user_agent)
{
    const pf_provider_t *sec = s_provider("sec_edgar");
    pf_adapter_config_t cfg = s_valid(sec);
    static const char *const refused[] = { "PartnerForge/1.0", "", "Example Corp ops at example" };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        snprintf(cfg.user_agent, sizeof cfg.user_agent, "%s", refused[i]);
        const char *why = s_refused(&cfg, sec, refused[i]);
        ck_assert_msg(strstr(why, "User-Agent") != NULL, "why: %s", why);
        /*  Against the emulator too: it checks the same.                  */
        snprintf(cfg.base, sizeof cfg.base, "%s", LOOPBACK_BASE);
        s_refused(&cfg, sec, refused[i]);
        cfg.base[0] = '\0';
    }
    snprintf(cfg.user_agent, sizeof cfg.user_agent, "%s", SEC_UA);
    char why[WHY_MAX] = "";
    ck_assert_int_eq(pf_adapter_config_check(&cfg, sec, why, sizeof why), PF_OK);
    /*  Nobody else has the rule.                                          */
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const pf_provider_t *p = s_provider(s_table[i].name);
        if (p == sec)
            continue;
        pf_adapter_config_t other = s_valid(p);
        snprintf(other.user_agent, sizeof other.user_agent, "PartnerForge/1.0");
        ck_assert_msg(pf_adapter_config_check(&other, p, why, sizeof why) == PF_OK, "%s: %s",
                      p->name, why);
    }
}
END_TEST

/*  One change that takes a valid configuration out of range.              */
typedef struct {
    const char *what;
    void (*apply)(pf_adapter_config_t *cfg);
} s_mutation_t;

#define S_MUTATION(name, stmt)                                                                \
    static void s_mut_##name(pf_adapter_config_t *c) { stmt; }
S_MUTATION(rpm_zero, c->limiter.per_minute = 0)
S_MUTATION(rpm_over, c->limiter.per_minute = PF_LIMITER_MAX_PER_MINUTE + 1)
S_MUTATION(burst_zero, c->limiter.burst = 0)
S_MUTATION(burst_over_rpm, c->limiter.burst = c->limiter.per_minute + 1)
S_MUTATION(concurrency_zero, c->limiter.concurrency = 0)
S_MUTATION(failures_zero, c->breaker.failures = 0)
S_MUTATION(probes_zero, c->breaker.probes = 0)
S_MUTATION(probes_over, c->breaker.probes = PF_BREAKER_MAX_PROBES + 1)
S_MUTATION(probe_timeout_zero, c->breaker.probe_timeout_ms = 0)
S_MUTATION(attempts_zero, c->retry.max_attempts = 0)
S_MUTATION(base_zero, c->retry.base_ms = 0)
S_MUTATION(cap_below_base, c->retry.cap_ms = c->retry.base_ms - 1)
S_MUTATION(deadline_zero, c->retry.deadline_ms = 0)
S_MUTATION(budget_over, c->retry.budget_percent = PF_RETRY_BUDGET_PERCENT_MAX + 1)
S_MUTATION(ms_over, c->retry.deadline_ms = UINT32_MAX)
S_MUTATION(timeout_zero, c->attempt_timeout_ms = 0)
S_MUTATION(max_bytes_zero, c->max_bytes = 0)
S_MUTATION(cache_entries_zero, c->cache_entries = 0)
S_MUTATION(cache_bytes_zero, c->cache_bytes = 0)
S_MUTATION(queue_zero, c->queue_max = 0)

static const s_mutation_t s_mutations[] = {
    { "rpm 0", s_mut_rpm_zero },
    { "rpm over max", s_mut_rpm_over },
    { "burst 0", s_mut_burst_zero },
    { "burst over rpm", s_mut_burst_over_rpm },
    { "concurrency 0", s_mut_concurrency_zero },
    { "breaker failures 0", s_mut_failures_zero },
    { "breaker probes 0", s_mut_probes_zero },
    { "breaker probes over max", s_mut_probes_over },
    { "probe timeout 0", s_mut_probe_timeout_zero },
    { "retry attempts 0", s_mut_attempts_zero },
    { "retry base 0", s_mut_base_zero },
    { "retry cap below base", s_mut_cap_below_base },
    { "deadline 0", s_mut_deadline_zero },
    { "budget percent over max", s_mut_budget_over },
    { "deadline over PF_RETRY_MS_MAX", s_mut_ms_over },
    { "attempt timeout 0", s_mut_timeout_zero },
    { "max bytes 0", s_mut_max_bytes_zero },
    { "cache entries 0", s_mut_cache_entries_zero },
    { "cache bytes 0", s_mut_cache_bytes_zero },
    { "queue max 0", s_mut_queue_zero },
};

START_TEST(test_check_ranges)
{
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const pf_provider_t *p = s_provider(s_table[i].name);
        for (size_t j = 0; j < sizeof s_mutations / sizeof s_mutations[0]; j++) {
            pf_adapter_config_t cfg = s_valid(p);
            s_mutations[j].apply(&cfg);
            s_refused(&cfg, p, s_mutations[j].what);
            ck_assert_ptr_null(pf_adapter_new(p, &cfg));
        }
        /*  The bounds themselves are fine.                                */
        pf_adapter_config_t cfg = s_valid(p);
        cfg.limiter.per_minute = PF_LIMITER_MAX_PER_MINUTE;
        cfg.limiter.burst = PF_LIMITER_MAX_PER_MINUTE;
        cfg.breaker.probes = PF_BREAKER_MAX_PROBES;
        cfg.retry.max_attempts = 1;
        cfg.retry.cap_ms = cfg.retry.base_ms;
        char why[WHY_MAX] = "";
        ck_assert_msg(pf_adapter_config_check(&cfg, p, why, sizeof why) == PF_OK, "%s: %s",
                      p->name, why);
    }
}
END_TEST

START_TEST(test_check_why_is_bounded)
{
    /*  A short buffer gets a cut, terminated sentence and nothing past it. */
    const pf_provider_t *p = s_provider("builtwith");
    pf_adapter_config_t cfg;
    pf_adapter_config_defaults(&cfg, p);
    static const char host[] = "http://example.com/";
    memcpy(cfg.base, host, sizeof host - 1);
    memcpy(cfg.base + sizeof host - 1, s_long('p', 300), 301);
    char buf[24];
    memset(buf, '#', sizeof buf);
    ck_assert_int_eq(pf_adapter_config_check(&cfg, p, buf, 16), PF_EINVAL);
    ck_assert_uint_eq(strlen(buf), 15);
    for (size_t i = 16; i < sizeof buf; i++)
        ck_assert_int_eq(buf[i], '#');
}
END_TEST

/* ---------------------------------------------------------- lifecycle */

START_TEST(test_new_refuses_invalid)
{
    const pf_provider_t *bw = s_provider("builtwith");
    pf_adapter_config_t cfg;
    pf_adapter_config_defaults(&cfg, bw);               /* no key, no base   */
    ck_assert_ptr_null(pf_adapter_new(bw, &cfg));
    cfg = s_valid(bw);
    snprintf(cfg.base, sizeof cfg.base, "http://example.com");
    ck_assert_ptr_null(pf_adapter_new(bw, &cfg));
    const pf_provider_t *sec = s_provider("sec_edgar");
    pf_adapter_config_defaults(&cfg, sec);              /* no contact        */
    ck_assert_ptr_null(pf_adapter_new(sec, &cfg));
    cfg = s_valid(sec);
    ck_assert_ptr_null(pf_adapter_new(NULL, &cfg));
    ck_assert_ptr_null(pf_adapter_new(sec, NULL));
}
END_TEST

START_TEST(test_new_and_destroy_without_actor)
{
    /*  Once first, so libcurl's one-time global setup is not counted.     */
    pf_adapter_config_t cfg = s_valid(s_provider("sec_edgar"));
    pf_adapter_t *a = pf_adapter_new(s_provider("sec_edgar"), &cfg);
    ck_assert_ptr_nonnull(a);
    pf_adapter_destroy(&a);
    ck_assert_ptr_null(a);

    int fds = s_open_fds();
    for (size_t i = 0; i < S_TABLE_COUNT; i++) {
        const pf_provider_t *p = s_provider(s_table[i].name);
        cfg = s_valid(p);
        a = pf_adapter_new(p, &cfg);
        ck_assert_msg(a != NULL, "%s: no adapter", p->name);
        pf_adapter_stats_t st;
        memset(&st, 0xA5, sizeof st);
        pf_adapter_stats(a, &st);
        ck_assert_uint_eq(st.calls, 0);
        ck_assert_uint_eq(st.cache_hits, 0);
        ck_assert_uint_eq(st.joined, 0);
        ck_assert_uint_eq(st.http_requests, 0);
        ck_assert_uint_eq(st.retries, 0);
        ck_assert_uint_eq(st.breaker_refusals, 0);
        ck_assert_uint_eq(st.throttled, 0);
        ck_assert_uint_eq(st.failures, 0);
        ck_assert_uint_eq(st.queued, 0);
        ck_assert_uint_eq(st.in_flight, 0);
        pf_adapter_destroy(&a);
        ck_assert_ptr_null(a);
        pf_adapter_destroy(&a);                         /* twice is fine     */
    }
    /*  Against the emulator, with the cache off, too.                     */
    const pf_provider_t *bw = s_provider("builtwith");
    pf_adapter_config_defaults(&cfg, bw);
    snprintf(cfg.base, sizeof cfg.base, "%s", LOOPBACK_BASE);
    cfg.cache_off = true;
    a = pf_adapter_new(bw, &cfg);
    ck_assert_ptr_nonnull(a);
    pf_adapter_destroy(&a);
    ck_assert_int_eq(s_open_fds(), fds);                /* nothing left open */
    pf_adapter_destroy(NULL);
}
END_TEST

int
main(void)
{
    Suite *su = suite_create("pf_adapter");
    TCase *tc = tcase_create("config");
    /*  Runs in each test's child: the environment is the test's own.      */
    tcase_add_checked_fixture(tc, s_clear_env, NULL);
    tcase_add_test(tc, test_defaults_per_provider);
    tcase_add_test(tc, test_defaults_and_the_check);
    tcase_add_test(tc, test_env_nothing_set);
    tcase_add_test(tc, test_env_sets_every_field);
    tcase_add_test(tc, test_env_numeric_refusals);
    tcase_add_test(tc, test_env_numeric_bounds);
    tcase_add_test(tc, test_env_text_too_long);
    tcase_add_test(tc, test_env_cache);
    tcase_add_test(tc, test_env_user_agent);
    tcase_add_test(tc, test_check_base_policy);
    tcase_add_test(tc, test_check_key);
    tcase_add_test(tc, test_check_sec_user_agent);
    tcase_add_test(tc, test_check_ranges);
    tcase_add_test(tc, test_check_why_is_bounded);
    suite_add_tcase(su, tc);
    TCase *life = tcase_create("lifecycle");
    tcase_add_checked_fixture(life, s_clear_env, NULL);
    tcase_add_test(life, test_new_refuses_invalid);
    tcase_add_test(life, test_new_and_destroy_without_actor);
    suite_add_tcase(su, life);
    return pf_check_run(su);
}
