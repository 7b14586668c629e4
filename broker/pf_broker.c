/*  pf_broker.c — service registry, credit and liveness (see pf_broker.h).  */
#include "pf_broker.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_graph.h"

#define BUCKETS 256   /* routing-id hash buckets: instances are few        */

typedef struct s_node_t {
    pf_instance_t *instance;    /* the instance                            */
    struct s_node_t *next;      /* bucket chain                            */
} s_node_t;

struct pf_broker_t {
    pf_service_t *services;     /* all services, any order                 */
    pf_instance_t *instances;   /* all instances                           */
    size_t instance_count;      /* entries in instances                    */
    s_node_t *buckets[BUCKETS]; /* routing id -> instance                  */
};

static uint32_t
s_hash(const void *data, size_t size)
{
    const uint8_t *p = data;
    uint32_t h = 2166136261u;   /* FNV-1a                                  */
    for (size_t i = 0; i < size; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h % BUCKETS;
}

pf_broker_t *
pf_broker_new(void)
{
    return pf_calloc(1, sizeof(pf_broker_t));
}

static void
s_unlink_all_work(pf_instance_t *instance, pf_work_t **orphans)
{
    pf_work_t *w = instance->work;
    while (w) {
        pf_work_t *next = w->next;
        w->holder = NULL;
        w->prev = NULL;
        w->next = NULL;
        if (orphans) {
            w->next = *orphans;
            *orphans = w;
        }
        w = next;
    }
    instance->work = NULL;
    instance->held = 0;
}

void
pf_broker_destroy(pf_broker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_broker_t *self = *self_p;
    pf_instance_t *i = self->instances;
    while (i) {
        pf_instance_t *next = i->all_next;
        s_unlink_all_work(i, NULL);
        free(i);
        i = next;
    }
    for (int b = 0; b < BUCKETS; b++) {
        s_node_t *n = self->buckets[b];
        while (n) {
            s_node_t *next = n->next;
            free(n);
            n = next;
        }
    }
    pf_service_t *s = self->services;
    while (s) {
        pf_service_t *next = s->next;
        free(s);
        s = next;
    }
    free(self);
    *self_p = NULL;
}

pf_service_t *
pf_broker_service(pf_broker_t *self, const char *name, bool create)
{
    for (pf_service_t *s = self->services; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return s;
    if (!create)
        return NULL;
    pf_service_t *s = pf_calloc(1, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->module = pf_graph_find(name);
    s->next = self->services;
    self->services = s;
    return s;
}

pf_instance_t *
pf_broker_instance(pf_broker_t *self, const void *rid, size_t rid_size)
{
    for (s_node_t *n = self->buckets[s_hash(rid, rid_size)]; n; n = n->next)
        if (n->instance->rid_size == rid_size && memcmp(n->instance->rid, rid, rid_size) == 0)
            return n->instance;
    return NULL;
}

static uint32_t
s_free(const pf_instance_t *i)
{
    return i->draining || i->held >= i->capacity ? 0 : i->capacity - i->held;
}

pf_instance_t *
pf_broker_register(pf_broker_t *self, const void *rid, size_t rid_size,
                   const pfa_msg_t *ready, int64_t now_us, pf_work_t **orphans)
{
    assert(rid_size > 0 && rid_size <= PF_RID_MAX);
    pf_instance_t *old = pf_broker_instance(self, rid, rid_size);
    if (old)
        pf_broker_remove(self, old, orphans);

    pf_instance_t *i = pf_calloc(1, sizeof *i);
    memcpy(i->rid, rid, rid_size);
    i->rid_size = rid_size;
    snprintf(i->id, sizeof i->id, "%s", ready->instance);
    snprintf(i->host, sizeof i->host, "%s", ready->host);
    i->pid = ready->pid;
    i->capacity = ready->capacity;
    i->last_seen_us = now_us;
    i->last_sent_us = now_us;
    i->service = pf_broker_service(self, ready->service, true);
    i->svc_next = i->service->instances;
    i->service->instances = i;
    i->service->instance_count++;
    i->service->free_credit += s_free(i);
    i->all_next = self->instances;
    self->instances = i;
    self->instance_count++;

    s_node_t *n = pf_malloc(sizeof *n);
    uint32_t b = s_hash(rid, rid_size);
    n->instance = i;
    n->next = self->buckets[b];
    self->buckets[b] = n;
    return i;
}

void
pf_broker_remove(pf_broker_t *self, pf_instance_t *instance, pf_work_t **orphans)
{
    pf_service_t *s = instance->service;
    s->free_credit -= s_free(instance);
    s_unlink_all_work(instance, orphans);
    for (pf_instance_t **pp = &s->instances; *pp; pp = &(*pp)->svc_next)
        if (*pp == instance) {
            *pp = instance->svc_next;
            break;
        }
    s->instance_count--;
    for (pf_instance_t **pp = &self->instances; *pp; pp = &(*pp)->all_next)
        if (*pp == instance) {
            *pp = instance->all_next;
            break;
        }
    self->instance_count--;
    uint32_t b = s_hash(instance->rid, instance->rid_size);
    for (s_node_t **np = &self->buckets[b]; *np; np = &(*np)->next)
        if ((*np)->instance == instance) {
            s_node_t *dead = *np;
            *np = dead->next;
            free(dead);
            break;
        }
    free(instance);
}

pf_instance_t *
pf_broker_pick(pf_broker_t *self, pf_service_t *service)
{
    (void)self;
    if (!service || service->free_credit == 0)
        return NULL;
    pf_instance_t *best = NULL;
    uint32_t best_free = 0;
    for (pf_instance_t *i = service->instances; i; i = i->svc_next) {
        uint32_t f = s_free(i);
        if (f == 0)
            continue;
        if (!best || f > best_free || (f == best_free && i->last_sent_us < best->last_sent_us)) {
            best = i;
            best_free = f;
        }
    }
    return best;
}

void
pf_broker_hold(pf_broker_t *self, pf_instance_t *instance, pf_work_t *work)
{
    (void)self;
    assert(work->holder == NULL);
    assert(s_free(instance) > 0);
    instance->service->free_credit--;
    instance->held++;
    work->holder = instance;
    work->prev = NULL;
    work->next = instance->work;
    if (instance->work)
        instance->work->prev = work;
    instance->work = work;
}

void
pf_broker_release(pf_broker_t *self, pf_work_t *work)
{
    (void)self;
    pf_instance_t *i = work->holder;
    if (!i)
        return;
    uint32_t before = s_free(i);
    if (work->prev)
        work->prev->next = work->next;
    else
        i->work = work->next;
    if (work->next)
        work->next->prev = work->prev;
    work->holder = NULL;
    work->prev = work->next = NULL;
    i->held--;
    i->service->free_credit += s_free(i) - before;
}

void
pf_broker_drain(pf_broker_t *self, pf_instance_t *instance)
{
    (void)self;
    if (instance->draining)
        return;
    instance->service->free_credit -= s_free(instance);
    instance->draining = true;
}

pf_instance_t *
pf_broker_first(pf_broker_t *self)
{
    return self->instances;
}

pf_service_t *
pf_broker_services(pf_broker_t *self)
{
    return self->services;
}

size_t
pf_broker_instance_count(const pf_broker_t *self)
{
    return self->instance_count;
}
