/*  pf_graph.c — the module dependency graph: the one place it is written.

    Edges are required or optional.  A required input that fails (or is
    skipped) skips the module with the reason named; an optional one only
    leaves a gap the module must say it has.  company_context is required by
    every module that reads it: nothing true can be said of an unknown
    company.  The brief takes everything else as optional: it runs on
    whatever completed and names what is missing.                           */
#include "pf_graph.h"

#include <string.h>

#include "pf_error.h"

#define REQ(n) { n, true }
#define OPT(n) { n, false }

static const pf_module_def_t s_defs[PF_MODULE_COUNT] = {
    { "company_context", 10, 0, { { 0 } } },
    { "technology_stack", 15, 0, { { 0 } } },
    { "traffic_analysis", 8, 0, { { 0 } } },
    { "financial_profile", 12, 0, { { 0 } } },
    { "competitor_intelligence", 20, 2,
      { REQ("company_context"), OPT("technology_stack") } },
    { "hiring_signals", 12, 1, { REQ("company_context") } },
    { "strategic_context", 8, 1, { REQ("company_context") } },
    { "investor_intelligence", 15, 2,
      { REQ("company_context"), OPT("financial_profile") } },
    { "executive_intelligence", 10, 2,
      { REQ("company_context"), OPT("strategic_context") } },
    { "buying_committee", 8, 3,
      { REQ("company_context"), OPT("hiring_signals"), REQ("executive_intelligence") } },
    { "displacement_analysis", 12, 2,
      { REQ("technology_stack"), OPT("competitor_intelligence") } },
    { "case_study_matching", 5, 2,
      { REQ("company_context"), OPT("technology_stack") } },
    { "icp_priority_mapping", 8, 5,
      { REQ("company_context"), OPT("traffic_analysis"), OPT("financial_profile"),
        OPT("technology_stack"), OPT("competitor_intelligence") } },
    { "signal_scoring", 5, 3,
      { OPT("hiring_signals"), OPT("strategic_context"), OPT("investor_intelligence") } },
    { "strategic_signal_brief", 10, 14,
      { REQ("company_context"), OPT("technology_stack"), OPT("traffic_analysis"),
        OPT("financial_profile"), OPT("competitor_intelligence"), OPT("hiring_signals"),
        OPT("strategic_context"), OPT("investor_intelligence"),
        OPT("executive_intelligence"), OPT("buying_committee"),
        OPT("displacement_analysis"), OPT("case_study_matching"),
        OPT("icp_priority_mapping"), OPT("signal_scoring") } },
};

static pf_module_info_t s_info[PF_MODULE_COUNT];  /* derived tables        */
static int s_topo[PF_MODULE_COUNT];               /* topological order     */
static double s_estimates[PF_MODULE_COUNT];       /* design estimates      */
static int s_checked;                             /* 1 once check passed   */

static int
s_find_def(const char *name)
{
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        if (strcmp(s_defs[i].name, name) == 0)
            return i;
    return -1;
}

int
pf_graph_check(void)
{
    if (s_checked)
        return PF_OK;
    pf_module_info_t info[PF_MODULE_COUNT];
    memset(info, 0, sizeof info);
    for (int i = 0; i < PF_MODULE_COUNT; i++) {
        if (!s_defs[i].name || s_find_def(s_defs[i].name) != i)
            return PF_EINVAL;   /* duplicate or missing name                */
        if (s_defs[i].input_count > PF_MODULE_INPUTS_MAX || s_defs[i].estimate_s <= 0)
            return PF_EINVAL;
        info[i].def = &s_defs[i];
        for (size_t k = 0; k < s_defs[i].input_count; k++) {
            int j = s_find_def(s_defs[i].inputs[k].name);
            if (j < 0)
                return PF_EUNKNOWN;
            if (j == i)
                return PF_ECYCLE;
            info[i].inputs |= 1u << j;
            if (s_defs[i].inputs[k].required)
                info[i].required |= 1u << j;
        }
    }
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        for (int j = 0; j < PF_MODULE_COUNT; j++)
            if (info[j].inputs & (1u << i))
                info[i].dependents |= 1u << j;

    /* Kahn's algorithm: a module is placed once all its inputs are.        */
    pf_modset_t placed = 0;
    int n = 0;
    while (n < PF_MODULE_COUNT) {
        int progressed = 0;
        for (int i = 0; i < PF_MODULE_COUNT; i++) {
            if (placed & (1u << i))
                continue;
            if ((info[i].inputs & ~placed) == 0) {
                s_topo[n++] = i;
                placed |= 1u << i;
                progressed = 1;
            }
        }
        if (!progressed)
            return PF_ECYCLE;
    }
    for (int k = 0; k < PF_MODULE_COUNT; k++) {
        int i = s_topo[k];
        info[i].closure = 1u << i;
        for (int j = 0; j < PF_MODULE_COUNT; j++)
            if (info[i].inputs & (1u << j))
                info[i].closure |= info[j].closure;
    }
    memcpy(s_info, info, sizeof info);
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        s_estimates[i] = s_defs[i].estimate_s;
    s_checked = 1;
    return PF_OK;
}

const pf_module_info_t *
pf_graph_module(int index)
{
    if (index < 0 || index >= PF_MODULE_COUNT)
        return NULL;
    return &s_info[index];
}

int
pf_graph_find(const char *name)
{
    return name ? s_find_def(name) : -1;
}

const char *
pf_graph_name(int index)
{
    if (index < 0 || index >= PF_MODULE_COUNT)
        return NULL;
    return s_defs[index].name;
}

const int *
pf_graph_topo_order(void)
{
    return s_topo;
}

pf_modset_t
pf_graph_close(pf_modset_t requested)
{
    pf_modset_t set = 0;
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        if (requested & (1u << i))
            set |= s_info[i].closure;
    return set;
}

double
pf_graph_remaining_path(pf_modset_t set, int from, const double *durations)
{
    /* Longest path to a sink, over the topological order reversed.         */
    double best[PF_MODULE_COUNT] = { 0 };
    for (int k = PF_MODULE_COUNT - 1; k >= 0; k--) {
        int i = s_topo[k];
        if (!(set & (1u << i)))
            continue;
        double tail = 0;
        for (int j = 0; j < PF_MODULE_COUNT; j++)
            if ((s_info[i].dependents & set & (1u << j)) && best[j] > tail)
                tail = best[j];
        best[i] = durations[i] + tail;
        if (i == from)
            return best[i];
    }
    return 0;
}

double
pf_graph_critical_path(pf_modset_t set, const double *durations)
{
    double finish[PF_MODULE_COUNT] = { 0 };
    double makespan = 0;
    for (int k = 0; k < PF_MODULE_COUNT; k++) {
        int i = s_topo[k];
        if (!(set & (1u << i)))
            continue;
        double start = 0;
        for (int j = 0; j < PF_MODULE_COUNT; j++)
            if ((s_info[i].inputs & set & (1u << j)) && finish[j] > start)
                start = finish[j];
        finish[i] = start + durations[i];
        if (finish[i] > makespan)
            makespan = finish[i];
    }
    return makespan;
}

double
pf_graph_barrier_makespan(pf_modset_t set, const double *durations)
{
    int level[PF_MODULE_COUNT] = { 0 };
    double level_max[PF_MODULE_COUNT] = { 0 };
    int levels = 0;
    for (int k = 0; k < PF_MODULE_COUNT; k++) {
        int i = s_topo[k];
        if (!(set & (1u << i)))
            continue;
        int l = 0;
        for (int j = 0; j < PF_MODULE_COUNT; j++)
            if ((s_info[i].inputs & set & (1u << j)) && level[j] + 1 > l)
                l = level[j] + 1;
        level[i] = l;
        if (durations[i] > level_max[l])
            level_max[l] = durations[i];
        if (l + 1 > levels)
            levels = l + 1;
    }
    double total = 0;
    for (int l = 0; l < levels; l++)
        total += level_max[l];
    return total;
}

const double *
pf_graph_estimates(void)
{
    return s_estimates;
}
