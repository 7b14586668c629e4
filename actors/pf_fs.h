/*  pf_fs.h — small filesystem helpers shared by the processes that own a
    data directory (the supervisor's control socket, the job store).        */
#ifndef PF_FS_H
#define PF_FS_H

#include <sys/types.h>

/*  mkdir -p: creates missing parents with the default mode and dir itself
    with mode.  An existing directory is fine; an existing non-directory is
    ENOTDIR.  Returns 0, or PF_EIO with errno set.                          */
int pf_fs_make_dir(const char *dir, mode_t mode);

#endif
