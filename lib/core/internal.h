/* Private to the library: struct definitions and hdnet__ helpers. Never installed. */
#ifndef HDNET_INTERNAL_H
#define HDNET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hdnet/hdnet.h"

#if defined(__GNUC__)
#define HDNET__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HDNET__PRINTF(f, a)
#endif

/* ---- errors (status.c) ---- */
/* Set this thread's detail message and return status. */
int hdnet__error(int status, const char *fmt, ...) HDNET__PRINTF(2, 3);
void hdnet__clear_error(void);

/* ---- config (config.c) ---- */
#define HDNET__MAX_PARAMS 96
struct hdnet_config {
    double value[HDNET__MAX_PARAMS]; /* indexed by table position, not id */
    double *av_set;                  /* degrees per step */
    size_t n_av_set;
    double *tau_vec;
    size_t n_tau_vec;
};
/* Value of a parameter by id (NaN for an unknown id). */
double hdnet__cfg(const hdnet_config *cfg, int param);

/* ---- size arithmetic ---- */
/* a*b into *out; 0 on success, -1 on overflow. */
static inline int hdnet__mul(size_t a, size_t b, size_t *out)
{
    if (b && a > SIZE_MAX / b)
        return -1;
    *out = a * b;
    return 0;
}

/* ---- BLAS (blas.c, the only file that includes cblas.h) ---- */
#define HDNET__NOTRANS 0
#define HDNET__TRANS 1
/* Row-major C = alpha*op(A)*op(B) + beta*C with leading dimensions. */
void hdnet__sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                  const float *b, int ldb, float beta, float *c, int ldc);


#endif
