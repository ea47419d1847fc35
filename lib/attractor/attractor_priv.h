/* Private to the attractor analysis (attractor*.c, lapack.c): the network in
 * double, and the dense linear algebra it needs. */
#ifndef HDNET_ATTRACTOR_PRIV_H
#define HDNET_ATTRACTOR_PRIV_H

#include <stddef.h>

#include "core/internal.h"
#include "model/net_priv.h"

/* The vector field of attractor.h with double copies of the parameters. */
typedef struct {
    size_t n, ni, no;
    int act, kink;
    double slope;
    double *w;     /* W_rec [n][n] */
    double *win;   /* W_in [n][ni] */
    double *b;     /* b_rec [n] */
    double *wout;  /* W_out [no][n] */
    double *bout;  /* b_out [no] */
    double *alpha; /* dt/tau [n] */
} hdnet__dyn;

/* Double copy of a network's parameters (HDNET_OK or HDNET_ENOMEM). */
int hdnet__dyn_init(hdnet__dyn *d, const hdnet_net *net);
void hdnet__dyn_free(hdnet__dyn *d);
/* Constant part of the bracket, c = W_in x + b (x NULL: zero input). */
void hdnet__dyn_drive(const hdnet__dyn *d, const double *x, double *c);
/* F(a) with drive c; r [n] receives f(a), fp [n] (if not NULL) f'(a). Returns q = |F|^2/2. */
double hdnet__dyn_field(const hdnet__dyn *d, const double *a, const double *c, double *r, double *fp,
                        double *f);
/* J [n][n] from fp = f'(a). */
void hdnet__dyn_jacobian(const hdnet__dyn *d, const double *fp, double *jac);
/* Decoded heading (degrees, NaN without one) of rates r, and its velocity along F
 * (fp = f'(a)), degrees per step; velocity may be NULL. */
double hdnet__dyn_heading(const hdnet__dyn *d, const double *r, const double *fp, const double *f,
                          double *velocity);
/* Decoded heading of a readout (y_sin, y_cos), degrees in [0, 360) or NaN. */
double hdnet__heading_deg(double y_sin, double y_cos);

/* ---- behaviour experiments (attractor_gain.c) ---- */
/* Checks shared by the experiments: inputs (av, sin, cos), outputs (sin, cos),
 * n_steps >= min_steps. */
int hdnet__behaviour_check(const hdnet_net *net, size_t n_trials, size_t n_steps, size_t min_steps);
/* Task-like inputs [n_trials][n_steps][ni]: the heading theta0 (radians) shown for
 * the first cue steps with av = 0, then av = omega_rad and no cue. */
void hdnet__cue_inputs(size_t ni, size_t n_steps, size_t cue, const double *theta0, double omega_rad,
                       size_t n_trials, float *x);
/* Decoded heading of one trial's outputs [n_steps][no], unwrapped, degrees. */
void hdnet__decode_unwrapped(const float *y, size_t no, size_t n_steps, double *h);
/* Least-squares slope of h[t0 .. t1) against t (t1 - t0 >= 2). */
double hdnet__ls_slope(const double *h, size_t t0, size_t t1);

/* ---- the fixed-point finder's result (attractor_find.c, attractor_points.c) ---- */
struct hdnet_fixed_points {
    size_t k, n;          /* points, units */
    double *arr[HDNET_FPA_COUNT]; /* K or K*N values per array */
    double scalar[HDNET_FPS_COUNT];
};
/* Sort the points by decoded heading and fill the ring statistics. */
void hdnet__fp_summarise(hdnet_fixed_points *fp);

/* ---- settings (attractor_params.c) ---- */
struct hdnet_fpparams {
    double value[HDNET_FP_NPARAMS];
};
void hdnet__fpparams_defaults(hdnet_fpparams *p);

/* ---- dense linear algebra (lapack.c) ---- */
/* Eigenvalues of a general A [n][n] (overwritten). 0 on success. */
int hdnet__dgeev(int n, double *a, double *wr, double *wi);
/* Eigenvalues and right eigenvectors vr [n][n] (column j: vector j; a complex pair
 * j, j+1 has real part column j and imaginary part column j+1). 0 on success. */
int hdnet__dgeev_right(int n, double *a, double *wr, double *wi, double *vr);
/* Singular values s [min(m,n)] and the factors U [m][m], VT [n][n] of A [m][n]
 * (row-major, overwritten). 0 on success. */
int hdnet__sgesdd(int m, int n, float *a, float *s, float *u, float *vt);
/* All eigenvalues w (ascending) and eigenvectors z [n][n] (column j = vector j)
 * of a symmetric A [n][n] (overwritten). 0 on success. */
int hdnet__dsyev(int n, double *a, double *w, double *z);

#endif
