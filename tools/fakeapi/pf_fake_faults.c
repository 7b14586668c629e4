/*  pf_fake_faults.c — fault specs, seeded decisions, Retry-After values.    */
#include "pf_fake_faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_error.h"

void
pf_fake_faults_init(pf_fake_faults_t *faults)
{
    memset(faults, 0, sizeof *faults);
}

static int
s_rate(const json_t *spec, const char *key, double *out, char *err, size_t size)
{
    json_t *v = json_object_get(spec, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1) {
        snprintf(err, size, "\"%s\" must be a number in [0, 1]", key);
        return PF_EINVAL;
    }
    *out = json_number_value(v);
    return 0;
}

static int
s_uint(const json_t *spec, const char *key, uint64_t max, uint64_t *out, char *err, size_t size)
{
    json_t *v = json_object_get(spec, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t) json_integer_value(v) > max) {
        snprintf(err, size, "\"%s\" must be an integer in [0, %llu]", key, (unsigned long long) max);
        return PF_EINVAL;
    }
    *out = (uint64_t) json_integer_value(v);
    return 0;
}

static const char *const s_keys[] = {"provider", "endpoint", "latency_ms", "jitter_ms",
    "error_rate", "error_status", "rate_429", "retry_after", "hang_rate", "reset_rate",
    "truncate_rate", "malformed_rate", "down", "seed"};

int
pf_fake_faults_set(pf_fake_faults_t *faults, const json_t *spec, const char *const *known,
                   size_t n, char *err, size_t size)
{
    if (!json_is_object(spec)) {
        snprintf(err, size, "a fault spec must be a JSON object");
        return PF_EINVAL;
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) spec, key, value) {
        bool ok = false;
        for (size_t i = 0; i < sizeof s_keys / sizeof s_keys[0]; i++)
            ok = ok || strcmp(key, s_keys[i]) == 0;
        if (!ok) {
            snprintf(err, size, "unknown fault field \"%.64s\"", key);
            return PF_EINVAL;
        }
    }
    pf_fake_fault_t f;
    memset(&f, 0, sizeof f);
    const char *provider = json_string_value(json_object_get(spec, "provider"));
    bool found = false;
    for (size_t i = 0; provider && i < n; i++)
        found = found || strcmp(provider, known[i]) == 0;
    if (!found) {
        snprintf(err, size, "\"provider\" must name a provider (builtwith, similarweb, "
                            "yahoo_finance, sec_edgar, websearch)");
        return PF_EINVAL;
    }
    snprintf(f.provider, sizeof f.provider, "%s", provider);
    json_t *ep = json_object_get(spec, "endpoint");
    if (ep && !json_is_null(ep)) {
        const char *e = json_string_value(ep);
        if (!e || (e[0] && e[0] != '/') || strlen(e) >= sizeof f.endpoint) {
            snprintf(err, size, "\"endpoint\" must be a path prefix starting with '/'");
            return PF_EINVAL;
        }
        snprintf(f.endpoint, sizeof f.endpoint, "%s", e);
    }
    uint64_t latency = 0, jitter = 0, status = PF_FAKE_DEFAULT_ERROR_STATUS,
             seed = PF_FAKE_DEFAULT_FAULT_SEED;
    int rc = 0;
    rc = rc ? rc : s_uint(spec, "latency_ms", PF_FAKE_LATENCY_MAX_MS, &latency, err, size);
    rc = rc ? rc : s_uint(spec, "jitter_ms", PF_FAKE_LATENCY_MAX_MS, &jitter, err, size);
    rc = rc ? rc : s_uint(spec, "error_status", 599, &status, err, size);
    rc = rc ? rc : s_uint(spec, "seed", UINT64_MAX, &seed, err, size);
    rc = rc ? rc : s_rate(spec, "error_rate", &f.error_rate, err, size);
    rc = rc ? rc : s_rate(spec, "rate_429", &f.rate_429, err, size);
    rc = rc ? rc : s_rate(spec, "hang_rate", &f.hang_rate, err, size);
    rc = rc ? rc : s_rate(spec, "reset_rate", &f.reset_rate, err, size);
    rc = rc ? rc : s_rate(spec, "truncate_rate", &f.truncate_rate, err, size);
    rc = rc ? rc : s_rate(spec, "malformed_rate", &f.malformed_rate, err, size);
    if (rc)
        return rc;
    if (status < 400) {
        snprintf(err, size, "\"error_status\" must be in [400, 599]");
        return PF_EINVAL;
    }
    if (latency + jitter > PF_FAKE_LATENCY_MAX_MS) {
        snprintf(err, size, "latency_ms + jitter_ms must be at most %d", PF_FAKE_LATENCY_MAX_MS);
        return PF_EINVAL;
    }
    json_t *ra = json_object_get(spec, "retry_after");
    if (ra && !json_is_null(ra)) {
        if (json_is_integer(ra))
            snprintf(f.retry_after, sizeof f.retry_after, "%lld", (long long) json_integer_value(ra));
        else if (json_is_string(ra) && strlen(json_string_value(ra)) < sizeof f.retry_after &&
                 !strpbrk(json_string_value(ra), "\r\n"))
            snprintf(f.retry_after, sizeof f.retry_after, "%s", json_string_value(ra));
        else {
            snprintf(err, size, "\"retry_after\" must be null, an integer or a short one-line string");
            return PF_EINVAL;
        }
        f.has_retry_after = true;
    }
    json_t *down = json_object_get(spec, "down");
    if (down && !json_is_null(down) && !json_is_boolean(down)) {
        snprintf(err, size, "\"down\" must be true or false");
        return PF_EINVAL;
    }
    f.down = json_is_true(down);
    f.latency_ms = (uint32_t) latency;
    f.jitter_ms = (uint32_t) jitter;
    f.error_status = (int) status;
    f.seed = seed;
    pf_fake_rng_seed(&f.rng, seed);
    for (size_t i = 0; i < faults->count; i++) {
        if (!strcmp(faults->specs[i].provider, f.provider) &&
            !strcmp(faults->specs[i].endpoint, f.endpoint)) {
            faults->specs[i] = f;
            return 0;
        }
    }
    if (faults->count == PF_FAKE_FAULTS_MAX) {
        snprintf(err, size, "at most %d fault specs", PF_FAKE_FAULTS_MAX);
        return PF_EBUSY;
    }
    faults->specs[faults->count++] = f;
    return 0;
}

int
pf_fake_faults_set_all(pf_fake_faults_t *faults, const json_t *specs, const char *const *known,
                       size_t n, char *err, size_t size)
{
    if (!json_is_array(specs))
        return pf_fake_faults_set(faults, specs, known, n, err, size);
    size_t i;
    json_t *spec;
    json_array_foreach((json_t *) specs, i, spec) {
        int rc = pf_fake_faults_set(faults, spec, known, n, err, size);
        if (rc)
            return rc;
    }
    return 0;
}

size_t
pf_fake_faults_clear(pf_fake_faults_t *faults, const char *provider)
{
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < faults->count; i++) {
        if (provider && strcmp(faults->specs[i].provider, provider) != 0)
            faults->specs[kept++] = faults->specs[i];
        else
            removed++;
    }
    faults->count = kept;
    return removed;
}

json_t *
pf_fake_faults_json(const pf_fake_faults_t *faults)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < faults->count; i++) {
        const pf_fake_fault_t *f = &faults->specs[i];
        json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:f, s:i, s:f, s:f, s:f, s:f, s:f, s:b, s:I}",
                              "provider", f->provider, "endpoint", f->endpoint,
                              "latency_ms", (json_int_t) f->latency_ms,
                              "jitter_ms", (json_int_t) f->jitter_ms,
                              "error_rate", f->error_rate, "error_status", f->error_status,
                              "rate_429", f->rate_429, "hang_rate", f->hang_rate,
                              "reset_rate", f->reset_rate, "truncate_rate", f->truncate_rate,
                              "malformed_rate", f->malformed_rate, "down", f->down,
                              "seed", (json_int_t) f->seed);
        json_object_set_new(o, "retry_after",
                            f->has_retry_after ? json_string(f->retry_after) : json_null());
        json_array_append_new(arr, o);
    }
    return arr;
}

void
pf_fake_http_date(time_t t, char *out, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    /*  IMF-fixdate names are English whatever the locale.                 */
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
pf_fake_retry_after_format(const char *spec, time_t now, char *out, size_t size)
{
    if (!strncmp(spec, "date+", 5)) {
        char *end;
        long long secs = strtoll(spec + 5, &end, 10);
        if (*end == '\0' && end != spec + 5 && secs >= 0) {
            char date[64];
            pf_fake_http_date(now + (time_t) secs, date, sizeof date);
            if (strlen(date) >= size)
                return PF_ETOOBIG;
            snprintf(out, size, "%s", date);
            return 0;
        }
    }
    if (strlen(spec) >= size)
        return PF_ETOOBIG;
    snprintf(out, size, "%s", spec);
    return 0;
}

void
pf_fake_faults_decide(pf_fake_faults_t *faults, const char *provider, const char *path,
                      time_t now, pf_fake_decision_t *out)
{
    memset(out, 0, sizeof *out);
    pf_fake_fault_t *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < faults->count; i++) {
        pf_fake_fault_t *f = &faults->specs[i];
        size_t len = strlen(f->endpoint);
        if (strcmp(f->provider, provider) != 0 || strncmp(path, f->endpoint, len) != 0)
            continue;
        if (!best || len > best_len) {
            best = f;
            best_len = len;
        }
    }
    if (!best)
        return;
    if (best->down) {
        out->kind = PF_FAKE_FAULT_DOWN;
        return;
    }
    /*  Always seven draws, in this order, so one request's outcome never
        shifts the stream of the next.                                     */
    double u_hang = pf_fake_rng_unit(&best->rng);
    double u_reset = pf_fake_rng_unit(&best->rng);
    double u_429 = pf_fake_rng_unit(&best->rng);
    double u_error = pf_fake_rng_unit(&best->rng);
    double u_malformed = pf_fake_rng_unit(&best->rng);
    double u_truncate = pf_fake_rng_unit(&best->rng);
    double u_jitter = pf_fake_rng_unit(&best->rng);
    out->delay_ms = best->latency_ms + (uint32_t) (u_jitter * (best->jitter_ms + 1.0));
    if (out->delay_ms > best->latency_ms + best->jitter_ms)
        out->delay_ms = best->latency_ms + best->jitter_ms;
    if (u_hang < best->hang_rate)
        out->kind = PF_FAKE_FAULT_HANG;
    else if (u_reset < best->reset_rate)
        out->kind = PF_FAKE_FAULT_RESET;
    else if (u_429 < best->rate_429) {
        out->kind = PF_FAKE_FAULT_429;
        out->has_retry_after = best->has_retry_after;
        if (best->has_retry_after &&
            pf_fake_retry_after_format(best->retry_after, now, out->retry_after,
                                       sizeof out->retry_after) != 0)
            out->has_retry_after = false;
    } else if (u_error < best->error_rate) {
        out->kind = PF_FAKE_FAULT_ERROR;
        out->status = best->error_status;
    } else if (u_malformed < best->malformed_rate)
        out->kind = PF_FAKE_FAULT_MALFORMED;
    else if (u_truncate < best->truncate_rate)
        out->kind = PF_FAKE_FAULT_TRUNCATE;
}
