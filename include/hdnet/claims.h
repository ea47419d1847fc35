/** @file
 * libhdnet: the paper's findings as checks on a trained network (docs/analyses.md).
 *
 * A study is the analysis of one network on the analysis set: its tuning
 * (hdnet_tuning), normalized error, input statistics and, optionally, the same
 * analysis of its untrained initial network. A claim table holds one row per
 * check R1-R15: an id, the claim, what was measured (text), the criterion, a
 * verdict and numeric columns. Rows come from a study (R1-R9, R14, R15), from
 * the lesion experiments (R10-R12) and from the speed experiment (R13).
 *
 * One call gives the claim table of a network:
 *   hdnet_claims *c;
 *   hdnet_claims_compute(&c, net, untrained_or_NULL, NULL);
 *   for (size_t i = 0; i < hdnet_claims_count(c); i++)
 *       printf("%s %s\n", hdnet_claims_text(c, i, HDNET_CLAIM_ID),
 *              hdnet_verdict_name(hdnet_claims_verdict(c, i)));
 *   hdnet_claims_free(c);
 *
 * Thread-safety: one thread at a time per mutable handle; calls taking const
 * handles may run concurrently. */
#ifndef HDNET_CLAIMS_H
#define HDNET_CLAIMS_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "config.h"
#include "net.h"
#include "analysis.h"
#include "trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The analysis set                                                    */
/* ------------------------------------------------------------------ */

/** Seed of the analysis set's task generator: the trials every analysis program
 *  draws, fixed so that analyses of different networks see the same trials. */
#define HDNET_ANALYSIS_SEED 99999999u

/** Trials and steps of the default analysis set. */
#define HDNET_ANALYSIS_TRIALS 2000
#define HDNET_ANALYSIS_STEPS 1000 /**< steps per trial of the default analysis set */

/** The analysis-set recipe applied to a network's own config: n_steps steps per
 *  trial, the MATLAB stretch rule (stretch the first 200 trials, draws from 1),
 *  the library generator, fresh trials, no input noise. Task parameters the
 *  network was trained with (speed, cue, ...) are kept.
 *  @param[in]  net      the network
 *  @param[in]  n_steps  steps per trial (> 1)
 *  @param[out] out      the new config, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ERANGE (n_steps < 2 or too large),
 *          HDNET_ENOMEM
 *  Ownership: free with hdnet_config_free().
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_analysis_config(const hdnet_net *net, size_t n_steps, hdnet_config **out);

/* ------------------------------------------------------------------ */
/* Study of one network                                                */
/* ------------------------------------------------------------------ */

/** Opaque analysis of one network on the analysis set; create with hdnet_study_run(). */
typedef struct hdnet_study hdnet_study;

/* Scalars (hdnet_study_scalar). */
#define HDNET_SS_NE            0 /**< normalized error over every step of the analysis set */
#define HDNET_SS_NE_500        1 /**< normalized error over the first 500 steps (all steps if fewer) */
#define HDNET_SS_NE_UNTRAINED  2 /**< normalized error of the untrained network (NaN without one) */
#define HDNET_SS_SPEED         3 /**< speed multiplier of the analysis set */
#define HDNET_SS_TRIALS        4 /**< trials of the analysis set */
#define HDNET_SS_STEPS         5 /**< steps per trial */
#define HDNET_SS_CUE           6 /**< cue steps */
#define HDNET_SS_UNITS         7 /**< N */
#define HDNET_SS_PASS2_SKIPPED 8 /**< 1 when sigma_AV was undefined and the AV analyses were skipped */
#define HDNET_SS_NE_HOLD       9 /**< normalized error of holding the cued heading (hdnet_hold_error; NaN without a cue) */
#define HDNET_SS_COUNT        10 /**< number of scalar ids (not a valid id) */

/** Lags of hdnet_study_autocorr(): rho(0) ... rho(50). */
#define HDNET_STUDY_AUTOCORR_LAGS 51

/** Analyse a network (and optionally its untrained initial network) on an
 *  analysis set: the tuning accumulator over all passes (hdnet_tuning_collect()),
 *  the normalized error on the same trials, and the autocorrelation of the angular
 *  velocity over 20 unstretched trials of 5000 steps drawn with seed + 1.
 *  @param[out] out        the new study, NULL on failure
 *  @param[in]  net        the network (3 inputs, 2 outputs)
 *  @param[in]  untrained  its untrained network (same N), or NULL (no R14)
 *  @param[in]  set        analysis-set config (hdnet_analysis_config(), maybe changed),
 *                         or NULL for hdnet_analysis_config(net, HDNET_ANALYSIS_STEPS)
 *  @param[in]  n_trials   trials of the analysis set (> 0)
 *  @param[in]  seed       task seed of the analysis set (HDNET_ANALYSIS_SEED)
 *  @param[in]  params     analysis parameters, or NULL for the defaults
 *  @param[in]  chunk      trials per network call (> 0; results do not depend on it)
 *  @return HDNET_OK, HDNET_EINVAL (NULL out or net, zero trials or chunk),
 *          HDNET_ESHAPE (not 3 inputs and 2 outputs; untrained of another size),
 *          HDNET_ENOMEM, the codes of hdnet_task_generate() and hdnet_tuning_collect()
 *  Ownership: free with hdnet_study_free(). Memory O(n_trials x steps) floats.
 *  Thread-safety: net, untrained, set and params are only read. */
HDNET_API HDNET_NODISCARD int hdnet_study_run(hdnet_study **out, const hdnet_net *net, const hdnet_net *untrained,
                                              const hdnet_config *set, size_t n_trials, uint64_t seed,
                                              const hdnet_aparams *params, size_t chunk);

/** Free a study; NULL is accepted.
 *  @param[in] s  study to free, or NULL */
HDNET_API void hdnet_study_free(hdnet_study *s);

/** The tuning accumulator of the trained (untrained = 0) or untrained (1) network.
 *  @param[in] s          the study
 *  @param[in] untrained  0 or 1
 *  @return the accumulator (owned by the study; valid until hdnet_study_free()), or NULL
 *          for a NULL study or when the study has no untrained network
 *  Thread-safety: s is only read. */
HDNET_API const hdnet_tuning *hdnet_study_tuning(const hdnet_study *s, int untrained);

/** A scalar of the study.
 *  @param[in]  s      the study
 *  @param[in]  which  HDNET_SS_*
 *  @param[out] value  the value
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown id)
 *  Thread-safety: s is only read. */
HDNET_API HDNET_NODISCARD int hdnet_study_scalar(const hdnet_study *s, int which, double *value);

/** Autocorrelation of the angular velocity of the analysis set's task (the
 *  input statistics of R2), lags 0 ... HDNET_STUDY_AUTOCORR_LAGS - 1.
 *  @param[in]  s        the study
 *  @param[out] rho      [HDNET_STUDY_AUTOCORR_LAGS] autocorrelations
 *  @param[in]  rho_len  length of rho
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (rho_len too small)
 *  Thread-safety: s is only read. */
HDNET_API HDNET_NODISCARD int hdnet_study_autocorr(const hdnet_study *s, double *rho, size_t rho_len);

/** Copy the first n_trials trials of the analysis set and the trained network's
 *  outputs on them. Any output pointer may be NULL.
 *  @param[in]  s            the study
 *  @param[in]  n_trials     trials to copy (<= HDNET_SS_TRIALS)
 *  @param[out] inputs       [n_trials][T][3] inputs, or NULL
 *  @param[in]  inputs_len   length of inputs
 *  @param[out] targets      [n_trials][T][2] targets, or NULL
 *  @param[in]  targets_len  length of targets
 *  @param[out] heading      [n_trials][T] true heading, radians, or NULL
 *  @param[in]  heading_len  length of heading
 *  @param[out] av           [n_trials][T] angular velocity, rad/step, or NULL
 *  @param[in]  av_len       length of av
 *  @param[out] outputs      [n_trials][T][2] the network's outputs, or NULL
 *  @param[in]  outputs_len  length of outputs
 *  @return HDNET_OK, HDNET_EINVAL (s NULL), HDNET_ESHAPE (too many trials, a length too small)
 *  Thread-safety: s is only read. */
HDNET_API HDNET_NODISCARD int hdnet_study_trials(const hdnet_study *s, size_t n_trials, float *inputs,
                                                 size_t inputs_len, float *targets, size_t targets_len,
                                                 double *heading, size_t heading_len, double *av, size_t av_len,
                                                 float *outputs, size_t outputs_len);

/* Scalars of a study's trust analysis are read with hdnet_study_findings(). */

/** Compute the matched nulls of a study (docs/analyses.md, section 6): n_perm copies of
 *  the trained network with permuted off-diagonal recurrent weights, each analysed
 *  again on the first n_trials trials of the analysis set (network nulls), and the
 *  trained network's classes and preferred headings with each copy's weights (wiring
 *  nulls). The claim checks R3-R9 and R14 pass only against them.
 *  @param[in,out] s     the study (of net)
 *  @param[in] net       the trained network the study analysed
 *  @param[in] n_perm    null networks (>= HDNET_NULL_MIN)
 *  @param[in] n_trials  trials of the network nulls (1 ... the study's trials; 500 is plenty)
 *  @param[in] seed      seed of the first permutation
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ERANGE (n_perm < HDNET_NULL_MIN, n_trials
 *          0 or above the study's), HDNET_ESTATE (the study has no bootstrap: AV analyses skipped),
 *          HDNET_ENOMEM, the codes of hdnet_findings_run()
 *  Thread-safety: one thread at a time per study; net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_study_nulls(hdnet_study *s, const hdnet_net *net, size_t n_perm,
                                                size_t n_trials, uint64_t seed);

/** Findings (HDNET_F_*) of the trained (which = 0) or untrained (1) network, or of null
 *  network i (which = 2 + i: network nulls; which = 2 + n_nulls + i: wiring nulls).
 *  @param[in]  s        the study
 *  @param[in]  which    see above
 *  @param[out] out      [HDNET_F_COUNT] values (NaN when not computed)
 *  @param[in]  out_len  length of out
 *  @param[out] n_nulls  number of null networks of each kind, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, which out of range), HDNET_ESHAPE (out_len)
 *  Thread-safety: s is only read. */
HDNET_API HDNET_NODISCARD int hdnet_study_findings(const hdnet_study *s, size_t which, double *out,
                                                   size_t out_len, size_t *n_nulls);

/** Interval-rule classes and class probabilities of the trained network (trust.h).
 *  @param[in]  s          the study
 *  @param[out] cls        [N] HDNET_CLASS_*
 *  @param[in]  cls_len    length of cls
 *  @param[out] prob       [N][HDNET_NCLASSES], or NULL
 *  @param[in]  prob_len   length of prob (ignored when NULL)
 *  @param[out] counts     [HDNET_NCLASSES][HDNET_CC_COLS] counts with 95 % intervals, or NULL
 *  @param[in]  counts_len length of counts (ignored when NULL)
 *  @return as hdnet_boot_classify(), HDNET_ESTATE when the study has no bootstrap
 *  Thread-safety: s is only read. */
HDNET_API HDNET_NODISCARD int hdnet_study_classes(const hdnet_study *s, int *cls, size_t cls_len, double *prob,
                                                  size_t prob_len, double *counts, size_t counts_len);

/* ------------------------------------------------------------------ */
/* Claim table                                                         */
/* ------------------------------------------------------------------ */

/** Opaque table of checks; create with hdnet_claims_create() or hdnet_claims_compute(). */
typedef struct hdnet_claims hdnet_claims;

/* Verdicts (hdnet_claims_verdict). */
#define HDNET_VERDICT_PASS    0 /**< the criterion holds */
#define HDNET_VERDICT_FAIL    1 /**< the criterion does not hold */
#define HDNET_VERDICT_WARN    2 /**< the criterion holds in its weak form only (see the criterion) */
#define HDNET_VERDICT_INFO    3 /**< a number reported for comparison, without a criterion */
#define HDNET_VERDICT_NOT_RUN 4 /**< the check needs an input that was not given */
#define HDNET_VERDICT_NOT_APPLICABLE 5 /**< the network fails the competence gate (trust.h): the check presupposes an integrator */

/* Text columns (hdnet_claims_text). */
#define HDNET_CLAIM_ID        0 /**< "R1", "R3i", ... */
#define HDNET_CLAIM_CLAIM     1 /**< the claim in words */
#define HDNET_CLAIM_MEASURED  2 /**< what was measured, with numbers */
#define HDNET_CLAIM_CRITERION 3 /**< the criterion of the verdict */

/* Numeric columns (hdnet_claims_number). */
#define HDNET_CLAIM_VALUE     0 /**< the check's main number (docs/analyses.md says which) */
#define HDNET_CLAIM_NULL_LOW  1 /**< 5 % quantile of the value on the matched nulls, NaN without nulls */
#define HDNET_CLAIM_NULL_HIGH 2 /**< 95 % quantile of the value on the matched nulls, NaN without nulls */
#define HDNET_CLAIM_CI_LOW    3 /**< 2.5 % bound of the value's bootstrap interval, NaN when none */
#define HDNET_CLAIM_CI_HIGH   4 /**< 97.5 % bound of the value's bootstrap interval, NaN when none */
#define HDNET_CLAIM_NUMBERS   5 /**< number of numeric columns */

/* Lesion summary (hdnet_claims_add_lesion): medians over trials of the rate-clamp
 * lesions of docs/analyses.md, index = id. */
#define HDNET_LS_E1_UNITS      0  /**< E1: compass units silenced */
#define HDNET_LS_E1_B0         1  /**< E1: bump strength before silencing */
#define HDNET_LS_E1_LOST       2  /**< E1: bump strength while silenced */
#define HDNET_LS_E1_BACK       3  /**< E1: bump strength after release */
#define HDNET_LS_E2_UNITS      4  /**< E2: CW shifters silenced */
#define HDNET_LS_E2_DRIFT      5  /**< E2: bump drift over the window, degrees */
#define HDNET_LS_E2_CONTROL    6  /**< E2: drift without the lesion, degrees */
#define HDNET_LS_E2_DECODED    7  /**< E2: drift of the decoded heading, degrees */
#define HDNET_LS_E2M_UNITS     8  /**< E2m: CCW shifters silenced */
#define HDNET_LS_E2M_DRIFT     9  /**< E2m: bump drift, degrees */
#define HDNET_LS_E2M_CONTROL  10  /**< E2m: drift without the lesion, degrees */
#define HDNET_LS_E2M_DECODED  11  /**< E2m: drift of the decoded heading, degrees */
#define HDNET_LS_E3_UNITS     12  /**< E3: both shifter groups silenced */
#define HDNET_LS_E3_GAIN      13  /**< E3: bump turn / true turn under the lesion */
#define HDNET_LS_E3_CONTROL   14  /**< E3: the same gain without the lesion */
#define HDNET_LS_E3_BUMP      15  /**< E3: bump strength over the window */
#define HDNET_LS_E3_BUMP_CONTROL 16 /**< E3: the same without the lesion */
#define HDNET_LS_COUNT        17  /**< entries of a lesion summary */

/* Classification rules of the speed experiment (hdnet_claims_add_speed). */
#define HDNET_SPEED_ADAPTIVE  0 /**< adaptive rule: R13 */
#define HDNET_SPEED_REFERENCE 1 /**< reference thresholds: R13i */
#define HDNET_SPEED_SCALED    2 /**< reference thresholds on slopes scaled by sigma_ref/sigma_AV: R13s */

/** An empty claim table.
 *  @param[out] out  the new table, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (out NULL), HDNET_ENOMEM
 *  Ownership: free with hdnet_claims_free(). */
HDNET_API HDNET_NODISCARD int hdnet_claims_create(hdnet_claims **out);

/** Free a claim table; NULL is accepted.
 *  @param[in] c  table to free, or NULL */
HDNET_API void hdnet_claims_free(hdnet_claims *c);

/** Append the checks of one network from its study: R1-R9, R15, R14 and R14i, in
 *  this order (R14 is NOT_RUN when the study has no untrained network).
 *  @param[in,out] c      the table
 *  @param[in]     study  the network's study (hdnet_study_run())
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ENOMEM. A failed call leaves the
 *          table unchanged.
 *  Thread-safety: study is only read. */
HDNET_API HDNET_NODISCARD int hdnet_claims_add_study(hdnet_claims *c, const hdnet_study *study);

/** Append the lesion checks R10, R11, R11m and R12 from a lesion summary.
 *  @param[in,out] c            the table
 *  @param[in]     summary      [HDNET_LS_COUNT] values indexed by HDNET_LS_*
 *  @param[in]     summary_len  length of summary, >= HDNET_LS_COUNT
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (summary too short), HDNET_ENOMEM
 *  Thread-safety: one thread at a time per table. */
HDNET_API HDNET_NODISCARD int hdnet_claims_add_lesion(hdnet_claims *c, const double *summary, size_t summary_len);

/** Append a speed check (R13, R13i or R13s by rule): the median compass and shifter
 *  fractions over seeds at each speed, speeds ascending.
 *  @param[in,out] c         the table
 *  @param[in]     rule      HDNET_SPEED_*
 *  @param[in]     n_speeds  number of speeds (>= 2)
 *  @param[in]     speeds    [n_speeds] speed multipliers, ascending
 *  @param[in]     compass   [n_speeds] median fraction of compass units
 *  @param[in]     shifters  [n_speeds] median fraction of shifter units
 *  @param[in]     n_seeds   seeds per speed (reported)
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown rule), HDNET_ESHAPE (fewer than 2
 *          speeds), HDNET_ENOMEM
 *  Thread-safety: one thread at a time per table. */
HDNET_API HDNET_NODISCARD int hdnet_claims_add_speed(hdnet_claims *c, int rule, size_t n_speeds,
                                                     const double *speeds, const double *compass,
                                                     const double *shifters, size_t n_seeds);

/** Compare the lesion checks of a table (every row R10, R11, R11m and R12 not compared
 *  before) with lesions of
 *  random unit sets (docs/analyses.md, section 8): nulls holds the lesion summaries of
 *  n_nulls experiments that silence, in place of each classified set, the same number of
 *  units drawn at random. A row's value (R10: B during silencing / B0; R11, R11m: bump drift;
 *  R12: |gain|) must lie beyond the q quantile of the same value over the nulls on the side the
 *  claim predicts (below for R10, R11m and R12, above for R11); a PASS or WARN that does not
 *  becomes FAIL. The rows gain the nulls' (1-q) and q percentiles and a note in their
 *  measured text.
 *  @param[in,out] c          the table
 *  @param[in]     nulls      [n_nulls][HDNET_LS_COUNT] lesion summaries of random unit sets
 *  @param[in]     n_nulls    number of null experiments (>= HDNET_NULL_MIN)
 *  @param[in]     nulls_len  length of nulls, >= n_nulls*HDNET_LS_COUNT
 *  @param[in]     q          null quantile, 0.5 < q < 1 (HDNET_NULL_QUANTILE)
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (fewer than HDNET_NULL_MIN
 *          nulls, nulls_len too small), HDNET_ERANGE (q), HDNET_ENOMEM. A failed call leaves
 *          the table unchanged.
 *  Thread-safety: one thread at a time per table. */
HDNET_API HDNET_NODISCARD int hdnet_claims_lesion_nulls(hdnet_claims *c, const double *nulls, size_t n_nulls,
                                                        size_t nulls_len, double q);

/** Compare the speed check of a rule (the last row R13, R13i or R13s without nulls) with
 *  exchanges of the speed labels (docs/analyses.md, section 8): the networks of the slowest
 *  and of the fastest speed are pooled and split in every way into groups of the same sizes.
 *  The statistic is min(mean compass fraction slow - fast, mean shifter fraction fast -
 *  slow) (means: medians of a few networks tie across many splits); the observed split must lie beyond the q quantile of the statistic over all splits
 *  (the observed one included), else a PASS or WARN becomes FAIL. The row gains the splits'
 *  (1-q) and q percentiles. With 3 seeds per speed there are 20 splits, the fewest
 *  HDNET_NULL_MIN allows; the observed split then passes only as the single most extreme one.
 *  With fewer splits the row cannot pass: a PASS or WARN becomes NOT_RUN (and the row counts
 *  as compared).
 *  @param[in,out] c          the table
 *  @param[in]     rule       HDNET_SPEED_*
 *  @param[in]     n_slow     networks at the slowest speed
 *  @param[in]     slow       [2][n_slow] their compass fractions, then their shifter fractions
 *  @param[in]     n_fast     networks at the fastest speed
 *  @param[in]     fast       [2][n_fast] the same at the fastest speed
 *  @param[in]     q          null quantile, 0.5 < q < 1 (HDNET_NULL_QUANTILE)
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown rule, no such row without nulls),
 *          HDNET_ESHAPE (no network at a speed, or more than 20 networks),
 *          HDNET_ERANGE (q), HDNET_ENOMEM. A failed call leaves the table unchanged.
 *  Thread-safety: one thread at a time per table. */
HDNET_API HDNET_NODISCARD int hdnet_claims_speed_nulls(hdnet_claims *c, int rule, size_t n_slow, const double *slow,
                                                       size_t n_fast, const double *fast, double q);

/** Apply the competence gate (trust.h) to a table of lesion or speed checks: insert a row
 *  R0 with the normalized error first, and when ne > bound (or NaN) make every row that is not
 *  INFO, R0, R1 or R2 HDNET_VERDICT_NOT_APPLICABLE. A study's rows are gated already
 *  (hdnet_claims_add_study()).
 *  @param[in,out] c           the table
 *  @param[in]     ne          normalized error on the analysis trials; with several networks
 *                             (the speed experiment) that of the network with the largest
 *                             ne / bound
 *  @param[in]     bound       largest acceptable NE of that network (> 0: hdnet_gate_bound())
 *  @param[in]     n_networks  networks it was chosen from (>= 1; stated in the row)
 *  @return HDNET_OK, HDNET_EINVAL (c NULL, n_networks 0), HDNET_ERANGE (bound), HDNET_ENOMEM
 *  Thread-safety: one thread at a time per table. */
HDNET_API HDNET_NODISCARD int hdnet_claims_gate(hdnet_claims *c, double ne, double bound, size_t n_networks);

/** The claim table of a network in one call: hdnet_study_run() on the default
 *  analysis set (HDNET_ANALYSIS_TRIALS x HDNET_ANALYSIS_STEPS, HDNET_ANALYSIS_SEED)
 *  and hdnet_claims_add_study().
 *  @param[out] out        the new table, NULL on failure
 *  @param[in]  net        the trained network
 *  @param[in]  untrained  its untrained network, or NULL
 *  @param[in]  params     analysis parameters, or NULL for the defaults
 *  @return HDNET_OK or the codes of hdnet_study_run() and hdnet_claims_add_study()
 *  Ownership: free with hdnet_claims_free().
 *  Thread-safety: the networks and params are only read. */
HDNET_API HDNET_NODISCARD int hdnet_claims_compute(hdnet_claims **out, const hdnet_net *net,
                                                   const hdnet_net *untrained, const hdnet_aparams *params);

/** Number of rows.
 *  @param[in] c  the table
 *  @return the number of rows; 0 for NULL */
HDNET_API size_t hdnet_claims_count(const hdnet_claims *c);

/** A text column of a row.
 *  @param[in] c       the table
 *  @param[in] row     row index
 *  @param[in] column  HDNET_CLAIM_ID, _CLAIM, _MEASURED or _CRITERION
 *  @return the text (owned by the table, valid until hdnet_claims_free()), or NULL for a NULL
 *          table, a row out of range or an unknown column */
HDNET_API const char *hdnet_claims_text(const hdnet_claims *c, size_t row, int column);

/** A numeric column of a row.
 *  @param[in] c       the table
 *  @param[in] row     row index
 *  @param[in] column  HDNET_CLAIM_VALUE
 *  @return the number; NaN when undefined, for a NULL table, a row out of range or an
 *          unknown column */
HDNET_API double hdnet_claims_number(const hdnet_claims *c, size_t row, int column);

/** The verdict of a row.
 *  @param[in] c    the table
 *  @param[in] row  row index
 *  @return HDNET_VERDICT_*, or HDNET_EINVAL for a NULL table or a row out of range */
HDNET_API int hdnet_claims_verdict(const hdnet_claims *c, size_t row);

/** Name of a verdict: "PASS", "FAIL", "WARN", "INFO", "NOT_RUN", "NOT_APPLICABLE".
 *  @param[in] verdict  HDNET_VERDICT_*
 *  @return a static string, "?" for an unknown verdict */
HDNET_API const char *hdnet_verdict_name(int verdict);

#ifdef __cplusplus
}
#endif
#endif
