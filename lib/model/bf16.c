/* Rounding to bfloat16, for grad_precision = bf16 (HDNET_GRAD_BF16): the
 * operands of the grad W_rec sum are rounded as VCVTNEPS2BF16 rounds them
 * (nearest, ties to even; subnormals to a signed 0; NaN stays NaN) and kept in
 * float, so that the float kernels then compute exactly the products an
 * AMX-BF16 or AVX512-BF16 dot product forms (8-bit significands multiply
 * exactly in float) and sum them in float. */
#include "core/internal.h"
#include "model/net_priv.h"

#include <stdint.h>
#include <string.h>

/* Branch-free and in blocks of 8, so that -O2 vectorises it. */
static uint32_t round_bits(uint32_t u)
{
    const uint32_t mag = u & 0x7fffffffu;
    const uint32_t nearest = u + 0x7fffu + ((u >> 16) & 1u); /* may carry up to inf */
    const uint32_t quiet = u | 0x00400000u; /* NaN: truncation must keep it a NaN */
    const uint32_t zero = u & 0x80000000u;  /* 0 and subnormals */
    uint32_t r = mag > 0x7f800000u ? quiet : nearest;
    r = mag < 0x00800000u ? zero : r;
    return r & 0xffff0000u;
}

void hdnet__bf16_round(const float *src, float *dst, size_t n)
{
    uint32_t u[8];
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(u, src + i, sizeof u);
        for (int k = 0; k < 8; k++)
            u[k] = round_bits(u[k]);
        memcpy(dst + i, u, sizeof u);
    }
    for (; i < n; i++) {
        memcpy(u, src + i, sizeof u[0]);
        u[0] = round_bits(u[0]);
        memcpy(dst + i, u, sizeof u[0]);
    }
}
