/* Matched nulls and the competence gate (docs/analyses.md, "Nulls" and "The gate"). */
#include "core/internal.h"
#include "hdnet/trust.h"

#include <math.h>
#include <stdlib.h>

int hdnet_net_permute_recurrent(const hdnet_net *net, uint64_t seed, hdnet_net **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_net_permute_recurrent: out is NULL");
    *out = NULL;
    if (!net)
        return hdnet__error(HDNET_EINVAL, "hdnet_net_permute_recurrent: NULL network");
    size_t n, ni, no;
    int rc = hdnet_net_dims(net, &n, &ni, &no);
    if (rc)
        return rc;
    float *w = malloc(n * n * sizeof *w), *off = malloc(n * n * sizeof *off);
    hdnet_rng *rng = NULL;
    hdnet_net *copy = NULL;
    if (!w || !off)
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_net_permute_recurrent: out of memory");
    if (!rc)
        rc = hdnet_net_copy_block(net, HDNET_W_REC, w, n * n);
    if (!rc)
        rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, seed);
    size_t m = 0;
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                if (i != j)
                    off[m++] = w[i * n + j];
        for (size_t i = m; i > 1 && !rc; i--) { /* Fisher-Yates */
            uint64_t j;
            rc = hdnet_rng_randint(rng, i, &j, 1);
            float tmp = off[i - 1];
            off[i - 1] = off[j];
            off[j] = tmp;
        }
    }
    if (!rc) {
        m = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                if (i != j)
                    w[i * n + j] = off[m++];
        rc = hdnet_net_clone(net, &copy);
    }
    if (!rc)
        rc = hdnet_net_set_block(copy, HDNET_W_REC, w, n * n);
    hdnet_rng_free(rng);
    free(w);
    free(off);
    if (rc) {
        hdnet_net_free(copy);
        return rc;
    }
    *out = copy;
    return HDNET_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear-interpolation percentile of x[0..n) sorted, defined with infinite values too
 * (between an infinite and another value: the nearer rank). */
static double percentile_sorted(const double *x, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i >= n - 1)
        return x[n - 1];
    double f = pos - (double)i;
    if (x[i] == x[i + 1] || f == 0)
        return x[i];
    if (!isfinite(x[i]) || !isfinite(x[i + 1]))
        return f < 0.5 ? x[i] : x[i + 1];
    return x[i] + f * (x[i + 1] - x[i]);
}

int hdnet_null_compare(double value, const double *nulls, size_t n_nulls, double q, int tail, int *beyond,
                       double *null_low, double *null_high)
{
    if (!nulls || !beyond)
        return hdnet__error(HDNET_EINVAL, "hdnet_null_compare: NULL argument");
    if (tail != HDNET_TAIL_ABOVE && tail != HDNET_TAIL_BELOW)
        return hdnet__error(HDNET_EINVAL, "hdnet_null_compare: unknown tail %d", tail);
    if (!(q > 0.5 && q < 1))
        return hdnet__error(HDNET_ERANGE, "hdnet_null_compare: quantile %g outside (0.5, 1)", q);
    double *x = malloc((n_nulls ? n_nulls : 1) * sizeof *x);
    if (!x)
        return hdnet__error(HDNET_ENOMEM, "hdnet_null_compare: out of memory");
    if (n_nulls < HDNET_NULL_MIN) {
        free(x);
        return hdnet__error(HDNET_ESHAPE, "hdnet_null_compare: %zu null values, need %d", n_nulls, HDNET_NULL_MIN);
    }
    /* a null network without the finding (NaN: e.g. no compass units) lies on the far side */
    size_t m = 0;
    for (size_t i = 0; i < n_nulls; i++)
        x[m++] = isnan(nulls[i]) ? (tail == HDNET_TAIL_ABOVE ? -INFINITY : INFINITY) : nulls[i];
    qsort(x, m, sizeof *x, cmp_double);
    double lo = percentile_sorted(x, m, 1 - q), hi = percentile_sorted(x, m, q);
    free(x);
    *beyond = tail == HDNET_TAIL_ABOVE ? value > hi : value < lo;
    if (null_low)
        *null_low = lo;
    if (null_high)
        *null_high = hi;
    return HDNET_OK;
}

double hdnet_gate_bound(double ne_hold)
{
    return ne_hold > 0 ? fmin(HDNET_GATE_NE_MAX, HDNET_GATE_HOLD_FRACTION * ne_hold) : HDNET_GATE_NE_MAX;
}

int hdnet_gate(double ne, double bound, int *competent)
{
    if (!competent)
        return hdnet__error(HDNET_EINVAL, "hdnet_gate: competent is NULL");
    if (!(bound > 0))
        return hdnet__error(HDNET_ERANGE, "hdnet_gate: bound %g is not > 0", bound);
    *competent = ne <= bound;
    return HDNET_OK;
}

int hdnet_gate_verdict(int verdict, int needs_integrator, int competent)
{
    return needs_integrator && !competent ? HDNET_VERDICT_NOT_APPLICABLE : verdict;
}
