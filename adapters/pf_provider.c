/*  pf_provider.c — the provider table and the helpers the five provider
    files share (pf_provider_internal.h).                                   */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pf_domain.h"
#include "pf_error.h"
#include "pf_provider_internal.h"

/*  How much of an unexpected body an error message quotes.                */
#define S_QUOTE_MAX 120

static const pf_provider_t *const s_all[] = {
    &pf_provider_builtwith, &pf_provider_similarweb, &pf_provider_yahoo_finance,
    &pf_provider_sec_edgar, &pf_provider_websearch,
};

const pf_provider_t *const *
pf_provider_all(size_t *count)
{
    if (count)
        *count = sizeof s_all / sizeof s_all[0];
    return s_all;
}

const pf_provider_t *
pf_provider_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof s_all / sizeof s_all[0]; i++)
        if (strcmp(s_all[i]->name, name) == 0)
            return s_all[i];
    return NULL;
}

const pf_provider_op_t *
pf_provider_op(const pf_provider_t *provider, const char *name)
{
    if (!provider || !name)
        return NULL;
    for (size_t i = 0; i < provider->op_count; i++)
        if (strcmp(provider->ops[i].name, name) == 0)
            return &provider->ops[i];
    return NULL;
}

int
pf_provider_url(const pf_provider_t *provider, const pf_provider_conf_t *conf, int host,
                const char *path, char *out, size_t size)
{
    int n;
    if (conf && conf->base && *conf->base) {
        /*  One base replaces every host; drop a trailing slash so the
            path's own leading slash is the only one.                      */
        size_t base_len = strlen(conf->base);
        while (base_len > 0 && conf->base[base_len - 1] == '/')
            base_len--;
        n = snprintf(out, size, "%.*s%s", (int)base_len, conf->base, path);
    } else {
        if (host < 0 || host >= PF_PROVIDER_HOSTS_MAX || !provider->hosts[host])
            host = 0;
        n = snprintf(out, size, "https://%s%s", provider->hosts[host], path);
    }
    return n < 0 || (size_t)n >= size ? PF_ETOOBIG : PF_OK;
}

int
pf_provider_fail(pf_provider_error_t *err, int code_status, const char *code, const char *fmt,
                 ...)
{
    if (!err)
        return code_status;
    snprintf(err->code, sizeof err->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code_status;
}

/*  ---- answers --------------------------------------------------------- */

/*  Copies the start of body for an error message, control characters
    replaced, so a provider's HTML error page stays one readable line.     */
static void
s_quote(const char *body, size_t size, char *out, size_t out_size)
{
    size_t n = 0;
    for (size_t i = 0; i < size && n + 1 < out_size && i < S_QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)body[i];
        out[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    out[n] = '\0';
}

int
pf_pj_check_status(long status, const char *body, size_t size, pf_provider_error_t *err)
{
    if (status >= 200 && status <= 299)
        return PF_OK;
    char quote[S_QUOTE_MAX + 1];
    s_quote(body ? body : "", body ? size : 0, quote, sizeof quote);
    if (status == 401 || status == 403)
        return pf_provider_fail(err, PF_EINVAL, "unauthorized",
                                "the provider refused the credentials (HTTP %ld): %s", status,
                                quote);
    if (status == 404)
        return pf_provider_fail(err, PF_ENOTFOUND, "not_found",
                                "the provider has no such record (HTTP 404)");
    if (status >= 400 && status <= 499)
        return pf_provider_fail(err, PF_EINVAL, "provider_rejected",
                                "the provider rejected the request (HTTP %ld): %s", status,
                                quote);
    return pf_provider_fail(err, PF_EPROTO, "provider_error",
                            "unexpected answer from the provider (HTTP %ld): %s", status, quote);
}

int
pf_pj_load(const char *body, size_t size, bool want_object, json_t **root,
           pf_provider_error_t *err)
{
    json_error_t jerr;
    json_t *json = json_loadb(body ? body : "", body ? size : 0, JSON_REJECT_DUPLICATES, &jerr);
    if (!json)
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "the provider's answer is not JSON (line %d: %s)", jerr.line,
                                jerr.text);
    if (want_object && !json_is_object(json)) {
        json_decref(json);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "the provider's answer is not a JSON object");
    }
    *root = json;
    return PF_OK;
}

int
pf_pj_load_answer(long status, const char *body, size_t size, bool want_object,
                  pf_pj_error_fn *classify, json_t **root, pf_provider_error_t *err)
{
    int rc = pf_pj_check_status(status, body, size, err);
    if (rc != PF_OK) {
        json_t *json = NULL;
        if (status >= 400 && status <= 499 && status != 429 &&
            pf_pj_load(body, size, true, &json, NULL) == PF_OK) {
            pf_provider_error_t better;
            int refined = classify(json, &better);
            json_decref(json);
            if (refined != PF_OK) {
                *err = better;
                return refined;
            }
        }
        return rc;
    }
    json_t *json = NULL;
    if ((rc = pf_pj_load(body, size, want_object, &json, err)) != PF_OK)
        return rc;
    if ((rc = classify(json, err)) != PF_OK) {
        json_decref(json);
        return rc;
    }
    *root = json;
    return PF_OK;
}

bool
pf_pj_int(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        /*  2^63 is exactly representable; anything at or past it is not
            an int64.                                                        */
        if (isfinite(d) && d == floor(d) && d >= -9223372036854775808.0 &&
            d < 9223372036854775808.0) {
            *out = (int64_t)d;
            return true;
        }
    }
    return false;
}

bool
pf_pj_num(const json_t *v, double *out)
{
    if (json_is_integer(v)) {
        *out = (double)json_integer_value(v);
        return true;
    }
    if (json_is_real(v) && isfinite(json_real_value(v))) {
        *out = json_real_value(v);
        return true;
    }
    return false;
}

bool
pf_pj_bool(const json_t *v, bool *out)
{
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool
pf_pj_set_str(pf_value_t *map, const char *key, const json_t *v, bool skip_empty)
{
    if (!json_is_string(v))
        return false;
    size_t len = json_string_length(v);
    if (skip_empty && len == 0)
        return false;
    pf_value_t *s = pf_value_strn(json_string_value(v), len);
    pf_map_set(map, key, &s);
    return true;
}

bool
pf_pj_set_int(pf_value_t *map, const char *key, const json_t *v)
{
    int64_t i;
    if (!pf_pj_int(v, &i))
        return false;
    pf_map_set_int(map, key, i);
    return true;
}

bool
pf_pj_set_num(pf_value_t *map, const char *key, const json_t *v)
{
    if (json_is_integer(v)) {
        pf_map_set_int(map, key, (int64_t)json_integer_value(v));
        return true;
    }
    double d;
    if (!pf_pj_num(v, &d))
        return false;
    pf_map_set_float(map, key, d);
    return true;
}

bool
pf_pj_set_bool(pf_value_t *map, const char *key, const json_t *v)
{
    bool b;
    if (!pf_pj_bool(v, &b))
        return false;
    pf_map_set_bool(map, key, b);
    return true;
}

pf_value_t *
pf_pj_str_array(const json_t *v)
{
    pf_value_t *array = pf_value_array();
    size_t i;
    const json_t *item;
    if (json_is_array(v))
        json_array_foreach(v, i, item) {
            if (json_is_string(item)) {
                pf_value_t *s = pf_value_strn(json_string_value(item), json_string_length(item));
                pf_array_push(array, &s);
            }
        }
    return array;
}

/*  ---- requests -------------------------------------------------------- */

static bool
s_unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int
pf_pq_escape(const char *in, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (s_unreserved(*p)) {
            if (n + 1 >= size)
                return PF_ETOOBIG;
            out[n++] = (char)*p;
        } else {
            if (n + 3 >= size)
                return PF_ETOOBIG;
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    if (n >= size)
        return PF_ETOOBIG;
    out[n] = '\0';
    return PF_OK;
}

int
pf_pq_add(char *buf, size_t size, const char *name, const char *value)
{
    size_t used = strlen(buf);
    if (used >= size)
        return PF_ETOOBIG;
    int n = snprintf(buf + used, size - used, "%c%s=", strchr(buf, '?') ? '&' : '?', name);
    if (n < 0 || (size_t)n >= size - used) {
        buf[used] = '\0';
        return PF_ETOOBIG;
    }
    if (pf_pq_escape(value ? value : "", buf + used + n, size - used - (size_t)n) != PF_OK) {
        buf[used] = '\0';
        return PF_ETOOBIG;
    }
    return PF_OK;
}

int
pf_pq_header(pf_provider_request_t *req, const char *name, const char *value)
{
    if (req->header_count >= PF_PROVIDER_HEADERS_MAX)
        return PF_ETOOBIG;
    char *line = req->headers[req->header_count];
    int n = snprintf(line, PF_PROVIDER_HEADER_MAX, "%s: %s", name, value);
    if (n < 0 || n >= PF_PROVIDER_HEADER_MAX)
        return PF_ETOOBIG;
    req->header_count++;
    return PF_OK;
}

int
pf_pa_domain(const pf_value_t *args, const char *key, char *out, size_t size,
             pf_provider_error_t *err)
{
    const pf_value_t *v = pf_map_get(args, key);
    if (!v)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: required", key);
    size_t len;
    const char *s = pf_value_as_str(v, &len);
    if (!s)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: must be a string", key);
    const char *why = NULL;
    if (pf_domain_normalize(s, len, out, size, &why) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: %s", key,
                                why ? why : "not a valid domain");
    return PF_OK;
}

const char *
pf_pa_str(const pf_value_t *args, const char *key, bool required, size_t max_len,
          pf_provider_error_t *err)
{
    const pf_value_t *v = pf_map_get(args, key);
    if (!v) {
        if (required)
            pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: required", key);
        else
            err->code[0] = '\0';
        return NULL;
    }
    size_t len;
    const char *s = pf_value_as_str(v, &len);
    if (!s) {
        pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: must be a string", key);
        return NULL;
    }
    if (len == 0 || len > max_len) {
        pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: must be 1 to %zu bytes", key,
                         max_len);
        return NULL;
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: control character", key);
            return NULL;
        }
    return s;
}

int
pf_pa_int(const pf_value_t *args, const char *key, int64_t def, int64_t min, int64_t max,
          int64_t *out, pf_provider_error_t *err)
{
    const pf_value_t *v = pf_map_get(args, key);
    if (!v) {
        *out = def;
        return PF_OK;
    }
    if (!pf_value_is(v, PF_INT))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "%s: must be an integer", key);
    int64_t i = pf_value_as_int(v, 0);
    if (i < min || i > max)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                "%s: must be %lld to %lld", key, (long long)min, (long long)max);
    *out = i;
    return PF_OK;
}

int
pf_pq_finish(const pf_provider_t *provider, const pf_provider_conf_t *conf, int host,
             const char *path, const char *key_path, pf_provider_request_t *req,
             pf_provider_error_t *err)
{
    if (pf_provider_url(provider, conf, host, path, req->url, sizeof req->url) != PF_OK ||
        pf_provider_url(provider, conf, host, key_path, req->fetch_key, sizeof req->fetch_key) !=
            PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    return PF_OK;
}
