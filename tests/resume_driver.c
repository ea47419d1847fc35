/* Training program for tests/kill_resume.sh (make check-resume): a small run
 * that saves its complete state (hdnet_trainer_save_state) into DIR/state.npz
 * every EVERY passes and, with --resume, continues from that file if present.
 * At the end it writes DIR/final.npz (the trained network) and DIR/best.npz.
 *   resume_driver DIR THREADS [--resume]
 * Prints "start <pass>" (the pass it starts from) and "done". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hdnet/hdnet.h"

#define EVERY 5

typedef struct {
    hdnet_trainer *tr;
    const char *state;
} ctx;

static int on_pass(const hdnet_progress *p, void *user)
{
    ctx *c = user;
    if (hdnet_progress_update(p) % EVERY == 0 &&
        hdnet_progress_update(p) < hdnet_progress_total(p)) {
        int rc = hdnet_trainer_save_state(c->tr, c->state);
        if (rc) {
            fprintf(stderr, "save_state: %s (%s)\n", hdnet_strerror(rc), hdnet_errmsg());
            return 1;
        }
    }
    return 0;
}

static int die(const char *what, int rc)
{
    fprintf(stderr, "%s: %s (%s)\n", what, hdnet_strerror(rc), hdnet_errmsg());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *dir = argv[1];
    int threads = atoi(argv[2]);
    int resume = argc > 3 && strcmp(argv[3], "--resume") == 0;
    char state[1024], final[1024], best[1024];
    snprintf(state, sizeof state, "%s/state.npz", dir);
    snprintf(final, sizeof final, "%s/final.npz", dir);
    snprintf(best, sizeof best, "%s/best.npz", dir);
    hdnet_config *cfg;
    int rc = hdnet_config_create(&cfg);
    const char *text = "units=48\nsteps=60\ncue=5\ntrials=16\nselection_trials=32\n"
                       "updates=200\neval_every=10\nseed=77\nrate_l2=1e6\n";
    if (!rc)
        rc = hdnet_config_from_string(cfg, text, strlen(text));
    if (!rc)
        rc = hdnet_config_set_int(cfg, HDNET_P_THREADS, threads);
    if (rc)
        return die("config", rc);
    hdnet_rng *r;
    hdnet_net *net;
    hdnet_trainer *tr;
    if ((rc = hdnet_stream_create(&r, 77, HDNET_STREAM_INIT)) || (rc = hdnet_net_create(&net, cfg, r)))
        return die("net", rc);
    hdnet_rng_free(r);
    if ((rc = hdnet_trainer_create(&tr, cfg, net)))
        return die("trainer", rc);
    long start = 0;
    if (resume && access(state, F_OK) == 0) {
        if ((rc = hdnet_trainer_load_state(tr, state)))
            return die("load_state", rc);
        hdnet_npz *z;
        int64_t c[6];
        if ((rc = hdnet_npz_load(&z, state)) || (rc = hdnet_npz_read(z, "train_counters", HDNET_DTYPE_I64, c, 6)))
            return die("counters", rc);
        hdnet_npz_free(z);
        start = (long)c[0];
    }
    printf("start %ld\n", start);
    fflush(stdout);
    ctx c = {tr, state};
    if ((rc = hdnet_trainer_set_progress(tr, on_pass, &c, 1)) || (rc = hdnet_trainer_run(tr)))
        return die("run", rc);
    hdnet_net *b;
    if ((rc = hdnet_net_save(net, final)) || (rc = hdnet_trainer_clone_best(tr, &b)) ||
        (rc = hdnet_net_save(b, best)))
        return die("save", rc);
    hdnet_net_free(b);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
    printf("done\n");
    return 0;
}
