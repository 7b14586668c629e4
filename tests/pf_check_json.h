/*  pf_check_json.h — test values written as JSON text.

    Tests build the pf_value maps that adapters answer with, and the
    arguments they take, from JSON text: pf_check_json_value("{...}") is
    far easier to read than a dozen pf_map_set calls.  Header-only, for
    Check programs (a bad test JSON fails the test).                      */
#ifndef PF_CHECK_JSON_H
#define PF_CHECK_JSON_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "pf_value.h"

/*  A pf_value copy of a JSON value (strings keep embedded NULs).           */
static inline pf_value_t *
pf_check_from_json(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        pf_value_t *map = pf_value_map();
        const char *key;
        json_t *v;
        json_object_foreach((json_t *) j, key, v) {
            pf_value_t *item = pf_check_from_json(v);
            pf_map_set(map, key, &item);
        }
        return map;
    }
    case JSON_ARRAY: {
        pf_value_t *array = pf_value_array();
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) {
            pf_value_t *item = pf_check_from_json(v);
            pf_array_push(array, &item);
        }
        return array;
    }
    case JSON_STRING:
        return pf_value_strn(json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return pf_value_int((int64_t) json_integer_value(j));
    case JSON_REAL:
        return pf_value_float(json_real_value(j));
    case JSON_TRUE:
        return pf_value_bool(true);
    case JSON_FALSE:
        return pf_value_bool(false);
    default:
        return pf_value_nil();
    }
}

/*  The pf_value written as JSON text (any JSON value).                     */
static inline pf_value_t *
pf_check_json_value(const char *json_text)
{
    json_error_t jerr;
    json_t *j = json_loads(json_text, JSON_DECODE_ANY, &jerr);
    ck_assert_msg(j != NULL, "bad test JSON %s: %s", json_text, jerr.text);
    pf_value_t *v = pf_check_from_json(j);
    json_decref(j);
    return v;
}

#endif
