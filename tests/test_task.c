/* Task generator: NumPy golden trials (the PyTorch reference generator),
 * batch modes, the MATLAB variants, statistics and error paths. */
#include "testutil.h"
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "task/task_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T 500
#define CUE 10
#define DEG (3.141592653589793 / 180.0)

/* ---- helpers ----------------------------------------------------------------- */

static void *load(const char *name, size_t elem, size_t want)
{
    size_t len = 0;
    void *p = tu_read_file(tu_data_path(name), &len);
    ck_assert_msg(p != NULL, "cannot read %s (run the tests from tests/)", tu_data_path(name));
    ck_assert_msg(len == elem * want, "%s has %zu bytes, expected %zu", name, len, elem * want);
    return p;
}

static hdnet_config *cfg_new(int rng_kind, int batch)
{
    hdnet_config *c = NULL;
    ck_assert_ok(hdnet_config_create(&c));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_TASK_RNG, rng_kind));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_BATCH_MODE, batch));
    return c;
}

/* Trials of one call, all outputs. */
typedef struct {
    size_t B, steps;
    float *x, *y, *m;
    double *th, *av;
} batch;

static batch batch_new(size_t B, size_t steps)
{
    batch b = {B, steps, NULL, NULL, NULL, NULL, NULL};
    b.x = malloc(B * steps * 3 * sizeof(float));
    b.y = malloc(B * steps * 2 * sizeof(float));
    b.m = malloc(B * steps * 2 * sizeof(float));
    b.th = malloc(B * steps * sizeof(double));
    b.av = malloc(B * steps * sizeof(double));
    ck_assert(b.x && b.y && b.m && b.th && b.av);
    return b;
}

static void batch_free(batch *b)
{
    free(b->x);
    free(b->y);
    free(b->m);
    free(b->th);
    free(b->av);
}

static void gen(hdnet_task *t, batch *b)
{
    size_t n = b->B * b->steps;
    ck_assert_ok(hdnet_task_generate(t, b->B, b->x, 3 * n, b->y, 2 * n, b->m, 2 * n, b->th, n,
                                     b->av, n));
}

static hdnet_task *task_new(const hdnet_config *c, uint64_t seed)
{
    hdnet_task *t = NULL;
    ck_assert_ok(hdnet_task_create(&t, c, seed));
    ck_assert_ptr_nonnull(t);
    return t;
}

/* Distance in float32 ulps (same sign assumed or both tiny). */
static long ulps(float a, float b)
{
    if (a == b)
        return 0;
    int32_t ia, ib;
    memcpy(&ia, &a, 4);
    memcpy(&ib, &b, 4);
    if (ia < 0)
        ia = INT32_MIN - ia;
    if (ib < 0)
        ib = INT32_MIN - ib;
    return labs((long)ia - (long)ib);
}

/* Check the zero-av stretch of trial i against (s, e): av = 0 exactly on
 * post-cue steps s-1 ... e-1 and nonzero elsewhere after the cue. */
static void check_stretch(const double *av, size_t steps, size_t cue, double s, double e, size_t i)
{
    for (size_t k = cue; k < steps; k++) {
        int in = s >= 0 && (double)k >= s - 1 && (double)k <= e - 1;
        ck_assert_msg(in == (av[k] == 0.0), "trial %zu step %zu: av %.17g, stretch (%g, %g)", i, k,
                      av[k], s, e);
    }
}

/* ---- NumPy golden trials ------------------------------------------------------- */

static const size_t full_trials[6] = {0, 1, 2, 49, 50, 99};
static const size_t xy_trials[3] = {0, 50, 99};

static void check_default_golden(const batch *b)
{
    const size_t B = 100;
    double *g = load("task_default.f64", sizeof(double), 400 + 6 * 2 * T);
    const double *th0 = g, *th_end = g + 100, *se = g + 200, *full = g + 400;
    for (size_t i = 0; i < B; i++) {
        ck_assert_msg(b->th[i * T] == th0[i], "th0[%zu] %.17g vs %.17g", i, b->th[i * T], th0[i]);
        ck_assert_msg(b->th[i * T + T - 1] == th_end[i], "th[%zu][499] %.17g vs %.17g", i,
                      b->th[i * T + T - 1], th_end[i]);
        check_stretch(b->av + i * T, T, CUE, se[2 * i], se[2 * i + 1], i);
        ck_assert((i < 50) == (se[2 * i] >= 0));
    }
    for (size_t j = 0; j < 6; j++) {
        size_t i = full_trials[j];
        for (size_t k = 0; k < T; k++) {
            ck_assert_msg(b->th[i * T + k] == full[2 * j * T + k], "th[%zu][%zu]", i, k);
            ck_assert_msg(b->av[i * T + k] == full[(2 * j + 1) * T + k], "av[%zu][%zu]", i, k);
        }
    }
    free(g);
    float *f = load("task_default_xy.f32", sizeof(float), 3 * T * 7);
    long worst = 0;
    for (size_t j = 0; j < 3; j++) {
        size_t i = xy_trials[j];
        const float *gx = f + j * T * 7, *gy = gx + 3 * T, *gm = gy + 2 * T;
        for (size_t k = 0; k < T; k++) {
            ck_assert(b->x[(i * T + k) * 3] == gx[3 * k]); /* av: exact */
            for (int c = 1; c < 3; c++) {                  /* sin/cos th0: 1 ulp */
                long u = ulps(b->x[(i * T + k) * 3 + c], gx[3 * k + c]);
                ck_assert_msg(u <= 1, "x[%zu][%zu][%d] %ld ulps", i, k, c, u);
                worst = u > worst ? u : worst;
            }
            for (int c = 0; c < 2; c++) {
                long u = ulps(b->y[(i * T + k) * 2 + c], gy[2 * k + c]);
                ck_assert_msg(u <= 1, "y[%zu][%zu][%d] %ld ulps", i, k, c, u);
                ck_assert(b->m[(i * T + k) * 2 + c] == gm[2 * k + c]);
            }
        }
    }
    free(f);
}

START_TEST(golden_default)
{
    /* every batch mode gives the reference trials on the first call */
    for (int mode = 0; mode < 3; mode++) {
        hdnet_config *c = cfg_new(HDNET_RNG_NUMPY, mode);
        hdnet_task *t = task_new(c, 1);
        ck_assert_uint_eq(hdnet_task_steps(t), T);
        batch b = batch_new(100, T);
        gen(t, &b);
        check_default_golden(&b);
        batch_free(&b);
        hdnet_task_free(t);
        hdnet_config_free(c);
    }
}
END_TEST

/* Values of the reference generator (docs/task.md). */
START_TEST(spec_vectors)
{
    hdnet_config *c = cfg_new(HDNET_RNG_NUMPY, HDNET_BATCH_FIXED);
    hdnet_task *t = task_new(c, 1);
    batch b = batch_new(100, T);
    gen(t, &b);
    ck_assert_double_eq(b.th[0], 2.620226532717789);
    ck_assert_double_eq(b.th[T], 4.525932273597346);
    ck_assert_double_eq(b.th[2 * T], 0.0007186381718527407);
    ck_assert_double_eq(b.av[10], 0.03 * 1.0103754805795542);
    ck_assert_double_eq(b.av[10], 0.030311264417386623);
    ck_assert_double_eq(b.th[10], 2.6505377971351756);
    ck_assert_double_eq(b.th[499], 0.9873898079675244);
    ck_assert_double_eq(b.th[99 * T + 499], 4.263710111892797);
    check_stretch(b.av, T, CUE, 20, 138, 0);
    check_stretch(b.av + T, T, CUE, 112, 162, 1);
    check_stretch(b.av + 2 * T, T, CUE, 156, 177, 2);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

START_TEST(golden_b1000)
{
    hdnet_config *c = cfg_new(HDNET_RNG_NUMPY, HDNET_BATCH_FIXED);
    hdnet_task *t = task_new(c, 1);
    batch b = batch_new(1000, T);
    gen(t, &b);
    double *g = load("task_b1000.f64", sizeof(double), 5000);
    double *d = load("task_default.f64", sizeof(double), 400 + 6 * 2 * T);
    for (size_t i = 0; i < 1000; i++) {
        ck_assert(b.th[i * T] == g[i]);
        ck_assert_msg(b.th[i * T + 499] == g[1000 + i], "th[%zu][499]", i);
        ck_assert(b.av[i * T + 250] == g[2000 + i]);
        check_stretch(b.av + i * T, T, CUE, g[3000 + 2 * i], g[3000 + 2 * i + 1], i);
        if (i < 100) /* the training trials' initial headings */
            ck_assert(b.th[i * T] == d[i]);
    }
    ck_assert_double_eq(g[3000], 61);
    ck_assert_double_eq(g[3001], 196);
    ck_assert_double_eq(b.th[499], 4.509302093911768);
    /* half of 1000 trials have a stretch */
    ck_assert(g[3000 + 2 * 499] >= 0 && g[3000 + 2 * 500] < 0);
    free(g);
    free(d);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

/* ---- batch modes ------------------------------------------------------------------- */

START_TEST(fixed_repeats)
{
    for (int kind = 0; kind < 2; kind++) {
        hdnet_config *c = cfg_new(kind, HDNET_BATCH_FIXED);
        hdnet_task *t = task_new(c, 4);
        batch a = batch_new(20, T), b = batch_new(20, T);
        gen(t, &a);
        gen(t, &b);
        ck_assert_mem_eq(a.th, b.th, 20 * T * sizeof(double));
        ck_assert_mem_eq(a.x, b.x, 20 * T * 3 * sizeof(float));
        batch_free(&a);
        batch_free(&b);
        hdnet_task_free(t);
        hdnet_config_free(c);
    }
}
END_TEST

START_TEST(fresh_continues)
{
    /* numpy: equals one RandomState(3) running the reference twice */
    hdnet_config *c = cfg_new(HDNET_RNG_NUMPY, HDNET_BATCH_FRESH);
    hdnet_task *t = task_new(c, 3);
    batch a = batch_new(100, T), b = batch_new(100, T);
    gen(t, &a);
    gen(t, &b);
    double *g = load("task_fresh.f64", sizeof(double), 200 + T);
    for (size_t i = 0; i < 100; i++) {
        ck_assert(a.th[i * T + 499] == g[i]);
        ck_assert(b.th[i * T + 499] == g[100 + i]);
    }
    for (size_t k = 0; k < T; k++)
        ck_assert(b.av[k] == g[200 + k]);
    free(g);
    /* reseed restarts the stream */
    ck_assert_ok(hdnet_task_reseed(t, 3));
    gen(t, &b);
    ck_assert_mem_eq(a.th, b.th, 100 * T * sizeof(double));
    hdnet_task_free(t);
    hdnet_config_free(c);
    /* library: consecutive calls differ */
    c = cfg_new(HDNET_RNG_LIBRARY, HDNET_BATCH_FRESH);
    t = task_new(c, 3);
    gen(t, &a);
    gen(t, &b);
    size_t same = 0;
    for (size_t i = 0; i < 100 * T; i++)
        same += a.th[i] == b.th[i];
    ck_assert_uint_lt(same, 10);
    batch_free(&a);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

START_TEST(per_update_seed)
{
    for (int kind = 0; kind < 2; kind++) {
        hdnet_config *cp = cfg_new(kind, HDNET_BATCH_PER_UPDATE_SEED);
        hdnet_config *cf = cfg_new(kind, HDNET_BATCH_FRESH);
        hdnet_task *t = task_new(cp, 100);
        batch a = batch_new(10, T), b = batch_new(10, T);
        for (int round = 0; round < 2; round++) {
            for (uint64_t p = 0; p < 3; p++) {
                gen(t, &a);
                hdnet_task *f = task_new(cf, 100 + p);
                gen(f, &b);
                ck_assert_mem_eq(a.th, b.th, 10 * T * sizeof(double));
                ck_assert_mem_eq(a.x, b.x, 10 * T * 3 * sizeof(float));
                hdnet_task_free(f);
            }
            ck_assert_ok(hdnet_task_reseed(t, 100)); /* restarts the call counter */
        }
        batch_free(&a);
        batch_free(&b);
        hdnet_task_free(t);
        hdnet_config_free(cp);
        hdnet_config_free(cf);
    }
}
END_TEST

/* Optional outputs may be NULL; the inputs do not depend on them. */
START_TEST(optional_outputs)
{
    hdnet_config *c = cfg_new(HDNET_RNG_LIBRARY, HDNET_BATCH_FIXED);
    hdnet_task *t = task_new(c, 8);
    batch a = batch_new(7, T);
    gen(t, &a);
    float *x = malloc(7 * T * 3 * sizeof(float));
    ck_assert_ptr_nonnull(x);
    ck_assert_ok(hdnet_task_generate(t, 7, x, 7 * T * 3, NULL, 0, NULL, 0, NULL, 0, NULL, 0));
    ck_assert_mem_eq(a.x, x, 7 * T * 3 * sizeof(float));
    /* targets and mask match the headings */
    for (size_t i = 0; i < 7 * T; i++) {
        ck_assert(a.y[2 * i] == (float)sin(a.th[i]));
        ck_assert(a.y[2 * i + 1] == (float)cos(a.th[i]));
        ck_assert(a.m[2 * i] == ((i % T) < CUE ? 0.0f : 1.0f));
        ck_assert(a.x[3 * i] == (float)a.av[i]);
        ck_assert(a.th[i] >= 0 && a.th[i] < 2 * 3.141592653589793);
    }
    free(x);
    batch_free(&a);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

/* Library mode accepts cue = 0 and then starts from th0 (theta[-1] = th0). */
START_TEST(library_cue0)
{
    hdnet_config *c = cfg_new(HDNET_RNG_LIBRARY, HDNET_BATCH_FIXED);
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_CUE, 0));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_RULE, HDNET_STRETCH_NONE));
    hdnet_task *t = task_new(c, 2);
    batch b = batch_new(4, T);
    gen(t, &b);
    hdnet_rng *r = NULL;
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_LIBRARY, 2));
    double u[4];
    ck_assert_ok(hdnet_rng_uniform(r, u, 4));
    for (size_t i = 0; i < 4; i++) {
        double th0 = 6.283185307179586 * u[i];
        double want = fmod(th0 + b.av[i * T], 6.283185307179586);
        if (want < 0)
            want += 6.283185307179586;
        ck_assert_double_eq(b.th[i * T], want);
        ck_assert(b.av[i * T] != 0);
        ck_assert(b.m[i * T * 2] == 1.0f);
        ck_assert(b.x[i * T * 3 + 1] == 0.0f);
    }
    hdnet_rng_free(r);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

/* mod(., 2pi): NumPy's rules, and the 2pi quirk (kept in numpy mode only). */
START_TEST(wrap_rules)
{
    const double two_pi = 6.283185307179586;
    for (int keep = 0; keep < 2; keep++) {
        ck_assert_double_eq(hdnet__task_wrap(1.0, keep), 1.0);
        ck_assert_double_eq(hdnet__task_wrap(two_pi + 0.5, keep), fmod(two_pi + 0.5, two_pi));
        ck_assert_double_eq(hdnet__task_wrap(-0.5, keep), -0.5 + two_pi);
        double z = hdnet__task_wrap(-0.0, keep);
        ck_assert(z == 0.0 && !signbit(z)); /* +0, as np.mod */
        z = hdnet__task_wrap(two_pi, keep);
        ck_assert(z == 0.0 && !signbit(z));
    }
    /* a tiny negative angle: fmod leaves it, and + 2pi rounds to exactly 2pi */
    ck_assert_double_eq(-1e-17 + two_pi, two_pi);
    ck_assert_double_eq(hdnet__task_wrap(-1e-17, 1), two_pi);
    ck_assert_double_eq(hdnet__task_wrap(-1e-17, 0), 0.0);
}
END_TEST

/* ---- MATLAB variants ------------------------------------------------------------------ */

/* first_k with K = 200 and draws from 1, numpy mode: the stretches sit where a
 * replica of the draw order (B uniforms, then per trial 1+randint(167),
 * 1+randint(333), then one Gaussian per drawn step) puts them. */
START_TEST(matlab_first_k)
{
    const size_t B = 300;
    hdnet_config *c = cfg_new(HDNET_RNG_NUMPY, HDNET_BATCH_FIXED);
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_RULE, HDNET_STRETCH_FIRST_K));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_LOW, 1));
    hdnet_task *t = task_new(c, 9);
    batch b = batch_new(B, T);
    gen(t, &b);
    hdnet_rng *r = NULL;
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_NUMPY, 9));
    double u, g;
    for (size_t i = 0; i < B; i++)
        ck_assert_ok(hdnet_rng_uniform(r, &u, 1));
    size_t min_s = 1000, max_s = 0, min_d = 1000, max_d = 0;
    for (size_t i = 0; i < B; i++) {
        double s = -1, e = -1;
        if (i < 200) {
            uint64_t a, d;
            ck_assert_ok(hdnet_rng_randint(r, 167, &a, 1));
            ck_assert_ok(hdnet_rng_randint(r, 333, &d, 1));
            s = (double)(1 + a);
            e = fmin(T, s + (double)(1 + d));
            min_s = a + 1 < min_s ? a + 1 : min_s;
            max_s = a + 1 > max_s ? a + 1 : max_s;
            min_d = d + 1 < min_d ? d + 1 : min_d;
            max_d = d + 1 > max_d ? d + 1 : max_d;
        }
        check_stretch(b.av + i * T, T, CUE, s, e, i);
        for (size_t k = CUE; k < T; k++) {
            if (b.av[i * T + k] != 0.0) {
                ck_assert_ok(hdnet_rng_normal(r, &g, 1));
                ck_assert(b.av[i * T + k] ==
                          (0.03 * g) + (0.8 * (k > CUE ? b.av[i * T + k - 1] : 0.0)));
            }
        }
    }
    ck_assert_uint_ge(min_s, 1); /* draws start at 1 */
    ck_assert_uint_ge(min_d, 1);
    ck_assert_uint_le(max_s, 167);
    ck_assert_uint_le(max_d, 333);
    hdnet_rng_free(r);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

START_TEST(matlab_av_set)
{
    const double set[5] = {-8, 0, 0, 0, 8};
    const size_t B = 200;
    hdnet_config *c = cfg_new(HDNET_RNG_LIBRARY, HDNET_BATCH_FIXED);
    ck_assert_ok(hdnet_config_set_av_set(c, set, 5));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_RULE, HDNET_STRETCH_NONE));
    hdnet_task *t = task_new(c, 5);
    batch b = batch_new(B, T);
    gen(t, &b);
    size_t n = 0, zeros = 0, pos = 0;
    for (size_t i = 0; i < B; i++)
        for (size_t k = CUE; k < T; k++) {
            double a = b.av[i * T + k];
            ck_assert_msg(a == -8 * DEG || a == 0.0 || a == 8 * DEG, "av %.17g", a);
            n++;
            zeros += a == 0.0;
            pos += a > 0;
        }
    /* binomial(n, 3/5) and (n, 1/5): 5 standard deviations */
    double N = (double)n;
    ck_assert_double_le(fabs((double)zeros - 0.6 * N), 5 * sqrt(N * 0.6 * 0.4));
    ck_assert_double_le(fabs((double)pos - 0.2 * N), 5 * sqrt(N * 0.2 * 0.8));
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

/* Clipping in degrees; the clipped value is carried in the AR(1) (checked
 * against a replica of the Gaussian stream in numpy mode, no stretches). */
START_TEST(matlab_clipping)
{
    const size_t B = 50;
    hdnet_config *c = cfg_new(HDNET_RNG_NUMPY, HDNET_BATCH_FIXED);
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_AV_MIN, -2));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_AV_MAX, 3));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_RULE, HDNET_STRETCH_NONE));
    hdnet_task *t = task_new(c, 12);
    batch b = batch_new(B, T);
    gen(t, &b);
    hdnet_rng *r = NULL;
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_NUMPY, 12));
    double u, g;
    for (size_t i = 0; i < B; i++)
        ck_assert_ok(hdnet_rng_uniform(r, &u, 1));
    size_t lo = 0, hi = 0;
    for (size_t i = 0; i < B; i++) {
        double prev = 0;
        for (size_t k = CUE; k < T; k++) {
            ck_assert_ok(hdnet_rng_normal(r, &g, 1));
            double a = (0.03 * g) + (0.8 * prev);
            if (a / DEG < -2)
                a = -2 * DEG;
            else if (a / DEG > 3)
                a = 3 * DEG;
            ck_assert_double_eq(b.av[i * T + k], a);
            lo += a == -2 * DEG;
            hi += a == 3 * DEG;
            prev = a;
        }
    }
    ck_assert_uint_gt(lo, 100); /* both bounds are hit (SD 2.9 deg/step) */
    ck_assert_uint_gt(hi, 100);
    hdnet_rng_free(r);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

START_TEST(matlab_boundary)
{
    const size_t B = 50;
    hdnet_config *c = cfg_new(HDNET_RNG_LIBRARY, HDNET_BATCH_FIXED);
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_BOUNDARY, HDNET_BOUNDARY_BOUNDED));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_THETA_MIN, 90));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_THETA_MAX, 120));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_SPEED, 3));
    hdnet_task *t = task_new(c, 6);
    batch b = batch_new(B, T);
    gen(t, &b);
    size_t near_lo = 0, near_hi = 0;
    for (size_t i = 0; i < B; i++)
        for (size_t k = 0; k < T; k++) {
            double h = b.th[i * T + k];
            ck_assert_msg(h >= 90 * DEG && h <= 120 * DEG, "th[%zu][%zu] = %g deg", i, k, h / DEG);
            if (k > 0) /* not wrapped: th[k] = th[k-1] + av[k] */
                ck_assert(h == b.th[i * T + k - 1] + b.av[i * T + k]);
            near_lo += h < 92 * DEG;
            near_hi += h > 118 * DEG;
        }
    ck_assert_uint_gt(near_lo, 0); /* the walk reaches both walls */
    ck_assert_uint_gt(near_hi, 0);
    hdnet_task_free(t);
    /* a range narrower than any step: redraws give up, av = 0, heading held */
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_THETA_MIN, 100));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_THETA_MAX, 100.000001));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_RULE, HDNET_STRETCH_NONE));
    t = task_new(c, 6);
    batch s = batch_new(2, 40);
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STEPS, 40));
    hdnet_task_free(t);
    t = task_new(c, 6);
    gen(t, &s);
    size_t held = 0;
    for (size_t k = CUE; k < 2 * 40; k++)
        held += s.av[k] == 0.0;
    ck_assert_uint_gt(held, 40); /* most steps exhaust the 1000 redraws */
    for (size_t k = 0; k < 2 * 40; k++)
        ck_assert(s.th[k] >= 100 * DEG && s.th[k] <= 100.000001 * DEG);
    batch_free(&s);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

/* Redraws with a discrete set: {-1 deg, 99 x +8 deg} in [0, 100] deg. The walk
 * climbs to the top wall, where only -1 (1 % per draw) is accepted: with up to
 * 1000 redraws a step ends at av = 0 with probability 0.99^1001 = 4.3e-5. */
START_TEST(matlab_boundary_redraws)
{
    double set[100];
    set[0] = -1;
    for (int k = 1; k < 100; k++)
        set[k] = 8;
    const size_t B = 20;
    hdnet_config *c = cfg_new(HDNET_RNG_LIBRARY, HDNET_BATCH_FIXED);
    ck_assert_ok(hdnet_config_set_av_set(c, set, 100));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_BOUNDARY, HDNET_BOUNDARY_BOUNDED));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_THETA_MAX, 100));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_RULE, HDNET_STRETCH_NONE));
    hdnet_task *t = task_new(c, 13);
    batch b = batch_new(B, T);
    gen(t, &b);
    size_t zeros = 0, down = 0;
    for (size_t i = 0; i < B; i++)
        for (size_t k = CUE; k < T; k++) {
            double a = b.av[i * T + k];
            ck_assert(a == 0.0 || a == -1 * DEG || a == 8 * DEG);
            ck_assert(b.th[i * T + k] >= 0 && b.th[i * T + k] <= 100 * DEG);
            zeros += a == 0.0;
            down += a == -1 * DEG;
        }
    /* 9800 steps: expected zeros < 0.5; P(Poisson(0.5) > 5) < 2e-5 */
    ck_assert_msg(zeros <= 5, "%zu steps gave up", zeros);
    ck_assert_uint_gt(down, 1000);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

START_TEST(matlab_input_noise)
{
    const size_t B = 100;
    hdnet_config *c = cfg_new(HDNET_RNG_LIBRARY, HDNET_BATCH_FIXED);
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_INPUT_NOISE, 0.5));
    hdnet_task *t = task_new(c, 7);
    batch b = batch_new(B, T);
    gen(t, &b);
    /* every channel gets N(0, 0.25): channel 1 after the cue, and x0 - av */
    double s1 = 0, s2 = 0, d1 = 0, d2 = 0;
    size_t n = 0;
    for (size_t i = 0; i < B; i++)
        for (size_t k = CUE; k < T; k++) {
            double v = b.x[(i * T + k) * 3 + 1], w = b.x[(i * T + k) * 3] - b.av[i * T + k];
            s1 += v;
            s2 += v * v;
            d1 += w;
            d2 += w * w;
            n++;
        }
    double N = (double)n;
    /* mean SE 0.5/sqrt(n); variance SE 0.25*sqrt(2/n); 5 SE each */
    ck_assert_double_le(fabs(s1 / N), 5 * 0.5 / sqrt(N));
    ck_assert_double_le(fabs(s2 / N - 0.25), 5 * 0.25 * sqrt(2 / N));
    ck_assert_double_le(fabs(d1 / N), 5 * 0.5 / sqrt(N));
    ck_assert_double_le(fabs(d2 / N - 0.25), 5 * 0.25 * sqrt(2 / N) + 1e-6);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

/* ---- statistics (docs/task.md) ----------------------------------------------------------------- */

/* Post-cue av with the PyTorch stretch rule. Exact expectations from
 * tests/data/task_theory.py: 17.052 % zero steps (16.711 % of all 500 steps,
 * the often-quoted "16.7 %"), SD 2.6008 deg/step, mean |av| 1.8891 deg/step. The
 * often-quoted 2.61 and 1.90 are one sample (seed 1, 1000 trials: 2.6100, 1.9002;
 * 1.4 standard errors from the expectation). Steps within a trial are
 * correlated, so the standard errors come from the spread of per-trial values
 * over the 4000 independent trials; tolerance 5 SE + 1e-4 (rounding of the
 * expectations). */
static void check_stats(int kind)
{
    const size_t B = 100, calls = 40, n_tr = B * calls, per = T - CUE;
    hdnet_config *c = cfg_new(kind, HDNET_BATCH_FRESH);
    hdnet_task *t = task_new(c, 21);
    batch b = batch_new(B, T);
    double fz[3] = {0, 0, 0}, fz2[3] = {0, 0, 0}; /* zero fraction, mean av^2, mean |av| */
    for (size_t call = 0; call < calls; call++) {
        gen(t, &b);
        for (size_t i = 0; i < B; i++) {
            double z = 0, sq = 0, ab = 0;
            for (size_t k = CUE; k < T; k++) {
                double a = b.av[i * T + k] / DEG;
                z += a == 0.0;
                sq += a * a;
                ab += fabs(a);
            }
            double v[3] = {z / per, sq / per, ab / per};
            for (int j = 0; j < 3; j++) {
                fz[j] += v[j];
                fz2[j] += v[j] * v[j];
            }
        }
    }
    double mean[3], se[3], N = (double)n_tr;
    for (int j = 0; j < 3; j++) {
        mean[j] = fz[j] / N;
        se[j] = sqrt((fz2[j] / N - mean[j] * mean[j]) / (N - 1));
    }
    double sd = sqrt(mean[1]), se_sd = se[1] / (2 * sd); /* delta method */
    ck_assert_msg(fabs(mean[0] - 0.170521) <= 5 * se[0] + 1e-4, "zero fraction %.4f (SE %.4f)",
                  mean[0], se[0]);
    ck_assert_msg(fabs(mean[0] * (T - CUE) / T - 0.167111) <= 5 * se[0] + 1e-4,
                  "zero fraction of all steps %.4f", mean[0] * (T - CUE) / T);
    ck_assert_msg(fabs(sd - 2.6008) <= 5 * se_sd + 1e-4, "SD %.4f deg (SE %.4f)", sd, se_sd);
    ck_assert_msg(fabs(mean[2] - 1.8891) <= 5 * se[2] + 1e-4, "mean |av| %.4f deg (SE %.4f)",
                  mean[2], se[2]);
    /* tight enough to matter: 5 SE < 0.05 deg, so a 2 % error in the SD fails */
    ck_assert_double_lt(5 * se_sd, 0.05);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}

START_TEST(statistics_library)
{
    check_stats(HDNET_RNG_LIBRARY);
}
END_TEST

START_TEST(statistics_numpy)
{
    check_stats(HDNET_RNG_NUMPY);
}
END_TEST

/* ---- errors ------------------------------------------------------------------------------- */

static void expect_create(hdnet_config *c, uint64_t seed, int want)
{
    hdnet_task *t = (hdnet_task *)1;
    ck_assert_status(hdnet_task_create(&t, c, seed), want);
    ck_assert_ptr_null(t);
}

START_TEST(errors_create)
{
    hdnet_config *c = cfg_new(HDNET_RNG_NUMPY, HDNET_BATCH_FRESH);
    hdnet_task *t = (hdnet_task *)1;
    ck_assert_status(hdnet_task_create(NULL, c, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_task_create(&t, NULL, 1), HDNET_EINVAL);
    ck_assert_ptr_null(t);
    expect_create(c, UINT64_C(1) << 32, HDNET_ERANGE);
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_CUE, 0));
    expect_create(c, 1, HDNET_ERANGE); /* cue = 0 in numpy mode */
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_CUE, 501));
    expect_create(c, 1, HDNET_ERANGE); /* cue > T */
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_CUE, 10));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_INPUTS, 4));
    expect_create(c, 1, HDNET_ERANGE);
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_INPUTS, 3));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_OUTPUTS, 3));
    expect_create(c, 1, HDNET_ERANGE);
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_OUTPUTS, 2));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_THETA_MIN, 360));
    expect_create(c, 1, HDNET_ERANGE);
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_THETA_MIN, 0));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_AV_MIN, 5));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_AV_MAX, 4));
    expect_create(c, 1, HDNET_ERANGE);
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_AV_MIN, -INFINITY));
    ck_assert_ok(hdnet_config_set_double(c, HDNET_P_AV_MAX, INFINITY));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STEPS, 1));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_CUE, 1));
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_LOW, 1));
    expect_create(c, 1, HDNET_ERANGE); /* randi(round(1/3)) = randi(0) */
    ck_assert_ok(hdnet_config_set_int(c, HDNET_P_STRETCH_LOW, 0));
    t = task_new(c, UINT64_C(0xffffffff));
    hdnet_task_free(t);
    hdnet_config_free(c);
    c = cfg_new(HDNET_RNG_LIBRARY, HDNET_BATCH_FRESH);
    t = task_new(c, UINT64_MAX); /* any seed in library mode */
    hdnet_task_free(t);
    hdnet_config_free(c);
    hdnet_task_free(NULL);
    ck_assert_uint_eq(hdnet_task_steps(NULL), 0);
}
END_TEST

START_TEST(errors_generate)
{
    hdnet_config *c = cfg_new(HDNET_RNG_NUMPY, HDNET_BATCH_PER_UPDATE_SEED);
    hdnet_task *t = task_new(c, 1);
    const size_t B = 2, n = B * T;
    batch b = batch_new(B, T);
    ck_assert_status(hdnet_task_generate(NULL, B, b.x, 3 * n, NULL, 0, NULL, 0, NULL, 0, NULL, 0),
                     HDNET_EINVAL);
    ck_assert_status(hdnet_task_generate(t, B, NULL, 3 * n, NULL, 0, NULL, 0, NULL, 0, NULL, 0),
                     HDNET_EINVAL);
    ck_assert_status(hdnet_task_generate(t, 0, b.x, 3 * n, NULL, 0, NULL, 0, NULL, 0, NULL, 0),
                     HDNET_EINVAL);
    ck_assert_status(hdnet_task_generate(t, B, b.x, 3 * n - 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_task_generate(t, B, b.x, 3 * n, b.y, 2 * n - 1, NULL, 0, NULL, 0, NULL, 0),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_task_generate(t, B, b.x, 3 * n, NULL, 0, b.m, 2 * n - 1, NULL, 0, NULL, 0),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_task_generate(t, B, b.x, 3 * n, NULL, 0, NULL, 0, b.th, n - 1, NULL, 0),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_task_generate(t, B, b.x, 3 * n, NULL, 0, NULL, 0, NULL, 0, b.av, n - 1),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_task_generate(t, SIZE_MAX / 4, b.x, 3 * n, NULL, 0, NULL, 0, NULL, 0,
                                         NULL, 0),
                     HDNET_ESHAPE);
    /* failed calls do not count as updates: the next call uses seed + 0 */
    gen(t, &b);
    ck_assert_double_eq(b.th[0], 2.620226532717789);
    ck_assert_status(hdnet_task_reseed(NULL, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_task_reseed(t, UINT64_C(1) << 32), HDNET_ERANGE);
    /* per-update seeds must stay below 2^32 in numpy mode */
    ck_assert_ok(hdnet_task_reseed(t, UINT64_C(0xffffffff)));
    gen(t, &b);
    ck_assert_status(hdnet_task_generate(t, B, b.x, 3 * n, NULL, 0, NULL, 0, NULL, 0, NULL, 0),
                     HDNET_ERANGE);
    batch_free(&b);
    hdnet_task_free(t);
    hdnet_config_free(c);
}
END_TEST

Suite *hdnet_suite_task(void)
{
    Suite *s = suite_create("task");
    TCase *tc = tcase_create("golden");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, golden_default);
    tcase_add_test(tc, spec_vectors);
    suite_add_tcase(s, tc);
    tc = tcase_create("golden_selection"); /* 1000 trials: minutes under valgrind */
    tcase_set_timeout(tc, 20);
    tcase_set_tags(tc, "slow");
    tcase_add_test(tc, golden_b1000);
    suite_add_tcase(s, tc);
    tc = tcase_create("batch_modes");
    tcase_add_test(tc, fixed_repeats);
    tcase_add_test(tc, fresh_continues);
    tcase_add_test(tc, per_update_seed);
    tcase_add_test(tc, optional_outputs);
    tcase_add_test(tc, library_cue0);
    tcase_add_test(tc, wrap_rules);
    suite_add_tcase(s, tc);
    tc = tcase_create("matlab");
    tcase_add_test(tc, matlab_first_k);
    tcase_add_test(tc, matlab_av_set);
    tcase_add_test(tc, matlab_clipping);
    tcase_add_test(tc, matlab_boundary);
    tcase_add_test(tc, matlab_boundary_redraws);
    tcase_add_test(tc, matlab_input_noise);
    suite_add_tcase(s, tc);
    tc = tcase_create("statistics");
    tcase_set_tags(tc, "slow"); /* seconds at -O2, minutes under valgrind */
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, statistics_library);
    tcase_add_test(tc, statistics_numpy);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, errors_create);
    tcase_add_test(tc, errors_generate);
    suite_add_tcase(s, tc);
    return s;
}
