/* Every vector kernel set the CPU can run against the portable kernels, on
 * random data, for several sizes (padding, tails of the register blocks),
 * trial counts and every activation; the AVX-512 set against the AVX2 set bit
 * for bit, natively where the CPU has AVX-512 and emulated everywhere; the
 * bfloat16 rounding of grad_precision = bf16. (The gradient check of
 * test_net.c also runs through every supported set.) */
#include "testutil.h"
#include "core/internal.h"
#include "kernel_emulated.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t st;
static float frand(void)
{
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(st >> 11) * 0x1p-53 * 2.0 - 1.0);
}

static float *falloc(size_t n)
{
    void *p = NULL;
    ck_assert_int_eq(posix_memalign(&p, 64, (n ? n : 1) * sizeof(float)), 0);
    memset(p, 0, (n ? n : 1) * sizeof(float));
    return p;
}

/* |a - b| <= tol * (1 + |b|) over the first n of each row */
static void close_rows(const float *a, const float *b, size_t rows, size_t n, size_t stride,
                       double tol, const char *what, int act)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < n; j++) {
            double x = a[r * stride + j], y = b[r * stride + j];
            ck_assert_msg(fabs(x - y) <= tol * (1 + fabs(y)), "%s act %d row %zu col %zu: %.9g vs %.9g",
                          what, act, r, j, x, y);
        }
}

/* Tolerance: both sides are float; the vector kernels use FMA and their own
 * tanh/exp (a few ulp), the products have up to 100 terms of size <= 1. */
#define KTOL 2e-5

static hdnet__kernels kernels_of(int kind)
{
    hdnet__kernels k;
    ck_assert_ok(hdnet__kernel_select(kind, 100, &k));
    return k;
}

/* Set kv against set kp within tol (0: bit for bit). */
static void run_case(hdnet__kernels kv, hdnet__kernels kp, double tol, size_t n, size_t nb,
                     int act, int flags)
{
    const size_t align = kv.align > kp.align ? kv.align : kp.align;
    const size_t ld = (n + align - 1) / align * align, ni = 3, no = 2, T = 3,
                 stride = (T + 1) * ld;
    float *w = falloc(n * ld), *win = falloc(ni * ld), *bias = falloc(ld), *alpha = falloc(ld),
          *oma = falloc(ld), *wout = falloc(no * ld);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            w[i * ld + j] = frand() * 0.3f;
    for (size_t j = 0; j < n; j++) {
        for (size_t k = 0; k < ni; k++)
            win[k * ld + j] = frand();
        for (size_t k = 0; k < no; k++)
            wout[k * ld + j] = frand();
        bias[j] = frand() * 0.2f;
        alpha[j] = 0.05f + 0.2f * (frand() + 1.0f);
        oma[j] = 1.0f - alpha[j];
    }
    float *x = falloc(nb * T * ni), *ey = falloc(nb * T * no);
    for (size_t i = 0; i < nb * T * ni; i++)
        x[i] = frand();
    for (size_t i = 0; i < nb * T * no; i++)
        ey[i] = frand() * 0.1f;
    const size_t big = nb * stride;
    float *H[2], *G[2], *A[2], *Dl[2], *acc[2], *y[2], *sums[2], *C[2];
    for (int v = 0; v < 2; v++) {
        H[v] = falloc(big);
        G[v] = falloc(big);
        A[v] = falloc(nb * ld);
        Dl[v] = falloc(nb * ld);
        acc[v] = falloc((ni + 1 + no) * ld);
        y[v] = falloc(nb * no);
        sums[v] = falloc(2 * nb);
        C[v] = falloc(n * ld);
    }
    st = 1000 + n * 7 + nb;
    for (size_t b = 0; b < nb; b++)
        for (size_t s = 0; s < T + 1; s++)
            for (size_t j = 0; j < n; j++) {
                H[0][b * stride + s * ld + j] = frand();
                G[0][b * stride + s * ld + j] = frand() * 0.5f;
            }
    for (size_t b = 0; b < nb; b++)
        for (size_t j = 0; j < n; j++) {
            A[0][b * ld + j] = frand();
            Dl[0][b * ld + j] = frand() * 0.1f;
        }
    memcpy(H[1], H[0], big * sizeof(float));
    memcpy(G[1], G[0], big * sizeof(float));
    memcpy(A[1], A[0], nb * ld * sizeof(float));
    memcpy(Dl[1], Dl[0], nb * ld * sizeof(float));

    hdnet__fwd_args fa = {n, ld, ni, w, win, bias, alpha, act, HDNET_KINK_ONE_SIDED,
                          flags & 1, (flags >> 1) & 1, 1.3f};
    hdnet__bwd_args ba = {n, ld, no, w, wout, alpha, oma, 0.01f, (flags & 4) ? 0.003f : 0.0f};
    hdnet__out_args oa = {n, ld, no, wout};
    hdnet__outer_args ga = {ld};
    static const float one = 1.0f;
    hdnet__kernels *ks[2] = {&kp, &kv};
    for (int v = 0; v < 2; v++) {
        /* two forward steps, then two backward steps, as the engine does */
        for (size_t t = 0; t < 2; t++) {
            ks[v]->fwd(&fa, nb, H[v] + t * ld, H[v] + (t + 1) * ld, G[v] + t * ld, stride,
                       x + t * ni, T * ni, A[v]);
        }
        ks[v]->out(&oa, nb, H[v] + 2 * ld, stride, y[v], no, sums[v]);
        for (size_t t = 2; t-- > 0;)
            ks[v]->bwd(&ba, nb, G[v] + (t + 1) * ld, G[v] + t * ld, H[v] + (t + 1) * ld, stride,
                       ey + t * no, T * no, Dl[v]);
        /* the gradient sums: large m (BLAS in the portable set), strided d, and ones */
        ks[v]->outer(&ga, nb * (T + 1), n, G[v], ld, H[v], ld, C[v]);
        ks[v]->outer(&ga, nb * T, ni, x, ni, G[v], ld, acc[v]);
        ks[v]->outer(&ga, nb * T, no, ey, no, H[v] + ld, ld, acc[v] + ni * ld);
        ks[v]->outer(&ga, nb * (T + 1), 1, &one, 0, G[v], ld, acc[v] + (ni + no) * ld);
    }
    close_rows(H[1], H[0], nb * (T + 1), n, ld, tol, "h", act);
    close_rows(G[1], G[0], nb * (T + 1), n, ld, tol, "d/delta~", act);
    close_rows(A[1], A[0], nb, n, ld, tol, "a", act);
    close_rows(Dl[1], Dl[0], nb, n, ld, tol, "delta", act);
    close_rows(acc[1], acc[0], ni + 1 + no, n, ld, tol, "sums", act);
    close_rows(y[1], y[0], nb, no, no, tol, "y", act);
    close_rows(sums[1], sums[0], nb, 2, 2, tol, "h^2, |h|", act);
    close_rows(C[1], C[0], n, n, ld, tol, "outer", act);
    for (int v = 0; v < 2; v++) {
        free(H[v]);
        free(G[v]);
        free(A[v]);
        free(Dl[v]);
        free(acc[v]);
        free(y[v]);
        free(sums[v]);
        free(C[v]);
    }
    free(w);
    free(win);
    free(bias);
    free(alpha);
    free(oma);
    free(wout);
    free(x);
    free(ey);
}

static const size_t kernel_sizes[] = {1, 5, 8, 13, 16, 17, 24, 37, 100, 130};

START_TEST(vector_vs_portable)
{
    int tested = 0;
    for (int kind = HDNET_KERNEL_AVX2; kind <= HDNET_KERNEL_AVX512; kind++) {
        if (!hdnet__kernel_supported(kind))
            continue;
        tested++;
        const hdnet__kernels kv = kernels_of(kind), kp = kernels_of(HDNET_KERNEL_PORTABLE);
        for (size_t q = 0; q < sizeof kernel_sizes / sizeof *kernel_sizes; q++)
            for (size_t nb = 1; nb <= 6; nb++)
                run_case(kv, kp, KTOL, kernel_sizes[q], nb, HDNET_ACT_RETANH, (int)(nb % 8));
        for (int act = 0; act < HDNET_ACT_COUNT; act++)
            for (int flags = 0; flags < 8; flags++)
                run_case(kv, kp, KTOL, 37, 4, act, flags);
    }
    if (!tested)
        ck_assert(!hdnet__kernel_supported(HDNET_KERNEL_AVX2));
}
END_TEST

/* k512 against the AVX2 set bit for bit (kernel.c): the timed choice of
 * kernel = auto between them must not change a result. Every size, every
 * activation and flag combination, 1 to 9 trials (the register blocks hold 4). */
static void avx512_vs_avx2(hdnet__kernels k512)
{
    const hdnet__kernels k2 = kernels_of(HDNET_KERNEL_AVX2);
    for (size_t q = 0; q < sizeof kernel_sizes / sizeof *kernel_sizes; q++)
        for (int act = 0; act < HDNET_ACT_COUNT; act++)
            for (int flags = 0; flags < 8; flags++)
                run_case(k512, k2, 0.0, kernel_sizes[q], 1 + (size_t)(act + flags) % 9, act, flags);
}

START_TEST(avx512_native)
{
    if (!hdnet__kernel_supported(HDNET_KERNEL_AVX512))
        return; /* the emulated test below runs the same code */
    avx512_vs_avx2(kernels_of(HDNET_KERNEL_AVX512));
}
END_TEST

/* The same source on SIMDe's AVX-512 (tests/kernel_avx512_emulated.c), with
 * the library's pairing: the AVX2 readout (kernel.c, set_functions). */
START_TEST(avx512_emulated)
{
    if (!hdnet__kernel_supported(HDNET_KERNEL_AVX2))
        return; /* the emulation is built on AVX2 + FMA */
    hdnet__kernels k = kernels_of(HDNET_KERNEL_AVX2);
    k.fwd = hdnet__fwd_avx512_emulated;
    k.bwd = hdnet__bwd_avx512_emulated;
    k.outer = hdnet__outer_avx512_emulated;
    k.kind = HDNET_KERNEL_AVX512;
    k.align = 16;
    avx512_vs_avx2(k);
}
END_TEST

START_TEST(selection)
{
    hdnet__kernels k;
    /* auto: a supported set, measured once per size and then the same */
    static const size_t sizes[] = {8, 100, 100, 8};
    int first[2] = {-1, -1};
    for (size_t q = 0; q < 4; q++) {
        ck_assert_ok(hdnet__kernel_select(HDNET_KERNEL_AUTO, sizes[q], &k));
        ck_assert(k.kind != HDNET_KERNEL_AUTO);
        ck_assert(hdnet__kernel_supported(k.kind));
        ck_assert_int_eq(k.kind, hdnet__kernel_auto(sizes[q]));
        int *f = &first[sizes[q] == 100];
        if (*f < 0)
            *f = k.kind;
        ck_assert_int_eq(k.kind, *f);
    }
    if (!hdnet__kernel_supported(HDNET_KERNEL_AVX2))
        ck_assert_int_eq(first[1], HDNET_KERNEL_PORTABLE);
    ck_assert_ok(hdnet__kernel_select(HDNET_KERNEL_PORTABLE, 100, &k));
    ck_assert_int_eq(k.kind, HDNET_KERNEL_PORTABLE);
    ck_assert(k.fwd == hdnet__fwd_portable && k.outer == hdnet__outer_portable);
    for (int kind = HDNET_KERNEL_AVX2; kind <= HDNET_KERNEL_AVX512; kind++)
        if (!hdnet__kernel_supported(kind))
            ck_assert_status(hdnet__kernel_select(kind, 100, &k), HDNET_ENOTSUP);
        else
            ck_assert_ok(hdnet__kernel_select(kind, 100, &k));
    ck_assert_int_eq(hdnet__kernel_supported(99), 0);
    ck_assert_status(hdnet__kernel_select(99, 100, &k), HDNET_ENOTSUP);
}
END_TEST

/* bfloat16 rounding (grad_precision = bf16) against a definition in double:
 * the nearer of the two bfloat16 values around x, the one with an even last
 * bit on a tie; overflow past the largest finite to inf; subnormals to a
 * signed 0; NaN to NaN. Every upper half with ten lower halves, tie and
 * half-ulp patterns among them, and in place with a tail that is not a
 * multiple of 8. */
static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t bf16_expected(uint32_t u)
{
    const float x = float_of(u);
    if (isnan(x))
        return 0x7fc00000u; /* any NaN: compared with isnan */
    if (isinf(x) || (u & 0x7f800000u) == 0)
        return isinf(x) ? u : u & 0x80000000u;
    const uint32_t lo = u & 0xffff0000u, hi = lo + 0x10000u; /* hi: one ulp away from 0 */
    const double dlo = fabs((double)float_of(lo)), dx = fabs((double)x);
    const double dhi = (hi & 0x7f800000u) == 0x7f800000u ? 0x1p128 : fabs((double)float_of(hi));
    if (dx - dlo < dhi - dx || (dx - dlo == dhi - dx && !(lo & 0x10000u)))
        return lo;
    return (hi & 0x7f800000u) == 0x7f800000u ? (u & 0x80000000u) | 0x7f800000u : hi;
}

START_TEST(bf16_round)
{
    static const uint32_t low[] = {0x0000, 0x0001, 0x3fff, 0x7fff, 0x8000,
                                   0x8001, 0xbfff, 0xc000, 0xfffe, 0xffff};
    const size_t nl = sizeof low / sizeof low[0], n = 65536 * nl;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (uint32_t hi = 0; hi < 65536; hi++)
        for (size_t q = 0; q < nl; q++)
            x[hi * nl + q] = float_of(hi << 16 | low[q]);
    hdnet__bf16_round(x, y, n);
    for (size_t i = 0; i < n; i++) {
        const uint32_t want = bf16_expected(bits_of(x[i]));
        if (isnan(x[i]))
            ck_assert_msg(isnan(y[i]), "%08x: NaN became %08x", bits_of(x[i]), bits_of(y[i]));
        else
            ck_assert_msg(bits_of(y[i]) == want, "%08x -> %08x, want %08x", bits_of(x[i]),
                          bits_of(y[i]), want);
    }
    /* in place, 13 values: one block of 8 and a tail of 5 */
    memcpy(y, x + 123457, 13 * sizeof *y);
    hdnet__bf16_round(y, y, 13);
    for (size_t i = 0; i < 13; i++)
        ck_assert_uint_eq(bits_of(y[i]), bf16_expected(bits_of(x[123457 + i])));
    free(x);
    free(y);
}
END_TEST

Suite *hdnet_suite_kernels(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("kernels");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, vector_vs_portable);
    tcase_add_test(tc, avx512_native);
    tcase_add_test(tc, avx512_emulated);
    tcase_add_test(tc, selection);
    tcase_add_test(tc, bf16_round);
    suite_add_tcase(s, tc);
    return s;
}
