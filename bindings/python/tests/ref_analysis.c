/* Reference results of the analysis API in C, for the Python binding's tests.
 *   ref_analysis NETSEED TASKSEED TRIALS CHUNK [name=value ...]
 * Runs the tuning analysis of Net(cfg, rng NETSEED) on TRIALS trials of Task(cfg, TASKSEED)
 * and writes raw doubles to stdout: curve [N][H], av_curve [N][V], pref_curve [N][W],
 * the HDNET_US_COUNT unit statistics [HDNET_US_COUNT][N], sigma_av, then the adaptive
 * classes [N] as doubles. */
#include <hdnet/hdnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, int rc)
{
    fprintf(stderr, "ref_analysis: %s: %s (%s)\n", what, hdnet_strerror(rc), hdnet_errmsg());
    exit(EXIT_FAILURE);
}

static void put_array(const hdnet_tuning *t, int id)
{
    size_t len = 0;
    int rc = hdnet_tuning_array_shape(t, id, &len, NULL);
    if (rc)
        die("shape", rc);
    double *a = malloc(len * sizeof *a);
    if (!a)
        die("malloc", HDNET_ENOMEM);
    if ((rc = hdnet_tuning_copy(t, id, a, len)))
        die("copy", rc);
    if (fwrite(a, sizeof *a, len, stdout) != len)
        die("write", HDNET_EIO);
    free(a);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: ref_analysis NETSEED TASKSEED TRIALS CHUNK [name=value...]\n");
        return EXIT_FAILURE;
    }
    hdnet_config *cfg = NULL;
    int rc = hdnet_config_create(&cfg);
    if (rc)
        die("config", rc);
    for (int i = 5; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            die("argument is not name=value", HDNET_EINVAL);
        *eq = '\0';
        if ((rc = hdnet_config_set(cfg, argv[i], eq + 1)))
            die(argv[i], rc);
    }
    hdnet_rng *rng = NULL;
    hdnet_net *net = NULL;
    hdnet_task *task = NULL;
    hdnet_tuning *t = NULL;
    if ((rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, strtoull(argv[1], NULL, 10))))
        die("rng", rc);
    if ((rc = hdnet_net_create(&net, cfg, rng)))
        die("net", rc);
    if ((rc = hdnet_task_create(&task, cfg, strtoull(argv[2], NULL, 10))))
        die("task", rc);
    size_t n = strtoul(argv[3], NULL, 10), chunk = strtoul(argv[4], NULL, 10), T = hdnet_task_steps(task);
    size_t N = 0;
    int64_t cue = 0;
    if ((rc = hdnet_net_dims(net, &N, NULL, NULL)) || (rc = hdnet_config_get_int(cfg, HDNET_P_CUE, &cue)))
        die("dims", rc);
    float *x = malloc(n * T * 3 * sizeof *x);
    double *th = malloc(n * T * sizeof *th), *av = malloc(n * T * sizeof *av);
    double *stat = malloc(N * sizeof *stat);
    int *cls = malloc(N * sizeof *cls);
    if (!x || !th || !av || !stat || !cls)
        die("malloc", HDNET_ENOMEM);
    if ((rc = hdnet_task_generate(task, n, x, n * T * 3, NULL, 0, NULL, 0, th, n * T, av, n * T)))
        die("generate", rc);
    if ((rc = hdnet_tuning_create(&t, N, NULL)))
        die("tuning", rc);
    if ((rc = hdnet_tuning_collect(t, net, n, T, (size_t)cue, x, n * T * 3, th, n * T, av, n * T, chunk)))
        die("collect", rc);
    put_array(t, HDNET_TU_CURVE);
    put_array(t, HDNET_TU_AV_CURVE);
    put_array(t, HDNET_TU_PREF_CURVE);
    for (int s = 0; s < HDNET_US_COUNT; s++) {
        if ((rc = hdnet_tuning_unit_stat(t, s, stat, N)))
            die("unit stat", rc);
        fwrite(stat, sizeof *stat, N, stdout);
    }
    double sigma = 0;
    if ((rc = hdnet_tuning_scalar(t, HDNET_TS_SIGMA_AV, &sigma)))
        die("scalar", rc);
    fwrite(&sigma, sizeof sigma, 1, stdout);
    if ((rc = hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 0, cls, N, NULL, 0, NULL, 0)))
        die("classify", rc);
    for (size_t i = 0; i < N; i++) {
        double c = cls[i];
        fwrite(&c, sizeof c, 1, stdout);
    }
    free(x), free(th), free(av), free(stat), free(cls);
    hdnet_tuning_free(t);
    hdnet_task_free(task);
    hdnet_net_free(net);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return 0;
}
