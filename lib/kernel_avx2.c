/* Placeholder: avx2 kernels (to be vectorised). */
#include "internal.h"

void hdnet__fwd_avx2(const hdnet__fwd_args *k, size_t nb, const float *hprev, float *h,
                   float *ud, size_t stride, float *a)
{
    hdnet__fwd_portable(k, nb, hprev, h, ud, stride, a);
}

void hdnet__bwd_avx2(const hdnet__bwd_args *k, size_t nb, const float *dnext, float *dd,
                   const float *h, size_t stride, const float *ey, size_t ey_stride,
                   float *delta)
{
    hdnet__bwd_portable(k, nb, dnext, dd, h, stride, ey, ey_stride, delta);
}
