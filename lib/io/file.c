/* Whole files: atomic writes (temporary file, fsync, rename; through symbolic links,
 * in place for pipes and devices) and whole reads of regular files only. */
#include "core/internal.h"
#include "io/io_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Write all of buf to fd; 0 or an errno value. */
static int write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len > (1u << 30) ? (1u << 30) : len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* A pipe, terminal or device is written in place: renaming a regular file
 * over it would replace the special file instead of writing to it. */
static int write_special(const char *path, const void *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_NOCTTY);
    if (fd < 0)
        return hdnet__error(HDNET_EIO, "cannot open %s: %s", path, strerror(errno));
    int e = write_all(fd, buf, len);
    if (close(fd) != 0 && !e)
        e = errno;
    if (e)
        return hdnet__error(HDNET_EIO, "write %s: %s", path, strerror(e));
    return HDNET_OK;
}

/* The path a chain of symbolic links ends at (the link's target is replaced,
 * not the link); path itself when it is no link. Malloc'd, NULL on failure. */
static char *final_target(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur && hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        size_t cap = (size_t)st.st_size + 1 > 256 ? (size_t)st.st_size + 1 : 256;
        char *link = malloc(cap);
        ssize_t n = link ? readlink(cur, link, cap - 1) : -1;
        if (n < 0) {
            free(link);
            return cur; /* let the write report the problem */
        }
        link[n] = '\0';
        char *next;
        const char *slash = strrchr(cur, '/');
        if (link[0] == '/' || !slash) {
            next = link;
        } else {
            size_t dl = (size_t)(slash - cur) + 1;
            next = malloc(dl + (size_t)n + 1);
            if (next) {
                memcpy(next, cur, dl);
                memcpy(next + dl, link, (size_t)n + 1);
            }
            free(link);
        }
        free(cur);
        cur = next;
    }
    if (cur)
        errno = ELOOP;
    free(cur);
    return NULL;
}

/* Temporary file beside path, fsync, rename over path. */
static int write_file_replace(const char *path, const void *buf, size_t len)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 40);
    if (!tmp)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate a file name");
    int fd = -1;
    for (unsigned k = 0; k < 1000 && fd < 0; k++) {
        snprintf(tmp, pl + 40, "%s.tmp%ld.%u", path, (long)getpid(), k);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return hdnet__error(HDNET_EIO, "cannot create a temporary file beside %s: %s", path,
                            strerror(e));
    }
    int e = write_all(fd, buf, len);
    const char *step = "write";
    if (!e && fsync(fd) != 0) {
        e = errno;
        step = "fsync";
    }
    if (close(fd) != 0 && !e) {
        e = errno;
        step = "close";
    }
    if (!e && rename(tmp, path) != 0) {
        e = errno;
        step = "rename";
    }
    if (e) {
        unlink(tmp);
        free(tmp);
        return hdnet__error(HDNET_EIO, "%s %s: %s", step, path, strerror(e));
    }
    free(tmp);
    /* Make the rename durable; failure here does not undo the write. */
    char *dir = malloc(pl + 2);
    if (dir) {
        memcpy(dir, path, pl + 1);
        char *slash = strrchr(dir, '/');
        if (!slash)
            strcpy(dir, ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        int dfd = open(dir, O_RDONLY);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return HDNET_OK;
}

int hdnet__write_file_atomic(const char *path, const void *buf, size_t len)
{
    if (!*path)
        return hdnet__error(HDNET_EIO, "empty path");
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return write_special(path, buf, len);
    char *target = final_target(path);
    if (!target)
        return errno == ELOOP ? hdnet__error(HDNET_EIO, "%s: too many levels of symbolic links", path)
                              : hdnet__error(HDNET_ENOMEM, "cannot allocate a file name");
    int rc = write_file_replace(target, buf, len);
    free(target);
    return rc;
}

int hdnet__read_file(const char *path, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return hdnet__error(HDNET_EIO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) != 0) {
        close(fd);
        return hdnet__error(HDNET_EIO, "%s is not a regular file", path);
    }
    if ((uintmax_t)st.st_size > SIZE_MAX - 1) {
        close(fd);
        return hdnet__error(HDNET_ENOMEM, "%s is too large", path);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *b = malloc(n ? n : 1);
    if (!b) {
        close(fd);
        return hdnet__error(HDNET_ENOMEM, "cannot allocate %zu bytes for %s", n, path);
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int e = r < 0 ? errno : 0;
            close(fd);
            free(b);
            return hdnet__error(HDNET_EIO, "read %s: %s", path,
                                e ? strerror(e) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    if (n == 0) {
        free(b);
        b = NULL;
    }
    *buf = b;
    *len = n;
    return HDNET_OK;
}

int hdnet__load_path(hdnet_npz **out, const char *path,
                     int (*load_mem)(hdnet_npz **, const void *, size_t))
{
    if (out)
        *out = NULL;
    if (!out || !path)
        return hdnet__error(HDNET_EINVAL, "out or path is NULL");
    unsigned char *buf;
    size_t len;
    int rc = hdnet__read_file(path, &buf, &len);
    if (rc)
        return rc;
    rc = load_mem(out, buf, len);
    free(buf);
    return rc;
}
