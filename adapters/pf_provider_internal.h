/*  pf_provider_internal.h — what the five provider files share.

    Not a public interface: only adapters/pf_provider*.c include it.  The
    helpers read the providers' JSON (jansson) defensively — a field of the
    wrong type is treated as absent, never trusted — build query strings
    with percent-encoding, and read the caller's arguments with clear
    "invalid_args" errors.                                                  */
#ifndef PF_PROVIDER_INTERNAL_H
#define PF_PROVIDER_INTERNAL_H

#include <jansson.h>

#include "pf_provider.h"

/*  The provider tables, one per file pf_provider_<name>.c.                 */
extern const pf_provider_t pf_provider_builtwith;
extern const pf_provider_t pf_provider_similarweb;
extern const pf_provider_t pf_provider_yahoo_finance;
extern const pf_provider_t pf_provider_sec_edgar;
extern const pf_provider_t pf_provider_websearch;

/*  ---- answers --------------------------------------------------------- */

/*  The common status check every parse starts with: 200..299 returns 0;
    anything else fills err and returns a negative PF_E*: 401/403
    "unauthorized" (PF_EINVAL), 404 "not_found" (PF_ENOTFOUND), other 4xx
    "provider_rejected" (PF_EINVAL), everything else "provider_error"
    (PF_EPROTO).  The message quotes the status and the start of body.     */
int pf_pj_check_status(long status, const char *body, size_t size, pf_provider_error_t *err);

/*  Parses body as JSON into *root (caller json_decref()s it).  Returns 0,
    or PF_EPROTO with err "bad_response" (not JSON, with jansson's words).
    When want_object, a root that is not an object is refused too.         */
int pf_pj_load(const char *body, size_t size, bool want_object, json_t **root,
               pf_provider_error_t *err);

/*  Reads a provider's own error object in root: PF_OK when root carries
    none, else a negative PF_E* with err filled.                            */
typedef int(pf_pj_error_fn)(const json_t *root, pf_provider_error_t *err);

/*  The common start of a parse for providers with an error object: the
    status check (pf_pj_check_status) — where a 4xx other than 429 whose
    body is the provider's error object is classified by that object
    (429 and 5xx stay what the status says: the adapter retries and counts
    them) — then the JSON (an object when want_object), then the error
    object, which a provider may send with a 200.  Returns 0 with *root
    (the caller json_decref()s it), or a negative PF_E* with err filled.  */
int pf_pj_load_answer(long status, const char *body, size_t size, bool want_object,
                      pf_pj_error_fn *classify, json_t **root, pf_provider_error_t *err);

/*  Copies a JSON value into map[key] when it has the right type; does
    nothing otherwise (absent, null or wrongly typed fields stay out).
    _str: strings (empty strings too unless skip_empty).
    _int: integers, and reals that hold an integral value in int64 range.
    _num: integers as int, reals as float.
    _bool: true/false, and the strings "true"/"True"/"yes" / "false"/
    "False"/"no" (BuiltWith writes booleans as strings).
    Each returns true when it set the key.                                  */
bool pf_pj_set_str(pf_value_t *map, const char *key, const json_t *v, bool skip_empty);
bool pf_pj_set_int(pf_value_t *map, const char *key, const json_t *v);
bool pf_pj_set_num(pf_value_t *map, const char *key, const json_t *v);
bool pf_pj_set_bool(pf_value_t *map, const char *key, const json_t *v);

/*  The same readings as values: true with *out set, or false.              */
bool pf_pj_int(const json_t *v, int64_t *out);
bool pf_pj_num(const json_t *v, double *out);
bool pf_pj_bool(const json_t *v, bool *out);

/*  A new array of the strings in a JSON array (other items skipped); an
    empty array when v is not an array.                                     */
pf_value_t *pf_pj_str_array(const json_t *v);

/*  ---- requests -------------------------------------------------------- */

/*  Appends "?name=value" (first parameter) or "&name=value" to the query
    in buf (size bytes, NUL-terminated), percent-encoding value (RFC 3986
    unreserved characters kept).  Returns 0 or PF_ETOOBIG (buf unchanged). */
int pf_pq_add(char *buf, size_t size, const char *name, const char *value);

/*  Percent-encodes one path segment of in into out.  0 or PF_ETOOBIG.     */
int pf_pq_escape(const char *in, char *out, size_t size);

/*  Adds "Name: value" to req's headers.  0 or PF_ETOOBIG.                 */
int pf_pq_header(pf_provider_request_t *req, const char *name, const char *value);

/*  Reads a required domain argument args[key] and canonicalises it
    (proto/pf_domain.h) into out (size >= 254).  0 or PF_EINVAL with err
    "invalid_args".                                                         */
int pf_pa_domain(const pf_value_t *args, const char *key, char *out, size_t size,
                 pf_provider_error_t *err);

/*  Reads a string argument: returns it (borrowed from args), or NULL with
    err filled when it is required and absent, or present and not a string,
    empty, longer than max_len bytes, or holding a control character.  An
    optional absent argument returns NULL with err->code "" (check it).    */
const char *pf_pa_str(const pf_value_t *args, const char *key, bool required, size_t max_len,
                      pf_provider_error_t *err);

/*  Reads an optional integer argument in [min, max]: 0 with *out (def
    when absent), or PF_EINVAL with err.                                    */
int pf_pa_int(const pf_value_t *args, const char *key, int64_t def, int64_t min, int64_t max,
              int64_t *out, pf_provider_error_t *err);

/*  Fills req->url from the provider's host number host and path+query,
    and req->fetch_key the same way but from key_path (the same request
    without secrets).  0 or PF_EINVAL ("invalid_args": too long).          */
int pf_pq_finish(const pf_provider_t *provider, const pf_provider_conf_t *conf, int host,
                 const char *path, const char *key_path, pf_provider_request_t *req,
                 pf_provider_error_t *err);

#endif
