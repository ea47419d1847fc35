/* The sweep engine of hdnet-sweep: many networks from one sweep file.
 *
 * A sweep file is a config text file (name = value lines, '#' comments; see
 * docs/cluster.md) with three kinds of extra lines:
 *   vary NAME = V1 V2 ...   a grid axis (NAME: any config parameter, or recipe);
 *                           values separated by blanks or commas (blanks only
 *                           for the list parameters av_set and tau_vector)
 *   seeds = 1..8            the seeds of every grid point (a list, a range, or both)
 *   sweep.KEY = VALUE       an option of the sweep (out, test_trials, ...)
 * Analysis parameters (compass_slope_max = ...) apply to every run's analysis.
 *
 * Runs are numbered 0 .. n-1 in mixed radix: the seed slowest, then the axes
 * in file order (the first axis slowest), so the plan depends on the file
 * alone, and seeds appended to the seeds line add runs after the existing ones
 * without renumbering them. Each run lives in OUT/runs/rNNNNN: trained in rNNNNN.tmp (resumable
 * from its state.npz), renamed when complete; a failed run leaves
 * rNNNNN.failed with its error. A lock file rNNNNN.lock (fcntl lock, released
 * by the kernel when its process dies) makes sure that no two processes run
 * the same index, whatever started them (worker processes, MPI ranks, Slurm
 * array tasks).
 *
 * Everything here uses the public libhdnet API only: the engine is policy
 * (files, locks, processes, MPI), not numerics, so it lives beside its program
 * rather than in the library, where it would need an ABI promise and binding
 * wrappers; it links into hdnet-sweep and into the Check suite (tests/test_sweep.c)
 * without MPI or Slurm. Errors are returned as -1 with a one-line message in a
 * caller's buffer of SWEEP_ERR bytes. */
#ifndef HDNET_SWEEP_H
#define HDNET_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include <hdnet/hdnet.h>

#define SWEEP_ERR 512 /* size of every error buffer */

/* ------------------------------------------------------------------ */
/* The plan (plan.c)                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
    char *name;     /* config parameter name, or "recipe" */
    char **values;  /* as written in the file */
    size_t n;
} sweep_axis;

typedef struct {
    char *name, *value;
} sweep_setting;

typedef struct {
    char *file;              /* the sweep file as given */
    char *out;               /* output directory */
    char *recipe;            /* base recipe ("paper" unless set) */
    sweep_setting *base;     /* config lines in file order */
    size_t n_base;
    sweep_setting *aparams;  /* analysis parameters in file order */
    size_t n_aparams;
    sweep_axis *axes;        /* grid axes in file order (the seed is not one) */
    size_t n_axes;
    uint64_t *seeds;
    size_t n_seeds;
    size_t n_points, n_runs; /* grid points, runs = points x seeds */
    /* sweep options */
    size_t test_trials;      /* test-set trials for the 500- and 1000-step NE (1000) */
    size_t analysis_trials;  /* analysis set (2000 x 1000 steps, as hdnet-analyze) */
    size_t analysis_steps;
    size_t state_every;      /* save state.npz every k updates (100) */
    size_t nulls;            /* matched null networks of the claims analysis (20; 0: none) */
    size_t lesion_trials;    /* trials per lesion experiment of the claims analysis (100; 0: none) */
    size_t lesion_steps;     /* steps per lesion trial (800, as hdnet-lesion) */
    int keep_state;          /* keep state.npz in finished runs (0) */
    char *analysis;          /* name of the analysis (sweep_analysis_find) */
    char analysis_id[24];    /* hash of the analysis settings (name, set, parameters) */
} sweep_plan;

/* Parse a sweep file from text. `file` names it in messages and gives the
 * default output directory (file minus its extension, plus ".out"). */
int sweep_plan_parse(sweep_plan **out, const char *text, size_t len, const char *file, char *err);

/* Read and parse a sweep file. */
int sweep_plan_load(sweep_plan **out, const char *path, char *err);

void sweep_plan_free(sweep_plan *p);

/* The axis values and the seed of run i (values[k] for axis k), and its grid point. */
void sweep_plan_settings(const sweep_plan *p, size_t i, const char **values, uint64_t *seed, size_t *point);

/* Index of the run of grid point `point` with the seed_index-th seed. */
size_t sweep_plan_run(const sweep_plan *p, size_t point, size_t seed_index);

/* The run's config (recipe, base lines, axis values, seed; threads = 1 unless
 * the file sets it) and its analysis parameters. */
int sweep_plan_config(const sweep_plan *p, size_t i, hdnet_config **cfg, hdnet_aparams **ap, char *err);

/* "rNNNNN" */
void sweep_run_name(size_t i, char *buf, size_t cap);

/* The plan listing: one line per run, "index name axis=value ... seed=S". */
void sweep_plan_print(const sweep_plan *p, FILE *f);

/* ------------------------------------------------------------------ */
/* Results of one run (record.c)                                       */
/* ------------------------------------------------------------------ */

/* An ordered list of key = value text pairs, saved as result.txt in the
 * config text format. Keys ending in "_seconds" are timings; keys ending in
 * ".verdict" are findings (PASS / FAIL / others). */
typedef struct {
    char **keys, **values;
    size_t n, cap;
} sweep_record;

void sweep_record_init(sweep_record *r);
void sweep_record_clear(sweep_record *r);
int sweep_record_str(sweep_record *r, const char *key, const char *value);
int sweep_record_num(sweep_record *r, const char *key, double value);
/* The value of key, or NULL. */
const char *sweep_record_get(const sweep_record *r, const char *key);
/* Write atomically (temporary file, fsync, rename). */
int sweep_record_save(const sweep_record *r, const char *path, char *err);
int sweep_record_load(sweep_record *r, const char *path, char *err);

/* ------------------------------------------------------------------ */
/* The analysis of a trained network (analysis.c): pluggable           */
/* ------------------------------------------------------------------ */

typedef struct {
    const sweep_plan *plan;
    size_t index;
    const hdnet_config *cfg;     /* the run's training config */
    const hdnet_aparams *ap;     /* the run's analysis parameters */
    const hdnet_net *trained;    /* the best network under model selection */
    const hdnet_net *untrained;  /* the same network before training */
    const char *dir;             /* the run's directory (for extra files) */
} sweep_subject;

/* Add the analysis' values to rec; -1 and a message on failure. */
typedef int (*sweep_analysis_fn)(const sweep_subject *s, sweep_record *rec, char *err);

typedef struct {
    const char *name, *about;
    int version; /* raised when its values change: finished runs become stale */
    sweep_analysis_fn fn;
} sweep_analysis;

/* The analysis called `name` ("classes", "none", ...), or NULL. */
const sweep_analysis *sweep_analysis_find(const char *name);
/* The i-th analysis, NULL past the end. */
const sweep_analysis *sweep_analysis_at(size_t i);

/* ------------------------------------------------------------------ */
/* Running one index (runner.c)                                        */
/* ------------------------------------------------------------------ */

enum {
    SWEEP_RUN_DONE = 0,       /* trained, analysed, directory renamed */
    SWEEP_RUN_SKIPPED = 1,    /* already finished */
    SWEEP_RUN_BUSY = 2,       /* another process holds its lock */
    SWEEP_RUN_FAILED = 3,     /* failed; OUT/runs/rNNNNN.failed says why */
    SWEEP_RUN_STOPPED = 4,    /* interrupted (signal or stop hook); resumable */
    SWEEP_RUN_PREV_FAILED = 5 /* failed before; skipped (retry_failed = 0) */
};

typedef struct {
    int retry_failed;         /* run indices with a failure record again */
    int quiet;                /* no per-run line on stdout */
    /* stop training after this pass (0: never): interrupts a run on purpose (tests) */
    size_t stop_after;
    /* set asynchronously (signal handler) to stop every run at its next update */
    volatile sig_atomic_t *stop_flag;
} sweep_run_opts;

/* Train and analyse run i of the plan, resuming from its state.npz, or
 * re-analyse it when it is stale; see the SWEEP_RUN_* codes. Errors of the run itself are recorded, not returned: -1
 * means the sweep's own files could not be written (err says why). */
int sweep_run_index(const sweep_plan *p, size_t i, const sweep_run_opts *o, char *err);

/* Paths of run i: kind "" (final), ".tmp", ".lock", ".failed". */
void sweep_run_path(const sweep_plan *p, size_t i, const char *kind, char *buf, size_t cap);

/* Record a failure of run i from outside it (a worker process that died). */
int sweep_run_record_failure(const sweep_plan *p, size_t i, const char *error, char *err);

/* Make OUT and OUT/runs and check OUT/plan.txt (written on first use) against
 * the plan: a directory holding another plan's runs is refused; a plan with
 * more or fewer seeds is accepted (plan.txt keeps the longer listing). */
int sweep_prepare_out(const sweep_plan *p, char *err);

/* ------------------------------------------------------------------ */
/* State of the runs (state.c)                                         */
/* ------------------------------------------------------------------ */

enum { SWEEP_ST_LEFT, SWEEP_ST_PARTIAL, SWEEP_ST_RUNNING, SWEEP_ST_DONE, SWEEP_ST_FAILED, SWEEP_ST_STALE };

/* State of run i from its files: done, stale (finished, but analysed with other
 * analysis settings than the plan's: the next run re-analyses it without
 * retraining), failed, running (its lock is held by a live process), partial
 * (a resumable .tmp directory) or left. */
int sweep_run_state(const sweep_plan *p, size_t i);

/* Progress of a running or partial run: updates done and total (0 if unknown). */
void sweep_run_progress(const sweep_plan *p, size_t i, size_t *done, size_t *total, double *seconds);

/* The progress view (status.c): counts, running runs' updates, ETA from the
 * median time of the finished runs. 0 when every run is done, else 1. */
int sweep_status(const sweep_plan *p, FILE *f);

/* ------------------------------------------------------------------ */
/* Engines (farm.c, farm_mpi.c)                                        */
/* ------------------------------------------------------------------ */

/* What the runs of one engine call came to (SWEEP_RUN_* counts). */
typedef struct {
    size_t done, failed, stopped, busy, skipped, prev_failed, errors;
} sweep_tally;

void sweep_tally_add(sweep_tally *t, int status);
/* Print the tally and the plan's state; 0 when every run is done, else 1. */
int sweep_tally_report(const sweep_plan *p, const sweep_tally *t, const char *engine);

/* Run every index with up to `jobs` worker processes (one process per run).
 * Returns 0 when every run is done, 1 when some failed or were left, -1 on an
 * error of the sweep itself. */
int sweep_farm_local(const sweep_plan *p, size_t jobs, const sweep_run_opts *o, char *err);

/* 1 when this process was started by an MPI launcher (mpirun, srun --mpi). */
int sweep_mpi_launched(void);
/* 1 when built with MPI. */
int sweep_mpi_built(void);
/* Task farm over MPI ranks: rank 0 hands out indices on request, the others
 * run them (a lone rank runs them all). Return values as sweep_farm_local(). */
int sweep_farm_mpi(const sweep_plan *p, const sweep_run_opts *o, int *argc, char ***argv, char *err);

/* ------------------------------------------------------------------ */
/* Collecting (collect.c) and statistics (stats.c)                     */
/* ------------------------------------------------------------------ */

/* Write OUT/table.csv, table.json, summary.csv, summary.json, summary.md and the plot data
 * (OUT/plot_*.dat, plot_vars.gp). *n_done, *n_failed: runs found. */
int sweep_collect(const sweep_plan *p, size_t *n_done, size_t *n_failed, char *err);

/* Wilson score interval of k successes in n trials at normal quantile z
 * (1.959964 for 95 %). n = 0 gives [0, 1]. */
void sweep_wilson(size_t k, size_t n, double z, double *lo, double *hi);

/* Quantile q in [0, 1] of x[0..n-1] (sorted in place), linear interpolation
 * between order statistics (type 7); NaN for n = 0. */
double sweep_quantile(double *x, size_t n, double q);

/* ------------------------------------------------------------------ */
/* Small shared helpers (util.c)                                       */
/* ------------------------------------------------------------------ */

int sweep_mkdirs(const char *path, char *err);
/* Write text to path atomically. */
int sweep_write_atomic(const char *path, const char *text, size_t len, char *err);
/* Read a whole file (NUL-terminated); NULL on failure with err set. */
char *sweep_read_file(const char *path, size_t *len, char *err);
int sweep_exists(const char *path);
double sweep_now(void);
/* CPU seconds of this process (all its threads). */
double sweep_cpu_now(void);
/* printf-style message into err; returns -1. */
int sweep_fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
