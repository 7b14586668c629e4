/*  pf_value_internal.h — proto/-private extensions of pf_value_t.

    The msgpack decoder builds maps whose keys may be any value and knows
    container sizes up front; these helpers let it do both without the
    key-replacement scan of pf_map_set (which would make decoding a map of
    n entries O(n^2)).  Not for use outside proto/.                         */
#ifndef PF_VALUE_INTERNAL_H
#define PF_VALUE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pf_value.h"

/*  Makes room for at least `count` more children in an array or map.
    The decoder calls it only after checking count against the input.      */
void pf_value_reserve(pf_value_t *container, size_t count);

/*  Appends key/value to a map without looking for an existing key.  Takes
    ownership of both (sets *key_p and *value_p to NULL).                   */
void pf_map_append(pf_value_t *map, pf_value_t **key_p, pf_value_t **value_p);

/*  An unsigned reading: PF_UINT, or PF_INT >= 0; else fallback.  (The
    public readers have no unsigned getter; the codecs need one for ids.)   */
uint64_t pf_value_as_u64(const pf_value_t *v, uint64_t fallback);

#endif
