/*  pf_samples.c — measurements and their order statistics (see pf_samples.h). */
#include "pf_samples.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"

/*  Growth starts here and doubles; a benchmark run adds thousands.         */
#define S_INITIAL_CAPACITY 64

struct pf_samples_t {
    double *values;     /* insertion order                                 */
    double *sorted;     /* ascending copy of values, valid when !dirty     */
    size_t count;       /* values held                                     */
    size_t capacity;    /* slots allocated in values and sorted            */
    bool dirty;         /* sorted is stale                                 */
};

pf_samples_t *
pf_samples_new(void)
{
    pf_samples_t *self = pf_calloc(1, sizeof *self);
    return self;
}

void
pf_samples_destroy(pf_samples_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_samples_t *self = *self_p;
    free(self->values);
    free(self->sorted);
    free(self);
    *self_p = NULL;
}

int
pf_samples_add(pf_samples_t *self, double value)
{
    if (isnan(value))
        return PF_EINVAL;
    if (self->count == self->capacity) {
        size_t capacity = self->capacity ? self->capacity * 2 : S_INITIAL_CAPACITY;
        self->values = pf_realloc(self->values, capacity * sizeof *self->values);
        self->sorted = pf_realloc(self->sorted, capacity * sizeof *self->sorted);
        self->capacity = capacity;
    }
    self->values[self->count++] = value;
    self->dirty = true;
    return PF_OK;
}

void
pf_samples_clear(pf_samples_t *self)
{
    self->count = 0;
    self->dirty = false;
}

size_t
pf_samples_count(const pf_samples_t *self)
{
    return self->count;
}

const double *
pf_samples_values(const pf_samples_t *self)
{
    return self->count ? self->values : NULL;
}

static int
s_compare(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/*  Sorts lazily: reports ask for several statistics of the same set.      */
static const double *
s_sorted(pf_samples_t *self)
{
    if (self->dirty) {
        memcpy(self->sorted, self->values, self->count * sizeof *self->values);
        qsort(self->sorted, self->count, sizeof *self->sorted, s_compare);
        self->dirty = false;
    }
    return self->sorted;
}

int
pf_samples_percentile(pf_samples_t *self, double p, double *out)
{
    if (isnan(p) || p < 0.0 || p > 100.0)
        return PF_EINVAL;
    if (self->count == 0)
        return PF_ENOTFOUND;
    const double *sorted = s_sorted(self);
    double rank = ceil(p / 100.0 * (double)self->count);
    size_t index = rank < 1.0 ? 0 : (size_t)rank - 1;
    if (index >= self->count)
        index = self->count - 1;
    *out = sorted[index];
    return PF_OK;
}

int
pf_samples_median(pf_samples_t *self, double *out)
{
    if (self->count == 0)
        return PF_ENOTFOUND;
    const double *sorted = s_sorted(self);
    size_t mid = self->count / 2;
    *out = self->count % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    return PF_OK;
}

int
pf_samples_min(pf_samples_t *self, double *out)
{
    if (self->count == 0)
        return PF_ENOTFOUND;
    *out = s_sorted(self)[0];
    return PF_OK;
}

int
pf_samples_max(pf_samples_t *self, double *out)
{
    if (self->count == 0)
        return PF_ENOTFOUND;
    *out = s_sorted(self)[self->count - 1];
    return PF_OK;
}

int
pf_samples_mean(const pf_samples_t *self, double *out)
{
    if (self->count == 0)
        return PF_ENOTFOUND;
    double sum = 0.0;
    for (size_t i = 0; i < self->count; i++)
        sum += self->values[i];
    *out = sum / (double)self->count;
    return PF_OK;
}
