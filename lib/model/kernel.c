/* Per-step kernels, portable C, and the run-time choice between kernel sets
 * (kernel = auto: a timed trial). The vector versions (kernel_avx2.c,
 * kernel_avx512.c) compute the same quantities; see the contracts in net_priv.h. */
#include "core/internal.h"
#include "model/net_priv.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
        /* AVX2 too: the set shares the AVX2 readout kernel (below) */
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    default: return 0;
    }
}

static void set_functions(int kind, hdnet__kernels *out)
{
    out->kind = kind;
    out->align = kind == HDNET_KERNEL_AVX512 ? 16 : 8;
    switch (kind) {
    case HDNET_KERNEL_AVX2:
        out->fwd = hdnet__fwd_avx2;
        out->bwd = hdnet__bwd_avx2;
        out->out = hdnet__out_avx2;
        out->outer = hdnet__outer_avx2;
        break;
    case HDNET_KERNEL_AVX512:
        out->fwd = hdnet__fwd_avx512;
        out->bwd = hdnet__bwd_avx512;
        /* the readout's horizontal sums in 8 lanes, as AVX2's: every other
         * operation rounds the same at 8 and 16 lanes, so the two sets give
         * bit-identical results and the timed choice between them cannot
         * change a number (the readout is O(N) per trial and step: cheap) */
        out->out = hdnet__out_avx2;
        out->outer = hdnet__outer_avx512;
        break;
    default:
        out->fwd = hdnet__fwd_portable;
        out->bwd = hdnet__bwd_portable;
        out->out = hdnet__out_portable;
        out->outer = hdnet__outer_portable;
        break;
    }
}

/* ---- kernel = auto: a short timed trial, once per process and size ---- */

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define TRIAL_NB 8 /* trials per kernel call, as the engine's blocks */

/* Workspace of a timed trial: n units, S steps of TRIAL_NB trials. */
typedef struct {
    size_t n, ld, S, st;
    float *w, *win, *bias, *alpha, *oma, *wout, *x, *ey, *H, *G, *a, *delta, *y, *c;
} trial_ws;

static void trial_free(trial_ws *t)
{
    float **ps[] = {&t->w, &t->win, &t->bias, &t->alpha, &t->oma, &t->wout, &t->x,
                    &t->ey, &t->H, &t->G, &t->a, &t->delta, &t->y, &t->c};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) {
        free(*ps[i]);
        *ps[i] = NULL;
    }
}

static float *trial_alloc(size_t nf)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, (nf ? nf : 1) * sizeof(float)))
        return NULL;
    memset(p, 0, (nf ? nf : 1) * sizeof(float));
    return p;
}

/* Random-looking weights and rates of the size of a trained network's (|w| <
 * 0.1, rates in [0, 0.5)), rows padded to 16 floats (enough for every set). */
static int trial_init(trial_ws *t, size_t n)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->ld = (n + 15) / 16 * 16;
    /* about 2 million multiply-adds per product kind: a few milliseconds in all */
    size_t S = 2000000 / (TRIAL_NB * n * n + 1);
    t->S = S < 2 ? 2 : S > 64 ? 64 : S;
    t->st = (t->S + 1) * t->ld;
    const size_t ld = t->ld, big = TRIAL_NB * t->st;
    t->w = trial_alloc(n * ld);
    t->win = trial_alloc(3 * ld);
    t->bias = trial_alloc(ld);
    t->alpha = trial_alloc(ld);
    t->oma = trial_alloc(ld);
    t->wout = trial_alloc(2 * ld);
    t->x = trial_alloc(TRIAL_NB * t->S * 3);
    t->ey = trial_alloc(TRIAL_NB * t->S * 2);
    t->H = trial_alloc(big);
    t->G = trial_alloc(big);
    t->a = trial_alloc(TRIAL_NB * ld);
    t->delta = trial_alloc(TRIAL_NB * ld);
    t->y = trial_alloc(TRIAL_NB * 2 + 2 * TRIAL_NB);
    t->c = trial_alloc(n * ld);
    if (!t->w || !t->win || !t->bias || !t->alpha || !t->oma || !t->wout || !t->x || !t->ey ||
        !t->H || !t->G || !t->a || !t->delta || !t->y || !t->c) {
        trial_free(t);
        return HDNET_ENOMEM;
    }
    uint32_t r = 12345;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            r = r * 1664525u + 1013904223u;
            t->w[i * ld + j] = 0.1f * ((float)(r >> 8) * 0x1p-24f - 0.5f);
        }
    for (size_t j = 0; j < n; j++) {
        t->alpha[j] = 0.1f;
        t->oma[j] = 0.9f;
        t->bias[j] = 0.01f;
        t->win[j] = t->wout[j] = 0.05f;
    }
    for (size_t i = 0; i < TRIAL_NB * t->st; i++) {
        r = r * 1664525u + 1013904223u;
        t->H[i] = 0.5f * (float)(r >> 8) * 0x1p-24f;
    }
    return HDNET_OK;
}

/* Thread CPU seconds of S forward steps (with readout), S backward steps and
 * the grad W_rec sum over the S rows of each trial: the engine's per-block work. */
static double trial_time(const hdnet__kernels *k, trial_ws *t)
{
    const size_t n = t->n, ld = t->ld, st = t->st, S = t->S;
    hdnet__fwd_args fa = {n, ld, 3, t->w, t->win, t->bias, t->alpha, HDNET_ACT_RETANH,
                          HDNET_KINK_ONE_SIDED, 0, 0, 1.0f};
    hdnet__bwd_args ba = {n, ld, 2, t->w, t->wout, t->alpha, t->oma, 1e-3f, 0.0f};
    hdnet__out_args oa = {n, ld, 2, t->wout};
    hdnet__outer_args ga = {ld};
    const double t0 = thread_cpu_s();
    for (size_t s = 0; s < S; s++) {
        k->fwd(&fa, TRIAL_NB, t->H + s * ld, t->H + (s + 1) * ld, t->G + s * ld, st,
               t->x + s * 3, S * 3, t->a);
        k->out(&oa, TRIAL_NB, t->H + (s + 1) * ld, st, t->y, 2, t->y + 2 * TRIAL_NB);
    }
    for (size_t s = S; s-- > 0;)
        k->bwd(&ba, TRIAL_NB, t->G + (s + 1) * ld, t->G + s * ld, t->H + (s + 1) * ld, st,
               t->ey + s * 2, S * 2, t->delta);
    for (size_t b = 0; b < TRIAL_NB; b++)
        k->outer(&ga, S, n, t->G + b * st, ld, t->H + b * st, ld, t->c);
    return thread_cpu_s() - t0;
}

/* The fastest set for n units: each candidate timed in ROUNDS interleaved
 * rounds (its minimum counts: the least disturbed by other load; a set more
 * than twice as slow as the fastest drops out after its first round). A candidate
 * displaces the current choice only if MARGIN faster, so that noise alone does
 * not swap sets: AVX2 (if the CPU has it) is the first choice, AVX-512 must
 * beat it, and the portable set must beat both. Portable rounds differently
 * from the vector sets (docs/performance.md); the two vector sets agree bit
 * for bit. */
#define ROUNDS 5
#define MARGIN 0.05
static int measure_fastest(size_t n)
{
    static const int order[] = {HDNET_KERNEL_AVX2, HDNET_KERNEL_AVX512, HDNET_KERNEL_PORTABLE};
    hdnet__kernels ks[3];
    double best_t[3];
    int nk = 0;
    for (int i = 0; i < 3; i++)
        if (hdnet__kernel_supported(order[i])) {
            set_functions(order[i], &ks[nk]);
            best_t[nk++] = INFINITY;
        }
    if (nk == 1)
        return ks[0].kind;
    trial_ws t;
    if (trial_init(&t, n) != HDNET_OK)
        return ks[0].kind; /* no memory for the trial: the first choice */
    double fastest = INFINITY;
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < nk; i++) {
            if (best_t[i] > 2.0 * fastest)
                continue; /* out of the running after one round: spare the time */
            const double s = trial_time(&ks[i], &t);
            if (s < best_t[i])
                best_t[i] = s;
            if (s < fastest)
                fastest = s;
        }
    trial_free(&t);
    int pick = 0;
    for (int i = 1; i < nk; i++)
        if (best_t[i] < (1.0 - MARGIN) * best_t[pick])
            pick = i;
    return ks[pick].kind;
}

/* Per-process cache of the choices, by network size. */
static pthread_mutex_t auto_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    size_t n;
    int kind;
} auto_cache[16];
static size_t auto_used, auto_next;

int hdnet__kernel_auto(size_t n)
{
    if (n == 0)
        n = 1;
    pthread_mutex_lock(&auto_mu);
    for (size_t i = 0; i < auto_used; i++)
        if (auto_cache[i].n == n) {
            const int kind = auto_cache[i].kind;
            pthread_mutex_unlock(&auto_mu);
            return kind;
        }
    const int kind = measure_fastest(n);
    const size_t slot = auto_used < 16 ? auto_used++ : (auto_next++ % 16);
    auto_cache[slot].n = n;
    auto_cache[slot].kind = kind;
    pthread_mutex_unlock(&auto_mu);
    return kind;
}

int hdnet__kernel_select(int request, size_t n, hdnet__kernels *out)
{
    if (request == HDNET_KERNEL_AUTO)
        request = hdnet__kernel_auto(n);
    if (!hdnet__kernel_supported(request))
        return hdnet__error(HDNET_ENOTSUP, "kernel %d is not supported by this CPU", request);
    set_functions(request, out);
    return HDNET_OK;
}
