/* Random-number generators: NumPy golden streams, xoshiro256** reference
 * outputs, determinism, clone/split, saved state, statistics, error paths. */
#include "testutil.h"
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "rng/noise_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TWO32 (UINT64_C(1) << 32)

static void *load(const char *name, size_t elem, size_t *n)
{
    size_t len = 0;
    void *p = tu_read_file(tu_data_path(name), &len);
    ck_assert_msg(p != NULL, "cannot read %s (run the tests from tests/)", tu_data_path(name));
    ck_assert_msg(len % elem == 0 && len > 0, "%s has %zu bytes", name, len);
    *n = len / elem;
    return p;
}

static hdnet_rng *mk(int kind, uint64_t seed)
{
    hdnet_rng *r = NULL;
    ck_assert_ok(hdnet_rng_create(&r, kind, seed));
    ck_assert_ptr_nonnull(r);
    return r;
}

/* ---- NumPy golden streams ------------------------------------------------ */

START_TEST(np_uniform_golden)
{
    size_t n;
    double *g = load("rng_uniform.f64", sizeof(double), &n);
    const uint64_t seeds[4] = {0, 1, 12345, TWO32 - 1};
    ck_assert_uint_eq(n, 4 * 600);
    double out[600];
    for (int s = 0; s < 4; s++) {
        hdnet_rng *r = mk(HDNET_RNG_NUMPY, seeds[s]);
        ck_assert_ok(hdnet_rng_uniform(r, out, 600));
        for (int i = 0; i < 600; i++)
            ck_assert_msg(out[i] == g[s * 600 + i], "seed %llu value %d: %.17g vs %.17g",
                          (unsigned long long)seeds[s], i, out[i], g[s * 600 + i]);
        hdnet_rng_free(r);
    }
    free(g);
}
END_TEST

START_TEST(np_normal_golden)
{
    size_t n;
    double *g = load("rng_normal.f64", sizeof(double), &n);
    ck_assert_uint_eq(n, 1001);
    double out[1001];
    /* in one call, and one at a time with the cache between calls */
    hdnet_rng *r = mk(HDNET_RNG_NUMPY, 1);
    ck_assert_ok(hdnet_rng_normal(r, out, n));
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(out[i] == g[i], "value %zu: %.17g vs %.17g", i, out[i], g[i]);
    ck_assert_ok(hdnet_rng_seed(r, 1));
    for (size_t i = 0; i < n; i++) {
        ck_assert_ok(hdnet_rng_normal(r, out + i, 1));
        ck_assert(out[i] == g[i]);
    }
    hdnet_rng_free(r);
    free(g);
}
END_TEST

START_TEST(np_mixed_golden)
{
    size_t n;
    double *g = load("rng_mixed.f64", sizeof(double), &n);
    ck_assert_uint_eq(n % 3, 0);
    hdnet_rng *r = mk(HDNET_RNG_NUMPY, 7);
    int seen[4] = {0, 0, 0, 0};
    for (size_t k = 0; k < n / 3; k++) {
        int op = (int)g[3 * k];
        uint64_t high = (uint64_t)g[3 * k + 1];
        double want = g[3 * k + 2], got;
        uint64_t v;
        ck_assert(op >= 0 && op < 4);
        seen[op]++;
        if (op == 0) {
            ck_assert_ok(hdnet_rng_normal(r, &got, 1));
        } else if (op == 2) {
            ck_assert_ok(hdnet_rng_uniform(r, &got, 1));
        } else {
            ck_assert_ok(hdnet_rng_randint(r, high, &v, 1));
            got = (double)v;
        }
        ck_assert_msg(got == want, "record %zu (op %d, high %llu): %.17g vs %.17g", k, op,
                      (unsigned long long)high, got, want);
    }
    for (int op = 0; op < 4; op++)
        ck_assert_int_gt(seen[op], 50);
    hdnet_rng_free(r);
    free(g);
}
END_TEST

START_TEST(np_randint_golden)
{
    size_t n;
    uint64_t *g = load("rng_randint.u64", sizeof(uint64_t), &n);
    ck_assert_uint_eq(n, 2 * 11 * 100);
    hdnet_rng *r = mk(HDNET_RNG_NUMPY, 5);
    int saw_high1 = 0, saw_2_32 = 0;
    for (size_t k = 0; k < n / 2; k++) {
        uint64_t v;
        ck_assert_ok(hdnet_rng_randint(r, g[2 * k], &v, 1));
        ck_assert_msg(v == g[2 * k + 1], "record %zu high %llu: %llu vs %llu", k,
                      (unsigned long long)g[2 * k], (unsigned long long)v,
                      (unsigned long long)g[2 * k + 1]);
        saw_high1 += g[2 * k] == 1;
        saw_2_32 += g[2 * k] == TWO32;
    }
    ck_assert_int_eq(saw_high1, 100);
    ck_assert_int_eq(saw_2_32, 100);
    hdnet_rng_free(r);
    free(g);
}
END_TEST

/* Test vectors of the reference generators (docs/task.md). */
START_TEST(np_spec_vectors)
{
    hdnet_rng *r = mk(HDNET_RNG_NUMPY, 1);
    double u, z[2];
    ck_assert_ok(hdnet_rng_uniform(r, &u, 1));
    ck_assert_double_eq_tol(u, 0.417022004702574, 1e-15);
    ck_assert_ok(hdnet_rng_seed(r, 1));
    ck_assert_ok(hdnet_rng_normal(r, z, 2));
    ck_assert_double_eq(z[0], 1.6243453636632417);
    ck_assert_double_eq(z[1], -0.6117564136500754);
    /* randint(1) draws nothing: the next uniform is still the first one */
    uint64_t v = 99;
    ck_assert_ok(hdnet_rng_seed(r, 1));
    ck_assert_ok(hdnet_rng_randint(r, 1, &v, 1));
    ck_assert_uint_eq(v, 0);
    ck_assert_ok(hdnet_rng_uniform(r, &u, 1));
    ck_assert_double_eq_tol(u, 0.417022004702574, 1e-15);
    hdnet_rng_free(r);
}
END_TEST

/* fill_normal_f32 in NumPy mode is standard_normal scaled and rounded. */
START_TEST(np_fill_f32)
{
    hdnet_rng *a = mk(HDNET_RNG_NUMPY, 3), *b = mk(HDNET_RNG_NUMPY, 3);
    float f[301];
    hdnet__rng_fill_normal_f32(a, f, 301, 0.1f);
    for (int i = 0; i < 301; i++) {
        double z;
        ck_assert_ok(hdnet_rng_normal(b, &z, 1));
        ck_assert(f[i] == (float)((double)0.1f * z));
    }
    hdnet_rng_free(a);
    hdnet_rng_free(b);
}
END_TEST

/* ---- library kind ---------------------------------------------------------- */

START_TEST(lib_xoshiro_reference)
{
    size_t n;
    uint64_t *g = load("rng_xoshiro.u64", sizeof(uint64_t), &n);
    const uint64_t seeds[3] = {0, 1, UINT64_MAX};
    ck_assert_uint_eq(n, 3 * 12);
    for (int s = 0; s < 3; s++) {
        hdnet_rng *r = mk(HDNET_RNG_LIBRARY, seeds[s]), *child = NULL;
        for (int i = 0; i < 8; i++)
            ck_assert_uint_eq(hdnet__rng_next64(r), g[12 * s + i]);
        hdnet_rng *before = NULL;
        ck_assert_ok(hdnet_rng_clone(r, &before));
        ck_assert_ok(hdnet_rng_split(r, &child)); /* r jumps 2^128 ahead */
        for (int i = 0; i < 4; i++)
            ck_assert_uint_eq(hdnet__rng_next64(r), g[12 * s + 8 + i]);
        /* the child continues the parent's pre-jump stream */
        for (int i = 0; i < 16; i++)
            ck_assert_uint_eq(hdnet__rng_next64(child), hdnet__rng_next64(before));
        hdnet_rng_free(r);
        hdnet_rng_free(child);
        hdnet_rng_free(before);
    }
    free(g);
}
END_TEST

/* The jump is a polynomial in the transition, so it commutes with a step. */
START_TEST(lib_jump_commutes)
{
    hdnet_rng *a = mk(HDNET_RNG_LIBRARY, 42), *b = NULL, *ca = NULL, *cb = NULL;
    ck_assert_ok(hdnet_rng_clone(a, &b));
    (void)hdnet__rng_next64(a);
    ck_assert_ok(hdnet_rng_split(a, &ca)); /* a = J(N(s)) */
    ck_assert_ok(hdnet_rng_split(b, &cb)); /* b = J(s) */
    (void)hdnet__rng_next64(b);            /* b = N(J(s)) */
    for (int i = 0; i < 8; i++)
        ck_assert_uint_eq(hdnet__rng_next64(a), hdnet__rng_next64(b));
    hdnet_rng_free(a);
    hdnet_rng_free(b);
    hdnet_rng_free(ca);
    hdnet_rng_free(cb);
}
END_TEST

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

START_TEST(split_streams_differ)
{
    enum { M = 2000 };
    uint64_t *v = malloc(3 * M * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (int kind = 0; kind < 2; kind++) {
        hdnet_rng *p = mk(kind, 11), *c1 = NULL, *c2 = NULL;
        ck_assert_ok(hdnet_rng_split(p, &c1));
        ck_assert_ok(hdnet_rng_split(p, &c2));
        ck_assert_int_eq(hdnet_rng_kind(c1), kind);
        for (int i = 0; i < M; i++) {
            v[i] = hdnet__rng_next64(p);
            v[M + i] = hdnet__rng_next64(c1);
            v[2 * M + i] = hdnet__rng_next64(c2);
        }
        /* 6000 64-bit values from a good generator: a repeat has probability ~1e-12 */
        qsort(v, 3 * M, sizeof *v, cmp_u64);
        for (int i = 1; i < 3 * M; i++)
            ck_assert_msg(v[i] != v[i - 1], "kind %d: repeated 64-bit value", kind);
        hdnet_rng_free(p);
        hdnet_rng_free(c1);
        hdnet_rng_free(c2);
    }
    free(v);
    /* NumPy kind: the child is RandomState(parent's next 32 bits) */
    hdnet_rng *p = mk(HDNET_RNG_NUMPY, 2), *q = NULL, *c = NULL;
    ck_assert_ok(hdnet_rng_clone(p, &q));
    uint32_t s = hdnet__rng_next32(q);
    ck_assert_ok(hdnet_rng_split(p, &c));
    hdnet_rng *ref = mk(HDNET_RNG_NUMPY, s);
    for (int i = 0; i < 10; i++) {
        ck_assert_uint_eq(hdnet__rng_next32(c), hdnet__rng_next32(ref));
        ck_assert_uint_eq(hdnet__rng_next32(p), hdnet__rng_next32(q));
    }
    hdnet_rng_free(p);
    hdnet_rng_free(q);
    hdnet_rng_free(c);
    hdnet_rng_free(ref);
}
END_TEST

/* ---- determinism, clone, seed ------------------------------------------------ */

START_TEST(determinism_and_clone)
{
    for (int kind = 0; kind < 2; kind++) {
        hdnet_rng *a = mk(kind, 123), *b = mk(kind, 123), *c = mk(kind, 124), *d = NULL;
        double x[257], y[257], z[257];
        ck_assert_ok(hdnet_rng_normal(a, x, 1)); /* odd count: NumPy cache full */
        ck_assert_ok(hdnet_rng_normal(b, y, 1));
        ck_assert_ok(hdnet_rng_clone(a, &d));
        ck_assert_int_eq(hdnet_rng_kind(d), kind);
        ck_assert_ok(hdnet_rng_normal(a, x, 257));
        ck_assert_ok(hdnet_rng_normal(b, y, 257));
        ck_assert_ok(hdnet_rng_normal(d, z, 257));
        ck_assert_mem_eq(x, y, sizeof x);
        ck_assert_mem_eq(x, z, sizeof x);
        ck_assert_ok(hdnet_rng_normal(c, z, 257));
        int same = 0;
        for (int i = 0; i < 257; i++)
            same += x[i] == z[i];
        ck_assert_int_lt(same, 3);
        /* reseeding restarts the stream and clears the cache */
        ck_assert_ok(hdnet_rng_seed(a, 123));
        ck_assert_ok(hdnet_rng_normal(a, x, 1));
        ck_assert_ok(hdnet_rng_seed(d, 123));
        ck_assert_ok(hdnet_rng_normal(d, z, 1));
        ck_assert(x[0] == z[0]);
        ck_assert_ok(hdnet_rng_seed(c, 123));
        ck_assert_ok(hdnet_rng_normal(c, y, 1));
        ck_assert(x[0] == y[0]);
        hdnet_rng_free(a);
        hdnet_rng_free(b);
        hdnet_rng_free(c);
        hdnet_rng_free(d);
    }
}
END_TEST

/* The bulk float filler (library kind) takes one 64-bit draw per call and
 * expands it with the vectorised generator of noise.c (tests/test_noise.c
 * checks that generator); n = 0 draws nothing. */
START_TEST(lib_fill_f32_one_draw_per_call)
{
    hdnet_rng *a = mk(HDNET_RNG_LIBRARY, 9), *b = mk(HDNET_RNG_LIBRARY, 9);
    enum { M = 1001 };
    float f[M], g[M];
    for (int call = 0; call < 3; call++) {
        hdnet__rng_fill_normal_f32(a, f, M, 0.25f);
        hdnet__noise_normal_f32(hdnet__rng_next64(b), g, M, 0.25f, HDNET__NOISE_PORTABLE);
        ck_assert_mem_eq(f, g, sizeof f);
    }
    hdnet__rng_fill_normal_f32(a, f, 0, 0.25f);
    ck_assert_uint_eq(hdnet__rng_next64(a), hdnet__rng_next64(b));
    hdnet_rng_free(a);
    hdnet_rng_free(b);
}
END_TEST

/* ---- saved state ------------------------------------------------------------ */

START_TEST(state_roundtrip)
{
    for (int kind = 0; kind < 2; kind++) {
        hdnet_rng *a = mk(kind, 77), *b = mk(kind, 1);
        double x[64], y[64];
        ck_assert_ok(hdnet_rng_normal(a, x, 3)); /* NumPy: cache full */
        size_t sz = hdnet_rng_state_size(a);
        ck_assert_uint_gt(sz, 16);
        unsigned char *buf = malloc(sz);
        ck_assert_ptr_nonnull(buf);
        ck_assert_ok(hdnet_rng_get_state(a, buf, sz));
        ck_assert_ok(hdnet_rng_normal(a, x, 33));
        ck_assert_ok(hdnet_rng_uniform(a, x + 33, 31));
        ck_assert_ok(hdnet_rng_set_state(b, buf, sz));
        ck_assert_int_eq(hdnet_rng_kind(b), kind);
        ck_assert_ok(hdnet_rng_normal(b, y, 33));
        ck_assert_ok(hdnet_rng_uniform(b, y + 33, 31));
        ck_assert_mem_eq(x, y, sizeof x);
        /* a restored state saves to the same bytes */
        ck_assert_ok(hdnet_rng_set_state(b, buf, sz));
        unsigned char *buf2 = malloc(sz);
        ck_assert_ptr_nonnull(buf2);
        ck_assert_ok(hdnet_rng_get_state(b, buf2, sz));
        ck_assert_mem_eq(buf, buf2, sz);
        free(buf);
        free(buf2);
        hdnet_rng_free(a);
        hdnet_rng_free(b);
    }
    /* the kind may change on restore */
    hdnet_rng *np = mk(HDNET_RNG_NUMPY, 1), *lib = mk(HDNET_RNG_LIBRARY, 1);
    unsigned char buf[4096];
    ck_assert_ok(hdnet_rng_get_state(np, buf, sizeof buf));
    ck_assert_ok(hdnet_rng_set_state(lib, buf, hdnet_rng_state_size(np)));
    ck_assert_int_eq(hdnet_rng_kind(lib), HDNET_RNG_NUMPY);
    double u;
    ck_assert_ok(hdnet_rng_uniform(lib, &u, 1));
    ck_assert_double_eq_tol(u, 0.417022004702574, 1e-15);
    hdnet_rng_free(np);
    hdnet_rng_free(lib);
}
END_TEST

START_TEST(state_errors)
{
    for (int kind = 0; kind < 2; kind++) {
        hdnet_rng *a = mk(kind, 5), *b = mk(HDNET_RNG_LIBRARY, 8), *ref = NULL;
        ck_assert_ok(hdnet_rng_clone(b, &ref));
        size_t sz = hdnet_rng_state_size(a);
        unsigned char *buf = malloc(sz + 8), *bad = malloc(sz + 8);
        ck_assert_ptr_nonnull(buf);
        ck_assert_ptr_nonnull(bad);
        ck_assert_status(hdnet_rng_get_state(a, buf, sz - 1), HDNET_ESHAPE);
        ck_assert_status(hdnet_rng_get_state(NULL, buf, sz), HDNET_EINVAL);
        ck_assert_status(hdnet_rng_get_state(a, NULL, sz), HDNET_EINVAL);
        ck_assert_ok(hdnet_rng_get_state(a, buf, sz + 8));
        ck_assert_status(hdnet_rng_set_state(NULL, buf, sz), HDNET_EINVAL);
        ck_assert_status(hdnet_rng_set_state(b, NULL, sz), HDNET_EINVAL);
        ck_assert_status(hdnet_rng_set_state(b, buf, sz - 1), HDNET_EFORMAT);
        ck_assert_status(hdnet_rng_set_state(b, buf, sz + 1), HDNET_EFORMAT);
        ck_assert_status(hdnet_rng_set_state(b, buf, 3), HDNET_EFORMAT);
        ck_assert_status(hdnet_rng_set_state(b, buf, 0), HDNET_EFORMAT);
        /* every single flipped byte is caught (magic, version, kind, checksum) */
        for (size_t i = 0; i < sz; i++) {
            memcpy(bad, buf, sz);
            bad[i] ^= 0x5a;
            ck_assert_msg(hdnet_rng_set_state(b, bad, sz) == HDNET_EFORMAT, "byte %zu", i);
        }
        /* garbage */
        for (size_t i = 0; i < sz; i++)
            bad[i] = (unsigned char)(i * 131 + 7);
        ck_assert_status(hdnet_rng_set_state(b, bad, sz), HDNET_EFORMAT);
        /* b is unchanged by the failures */
        for (int i = 0; i < 8; i++)
            ck_assert_uint_eq(hdnet__rng_next64(b), hdnet__rng_next64(ref));
        free(buf);
        free(bad);
        hdnet_rng_free(a);
        hdnet_rng_free(b);
        hdnet_rng_free(ref);
    }
    ck_assert_uint_eq(hdnet_rng_state_size(NULL), 0);
}
END_TEST

/* ---- statistics of the library kind ------------------------------------------ */

/* 2e6 ziggurat draws against N(0,1). Tolerances are 5 standard errors (a false
 * failure has probability < 1e-6 per check), the histogram a chi-square test. */
START_TEST(lib_normal_statistics)
{
    const size_t n = 2000000;
    hdnet_rng *r = mk(HDNET_RNG_LIBRARY, 2024);
    double s1 = 0, s2 = 0, s4 = 0;
    size_t gt1 = 0, gt2 = 0, gtr = 0, neg = 0;
    enum { NB = 34 }; /* (-inf,-4), 32 bins of 0.25 on [-4,4), [4,inf) */
    size_t bins[NB] = {0};
    for (size_t i = 0; i < n; i++) {
        double z = hdnet__rng_normal1(r);
        ck_assert(isfinite(z));
        s1 += z;
        s2 += z * z;
        s4 += z * z * z * z;
        double a = fabs(z);
        gt1 += a > 1;
        gt2 += a > 2;
        gtr += a > 3.6541528853610092;
        neg += z < 0;
        int b = z < -4 ? 0 : z >= 4 ? NB - 1 : 1 + (int)floor((z + 4) / 0.25);
        bins[b]++;
    }
    double N = (double)n, m = s1 / N, v = s2 / N - m * m, k4 = s4 / N;
    ck_assert_double_le(fabs(m), 5 / sqrt(N));            /* SE 1/sqrt(n) */
    ck_assert_double_le(fabs(v - 1), 5 * sqrt(2 / N));    /* SE sqrt(2/n) */
    ck_assert_double_le(fabs(k4 - 3), 5 * sqrt(96 / N));  /* Var z^4 = 105 - 9 */
    const double p[4] = {erfc(1 / sqrt(2.0)), erfc(2 / sqrt(2.0)),
                         erfc(3.6541528853610092 / sqrt(2.0)), 0.5};
    const size_t c[4] = {gt1, gt2, gtr, neg};
    for (int j = 0; j < 4; j++) {
        double e = N * p[j], sd = sqrt(N * p[j] * (1 - p[j]));
        ck_assert_msg(fabs((double)c[j] - e) <= 5 * sd, "fraction %d: %zu vs %.1f (sd %.1f)", j,
                      c[j], e, sd);
    }
    double chi2 = 0;
    for (int b = 0; b < NB; b++) {
        double lo = b == 0 ? -INFINITY : -4 + 0.25 * (b - 1);
        double hi = b == NB - 1 ? INFINITY : -4 + 0.25 * b;
        double pb = 0.5 * (erfc(-hi / sqrt(2.0)) - erfc(-lo / sqrt(2.0)));
        double e = N * pb;
        chi2 += ((double)bins[b] - e) * ((double)bins[b] - e) / e;
    }
    /* 33 degrees of freedom: P(chi2 > 87.4) ~ 1e-6 (Wilson-Hilferty) */
    ck_assert_msg(chi2 < 87.4, "chi2 = %.1f", chi2);
    hdnet_rng_free(r);
}
END_TEST

START_TEST(lib_uniform_randint_statistics)
{
    const size_t n = 1000000;
    hdnet_rng *r = mk(HDNET_RNG_LIBRARY, 5);
    double s = 0;
    size_t cnt[7] = {0};
    for (size_t i = 0; i < n; i++) {
        double u = hdnet__rng_uniform1(r);
        ck_assert(u >= 0 && u < 1);
        s += u;
        uint64_t k = hdnet__rng_randint1(r, 7);
        ck_assert_uint_lt(k, 7);
        cnt[k]++;
    }
    /* mean of U(0,1): SE sqrt(1/12/n) */
    ck_assert_double_le(fabs(s / (double)n - 0.5), 5 * sqrt(1.0 / 12 / (double)n));
    double chi2 = 0, e = (double)n / 7;
    for (int k = 0; k < 7; k++)
        chi2 += ((double)cnt[k] - e) * ((double)cnt[k] - e) / e;
    ck_assert_msg(chi2 < 38.0, "chi2 = %.1f", chi2); /* 6 dof: P(>38) ~ 1e-6 */
    uint64_t v;
    ck_assert_ok(hdnet_rng_randint(r, 1, &v, 1));
    ck_assert_uint_eq(v, 0);
    ck_assert_ok(hdnet_rng_randint(r, TWO32, &v, 1));
    ck_assert_uint_lt(v, TWO32);
    hdnet_rng_free(r);
}
END_TEST

/* ---- error paths --------------------------------------------------------------- */

START_TEST(errors)
{
    hdnet_rng *r = (hdnet_rng *)1;
    ck_assert_status(hdnet_rng_create(NULL, HDNET_RNG_LIBRARY, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_rng_create(&r, 7, 1), HDNET_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_status(hdnet_rng_create(&r, -1, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_rng_create(&r, HDNET_RNG_NUMPY, TWO32), HDNET_ERANGE);
    ck_assert_ptr_null(r);
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_NUMPY, TWO32 - 1));
    hdnet_rng_free(r);
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_LIBRARY, UINT64_MAX));

    hdnet_rng *c = (hdnet_rng *)1;
    ck_assert_status(hdnet_rng_clone(NULL, &c), HDNET_EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_status(hdnet_rng_clone(r, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_rng_seed(NULL, 1), HDNET_EINVAL);
    ck_assert_int_eq(hdnet_rng_kind(NULL), HDNET_EINVAL);
    c = (hdnet_rng *)1;
    ck_assert_status(hdnet_rng_split(NULL, &c), HDNET_EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_status(hdnet_rng_split(r, NULL), HDNET_EINVAL);

    double d;
    uint64_t u;
    ck_assert_status(hdnet_rng_uniform(NULL, &d, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_rng_uniform(r, NULL, 1), HDNET_EINVAL);
    ck_assert_ok(hdnet_rng_uniform(r, NULL, 0));
    ck_assert_status(hdnet_rng_normal(NULL, &d, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_rng_normal(r, NULL, 1), HDNET_EINVAL);
    ck_assert_ok(hdnet_rng_normal(r, NULL, 0));
    ck_assert_status(hdnet_rng_randint(NULL, 2, &u, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_rng_randint(r, 2, NULL, 1), HDNET_EINVAL);
    ck_assert_ok(hdnet_rng_randint(r, 2, NULL, 0));
    ck_assert_status(hdnet_rng_randint(r, 0, &u, 1), HDNET_ERANGE);
    ck_assert_status(hdnet_rng_randint(r, TWO32 + 1, &u, 1), HDNET_ERANGE);
    hdnet_rng_free(r);

    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_NUMPY, 3));
    ck_assert_status(hdnet_rng_seed(r, TWO32), HDNET_ERANGE);
    ck_assert_ok(hdnet_rng_seed(r, 1)); /* still usable */
    ck_assert_ok(hdnet_rng_uniform(r, &d, 1));
    ck_assert_double_eq_tol(d, 0.417022004702574, 1e-15);
    hdnet_rng_free(r);
    hdnet_rng_free(NULL);
    ck_assert_status(hdnet__rng_init(NULL, HDNET_RNG_LIBRARY, 1), HDNET_EINVAL);
}
END_TEST

Suite *hdnet_suite_rng(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("numpy_golden");
    tcase_add_test(tc, np_uniform_golden);
    tcase_add_test(tc, np_normal_golden);
    tcase_add_test(tc, np_mixed_golden);
    tcase_add_test(tc, np_randint_golden);
    tcase_add_test(tc, np_spec_vectors);
    tcase_add_test(tc, np_fill_f32);
    suite_add_tcase(s, tc);
    tc = tcase_create("library");
    tcase_add_test(tc, lib_xoshiro_reference);
    tcase_add_test(tc, lib_jump_commutes);
    tcase_add_test(tc, split_streams_differ);
    tcase_add_test(tc, determinism_and_clone);
    tcase_add_test(tc, lib_fill_f32_one_draw_per_call);
    suite_add_tcase(s, tc);
    tc = tcase_create("state");
    tcase_add_test(tc, state_roundtrip);
    tcase_add_test(tc, state_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("statistics");
    tcase_set_tags(tc, "slow"); /* seconds at -O2, minutes under valgrind */
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, lib_normal_statistics);
    tcase_add_test(tc, lib_uniform_randint_statistics);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return s;
}
