/* AVX2 + FMA per-step kernels (compiled with -mavx2 -mfma; chosen at run time).
 * Register blocking: up to 4 trials x 24 units (12 accumulators) per pass over
 * the n rows of the 40 KB recurrent matrix, 8 units per vector. The Euler
 * update, the nonlinearity, its derivative and the noise (forward), and the
 * readout error, rate terms and Delta recurrence (backward) are fused into
 * the epilogue while the block is in registers.
 * tanh: odd Taylor polynomial for |x| < 0.25 (truncation < 2e-8 relative),
 * else 1 - 2/(e^{2|x|} + 1) with e^y from y = k ln2 + r, |r| <= ln2/2, and a
 * degree-7 Taylor polynomial (error < 6e-9); |x| is capped at 9, where
 * tanh rounds to 1 in float. */
#include "internal.h"

#include <immintrin.h>
#include <string.h>

#define AI static inline __attribute__((always_inline))

AI __m256 exp_pos(__m256 y) /* e^y for 0 <= y <= 18 */
{
    const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 ln2hi = _mm256_set1_ps(0.693145751953125f);
    const __m256 ln2lo = _mm256_set1_ps(1.428606765330187e-06f);
    __m256 k = _mm256_round_ps(_mm256_mul_ps(y, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(k, ln2hi, y);
    r = _mm256_fnmadd_ps(k, ln2lo, r);
    __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

AI __m256 tanh_v(__m256 x)
{
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 ax = _mm256_andnot_ps(sign, x);
    __m256 sx = _mm256_and_ps(sign, x);
    /* small: x (1 - x^2/3 + 2x^4/15 - 17x^6/315 + 62x^8/2835) */
    __m256 x2 = _mm256_mul_ps(ax, ax);
    __m256 p = _mm256_set1_ps(62.0f / 2835.0f);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-17.0f / 315.0f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.0f / 15.0f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-1.0f / 3.0f));
    p = _mm256_mul_ps(p, x2);
    __m256 small = _mm256_fmadd_ps(p, ax, ax);
    /* large: 1 - 2 / (e^{2|x|} + 1) */
    __m256 y = _mm256_min_ps(_mm256_add_ps(ax, ax), _mm256_set1_ps(18.0f));
    __m256 e = exp_pos(y);
    __m256 large = _mm256_sub_ps(_mm256_set1_ps(1.0f),
                                 _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
    __m256 is_small = _mm256_cmp_ps(ax, _mm256_set1_ps(0.25f), _CMP_LT_OQ);
    __m256 t = _mm256_blendv_ps(large, small, is_small);
    /* NaN in, NaN out */
    t = _mm256_blendv_ps(t, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
    return _mm256_or_ps(t, sx);
}

/* f and f' of 8 values; returns f, writes f' to *d. Activations without a
 * vector form use the scalar code. */
AI __m256 act_v(const hdnet__fwd_args *k, __m256 a, __m256 *d)
{
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    switch (k->act) {
    case HDNET_ACT_RETANH: {
        __m256 pos = _mm256_cmp_ps(a, zero, _CMP_GT_OQ);
        __m256 t = _mm256_and_ps(tanh_v(a), pos);
        __m256 g = _mm256_and_ps(_mm256_fnmadd_ps(t, t, one), pos);
        if (k->kink == HDNET_KINK_HALF)
            g = _mm256_blendv_ps(g, _mm256_set1_ps(0.5f), _mm256_cmp_ps(a, zero, _CMP_EQ_OQ));
        *d = g;
        return t;
    }
    case HDNET_ACT_TANH: {
        __m256 t = tanh_v(a);
        *d = _mm256_fnmadd_ps(t, t, one);
        return t;
    }
    case HDNET_ACT_LINEAR:
        *d = one;
        return a;
    case HDNET_ACT_RELU: {
        __m256 pos = _mm256_cmp_ps(a, zero, _CMP_GT_OQ);
        __m256 g = _mm256_and_ps(one, pos);
        if (k->kink == HDNET_KINK_HALF)
            g = _mm256_blendv_ps(g, _mm256_set1_ps(0.5f), _mm256_cmp_ps(a, zero, _CMP_EQ_OQ));
        *d = g;
        return _mm256_and_ps(a, pos);
    }
    default: {
        float av[8], fv[8], dv[8];
        _mm256_storeu_ps(av, a);
        hdnet__act_rows(k->act, k->slope, k->kink, av, fv, dv, 8);
        *d = _mm256_loadu_ps(dv);
        return _mm256_loadu_ps(fv);
    }
    }
}

/* acc[b][c] = sum_m A[b*sa + m*sm] * M[m*ld + 8c] over m < nm, for nb_ <= 4
 * "rows" b and nc_ <= 3 vectors c: the shared register-blocked product. */
AI void prod(const int nb_, const int nc_, __m256 acc[4][3], size_t nm, const float *A, size_t sa,
             size_t sm, const float *M, size_t ld)
{
    for (size_t m = 0; m < nm; m++) {
        __m256 wv[3];
#pragma GCC unroll 3
        for (int c = 0; c < nc_; c++)
            wv[c] = _mm256_load_ps(M + m * ld + 8 * (size_t)c);
#pragma GCC unroll 4
        for (int b = 0; b < nb_; b++) {
            __m256 v = _mm256_broadcast_ss(A + (size_t)b * sa + m * sm);
#pragma GCC unroll 3
            for (int c = 0; c < nc_; c++)
                acc[b][c] = _mm256_fmadd_ps(v, wv[c], acc[b][c]);
        }
    }
}

AI void zero_acc(const int nb_, const int nc_, __m256 acc[4][3])
{
#pragma GCC unroll 4
    for (int b = 0; b < nb_; b++)
#pragma GCC unroll 3
        for (int c = 0; c < nc_; c++)
            acc[b][c] = _mm256_setzero_ps();
}

/* Forward on nb_ (<= 4) trials and nc_ (<= 3) vectors of columns at j0. */
AI void fwd_block(const hdnet__fwd_args *k, const int nb_, const int nc_, size_t j0,
                  const float *hprev, float *h, float *ud, size_t stride, const float *x,
                  size_t x_stride, float *a)
{
    __m256 acc[4][3];
    const size_t ld = k->ld;
    zero_acc(nb_, nc_, acc);
    prod(nb_, nc_, acc, k->n, hprev, stride, 1, k->w + j0, ld);
    prod(nb_, nc_, acc, k->ni, x, x_stride, 1, k->win + j0, ld);
#pragma GCC unroll 3
    for (int c = 0; c < nc_; c++) {
        const size_t j = j0 + 8 * (size_t)c;
        const __m256 al = _mm256_load_ps(k->alpha + j), bias = _mm256_load_ps(k->bias + j);
#pragma GCC unroll 4
        for (int b = 0; b < nb_; b++) {
            float *up = ud + (size_t)b * stride + j, *ap = a + (size_t)b * ld + j,
                  *hp = h + (size_t)b * stride + j;
            __m256 z = _mm256_add_ps(acc[b][c], bias);
            if (k->add_u)
                z = _mm256_add_ps(z, _mm256_load_ps(up));
            __m256 av = _mm256_load_ps(ap);
            av = _mm256_fmadd_ps(al, _mm256_sub_ps(z, av), av);
            _mm256_store_ps(ap, av);
            __m256 dv, fv = act_v(k, av, &dv);
            if (k->noisy)
                fv = _mm256_add_ps(fv, _mm256_load_ps(hp));
            _mm256_store_ps(hp, fv);
            _mm256_store_ps(up, dv);
        }
    }
}

AI void bwd_block(const hdnet__bwd_args *k, const int nb_, const int nc_, size_t j0,
                  const float *dnext, float *dd, const float *h, size_t stride, const float *ey,
                  size_t ey_stride, const float *x, size_t x_stride, float *delta, float *gacc)
{
    __m256 acc[4][3];
    const size_t ld = k->ld, ni = k->ni, no = k->no;
    zero_acc(nb_, nc_, acc);
    prod(nb_, nc_, acc, k->n, dnext, stride, 1, k->w + j0, ld);
    prod(nb_, nc_, acc, no, ey, ey_stride, 1, k->wout + j0, ld);
    const __m256 c2 = _mm256_set1_ps(k->c2), c1 = _mm256_set1_ps(k->c1);
    const __m256 sgn = _mm256_set1_ps(-0.0f), zero = _mm256_setzero_ps();
#pragma GCC unroll 3
    for (int c = 0; c < nc_; c++) {
        const size_t j = j0 + 8 * (size_t)c;
        const __m256 al = _mm256_load_ps(k->alpha + j), om = _mm256_load_ps(k->one_m_alpha + j);
        __m256 dt[4], hv[4];
#pragma GCC unroll 4
        for (int b = 0; b < nb_; b++) {
            hv[b] = _mm256_load_ps(h + (size_t)b * stride + j);
            __m256 g = _mm256_fmadd_ps(c2, hv[b], acc[b][c]);
            if (k->c1 != 0.0f) {
                /* sign(h): +-1, 0 at 0 */
                __m256 s = _mm256_or_ps(_mm256_and_ps(hv[b], sgn), _mm256_set1_ps(1.0f));
                s = _mm256_andnot_ps(_mm256_cmp_ps(hv[b], zero, _CMP_EQ_OQ), s);
                g = _mm256_fmadd_ps(c1, s, g);
            }
            float *dp = dd + (size_t)b * stride + j, *delp = delta + (size_t)b * ld + j;
            __m256 del = _mm256_fmadd_ps(_mm256_load_ps(dp), g,
                                         _mm256_mul_ps(om, _mm256_load_ps(delp)));
            _mm256_store_ps(delp, del);
            dt[b] = _mm256_mul_ps(al, del);
            _mm256_store_ps(dp, dt[b]);
        }
        /* gradient sums: W_in (x_k Delta~), b (Delta~), W_out (ey_o h) */
        for (size_t q = 0; q < ni; q++) {
            float *ap = gacc + q * ld + j;
            __m256 s = _mm256_load_ps(ap);
#pragma GCC unroll 4
            for (int b = 0; b < nb_; b++)
                s = _mm256_fmadd_ps(_mm256_broadcast_ss(x + (size_t)b * x_stride + q), dt[b], s);
            _mm256_store_ps(ap, s);
        }
        {
            float *ap = gacc + ni * ld + j;
            __m256 s = _mm256_load_ps(ap);
#pragma GCC unroll 4
            for (int b = 0; b < nb_; b++)
                s = _mm256_add_ps(s, dt[b]);
            _mm256_store_ps(ap, s);
        }
        for (size_t o = 0; o < no; o++) {
            float *ap = gacc + (ni + 1 + o) * ld + j;
            __m256 s = _mm256_load_ps(ap);
#pragma GCC unroll 4
            for (int b = 0; b < nb_; b++)
                s = _mm256_fmadd_ps(_mm256_broadcast_ss(ey + (size_t)b * ey_stride + o), hv[b], s);
            _mm256_store_ps(ap, s);
        }
    }
}

/* grad W_rec block: c[i0 + b][j0 + 8c] += sum_r d[r][i0 + b] h[r][j0 + 8c] */
AI void outer_block(const hdnet__outer_args *k, const int nb_, const int nc_, size_t j0,
                    size_t rows, const float *d, const float *h, float *c)
{
    __m256 acc[4][3];
    const size_t ld = k->ld;
    zero_acc(nb_, nc_, acc);
    prod(nb_, nc_, acc, rows, d, 1, ld, h + j0, ld);
#pragma GCC unroll 4
    for (int b = 0; b < nb_; b++)
#pragma GCC unroll 3
        for (int q = 0; q < nc_; q++) {
            float *cp = c + (size_t)b * ld + j0 + 8 * (size_t)q;
            _mm256_store_ps(cp, _mm256_add_ps(_mm256_load_ps(cp), acc[b][q]));
        }
}

/* One out-of-line function per block shape, so that each gets its own
 * register allocation (12 accumulators + 3 matrix vectors + 1 broadcast). */
#define FWD_INST(NBV, NCV)                                                                   \
    static __attribute__((noinline)) void fwd_##NBV##_##NCV(                                 \
        const hdnet__fwd_args *k, size_t j0, const float *hp, float *h, float *ud,           \
        size_t stride, const float *x, size_t x_stride, float *a)                            \
    {                                                                                        \
        fwd_block(k, NBV, NCV, j0, hp, h, ud, stride, x, x_stride, a);                       \
    }
#define BWD_INST(NBV, NCV)                                                                   \
    static __attribute__((noinline)) void bwd_##NBV##_##NCV(                                 \
        const hdnet__bwd_args *k, size_t j0, const float *dn, float *dd, const float *h,     \
        size_t stride, const float *ey, size_t ey_stride, const float *x, size_t x_stride,   \
        float *delta, float *acc)                                                            \
    {                                                                                        \
        bwd_block(k, NBV, NCV, j0, dn, dd, h, stride, ey, ey_stride, x, x_stride, delta,     \
                  acc);                                                                      \
    }
#define OUTER_INST(NBV, NCV)                                                                 \
    static __attribute__((noinline)) void outer_##NBV##_##NCV(                               \
        const hdnet__outer_args *k, size_t j0, size_t rows, const float *d, const float *h,  \
        float *c)                                                                            \
    {                                                                                        \
        outer_block(k, NBV, NCV, j0, rows, d, h, c);                                         \
    }
#define INST_ALL(M) M(1, 1) M(1, 2) M(1, 3) M(2, 1) M(2, 2) M(2, 3) M(3, 1) M(3, 2) M(3, 3) \
                    M(4, 1) M(4, 2) M(4, 3)
INST_ALL(FWD_INST)
INST_ALL(BWD_INST)
INST_ALL(OUTER_INST)

/* Column groups: vectors of 8 in groups of 3, except that a remainder of one
 * vector is avoided (13 = 3+3+3+2+2): the 2-vector blocks stay FMA-bound,
 * a 1-vector block would be load-bound. */
#define DISPATCH(PFX, NB, ...)                                                               \
    do {                                                                                     \
        size_t nv_ = ld / 8, j0 = 0;                                                         \
        size_t n3_ = nv_ % 3 == 1 && nv_ >= 4 ? (nv_ - 4) / 3 : nv_ / 3;                     \
        for (size_t g_ = 0; g_ < n3_; g_++, j0 += 24)                                        \
            PFX##_##NB##_3(k, j0, __VA_ARGS__);                                              \
        for (size_t r_ = nv_ - 3 * n3_; r_ > 0;) {                                           \
            if (r_ >= 2) {                                                                   \
                PFX##_##NB##_2(k, j0, __VA_ARGS__);                                          \
                j0 += 16;                                                                    \
                r_ -= 2;                                                                     \
            } else {                                                                         \
                PFX##_##NB##_1(k, j0, __VA_ARGS__);                                          \
                j0 += 8;                                                                     \
                r_ -= 1;                                                                     \
            }                                                                                \
        }                                                                                    \
    } while (0)

void hdnet__fwd_avx2(const hdnet__fwd_args *k, size_t nb, const float *hprev, float *h,
                     float *ud, size_t stride, const float *x, size_t x_stride, float *a)
{
    const size_t ld = k->ld;
    for (size_t b0 = 0; b0 < nb; b0 += 4) {
        const float *hp = hprev + b0 * stride, *xb = x + b0 * x_stride;
        float *hb = h + b0 * stride, *u = ud + b0 * stride, *ab = a + b0 * ld;
        switch (nb - b0 >= 4 ? 4 : nb - b0) {
        case 4: DISPATCH(fwd, 4, hp, hb, u, stride, xb, x_stride, ab); break;
        case 3: DISPATCH(fwd, 3, hp, hb, u, stride, xb, x_stride, ab); break;
        case 2: DISPATCH(fwd, 2, hp, hb, u, stride, xb, x_stride, ab); break;
        default: DISPATCH(fwd, 1, hp, hb, u, stride, xb, x_stride, ab); break;
        }
    }
}

void hdnet__bwd_avx2(const hdnet__bwd_args *k, size_t nb, const float *dnext, float *dd,
                     const float *h, size_t stride, const float *ey, size_t ey_stride,
                     const float *x, size_t x_stride, float *delta, float *acc)
{
    const size_t ld = k->ld;
    for (size_t b0 = 0; b0 < nb; b0 += 4) {
        const float *dn = dnext + b0 * stride, *hb = h + b0 * stride, *e = ey + b0 * ey_stride,
                    *xb = x + b0 * x_stride;
        float *d = dd + b0 * stride, *del = delta + b0 * ld;
        switch (nb - b0 >= 4 ? 4 : nb - b0) {
        case 4: DISPATCH(bwd, 4, dn, d, hb, stride, e, ey_stride, xb, x_stride, del, acc); break;
        case 3: DISPATCH(bwd, 3, dn, d, hb, stride, e, ey_stride, xb, x_stride, del, acc); break;
        case 2: DISPATCH(bwd, 2, dn, d, hb, stride, e, ey_stride, xb, x_stride, del, acc); break;
        default: DISPATCH(bwd, 1, dn, d, hb, stride, e, ey_stride, xb, x_stride, del, acc); break;
        }
    }
}

#define OUTER_PANEL 128
void hdnet__outer_avx2(const hdnet__outer_args *k, size_t rows, const float *d, const float *h,
                       float *c)
{
    const size_t ld = k->ld, n = k->n;
    for (size_t r0 = 0; r0 < rows; r0 += OUTER_PANEL) {
        const size_t nr = rows - r0 < OUTER_PANEL ? rows - r0 : OUTER_PANEL;
        const float *dp = d + r0 * ld, *hp = h + r0 * ld;
        for (size_t i0 = 0; i0 < n; i0 += 4) {
            const float *di = dp + i0;
            float *ci = c + i0 * ld;
            switch (n - i0 >= 4 ? 4 : n - i0) {
            case 4: DISPATCH(outer, 4, nr, di, hp, ci); break;
            case 3: DISPATCH(outer, 3, nr, di, hp, ci); break;
            case 2: DISPATCH(outer, 2, nr, di, hp, ci); break;
            default: DISPATCH(outer, 1, nr, di, hp, ci); break;
            }
        }
    }
}

static float hsum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

void hdnet__out_avx2(const hdnet__out_args *k, size_t nb, const float *h, size_t stride,
                     float *y, size_t y_stride, float *sums)
{
    const size_t n = k->n, ld = k->ld, no = k->no, nfull = n & ~(size_t)7;
    const __m256 absm = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    /* lanes j < n of the last, partial vector */
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 tail = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - nfull)), idx));
    for (size_t b = 0; b < nb; b++) {
        const float *hb = h + b * stride;
        __m256 s2 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        for (size_t j = 0; j < nfull; j += 8) {
            __m256 v = _mm256_load_ps(hb + j);
            s2 = _mm256_fmadd_ps(v, v, s2);
            s1 = _mm256_add_ps(s1, _mm256_and_ps(v, absm));
        }
        if (nfull < n) {
            __m256 v = _mm256_and_ps(_mm256_load_ps(hb + nfull), tail);
            s2 = _mm256_fmadd_ps(v, v, s2);
            s1 = _mm256_add_ps(s1, _mm256_and_ps(v, absm));
        }
        sums[2 * b] = hsum(s2);
        sums[2 * b + 1] = hsum(s1);
        for (size_t o = 0; o < no; o++) {
            const float *wo = k->wout + o * ld;
            __m256 s = _mm256_setzero_ps();
            for (size_t j = 0; j < ld; j += 8)
                s = _mm256_fmadd_ps(_mm256_load_ps(wo + j), _mm256_load_ps(hb + j), s);
            y[b * y_stride + o] = hsum(s);
        }
    }
}
