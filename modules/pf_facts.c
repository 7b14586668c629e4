/*  pf_facts.c — a module result in which every fact carries its
    provenance (see pf_facts.h).

    The builder keeps facts and missing entries in its own ordered lists
    (pf_value_t maps cannot remove a key) and assembles the result map only
    in pf_facts_result, so set and missing can undo each other freely: the
    later call about a field wins.  Recording a field as missing therefore
    also withdraws a value set for it earlier — a module that learns a fact
    is wrong must not publish it.                                          */
#include "pf_facts.h"

#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"

/*  One fact: a top-level key of data.                                     */
typedef struct {
    char *field;                     /* key in data                        */
    pf_value_t *value;               /* the fact (owned)                   */
    int source;                      /* index into sources; -1 none        */
} s_fact_t;

/*  One field that could not be established.                               */
typedef struct {
    char *field;                     /* key it would have had in data      */
    char *reason;                    /* why, for people                    */
} s_missing_t;

/*  One registered source and the key that makes registrations equal.     */
typedef struct {
    char *key;                       /* kind + identity, for dedup         */
    pf_value_t *map;                 /* the entry of "sources" (owned)     */
} s_source_t;

struct pf_facts_t {
    s_fact_t *facts;                 /* facts in the order first set       */
    size_t nfacts;                   /* used                               */
    size_t capfacts;                 /* allocated                          */
    s_missing_t *missing;            /* missing fields, in order recorded  */
    size_t nmissing;                 /* used                               */
    size_t capmissing;               /* allocated                          */
    s_source_t *sources;             /* sources, index = position          */
    size_t nsources;                 /* used                               */
    size_t capsources;               /* allocated                          */
    bool synthetic;                  /* a provider source was synthetic    */
};

/*  Initial capacity of each list; they double from there.                  */
#define S_INITIAL_CAP 8

static void
s_grow(void **items, size_t *cap, size_t used, size_t size)
{
    if (used < *cap)
        return;
    size_t n = *cap ? *cap * 2 : S_INITIAL_CAP;
    *items = pf_realloc(*items, n * size);
    *cap = n;
}

pf_facts_t *
pf_facts_new(void)
{
    return pf_calloc(1, sizeof(pf_facts_t));
}

static void
s_free_lists(pf_facts_t *self)
{
    for (size_t i = 0; i < self->nfacts; i++) {
        free(self->facts[i].field);
        pf_value_destroy(&self->facts[i].value);
    }
    for (size_t i = 0; i < self->nmissing; i++) {
        free(self->missing[i].field);
        free(self->missing[i].reason);
    }
    for (size_t i = 0; i < self->nsources; i++) {
        free(self->sources[i].key);
        pf_value_destroy(&self->sources[i].map);
    }
    free(self->facts);
    free(self->missing);
    free(self->sources);
}

void
pf_facts_destroy(pf_facts_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_free_lists(*self_p);
    free(*self_p);
    *self_p = NULL;
}

/*  Index of the source with key, or registers map (taken) under it.       */
static int
s_source(pf_facts_t *self, char *key, pf_value_t *map)
{
    for (size_t i = 0; i < self->nsources; i++)
        if (strcmp(self->sources[i].key, key) == 0) {
            free(key);
            pf_value_destroy(&map);
            return (int) i;
        }
    s_grow((void **) &self->sources, &self->capsources, self->nsources,
           sizeof *self->sources);
    self->sources[self->nsources].key = key;
    self->sources[self->nsources].map = map;
    return (int) self->nsources++;
}

/*  "a\x1fb\x1fc": unit separators keep distinct triples distinct.        */
static char *
s_key(const char *kind, const char *a, const char *b, const char *c)
{
    size_t n = strlen(kind) + strlen(a) + strlen(b) + strlen(c) + 4;
    char *key = pf_malloc(n);
    strcpy(key, kind);
    strcat(key, "\x1f");
    strcat(key, a);
    strcat(key, "\x1f");
    strcat(key, b);
    strcat(key, "\x1f");
    strcat(key, c);
    return key;
}

static const char *
s_str_or_empty(const pf_value_t *map, const char *key)
{
    const char *s = pf_map_get_str(map, key);
    return s ? s : "";
}

int
pf_facts_provider(pf_facts_t *self, const pf_value_t *provenance)
{
    if (!pf_value_is(provenance, PF_MAP))
        return -1;
    const char *provider = s_str_or_empty(provenance, "provider");
    const char *op = s_str_or_empty(provenance, "op");
    const char *request = s_str_or_empty(provenance, "request");
    const char *origin = pf_map_get_str(provenance, "origin");
    if (origin && strcmp(origin, "synthetic") == 0)
        self->synthetic = true;
    pf_value_t *map = pf_value_map();
    pf_map_set_str(map, "kind", "provider");
    pf_map_set_str(map, "provider", provider);
    pf_map_set_str(map, "op", op);
    static const char *const copied[] = { "endpoint", "origin", "fetched_at", "request" };
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++) {
        const pf_value_t *v = pf_map_get(provenance, copied[i]);
        if (v) {
            pf_value_t *dup = pf_value_dup(v);
            pf_map_set(map, copied[i], &dup);
        }
    }
    return s_source(self, s_key("provider", provider, op, request), map);
}

int
pf_facts_module(pf_facts_t *self, const char *module)
{
    if (!module)
        return -1;
    pf_value_t *map = pf_value_map();
    pf_map_set_str(map, "kind", "module");
    pf_map_set_str(map, "module", module);
    return s_source(self, s_key("module", module, "", ""), map);
}

int
pf_facts_derived(pf_facts_t *self, const char *how)
{
    if (!how)
        return -1;
    pf_value_t *map = pf_value_map();
    pf_map_set_str(map, "kind", "derived");
    pf_map_set_str(map, "how", how);
    return s_source(self, s_key("derived", how, "", ""), map);
}

static void
s_unmiss(pf_facts_t *self, const char *field)
{
    for (size_t i = 0; i < self->nmissing; i++)
        if (strcmp(self->missing[i].field, field) == 0) {
            free(self->missing[i].field);
            free(self->missing[i].reason);
            memmove(&self->missing[i], &self->missing[i + 1],
                    (self->nmissing - i - 1) * sizeof *self->missing);
            self->nmissing--;
            return;
        }
}

static void
s_unset(pf_facts_t *self, const char *field)
{
    for (size_t i = 0; i < self->nfacts; i++)
        if (strcmp(self->facts[i].field, field) == 0) {
            free(self->facts[i].field);
            pf_value_destroy(&self->facts[i].value);
            memmove(&self->facts[i], &self->facts[i + 1],
                    (self->nfacts - i - 1) * sizeof *self->facts);
            self->nfacts--;
            return;
        }
}

void
pf_facts_set(pf_facts_t *self, const char *field, pf_value_t **value_p, int source)
{
    pf_value_t *value = value_p ? *value_p : NULL;
    if (value_p)
        *value_p = NULL;
    if (!self || !field) {
        pf_value_destroy(&value);
        return;
    }
    if (!value)
        value = pf_value_nil();
    if (source < 0 || (size_t) source >= self->nsources)
        source = -1;   /* no such source: the fact is published without one */
    s_unmiss(self, field);
    for (size_t i = 0; i < self->nfacts; i++)
        if (strcmp(self->facts[i].field, field) == 0) {
            pf_value_destroy(&self->facts[i].value);
            self->facts[i].value = value;
            self->facts[i].source = source;
            return;
        }
    s_grow((void **) &self->facts, &self->capfacts, self->nfacts, sizeof *self->facts);
    self->facts[self->nfacts].field = pf_strdup(field);
    self->facts[self->nfacts].value = value;
    self->facts[self->nfacts].source = source;
    self->nfacts++;
}

void
pf_facts_set_str(pf_facts_t *self, const char *field, const char *s, int source)
{
    if (!s)
        return;
    pf_value_t *v = pf_value_str(s);
    pf_facts_set(self, field, &v, source);
}

void
pf_facts_set_int(pf_facts_t *self, const char *field, int64_t i, int source)
{
    pf_value_t *v = pf_value_int(i);
    pf_facts_set(self, field, &v, source);
}

void
pf_facts_set_float(pf_facts_t *self, const char *field, double f, int source)
{
    pf_value_t *v = pf_value_float(f);
    pf_facts_set(self, field, &v, source);
}

void
pf_facts_set_bool(pf_facts_t *self, const char *field, bool b, int source)
{
    pf_value_t *v = pf_value_bool(b);
    pf_facts_set(self, field, &v, source);
}

bool
pf_facts_has(const pf_facts_t *self, const char *field)
{
    if (!self || !field)
        return false;
    for (size_t i = 0; i < self->nfacts; i++)
        if (strcmp(self->facts[i].field, field) == 0)
            return true;
    return false;
}

void
pf_facts_missing(pf_facts_t *self, const char *field, const char *reason)
{
    if (!self || !field)
        return;
    s_unset(self, field);
    if (!reason)
        reason = "";
    for (size_t i = 0; i < self->nmissing; i++)
        if (strcmp(self->missing[i].field, field) == 0) {
            free(self->missing[i].reason);
            self->missing[i].reason = pf_strdup(reason);
            return;
        }
    s_grow((void **) &self->missing, &self->capmissing, self->nmissing,
           sizeof *self->missing);
    self->missing[self->nmissing].field = pf_strdup(field);
    self->missing[self->nmissing].reason = pf_strdup(reason);
    self->nmissing++;
}

pf_value_t *
pf_facts_result(pf_facts_t **self_p)
{
    if (!self_p || !*self_p)
        return NULL;
    pf_facts_t *self = *self_p;
    pf_value_t *data = pf_value_map();
    pf_value_t *provenance = pf_value_map();
    for (size_t i = 0; i < self->nfacts; i++) {
        s_fact_t *f = &self->facts[i];
        pf_map_set(data, f->field, &f->value);
        if (f->source >= 0)
            pf_map_set_int(provenance, f->field, f->source);
    }
    pf_value_t *sources = pf_value_array();
    for (size_t i = 0; i < self->nsources; i++)
        pf_array_push(sources, &self->sources[i].map);
    pf_value_t *missing = pf_value_array();
    for (size_t i = 0; i < self->nmissing; i++) {
        pf_value_t *m = pf_value_map();
        pf_map_set_str(m, "field", self->missing[i].field);
        pf_map_set_str(m, "reason", self->missing[i].reason);
        pf_array_push(missing, &m);
    }
    pf_value_t *result = pf_value_map();
    pf_map_set(result, "data", &data);
    pf_map_set(result, "provenance", &provenance);
    pf_map_set(result, "sources", &sources);
    pf_map_set(result, "missing", &missing);
    pf_map_set_bool(result, "synthetic", self->synthetic);
    pf_facts_destroy(self_p);
    return result;
}
