/* Findings: the statistics behind the functional and structural criteria, computed the
 * same way on a trained network and on its nulls (docs/analyses.md, "Findings"). */
#include "core/internal.h"
#include "analysis/analysis_priv.h"
#include "hdnet/trust.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const finding_names[HDNET_F_COUNT] = {
    "ne", "compass", "shifter_ccw", "shifter_cw", "weak", "inactive", "typed_min", "separation", "tile_gap",
    "ring_near", "ring_far", "ring_contrast", "offset_ccw", "offset_cw", "offset_asym", "lag_ccw", "lag_cw",
    "lag_min", "mirror", "tuned_frac", "median_s", "tile_p", "tuned_all"};

const char *hdnet_finding_name(int id)
{
    return id >= 0 && id < HDNET_F_COUNT ? finding_names[id] : NULL;
}

int hdnet_finding_tail(int id)
{
    switch (id) {
    case HDNET_F_NE:
    case HDNET_F_WEAK:
    case HDNET_F_INACTIVE:
    case HDNET_F_TILE_GAP:
        return HDNET_TAIL_BELOW;
    default:
        return id >= 0 && id < HDNET_F_COUNT ? HDNET_TAIL_ABOVE : 0;
    }
}

/* Median of x over units of class c (or of the shifter classes when c < 0); NaN if none. */
static double class_median(const double *x, const int *cls, size_t n, int c, double *buf)
{
    size_t m = 0;
    for (size_t u = 0; u < n; u++) {
        int in = c >= 0 ? cls[u] == c : (cls[u] == HDNET_CLASS_SHIFTER_CCW || cls[u] == HDNET_CLASS_SHIFTER_CW);
        if (in && !isnan(x[u]))
            buf[m++] = x[u];
    }
    return hdnet__percentile(buf, m, 0.5);
}

/* Displacement of the excitation of a profile: sum_k max(mean_k, 0) sin(r_k) / sum_k max(mean_k, 0),
 * in [-1, 1]; > 0 when the excitation lies on the CCW side (r > 0). NaN when no bin is positive. */
static double excitation_side(const double *table)
{
    const size_t nb = HDNET_PROFILE_BINS;
    double num = 0, den = 0;
    for (size_t k = 0; k < nb; k++) {
        double m = table[HDNET_PR_MEAN * nb + k];
        if (m > 0) {
            num += m * sin(table[HDNET_PR_CENTRE * nb + k] * 3.14159265358979323846 / 180.0);
            den += m;
        }
    }
    return den > 0 ? num / den : NAN;
}


/* Everything one evaluation needs, freed in one place. members holds the compass, CCW and
 * CW units ([3][n], nm of each): the classes' members, or a resample of them. */
typedef struct {
    double *phi, *s, *a, *buf, *pairs, *table;
    float *w;
    int *cls, *members;
    size_t nm[3];
} work;

static void work_free(work *k)
{
    free(k->phi);
    free(k->s);
    free(k->a);
    free(k->buf);
    free(k->pairs);
    free(k->table);
    free(k->w);
    free(k->cls);
    free(k->members);
}

/* The members of the compass, CCW and CW classes into k->members. */
static void class_members(work *k, size_t n)
{
    for (int c = 0; c < 3; c++) {
        k->nm[c] = 0;
        for (size_t u = 0; u < n; u++)
            if (k->cls[u] == c)
                k->members[(size_t)c * n + k->nm[c]++] = (int)u;
    }
}

/* Profile of the units of class a onto those of class c (both < 3): fills table and pairs,
 * *np pairs. */
static int class_profile(const hdnet_aparams *p, work *k, size_t n, int a, int c, size_t *np)
{
    return hdnet_profile(p, k->w, n, k->phi, k->members + (size_t)a * n, k->nm[a], k->members + (size_t)c * n,
                         k->nm[c], k->table, HDNET_PR_ROWS * HDNET_PROFILE_BINS, k->pairs, n * n, np);
}

static double pairs_mean(const double *pairs, size_t np, double lo, double hi, int absolute)
{
    double m = NAN;
    if (hdnet_pairs_mean(pairs, np, lo, hi, absolute, &m, NULL))
        return NAN;
    return m;
}

/* The wiring findings are the ids WIRING_FIRST ... WIRING_FIRST + WIRING_N - 1. */
#define WIRING_FIRST HDNET_F_RING_NEAR
#define WIRING_N (HDNET_F_MIRROR - HDNET_F_RING_NEAR + 1)

/* The connectivity findings (R6-R9) from the weights and the units in k->members. */
static int wiring_findings(const hdnet_aparams *p, work *k, size_t n, double *out)
{
    size_t np;
    double tab_ccw[HDNET_PR_ROWS * HDNET_PROFILE_BINS], side[2];
    int rc = class_profile(p, k, n, HDNET_CLASS_COMPASS, HDNET_CLASS_COMPASS, &np);
    if (rc)
        return rc;
    out[HDNET_F_RING_NEAR] = pairs_mean(k->pairs, np, 0, 30, 1);
    out[HDNET_F_RING_FAR] = pairs_mean(k->pairs, np, 120, 180, 1);
    out[HDNET_F_RING_CONTRAST] = out[HDNET_F_RING_NEAR] - out[HDNET_F_RING_FAR];
    for (int dir = 0; dir < 2; dir++) {
        int cls = dir ? HDNET_CLASS_SHIFTER_CW : HDNET_CLASS_SHIFTER_CCW;
        if ((rc = class_profile(p, k, n, cls, HDNET_CLASS_COMPASS, &np)))
            return rc;
        double delta;
        if ((rc = hdnet_profile_offset(k->table, HDNET_PR_ROWS * HDNET_PROFILE_BINS, &delta)))
            return rc;
        /* the leading side is the turning direction: r > 0 for CCW shifters */
        double pos = pairs_mean(k->pairs, np, 10, 90, 0), neg = pairs_mean(k->pairs, np, -90, -10, 0);
        out[dir ? HDNET_F_OFFSET_CW : HDNET_F_OFFSET_CCW] = delta;
        out[dir ? HDNET_F_LAG_CW : HDNET_F_LAG_CCW] = dir ? neg - pos : pos - neg;
        side[dir] = excitation_side(k->table);
        if (!dir)
            memcpy(tab_ccw, k->table, sizeof tab_ccw);
    }
    out[HDNET_F_OFFSET_ASYM] = side[0] - side[1];
    out[HDNET_F_LAG_MIN] = fmin(out[HDNET_F_LAG_CCW], out[HDNET_F_LAG_CW]);
    if (isnan(out[HDNET_F_LAG_CCW]) || isnan(out[HDNET_F_LAG_CW]))
        out[HDNET_F_LAG_MIN] = NAN;
    out[HDNET_F_MIRROR] = hdnet__mirror_corr(tab_ccw, k->table, NULL);
    return HDNET_OK;
}

/* The work space of a network's findings, loaded with its preferred headings, S, A,
 * interval-rule classes and W_rec. On failure k holds nothing to free. */
static int work_load(work *k, const hdnet_tuning *t, const hdnet_boot *b, const hdnet_net *net, size_t n)
{
    *k = (work){malloc(n * sizeof(double)), malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                malloc(n * sizeof(double)), malloc(n * n * 4 * sizeof(double)),
                malloc(HDNET_PR_ROWS * HDNET_PROFILE_BINS * sizeof(double)), malloc(n * n * sizeof(float)),
                malloc(n * sizeof(int)), malloc(3 * n * sizeof(int)), {0, 0, 0}};
    int rc = HDNET_OK;
    if (!k->phi || !k->s || !k->a || !k->buf || !k->pairs || !k->table || !k->w || !k->cls || !k->members)
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_findings: out of memory");
    if (!rc)
        rc = hdnet_tuning_unit_stat(t, HDNET_US_PHI, k->phi, n);
    if (!rc)
        rc = hdnet_boot_unit_stat(b, HDNET_BS_S, HDNET_BW_VALUE, k->s, n);
    if (!rc)
        rc = hdnet_boot_unit_stat(b, HDNET_BS_A, HDNET_BW_VALUE, k->a, n);
    if (!rc)
        rc = hdnet_boot_classify(b, NULL, k->cls, n, NULL, 0, NULL, 0);
    if (!rc)
        rc = hdnet_net_copy_block(net, HDNET_W_REC, k->w, n * n);
    if (rc) {
        work_free(k);
        memset(k, 0, sizeof *k);
    }
    return rc;
}

/* Fisher's z of a correlation, clamped short of +-1; NaN stays NaN (fmin and fmax would
 * turn an undefined correlation into a bound, and give it an interval). */
static double fisher_z(double r)
{
    return isnan(r) ? NAN : atanh(fmax(-0.999999, fmin(0.999999, r)));
}

/* The class findings (R3-R5, R14). */
static void class_findings(work *k, size_t n, double *out)
{
    for (int c = 0; c < HDNET_NCLASSES; c++)
        out[HDNET_F_COMPASS + c] = 0;
    size_t kept = 0, tuned = 0;
    for (size_t u = 0; u < n; u++) {
        out[HDNET_F_COMPASS + k->cls[u]] += 1;
        if (k->cls[u] != HDNET_CLASS_INACTIVE) {
            kept++;
            tuned += k->s[u] >= 0.1;
        }
    }
    out[HDNET_F_TYPED_MIN] = fmin(out[HDNET_F_COMPASS], fmin(out[HDNET_F_CCW], out[HDNET_F_CW]));
    out[HDNET_F_SEPARATION] = class_median(k->a, k->cls, n, -1, k->buf) /
                              class_median(k->a, k->cls, n, HDNET_CLASS_COMPASS, k->buf);
    size_t m = 0;
    for (size_t u = 0; u < n; u++)
        if (k->cls[u] == HDNET_CLASS_COMPASS)
            k->buf[m++] = k->phi[u];
    double ti[HDNET_TILE_COUNT];
    if (hdnet_tiling_stats(k->buf, m, ti, HDNET_TILE_COUNT) == HDNET_OK)
    {
        out[HDNET_F_TILE_GAP] = ti[HDNET_TILE_GMAX] / ti[HDNET_TILE_GBOUND];
        out[HDNET_F_TILE_P] = ti[HDNET_TILE_KUIPER_P];
    }
    out[HDNET_F_TUNED_FRAC] = kept ? (double)tuned / (double)kept : NAN;
    size_t tuned_all = 0;
    for (size_t u = 0; u < n; u++)
        tuned_all += k->s[u] >= 0.1;
    out[HDNET_F_TUNED_ALL] = (double)tuned_all / (double)n;
    memcpy(k->buf, k->s, n * sizeof *k->buf);
    out[HDNET_F_MEDIAN_S] = hdnet__percentile(k->buf, n, 0.5);
}

/* The network's unit count into n, checked against the accumulator's (fn names the caller). */
static int same_units(const hdnet_tuning *t, const hdnet_net *net, const char *fn, size_t *n)
{
    size_t ni, no;
    double nt;
    int rc = hdnet_net_dims(net, n, &ni, &no);
    if (!rc)
        rc = hdnet_tuning_scalar(t, HDNET_TS_N_UNITS, &nt);
    if (!rc && (size_t)nt != *n)
        rc = hdnet__error(HDNET_ESHAPE, "%s: the accumulator has %.0f units, the network %zu", fn, nt, *n);
    return rc;
}

int hdnet_findings(const hdnet_tuning *t, const hdnet_boot *b, const hdnet_net *net, const hdnet_aparams *params,
                   double ne, double *out, size_t out_len)
{
    if (!t || !b || !net || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_findings: NULL argument");
    if (out_len < HDNET_F_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_findings: out needs %d values", HDNET_F_COUNT);
    size_t n;
    int rc = same_units(t, net, "hdnet_findings", &n);
    if (rc)
        return rc;
    work k;
    rc = work_load(&k, t, b, net, n);
    for (int i = 0; i < HDNET_F_COUNT; i++)
        out[i] = NAN;
    out[HDNET_F_NE] = ne;
    if (!rc) {
        class_findings(&k, n, out);
        class_members(&k, n);
        rc = wiring_findings(params, &k, n, out);
    }
    work_free(&k);
    return rc;
}

int hdnet_findings_wiring_ci(const hdnet_tuning *t, const hdnet_boot *b, const hdnet_net *net,
                             const hdnet_aparams *params, double *ci, size_t ci_len)
{
    if (!t || !b || !net || !ci)
        return hdnet__error(HDNET_EINVAL, "hdnet_findings_wiring_ci: NULL argument");
    if (ci_len < 2 * HDNET_F_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_findings_wiring_ci: ci needs %d values", 2 * HDNET_F_COUNT);
    size_t n;
    int rc = same_units(t, net, "hdnet_findings_wiring_ci", &n);
    if (rc)
        return rc;
    work k;
    double full[HDNET_F_COUNT], out[HDNET_F_COUNT], *rep = malloc(n * WIRING_N * sizeof *rep);
    int *orig = malloc(3 * n * sizeof *orig);
    size_t nm[3] = {0, 0, 0};
    rc = work_load(&k, t, b, net, n);
    if (!rc && (!rep || !orig))
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_findings_wiring_ci: out of memory");
    if (!rc) {
        class_members(&k, n);
        memcpy(orig, k.members, 3 * n * sizeof *orig);
        memcpy(nm, k.nm, sizeof nm);
        rc = wiring_findings(params, &k, n, full);
    }
    /* replicate j (in class order) leaves out unit j of its class */
    size_t j = 0;
    for (int c = 0; c < 3 && !rc; c++)
        for (size_t i = 0; i < nm[c] && !rc; i++, j++) {
            memcpy(k.members, orig, 3 * n * sizeof *orig);
            memmove(k.members + (size_t)c * n + i, k.members + (size_t)c * n + i + 1, (nm[c] - i - 1) * sizeof(int));
            k.nm[c] = nm[c] - 1;
            rc = wiring_findings(params, &k, n, out);
            k.nm[c] = nm[c];
            for (int f = 0; f < WIRING_N && !rc; f++)
                rep[j * WIRING_N + (size_t)f] = out[WIRING_FIRST + f];
        }
    for (int i = 0; i < 2 * HDNET_F_COUNT && !rc; i++)
        ci[i] = NAN;
    /* stratified jackknife variance: sum over classes of (n_c - 1)/n_c sum_i (x_ci - mean_c)^2;
     * the mirror correlation on Fisher's z = atanh(r), so that its interval stays in (-1, 1) */
    for (size_t i = 0; i < j && !rc; i++) {
        double *m = rep + i * WIRING_N + (HDNET_F_MIRROR - WIRING_FIRST);
        *m = fisher_z(*m);
    }
    full[HDNET_F_MIRROR] = fisher_z(full[HDNET_F_MIRROR]);
    for (int f = 0; f < WIRING_N && !rc; f++) {
        double var = 0;
        int defined = !isnan(full[WIRING_FIRST + f]);
        size_t j0 = 0;
        for (int c = 0; c < 3 && defined; c++) {
            double mean = 0;
            for (size_t i = 0; i < nm[c]; i++)
                mean += rep[(j0 + i) * WIRING_N + (size_t)f] / (double)nm[c];
            for (size_t i = 0; i < nm[c]; i++) {
                double d = rep[(j0 + i) * WIRING_N + (size_t)f] - mean;
                var += (double)(nm[c] - 1) / (double)nm[c] * d * d;
            }
            j0 += nm[c];
        }
        if (!defined || isnan(var)) /* undefined with some unit left out: no interval */
            continue;
        double se = sqrt(var), v = full[WIRING_FIRST + f], lo = v - 1.959963984540054 * se;
        double hi = v + 1.959963984540054 * se;
        int mirror = WIRING_FIRST + f == HDNET_F_MIRROR;
        ci[2 * (WIRING_FIRST + f)] = mirror ? tanh(lo) : lo;
        ci[2 * (WIRING_FIRST + f) + 1] = mirror ? tanh(hi) : hi;
    }
    free(rep);
    free(orig);
    work_free(&k);
    return rc;
}

int hdnet_findings_run(const hdnet_net *net, const hdnet_aparams *params, size_t n_trials, size_t n_steps,
                       size_t cue, const float *inputs, size_t inputs_len, const float *targets, size_t targets_len,
                       const float *mask, size_t mask_len, const double *heading, size_t heading_len,
                       const double *av, size_t av_len, size_t n_blocks, size_t n_boot, uint64_t seed, double *out,
                       size_t out_len)
{
    if (!net || !inputs || !targets || !mask || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_findings_run: NULL argument");
    size_t S, N, ni, no;
    int rc = hdnet_net_dims(net, &N, &ni, &no);
    if (rc)
        return rc;
    if (hdnet__mul(n_trials, n_steps, &S) || S > SIZE_MAX / (N > 3 ? N : 3) || targets_len < S * 2 ||
        mask_len < S * 2 || no != 2)
        return hdnet__error(HDNET_ESHAPE, "hdnet_findings_run: targets and mask need %zu x %zu x 2 values, the "
                            "network 2 outputs", n_trials, n_steps);
    float *y = malloc(S * 2 * sizeof *y);
    if (!y)
        return hdnet__error(HDNET_ENOMEM, "hdnet_findings_run: out of memory");
    double ne = NAN;
    hdnet_tuning *t = NULL;
    hdnet_boot *b = NULL;
    rc = hdnet_net_run(net, n_trials, n_steps, inputs, inputs_len, NULL, 0, NULL, y, S * 2, NULL, 0, NULL, 0);
    if (!rc)
        rc = hdnet_normalized_error(y, targets, mask, n_trials, n_steps, 2, &ne);
    free(y);
    if (!rc)
        rc = hdnet_tuning_create(&t, N, params);
    if (!rc)
        rc = hdnet_tuning_collect(t, net, n_trials, n_steps, cue, inputs, inputs_len, heading, heading_len, av,
                                  av_len, 100);
    if (!rc)
        rc = hdnet_boot_create(&b, t, params, n_blocks);
    if (!rc)
        rc = hdnet_boot_collect(b, net, n_trials, n_steps, cue, inputs, inputs_len, heading, heading_len, av,
                                av_len, 100);
    if (!rc)
        rc = hdnet_boot_resample(b, n_boot, seed);
    if (!rc)
        rc = hdnet_findings(t, b, net, params, ne, out, out_len);
    hdnet_boot_free(b);
    hdnet_tuning_free(t);
    return rc;
}

int hdnet_null_values(const hdnet_net *net, size_t n_perm, uint64_t seed, hdnet_net_stat_fn fn, void *ctx,
                      double *out, size_t out_len, size_t n_values)
{
    if (!net || !fn || !out || n_values == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_null_values: NULL argument or no values");
    if (n_perm < HDNET_NULL_MIN)
        return hdnet__error(HDNET_ERANGE, "hdnet_null_values: %zu null networks, need %d", n_perm, HDNET_NULL_MIN);
    size_t need;
    if (hdnet__mul(n_perm, n_values, &need) || out_len < need)
        return hdnet__error(HDNET_ESHAPE, "hdnet_null_values: out needs %zu x %zu values", n_perm, n_values);
    for (size_t i = 0; i < n_perm; i++) {
        hdnet_net *p;
        int rc = hdnet_net_permute_recurrent(net, seed + i, &p);
        if (rc)
            return rc;
        rc = fn(p, ctx, out + i * n_values, n_values);
        hdnet_net_free(p);
        if (rc)
            return rc;
    }
    return HDNET_OK;
}

double hdnet__mirror_corr(const double *a, const double *b, size_t *n_bins)
{
    const size_t nb = HDNET_PROFILE_BINS;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 0;
    for (size_t k = 0; k < nb; k++) {
        size_t k2 = (358 - k + nb) % nb; /* label -179 + k  <->  its negative */
        double x = a[HDNET_PR_MEAN * nb + k], y = b[HDNET_PR_MEAN * nb + k2];
        if (isnan(x) || isnan(y))
            continue;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
        n++;
    }
    double v = (n * sxx - sx * sx) * (n * syy - sy * sy);
    if (n_bins)
        *n_bins = (size_t)n;
    return n >= 3 && v > 0 ? (n * sxy - sx * sy) / sqrt(v) : NAN;
}
