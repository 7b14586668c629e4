/*  pf_listing.c — the waves of calls that find a listing (see
    pf_listing.h).                                                          */
#include "pf_listing.h"

#include "pf_gather.h"

size_t
pf_listing_candidates(const pf_modjob_t *job, const char **symbols,
                      pf_identity_reply_t *quotes, pf_identity_reply_t *ciks)
{
    const pf_listing_t *self = pf_modjob_state(job);
    for (size_t i = 0; i < self->ncandidates; i++)
        symbols[i] = self->symbols[i];
    pf_identity_candidate_replies(pf_modjob_gather(job), self->ncandidates, quotes, ciks);
    return self->ncandidates;
}

static void
s_candidates_done(pf_modjob_t *job)
{
    const pf_listing_t *self = pf_modjob_state(job);
    const char *symbols[PF_IDENTITY_CANDIDATES];
    pf_identity_reply_t quotes[PF_IDENTITY_CANDIDATES], ciks[PF_IDENTITY_CANDIDATES];
    size_t n = pf_listing_candidates(job, symbols, quotes, ciks);
    int conf = pf_identity_confirmed(quotes, n, pf_modjob_domain(job));
    int64_t cik = conf >= 0 ? pf_map_get_int(ciks[conf].data, "cik", -1) : -1;
    if (cik <= 0 || !pf_modjob_live(job)) {
        self->finish(job);
        return;
    }
    self->sec(job, cik);
    pf_modjob_go(job, self->finish);
}

static void
s_search_done(pf_modjob_t *job)
{
    pf_listing_t *self = pf_modjob_state(job);
    pf_gather_t *g = pf_modjob_gather(job);
    pf_modjob_arm(job);            /* this wave's share of the task's time */
    self->ncandidates = pf_identity_call_candidates(g, pf_gather_data(g, "search"),
                                                    self->symbols);
    if (self->ncandidates == 0 || !pf_modjob_live(job)) {
        self->finish(job);
        return;
    }
    pf_modjob_go(job, s_candidates_done);
}

void
pf_listing_go(pf_modjob_t *job, pf_listing_sec_fn *sec, pf_modjob_wave_fn *finish)
{
    pf_listing_t *self = pf_modjob_state(job);
    self->sec = sec;
    self->finish = finish;
    pf_modjob_go(job, s_search_done);
}
