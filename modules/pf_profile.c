/*  pf_profile.c — loading and validating the seller profile (see
    pf_profile.h).  The parsed JSON stays alive inside the profile, so every
    string an accessor returns points into it; only the arrays of structs
    and of string pointers are allocated here.                              */
#include "pf_profile.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_graph.h"

/*  Where the shipped profile is, set by CMake for pfcore; the relative
    fallback serves builds that do not set it (run from the source tree).  */
#ifndef PF_PROFILE_DEFAULT
#define PF_PROFILE_DEFAULT "modules/profiles/site-search.json"
#endif

/*  Room for a JSON path such as "$.case_studies[12].outcomes[3].metric".   */
#define S_PATH_MAX 128
/*  Case-study outcomes are percentages; a fall cannot pass -100 %, and a
    rise past this many percent is a typo, not a case study.               */
#define S_CHANGE_PCT_MIN (-100.0)
#define S_CHANGE_PCT_MAX 10000.0

struct pf_profile_t {
    json_t *root;                     /* the parsed file; owns the strings  */
    char *file;                       /* path it was loaded from            */
    bool sample;                      /* "sample": the data is made up      */
    const char *seller;               /* seller.name                        */
    const char *product;              /* seller.product                     */
    const char *category;             /* seller.category, or ""             */
    pf_profile_tech_t *displaceable;  /* technologies the seller replaces   */
    size_t n_displaceable;
    pf_profile_tech_t *fit;           /* technologies that signal a fit     */
    size_t n_fit;
    pf_profile_factor_t *factors;     /* ICP factors                        */
    size_t n_factors;
    const char **industries;          /* ICP industry keywords              */
    size_t n_industries;
    int tiers[PF_PROFILE_TIERS];      /* minimum score of A, B, C, D        */
    pf_profile_icp_rules_t icp_rules; /* the ICP rules' constants           */
    pf_profile_signal_timing_t timing; /* timing thresholds, full strength  */
    pf_profile_signal_t *signals;     /* signal kinds                       */
    size_t n_signals;
    pf_profile_case_t *cases;         /* case studies                       */
    size_t n_cases;
    pf_profile_case_matching_t case_matching; /* case-study scoring       */
    pf_profile_displacement_t displacement; /* opportunity scoring    */
    pf_profile_persona_t *personas;   /* buying-committee personas          */
    size_t n_personas;
};

/*  The validation in progress: where errors go.                            */
typedef struct {
    const char *file;                 /* named in every message             */
    char *err;                        /* caller's buffer, or NULL           */
    size_t size;                      /* its size                           */
} s_ctx_t;

/*  The process's installed profile.                                        */
static pf_profile_t *s_current;

/*  Records "FILE: PATH: message" and returns PF_EINVAL.                    */
static int
s_fail(s_ctx_t *ctx, const char *path, const char *fmt, ...)
{
    if (!ctx->err || ctx->size == 0)
        return PF_EINVAL;
    char what[PF_PROFILE_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(ctx->err, ctx->size, "%s: %s: %s", ctx->file, path, what);
    return PF_EINVAL;
}

/*  path + "." + key into out.                                              */
static void
s_path_key(char *out, const char *path, const char *key)
{
    /*  A path longer than S_PATH_MAX (an absurd unknown key) is cut short:
        the message stays readable.                                         */
    if (snprintf(out, S_PATH_MAX, "%s.%s", path, key) >= S_PATH_MAX)
        out[S_PATH_MAX - 1] = '\0';
}

/*  path + "[i]" into out.                                                  */
static void
s_path_index(char *out, const char *path, size_t i)
{
    if (snprintf(out, S_PATH_MAX, "%s[%zu]", path, i) >= S_PATH_MAX)
        out[S_PATH_MAX - 1] = '\0';
}

/*  v must be an object with no key outside allowed (NULL-terminated):
    a misspelt key would otherwise be silently ignored.                     */
static int
s_object(s_ctx_t *ctx, const json_t *v, const char *path, const char *const *allowed)
{
    if (!json_is_object(v))
        return s_fail(ctx, path, "must be an object");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) v, key, value) {
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known) {
            char sub[S_PATH_MAX];
            s_path_key(sub, path, key);
            return s_fail(ctx, sub, "unknown key");
        }
    }
    return PF_OK;
}

/*  A string of 1..PF_PROFILE_TEXT_MAX bytes at v (path names it).          */
static int
s_text_value(s_ctx_t *ctx, const json_t *v, const char *path, const char **out)
{
    if (!json_is_string(v))
        return s_fail(ctx, path, "must be a string");
    size_t len = json_string_length(v);
    if (len == 0 || len > PF_PROFILE_TEXT_MAX)
        return s_fail(ctx, path, "must be 1 to %d bytes", PF_PROFILE_TEXT_MAX);
    if (memchr(json_string_value(v), '\0', len))
        return s_fail(ctx, path, "must not contain NUL");
    *out = json_string_value(v);
    return PF_OK;
}

/*  obj[key] as a text; absent: PF_EMISSING-style error when required, else
    *out = fallback.                                                         */
static int
s_text(s_ctx_t *ctx, const json_t *obj, const char *path, const char *key, bool required,
       const char *fallback, const char **out)
{
    char sub[S_PATH_MAX];
    s_path_key(sub, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            return s_fail(ctx, sub, "is required");
        *out = fallback;
        return PF_OK;
    }
    return s_text_value(ctx, v, sub, out);
}

/*  obj[key] as a required integer in [min, max].                           */
static int
s_int(s_ctx_t *ctx, const json_t *obj, const char *path, const char *key, int min, int max,
      int *out)
{
    char sub[S_PATH_MAX];
    s_path_key(sub, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return s_fail(ctx, sub, "is required");
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return s_fail(ctx, sub, "must be an integer in [%d, %d]", min, max);
    *out = (int) json_integer_value(v);
    return PF_OK;
}

/*  obj[key] as a required finite number in [min, max].                     */
static int
s_number(s_ctx_t *ctx, const json_t *obj, const char *path, const char *key, double min,
         double max, double *out)
{
    char sub[S_PATH_MAX];
    s_path_key(sub, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return s_fail(ctx, sub, "is required");
    if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < min
        || json_number_value(v) > max)
        return s_fail(ctx, sub, "must be a number in [%g, %g]", min, max);
    *out = json_number_value(v);
    return PF_OK;
}

/*  snake_case: [a-z][a-z0-9_]*, so names can be field names downstream.   */
static bool
s_snake(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/*  obj[key] as a list of unique (ignoring case) texts with min..max
    entries; absent and not required: an empty list.  *out is allocated
    (free it) even when empty.                                              */
static int
s_text_list(s_ctx_t *ctx, const json_t *obj, const char *path, const char *key, bool required,
            size_t min, size_t max, const char ***out, size_t *n_out)
{
    char sub[S_PATH_MAX];
    s_path_key(sub, path, key);
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    *n_out = 0;
    if (!v && required)
        return s_fail(ctx, sub, "is required");
    if (v && !json_is_array(v))
        return s_fail(ctx, sub, "must be an array of strings");
    size_t n = v ? json_array_size(v) : 0;
    if (n < min || n > max)
        return s_fail(ctx, sub, "must have %zu to %zu entries", min, max);
    const char **list = pf_calloc(n ? n : 1, sizeof *list);
    for (size_t i = 0; i < n; i++) {
        char item[S_PATH_MAX];
        s_path_index(item, sub, i);
        int rc = s_text_value(ctx, json_array_get(v, i), item, &list[i]);
        for (size_t j = 0; rc == PF_OK && j < i; j++)
            if (strcasecmp(list[i], list[j]) == 0)
                rc = s_fail(ctx, item, "'%s' is listed twice", list[i]);
        if (rc != PF_OK) {
            free(list);
            return rc;
        }
    }
    *out = list;
    *n_out = n;
    return PF_OK;
}

/*  The array obj[key] with min..max entries, or an error.                  */
static int
s_array(s_ctx_t *ctx, const json_t *obj, const char *path, const char *key, size_t min,
        size_t max, const json_t **out)
{
    char sub[S_PATH_MAX];
    s_path_key(sub, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return s_fail(ctx, sub, "is required");
    if (!json_is_array(v))
        return s_fail(ctx, sub, "must be an array");
    if (json_array_size(v) < min || json_array_size(v) > max)
        return s_fail(ctx, sub, "must have %zu to %zu entries", min, max);
    *out = v;
    return PF_OK;
}

/*  True when name equals t's name or an alias, ignoring case.              */
static bool
s_tech_is(const pf_profile_tech_t *t, const char *name)
{
    if (strcasecmp(t->name, name) == 0)
        return true;
    for (size_t i = 0; i < t->n_aliases; i++)
        if (strcasecmp(t->aliases[i], name) == 0)
            return true;
    return false;
}

/*  The entry of list[0..n) that name (or an alias of it) names, or NULL.   */
static const pf_profile_tech_t *
s_tech_find(const pf_profile_tech_t *list, size_t n, const pf_profile_tech_t *t)
{
    for (size_t i = 0; i < n; i++) {
        if (s_tech_is(&list[i], t->name))
            return &list[i];
        for (size_t a = 0; a < t->n_aliases; a++)
            if (s_tech_is(&list[i], t->aliases[a]))
                return &list[i];
    }
    return NULL;
}

static void
s_techs_free(pf_profile_tech_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((void *) list[i].aliases);
        free((void *) list[i].categories);
    }
    free(list);
}

/*  root[key]: a list of technologies, names and aliases unique within it
    and absent from other (the list validated before, other_key its key).   */
static int
s_techs(s_ctx_t *ctx, const json_t *root, const char *key, const pf_profile_tech_t *other,
        size_t n_other, const char *other_key, pf_profile_tech_t **out, size_t *n_out)
{
    static const char *const keys[] = {"name", "aliases", "categories", "reason", NULL};
    char path[S_PATH_MAX];
    s_path_key(path, "$", key);
    const json_t *arr;
    int rc = s_array(ctx, root, "$", key, 0, PF_PROFILE_TECHS_MAX, &arr);
    if (rc != PF_OK)
        return rc;
    size_t n = json_array_size(arr);
    pf_profile_tech_t *list = pf_calloc(n ? n : 1, sizeof *list);
    size_t done = 0;
    for (size_t i = 0; i < n && rc == PF_OK; i++) {
        char item[S_PATH_MAX];
        s_path_index(item, path, i);
        const json_t *v = json_array_get(arr, i);
        pf_profile_tech_t *t = &list[i];
        rc = s_object(ctx, v, item, keys);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "name", true, NULL, &t->name);
        if (rc == PF_OK)
            rc = s_text_list(ctx, v, item, "aliases", false, 0, PF_PROFILE_LIST_MAX,
                             (const char ***) &t->aliases, &t->n_aliases);
        if (rc == PF_OK)
            rc = s_text_list(ctx, v, item, "categories", true, 1, PF_PROFILE_LIST_MAX,
                             (const char ***) &t->categories, &t->n_categories);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "reason", false, "", &t->reason);
        done = i + 1;
        if (rc != PF_OK)
            break;
        for (size_t a = 0; a < t->n_aliases && rc == PF_OK; a++)
            if (strcasecmp(t->aliases[a], t->name) == 0)
                rc = s_fail(ctx, item, "alias '%s' repeats the name", t->aliases[a]);
        const pf_profile_tech_t *dup = rc == PF_OK ? s_tech_find(list, i, t) : NULL;
        if (dup)
            rc = s_fail(ctx, item, "'%s' is already listed as '%s'", t->name, dup->name);
        dup = rc == PF_OK ? s_tech_find(other, n_other, t) : NULL;
        if (dup)
            rc = s_fail(ctx, item, "'%s' is also in $.%s ('%s'): a technology is either "
                        "displaceable or a fit", t->name, other_key, dup->name);
    }
    if (rc != PF_OK) {
        s_techs_free(list, done);
        return rc;
    }
    *out = list;
    *n_out = n;
    return PF_OK;
}

static int
s_seller(s_ctx_t *ctx, const json_t *root, pf_profile_t *self)
{
    static const char *const keys[] = {"name", "product", "category", "website", "description",
                                       NULL};
    const json_t *v = json_object_get(root, "seller");
    if (!v)
        return s_fail(ctx, "$.seller", "is required");
    int rc = s_object(ctx, v, "$.seller", keys);
    const char *ignored;
    if (rc == PF_OK)
        rc = s_text(ctx, v, "$.seller", "name", true, NULL, &self->seller);
    if (rc == PF_OK)
        rc = s_text(ctx, v, "$.seller", "product", true, NULL, &self->product);
    if (rc == PF_OK)
        rc = s_text(ctx, v, "$.seller", "category", false, "", &self->category);
    if (rc == PF_OK)
        rc = s_text(ctx, v, "$.seller", "website", false, "", &ignored);
    if (rc == PF_OK)
        rc = s_text(ctx, v, "$.seller", "description", false, "", &ignored);
    return rc;
}

/*  name: snake_case, unique among names[0..n).                             */
static int
s_unique_name(s_ctx_t *ctx, const char *path, const char *name, const char *const *names,
              size_t n)
{
    if (!s_snake(name))
        return s_fail(ctx, path, "'%s' must be snake_case ([a-z][a-z0-9_]*)", name);
    for (size_t j = 0; j < n; j++)
        if (strcmp(names[j], name) == 0)
            return s_fail(ctx, path, "'%s' is listed twice", name);
    return PF_OK;
}

/*  A module name the graph knows.                                          */
static int
s_module(s_ctx_t *ctx, const char *path, const char *name)
{
    if (pf_graph_find(name) < 0)
        return s_fail(ctx, path, "'%s' is not a module of the graph", name);
    return PF_OK;
}

static int
s_tiers(s_ctx_t *ctx, const json_t *icp, pf_profile_t *self)
{
    static const char *const keys[] = {"A", "B", "C", "D", NULL};
    const json_t *v = json_object_get(icp, "tiers");
    if (!v)
        return s_fail(ctx, "$.icp.tiers", "is required");
    int rc = s_object(ctx, v, "$.icp.tiers", keys);
    for (size_t i = 0; i < PF_PROFILE_TIERS && rc == PF_OK; i++) {
        char letter[2] = {(char) ('A' + i), '\0'};
        char sub[S_PATH_MAX];
        s_path_key(sub, "$.icp.tiers", letter);
        rc = s_int(ctx, v, "$.icp.tiers", letter, 0, PF_PROFILE_WEIGHT_SUM, &self->tiers[i]);
        if (rc == PF_OK && i > 0 && self->tiers[i] >= self->tiers[i - 1])
            rc = s_fail(ctx, sub, "must be below tier %c's %d", 'A' + (int) i - 1,
                        self->tiers[i - 1]);
        if (rc == PF_OK && i == PF_PROFILE_TIERS - 1 && self->tiers[i] != 0)
            rc = s_fail(ctx, sub, "must be 0, so every score has a tier");
    }
    return rc;
}

/*  A log scale {floor, full} at obj[key]: 0 < floor < full.                */
static int
s_scale(s_ctx_t *ctx, const json_t *obj, const char *path, const char *key, double *floor,
        double *full)
{
    static const char *const keys[] = {"floor", "full", NULL};
    char sub[S_PATH_MAX];
    s_path_key(sub, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return s_fail(ctx, sub, "is required");
    int rc = s_object(ctx, v, sub, keys);
    /*  A floor of at least 1: the scale is logarithmic.                    */
    if (rc == PF_OK)
        rc = s_number(ctx, v, sub, "floor", 1, PF_PROFILE_AMOUNT_MAX, floor);
    if (rc == PF_OK)
        rc = s_number(ctx, v, sub, "full", 1, PF_PROFILE_AMOUNT_MAX, full);
    if (rc == PF_OK && *full <= *floor) {
        char at[S_PATH_MAX];
        s_path_key(at, sub, "full");
        rc = s_fail(ctx, at, "must be above floor's %g", *floor);
    }
    return rc;
}

/*  icp.rules: the constants of the rules the factors are scored by.       */
static int
s_icp_rules(s_ctx_t *ctx, const json_t *icp, pf_profile_t *self)
{
    static const char *const keys[] = {"revenue_scale", "traffic_scale", "technology_fit",
                                       NULL};
    static const char *const fit_keys[] = {"full", NULL};
    const json_t *v = json_object_get(icp, "rules");
    if (!v)
        return s_fail(ctx, "$.icp.rules", "is required");
    pf_profile_icp_rules_t *r = &self->icp_rules;
    int rc = s_object(ctx, v, "$.icp.rules", keys);
    if (rc == PF_OK)
        rc = s_scale(ctx, v, "$.icp.rules", "revenue_scale", &r->revenue_floor,
                     &r->revenue_full);
    if (rc == PF_OK)
        rc = s_scale(ctx, v, "$.icp.rules", "traffic_scale", &r->visits_floor,
                     &r->visits_full);
    const json_t *fit = json_object_get(v, "technology_fit");
    if (rc == PF_OK && !fit)
        rc = s_fail(ctx, "$.icp.rules.technology_fit", "is required");
    if (rc == PF_OK)
        rc = s_object(ctx, fit, "$.icp.rules.technology_fit", fit_keys);
    if (rc == PF_OK)
        rc = s_int(ctx, fit, "$.icp.rules.technology_fit", "full", 1, PF_PROFILE_TECHS_MAX,
                   &r->fit_full);
    return rc;
}

static int
s_icp(s_ctx_t *ctx, const json_t *root, pf_profile_t *self)
{
    static const char *const keys[] = {"factors", "industries", "tiers", "rules", NULL};
    static const char *const fkeys[] = {"name", "input", "weight", "description", NULL};
    const json_t *icp = json_object_get(root, "icp");
    if (!icp)
        return s_fail(ctx, "$.icp", "is required");
    int rc = s_object(ctx, icp, "$.icp", keys);
    const json_t *arr = NULL;
    if (rc == PF_OK)
        rc = s_array(ctx, icp, "$.icp", "factors", 1, PF_PROFILE_FACTORS_MAX, &arr);
    if (rc != PF_OK)
        return rc;
    size_t n = json_array_size(arr);
    self->factors = pf_calloc(n, sizeof *self->factors);
    const char *names[PF_PROFILE_FACTORS_MAX];
    int sum = 0;
    for (size_t i = 0; i < n && rc == PF_OK; i++) {
        char item[S_PATH_MAX], sub[S_PATH_MAX];
        s_path_index(item, "$.icp.factors", i);
        const json_t *v = json_array_get(arr, i);
        pf_profile_factor_t *f = &self->factors[i];
        rc = s_object(ctx, v, item, fkeys);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "name", true, NULL, &f->name);
        s_path_key(sub, item, "name");
        if (rc == PF_OK)
            rc = s_unique_name(ctx, sub, f->name, names, i);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "input", true, NULL, &f->input);
        s_path_key(sub, item, "input");
        if (rc == PF_OK)
            rc = s_module(ctx, sub, f->input);
        if (rc == PF_OK)
            rc = s_int(ctx, v, item, "weight", 1, PF_PROFILE_WEIGHT_SUM, &f->weight);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "description", false, "", &f->description);
        if (rc == PF_OK) {
            names[i] = f->name;
            sum += f->weight;
        }
    }
    if (rc == PF_OK)
        self->n_factors = n;
    if (rc == PF_OK && sum != PF_PROFILE_WEIGHT_SUM)
        rc = s_fail(ctx, "$.icp.factors", "weights sum to %d, not %d", sum,
                    PF_PROFILE_WEIGHT_SUM);
    if (rc == PF_OK)
        rc = s_text_list(ctx, icp, "$.icp", "industries", false, 0, PF_PROFILE_TECHS_MAX,
                         &self->industries, &self->n_industries);
    if (rc == PF_OK)
        rc = s_tiers(ctx, icp, self);
    if (rc == PF_OK)
        rc = s_icp_rules(ctx, icp, self);
    return rc;
}

/*  obj[key] as an optional bool (absent: fallback).                        */
static int
s_bool(s_ctx_t *ctx, const json_t *obj, const char *path, const char *key, bool fallback,
       bool *out)
{
    char sub[S_PATH_MAX];
    s_path_key(sub, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v) {
        *out = fallback;
        return PF_OK;
    }
    if (!json_is_boolean(v))
        return s_fail(ctx, sub, "must be true or false");
    *out = json_is_true(v);
    return PF_OK;
}

static void
s_require_free(pf_profile_signal_t *s)
{
    for (size_t i = 0; i < s->n_require; i++)
        free((void *) s->require[i].words);
    free((void *) s->require);
    s->require = NULL;
    s->n_require = 0;
}

/*  A signal's optional "require": 1..PF_PROFILE_LIST_MAX groups, each a
    list of 1..PF_PROFILE_LIST_MAX phrases.                                */
static int
s_require(s_ctx_t *ctx, const json_t *v, const char *item, pf_profile_signal_t *s)
{
    char sub[S_PATH_MAX];
    s_path_key(sub, item, "require");
    const json_t *arr = json_object_get(v, "require");
    if (!arr)
        return PF_OK;
    if (!json_is_array(arr) || json_array_size(arr) < 1
        || json_array_size(arr) > PF_PROFILE_LIST_MAX)
        return s_fail(ctx, sub, "must be an array of 1 to %d word lists", PF_PROFILE_LIST_MAX);
    size_t n = json_array_size(arr);
    pf_profile_words_t *groups = pf_calloc(n, sizeof *groups);
    s->require = groups;
    /*  Counted at once so that a failure frees the groups parsed before.   */
    s->n_require = n;
    int rc = PF_OK;
    for (size_t g = 0; g < n && rc == PF_OK; g++) {
        char path[S_PATH_MAX];
        s_path_index(path, sub, g);
        const json_t *group = json_array_get(arr, g);
        size_t m = json_is_array(group) ? json_array_size(group) : 0;
        if (m < 1 || m > PF_PROFILE_LIST_MAX) {
            rc = s_fail(ctx, path, "must be an array of 1 to %d strings", PF_PROFILE_LIST_MAX);
            break;
        }
        const char **words = pf_calloc(m, sizeof *words);
        groups[g].words = words;
        groups[g].n_words = m;
        for (size_t w = 0; w < m && rc == PF_OK; w++) {
            char at[S_PATH_MAX];
            s_path_index(at, path, w);
            rc = s_text_value(ctx, json_array_get(group, w), at, &words[w]);
        }
    }
    if (rc != PF_OK)
        s_require_free(s);
    return rc;
}

static int
s_signals(s_ctx_t *ctx, const json_t *root, pf_profile_t *self)
{
    static const char *const keys[] = {"name", "input", "weight", "half_life_days",
                                       "description", "kinds", "dated_only", "require",
                                       "also_inputs", NULL};
    const json_t *arr;
    int rc = s_array(ctx, root, "$", "signals", 1, PF_PROFILE_SIGNALS_MAX, &arr);
    if (rc != PF_OK)
        return rc;
    size_t n = json_array_size(arr);
    self->signals = pf_calloc(n, sizeof *self->signals);
    /*  Counted at once so that destroy frees the kinds lists parsed before
        a failure (the entries after it are zeroed).                        */
    self->n_signals = n;
    const char *names[PF_PROFILE_SIGNALS_MAX];
    int sum = 0;
    for (size_t i = 0; i < n && rc == PF_OK; i++) {
        char item[S_PATH_MAX], sub[S_PATH_MAX];
        s_path_index(item, "$.signals", i);
        const json_t *v = json_array_get(arr, i);
        pf_profile_signal_t *s = &self->signals[i];
        rc = s_object(ctx, v, item, keys);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "name", true, NULL, &s->name);
        s_path_key(sub, item, "name");
        if (rc == PF_OK)
            rc = s_unique_name(ctx, sub, s->name, names, i);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "input", true, NULL, &s->input);
        s_path_key(sub, item, "input");
        if (rc == PF_OK)
            rc = s_module(ctx, sub, s->input);
        if (rc == PF_OK)
            rc = s_int(ctx, v, item, "weight", 1, PF_PROFILE_WEIGHT_SUM, &s->weight);
        if (rc == PF_OK)
            rc = s_int(ctx, v, item, "half_life_days", 1, PF_PROFILE_HALF_LIFE_MAX_DAYS,
                       &s->half_life_days);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "description", false, "", &s->description);
        if (rc == PF_OK)
            rc = s_text_list(ctx, v, item, "kinds", false, 0, PF_PROFILE_LIST_MAX,
                             (const char ***) &s->kinds, &s->n_kinds);
        if (rc == PF_OK)
            rc = s_bool(ctx, v, item, "dated_only", false, &s->dated_only);
        if (rc == PF_OK)
            rc = s_require(ctx, v, item, s);
        if (rc == PF_OK)
            rc = s_text_list(ctx, v, item, "also_inputs", false, 0, PF_PROFILE_LIST_MAX,
                             (const char ***) &s->also, &s->n_also);
        s_path_key(sub, item, "also_inputs");
        for (size_t a = 0; rc == PF_OK && a < s->n_also; a++) {
            char at[S_PATH_MAX];
            s_path_index(at, sub, a);
            rc = s_module(ctx, at, s->also[a]);
            if (rc == PF_OK && strcmp(s->also[a], s->input) == 0)
                rc = s_fail(ctx, at, "'%s' is the signal's input already", s->also[a]);
        }
        if (rc == PF_OK) {
            names[i] = s->name;
            sum += s->weight;
        }
    }
    if (rc == PF_OK && sum != PF_PROFILE_WEIGHT_SUM)
        rc = s_fail(ctx, "$.signals", "weights sum to %d, not %d", sum, PF_PROFILE_WEIGHT_SUM);
    return rc;
}

/*  signal_timing: act_now above nurture, both scores out of 100.           */
static int
s_signal_timing(s_ctx_t *ctx, const json_t *root, pf_profile_t *self)
{
    static const char *const keys[] = {"act_now", "nurture", "full_strength", NULL};
    const json_t *v = json_object_get(root, "signal_timing");
    if (!v)
        return s_fail(ctx, "$.signal_timing", "is required");
    pf_profile_signal_timing_t *t = &self->timing;
    int rc = s_object(ctx, v, "$.signal_timing", keys);
    if (rc == PF_OK)
        rc = s_int(ctx, v, "$.signal_timing", "act_now", 1, PF_PROFILE_WEIGHT_SUM, &t->act_now);
    if (rc == PF_OK)
        rc = s_int(ctx, v, "$.signal_timing", "nurture", 1, PF_PROFILE_WEIGHT_SUM, &t->nurture);
    if (rc == PF_OK && t->nurture >= t->act_now)
        rc = s_fail(ctx, "$.signal_timing.nurture", "must be below act_now's %d", t->act_now);
    if (rc == PF_OK)
        rc = s_int(ctx, v, "$.signal_timing", "full_strength", 1, PF_PROFILE_LIST_MAX,
                   &t->full_strength);
    return rc;
}

static void
s_case_free(pf_profile_case_t *c)
{
    free((void *) c->replaced);
    free((void *) c->platforms);
    free((void *) c->outcomes);
}

static int
s_outcomes(s_ctx_t *ctx, const json_t *v, const char *item, pf_profile_case_t *c)
{
    static const char *const keys[] = {"metric", "change_pct", NULL};
    char path[S_PATH_MAX];
    s_path_key(path, item, "outcomes");
    const json_t *arr;
    int rc = s_array(ctx, v, item, "outcomes", 1, PF_PROFILE_LIST_MAX, &arr);
    if (rc != PF_OK)
        return rc;
    size_t n = json_array_size(arr);
    pf_profile_outcome_t *list = pf_calloc(n, sizeof *list);
    for (size_t i = 0; i < n && rc == PF_OK; i++) {
        char sub[S_PATH_MAX], field[S_PATH_MAX];
        s_path_index(sub, path, i);
        const json_t *o = json_array_get(arr, i);
        rc = s_object(ctx, o, sub, keys);
        if (rc == PF_OK)
            rc = s_text(ctx, o, sub, "metric", true, NULL, &list[i].metric);
        s_path_key(field, sub, "change_pct");
        const json_t *pct = json_object_get(o, "change_pct");
        if (rc == PF_OK && !pct)
            rc = s_fail(ctx, field, "is required");
        if (rc == PF_OK && (!json_is_number(pct) || !isfinite(json_number_value(pct)) ||
                            json_number_value(pct) < S_CHANGE_PCT_MIN ||
                            json_number_value(pct) > S_CHANGE_PCT_MAX))
            rc = s_fail(ctx, field, "must be a number in [%g, %g]", S_CHANGE_PCT_MIN,
                        S_CHANGE_PCT_MAX);
        if (rc == PF_OK)
            list[i].change_pct = json_number_value(pct);
    }
    if (rc != PF_OK) {
        free(list);
        return rc;
    }
    c->outcomes = list;
    c->n_outcomes = n;
    return PF_OK;
}

static int
s_cases(s_ctx_t *ctx, const json_t *root, pf_profile_t *self)
{
    static const char *const keys[] = {"id", "customer", "industry", "size_band", "replaced",
                                       "platforms", "outcomes", "summary", NULL};
    static const char *const bands[] = {"smb", "mid-market", "enterprise"};
    const json_t *arr;
    int rc = s_array(ctx, root, "$", "case_studies", 0, PF_PROFILE_CASES_MAX, &arr);
    if (rc != PF_OK)
        return rc;
    size_t n = json_array_size(arr);
    self->cases = pf_calloc(n ? n : 1, sizeof *self->cases);
    for (size_t i = 0; i < n && rc == PF_OK; i++) {
        char item[S_PATH_MAX], sub[S_PATH_MAX];
        s_path_index(item, "$.case_studies", i);
        const json_t *v = json_array_get(arr, i);
        pf_profile_case_t *c = &self->cases[i];
        /*  Counted first, so a failure below frees what this entry has.   */
        self->n_cases = i + 1;
        rc = s_object(ctx, v, item, keys);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "id", true, NULL, &c->id);
        s_path_key(sub, item, "id");
        for (size_t j = 0; rc == PF_OK && j < i; j++)
            if (strcmp(self->cases[j].id, c->id) == 0)
                rc = s_fail(ctx, sub, "'%s' is used twice", c->id);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "customer", true, NULL, &c->customer);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "industry", true, NULL, &c->industry);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "size_band", true, NULL, &c->size_band);
        s_path_key(sub, item, "size_band");
        if (rc == PF_OK) {
            bool known = false;
            for (size_t b = 0; b < sizeof bands / sizeof bands[0]; b++)
                known = known || strcmp(c->size_band, bands[b]) == 0;
            if (!known)
                rc = s_fail(ctx, sub, "'%s' must be smb, mid-market or enterprise",
                            c->size_band);
        }
        if (rc == PF_OK)
            rc = s_text_list(ctx, v, item, "replaced", false, 0, PF_PROFILE_LIST_MAX,
                             (const char ***) &c->replaced, &c->n_replaced);
        if (rc == PF_OK)
            rc = s_text_list(ctx, v, item, "platforms", false, 0, PF_PROFILE_LIST_MAX,
                             (const char ***) &c->platforms, &c->n_platforms);
        if (rc == PF_OK)
            rc = s_outcomes(ctx, v, item, c);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "summary", false, "", &c->summary);
    }
    return rc;
}

/*  Employees of the largest company a profile can band (beyond any real
    employer, so a typo is caught).                                        */
#define S_EMPLOYEES_MAX 10000000

static int
s_case_matching(s_ctx_t *ctx, const json_t *root, pf_profile_t *self)
{
    static const char *const keys[] = {"weights", "employees", NULL};
    static const char *const wkeys[] = {"industry", "technology", "size", NULL};
    static const char *const ekeys[] = {"mid-market", "enterprise", NULL};
    pf_profile_case_matching_t *m = &self->case_matching;
    const json_t *v = json_object_get(root, "case_matching");
    if (!v)
        return s_fail(ctx, "$.case_matching", "is required");
    int rc = s_object(ctx, v, "$.case_matching", keys);
    const json_t *w = json_object_get(v, "weights");
    const json_t *e = json_object_get(v, "employees");
    if (rc == PF_OK && !w)
        rc = s_fail(ctx, "$.case_matching.weights", "is required");
    if (rc == PF_OK && !e)
        rc = s_fail(ctx, "$.case_matching.employees", "is required");
    if (rc == PF_OK)
        rc = s_object(ctx, w, "$.case_matching.weights", wkeys);
    if (rc == PF_OK)
        rc = s_int(ctx, w, "$.case_matching.weights", "industry", 0, PF_PROFILE_WEIGHT_SUM,
                   &m->industry);
    if (rc == PF_OK)
        rc = s_int(ctx, w, "$.case_matching.weights", "technology", 0, PF_PROFILE_WEIGHT_SUM,
                   &m->technology);
    if (rc == PF_OK)
        rc = s_int(ctx, w, "$.case_matching.weights", "size", 0, PF_PROFILE_WEIGHT_SUM,
                   &m->size);
    if (rc == PF_OK && m->industry + m->technology + m->size != PF_PROFILE_WEIGHT_SUM)
        rc = s_fail(ctx, "$.case_matching.weights", "weights sum to %d, not %d",
                    m->industry + m->technology + m->size, PF_PROFILE_WEIGHT_SUM);
    if (rc == PF_OK)
        rc = s_object(ctx, e, "$.case_matching.employees", ekeys);
    if (rc == PF_OK)
        rc = s_int(ctx, e, "$.case_matching.employees", "mid-market", 1, S_EMPLOYEES_MAX,
                   &m->mid_market_employees);
    if (rc == PF_OK)
        rc = s_int(ctx, e, "$.case_matching.employees", "enterprise", 1, S_EMPLOYEES_MAX,
                   &m->enterprise_employees);
    if (rc == PF_OK && m->enterprise_employees <= m->mid_market_employees)
        rc = s_fail(ctx, "$.case_matching.employees.enterprise",
                    "must be above mid-market's %d", m->mid_market_employees);
    return rc;
}

/*  The most a "full points" amount of "displacement" can be: years of
    tenure, signals, competitors (PF_MOD_COMPETITOR_MAX is 10).           */
#define S_DISPLACEMENT_AMOUNT_MAX 50

static int
s_displacement(s_ctx_t *ctx, const json_t *root, pf_profile_t *self)
{
    static const char *const keys[] = {"weights", "full", NULL};
    static const char *const wkeys[] = {"incumbent", "tenure", "switching", "peers", NULL};
    static const char *const fkeys[] = {"tenure_years", "switching", "peers", NULL};
    static const char *const wpath = "$.displacement.weights";
    static const char *const fpath = "$.displacement.full";
    pf_profile_displacement_t *d = &self->displacement;
    const json_t *v = json_object_get(root, "displacement");
    if (!v)
        return s_fail(ctx, "$.displacement", "is required");
    int rc = s_object(ctx, v, "$.displacement", keys);
    const json_t *w = json_object_get(v, "weights");
    const json_t *f = json_object_get(v, "full");
    if (rc == PF_OK && !w)
        rc = s_fail(ctx, wpath, "is required");
    if (rc == PF_OK && !f)
        rc = s_fail(ctx, fpath, "is required");
    if (rc == PF_OK)
        rc = s_object(ctx, w, wpath, wkeys);
    if (rc == PF_OK)
        rc = s_int(ctx, w, wpath, "incumbent", 0, PF_PROFILE_WEIGHT_SUM, &d->incumbent);
    if (rc == PF_OK)
        rc = s_int(ctx, w, wpath, "tenure", 0, PF_PROFILE_WEIGHT_SUM, &d->tenure);
    if (rc == PF_OK)
        rc = s_int(ctx, w, wpath, "switching", 0, PF_PROFILE_WEIGHT_SUM, &d->switching);
    if (rc == PF_OK)
        rc = s_int(ctx, w, wpath, "peers", 0, PF_PROFILE_WEIGHT_SUM, &d->peers);
    int sum = d->incumbent + d->tenure + d->switching + d->peers;
    if (rc == PF_OK && sum != PF_PROFILE_WEIGHT_SUM)
        rc = s_fail(ctx, wpath, "weights sum to %d, not %d", sum, PF_PROFILE_WEIGHT_SUM);
    if (rc == PF_OK)
        rc = s_object(ctx, f, fpath, fkeys);
    if (rc == PF_OK)
        rc = s_int(ctx, f, fpath, "tenure_years", 1, S_DISPLACEMENT_AMOUNT_MAX,
                   &d->tenure_years);
    if (rc == PF_OK)
        rc = s_int(ctx, f, fpath, "switching", 1, S_DISPLACEMENT_AMOUNT_MAX, &d->switching_full);
    if (rc == PF_OK)
        rc = s_int(ctx, f, fpath, "peers", 1, S_DISPLACEMENT_AMOUNT_MAX, &d->peers_full);
    return rc;
}

/*  "personas" (optional): each a persona buying_committee knows, once,
    with 1..PF_PROFILE_LIST_MAX titles and a reason.                       */
static int
s_personas(s_ctx_t *ctx, const json_t *root, pf_profile_t *self)
{
    static const char *const keys[] = {"name", "titles", "reason", NULL};
    static const char *const known[] = {"economic_buyer", "champion", "technical_evaluator",
                                        "user"};
    if (!json_object_get(root, "personas"))
        return PF_OK;
    const json_t *arr;
    int rc = s_array(ctx, root, "$", "personas", 1, PF_PROFILE_PERSONAS_MAX, &arr);
    if (rc != PF_OK)
        return rc;
    size_t n = json_array_size(arr);
    self->personas = pf_calloc(n, sizeof *self->personas);
    /*  Counted at once so that destroy frees the title lists parsed before
        a failure (the entries after it are zeroed).                        */
    self->n_personas = n;
    const char *names[PF_PROFILE_PERSONAS_MAX];
    for (size_t i = 0; i < n && rc == PF_OK; i++) {
        char item[S_PATH_MAX], sub[S_PATH_MAX];
        s_path_index(item, "$.personas", i);
        const json_t *v = json_array_get(arr, i);
        pf_profile_persona_t *p = &self->personas[i];
        rc = s_object(ctx, v, item, keys);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "name", true, NULL, &p->name);
        s_path_key(sub, item, "name");
        if (rc == PF_OK)
            rc = s_unique_name(ctx, sub, p->name, names, i);
        bool is_known = false;
        for (size_t k = 0; rc == PF_OK && k < sizeof known / sizeof known[0]; k++)
            is_known = is_known || strcmp(p->name, known[k]) == 0;
        if (rc == PF_OK && !is_known)
            rc = s_fail(ctx, sub, "'%s' is not a persona (economic_buyer, champion, "
                                  "technical_evaluator, user)", p->name);
        if (rc == PF_OK)
            rc = s_text_list(ctx, v, item, "titles", true, 1, PF_PROFILE_LIST_MAX,
                             (const char ***) &p->titles, &p->n_titles);
        if (rc == PF_OK)
            rc = s_text(ctx, v, item, "reason", true, NULL, &p->reason);
        if (rc == PF_OK)
            names[i] = p->name;
    }
    return rc;
}

/*  Reads at most PF_PROFILE_FILE_MAX bytes of path and parses them.        */
static int
s_read(s_ctx_t *ctx, const char *path, json_t **out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return s_fail(ctx, "$", "cannot open: %s", strerror(errno));
    char *buf = pf_malloc(PF_PROFILE_FILE_MAX + 1);
    size_t len = fread(buf, 1, PF_PROFILE_FILE_MAX + 1, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        free(buf);
        return s_fail(ctx, "$", "cannot read");
    }
    if (len > PF_PROFILE_FILE_MAX) {
        free(buf);
        return s_fail(ctx, "$", "larger than %u bytes", PF_PROFILE_FILE_MAX);
    }
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    free(buf);
    if (!root)
        return s_fail(ctx, "$", "not valid JSON at line %d, column %d: %s", jerr.line,
                      jerr.column, jerr.text);
    *out = root;
    return PF_OK;
}

pf_profile_t *
pf_profile_load(const char *path, char *err, size_t size)
{
    s_ctx_t ctx = {path ? path : "(null)", err, size};
    if (!path || !*path) {
        s_fail(&ctx, "$", "no file named");
        return NULL;
    }
    if (pf_graph_check() != PF_OK) {
        s_fail(&ctx, "$", "the module graph is inconsistent");
        return NULL;
    }
    static const char *const keys[] = {"format", "sample", "seller", "displaceable", "fit",
                                       "icp", "signals", "signal_timing", "case_studies",
                                       "case_matching", "displacement", "personas", NULL};
    pf_profile_t *self = pf_calloc(1, sizeof *self);
    self->file = pf_strdup(path);
    int rc = s_read(&ctx, path, &self->root);
    const json_t *root = self->root;
    if (rc == PF_OK)
        rc = s_object(&ctx, root, "$", keys);
    int format = 0;
    if (rc == PF_OK && json_integer_value(json_object_get(root, "format")) == 1
        && json_is_integer(json_object_get(root, "format")))
        rc = s_fail(&ctx, "$.format", "1 is the earlier format: format %d adds icp.rules, "
                    "signal_timing and personas (docs/MODULES.md, the seller profile)",
                    PF_PROFILE_FORMAT);
    if (rc == PF_OK)
        rc = s_int(&ctx, root, "$", "format", PF_PROFILE_FORMAT, PF_PROFILE_FORMAT, &format);
    if (rc == PF_OK) {
        const json_t *sample = json_object_get(root, "sample");
        if (!sample)
            rc = s_fail(&ctx, "$.sample", "is required");
        else if (!json_is_boolean(sample))
            rc = s_fail(&ctx, "$.sample", "must be true or false");
        else
            self->sample = json_is_true(sample);
    }
    if (rc == PF_OK)
        rc = s_seller(&ctx, root, self);
    if (rc == PF_OK)
        rc = s_techs(&ctx, root, "displaceable", NULL, 0, "", &self->displaceable,
                     &self->n_displaceable);
    if (rc == PF_OK)
        rc = s_techs(&ctx, root, "fit", self->displaceable, self->n_displaceable,
                     "displaceable", &self->fit, &self->n_fit);
    if (rc == PF_OK)
        rc = s_icp(&ctx, root, self);
    if (rc == PF_OK)
        rc = s_signals(&ctx, root, self);
    if (rc == PF_OK)
        rc = s_signal_timing(&ctx, root, self);
    if (rc == PF_OK)
        rc = s_cases(&ctx, root, self);
    if (rc == PF_OK)
        rc = s_case_matching(&ctx, root, self);
    if (rc == PF_OK)
        rc = s_displacement(&ctx, root, self);
    if (rc == PF_OK)
        rc = s_personas(&ctx, root, self);
    if (rc != PF_OK)
        pf_profile_destroy(&self);
    return self;
}

void
pf_profile_destroy(pf_profile_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_profile_t *self = *self_p;
    s_techs_free(self->displaceable, self->n_displaceable);
    s_techs_free(self->fit, self->n_fit);
    free(self->factors);
    free(self->industries);
    for (size_t i = 0; i < self->n_signals; i++) {
        free((void *) self->signals[i].kinds);
        free((void *) self->signals[i].also);
        s_require_free(&self->signals[i]);
    }
    free(self->signals);
    for (size_t i = 0; i < self->n_cases; i++)
        s_case_free(&self->cases[i]);
    free(self->cases);
    for (size_t i = 0; i < self->n_personas; i++)
        free((void *) self->personas[i].titles);
    free(self->personas);
    json_decref(self->root);
    free(self->file);
    free(self);
    *self_p = NULL;
}

const char *
pf_profile_path(const char *flag)
{
    if (flag && *flag)
        return flag;
    const char *env = getenv(PF_PROFILE_ENV);
    if (env && *env)
        return env;
    return PF_PROFILE_DEFAULT;
}

void
pf_profile_install(pf_profile_t **profile_p)
{
    pf_profile_destroy(&s_current);
    if (profile_p) {
        s_current = *profile_p;
        *profile_p = NULL;
    }
}

const pf_profile_t *
pf_profile_current(void)
{
    return s_current;
}

const char *pf_profile_file(const pf_profile_t *self) { return self->file; }
bool pf_profile_sample(const pf_profile_t *self) { return self->sample; }
const char *pf_profile_seller(const pf_profile_t *self) { return self->seller; }
const char *pf_profile_product(const pf_profile_t *self) { return self->product; }
const char *pf_profile_category(const pf_profile_t *self) { return self->category; }

size_t
pf_profile_displaceable_count(const pf_profile_t *self)
{
    return self->n_displaceable;
}

const pf_profile_tech_t *
pf_profile_displaceable_at(const pf_profile_t *self, size_t i)
{
    return i < self->n_displaceable ? &self->displaceable[i] : NULL;
}

size_t
pf_profile_fit_count(const pf_profile_t *self)
{
    return self->n_fit;
}

const pf_profile_tech_t *
pf_profile_fit_at(const pf_profile_t *self, size_t i)
{
    return i < self->n_fit ? &self->fit[i] : NULL;
}

const pf_profile_tech_t *
pf_profile_displaceable_find(const pf_profile_t *self, const char *name)
{
    for (size_t i = 0; name && i < self->n_displaceable; i++)
        if (s_tech_is(&self->displaceable[i], name))
            return &self->displaceable[i];
    return NULL;
}

const pf_profile_tech_t *
pf_profile_fit_find(const pf_profile_t *self, const char *name)
{
    for (size_t i = 0; name && i < self->n_fit; i++)
        if (s_tech_is(&self->fit[i], name))
            return &self->fit[i];
    return NULL;
}

size_t
pf_profile_factor_count(const pf_profile_t *self)
{
    return self->n_factors;
}

const pf_profile_factor_t *
pf_profile_factor_at(const pf_profile_t *self, size_t i)
{
    return i < self->n_factors ? &self->factors[i] : NULL;
}

size_t
pf_profile_industry_count(const pf_profile_t *self)
{
    return self->n_industries;
}

const char *
pf_profile_industry_at(const pf_profile_t *self, size_t i)
{
    return i < self->n_industries ? self->industries[i] : NULL;
}

int
pf_profile_tier_min(const pf_profile_t *self, size_t i)
{
    return i < PF_PROFILE_TIERS ? self->tiers[i] : 0;
}

char
pf_profile_tier(const pf_profile_t *self, double score)
{
    for (size_t i = 0; i < PF_PROFILE_TIERS; i++)
        if (score >= self->tiers[i])
            return (char) ('A' + i);
    return (char) ('A' + PF_PROFILE_TIERS - 1);
}

const pf_profile_icp_rules_t *
pf_profile_icp_rules(const pf_profile_t *self)
{
    return &self->icp_rules;
}

const pf_profile_signal_timing_t *
pf_profile_signal_timing(const pf_profile_t *self)
{
    return &self->timing;
}

size_t
pf_profile_signal_count(const pf_profile_t *self)
{
    return self->n_signals;
}

const pf_profile_signal_t *
pf_profile_signal_at(const pf_profile_t *self, size_t i)
{
    return i < self->n_signals ? &self->signals[i] : NULL;
}

size_t
pf_profile_case_count(const pf_profile_t *self)
{
    return self->n_cases;
}

const pf_profile_case_t *
pf_profile_case_at(const pf_profile_t *self, size_t i)
{
    return i < self->n_cases ? &self->cases[i] : NULL;
}

const pf_profile_case_matching_t *
pf_profile_case_matching(const pf_profile_t *self)
{
    return &self->case_matching;
}

const pf_profile_displacement_t *
pf_profile_displacement(const pf_profile_t *self)
{
    return &self->displacement;
}

size_t
pf_profile_persona_count(const pf_profile_t *self)
{
    return self->n_personas;
}

const pf_profile_persona_t *
pf_profile_persona_at(const pf_profile_t *self, size_t i)
{
    return i < self->n_personas ? &self->personas[i] : NULL;
}

const pf_profile_persona_t *
pf_profile_persona_find(const pf_profile_t *self, const char *name)
{
    for (size_t i = 0; self && name && i < self->n_personas; i++)
        if (strcmp(self->personas[i].name, name) == 0)
            return &self->personas[i];
    return NULL;
}
