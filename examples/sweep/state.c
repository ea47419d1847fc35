/* The state of a run, read from its files (for the engines and the status view). */
#include "sweep.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 1 when a live process holds the lock file's lock. */
static int lock_held(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    int held = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    close(fd);
    return held;
}

int sweep_run_state(const sweep_plan *p, size_t i)
{
    char path[4200];
    sweep_run_path(p, i, "", path, sizeof path);
    if (sweep_exists(path)) {
        sweep_record r;
        sweep_run_path(p, i, "/result.txt", path, sizeof path);
        if (sweep_record_load(&r, path, NULL))
            return SWEEP_ST_DONE;
        const char *id = sweep_record_get(&r, "analysis_id");
        int stale = !id || strcmp(id, p->analysis_id) != 0;
        sweep_record_clear(&r);
        if (!stale)
            return SWEEP_ST_DONE;
        sweep_run_path(p, i, ".lock", path, sizeof path);
        return lock_held(path) ? SWEEP_ST_RUNNING : SWEEP_ST_STALE; /* running: being re-analysed */
    }
    sweep_run_path(p, i, ".lock", path, sizeof path);
    if (lock_held(path))
        return SWEEP_ST_RUNNING;
    sweep_run_path(p, i, ".failed", path, sizeof path);
    if (sweep_exists(path))
        return SWEEP_ST_FAILED;
    sweep_run_path(p, i, ".tmp/state.npz", path, sizeof path);
    return sweep_exists(path) ? SWEEP_ST_PARTIAL : SWEEP_ST_LEFT;
}

void sweep_run_progress(const sweep_plan *p, size_t i, size_t *done, size_t *total, double *seconds)
{
    char path[4200];
    sweep_run_path(p, i, ".tmp/progress.txt", path, sizeof path);
    *done = *total = 0;
    *seconds = 0;
    sweep_record r;
    if (sweep_record_load(&r, path, NULL))
        return;
    const char *u = sweep_record_get(&r, "update"), *t = sweep_record_get(&r, "total"),
               *s = sweep_record_get(&r, "elapsed_seconds");
    if (u && t) {
        *done = (size_t)strtoull(u, NULL, 10);
        *total = (size_t)strtoull(t, NULL, 10);
    }
    if (s)
        *seconds = strtod(s, NULL);
    sweep_record_clear(&r);
}
