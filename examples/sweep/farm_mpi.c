/* The MPI engine (built with HDNET_SWEEP_MPI, i.e. make MPI=1 or when mpicc is
 * found): a task farm. Rank 0 hands out the next unfinished index to whichever
 * rank asks; ranks 1..P-1 run their index in-process and ask again, so a rank
 * that finishes early takes the next run. Rank 0 polls (20 ms sleeps) instead
 * of blocking in MPI, which would spin a core. */
#include "sweep.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int sweep_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
    for (size_t k = 0; k < sizeof vars / sizeof *vars; k++)
        if (getenv(vars[k]))
            return 1;
    return 0;
}

#ifndef HDNET_SWEEP_MPI

int sweep_mpi_built(void)
{
    return 0;
}

int sweep_farm_mpi(const sweep_plan *p, const sweep_run_opts *o, int *argc, char ***argv, char *err)
{
    (void)p;
    (void)o;
    (void)argc;
    (void)argv;
    return sweep_fail(err, "started by an MPI launcher, but built without MPI (rebuild with make MPI=1)");
}

#else
#include <mpi.h>

#define TAG_ASK 1  /* worker -> 0: {last index or -1, its status} */
#define TAG_WORK 2 /* 0 -> worker: index, or -1 = no more work */

int sweep_mpi_built(void)
{
    return 1;
}

/* Next index at or after *next that needs running, or -1. */
static long next_index(const sweep_plan *p, const sweep_run_opts *o, size_t *next, sweep_tally *t)
{
    while (*next < p->n_runs) {
        size_t i = (*next)++;
        int st = sweep_run_state(p, i);
        if (st == SWEEP_ST_DONE)
            sweep_tally_add(t, SWEEP_RUN_SKIPPED);
        else if (st == SWEEP_ST_RUNNING)
            sweep_tally_add(t, SWEEP_RUN_BUSY);
        else if (st == SWEEP_ST_FAILED && !o->retry_failed)
            sweep_tally_add(t, SWEEP_RUN_PREV_FAILED);
        else
            return (long)i;
    }
    return -1;
}

static void dispatch(const sweep_plan *p, const sweep_run_opts *o, int size, sweep_tally *t)
{
    size_t next = 0;
    int working = size - 1;
    const struct timespec nap = {0, 20 * 1000 * 1000};
    while (working > 0) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_ASK, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            nanosleep(&nap, NULL);
            continue;
        }
        long ask[2];
        MPI_Recv(ask, 2, MPI_LONG, st.MPI_SOURCE, TAG_ASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (ask[0] >= 0)
            sweep_tally_add(t, (int)ask[1]);
        long i = (o->stop_flag && *o->stop_flag) ? -1 : next_index(p, o, &next, t);
        MPI_Send(&i, 1, MPI_LONG, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
        if (i < 0)
            working--;
    }
}

static void work(const sweep_plan *p, const sweep_run_opts *o)
{
    long ask[2] = {-1, 0};
    for (;;) {
        long i;
        MPI_Send(ask, 2, MPI_LONG, 0, TAG_ASK, MPI_COMM_WORLD);
        MPI_Recv(&i, 1, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (i < 0)
            return;
        char err[SWEEP_ERR];
        int rc = sweep_run_index(p, (size_t)i, o, err);
        if (rc < 0)
            fprintf(stderr, "hdnet-sweep: %s\n", err);
        ask[0] = i;
        ask[1] = rc;
    }
}

int sweep_farm_mpi(const sweep_plan *p, const sweep_run_opts *o, int *argc, char ***argv, char *err)
{
    int rank, size, rc = 0;
    if (MPI_Init(argc, argv) != MPI_SUCCESS)
        return sweep_fail(err, "MPI_Init failed");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0)
        rc = sweep_prepare_out(p, err);
    long ok = rc == 0;
    MPI_Bcast(&ok, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    if (!ok) {
        MPI_Finalize();
        return rank == 0 ? -1 : sweep_fail(err, "rank 0 could not prepare the output directory");
    }
    sweep_tally t;
    memset(&t, 0, sizeof t);
    if (size == 1) { /* a lone rank runs everything itself */
        size_t next = 0;
        long i;
        while (!(o->stop_flag && *o->stop_flag) && (i = next_index(p, o, &next, &t)) >= 0) {
            int r = sweep_run_index(p, (size_t)i, o, err);
            if (r < 0)
                fprintf(stderr, "hdnet-sweep: %s\n", err);
            sweep_tally_add(&t, r);
        }
    } else if (rank == 0) {
        dispatch(p, o, size, &t);
    } else {
        work(p, o);
    }
    long result = 0;
    if (rank == 0) {
        char engine[64];
        snprintf(engine, sizeof engine, "MPI, %d ranks", size);
        result = sweep_tally_report(p, &t, engine);
    }
    MPI_Bcast(&result, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return (int)result;
}
#endif
