/* Private: fast float Gaussians for the training noise (noise.c, noise_avx2.c).
 *
 * Algorithm (the same operations, in the same order, in both files, so that the
 * portable C and the AVX2 version give bit-identical floats on any CPU; the
 * build uses -ffp-contract=off and neither file uses FMA):
 *
 * 1. Lanes. One 64-bit seed (a, b) = (low, high 32 bits) is expanded into 8
 *    independent xoshiro128++ generators ("lanes"), word w of lane l being
 *        fmix32((a + (8w + l + 1) * 0x9E3779B9) ^ fmix32(b))
 *    with MurmurHash3's 32-bit finaliser fmix32 (a bijection, fmix32(0) = 0).
 *    The four inputs of a lane are distinct, hence so are its four words: no
 *    lane state is ever all zero. Seeds that share a give unrelated states
 *    (their inputs differ by a non-zero XOR before the non-linear fmix32).
 *    (The seeds (a, b) and (a + 2^31, b') with fmix32(b') = fmix32(b) ^ 2^31
 *    give the same lanes: for a random pair of seeds that is as likely as
 *    drawing the same seed twice, 2^-64.)
 * 2. Pairs. Each step of the 8 lanes gives 16 normals by Box-Muller from two
 *    32-bit words per lane, w1 then w2 (xoshiro128++ outputs):
 *        u   = float((w1 >> 1) | 1) * 2^-31                in (0, 1]
 *        rho = sqrt(-2 ln u)                 (polynomial log)
 *        phi = (float(w2 & 0x3fffff) - 2^21 + 0.5) * (pi/2) / 2^22
 *                                                          in (-pi/4, pi/4)
 *        a   = rho * (sin(phi) * sd), b = rho * (cos(phi) * sd)
 *              (polynomials), both negated if bit 0 of w1 is set
 *        (z0, z1) = (b, a), or (a, b) if bit 31 of w2 is set
 *    The angle of (b, a) is phi, uniform on 2^22 points of (-pi/4, pi/4)
 *    placed symmetrically about 0; the swap reflects it onto (pi/4, 3pi/4)
 *    and the negation adds pi, so the angle of (z0, z1) is uniform on 2^24
 *    points of the circle and (z0, z1) a standard normal pair.
 *    Lane l's z0 goes to out[16k + l], its z1 to out[16k + 8 + l]; a last
 *    partial block is computed in full and truncated.
 *
 * Tails: u >= 2^-31, so |z| <= sqrt(62 ln 2) = 6.555 sd; a true normal
 * exceeds that with probability 5.6e-11 (one value in 1.8e10, about one per
 * 3600 reference updates of 5e6 draws). Resolution: u is an odd multiple of
 * 2^-31 rounded to float, so the far tail (small u) is resolved to 2^-30 in
 * u; near u = 1 the float grid is 2^-24: rho takes no value in (0, 3.5e-4)
 * (P = 6e-8) and is exactly 0 with probability 2^-25.
 * Accuracy: the log and sin polynomials are the classic single-precision
 * minimax ones (about 1 ulp); z is within a few ulp of the exact transform.
 */
#ifndef HDNET_NOISE_PRIV_H
#define HDNET_NOISE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#define HDNET__NOISE_LANES 8
#define HDNET__NOISE_BLOCK 16 /* normals per step of the lanes */

/* Seeding */
#define HDNET__NOISE_GOLDEN 0x9E3779B9u
#define HDNET__NOISE_FMIX_M1 0x85EBCA6Bu
#define HDNET__NOISE_FMIX_M2 0xC2B2AE35u


/* -2 ln u for u = v 2^-31: u = m 2^e, m in [sqrt(1/2), sqrt(2)), x = m - 1,
 * -2 ln u = (-2x - 2e ln 2) + (-2 x^3 P(x) + x^2), P the classic
 * single-precision minimax polynomial of degree 8 (evaluated by Estrin's
 * scheme: short dependency chains). */
#define HDNET__NOISE_SQRTH 0.707106781186547524f
#define HDNET__NOISE_LOG_P0 7.0376836292e-2f
#define HDNET__NOISE_LOG_P1 -1.1514610310e-1f
#define HDNET__NOISE_LOG_P2 1.1676998740e-1f
#define HDNET__NOISE_LOG_P3 -1.2420140846e-1f
#define HDNET__NOISE_LOG_P4 1.4249322787e-1f
#define HDNET__NOISE_LOG_P5 -1.6668057665e-1f
#define HDNET__NOISE_LOG_P6 2.0000714765e-1f
#define HDNET__NOISE_LOG_P7 -2.4999993993e-1f
#define HDNET__NOISE_LOG_P8 3.3333331174e-1f
#define HDNET__NOISE_M2LN2 -1.38629436111989062f /* -2 ln 2 */

/* phi = (float(k22) - 2^21 + 0.5) * PHI_SCALE, PHI_SCALE = (pi/2) / 2^22 */
#define HDNET__NOISE_PHI_MID 2097151.5f /* 2^21 - 0.5 */
#define HDNET__NOISE_PHI_SCALE 3.7450702829239110e-7f

/* sin on |phi| <= pi/4: phi + phi^3 S(phi^2) (minimax) */
#define HDNET__NOISE_SIN_1 -1.9515295891e-4f
#define HDNET__NOISE_SIN_2 8.3321608736e-3f
#define HDNET__NOISE_SIN_3 -1.6666654611e-1f
/* cos on |phi| <= pi/4: 1 - phi^2/2 + phi^4 C(phi^2) (minimax) */
#define HDNET__NOISE_COS_1 2.443315711809948e-5f
#define HDNET__NOISE_COS_2 -1.388731625493765e-3f
#define HDNET__NOISE_COS_3 4.166664568298827e-2f

/* Implementations (impl argument of hdnet__noise_normal_f32). */
#define HDNET__NOISE_AUTO 0
#define HDNET__NOISE_PORTABLE 1
#define HDNET__NOISE_AVX2 2

/* MurmurHash3's 32-bit finaliser, shared by noise.c and noise_avx2.c (here, so that
 * neither file depends on the other for it). */
static inline uint32_t hdnet__noise_fmix32(uint32_t x)
{
    x ^= x >> 16;
    x *= HDNET__NOISE_FMIX_M1;
    x ^= x >> 13;
    x *= HDNET__NOISE_FMIX_M2;
    x ^= x >> 16;
    return x;
}

/* 1 if implementation `impl` can run on this CPU (AUTO and PORTABLE: always). */
int hdnet__noise_supported(int impl);

/* n Gaussians of SD sd from the 64-bit seed, written to out (no alignment
 * needed). impl: HDNET__NOISE_AUTO picks AVX2 where the CPU has it; an
 * implementation the CPU lacks falls back to the portable one. Every
 * implementation gives the same bits. Allocates nothing; thread-safe. */
void hdnet__noise_normal_f32(uint64_t seed, float *out, size_t n, float sd, int impl);

void hdnet__noise_normal_f32_portable(uint64_t seed, float *out, size_t n, float sd);
void hdnet__noise_normal_f32_avx2(uint64_t seed, float *out, size_t n, float sd);

#endif
