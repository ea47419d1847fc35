/* Normalized error (docs/model.md), accumulated in double. */
#include "core/internal.h"

#include <math.h>

/* Residual energy over target variance for output k on the masked points of steps
 * [t0, t1) of every trial; the residual energy alone for a constant target; -1 when
 * the output has no masked point. Outputs y, or with y NULL the target of step hold of
 * the same trial. */
static double output_error(const float *y, size_t hold, const float *tg, const float *mask, size_t n_trials,
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
            double out = y ? y[i] : tg[(b * n_steps + hold) * n_out + k];
            double res = out - tg[i];
            double dev = mean - tg[i];
            rr += res * res;
            dd += dev * dev;
            if (dev != 0)
                all_zero = 0;
        }
    return all_zero ? rr : rr / dd;
}

static int check_shape(size_t n_trials, size_t n_steps, size_t n_outputs)
{
    size_t rows, all;
    if (n_trials == 0 || n_steps == 0 || n_outputs == 0 || hdnet__mul(n_trials, n_steps, &rows) ||
        hdnet__mul(rows, n_outputs, &all))
        return hdnet__error(HDNET_ESHAPE, "empty or oversized array (%zu x %zu x %zu)", n_trials,
                            n_steps, n_outputs);
    return HDNET_OK;
}

/* The mean over outputs of output_error() (outputs y, or the held target). */
static double mean_error(const float *y, size_t hold, const float *tg, const float *mask, size_t n_trials,
                         size_t n_steps, size_t n_out, size_t t0, size_t t1)
{
    double total = 0;
    for (size_t k = 0; k < n_out; k++) {
        double e = output_error(y, hold, tg, mask, n_trials, n_steps, n_out, k, t0, t1);
        if (e >= 0)
            total += e;
    }
    return total / (double)n_out;
}

int hdnet_normalized_error_window(const float *outputs, const float *targets, const float *mask,
                                  size_t n_trials, size_t n_steps, size_t n_outputs, size_t step_begin,
                                  size_t step_end, double *ne)
{
    if (!outputs || !targets || !mask || !ne)
        return hdnet__error(HDNET_EINVAL, "outputs, targets, mask or ne is NULL");
    int rc = check_shape(n_trials, n_steps, n_outputs);
    if (rc)
        return rc;
    if (step_begin >= step_end || step_end > n_steps)
        return hdnet__error(HDNET_ERANGE, "step window [%zu, %zu) is empty or beyond %zu steps",
                            step_begin, step_end, n_steps);
    *ne = mean_error(outputs, 0, targets, mask, n_trials, n_steps, n_outputs, step_begin, step_end);
    return HDNET_OK;
}

int hdnet_hold_error(const float *targets, const float *mask, size_t n_trials, size_t n_steps, size_t n_outputs,
                     size_t cue, double *ne)
{
    if (!targets || !mask || !ne)
        return hdnet__error(HDNET_EINVAL, "hdnet_hold_error: targets, mask or ne is NULL");
    int rc = check_shape(n_trials, n_steps, n_outputs);
    if (rc)
        return rc;
    if (cue == 0 || cue > n_steps)
        return hdnet__error(HDNET_ERANGE, "hdnet_hold_error: cue %zu of %zu steps: no cued target to hold", cue,
                            n_steps);
    *ne = mean_error(NULL, cue - 1, targets, mask, n_trials, n_steps, n_outputs, 0, n_steps);
    return HDNET_OK;
}

int hdnet_normalized_error(const float *outputs, const float *targets, const float *mask,
                           size_t n_trials, size_t n_steps, size_t n_outputs, double *ne)
{
    return hdnet_normalized_error_window(outputs, targets, mask, n_trials, n_steps, n_outputs, 0,
                                         n_steps, ne);
}
