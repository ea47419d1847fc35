/** @file
 * libhdnet: the network as a dynamical system. Its vector field and Jacobian,
 * fixed and slow points, the ring they form, and what the network does along
 * it (drift, gain, diffusion, long trials, low-rank recurrence).
 *
 * The vector field. With alpha = dt/tau (one value per unit), the Euler step of
 * net.h under a constant input x is a[t] = a[t-1] + F(a[t-1], x) with
 *
 *   F(a, x) = alpha * (-a + W_rec f(a) + W_in x + b_rec),
 *
 * the change of the pre-activation over one step (dt times the continuous-time
 * field da/dt). Fixed points of the discrete map are the zeros of F, and
 *
 *   J(a) = dF/da = diag(alpha) (-I + W_rec diag(f'(a)))
 *
 * does not depend on x (the input enters additively). An eigenvalue lambda of J
 * is a rate per step: Re lambda < 0 decays, > 0 grows; the multiplier of the
 * discrete map is 1 + lambda. The speed of a state is q(a) = |F(a, x)|^2 / 2.
 *
 * Decoded heading: atan2(y_0, y_1) in degrees [0, 360) of the noise-free readout
 * y = W_out f(a) + b_out (outputs 0 and 1 are sin and cos of the heading); its
 * velocity along F is in degrees per step (> 0: counter-clockwise). Angular
 * velocities are in degrees per step, as in analysis.h; the network's input
 * channel 0 receives them in radians per step, as the task does.
 *
 * States and Jacobians are double: the library converts the float32 parameters
 * once per call, so that q can be driven far below float rounding.
 *
 * Thread-safety: one thread at a time per mutable handle; calls taking const
 * handles may run concurrently. */
#ifndef HDNET_ATTRACTOR_H
#define HDNET_ATTRACTOR_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Vector field                                                        */
/* ------------------------------------------------------------------ */

/** The vector field F(a, x) of the file comment.
 *  @param[in]  net    the network (N units, I inputs)
 *  @param[in]  a      state (pre-activation) [N]
 *  @param[in]  a_len  length of a, N
 *  @param[in]  x      constant input [I], or NULL for zero input
 *  @param[in]  x_len  length of x, I (ignored when x is NULL)
 *  @param[out] f      F(a, x) [N], change per step
 *  @param[in]  f_len  length of f, N
 *  @return HDNET_OK, HDNET_EINVAL (NULL net, a or f), HDNET_ESHAPE (a length differs),
 *          HDNET_ERANGE (a non-finite state or input), HDNET_ENOMEM
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_field(const hdnet_net *net, const double *a, size_t a_len,
                                                    const double *x, size_t x_len, double *f, size_t f_len);

/** The analytic Jacobian J(a) = dF/da of the file comment, for every activation
 *  of the library (at a kink, f' follows HDNET_P_KINK as in training).
 *  @param[in]  net      the network (N units)
 *  @param[in]  a        state [N]
 *  @param[in]  a_len    length of a, N
 *  @param[out] jac      J [N][N], row i = dF_i/da, C order
 *  @param[in]  jac_len  length of jac, N*N
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (a length differs),
 *          HDNET_ERANGE (non-finite state), HDNET_ENOMEM
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_jacobian(const hdnet_net *net, const double *a, size_t a_len,
                                                       double *jac, size_t jac_len);

/** The leading mode of J(a): the eigenvalue with the largest real part and its
 *  right eigenvector (LAPACK dgeev), e.g. to check that the slowest direction of a
 *  point on a ring points along the ring. For a complex pair the vector is the
 *  real part of the eigenvector. The vector has unit length and its largest
 *  |entry| is positive.
 *  @param[in]  net      the network (N units)
 *  @param[in]  a        state [N]
 *  @param[in]  a_len    length of a, N
 *  @param[out] re       real part of the eigenvalue, per step
 *  @param[out] im       imaginary part (>= 0), or NULL
 *  @param[out] vec      [N] the eigenvector, or NULL
 *  @param[in]  vec_len  length of vec, N (ignored when NULL)
 *  @return HDNET_OK, HDNET_EINVAL (NULL net, a or re), HDNET_ESHAPE (a length differs),
 *          HDNET_ERANGE (non-finite state), HDNET_ENOMEM, HDNET_EDIVERGED (LAPACK failed)
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_leading_mode(const hdnet_net *net, const double *a, size_t a_len,
                                                           double *re, double *im, double *vec, size_t vec_len);

/** Decoded heading of a state and its velocity along F(a, x).
 *  @param[in]  net       the network (at least 2 outputs: sin, cos)
 *  @param[in]  a         state [N]
 *  @param[in]  a_len     length of a, N
 *  @param[in]  x         constant input [I], or NULL for zero input
 *  @param[in]  x_len     length of x (ignored when x is NULL)
 *  @param[out] heading   decoded heading, degrees in [0, 360) (NaN when y_0 = y_1 = 0), or NULL
 *  @param[out] velocity  d heading / dt along F, degrees per step, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (NULL net or a), HDNET_ESHAPE (a length differs, fewer
 *          than 2 outputs), HDNET_ERANGE (non-finite state or input), HDNET_ENOMEM
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_heading(const hdnet_net *net, const double *a, size_t a_len,
                                                      const double *x, size_t x_len, double *heading,
                                                      double *velocity);

/** Noise-free pre-activation trajectories, in double, by the Euler step of net.h
 *  (the states hdnet_net_run() passes through; it reports rates only). These are
 *  the usual starts of hdnet_fp_find().
 *  @param[in]  net         the network
 *  @param[in]  n_trials    trials (> 0)
 *  @param[in]  n_steps     steps per trial (> 0)
 *  @param[in]  inputs      [n_trials][n_steps][I]
 *  @param[in]  inputs_len  n_trials*n_steps*I
 *  @param[in]  a_init      [n_trials][N] state a[-1], or NULL for ah0
 *  @param[in]  a_init_len  n_trials*N (ignored when a_init is NULL)
 *  @param[out] states      [n_trials][n_steps][N], a[t]
 *  @param[in]  states_len  n_trials*n_steps*N
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, zero sizes), HDNET_ESHAPE (a length differs),
 *          HDNET_ERANGE (non-finite input or a_init), HDNET_ENOMEM, HDNET_EDIVERGED
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_states(const hdnet_net *net, size_t n_trials, size_t n_steps,
                                                     const float *inputs, size_t inputs_len,
                                                     const double *a_init, size_t a_init_len,
                                                     double *states, size_t states_len);

/* ------------------------------------------------------------------ */
/* Fixed and slow points                                               */
/* ------------------------------------------------------------------ */

/** Opaque settings of the fixed-point finder (HDNET_FP_* ids); create with
 *  hdnet_fpparams_create(). */
typedef struct hdnet_fpparams hdnet_fpparams;

/* Finder settings (ids fixed forever). Defaults in parentheses. */
#define HDNET_FP_Q_TOL      0 /**< stop a start once q <= this, per step^2 (1e-14) */
#define HDNET_FP_Q_KEEP     1 /**< keep a point if its final q <= this; +inf keeps every minimum (1e-8) */
#define HDNET_FP_MAX_ITER   2 /**< Levenberg-Marquardt iterations per start (200) */
#define HDNET_FP_DAMPING    3 /**< initial damping mu, relative to the mean diagonal of J^T J (1e-3) */
#define HDNET_FP_STEP_TOL   4 /**< stop once |step| <= this * (1 + |a|) (1e-12) */
#define HDNET_FP_DEDUP      5 /**< points closer than this (Euclidean, in a) are one point (1e-3) */
#define HDNET_FP_JITTER     6 /**< SD of Gaussian jitter added to each start (0) */
#define HDNET_FP_EIG_TOL    7 /**< |Re lambda| <= this: marginal; Re lambda > this: unstable, per step (1e-3) */
#define HDNET_FP_THREADS    8 /**< worker threads, 0 = HDNET_P_THREADS of the network (0) */
#define HDNET_FP_NPARAMS    9 /**< number of settings (not a valid id) */

/** Finder settings at their defaults.
 *  @param[out] out  the new settings, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (out NULL), HDNET_ENOMEM
 *  Ownership: free with hdnet_fpparams_free(). */
HDNET_API HDNET_NODISCARD int hdnet_fpparams_create(hdnet_fpparams **out);

/** Free finder settings; NULL is accepted.
 *  @param[in] p  settings to free, or NULL */
HDNET_API void hdnet_fpparams_free(hdnet_fpparams *p);

/** Set a finder setting.
 *  @param[in,out] p  the settings (unchanged on failure)
 *  @param[in] id     HDNET_FP_*
 *  @param[in] value  new value: tolerances >= 0 (Q_KEEP may be +inf), counts integers >= 0
 *                    (MAX_ITER >= 1), DAMPING > 0
 *  @return HDNET_OK, HDNET_EINVAL (p NULL, unknown id), HDNET_ERANGE (value outside its range)
 *  Thread-safety: one thread at a time per settings object. */
HDNET_API HDNET_NODISCARD int hdnet_fpparams_set(hdnet_fpparams *p, int id, double value);

/** Read a finder setting.
 *  @param[in]  p      the settings
 *  @param[in]  id     HDNET_FP_*
 *  @param[out] value  its value
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown id) */
HDNET_API HDNET_NODISCARD int hdnet_fpparams_get(const hdnet_fpparams *p, int id, double *value);

/** Name of a finder setting ("q_tol", "q_keep", "max_iter", "damping", "step_tol",
 *  "dedup", "jitter", "eig_tol", "threads").
 *  @param[in] id  HDNET_FP_*
 *  @return a static string, or NULL for an unknown id */
HDNET_API const char *hdnet_fpparam_name(int id);

/** Opaque result of hdnet_fp_find(): the de-duplicated points, sorted by decoded
 *  heading (points without a heading last), with their speed, Jacobian spectra
 *  and ring statistics. */
typedef struct hdnet_fixed_points hdnet_fixed_points;

/** Find fixed and slow points of F(., x): from each start (plus jitter), minimise
 *  q(a) = |F(a, x)|^2 / 2 by Levenberg-Marquardt with the analytic Jacobian until
 *  q <= q_tol, |step| is below step_tol or max_iter is reached; keep the ends with
 *  q <= q_keep; merge ends closer than dedup (the one of smallest q represents
 *  them); then compute each point's decoded heading, heading velocity, the
 *  eigenvalues of J (LAPACK dgeev) and its stability counts. Deterministic for
 *  given starts, settings and rng, whatever the thread count.
 *  @param[in]  net         the network (N units, I inputs)
 *  @param[in]  params      finder settings, or NULL for the defaults
 *  @param[in]  starts      initial states [n_starts][N] (e.g. from hdnet_attractor_states())
 *  @param[in]  n_starts    number of starts (> 0)
 *  @param[in]  starts_len  n_starts*N
 *  @param[in]  x           constant input [I], or NULL for zero input
 *  @param[in]  x_len       length of x, I (ignored when x is NULL)
 *  @param[in,out] rng      draws the jitter (n_starts*N normals, in start order); may be NULL
 *                          when the jitter is 0
 *  @param[out] out         the result, NULL on failure; it may hold no point
 *  @return HDNET_OK, HDNET_EINVAL (NULL net, starts or out; jitter > 0 without rng),
 *          HDNET_ESHAPE (a length differs), HDNET_ERANGE (non-finite start or input), HDNET_ENOMEM,
 *          HDNET_EDIVERGED (LAPACK failed on a Jacobian)
 *  Ownership: free the result with hdnet_fp_free().
 *  Thread-safety: net and params are only read. */
HDNET_API HDNET_NODISCARD int hdnet_fp_find(const hdnet_net *net, const hdnet_fpparams *params,
                                            const double *starts, size_t n_starts, size_t starts_len,
                                            const double *x, size_t x_len, hdnet_rng *rng,
                                            hdnet_fixed_points **out);

/** Free a finder result; NULL is accepted.
 *  @param[in] fp  result to free, or NULL */
HDNET_API void hdnet_fp_free(hdnet_fixed_points *fp);

/* Arrays of a result (hdnet_fp_copy), K points, N units. */
#define HDNET_FPA_STATE       0 /**< [K][N] the points a* */
#define HDNET_FPA_RATE        1 /**< [K][N] f(a*) */
#define HDNET_FPA_Q           2 /**< [K] q(a*), per step^2 */
#define HDNET_FPA_HEADING     3 /**< [K] decoded heading, degrees (NaN without one) */
#define HDNET_FPA_VELOCITY    4 /**< [K] heading velocity along F(., x), degrees per step */
#define HDNET_FPA_EIG_RE      5 /**< [K][N] real parts of the eigenvalues of J, descending */
#define HDNET_FPA_EIG_IM      6 /**< [K][N] imaginary parts, in the same order */
#define HDNET_FPA_N_UNSTABLE  7 /**< [K] eigenvalues with Re lambda > eig_tol */
#define HDNET_FPA_N_MARGINAL  8 /**< [K] eigenvalues with |Re lambda| <= eig_tol */
#define HDNET_FPA_N_STARTS    9 /**< [K] starts that ended at the point */
#define HDNET_FPA_COUNT      10 /**< number of arrays (not a valid id) */

/* Scalars of a result (hdnet_fp_scalar). */
#define HDNET_FPS_N_POINTS      0 /**< K, de-duplicated points kept */
#define HDNET_FPS_N_STARTS      1 /**< starts run */
#define HDNET_FPS_N_CONVERGED   2 /**< starts that reached q <= q_tol */
#define HDNET_FPS_N_KEPT        3 /**< starts whose end had q <= q_keep */
#define HDNET_FPS_MEAN_ITER     4 /**< mean Levenberg-Marquardt iterations per start */
#define HDNET_FPS_LARGEST_GAP   5 /**< largest gap between consecutive decoded headings, degrees (360 for < 2) */
#define HDNET_FPS_MEAN_ABS_VEL  6 /**< mean |heading velocity| over the points, degrees per step */
#define HDNET_FPS_MAX_ABS_VEL   7 /**< largest |heading velocity|, degrees per step */
#define HDNET_FPS_MEAN_VEL      8 /**< mean signed heading velocity, degrees per step */
#define HDNET_FPS_N_STABLE      9 /**< points with no unstable eigenvalue */
#define HDNET_FPS_N_ONE_MARGINAL 10 /**< points with exactly one marginal and no unstable eigenvalue */
#define HDNET_FPS_MEDIAN_LEAD  11 /**< median over points of the largest Re lambda */
#define HDNET_FPS_MEDIAN_SECOND 12 /**< median over points of the second largest Re lambda */
#define HDNET_FPS_MAX_Q        13 /**< largest q of a kept point */
#define HDNET_FPS_COUNT        14 /**< number of scalars (not a valid id) */

/** Dimensions of a result.
 *  @param[in]  fp        the result
 *  @param[out] n_points  K, or NULL
 *  @param[out] n_units   N, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (fp NULL) */
HDNET_API HDNET_NODISCARD int hdnet_fp_dims(const hdnet_fixed_points *fp, size_t *n_points, size_t *n_units);

/** Copy an array of a result (as double; counts are whole numbers).
 *  @param[in]  fp       the result
 *  @param[in]  which    HDNET_FPA_*
 *  @param[out] out      K or K*N values (see the ids)
 *  @param[in]  out_len  length of out, at least that size
 *  @return HDNET_OK, HDNET_EINVAL (NULL fp, unknown id; out NULL with K > 0),
 *          HDNET_ESHAPE (out_len too small) */
HDNET_API HDNET_NODISCARD int hdnet_fp_copy(const hdnet_fixed_points *fp, int which, double *out, size_t out_len);

/** A scalar of a result: finder counts and the ring statistics.
 *  @param[in]  fp     the result
 *  @param[in]  which  HDNET_FPS_*
 *  @param[out] value  its value (NaN where undefined, e.g. medians of no point)
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown id) */
HDNET_API HDNET_NODISCARD int hdnet_fp_scalar(const hdnet_fixed_points *fp, int which, double *value);

/* ------------------------------------------------------------------ */
/* Behaviour along the ring                                            */
/* ------------------------------------------------------------------ */

/** Gain curve: the decoded bump's angular velocity under constant input angular
 *  velocity. Each trial shows a heading uniform on the circle (drawn from seed)
 *  for the cue steps HDNET_P_CUE of the network's config, then the constant
 *  omega; the speed of a trial is the least-squares slope of its unwrapped
 *  decoded heading over steps cue + settle ... n_steps - 1 (noise-free).
 *  @param[in]  net        the network (inputs: av, sin, cos; outputs: sin, cos)
 *  @param[in]  omega      input angular velocities [n_omega], degrees per step
 *  @param[in]  n_omega    number of velocities (> 0)
 *  @param[in]  n_trials   trials per velocity (> 0)
 *  @param[in]  n_steps    steps per trial, > cue + settle + 1
 *  @param[in]  settle     steps after the cue left out of the fit
 *  @param[in]  seed       seed of the initial headings
 *  @param[out] speed      [n_omega] mean decoded speed, degrees per step
 *  @param[in]  speed_len  length of speed, n_omega
 *  @param[out] speed_sd   [n_omega] SD of the speed across trials, or NULL
 *  @param[in]  sd_len     length of speed_sd (ignored when NULL)
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, zero sizes), HDNET_ESHAPE (a length differs,
 *          fewer than 3 inputs or 2 outputs, n_steps too short), HDNET_ERANGE (non-finite omega),
 *          HDNET_ENOMEM, HDNET_EDIVERGED
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_gain(const hdnet_net *net, const double *omega, size_t n_omega,
                                                   size_t n_trials, size_t n_steps, size_t settle,
                                                   uint64_t seed, double *speed, size_t speed_len,
                                                   double *speed_sd, size_t sd_len);

/** Largest speed integrated within a relative error: walking the non-zero
 *  velocities in order of |omega|, the largest |omega| up to which every
 *  |speed/omega - 1| <= rel_err.
 *  @param[in]  omega    input velocities [n] (any order; zeros are skipped)
 *  @param[in]  speed    decoded speeds [n] (hdnet_attractor_gain())
 *  @param[in]  n        number of pairs
 *  @param[in]  rel_err  allowed relative error (>= 0), e.g. 0.1
 *  @param[out] limit    the largest such |omega|, degrees per step; 0 if the smallest fails
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ERANGE (rel_err < 0 or NaN,
 *          non-finite value) */
HDNET_API HDNET_NODISCARD int hdnet_gain_limit(const double *omega, const double *speed, size_t n,
                                               double rel_err, double *limit);

/** Diffusion of the bump at zero input: each trial shows a heading uniform on the
 *  circle for the cue steps, then zero angular velocity; the network runs with
 *  rate noise of SD noise_sd[l] (drawn from seed, the network's own noise
 *  settings otherwise ignored) and without noise from the same start; var[l][t]
 *  is the mean over trials of the squared wrapped difference of their decoded
 *  headings at step t, and coef[l] = slope / 2 of a least-squares line through
 *  var[l][t] for t >= cue (the diffusion coefficient).
 *  @param[in]  net       the network
 *  @param[in]  noise_sd  rate-noise SDs [n_levels] (>= 0)
 *  @param[in]  n_levels  number of levels (> 0)
 *  @param[in]  n_trials  trials per level (> 0)
 *  @param[in]  n_steps   steps per trial, > cue + 1
 *  @param[in]  seed      seed of the headings and the noise
 *  @param[out] var       [n_levels][n_steps] heading variance, degrees^2
 *  @param[in]  var_len   n_levels*n_steps
 *  @param[out] coef      [n_levels] diffusion coefficients, degrees^2 per step, or NULL
 *  @param[in]  coef_len  length of coef (ignored when NULL)
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE, HDNET_ERANGE (negative or non-finite SD),
 *          HDNET_ENOMEM, HDNET_EDIVERGED
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_diffusion(const hdnet_net *net, const double *noise_sd,
                                                        size_t n_levels, size_t n_trials, size_t n_steps,
                                                        uint64_t seed, double *var, size_t var_len,
                                                        double *coef, size_t coef_len);

/** Generalisation to longer trials: hdnet_net_evaluate() on noise-free task
 *  trials of factor times the training length (HDNET_P_STEPS of the network's
 *  config; every other task setting is the network's).
 *  @param[in]  net       the network
 *  @param[in]  factor    length multiplier (>= 1), e.g. 10
 *  @param[in]  n_trials  trials (> 0)
 *  @param[in]  seed      task seed
 *  @param[out] ne        the normalized error
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, zero sizes), HDNET_ERANGE (length overflows),
 *          the errors of hdnet_net_evaluate()
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_long_error(const hdnet_net *net, size_t factor, size_t n_trials,
                                                         uint64_t seed, double *ne);

/** Low-rank recurrence: the normalized error (hdnet_net_evaluate() on task trials
 *  of the training length) after W_rec is replaced by its top-r singular
 *  components (LAPACK sgesdd), for each requested r. With a base network (e.g.
 *  the untrained one) the change W_rec - W_base is truncated instead and W_base
 *  added back: learning may change the connectivity by a low-rank term on top
 *  of a full-rank initial matrix. The diagonal of the result is kept as it
 *  comes out.
 *  @param[in]  net       the network (N units)
 *  @param[in]  base      network of the same size whose W_rec is kept whole, or NULL
 *  @param[in]  ranks     ranks r [n_ranks], each 0 ... N (0: W_base, or no recurrence)
 *  @param[in]  n_ranks   number of ranks (> 0)
 *  @param[in]  n_trials  trials per evaluation (> 0)
 *  @param[in]  seed      task seed (the same trials for every rank)
 *  @param[out] ne        [n_ranks] normalized errors
 *  @param[in]  ne_len    length of ne, n_ranks
 *  @param[out] sv        [N] singular values of the truncated matrix, descending, or NULL
 *  @param[in]  sv_len    length of sv, N (ignored when NULL)
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE (also: base of another size), HDNET_ERANGE
 *          (a rank > N), HDNET_ENOMEM, HDNET_EDIVERGED (SVD failed), the errors of
 *          hdnet_net_evaluate()
 *  Thread-safety: net and base are only read. */
HDNET_API HDNET_NODISCARD int hdnet_attractor_rank_error(const hdnet_net *net, const hdnet_net *base,
                                                         const size_t *ranks, size_t n_ranks, size_t n_trials,
                                                         uint64_t seed, double *ne, size_t ne_len, double *sv,
                                                         size_t sv_len);

/** Principal components of samples (rows), via the symmetric eigen-solver of
 *  LAPACK (dsyevr) on their covariance. Component signs: the largest |entry| is positive.
 *  @param[in]  x          samples [n_samples][dim]
 *  @param[in]  n_samples  number of samples (>= 2)
 *  @param[in]  dim        sample dimension (> 0)
 *  @param[in]  k          components wanted, 1 ... dim
 *  @param[out] mean       [dim] the sample mean, or NULL
 *  @param[in]  mean_len   length of mean (ignored when NULL)
 *  @param[out] comps      [k][dim] unit components, by decreasing variance
 *  @param[in]  comps_len  k*dim
 *  @param[out] var        [k] variance along each, or NULL
 *  @param[in]  var_len    length of var (ignored when NULL)
 *  @return HDNET_OK, HDNET_EINVAL (NULL x or comps), HDNET_ESHAPE (sizes), HDNET_ERANGE
 *          (non-finite sample), HDNET_ENOMEM, HDNET_EDIVERGED (LAPACK failed)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_pca(const double *x, size_t n_samples, size_t dim, size_t k,
                                        double *mean, size_t mean_len, double *comps, size_t comps_len,
                                        double *var, size_t var_len);

#ifdef __cplusplus
}
#endif
#endif
