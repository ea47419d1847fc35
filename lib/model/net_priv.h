/* Private: network struct and the gradient engine (net.c and its kernels). */
#ifndef HDNET_NET_PRIV_H
#define HDNET_NET_PRIV_H

#include <stddef.h>

/* The network: one flat float block for every parameter, plus the model
 * settings read once from the config at create time. */
struct hdnet_net {
    hdnet_config *cfg;          /* own copy */
    size_t n, ni, no;           /* units, inputs, outputs */
    size_t n_params;
    size_t off[6], rows[6], cols[6];
    int learn[6];
    float *params;              /* n_params floats, block order of net.h */
    double *tau;                /* [n] per-unit time constants */
    float *alpha;               /* [n] dt/tau */
    int act, kink, self_mode, kernel, threads, half_mse, grad_bf16;
    float slope;
    double rate_noise, pre_noise, out_noise, rate_l1, weight_l2, wrec_l2;
};

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

/* General forward (public forward and run): noise as loss_grad; a_init
 * [B][N] or NULL; optional perturbations; outputs [B][T][O], rates [B][T][N]
 * (the h actually used), shadow [B][T][N] (f(a), noise-free, unclamped), each
 * may be NULL. Pre-activation and output noise are drawn only when rng is
 * given (after the rate noise of each trial). */
int hdnet__engine_run(hdnet__engine *e, const hdnet_net *net, size_t n_trials, const float *x,
                      const float *noise, hdnet_rng *rng, const float *a_init,
                      const hdnet_perturb *p, float *y, float *rates, float *shadow);

/* hdnet__engine_run over any number of trials in batches of
 * HDNET__RUN_TRIALS_PER_THREAD per thread (bounded memory; HDNET_P_THREADS
 * threads); the drawn noise is the same as in one call. One kernel block (8
 * trials) per thread: every call allocates the engine afresh, and on this
 * project's VM the page faults of a 4x larger workspace cost more than the
 * forward pass (analysis of 500 x 1000 steps: 3.6 s CPU at 32, 2.1 s at 8). */
#define HDNET__RUN_TRIALS_PER_THREAD 8
int hdnet__run_batched(const hdnet_net *net, size_t n_trials, size_t n_steps, const float *x,
                       const float *noise, hdnet_rng *rng, const float *a_init,
                       const hdnet_perturb *p, float *y, float *rates, float *shadow);

/* ---- perturbations (perturb.c) ---- */
struct hdnet__perturb_item {
    int mode;
    size_t t_on, t_off;
    float value;
    size_t first, count; /* units in hdnet_perturb.units */
};
struct hdnet_perturb {
    struct hdnet__perturb_item *items;
    size_t n_items, cap_items;
    int *units;
    size_t n_units, cap_units;
};

/* ---- nonlinearities (activation.c) ---- */
/* Double-precision f and f' (f' at the kink of retanh/ReLU/lineartanh per
 * `kink`: HDNET_KINK_HALF gives 1/2 at 0 for retanh and ReLU). */
double hdnet__act_f(int act, double slope, double x);
double hdnet__act_df(int act, double slope, int kink, double x);
/* Float rows: f[i] = f(a[i]) and (d != NULL) d[i] = f'(a[i]); f and a may alias. */
void hdnet__act_rows(int act, float slope, int kink, const float *a, float *f, float *d, size_t n);
/* 1 if the activation can be trained (everything but binarymeanzero). */
int hdnet__act_trainable(int act);

/* ---- bfloat16 (bf16.c) ---- */
/* dst[i] = src[i] rounded to bfloat16 and widened back to float (nearest,
 * ties to even; subnormals to a signed 0; NaN stays NaN). dst may be src. */
void hdnet__bf16_round(const float *src, float *dst, size_t n);

/* ---- per-step kernels (kernel*.c) ---- */

/* One forward step for nb trials (rows of trial b at base + b*stride; x rows
 * at x + b*x_stride, ni floats):
 *   a  <- (1 - alpha) a + alpha (hprev W + x W_in^T + bias [+ ud])
 *   h  <- f(a) (+ h if noisy: h holds the noise on entry)
 *   ud <- f'(a) (if add_u, ud holds an extra input, e.g. pre-activation noise)
 * W: [n][ld] = W_rec transposed; win: [ni][ld] = W_in transposed. Vectors
 * have ld >= n floats (ld a multiple of 8); padding columns of W, win, bias and
 * alpha are 0. a is [nb][ld] contiguous. */
typedef struct {
    size_t n, ld, ni;
    const float *w, *win, *bias, *alpha;
    int act, kink, noisy, add_u;
    float slope;
} hdnet__fwd_args;
/* One backward step for nb trials:
 *   g     = dnext W + ey W_out + c2 h + c1 sign(h)         W: [n][ld] = W_rec
 *   delta <- dd (on entry D_t) * g + (1 - alpha) delta
 *   dd    <- alpha * delta   (the scaled Delta~_t)
 * ey rows have `no` floats; W_out is [no][ld]. delta is [nb][ld] contiguous. */
typedef struct {
    size_t n, ld, no;
    const float *w, *wout, *alpha, *one_m_alpha;
    float c2, c1;
} hdnet__bwd_args;
/* Readout of one step for nb trials: y[b*y_stride + o] = W_out[o] . h_b (no bias),
 * sums[2b] = sum_j h_j^2, sums[2b+1] = sum_j |h_j| (j < n). */
typedef struct {
    size_t n, ld, no;
    const float *wout;
} hdnet__out_args;
/* Gradient sums: c[i][j] += sum_r d[r*sd + i] h[r*sh + j] for i < m, j < ld
 * (c is [m][ld]; sd = 0 with d -> 1.0f gives column sums). grad W_rec uses
 * m = n, d = Delta~, h = H_prev; W_in, b and W_out use it too. */
typedef struct {
    size_t ld;
} hdnet__outer_args;

typedef void (*hdnet__fwd_fn)(const hdnet__fwd_args *k, size_t nb, const float *hprev,
                              float *h, float *ud, size_t stride, const float *x,
                              size_t x_stride, float *a);
typedef void (*hdnet__bwd_fn)(const hdnet__bwd_args *k, size_t nb, const float *dnext,
                              float *dd, const float *h, size_t stride, const float *ey,
                              size_t ey_stride, float *delta);
typedef void (*hdnet__out_fn)(const hdnet__out_args *k, size_t nb, const float *h,
                              size_t stride, float *y, size_t y_stride, float *sums);
typedef void (*hdnet__outer_fn)(const hdnet__outer_args *k, size_t rows, size_t m,
                                const float *d, size_t sd, const float *h, size_t sh, float *c);
typedef struct {
    hdnet__fwd_fn fwd;
    hdnet__bwd_fn bwd;
    hdnet__out_fn out;
    hdnet__outer_fn outer;
    int kind;
    size_t align; /* row length ld must be a multiple of this many floats */
} hdnet__kernels;

#define HDNET__KERNEL_DECL(sfx)                                                                 \
    void hdnet__fwd_##sfx(const hdnet__fwd_args *k, size_t nb, const float *hprev, float *h,   \
                          float *ud, size_t stride, const float *x, size_t x_stride, float *a);\
    void hdnet__bwd_##sfx(const hdnet__bwd_args *k, size_t nb, const float *dnext, float *dd,  \
                          const float *h, size_t stride, const float *ey, size_t ey_stride,    \
                          float *delta);                                                       \
    void hdnet__out_##sfx(const hdnet__out_args *k, size_t nb, const float *h, size_t stride,  \
                          float *y, size_t y_stride, float *sums);                             \
    void hdnet__outer_##sfx(const hdnet__outer_args *k, size_t rows, size_t m, const float *d, \
                            size_t sd, const float *h, size_t sh, float *c);
HDNET__KERNEL_DECL(portable)
HDNET__KERNEL_DECL(avx2)
HDNET__KERNEL_DECL(avx512)

/* 1 if this CPU can run kernel kind `kind`. */
int hdnet__kernel_supported(int kind);
/* The set kernel = auto uses for networks of n units: the fastest in a short
 * timed trial of the supported sets (a few ms, once per process and n). */
int hdnet__kernel_auto(size_t n);
/* Kernels for a request (HDNET_KERNEL_*; AUTO = hdnet__kernel_auto(n)).
 * HDNET_OK or HDNET_ENOTSUP when the CPU lacks the requested kind. */
int hdnet__kernel_select(int request, size_t n, hdnet__kernels *out);

#endif
