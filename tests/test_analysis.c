/* Analyses on synthetic units of known type (docs/analyses.md), plus error paths. */
#include "testutil.h"
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "model/net_priv.h"
#include "analysis/analysis_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define DEG (180.0 / PI)

/* ---- synthetic data ---- */

enum { NT = 40, TS = 910, CUE = 10, NU = 12, NW = 10 };
static const double phi_true[NU] = {47.3, 131.8, 222.2, 300.6, 20.4, 140.1, 260.7, 80.9, 200.3, 330.2, 170.0, 0};
static const double beta[NU] = {0, 0, 0, 0, 0.05, 0.05, 0.05, -0.05, -0.05, -0.05, 0, 0};
static const int want_cls[NU] = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4};

typedef struct {
    double *heading, *av; /* [NT][TS] radians */
    float *rates;         /* [NT][TS][NU] */
    float *outputs;       /* [NT][TS][2] */
} synth;

static double vm(double th_deg, double phi_deg)
{
    return exp(4.0 * (cos((th_deg - phi_deg) / DEG) - 1.0));
}

static double retanh(double x)
{
    return x > 0 ? tanh(x) : 0.0;
}

/* Samples on a balanced grid: the non-cue samples j = 0..35999 take heading
 * (j mod 3600) * 0.1 + 0.05 degrees and AV level (j / 3600) of NW symmetric normal
 * quantiles (SD about 2.865 deg/step), so every heading bin sees the same AV values and
 * the expected curves are exact. The heading is stored unwrapped (+360 b degrees)
 * and the order of the samples is shuffled within each trial by a fixed stride. */
static void synth_make(synth *s, uint64_t seed)
{
    (void)seed;
    size_t S = (size_t)NT * TS;
    s->heading = malloc(S * sizeof(double));
    s->av = malloc(S * sizeof(double));
    s->rates = malloc(S * NU * sizeof(float));
    s->outputs = malloc(S * 2 * sizeof(float));
    ck_assert(s->heading && s->av && s->rates && s->outputs);
    /* normal quantiles at (k + 0.5)/NW, from a table (probit of 0.05, 0.15, ..., 0.45) */
    static const double q[5] = {1.6448536269514722, 1.0364333894937898, 0.6744897501960817,
                                0.38532046640756773, 0.12566134685507402};
    double lev[NW];
    for (int k = 0; k < 5; k++) {
        lev[k] = -2.865 * q[k];
        lev[NW - 1 - k] = 2.865 * q[k];
    }
    for (size_t b = 0; b < NT; b++)
        for (size_t t = 0; t < TS; t++) {
            size_t i = b * TS + t;
            double thd, wd;
            if (t < CUE) {
                thd = 10.0 * (double)b;
                wd = 0;
            } else {
                size_t j = b * (TS - CUE) + ((t - CUE) * 7) % (TS - CUE);
                thd = (double)(j % 3600) * 0.1 + 0.05;
                wd = lev[(j / 3600) % NW];
            }
            s->heading[i] = (thd + 360.0 * (double)b) / DEG;
            s->av[i] = wd / DEG;
            for (int u = 0; u < NU; u++) {
                double h;
                if (u < 4)
                    h = 0.8 * vm(thd, phi_true[u]);
                else if (u < 10)
                    h = retanh(0.6 * vm(thd, phi_true[u]) + beta[u] * wd);
                else if (u == 10)
                    h = 0.3 + 0.045 * vm(thd, phi_true[u]);
                else
                    h = 0;
                s->rates[i * NU + (size_t)u] = (float)h;
            }
            /* decoded heading = true heading lagging by 2 degrees */
            s->outputs[2 * i] = (float)sin((thd - 2.0) / DEG);
            s->outputs[2 * i + 1] = (float)cos((thd - 2.0) / DEG);
        }
}

static void synth_free(synth *s)
{
    free(s->heading);
    free(s->av);
    free(s->rates);
    free(s->outputs);
}

/* Run the three passes, chunk trials per call. */
static hdnet_tuning *analyse(const synth *s, const hdnet_aparams *p, size_t chunk)
{
    hdnet_tuning *t;
    ck_assert_ok(hdnet_tuning_create(&t, NU, p));
    for (int pass = 0; pass < 3; pass++) {
        for (size_t b0 = 0; b0 < NT; b0 += chunk) {
            size_t nb = NT - b0 < chunk ? NT - b0 : chunk;
            size_t o = b0 * TS, ns = nb * TS;
            ck_assert_ok(hdnet_tuning_add(t, nb, TS, CUE, s->heading + o, ns, s->av + o, ns,
                                          pass ? s->outputs + 2 * o : NULL, 2 * ns,
                                          pass ? s->rates + o * NU : NULL, ns * NU));
        }
        ck_assert_ok(hdnet_tuning_next_pass(t));
    }
    return t;
}

static double circ_dist(double a, double b)
{
    return fabs(hdnet_wrap_deg(a - b));
}

/* ---- tests ---- */

START_TEST(synthetic_units)
{
    synth s;
    synth_make(&s, 11);
    hdnet_tuning *t = analyse(&s, NULL, NT);
    double phi[NU], pcm[NU], psm[NU], b[NU], S[NU], phid[NU], A[NU], R[NU];
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_PHI, phi, NU));
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_PHI_CM, pcm, NU));
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_PHI_SMOOTH, psm, NU));
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_PHI_DEC, phid, NU));
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_SLOPE, b, NU));
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_S, S, NU));
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_A, A, NU));
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_R, R, NU));
    /* preferred heading within 1 degree under all three estimators (tuned units) */
    for (int u = 0; u < 11; u++) {
        ck_assert_msg(circ_dist(phi[u], phi_true[u]) <= 1.0, "unit %d argmax %g vs %g", u, phi[u], phi_true[u]);
        ck_assert_msg(circ_dist(pcm[u], phi_true[u]) <= 1.0, "unit %d circ mean %g vs %g", u, pcm[u],
                      phi_true[u]);
        ck_assert_msg(circ_dist(psm[u], phi_true[u]) <= 1.0, "unit %d smoothed %g vs %g", u, psm[u],
                      phi_true[u]);
        /* decoded heading lags by 2 degrees, so the decoded preference is 2 degrees less */
        ck_assert_msg(circ_dist(phid[u], phi_true[u] - 2.0) <= 1.0, "unit %d decoded %g", u, phid[u]);
    }
    /* dead unit: phi NaN, S = 0, R = 0, b = 0 */
    ck_assert(isnan(phi[11]) && S[11] == 0 && R[11] == 0 && b[11] == 0);
    /* slope signs and magnitudes: compass units are flat at phi */
    for (int u = 0; u < 4; u++)
        ck_assert_msg(fabs(b[u]) < 0.002, "compass %d slope %g", u, b[u]);
    for (int u = 4; u < 7; u++)
        ck_assert_msg(b[u] > 0.02, "ccw %d slope %g", u, b[u]);
    for (int u = 7; u < 10; u++)
        ck_assert_msg(b[u] < -0.02, "cw %d slope %g", u, b[u]);
    /* compass S = 0.8 (1 - e^-8) up to binning */
    for (int u = 0; u < 4; u++)
        ck_assert_double_eq_tol(S[u], 0.8 * (1 - exp(-8.0)), 2e-3);
    /* classes under both rules */
    int cr[NU], ca[NU];
    uint32_t why[NU];
    double info[HDNET_CI_COUNT];
    ck_assert_ok(hdnet_tuning_classify(t, HDNET_RULE_REFERENCE, 0, cr, NU, why, NU, info, HDNET_CI_COUNT));
    ck_assert_double_eq(info[HDNET_CI_BRANCH], 0);
    for (int u = 0; u < NU; u++)
        ck_assert_msg(cr[u] == want_cls[u], "reference: unit %d class %s, want %s (S %g b %g)", u,
                      hdnet_class_name(cr[u]), hdnet_class_name(want_cls[u]), S[u], b[u]);
    ck_assert(why[11] & HDNET_REASON_RANGE);
    ck_assert_ok(hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 0, ca, NU, why, NU, info, HDNET_CI_COUNT));
    ck_assert_double_eq(info[HDNET_CI_BRANCH], 1);
    ck_assert(info[HDNET_CI_D] >= 2);
    for (int u = 0; u < NU; u++)
        ck_assert_msg(ca[u] == want_cls[u], "adaptive: unit %d class %s, want %s (S %g A %g A* %g)", u,
                      hdnet_class_name(ca[u]), hdnet_class_name(want_cls[u]), S[u], A[u], info[0]);
    /* the decoded classes agree for this clean decoder */
    ck_assert_ok(hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 1, ca, NU, NULL, 0, NULL, 0));
    for (int u = 0; u < 10; u++)
        ck_assert_int_eq(ca[u], want_cls[u]);
    hdnet_tuning_free(t);
    synth_free(&s);
}
END_TEST

START_TEST(counts_and_inputs)
{
    synth s;
    synth_make(&s, 12);
    hdnet_tuning *t = analyse(&s, NULL, NT);
    double n_incl, n_all, sigma, lo, hi;
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_N_INCLUDED, &n_incl));
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_N_SAMPLES, &n_all));
    ck_assert_double_eq(n_all, NT * TS);
    ck_assert_double_eq(n_incl, NT * (TS - CUE));
    size_t len;
    ck_assert_ok(hdnet_tuning_array_shape(t, HDNET_TU_CURVE_COUNTS, &len, NULL));
    double *cnt = malloc(len * sizeof *cnt);
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_CURVE_COUNTS, cnt, len));
    double sums[4] = {0};
    for (size_t r = 0; r < 4; r++)
        for (size_t k = 0; k < 360; k++)
            sums[r] += cnt[r * 360 + k];
    ck_assert_double_eq(sums[0], n_incl);
    ck_assert_double_eq(sums[1], n_incl);
    /* zero AV only in the cue (excluded), so c+ and c- together hold every sample */
    ck_assert_double_eq(sums[2] + sums[3], n_incl);
    free(cnt);
    /* c+ and c- against a direct computation for a shifter in a few heading bins */
    {
        double cp[NU * 360], cm[NU * 360];
        ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_CURVE_CCW, cp, NU * 360));
        ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_CURVE_CW, cm, NU * 360));
        for (int kb = 0; kb < 360; kb += 37) {
            double sp = 0, sm = 0, np = 0, nm = 0;
            for (size_t i = 0; i < (size_t)NT * TS; i++) {
                if (i % TS < CUE)
                    continue;
                double th = fmod(s.heading[i] * DEG, 360.0);
                if ((int)floor(th) != kb)
                    continue;
                double r = s.rates[i * NU + 4];
                if (s.av[i] > 0) {
                    sp += r;
                    np++;
                } else if (s.av[i] < 0) {
                    sm += r;
                    nm++;
                }
            }
            ck_assert_double_eq_tol(cp[4 * 360 + kb], sp / np, 1e-12);
            ck_assert_double_eq_tol(cm[4 * 360 + kb], sm / nm, 1e-12);
        }
    }
    double *mc = malloc(100 * 360 * sizeof *mc);
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_MAP_COUNTS, mc, 100 * 360));
    double tot = 0;
    for (size_t i = 0; i < 100 * 360; i++)
        tot += mc[i];
    ck_assert_double_eq(tot, n_incl);
    free(mc);
    /* sigma_AV of AR(1) with innovation 0.03 rad: 0.03/sqrt(1-0.64) rad = 2.865 deg */
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_SIGMA_AV, &sigma));
    {
        double s1 = 0, s2 = 0, nn = 0;
        for (size_t i = 0; i < (size_t)NT * TS; i++)
            if ((i % TS) >= CUE) {
                double w = s.av[i] * DEG;
                s1 += w;
                s2 += w * w;
                nn++;
            }
        ck_assert_double_eq_tol(sigma, sqrt((s2 - s1 * s1 / nn) / (nn - 1)), 1e-9);
    }
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_WIN_LO, &lo));
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_WIN_HI, &hi));
    double amin, amax;
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_AV_MIN, &amin));
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_AV_MAX, &amax));
    ck_assert_double_eq_tol(amin, -2.865 * 1.6448536269514722, 1e-9);
    ck_assert_double_eq(lo, fmax(-3 * sigma, amin));
    ck_assert_double_eq(hi, fmin(3 * sigma, amax));
    /* AV tuning at phi: every counted sample has omega in the window */
    double pc[NU * 100];
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_PREF_COUNTS, pc, NU * 100));
    double npref = 0;
    for (int j = 0; j < 100; j++)
        npref += pc[j];
    ck_assert(npref > 100);
    /* the all-heading AV curve of a compass unit is flat, its row-normalised map spans [0,1] */
    double g[NU * 100];
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_AV_CURVE, g, NU * 100));
    double gc[100];
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_AV_COUNTS, gc, 100));
    int nonempty = 0;
    for (int j = 0; j < 100; j++)
        if (gc[j] > 0) {
            nonempty++;
            ck_assert_double_eq(g[11 * 100 + j], 0);
            ck_assert_double_eq_tol(g[0 * 100 + j], g[0 * 100 + 0], 1e-9);
        } else {
            ck_assert(isnan(g[j]));
        }
    ck_assert_int_eq(nonempty, NW);
    ck_assert(gc[0] > 0);
    hdnet_tuning_free(t);
    synth_free(&s);
}
END_TEST

START_TEST(chunk_independence)
{
    synth s;
    synth_make(&s, 13);
    hdnet_tuning *t1 = analyse(&s, NULL, NT), *t2 = analyse(&s, NULL, 1), *t3 = analyse(&s, NULL, 7);
    for (int st = 0; st < HDNET_US_COUNT; st++) {
        double a[NU], b[NU], c[NU];
        ck_assert_ok(hdnet_tuning_unit_stat(t1, st, a, NU));
        ck_assert_ok(hdnet_tuning_unit_stat(t2, st, b, NU));
        ck_assert_ok(hdnet_tuning_unit_stat(t3, st, c, NU));
        ck_assert_msg(memcmp(a, b, sizeof a) == 0 && memcmp(a, c, sizeof a) == 0, "stat %s differs",
                      hdnet_unit_stat_name(st));
    }
    for (int id = 0; id < HDNET_TU_NARRAYS; id++) {
        size_t len;
        ck_assert_ok(hdnet_tuning_array_shape(t1, id, &len, NULL));
        double *a = malloc(len * sizeof *a), *b = malloc(len * sizeof *b);
        ck_assert_ok(hdnet_tuning_copy(t1, id, a, len));
        ck_assert_ok(hdnet_tuning_copy(t2, id, b, len));
        ck_assert_msg(memcmp(a, b, len * sizeof *a) == 0, "array %d differs", id);
        ck_assert_ok(hdnet_tuning_copy(t3, id, b, len));
        ck_assert_msg(memcmp(a, b, len * sizeof *a) == 0, "array %d differs", id);
        free(a);
        free(b);
    }
    hdnet_tuning_free(t1);
    hdnet_tuning_free(t2);
    hdnet_tuning_free(t3);
    synth_free(&s);
}
END_TEST

START_TEST(compat_modes)
{
    synth s;
    synth_make(&s, 14);
    hdnet_aparams *p;
    ck_assert_ok(hdnet_aparams_create(&p));
    ck_assert_ok(hdnet_aparams_set_str(p, "compat", "pytorch"));
    hdnet_tuning *t = analyse(&s, p, 9);
    size_t dims[3], len;
    ck_assert_ok(hdnet_tuning_array_shape(t, HDNET_TU_CURVE, &len, dims));
    ck_assert_uint_eq(dims[1], 99);
    double n_incl, phi[NU];
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_N_INCLUDED, &n_incl));
    ck_assert_double_eq(n_incl, NT * TS); /* cue included */
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_PHI, phi, NU));
    for (int u = 0; u < 4; u++) /* 3.6-degree bins */
        ck_assert(circ_dist(phi[u], phi_true[u]) <= 1.9);
    hdnet_tuning_free(t);
    ck_assert_ok(hdnet_aparams_set_str(p, "compat", "matlab"));
    t = analyse(&s, p, NT);
    ck_assert_ok(hdnet_tuning_array_shape(t, HDNET_TU_CURVE, &len, dims));
    ck_assert_uint_eq(dims[1], 360);
    hdnet_tuning_free(t);
    hdnet_aparams_free(p);
    synth_free(&s);
}
END_TEST

START_TEST(heading_edges)
{
    /* a heading whose conversion gives exactly 360 degrees */
    const double deg = 180.0 / HDNET__PI;
    double h360 = 2 * PI;
    while (h360 * deg > 360.0)
        h360 = nextafter(h360, 0);
    while (h360 * deg < 360.0)
        h360 = nextafter(h360, 10);
    ck_assert(h360 * deg == 360.0);
    /* wrap360(fmod(360,360)) = 0, so an exact 360 heading is already bin 0 before the rule;
     * -0.0 goes to bin 0, 359.75 to bin 359 */
    double head[4] = {h360, -0.0, 359.75 / deg, 0.25 / deg};
    double av[4] = {0.01, -0.01, 0.02, -0.02};
    float rates[4] = {1, 2, 4, 8};
    hdnet_tuning *t;
    ck_assert_ok(hdnet_tuning_create(&t, 1, NULL));
    ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, head, 4, av, 4, NULL, 0, NULL, 0));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, head, 4, av, 4, NULL, 0, rates, 4));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    double c[360];
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_CURVE, c, 360));
    ck_assert_double_eq(c[0], (1 + 2 + 8) / 3.0);
    ck_assert_double_eq(c[359], 4);
    hdnet_tuning_free(t);
    /* decoded heading: atan2(-tiny, 1) + 360 == 360 exactly -> bin 0 (library), 359 (matlab) */
    float out[8] = {-1e-30f, 1, 0, 1, 0, 1, 0, 1};
    double check = atan2(-1e-30, 1.0) * deg + 360.0;
    ck_assert(check == 360.0);
    for (int mode = 0; mode < 2; mode++) {
        hdnet_aparams *p;
        ck_assert_ok(hdnet_aparams_create(&p));
        ck_assert_ok(hdnet_aparams_set(p, HDNET_A_COMPAT, mode ? HDNET_COMPAT_MATLAB : HDNET_COMPAT_LIBRARY));
        ck_assert_ok(hdnet_tuning_create(&t, 1, p));
        ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, head, 4, av, 4, NULL, 0, NULL, 0));
        ck_assert_ok(hdnet_tuning_next_pass(t));
        ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, head, 4, av, 4, out, 8, rates, 4));
        ck_assert_ok(hdnet_tuning_next_pass(t));
        ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_CURVE_DEC, c, 360));
        if (mode == 0) {
            ck_assert_double_eq(c[0], (1 + 2 + 4 + 8) / 4.0);
            ck_assert(isnan(c[359]));
        } else {
            ck_assert_double_eq(c[359], 1);
            ck_assert_double_eq(c[0], (2 + 4 + 8) / 3.0);
        }
        hdnet_tuning_free(t);
        hdnet_aparams_free(p);
    }
}
END_TEST

START_TEST(split_curves_zero_row)
{
    /* omega = +-1e-5 deg/step falls in the AV row containing 0 together with omega = 0 */
    const double deg = 180.0 / HDNET__PI;
    double head[5], av[5] = {-5 / deg, -1e-5 / deg, 0, 1e-5 / deg, 5 / deg};
    float rates[5] = {1, 2, 4, 8, 16};
    for (int i = 0; i < 5; i++)
        head[i] = 10.5 / deg;
    hdnet_tuning *t;
    ck_assert_ok(hdnet_tuning_create(&t, 1, NULL));
    ck_assert_ok(hdnet_tuning_add(t, 1, 5, 0, head, 5, av, 5, NULL, 0, NULL, 0));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    double zr;
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_ZERO_ROW, &zr));
    ck_assert_double_eq(zr, 49);
    ck_assert_ok(hdnet_tuning_add(t, 1, 5, 0, head, 5, av, 5, NULL, 0, rates, 5));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    double cp[360], cm[360], c[360];
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_CURVE_CCW, cp, 360));
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_CURVE_CW, cm, 360));
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_CURVE, c, 360));
    ck_assert_double_eq(cp[10], 12);
    ck_assert_double_eq(cm[10], 1.5);
    ck_assert_double_eq(c[10], 31.0 / 5);
    ck_assert(isnan(cp[11]));
    /* a pass that sees other samples is refused */
    double av2[5] = {-6 / deg, 0, 0, 0, 0};
    hdnet_tuning_free(t);
    ck_assert_ok(hdnet_tuning_create(&t, 1, NULL));
    ck_assert_ok(hdnet_tuning_add(t, 1, 5, 0, head, 5, av, 5, NULL, 0, NULL, 0));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    ck_assert_status(hdnet_tuning_add(t, 1, 5, 0, head, 5, av2, 5, NULL, 0, rates, 5), HDNET_ERANGE);
    hdnet_tuning_free(t);
}
END_TEST

START_TEST(binning_rule)
{
    double e[101];
    hdnet__linspace_edges(-8.123, 9.456 + 1e-4, 100, e);
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_LIBRARY, 5));
    double v[20000];
    ck_assert_ok(hdnet_rng_uniform(r, v, 20000));
    for (int i = 0; i < 20000; i++) {
        double x = i < 101 ? e[i] : -9 + 19 * v[i]; /* the edges themselves, then random values */
        long k = hdnet__bin_find(e, 100, x);
        long want = -1;
        for (long j = 0; j < 100; j++)
            if (e[j] <= x && x < e[j + 1])
                want = j;
        ck_assert_int_eq(k, want);
    }
    hdnet_rng_free(r);
    ck_assert_int_eq(hdnet__bin_find(e, 100, NAN), -1);
}
END_TEST

START_TEST(fit_and_stats)
{
    /* exact line: slope, intercept, SE 0, R^2 1 */
    double x[5] = {0, 1, 2, 3, 4}, y[5] = {1, 3, 5, 7, 9}, fit[HDNET__FIT_N];
    hdnet__linfit(x, y, NULL, 5, fit);
    ck_assert_double_eq_tol(fit[0], 2, 1e-12);
    ck_assert_double_eq_tol(fit[1], 1, 1e-12);
    ck_assert_double_eq_tol(fit[2], 0, 1e-12);
    ck_assert_double_eq_tol(fit[4], 1, 1e-12);
    /* SE against a hand computation: y = 0,2,1,3 on x = 0..3 */
    double y2[4] = {0, 2, 1, 3};
    hdnet__linfit(x, y2, NULL, 4, fit);
    /* b = 0.8, a = 0.3, residuals -0.3, 0.9, -0.9, 0.3 -> RSS 1.8, Sxx 5: SE = sqrt(1.8/2/5) */
    ck_assert_double_eq_tol(fit[0], 0.8, 1e-12);
    ck_assert_double_eq_tol(fit[2], sqrt(0.18), 1e-12);
    hdnet__linfit(x, y, NULL, 1, fit);
    ck_assert(isnan(fit[0]));
    double xs[3] = {2, 2, 2};
    hdnet__linfit(xs, y, NULL, 3, fit);
    ck_assert(isnan(fit[0]));
    /* the slope fit's exclusions (docs/analyses.md): zero bin dropped, floor rule */
    hdnet_aparams p;
    hdnet__aparams_defaults(&p);
    double edges[9] = {-4, -3, -2, -1, 0, 1, 2, 3, 4}, cx[8], m[8] = {0, 0, 0, 0.5, 0.9, 0.2, 0.3, 0.4};
    for (int j = 0; j < 8; j++)
        cx[j] = -3.5 + j;
    double mask[8];
    hdnet__slope_fit(&p, cx, m, NULL, edges, 8, fit, mask);
    /* bin 4 (0 <= w < 1) dropped; 4 of 7 >= 0.05 > 7/4, so the zeros go too: bins 3,5,6,7 */
    double want_mask[8] = {0, 0, 0, 1, 0, 1, 1, 1};
    for (int j = 0; j < 8; j++)
        ck_assert_double_eq(mask[j], want_mask[j]);
    double fx[4] = {-0.5, 1.5, 2.5, 3.5}, fy[4] = {0.5, 0.2, 0.3, 0.4}, f2[HDNET__FIT_N];
    hdnet__linfit(fx, fy, NULL, 4, f2);
    ck_assert_double_eq_tol(fit[0], f2[0], 1e-15);
    /* percentile */
    double pv[5] = {5, 1, 4, 2, 3};
    ck_assert_double_eq_tol(hdnet__percentile(pv, 5, 0.9), 4.6, 1e-12);
    /* circular mean of a flat curve: R = 0 */
    double flat[360], cen[360], phi, R;
    for (int k = 0; k < 360; k++) {
        flat[k] = 0.5;
        cen[k] = k + 0.5;
    }
    hdnet__circ_mean_curve(flat, cen, 360, 2, &phi, &R);
    ck_assert(R < 1e-12);
    flat[100] = 1;
    for (int k = 0; k < 360; k++)
        if (k != 100)
            flat[k] = 0;
    hdnet__circ_mean_curve(flat, cen, 360, 2, &phi, &R);
    ck_assert_double_eq_tol(R, 1, 1e-12);
    ck_assert_double_eq_tol(phi, 100.5, 1e-9);
    ck_assert_double_eq(hdnet_wrap_deg(180), 180);
    ck_assert_double_eq(hdnet_wrap_deg(-180), 180);
    ck_assert_double_eq(hdnet_wrap_deg(540.5), 180.5 - 360);
}
END_TEST

START_TEST(adaptive_rule)
{
    /* two well-separated groups of A: split between them, D large */
    enum { n = 20 };
    double range[n], S[n], b[n], tt[n], A[n];
    int c[n];
    uint32_t why[n];
    double info[HDNET_CI_COUNT];
    for (int i = 0; i < n; i++) {
        range[i] = 0.9;
        S[i] = 0.8;
        b[i] = i < 10 ? 1e-4 : (i % 2 ? 0.05 : -0.05);
        tt[i] = i < 10 ? 0.5 : 20;
        A[i] = i < 10 ? 0.01 * (1 + 0.1 * i) : 1.0 + 0.1 * i;
    }
    range[0] = 0.001; /* removed by range */
    S[1] = 0.01;      /* removed by strength (below 0.05 S90) */
    S[2] = 0.06;      /* weak: below 0.1 S90 */
    b[3] = NAN;       /* no fit */
    ck_assert_ok(hdnet_classify(HDNET_RULE_ADAPTIVE, NULL, n, range, S, b, tt, A, c, why, info, HDNET_CI_COUNT));
    ck_assert_int_eq(c[0], HDNET_CLASS_INACTIVE);
    ck_assert(why[0] & HDNET_REASON_RANGE);
    ck_assert_int_eq(c[1], HDNET_CLASS_INACTIVE);
    ck_assert(why[1] & HDNET_REASON_STRENGTH);
    ck_assert_int_eq(c[2], HDNET_CLASS_WEAK);
    ck_assert_int_eq(c[3], HDNET_CLASS_INACTIVE);
    ck_assert(why[3] & HDNET_REASON_NOFIT);
    for (int i = 4; i < 10; i++)
        ck_assert_int_eq(c[i], HDNET_CLASS_COMPASS);
    for (int i = 10; i < n; i++)
        ck_assert_int_eq(c[i], i % 2 ? HDNET_CLASS_SHIFTER_CCW : HDNET_CLASS_SHIFTER_CW);
    ck_assert_double_eq(info[HDNET_CI_BRANCH], 1);
    ck_assert(info[HDNET_CI_ASTAR] > 0.02 && info[HDNET_CI_ASTAR] < 1.0);
    /* identical A (D = 0): fallback 0.4 */
    for (int i = 0; i < n; i++)
        A[i] = 0.3;
    ck_assert_ok(hdnet_classify(HDNET_RULE_ADAPTIVE, NULL, n, range, S, b, tt, A, c, why, info, HDNET_CI_COUNT));
    ck_assert_double_eq(info[HDNET_CI_BRANCH], 2);
    ck_assert_double_eq(info[HDNET_CI_D], 0);
    ck_assert_double_eq(info[HDNET_CI_ASTAR], 0.4);
    /* fewer than 6 units left: fallback too */
    ck_assert_ok(hdnet_classify(HDNET_RULE_ADAPTIVE, NULL, 5, range + 15, S + 15, b + 15, tt + 15, A + 15, c, why,
                                info, HDNET_CI_COUNT));
    ck_assert_double_eq(info[HDNET_CI_BRANCH], 1 + 1);
    /* reference rule edge cases: b = 0 -> weak (zero_slope); NaN -> removed (nofit) */
    double r2[3] = {1, 1, 1}, s2[3] = {0.5, 0.5, 0.8}, b2[3] = {0, NAN, 0.01};
    ck_assert_ok(hdnet_classify(HDNET_RULE_REFERENCE, NULL, 3, r2, s2, b2, NULL, NULL, c, why, NULL, 0));
    ck_assert_int_eq(c[0], HDNET_CLASS_WEAK);
    ck_assert(why[0] & HDNET_REASON_ZERO_SLOPE);
    ck_assert_int_eq(c[1], HDNET_CLASS_INACTIVE);
    ck_assert(why[1] & HDNET_REASON_NOFIT);
    ck_assert_int_eq(c[2], HDNET_CLASS_COMPASS);
}
END_TEST

START_TEST(profile_offset)
{
    enum { n = 72 };
    double phi[n];
    float *w = malloc(n * n * sizeof *w);
    int all[n];
    for (int i = 0; i < n; i++) {
        phi[i] = 5.0 * i + 2.5;
        all[i] = i;
    }
    const double delta = 20;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            w[j * n + i] = i == j ? 0.0f : (float)cos((phi[j] - phi[i] - delta) / DEG);
    double table[HDNET_PR_ROWS * 360], *pairs = malloc(4 * n * n * sizeof *pairs);
    size_t np;
    ck_assert_ok(hdnet_profile(NULL, w, n, phi, all, n, all, n, table, HDNET_PR_ROWS * 360, pairs, n * n, &np));
    ck_assert_uint_eq(np, n * (n - 1));
    const double *mean = table + HDNET_PR_MEAN * 360, *cen = table + HDNET_PR_CENTRE * 360;
    long k = hdnet__nanargmax(mean, 360);
    ck_assert_msg(fabs(cen[k] - delta) <= 2.5, "peak at %g", cen[k]);
    /* offset: between disjoint sets (even -> odd units) r never hits 0, so the pair set is
     * symmetric about delta2 = 15 and delta must come out at 15 */
    const double delta2 = 15;
    int ev[n / 2], od[n / 2];
    for (int i = 0; i < n / 2; i++) {
        ev[i] = 2 * i;
        od[i] = 2 * i + 1;
    }
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            w[j * n + i] = i == j ? 0.0f : (float)cos((phi[j] - phi[i] - delta2) / DEG);
    double off, t2[HDNET_PR_ROWS * 360];
    size_t np2;
    ck_assert_ok(hdnet_profile(NULL, w, n, phi, ev, n / 2, od, n / 2, t2, HDNET_PR_ROWS * 360, NULL, 0, &np2));
    ck_assert_ok(hdnet_profile_offset(t2, HDNET_PR_ROWS * 360, &off));
    ck_assert_double_eq_tol(off, delta2, 1e-6);
    k = hdnet__nanargmax(t2 + HDNET_PR_MEAN * 360, 360);
    ck_assert(fabs(t2[k] - delta2) <= 2.5);
    /* raw pairs: near +delta positive, opposite negative */
    double mnear, mfar;
    size_t cnear;
    ck_assert_ok(hdnet_pairs_mean(pairs, np, 0, 40, 0, &mnear, &cnear));
    ck_assert_ok(hdnet_pairs_mean(pairs, np, 150, 180, 1, &mfar, NULL));
    ck_assert(mnear > 0.8 && mfar < -0.8 && cnear > 0);
    /* counts: every pair lands in 5 bins */
    double tot = 0;
    for (int b = 0; b < 360; b++)
        tot += table[HDNET_PR_N * 360 + b];
    ck_assert_double_eq(tot, 5.0 * np);
    /* matlab labels: half-degree centres */
    hdnet_aparams *p;
    ck_assert_ok(hdnet_aparams_create(&p));
    ck_assert_ok(hdnet_aparams_set(p, HDNET_A_COMPAT, HDNET_COMPAT_MATLAB));
    ck_assert_ok(hdnet_profile(p, w, n, phi, all, n, all, n, table, HDNET_PR_ROWS * 360, NULL, 0, &np));
    ck_assert_double_eq(table[0], -179.5);
    hdnet_aparams_free(p);
    /* empty set: all NaN, no error */
    ck_assert_ok(hdnet_profile(NULL, w, n, phi, all, 0, all, n, table, HDNET_PR_ROWS * 360, NULL, 0, &np));
    ck_assert_uint_eq(np, 0);
    ck_assert(isnan(table[HDNET_PR_MEAN * 360 + 10]));
    ck_assert_ok(hdnet_profile_offset(table, HDNET_PR_ROWS * 360, &off));
    ck_assert(isnan(off));
    free(w);
    free(pairs);
}
END_TEST

START_TEST(tiling_and_order)
{
    double even[36], st[HDNET_TILE_COUNT];
    for (int i = 0; i < 36; i++)
        even[i] = 10.0 * i + 3;
    ck_assert_ok(hdnet_tiling_stats(even, 36, st, HDNET_TILE_COUNT));
    ck_assert_double_eq(st[HDNET_TILE_N], 36);
    ck_assert_double_eq_tol(st[HDNET_TILE_GMAX], 10, 1e-9);
    ck_assert(st[HDNET_TILE_RBAR] < 1e-9);
    ck_assert(st[HDNET_TILE_KUIPER_P] > 0.99);
    double clus[30];
    for (int i = 0; i < 30; i++)
        clus[i] = 100 + i;
    ck_assert_ok(hdnet_tiling_stats(clus, 30, st, HDNET_TILE_COUNT));
    ck_assert_double_eq_tol(st[HDNET_TILE_GMAX], 331, 1e-9);
    ck_assert(st[HDNET_TILE_KUIPER_P] < 1e-6);
    ck_assert(st[HDNET_TILE_RBAR] > 0.9);
    /* gap bound at n = 33 is 70.9 degrees (R5, docs/analyses.md) */
    double p33[33];
    for (int i = 0; i < 33; i++)
        p33[i] = i * 360.0 / 33;
    ck_assert_ok(hdnet_tiling_stats(p33, 33, st, HDNET_TILE_COUNT));
    ck_assert_double_eq_tol(st[HDNET_TILE_GBOUND], 70.9, 0.05);
    ck_assert_ok(hdnet_tiling_stats(p33, 1, st, HDNET_TILE_COUNT));
    ck_assert(isnan(st[HDNET_TILE_GMAX]));

    int cls[7] = {2, 0, 4, 1, 0, 3, 2};
    double phi[7] = {10, 200, 5, 50, 100, 7, 5};
    size_t perm[7], np, bounds[6];
    ck_assert_ok(hdnet_unit_order(HDNET_ORDER_BLOCKS, 7, cls, phi, perm, 7, &np, bounds));
    ck_assert_uint_eq(np, 5);
    size_t want[5] = {4, 1, 3, 6, 0};
    for (int i = 0; i < 5; i++)
        ck_assert_uint_eq(perm[i], want[i]);
    ck_assert_uint_eq(bounds[0], 0);
    ck_assert_uint_eq(bounds[1], 2);
    ck_assert_uint_eq(bounds[2], 3);
    ck_assert_uint_eq(bounds[3], 5);
    ck_assert_ok(hdnet_unit_order(HDNET_ORDER_ALL, 7, cls, phi, perm, 7, &np, bounds));
    ck_assert_uint_eq(np, 7);
    ck_assert_uint_eq(perm[5], 5);
    ck_assert_uint_eq(perm[6], 2);
    ck_assert_ok(hdnet_unit_order(HDNET_ORDER_PHI, 7, cls, phi, perm, 7, &np, NULL));
    ck_assert_uint_eq(np, 6);
    ck_assert_uint_eq(perm[0], 6); /* phi 5, index 6 (unit 2 is inactive) */
    float w[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, ws[4];
    size_t pp[2] = {2, 0};
    ck_assert_ok(hdnet_sort_weights(w, 3, pp, 2, ws, 4));
    ck_assert(ws[0] == 9 && ws[1] == 7 && ws[2] == 3 && ws[3] == 1);
}
END_TEST

START_TEST(autocorrelation)
{
    enum { n = 100000 };
    double *x = malloc(n * sizeof *x), *z = malloc(n * sizeof *z), rho[6];
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, HDNET_RNG_LIBRARY, 3));
    ck_assert_ok(hdnet_rng_normal(r, z, n));
    x[0] = 0;
    for (int i = 1; i < n; i++)
        x[i] = 0.8 * x[i - 1] + z[i];
    ck_assert_ok(hdnet_autocorr(x, n, rho, 6));
    ck_assert_double_eq(rho[0], 1);
    for (int k = 1; k < 6; k++)
        ck_assert_double_eq_tol(rho[k], pow(0.8, k), 0.02);
    hdnet_rng_free(r);
    free(x);
    free(z);
}
END_TEST

START_TEST(errors)
{
    hdnet_aparams *p;
    hdnet_tuning *t;
    double v;
    int id;
    ck_assert_status(hdnet_aparams_create(NULL), HDNET_EINVAL);
    ck_assert_ok(hdnet_aparams_create(&p));
    ck_assert_status(hdnet_aparams_set(NULL, HDNET_A_T_MIN, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_aparams_set(p, 999, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_aparams_set(p, HDNET_A_T_MIN, NAN), HDNET_ERANGE);
    ck_assert_status(hdnet_aparams_set(p, HDNET_A_T_MIN, -1), HDNET_ERANGE);
    ck_assert_status(hdnet_aparams_set(p, HDNET_A_PROFILE_WINDOW, 4), HDNET_ERANGE);
    ck_assert_status(hdnet_aparams_set(p, HDNET_A_AV_BINS, 10.5), HDNET_ERANGE);
    ck_assert_status(hdnet_aparams_set(p, HDNET_A_HD_BINS, 1), HDNET_ERANGE);
    ck_assert_status(hdnet_aparams_get(p, 999, &v), HDNET_EINVAL);
    ck_assert_status(hdnet_aparams_get(NULL, HDNET_A_T_MIN, &v), HDNET_EINVAL);
    ck_assert_status(hdnet_aparams_set_str(p, "nope", "1"), HDNET_EINVAL);
    ck_assert_status(hdnet_aparams_set_str(p, "t_min", "abc"), HDNET_EINVAL);
    ck_assert_status(hdnet_aparams_set_str(p, "compat", "fortran"), HDNET_EINVAL);
    ck_assert_status(hdnet_aparams_set_str(NULL, "t_min", "1"), HDNET_EINVAL);
    ck_assert_ok(hdnet_aparams_set_str(p, "compass_slope_max", "0.02"));
    ck_assert_ok(hdnet_aparams_get(p, HDNET_A_COMPASS_SLOPE_MAX, &v));
    ck_assert_double_eq(v, 0.02);
    ck_assert_status(hdnet_aparam_id("nope", &id), HDNET_EINVAL);
    ck_assert_status(hdnet_aparam_id(NULL, &id), HDNET_EINVAL);
    ck_assert_status(hdnet_aparam_info(hdnet_aparam_count(), NULL, NULL, NULL, NULL, NULL), HDNET_EINVAL);
    for (size_t i = 0; i < hdnet_aparam_count(); i++) {
        const char *name;
        double lo, hi, d;
        ck_assert_ok(hdnet_aparam_info(i, &id, &name, &lo, &hi, &d));
        ck_assert(lo <= d && d <= hi);
        int id2;
        ck_assert_ok(hdnet_aparam_id(name, &id2));
        ck_assert_int_eq(id, id2);
    }
    hdnet_aparams_free(NULL);

    ck_assert_status(hdnet_tuning_create(NULL, 3, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_create(&t, 0, NULL), HDNET_EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_ok(hdnet_tuning_create(&t, 2, p));
    double h[4] = {0, 1, 2, 3}, a[4] = {0.1, -0.1, 0.05, 0.0}, d[4];
    float r[8] = {0}, o[8] = {0};
    int c[2];
    ck_assert_status(hdnet_tuning_next_pass(t), HDNET_ESTATE); /* no samples */
    ck_assert_status(hdnet_tuning_add(NULL, 1, 4, 0, h, 4, a, 4, NULL, 0, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_add(t, 1, 4, 5, h, 4, a, 4, NULL, 0, NULL, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_tuning_add(t, 1, 4, 0, h, 3, a, 4, NULL, 0, NULL, 0), HDNET_ESHAPE);
    double hn[4] = {0, NAN, 0, 0};
    ck_assert_status(hdnet_tuning_add(t, 1, 4, 0, hn, 4, a, 4, NULL, 0, NULL, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_tuning_unit_stat(t, HDNET_US_S, d, 2), HDNET_ESTATE);
    ck_assert_status(hdnet_tuning_scalar(t, HDNET_TS_SIGMA_AV, d), HDNET_ESTATE);
    ck_assert_status(hdnet_tuning_copy(t, HDNET_TU_AV_EDGES, d, 4), HDNET_ESHAPE);
    double big[202];
    ck_assert_status(hdnet_tuning_copy(t, HDNET_TU_AV_EDGES, big, 202), HDNET_ESTATE);
    ck_assert_ok(hdnet_tuning_copy(t, HDNET_TU_HD_EDGES, big, 202) == HDNET_ESHAPE ? HDNET_OK : 1);
    ck_assert_status(hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 0, c, 2, NULL, 0, NULL, 0), HDNET_ESTATE);
    ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, h, 4, a, 4, NULL, 0, NULL, 0));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    ck_assert_status(hdnet_tuning_add(t, 1, 4, 0, h, 4, a, 4, o, 8, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_add(t, 1, 4, 0, h, 4, a, 4, o, 8, r, 7), HDNET_ESHAPE);
    ck_assert_status(hdnet_tuning_add(t, 1, 4, 0, h, 4, a, 4, o, 7, r, 8), HDNET_ESHAPE);
    float rn[8] = {0, 0, INFINITY, 0, 0, 0, 0, 0};
    ck_assert_status(hdnet_tuning_add(t, 1, 4, 0, h, 4, a, 4, o, 8, rn, 8), HDNET_ERANGE);
    ck_assert_status(hdnet_tuning_next_pass(t), HDNET_ESTATE); /* pass 1 saw no samples */
    ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, h, 4, a, 4, o, 8, r, 8));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    ck_assert_status(hdnet_tuning_unit_stat(t, -1, d, 2), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_unit_stat(t, HDNET_US_S, d, 1), HDNET_ESHAPE);
    ck_assert_status(hdnet_tuning_copy(t, HDNET_TU_PREF_CURVE, big, 202), HDNET_ESTATE);
    ck_assert_status(hdnet_tuning_copy(t, 99, big, 202), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_array_shape(t, 99, NULL, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_array_shape(NULL, 0, NULL, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_scalar(t, 99, d), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_scalar(NULL, 0, d), HDNET_EINVAL);
    ck_assert_ptr_null(hdnet_unit_stat_name(HDNET_US_COUNT));
    ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, h, 4, a, 4, o, 8, r, 8));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    ck_assert_status(hdnet_tuning_next_pass(t), HDNET_ESTATE);
    ck_assert_status(hdnet_tuning_add(t, 1, 4, 0, h, 4, a, 4, o, 8, r, 8), HDNET_ESTATE);
    ck_assert_status(hdnet_tuning_classify(t, 7, 0, c, 2, NULL, 0, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_classify(t, HDNET_RULE_REFERENCE, 0, c, 1, NULL, 0, NULL, 0), HDNET_ESHAPE);
    ck_assert_status(hdnet_tuning_classify(NULL, HDNET_RULE_REFERENCE, 0, c, 2, NULL, 0, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_collect(t, NULL, 1, 4, 0, r, 12, h, 4, a, 4, 1), HDNET_EINVAL);
    hdnet_tuning_free(t);
    hdnet_tuning_free(NULL);

    /* speed 0: no non-zero AV -> AV-window analyses skipped with ENOTSUP, heading ones kept */
    double z4[4] = {0, 0, 0, 0};
    ck_assert_ok(hdnet_tuning_create(&t, 2, NULL));
    ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, h, 4, z4, 4, NULL, 0, NULL, 0));
    ck_assert_ok(hdnet_tuning_next_pass(t));
    ck_assert_ok(hdnet_tuning_add(t, 1, 4, 0, h, 4, z4, 4, NULL, 0, r, 8));
    ck_assert_status(hdnet_tuning_next_pass(t), HDNET_ENOTSUP);
    ck_assert_ok(hdnet_tuning_unit_stat(t, HDNET_US_S, d, 2));
    ck_assert_ok(hdnet_tuning_scalar(t, HDNET_TS_SIGMA_AV, d));
    ck_assert(isnan(d[0]));
    hdnet_tuning_free(t);

    /* classify / tiling / order / profile / misc */
    double rg[2] = {1, 1}, S[2] = {1, 1}, b[2] = {0, 0};
    ck_assert_status(hdnet_classify(HDNET_RULE_REFERENCE, p, 0, rg, S, b, NULL, NULL, c, NULL, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_classify(HDNET_RULE_REFERENCE, p, 2, NULL, S, b, NULL, NULL, c, NULL, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_classify(HDNET_RULE_ADAPTIVE, p, 2, rg, S, b, NULL, NULL, c, NULL, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_classify(9, p, 2, rg, S, b, NULL, NULL, c, NULL, NULL, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_classify(HDNET_RULE_REFERENCE, p, 2, rg, S, b, NULL, NULL, c, NULL, d, 2), HDNET_ESHAPE);
    ck_assert_ptr_null(hdnet_class_name(HDNET_NCLASSES));
    ck_assert_str_eq(hdnet_class_name(HDNET_CLASS_INACTIVE), "inactive");
    double st[HDNET_TILE_COUNT];
    ck_assert_status(hdnet_tiling_stats(NULL, 2, st, HDNET_TILE_COUNT), HDNET_EINVAL);
    ck_assert_status(hdnet_tiling_stats(S, 2, st, 3), HDNET_ESHAPE);
    int cl[2] = {0, 7};
    size_t perm[2], np;
    ck_assert_status(hdnet_unit_order(HDNET_ORDER_BLOCKS, 2, cl, S, perm, 2, &np, NULL), HDNET_EINVAL);
    cl[1] = 0;
    ck_assert_status(hdnet_unit_order(9, 2, cl, S, perm, 2, &np, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_unit_order(HDNET_ORDER_BLOCKS, 2, cl, S, perm, 1, &np, NULL), HDNET_ESHAPE);
    ck_assert_status(hdnet_unit_order(HDNET_ORDER_BLOCKS, 2, NULL, S, perm, 2, &np, NULL), HDNET_EINVAL);
    float w[4] = {0}, ws[4];
    size_t bad[2] = {0, 2};
    ck_assert_status(hdnet_sort_weights(w, 2, bad, 2, ws, 4), HDNET_EINVAL);
    ck_assert_status(hdnet_sort_weights(w, 2, perm, 2, ws, 3), HDNET_ESHAPE);
    ck_assert_status(hdnet_sort_weights(NULL, 2, perm, 2, ws, 4), HDNET_EINVAL);
    double table[HDNET_PR_ROWS * 360];
    int pre[1] = {5};
    ck_assert_status(hdnet_profile(p, w, 2, S, pre, 1, cl, 2, table, HDNET_PR_ROWS * 360, NULL, 0, &np), HDNET_EINVAL);
    ck_assert_status(hdnet_profile(p, w, 2, S, cl, 2, pre, 1, table, HDNET_PR_ROWS * 360, NULL, 0, &np), HDNET_EINVAL);
    ck_assert_status(hdnet_profile(p, w, 2, S, cl, 2, cl, 2, table, 10, NULL, 0, &np), HDNET_ESHAPE);
    ck_assert_status(hdnet_profile(p, NULL, 2, S, cl, 2, cl, 2, table, HDNET_PR_ROWS * 360, NULL, 0, &np), HDNET_EINVAL);
    ck_assert_status(hdnet_profile_offset(table, 10, &v), HDNET_ESHAPE);
    ck_assert_status(hdnet_profile_offset(NULL, 10, &v), HDNET_EINVAL);
    ck_assert_status(hdnet_pairs_mean(NULL, 3, 0, 1, 0, &v, NULL), HDNET_EINVAL);
    ck_assert_ok(hdnet_pairs_mean(NULL, 0, 0, 1, 0, &v, NULL));
    ck_assert(isnan(v));
    ck_assert_status(hdnet_autocorr(NULL, 3, d, 2), HDNET_EINVAL);
    ck_assert_status(hdnet_autocorr(h, 3, d, 4), HDNET_ESHAPE);
    ck_assert_status(hdnet_autocorr(z4, 4, d, 2), HDNET_ERANGE);
    hdnet_aparams_free(p);
}
END_TEST

START_TEST(collect_with_network)
{
    /* the two-pass driver on a small random network: results independent of the chunk size */
    hdnet_config *cfg;
    hdnet_rng *rng;
    hdnet_net *net;
    hdnet_task *task;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, 20));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_STEPS, 300));
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 7));
    ck_assert_ok(hdnet_net_create(&net, cfg, rng));
    /* a readout, so the decoded heading is defined */
    float wout[40];
    for (int i = 0; i < 40; i++)
        wout[i] = (float)sin(0.7 * i);
    ck_assert_ok(hdnet_net_set_block(net, HDNET_W_OUT, wout, 40));
    ck_assert_ok(hdnet_task_create(&task, cfg, 3));
    enum { B = 13, T = 300 };
    float *x = malloc(B * T * 3 * sizeof *x);
    double *th = malloc(B * T * sizeof *th), *av = malloc(B * T * sizeof *av);
    ck_assert_ok(hdnet_task_generate(task, B, x, B * T * 3, NULL, 0, NULL, 0, th, B * T, av, B * T));
    hdnet_tuning *t1, *t2;
    ck_assert_ok(hdnet_tuning_create(&t1, 20, NULL));
    ck_assert_ok(hdnet_tuning_create(&t2, 20, NULL));
    ck_assert_ok(hdnet_tuning_collect(t1, net, B, T, 10, x, B * T * 3, th, B * T, av, B * T, 3));
    ck_assert_ok(hdnet_tuning_collect(t2, net, B, T, 10, x, B * T * 3, th, B * T, av, B * T, 100));
    double pass;
    ck_assert_ok(hdnet_tuning_scalar(t1, HDNET_TS_PASS, &pass));
    ck_assert_double_eq(pass, 3);
    for (int st = 0; st < HDNET_US_COUNT; st++) {
        double a[20], b[20];
        ck_assert_ok(hdnet_tuning_unit_stat(t1, st, a, 20));
        ck_assert_ok(hdnet_tuning_unit_stat(t2, st, b, 20));
        for (int u = 0; u < 20; u++)
            ck_assert_msg((isnan(a[u]) && isnan(b[u])) || fabs(a[u] - b[u]) <= 1e-12 * fmax(1, fabs(b[u])),
                          "%s unit %d: %.17g vs %.17g", hdnet_unit_stat_name(st), u, a[u], b[u]);
    }
    ck_assert_status(hdnet_tuning_collect(t1, net, B, T, 10, x, B * T * 3, th, B * T, av, B * T, 3), HDNET_ESTATE);
    hdnet_tuning *t3;
    ck_assert_ok(hdnet_tuning_create(&t3, 21, NULL));
    ck_assert_status(hdnet_tuning_collect(t3, net, B, T, 10, x, B * T * 3, th, B * T, av, B * T, 3), HDNET_ESHAPE);
    ck_assert_status(hdnet_tuning_collect(t3, net, B, T, 10, x, B * T * 3, th, B * T, av, B * T, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_tuning_collect(t3, net, B, T, 10, x, 5, th, B * T, av, B * T, 3), HDNET_ESHAPE);
    hdnet_tuning_free(t1);
    hdnet_tuning_free(t2);
    hdnet_tuning_free(t3);
    free(x);
    free(th);
    free(av);
    hdnet_task_free(task);
    hdnet_net_free(net);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
}
END_TEST

Suite *hdnet_suite_analysis(void)
{
    Suite *s = suite_create("analysis");
    TCase *tc = tcase_create("synthetic");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, synthetic_units);
    tcase_add_test(tc, counts_and_inputs);
    tcase_add_test(tc, chunk_independence);
    tcase_add_test(tc, compat_modes);
    tcase_add_test(tc, collect_with_network);
    suite_add_tcase(s, tc);
    TCase *tb = tcase_create("math");
    tcase_add_test(tb, heading_edges);
    tcase_add_test(tb, binning_rule);
    tcase_add_test(tb, split_curves_zero_row);
    tcase_add_test(tb, fit_and_stats);
    tcase_add_test(tb, adaptive_rule);
    tcase_add_test(tb, profile_offset);
    tcase_add_test(tb, tiling_and_order);
    tcase_add_test(tb, autocorrelation);
    suite_add_tcase(s, tb);
    TCase *te = tcase_create("errors");
    tcase_add_test(te, errors);
    suite_add_tcase(s, te);
    return s;
}
