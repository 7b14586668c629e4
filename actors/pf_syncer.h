/*  pf_syncer.h — makes a file's written data durable off the caller's thread.

    The coordinator commits each loop turn's writes to the job store's
    write-ahead log without waiting for the disk, then asks the syncer to
    fdatasync() the log and goes on with the next turn while the disk
    works.  When the sync of a group of commits is done the syncer says so
    through a file descriptor the coordinator polls, and only then does the
    coordinator send what those commits record.  A slow disk so delays the
    acknowledgements by one sync, but never stalls the loop (heartbeats,
    new requests) and lets later turns' commits share the next sync.

    fdatasync() on any descriptor of a file flushes every write made to it
    through any other, so the syncer opens the log by path on its own.  One
    thread; requests and results are sequence numbers (groups): a result g
    means every group up to g is durable.                                   */
#ifndef PF_SYNCER_H
#define PF_SYNCER_H

#include <stdint.h>

typedef struct pf_syncer_t pf_syncer_t;

#define PF_SYNCER_THREAD_NAME "pf-syncer"   /* the thread's name (comm)    */

/*  Work the syncer's thread does after each successful sync, before it
    waits again (the job store's checkpoints).  Runs on that thread.       */
typedef void(pf_syncer_after_fn)(void *arg);

/*  Starts a syncer for the file at path (which may not exist yet: it is
    opened at the first request, and again if it is replaced).  after (may
    be NULL) is called with arg after each sync, once its result is out.
    Returns NULL (errno set) if the thread or the notification fd cannot be
    made.                                                                   */
pf_syncer_t *pf_syncer_new(const char *path, pf_syncer_after_fn *after, void *arg);

/*  Stops the thread (after the sync in progress, if any) and frees
    everything.  Accepts NULL; nulls *self_p.                               */
void pf_syncer_destroy(pf_syncer_t **self_p);

/*  Asks for everything written to the file so far to be made durable and
    reported as group (which must grow from call to call).  Never blocks
    on the disk.                                                             */
void pf_syncer_request(pf_syncer_t *self, uint64_t group);

/*  A descriptor that turns readable when a result is ready; poll it.       */
int pf_syncer_fd(const pf_syncer_t *self);

/*  Takes the results: *group = the highest group known durable (0 before
    any).  Returns 0, or PF_EIO when a sync failed — the data of the groups
    after *group may not be on the disk, and never will be through this
    syncer: the caller must stop acknowledging and stop (errno set).        */
int pf_syncer_done(pf_syncer_t *self, uint64_t *group);

#endif
