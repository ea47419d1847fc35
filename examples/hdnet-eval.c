/* hdnet-eval: normalized error of a saved network on noise-free test trials.
 *
 *   hdnet-eval MODEL.npz [--trials N] [--steps T] [--seed S] [--threads K] [--set name=value]...
 *
 * The task settings come from the model's own config (speed, cue, ...); the
 * trials come from the test stream of master seed S (hdnet_stream_seed(S,
 * HDNET_STREAM_TEST)), the stream hdnet-train reports on, so with the same seed
 * `hdnet-eval DIR/model.npz` reproduces its `normalized_error`. */
#include <hdnet/hdnet.h>
#include "common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "hdnet-eval"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " MODEL.npz [options]\n"
            "Normalized error of a trained network on noise-free test trials.\n"
            "  -n, --trials N        test trials (default 1000)\n"
            "  -t, --steps T         steps per trial (default 500)\n"
            "  -s, --seed S          master seed; trials come from its test stream (default 1)\n"
            "  -j, --threads K       worker threads (default 1)\n"
            "      --set NAME=VALUE  change a task parameter of the model's config (repeatable)\n"
            "  -h, --help            this text\n"
            "Prints 'normalized_error <v>' (NE; 100*NE is the %% normalized error).\n");
}

int main(int argc, char **argv)
{
    uint64_t trials = 1000, steps = 500, seed = 1, threads = 1;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    static const struct option opts[] = {
        {"trials", required_argument, NULL, 'n'}, {"steps", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},   {"threads", required_argument, NULL, 'j'},
        {"set", required_argument, NULL, 'e'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    if (!sets)
        ex_usage_error(PROG, "out of memory", NULL);
    opterr = 0; /* one line of our own on bad options */
    while ((c = getopt_long(argc, argv, "n:t:s:j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (ex_parse_u64(optarg, 10000000, &trials) || trials == 0)
                ex_usage_error(PROG, "--trials needs a positive integer", optarg);
            break;
        case 't':
            if (ex_parse_u64(optarg, 10000000, &steps) || steps == 0)
                ex_usage_error(PROG, "--steps needs a positive integer", optarg);
            break;
        case 's':
            if (ex_parse_u64(optarg, (uint64_t)1 << 53, &seed))
                ex_usage_error(PROG, "--seed needs an integer in [0, 2^53]", optarg);
            break;
        case 'j':
            if (ex_parse_u64(optarg, 256, &threads) || threads == 0)
                ex_usage_error(PROG, "--threads needs an integer in [1, 256]", optarg);
            break;
        case 'e': sets[nsets++] = optarg; break;
        case 'h': usage(stdout); return EXIT_SUCCESS;
        default: ex_usage_error(PROG, "unknown option or missing value", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        ex_usage_error(PROG, "a model file is required", NULL);
    if (optind + 1 < argc)
        ex_usage_error(PROG, "unexpected argument", argv[optind + 1]);
    const char *path = argv[optind];

    hdnet_net *net;
    int rc = hdnet_net_load(&net, path);
    if (rc) {
        fprintf(stderr, PROG ": %s: %s (%s)\n", path, hdnet_strerror(rc), hdnet_errmsg());
        return EXIT_FAILURE;
    }
    hdnet_config *cfg;
    ex_check(PROG, "config", hdnet_net_get_config(net, &cfg));
    ex_check(PROG, "--steps", hdnet_config_set_int(cfg, HDNET_P_STEPS, (int64_t)steps));
    ex_check(PROG, "--threads", hdnet_config_set_int(cfg, HDNET_P_THREADS, (int64_t)threads));
    for (size_t i = 0; i < nsets; i++) {
        rc = ex_set(cfg, sets[i]);
        if (rc) {
            fprintf(stderr, PROG ": --set %s: %s (%s)\n", sets[i], hdnet_strerror(rc), hdnet_errmsg());
            return EXIT_FAILURE;
        }
    }
    int64_t task_rng;
    ex_check(PROG, "config", hdnet_config_get_int(cfg, HDNET_P_TASK_RNG, &task_rng));
    uint64_t test_seed;
    ex_check(PROG, "seed", hdnet_stream_seed(seed, HDNET_STREAM_TEST, &test_seed));
    if (task_rng == HDNET_RNG_NUMPY)
        test_seed &= 0xffffffffu;
    double ne;
    ex_check(PROG, "evaluate", hdnet_net_evaluate(net, cfg, (size_t)trials, test_seed, &ne));
    printf("normalized_error %.6f\n", ne);
    hdnet_config_free(cfg);
    hdnet_net_free(net);
    free(sets);
    return EXIT_SUCCESS;
}
