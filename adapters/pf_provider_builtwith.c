/*  pf_provider_builtwith.c — the BuiltWith provider: technology profiles.

    Six operations on api.builtwith.com, each one GET with the key in the
    query (KEY=, left out of the fetch key) and one domain in LOOKUP=:
    `domain` (/v22/, the technology profile with company meta), then
    `relationships` (/rv4/), `recommendations` (/rec1/), `keywords` (/kw2/),
    `trust` (/trustv1/) and `free` (/free1/).  The retired /financial1/ and
    /social1/ are not offered.

    BuiltWith answers its own errors with HTTP 200 and an "Errors" array
    ({"Message", "Code"}), so every parse looks at that array before the
    data: a lookup BuiltWith does not know is "not_found", a bad key
    "unauthorized", anything else "provider_error".

    Times: BuiltWith's paid APIs give epoch milliseconds and are passed on
    as they are; the free API gives epoch seconds, which are turned into
    milliseconds so every time leaving this file is in one unit.  A time of
    0 means "unknown" to BuiltWith and is left out.                          */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_domain.h"
#include "pf_error.h"
#include "pf_provider_internal.h"

/*  Defaults of the resilience settings (ARCHITECTURE.md's table).          */
#define S_PER_MINUTE 30
#define S_CONCURRENCY 5
#define S_BREAKER_FAILURES 5
#define S_BREAKER_RECOVERY_S 60

/*  Cache lifetimes.  Technology profiles change slowly (BuiltWith itself
    re-crawls a site every few weeks); trust is about liveness, so a day.  */
#define S_DAY_S (24u * 3600u)
#define S_TTL_PROFILE_S (7u * S_DAY_S)
#define S_TTL_TRUST_S S_DAY_S

/*  The largest OFFSET accepted for relationships: BuiltWith pages by 500,
    and a million relationships is far past any real site.                 */
#define S_OFFSET_MAX 1000000

/*  BuiltWith's error codes (api.builtwith.com/errorCodes) that are not
    plain provider failures.                                                */
#define S_CODE_BAD_KEY (-2)       /* the key is not a valid GUID / unknown  */
#define S_CODE_NOT_IN_DB (-10)    /* the free API does not know the domain  */

/*  Milliseconds per second, for the free API's times.                      */
#define S_MS_PER_S 1000

/*  Room for a path with its query (the URL buffer is the bound anyway).   */
#define S_PATH_MAX PF_PROVIDER_URL_MAX

/*  ---- requests -------------------------------------------------------- */

/*  Finishes a request to path whose public query (without the key) is in
    query ("?LOOKUP=…" ): the URL carries KEY= first, as BuiltWith documents
    it; the fetch key is the URL without it.  No key (pf-fakeapi, tests):
    the URL is the fetch key.                                               */
static int
s_finish(const pf_provider_conf_t *conf, const char *path, const char *query,
         pf_provider_request_t *req, pf_provider_error_t *err)
{
    char key_path[S_PATH_MAX];
    char url_path[S_PATH_MAX];
    int n = snprintf(key_path, sizeof key_path, "%s%s", path, query);
    if (n < 0 || (size_t)n >= sizeof key_path)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    snprintf(url_path, sizeof url_path, "%s", path);
    if (conf->key && *conf->key) {
        if (pf_pq_add(url_path, sizeof url_path, "KEY", conf->key) != PF_OK)
            return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                    "the request URL is too long");
        size_t used = strlen(url_path);
        /*  The public query's '?' becomes '&' after the key.              */
        n = snprintf(url_path + used, sizeof url_path - used, "%s%s", *query ? "&" : "",
                     *query ? query + 1 : "");
        if (n < 0 || (size_t)n >= sizeof url_path - used)
            return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                    "the request URL is too long");
    } else {
        snprintf(url_path, sizeof url_path, "%s", key_path);
    }
    return pf_pq_finish(&pf_provider_builtwith, conf, 0, url_path, key_path, req, err);
}

/*  Starts the public query "?LOOKUP=<domain>" from the required `domain`
    argument.                                                               */
static int
s_lookup(const pf_value_t *args, char *query, size_t size, pf_provider_error_t *err)
{
    char domain[256];
    int rc = pf_pa_domain(args, "domain", domain, sizeof domain, err);
    if (rc != PF_OK)
        return rc;
    query[0] = '\0';
    if (pf_pq_add(query, size, "LOOKUP", domain) != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    return PF_OK;
}

/*  Adds name=yes to query.                                                 */
static int
s_yes(char *query, size_t size, const char *name, pf_provider_error_t *err)
{
    if (pf_pq_add(query, size, name, "yes") != PF_OK)
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "the request URL is too long");
    return PF_OK;
}

/*  domain {domain}: the technology profile.  HIDETEXT and HIDEDL drop the
    technologies' descriptions and links (prose nobody downstream reads);
    NOPII drops people's names and e-mail addresses, which PartnerForge
    neither needs nor wants to hold.  Dead technologies stay in: when a
    product was removed matters to displacement analysis.                 */
static int
s_build_domain(const pf_provider_conf_t *conf, const pf_value_t *args,
               pf_provider_request_t *req, pf_provider_error_t *err)
{
    char query[S_PATH_MAX];
    int rc = s_lookup(args, query, sizeof query, err);
    if (rc == PF_OK)
        rc = s_yes(query, sizeof query, "HIDETEXT", err);
    if (rc == PF_OK)
        rc = s_yes(query, sizeof query, "HIDEDL", err);
    if (rc == PF_OK)
        rc = s_yes(query, sizeof query, "NOPII", err);
    if (rc != PF_OK)
        return rc;
    return s_finish(conf, "/v22/api.json", query, req, err);
}

/*  relationships {domain, offset?}: sites sharing identifiers (analytics
    and ad accounts) with the domain; offset pages through them.           */
static int
s_build_relationships(const pf_provider_conf_t *conf, const pf_value_t *args,
                      pf_provider_request_t *req, pf_provider_error_t *err)
{
    char query[S_PATH_MAX];
    int64_t offset;
    int rc = s_lookup(args, query, sizeof query, err);
    if (rc == PF_OK)
        rc = pf_pa_int(args, "offset", 0, 0, S_OFFSET_MAX, &offset, err);
    if (rc != PF_OK)
        return rc;
    if (offset > 0) {
        char text[24];
        snprintf(text, sizeof text, "%lld", (long long)offset);
        if (pf_pq_add(query, sizeof query, "OFFSET", text) != PF_OK)
            return pf_provider_fail(err, PF_EINVAL, "invalid_args",
                                    "the request URL is too long");
    }
    return s_finish(conf, "/rv4/api.json", query, req, err);
}

static int
s_build_recommendations(const pf_provider_conf_t *conf, const pf_value_t *args,
                        pf_provider_request_t *req, pf_provider_error_t *err)
{
    char query[S_PATH_MAX];
    int rc = s_lookup(args, query, sizeof query, err);
    return rc != PF_OK ? rc : s_finish(conf, "/rec1/api.json", query, req, err);
}

static int
s_build_keywords(const pf_provider_conf_t *conf, const pf_value_t *args,
                 pf_provider_request_t *req, pf_provider_error_t *err)
{
    char query[S_PATH_MAX];
    int rc = s_lookup(args, query, sizeof query, err);
    return rc != PF_OK ? rc : s_finish(conf, "/kw2/api.json", query, req, err);
}

/*  trust {domain, live?}: live (a boolean) asks BuiltWith to look at the
    site now (LIVE=yes), which it needs when the database record is not
    enough (Status 2).                                                      */
static int
s_build_trust(const pf_provider_conf_t *conf, const pf_value_t *args,
              pf_provider_request_t *req, pf_provider_error_t *err)
{
    char query[S_PATH_MAX];
    int rc = s_lookup(args, query, sizeof query, err);
    if (rc != PF_OK)
        return rc;
    const pf_value_t *live = pf_map_get(args, "live");
    if (live && !pf_value_is(live, PF_BOOL))
        return pf_provider_fail(err, PF_EINVAL, "invalid_args", "live: must be a boolean");
    if (live && pf_value_as_bool(live, false) && (rc = s_yes(query, sizeof query, "LIVE", err)))
        return rc;
    return s_finish(conf, "/trustv1/api.json", query, req, err);
}

static int
s_build_free(const pf_provider_conf_t *conf, const pf_value_t *args,
             pf_provider_request_t *req, pf_provider_error_t *err)
{
    char query[S_PATH_MAX];
    int rc = s_lookup(args, query, sizeof query, err);
    return rc != PF_OK ? rc : s_finish(conf, "/free1/api.json", query, req, err);
}

/*  ---- answers --------------------------------------------------------- */

/*  Case-insensitive "does haystack contain needle".                        */
static bool
s_contains(const char *haystack, const char *needle)
{
    return haystack && strcasestr(haystack, needle) != NULL;
}

/*  Turns a non-empty "Errors" array of root into err and returns its
    status; returns PF_OK when there is none.                               */
static int
s_errors(const json_t *root, pf_provider_error_t *err)
{
    const json_t *errors = json_is_object(root) ? json_object_get(root, "Errors") : NULL;
    if (!json_is_array(errors) || json_array_size(errors) == 0)
        return PF_OK;
    const json_t *first = json_array_get(errors, 0);
    const char *message = json_string_value(json_object_get(first, "Message"));
    int64_t code = 0;
    bool has_code = pf_pj_int(json_object_get(first, "Code"), &code);
    if (!message)
        message = "(no message)";
    if ((has_code && code == S_CODE_NOT_IN_DB) || s_contains(message, "not in our system") ||
        s_contains(message, "not found") || s_contains(message, "no results"))
        return pf_provider_fail(err, PF_ENOTFOUND, "not_found", "BuiltWith has no record: %s",
                                message);
    if ((has_code && code == S_CODE_BAD_KEY) || s_contains(message, "key"))
        return pf_provider_fail(err, PF_EINVAL, "unauthorized",
                                "BuiltWith refused the key: %s", message);
    return pf_provider_fail(err, PF_EPROTO, "provider_error", "BuiltWith error %lld: %s",
                            (long long)code, message);
}

/*  The common start of every parse: the status (refined by BuiltWith's own
    error object when a 4xx carries one), the JSON, the "Errors" array.  */
static int
s_load(long status, const char *body, size_t size, bool want_object, json_t **root,
       pf_provider_error_t *err)
{
    return pf_pj_load_answer(status, body, size, want_object, s_errors, root, err);
}

/*  Sets map[key] to a time in epoch ms read from v, scaled by unit_ms
    (1 for ms, 1000 for seconds); 0, negative, overflowing or ill-typed
    times are left out.                                                    */
static void
s_set_time(pf_value_t *map, const char *key, const json_t *v, int64_t unit_ms)
{
    int64_t t;
    if (!pf_pj_int(v, &t) || t <= 0 || t > INT64_MAX / unit_ms)
        return;
    pf_map_set_int(map, key, t * unit_ms);
}

/*  Sets map[key] to a positive number from v (BuiltWith writes 0 for
    "unknown" in its estimates).                                            */
static void
s_set_positive(pf_value_t *map, const char *key, const json_t *v)
{
    double d;
    if (pf_pj_num(v, &d) && d > 0)
        pf_pj_set_num(map, key, v);
}

/*  Sets map[key] to a normalised copy of a domain string; invalid ones are
    left out.  Returns true when set.                                      */
static bool
s_set_domain(pf_value_t *map, const char *key, const json_t *v)
{
    char domain[256];
    if (!json_is_string(v) ||
        pf_domain_normalize(json_string_value(v), json_string_length(v), domain, sizeof domain,
                            NULL) != PF_OK)
        return false;
    pf_map_set_str(map, key, domain);
    return true;
}

/*  Puts value into map[key] when it has entries; frees it otherwise.       */
static void
s_set_nonempty(pf_value_t *map, const char *key, pf_value_t **value_p)
{
    if (pf_map_size(*value_p) > 0 || pf_array_size(*value_p) > 0)
        pf_map_set(map, key, value_p);
    else
        pf_value_destroy(value_p);
}


/*  One technology while the paths are read: the first sighting's JSON
    (borrowed from the answer) and the span of sightings over all paths.   */
typedef struct {
    const json_t *json;         /* the first path's entry, for its fields  */
    int64_t first;              /* earliest FirstDetected, 0: unknown      */
    int64_t last;               /* latest LastDetected, 0: unknown         */
} s_tech_t;

/*  Collects the technologies of every path of result, one entry per name
    (a site lists the same product on many subdomains), into a new array.  */
static pf_value_t *
s_technologies(const json_t *result)
{
    s_tech_t *techs = NULL;
    size_t count = 0, room = 0;
    json_t *index = json_object();          /* name -> position in techs   */
    const json_t *paths = json_object_get(result, "Paths");
    size_t i, j;
    const json_t *path, *t;
    if (json_is_array(paths))
        json_array_foreach(paths, i, path) {
            const json_t *list = json_object_get(path, "Technologies");
            if (!json_is_array(list))
                continue;
            json_array_foreach(list, j, t) {
                const json_t *name = json_object_get(t, "Name");
                if (!json_is_string(name) || json_string_length(name) == 0)
                    continue;
                int64_t first = 0, last = 0;
                if (!pf_pj_int(json_object_get(t, "FirstDetected"), &first) || first < 0)
                    first = 0;
                if (!pf_pj_int(json_object_get(t, "LastDetected"), &last) || last < 0)
                    last = 0;
                const json_t *seen = json_object_getn(index, json_string_value(name),
                                                      json_string_length(name));
                if (seen) {
                    s_tech_t *tech = &techs[json_integer_value(seen)];
                    if (first > 0 && (tech->first == 0 || first < tech->first))
                        tech->first = first;
                    if (last > tech->last)
                        tech->last = last;
                    continue;
                }
                if (count == room) {
                    room = room ? 2 * room : 16;
                    techs = pf_realloc(techs, room * sizeof *techs);
                }
                techs[count] = (s_tech_t){t, first, last};
                json_object_setn_new(index, json_string_value(name), json_string_length(name),
                                     json_integer((json_int_t)count));
                count++;
            }
        }
    pf_value_t *array = pf_value_array();
    for (i = 0; i < count; i++) {
        pf_value_t *tech = pf_value_map();
        const json_t *json = techs[i].json;
        pf_pj_set_str(tech, "name", json_object_get(json, "Name"), true);
        pf_pj_set_str(tech, "tag", json_object_get(json, "Tag"), true);
        pf_value_t *categories = pf_pj_str_array(json_object_get(json, "Categories"));
        pf_map_set(tech, "categories", &categories);
        if (techs[i].first > 0)
            pf_map_set_int(tech, "first_detected", techs[i].first);
        if (techs[i].last > 0)
            pf_map_set_int(tech, "last_detected", techs[i].last);
        pf_pj_set_bool(tech, "premium", json_object_get(json, "IsPremium"));
        pf_pj_set_str(tech, "parent", json_object_get(json, "Parent"), true);
        pf_array_push(array, &tech);
    }
    json_decref(index);
    free(techs);
    return array;
}

/*  The company BuiltWith associates with the site (Meta, Attributes).     */
static pf_value_t *
s_company(const json_t *entry)
{
    pf_value_t *company = pf_value_map();
    const json_t *meta = json_object_get(entry, "Meta");
    if (json_is_object(meta)) {
        pf_pj_set_str(company, "name", json_object_get(meta, "CompanyName"), true);
        pf_pj_set_str(company, "vertical", json_object_get(meta, "Vertical"), true);
        pf_pj_set_str(company, "city", json_object_get(meta, "City"), true);
        pf_pj_set_str(company, "state", json_object_get(meta, "State"), true);
        pf_pj_set_str(company, "postcode", json_object_get(meta, "Postcode"), true);
        pf_pj_set_str(company, "country", json_object_get(meta, "Country"), true);
        pf_value_t *social = pf_pj_str_array(json_object_get(meta, "Social"));
        s_set_nonempty(company, "social", &social);
    }
    const json_t *attributes = json_object_get(entry, "Attributes");
    if (json_is_object(attributes)) {
        s_set_positive(company, "employees", json_object_get(attributes, "Employees"));
        s_set_positive(company, "revenue", json_object_get(attributes, "Revenue"));
    }
    return company;
}

/*  domain: {domain, is_db, spend, sales_revenue, first_indexed,
    last_indexed, company{…}, technologies[…]} (docs in the shapes note).  */
static int
s_parse_domain(long status, const char *body, size_t size, pf_value_t **out,
               pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, true, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *results = json_object_get(root, "Results");
    if (!json_is_array(results)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response", "BuiltWith: no Results array");
    }
    if (json_array_size(results) == 0) {
        json_decref(root);
        return pf_provider_fail(err, PF_ENOTFOUND, "not_found",
                                "BuiltWith has no record of the domain");
    }
    const json_t *entry = json_array_get(results, 0);
    if (!json_is_object(entry)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "BuiltWith: a result is not an object");
    }
    const json_t *result = json_object_get(entry, "Result");
    pf_value_t *map = pf_value_map();
    s_set_domain(map, "domain", json_object_get(entry, "Lookup"));
    if (json_is_object(result)) {
        pf_pj_set_bool(map, "is_db", json_object_get(result, "IsDB"));
        pf_pj_set_num(map, "spend", json_object_get(result, "Spend"));
    }
    s_set_positive(map, "sales_revenue", json_object_get(entry, "SalesRevenue"));
    s_set_time(map, "first_indexed", json_object_get(entry, "FirstIndexed"), 1);
    s_set_time(map, "last_indexed", json_object_get(entry, "LastIndexed"), 1);
    pf_value_t *company = s_company(entry);
    s_set_nonempty(map, "company", &company);
    pf_value_t *technologies = s_technologies(result);
    pf_map_set(map, "technologies", &technologies);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  relationships: {domain, total, more_results, next_offset,
    identifiers[{type, value, first, last, matches[{domain, first, last,
    overlap}]}]}.                                                           */
static int
s_parse_relationships(long status, const char *body, size_t size, pf_value_t **out,
                      pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, true, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *list = json_object_get(root, "Relationships");
    if (!json_is_array(list)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "BuiltWith: no Relationships array");
    }
    pf_value_t *map = pf_value_map();
    pf_value_t *identifiers = pf_value_array();
    size_t i, j, k;
    const json_t *rel, *id, *match;
    json_array_foreach(list, i, rel) {
        if (!pf_map_has(map, "domain"))
            s_set_domain(map, "domain", json_object_get(rel, "Domain"));
        const json_t *ids = json_object_get(rel, "Identifiers");
        if (!json_is_array(ids))
            continue;
        json_array_foreach(ids, j, id) {
            const json_t *value = json_object_get(id, "Value");
            if (!json_is_string(value) || json_string_length(value) == 0)
                continue;
            pf_value_t *item = pf_value_map();
            pf_pj_set_str(item, "type", json_object_get(id, "Type"), true);
            pf_pj_set_str(item, "value", value, true);
            s_set_time(item, "first", json_object_get(id, "First"), 1);
            s_set_time(item, "last", json_object_get(id, "Last"), 1);
            pf_value_t *matches = pf_value_array();
            const json_t *ms = json_object_get(id, "Matches");
            if (json_is_array(ms))
                json_array_foreach(ms, k, match) {
                    pf_value_t *m = pf_value_map();
                    if (!s_set_domain(m, "domain", json_object_get(match, "Domain"))) {
                        pf_value_destroy(&m);
                        continue;
                    }
                    s_set_time(m, "first", json_object_get(match, "First"), 1);
                    s_set_time(m, "last", json_object_get(match, "Last"), 1);
                    pf_pj_set_bool(m, "overlap", json_object_get(match, "Overlap"));
                    pf_array_push(matches, &m);
                }
            pf_map_set(item, "matches", &matches);
            pf_array_push(identifiers, &item);
        }
    }
    pf_pj_set_int(map, "total", json_object_get(root, "results"));
    pf_pj_set_bool(map, "more_results", json_object_get(root, "more_results"));
    if (pf_map_get_bool(map, "more_results", false))
        pf_pj_set_int(map, "next_offset", json_object_get(root, "next_skip"));
    pf_map_set(map, "identifiers", &identifiers);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  recommendations: {domain, compiled, recommendations[{name, tag,
    categories[], stars, match}]}.  The answer is a JSON array (one entry
    per lookup) unless it is an error object.                              */
static int
s_parse_recommendations(long status, const char *body, size_t size, pf_value_t **out,
                        pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, false, &root, err);
    if (rc != PF_OK)
        return rc;
    if (!json_is_array(root)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "BuiltWith: recommendations are not an array");
    }
    pf_value_t *map = pf_value_map();
    pf_value_t *recs = pf_value_array();
    const json_t *entry = json_array_get(root, 0);
    if (json_is_object(entry)) {
        s_set_domain(map, "domain", json_object_get(entry, "Domain"));
        pf_pj_set_str(map, "compiled", json_object_get(entry, "Compiled"), true);
        const json_t *list = json_object_get(entry, "Recommendations");
        size_t i;
        const json_t *r;
        if (json_is_array(list))
            json_array_foreach(list, i, r) {
                const json_t *name = json_object_get(r, "name");
                if (!json_is_string(name) || json_string_length(name) == 0)
                    continue;
                pf_value_t *item = pf_value_map();
                pf_pj_set_str(item, "name", name, true);
                pf_pj_set_str(item, "tag", json_object_get(r, "tag"), true);
                pf_value_t *categories = pf_pj_str_array(json_object_get(r, "categories"));
                pf_map_set(item, "categories", &categories);
                pf_pj_set_int(item, "stars", json_object_get(r, "stars"));
                pf_pj_set_num(item, "match", json_object_get(r, "match"));
                pf_array_push(recs, &item);
            }
    }
    pf_map_set(map, "recommendations", &recs);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  keywords: {domain, keywords[]}.                                         */
static int
s_parse_keywords(long status, const char *body, size_t size, pf_value_t **out,
                 pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, true, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *list = json_object_get(root, "Keywords");
    if (!json_is_array(list)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response", "BuiltWith: no Keywords array");
    }
    pf_value_t *map = pf_value_map();
    const json_t *entry = json_array_get(list, 0);
    s_set_domain(map, "domain", json_object_get(entry, "Domain"));
    pf_value_t *keywords = pf_pj_str_array(json_object_get(entry, "Keywords"));
    pf_map_set(map, "keywords", &keywords);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  One trust record (DBRecord or LiveRecord).                              */
static pf_value_t *
s_trust_record(const json_t *r)
{
    pf_value_t *map = pf_value_map();
    s_set_time(map, "earliest_record", json_object_get(r, "EarliestRecord"), 1);
    pf_pj_set_int(map, "premium_techs", json_object_get(r, "PremiumTechs"));
    pf_pj_set_bool(map, "live_techs", json_object_get(r, "LiveTechs"));
    pf_pj_set_bool(map, "ecommerce", json_object_get(r, "Ecommerce"));
    pf_pj_set_bool(map, "parked", json_object_get(r, "Parked"));
    pf_pj_set_num(map, "spend", json_object_get(r, "Spend"));
    pf_pj_set_bool(map, "established", json_object_get(r, "Established"));
    return map;
}

/*  BuiltWith's trust Status that means "look at the site live".            */
#define S_TRUST_NEEDS_LIVE 2

/*  trust: {domain, status, needs_live, db{…}, live{…}}.                    */
static int
s_parse_trust(long status, const char *body, size_t size, pf_value_t **out,
              pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, true, &root, err);
    if (rc != PF_OK)
        return rc;
    int64_t trust_status;
    if (!pf_pj_int(json_object_get(root, "Status"), &trust_status)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response",
                                "BuiltWith: trust answer without a Status");
    }
    pf_value_t *map = pf_value_map();
    s_set_domain(map, "domain", json_object_get(root, "Domain"));
    pf_map_set_int(map, "status", trust_status);
    pf_map_set_bool(map, "needs_live", trust_status == S_TRUST_NEEDS_LIVE);
    const json_t *db = json_object_get(root, "DBRecord");
    if (json_is_object(db)) {
        pf_value_t *record = s_trust_record(db);
        pf_map_set(map, "db", &record);
    }
    const json_t *live = json_object_get(root, "LiveRecord");
    if (json_is_object(live)) {
        pf_value_t *record = s_trust_record(live);
        pf_map_set(map, "live", &record);
    }
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  One group or category of the free API: {name, live, dead}.              */
static pf_value_t *
s_free_count(const json_t *g)
{
    const json_t *name = json_object_get(g, "name");
    if (!json_is_string(name) || json_string_length(name) == 0)
        return NULL;
    pf_value_t *map = pf_value_map();
    pf_pj_set_str(map, "name", name, true);
    pf_pj_set_int(map, "live", json_object_get(g, "live"));
    pf_pj_set_int(map, "dead", json_object_get(g, "dead"));
    return map;
}

/*  free: {domain, first_indexed, last_indexed (ms), groups[{name, live,
    dead, categories[{name, live, dead}]}]}.                               */
static int
s_parse_free(long status, const char *body, size_t size, pf_value_t **out,
             pf_provider_error_t *err)
{
    json_t *root;
    int rc = s_load(status, body, size, true, &root, err);
    if (rc != PF_OK)
        return rc;
    const json_t *list = json_object_get(root, "groups");
    if (!json_is_array(list)) {
        json_decref(root);
        return pf_provider_fail(err, PF_EPROTO, "bad_response", "BuiltWith: no groups array");
    }
    pf_value_t *map = pf_value_map();
    s_set_domain(map, "domain", json_object_get(root, "domain"));
    s_set_time(map, "first_indexed", json_object_get(root, "first"), S_MS_PER_S);
    s_set_time(map, "last_indexed", json_object_get(root, "last"), S_MS_PER_S);
    pf_value_t *groups = pf_value_array();
    size_t i, j;
    const json_t *g, *c;
    json_array_foreach(list, i, g) {
        pf_value_t *group = s_free_count(g);
        if (!group)
            continue;
        pf_value_t *categories = pf_value_array();
        const json_t *cats = json_object_get(g, "categories");
        if (json_is_array(cats))
            json_array_foreach(cats, j, c) {
                pf_value_t *category = s_free_count(c);
                if (category)
                    pf_array_push(categories, &category);
            }
        pf_map_set(group, "categories", &categories);
        pf_array_push(groups, &group);
    }
    pf_map_set(map, "groups", &groups);
    json_decref(root);
    *out = map;
    return PF_OK;
}

/*  ---- the table -------------------------------------------------------- */

static const pf_provider_op_t s_ops[] = {
    {"domain", "/v22/api.json", S_TTL_PROFILE_S, false, s_build_domain, s_parse_domain, NULL},
    {"relationships", "/rv4/api.json", S_TTL_PROFILE_S, false, s_build_relationships,
     s_parse_relationships, NULL},
    {"recommendations", "/rec1/api.json", S_TTL_PROFILE_S, false, s_build_recommendations,
     s_parse_recommendations, NULL},
    {"keywords", "/kw2/api.json", S_TTL_PROFILE_S, false, s_build_keywords, s_parse_keywords,
     NULL},
    {"trust", "/trustv1/api.json", S_TTL_TRUST_S, false, s_build_trust, s_parse_trust, NULL},
    {"free", "/free1/api.json", S_TTL_PROFILE_S, false, s_build_free, s_parse_free, NULL},
};

const pf_provider_t pf_provider_builtwith = {
    .name = "builtwith",
    .title = "BuiltWith",
    .key_env = "PF_BUILTWITH_KEY",
    .key_required = true,
    .hosts = {"api.builtwith.com", NULL},
    .limits = {S_PER_MINUTE, S_CONCURRENCY, S_BREAKER_FAILURES, S_BREAKER_RECOVERY_S},
    .ops = s_ops,
    .op_count = sizeof s_ops / sizeof s_ops[0],
    .session_cookie_path = NULL,
    .session_crumb_path = NULL,
};
