/* The only file that includes <lapacke.h>: the factorisations of the attractor
 * analysis (general eigenvalues, SVD, symmetric eigenvectors). */
#include "attractor/attractor_priv.h"

#include <lapacke.h>
#include <stdlib.h>

int hdnet__dgeev(int n, double *a, double *wr, double *wi)
{
    return (int)LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', n, a, n, wr, wi, NULL, 1, NULL, 1);
}

int hdnet__sgesdd(int m, int n, float *a, float *s, float *u, float *vt)
{
    return (int)LAPACKE_sgesdd(LAPACK_ROW_MAJOR, 'A', m, n, a, n, s, u, m, vt, n);
}

int hdnet__dsyev(int n, double *a, double *w, double *z)
{
    lapack_int found = 0;
    lapack_int *support = malloc(2 * (size_t)n * sizeof *support);
    if (!support)
        return -1;
    int rc = (int)LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'U', n, a, n, 0.0, 0.0, 0, 0, 0.0, &found, w,
                                 z, n, support);
    free(support);
    return rc;
}

int hdnet__dgeev_right(int n, double *a, double *wr, double *wi, double *vr)
{
    return (int)LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'V', n, a, n, wr, wi, NULL, 1, vr, n);
}
