/* Reference results computed by the C API alone, for the Python binding's tests.
 *   ref_program task SEED TRIALS [name=value ...]     raw inputs, targets, mask, heading, av
 *   ref_program forward NETSEED TASKSEED TRIALS [name=value ...]
 *                                                     raw inputs, outputs, rates (noise-free)
 * Arrays go to stdout as raw native floats/doubles, in that order. */
#include <hdnet/hdnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, int rc)
{
    fprintf(stderr, "ref_program: %s: %s (%s)\n", what, hdnet_strerror(rc), hdnet_errmsg());
    exit(EXIT_FAILURE);
}

static void put(const void *p, size_t size, size_t n)
{
    if (fwrite(p, size, n, stdout) != n)
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
    if (argc >= 4 && strcmp(argv[1], "task") == 0) {
        uint64_t seed = strtoull(argv[2], NULL, 10);
        size_t n = strtoul(argv[3], NULL, 10);
        hdnet_config *cfg = config_from_args(argc - 4, argv + 4);
        hdnet_task *task = NULL;
        int rc = hdnet_task_create(&task, cfg, seed);
        if (rc)
            die("task", rc);
        size_t T = hdnet_task_steps(task);
        float *x = malloc(n * T * 3 * sizeof *x), *y = malloc(n * T * 2 * sizeof *y),
              *m = malloc(n * T * 2 * sizeof *m);
        double *th = malloc(n * T * sizeof *th), *av = malloc(n * T * sizeof *av);
        if (!x || !y || !m || !th || !av)
            die("malloc", HDNET_ENOMEM);
        if ((rc = hdnet_task_generate(task, n, x, n * T * 3, y, n * T * 2, m, n * T * 2, th, n * T,
                                      av, n * T)))
            die("generate", rc);
        put(x, sizeof *x, n * T * 3);
        put(y, sizeof *y, n * T * 2);
        put(m, sizeof *m, n * T * 2);
        put(th, sizeof *th, n * T);
        put(av, sizeof *av, n * T);
        free(x), free(y), free(m), free(th), free(av);
        hdnet_task_free(task);
        hdnet_config_free(cfg);
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "forward") == 0) {
        uint64_t net_seed = strtoull(argv[2], NULL, 10), task_seed = strtoull(argv[3], NULL, 10);
        size_t n = strtoul(argv[4], NULL, 10);
        hdnet_config *cfg = config_from_args(argc - 5, argv + 5);
        hdnet_rng *rng = NULL;
        hdnet_net *net = NULL;
        hdnet_task *task = NULL;
        int rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, net_seed);
        if (rc)
            die("rng", rc);
        if ((rc = hdnet_net_create(&net, cfg, rng)))
            die("net", rc);
        if ((rc = hdnet_task_create(&task, cfg, task_seed)))
            die("task", rc);
        size_t N, I, O, T = hdnet_task_steps(task);
        if ((rc = hdnet_net_dims(net, &N, &I, &O)))
            die("dims", rc);
        float *x = malloc(n * T * I * sizeof *x), *y = malloc(n * T * O * sizeof *y),
              *h = malloc(n * T * N * sizeof *h);
        if (!x || !y || !h)
            die("malloc", HDNET_ENOMEM);
        if ((rc = hdnet_task_generate(task, n, x, n * T * I, NULL, 0, NULL, 0, NULL, 0, NULL, 0)))
            die("generate", rc);
        if ((rc = hdnet_net_forward(net, n, T, x, n * T * I, NULL, 0, NULL, NULL, 0, y, n * T * O, h,
                                    n * T * N)))
            die("forward", rc);
        put(x, sizeof *x, n * T * I);
        put(y, sizeof *y, n * T * O);
        put(h, sizeof *h, n * T * N);
        free(x), free(y), free(h);
        hdnet_task_free(task);
        hdnet_net_free(net);
        hdnet_rng_free(rng);
        hdnet_config_free(cfg);
        return 0;
    }
    fprintf(stderr, "usage: ref_program task SEED TRIALS [name=value...] | "
                    "forward NETSEED TASKSEED TRIALS [name=value...]\n");
    return EXIT_FAILURE;
}
