/* The finder's result: order along the ring, ring statistics and getters. */
#include "attractor/attractor_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_wide(int which)
{
    return which == HDNET_FPA_STATE || which == HDNET_FPA_RATE || which == HDNET_FPA_EIG_RE ||
           which == HDNET_FPA_EIG_IM;
}

/* (heading, index) pairs: by heading, NaN last, then index */
static int cmp_heading(const void *x, const void *y)
{
    const double *a = x, *b = y;
    int na = isnan(a[0]), nb = isnan(b[0]);
    if (na != nb)
        return na - nb;
    if (!na && a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median(double *v, size_t m)
{
    if (!m)
        return NAN;
    qsort(v, m, sizeof *v, cmp_double);
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* Permute every array into heading order (one scratch buffer of K*N doubles). */
static int order_by_heading(hdnet_fixed_points *fp)
{
    size_t k = fp->k, n = fp->n;
    double *pairs = malloc(2 * k * sizeof *pairs), *tmp = malloc(k * n * sizeof *tmp);
    if (!pairs || !tmp) {
        free(pairs);
        free(tmp);
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        pairs[2 * i] = fp->arr[HDNET_FPA_HEADING][i];
        pairs[2 * i + 1] = (double)i;
    }
    qsort(pairs, k, 2 * sizeof *pairs, cmp_heading);
    for (int a = 0; a < HDNET_FPA_COUNT; a++) {
        size_t w = is_wide(a) ? n : 1;
        for (size_t i = 0; i < k; i++)
            memcpy(tmp + i * w, fp->arr[a] + (size_t)pairs[2 * i + 1] * w, w * sizeof *tmp);
        memcpy(fp->arr[a], tmp, k * w * sizeof *tmp);
    }
    free(pairs);
    free(tmp);
    return 0;
}

void hdnet__fp_summarise(hdnet_fixed_points *fp)
{
    size_t k = fp->k, n = fp->n;
    double *s = fp->scalar;
    s[HDNET_FPS_N_POINTS] = (double)k;
    int sorted = order_by_heading(fp) == 0; /* out of memory: statistics from unsorted headings */
    const double *h = fp->arr[HDNET_FPA_HEADING], *v = fp->arr[HDNET_FPA_VELOCITY];
    /* largest gap between consecutive headings, the wrap-around included */
    double *hs = malloc((k + 1) * sizeof *hs);
    size_t m = 0;
    for (size_t i = 0; hs && i < k; i++)
        if (!isnan(h[i]))
            hs[m++] = h[i];
    if (hs && !sorted)
        qsort(hs, m, sizeof *hs, cmp_double);
    double gap = 360.0;
    if (hs && m >= 2) {
        gap = hs[0] + 360.0 - hs[m - 1];
        for (size_t i = 1; i < m; i++)
            gap = fmax(gap, hs[i] - hs[i - 1]);
    }
    s[HDNET_FPS_LARGEST_GAP] = hs ? gap : NAN;
    double sum_abs = 0, sum = 0, max_abs = 0, max_q = 0;
    size_t nv = 0, n_stable = 0, n_one = 0;
    for (size_t i = 0; i < k; i++) {
        if (isfinite(v[i])) {
            sum_abs += fabs(v[i]);
            sum += v[i];
            max_abs = fmax(max_abs, fabs(v[i]));
            nv++;
        }
        double un = fp->arr[HDNET_FPA_N_UNSTABLE][i], mg = fp->arr[HDNET_FPA_N_MARGINAL][i];
        n_stable += un == 0;
        n_one += un == 0 && mg == 1;
        max_q = fmax(max_q, fp->arr[HDNET_FPA_Q][i]);
    }
    s[HDNET_FPS_MEAN_ABS_VEL] = nv ? sum_abs / (double)nv : NAN;
    s[HDNET_FPS_MEAN_VEL] = nv ? sum / (double)nv : NAN;
    s[HDNET_FPS_MAX_ABS_VEL] = nv ? max_abs : NAN;
    s[HDNET_FPS_N_STABLE] = (double)n_stable;
    s[HDNET_FPS_N_ONE_MARGINAL] = (double)n_one;
    s[HDNET_FPS_MAX_Q] = k ? max_q : NAN;
    s[HDNET_FPS_MEDIAN_LEAD] = s[HDNET_FPS_MEDIAN_SECOND] = NAN;
    if (hs) {
        for (size_t i = 0; i < k; i++)
            hs[i] = fp->arr[HDNET_FPA_EIG_RE][i * n];
        s[HDNET_FPS_MEDIAN_LEAD] = median(hs, k);
        if (n >= 2) {
            for (size_t i = 0; i < k; i++)
                hs[i] = fp->arr[HDNET_FPA_EIG_RE][i * n + 1];
            s[HDNET_FPS_MEDIAN_SECOND] = median(hs, k);
        }
    }
    free(hs);
}

int hdnet_fp_dims(const hdnet_fixed_points *fp, size_t *n_points, size_t *n_units)
{
    if (!fp)
        return hdnet__error(HDNET_EINVAL, "fp is NULL");
    if (n_points)
        *n_points = fp->k;
    if (n_units)
        *n_units = fp->n;
    return HDNET_OK;
}

int hdnet_fp_copy(const hdnet_fixed_points *fp, int which, double *out, size_t out_len)
{
    if (!fp)
        return hdnet__error(HDNET_EINVAL, "fp is NULL");
    if (which < 0 || which >= HDNET_FPA_COUNT)
        return hdnet__error(HDNET_EINVAL, "unknown array id %d", which);
    size_t len = is_wide(which) ? fp->k * fp->n : fp->k;
    if (!len)
        return HDNET_OK;
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    if (out_len < len)
        return hdnet__error(HDNET_ESHAPE, "out has %zu values, array %d needs %zu", out_len, which, len);
    memcpy(out, fp->arr[which], len * sizeof *out);
    return HDNET_OK;
}

int hdnet_fp_scalar(const hdnet_fixed_points *fp, int which, double *value)
{
    if (!fp || !value)
        return hdnet__error(HDNET_EINVAL, "fp or value is NULL");
    if (which < 0 || which >= HDNET_FPS_COUNT)
        return hdnet__error(HDNET_EINVAL, "unknown scalar id %d", which);
    *value = fp->scalar[which];
    return HDNET_OK;
}
