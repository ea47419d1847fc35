/* AVX2 + FMA per-step kernels (compiled with -mavx2 -mfma; chosen at run
 * time): 8 floats per vector. The kernels are in kernel_simd.h. */
#include "core/internal.h"
#include "model/net_priv.h"

#include <immintrin.h>
#include <string.h>

#define V __m256
#define VM __m256
#define VW 8
#define FN(name) hdnet__##name##_avx2

#define VLOAD _mm256_load_ps
#define VLOADU _mm256_loadu_ps
#define VSTORE _mm256_store_ps
#define VSTOREU _mm256_storeu_ps
#define VZERO _mm256_setzero_ps
#define VSET1 _mm256_set1_ps
#define VBCAST _mm256_broadcast_ss
#define VADD _mm256_add_ps
#define VSUB _mm256_sub_ps
#define VMUL _mm256_mul_ps
#define VDIV _mm256_div_ps
#define VMIN _mm256_min_ps
#define VFMADD _mm256_fmadd_ps
#define VFNMADD _mm256_fnmadd_ps
#define VAND _mm256_and_ps
#define VANDNOT _mm256_andnot_ps
#define VOR _mm256_or_ps
#define VABS(v) _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)))
#define VROUND(v) _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define VPOW2I(k)                                                                            \
    _mm256_castsi256_ps(_mm256_slli_epi32(                                                   \
        _mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23))
#define VCMP_LT(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define VCMP_GT(a, b) _mm256_cmp_ps(a, b, _CMP_GT_OQ)
#define VCMP_EQ(a, b) _mm256_cmp_ps(a, b, _CMP_EQ_OQ)
#define VSEL(m, a, b) _mm256_blendv_ps(a, b, m)
#define VMASKZ(m, v) _mm256_and_ps(v, m)
#define VTAILMASK(c)                                                                         \
    _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(c),                             \
                                           _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)))

static inline float VHSUM(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#include "model/kernel_simd.h"
