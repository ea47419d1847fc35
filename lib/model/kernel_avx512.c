/* AVX-512F per-step kernels (compiled with -mavx512f -mavx512vl -mfma; chosen
 * at run time): 16 floats per vector, rows padded to 16 floats. The kernels
 * are in kernel_simd.h. Only AVX-512F instructions are used (bitwise float
 * operations go through the integer forms, which need no AVX512DQ). */
#include "core/internal.h"
#include "model/net_priv.h"

#include <immintrin.h>
#include <string.h>

#define V __m512
#define VM __mmask16
#define VW 16
#ifndef FN /* tests/kernel_avx512_emulated.c builds this file under other names */
#define FN(name) hdnet__##name##_avx512
#endif

#define VI_(v) _mm512_castps_si512(v)
#define VF_(v) _mm512_castsi512_ps(v)
#define VLOAD _mm512_load_ps
#define VLOADU _mm512_loadu_ps
#define VSTORE _mm512_store_ps
#define VSTOREU _mm512_storeu_ps
#define VZERO _mm512_setzero_ps
#define VSET1 _mm512_set1_ps
#define VBCAST(p) _mm512_set1_ps(*(p))
#define VADD _mm512_add_ps
#define VSUB _mm512_sub_ps
#define VMUL _mm512_mul_ps
#define VDIV _mm512_div_ps
#define VMIN _mm512_min_ps
#define VFMADD _mm512_fmadd_ps
#define VFNMADD _mm512_fnmadd_ps
#define VAND(a, b) VF_(_mm512_and_si512(VI_(a), VI_(b)))
#define VANDNOT(a, b) VF_(_mm512_andnot_si512(VI_(a), VI_(b)))
#define VOR(a, b) VF_(_mm512_or_si512(VI_(a), VI_(b)))
#define VABS(v) VF_(_mm512_and_si512(VI_(v), _mm512_set1_epi32(0x7fffffff)))
#define VROUND(v) _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define VPOW2I(k)                                                                            \
    VF_(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(k), _mm512_set1_epi32(127)), 23))
#define VCMP_LT(a, b) _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)
#define VCMP_GT(a, b) _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ)
#define VCMP_EQ(a, b) _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ)
#define VSEL(m, a, b) _mm512_mask_blend_ps(m, a, b)
#define VMASKZ(m, v) _mm512_maskz_mov_ps(m, v)
#define VTAILMASK(c) ((__mmask16)((1u << (c)) - 1u))
#define VHSUM(v) _mm512_reduce_add_ps(v)

#include "model/kernel_simd.h"
