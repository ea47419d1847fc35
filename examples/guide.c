/* The tutorial program of docs/guide.md: configure, generate trials, build a network,
 * train it, evaluate it, save it and classify its units, checking every status.
 *
 *   examples/guide [--full] [OUTDIR]
 *
 * By default a small, quick run (about a minute); --full keeps the paper's settings
 * (100 units, 500-step trials, 5000 updates: hours on a laptop). Writes
 * OUTDIR/model.npz (default: the current directory). */
#include <hdnet/hdnet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Step 1 of the guide: one error path for every call. */
#define CHECK(call)                                                                   \
    do {                                                                              \
        int rc_ = (call);                                                             \
        if (rc_ != HDNET_OK) {                                                        \
            fprintf(stderr, "guide: %s: %s (%s)\n", #call, hdnet_strerror(rc_),       \
                    hdnet_errmsg());                                                  \
            goto done;                                                                \
        }                                                                             \
    } while (0)

/* Step 5: the progress callback prints the loss and the best selection error
 * every 100 updates. Returning non-zero would stop training. */
static int on_progress(const hdnet_progress *p, void *user)
{
    (void)user;
    size_t update = hdnet_progress_update(p), total = hdnet_progress_total(p);
    if (update % 100 == 0 || update == total)
        printf("update %5zu/%zu  loss %.5f  best selection NE so far %.4f\n", update, total,
               hdnet_progress_loss(p, HDNET_LOSS_TOTAL), hdnet_progress_best_ne(p));
    return 0;
}

int main(int argc, char **argv)
{
    int status = EXIT_FAILURE, full = 0;
    const char *outdir = ".";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--full") == 0)
            full = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: guide [--full] [OUTDIR]\n");
            return EXIT_FAILURE;
        } else
            outdir = argv[i];
    }

    hdnet_config *cfg = NULL, *test_cfg = NULL;
    hdnet_rng *init = NULL;
    hdnet_task *task = NULL;
    hdnet_net *net = NULL, *best = NULL;
    hdnet_trainer *trainer = NULL;
    hdnet_tuning *tuning = NULL;
    float *x = NULL, *y = NULL, *mask = NULL;
    int *cls = NULL;
    double *heading = NULL, *av = NULL;
    char path[4096];

    /* Step 2: a configuration. It starts at the paper's defaults; settings are
     * changed by name, exactly as `--set name=value` does on the command line. */
    CHECK(hdnet_config_create(&cfg));
    if (!full) {
        static const char quick[] = "steps=100          # 100-step trials instead of 500\n"
                                    "trials=64          # trials per update instead of 100\n"
                                    "updates=1000       # instead of 5000\n"
                                    "lr=0.01            # a faster learning rate for a short run\n"
                                    "selection_trials=200\n";
        CHECK(hdnet_config_from_string(cfg, quick, sizeof quick - 1));
    }
    int64_t units = 0, steps = 0, seed = 0, cue = 0;
    CHECK(hdnet_config_get_int(cfg, HDNET_P_UNITS, &units));
    CHECK(hdnet_config_get_int(cfg, HDNET_P_STEPS, &steps));
    CHECK(hdnet_config_get_int(cfg, HDNET_P_SEED, &seed));
    CHECK(hdnet_config_get_int(cfg, HDNET_P_CUE, &cue));

    /* Step 3: trials of the task. inputs [trial][time][3] = (angular velocity,
     * sin and cos of the initial heading during the cue); targets and mask
     * [trial][time][2]; heading and av [trial][time] in radians. */
    uint64_t test_seed = 0;
    CHECK(hdnet_stream_seed((uint64_t)seed, HDNET_STREAM_TEST, &test_seed));
    CHECK(hdnet_task_create(&task, cfg, test_seed));
    const size_t n = 200, T = hdnet_task_steps(task);
    x = malloc(n * T * 3 * sizeof *x);
    y = malloc(n * T * 2 * sizeof *y);
    mask = malloc(n * T * 2 * sizeof *mask);
    heading = malloc(n * T * sizeof *heading);
    av = malloc(n * T * sizeof *av);
    if (!x || !y || !mask || !heading || !av) {
        fprintf(stderr, "guide: out of memory\n");
        goto done;
    }
    CHECK(hdnet_task_generate(task, n, x, n * T * 3, y, n * T * 2, mask, n * T * 2, heading, n * T,
                              av, n * T));
    printf("trial 0 starts at heading %.1f deg; the cue lasts %d steps\n",
           heading[0] * 180 / 3.14159265358979, (int)cue);

    /* Step 4: a network, initialised from the "init" stream of the master seed
     * (the trainer derives its batch, noise and selection streams the same way). */
    CHECK(hdnet_stream_create(&init, (uint64_t)seed, HDNET_STREAM_INIT));
    CHECK(hdnet_net_create(&net, cfg, init));

    /* Step 5: train in place with the config's recipe. */
    CHECK(hdnet_trainer_create(&trainer, cfg, net));
    CHECK(hdnet_trainer_set_progress(trainer, on_progress, NULL, 100));
    CHECK(hdnet_trainer_run(trainer));

    /* Step 6: the best network under model selection, tested on fresh trials
     * twice as long as the training trials (the MATLAB reference's test). */
    double sel_ne = 0, test_ne = 0;
    size_t best_update = 0;
    CHECK(hdnet_trainer_best(trainer, &sel_ne, &best_update));
    CHECK(hdnet_trainer_clone_best(trainer, &best));
    CHECK(hdnet_config_clone(cfg, &test_cfg));
    CHECK(hdnet_config_set_int(test_cfg, HDNET_P_STEPS, 2 * steps));
    CHECK(hdnet_net_evaluate(best, test_cfg, 500, test_seed, &test_ne));
    printf("best network: update %zu, selection NE %.4f, NE on %d-step trials %.4f (%.2f %%)\n",
           best_update, sel_ne, (int)(2 * steps), test_ne, 100 * test_ne);

    /* Step 7: save it. model.npz is a NumPy archive: np.load() reads it. */
    snprintf(path, sizeof path, "%s/model.npz", outdir);
    CHECK(hdnet_net_save(best, path));
    printf("saved %s\n", path);

    /* Step 8: tuning analysis on the test trials, then compass/shifter classes. */
    CHECK(hdnet_tuning_create(&tuning, (size_t)units, NULL));
    CHECK(hdnet_tuning_collect(tuning, best, n, T, (size_t)cue, x, n * T * 3, heading, n * T, av, n * T, 50));
    size_t count[HDNET_NCLASSES] = {0};
    if (!(cls = malloc((size_t)units * sizeof *cls))) {
        fprintf(stderr, "guide: out of memory\n");
        goto done;
    }
    CHECK(hdnet_tuning_classify(tuning, HDNET_RULE_ADAPTIVE, 0, cls, (size_t)units, NULL, 0, NULL, 0));
    for (int64_t i = 0; i < units; i++)
        count[cls[i]]++;
    for (int c = 0; c < HDNET_NCLASSES; c++)
        printf("%-12s %zu\n", hdnet_class_name(c), count[c]);
    status = EXIT_SUCCESS;

done:
    hdnet_tuning_free(tuning);
    hdnet_trainer_free(trainer);
    hdnet_net_free(best);
    hdnet_net_free(net);
    hdnet_rng_free(init);
    hdnet_task_free(task);
    hdnet_config_free(test_cfg);
    hdnet_config_free(cfg);
    free(x), free(y), free(mask), free(heading), free(av), free(cls);
    return status;
}
