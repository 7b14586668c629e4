/*  pf_mod_competitor_intelligence.c — the competitor_intelligence module
    (see pf_mod_competitor_intelligence.h and docs/MODULES.md).            */
#include "pf_mod_competitor_intelligence.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_facts.h"
#include "pf_gather.h"
#include "pf_mod_technology_stack.h"
#include "pf_mod_traffic_analysis.h"
#include "pf_modjob.h"

#define S_COMPANY "company_context"
#define S_TECHNOLOGY "technology_stack"
#define S_TRAFFIC "similarweb"
#define S_STACK "builtwith"
/*  The roles of a competitor's stack the result reports.                   */
#define S_ROLE_SEARCH "site_search"
#define S_ROLE_COMMERCE "ecommerce_platform"
/*  A domain's "www." prefix, ignored when comparing domains.               */
#define S_WWW "www."
#define S_REASON_MAX 512
/*  Waves of calls: similar sites and the target's visits, then every
    competitor's visits and stack.                                        */
#define S_WAVES 2

/*  ---- pure logic ------------------------------------------------------- */

/*  domain without a leading "www.".                                        */
static const char *
s_bare(const char *domain)
{
    return strncasecmp(domain, S_WWW, strlen(S_WWW)) == 0 ? domain + strlen(S_WWW) : domain;
}

/*  One similar site while ranking (borrowed domain).                       */
typedef struct {
    const char *domain;              /* as SimilarWeb wrote it              */
    double score;                    /* its best score                      */
    size_t order;                    /* first position in the answer        */
} s_site_t;

static int
s_compare_site(const void *a, const void *b)
{
    const s_site_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

pf_value_t *
pf_mod_competitor_ranked(const pf_value_t *similar, const char *self, size_t max)
{
    const pf_value_t *sites = pf_map_get(similar, "sites");
    size_t n_in = pf_array_size(sites), n = 0;
    s_site_t *list = pf_calloc(n_in ? n_in : 1, sizeof *list);
    for (size_t i = 0; i < n_in; i++) {
        const pf_value_t *s = pf_array_at(sites, i);
        const char *domain = pf_map_get_str(s, "domain");
        const pf_value_t *score = pf_map_get(s, "score");
        if (!domain || !*domain || !score)
            continue;
        if (self && strcasecmp(s_bare(domain), s_bare(self)) == 0)
            continue;
        double x = pf_value_as_float(score, 0);
        s_site_t *seen = NULL;
        for (size_t k = 0; k < n && !seen; k++)
            if (strcasecmp(s_bare(list[k].domain), s_bare(domain)) == 0)
                seen = &list[k];
        if (seen) {
            if (x > seen->score)
                seen->score = x;
            continue;
        }
        list[n++] = (s_site_t){domain, x, i};
    }
    if (n > 1)
        qsort(list, n, sizeof *list, s_compare_site);
    pf_value_t *out = pf_value_array();
    for (size_t k = 0; k < n && k < max; k++) {
        pf_value_t *item = pf_value_map();
        pf_map_set_str(item, "domain", list[k].domain);
        pf_map_set_float(item, "score", list[k].score);
        pf_array_push(out, &item);
    }
    free(list);
    return out;
}

bool
pf_mod_competitor_latest_visits(const pf_value_t *visits, char *month, double *value)
{
    int latest = pf_mod_traffic_analysis_latest(visits);
    if (latest < 0)
        return false;
    double v;
    bool present;
    if (pf_mod_traffic_analysis_window(visits, latest, 1, 0, DBL_MAX, &v, &present) != 1)
        return false;
    pf_mod_traffic_analysis_month_format(latest, month);
    *value = v;
    return true;
}

/*  reason = "PROVIDER OP failed: CODE: MESSAGE".                           */
static void
s_reason(char *out, size_t size, const char *provider, const char *op,
         const pf_mod_competitor_reply_t *r)
{
    const char *code = r->error && *r->error ? r->error : "not answered";
    if (r->message && *r->message)
        snprintf(out, size, "%s %s failed: %s: %s", provider, op, code, r->message);
    else
        snprintf(out, size, "%s %s failed: %s", provider, op, code);
}

/*  Appends {field, reason} to an entry's "missing" list.                   */
static void
s_entry_missing(pf_value_t *missing, const char *field, const char *reason)
{
    pf_value_t *m = pf_value_map();
    pf_map_set_str(m, "field", field);
    pf_map_set_str(m, "reason", reason);
    pf_array_push(missing, &m);
}

/*  The names of stack's technologies with role, in detection order.       */
static pf_value_t *
s_role_names(const pf_value_t *technologies, const char *role)
{
    pf_value_t *names = pf_value_array();
    for (size_t i = 0; i < pf_array_size(technologies); i++) {
        const pf_value_t *t = pf_array_at(technologies, i);
        const char *r = pf_mod_technology_stack_role(t);
        const char *name = pf_map_get_str(t, "name");
        if (r && name && strcmp(r, role) == 0)
            pf_array_push_str(names, name);
    }
    return names;
}

/*  One site search product and the competitors running it.                */
typedef struct {
    const char *name;                /* borrowed from a BuiltWith answer    */
    pf_value_t *domains;             /* [competitor domains]                */
} s_vendor_t;

/*  The competitor entries; fills vendors (site search products seen) and
    the visits of each competitor (visits[i] < 0: unknown).               */
static pf_value_t *
s_competitors(pf_facts_t *facts, const pf_mod_competitor_input_t *in, double *visits,
              s_vendor_t **vendors, size_t *n_vendors, bool *any_stack)
{
    pf_value_t *list = pf_value_array();
    size_t room = 0;
    for (size_t i = 0; i < pf_array_size(in->ranked); i++) {
        const pf_value_t *site = pf_array_at(in->ranked, i);
        const char *domain = pf_map_get_str(site, "domain");
        const pf_mod_competitor_calls_t *c = &in->calls[i];
        pf_value_t *item = pf_value_dup(site);
        pf_map_set_int(item, "rank_by_score", (int64_t) i + 1);
        pf_value_t *missing = pf_value_array();
        char reason[S_REASON_MAX];
        char month[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN];
        visits[i] = -1;
        if (!c->visits.data) {
            s_reason(reason, sizeof reason, S_TRAFFIC, "visits", &c->visits);
            s_entry_missing(missing, "visits", reason);
        } else if (pf_mod_competitor_latest_visits(c->visits.data, month, &visits[i])) {
            pf_map_set_float(item, "visits", visits[i]);
            pf_map_set_str(item, "visits_month", month);
            pf_map_set_int(item, "visits_source",
                           pf_facts_provider(facts, c->visits.provenance));
        } else {
            s_entry_missing(missing, "visits",
                            "similarweb visits gave no valid value for its latest month");
        }
        if (!c->stack.data) {
            s_reason(reason, sizeof reason, S_STACK, "domain", &c->stack);
            s_entry_missing(missing, S_ROLE_SEARCH, reason);
            s_entry_missing(missing, S_ROLE_COMMERCE, reason);
        } else {
            *any_stack = true;
            const pf_value_t *techs = pf_map_get(c->stack.data, "technologies");
            pf_value_t *search = s_role_names(techs, S_ROLE_SEARCH);
            for (size_t k = 0; k < pf_array_size(search); k++) {
                const char *name = pf_value_as_str(pf_array_at(search, k), NULL);
                s_vendor_t *v = NULL;
                for (size_t j = 0; j < *n_vendors && !v; j++)
                    if (strcasecmp((*vendors)[j].name, name) == 0)
                        v = &(*vendors)[j];
                if (!v) {
                    if (*n_vendors == room) {
                        room = room ? 2 * room : 8;
                        *vendors = pf_realloc(*vendors, room * sizeof **vendors);
                    }
                    v = &(*vendors)[(*n_vendors)++];
                    /*  Borrowed from the reply, which outlives the result. */
                    v->name = NULL;
                    for (size_t t = 0; t < pf_array_size(techs) && !v->name; t++) {
                        const char *tn = pf_map_get_str(pf_array_at(techs, t), "name");
                        if (tn && strcmp(tn, name) == 0)
                            v->name = tn;
                    }
                    v->domains = pf_value_array();
                }
                pf_array_push_str(v->domains, domain);
            }
            pf_map_set(item, S_ROLE_SEARCH, &search);
            pf_value_t *commerce = s_role_names(techs, S_ROLE_COMMERCE);
            pf_map_set(item, S_ROLE_COMMERCE, &commerce);
            pf_map_set_int(item, "stack_source", pf_facts_provider(facts, c->stack.provenance));
        }
        pf_map_set(item, "missing", &missing);
        pf_array_push(list, &item);
    }
    return list;
}

static int
s_compare_vendor(const void *a, const void *b)
{
    const s_vendor_t *x = a, *y = b;
    size_t nx = pf_array_size(x->domains), ny = pf_array_size(y->domains);
    if (nx != ny)
        return nx > ny ? -1 : 1;
    return strcmp(x->name, y->name);
}

/*  Where the target stands among the competitors with known visits.       */
static void
s_position(pf_facts_t *facts, const pf_mod_competitor_input_t *in, const double *visits)
{
    char reason[S_REASON_MAX];
    char month[PF_MOD_TRAFFIC_ANALYSIS_MONTH_LEN];
    double target = -1;
    if (!in->visits.data) {
        s_reason(reason, sizeof reason, S_TRAFFIC, "visits", &in->visits);
        pf_facts_missing(facts, "target_visits", reason);
        pf_facts_missing(facts, "target_rank", "the target's visits are unknown");
        return;
    }
    if (!pf_mod_competitor_latest_visits(in->visits.data, month, &target)) {
        pf_facts_missing(facts, "target_visits",
                         "similarweb visits gave no valid value for its latest month");
        pf_facts_missing(facts, "target_rank", "the target's visits are unknown");
        return;
    }
    pf_value_t *tv = pf_value_map();
    pf_map_set_float(tv, "visits", target);
    pf_map_set_str(tv, "month", month);
    pf_facts_set(facts, "target_visits", &tv, pf_facts_provider(facts, in->visits.provenance));
    size_t known = 0, above = 0;
    pf_value_t *ahead = pf_value_array(), *behind = pf_value_array();
    for (size_t i = 0; i < pf_array_size(in->ranked); i++) {
        if (visits[i] < 0)
            continue;
        known++;
        const char *d = pf_map_get_str(pf_array_at(in->ranked, i), "domain");
        if (visits[i] > target) {
            above++;
            pf_array_push_str(ahead, d);
        } else {
            pf_array_push_str(behind, d);
        }
    }
    if (known == 0) {
        pf_value_destroy(&ahead);
        pf_value_destroy(&behind);
        pf_facts_missing(facts, "target_rank", "no competitor's visits are known");
        return;
    }
    pf_value_t *rank = pf_value_map();
    pf_map_set_int(rank, "rank", (int64_t) above + 1);
    pf_map_set_int(rank, "of", (int64_t) known + 1);
    pf_map_set(rank, "ahead", &ahead);
    pf_map_set(rank, "behind_or_equal", &behind);
    pf_facts_set(facts, "target_rank", &rank,
                 pf_facts_derived(facts, "the latest monthly visits (SimilarWeb) of the target "
                                         "and of each competitor, largest first"));
}

/*  The target's own site search and commerce platform, from
    technology_stack when it ran for real.                                 */
static void
s_target_stack(pf_facts_t *facts, const pf_value_t *technology)
{
    const pf_value_t *notable = pf_map_get(pf_map_get(technology, "data"), "notable");
    const char *why = !technology ? "technology_stack gave no result"
                      : !notable  ? "technology_stack has no notable roles (simulated or "
                                    "BuiltWith failed)"
                                  : NULL;
    static const char *const fields[] = {"target_site_search", "target_ecommerce_platform"};
    static const char *const roles[] = {S_ROLE_SEARCH, S_ROLE_COMMERCE};
    for (size_t i = 0; i < 2; i++) {
        const pf_value_t *names = pf_map_get(notable, roles[i]);
        if (why || !pf_value_is(names, PF_ARRAY)) {
            pf_facts_missing(facts, fields[i], why ? why : "technology_stack lacks the role");
            continue;
        }
        pf_value_t *v = pf_value_dup(names);
        pf_facts_set(facts, fields[i], &v, pf_facts_module(facts, S_TECHNOLOGY));
    }
}

pf_value_t *
pf_mod_competitor_intelligence_result(const pf_mod_competitor_input_t *in)
{
    if (!in->similar.data)
        return NULL;
    pf_facts_t *facts = pf_facts_new();
    int similar = pf_facts_provider(facts, in->similar.provenance);
    size_t n = pf_array_size(in->ranked);
    double *visits = pf_calloc(n ? n : 1, sizeof *visits);
    s_vendor_t *vendors = NULL;
    size_t n_vendors = 0;
    bool any_stack = false;
    pf_value_t *list = s_competitors(facts, in, visits, &vendors, &n_vendors, &any_stack);
    pf_facts_set_int(facts, "competitor_count", (int64_t) n, similar);
    pf_facts_set(facts, "competitors", &list, similar);
    s_position(facts, in, visits);
    if (any_stack) {
        if (n_vendors > 1)
            qsort(vendors, n_vendors, sizeof *vendors, s_compare_vendor);
        pf_value_t *v = pf_value_array();
        for (size_t k = 0; k < n_vendors; k++) {
            pf_value_t *item = pf_value_map();
            pf_map_set_str(item, "name", vendors[k].name);
            pf_map_set(item, "competitors", &vendors[k].domains);
            pf_array_push(v, &item);
        }
        pf_facts_set(facts, "competitor_site_search", &v,
                     pf_facts_derived(facts, "the competitors' BuiltWith technologies with "
                                             "the site_search role"));
    } else {
        pf_facts_missing(facts, "competitor_site_search",
                         n ? "no competitor's BuiltWith lookup answered"
                           : "SimilarWeb lists no similar sites");
    }
    free(vendors);
    free(visits);
    s_target_stack(facts, in->technology);
    const char *name = pf_map_get_str(pf_map_get(in->company, "data"), "name");
    if (name)
        pf_facts_set_str(facts, "company", name, pf_facts_module(facts, S_COMPANY));
    return pf_facts_result(&facts);
}

/*  ---- the actor side -------------------------------------------------- */

/*  Slot names of a competitor's calls: prefix + its index.                 */
#define S_SLOT_VISITS "visits_"
#define S_SLOT_STACK "stack_"
#define S_SLOT_MAX 32

/*  A task's state between its waves.                                       */
typedef struct {
    pf_value_t *ranked;              /* the competitors asked about         */
} s_state_t;

static void
s_state_free(void *state)
{
    s_state_t *st = state;
    pf_value_destroy(&st->ranked);
}

static void
s_finish(pf_modjob_t *job)
{
    const s_state_t *st = pf_modjob_state(job);
    const pf_gather_t *gather = pf_modjob_gather(job);
    size_t n = pf_array_size(st->ranked);
    pf_mod_competitor_calls_t *calls = pf_calloc(n ? n : 1, sizeof *calls);
    for (size_t i = 0; i < n; i++) {
        char slot[S_SLOT_MAX];
        snprintf(slot, sizeof slot, S_SLOT_VISITS "%zu", i);
        calls[i].visits = pf_gather_reply(gather, slot);
        snprintf(slot, sizeof slot, S_SLOT_STACK "%zu", i);
        calls[i].stack = pf_gather_reply(gather, slot);
    }
    pf_mod_competitor_input_t in = {
        pf_modjob_domain(job), pf_modjob_input(job, S_COMPANY),
        pf_modjob_input(job, S_TECHNOLOGY), pf_gather_reply(gather, "similar"),
        pf_gather_reply(gather, "target_visits"), st->ranked, calls,
    };
    pf_value_t *result = pf_mod_competitor_intelligence_result(&in);
    char reason[S_REASON_MAX];
    s_reason(reason, sizeof reason, S_TRAFFIC, "similar_sites", &in.similar);
    free(calls);
    pf_modjob_finish(&job, &result, "providers_unavailable", "%s", reason);
}

/*  Adds the call op {domain} of service under slot.                        */
static void
s_call(pf_modjob_t *job, const char *slot, const char *service, const char *op,
       const char *domain)
{
    pf_value_t *args = pf_value_map();
    pf_map_set_str(args, "domain", domain);
    pf_modjob_call(job, slot, service, op, &args);
}

static void
s_first_done(pf_modjob_t *job)
{
    s_state_t *st = pf_modjob_state(job);
    st->ranked = pf_mod_competitor_ranked(pf_gather_data(pf_modjob_gather(job), "similar"),
                                          pf_modjob_domain(job), PF_MOD_COMPETITOR_MAX);
    for (size_t i = 0; i < pf_array_size(st->ranked); i++) {
        const char *domain = pf_map_get_str(pf_array_at(st->ranked, i), "domain");
        char slot[S_SLOT_MAX];
        snprintf(slot, sizeof slot, S_SLOT_VISITS "%zu", i);
        s_call(job, slot, S_TRAFFIC, "visits", domain);
        snprintf(slot, sizeof slot, S_SLOT_STACK "%zu", i);
        s_call(job, slot, S_STACK, "domain", domain);
    }
    /*  With no competitors the second wave is empty and s_finish runs at
        once (the wave's callback comes also when nothing is pending).    */
    pf_modjob_go(job, s_finish);
}

static void
s_run(pf_actor_t *actor, pf_task_t *task)
{
    pf_modjob_t *job = pf_modjob_new(actor, task, S_WAVES, sizeof(s_state_t), s_state_free);
    s_call(job, "similar", S_TRAFFIC, "similar_sites", pf_modjob_domain(job));
    s_call(job, "target_visits", S_TRAFFIC, "visits", pf_modjob_domain(job));
    pf_modjob_go(job, s_first_done);
}

const pf_module_t pf_mod_competitor_intelligence = {"competitor_intelligence", s_run};
