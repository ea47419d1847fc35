/* hdnet-bench: seconds per training update (batch draw, noise, loss and BPTT
 * gradient, clipping, AdamW step) at a given size, thread count and kernel
 * set, or for every kernel set side by side; with --peak also this core's
 * measured FP32 FMA peak and the update's floor at it. Prints one
 * `name value unit` line per result. */
#include <hdnet/hdnet.h>
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "train/train_priv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define PEAK_X86 1
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hdnet-bench [--batch B] [--steps T] [--units N] [--threads K] [--updates U]\n"
            "                   [--kernel auto|portable|avx2|avx512 | --kernels] [--peak]\n"
            "                   [--grad fp32|bf16]\n"
            "  defaults: the reference size B=100 T=500 N=100, 1 thread, 10 timed updates\n"
            "  (after 2 warm-up updates), kernel auto. Prints sec_per_update (median), gflops\n"
            "  (3 GFLOP per update scaled by B*T*N^2), floor_fraction (0.016 s scaled,\n"
            "  over the median), peak_rss_mb, and cpu_sec_per_update (CPU time of all\n"
            "  threads, median; less sensitive to other load on a shared machine).\n"
            "  --kernels: every kernel set this CPU runs, side by side (one update of each\n"
            "  in turn per round, with a 0.2 s pause after each: the portable set's BLAS\n"
            "  threads spin for a while), then the set kernel=auto picks and its time over\n"
            "  the best.\n"
            "  --peak: also measure this core's FP32 FMA peak on one thread (best of 7, thread\n"
            "  CPU time) at each vector width the CPU runs: peak_gflops_avx2 (8 lanes),\n"
            "  peak_gflops_avx512 (16 lanes), not_supported otherwise; peak_gflops, the best;\n"
            "  peak_floor_sec_per_update, 6*B*T*N^2 FLOP at that peak; and per timed set\n"
            "  peak_floor_fraction, that floor over the median. Needs --threads 1 (the peak\n"
            "  is one core's). --peak --updates 0: the peak and floor only, no network.\n"
            "  --grad: grad_precision, the operands of the grad W_rec sum (fp32 default).\n");
}

static int die(const char *what, int rc)
{
    fprintf(stderr, "hdnet-bench: %s: %s (%s)\n", what, hdnet_strerror(rc), hdnet_errmsg());
    return EXIT_FAILURE;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int parse_size(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* One network, optimiser and engine: what one kernel set is timed on. */
typedef struct {
    const char *name;
    hdnet_net *net;
    hdnet_optim *opt;
    hdnet__engine *eng;
    hdnet_task *task;
    hdnet_rng *noise;
    double *times, *cpu;
} variant;

static int variant_open(variant *v, hdnet_config *cfg, int kernel, long U)
{
    hdnet_rng *init;
    uint64_t tseed;
    int64_t B, T, K;
    int rc;
    memset(v, 0, sizeof *v);
    if ((rc = hdnet_param_value_name(HDNET_P_KERNEL, kernel, &v->name)) ||
        (rc = hdnet_config_set_int(cfg, HDNET_P_KERNEL, kernel)) ||
        (rc = hdnet_config_get_int(cfg, HDNET_P_TRIALS, &B)) ||
        (rc = hdnet_config_get_int(cfg, HDNET_P_STEPS, &T)) ||
        (rc = hdnet_config_get_int(cfg, HDNET_P_THREADS, &K)))
        return rc;
    if ((rc = hdnet_stream_create(&init, 1, HDNET_STREAM_INIT)))
        return rc;
    rc = hdnet_net_create(&v->net, cfg, init);
    hdnet_rng_free(init);
    if (rc || (rc = hdnet_stream_create(&v->noise, 1, HDNET_STREAM_NOISE)) ||
        (rc = hdnet_stream_seed(1, HDNET_STREAM_TASK, &tseed)) ||
        (rc = hdnet_task_create(&v->task, cfg, tseed)) ||
        (rc = hdnet__engine_create(&v->eng, v->net, (size_t)B, (size_t)T, (int)K)) ||
        (rc = hdnet_optim_create(&v->opt, cfg, v->net)))
        return rc;
    v->times = malloc((size_t)U * sizeof *v->times);
    v->cpu = malloc((size_t)U * sizeof *v->cpu);
    return v->times && v->cpu ? HDNET_OK : HDNET_ENOMEM;
}

static void variant_close(variant *v)
{
    hdnet_optim_free(v->opt);
    hdnet__engine_free(v->eng);
    hdnet_task_free(v->task);
    hdnet_net_free(v->net);
    hdnet_rng_free(v->noise);
    free(v->times);
    free(v->cpu);
}

/* Between the sets of --kernels, so that each starts on a settled machine: the
 * portable set's gradient sum calls BLAS, OpenBLAS's worker threads spin for a
 * while after each call, and the next set's update, started at once, ran 40 %
 * slower (AMD EPYC, 2026-12-06: avx2 0.081 s against 0.057 s alone, 0.057 s
 * with OPENBLAS_NUM_THREADS=1 or after a 50 ms pause). 0.2 s lets them go idle. */
static void settle(void)
{
    const struct timespec pause = {0, 200000000L};
    nanosleep(&pause, NULL);
}

/* One training update: batch, loss and gradient, clipping, AdamW step. */
static int one_update(variant *v, size_t B, size_t T, float *x, float *y, float *m, float *g,
                      double *wall, double *cpu)
{
    const size_t bt = B * T, P = hdnet_net_num_params(v->net);
    double t0 = now_s(), c0 = cpu_s(), loss[HDNET_NLOSS], nrm, f;
    int rc;
    if ((rc = hdnet_task_generate(v->task, B, x, bt * 3, y, bt * 2, m, bt * 2, NULL, 0, NULL, 0)) ||
        (rc = hdnet__engine_loss_grad(v->eng, v->net, B, x, y, m, NULL, v->noise, 0.01, loss, g)) ||
        (rc = hdnet_clip_grad_norm(v->net, g, P, 10.0, &nrm, &f)) ||
        (rc = hdnet_optim_step(v->opt, v->net, g, P)))
        return rc;
    *wall = now_s() - t0;
    *cpu = cpu_s() - c0;
    return HDNET_OK;
}

static double median_of(double *v, long n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* ---- --peak: this core's FP32 FMA throughput ----
 * Independent accumulators must cover FMA latency x FMA ports, or the loop
 * measures latency: 4-5 cycles x 2 ports <= 10 on the AVX2 cores we know
 * (Haswell 5 x 2, Skylake and Zen 3 4 x 2; Zen 3 saturates at 8), so 12,
 * which with the two operands fits the 16 ymm registers. For 512 bits 24 also
 * covers 6-cycle x 2-port cores and fits the 32 zmm registers. #pragma GCC
 * unroll (clang reads it too) keeps the accumulators in registers, not in a
 * stack array. Each repeat runs the same number of FMA instructions at both
 * widths: 12 << 24 = 2.0e8, about 30-40 ms at 2 per cycle and 2.5-3.5 GHz. */
#define PEAK_REPEATS 7
#define PEAK_ACC256 12
#define PEAK_ACC512 24
#define PEAK_FMAS (12L << 24)

#ifdef PEAK_X86
/* acc = acc*a + b with a = 0.999, b = 0.001 tends to 1: the values stay normal
 * (no denormal or overflow slow path) however long the loop. */
__attribute__((target("avx2,fma"))) static float fma_loop_avx2(float a, float b)
{
    const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
    __m256 acc[PEAK_ACC256];
    for (int j = 0; j < PEAK_ACC256; j++)
        acc[j] = _mm256_setzero_ps();
    for (long i = 0; i < PEAK_FMAS / PEAK_ACC256; i++)
#pragma GCC unroll 24
        for (int j = 0; j < PEAK_ACC256; j++)
            acc[j] = _mm256_fmadd_ps(acc[j], va, vb);
    float lane[8], s = 0;
    for (int j = 1; j < PEAK_ACC256; j++)
        acc[0] = _mm256_add_ps(acc[0], acc[j]);
    _mm256_storeu_ps(lane, acc[0]);
    for (int l = 0; l < 8; l++)
        s += lane[l];
    return s;
}

__attribute__((target("avx512f"))) static float fma_loop_avx512(float a, float b)
{
    const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b);
    __m512 acc[PEAK_ACC512];
    for (int j = 0; j < PEAK_ACC512; j++)
        acc[j] = _mm512_setzero_ps();
    for (long i = 0; i < PEAK_FMAS / PEAK_ACC512; i++)
#pragma GCC unroll 24
        for (int j = 0; j < PEAK_ACC512; j++)
            acc[j] = _mm512_fmadd_ps(acc[j], va, vb);
    float lane[16], s = 0;
    for (int j = 1; j < PEAK_ACC512; j++)
        acc[0] = _mm512_add_ps(acc[0], acc[j]);
    _mm512_storeu_ps(lane, acc[0]);
    for (int l = 0; l < 16; l++)
        s += lane[l];
    return s;
}
#endif

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Written after each loop so the compiler must do the work; the operands are
 * read from it too, so they are not constants it could fold. */
static volatile float peak_sink[3] = {0.999f, 0.001f, 0.0f};

/* GFLOP/s of the best repeat: thread CPU time, so time spent waiting for a
 * core on a loaded machine does not count; the best repeat is the one least
 * disturbed by interrupts and migrations. */
static double peak_gflops_of(float (*loop)(float, float), int lanes)
{
    double best = INFINITY;
    for (int r = 0; r < PEAK_REPEATS; r++) {
        const double t0 = thread_cpu_s();
        peak_sink[2] = loop(peak_sink[0], peak_sink[1]);
        const double t = thread_cpu_s() - t0;
        if (t < best)
            best = t;
    }
    return 2.0 * lanes * (double)PEAK_FMAS / best * 1e-9;
}

/* Prints the peak of each vector width and returns the best, 0 if this CPU
 * runs none of them. */
static double peak_measure(void)
{
    double g256 = 0, g512 = 0;
#ifdef PEAK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        g256 = peak_gflops_of(fma_loop_avx2, 8);
    if (__builtin_cpu_supports("avx512f"))
        g512 = peak_gflops_of(fma_loop_avx512, 16);
#endif
    if (g256 > 0)
        printf("peak_gflops_avx2 %.2f GFLOP/s\n", g256);
    else
        printf("peak_gflops_avx2 not_supported GFLOP/s\n");
    if (g512 > 0)
        printf("peak_gflops_avx512 %.2f GFLOP/s\n", g512);
    else
        printf("peak_gflops_avx512 not_supported GFLOP/s\n");
    const double best = g256 > g512 ? g256 : g512;
    if (best > 0)
        printf("peak_gflops %.2f GFLOP/s\n", best);
    return best;
}

/* The update's floor at the measured peak: 6 B T N^2 FLOP (forward, and
 * backward's two products, of the N x N recurrence); 0 without a peak. */
static double peak_floor(long B, long T, long N, double gflops)
{
    if (!(gflops > 0)) {
        printf("peak_floor_sec_per_update not_supported s\n");
        return 0;
    }
    const double floor_s = 6.0 * (double)B * (double)T * (double)N * (double)N / (gflops * 1e9);
    printf("peak_floor_sec_per_update %.6f s\n", floor_s);
    return floor_s;
}

static void print_sizes(long B, long T, long N, long K, long U)
{
    printf("batch %ld trials\nsteps %ld steps\nunits %ld units\nthreads %ld threads\n", B, T, N, K);
    printf("timed_updates %ld updates\n", U);
}

int main(int argc, char **argv)
{
    long B = 100, T = 500, N = 100, K = 1, U = 10;
    int kernel = HDNET_KERNEL_AUTO, kernel_set = 0, all_kernels = 0, peak = 0;
    const char *grad = "fp32";
    static const struct option opts[] = {
        {"batch", required_argument, NULL, 'b'}, {"steps", required_argument, NULL, 't'},
        {"units", required_argument, NULL, 'n'}, {"threads", required_argument, NULL, 'k'},
        {"updates", required_argument, NULL, 'u'}, {"kernel", required_argument, NULL, 'K'},
        {"kernels", no_argument, NULL, 'A'},       {"peak", no_argument, NULL, 'P'},
        {"grad", required_argument, NULL, 'G'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c, oi = 0;
    while ((c = getopt_long(argc, argv, "b:t:n:k:u:h", opts, &oi)) != -1) {
        long *dst = NULL, lo = 1, hi = 1000000;
        switch (c) {
        case 'b': dst = &B; break;
        case 't': dst = &T; break;
        case 'n': dst = &N; hi = 65536; break;
        case 'k': dst = &K; hi = 256; break;
        case 'u': dst = &U; lo = 0; break; /* 0 only with --peak, checked below */
        case 'A': all_kernels = 1; continue;
        case 'P': peak = 1; continue;
        case 'G': grad = optarg; continue;
        case 'K': {
            hdnet_config *tmp;
            int64_t v;
            if (hdnet_config_create(&tmp) || hdnet_config_set(tmp, "kernel", optarg) ||
                hdnet_config_get_int(tmp, HDNET_P_KERNEL, &v)) {
                fprintf(stderr, "hdnet-bench: bad value '%s' for --kernel\n", optarg);
                return EXIT_FAILURE;
            }
            hdnet_config_free(tmp);
            kernel = (int)v;
            kernel_set = 1;
            continue;
        }
        case 'h': usage(stdout); return EXIT_SUCCESS;
        default: usage(stderr); return EXIT_FAILURE;
        }
        if (parse_size(optarg, lo, hi, dst)) {
            fprintf(stderr, "hdnet-bench: bad value '%s' for --%s\n", optarg,
                    opts[c == 'b' ? 0 : c == 't' ? 1 : c == 'n' ? 2 : c == 'k' ? 3 : 4].name);
            return EXIT_FAILURE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hdnet-bench: unexpected argument '%s'\n", argv[optind]);
        return EXIT_FAILURE;
    }
    if (U == 0 && !peak) {
        fprintf(stderr, "hdnet-bench: --updates 0 times nothing; it is for --peak alone\n");
        return EXIT_FAILURE;
    }
    if (U == 0 && (all_kernels || kernel_set)) {
        fprintf(stderr, "hdnet-bench: --%s needs timed updates (--updates 1 or more)\n",
                all_kernels ? "kernels" : "kernel");
        return EXIT_FAILURE;
    }
    /* the peak is one core's, and K threads may or may not have K cores (two
     * vCPUs can be one core's hardware threads): no honest K-thread floor */
    if (peak && K != 1) {
        fprintf(stderr, "hdnet-bench: --peak measures one core; its floor fraction needs --threads 1\n");
        return EXIT_FAILURE;
    }
    if (U == 0) {
        print_sizes(B, T, N, K, U);
        peak_floor(B, T, N, peak_measure());
        return EXIT_SUCCESS;
    }

    hdnet_config *cfg;
    int rc = hdnet_config_create(&cfg);
    if (rc)
        return die("config", rc);
    if ((rc = hdnet_config_set_int(cfg, HDNET_P_UNITS, N)) || (rc = hdnet_config_set_int(cfg, HDNET_P_STEPS, T)) ||
        (rc = hdnet_config_set_int(cfg, HDNET_P_TRIALS, B)) || (rc = hdnet_config_set_int(cfg, HDNET_P_THREADS, K)))
        return die("config", rc);
    if ((rc = hdnet_config_set(cfg, "grad_precision", grad)))
        return die("--grad", rc);
    if (T <= (long)hdnet__cfg(cfg, HDNET_P_CUE) && (rc = hdnet_config_set_int(cfg, HDNET_P_CUE, 0)))
        return die("config", rc);
    /* the sets to time: one, or every set this CPU runs */
    variant vs[4];
    int nv = 0;
    for (int kind = HDNET_KERNEL_PORTABLE; all_kernels && kind <= HDNET_KERNEL_AVX512; kind++)
        if (hdnet__kernel_supported(kind) && (rc = variant_open(&vs[nv++], cfg, kind, U)))
            return die("set-up", rc);
    if (!all_kernels && (rc = variant_open(&vs[nv++], cfg, kernel, U)))
        return die("set-up", rc);
    const size_t bt = (size_t)B * (size_t)T, P = hdnet_net_num_params(vs[0].net);
    float *x = malloc(bt * 3 * sizeof *x), *y = malloc(bt * 2 * sizeof *y), *m = malloc(bt * 2 * sizeof *m);
    float *g = malloc(P * sizeof *g);
    if (!x || !y || !m || !g) {
        fprintf(stderr, "hdnet-bench: out of memory\n");
        return EXIT_FAILURE;
    }
    for (long i = -2; i < U; i++)
        for (int k = 0; k < nv; k++) {
            double w, cp;
            if ((rc = one_update(&vs[k], (size_t)B, (size_t)T, x, y, m, g, &w, &cp)))
                return die("update", rc);
            if (nv > 1)
                settle();
            if (i >= 0) {
                vs[k].times[i] = w;
                vs[k].cpu[i] = cp;
            }
        }
    double scale = ((double)B / 100.0) * ((double)T / 500.0) * ((double)N / 100.0) * ((double)N / 100.0);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    print_sizes(B, T, N, K, U);
    printf("grad_precision %s name\n", grad);
    /* after the timed updates: no network's threads or memory traffic running */
    const double floor_s = peak ? peak_floor(B, T, N, peak_measure()) : 0;
    double best = INFINITY, med[4];
    int best_k = 0;
    for (int k = 0; k < nv; k++) {
        const double cmed = median_of(vs[k].cpu, U);
        med[k] = median_of(vs[k].times, U);
        if (med[k] < best) {
            best = med[k];
            best_k = k;
        }
        const char *pfx = all_kernels ? vs[k].name : NULL;
        char key[64];
#define KEY(s) (pfx ? (snprintf(key, sizeof key, "%s_%s", pfx, s), key) : s)
        printf("%s %.6f s\n", KEY("sec_per_update"), med[k]);
        printf("%s %.6f s\n", KEY("sec_per_update_min"), vs[k].times[0]);
        printf("%s %.6f s\n", KEY("cpu_sec_per_update"), cmed);
        printf("%s %.2f GFLOP/s\n", KEY("gflops"), 3.0 * scale / med[k]);
        printf("%s %.4f ratio\n", KEY("floor_fraction"), 0.016 * scale / med[k]);
        if (floor_s > 0)
            printf("%s %.4f ratio\n", KEY("peak_floor_fraction"), floor_s / med[k]);
#undef KEY
    }
    const int chosen = hdnet__kernel_auto((size_t)N);
    const char *chosen_name = "?";
    if (hdnet_param_value_name(HDNET_P_KERNEL, chosen, &chosen_name))
        chosen_name = "?";
    printf("auto_kernel %s name\n", chosen_name);
    if (all_kernels) {
        printf("fastest_kernel %s name\n", vs[best_k].name);
        for (int k = 0; k < nv; k++)
            if (vs[k].name && strcmp(vs[k].name, chosen_name) == 0)
                printf("auto_over_fastest %.4f ratio\n", med[k] / best);
    }
    printf("peak_rss_mb %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    free(x);
    free(y);
    free(m);
    free(g);
    for (int k = 0; k < nv; k++)
        variant_close(&vs[k]);
    hdnet_config_free(cfg);
    return EXIT_SUCCESS;
}
