/*  pf_value.h — a dynamically typed value: the in-memory form of msgpack.

    Bodies of both wire protocols are msgpack maps; pf_value_t is how code
    builds and reads them.  A value owns its children: destroying a map frees
    every key and value in it.  Maps keep insertion order and look keys up
    linearly (bodies have few keys).

    PF_RAW holds bytes that are already valid msgpack (one complete value).
    The encoder copies them verbatim; the decoder never produces PF_RAW.  The
    coordinator uses it to pass module results along without decoding them.  */
#ifndef PF_VALUE_H
#define PF_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    PF_NIL = 0,
    PF_BOOL,
    PF_INT,     /* signed 64-bit; also every unsigned value <= INT64_MAX   */
    PF_UINT,    /* unsigned values > INT64_MAX only                         */
    PF_FLOAT,   /* float32 and float64 both decode to double               */
    PF_STR,     /* UTF-8 bytes (not validated), NUL-terminated copy        */
    PF_BIN,
    PF_ARRAY,
    PF_MAP,     /* keys are any value; protocol bodies use string keys     */
    PF_RAW      /* pre-encoded msgpack, emitted verbatim                   */
} pf_type_t;

typedef struct pf_value_t pf_value_t;

/*  Constructors.  Never return NULL (see pf_alloc.h).                       */
pf_value_t *pf_value_nil(void);
pf_value_t *pf_value_bool(bool b);
pf_value_t *pf_value_int(int64_t i);
pf_value_t *pf_value_uint(uint64_t u);       /* stored as PF_INT if it fits */
pf_value_t *pf_value_float(double f);
pf_value_t *pf_value_str(const char *s);     /* copies; NULL gives PF_NIL   */
pf_value_t *pf_value_strn(const char *s, size_t len); /* copies len bytes  */
pf_value_t *pf_value_bin(const void *data, size_t len);
pf_value_t *pf_value_raw(const void *msgpack, size_t len); /* copies; the
                                     caller vouches the bytes are one value */
pf_value_t *pf_value_array(void);
pf_value_t *pf_value_map(void);

/*  Deep copy.                                                               */
pf_value_t *pf_value_dup(const pf_value_t *v);

/*  Deep structural equality: the same type and the same contents, which is
    what makes two values encode to the same bytes.  Floats compare by bit
    pattern (a NaN equals the identical NaN; 0.0 differs from -0.0); maps
    compare entry by entry in insertion order; PF_RAW compares its bytes and
    never equals a decoded value.  Two NULLs are equal.                     */
bool pf_value_equal(const pf_value_t *a, const pf_value_t *b);

/*  Frees v and everything it owns; accepts NULL; nulls *v_p.                */
void pf_value_destroy(pf_value_t **v_p);

/*  Readers.  Type mismatches return the fallback / NULL / 0, never abort.   */
pf_type_t pf_value_type(const pf_value_t *v);
bool pf_value_is(const pf_value_t *v, pf_type_t type);
bool pf_value_as_bool(const pf_value_t *v, bool fallback);
int64_t pf_value_as_int(const pf_value_t *v, int64_t fallback); /* INT only */
double pf_value_as_float(const pf_value_t *v, double fallback); /* FLOAT, INT, UINT */
/*  For PF_STR: the NUL-terminated text, len (if non-NULL) its byte length.
    For anything else NULL.  A PF_STR may contain NUL bytes; callers that
    need C strings must compare strlen() with len.                          */
const char *pf_value_as_str(const pf_value_t *v, size_t *len);
/*  For PF_BIN and PF_RAW: the bytes.                                        */
const void *pf_value_as_bin(const pf_value_t *v, size_t *len);

/*  Arrays.  push takes ownership of item (sets *item_p to NULL).           */
size_t pf_array_size(const pf_value_t *array);       /* 0 if not an array */
const pf_value_t *pf_array_at(const pf_value_t *array, size_t index);
void pf_array_push(pf_value_t *array, pf_value_t **item_p);
void pf_array_push_str(pf_value_t *array, const char *s);

/*  Maps.  set takes ownership of value and replaces an existing key.      */
size_t pf_map_size(const pf_value_t *map);            /* 0 if not a map   */
const pf_value_t *pf_map_get(const pf_value_t *map, const char *key);
bool pf_map_has(const pf_value_t *map, const char *key);
/*  Iterate by index: key and value of entry i (i < pf_map_size).           */
const pf_value_t *pf_map_key_at(const pf_value_t *map, size_t index);
const pf_value_t *pf_map_value_at(const pf_value_t *map, size_t index);
void pf_map_set(pf_value_t *map, const char *key, pf_value_t **value_p);
void pf_map_set_str(pf_value_t *map, const char *key, const char *s);
void pf_map_set_int(pf_value_t *map, const char *key, int64_t i);
void pf_map_set_float(pf_value_t *map, const char *key, double f);
void pf_map_set_bool(pf_value_t *map, const char *key, bool b);
void pf_map_set_nil(pf_value_t *map, const char *key);
void pf_map_set_raw(pf_value_t *map, const char *key, const void *msgpack, size_t len);

/*  Convenience typed getters for maps of string keys.  They return the
    fallback when the key is absent or of another type.                     */
const char *pf_map_get_str(const pf_value_t *map, const char *key);
int64_t pf_map_get_int(const pf_value_t *map, const char *key, int64_t fallback);
double pf_map_get_float(const pf_value_t *map, const char *key, double fallback);
bool pf_map_get_bool(const pf_value_t *map, const char *key, bool fallback);

#ifdef __cplusplus
}
#endif
#endif
