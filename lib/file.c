/* Whole files: atomic writes (temporary file, fsync, rename) and whole reads. */
#include "internal.h"
#include "io_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hdnet__write_file_atomic(const char *path, const void *buf, size_t len)
{
    size_t pl = strlen(path);
    if (pl == 0)
        return hdnet__error(HDNET_EIO, "empty path");
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
    const unsigned char *p = buf;
    size_t left = len;
    int e = 0;
    const char *step = "write";
    while (left) {
        ssize_t w = write(fd, p, left > (1u << 30) ? (1u << 30) : left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
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

int hdnet__read_file(const char *path, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return hdnet__error(HDNET_EIO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
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
