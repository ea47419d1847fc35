/* The Hessian-free optimiser's passes (docs/training.md, "Hessian-free"):
 * a forward pass that keeps the whole trajectory, the backward pass of the
 * gradient, and the Gauss-Newton-vector product by a forward R-pass (the
 * directional derivative of the trajectory along v) followed by the same
 * backward pass with the curvature's injections.
 *
 * Every array is time-major, one B x N matrix per step, so that each step is
 * one SGEMM and every block sum one SGEMM over all B*T rows:
 *   H  [T+1][B][N]  slot 0 = h[-1] = f(a0), slot t+1 = h_t (noisy)
 *   D  [T+1][B][N]  f'(a) of the same slots (noise-free, as the gradient needs)
 *   X  [T][B][I]    the inputs
 *   E  [T][B][O]    Ey_t = 2c M (y - yhat), or 2c M Ry_t in the R-pass
 *   Dt [T][B][N]    Delta~_t = alpha Delta_t of the backward pass
 *   R  [T][B][N]    Rh_t of the R-pass
 * The stored H and D are those of the last hdnet__hf_loss_grad() call, so the
 * Gauss-Newton products of one update all linearise around its parameters. */
#include "core/internal.h"
#include "model/net_priv.h"
#include "train/hf_priv.h"
#include "train/hf_state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void *falloc(size_t a, size_t b)
{
    size_t n;
    if (hdnet__mul(a ? a : 1, b ? b : 1, &n) || n > SIZE_MAX / sizeof(float))
        return NULL;
    return calloc(n, sizeof(float));
}

void hdnet__hf_free(hdnet__hf *hf)
{
    if (!hf)
        return;
    free(hf->H);
    free(hf->D);
    free(hf->X);
    free(hf->E);
    free(hf->Dt);
    free(hf->R);
    free(hf->rows);
    free(hf->colsum);
    free(hf->noise);
    free(hf->vec);
    hdnet_net_free(hf->probe);
    free(hf);
}

int hdnet__hf_create(hdnet__hf **out, const hdnet_config *cfg, const hdnet_net *net,
                     size_t max_trials, size_t n_steps)
{
    if (!out || !cfg || !net)
        return hdnet__error(HDNET_EINVAL, "out, cfg or net is NULL");
    *out = NULL;
    if (max_trials == 0 || n_steps == 0)
        return hdnet__error(HDNET_EINVAL, "Hessian-free needs at least one trial and one step");
    if (!hdnet__act_trainable(net->act))
        return hdnet__error(HDNET_ENOTSUP, "this activation has no gradient");
    if (net->rate_l1 != 0 || net->pre_noise != 0 || net->out_noise != 0)
        return hdnet__error(HDNET_ENOTSUP, "the Hessian-free optimiser models neither rate_l1 nor "
                            "pre-activation or output noise");
    if (net->grad_bf16)
        return hdnet__error(HDNET_ENOTSUP, "the Hessian-free optimiser computes its gradient in "
                            "float only: grad_precision=bf16 is for adam, adamw and sgd");
    if (!(net->weight_l2 > 0))
        return hdnet__error(HDNET_EINVAL, "the Hessian-free optimiser needs weight_l2 > 0: "
                            "lambda_W is also its damping");
    hdnet__hf *hf = calloc(1, sizeof *hf);
    if (!hf)
        return hdnet__error(HDNET_ENOMEM, "Hessian-free state");
    const size_t n = net->n, B = max_trials, T = n_steps;
    hf->maxb = B;
    hf->T = T;
    hf->n = n;
    hf->ni = net->ni;
    hf->no = net->no;
    hf->np = net->n_params;
    hf->lambda_w = net->weight_l2;
    hf->mu = hdnet__cfg(cfg, HDNET_P_HF_MU);
    hf->cg_max = (size_t)hdnet__cfg(cfg, HDNET_P_HF_CG_ITERS);
    hf->restart = (size_t)hdnet__cfg(cfg, HDNET_P_HF_RESTART);
    hf->restart_scale = hdnet__cfg(cfg, HDNET_P_HF_RESTART_SCALE);
    hf->clip = hdnet__cfg(cfg, HDNET_P_CLIP);
    size_t bt1, btn;
    int bad = hdnet__mul(B, T + 1, &bt1) || hdnet__mul(B * T, n, &btn) ||
              B * T > (size_t)INT32_MAX;
    if (!bad) {
        hf->H = falloc(bt1, n);
        hf->D = falloc(bt1, n);
        hf->X = falloc(B * T, hf->ni);
        hf->E = falloc(B * T, hf->no);
        hf->Dt = falloc(B * T, n);
        hf->R = falloc(B * T, n);
        hf->rows = falloc(4 * B, n);
        hf->colsum = calloc(n, sizeof *hf->colsum);
        hf->noise = falloc(B * T, n);
        hf->vec = falloc(HF_NVEC, hf->np);
    }
    if (bad || !hf->H || !hf->D || !hf->X || !hf->E || !hf->Dt || !hf->R || !hf->rows || !hf->colsum ||
        !hf->noise || !hf->vec || hdnet_net_clone(net, &hf->probe) != HDNET_OK) {
        hdnet__hf_free(hf);
        return hdnet__error(HDNET_ENOMEM, "Hessian-free workspaces (%zu trials x %zu steps)", B, T);
    }
    *out = hf;
    return HDNET_OK;
}

/* ---- blocks of the flat vector ---- */

typedef struct {
    const float *win, *b, *wrec, *wout, *bout, *a0;
} blocks;

static blocks split(const hdnet_net *net, const float *v)
{
    blocks k = {v + net->off[HDNET_W_IN], v + net->off[HDNET_B_REC], v + net->off[HDNET_W_REC],
                v + net->off[HDNET_W_OUT], v + net->off[HDNET_B_OUT], v + net->off[HDNET_A0]};
    return k;
}

/* Sum of squares of the penalised blocks (W_in, W_out). */
static double penalised_sq(const hdnet_net *net, const float *p)
{
    double s = 0;
    const int blk[2] = {HDNET_W_IN, HDNET_W_OUT};
    for (int q = 0; q < 2; q++) {
        const float *w = p + net->off[blk[q]];
        for (size_t i = 0; i < net->rows[blk[q]] * net->cols[blk[q]]; i++)
            s += (double)w[i] * w[i];
    }
    return s;
}

static size_t n_penalised(const hdnet_net *net)
{
    return net->rows[HDNET_W_IN] * net->cols[HDNET_W_IN] + net->rows[HDNET_W_OUT] * net->cols[HDNET_W_OUT];
}

double hdnet__hf_wrec_decay(const hdnet_net *net, const float *p)
{
    const size_t n2 = net->n * net->n;
    const float *w = p + net->off[HDNET_W_REC];
    double s = 0;
    for (size_t i = 0; net->wrec_l2 > 0 && i < n2; i++)
        s += (double)w[i] * w[i];
    return net->wrec_l2 / (double)n2 * s;
}

/* out[W_rec] += 2 wrec_l2/N^2 * v[W_rec]: the W_rec decay's gradient (v = the
 * parameters) or its curvature (v = a direction); nothing when wrec_l2 = 0. */
static void add_wrec_decay(const hdnet_net *net, const float *v, float *out)
{
    const size_t n2 = net->n * net->n, off = net->off[HDNET_W_REC];
    const double c = 2.0 * net->wrec_l2 / (double)n2;
    for (size_t i = 0; c > 0 && i < n2; i++)
        out[off + i] += (float)(c * v[off + i]);
}

/* Zero the entries a step may not change: frozen blocks, diag(W_rec) under
 * self_connections = none. */
void hdnet__hf_mask(const hdnet_net *net, float *v)
{
    for (int blk = 0; blk < HDNET_NBLOCKS; blk++)
        if (!net->learn[blk])
            memset(v + net->off[blk], 0, net->rows[blk] * net->cols[blk] * sizeof *v);
    if (net->self_mode == HDNET_SELF_NONE)
        for (size_t j = 0; j < net->n; j++)
            v[net->off[HDNET_W_REC] + j * net->n + j] = 0.0f;
}

/* ---- forward ---- */

/* z = h W_rec' + x W_in' + b for the B rows of one step (x: time-major). */
static void drive(size_t B, size_t n, size_t ni, const float *h, const float *x, const blocks *w,
                  float *z)
{
    hdnet__sgemm(HDNET__NOTRANS, HDNET__TRANS, (int)B, (int)n, (int)n, 1.0f, h, (int)n, w->wrec,
                 (int)n, 0.0f, z, (int)n);
    hdnet__sgemm(HDNET__NOTRANS, HDNET__TRANS, (int)B, (int)n, (int)ni, 1.0f, x, (int)ni, w->win,
                 (int)ni, 1.0f, z, (int)n);
    for (size_t b = 0; b < B; b++)
        for (size_t j = 0; j < n; j++)
            z[b * n + j] += w->b[j];
}

int hdnet__hf_loss_grad(hdnet__hf *hf, const hdnet_net *net, size_t B, const float *x,
                        const float *y, const float *m, const float *noise, double rate_l2,
                        double *loss, float *grad)
{
    if (!hf || !net || !x || !y || !m || !loss)
        return hdnet__error(HDNET_EINVAL, "NULL argument");
    if (B == 0 || B > hf->maxb || net->n != hf->n || net->n_params != hf->np)
        return hdnet__error(HDNET_ESHAPE, "%zu trials or network shape outside the workspace", B);
    const size_t T = hf->T, n = hf->n, ni = hf->ni, no = hf->no, BN = B * n;
    const blocks w = split(net, net->params);
    const float *alpha = net->alpha;
    float *a = hf->rows, *z = hf->rows + hf->maxb * n;
    hf->B = B;
    hf->mask = m;
    double msum = 0;
    for (size_t i = 0; i < B * T * no; i++)
        msum += m[i];
    hf->c = msum > 0 ? (net->half_mse ? 0.5 : 1.0) / msum : 0.0;
    for (size_t t = 0; t < T; t++)
        for (size_t b = 0; b < B; b++)
            memcpy(hf->X + (t * B + b) * ni, x + (b * T + t) * ni, ni * sizeof *x);
    for (size_t b = 0; b < B; b++) {
        memcpy(a + b * n, w.a0, n * sizeof *a);
        hdnet__act_rows(net->act, net->slope, net->kink, w.a0, hf->H + b * n, hf->D + b * n, n);
    }
    double sm = 0, s2 = 0;
    int finite = 1;
    for (size_t t = 0; t < T; t++) {
        float *h = hf->H + (t + 1) * BN, *d = hf->D + (t + 1) * BN;
        drive(B, n, ni, hf->H + t * BN, hf->X + t * B * ni, &w, z);
        for (size_t i = 0; i < BN; i++) {
            const size_t j = i % n;
            a[i] += alpha[j] * (z[i] - a[i]);
        }
        hdnet__act_rows(net->act, net->slope, net->kink, a, h, d, BN);
        for (size_t b = 0; b < B; b++) {
            float *hb = h + b * n;
            if (noise)
                for (size_t j = 0; j < n; j++)
                    hb[j] += noise[(b * T + t) * n + j];
            double hs = 0;
            for (size_t j = 0; j < n; j++)
                hs += (double)hb[j] * hb[j];
            s2 += hs;
            for (size_t k = 0; k < no; k++) {
                const size_t q = (b * T + t) * no + k;
                double yv = w.bout[k];
                const float *wo = w.wout + k * n;
                for (size_t j = 0; j < n; j++)
                    yv += (double)wo[j] * hb[j];
                double r = yv - y[q];
                sm += m[q] * r * r;
                hf->E[(t * B + b) * no + k] = (float)(2.0 * hf->c * m[q] * r);
            }
        }
    }
    for (size_t i = 0; i < BN; i++)
        finite &= isfinite(a[i]) != 0;
    const double btn = (double)B * (double)T * (double)n;
    loss[HDNET_LOSS_MAIN] = hf->c * sm;
    loss[HDNET_LOSS_RATE] = rate_l2 * s2 / btn;
    loss[HDNET_LOSS_WEIGHT] = hf->lambda_w / (double)n_penalised(net) * penalised_sq(net, net->params) +
                              hdnet__hf_wrec_decay(net, net->params);
    loss[HDNET_LOSS_TOTAL] = loss[HDNET_LOSS_MAIN] + loss[HDNET_LOSS_RATE] + loss[HDNET_LOSS_WEIGHT];
    if (!finite || !isfinite(loss[HDNET_LOSS_TOTAL]))
        return hdnet__error(HDNET_EDIVERGED, "non-finite state or loss");
    if (!grad)
        return HDNET_OK;
    hdnet__hf_backward(hf, net, 2.0 * rate_l2 / btn, hf->H + BN, 0.0, grad);
    /* weight penalty on W_in and W_out */
    const double lw2 = 2.0 * hf->lambda_w / (double)n_penalised(net);
    const int blk[2] = {HDNET_W_IN, HDNET_W_OUT};
    for (int q = 0; q < 2; q++)
        for (size_t i = 0; i < net->rows[blk[q]] * net->cols[blk[q]]; i++)
            grad[net->off[blk[q]] + i] += (float)(lw2 * net->params[net->off[blk[q]] + i]);
    add_wrec_decay(net, net->params, grad);
    hdnet__hf_mask(net, grad);
    for (size_t k = 0; k < hf->np; k++)
        if (!isfinite(grad[k]))
            return hdnet__error(HDNET_EDIVERGED, "non-finite gradient");
    return HDNET_OK;
}

/* ---- backward ---- */

/* Backward through the stored trajectory with Ey in E: for t = T-1 ... 0,
 *   G_t     = Ey_t W_out + c_rate q_t + Delta~_{t+1} W_rec
 *   Delta_t = D_t G_t + (1 - alpha) Delta_{t+1} + c_direct q_t
 * (q = H_1..T for the gradient's rate term; q = Rh for the curvature's rate
 * and structural-damping terms), then the block sums into out (every block;
 * the caller masks). */
void hdnet__hf_backward(hdnet__hf *hf, const hdnet_net *net, double c_rate, const float *q,
                        double c_direct, float *out)
{
    const size_t B = hf->B, T = hf->T, n = hf->n, ni = hf->ni, no = hf->no, BN = B * n;
    const blocks w = split(net, net->params);
    const float *alpha = net->alpha;
    float *delta = hf->rows + 2 * hf->maxb * n, *g = hf->rows + 3 * hf->maxb * n;
    const float cr = (float)c_rate, cd = (float)c_direct;
    memset(delta, 0, BN * sizeof *delta);
    for (size_t t = T; t-- > 0;) {
        const float *d = hf->D + (t + 1) * BN, *qt = q + t * BN;
        hdnet__sgemm(HDNET__NOTRANS, HDNET__NOTRANS, (int)B, (int)n, (int)no, 1.0f, hf->E + t * B * no,
                     (int)no, w.wout, (int)n, 0.0f, g, (int)n);
        if (t + 1 < T)
            hdnet__sgemm(HDNET__NOTRANS, HDNET__NOTRANS, (int)B, (int)n, (int)n, 1.0f,
                         hf->Dt + (t + 1) * BN, (int)n, w.wrec, (int)n, 1.0f, g, (int)n);
        float *dt = hf->Dt + t * BN;
        for (size_t i = 0; i < BN; i++) {
            const size_t j = i % n;
            delta[i] = d[i] * (g[i] + cr * qt[i]) + (1.0f - alpha[j]) * delta[i] + cd * qt[i];
            dt[i] = alpha[j] * delta[i];
        }
    }
    float *o_win = out + net->off[HDNET_W_IN], *o_b = out + net->off[HDNET_B_REC],
          *o_wrec = out + net->off[HDNET_W_REC], *o_wout = out + net->off[HDNET_W_OUT],
          *o_bout = out + net->off[HDNET_B_OUT], *o_a0 = out + net->off[HDNET_A0];
    const int K = (int)(B * T);
    hdnet__sgemm(HDNET__TRANS, HDNET__NOTRANS, (int)n, (int)n, K, 1.0f, hf->Dt, (int)n, hf->H, (int)n,
                 0.0f, o_wrec, (int)n);
    hdnet__sgemm(HDNET__TRANS, HDNET__NOTRANS, (int)n, (int)ni, K, 1.0f, hf->Dt, (int)n, hf->X, (int)ni,
                 0.0f, o_win, (int)ni);
    hdnet__sgemm(HDNET__TRANS, HDNET__NOTRANS, (int)no, (int)n, K, 1.0f, hf->E, (int)no, hf->H + BN,
                 (int)n, 0.0f, o_wout, (int)n);
    /* row by row: each column's sum is added in the same order as down the column, but the
     * rows are read contiguously (the column walk cost a tenth of an update) */
    double *colsum = hf->colsum;
    memset(colsum, 0, n * sizeof *colsum);
    for (size_t r = 0; r < B * T; r++)
        for (size_t j = 0; j < n; j++)
            colsum[j] += hf->Dt[r * n + j];
    for (size_t j = 0; j < n; j++)
        o_b[j] = (float)colsum[j];
    for (size_t k = 0; k < no; k++) {
        double s = 0;
        for (size_t r = 0; r < B * T; r++)
            s += hf->E[r * no + k];
        o_bout[k] = (float)s;
    }
    /* Delta_{-1} = Delta_0 (1 - alpha) + D_{-1} (Delta~_0 W_rec), summed over
     * trials (D_{-1} is shared, so the Delta~_0 rows are summed first, into g) */
    for (size_t i = 0; i < n; i++) {
        double col = 0;
        for (size_t b = 0; b < B; b++)
            col += hf->Dt[b * n + i];
        g[i] = (float)col;
    }
    for (size_t j = 0; j < n; j++) {
        double s = 0, u = 0;
        for (size_t b = 0; b < B; b++)
            s += (double)delta[b * n + j] * (1.0 - alpha[j]);
        for (size_t i = 0; i < n; i++)
            u += (double)g[i] * w.wrec[i * n + j];
        o_a0[j] = (float)(s + (double)hf->D[j] * u);
    }
}

/* ---- Gauss-Newton-vector product ---- */

void hdnet__hf_gv(hdnet__hf *hf, const hdnet_net *net, double rate_l2, double lambda_sd,
                  double damping, const float *v, float *out)
{
    const size_t B = hf->B, T = hf->T, n = hf->n, ni = hf->ni, no = hf->no, BN = B * n;
    const blocks w = split(net, net->params), dv = split(net, v);
    const float *alpha = net->alpha;
    float *ra = hf->rows, *rz = hf->rows + hf->maxb * n, *rh0 = hf->rows + 2 * hf->maxb * n;
    /* R-forward: Ra_{-1} = v_a0 when a0 is learned; Rh = D Ra */
    const int a0_moves = net->learn[HDNET_A0];
    for (size_t b = 0; b < B; b++)
        for (size_t j = 0; j < n; j++) {
            ra[b * n + j] = a0_moves ? dv.a0[j] : 0.0f;
            rh0[b * n + j] = hf->D[j] * ra[b * n + j];
        }
    for (size_t t = 0; t < T; t++) {
        const float *rh_prev = t ? hf->R + (t - 1) * BN : rh0;
        /* Rh_{t-1} W_rec' + H_{t-1} v_Wrec' + X_t v_Win' + v_b */
        hdnet__sgemm(HDNET__NOTRANS, HDNET__TRANS, (int)B, (int)n, (int)n, 1.0f, rh_prev, (int)n, w.wrec,
                     (int)n, 0.0f, rz, (int)n);
        drive(B, n, ni, hf->H + t * BN, hf->X + t * B * ni, &dv, hf->rows + 3 * hf->maxb * n);
        const float *rest = hf->rows + 3 * hf->maxb * n, *d = hf->D + (t + 1) * BN;
        float *rh = hf->R + t * BN;
        for (size_t i = 0; i < BN; i++) {
            const size_t j = i % n;
            ra[i] += alpha[j] * (rz[i] + rest[i] - ra[i]);
            rh[i] = d[i] * ra[i];
        }
        /* Ry_t = Rh_t W_out' + H_t v_Wout' + v_bout; E = 2c M Ry */
        for (size_t b = 0; b < B; b++)
            for (size_t k = 0; k < no; k++) {
                const float *wo = w.wout + k * n, *vo = dv.wout + k * n;
                const float *hb = hf->H + (t + 1) * BN + b * n, *rb = rh + b * n;
                double ry = dv.bout[k];
                for (size_t j = 0; j < n; j++)
                    ry += (double)wo[j] * rb[j] + (double)vo[j] * hb[j];
                const float mk = hf->mask[(b * T + t) * no + k];
                hf->E[(t * B + b) * no + k] = (float)(2.0 * hf->c * mk * ry);
            }
    }
    const double btn = (double)B * (double)T * (double)n;
    hdnet__hf_backward(hf, net, 2.0 * rate_l2 / btn, hf->R, lambda_sd / btn, out);
    const int blk[2] = {HDNET_W_IN, HDNET_W_OUT};
    for (int q = 0; q < 2; q++)
        for (size_t i = 0; i < net->rows[blk[q]] * net->cols[blk[q]]; i++)
            out[net->off[blk[q]] + i] += (float)(damping * v[net->off[blk[q]] + i]);
    add_wrec_decay(net, v, out); /* the W_rec decay's curvature (exact, not damping) */
    hdnet__hf_mask(net, out);
}
