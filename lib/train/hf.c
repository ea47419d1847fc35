/* The Hessian-free update (Martens & Sutskever 2011, as the paper trained;
 * docs/training.md, "Hessian-free"): damped Gauss-Newton curvature with
 * structural damping, conjugate gradient with Martens' stopping rule, CG
 * backtracking, an Armijo line search and Levenberg-Marquardt adaptation of
 * lambda_W, which is both the L2 penalty on W_in and W_out and the damping. */
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "train/hf_priv.h"
#include "train/hf_state.h"

#include <math.h>
#include <string.h>

enum { V_GRAD, V_DIR, V_PREV, V_CAND, V_WORK };
#define V_KEEP (V_WORK + 3)

static float *vec(hdnet__hf *hf, int k)
{
    return hf->vec + (size_t)k * hf->np;
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

double hdnet__hf_lambda(const hdnet__hf *hf)
{
    return hf ? hf->lambda_w : NAN;
}

size_t hdnet__hf_cg_iterations(const hdnet__hf *hf)
{
    return hf ? hf->cg_last : 0;
}

/* ---- conjugate gradient ---- */

/* 1 if i = ceil(5 * 1.3^j) for some j >= 0. */
static int kept_iteration(size_t i)
{
    double v = 5.0;
    while (ceil(v) < (double)i)
        v *= 1.3;
    return (size_t)ceil(v) == i;
}

static void keep_iterate(const float *d, size_t n, size_t i, double phi, float **keep, size_t cap,
                         size_t *keep_iter, double *keep_phi, size_t *n_keep)
{
    size_t k = *n_keep;
    if (k > 0 && keep_iter[k - 1] == i)
        return;
    if (k == cap) /* full: the newest replaces the last slot */
        k--;
    memcpy(keep[k], d, n * sizeof *d);
    keep_iter[k] = i;
    keep_phi[k] = phi;
    *n_keep = k + 1;
}

size_t hdnet__hf_cg(hdnet__hf_apply apply, void *ctx, size_t n, const float *b, float *d,
                    size_t max_iter, float **keep, size_t keep_cap, size_t *keep_iter,
                    double *keep_phi, size_t *n_keep, float *work)
{
    float *r = work, *p = work + n, *ap = work + 2 * n;
    double phi[1001];
    if (max_iter > 1000)
        max_iter = 1000;
    *n_keep = 0;
    apply(ctx, d, ap);
    for (size_t k = 0; k < n; k++) {
        r[k] = b[k] - ap[k];
        p[k] = r[k];
    }
    double rr = dot(r, r, n);
    /* phi(d) = d'Ad/2 - b'd = -(b'd + r'd)/2 with r = b - Ad */
    phi[0] = -0.5 * (dot(b, d, n) + dot(r, d, n));
    size_t i = 0;
    while (i < max_iter && rr > 0) {
        apply(ctx, p, ap);
        const double pap = dot(p, ap, n);
        if (!(pap > 0)) /* no positive curvature along p: keep what we have */
            break;
        const double a = rr / pap;
        for (size_t k = 0; k < n; k++) {
            d[k] += (float)(a * p[k]);
            r[k] -= (float)(a * ap[k]);
        }
        const double rr_new = dot(r, r, n);
        for (size_t k = 0; k < n; k++)
            p[k] = r[k] + (float)(rr_new / rr) * p[k];
        rr = rr_new;
        i++;
        phi[i] = -0.5 * (dot(b, d, n) + dot(r, d, n));
        if (kept_iteration(i))
            keep_iterate(d, n, i, phi[i], keep, keep_cap, keep_iter, keep_phi, n_keep);
        /* Martens (2010): stop when phi improved by less than 5e-4 per iteration,
         * relatively, over the last k = max(10, 0.1 i) iterations */
        const size_t k = i / 10 > 10 ? (i + 9) / 10 : 10;
        if (i > k && phi[i - k] < 0 && (phi[i] - phi[i - k]) / phi[i] < 5e-4 * (double)k)
            break;
    }
    keep_iterate(d, n, i, phi[i], keep, keep_cap, keep_iter, keep_phi, n_keep);
    return i;
}

/* ---- one update ---- */

typedef struct {
    hdnet__hf *hf;
    const hdnet_net *net;
    double rate_l2, lambda_sd, damping;
} gv_ctx;

static void apply_gv(void *ctx, const float *v, float *out)
{
    gv_ctx *g = ctx;
    hdnet__hf_gv(g->hf, g->net, g->rate_l2, g->lambda_sd, g->damping, v, out);
}

typedef struct {
    size_t B;
    const float *x, *y, *m;
    double rate_l2;
} batch;

/* Objective at params + r * d on the update's batch and noise (forward only). */
static int objective(hdnet__hf *hf, const hdnet_net *net, const batch *bt, const float *d, double r,
                     double *e)
{
    float *p = hdnet__net_params(hf->probe);
    const float *p0 = hdnet__net_params_const(net);
    for (size_t k = 0; k < hf->np; k++)
        p[k] = p0[k] + (float)(r * d[k]);
    hdnet__net_enforce(hf->probe);
    double loss[HDNET_NLOSS];
    int rc = hdnet__hf_loss_grad(hf, hf->probe, bt->B, bt->x, bt->y, bt->m, hf->noise, bt->rate_l2,
                                 loss, NULL);
    if (rc == HDNET_EDIVERGED) {
        *e = INFINITY;
        return HDNET_OK;
    }
    *e = loss[HDNET_LOSS_TOTAL];
    return rc;
}

/* MATLAB's adaptive weight penalty: x2/3 when E_W >= E_main/6, x3/2 when
 * E_W <= E_main/1000 (E_W: the penalty on W_in and W_out alone). */
static void adapt_weight_penalty(hdnet__hf *hf, double e_w, double e_main)
{
    if (e_w >= e_main / 6.0)
        hf->lambda_w *= 2.0 / 3.0;
    else if (e_w <= e_main / 1000.0)
        hf->lambda_w *= 1.5;
}

/* CG start: 0 at first, the scaled gradient every `restart` updates, else the
 * decayed previous direction. */
static void start_direction(hdnet__hf *hf, const float *g, float *d)
{
    const size_t np = hf->np;
    const float *prev = vec(hf, V_PREV);
    if (!hf->have_prev) {
        memset(d, 0, np * sizeof *d);
    } else if (hf->restart && hf->updates % hf->restart == 0) {
        double gn = sqrt(dot(g, g, np)), dn = sqrt(dot(prev, prev, np));
        double s = gn > 0 ? -hf->restart_scale * dn / gn : 0.0;
        for (size_t k = 0; k < np; k++)
            d[k] = (float)(s * g[k]);
    } else {
        for (size_t k = 0; k < np; k++)
            d[k] = 0.95f * prev[k];
    }
}

/* The rate noise of B trials into hf->noise (zeros when the net has none),
 * after checking B against the workspace. */
static int draw_noise(hdnet__hf *hf, const hdnet_net *net, size_t B, hdnet_rng *noise_rng)
{
    if (B > hf->maxb)
        return hdnet__error(HDNET_ESHAPE, "%zu trials > %zu", B, hf->maxb);
    if (net->rate_noise > 0)
        hdnet__rng_fill_normal_f32(noise_rng, hf->noise, B * hf->T * hf->n, (float)net->rate_noise);
    else
        memset(hf->noise, 0, B * hf->T * hf->n * sizeof *hf->noise);
    return HDNET_OK;
}

int hdnet__hf_update(hdnet__hf *hf, hdnet_net *net, size_t B, const float *x, const float *y,
                     const float *m, hdnet_rng *noise_rng, double rate_l2, double *loss,
                     double *grad_norm, double *clip_factor, double *rate)
{
    const size_t np = hf->np;
    const batch bt = {B, x, y, m, rate_l2};
    float *g = vec(hf, V_GRAD), *d = vec(hf, V_DIR);
    /* the update's noise, the same for every evaluation within it */
    int rc = draw_noise(hf, net, B, noise_rng);
    if (rc)
        return rc;
    rc = hdnet__hf_loss_grad(hf, net, B, x, y, m, hf->noise, rate_l2, loss, g);
    if (rc)
        return rc;
    const double net_lambda = hf->lambda_w;
    /* the weight term = the adaptive penalty on W_in, W_out + the fixed W_rec decay */
    const double e_rec = hdnet__hf_wrec_decay(net, net->params);
    const double e_w = loss[HDNET_LOSS_WEIGHT] - e_rec;
    adapt_weight_penalty(hf, e_w, loss[HDNET_LOSS_MAIN]);
    const double nreg = (double)(net->rows[HDNET_W_IN] * net->cols[HDNET_W_IN] +
                                 net->rows[HDNET_W_OUT] * net->cols[HDNET_W_OUT]);
    /* clip the gradient norm */
    const double gn = sqrt(dot(g, g, np));
    double f = hf->clip > 0 && gn > 0 ? hf->clip / (gn + 1e-6) : 1.0;
    if (f > 1.0)
        f = 1.0;
    if (f < 1.0)
        for (size_t k = 0; k < np; k++)
            g[k] = (float)(g[k] * f);
    *grad_norm = gn;
    *clip_factor = f;

    start_direction(hf, g, d);
    float *b = vec(hf, V_CAND);
    for (size_t k = 0; k < np; k++)
        b[k] = -g[k];
    gv_ctx ctx = {hf, net, rate_l2, hf->mu * hf->lambda_w, 2.0 * hf->lambda_w / nreg};
    float *keep[HF_KEEP];
    size_t keep_iter[HF_KEEP], n_keep;
    double keep_phi[HF_KEEP];
    for (int k = 0; k < HF_KEEP; k++)
        keep[k] = vec(hf, V_KEEP + k);
    hf->cg_last = hdnet__hf_cg(apply_gv, &ctx, np, b, d, hf->cg_max, keep, HF_KEEP, keep_iter,
                               keep_phi, &n_keep, vec(hf, V_WORK));
    for (size_t k = 0; k < n_keep; k++)
        hdnet__hf_mask(net, keep[k]);
    hdnet__hf_mask(net, d);
    memcpy(vec(hf, V_PREV), d, np * sizeof *d);
    hf->have_prev = 1;

    /* the objective at theta under this update's lambda_W (only the penalty term changed) */
    const double e_old = loss[HDNET_LOSS_MAIN] + loss[HDNET_LOSS_RATE] + e_rec +
                         e_w * hf->lambda_w / net_lambda;
    /* CG backtracking: from the last kept iterate back while the earlier one is better */
    size_t best = n_keep - 1;
    double e_best;
    rc = objective(hf, net, &bt, keep[best], 1.0, &e_best);
    while (!rc && best > 0) {
        double e;
        rc = objective(hf, net, &bt, keep[best - 1], 1.0, &e);
        if (rc || !(e < e_best))
            break;
        best--;
        e_best = e;
    }
    if (rc)
        return rc;
    const float *dd = keep[best];
    /* reduction ratio against the quadratic model phi(d) = d'Gd/2 + g'd */
    const double gd = dot(g, dd, np);
    const double rho = e_best > e_old ? -INFINITY : (e_best - e_old) / keep_phi[best];
    /* Armijo line search */
    double r = 1.0, e = e_best;
    int ok = e <= e_old + 1e-2 * r * gd;
    for (int it = 0; !ok && it < 60; it++) {
        r *= 0.8;
        rc = objective(hf, net, &bt, dd, r, &e);
        if (rc)
            return rc;
        ok = e <= e_old + 1e-2 * r * gd;
    }
    if (!ok)
        r = 0.0;
    /* Levenberg-Marquardt */
    if (rho > 0.75)
        hf->lambda_w *= 2.0 / 3.0;
    else if (rho < 0.25)
        hf->lambda_w *= 1.5;
    if (r > 0) {
        float *p = hdnet__net_params(net);
        for (size_t k = 0; k < np; k++)
            p[k] += (float)(r * dd[k]);
        hdnet__net_enforce(net);
    }
    *rate = r;
    hf->updates++;
    return HDNET_OK;
}

int hdnet__hf_loss(hdnet__hf *hf, const hdnet_net *net, size_t B, const float *x, const float *y,
                   const float *m, hdnet_rng *noise_rng, double rate_l2, double *loss)
{
    int rc = draw_noise(hf, net, B, noise_rng);
    if (rc)
        return rc;
    return hdnet__hf_loss_grad(hf, net, B, x, y, m, hf->noise, rate_l2, loss, NULL);
}
