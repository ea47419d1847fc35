/* The library's AVX-512 kernel set (lib/model/kernel_avx512.c), built on
 * SIMDe's AVX-512 (libsimde-dev) under the names hdnet__*_avx512_emulated, so
 * that its 16-lane code runs on CPUs without AVX-512 and test_kernels.c can
 * check it bit for bit against the AVX2 set everywhere. Compiled with -mavx2
 * -mfma: SIMDe then does each 16-lane operation as two native 8-lane ones,
 * FMA included, so the emulated lanes round as the real instructions do. */
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

#include "kernel_emulated.h"

#include <stdint.h>
#include <stdlib.h>

/* SIMDe 0.7.4 lacks the float-to-int conversion: two AVX2 halves, rounding to
 * nearest as the AVX-512 instruction does. */
static inline simde__m512i emulated_cvtps_epi32(simde__m512 a)
{
    simde__m512_private f = simde__m512_to_private(a);
    simde__m512i_private r;
    for (int h = 0; h < 2; h++)
        r.m256i[h] = _mm256_cvtps_epi32(f.m256[h]);
    return simde__m512i_from_private(r);
}
#undef _mm512_cvtps_epi32
#define _mm512_cvtps_epi32 emulated_cvtps_epi32

/* The real aligned loads and stores fault on an address that is not a
 * multiple of 64 bytes; SIMDe's do not: abort() there too. */
static inline simde__m512 checked_load_ps(const void *p)
{
    if ((uintptr_t)p % 64)
        abort();
    return simde_mm512_load_ps(p);
}
static inline void checked_store_ps(void *p, simde__m512 v)
{
    if ((uintptr_t)p % 64)
        abort();
    simde_mm512_store_ps(p, v);
}
#undef _mm512_load_ps
#define _mm512_load_ps checked_load_ps
#undef _mm512_store_ps
#define _mm512_store_ps checked_store_ps

#define FN(name) hdnet__##name##_avx512_emulated
#include "model/kernel_avx512.c"
