/* Private to the analysis module (aparams.c, tuning.c, classify.c, connectivity.c, circstat.c). */
#ifndef HDNET_ANALYSIS_PRIV_H
#define HDNET_ANALYSIS_PRIV_H

#include <stddef.h>
#include "hdnet/analysis.h"

#include <math.h>

#define HDNET__PI 3.14159265358979323846

/* The heading the readout (y_sin, y_cos) encodes, degrees in [0, 360); NaN when not
 * finite. The one definition behind hdnet_decoded_heading() and the decoded analyses. */
static inline double hdnet__decoded_deg(double y_sin, double y_cos)
{
    double th = atan2(y_sin, y_cos) * (180.0 / HDNET__PI);
    return th < 0 ? th + 360.0 : th;
}
#define HDNET__NAPARAMS 27
struct hdnet_aparams {
    double v[HDNET__NAPARAMS + 1]; /* indexed by id */
};
/* Value of a parameter by id (caller guarantees a valid id). */
double hdnet__ap(const hdnet_aparams *p, int id);
/* Copy of the defaults into p. */
void hdnet__aparams_defaults(hdnet_aparams *p);

/* ---- tuning.c ---- */
/* The passes of hdnet_tuning_collect() on checked arguments: decoded = 0 leaves the
 * decoded analyses out (the outputs are not passed on); outputs, when not NULL,
 * receives the [n_trials][n_steps][2] outputs of pass 1. */
int hdnet__tuning_run(hdnet_tuning *t, const hdnet_net *net, size_t n_trials, size_t n_steps, size_t cue,
                      const float *inputs, const double *heading, const double *av, size_t chunk, int decoded,
                      float *outputs);

/* ---- circstat.c ---- */
/* Bin k with edges[k] <= v < edges[k+1] (edges ascending, n_bins+1 of them, equal widths
 * estimated from the ends, corrected by comparisons); -1 outside [edges[0], edges[n]). */
long hdnet__bin_find(const double *edges, size_t n_bins, double v);
/* edges[k] = lo + k (hi - lo)/n, edges[n] = hi exactly. */
void hdnet__linspace_edges(double lo, double hi, size_t n, double *edges);
/* NaN-aware max, min (NaN if all NaN) and first argmax (-1 if all NaN). */
double hdnet__nanmax(const double *x, size_t n);
double hdnet__nanmin(const double *x, size_t n);
long hdnet__nanargmax(const double *x, size_t n);
/* Circular mean of a curve over bin centres (degrees): phi in [0, 360) (NaN if sum w = 0)
 * and R; baseline 0 raw weights, 1 minus nanmin, 2 auto (raw if nanmin >= 0). */
void hdnet__circ_mean_curve(const double *c, const double *centres, size_t n, int baseline,
                            double *phi, double *r);
/* Argmax bin of the NaN-aware circular moving average over `width` bins (odd); -1 if all NaN. */
long hdnet__smoothed_argmax(const double *c, size_t n, size_t width);
/* Least squares with intercept on n points (w = NULL: unweighted).
 * fit[0] slope, [1] intercept, [2] SE, [3] t, [4] R^2, [5] n; NaN where undefined. */
#define HDNET__FIT_N 6
void hdnet__linfit(const double *x, const double *y, const double *w, size_t n, double *fit);
/* Sort n doubles ascending (no NaN). */
void hdnet__sort(double *x, size_t n);
/* Linear-interpolation percentile (NumPy default) of n values, q in [0, 1]; sorts x in place. */
double hdnet__percentile(double *x, size_t n, double q);
/* The slope of a binned curve (docs/analyses.md): x centres, m means (NaN empty), cnt counts, edges [n+1].
 * Writes fit[HDNET__FIT_N] and mask[n] (1 = used; may be NULL). */
void hdnet__slope_fit(const hdnet_aparams *p, const double *x, const double *m, const double *cnt,
                      const double *edges, size_t n, double *fit, double *mask);

/* Pearson r of the mean connection profile a(r) with b(-r) (tables of HDNET_PR_ROWS rows of
 * HDNET_PROFILE_BINS), over the bins where both are defined; NaN below 3 bins. *n_bins, when
 * not NULL, receives the number of bins used. */
double hdnet__mirror_corr(const double *a, const double *b, size_t *n_bins);

#endif
