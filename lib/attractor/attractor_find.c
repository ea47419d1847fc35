/* The fixed/slow-point finder: Levenberg-Marquardt on q(a) = |F(a, x)|^2 / 2
 * from many starts (in parallel), de-duplication, and the spectrum of each
 * point's Jacobian. */
#include "attractor/attractor_priv.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Everything the workers share; each worker takes the items i = tid, tid + T, ...
 * so that the results do not depend on the thread count. */
typedef struct {
    const hdnet__dyn *d;
    const double *c;        /* drive W_in x + b [n] */
    const double *gram;     /* W^T diag(alpha)^2 W [n][n] */
    const double *starts;   /* jittered starts [S][n] */
    double q_tol, step_tol, damping, eig_tol;
    size_t max_iter;
    /* per start */
    double *ends, *q;
    size_t *iters;
    /* per unique point (eigen phase) */
    hdnet_fixed_points *fp;
    size_t n_items;
    int (*fn)(void *job, size_t item, double *ws);
    size_t ws_len;
} find_job;

typedef struct {
    find_job *job;
    size_t tid, n_threads;
    int rc;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    find_job *job = w->job;
    double *ws = malloc(job->ws_len * sizeof *ws);
    if (!ws) {
        w->rc = hdnet__error(HDNET_ENOMEM, "finder workspace");
        return NULL;
    }
    for (size_t i = w->tid; i < job->n_items && w->rc == HDNET_OK; i += w->n_threads)
        w->rc = job->fn(job, i, ws);
    free(ws);
    return NULL;
}

/* Run job->fn over job->n_items items on n_threads threads (the calling thread is one). */
static int run_parallel(find_job *job, size_t n_threads)
{
    if (n_threads > job->n_items)
        n_threads = job->n_items ? job->n_items : 1;
    worker *ws = calloc(n_threads, sizeof *ws);
    pthread_t *tids = calloc(n_threads, sizeof *tids);
    if (!ws || !tids) {
        free(ws);
        free(tids);
        return hdnet__error(HDNET_ENOMEM, "finder threads");
    }
    size_t started = 1;
    for (size_t t = 0; t < n_threads; t++)
        ws[t] = (worker){job, t, n_threads, HDNET_OK};
    for (size_t t = 1; t < n_threads; t++, started++)
        if (pthread_create(&tids[t], NULL, worker_main, &ws[t]))
            break;
    /* threads that could not start: their items run on this thread */
    for (size_t t = started; t < n_threads; t++)
        worker_main(&ws[t]);
    worker_main(&ws[0]);
    for (size_t t = 1; t < started; t++)
        pthread_join(tids[t], NULL);
    int rc = HDNET_OK;
    for (size_t t = 0; t < n_threads && rc == HDNET_OK; t++)
        rc = ws[t].rc;
    free(ws);
    free(tids);
    return rc;
}

static double norm2(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

/* J^T J and J^T f in O(n^2): with J = -A + A W D (A = diag(alpha), D = diag(f')),
 * J^T J = A^2 - A^2 W D - D W^T A^2 + D (W^T A^2 W) D, and W^T A^2 W is fixed. */
static void normal_equations(const find_job *job, const double *fp, const double *f, double *amat, double *g)
{
    const hdnet__dyn *d = job->d;
    size_t n = d->n;
    const double *w = d->w, *al = d->alpha;
    for (size_t i = 0; i < n; i++) {
        const double *gi = job->gram + i * n;
        double *ai = amat + i * n;
        for (size_t j = 0; j < n; j++)
            ai[j] = fp[i] * gi[j] * fp[j] - al[i] * al[i] * w[i * n + j] * fp[j] - fp[i] * al[j] * al[j] * w[j * n + i];
        ai[i] += al[i] * al[i];
    }
    for (size_t j = 0; j < n; j++)
        g[j] = -al[j] * f[j];
    for (size_t i = 0; i < n; i++) {
        double s = al[i] * f[i];
        const double *wi = w + i * n;
        for (size_t j = 0; j < n; j++)
            g[j] += s * wi[j] * fp[j];
    }
}

/* Solve the symmetric positive definite system A x = b in place by Cholesky
 * (A [n][n] overwritten by its factor). Here rather than LAPACK: the
 * factorisation is small, and a call inside these worker threads would meet
 * the BLAS library's own threads. 0 on success, -1 if A is not positive definite. */
static int chol_solve(size_t n, double *a, double *b)
{
    for (size_t j = 0; j < n; j++) {
        double *aj = a + j * n;
        double djj = aj[j];
        for (size_t k = 0; k < j; k++)
            djj -= aj[k] * aj[k];
        if (!(djj > 0))
            return -1;
        djj = sqrt(djj);
        aj[j] = djj;
        for (size_t i = j + 1; i < n; i++) {
            double *ai = a + i * n, s = ai[j];
            for (size_t k = 0; k < j; k++)
                s -= ai[k] * aj[k];
            ai[j] = s / djj;
        }
    }
    /* L y = b, then L^T x = y (L in the lower triangle, row-major) */
    for (size_t i = 0; i < n; i++) {
        const double *ai = a + i * n;
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= ai[k] * b[k];
        b[i] = s / ai[i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= a[k * n + i] * b[k];
        b[i] = s / a[i * n + i];
    }
    return 0;
}

/* One start: Levenberg-Marquardt with Nielsen's damping update.
 * ws: J^T J, J^T J + mu I [n][n]; a, r, fp, f, an, rn, fpn, fn, g, delta [n]. */
static int lm_start(void *arg, size_t s, double *ws)
{
    find_job *job = arg;
    const hdnet__dyn *d = job->d;
    size_t n = d->n;
    double *amat = ws, *sys = amat + n * n, *a = sys + n * n, *r = a + n, *fp = r + n, *f = fp + n;
    double *an = f + n, *rn = an + n, *fpn = rn + n, *fn = fpn + n, *g = fn + n, *delta = g + n;
    memcpy(a, job->starts + s * n, n * sizeof *a);
    double q = hdnet__dyn_field(d, a, job->c, r, fp, f);
    double mu = -1, nu = 2;
    size_t it = 0;
    while (it < job->max_iter && q > job->q_tol) {
        normal_equations(job, fp, f, amat, g);
        if (mu < 0) {
            double tr = 0;
            for (size_t j = 0; j < n; j++)
                tr += amat[j * n + j];
            mu = job->damping * (tr > 0 ? tr / (double)n : 1.0);
        }
        int accepted = 0;
        double step = 0;
        for (int tries = 0; tries < 60 && !accepted; tries++) {
            /* (A + mu I) delta = -g; the solve overwrites its matrix */
            for (size_t i = 0; i < n; i++)
                delta[i] = -g[i];
            memcpy(sys, amat, n * n * sizeof *sys);
            for (size_t j = 0; j < n; j++)
                sys[j * n + j] += mu;
            if (chol_solve(n, sys, delta) != 0) {
                mu *= nu;
                nu *= 2;
                continue;
            }
            for (size_t i = 0; i < n; i++)
                an[i] = a[i] + delta[i];
            double qn = hdnet__dyn_field(d, an, job->c, rn, fpn, fn);
            double pred = 0;
            for (size_t i = 0; i < n; i++)
                pred += delta[i] * (mu * delta[i] - g[i]);
            pred *= 0.5;
            if (isfinite(qn) && qn < q) {
                double rho = pred > 0 ? (q - qn) / pred : 1.0;
                double t = 2 * rho - 1;
                mu *= fmax(1.0 / 3.0, 1 - t * t * t);
                nu = 2;
                memcpy(a, an, n * sizeof *a);
                memcpy(r, rn, n * sizeof *r);
                memcpy(fp, fpn, n * sizeof *fp);
                memcpy(f, fn, n * sizeof *f);
                q = qn;
                accepted = 1;
                step = norm2(delta, n);
            } else {
                mu *= nu;
                nu *= 2;
            }
        }
        it++;
        if (!accepted || step <= job->step_tol * (1 + norm2(a, n)))
            break;
    }
    memcpy(job->ends + s * n, a, n * sizeof *a);
    job->q[s] = q;
    job->iters[s] = it;
    return HDNET_OK;
}

static int cmp_desc_re(const void *x, const void *y)
{
    const double *a = x, *b = y;
    return (a[0] < b[0]) - (a[0] > b[0]);
}

/* One unique point: its rates, heading, velocity and the spectrum of J.
 * ws: J [n][n], pairs [n][2], wr, wi, r, fp, f [n]. */
static int eig_point(void *arg, size_t k, double *ws)
{
    find_job *job = arg;
    const hdnet__dyn *d = job->d;
    hdnet_fixed_points *fp = job->fp;
    size_t n = d->n;
    double *jac = ws, *pairs = jac + n * n, *wr = pairs + 2 * n, *wi = wr + n, *r = wi + n;
    double *fpr = r + n, *f = fpr + n;
    const double *a = fp->arr[HDNET_FPA_STATE] + k * n;
    fp->arr[HDNET_FPA_Q][k] = hdnet__dyn_field(d, a, job->c, r, fpr, f);
    memcpy(fp->arr[HDNET_FPA_RATE] + k * n, r, n * sizeof *r);
    double vel = NAN;
    fp->arr[HDNET_FPA_HEADING][k] = d->no >= 2 ? hdnet__dyn_heading(d, r, fpr, f, &vel) : NAN;
    fp->arr[HDNET_FPA_VELOCITY][k] = vel;
    hdnet__dyn_jacobian(d, fpr, jac);
    if (hdnet__dgeev((int)n, jac, wr, wi) != 0)
        return hdnet__error(HDNET_EDIVERGED, "eigenvalues of the Jacobian at point %zu failed", k);
    for (size_t i = 0; i < n; i++) {
        pairs[2 * i] = wr[i];
        pairs[2 * i + 1] = wi[i];
    }
    qsort(pairs, n, 2 * sizeof *pairs, cmp_desc_re);
    size_t unstable = 0, marginal = 0;
    for (size_t i = 0; i < n; i++) {
        fp->arr[HDNET_FPA_EIG_RE][k * n + i] = pairs[2 * i];
        fp->arr[HDNET_FPA_EIG_IM][k * n + i] = pairs[2 * i + 1];
        if (pairs[2 * i] > job->eig_tol)
            unstable++;
        else if (fabs(pairs[2 * i]) <= job->eig_tol)
            marginal++;
    }
    fp->arr[HDNET_FPA_N_UNSTABLE][k] = (double)unstable;
    fp->arr[HDNET_FPA_N_MARGINAL][k] = (double)marginal;
    return HDNET_OK;
}

/* (q, start index) pairs, by q then index */
static int cmp_by_q(const void *x, const void *y)
{
    const double *a = x, *b = y;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* Greedy merge of the kept ends in order of increasing q (pairs [m][2] sorted by
 * cmp_by_q): uniq[u] is the start representing point u, count[u] its starts. */
static size_t dedup(const double *ends, const double *pairs, size_t m, size_t n, double tol, size_t *uniq,
                    size_t *count)
{
    size_t k = 0;
    for (size_t o = 0; o < m; o++) {
        size_t s = (size_t)pairs[2 * o + 1];
        const double *e = ends + s * n;
        size_t hit = k;
        for (size_t u = 0; u < k && hit == k; u++) {
            const double *p = ends + uniq[u] * n;
            double d2 = 0;
            for (size_t i = 0; i < n && d2 <= tol * tol; i++)
                d2 += (e[i] - p[i]) * (e[i] - p[i]);
            if (d2 <= tol * tol)
                hit = u;
        }
        if (hit == k) {
            uniq[k] = s;
            count[k++] = 0;
        }
        count[hit]++;
    }
    return k;
}

static int alloc_result(hdnet_fixed_points **out, size_t k, size_t n)
{
    hdnet_fixed_points *fp = calloc(1, sizeof *fp);
    if (!fp)
        return hdnet__error(HDNET_ENOMEM, "finder result");
    fp->k = k;
    fp->n = n;
    for (int a = 0; a < HDNET_FPA_COUNT; a++) {
        int wide = a == HDNET_FPA_STATE || a == HDNET_FPA_RATE || a == HDNET_FPA_EIG_RE || a == HDNET_FPA_EIG_IM;
        fp->arr[a] = calloc((wide ? k * n : k) + 1, sizeof(double));
        if (!fp->arr[a]) {
            hdnet_fp_free(fp);
            return hdnet__error(HDNET_ENOMEM, "finder result");
        }
    }
    *out = fp;
    return HDNET_OK;
}

void hdnet_fp_free(hdnet_fixed_points *fp)
{
    if (!fp)
        return;
    for (int a = 0; a < HDNET_FPA_COUNT; a++)
        free(fp->arr[a]);
    free(fp);
}

static int check_find_args(const hdnet_net *net, const double *starts, size_t n_starts, size_t starts_len,
                           const double *x, size_t x_len, double jitter, const hdnet_rng *rng)
{
    if (!net || !starts)
        return hdnet__error(HDNET_EINVAL, "net or starts is NULL");
    if (!n_starts)
        return hdnet__error(HDNET_EINVAL, "n_starts is 0");
    size_t want;
    if (hdnet__mul(n_starts, net->n, &want) || starts_len != want)
        return hdnet__error(HDNET_ESHAPE, "starts has %zu values, expected %zu x %zu", starts_len, n_starts,
                            net->n);
    for (size_t i = 0; i < want; i++)
        if (!isfinite(starts[i]))
            return hdnet__error(HDNET_ERANGE, "starts[%zu] is not finite", i);
    if (x) {
        if (x_len != net->ni)
            return hdnet__error(HDNET_ESHAPE, "x has %zu values, expected %zu", x_len, net->ni);
        for (size_t i = 0; i < x_len; i++)
            if (!isfinite(x[i]))
                return hdnet__error(HDNET_ERANGE, "x[%zu] is not finite", i);
    }
    if (jitter > 0 && !rng)
        return hdnet__error(HDNET_EINVAL, "jitter %g needs an rng", jitter);
    return HDNET_OK;
}

int hdnet_fp_find(const hdnet_net *net, const hdnet_fpparams *params, const double *starts, size_t n_starts,
                  size_t starts_len, const double *x, size_t x_len, hdnet_rng *rng, hdnet_fixed_points **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    hdnet_fpparams dflt;
    if (!params) {
        hdnet__fpparams_defaults(&dflt);
        params = &dflt;
    }
    const double *pv = params->value;
    int rc = check_find_args(net, starts, n_starts, starts_len, x, x_len, pv[HDNET_FP_JITTER], rng);
    if (rc != HDNET_OK)
        return rc;
    size_t n = net->n;
    hdnet__dyn d;
    if ((rc = hdnet__dyn_init(&d, net)) != HDNET_OK)
        return rc;
    double *c = malloc(n * sizeof *c), *gram = malloc(n * n * sizeof *gram), *st = malloc(starts_len * sizeof *st);
    double *ends = malloc(starts_len * sizeof *ends), *q = malloc(n_starts * sizeof *q);
    size_t *iters = malloc(n_starts * sizeof *iters);
    double *order = malloc(2 * n_starts * sizeof *order);
    size_t *uniq = malloc(n_starts * sizeof *uniq), *count = malloc(n_starts * sizeof *count);
    hdnet_fixed_points *fp = NULL;
    if (!c || !gram || !st || !ends || !q || !iters || !order || !uniq || !count) {
        rc = hdnet__error(HDNET_ENOMEM, "finder buffers");
        goto done;
    }
    hdnet__dyn_drive(&d, x, c);
    for (size_t i = 0; i < n; i++) /* gram = W^T A^2 W */
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t l = 0; l < n; l++)
                s += d.w[l * n + i] * d.alpha[l] * d.alpha[l] * d.w[l * n + j];
            gram[i * n + j] = s;
        }
    memcpy(st, starts, starts_len * sizeof *st);
    if (pv[HDNET_FP_JITTER] > 0) {
        if ((rc = hdnet_rng_normal(rng, ends, starts_len)) != HDNET_OK)
            goto done;
        for (size_t i = 0; i < starts_len; i++)
            st[i] += pv[HDNET_FP_JITTER] * ends[i];
    }
    size_t n_threads = pv[HDNET_FP_THREADS] > 0 ? (size_t)pv[HDNET_FP_THREADS]
                                                 : (size_t)(net->threads > 0 ? net->threads : 1);
    find_job job = {.d = &d, .c = c, .starts = st, .q_tol = pv[HDNET_FP_Q_TOL],
                    .step_tol = pv[HDNET_FP_STEP_TOL], .damping = pv[HDNET_FP_DAMPING],
                    .eig_tol = pv[HDNET_FP_EIG_TOL], .max_iter = (size_t)pv[HDNET_FP_MAX_ITER],
                    .ends = ends, .q = q, .iters = iters, .n_items = n_starts, .fn = lm_start,
                    .gram = gram, .ws_len = 2 * n * n + 10 * n};
    if ((rc = run_parallel(&job, n_threads)) != HDNET_OK)
        goto done;
    /* keep, de-duplicate */
    size_t m = 0, n_conv = 0, it_sum = 0;
    for (size_t s = 0; s < n_starts; s++) {
        it_sum += iters[s];
        n_conv += q[s] <= pv[HDNET_FP_Q_TOL];
        if (q[s] <= pv[HDNET_FP_Q_KEEP]) {
            order[2 * m] = q[s];
            order[2 * m++ + 1] = (double)s;
        }
    }
    qsort(order, m, 2 * sizeof *order, cmp_by_q);
    size_t k = dedup(ends, order, m, n, pv[HDNET_FP_DEDUP], uniq, count);
    if ((rc = alloc_result(&fp, k, n)) != HDNET_OK)
        goto done;
    for (size_t u = 0; u < k; u++) {
        memcpy(fp->arr[HDNET_FPA_STATE] + u * n, ends + uniq[u] * n, n * sizeof(double));
        fp->arr[HDNET_FPA_N_STARTS][u] = (double)count[u];
    }
    fp->scalar[HDNET_FPS_N_STARTS] = (double)n_starts;
    fp->scalar[HDNET_FPS_N_CONVERGED] = (double)n_conv;
    fp->scalar[HDNET_FPS_N_KEPT] = (double)m;
    fp->scalar[HDNET_FPS_MEAN_ITER] = (double)it_sum / (double)n_starts;
    job.fp = fp;
    job.n_items = k;
    job.fn = eig_point;
    job.ws_len = n * n + 8 * n;
    if (k && (rc = run_parallel(&job, n_threads)) != HDNET_OK)
        goto done;
    hdnet__fp_summarise(fp);
    *out = fp;
    fp = NULL;
done:
    hdnet_fp_free(fp);
    free(c);
    free(gram);
    free(st);
    free(ends);
    free(q);
    free(iters);
    free(order);
    free(uniq);
    free(count);
    hdnet__dyn_free(&d);
    return rc;
}
