/** @file
 * libhdnet: configuration of the model, the task and training.
 *
 * One opaque hdnet_config holds every setting, keyed by an int parameter id
 * whose value is fixed forever. A new config starts at the library defaults
 * (the paper's model and task, the `paper` training recipe). Objects copy the
 * config they are created from, so a config may be changed or freed after use.
 * Every parameter can also be set by name ("tau", "10"); enumerated parameters
 * accept their value names ("retanh") or numbers.
 *
 * Thread-safety: one thread at a time per config; const calls may run
 * concurrently. The parameter table functions are safe from any thread. */
#ifndef HDNET_CONFIG_H
#define HDNET_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque set of every parameter (create with hdnet_config_create()). */
typedef struct hdnet_config hdnet_config;

/* ---- model (ids 1-99) ---- */
#define HDNET_P_UNITS            1   /**< N, recurrent units (100) */
#define HDNET_P_INPUTS           2   /**< inputs (3: av, sin th0, cos th0) */
#define HDNET_P_OUTPUTS          3   /**< outputs (2: sin th, cos th) */
#define HDNET_P_DT               4   /**< Euler step (1) */
#define HDNET_P_TAU              5   /**< time constant, same units as dt (10) */
#define HDNET_P_ACTIVATION       6   /**< nonlinearity, HDNET_ACT_* (retanh) */
#define HDNET_P_ACT_SLOPE        7   /**< slope s of tanhwithslope (1) */
#define HDNET_P_RATE_NOISE       8   /**< SD of rate noise after f in training (0.1) */
#define HDNET_P_PRE_NOISE        9   /**< SD of pre-activation noise (0) */
#define HDNET_P_OUTPUT_NOISE    10   /**< SD of output noise (0) */
#define HDNET_P_SELF_CONNECTIONS 11  /**< HDNET_SELF_* (none: diagonal held at 0) */
#define HDNET_P_INIT            12   /**< HDNET_INIT_* (orthogonal) */
#define HDNET_P_WREC_GAIN       13   /**< gain g of W_rec = g*N(0,1)/sqrt(N) (1.5) */
#define HDNET_P_LEARN_W_IN      14   /**< 1 = learned (1) */
#define HDNET_P_LEARN_B_REC     15   /**< (1) */
#define HDNET_P_LEARN_W_REC     16   /**< (1) */
#define HDNET_P_LEARN_W_OUT     17   /**< (1) */
#define HDNET_P_LEARN_B_OUT     18   /**< (0) */
#define HDNET_P_LEARN_A0        19   /**< (1) */
#define HDNET_P_KINK            20   /**< HDNET_KINK_*: retanh'(0) (one_sided: 0) */
#define HDNET_P_KERNEL          25   /**< HDNET_KERNEL_*: per-step kernels (auto) */

/* ---- task (ids 100-199) ---- */
#define HDNET_P_STEPS          100   /**< T, steps per trial (500) */
#define HDNET_P_CUE            101   /**< steps showing the initial heading (10) */
#define HDNET_P_MOMENTUM       102   /**< AR(1) coefficient of av (0.8) */
#define HDNET_P_SPEED          103   /**< multiplier of the innovation SD (1) */
#define HDNET_P_ANGULAR_SD     104   /**< innovation SD at speed 1, rad/step (0.03) */
#define HDNET_P_STRETCH_RULE   105   /**< HDNET_STRETCH_* (half) */
#define HDNET_P_STRETCH_K      106   /**< trials with a stretch under first_k (200) */
#define HDNET_P_STRETCH_LOW    107   /**< lowest value of the stretch draws, 0 or 1 (0) */
#define HDNET_P_AV_MIN         108   /**< clip av below, deg/step (-inf) */
#define HDNET_P_AV_MAX         109   /**< clip av above, deg/step (+inf) */
#define HDNET_P_BOUNDARY       110   /**< HDNET_BOUNDARY_* (periodic) */
#define HDNET_P_THETA_MIN      111   /**< lower heading bound, degrees (0) */
#define HDNET_P_THETA_MAX      112   /**< upper heading bound, degrees (360) */
#define HDNET_P_INPUT_NOISE    113   /**< SD of noise on every input channel (0) */
#define HDNET_P_BATCH_MODE     114   /**< HDNET_BATCH_* (fresh) */
#define HDNET_P_TASK_RNG       115   /**< HDNET_RNG_* used for trials (library) */
#define HDNET_P_TRIALS         116   /**< trials per update at the start (recipe: paper 64, reference 100) */

/* ---- training (ids 200-299) ---- */
#define HDNET_P_UPDATES        200   /**< optimiser updates (recipe: paper 10000, reference 5000) */
#define HDNET_P_OPTIMIZER      201   /**< HDNET_OPT_* (adamw) */
#define HDNET_P_LR             202   /**< peak learning rate (recipe: paper 2e-3, reference 1e-3) */
#define HDNET_P_BETA1          203   /**< (0.9) */
#define HDNET_P_BETA2          204   /**< (0.999) */
#define HDNET_P_EPS            205   /**< (1e-8) */
#define HDNET_P_WEIGHT_DECAY   206   /**< decoupled decay of AdamW (0.01) */
#define HDNET_P_SGD_MOMENTUM   207   /**< momentum of SGD (0.9) */
#define HDNET_P_CLIP           208   /**< global gradient-norm clip, 0 = off (10) */
#define HDNET_P_DECAY_SCOPE    209   /**< HDNET_DECAY_* (all learned parameters) */
#define HDNET_P_HALF_MSE       210   /**< 1 = main loss with 1/2 (MATLAB) (0) */
#define HDNET_P_RATE_L2        211   /**< initial rate L2 penalty lambda_h (0.01) */
#define HDNET_P_RATE_RULE      212   /**< HDNET_RATE_RULE_* (pytorch) */
#define HDNET_P_RATE_L1        213   /**< rate L1 penalty (0) */
#define HDNET_P_WEIGHT_L2      214   /**< L2 penalty lambda_W on W_in and W_out (0) */
#define HDNET_P_LR_SCHEDULE    215   /**< HDNET_LR_* (recipe: paper cosine, reference constant) */
#define HDNET_P_LR_MIN         216   /**< final learning rate of a decaying schedule (recipe: paper 1e-5) */
#define HDNET_P_WARMUP         217   /**< warm-up updates of the learning rate (recipe: paper 100, reference 0) */
#define HDNET_P_SELECTION_TRIALS 218 /**< noise-free trials of the selection set (1000) */
#define HDNET_P_SELECTION      219   /**< HDNET_SELECTION_* (own stream) */
#define HDNET_P_CHECKPOINTS    220   /**< HDNET_CKPT_* (reference schedule) */
#define HDNET_P_EVAL_EVERY     221   /**< extra selection evaluations every k updates, 0 = off */
#define HDNET_P_THREADS        222   /**< worker threads for training (1) */
#define HDNET_P_SEED           223   /**< master seed of every stream (1) */
#define HDNET_P_BATCH_FINAL    224   /**< trials per update at the end, 0 = no growth (recipe: paper 256, reference 0) */
#define HDNET_P_CURRICULUM_STEPS   225 /**< steps per trial in the first phase, 0 or >= steps: none (recipe: paper 200, reference 0) */
#define HDNET_P_CURRICULUM_UPDATES 226 /**< updates of the first phase, on shorter trials (recipe: paper 1500, reference 0) */
#define HDNET_P_HF_MU          227   /**< Hessian-free: structural damping lambda_SD = mu * lambda_W (3000) */
#define HDNET_P_HF_CG_ITERS    228   /**< Hessian-free: CG iterations per update, at most (50) */
#define HDNET_P_HF_RESTART     229   /**< Hessian-free: every k-th update CG starts from the scaled gradient (10) */
#define HDNET_P_HF_RESTART_SCALE 230 /**< Hessian-free: that start is -(scale |d_prev| / |g|) g (2) */
#define HDNET_P_WREC_L2        231   /**< L2 penalty lambda_rec on W_rec alone, in the loss (0) */
#define HDNET_P_GRAD_PRECISION 232   /**< HDNET_GRAD_*: operands of the grad W_rec sum (fp32) */

/* ---- enumerated values ---- */
#define HDNET_ACT_RETANH          0  /**< max(tanh(a), 0), the paper's nonlinearity (default) */
#define HDNET_ACT_TANH            1  /**< tanh(a) */
#define HDNET_ACT_TANHWITHSLOPE   2  /**< tanh(s*a), s = HDNET_P_ACT_SLOPE */
#define HDNET_ACT_TANHLECUN       3  /**< 1.7159*tanh(2a/3) */
#define HDNET_ACT_LINEARTANH      4  /**< clip(a, -1, 1) */
#define HDNET_ACT_LINEAR          5  /**< identity */
#define HDNET_ACT_RELU            6  /**< max(0, a) */
#define HDNET_ACT_LOGISTIC        7  /**< 1/(1 + exp(-a)) */
#define HDNET_ACT_SMOOTHRELU      8  /**< softplus log(1 + exp(a)) */
#define HDNET_ACT_ELU             9  /**< a if a > 0, else exp(a) - 1 */
#define HDNET_ACT_SWISH          10  /**< a*logistic(a) */
#define HDNET_ACT_MISH           11  /**< a*tanh(softplus(a)) */
#define HDNET_ACT_GELU           12  /**< GELU, tanh form */
#define HDNET_ACT_BINARYMEANZERO 13  /**< +1 if a >= 0, else -1 (forward only; rejected for training) */
#define HDNET_ACT_COUNT          14  /**< number of activations (not a valid value) */

#define HDNET_SELF_NONE       0  /**< diagonal of W_rec held at 0 */
#define HDNET_SELF_INIT_ONLY  1  /**< zeroed at init, then learned (PyTorch) */
#define HDNET_SELF_FREE       2  /**< never zeroed */

#define HDNET_INIT_PYTORCH    0  /**< W_rec = g*N(0,1)/sqrt(N), W_out = 0 */
#define HDNET_INIT_ORTHOGONAL 1  /**< Haar orthogonal W_rec, W_out = 0.01*N(0,1)/sqrt(N) (MATLAB) */

#define HDNET_KINK_ONE_SIDED  0  /**< retanh'(0) = 0 */
#define HDNET_KINK_HALF       1  /**< retanh'(0) = 1/2, as PyTorch autograd */

#define HDNET_KERNEL_AUTO     0  /**< fastest supported set in a short timed trial */
#define HDNET_KERNEL_PORTABLE 1  /**< plain C */
#define HDNET_KERNEL_AVX2     2  /**< AVX2 + FMA (ENOTSUP where the CPU lacks it) */
#define HDNET_KERNEL_AVX512   3  /**< AVX-512F (ENOTSUP where the CPU lacks it) */

#define HDNET_GRAD_FP32       0  /**< float operands, float sums */
#define HDNET_GRAD_BF16       1  /**< operands rounded to bfloat16 (nearest, ties to even; subnormals
                                      to 0), products and sums in float: the numerics of AMX-BF16
                                      and AVX512-BF16 dot products, on any CPU (not faster here) */

#define HDNET_STRETCH_HALF    0  /**< trial i has a zero-av stretch iff i < B/2 (PyTorch) */
#define HDNET_STRETCH_FIRST_K 1  /**< iff i < K (MATLAB, K = 200) */
#define HDNET_STRETCH_NONE    2  /**< no stretches */

#define HDNET_BOUNDARY_PERIODIC 0  /**< heading wraps around the circle */
#define HDNET_BOUNDARY_BOUNDED  1  /**< heading confined to [theta_min, theta_max] */

#define HDNET_BATCH_FRESH           0  /**< new trials on every call */
#define HDNET_BATCH_FIXED           1  /**< reseed on every call: the same trials (PyTorch) */
#define HDNET_BATCH_PER_UPDATE_SEED 2  /**< call p uses seed + p (MATLAB-like) */

#define HDNET_RNG_LIBRARY 0  /**< xoshiro256**, splittable by jumps */
#define HDNET_RNG_NUMPY   1  /**< NumPy's legacy RandomState (MT19937), bit for bit */

#define HDNET_OPT_ADAMW 0  /**< AdamW, decoupled weight decay (default) */
#define HDNET_OPT_ADAM  1  /**< Adam, no weight decay */
#define HDNET_OPT_SGD   2  /**< SGD with momentum HDNET_P_SGD_MOMENTUM */
#define HDNET_OPT_HF    3  /**< Hessian-free (Gauss-Newton, structural damping, CG); trainer only */

#define HDNET_DECAY_ALL          0  /**< decay every learned block (PyTorch) */
#define HDNET_DECAY_WEIGHTS_ONLY 1  /**< decay W_in, W_rec, W_out only */

#define HDNET_RATE_RULE_PYTORCH 0  /**< x2/3 when E_h >= E_main/2, never up */
#define HDNET_RATE_RULE_MATLAB  1  /**< x2/3 when >= E_main/4, x3/2 when <= E_main/40 */
#define HDNET_RATE_RULE_FIXED   2  /**< lambda_h stays at HDNET_P_RATE_L2 */

#define HDNET_LR_CONSTANT 0  /**< constant learning rate lr */
#define HDNET_LR_COSINE   1  /**< cosine decay from lr to lr_min over the run */

#define HDNET_SELECTION_OWN    0  /**< selection set from its own stream */
#define HDNET_SELECTION_COMPAT 1  /**< NumPy generator at seed 1 (PyTorch) */

#define HDNET_CKPT_REFERENCE 0  /**< the 45-value PyTorch schedule (for 5000 updates) */
#define HDNET_CKPT_NONE      1  /**< only the final parameters */

/** Create a config holding the library defaults.
 *  @param[out] out  the new config, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (out NULL), HDNET_ENOMEM
 *  Ownership: free with hdnet_config_free(). */
HDNET_API HDNET_NODISCARD int hdnet_config_create(hdnet_config **out);

/** Free a config; NULL is accepted. */
HDNET_API void hdnet_config_free(hdnet_config *cfg);

/** Copy a config, including its array settings.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_config_clone(const hdnet_config *cfg, hdnet_config **out);

/** Set a parameter by id. Integer and enumerated parameters reject non-integral values.
 *  @return HDNET_OK, HDNET_EINVAL (NULL, unknown id), HDNET_ERANGE (NaN, out of bounds,
 *          not an integer where one is needed); the config is unchanged on failure. */
HDNET_API HDNET_NODISCARD int hdnet_config_set_double(hdnet_config *cfg, int param, double value);

/** Read a parameter by id.
 *  @return HDNET_OK, HDNET_EINVAL */
HDNET_API HDNET_NODISCARD int hdnet_config_get_double(const hdnet_config *cfg, int param, double *value);

/** Set an integer or enumerated parameter by id (also accepts real-valued ones).
 *  @return as hdnet_config_set_double() */
HDNET_API HDNET_NODISCARD int hdnet_config_set_int(hdnet_config *cfg, int param, int64_t value);

/** Read a parameter by id, as an integer (real values are truncated toward zero).
 *  @return HDNET_OK, HDNET_EINVAL */
HDNET_API HDNET_NODISCARD int hdnet_config_get_int(const hdnet_config *cfg, int param, int64_t *value);

/** Set a parameter by name from text, e.g. ("tau", "10"), ("activation", "tanh").
 *  @return HDNET_OK, HDNET_EINVAL (unknown name, unparsable value), HDNET_ERANGE */
HDNET_API HDNET_NODISCARD int hdnet_config_set(hdnet_config *cfg, const char *name, const char *value);

/** Apply "name=value" assignments, one per line ('#' starts a comment); the
 *  format hdnet_config_to_string() writes. Stops at the first bad line, whose
 *  number is in hdnet_errmsg(); earlier lines stay applied.
 *  @param cfg   the config to change
 *  @param text  not necessarily NUL-terminated; len bytes are read
 *  @param len   length of text in bytes
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ERANGE, HDNET_EFORMAT */
HDNET_API HDNET_NODISCARD int hdnet_config_from_string(hdnet_config *cfg, const char *text, size_t len);

/** Write every parameter as "name=value" lines (enum values by name) plus the
 *  array settings. NUL-terminated; *len receives the length without the NUL.
 *  Pass buf = NULL or a too small cap to learn the size.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE (cap too small; *len is set) */
HDNET_API HDNET_NODISCARD int hdnet_config_to_string(const hdnet_config *cfg, char *buf, size_t cap, size_t *len);

/** Apply a named training recipe ("paper", "reference" or "matlab"): sets the
 *  training parameters it defines, and self_connections (reference: init_only,
 *  as the PyTorch reference; paper and matlab: none), and leaves the rest
 *  alone. "matlab" trains as the paper did (docs/training.md): Hessian-free,
 *  500 updates on 500 fresh trials, half MSE, weight_l2 0.25 and the MATLAB
 *  rate rule; it also sets the model settings of that training: orthogonal
 *  initialisation and a fixed initial state (learn_ah0 = 0).
 *  @return HDNET_OK, HDNET_EINVAL (unknown recipe) */
HDNET_API HDNET_NODISCARD int hdnet_config_set_recipe(hdnet_config *cfg, const char *name);

/** Discrete angular-velocity set (MATLAB option), in degrees per step; each
 *  non-cue, non-stretch step draws one element uniformly; n = 0 clears it.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ERANGE (non-finite), HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_config_set_av_set(hdnet_config *cfg, const double *deg, size_t n);

/** Copy the discrete av set into deg (may be NULL to query *n).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE (cap < *n) */
HDNET_API HDNET_NODISCARD int hdnet_config_get_av_set(const hdnet_config *cfg, double *deg, size_t cap, size_t *n);

/** Per-unit time constants (n must equal HDNET_P_UNITS when a network is made);
 *  n = 0 returns to the scalar HDNET_P_TAU.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ERANGE, HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_config_set_tau_vector(hdnet_config *cfg, const double *tau, size_t n);

/** Copy the per-unit time constants (deg NULL queries *n; *n = 0 when scalar).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE */
HDNET_API HDNET_NODISCARD int hdnet_config_get_tau_vector(const hdnet_config *cfg, double *tau, size_t cap, size_t *n);

/** Number of parameters in the table, for iteration with hdnet_param_at(). */
HDNET_API size_t hdnet_param_count(void);

/** Id of the i-th parameter of the table (0 <= i < hdnet_param_count()).
 *  @return HDNET_OK, HDNET_EINVAL */
HDNET_API HDNET_NODISCARD int hdnet_param_at(size_t i, int *param);

/** Look a parameter up by name. @return HDNET_OK, HDNET_EINVAL (unknown name) */
HDNET_API HDNET_NODISCARD int hdnet_param_id(const char *name, int *param);

/** Name, bounds and default of a parameter (any out pointer may be NULL).
 *  @return HDNET_OK, HDNET_EINVAL (unknown id) */
HDNET_API HDNET_NODISCARD int hdnet_param_info(int param, const char **name, double *lo, double *hi, double *dflt);

/** Name of value `value` of an enumerated parameter, e.g. (HDNET_P_ACTIVATION, 0) -> "retanh".
 *  @return HDNET_OK, HDNET_EINVAL (not enumerated, or no such value) */
HDNET_API HDNET_NODISCARD int hdnet_param_value_name(int param, int value, const char **name);

#ifdef __cplusplus
}
#endif
#endif
