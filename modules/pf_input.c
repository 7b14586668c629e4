/*  pf_input.c — reading upstream results from a task's inputs (see
    pf_input.h).                                                            */
#include "pf_input.h"

#include <stdio.h>

const pf_value_t *
pf_input_data(const pf_value_t *inputs, const char *module, char *why, size_t size)
{
    const pf_value_t *result = pf_map_get(inputs, module);
    const pf_value_t *data = pf_map_get(result, "data");
    if (pf_value_is(data, PF_MAP))
        return data;
    if (!pf_value_is(result, PF_MAP))
        snprintf(why, size, "%s gave no result", module);
    else if (pf_map_get_bool(result, "simulated", false))
        snprintf(why, size, "%s was simulated: no real data", module);
    else
        snprintf(why, size, "%s gave no data", module);
    return NULL;
}

bool
pf_input_synthetic(const pf_value_t *inputs, const char *module)
{
    const pf_value_t *result = pf_map_get(inputs, module);
    return pf_value_is(pf_map_get(result, "data"), PF_MAP) &&
           pf_map_get_bool(result, "synthetic", false);
}
