/* Normalized error (spec §5), accumulated in double. */
#include "internal.h"

#include <math.h>

int hdnet_normalized_error(const float *outputs, const float *targets, const float *mask,
                           size_t n_trials, size_t n_steps, size_t n_outputs, double *ne)
{
    if (!outputs || !targets || !mask || !ne)
        return hdnet__error(HDNET_EINVAL, "outputs, targets, mask or ne is NULL");
    size_t rows;
    if (n_trials == 0 || n_steps == 0 || n_outputs == 0 || hdnet__mul(n_trials, n_steps, &rows))
        return hdnet__error(HDNET_ESHAPE, "empty or oversized array (%zu x %zu x %zu)", n_trials,
                            n_steps, n_outputs);
    double total = 0;
    for (size_t k = 0; k < n_outputs; k++) {
        double cnt = 0, mean = 0;
        for (size_t r = 0; r < rows; r++)
            if (mask[r * n_outputs + k] == 1.0f) {
                cnt += 1;
                mean += targets[r * n_outputs + k];
            }
        if (cnt == 0)
            continue;
        mean /= cnt;
        double rr = 0, dd = 0;
        int all_zero = 1;
        for (size_t r = 0; r < rows; r++) {
            size_t i = r * n_outputs + k;
            if (mask[i] != 1.0f)
                continue;
            double res = (double)outputs[i] - targets[i];
            double dev = mean - targets[i];
            rr += res * res;
            dd += dev * dev;
            if (dev != 0)
                all_zero = 0;
        }
        total += all_zero ? rr : rr / dd;
    }
    *ne = total / (double)n_outputs;
    return HDNET_OK;
}
