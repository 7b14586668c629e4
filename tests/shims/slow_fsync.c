/*  slow_fsync.c — a test shim (LD_PRELOAD) that makes the disk look slow.

    fdatasync() and fsync() of a file whose name ends in "-wal" (SQLite's
    write-ahead log), called from the coordinator's syncer thread (named
    "pf-syncer"), first sleep PF_TEST_FSYNC_DELAY_MS milliseconds; every
    other call goes straight to libc.  Only the syncer's: SQLite's own rare
    syncs on the loop thread (a checkpoint, a new log header) would stall
    the loop itself, which is not what the test is about.  test_store_slow_disk.py runs the
    coordinator under it to see what a disk that falls behind does.  Built
    without sanitizers: it is preloaded into sanitizer builds too.           */
#include <dlfcn.h>
#include <sys/prctl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
s_delay_if_wal(int fd)
{
    char name[16] = "";
    if (prctl(PR_GET_NAME, name, 0, 0, 0) != 0 || strcmp(name, "pf-syncer") != 0)
        return;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 4)
        return;
    path[n] = '\0';
    if (strcmp(path + n - 4, "-wal") != 0)
        return;
    const char *text = getenv("PF_TEST_FSYNC_DELAY_MS");
    long ms = text ? strtol(text, NULL, 10) : 0;
    if (ms <= 0)
        return;
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    int saved = errno;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    errno = saved;
}

int
fdatasync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    s_delay_if_wal(fd);
    return real(fd);
}

int
fsync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    s_delay_if_wal(fd);
    return real(fd);
}
