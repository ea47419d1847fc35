/* Fast float Gaussians for the training noise: portable C version and the
 * run-time choice of implementation. The algorithm is described in
 * noise_priv.h; noise_avx2.c does the same operations on 8 lanes at once and
 * must stay bit-identical to this file (tests/test_noise.c checks it). */
#include "core/internal.h"
#include "rng/noise_priv.h"

#include <math.h>
#include <string.h>

#define L HDNET__NOISE_LANES

static uint32_t rotl32(uint32_t v, int k)
{
    return (v << k) | (v >> (32 - k));
}

static uint32_t as_u32(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float as_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* One step of the 8 xoshiro128++ lanes: out[l] = rotl(s0 + s3, 7) + s0. */
static void lanes_next(uint32_t s[4][L], uint32_t out[L])
{
    for (int l = 0; l < L; l++) {
        out[l] = rotl32(s[0][l] + s[3][l], 7) + s[0][l];
        const uint32_t t = s[1][l] << 9;
        s[2][l] ^= s[0][l];
        s[3][l] ^= s[1][l];
        s[1][l] ^= s[2][l];
        s[0][l] ^= s[3][l];
        s[2][l] ^= t;
        s[3][l] = rotl32(s[3][l], 11);
    }
}

/* -2 ln(v 2^-31) for v in [1, 2^31] */
static float minus2log(float v)
{
    const uint32_t bits = as_u32(v);
    int32_t e = (int32_t)(bits >> 23) - (126 + 31); /* v 2^-31 = m 2^e, m in [1/2, 1) */
    const float m = as_f32((bits & 0x007fffffu) | 0x3f000000u);
    float x = m - 1.0f;
    if (m < HDNET__NOISE_SQRTH) {
        e -= 1;
        x = x + m; /* 2m - 1, exact */
    }
    const float fe = (float)e;
    const float z = x * x, z2 = z * z, z4 = z2 * z2;
    /* P(x) by Estrin's scheme */
    const float q0 = HDNET__NOISE_LOG_P7 * x + HDNET__NOISE_LOG_P8;
    const float q1 = HDNET__NOISE_LOG_P5 * x + HDNET__NOISE_LOG_P6;
    const float q2 = HDNET__NOISE_LOG_P3 * x + HDNET__NOISE_LOG_P4;
    const float q3 = HDNET__NOISE_LOG_P1 * x + HDNET__NOISE_LOG_P2;
    const float r0 = q1 * z + q0;
    const float r1 = q3 * z + q2;
    const float t0 = r1 * z2 + r0;
    const float p = HDNET__NOISE_LOG_P0 * z4 + t0;
    /* -2 ln = (-2x - 2e ln 2) + (-2 x^3 P(x) + x^2) */
    const float a = x * -2.0f + fe * HDNET__NOISE_M2LN2;
    const float xzm = (x * z) * -2.0f;
    const float b = xzm * p + z;
    return a + b;
}

void hdnet__noise_normal_f32_portable(uint64_t seed, float *out, size_t n, float sd)
{
    const uint32_t a = (uint32_t)seed, bm = hdnet__noise_fmix32((uint32_t)(seed >> 32));
    uint32_t s[4][L];
    for (int w = 0; w < 4; w++)
        for (int l = 0; l < L; l++)
            s[w][l] = hdnet__noise_fmix32((a + (uint32_t)(L * w + l + 1) * HDNET__NOISE_GOLDEN) ^
                                          bm);
    for (size_t i = 0; i < n; i += HDNET__NOISE_BLOCK) {
        uint32_t w1[L], w2[L];
        float blk[HDNET__NOISE_BLOCK];
        lanes_next(s, w1);
        lanes_next(s, w2);
        for (int l = 0; l < L; l++) {
            const float v = (float)(int32_t)((w1[l] >> 1) | 1u);
            const float rho = sqrtf(minus2log(v));
            const float k = (float)(int32_t)(w2[l] & 0x3fffffu);
            const float phi = (k - HDNET__NOISE_PHI_MID) * HDNET__NOISE_PHI_SCALE;
            const float z = phi * phi;
            float sn = HDNET__NOISE_SIN_1;
            sn = sn * z + HDNET__NOISE_SIN_2;
            sn = sn * z + HDNET__NOISE_SIN_3;
            sn = sn * z;
            sn = sn * phi;
            sn = sn + phi;
            sn = sn * sd;
            float cs = HDNET__NOISE_COS_1;
            cs = cs * z + HDNET__NOISE_COS_2;
            cs = cs * z + HDNET__NOISE_COS_3;
            cs = cs * z;
            cs = cs * z;
            cs = cs - 0.5f * z;
            cs = cs + 1.0f;
            cs = cs * sd;
            const uint32_t neg = w1[l] << 31;
            const float za = as_f32(as_u32(rho * sn) ^ neg);
            const float zb = as_f32(as_u32(rho * cs) ^ neg);
            float z0 = zb, z1 = za;
            if (w2[l] >> 31) {
                z0 = za;
                z1 = zb;
            }
            blk[l] = z0;
            blk[L + l] = z1;
        }
        const size_t m = n - i < HDNET__NOISE_BLOCK ? n - i : HDNET__NOISE_BLOCK;
        memcpy(out + i, blk, m * sizeof *out);
    }
}

int hdnet__noise_supported(int impl)
{
    switch (impl) {
    case HDNET__NOISE_AUTO:
    case HDNET__NOISE_PORTABLE: return 1;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    case HDNET__NOISE_AVX2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2");
#endif
    default: return 0;
    }
}

void hdnet__noise_normal_f32(uint64_t seed, float *out, size_t n, float sd, int impl)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    /* libgcc fills the CPU model in a constructor; hdnet__noise_supported
     * calls __builtin_cpu_init for callers that run earlier */
    if ((impl == HDNET__NOISE_AUTO || impl == HDNET__NOISE_AVX2) &&
        __builtin_cpu_supports("avx2")) {
        hdnet__noise_normal_f32_avx2(seed, out, n, sd);
        return;
    }
#endif
    (void)impl;
    hdnet__noise_normal_f32_portable(seed, out, n, sd);
}
