/** @file
 * libhdnet: optimisers, the trainer and evaluation.
 *
 * Optimiser (hdnet_optim): AdamW with PyTorch semantics (decoupled decay on the
 * learned blocks, bias correction as torch.optim.AdamW), Adam, and SGD with
 * momentum, acting on a network's flat parameter vector; global gradient-norm
 * clipping (torch.nn.utils.clip_grad_norm_ with the norm accumulated in double).
 *
 * Trainer (hdnet_trainer): runs a named recipe (hdnet_config_set_recipe) on a
 * network the caller owns. The network is BORROWED and trained in place: after
 * hdnet_trainer_run() it holds the parameters of the last completed update.
 * The trainer keeps its own copy of the best network under model selection
 * (minimum normalized error on a noise-free selection set, the first on ties),
 * read with hdnet_trainer_clone_best() / hdnet_trainer_copy_best().
 *
 * Passes p = 0 ... U (U = HDNET_P_UPDATES), as the PyTorch reference: pass p
 * evaluates the selection set if p is a checkpoint (parameters after p
 * updates), draws a batch and rate noise, computes the loss (and, for p < U,
 * the gradient), adapts the rate penalty lambda_h, clips, and for p < U takes
 * one optimiser step. Random streams (hdnet_stream_create): the network's
 * initialisation, training batches, rate noise, the selection set and test
 * sets each have their own stream derived from HDNET_P_SEED.
 *
 * Hessian-free (HDNET_P_OPTIMIZER = HDNET_OPT_HF, recipe "matlab"; the
 * paper's optimiser, docs/training.md): each update draws its batch and one
 * rate-noise array used by every evaluation within it, computes the gradient,
 * adapts lambda_W (HDNET_P_WEIGHT_L2, the L2 penalty on W_in and W_out, which
 * is also the Tikhonov damping; structural damping is HDNET_P_HF_MU * lambda_W),
 * clips, solves the damped Gauss-Newton system by CG (at most
 * HDNET_P_HF_CG_ITERS products, Martens' stopping rule), backtracks over the
 * CG iterates, runs an Armijo line search and adapts lambda_W by the
 * Levenberg-Marquardt rule. The progress "learning rate" of an update is its
 * line-search step (0: rejected). Its products run on BLAS (threads as
 * OpenBLAS is configured), not on the trainer's workers. A state file saved
 * during a Hessian-free run does not hold lambda_W or the previous CG
 * direction: a resumed run restarts them from the config (not bit-identical).
 *
 * Thread-safety: one thread at a time per optimiser or trainer; the trainer
 * uses HDNET_P_THREADS worker threads internally (the same seed gives
 * bit-identical runs for any thread count, with the same kernel set). */
#ifndef HDNET_TRAIN_H
#define HDNET_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "config.h"
#include "rng.h"
#include "net.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An optimiser (AdamW, Adam or SGD with momentum) bound to one network layout. */
typedef struct hdnet_optim hdnet_optim;
/** A training run: recipe, task streams, optimiser, best copy and checkpoints. */
typedef struct hdnet_trainer hdnet_trainer;
/** One progress report, valid only during the callback that receives it. */
typedef struct hdnet_progress hdnet_progress;

/* ---- random streams ---- */

#define HDNET_STREAM_INIT      0  /**< network initialisation */
#define HDNET_STREAM_TASK      1  /**< training batches */
#define HDNET_STREAM_NOISE     2  /**< training rate noise */
#define HDNET_STREAM_SELECTION 3  /**< model-selection set */
#define HDNET_STREAM_TEST      4  /**< test sets (reported errors) */
#define HDNET_NSTREAMS         5  /**< number of streams above */

/** One of the independent streams derived from a master seed: a library
 *  generator seeded with `seed`, split stream+1 times (hdnet_rng_split); the
 *  last child is returned. The trainer uses the same derivation.
 *  @param stream  HDNET_STREAM_*
 *  @return HDNET_OK, HDNET_EINVAL (out NULL, unknown stream), HDNET_ENOMEM
 *  Ownership: free with hdnet_rng_free(). */
HDNET_API HDNET_NODISCARD int hdnet_stream_create(hdnet_rng **out, uint64_t seed, int stream);

/** A 64-bit seed drawn from stream `stream` of master seed `seed` (its first
 *  64-bit output), for calls that take a seed rather than a generator
 *  (hdnet_task_create(), hdnet_net_evaluate()).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_stream_seed(uint64_t seed, int stream, uint64_t *out);

/* ---- optimiser and clipping ---- */

/** Create an optimiser for net's learned blocks from cfg: HDNET_P_OPTIMIZER,
 *  HDNET_P_LR (initial rate), HDNET_P_BETA1, HDNET_P_BETA2, HDNET_P_EPS,
 *  HDNET_P_WEIGHT_DECAY, HDNET_P_DECAY_SCOPE, HDNET_P_SGD_MOMENTUM.
 *  AdamW at step k (1-based), per learned entry: p *= 1 - lr*wd (decayed blocks
 *  only); m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 *  p -= (lr/(1-b1^k)) m / (sqrt(v)/sqrt(1-b2^k) + eps). Adam: no decay.
 *  SGD (torch.optim.SGD): g += wd p on decayed blocks; buf = g at k = 1, else
 *  mu buf + g; p -= lr buf. Decayed blocks: every learned block
 *  (decay_scope = all) or learned W_in, W_rec, W_out (weights_only).
 *  Moments are float32, scalars double. The net is only read here (block
 *  layout and learn flags); any network of the same layout may be stepped.
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_ENOMEM
 *  Ownership: free with hdnet_optim_free(). */
HDNET_API HDNET_NODISCARD int hdnet_optim_create(hdnet_optim **out, const hdnet_config *cfg,
                                                 const hdnet_net *net);

/** Free an optimiser; NULL is accepted. */
HDNET_API void hdnet_optim_free(hdnet_optim *opt);

/** Set the learning rate used by the following steps (schedules).
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_ERANGE (negative or not finite) */
HDNET_API HDNET_NODISCARD int hdnet_optim_set_lr(hdnet_optim *opt, double lr);

/** Current learning rate, NaN for NULL. */
HDNET_API double hdnet_optim_get_lr(const hdnet_optim *opt);

/** Steps taken so far (k of the last step), 0 for NULL. */
HDNET_API uint64_t hdnet_optim_steps(const hdnet_optim *opt);

/** One step on net's flat parameters with the flat gradient grad (entries of
 *  frozen blocks are ignored), then the network's structural constraints are
 *  re-applied (diag(W_rec) = 0 under self_connections = none). No allocation.
 *  An optimiser of kind HDNET_OPT_HF has no step of its own (HDNET_ENOTSUP):
 *  Hessian-free updates need the batch and run inside the trainer.
 *  @param grad  [hdnet_net_num_params(net)], grad_len its length
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_ESHAPE (length or layout differs
 *          from the one the optimiser was created for), HDNET_EDIVERGED (NaN or Inf
 *          in the gradient of a learned block, or a step that would make a parameter
 *          or moment non-finite; the network and the optimiser are then unchanged),
 *          HDNET_ENOTSUP (Hessian-free) */
HDNET_API HDNET_NODISCARD int hdnet_optim_step(hdnet_optim *opt, hdnet_net *net, const float *grad,
                                               size_t grad_len);

/** Size in bytes of the optimiser state (kind, step count, learning rate, moments). */
HDNET_API size_t hdnet_optim_state_size(const hdnet_optim *opt);

/** Save the state into buf (native byte order).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE (cap < hdnet_optim_state_size()) */
HDNET_API HDNET_NODISCARD int hdnet_optim_get_state(const hdnet_optim *opt, void *buf, size_t cap);

/** Restore a state saved by hdnet_optim_get_state() from an optimiser of the
 *  same kind and size. The optimiser is unchanged on failure.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_EFORMAT (bad magic, kind, size or length,
 *          non-finite moments or a negative second moment) */
HDNET_API HDNET_NODISCARD int hdnet_optim_set_state(hdnet_optim *opt, const void *buf, size_t len);

/** Global gradient-norm clipping: norm = L2 norm of the gradient entries of
 *  net's learned blocks (flat order, accumulated in double); those entries are
 *  scaled by factor = min(1, max_norm/(norm + 1e-6)). max_norm = 0 turns the
 *  scaling off (factor 1) but still reports the norm.
 *  @param norm, factor  out (may be NULL); the norm is before clipping
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE, HDNET_ERANGE (max_norm < 0 or NaN),
 *          HDNET_EDIVERGED (the norm is not finite; grad unchanged) */
HDNET_API HDNET_NODISCARD int hdnet_clip_grad_norm(const hdnet_net *net, float *grad, size_t grad_len,
                                                   double max_norm, double *norm, double *factor);

/* ---- checkpoints and evaluation ---- */

/** The reference checkpoint schedule for n_updates updates:
 *  unique({0..5} U round(linspace(25, 150, 20)) U round(linspace(0, U, 20))),
 *  values above U dropped, ascending (45 values for U = 5000).
 *  @param out  up to cap values (may be NULL to query *n)
 *  @param n    number of values
 *  @return HDNET_OK, HDNET_EINVAL (n NULL), HDNET_ESHAPE (cap < *n; *n is set) */
HDNET_API HDNET_NODISCARD int hdnet_checkpoint_schedule(size_t n_updates, size_t *out, size_t cap,
                                                        size_t *n);

/** Normalized error of net on n_trials noise-free trials generated from the task
 *  parameters of task_cfg (T = HDNET_P_STEPS, task_rng, speed, ...) with a task
 *  seeded with `seed` (one hdnet_task_generate() call). Uses HDNET_P_THREADS of
 *  task_cfg. Allocates its own buffers (about 16*n_trials*T bytes plus an engine
 *  for at most 50000 trial-steps).
 *  @param ne  out: NE (docs/model.md; 100*NE is the % normalized error)
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE (net inputs/outputs differ from
 *          the task's 3/2), HDNET_ERANGE, HDNET_ENOMEM, HDNET_EDIVERGED
 *  Thread-safety: may run concurrently on the same const network. */
HDNET_API HDNET_NODISCARD int hdnet_net_evaluate(const hdnet_net *net, const hdnet_config *task_cfg,
                                                 size_t n_trials, uint64_t seed, double *ne);

/* ---- progress ---- */

/** Progress callback: return 0 to continue, non-zero to stop (the run returns
 *  HDNET_ECANCELED; the network keeps the last completed update and the best
 *  network stays available). The progress object is valid during the call only. */
typedef int (*hdnet_progress_fn)(const hdnet_progress *p, void *user);

/** Pass index p: the entry describes the parameters after p updates. */
HDNET_API size_t hdnet_progress_update(const hdnet_progress *p);
/** Total updates U of the run. */
HDNET_API size_t hdnet_progress_total(const hdnet_progress *p);
/** Trials in this pass's batch. */
HDNET_API size_t hdnet_progress_batch(const hdnet_progress *p);
/** Loss term HDNET_LOSS_TOTAL, _MAIN, _RATE or _WEIGHT of this pass (NaN for a bad term). */
HDNET_API double hdnet_progress_loss(const hdnet_progress *p, int term);
/** Gradient norm before clipping (NaN on the last pass, which takes no step). */
HDNET_API double hdnet_progress_grad_norm(const hdnet_progress *p);
/** Clip factor min(1, clip/(norm + 1e-6)) applied to this pass's gradient (NaN on the last pass). */
HDNET_API double hdnet_progress_clip_factor(const hdnet_progress *p);
/** Learning rate of this pass's step (NaN on the last pass). */
HDNET_API double hdnet_progress_lr(const hdnet_progress *p);
/** lambda_h used in this pass's loss and gradient. */
HDNET_API double hdnet_progress_rate_l2(const hdnet_progress *p);
/** lambda_h after this pass's adaptation (used by the next pass). */
HDNET_API double hdnet_progress_rate_l2_next(const hdnet_progress *p);
/** Selection NE of the parameters after p updates if evaluated at this pass, else NaN. */
HDNET_API double hdnet_progress_normalized_error(const hdnet_progress *p);
/** 1 if p is a scheduled checkpoint, else 0. */
HDNET_API int hdnet_progress_is_checkpoint(const hdnet_progress *p);
/** Best selection NE so far (NaN before the first evaluation). */
HDNET_API double hdnet_progress_best_ne(const hdnet_progress *p);
/** Update at which the best selection NE was reached (0 before the first evaluation). */
HDNET_API size_t hdnet_progress_best_update(const hdnet_progress *p);
/** Wall-clock seconds since the first run() call started (pauses between calls excluded). */
HDNET_API double hdnet_progress_elapsed(const hdnet_progress *p);

/* ---- trainer ---- */

/** Create a trainer for net from the training and task parameters of cfg
 *  (recipe values, HDNET_P_TRIALS, HDNET_P_BATCH_FINAL, HDNET_P_STEPS, task
 *  options, HDNET_P_SEED, HDNET_P_THREADS, ...). Every buffer of the run is
 *  allocated here (batch, gradient, engine, selection set, best copy); the
 *  training step allocates nothing. The selection set (HDNET_P_SELECTION_TRIALS
 *  noise-free trials) is generated here: selection = own draws it from the
 *  selection stream; compat is the NumPy generator at seed 1 (PyTorch).
 *  Model (rate noise, learn flags, ...) settings come from the network's own config.
 *  Curriculum (HDNET_P_CURRICULUM_STEPS < HDNET_P_STEPS and HDNET_P_CURRICULUM_UPDATES
 *  > 0): the first updates use shorter trials; when the full length starts, the
 *  optimiser restarts (moments and step count cleared) with its own warm-up.
 *  Hessian-free (HDNET_OPT_HF) needs weight_l2 > 0 in the network's config and
 *  no curriculum; it does not model rate_l1, pre-activation or output noise.
 *  @param net  borrowed; must outlive the trainer; trained in place
 *  @return HDNET_OK, HDNET_EINVAL (NULL, activation that cannot be trained,
 *          Hessian-free with weight_l2 = 0 or a curriculum), HDNET_ENOTSUP
 *          (Hessian-free with rate_l1, pre-activation or output noise),
 *          HDNET_ESHAPE (net dims differ from the task's), HDNET_ERANGE, HDNET_ENOMEM
 *  Ownership: free with hdnet_trainer_free() (the network is not freed). */
HDNET_API HDNET_NODISCARD int hdnet_trainer_create(hdnet_trainer **out, const hdnet_config *cfg,
                                                   hdnet_net *net);

/** Free a trainer; NULL is accepted. */
HDNET_API void hdnet_trainer_free(hdnet_trainer *tr);

/** Progress callback, called after pass p when p % every == 0, when the
 *  selection set was evaluated at p, and at the last pass. fn NULL removes it.
 *  @return HDNET_OK, HDNET_EINVAL (tr NULL, or every = 0 with fn set) */
HDNET_API HDNET_NODISCARD int hdnet_trainer_set_progress(hdnet_trainer *tr, hdnet_progress_fn fn,
                                                         void *user, size_t every);

/** Directory where each scheduled checkpoint is saved as ckpt_<update>.npz and
 *  the best network as model.npz whenever it improves (atomic writes through
 *  hdnet_net_save()); NULL turns saving off. The directory must exist.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_trainer_set_checkpoint_dir(hdnet_trainer *tr, const char *dir);

/** Run the remaining passes. After HDNET_ECANCELED a further call continues
 *  with the next pass; after completion or HDNET_EDIVERGED it returns HDNET_ESTATE.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ECANCELED (callback), HDNET_EDIVERGED
 *          (NaN/Inf in a loss or gradient, or a step that would make a parameter
 *          non-finite; the network keeps its last finite parameters, the best
 *          copy is kept), HDNET_EIO (checkpoint file),
 *          HDNET_ESTATE (nothing left to run) */
HDNET_API HDNET_NODISCARD int hdnet_trainer_run(hdnet_trainer *tr);

/** Best selection NE so far and the update it was reached at (pointers may be NULL).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESTATE (no evaluation yet) */
HDNET_API HDNET_NODISCARD int hdnet_trainer_best(const hdnet_trainer *tr, double *ne, size_t *update);

/** A new network equal to the best one so far.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESTATE (no evaluation yet), HDNET_ENOMEM
 *  Ownership: free with hdnet_net_free(). */
HDNET_API HDNET_NODISCARD int hdnet_trainer_clone_best(const hdnet_trainer *tr, hdnet_net **out);

/** Copy the best parameters into dst (same layout, e.g. the trained network).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESTATE, HDNET_ESHAPE */
HDNET_API HDNET_NODISCARD int hdnet_trainer_copy_best(const hdnet_trainer *tr, hdnet_net *dst);

/** The trainer's optimiser (borrowed; valid while the trainer lives), e.g. to
 *  save its state next to a checkpoint. NULL for NULL. */
HDNET_API const hdnet_optim *hdnet_trainer_optim(const hdnet_trainer *tr);

/** Index of the next pass hdnet_trainer_run() will run, which is also the
 *  number of passes completed (U + 1 when the run has finished); 0 for NULL.
 *  After hdnet_trainer_load_state() it tells where the resumed run starts. */
HDNET_API size_t hdnet_trainer_next_pass(const hdnet_trainer *tr);

/* ---- resuming an interrupted run (lib/train/train_resume.c) ---- */

/** Save the trainer's complete state to a file, atomically (temporary file,
 *  fsync, rename): the network's parameters (the file is also a model file
 *  that hdnet_net_load() reads), optimiser moments and step count, the
 *  rate-noise and task generator states, the pass counter, lambda_h, the best
 *  network and its selection error, and the trainer's config. Call it between
 *  hdnet_trainer_run() calls or from the progress callback (the state is then
 *  the one after the pass just reported).
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_ENOMEM, HDNET_EIO (the old file is intact)
 *  Thread-safety: tr is only read. */
HDNET_API HDNET_NODISCARD int hdnet_trainer_save_state(const hdnet_trainer *tr, const char *path);

/** Restore a state saved by hdnet_trainer_save_state() into a trainer created
 *  with the same config for a network of the same shape; the next
 *  hdnet_trainer_run() continues with the next pass. The stored config is read
 *  over the defaults, so a state saved by a version that lacked a parameter
 *  resumes when the trainer leaves that parameter at its default. The resumed
 *  run is bit-identical to an uninterrupted one.
 *  @return HDNET_OK, HDNET_EINVAL (NULL), HDNET_EIO, HDNET_ENOMEM, HDNET_EFORMAT
 *          (not a state file, a run with another config or shape, damaged or
 *          out-of-range members), HDNET_ENOTSUP (newer state format); the
 *          trainer and its network are unchanged on failure */
HDNET_API HDNET_NODISCARD int hdnet_trainer_load_state(hdnet_trainer *tr, const char *path);

#ifdef __cplusplus
}
#endif
#endif
