/* Fast float Gaussians, AVX2 version (compiled with -mavx2; chosen at run
 * time by noise.c). The 8 lanes of noise_priv.h are the 8 vector lanes; every
 * operation is the one of the portable version in noise.c, in the same order,
 * with separate multiplies and adds (no FMA), so the results are bit-identical. */
#include "core/internal.h"
#include "rng/noise_priv.h"

#include <immintrin.h>

#define ROTL(v, k) _mm256_or_si256(_mm256_slli_epi32(v, k), _mm256_srli_epi32(v, 32 - (k)))
#define SET1(c) _mm256_set1_ps(c)
/* a * x + b as a multiply and an add (no FMA) */
#define MULADD(a, x, b) _mm256_add_ps(_mm256_mul_ps(a, x), b)

static inline __m256i fmix32_v(__m256i x)
{
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
    x = _mm256_mullo_epi32(x, _mm256_set1_epi32((int)HDNET__NOISE_FMIX_M1));
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 13));
    x = _mm256_mullo_epi32(x, _mm256_set1_epi32((int)HDNET__NOISE_FMIX_M2));
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
    return x;
}

/* One step of the 8 xoshiro128++ lanes (state s0..s3), returning the output. */
#define LANES_NEXT(out)                                                                      \
    do {                                                                                     \
        (out) = _mm256_add_epi32(ROTL(_mm256_add_epi32(s0, s3), 7), s0);                     \
        const __m256i t_ = _mm256_slli_epi32(s1, 9);                                         \
        s2 = _mm256_xor_si256(s2, s0);                                                       \
        s3 = _mm256_xor_si256(s3, s1);                                                       \
        s1 = _mm256_xor_si256(s1, s2);                                                       \
        s0 = _mm256_xor_si256(s0, s3);                                                       \
        s2 = _mm256_xor_si256(s2, t_);                                                       \
        s3 = ROTL(s3, 11);                                                                   \
    } while (0)

/* -2 ln(v 2^-31) for v in [1, 2^31], as minus2log() in noise.c */
static inline __m256 minus2log_v(__m256 v)
{
    const __m256i bits = _mm256_castps_si256(v);
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126 + 31));
    const __m256 m = _mm256_castsi256_ps(
        _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)),
                        _mm256_set1_epi32(0x3f000000)));
    const __m256 lt = _mm256_cmp_ps(m, SET1(HDNET__NOISE_SQRTH), _CMP_LT_OQ);
    e = _mm256_add_epi32(e, _mm256_castps_si256(lt)); /* -1 where lt */
    __m256 x = _mm256_sub_ps(m, SET1(1.0f));
    /* + m where lt; + 0 elsewhere, which changes nothing (x is never -0 there) */
    x = _mm256_add_ps(x, _mm256_and_ps(m, lt));
    const __m256 fe = _mm256_cvtepi32_ps(e);
    const __m256 z = _mm256_mul_ps(x, x);
    const __m256 z2 = _mm256_mul_ps(z, z);
    const __m256 z4 = _mm256_mul_ps(z2, z2);
    const __m256 q0 = MULADD(SET1(HDNET__NOISE_LOG_P7), x, SET1(HDNET__NOISE_LOG_P8));
    const __m256 q1 = MULADD(SET1(HDNET__NOISE_LOG_P5), x, SET1(HDNET__NOISE_LOG_P6));
    const __m256 q2 = MULADD(SET1(HDNET__NOISE_LOG_P3), x, SET1(HDNET__NOISE_LOG_P4));
    const __m256 q3 = MULADD(SET1(HDNET__NOISE_LOG_P1), x, SET1(HDNET__NOISE_LOG_P2));
    const __m256 r0 = _mm256_add_ps(_mm256_mul_ps(q1, z), q0);
    const __m256 r1 = _mm256_add_ps(_mm256_mul_ps(q3, z), q2);
    const __m256 t0 = _mm256_add_ps(_mm256_mul_ps(r1, z2), r0);
    const __m256 p = _mm256_add_ps(_mm256_mul_ps(SET1(HDNET__NOISE_LOG_P0), z4), t0);
    const __m256 a = _mm256_add_ps(_mm256_mul_ps(x, SET1(-2.0f)),
                                   _mm256_mul_ps(fe, SET1(HDNET__NOISE_M2LN2)));
    const __m256 xzm = _mm256_mul_ps(_mm256_mul_ps(x, z), SET1(-2.0f));
    const __m256 b = _mm256_add_ps(_mm256_mul_ps(xzm, p), z);
    return _mm256_add_ps(a, b);
}

void hdnet__noise_normal_f32_avx2(uint64_t seed, float *out, size_t n, float sd)
{
    /* word w of lane l: fmix32((a + (8w + l + 1) * golden) ^ fmix32(b)) */
    const __m256i a = _mm256_set1_epi32((int)(uint32_t)seed);
    const __m256i bm = _mm256_set1_epi32((int)hdnet__noise_fmix32((uint32_t)(seed >> 32)));
    __m256i st[4];
    for (int w = 0; w < 4; w++) {
        const uint32_t g = HDNET__NOISE_GOLDEN, c0 = (uint32_t)(8 * w + 1);
        const __m256i c = _mm256_setr_epi32((int)(g * c0), (int)(g * (c0 + 1)), (int)(g * (c0 + 2)),
                                            (int)(g * (c0 + 3)), (int)(g * (c0 + 4)),
                                            (int)(g * (c0 + 5)), (int)(g * (c0 + 6)),
                                            (int)(g * (c0 + 7)));
        st[w] = fmix32_v(_mm256_xor_si256(_mm256_add_epi32(a, c), bm));
    }
    __m256i s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
    const __m256 vsd = SET1(sd);
    const __m256i one = _mm256_set1_epi32(1), low22 = _mm256_set1_epi32(0x3fffff);
    for (size_t i = 0; i < n; i += HDNET__NOISE_BLOCK) {
        __m256i w1, w2;
        LANES_NEXT(w1);
        LANES_NEXT(w2);
        const __m256 v = _mm256_cvtepi32_ps(_mm256_or_si256(_mm256_srli_epi32(w1, 1), one));
        const __m256 rho = _mm256_sqrt_ps(minus2log_v(v));
        const __m256 k = _mm256_cvtepi32_ps(_mm256_and_si256(w2, low22));
        const __m256 phi = _mm256_mul_ps(_mm256_sub_ps(k, SET1(HDNET__NOISE_PHI_MID)),
                                         SET1(HDNET__NOISE_PHI_SCALE));
        const __m256 z = _mm256_mul_ps(phi, phi);
        __m256 sn = SET1(HDNET__NOISE_SIN_1);
        sn = _mm256_add_ps(_mm256_mul_ps(sn, z), SET1(HDNET__NOISE_SIN_2));
        sn = _mm256_add_ps(_mm256_mul_ps(sn, z), SET1(HDNET__NOISE_SIN_3));
        sn = _mm256_mul_ps(sn, z);
        sn = _mm256_mul_ps(sn, phi);
        sn = _mm256_add_ps(sn, phi);
        sn = _mm256_mul_ps(sn, vsd);
        __m256 cs = SET1(HDNET__NOISE_COS_1);
        cs = _mm256_add_ps(_mm256_mul_ps(cs, z), SET1(HDNET__NOISE_COS_2));
        cs = _mm256_add_ps(_mm256_mul_ps(cs, z), SET1(HDNET__NOISE_COS_3));
        cs = _mm256_mul_ps(cs, z);
        cs = _mm256_mul_ps(cs, z);
        cs = _mm256_sub_ps(cs, _mm256_mul_ps(SET1(0.5f), z));
        cs = _mm256_add_ps(cs, SET1(1.0f));
        cs = _mm256_mul_ps(cs, vsd);
        /* sign from bit 0 of w1; blendv takes the sign bit of its mask: bit 31 of w2 */
        const __m256 neg = _mm256_castsi256_ps(_mm256_slli_epi32(w1, 31));
        const __m256 sw = _mm256_castsi256_ps(w2);
        const __m256 za = _mm256_xor_ps(_mm256_mul_ps(rho, sn), neg);
        const __m256 zb = _mm256_xor_ps(_mm256_mul_ps(rho, cs), neg);
        const __m256 z0 = _mm256_blendv_ps(zb, za, sw);
        const __m256 z1 = _mm256_blendv_ps(za, zb, sw);
        if (n - i >= HDNET__NOISE_BLOCK) {
            _mm256_storeu_ps(out + i, z0);
            _mm256_storeu_ps(out + i + HDNET__NOISE_LANES, z1);
        } else { /* last, partial block: masked stores */
            const int rest = (int)(n - i);
            const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(rest), lane);
            const __m256i m1 =
                _mm256_cmpgt_epi32(_mm256_set1_epi32(rest - HDNET__NOISE_LANES), lane);
            _mm256_maskstore_ps(out + i, m0, z0);
            _mm256_maskstore_ps(out + i + HDNET__NOISE_LANES, m1, z1);
        }
    }
}
