/* Private: helpers of the task generator (task.c), exposed for white-box tests. */
#ifndef HDNET_TASK_PRIV_H
#define HDNET_TASK_PRIV_H

/* mod(x, 2pi) as NumPy computes it (fmod, +2pi when negative, +0 for a zero
 * result). An exact 2pi result (x a tiny negative number) is kept when
 * keep_two_pi is nonzero (numpy mode) and mapped to 0 otherwise. */
double hdnet__task_wrap(double x, int keep_two_pi);

/* Internal state of the task generator (task.c) for resuming a run: the
 * seed, the call counter and the trial stream's generator state, as bytes. */
size_t hdnet__task_state_size(const hdnet_task *t);
int hdnet__task_get_state(const hdnet_task *t, void *buf, size_t cap);
int hdnet__task_set_state(hdnet_task *t, const void *buf, size_t len);

#endif
