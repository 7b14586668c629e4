/*  pf_identity.h — establishing a company's public listing from a domain,
    shared by the modules that must know it themselves (company_context,
    which is the root of the graph, and financial_profile, which has no
    module inputs).

    The rule, in calls (pf_gather.h):

      1. yahoo_finance `search` {query: a name guessed from the domain};
      2. per EQUITY quote candidate (at most PF_IDENTITY_CANDIDATES):
         yahoo_finance `quote_summary` {symbol} and sec_edgar `cik`
         {ticker};
      3. the confirmed candidate is the first whose Yahoo profile website
         is the domain or a subdomain of it; its CIK counts only when SEC's
         submissions record of that CIK lists the ticker.

    A listing is never attributed without that confirmation; a company is
    called private only when every check could be made.  The functions are
    pure over the calls' outcomes (plus two that add and read the calls of
    a gather), so both modules decide the same way and the rules are
    unit-tested without an actor.                                          */
#ifndef PF_IDENTITY_H
#define PF_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_gather.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Quote candidates checked in wave 2: Yahoo's search answers at most five
    quotes and the right one is nearly always among the first.            */
#define PF_IDENTITY_CANDIDATES 3
/*  Room for a candidate's symbol (no real ticker comes near it) and for a
    guessed name.                                                          */
#define PF_IDENTITY_LABEL_MAX 64

/*  The outcome of one adapter call (borrowed pointers).  data NULL and
    error NULL: the call was not made.                                     */
typedef pf_gather_reply_t pf_identity_reply_t;

/*  What the checks say about the listing.                                  */
typedef enum {
    PF_IDENTITY_CONFIRMED,        /* a candidate's website is the domain    */
    PF_IDENTITY_PRIVATE,          /* every check answered; none confirmed   */
    PF_IDENTITY_UNKNOWN           /* a check failed and none confirmed      */
} pf_identity_listing_t;

/*  What SEC says about a confirmed ticker.                                 */
typedef enum {
    PF_IDENTITY_SEC_ACCEPTED,     /* CIK found; its record lists the ticker */
    PF_IDENTITY_SEC_CIK_ONLY,     /* CIK found; its record could not be read*/
    PF_IDENTITY_SEC_NOT_FILER,    /* the ticker table has no such ticker    */
    PF_IDENTITY_SEC_FAILED,       /* the CIK lookup failed or gave no CIK   */
    PF_IDENTITY_SEC_CONTRADICTORY /* the record does not list the ticker    */
} pf_identity_sec_t;

/*  The search query guessed from domain: its registrable label ("nike"
    for "www.nike.com", "bbc" for "bbc.co.uk").  Writes at most size bytes
    with the NUL; returns false when domain has no usable label or it does
    not fit.                                                               */
bool pf_identity_name_guess(const char *domain, char *out, size_t size);

/*  True when url's host (scheme optional) is domain or a subdomain of it,
    compared without case.                                                  */
bool pf_identity_host_matches(const char *url, const char *domain);

/*  The symbols of a search reply's EQUITY quotes, in Yahoo's order,
    without repeats, at most max (borrowed from search_data).  Returns how
    many.                                                                  */
size_t pf_identity_candidates(const pf_value_t *search_data, const char **symbols, size_t max);

/*  The index of the first of n quote_summary replies whose profile
    website is on domain, or -1.                                           */
int pf_identity_confirmed(const pf_identity_reply_t *quotes, size_t n, const char *domain);

/*  True when two tickers are the same; SEC writes class shares with '-'
    where Yahoo writes '.', and case does not count.                      */
bool pf_identity_same_ticker(const char *a, const char *b);

/*  "WHAT failed: CODE (message)" into out (at most size bytes with the
    NUL); CODE is "not called" for a call that was never made.             */
void pf_identity_failure(char *out, size_t size, const char *what, const pf_identity_reply_t *r);

/*  The listing for domain from the search reply and the n candidates'
    (symbols[i], quotes[i]).  Sets *confirmed to the confirmed index or -1;
    for PF_IDENTITY_UNKNOWN writes the reason ("listing unknown:
    yahoo_finance search failed: …") into reason, otherwise "" there.     */
pf_identity_listing_t pf_identity_listing(const char *domain, const pf_identity_reply_t *search,
                                          const char *const *symbols,
                                          const pf_identity_reply_t *quotes, size_t n,
                                          int *confirmed, char *reason, size_t size);

/*  What SEC says of the confirmed symbol, from its `cik` reply and the
    `submissions` reply of that CIK (made only when the CIK is known).
    *cik is the CIK for ACCEPTED and CIK_ONLY (else 0); *ticker_index the
    ticker's position in the record's tickers for ACCEPTED (else -1).
    Every outcome but ACCEPTED writes why the SEC facts are missing into
    reason ("not an SEC filer: …", "sec_edgar cik failed: …", "sec_edgar
    submissions failed: …", "contradictory SEC data: …"); ACCEPTED writes
    "".                                                                    */
pf_identity_sec_t pf_identity_sec(const pf_identity_reply_t *cik_reply,
                                  const pf_identity_reply_t *submissions, const char *symbol,
                                  int64_t *cik, int *ticker_index, char *reason, size_t size);

/*  ---- calls ------------------------------------------------------------ */

/*  The outcome of gather's slot (borrowed from the gather).                */
void pf_identity_reply_of(const pf_gather_t *gather, const char *slot, pf_identity_reply_t *r);

/*  Adds wave 2 to gather: for each candidate of search_data (at most
    PF_IDENTITY_CANDIDATES) `quote_summary` under slot "quote_<i>" and
    `cik` under "cik_<i>"; each symbol is copied into symbols[i].  Returns
    how many candidates were called.                                       */
size_t pf_identity_call_candidates(pf_gather_t *gather, const pf_value_t *search_data,
                                   char symbols[][PF_IDENTITY_LABEL_MAX]);

/*  The replies of the candidates called by pf_identity_call_candidates:
    quotes[i] and ciks[i] for i < n.                                        */
void pf_identity_candidate_replies(const pf_gather_t *gather, size_t n,
                                   pf_identity_reply_t *quotes, pf_identity_reply_t *ciks);

#ifdef __cplusplus
}
#endif
#endif
