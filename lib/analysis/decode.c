/* Decoding the heading: from the readout (hdnet_decoded_heading) and from the
 * population of compass units (hdnet_bump, the lesion experiments' measure). */
#include "core/internal.h"
#include "analysis/analysis_priv.h"

#include <math.h>

int hdnet_decoded_heading(const float *outputs, size_t n_samples, double *heading, size_t heading_len)
{
    if (!outputs || !heading)
        return hdnet__error(HDNET_EINVAL, "hdnet_decoded_heading: NULL argument");
    if (heading_len < n_samples || n_samples > SIZE_MAX / 2)
        return hdnet__error(HDNET_ESHAPE, "hdnet_decoded_heading: heading holds %zu of %zu samples",
                            heading_len, n_samples);
    for (size_t i = 0; i < n_samples; i++)
        heading[i] = hdnet__decoded_deg(outputs[2 * i], outputs[2 * i + 1]);
    return HDNET_OK;
}

int hdnet_bump(const float *rates, size_t n_samples, size_t n_units, const int *units, size_t n_selected,
               const double *phi, double *strength, double *position, size_t out_len)
{
    if (!rates || !units || !phi || n_selected == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_bump: NULL rates, units or phi, or no unit selected");
    size_t all;
    if (out_len < n_samples || hdnet__mul(n_samples, n_units, &all))
        return hdnet__error(HDNET_ESHAPE, "hdnet_bump: outputs hold %zu of %zu samples", out_len, n_samples);
    for (size_t k = 0; k < n_selected; k++)
        if (units[k] < 0 || (size_t)units[k] >= n_units || !isfinite(phi[units[k]]))
            return hdnet__error(HDNET_ERANGE, "hdnet_bump: unit %d is outside [0, %zu) or has no heading",
                                units[k], n_units);
    const double deg = 180.0 / HDNET__PI;
    for (size_t i = 0; i < n_samples; i++) {
        const float *r = rates + i * n_units;
        double sx = 0, sy = 0;
        for (size_t k = 0; k < n_selected; k++) {
            double v = r[units[k]];
            sx += v * cos(phi[units[k]] / deg);
            sy += v * sin(phi[units[k]] / deg);
        }
        sx /= (double)n_selected;
        sy /= (double)n_selected;
        if (strength)
            strength[i] = sqrt(sx * sx + sy * sy);
        if (position)
            position[i] = atan2(sy, sx) * deg;
    }
    return HDNET_OK;
}
