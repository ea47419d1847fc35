/** @file
 * libhdnet: the lesion experiments (docs/analyses.md): silence a class of units of a
 * trained network and measure what happens to its activity bump.
 *
 * Every trial starts at rest with the heading cue of the network's task (steps
 * [0, cue)); trial b starts at 3.6 b degrees. The bump is the population vector of
 * the compass units (hdnet_bump()): position psi and strength B.
 * - E1 silences the compass units (with a preferred heading) over steps
 *   [HDNET_LESION_ON, HDNET_LESION_E1_OFF) at rest: the bump should be lost, then re-form.
 * - E2 silences the CW shifters over [HDNET_LESION_ON, HDNET_LESION_OFF) at rest: the
 *   bump should drift CCW (psi grows); E2m silences the CCW shifters (the mirror).
 * - E3 silences both shifter groups while the network turns at HDNET_LESION_TURN_DEG
 *   degrees per step over the window (CCW in even trials, CW in odd ones): the bump
 *   should stay but stop turning (gain = bump turn / true turn near 0).
 * Each experiment runs the same trials unperturbed (the control) and lesioned in up
 * to three modes (HDNET_PERTURB_RATE, _OUTGOING, _OUTGOING_READOUT); the lesion
 * summary of hdnet_claims_add_lesion() (R10-R12) comes from the rate mode. The runs
 * are noise-free, so the results depend on the network and the unit classes alone.
 *
 *   int cls[N]; double phi[N];      (hdnet_study_classes(), hdnet_tuning_unit_stat())
 *   hdnet_lesion *l;
 *   double summary[HDNET_LS_COUNT];
 *   if (hdnet_lesion_run(&l, net, cls, phi, N, HDNET_LESION_TRIALS, HDNET_LESION_STEPS, 1, 0) == HDNET_OK &&
 *       hdnet_lesion_summary(l, summary, HDNET_LS_COUNT) == HDNET_OK)
 *       hdnet_claims_add_lesion(claims, summary, HDNET_LS_COUNT);
 *   hdnet_lesion_free(l);
 *
 * Thread-safety: one thread at a time per mutable handle; calls taking const
 * handles may run concurrently. */
#ifndef HDNET_LESION_H
#define HDNET_LESION_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "net.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque results of the lesion experiments; create with hdnet_lesion_run(). */
typedef struct hdnet_lesion hdnet_lesion;

/* Experiments. */
#define HDNET_LESION_E1    0 /**< compass units silenced at rest */
#define HDNET_LESION_E2    1 /**< CW shifters silenced at rest */
#define HDNET_LESION_E2M   2 /**< CCW shifters silenced at rest */
#define HDNET_LESION_E3    3 /**< both shifter groups silenced while turning */
#define HDNET_LESION_COUNT 4 /**< number of experiments (not a valid id) */

/* The protocol. */
#define HDNET_LESION_TRIALS    100 /**< trials per experiment of hdnet-lesion */
#define HDNET_LESION_STEPS     800 /**< steps per trial of hdnet-lesion */
#define HDNET_LESION_MIN_STEPS 700 /**< fewest steps per trial (E1 measures up to step 600) */
#define HDNET_LESION_ON        300 /**< first silenced step */
#define HDNET_LESION_OFF       500 /**< first step after the window of E2, E2m and E3 */
#define HDNET_LESION_E1_OFF    400 /**< first step after the window of E1 */
#define HDNET_LESION_TURN_DEG  1.0 /**< E3: turning speed in the window, degrees per step */
#define HDNET_LESION_MODES     3   /**< modes: HDNET_PERTURB_RATE, _OUTGOING, _OUTGOING_READOUT */

/* Measures of one experiment in one mode (hdnet_lesion_measures): medians over trials,
 * NaN where the experiment does not measure it. A drift is the change of a 10-step
 * average between the ends of the window, degrees. */
#define HDNET_LM_UNITS          0  /**< units silenced */
#define HDNET_LM_B0             1  /**< bump strength over the 50 steps before the window */
#define HDNET_LM_LOST           2  /**< E1: bump strength over steps [350, 400) */
#define HDNET_LM_BACK           3  /**< E1: bump strength over steps [500, 600) */
#define HDNET_LM_OUTPUT_NORM    4  /**< E1: norm of the output over steps [350, 400) */
#define HDNET_LM_HEADING_ERROR  5  /**< E1: |decoded - true heading| over steps [590, 600), degrees */
#define HDNET_LM_DRIFT          6  /**< E2, E2m: drift of the bump position */
#define HDNET_LM_DRIFT_CONTROL  7  /**< E2, E2m: the same without the lesion */
#define HDNET_LM_DRIFT_DECODED  8  /**< E2, E2m: drift of the decoded heading */
#define HDNET_LM_BUMP           9  /**< E2, E2m, E3: bump strength over the window */
#define HDNET_LM_BUMP_CONTROL  10  /**< E3: the same without the lesion */
#define HDNET_LM_GAIN          11  /**< E3: bump turn / true turn over the window */
#define HDNET_LM_GAIN_CONTROL  12  /**< E3: the same without the lesion */
#define HDNET_LM_COUNT         13  /**< number of measures (not a valid id) */

/* Traces of the kept trials (hdnet_lesion_trace): [keep_trials][n_steps], degrees
 * unwrapped over each trial for headings and positions. */
#define HDNET_LT_HEADING          0 /**< true heading */
#define HDNET_LT_DECODED          1 /**< heading decoded from the outputs */
#define HDNET_LT_POSITION         2 /**< bump position psi */
#define HDNET_LT_STRENGTH         3 /**< bump strength B */
#define HDNET_LT_OUTPUT_NORM      4 /**< norm of the output */
#define HDNET_LT_CONTROL_POSITION 5 /**< bump position without the lesion */
#define HDNET_LT_CONTROL_STRENGTH 6 /**< bump strength without the lesion */
#define HDNET_LT_COUNT            7 /**< number of traces (not a valid id) */

/** The units an experiment silences: the compass units with a finite preferred heading
 *  (E1), the CW shifters (E2), the CCW shifters (E2m) or both shifter groups (E3), in
 *  ascending order.
 *  @param[in]  cls         [n_units] HDNET_CLASS_* of each unit
 *  @param[in]  phi         [n_units] preferred heading, degrees (NaN: none)
 *  @param[in]  n_units     N
 *  @param[in]  experiment  HDNET_LESION_E1 ... HDNET_LESION_E3
 *  @param[out] units       the unit indices, or NULL to count them only
 *  @param[in]  units_len   length of units (ignored when NULL)
 *  @param[out] n_selected  number of units
 *  @return HDNET_OK, HDNET_EINVAL (NULL cls, phi or n_selected, unknown experiment),
 *          HDNET_ERANGE (a class out of range), HDNET_ESHAPE (units_len too small)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_lesion_units(const int *cls, const double *phi, size_t n_units, int experiment,
                                                 int *units, size_t units_len, size_t *n_selected);

/** Run the lesion experiments E1, E2, E2m and E3 on a network.
 *  @param[out] out          the results, NULL on failure
 *  @param[in]  net          the trained network (3 inputs, 2 outputs; its config gives the cue)
 *  @param[in]  cls          [n_units] HDNET_CLASS_* of each unit
 *  @param[in]  phi          [n_units] preferred heading of each unit, degrees (NaN: none)
 *  @param[in]  n_units      N of the network
 *  @param[in]  n_trials     trials per experiment (>= 1; HDNET_LESION_TRIALS)
 *  @param[in]  n_steps      steps per trial (>= HDNET_LESION_MIN_STEPS; HDNET_LESION_STEPS)
 *  @param[in]  n_modes      1: the rate mode only (enough for the summary), up to
 *                           HDNET_LESION_MODES: also the outgoing modes
 *  @param[in]  keep_trials  trials whose traces are kept (0 ... n_trials; memory
 *                           keep_trials x n_steps x N floats per experiment and mode)
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (not 3 inputs and 2 outputs,
 *          n_units is not N), HDNET_ERANGE (a class out of range, an infinite phi, n_trials,
 *          n_steps, n_modes or keep_trials out of range, fewer than 2 compass units with a
 *          preferred heading: no bump to measure), HDNET_ENOMEM, the codes of hdnet_net_run()
 *  Ownership: free with hdnet_lesion_free(). Memory O(n_trials x n_steps x N) floats
 *  during the call.
 *  Thread-safety: net, cls and phi are only read. */
HDNET_API HDNET_NODISCARD int hdnet_lesion_run(hdnet_lesion **out, const hdnet_net *net, const int *cls,
                                               const double *phi, size_t n_units, size_t n_trials, size_t n_steps,
                                               size_t n_modes, size_t keep_trials);

/** The null of R10-R12 (hdnet_claims_lesion_nulls()): each experiment repeated in the rate
 *  mode with n_nulls sets of as many units as it silences, drawn at random from all units
 *  (the bump is still measured on the compass units), against the same control.
 *  @param[in]  net      the trained network, as for hdnet_lesion_run()
 *  @param[in]  cls      [n_units] HDNET_CLASS_* of each unit (they fix the set sizes and the
 *                       compass units that carry the bump)
 *  @param[in]  phi      [n_units] preferred heading of each unit, degrees (NaN: none)
 *  @param[in]  n_units  N of the network
 *  @param[in]  n_trials trials per experiment (>= 1)
 *  @param[in]  n_steps  steps per trial (>= HDNET_LESION_MIN_STEPS)
 *  @param[in]  n_nulls  random sets per experiment (>= 1; the claims need HDNET_NULL_MIN)
 *  @param[in]  seed     seed of the library generator that draws the sets (the same seed
 *                       gives the same sets)
 *  @param[out] out      [n_nulls][HDNET_LS_COUNT] one lesion summary per random set
 *  @param[in]  out_len  length of out, >= n_nulls x HDNET_LS_COUNT
 *  @return HDNET_OK, the codes of hdnet_lesion_run(), HDNET_ERANGE (n_nulls),
 *          HDNET_ESHAPE (out_len too small)
 *  Cost: n_nulls lesioned runs and one control per experiment.
 *  Thread-safety: net, cls and phi are only read. */
HDNET_API HDNET_NODISCARD int hdnet_lesion_nulls(const hdnet_net *net, const int *cls, const double *phi,
                                                 size_t n_units, size_t n_trials, size_t n_steps, size_t n_nulls,
                                                 uint64_t seed, double *out, size_t out_len);

/** Free lesion results; NULL is accepted.
 *  @param[in] l  results to free, or NULL */
HDNET_API void hdnet_lesion_free(hdnet_lesion *l);

/** The lesion summary of hdnet_claims_add_lesion() (HDNET_LS_*, claims.h): the rate
 *  mode's measures.
 *  @param[in]  l            the results
 *  @param[out] summary      [HDNET_LS_COUNT] values
 *  @param[in]  summary_len  length of summary
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (summary_len < HDNET_LS_COUNT)
 *  Thread-safety: l is only read. */
HDNET_API HDNET_NODISCARD int hdnet_lesion_summary(const hdnet_lesion *l, double *summary, size_t summary_len);

/** The measures of one experiment in one mode.
 *  @param[in]  l           the results
 *  @param[in]  experiment  HDNET_LESION_E1 ... HDNET_LESION_E3
 *  @param[in]  mode        HDNET_PERTURB_RATE ... (below the n_modes of the run)
 *  @param[out] out         [HDNET_LM_COUNT] values indexed by HDNET_LM_*
 *  @param[in]  out_len     length of out
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown experiment), HDNET_ERANGE (a mode
 *          that was not run), HDNET_ESHAPE (out_len < HDNET_LM_COUNT)
 *  Thread-safety: l is only read. */
HDNET_API HDNET_NODISCARD int hdnet_lesion_measures(const hdnet_lesion *l, int experiment, int mode, double *out,
                                                    size_t out_len);

/** A trace of the kept trials of one experiment in one mode (the true heading and
 *  the control traces are the same in every mode).
 *  @param[in]  l           the results
 *  @param[in]  experiment  HDNET_LESION_E1 ... HDNET_LESION_E3
 *  @param[in]  mode        HDNET_PERTURB_RATE ... (below the n_modes of the run)
 *  @param[in]  which       HDNET_LT_*
 *  @param[out] out         [keep_trials][n_steps] values
 *  @param[in]  out_len     length of out
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown experiment or trace), HDNET_ERANGE
 *          (a mode that was not run), HDNET_ESHAPE (out_len < keep_trials x n_steps)
 *  Thread-safety: l is only read. */
HDNET_API HDNET_NODISCARD int hdnet_lesion_trace(const hdnet_lesion *l, int experiment, int mode, int which,
                                                 double *out, size_t out_len);

/** The shadow rates (hdnet_net_run(): f(a) noise-free and unclamped) of the kept
 *  trials of one experiment in one mode.
 *  @param[in]  l           the results
 *  @param[in]  experiment  HDNET_LESION_E1 ... HDNET_LESION_E3
 *  @param[in]  mode        HDNET_PERTURB_RATE ... (below the n_modes of the run)
 *  @param[out] out         [keep_trials][n_steps][N] rates
 *  @param[in]  out_len     length of out
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown experiment), HDNET_ERANGE (a mode
 *          that was not run), HDNET_ESHAPE (out_len < keep_trials x n_steps x N)
 *  Thread-safety: l is only read. */
HDNET_API HDNET_NODISCARD int hdnet_lesion_shadow(const hdnet_lesion *l, int experiment, int mode, float *out,
                                                  size_t out_len);

/** Name of an experiment.
 *  @param[in] experiment  HDNET_LESION_E1 ... HDNET_LESION_E3
 *  @return "E1", "E2", "E2m", "E3", or NULL for an unknown id
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_lesion_name(int experiment);

/** Name of an entry of the lesion summary.
 *  @param[in] id  HDNET_LS_* (claims.h)
 *  @return "e1_units", "e1_b0", ..., "e3_bump_control", or NULL for an unknown id
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_lesion_summary_name(int id);

#ifdef __cplusplus
}
#endif
#endif
