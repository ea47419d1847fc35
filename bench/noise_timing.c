/* Timing of the training-noise generator: ns per float Gaussian, drawn the way
 * the engine draws them (calls of n floats from one generator).
 * usage: noise_timing [n_per_call] [total] [reps]   (defaults 100 5000000 7)
 * Prints "name value unit" lines: the library filler hdnet__rng_fill_normal_f32
 * (AVX2 where the CPU has it), the portable and AVX2 implementations alone, and
 * the scalar ziggurat (hdnet__rng_normal1, the generator the filler used before)
 * rounded to float, for comparison. Medians over reps; CPU time of the process. */
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "rng/noise_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { FILL, PORTABLE, AVX2, ZIGGURAT, NWAYS };
static const char *names[NWAYS] = {"fill_normal_f32", "noise_portable", "noise_avx2",
                                   "ziggurat_scalar"};

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 100;
    size_t total = argc > 2 ? (size_t)atol(argv[2]) : 5000000;
    int reps = argc > 3 ? atoi(argv[3]) : 7;
    if (n == 0 || total < n || reps < 1) {
        fprintf(stderr, "usage: noise_timing [n_per_call] [total] [reps]\n");
        return 1;
    }
    size_t calls = total / n;
    hdnet_rng *rng;
    if (hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 1))
        return 1;
    float *buf = malloc(n * sizeof *buf);
    double *t = malloc((size_t)reps * sizeof *t);
    if (!buf || !t)
        return 1;
    double sink = 0;
    printf("n_per_call %zu\ncalls %zu\n", n, calls);
    for (int way = 0; way < NWAYS; way++) {
        if (way == AVX2 && !hdnet__noise_supported(HDNET__NOISE_AVX2)) {
            printf("%s_ns unsupported\n", names[way]);
            continue;
        }
        for (int r = -1; r < reps; r++) {
            double c0 = cpu_now();
            for (size_t c = 0; c < calls; c++) {
                switch (way) {
                case FILL: hdnet__rng_fill_normal_f32(rng, buf, n, 0.1f); break;
                case PORTABLE:
                    hdnet__noise_normal_f32_portable(hdnet__rng_next64(rng), buf, n, 0.1f);
                    break;
                case AVX2:
                    hdnet__noise_normal_f32_avx2(hdnet__rng_next64(rng), buf, n, 0.1f);
                    break;
                default:
                    for (size_t j = 0; j < n; j++)
                        buf[j] = (float)(0.1 * hdnet__rng_normal1(rng));
                }
                sink += buf[c % n];
            }
            double c1 = cpu_now();
            if (r >= 0)
                t[r] = (c1 - c0) / (double)(calls * n) * 1e9;
        }
        qsort(t, (size_t)reps, sizeof *t, cmp);
        printf("%s_ns %.3f ns/number (min %.3f)\n", names[way], t[reps / 2], t[0]);
    }
    printf("checksum %g\n", sink);
    free(buf);
    free(t);
    hdnet_rng_free(rng);
    return 0;
}
