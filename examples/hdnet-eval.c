/* hdnet-eval: normalized error of a saved network on noise-free test trials.
 *
 *   hdnet-eval MODEL.npz [--trials N] [--steps T] [--seed S] [--threads K] [--set name=value]...
 *
 * The task settings come from the model's own config (speed, cue, ...); the
 * trials come from the test stream of master seed S (hdnet_stream_seed(S,
 * HDNET_STREAM_TEST)), the stream hdnet-train reports on, so with the same seed
 * `hdnet-eval DIR/model.npz` reproduces its `normalized_error`. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

const char cli_prog[] = "hdnet-eval";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hdnet-eval MODEL.npz [options]\n"
            "Normalized error of a trained network on noise-free test trials.\n"
            "  -n, --trials N        test trials (default 1000)\n"
            "  -t, --steps T         steps per trial (default 500)\n"
            "  -s, --seed S          master seed; trials come from its test stream (default 1)\n"
            "  -j, --threads K       worker threads (default: every online core)\n"
            "      --set NAME=VALUE  change a task parameter of the model's config (repeatable;\n"
            "                        the model file fixes every other parameter)\n"
            "  -h, --help            this text\n"
            "      --version         program and library version\n"
            "Prints 'normalized_error <v>' (NE; 100*NE is the %% normalized error).\n");
}

int main(int argc, char **argv)
{
    uint64_t trials = 1000, steps = 500, seed = 1, threads = (uint64_t)cli_default_threads();
    const char **sets = cli_malloc(((size_t)argc + 1) * sizeof *sets);
    size_t nsets = 0;
    static const struct option opts[] = {
        {"trials", required_argument, NULL, 'n'}, {"steps", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},   {"threads", required_argument, NULL, 'j'},
        {"set", required_argument, NULL, 'e'},    {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
    int c;
    while ((c = cli_getopt(argc, argv, "n:t:s:j:h", opts, usage)) != -1) {
        switch (c) {
        case 'n': trials = cli_uint("--trials", optarg, 1, 10000000); break;
        case 't': steps = cli_uint("--steps", optarg, 1, 10000000); break;
        case 's': seed = cli_uint("--seed", optarg, 0, (uint64_t)1 << 53); break;
        case 'j': threads = cli_uint("--threads", optarg, 1, 256); break;
        case 'e': sets[nsets++] = optarg; break;
        default: cli_bad_option(argv);
        }
    }
    if (optind >= argc)
        cli_die("a model file is required (try --help)");
    if (optind + 1 < argc)
        cli_die("unexpected argument: %s (try --help)", argv[optind + 1]);
    const char *path = argv[optind];

    hdnet_net *net = cli_load_net(path);
    hdnet_config *cfg;
    cli_check("config", hdnet_net_get_config(net, &cfg));
    cli_check("--steps", hdnet_config_set_int(cfg, HDNET_P_STEPS, (int64_t)steps));
    cli_check("--threads", hdnet_config_set_int(cfg, HDNET_P_THREADS, (int64_t)threads));
    for (size_t i = 0; i < nsets; i++)
        cli_set(NULL, cfg, CLI_SET_TASK, sets[i]);
    free(sets);
    int64_t task_rng;
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_TASK_RNG, &task_rng));
    uint64_t test_seed;
    cli_check("seed", hdnet_stream_seed(seed, HDNET_STREAM_TEST, &test_seed));
    if (task_rng == HDNET_RNG_NUMPY)
        test_seed &= 0xffffffffu;
    size_t N, I, O;
    cli_check("network", hdnet_net_dims(net, &N, &I, &O));
    /* the trials' inputs, targets, mask and outputs (floats), and per worker a chunk of states */
    cli_check_memory(4.0 * (double)trials * (double)steps * (double)(I + 3 * O) +
                         4.0 * 32.0 * (double)threads * (double)steps * (double)N,
                     "--trials or --steps");
    double ne;
    cli_check("evaluate", hdnet_net_evaluate(net, cfg, (size_t)trials, test_seed, &ne));
    printf("normalized_error %.6f\n", ne);
    hdnet_config_free(cfg);
    hdnet_net_free(net);
    return EXIT_SUCCESS;
}
