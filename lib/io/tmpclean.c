/* Removing the temporary files that atomic writes of dead processes left behind. */
#include "core/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The process id of a name ending in ".tmp<pid>.<k>" (the atomic writer's
 * temporary names), or 0. */
static long temp_owner(const char *name)
{
    const char *t = NULL;
    for (const char *p = strstr(name, ".tmp"); p; p = strstr(p + 1, ".tmp"))
        t = p;
    if (!t || t == name)
        return 0;
    const char *d = t + 4;
    size_t nd = strspn(d, "0123456789");
    if (nd == 0 || nd > 9 || d[nd] != '.')
        return 0;
    const char *k = d + nd + 1;
    size_t nk = strspn(k, "0123456789");
    if (nk == 0 || k[nk] != '\0')
        return 0;
    return strtol(d, NULL, 10);
}

/* Only a process known to be gone: kill(pid, 0) fails with ESRCH. */
static int process_gone(long pid)
{
    return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int hdnet_remove_stale_temps(const char *dir, size_t *removed)
{
    if (removed)
        *removed = 0;
    if (!dir)
        return hdnet__error(HDNET_EINVAL, "dir is NULL");
    DIR *d = opendir(dir);
    if (!d)
        return hdnet__error(HDNET_EIO, "cannot open directory %s: %s", dir, strerror(errno));
    int fd = dirfd(d), rc = HDNET_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (!process_gone(temp_owner(e->d_name)) ||
            fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (unlinkat(fd, e->d_name, 0) != 0) {
            if (errno != ENOENT) /* another cleaner was faster */
                rc = hdnet__error(HDNET_EIO, "cannot remove %s/%s: %s", dir, e->d_name,
                                  strerror(errno));
            continue;
        }
        if (removed)
            ++*removed;
    }
    closedir(d);
    return rc;
}
