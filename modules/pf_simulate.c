/*  pf_simulate.c — the simulated module workload (see pf_simulate.h).     */
#include "pf_simulate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_graph.h"

/*  One task waiting for its timer.                                        */
typedef struct s_pending_t {
    struct s_pending_t *prev, *next; /* the simulation's pending list      */
    pf_simulate_t *sim;              /* owner                              */
    pf_actor_t *actor;               /* actor that holds the task          */
    pf_task_t *task;                 /* the task (owned until answered)    */
    uint64_t timer;                  /* runtime timer id                   */
} s_pending_t;

struct pf_simulate_t {
    char *module;                    /* module simulated                   */
    double scale;                    /* factor on the design estimate      */
    uint32_t delay_ms;               /* estimate x scale                   */
    s_pending_t *pending;            /* tasks waiting for their timer      */
};

int
pf_simulate_parse_scale(const char *text, double *scale)
{
    if (!text || !*text)
        return PF_EINVAL;
    char *end = NULL;
    double v = strtod(text, &end);
    if (!end || *end || !isfinite(v) || v < 0 || v > PF_SIMULATE_SCALE_MAX)
        return PF_EINVAL;
    *scale = v;
    return PF_OK;
}

pf_simulate_t *
pf_simulate_new(const char *module, double scale)
{
    if (pf_graph_check() != PF_OK)
        return NULL;
    int index = pf_graph_find(module);
    if (index < 0 || !isfinite(scale) || scale < 0 || scale > PF_SIMULATE_SCALE_MAX)
        return NULL;
    pf_simulate_t *self = pf_calloc(1, sizeof *self);
    self->module = pf_strdup(module);
    self->scale = scale;
    double ms = pf_graph_estimates()[index] * scale * 1000.0;
    self->delay_ms = ms >= (double) UINT32_MAX ? UINT32_MAX : (uint32_t) llround(ms);
    return self;
}

static void
s_unlink(pf_simulate_t *self, s_pending_t *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        self->pending = p->next;
    if (p->next)
        p->next->prev = p->prev;
}

void
pf_simulate_destroy(pf_simulate_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_simulate_t *self = *self_p;
    while (self->pending) {
        s_pending_t *p = self->pending;
        s_unlink(self, p);
        pf_actor_timer_cancel(p->actor, p->timer);
        free(p);
    }
    free(self->module);
    free(self);
    *self_p = NULL;
}

uint32_t
pf_simulate_delay_ms(const pf_simulate_t *self)
{
    return self->delay_ms;
}

static int
s_compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

pf_value_t *
pf_simulate_result(const char *module, const char *domain, const pf_value_t *inputs)
{
    pf_value_t *result = pf_value_map();
    pf_map_set_str(result, "module", module);
    pf_map_set_str(result, "domain", domain);
    pf_map_set_bool(result, "simulated", true);
    size_t count = pf_map_size(inputs);
    const char **names = pf_calloc(count ? count : 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        const char *name = pf_value_as_str(pf_map_key_at(inputs, i), NULL);
        if (name)
            names[n++] = name;
    }
    qsort(names, n, sizeof *names, s_compare_names);
    pf_value_t *list = pf_value_array();
    for (size_t i = 0; i < n; i++)
        pf_array_push_str(list, names[i]);
    free(names);
    pf_map_set(result, "inputs", &list);
    return result;
}

static void
s_complete(pf_actor_t *actor, pf_task_t **task_p)
{
    pf_task_t *task = *task_p;
    pf_value_t *result = pf_simulate_result(pf_task_module(task), pf_task_domain(task),
                                            pf_task_inputs(task));
    pf_actor_task_done(actor, task_p, &result);
}

static void
s_on_timer(pf_actor_t *actor, uint64_t timer_id, void *arg)
{
    s_pending_t *p = arg;
    s_unlink(p->sim, p);
    s_complete(actor, &p->task);
    free(p);
}

void
pf_simulate_on_task(pf_actor_t *actor, pf_task_t *task, void *arg)
{
    pf_simulate_t *self = arg;
    if (strcmp(pf_task_module(task), self->module) != 0) {
        pf_actor_task_fail(actor, &task, "unknown_module",
                           "this actor simulates another module");
        return;
    }
    if (self->delay_ms == 0) {
        s_complete(actor, &task);
        return;
    }
    s_pending_t *p = pf_calloc(1, sizeof *p);
    p->sim = self;
    p->actor = actor;
    p->task = task;
    p->next = self->pending;
    if (self->pending)
        self->pending->prev = p;
    self->pending = p;
    p->timer = pf_actor_timer_add(actor, self->delay_ms, s_on_timer, p);
}
