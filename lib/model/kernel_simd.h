/* Vector per-step kernels, written once for any vector width. Included by
 * kernel_avx2.c (8 floats) and kernel_avx512.c (16 floats), which define:
 *   V, VM (compare result), VW, FN(name) (exported function name), and the
 *   operations VLOAD VLOADU VSTORE VSTOREU VZERO VSET1 VBCAST VADD VSUB VMUL VDIV
 *   VMIN VFMADD(a,b,c)=a*b+c VFNMADD(a,b,c)=c-a*b VAND VANDNOT(a,b)=~a&b VOR VABS
 *   VROUND (to nearest) VPOW2I(k)=2^k for integral k, VCMP_LT VCMP_GT VCMP_EQ,
 *   VSEL(m,a,b)=m?b:a, VMASKZ(m,v)=m?v:0, VTAILMASK(c)=lanes < c, VHSUM.
 * Rows (ld floats) must be a multiple of VW and 64-byte aligned.
 *
 * Register blocking: up to 4 trials x 3 vectors (12 accumulators) per pass
 * over the n rows of the recurrent matrix. The Euler update, the
 * nonlinearity, its derivative and the noise (forward), and the readout
 * error, rate terms and Delta recurrence (backward) are fused into the
 * epilogue while the block is in registers.
 * tanh: odd Taylor polynomial for |x| < 0.25 (truncation < 2e-8 relative),
 * else 1 - 2/(e^{2|x|} + 1) with e^y from y = k ln2 + r, |r| <= ln2/2, and a
 * degree-7 Taylor polynomial (error < 6e-9); |x| is capped at 9, where
 * tanh rounds to 1 in float. */
#ifndef HDNET_KERNEL_SIMD_H
#define HDNET_KERNEL_SIMD_H

#define AI static inline __attribute__((always_inline))

AI V exp_pos(V y) /* e^y for 0 <= y <= 18 */
{
    const V log2e = VSET1(1.44269504088896341f);
    const V ln2hi = VSET1(0.693145751953125f);
    const V ln2lo = VSET1(1.428606765330187e-06f);
    V k = VROUND(VMUL(y, log2e));
    V r = VFNMADD(k, ln2hi, y);
    r = VFNMADD(k, ln2lo, r);
    V p = VSET1(1.0f / 5040.0f);
    p = VFMADD(p, r, VSET1(1.0f / 720.0f));
    p = VFMADD(p, r, VSET1(1.0f / 120.0f));
    p = VFMADD(p, r, VSET1(1.0f / 24.0f));
    p = VFMADD(p, r, VSET1(1.0f / 6.0f));
    p = VFMADD(p, r, VSET1(0.5f));
    p = VFMADD(p, r, VSET1(1.0f));
    p = VFMADD(p, r, VSET1(1.0f));
    return VMUL(p, VPOW2I(k));
}

AI V tanh_v(V x)
{
    const V sign = VSET1(-0.0f);
    V ax = VANDNOT(sign, x);
    V sx = VAND(sign, x);
    /* small: x (1 - x^2/3 + 2x^4/15 - 17x^6/315 + 62x^8/2835) */
    V x2 = VMUL(ax, ax);
    V p = VSET1(62.0f / 2835.0f);
    p = VFMADD(p, x2, VSET1(-17.0f / 315.0f));
    p = VFMADD(p, x2, VSET1(2.0f / 15.0f));
    p = VFMADD(p, x2, VSET1(-1.0f / 3.0f));
    p = VMUL(p, x2);
    V small = VFMADD(p, ax, ax);
    /* large: 1 - 2 / (e^{2|x|} + 1) */
    /* min(18, y) returns y when y is NaN, so NaN propagates */
    V y = VMIN(VSET1(18.0f), VADD(ax, ax));
    V e = exp_pos(y);
    V large = VSUB(VSET1(1.0f),
                                 VDIV(VSET1(2.0f), VADD(e, VSET1(1.0f))));
    VM is_small = VCMP_LT(ax, VSET1(0.25f));
    V t = VSEL(is_small, large, small);
    return VOR(t, sx);
}

/* f and f' of VW values; returns f, writes f' to *d. Activations without a
 * vector form use the scalar code. */
AI V act_v(const hdnet__fwd_args *k, V a, V *d)
{
    const V one = VSET1(1.0f), zero = VZERO();
    switch (k->act) {
    case HDNET_ACT_RETANH: {
        VM pos = VCMP_GT(a, zero);
        V t = VMASKZ(pos, tanh_v(a));
        V g = VMASKZ(pos, VFNMADD(t, t, one));
        if (k->kink == HDNET_KINK_HALF)
            g = VSEL(VCMP_EQ(a, zero), g, VSET1(0.5f));
        *d = g;
        return t;
    }
    case HDNET_ACT_TANH: {
        V t = tanh_v(a);
        *d = VFNMADD(t, t, one);
        return t;
    }
    case HDNET_ACT_LINEAR:
        *d = one;
        return a;
    case HDNET_ACT_RELU: {
        VM pos = VCMP_GT(a, zero);
        V g = VMASKZ(pos, one);
        if (k->kink == HDNET_KINK_HALF)
            g = VSEL(VCMP_EQ(a, zero), g, VSET1(0.5f));
        *d = g;
        return VMASKZ(pos, a);
    }
    default: {
        float av[VW], fv[VW], dv[VW];
        VSTOREU(av, a);
        hdnet__act_rows(k->act, k->slope, k->kink, av, fv, dv, VW);
        *d = VLOADU(dv);
        return VLOADU(fv);
    }
    }
}

/* acc[b][c] = sum_m A[b*sa + m*sm] * M[m*ld + 8c] over m < nm, for nb_ <= 4
 * "rows" b and nc_ <= 3 vectors c: the shared register-blocked product. */
AI void prod(const int nb_, const int nc_, V acc[4][3], size_t nm, const float *A, size_t sa,
             size_t sm, const float *M, size_t ld)
{
    for (size_t m = 0; m < nm; m++) {
        V wv[3];
#pragma GCC unroll 3
        for (int c = 0; c < nc_; c++)
            wv[c] = VLOAD(M + m * ld + VW * (size_t)c);
#pragma GCC unroll 4
        for (int b = 0; b < nb_; b++) {
            V v = VBCAST(A + (size_t)b * sa + m * sm);
#pragma GCC unroll 3
            for (int c = 0; c < nc_; c++)
                acc[b][c] = VFMADD(v, wv[c], acc[b][c]);
        }
    }
}

AI void zero_acc(const int nb_, const int nc_, V acc[4][3])
{
#pragma GCC unroll 4
    for (int b = 0; b < nb_; b++)
#pragma GCC unroll 3
        for (int c = 0; c < nc_; c++)
            acc[b][c] = VZERO();
}

/* Forward on nb_ (<= 4) trials and nc_ (<= 3) vectors of columns at j0. */
AI void fwd_block(const hdnet__fwd_args *k, const int nb_, const int nc_, size_t j0,
                  const float *hprev, float *h, float *ud, size_t stride, const float *x,
                  size_t x_stride, float *a)
{
    V acc[4][3];
    const size_t ld = k->ld;
    zero_acc(nb_, nc_, acc);
    prod(nb_, nc_, acc, k->n, hprev, stride, 1, k->w + j0, ld);
    prod(nb_, nc_, acc, k->ni, x, x_stride, 1, k->win + j0, ld);
#pragma GCC unroll 3
    for (int c = 0; c < nc_; c++) {
        const size_t j = j0 + VW * (size_t)c;
        const V al = VLOAD(k->alpha + j), bias = VLOAD(k->bias + j);
#pragma GCC unroll 4
        for (int b = 0; b < nb_; b++) {
            float *up = ud + (size_t)b * stride + j, *ap = a + (size_t)b * ld + j,
                  *hp = h + (size_t)b * stride + j;
            V z = VADD(acc[b][c], bias);
            if (k->add_u)
                z = VADD(z, VLOAD(up));
            V av = VLOAD(ap);
            av = VFMADD(al, VSUB(z, av), av);
            VSTORE(ap, av);
            V dv, fv = act_v(k, av, &dv);
            if (k->noisy)
                fv = VADD(fv, VLOAD(hp));
            VSTORE(hp, fv);
            VSTORE(up, dv);
        }
    }
}

AI void bwd_block(const hdnet__bwd_args *k, const int nb_, const int nc_, size_t j0,
                  const float *dnext, float *dd, const float *h, size_t stride, const float *ey,
                  size_t ey_stride, float *delta)
{
    V acc[4][3];
    const size_t ld = k->ld;
    zero_acc(nb_, nc_, acc);
    prod(nb_, nc_, acc, k->n, dnext, stride, 1, k->w + j0, ld);
    prod(nb_, nc_, acc, k->no, ey, ey_stride, 1, k->wout + j0, ld);
    const V c2 = VSET1(k->c2), c1 = VSET1(k->c1);
    const V sgn = VSET1(-0.0f), zero = VZERO();
#pragma GCC unroll 3
    for (int c = 0; c < nc_; c++) {
        const size_t j = j0 + VW * (size_t)c;
        const V al = VLOAD(k->alpha + j), om = VLOAD(k->one_m_alpha + j);
#pragma GCC unroll 4
        for (int b = 0; b < nb_; b++) {
            const V hv = VLOAD(h + (size_t)b * stride + j);
            V g = VFMADD(c2, hv, acc[b][c]);
            if (k->c1 != 0.0f) {
                /* sign(h): +-1, 0 at 0 */
                V s = VOR(VAND(hv, sgn), VSET1(1.0f));
                s = VSEL(VCMP_EQ(hv, zero), s, zero);
                g = VFMADD(c1, s, g);
            }
            float *dp = dd + (size_t)b * stride + j, *delp = delta + (size_t)b * ld + j;
            V del = VFMADD(VLOAD(dp), g,
                                         VMUL(om, VLOAD(delp)));
            VSTORE(delp, del);
            VSTORE(dp, VMUL(al, del));
        }
    }
}

/* gradient-sum block: c[b][j0 + 8q] += sum_r d[r*sd + b] h[r*sh + j0 + 8q] */
AI void outer_block(const hdnet__outer_args *k, const int nb_, const int nc_, size_t j0,
                    size_t rows, const float *d, size_t sd, const float *h, size_t sh, float *c)
{
    V acc[4][3];
    const size_t ld = k->ld;
    zero_acc(nb_, nc_, acc);
    prod(nb_, nc_, acc, rows, d, 1, sd, h + j0, sh);
#pragma GCC unroll 4
    for (int b = 0; b < nb_; b++)
#pragma GCC unroll 3
        for (int q = 0; q < nc_; q++) {
            float *cp = c + (size_t)b * ld + j0 + VW * (size_t)q;
            VSTORE(cp, VADD(VLOAD(cp), acc[b][q]));
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
        size_t stride, const float *ey, size_t ey_stride, float *delta)                      \
    {                                                                                        \
        bwd_block(k, NBV, NCV, j0, dn, dd, h, stride, ey, ey_stride, delta);                 \
    }
#define OUTER_INST(NBV, NCV)                                                                 \
    static __attribute__((noinline)) void outer_##NBV##_##NCV(                               \
        const hdnet__outer_args *k, size_t j0, size_t rows, const float *d, size_t sd,       \
        const float *h, size_t sh, float *c)                                                 \
    {                                                                                        \
        outer_block(k, NBV, NCV, j0, rows, d, sd, h, sh, c);                                 \
    }
#define INST_ALL(M) M(1, 1) M(1, 2) M(1, 3) M(2, 1) M(2, 2) M(2, 3) M(3, 1) M(3, 2) M(3, 3) \
                    M(4, 1) M(4, 2) M(4, 3)
INST_ALL(FWD_INST)
INST_ALL(BWD_INST)
INST_ALL(OUTER_INST)

/* Column groups: vectors of VW floats in groups of 3, except that a remainder of one
 * vector is avoided (13 = 3+3+3+2+2): the 2-vector blocks stay FMA-bound,
 * a 1-vector block would be load-bound. Returns the number of groups. */
static size_t col_groups(size_t ld, size_t *j0s, int *ncs)
{
    size_t nv = ld / VW, j0 = 0, g = 0;
    size_t n3 = nv % 3 == 1 && nv >= 4 ? (nv - 4) / 3 : nv / 3;
    for (size_t q = 0; q < n3; q++, j0 += 3 * VW, g++) {
        j0s[g] = j0;
        ncs[g] = 3;
    }
    for (size_t r = nv - 3 * n3; r > 0; g++) {
        int c = r >= 2 ? 2 : 1;
        j0s[g] = j0;
        ncs[g] = c;
        j0 += VW * (size_t)c;
        r -= (size_t)c;
    }
    return g;
}

#define DISPATCH(PFX, NB, ...)                                                               \
    do {                                                                                     \
        size_t j0s_[64];                                                                     \
        int ncs_[64];                                                                        \
        for (size_t c0_ = 0; c0_ < ld; c0_ += 64 * VW) {                                      \
            size_t span_ = ld - c0_ < 64 * VW ? ld - c0_ : 64 * VW;                            \
            size_t ng_ = col_groups(span_, j0s_, ncs_);                                      \
            for (size_t g_ = 0; g_ < ng_; g_++) {                                            \
                size_t j0 = c0_ + j0s_[g_];                                                  \
                if (ncs_[g_] == 3)                                                           \
                    PFX##_##NB##_3(k, j0, __VA_ARGS__);                                      \
                else if (ncs_[g_] == 2)                                                      \
                    PFX##_##NB##_2(k, j0, __VA_ARGS__);                                      \
                else                                                                         \
                    PFX##_##NB##_1(k, j0, __VA_ARGS__);                                      \
            }                                                                                \
        }                                                                                    \
    } while (0)

/* Trials in sub-blocks of 4 inside each column group, so that the group's
 * slab of the matrix (n rows x 3 vectors) is read from L1 by every sub-block. */
#define SUB_CALL(PFX, J0, NC, NBV, ...)                                                      \
    do {                                                                                     \
        switch ((NBV) * 4 + (NC)) {                                                          \
        case 4 * 4 + 3: PFX##_4_3(k, J0, __VA_ARGS__); break;                                \
        case 4 * 4 + 2: PFX##_4_2(k, J0, __VA_ARGS__); break;                                \
        case 4 * 4 + 1: PFX##_4_1(k, J0, __VA_ARGS__); break;                                \
        case 3 * 4 + 3: PFX##_3_3(k, J0, __VA_ARGS__); break;                                \
        case 3 * 4 + 2: PFX##_3_2(k, J0, __VA_ARGS__); break;                                \
        case 3 * 4 + 1: PFX##_3_1(k, J0, __VA_ARGS__); break;                                \
        case 2 * 4 + 3: PFX##_2_3(k, J0, __VA_ARGS__); break;                                \
        case 2 * 4 + 2: PFX##_2_2(k, J0, __VA_ARGS__); break;                                \
        case 2 * 4 + 1: PFX##_2_1(k, J0, __VA_ARGS__); break;                                \
        case 1 * 4 + 3: PFX##_1_3(k, J0, __VA_ARGS__); break;                                \
        case 1 * 4 + 2: PFX##_1_2(k, J0, __VA_ARGS__); break;                                \
        default: PFX##_1_1(k, J0, __VA_ARGS__); break;                                       \
        }                                                                                    \
    } while (0)

#define GROUPS_OUTER(BODY)                                                                   \
    do {                                                                                     \
        size_t j0s_[64];                                                                     \
        int ncs_[64];                                                                        \
        for (size_t c0_ = 0; c0_ < ld; c0_ += 64 * VW) {                                      \
            size_t span_ = ld - c0_ < 64 * VW ? ld - c0_ : 64 * VW;                            \
            size_t ng_ = col_groups(span_, j0s_, ncs_);                                      \
            for (size_t g_ = 0; g_ < ng_; g_++) {                                            \
                const size_t j0 = c0_ + j0s_[g_];                                            \
                const int nc = ncs_[g_];                                                     \
                for (size_t b0 = 0; b0 < nb; b0 += 4) {                                      \
                    const int nbv = nb - b0 >= 4 ? 4 : (int)(nb - b0);                       \
                    BODY;                                                                    \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    } while (0)

void FN(fwd)(const hdnet__fwd_args *k, size_t nb, const float *hprev, float *h,
                     float *ud, size_t stride, const float *x, size_t x_stride, float *a)
{
    const size_t ld = k->ld;
    GROUPS_OUTER(SUB_CALL(fwd, j0, nc, nbv, hprev + b0 * stride, h + b0 * stride,
                          ud + b0 * stride, stride, x + b0 * x_stride, x_stride, a + b0 * ld));
}

void FN(bwd)(const hdnet__bwd_args *k, size_t nb, const float *dnext, float *dd,
                     const float *h, size_t stride, const float *ey, size_t ey_stride,
                     float *delta)
{
    const size_t ld = k->ld;
    GROUPS_OUTER(SUB_CALL(bwd, j0, nc, nbv, dnext + b0 * stride, dd + b0 * stride,
                          h + b0 * stride, stride, ey + b0 * ey_stride, ey_stride,
                          delta + b0 * ld));
}

/* Rows in panels that keep both operands in L1/L2 while the c blocks sweep
 * them (3 vector loads per 12 FMAs are sustainable from L2). */
#define OUTER_PANEL 64
void FN(outer)(const hdnet__outer_args *k, size_t rows, size_t m, const float *d,
                       size_t sd, const float *h, size_t sh, float *c)
{
    const size_t ld = k->ld;
    for (size_t r0 = 0; r0 < rows; r0 += OUTER_PANEL) {
        const size_t nr = rows - r0 < OUTER_PANEL ? rows - r0 : OUTER_PANEL;
        const float *dp = d + r0 * sd, *hp = h + r0 * sh;
        for (size_t i0 = 0; i0 < m; i0 += 4) {
            const float *di = dp + i0;
            float *ci = c + i0 * ld;
            switch (m - i0 >= 4 ? 4 : m - i0) {
            case 4: DISPATCH(outer, 4, nr, di, sd, hp, sh, ci); break;
            case 3: DISPATCH(outer, 3, nr, di, sd, hp, sh, ci); break;
            case 2: DISPATCH(outer, 2, nr, di, sd, hp, sh, ci); break;
            default: DISPATCH(outer, 1, nr, di, sd, hp, sh, ci); break;
            }
        }
    }
}

#if VW == 8 /* the AVX-512 set uses this 8-lane readout too (kernel.c: same rounding) */
void FN(out)(const hdnet__out_args *k, size_t nb, const float *h, size_t stride, float *y,
             size_t y_stride, float *sums)
{
    const size_t n = k->n, ld = k->ld, no = k->no, nfull = n - n % VW;
    const VM tail = VTAILMASK((int)(n - nfull)); /* lanes j < n of the last, partial vector */
    for (size_t b = 0; b < nb; b++) {
        const float *hb = h + b * stride;
        V s2 = VZERO(), s1 = VZERO();
        for (size_t j = 0; j < nfull; j += VW) {
            V v = VLOAD(hb + j);
            s2 = VFMADD(v, v, s2);
            s1 = VADD(s1, VABS(v));
        }
        if (nfull < n) {
            V v = VMASKZ(tail, VLOAD(hb + nfull));
            s2 = VFMADD(v, v, s2);
            s1 = VADD(s1, VABS(v));
        }
        sums[2 * b] = VHSUM(s2);
        sums[2 * b + 1] = VHSUM(s1);
        for (size_t o = 0; o < no; o++) {
            const float *wo = k->wout + o * ld;
            V s = VZERO();
            for (size_t j = 0; j < ld; j += VW)
                s = VFMADD(VLOAD(wo + j), VLOAD(hb + j), s);
            y[b * y_stride + o] = VHSUM(s);
        }
    }
}
#endif

#endif
