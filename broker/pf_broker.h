/*  pf_broker.h — the service registry: who serves what, with how much credit.

    The broker knows every connected actor instance by its ROUTER routing id,
    groups instances into services by name, tracks each instance's credit
    (capacity minus the tasks and calls it holds) and liveness, and routes
    actor-to-service calls.  It sends nothing itself: the coordinator owns the
    sockets and asks the broker whom to send to.  Work an instance holds is
    recorded on it as pf_work_t items so that when the instance dies or leaves
    the coordinator gets every one of them back to re-dispatch.              */
#ifndef PF_BROKER_H
#define PF_BROKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf_pfa.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_RID_MAX 255        /* bytes in a ZeroMQ routing id              */

typedef struct pf_broker_t pf_broker_t;
typedef struct pf_service_t pf_service_t;
typedef struct pf_instance_t pf_instance_t;

/*  Kinds of work an instance can hold.                                     */
typedef enum { PF_WORK_TASK = 0, PF_WORK_CALL = 1 } pf_work_kind_t;

/*  One unit of work held by an instance.  Embedded by the owner (a task of
    the engine, a call of the broker); the broker links it into the
    instance's list.                                                        */
typedef struct pf_work_t {
    pf_work_kind_t kind;        /* task or call                            */
    pf_instance_t *holder;      /* instance holding it, NULL if none       */
    struct pf_work_t *prev;     /* holder's list                           */
    struct pf_work_t *next;     /* holder's list                           */
} pf_work_t;

/*  An instance's public face.                                              */
struct pf_instance_t {
    uint8_t rid[PF_RID_MAX];          /* routing id                         */
    size_t rid_size;                  /* bytes in rid                       */
    char id[PFA_INSTANCE_MAX + 1];    /* the actor's own instance id        */
    char host[PFA_HOST_MAX + 1];      /* where it runs                      */
    int64_t pid;                      /* its process id                     */
    pf_service_t *service;            /* what it serves                     */
    uint32_t capacity;                /* credit advertised in READY         */
    uint32_t held;                    /* tasks + calls it holds now         */
    bool draining;                    /* sent DRAIN: give it no more work   */
    int64_t last_seen_us;             /* monotonic time of last message     */
    int64_t last_sent_us;             /* monotonic time of last message out */
    pf_work_t *work;                  /* list of held work                  */
    struct pf_instance_t *svc_next;   /* next in service                    */
    struct pf_instance_t *all_next;   /* next in broker                     */
};

/*  A service's public face.                                                */
struct pf_service_t {
    char name[PFA_NAME_MAX + 1];      /* service name                       */
    int module;                       /* module index, or -1               */
    uint32_t instance_count;          /* live instances                     */
    uint32_t free_credit;             /* sum of instances' free credit      */
    pf_instance_t *instances;         /* list                               */
    struct pf_service_t *next;        /* broker's list                      */
};

/*  Creates an empty broker.  Never NULL.                                   */
pf_broker_t *pf_broker_new(void);

/*  Destroys the broker, its services and instances.  Work still linked to
    instances is unlinked (holder NULL) but not freed: it belongs to its
    owner.                                                                  */
void pf_broker_destroy(pf_broker_t **self_p);

/*  Registers an instance from a READY message.  A routing id already
    registered is first removed (its work returned through *orphans).
    Returns the new instance (owned by the broker).                         */
pf_instance_t *pf_broker_register(pf_broker_t *self, const void *rid, size_t rid_size,
                                  const pfa_msg_t *ready, int64_t now_us,
                                  pf_work_t **orphans);

/*  Looks up an instance by routing id; NULL if unknown.                    */
pf_instance_t *pf_broker_instance(pf_broker_t *self, const void *rid, size_t rid_size);

/*  Removes an instance and frees it; every work item it held is unlinked and
    returned as a list through *orphans (linked by next).                   */
void pf_broker_remove(pf_broker_t *self, pf_instance_t *instance, pf_work_t **orphans);

/*  A service by name; created on first use when create is true.            */
pf_service_t *pf_broker_service(pf_broker_t *self, const char *name, bool create);

/*  The instance of a service with the most free credit (ties: the one that
    has waited longest since it was last sent to), or NULL if none has any. */
pf_instance_t *pf_broker_pick(pf_broker_t *self, pf_service_t *service);

/*  Links work to an instance, taking one credit.  The instance must have
    free credit (programmer error otherwise).                               */
void pf_broker_hold(pf_broker_t *self, pf_instance_t *instance, pf_work_t *work);

/*  Unlinks work from its holder, returning the credit.  No-op if unheld.   */
void pf_broker_release(pf_broker_t *self, pf_work_t *work);

/*  Marks an instance as draining: it keeps its work but gets no more.      */
void pf_broker_drain(pf_broker_t *self, pf_instance_t *instance);

/*  Iteration over all instances (for heartbeats and liveness).            */
pf_instance_t *pf_broker_first(pf_broker_t *self);

/*  Iteration over services.                                                */
pf_service_t *pf_broker_services(pf_broker_t *self);

/*  Counts.                                                                 */
size_t pf_broker_instance_count(const pf_broker_t *self);

#ifdef __cplusplus
}
#endif
#endif
