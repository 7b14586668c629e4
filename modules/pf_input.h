/*  pf_input.h — reading one upstream module's result from a task's inputs.

    Downstream modules that only combine upstream results (scores,
    matching) treat an input the same way: a result with a "data" map is
    used; an input that is absent (not run, failed) or simulated (a
    placeholder map with "simulated": true and no "data") gives nothing,
    and the reason is said, so the module can list it as missing.         */
#ifndef PF_INPUT_H
#define PF_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Bytes enough for any reason pf_input_data writes.                       */
#define PF_INPUT_WHY_MAX 160

/*  The data map of inputs[module] (borrowed), or NULL with the reason
    ("technology_stack was simulated: no real data") written to why (size
    bytes) when the input is absent, simulated or has no data map.         */
const pf_value_t *pf_input_data(const pf_value_t *inputs, const char *module, char *why,
                                size_t size);

/*  True when inputs[module] is a real result marked synthetic.             */
bool pf_input_synthetic(const pf_value_t *inputs, const char *module);

#ifdef __cplusplus
}
#endif
#endif
