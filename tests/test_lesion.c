/* The lesion experiments (lesion.h): arguments refused on a tiny network, and the
 * results on the committed test network equal what hdnet-lesion wrote for it
 * (tests/data/pipeline/golden/lesion_units, recorded by tests/pipeline_golden.sh). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh network of n units (untrained: the experiments only need it to run). */
static hdnet_net *tiny_net(size_t n)
{
    hdnet_config *cfg;
    hdnet_rng *rng;
    hdnet_net *net;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, (int64_t)n));
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 7));
    ck_assert_ok(hdnet_net_create(&net, cfg, rng));
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return net;
}

START_TEST(bad_arguments)
{
    enum { N = 8 };
    hdnet_net *net = tiny_net(N);
    int cls[N];
    double phi[N];
    for (int u = 0; u < N; u++) { /* 4 compass units, 2 CW and 2 CCW shifters */
        cls[u] = u < 4 ? HDNET_CLASS_COMPASS : u < 6 ? HDNET_CLASS_SHIFTER_CW : HDNET_CLASS_SHIFTER_CCW;
        phi[u] = 45.0 * u;
    }
    hdnet_lesion *l = (hdnet_lesion *)&l; /* not NULL: a failure must reset it */
    ck_assert_status(hdnet_lesion_run(NULL, net, cls, phi, N, 2, 700, 1, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_run(&l, NULL, cls, phi, N, 2, 700, 1, 0), HDNET_EINVAL);
    ck_assert_ptr_null(l);
    ck_assert_status(hdnet_lesion_run(&l, net, NULL, phi, N, 2, 700, 1, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_run(&l, net, cls, NULL, N, 2, 700, 1, 0), HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N - 1, 2, 700, 1, 0), HDNET_ESHAPE);
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, 0, 700, 1, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, 2, HDNET_LESION_MIN_STEPS - 1, 1, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, 2, 700, 0, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, 2, 700, HDNET_LESION_MODES + 1, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, 2, 700, 1, 3), HDNET_ERANGE);
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, SIZE_MAX / 2, 700, 1, 0), HDNET_ENOMEM);
    /* the random-set nulls check the same arguments, their count and their room */
    double nulls[2 * HDNET_LS_COUNT];
    ck_assert_status(hdnet_lesion_nulls(NULL, cls, phi, N, 2, 700, 2, 1, nulls, 2 * HDNET_LS_COUNT), HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_nulls(net, cls, phi, N, 2, 700, 2, 1, NULL, 2 * HDNET_LS_COUNT), HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_nulls(net, cls, phi, N, 2, 700, 0, 1, nulls, 2 * HDNET_LS_COUNT), HDNET_ERANGE);
    ck_assert_status(hdnet_lesion_nulls(net, cls, phi, N, 2, 700, 2, 1, nulls, 2 * HDNET_LS_COUNT - 1),
                     HDNET_ESHAPE);
    ck_assert_status(hdnet_lesion_nulls(net, cls, phi, N, 2, 699, 2, 1, nulls, 2 * HDNET_LS_COUNT), HDNET_ERANGE);
    /* two sets per experiment: every summary entry of every set is written; the same seed
     * draws the same sets */
    double again[2 * HDNET_LS_COUNT];
    ck_assert_ok(hdnet_lesion_nulls(net, cls, phi, N, 2, 700, 2, 7, nulls, 2 * HDNET_LS_COUNT));
    ck_assert_ok(hdnet_lesion_nulls(net, cls, phi, N, 2, 700, 2, 7, again, 2 * HDNET_LS_COUNT));
    for (int i = 0; i < 2 * HDNET_LS_COUNT; i++)
        ck_assert_msg(isfinite(nulls[i]) && nulls[i] == again[i], "null entry %d: %g, then %g", i, nulls[i], again[i]);
    phi[5] = INFINITY;
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, 2, 700, 1, 0), HDNET_ERANGE);
    phi[5] = 225;
    cls[2] = HDNET_NCLASSES;
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, 2, 700, 1, 0), HDNET_ERANGE);
    /* one compass unit with a preferred heading: no bump to measure */
    cls[2] = HDNET_CLASS_WEAK;
    phi[0] = phi[1] = NAN;
    ck_assert_status(hdnet_lesion_run(&l, net, cls, phi, N, 2, 700, 1, 0), HDNET_ERANGE);
    ck_assert_ptr_null(l);
    phi[0] = 0;
    phi[1] = 45;

    /* the unit sets */
    int units[N];
    size_t n;
    ck_assert_ok(hdnet_lesion_units(cls, phi, N, HDNET_LESION_E1, units, N, &n));
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(units[0], 0);
    ck_assert_int_eq(units[2], 3);
    ck_assert_ok(hdnet_lesion_units(cls, phi, N, HDNET_LESION_E3, NULL, 0, &n));
    ck_assert_uint_eq(n, 4);
    ck_assert_status(hdnet_lesion_units(cls, phi, N, HDNET_LESION_E3, units, 3, &n), HDNET_ESHAPE);
    ck_assert_status(hdnet_lesion_units(cls, phi, N, HDNET_LESION_COUNT, units, N, &n), HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_units(NULL, phi, N, HDNET_LESION_E1, units, N, &n), HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_units(cls, phi, N, HDNET_LESION_E1, units, N, NULL), HDNET_EINVAL);
    cls[7] = -1;
    ck_assert_status(hdnet_lesion_units(cls, phi, N, HDNET_LESION_E1, units, N, &n), HDNET_ERANGE);
    cls[7] = HDNET_CLASS_SHIFTER_CCW;

    /* a run of the rate mode with one kept trial, and its accessors */
    ck_assert_ok(hdnet_lesion_run(&l, net, cls, phi, N, 2, 700, 1, 1));
    double sum[HDNET_LS_COUNT], v[HDNET_LM_COUNT], tr[700];
    float sh[700 * N];
    ck_assert_ok(hdnet_lesion_summary(l, sum, HDNET_LS_COUNT));
    ck_assert_double_eq(sum[HDNET_LS_E1_UNITS], 3);
    ck_assert_double_eq(sum[HDNET_LS_E2_UNITS], 2);
    ck_assert_double_eq(sum[HDNET_LS_E3_UNITS], 4);
    ck_assert_status(hdnet_lesion_summary(l, sum, HDNET_LS_COUNT - 1), HDNET_ESHAPE);
    ck_assert_status(hdnet_lesion_summary(NULL, sum, HDNET_LS_COUNT), HDNET_EINVAL);
    ck_assert_ok(hdnet_lesion_measures(l, HDNET_LESION_E3, HDNET_PERTURB_RATE, v, HDNET_LM_COUNT));
    ck_assert_double_eq(v[HDNET_LM_GAIN], sum[HDNET_LS_E3_GAIN]);
    ck_assert(isnan(v[HDNET_LM_DRIFT])); /* E3 measures no drift at rest */
    ck_assert_status(hdnet_lesion_measures(l, HDNET_LESION_E3, HDNET_PERTURB_OUTGOING, v, HDNET_LM_COUNT),
                     HDNET_ERANGE); /* only the rate mode was run */
    ck_assert_status(hdnet_lesion_measures(l, -1, HDNET_PERTURB_RATE, v, HDNET_LM_COUNT), HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_measures(l, HDNET_LESION_E1, HDNET_PERTURB_RATE, v, HDNET_LM_COUNT - 1),
                     HDNET_ESHAPE);
    ck_assert_ok(hdnet_lesion_trace(l, HDNET_LESION_E3, HDNET_PERTURB_RATE, HDNET_LT_HEADING, tr, 700));
    /* trial 0 turns CCW at 1 degree per step through the window */
    ck_assert_double_eq_tol(tr[HDNET_LESION_OFF - 1] - tr[HDNET_LESION_ON - 1],
                            HDNET_LESION_TURN_DEG * (HDNET_LESION_OFF - HDNET_LESION_ON), 1e-9);
    ck_assert_status(hdnet_lesion_trace(l, HDNET_LESION_E3, HDNET_PERTURB_RATE, HDNET_LT_COUNT, tr, 700),
                     HDNET_EINVAL);
    ck_assert_status(hdnet_lesion_trace(l, HDNET_LESION_E3, HDNET_PERTURB_RATE, HDNET_LT_HEADING, tr, 699),
                     HDNET_ESHAPE);
    ck_assert_ok(hdnet_lesion_shadow(l, HDNET_LESION_E1, HDNET_PERTURB_RATE, sh, 700 * N));
    ck_assert_status(hdnet_lesion_shadow(l, HDNET_LESION_E1, HDNET_PERTURB_RATE, sh, 700 * N - 1), HDNET_ESHAPE);
    ck_assert_status(hdnet_lesion_shadow(l, HDNET_LESION_E1, HDNET_PERTURB_RATE, NULL, 700 * N), HDNET_EINVAL);
    hdnet_lesion_free(l);
    hdnet_lesion_free(NULL);

    ck_assert_str_eq(hdnet_lesion_name(HDNET_LESION_E2M), "E2m");
    ck_assert_ptr_null(hdnet_lesion_name(HDNET_LESION_COUNT));
    ck_assert_str_eq(hdnet_lesion_summary_name(HDNET_LS_E3_BUMP_CONTROL), "e3_bump_control");
    ck_assert_ptr_null(hdnet_lesion_summary_name(HDNET_LS_COUNT));
    hdnet_net_free(net);
}
END_TEST

/* Split a CSV line in place at commas outside double quotes, dropping the quotes. */
static size_t split_quoted(char *line, char **field, size_t cap)
{
    size_t n = 0;
    char *w = line;
    field[n++] = w;
    for (char *r = line; *r && *r != '\n' && *r != '\r'; r++) {
        if (*r == '"') {
            for (r++; *r && *r != '"'; r++)
                *w++ = *r;
        } else if (*r == ',' && n < cap) {
            *w++ = '\0';
            field[n++] = w;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return n;
}

/* Classes and preferred headings from the units.csv that hdnet-analyze wrote (the
 * --units input of the golden run). */
static void read_units(const char *path, int *cls, double *phi, size_t N)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[8192], *field[64];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_ptr_nonnull(strstr(line, "unit,class,preferred_hd_deg,")); /* columns 1 and 2 */
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        ck_assert_uint_lt(n, N);
        ck_assert_uint_ge(split_quoted(line, field, 64), 3);
        cls[n] = -1;
        for (int k = 0; k < HDNET_NCLASSES; k++)
            if (strcmp(field[1], hdnet_class_name(k)) == 0)
                cls[n] = k;
        ck_assert_int_ge(cls[n], 0);
        phi[n++] = strtod(field[2], NULL);
    }
    ck_assert_uint_eq(n, N);
    fclose(f);
}

/* The value of a lesion.csv row from the measures (the program's ratios included). */
static double csv_value(const double *v, const char *measure)
{
    static const struct {
        const char *name;
        int num, den; /* den -1: not a ratio */
    } rows[] = {{"units", HDNET_LM_UNITS, -1},
                {"B0", HDNET_LM_B0, -1},
                {"B[350,400)/B0", HDNET_LM_LOST, HDNET_LM_B0},
                {"B[500,600)/B0", HDNET_LM_BACK, HDNET_LM_B0},
                {"rho[350,400)", HDNET_LM_OUTPUT_NORM, -1},
                {"heading error after recovery (deg)", HDNET_LM_HEADING_ERROR, -1},
                {"psi drift (deg)", HDNET_LM_DRIFT, -1},
                {"control psi drift (deg)", HDNET_LM_DRIFT_CONTROL, -1},
                {"theta_hat drift (deg)", HDNET_LM_DRIFT_DECODED, -1},
                {"B over window / B0", HDNET_LM_BUMP, HDNET_LM_B0},
                {"gain G", HDNET_LM_GAIN, -1},
                {"control gain G", HDNET_LM_GAIN_CONTROL, -1},
                {"B over window / control", HDNET_LM_BUMP, HDNET_LM_BUMP_CONTROL}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        if (strcmp(rows[i].name, measure) == 0)
            return rows[i].den < 0 ? v[rows[i].num] : v[rows[i].num] / v[rows[i].den];
    ck_abort_msg("unknown measure '%s' in lesion.csv", measure);
    return NAN;
}

START_TEST(program_numbers)
{
    /* the golden run: --units analyze/units.csv --trials 20 --steps 700 */
    enum { TRIALS = 20, STEPS = 700 };
    hdnet_net *net;
    size_t N;
    ck_assert_ok(hdnet_net_load(&net, tu_data_path("pipeline/model.npz")));
    ck_assert_ok(hdnet_net_dims(net, &N, NULL, NULL));
    int *cls = malloc(N * sizeof *cls);
    double *phi = malloc(N * sizeof *phi);
    read_units(tu_data_path("pipeline/golden/analyze/units.csv"), cls, phi, N);
    hdnet_lesion *l;
    ck_assert_ok(hdnet_lesion_run(&l, net, cls, phi, N, TRIALS, STEPS, HDNET_LESION_MODES, 0));

    /* every row of lesion.csv, printed as the program prints it (%.6g) */
    FILE *f = fopen(tu_data_path("pipeline/golden/lesion_units/lesion.csv"), "r");
    ck_assert_ptr_nonnull(f);
    char line[1024], *field[8], got[64];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    static const char *const modes[HDNET_LESION_MODES] = {"rate", "outgoing", "outgoing_readout"};
    size_t rows = 0;
    while (fgets(line, sizeof line, f)) {
        /* the measure names "B[350,400)/B0" are written unquoted: fields from the ends */
        size_t nf = split_quoted(line, field, 8);
        ck_assert_uint_ge(nf, 6);
        for (size_t k = 3; k + 3 < nf; k++)
            field[k][-1] = ','; /* rejoin the name */
        const char *value = field[nf - 3];
        int e = -1, m = -1;
        for (int k = 0; k < HDNET_LESION_COUNT; k++)
            if (strcmp(field[0], hdnet_lesion_name(k)) == 0)
                e = k;
        for (int k = 0; k < HDNET_LESION_MODES; k++)
            if (strcmp(field[1], modes[k]) == 0)
                m = k;
        ck_assert_msg(e >= 0 && m >= 0, "row %s,%s", field[0], field[1]);
        double v[HDNET_LM_COUNT];
        ck_assert_ok(hdnet_lesion_measures(l, e, m, v, HDNET_LM_COUNT));
        snprintf(got, sizeof got, "%.6g", csv_value(v, field[2]));
        ck_assert_msg(strcmp(got, value) == 0, "%s %s %s: %s, the program wrote %s", field[0], field[1], field[2], got,
                      value);
        rows++;
    }
    fclose(f);
    ck_assert_uint_eq(rows, 3 * (6 + 6 + 6 + 5)); /* rows of E1, E2, E2m, E3 in each mode */

    /* the claim rows R0 and R10-R12 from the summary, the random-set nulls and the gate:
     * measured text and verdict as criteria.csv (the gate's NE is the program's, read from
     * its R0 row: this test is about the lesion rows) */
    double sum[HDNET_LS_COUNT], *nulls = malloc(HDNET_NULL_MIN * HDNET_LS_COUNT * sizeof *nulls);
    ck_assert_ptr_nonnull(nulls);
    ck_assert_ok(hdnet_lesion_summary(l, sum, HDNET_LS_COUNT));
    ck_assert_ok(hdnet_lesion_nulls(net, cls, phi, N, 20, 700, HDNET_NULL_MIN, HDNET_ANALYSIS_SEED, nulls,
                                    HDNET_NULL_MIN * HDNET_LS_COUNT));
    hdnet_claims *c;
    ck_assert_ok(hdnet_claims_create(&c));
    ck_assert_ok(hdnet_claims_add_lesion(c, sum, HDNET_LS_COUNT));
    ck_assert_ok(hdnet_claims_lesion_nulls(c, nulls, HDNET_NULL_MIN, HDNET_NULL_MIN * HDNET_LS_COUNT,
                                           HDNET_NULL_QUANTILE));
    free(nulls);
    f = fopen(tu_data_path("pipeline/golden/lesion_units/criteria.csv"), "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    size_t row = 0;
    for (; fgets(line, sizeof line, f); row++) {
        ck_assert_uint_ge(split_quoted(line, field, 8), 6);
        if (row == 0)
            ck_assert_ok(hdnet_claims_gate(c, strtod(field[5], NULL), HDNET_GATE_NE_MAX, 1));
        ck_assert_uint_lt(row, hdnet_claims_count(c));
        ck_assert_str_eq(hdnet_claims_text(c, row, HDNET_CLAIM_ID), field[0]);
        ck_assert_str_eq(hdnet_claims_text(c, row, HDNET_CLAIM_MEASURED), field[2]);
        ck_assert_str_eq(hdnet_verdict_name(hdnet_claims_verdict(c, row)), field[4]);
    }
    fclose(f);
    ck_assert_uint_eq(row, hdnet_claims_count(c));
    ck_assert_uint_eq(row, 5);
    hdnet_claims_free(c);
    hdnet_lesion_free(l);
    free(cls);
    free(phi);
    hdnet_net_free(net);
}
END_TEST

Suite *hdnet_suite_lesion(void)
{
    Suite *s = suite_create("lesion");
    TCase *tc = tcase_create("lesion");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, program_numbers);
    suite_add_tcase(s, tc);
    return s;
}
