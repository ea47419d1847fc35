/* Principal components of samples, for the state-space views of the attractor
 * analysis (covariance and LAPACK's symmetric eigen-solver). */
#include "attractor/attractor_priv.h"

#include <math.h>
#include <stdlib.h>

int hdnet_pca(const double *x, size_t n_samples, size_t dim, size_t k, double *mean, size_t mean_len,
              double *comps, size_t comps_len, double *var, size_t var_len)
{
    if (!x || !comps)
        return hdnet__error(HDNET_EINVAL, "x or comps is NULL");
    if (n_samples < 2 || !dim || !k || k > dim)
        return hdnet__error(HDNET_ESHAPE, "needs n_samples >= 2 and 1 <= k <= dim (n_samples %zu, dim %zu, k %zu)",
                            n_samples, dim, k);
    if (comps_len != k * dim || (mean && mean_len != dim) || (var && var_len != k))
        return hdnet__error(HDNET_ESHAPE, "comps needs %zu values, mean %zu, var %zu", k * dim, dim, k);
    if (dim > 65536)
        return hdnet__error(HDNET_ESHAPE, "dim %zu too large for a dense covariance", dim);
    double *mu = malloc(dim * sizeof *mu), *cov = calloc(dim * dim, sizeof *cov);
    double *w = malloc(dim * sizeof *w), *z = malloc(dim * dim * sizeof *z), *dx = malloc(dim * sizeof *dx);
    int rc = HDNET_OK;
    if (!mu || !cov || !w || !z || !dx) {
        rc = hdnet__error(HDNET_ENOMEM, "PCA buffers");
        goto done;
    }
    for (size_t j = 0; j < dim; j++)
        mu[j] = 0;
    for (size_t s = 0; s < n_samples; s++)
        for (size_t j = 0; j < dim; j++) {
            double v = x[s * dim + j];
            if (!isfinite(v)) {
                rc = hdnet__error(HDNET_ERANGE, "x[%zu][%zu] is not finite", s, j);
                goto done;
            }
            mu[j] += v;
        }
    for (size_t j = 0; j < dim; j++)
        mu[j] /= (double)n_samples;
    for (size_t s = 0; s < n_samples; s++) {
        for (size_t j = 0; j < dim; j++)
            dx[j] = x[s * dim + j] - mu[j];
        for (size_t i = 0; i < dim; i++)
            for (size_t j = i; j < dim; j++)
                cov[i * dim + j] += dx[i] * dx[j];
    }
    for (size_t i = 0; i < dim; i++)
        for (size_t j = i; j < dim; j++)
            cov[j * dim + i] = cov[i * dim + j] /= (double)(n_samples - 1);
    if (hdnet__dsyev((int)dim, cov, w, z) != 0) {
        rc = hdnet__error(HDNET_EDIVERGED, "eigen-decomposition of the covariance failed");
        goto done;
    }
    for (size_t c = 0; c < k; c++) {
        size_t col = dim - 1 - c; /* eigenvalues come ascending */
        double big = 0, sign = 1;
        for (size_t j = 0; j < dim; j++)
            if (fabs(z[j * dim + col]) > big) {
                big = fabs(z[j * dim + col]);
                sign = z[j * dim + col] < 0 ? -1 : 1;
            }
        for (size_t j = 0; j < dim; j++)
            comps[c * dim + j] = sign * z[j * dim + col];
        if (var)
            var[c] = fmax(w[col], 0.0);
    }
    if (mean)
        for (size_t j = 0; j < dim; j++)
            mean[j] = mu[j];
done:
    free(mu);
    free(cov);
    free(w);
    free(z);
    free(dx);
    return rc;
}
