/*  test_pf_graph.c — the module graph: checks, closure, critical paths.    */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "pf_check.h"
#include "pf_error.h"
#include "pf_graph.h"

START_TEST(test_check_and_names)
{
    ck_assert_int_eq(pf_graph_check(), PF_OK);
    ck_assert_int_eq(pf_graph_check(), PF_OK);   /* idempotent */
    ck_assert_int_eq(pf_graph_find("company_context"), PF_MODULE_ROOT);
    ck_assert_int_eq(pf_graph_find("strategic_signal_brief"), 14);
    ck_assert_int_eq(pf_graph_find("nope"), -1);
    ck_assert_ptr_null(pf_graph_name(PF_MODULE_COUNT));
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        ck_assert_int_eq(pf_graph_find(pf_graph_name(i)), i);
}
END_TEST

START_TEST(test_topological_order)
{
    ck_assert_int_eq(pf_graph_check(), PF_OK);
    const int *order = pf_graph_topo_order();
    int pos[PF_MODULE_COUNT];
    for (int k = 0; k < PF_MODULE_COUNT; k++)
        pos[order[k]] = k;
    for (int i = 0; i < PF_MODULE_COUNT; i++)
        for (int j = 0; j < PF_MODULE_COUNT; j++)
            if (pf_graph_module(i)->inputs & (1u << j))
                ck_assert_int_lt(pos[j], pos[i]);
}
END_TEST

START_TEST(test_edges_of_the_design)
{
    ck_assert_int_eq(pf_graph_check(), PF_OK);
    int bc = pf_graph_find("buying_committee");
    int ei = pf_graph_find("executive_intelligence");
    int brief = pf_graph_find("strategic_signal_brief");
    ck_assert(pf_graph_module(bc)->inputs & (1u << ei));
    ck_assert(pf_graph_module(bc)->required & (1u << ei));
    /* The brief takes all fourteen others. */
    ck_assert_uint_eq(pf_graph_module(brief)->inputs, PF_MODULE_ALL & ~(1u << brief));
    ck_assert_uint_eq(pf_graph_module(brief)->closure, PF_MODULE_ALL);
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(pf_graph_module(i)->inputs, 0);
}
END_TEST

START_TEST(test_close_adds_upstream)
{
    ck_assert_int_eq(pf_graph_check(), PF_OK);
    int da = pf_graph_find("displacement_analysis");
    pf_modset_t set = pf_graph_close(1u << da);
    pf_modset_t want = (1u << da) | (1u << pf_graph_find("technology_stack"))
                       | (1u << pf_graph_find("competitor_intelligence"))
                       | (1u << pf_graph_find("company_context"));
    ck_assert_uint_eq(set, want);
}
END_TEST

START_TEST(test_critical_path_and_barrier)
{
    ck_assert_int_eq(pf_graph_check(), PF_OK);
    const double *est = pf_graph_estimates();
    /* The architecture page: 57 s along tech -> competitors ->
       displacement -> brief; a level barrier schedule needs 65 s.        */
    ck_assert(fabs(pf_graph_critical_path(PF_MODULE_ALL, est) - 57.0) < 1e-9);
    ck_assert(fabs(pf_graph_barrier_makespan(PF_MODULE_ALL, est) - 65.0) < 1e-9);
    ck_assert(fabs(pf_graph_remaining_path(PF_MODULE_ALL, pf_graph_find("technology_stack"), est)
                   - 57.0) < 1e-9);
    ck_assert(fabs(pf_graph_remaining_path(PF_MODULE_ALL, pf_graph_find("strategic_signal_brief"),
                                           est) - 10.0) < 1e-9);
    /* Restricted to a subset the brief is not on the path.                */
    pf_modset_t one = 1u << PF_MODULE_ROOT;
    ck_assert(fabs(pf_graph_critical_path(one, est) - 10.0) < 1e-9);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pf_graph");
    TCase *tc = tcase_create("graph");
    tcase_add_test(tc, test_check_and_names);
    tcase_add_test(tc, test_topological_order);
    tcase_add_test(tc, test_edges_of_the_design);
    tcase_add_test(tc, test_close_adds_upstream);
    tcase_add_test(tc, test_critical_path_and_barrier);
    suite_add_tcase(s, tc);
    return pf_check_run(s);
}
