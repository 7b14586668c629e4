/*  pf_mod_check.h — building the inputs of a module's pure functions in
    its unit tests: adapter replies (pf_gather_reply_t) with a provenance
    map, failed replies, upstream module results in a task's inputs, the
    shipped seller profile; and reading a result's sources and missing.

    Replies borrow their maps, as the gather's do; a test keeps the maps it
    builds in an arena it declares (static pf_mod_check_arena_t g_arena;)
    and frees them at the end of each test with pf_mod_check_free.        */
#ifndef PF_MOD_CHECK_H
#define PF_MOD_CHECK_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pf_gather.h"
#include "pf_profile.h"
#include "pf_value.h"

/*  Maps one test may keep.                                                 */
#define PF_MOD_CHECK_ARENA_MAX 128

/*  The maps a test's replies borrow.                                       */
typedef struct {
    pf_value_t *kept[PF_MOD_CHECK_ARENA_MAX]; /* owned until freed           */
    size_t n;                                  /* in use                      */
} pf_mod_check_arena_t;

/*  Keeps v (taken) in arena; returns it.                                   */
static inline pf_value_t *
pf_mod_check_keep(pf_mod_check_arena_t *arena, pf_value_t *v)
{
    ck_assert_uint_lt(arena->n, PF_MOD_CHECK_ARENA_MAX);
    arena->kept[arena->n++] = v;
    return v;
}

/*  Frees every map arena keeps.                                            */
static inline void
pf_mod_check_free(pf_mod_check_arena_t *arena)
{
    for (size_t i = 0; i < arena->n; i++)
        pf_value_destroy(&arena->kept[i]);
    arena->n = 0;
}

/*  An adapter's provenance map for op of provider from origin ("fixture",
    "synthetic", "live"), fetched at 1 ms, for request (caller owns).      */
static inline pf_value_t *
pf_mod_check_provenance_of(const char *provider, const char *op, const char *origin,
                           const char *request)
{
    pf_value_t *p = pf_value_map();
    pf_map_set_str(p, "provider", provider);
    pf_map_set_str(p, "op", op);
    pf_map_set_str(p, "endpoint", "/e");
    pf_map_set_str(p, "origin", origin);
    pf_map_set_int(p, "fetched_at", 1);
    pf_map_set_str(p, "request", request);
    return p;
}

/*  The same, with op as the request.                                       */
static inline pf_value_t *
pf_mod_check_provenance(const char *provider, const char *op, const char *origin)
{
    return pf_mod_check_provenance_of(provider, op, origin, op);
}

/*  An answered reply with data (taken) and its provenance, both kept in
    arena.                                                                 */
static inline pf_gather_reply_t
pf_mod_check_ok(pf_mod_check_arena_t *arena, const char *provider, const char *op,
                pf_value_t *data, const char *origin)
{
    pf_gather_reply_t r = {pf_mod_check_keep(arena, data),
                           pf_mod_check_keep(arena, pf_mod_check_provenance(provider, op,
                                                                            origin)),
                           NULL, ""};
    return r;
}

/*  A failed reply: its error code and message (borrowed).                  */
static inline pf_gather_reply_t
pf_mod_check_err(const char *code, const char *message)
{
    pf_gather_reply_t r = {NULL, NULL, code, message};
    return r;
}

/*  inputs[module] = {data: *data_p (taken), synthetic, missing: []}: an
    upstream module's result as a task's inputs carry it.                  */
static inline void
pf_mod_check_input(pf_value_t *inputs, const char *module, pf_value_t **data_p,
                   bool synthetic)
{
    pf_value_t *r = pf_value_map();
    pf_map_set(r, "data", data_p);
    pf_map_set_bool(r, "synthetic", synthetic);
    pf_value_t *missing = pf_value_array();
    pf_map_set(r, "missing", &missing);
    pf_map_set(inputs, module, &r);
}

/*  ---- reading a result (pf_facts.h shape) ------------------------------ */

/*  The source map of field in result; field must have one.                */
static inline const pf_value_t *
pf_mod_check_source(const pf_value_t *result, const char *field)
{
    const pf_value_t *idx = pf_map_get(pf_map_get(result, "provenance"), field);
    ck_assert_msg(pf_value_is(idx, PF_INT), "%s has no source", field);
    return pf_array_at(pf_map_get(result, "sources"), (size_t) pf_value_as_int(idx, -1));
}

/*  The reason result gives for field in its missing list, or NULL.        */
static inline const char *
pf_mod_check_reason(const pf_value_t *result, const char *field)
{
    const pf_value_t *missing = pf_map_get(result, "missing");
    for (size_t i = 0; i < pf_array_size(missing); i++) {
        const pf_value_t *m = pf_array_at(missing, i);
        const char *f = pf_map_get_str(m, "field");
        if (f && strcmp(f, field) == 0)
            return pf_map_get_str(m, "reason");
    }
    return NULL;
}

/*  The shipped seller profile, whatever PF_SELLER_PROFILE says (the caller
    owns it).                                                              */
static inline pf_profile_t *
pf_mod_check_profile(void)
{
    unsetenv(PF_PROFILE_ENV);
    char err[PF_PROFILE_ERROR_MAX] = "";
    pf_profile_t *p = pf_profile_load(pf_profile_path(NULL), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    return p;
}

#endif
