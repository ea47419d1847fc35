/* Fast float Gaussians for the training noise (lib/rng/noise.c, lib/rng/noise_avx2.c):
 * the AVX2 and portable versions agree bit for bit; the numbers are standard
 * normal (moments, tail fractions, Kolmogorov-Smirnov), uncorrelated along a
 * call, across lanes, within a Box-Muller pair and across calls; the
 * generator is deterministic and advances the caller's state.
 *
 * Tolerances: a statistic with standard error SE must lie within 5 SE of its
 * expectation (a correct generator fails one such check with probability
 * 6e-7; the seeds are fixed, so each check either always passes or always
 * fails). */
#include "testutil.h"
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "rng/noise_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static float *alloc_f(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* n standard normals drawn the way the engine draws them: calls of `per`
 * floats from one library generator (each call reseeds the lanes). */
static float *draw_engine_like(uint64_t seed, size_t n, size_t per)
{
    hdnet_rng *r = NULL;
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_LIBRARY, seed));
    float *z = alloc_f(n);
    for (size_t i = 0; i < n; i += per)
        hdnet__rng_fill_normal_f32(r, z + i, n - i < per ? n - i : per, 1.0f);
    hdnet_rng_free(r);
    return z;
}

/* ---- bitwise agreement ------------------------------------------------------ */

START_TEST(avx2_matches_portable)
{
    if (!hdnet__noise_supported(HDNET__NOISE_AVX2))
        return; /* nothing to compare on this CPU */
    static const size_t lens[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 127, 1001, 4099};
    static const float sds[] = {1.0f, 0.1f, 0.37f, 3.0e-3f};
    enum { NSEED = 300, MAXN = 4099 + 16 };
    float *a = alloc_f(MAXN), *b = alloc_f(MAXN);
    uint64_t x = 7;
    size_t compared = 0;
    for (int s = 0; s < NSEED; s++) {
        /* random seeds plus edge cases: 0, all ones, one half zero */
        uint64_t seed = s == 0 ? 0 : s == 1 ? ~UINT64_C(0) : s == 2 ? UINT64_C(0xffffffff)
                      : s == 3 ? UINT64_C(0xffffffff00000000) : splitmix(&x);
        for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
            const size_t n = lens[li];
            const float sd = sds[(s + li) % 4];
            /* canaries after the end must survive */
            for (size_t j = 0; j < MAXN; j++)
                a[j] = b[j] = -12345.0f;
            hdnet__noise_normal_f32_portable(seed, a, n, sd);
            hdnet__noise_normal_f32_avx2(seed, b, n, sd);
            size_t bad = n, past = MAXN, nonfinite = n;
            for (size_t j = 0; j < n; j++) {
                if (memcmp(a + j, b + j, 4) != 0 && bad == n)
                    bad = j;
                if (!isfinite(a[j]) && nonfinite == n)
                    nonfinite = j;
            }
            for (size_t j = MAXN; j-- > n;)
                if (a[j] != -12345.0f || b[j] != -12345.0f)
                    past = j;
            /* assert once per case: Check records every passing assertion */
            ck_assert_msg(bad == n, "seed %d n %zu index %zu: portable %.9g avx2 %.9g", s, n, bad,
                          (double)a[bad < n ? bad : 0], (double)b[bad < n ? bad : 0]);
            ck_assert_msg(nonfinite == n, "seed %d n %zu: index %zu not finite", s, n, nonfinite);
            ck_assert_msg(past == MAXN, "n %zu: wrote past the end at %zu", n, past);
            compared += n;
        }
    }
    ck_assert_uint_gt(compared, 1000000);
    /* the dispatcher gives the same bits whatever it is asked for */
    hdnet__noise_normal_f32(42, a, 1001, 0.5f, HDNET__NOISE_AUTO);
    hdnet__noise_normal_f32(42, b, 1001, 0.5f, HDNET__NOISE_PORTABLE);
    ck_assert_mem_eq(a, b, 1001 * sizeof *a);
    hdnet__noise_normal_f32(42, b, 1001, 0.5f, HDNET__NOISE_AVX2);
    ck_assert_mem_eq(a, b, 1001 * sizeof *a);
    free(a);
    free(b);
}
END_TEST

/* A shorter call gives a prefix of a longer one; sd scales exactly (a power
 * of two); sd = 0 gives zeros. */
START_TEST(prefix_and_scale)
{
    enum { N = 1001 };
    float *a = alloc_f(N), *b = alloc_f(N);
    for (int impl = HDNET__NOISE_PORTABLE; impl <= HDNET__NOISE_AVX2; impl++) {
        if (!hdnet__noise_supported(impl))
            continue;
        hdnet__noise_normal_f32(99, a, N, 1.0f, impl);
        for (size_t n = 1; n < N; n += 37) {
            hdnet__noise_normal_f32(99, b, n, 1.0f, impl);
            ck_assert_mem_eq(a, b, n * sizeof *a);
        }
        hdnet__noise_normal_f32(99, b, N, 0.25f, impl);
        size_t bad = 0;
        for (size_t j = 0; j < N; j++)
            bad += b[j] != 0.25f * a[j];
        ck_assert_uint_eq(bad, 0);
        hdnet__noise_normal_f32(99, b, N, 0.0f, impl);
        for (size_t j = 0; j < N; j++)
            bad += b[j] != 0.0f;
        ck_assert_uint_eq(bad, 0);
    }
    free(a);
    free(b);
}
END_TEST

/* ---- determinism and the caller's state ---------------------------------- */

START_TEST(determinism_and_state)
{
    enum { N = 100 };
    float a[N], b[N], c[N];
    hdnet_rng *r1 = NULL, *r2 = NULL, *r3 = NULL;
    ck_assert_ok(hdnet_rng_create(&r1, HDNET_RNG_LIBRARY, 2020));
    ck_assert_ok(hdnet_rng_create(&r2, HDNET_RNG_LIBRARY, 2020));
    ck_assert_ok(hdnet_rng_create(&r3, HDNET_RNG_LIBRARY, 2021));
    hdnet__rng_fill_normal_f32(r1, a, N, 1.0f);
    hdnet__rng_fill_normal_f32(r2, b, N, 1.0f);
    ck_assert_mem_eq(a, b, sizeof a); /* same seed, same numbers */
    hdnet__rng_fill_normal_f32(r1, c, N, 1.0f);
    int same = 0;
    for (int j = 0; j < N; j++)
        same += a[j] == c[j];
    ck_assert_int_lt(same, 3); /* the second call continues, it does not repeat */
    hdnet__rng_fill_normal_f32(r3, c, N, 1.0f);
    same = 0;
    for (int j = 0; j < N; j++)
        same += a[j] == c[j];
    ck_assert_int_lt(same, 3); /* another seed, other numbers */
    /* exactly one 64-bit draw per call: r2 catches up with r1 after one next64 */
    (void)hdnet__rng_next64(r2);
    ck_assert_uint_eq(hdnet__rng_next64(r1), hdnet__rng_next64(r2));
    hdnet_rng_free(r1);
    hdnet_rng_free(r2);
    hdnet_rng_free(r3);
}
END_TEST

/* ---- distribution ----------------------------------------------------------- */

/* Mean, variance, skewness, excess kurtosis and |z| > k fractions of 4e6
 * draws in calls of 100 (the engine's pattern) against N(0, 1). Standard
 * errors for n draws: mean 1/sqrt(n), variance sqrt(2/n), skewness
 * sqrt(6/n), kurtosis sqrt(24/n), a fraction p: sqrt(p(1-p)/n). */
START_TEST(moments_and_tails)
{
    const size_t n = 4000000;
    float *z = draw_engine_like(11, n, 100);
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0, zmax = 0;
    size_t tail[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const double v = z[i], v2 = v * v;
        s1 += v;
        s2 += v2;
        s3 += v2 * v;
        s4 += v2 * v2;
        const double av = fabs(v);
        if (av > zmax)
            zmax = av;
        for (int k = 1; k <= 4; k++)
            tail[k] += av > k;
    }
    const double dn = (double)n, mean = s1 / dn, var = s2 / dn - mean * mean;
    const double m3 = s3 / dn - 3 * mean * s2 / dn + 2 * mean * mean * mean;
    const double m4 = s4 / dn - 4 * mean * s3 / dn + 6 * mean * mean * s2 / dn - 3 * pow(mean, 4);
    const double skew = m3 / pow(var, 1.5), kurt = m4 / (var * var) - 3.0;
    ck_assert_msg(isfinite(s4), "non-finite values");
    ck_assert_msg(fabs(mean) < 5 / sqrt(dn), "mean %g", mean);
    ck_assert_msg(fabs(var - 1) < 5 * sqrt(2 / dn), "variance %g", var);
    ck_assert_msg(fabs(skew) < 5 * sqrt(6 / dn), "skewness %g", skew);
    ck_assert_msg(fabs(kurt) < 5 * sqrt(24 / dn), "excess kurtosis %g", kurt);
    for (int k = 1; k <= 4; k++) {
        const double p = erfc(k / sqrt(2.0)), f = (double)tail[k] / dn;
        ck_assert_msg(fabs(f - p) < 5 * sqrt(p * (1 - p) / dn), "P(|z| > %d) = %g, normal %g", k,
                      f, p);
    }
    /* the documented truncation: |z| <= sqrt(62 ln 2) */
    ck_assert_msg(zmax <= sqrt(62 * log(2.0)) * (1 + 1e-6), "max |z| %g", zmax);
    free(z);
}
END_TEST

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov against the normal CDF at n = 1e6. Under the null,
 * P(sqrt(n) D > x) -> 2 exp(-2 x^2); x = 1.949 gives a 1e-3 level, D_crit =
 * 1.949e-3. A systematic CDF error of 2e-3 anywhere fails. Float rounding
 * of the values (~1e-7) and the polynomial errors (~1e-7) are far below. */
static double ks_stat(float *z, size_t n)
{
    qsort(z, n, sizeof *z, cmp_float);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        const double F = 0.5 * erfc(-(double)z[i] / sqrt(2.0));
        const double lo = F - (double)i / (double)n, hi = (double)(i + 1) / (double)n - F;
        if (lo > d)
            d = lo;
        if (hi > d)
            d = hi;
    }
    return d;
}

START_TEST(kolmogorov_smirnov)
{
    const size_t n = 1000000;
    const double crit = sqrt(log(2.0 / 1e-3) / 2.0) / sqrt((double)n);
    /* the engine pattern (calls of 100, reseeding per call) and long calls */
    float *z = draw_engine_like(5, n, 100);
    double d = ks_stat(z, n);
    ck_assert_msg(d < crit, "KS D = %g (calls of 100), critical %g", d, crit);
    free(z);
    z = alloc_f(n);
    hdnet__noise_normal_f32(UINT64_C(0x0123456789abcdef), z, n, 1.0f, HDNET__NOISE_AUTO);
    d = ks_stat(z, n);
    ck_assert_msg(d < crit, "KS D = %g (one call of 1e6), critical %g", d, crit);
    /* the test can fail: the same numbers shifted by 0.005 sd */
    for (size_t i = 0; i < n; i++)
        z[i] += 0.005f;
    ck_assert_msg(ks_stat(z, n) > crit, "KS does not see a 0.005 shift");
    free(z);
}
END_TEST

/* Pearson correlation of m pairs (x[i*sx], y[i*sy]); SE 1/sqrt(m) under
 * independence. */
static double corr(const float *x, size_t sx, const float *y, size_t sy, size_t m)
{
    double a = 0, b = 0, aa = 0, bb = 0, ab = 0;
    for (size_t i = 0; i < m; i++) {
        const double u = x[i * sx], v = y[i * sy];
        a += u;
        b += v;
        aa += u * u;
        bb += v * v;
        ab += u * v;
    }
    const double dm = (double)m;
    return (ab / dm - a / dm * b / dm) /
           sqrt((aa / dm - a / dm * a / dm) * (bb / dm - b / dm * b / dm));
}

/* Lag-1 and lag-16 along a long call; every pair of lanes at the same step;
 * the two members of a Box-Muller pair (z0 in out[16k + l], z1 in
 * out[16k + 8 + l]), and their squares (which share rho: correlated if the
 * transform were wrong); the same position in consecutive calls of 100. */
START_TEST(correlations)
{
    const size_t n = 16 * 125000; /* 2e6 */
    float *z = alloc_f(n), *sq = alloc_f(n);
    hdnet__noise_normal_f32(31, z, n, 1.0f, HDNET__NOISE_AUTO);
    for (size_t i = 0; i < n; i++)
        sq[i] = z[i] * z[i];
    double r, se;
    r = corr(z, 1, z + 1, 1, n - 1);
    ck_assert_msg(fabs(r) < 5 / sqrt((double)n), "lag-1 correlation %g", r);
    r = corr(z, 1, z + 16, 1, n - 16);
    ck_assert_msg(fabs(r) < 5 / sqrt((double)n), "lag-16 correlation %g", r);
    const size_t steps = n / 16;
    se = 1 / sqrt((double)steps);
    for (int l = 0; l < 16; l++)
        for (int k = l + 1; k < 16; k++) {
            r = corr(z + l, 16, z + k, 16, steps);
            ck_assert_msg(fabs(r) < 5 * se, "positions %d and %d of a block: correlation %g", l,
                          k, r);
        }
    for (int l = 0; l < 8; l++) {
        r = corr(sq + l, 16, sq + 8 + l, 16, steps);
        /* corr of squares of independent normals: SE 1/sqrt(m) as well */
        ck_assert_msg(fabs(r) < 5 * se, "lane %d: z0^2, z1^2 correlation %g", l, r);
    }
    free(z);
    free(sq);
    /* consecutive calls of 100 from one generator: position j of call c and
     * position j of call c + 1 */
    const size_t calls = 20000, per = 100;
    z = draw_engine_like(77, calls * per, per);
    se = 1 / sqrt((double)(calls - 1));
    for (size_t j = 0; j < per; j += 11) {
        r = corr(z + j, per, z + per + j, per, calls - 1);
        ck_assert_msg(fabs(r) < 5 * se, "position %zu in consecutive calls: correlation %g", j,
                      r);
    }
    free(z);
}
END_TEST

Suite *hdnet_suite_noise(void)
{
    Suite *s = suite_create("noise");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, avx2_matches_portable);
    tcase_add_test(tc, prefix_and_scale);
    tcase_add_test(tc, determinism_and_state);
    suite_add_tcase(s, tc);
    tc = tcase_create("statistics");
    tcase_set_tags(tc, "slow"); /* a second at -O2, minutes under valgrind */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, moments_and_tails);
    tcase_add_test(tc, kolmogorov_smirnov);
    tcase_add_test(tc, correlations);
    suite_add_tcase(s, tc);
    return s;
}
