/* The paper's findings R1-R15 as checks (docs/analyses.md): one small function per
 * check, in tables by the evidence they read (a study, a lesion summary, a speed
 * experiment). Each writes what it measured, its main number and its verdict. */
#include "core/internal.h"
#include "analysis/analysis_priv.h"
#include "analysis/study_priv.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *id, *criterion;
    char claim[160], measured[512];
    int verdict;
    int compared; /* 1 once hdnet_claims_lesion_nulls() or hdnet_claims_speed_nulls() has seen the row */
    double value, null_lo, null_hi, ci_lo, ci_hi;
} claim_row;

struct hdnet_claims {
    claim_row *rows;
    size_t n, cap;
};

/* ---- the evidence of a study, prepared once for its checks ---- */

enum { PRE_C, PRE_CCW, PRE_CW }; /* profiles of C, CCW and CW units onto the compass units */
#define PROFILE_LEN (HDNET_PR_ROWS * HDNET_PROFILE_BINS)

typedef struct {
    const hdnet_study *s;
    size_t N;
    double *st[HDNET_US_COUNT];
    int *ca, *cr; /* classes of the checks (the interval rule when the study has a bootstrap,
                   * else the adaptive rule) and of the reference rule */
    double info_a[HDNET_CI_COUNT];
    size_t cnt_a[HDNET_NCLASSES], cnt_r[HDNET_NCLASSES], cnt_ad[HDNET_NCLASSES];
    int interval;                                         /* 1: ca holds interval-rule classes */
    double counts[HDNET_NCLASSES * HDNET_CC_COLS];        /* their counts with 95 % intervals */
    double *a_all;                                        /* A over all headings (bootstrap), or NULL */
    double ts[HDNET_TS_COUNT];
    double profile[3][PROFILE_LEN];
    double *pairs[3];
    size_t n_pairs[3];
    double *s0; /* S of the untrained network, or NULL */
} evidence;

static void evidence_free(evidence *e)
{
    for (int i = 0; i < HDNET_US_COUNT; i++)
        free(e->st[i]);
    for (int k = 0; k < 3; k++)
        free(e->pairs[k]);
    free(e->ca);
    free(e->cr);
    free(e->s0);
    free(e->a_all);
}

/* Units of class k under the adaptive rule; returns their number. */
static size_t members(const evidence *e, int k, int *out)
{
    size_t n = 0;
    for (size_t u = 0; u < e->N; u++)
        if (e->ca[u] == k)
            out[n++] = (int)u;
    return n;
}

/* Connectivity profiles and raw pairs of the compass and shifter units onto the compass units. */
static int profiles(evidence *e)
{
    size_t N = e->N, npost;
    int *post = malloc(N * sizeof *post), *pre = malloc(N * sizeof *pre);
    int rc = post && pre ? HDNET_OK : hdnet__error(HDNET_ENOMEM, "claims: unit lists");
    if (!rc)
        npost = members(e, HDNET_CLASS_COMPASS, post);
    for (int k = PRE_C; k <= PRE_CW && !rc; k++) {
        size_t npre = members(e, k, pre), cap = npre * npost;
        e->pairs[k] = malloc((cap ? cap : 1) * 4 * sizeof(double));
        if (!e->pairs[k])
            rc = hdnet__error(HDNET_ENOMEM, "claims: pairs");
        if (!rc)
            rc = hdnet_profile(&e->s->params, e->s->w, N, e->st[HDNET_US_PHI], pre, npre, post, npost,
                               e->profile[k], PROFILE_LEN, e->pairs[k], cap, &e->n_pairs[k]);
    }
    free(pre);
    free(post);
    return rc;
}

static int prepare(evidence *e, const hdnet_study *s)
{
    memset(e, 0, sizeof *e);
    e->s = s;
    e->N = s->N;
    size_t N = s->N;
    const hdnet_tuning *t = s->t[0];
    int rc = HDNET_OK;
    for (int i = 0; i < HDNET_US_COUNT && !rc; i++)
        rc = (e->st[i] = malloc(N * sizeof(double))) ? hdnet_tuning_unit_stat(t, i, e->st[i], N)
                                                      : hdnet__error(HDNET_ENOMEM, "claims: unit statistics");
    for (int i = 0; i < HDNET_TS_COUNT && !rc; i++)
        rc = hdnet_tuning_scalar(t, i, &e->ts[i]);
    e->ca = malloc(N * sizeof *e->ca);
    e->cr = malloc(N * sizeof *e->cr);
    if (!rc && (!e->ca || !e->cr))
        rc = hdnet__error(HDNET_ENOMEM, "claims: classes");
    if (!rc)
        rc = hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 0, e->ca, N, NULL, 0, e->info_a, HDNET_CI_COUNT);
    if (!rc)
        rc = hdnet_tuning_classify(t, HDNET_RULE_REFERENCE, 0, e->cr, N, NULL, 0, NULL, 0);
    for (size_t u = 0; u < N && !rc; u++) {
        e->cnt_ad[e->ca[u]]++;
        e->cnt_r[e->cr[u]]++;
    }
    if (!rc && s->boot) { /* the checks use the interval rule (docs/analyses.md, section 4) */
        e->interval = 1;
        rc = hdnet_boot_classify(s->boot, NULL, e->ca, N, NULL, 0, e->counts, HDNET_NCLASSES * HDNET_CC_COLS);
        if (!rc)
            rc = (e->a_all = malloc(N * sizeof *e->a_all))
                     ? hdnet_boot_unit_stat(s->boot, HDNET_BS_A, HDNET_BW_VALUE, e->a_all, N)
                     : hdnet__error(HDNET_ENOMEM, "claims: A");
    }
    for (size_t u = 0; u < N && !rc; u++)
        e->cnt_a[e->ca[u]]++;
    if (!rc)
        rc = profiles(e);
    if (!rc && s->t[1])
        rc = (e->s0 = malloc(N * sizeof *e->s0)) ? hdnet_tuning_unit_stat(s->t[1], HDNET_US_S, e->s0, N)
                                                  : hdnet__error(HDNET_ENOMEM, "claims: untrained");
    if (rc)
        evidence_free(e);
    return rc;
}

/* ---- rows ---- */

static void measured(claim_row *r, const char *fmt, ...) HDNET__PRINTF(2, 3);
static void measured(claim_row *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->measured, sizeof r->measured, fmt, ap);
    va_end(ap);
}

static int pass_fail(int ok)
{
    return ok ? HDNET_VERDICT_PASS : HDNET_VERDICT_FAIL;
}

/* Median of the finite x[u] over the units of class a or b (every unit when cls is NULL). */
static double median_where(const double *x, const int *cls, int a, int b, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NAN;
    size_t m = 0;
    for (size_t u = 0; u < n; u++)
        if (!cls || cls[u] == a || cls[u] == b)
            v[m++] = x[u];
    double med = hdnet_median(v, m);
    free(v);
    return med;
}

/* ---- the checks of a study ---- */

static void r1_accuracy(const evidence *e, claim_row *r)
{
    const hdnet_study *s = e->s;
    measured(r, "NE %.4f%% (%zu steps), %.4f%% (first 500 steps)", 100 * s->ne, s->T, 100 * s->ne500);
    r->value = s->ne;
    r->verdict = pass_fail(s->ne <= 0.01);
}

static void r2_inputs(const evidence *e, claim_row *r)
{
    double sig = e->ts[HDNET_TS_SIGMA_AV], ref = 2.865 * e->s->speed, worst = 0;
    for (int k = 1; k <= 5; k++)
        worst = fmax(worst, fabs(e->s->rho[k] - pow(0.8, k)));
    double rel = fabs(sig / ref - 1);
    measured(r, "sigma_AV %.4f deg/step (ref %.4f, |ratio-1| %.4f); max|rho(k)-0.8^k| %.4f (k=1..5); zero "
             "fraction %.4f; SD with zeros %.4f; mean|w| %.4f", sig, ref, rel, worst,
             e->ts[HDNET_TS_ZERO_FRACTION], e->ts[HDNET_TS_SD_WITH_ZEROS], e->ts[HDNET_TS_MEAN_ABS_AV]);
    r->value = rel;
    r->verdict = pass_fail(rel <= 0.03 && worst <= 0.03);
}

static void r3_counts(const evidence *e, claim_row *r)
{
    const size_t *c = e->cnt_a, N = e->N;
    size_t nc = c[0], np = c[1], nn = c[2], nr = c[4];
    double ratio = nn ? (double)np / (double)nn : INFINITY;
    int ok = nc * 100 >= 20 * N && nc * 100 <= 50 * N && np * 100 >= 10 * N && nn * 100 >= 10 * N &&
             ratio >= 0.5 && ratio <= 2 && nr * 100 <= 30 * N;
    const double *k = e->counts;
    if (e->interval)
        measured(r, "compass %zu [%.0f, %.0f], CCW %zu [%.0f, %.0f], CW %zu [%.0f, %.0f], weak %zu [%.0f, %.0f], inactive "
                 "%zu [%.0f, %.0f] of %zu (interval rule, 95%% bootstrap intervals); adaptive rule %zu/%zu/%zu/%zu/%zu "
                 "(A*=%.3g)", nc, k[1], k[2], np, k[4], k[5], nn, k[7], k[8], c[3], k[10], k[11], nr, k[13], k[14], N,
                 e->cnt_ad[0], e->cnt_ad[1], e->cnt_ad[2], e->cnt_ad[3], e->cnt_ad[4], e->info_a[HDNET_CI_ASTAR]);
    else
        measured(r, "compass %zu, CCW %zu, CW %zu, weak %zu, inactive %zu of %zu (adaptive; A*=%.3g, D=%.2f, %s)", nc,
                 np, nn, c[3], nr, N, e->info_a[HDNET_CI_ASTAR], e->info_a[HDNET_CI_D],
                 e->info_a[HDNET_CI_BRANCH] == 1 ? "otsu" : "fallback");
    r->value = (double)nc / (double)N;
    r->verdict = !ok ? HDNET_VERDICT_FAIL : nr == 0 ? HDNET_VERDICT_WARN : HDNET_VERDICT_PASS;
}

static void r3i_reference_counts(const evidence *e, claim_row *r)
{
    const size_t *c = e->cnt_r;
    measured(r, "reference rule: compass %zu, CCW %zu, CW %zu, weak %zu, inactive %zu", c[0], c[1], c[2], c[3],
             c[4]);
    r->value = (double)c[0] / (double)e->N;
    r->verdict = HDNET_VERDICT_INFO;
}

static void r4_separation(const evidence *e, claim_row *r)
{
    const double *A = e->a_all ? e->a_all : e->st[HDNET_US_A];
    double mA_c = median_where(A, e->ca, HDNET_CLASS_COMPASS, HDNET_CLASS_COMPASS, e->N);
    double mA_s = median_where(A, e->ca, HDNET_CLASS_SHIFTER_CCW, HDNET_CLASS_SHIFTER_CW, e->N);
    measured(r, "median A shifters %.4g, compass %.4g, ratio %.3g", mA_s, mA_c, mA_s / mA_c);
    r->value = mA_s / mA_c;
    r->verdict = pass_fail(mA_s >= 3 * mA_c);
}

static void r5_tiling(const evidence *e, claim_row *r)
{
    double *ph = malloc((e->N ? e->N : 1) * sizeof *ph);
    char part[3][160];
    int ok = ph != NULL;
    r->value = NAN;
    for (int k = 0; k < 3 && ph; k++) {
        size_t n = 0;
        for (size_t u = 0; u < e->N; u++)
            if (e->ca[u] == k)
                ph[n++] = e->st[HDNET_US_PHI][u];
        double ti[HDNET_TILE_COUNT];
        if (hdnet_tiling_stats(ph, n, ti, HDNET_TILE_COUNT) != HDNET_OK)
            ok = 0;
        int need = k == 0 || ti[HDNET_TILE_N] >= 10;
        if (need && !(ti[HDNET_TILE_GMAX] <= ti[HDNET_TILE_GBOUND] && ti[HDNET_TILE_KUIPER_P] >= 0.01))
            ok = 0;
        if (k == 0 && ti[HDNET_TILE_N] < 2)
            ok = 0;
        if (k == 0)
            r->value = ti[HDNET_TILE_GMAX];
        snprintf(part[k], sizeof part[k], "%s n=%.0f Gmax %.1f (bound %.1f) p %.3g%s", hdnet_class_name(k),
                 ti[HDNET_TILE_N], ti[HDNET_TILE_GMAX], ti[HDNET_TILE_GBOUND], ti[HDNET_TILE_KUIPER_P],
                 need ? "" : " (not tested)");
    }
    if (ph)
        measured(r, "%s; %s; %s", part[0], part[1], part[2]);
    else
        measured(r, "out of memory");
    free(ph);
    r->verdict = pass_fail(ok);
}

static void r6_ring(const evidence *e, claim_row *r)
{
    double near = NAN, far = NAN;
    size_t cn = 0, cf = 0;
    if (hdnet_pairs_mean(e->pairs[PRE_C], e->n_pairs[PRE_C], 0, 30, 1, &near, &cn) ||
        hdnet_pairs_mean(e->pairs[PRE_C], e->n_pairs[PRE_C], 120, 180, 1, &far, &cf))
        near = far = NAN;
    measured(r, "mean W |r|<=30: %+.4f (n=%zu); |r|>=120: %+.4f (n=%zu)", near, cn, far, cf);
    r->value = near - far;
    r->verdict = pass_fail(near > 0 && far < 0);
}

static void r7_offset(const evidence *e, claim_row *r)
{
    double dp = NAN, dm = NAN;
    if (hdnet_profile_offset(e->profile[PRE_CCW], PROFILE_LEN, &dp) ||
        hdnet_profile_offset(e->profile[PRE_CW], PROFILE_LEN, &dm))
        dp = dm = NAN;
    measured(r, "delta_CCW %+.1f deg, delta_CW %+.1f deg", dp, dm);
    r->value = dp - dm;
    r->verdict = pass_fail(dp >= 5 && dm <= -5);
}

static void r8_lagging(const evidence *e, claim_row *r)
{
    double a_tr = NAN, a_le = NAN, b_tr = NAN, b_le = NAN;
    const double *pa = e->pairs[PRE_CCW], *pb = e->pairs[PRE_CW];
    size_t na = e->n_pairs[PRE_CCW], nb = e->n_pairs[PRE_CW];
    if (hdnet_pairs_mean(pa, na, -90, -10, 0, &a_tr, NULL) || hdnet_pairs_mean(pa, na, 10, 90, 0, &a_le, NULL) ||
        hdnet_pairs_mean(pb, nb, 10, 90, 0, &b_tr, NULL) || hdnet_pairs_mean(pb, nb, -90, -10, 0, &b_le, NULL))
        a_tr = a_le = b_tr = b_le = NAN;
    int ok = a_tr < a_le && b_tr < b_le, neg = a_tr < 0 && b_tr < 0;
    measured(r, "CCW->C trailing %+.4f vs leading %+.4f; CW->C trailing %+.4f vs leading %+.4f", a_tr, a_le, b_tr,
             b_le);
    r->value = fmin(a_le - a_tr, b_le - b_tr);
    r->verdict = !ok ? HDNET_VERDICT_FAIL : neg ? HDNET_VERDICT_PASS : HDNET_VERDICT_WARN;
}

static void r9_mirror(const evidence *e, claim_row *r)
{
    size_t n;
    double rr = hdnet__mirror_corr(e->profile[PRE_CCW], e->profile[PRE_CW], &n);
    measured(r, "Pearson r %.3f over %zu bins", rr, n);
    r->value = rr;
    r->verdict = pass_fail(rr >= 0.5);
}

static void r15_estimators(const evidence *e, claim_row *r)
{
    size_t n = 0, good = 0;
    for (size_t u = 0; u < e->N; u++)
        if (e->ca[u] == HDNET_CLASS_COMPASS) {
            n++;
            good += fabs(hdnet_wrap_deg(e->st[HDNET_US_PHI][u] - e->st[HDNET_US_PHI_CM][u])) <= 10;
        }
    measured(r, "%zu of %zu compass units within 10 deg", good, n);
    r->value = n ? (double)good / (double)n : NAN;
    r->verdict = pass_fail(n && good * 10 >= 9 * n);
}

static void r14_untrained(const evidence *e, claim_row *r)
{
    if (!e->s0) {
        measured(r, "not run: no untrained network");
        r->value = NAN;
        r->verdict = HDNET_VERDICT_NOT_RUN;
        return;
    }
    size_t N = e->N, tuned0 = 0, tuned1 = 0, kept = 0;
    for (size_t u = 0; u < N; u++) {
        tuned0 += e->s0[u] >= 0.1;
        if (e->ca[u] != HDNET_CLASS_INACTIVE) {
            kept++;
            tuned1 += e->st[HDNET_US_S][u] >= 0.1;
        }
    }
    double med_s0 = median_where(e->s0, NULL, 0, 0, N);
    measured(r, "untrained: %zu of %zu with S>=0.1, median S %.4f (NE %.3f); trained: %zu of %zu kept with S>=0.1",
             tuned0, N, med_s0, e->s->ne0, tuned1, kept);
    r->value = (double)tuned0 / (double)N;
    r->verdict = pass_fail(tuned0 * 10 <= N && med_s0 <= 0.05 && tuned1 * 4 >= 3 * kept);
}

/* Ring structure of W_rec (include/hdnet/structure.h): how much of the weights the
 * class x relative-heading cell means explain, against the same measure on the
 * untrained matrix with the trained classes and headings (the null), and how much
 * of the initial matrix the trained one still is. */
static void r6s_structure(const evidence *e, claim_row *r)
{
    const hdnet_study *s = e->s;
    double st[HDNET_ST_COUNT], st0[HDNET_ST_COUNT];
    if (hdnet_structure(s->w, s->w0, e->N, e->ca, e->st[HDNET_US_PHI], 10, 1, st, HDNET_ST_COUNT)) {
        measured(r, "not measured: %s", hdnet_errmsg());
        r->value = NAN;
        r->verdict = HDNET_VERDICT_INFO;
        return;
    }
    if (!s->w0 || hdnet_structure(s->w0, NULL, e->N, e->ca, e->st[HDNET_US_PHI], 10, 1, st0, HDNET_ST_COUNT))
        st0[HDNET_ST_FRACTION_CV] = NAN;
    measured(r, "variance explained %.3f cross-validated (%.3f in sample; untrained W_rec %.3f) over %.0f pairs; "
             "correlation with the initialisation %.3f, SD %.3f (initial %.3f)",
             st[HDNET_ST_FRACTION_CV], st[HDNET_ST_FRACTION_FIT], st0[HDNET_ST_FRACTION_CV], st[HDNET_ST_N_PAIRS],
             st[HDNET_ST_CORR_INIT], st[HDNET_ST_SD], st[HDNET_ST_SD_INIT]);
    r->value = st[HDNET_ST_FRACTION_CV];
    r->verdict = HDNET_VERDICT_INFO;
}

static void r14i_inactive(const evidence *e, claim_row *r)
{
    size_t n = e->cnt_a[HDNET_CLASS_INACTIVE];
    measured(r, "%zu inactive units (%s rule)", n, e->interval ? "interval" : "adaptive");
    r->value = (double)n;
    r->verdict = HDNET_VERDICT_INFO;
}

static const struct study_check {
    const char *id, *claim, *criterion;
    void (*run)(const evidence *e, claim_row *r);
} study_checks[] = {
    {"R1", "accuracy", "NE <= 1% on 1000-step trials", r1_accuracy},
    {"R2", "input statistics", "|sigma/2.865s - 1| <= 0.03 and |rho(k)-0.8^k| <= 0.03", r2_inputs},
    {"R3", "class counts",
     "compass 20-50%, each shifter >= 10%, CCW/CW in [0.5, 2], inactive <= 30%; WARN if none inactive", r3_counts},
    {"R3i", "class counts, reference thresholds", "paper: 33/29+26/12 inactive", r3i_reference_counts},
    {"R4", "functional separation", "ratio >= 3", r4_separation},
    {"R5", "tiling", "Gmax <= min(90, 360(ln n+3)/n) and Kuiper p >= 0.01", r5_tiling},
    {"R6", "ring connectivity", "near > 0 and far < 0", r6_ring},
    {"R6s", "ring structure of W_rec", "cell means of class x relative heading (20 deg), 10-fold", r6s_structure},
    {"R7", "shifter offset", "delta_CCW >= +5 and delta_CW <= -5", r7_offset},
    {"R8", "lagging inhibition", "trailing < leading (WARN unless trailing < 0)", r8_lagging},
    {"R9", "mirror symmetry", "r >= 0.5", r9_mirror},
    {"R15", "estimator agreement", ">= 90%", r15_estimators},
    {"R14", "untrained against trained",
     "untrained <= 10% tuned and median S <= 0.05; trained >= 75% of kept tuned", r14_untrained},
    {"R14i", "inactive units after training", "paper: 12", r14i_inactive},
};

/* ---- the lesion checks ---- */

static void r10_e1(const double *v, claim_row *r)
{
    double b0 = v[HDNET_LS_E1_B0], lost = v[HDNET_LS_E1_LOST], back = v[HDNET_LS_E1_BACK];
    measured(r, "B during silencing %.3f B0, after %.3f B0 (B0 %.4g; %.0f compass units)", lost / b0, back / b0,
             b0, v[HDNET_LS_E1_UNITS]);
    r->value = lost / b0;
    r->verdict = pass_fail(lost <= 0.25 * b0 && back >= 0.5 * b0);
}

static void drift_text(const double *v, int first, claim_row *r)
{
    measured(r, "psi drift %+.1f deg, control %+.1f deg, decoded drift %+.1f deg (%.0f units)", v[first + 1],
             v[first + 2], v[first + 3], v[first]);
    r->value = v[first + 1];
}

static void r11_e2(const double *v, claim_row *r)
{
    drift_text(v, HDNET_LS_E2_UNITS, r);
    r->verdict = pass_fail(v[HDNET_LS_E2_DRIFT] >= 20 && fabs(v[HDNET_LS_E2_CONTROL]) <= 5 &&
                           v[HDNET_LS_E2_DECODED] > 0);
}

static void r11m_e2m(const double *v, claim_row *r)
{
    drift_text(v, HDNET_LS_E2M_UNITS, r);
    int ok = v[HDNET_LS_E2M_DRIFT] <= -20 && fabs(v[HDNET_LS_E2M_CONTROL]) <= 5 && v[HDNET_LS_E2M_DECODED] < 0;
    r->verdict = ok ? HDNET_VERDICT_PASS : HDNET_VERDICT_WARN;
}

static void r12_e3(const double *v, claim_row *r)
{
    double g = v[HDNET_LS_E3_GAIN], g0 = v[HDNET_LS_E3_CONTROL];
    double bw = v[HDNET_LS_E3_BUMP], bw0 = v[HDNET_LS_E3_BUMP_CONTROL];
    measured(r, "gain %.3f (control %.3f), bump %.2f of control (%.0f units)", g, g0, bw / bw0,
             v[HDNET_LS_E3_UNITS]);
    r->value = fabs(g); /* the claim: no turning in either direction */
    r->verdict = pass_fail(g0 >= 0.8 && g0 <= 1.2 && fabs(g) <= 0.2 && bw >= 0.5 * bw0);
}

static const struct lesion_check {
    const char *id, *claim, *criterion;
    void (*run)(const double *summary, claim_row *r);
} lesion_checks[] = {
    {"R10", "lesion E1: bump lost, then re-forms", "<= 0.25 B0, then >= 0.5 B0", r10_e1},
    {"R11", "lesion E2: CW shifters silenced, bump drifts CCW at rest",
     "drift >= +20, control |drift| <= 5, decoded same sign", r11_e2},
    {"R11m", "lesion E2m: CCW shifters silenced, bump drifts CW", "drift <= -20 (mirror expectation, WARN only)",
     r11m_e2m},
    {"R12", "lesion E3: both shifter groups silenced, bump stable but does not turn",
     "control G in [0.8,1.2], |G| <= 0.2, B >= 0.5 control", r12_e3},
};

/* ---- the table ---- */

int hdnet_claims_create(hdnet_claims **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_create: out is NULL");
    *out = calloc(1, sizeof **out);
    return *out ? HDNET_OK : hdnet__error(HDNET_ENOMEM, "claim table");
}

void hdnet_claims_free(hdnet_claims *c)
{
    if (!c)
        return;
    free(c->rows);
    free(c);
}

/* Room for n more rows. */
static int reserve(hdnet_claims *c, size_t n)
{
    if (c->n + n <= c->cap)
        return HDNET_OK;
    size_t cap = c->cap ? c->cap : 16;
    while (cap < c->n + n)
        cap *= 2;
    claim_row *rows = realloc(c->rows, cap * sizeof *rows);
    if (!rows)
        return hdnet__error(HDNET_ENOMEM, "claim table of %zu rows", cap);
    c->rows = rows;
    c->cap = cap;
    return HDNET_OK;
}

static claim_row *new_row(hdnet_claims *c, const char *id, const char *claim, const char *criterion)
{
    claim_row *r = &c->rows[c->n++];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->criterion = criterion;
    r->value = r->null_lo = r->null_hi = r->ci_lo = r->ci_hi = NAN;
    snprintf(r->claim, sizeof r->claim, "%s", claim);
    return r;
}

/* ---- trust: the competence gate and the nulls (docs/analyses.md, sections 6 and 7) ---- */

/* R0: whether the network does the task; the checks of cell types and wiring depend on it. */
static int gate_row(const hdnet_study *s, claim_row *r)
{
    int competent = 0;
    const double bound = hdnet_gate_bound(s->ne_hold);
    int rc = hdnet_gate(s->ne, bound, &competent);
    measured(r, "NE %.4f on the %zu analysis trials of %zu steps (bound %.3g; holding the cued heading: NE %.4f)%s",
             s->ne, s->B, s->T, bound, s->ne_hold,
             competent ? "" : ": the network cannot do the task; R3-R9, R14, R15 are NOT_APPLICABLE");
    r->value = s->ne;
    r->verdict = pass_fail(competent);
    return rc;
}

/* Names of the statistics the trust rows compare with their nulls (HDNET_TR_* order). */
static const char *const trust_statistic[HDNET_TR_COUNT] = {
    "min(compass, CCW, CW)", "separation", "tile gap / bound", "ring contrast", "excitation side CCW - CW",
    "min(leading - trailing)", "mirror r", "tuned fraction"};

/* The finding of each trust row (HDNET_TR_* order), for its bootstrap interval over units. */
static const int trust_finding[HDNET_TR_COUNT] = {
    HDNET_F_TYPED_MIN, HDNET_F_SEPARATION, HDNET_F_TILE_GAP, HDNET_F_RING_CONTRAST, HDNET_F_OFFSET_ASYM,
    HDNET_F_LAG_MIN, HDNET_F_MIRROR, HDNET_F_TUNED_FRAC};

/* The trust table's row of a check id, or -1. */
static int trust_row(const char *id)
{
    for (int i = 0; i < HDNET_TR_COUNT; i++)
        if (!strcmp(hdnet_trust_criterion_id(i), id))
            return i;
    return -1;
}

/* Apply the nulls and the gate to the rows of one study. Without nulls a check cannot
 * pass: PASS and WARN become NOT_RUN. */
static int apply_trust(const hdnet_study *s, claim_row *rows, size_t n)
{
    double tab[HDNET_TR_COUNT * HDNET_TT_COLS];
    const double bound = hdnet_gate_bound(s->ne_hold);
    int have = s->n_nulls > 0 && s->boot, competent = 0, rc = hdnet_gate(s->ne, bound, &competent);
    double counts[HDNET_NCLASSES * HDNET_CC_COLS];
    if (!rc && have) {
        int *cls = malloc(s->N * sizeof *cls);
        rc = cls ? hdnet_boot_classify(s->boot, NULL, cls, s->N, NULL, 0, counts, HDNET_NCLASSES * HDNET_CC_COLS)
                 : hdnet__error(HDNET_ENOMEM, "claims: classes");
        free(cls);
        if (!rc)
            rc = hdnet_trust_verdicts(s->find, counts, s->net_nulls, s->n_nulls, s->wiring_nulls, s->n_nulls,
                                      s->t[1] ? s->find0 : NULL, HDNET_NULL_QUANTILE, bound, s->N, tab,
                                      HDNET_TR_COUNT * HDNET_TT_COLS);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        claim_row *r = &rows[i];
        int t = trust_row(r->id), gated = t >= 0 || !strcmp(r->id, "R15");
        if (t >= 0 && have) {
            double *row = tab + t * HDNET_TT_COLS;
            if (isnan(row[HDNET_TT_CI_LOW]) && isnan(row[HDNET_TT_CI_HIGH])) { /* R6-R9: over units */
                row[HDNET_TT_CI_LOW] = s->wiring_ci[2 * trust_finding[t]];
                row[HDNET_TT_CI_HIGH] = s->wiring_ci[2 * trust_finding[t] + 1];
            }
            char ci[80] = "";
            if (!isnan(row[HDNET_TT_CI_LOW]))
                snprintf(ci, sizeof ci, " [95%% interval %.4g, %.4g]", row[HDNET_TT_CI_LOW], row[HDNET_TT_CI_HIGH]);
            size_t len = strlen(r->measured);
            snprintf(r->measured + len, sizeof r->measured - len,
                     "; %s %.4g%s, permuted nulls 5-95%% [%.4g, %.4g], untrained %.4g: %s", trust_statistic[t],
                     row[HDNET_TT_VALUE], ci, row[HDNET_TT_NULL_LOW], row[HDNET_TT_NULL_HIGH], row[HDNET_TT_UNTRAINED],
                     row[HDNET_TT_BEYOND] ? "beyond the nulls" : "NOT beyond the nulls");
            r->value = row[HDNET_TT_VALUE];
            r->null_lo = row[HDNET_TT_NULL_LOW];
            r->null_hi = row[HDNET_TT_NULL_HIGH];
            r->ci_lo = row[HDNET_TT_CI_LOW];
            r->ci_hi = row[HDNET_TT_CI_HIGH];
            if (!row[HDNET_TT_BEYOND] && r->verdict != HDNET_VERDICT_NOT_RUN)
                r->verdict = HDNET_VERDICT_FAIL;
        } else if (t >= 0) {
            r->ci_lo = s->wiring_ci[2 * trust_finding[t]]; /* NaN but for R6-R9 with a bootstrap */
            r->ci_hi = s->wiring_ci[2 * trust_finding[t] + 1];
            if (r->verdict == HDNET_VERDICT_PASS || r->verdict == HDNET_VERDICT_WARN) {
                size_t len = strlen(r->measured);
                snprintf(r->measured + len, sizeof r->measured - len, "; no null networks: cannot pass");
                r->verdict = HDNET_VERDICT_NOT_RUN;
            }
        }
        if (gated)
            r->verdict = hdnet_gate_verdict(r->verdict, 1, competent);
    }
    return rc;
}

int hdnet_claims_add_study(hdnet_claims *c, const hdnet_study *study)
{
    if (!c || !study)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_add_study: NULL argument");
    const size_t n = sizeof study_checks / sizeof *study_checks;
    evidence e;
    int rc = reserve(c, n + 1);
    if (!rc)
        rc = prepare(&e, study);
    if (rc)
        return rc;
    size_t first = c->n;
    rc = gate_row(study, new_row(c, "R0", "the network does the task (competence gate)",
                                 "NE <= 0.1 and <= half the NE of holding the cued heading; otherwise the checks "
                                 "of cell types and wiring are NOT_APPLICABLE"));
    for (size_t i = 0; i < n && !rc; i++)
        study_checks[i].run(&e, new_row(c, study_checks[i].id, study_checks[i].claim, study_checks[i].criterion));
    if (!rc)
        rc = apply_trust(study, c->rows + first, c->n - first);
    evidence_free(&e);
    if (rc)
        c->n = first; /* a failed call leaves the table unchanged */
    return rc;
}

int hdnet_claims_add_lesion(hdnet_claims *c, const double *summary, size_t summary_len)
{
    if (!c || !summary)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_add_lesion: NULL argument");
    if (summary_len < HDNET_LS_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_claims_add_lesion: the summary needs %d values", HDNET_LS_COUNT);
    const size_t n = sizeof lesion_checks / sizeof *lesion_checks;
    int rc = reserve(c, n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        lesion_checks[i].run(summary, new_row(c, lesion_checks[i].id, lesion_checks[i].claim,
                                              lesion_checks[i].criterion));
    return HDNET_OK;
}

/* The value of a lesion row from a lesion summary, and the tail the claim predicts
 * (docs/analyses.md, section 8); 0 for a row that is no lesion check or was compared
 * with nulls before. */
static int lesion_tail(const claim_row *r, const double *v, double *value)
{
    if (r->compared)
        return 0;
    const char *id = r->id;
    if (!strcmp(id, "R10")) {
        *value = v[HDNET_LS_E1_LOST] / v[HDNET_LS_E1_B0];
        return HDNET_TAIL_BELOW;
    }
    if (!strcmp(id, "R11")) {
        *value = v[HDNET_LS_E2_DRIFT];
        return HDNET_TAIL_ABOVE;
    }
    if (!strcmp(id, "R11m")) {
        *value = v[HDNET_LS_E2M_DRIFT];
        return HDNET_TAIL_BELOW;
    }
    if (!strcmp(id, "R12")) {
        *value = fabs(v[HDNET_LS_E3_GAIN]);
        return HDNET_TAIL_BELOW;
    }
    return 0;
}

int hdnet_claims_lesion_nulls(hdnet_claims *c, const double *nulls, size_t n_nulls, size_t nulls_len, double q)
{
    if (!c || !nulls)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_lesion_nulls: NULL argument");
    size_t need;
    if (n_nulls < HDNET_NULL_MIN || hdnet__mul(n_nulls, HDNET_LS_COUNT, &need) || nulls_len < need)
        return hdnet__error(HDNET_ESHAPE, "hdnet_claims_lesion_nulls: %zu null experiments (need %d) of %d values",
                            n_nulls, HDNET_NULL_MIN, HDNET_LS_COUNT);
    if (!(q > 0.5 && q < 1))
        return hdnet__error(HDNET_ERANGE, "hdnet_claims_lesion_nulls: quantile %g outside (0.5, 1)", q);
    double *x = malloc(n_nulls * sizeof *x), *lo = malloc(c->n * sizeof *lo), *hi = malloc(c->n * sizeof *hi);
    int *beyond = malloc(c->n * sizeof *beyond), rc = HDNET_OK;
    if (!x || !lo || !hi || !beyond)
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_claims_lesion_nulls: out of memory");
    /* every comparison first, so that a failure leaves the table unchanged */
    for (size_t i = 0; i < c->n && !rc; i++) {
        double v;
        int tail = lesion_tail(&c->rows[i], nulls, &v);
        if (!tail)
            continue;
        for (size_t k = 0; k < n_nulls; k++)
            lesion_tail(&c->rows[i], nulls + k * HDNET_LS_COUNT, &x[k]);
        rc = hdnet_null_compare(c->rows[i].value, x, n_nulls, q, tail, &beyond[i], &lo[i], &hi[i]);
    }
    for (size_t i = 0; i < c->n && !rc; i++) {
        claim_row *r = &c->rows[i];
        double v;
        if (!lesion_tail(r, nulls, &v))
            continue;
        r->null_lo = lo[i];
        r->null_hi = hi[i];
        r->compared = 1;
        size_t len = strlen(r->measured);
        snprintf(r->measured + len, sizeof r->measured - len, "; random unit sets of the same size %.0f-%.0f%% "
                 "[%.4g, %.4g]: %s", 100 * (1 - q), 100 * q, lo[i], hi[i],
                 beyond[i] ? "beyond the nulls" : "NOT beyond the nulls");
        if (!beyond[i] && (r->verdict == HDNET_VERDICT_PASS || r->verdict == HDNET_VERDICT_WARN))
            r->verdict = HDNET_VERDICT_FAIL;
    }
    free(x);
    free(lo);
    free(hi);
    free(beyond);
    return rc;
}

/* The speed statistic of a split, min(mean compass fraction slow - fast, mean shifter fraction
 * fast - slow): the slow group is the set bits of mask over the pooled fractions pc (compass)
 * and ps (shifters) of n networks. Means, not the medians of R13's criterion: the median of
 * three networks ignores which network is the middle one, so many splits would tie with the
 * observed one. */
static double speed_statistic(const double *pc, const double *ps, size_t n, uint32_t mask)
{
    double sc[2] = {0, 0}, ss[2] = {0, 0}, cnt[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int g = (mask >> i & 1) ? 0 : 1; /* 0: slow, 1: fast */
        sc[g] += pc[i];
        ss[g] += ps[i];
        cnt[g] += 1;
    }
    return fmin(sc[0] / cnt[0] - sc[1] / cnt[1], ss[1] / cnt[1] - ss[0] / cnt[0]);
}

int hdnet_claims_speed_nulls(hdnet_claims *c, int rule, size_t n_slow, const double *slow, size_t n_fast,
                             const double *fast, double q)
{
    static const char *const ids[3] = {"R13", "R13i", "R13s"};
    if (!c || !slow || !fast || rule < HDNET_SPEED_ADAPTIVE || rule > HDNET_SPEED_SCALED)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_speed_nulls: NULL argument or unknown rule %d", rule);
    size_t n = n_slow + n_fast;
    if (n_slow == 0 || n_fast == 0 || n > 20)
        return hdnet__error(HDNET_ESHAPE, "hdnet_claims_speed_nulls: %zu and %zu networks (1 ... 20 in all)", n_slow,
                            n_fast);
    claim_row *r = NULL;
    for (size_t i = c->n; i-- > 0 && !r;)
        if (!strcmp(c->rows[i].id, ids[rule]) && !c->rows[i].compared)
            r = &c->rows[i];
    if (!r)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_speed_nulls: no %s row without nulls", ids[rule]);
    double pc[20], ps[20];
    for (size_t i = 0; i < n; i++) {
        pc[i] = i < n_slow ? slow[i] : fast[i - n_slow];
        ps[i] = i < n_slow ? slow[n_slow + i] : fast[n_fast + i - n_slow];
    }
    size_t splits = 0;
    for (uint32_t m = 0; m < (1u << n); m++) /* every split with n_slow networks in the slow group */
        splits += (size_t)__builtin_popcount(m) == n_slow;
    if (splits < HDNET_NULL_MIN) { /* too few seeds for a null: the check cannot pass */
        size_t len = strlen(r->measured);
        snprintf(r->measured + len, sizeof r->measured - len, "; %zu ways to exchange the speed labels of %zu and "
                 "%zu networks, fewer than %d: cannot pass", splits, n_slow, n_fast, HDNET_NULL_MIN);
        r->compared = 1;
        if (r->verdict == HDNET_VERDICT_PASS || r->verdict == HDNET_VERDICT_WARN)
            r->verdict = HDNET_VERDICT_NOT_RUN;
        return HDNET_OK;
    }
    double *x = malloc(splits * sizeof *x), lo, hi;
    if (!x)
        return hdnet__error(HDNET_ENOMEM, "hdnet_claims_speed_nulls: out of memory");
    size_t k = 0;
    for (uint32_t m = 0; m < (1u << n); m++)
        if ((size_t)__builtin_popcount(m) == n_slow)
            x[k++] = speed_statistic(pc, ps, n, m);
    double t = speed_statistic(pc, ps, n, (1u << n_slow) - 1);
    int beyond, rc = hdnet_null_compare(t, x, splits, q, HDNET_TAIL_ABOVE, &beyond, &lo, &hi);
    free(x);
    if (rc)
        return rc;
    r->null_lo = lo;
    r->null_hi = hi;
    r->compared = 1;
    size_t len = strlen(r->measured);
    snprintf(r->measured + len, sizeof r->measured - len, "; min(mean compass slow - fast, mean shifters fast - slow) %.3g, "
             "speed labels exchanged in %zu ways %.0f-%.0f%% [%.3g, %.3g]: %s", t, splits, 100 * (1 - q), 100 * q,
             lo, hi, beyond ? "beyond the nulls" : "NOT beyond the nulls");
    if (!beyond && (r->verdict == HDNET_VERDICT_PASS || r->verdict == HDNET_VERDICT_WARN))
        r->verdict = HDNET_VERDICT_FAIL;
    return HDNET_OK;
}

int hdnet_claims_gate(hdnet_claims *c, double ne, double bound, size_t n_networks)
{
    if (!c || n_networks == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_gate: NULL table or no networks");
    int competent, rc = hdnet_gate(ne, bound, &competent);
    if (!rc)
        rc = reserve(c, 1);
    if (rc)
        return rc;
    for (size_t i = 0; i < c->n; i++) {
        claim_row *r = &c->rows[i];
        int exempt = !strcmp(r->id, "R0") || !strcmp(r->id, "R1") || !strcmp(r->id, "R2") ||
                     r->verdict == HDNET_VERDICT_INFO;
        if (!exempt)
            r->verdict = hdnet_gate_verdict(r->verdict, 1, competent);
    }
    claim_row *r = new_row(c, "R0", "the network does the task (competence gate)",
                           "NE <= bound; otherwise the checks of cell types, wiring, lesions and speed are "
                           "NOT_APPLICABLE");
    if (n_networks == 1)
        measured(r, "NE %.4f on the analysis trials (bound %.3g)%s", ne, bound,
                 competent ? "" : ": the network cannot do the task");
    else
        measured(r, "of the %zu networks the furthest from its bound: NE %.4f on its analysis trials (bound %.3g)%s",
                 n_networks, ne, bound, competent ? "" : ": a network cannot do the task");
    r->value = ne;
    r->verdict = pass_fail(competent);
    claim_row gate = *r; /* the gate comes first, as in a study's table */
    memmove(c->rows + 1, c->rows, (c->n - 1) * sizeof *c->rows);
    c->rows[0] = gate;
    return HDNET_OK;
}

int hdnet_claims_add_speed(hdnet_claims *c, int rule, size_t n_speeds, const double *speeds, const double *compass,
                           const double *shifters, size_t n_seeds)
{
    static const char *const ids[3] = {"R13", "R13i", "R13s"}, *const rules[3] = {"adaptive", "reference", "scaled"};
    if (!c || !speeds || !compass || !shifters || rule < HDNET_SPEED_ADAPTIVE || rule > HDNET_SPEED_SCALED)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_add_speed: NULL argument or unknown rule %d", rule);
    if (n_speeds < 2)
        return hdnet__error(HDNET_ESHAPE, "hdnet_claims_add_speed: %zu speeds, need 2 or more", n_speeds);
    int rc = reserve(c, 1);
    if (rc)
        return rc;
    claim_row *r = new_row(c, ids[rule], "", "compass(slow) > compass(fast) and shifters(fast) > shifters(slow); "
                                             "WARN unless monotone");
    snprintf(r->claim, sizeof r->claim, "speed trend (%s rule; medians over %zu seeds, fractions of all units)",
             rules[rule], n_seeds);
    size_t off = 0, hi = n_speeds - 1;
    for (size_t i = 0; i < n_speeds && off < sizeof r->measured; i++)
        off += (size_t)snprintf(r->measured + off, sizeof r->measured - off, "%sspeed %g: compass %.2f, shifters %.2f",
                                i ? "; " : "", speeds[i], compass[i], shifters[i]);
    int ok = compass[0] > compass[hi] && shifters[hi] > shifters[0], mono = 1;
    for (size_t i = 1; i < n_speeds; i++)
        mono &= compass[i] < compass[i - 1] && shifters[i] > shifters[i - 1];
    r->value = compass[0] - compass[hi];
    r->verdict = rule != HDNET_SPEED_ADAPTIVE ? HDNET_VERDICT_INFO
                 : !ok                        ? HDNET_VERDICT_FAIL
                 : mono                       ? HDNET_VERDICT_PASS
                                              : HDNET_VERDICT_WARN;
    return HDNET_OK;
}

int hdnet_claims_compute(hdnet_claims **out, const hdnet_net *net, const hdnet_net *untrained,
                         const hdnet_aparams *params)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_claims_compute: out is NULL");
    *out = NULL;
    hdnet_study *s;
    hdnet_claims *c = NULL;
    int rc = hdnet_study_run(&s, net, untrained, NULL, HDNET_ANALYSIS_TRIALS, HDNET_ANALYSIS_SEED, params, 50);
    if (rc)
        return rc;
    double skipped = 0;
    rc = hdnet_study_scalar(s, HDNET_SS_PASS2_SKIPPED, &skipped);
    if (!rc && !skipped)
        rc = hdnet_study_nulls(s, net, HDNET_NULL_MIN, HDNET_NULL_TRIALS, HDNET_ANALYSIS_SEED);
    if (rc) {
        hdnet_study_free(s);
        return rc;
    }
    rc = hdnet_claims_create(&c);
    if (!rc)
        rc = hdnet_claims_add_study(c, s);
    hdnet_study_free(s);
    if (rc) {
        hdnet_claims_free(c);
        return rc;
    }
    *out = c;
    return HDNET_OK;
}

/* ---- getters ---- */

size_t hdnet_claims_count(const hdnet_claims *c)
{
    return c ? c->n : 0;
}

const char *hdnet_claims_text(const hdnet_claims *c, size_t row, int column)
{
    if (!c || row >= c->n)
        return NULL;
    const claim_row *r = &c->rows[row];
    switch (column) {
    case HDNET_CLAIM_ID: return r->id;
    case HDNET_CLAIM_CLAIM: return r->claim;
    case HDNET_CLAIM_MEASURED: return r->measured;
    case HDNET_CLAIM_CRITERION: return r->criterion;
    default: return NULL;
    }
}

double hdnet_claims_number(const hdnet_claims *c, size_t row, int column)
{
    if (!c || row >= c->n)
        return NAN;
    const claim_row *r = &c->rows[row];
    switch (column) {
    case HDNET_CLAIM_VALUE: return r->value;
    case HDNET_CLAIM_NULL_LOW: return r->null_lo;
    case HDNET_CLAIM_NULL_HIGH: return r->null_hi;
    case HDNET_CLAIM_CI_LOW: return r->ci_lo;
    case HDNET_CLAIM_CI_HIGH: return r->ci_hi;
    default: return NAN;
    }
}

int hdnet_claims_verdict(const hdnet_claims *c, size_t row)
{
    if (!c || row >= c->n)
        return HDNET_EINVAL;
    return c->rows[row].verdict;
}

const char *hdnet_verdict_name(int verdict)
{
    static const char *const names[] = {"PASS", "FAIL", "WARN", "INFO", "NOT_RUN", "NOT_APPLICABLE"};
    return verdict >= 0 && verdict < (int)(sizeof names / sizeof *names) ? names[verdict] : "?";
}
