/* Ring structure of W_rec: the variance fraction explained by (class, class,
 * relative preferred heading) cell means, cross-validated over pairs, and the
 * correlation with the initial matrix. See include/hdnet/structure.h. */
#include "core/internal.h"
#include "rng/rng_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NCLS 3 /* compass, CCW shifter, CW shifter */
#define NBINS (360 / HDNET_STRUCTURE_BIN_DEG)
#define NCELLS (NCLS * NCLS * NBINS)

typedef struct {
    size_t pre, post;
    int cell;
    int fold;
} pair;

static int structural_class(int c)
{
    return c == HDNET_CLASS_COMPASS || c == HDNET_CLASS_SHIFTER_CCW || c == HDNET_CLASS_SHIFTER_CW;
}

/* Bin of r in (-180, 180]: [-180, -160) is 0, ..., [160, 180] is NBINS - 1. */
static int heading_bin(double r)
{
    int b = (int)floor((r + 180.0) / HDNET_STRUCTURE_BIN_DEG);
    return b < 0 ? 0 : b >= NBINS ? NBINS - 1 : b;
}

/* The pairs and their cells; returns the count (pairs may be NULL to count). */
static size_t list_pairs(size_t n, const int *cls, const double *phi, pair *pairs, size_t *n_units)
{
    size_t np = 0, nu = 0;
    for (size_t post = 0; post < n; post++) {
        if (!structural_class(cls[post]) || !isfinite(phi[post]))
            continue;
        nu++;
        for (size_t pre = 0; pre < n; pre++) {
            if (pre == post || !structural_class(cls[pre]) || !isfinite(phi[pre]))
                continue;
            if (pairs) {
                int bin = heading_bin(hdnet_wrap_deg(phi[post] - phi[pre]));
                pairs[np].pre = pre;
                pairs[np].post = post;
                pairs[np].cell = (cls[pre] * NCLS + cls[post]) * NBINS + bin;
                pairs[np].fold = 0;
            }
            np++;
        }
    }
    if (n_units)
        *n_units = nu;
    return np;
}

/* Weight of a pair: w_rec, or w_rec - w_init when w_init is given. */
static double pair_w(const pair *p, const float *w, const float *w0, size_t n)
{
    size_t k = p->post * n + p->pre;
    return w0 ? (double)w[k] - (double)w0[k] : (double)w[k];
}

/* Held-out sums of one split: the pairs of fold `test` (all pairs when
 * test < 0) are predicted by the cell means of the other folds (of all pairs,
 * in sample); SSE and SST (about the fitting pairs' grand mean) are added to
 * *sse and *sst. Sums in double, in pair order. */
static void score_split(const pair *pairs, size_t np, const float *w, const float *w0, size_t n,
                        int test, double *cell_sum, size_t *cell_n, double *sse, double *sst)
{
    memset(cell_sum, 0, NCELLS * sizeof *cell_sum);
    memset(cell_n, 0, NCELLS * sizeof *cell_n);
    double tot = 0;
    size_t nfit = 0;
    for (size_t i = 0; i < np; i++) {
        if (test >= 0 && pairs[i].fold == test)
            continue;
        double v = pair_w(&pairs[i], w, w0, n);
        cell_sum[pairs[i].cell] += v;
        cell_n[pairs[i].cell]++;
        tot += v;
        nfit++;
    }
    const double grand = nfit ? tot / (double)nfit : 0.0;
    for (size_t i = 0; i < np; i++) {
        if (test >= 0 && pairs[i].fold != test)
            continue;
        const int c = pairs[i].cell;
        double v = pair_w(&pairs[i], w, w0, n);
        double pred = cell_n[c] ? cell_sum[c] / (double)cell_n[c] : grand;
        *sse += (v - pred) * (v - pred);
        *sst += (v - grand) * (v - grand);
    }
}

/* 1 - SSE/SST: in sample (k = 0) or pooled over k held-out folds. NaN when
 * the scored weights are constant. */
static double explained(const pair *pairs, size_t np, const float *w, const float *w0, size_t n,
                        size_t k, double *cell_sum, size_t *cell_n)
{
    double sse = 0, sst = 0;
    if (k == 0)
        score_split(pairs, np, w, w0, n, -1, cell_sum, cell_n, &sse, &sst);
    for (size_t f = 0; f < k; f++)
        score_split(pairs, np, w, w0, n, (int)f, cell_sum, cell_n, &sse, &sst);
    return sst > 0 ? 1.0 - sse / sst : NAN;
}

/* Folds: a uniform permutation of the pairs (Fisher-Yates), dealt round-robin. */
static int assign_folds(pair *pairs, size_t np, size_t k, uint64_t seed)
{
    size_t *perm = malloc(np * sizeof *perm);
    if (!perm)
        return hdnet__error(HDNET_ENOMEM, "fold permutation of %zu pairs", np);
    hdnet_rng r;
    hdnet__rng_init(&r, HDNET_RNG_LIBRARY, seed);
    for (size_t i = 0; i < np; i++)
        perm[i] = i;
    for (size_t i = np; i-- > 1;) {
        size_t j = (size_t)hdnet__rng_randint1(&r, (uint64_t)i + 1);
        size_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < np; i++)
        pairs[perm[i]].fold = (int)(i % k);
    free(perm);
    return HDNET_OK;
}

/* SD (n-1) of a and, with b, the correlation of a and b over the pairs. */
static void moments(const pair *pairs, size_t np, const float *a, const float *b, size_t n,
                    double *sd_a, double *sd_b, double *corr)
{
    double ma = 0, mb = 0;
    for (size_t i = 0; i < np; i++) {
        ma += pair_w(&pairs[i], a, NULL, n);
        if (b)
            mb += pair_w(&pairs[i], b, NULL, n);
    }
    ma /= (double)np;
    mb /= (double)np;
    double saa = 0, sbb = 0, sab = 0;
    for (size_t i = 0; i < np; i++) {
        double da = pair_w(&pairs[i], a, NULL, n) - ma;
        double db = b ? pair_w(&pairs[i], b, NULL, n) - mb : 0.0;
        saa += da * da;
        sbb += db * db;
        sab += da * db;
    }
    *sd_a = sqrt(saa / (double)(np - 1));
    *sd_b = b ? sqrt(sbb / (double)(np - 1)) : NAN;
    *corr = b && saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

int hdnet_structure(const float *w_rec, const float *w_init, size_t n, const int *cls,
                    const double *phi, size_t n_folds, uint64_t seed, double *out, size_t out_len)
{
    if (!w_rec || !cls || !phi || !out)
        return hdnet__error(HDNET_EINVAL, "w_rec, cls, phi or out is NULL");
    if (n == 0)
        return hdnet__error(HDNET_EINVAL, "no units");
    if (out_len < HDNET_ST_COUNT)
        return hdnet__error(HDNET_ESHAPE, "out_len %zu < %d", out_len, HDNET_ST_COUNT);
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(w_rec[i]) || (w_init && !isfinite(w_init[i])))
            return hdnet__error(HDNET_ERANGE, "non-finite weight at %zu", i);
    size_t nu;
    const size_t np = list_pairs(n, cls, phi, NULL, &nu);
    if (np < 2)
        return hdnet__error(HDNET_ERANGE, "%zu compass/shifter pairs; at least 2 needed", np);
    if (n_folds < 2 || n_folds > np)
        return hdnet__error(HDNET_ERANGE, "n_folds=%zu outside [2, %zu pairs]", n_folds, np);
    pair *pairs = malloc(np * sizeof *pairs);
    double *cell_sum = malloc(NCELLS * sizeof *cell_sum);
    size_t *cell_n = malloc(NCELLS * sizeof *cell_n);
    if (!pairs || !cell_sum || !cell_n) {
        free(pairs);
        free(cell_sum);
        free(cell_n);
        return hdnet__error(HDNET_ENOMEM, "structure of %zu pairs", np);
    }
    list_pairs(n, cls, phi, pairs, NULL);
    int rc = assign_folds(pairs, np, n_folds, seed);
    double r[HDNET_ST_COUNT];
    if (!rc) {
        r[HDNET_ST_N_PAIRS] = (double)np;
        r[HDNET_ST_N_UNITS] = (double)nu;
        moments(pairs, np, w_rec, w_init, n, &r[HDNET_ST_SD], &r[HDNET_ST_SD_INIT], &r[HDNET_ST_CORR_INIT]);
        if (!(r[HDNET_ST_SD] > 0))
            rc = hdnet__error(HDNET_ERANGE, "the weights of the %zu pairs are constant", np);
    }
    if (!rc) {
        r[HDNET_ST_FRACTION_CV] = explained(pairs, np, w_rec, NULL, n, n_folds, cell_sum, cell_n);
        r[HDNET_ST_FRACTION_FIT] = explained(pairs, np, w_rec, NULL, n, 0, cell_sum, cell_n);
        r[HDNET_ST_FRACTION_DELTA] =
            w_init ? explained(pairs, np, w_rec, w_init, n, n_folds, cell_sum, cell_n) : NAN;
        memcpy(out, r, sizeof r);
    }
    free(pairs);
    free(cell_sum);
    free(cell_n);
    return rc;
}
