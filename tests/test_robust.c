/* Robustness: out-of-memory on create (address-space limit in a forked child),
 * sizes whose product overflows, non-finite inputs / losses / gradients, a
 * fault injected into a training run, and concurrent use of separate handles
 * and of one const network from several threads. See docs/reliability.md. */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

/* A limit on the address space cannot be combined with a sanitizer's shadow
 * memory or valgrind's own allocator (both treat a failed mmap as fatal). */
static int rlimit_usable(void)
{
    if (UNDER_SANITIZER)
        return 0;
    const char *pre = getenv("LD_PRELOAD");
    return !(pre && strstr(pre, "vgpreload"));
}

/* ---- out of memory ---- */

/* Run fn in a child whose address space is limited to its current size plus
 * `extra` bytes; the child exits with the status fn returned (negated into
 * 0..255). Returns the status, or 1000 + signal if the child was killed. */
static int in_limited_child(int (*fn)(void *), void *arg, size_t extra)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* current virtual size from /proc/self/statm (pages) */
        FILE *f = fopen("/proc/self/statm", "r");
        unsigned long pages = 0;
        if (!f || fscanf(f, "%lu", &pages) != 1)
            _exit(200);
        fclose(f);
        struct rlimit rl;
        rl.rlim_cur = rl.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + extra;
        if (setrlimit(RLIMIT_AS, &rl) != 0)
            _exit(201);
        _exit(-fn(arg));
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    if (WIFSIGNALED(st))
        return 1000 + WTERMSIG(st);
    ck_assert(WIFEXITED(st));
    ck_assert_int_lt(WEXITSTATUS(st), 200);
    return -WEXITSTATUS(st);
}

/* The largest network the config allows (65536 units: 16 GiB of W_rec). */
static int create_huge_net(void *arg)
{
    int init = *(const int *)arg;
    hdnet_config *cfg;
    hdnet_rng *rng;
    if (hdnet_config_create(&cfg) || hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 1))
        return -150;
    int rc = hdnet_config_set_int(cfg, HDNET_P_UNITS, 65536);
    if (!rc)
        rc = hdnet_config_set_int(cfg, HDNET_P_INIT, init);
    hdnet_net *net = (hdnet_net *)1;
    if (!rc)
        rc = hdnet_net_create(&net, cfg, rng);
    if (rc == HDNET_ENOMEM && (net != NULL || hdnet_errmsg()[0] == '\0'))
        rc = -151; /* out must be NULL and a message set */
    hdnet_net_free(rc == HDNET_OK ? net : NULL);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return rc;
}

START_TEST(oom_net_create)
{
    if (!rlimit_usable())
        return;
    for (int init = 0; init < 2; init++) {
        int rc = in_limited_child(create_huge_net, &init, (size_t)256 << 20);
        ck_assert_msg(rc == HDNET_ENOMEM, "init %d: create under a 256 MiB limit gave %d", init,
                      rc);
    }
}
END_TEST

/* A small network still works under the same limit: the limit is not what fails. */
static int create_small_net(void *arg)
{
    (void)arg;
    hdnet_config *cfg;
    hdnet_rng *rng;
    hdnet_net *net;
    if (hdnet_config_create(&cfg) || hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 1))
        return -150;
    int rc = hdnet_net_create(&net, cfg, rng);
    hdnet_net_free(net);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return rc;
}

START_TEST(oom_control)
{
    if (!rlimit_usable())
        return;
    ck_assert_int_eq(in_limited_child(create_small_net, NULL, (size_t)256 << 20), HDNET_OK);
}
END_TEST

/* A trainer whose batch (trials x steps) cannot be allocated. */
static int create_huge_trainer(void *arg)
{
    (void)arg;
    hdnet_config *cfg;
    hdnet_rng *rng;
    hdnet_net *net;
    if (hdnet_config_create(&cfg) || hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 1))
        return -150;
    int rc = hdnet_config_set_int(cfg, HDNET_P_UNITS, 8);
    if (!rc)
        rc = hdnet_config_set_int(cfg, HDNET_P_TRIALS, 10000000);
    if (!rc)
        rc = hdnet_config_set_int(cfg, HDNET_P_STEPS, 10000000);
    if (!rc)
        rc = hdnet_net_create(&net, cfg, rng);
    if (rc)
        return -152;
    hdnet_trainer *tr = (hdnet_trainer *)1;
    rc = hdnet_trainer_create(&tr, cfg, net);
    if (rc != HDNET_OK && tr != NULL)
        rc = -151;
    if (rc == HDNET_OK)
        hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return rc;
}

START_TEST(oom_trainer_create)
{
    if (!rlimit_usable())
        return;
    int rc = in_limited_child(create_huge_trainer, NULL, (size_t)256 << 20);
    ck_assert_msg(rc == HDNET_ENOMEM || rc == HDNET_ERANGE,
                  "trainer with 1e7 x 1e7 trial-steps under a 256 MiB limit gave %d", rc);
}
END_TEST

/* ---- sizes whose product overflows size_t ---- */

static hdnet_net *small_net(size_t units, int act)
{
    hdnet_config *cfg;
    hdnet_rng *rng;
    hdnet_net *net;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, (int64_t)units));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_ACTIVATION, act));
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 7));
    ck_assert_ok(hdnet_net_create(&net, cfg, rng));
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return net;
}

START_TEST(overflow_sizes)
{
    hdnet_net *net = small_net(4, HDNET_ACT_RETANH);
    float x[12] = {0}, y[8] = {0}, m[8] = {0};
    const size_t huge = SIZE_MAX / 2 + 1;
    /* trials x steps x inputs wraps around to a small number */
    ck_assert_status(hdnet_net_forward(net, huge, 4, x, 12, NULL, 0, NULL, NULL, 0, y, 8, NULL, 0),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_net_forward(net, 4, huge, x, 12, NULL, 0, NULL, NULL, 0, NULL, 0, NULL, 0),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_net_loss_grad(net, huge, 2, x, 12, y, 8, m, 8, NULL, 0, NULL, 0.0, NULL,
                                         0, NULL, 0),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_net_run(net, huge, 4, x, 12, NULL, 0, NULL, y, 8, NULL, 0, NULL, 0),
                     HDNET_ESHAPE);

    hdnet_config *cfg;
    hdnet_task *task;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_task_create(&task, cfg, 1));
    float in[3];
    ck_assert_status(hdnet_task_generate(task, huge, in, 3, NULL, 0, NULL, 0, NULL, 0, NULL, 0),
                     HDNET_ESHAPE);
    hdnet_task_free(task);
    hdnet_config_free(cfg);

    hdnet_npz *z;
    ck_assert_ok(hdnet_npz_create(&z));
    size_t shape[3] = {(size_t)1 << 32, (size_t)1 << 32, 16};
    ck_assert_status(hdnet_npz_add(z, "a", HDNET_DTYPE_F32, x, shape, 3), HDNET_ERANGE);
    ck_assert_uint_eq(hdnet_npz_count(z), 0);
    hdnet_npz_free(z);
    hdnet_net_free(net);
}
END_TEST

/* hdnet_config_get_int on a real value outside int64 saturates (was a cast:
 * undefined behaviour, found by fuzz_config). */
START_TEST(config_get_int_saturates)
{
    hdnet_config *cfg;
    int64_t v;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_AV_MAX, 1e300));
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_AV_MAX, &v));
    ck_assert(v == INT64_MAX);
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_AV_MIN, -1e300));
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_AV_MIN, &v));
    ck_assert(v == INT64_MIN);
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_AV_MAX, 9223372036854775808.0));
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_AV_MAX, &v));
    ck_assert(v == INT64_MAX);
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_AV_MAX, -7.9));
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_AV_MAX, &v));
    ck_assert(v == -7);
    hdnet_config_free(cfg);
}
END_TEST

/* ---- non-finite values ---- */

#define NT 3
#define NS 20

static void task_batch(float *x, float *y, float *m)
{
    hdnet_config *cfg;
    hdnet_task *task;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_STEPS, NS));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CUE, 3));
    ck_assert_ok(hdnet_task_create(&task, cfg, 3));
    ck_assert_ok(hdnet_task_generate(task, NT, x, NT * NS * 3, y, NT * NS * 2, m, NT * NS * 2, NULL,
                                     0, NULL, 0));
    hdnet_task_free(task);
    hdnet_config_free(cfg);
}

/* One bad value at each of several positions, of each non-finite kind: the
 * forward pass and the loss report HDNET_EDIVERGED, never a finite result. */
START_TEST(nonfinite_inputs)
{
    const float bad[3] = {NAN, INFINITY, -INFINITY};
    const int acts[3] = {HDNET_ACT_RETANH, HDNET_ACT_TANH, HDNET_ACT_LINEAR};
    float x[NT * NS * 3], y[NT * NS * 2], m[NT * NS * 2], out[NT * NS * 2];
    float grad[4096];
    double loss[HDNET_NLOSS];
    task_batch(x, y, m);
    size_t injected = 0;
    for (int a = 0; a < 3; a++) {
        hdnet_net *net = small_net(6, acts[a]);
        size_t P = hdnet_net_num_params(net);
        ck_assert_uint_le(P, 4096);
        /* clean batch works */
        ck_assert_ok(hdnet_net_forward(net, NT, NS, x, sizeof x / 4, NULL, 0, NULL, NULL, 0, out,
                                       sizeof out / 4, NULL, 0));
        ck_assert_ok(hdnet_net_loss_grad(net, NT, NS, x, sizeof x / 4, y, sizeof y / 4, m,
                                         sizeof m / 4, NULL, 0, NULL, 0.01, loss, HDNET_NLOSS, grad,
                                         P));
        const size_t pos[3] = {0, NS * 3 + 3 * 5 + 1, sizeof x / 4 - 1};
        for (int b = 0; b < 3; b++)
            for (int k = 0; k < 3; k++) {
                float save = x[pos[k]];
                x[pos[k]] = bad[b];
                ck_assert_status(hdnet_net_forward(net, NT, NS, x, sizeof x / 4, NULL, 0, NULL,
                                                   NULL, 0, out, sizeof out / 4, NULL, 0),
                                 HDNET_EDIVERGED);
                ck_assert_status(hdnet_net_loss_grad(net, NT, NS, x, sizeof x / 4, y, sizeof y / 4,
                                                     m, sizeof m / 4, NULL, 0, NULL, 0.01, loss,
                                                     HDNET_NLOSS, grad, P),
                                 HDNET_EDIVERGED);
                x[pos[k]] = save;
                injected += 2;
            }
        /* a non-finite target or mask value: the loss is not finite */
        for (int b = 0; b < 3; b++) {
            const size_t k = NS * 2 + 10; /* after the cue of trial 1 */
            float sy = y[k], sm = m[k];
            y[k] = bad[b];
            ck_assert_status(hdnet_net_loss_grad(net, NT, NS, x, sizeof x / 4, y, sizeof y / 4, m,
                                                 sizeof m / 4, NULL, 0, NULL, 0.01, loss,
                                                 HDNET_NLOSS, grad, P),
                             HDNET_EDIVERGED);
            y[k] = sy;
            m[k] = bad[b];
            ck_assert_status(hdnet_net_loss_grad(net, NT, NS, x, sizeof x / 4, y, sizeof y / 4, m,
                                                 sizeof m / 4, NULL, 0, NULL, 0.01, loss,
                                                 HDNET_NLOSS, NULL, 0),
                             HDNET_EDIVERGED);
            m[k] = sm;
            injected += 2;
        }
        /* non-finite initial state: diverged */
        float a0[NT * 6];
        for (size_t i = 0; i < NT * 6; i++)
            a0[i] = 0.1f;
        a0[7] = NAN;
        ck_assert_status(hdnet_net_forward(net, NT, NS, x, sizeof x / 4, NULL, 0, NULL, a0,
                                           NT * 6, out, sizeof out / 4, NULL, 0),
                         HDNET_EDIVERGED);
        /* caller-supplied noise and the penalty are checked up front: ERANGE */
        float noise[NT * NS * 6];
        memset(noise, 0, sizeof noise);
        noise[5] = NAN;
        ck_assert_status(hdnet_net_forward(net, NT, NS, x, sizeof x / 4, noise, NT * NS * 6, NULL,
                                           NULL, 0, out, sizeof out / 4, NULL, 0),
                         HDNET_ERANGE);
        ck_assert_status(hdnet_net_loss_grad(net, NT, NS, x, sizeof x / 4, y, sizeof y / 4, m,
                                             sizeof m / 4, noise, NT * NS * 6, NULL, 0.01, loss,
                                             HDNET_NLOSS, grad, P),
                         HDNET_ERANGE);
        ck_assert_status(hdnet_net_loss_grad(net, NT, NS, x, sizeof x / 4, y, sizeof y / 4, m,
                                             sizeof m / 4, NULL, 0, NULL, NAN, loss, HDNET_NLOSS,
                                             grad, P),
                         HDNET_ERANGE);
        /* parameters: set_block / set_params refuse non-finite values, net unchanged */
        float *pv = malloc(P * sizeof *pv), *pv2 = malloc(P * sizeof *pv2);
        ck_assert_ok(hdnet_net_copy_params(net, pv, P));
        pv[P / 2] = INFINITY;
        ck_assert_status(hdnet_net_set_params(net, pv, P), HDNET_ERANGE);
        ck_assert_ok(hdnet_net_copy_params(net, pv2, P));
        ck_assert(isfinite(pv2[P / 2]));
        free(pv);
        free(pv2);
        /* gradient clipping of a non-finite gradient: EDIVERGED, gradient unchanged */
        for (size_t i = 0; i < P; i++)
            grad[i] = 1.0f;
        grad[1] = NAN;
        double nrm, fac;
        ck_assert_status(hdnet_clip_grad_norm(net, grad, P, 1.0, &nrm, &fac), HDNET_EDIVERGED);
        ck_assert(isnan(grad[1]) && grad[0] == 1.0f);
        hdnet_net_free(net);
    }
    ck_assert_uint_eq(injected, 3 * (18 + 6));
}
END_TEST

/* Huge but finite weights overflow the state to Inf inside the run. */
START_TEST(overflow_state)
{
    hdnet_net *net = small_net(6, HDNET_ACT_LINEAR);
    float w[36];
    for (int i = 0; i < 36; i++)
        w[i] = (i % 7 == 0) ? 0.0f : 1e30f;
    ck_assert_ok(hdnet_net_set_block(net, HDNET_W_REC, w, 36));
    float x[NT * NS * 3], y[NT * NS * 2], m[NT * NS * 2], out[NT * NS * 2];
    task_batch(x, y, m);
    ck_assert_status(hdnet_net_forward(net, NT, NS, x, sizeof x / 4, NULL, 0, NULL, NULL, 0, out,
                                       sizeof out / 4, NULL, 0),
                     HDNET_EDIVERGED);
    double loss[HDNET_NLOSS];
    float grad[4096];
    ck_assert_status(hdnet_net_loss_grad(net, NT, NS, x, sizeof x / 4, y, sizeof y / 4, m,
                                         sizeof m / 4, NULL, 0, NULL, 0.01, loss, HDNET_NLOSS, grad,
                                         hdnet_net_num_params(net)),
                     HDNET_EDIVERGED);
    hdnet_net_free(net);
}
END_TEST

/* ---- a fault injected into a training run ---- */

typedef struct {
    hdnet_net *net;
    size_t inject_at;
    size_t best_update_seen;
    double best_ne_seen;
    int injected;
} fault;

static int inject_cb(const hdnet_progress *p, void *user)
{
    fault *f = user;
    size_t u = hdnet_progress_update(p);
    double ne = hdnet_progress_normalized_error(p);
    /* the selection error of pass u (parameters after u updates) was computed
     * before step u; remember the last pass that became the best */
    if (!isnan(ne) && hdnet_progress_best_update(p) == u) {
        f->best_update_seen = u;
        f->best_ne_seen = hdnet_progress_best_ne(p);
    }
    if (u + 1 == f->inject_at && !f->injected) {
        /* Make the next pass overflow: W_rec entries of 1e30 with a linear map. */
        size_t n;
        ck_assert_ok(hdnet_net_dims(f->net, &n, NULL, NULL));
        float *w = malloc(n * n * sizeof *w);
        for (size_t i = 0; i < n * n; i++)
            w[i] = (i % (n + 1) == 0) ? 0.0f : 1e30f;
        ck_assert_ok(hdnet_net_set_block(f->net, HDNET_W_REC, w, n * n));
        free(w);
        f->injected = 1;
    }
    return 0;
}

START_TEST(train_fault_keeps_best)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, 8));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_ACTIVATION, HDNET_ACT_LINEAR));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_STEPS, 20));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CUE, 3));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_TRIALS, 4));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SELECTION_TRIALS, 8));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UPDATES, 40));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_EVAL_EVERY, 1));
    hdnet_rng *r;
    hdnet_net *net;
    ck_assert_ok(hdnet_stream_create(&r, 5, HDNET_STREAM_INIT));
    ck_assert_ok(hdnet_net_create(&net, cfg, r));
    hdnet_rng_free(r);
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    fault f = {net, 12, 0, NAN, 0};
    ck_assert_ok(hdnet_trainer_set_progress(tr, inject_cb, &f, 1));
    ck_assert_status(hdnet_trainer_run(tr), HDNET_EDIVERGED);
    ck_assert(f.injected);
    /* a diverged trainer does not run again */
    ck_assert_status(hdnet_trainer_run(tr), HDNET_ESTATE);
    double ne;
    size_t upd;
    ck_assert_ok(hdnet_trainer_best(tr, &ne, &upd));
    ck_assert(isfinite(ne));
    ck_assert_uint_lt(upd, f.inject_at);
    ck_assert_uint_eq(upd, f.best_update_seen);
    ck_assert(ne == f.best_ne_seen);
    /* the best copy is finite and reproduces its selection error */
    hdnet_net *best;
    ck_assert_ok(hdnet_trainer_clone_best(tr, &best));
    size_t P = hdnet_net_num_params(best);
    float *pv = malloc(P * sizeof *pv);
    ck_assert_ok(hdnet_net_copy_params(best, pv, P));
    for (size_t i = 0; i < P; i++)
        ck_assert(isfinite(pv[i]));
    free(pv);
    /* the diverged network itself no longer evaluates */
    ck_assert_status(hdnet_net_evaluate(net, cfg, 8, 11, &ne), HDNET_EDIVERGED);
    double ne_best;
    ck_assert_ok(hdnet_net_evaluate(best, cfg, 8, 11, &ne_best));
    ck_assert(isfinite(ne_best));
    hdnet_net_free(best);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* ---- resuming a run ---- */

static hdnet_config *resume_cfg(int threads)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, 10));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_STEPS, 20));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CUE, 3));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_TRIALS, 4));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SELECTION_TRIALS, 8));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UPDATES, 30));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_EVAL_EVERY, 4));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_THREADS, threads));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SEED, 9));
    /* a large lambda_h that the rule changes during the run (restored state) */
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_RATE_L2, 1e6));
    return cfg;
}

static hdnet_net *resume_net(const hdnet_config *cfg, uint64_t seed)
{
    hdnet_rng *r;
    hdnet_net *net;
    ck_assert_ok(hdnet_stream_create(&r, seed, HDNET_STREAM_INIT));
    ck_assert_ok(hdnet_net_create(&net, cfg, r));
    hdnet_rng_free(r);
    return net;
}

static int stop_at(const hdnet_progress *p, void *user)
{
    return hdnet_progress_update(p) == *(const size_t *)user;
}

static void run_result(hdnet_trainer *tr, hdnet_net *net, float *params, float *best, double *ne,
                       size_t *upd)
{
    size_t P = hdnet_net_num_params(net);
    ck_assert_ok(hdnet_net_copy_params(net, params, P));
    hdnet_net *b;
    ck_assert_ok(hdnet_trainer_clone_best(tr, &b));
    ck_assert_ok(hdnet_net_copy_params(b, best, P));
    hdnet_net_free(b);
    ck_assert_ok(hdnet_trainer_best(tr, ne, upd));
}

START_TEST(resume_bit_identical)
{
    /* loop 0: 1 thread, 1: 2 threads, 2: 1 thread with a curriculum (second task) */
    const int threads = _i == 1 ? 2 : 1;
    char path[64];
    snprintf(path, sizeof path, "robust_state_%d_%d.npz", (int)getpid(), _i);
    hdnet_config *cfg = resume_cfg(threads);
    if (_i == 2) {
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CURRICULUM_STEPS, 10));
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CURRICULUM_UPDATES, 15));
    }
    /* uninterrupted */
    hdnet_net *net = resume_net(cfg, 9);
    size_t P = hdnet_net_num_params(net);
    float *pa = malloc(P * 4), *ba = malloc(P * 4), *pb = malloc(P * 4), *bb = malloc(P * 4);
    double nea, neb;
    size_t ua, ub;
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    ck_assert_ok(hdnet_trainer_run(tr));
    run_result(tr, net, pa, ba, &nea, &ub);
    ua = ub;
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    /* interrupted at several passes (each saved, everything freed, restored into new objects) */
    const size_t stops[3] = {0, 13, 29};
    for (int k = 0; k < 3; k++) {
        net = resume_net(cfg, 9);
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        size_t at = stops[k];
        ck_assert_ok(hdnet_trainer_set_progress(tr, stop_at, &at, 1));
        ck_assert_status(hdnet_trainer_run(tr), HDNET_ECANCELED);
        ck_assert_ok(hdnet_trainer_save_state(tr, path));
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
        /* the state file is also a model file */
        ck_assert_ok(hdnet_net_load(&net, path));
        hdnet_net_free(net);
        /* a network initialised differently: everything comes from the file */
        net = resume_net(cfg, 1234);
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        ck_assert_uint_eq(hdnet_trainer_next_pass(tr), 0);
        ck_assert_ok(hdnet_trainer_load_state(tr, path));
        ck_assert_uint_eq(hdnet_trainer_next_pass(tr), at + 1); /* pass `at` was completed */
        ck_assert_ok(hdnet_trainer_run(tr));
        ck_assert_uint_eq(hdnet_trainer_next_pass(tr), 31); /* passes 0 ... 30 */
        run_result(tr, net, pb, bb, &neb, &ub);
        ck_assert_msg(memcmp(pa, pb, P * 4) == 0, "stop %zu: final parameters differ", at);
        ck_assert_msg(memcmp(ba, bb, P * 4) == 0, "stop %zu: best parameters differ", at);
        ck_assert(nea == neb && ua == ub);
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
    }
    free(pa);
    free(ba);
    free(pb);
    free(bb);
    unlink(path);
    hdnet_config_free(cfg);
}
END_TEST

/* Copy the archive `from` to `to` with its train_config text edited: the line starting with
 * `drop` removed (as a version without that parameter wrote it), `add` appended. */
static void edit_state_config(const char *from, const char *to, const char *drop, const char *add)
{
    hdnet_npz *z, *out;
    ck_assert_ok(hdnet_npz_load(&z, from));
    ck_assert_ok(hdnet_npz_create(&out));
    for (size_t i = 0; i < hdnet_npz_count(z); i++) {
        const char *name;
        int dt;
        size_t shape[HDNET_NPY_MAXDIM], nd, n;
        char *b = tu_npz_member(z, i, &name, &dt, shape, &nd, &n);
        if (strcmp(name, "train_config") == 0) {
            b[n] = '\0';
            char *cut = strstr(b, drop), *text = malloc(n + strlen(add) + 1);
            ck_assert_ptr_nonnull(cut);
            ck_assert(cut == b || cut[-1] == '\n');
            size_t head = (size_t)(cut - b);
            memcpy(text, b, head);
            strcpy(text + head, strchr(cut, '\n') + 1);
            strcat(text, add);
            ck_assert_ok(hdnet_npz_add_text(out, name, text));
            free(text);
        } else {
            ck_assert_ok(hdnet_npz_add(out, name, dt, b, shape, nd));
        }
        free(b);
    }
    ck_assert_ok(hdnet_npz_save(out, to));
    hdnet_npz_free(out);
    hdnet_npz_free(z);
}

START_TEST(resume_errors)
{
    char path[64], bad[64];
    snprintf(path, sizeof path, "robust_state_e%d.npz", (int)getpid());
    snprintf(bad, sizeof bad, "robust_state_b%d.npz", (int)getpid());
    hdnet_config *cfg = resume_cfg(1);
    hdnet_net *net = resume_net(cfg, 9);
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    size_t at = 5;
    ck_assert_ok(hdnet_trainer_set_progress(tr, stop_at, &at, 1));
    ck_assert_status(hdnet_trainer_run(tr), HDNET_ECANCELED);
    ck_assert_status(hdnet_trainer_save_state(NULL, path), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_save_state(tr, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_save_state(tr, "no/such/dir/state.npz"), HDNET_EIO);
    ck_assert_ok(hdnet_trainer_save_state(tr, path));
    hdnet_trainer_free(tr);
    hdnet_net_free(net);

    /* a fresh trainer, to check it is unchanged by every failed load */
    net = resume_net(cfg, 9);
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    size_t P = hdnet_net_num_params(net);
    float *p0 = malloc(P * 4), *p1 = malloc(P * 4);
    ck_assert_ok(hdnet_net_copy_params(net, p0, P));
    ck_assert_status(hdnet_trainer_load_state(NULL, path), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_load_state(tr, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_load_state(tr, "no_such_state.npz"), HDNET_EIO);
    /* a plain model file is not a state file */
    ck_assert_ok(hdnet_net_save(net, bad));
    ck_assert_status(hdnet_trainer_load_state(tr, bad), HDNET_EFORMAT);
    /* every single-byte corruption of the file is refused or harmless: flip
     * bytes all over it (CRC-32 catches them) */
    size_t len;
    unsigned char *b = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(b);
    size_t refused = 0;
    for (size_t i = 0; i < len; i += len / 97 + 1) {
        b[i] ^= 0x5a;
        FILE *f = fopen(bad, "wb");
        ck_assert(f && fwrite(b, 1, len, f) == len && fclose(f) == 0);
        int rc = hdnet_trainer_load_state(tr, bad);
        ck_assert_msg(rc == HDNET_EFORMAT || rc == HDNET_ENOTSUP || rc == HDNET_OK,
                      "byte %zu: %d", i, rc);
        if (rc != HDNET_OK) {
            refused++;
            ck_assert_ok(hdnet_net_copy_params(net, p1, P));
            ck_assert(memcmp(p0, p1, P * 4) == 0);
        } else {
            ck_assert_ok(hdnet_net_copy_params(net, p0, P)); /* e.g. a ZIP time field */
        }
        b[i] ^= 0x5a;
    }
    ck_assert_uint_gt(refused, 90);
    free(b);
    /* a run with another config */
    hdnet_config *other = resume_cfg(1);
    ck_assert_ok(hdnet_config_set_double(other, HDNET_P_LR, 5e-4));
    hdnet_trainer *tr2;
    hdnet_net *net2 = resume_net(other, 9);
    ck_assert_ok(hdnet_trainer_create(&tr2, other, net2));
    ck_assert_status(hdnet_trainer_load_state(tr2, path), HDNET_EFORMAT);
    hdnet_trainer_free(tr2);
    hdnet_net_free(net2);
    hdnet_config_free(other);
    /* a state saved before a parameter existed resumes when the run leaves it at its default
     * (wrec_l2 = 0 here); one saved by a version with a parameter unknown here is refused */
    edit_state_config(path, bad, "wrec_l2=", "");
    ck_assert_ok(hdnet_trainer_load_state(tr, bad));
    edit_state_config(path, bad, "wrec_l2=", "wrec_l2=0.5\n");
    ck_assert_status(hdnet_trainer_load_state(tr, bad), HDNET_EFORMAT);
    edit_state_config(path, bad, "wrec_l2=", "a_later_parameter=1\n");
    ck_assert_status(hdnet_trainer_load_state(tr, bad), HDNET_EFORMAT);
    ck_assert_ptr_nonnull(strstr(hdnet_errmsg(), "a_later_parameter"));
    /* the good file still loads */
    ck_assert_ok(hdnet_trainer_load_state(tr, path));
    ck_assert_ok(hdnet_trainer_run(tr));
    free(p0);
    free(p1);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
    unlink(path);
    unlink(bad);
}
END_TEST

/* ---- threads ---- */

#define NTHREADS 4

typedef struct {
    int id;
    const hdnet_net *shared; /* used through const calls only */
    const float *x;
    const float *ref_out; /* serial result of the shared net on x */
    int ok;
    double loss;
} worker;

/* Each thread: its own config, rng, task and network; generate, forward,
 * loss_grad; plus forward passes of the shared const network. */
static void *work(void *arg)
{
    worker *w = arg;
    w->ok = 0;
    hdnet_config *cfg;
    hdnet_rng *rng;
    hdnet_task *task;
    hdnet_net *net;
    if (hdnet_config_create(&cfg) || hdnet_config_set_int(cfg, HDNET_P_UNITS, 16) ||
        hdnet_config_set_int(cfg, HDNET_P_STEPS, NS) || hdnet_config_set_int(cfg, HDNET_P_CUE, 3))
        return NULL;
    if (hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 100 + (uint64_t)w->id) ||
        hdnet_task_create(&task, cfg, 200 + (uint64_t)w->id) || hdnet_net_create(&net, cfg, rng))
        return NULL;
    float x[NT * NS * 3], y[NT * NS * 2], m[NT * NS * 2], out[NT * NS * 2];
    size_t P = hdnet_net_num_params(net);
    float *g = malloc(P * sizeof *g);
    double loss[HDNET_NLOSS];
    int ok = g != NULL;
    for (int rep = 0; rep < 5 && ok; rep++) {
        ok = hdnet_task_generate(task, NT, x, sizeof x / 4, y, sizeof y / 4, m, sizeof m / 4, NULL,
                                 0, NULL, 0) == HDNET_OK &&
             hdnet_net_forward(net, NT, NS, x, sizeof x / 4, NULL, 0, rng, NULL, 0, out,
                               sizeof out / 4, NULL, 0) == HDNET_OK &&
             hdnet_net_loss_grad(net, NT, NS, x, sizeof x / 4, y, sizeof y / 4, m, sizeof m / 4,
                                 NULL, 0, rng, 0.01, loss, HDNET_NLOSS, g, P) == HDNET_OK;
        /* the shared network, noise-free, must give the serial result */
        ok = ok && hdnet_net_forward(w->shared, NT, NS, w->x, NT * NS * 3, NULL, 0, NULL, NULL, 0,
                                     out, sizeof out / 4, NULL, 0) == HDNET_OK &&
             memcmp(out, w->ref_out, sizeof out) == 0;
        /* an error on this thread leaves a message on this thread only */
        ok = ok && hdnet_config_set_double(cfg, HDNET_P_TAU, -1.0) == HDNET_ERANGE &&
             strstr(hdnet_errmsg(), "tau") != NULL;
    }
    w->loss = loss[HDNET_LOSS_TOTAL];
    free(g);
    hdnet_net_free(net);
    hdnet_task_free(task);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    w->ok = ok;
    return NULL;
}

START_TEST(threads_separate_and_shared)
{
    hdnet_net *shared = small_net(16, HDNET_ACT_RETANH);
    float x[NT * NS * 3], y[NT * NS * 2], m[NT * NS * 2], ref[NT * NS * 2];
    task_batch(x, y, m);
    ck_assert_ok(hdnet_net_forward(shared, NT, NS, x, sizeof x / 4, NULL, 0, NULL, NULL, 0, ref,
                                   sizeof ref / 4, NULL, 0));
    worker w[NTHREADS];
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (worker){i, shared, x, ref, 0, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    /* the same work serially gives the same losses (separate handles share nothing) */
    for (int i = 0; i < NTHREADS; i++) {
        ck_assert_msg(w[i].ok, "thread %d failed", i);
        worker s = {i, shared, x, ref, 0, 0};
        work(&s);
        ck_assert(s.ok);
        ck_assert_msg(s.loss == w[i].loss, "thread %d: %.17g vs serial %.17g", i, w[i].loss,
                      s.loss);
    }
    hdnet_net_free(shared);
}
END_TEST

Suite *hdnet_suite_robust(void)
{
    Suite *s = suite_create("robust");
    TCase *tc = tcase_create("oom");
    tcase_add_test(tc, oom_net_create);
    tcase_add_test(tc, oom_control);
    tcase_add_test(tc, oom_trainer_create);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("overflow");
    tcase_add_test(tc, overflow_sizes);
    tcase_add_test(tc, config_get_int_saturates);
    suite_add_tcase(s, tc);
    tc = tcase_create("nonfinite");
    tcase_add_test(tc, nonfinite_inputs);
    tcase_add_test(tc, overflow_state);
    tcase_add_test(tc, train_fault_keeps_best);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("resume");
    tcase_add_loop_test(tc, resume_bit_identical, 0, 3);
    tcase_add_test(tc, resume_errors);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_add_test(tc, threads_separate_and_shared);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
