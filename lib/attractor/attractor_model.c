/* The network as a vector field in double: F(a, x), its Jacobian, the decoded
 * heading and its velocity, and noise-free state trajectories (attractor.h). */
#include "attractor/attractor_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RAD2DEG (180.0 / 3.14159265358979323846)

static double *dup_block(const hdnet_net *net, int which, size_t len)
{
    double *out = malloc((len ? len : 1) * sizeof *out);
    if (!out)
        return NULL;
    const float *src = hdnet__net_params_const(net) + net->off[which];
    for (size_t i = 0; i < len; i++)
        out[i] = src[i];
    return out;
}

int hdnet__dyn_init(hdnet__dyn *d, const hdnet_net *net)
{
    memset(d, 0, sizeof *d);
    d->n = net->n;
    d->ni = net->ni;
    d->no = net->no;
    d->act = net->act;
    d->kink = net->kink;
    d->slope = net->slope;
    d->w = dup_block(net, HDNET_W_REC, net->n * net->n);
    d->win = dup_block(net, HDNET_W_IN, net->n * net->ni);
    d->b = dup_block(net, HDNET_B_REC, net->n);
    d->wout = dup_block(net, HDNET_W_OUT, net->no * net->n);
    d->bout = dup_block(net, HDNET_B_OUT, net->no);
    d->alpha = malloc(net->n * sizeof *d->alpha);
    if (!d->w || !d->win || !d->b || !d->wout || !d->bout || !d->alpha) {
        hdnet__dyn_free(d);
        return hdnet__error(HDNET_ENOMEM, "double copy of the network");
    }
    /* alpha in double from tau (the float alpha of the kernels is its rounding) */
    double dt = hdnet__cfg(net->cfg, HDNET_P_DT);
    for (size_t i = 0; i < net->n; i++)
        d->alpha[i] = dt / net->tau[i];
    return HDNET_OK;
}

void hdnet__dyn_free(hdnet__dyn *d)
{
    free(d->w);
    free(d->win);
    free(d->b);
    free(d->wout);
    free(d->bout);
    free(d->alpha);
    memset(d, 0, sizeof *d);
}

void hdnet__dyn_drive(const hdnet__dyn *d, const double *x, double *c)
{
    for (size_t i = 0; i < d->n; i++) {
        double s = d->b[i];
        if (x)
            for (size_t k = 0; k < d->ni; k++)
                s += d->win[i * d->ni + k] * x[k];
        c[i] = s;
    }
}

double hdnet__dyn_field(const hdnet__dyn *d, const double *a, const double *c, double *r, double *fp,
                        double *f)
{
    size_t n = d->n;
    for (size_t j = 0; j < n; j++) {
        r[j] = hdnet__act_f(d->act, d->slope, a[j]);
        if (fp)
            fp[j] = hdnet__act_df(d->act, d->slope, d->kink, a[j]);
    }
    double q = 0;
    for (size_t i = 0; i < n; i++) {
        const double *wi = d->w + i * n;
        double s = c[i] - a[i];
        for (size_t j = 0; j < n; j++)
            s += wi[j] * r[j];
        f[i] = d->alpha[i] * s;
        q += f[i] * f[i];
    }
    return 0.5 * q;
}

void hdnet__dyn_jacobian(const hdnet__dyn *d, const double *fp, double *jac)
{
    size_t n = d->n;
    for (size_t i = 0; i < n; i++) {
        const double *wi = d->w + i * n;
        double *ji = jac + i * n;
        for (size_t j = 0; j < n; j++)
            ji[j] = d->alpha[i] * wi[j] * fp[j];
        ji[i] -= d->alpha[i];
    }
}

double hdnet__heading_deg(double y_sin, double y_cos)
{
    if (!(y_sin != 0 || y_cos != 0) || !isfinite(y_sin) || !isfinite(y_cos))
        return NAN;
    double h = atan2(y_sin, y_cos) * RAD2DEG;
    if (h < 0)
        h += 360.0;
    return h >= 360.0 ? 0.0 : h;
}

double hdnet__dyn_heading(const hdnet__dyn *d, const double *r, const double *fp, const double *f,
                          double *velocity)
{
    double y[2], dy[2];
    for (size_t o = 0; o < 2; o++) {
        const double *wo = d->wout + o * d->n;
        double s = d->bout[o], ds = 0;
        for (size_t j = 0; j < d->n; j++) {
            s += wo[j] * r[j];
            ds += wo[j] * fp[j] * f[j];
        }
        y[o] = s;
        dy[o] = ds;
    }
    double r2 = y[0] * y[0] + y[1] * y[1];
    if (velocity)
        *velocity = r2 > 0 ? (y[1] * dy[0] - y[0] * dy[1]) / r2 * RAD2DEG : NAN;
    return hdnet__heading_deg(y[0], y[1]);
}

/* ---- public entry points ---- */

static int check_vec(const double *v, size_t len, size_t want, const char *what)
{
    if (len != want)
        return hdnet__error(HDNET_ESHAPE, "%s has %zu values, expected %zu", what, len, want);
    for (size_t i = 0; i < len; i++)
        if (!isfinite(v[i]))
            return hdnet__error(HDNET_ERANGE, "%s[%zu] is not finite", what, i);
    return HDNET_OK;
}

/* Validate (net, a, x), set up the double model and evaluate F at a:
 * w = [r | fp | f | c], 4N doubles, owned by the caller on success. */
static int eval_at(const hdnet_net *net, const double *a, size_t a_len, const double *x, size_t x_len,
                   hdnet__dyn *d, double **w)
{
    if (!net || !a)
        return hdnet__error(HDNET_EINVAL, "net or a is NULL");
    int rc = check_vec(a, a_len, net->n, "a");
    if (rc == HDNET_OK && x)
        rc = check_vec(x, x_len, net->ni, "x");
    if (rc != HDNET_OK)
        return rc;
    if ((rc = hdnet__dyn_init(d, net)) != HDNET_OK)
        return rc;
    *w = malloc(4 * net->n * sizeof **w);
    if (!*w) {
        hdnet__dyn_free(d);
        return hdnet__error(HDNET_ENOMEM, "workspace");
    }
    double *r = *w, *fp = r + net->n, *f = fp + net->n, *c = f + net->n;
    hdnet__dyn_drive(d, x, c);
    hdnet__dyn_field(d, a, c, r, fp, f);
    return HDNET_OK;
}

int hdnet_attractor_field(const hdnet_net *net, const double *a, size_t a_len, const double *x, size_t x_len,
                          double *f, size_t f_len)
{
    if (!f)
        return hdnet__error(HDNET_EINVAL, "f is NULL");
    if (net && f_len != net->n)
        return hdnet__error(HDNET_ESHAPE, "f has %zu values, expected %zu", f_len, net->n);
    hdnet__dyn d;
    double *w = NULL;
    int rc = eval_at(net, a, a_len, x, x_len, &d, &w);
    if (rc != HDNET_OK)
        return rc;
    memcpy(f, w + 2 * net->n, net->n * sizeof *f);
    free(w);
    hdnet__dyn_free(&d);
    return HDNET_OK;
}

int hdnet_attractor_jacobian(const hdnet_net *net, const double *a, size_t a_len, double *jac, size_t jac_len)
{
    if (!jac)
        return hdnet__error(HDNET_EINVAL, "jac is NULL");
    if (net && jac_len != net->n * net->n)
        return hdnet__error(HDNET_ESHAPE, "jac has %zu values, expected %zu", jac_len, net->n * net->n);
    hdnet__dyn d;
    double *w = NULL;
    int rc = eval_at(net, a, a_len, NULL, 0, &d, &w);
    if (rc != HDNET_OK)
        return rc;
    hdnet__dyn_jacobian(&d, w + net->n, jac);
    free(w);
    hdnet__dyn_free(&d);
    return HDNET_OK;
}

int hdnet_attractor_leading_mode(const hdnet_net *net, const double *a, size_t a_len, double *re, double *im,
                                 double *vec, size_t vec_len)
{
    if (!re)
        return hdnet__error(HDNET_EINVAL, "re is NULL");
    if (net && vec && vec_len != net->n)
        return hdnet__error(HDNET_ESHAPE, "vec has %zu values, expected %zu", vec_len, net->n);
    hdnet__dyn d;
    double *w = NULL;
    int rc = eval_at(net, a, a_len, NULL, 0, &d, &w);
    if (rc != HDNET_OK)
        return rc;
    size_t n = net->n;
    double *jac = malloc((2 * n * n + 2 * n) * sizeof *jac), *vr = jac ? jac + n * n : NULL;
    double *wr = vr ? vr + n * n : NULL, *wi = wr ? wr + n : NULL;
    if (!jac) {
        rc = hdnet__error(HDNET_ENOMEM, "eigen workspace");
        goto done;
    }
    hdnet__dyn_jacobian(&d, w + n, jac);
    if (hdnet__dgeev_right((int)n, jac, wr, wi, vr) != 0) {
        rc = hdnet__error(HDNET_EDIVERGED, "eigen-decomposition of the Jacobian failed");
        goto done;
    }
    size_t k = 0; /* the largest real part; of a pair, its first member (positive imaginary part) */
    for (size_t j = 1; j < n; j++)
        if (wr[j] > wr[k])
            k = j;
    *re = wr[k];
    if (im)
        *im = fabs(wi[k]);
    if (vec) {
        if (wi[k] < 0) /* the second member of a pair: its real part is column k - 1 */
            k--;
        double norm = 0, big = 0;
        for (size_t i = 0; i < n; i++) {
            vec[i] = vr[i * n + k];
            norm += vec[i] * vec[i];
            if (fabs(vec[i]) > fabs(big))
                big = vec[i];
        }
        norm = sqrt(norm) * (big < 0 ? -1 : 1);
        for (size_t i = 0; i < n; i++)
            vec[i] /= norm;
    }
done:
    free(jac);
    free(w);
    hdnet__dyn_free(&d);
    return rc;
}

int hdnet_attractor_heading(const hdnet_net *net, const double *a, size_t a_len, const double *x, size_t x_len,
                            double *heading, double *velocity)
{
    if (net && net->no < 2)
        return hdnet__error(HDNET_ESHAPE, "the decoded heading needs 2 outputs, the network has %zu", net->no);
    hdnet__dyn d;
    double *w = NULL;
    int rc = eval_at(net, a, a_len, x, x_len, &d, &w);
    if (rc != HDNET_OK)
        return rc;
    double v = 0, h = hdnet__dyn_heading(&d, w, w + net->n, w + 2 * net->n, &v);
    if (heading)
        *heading = h;
    if (velocity)
        *velocity = v;
    free(w);
    hdnet__dyn_free(&d);
    return HDNET_OK;
}

int hdnet_attractor_states(const hdnet_net *net, size_t n_trials, size_t n_steps, const float *inputs,
                           size_t inputs_len, const double *a_init, size_t a_init_len, double *states,
                           size_t states_len)
{
    if (!net || !inputs || !states)
        return hdnet__error(HDNET_EINVAL, "net, inputs or states is NULL");
    if (!n_trials || !n_steps)
        return hdnet__error(HDNET_EINVAL, "n_trials and n_steps must be > 0");
    size_t n = net->n, ni = net->ni, bt, want_x, want_s;
    if (hdnet__mul(n_trials, n_steps, &bt) || hdnet__mul(bt, ni, &want_x) || hdnet__mul(bt, n, &want_s))
        return hdnet__error(HDNET_ESHAPE, "sizes overflow");
    if (inputs_len != want_x || states_len != want_s)
        return hdnet__error(HDNET_ESHAPE, "inputs %zu (expected %zu) or states %zu (expected %zu)", inputs_len,
                            want_x, states_len, want_s);
    if (a_init) {
        int rc = check_vec(a_init, a_init_len, n_trials * n, "a_init");
        if (rc != HDNET_OK)
            return rc;
    }
    for (size_t i = 0; i < want_x; i++)
        if (!isfinite(inputs[i]))
            return hdnet__error(HDNET_ERANGE, "inputs[%zu] is not finite", i);
    hdnet__dyn d;
    int rc = hdnet__dyn_init(&d, net);
    if (rc != HDNET_OK)
        return rc;
    double *w = malloc((4 * n + ni) * sizeof *w);
    if (!w) {
        hdnet__dyn_free(&d);
        return hdnet__error(HDNET_ENOMEM, "workspace");
    }
    double *a = w, *r = a + n, *f = r + n, *c = f + n, *x = c + n;
    const float *a0 = hdnet__net_params_const(net) + net->off[HDNET_A0];
    for (size_t b = 0; b < n_trials && rc == HDNET_OK; b++) {
        for (size_t i = 0; i < n; i++)
            a[i] = a_init ? a_init[b * n + i] : (double)a0[i];
        for (size_t t = 0; t < n_steps; t++) {
            const float *xt = inputs + (b * n_steps + t) * ni;
            for (size_t k = 0; k < ni; k++)
                x[k] = xt[k];
            hdnet__dyn_drive(&d, x, c);
            hdnet__dyn_field(&d, a, c, r, NULL, f);
            double *st = states + (b * n_steps + t) * n, sum = 0;
            for (size_t i = 0; i < n; i++) {
                a[i] += f[i];
                st[i] = a[i];
                sum += a[i];
            }
            if (!isfinite(sum)) {
                rc = hdnet__error(HDNET_EDIVERGED, "state of trial %zu is not finite at step %zu", b, t);
                break;
            }
        }
    }
    free(w);
    hdnet__dyn_free(&d);
    return rc;
}
