/* The attractor analysis: the Jacobian against finite differences for every
 * activation, the fixed-point finder on networks whose fixed points are known
 * in closed form (a linear network, a tanh pair, a cosine ring and its
 * sub-critical null), and the behaviour experiments. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

/* A network of n units, 3 inputs and 2 outputs with the given activation, free
 * self-connections and random weights (seed). */
static hdnet_net *make_net(size_t n, int act, uint64_t seed)
{
    hdnet_config *cfg;
    hdnet_rng *rng;
    hdnet_net *net;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, (int64_t)n));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_ACTIVATION, act));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_ACT_SLOPE, 1.3));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SELF_CONNECTIONS, HDNET_SELF_FREE));
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, seed));
    ck_assert_ok(hdnet_net_create(&net, cfg, rng));
    /* the default initialisation has W_out = 0: give the readout weights */
    double g[2 * 64];
    float w[2 * 64];
    ck_assert_ok(hdnet_rng_normal(rng, g, 2 * n));
    for (size_t i = 0; i < 2 * n; i++)
        w[i] = (float)(g[i] / sqrt((double)n));
    ck_assert_ok(hdnet_net_set_block(net, HDNET_W_OUT, w, 2 * n));
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return net;
}

static void set_block_d(hdnet_net *net, int which, const double *v, size_t len)
{
    float buf[4096];
    ck_assert_uint_le(len, 4096);
    for (size_t i = 0; i < len; i++)
        buf[i] = (float)v[i];
    ck_assert_ok(hdnet_net_set_block(net, which, buf, len));
}

/* Analytic Jacobian against central differences of the field, for every
 * activation. States keep 1e-3 away from the kinks (0, +-1) so that the
 * difference step 1e-6 never crosses one. The truncation error is about
 * h^2 |f'''| < 1e-11 and the rounding error about 1e-16 / h = 1e-10, so 1e-7
 * (relative to max(1, |J|)) leaves a wide margin and still catches a wrong
 * derivative (errors of order 1e-2 and up). */
START_TEST(jacobian_every_activation)
{
    const size_t n = 7;
    for (int act = 0; act < HDNET_ACT_COUNT; act++) {
        hdnet_net *net = make_net(n, act, 11 + (uint64_t)act);
        hdnet_rng *rng;
        ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 5));
        double a[7], ap[7], am[7], fp_[7], fm[7], jac[49], x[3] = {0.02, 0.3, -0.4};
        for (int trial = 0; trial < 5; trial++) {
            ck_assert_ok(hdnet_rng_normal(rng, a, n));
            for (size_t i = 0; i < n; i++) {
                a[i] *= 1.5;
                for (double kink = -1; kink <= 1; kink += 1)
                    if (fabs(a[i] - kink) < 1e-3)
                        a[i] = kink + 2e-3;
            }
            ck_assert_ok(hdnet_attractor_jacobian(net, a, n, jac, n * n));
            for (size_t j = 0; j < n; j++) {
                const double h = 1e-6;
                memcpy(ap, a, sizeof a);
                memcpy(am, a, sizeof a);
                ap[j] += h;
                am[j] -= h;
                ck_assert_ok(hdnet_attractor_field(net, ap, n, x, 3, fp_, n));
                ck_assert_ok(hdnet_attractor_field(net, am, n, x, 3, fm, n));
                for (size_t i = 0; i < n; i++) {
                    double fd = (fp_[i] - fm[i]) / (2 * h), an = jac[i * n + j];
                    ck_assert_msg(fabs(fd - an) <= 1e-7 * fmax(1, fabs(an)),
                                  "activation %d: J[%zu][%zu] = %.12g, differences %.12g", act, i, j, an, fd);
                }
            }
        }
        hdnet_rng_free(rng);
        hdnet_net_free(net);
    }
}
END_TEST

/* The double trajectories follow the library's own forward pass: f(a[t]) of
 * hdnet_attractor_states() equals the noise-free rates of hdnet_net_run() to
 * float rounding accumulated over 50 steps (1e-5), and consecutive states differ
 * by exactly F (to double rounding). */
START_TEST(states_follow_forward)
{
    const size_t n = 12, T = 50, B = 2;
    hdnet_net *net = make_net(n, HDNET_ACT_RETANH, 3);
    float x[2 * 50 * 3], rates[2 * 50 * 12];
    for (size_t i = 0; i < B * T; i++) {
        x[3 * i] = (float)(0.05 * sin(0.3 * (double)i));
        x[3 * i + 1] = i % T < 10 ? 0.6f : 0.0f;
        x[3 * i + 2] = i % T < 10 ? 0.8f : 0.0f;
    }
    double st[2 * 50 * 12], f[12], xd[3];
    ck_assert_ok(hdnet_attractor_states(net, B, T, x, B * T * 3, NULL, 0, st, B * T * n));
    ck_assert_ok(hdnet_net_run(net, B, T, x, B * T * 3, NULL, 0, NULL, NULL, 0, rates, B * T * n, NULL, 0));
    for (size_t i = 0; i < B * T * n; i++) {
        double r = st[i] > 0 ? tanh(st[i]) : 0.0;
        ck_assert_msg(fabs(r - rates[i]) <= 1e-5, "rate %zu: %g vs %g", i, r, rates[i]);
    }
    for (size_t t = 1; t < T; t++) {
        for (size_t k = 0; k < 3; k++)
            xd[k] = x[t * 3 + k];
        ck_assert_ok(hdnet_attractor_field(net, st + (t - 1) * n, n, xd, 3, f, n));
        for (size_t i = 0; i < n; i++)
            ck_assert(fabs(st[t * n + i] - st[(t - 1) * n + i] - f[i]) <= 1e-12);
    }
    hdnet_net_free(net);
}
END_TEST

static int cmp_desc(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a < b) - (a > b);
}

/* Linear network, W = rotation block (s) + symmetric block (c): the single fixed
 * point is a* = (I - W)^-1 (W_in x + b), inverted block by block, and the
 * eigenvalues of J are alpha (-1 +- i s) and alpha (-1 +- c). Newton converges in
 * a few steps on a linear problem; with q_tol = 1e-30, |a - a*| <= sqrt(2 q_tol) /
 * min |lambda| = 3e-14, so 1e-9 on a* and 1e-12 on the eigenvalues are rounding
 * margins. s and c are the float32 values the network holds. */
START_TEST(linear_closed_form)
{
    const size_t n = 4;
    const double s = (double)0.8f, c = 0.5, alpha = 0.1;
    hdnet_net *net = make_net(n, HDNET_ACT_LINEAR, 2);
    double w[16] = {0, s, 0, 0, -s, 0, 0, 0, 0, 0, 0, c, 0, 0, c, 0};
    double b[4] = {0.25, -0.5, 0.75, 0.125}, zero[12] = {0};
    set_block_d(net, HDNET_W_REC, w, 16);
    set_block_d(net, HDNET_B_REC, b, 4);
    set_block_d(net, HDNET_W_IN, zero, 12);
    double want[4] = {(b[0] + s * b[1]) / (1 + s * s), (-s * b[0] + b[1]) / (1 + s * s),
                      (b[2] + c * b[3]) / (1 - c * c), (c * b[2] + b[3]) / (1 - c * c)};
    double starts[16 * 4];
    hdnet_rng *rng;
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 9));
    ck_assert_ok(hdnet_rng_normal(rng, starts, 64));
    hdnet_fpparams *p;
    ck_assert_ok(hdnet_fpparams_create(&p));
    ck_assert_ok(hdnet_fpparams_set(p, HDNET_FP_Q_TOL, 1e-30));
    hdnet_fixed_points *fp;
    ck_assert_ok(hdnet_fp_find(net, p, starts, 16, 64, NULL, 0, NULL, &fp));
    hdnet_fpparams_free(p);
    size_t k, nu;
    ck_assert_ok(hdnet_fp_dims(fp, &k, &nu));
    ck_assert_uint_eq(k, 1);
    ck_assert_uint_eq(nu, 4);
    double a[4], re[4], im[4], cnt, q;
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_STATE, a, 4));
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_EIG_RE, re, 4));
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_EIG_IM, im, 4));
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_N_STARTS, &cnt, 1));
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_Q, &q, 1));
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(fabs(a[i] - want[i]) <= 1e-9, "a*[%zu] = %.12g, closed form %.12g", i, a[i], want[i]);
    ck_assert_double_eq(cnt, 16);
    ck_assert(q <= 1e-30);
    /* descending real parts: alpha(-1+c), alpha(-1) twice (+-i s alpha), alpha(-1-c) */
    double wre[4] = {alpha * (-1 + c), -alpha, -alpha, alpha * (-1 - c)};
    double wim[4] = {0, alpha * s, alpha * s, 0};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_msg(fabs(re[i] - wre[i]) <= 1e-12, "Re lambda_%zu = %.15g, analytic %.15g", i, re[i], wre[i]);
        ck_assert_msg(fabs(fabs(im[i]) - wim[i]) <= 1e-12, "Im lambda_%zu = %.15g", i, im[i]);
    }
    ck_assert(im[1] == -im[2]);
    double v;
    ck_assert_ok(hdnet_fp_scalar(fp, HDNET_FPS_N_STABLE, &v));
    ck_assert_double_eq(v, 1);
    /* leading mode: alpha (-1 + c) along (0, 0, 1, 1) / sqrt 2 */
    double lre, lim, vec[4];
    ck_assert_ok(hdnet_attractor_leading_mode(net, a, 4, &lre, &lim, vec, 4));
    ck_assert(fabs(lre - alpha * (-1 + c)) <= 1e-12 && lim == 0);
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(fabs(vec[i] - (i < 2 ? 0 : sqrt(0.5))) <= 1e-12, "vec[%zu] = %g", i, vec[i]);
    ck_assert_status(hdnet_attractor_leading_mode(net, a, 4, &lre, &lim, vec, 3), HDNET_ESHAPE);
    hdnet_fp_free(fp);
    hdnet_rng_free(rng);
    hdnet_net_free(net);
}
END_TEST

/* Two tanh units exciting each other, a = 2 tanh(swap(a)): fixed points (0, 0)
 * (a saddle: alpha(-1 +- 2)) and +-(s, s) with s = 2 tanh s (stable:
 * alpha(-1 +- 2 d), d = 1 - tanh^2 s). s comes from bisection here, independently
 * of the finder. The finder must find exactly these three; 1e-9 on the points
 * and 1e-10 on the eigenvalues are far above its q_tol of 1e-24 here. */
START_TEST(tanh_pair_closed_form)
{
    const size_t n = 2;
    hdnet_net *net = make_net(n, HDNET_ACT_TANH, 4);
    double w[4] = {0, 2, 2, 0}, zero[6] = {0};
    set_block_d(net, HDNET_W_REC, w, 4);
    set_block_d(net, HDNET_B_REC, zero, 2);
    double lo = 1, hi = 3;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid - 2 * tanh(mid) < 0)
            lo = mid;
        else
            hi = mid;
    }
    double sstar = 0.5 * (lo + hi), d = 1 - tanh(sstar) * tanh(sstar);
    double starts[2 * 64];
    hdnet_rng *rng;
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 21));
    ck_assert_ok(hdnet_rng_uniform(rng, starts, 128));
    for (size_t i = 0; i < 128; i++)
        starts[i] = 6 * starts[i] - 3;
    starts[0] = 0.05; /* one start next to the saddle */
    starts[1] = -0.04;
    hdnet_fpparams *p;
    ck_assert_ok(hdnet_fpparams_create(&p));
    ck_assert_ok(hdnet_fpparams_set(p, HDNET_FP_Q_TOL, 1e-24));
    ck_assert_ok(hdnet_fpparams_set(p, HDNET_FP_THREADS, 3));
    hdnet_fixed_points *fp;
    ck_assert_ok(hdnet_fp_find(net, p, starts, 64, 128, NULL, 0, NULL, &fp));
    size_t k;
    ck_assert_ok(hdnet_fp_dims(fp, &k, NULL));
    ck_assert_uint_eq(k, 3);
    double a[6], re[6], un[3];
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_STATE, a, 6));
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_EIG_RE, re, 6));
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_N_UNSTABLE, un, 3));
    int seen[3] = {0, 0, 0};
    for (size_t i = 0; i < 3; i++) {
        double x0 = a[2 * i], x1 = a[2 * i + 1];
        int which = fabs(x0) < 1e-9 ? 0 : (x0 > 0 ? 1 : 2);
        double target = which == 0 ? 0 : (which == 1 ? sstar : -sstar);
        ck_assert_msg(fabs(x0 - target) <= 1e-9 && fabs(x1 - target) <= 1e-9, "point (%.12g, %.12g)", x0, x1);
        seen[which]++;
        double l0 = which == 0 ? 0.1 : 0.1 * (-1 + 2 * d), l1 = which == 0 ? -0.3 : 0.1 * (-1 - 2 * d);
        ck_assert_msg(fabs(re[2 * i] - l0) <= 1e-10 && fabs(re[2 * i + 1] - l1) <= 1e-10,
                      "eigenvalues %.12g %.12g, analytic %.12g %.12g", re[2 * i], re[2 * i + 1], l0, l1);
        ck_assert_double_eq(un[i], which == 0 ? 1 : 0);
    }
    ck_assert(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
    /* the same result with one thread */
    hdnet_fixed_points *fp1;
    ck_assert_ok(hdnet_fpparams_set(p, HDNET_FP_THREADS, 1));
    ck_assert_ok(hdnet_fp_find(net, p, starts, 64, 128, NULL, 0, NULL, &fp1));
    double a1[6];
    ck_assert_ok(hdnet_fp_copy(fp1, HDNET_FPA_STATE, a1, 6));
    ck_assert_mem_eq(a, a1, sizeof a);
    hdnet_fp_free(fp1);
    hdnet_fp_free(fp);
    hdnet_fpparams_free(p);
    hdnet_rng_free(rng);
    hdnet_net_free(net);
}
END_TEST

/* A cosine ring of N tanh units, W = (2 J1 / N) (c c^T + s s^T) with c, s the
 * cosines and sines of the unit angles, readout (s, c) / N, and the cue inputs
 * pushing the bump towards the cued heading. For J1 > 1 the bump a = A cos(theta -
 * psi) exists for every psi (to aliasing terms exponentially small in N). W has
 * rank 2, so N - 2 eigenvalues of J are exactly -alpha and the other two are
 * alpha (-1 + mu) with mu the eigenvalues of the 2x2 matrix (2 J1 / N) U^T D U,
 * U = [c s], D = diag(f'(a*)); one of them is the rotation along the ring (mu = 1). */
static hdnet_net *make_ring(size_t n, double j1)
{
    hdnet_net *net = make_net(n, HDNET_ACT_TANH, 8);
    double w[64 * 64], win[64 * 3], wout[2 * 64], zero[64] = {0};
    for (size_t i = 0; i < n; i++) {
        double ti = 2 * PI * (double)i / (double)n;
        for (size_t j = 0; j < n; j++)
            w[i * n + j] = 2 * j1 / (double)n * cos(ti - 2 * PI * (double)j / (double)n);
        win[3 * i] = 0;
        win[3 * i + 1] = 0.5 * sin(ti);
        win[3 * i + 2] = 0.5 * cos(ti);
        wout[i] = sin(ti) / (double)n;
        wout[n + i] = cos(ti) / (double)n;
    }
    set_block_d(net, HDNET_W_REC, w, n * n);
    set_block_d(net, HDNET_W_IN, win, 3 * n);
    set_block_d(net, HDNET_W_OUT, wout, 2 * n);
    set_block_d(net, HDNET_B_REC, zero, n);
    set_block_d(net, HDNET_A0, zero, n);
    return net;
}

/* Starts: bumps at 64 headings, from trials cued at those headings. */
static double *ring_starts(const hdnet_net *net, size_t n, size_t n_starts)
{
    const size_t T = 60;
    float *x = calloc(n_starts * T * 3, sizeof *x);
    double *st = malloc(n_starts * T * n * sizeof *st), *starts = malloc(n_starts * n * sizeof *starts);
    for (size_t b = 0; b < n_starts; b++)
        for (size_t t = 0; t < 10; t++) {
            x[(b * T + t) * 3 + 1] = (float)sin(2 * PI * (double)b / (double)n_starts);
            x[(b * T + t) * 3 + 2] = (float)cos(2 * PI * (double)b / (double)n_starts);
        }
    ck_assert_ok(hdnet_attractor_states(net, n_starts, T, x, n_starts * T * 3, NULL, 0, st, n_starts * T * n));
    for (size_t b = 0; b < n_starts; b++)
        memcpy(starts + b * n, st + (b * T + T - 1) * n, n * sizeof *starts);
    free(x);
    free(st);
    return starts;
}

/* The finder on the ring: points all around (largest gap below 2 x 360/64
 * degrees: one start per 5.6 degrees, nothing pins the bump), each with one
 * marginal eigenvalue (|Re| <= 1e-6: aliasing is ~1e-12 at N = 32, J1 = 1.5) and
 * the rest stable, matching the rank-2 analysis to 1e-9; the heading does not
 * move (|velocity| <= 1e-6 deg/step); the leading mode points along the ring:
 * a* = A cos(theta - psi) exactly (a* lies in the span of c and s), so the tangent
 * is sin(theta - psi), and |cos| between the two must be 1 to 1e-6. */
START_TEST(ring_attractor)
{
    const size_t n = 32, ns = 64;
    const double alpha = 0.1;
    hdnet_net *net = make_ring(n, 1.5);
    double *starts = ring_starts(net, n, ns);
    hdnet_fpparams *p;
    ck_assert_ok(hdnet_fpparams_create(&p));
    ck_assert_ok(hdnet_fpparams_set(p, HDNET_FP_EIG_TOL, 1e-6));
    hdnet_fixed_points *fp;
    ck_assert_ok(hdnet_fp_find(net, p, starts, ns, ns * n, NULL, 0, NULL, &fp));
    size_t k;
    ck_assert_ok(hdnet_fp_dims(fp, &k, NULL));
    ck_assert_uint_ge(k, ns * 3 / 4);
    double gap, one, vel;
    ck_assert_ok(hdnet_fp_scalar(fp, HDNET_FPS_LARGEST_GAP, &gap));
    ck_assert_ok(hdnet_fp_scalar(fp, HDNET_FPS_N_ONE_MARGINAL, &one));
    ck_assert_ok(hdnet_fp_scalar(fp, HDNET_FPS_MAX_ABS_VEL, &vel));
    ck_assert_msg(gap < 2 * 360.0 / (double)ns, "largest gap %g degrees", gap);
    ck_assert_double_eq(one, (double)k);
    ck_assert_msg(vel <= 1e-6, "heading velocity %g deg/step", vel);
    double *a = malloc(k * n * sizeof *a), *re = malloc(k * n * sizeof *re), *h = malloc(k * sizeof *h);
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_STATE, a, k * n));
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_EIG_RE, re, k * n));
    ck_assert_ok(hdnet_fp_copy(fp, HDNET_FPA_HEADING, h, k));
    for (size_t p_ = 0; p_ < k; p_++) {
        if (p_)
            ck_assert(h[p_] >= h[p_ - 1]); /* ordered along the ring */
        /* analytic: the 2x2 matrix (2 J1 / N) U^T D U */
        double m00 = 0, m01 = 0, m11 = 0;
        for (size_t j = 0; j < n; j++) {
            double tj = 2 * PI * (double)j / (double)n, t = tanh(a[p_ * n + j]), dj = 1 - t * t;
            m00 += cos(tj) * dj * cos(tj);
            m01 += cos(tj) * dj * sin(tj);
            m11 += sin(tj) * dj * sin(tj);
        }
        double sc = 2 * 1.5 / (double)n, tr = sc * (m00 + m11), det = sc * sc * (m00 * m11 - m01 * m01);
        double disc = sqrt(fmax(0, tr * tr / 4 - det));
        double want[64];
        want[0] = alpha * (-1 + tr / 2 + disc);
        want[1] = alpha * (-1 + tr / 2 - disc);
        for (size_t j = 2; j < n; j++)
            want[j] = -alpha;
        qsort(want, n, sizeof *want, cmp_desc);
        ck_assert_msg(fabs(want[0]) <= 1e-9, "rotation eigenvalue %g", want[0]);
        double lre, vec[64], pc = 0, ps = 0, dot = 0, nt = 0;
        ck_assert_ok(hdnet_attractor_leading_mode(net, a + p_ * n, n, &lre, NULL, vec, n));
        for (size_t j = 0; j < n; j++) {
            double tj = 2 * PI * (double)j / (double)n;
            pc += a[p_ * n + j] * cos(tj);
            ps += a[p_ * n + j] * sin(tj);
        }
        double psi = atan2(ps, pc);
        for (size_t j = 0; j < n; j++) {
            double tj = sin(2 * PI * (double)j / (double)n - psi);
            dot += tj * vec[j];
            nt += tj * tj;
        }
        ck_assert_msg(fabs(fabs(dot) / sqrt(nt) - 1) <= 1e-6, "leading mode off the ring: |cos| = %.9f",
                      fabs(dot) / sqrt(nt));
        for (size_t j = 0; j < n; j++)
            ck_assert_msg(fabs(re[p_ * n + j] - want[j]) <= 1e-9, "point %zu eigenvalue %zu: %.12g, analytic %.12g",
                          p_, j, re[p_ * n + j], want[j]);
    }
    free(a);
    free(re);
    free(h);
    free(starts);
    hdnet_fp_free(fp);
    hdnet_fpparams_free(p);
    hdnet_net_free(net);
}
END_TEST

/* The null: below the bump threshold (J1 = 0.8 < 1) the same construction has no
 * ring. The finder must report one point (the rest state, no heading), a largest
 * gap of 360 degrees and no marginal direction. */
START_TEST(ring_null)
{
    const size_t n = 32, ns = 64;
    hdnet_net *net = make_ring(n, 0.8);
    double *starts = ring_starts(net, n, ns);
    hdnet_fixed_points *fp;
    ck_assert_ok(hdnet_fp_find(net, NULL, starts, ns, ns * n, NULL, 0, NULL, &fp));
    double k, gap, one;
    ck_assert_ok(hdnet_fp_scalar(fp, HDNET_FPS_N_POINTS, &k));
    ck_assert_ok(hdnet_fp_scalar(fp, HDNET_FPS_LARGEST_GAP, &gap));
    ck_assert_ok(hdnet_fp_scalar(fp, HDNET_FPS_N_ONE_MARGINAL, &one));
    ck_assert_double_eq(k, 1);
    ck_assert_double_eq(gap, 360);
    ck_assert_double_eq(one, 0);
    free(starts);
    hdnet_fp_free(fp);
    hdnet_net_free(net);
}
END_TEST

/* Diffusion on the ring: none without noise (exactly 0), and the coefficient
 * grows with the noise level. For a continuous attractor the diffusion
 * coefficient scales as sigma^2, so doubling sigma must multiply it by about 4.
 * With 1024 trials D / sigma^2 scatters by about 10 % between seeds and levels
 * (0.75 ... 0.95 over sigma = 0.0125 ... 0.4); [3, 5.5] allows 25 % on the ratio
 * and still fails for D proportional to sigma (ratio 2) or sigma^3 (ratio 8). */
START_TEST(ring_diffusion)
{
    const size_t n = 32, T = 300;
    hdnet_net *net = make_ring(n, 1.5);
    double sd[3] = {0, 0.05, 0.1}, var[3 * 300], coef[3];
    ck_assert_ok(hdnet_attractor_diffusion(net, sd, 3, 1024, T, 17, var, 3 * T, coef, 3));
    for (size_t t = 0; t < T; t++)
        ck_assert_double_eq(var[t], 0);
    ck_assert_double_eq(coef[0], 0);
    ck_assert(coef[1] > 0);
    ck_assert_msg(coef[2] / coef[1] > 3 && coef[2] / coef[1] < 5.5, "D(0.1)/D(0.05) = %g", coef[2] / coef[1]);
    ck_assert(var[2 * T + T - 1] > var[2 * T + T / 2]);
    /* the ring has no angular-velocity input: the bump stays put whatever omega */
    double om[3] = {0, 1, -2}, speed[3], ssd[3], lim;
    ck_assert_ok(hdnet_attractor_gain(net, om, 3, 8, 100, 10, 3, speed, 3, ssd, 3));
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(fabs(speed[i]) <= 1e-4, "speed %g at omega %g", speed[i], om[i]);
    ck_assert_ok(hdnet_gain_limit(om, speed, 3, 0.1, &lim));
    ck_assert_double_eq(lim, 0);
    hdnet_net_free(net);
}
END_TEST

/* The gain limit on synthetic curves: every |speed/omega - 1| up to 2 deg/step
 * within 10 %, 3 deg/step off by 20 %, 4 back within. */
START_TEST(gain_limit)
{
    double om[7] = {0, 1, -1, 2, 3, 4, -0.5}, sp[7] = {0.01, 1.05, -0.92, 1.9, 2.4, 4.0, -0.5};
    double lim;
    ck_assert_ok(hdnet_gain_limit(om, sp, 7, 0.1, &lim));
    ck_assert_double_eq(lim, 2);
    ck_assert_ok(hdnet_gain_limit(om, sp, 7, 0.25, &lim));
    ck_assert_double_eq(lim, 4);
    ck_assert_ok(hdnet_gain_limit(om, sp, 7, 0.0, &lim));
    ck_assert_double_eq(lim, 0.5);
    ck_assert_status(hdnet_gain_limit(om, sp, 7, -1, &lim), HDNET_ERANGE);
    ck_assert_status(hdnet_gain_limit(NULL, sp, 7, 0.1, &lim), HDNET_EINVAL);
}
END_TEST

/* Low rank: r = N gives the network's own error (the SVD reconstructs W_rec to
 * float rounding: 1e-4 relative on the NE), r = 0 gives the error with W_rec = 0;
 * with the network as its own base the change is 0 and every rank gives its
 * error exactly; the long-trial error at factor 1 is hdnet_net_evaluate() itself. */
START_TEST(rank_and_length)
{
    const size_t n = 16;
    hdnet_net *net = make_net(n, HDNET_ACT_RETANH, 6), *zero_net;
    hdnet_config *cfg;
    ck_assert_ok(hdnet_net_get_config(net, &cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_STEPS, 60));
    hdnet_net_free(net);
    hdnet_rng *rng;
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 6));
    ck_assert_ok(hdnet_net_create(&net, cfg, rng));
    float wout[32];
    for (size_t i = 0; i < 32; i++)
        wout[i] = (float)(0.3 * sin(1.7 * (double)i));
    ck_assert_ok(hdnet_net_set_block(net, HDNET_W_OUT, wout, 32));
    size_t ranks[3] = {n, 0, 3};
    double ne[3], sv[16], ne_full, ne_zero, ne_long;
    ck_assert_ok(hdnet_attractor_rank_error(net, NULL, ranks, 3, 20, 5, ne, 3, sv, n));
    ck_assert_ok(hdnet_net_evaluate(net, cfg, 20, 5, &ne_full));
    ck_assert_ok(hdnet_net_clone(net, &zero_net));
    float wz[256] = {0};
    ck_assert_ok(hdnet_net_set_block(zero_net, HDNET_W_REC, wz, 256));
    ck_assert_ok(hdnet_net_evaluate(zero_net, cfg, 20, 5, &ne_zero));
    ck_assert_msg(fabs(ne[0] - ne_full) <= 1e-4 * ne_full, "rank N: %g, network %g", ne[0], ne_full);
    ck_assert_double_eq(ne[1], ne_zero);
    ck_assert(ne_zero != ne_full);
    for (size_t i = 1; i < n; i++)
        ck_assert(sv[i] <= sv[i - 1] && sv[i] >= 0);
    size_t r2[2] = {0, 2};
    double ne2[2];
    ck_assert_ok(hdnet_attractor_rank_error(net, net, r2, 2, 20, 5, ne2, 2, NULL, 0));
    ck_assert_double_eq(ne2[0], ne_full);
    ck_assert_double_eq(ne2[1], ne_full);
    ck_assert_ok(hdnet_attractor_rank_error(net, zero_net, ranks, 2, 20, 5, ne2, 2, NULL, 0));
    ck_assert_double_eq(ne2[0], ne[0]);
    ck_assert_double_eq(ne2[1], ne_zero);
    ck_assert_ok(hdnet_attractor_long_error(net, 1, 20, 5, &ne_long));
    ck_assert_double_eq(ne_long, ne_full);
    ck_assert_ok(hdnet_attractor_long_error(net, 3, 4, 5, &ne_long));
    ck_assert(isfinite(ne_long));
    ranks[0] = n + 1;
    ck_assert_status(hdnet_attractor_rank_error(net, NULL, ranks, 1, 20, 5, ne, 1, NULL, 0), HDNET_ERANGE);
    hdnet_net_free(zero_net);
    hdnet_net_free(net);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
}
END_TEST

/* PCA of points on a known plane plus small noise: the two components span the
 * plane (|projection| >= 0.999) with variances 4 and 1 (the plane coordinates
 * have SDs 2 and 1; 10 % for 4000 samples), and the third is the noise. */
START_TEST(pca_plane)
{
    const size_t m = 4000, dim = 5;
    double *x = malloc(m * dim * sizeof *x), g[3];
    double u[5] = {0.6, 0.8, 0, 0, 0}, v[5] = {0, 0, 0.6, 0, -0.8};
    hdnet_rng *rng;
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 4));
    for (size_t s = 0; s < m; s++) {
        ck_assert_ok(hdnet_rng_normal(rng, g, 3));
        for (size_t j = 0; j < dim; j++)
            x[s * dim + j] = 1.0 + 2 * g[0] * u[j] + g[1] * v[j] + 0.01 * g[2] * (j == 3);
    }
    double comps[15], var[3], mean[5];
    ck_assert_ok(hdnet_pca(x, m, dim, 3, mean, 5, comps, 15, var, 3));
    double pu = 0, pv = 0;
    for (size_t j = 0; j < dim; j++) {
        pu += comps[j] * u[j];
        pv += comps[dim + j] * v[j];
        ck_assert(fabs(mean[j] - 1) < 0.1);
    }
    ck_assert(fabs(pu) >= 0.999 && fabs(pv) >= 0.999);
    ck_assert(fabs(var[0] - 4) < 0.4 && fabs(var[1] - 1) < 0.1 && var[2] < 1e-3);
    ck_assert(fabs(fabs(comps[2 * dim + 3]) - 1) < 1e-3);
    ck_assert_status(hdnet_pca(x, m, dim, 6, NULL, 0, comps, 15, NULL, 0), HDNET_ESHAPE);
    x[7] = NAN;
    ck_assert_status(hdnet_pca(x, m, dim, 3, NULL, 0, comps, 15, NULL, 0), HDNET_ERANGE);
    free(x);
    hdnet_rng_free(rng);
}
END_TEST

/* Bad arguments: a status and a message, never a crash; settings keep their value. */
START_TEST(bad_arguments)
{
    hdnet_net *net = make_net(4, HDNET_ACT_TANH, 1);
    double a[4] = {0}, f[4], jac[16], x[3] = {0}, h, v;
    ck_assert_status(hdnet_attractor_field(NULL, a, 4, x, 3, f, 4), HDNET_EINVAL);
    ck_assert_status(hdnet_attractor_field(net, a, 3, x, 3, f, 4), HDNET_ESHAPE);
    ck_assert_status(hdnet_attractor_field(net, a, 4, x, 2, f, 4), HDNET_ESHAPE);
    ck_assert_status(hdnet_attractor_field(net, a, 4, x, 3, f, 5), HDNET_ESHAPE);
    ck_assert_status(hdnet_attractor_jacobian(net, a, 4, jac, 15), HDNET_ESHAPE);
    ck_assert_status(hdnet_attractor_jacobian(net, a, 4, NULL, 16), HDNET_EINVAL);
    a[2] = NAN;
    ck_assert_status(hdnet_attractor_jacobian(net, a, 4, jac, 16), HDNET_ERANGE);
    ck_assert_status(hdnet_attractor_heading(net, a, 4, NULL, 0, &h, &v), HDNET_ERANGE);
    a[2] = 0;
    ck_assert_ok(hdnet_attractor_heading(net, a, 4, NULL, 0, &h, &v));
    hdnet_fpparams *p;
    double val;
    ck_assert_ok(hdnet_fpparams_create(&p));
    ck_assert_status(hdnet_fpparams_set(p, HDNET_FP_MAX_ITER, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_fpparams_set(p, HDNET_FP_MAX_ITER, 2.5), HDNET_ERANGE);
    ck_assert_status(hdnet_fpparams_set(p, HDNET_FP_Q_TOL, NAN), HDNET_ERANGE);
    ck_assert_status(hdnet_fpparams_set(p, HDNET_FP_NPARAMS, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_fpparams_get(p, -1, &val), HDNET_EINVAL);
    ck_assert_ok(hdnet_fpparams_get(p, HDNET_FP_MAX_ITER, &val));
    ck_assert_double_eq(val, 200);
    ck_assert_ok(hdnet_fpparams_set(p, HDNET_FP_Q_KEEP, INFINITY));
    ck_assert_str_eq(hdnet_fpparam_name(HDNET_FP_DEDUP), "dedup");
    ck_assert_ptr_null(hdnet_fpparam_name(HDNET_FP_NPARAMS));
    hdnet_fixed_points *fp = (hdnet_fixed_points *)1;
    double starts[8] = {0};
    ck_assert_status(hdnet_fp_find(net, p, starts, 2, 7, NULL, 0, NULL, &fp), HDNET_ESHAPE);
    ck_assert_ptr_null(fp);
    ck_assert_status(hdnet_fp_find(net, p, starts, 0, 0, NULL, 0, NULL, &fp), HDNET_EINVAL);
    ck_assert_ok(hdnet_fpparams_set(p, HDNET_FP_JITTER, 0.1));
    ck_assert_status(hdnet_fp_find(net, p, starts, 2, 8, NULL, 0, NULL, &fp), HDNET_EINVAL);
    ck_assert_ok(hdnet_fp_find(net, NULL, starts, 2, 8, x, 3, NULL, &fp));
    ck_assert_status(hdnet_fp_copy(fp, HDNET_FPA_COUNT, f, 4), HDNET_EINVAL);
    ck_assert_status(hdnet_fp_copy(fp, HDNET_FPA_STATE, f, 3), HDNET_ESHAPE);
    ck_assert_status(hdnet_fp_scalar(fp, HDNET_FPS_COUNT, &val), HDNET_EINVAL);
    ck_assert_status(hdnet_fp_dims(NULL, NULL, NULL), HDNET_EINVAL);
    hdnet_fp_free(fp);
    hdnet_fp_free(NULL);
    hdnet_fpparams_free(p);
    double om = 1, sp;
    ck_assert_status(hdnet_attractor_gain(net, &om, 1, 2, 15, 10, 1, &sp, 1, NULL, 0), HDNET_ESHAPE);
    om = NAN;
    ck_assert_status(hdnet_attractor_gain(net, &om, 1, 2, 50, 10, 1, &sp, 1, NULL, 0), HDNET_ERANGE);
    double sd = -1, var[50];
    ck_assert_status(hdnet_attractor_diffusion(net, &sd, 1, 2, 50, 1, var, 50, NULL, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_attractor_long_error(net, 0, 2, 1, &val), HDNET_EINVAL);
    float xin[12] = {0};
    double st[16];
    ck_assert_status(hdnet_attractor_states(net, 1, 4, xin, 12, NULL, 0, st, 15), HDNET_ESHAPE);
    hdnet_net_free(net);
}
END_TEST

Suite *hdnet_suite_attractor(void)
{
    Suite *s = suite_create("attractor");
    TCase *tc = tcase_create("field");
    tcase_add_test(tc, jacobian_every_activation);
    tcase_add_test(tc, states_follow_forward);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    tc = tcase_create("finder");
    tcase_add_test(tc, linear_closed_form);
    tcase_add_test(tc, tanh_pair_closed_form);
    tcase_add_test(tc, ring_attractor);
    tcase_add_test(tc, ring_null);
    suite_add_tcase(s, tc);
    tc = tcase_create("behaviour");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ring_diffusion);
    tcase_add_test(tc, gain_limit);
    tcase_add_test(tc, rank_and_length);
    tcase_add_test(tc, pca_plane);
    suite_add_tcase(s, tc);
    return s;
}
