/* Error of the network on longer trials, and with its recurrent matrix (or its
 * change from a base network) truncated to its top singular components. */
#include "attractor/attractor_priv.h"

#include <math.h>
#include <stdlib.h>

int hdnet_attractor_long_error(const hdnet_net *net, size_t factor, size_t n_trials, uint64_t seed, double *ne)
{
    if (!net || !ne)
        return hdnet__error(HDNET_EINVAL, "net or ne is NULL");
    if (!factor || !n_trials)
        return hdnet__error(HDNET_EINVAL, "factor and n_trials must be > 0");
    double steps = hdnet__cfg(net->cfg, HDNET_P_STEPS) * (double)factor;
    if (!(steps <= 1e9))
        return hdnet__error(HDNET_ERANGE, "%zu x the training length is too long", factor);
    hdnet_config *cfg = NULL;
    int rc = hdnet_config_clone(net->cfg, &cfg);
    if (rc == HDNET_OK)
        rc = hdnet_config_set_int(cfg, HDNET_P_STEPS, (int64_t)steps);
    if (rc == HDNET_OK)
        rc = hdnet_net_evaluate(net, cfg, n_trials, seed, ne);
    hdnet_config_free(cfg);
    return rc;
}

int hdnet_attractor_rank_error(const hdnet_net *net, const hdnet_net *base, const size_t *ranks, size_t n_ranks,
                               size_t n_trials, uint64_t seed, double *ne, size_t ne_len, double *sv, size_t sv_len)
{
    if (!net || !ranks || !ne)
        return hdnet__error(HDNET_EINVAL, "net, ranks or ne is NULL");
    if (!n_ranks || !n_trials)
        return hdnet__error(HDNET_EINVAL, "n_ranks and n_trials must be > 0");
    size_t n = net->n;
    if (ne_len != n_ranks || (sv && sv_len != n))
        return hdnet__error(HDNET_ESHAPE, "ne needs %zu values, sv %zu", n_ranks, n);
    if (base && base->n != n)
        return hdnet__error(HDNET_ESHAPE, "base has %zu units, the network %zu", base->n, n);
    for (size_t i = 0; i < n_ranks; i++)
        if (ranks[i] > n)
            return hdnet__error(HDNET_ERANGE, "ranks[%zu] = %zu > N = %zu", i, ranks[i], n);
    float *w = malloc(n * n * sizeof *w), *u = malloc(n * n * sizeof *u), *vt = malloc(n * n * sizeof *vt);
    float *s = malloc(n * sizeof *s), *w0 = calloc(n * n, sizeof *w0);
    double *acc = malloc(n * n * sizeof *acc);
    hdnet_net *trunc = NULL;
    int rc = HDNET_OK;
    if (!w || !u || !vt || !s || !w0 || !acc) {
        rc = hdnet__error(HDNET_ENOMEM, "rank buffers");
        goto done;
    }
    if ((rc = hdnet_net_copy_block(net, HDNET_W_REC, w, n * n)) != HDNET_OK ||
        (rc = hdnet_net_clone(net, &trunc)) != HDNET_OK ||
        (base && (rc = hdnet_net_copy_block(base, HDNET_W_REC, w0, n * n)) != HDNET_OK))
        goto done;
    for (size_t i = 0; i < n * n; i++)
        w[i] -= w0[i];
    if (hdnet__sgesdd((int)n, (int)n, w, s, u, vt) != 0) {
        rc = hdnet__error(HDNET_EDIVERGED, "SVD of W_rec failed");
        goto done;
    }
    if (sv)
        for (size_t i = 0; i < n; i++)
            sv[i] = s[i];
    /* The truncated matrix goes straight into the parameters: it has a diagonal,
     * which hdnet_net_set_block() refuses under self_connections = none. */
    float *wt = hdnet__net_params(trunc) + trunc->off[HDNET_W_REC];
    for (size_t r = 0; r < n_ranks; r++) {
        for (size_t i = 0; i < n * n; i++)
            acc[i] = w0[i];
        for (size_t k = 0; k < ranks[r]; k++)
            for (size_t i = 0; i < n; i++) {
                double uik = (double)u[i * n + k] * s[k];
                for (size_t j = 0; j < n; j++)
                    acc[i * n + j] += uik * vt[k * n + j];
            }
        for (size_t i = 0; i < n * n; i++)
            wt[i] = (float)acc[i];
        if ((rc = hdnet_net_evaluate(trunc, net->cfg, n_trials, seed, &ne[r])) != HDNET_OK)
            goto done;
    }
done:
    hdnet_net_free(trunc);
    free(w);
    free(u);
    free(vt);
    free(s);
    free(w0);
    free(acc);
    return rc;
}
