/* Streaming tuning analyses: heading curves, joint HD x AV maps, AV tuning at the
 * preferred heading and its slope (docs/analyses.md).
 * Sums are kept [bin][unit] so each sample adds one contiguous row of N rates. */
#include "core/internal.h"
#include "analysis/analysis_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hdnet_tuning {
    hdnet_aparams p;
    size_t N, H, V, W;
    int compat;
    int pass;          /* 0, 1, 2; 3 = done */
    int pass2_skipped; /* sigma_AV undefined */
    int have_dec;
    double pw; /* preferred-heading window, degrees */
    /* pass 0 */
    uint64_t n_samples[3];
    uint64_t n_incl0, n_nz;
    double av_min, av_max, s1, s2, nz1, nz2, sabs;
    double sigma, lo, hi;
    long zero_row;
    double *hd_edges, *hd_centres, *av_edges, *av_centres, *win_edges, *win_centres;
    /* pass 1 */
    uint64_t n_incl1, n_nonfinite;
    double *sum_c[4];  /* [H][N]: true, decoded, ccw, cw */
    double *cnt_c;     /* [4][H] */
    double *sum_map[2]; /* [H*V][N], heading-major */
    double *cnt_map[2]; /* [H][V] */
    double *act_min, *act_max;
    double *us; /* [HDNET_US_COUNT][N] */
    double *gsum; /* [V][N] */
    double *gcnt; /* [V] */
    /* candidate units per 1-degree heading cell for pass 2: CSR, true and decoded */
    size_t *cand_start[2]; /* [361] */
    size_t *cand[2];
    double *phi_sel[2]; /* [N] argmax phi (true, decoded) */
    /* pass 2 */
    double *sum_pref[2], *cnt_pref[2]; /* [N][W] */
    double *fitmask[2];                /* [N][W] */
};

static size_t hd_bins_of(const hdnet_aparams *p)
{
    size_t h = (size_t)hdnet__ap(p, HDNET_A_HD_BINS);
    if (h == 0)
        h = hdnet__ap(p, HDNET_A_COMPAT) == HDNET_COMPAT_PYTORCH ? 99 : 360;
    return h;
}

void hdnet_tuning_free(hdnet_tuning *t)
{
    if (!t)
        return;
    free(t->hd_edges);
    free(t->hd_centres);
    free(t->av_edges);
    free(t->av_centres);
    free(t->win_edges);
    free(t->win_centres);
    for (int i = 0; i < 4; i++)
        free(t->sum_c[i]);
    free(t->cnt_c);
    for (int i = 0; i < 2; i++) {
        free(t->sum_map[i]);
        free(t->cnt_map[i]);
        free(t->cand_start[i]);
        free(t->cand[i]);
        free(t->phi_sel[i]);
        free(t->sum_pref[i]);
        free(t->cnt_pref[i]);
        free(t->fitmask[i]);
    }
    free(t->act_min);
    free(t->act_max);
    free(t->us);
    free(t->gsum);
    free(t->gcnt);
    free(t);
}

static double *dalloc(size_t a, size_t b, int *fail)
{
    size_t n;
    if (hdnet__mul(a, b, &n) || n > SIZE_MAX / sizeof(double)) {
        *fail = 1;
        return NULL;
    }
    double *x = calloc(n ? n : 1, sizeof *x);
    if (!x)
        *fail = 1;
    return x;
}

int hdnet_tuning_create(hdnet_tuning **out, size_t n_units, const hdnet_aparams *params)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_create: out is NULL");
    *out = NULL;
    if (n_units == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_create: n_units is 0");
    hdnet_tuning *t = calloc(1, sizeof *t);
    if (!t)
        return hdnet__error(HDNET_ENOMEM, "hdnet_tuning_create: out of memory");
    if (params)
        t->p = *params;
    else
        hdnet__aparams_defaults(&t->p);
    t->N = n_units;
    t->H = hd_bins_of(&t->p);
    t->V = (size_t)hdnet__ap(&t->p, HDNET_A_AV_BINS);
    t->W = (size_t)hdnet__ap(&t->p, HDNET_A_AV_WINDOW_BINS);
    t->compat = (int)hdnet__ap(&t->p, HDNET_A_COMPAT);
    t->pw = hdnet__ap(&t->p, HDNET_A_PREF_WINDOW_DEG);
    t->av_min = INFINITY;
    t->av_max = -INFINITY;
    t->sigma = t->lo = t->hi = NAN;
    t->zero_row = -1;
    size_t N = n_units, H = t->H, V = t->V, W = t->W;
    int fail = 0;
    t->hd_edges = dalloc(H + 1, 1, &fail);
    t->hd_centres = dalloc(H, 1, &fail);
    t->av_edges = dalloc(V + 1, 1, &fail);
    t->av_centres = dalloc(V, 1, &fail);
    t->win_edges = dalloc(W + 1, 1, &fail);
    t->win_centres = dalloc(W, 1, &fail);
    for (int i = 0; i < 4; i++)
        t->sum_c[i] = dalloc(H, N, &fail);
    t->cnt_c = dalloc(4, H, &fail);
    for (int i = 0; i < 2; i++) {
        t->sum_map[i] = dalloc(V * H, N, &fail);
        t->cnt_map[i] = dalloc(V, H, &fail);
        t->phi_sel[i] = dalloc(N, 1, &fail);
        t->sum_pref[i] = dalloc(N, W, &fail);
        t->cnt_pref[i] = dalloc(N, W, &fail);
        t->fitmask[i] = dalloc(N, W, &fail);
        t->cand_start[i] = calloc(361, sizeof(size_t));
        t->cand[i] = calloc(360 * N, sizeof(size_t));
        if (!t->cand_start[i] || !t->cand[i])
            fail = 1;
    }
    t->act_min = dalloc(N, 1, &fail);
    t->act_max = dalloc(N, 1, &fail);
    t->us = dalloc(HDNET_US_COUNT, N, &fail);
    t->gsum = dalloc(V, N, &fail);
    t->gcnt = dalloc(V, 1, &fail);
    if (fail) {
        hdnet_tuning_free(t);
        return hdnet__error(HDNET_ENOMEM, "hdnet_tuning_create: cannot allocate for %zu units", n_units);
    }
    for (size_t u = 0; u < N; u++) {
        t->act_min[u] = INFINITY;
        t->act_max[u] = -INFINITY;
    }
    for (size_t i = 0; i < HDNET_US_COUNT * N; i++)
        t->us[i] = NAN;
    hdnet__linspace_edges(0.0, 360.0, H, t->hd_edges);
    for (size_t k = 0; k < H; k++)
        t->hd_centres[k] = 0.5 * (t->hd_edges[k] + t->hd_edges[k + 1]);
    *out = t;
    return HDNET_OK;
}

/* Heading in degrees wrapped to [0, 360]; an exact 360 (from -tiny + 360) can remain. */
static double wrap360(double deg)
{
    double d = fmod(deg, 360.0);
    if (d < 0)
        d += 360.0;
    return d;
}

static long hd_bin(const hdnet_tuning *t, double deg)
{
    if (deg >= 360.0)
        return t->compat == HDNET_COMPAT_MATLAB ? (long)t->H - 1 : 0;
    long k = hdnet__bin_find(t->hd_edges, t->H, deg);
    return k < 0 ? 0 : k;
}

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-vectorize")))
#endif
static void add_row(double *restrict dst, const float *restrict r, size_t n)
{
    size_t u = 0;
    for (; u + 4 <= n; u += 4) { /* unrolled so the compiler can pair the adds (SLP) */
        double a0 = dst[u] + (double)r[u], a1 = dst[u + 1] + (double)r[u + 1];
        double a2 = dst[u + 2] + (double)r[u + 2], a3 = dst[u + 3] + (double)r[u + 3];
        dst[u] = a0;
        dst[u + 1] = a1;
        dst[u + 2] = a2;
        dst[u + 3] = a3;
    }
    for (; u < n; u++)
        dst[u] += (double)r[u];
}

/* 1 if every value is finite (x*0 is NaN exactly for Inf and NaN). */
static int all_finite(const float *r, size_t n)
{
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t u = 0;
    for (; u + 4 <= n; u += 4) {
        s0 += r[u] * 0.0f;
        s1 += r[u + 1] * 0.0f;
        s2 += r[u + 2] * 0.0f;
        s3 += r[u + 3] * 0.0f;
    }
    for (; u < n; u++)
        s0 += r[u] * 0.0f;
    return (s0 + s1 + s2 + s3) == 0.0f;
}

/* The arguments of hdnet_tuning_add(): sizes, then every sample, so that a failed
 * call changes nothing. */
static int check_add(const hdnet_tuning *t, size_t n_trials, size_t n_steps, size_t cue, const double *heading,
                     size_t heading_len, const double *av, size_t av_len, const float *outputs, size_t outputs_len,
                     const float *rates, size_t rates_len)
{
    if (!t || !heading || !av)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_add: NULL argument");
    if (t->pass >= 3)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_add: all passes are done");
    if (t->pass > 0 && !rates)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_add: rates are required in pass %d", t->pass);
    if (cue > n_steps)
        return hdnet__error(HDNET_ERANGE, "hdnet_tuning_add: cue %zu > n_steps %zu", cue, n_steps);
    size_t S, SN, S2;
    if (hdnet__mul(n_trials, n_steps, &S) || hdnet__mul(S, t->N, &SN) || hdnet__mul(S, 2, &S2))
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_add: size overflow");
    if (heading_len < S || av_len < S)
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_add: heading/av need %zu values, got %zu/%zu", S,
                            heading_len, av_len);
    if (t->pass > 0 && rates_len < SN)
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_add: rates need %zu values, got %zu", SN, rates_len);
    if (t->pass > 0 && outputs && outputs_len < S2)
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_add: outputs need %zu values, got %zu", S2,
                            outputs_len);
    const double deg = 180.0 / HDNET__PI;
    size_t N = t->N;
    for (size_t s = 0; s < S; s++)
        if (!isfinite(heading[s]) || !isfinite(av[s]))
            return hdnet__error(HDNET_ERANGE, "hdnet_tuning_add: non-finite heading or av at sample %zu", s);
    if (t->pass > 0)
        for (size_t s = 0; s < S; s++)
            if (!all_finite(rates + s * N, N))
                return hdnet__error(HDNET_ERANGE, "hdnet_tuning_add: non-finite rate at sample %zu", s);
    int all_steps = t->compat != HDNET_COMPAT_LIBRARY;
    if (t->pass > 0)
        for (size_t b = 0; b < n_trials; b++)
            for (size_t k = all_steps ? 0 : cue; k < n_steps; k++) {
                double w = av[b * n_steps + k] * deg;
                if (w < t->av_min || w > t->av_max)
                    return hdnet__error(HDNET_ERANGE,
                                        "hdnet_tuning_add: av %g deg/step outside the pass-0 range [%g, %g]: "
                                        "every pass must see the same samples", w, t->av_min, t->av_max);
            }
    return HDNET_OK;
}

/* Pass 0: the range and moments of the angular velocity. */
static void add_pass0(hdnet_tuning *t, size_t n_trials, size_t n_steps, size_t cue, const double *av)
{
    const double deg = 180.0 / HDNET__PI;
    int all_steps = t->compat != HDNET_COMPAT_LIBRARY;
    for (size_t b = 0; b < n_trials; b++)
        for (size_t k = all_steps ? 0 : cue; k < n_steps; k++) {
            double w = av[b * n_steps + k] * deg;
            t->n_incl0++;
            if (w < t->av_min)
                t->av_min = w;
            if (w > t->av_max)
                t->av_max = w;
            t->s1 += w;
            t->s2 += w * w;
            t->sabs += fabs(w);
            if (w != 0) {
                t->n_nz++;
                t->nz1 += w;
                t->nz2 += w * w;
            }
        }
}

/* Pass 1, one sample: activity range, heading curves, joint maps (true and decoded). */
static void add_sample1(hdnet_tuning *t, double heading_deg, double w, const float *y, const float *r)
{
    size_t H = t->H, V = t->V, N = t->N;
    t->n_incl1++;
    long kh = hd_bin(t, wrap360(heading_deg));
    long ka = hdnet__bin_find(t->av_edges, V, w); /* in range: checked by check_add() */
    t->cnt_c[kh] += 1; /* sum_c[0] is formed from the map when pass 1 closes */
    /* c+ and c-: rows other than the zero row hold one sign only and are added
     * from the map when pass 1 closes; here only the zero row's samples. */
    if (w > 0) {
        if (ka == t->zero_row)
            add_row(t->sum_c[2] + (size_t)kh * N, r, N);
        t->cnt_c[2 * H + (size_t)kh] += 1;
    } else if (w < 0) {
        if (ka == t->zero_row)
            add_row(t->sum_c[3] + (size_t)kh * N, r, N);
        t->cnt_c[3 * H + (size_t)kh] += 1;
    }
    size_t cell = (size_t)kh * V + (size_t)ka; /* [hd][av]: consecutive samples stay close */
    add_row(t->sum_map[0] + cell * N, r, N);
    t->cnt_map[0][cell] += 1;
    if (!y)
        return;
    double th = hdnet__decoded_deg(y[0], y[1]);
    if (!isfinite(th)) {
        t->n_nonfinite++;
        return;
    }
    long kd = hd_bin(t, th);
    t->cnt_c[H + (size_t)kd] += 1;
    size_t celld = (size_t)kd * V + (size_t)ka;
    add_row(t->sum_map[1] + celld * N, r, N);
    t->cnt_map[1][celld] += 1;
}

static void add_pass1(hdnet_tuning *t, size_t n_trials, size_t n_steps, size_t cue, const double *heading,
                      const double *av, const float *outputs, const float *rates)
{
    const double deg = 180.0 / HDNET__PI;
    int all_steps = t->compat != HDNET_COMPAT_LIBRARY;
    size_t N = t->N;
    if (outputs)
        t->have_dec = 1;
    for (size_t b = 0; b < n_trials; b++)
        for (size_t k = 0; k < n_steps; k++) {
            size_t s = b * n_steps + k;
            const float *r = rates + s * N;
            if (k >= cue) {
                double *mn = t->act_min, *mx = t->act_max;
                for (size_t u = 0; u < N; u++) {
                    double v = r[u];
                    mn[u] = v < mn[u] ? v : mn[u];
                    mx[u] = v > mx[u] ? v : mx[u];
                }
            }
            if (all_steps || k >= cue)
                add_sample1(t, heading[s] * deg, av[s] * deg, outputs ? outputs + 2 * s : NULL, r);
        }
}

/* Pass 2, one sample in the AV window (bin jw) at heading th: the units whose
 * preferred heading (true: dec 0, decoded: 1) is within the window around th. */
static void add_pref(hdnet_tuning *t, int dec, double th, long jw, const float *r)
{
    long cell = (long)floor(th);
    if (cell >= 360)
        cell = 0;
    if (cell < 0)
        cell = 0;
    const size_t *cs = t->cand_start[dec], *cu = t->cand[dec], W = t->W;
    const double *phi = t->phi_sel[dec];
    for (size_t i = cs[cell]; i < cs[cell + 1]; i++) {
        size_t u = cu[i];
        double d = th - phi[u];
        if (d > 180.0)
            d -= 360.0;
        else if (d <= -180.0)
            d += 360.0;
        if (fabs(d) <= t->pw) {
            t->sum_pref[dec][u * W + (size_t)jw] += (double)r[u];
            t->cnt_pref[dec][u * W + (size_t)jw] += 1;
        }
    }
}

/* Pass 2: AV tuning at the preferred heading. */
static void add_pass2(hdnet_tuning *t, size_t n_trials, size_t n_steps, size_t cue, const double *heading,
                      const double *av, const float *outputs, const float *rates)
{
    const double deg = 180.0 / HDNET__PI;
    int all_steps = t->compat != HDNET_COMPAT_LIBRARY;
    size_t W = t->W;
    for (size_t b = 0; b < n_trials; b++)
        for (size_t k = all_steps ? 0 : cue; k < n_steps; k++) {
            size_t s = b * n_steps + k;
            double w = av[s] * deg;
            if (!(w >= t->lo && w <= t->hi))
                continue;
            long jw = w == t->hi ? (long)W - 1 : hdnet__bin_find(t->win_edges, W, w);
            if (jw < 0)
                continue;
            const float *r = rates + s * t->N;
            add_pref(t, 0, wrap360(heading[s] * deg), jw, r);
            double th = outputs ? hdnet__decoded_deg(outputs[2 * s], outputs[2 * s + 1]) : NAN;
            if (isfinite(th))
                add_pref(t, 1, th, jw, r);
        }
}

int hdnet_tuning_add(hdnet_tuning *t, size_t n_trials, size_t n_steps, size_t cue,
                     const double *heading, size_t heading_len, const double *av, size_t av_len,
                     const float *outputs, size_t outputs_len, const float *rates, size_t rates_len)
{
    int rc = check_add(t, n_trials, n_steps, cue, heading, heading_len, av, av_len, outputs, outputs_len, rates,
                       rates_len);
    if (rc)
        return rc;
    t->n_samples[t->pass] += n_trials * n_steps;
    if (t->pass == 0)
        add_pass0(t, n_trials, n_steps, cue, av);
    else if (t->pass == 1)
        add_pass1(t, n_trials, n_steps, cue, heading, av, outputs, rates);
    else
        add_pass2(t, n_trials, n_steps, cue, heading, av, outputs, rates);
    return HDNET_OK;
}

#define US(t, id) ((t)->us + (size_t)(id) * (t)->N)

/* Mean curve of unit u from [bin][unit] sums and counts. */
static void curve_of(const double *sum, const double *cnt, size_t nb, size_t N, size_t u, double *c)
{
    for (size_t k = 0; k < nb; k++)
        c[k] = cnt[k] > 0 ? sum[k * N + u] / cnt[k] : NAN;
}

static int close_pass0(hdnet_tuning *t)
{
    if (t->n_incl0 == 0)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_next_pass: no samples in pass 0");
    double pad = hdnet__ap(&t->p, HDNET_A_AV_EDGE_PAD);
    double hi_edge = t->av_max + pad;
    if (!(hi_edge > t->av_min))
        hi_edge = t->av_min + 1e-4;
    hdnet__linspace_edges(t->av_min, hi_edge, t->V, t->av_edges);
    for (size_t j = 0; j < t->V; j++)
        t->av_centres[j] = 0.5 * (t->av_edges[j] + t->av_edges[j + 1]);
    t->zero_row = hdnet__bin_find(t->av_edges, t->V, 0.0);
    if (t->n_nz >= 2) {
        double n = (double)t->n_nz;
        double var = (t->nz2 - t->nz1 * t->nz1 / n) / (n - 1);
        t->sigma = sqrt(var > 0 ? var : 0);
    }
    double sd = hdnet__ap(&t->p, HDNET_A_AV_WINDOW_SD);
    if (t->sigma > 0) {
        t->lo = fmax(-sd * t->sigma, t->av_min);
        t->hi = fmin(sd * t->sigma, t->av_max);
    }
    if (t->lo < t->hi) {
        hdnet__linspace_edges(t->lo, t->hi, t->W, t->win_edges);
        for (size_t j = 0; j < t->W; j++)
            t->win_centres[j] = 0.5 * (t->win_edges[j] + t->win_edges[j + 1]);
    } else {
        t->lo = t->hi = NAN;
        for (size_t j = 0; j <= t->W; j++)
            t->win_edges[j] = NAN;
        for (size_t j = 0; j < t->W; j++)
            t->win_centres[j] = NAN;
    }
    return HDNET_OK;
}

/* argmax centre, NaN if flat or empty */
static double pref_of(const hdnet_tuning *t, const double *c, double *phi_raw)
{
    long k = hdnet__nanargmax(c, t->H);
    *phi_raw = k < 0 ? NAN : t->hd_centres[k];
    double s = hdnet__nanmax(c, t->H) - hdnet__nanmin(c, t->H);
    return (k < 0 || !(s > 0)) ? NAN : t->hd_centres[k];
}

static void build_candidates(hdnet_tuning *t, int dec)
{
    size_t N = t->N, n = 0;
    double reach = t->pw + 1.0;
    for (int cell = 0; cell < 360; cell++) {
        t->cand_start[dec][cell] = n;
        for (size_t u = 0; u < N; u++) {
            double phi = t->phi_sel[dec][u];
            if (isnan(phi))
                continue;
            if (fabs(hdnet_wrap_deg(cell + 0.5 - phi)) <= reach)
                t->cand[dec][n++] = u;
        }
    }
    t->cand_start[dec][360] = n;
}

static int close_pass1(hdnet_tuning *t)
{
    size_t N = t->N, H = t->H, V = t->V;
    double *c = malloc((H > V ? H : V) * sizeof *c);
    if (!c)
        return hdnet__error(HDNET_ENOMEM, "hdnet_tuning_next_pass: out of memory");
    int baseline = (int)hdnet__ap(&t->p, HDNET_A_CM_BASELINE);
    size_t smooth = (size_t)hdnet__ap(&t->p, HDNET_A_SMOOTH_BINS);
    /* heading curves (true, decoded) from the map sums, in a fixed order */
    for (int m = 0; m < 2; m++)
        for (size_t k = 0; k < H; k++) {
            double *dst = t->sum_c[m] + k * N;
            for (size_t j = 0; j < V; j++) {
                const double *src = t->sum_map[m] + (k * V + j) * N;
                for (size_t u = 0; u < N; u++)
                    dst[u] += src[u];
            }
        }
    /* split curves: the pure-sign rows of the map plus the zero row's share */
    for (size_t k = 0; k < H; k++)
        for (size_t j = 0; j < V; j++) {
            int pos = t->av_edges[j] > 0, neg = t->av_edges[j + 1] <= 0;
            if (!pos && !neg)
                continue;
            double *dst = t->sum_c[pos ? 2 : 3] + k * N;
            const double *src = t->sum_map[0] + (k * V + j) * N;
            for (size_t u = 0; u < N; u++)
                dst[u] += src[u];
        }
    /* all-heading AV curve sums */
    for (size_t j = 0; j < V; j++)
        for (size_t k = 0; k < H; k++) {
            size_t cell = k * V + j;
            t->gcnt[j] += t->cnt_map[0][cell];
            double *dst = t->gsum + j * N;
            const double *src = t->sum_map[0] + cell * N;
            for (size_t u = 0; u < N; u++)
                dst[u] += src[u];
        }
    for (size_t u = 0; u < N; u++) {
        double raw;
        if (t->act_max[u] >= t->act_min[u]) {
            US(t, HDNET_US_ACT_MIN)[u] = t->act_min[u];
            US(t, HDNET_US_ACT_MAX)[u] = t->act_max[u];
            US(t, HDNET_US_RANGE)[u] = t->act_max[u] - t->act_min[u];
        }
        curve_of(t->sum_c[0], t->cnt_c, H, N, u, c);
        US(t, HDNET_US_S)[u] = hdnet__nanmax(c, H) - hdnet__nanmin(c, H);
        US(t, HDNET_US_PHI)[u] = pref_of(t, c, &raw);
        US(t, HDNET_US_PHI_ARGMAX)[u] = raw;
        t->phi_sel[0][u] = raw;
        double pcm, r;
        hdnet__circ_mean_curve(c, t->hd_centres, H, baseline, &pcm, &r);
        US(t, HDNET_US_PHI_CM)[u] = pcm;
        US(t, HDNET_US_R)[u] = r;
        long ks = hdnet__smoothed_argmax(c, H, smooth);
        US(t, HDNET_US_PHI_SMOOTH)[u] =
            (ks < 0 || !(US(t, HDNET_US_S)[u] > 0)) ? NAN : t->hd_centres[ks];
        /* decoded */
        t->phi_sel[1][u] = NAN;
        if (t->have_dec) {
            curve_of(t->sum_c[1], t->cnt_c + H, H, N, u, c);
            US(t, HDNET_US_S_DEC)[u] = hdnet__nanmax(c, H) - hdnet__nanmin(c, H);
            US(t, HDNET_US_PHI_DEC)[u] = pref_of(t, c, &raw);
            t->phi_sel[1][u] = raw;
        }
        /* split curves */
        double pp, pm;
        curve_of(t->sum_c[2], t->cnt_c + 2 * H, H, N, u, c);
        US(t, HDNET_US_PHI_CCW)[u] = pp = pref_of(t, c, &raw);
        US(t, HDNET_US_PEAK_CCW)[u] = hdnet__nanmax(c, H);
        curve_of(t->sum_c[3], t->cnt_c + 3 * H, H, N, u, c);
        US(t, HDNET_US_PHI_CW)[u] = pm = pref_of(t, c, &raw);
        US(t, HDNET_US_PEAK_CW)[u] = hdnet__nanmax(c, H);
        US(t, HDNET_US_DELTA)[u] = hdnet_wrap_deg(pp - pm);
        /* AV tuning over all headings */
        curve_of(t->gsum, t->gcnt, V, N, u, c);
        US(t, HDNET_US_AV_STRENGTH_ALL)[u] = hdnet__nanmax(c, V) - hdnet__nanmin(c, V);
        if (t->lo < t->hi) {
            size_t j0 = 0, j1;
            while (j0 < V && t->av_centres[j0] < t->lo)
                j0++;
            j1 = j0;
            while (j1 < V && t->av_centres[j1] <= t->hi)
                j1++;
            if (j1 > j0) {
                US(t, HDNET_US_AV_STRENGTH_WIN)[u] =
                    hdnet__nanmax(c + j0, j1 - j0) - hdnet__nanmin(c + j0, j1 - j0);
                double fit[HDNET__FIT_N];
                hdnet__slope_fit(&t->p, t->av_centres + j0, c + j0, t->gcnt + j0, t->av_edges + j0,
                                 j1 - j0, fit, NULL);
                US(t, HDNET_US_SLOPE_ALLHD)[u] = fit[0];
            }
        }
    }
    free(c);
    build_candidates(t, 0);
    if (t->have_dec)
        build_candidates(t, 1);
    else
        t->cand_start[1][360] = 0;
    if (!(t->lo < t->hi)) {
        t->pass2_skipped = 1;
        return hdnet__error(HDNET_ENOTSUP,
                            "sigma_AV undefined (no non-zero angular velocity): AV-window analyses skipped");
    }
    return HDNET_OK;
}

static void close_pass2(hdnet_tuning *t)
{
    size_t N = t->N, W = t->W;
    double m[4096];
    double *mb = W <= 4096 ? m : malloc(W * sizeof *mb);
    if (!mb)
        return;
    static const int ids[2][6] = {
        {HDNET_US_SLOPE, HDNET_US_SLOPE_SE, HDNET_US_SLOPE_T, HDNET_US_A, HDNET_US_AV_STRENGTH_PREF,
         HDNET_US_INTERCEPT},
        {HDNET_US_SLOPE_DEC, HDNET_US_SLOPE_DEC_SE, HDNET_US_SLOPE_DEC_T, HDNET_US_A_DEC,
         HDNET_US_AV_STRENGTH_PREF_DEC, HDNET_US_INTERCEPT_DEC}};
    for (int dec = 0; dec < 2; dec++) {
        if (dec == 1 && !t->have_dec)
            break;
        for (size_t u = 0; u < N; u++) {
            const double *sum = t->sum_pref[dec] + u * W;
            const double *cnt = t->cnt_pref[dec] + u * W;
            for (size_t j = 0; j < W; j++)
                mb[j] = cnt[j] > 0 ? sum[j] / cnt[j] : NAN;
            double fit[HDNET__FIT_N];
            hdnet__slope_fit(&t->p, t->win_centres, mb, cnt, t->win_edges, W, fit, t->fitmask[dec] + u * W);
            double S = US(t, dec ? HDNET_US_S_DEC : HDNET_US_S)[u];
            US(t, ids[dec][0])[u] = fit[0];
            US(t, ids[dec][1])[u] = fit[2];
            US(t, ids[dec][2])[u] = fit[3];
            US(t, ids[dec][3])[u] = (S > 0 && !isnan(fit[0])) ? fabs(fit[0]) * (t->hi - t->lo) / S : NAN;
            US(t, ids[dec][4])[u] = hdnet__nanmax(mb, W) - hdnet__nanmin(mb, W);
            US(t, ids[dec][5])[u] = fit[1];
            if (dec == 0) {
                US(t, HDNET_US_SLOPE_R2)[u] = fit[4];
                US(t, HDNET_US_SLOPE_N)[u] = fit[5];
                US(t, HDNET_US_SLOPE_SIGMA)[u] = fit[0] * t->sigma;
            }
        }
    }
    if (mb != m)
        free(mb);
}

int hdnet_tuning_next_pass(hdnet_tuning *t)
{
    if (!t)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_next_pass: NULL accumulator");
    if (t->pass >= 3)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_next_pass: all passes are done");
    if (t->pass > 0 && t->n_samples[t->pass] != t->n_samples[0])
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_next_pass: pass %d saw %llu samples, pass 0 saw %llu",
                            t->pass, (unsigned long long)t->n_samples[t->pass],
                            (unsigned long long)t->n_samples[0]);
    int rc = HDNET_OK;
    if (t->pass == 0) {
        rc = close_pass0(t);
        if (rc)
            return rc;
        t->pass = 1;
    } else if (t->pass == 1) {
        rc = close_pass1(t);
        if (rc == HDNET_ENOMEM)
            return rc;
        t->pass = rc == HDNET_ENOTSUP ? 3 : 2;
    } else {
        close_pass2(t);
        t->pass = 3;
    }
    return rc;
}

int hdnet_tuning_collect(hdnet_tuning *t, const hdnet_net *net, size_t n_trials, size_t n_steps, size_t cue,
                         const float *inputs, size_t inputs_len, const double *heading, size_t heading_len,
                         const double *av, size_t av_len, size_t chunk)
{
    if (!t || !net || !inputs || !heading || !av)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_collect: NULL argument");
    if (chunk == 0 || n_trials == 0 || n_steps == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_collect: zero chunk, trials or steps");
    size_t nu, ni, no;
    int rc = hdnet_net_dims(net, &nu, &ni, &no);
    if (rc)
        return rc;
    if (nu != t->N || ni != 3 || no != 2)
        return hdnet__error(HDNET_ESHAPE,
                            "hdnet_tuning_collect: network has %zu units, %zu inputs, %zu outputs; "
                            "need %zu, 3, 2", nu, ni, no, t->N);
    size_t S;
    if (hdnet__mul(n_trials, n_steps, &S) || S > SIZE_MAX / 3 || inputs_len < S * 3)
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_collect: inputs need %zu x %zu x 3 values",
                            n_trials, n_steps);
    if (heading_len < S || av_len < S)
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_collect: heading/av need %zu values", S);
    if (t->pass >= 3)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_collect: all passes are done");
    return hdnet__tuning_run(t, net, n_trials, n_steps, cue, inputs, heading, av, chunk, 1, NULL);
}

int hdnet__tuning_run(hdnet_tuning *t, const hdnet_net *net, size_t n_trials, size_t n_steps, size_t cue,
                      const float *inputs, const double *heading, const double *av, size_t chunk, int decoded,
                      float *outputs)
{
    size_t S = n_trials * n_steps;
    int rc = HDNET_OK;
    if (chunk > n_trials)
        chunk = n_trials;
    if (t->pass == 0) {
        rc = hdnet_tuning_add(t, n_trials, n_steps, cue, heading, S, av, S, NULL, 0, NULL, 0);
        if (rc)
            return rc;
        rc = hdnet_tuning_next_pass(t);
        if (rc)
            return rc;
    }
    size_t cs = chunk * n_steps;
    float *rates = malloc(cs * t->N * sizeof *rates);
    float *outs = malloc(cs * 2 * sizeof *outs);
    if (!rates || !outs) {
        free(rates);
        free(outs);
        return hdnet__error(HDNET_ENOMEM, "hdnet_tuning_collect: cannot allocate the chunk workspace");
    }
    while (t->pass < 3 && rc == HDNET_OK) {
        for (size_t b0 = 0; b0 < n_trials && rc == HDNET_OK; b0 += chunk) {
            size_t nb = n_trials - b0 < chunk ? n_trials - b0 : chunk;
            size_t ns = nb * n_steps;
            rc = hdnet_net_run(net, nb, n_steps, inputs + b0 * n_steps * 3, ns * 3, NULL, 0, NULL, outs,
                               ns * 2, rates, ns * t->N, NULL, 0);
            if (rc == HDNET_OK)
                rc = hdnet_tuning_add(t, nb, n_steps, cue, heading + b0 * n_steps, ns, av + b0 * n_steps, ns,
                                      decoded ? outs : NULL, ns * 2, rates, ns * t->N);
            if (rc == HDNET_OK && outputs && t->pass == 1)
                memcpy(outputs + b0 * n_steps * 2, outs, ns * 2 * sizeof *outs);
        }
        if (rc == HDNET_OK)
            rc = hdnet_tuning_next_pass(t);
    }
    free(rates);
    free(outs);
    return rc;
}

/* ---- getters ---- */

int hdnet_tuning_array_shape(const hdnet_tuning *t, int id, size_t *len, size_t dims[3])
{
    if (!t)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_array_shape: NULL accumulator");
    size_t N = t->N, H = t->H, V = t->V, W = t->W, d[3] = {1, 1, 1};
    switch (id) {
    case HDNET_TU_HD_EDGES: d[0] = H + 1; break;
    case HDNET_TU_HD_CENTRES: d[0] = H; break;
    case HDNET_TU_AV_EDGES: d[0] = V + 1; break;
    case HDNET_TU_AV_CENTRES: d[0] = V; break;
    case HDNET_TU_WIN_EDGES: d[0] = W + 1; break;
    case HDNET_TU_WIN_CENTRES: d[0] = W; break;
    case HDNET_TU_CURVE: case HDNET_TU_CURVE_DEC: case HDNET_TU_CURVE_CCW: case HDNET_TU_CURVE_CW:
        d[0] = N; d[1] = H; break;
    case HDNET_TU_CURVE_COUNTS: d[0] = 4; d[1] = H; break;
    case HDNET_TU_MAP: case HDNET_TU_MAP_DEC: case HDNET_TU_MAP_ROWNORM: case HDNET_TU_MAP_DEC_ROWNORM:
        d[0] = N; d[1] = V; d[2] = H; break;
    case HDNET_TU_MAP_COUNTS: case HDNET_TU_MAP_DEC_COUNTS: d[0] = V; d[1] = H; break;
    case HDNET_TU_AV_CURVE: d[0] = N; d[1] = V; break;
    case HDNET_TU_AV_COUNTS: d[0] = V; break;
    case HDNET_TU_PREF_CURVE: case HDNET_TU_PREF_COUNTS: case HDNET_TU_PREF_FITMASK:
    case HDNET_TU_PREF_CURVE_DEC: case HDNET_TU_PREF_COUNTS_DEC: case HDNET_TU_PREF_FITMASK_DEC:
        d[0] = N; d[1] = W; break;
    default:
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_array_shape: unknown array id %d", id);
    }
    if (len)
        *len = d[0] * d[1] * d[2];
    if (dims)
        memcpy(dims, d, sizeof d);
    return HDNET_OK;
}

static void copy_map(const hdnet_tuning *t, int dec, int rownorm, double *out)
{
    size_t N = t->N, H = t->H, V = t->V, C = V * H;
    const double *sum = t->sum_map[dec], *cnt = t->cnt_map[dec];
    double minr = hdnet__ap(&t->p, HDNET_A_ROWNORM_MIN_RANGE);
    for (size_t u = 0; u < N; u++) {
        double *o = out + u * C;
        for (size_t j = 0; j < V; j++)
            for (size_t k = 0; k < H; k++) {
                size_t c = k * V + j;
                o[j * H + k] = cnt[c] > 0 ? sum[c * N + u] / cnt[c] : NAN;
            }
        if (!rownorm)
            continue;
        for (size_t j = 0; j < V; j++) {
            double *row = o + j * H;
            double mx = hdnet__nanmax(row, H), mn = hdnet__nanmin(row, H);
            if (mx - mn > minr)
                for (size_t k = 0; k < H; k++)
                    row[k] = (row[k] - mn) / (mx - mn);
        }
    }
}

int hdnet_tuning_copy(const hdnet_tuning *t, int id, double *out, size_t out_len)
{
    if (!t || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_copy: NULL argument");
    size_t len;
    int rc = hdnet_tuning_array_shape(t, id, &len, NULL);
    if (rc)
        return rc;
    if (out_len < len)
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_copy: array %d needs %zu values, got %zu", id, len,
                            out_len);
    int need = 1; /* pass that must be closed: 0 -> pass >= 1, 1 -> pass >= 2, 2 -> pass == 3 */
    if (id == HDNET_TU_HD_EDGES || id == HDNET_TU_HD_CENTRES)
        need = -1;
    else if (id <= HDNET_TU_WIN_CENTRES)
        need = 0;
    else if (id >= HDNET_TU_PREF_CURVE)
        need = 2;
    if (t->pass < need + 1)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_copy: array %d is not computed before pass %d closes",
                            id, need);
    size_t N = t->N, H = t->H, V = t->V, W = t->W;
    switch (id) {
    case HDNET_TU_HD_EDGES: memcpy(out, t->hd_edges, len * sizeof *out); break;
    case HDNET_TU_HD_CENTRES: memcpy(out, t->hd_centres, len * sizeof *out); break;
    case HDNET_TU_AV_EDGES: memcpy(out, t->av_edges, len * sizeof *out); break;
    case HDNET_TU_AV_CENTRES: memcpy(out, t->av_centres, len * sizeof *out); break;
    case HDNET_TU_WIN_EDGES: memcpy(out, t->win_edges, len * sizeof *out); break;
    case HDNET_TU_WIN_CENTRES: memcpy(out, t->win_centres, len * sizeof *out); break;
    case HDNET_TU_CURVE: case HDNET_TU_CURVE_DEC: case HDNET_TU_CURVE_CCW: case HDNET_TU_CURVE_CW: {
        int w = id - HDNET_TU_CURVE;
        for (size_t u = 0; u < N; u++)
            curve_of(t->sum_c[w], t->cnt_c + (size_t)w * H, H, N, u, out + u * H);
        break;
    }
    case HDNET_TU_CURVE_COUNTS: memcpy(out, t->cnt_c, len * sizeof *out); break;
    case HDNET_TU_MAP: copy_map(t, 0, 0, out); break;
    case HDNET_TU_MAP_DEC: copy_map(t, 1, 0, out); break;
    case HDNET_TU_MAP_ROWNORM: copy_map(t, 0, 1, out); break;
    case HDNET_TU_MAP_DEC_ROWNORM: copy_map(t, 1, 1, out); break;
    case HDNET_TU_MAP_COUNTS: case HDNET_TU_MAP_DEC_COUNTS: {
        const double *cm = t->cnt_map[id == HDNET_TU_MAP_DEC_COUNTS];
        for (size_t j = 0; j < V; j++)
            for (size_t k = 0; k < H; k++)
                out[j * H + k] = cm[k * V + j];
        break;
    }
    case HDNET_TU_AV_CURVE:
        for (size_t u = 0; u < N; u++)
            curve_of(t->gsum, t->gcnt, V, N, u, out + u * V);
        break;
    case HDNET_TU_AV_COUNTS: memcpy(out, t->gcnt, len * sizeof *out); break;
    case HDNET_TU_PREF_CURVE: case HDNET_TU_PREF_CURVE_DEC: {
        int dec = id == HDNET_TU_PREF_CURVE_DEC;
        for (size_t i = 0; i < N * W; i++)
            out[i] = t->cnt_pref[dec][i] > 0 ? t->sum_pref[dec][i] / t->cnt_pref[dec][i] : NAN;
        break;
    }
    case HDNET_TU_PREF_COUNTS: memcpy(out, t->cnt_pref[0], len * sizeof *out); break;
    case HDNET_TU_PREF_COUNTS_DEC: memcpy(out, t->cnt_pref[1], len * sizeof *out); break;
    case HDNET_TU_PREF_FITMASK: memcpy(out, t->fitmask[0], len * sizeof *out); break;
    case HDNET_TU_PREF_FITMASK_DEC: memcpy(out, t->fitmask[1], len * sizeof *out); break;
    default: break;
    }
    return HDNET_OK;
}

static const char *const us_names[HDNET_US_COUNT] = {
    "act_min", "act_max", "range", "S", "S_dec", "phi", "phi_dec", "phi_ccw", "phi_cw", "peak_ccw",
    "peak_cw", "delta", "phi_cm", "R", "phi_smooth", "av_strength_all", "av_strength_win",
    "av_strength_pref", "slope", "slope_se", "slope_t", "slope_r2", "slope_n", "slope_sigma", "A",
    "intercept", "slope_dec", "slope_dec_se", "slope_dec_t", "A_dec", "av_strength_pref_dec",
    "intercept_dec", "slope_allhd", "phi_argmax"};

const char *hdnet_unit_stat_name(int stat)
{
    return (stat >= 0 && stat < HDNET_US_COUNT) ? us_names[stat] : NULL;
}

int hdnet_tuning_unit_stat(const hdnet_tuning *t, int stat, double *out, size_t out_len)
{
    if (!t || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_unit_stat: NULL argument");
    if (stat < 0 || stat >= HDNET_US_COUNT)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_unit_stat: unknown statistic %d", stat);
    if (out_len < t->N)
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_unit_stat: need %zu values, got %zu", t->N, out_len);
    if (t->pass < 2)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_unit_stat: pass 1 is not closed");
    memcpy(out, US(t, stat), t->N * sizeof *out);
    return HDNET_OK;
}

int hdnet_tuning_scalar(const hdnet_tuning *t, int which, double *value)
{
    if (!t || !value)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_scalar: NULL argument");
    if (which < 0 || which >= HDNET_TS_COUNT)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_scalar: unknown scalar %d", which);
    if (which == HDNET_TS_PASS) {
        *value = t->pass;
        return HDNET_OK;
    }
    if (which == HDNET_TS_N_UNITS) {
        *value = (double)t->N;
        return HDNET_OK;
    }
    if (which == HDNET_TS_N_SAMPLES) {
        *value = (double)t->n_samples[0];
        return HDNET_OK;
    }
    if (t->pass < 1)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_scalar: pass 0 is not closed");
    double n = (double)t->n_incl0;
    switch (which) {
    case HDNET_TS_N_INCLUDED: *value = n; break;
    case HDNET_TS_N_NONFINITE_DEC:
        if (t->pass < 2)
            return hdnet__error(HDNET_ESTATE, "hdnet_tuning_scalar: pass 1 is not closed");
        *value = (double)t->n_nonfinite;
        break;
    case HDNET_TS_AV_MIN: *value = t->av_min; break;
    case HDNET_TS_AV_MAX: *value = t->av_max; break;
    case HDNET_TS_SIGMA_AV: *value = t->sigma; break;
    case HDNET_TS_SD_WITH_ZEROS: {
        double var = n > 1 ? (t->s2 - t->s1 * t->s1 / n) / (n - 1) : NAN;
        *value = sqrt(var > 0 ? var : 0);
        break;
    }
    case HDNET_TS_MEAN_ABS_AV: *value = t->sabs / n; break;
    case HDNET_TS_ZERO_FRACTION: *value = (n - (double)t->n_nz) / n; break;
    case HDNET_TS_WIN_LO: *value = t->lo; break;
    case HDNET_TS_WIN_HI: *value = t->hi; break;
    case HDNET_TS_ZERO_ROW: *value = (double)t->zero_row; break;
    default: break;
    }
    return HDNET_OK;
}

int hdnet_tuning_classify(const hdnet_tuning *t, int rule, int decoded, int *cls, size_t cls_len,
                          uint32_t *reasons, size_t reasons_len, double *info, size_t info_len)
{
    if (!t || !cls)
        return hdnet__error(HDNET_EINVAL, "hdnet_tuning_classify: NULL argument");
    if (cls_len < t->N || (reasons && reasons_len < t->N))
        return hdnet__error(HDNET_ESHAPE, "hdnet_tuning_classify: buffers need %zu entries", t->N);
    if (t->pass < 3)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_classify: passes are not done");
    if (decoded && !t->have_dec)
        return hdnet__error(HDNET_ESTATE, "hdnet_tuning_classify: no decoded heading was given");
    return hdnet_classify(rule, &t->p, t->N, US(t, HDNET_US_RANGE),
                          US(t, decoded ? HDNET_US_S_DEC : HDNET_US_S),
                          US(t, decoded ? HDNET_US_SLOPE_DEC : HDNET_US_SLOPE),
                          US(t, decoded ? HDNET_US_SLOPE_DEC_T : HDNET_US_SLOPE_T),
                          US(t, decoded ? HDNET_US_A_DEC : HDNET_US_A), cls, reasons, info, info_len);
}
