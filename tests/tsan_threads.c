/* ThreadSanitizer program (make check-tsan, mk/tsan.mk): the library's
 * thread-safety promise under a race detector.
 *   - NTH threads, each with its own config, rng, task, network and trainer:
 *     generate, forward, loss_grad, a short training run, save/load through
 *     memory, errors (thread-local messages);
 *   - at the same time, const calls on one shared network: forward,
 *     loss (no gradient), evaluate, copy_params, save_mem, get_config, clone;
 *   - one network with HDNET_P_THREADS = 2 (the engine's own worker threads).
 * Results of the shared network are compared with a serial run made first.
 * Exits 0 when every call succeeded and every comparison held; TSan reports
 * make it exit non-zero (TSAN_OPTIONS=halt_on_error=1). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdnet/hdnet.h"

#define NTH 4
#define B 3
#define T 20

static const hdnet_net *shared;
static const hdnet_config *shared_cfg;
static float sx[B * T * 3], sy[B * T * 2], sm[B * T * 2], sref[B * T * 2];
static double sref_ne;

static int fail(int id, const char *what, int rc)
{
    fprintf(stderr, "thread %d: %s -> %s (%s)\n", id, what, hdnet_strerror(rc), hdnet_errmsg());
    return 1;
}

#define TRY(call)                               \
    do {                                        \
        int rc_ = (call);                       \
        if (rc_ != HDNET_OK)                    \
            return fail(id, #call, rc_);        \
    } while (0)

static hdnet_config *tiny_cfg(int threads)
{
    hdnet_config *c;
    if (hdnet_config_create(&c))
        return NULL;
    if (hdnet_config_set_int(c, HDNET_P_UNITS, 12) || hdnet_config_set_int(c, HDNET_P_STEPS, T) ||
        hdnet_config_set_int(c, HDNET_P_CUE, 3) || hdnet_config_set_int(c, HDNET_P_TRIALS, 4) ||
        hdnet_config_set_int(c, HDNET_P_SELECTION_TRIALS, 8) ||
        hdnet_config_set_int(c, HDNET_P_UPDATES, 6) ||
        hdnet_config_set_int(c, HDNET_P_THREADS, threads)) {
        hdnet_config_free(c);
        return NULL;
    }
    return c;
}

/* Own handles: everything mutable belongs to this thread. */
static int own_work(int id, int threads)
{
    hdnet_config *cfg = tiny_cfg(threads);
    hdnet_rng *rng = NULL;
    hdnet_task *task = NULL;
    hdnet_net *net = NULL, *back = NULL;
    hdnet_trainer *tr = NULL;
    if (!cfg)
        return fail(id, "config", HDNET_ENOMEM);
    TRY(hdnet_stream_create(&rng, 10 + (uint64_t)id, HDNET_STREAM_INIT));
    TRY(hdnet_task_create(&task, cfg, 20 + (uint64_t)id));
    TRY(hdnet_net_create(&net, cfg, rng));
    float x[B * T * 3], y[B * T * 2], m[B * T * 2], out[B * T * 2];
    size_t P = hdnet_net_num_params(net);
    float *g = malloc(P * sizeof *g);
    double loss[HDNET_NLOSS];
    for (int rep = 0; rep < 3; rep++) {
        TRY(hdnet_task_generate(task, B, x, B * T * 3, y, B * T * 2, m, B * T * 2, NULL, 0, NULL, 0));
        TRY(hdnet_net_forward(net, B, T, x, B * T * 3, NULL, 0, rng, NULL, 0, out, B * T * 2, NULL, 0));
        TRY(hdnet_net_loss_grad(net, B, T, x, B * T * 3, y, B * T * 2, m, B * T * 2, NULL, 0, rng,
                                0.01, loss, HDNET_NLOSS, g, P));
        if (hdnet_config_set_double(cfg, HDNET_P_TAU, -1) != HDNET_ERANGE ||
            !strstr(hdnet_errmsg(), "tau"))
            return fail(id, "thread-local error message", HDNET_ERANGE);
    }
    free(g);
    TRY(hdnet_trainer_create(&tr, cfg, net));
    TRY(hdnet_trainer_run(tr));
    double ne;
    TRY(hdnet_trainer_best(tr, &ne, NULL));
    size_t len;
    TRY(hdnet_net_save_mem(net, NULL, 0, &len));
    void *buf = malloc(len);
    TRY(hdnet_net_save_mem(net, buf, len, &len));
    TRY(hdnet_net_load_mem(&back, buf, len));
    free(buf);
    hdnet_net_free(back);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_task_free(task);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return 0;
}

/* Const calls on the shared network, compared with the serial results. */
static int shared_work(int id)
{
    float out[B * T * 2];
    double loss[HDNET_NLOSS], ne;
    for (int rep = 0; rep < 3; rep++) {
        TRY(hdnet_net_forward(shared, B, T, sx, B * T * 3, NULL, 0, NULL, NULL, 0, out, B * T * 2,
                              NULL, 0));
        if (memcmp(out, sref, sizeof out) != 0)
            return fail(id, "shared forward differs from the serial run", HDNET_EINVAL);
        TRY(hdnet_net_loss_grad(shared, B, T, sx, B * T * 3, sy, B * T * 2, sm, B * T * 2, NULL, 0,
                                NULL, 0.01, loss, HDNET_NLOSS, NULL, 0));
        TRY(hdnet_net_evaluate(shared, shared_cfg, 8, 99, &ne));
        if (ne != sref_ne)
            return fail(id, "shared evaluate differs from the serial run", HDNET_EINVAL);
        size_t P = hdnet_net_num_params(shared), len;
        float *p = malloc(P * sizeof *p);
        TRY(hdnet_net_copy_params(shared, p, P));
        free(p);
        TRY(hdnet_net_save_mem(shared, NULL, 0, &len));
        hdnet_config *c;
        TRY(hdnet_net_get_config(shared, &c));
        char text[8192];
        TRY(hdnet_config_to_string(c, text, sizeof text, &len));
        hdnet_config_free(c);
        hdnet_net *cl;
        TRY(hdnet_net_clone(shared, &cl));
        hdnet_net_free(cl);
    }
    return 0;
}

typedef struct {
    int id, rc;
} job;

static void *run(void *arg)
{
    job *j = arg;
    j->rc = (j->id % 2) ? shared_work(j->id) : own_work(j->id, j->id == 0 ? 2 : 1);
    if (!j->rc && j->id % 2)
        j->rc = own_work(j->id, 1);
    return NULL;
}

int main(void)
{
    int id = -1;
    hdnet_config *cfg = tiny_cfg(1);
    hdnet_rng *rng;
    hdnet_task *task;
    hdnet_net *net;
    if (!cfg)
        return 1;
    TRY(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 5));
    TRY(hdnet_net_create(&net, cfg, rng));
    TRY(hdnet_task_create(&task, cfg, 6));
    TRY(hdnet_task_generate(task, B, sx, B * T * 3, sy, B * T * 2, sm, B * T * 2, NULL, 0, NULL, 0));
    TRY(hdnet_net_forward(net, B, T, sx, B * T * 3, NULL, 0, NULL, NULL, 0, sref, B * T * 2, NULL, 0));
    TRY(hdnet_net_evaluate(net, cfg, 8, 99, &sref_ne));
    shared = net;
    shared_cfg = cfg;
    pthread_t th[NTH];
    job jobs[NTH];
    for (int i = 0; i < NTH; i++) {
        jobs[i] = (job){i, -1};
        if (pthread_create(&th[i], NULL, run, &jobs[i]) != 0)
            return 1;
    }
    int bad = 0;
    for (int i = 0; i < NTH; i++) {
        pthread_join(th[i], NULL);
        bad |= jobs[i].rc != 0;
    }
    hdnet_task_free(task);
    hdnet_net_free(net);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    printf("tsan_threads: %d threads (own handles, shared const net, engine threads): %s\n", NTH,
           bad ? "FAILED" : "ok");
    return bad;
}
