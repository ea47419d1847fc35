/* Private: network struct and the gradient engine (net.c and its kernels). */
#ifndef HDNET_NET_PRIV_H
#define HDNET_NET_PRIV_H

#include <stddef.h>

/* struct hdnet_net is defined here by net.c's author. */

/* Flat parameter vector (num_params floats, block order of net.h). Optimisers
 * update it in place and then call hdnet__net_enforce(). */
float *hdnet__net_params(hdnet_net *net);
const float *hdnet__net_params_const(const hdnet_net *net);
/* Re-apply structural constraints after an update (diag(W_rec) = 0 under
 * self_connections = none). */
void hdnet__net_enforce(hdnet_net *net);

/* Gradient engine: every workspace for up to max_trials trials of n_steps
 * steps, and n_threads worker threads, allocated once. */
typedef struct hdnet__engine hdnet__engine;
int hdnet__engine_create(hdnet__engine **out, const hdnet_net *net, size_t max_trials,
                         size_t n_steps, int n_threads);
void hdnet__engine_free(hdnet__engine *e);
/* Loss terms loss[HDNET_NLOSS] and the flat gradient (grad may be NULL) on
 * n_trials <= max_trials trials; no allocation. Training noise: the given
 * array [B][T][N], or drawn from rng (one child seed per trial, so the noise
 * does not depend on the thread count), or none when both are NULL.
 * Deterministic for a fixed thread count. */
int hdnet__engine_loss_grad(hdnet__engine *e, const hdnet_net *net, size_t n_trials,
                            const float *x, const float *y, const float *m,
                            const float *noise, hdnet_rng *rng, double rate_l2,
                            double *loss, float *grad);
/* Noise-free outputs [B][T][O] of n_trials <= max_trials trials. */
int hdnet__engine_forward(hdnet__engine *e, const hdnet_net *net, size_t n_trials,
                          const float *x, float *y);

#endif
