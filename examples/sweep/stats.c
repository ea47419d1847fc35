/* Statistics of a sweep's summary: Wilson intervals and quantiles. */
#include "sweep.h"

#include <math.h>
#include <stdlib.h>

void sweep_wilson(size_t k, size_t n, double z, double *lo, double *hi)
{
    if (n == 0) {
        *lo = 0;
        *hi = 1;
        return;
    }
    const double nn = (double)n, ph = (double)k / nn, z2 = z * z;
    const double centre = (ph + z2 / (2 * nn)) / (1 + z2 / nn);
    const double half = z / (1 + z2 / nn) * sqrt(ph * (1 - ph) / nn + z2 / (4 * nn * nn));
    *lo = k == 0 ? 0 : centre - half; /* exact ends: the formula gives them up to rounding */
    *hi = k == n ? 1 : centre + half;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double sweep_quantile(double *x, size_t n, double q)
{
    if (n == 0)
        return NAN;
    qsort(x, n, sizeof *x, cmp_double);
    const double h = (double)(n - 1) * q;
    const size_t j = (size_t)floor(h);
    if (j + 1 >= n)
        return x[n - 1];
    const double a = x[j], b = x[j + 1], f = h - (double)j;
    /* the limit of the interpolation when an end is infinite (-inf with +inf: NaN) */
    if (f == 0 || a == b)
        return a;
    if (isinf(a) || isinf(b))
        return isinf(a) && isinf(b) ? NAN : isinf(a) ? a : b;
    return a + f * (b - a);
}
