/*  pf_value.c — dynamically typed values, the in-memory form of msgpack.

    Containers hold pointer arrays of children that grow geometrically, so
    building a body of n entries costs O(n) amortised reallocations.  Maps
    keep two parallel arrays (keys, values) in insertion order.              */
#include "pf_value.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_value_internal.h"

/*  First capacity of a container that gets its first child.                */
#define S_INITIAL_CAPACITY 4

struct pf_value_t {
    pf_type_t type;                 /* which member of u is live            */
    union {
        bool b;                     /* PF_BOOL                              */
        int64_t i;                  /* PF_INT                               */
        uint64_t u;                 /* PF_UINT                              */
        double f;                   /* PF_FLOAT                             */
        struct {
            char *data;             /* owned; NUL-terminated for every kind */
            size_t len;             /* bytes, not counting the NUL          */
        } bytes;                    /* PF_STR, PF_BIN, PF_RAW               */
        struct {
            pf_value_t **keys;      /* PF_MAP only: owned keys              */
            pf_value_t **items;     /* owned elements / map values          */
            size_t size;            /* children in use                      */
            size_t capacity;        /* children allocated                   */
        } list;                     /* PF_ARRAY, PF_MAP                     */
    } u;
};

/*  Allocates a zeroed value of the given type.                             */
static pf_value_t *
s_new(pf_type_t type)
{
    pf_value_t *v = pf_calloc(1, sizeof *v);
    v->type = type;
    return v;
}

/*  Allocates a byte-carrying value holding a NUL-terminated copy of data.  */
static pf_value_t *
s_new_bytes(pf_type_t type, const void *data, size_t len)
{
    pf_value_t *v = s_new(type);
    v->u.bytes.data = pf_malloc(len + 1);
    if (len)
        memcpy(v->u.bytes.data, data, len);
    v->u.bytes.data[len] = '\0';
    v->u.bytes.len = len;
    return v;
}

pf_value_t *
pf_value_nil(void)
{
    return s_new(PF_NIL);
}

pf_value_t *
pf_value_bool(bool b)
{
    pf_value_t *v = s_new(PF_BOOL);
    v->u.b = b;
    return v;
}

pf_value_t *
pf_value_int(int64_t i)
{
    pf_value_t *v = s_new(PF_INT);
    v->u.i = i;
    return v;
}

pf_value_t *
pf_value_uint(uint64_t u)
{
    if (u <= (uint64_t) INT64_MAX)
        return pf_value_int((int64_t) u);
    pf_value_t *v = s_new(PF_UINT);
    v->u.u = u;
    return v;
}

pf_value_t *
pf_value_float(double f)
{
    pf_value_t *v = s_new(PF_FLOAT);
    v->u.f = f;
    return v;
}

pf_value_t *
pf_value_str(const char *s)
{
    if (!s)
        return pf_value_nil();
    return s_new_bytes(PF_STR, s, strlen(s));
}

pf_value_t *
pf_value_strn(const char *s, size_t len)
{
    assert(s || len == 0);
    return s_new_bytes(PF_STR, s, len);
}

pf_value_t *
pf_value_bin(const void *data, size_t len)
{
    assert(data || len == 0);
    return s_new_bytes(PF_BIN, data, len);
}

pf_value_t *
pf_value_raw(const void *msgpack, size_t len)
{
    assert(msgpack && len > 0);
    return s_new_bytes(PF_RAW, msgpack, len);
}

pf_value_t *
pf_value_array(void)
{
    return s_new(PF_ARRAY);
}

pf_value_t *
pf_value_map(void)
{
    return s_new(PF_MAP);
}

pf_value_t *
pf_value_dup(const pf_value_t *v)
{
    if (!v)
        return NULL;
    pf_value_t *copy;
    switch (v->type) {
    case PF_STR:
    case PF_BIN:
    case PF_RAW:
        return s_new_bytes(v->type, v->u.bytes.data, v->u.bytes.len);
    case PF_ARRAY:
    case PF_MAP:
        copy = s_new(v->type);
        pf_value_reserve(copy, v->u.list.size);
        for (size_t i = 0; i < v->u.list.size; i++) {
            if (v->type == PF_MAP)
                copy->u.list.keys[i] = pf_value_dup(v->u.list.keys[i]);
            copy->u.list.items[i] = pf_value_dup(v->u.list.items[i]);
        }
        copy->u.list.size = v->u.list.size;
        return copy;
    default:
        copy = s_new(v->type);
        copy->u = v->u;
        return copy;
    }
}

bool
pf_value_equal(const pf_value_t *a, const pf_value_t *b)
{
    if (!a || !b)
        return a == b;
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case PF_NIL:
        return true;
    case PF_BOOL:
        return a->u.b == b->u.b;
    case PF_INT:
        return a->u.i == b->u.i;
    case PF_UINT:
        return a->u.u == b->u.u;
    case PF_FLOAT:
        /*  By bits, not ==: a NaN must equal itself after a round trip.    */
        return memcmp(&a->u.f, &b->u.f, sizeof a->u.f) == 0;
    case PF_STR:
    case PF_BIN:
    case PF_RAW:
        return a->u.bytes.len == b->u.bytes.len
               && memcmp(a->u.bytes.data, b->u.bytes.data, a->u.bytes.len) == 0;
    case PF_ARRAY:
    case PF_MAP:
        if (a->u.list.size != b->u.list.size)
            return false;
        for (size_t i = 0; i < a->u.list.size; i++) {
            if (a->type == PF_MAP && !pf_value_equal(a->u.list.keys[i], b->u.list.keys[i]))
                return false;
            if (!pf_value_equal(a->u.list.items[i], b->u.list.items[i]))
                return false;
        }
        return true;
    }
    return false;
}

void
pf_value_destroy(pf_value_t **v_p)
{
    if (!v_p || !*v_p)
        return;
    pf_value_t *v = *v_p;
    switch (v->type) {
    case PF_STR:
    case PF_BIN:
    case PF_RAW:
        free(v->u.bytes.data);
        break;
    case PF_ARRAY:
    case PF_MAP:
        for (size_t i = 0; i < v->u.list.size; i++) {
            if (v->type == PF_MAP)
                pf_value_destroy(&v->u.list.keys[i]);
            pf_value_destroy(&v->u.list.items[i]);
        }
        free(v->u.list.keys);
        free(v->u.list.items);
        break;
    default:
        break;
    }
    free(v);
    *v_p = NULL;
}

pf_type_t
pf_value_type(const pf_value_t *v)
{
    return v ? v->type : PF_NIL;
}

bool
pf_value_is(const pf_value_t *v, pf_type_t type)
{
    return v && v->type == type;
}

bool
pf_value_as_bool(const pf_value_t *v, bool fallback)
{
    return pf_value_is(v, PF_BOOL) ? v->u.b : fallback;
}

int64_t
pf_value_as_int(const pf_value_t *v, int64_t fallback)
{
    return pf_value_is(v, PF_INT) ? v->u.i : fallback;
}

uint64_t
pf_value_as_u64(const pf_value_t *v, uint64_t fallback)
{
    if (pf_value_is(v, PF_UINT))
        return v->u.u;
    if (pf_value_is(v, PF_INT) && v->u.i >= 0)
        return (uint64_t) v->u.i;
    return fallback;
}

double
pf_value_as_float(const pf_value_t *v, double fallback)
{
    if (!v)
        return fallback;
    switch (v->type) {
    case PF_FLOAT: return v->u.f;
    case PF_INT:   return (double) v->u.i;
    case PF_UINT:  return (double) v->u.u;
    default:       return fallback;
    }
}

const char *
pf_value_as_str(const pf_value_t *v, size_t *len)
{
    if (!pf_value_is(v, PF_STR))
        return NULL;
    if (len)
        *len = v->u.bytes.len;
    return v->u.bytes.data;
}

const void *
pf_value_as_bin(const pf_value_t *v, size_t *len)
{
    if (!v || (v->type != PF_BIN && v->type != PF_RAW))
        return NULL;
    if (len)
        *len = v->u.bytes.len;
    return v->u.bytes.data;
}

void
pf_value_reserve(pf_value_t *container, size_t count)
{
    assert(container && (container->type == PF_ARRAY || container->type == PF_MAP));
    size_t need = container->u.list.size + count;
    if (need <= container->u.list.capacity)
        return;
    size_t capacity = container->u.list.capacity ? container->u.list.capacity
                                                 : S_INITIAL_CAPACITY;
    while (capacity < need)
        capacity *= 2;
    container->u.list.items = pf_realloc(container->u.list.items,
                                         capacity * sizeof(pf_value_t *));
    if (container->type == PF_MAP)
        container->u.list.keys = pf_realloc(container->u.list.keys,
                                            capacity * sizeof(pf_value_t *));
    container->u.list.capacity = capacity;
}

size_t
pf_array_size(const pf_value_t *array)
{
    return pf_value_is(array, PF_ARRAY) ? array->u.list.size : 0;
}

const pf_value_t *
pf_array_at(const pf_value_t *array, size_t index)
{
    if (!pf_value_is(array, PF_ARRAY) || index >= array->u.list.size)
        return NULL;
    return array->u.list.items[index];
}

void
pf_array_push(pf_value_t *array, pf_value_t **item_p)
{
    assert(pf_value_is(array, PF_ARRAY));
    assert(item_p);
    pf_value_reserve(array, 1);
    array->u.list.items[array->u.list.size++] = *item_p ? *item_p : pf_value_nil();
    *item_p = NULL;
}

void
pf_array_push_str(pf_value_t *array, const char *s)
{
    pf_value_t *item = pf_value_str(s);
    pf_array_push(array, &item);
}

size_t
pf_map_size(const pf_value_t *map)
{
    return pf_value_is(map, PF_MAP) ? map->u.list.size : 0;
}

/*  Index of the entry whose key is the string `key`, or -1.                */
static ptrdiff_t
s_map_find(const pf_value_t *map, const char *key)
{
    if (!pf_value_is(map, PF_MAP) || !key)
        return -1;
    size_t key_len = strlen(key);
    for (size_t i = 0; i < map->u.list.size; i++) {
        const pf_value_t *k = map->u.list.keys[i];
        if (k->type == PF_STR && k->u.bytes.len == key_len
            && memcmp(k->u.bytes.data, key, key_len) == 0)
            return (ptrdiff_t) i;
    }
    return -1;
}

const pf_value_t *
pf_map_get(const pf_value_t *map, const char *key)
{
    ptrdiff_t i = s_map_find(map, key);
    return i < 0 ? NULL : map->u.list.items[i];
}

bool
pf_map_has(const pf_value_t *map, const char *key)
{
    return s_map_find(map, key) >= 0;
}

const pf_value_t *
pf_map_key_at(const pf_value_t *map, size_t index)
{
    if (!pf_value_is(map, PF_MAP) || index >= map->u.list.size)
        return NULL;
    return map->u.list.keys[index];
}

const pf_value_t *
pf_map_value_at(const pf_value_t *map, size_t index)
{
    if (!pf_value_is(map, PF_MAP) || index >= map->u.list.size)
        return NULL;
    return map->u.list.items[index];
}

void
pf_map_append(pf_value_t *map, pf_value_t **key_p, pf_value_t **value_p)
{
    assert(pf_value_is(map, PF_MAP));
    assert(key_p && *key_p && value_p);
    pf_value_reserve(map, 1);
    map->u.list.keys[map->u.list.size] = *key_p;
    map->u.list.items[map->u.list.size] = *value_p ? *value_p : pf_value_nil();
    map->u.list.size++;
    *key_p = NULL;
    *value_p = NULL;
}

void
pf_map_set(pf_value_t *map, const char *key, pf_value_t **value_p)
{
    assert(pf_value_is(map, PF_MAP));
    assert(key && value_p);
    ptrdiff_t i = s_map_find(map, key);
    if (i >= 0) {
        pf_value_destroy(&map->u.list.items[i]);
        map->u.list.items[i] = *value_p ? *value_p : pf_value_nil();
        *value_p = NULL;
        return;
    }
    pf_value_t *k = pf_value_str(key);
    pf_map_append(map, &k, value_p);
}

void
pf_map_set_str(pf_value_t *map, const char *key, const char *s)
{
    pf_value_t *v = pf_value_str(s);
    pf_map_set(map, key, &v);
}

void
pf_map_set_int(pf_value_t *map, const char *key, int64_t i)
{
    pf_value_t *v = pf_value_int(i);
    pf_map_set(map, key, &v);
}

void
pf_map_set_float(pf_value_t *map, const char *key, double f)
{
    pf_value_t *v = pf_value_float(f);
    pf_map_set(map, key, &v);
}

void
pf_map_set_bool(pf_value_t *map, const char *key, bool b)
{
    pf_value_t *v = pf_value_bool(b);
    pf_map_set(map, key, &v);
}

void
pf_map_set_nil(pf_value_t *map, const char *key)
{
    pf_value_t *v = pf_value_nil();
    pf_map_set(map, key, &v);
}

void
pf_map_set_raw(pf_value_t *map, const char *key, const void *msgpack, size_t len)
{
    pf_value_t *v = pf_value_raw(msgpack, len);
    pf_map_set(map, key, &v);
}

const char *
pf_map_get_str(const pf_value_t *map, const char *key)
{
    return pf_value_as_str(pf_map_get(map, key), NULL);
}

int64_t
pf_map_get_int(const pf_value_t *map, const char *key, int64_t fallback)
{
    return pf_value_as_int(pf_map_get(map, key), fallback);
}

double
pf_map_get_float(const pf_value_t *map, const char *key, double fallback)
{
    return pf_value_as_float(pf_map_get(map, key), fallback);
}

bool
pf_map_get_bool(const pf_value_t *map, const char *key, bool fallback)
{
    return pf_value_as_bool(pf_map_get(map, key), fallback);
}
