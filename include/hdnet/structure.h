/** @file
 * libhdnet: how much of the recurrent matrix is ring-attractor structure.
 *
 * The paper's sorted connectivity shows the ring plainly: a weight is predicted
 * by the classes of its two units and by the difference of their preferred
 * headings. hdnet_structure() measures that as a variance fraction: each
 * weight W_rec[post][pre] between two compass or shifter units is predicted by
 * the mean weight of its cell (presynaptic class, postsynaptic class, relative
 * preferred heading in HDNET_STRUCTURE_BIN_DEG-degree bins), and the fraction
 * of variance explained is cross-validated over pairs (k folds; each held-out
 * pair is predicted from the other folds' cell means), so pure noise scores
 * about 0 rather than the in-sample 162 cells / n_pairs. Given the initial
 * matrix it also reports how much of the trained matrix is still the random
 * initialisation (their correlation) and the structured fraction of the change.
 *
 * Thread-safety: reentrant. */
#ifndef HDNET_STRUCTURE_H
#define HDNET_STRUCTURE_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HDNET_STRUCTURE_BIN_DEG 20  /**< width of a relative-heading bin, degrees (18 bins) */

/* Entries of the hdnet_structure() result. */
#define HDNET_ST_N_PAIRS        0  /**< pairs used: pre != post, both compass or shifter, finite phi */
#define HDNET_ST_N_UNITS        1  /**< compass and shifter units with a finite phi */
#define HDNET_ST_FRACTION_CV    2  /**< cross-validated fraction of variance explained by the cell means */
#define HDNET_ST_FRACTION_FIT   3  /**< the same, in sample (all pairs fit and scored; biased upward) */
#define HDNET_ST_SD             4  /**< SD (n-1) of the weights of the pairs */
#define HDNET_ST_CORR_INIT      5  /**< Pearson correlation of the pairs' weights with w_init's, NaN without w_init */
#define HDNET_ST_SD_INIT        6  /**< SD (n-1) of w_init over the pairs, NaN without w_init */
#define HDNET_ST_FRACTION_DELTA 7  /**< cross-validated fraction for w_rec - w_init, NaN without w_init */
#define HDNET_ST_COUNT          8  /**< entries of the result (minimum out_len) */

/** Ring structure of a recurrent matrix.
 *  Units: the compass, CCW-shifter and CW-shifter units (classes from
 *  hdnet_classify()) whose phi is finite; pairs: every ordered (pre, post) of
 *  them with pre != post. Cells: (class of pre, class of post, bin of
 *  r = wrap(phi_post - phi_pre)), 3 x 3 x 18. With SST the sum of squares about
 *  the mean, the fraction is 1 - SSE/SST; cross-validated, the pairs are split
 *  into n_folds folds by a permutation drawn from `seed`, and each held-out
 *  weight is predicted by its cell's mean over the other folds (by their grand
 *  mean when the cell is empty there), the held-out SST about that grand mean.
 *  @param[in]  w_rec    [n][n] weights, [post][pre]
 *  @param[in]  w_init   [n][n] initial weights of the same run, or NULL
 *  @param[in]  n        units
 *  @param[in]  cls      [n] classes (HDNET_CLASS_*)
 *  @param[in]  phi      [n] preferred headings, degrees
 *  @param[in]  n_folds  folds of the cross-validation, 2 ... n_pairs (10 is usual)
 *  @param[in]  seed     seed of the fold permutation
 *  @param[out] out      [HDNET_ST_COUNT] results (HDNET_ST_*)
 *  @param[in]  out_len  length of out
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, n = 0), HDNET_ESHAPE (out_len too
 *          small), HDNET_ERANGE (n_folds < 2 or more than the pairs, fewer than 2 pairs,
 *          constant or non-finite weights), HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_structure(const float *w_rec, const float *w_init, size_t n,
                                              const int *cls, const double *phi, size_t n_folds,
                                              uint64_t seed, double *out, size_t out_len);

#ifdef __cplusplus
}
#endif
#endif
