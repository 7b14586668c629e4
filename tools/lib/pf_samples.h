/*  pf_samples.h — a set of measurements and the statistics taken from it.

    Benchmarks and monitors collect durations or rates and report a median,
    percentiles and the range.  A pf_samples_t keeps the values in the order
    they were added (so a report can list them run by run) and sorts a
    private copy on demand for order statistics.

    Percentiles use the nearest-rank definition: the p-th percentile of n
    values is the smallest value with at least p% of the values at or below
    it, i.e. sorted[ceil(p/100 * n) - 1] (sorted[0] for p = 0).  The median
    is the conventional one: the middle value, or the mean of the two middle
    values when n is even.                                                   */
#ifndef PF_SAMPLES_H
#define PF_SAMPLES_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_samples_t pf_samples_t;

/*  A new, empty set.  Never returns NULL (see pf_alloc.h).                  */
pf_samples_t *pf_samples_new(void);

/*  Frees the set; accepts NULL and nulls *self_p.                           */
void pf_samples_destroy(pf_samples_t **self_p);

/*  Appends one value.  NaN is refused (PF_EINVAL) because it has no rank.   */
int pf_samples_add(pf_samples_t *self, double value);

/*  Forgets every value.                                                     */
void pf_samples_clear(pf_samples_t *self);

size_t pf_samples_count(const pf_samples_t *self);

/*  The values in insertion order (borrowed; valid until the next add or
    clear).  NULL when empty.                                                */
const double *pf_samples_values(const pf_samples_t *self);

/*  Order statistics.  Each returns 0 and sets *out, or PF_ENOTFOUND when
    the set is empty; percentile also returns PF_EINVAL for p outside
    [0, 100].                                                                */
int pf_samples_percentile(pf_samples_t *self, double p, double *out);
int pf_samples_median(pf_samples_t *self, double *out);
int pf_samples_min(pf_samples_t *self, double *out);
int pf_samples_max(pf_samples_t *self, double *out);

/*  The arithmetic mean; 0 or PF_ENOTFOUND when empty.                       */
int pf_samples_mean(const pf_samples_t *self, double *out);

#ifdef __cplusplus
}
#endif
#endif
