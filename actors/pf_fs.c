/*  pf_fs.c — filesystem helpers (see pf_fs.h).                             */
#include "pf_fs.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "pf_alloc.h"
#include "pf_error.h"

int
pf_fs_make_dir(const char *dir, mode_t mode)
{
    char *copy = pf_strdup(dir);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            int saved = errno;
            free(copy);
            errno = saved;
            return PF_EIO;
        }
        *p = '/';
    }
    free(copy);
    if (mkdir(dir, mode) == 0)
        return PF_OK;
    if (errno != EEXIST)
        return PF_EIO;
    struct stat st;
    if (stat(dir, &st) != 0)
        return PF_EIO;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return PF_EIO;
    }
    return PF_OK;
}
