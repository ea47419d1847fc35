/** @file
 * libhdnet: the continuous-time recurrent network.
 *
 *   a[t] = a[t-1] + (dt/tau) * (-a[t-1] + W_rec h[t-1] + W_in x[t] + b_rec)
 *   h[t] = f(a[t]) + noise[t]          y[t] = W_out h[t] + b_out
 * from a[-1] = ah0 and h[-1] = f(ah0) (no noise). Parameter blocks, in the order
 * of the flat parameter vector: W_in [N][I], b_rec [N], W_rec [N][N], W_out [O][N],
 * b_out [O], ah0 [N] (weights [post][pre], C order, float32).
 * Arrays: inputs [trial][time][I], outputs [trial][time][O],
 * rates and noise [trial][time][N], initial states [trial][N].
 *
 * Thread-safety: one thread at a time per mutable network; calls taking a
 * const network may run concurrently. */
#ifndef HDNET_NET_H
#define HDNET_NET_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "config.h"
#include "rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque continuous-time recurrent network: the config it was built from and
 *  one flat float32 parameter vector (create with hdnet_net_create() or
 *  hdnet_net_load()). */
typedef struct hdnet_net hdnet_net;
/** Opaque list of perturbations (silencing or clamping units over a window of
 *  steps) applied by hdnet_net_run(); create with hdnet_perturb_create(). */
typedef struct hdnet_perturb hdnet_perturb;

/* Parameter blocks (flat order). */
#define HDNET_W_IN   0  /**< block "W_in": input weights [N][I] */
#define HDNET_B_REC  1  /**< block "b_rec": recurrent bias [N] */
#define HDNET_W_REC  2  /**< block "W_rec": recurrent weights [N][N], [post][pre] */
#define HDNET_W_OUT  3  /**< block "W_out": readout weights [O][N] */
#define HDNET_B_OUT  4  /**< block "b_out": readout bias [O] */
#define HDNET_A0     5  /**< block "ah0": initial pre-activation a[-1] [N] */
#define HDNET_NBLOCKS 6 /**< number of parameter blocks (not a valid block id) */

/* Loss terms returned by hdnet_net_loss_grad(). */
#define HDNET_LOSS_TOTAL  0  /**< sum of the three terms below */
#define HDNET_LOSS_MAIN   1  /**< masked MSE */
#define HDNET_LOSS_RATE   2  /**< rate L2 (+ L1) penalty */
#define HDNET_LOSS_WEIGHT 3  /**< weight L2 penalties (weight_l2 on W_in, W_out; wrec_l2 on W_rec) */
#define HDNET_NLOSS       4  /**< number of loss terms: the length of the loss array */

/* Perturbation modes (hdnet_perturb_add). */
#define HDNET_PERTURB_RATE             0 /**< h_i = value in recurrence and readout */
#define HDNET_PERTURB_OUTGOING         1 /**< W_rec[:, i] acts as 0 */
#define HDNET_PERTURB_OUTGOING_READOUT 2 /**< W_rec[:, i] and W_out[:, i] act as 0 */

/** Create a network from a config.
 *  The parameters are initialised from rng with the HDNET_P_INIT scheme, drawn
 *  in the order b_rec, W_in, W_rec, W_out.
 *  @param[out] out  the new network, NULL on failure
 *  @param[in]  cfg  model configuration (copied; may be changed or freed afterwards)
 *  @param[in,out] rng  generator for the initial weights (advanced)
 *  @return HDNET_OK, HDNET_EINVAL (out, cfg or rng NULL), HDNET_ERANGE (e.g. tau vector
 *          of the wrong length), HDNET_ENOMEM
 *  Ownership: free with hdnet_net_free().
 *  Thread-safety: reentrant; rng is used by this thread only during the call. */
HDNET_API HDNET_NODISCARD int hdnet_net_create(hdnet_net **out, const hdnet_config *cfg, hdnet_rng *rng);

/** Free a network; NULL is accepted.
 *  @param[in] net  network to free, or NULL */
HDNET_API void hdnet_net_free(hdnet_net *net);

/** Deep copy of a network (config and parameters).
 *  @param[in]  net  network to copy
 *  @param[out] out  the copy, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (NULL net or out), HDNET_ENOMEM
 *  Ownership: free the copy with hdnet_net_free().
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_clone(const hdnet_net *net, hdnet_net **out);

/** A new copy of the network's config.
 *  @param[in]  net  the network
 *  @param[out] out  the config copy, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (NULL net or out), HDNET_ENOMEM
 *  Ownership: free with hdnet_config_free().
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_get_config(const hdnet_net *net, hdnet_config **out);

/** Dimensions of a network.
 *  @param[in]  net      the network
 *  @param[out] units    N, recurrent units, or NULL
 *  @param[out] inputs   I, input channels, or NULL
 *  @param[out] outputs  O, output channels, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (net NULL)
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_dims(const hdnet_net *net, size_t *units, size_t *inputs, size_t *outputs);

/** Number of floats in the flat parameter (and gradient) vector.
 *  @param[in] net  the network
 *  @return N*I + N + N*N + O*N + O + N, or 0 for NULL
 *  Thread-safety: net is only read. */
HDNET_API size_t hdnet_net_num_params(const hdnet_net *net);

/** Block id from its name.
 *  @param[in]  name   "W_in", "b_rec", "W_rec", "W_out", "b_out" or "ah0"
 *  @param[out] which  the HDNET_W_IN ... HDNET_A0 id
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown name)
 *  Thread-safety: safe from any thread. */
HDNET_API HDNET_NODISCARD int hdnet_block_id(const char *name, int *which);

/** Name of a block id.
 *  @param[in] which  HDNET_W_IN ... HDNET_A0
 *  @return a static string ("W_in", ...), or NULL for an unknown id
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_block_name(int which);

/** Shape and offset of a block in the flat parameter vector.
 *  @param[in]  net     the network
 *  @param[in]  which   block id (HDNET_W_IN ... HDNET_A0)
 *  @param[out] rows    rows of the block (post units), or NULL
 *  @param[out] cols    columns of the block (pre units; 1 for a vector), or NULL
 *  @param[out] offset  index of the block's first float in the flat vector, or NULL
 *  @return HDNET_OK, HDNET_EINVAL (net NULL, unknown block id)
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_block_info(const hdnet_net *net, int which, size_t *rows,
                                                   size_t *cols, size_t *offset);

/** Whether a block is learned (HDNET_P_LEARN_* of the config).
 *  @param[in] net    the network
 *  @param[in] which  block id
 *  @return 1 if learned, 0 if frozen, HDNET_EINVAL (net NULL, unknown block id)
 *  Thread-safety: net is only read. */
HDNET_API int hdnet_net_block_learned(const hdnet_net *net, int which);

/** Copy one block out ([post][pre], C order).
 *  @param[in]  net      the network
 *  @param[in]  which    block id
 *  @param[out] out      rows*cols floats (hdnet_net_block_info())
 *  @param[in]  out_len  length of out in floats, at least rows*cols
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown block id), HDNET_ESHAPE (out_len too small)
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_copy_block(const hdnet_net *net, int which, float *out, size_t out_len);

/** Set one block from caller values. Values must be finite; with
 *  self_connections = none the diagonal of W_rec must be 0. The network is
 *  unchanged on failure.
 *  @param[in,out] net  the network
 *  @param[in] which    block id
 *  @param[in] in       rows*cols floats, [post][pre], C order
 *  @param[in] len      length of in; must equal rows*cols
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument, unknown block id), HDNET_ESHAPE (len differs),
 *          HDNET_ERANGE (non-finite value, non-zero W_rec diagonal under self_connections = none)
 *  Thread-safety: one thread at a time per network. */
HDNET_API HDNET_NODISCARD int hdnet_net_set_block(hdnet_net *net, int which, const float *in, size_t len);

/** Copy the flat parameter vector out (blocks in the order above).
 *  @param[in]  net      the network
 *  @param[out] out      hdnet_net_num_params() floats
 *  @param[in]  out_len  length of out, at least hdnet_net_num_params()
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (out_len too small)
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_copy_params(const hdnet_net *net, float *out, size_t out_len);
/** Set the whole flat parameter vector (blocks in the order above), with the
 *  checks of hdnet_net_set_block() on every block. The network is unchanged on failure.
 *  @param[in,out] net  the network
 *  @param[in] in       hdnet_net_num_params() floats
 *  @param[in] len      length of in; must equal hdnet_net_num_params()
 *  @return HDNET_OK, HDNET_EINVAL (NULL argument), HDNET_ESHAPE (len differs),
 *          HDNET_ERANGE (non-finite value, non-zero W_rec diagonal under self_connections = none)
 *  Thread-safety: one thread at a time per network. */
HDNET_API HDNET_NODISCARD int hdnet_net_set_params(hdnet_net *net, const float *in, size_t len);

/** Forward pass over a batch.
 *  Drawn noise: the caller's rng gives one child seed per trial, in trial order;
 *  each trial's stream yields, step by step, its rate noise [N] (SD rate_noise)
 *  followed, when configured, by its pre-activation noise [N] (SD pre_noise,
 *  added inside the Euler bracket) and output noise [O] (SD output_noise, added
 *  to y). The noise therefore does not depend on the thread count. Pre-activation and
 *  output noise exist only with drawn noise (a supplied array is rate noise).
 *  Every array length must equal the size its shape gives.
 *  @param[in] net       the network
 *  @param[in] n_trials  trials in the batch (> 0)
 *  @param[in] n_steps   steps per trial (> 0)
 *  @param[in] inputs    [n_trials][n_steps][I]
 *  @param[in] inputs_len  n_trials*n_steps*I
 *  @param[in] noise     rate noise [n_trials][n_steps][N] added after f, or NULL
 *  @param[in] noise_len   n_trials*n_steps*N (ignored when noise is NULL)
 *  @param[in,out] rng   if noise is NULL and rng is not, noise is drawn from it (above)
 *                       and rng advances; both NULL: noise-free
 *  @param[in] a_init    per-trial initial pre-activation [n_trials][N], or NULL for ah0
 *  @param[in] a_init_len  n_trials*N (ignored when a_init is NULL)
 *  @param[out] outputs  [n_trials][n_steps][O] or NULL
 *  @param[in] outputs_len n_trials*n_steps*O (ignored when outputs is NULL)
 *  @param[out] rates    [n_trials][n_steps][N] or NULL (the noisy h)
 *  @param[in] rates_len   n_trials*n_steps*N (ignored when rates is NULL)
 *  Runs with HDNET_P_THREADS threads and the HDNET_P_KERNEL kernels.
 *  @return HDNET_OK, HDNET_EINVAL (NULL net or inputs, zero sizes), HDNET_ESHAPE (a length differs),
 *          HDNET_ERANGE (non-finite noise), HDNET_ENOMEM, HDNET_ENOTSUP (kernel set not
 *          supported by this CPU), HDNET_EDIVERGED (non-finite state)
 *  Ownership: allocates and frees a temporary workspace.
 *  Thread-safety: net is only read, so calls on one network may run concurrently,
 *  each with its own rng. */
HDNET_API HDNET_NODISCARD int hdnet_net_forward(const hdnet_net *net, size_t n_trials, size_t n_steps,
                                                const float *inputs, size_t inputs_len,
                                                const float *noise, size_t noise_len, hdnet_rng *rng,
                                                const float *a_init, size_t a_init_len,
                                                float *outputs, size_t outputs_len,
                                                float *rates, size_t rates_len);

/** Loss and its exact gradient (backpropagation through time) on a batch:
 *  E = c*sum M (y - yhat)^2 [c = 1/sum M, or 1/(2 sum M) with half_mse]
 *      + rate_l2*mean(h^2) + rate_l1*mean|h| + weight_l2/n_reg * (|W_in|^2 + |W_out|^2)
 *      + wrec_l2 * mean(W_rec^2)  [the last two: HDNET_LOSS_WEIGHT].
 *  Frozen blocks get a zero gradient; under self_connections = none the
 *  diagonal of the W_rec gradient is 0. The loss is accumulated in double; the
 *  gradient is computed in float32 with per-block double reductions (with
 *  grad_precision = bf16, the W_rec sum's operands are first rounded to
 *  bfloat16; config.h). An all-zero mask gives a main term of 0.
 *  @param[in] net       the network
 *  @param[in] n_trials  trials in the batch (> 0)
 *  @param[in] n_steps   steps per trial (> 0)
 *  @param[in] inputs    [n_trials][n_steps][I]; inputs_len = n_trials*n_steps*I
 *  @param[in] inputs_len  length of inputs
 *  @param[in] targets   [n_trials][n_steps][O]; targets_len = n_trials*n_steps*O
 *  @param[in] targets_len length of targets
 *  @param[in] mask      [n_trials][n_steps][O] weights M of the squared errors (0 or 1)
 *  @param[in] mask_len  length of mask, n_trials*n_steps*O
 *  @param[in] noise     rate noise as hdnet_net_forward(), or NULL
 *  @param[in] noise_len n_trials*n_steps*N (ignored when noise is NULL)
 *  @param[in,out] rng   as hdnet_net_forward() (training noise); may be NULL
 *  @param[in] rate_l2   the current rate penalty lambda_h (finite, >= 0)
 *  @param[out] loss     [HDNET_NLOSS] terms (HDNET_LOSS_*), or NULL
 *  @param[in] loss_len  length of loss, at least HDNET_NLOSS (ignored when loss is NULL)
 *  @param[out] grad     flat gradient [hdnet_net_num_params()], or NULL for the loss only
 *  @param[in] grad_len  length of grad; must equal hdnet_net_num_params() (ignored when NULL)
 *  @return HDNET_OK, HDNET_EINVAL (NULL net, inputs, targets or mask, zero sizes),
 *          HDNET_ESHAPE (a length differs), HDNET_ERANGE (rate_l2 < 0 or not finite, non-finite
 *          noise), HDNET_ENOMEM, HDNET_ENOTSUP (binarymeanzero, or an unsupported kernel set),
 *          HDNET_EDIVERGED (non-finite state or loss)
 *  Ownership: allocates and frees a temporary workspace.
 *  Thread-safety: net is only read; concurrent calls need distinct rngs. */
HDNET_API HDNET_NODISCARD int hdnet_net_loss_grad(const hdnet_net *net, size_t n_trials, size_t n_steps,
                                                  const float *inputs, size_t inputs_len,
                                                  const float *targets, size_t targets_len,
                                                  const float *mask, size_t mask_len,
                                                  const float *noise, size_t noise_len, hdnet_rng *rng,
                                                  double rate_l2,
                                                  double *loss, size_t loss_len,
                                                  float *grad, size_t grad_len);

/** Normalized error of outputs against targets (docs/model.md: per output, residual
 *  energy over target variance on the masked points (mask == 1), averaged over
 *  outputs; a constant target gives the residual energy alone, an output without
 *  masked points contributes 0). Accumulated in double.
 *  @param[in] outputs    [n_trials][n_steps][n_outputs] network outputs
 *  @param[in] targets    [n_trials][n_steps][n_outputs] targets
 *  @param[in] mask       [n_trials][n_steps][n_outputs]; points with mask == 1 count
 *  @param[in] n_trials   trials
 *  @param[in] n_steps    steps per trial
 *  @param[in] n_outputs  output channels
 *  @param[out] ne        the normalized error (dimensionless)
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_ESHAPE (a zero dimension, or a size that overflows)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_normalized_error(const float *outputs, const float *targets,
                                                     const float *mask, size_t n_trials, size_t n_steps,
                                                     size_t n_outputs, double *ne);

/** Normalized error as hdnet_normalized_error(), over the steps
 *  step_begin <= t < step_end of every trial only (e.g. the first 500 steps of
 *  1000-step trials). hdnet_normalized_error() is the window [0, n_steps).
 *  @param[in] outputs     [n_trials][n_steps][n_outputs] network outputs
 *  @param[in] targets     [n_trials][n_steps][n_outputs] targets
 *  @param[in] mask        [n_trials][n_steps][n_outputs]; points with mask == 1 count
 *  @param[in] n_trials    trials
 *  @param[in] n_steps     steps per trial
 *  @param[in] n_outputs   output channels
 *  @param[in] step_begin  first step of the window
 *  @param[in] step_end    first step after the window (step_begin < step_end <= n_steps)
 *  @param[out] ne         the normalized error (dimensionless)
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_ESHAPE (a zero dimension, or a size that
 *          overflows), HDNET_ERANGE (an empty window or one beyond n_steps)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_normalized_error_window(const float *outputs, const float *targets,
                                                            const float *mask, size_t n_trials,
                                                            size_t n_steps, size_t n_outputs,
                                                            size_t step_begin, size_t step_end, double *ne);

/** Normalized error, as hdnet_normalized_error(), of the output that holds the cued
 *  heading: in every trial it repeats the target of step cue - 1 at every step. A
 *  network that remembers the cue but integrates nothing makes this error; the
 *  competence gate compares with it (hdnet_gate_bound(), docs/analyses.md section 7).
 *  It depends on the trials only: about 1.8 on 1000-step trials of the default task,
 *  about 0.1 at speed 0.1, where the heading hardly moves.
 *  @param[in] targets    [n_trials][n_steps][n_outputs] targets
 *  @param[in] mask       [n_trials][n_steps][n_outputs]; points with mask == 1 count
 *  @param[in] n_trials   trials
 *  @param[in] n_steps    steps per trial
 *  @param[in] n_outputs  output channels
 *  @param[in] cue        cue steps, 1 <= cue <= n_steps
 *  @param[out] ne        the normalized error (dimensionless)
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_ESHAPE (a zero dimension, or a size that
 *          overflows), HDNET_ERANGE (cue 0 or beyond n_steps: no cued target to hold)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_hold_error(const float *targets, const float *mask, size_t n_trials,
                                               size_t n_steps, size_t n_outputs, size_t cue, double *ne);

/** An empty list of perturbations for hdnet_net_run().
 *  @param[out] out  the new list, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (out NULL), HDNET_ENOMEM
 *  Ownership: free with hdnet_perturb_free(). */
HDNET_API HDNET_NODISCARD int hdnet_perturb_create(hdnet_perturb **out);
/** Free a perturbation list; NULL is accepted.
 *  @param[in] p  list to free, or NULL */
HDNET_API void hdnet_perturb_free(hdnet_perturb *p);

/** Add a perturbation of units[0..n_units) for steps t_on <= t < t_off.
 *  @param[in,out] p    the list
 *  @param[in] mode     HDNET_PERTURB_*
 *  @param[in] units    n_units 0-based unit indices (checked against N by hdnet_net_run())
 *  @param[in] n_units  number of units
 *  @param[in] t_on     first perturbed step
 *  @param[in] t_off    first step after the window (t_on <= t_off)
 *  @param[in] value    the clamped rate for HDNET_PERTURB_RATE (finite); unused otherwise
 *  @return HDNET_OK, HDNET_EINVAL (p NULL, units NULL with n_units > 0), HDNET_ERANGE
 *          (t_on > t_off, bad mode, non-finite value, negative unit index), HDNET_ENOMEM
 *  Ownership: the list keeps its own copy of units.
 *  Thread-safety: one thread at a time per list. */
HDNET_API HDNET_NODISCARD int hdnet_perturb_add(hdnet_perturb *p, int mode, const int *units, size_t n_units,
                                                size_t t_on, size_t t_off, double value);

/** Noise-free run with perturbations.
 *  Outgoing modes act on the recurrence from h[t-1] at steps t_on <= t < t_off
 *  (and on the readout of steps in the window); rates report the true h there.
 *  Every array length must equal the size its shape gives.
 *  @param[in] net        the network
 *  @param[in] n_trials   trials (> 0)
 *  @param[in] n_steps    steps per trial (> 0)
 *  @param[in] inputs     [n_trials][n_steps][I]
 *  @param[in] inputs_len n_trials*n_steps*I
 *  @param[in] a_init     [n_trials][N] initial pre-activation, or NULL for ah0
 *  @param[in] a_init_len n_trials*N (ignored when a_init is NULL)
 *  @param[in] p          perturbations, or NULL for none
 *  @param[out] outputs   [n_trials][n_steps][O], or NULL
 *  @param[in] outputs_len n_trials*n_steps*O (ignored when outputs is NULL)
 *  @param[out] rates     [n_trials][n_steps][N] the rates h actually used (clamped
 *                        inside a rate window), or NULL
 *  @param[in] rates_len  n_trials*n_steps*N (ignored when rates is NULL)
 *  @param[out] shadow    [n_trials][n_steps][N] f(a[t]) noise-free and unclamped
 *                        ("shadow rates"), or NULL
 *  @param[in] shadow_len n_trials*n_steps*N (ignored when shadow is NULL)
 *  @return HDNET_OK, HDNET_EINVAL (NULL net or inputs, zero sizes), HDNET_ESHAPE (a length
 *          differs), HDNET_ERANGE (unit index >= N, non-finite a_init), HDNET_ENOMEM,
 *          HDNET_ENOTSUP (kernel set not supported by this CPU), HDNET_EDIVERGED
 *  Ownership: allocates and frees a temporary workspace.
 *  Thread-safety: net and p are only read; calls may run concurrently. */
HDNET_API HDNET_NODISCARD int hdnet_net_run(const hdnet_net *net, size_t n_trials, size_t n_steps,
                                            const float *inputs, size_t inputs_len,
                                            const float *a_init, size_t a_init_len,
                                            const hdnet_perturb *p,
                                            float *outputs, size_t outputs_len,
                                            float *rates, size_t rates_len,
                                            float *shadow, size_t shadow_len);

#ifdef __cplusplus
}
#endif
#endif
