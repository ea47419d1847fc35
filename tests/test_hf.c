/* The Hessian-free optimiser: its gradient against the engine's, the
 * Gauss-Newton-vector product against an explicit J'HJ built from
 * finite-difference Jacobians of a double-precision forward pass and against
 * finite differences of the gradient, structural damping, CG against a direct
 * solve, and the trainer with the `matlab` recipe. */
#include "testutil.h"
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "train/hf_priv.h"
#include "train/hf_state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { N = 5, I = 3, O = 2, B = 2, T = 7 };

/* A tiny network with every block random (a0 too, and learned), a partial
 * mask, rate noise, the rate penalty and the W_rec decay wrec_l2: each term of
 * the curvature is live. */
static hdnet_net *tiny_net(double weight_l2, double wrec_l2, hdnet_rng *r)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, N));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_WEIGHT_L2, weight_l2));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_WREC_L2, wrec_l2));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_LEARN_B_OUT, 1));
    hdnet_net *net;
    ck_assert_ok(hdnet_net_create(&net, cfg, r));
    hdnet_config_free(cfg);
    const size_t P = hdnet_net_num_params(net);
    float *p = hdnet__net_params(net);
    for (size_t k = 0; k < P; k++) {
        double z;
        ck_assert_ok(hdnet_rng_normal(r, &z, 1));
        p[k] = (float)(0.6 * z);
    }
    for (size_t j = 0; j < N; j++)
        p[net->off[HDNET_B_REC] + j] = 0.3f + 0.2f * p[net->off[HDNET_B_REC] + j];
    hdnet__net_enforce(net);
    return net;
}

typedef struct {
    float x[B * T * I], y[B * T * O], m[B * T * O], noise[B * T * N];
} batch;

static void make_batch(batch *bt, hdnet_rng *r)
{
    double z;
    for (size_t i = 0; i < B * T * I; i++) {
        ck_assert_ok(hdnet_rng_normal(r, &z, 1));
        bt->x[i] = (float)z;
    }
    for (size_t i = 0; i < B * T * O; i++) {
        ck_assert_ok(hdnet_rng_normal(r, &z, 1));
        bt->y[i] = (float)(0.5 * z);
        bt->m[i] = (i / O) % T < 2 ? 0.0f : 1.0f; /* a cue of 2 steps */
    }
    for (size_t i = 0; i < B * T * N; i++) {
        ck_assert_ok(hdnet_rng_normal(r, &z, 1));
        bt->noise[i] = (float)(0.1 * z);
    }
}

/* Double-precision forward pass of the model equations (docs/training.md):
 * pre-activations A, rates H (noisy) and outputs Y, each [B][T][.]. */
static void forward_d(const hdnet_net *net, const double *p, const batch *bt, double *A, double *H,
                      double *Y)
{
    const double *win = p + net->off[HDNET_W_IN], *b = p + net->off[HDNET_B_REC],
                 *w = p + net->off[HDNET_W_REC], *wo = p + net->off[HDNET_W_OUT],
                 *bo = p + net->off[HDNET_B_OUT], *a0 = p + net->off[HDNET_A0];
    for (size_t tr = 0; tr < B; tr++) {
        double a[N], h[N], hn[N];
        for (size_t j = 0; j < N; j++) {
            a[j] = a0[j];
            h[j] = hdnet__act_f(net->act, net->slope, a0[j]);
        }
        for (size_t t = 0; t < T; t++) {
            const float *xt = bt->x + (tr * T + t) * I;
            for (size_t j = 0; j < N; j++) {
                double z = b[j];
                for (size_t k = 0; k < N; k++)
                    z += w[j * N + k] * h[k];
                for (size_t k = 0; k < I; k++)
                    z += win[j * I + k] * xt[k];
                a[j] += net->alpha[j] * (z - a[j]);
            }
            for (size_t j = 0; j < N; j++) {
                hn[j] = hdnet__act_f(net->act, net->slope, a[j]) + bt->noise[(tr * T + t) * N + j];
                A[(tr * T + t) * N + j] = a[j];
                H[(tr * T + t) * N + j] = hn[j];
            }
            memcpy(h, hn, sizeof h);
            for (size_t k = 0; k < O; k++) {
                double yv = bo[k];
                for (size_t j = 0; j < N; j++)
                    yv += wo[k * N + j] * h[j];
                Y[(tr * T + t) * O + k] = yv;
            }
        }
    }
}

/* The damped Gauss-Newton matrix times v, explicitly: Jacobians of y, h and a
 * by central differences of forward_d (step 1e-6 in double: error ~1e-10),
 *   G v = J_y' (2c M) J_y v + (2 lh/BTN) J_h' J_h v + (lsd/BTN) J_a' D J_a v
 *       + damping v on W_in and W_out + (2 wrec_l2/N^2) v on W_rec, masked. */
static void explicit_gv(const hdnet_net *net, const batch *bt, double lh, double lsd, double damping,
                        const float *v, double *out)
{
    const size_t P = net->n_params, NA = B * T * N, NY = B * T * O;
    double *p = malloc(P * sizeof *p), *A = malloc(NA * sizeof *A), *H = malloc(NA * sizeof *H),
           *Y = malloc(NY * sizeof *Y);
    double *Ja = malloc(P * NA * sizeof *Ja), *Jh = malloc(P * NA * sizeof *Jh),
           *Jy = malloc(P * NY * sizeof *Jy);
    double *A2 = malloc(NA * sizeof *A2), *H2 = malloc(NA * sizeof *H2), *Y2 = malloc(NY * sizeof *Y2);
    for (size_t k = 0; k < P; k++)
        p[k] = net->params[k];
    const double eps = 1e-6;
    for (size_t k = 0; k < P; k++) {
        const double p0 = p[k];
        p[k] = p0 + eps;
        forward_d(net, p, bt, A, H, Y);
        p[k] = p0 - eps;
        forward_d(net, p, bt, A2, H2, Y2);
        p[k] = p0;
        for (size_t i = 0; i < NA; i++) {
            Ja[k * NA + i] = (A[i] - A2[i]) / (2 * eps);
            Jh[k * NA + i] = (H[i] - H2[i]) / (2 * eps);
        }
        for (size_t i = 0; i < NY; i++)
            Jy[k * NY + i] = (Y[i] - Y2[i]) / (2 * eps);
    }
    forward_d(net, p, bt, A, H, Y);
    double msum = 0;
    for (size_t i = 0; i < NY; i++)
        msum += bt->m[i];
    const double c = 1.0 / msum, btn = (double)NA;
    for (size_t k = 0; k < P; k++)
        out[k] = 0;
    for (size_t i = 0; i < NY; i++) {
        double jv = 0;
        for (size_t k = 0; k < P; k++)
            jv += Jy[k * NY + i] * v[k];
        for (size_t k = 0; k < P; k++)
            out[k] += Jy[k * NY + i] * 2 * c * bt->m[i] * jv;
    }
    for (size_t i = 0; i < NA; i++) {
        double hv = 0, av = 0;
        for (size_t k = 0; k < P; k++) {
            hv += Jh[k * NA + i] * v[k];
            av += Ja[k * NA + i] * v[k];
        }
        const double d = hdnet__act_df(net->act, net->slope, net->kink, A[i]);
        for (size_t k = 0; k < P; k++)
            out[k] += 2 * lh / btn * Jh[k * NA + i] * hv + lsd / btn * Ja[k * NA + i] * d * av;
    }
    const int blk[2] = {HDNET_W_IN, HDNET_W_OUT};
    for (int q = 0; q < 2; q++)
        for (size_t i = 0; i < net->rows[blk[q]] * net->cols[blk[q]]; i++)
            out[net->off[blk[q]] + i] += damping * v[net->off[blk[q]] + i];
    for (size_t i = 0; i < N * N; i++)
        out[net->off[HDNET_W_REC] + i] += 2.0 * net->wrec_l2 / (N * N) * v[net->off[HDNET_W_REC] + i];
    for (int b2 = 0; b2 < HDNET_NBLOCKS; b2++)
        if (!net->learn[b2])
            for (size_t i = 0; i < net->rows[b2] * net->cols[b2]; i++)
                out[net->off[b2] + i] = 0;
    for (size_t j = 0; j < N; j++)
        out[net->off[HDNET_W_REC] + j * N + j] = 0;
    free(p), free(A), free(H), free(Y), free(Ja), free(Jh), free(Jy), free(A2), free(H2), free(Y2);
}

static hdnet__hf *tiny_hf(const hdnet_net *net)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    hdnet__hf *hf;
    ck_assert_ok(hdnet__hf_create(&hf, cfg, net, B, T));
    hdnet_config_free(cfg);
    return hf;
}

static void random_vec(const hdnet_net *net, float *v, hdnet_rng *r)
{
    for (size_t k = 0; k < net->n_params; k++) {
        double z;
        ck_assert_ok(hdnet_rng_normal(r, &z, 1));
        v[k] = (float)z;
    }
}

/* max |a - b| / max |b|, a float against a double reference */
static double rel_err(const float *a, const double *b, size_t n)
{
    double e = 0, s = 0;
    for (size_t k = 0; k < n; k++) {
        e = fmax(e, fabs(a[k] - b[k]));
        s = fmax(s, fabs(b[k]));
    }
    return e / s;
}

START_TEST(gradient_matches_engine)
{
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, 0, 11));
    hdnet_net *net = tiny_net(0.3, 0.7, r);
    batch bt;
    make_batch(&bt, r);
    hdnet__hf *hf = tiny_hf(net);
    hdnet__engine *e;
    ck_assert_ok(hdnet__engine_create(&e, net, B, T, 1));
    const size_t P = net->n_params;
    float *g1 = malloc(P * sizeof *g1), *g2 = malloc(P * sizeof *g2);
    double l1[HDNET_NLOSS], l2[HDNET_NLOSS];
    ck_assert_ok(hdnet__hf_loss_grad(hf, net, B, bt.x, bt.y, bt.m, bt.noise, 0.2, l1, g1));
    ck_assert_ok(hdnet__engine_loss_grad(e, net, B, bt.x, bt.y, bt.m, bt.noise, NULL, 0.2, l2, g2));
    /* two float implementations of the same sums (SGEMM against the engine's
     * kernels): a few float roundings over ~30 terms, 1e-5 relative */
    for (int k = 0; k < HDNET_NLOSS; k++)
        ck_assert_msg(fabs(l1[k] - l2[k]) <= 1e-5 * fabs(l2[k]), "loss %d: %g vs %g", k, l1[k], l2[k]);
    size_t where;
    double d = tu_max_rel_diff_f(g1, g2, P, &where);
    ck_assert_msg(d < 1e-5, "gradient differs by %g at %zu", d, where);
    free(g1);
    free(g2);
    hdnet__engine_free(e);
    hdnet__hf_free(hf);
    hdnet_net_free(net);
    hdnet_rng_free(r);
}
END_TEST

START_TEST(gv_matches_explicit_gauss_newton)
{
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, 0, 12));
    hdnet_net *net = tiny_net(0.3, 0.7, r);
    batch bt;
    make_batch(&bt, r);
    hdnet__hf *hf = tiny_hf(net);
    const size_t P = net->n_params;
    float *v = malloc(P * sizeof *v), *gv = malloc(P * sizeof *gv), *gv0 = malloc(P * sizeof *gv0);
    double *ref = malloc(P * sizeof *ref), *ref0 = malloc(P * sizeof *ref0), loss[HDNET_NLOSS];
    ck_assert_ok(hdnet__hf_loss_grad(hf, net, B, bt.x, bt.y, bt.m, bt.noise, 0.2, loss, NULL));
    for (int rep = 0; rep < 3; rep++) {
        random_vec(net, v, r);
        /* every term at once: main loss, rate L2, structural damping, Tikhonov,
         * W_rec decay */
        hdnet__hf_gv(hf, net, 0.2, 30.0, 0.05, v, gv);
        explicit_gv(net, &bt, 0.2, 30.0, 0.05, v, ref);
        /* float passes against a double reference with 1e-10 Jacobian error:
         * float rounding over T = 7 steps of N = 5 terms, ~1e-6; 1e-4 leaves
         * room for the SGEMM's summation order */
        double err = rel_err(gv, ref, P);
        ck_assert_msg(err < 1e-4, "G v differs from J'HJ v by %g", err);
        /* structural damping alone: the difference of two products is
         * (lsd/BTN) J_a' D J_a v, symmetric positive semi-definite */
        hdnet__hf_gv(hf, net, 0.2, 0.0, 0.05, v, gv0);
        explicit_gv(net, &bt, 0.2, 0.0, 0.05, v, ref0);
        for (size_t k = 0; k < P; k++) {
            gv0[k] = gv[k] - gv0[k];
            ref0[k] = ref[k] - ref0[k];
        }
        err = rel_err(gv0, ref0, P);
        ck_assert_msg(err < 1e-4, "structural damping term differs by %g", err);
        double vsv = 0;
        for (size_t k = 0; k < P; k++)
            vsv += (double)v[k] * gv0[k];
        ck_assert(vsv > 0);
    }
    free(v), free(gv), free(gv0), free(ref), free(ref0);
    hdnet__hf_free(hf);
    hdnet_net_free(net);
    hdnet_rng_free(r);
}
END_TEST

START_TEST(gv_is_the_curvature_of_the_gradient)
{
    /* With zero residual (targets = the network's own outputs), no rate
     * penalty and no damping, the Gauss-Newton matrix is the Hessian of the
     * main loss plus the W_rec decay (quadratic, so its curvature is exact),
     * so G v is the derivative of the gradient along v. */
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, 0, 13));
    hdnet_net *net = tiny_net(1e-12, 0.7, r);
    batch bt;
    make_batch(&bt, r);
    hdnet__engine *e;
    ck_assert_ok(hdnet__engine_create(&e, net, B, T, 1));
    float yself[B * T * O];
    ck_assert_ok(hdnet__engine_run(e, net, B, bt.x, bt.noise, NULL, NULL, NULL, yself, NULL, NULL));
    memcpy(bt.y, yself, sizeof yself);
    hdnet__hf *hf = tiny_hf(net);
    const size_t P = net->n_params;
    float *v = malloc(P * sizeof *v), *gv = malloc(P * sizeof *gv), *gp = malloc(P * sizeof *gp),
          *gm = malloc(P * sizeof *gm);
    double *fd = malloc(P * sizeof *fd), loss[HDNET_NLOSS];
    hdnet_net *probe;
    ck_assert_ok(hdnet_net_clone(net, &probe));
    random_vec(net, v, r);
    hdnet__hf_mask(net, v);
    ck_assert_ok(hdnet__hf_loss_grad(hf, net, B, bt.x, bt.y, bt.m, bt.noise, 0.0, loss, NULL));
    ck_assert(loss[HDNET_LOSS_MAIN] < 1e-10);
    hdnet__hf_gv(hf, net, 0.0, 0.0, 0.0, v, gv);
    /* central differences of the float gradient, step 1e-3: truncation
     * O(1e-6), rounding ~1e-7/1e-3 = 1e-4 of the gradient's scale */
    const float eps = 1e-3f;
    for (int s = 0; s < 2; s++) {
        float *p = hdnet__net_params(probe);
        for (size_t k = 0; k < P; k++)
            p[k] = net->params[k] + (s ? -eps : eps) * v[k];
        ck_assert_ok(hdnet__hf_loss_grad(hf, probe, B, bt.x, bt.y, bt.m, bt.noise, 0.0, loss, s ? gm : gp));
    }
    for (size_t k = 0; k < P; k++)
        fd[k] = ((double)gp[k] - gm[k]) / (2.0 * eps);
    double err = rel_err(gv, fd, P);
    ck_assert_msg(err < 2e-3, "G v differs from the gradient's derivative by %g", err);
    free(v), free(gv), free(gp), free(gm), free(fd);
    hdnet_net_free(probe);
    hdnet__hf_free(hf);
    hdnet__engine_free(e);
    hdnet_net_free(net);
    hdnet_rng_free(r);
}
END_TEST

/* ---- CG ---- */

enum { CN = 20 };
static double spd[CN * CN];

static void apply_spd(void *ctx, const float *v, float *out)
{
    (void)ctx;
    for (size_t i = 0; i < CN; i++) {
        double s = 0;
        for (size_t j = 0; j < CN; j++)
            s += spd[i * CN + j] * v[j];
        out[i] = (float)s;
    }
}

/* Gaussian elimination with partial pivoting, in double. */
static void solve(const double *a_in, const double *b_in, double *x)
{
    double a[CN * CN], b[CN];
    memcpy(a, a_in, sizeof a);
    memcpy(b, b_in, sizeof b);
    for (size_t c = 0; c < CN; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < CN; r++)
            if (fabs(a[r * CN + c]) > fabs(a[piv * CN + c]))
                piv = r;
        for (size_t k = 0; k < CN; k++) {
            double t = a[c * CN + k];
            a[c * CN + k] = a[piv * CN + k];
            a[piv * CN + k] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (size_t r = c + 1; r < CN; r++) {
            double f = a[r * CN + c] / a[c * CN + c];
            for (size_t k = c; k < CN; k++)
                a[r * CN + k] -= f * a[c * CN + k];
            b[r] -= f * b[c];
        }
    }
    for (size_t c = CN; c-- > 0;) {
        double s = b[c];
        for (size_t k = c + 1; k < CN; k++)
            s -= a[c * CN + k] * x[k];
        x[c] = s / a[c * CN + c];
    }
}

START_TEST(cg_solves_spd_system)
{
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, 0, 14));
    double q[CN * CN], bd[CN], x[CN];
    ck_assert_ok(hdnet_rng_normal(r, q, CN * CN));
    ck_assert_ok(hdnet_rng_normal(r, bd, CN));
    /* A = Q'Q/CN + 0.5 I: SPD with a condition number of about 20 */
    for (size_t i = 0; i < CN; i++)
        for (size_t j = 0; j < CN; j++) {
            double s = i == j ? 0.5 : 0.0;
            for (size_t k = 0; k < CN; k++)
                s += q[k * CN + i] * q[k * CN + j] / CN;
            spd[i * CN + j] = s;
        }
    solve(spd, bd, x);
    float b[CN], d[CN], work[3 * CN], kbuf[16][CN];
    float *keep[16];
    size_t keep_iter[16], n_keep;
    double keep_phi[16];
    for (int k = 0; k < 16; k++)
        keep[k] = kbuf[k];
    for (size_t i = 0; i < CN; i++) {
        b[i] = (float)bd[i];
        d[i] = 0.0f;
    }
    /* Martens' rule never stops before iteration 11; 60 iterations are more
     * than CN, so CG has converged (in exact arithmetic after CN) */
    size_t it = hdnet__hf_cg(apply_spd, NULL, CN, b, d, 60, keep, 16, keep_iter, keep_phi, &n_keep, work);
    ck_assert_uint_ge(it, 11);
    double err = rel_err(d, x, CN);
    /* float iterates of a condition-20 system: ~1e-6 */
    ck_assert_msg(err < 1e-4, "CG solution differs from the direct solve by %g", err);
    /* the kept iterates are 5, 7, 9, 11, ... and the last, with phi = d'Ad/2 - b'd */
    ck_assert_uint_eq(keep_iter[0], 5);
    ck_assert_uint_eq(keep_iter[1], 7);
    ck_assert_uint_eq(keep_iter[2], 9);
    ck_assert_uint_eq(keep_iter[n_keep - 1], it);
    float ad[CN];
    apply_spd(NULL, d, ad);
    double phi = 0;
    for (size_t i = 0; i < CN; i++)
        phi += 0.5 * (double)d[i] * ad[i] - bd[i] * d[i];
    ck_assert_double_eq_tol(keep_phi[n_keep - 1], phi, 1e-4 * fabs(phi));
    for (size_t k = 1; k < n_keep; k++) /* CG decreases phi monotonically */
        ck_assert(keep_phi[k] <= keep_phi[k - 1] + 1e-6 * fabs(keep_phi[k - 1]));
    /* a cap of 5 iterations stops there */
    memset(d, 0, sizeof d);
    ck_assert_uint_eq(hdnet__hf_cg(apply_spd, NULL, CN, b, d, 5, keep, 16, keep_iter, keep_phi, &n_keep,
                                   work), 5);
    hdnet_rng_free(r);
}
END_TEST

/* ---- the trainer ---- */

static int count_progress(const hdnet_progress *p, void *user)
{
    double *first = user;
    if (hdnet_progress_update(p) == 0)
        *first = hdnet_progress_loss(p, HDNET_LOSS_MAIN);
    first[1] = hdnet_progress_loss(p, HDNET_LOSS_MAIN);
    return 0;
}

START_TEST(matlab_recipe_trains)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_recipe(cfg, "matlab"));
    int64_t k;
    double v;
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_OPTIMIZER, &k));
    ck_assert_int_eq(k, HDNET_OPT_HF);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_INIT, &k));
    ck_assert_int_eq(k, HDNET_INIT_ORTHOGONAL);
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_HF_MU, &v));
    ck_assert_double_eq(v, 3000);
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_WEIGHT_L2, &v));
    ck_assert_double_eq(v, 0.25);
    ck_assert_ok(hdnet_config_set(cfg, "units", "20"));
    ck_assert_ok(hdnet_config_set(cfg, "steps", "40"));
    ck_assert_ok(hdnet_config_set(cfg, "cue", "5"));
    ck_assert_ok(hdnet_config_set(cfg, "trials", "20"));
    ck_assert_ok(hdnet_config_set(cfg, "updates", "12"));
    ck_assert_ok(hdnet_config_set(cfg, "selection_trials", "50"));
    hdnet_rng *r;
    ck_assert_ok(hdnet_stream_create(&r, 1, HDNET_STREAM_INIT));
    hdnet_net *net;
    ck_assert_ok(hdnet_net_create(&net, cfg, r));
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    double seen[2] = {NAN, NAN};
    ck_assert_ok(hdnet_trainer_set_progress(tr, count_progress, seen, 1));
    ck_assert_ok(hdnet_trainer_run(tr));
    /* 12 Hessian-free updates on 20 trials of 40 steps: the main loss on the
     * (fresh) batches falls well below the untrained network's */
    ck_assert_msg(seen[1] < 0.7 * seen[0], "main loss %g -> %g", seen[0], seen[1]);
    double ne;
    ck_assert_ok(hdnet_trainer_best(tr, &ne, NULL));
    ck_assert(ne < 1.0);
    /* the diagonal stays 0 and the optimiser cannot be stepped from outside */
    float w[400];
    ck_assert_ok(hdnet_net_copy_block(net, HDNET_W_REC, w, 400));
    for (int j = 0; j < 20; j++)
        ck_assert(w[j * 20 + j] == 0.0f);
    float g[1] = {0};
    ck_assert_status(hdnet_optim_step((hdnet_optim *)hdnet_trainer_optim(tr), net, g, 0), HDNET_ENOTSUP);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    /* the same run with the W_rec decay (wrec_l2 * mean(W^2) = 0.1 at the
     * orthogonal start, a third of the main loss): it still learns, and ends
     * with a smaller W_rec than without the decay */
    double sq[2] = {0, 0};
    for (int with = 0; with < 2; with++) {
        ck_assert_ok(hdnet_config_set(cfg, "wrec_l2", with ? "2" : "0"));
        hdnet_rng *ri;
        ck_assert_ok(hdnet_stream_create(&ri, 1, HDNET_STREAM_INIT));
        ck_assert_ok(hdnet_net_create(&net, cfg, ri));
        hdnet_rng_free(ri);
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        ck_assert_ok(hdnet_trainer_set_progress(tr, count_progress, seen, 1));
        ck_assert_ok(hdnet_trainer_run(tr));
        ck_assert_msg(seen[1] < 0.8 * seen[0], "wrec_l2 %d: main loss %g -> %g", with, seen[0], seen[1]);
        ck_assert_ok(hdnet_net_copy_block(net, HDNET_W_REC, w, 400));
        for (int q = 0; q < 400; q++)
            sq[with] += (double)w[q] * w[q];
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
    }
    ck_assert_msg(sq[1] < 0.9 * sq[0], "|W_rec|^2 %g with the decay, %g without", sq[1], sq[0]);
    ck_assert_ok(hdnet_config_set(cfg, "wrec_l2", "0"));
    /* weight_l2 = 0 leaves the optimiser without damping: refused */
    ck_assert_ok(hdnet_config_set(cfg, "weight_l2", "0"));
    ck_assert_ok(hdnet_net_create(&net, cfg, r));
    ck_assert_status(hdnet_trainer_create(&tr, cfg, net), HDNET_EINVAL);
    hdnet_net_free(net);
    /* its gradient is its own, in float: grad_precision = bf16 is refused */
    ck_assert_ok(hdnet_config_set(cfg, "weight_l2", "0.01"));
    ck_assert_ok(hdnet_config_set(cfg, "grad_precision", "bf16"));
    ck_assert_ok(hdnet_net_create(&net, cfg, r));
    ck_assert_status(hdnet_trainer_create(&tr, cfg, net), HDNET_ENOTSUP);
    hdnet_net_free(net);
    hdnet_rng_free(r);
    hdnet_config_free(cfg);
}
END_TEST

Suite *hdnet_suite_hf(void)
{
    Suite *s = suite_create("hf");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, gradient_matches_engine);
    tcase_add_test(tc, gv_matches_explicit_gauss_newton);
    tcase_add_test(tc, gv_is_the_curvature_of_the_gradient);
    tcase_add_test(tc, cg_solves_spd_system);
    tcase_add_test(tc, matlab_recipe_trains);
    suite_add_tcase(s, tc);
    return s;
}
