/* Private: the Hessian-free optimiser (hf_pass.c: forward, backward and
 * Gauss-Newton-vector passes; hf.c: CG, backtracking, line search, damping). */
#ifndef HDNET_HF_PRIV_H
#define HDNET_HF_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* Workspaces for up to max_trials trials of n_steps steps, the stored
 * trajectory of the last forward pass, and the optimiser's state. */
typedef struct hdnet__hf hdnet__hf;

/* Settings are read from cfg (HDNET_P_HF_*, HDNET_P_CLIP) and from the
 * network (lambda_W = its weight_l2, which must be > 0: it is also the
 * damping). HDNET_ENOTSUP for what the passes do not model: rate L1,
 * pre-activation or output noise, an untrainable activation. */
int hdnet__hf_create(hdnet__hf **out, const hdnet_config *cfg, const hdnet_net *net,
                     size_t max_trials, size_t n_steps);
void hdnet__hf_free(hdnet__hf *hf);

/* Forward pass on n_trials trials with the given rate noise [B][T][N] (NULL:
 * none), storing the trajectory; loss[HDNET_NLOSS] with the weight term at
 * the current lambda_W; with grad != NULL also the backward pass and the flat
 * gradient (frozen blocks and, under self_connections = none, diag(W_rec) 0).
 * HDNET_EDIVERGED on a non-finite state, loss or gradient. */
int hdnet__hf_loss_grad(hdnet__hf *hf, const hdnet_net *net, size_t n_trials, const float *x,
                        const float *y, const float *m, const float *noise, double rate_l2,
                        double *loss, float *grad);

/* Damped Gauss-Newton product out = (G + lambda_sd/(BTN) J_a' D J_a) v +
 * damping * v[W_in, W_out] at the trajectory of the last hdnet__hf_loss_grad()
 * (G of the main loss and of the rate L2 term at rate_l2). Entries of frozen
 * blocks and the masked diagonal are 0. */
void hdnet__hf_gv(hdnet__hf *hf, const hdnet_net *net, double rate_l2, double lambda_sd,
                  double damping, const float *v, float *out);

/* One Hessian-free update of net on the batch (x, y, m) with the epoch's rate
 * noise (fixed for every evaluation of the update): gradient, adaptation of
 * lambda_W, clipping, CG, CG backtracking, Armijo line search,
 * Levenberg-Marquardt, step. loss receives the terms before the step;
 * grad_norm the pre-clip norm, clip_factor and rate (the line-search step,
 * 0 for a rejected step) are reported. */
int hdnet__hf_update(hdnet__hf *hf, hdnet_net *net, size_t n_trials, const float *x,
                     const float *y, const float *m, hdnet_rng *noise_rng, double rate_l2,
                     double *loss, double *grad_norm, double *clip_factor, double *rate);

/* Loss terms only, with fresh noise from noise_rng (the last pass of a run). */
int hdnet__hf_loss(hdnet__hf *hf, const hdnet_net *net, size_t n_trials, const float *x,
                   const float *y, const float *m, hdnet_rng *noise_rng, double rate_l2,
                   double *loss);

/* Current lambda_W (weight penalty and damping) and CG iterations of the last update. */
double hdnet__hf_lambda(const hdnet__hf *hf);
size_t hdnet__hf_cg_iterations(const hdnet__hf *hf);

/* Conjugate gradient on A d = b from d (in/out), identity preconditioner, at
 * most max_iter products apply(ctx, v, out); the iterates at
 * i = ceil(5 * 1.3^j) and the last are copied to keep[k] (up to keep_cap) with
 * their iteration numbers and phi(d) = d'Ad/2 - b'd; stops early by Martens'
 * rule (relative progress of phi over the last max(10, 0.1 i) iterations
 * below 5e-4 per iteration). Returns the iterations done; work holds 3n floats. */
typedef void (*hdnet__hf_apply)(void *ctx, const float *v, float *out);
size_t hdnet__hf_cg(hdnet__hf_apply apply, void *ctx, size_t n, const float *b, float *d,
                    size_t max_iter, float **keep, size_t keep_cap, size_t *keep_iter,
                    double *keep_phi, size_t *n_keep, float *work);

#endif
