/*  pf_facts.h — a module result in which every fact carries its provenance.

    A module builds its result with a pf_facts_t: it registers the sources
    it used (an adapter reply's provenance map, or an upstream module's
    result), sets each fact with the index of its source, and says which
    facts it could not establish and why.  The finished result map is

      { "data":       { field: value, … },          the facts themselves
        "provenance": { field: source index, … },   where each came from
        "sources":    [ { kind: "provider", provider, op, endpoint, origin,
                          fetched_at, request }  or
                        { kind: "module", module }  or
                        { kind: "derived", how }, … ],
        "missing":    [ { field, reason }, … ],     what is unknown, and why
        "synthetic":  bool }                        any source's origin was
                                                    synthetic (pf-fakeapi)

    Downstream modules read inputs[module]["data"]; the brief cites
    "sources".  Fields are top-level keys of data (a list or a map is one
    fact with one source).  Setting a field again replaces it and its
    source.  One thread.                                                   */
#ifndef PF_FACTS_H
#define PF_FACTS_H

#include <stdbool.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_facts_t pf_facts_t;

pf_facts_t *pf_facts_new(void);
void pf_facts_destroy(pf_facts_t **self_p);

/*  Registers a provider source from an adapter reply's provenance map
    (borrowed); the same provider + op + request registered twice gives the
    same index.  Returns the index (>= 0), or -1 when provenance is not a
    map (then facts set with -1 have no source: avoid).                    */
int pf_facts_provider(pf_facts_t *self, const pf_value_t *provenance);

/*  Registers an upstream module as a source; same name, same index.        */
int pf_facts_module(pf_facts_t *self, const char *module);

/*  Registers a derivation ("computed from revenue of the two latest fiscal
    years"); same text, same index.                                        */
int pf_facts_derived(pf_facts_t *self, const char *how);

/*  Sets data[field] = *value_p (taken) from source.                        */
void pf_facts_set(pf_facts_t *self, const char *field, pf_value_t **value_p, int source);

/*  Shorthands for strings (NULL: nothing is set), integers, floats, bools. */
void pf_facts_set_str(pf_facts_t *self, const char *field, const char *s, int source);
void pf_facts_set_int(pf_facts_t *self, const char *field, int64_t i, int source);
void pf_facts_set_float(pf_facts_t *self, const char *field, double f, int source);
void pf_facts_set_bool(pf_facts_t *self, const char *field, bool b, int source);

/*  True when field has been set.                                           */
bool pf_facts_has(const pf_facts_t *self, const char *field);

/*  Records that field could not be established, and why (one entry per
    field; a later call replaces the reason).  Setting the field later
    removes it from missing.                                                */
void pf_facts_missing(pf_facts_t *self, const char *field, const char *reason);

/*  The result map described above; frees the builder (nulls *self_p).      */
pf_value_t *pf_facts_result(pf_facts_t **self_p);

#ifdef __cplusplus
}
#endif
#endif
