/*  pf_check.h — how every Check test program of PartnerForge ends.         */
#ifndef PF_CHECK_H
#define PF_CHECK_H

#include <check.h>
#include <stdlib.h>

/*  Runs su in fork mode (each test in a child of its own, so a crash fails
    that test and not the program), prints the summary, and returns the
    program's exit status: EXIT_SUCCESS when every test passed.  Frees su. */
static inline int
pf_check_run(Suite *su)
{
    SRunner *sr = srunner_create(su);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
