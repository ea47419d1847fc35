/** @file
 * libhdnet: the head-direction task generator.
 *
 * Trials of angular-velocity integration: the network sees angular velocity
 * av[t] (rad/step) on input 0 and the initial heading as (sin th0, cos th0) on
 * inputs 1-2 during the first `cue` steps; it must report (sin th, cos th) at
 * every step after the cue. Parameters come from the config (HDNET_P_STEPS,
 * HDNET_P_CUE, HDNET_P_MOMENTUM, HDNET_P_SPEED, HDNET_P_ANGULAR_SD, the stretch,
 * av-set, clipping, boundary and input-noise options, HDNET_P_BATCH_MODE and
 * HDNET_P_TASK_RNG). With task_rng = numpy the trials equal the authors'
 * PyTorch reference generator for the same seed (headings and velocities bit
 * for bit; sin/cos entries within one float32 ulp). docs/task.md has the
 * algorithm, the order of the random draws and the MATLAB options.
 *
 * Layouts (C order): inputs [trial][time][3], targets and mask [trial][time][2]
 * (float32), heading and av [trial][time] (double, radians).
 *
 * Thread-safety: one thread at a time per task. */
#ifndef HDNET_TASK_H
#define HDNET_TASK_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque trial generator: a copy of the task parameters, its random stream
 *  and preallocated buffers for one trial; create with hdnet_task_create(). */
typedef struct hdnet_task hdnet_task;

/** Create a trial generator from the task parameters of cfg.
 *  The config must have inputs = 3 and outputs = 2. The task copies what it
 *  needs; cfg may be freed or changed afterwards.
 *  @param[out] out  the new task, NULL on failure
 *  @param[in] cfg   configuration (task ids 100-116 and the av set)
 *  @param[in] seed  seed of the trial stream (below 2^32 with task_rng = numpy)
 *  @return HDNET_OK, HDNET_EINVAL (NULL out or cfg), HDNET_ERANGE (inconsistent
 *          parameters: inputs != 3 or outputs != 2, cue > steps, theta_min >=
 *          theta_max, av_min > av_max, stretch_low = 1 with round(steps/3) = 0,
 *          cue = 0 with task_rng = numpy, a non-finite av-set value, a NumPy seed
 *          >= 2^32), HDNET_ENOMEM
 *  Ownership: free with hdnet_task_free().
 *  Thread-safety: reentrant; cfg is only read. */
HDNET_API HDNET_NODISCARD int hdnet_task_create(hdnet_task **out, const hdnet_config *cfg, uint64_t seed);

/** Free a task; NULL is accepted.
 *  @param[in] task  task to free, or NULL */
HDNET_API void hdnet_task_free(hdnet_task *task);

/** Steps per trial.
 *  @param[in] task  the task
 *  @return T (HDNET_P_STEPS of the config), or 0 for NULL
 *  Thread-safety: task is only read. */
HDNET_API size_t hdnet_task_steps(const hdnet_task *task);

/** Restart the stream from a seed (and the call counter of per_update_seed);
 *  the next call then gives the same trials as a new task with this seed.
 *  @param[in,out] task  the task
 *  @param[in] seed      new seed (below 2^32 with task_rng = numpy)
 *  @return HDNET_OK, HDNET_EINVAL (NULL task), HDNET_ERANGE (NumPy seed >= 2^32;
 *          the task is unchanged)
 *  Thread-safety: one thread at a time per task. */
HDNET_API HDNET_NODISCARD int hdnet_task_reseed(hdnet_task *task, uint64_t seed);

/** Generate n_trials trials into caller buffers. In batch mode `fresh` every call
 *  continues the stream; `fixed` reseeds first; `per_update_seed` uses seed + p
 *  for the p-th successful call (p = 0, 1, ... since create or reseed).
 *  Draw order: n_trials uniforms for the initial headings, then per trial the
 *  two stretch draws and one Gaussian (or one av-set index, plus redraws at a
 *  bounded wall) per non-cue, non-stretch step, then that trial's input noise.
 *  No allocation. With T = hdnet_task_steps(task), each length is in elements
 *  and must be at least the size its shape gives.
 *  @param[in,out] task     the task (its stream advances)
 *  @param[in] n_trials     trials to generate (> 0)
 *  @param[out] inputs      [n_trials][T][3] (av in rad/step, sin th0, cos th0); required
 *  @param[in] inputs_len   length of inputs, >= n_trials*T*3
 *  @param[out] targets     [n_trials][T][2] (sin th, cos th), or NULL
 *  @param[in] targets_len  length of targets, >= n_trials*T*2 (ignored when NULL)
 *  @param[out] mask        [n_trials][T][2] or NULL (1 after the cue, 0 during it)
 *  @param[in] mask_len     length of mask, >= n_trials*T*2 (ignored when NULL)
 *  @param[out] heading     [n_trials][T] or NULL: true heading in radians
 *  @param[in] heading_len  length of heading, >= n_trials*T (ignored when NULL)
 *  @param[out] av          [n_trials][T] or NULL: angular velocity in rad/step
 *  @param[in] av_len       length of av, >= n_trials*T (ignored when NULL)
 *  @return HDNET_OK, HDNET_EINVAL (NULL task/inputs, n_trials = 0), HDNET_ESHAPE (a buffer
 *          too small, or a size that overflows), HDNET_ERANGE (per_update_seed with
 *          task_rng = numpy: seed + p reached 2^32).
 *          On failure nothing is drawn and the call does not count.
 *  Thread-safety: one thread at a time per task. */
HDNET_API HDNET_NODISCARD int hdnet_task_generate(hdnet_task *task, size_t n_trials,
                                                  float *inputs, size_t inputs_len,
                                                  float *targets, size_t targets_len,
                                                  float *mask, size_t mask_len,
                                                  double *heading, size_t heading_len,
                                                  double *av, size_t av_len);

#ifdef __cplusplus
}
#endif
#endif
