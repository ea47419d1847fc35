/** @file
 * libhdnet: verdicts that can fail — per-unit statistics with their uncertainty, a
 * classification rule that uses it, matched null networks and the competence gate.
 * docs/analyses.md describes every statistic, rule, null and bound.
 *
 * Workflow:
 *   hdnet_tuning_collect(t, ...)                      the usual three passes
 *   hdnet_boot_create(&b, t, params, n_blocks)        blocks of trials (trial i -> block i mod K)
 *   hdnet_boot_collect(b, net, ...) or hdnet_boot_add(b, first_trial, ...)   one more pass
 *   hdnet_boot_resample(b, n_boot, seed)              point estimates, SEs, intervals
 *   hdnet_boot_unit_stat(), hdnet_boot_classify()     classes, class probabilities, count intervals
 *
 * Thread-safety: one thread at a time per mutable handle; const handles may be read
 * concurrently; the free functions are reentrant. */
#ifndef HDNET_TRUST_H
#define HDNET_TRUST_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "net.h"
#include "analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Trial-block bootstrap of the per-unit statistics                    */
/* ------------------------------------------------------------------ */

/** Opaque trial-block bootstrap of per-unit statistics; create with hdnet_boot_create(). */
typedef struct hdnet_boot hdnet_boot;

/* Statistics (hdnet_boot_unit_stat). */
#define HDNET_BS_RANGE  0  /**< activity range max - min of the rate, t >= cue */
#define HDNET_BS_S      1  /**< HD tuning strength nanmax(c) - nanmin(c) of the heading curve while turning (omega != 0) */
#define HDNET_BS_SLOPE  2  /**< AV slope of the mean rate over all headings in the AV window: least squares over the samples (bins weighted by their counts), the bin of omega = 0 left out */
#define HDNET_BS_A      3  /**< AV modulation |b| (hi - lo) / S */
#define HDNET_BS_REL    4  /**< split-half reliability of c: Pearson r of even- against odd-block curves */
#define HDNET_BS_COUNT  5  /**< number of statistics (not a valid id) */

/* What of a statistic (hdnet_boot_unit_stat). */
#define HDNET_BW_VALUE  0  /**< estimate on all trials */
#define HDNET_BW_SE     1  /**< bootstrap standard error (SD over resamples); NaN for REL */
#define HDNET_BW_LO     2  /**< 2.5 % percentile over resamples; NaN for REL */
#define HDNET_BW_HI     3  /**< 97.5 % percentile over resamples; NaN for REL */
#define HDNET_BW_COUNT  4  /**< number of ids (not a valid id) */

/** Create a bootstrap over trial blocks that reuses the heading bins and the AV window of
 *  a finished accumulator.
 *  @param[out] out       the new bootstrap, NULL on failure
 *  @param[in]  t         accumulator with all passes done (read now, not kept)
 *  @param[in]  params    the analysis parameters t was created with, or NULL for the defaults
 *  @param[in]  n_blocks  K, blocks of trials (4 ... 1000); trial i belongs to block i mod K,
 *                        so every block sees the same share of each part of the analysis set
 *  @return HDNET_OK, HDNET_EINVAL (NULL out or t), HDNET_ERANGE (n_blocks outside 4 ... 1000),
 *          HDNET_ESTATE (t not done, or its AV-window pass was skipped), HDNET_ENOMEM
 *  Ownership: free with hdnet_boot_free(). Memory is O(K x N x (heading bins + window bins)).
 *  Thread-safety: reentrant; t and params are only read. */
HDNET_API HDNET_NODISCARD int hdnet_boot_create(hdnet_boot **out, const hdnet_tuning *t,
                                                const hdnet_aparams *params, size_t n_blocks);

/** Free a bootstrap; NULL is accepted.
 *  @param[in] b  bootstrap to free, or NULL */
HDNET_API void hdnet_boot_free(hdnet_boot *b);

/** Add the rates of trials first_trial ... first_trial + n_trials - 1 (the same samples
 *  the accumulator saw; any order, each trial once). A failed call changes nothing.
 *  @param[in,out] b        the bootstrap (before hdnet_boot_resample())
 *  @param[in] first_trial  index of the first trial in the analysis set
 *  @param[in] n_trials     trials in this call
 *  @param[in] n_steps      steps per trial
 *  @param[in] cue          cue steps, as hdnet_tuning_add()
 *  @param[in] heading      [n_trials][n_steps] true heading, radians
 *  @param[in] heading_len  length of heading, >= n_trials*n_steps
 *  @param[in] av           [n_trials][n_steps] angular velocity, rad/step
 *  @param[in] av_len       length of av, >= n_trials*n_steps
 *  @param[in] rates        [n_trials][n_steps][N] rates
 *  @param[in] rates_len    length of rates, >= n_trials*n_steps*N
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (a length too small, size
 *          overflow), HDNET_ERANGE (cue > n_steps, non-finite value), HDNET_ESTATE (resampled)
 *  Thread-safety: one thread at a time per bootstrap. */
HDNET_API HDNET_NODISCARD int hdnet_boot_add(hdnet_boot *b, size_t first_trial, size_t n_trials,
                                             size_t n_steps, size_t cue, const double *heading,
                                             size_t heading_len, const double *av, size_t av_len,
                                             const float *rates, size_t rates_len);

/** Run a network noise-free over all trials, chunk trials at a time, and add its rates.
 *  @param[in,out] b        the bootstrap
 *  @param[in] net          the network (only read; N units, 3 inputs, 2 outputs)
 *  @param[in] n_trials     trials (> 0)
 *  @param[in] n_steps      steps per trial (> 0)
 *  @param[in] cue          cue steps
 *  @param[in] inputs       [n_trials][n_steps][3] network inputs
 *  @param[in] inputs_len   length of inputs, >= n_trials*n_steps*3
 *  @param[in] heading      [n_trials][n_steps] true heading, radians
 *  @param[in] heading_len  length of heading
 *  @param[in] av           [n_trials][n_steps] angular velocity, rad/step
 *  @param[in] av_len       length of av
 *  @param[in] chunk        trials per network call (> 0)
 *  @return as hdnet_boot_add(), plus HDNET_EINVAL (zero chunk, trials or steps), HDNET_ESHAPE
 *          (network dimensions), the network's codes, HDNET_ENOMEM
 *  Thread-safety: one thread at a time per bootstrap; net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_boot_collect(hdnet_boot *b, const hdnet_net *net, size_t n_trials,
                                                 size_t n_steps, size_t cue, const float *inputs,
                                                 size_t inputs_len, const double *heading, size_t heading_len,
                                                 const double *av, size_t av_len, size_t chunk);

/** Compute the estimates on all trials and n_boot resamples of the K blocks (drawn with
 *  replacement from the library generator seeded with seed).
 *  @param[in,out] b  the bootstrap, every block non-empty
 *  @param[in] n_boot resamples (20 ... 100000)
 *  @param[in] seed   seed of the resampling
 *  @return HDNET_OK, HDNET_EINVAL (b NULL), HDNET_ERANGE (n_boot outside bounds),
 *          HDNET_ESTATE (a block without samples, or already resampled), HDNET_ENOMEM
 *  Thread-safety: one thread at a time per bootstrap. */
HDNET_API HDNET_NODISCARD int hdnet_boot_resample(hdnet_boot *b, size_t n_boot, uint64_t seed);

/** Copy a per-unit statistic or its uncertainty.
 *  @param[in]  b        the bootstrap, resampled
 *  @param[in]  stat     HDNET_BS_*
 *  @param[in]  what     HDNET_BW_*
 *  @param[out] out      [N] values
 *  @param[in]  out_len  length of out, >= N
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown id), HDNET_ESHAPE (out_len < N),
 *          HDNET_ESTATE (not resampled)
 *  Thread-safety: b is only read. */
HDNET_API HDNET_NODISCARD int hdnet_boot_unit_stat(const hdnet_boot *b, int stat, int what, double *out,
                                                   size_t out_len);

/* ------------------------------------------------------------------ */
/* The interval rule                                                   */
/* ------------------------------------------------------------------ */

/* Thresholds of the interval rule (hdnet_interval_rule_defaults()). */
#define HDNET_IR_RANGE_MIN  0  /**< inactive: activity range below (0.01) */
#define HDNET_IR_S_MIN      1  /**< inactive: S below (0.03) */
#define HDNET_IR_REL_MIN    2  /**< heading-tuned: split-half reliability at least (0.8) */
#define HDNET_IR_Z_SIG      3  /**< shifter: |b| / SE(b) at least (3) */
#define HDNET_IR_A_LARGE    4  /**< shifter: A at least (0.4) */
#define HDNET_IR_A_SMALL    5  /**< compass: A + z_ci SE(A) below (0.3) */
#define HDNET_IR_Z_CI       6  /**< compass: multiplier of SE(A) (1.96, a 95 % bound) */
#define HDNET_IR_COUNT      7  /**< number of thresholds */

/** The default thresholds of the interval rule.
 *  @param[out] rule      [rule_len] HDNET_IR_* values
 *  @param[in]  rule_len  length of rule, >= HDNET_IR_COUNT
 *  @return HDNET_OK, HDNET_EINVAL (rule NULL), HDNET_ESHAPE (rule_len too small)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_interval_rule_defaults(double *rule, size_t rule_len);

/** Classify units from statistics and their standard errors: inactive when the range
 *  or S is below its floor; a shifter (by the sign of b) when |b|/SE(b) >= z_sig and
 *  A >= a_large; compass when heading-tuned (reliability >= rel_min) and
 *  A + z_ci SE(A) < a_small; otherwise weak. NaN statistics never satisfy a test.
 *  @param[in]  rule      [HDNET_IR_COUNT] thresholds, or NULL for the defaults
 *  @param[in]  n         number of units (> 0)
 *  @param[in]  range     [n] activity range
 *  @param[in]  s         [n] HD tuning strength S
 *  @param[in]  rel       [n] split-half reliability of the heading curve
 *  @param[in]  slope     [n] AV slope b
 *  @param[in]  slope_se  [n] standard error of b
 *  @param[in]  a         [n] AV modulation A
 *  @param[in]  a_se      [n] standard error of A
 *  @param[out] cls       [n] HDNET_CLASS_*
 *  @return HDNET_OK, HDNET_EINVAL (NULL array, n = 0), HDNET_ERANGE (a NaN or negative threshold)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_classify_interval(const double *rule, size_t n, const double *range,
                                                      const double *s, const double *rel, const double *slope,
                                                      const double *slope_se, const double *a,
                                                      const double *a_se, int *cls);

/* Columns of the class counts (hdnet_boot_classify). */
#define HDNET_CC_VALUE 0  /**< count on all trials */
#define HDNET_CC_LO    1  /**< 2.5 % percentile of the count over resamples */
#define HDNET_CC_HI    2  /**< 97.5 % percentile of the count over resamples */
#define HDNET_CC_COLS  3  /**< columns per class */

/** Classify the units of a resampled bootstrap with the interval rule: classes on all
 *  trials, the probability of each class (the fraction of resamples in which the rule,
 *  applied to the resampled estimates with the same standard errors, gives that class),
 *  and class counts with 95 % percentile intervals.
 *  @param[in]  b          the bootstrap, resampled
 *  @param[in]  rule       [HDNET_IR_COUNT] thresholds, or NULL for the defaults
 *  @param[out] cls        [N] HDNET_CLASS_*
 *  @param[in]  cls_len    length of cls, >= N
 *  @param[out] prob       [N][HDNET_NCLASSES] class probabilities, or NULL
 *  @param[in]  prob_len   length of prob (ignored when NULL), >= N*HDNET_NCLASSES
 *  @param[out] counts     [HDNET_NCLASSES][HDNET_CC_COLS] counts, or NULL
 *  @param[in]  counts_len length of counts (ignored when NULL), >= HDNET_NCLASSES*HDNET_CC_COLS
 *  @return HDNET_OK, HDNET_EINVAL (NULL b or cls), HDNET_ESHAPE (a length too small),
 *          HDNET_ERANGE (bad threshold), HDNET_ESTATE (not resampled), HDNET_ENOMEM
 *  Thread-safety: b is only read. */
HDNET_API HDNET_NODISCARD int hdnet_boot_classify(const hdnet_boot *b, const double *rule, int *cls,
                                                  size_t cls_len, double *prob, size_t prob_len,
                                                  double *counts, size_t counts_len);

/* ------------------------------------------------------------------ */
/* Matched nulls and the competence gate                               */
/* ------------------------------------------------------------------ */

/** Copy a network and permute its off-diagonal recurrent weights at random: the
 *  diagonal and the multiset of off-diagonal weights are kept, the wiring is destroyed.
 *  Every other block is copied unchanged.
 *  @param[in]  net   the network (only read)
 *  @param[in]  seed  seed of the permutation (library generator)
 *  @param[out] out   the new network, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ENOMEM
 *  Ownership: free with hdnet_net_free().
 *  Thread-safety: reentrant; net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_permute_recurrent(const hdnet_net *net, uint64_t seed, hdnet_net **out);

#define HDNET_NULL_QUANTILE 0.95  /**< default: the trained value must lie beyond this quantile */
#define HDNET_NULL_MIN      20    /**< fewest null values a verdict accepts */
#define HDNET_NULL_TRIALS   500   /**< analysis trials on which the null networks are analysed by default */

#define HDNET_TAIL_ABOVE 1   /**< the finding is a large value: PASS when above the null's upper quantile */
#define HDNET_TAIL_BELOW -1  /**< the finding is a small value: PASS when below the null's lower quantile */

/* Verdicts are the HDNET_VERDICT_* of claims.h. */

/** Compare a value with the values of a statistic on null networks. A NaN null value
 *  (a null network without the finding, e.g. without compass units) counts as lying on
 *  the far side: -infinity for HDNET_TAIL_ABOVE, +infinity for HDNET_TAIL_BELOW. The bounds
 *  are the (1-q) and q percentiles (linear interpolation) of the null values.
 *  @param[in]  value     the statistic on the trained network
 *  @param[in]  nulls     [n_nulls] the statistic on null networks
 *  @param[in]  n_nulls   number of null values
 *  @param[in]  q         quantile, 0.5 < q < 1 (e.g. HDNET_NULL_QUANTILE)
 *  @param[in]  tail      HDNET_TAIL_ABOVE or HDNET_TAIL_BELOW
 *  @param[out] beyond    1 when value is beyond the bound on its tail, else 0 (also 0 for a NaN value)
 *  @param[out] null_low  the (1-q) percentile, or NULL
 *  @param[out] null_high the q percentile, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (NULL nulls or beyond, unknown tail), HDNET_ERANGE (q outside
 *          (0.5, 1)), HDNET_ESHAPE (fewer than HDNET_NULL_MIN null values), HDNET_ENOMEM
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_null_compare(double value, const double *nulls, size_t n_nulls, double q,
                                                 int tail, int *beyond, double *null_low, double *null_high);

#define HDNET_GATE_NE_MAX 0.1  /**< default bound of the competence gate: normalized error on the analysis trials */
#define HDNET_GATE_HOLD_FRACTION 0.5 /**< a competent network at most halves the error of holding the cued heading */

/** The bound of the competence gate on given analysis trials: the smaller of
 *  HDNET_GATE_NE_MAX and HDNET_GATE_HOLD_FRACTION times the error of holding the cued
 *  heading on those trials (hdnet_hold_error()). At the default speed holding gives an
 *  NE near 1.8 and the fixed bound decides; when the heading hardly moves (speed 0.1:
 *  about 0.1) a network that only remembers the cue would pass the fixed bound, and the
 *  held error decides (docs/analyses.md, section 7).
 *  @param[in] ne_hold  hdnet_hold_error() on the analysis trials; NaN or not > 0 when
 *                      unknown or when nothing moves: the fixed bound alone
 *  @return the bound (> 0)
 *  Thread-safety: reentrant. */
HDNET_API double hdnet_gate_bound(double ne_hold);

/** The competence gate: whether a network with normalized error ne (on the analysis
 *  trials) can be analysed as an integrator.
 *  @param[in]  ne          normalized error (NaN counts as failing)
 *  @param[in]  bound       largest acceptable NE (> 0, e.g. HDNET_GATE_NE_MAX)
 *  @param[out] competent   1 when ne <= bound, else 0
 *  @return HDNET_OK, HDNET_EINVAL (competent NULL), HDNET_ERANGE (bound not > 0 or NaN)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_gate(double ne, double bound, int *competent);

/** The verdict of a criterion after the gate.
 *  @param[in] verdict        HDNET_VERDICT_* of the criterion
 *  @param[in] needs_integrator 1 when the criterion presupposes a working integrator
 *  @param[in] competent      the gate's answer
 *  @return HDNET_VERDICT_NOT_APPLICABLE when needs_integrator and not competent, else verdict
 *  Thread-safety: reentrant. */
HDNET_API int hdnet_gate_verdict(int verdict, int needs_integrator, int competent);



/* ------------------------------------------------------------------ */
/* Findings: the statistics of the functional and structural criteria  */
/* ------------------------------------------------------------------ */

/* Findings (hdnet_findings); classes by the interval rule, preferred headings HDNET_US_PHI. */
#define HDNET_F_NE             0  /**< normalized error on the analysis trials (as given) */
#define HDNET_F_COMPASS        1  /**< compass units */
#define HDNET_F_CCW            2  /**< CCW shifters */
#define HDNET_F_CW             3  /**< CW shifters */
#define HDNET_F_WEAK           4  /**< weak units */
#define HDNET_F_INACTIVE       5  /**< inactive units */
#define HDNET_F_TYPED_MIN      6  /**< min(compass, CCW, CW): every cell type present (R3) */
#define HDNET_F_SEPARATION     7  /**< median A of shifters / median A of compass units (R4) */
#define HDNET_F_TILE_GAP       8  /**< largest gap of the compass directions / its bound min(90, 360 (ln n + 3)/n) (R5) */
#define HDNET_F_RING_NEAR      9  /**< mean compass->compass weight with |r| <= 30 deg */
#define HDNET_F_RING_FAR      10  /**< mean compass->compass weight with |r| >= 120 deg */
#define HDNET_F_RING_CONTRAST 11  /**< RING_NEAR - RING_FAR (R6) */
#define HDNET_F_OFFSET_CCW    12  /**< offset of the CCW->compass profile, deg */
#define HDNET_F_OFFSET_CW     13  /**< offset of the CW->compass profile, deg */
#define HDNET_F_OFFSET_ASYM   14  /**< side of the excitation, CCW->compass minus CW->compass: side = sum max(mean, 0) sin(r) / sum max(mean, 0) over the profile (R7) */
#define HDNET_F_LAG_CCW       15  /**< CCW->compass: mean weight leading (r in [10, 90]) - trailing (r in [-90, -10]) */
#define HDNET_F_LAG_CW        16  /**< CW->compass: mean weight leading (r in [-90, -10]) - trailing (r in [10, 90]) */
#define HDNET_F_LAG_MIN       17  /**< min(LAG_CCW, LAG_CW) (R8) */
#define HDNET_F_MIRROR        18  /**< Pearson r of the CCW->compass profile with the mirrored CW->compass profile (R9) */
#define HDNET_F_TUNED_FRAC    19  /**< fraction of the non-inactive units with S >= 0.1 (R14) */
#define HDNET_F_MEDIAN_S      20  /**< median S over all units (R14) */
#define HDNET_F_TILE_P        21  /**< Kuiper p of the compass directions' uniformity (R5) */
#define HDNET_F_TUNED_ALL     22  /**< fraction of all units with S >= 0.1 (R14, untrained side) */
#define HDNET_F_COUNT         23  /**< number of findings (not a valid id) */

/** The findings of a network from its finished analyses.
 *  @param[in]  t        accumulator with all passes done (preferred headings)
 *  @param[in]  b        its bootstrap, resampled (classes by the interval rule, S, A)
 *  @param[in]  net      the network analysed (W_rec)
 *  @param[in]  params   analysis parameters (profile window), or NULL for the defaults
 *  @param[in]  ne       the network's normalized error on the analysis trials (copied to HDNET_F_NE)
 *  @param[out] out      [out_len] HDNET_F_* values; NaN where a class needed is empty
 *  @param[in]  out_len  length of out, >= HDNET_F_COUNT
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (out_len too small, units differ),
 *          HDNET_ESTATE (t not done or b not resampled), HDNET_ENOMEM
 *  Thread-safety: reentrant; every argument is only read. */
HDNET_API HDNET_NODISCARD int hdnet_findings(const hdnet_tuning *t, const hdnet_boot *b, const hdnet_net *net,
                                             const hdnet_aparams *params, double ne, double *out, size_t out_len);

/** 95 % intervals of the wiring findings (HDNET_F_RING_NEAR ... HDNET_F_MIRROR) over units:
 *  a delete-one-unit jackknife stratified by class (every compass, CCW and CW unit left out
 *  once, the findings recomputed from the other units' weights; classes and preferred
 *  headings as hdnet_findings()), giving the finding +- 1.96 jackknife standard errors (for
 *  the mirror correlation on Fisher's z = atanh(r), transformed back). docs/analyses.md,
 *  section 5, says why not a bootstrap.
 *  @param[in]  t        accumulator with all passes done (preferred headings)
 *  @param[in]  b        its bootstrap, resampled (interval-rule classes)
 *  @param[in]  net      the network analysed (W_rec)
 *  @param[in]  params   analysis parameters (profile window), or NULL for the defaults
 *  @param[out] ci       [HDNET_F_COUNT][2] lower and upper bounds; NaN for the other findings
 *                       and for a finding undefined on the network or with a unit left out
 *  @param[in]  ci_len   length of ci, >= 2*HDNET_F_COUNT
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (ci_len too small, units differ),
 *          HDNET_ESTATE (t not done or b not resampled), HDNET_ENOMEM
 *  Thread-safety: reentrant; every argument is only read. */
HDNET_API HDNET_NODISCARD int hdnet_findings_wiring_ci(const hdnet_tuning *t, const hdnet_boot *b,
                                                       const hdnet_net *net, const hdnet_aparams *params,
                                                       double *ci, size_t ci_len);

/** Run the whole analysis of a network on a set of trials and return its findings:
 *  normalized error, hdnet_tuning_collect(), a bootstrap of n_blocks blocks resampled
 *  n_boot times, hdnet_findings().
 *  @param[in]  net          the network (only read)
 *  @param[in]  params       analysis parameters, or NULL for the defaults
 *  @param[in]  n_trials     trials (>= n_blocks)
 *  @param[in]  n_steps      steps per trial
 *  @param[in]  cue          cue steps
 *  @param[in]  inputs       [n_trials][n_steps][3] inputs
 *  @param[in]  inputs_len   length of inputs
 *  @param[in]  targets      [n_trials][n_steps][2] targets
 *  @param[in]  targets_len  length of targets
 *  @param[in]  mask         [n_trials][n_steps][2] target mask
 *  @param[in]  mask_len     length of mask
 *  @param[in]  heading      [n_trials][n_steps] true heading, radians
 *  @param[in]  heading_len  length of heading
 *  @param[in]  av           [n_trials][n_steps] angular velocity, rad/step
 *  @param[in]  av_len       length of av
 *  @param[in]  n_blocks     bootstrap blocks (hdnet_boot_create())
 *  @param[in]  n_boot       resamples (hdnet_boot_resample())
 *  @param[in]  seed         seed of the resampling
 *  @param[out] out          [out_len] HDNET_F_* values
 *  @param[in]  out_len      length of out, >= HDNET_F_COUNT
 *  @return HDNET_OK or the first error of the steps above; a network whose AV-window pass is
 *          skipped (no non-zero AV) gives HDNET_ENOTSUP
 *  Thread-safety: reentrant; every argument is only read. */
HDNET_API HDNET_NODISCARD int hdnet_findings_run(const hdnet_net *net, const hdnet_aparams *params, size_t n_trials,
                                                 size_t n_steps, size_t cue, const float *inputs, size_t inputs_len,
                                                 const float *targets, size_t targets_len, const float *mask,
                                                 size_t mask_len, const double *heading, size_t heading_len,
                                                 const double *av, size_t av_len, size_t n_blocks, size_t n_boot,
                                                 uint64_t seed, double *out, size_t out_len);

/** Short name of a finding.
 *  @param[in] id  HDNET_F_*
 *  @return a static string ("ne", "compass", ..., "median_s"), or NULL for an unknown id
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_finding_name(int id);

/** The tail of a finding on which the trained network must lie beyond its nulls.
 *  @param[in] id  HDNET_F_*
 *  @return HDNET_TAIL_ABOVE or HDNET_TAIL_BELOW (NE, WEAK, INACTIVE and TILE_GAP are below),
 *          0 for an unknown id
 *  Thread-safety: safe from any thread. */
HDNET_API int hdnet_finding_tail(int id);

/** A statistic of a network, for hdnet_null_values(): writes n_values values.
 *  @param[in]  net       the network
 *  @param[in]  ctx       the caller's context
 *  @param[out] values    [n_values] the statistics
 *  @param[in]  n_values  number of values
 *  @return HDNET_OK or an HDNET_E* status (the runner stops and returns it) */
typedef int (*hdnet_net_stat_fn)(const hdnet_net *net, void *ctx, double *values, size_t n_values);

/** Compute statistics on n_perm weight-permuted copies of a network
 *  (hdnet_net_permute_recurrent() with seeds seed, seed + 1, ...).
 *  @param[in]  net       the trained network (only read)
 *  @param[in]  n_perm    number of null networks (>= HDNET_NULL_MIN)
 *  @param[in]  seed      seed of the first permutation
 *  @param[in]  fn        the statistic
 *  @param[in]  ctx       passed to fn
 *  @param[out] out       [n_perm][n_values] the statistics of the null networks
 *  @param[in]  out_len   length of out, >= n_perm*n_values
 *  @param[in]  n_values  values per network (> 0)
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, n_values 0), HDNET_ERANGE (n_perm < HDNET_NULL_MIN),
 *          HDNET_ESHAPE (out_len too small), HDNET_ENOMEM, or fn's status
 *  Thread-safety: reentrant if fn is. */
HDNET_API HDNET_NODISCARD int hdnet_null_values(const hdnet_net *net, size_t n_perm, uint64_t seed,
                                                hdnet_net_stat_fn fn, void *ctx, double *out, size_t out_len,
                                                size_t n_values);

/* ------------------------------------------------------------------ */
/* Verdicts of the functional and structural criteria against nulls    */
/* ------------------------------------------------------------------ */

/* Criteria (rows of hdnet_trust_verdicts). */
#define HDNET_TR_R3   0  /**< class counts; null statistic HDNET_F_TYPED_MIN */
#define HDNET_TR_R4   1  /**< functional separation; HDNET_F_SEPARATION */
#define HDNET_TR_R5   2  /**< tiling of the compass directions; HDNET_F_TILE_GAP (lower tail) */
#define HDNET_TR_R6   3  /**< ring connectivity; HDNET_F_RING_CONTRAST */
#define HDNET_TR_R7   4  /**< shifter offset; HDNET_F_OFFSET_ASYM */
#define HDNET_TR_R8   5  /**< lagging inhibition; HDNET_F_LAG_MIN */
#define HDNET_TR_R9   6  /**< mirror symmetry; HDNET_F_MIRROR */
#define HDNET_TR_R14  7  /**< untrained against trained; HDNET_F_TUNED_FRAC */
#define HDNET_TR_COUNT 8 /**< number of criteria */

/* Columns of a row. */
#define HDNET_TT_VALUE      0  /**< the statistic compared with the nulls, on the trained network */
#define HDNET_TT_NULL_LOW   1  /**< (1-q) percentile of the permuted nulls (wiring nulls for R6-R9) */
#define HDNET_TT_NULL_HIGH  2  /**< q percentile of the same nulls */
#define HDNET_TT_CI_LOW     3  /**< 2.5 % bound of the value's bootstrap interval, NaN when none */
#define HDNET_TT_CI_HIGH    4  /**< 97.5 % bound, NaN when none */
#define HDNET_TT_UNTRAINED  5  /**< the statistic on the untrained network, NaN when not given */
#define HDNET_TT_MET        6  /**< 1 when the criterion's bounds hold on the trained network, else 0 */
#define HDNET_TT_BEYOND     7  /**< 1 when the value lies beyond every null and the untrained value, else 0 */
#define HDNET_TT_VERDICT    8  /**< HDNET_VERDICT_PASS, _FAIL or _NOT_APPLICABLE */
#define HDNET_TT_COLS       9  /**< columns per row */

/** Verdicts of R3-R9 and R14 from the findings of a trained network and of its nulls.
 *  A criterion passes when its bounds hold (docs/analyses.md, section 8) and its statistic
 *  lies beyond the q quantile of every null set and beyond the untrained network's value.
 *  The network nulls (permuted networks re-analysed) serve every criterion; the wiring
 *  nulls (the trained classes and headings with permuted weights) serve R6-R9 too. When the
 *  trained NE exceeds gate_bound every verdict is HDNET_VERDICT_NOT_APPLICABLE.
 *  @param[in]  trained      [HDNET_F_COUNT] findings of the trained network
 *  @param[in]  counts       [HDNET_NCLASSES][HDNET_CC_COLS] its class counts with intervals, or NULL
 *  @param[in]  net_nulls    [n_net][HDNET_F_COUNT] findings of re-analysed permuted networks
 *  @param[in]  n_net        rows of net_nulls (>= HDNET_NULL_MIN)
 *  @param[in]  wiring_nulls [n_wiring][HDNET_F_COUNT] findings with permuted weights only
 *  @param[in]  n_wiring     rows of wiring_nulls (>= HDNET_NULL_MIN)
 *  @param[in]  untrained    [HDNET_F_COUNT] findings of the untrained network, or NULL
 *  @param[in]  q            null quantile, 0.5 < q < 1 (HDNET_NULL_QUANTILE)
 *  @param[in]  gate_bound   NE bound of the competence gate (HDNET_GATE_NE_MAX)
 *  @param[in]  n_units      units of the network (R3's bounds are fractions of it)
 *  @param[out] table        [HDNET_TR_COUNT][HDNET_TT_COLS]
 *  @param[in]  table_len    length of table, >= HDNET_TR_COUNT*HDNET_TT_COLS
 *  @return HDNET_OK, HDNET_EINVAL (NULL trained, nulls or table; n_units 0), HDNET_ESHAPE (too few
 *          nulls, table too small), HDNET_ERANGE (q or gate_bound out of range), HDNET_ENOMEM
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_trust_verdicts(const double *trained, const double *counts,
                                                   const double *net_nulls, size_t n_net,
                                                   const double *wiring_nulls, size_t n_wiring,
                                                   const double *untrained, double q, double gate_bound,
                                                   size_t n_units, double *table, size_t table_len);

/** Id of a criterion row.
 *  @param[in] row  HDNET_TR_*
 *  @return "R3", ..., "R14", or NULL for an unknown row
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_trust_criterion_id(int row);

#ifdef __cplusplus
}
#endif
#endif
