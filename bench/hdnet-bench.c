/* hdnet-bench: seconds per training update (batch draw, noise, loss and BPTT
 * gradient, clipping, AdamW step) at a given size and thread count.
 * Prints one `name value unit` line per result. */
#include <hdnet/hdnet.h>
#include "internal.h"
#include "train_priv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hdnet-bench [--batch B] [--steps T] [--units N] [--threads K] [--updates U]\n"
            "  defaults: the reference size B=100 T=500 N=100, 1 thread, 10 timed updates\n"
            "  (after 2 warm-up updates). Prints sec_per_update (median), gflops\n"
            "  (3 GFLOP per update scaled by B*T*N^2), floor_fraction (0.016 s scaled,\n"
            "  over the median), peak_rss_mb, and cpu_sec_per_update (CPU time of all\n"
            "  threads, median; less sensitive to other load on a shared machine).\n");
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

int main(int argc, char **argv)
{
    long B = 100, T = 500, N = 100, K = 1, U = 10;
    static const struct option opts[] = {
        {"batch", required_argument, NULL, 'b'}, {"steps", required_argument, NULL, 't'},
        {"units", required_argument, NULL, 'n'}, {"threads", required_argument, NULL, 'k'},
        {"updates", required_argument, NULL, 'u'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "b:t:n:k:u:h", opts, NULL)) != -1) {
        long *dst = NULL, lo = 1, hi = 1000000;
        switch (c) {
        case 'b': dst = &B; break;
        case 't': dst = &T; break;
        case 'n': dst = &N; hi = 65536; break;
        case 'k': dst = &K; hi = 256; break;
        case 'u': dst = &U; break;
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

    hdnet_config *cfg;
    int rc = hdnet_config_create(&cfg);
    if (rc)
        return die("config", rc);
    if ((rc = hdnet_config_set_int(cfg, HDNET_P_UNITS, N)) || (rc = hdnet_config_set_int(cfg, HDNET_P_STEPS, T)) ||
        (rc = hdnet_config_set_int(cfg, HDNET_P_TRIALS, B)) || (rc = hdnet_config_set_int(cfg, HDNET_P_THREADS, K)))
        return die("config", rc);
    if (T <= (long)hdnet__cfg(cfg, HDNET_P_CUE) && (rc = hdnet_config_set_int(cfg, HDNET_P_CUE, 0)))
        return die("config", rc);
    hdnet_rng *init, *noise;
    hdnet_net *net;
    hdnet_task *task;
    hdnet__engine *eng;
    hdnet_optim *opt;
    uint64_t tseed;
    if ((rc = hdnet_stream_create(&init, 1, HDNET_STREAM_INIT)) ||
        (rc = hdnet_stream_create(&noise, 1, HDNET_STREAM_NOISE)) ||
        (rc = hdnet_stream_seed(1, HDNET_STREAM_TASK, &tseed)))
        return die("streams", rc);
    if ((rc = hdnet_net_create(&net, cfg, init)))
        return die("network", rc);
    if ((rc = hdnet_task_create(&task, cfg, tseed)))
        return die("task", rc);
    if ((rc = hdnet__engine_create(&eng, net, (size_t)B, (size_t)T, (int)K)))
        return die("engine", rc);
    if ((rc = hdnet_optim_create(&opt, cfg, net)))
        return die("optimiser", rc);
    const size_t bt = (size_t)B * (size_t)T, P = hdnet_net_num_params(net);
    float *x = malloc(bt * 3 * sizeof *x), *y = malloc(bt * 2 * sizeof *y), *m = malloc(bt * 2 * sizeof *m);
    float *g = malloc(P * sizeof *g);
    double *times = malloc((size_t)U * sizeof *times), *cpu = malloc((size_t)U * sizeof *cpu);
    if (!x || !y || !m || !g || !times || !cpu) {
        fprintf(stderr, "hdnet-bench: out of memory\n");
        return EXIT_FAILURE;
    }
    for (long i = -2; i < U; i++) {
        double t0 = now_s(), c0 = cpu_s(), loss[HDNET_NLOSS], nrm, f;
        if ((rc = hdnet_task_generate(task, (size_t)B, x, bt * 3, y, bt * 2, m, bt * 2, NULL, 0, NULL, 0)))
            return die("generate", rc);
        if ((rc = hdnet__engine_loss_grad(eng, net, (size_t)B, x, y, m, NULL, noise, 0.01, loss, g)))
            return die("loss_grad", rc);
        if ((rc = hdnet_clip_grad_norm(net, g, P, 10.0, &nrm, &f)))
            return die("clip", rc);
        if ((rc = hdnet_optim_step(opt, net, g, P)))
            return die("step", rc);
        if (i >= 0) {
            times[i] = now_s() - t0;
            cpu[i] = cpu_s() - c0;
        }
    }
    qsort(times, (size_t)U, sizeof *times, cmp_d);
    qsort(cpu, (size_t)U, sizeof *cpu, cmp_d);
    double cmed = U % 2 ? cpu[U / 2] : 0.5 * (cpu[U / 2 - 1] + cpu[U / 2]);
    double med = U % 2 ? times[U / 2] : 0.5 * (times[U / 2 - 1] + times[U / 2]);
    double scale = ((double)B / 100.0) * ((double)T / 500.0) * ((double)N / 100.0) * ((double)N / 100.0);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("batch %ld trials\nsteps %ld steps\nunits %ld units\nthreads %ld threads\n", B, T, N, K);
    printf("timed_updates %ld updates\n", U);
    printf("sec_per_update %.6f s\n", med);
    printf("sec_per_update_min %.6f s\n", times[0]);
    printf("cpu_sec_per_update %.6f s\n", cmed);
    printf("gflops %.2f GFLOP/s\n", 3.0 * scale / med);
    printf("floor_fraction %.4f ratio\n", 0.016 * scale / med);
    printf("peak_rss_mb %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    free(x);
    free(y);
    free(m);
    free(g);
    free(times);
    free(cpu);
    hdnet_optim_free(opt);
    hdnet__engine_free(eng);
    hdnet_task_free(task);
    hdnet_net_free(net);
    hdnet_rng_free(init);
    hdnet_rng_free(noise);
    hdnet_config_free(cfg);
    return EXIT_SUCCESS;
}
