/* Private: the Hessian-free state shared by hf_pass.c and hf.c. */
#ifndef HDNET_HF_STATE_H
#define HDNET_HF_STATE_H

#include <stddef.h>

#define HF_KEEP 16 /* CG iterates kept for backtracking (ceil(5 * 1.3^j) up to 1000, and the last) */
/* Flat vectors of vec: gradient, direction, previous direction, candidate
 * parameters, 3 CG work vectors, then the kept iterates. */
#define HF_NVEC (7 + HF_KEEP)

struct hdnet__hf {
    size_t maxb, T, n, ni, no, np;
    /* trajectory of the last forward pass (hf_pass.c) */
    float *H, *D, *X, *E, *Dt, *R;
    float *rows;        /* [4][maxb][n] per-step rows */
    double *colsum;     /* [n] the backward pass's b_rec sums, accumulated row by row */
    const float *mask;  /* the batch's mask (caller's array) */
    size_t B;           /* trials of the stored trajectory */
    double c;           /* main-loss scale of the stored batch */
    /* optimiser (hf.c) */
    double lambda_w, mu, restart_scale, clip;
    size_t cg_max, restart, updates, cg_last;
    int have_prev;
    float *noise;       /* [maxb][T][n] the update's rate noise */
    float *vec;         /* [HF_NVEC][np] */
    hdnet_net *probe;   /* candidate parameters for the loss evaluations */
};

/* Backward pass with injections (hf_pass.c); block sums into out, unmasked. */
void hdnet__hf_backward(hdnet__hf *hf, const hdnet_net *net, double c_rate, const float *q,
                        double c_direct, float *out);
/* The W_rec decay term wrec_l2 * mean(W_rec^2) of the flat parameters p (hf_pass.c;
 * part of the loss's weight term, but neither adapted nor damping). */
double hdnet__hf_wrec_decay(const hdnet_net *net, const float *p);
/* Zero the frozen blocks and the masked diagonal of a flat vector. */
void hdnet__hf_mask(const hdnet_net *net, float *v);

#endif
