/*  pf_fake_data.h — the companies pf-fakeapi answers about.

    A company is one compact JSON record (schema in data/README.md):
    curated ones are read from <data dir>/companies/<domain>.json; any other
    domain gets a synthetic record generated from a hash of the domain, the
    same bytes in every run and process, with "synthetic": true.  Renderers
    (pf_fake_route.c) turn a record into each provider's JSON.  Curated
    records are read once at start and never change, so lookups need no
    lock.                                                                    */
#ifndef PF_FAKE_DATA_H
#define PF_FAKE_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define PF_FAKE_DOMAIN_MAX 254       /* a domain name, bytes incl. NUL      */
#define PF_FAKE_COMPANIES_MAX 1000   /* curated records read at most        */
#define PF_FAKE_RECORD_MAX_BYTES (1 << 20) /* one curated record file       */

typedef struct pf_fake_data_t pf_fake_data_t;

/*  Reads every <dir>/companies/ *.json.  Returns the set, or NULL with a
    message in err (a missing directory, a file that is not a valid record). */
pf_fake_data_t *pf_fake_data_new(const char *dir, char *err, size_t size);

/*  Frees the set; accepts NULL and nulls the pointer.                      */
void pf_fake_data_destroy(pf_fake_data_t **self_p);

/*  Number of curated records, and record i (borrowed).                     */
size_t pf_fake_data_count(const pf_fake_data_t *self);
const json_t *pf_fake_data_at(const pf_fake_data_t *self, size_t i);

/*  Normalises a domain into out (lower case, no "www.", no trailing dot).
    Returns 0, or PF_EDOMAIN when it is not a plausible DNS name.           */
int pf_fake_data_normalize(const char *domain, char *out, size_t size);

/*  The record of domain (already normalised): the curated one, else a
    synthetic one.  Returns a new reference; *synthetic says which.         */
json_t *pf_fake_data_company(const pf_fake_data_t *self, const char *domain, bool *synthetic);

/*  A synthetic record for domain (new reference).                          */
json_t *pf_fake_data_synthesize(const char *domain);

/*  Curated record with this Yahoo symbol (case-insensitive), or NULL.      */
const json_t *pf_fake_data_by_symbol(const pf_fake_data_t *self, const char *symbol);

/*  Curated record with this SEC CIK, or NULL.                              */
const json_t *pf_fake_data_by_cik(const pf_fake_data_t *self, uint64_t cik);

/*  Curated record whose name, legal name, domain or symbol the free-text
    query names (case-insensitive, whole words), or NULL.                  */
const json_t *pf_fake_data_match_query(const pf_fake_data_t *self, const char *query);

/*  SEC company_tickers.json built from the curated SEC filers (new ref).   */
json_t *pf_fake_data_tickers(const pf_fake_data_t *self);

#endif
