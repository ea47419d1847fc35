/* Behaviour of the bump under controlled input: the gain curve (decoded speed
 * against constant input angular velocity) and the largest speed integrated
 * within an error. */
#include "attractor/attractor_priv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define DEG2RAD (3.14159265358979323846 / 180.0)
#define RAD2DEG (180.0 / 3.14159265358979323846)

/* Shared checks of the behaviour experiments: inputs (av, sin, cos), outputs (sin, cos). */
int hdnet__behaviour_check(const hdnet_net *net, size_t n_trials, size_t n_steps, size_t min_steps)
{
    if (!n_trials || !n_steps)
        return hdnet__error(HDNET_EINVAL, "n_trials and n_steps must be > 0");
    if (net->ni < 3 || net->no < 2)
        return hdnet__error(HDNET_ESHAPE, "needs inputs (av, sin, cos) and outputs (sin, cos); the network "
                            "has %zu inputs and %zu outputs", net->ni, net->no);
    if (n_steps < min_steps)
        return hdnet__error(HDNET_ESHAPE, "n_steps = %zu, at least %zu needed", n_steps, min_steps);
    return HDNET_OK;
}

/* Task-like inputs [n_trials][n_steps][ni]: the heading theta0 (radians) shown for
 * the first cue steps with av = 0, then av = omega_rad and no cue. */
void hdnet__cue_inputs(size_t ni, size_t n_steps, size_t cue, const double *theta0, double omega_rad,
                       size_t n_trials, float *x)
{
    for (size_t b = 0; b < n_trials; b++)
        for (size_t t = 0; t < n_steps; t++) {
            float *xt = x + (b * n_steps + t) * ni;
            for (size_t k = 0; k < ni; k++)
                xt[k] = 0.0f;
            if (t < cue) {
                xt[1] = (float)sin(theta0[b]);
                xt[2] = (float)cos(theta0[b]);
            } else {
                xt[0] = (float)omega_rad;
            }
        }
}

/* Decoded heading of one trial's outputs [n_steps][no], unwrapped, degrees. */
void hdnet__decode_unwrapped(const float *y, size_t no, size_t n_steps, double *h)
{
    double prev = 0;
    for (size_t t = 0; t < n_steps; t++) {
        double v = atan2((double)y[t * no], (double)y[t * no + 1]) * RAD2DEG;
        if (t > 0)
            v += 360.0 * round((prev - v) / 360.0);
        h[t] = prev = v;
    }
}

double hdnet__ls_slope(const double *h, size_t t0, size_t t1)
{
    double m = (double)(t1 - t0), st = 0, sh = 0, stt = 0, sth = 0;
    for (size_t t = t0; t < t1; t++) {
        st += (double)t;
        sh += h[t];
    }
    st /= m;
    sh /= m;
    for (size_t t = t0; t < t1; t++) {
        stt += ((double)t - st) * ((double)t - st);
        sth += ((double)t - st) * (h[t] - sh);
    }
    return sth / stt;
}

int hdnet_attractor_gain(const hdnet_net *net, const double *omega, size_t n_omega, size_t n_trials,
                         size_t n_steps, size_t settle, uint64_t seed, double *speed, size_t speed_len,
                         double *speed_sd, size_t sd_len)
{
    if (!net || !omega || !speed)
        return hdnet__error(HDNET_EINVAL, "net, omega or speed is NULL");
    if (!n_omega)
        return hdnet__error(HDNET_EINVAL, "n_omega is 0");
    size_t cue = (size_t)hdnet__cfg(net->cfg, HDNET_P_CUE);
    int rc = hdnet__behaviour_check(net, n_trials, n_steps, cue + settle + 2);
    if (rc != HDNET_OK)
        return rc;
    if (speed_len != n_omega || (speed_sd && sd_len != n_omega))
        return hdnet__error(HDNET_ESHAPE, "speed and speed_sd need %zu values", n_omega);
    for (size_t i = 0; i < n_omega; i++)
        if (!isfinite(omega[i]))
            return hdnet__error(HDNET_ERANGE, "omega[%zu] is not finite", i);
    size_t ni = net->ni, no = net->no, bt, len_x, len_y;
    if (hdnet__mul(n_trials, n_steps, &bt) || hdnet__mul(bt, ni, &len_x) || hdnet__mul(bt, no, &len_y) ||
        bt > SIZE_MAX / sizeof(double))
        return hdnet__error(HDNET_ESHAPE, "sizes overflow");
    float *x = malloc(len_x * sizeof *x), *y = malloc(len_y * sizeof *y);
    double *th0 = malloc(n_trials * sizeof *th0), *h = malloc(n_steps * sizeof *h);
    hdnet_rng *rng = NULL;
    if (!x || !y || !th0 || !h) {
        rc = hdnet__error(HDNET_ENOMEM, "gain buffers");
        goto done;
    }
    if ((rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, seed)) != HDNET_OK ||
        (rc = hdnet_rng_uniform(rng, th0, n_trials)) != HDNET_OK)
        goto done;
    for (size_t b = 0; b < n_trials; b++)
        th0[b] *= 360.0 * DEG2RAD;
    for (size_t i = 0; i < n_omega; i++) {
        hdnet__cue_inputs(ni, n_steps, cue, th0, omega[i] * DEG2RAD, n_trials, x);
        rc = hdnet_net_forward(net, n_trials, n_steps, x, len_x, NULL, 0, NULL, NULL, 0, y, len_y, NULL, 0);
        if (rc != HDNET_OK)
            goto done;
        double s1 = 0, s2 = 0;
        for (size_t b = 0; b < n_trials; b++) {
            hdnet__decode_unwrapped(y + b * n_steps * no, no, n_steps, h);
            double v = hdnet__ls_slope(h, cue + settle, n_steps);
            s1 += v;
            s2 += v * v;
        }
        double mean = s1 / (double)n_trials;
        speed[i] = mean;
        if (speed_sd)
            speed_sd[i] = n_trials > 1 ? sqrt(fmax(0, (s2 - s1 * mean) / (double)(n_trials - 1))) : 0.0;
    }
done:
    hdnet_rng_free(rng);
    free(x);
    free(y);
    free(th0);
    free(h);
    return rc;
}

int hdnet_gain_limit(const double *omega, const double *speed, size_t n, double rel_err, double *limit)
{
    if (!omega || !speed || !limit)
        return hdnet__error(HDNET_EINVAL, "omega, speed or limit is NULL");
    if (!(rel_err >= 0) || !isfinite(rel_err))
        return hdnet__error(HDNET_ERANGE, "rel_err = %g must be finite and >= 0", rel_err);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(omega[i]) || !isfinite(speed[i]))
            return hdnet__error(HDNET_ERANGE, "pair %zu is not finite", i);
    /* the smallest |omega| not yet passed whose ratio fails bounds the limit */
    double fail = INFINITY, best = 0;
    for (size_t i = 0; i < n; i++)
        if (omega[i] != 0 && fabs(speed[i] / omega[i] - 1) > rel_err)
            fail = fmin(fail, fabs(omega[i]));
    for (size_t i = 0; i < n; i++)
        if (omega[i] != 0 && fabs(omega[i]) < fail)
            best = fmax(best, fabs(omega[i]));
    *limit = best;
    return HDNET_OK;
}
