/* Normalized error (docs/model.md), accumulated in double. */
#include "core/internal.h"

#include <math.h>

/* Residual energy over target variance for output k on the masked points of steps
 * [t0, t1) of every trial; the residual energy alone for a constant target; -1 when
 * the output has no masked point. */
static double output_error(const float *y, const float *tg, const float *mask, size_t n_trials,
                           size_t n_steps, size_t n_out, size_t k, size_t t0, size_t t1)
{
    double cnt = 0, mean = 0;
    for (size_t b = 0; b < n_trials; b++)
        for (size_t t = t0; t < t1; t++) {
            size_t i = (b * n_steps + t) * n_out + k;
            if (mask[i] == 1.0f) {
                cnt += 1;
                mean += tg[i];
            }
        }
    if (cnt == 0)
        return -1;
    mean /= cnt;
    double rr = 0, dd = 0;
    int all_zero = 1;
    for (size_t b = 0; b < n_trials; b++)
        for (size_t t = t0; t < t1; t++) {
            size_t i = (b * n_steps + t) * n_out + k;
            if (mask[i] != 1.0f)
                continue;
            double res = (double)y[i] - tg[i];
            double dev = mean - tg[i];
            rr += res * res;
            dd += dev * dev;
            if (dev != 0)
                all_zero = 0;
        }
    return all_zero ? rr : rr / dd;
}

int hdnet_normalized_error_window(const float *outputs, const float *targets, const float *mask,
                                  size_t n_trials, size_t n_steps, size_t n_outputs, size_t step_begin,
                                  size_t step_end, double *ne)
{
    if (!outputs || !targets || !mask || !ne)
        return hdnet__error(HDNET_EINVAL, "outputs, targets, mask or ne is NULL");
    size_t rows, all;
    if (n_trials == 0 || n_steps == 0 || n_outputs == 0 || hdnet__mul(n_trials, n_steps, &rows) ||
        hdnet__mul(rows, n_outputs, &all))
        return hdnet__error(HDNET_ESHAPE, "empty or oversized array (%zu x %zu x %zu)", n_trials,
                            n_steps, n_outputs);
    if (step_begin >= step_end || step_end > n_steps)
        return hdnet__error(HDNET_ERANGE, "step window [%zu, %zu) is empty or beyond %zu steps",
                            step_begin, step_end, n_steps);
    double total = 0;
    for (size_t k = 0; k < n_outputs; k++) {
        double e = output_error(outputs, targets, mask, n_trials, n_steps, n_outputs, k, step_begin,
                                step_end);
        if (e >= 0)
            total += e;
    }
    *ne = total / (double)n_outputs;
    return HDNET_OK;
}

int hdnet_normalized_error(const float *outputs, const float *targets, const float *mask,
                           size_t n_trials, size_t n_steps, size_t n_outputs, double *ne)
{
    return hdnet_normalized_error_window(outputs, targets, mask, n_trials, n_steps, n_outputs, 0,
                                         n_steps, ne);
}
