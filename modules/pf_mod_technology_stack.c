/*  pf_mod_technology_stack.c — the technology_stack module (see
    pf_mod_technology_stack.h and docs/MODULES.md).                        */
#include "pf_mod_technology_stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_facts.h"
#include "pf_gather.h"
#include "pf_modjob.h"

/*  The provider every call goes to.                                        */
#define S_PROVIDER "builtwith"
/*  BuiltWith's spend estimate is a monthly technology spend in US dollars
    (its API documentation); the result says so next to the number.       */
#define S_SPEND_CURRENCY "USD"
#define S_SPEND_PERIOD "month"
/*  Where a technology with neither categories nor tag is grouped.          */
#define S_OTHER_CATEGORY "Other"
/*  Room for a missing-fact reason.                                         */
#define S_REASON_MAX 512

/*  The notable roles, in the order the result lists them.  A role is what
    a seller asks about a site ("which CMS?"), not BuiltWith's taxonomy.    */
static const char *const s_roles[] = {
    "site_search", "ecommerce_platform", "cms", "analytics", "cdn", "tag_manager", "ats",
};
#define S_ROLES (sizeof s_roles / sizeof s_roles[0])

/*  BuiltWith category names -> role.  Generic knowledge of the taxonomy,
    not seller-specific: the seller's own products live in the profile.    */
static const struct {
    const char *category;            /* as BuiltWith names it               */
    const char *role;                /* one of s_roles                      */
} s_category_roles[] = {
    {"Site Search", "site_search"},
    {"Enterprise Ecommerce", "ecommerce_platform"},
    {"Hosted Solution", "ecommerce_platform"},
    {"Ecommerce", "ecommerce_platform"},
    {"Shopping Cart", "ecommerce_platform"},
    {"Headless Commerce", "ecommerce_platform"},
    {"Enterprise CMS", "cms"},
    {"Open Source CMS", "cms"},
    {"Headless CMS", "cms"},
    {"Hosted CMS", "cms"},
    {"CMS", "cms"},
    {"Audience Measurement", "analytics"},
    {"Enterprise Analytics", "analytics"},
    {"Product Analytics", "analytics"},
    {"Web Analytics", "analytics"},
    {"Heatmaps", "analytics"},
    {"CDN", "cdn"},
    {"Content Delivery Network", "cdn"},
    {"Tag Management", "tag_manager"},
    {"Applicant Tracking System", "ats"},
    {"Applicant Tracking", "ats"},
    {"Recruitment", "ats"},
};

/*  BuiltWith tags (its top-level groups) that imply a role on their own,
    for technologies whose categories the table does not know.            */
static const struct {
    const char *tag;                 /* BuiltWith tag                       */
    const char *role;                /* one of s_roles                      */
} s_tag_roles[] = {
    {"shop", "ecommerce_platform"},
    {"cms", "cms"},
    {"cdns", "cdn"},
    {"cdn", "cdn"},
};

/*  ---- pure logic ------------------------------------------------------- */

const char *
pf_mod_technology_stack_role(const pf_value_t *technology)
{
    const pf_value_t *categories = pf_map_get(technology, "categories");
    for (size_t i = 0; i < pf_array_size(categories); i++) {
        const char *c = pf_value_as_str(pf_array_at(categories, i), NULL);
        for (size_t k = 0; c && k < sizeof s_category_roles / sizeof s_category_roles[0]; k++)
            if (strcasecmp(c, s_category_roles[k].category) == 0)
                return s_category_roles[k].role;
    }
    const char *tag = pf_map_get_str(technology, "tag");
    for (size_t k = 0; tag && k < sizeof s_tag_roles / sizeof s_tag_roles[0]; k++)
        if (strcasecmp(tag, s_tag_roles[k].tag) == 0)
            return s_tag_roles[k].role;
    return NULL;
}

pf_value_t *
pf_mod_technology_stack_notable(const pf_value_t *technologies)
{
    pf_value_t *lists[S_ROLES];
    for (size_t r = 0; r < S_ROLES; r++)
        lists[r] = pf_value_array();
    for (size_t i = 0; i < pf_array_size(technologies); i++) {
        const pf_value_t *t = pf_array_at(technologies, i);
        const char *name = pf_map_get_str(t, "name");
        const char *role = pf_mod_technology_stack_role(t);
        for (size_t r = 0; name && role && r < S_ROLES; r++)
            if (strcmp(role, s_roles[r]) == 0)
                pf_array_push_str(lists[r], name);
    }
    pf_value_t *map = pf_value_map();
    for (size_t r = 0; r < S_ROLES; r++)
        pf_map_set(map, s_roles[r], &lists[r]);
    return map;
}

static int
s_compare_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/*  One category while grouping: its name and member names (borrowed).    */
typedef struct {
    const char *category;            /* the group                           */
    const char **names;              /* technologies in it                  */
    size_t count, room;
} s_group_t;

pf_value_t *
pf_mod_technology_stack_by_category(const pf_value_t *technologies)
{
    s_group_t *groups = NULL;
    size_t n_groups = 0, room = 0;
    for (size_t i = 0; i < pf_array_size(technologies); i++) {
        const pf_value_t *t = pf_array_at(technologies, i);
        const char *name = pf_map_get_str(t, "name");
        if (!name)
            continue;
        const pf_value_t *cats = pf_map_get(t, "categories");
        size_t n_cats = pf_array_size(cats);
        const char *tag = pf_map_get_str(t, "tag");
        /*  Without categories the tag (or "Other") is the one group.      */
        for (size_t c = 0; c < (n_cats ? n_cats : 1); c++) {
            const char *category = n_cats ? pf_value_as_str(pf_array_at(cats, c), NULL)
                                           : (tag && *tag ? tag : S_OTHER_CATEGORY);
            if (!category || !*category)
                continue;
            s_group_t *g = NULL;
            for (size_t k = 0; k < n_groups && !g; k++)
                if (strcmp(groups[k].category, category) == 0)
                    g = &groups[k];
            if (!g) {
                if (n_groups == room) {
                    room = room ? 2 * room : 16;
                    groups = pf_realloc(groups, room * sizeof *groups);
                }
                g = &groups[n_groups++];
                *g = (s_group_t){category, NULL, 0, 0};
            }
            bool seen = false;
            for (size_t k = 0; k < g->count && !seen; k++)
                seen = strcmp(g->names[k], name) == 0;
            if (seen)
                continue;
            if (g->count == g->room) {
                g->room = g->room ? 2 * g->room : 4;
                g->names = pf_realloc(g->names, g->room * sizeof *g->names);
            }
            g->names[g->count++] = name;
        }
    }
    pf_value_t *map = pf_value_map();
    for (size_t k = 0; k < n_groups; k++) {
        qsort(groups[k].names, groups[k].count, sizeof *groups[k].names, s_compare_str);
        pf_value_t *list = pf_value_array();
        for (size_t j = 0; j < groups[k].count; j++)
            pf_array_push_str(list, groups[k].names[j]);
        pf_map_set(map, groups[k].category, &list);
        free(groups[k].names);
    }
    free(groups);
    return map;
}

/*  Copies key of from into to when present.                                */
static void
s_copy(pf_value_t *to, const pf_value_t *from, const char *key)
{
    const pf_value_t *v = pf_map_get(from, key);
    if (v) {
        pf_value_t *copy = pf_value_dup(v);
        pf_map_set(to, key, &copy);
    }
}

pf_value_t *
pf_mod_technology_stack_seller(const pf_value_t *technologies, const pf_profile_t *profile,
                               bool fit)
{
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; profile && i < pf_array_size(technologies); i++) {
        const pf_value_t *t = pf_array_at(technologies, i);
        const char *name = pf_map_get_str(t, "name");
        const pf_profile_tech_t *p = fit ? pf_profile_fit_find(profile, name)
                                         : pf_profile_displaceable_find(profile, name);
        if (!p)
            continue;
        pf_value_t *item = pf_value_map();
        pf_map_set_str(item, "name", name);
        pf_map_set_str(item, "profile_name", p->name);
        s_copy(item, t, "categories");
        pf_map_set_str(item, "reason", p->reason);
        s_copy(item, t, "first_detected");
        s_copy(item, t, "last_detected");
        pf_array_push(list, &item);
    }
    return list;
}

/*  One related domain while merging identifiers.                           */
typedef struct {
    const char *domain;              /* borrowed from the reply              */
    pf_value_t *shared;              /* [{type, value}]                      */
    int64_t first, last;             /* span of the matches, 0: unknown      */
    bool overlap;                    /* any match overlapped in time         */
} s_related_t;

static int
s_compare_related(const void *a, const void *b)
{
    const s_related_t *x = a, *y = b;
    size_t nx = pf_array_size(x->shared), ny = pf_array_size(y->shared);
    if (nx != ny)
        return nx > ny ? -1 : 1;
    return strcmp(x->domain, y->domain);
}

pf_value_t *
pf_mod_technology_stack_related(const pf_value_t *relationships)
{
    const pf_value_t *ids = pf_map_get(relationships, "identifiers");
    const char *self_domain = pf_map_get_str(relationships, "domain");
    s_related_t *rel = NULL;
    size_t n = 0, room = 0;
    for (size_t i = 0; i < pf_array_size(ids); i++) {
        const pf_value_t *id = pf_array_at(ids, i);
        const pf_value_t *matches = pf_map_get(id, "matches");
        for (size_t j = 0; j < pf_array_size(matches); j++) {
            const pf_value_t *m = pf_array_at(matches, j);
            const char *domain = pf_map_get_str(m, "domain");
            if (!domain || (self_domain && strcmp(domain, self_domain) == 0))
                continue;
            s_related_t *r = NULL;
            for (size_t k = 0; k < n && !r; k++)
                if (strcmp(rel[k].domain, domain) == 0)
                    r = &rel[k];
            if (!r) {
                if (n == room) {
                    room = room ? 2 * room : 8;
                    rel = pf_realloc(rel, room * sizeof *rel);
                }
                r = &rel[n++];
                *r = (s_related_t){domain, pf_value_array(), 0, 0, false};
            }
            pf_value_t *shared = pf_value_map();
            s_copy(shared, id, "type");
            s_copy(shared, id, "value");
            pf_array_push(r->shared, &shared);
            int64_t first = pf_map_get_int(m, "first", 0);
            int64_t last = pf_map_get_int(m, "last", 0);
            if (first > 0 && (r->first == 0 || first < r->first))
                r->first = first;
            if (last > r->last)
                r->last = last;
            r->overlap = r->overlap || pf_map_get_bool(m, "overlap", false);
        }
    }
    if (n > 1)
        qsort(rel, n, sizeof *rel, s_compare_related);
    pf_value_t *list = pf_value_array();
    for (size_t k = 0; k < n; k++) {
        pf_value_t *item = pf_value_map();
        pf_map_set_str(item, "domain", rel[k].domain);
        pf_map_set(item, "shared", &rel[k].shared);
        if (rel[k].first > 0)
            pf_map_set_int(item, "first", rel[k].first);
        if (rel[k].last > 0)
            pf_map_set_int(item, "last", rel[k].last);
        pf_map_set_bool(item, "overlap", rel[k].overlap);
        pf_array_push(list, &item);
    }
    free(rel);
    return list;
}

/*  The detected technologies, each with its role and the seller's flag
    ("displaceable" / "fit") when it has them.                              */
static pf_value_t *
s_technologies(const pf_value_t *technologies, const pf_profile_t *profile)
{
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; i < pf_array_size(technologies); i++) {
        const pf_value_t *t = pf_array_at(technologies, i);
        const char *name = pf_map_get_str(t, "name");
        if (!name)
            continue;
        pf_value_t *item = pf_value_dup(t);
        const char *role = pf_mod_technology_stack_role(t);
        if (role)
            pf_map_set_str(item, "role", role);
        if (profile && pf_profile_displaceable_find(profile, name))
            pf_map_set_str(item, "seller", "displaceable");
        else if (profile && pf_profile_fit_find(profile, name))
            pf_map_set_str(item, "seller", "fit");
        pf_array_push(list, &item);
    }
    return list;
}

/*  reason = "builtwith OP failed: CODE: MESSAGE".                          */
static void
s_reason(char *out, size_t size, const char *op, const pf_mod_technology_stack_reply_t *r)
{
    const char *code = r->error && *r->error ? r->error : "failed";
    if (r->message && *r->message)
        snprintf(out, size, S_PROVIDER " %s failed: %s: %s", op, code, r->message);
    else
        snprintf(out, size, S_PROVIDER " %s failed: %s", op, code);
}

/*  Marks fields[0..n) missing because the call op failed.                  */
static void
s_missing(pf_facts_t *facts, const char *op, const pf_mod_technology_stack_reply_t *r,
          const char *const *fields, size_t n)
{
    char reason[S_REASON_MAX];
    s_reason(reason, sizeof reason, op, r);
    for (size_t i = 0; i < n; i++)
        pf_facts_missing(facts, fields[i], reason);
}

/*  The facts from `domain`: technologies and what is made of them.         */
static void
s_domain_facts(pf_facts_t *facts, const pf_mod_technology_stack_reply_t *r,
               const pf_profile_t *profile)
{
    static const char *const fields[] = {"technologies", "technology_count", "by_category",
                                         "notable", "displaceable", "fit", "spend"};
    if (!r->data) {
        s_missing(facts, "domain", r, fields, sizeof fields / sizeof fields[0]);
        return;
    }
    int src = pf_facts_provider(facts, r->provenance);
    const pf_value_t *techs = pf_map_get(r->data, "technologies");
    pf_value_t *v = s_technologies(techs, profile);
    pf_facts_set_int(facts, "technology_count", (int64_t) pf_array_size(v), src);
    pf_facts_set(facts, "technologies", &v, src);
    v = pf_mod_technology_stack_by_category(techs);
    pf_facts_set(facts, "by_category", &v, src);
    v = pf_mod_technology_stack_notable(techs);
    pf_facts_set(facts, "notable", &v, src);
    if (profile) {
        v = pf_mod_technology_stack_seller(techs, profile, false);
        pf_facts_set(facts, "displaceable", &v, src);
        v = pf_mod_technology_stack_seller(techs, profile, true);
        pf_facts_set(facts, "fit", &v, src);
    } else {
        pf_facts_missing(facts, "displaceable", "no seller profile is loaded");
        pf_facts_missing(facts, "fit", "no seller profile is loaded");
    }
    /*  BuiltWith writes 0 when it has no estimate.                         */
    const pf_value_t *spend = pf_map_get(r->data, "spend");
    double amount = pf_value_as_float(spend, 0);
    if (spend && amount > 0) {
        pf_value_t *s = pf_value_map();
        pf_value_t *value = pf_value_dup(spend);
        pf_map_set(s, "amount", &value);
        pf_map_set_str(s, "currency", S_SPEND_CURRENCY);
        pf_map_set_str(s, "period", S_SPEND_PERIOD);
        pf_map_set_str(s, "basis", "BuiltWith estimate of technology spend");
        pf_facts_set(facts, "spend", &s, src);
    } else {
        pf_facts_missing(facts, "spend", "BuiltWith gave no spend estimate");
    }
    if (pf_map_has(r->data, "first_indexed") || pf_map_has(r->data, "last_indexed")) {
        pf_value_t *idx = pf_value_map();
        s_copy(idx, r->data, "first_indexed");
        s_copy(idx, r->data, "last_indexed");
        pf_facts_set(facts, "indexed", &idx, src);
    }
}

static void
s_relationship_facts(pf_facts_t *facts, const pf_mod_technology_stack_reply_t *r)
{
    static const char *const fields[] = {"related_domains"};
    if (!r->data) {
        s_missing(facts, "relationships", r, fields, 1);
        return;
    }
    int src = pf_facts_provider(facts, r->provenance);
    pf_value_t *v = pf_mod_technology_stack_related(r->data);
    pf_facts_set(facts, "related_domains", &v, src);
    if (pf_map_get_bool(r->data, "more_results", false))
        pf_facts_set_bool(facts, "related_domains_truncated", true, src);
}

/*  A reply's list under key as the fact field (an empty list is a fact:
    BuiltWith has none).                                                    */
static void
s_list_fact(pf_facts_t *facts, const char *op, const pf_mod_technology_stack_reply_t *r,
            const char *key, const char *field)
{
    if (!r->data) {
        s_missing(facts, op, r, &field, 1);
        return;
    }
    const pf_value_t *list = pf_map_get(r->data, key);
    pf_value_t *v = pf_value_is(list, PF_ARRAY) ? pf_value_dup(list) : pf_value_array();
    pf_facts_set(facts, field, &v, pf_facts_provider(facts, r->provenance));
}

static void
s_trust_fact(pf_facts_t *facts, const pf_mod_technology_stack_reply_t *r)
{
    static const char *const field = "trust";
    if (!r->data) {
        s_missing(facts, "trust", r, &field, 1);
        return;
    }
    pf_value_t *v = pf_value_dup(r->data);
    pf_value_t *trust = pf_value_map();
    /*  The domain is the job's; the rest is BuiltWith's record.           */
    for (size_t i = 0; i < pf_map_size(v); i++) {
        const char *key = pf_value_as_str(pf_map_key_at(v, i), NULL);
        if (key && strcmp(key, "domain") != 0)
            s_copy(trust, v, key);
    }
    pf_value_destroy(&v);
    pf_facts_set(facts, field, &trust, pf_facts_provider(facts, r->provenance));
}

pf_value_t *
pf_mod_technology_stack_result(const pf_mod_technology_stack_input_t *in,
                               const pf_profile_t *profile)
{
    if (!in->domain.data && !in->relationships.data && !in->recommendations.data &&
        !in->keywords.data && !in->trust.data)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    s_domain_facts(facts, &in->domain, profile);
    s_relationship_facts(facts, &in->relationships);
    s_list_fact(facts, "recommendations", &in->recommendations, "recommendations",
                "recommendations");
    s_list_fact(facts, "keywords", &in->keywords, "keywords", "keywords");
    s_trust_fact(facts, &in->trust);
    if (profile) {
        pf_value_t *seller = pf_value_map();
        pf_map_set_str(seller, "name", pf_profile_seller(profile));
        pf_map_set_str(seller, "product", pf_profile_product(profile));
        pf_map_set_bool(seller, "sample", pf_profile_sample(profile));
        pf_facts_set(facts, "seller", &seller,
                     pf_facts_derived(facts, "the seller profile the module was started with"));
    }
    return pf_facts_result(&facts);
}

/*  ---- the actor side -------------------------------------------------- */

/*  The five calls: slot name = op name.                                    */
static const char *const s_ops[] = {"domain", "relationships", "recommendations", "keywords",
                                    "trust"};
#define S_OPS (sizeof s_ops / sizeof s_ops[0])

static void
s_done(pf_modjob_t *job)
{
    const pf_gather_t *gather = pf_modjob_gather(job);
    pf_mod_technology_stack_input_t in = {
        pf_gather_reply(gather, "domain"), pf_gather_reply(gather, "relationships"),
        pf_gather_reply(gather, "recommendations"), pf_gather_reply(gather, "keywords"),
        pf_gather_reply(gather, "trust"),
    };
    pf_value_t *result = pf_mod_technology_stack_result(&in, pf_profile_current());
    char reason[S_REASON_MAX];
    s_reason(reason, sizeof reason, "domain", &in.domain);
    pf_modjob_finish(&job, &result, "providers_unavailable", "every BuiltWith call failed (%s)",
                     reason);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, 0, 0, NULL);
    for (size_t i = 0; i < S_OPS; i++) {
        pf_value_t *args = pf_value_map();
        pf_map_set_str(args, "domain", pf_modjob_domain(job));
        pf_modjob_call(job, s_ops[i], S_PROVIDER, s_ops[i], &args);
    }
    pf_modjob_go(job, s_done);
}

const pf_module_t pf_mod_technology_stack = {"technology_stack", s_run};
