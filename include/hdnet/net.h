/* libhdnet: the continuous-time recurrent network.
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

typedef struct hdnet_net hdnet_net;
typedef struct hdnet_perturb hdnet_perturb;

/* Parameter blocks (flat order). */
#define HDNET_W_IN   0
#define HDNET_B_REC  1
#define HDNET_W_REC  2
#define HDNET_W_OUT  3
#define HDNET_B_OUT  4
#define HDNET_A0     5
#define HDNET_NBLOCKS 6

/* Loss terms returned by hdnet_net_loss_grad(). */
#define HDNET_LOSS_TOTAL  0
#define HDNET_LOSS_MAIN   1  /**< masked MSE */
#define HDNET_LOSS_RATE   2  /**< rate L2 (+ L1) penalty */
#define HDNET_LOSS_WEIGHT 3  /**< weight L2 penalty */
#define HDNET_NLOSS       4

/* Perturbation modes (hdnet_perturb_add). */
#define HDNET_PERTURB_RATE             0 /**< h_i = value in recurrence and readout */
#define HDNET_PERTURB_OUTGOING         1 /**< W_rec[:, i] acts as 0 */
#define HDNET_PERTURB_OUTGOING_READOUT 2 /**< W_rec[:, i] and W_out[:, i] act as 0 */

/** Create a network from cfg, initialised from rng (HDNET_P_INIT scheme, drawn
 *  in the order b_rec, W_in, W_rec, W_out).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ERANGE (e.g. tau vector of the wrong length), HDNET_ENOMEM
 *  Ownership: free with hdnet_net_free(). */
HDNET_API HDNET_NODISCARD int hdnet_net_create(hdnet_net **out, const hdnet_config *cfg, hdnet_rng *rng);

/** Free a network; NULL is accepted. */
HDNET_API void hdnet_net_free(hdnet_net *net);

/** Deep copy. @return HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_net_clone(const hdnet_net *net, hdnet_net **out);

/** A new copy of the network's config. @return HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_net_get_config(const hdnet_net *net, hdnet_config **out);

/** Units N, inputs I, outputs O (any pointer may be NULL). @return HDNET_OK, HDNET_EINVAL */
HDNET_API HDNET_NODISCARD int hdnet_net_dims(const hdnet_net *net, size_t *units, size_t *inputs, size_t *outputs);

/** Number of floats in the flat parameter (and gradient) vector. 0 for NULL. */
HDNET_API size_t hdnet_net_num_params(const hdnet_net *net);

/** Block id from its name: "W_in", "b_rec", "W_rec", "W_out", "b_out", "ah0".
 *  @return HDNET_OK, HDNET_EINVAL */
HDNET_API HDNET_NODISCARD int hdnet_block_id(const char *name, int *which);

/** Name of a block id, or NULL for an unknown id. */
HDNET_API const char *hdnet_block_name(int which);

/** Shape and offset of a block in the flat vector (pointers may be NULL).
 *  @return HDNET_OK, HDNET_EINVAL */
HDNET_API HDNET_NODISCARD int hdnet_net_block_info(const hdnet_net *net, int which, size_t *rows,
                                                   size_t *cols, size_t *offset);

/** 1 if block `which` is learned, 0 if frozen, negative status on error. */
HDNET_API int hdnet_net_block_learned(const hdnet_net *net, int which);

/** Copy one block into out ([post][pre]). @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE */
HDNET_API HDNET_NODISCARD int hdnet_net_copy_block(const hdnet_net *net, int which, float *out, size_t out_len);

/** Set one block from in. Values must be finite; with self_connections = none the
 *  diagonal of W_rec must be 0. The network is unchanged on failure.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE (len differs), HDNET_ERANGE */
HDNET_API HDNET_NODISCARD int hdnet_net_set_block(hdnet_net *net, int which, const float *in, size_t len);

/** Copy / set the flat parameter vector (order of the blocks above).
 *  @return as the block calls */
HDNET_API HDNET_NODISCARD int hdnet_net_copy_params(const hdnet_net *net, float *out, size_t out_len);
HDNET_API HDNET_NODISCARD int hdnet_net_set_params(hdnet_net *net, const float *in, size_t len);

/** Forward pass over a batch.
 *  Drawn noise: the caller's rng gives one child seed per trial, in trial order;
 *  each trial's stream yields, step by step, its rate noise [N] (SD rate_noise)
 *  followed, when configured, by its pre-activation noise [N] (SD pre_noise,
 *  added inside the Euler bracket) and output noise [O] (SD output_noise, added
 *  to y). The noise therefore does not depend on the thread count. Pre-activation and
 *  output noise exist only with drawn noise (a supplied array is rate noise).
 *  @param inputs   [n_trials][n_steps][I]
 *  @param noise    rate noise [n_trials][n_steps][N] added after f, or NULL
 *  @param rng      if noise is NULL and rng is not, noise is drawn from it (above);
 *                  both NULL: noise-free
 *  @param a_init   per-trial initial pre-activation [n_trials][N], or NULL for ah0
 *  @param outputs  [n_trials][n_steps][O] or NULL
 *  @param rates    [n_trials][n_steps][N] or NULL (the noisy h)
 *  Runs with HDNET_P_THREADS threads and the HDNET_P_KERNEL kernels.
 *  @return HDNET_OK, HDNET_EINVAL (NULL, zero sizes), HDNET_ESHAPE, HDNET_ERANGE (non-finite
 *          noise), HDNET_ENOMEM, HDNET_ENOTSUP (kernel set not supported by this CPU),
 *          HDNET_EDIVERGED (non-finite state) */
HDNET_API HDNET_NODISCARD int hdnet_net_forward(const hdnet_net *net, size_t n_trials, size_t n_steps,
                                                const float *inputs, size_t inputs_len,
                                                const float *noise, size_t noise_len, hdnet_rng *rng,
                                                const float *a_init, size_t a_init_len,
                                                float *outputs, size_t outputs_len,
                                                float *rates, size_t rates_len);

/** Loss and its exact gradient (backpropagation through time) on a batch:
 *  E = c*sum M (y - yhat)^2 [c = 1/sum M, or 1/(2 sum M) with half_mse]
 *      + rate_l2*mean(h^2) + rate_l1*mean|h| + weight_l2/n_reg * (|W_in|^2 + |W_out|^2).
 *  Frozen blocks get a zero gradient; under self_connections = none the
 *  diagonal of the W_rec gradient is 0.
 *  @param noise, rng  as hdnet_net_forward() (training noise)
 *  @param rate_l2     the current rate penalty lambda_h
 *  @param loss        [HDNET_NLOSS] terms out (may be NULL)
 *  @param grad        flat gradient out [hdnet_net_num_params()], or NULL for the loss only
 *  The loss is accumulated in double; the gradient is computed in float32 with
 *  per-block double reductions. An all-zero mask gives a main term of 0.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE, HDNET_ERANGE (rate_l2 < 0 or NaN, non-finite
 *          noise), HDNET_ENOMEM, HDNET_ENOTSUP (binarymeanzero, or an unsupported kernel set),
 *          HDNET_EDIVERGED */
HDNET_API HDNET_NODISCARD int hdnet_net_loss_grad(const hdnet_net *net, size_t n_trials, size_t n_steps,
                                                  const float *inputs, size_t inputs_len,
                                                  const float *targets, size_t targets_len,
                                                  const float *mask, size_t mask_len,
                                                  const float *noise, size_t noise_len, hdnet_rng *rng,
                                                  double rate_l2,
                                                  double *loss, size_t loss_len,
                                                  float *grad, size_t grad_len);

/** Normalized error (spec: per output, residual energy over target variance on the
 *  masked points (mask == 1), averaged over outputs; a constant target gives the
 *  residual energy alone, an output without masked points contributes 0).
 *  Accumulated in double.
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_ESHAPE (a zero dimension) */
HDNET_API HDNET_NODISCARD int hdnet_normalized_error(const float *outputs, const float *targets,
                                                     const float *mask, size_t n_trials, size_t n_steps,
                                                     size_t n_outputs, double *ne);

/** An empty list of perturbations for hdnet_net_run().
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM. Ownership: hdnet_perturb_free(). */
HDNET_API HDNET_NODISCARD int hdnet_perturb_create(hdnet_perturb **out);
HDNET_API void hdnet_perturb_free(hdnet_perturb *p);

/** Add a perturbation of units[0..n_units) for steps t_on <= t < t_off.
 *  @param mode   HDNET_PERTURB_*; value is the clamped rate for HDNET_PERTURB_RATE
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ERANGE (t_on > t_off, bad mode, NaN value), HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_perturb_add(hdnet_perturb *p, int mode, const int *units, size_t n_units,
                                                size_t t_on, size_t t_off, double value);

/** Noise-free run with perturbations (p may be NULL).
 *  @param a_init  [n_trials][N] or NULL for ah0
 *  @param rates   the rates h actually used (clamped inside a rate window), or NULL
 *  @param shadow  f(a[t]) noise-free and unclamped ("shadow rates"), or NULL
 *  Outgoing modes act on the recurrence from h[t-1] at steps t_on <= t < t_off
 *  (and on the readout of steps in the window); rates report the true h there.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE, HDNET_ERANGE (unit index >= N), HDNET_ENOMEM,
 *          HDNET_EDIVERGED */
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
