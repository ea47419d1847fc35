/* Per-step kernels, portable C, and the run-time choice between kernel sets.
 * The vector versions (kernel_avx2.c, kernel_avx512.c) compute the same
 * quantities; see the contracts in net_priv.h. */
#include "internal.h"

#include <math.h>
#include <string.h>

#define CHUNK 128

void hdnet__fwd_portable(const hdnet__fwd_args *k, size_t nb, const float *hprev, float *h,
                         float *ud, size_t stride, const float *x, size_t x_stride, float *a)
{
    const size_t n = k->n, ld = k->ld, ni = k->ni;
    float fbuf[CHUNK], dbuf[CHUNK];
    for (size_t b = 0; b < nb; b++) {
        const float *hp = hprev + b * stride, *xb = x + b * x_stride;
        float *hb = h + b * stride, *u = ud + b * stride, *ab = a + b * ld;
        /* z = bias + x W_in^T (+ u) + hprev W, accumulated in place in ud */
        for (size_t j = 0; j < n; j++)
            u[j] = k->add_u ? u[j] + k->bias[j] : k->bias[j];
        for (size_t i = 0; i < ni; i++) {
            const float v = xb[i];
            const float *wi = k->win + i * ld;
            for (size_t j = 0; j < n; j++)
                u[j] += v * wi[j];
        }
        for (size_t m = 0; m < n; m++) {
            const float v = hp[m];
            const float *wm = k->w + m * ld;
            for (size_t j = 0; j < n; j++)
                u[j] += v * wm[j];
        }
        for (size_t j = 0; j < n; j++)
            ab[j] += k->alpha[j] * (u[j] - ab[j]);
        for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
            size_t len = n - j0 < CHUNK ? n - j0 : CHUNK;
            hdnet__act_rows(k->act, k->slope, k->kink, ab + j0, fbuf, dbuf, len);
            if (k->noisy)
                for (size_t j = 0; j < len; j++)
                    hb[j0 + j] += fbuf[j];
            else
                memcpy(hb + j0, fbuf, len * sizeof *fbuf);
            memcpy(u + j0, dbuf, len * sizeof *dbuf);
        }
    }
}

void hdnet__bwd_portable(const hdnet__bwd_args *k, size_t nb, const float *dnext, float *dd,
                         const float *h, size_t stride, const float *ey, size_t ey_stride,
                         float *delta)
{
    const size_t n = k->n, ld = k->ld, no = k->no;
    float g[CHUNK];
    for (size_t b = 0; b < nb; b++) {
        const float *dn = dnext + b * stride, *hb = h + b * stride, *e = ey + b * ey_stride;
        float *d = dd + b * stride, *del = delta + b * ld;
        for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
            size_t len = n - j0 < CHUNK ? n - j0 : CHUNK;
            for (size_t j = 0; j < len; j++)
                g[j] = 0.0f;
            for (size_t m = 0; m < n; m++) {
                const float v = dn[m];
                const float *wm = k->w + m * ld + j0;
                for (size_t j = 0; j < len; j++)
                    g[j] += v * wm[j];
            }
            for (size_t o = 0; o < no; o++) {
                const float v = e[o];
                const float *wo = k->wout + o * ld + j0;
                for (size_t j = 0; j < len; j++)
                    g[j] += v * wo[j];
            }
            for (size_t j = 0; j < len; j++) {
                float hx = hb[j0 + j];
                float s = hx > 0 ? 1.0f : (hx < 0 ? -1.0f : 0.0f);
                float gj = g[j] + k->c2 * hx + k->c1 * s;
                size_t i = j0 + j;
                del[i] = d[i] * gj + k->one_m_alpha[i] * del[i];
                d[i] = k->alpha[i] * del[i];
            }
        }
    }
}

void hdnet__out_portable(const hdnet__out_args *k, size_t nb, const float *h, size_t stride,
                         float *y, size_t y_stride, float *sums)
{
    for (size_t b = 0; b < nb; b++) {
        const float *hb = h + b * stride;
        for (size_t o = 0; o < k->no; o++) {
            const float *wo = k->wout + o * k->ld;
            float s = 0.0f;
            for (size_t j = 0; j < k->n; j++)
                s += wo[j] * hb[j];
            y[b * y_stride + o] = s;
        }
        float s2 = 0.0f, s1 = 0.0f;
        for (size_t j = 0; j < k->n; j++) {
            s2 += hb[j] * hb[j];
            s1 += fabsf(hb[j]);
        }
        sums[2 * b] = s2;
        sums[2 * b + 1] = s1;
    }
}

void hdnet__outer_portable(const hdnet__outer_args *k, size_t rows, size_t m, const float *d,
                           size_t sd, const float *h, size_t sh, float *c)
{
    const size_t ld = k->ld;
    if (sd >= m && m >= 8) { /* large: BLAS */
        hdnet__sgemm(HDNET__TRANS, HDNET__NOTRANS, (int)m, (int)ld, (int)rows, 1.0f, d, (int)sd, h,
                     (int)sh, 1.0f, c, (int)ld);
        return;
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < m; i++) {
            const float v = d[r * sd + i];
            float *ci = c + i * ld;
            const float *hr = h + r * sh;
            for (size_t j = 0; j < ld; j++)
                ci[j] += v * hr[j];
        }
}

int hdnet__kernel_supported(int kind)
{
    switch (kind) {
    case HDNET_KERNEL_AUTO:
    case HDNET_KERNEL_PORTABLE: return 1;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    case HDNET_KERNEL_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case HDNET_KERNEL_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("fma");
#endif
    default: return 0;
    }
}

int hdnet__kernel_select(int request, hdnet__kernels *out)
{
    if (request == HDNET_KERNEL_AUTO) {
        /* the AVX-512 set is not faster than AVX2 yet (kernel_avx512.c) */
        request = HDNET_KERNEL_PORTABLE;
        if (hdnet__kernel_supported(HDNET_KERNEL_AVX2))
            request = HDNET_KERNEL_AVX2;
    }
    if (!hdnet__kernel_supported(request))
        return hdnet__error(HDNET_ENOTSUP, "kernel %d is not supported by this CPU", request);
    out->kind = request;
    out->align = request == HDNET_KERNEL_AVX512 ? 16 : 8;
    switch (request) {
    case HDNET_KERNEL_AVX2:
        out->fwd = hdnet__fwd_avx2;
        out->bwd = hdnet__bwd_avx2;
        out->out = hdnet__out_avx2;
        out->outer = hdnet__outer_avx2;
        break;
    case HDNET_KERNEL_AVX512:
        out->fwd = hdnet__fwd_avx512;
        out->bwd = hdnet__bwd_avx512;
        out->out = hdnet__out_avx512;
        out->outer = hdnet__outer_avx512;
        break;
    default:
        out->fwd = hdnet__fwd_portable;
        out->bwd = hdnet__bwd_portable;
        out->out = hdnet__out_portable;
        out->outer = hdnet__outer_portable;
        break;
    }
    return HDNET_OK;
}
