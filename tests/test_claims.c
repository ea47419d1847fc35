/* The study of a network, the claim table R1-R15, and the measures they share:
 * the normalized error over a step window, the decoded heading, the bump, the median. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(ne_window)
{
    enum { B = 3, T = 40, O = 2, K = 15 };
    static float y[B * T * O], tg[B * T * O], m[B * T * O], ys[B * K * O], ts[B * K * O], ms[B * K * O];
    for (size_t i = 0; i < B * T * O; i++) {
        tg[i] = (float)sin(0.1 * (double)i);
        y[i] = tg[i] + (float)(0.01 * cos(0.37 * (double)i));
        m[i] = i % 7 == 3 ? 0.0f : 1.0f;
    }
    double full, win, ref;
    ck_assert_ok(hdnet_normalized_error(y, tg, m, B, T, O, &full));
    ck_assert_ok(hdnet_normalized_error_window(y, tg, m, B, T, O, 0, T, &win));
    ck_assert(full == win); /* one implementation: bit-identical */
    /* a window equals the error of the same steps cut out of every trial */
    for (size_t b = 0; b < B; b++) {
        memcpy(ys + b * K * O, y + (b * T + 5) * O, K * O * sizeof *y);
        memcpy(ts + b * K * O, tg + (b * T + 5) * O, K * O * sizeof *y);
        memcpy(ms + b * K * O, m + (b * T + 5) * O, K * O * sizeof *y);
    }
    ck_assert_ok(hdnet_normalized_error(ys, ts, ms, B, K, O, &ref));
    ck_assert_ok(hdnet_normalized_error_window(y, tg, m, B, T, O, 5, 5 + K, &win));
    ck_assert(win == ref);
    ck_assert(win != full);
    ck_assert_status(hdnet_normalized_error_window(y, tg, m, B, T, O, 5, 5, &win), HDNET_ERANGE);
    ck_assert_status(hdnet_normalized_error_window(y, tg, m, B, T, O, 0, T + 1, &win), HDNET_ERANGE);
    ck_assert_status(hdnet_normalized_error_window(NULL, tg, m, B, T, O, 0, T, &win), HDNET_EINVAL);
    ck_assert_status(hdnet_normalized_error_window(y, tg, m, 0, T, O, 0, T, &win), HDNET_ESHAPE);
}
END_TEST

/* The error of holding the cued heading is the normalized error of the outputs that
 * repeat each trial's target of step cue - 1. */
START_TEST(hold_error)
{
    enum { B = 3, T = 40, O = 2, CUE = 4 };
    static float y[B * T * O], tg[B * T * O], m[B * T * O];
    for (size_t b = 0; b < B; b++)
        for (size_t t = 0; t < T; t++)
            for (size_t k = 0; k < O; k++) {
                size_t i = (b * T + t) * O + k;
                tg[i] = (float)sin(0.7 * (double)b + 0.05 * (double)t * (t >= CUE) + 1.5 * (double)k);
                m[i] = t < CUE ? 0.0f : 1.0f;
            }
    for (size_t b = 0; b < B; b++)
        for (size_t t = 0; t < T; t++)
            memcpy(y + (b * T + t) * O, tg + (b * T + CUE - 1) * O, O * sizeof *y);
    double hold, ref;
    ck_assert_ok(hdnet_hold_error(tg, m, B, T, O, CUE, &hold));
    ck_assert_ok(hdnet_normalized_error(y, tg, m, B, T, O, &ref));
    ck_assert(hold == ref);
    ck_assert(hold > 0.01); /* the targets move after the cue */
    /* targets that never move after the cue: holding is exact */
    for (size_t b = 0; b < B; b++)
        for (size_t t = CUE; t < T; t++)
            memcpy(tg + (b * T + t) * O, tg + (b * T + CUE - 1) * O, O * sizeof *tg);
    ck_assert_ok(hdnet_hold_error(tg, m, B, T, O, CUE, &hold));
    ck_assert_double_eq(hold, 0);
    ck_assert_status(hdnet_hold_error(tg, m, B, T, O, 0, &hold), HDNET_ERANGE);
    ck_assert_status(hdnet_hold_error(tg, m, B, T, O, T + 1, &hold), HDNET_ERANGE);
    ck_assert_status(hdnet_hold_error(NULL, m, B, T, O, CUE, &hold), HDNET_EINVAL);
    ck_assert_status(hdnet_hold_error(tg, m, B, T, O, CUE, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_hold_error(tg, m, B, 0, O, CUE, &hold), HDNET_ESHAPE);
}
END_TEST

START_TEST(decoded_heading)
{
    const double deg[] = {0, 45, 90, 179.5, 180.5, 270, 359.5};
    enum { n = sizeof deg / sizeof *deg };
    float y[2 * (n + 1)];
    double h[n + 1];
    for (size_t i = 0; i < n; i++) {
        y[2 * i] = (float)(3 * sin(deg[i] * 3.14159265358979323846 / 180)); /* the amplitude does not matter */
        y[2 * i + 1] = (float)(3 * cos(deg[i] * 3.14159265358979323846 / 180));
    }
    y[2 * n] = NAN;
    y[2 * n + 1] = 1;
    ck_assert_ok(hdnet_decoded_heading(y, n + 1, h, n + 1));
    for (size_t i = 0; i < n; i++) /* float outputs: 1e-5 degrees */
        ck_assert_msg(fabs(h[i] - deg[i]) < 1e-5, "%g decoded as %g", deg[i], h[i]);
    ck_assert(isnan(h[n]));
    ck_assert_status(hdnet_decoded_heading(y, n + 1, h, n), HDNET_ESHAPE);
    ck_assert_status(hdnet_decoded_heading(NULL, 1, h, 1), HDNET_EINVAL);
}
END_TEST

START_TEST(bump)
{
    /* four units at 0, 90, 180, 270 degrees and a fifth one that is not selected */
    const double phi[5] = {0, 90, 180, 270, NAN};
    const int ring[4] = {0, 1, 2, 3};
    const float rates[3 * 5] = {0, 1, 0, 0, 9, /* one unit at 90 */
                                1, 1, 1, 1, 9, /* uniform: no bump */
                                0, 0, 2, 2, 0};
    double B[3], psi[3];
    ck_assert_ok(hdnet_bump(rates, 3, 5, ring, 4, phi, B, psi, 3));
    ck_assert_double_eq_tol(B[0], 0.25, 1e-15);
    ck_assert_double_eq_tol(psi[0], 90, 1e-12);
    ck_assert_double_eq_tol(B[1], 0, 1e-15);
    ck_assert_double_eq_tol(B[2], sqrt(2.0) / 2, 1e-15); /* (-2, -2) / 4 */
    ck_assert_double_eq_tol(psi[2], -135, 1e-12);
    const int bad[1] = {4}, out_of_range[1] = {5};
    ck_assert_status(hdnet_bump(rates, 3, 5, bad, 1, phi, B, psi, 3), HDNET_ERANGE);
    ck_assert_status(hdnet_bump(rates, 3, 5, out_of_range, 1, phi, B, psi, 3), HDNET_ERANGE);
    ck_assert_status(hdnet_bump(rates, 3, 5, ring, 0, phi, B, psi, 3), HDNET_EINVAL);
    ck_assert_status(hdnet_bump(rates, 3, 5, ring, 4, phi, B, psi, 2), HDNET_ESHAPE);
}
END_TEST

START_TEST(median)
{
    double odd[] = {5, NAN, 1, 3}, even[] = {4, 1, INFINITY, 3, 2}, none[] = {NAN};
    ck_assert_double_eq(hdnet_median(odd, 4), 3);
    ck_assert_double_eq(hdnet_median(even, 5), 2.5);
    ck_assert(isnan(hdnet_median(none, 1)));
    ck_assert(isnan(hdnet_median(NULL, 3)));
}
END_TEST

/* The small trained network of tests/data/pipeline and its untrained initial network. */
static void load_pair(hdnet_net **net, hdnet_net **net0)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", tu_data_path("pipeline/model.npz"));
    ck_assert_ok(hdnet_net_load(net, path));
    snprintf(path, sizeof path, "%s", tu_data_path("pipeline/untrained.npz"));
    ck_assert_ok(hdnet_net_load(net0, path));
}

static size_t row_of(const hdnet_claims *c, const char *id)
{
    for (size_t i = 0; i < hdnet_claims_count(c); i++)
        if (strcmp(hdnet_claims_text(c, i, HDNET_CLAIM_ID), id) == 0)
            return i;
    ck_abort_msg("no row %s", id);
    return 0;
}

START_TEST(study_and_claims)
{
    hdnet_net *net, *net0;
    load_pair(&net, &net0);
    hdnet_config *set;
    ck_assert_ok(hdnet_analysis_config(net, 300, &set));
    int64_t steps, rule;
    ck_assert_ok(hdnet_config_get_int(set, HDNET_P_STEPS, &steps));
    ck_assert_ok(hdnet_config_get_int(set, HDNET_P_STRETCH_RULE, &rule));
    ck_assert_int_eq(steps, 300);
    ck_assert_int_eq(rule, HDNET_STRETCH_FIRST_K);
    hdnet_study *s, *s0;
    ck_assert_ok(hdnet_study_run(&s, net, net0, set, 100, HDNET_ANALYSIS_SEED, NULL, 30));
    /* the untrained network studied as if trained: the null of every check */
    ck_assert_ok(hdnet_study_run(&s0, net0, NULL, set, 100, HDNET_ANALYSIS_SEED, NULL, 30));
    double ne, ne0, ne_u, units;
    ck_assert_ok(hdnet_study_scalar(s, HDNET_SS_NE, &ne));
    ck_assert_ok(hdnet_study_scalar(s, HDNET_SS_NE_UNTRAINED, &ne_u));
    ck_assert_ok(hdnet_study_scalar(s0, HDNET_SS_NE, &ne0));
    ck_assert_ok(hdnet_study_scalar(s, HDNET_SS_UNITS, &units));
    ck_assert_double_eq(units, 32);
    ck_assert(ne_u == ne0); /* the same network on the same trials */
    ck_assert_msg(ne < 0.5 && ne0 > 0.9, "NE trained %g, untrained %g", ne, ne0);
    ck_assert_ptr_nonnull(hdnet_study_tuning(s, 1));
    ck_assert_ptr_null(hdnet_study_tuning(s0, 1));
    /* the study's trials are the analysis set's, and its NE is the NE of its outputs */
    const size_t S = 100 * 300;
    float *y = malloc(S * 2 * sizeof *y), *tg = malloc(S * 2 * sizeof *tg), *tg2 = malloc(S * 2 * sizeof *tg2);
    float *x = malloc(S * 3 * sizeof *x), *m = malloc(S * 2 * sizeof *m);
    hdnet_task *task;
    ck_assert_ok(hdnet_task_create(&task, set, HDNET_ANALYSIS_SEED));
    ck_assert_ok(hdnet_task_generate(task, 100, x, S * 3, tg2, S * 2, m, S * 2, NULL, 0, NULL, 0));
    hdnet_task_free(task);
    ck_assert_ok(hdnet_study_trials(s, 100, NULL, 0, tg, S * 2, NULL, 0, NULL, 0, y, S * 2));
    ck_assert_int_eq(memcmp(tg, tg2, S * 2 * sizeof *tg), 0);
    double ne_check, hold, hold_check, cue;
    ck_assert_ok(hdnet_normalized_error(y, tg, m, 100, 300, 2, &ne_check));
    ck_assert(ne_check == ne);
    /* the gate's null: holding the cued heading on the same trials; at the default speed
     * far above the fixed bound, so the fixed bound decides */
    ck_assert_ok(hdnet_study_scalar(s, HDNET_SS_NE_HOLD, &hold));
    ck_assert_ok(hdnet_study_scalar(s, HDNET_SS_CUE, &cue));
    ck_assert_ok(hdnet_hold_error(tg, m, 100, 300, 2, (size_t)cue, &hold_check));
    ck_assert(hold == hold_check);
    ck_assert_msg(hold > 0.5, "holding the cued heading: NE %g", hold);
    ck_assert_double_eq(hdnet_gate_bound(hold), HDNET_GATE_NE_MAX);
    ck_assert_status(hdnet_study_trials(s, 101, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0), HDNET_ESHAPE);

    /* matched nulls: 20 weight-permuted copies, re-analysed on the first 40 trials */
    ck_assert_status(hdnet_study_nulls(s, net, 19, 40, 5), HDNET_ERANGE);
    ck_assert_status(hdnet_study_nulls(s, net, 20, 101, 5), HDNET_ERANGE);
    ck_assert_ok(hdnet_study_nulls(s, net, 20, 40, 5));
    double f[HDNET_F_COUNT];
    size_t n_nulls;
    ck_assert_ok(hdnet_study_findings(s, 0, f, HDNET_F_COUNT, &n_nulls));
    ck_assert_uint_eq(n_nulls, 20);
    ck_assert(f[HDNET_F_NE] == ne);
    ck_assert_ok(hdnet_study_findings(s, 2 + 20 + 19, f, HDNET_F_COUNT, NULL)); /* the last wiring null */
    ck_assert_status(hdnet_study_findings(s, 2 + 40, f, HDNET_F_COUNT, NULL), HDNET_EINVAL);
    int cls[32];
    ck_assert_ok(hdnet_study_classes(s, cls, 32, NULL, 0, NULL, 0));

    hdnet_claims *c, *c0;
    ck_assert_ok(hdnet_claims_create(&c));
    ck_assert_ok(hdnet_claims_add_study(c, s));
    ck_assert_ok(hdnet_claims_create(&c0));
    ck_assert_ok(hdnet_claims_add_study(c0, s0));
    static const char *ids[] = {"R0", "R1", "R2", "R3", "R3i", "R4", "R5", "R6", "R6s", "R7", "R8", "R9", "R15", "R14", "R14i"};
    ck_assert_uint_eq(hdnet_claims_count(c), 15);
    for (size_t i = 0; i < 15; i++) {
        ck_assert_str_eq(hdnet_claims_text(c, i, HDNET_CLAIM_ID), ids[i]);
        ck_assert(strlen(hdnet_claims_text(c, i, HDNET_CLAIM_MEASURED)) > 0);
        ck_assert(strlen(hdnet_claims_text(c, i, HDNET_CLAIM_CRITERION)) > 0);
        int v = hdnet_claims_verdict(c, i);
        ck_assert(v >= HDNET_VERDICT_PASS && v <= HDNET_VERDICT_NOT_APPLICABLE);
    }
    /* R1's verdict follows its value; the untrained network fails it */
    size_t r1 = row_of(c, "R1");
    ck_assert_double_eq(hdnet_claims_number(c, r1, HDNET_CLAIM_VALUE), ne);
    ck_assert_int_eq(hdnet_claims_verdict(c0, r1), HDNET_VERDICT_FAIL);
    /* the competence gate: the untrained network studied as if trained (NE ~1) has no check of
     * cell types or wiring that applies, whatever its numbers; the trained one (NE < 0.1) has */
    ck_assert_msg(ne <= HDNET_GATE_NE_MAX && ne0 > HDNET_GATE_NE_MAX, "NE %g and %g", ne, ne0);
    ck_assert_int_eq(hdnet_claims_verdict(c, row_of(c, "R0")), HDNET_VERDICT_PASS);
    ck_assert_int_eq(hdnet_claims_verdict(c0, row_of(c0, "R0")), HDNET_VERDICT_FAIL);
    static const char *gated[] = {"R3", "R4", "R5", "R6", "R7", "R8", "R9", "R14", "R15"};
    for (size_t i = 0; i < sizeof gated / sizeof *gated; i++) {
        ck_assert_int_ne(hdnet_claims_verdict(c, row_of(c, gated[i])), HDNET_VERDICT_NOT_APPLICABLE);
        ck_assert_int_eq(hdnet_claims_verdict(c0, row_of(c0, gated[i])), HDNET_VERDICT_NOT_APPLICABLE);
    }
    ck_assert_int_ne(hdnet_claims_verdict(c0, row_of(c0, "R2")), HDNET_VERDICT_NOT_APPLICABLE);
    /* a check passes only beyond its nulls */
    for (size_t i = 0; i < 8; i++) {
        size_t r = row_of(c, gated[i]);
        if (hdnet_claims_verdict(c, r) == HDNET_VERDICT_PASS)
            ck_assert(hdnet_claims_number(c, r, HDNET_CLAIM_VALUE) > hdnet_claims_number(c, r, HDNET_CLAIM_NULL_HIGH) ||
                      hdnet_claims_number(c, r, HDNET_CLAIM_VALUE) < hdnet_claims_number(c, r, HDNET_CLAIM_NULL_LOW));
    }
    /* the null columns are filled where nulls were computed, NaN where not */
    size_t r6 = row_of(c, "R6");
    ck_assert(!isnan(hdnet_claims_number(c, r6, HDNET_CLAIM_NULL_HIGH)));
    ck_assert(hdnet_claims_number(c, r6, HDNET_CLAIM_NULL_LOW) <= hdnet_claims_number(c, r6, HDNET_CLAIM_NULL_HIGH));
    ck_assert(isnan(hdnet_claims_number(c0, r6, HDNET_CLAIM_NULL_HIGH)));
    /* the ring-structure measure is information, compared with the initial matrix
     * when the study has one */
    size_t r6s = row_of(c, "R6s");
    ck_assert_int_eq(hdnet_claims_verdict(c, r6s), HDNET_VERDICT_INFO);
    ck_assert_ptr_nonnull(strstr(hdnet_claims_text(c, r6s, HDNET_CLAIM_MEASURED), "correlation with the initialisation"));
    /* R14 compares with the untrained network when the study has one */
    ck_assert_int_eq(hdnet_claims_verdict(c0, row_of(c0, "R14")), HDNET_VERDICT_NOT_APPLICABLE);
    /* accessors on bad rows and columns */
    ck_assert_ptr_null(hdnet_claims_text(c, 15, HDNET_CLAIM_ID));
    ck_assert_ptr_null(hdnet_claims_text(c, 0, 99));
    ck_assert(isnan(hdnet_claims_number(c, 15, HDNET_CLAIM_VALUE)));
    ck_assert(isnan(hdnet_claims_number(c, 0, 99)));
    ck_assert_int_eq(hdnet_claims_verdict(c, 15), HDNET_EINVAL);
    ck_assert_int_eq(hdnet_claims_verdict(NULL, 0), HDNET_EINVAL);
    ck_assert_uint_eq(hdnet_claims_count(NULL), 0);
    ck_assert_str_eq(hdnet_verdict_name(HDNET_VERDICT_WARN), "WARN");
    ck_assert_str_eq(hdnet_verdict_name(42), "?");
    hdnet_claims_free(c);
    hdnet_claims_free(c0);
    hdnet_study_free(s);
    hdnet_study_free(s0);
    hdnet_config_free(set);
    free(y);
    free(tg);
    free(tg2);
    free(x);
    free(m);
    hdnet_net_free(net);
    hdnet_net_free(net0);
}
END_TEST

/* A lesion summary of a network whose lesions do what the paper reports. */
static const double paper_lesions[HDNET_LS_COUNT] = {
    [HDNET_LS_E1_UNITS] = 30, [HDNET_LS_E1_B0] = 0.4, [HDNET_LS_E1_LOST] = 0.05, [HDNET_LS_E1_BACK] = 0.3,
    [HDNET_LS_E2_UNITS] = 20, [HDNET_LS_E2_DRIFT] = 60, [HDNET_LS_E2_CONTROL] = 1, [HDNET_LS_E2_DECODED] = 50,
    [HDNET_LS_E2M_UNITS] = 20, [HDNET_LS_E2M_DRIFT] = -60, [HDNET_LS_E2M_CONTROL] = 1,
    [HDNET_LS_E2M_DECODED] = -50, [HDNET_LS_E3_UNITS] = 40, [HDNET_LS_E3_GAIN] = 0.05,
    [HDNET_LS_E3_CONTROL] = 1.0, [HDNET_LS_E3_BUMP] = 0.3, [HDNET_LS_E3_BUMP_CONTROL] = 0.4};

START_TEST(lesion_checks)
{
    /* a network whose lesions do what the paper reports, and one whose do not */
    double good[HDNET_LS_COUNT];
    memcpy(good, paper_lesions, sizeof good);
    double bad[HDNET_LS_COUNT];
    memcpy(bad, good, sizeof bad);
    bad[HDNET_LS_E1_LOST] = 0.2;     /* 0.5 B0: the bump survives */
    bad[HDNET_LS_E2_DRIFT] = 10;     /* too little drift */
    bad[HDNET_LS_E2M_DECODED] = 5;   /* the readout turns the other way */
    bad[HDNET_LS_E3_GAIN] = 0.9;     /* it still turns */
    hdnet_claims *c;
    ck_assert_ok(hdnet_claims_create(&c));
    ck_assert_ok(hdnet_claims_add_lesion(c, good, HDNET_LS_COUNT));
    ck_assert_ok(hdnet_claims_add_lesion(c, bad, HDNET_LS_COUNT));
    static const char *ids[4] = {"R10", "R11", "R11m", "R12"};
    static const int want_bad[4] = {HDNET_VERDICT_FAIL, HDNET_VERDICT_FAIL, HDNET_VERDICT_WARN, HDNET_VERDICT_FAIL};
    ck_assert_uint_eq(hdnet_claims_count(c), 8);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(hdnet_claims_text(c, i, HDNET_CLAIM_ID), ids[i]);
        ck_assert_int_eq(hdnet_claims_verdict(c, i), HDNET_VERDICT_PASS);
        ck_assert_int_eq(hdnet_claims_verdict(c, i + 4), want_bad[i]);
    }
    ck_assert_double_eq_tol(hdnet_claims_number(c, 0, HDNET_CLAIM_VALUE), 0.125, 1e-15);
    ck_assert_str_eq(hdnet_claims_text(c, 0, HDNET_CLAIM_MEASURED),
                     "B during silencing 0.125 B0, after 0.750 B0 (B0 0.4; 30 compass units)");
    ck_assert_status(hdnet_claims_add_lesion(c, good, HDNET_LS_COUNT - 1), HDNET_ESHAPE);
    ck_assert_status(hdnet_claims_add_lesion(c, NULL, HDNET_LS_COUNT), HDNET_EINVAL);
    ck_assert_uint_eq(hdnet_claims_count(c), 8);
    hdnet_claims_free(c);
}
END_TEST

/* Lesion checks against random unit sets, and the competence gate of a lesion table. */
START_TEST(lesion_nulls_and_gate)
{
    double good[HDNET_LS_COUNT];
    memcpy(good, paper_lesions, sizeof good);
    enum { NN = 20 };
    double nulls[NN * HDNET_LS_COUNT];
    /* random lesions that do nothing: the bump stays, no drift, full turning */
    for (int k = 0; k < NN; k++) {
        double *v = nulls + k * HDNET_LS_COUNT;
        memcpy(v, good, sizeof good);
        v[HDNET_LS_E1_LOST] = 0.35 + 0.001 * k;
        v[HDNET_LS_E2_DRIFT] = v[HDNET_LS_E2M_DRIFT] = -2 + 0.2 * k;
        v[HDNET_LS_E3_GAIN] = 0.9 + 0.01 * k;
    }
    hdnet_claims *c;
    ck_assert_ok(hdnet_claims_create(&c));
    ck_assert_ok(hdnet_claims_add_lesion(c, good, HDNET_LS_COUNT));
    ck_assert_ok(hdnet_claims_lesion_nulls(c, nulls, NN, NN * HDNET_LS_COUNT, 0.95));
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(hdnet_claims_verdict(c, i), HDNET_VERDICT_PASS);
        ck_assert(hdnet_claims_number(c, i, HDNET_CLAIM_NULL_LOW) <= hdnet_claims_number(c, i, HDNET_CLAIM_NULL_HIGH));
    }
    ck_assert_double_eq_tol(hdnet_claims_number(c, 0, HDNET_CLAIM_NULL_LOW), 0.35095 / 0.4, 1e-12);
    ck_assert_ptr_nonnull(strstr(hdnet_claims_text(c, 0, HDNET_CLAIM_MEASURED), "beyond the nulls"));
    /* random lesions that do as much as the classified ones: every check fails */
    for (int k = 0; k < NN; k++) {
        double *v = nulls + k * HDNET_LS_COUNT;
        memcpy(v, good, sizeof good);
        v[HDNET_LS_E1_LOST] = 0.04;
        v[HDNET_LS_E2_DRIFT] = 70;
        v[HDNET_LS_E2M_DRIFT] = -70;
        v[HDNET_LS_E3_GAIN] = 0.01;
    }
    ck_assert_ok(hdnet_claims_add_lesion(c, good, HDNET_LS_COUNT));
    ck_assert_ok(hdnet_claims_lesion_nulls(c, nulls, NN, NN * HDNET_LS_COUNT, 0.95));
    for (size_t i = 4; i < 8; i++)
        ck_assert_int_eq(hdnet_claims_verdict(c, i), HDNET_VERDICT_FAIL);
    ck_assert_ptr_nonnull(strstr(hdnet_claims_text(c, 4, HDNET_CLAIM_MEASURED), "NOT beyond the nulls"));
    ck_assert_status(hdnet_claims_lesion_nulls(c, nulls, NN - 1, NN * HDNET_LS_COUNT, 0.95), HDNET_ESHAPE);
    ck_assert_status(hdnet_claims_lesion_nulls(c, nulls, NN, NN * HDNET_LS_COUNT - 1, 0.95), HDNET_ESHAPE);
    ck_assert_status(hdnet_claims_lesion_nulls(c, nulls, NN, NN * HDNET_LS_COUNT, 0.5), HDNET_ERANGE);
    ck_assert_status(hdnet_claims_lesion_nulls(NULL, nulls, NN, NN * HDNET_LS_COUNT, 0.95), HDNET_EINVAL);
    /* a working network: R0 first and PASS, the verdicts kept */
    ck_assert_ok(hdnet_claims_gate(c, 0.008, HDNET_GATE_NE_MAX, 1));
    ck_assert_uint_eq(hdnet_claims_count(c), 9);
    ck_assert_str_eq(hdnet_claims_text(c, 0, HDNET_CLAIM_ID), "R0");
    ck_assert_int_eq(hdnet_claims_verdict(c, 0), HDNET_VERDICT_PASS);
    ck_assert_int_eq(hdnet_claims_verdict(c, 1), HDNET_VERDICT_PASS);
    ck_assert_int_eq(hdnet_claims_verdict(c, 5), HDNET_VERDICT_FAIL);
    hdnet_claims_free(c);
    /* one that cannot do the task: every lesion and speed check NOT_APPLICABLE, INFO kept */
    const double speeds[2] = {0.1, 3}, comp[2] = {0.6, 0.2}, shif[2] = {0.2, 0.6};
    ck_assert_ok(hdnet_claims_create(&c));
    ck_assert_ok(hdnet_claims_add_lesion(c, good, HDNET_LS_COUNT));
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_ADAPTIVE, 2, speeds, comp, shif, 3));
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_REFERENCE, 2, speeds, comp, shif, 3));
    ck_assert_ok(hdnet_claims_gate(c, 0.8, HDNET_GATE_NE_MAX, 6));
    ck_assert_int_eq(hdnet_claims_verdict(c, 0), HDNET_VERDICT_FAIL);
    ck_assert_double_eq(hdnet_claims_number(c, 0, HDNET_CLAIM_VALUE), 0.8);
    ck_assert_ptr_nonnull(strstr(hdnet_claims_text(c, 0, HDNET_CLAIM_MEASURED), "6 networks"));
    for (size_t i = 1; i <= 5; i++)
        ck_assert_int_eq(hdnet_claims_verdict(c, i), HDNET_VERDICT_NOT_APPLICABLE);
    ck_assert_int_eq(hdnet_claims_verdict(c, 6), HDNET_VERDICT_INFO);
    ck_assert_status(hdnet_claims_gate(c, 0.01, 0, 1), HDNET_ERANGE);
    ck_assert_status(hdnet_claims_gate(c, 0.01, 0.1, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_claims_gate(NULL, 0.01, 0.1, 1), HDNET_EINVAL);
    ck_assert_uint_eq(hdnet_claims_count(c), 7);
    hdnet_claims_free(c);
}
END_TEST

START_TEST(speed_checks)
{
    const double speeds[3] = {0.1, 1, 3};
    const double c_mono[3] = {0.6, 0.4, 0.2}, s_mono[3] = {0.2, 0.4, 0.6};
    const double c_kink[3] = {0.6, 0.7, 0.2}, c_flat[3] = {0.4, 0.4, 0.4};
    hdnet_claims *c;
    ck_assert_ok(hdnet_claims_create(&c));
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_ADAPTIVE, 3, speeds, c_mono, s_mono, 3));
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_ADAPTIVE, 3, speeds, c_kink, s_mono, 3));
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_ADAPTIVE, 3, speeds, c_flat, s_mono, 3));
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_SCALED, 3, speeds, c_mono, s_mono, 3));
    ck_assert_int_eq(hdnet_claims_verdict(c, 0), HDNET_VERDICT_PASS);
    ck_assert_int_eq(hdnet_claims_verdict(c, 1), HDNET_VERDICT_WARN);
    ck_assert_int_eq(hdnet_claims_verdict(c, 2), HDNET_VERDICT_FAIL);
    ck_assert_int_eq(hdnet_claims_verdict(c, 3), HDNET_VERDICT_INFO);
    ck_assert_str_eq(hdnet_claims_text(c, 3, HDNET_CLAIM_ID), "R13s");
    ck_assert_str_eq(hdnet_claims_text(c, 0, HDNET_CLAIM_MEASURED),
                     "speed 0.1: compass 0.60, shifters 0.20; speed 1: compass 0.40, shifters 0.40; "
                     "speed 3: compass 0.20, shifters 0.60");
    ck_assert_status(hdnet_claims_add_speed(c, 7, 3, speeds, c_mono, s_mono, 3), HDNET_EINVAL);
    ck_assert_status(hdnet_claims_add_speed(c, HDNET_SPEED_ADAPTIVE, 1, speeds, c_mono, s_mono, 3), HDNET_ESHAPE);
    hdnet_claims_free(c);
}
END_TEST

/* R13 against exchanges of the speed labels: 3 seeds per speed give 20 splits. */
START_TEST(speed_nulls)
{
    const double speeds[2] = {0.1, 3}, comp[2] = {0.6, 0.2}, shif[2] = {0.2, 0.6};
    /* [compass x3, shifters x3]: every slow network above every fast one */
    const double slow[6] = {0.6, 0.55, 0.65, 0.2, 0.25, 0.15}, fast[6] = {0.2, 0.25, 0.15, 0.6, 0.55, 0.65};
    /* the same medians, but one fast network looks slow: the observed split is not the extreme */
    const double fast_mixed[6] = {0.2, 0.7, 0.15, 0.6, 0.1, 0.65};
    hdnet_claims *c;
    ck_assert_ok(hdnet_claims_create(&c));
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_ADAPTIVE, 2, speeds, comp, shif, 3));
    ck_assert_ok(hdnet_claims_speed_nulls(c, HDNET_SPEED_ADAPTIVE, 3, slow, 3, fast, 0.95));
    ck_assert_int_eq(hdnet_claims_verdict(c, 0), HDNET_VERDICT_PASS);
    ck_assert(hdnet_claims_number(c, 0, HDNET_CLAIM_NULL_HIGH) < 0.4);
    ck_assert_ptr_nonnull(strstr(hdnet_claims_text(c, 0, HDNET_CLAIM_MEASURED), "in 20 ways"));
    /* the row has its nulls: a second call finds no row */
    ck_assert_status(hdnet_claims_speed_nulls(c, HDNET_SPEED_ADAPTIVE, 3, slow, 3, fast, 0.95), HDNET_EINVAL);
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_ADAPTIVE, 2, speeds, comp, shif, 3));
    ck_assert_ok(hdnet_claims_speed_nulls(c, HDNET_SPEED_ADAPTIVE, 3, slow, 3, fast_mixed, 0.95));
    ck_assert_int_eq(hdnet_claims_verdict(c, 1), HDNET_VERDICT_FAIL);
    /* one seed per speed: 2 splits, no null, no PASS */
    ck_assert_ok(hdnet_claims_add_speed(c, HDNET_SPEED_ADAPTIVE, 2, speeds, comp, shif, 1));
    const double s1[2] = {0.6, 0.2}, f1[2] = {0.2, 0.6};
    ck_assert_ok(hdnet_claims_speed_nulls(c, HDNET_SPEED_ADAPTIVE, 1, s1, 1, f1, 0.95));
    ck_assert_int_eq(hdnet_claims_verdict(c, 2), HDNET_VERDICT_NOT_RUN);
    ck_assert_status(hdnet_claims_speed_nulls(c, 9, 1, s1, 1, f1, 0.95), HDNET_EINVAL);
    ck_assert_status(hdnet_claims_speed_nulls(c, HDNET_SPEED_REFERENCE, 1, s1, 1, f1, 0.95), HDNET_EINVAL);
    ck_assert_status(hdnet_claims_speed_nulls(c, HDNET_SPEED_ADAPTIVE, 0, s1, 1, f1, 0.95), HDNET_ESHAPE);
    hdnet_claims_free(c);
}
END_TEST

START_TEST(bad_arguments)
{
    hdnet_net *net, *net0;
    load_pair(&net, &net0);
    hdnet_study *s = (hdnet_study *)1;
    hdnet_config *cfg = (hdnet_config *)1;
    ck_assert_status(hdnet_analysis_config(net, 1, &cfg), HDNET_ERANGE);
    ck_assert_ptr_null(cfg);
    ck_assert_status(hdnet_analysis_config(NULL, 100, &cfg), HDNET_EINVAL);
    ck_assert_status(hdnet_study_run(&s, net, NULL, NULL, 0, 1, NULL, 10), HDNET_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_status(hdnet_study_run(&s, NULL, NULL, NULL, 10, 1, NULL, 10), HDNET_EINVAL);
    ck_assert_status(hdnet_study_run(NULL, net, NULL, NULL, 10, 1, NULL, 10), HDNET_EINVAL);
    double v;
    ck_assert_status(hdnet_study_scalar(NULL, HDNET_SS_NE, &v), HDNET_EINVAL);
    ck_assert_ptr_null(hdnet_study_tuning(NULL, 0));
    ck_assert_status(hdnet_claims_add_study(NULL, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_claims_create(NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_claims_compute(NULL, net, NULL, NULL), HDNET_EINVAL);
    hdnet_study_free(NULL);
    hdnet_claims_free(NULL);
    hdnet_net_free(net);
    hdnet_net_free(net0);
}
END_TEST

Suite *hdnet_suite_claims(void)
{
    Suite *s = suite_create("claims");
    TCase *tc = tcase_create("measures");
    tcase_add_test(tc, ne_window);
    tcase_add_test(tc, hold_error);
    tcase_add_test(tc, decoded_heading);
    tcase_add_test(tc, bump);
    tcase_add_test(tc, median);
    suite_add_tcase(s, tc);
    tc = tcase_create("claims");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, study_and_claims);
    tcase_add_test(tc, lesion_checks);
    tcase_add_test(tc, lesion_nulls_and_gate);
    tcase_add_test(tc, speed_checks);
    tcase_add_test(tc, speed_nulls);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
