/* The network object: creation and initialisation (docs/model.md), parameter
 * blocks, and the public forward / loss-gradient calls (which run a
 * temporary engine, engine.c). */
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const block_names[HDNET_NBLOCKS] = {"W_in", "b_rec", "W_rec",
                                                        "W_out", "b_out", "ah0"};

float *hdnet__net_params(hdnet_net *net)
{
    return net ? net->params : NULL;
}

const float *hdnet__net_params_const(const hdnet_net *net)
{
    return net ? net->params : NULL;
}

void hdnet__net_enforce(hdnet_net *net)
{
    if (!net || net->self_mode != HDNET_SELF_NONE)
        return;
    float *w = net->params + net->off[HDNET_W_REC];
    for (size_t j = 0; j < net->n; j++)
        w[j * net->n + j] = 0.0f;
}

void hdnet_net_free(hdnet_net *net)
{
    if (!net)
        return;
    hdnet_config_free(net->cfg);
    free(net->params);
    free(net->tau);
    free(net->alpha);
    free(net);
}

/* Haar-distributed orthogonal n x n matrix into q (double, row-major):
 * Householder QR of a Gaussian matrix, with the signs of diag(R) folded into Q. */
static void orthogonal(hdnet_rng *rng, size_t n, double *a, double *q, double *v)
{
    for (size_t i = 0; i < n * n; i++)
        a[i] = hdnet__rng_normal1(rng) / sqrt((double)n);
    for (size_t i = 0; i < n * n; i++)
        q[i] = 0.0;
    for (size_t i = 0; i < n; i++)
        q[i * n + i] = 1.0;
    /* reflectors stored column by column in v ([n][n], column k holds v_k) */
    for (size_t k = 0; k < n; k++) {
        double norm = 0;
        for (size_t i = k; i < n; i++)
            norm += a[i * n + k] * a[i * n + k];
        norm = sqrt(norm);
        double x0 = a[k * n + k];
        double alpha = x0 >= 0 ? -norm : norm;
        double vnorm2 = 0;
        for (size_t i = k; i < n; i++) {
            double vi = a[i * n + k] - (i == k ? alpha : 0.0);
            v[i * n + k] = vi;
            vnorm2 += vi * vi;
        }
        if (vnorm2 == 0) {
            for (size_t i = k; i < n; i++)
                v[i * n + k] = 0.0;
            continue;
        }
        for (size_t j = k; j < n; j++) {
            double s = 0;
            for (size_t i = k; i < n; i++)
                s += v[i * n + k] * a[i * n + j];
            s = 2.0 * s / vnorm2;
            for (size_t i = k; i < n; i++)
                a[i * n + j] -= s * v[i * n + k];
        }
        /* keep the squared norm of v_k on the diagonal slot below: store in v's
         * unused upper part (row 0..k-1 of column k are free) is not enough for
         * k = 0, so normalise v instead */
        double inv = 1.0 / sqrt(vnorm2);
        for (size_t i = k; i < n; i++)
            v[i * n + k] *= inv;
    }
    /* Q = H_0 H_1 ... H_{n-1}: apply to the identity from the right end */
    for (size_t k = n; k-- > 0;) {
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t i = k; i < n; i++)
                s += v[i * n + k] * q[i * n + j];
            s *= 2.0;
            for (size_t i = k; i < n; i++)
                q[i * n + j] -= s * v[i * n + k];
        }
    }
    /* sign fix: column k of Q times sign(R_kk) */
    for (size_t k = 0; k < n; k++)
        if (a[k * n + k] < 0)
            for (size_t i = 0; i < n; i++)
                q[i * n + k] = -q[i * n + k];
}

int hdnet_net_create(hdnet_net **out, const hdnet_config *cfg, hdnet_rng *rng)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!cfg || !rng)
        return hdnet__error(HDNET_EINVAL, "cfg or rng is NULL");
    const size_t n = (size_t)hdnet__cfg(cfg, HDNET_P_UNITS);
    const size_t ni = (size_t)hdnet__cfg(cfg, HDNET_P_INPUTS);
    const size_t no = (size_t)hdnet__cfg(cfg, HDNET_P_OUTPUTS);
    if (cfg->n_tau_vec && cfg->n_tau_vec != n)
        return hdnet__error(HDNET_ERANGE, "tau vector has %zu entries, units=%zu", cfg->n_tau_vec,
                            n);
    hdnet_net *net = calloc(1, sizeof *net);
    if (!net)
        return hdnet__error(HDNET_ENOMEM, "network");
    int rc = hdnet_config_clone(cfg, &net->cfg);
    if (rc) {
        free(net);
        return rc;
    }
    net->n = n;
    net->ni = ni;
    net->no = no;
    const size_t shapes[HDNET_NBLOCKS][2] = {{n, ni}, {n, 1}, {n, n}, {no, n}, {no, 1}, {n, 1}};
    static const int learn_ids[HDNET_NBLOCKS] = {HDNET_P_LEARN_W_IN, HDNET_P_LEARN_B_REC,
                                                 HDNET_P_LEARN_W_REC, HDNET_P_LEARN_W_OUT,
                                                 HDNET_P_LEARN_B_OUT, HDNET_P_LEARN_A0};
    size_t off = 0;
    for (int b = 0; b < HDNET_NBLOCKS; b++) {
        net->rows[b] = shapes[b][0];
        net->cols[b] = shapes[b][1];
        net->off[b] = off;
        off += shapes[b][0] * shapes[b][1];
        net->learn[b] = hdnet__cfg(cfg, learn_ids[b]) != 0;
    }
    net->n_params = off;
    net->act = (int)hdnet__cfg(cfg, HDNET_P_ACTIVATION);
    net->kink = (int)hdnet__cfg(cfg, HDNET_P_KINK);
    net->self_mode = (int)hdnet__cfg(cfg, HDNET_P_SELF_CONNECTIONS);
    net->kernel = (int)hdnet__cfg(cfg, HDNET_P_KERNEL);
    net->threads = (int)hdnet__cfg(cfg, HDNET_P_THREADS);
    net->half_mse = hdnet__cfg(cfg, HDNET_P_HALF_MSE) != 0;
    net->grad_bf16 = (int)hdnet__cfg(cfg, HDNET_P_GRAD_PRECISION) == HDNET_GRAD_BF16;
    net->slope = (float)hdnet__cfg(cfg, HDNET_P_ACT_SLOPE);
    net->rate_noise = hdnet__cfg(cfg, HDNET_P_RATE_NOISE);
    net->pre_noise = hdnet__cfg(cfg, HDNET_P_PRE_NOISE);
    net->out_noise = hdnet__cfg(cfg, HDNET_P_OUTPUT_NOISE);
    net->rate_l1 = hdnet__cfg(cfg, HDNET_P_RATE_L1);
    net->weight_l2 = hdnet__cfg(cfg, HDNET_P_WEIGHT_L2);
    net->wrec_l2 = hdnet__cfg(cfg, HDNET_P_WREC_L2);
    net->params = calloc(net->n_params, sizeof *net->params);
    net->tau = calloc(n, sizeof *net->tau);
    net->alpha = calloc(n, sizeof *net->alpha);
    double *tmp = NULL;
    const int init = (int)hdnet__cfg(cfg, HDNET_P_INIT);
    if (init == HDNET_INIT_ORTHOGONAL)
        tmp = malloc(3 * n * n * sizeof *tmp);
    if (!net->params || !net->tau || !net->alpha || (init == HDNET_INIT_ORTHOGONAL && !tmp)) {
        free(tmp);
        hdnet_net_free(net);
        return hdnet__error(HDNET_ENOMEM, "network parameters");
    }
    const double dt = hdnet__cfg(cfg, HDNET_P_DT);
    for (size_t j = 0; j < n; j++) {
        net->tau[j] = cfg->n_tau_vec ? cfg->tau_vec[j] : hdnet__cfg(cfg, HDNET_P_TAU);
        net->alpha[j] = (float)(dt / net->tau[j]);
    }
    /* initialisation, drawn in the order b_rec, W_in, W_rec, W_out */
    float *P = net->params;
    float *win = P + net->off[HDNET_W_IN], *b = P + net->off[HDNET_B_REC],
          *wr = P + net->off[HDNET_W_REC], *wo = P + net->off[HDNET_W_OUT];
    for (size_t j = 0; j < n; j++)
        b[j] = (float)(0.1 + 0.01 * hdnet__rng_normal1(rng));
    for (size_t k = 0; k < n * ni; k++)
        win[k] = (float)(hdnet__rng_normal1(rng) / sqrt((double)ni));
    if (init == HDNET_INIT_ORTHOGONAL) {
        orthogonal(rng, n, tmp, tmp + n * n, tmp + 2 * n * n);
        for (size_t k = 0; k < n * n; k++)
            wr[k] = (float)tmp[n * n + k];
        for (size_t k = 0; k < no * n; k++)
            wo[k] = (float)(0.01 * hdnet__rng_normal1(rng) / sqrt((double)n));
    } else {
        const double gain = hdnet__cfg(cfg, HDNET_P_WREC_GAIN);
        for (size_t k = 0; k < n * n; k++)
            wr[k] = (float)(gain * hdnet__rng_normal1(rng) / sqrt((double)n));
    }
    free(tmp);
    if (net->self_mode != HDNET_SELF_FREE)
        for (size_t j = 0; j < n; j++)
            wr[j * n + j] = 0.0f;
    *out = net;
    return HDNET_OK;
}

int hdnet_net_clone(const hdnet_net *net, hdnet_net **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!net)
        return hdnet__error(HDNET_EINVAL, "net is NULL");
    hdnet_net *c = malloc(sizeof *c);
    if (!c)
        return hdnet__error(HDNET_ENOMEM, "network");
    *c = *net;
    c->cfg = NULL;
    c->params = malloc(net->n_params * sizeof *c->params);
    c->tau = malloc(net->n * sizeof *c->tau);
    c->alpha = malloc(net->n * sizeof *c->alpha);
    int rc = (c->params && c->tau && c->alpha) ? hdnet_config_clone(net->cfg, &c->cfg) : HDNET_ENOMEM;
    if (rc) {
        hdnet_net_free(c);
        return rc == HDNET_ENOMEM ? hdnet__error(HDNET_ENOMEM, "network copy") : rc;
    }
    memcpy(c->params, net->params, net->n_params * sizeof *c->params);
    memcpy(c->tau, net->tau, net->n * sizeof *c->tau);
    memcpy(c->alpha, net->alpha, net->n * sizeof *c->alpha);
    *out = c;
    return HDNET_OK;
}

int hdnet_net_get_config(const hdnet_net *net, hdnet_config **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!net)
        return hdnet__error(HDNET_EINVAL, "net is NULL");
    return hdnet_config_clone(net->cfg, out);
}

int hdnet_net_dims(const hdnet_net *net, size_t *units, size_t *inputs, size_t *outputs)
{
    if (!net)
        return hdnet__error(HDNET_EINVAL, "net is NULL");
    if (units)
        *units = net->n;
    if (inputs)
        *inputs = net->ni;
    if (outputs)
        *outputs = net->no;
    return HDNET_OK;
}

size_t hdnet_net_num_params(const hdnet_net *net)
{
    return net ? net->n_params : 0;
}

int hdnet_block_id(const char *name, int *which)
{
    if (!name || !which)
        return hdnet__error(HDNET_EINVAL, "name or which is NULL");
    for (int b = 0; b < HDNET_NBLOCKS; b++)
        if (strcmp(name, block_names[b]) == 0) {
            *which = b;
            return HDNET_OK;
        }
    return hdnet__error(HDNET_EINVAL, "unknown block '%s'", name);
}

const char *hdnet_block_name(int which)
{
    return (which >= 0 && which < HDNET_NBLOCKS) ? block_names[which] : NULL;
}

static int check_block(const hdnet_net *net, int which)
{
    if (!net)
        return hdnet__error(HDNET_EINVAL, "net is NULL");
    if (which < 0 || which >= HDNET_NBLOCKS)
        return hdnet__error(HDNET_EINVAL, "unknown block id %d", which);
    return HDNET_OK;
}

int hdnet_net_block_info(const hdnet_net *net, int which, size_t *rows, size_t *cols,
                         size_t *offset)
{
    int rc = check_block(net, which);
    if (rc)
        return rc;
    if (rows)
        *rows = net->rows[which];
    if (cols)
        *cols = net->cols[which];
    if (offset)
        *offset = net->off[which];
    return HDNET_OK;
}

int hdnet_net_block_learned(const hdnet_net *net, int which)
{
    int rc = check_block(net, which);
    if (rc)
        return rc;
    return net->learn[which];
}

int hdnet_net_copy_block(const hdnet_net *net, int which, float *out, size_t out_len)
{
    int rc = check_block(net, which);
    if (rc)
        return rc;
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    size_t len = net->rows[which] * net->cols[which];
    if (out_len < len)
        return hdnet__error(HDNET_ESHAPE, "block %s has %zu values, buffer holds %zu",
                            block_names[which], len, out_len);
    memcpy(out, net->params + net->off[which], len * sizeof *out);
    return HDNET_OK;
}

/* Validate values for block `which`: finite; zero diagonal of W_rec under
 * self_connections = none. */
static int check_values(const hdnet_net *net, int which, const float *in)
{
    size_t len = net->rows[which] * net->cols[which];
    for (size_t k = 0; k < len; k++)
        if (!isfinite(in[k]))
            return hdnet__error(HDNET_ERANGE, "block %s: value %zu is not finite",
                                block_names[which], k);
    if (which == HDNET_W_REC && net->self_mode == HDNET_SELF_NONE)
        for (size_t j = 0; j < net->n; j++)
            if (in[j * net->n + j] != 0.0f)
                return hdnet__error(HDNET_ERANGE,
                                    "W_rec[%zu][%zu] = %g, but self_connections = none", j, j,
                                    (double)in[j * net->n + j]);
    return HDNET_OK;
}

int hdnet_net_set_block(hdnet_net *net, int which, const float *in, size_t len)
{
    int rc = check_block(net, which);
    if (rc)
        return rc;
    if (!in)
        return hdnet__error(HDNET_EINVAL, "in is NULL");
    size_t want = net->rows[which] * net->cols[which];
    if (len != want)
        return hdnet__error(HDNET_ESHAPE, "block %s has %zu values, got %zu", block_names[which],
                            want, len);
    rc = check_values(net, which, in);
    if (rc)
        return rc;
    memcpy(net->params + net->off[which], in, len * sizeof *in);
    return HDNET_OK;
}

int hdnet_net_copy_params(const hdnet_net *net, float *out, size_t out_len)
{
    if (!net || !out)
        return hdnet__error(HDNET_EINVAL, "net or out is NULL");
    if (out_len < net->n_params)
        return hdnet__error(HDNET_ESHAPE, "%zu parameters, buffer holds %zu", net->n_params,
                            out_len);
    memcpy(out, net->params, net->n_params * sizeof *out);
    return HDNET_OK;
}

int hdnet_net_set_params(hdnet_net *net, const float *in, size_t len)
{
    if (!net || !in)
        return hdnet__error(HDNET_EINVAL, "net or in is NULL");
    if (len != net->n_params)
        return hdnet__error(HDNET_ESHAPE, "%zu parameters, got %zu", net->n_params, len);
    for (int b = 0; b < HDNET_NBLOCKS; b++) {
        int rc = check_values(net, b, in + net->off[b]);
        if (rc)
            return rc;
    }
    memcpy(net->params, in, len * sizeof *in);
    return HDNET_OK;
}

/* ---- batch calls through a temporary engine ---- */

static int check_len(const char *what, size_t len, size_t a, size_t b, size_t c)
{
    size_t want;
    if (hdnet__mul(a, b, &want) || hdnet__mul(want, c, &want))
        return hdnet__error(HDNET_ESHAPE, "%s: size overflows", what);
    if (len != want)
        return hdnet__error(HDNET_ESHAPE, "%s has %zu values, expected %zu", what, len, want);
    return HDNET_OK;
}

/* HDNET_ERANGE naming the first non-finite value of x[0..n). */
static int check_finite(const char *what, const float *x, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!isfinite(x[k]))
            return hdnet__error(HDNET_ERANGE, "%s[%zu] is not finite", what, k);
    return HDNET_OK;
}

static int threads_for(const hdnet_net *net, size_t n_trials)
{
    int t = net->threads < 1 ? 1 : net->threads;
    if ((size_t)t > n_trials)
        t = (int)n_trials;
    return t;
}

/* The arrays of a forward run: inputs, and a_init, outputs and rates when given. */
static int check_run(const hdnet_net *net, size_t n_trials, size_t n_steps, const float *inputs,
                     size_t inputs_len, const float *a_init, size_t a_init_len, const float *outputs,
                     size_t outputs_len, const float *rates, size_t rates_len)
{
    if (!net || !inputs)
        return hdnet__error(HDNET_EINVAL, "net or inputs is NULL");
    if (n_trials == 0 || n_steps == 0)
        return hdnet__error(HDNET_EINVAL, "n_trials and n_steps must be positive");
    int rc = check_len("inputs", inputs_len, n_trials, n_steps, net->ni);
    if (!rc && a_init)
        rc = check_len("a_init", a_init_len, n_trials, 1, net->n);
    if (!rc && outputs)
        rc = check_len("outputs", outputs_len, n_trials, n_steps, net->no);
    if (!rc && rates)
        rc = check_len("rates", rates_len, n_trials, n_steps, net->n);
    return rc;
}

int hdnet_net_forward(const hdnet_net *net, size_t n_trials, size_t n_steps, const float *inputs,
                      size_t inputs_len, const float *noise, size_t noise_len, hdnet_rng *rng,
                      const float *a_init, size_t a_init_len, float *outputs, size_t outputs_len,
                      float *rates, size_t rates_len)
{
    int rc = check_run(net, n_trials, n_steps, inputs, inputs_len, a_init, a_init_len, outputs, outputs_len,
                       rates, rates_len);
    if (!rc && noise)
        rc = check_len("noise", noise_len, n_trials, n_steps, net->n);
    if (!rc && noise)
        rc = check_finite("noise", noise, noise_len);
    if (rc)
        return rc;
    return hdnet__run_batched(net, n_trials, n_steps, inputs, noise, rng, a_init, NULL, outputs,
                              rates, NULL);
}

int hdnet_net_run(const hdnet_net *net, size_t n_trials, size_t n_steps, const float *inputs,
                  size_t inputs_len, const float *a_init, size_t a_init_len,
                  const hdnet_perturb *p, float *outputs, size_t outputs_len, float *rates,
                  size_t rates_len, float *shadow, size_t shadow_len)
{
    int rc = check_run(net, n_trials, n_steps, inputs, inputs_len, a_init, a_init_len, outputs, outputs_len,
                       rates, rates_len);
    if (!rc && shadow)
        rc = check_len("shadow", shadow_len, n_trials, n_steps, net->n);
    if (rc)
        return rc;
    if (p)
        for (size_t u = 0; u < p->n_units; u++)
            if ((size_t)p->units[u] >= net->n)
                return hdnet__error(HDNET_ERANGE, "unit index %d >= units=%zu", p->units[u],
                                    net->n);
    if (a_init && (rc = check_finite("a_init", a_init, a_init_len)))
        return rc;
    return hdnet__run_batched(net, n_trials, n_steps, inputs, NULL, NULL, a_init, p, outputs, rates,
                              shadow);
}

int hdnet_net_loss_grad(const hdnet_net *net, size_t n_trials, size_t n_steps, const float *inputs,
                        size_t inputs_len, const float *targets, size_t targets_len,
                        const float *mask, size_t mask_len, const float *noise, size_t noise_len,
                        hdnet_rng *rng, double rate_l2, double *loss, size_t loss_len, float *grad,
                        size_t grad_len)
{
    if (!net || !inputs || !targets || !mask)
        return hdnet__error(HDNET_EINVAL, "net, inputs, targets or mask is NULL");
    if (n_trials == 0 || n_steps == 0)
        return hdnet__error(HDNET_EINVAL, "n_trials and n_steps must be positive");
    int rc = check_len("inputs", inputs_len, n_trials, n_steps, net->ni);
    if (!rc)
        rc = check_len("targets", targets_len, n_trials, n_steps, net->no);
    if (!rc)
        rc = check_len("mask", mask_len, n_trials, n_steps, net->no);
    if (!rc && noise)
        rc = check_len("noise", noise_len, n_trials, n_steps, net->n);
    if (rc)
        return rc;
    if (loss && loss_len < HDNET_NLOSS)
        return hdnet__error(HDNET_ESHAPE, "loss holds %zu values, need %d", loss_len, HDNET_NLOSS);
    if (grad && grad_len != net->n_params)
        return hdnet__error(HDNET_ESHAPE, "grad has %zu values, expected %zu", grad_len,
                            net->n_params);
    if (!(rate_l2 >= 0) || !isfinite(rate_l2))
        return hdnet__error(HDNET_ERANGE, "rate_l2=%g must be finite and >= 0", rate_l2);
    if (!hdnet__act_trainable(net->act))
        return hdnet__error(HDNET_ENOTSUP, "binarymeanzero has no gradient");
    if (noise && (rc = check_finite("noise", noise, noise_len)))
        return rc;
    hdnet__engine *e;
    rc = hdnet__engine_create(&e, net, n_trials, n_steps, threads_for(net, n_trials));
    if (rc)
        return rc;
    double l[HDNET_NLOSS];
    rc = hdnet__engine_loss_grad(e, net, n_trials, inputs, targets, mask, noise, rng, rate_l2, l,
                                 grad);
    hdnet__engine_free(e);
    if (!rc && loss)
        memcpy(loss, l, sizeof l);
    return rc;
}
