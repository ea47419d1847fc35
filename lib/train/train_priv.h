/* Private: optimiser internals shared by optim.c, train.c and the white-box tests. */
#ifndef HDNET_TRAIN_PRIV_H
#define HDNET_TRAIN_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "core/internal.h"
#include "model/net_priv.h"

/* A learned block of the flat vector: [off, off + len), decayed or not. */
typedef struct {
    size_t off, len;
    int decay;
} hdnet__seg;

#define HDNET__MAX_SEGS 8

struct hdnet_optim {
    int kind;                 /* HDNET_OPT_* */
    double lr, beta1, beta2, eps, wd, mom;
    size_t n;                 /* length of the flat vector */
    size_t nseg;
    hdnet__seg seg[HDNET__MAX_SEGS];
    uint64_t k;               /* steps taken */
    float *m, *v;             /* [n]; v unused (NULL) for SGD */
};

/* An optimiser over explicit segments of an n-float vector (white-box tests). */
int hdnet__optim_create_raw(hdnet_optim **out, const hdnet_config *cfg, size_t n,
                            const hdnet__seg *seg, size_t nseg);
/* One step on params[n] with grad[n]; no allocation, no constraints. */
void hdnet__optim_step_raw(hdnet_optim *opt, float *params, const float *grad);
/* As hdnet__optim_step_raw(), unless a new parameter or moment would not be
 * finite: then nothing changes and 0 is returned (1 when the step was taken). */
int hdnet__optim_step_checked(hdnet_optim *opt, float *params, const float *grad);
/* Forget the moments and the step count (a fresh start of the same optimiser). */
void hdnet__optim_reset(hdnet_optim *opt);
/* Learned segments of a network (decay per scope); returns the count. */
size_t hdnet__learned_segs(const hdnet_net *net, int decay_scope, hdnet__seg *seg);
/* Norm of grad over the segments (double, flat order). */
double hdnet__seg_norm(const float *grad, const hdnet__seg *seg, size_t nseg);
/* Scale the segments of grad by factor. */
void hdnet__seg_scale(float *grad, const hdnet__seg *seg, size_t nseg, double factor);
/* Adaptive rate-penalty rule: the new lambda_h after a pass with terms e_main, e_h. */
double hdnet__rate_rule(int rule, double lambda, double e_main, double e_h);
/* Learning rate of update p (0-based) of U for the config's schedule. */
double hdnet__lr_at(const hdnet_config *cfg, size_t p, size_t U);

/* ---- the trainer (train.c; its state is saved and restored by train_resume.c) ---- */

#define SCHED_MAX 46

typedef struct {
    float *x, *y, *m, *out;
} evalbuf;

#define ST_READY 0
#define ST_DONE 1
#define ST_DIVERGED 2

struct hdnet_trainer {
    hdnet_config *cfg;
    hdnet_net *net;  /* borrowed */
    hdnet_net *best; /* own copy */
    hdnet__engine *eng, *eng0; /* eng0, task0: curriculum phase (shorter trials) */
    hdnet_optim *opt;
    struct hdnet__hf *hf; /* Hessian-free state (optimizer = hf), else NULL */
    hdnet_task *task, *task0;
    hdnet_rng *noise;
    size_t U, B0, Bfin, Bmax, T, P;
    size_t T0, U0; /* curriculum: the first U0 updates use T0 steps */
    float *x, *y, *m, *grad;
    size_t S;
    evalbuf sel;
    size_t ckpt[SCHED_MAX], nckpt, ck_i;
    size_t eval_every;
    double rate_l2, clip;
    int rate_rule;
    size_t pass;
    int state;
    int have_best;
    double best_ne;
    size_t best_update;
    hdnet_progress_fn fn;
    void *user;
    size_t every;
    char *ckdir;
    double elapsed;
};


#endif
