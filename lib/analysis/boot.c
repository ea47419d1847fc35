/* Trial-block bootstrap of the per-unit statistics that decide a unit's class
 * (docs/analyses.md, "Uncertainty"). Each block keeps its own sums of the heading
 * curve and of the AV tuning at the preferred heading; a resample is a weighted sum
 * of blocks, so no sample is revisited. */
#include "core/internal.h"
#include "analysis/analysis_priv.h"
#include "hdnet/trust.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NSTAT 4 /* range, S, slope, A: the statistics that are resampled */

struct hdnet_boot {
    size_t N, H, W, K;
    size_t hw;                 /* half-width in bins of the 15-degree smoothing of the heading curve */
    hdnet_aparams p;
    int all_steps, matlab;
    double lo, hi;
    double *hd_edges, *win_edges, *win_centres;
    double *csum, *ccnt;       /* heading curve while turning: [K][H][N], [K][H] */
    double *gsum, *gcnt;       /* AV tuning over all headings in the window: [K][W][N], [K][W] */
    double *amin, *amax;       /* [K][N] */
    double *nblock;            /* [K] samples per block */
    int resampled;
    size_t n_boot;
    double *est;               /* [HDNET_BS_COUNT][HDNET_BW_COUNT][N] */
    double *rep;               /* [n_boot][NSTAT][N] */
};

void hdnet_boot_free(hdnet_boot *b)
{
    if (!b)
        return;
    free(b->hd_edges);
    free(b->win_edges);
    free(b->win_centres);
    free(b->csum);
    free(b->ccnt);
    free(b->gsum);
    free(b->gcnt);
    free(b->amin);
    free(b->amax);
    free(b->nblock);
    free(b->est);
    free(b->rep);
    free(b);
}

static double *copy_array(const hdnet_tuning *t, int id, size_t *len, int *rc)
{
    size_t n;
    *rc = hdnet_tuning_array_shape(t, id, &n, NULL);
    if (*rc)
        return NULL;
    double *x = malloc(n * sizeof *x);
    if (!x) {
        *rc = HDNET_ENOMEM;
        return NULL;
    }
    *rc = hdnet_tuning_copy(t, id, x, n);
    if (len)
        *len = n;
    return x;
}

int hdnet_boot_create(hdnet_boot **out, const hdnet_tuning *t, const hdnet_aparams *params, size_t n_blocks)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_create: out is NULL");
    *out = NULL;
    if (!t)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_create: NULL accumulator");
    if (n_blocks < 4 || n_blocks > 1000)
        return hdnet__error(HDNET_ERANGE, "hdnet_boot_create: n_blocks %zu outside 4 ... 1000", n_blocks);
    double pass, nu, lo, hi;
    if (hdnet_tuning_scalar(t, HDNET_TS_PASS, &pass) || hdnet_tuning_scalar(t, HDNET_TS_N_UNITS, &nu))
        return HDNET_EINVAL;
    if (pass < 3)
        return hdnet__error(HDNET_ESTATE, "hdnet_boot_create: the accumulator's passes are not done");
    if (hdnet_tuning_scalar(t, HDNET_TS_WIN_LO, &lo) || hdnet_tuning_scalar(t, HDNET_TS_WIN_HI, &hi) ||
        !(lo < hi))
        return hdnet__error(HDNET_ESTATE, "hdnet_boot_create: the accumulator has no AV window");
    hdnet_boot *b = calloc(1, sizeof *b);
    if (!b)
        return hdnet__error(HDNET_ENOMEM, "hdnet_boot_create: out of memory");
    if (params)
        b->p = *params;
    else
        hdnet__aparams_defaults(&b->p);
    b->N = (size_t)nu;
    b->K = n_blocks;
    b->lo = lo;
    b->hi = hi;
    int compat = (int)hdnet__ap(&b->p, HDNET_A_COMPAT);
    b->all_steps = compat != HDNET_COMPAT_LIBRARY;
    b->matlab = compat == HDNET_COMPAT_MATLAB;
    int rc = HDNET_OK;
    size_t len;
    b->hd_edges = copy_array(t, HDNET_TU_HD_EDGES, &len, &rc);
    if (!rc) {
        b->H = len - 1;
        b->win_edges = copy_array(t, HDNET_TU_WIN_EDGES, &len, &rc);
    }
    if (!rc) {
        b->hw = (size_t)floor(7.5 * (double)b->H / 360.0 + 0.5); /* 7.5 degrees either side */
        b->W = len - 1;
        b->win_centres = copy_array(t, HDNET_TU_WIN_CENTRES, NULL, &rc);
    }
    size_t N = b->N, K = b->K;
    if (!rc) {
        b->csum = calloc(K * b->H * N, sizeof *b->csum);
        b->ccnt = calloc(K * b->H, sizeof *b->ccnt);
        b->gsum = calloc(K * b->W * N, sizeof *b->gsum);
        b->gcnt = calloc(K * b->W, sizeof *b->gcnt);
        b->amin = malloc(K * N * sizeof *b->amin);
        b->amax = malloc(K * N * sizeof *b->amax);
        b->nblock = calloc(K, sizeof *b->nblock);
        if (!b->csum || !b->ccnt || !b->gsum || !b->gcnt || !b->amin || !b->amax || !b->nblock)
            rc = HDNET_ENOMEM;
    }
    if (rc) {
        hdnet_boot_free(b);
        return rc == HDNET_ENOMEM ? hdnet__error(rc, "hdnet_boot_create: out of memory") : rc;
    }
    for (size_t i = 0; i < K * N; i++) {
        b->amin[i] = INFINITY;
        b->amax[i] = -INFINITY;
    }
    *out = b;
    return HDNET_OK;
}

/* Heading bin of a wrapped heading in degrees, as the accumulator bins it. */
static size_t hd_bin(const hdnet_boot *b, double deg)
{
    if (deg >= 360.0)
        return b->matlab ? b->H - 1 : 0;
    long k = hdnet__bin_find(b->hd_edges, b->H, deg);
    return k < 0 ? 0 : (size_t)k;
}

/* Adds a rate row to a row of sums. */
static void add_rates(double *restrict dst, const float *restrict r, size_t n)
{
    for (size_t u = 0; u < n; u++)
        dst[u] += (double)r[u];
}

/* One sample of trial block k: activity range; heading curve while turning (omega != 0:
 * the zero-AV stretches sit in a few trials at a few headings and would make the curve
 * depend on how many of those trials are analysed); AV tuning over all headings. */
static void add_sample(hdnet_boot *b, size_t k, size_t step, size_t cue, double th, double w, const float *r)
{
    size_t N = b->N, W = b->W;
    if (step >= cue) {
        double *mn = b->amin + k * N, *mx = b->amax + k * N;
        for (size_t u = 0; u < N; u++) {
            mn[u] = r[u] < mn[u] ? r[u] : mn[u];
            mx[u] = r[u] > mx[u] ? r[u] : mx[u];
        }
    }
    if (!b->all_steps && step < cue)
        return;
    b->nblock[k] += 1;
    if (w != 0) {
        size_t kh = hd_bin(b, th);
        add_rates(b->csum + (k * b->H + kh) * N, r, N);
        b->ccnt[k * b->H + kh] += 1;
    }
    if (!(w >= b->lo && w <= b->hi))
        return;
    long jw = w == b->hi ? (long)W - 1 : hdnet__bin_find(b->win_edges, W, w);
    if (jw < 0)
        return;
    add_rates(b->gsum + (k * W + (size_t)jw) * N, r, N);
    b->gcnt[k * W + (size_t)jw] += 1;
}

int hdnet_boot_add(hdnet_boot *b, size_t first_trial, size_t n_trials, size_t n_steps, size_t cue,
                   const double *heading, size_t heading_len, const double *av, size_t av_len,
                   const float *rates, size_t rates_len)
{
    if (!b || !heading || !av || !rates)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_add: NULL argument");
    if (b->resampled)
        return hdnet__error(HDNET_ESTATE, "hdnet_boot_add: already resampled");
    if (cue > n_steps)
        return hdnet__error(HDNET_ERANGE, "hdnet_boot_add: cue %zu > n_steps %zu", cue, n_steps);
    size_t S, SN;
    if (hdnet__mul(n_trials, n_steps, &S) || hdnet__mul(S, b->N, &SN))
        return hdnet__error(HDNET_ESHAPE, "hdnet_boot_add: size overflow");
    if (heading_len < S || av_len < S || rates_len < SN)
        return hdnet__error(HDNET_ESHAPE, "hdnet_boot_add: heading/av need %zu values, rates %zu", S, SN);
    for (size_t s = 0; s < S; s++)
        if (!isfinite(heading[s]) || !isfinite(av[s]))
            return hdnet__error(HDNET_ERANGE, "hdnet_boot_add: non-finite heading or av at sample %zu", s);
    for (size_t i = 0; i < SN; i++)
        if (!isfinite(rates[i]))
            return hdnet__error(HDNET_ERANGE, "hdnet_boot_add: non-finite rate at sample %zu", i / b->N);
    const double deg = 180.0 / HDNET__PI;
    for (size_t tr = 0; tr < n_trials; tr++) {
        size_t k = (first_trial + tr) % b->K;
        for (size_t st = 0; st < n_steps; st++) {
            size_t s = tr * n_steps + st;
            double th = fmod(heading[s] * deg, 360.0);
            if (th < 0)
                th += 360.0;
            add_sample(b, k, st, cue, th, av[s] * deg, rates + s * b->N);
        }
    }
    return HDNET_OK;
}

int hdnet_boot_collect(hdnet_boot *b, const hdnet_net *net, size_t n_trials, size_t n_steps, size_t cue,
                       const float *inputs, size_t inputs_len, const double *heading, size_t heading_len,
                       const double *av, size_t av_len, size_t chunk)
{
    if (!b || !net || !inputs || !heading || !av)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_collect: NULL argument");
    if (chunk == 0 || n_trials == 0 || n_steps == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_collect: zero chunk, trials or steps");
    size_t nu, ni, no, S = 0;
    int rc = hdnet_net_dims(net, &nu, &ni, &no);
    if (rc)
        return rc;
    if (nu != b->N || ni != 3 || no != 2)
        return hdnet__error(HDNET_ESHAPE, "hdnet_boot_collect: network has %zu units, %zu inputs, %zu outputs; "
                            "need %zu, 3, 2", nu, ni, no, b->N);
    if (hdnet__mul(n_trials, n_steps, &S) || S > SIZE_MAX / 3 || inputs_len < S * 3 || heading_len < S ||
        av_len < S)
        return hdnet__error(HDNET_ESHAPE, "hdnet_boot_collect: inputs need %zu x %zu x 3 values, heading/av %zu",
                            n_trials, n_steps, S);
    if (chunk > n_trials)
        chunk = n_trials;
    size_t cs = chunk * n_steps;
    float *rates = malloc(cs * b->N * sizeof *rates), *outs = malloc(cs * 2 * sizeof *outs);
    if (!rates || !outs) {
        free(rates);
        free(outs);
        return hdnet__error(HDNET_ENOMEM, "hdnet_boot_collect: cannot allocate the chunk workspace");
    }
    for (size_t b0 = 0; b0 < n_trials && rc == HDNET_OK; b0 += chunk) {
        size_t nb = n_trials - b0 < chunk ? n_trials - b0 : chunk, ns = nb * n_steps;
        rc = hdnet_net_run(net, nb, n_steps, inputs + b0 * n_steps * 3, ns * 3, NULL, 0, NULL, outs, ns * 2,
                           rates, ns * b->N, NULL, 0);
        if (rc == HDNET_OK)
            rc = hdnet_boot_add(b, b0, nb, n_steps, cue, heading + b0 * n_steps, ns, av + b0 * n_steps, ns,
                                rates, ns * b->N);
    }
    free(rates);
    free(outs);
    return rc;
}

/* Scratch space of one evaluation of the statistics under block weights. */
typedef struct {
    double *curve, *den; /* [H][N], [H] */
    double *g, *gden;    /* [W][N], [W] */
    double *m, *cnt;     /* [W], [W]: one unit's AV tuning */
    double *c;           /* [H]: one unit's heading curve */
    double *odd, *odd_den; /* [H][N], [H]: the odd blocks' heading curve */
} scratch;

/* Least-squares slope of a unit's mean rate m[W] against omega over the samples of the AV
 * window: each bin weighted by its sample count cnt[W], the bin holding omega = 0 left out
 * (it pools the zero-AV stretches). Unlike the reference fit (HDNET_US_SLOPE) no bin is
 * dropped for its value: a rule that drops bins below a floor makes the slope jump when a
 * bin mean crosses the floor, and equal weights let the outer bins, which hold a few trials
 * each and fill only as the trial count grows, dominate the estimate (docs/analyses.md,
 * "Why the counts moved"). NaN when fewer than 3 bins hold samples. */
static double sample_slope(const hdnet_boot *b, const double *m, const double *cnt)
{
    int drop_zero = hdnet__ap(&b->p, HDNET_A_DROP_ZERO_BIN) != 0;
    double sw = 0, sx = 0, sy = 0, bins = 0;
    for (size_t j = 0; j < b->W; j++) {
        if (!(cnt[j] > 0) || (drop_zero && b->win_edges[j] <= 0 && 0 < b->win_edges[j + 1]))
            continue;
        sw += cnt[j];
        sx += cnt[j] * b->win_centres[j];
        sy += cnt[j] * m[j];
        bins += 1;
    }
    if (bins < 3)
        return NAN;
    double xm = sx / sw, ym = sy / sw, sxy = 0, sxx = 0;
    for (size_t j = 0; j < b->W; j++) {
        if (!(cnt[j] > 0) || (drop_zero && b->win_edges[j] <= 0 && 0 < b->win_edges[j + 1]))
            continue;
        sxy += cnt[j] * (b->win_centres[j] - xm) * (m[j] - ym);
        sxx += cnt[j] * (b->win_centres[j] - xm) * (b->win_centres[j] - xm);
    }
    return sxx > 0 ? sxy / sxx : NAN;
}

/* The statistics (range, S, slope, A), each [N], of the blocks weighted by wt[K]. */
static void stats_for(const hdnet_boot *b, const double *wt, scratch *sc, double *out)
{
    size_t N = b->N, H = b->H, W = b->W, K = b->K;
    double *range = out, *S = out + N, *slope = out + 2 * N, *A = out + 3 * N;
    memset(sc->curve, 0, H * N * sizeof *sc->curve);
    memset(sc->den, 0, H * sizeof *sc->den);
    memset(sc->g, 0, W * N * sizeof *sc->g);
    memset(sc->gden, 0, W * sizeof *sc->gden);
    for (size_t u = 0; u < N; u++) {
        range[u] = -INFINITY;
        S[u] = INFINITY; /* holds the minimum rate until the end */
    }
    for (size_t k = 0; k < K; k++) {
        double w = wt[k];
        if (w == 0)
            continue;
        const double *cs = b->csum + k * H * N, *cc = b->ccnt + k * H;
        for (size_t i = 0; i < H * N; i++)
            sc->curve[i] += w * cs[i];
        for (size_t h = 0; h < H; h++)
            sc->den[h] += w * cc[h];
        const double *gs = b->gsum + k * W * N, *gc = b->gcnt + k * W;
        for (size_t i = 0; i < W * N; i++)
            sc->g[i] += w * gs[i];
        for (size_t j = 0; j < W; j++)
            sc->gden[j] += w * gc[j];
        for (size_t u = 0; u < N; u++) {
            range[u] = fmax(range[u], b->amax[k * N + u]);
            S[u] = fmin(S[u], b->amin[k * N + u]);
        }
    }
    for (size_t u = 0; u < N; u++) {
        range[u] = isfinite(range[u] - S[u]) ? range[u] - S[u] : NAN;
        for (size_t h = 0; h < H; h++)
            sc->c[h] = sc->den[h] > 0 ? sc->curve[h * N + u] / sc->den[h] : NAN;
        double mx = -INFINITY, mn = INFINITY;
        for (size_t h = 0; h < H; h++) { /* NaN-aware circular moving average over half-width hw */
            double sum = 0, n = 0;
            for (size_t i = h + H - b->hw; i <= h + H + b->hw; i++)
                if (!isnan(sc->c[i % H])) {
                    sum += sc->c[i % H];
                    n += 1;
                }
            if (n > 0) {
                mx = fmax(mx, sum / n);
                mn = fmin(mn, sum / n);
            }
        }
        S[u] = mx >= mn ? mx - mn : NAN;
        for (size_t j = 0; j < W; j++) {
            sc->cnt[j] = sc->gden[j];
            sc->m[j] = sc->gden[j] > 0 ? sc->g[j * N + u] / sc->gden[j] : NAN;
        }
        slope[u] = sample_slope(b, sc->m, sc->cnt);
        A[u] = (S[u] > 0 && !isnan(slope[u])) ? fabs(slope[u]) * (b->hi - b->lo) / S[u] : NAN;
    }
}

/* Pearson correlation of the heading curves of the even and of the odd blocks, per unit. */
static void reliability(const hdnet_boot *b, scratch *sc, double *rel)
{
    size_t N = b->N, H = b->H, K = b->K;
    double *ce = sc->curve, *de = sc->den, *co = sc->odd, *dod = sc->odd_den;
    memset(ce, 0, H * N * sizeof *ce);
    memset(co, 0, H * N * sizeof *co);
    memset(de, 0, H * sizeof *de);
    memset(dod, 0, H * sizeof *dod);
    for (size_t k = 0; k < K; k++) {
        double *c = k % 2 ? co : ce, *d = k % 2 ? dod : de;
        for (size_t i = 0; i < H * N; i++)
            c[i] += b->csum[k * H * N + i];
        for (size_t h = 0; h < H; h++)
            d[h] += b->ccnt[k * H + h];
    }
    for (size_t u = 0; u < N; u++) {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 0;
        for (size_t h = 0; h < H; h++) {
            if (!(de[h] > 0 && dod[h] > 0))
                continue;
            double x = ce[h * N + u] / de[h], y = co[h * N + u] / dod[h];
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
            n += 1;
        }
        double vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
        rel[u] = (n >= 3 && vx > 0 && vy > 0) ? (sxy - sx * sy / n) / sqrt(vx * vy) : NAN;
    }
}

#define EST(b, stat, what) ((b)->est + ((size_t)(stat) * HDNET_BW_COUNT + (size_t)(what)) * (b)->N)

/* SE and percentile interval of every resampled statistic. */
static int summarise(hdnet_boot *b)
{
    size_t N = b->N, R = b->n_boot;
    double *x = malloc(R * sizeof *x);
    if (!x)
        return -1;
    for (int s = 0; s < NSTAT; s++)
        for (size_t u = 0; u < N; u++) {
            size_t n = 0;
            double sum = 0, sum2 = 0;
            for (size_t r = 0; r < R; r++) {
                double v = b->rep[(r * NSTAT + (size_t)s) * N + u];
                if (!isnan(v))
                    x[n++] = v;
            }
            for (size_t i = 0; i < n; i++)
                sum += x[i];
            for (size_t i = 0; i < n; i++)
                sum2 += (x[i] - sum / (double)n) * (x[i] - sum / (double)n);
            /* a statistic that is undefined in more than half the resamples has no interval */
            int ok = n * 2 > R && n >= 2;
            EST(b, s, HDNET_BW_SE)[u] = ok ? sqrt(sum2 / (double)(n - 1)) : NAN;
            EST(b, s, HDNET_BW_LO)[u] = ok ? hdnet__percentile(x, n, 0.025) : NAN;
            EST(b, s, HDNET_BW_HI)[u] = ok ? hdnet__percentile(x, n, 0.975) : NAN;
        }
    free(x);
    return 0;
}

int hdnet_boot_resample(hdnet_boot *b, size_t n_boot, uint64_t seed)
{
    if (!b)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_resample: NULL bootstrap");
    if (n_boot < 20 || n_boot > 100000)
        return hdnet__error(HDNET_ERANGE, "hdnet_boot_resample: n_boot %zu outside 20 ... 100000", n_boot);
    if (b->resampled)
        return hdnet__error(HDNET_ESTATE, "hdnet_boot_resample: already resampled");
    size_t N = b->N, K = b->K, H = b->H, W = b->W;
    for (size_t k = 0; k < K; k++)
        if (b->nblock[k] == 0)
            return hdnet__error(HDNET_ESTATE, "hdnet_boot_resample: block %zu has no samples (fewer trials "
                                "than blocks?)", k);
    scratch sc = {.curve = malloc(H * N * sizeof(double)), .den = malloc(H * sizeof(double)),
                  .g = malloc(W * N * sizeof(double)), .gden = malloc(W * sizeof(double)),
                  .m = malloc(W * sizeof(double)), .cnt = malloc(W * sizeof(double)),
                  .c = malloc(H * sizeof(double)), .odd = malloc(H * N * sizeof(double)),
                  .odd_den = malloc(H * sizeof(double))};
    double *wt = malloc(K * sizeof *wt), *one = malloc(NSTAT * N * sizeof *one);
    uint64_t *draw = malloc(K * sizeof *draw);
    b->est = malloc(HDNET_BS_COUNT * HDNET_BW_COUNT * N * sizeof *b->est);
    b->rep = malloc(n_boot * NSTAT * N * sizeof *b->rep);
    hdnet_rng *rng = NULL;
    int rc = HDNET_OK;
    if (!sc.curve || !sc.den || !sc.g || !sc.gden || !sc.m || !sc.cnt || !sc.odd || !sc.odd_den || !sc.c || !wt || !one || !draw || !b->est || !b->rep)
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_boot_resample: out of memory");
    if (!rc)
        rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, seed);
    if (!rc) {
        for (size_t i = 0; i < HDNET_BS_COUNT * HDNET_BW_COUNT * N; i++)
            b->est[i] = NAN;
        for (size_t k = 0; k < K; k++)
            wt[k] = 1;
        stats_for(b, wt, &sc, one);
        for (int s = 0; s < NSTAT; s++)
            memcpy(EST(b, s, HDNET_BW_VALUE), one + (size_t)s * N, N * sizeof *one);
        reliability(b, &sc, EST(b, HDNET_BS_REL, HDNET_BW_VALUE));
        for (size_t r = 0; r < n_boot && !rc; r++) {
            rc = hdnet_rng_randint(rng, K, draw, K);
            memset(wt, 0, K * sizeof *wt);
            for (size_t k = 0; k < K; k++)
                wt[draw[k]] += 1;
            stats_for(b, wt, &sc, b->rep + r * NSTAT * N);
        }
    }
    b->n_boot = n_boot;
    if (!rc && summarise(b))
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_boot_resample: out of memory");
    hdnet_rng_free(rng);
    free(sc.curve);
    free(sc.den);
    free(sc.g);
    free(sc.gden);
    free(sc.m);
    free(sc.cnt);
    free(sc.odd);
    free(sc.odd_den);
    free(sc.c);
    free(wt);
    free(one);
    free(draw);
    if (rc) {
        free(b->est);
        free(b->rep);
        b->est = b->rep = NULL;
        return rc;
    }
    b->resampled = 1;
    return HDNET_OK;
}

int hdnet_boot_unit_stat(const hdnet_boot *b, int stat, int what, double *out, size_t out_len)
{
    if (!b || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_unit_stat: NULL argument");
    if (stat < 0 || stat >= HDNET_BS_COUNT || what < 0 || what >= HDNET_BW_COUNT)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_unit_stat: unknown statistic %d or column %d", stat, what);
    if (out_len < b->N)
        return hdnet__error(HDNET_ESHAPE, "hdnet_boot_unit_stat: out needs %zu values", b->N);
    if (!b->resampled)
        return hdnet__error(HDNET_ESTATE, "hdnet_boot_unit_stat: not resampled yet");
    memcpy(out, EST(b, stat, what), b->N * sizeof *out);
    return HDNET_OK;
}

int hdnet_boot_classify(const hdnet_boot *b, const double *rule, int *cls, size_t cls_len, double *prob,
                        size_t prob_len, double *counts, size_t counts_len)
{
    if (!b || !cls)
        return hdnet__error(HDNET_EINVAL, "hdnet_boot_classify: NULL argument");
    size_t N = b->N, R = b->n_boot;
    if (cls_len < N || (prob && prob_len < N * HDNET_NCLASSES) ||
        (counts && counts_len < HDNET_NCLASSES * HDNET_CC_COLS))
        return hdnet__error(HDNET_ESHAPE, "hdnet_boot_classify: cls needs %zu, prob %zu, counts %d values", N,
                            N * HDNET_NCLASSES, HDNET_NCLASSES * HDNET_CC_COLS);
    if (!b->resampled)
        return hdnet__error(HDNET_ESTATE, "hdnet_boot_classify: not resampled yet");
    const double *rel = EST(b, HDNET_BS_REL, HDNET_BW_VALUE);
    const double *se_b = EST(b, HDNET_BS_SLOPE, HDNET_BW_SE), *se_a = EST(b, HDNET_BS_A, HDNET_BW_SE);
    int rc = hdnet_classify_interval(rule, N, EST(b, HDNET_BS_RANGE, HDNET_BW_VALUE),
                                     EST(b, HDNET_BS_S, HDNET_BW_VALUE), rel, EST(b, HDNET_BS_SLOPE, HDNET_BW_VALUE),
                                     se_b, EST(b, HDNET_BS_A, HDNET_BW_VALUE), se_a, cls);
    if (rc || (!prob && !counts))
        return rc;
    int *rc_cls = malloc(N * sizeof *rc_cls);
    double *pr = calloc(N * HDNET_NCLASSES, sizeof *pr), *cnt = malloc(R * HDNET_NCLASSES * sizeof *cnt);
    double *col = malloc(R * sizeof *col);
    if (!rc_cls || !pr || !cnt || !col) {
        free(rc_cls);
        free(pr);
        free(cnt);
        free(col);
        return hdnet__error(HDNET_ENOMEM, "hdnet_boot_classify: out of memory");
    }
    for (size_t r = 0; r < R && !rc; r++) {
        const double *x = b->rep + r * NSTAT * N;
        rc = hdnet_classify_interval(rule, N, x, x + N, rel, x + 2 * N, se_b, x + 3 * N, se_a, rc_cls);
        for (int c = 0; c < HDNET_NCLASSES; c++)
            cnt[r * HDNET_NCLASSES + (size_t)c] = 0;
        for (size_t u = 0; u < N && !rc; u++) {
            pr[u * HDNET_NCLASSES + (size_t)rc_cls[u]] += 1;
            cnt[r * HDNET_NCLASSES + (size_t)rc_cls[u]] += 1;
        }
    }
    if (!rc && prob)
        for (size_t i = 0; i < N * HDNET_NCLASSES; i++)
            prob[i] = pr[i] / (double)R;
    if (!rc && counts)
        for (int c = 0; c < HDNET_NCLASSES; c++) {
            double v = 0;
            for (size_t u = 0; u < N; u++)
                v += cls[u] == c;
            for (size_t r = 0; r < R; r++)
                col[r] = cnt[r * HDNET_NCLASSES + (size_t)c];
            counts[c * HDNET_CC_COLS + HDNET_CC_VALUE] = v;
            counts[c * HDNET_CC_COLS + HDNET_CC_LO] = hdnet__percentile(col, R, 0.025);
            counts[c * HDNET_CC_COLS + HDNET_CC_HI] = hdnet__percentile(col, R, 0.975);
        }
    free(rc_cls);
    free(pr);
    free(cnt);
    free(col);
    return rc;
}
