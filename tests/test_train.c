/* The trainer: schedule, determinism, lambda_h rule, callbacks, divergence,
 * model selection, checkpoint files, evaluation and error paths. Tiny networks. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A tiny run: 8 units, 20-step trials, 4 trials per update. */
static hdnet_config *tiny_cfg(size_t updates)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_recipe(cfg, "reference")); /* constant lr, no curriculum */
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, 8));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_STEPS, 20));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CUE, 3));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_TRIALS, 4));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SELECTION_TRIALS, 8));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UPDATES, (int64_t)updates));
    return cfg;
}

static hdnet_net *make_net(const hdnet_config *cfg, uint64_t seed)
{
    hdnet_rng *r;
    ck_assert_ok(hdnet_stream_create(&r, seed, HDNET_STREAM_INIT));
    hdnet_net *net;
    ck_assert_ok(hdnet_net_create(&net, cfg, r));
    hdnet_rng_free(r);
    return net;
}

typedef struct {
    size_t n, cap;
    size_t *update, *batch;
    double *loss, *main_, *rate, *lam, *lam_next, *ne, *best, *lr, *clip, *gn;
    int *ckpt;
    size_t stop_at; /* stop when update == stop_at (SIZE_MAX: never) */
} rec;

static void rec_init(rec *r, size_t cap)
{
    memset(r, 0, sizeof *r);
    r->cap = cap;
    r->stop_at = (size_t)-1;
    r->update = calloc(cap, sizeof(size_t));
    r->batch = calloc(cap, sizeof(size_t));
    r->ckpt = calloc(cap, sizeof(int));
    double **f[] = {&r->loss, &r->main_, &r->rate, &r->lam, &r->lam_next, &r->ne, &r->best, &r->lr,
                    &r->clip, &r->gn};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        *f[i] = calloc(cap, sizeof(double));
}

static void rec_free(rec *r)
{
    free(r->update);
    free(r->batch);
    free(r->ckpt);
    double *f[] = {r->loss, r->main_, r->rate, r->lam, r->lam_next, r->ne, r->best, r->lr, r->clip,
                   r->gn};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        free(f[i]);
}

static int record(const hdnet_progress *p, void *user)
{
    rec *r = user;
    if (r->n < r->cap) {
        size_t i = r->n++;
        r->update[i] = hdnet_progress_update(p);
        r->batch[i] = hdnet_progress_batch(p);
        r->loss[i] = hdnet_progress_loss(p, HDNET_LOSS_TOTAL);
        r->main_[i] = hdnet_progress_loss(p, HDNET_LOSS_MAIN);
        r->rate[i] = hdnet_progress_loss(p, HDNET_LOSS_RATE);
        r->lam[i] = hdnet_progress_rate_l2(p);
        r->lam_next[i] = hdnet_progress_rate_l2_next(p);
        r->ne[i] = hdnet_progress_normalized_error(p);
        r->best[i] = hdnet_progress_best_ne(p);
        r->lr[i] = hdnet_progress_lr(p);
        r->clip[i] = hdnet_progress_clip_factor(p);
        r->gn[i] = hdnet_progress_grad_norm(p);
        r->ckpt[i] = hdnet_progress_is_checkpoint(p);
    }
    return hdnet_progress_update(p) == r->stop_at;
}

START_TEST(schedule)
{
    /* docs/training.md: the 45 values for U = 5000 */
    static const size_t want[45] = {0,    1,    2,    3,    4,    5,    25,   32,   38,   45,   51,   58,
                                    64,   71,   78,   84,   91,   97,   104,  111,  117,  124,  130,  137,
                                    143,  150,  263,  526,  789,  1053, 1316, 1579, 1842, 2105, 2368, 2632,
                                    2895, 3158, 3421, 3684, 3947, 4211, 4474, 4737, 5000};
    size_t v[64], n = 0;
    ck_assert_ok(hdnet_checkpoint_schedule(5000, NULL, 0, &n));
    ck_assert_uint_eq(n, 45);
    ck_assert_ok(hdnet_checkpoint_schedule(5000, v, 64, &n));
    ck_assert_uint_eq(n, 45);
    for (size_t i = 0; i < 45; i++)
        ck_assert_uint_eq(v[i], want[i]);
    /* U = 10: {0..5} and round(linspace(0, 10, 20)) = every integer 0..10 */
    ck_assert_ok(hdnet_checkpoint_schedule(10, v, 64, &n));
    ck_assert_uint_eq(n, 11);
    for (size_t i = 0; i <= 10; i++)
        ck_assert_uint_eq(v[i], i);
    ck_assert_ok(hdnet_checkpoint_schedule(0, v, 64, &n));
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(v[0], 0);
    /* U = 20000: strictly increasing, ends at U, 45 values */
    ck_assert_ok(hdnet_checkpoint_schedule(20000, v, 64, &n));
    ck_assert_uint_eq(n, 45);
    ck_assert_uint_eq(v[44], 20000);
    for (size_t i = 1; i < n; i++)
        ck_assert_uint_lt(v[i - 1], v[i]);
    ck_assert_status(hdnet_checkpoint_schedule(5000, v, 44, &n), HDNET_ESHAPE);
    ck_assert_uint_eq(n, 45);
    ck_assert_status(hdnet_checkpoint_schedule(5000, v, 64, NULL), HDNET_EINVAL);
}
END_TEST

START_TEST(streams)
{
    uint64_t s[HDNET_NSTREAMS], again;
    for (int i = 0; i < HDNET_NSTREAMS; i++) {
        ck_assert_ok(hdnet_stream_seed(42, i, &s[i]));
        for (int j = 0; j < i; j++)
            ck_assert(s[i] != s[j]);
    }
    ck_assert_ok(hdnet_stream_seed(42, HDNET_STREAM_TASK, &again));
    ck_assert(again == s[HDNET_STREAM_TASK]);
    ck_assert_ok(hdnet_stream_seed(43, HDNET_STREAM_TASK, &again));
    ck_assert(again != s[HDNET_STREAM_TASK]);
    hdnet_rng *r = (hdnet_rng *)1;
    ck_assert_status(hdnet_stream_create(&r, 1, HDNET_NSTREAMS), HDNET_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_status(hdnet_stream_create(&r, 1, -1), HDNET_EINVAL);
    ck_assert_status(hdnet_stream_create(NULL, 1, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_stream_seed(1, 0, NULL), HDNET_EINVAL);
}
END_TEST

/* Two runs from the same seed and thread count give bit-identical parameters. */
static void determinism_with(int threads)
{
    float *p[2];
    size_t P = 0;
    double best[2];
    for (int k = 0; k < 2; k++) {
        hdnet_config *cfg = tiny_cfg(12);
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_THREADS, threads));
        hdnet_net *net = make_net(cfg, 5);
        hdnet_trainer *tr;
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        ck_assert_ok(hdnet_trainer_run(tr));
        ck_assert_ok(hdnet_trainer_best(tr, &best[k], NULL));
        P = hdnet_net_num_params(net);
        p[k] = malloc(P * sizeof(float));
        ck_assert_ok(hdnet_net_copy_params(net, p[k], P));
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
        hdnet_config_free(cfg);
    }
    ck_assert_mem_eq(p[0], p[1], P * sizeof(float));
    ck_assert(best[0] == best[1]);
    free(p[0]);
    free(p[1]);
}

START_TEST(determinism)
{
    determinism_with(1);
    determinism_with(2);
}
END_TEST

/* Parameters after 6 updates of a small run with `threads` threads and kernel
 * set `kernel` (and, if init is not NULL, the parameters before training into
 * init[P]); NULL when the CPU lacks the set. 21 trials per update make the
 * blocks of 8, 8 and 5 trials that the engine works in (lib/model/engine.c), which 2
 * and 3 threads share out differently (and unevenly); 12 units make rows of
 * more than one vector; the recipe draws rate noise. */
static float *params_after_training(int kernel, int threads, size_t *P, float **init)
{
    hdnet_config *cfg = tiny_cfg(6);
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, 12));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_TRIALS, 21));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_KERNEL, kernel));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_THREADS, threads));
    hdnet_net *net = make_net(cfg, 5);
    hdnet_trainer *tr;
    int rc = hdnet_trainer_create(&tr, cfg, net);
    if (rc == HDNET_ENOTSUP) {
        hdnet_net_free(net);
        hdnet_config_free(cfg);
        return NULL;
    }
    ck_assert_ok(rc);
    *P = hdnet_net_num_params(net);
    if (init) {
        *init = malloc(*P * sizeof **init);
        ck_assert_ptr_nonnull(*init);
        ck_assert_ok(hdnet_net_copy_params(net, *init, *P));
    }
    ck_assert_ok(hdnet_trainer_run(tr));
    float *p = malloc(*P * sizeof *p);
    ck_assert_ptr_nonnull(p);
    ck_assert_ok(hdnet_net_copy_params(net, p, *P));
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
    return p;
}

/* The same seed gives bit-identical networks for 1, 2 and 3 threads, with
 * every kernel set this CPU runs, each pinned in turn (different sets round
 * differently, docs/performance.md). The network must have moved, or the
 * comparison would prove nothing. */
START_TEST(threads_bit_identical)
{
    int tested = 0;
    for (int kernel = HDNET_KERNEL_PORTABLE; kernel <= HDNET_KERNEL_AVX512; kernel++) {
        size_t P = 0;
        float *init = NULL;
        float *one = params_after_training(kernel, 1, &P, &init);
        if (!one)
            continue; /* the CPU lacks this set */
        ck_assert_msg(memcmp(one, init, P * sizeof *one) != 0, "training did not move the network");
        for (int threads = 2; threads <= 3; threads++) {
            size_t Pk = 0;
            float *pk = params_after_training(kernel, threads, &Pk, NULL);
            ck_assert_ptr_nonnull(pk);
            ck_assert_uint_eq(Pk, P);
            ck_assert_msg(memcmp(one, pk, P * sizeof *pk) == 0,
                          "kernel %d: %d threads give a different network", kernel, threads);
            free(pk);
        }
        free(init);
        free(one);
        tested++;
    }
    ck_assert_int_ge(tested, 1); /* portable always runs */
}
END_TEST

/* Forward passes and evaluation do not depend on the thread count either:
 * outputs and noisy rates of 21 trials (drawn noise: the rng advances per
 * trial) and the normalized error, for 1, 2 and 3 threads. */
START_TEST(threads_forward)
{
    enum { B = 21, T = 20, N = 12 };
    static float x[B * T * 3], y[3][B * T * 2], h[3][B * T * N];
    double ne[3];
    hdnet_config *cfg = tiny_cfg(1);
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, N));
    hdnet_task *task;
    ck_assert_ok(hdnet_task_create(&task, cfg, 9));
    ck_assert_ok(hdnet_task_generate(task, B, x, B * T * 3, NULL, 0, NULL, 0, NULL, 0, NULL, 0));
    hdnet_task_free(task);
    for (int k = 0; k < 3; k++) {
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_THREADS, k + 1));
        hdnet_net *net = make_net(cfg, 5);
        float wout[2 * N]; /* a non-zero readout (it starts at 0), so the outputs vary */
        for (int i = 0; i < 2 * N; i++)
            wout[i] = 0.1f * (float)((i * 7) % 5 - 2);
        ck_assert_ok(hdnet_net_set_block(net, HDNET_W_OUT, wout, 2 * N));
        hdnet_rng *r;
        ck_assert_ok(hdnet_stream_create(&r, 3, HDNET_STREAM_NOISE));
        ck_assert_ok(hdnet_net_forward(net, B, T, x, B * T * 3, NULL, 0, r, NULL, 0, y[k],
                                       B * T * 2, h[k], B * T * N));
        hdnet_rng_free(r);
        ck_assert_ok(hdnet_net_evaluate(net, cfg, B, 4, &ne[k]));
        hdnet_net_free(net);
    }
    ck_assert(ne[0] != 1.0 && isfinite(ne[0])); /* the outputs are not constant */
    for (int k = 1; k < 3; k++) {
        ck_assert_mem_eq(h[0], h[k], sizeof h[0]);
        ck_assert_mem_eq(y[0], y[k], sizeof y[0]);
        ck_assert(ne[0] == ne[k]);
    }
    hdnet_config_free(cfg);
}
END_TEST

/* The network moves, and a different seed gives a different run. */
START_TEST(seed_matters)
{
    float *p[2];
    size_t P = 0;
    for (int k = 0; k < 2; k++) {
        hdnet_config *cfg = tiny_cfg(3);
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SEED, 10 + k));
        hdnet_net *net = make_net(cfg, 5); /* same initialisation */
        hdnet_trainer *tr;
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        ck_assert_ok(hdnet_trainer_run(tr));
        P = hdnet_net_num_params(net);
        p[k] = malloc(P * sizeof(float));
        ck_assert_ok(hdnet_net_copy_params(net, p[k], P));
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
        hdnet_config_free(cfg);
    }
    ck_assert(memcmp(p[0], p[1], P * sizeof(float)) != 0);
    free(p[0]);
    free(p[1]);
}
END_TEST

/* lambda_h follows the PyTorch rule pass by pass; each pass uses the old value. */
START_TEST(rate_rule)
{
    for (int rule = 0; rule < 3; rule++) {
        hdnet_config *cfg = tiny_cfg(15);
        ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_RATE_L2, 100.0)); /* large: the rule fires */
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_RATE_RULE, rule));
        hdnet_net *net = make_net(cfg, 1);
        hdnet_trainer *tr;
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        rec r;
        rec_init(&r, 64);
        ck_assert_ok(hdnet_trainer_set_progress(tr, record, &r, 1));
        ck_assert_ok(hdnet_trainer_run(tr));
        ck_assert_uint_eq(r.n, 16);
        ck_assert_double_eq(r.lam[0], 100.0);
        int fired = 0;
        for (size_t i = 0; i < r.n; i++) {
            ck_assert_uint_eq(r.update[i], i);
            double want = r.lam[i];
            if (rule == HDNET_RATE_RULE_PYTORCH && r.rate[i] >= r.main_[i] / 2)
                want = r.lam[i] * (2.0 / 3.0);
            if (rule == HDNET_RATE_RULE_MATLAB) {
                if (r.rate[i] >= r.main_[i] / 4)
                    want = r.lam[i] * (2.0 / 3.0);
                else if (r.rate[i] <= r.main_[i] / 40)
                    want = r.lam[i] * 1.5;
            }
            ck_assert_double_eq(r.lam_next[i], want);
            fired += want != r.lam[i];
            if (i > 0)
                ck_assert_double_eq(r.lam[i], r.lam_next[i - 1]);
            ck_assert_double_eq_tol(r.loss[i], r.main_[i] + r.rate[i], 1e-12 * r.loss[i]);
        }
        if (rule == HDNET_RATE_RULE_FIXED)
            ck_assert_int_eq(fired, 0);
        else
            ck_assert_int_gt(fired, 0);
        rec_free(&r);
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
        hdnet_config_free(cfg);
    }
}
END_TEST

/* Selection: evaluated exactly at the checkpoints; best = first minimum. */
START_TEST(selection)
{
    hdnet_config *cfg = tiny_cfg(30);
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_LR, 0.01));
    hdnet_net *net = make_net(cfg, 2);
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    double ne;
    ck_assert_status(hdnet_trainer_best(tr, &ne, NULL), HDNET_ESTATE);
    hdnet_net *b = (hdnet_net *)1;
    ck_assert_status(hdnet_trainer_clone_best(tr, &b), HDNET_ESTATE);
    ck_assert_ptr_null(b);
    rec r;
    rec_init(&r, 64);
    ck_assert_ok(hdnet_trainer_set_progress(tr, record, &r, 1000));
    ck_assert_ok(hdnet_trainer_run(tr));
    size_t sched[64], ns;
    ck_assert_ok(hdnet_checkpoint_schedule(30, sched, 64, &ns));
    ck_assert_uint_eq(r.n, ns); /* every=1000: called only at evaluations (and the last pass) */
    double best = INFINITY;
    size_t best_u = 0;
    for (size_t i = 0; i < r.n; i++) {
        ck_assert_uint_eq(r.update[i], sched[i]);
        ck_assert_int_eq(r.ckpt[i], 1);
        ck_assert(isfinite(r.ne[i]));
        if (r.ne[i] < best) {
            best = r.ne[i];
            best_u = r.update[i];
        }
        ck_assert_double_eq(r.best[i], best);
    }
    size_t u;
    ck_assert_ok(hdnet_trainer_best(tr, &ne, &u));
    ck_assert_double_eq(ne, best);
    ck_assert_uint_eq(u, best_u);
    ck_assert_double_lt(best, r.ne[0]); /* it learned something in 30 updates */
    /* the best copy evaluates to the recorded NE on the same selection set:
     * re-evaluating needs the same trials, so compare through evaluate() on two
     * copies instead: clone and copy give identical networks */
    ck_assert_ok(hdnet_trainer_clone_best(tr, &b));
    hdnet_net *c = make_net(cfg, 99);
    ck_assert_ok(hdnet_trainer_copy_best(tr, c));
    size_t P = hdnet_net_num_params(net);
    float *pb = malloc(P * sizeof(float)), *pc = malloc(P * sizeof(float));
    ck_assert_ok(hdnet_net_copy_params(b, pb, P));
    ck_assert_ok(hdnet_net_copy_params(c, pc, P));
    ck_assert_mem_eq(pb, pc, P * sizeof(float));
    double e1, e2;
    ck_assert_ok(hdnet_net_evaluate(b, cfg, 16, 3, &e1));
    ck_assert_ok(hdnet_net_evaluate(c, cfg, 16, 3, &e2));
    ck_assert_double_eq(e1, e2);
    free(pb);
    free(pc);
    hdnet_net_free(b);
    hdnet_net_free(c);
    rec_free(&r);
    ck_assert_status(hdnet_trainer_run(tr), HDNET_ESTATE); /* finished */
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* A non-zero callback return stops with ECANCELED; run() continues afterwards
 * and the two halves equal one uninterrupted run. */
START_TEST(cancel)
{
    size_t P = 0;
    float *p[2];
    for (int k = 0; k < 2; k++) {
        hdnet_config *cfg = tiny_cfg(10);
        hdnet_net *net = make_net(cfg, 3);
        hdnet_trainer *tr;
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        rec r;
        rec_init(&r, 64);
        r.stop_at = k == 0 ? 4 : (size_t)-1;
        ck_assert_ok(hdnet_trainer_set_progress(tr, record, &r, 1));
        if (k == 0) {
            ck_assert_status(hdnet_trainer_run(tr), HDNET_ECANCELED);
            ck_assert_uint_eq(r.n, 5); /* passes 0..4 */
            ck_assert_ok(hdnet_trainer_best(tr, NULL, NULL)); /* best kept */
            r.stop_at = (size_t)-1;
        }
        ck_assert_ok(hdnet_trainer_run(tr));
        ck_assert_uint_eq(r.n, 11);
        for (size_t i = 0; i < r.n; i++)
            ck_assert_uint_eq(r.update[i], i);
        P = hdnet_net_num_params(net);
        p[k] = malloc(P * sizeof(float));
        ck_assert_ok(hdnet_net_copy_params(net, p[k], P));
        rec_free(&r);
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
        hdnet_config_free(cfg);
    }
    ck_assert_mem_eq(p[0], p[1], P * sizeof(float));
    free(p[0]);
    free(p[1]);
}
END_TEST

/* A huge SGD step without clipping blows up: EDIVERGED, the best copy is kept and finite. */
START_TEST(diverge)
{
    hdnet_config *cfg = tiny_cfg(200);
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_OPTIMIZER, HDNET_OPT_SGD));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_LR, 1000));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_CLIP, 0));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_ACTIVATION, HDNET_ACT_LINEAR));
    hdnet_net *net = make_net(cfg, 4);
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    ck_assert_status(hdnet_trainer_run(tr), HDNET_EDIVERGED);
    double ne;
    size_t u;
    ck_assert_ok(hdnet_trainer_best(tr, &ne, &u));
    ck_assert(isfinite(ne));
    hdnet_net *b;
    ck_assert_ok(hdnet_trainer_clone_best(tr, &b));
    size_t P = hdnet_net_num_params(b);
    float *pb = malloc(P * sizeof(float));
    ck_assert_ok(hdnet_net_copy_params(b, pb, P));
    for (size_t i = 0; i < P; i++)
        ck_assert(isfinite(pb[i]));
    double e2;
    ck_assert_ok(hdnet_net_evaluate(b, cfg, 8, 1, &e2));
    ck_assert(isfinite(e2));
    ck_assert_status(hdnet_trainer_run(tr), HDNET_ESTATE);
    free(pb);
    hdnet_net_free(b);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* The loss falls on a small task (slow-ish: 300 updates of 16 trials x 40 steps). */
START_TEST(learns)
{
    hdnet_config *cfg = tiny_cfg(300);
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, 24));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_STEPS, 40));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_TRIALS, 16));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SELECTION_TRIALS, 64));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_LR, 0.01));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_LR_SCHEDULE, HDNET_LR_COSINE));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_LR_MIN, 1e-4));
    hdnet_net *net = make_net(cfg, 1);
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    rec r;
    rec_init(&r, 400);
    ck_assert_ok(hdnet_trainer_set_progress(tr, record, &r, 1));
    ck_assert_ok(hdnet_trainer_run(tr));
    ck_assert_uint_eq(r.n, 301);
    double first = 0, last = 0;
    for (size_t i = 0; i < 20; i++) {
        first += r.main_[i];
        last += r.main_[r.n - 1 - i];
    }
    ck_assert_msg(last < 0.5 * first, "main loss %g -> %g", first / 20, last / 20);
    double ne;
    ck_assert_ok(hdnet_trainer_best(tr, &ne, NULL));
    ck_assert_double_lt(ne, 0.5 * r.ne[0]);
    /* progress fields of a step pass */
    ck_assert(r.gn[1] > 0 && r.clip[1] > 0 && r.clip[1] <= 1);
    const double c1 = 0.5 * (1 + cos(3.14159265358979323846 / 300.0)); /* cosine, lr_min 1e-4 */
    ck_assert_double_eq_tol(r.lr[1], 1e-4 + (0.01 - 1e-4) * c1, 1e-15);
    ck_assert(isnan(r.gn[r.n - 1]) && isnan(r.lr[r.n - 1])); /* last pass takes no step */
    rec_free(&r);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* Checkpoint files: ckpt_<u>.npz for each scheduled update, model.npz = best. */
START_TEST(checkpoint_files)
{
    char dir[] = "/tmp/hdnet_train_test_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    hdnet_config *cfg = tiny_cfg(7);
    hdnet_net *net = make_net(cfg, 6);
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    ck_assert_ok(hdnet_trainer_set_checkpoint_dir(tr, dir));
    ck_assert_ok(hdnet_trainer_run(tr));
    char path[256];
    for (size_t u = 0; u <= 7; u++) {
        snprintf(path, sizeof path, "%s/ckpt_%zu.npz", dir, u);
        ck_assert_msg(access(path, F_OK) == 0, "%s missing", path);
    }
    snprintf(path, sizeof path, "%s/ckpt_8.npz", dir);
    ck_assert(access(path, F_OK) != 0);
    /* the last checkpoint holds the final parameters */
    snprintf(path, sizeof path, "%s/ckpt_7.npz", dir);
    hdnet_net *l;
    ck_assert_ok(hdnet_net_load(&l, path));
    size_t P = hdnet_net_num_params(net);
    float *a = malloc(P * sizeof(float)), *b = malloc(P * sizeof(float));
    ck_assert_ok(hdnet_net_copy_params(l, a, P));
    ck_assert_ok(hdnet_net_copy_params(net, b, P));
    ck_assert_mem_eq(a, b, P * sizeof(float));
    hdnet_net_free(l);
    snprintf(path, sizeof path, "%s/model.npz", dir);
    ck_assert_ok(hdnet_net_load(&l, path));
    hdnet_net *best;
    ck_assert_ok(hdnet_trainer_clone_best(tr, &best));
    ck_assert_ok(hdnet_net_copy_params(l, a, P));
    ck_assert_ok(hdnet_net_copy_params(best, b, P));
    ck_assert_mem_eq(a, b, P * sizeof(float));
    hdnet_net_free(l);
    hdnet_net_free(best);
    free(a);
    free(b);
    for (size_t u = 0; u <= 7; u++) {
        snprintf(path, sizeof path, "%s/ckpt_%zu.npz", dir, u);
        remove(path);
    }
    snprintf(path, sizeof path, "%s/model.npz", dir);
    remove(path);
    rmdir(dir);
    /* a directory that does not exist: EIO at the first checkpoint */
    hdnet_trainer_free(tr);
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    ck_assert_ok(hdnet_trainer_set_checkpoint_dir(tr, "/nonexistent/hdnet/dir"));
    ck_assert_status(hdnet_trainer_run(tr), HDNET_EIO);
    ck_assert_ok(hdnet_trainer_set_checkpoint_dir(tr, NULL));
    ck_assert_status(hdnet_trainer_set_checkpoint_dir(tr, ""), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_set_checkpoint_dir(NULL, dir), HDNET_EINVAL);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(evaluate)
{
    hdnet_config *cfg = tiny_cfg(1);
    hdnet_net *net = make_net(cfg, 1);
    double a, b, c;
    ck_assert_ok(hdnet_net_evaluate(net, cfg, 10, 5, &a));
    ck_assert_ok(hdnet_net_evaluate(net, cfg, 10, 5, &b));
    ck_assert_ok(hdnet_net_evaluate(net, cfg, 10, 6, &c));
    ck_assert(isfinite(a) && a > 0);
    ck_assert_double_eq(a, b);
    ck_assert(a != c);
    /* W_out = 0 at init: outputs equal b_out = 0, so NE = sum r^2/d^2 with r = -yhat */
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_STEPS, 3000)); /* chunked: 16 trials per engine call */
    ck_assert_ok(hdnet_net_evaluate(net, cfg, 40, 5, &c));
    ck_assert(isfinite(c));
    ck_assert_status(hdnet_net_evaluate(NULL, cfg, 10, 5, &a), HDNET_EINVAL);
    ck_assert_status(hdnet_net_evaluate(net, NULL, 10, 5, &a), HDNET_EINVAL);
    ck_assert_status(hdnet_net_evaluate(net, cfg, 10, 5, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_net_evaluate(net, cfg, 0, 5, &a), HDNET_EINVAL);
    hdnet_config *c4 = tiny_cfg(1);
    ck_assert_ok(hdnet_config_set_int(c4, HDNET_P_INPUTS, 4));
    hdnet_net *n4 = make_net(c4, 1);
    ck_assert_status(hdnet_net_evaluate(n4, cfg, 10, 5, &a), HDNET_ESHAPE);
    hdnet_trainer *tr = (hdnet_trainer *)1;
    ck_assert_status(hdnet_trainer_create(&tr, cfg, n4), HDNET_ESHAPE);
    ck_assert_ptr_null(tr);
    hdnet_net_free(n4);
    hdnet_config_free(c4);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* selection = compat: the NumPy generator at seed 1 (independent of the training seed). */
START_TEST(selection_compat)
{
    double ne[2];
    for (int k = 0; k < 2; k++) {
        hdnet_config *cfg = tiny_cfg(0);
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SELECTION, HDNET_SELECTION_COMPAT));
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SEED, 100 + k));
        hdnet_net *net = make_net(cfg, 1);
        hdnet_trainer *tr;
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        ck_assert_ok(hdnet_trainer_run(tr));
        ck_assert_ok(hdnet_trainer_best(tr, &ne[k], NULL));
        /* equals evaluate() on the NumPy generator at seed 1 */
        hdnet_config *e;
        ck_assert_ok(hdnet_config_clone(cfg, &e));
        ck_assert_ok(hdnet_config_set_int(e, HDNET_P_TASK_RNG, HDNET_RNG_NUMPY));
        double want;
        ck_assert_ok(hdnet_net_evaluate(net, e, 8, 1, &want));
        ck_assert_double_eq(ne[k], want);
        hdnet_config_free(e);
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
        hdnet_config_free(cfg);
    }
    ck_assert_double_eq(ne[0], ne[1]);
}
END_TEST

START_TEST(errors)
{
    hdnet_config *cfg = tiny_cfg(2);
    hdnet_net *net = make_net(cfg, 1);
    hdnet_trainer *tr = (hdnet_trainer *)1;
    ck_assert_status(hdnet_trainer_create(&tr, NULL, net), HDNET_EINVAL);
    ck_assert_ptr_null(tr);
    ck_assert_status(hdnet_trainer_create(&tr, cfg, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_create(NULL, cfg, net), HDNET_EINVAL);
    /* binarymeanzero cannot be trained */
    hdnet_config *cb = tiny_cfg(2);
    ck_assert_ok(hdnet_config_set_int(cb, HDNET_P_ACTIVATION, HDNET_ACT_BINARYMEANZERO));
    hdnet_net *nb = make_net(cb, 1);
    ck_assert_status(hdnet_trainer_create(&tr, cb, nb), HDNET_EINVAL);
    hdnet_net_free(nb);
    hdnet_config_free(cb);
    /* numpy task generator with a seed >= 2^32 */
    hdnet_config *cn = tiny_cfg(2);
    ck_assert_ok(hdnet_config_set_int(cn, HDNET_P_TASK_RNG, HDNET_RNG_NUMPY));
    ck_assert_ok(hdnet_config_set_int(cn, HDNET_P_SEED, (int64_t)1 << 33));
    ck_assert_status(hdnet_trainer_create(&tr, cn, net), HDNET_ERANGE);
    hdnet_config_free(cn);

    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    ck_assert_status(hdnet_trainer_set_progress(tr, record, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_set_progress(NULL, record, NULL, 1), HDNET_EINVAL);
    ck_assert_ok(hdnet_trainer_set_progress(tr, NULL, NULL, 0));
    ck_assert_status(hdnet_trainer_run(NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_best(NULL, NULL, NULL), HDNET_EINVAL);
    hdnet_net *b;
    ck_assert_status(hdnet_trainer_clone_best(NULL, &b), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_clone_best(tr, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_copy_best(NULL, net), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_copy_best(tr, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_trainer_copy_best(tr, net), HDNET_ESTATE);
    ck_assert_ptr_nonnull(hdnet_trainer_optim(tr));
    ck_assert_ptr_null(hdnet_trainer_optim(NULL));
    ck_assert_ok(hdnet_trainer_run(tr));
    hdnet_config *c9 = tiny_cfg(2);
    ck_assert_ok(hdnet_config_set_int(c9, HDNET_P_UNITS, 9));
    hdnet_net *n9 = make_net(c9, 1);
    ck_assert_status(hdnet_trainer_copy_best(tr, n9), HDNET_ESHAPE);
    hdnet_net_free(n9);
    hdnet_config_free(c9);
    /* progress accessors on NULL */
    ck_assert_uint_eq(hdnet_progress_update(NULL), 0);
    ck_assert_uint_eq(hdnet_progress_total(NULL), 0);
    ck_assert_uint_eq(hdnet_progress_batch(NULL), 0);
    ck_assert(isnan(hdnet_progress_loss(NULL, 0)));
    ck_assert(isnan(hdnet_progress_grad_norm(NULL)));
    ck_assert(isnan(hdnet_progress_normalized_error(NULL)));
    ck_assert(isnan(hdnet_progress_elapsed(NULL)));
    hdnet_trainer_free(tr);
    hdnet_trainer_free(NULL);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* Growing batch and eval_every are honoured. */
START_TEST(batch_growth)
{
    hdnet_config *cfg = tiny_cfg(8);
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_BATCH_FINAL, 12));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CHECKPOINTS, HDNET_CKPT_NONE));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_EVAL_EVERY, 3));
    hdnet_net *net = make_net(cfg, 1);
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    rec r;
    rec_init(&r, 16);
    ck_assert_ok(hdnet_trainer_set_progress(tr, record, &r, 1));
    ck_assert_ok(hdnet_trainer_run(tr));
    ck_assert_uint_eq(r.n, 9);
    for (size_t i = 0; i < r.n; i++) {
        int evaluated = i % 3 == 0 || i == 8;
        ck_assert_msg(evaluated == !isnan(r.ne[i]), "update %zu", i);
        ck_assert_int_eq(r.ckpt[i], i == 8);
        ck_assert_uint_eq(r.batch[i], 4 + i); /* linear growth 4 -> 12 over 8 updates */
    }
    rec_free(&r);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* Curriculum: the first updates on shorter trials; deterministic, and it changes the run. */
START_TEST(curriculum)
{
    float *p[3];
    size_t P = 0;
    for (int k = 0; k < 3; k++) {
        hdnet_config *cfg = tiny_cfg(6);
        ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_WARMUP, 2));
        if (k < 2) {
            ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CURRICULUM_STEPS, 8));
            ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CURRICULUM_UPDATES, 3));
        }
        hdnet_net *net = make_net(cfg, 5);
        hdnet_trainer *tr;
        ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
        rec r;
        rec_init(&r, 16);
        ck_assert_ok(hdnet_trainer_set_progress(tr, record, &r, 1));
        ck_assert_ok(hdnet_trainer_run(tr));
        ck_assert_uint_eq(r.n, 7);
        /* warm-up 2 (lr 1e-3 constant): 0.5, 1, 1 ... and after the curriculum again 0.5, 1 */
        const double w[6] = {0.5, 1, 1, 0.5, 1, 1}, w2[6] = {0.5, 1, 1, 1, 1, 1};
        for (size_t i = 0; i < 6; i++)
            ck_assert_double_eq_tol(r.lr[i], 1e-3 * (k < 2 ? w[i] : w2[i]), 1e-18);
        rec_free(&r);
        P = hdnet_net_num_params(net);
        p[k] = malloc(P * sizeof(float));
        ck_assert_ok(hdnet_net_copy_params(net, p[k], P));
        hdnet_trainer_free(tr);
        hdnet_net_free(net);
        hdnet_config_free(cfg);
    }
    ck_assert_mem_eq(p[0], p[1], P * sizeof(float));
    ck_assert(memcmp(p[0], p[2], P * sizeof(float)) != 0);
    /* curriculum trials not shorter than the training trials: no curriculum */
    hdnet_config *cfg = tiny_cfg(6);
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_WARMUP, 2));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CURRICULUM_STEPS, 30));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_CURRICULUM_UPDATES, 3));
    hdnet_net *net = make_net(cfg, 5);
    hdnet_trainer *tr;
    ck_assert_ok(hdnet_trainer_create(&tr, cfg, net));
    ck_assert_ok(hdnet_trainer_run(tr));
    float *q = malloc(P * sizeof(float));
    ck_assert_ok(hdnet_net_copy_params(net, q, P));
    ck_assert_mem_eq(q, p[2], P * sizeof(float));
    for (int k = 0; k < 3; k++)
        free(p[k]);
    free(q);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

Suite *hdnet_suite_train(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("schedule");
    tcase_add_test(tc, schedule);
    tcase_add_test(tc, streams);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, determinism);
    tcase_add_test(tc, threads_bit_identical);
    tcase_add_test(tc, threads_forward);
    tcase_add_test(tc, seed_matters);
    tcase_add_test(tc, rate_rule);
    tcase_add_test(tc, selection);
    tcase_add_test(tc, cancel);
    tcase_add_test(tc, diverge);
    tcase_add_test(tc, batch_growth);
    tcase_add_test(tc, selection_compat);
    tcase_add_test(tc, curriculum);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_add_test(tc, checkpoint_files);
    suite_add_tcase(s, tc);
    tc = tcase_create("evaluate");
    tcase_add_test(tc, evaluate);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("learns");
    tcase_set_timeout(tc, 60);
    tcase_set_tags(tc, "slow");
    tcase_add_test(tc, learns);
    suite_add_tcase(s, tc);
    return s;
}
