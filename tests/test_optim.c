/* Optimisers and clipping: AdamW/Adam/SGD against double-precision formulas,
 * clipping, frozen blocks, state save/restore, error paths. */
#include "testutil.h"
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "train/train_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Per-step float rounding of a handful of operations: a few 1e-7 relative. */
#define TOL 2e-6

static hdnet_config *opt_cfg(int kind, double lr, double wd)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_recipe(cfg, "reference")); /* constant lr, no warm-up */
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_OPTIMIZER, kind));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_LR, lr));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_WEIGHT_DECAY, wd));
    return cfg;
}

static void close_rel(double got, double want, const char *what, int i)
{
    double d = fabs(got - want) / fmax(1e-3, fabs(want));
    ck_assert_msg(d < TOL, "%s[%d]: got %.9g want %.9g (rel %.2g)", what, i, got, want, d);
}

/* AdamW over 3 steps: segment [0,3) decayed, [4,6) learned without decay,
 * index 3 frozen (no segment). Expected values from the formulas in double. */
START_TEST(adamw_hand)
{
    const double lr = 0.05, wd = 0.2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    hdnet_config *cfg = opt_cfg(HDNET_OPT_ADAMW, lr, wd);
    hdnet__seg seg[2] = {{0, 3, 1}, {4, 2, 0}};
    hdnet_optim *o;
    ck_assert_ok(hdnet__optim_create_raw(&o, cfg, 6, seg, 2));
    float p[6] = {0.5f, -1.25f, 2.0f, 7.0f, 0.0f, -0.3f};
    const float g[3][6] = {{0.1f, -0.2f, 0.0f, 9.0f, 1.5f, -0.01f},
                           {-0.3f, 0.25f, 0.5f, 9.0f, 0.0f, 2.0f},
                           {0.05f, 0.0f, -1.0f, 9.0f, -2.5f, 0.7f}};
    double ep[6], em[6] = {0}, ev[6] = {0};
    for (int i = 0; i < 6; i++)
        ep[i] = p[i];
    for (int k = 1; k <= 3; k++) {
        hdnet__optim_step_raw(o, p, g[k - 1]);
        ck_assert_uint_eq(o->k, (uint64_t)k);
        for (int i = 0; i < 6; i++) {
            if (i == 3)
                continue;
            double gi = g[k - 1][i];
            if (i < 3)
                ep[i] = ep[i] * (1.0 - lr * wd);
            em[i] = b1 * em[i] + (1 - b1) * gi;
            ev[i] = b2 * ev[i] + (1 - b2) * gi * gi;
            double mhat_scale = lr / (1 - pow(b1, k));
            ep[i] -= mhat_scale * em[i] / (sqrt(ev[i]) / sqrt(1 - pow(b2, k)) + eps);
        }
        for (int i = 0; i < 6; i++) {
            if (i == 3)
                ck_assert_float_eq(p[3], 7.0f); /* frozen: untouched bitwise */
            else
                close_rel(p[i], ep[i], "adamw", i);
        }
    }
    /* the first step moves each entry with a nonzero gradient by about lr */
    hdnet_optim_free(o);
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(adam_no_decay)
{
    const double lr = 0.01, b1 = 0.9, b2 = 0.999;
    hdnet_config *cfg = opt_cfg(HDNET_OPT_ADAM, lr, 0.5);
    hdnet__seg seg[1] = {{0, 2, 1}};
    hdnet_optim *o;
    ck_assert_ok(hdnet__optim_create_raw(&o, cfg, 2, seg, 1));
    float p[2] = {3.0f, -2.0f};
    const float g[2] = {0.0f, 0.4f};
    double m = 0, v = 0, e = -2.0;
    for (int k = 1; k <= 4; k++) {
        hdnet__optim_step_raw(o, p, g);
        m = b1 * m + (1 - b1) * 0.4;
        v = b2 * v + (1 - b2) * 0.16;
        e -= lr / (1 - pow(b1, k)) * m / (sqrt(v) / sqrt(1 - pow(b2, k)) + 1e-8);
        ck_assert_float_eq(p[0], 3.0f); /* zero gradient, no decay: unchanged */
        close_rel(p[1], e, "adam", 1);
    }
    hdnet_optim_free(o);
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(sgd_momentum)
{
    const double lr = 0.1, mu = 0.5, wd = 0.01;
    hdnet_config *cfg = opt_cfg(HDNET_OPT_SGD, lr, wd);
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_SGD_MOMENTUM, mu));
    hdnet__seg seg[2] = {{0, 1, 1}, {1, 1, 0}};
    hdnet_optim *o;
    ck_assert_ok(hdnet__optim_create_raw(&o, cfg, 2, seg, 2));
    float p[2] = {1.0f, 1.0f};
    const float g[3] = {0.5f, -1.0f, 0.25f};
    double e[2] = {1, 1}, buf[2] = {0, 0};
    for (int k = 0; k < 3; k++) {
        float gg[2] = {g[k], g[k]};
        hdnet__optim_step_raw(o, p, gg);
        for (int i = 0; i < 2; i++) {
            double gi = g[k] + (i == 0 ? wd * e[i] : 0.0);
            buf[i] = k == 0 ? gi : mu * buf[i] + gi;
            e[i] -= lr * buf[i];
            close_rel(p[i], e[i], "sgd", i);
        }
    }
    hdnet_optim_free(o);
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(rate_rule_and_lr)
{
    /* PyTorch: x2/3 when E_h >= E_main/2, never up */
    ck_assert_double_eq(hdnet__rate_rule(HDNET_RATE_RULE_PYTORCH, 0.3, 1.0, 0.5), 0.3 * (2.0 / 3.0));
    ck_assert_double_eq(hdnet__rate_rule(HDNET_RATE_RULE_PYTORCH, 0.3, 1.0, 0.4999), 0.3);
    ck_assert_double_eq(hdnet__rate_rule(HDNET_RATE_RULE_PYTORCH, 0.3, 1.0, 0.0), 0.3);
    /* MATLAB: x2/3 when >= E_main/4, x3/2 when <= E_main/40 */
    ck_assert_double_eq(hdnet__rate_rule(HDNET_RATE_RULE_MATLAB, 0.3, 1.0, 0.25), 0.3 * (2.0 / 3.0));
    ck_assert_double_eq(hdnet__rate_rule(HDNET_RATE_RULE_MATLAB, 0.3, 1.0, 0.1), 0.3);
    ck_assert_double_eq(hdnet__rate_rule(HDNET_RATE_RULE_MATLAB, 0.3, 1.0, 0.025), 0.3 * 1.5);
    ck_assert_double_eq(hdnet__rate_rule(HDNET_RATE_RULE_FIXED, 0.3, 1.0, 100.0), 0.3);

    hdnet_config *cfg = opt_cfg(HDNET_OPT_ADAMW, 1e-3, 0.01);
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_LR_SCHEDULE, HDNET_LR_CONSTANT));
    ck_assert_double_eq(hdnet__lr_at(cfg, 0, 100), 1e-3);
    ck_assert_double_eq(hdnet__lr_at(cfg, 99, 100), 1e-3);
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_LR_SCHEDULE, HDNET_LR_COSINE));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_LR_MIN, 1e-5));
    ck_assert_double_eq_tol(hdnet__lr_at(cfg, 0, 100), 1e-3, 1e-15);
    ck_assert_double_eq_tol(hdnet__lr_at(cfg, 50, 100), 0.5 * (1e-3 + 1e-5), 1e-15);
    double prev = 1;
    for (size_t p = 0; p < 100; p++) { /* monotone non-increasing, above lr_min */
        double l = hdnet__lr_at(cfg, p, 100);
        ck_assert(l <= prev && l >= 1e-5);
        prev = l;
    }
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_WARMUP, 10));
    ck_assert_double_eq_tol(hdnet__lr_at(cfg, 0, 100), 1e-4, 1e-15);
    ck_assert_double_eq_tol(hdnet__lr_at(cfg, 9, 100), 1e-3, 1e-15);
    ck_assert_double_eq_tol(hdnet__lr_at(cfg, 10, 100), 1e-3, 1e-15);
    hdnet_config_free(cfg);
}
END_TEST

/* A tiny network with b_out frozen (default) and the diagonal held at 0. */
static hdnet_net *tiny_net(hdnet_config **cfg_out)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, 4));
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_LIBRARY, 7));
    hdnet_net *net;
    ck_assert_ok(hdnet_net_create(&net, cfg, r));
    hdnet_rng_free(r);
    *cfg_out = cfg;
    return net;
}

START_TEST(net_blocks_and_scope)
{
    hdnet_config *cfg;
    hdnet_net *net = tiny_net(&cfg);
    const size_t P = hdnet_net_num_params(net);
    float *g = calloc(P, sizeof *g), *p0 = malloc(P * sizeof *p0), *p1 = malloc(P * sizeof *p1);
    ck_assert_ptr_nonnull(g);
    /* a nonzero a0 and b_rec so that decay is visible; gradient zero everywhere */
    size_t off_b, off_a0, off_bout, off_w, rows;
    ck_assert_ok(hdnet_net_block_info(net, HDNET_B_REC, &rows, NULL, &off_b));
    ck_assert_ok(hdnet_net_block_info(net, HDNET_A0, NULL, NULL, &off_a0));
    ck_assert_ok(hdnet_net_block_info(net, HDNET_B_OUT, NULL, NULL, &off_bout));
    ck_assert_ok(hdnet_net_block_info(net, HDNET_W_REC, NULL, NULL, &off_w));
    float a0[4] = {0.5f, -0.5f, 1.0f, 2.0f};
    ck_assert_ok(hdnet_net_set_block(net, HDNET_A0, a0, 4));
    float bo[2] = {0.25f, -0.75f};
    ck_assert_ok(hdnet_net_set_block(net, HDNET_B_OUT, bo, 2));
    ck_assert_ok(hdnet_net_copy_params(net, p0, P));

    for (int scope = 0; scope < 2; scope++) {
        ck_assert_ok(hdnet_net_set_params(net, p0, P));
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_DECAY_SCOPE, scope));
        ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_LR, 0.1));
        ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_WEIGHT_DECAY, 0.5));
        hdnet_optim *o;
        ck_assert_ok(hdnet_optim_create(&o, cfg, net));
        for (size_t i = 0; i < P; i++)
            g[i] = 0.01f * (float)((int)(i % 7) - 3);
        for (size_t i = 0; i < 4; i++) /* gradient on the diagonal and b_out is ignored */
            g[off_w + i * 4 + i] = 5.0f;
        g[off_bout] = 3.0f;
        for (size_t i = 0; i < 4; i++)
            g[off_a0 + i] = 0.0f;
        ck_assert_ok(hdnet_optim_step(o, net, g, P));
        ck_assert_ok(hdnet_net_copy_params(net, p1, P));
        for (size_t i = 0; i < 4; i++) {
            ck_assert_float_eq(p1[off_w + i * 4 + i], 0.0f); /* no self-connections */
            /* a0: zero gradient; decays only under scope all */
            float want = scope == HDNET_DECAY_ALL ? p0[off_a0 + i] * (float)(1.0 - 0.1 * 0.5)
                                                  : p0[off_a0 + i];
            ck_assert_float_eq_tol(p1[off_a0 + i], want, 1e-7);
        }
        ck_assert_float_eq(p1[off_bout], p0[off_bout]); /* frozen: bitwise */
        ck_assert_float_eq(p1[off_bout + 1], p0[off_bout + 1]);
        ck_assert_uint_eq(hdnet_optim_steps(o), 1);
        hdnet_optim_free(o);
    }
    free(g);
    free(p0);
    free(p1);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(clipping)
{
    hdnet_config *cfg;
    hdnet_net *net = tiny_net(&cfg);
    const size_t P = hdnet_net_num_params(net);
    float *g = malloc(P * sizeof *g), *g0 = malloc(P * sizeof *g0);
    size_t off_bout;
    ck_assert_ok(hdnet_net_block_info(net, HDNET_B_OUT, NULL, NULL, &off_bout));
    double want2 = 0;
    for (size_t i = 0; i < P; i++) {
        g0[i] = (float)(0.5 + 0.25 * (double)(i % 5)) * ((i & 1) ? -1.0f : 1.0f);
        if (i != off_bout && i != off_bout + 1) /* frozen b_out does not count */
            want2 += (double)g0[i] * g0[i];
    }
    g0[off_bout] = 1000.0f;
    g0[off_bout + 1] = -1000.0f;
    const double want = sqrt(want2);
    double n, f;
    /* below the threshold: unchanged */
    memcpy(g, g0, P * sizeof *g);
    ck_assert_ok(hdnet_clip_grad_norm(net, g, P, want * 2, &n, &f));
    ck_assert_double_eq_tol(n, want, 1e-12 * want);
    ck_assert_double_eq(f, 1.0);
    ck_assert_mem_eq(g, g0, P * sizeof *g);
    /* above: scaled by clip/(n + 1e-6), frozen entries untouched */
    ck_assert_ok(hdnet_clip_grad_norm(net, g, P, 1.0, &n, &f));
    ck_assert_double_eq_tol(f, 1.0 / (want + 1e-6), 1e-15);
    double after = 0;
    for (size_t i = 0; i < P; i++) {
        if (i == off_bout || i == off_bout + 1) {
            ck_assert_float_eq(g[i], g0[i]);
            continue;
        }
        ck_assert_float_eq(g[i], g0[i] * (float)f);
        after += (double)g[i] * g[i];
    }
    ck_assert_double_eq_tol(sqrt(after), 1.0, 1e-6);
    /* clip = 0: off, still reports the norm */
    memcpy(g, g0, P * sizeof *g);
    ck_assert_ok(hdnet_clip_grad_norm(net, g, P, 0.0, &n, &f));
    ck_assert_double_eq(f, 1.0);
    ck_assert_double_eq_tol(n, want, 1e-12 * want);
    /* non-finite */
    g[0] = NAN;
    ck_assert_status(hdnet_clip_grad_norm(net, g, P, 1.0, &n, &f), HDNET_EDIVERGED);
    g[0] = INFINITY;
    ck_assert_status(hdnet_clip_grad_norm(net, g, P, 1.0, NULL, NULL), HDNET_EDIVERGED);
    ck_assert_status(hdnet_clip_grad_norm(net, g, P, -1.0, NULL, NULL), HDNET_ERANGE);
    ck_assert_status(hdnet_clip_grad_norm(net, g, P, NAN, NULL, NULL), HDNET_ERANGE);
    ck_assert_status(hdnet_clip_grad_norm(net, g, P - 1, 1.0, NULL, NULL), HDNET_ESHAPE);
    ck_assert_status(hdnet_clip_grad_norm(NULL, g, P, 1.0, NULL, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_clip_grad_norm(net, NULL, P, 1.0, NULL, NULL), HDNET_EINVAL);
    free(g);
    free(g0);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(state_roundtrip)
{
    for (int kind = 0; kind < 3; kind++) {
        hdnet_config *cfg = opt_cfg(kind, 0.01, 0.1);
        hdnet__seg seg[1] = {{0, 5, 1}};
        hdnet_optim *a, *b;
        ck_assert_ok(hdnet__optim_create_raw(&a, cfg, 5, seg, 1));
        ck_assert_ok(hdnet__optim_create_raw(&b, cfg, 5, seg, 1));
        float pa[5] = {1, 2, 3, 4, 5}, g[5] = {0.1f, -0.2f, 0.3f, -0.4f, 0.5f};
        hdnet__optim_step_raw(a, pa, g);
        hdnet__optim_step_raw(a, pa, g);
        ck_assert_ok(hdnet_optim_set_lr(a, 0.003));
        size_t sz = hdnet_optim_state_size(a);
        ck_assert_uint_gt(sz, 5 * sizeof(float));
        unsigned char *buf = malloc(sz);
        ck_assert_status(hdnet_optim_get_state(a, buf, sz - 1), HDNET_ESHAPE);
        ck_assert_ok(hdnet_optim_get_state(a, buf, sz));
        ck_assert_ok(hdnet_optim_set_state(b, buf, sz));
        ck_assert_uint_eq(hdnet_optim_steps(b), 2);
        ck_assert_double_eq(hdnet_optim_get_lr(b), 0.003);
        float pb[5];
        memcpy(pb, pa, sizeof pa);
        hdnet__optim_step_raw(a, pa, g);
        hdnet__optim_step_raw(b, pb, g);
        ck_assert_mem_eq(pa, pb, sizeof pa); /* bit-identical continuation */
        /* malformed states leave b unchanged */
        ck_assert_status(hdnet_optim_set_state(b, buf, sz - 1), HDNET_EFORMAT);
        buf[0] ^= 0xff;
        ck_assert_status(hdnet_optim_set_state(b, buf, sz), HDNET_EFORMAT);
        ck_assert_uint_eq(hdnet_optim_steps(b), 3);
        free(buf);
        hdnet_optim_free(a);
        hdnet_optim_free(b);
        hdnet_config_free(cfg);
    }
    /* another kind's state is rejected */
    hdnet_config *c1 = opt_cfg(HDNET_OPT_ADAMW, 0.01, 0), *c2 = opt_cfg(HDNET_OPT_ADAM, 0.01, 0);
    hdnet__seg seg[1] = {{0, 3, 1}};
    hdnet_optim *a, *b;
    ck_assert_ok(hdnet__optim_create_raw(&a, c1, 3, seg, 1));
    ck_assert_ok(hdnet__optim_create_raw(&b, c2, 3, seg, 1));
    size_t sz = hdnet_optim_state_size(a);
    void *buf = malloc(sz);
    ck_assert_ok(hdnet_optim_get_state(a, buf, sz));
    ck_assert_status(hdnet_optim_set_state(b, buf, sz), HDNET_EFORMAT);
    free(buf);
    hdnet_optim_free(a);
    hdnet_optim_free(b);
    hdnet_config_free(c1);
    hdnet_config_free(c2);
}
END_TEST

START_TEST(errors)
{
    hdnet_config *cfg;
    hdnet_net *net = tiny_net(&cfg);
    hdnet_optim *o = (hdnet_optim *)1;
    ck_assert_status(hdnet_optim_create(&o, NULL, net), HDNET_EINVAL);
    ck_assert_ptr_null(o);
    ck_assert_status(hdnet_optim_create(&o, cfg, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_optim_create(NULL, cfg, net), HDNET_EINVAL);
    ck_assert_ok(hdnet_optim_create(&o, cfg, net));
    const size_t P = hdnet_net_num_params(net);
    float *g = calloc(P, sizeof *g);
    ck_assert_status(hdnet_optim_step(o, net, g, P - 1), HDNET_ESHAPE);
    ck_assert_status(hdnet_optim_step(NULL, net, g, P), HDNET_EINVAL);
    ck_assert_status(hdnet_optim_step(o, NULL, g, P), HDNET_EINVAL);
    ck_assert_status(hdnet_optim_step(o, net, NULL, P), HDNET_EINVAL);
    /* a network of another layout */
    hdnet_config *c2;
    hdnet_net *other = tiny_net(&c2);
    ck_assert_ok(hdnet_config_set_int(c2, HDNET_P_UNITS, 5));
    hdnet_net_free(other);
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_LIBRARY, 1));
    ck_assert_ok(hdnet_net_create(&other, c2, r));
    ck_assert_status(hdnet_optim_step(o, other, g, P), HDNET_ESHAPE);
    ck_assert_status(hdnet_optim_set_lr(o, -1), HDNET_ERANGE);
    ck_assert_status(hdnet_optim_set_lr(o, NAN), HDNET_ERANGE);
    ck_assert_status(hdnet_optim_set_lr(o, INFINITY), HDNET_ERANGE);
    ck_assert_status(hdnet_optim_set_lr(NULL, 1), HDNET_EINVAL);
    ck_assert(isnan(hdnet_optim_get_lr(NULL)));
    ck_assert_uint_eq(hdnet_optim_steps(NULL), 0);
    ck_assert_uint_eq(hdnet_optim_state_size(NULL), 0);
    ck_assert_status(hdnet_optim_get_state(NULL, g, 4), HDNET_EINVAL);
    ck_assert_status(hdnet_optim_get_state(o, NULL, 4), HDNET_EINVAL);
    ck_assert_status(hdnet_optim_set_state(NULL, g, 4), HDNET_EINVAL);
    ck_assert_status(hdnet_optim_set_state(o, NULL, 4), HDNET_EINVAL);
    hdnet_optim_free(NULL);
    hdnet_optim_free(o);
    hdnet_rng_free(r);
    hdnet_net_free(other);
    hdnet_config_free(c2);
    free(g);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

Suite *hdnet_suite_optim(void)
{
    Suite *s = suite_create("optim");
    TCase *tc = tcase_create("formulas");
    tcase_add_test(tc, adamw_hand);
    tcase_add_test(tc, adam_no_decay);
    tcase_add_test(tc, sgd_momentum);
    tcase_add_test(tc, rate_rule_and_lr);
    suite_add_tcase(s, tc);
    tc = tcase_create("net");
    tcase_add_test(tc, net_blocks_and_scope);
    tcase_add_test(tc, clipping);
    suite_add_tcase(s, tc);
    tc = tcase_create("state");
    tcase_add_test(tc, state_roundtrip);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return s;
}
