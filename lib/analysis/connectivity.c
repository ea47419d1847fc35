/* Tiling statistics, unit orders, sorted weights, connectivity profiles (docs/analyses.md). */
#include "core/internal.h"
#include "analysis/analysis_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int hdnet_tiling_stats(const double *phi, size_t n, double *out, size_t out_len)
{
    if (!phi || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_tiling_stats: NULL argument");
    if (out_len < HDNET_TILE_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_tiling_stats: out needs %d entries", HDNET_TILE_COUNT);
    for (int i = 0; i < HDNET_TILE_COUNT; i++)
        out[i] = NAN;
    double *u = malloc((n ? n : 1) * sizeof *u);
    if (!u)
        return hdnet__error(HDNET_ENOMEM, "hdnet_tiling_stats: out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(phi[i])) {
            double d = fmod(phi[i], 360.0);
            if (d < 0)
                d += 360.0;
            if (d >= 360.0)
                d = 0;
            u[m++] = d;
        }
    out[HDNET_TILE_N] = (double)m;
    if (m < 2) {
        free(u);
        return HDNET_OK;
    }
    hdnet__sort(u, m);
    double gmax = 360.0 - u[m - 1] + u[0];
    for (size_t i = 1; i < m; i++)
        if (u[i] - u[i - 1] > gmax)
            gmax = u[i] - u[i - 1];
    double hn = 0, cx = 0, sy = 0;
    for (size_t i = 1; i <= m; i++)
        hn += 1.0 / (double)i;
    const double rad = HDNET__PI / 180.0;
    for (size_t i = 0; i < m; i++) {
        cx += cos(u[i] * rad);
        sy += sin(u[i] * rad);
    }
    double nn = (double)m;
    out[HDNET_TILE_GMAX] = gmax;
    out[HDNET_TILE_GEXP] = 360.0 / nn * hn;
    out[HDNET_TILE_GBOUND] = fmin(90.0, 360.0 * (log(nn) + 3.0) / nn);
    out[HDNET_TILE_RBAR] = sqrt(cx * cx + sy * sy) / nn;
    double dp = -INFINITY, dm = -INFINITY;
    for (size_t i = 0; i < m; i++) {
        double x = u[i] / 360.0;
        double a = (double)(i + 1) / nn - x, b = x - (double)i / nn;
        if (a > dp)
            dp = a;
        if (b > dm)
            dm = b;
    }
    double v = dp + dm;
    double lam = v * (sqrt(nn) + 0.155 + 0.24 / sqrt(nn));
    double p = 1.0;
    if (lam >= 0.4) {
        p = 0;
        for (int j = 1; j < 1000; j++) {
            double jj = (double)j * (double)j;
            double term = 2.0 * (4.0 * jj * lam * lam - 1.0) * exp(-2.0 * jj * lam * lam);
            p += term;
            if (fabs(term) < 1e-12)
                break;
        }
        p = fmin(1.0, fmax(0.0, p));
    }
    out[HDNET_TILE_KUIPER_V] = v;
    out[HDNET_TILE_KUIPER_P] = p;
    free(u);
    return HDNET_OK;
}

typedef struct {
    int block;
    double phi;
    size_t idx;
} okey;

static int cmp_key(const void *a, const void *b)
{
    const okey *x = a, *y = b;
    if (x->block != y->block)
        return x->block < y->block ? -1 : 1;
    int nx = isnan(x->phi), ny = isnan(y->phi);
    if (nx != ny)
        return nx ? 1 : -1;
    if (!nx && x->phi != y->phi)
        return x->phi < y->phi ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

int hdnet_unit_order(int order, size_t n, const int *cls, const double *phi, size_t *perm, size_t perm_cap,
                     size_t *n_perm, size_t bounds[6])
{
    if (!cls || !perm || !n_perm || (!phi && order != HDNET_ORDER_INDEX))
        return hdnet__error(HDNET_EINVAL, "hdnet_unit_order: NULL argument");
    if (order < HDNET_ORDER_INDEX || order > HDNET_ORDER_ALL)
        return hdnet__error(HDNET_EINVAL, "hdnet_unit_order: unknown order %d", order);
    for (size_t i = 0; i < n; i++)
        if (cls[i] < 0 || cls[i] >= HDNET_NCLASSES)
            return hdnet__error(HDNET_EINVAL, "hdnet_unit_order: class %d of unit %zu unknown", cls[i], i);
    int last_block = order == HDNET_ORDER_BLOCKS ? HDNET_CLASS_SHIFTER_CW
                     : order == HDNET_ORDER_ALL  ? HDNET_CLASS_INACTIVE
                                                 : HDNET_CLASS_WEAK;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += cls[i] <= last_block;
    *n_perm = m;
    if (perm_cap < m)
        return hdnet__error(HDNET_ESHAPE, "hdnet_unit_order: perm needs %zu entries, got %zu", m, perm_cap);
    okey *k = malloc((m ? m : 1) * sizeof *k);
    if (!k)
        return hdnet__error(HDNET_ENOMEM, "hdnet_unit_order: out of memory");
    size_t j = 0;
    int blocks = order >= HDNET_ORDER_BLOCKS;
    for (size_t i = 0; i < n; i++)
        if (cls[i] <= last_block) {
            k[j].block = blocks ? cls[i] : 0;
            k[j].phi = order == HDNET_ORDER_INDEX ? 0.0 : phi[i];
            k[j].idx = i;
            j++;
        }
    qsort(k, m, sizeof *k, cmp_key);
    for (size_t i = 0; i < m; i++)
        perm[i] = k[i].idx;
    if (bounds) {
        for (int c = 0; c < 6; c++)
            bounds[c] = m;
        bounds[0] = 0;
        if (blocks) {
            for (int c = 0; c < HDNET_NCLASSES; c++) {
                size_t s = 0;
                while (s < m && k[s].block < c)
                    s++;
                bounds[c] = s;
            }
        }
    }
    free(k);
    return HDNET_OK;
}

int hdnet_sort_weights(const float *w, size_t n, const size_t *perm, size_t n_perm, float *out, size_t out_len)
{
    if (!w || !perm || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_sort_weights: NULL argument");
    if (out_len / (n_perm ? n_perm : 1) < n_perm)
        return hdnet__error(HDNET_ESHAPE, "hdnet_sort_weights: out needs %zu x %zu values", n_perm, n_perm);
    for (size_t i = 0; i < n_perm; i++)
        if (perm[i] >= n)
            return hdnet__error(HDNET_EINVAL, "hdnet_sort_weights: perm[%zu] = %zu >= %zu", i, perm[i], n);
    for (size_t r = 0; r < n_perm; r++)
        for (size_t c = 0; c < n_perm; c++)
            out[r * n_perm + c] = w[perm[r] * n + perm[c]];
    return HDNET_OK;
}

int hdnet_profile(const hdnet_aparams *params, const float *w_rec, size_t n, const double *phi, const int *pre,
                  size_t n_pre, const int *post, size_t n_post, double *table, size_t table_len, double *pairs,
                  size_t pairs_cap, size_t *n_pairs)
{
    if (!w_rec || !phi || !table || !n_pairs || (n_pre && !pre) || (n_post && !post))
        return hdnet__error(HDNET_EINVAL, "hdnet_profile: NULL argument");
    const size_t B = HDNET_PROFILE_BINS;
    if (table_len < HDNET_PR_ROWS * B)
        return hdnet__error(HDNET_ESHAPE, "hdnet_profile: table needs %d x %zu values", HDNET_PR_ROWS, B);
    for (size_t i = 0; i < n_pre; i++)
        if (pre[i] < 0 || (size_t)pre[i] >= n)
            return hdnet__error(HDNET_EINVAL, "hdnet_profile: pre unit %d out of range", pre[i]);
    for (size_t i = 0; i < n_post; i++)
        if (post[i] < 0 || (size_t)post[i] >= n)
            return hdnet__error(HDNET_EINVAL, "hdnet_profile: post unit %d out of range", post[i]);
    hdnet_aparams dflt;
    if (!params) {
        hdnet__aparams_defaults(&dflt);
        params = &dflt;
    }
    int matlab = hdnet__ap(params, HDNET_A_COMPAT) == HDNET_COMPAT_MATLAB;
    long half = (long)hdnet__ap(params, HDNET_A_PROFILE_WINDOW) / 2;
    double *cnt = table + HDNET_PR_N * B, *mean = table + HDNET_PR_MEAN * B;
    double *sd = table + HDNET_PR_SD * B, *sem = table + HDNET_PR_SEM * B;
    for (size_t k = 0; k < B; k++) {
        table[HDNET_PR_CENTRE * B + k] = matlab ? -180.0 + (double)k + 0.5 : -179.0 + (double)k;
        cnt[k] = mean[k] = sd[k] = 0;
    }
    size_t np = 0;
    for (size_t a = 0; a < n_pre; a++)
        for (size_t b = 0; b < n_post; b++) {
            size_t i = (size_t)pre[a], j = (size_t)post[b];
            if (i == j || isnan(phi[i]) || isnan(phi[j]))
                continue;
            double r = hdnet_wrap_deg(phi[j] - phi[i]);
            double w = w_rec[j * n + i];
            long k = matlab ? (long)ceil(r) + 179 : (((long)ceil(r - 0.5) + 179) % 360 + 360) % 360;
            for (long d = -half; d <= half; d++) {
                long kk = ((k + d) % 360 + 360) % 360;
                cnt[kk] += 1;
                mean[kk] += w;   /* sum for now */
                sd[kk] += w * w; /* sum of squares for now */
            }
            if (pairs && np < pairs_cap) {
                pairs[4 * np] = (double)i;
                pairs[4 * np + 1] = (double)j;
                pairs[4 * np + 2] = r;
                pairs[4 * np + 3] = w;
            }
            np++;
        }
    *n_pairs = np;
    for (size_t k = 0; k < B; k++) {
        double c = cnt[k];
        if (c == 0) {
            mean[k] = sd[k] = sem[k] = NAN;
            continue;
        }
        double mu = mean[k] / c;
        double var = c > 1 ? (sd[k] - c * mu * mu) / (c - 1) : 0;
        mean[k] = mu;
        sd[k] = sqrt(var > 0 ? var : 0);
        sem[k] = sd[k] / sqrt(c);
    }
    return HDNET_OK;
}

int hdnet_profile_offset(const double *table, size_t table_len, double *delta)
{
    if (!table || !delta)
        return hdnet__error(HDNET_EINVAL, "hdnet_profile_offset: NULL argument");
    const size_t B = HDNET_PROFILE_BINS;
    if (table_len < HDNET_PR_ROWS * B)
        return hdnet__error(HDNET_ESHAPE, "hdnet_profile_offset: table needs %d x %zu values", HDNET_PR_ROWS, B);
    const double rad = HDNET__PI / 180.0;
    double x = 0, y = 0;
    int any = 0;
    for (size_t k = 0; k < B; k++) {
        double m = table[HDNET_PR_MEAN * B + k];
        if (!(m > 0))
            continue;
        any = 1;
        x += m * cos(table[HDNET_PR_CENTRE * B + k] * rad);
        y += m * sin(table[HDNET_PR_CENTRE * B + k] * rad);
    }
    *delta = any ? hdnet_wrap_deg(atan2(y, x) / rad) : NAN;
    return HDNET_OK;
}

int hdnet_pairs_mean(const double *pairs, size_t n_pairs, double r_lo, double r_hi, int absolute, double *mean,
                     size_t *count)
{
    if ((!pairs && n_pairs) || !mean)
        return hdnet__error(HDNET_EINVAL, "hdnet_pairs_mean: NULL argument");
    double s = 0;
    size_t c = 0;
    for (size_t i = 0; i < n_pairs; i++) {
        double r = pairs[4 * i + 2];
        if (absolute)
            r = fabs(r);
        if (r >= r_lo && r <= r_hi) {
            s += pairs[4 * i + 3];
            c++;
        }
    }
    *mean = c ? s / (double)c : NAN;
    if (count)
        *count = c;
    return HDNET_OK;
}

int hdnet_autocorr(const double *x, size_t n, double *rho, size_t n_lags)
{
    if (!x || !rho)
        return hdnet__error(HDNET_EINVAL, "hdnet_autocorr: NULL argument");
    if (n_lags == 0 || n_lags > n)
        return hdnet__error(HDNET_ESHAPE, "hdnet_autocorr: %zu lags for %zu values", n_lags, n);
    double mu = 0;
    for (size_t i = 0; i < n; i++)
        mu += x[i];
    mu /= (double)n;
    double c0 = 0;
    for (size_t i = 0; i < n; i++)
        c0 += (x[i] - mu) * (x[i] - mu);
    if (!(c0 > 0) || !isfinite(c0))
        return hdnet__error(HDNET_ERANGE, "hdnet_autocorr: constant or non-finite series");
    for (size_t k = 0; k < n_lags; k++) {
        double c = 0;
        for (size_t i = 0; i + k < n; i++)
            c += (x[i] - mu) * (x[i + k] - mu);
        rho[k] = c / c0;
    }
    return HDNET_OK;
}
