/* The gradient engine (docs/model.md §4): forward and backward over a batch with every
 * workspace allocated at create time and a pthreads pool.
 *
 * Thread-count independence: the batch is cut into fixed blocks of NB trials
 * (block k = trials [k NB, (k+1) NB)), whatever the number of threads. The
 * threads take blocks from a shared counter; each block writes its own partial
 * loss terms and gradient, and the caller sums the partials in block order.
 * Every floating-point operation and its order therefore depend only on the
 * batch, never on the thread count or on which thread ran which block: 1, 2
 * or 64 threads give bit-identical losses, gradients and outputs. Each trial
 * draws its noise from its own stream (a seed per trial), so the noise does
 * not depend on the split either.
 *
 * Workspaces (ld = N rounded up to the kernels' vector width, 8 or 16 floats;
 * padding columns are never read into a result):
 *   H [trial][T+1][ld]  slot 0 = h[-1] = f(a0), slot s = H_{s-1}; the rate
 *                       noise of step t is written to slot t+1 just before the step
 *   G [trial][T+1][ld]  pre-activation noise (if any), then D_t = f'(A_t) in
 *                       slot t (forward kernel), then Delta~_t = Delta_t diag(alpha)
 *                       (backward kernel, in place); slot T is 0
 *   E [trial][T][O]     output noise, then Ey_t = 2c M (y - yhat)
 * Per step the kernels do H_{t-1} W_rec^T fused with the input projection
 * x_t W_in^T + b (I = 3: three more rank-1 terms, cheaper than a separate GEMM
 * pass over B*T*N floats), the Euler update, f, f' and the noise; the readout,
 * the loss terms and Ey follow while the rows are in L1. Backward:
 * Delta~_{t+1} W_rec + Ey_t W_out fused with the rate terms and the Delta
 * recurrence. grad W_rec = G^T H (contiguous operands, row stride ld, one
 * product over all B(T+1) rows in exact arithmetic) and the W_in, b and W_out
 * sums are accumulated by the kernels' outer-product routine in panels of
 * PANEL steps inside the backward sweep, while those rows are still in cache,
 * instead of one more pass over the 40 MB of G and H (our own register-blocked
 * kernel; the portable set calls BLAS for the W_rec part). No BLAS call in the
 * vector path, so OpenBLAS threads never compete with ours. With grad_precision
 * = bf16 the W_rec sum reads copies of each panel rounded to bfloat16. */
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Trials per block: the unit of work and of the reduction, fixed so that the
 * results do not depend on the thread count (two register blocks of the
 * vector kernels; 100 trials make 13 blocks, enough to balance 2-4 threads). */
#define NB 8
#define PANEL 64 /* steps per gradient-sum panel in the backward pass (L2-resident) */

typedef struct worker {
    struct hdnet__engine *e;
    float *a;      /* [NB][ld] pre-activation state */
    float *delta;  /* [NB][ld] Delta state of the backward pass */
    float *acc;    /* [(ni + 1 + no) * ld]: per-block float sums for W_in, b, W_out */
    float *tmp;    /* [ld]: the block's sum of the Delta~_0 rows */
    float *gbf, *hbf; /* [PANEL][ld]: one trial's panel rounded to bfloat16 (grad_precision) */
    float *ybuf;   /* [NB][no] */
    float sums[2 * NB];
    hdnet_rng rngs[NB]; /* the noise streams of the block's trials */
    pthread_t tid;
    int started;
} worker;

typedef enum { JOB_LOSS_GRAD, JOB_RUN } job_kind;

struct hdnet__engine {
    size_t maxb, T, n, ni, no, ld, nsm;
    int nthreads;
    hdnet__kernels kern;
    float *H, *G, *E;
    float *wt, *w, *wout, *wint, *brec, *alpha, *oma, *a0, *f0, *d0, *bout;
    uint64_t *seeds;
    worker *ws;
    /* per-block partial results, summed in block order by the caller */
    size_t maxblk, psz;  /* blocks of a full batch; doubles per block in psm */
    float *pgw;          /* [block][n][ld] grad W_rec */
    double *psm;         /* [block][psz]: W_in [n][ni], b [n], W_out [no][n], b_out [no],
                          * a0 [n] (the direct term), Delta~_0 row sum [n], loss [3] */
    unsigned char *pdiv; /* [block]: non-finite state */
    double *red;         /* [nred]: sums over the blocks in double (grad W_rec, then psm) */
    size_t nred;
    atomic_size_t next;  /* next block to take */
    /* pool */
    pthread_mutex_t mu;
    pthread_cond_t start, done;
    unsigned long gen;
    int pending, stop, pool_ok;
    /* current job */
    job_kind job;
    const hdnet_net *net;
    size_t B;
    const float *x, *y, *m, *noise, *a_init;
    const hdnet_perturb *p;
    float *yout, *rates, *shadow;
    int draw, want_grad;
    double c, c2f, c1f; /* loss scale, rate L2/L1 gradient scales */
    float rate_sd, pre_sd, out_sd;
    int rng_kind;
};

static void *xaligned(size_t n_floats)
{
    size_t bytes;
    if (hdnet__mul(n_floats ? n_floats : 1, sizeof(float), &bytes))
        return NULL;
    bytes = (bytes + 63) & ~(size_t)63;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes))
        return NULL;
    memset(p, 0, bytes);
    return p;
}

/* ---- the per-block work ---- */

/* Prepare trials [b0, b0+bs): initial state (a, and f(a) in H slot 0), G slot T
 * = 0, and the trials' noise streams. */
static void prepare_block(struct hdnet__engine *e, worker *w, size_t b0, size_t bs)
{
    const size_t T = e->T, n = e->n, ld = e->ld, st = (T + 1) * ld;
    for (size_t i = 0; i < bs; i++) {
        size_t b = b0 + i;
        float *H = e->H + b * st, *G = e->G + b * st;
        float *ab = w->a + i * ld;
        if (e->a_init) {
            const float *ai = e->a_init + b * n;
            memcpy(ab, ai, n * sizeof *ab);
            hdnet__act_rows(e->net->act, e->net->slope, e->net->kink, ai, H, NULL, n);
        } else {
            memcpy(ab, e->a0, ld * sizeof *ab);
            memcpy(H, e->f0, ld * sizeof *H);
        }
        memset(G + T * ld, 0, ld * sizeof *G);
        if (!e->noise && e->draw)
            hdnet__rng_init(&w->rngs[i], e->rng_kind, e->seeds[b]);
    }
}

/* Noise of step t for trials [b0, b0+bs), written just before the step so it
 * is in cache: rate noise into H slot t+1 (which the kernel adds f(a) to),
 * pre-activation noise into G slot t, output noise into E (training) or the
 * output row (run). Each trial's stream yields, step by step, its rate noise
 * (N), then its pre-activation noise (N) and output noise (O) when those are
 * configured. */
static void step_noise(struct hdnet__engine *e, worker *w, size_t b0, size_t bs, size_t t)
{
    const size_t T = e->T, n = e->n, ld = e->ld, no = e->no, st = (T + 1) * ld;
    for (size_t i = 0; i < bs; i++) {
        const size_t b = b0 + i;
        float *h = e->H + b * st + (t + 1) * ld;
        if (e->noise) {
            memcpy(h, e->noise + (b * T + t) * n, n * sizeof *h);
            memset(h + n, 0, (ld - n) * sizeof *h);
            continue;
        }
        if (!e->draw)
            continue;
        hdnet_rng *r = &w->rngs[i];
        if (e->rate_sd > 0) {
            hdnet__rng_fill_normal_f32(r, h, n, e->rate_sd);
            memset(h + n, 0, (ld - n) * sizeof *h);
        }
        if (e->pre_sd > 0) {
            float *g = e->G + b * st + t * ld;
            hdnet__rng_fill_normal_f32(r, g, n, e->pre_sd);
            memset(g + n, 0, (ld - n) * sizeof *g);
        }
        if (e->out_sd > 0) {
            float *dst = e->job == JOB_LOSS_GRAD ? e->E + (b * T + t) * no
                         : e->yout               ? e->yout + (b * T + t) * no
                                                 : w->ybuf + i * no; /* drawn, unused */
            hdnet__rng_fill_normal_f32(r, dst, no, e->out_sd);
        }
    }
}

static int block_finite(const float *a, size_t bs, size_t ld, size_t n)
{
    for (size_t i = 0; i < bs; i++)
        for (size_t j = 0; j < n; j++)
            if (!isfinite(a[i * ld + j]))
                return 0;
    return 1;
}

static void fwd_args(const struct hdnet__engine *e, hdnet__fwd_args *fa, int noisy)
{
    fa->n = e->n;
    fa->ld = e->ld;
    fa->ni = e->ni;
    fa->w = e->wt;
    fa->win = e->wint;
    fa->bias = e->brec;
    fa->add_u = e->draw && e->pre_sd > 0;
    fa->alpha = e->alpha;
    fa->act = e->net->act;
    fa->kink = e->net->kink;
    fa->slope = e->net->slope;
    fa->noisy = noisy;
}

/* Block k of a loss/gradient job: its partial loss terms and gradient into
 * its own slots of pgw / psm / pdiv. */
static void block_loss_grad(struct hdnet__engine *e, worker *w, size_t k)
{
    const size_t T = e->T, n = e->n, ld = e->ld, ni = e->ni, no = e->no, st = (T + 1) * ld;
    const size_t blk = k * NB, bs = e->B - blk < NB ? e->B - blk : NB;
    float *gwrec = e->pgw + k * n * ld;
    double *g_win = e->psm + k * e->psz, *g_b = g_win + n * ni, *g_wout = g_b + n,
           *g_bout = g_wout + no * n, *g_a0 = g_bout + no, *d0sum = g_a0 + n, *loss = d0sum + n;
    memset(g_win, 0, e->psz * sizeof *g_win);
    hdnet__fwd_args fa;
    fwd_args(e, &fa, e->noise != NULL || (e->draw && e->rate_sd > 0));
    hdnet__bwd_args ba = {n, ld, no, e->w, e->wout, e->alpha, e->oma, (float)e->c2f, (float)e->c1f};
    hdnet__outer_args ga = {ld};
    static const float one = 1.0f;
    hdnet__out_args oa = {n, ld, no, e->wout};
    const float *bout = e->bout;
    const int out_noise = e->draw && e->out_sd > 0;
    const float c2 = (float)(2.0 * e->c);
    prepare_block(e, w, blk, bs);
    float *Hb = e->H + blk * st, *Gb = e->G + blk * st;
    double sm = 0, s2 = 0, s1 = 0;
    for (size_t t = 0; t < T; t++) {
        step_noise(e, w, blk, bs, t);
        e->kern.fwd(&fa, bs, Hb + t * ld, Hb + (t + 1) * ld, Gb + t * ld, st,
                    e->x + (blk * T + t) * ni, T * ni, w->a);
        /* readout, loss terms and Ey while the new rates are in cache */
        e->kern.out(&oa, bs, Hb + (t + 1) * ld, st, w->ybuf, no, w->sums);
        for (size_t i = 0; i < bs; i++) {
            const size_t q = ((blk + i) * T + t) * no;
            float *Et = e->E + q;
            for (size_t o = 0; o < no; o++) {
                float yv = w->ybuf[i * no + o] + bout[o] + (out_noise ? Et[o] : 0.0f);
                float r = yv - e->y[q + o], mk = e->m[q + o];
                sm += (double)mk * r * r;
                Et[o] = c2 * mk * r;
            }
            s2 += w->sums[2 * i];
            s1 += w->sums[2 * i + 1];
        }
    }
    loss[0] = sm;
    loss[1] = s2;
    loss[2] = s1;
    e->pdiv[k] = !block_finite(w->a, bs, ld, n);
    if (!e->want_grad)
        return;
    /* backward recurrence; every PANEL steps, the gradient sums over the
     * slots just finished while they are still in cache: grad W_rec +=
     * Delta~_s^T H_{s-1}, W_in += Delta~_s^T x_s, b += Delta~_s (slots s in
     * [t, hi)) and W_out += Ey_s^T H_s (H_s is slot s + 1) */
    memset(gwrec, 0, n * ld * sizeof *gwrec);
    memset(w->delta, 0, NB * ld * sizeof *w->delta);
    memset(w->acc, 0, (ni + 1 + no) * ld * sizeof *w->acc);
    size_t hi = T; /* slots [t, hi) are done and not yet summed (slot T of G is 0) */
    for (size_t t = T; t-- > 0;) {
        e->kern.bwd(&ba, bs, Gb + (t + 1) * ld, Gb + t * ld, Hb + (t + 1) * ld, st,
                    e->E + (blk * T + t) * no, T * no, w->delta);
        if (hi - t < PANEL && t > 0)
            continue;
        const size_t rows = hi - t;
        for (size_t i = 0; i < bs; i++) {
            const float *Gi = Gb + i * st + t * ld, *Hi = Hb + i * st + t * ld;
            if (e->net->grad_bf16) {
                hdnet__bf16_round(Gi, w->gbf, rows * ld);
                hdnet__bf16_round(Hi, w->hbf, rows * ld);
                e->kern.outer(&ga, rows, n, w->gbf, ld, w->hbf, ld, gwrec);
            } else {
                e->kern.outer(&ga, rows, n, Gi, ld, Hi, ld, gwrec);
            }
            e->kern.outer(&ga, rows, ni, e->x + ((blk + i) * T + t) * ni, ni, Gi, ld, w->acc);
            e->kern.outer(&ga, rows, 1, &one, 0, Gi, ld, w->acc + ni * ld);
            e->kern.outer(&ga, rows, no, e->E + ((blk + i) * T + t) * no, no, Hi + ld, ld,
                          w->acc + (ni + 1) * ld);
        }
        hi = t;
    }
    for (size_t j = 0; j < n; j++) {
        for (size_t q = 0; q < ni; q++)
            g_win[j * ni + q] = w->acc[q * ld + j];
        g_b[j] = w->acc[ni * ld + j];
        for (size_t q = 0; q < no; q++)
            g_wout[q * n + j] = w->acc[(ni + 1 + q) * ld + j];
    }
    for (size_t i = 0; i < bs; i++)
        for (size_t t = 0; t < T; t++)
            for (size_t o = 0; o < no; o++)
                g_bout[o] += e->E[((blk + i) * T + t) * no + o];
    /* initial state: Delta_{-1} = Delta_0 (1 - alpha) + D_{-1} (Delta~_0 W_rec); D_{-1}
     * is shared by all trials, so the Delta~_0 rows are summed (here per block, over
     * the blocks by the caller) and multiplied by W_rec once */
    memset(w->tmp, 0, ld * sizeof *w->tmp);
    for (size_t i = 0; i < bs; i++) {
        const float *d0t = Gb + i * st;
        const float *del = w->delta + i * ld;
        for (size_t j = 0; j < n; j++) {
            g_a0[j] += (double)del[j] * e->oma[j];
            w->tmp[j] += d0t[j];
        }
    }
    for (size_t j = 0; j < n; j++)
        d0sum[j] = w->tmp[j];
}

static int unit_in(const hdnet_perturb *p, const struct hdnet__perturb_item *it, size_t j)
{
    for (size_t u = 0; u < it->count; u++)
        if ((size_t)p->units[it->first + u] == j)
            return 1;
    return 0;
}

/* Block k of a forward job (outputs, rates, shadow; no reduction). */
static void block_run(struct hdnet__engine *e, worker *w, size_t kb)
{
    const size_t T = e->T, n = e->n, ld = e->ld, no = e->no, st = (T + 1) * ld;
    const hdnet_perturb *p = e->p;
    hdnet__fwd_args fa;
    fwd_args(e, &fa, e->noise != NULL || (e->draw && e->rate_sd > 0));
    const size_t blk = kb * NB, bs = e->B - blk < NB ? e->B - blk : NB;
    prepare_block(e, w, blk, bs);
    float *Hb = e->H + blk * st, *Gb = e->G + blk * st;
    for (size_t t = 0; t < T; t++) {
        /* outgoing perturbations: h_i[t-1] does not reach the recurrence */
        if (p)
            for (size_t q = 0; q < p->n_items; q++) {
                const struct hdnet__perturb_item *it = &p->items[q];
                if (it->mode == HDNET_PERTURB_RATE || t < it->t_on || t >= it->t_off)
                    continue;
                for (size_t i = 0; i < bs; i++)
                    for (size_t u = 0; u < it->count; u++)
                        Hb[i * st + t * ld + (size_t)p->units[it->first + u]] = 0.0f;
            }
        step_noise(e, w, blk, bs, t);
        e->kern.fwd(&fa, bs, Hb + t * ld, Hb + (t + 1) * ld, Gb + t * ld, st,
                    e->x + (blk * T + t) * e->ni, T * e->ni, w->a);
        for (size_t i = 0; i < bs; i++) {
            const size_t b = blk + i;
            float *h = Hb + i * st + (t + 1) * ld;
            if (e->shadow)
                memcpy(e->shadow + (b * T + t) * n, h, n * sizeof *h);
            if (p)
                for (size_t q = 0; q < p->n_items; q++) {
                    const struct hdnet__perturb_item *it = &p->items[q];
                    if (it->mode != HDNET_PERTURB_RATE || t < it->t_on || t >= it->t_off)
                        continue;
                    for (size_t u = 0; u < it->count; u++)
                        h[p->units[it->first + u]] = it->value;
                }
            if (e->rates)
                memcpy(e->rates + (b * T + t) * n, h, n * sizeof *h);
            if (e->yout) {
                float *yo = e->yout + (b * T + t) * no;
                for (size_t k = 0; k < no; k++) {
                    const float *wo = e->wout + k * ld;
                    float acc = 0.0f;
                    for (size_t j = 0; j < n; j++) {
                        int off = 0;
                        if (p)
                            for (size_t q = 0; q < p->n_items && !off; q++) {
                                const struct hdnet__perturb_item *it = &p->items[q];
                                off = it->mode == HDNET_PERTURB_OUTGOING_READOUT &&
                                      t >= it->t_on && t < it->t_off && unit_in(p, it, j);
                            }
                        if (!off)
                            acc += wo[j] * h[j];
                    }
                    float noise_y = (e->draw && e->out_sd > 0) ? yo[k] : 0.0f;
                    yo[k] = acc + e->bout[k] + noise_y;
                }
            }
        }
    }
    e->pdiv[kb] = !block_finite(w->a, bs, ld, n);
}

/* Take blocks from the shared counter until none is left. Which thread runs
 * which block varies from call to call; the results do not. */
static void run_job(struct hdnet__engine *e, worker *w)
{
    const size_t nblk = (e->B + NB - 1) / NB;
    for (size_t k; (k = atomic_fetch_add_explicit(&e->next, 1, memory_order_relaxed)) < nblk;) {
        if (e->job == JOB_LOSS_GRAD)
            block_loss_grad(e, w, k);
        else
            block_run(e, w, k);
    }
}

/* ---- the pool ---- */

static void *worker_main(void *arg)
{
    worker *w = arg;
    struct hdnet__engine *e = w->e;
    unsigned long seen = 0;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (e->gen == seen && !e->stop)
            pthread_cond_wait(&e->start, &e->mu);
        if (e->stop)
            break;
        seen = e->gen;
        pthread_mutex_unlock(&e->mu);
        run_job(e, w);
        pthread_mutex_lock(&e->mu);
        if (--e->pending == 0)
            pthread_cond_signal(&e->done);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

static void dispatch(struct hdnet__engine *e)
{
    atomic_store_explicit(&e->next, 0, memory_order_relaxed); /* published by the mutex */
    if (e->nthreads > 1) {
        pthread_mutex_lock(&e->mu);
        e->pending = e->nthreads - 1;
        e->gen++;
        pthread_cond_broadcast(&e->start);
        pthread_mutex_unlock(&e->mu);
    }
    run_job(e, &e->ws[0]);
    if (e->nthreads > 1) {
        pthread_mutex_lock(&e->mu);
        while (e->pending > 0)
            pthread_cond_wait(&e->done, &e->mu);
        pthread_mutex_unlock(&e->mu);
    }
}

void hdnet__engine_free(hdnet__engine *e)
{
    if (!e)
        return;
    if (e->pool_ok) {
        pthread_mutex_lock(&e->mu);
        e->stop = 1;
        pthread_cond_broadcast(&e->start);
        pthread_mutex_unlock(&e->mu);
        for (int i = 1; i < e->nthreads; i++)
            if (e->ws[i].started)
                pthread_join(e->ws[i].tid, NULL);
        pthread_cond_destroy(&e->start);
        pthread_cond_destroy(&e->done);
        pthread_mutex_destroy(&e->mu);
    }
    if (e->ws)
        for (int i = 0; i < e->nthreads; i++) {
            free(e->ws[i].a);
            free(e->ws[i].delta);
            free(e->ws[i].acc);
            free(e->ws[i].tmp);
            free(e->ws[i].gbf);
            free(e->ws[i].hbf);
            free(e->ws[i].ybuf);
        }
    free(e->ws);
    free(e->pgw);
    free(e->psm);
    free(e->pdiv);
    free(e->red);
    free(e->H);
    free(e->G);
    free(e->E);
    free(e->wt);
    free(e->w);
    free(e->wout);
    free(e->wint);
    free(e->brec);
    free(e->alpha);
    free(e->oma);
    free(e->a0);
    free(e->f0);
    free(e->d0);
    free(e->bout);
    free(e->seeds);
    free(e);
}

int hdnet__engine_create(hdnet__engine **out, const hdnet_net *net, size_t max_trials,
                         size_t n_steps, int n_threads)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!net)
        return hdnet__error(HDNET_EINVAL, "net is NULL");
    if (max_trials == 0 || n_steps == 0)
        return hdnet__error(HDNET_EINVAL, "engine needs at least one trial and one step");
    if (n_threads < 1 || n_threads > 256)
        return hdnet__error(HDNET_ERANGE, "threads=%d outside [1, 256]", n_threads);
    hdnet__kernels kern;
    int rc = hdnet__kernel_select(net->kernel, net->n, &kern);
    if (rc)
        return rc;
    struct hdnet__engine *e = calloc(1, sizeof *e);
    if (!e)
        return hdnet__error(HDNET_ENOMEM, "engine");
    e->kern = kern;
    e->maxb = max_trials;
    e->T = n_steps;
    e->n = net->n;
    e->ni = net->ni;
    e->no = net->no;
    e->ld = (net->n + kern.align - 1) / kern.align * kern.align;
    e->nthreads = n_threads;
    e->nsm = e->n * e->ni + e->n + e->no * e->n + e->no + e->n;
    const size_t ld = e->ld, n = e->n;
    size_t rows, big, ebig;
    if (hdnet__mul(max_trials, n_steps + 1, &rows) || hdnet__mul(rows, ld, &big) ||
        hdnet__mul(max_trials * n_steps, e->no, &ebig) || rows > (size_t)INT32_MAX) {
        hdnet__engine_free(e);
        return hdnet__error(HDNET_ENOMEM, "engine workspace too large");
    }
    e->H = xaligned(big);
    e->G = xaligned(big);
    e->E = xaligned(ebig);
    e->wt = xaligned(n * ld);
    e->w = xaligned(n * ld);
    e->wout = xaligned(e->no * ld);
    e->wint = xaligned(e->ni * ld);
    e->brec = xaligned(ld);
    e->alpha = xaligned(ld);
    e->oma = xaligned(ld);
    e->a0 = xaligned(ld);
    e->f0 = xaligned(ld);
    e->d0 = xaligned(ld);
    e->bout = xaligned(e->no);
    e->seeds = calloc(max_trials, sizeof *e->seeds);
    e->ws = calloc((size_t)n_threads, sizeof *e->ws);
    e->maxblk = (max_trials + NB - 1) / NB;
    e->psz = e->nsm + n + 3;
    e->pgw = xaligned(e->maxblk * n * ld);
    e->psm = calloc(e->maxblk * e->psz, sizeof *e->psm);
    e->pdiv = calloc(e->maxblk, 1);
    e->nred = n * n > e->psz ? n * n : e->psz;
    e->red = calloc(e->nred, sizeof *e->red);
    int ok = e->H && e->G && e->E && e->wt && e->w && e->wout && e->wint && e->brec && e->alpha &&
             e->oma && e->a0 && e->f0 && e->d0 && e->bout && e->seeds && e->ws && e->pgw &&
             e->psm && e->pdiv && e->red;
    for (int i = 0; ok && i < n_threads; i++) {
        worker *w = &e->ws[i];
        w->e = e;
        w->a = xaligned(NB * ld);
        w->delta = xaligned(NB * ld);
        w->acc = xaligned((e->ni + 1 + e->no) * ld);
        w->tmp = xaligned(ld);
        w->ybuf = xaligned(NB * e->no);
        w->gbf = xaligned(PANEL * ld);
        w->hbf = xaligned(PANEL * ld);
        ok = w->a && w->delta && w->acc && w->tmp && w->ybuf && w->gbf && w->hbf;
    }
    if (!ok) {
        hdnet__engine_free(e);
        return hdnet__error(HDNET_ENOMEM, "engine workspaces (%zu trials x %zu steps)", max_trials,
                            n_steps);
    }
    if (n_threads > 1) {
        if (pthread_mutex_init(&e->mu, NULL)) {
            hdnet__engine_free(e);
            return hdnet__error(HDNET_ENOMEM, "mutex");
        }
        if (pthread_cond_init(&e->start, NULL)) {
            pthread_mutex_destroy(&e->mu);
            hdnet__engine_free(e);
            return hdnet__error(HDNET_ENOMEM, "condition variable");
        }
        if (pthread_cond_init(&e->done, NULL)) {
            pthread_cond_destroy(&e->start);
            pthread_mutex_destroy(&e->mu);
            hdnet__engine_free(e);
            return hdnet__error(HDNET_ENOMEM, "condition variable");
        }
        e->pool_ok = 1;
        for (int i = 1; i < n_threads; i++) {
            if (pthread_create(&e->ws[i].tid, NULL, worker_main, &e->ws[i])) {
                hdnet__engine_free(e);
                return hdnet__error(HDNET_ENOMEM, "cannot start worker thread %d", i);
            }
            e->ws[i].started = 1;
        }
    }
    *out = e;
    return HDNET_OK;
}

/* Copy the current parameters into the engine's padded layouts. */
static void load_params(struct hdnet__engine *e, const hdnet_net *net)
{
    const size_t n = e->n, ni = e->ni, no = e->no, ld = e->ld;
    const float *P = net->params;
    const float *win = P + net->off[HDNET_W_IN], *b = P + net->off[HDNET_B_REC],
                *wr = P + net->off[HDNET_W_REC], *wo = P + net->off[HDNET_W_OUT],
                *bo = P + net->off[HDNET_B_OUT], *a0 = P + net->off[HDNET_A0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            e->w[i * ld + j] = wr[i * n + j];
            e->wt[j * ld + i] = wr[i * n + j];
        }
    for (size_t k = 0; k < no; k++)
        memcpy(e->wout + k * ld, wo + k * n, n * sizeof(float));
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; k < ni; k++)
            e->wint[k * ld + j] = win[j * ni + k];
    memcpy(e->brec, b, n * sizeof(float));
    memcpy(e->bout, bo, no * sizeof(float));
    for (size_t j = 0; j < n; j++) {
        e->alpha[j] = net->alpha[j];
        e->oma[j] = 1.0f - net->alpha[j];
    }
    memcpy(e->a0, a0, n * sizeof(float));
    hdnet__act_rows(net->act, net->slope, net->kink, a0, e->f0, e->d0, n);
}

static int check_call(const struct hdnet__engine *e, const hdnet_net *net, size_t n_trials)
{
    if (!e || !net)
        return hdnet__error(HDNET_EINVAL, "engine or net is NULL");
    if (net->n != e->n || net->ni != e->ni || net->no != e->no)
        return hdnet__error(HDNET_EINVAL, "network dimensions differ from the engine's");
    if (n_trials == 0 || n_trials > e->maxb)
        return hdnet__error(HDNET_ESHAPE, "n_trials=%zu outside [1, %zu]", n_trials, e->maxb);
    return HDNET_OK;
}

static void draw_seeds(struct hdnet__engine *e, hdnet_rng *rng, size_t B)
{
    e->rng_kind = rng->kind;
    for (size_t b = 0; b < B; b++)
        e->seeds[b] = rng->kind == HDNET_RNG_NUMPY ? (uint64_t)hdnet__rng_next32(rng)
                                                     : hdnet__rng_next64(rng);
}

int hdnet__engine_loss_grad(hdnet__engine *e, const hdnet_net *net, size_t n_trials,
                            const float *x, const float *y, const float *m,
                            const float *noise, hdnet_rng *rng, double rate_l2,
                            double *loss, float *grad)
{
    int rc = check_call(e, net, n_trials);
    if (rc)
        return rc;
    if (!x || !y || !m || !loss)
        return hdnet__error(HDNET_EINVAL, "x, y, m or loss is NULL");
    if (!hdnet__act_trainable(net->act))
        return hdnet__error(HDNET_ENOTSUP, "binarymeanzero has no gradient");
    if (!(rate_l2 >= 0) || !isfinite(rate_l2))
        return hdnet__error(HDNET_ERANGE, "rate_l2=%g must be finite and >= 0", rate_l2);
    const size_t T = e->T, n = e->n, ni = e->ni, no = e->no, B = n_trials;
    load_params(e, net);
    double msum = 0;
    for (size_t i = 0; i < B * T * no; i++)
        msum += m[i];
    double c = msum > 0 ? 1.0 / msum : 0.0;
    if (net->half_mse)
        c *= 0.5;
    const double btn = (double)B * (double)T * (double)n;
    e->job = JOB_LOSS_GRAD;
    e->net = net;
    e->B = B;
    e->x = x;
    e->y = y;
    e->m = m;
    e->noise = noise;
    e->a_init = NULL;
    e->p = NULL;
    e->draw = noise == NULL && rng != NULL;
    e->want_grad = grad != NULL;
    e->c = c;
    e->c2f = 2.0 * rate_l2 / btn;
    e->c1f = net->rate_l1 / btn;
    e->rate_sd = (float)net->rate_noise;
    e->pre_sd = (float)net->pre_noise;
    e->out_sd = (float)net->out_noise;
    if (e->draw)
        draw_seeds(e, rng, B);
    dispatch(e);

    /* the partials, summed in block order */
    const size_t nblk = (B + NB - 1) / NB, psz = e->psz, nsm = e->nsm, ld = e->ld;
    double sm = 0, s2 = 0, s1 = 0;
    int diverged = 0;
    for (size_t k = 0; k < nblk; k++) {
        const double *l = e->psm + k * psz + nsm + n;
        sm += l[0];
        s2 += l[1];
        s1 += l[2];
        diverged |= e->pdiv[k];
    }
    const float *P = net->params;
    const float *win = P + net->off[HDNET_W_IN], *wo = P + net->off[HDNET_W_OUT];
    const size_t nreg = n * ni + no * n;
    double wsum = 0;
    for (size_t i = 0; i < n * ni; i++)
        wsum += (double)win[i] * win[i];
    for (size_t i = 0; i < no * n; i++)
        wsum += (double)wo[i] * wo[i];
    const double lw = net->weight_l2 / (double)nreg;
    /* the W_rec decay, wrec_l2 * mean(W_rec^2) */
    const float *wrec = P + net->off[HDNET_W_REC];
    const double lr = net->wrec_l2 / ((double)n * (double)n);
    double rsum = 0;
    for (size_t i = 0; lr > 0 && i < n * n; i++)
        rsum += (double)wrec[i] * wrec[i];
    loss[HDNET_LOSS_MAIN] = c * sm;
    loss[HDNET_LOSS_RATE] = rate_l2 * s2 / btn + net->rate_l1 * s1 / btn;
    loss[HDNET_LOSS_WEIGHT] = lw * wsum + lr * rsum;
    loss[HDNET_LOSS_TOTAL] = loss[HDNET_LOSS_MAIN] + loss[HDNET_LOSS_RATE] + loss[HDNET_LOSS_WEIGHT];
    if (diverged || !isfinite(loss[HDNET_LOSS_TOTAL]))
        return hdnet__error(HDNET_EDIVERGED, "non-finite state or loss");
    if (!grad)
        return HDNET_OK;

    float *g_win = grad + net->off[HDNET_W_IN], *g_b = grad + net->off[HDNET_B_REC],
          *g_wr = grad + net->off[HDNET_W_REC], *g_wo = grad + net->off[HDNET_W_OUT],
          *g_bo = grad + net->off[HDNET_B_OUT], *g_a0 = grad + net->off[HDNET_A0];
    /* W_in, b, W_out, b_out, the direct a0 term and the Delta~_0 row sum (psm order) */
    double *red = e->red;
    memset(red, 0, e->nred * sizeof *red);
    for (size_t k = 0; k < nblk; k++) {
        const double *ps = e->psm + k * psz;
        for (size_t q = 0; q < nsm + n; q++)
            red[q] += ps[q];
    }
    const double *d0sum = red + nsm;
    for (size_t q = 0; q < nsm; q++) {
        const double s = red[q];
        size_t r = q;
        if (r < n * ni)
            g_win[r] = (float)(s + 2.0 * lw * win[r]);
        else if ((r -= n * ni) < n)
            g_b[r] = (float)s;
        else if ((r -= n) < no * n)
            g_wo[r] = (float)(s + 2.0 * lw * wo[r]);
        else if ((r -= no * n) < no)
            g_bo[r] = (float)s;
        else {
            r -= no; /* a0: direct term + D_{-1} (sum of Delta~_0 rows) W_rec */
            double g = 0;
            for (size_t mm = 0; mm < n; mm++)
                g += d0sum[mm] * e->w[mm * ld + r];
            g_a0[r] = (float)(s + (double)e->d0[r] * g);
        }
    }
    /* grad W_rec, in double over the blocks */
    memset(red, 0, n * n * sizeof *red);
    for (size_t k = 0; k < nblk; k++) {
        const float *gw = e->pgw + k * n * ld;
        for (size_t r = 0; r < n; r++)
            for (size_t j = 0; j < n; j++)
                red[r * n + j] += gw[r * ld + j];
    }
    for (size_t q = 0; q < n * n; q++)
        g_wr[q] = (float)(red[q] + 2.0 * lr * wrec[q]);
    if (net->self_mode == HDNET_SELF_NONE)
        for (size_t j = 0; j < n; j++)
            g_wr[j * n + j] = 0.0f;
    for (int blk = 0; blk < HDNET_NBLOCKS; blk++)
        if (!net->learn[blk])
            memset(grad + net->off[blk], 0, net->rows[blk] * net->cols[blk] * sizeof *grad);
    for (size_t k = 0; k < net->n_params; k++)
        if (!isfinite(grad[k]))
            return hdnet__error(HDNET_EDIVERGED, "non-finite gradient");
    return HDNET_OK;
}

int hdnet__engine_run(hdnet__engine *e, const hdnet_net *net, size_t n_trials, const float *x,
                      const float *noise, hdnet_rng *rng, const float *a_init,
                      const hdnet_perturb *p, float *y, float *rates, float *shadow)
{
    int rc = check_call(e, net, n_trials);
    if (rc)
        return rc;
    if (!x)
        return hdnet__error(HDNET_EINVAL, "x is NULL");
    load_params(e, net);
    e->job = JOB_RUN;
    e->net = net;
    e->B = n_trials;
    e->x = x;
    e->noise = noise;
    e->a_init = a_init;
    e->p = (p && p->n_items) ? p : NULL;
    e->yout = y;
    e->rates = rates;
    e->shadow = shadow;
    e->draw = noise == NULL && rng != NULL;
    e->want_grad = 0;
    e->rate_sd = (float)net->rate_noise;
    e->pre_sd = (float)net->pre_noise;
    e->out_sd = (float)net->out_noise;
    if (e->draw)
        draw_seeds(e, rng, n_trials);
    dispatch(e);
    for (size_t k = 0; k < (n_trials + NB - 1) / NB; k++)
        if (e->pdiv[k])
            return hdnet__error(HDNET_EDIVERGED, "non-finite state");
    return HDNET_OK;
}

int hdnet__engine_forward(hdnet__engine *e, const hdnet_net *net, size_t n_trials,
                          const float *x, float *y)
{
    if (!y)
        return hdnet__error(HDNET_EINVAL, "y is NULL");
    return hdnet__engine_run(e, net, n_trials, x, NULL, NULL, NULL, NULL, y, NULL, NULL);
}

int hdnet__run_batched(const hdnet_net *net, size_t n_trials, size_t n_steps, const float *x,
                       const float *noise, hdnet_rng *rng, const float *a_init,
                       const hdnet_perturb *p, float *y, float *rates, float *shadow)
{
    int threads = net->threads < 1 ? 1 : net->threads;
    size_t batch = (size_t)threads * HDNET__RUN_TRIALS_PER_THREAD;
    if (batch > n_trials)
        batch = n_trials;
    if ((size_t)threads > batch)
        threads = (int)batch;
    hdnet__engine *e;
    int rc = hdnet__engine_create(&e, net, batch, n_steps, threads);
    if (rc)
        return rc;
    const size_t T = n_steps, n = net->n, ni = net->ni, no = net->no;
    for (size_t b0 = 0; b0 < n_trials && !rc; b0 += batch) {
        size_t nb = n_trials - b0 < batch ? n_trials - b0 : batch;
        rc = hdnet__engine_run(e, net, nb, x + b0 * T * ni, noise ? noise + b0 * T * n : NULL, rng,
                               a_init ? a_init + b0 * n : NULL, p, y ? y + b0 * T * no : NULL,
                               rates ? rates + b0 * T * n : NULL,
                               shadow ? shadow + b0 * T * n : NULL);
    }
    hdnet__engine_free(e);
    return rc;
}
