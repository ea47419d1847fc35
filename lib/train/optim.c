/* Optimisers (AdamW, Adam, SGD with momentum) and global gradient-norm clipping. */
#include "core/internal.h"
#include "model/net_priv.h"
#include "train/train_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t hdnet__learned_segs(const hdnet_net *net, int decay_scope, hdnet__seg *seg)
{
    size_t ns = 0;
    for (int b = 0; b < HDNET_NBLOCKS; b++) {
        size_t rows = 0, cols = 0, off = 0;
        if (hdnet_net_block_learned(net, b) != 1)
            continue;
        if (hdnet_net_block_info(net, b, &rows, &cols, &off) != HDNET_OK)
            continue;
        if (rows * cols == 0)
            continue;
        seg[ns].off = off;
        seg[ns].len = rows * cols;
        seg[ns].decay = decay_scope == HDNET_DECAY_ALL || b == HDNET_W_IN || b == HDNET_W_REC ||
                        b == HDNET_W_OUT;
        ns++;
    }
    return ns;
}

double hdnet__seg_norm(const float *grad, const hdnet__seg *seg, size_t nseg)
{
    double s = 0;
    for (size_t j = 0; j < nseg; j++) {
        const float *g = grad + seg[j].off;
        for (size_t i = 0; i < seg[j].len; i++)
            s += (double)g[i] * (double)g[i];
    }
    return sqrt(s);
}

void hdnet__seg_scale(float *grad, const hdnet__seg *seg, size_t nseg, double factor)
{
    const float f = (float)factor;
    for (size_t j = 0; j < nseg; j++) {
        float *g = grad + seg[j].off;
        for (size_t i = 0; i < seg[j].len; i++)
            g[i] *= f;
    }
}

int hdnet__optim_create_raw(hdnet_optim **out, const hdnet_config *cfg, size_t n,
                            const hdnet__seg *seg, size_t nseg)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!cfg)
        return hdnet__error(HDNET_EINVAL, "cfg is NULL");
    if (nseg > HDNET__MAX_SEGS)
        return hdnet__error(HDNET_EINVAL, "too many segments");
    for (size_t j = 0; j < nseg; j++)
        if (seg[j].off > n || seg[j].len > n - seg[j].off)
            return hdnet__error(HDNET_ESHAPE, "segment outside the vector");
    hdnet_optim *o = calloc(1, sizeof *o);
    if (!o)
        return hdnet__error(HDNET_ENOMEM, "optimiser");
    o->kind = (int)hdnet__cfg(cfg, HDNET_P_OPTIMIZER);
    o->lr = hdnet__cfg(cfg, HDNET_P_LR);
    o->beta1 = hdnet__cfg(cfg, HDNET_P_BETA1);
    o->beta2 = hdnet__cfg(cfg, HDNET_P_BETA2);
    o->eps = hdnet__cfg(cfg, HDNET_P_EPS);
    o->wd = hdnet__cfg(cfg, HDNET_P_WEIGHT_DECAY);
    o->mom = hdnet__cfg(cfg, HDNET_P_SGD_MOMENTUM);
    o->n = n;
    o->nseg = nseg;
    if (nseg)
        memcpy(o->seg, seg, nseg * sizeof *seg);
    o->m = calloc(n ? n : 1, sizeof *o->m);
    if (o->kind != HDNET_OPT_SGD)
        o->v = calloc(n ? n : 1, sizeof *o->v);
    if (!o->m || (o->kind != HDNET_OPT_SGD && !o->v)) {
        hdnet_optim_free(o);
        return hdnet__error(HDNET_ENOMEM, "optimiser moments for %zu values", n);
    }
    *out = o;
    return HDNET_OK;
}

int hdnet_optim_create(hdnet_optim **out, const hdnet_config *cfg, const hdnet_net *net)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!cfg || !net)
        return hdnet__error(HDNET_EINVAL, "cfg or net is NULL");
    hdnet__seg seg[HDNET__MAX_SEGS];
    size_t ns = hdnet__learned_segs(net, (int)hdnet__cfg(cfg, HDNET_P_DECAY_SCOPE), seg);
    return hdnet__optim_create_raw(out, cfg, hdnet_net_num_params(net), seg, ns);
}

void hdnet_optim_free(hdnet_optim *opt)
{
    if (!opt)
        return;
    free(opt->m);
    free(opt->v);
    free(opt);
}

int hdnet_optim_set_lr(hdnet_optim *opt, double lr)
{
    if (!opt)
        return hdnet__error(HDNET_EINVAL, "opt is NULL");
    if (!(lr >= 0) || !isfinite(lr))
        return hdnet__error(HDNET_ERANGE, "learning rate %g is not a finite value >= 0", lr);
    opt->lr = lr;
    return HDNET_OK;
}

double hdnet_optim_get_lr(const hdnet_optim *opt)
{
    return opt ? opt->lr : NAN;
}

uint64_t hdnet_optim_steps(const hdnet_optim *opt)
{
    return opt ? opt->k : 0;
}

/* Element updates in float with float-rounded scalars, as torch's single-tensor
 * AdamW on float32 parameters; bias corrections in double. Step number k.
 * commit = 0 only checks that every new parameter and moment would be finite
 * (returns 0 if not) and changes nothing; commit = 1 applies the step. */
static int step_pass(hdnet_optim *o, float *params, const float *grad, uint64_t k, int commit)
{
    int finite = 1;
    if (o->kind == HDNET_OPT_SGD) {
        const float lr = (float)o->lr, mu = (float)o->mom, wd = (float)o->wd;
        for (size_t j = 0; j < o->nseg; j++) {
            float *p = params + o->seg[j].off, *b = o->m + o->seg[j].off;
            const float *g = grad + o->seg[j].off;
            const int dec = o->seg[j].decay && o->wd != 0;
            for (size_t i = 0; i < o->seg[j].len; i++) {
                float gi = dec ? g[i] + wd * p[i] : g[i];
                float bi = k == 1 ? gi : mu * b[i] + gi;
                float pi = p[i] - lr * bi;
                if (commit) {
                    b[i] = bi;
                    p[i] = pi;
                } else {
                    finite &= isfinite(bi) && isfinite(pi);
                }
            }
        }
        return finite;
    }
    const double bc1 = 1.0 - pow(o->beta1, (double)k);
    const double bc2 = 1.0 - pow(o->beta2, (double)k);
    const float b1 = (float)o->beta1, omb1 = (float)(1.0 - o->beta1);
    const float b2 = (float)o->beta2, omb2 = (float)(1.0 - o->beta2);
    const float neg_step = (float)(-(o->lr / bc1));
    const float bc2s = (float)sqrt(bc2);
    const float eps = (float)o->eps;
    const float shrink = (float)(1.0 - o->lr * o->wd);
    const int adamw = o->kind == HDNET_OPT_ADAMW;
    for (size_t j = 0; j < o->nseg; j++) {
        float *p = params + o->seg[j].off;
        float *m = o->m + o->seg[j].off, *v = o->v + o->seg[j].off;
        const float *g = grad + o->seg[j].off;
        const int dec = adamw && o->seg[j].decay;
        for (size_t i = 0; i < o->seg[j].len; i++) {
            float pi = dec ? p[i] * shrink : p[i];
            float gi = g[i];
            float mi = m[i] * b1 + gi * omb1;
            float vi = v[i] * b2 + omb2 * (gi * gi);
            float denom = sqrtf(vi) / bc2s + eps;
            pi = pi + neg_step * (mi / denom);
            if (commit) {
                m[i] = mi;
                v[i] = vi;
                p[i] = pi;
            } else {
                finite &= isfinite(mi) && isfinite(vi) && isfinite(pi);
            }
        }
    }
    return finite;
}

void hdnet__optim_step_raw(hdnet_optim *o, float *params, const float *grad)
{
    o->k++;
    (void)step_pass(o, params, grad, o->k, 1);
}

int hdnet__optim_step_checked(hdnet_optim *o, float *params, const float *grad)
{
    if (!step_pass(o, params, grad, o->k + 1, 0))
        return 0;
    hdnet__optim_step_raw(o, params, grad);
    return 1;
}

void hdnet__optim_reset(hdnet_optim *o)
{
    o->k = 0;
    memset(o->m, 0, o->n * sizeof *o->m);
    if (o->v)
        memset(o->v, 0, o->n * sizeof *o->v);
}

static int same_layout(const hdnet_optim *o, const hdnet_net *net)
{
    if (hdnet_net_num_params(net) != o->n)
        return 0;
    hdnet__seg seg[HDNET__MAX_SEGS];
    size_t ns = hdnet__learned_segs(net, HDNET_DECAY_ALL, seg);
    if (ns != o->nseg)
        return 0;
    for (size_t j = 0; j < ns; j++)
        if (seg[j].off != o->seg[j].off || seg[j].len != o->seg[j].len)
            return 0;
    return 1;
}

int hdnet_optim_step(hdnet_optim *opt, hdnet_net *net, const float *grad, size_t grad_len)
{
    if (!opt || !net || !grad)
        return hdnet__error(HDNET_EINVAL, "opt, net or grad is NULL");
    if (opt->kind == HDNET_OPT_HF)
        return hdnet__error(HDNET_ENOTSUP, "the Hessian-free optimiser steps only inside the trainer");
    if (grad_len != opt->n || !same_layout(opt, net))
        return hdnet__error(HDNET_ESHAPE, "gradient of %zu values or network layout does not match "
                            "the optimiser (%zu values)", grad_len, opt->n);
    if (!isfinite(hdnet__seg_norm(grad, opt->seg, opt->nseg)))
        return hdnet__error(HDNET_EDIVERGED, "the gradient holds NaN or Inf; parameters unchanged");
    if (!hdnet__optim_step_checked(opt, hdnet__net_params(net), grad))
        return hdnet__error(HDNET_EDIVERGED, "the step would make parameters or optimiser moments "
                            "non-finite; parameters unchanged");
    hdnet__net_enforce(net);
    return HDNET_OK;
}

/* State: header of 8 uint64 words, then m[n] and (Adam kinds) v[n] floats. */
#define OPT_MAGIC 0x4844504f70746d31ULL /* "HDPOptm1" */
#define OPT_HDR 8

size_t hdnet_optim_state_size(const hdnet_optim *opt)
{
    if (!opt)
        return 0;
    return OPT_HDR * sizeof(uint64_t) + opt->n * sizeof(float) * (opt->v ? 2 : 1);
}

int hdnet_optim_get_state(const hdnet_optim *opt, void *buf, size_t cap)
{
    if (!opt || !buf)
        return hdnet__error(HDNET_EINVAL, "opt or buf is NULL");
    size_t need = hdnet_optim_state_size(opt);
    if (cap < need)
        return hdnet__error(HDNET_ESHAPE, "state needs %zu bytes, buffer has %zu", need, cap);
    uint64_t h[OPT_HDR] = {OPT_MAGIC, (uint64_t)opt->kind, (uint64_t)opt->n, opt->k, 0, 0, 0, 0};
    memcpy(&h[4], &opt->lr, sizeof(double));
    unsigned char *p = buf;
    memcpy(p, h, sizeof h);
    p += sizeof h;
    memcpy(p, opt->m, opt->n * sizeof(float));
    p += opt->n * sizeof(float);
    if (opt->v)
        memcpy(p, opt->v, opt->n * sizeof(float));
    return HDNET_OK;
}

int hdnet_optim_set_state(hdnet_optim *opt, const void *buf, size_t len)
{
    if (!opt || !buf)
        return hdnet__error(HDNET_EINVAL, "opt or buf is NULL");
    size_t need = hdnet_optim_state_size(opt);
    if (len != need)
        return hdnet__error(HDNET_EFORMAT, "state of %zu bytes, expected %zu", len, need);
    uint64_t h[OPT_HDR];
    memcpy(h, buf, sizeof h);
    if (h[0] != OPT_MAGIC)
        return hdnet__error(HDNET_EFORMAT, "not an optimiser state");
    if (h[1] != (uint64_t)opt->kind || h[2] != (uint64_t)opt->n)
        return hdnet__error(HDNET_EFORMAT, "state of another optimiser kind or size");
    double lr;
    memcpy(&lr, &h[4], sizeof lr);
    if (!(lr >= 0) || !isfinite(lr))
        return hdnet__error(HDNET_EFORMAT, "state holds an invalid learning rate");
    const unsigned char *p = (const unsigned char *)buf + sizeof h;
    for (size_t i = 0; i < opt->n * (opt->v ? 2 : 1); i++) {
        float x;
        memcpy(&x, p + i * sizeof x, sizeof x);
        if (!isfinite(x) || (i >= opt->n && x < 0))
            return hdnet__error(HDNET_EFORMAT, "state holds a non-finite or negative moment");
    }
    opt->k = h[3];
    opt->lr = lr;
    memcpy(opt->m, p, opt->n * sizeof(float));
    p += opt->n * sizeof(float);
    if (opt->v)
        memcpy(opt->v, p, opt->n * sizeof(float));
    return HDNET_OK;
}

int hdnet_clip_grad_norm(const hdnet_net *net, float *grad, size_t grad_len, double max_norm,
                         double *norm, double *factor)
{
    if (!net || !grad)
        return hdnet__error(HDNET_EINVAL, "net or grad is NULL");
    if (grad_len != hdnet_net_num_params(net))
        return hdnet__error(HDNET_ESHAPE, "gradient of %zu values, network has %zu", grad_len,
                            hdnet_net_num_params(net));
    if (!(max_norm >= 0))
        return hdnet__error(HDNET_ERANGE, "max_norm %g must be >= 0", max_norm);
    hdnet__seg seg[HDNET__MAX_SEGS];
    size_t ns = hdnet__learned_segs(net, HDNET_DECAY_ALL, seg);
    double n = hdnet__seg_norm(grad, seg, ns);
    if (norm)
        *norm = n;
    if (!isfinite(n)) {
        if (factor)
            *factor = NAN;
        return hdnet__error(HDNET_EDIVERGED, "gradient norm is %g", n);
    }
    double f = 1.0;
    if (max_norm > 0) {
        f = max_norm / (n + 1e-6);
        if (f > 1.0)
            f = 1.0;
    }
    if (f < 1.0)
        hdnet__seg_scale(grad, seg, ns, f);
    if (factor)
        *factor = f;
    return HDNET_OK;
}

double hdnet__rate_rule(int rule, double lambda, double e_main, double e_h)
{
    switch (rule) {
    case HDNET_RATE_RULE_PYTORCH:
        return e_h >= e_main / 2 ? lambda * (2.0 / 3.0) : lambda;
    case HDNET_RATE_RULE_MATLAB:
        if (e_h >= e_main / 4)
            return lambda * (2.0 / 3.0);
        if (e_h <= e_main / 40)
            return lambda * 1.5;
        return lambda;
    default:
        return lambda;
    }
}

double hdnet__lr_at(const hdnet_config *cfg, size_t p, size_t U)
{
    const double lr = hdnet__cfg(cfg, HDNET_P_LR);
    const double lr_min = hdnet__cfg(cfg, HDNET_P_LR_MIN);
    const size_t warm = (size_t)hdnet__cfg(cfg, HDNET_P_WARMUP);
    if (p < warm)
        return lr * (double)(p + 1) / (double)warm;
    if ((int)hdnet__cfg(cfg, HDNET_P_LR_SCHEDULE) != HDNET_LR_COSINE || U <= warm)
        return lr;
    const double x = (double)(p - warm) / (double)(U - warm);
    return lr_min + 0.5 * (lr - lr_min) * (1.0 + cos(3.14159265358979323846 * x));
}
