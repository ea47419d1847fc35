/* The trainer: recipes, passes, checkpoints, model selection and progress. */
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "train/train_priv.h"
#include "train/hf_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- streams ---- */

int hdnet_stream_create(hdnet_rng **out, uint64_t seed, int stream)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (stream < 0 || stream >= HDNET_NSTREAMS)
        return hdnet__error(HDNET_EINVAL, "unknown stream %d", stream);
    hdnet_rng *master = NULL, *child = NULL;
    int rc = hdnet_rng_create(&master, HDNET_RNG_LIBRARY, seed);
    for (int i = 0; rc == HDNET_OK && i <= stream; i++) {
        hdnet_rng_free(child);
        child = NULL;
        rc = hdnet_rng_split(master, &child);
    }
    hdnet_rng_free(master);
    if (rc) {
        hdnet_rng_free(child);
        return rc;
    }
    *out = child;
    return HDNET_OK;
}

int hdnet_stream_seed(uint64_t seed, int stream, uint64_t *out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    hdnet_rng *r = NULL;
    int rc = hdnet_stream_create(&r, seed, stream);
    if (rc)
        return rc;
    *out = hdnet__rng_next64(r);
    hdnet_rng_free(r);
    return HDNET_OK;
}

/* ---- checkpoint schedule ---- */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* NumPy's linspace(start, stop, num) element i: start + i*step, the last is stop. */
static double linspace_at(double start, double stop, int num, int i)
{
    if (i == num - 1)
        return stop;
    return (double)i * ((stop - start) / (double)(num - 1)) + start;
}

static size_t schedule(size_t U, size_t *v)
{
    size_t n = 0;
    for (size_t i = 0; i <= 5; i++)
        v[n++] = i;
    for (int i = 0; i < 20; i++)
        v[n++] = (size_t)rint(linspace_at(25, 150, 20, i));
    for (int i = 0; i < 20; i++)
        v[n++] = (size_t)rint(linspace_at(0, (double)U, 20, i));
    qsort(v, n, sizeof *v, cmp_size);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] > U || (k > 0 && v[k - 1] == v[i]))
            continue;
        v[k++] = v[i];
    }
    return k;
}

/* SCHED_MAX: train_priv.h */

int hdnet_checkpoint_schedule(size_t n_updates, size_t *out, size_t cap, size_t *n)
{
    if (!n)
        return hdnet__error(HDNET_EINVAL, "n is NULL");
    if (n_updates > (size_t)1 << 52)
        return hdnet__error(HDNET_ERANGE, "n_updates %zu too large", n_updates);
    size_t v[SCHED_MAX];
    size_t k = schedule(n_updates, v);
    *n = k;
    if (!out)
        return HDNET_OK;
    if (cap < k)
        return hdnet__error(HDNET_ESHAPE, "schedule has %zu values, buffer %zu", k, cap);
    memcpy(out, v, k * sizeof *v);
    return HDNET_OK;
}

/* ---- evaluation ---- */

static int task_dims_ok(const hdnet_net *net)
{
    size_t ni = 0, no = 0;
    if (hdnet_net_dims(net, NULL, &ni, &no) != HDNET_OK)
        return 0;
    return ni == 3 && no == 2;
}

/* Noise-free outputs of S trials in chunks of at most `chunk`, then NE. */
static int eval_set(hdnet__engine *e, const hdnet_net *net, size_t S, size_t T, size_t chunk,
                    const float *x, const float *y, const float *m, float *out, double *ne)
{
    for (size_t s = 0; s < S; s += chunk) {
        size_t nb = S - s < chunk ? S - s : chunk;
        int rc = hdnet__engine_forward(e, net, nb, x + s * T * 3, out + s * T * 2);
        if (rc)
            return rc;
    }
    int rc = hdnet_normalized_error(out, y, m, S, T, 2, ne);
    if (rc)
        return rc;
    if (!isfinite(*ne))
        return hdnet__error(HDNET_EDIVERGED, "normalized error is %g", *ne);
    return HDNET_OK;
}

/* evalbuf: train_priv.h */

static void evalbuf_free(evalbuf *b)
{
    free(b->x);
    free(b->y);
    free(b->m);
    free(b->out);
    memset(b, 0, sizeof *b);
}

static int evalbuf_alloc(evalbuf *b, size_t S, size_t T)
{
    size_t st;
    memset(b, 0, sizeof *b);
    if (hdnet__mul(S, T, &st) || st > SIZE_MAX / (3 * sizeof(float)))
        return hdnet__error(HDNET_ENOMEM, "%zu trials of %zu steps are too many", S, T);
    b->x = malloc(st * 3 * sizeof(float));
    b->y = malloc(st * 2 * sizeof(float));
    b->m = malloc(st * 2 * sizeof(float));
    b->out = malloc(st * 2 * sizeof(float));
    if (!b->x || !b->y || !b->m || !b->out) {
        evalbuf_free(b);
        return hdnet__error(HDNET_ENOMEM, "buffers for %zu trials of %zu steps", S, T);
    }
    return HDNET_OK;
}

static int evalbuf_fill(evalbuf *b, hdnet_task *task, size_t S, size_t T)
{
    return hdnet_task_generate(task, S, b->x, S * T * 3, b->y, S * T * 2, b->m, S * T * 2, NULL, 0,
                               NULL, 0);
}

int hdnet_net_evaluate(const hdnet_net *net, const hdnet_config *task_cfg, size_t n_trials,
                       uint64_t seed, double *ne)
{
    if (!net || !task_cfg || !ne)
        return hdnet__error(HDNET_EINVAL, "net, task_cfg or ne is NULL");
    if (n_trials == 0)
        return hdnet__error(HDNET_EINVAL, "n_trials is 0");
    if (!task_dims_ok(net))
        return hdnet__error(HDNET_ESHAPE, "the task needs a network with 3 inputs and 2 outputs");
    const size_t T = (size_t)hdnet__cfg(task_cfg, HDNET_P_STEPS);
    const int threads = (int)hdnet__cfg(task_cfg, HDNET_P_THREADS);
    size_t chunk = 50000 / T;
    if (chunk < 1)
        chunk = 1;
    if (chunk > n_trials)
        chunk = n_trials;
    hdnet_task *task = NULL;
    hdnet__engine *e = NULL;
    evalbuf b;
    int rc = evalbuf_alloc(&b, n_trials, T);
    if (rc)
        return rc;
    rc = hdnet_task_create(&task, task_cfg, seed);
    if (!rc)
        rc = evalbuf_fill(&b, task, n_trials, T);
    if (!rc)
        rc = hdnet__engine_create(&e, net, chunk, T, threads);
    if (!rc)
        rc = eval_set(e, net, n_trials, T, chunk, b.x, b.y, b.m, b.out, ne);
    hdnet__engine_free(e);
    hdnet_task_free(task);
    evalbuf_free(&b);
    return rc;
}

/* ---- progress ---- */

struct hdnet_progress {
    size_t update, total, batch, best_update;
    double loss[HDNET_NLOSS];
    double grad_norm, clip_factor, lr, rate_l2, rate_l2_next, ne, best_ne, elapsed;
    int is_ckpt;
};

size_t hdnet_progress_update(const hdnet_progress *p) { return p ? p->update : 0; }
size_t hdnet_progress_total(const hdnet_progress *p) { return p ? p->total : 0; }
size_t hdnet_progress_batch(const hdnet_progress *p) { return p ? p->batch : 0; }
double hdnet_progress_loss(const hdnet_progress *p, int term)
{
    return p && term >= 0 && term < HDNET_NLOSS ? p->loss[term] : NAN;
}
double hdnet_progress_grad_norm(const hdnet_progress *p) { return p ? p->grad_norm : NAN; }
double hdnet_progress_clip_factor(const hdnet_progress *p) { return p ? p->clip_factor : NAN; }
double hdnet_progress_lr(const hdnet_progress *p) { return p ? p->lr : NAN; }
double hdnet_progress_rate_l2(const hdnet_progress *p) { return p ? p->rate_l2 : NAN; }
double hdnet_progress_rate_l2_next(const hdnet_progress *p) { return p ? p->rate_l2_next : NAN; }
double hdnet_progress_normalized_error(const hdnet_progress *p) { return p ? p->ne : NAN; }
int hdnet_progress_is_checkpoint(const hdnet_progress *p) { return p ? p->is_ckpt : 0; }
double hdnet_progress_best_ne(const hdnet_progress *p) { return p ? p->best_ne : NAN; }
size_t hdnet_progress_best_update(const hdnet_progress *p) { return p ? p->best_update : 0; }
double hdnet_progress_elapsed(const hdnet_progress *p) { return p ? p->elapsed : NAN; }

/* ---- trainer ---- */

/* struct hdnet_trainer and the ST_* states are in train_priv.h (train_resume.c reads them). */

void hdnet_trainer_free(hdnet_trainer *tr)
{
    if (!tr)
        return;
    hdnet_config_free(tr->cfg);
    hdnet_net_free(tr->best);
    hdnet__engine_free(tr->eng);
    hdnet__engine_free(tr->eng0);
    hdnet_optim_free(tr->opt);
    hdnet__hf_free(tr->hf);
    hdnet_task_free(tr->task);
    hdnet_task_free(tr->task0);
    hdnet_rng_free(tr->noise);
    free(tr->x);
    free(tr->y);
    free(tr->m);
    free(tr->grad);
    evalbuf_free(&tr->sel);
    free(tr->ckdir);
    free(tr);
}

/* Seed of the training-batch task: the master seed itself for the NumPy
 * generator (so seed 1 with batch_mode = fixed reproduces the PyTorch batch),
 * else a seed drawn from the task stream. */
static int task_seed(const hdnet_config *cfg, int stream, uint64_t *out)
{
    const uint64_t seed = (uint64_t)hdnet__cfg(cfg, HDNET_P_SEED);
    if ((int)hdnet__cfg(cfg, HDNET_P_TASK_RNG) == HDNET_RNG_NUMPY) {
        if (stream == HDNET_STREAM_TASK) {
            if (seed >= ((uint64_t)1 << 32))
                return hdnet__error(HDNET_ERANGE, "seed %llu: the numpy task generator needs "
                                    "a seed below 2^32", (unsigned long long)seed);
            *out = seed;
            return HDNET_OK;
        }
        int rc = hdnet_stream_seed(seed, stream, out);
        *out &= 0xffffffffu;
        return rc;
    }
    return hdnet_stream_seed(seed, stream, out);
}

static size_t batch_at(const hdnet_trainer *tr, size_t p)
{
    if (tr->Bfin == 0 || tr->U == 0)
        return tr->B0;
    double b = (double)tr->B0 + ((double)tr->Bfin - (double)tr->B0) * (double)p / (double)tr->U;
    size_t B = (size_t)llround(b);
    if (B < 1)
        B = 1;
    return B > tr->Bmax ? tr->Bmax : B;
}

/* A network the task can train: 3 inputs, 2 outputs, a differentiable nonlinearity. */
static int check_trainable(const hdnet_net *net)
{
    if (!task_dims_ok(net))
        return hdnet__error(HDNET_ESHAPE, "the task needs a network with 3 inputs and 2 outputs");
    hdnet_config *ncfg = NULL;
    int rc = hdnet_net_get_config(net, &ncfg);
    if (rc)
        return rc;
    int act = (int)hdnet__cfg(ncfg, HDNET_P_ACTIVATION);
    hdnet_config_free(ncfg);
    if (act == HDNET_ACT_BINARYMEANZERO)
        return hdnet__error(HDNET_EINVAL, "binarymeanzero has no gradient and cannot be trained");
    return HDNET_OK;
}

/* Sizes, schedule and loss settings from the config. */
static void read_settings(hdnet_trainer *tr, const hdnet_config *cfg)
{
    tr->U = (size_t)hdnet__cfg(cfg, HDNET_P_UPDATES);
    tr->B0 = (size_t)hdnet__cfg(cfg, HDNET_P_TRIALS);
    tr->Bfin = (size_t)hdnet__cfg(cfg, HDNET_P_BATCH_FINAL);
    tr->Bmax = tr->Bfin > tr->B0 ? tr->Bfin : tr->B0;
    tr->T = (size_t)hdnet__cfg(cfg, HDNET_P_STEPS);
    tr->T0 = (size_t)hdnet__cfg(cfg, HDNET_P_CURRICULUM_STEPS);
    tr->U0 = (size_t)hdnet__cfg(cfg, HDNET_P_CURRICULUM_UPDATES);
    if (tr->T0 == 0 || tr->U0 == 0 || tr->T0 >= tr->T) /* no shorter phase */
        tr->T0 = tr->U0 = 0;
    tr->P = hdnet_net_num_params(tr->net);
    tr->S = (size_t)hdnet__cfg(cfg, HDNET_P_SELECTION_TRIALS);
    tr->eval_every = (size_t)hdnet__cfg(cfg, HDNET_P_EVAL_EVERY);
    tr->rate_l2 = hdnet__cfg(cfg, HDNET_P_RATE_L2);
    tr->rate_rule = (int)hdnet__cfg(cfg, HDNET_P_RATE_RULE);
    tr->clip = hdnet__cfg(cfg, HDNET_P_CLIP);
    tr->best_ne = NAN;
    if ((int)hdnet__cfg(cfg, HDNET_P_CHECKPOINTS) == HDNET_CKPT_REFERENCE)
        tr->nckpt = schedule(tr->U, tr->ckpt);
    else {
        tr->ckpt[0] = tr->U;
        tr->nckpt = 1;
    }
}

/* The batch buffers, the gradient and the engine of the largest batch. */
static int alloc_batch(hdnet_trainer *tr, const hdnet_config *cfg)
{
    size_t bt;
    if (hdnet__mul(tr->Bmax, tr->T, &bt) || bt > SIZE_MAX / (3 * sizeof(float)))
        return hdnet__error(HDNET_ENOMEM, "batch of %zu x %zu too large", tr->Bmax, tr->T);
    tr->x = malloc(bt * 3 * sizeof(float));
    tr->y = malloc(bt * 2 * sizeof(float));
    tr->m = malloc(bt * 2 * sizeof(float));
    tr->grad = calloc(tr->P ? tr->P : 1, sizeof(float));
    if (!tr->x || !tr->y || !tr->m || !tr->grad)
        return hdnet__error(HDNET_ENOMEM, "training batch buffers");
    return hdnet__engine_create(&tr->eng, tr->net, tr->Bmax, tr->T, (int)hdnet__cfg(cfg, HDNET_P_THREADS));
}

/* The training task, and the curriculum task (same stream kind, next seed, shorter
 * trials) with its engine when there is a shorter phase. */
static int create_tasks(hdnet_trainer *tr, const hdnet_config *cfg)
{
    uint64_t s;
    int rc = task_seed(cfg, HDNET_STREAM_TASK, &s);
    if (!rc)
        rc = hdnet_task_create(&tr->task, cfg, s);
    if (rc || !tr->U0)
        return rc;
    hdnet_config *c0 = NULL;
    uint64_t s0 = s + 1;
    if ((int)hdnet__cfg(cfg, HDNET_P_TASK_RNG) == HDNET_RNG_NUMPY)
        s0 &= 0xffffffffu;
    rc = hdnet_config_clone(cfg, &c0);
    if (!rc)
        rc = hdnet_config_set_int(c0, HDNET_P_STEPS, (int64_t)tr->T0);
    if (!rc)
        rc = hdnet_task_create(&tr->task0, c0, s0);
    hdnet_config_free(c0);
    if (!rc)
        rc = hdnet__engine_create(&tr->eng0, tr->net, tr->Bmax, tr->T0, (int)hdnet__cfg(cfg, HDNET_P_THREADS));
    return rc;
}

/* The noise-free selection set: its own stream, or the reference's (numpy, seed 1). */
static int create_selection(hdnet_trainer *tr, const hdnet_config *cfg)
{
    int rc = evalbuf_alloc(&tr->sel, tr->S, tr->T);
    if (rc)
        return rc;
    hdnet_config *scfg = NULL;
    hdnet_task *st = NULL;
    uint64_t s;
    rc = hdnet_config_clone(cfg, &scfg);
    if (!rc) {
        if ((int)hdnet__cfg(cfg, HDNET_P_SELECTION) == HDNET_SELECTION_COMPAT) {
            rc = hdnet_config_set_int(scfg, HDNET_P_TASK_RNG, HDNET_RNG_NUMPY);
            s = 1;
        } else {
            rc = task_seed(cfg, HDNET_STREAM_SELECTION, &s);
        }
    }
    if (!rc)
        rc = hdnet_config_set_int(scfg, HDNET_P_BATCH_MODE, HDNET_BATCH_FRESH);
    if (!rc)
        rc = hdnet_task_create(&st, scfg, s);
    if (!rc)
        rc = evalbuf_fill(&tr->sel, st, tr->S, tr->T);
    hdnet_task_free(st);
    hdnet_config_free(scfg);
    return rc;
}

int hdnet_trainer_create(hdnet_trainer **out, const hdnet_config *cfg, hdnet_net *net)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!cfg || !net)
        return hdnet__error(HDNET_EINVAL, "cfg or net is NULL");
    int rc = check_trainable(net);
    if (rc)
        return rc;
    hdnet_trainer *tr = calloc(1, sizeof *tr);
    if (!tr)
        return hdnet__error(HDNET_ENOMEM, "trainer");
    tr->net = net;
    rc = hdnet_config_clone(cfg, &tr->cfg);
    if (!rc)
        read_settings(tr, cfg);
    if (!rc)
        rc = alloc_batch(tr, cfg);
    if (!rc)
        rc = hdnet_optim_create(&tr->opt, cfg, net);
    if (!rc && (int)hdnet__cfg(cfg, HDNET_P_OPTIMIZER) == HDNET_OPT_HF)
        rc = tr->U0 ? hdnet__error(HDNET_EINVAL, "the Hessian-free optimiser takes no curriculum")
                    : hdnet__hf_create(&tr->hf, cfg, net, tr->Bmax, tr->T);
    if (!rc)
        rc = create_tasks(tr, cfg);
    if (!rc)
        rc = hdnet_stream_create(&tr->noise, (uint64_t)hdnet__cfg(cfg, HDNET_P_SEED), HDNET_STREAM_NOISE);
    if (!rc)
        rc = hdnet_net_clone(net, &tr->best);
    if (!rc)
        rc = create_selection(tr, cfg);
    if (rc) {
        hdnet_trainer_free(tr);
        return rc;
    }
    *out = tr;
    return HDNET_OK;
}

int hdnet_trainer_set_progress(hdnet_trainer *tr, hdnet_progress_fn fn, void *user, size_t every)
{
    if (!tr)
        return hdnet__error(HDNET_EINVAL, "tr is NULL");
    if (fn && every == 0)
        return hdnet__error(HDNET_EINVAL, "every must be >= 1");
    tr->fn = fn;
    tr->user = user;
    tr->every = every;
    return HDNET_OK;
}

int hdnet_trainer_set_checkpoint_dir(hdnet_trainer *tr, const char *dir)
{
    if (!tr)
        return hdnet__error(HDNET_EINVAL, "tr is NULL");
    char *d = NULL;
    if (dir) {
        if (!dir[0])
            return hdnet__error(HDNET_EINVAL, "empty directory name");
        size_t n = strlen(dir);
        d = malloc(n + 1);
        if (!d)
            return hdnet__error(HDNET_ENOMEM, "directory name");
        memcpy(d, dir, n + 1);
    }
    free(tr->ckdir);
    tr->ckdir = d;
    return HDNET_OK;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int save_in_dir(const hdnet_trainer *tr, const hdnet_net *net, const char *name, size_t u,
                       int numbered)
{
    char path[4096];
    int n = numbered ? snprintf(path, sizeof path, "%s/%s%zu.npz", tr->ckdir, name, u)
                     : snprintf(path, sizeof path, "%s/%s", tr->ckdir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return hdnet__error(HDNET_EINVAL, "checkpoint path too long");
    return hdnet_net_save(net, path);
}

static int evaluate_pass(hdnet_trainer *tr, size_t p, int is_ckpt, double *ne)
{
    int rc = eval_set(tr->eng, tr->net, tr->S, tr->T, tr->Bmax, tr->sel.x, tr->sel.y, tr->sel.m,
                      tr->sel.out, ne);
    if (rc == HDNET_EDIVERGED) {
        *ne = NAN; /* never selected */
        rc = HDNET_OK;
    }
    if (rc)
        return rc;
    if (isfinite(*ne) && (!tr->have_best || *ne < tr->best_ne)) {
        memcpy(hdnet__net_params(tr->best), hdnet__net_params_const(tr->net), tr->P * sizeof(float));
        tr->have_best = 1;
        tr->best_ne = *ne;
        tr->best_update = p;
        if (tr->ckdir && (rc = save_in_dir(tr, tr->best, "model.npz", p, 0)) != HDNET_OK)
            return rc;
    }
    if (is_ckpt && tr->ckdir)
        return save_in_dir(tr, tr->net, "ckpt_", p, 1);
    return HDNET_OK;
}

int hdnet_trainer_run(hdnet_trainer *tr)
{
    if (!tr)
        return hdnet__error(HDNET_EINVAL, "tr is NULL");
    if (tr->state == ST_DONE)
        return hdnet__error(HDNET_ESTATE, "training has finished");
    if (tr->state == ST_DIVERGED)
        return hdnet__error(HDNET_ESTATE, "training diverged");
    const double t0 = now_s() - tr->elapsed;
    const size_t O = 2;
    while (tr->pass <= tr->U) {
        const size_t p = tr->pass;
        hdnet_progress pr;
        memset(&pr, 0, sizeof pr);
        pr.update = p;
        pr.total = tr->U;
        pr.ne = pr.grad_norm = pr.clip_factor = pr.lr = NAN;

        while (tr->ck_i < tr->nckpt && tr->ckpt[tr->ck_i] < p)
            tr->ck_i++;
        pr.is_ckpt = tr->ck_i < tr->nckpt && tr->ckpt[tr->ck_i] == p;
        int evaluated = pr.is_ckpt || (tr->eval_every && p % tr->eval_every == 0);
        int rc;
        if (evaluated && (rc = evaluate_pass(tr, p, pr.is_ckpt, &pr.ne)) != HDNET_OK)
            return rc;

        const size_t B = batch_at(tr, p);
        const int cur = p < tr->U0;
        const size_t T = cur ? tr->T0 : tr->T;
        pr.batch = B;
        rc = hdnet_task_generate(cur ? tr->task0 : tr->task, B, tr->x, B * T * 3, tr->y, B * T * O,
                                 tr->m, B * T * O, NULL, 0, NULL, 0);
        if (rc)
            return rc;
        const int step = p < tr->U;
        if (tr->hf)
            rc = step ? hdnet__hf_update(tr->hf, tr->net, B, tr->x, tr->y, tr->m, tr->noise, tr->rate_l2,
                                         pr.loss, &pr.grad_norm, &pr.clip_factor, &pr.lr)
                      : hdnet__hf_loss(tr->hf, tr->net, B, tr->x, tr->y, tr->m, tr->noise, tr->rate_l2,
                                       pr.loss);
        else
            rc = hdnet__engine_loss_grad(cur ? tr->eng0 : tr->eng, tr->net, B, tr->x, tr->y, tr->m,
                                         NULL, tr->noise, tr->rate_l2, pr.loss, step ? tr->grad : NULL);
        if (rc == HDNET_OK && !isfinite(pr.loss[HDNET_LOSS_TOTAL]))
            rc = hdnet__error(HDNET_EDIVERGED, "loss is %g at update %zu", pr.loss[HDNET_LOSS_TOTAL], p);
        if (rc) {
            if (rc == HDNET_EDIVERGED)
                tr->state = ST_DIVERGED;
            return rc;
        }
        pr.rate_l2 = tr->rate_l2;
        pr.rate_l2_next =
            hdnet__rate_rule(tr->rate_rule, tr->rate_l2, pr.loss[HDNET_LOSS_MAIN], pr.loss[HDNET_LOSS_RATE]);
        if (step && !tr->hf) {
            const hdnet_optim *o = tr->opt;
            double nrm = hdnet__seg_norm(tr->grad, o->seg, o->nseg);
            pr.grad_norm = nrm;
            if (!isfinite(nrm)) {
                tr->state = ST_DIVERGED;
                return hdnet__error(HDNET_EDIVERGED, "gradient norm is %g at update %zu", nrm, p);
            }
            double f = 1.0;
            if (tr->clip > 0) {
                f = tr->clip / (nrm + 1e-6);
                if (f > 1.0)
                    f = 1.0;
            }
            if (f < 1.0)
                hdnet__seg_scale(tr->grad, o->seg, o->nseg, f);
            pr.clip_factor = f;
            pr.lr = hdnet__lr_at(tr->cfg, p, tr->U);
            if (tr->U0 && p >= tr->U0) {
                /* after the curriculum the gradient scale jumps: the optimiser
                 * starts afresh, with its own warm-up */
                if (p == tr->U0)
                    hdnet__optim_reset(tr->opt);
                const size_t warm = (size_t)hdnet__cfg(tr->cfg, HDNET_P_WARMUP);
                if (p - tr->U0 < warm)
                    pr.lr *= (double)(p - tr->U0 + 1) / (double)warm;
            }
            tr->opt->lr = pr.lr;
            if (!hdnet__optim_step_checked(tr->opt, hdnet__net_params(tr->net), tr->grad)) {
                tr->state = ST_DIVERGED;
                return hdnet__error(HDNET_EDIVERGED, "the step at update %zu would make parameters "
                                    "non-finite; the network keeps those before it", p);
            }
            hdnet__net_enforce(tr->net);
        }
        tr->rate_l2 = pr.rate_l2_next;
        tr->pass++;
        if (tr->pass > tr->U)
            tr->state = ST_DONE;
        tr->elapsed = now_s() - t0;
        if (tr->fn && (p % tr->every == 0 || evaluated || p == tr->U)) {
            pr.best_ne = tr->have_best ? tr->best_ne : NAN;
            pr.best_update = tr->best_update;
            pr.elapsed = tr->elapsed;
            if (tr->fn(&pr, tr->user) != 0)
                return hdnet__error(HDNET_ECANCELED, "stopped by the progress callback at update %zu", p);
        }
    }
    return HDNET_OK;
}

int hdnet_trainer_best(const hdnet_trainer *tr, double *ne, size_t *update)
{
    if (!tr)
        return hdnet__error(HDNET_EINVAL, "tr is NULL");
    if (!tr->have_best)
        return hdnet__error(HDNET_ESTATE, "no model has been evaluated yet");
    if (ne)
        *ne = tr->best_ne;
    if (update)
        *update = tr->best_update;
    return HDNET_OK;
}

int hdnet_trainer_clone_best(const hdnet_trainer *tr, hdnet_net **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!tr)
        return hdnet__error(HDNET_EINVAL, "tr is NULL");
    if (!tr->have_best)
        return hdnet__error(HDNET_ESTATE, "no model has been evaluated yet");
    return hdnet_net_clone(tr->best, out);
}

int hdnet_trainer_copy_best(const hdnet_trainer *tr, hdnet_net *dst)
{
    if (!tr || !dst)
        return hdnet__error(HDNET_EINVAL, "tr or dst is NULL");
    if (!tr->have_best)
        return hdnet__error(HDNET_ESTATE, "no model has been evaluated yet");
    if (hdnet_net_num_params(dst) != tr->P)
        return hdnet__error(HDNET_ESHAPE, "network of %zu parameters, best has %zu",
                            hdnet_net_num_params(dst), tr->P);
    return hdnet_net_set_params(dst, hdnet__net_params_const(tr->best), tr->P);
}

const hdnet_optim *hdnet_trainer_optim(const hdnet_trainer *tr)
{
    return tr ? tr->opt : NULL;
}

size_t hdnet_trainer_next_pass(const hdnet_trainer *tr)
{
    return tr ? tr->pass : 0;
}
