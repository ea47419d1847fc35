/* Timing of one training gradient (forward + backward + gradient) through the
 * engine.  usage: net_timing [B] [T] [N] [reps] [threads] [kernel]
 * kernel: auto, portable, avx2, avx512.  A 7th argument "supplied" passes a
 * fixed noise array instead of drawing the noise (isolates the generator);
 * an 8th argument "loss_only" times the forward pass and loss alone.  Prints "name value unit" lines. */
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
    return now_clock(CLOCK_MONOTONIC);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t B = argc > 1 ? (size_t)atol(argv[1]) : 100, T = argc > 2 ? (size_t)atol(argv[2]) : 500,
           N = argc > 3 ? (size_t)atol(argv[3]) : 100;
    int reps = argc > 4 ? atoi(argv[4]) : 10, threads = argc > 5 ? atoi(argv[5]) : 1;
    const char *kernel = argc > 6 ? argv[6] : "auto";
    const int supplied = argc > 7 && strcmp(argv[7], "supplied") == 0;
    const int loss_only = argc > 8 && strcmp(argv[8], "loss_only") == 0;
    hdnet_config *cfg;
    hdnet_rng *rng;
    hdnet_net *net;
    hdnet__engine *e;
    if (hdnet_config_create(&cfg) || hdnet_config_set_int(cfg, HDNET_P_UNITS, (int64_t)N) ||
        hdnet_config_set(cfg, "kernel", kernel) || hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 1) ||
        hdnet_net_create(&net, cfg, rng)) {
        fprintf(stderr, "setup: %s\n", hdnet_errmsg());
        return 1;
    }
    /* a trained-looking readout so that the backward pass has work to do */
    float *wo = malloc(2 * N * sizeof *wo);
    for (size_t k = 0; k < 2 * N; k++)
        wo[k] = 0.1f * (float)sin((double)k);
    if (hdnet_net_set_block(net, HDNET_W_OUT, wo, 2 * N))
        return 1;
    float *x = calloc(B * T * 3, sizeof *x), *y = calloc(B * T * 2, sizeof *y),
          *m = calloc(B * T * 2, sizeof *m), *g = malloc(hdnet_net_num_params(net) * sizeof *g);
    for (size_t b = 0; b < B; b++)
        for (size_t t = 0; t < T; t++) {
            double th = 0.01 * (double)(t + b);
            x[(b * T + t) * 3] = t >= 10 ? 0.05f * (float)sin(0.1 * (double)(t * (b + 1))) : 0.0f;
            if (t < 10) {
                x[(b * T + t) * 3 + 1] = (float)sin((double)b);
                x[(b * T + t) * 3 + 2] = (float)cos((double)b);
            }
            y[(b * T + t) * 2] = (float)sin(th);
            y[(b * T + t) * 2 + 1] = (float)cos(th);
            m[(b * T + t) * 2] = m[(b * T + t) * 2 + 1] = t >= 10;
        }
    float *noise = NULL;
    if (supplied) {
        noise = malloc(B * T * N * sizeof *noise);
        hdnet__rng_fill_normal_f32(rng, noise, B * T * N, 0.1f);
    }
    int rc = hdnet__engine_create(&e, net, B, T, threads);
    if (rc) {
        fprintf(stderr, "engine: %s\n", hdnet_errmsg());
        return 1;
    }
    double *ts = malloc((size_t)reps * sizeof *ts), *cs = malloc((size_t)reps * sizeof *cs),
           loss[HDNET_NLOSS];
    for (int r = -1; r < reps; r++) {
        double c0 = now_clock(CLOCK_PROCESS_CPUTIME_ID), t0 = now();
        rc = hdnet__engine_loss_grad(e, net, B, x, y, m, noise, supplied ? NULL : rng, 0.01, loss,
                                     loss_only ? NULL : g);
        double t1 = now(), c1 = now_clock(CLOCK_PROCESS_CPUTIME_ID);
        if (rc) {
            fprintf(stderr, "loss_grad: %s\n", hdnet_errmsg());
            return 1;
        }
        if (r >= 0) {
            ts[r] = t1 - t0;
            cs[r] = c1 - c0;
        }
    }
    qsort(ts, (size_t)reps, sizeof *ts, cmp);
    qsort(cs, (size_t)reps, sizeof *cs, cmp);
    double med = ts[reps / 2];
    double flop = 6.0 * (double)B * (double)T * (double)N * (double)N;
    printf("noise %s\nkernel %s\nthreads %d\nB %zu\nT %zu\nN %zu\n", supplied ? "supplied" : "drawn", kernel, threads, B, T, N);
    printf("seconds_per_update_median %.5f s\nseconds_per_update_min %.5f s\n", med, ts[0]);
    printf("cpu_seconds_per_update_median %.5f s\ncpu_seconds_per_update_min %.5f s\n",
           cs[reps / 2], cs[0]);
    printf("gflops %.1f GFLOP/s\nloss %.6f\n", flop / med * 1e-9, loss[HDNET_LOSS_TOTAL]);
    hdnet__engine_free(e);
    hdnet_net_free(net);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    free(x);
    free(y);
    free(m);
    free(g);
    free(wo);
    free(ts);
    free(cs);
    free(noise);
    return 0;
}
