/* The local engine: up to K worker processes, one process per run, so that a
 * run that crashes is recorded as failed and the others go on. */
#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define CHILD_ERROR 100 /* exit code of a worker whose sweep files could not be written */

void sweep_tally_add(sweep_tally *t, int status)
{
    switch (status) {
    case SWEEP_RUN_DONE: t->done++; break;
    case SWEEP_RUN_SKIPPED: t->skipped++; break;
    case SWEEP_RUN_BUSY: t->busy++; break;
    case SWEEP_RUN_FAILED: t->failed++; break;
    case SWEEP_RUN_STOPPED: t->stopped++; break;
    case SWEEP_RUN_PREV_FAILED: t->prev_failed++; break;
    default: t->errors++; break;
    }
}

/* A worker: run index i and leave with its status as exit code (the parent's
 * slot arrays are freed first: nothing of the child is left unaccounted for). */
static void worker(const sweep_plan *p, size_t i, const sweep_run_opts *o, pid_t parent, pid_t *pid, size_t *idx)
{
    free(pid);
    free(idx);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a killed sweep takes its workers along */
#endif
    if (getppid() != parent)
        _exit(CHILD_ERROR);
    char err[SWEEP_ERR];
    int rc = sweep_run_index(p, i, o, err);
    if (rc < 0)
        fprintf(stderr, "hdnet-sweep: %s\n", err);
    fflush(stdout);
    fflush(stderr);
    _exit(rc < 0 ? CHILD_ERROR : rc);
}

int sweep_tally_report(const sweep_plan *p, const sweep_tally *t, const char *engine)
{
    size_t all_done = 0;
    for (size_t i = 0; i < p->n_runs; i++)
        all_done += sweep_run_state(p, i) == SWEEP_ST_DONE;
    printf("hdnet-sweep: %s: %zu run(s) finished now, %zu failed, %zu stopped, %zu run elsewhere, "
           "%zu done before, %zu failed before; %zu of %zu done\n",
           engine, t->done, t->failed + t->errors, t->stopped, t->busy, t->skipped, t->prev_failed, all_done,
           p->n_runs);
    fflush(stdout);
    return all_done == p->n_runs && !t->errors ? 0 : 1;
}

int sweep_farm_local(const sweep_plan *p, size_t jobs, const sweep_run_opts *o, char *err)
{
    if (jobs == 0)
        return sweep_fail(err, "--jobs must be positive");
    if (sweep_prepare_out(p, err))
        return -1;
    pid_t *pid = calloc(jobs, sizeof *pid);
    size_t *idx = calloc(jobs, sizeof *idx);
    if (!pid || !idx) {
        free(pid);
        free(idx);
        return sweep_fail(err, "out of memory");
    }
    const pid_t self = getpid();
    sweep_tally t;
    memset(&t, 0, sizeof t);
    size_t next = 0, active = 0;
    int forwarded = 0, rc = 0;
    for (;;) {
        const int stopping = o->stop_flag && *o->stop_flag;
        while (!stopping && active < jobs && next < p->n_runs) {
            size_t i = next++;
            int st = sweep_run_state(p, i);
            if (st == SWEEP_ST_DONE || st == SWEEP_ST_RUNNING || (st == SWEEP_ST_FAILED && !o->retry_failed)) {
                sweep_tally_add(&t, st == SWEEP_ST_DONE ? SWEEP_RUN_SKIPPED
                          : st == SWEEP_ST_RUNNING ? SWEEP_RUN_BUSY : SWEEP_RUN_PREV_FAILED);
                continue;
            }
            fflush(stdout);
            fflush(stderr);
            pid_t c = fork();
            if (c < 0) {
                rc = sweep_fail(err, "cannot start a worker process: %s", strerror(errno));
                next = p->n_runs;
                break;
            }
            if (c == 0)
                worker(p, i, o, self, pid, idx);
            size_t s = 0;
            while (pid[s])
                s++;
            pid[s] = c;
            idx[s] = i;
            active++;
        }
        if (stopping && !forwarded) { /* a signal stopped the sweep: the workers save their state */
            for (size_t s = 0; s < jobs; s++)
                if (pid[s])
                    kill(pid[s], SIGTERM);
            forwarded = 1;
        }
        if (active == 0)
            break;
        int ws;
        pid_t c = waitpid(-1, &ws, 0);
        if (c < 0) {
            if (errno == EINTR)
                continue;
            rc = sweep_fail(err, "waitpid: %s", strerror(errno));
            break;
        }
        size_t s = 0;
        while (s < jobs && pid[s] != c)
            s++;
        if (s == jobs)
            continue;
        pid[s] = 0;
        active--;
        if (WIFEXITED(ws)) {
            sweep_tally_add(&t, WEXITSTATUS(ws) == CHILD_ERROR ? -1 : WEXITSTATUS(ws));
        } else if (WIFSIGNALED(ws) && !(o->stop_flag && *o->stop_flag)) {
            char msg[96], e2[SWEEP_ERR];
            snprintf(msg, sizeof msg, "worker process killed by signal %d", WTERMSIG(ws));
            if (sweep_run_record_failure(p, idx[s], msg, e2))
                fprintf(stderr, "hdnet-sweep: %s\n", e2);
            char name[32];
            sweep_run_name(idx[s], name, sizeof name);
            printf("%s: failed: %s\n", name, msg);
            sweep_tally_add(&t, SWEEP_RUN_FAILED);
        } else {
            sweep_tally_add(&t, SWEEP_RUN_STOPPED);
        }
    }
    free(pid);
    free(idx);
    if (rc)
        return rc;
    return sweep_tally_report(p, &t, "local");
}
