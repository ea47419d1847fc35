/** @file
 * libhdnet: analyses of a trained network, as a neurophysiologist would do them.
 *
 * Conventions: headings in degrees, angular velocity (AV, omega) in degrees per
 * step, 0-based indices, W_rec [post][pre]. omega > 0 increases the heading (a
 * counter-clockwise, CCW, turn). Every threshold is a named analysis parameter
 * (hdnet_aparams) whose default is the MATLAB reference value.
 *
 * Workflow (streaming; memory O(N x bins)):
 *   hdnet_tuning_create(&t, N, params)
 *   pass 0: hdnet_tuning_add(t, ...) with the inputs only (rates may be NULL);
 *           hdnet_tuning_next_pass(t)  -> AV range, sigma_AV, window
 *   pass 1: hdnet_tuning_add(t, ...) with rates and outputs;
 *           hdnet_tuning_next_pass(t)  -> tuning curves, preferred headings
 *   pass 2: hdnet_tuning_add(t, ...) with the same samples again;
 *           hdnet_tuning_next_pass(t)  -> AV tuning at phi, slopes; state "done"
 * or hdnet_tuning_collect(), which runs a network noise-free in chunks for all
 * three passes. Sums are accumulated in double in sample order, so results do
 * not depend on how the samples are split into calls.
 *
 * Thread-safety: one thread at a time per mutable handle; calls taking const
 * handles may run concurrently; the free functions on arrays are reentrant. */
#ifndef HDNET_ANALYSIS_H
#define HDNET_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Analysis parameters                                                 */
/* ------------------------------------------------------------------ */

/** Opaque set of analysis parameters (HDNET_A_* ids, thresholds and bin counts);
 *  create with hdnet_aparams_create(). */
typedef struct hdnet_aparams hdnet_aparams;

/* Parameter ids (values fixed forever). Defaults in parentheses. */
#define HDNET_A_COMPAT              1  /**< HDNET_COMPAT_* (library) */
#define HDNET_A_HD_BINS             2  /**< heading bins; 0 = auto: 360, 99 under compat=pytorch (0) */
#define HDNET_A_AV_BINS             3  /**< full-range AV bins (100) */
#define HDNET_A_AV_EDGE_PAD         4  /**< pad of the last AV edge, deg/step (1e-4) */
#define HDNET_A_AV_WINDOW_SD        5  /**< AV window half-width in sigma_AV (3) */
#define HDNET_A_AV_WINDOW_BINS      6  /**< bins of the AV window (100) */
#define HDNET_A_PREF_WINDOW_DEG     7  /**< heading window around phi, inclusive (1.5) */
#define HDNET_A_DROP_ZERO_BIN       8  /**< drop the bin containing omega = 0 from the fit (1) */
#define HDNET_A_FIT_FLOOR           9  /**< rectification floor of the fit (0.05) */
#define HDNET_A_FIT_FLOOR_FRACTION 10  /**< floor rule applies above this fraction (0.25) */
#define HDNET_A_SLOPE_WEIGHTS      11  /**< 0 = ordinary LS, 1 = weighted by bin counts (0) */
#define HDNET_A_CM_BASELINE        12  /**< circular-mean weights: 0 raw, 1 minus nanmin, 2 auto (2) */
#define HDNET_A_SMOOTH_BINS        13  /**< circular moving average of the smoothed argmax (5) */
#define HDNET_A_ROWNORM_MIN_RANGE  14  /**< row-normalised maps: rows with a larger range (1e-4) */
#define HDNET_A_ACT_RANGE_MIN      15  /**< removal: activity range below (0.01) */
#define HDNET_A_STRENGTH_REMOVE    16  /**< reference removal: S below (0.03) */
#define HDNET_A_COMPASS_SLOPE_MAX  17  /**< reference compass: |b| at most (0.0175) */
#define HDNET_A_COMPASS_STRENGTH_MIN 18 /**< reference compass: S above (0.735) */
#define HDNET_A_WEAK_SLOPE_MAX     19  /**< reference weak: |b| at most (0.0065) */
#define HDNET_A_WEAK_STRENGTH_MAX  20  /**< reference weak: S below (0.05) */
#define HDNET_A_RM_REL             21  /**< adaptive removal: S below rm_rel * S90 (0.05) */
#define HDNET_A_BIMODAL_MIN        22  /**< adaptive: Ashman's D needed to accept Otsu's split (2) */
#define HDNET_A_A_FALLBACK         23  /**< adaptive: A* when the split is not accepted (0.4) */
#define HDNET_A_T_MIN              24  /**< adaptive: |t| of the slope below this = heading-only (3) */
#define HDNET_A_WEAK_REL           25  /**< adaptive: compass if S >= weak_rel * S90 (0.1) */
#define HDNET_A_PROFILE_WINDOW     26  /**< connectivity-profile sliding window, odd, degrees (5) */
#define HDNET_A_SLOPE_SCALE        27  /**< reference rule: slope thresholds multiplied by this (1) */

#define HDNET_COMPAT_LIBRARY 0  /**< t >= cue in all analyses; exact 360 -> bin 0 */
#define HDNET_COMPAT_MATLAB  1  /**< all steps in curves; exact 360 -> last bin; reference profile labels */
#define HDNET_COMPAT_PYTORCH 2  /**< all steps in curves; 99 heading bins */

/** Create analysis parameters at their defaults (the MATLAB reference values).
 *  @param[out] out  the new parameter set, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (out NULL), HDNET_ENOMEM
 *  Ownership: free with hdnet_aparams_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_aparams_create(hdnet_aparams **out);

/** Free analysis parameters; NULL is accepted.
 *  @param[in] p  parameter set to free, or NULL */
HDNET_API void hdnet_aparams_free(hdnet_aparams *p);

/** Set a parameter by id.
 *  @param[in,out] p  the parameter set (unchanged on failure)
 *  @param[in] id     HDNET_A_*
 *  @param[in] value  new value, in the units of the parameter (hdnet_aparam_info() gives the bounds)
 *  @return HDNET_OK, HDNET_EINVAL (NULL, unknown id), HDNET_ERANGE (NaN, outside bounds,
 *          non-integer where an integer is needed, even profile_window or smooth_bins,
 *          hd_bins = 1)
 *  Thread-safety: one thread at a time per parameter set. */
HDNET_API HDNET_NODISCARD int hdnet_aparams_set(hdnet_aparams *p, int id, double value);

/** Read a parameter by id.
 *  @param[in]  p      the parameter set
 *  @param[in]  id     HDNET_A_*
 *  @param[out] value  the current value
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown id)
 *  Thread-safety: p is only read. */
HDNET_API HDNET_NODISCARD int hdnet_aparams_get(const hdnet_aparams *p, int id, double *value);

/** Set a parameter from text, e.g. ("compass_slope_max", "0.02"); compat also
 *  takes "library", "matlab", "pytorch".
 *  @param[in,out] p  the parameter set (unchanged on failure)
 *  @param[in] name   parameter name (hdnet_aparam_info())
 *  @param[in] value  number as text, or a compat name
 *  @return HDNET_OK, HDNET_EINVAL (NULL, unknown name, unparsable value), HDNET_ERANGE
 *          (as hdnet_aparams_set())
 *  Thread-safety: one thread at a time per parameter set. */
HDNET_API HDNET_NODISCARD int hdnet_aparams_set_str(hdnet_aparams *p, const char *name, const char *value);

/** Number of analysis parameters, for iteration with hdnet_aparam_info().
 *  @return the count (constant for a library version)
 *  Thread-safety: safe from any thread. */
HDNET_API size_t hdnet_aparam_count(void);

/** Id, name, bounds and default of the i-th analysis parameter.
 *  @param[in]  i     index, 0 ... hdnet_aparam_count()-1 (not the id)
 *  @param[out] id    HDNET_A_* id, or NULL
 *  @param[out] name  static name ("hd_bins", ...), or NULL
 *  @param[out] lo    lowest accepted value, or NULL
 *  @param[out] hi    highest accepted value, or NULL
 *  @param[out] dflt  default value, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (i out of range)
 *  Thread-safety: safe from any thread. */
HDNET_API HDNET_NODISCARD int hdnet_aparam_info(size_t i, int *id, const char **name, double *lo,
                                                double *hi, double *dflt);

/** Id of a parameter name.
 *  @param[in]  name  parameter name, e.g. "t_min"
 *  @param[out] id    the HDNET_A_* id
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown name)
 *  Thread-safety: safe from any thread. */
HDNET_API HDNET_NODISCARD int hdnet_aparam_id(const char *name, int *id);

/* ------------------------------------------------------------------ */
/* Tuning accumulator                                                  */
/* ------------------------------------------------------------------ */

/** Opaque streaming accumulator of tuning curves, maps and per-unit statistics
 *  over three passes (see the header comment); create with hdnet_tuning_create(). */
typedef struct hdnet_tuning hdnet_tuning;

/* Arrays (hdnet_tuning_copy). Shapes with N units, H heading bins, V AV bins,
 * W AV-window bins. */
#define HDNET_TU_HD_EDGES        0  /**< [H+1] */
#define HDNET_TU_HD_CENTRES      1  /**< [H] */
#define HDNET_TU_AV_EDGES        2  /**< [V+1] full range */
#define HDNET_TU_AV_CENTRES      3  /**< [V] */
#define HDNET_TU_WIN_EDGES       4  /**< [W+1] AV window */
#define HDNET_TU_WIN_CENTRES     5  /**< [W] */
#define HDNET_TU_CURVE           6  /**< c [N][H], mean rate per true-heading bin, NaN if empty */
#define HDNET_TU_CURVE_DEC       7  /**< c~ [N][H], decoded heading */
#define HDNET_TU_CURVE_CCW       8  /**< c+ [N][H], omega > 0 */
#define HDNET_TU_CURVE_CW        9  /**< c- [N][H], omega < 0 */
#define HDNET_TU_CURVE_COUNTS   10  /**< [4][H] sample counts of c, c~, c+, c- */
#define HDNET_TU_MAP            11  /**< M [N][V][H] joint HD x AV map, NaN if empty */
#define HDNET_TU_MAP_DEC        12  /**< [N][V][H] decoded heading */
#define HDNET_TU_MAP_ROWNORM    13  /**< [N][V][H] row-normalised M */
#define HDNET_TU_MAP_DEC_ROWNORM 14 /**< [N][V][H] */
#define HDNET_TU_MAP_COUNTS     15  /**< [V][H] occupancy */
#define HDNET_TU_MAP_DEC_COUNTS 16  /**< [V][H] */
#define HDNET_TU_AV_CURVE       17  /**< g [N][V] mean rate per AV bin over all headings */
#define HDNET_TU_AV_COUNTS      18  /**< [V] AV histogram */
#define HDNET_TU_PREF_CURVE     19  /**< m [N][W] AV tuning at phi, NaN if empty */
#define HDNET_TU_PREF_COUNTS    20  /**< [N][W] */
#define HDNET_TU_PREF_FITMASK   21  /**< [N][W] 1 where the bin entered the slope fit */
#define HDNET_TU_PREF_CURVE_DEC 22  /**< [N][W] decoded variant */
#define HDNET_TU_PREF_COUNTS_DEC 23 /**< [N][W] */
#define HDNET_TU_PREF_FITMASK_DEC 24 /**< [N][W] */
#define HDNET_TU_NARRAYS        25  /**< number of array ids (not a valid id) */

/* Per-unit statistics (hdnet_tuning_unit_stat), each an [N] array. */
#define HDNET_US_ACT_MIN         0  /**< min rate, t >= cue */
#define HDNET_US_ACT_MAX         1  /**< max rate, t >= cue */
#define HDNET_US_RANGE           2  /**< activity range */
#define HDNET_US_S               3  /**< HD tuning strength nanmax(c) - nanmin(c) */
#define HDNET_US_S_DEC           4  /**< on c~ */
#define HDNET_US_PHI             5  /**< preferred heading (argmax bin centre), NaN for a flat curve */
#define HDNET_US_PHI_DEC         6  /**< preferred heading on c~ (decoded heading), degrees */
#define HDNET_US_PHI_CCW         7  /**< preferred heading phi+ on c+ (omega > 0), degrees */
#define HDNET_US_PHI_CW          8  /**< preferred heading phi- on c- (omega < 0), degrees */
#define HDNET_US_PEAK_CCW        9  /**< max c+ */
#define HDNET_US_PEAK_CW        10  /**< max c- */
#define HDNET_US_DELTA          11  /**< wrap(phi+ - phi-) in (-180, 180] */
#define HDNET_US_PHI_CM         12  /**< circular mean of c */
#define HDNET_US_R              13  /**< mean vector length of c */
#define HDNET_US_PHI_SMOOTH     14  /**< argmax of the smoothed c */
#define HDNET_US_AV_STRENGTH_ALL 15 /**< max - min of g over all bins */
#define HDNET_US_AV_STRENGTH_WIN 16 /**< max - min of g over bins centred in the window */
#define HDNET_US_AV_STRENGTH_PREF 17 /**< max - min of m */
#define HDNET_US_SLOPE          18  /**< b, rate per (deg/step) */
#define HDNET_US_SLOPE_SE       19  /**< standard error of b */
#define HDNET_US_SLOPE_T        20  /**< t statistic b / SE(b) */
#define HDNET_US_SLOPE_R2       21  /**< R^2 of the slope fit */
#define HDNET_US_SLOPE_N        22  /**< bins in the fit */
#define HDNET_US_SLOPE_SIGMA    23  /**< b * sigma_AV */
#define HDNET_US_A              24  /**< |b| (hi - lo) / S */
#define HDNET_US_INTERCEPT      25  /**< intercept of the fit of m against omega (rate at omega = 0) */
#define HDNET_US_SLOPE_DEC      26  /**< b~ (decoded heading, phi~) */
#define HDNET_US_SLOPE_DEC_SE   27  /**< standard error of b~ */
#define HDNET_US_SLOPE_DEC_T    28  /**< t statistic b~ / SE(b~) */
#define HDNET_US_A_DEC          29  /**< |b~| (hi - lo) / S~ */
#define HDNET_US_AV_STRENGTH_PREF_DEC 30  /**< max - min of the decoded AV tuning curve m~ */
#define HDNET_US_INTERCEPT_DEC  31  /**< intercept of the decoded fit */
#define HDNET_US_SLOPE_ALLHD    32  /**< slope of g over the bins centred in the window (the slope rules of docs/analyses.md) */
#define HDNET_US_PHI_ARGMAX     33  /**< argmax centre even for flat curves (selects the pass-2 window) */
#define HDNET_US_COUNT          34  /**< number of per-unit statistics (not a valid id) */

/* Scalars (hdnet_tuning_scalar). */
#define HDNET_TS_N_SAMPLES       0  /**< samples seen in pass 0 */
#define HDNET_TS_N_INCLUDED      1  /**< samples in the tuning analyses */
#define HDNET_TS_N_NONFINITE_DEC 2  /**< samples with a non-finite decoded heading (pass 1) */
#define HDNET_TS_AV_MIN          3  /**< smallest omega over included samples, deg/step */
#define HDNET_TS_AV_MAX          4  /**< largest omega over included samples, deg/step */
#define HDNET_TS_SIGMA_AV        5  /**< SD (n-1) of the non-zero omega, deg/step; NaN if undefined */
#define HDNET_TS_SD_WITH_ZEROS   6  /**< SD (n-1) of omega over included samples, zeros included */
#define HDNET_TS_MEAN_ABS_AV     7  /**< mean |omega| over included samples, deg/step */
#define HDNET_TS_ZERO_FRACTION   8  /**< fraction of included samples with omega = 0 */
#define HDNET_TS_WIN_LO          9  /**< AV window start, max(-av_window_sd*sigma_AV, AV min), deg/step; NaN if undefined */
#define HDNET_TS_WIN_HI         10  /**< AV window end, min(av_window_sd*sigma_AV, AV max), deg/step; NaN if undefined */
#define HDNET_TS_ZERO_ROW       11  /**< full-range AV bin containing 0 (-1 if none) */
#define HDNET_TS_PASS           12  /**< 0, 1, 2, or 3 = done */
#define HDNET_TS_N_UNITS        13  /**< N, units of the accumulator */
#define HDNET_TS_COUNT          14  /**< number of scalar ids (not a valid id) */

/** Create an accumulator for n_units units, in pass 0.
 *  @param[out] out    the new accumulator, NULL on failure
 *  @param[in] n_units N, units of the rates to be added (> 0)
 *  @param[in] params  analysis parameters (copied), or NULL for the defaults
 *  @return HDNET_OK, HDNET_EINVAL (out NULL, n_units 0), HDNET_ENOMEM
 *  Ownership: free with hdnet_tuning_free(). Memory is O(N x bins).
 *  Thread-safety: reentrant; params is only read. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_create(hdnet_tuning **out, size_t n_units, const hdnet_aparams *params);

/** Free an accumulator; NULL is accepted.
 *  @param[in] t  accumulator to free, or NULL */
HDNET_API void hdnet_tuning_free(hdnet_tuning *t);

/** Add samples of n_trials trials of n_steps steps to the current pass.
 *  The same samples, in the same order, must be added in every pass. Lengths are
 *  in elements and must be at least the size the shape gives. A failed call
 *  changes nothing.
 *  @param[in,out] t        the accumulator
 *  @param[in] n_trials     trials in this call
 *  @param[in] n_steps      steps per trial
 *  @param[in] cue          cue steps (t < cue are excluded from the activity range, and from
 *                          the tuning analyses unless compat is matlab or pytorch)
 *  @param[in] heading      [n_trials][n_steps] true heading, radians (any real value; wrapped)
 *  @param[in] heading_len  length of heading, >= n_trials*n_steps
 *  @param[in] av           [n_trials][n_steps] angular velocity added at step t, rad/step
 *  @param[in] av_len       length of av, >= n_trials*n_steps
 *  @param[in] outputs      [n_trials][n_steps][2] (y_sin, y_cos), or NULL (no decoded analyses);
 *                          ignored in pass 0
 *  @param[in] outputs_len  length of outputs, >= n_trials*n_steps*2 (ignored when not used)
 *  @param[in] rates        [n_trials][n_steps][N]; may be NULL in pass 0, required in passes 1-2
 *  @param[in] rates_len    length of rates, >= n_trials*n_steps*N (ignored in pass 0)
 *  @return HDNET_OK, HDNET_EINVAL (NULL t, heading or av; rates NULL after pass 0),
 *          HDNET_ESHAPE (a length too small, or a size that overflows),
 *          HDNET_ERANGE (cue > n_steps, non-finite heading, AV or rate, an AV outside the
 *          range pass 0 saw), HDNET_ESTATE (all passes done)
 *  Thread-safety: one thread at a time per accumulator. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_add(hdnet_tuning *t, size_t n_trials, size_t n_steps, size_t cue,
                                               const double *heading, size_t heading_len,
                                               const double *av, size_t av_len,
                                               const float *outputs, size_t outputs_len,
                                               const float *rates, size_t rates_len);

/** Close the current pass and compute what it allows (see the header comment).
 *  @param[in,out] t  the accumulator
 *  @return HDNET_OK, HDNET_EINVAL (t NULL), HDNET_ESTATE (already done, no samples in pass 0,
 *          or a pass that saw another number of samples than pass 0), HDNET_ENOMEM,
 *          HDNET_ENOTSUP (closing pass 1 when sigma_AV is undefined, e.g. no non-zero
 *          omega: the heading analyses are final and pass 2 is skipped)
 *  Thread-safety: one thread at a time per accumulator. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_next_pass(hdnet_tuning *t);

/** Run all remaining passes over a fixed set of trials with a network, noise-free,
 *  chunk trials at a time (hdnet_net_run(), no perturbation). The network must
 *  have N units, 3 inputs and 2 outputs.
 *  @param[in,out] t        the accumulator (in any pass before "done")
 *  @param[in] net          the network (only read)
 *  @param[in] n_trials     trials (> 0)
 *  @param[in] n_steps      steps per trial (> 0)
 *  @param[in] cue          cue steps, as hdnet_tuning_add()
 *  @param[in] inputs       [n_trials][n_steps][3] network inputs
 *  @param[in] inputs_len   length of inputs, >= n_trials*n_steps*3
 *  @param[in] heading      [n_trials][n_steps] true heading, radians
 *  @param[in] heading_len  length of heading, >= n_trials*n_steps
 *  @param[in] av           [n_trials][n_steps] angular velocity, rad/step
 *  @param[in] av_len       length of av, >= n_trials*n_steps
 *  @param[in] chunk        trials per network call (> 0; results do not depend on it)
 *  @return as hdnet_tuning_add() and hdnet_tuning_next_pass(), plus HDNET_EINVAL (zero chunk,
 *          trials or steps), HDNET_ESHAPE (the network has not N units, 3 inputs and 2
 *          outputs), the network's codes (HDNET_EDIVERGED, ...), HDNET_ENOMEM
 *  Ownership: allocates and frees a temporary workspace of chunk*n_steps*(N+2) floats.
 *  Thread-safety: one thread at a time per accumulator; net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_collect(hdnet_tuning *t, const hdnet_net *net, size_t n_trials,
                                                   size_t n_steps, size_t cue,
                                                   const float *inputs, size_t inputs_len,
                                                   const double *heading, size_t heading_len,
                                                   const double *av, size_t av_len, size_t chunk);

/** Shape of an array (shapes are fixed at create time).
 *  @param[in]  t     the accumulator
 *  @param[in]  id    HDNET_TU_*
 *  @param[out] len   total number of elements, or NULL
 *  @param[out] dims  up to 3 dimensions, unused ones 1, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (t NULL, unknown id)
 *  Thread-safety: t is only read. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_array_shape(const hdnet_tuning *t, int id, size_t *len, size_t dims[3]);

/** Copy an array out (C order, doubles).
 *  @param[in]  t        the accumulator
 *  @param[in]  id       HDNET_TU_*
 *  @param[out] out      the array (hdnet_tuning_array_shape())
 *  @param[in]  out_len  length of out, at least the array's length
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown id), HDNET_ESHAPE (out_len too small),
 *          HDNET_ESTATE (the pass that computes it is not closed yet: AV edges after pass 0,
 *          curves and maps after pass 1, HDNET_TU_PREF_* after pass 2)
 *  Thread-safety: t is only read. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_copy(const hdnet_tuning *t, int id, double *out, size_t out_len);

/** Copy a per-unit statistic. Statistics computed in pass 2 (slopes, A, intercepts,
 *  HDNET_US_AV_STRENGTH_PREF*) are NaN until pass 2 is closed.
 *  @param[in]  t        the accumulator
 *  @param[in]  stat     HDNET_US_*
 *  @param[out] out      [N] values
 *  @param[in]  out_len  length of out, at least N
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown stat), HDNET_ESHAPE (out_len < N),
 *          HDNET_ESTATE (pass 1 not closed)
 *  Thread-safety: t is only read. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_unit_stat(const hdnet_tuning *t, int stat, double *out, size_t out_len);

/** Short name of a per-unit statistic.
 *  @param[in] stat  HDNET_US_*
 *  @return a static string ("S", "phi", "slope", ...), or NULL for an unknown id
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_unit_stat_name(int stat);

/** Read a scalar of the accumulator.
 *  @param[in]  t      the accumulator
 *  @param[in]  which  HDNET_TS_*
 *  @param[out] value  the value (AV quantities in deg/step, counts as doubles)
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown id), HDNET_ESTATE (not computed yet:
 *          everything but N_SAMPLES, PASS and N_UNITS needs pass 0 closed, N_NONFINITE_DEC pass 1)
 *  Thread-safety: t is only read. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_scalar(const hdnet_tuning *t, int which, double *value);

/* ------------------------------------------------------------------ */
/* Classification                                                      */
/* ------------------------------------------------------------------ */

#define HDNET_CLASS_COMPASS     0  /**< heading-tuned, little AV modulation */
#define HDNET_CLASS_SHIFTER_CCW 1  /**< more active when the heading increases (b > 0) */
#define HDNET_CLASS_SHIFTER_CW  2  /**< more active when the heading decreases (b < 0) */
#define HDNET_CLASS_WEAK        3  /**< weakly heading-tuned, little AV modulation */
#define HDNET_CLASS_INACTIVE    4  /**< "removed" in docs/analyses.md */
#define HDNET_NCLASSES          5  /**< number of classes (not a valid class) */

#define HDNET_RULE_REFERENCE 0  /**< MATLAB thresholds (docs/analyses.md) */
#define HDNET_RULE_ADAPTIVE  1  /**< scale-free rule (docs/analyses.md) */

/* Reason bits. */
#define HDNET_REASON_RANGE      1u  /**< activity range below act_range_min */
#define HDNET_REASON_STRENGTH   2u  /**< S below strength_remove (reference) or rm_rel * S90 (adaptive) */
#define HDNET_REASON_NOFIT      4u  /**< no slope fit (b is NaN): classed inactive */
#define HDNET_REASON_ZERO_SLOPE 8u  /**< b exactly 0 (no shifter direction): classed compass or weak */

/* info[] of hdnet_classify. */
#define HDNET_CI_ASTAR   0  /**< split point A* (adaptive) or NaN */
#define HDNET_CI_D       1  /**< Ashman's D of the Otsu split, NaN if not computed */
#define HDNET_CI_BRANCH  2  /**< 0 reference rule, 1 Otsu split accepted, 2 fallback */
#define HDNET_CI_S90     3  /**< 90th percentile of S over units passing the range test */
#define HDNET_CI_COUNT   4  /**< number of info entries (minimum info_len) */

/** Classify units from their statistics with a rule (HDNET_RULE_*).
 *  @param[in] rule      HDNET_RULE_REFERENCE or HDNET_RULE_ADAPTIVE
 *  @param[in] params    thresholds (HDNET_A_*), or NULL for the defaults
 *  @param[in] n         number of units (> 0)
 *  @param[in] range     [n] activity range (HDNET_US_RANGE)
 *  @param[in] strength  [n] HD tuning strength S
 *  @param[in] slope     [n] AV slope b, rate per (deg/step)
 *  @param[in] slope_t   [n] t = b/SE; used by the adaptive rule only (may be NULL for the
 *                       reference rule)
 *  @param[in] avmod     [n] AV modulation A; adaptive rule only (may be NULL for the reference rule)
 *  @param[out] cls      [n] HDNET_CLASS_*
 *  @param[out] reasons  [n] HDNET_REASON_* bits, or NULL
 *  @param[out] info     [info_len] HDNET_CI_* values, or NULL
 *  @param[in] info_len  length of info, >= HDNET_CI_COUNT (ignored when info is NULL)
 *  @return HDNET_OK, HDNET_EINVAL (NULL range, strength, slope or cls; n = 0; unknown rule;
 *          slope_t or avmod NULL under the adaptive rule), HDNET_ESHAPE (info_len too small),
 *          HDNET_ENOMEM
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_classify(int rule, const hdnet_aparams *params, size_t n,
                                             const double *range, const double *strength,
                                             const double *slope, const double *slope_t,
                                             const double *avmod, int *cls, uint32_t *reasons,
                                             double *info, size_t info_len);

/** Classify the units of a finished accumulator with its own analysis parameters.
 *  @param[in] t            the accumulator, all passes done
 *  @param[in] rule         HDNET_RULE_*
 *  @param[in] decoded      0: S, b, t and A on the true heading; 1: S~, b~, t~ and A~
 *  @param[out] cls         [N] HDNET_CLASS_*
 *  @param[in] cls_len      length of cls, >= N
 *  @param[out] reasons     [N] HDNET_REASON_* bits, or NULL
 *  @param[in] reasons_len  length of reasons, >= N (ignored when NULL)
 *  @param[out] info        [info_len] HDNET_CI_* values, or NULL
 *  @param[in] info_len     length of info, >= HDNET_CI_COUNT (ignored when NULL)
 *  @return as hdnet_classify(), HDNET_ESHAPE (cls_len or reasons_len < N),
 *          HDNET_ESTATE (passes not done, or decoded = 1 without outputs in the passes)
 *  Thread-safety: t is only read. */
HDNET_API HDNET_NODISCARD int hdnet_tuning_classify(const hdnet_tuning *t, int rule, int decoded, int *cls,
                                                    size_t cls_len, uint32_t *reasons, size_t reasons_len,
                                                    double *info, size_t info_len);

/** Name of a class.
 *  @param[in] cls  HDNET_CLASS_*
 *  @return a static string ("compass", "shifter_ccw", "shifter_cw", "weak", "inactive"),
 *          or NULL if unknown
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_class_name(int cls);

/* ------------------------------------------------------------------ */
/* Tiling, ordering, connectivity                                      */
/* ------------------------------------------------------------------ */

#define HDNET_TILE_N        0  /**< number of finite directions used */
#define HDNET_TILE_GMAX     1  /**< largest circular gap, degrees */
#define HDNET_TILE_GEXP     2  /**< (360/n) H_n, expected largest gap under uniform placement */
#define HDNET_TILE_GBOUND   3  /**< min(90, 360 (ln n + 3)/n), the R5 bound */
#define HDNET_TILE_RBAR     4  /**< resultant length */
#define HDNET_TILE_KUIPER_V 5  /**< Kuiper's V statistic of uniformity of the directions */
#define HDNET_TILE_KUIPER_P 6  /**< asymptotic p-value of Kuiper's V (1 for small V) */
#define HDNET_TILE_COUNT    7  /**< number of tiling statistics (minimum out_len) */

/** Tiling statistics of preferred directions (NaN and infinite entries are skipped).
 *  With fewer than 2 finite directions every statistic but N is NaN.
 *  @param[in]  phi      [n] preferred directions, degrees
 *  @param[in]  n        number of directions
 *  @param[out] out      [out_len] HDNET_TILE_* values
 *  @param[in]  out_len  length of out, >= HDNET_TILE_COUNT
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (out_len too small), HDNET_ENOMEM
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_tiling_stats(const double *phi, size_t n, double *out, size_t out_len);

#define HDNET_ORDER_INDEX       0  /**< kept units by index */
#define HDNET_ORDER_PHI         1  /**< kept units by phi */
#define HDNET_ORDER_BLOCKS      2  /**< [compass, CCW, CW], each by phi */
#define HDNET_ORDER_BLOCKS_WEAK 3  /**< [compass, CCW, CW, weak] */
#define HDNET_ORDER_ALL         4  /**< [compass, CCW, CW, weak, inactive]: every unit (map display) */

/** Unit order for sorted weights and map grids. Ties (and NaN phi, last) by unit index.
 *  INDEX, PHI and BLOCKS_WEAK keep compass, CCW, CW and weak units; BLOCKS drops weak
 *  units too; ALL keeps every unit.
 *  @param[in]  order     HDNET_ORDER_*
 *  @param[in]  n         number of units
 *  @param[in]  cls       [n] HDNET_CLASS_* classes
 *  @param[in]  phi       [n] preferred headings, degrees (may be NULL for HDNET_ORDER_INDEX)
 *  @param[out] perm      [perm_cap] unit indices
 *  @param[in]  perm_cap  length of perm
 *  @param[out] n_perm    number of units in the order (set even on HDNET_ESHAPE)
 *  @param[out] bounds    [6] (may be NULL): block c (0 compass, 1 CCW, 2 CW, 3 weak,
 *                        4 inactive) is perm[bounds[c] .. bounds[c+1]); absent blocks are
 *                        empty; for INDEX and PHI bounds[0] = 0 and the rest are *n_perm
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown order or class), HDNET_ESHAPE
 *          (perm_cap < *n_perm), HDNET_ENOMEM
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_unit_order(int order, size_t n, const int *cls, const double *phi,
                                               size_t *perm, size_t perm_cap, size_t *n_perm, size_t bounds[6]);

/** Reorder a square weight matrix: W_sorted[r][c] = W[perm[r]][perm[c]].
 *  @param[in]  w        [n][n] weights, [post][pre]
 *  @param[in]  n        units of w
 *  @param[in]  perm     [n_perm] unit indices (e.g. from hdnet_unit_order())
 *  @param[in]  n_perm   length of perm
 *  @param[out] out      [n_perm][n_perm] sorted weights
 *  @param[in]  out_len  length of out, >= n_perm*n_perm
 *  @return HDNET_OK, HDNET_EINVAL (NULL, index >= n), HDNET_ESHAPE (out_len too small)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_sort_weights(const float *w, size_t n, const size_t *perm, size_t n_perm,
                                                 float *out, size_t out_len);

#define HDNET_PROFILE_BINS 360  /**< 1-degree bins of relative angle in a profile table */
/* Rows of the profile table. */
#define HDNET_PR_CENTRE 0      /**< bin centre, degrees (-179 ... 180; -179.5 ... 179.5 under compat=matlab) */
#define HDNET_PR_N      1      /**< pairs counted in the bin (each pair counts in every bin of its sliding window) */
#define HDNET_PR_MEAN   2      /**< mean weight, NaN for an empty bin */
#define HDNET_PR_SD     3      /**< SD (n-1) of the weights, 0 for one pair, NaN for an empty bin */
#define HDNET_PR_SEM    4      /**< SD / sqrt(n), NaN for an empty bin */
#define HDNET_PR_ROWS   5      /**< rows of a profile table */

/** Connectivity against relative preferred angle r = wrap(phi_post - phi_pre) (docs/analyses.md):
 *  the weights of every (pre, post) pair with pre != post, binned into 1-degree bins with
 *  a sliding window of HDNET_A_PROFILE_WINDOW bins.
 *  @param[in]  params    analysis parameters (profile_window, compat), or NULL for the defaults
 *  @param[in]  w_rec     [n][n] weights [post][pre]
 *  @param[in]  n         units of w_rec
 *  @param[in]  phi       [n] preferred headings, degrees (pairs with a NaN are skipped)
 *  @param[in]  pre       [n_pre] presynaptic unit indices
 *  @param[in]  n_pre     length of pre
 *  @param[in]  post      [n_post] postsynaptic unit indices
 *  @param[in]  n_post    length of post
 *  @param[out] table     [HDNET_PR_ROWS][HDNET_PROFILE_BINS]: centre, n, mean, sd, sem
 *  @param[in]  table_len length of table, >= HDNET_PR_ROWS*HDNET_PROFILE_BINS
 *  @param[out] pairs     [pairs_cap][4] (pre, post, r in degrees, w), or NULL
 *  @param[in]  pairs_cap rows available in pairs
 *  @param[out] n_pairs   number of pairs (written to pairs only up to pairs_cap)
 *  An empty pre or post set gives an all-NaN table and *n_pairs = 0 (not an error).
 *  @return HDNET_OK, HDNET_EINVAL (NULL, unit index >= n), HDNET_ESHAPE (table_len too small)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_profile(const hdnet_aparams *params, const float *w_rec, size_t n,
                                            const double *phi, const int *pre, size_t n_pre,
                                            const int *post, size_t n_post, double *table, size_t table_len,
                                            double *pairs, size_t pairs_cap, size_t *n_pairs);

/** Offset of a profile: delta = arg sum_k max(mean_k, 0) e^{i centre_k}.
 *  @param[in]  table      a profile table from hdnet_profile()
 *  @param[in]  table_len  length of table, >= HDNET_PR_ROWS*HDNET_PROFILE_BINS
 *  @param[out] delta      degrees in (-180, 180]; NaN when no bin is positive
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (table_len too small)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_profile_offset(const double *table, size_t table_len, double *delta);

/** Mean weight of raw pairs with r_lo <= r <= r_hi, or with r_lo <= |r| <= r_hi
 *  when absolute is 1.
 *  @param[in]  pairs     [n_pairs][4] rows (pre, post, r, w) as from hdnet_profile()
 *  @param[in]  n_pairs   number of rows
 *  @param[in]  r_lo      lower bound of r, degrees
 *  @param[in]  r_hi      upper bound of r, degrees
 *  @param[in]  absolute  1 to compare |r|, 0 to compare r
 *  @param[out] mean      the mean w, NaN when no pair is in range
 *  @param[out] count     number of pairs in range, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (mean NULL, pairs NULL with n_pairs > 0)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_pairs_mean(const double *pairs, size_t n_pairs, double r_lo, double r_hi,
                                               int absolute, double *mean, size_t *count);

/** Autocorrelation rho(k), k = 0..n_lags-1, mean-subtracted, rho(0) = 1.
 *  @param[in]  x       [n] series
 *  @param[in]  n       length of x
 *  @param[out] rho     [n_lags] autocorrelations
 *  @param[in]  n_lags  lags to compute, 1 ... n
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (n_lags = 0 or > n),
 *          HDNET_ERANGE (constant or non-finite x)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_autocorr(const double *x, size_t n, double *rho, size_t n_lags);

/** Wrap an angle into (-180, 180] degrees (d = fmod(x, 360); +360 if d <= -180; -360 if d > 180).
 *  @param[in] x  angle, degrees
 *  @return the wrapped angle
 *  Thread-safety: safe from any thread. */
HDNET_API double hdnet_wrap_deg(double x);

/** Median of the finite values of x (mean of the middle two for an even count).
 *  The finite values are moved to the front of x and sorted; pass a copy to keep x.
 *  @param[in,out] x  [n] values; reordered
 *  @param[in]     n  number of values
 *  @return the median; NaN when x is NULL or has no finite value
 *  Thread-safety: reentrant. */
HDNET_API double hdnet_median(double *x, size_t n);

/* ------------------------------------------------------------------ */
/* Decoding the heading                                                */
/* ------------------------------------------------------------------ */

/** The heading the readout encodes: atan2(y_sin, y_cos) in degrees, in [0, 360).
 *  The decoded analyses of hdnet_tuning_add() use the same definition.
 *  @param[in]  outputs      [n_samples][2] network outputs (y_sin, y_cos)
 *  @param[in]  n_samples    number of samples
 *  @param[out] heading      [n_samples] decoded heading, degrees; NaN where an output is not finite
 *  @param[in]  heading_len  length of heading, >= n_samples
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (heading_len too small)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_decoded_heading(const float *outputs, size_t n_samples, double *heading,
                                                    size_t heading_len);

/** The activity bump of a ring of units (population vector): for each sample,
 *  v = (1/n) sum_k r_k (cos phi_k, sin phi_k) over the selected units k, the bump
 *  strength B = |v| and its position psi = atan2(v_y, v_x) in degrees, (-180, 180].
 *  This is the measure of the lesion experiments (docs/analyses.md).
 *  @param[in]  rates        [n_samples][n_units] rates
 *  @param[in]  n_samples    number of samples
 *  @param[in]  n_units      N, units per sample
 *  @param[in]  units        [n_selected] 0-based unit indices (e.g. the compass units)
 *  @param[in]  n_selected   number of selected units (> 0)
 *  @param[in]  phi          [n_units] preferred heading of every unit, degrees (finite for the selected)
 *  @param[out] strength     [n_samples] B, or NULL
 *  @param[out] position     [n_samples] psi, degrees, or NULL
 *  @param[in]  out_len      length of strength and position, >= n_samples
 *  @return HDNET_OK, HDNET_EINVAL (NULL rates, units or phi; n_selected 0),
 *          HDNET_ESHAPE (out_len too small, a size that overflows),
 *          HDNET_ERANGE (a unit index outside [0, n_units), a non-finite phi of a selected unit)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_bump(const float *rates, size_t n_samples, size_t n_units, const int *units,
                                         size_t n_selected, const double *phi, double *strength,
                                         double *position, size_t out_len);

#ifdef __cplusplus
}
#endif
#endif
