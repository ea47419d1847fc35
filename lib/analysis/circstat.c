/* Binning, NaN-aware curve statistics, circular means and the slope fit. */
#include "core/internal.h"
#include "analysis/analysis_priv.h"

#include <math.h>
#include <stdlib.h>

double hdnet_wrap_deg(double x)
{
    double d = fmod(x, 360.0);
    if (d <= -180.0)
        d += 360.0;
    if (d > 180.0)
        d -= 360.0;
    return d;
}

void hdnet__linspace_edges(double lo, double hi, size_t n, double *edges)
{
    double w = (hi - lo) / (double)n;
    for (size_t k = 0; k < n; k++)
        edges[k] = lo + (double)k * w;
    edges[n] = hi;
}

long hdnet__bin_find(const double *edges, size_t n_bins, double v)
{
    if (!(v >= edges[0]) || !(v < edges[n_bins]))
        return -1;
    double w = (edges[n_bins] - edges[0]) / (double)n_bins;
    double est = floor((v - edges[0]) / w);
    long k = est < 0 ? 0 : est > (double)(n_bins - 1) ? (long)n_bins - 1 : (long)est;
    while (k > 0 && v < edges[k])
        k--;
    while ((size_t)k < n_bins - 1 && v >= edges[k + 1])
        k++;
    return k;
}

double hdnet__nanmax(const double *x, size_t n)
{
    double m = NAN;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (isnan(m) || x[i] > m))
            m = x[i];
    return m;
}

double hdnet__nanmin(const double *x, size_t n)
{
    double m = NAN;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (isnan(m) || x[i] < m))
            m = x[i];
    return m;
}

long hdnet__nanargmax(const double *x, size_t n)
{
    long k = -1;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (k < 0 || x[i] > x[k]))
            k = (long)i;
    return k;
}

void hdnet__circ_mean_curve(const double *c, const double *centres, size_t n, int baseline,
                            double *phi, double *r)
{
    double mn = hdnet__nanmin(c, n);
    double base = 0.0;
    if (baseline == 1 || (baseline == 2 && mn < 0))
        base = mn;
    double sw = 0, sx = 0, sy = 0;
    const double rad = HDNET__PI / 180.0;
    for (size_t k = 0; k < n; k++) {
        if (isnan(c[k]))
            continue;
        double w = c[k] - base;
        sw += w;
        sx += w * cos(centres[k] * rad);
        sy += w * sin(centres[k] * rad);
    }
    if (!(sw != 0) || isnan(mn)) {
        *phi = NAN;
        *r = 0;
        return;
    }
    double a = atan2(sy, sx) / rad;
    if (a < 0)
        a += 360.0;
    if (a >= 360.0)
        a -= 360.0;
    *phi = a;
    *r = sqrt(sx * sx + sy * sy) / fabs(sw);
}

long hdnet__smoothed_argmax(const double *c, size_t n, size_t width)
{
    long half = (long)width / 2;
    long best = -1;
    double bestv = NAN;
    for (long k = 0; k < (long)n; k++) {
        double s = 0;
        int cnt = 0;
        for (long d = -half; d <= half; d++) {
            long j = ((k + d) % (long)n + (long)n) % (long)n;
            if (!isnan(c[j])) {
                s += c[j];
                cnt++;
            }
        }
        if (!cnt)
            continue;
        double v = s / cnt;
        if (best < 0 || v > bestv) {
            best = k;
            bestv = v;
        }
    }
    return best;
}

void hdnet__linfit(const double *x, const double *y, const double *w, size_t n, double *fit)
{
    for (int i = 0; i < HDNET__FIT_N; i++)
        fit[i] = NAN;
    fit[5] = (double)n;
    if (n < 2)
        return;
    double sw = 0, sx = 0, sy = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        sw += wi;
        sx += wi * x[i];
        sy += wi * y[i];
    }
    if (!(sw > 0))
        return;
    double mx = sx / sw, my = sy / sw, sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += wi * dx * dx;
        sxy += wi * dx * dy;
        syy += wi * dy * dy;
    }
    if (!(sxx > 0))
        return;
    double b = sxy / sxx;
    fit[0] = b;
    fit[1] = my - b * mx;
    double rss = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        double e = y[i] - (fit[1] + b * x[i]);
        rss += wi * e * e;
    }
    fit[4] = syy > 0 ? 1.0 - rss / syy : NAN;
    if (n >= 3) {
        fit[2] = sqrt(rss / (double)(n - 2) / sxx);
        fit[3] = fit[2] > 0 ? b / fit[2] : (b == 0 ? 0.0 : copysign(INFINITY, b));
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void hdnet__sort(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
}

double hdnet_median(double *x, size_t n)
{
    if (!x)
        return NAN;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            x[m++] = x[i];
    if (m == 0)
        return NAN;
    hdnet__sort(x, m);
    return m % 2 ? x[m / 2] : 0.5 * (x[m / 2 - 1] + x[m / 2]);
}

double hdnet__percentile(double *x, size_t n, double q)
{
    if (n == 0)
        return NAN;
    hdnet__sort(x, n);
    double pos = q * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i >= n - 1)
        return x[n - 1];
    double f = pos - (double)i;
    return x[i] + f * (x[i + 1] - x[i]);
}

void hdnet__slope_fit(const hdnet_aparams *p, const double *x, const double *m, const double *cnt,
                      const double *edges, size_t n, double *fit, double *mask)
{
    int drop_zero = hdnet__ap(p, HDNET_A_DROP_ZERO_BIN) != 0;
    double floor_v = hdnet__ap(p, HDNET_A_FIT_FLOOR);
    double frac = hdnet__ap(p, HDNET_A_FIT_FLOOR_FRACTION);
    int weighted = hdnet__ap(p, HDNET_A_SLOPE_WEIGHTS) != 0;
    size_t nj = 0, above = 0;
    for (size_t j = 0; j < n; j++) {
        int use = !isnan(m[j]);
        if (drop_zero && edges[j] <= 0 && 0 < edges[j + 1])
            use = 0;
        if (mask)
            mask[j] = use;
        if (use) {
            nj++;
            above += m[j] >= floor_v;
        }
    }
    int apply_floor = (double)above > frac * (double)nj;
    /* Compact the used bins (at most n; the caller's n is small). */
    double xs[512], ys[512], ws[512];
    double *xb = xs, *yb = ys, *wb = ws;
    double *heap = NULL;
    if (n > 512) {
        heap = malloc(3 * n * sizeof *heap);
        if (!heap) {
            for (int i = 0; i < HDNET__FIT_N; i++)
                fit[i] = NAN;
            return;
        }
        xb = heap;
        yb = heap + n;
        wb = heap + 2 * n;
    }
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        int use = !isnan(m[j]) && !(drop_zero && edges[j] <= 0 && 0 < edges[j + 1]);
        if (use && apply_floor && m[j] < floor_v)
            use = 0;
        if (mask)
            mask[j] = use;
        if (use) {
            xb[k] = x[j];
            yb[k] = m[j];
            wb[k] = cnt ? cnt[j] : 1.0;
            k++;
        }
    }
    hdnet__linfit(xb, yb, weighted ? wb : NULL, k, fit);
    free(heap);
}
