/*  pf_json.h — pf_value_t to JSON, for people and scripts.

    The pf command prints replies and tap events as JSON.  msgpack can hold
    things JSON cannot, so the conversion is defined here once:

      nil, bool, int, float  -> null, true/false, integer, real
                                (NaN and infinities -> null)
      uint (> INT64_MAX)     -> string of its decimal digits (exact; JSON
                                parsers differ on such large integers)
      str                    -> string; bytes that are not valid UTF-8 are
                                each replaced by U+FFFD, NUL bytes kept
                                (written as \u0000)
      bin                    -> string, standard base64 with padding
      array, map             -> array, object (insertion order kept); a key
                                that is not a string becomes the compact JSON
                                text of the key; a repeated key keeps the
                                last value
      raw (pre-encoded)      -> decoded (PF_LIMITS_PAYLOAD) and converted;
                                bytes that do not decode -> base64 string

    Reals are written with the fewest digits that read back as the same
    double, within one document (see pf_json_dump).                          */
#ifndef PF_JSON_H
#define PF_JSON_H

#include <jansson.h>

#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    PF_JSON_COMPACT = 0,   /* one line, no spaces                           */
    PF_JSON_PRETTY = 1     /* two-space indentation, one member per line    */
} pf_json_style_t;

/*  Converts v (borrowed; NULL gives JSON null) to a new jansson value with
    one reference owned by the caller (json_decref).  Never returns NULL.   */
json_t *pf_json_from_value(const pf_value_t *v);

/*  Serialises json (borrowed) in the given style without a trailing
    newline.  Returns a malloc'ed string the caller frees with free(), or
    NULL if jansson fails to serialise.                                       */
char *pf_json_dump(const json_t *json, pf_json_style_t style);

/*  pf_json_from_value + pf_json_dump in one step.  Returns a malloc'ed
    string (caller frees with free()) or NULL on failure.                   */
char *pf_json_text(const pf_value_t *v, pf_json_style_t style);

#ifdef __cplusplus
}
#endif
#endif
