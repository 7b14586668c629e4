/*  pf_syncer.c — fdatasync() of one file on a thread of its own (see
    pf_syncer.h).

    The caller's thread and the syncer share four fields under a mutex:
    the group asked for, the group done, a failure, and stop.  Results go
    back through an eventfd the caller polls; the syncer never touches
    anything else of the caller's.                                           */
#include "pf_syncer.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pf_alloc.h"
#include "pf_error.h"

struct pf_syncer_t {
    char *path;                 /* the file to sync                          */
    int fd;                     /* our descriptor of it, or -1 (thread only) */
    int event;                  /* eventfd: readable when done moved          */
    pthread_t thread;           /* the syncer                                */
    pthread_mutex_t lock;       /* guards the four fields below              */
    pthread_cond_t wake;        /* requested moved, or stop                  */
    uint64_t requested;         /* highest group asked for                   */
    uint64_t done;              /* highest group durable                     */
    int error;                  /* errno of a failed sync, or 0              */
    bool stop;                  /* destroy asked                             */
    pf_syncer_after_fn *after;  /* after each sync, or NULL                  */
    void *after_arg;            /* its argument                              */
};

/*  Our descriptor of the file, opened (again, if it was replaced since)
    before each sync.  Returns 0 or an errno.                               */
static int
s_open(pf_syncer_t *self)
{
    if (self->fd >= 0) {
        struct stat st;
        if (fstat(self->fd, &st) == 0 && st.st_nlink > 0)
            return 0;
        close(self->fd);
        self->fd = -1;
    }
    self->fd = open(self->path, O_RDONLY | O_CLOEXEC);
    if (self->fd < 0)
        return errno;
    /* A new file is only durable once its directory entry is: sync the
       directory once per (re)open, before the file's data is trusted.     */
    char *copy = pf_strdup(self->path);
    int dir = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    int err = 0;
    if (dir < 0 || fsync(dir) != 0)
        err = errno;
    if (dir >= 0)
        close(dir);
    if (err) {
        close(self->fd);
        self->fd = -1;
    }
    return err;
}

static void *
s_run(void *arg)
{
    pf_syncer_t *self = arg;
    /* Named, so that ps -L, perf and test shims can tell it apart.        */
    pthread_setname_np(pthread_self(), PF_SYNCER_THREAD_NAME);
    pthread_mutex_lock(&self->lock);
    for (;;) {
        while (!self->stop && (self->requested == self->done || self->error))
            pthread_cond_wait(&self->wake, &self->lock);
        if (self->stop)
            break;
        uint64_t target = self->requested;
        pthread_mutex_unlock(&self->lock);
        /* Everything written before the request is covered: the caller
           wrote, then asked.                                                */
        int err = s_open(self);
        while (!err && fdatasync(self->fd) != 0) {
            if (errno != EINTR)
                err = errno;
        }
        pthread_mutex_lock(&self->lock);
        if (err)
            self->error = err;
        else
            self->done = target;
        uint64_t one = 1;
        ssize_t n = write(self->event, &one, sizeof one);
        (void)n;   /* a full counter is still readable: nothing is lost    */
        if (!err && self->after) {
            /* The result is out: the caller does not wait for this.      */
            pthread_mutex_unlock(&self->lock);
            self->after(self->after_arg);
            pthread_mutex_lock(&self->lock);
        }
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

pf_syncer_t *
pf_syncer_new(const char *path, pf_syncer_after_fn *after, void *arg)
{
    pf_syncer_t *self = pf_calloc(1, sizeof *self);
    self->path = pf_strdup(path);
    self->after = after;
    self->after_arg = arg;
    self->fd = -1;
    self->event = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (self->event < 0)
        goto fail;
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->wake, NULL);
    /* The thread takes no signals: SIGINT/SIGTERM belong to the loop's
       thread, whose poll they must interrupt.                              */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&self->thread, NULL, s_run, self);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&self->wake);
        pthread_mutex_destroy(&self->lock);
        close(self->event);
        errno = rc;
        goto fail;
    }
    return self;
fail:
    free(self->path);
    free(self);
    return NULL;
}

void
pf_syncer_destroy(pf_syncer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_syncer_t *self = *self_p;
    pthread_mutex_lock(&self->lock);
    self->stop = true;
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
    pthread_join(self->thread, NULL);
    pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->lock);
    if (self->fd >= 0)
        close(self->fd);
    close(self->event);
    free(self->path);
    free(self);
    *self_p = NULL;
}

void
pf_syncer_request(pf_syncer_t *self, uint64_t group)
{
    pthread_mutex_lock(&self->lock);
    if (group > self->requested) {
        self->requested = group;
        pthread_cond_signal(&self->wake);
    }
    pthread_mutex_unlock(&self->lock);
}

int
pf_syncer_fd(const pf_syncer_t *self)
{
    return self->event;
}

int
pf_syncer_done(pf_syncer_t *self, uint64_t *group)
{
    uint64_t count;
    ssize_t n = read(self->event, &count, sizeof count);
    (void)n;   /* EAGAIN: nothing new; the fields say so too               */
    pthread_mutex_lock(&self->lock);
    *group = self->done;
    int error = self->error;
    pthread_mutex_unlock(&self->lock);
    if (error) {
        errno = error;
        return PF_EIO;
    }
    return PF_OK;
}
