/* AVX-512 kernels: not written yet. These forward to the AVX2 set (every
 * AVX-512 CPU has AVX2 + FMA), and hdnet__kernel_select() never picks this
 * set for "auto"; requesting it explicitly works where the CPU has AVX-512. */
#include "internal.h"

void hdnet__fwd_avx512(const hdnet__fwd_args *k, size_t nb, const float *hprev, float *h,
                       float *ud, size_t stride, const float *x, size_t x_stride, float *a)
{
    hdnet__fwd_avx2(k, nb, hprev, h, ud, stride, x, x_stride, a);
}

void hdnet__bwd_avx512(const hdnet__bwd_args *k, size_t nb, const float *dnext, float *dd,
                       const float *h, size_t stride, const float *ey, size_t ey_stride,
                       const float *x, size_t x_stride, float *delta, float *acc)
{
    hdnet__bwd_avx2(k, nb, dnext, dd, h, stride, ey, ey_stride, x, x_stride, delta, acc);
}

void hdnet__out_avx512(const hdnet__out_args *k, size_t nb, const float *h, size_t stride,
                       float *y, size_t y_stride, float *sums)
{
    hdnet__out_avx2(k, nb, h, stride, y, y_stride, sums);
}

void hdnet__outer_avx512(const hdnet__outer_args *k, size_t rows, const float *d,
                         const float *h, float *c)
{
    hdnet__outer_avx2(k, rows, d, h, c);
}
