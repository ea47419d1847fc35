/* The progress view of a sweep: runs done / running / failed / left and an ETA. */
#include "sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void fmt_time(double s, char *buf, size_t cap)
{
    if (!(s >= 0) || s > 1e9) {
        snprintf(buf, cap, "--");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 86400)
        snprintf(buf, cap, "%ldd%02ldh", t / 86400, (t / 3600) % 24);
    else if (t >= 3600)
        snprintf(buf, cap, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else
        snprintf(buf, cap, "%ldm%02lds", t / 60, t % 60);
}

/* Seconds a finished run cost: training (over every resumed attempt) plus its latest
 * analysis. Not process_seconds: a run only re-analysed took a minute, not a network's time. */
static double *run_seconds(const sweep_plan *p, size_t *n)
{
    double *v = malloc((p->n_runs + 1) * sizeof *v);
    *n = 0;
    for (size_t i = 0; v && i < p->n_runs; i++) {
        char path[4300];
        sweep_record r;
        sweep_run_path(p, i, "/result.txt", path, sizeof path);
        if (sweep_record_load(&r, path, NULL))
            continue;
        const char *t = sweep_record_get(&r, "train_seconds"), *a = sweep_record_get(&r, "analysis_seconds");
        if (t && a)
            v[(*n)++] = strtod(t, NULL) + strtod(a, NULL);
        sweep_record_clear(&r);
    }
    return v;
}

int sweep_status(const sweep_plan *p, FILE *f)
{
    size_t count[6] = {0}, shown = 0;
    double running_left = 0; /* fractions of runs still to do in the running ones */
    fprintf(f, "sweep %s: %zu run(s) = %zu grid point(s) x %zu seed(s), in %s\n", p->file, p->n_runs, p->n_points,
            p->n_seeds, p->out);
    for (size_t i = 0; i < p->n_runs; i++) {
        int st = sweep_run_state(p, i);
        count[st]++;
        if (st != SWEEP_ST_RUNNING && st != SWEEP_ST_PARTIAL)
            continue;
        size_t u, U;
        double sec;
        sweep_run_progress(p, i, &u, &U, &sec);
        double frac = U ? (double)u / (double)U : 0;
        if (st == SWEEP_ST_RUNNING)
            running_left += 1 - frac;
        if (shown++ < 20) {
            char name[32];
            sweep_run_name(i, name, sizeof name);
            fprintf(f, "  %s %-8s update %zu/%zu (%.0f %%)\n", name, st == SWEEP_ST_RUNNING ? "running" : "partial",
                    u, U, 100 * frac);
        }
    }
    if (shown > 20)
        fprintf(f, "  ... and %zu more running or partial\n", shown - 20);
    fprintf(f, "done %zu, running %zu, failed %zu, left %zu (%zu of them partly trained, resumable)\n",
            count[SWEEP_ST_DONE], count[SWEEP_ST_RUNNING], count[SWEEP_ST_FAILED],
            count[SWEEP_ST_LEFT] + count[SWEEP_ST_PARTIAL], count[SWEEP_ST_PARTIAL]);
    if (count[SWEEP_ST_STALE])
        fprintf(f, "to re-analyse (trained, analysis settings changed): %zu\n", count[SWEEP_ST_STALE]);
    size_t n;
    double *sec = run_seconds(p, &n);
    if (sec && n) {
        double med = sweep_quantile(sec, n, 0.5);
        size_t workers = count[SWEEP_ST_RUNNING] ? count[SWEEP_ST_RUNNING] : 1;
        double eta = med * ((double)(count[SWEEP_ST_LEFT] + count[SWEEP_ST_PARTIAL]) + running_left) / (double)workers;
        char a[32], b[32];
        fmt_time(med, a, sizeof a);
        fmt_time(eta, b, sizeof b);
        fprintf(f, "a run takes %s (median of %zu); ETA %s with %zu worker(s) at that pace\n", a, n, b, workers);
    } else {
        fprintf(f, "ETA: -- (no finished run yet)\n");
    }
    free(sec);
    return count[SWEEP_ST_DONE] == p->n_runs ? 0 : 1;
}
