/*  pf_listing.h — the waves of calls that find a company's listing, for
    the modules that need it (company_context, financial_profile).

    Wave 1 is the module's: a Yahoo `search` under slot "search" and any
    calls of its own.  Wave 2 asks Yahoo's `quote_summary` and SEC's `cik`
    of each EQUITY candidate (pf_identity_call_candidates).  When one
    candidate is confirmed (pf_identity_confirmed: its website is the
    domain) and SEC knows its CIK, the module's sec function adds wave 3
    (submissions, company facts…).  The module's finish runs once, when
    the last wave ended or there is nothing more to ask (no candidate, no
    confirmed CIK, the task gone stale).  The task's state is the listing
    (pf_modjob_new with state_size sizeof(pf_listing_t)).                  */
#ifndef PF_LISTING_H
#define PF_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include "pf_identity.h"
#include "pf_modjob.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Adds the module's SEC calls for the confirmed cik (to pf_modjob_call). */
typedef void(pf_listing_sec_fn)(pf_modjob_t *job, int64_t cik);

/*  A task's listing waves: the job's state.                                */
typedef struct {
    size_t ncandidates;              /* quote candidates called              */
    char symbols[PF_IDENTITY_CANDIDATES][PF_IDENTITY_LABEL_MAX];
                                     /* their symbols                        */
    pf_listing_sec_fn *sec;          /* adds wave 3                          */
    pf_modjob_wave_fn *finish;       /* ends the task                        */
} pf_listing_t;

/*  Lets wave 1 (already added to job) go, and the next waves after it;
    finish(job) runs once at the end (see the file comment).              */
void pf_listing_go(pf_modjob_t *job, pf_listing_sec_fn *sec, pf_modjob_wave_fn *finish);

/*  The candidates called: their symbols into symbols (room for
    PF_IDENTITY_CANDIDATES; borrowed from the job) and their replies into
    quotes and ciks; returns how many.                                     */
size_t pf_listing_candidates(const pf_modjob_t *job, const char **symbols,
                             pf_identity_reply_t *quotes, pf_identity_reply_t *ciks);

#ifdef __cplusplus
}
#endif
#endif
