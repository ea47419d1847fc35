/* Reference results of the training API in C, for the Python binding's tests.
 *   ref_train evaluate NETSEED TASKSEED TRIALS [name=value ...]   prints the NE (%.17g)
 *   ref_train train [name=value ...]     trains Net(cfg, stream init of seed) with the
 *                                        config's recipe; writes the final and best flat
 *                                        parameters (raw floats) to stdout */
#include <hdnet/hdnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, int rc)
{
    fprintf(stderr, "ref_train: %s: %s (%s)\n", what, hdnet_strerror(rc), hdnet_errmsg());
    exit(EXIT_FAILURE);
}

static hdnet_config *config_from_args(int argc, char **argv)
{
    hdnet_config *cfg = NULL;
    int rc = hdnet_config_create(&cfg);
    if (rc)
        die("config", rc);
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            die("argument is not name=value", HDNET_EINVAL);
        *eq = '\0';
        if ((rc = hdnet_config_set(cfg, argv[i], eq + 1)))
            die(argv[i], rc);
    }
    return cfg;
}

int main(int argc, char **argv)
{
    int rc;
    if (argc >= 5 && strcmp(argv[1], "evaluate") == 0) {
        hdnet_config *cfg = config_from_args(argc - 5, argv + 5);
        hdnet_rng *rng = NULL;
        hdnet_net *net = NULL;
        double ne = 0;
        if ((rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, strtoull(argv[2], NULL, 10))))
            die("rng", rc);
        if ((rc = hdnet_net_create(&net, cfg, rng)))
            die("net", rc);
        if ((rc = hdnet_net_evaluate(net, cfg, strtoul(argv[4], NULL, 10), strtoull(argv[3], NULL, 10), &ne)))
            die("evaluate", rc);
        printf("%.17g\n", ne);
        hdnet_net_free(net);
        hdnet_rng_free(rng);
        hdnet_config_free(cfg);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "train") == 0) {
        hdnet_config *cfg = config_from_args(argc - 2, argv + 2);
        hdnet_rng *rng = NULL;
        hdnet_net *net = NULL, *best = NULL;
        hdnet_trainer *tr = NULL;
        int64_t seed = 0;
        if ((rc = hdnet_config_get_int(cfg, HDNET_P_SEED, &seed)))
            die("seed", rc);
        if ((rc = hdnet_stream_create(&rng, (uint64_t)seed, HDNET_STREAM_INIT)))
            die("stream", rc);
        if ((rc = hdnet_net_create(&net, cfg, rng)))
            die("net", rc);
        if ((rc = hdnet_trainer_create(&tr, cfg, net)))
            die("trainer", rc);
        if ((rc = hdnet_trainer_run(tr)))
            die("run", rc);
        if ((rc = hdnet_trainer_clone_best(tr, &best)))
            die("best", rc);
        size_t n = hdnet_net_num_params(net);
        float *p = malloc(2 * n * sizeof *p);
        if (!p)
            die("malloc", HDNET_ENOMEM);
        if ((rc = hdnet_net_copy_params(net, p, n)) || (rc = hdnet_net_copy_params(best, p + n, n)))
            die("copy", rc);
        if (fwrite(p, sizeof *p, 2 * n, stdout) != 2 * n)
            die("write", HDNET_EIO);
        free(p);
        hdnet_net_free(best);
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
        hdnet_rng_free(rng);
        hdnet_config_free(cfg);
        return 0;
    }
    fprintf(stderr, "usage: ref_train evaluate NETSEED TASKSEED TRIALS [name=value...] | train [name=value...]\n");
    return EXIT_FAILURE;
}
