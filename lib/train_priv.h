/* Private: optimiser internals shared by optim.c, train.c and the white-box tests. */
#ifndef HDNET_TRAIN_PRIV_H
#define HDNET_TRAIN_PRIV_H

#include <stddef.h>
#include <stdint.h>

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

#endif
