/* Diffusion of the bump at zero input: heading variance against time under
 * rate noise, measured against the noise-free run from the same start. */
#include "attractor/attractor_priv.h"

#include <math.h>
#include <stdlib.h>

#define DEG2RAD (3.14159265358979323846 / 180.0)
/* trials per forward call: bounds the noise array to CHUNK*T*N floats */
#define CHUNK 16

int hdnet_attractor_diffusion(const hdnet_net *net, const double *noise_sd, size_t n_levels, size_t n_trials,
                              size_t n_steps, uint64_t seed, double *var, size_t var_len, double *coef,
                              size_t coef_len)
{
    if (!net || !noise_sd || !var)
        return hdnet__error(HDNET_EINVAL, "net, noise_sd or var is NULL");
    if (!n_levels)
        return hdnet__error(HDNET_EINVAL, "n_levels is 0");
    size_t cue = (size_t)hdnet__cfg(net->cfg, HDNET_P_CUE);
    int rc = hdnet__behaviour_check(net, n_trials, n_steps, cue + 2);
    if (rc != HDNET_OK)
        return rc;
    size_t want;
    if (hdnet__mul(n_levels, n_steps, &want) || var_len != want || (coef && coef_len != n_levels))
        return hdnet__error(HDNET_ESHAPE, "var needs %zu x %zu values, coef %zu", n_levels, n_steps, n_levels);
    for (size_t l = 0; l < n_levels; l++)
        if (!isfinite(noise_sd[l]) || noise_sd[l] < 0)
            return hdnet__error(HDNET_ERANGE, "noise_sd[%zu] = %g must be finite and >= 0", l, noise_sd[l]);
    size_t n = net->n, ni = net->ni, no = net->no, ct, len_x, len_y, len_z;
    if (hdnet__mul(CHUNK, n_steps, &ct) || hdnet__mul(ct, ni, &len_x) || hdnet__mul(ct, no, &len_y) ||
        hdnet__mul(ct, n, &len_z))
        return hdnet__error(HDNET_ESHAPE, "sizes overflow");
    float *x = malloc(len_x * sizeof *x), *y0 = malloc(len_y * sizeof *y0), *y1 = malloc(len_y * sizeof *y1);
    float *z = malloc(len_z * sizeof *z);
    double *g = malloc(len_z * sizeof *g), *th0 = malloc(CHUNK * sizeof *th0);
    double *h0 = malloc(2 * n_steps * sizeof *h0), *h1 = h0 ? h0 + n_steps : NULL;
    hdnet_rng *rng = NULL;
    if (!x || !y0 || !y1 || !z || !g || !th0 || !h0) {
        rc = hdnet__error(HDNET_ENOMEM, "diffusion buffers");
        goto done;
    }
    if ((rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, seed)) != HDNET_OK)
        goto done;
    for (size_t i = 0; i < want; i++)
        var[i] = 0;
    for (size_t l = 0; l < n_levels; l++) {
        double *vl = var + l * n_steps;
        for (size_t b0 = 0; b0 < n_trials; b0 += CHUNK) {
            size_t nb = n_trials - b0 < CHUNK ? n_trials - b0 : CHUNK;
            if ((rc = hdnet_rng_uniform(rng, th0, nb)) != HDNET_OK ||
                (rc = hdnet_rng_normal(rng, g, nb * n_steps * n)) != HDNET_OK)
                goto done;
            for (size_t b = 0; b < nb; b++)
                th0[b] *= 360.0 * DEG2RAD;
            for (size_t i = 0; i < nb * n_steps * n; i++)
                z[i] = (float)(noise_sd[l] * g[i]);
            hdnet__cue_inputs(ni, n_steps, cue, th0, 0.0, nb, x);
            size_t lx = nb * n_steps * ni, ly = nb * n_steps * no, lz = nb * n_steps * n;
            if ((rc = hdnet_net_forward(net, nb, n_steps, x, lx, NULL, 0, NULL, NULL, 0, y0, ly, NULL, 0)) !=
                    HDNET_OK ||
                (rc = hdnet_net_forward(net, nb, n_steps, x, lx, z, lz, NULL, NULL, 0, y1, ly, NULL, 0)) != HDNET_OK)
                goto done;
            for (size_t b = 0; b < nb; b++) {
                hdnet__decode_unwrapped(y0 + b * n_steps * no, no, n_steps, h0);
                hdnet__decode_unwrapped(y1 + b * n_steps * no, no, n_steps, h1);
                for (size_t t = 0; t < n_steps; t++) {
                    double dv = h1[t] - h0[t];
                    dv -= 360.0 * round(dv / 360.0); /* wrapped to [-180, 180] */
                    vl[t] += dv * dv / (double)n_trials;
                }
            }
        }
        if (coef)
            coef[l] = 0.5 * hdnet__ls_slope(vl, cue, n_steps);
    }
done:
    hdnet_rng_free(rng);
    free(x);
    free(y0);
    free(y1);
    free(z);
    free(g);
    free(th0);
    free(h0);
    return rc;
}
