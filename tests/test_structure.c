/* The ring-structure measure on synthetic matrices of known structure. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#define N 100

/* Classes cycle compass, CCW, CW (and every 10th unit weak, left out);
 * phi spreads evenly over the circle with an offset per class. */
static void units(int *cls, double *phi)
{
    for (int i = 0; i < N; i++) {
        cls[i] = i % 10 == 9 ? HDNET_CLASS_WEAK : i % 3;
        phi[i] = fmod(i * 360.0 * 7 / N + 11.0 * cls[i], 360.0);
    }
}

/* A structure that is constant within each (class, class, 20-degree bin) cell:
 * a Mexican hat in the bin centre plus an offset per class pair. */
static double cell_value(int cpre, int cpost, double r)
{
    double c = (floor((r + 180.0) / 20.0) + 0.5) * 20.0 - 180.0;
    return 0.1 * cos(c * 3.14159265358979323846 / 180.0) - 0.03 + 0.02 * (cpre - cpost);
}

static double gauss(hdnet_rng *r)
{
    double z;
    ck_assert_ok(hdnet_rng_normal(r, &z, 1));
    return z;
}

/* w = structure * a + noise * sd (diagonal 0). Returns the variance of the
 * structure over the measured pairs, so the expected fraction is known. */
static double make(float *w, const int *cls, const double *phi, double a, double sd, hdnet_rng *r)
{
    double s1 = 0, s2 = 0;
    size_t np = 0;
    for (int post = 0; post < N; post++)
        for (int pre = 0; pre < N; pre++) {
            double rr = hdnet_wrap_deg(phi[post] - phi[pre]);
            double s = a * cell_value(cls[pre] % 3, cls[post] % 3, rr);
            w[post * N + pre] = pre == post ? 0.0f : (float)(s + sd * gauss(r));
            if (pre != post && cls[pre] != HDNET_CLASS_WEAK && cls[post] != HDNET_CLASS_WEAK) {
                s1 += s;
                s2 += s * s;
                np++;
            }
        }
    return s2 / np - (s1 / np) * (s1 / np);
}

START_TEST(known_fraction)
{
    int cls[N];
    double phi[N], out[HDNET_ST_COUNT];
    float *w = malloc(N * N * sizeof *w);
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, 0, 7));
    units(cls, phi);
    double vs = make(w, cls, phi, 1.0, 0.0, r);
    const double sd = sqrt(vs); /* noise variance = structure variance: fraction 1/2 */
    make(w, cls, phi, 1.0, sd, r);
    ck_assert_ok(hdnet_structure(w, NULL, N, cls, phi, 10, 1, out, HDNET_ST_COUNT));
    ck_assert_double_eq(out[HDNET_ST_N_UNITS], 90);
    ck_assert_double_eq(out[HDNET_ST_N_PAIRS], 90 * 89);
    /* 162 cells of about 49 pairs: each cell mean carries noise of variance
     * sd^2/44 (9/10 of the pairs fit), which costs the cross-validated
     * fraction about 0.5/44 = 0.011 and adds about as much in sample; the
     * sampling SD of a variance fraction over 8010 pairs is about 0.01. */
    ck_assert_msg(fabs(out[HDNET_ST_FRACTION_CV] - 0.489) < 0.03, "cv %g", out[HDNET_ST_FRACTION_CV]);
    ck_assert_msg(fabs(out[HDNET_ST_FRACTION_FIT] - 0.511) < 0.03, "fit %g", out[HDNET_ST_FRACTION_FIT]);
    ck_assert(out[HDNET_ST_FRACTION_FIT] > out[HDNET_ST_FRACTION_CV]);
    ck_assert(isnan(out[HDNET_ST_CORR_INIT]) && isnan(out[HDNET_ST_FRACTION_DELTA]));
    ck_assert(fabs(out[HDNET_ST_SD] - sqrt(2 * vs)) < 0.05 * sqrt(2 * vs));

    /* pure structure: every held-out weight is its cell's value */
    make(w, cls, phi, 1.0, 0.0, r);
    ck_assert_ok(hdnet_structure(w, NULL, N, cls, phi, 5, 2, out, HDNET_ST_COUNT));
    ck_assert_double_eq_tol(out[HDNET_ST_FRACTION_CV], 1.0, 1e-9);
    hdnet_rng_free(r);
    free(w);
}
END_TEST

START_TEST(noise_scores_zero)
{
    int cls[N];
    double phi[N], out[HDNET_ST_COUNT];
    float *w = malloc(N * N * sizeof *w);
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, 0, 8));
    units(cls, phi);
    make(w, cls, phi, 0.0, 0.15, r);
    ck_assert_ok(hdnet_structure(w, NULL, N, cls, phi, 10, 3, out, HDNET_ST_COUNT));
    /* no structure: the cross-validated fraction is about -1/44 (held-out
     * error of cell means from ~44 pairs), the in-sample one about +162/8010 */
    ck_assert_msg(out[HDNET_ST_FRACTION_CV] < 0.005 && out[HDNET_ST_FRACTION_CV] > -0.05, "cv %g",
                  out[HDNET_ST_FRACTION_CV]);
    ck_assert_msg(out[HDNET_ST_FRACTION_FIT] > 0.01 && out[HDNET_ST_FRACTION_FIT] < 0.04, "fit %g",
                  out[HDNET_ST_FRACTION_FIT]);
    hdnet_rng_free(r);
    free(w);
}
END_TEST

START_TEST(initialisation)
{
    int cls[N];
    double phi[N], out[HDNET_ST_COUNT];
    float *w0 = malloc(N * N * sizeof *w0), *w = malloc(N * N * sizeof *w), *s = malloc(N * N * sizeof *s);
    hdnet_rng *r;
    ck_assert_ok(hdnet_rng_create(&r, 0, 9));
    units(cls, phi);
    make(w0, cls, phi, 0.0, 0.15, r);
    /* w = w0 + pure structure: the change is fully structured */
    make(s, cls, phi, 1.0, 0.0, r);
    for (int i = 0; i < N * N; i++)
        w[i] = w0[i] + s[i];
    ck_assert_ok(hdnet_structure(w, w0, N, cls, phi, 10, 4, out, HDNET_ST_COUNT));
    ck_assert_double_eq_tol(out[HDNET_ST_FRACTION_DELTA], 1.0, 1e-6);
    ck_assert(out[HDNET_ST_FRACTION_CV] < 0.5);
    ck_assert(fabs(out[HDNET_ST_SD_INIT] - 0.15) < 0.01); /* SD of 8010 draws: +-0.0012 */
    /* w = 0.8 w0 + 0.6 independent noise of the same SD: correlation 0.8 */
    make(s, cls, phi, 0.0, 0.15, r);
    for (int i = 0; i < N * N; i++)
        w[i] = 0.8f * w0[i] + 0.6f * s[i];
    ck_assert_ok(hdnet_structure(w, w0, N, cls, phi, 10, 4, out, HDNET_ST_COUNT));
    /* sampling SD of r near 0.8 over 8010 pairs: (1 - r^2)/sqrt(n) = 0.004 */
    ck_assert_msg(fabs(out[HDNET_ST_CORR_INIT] - 0.8) < 0.02, "corr %g", out[HDNET_ST_CORR_INIT]);
    ck_assert(fabs(out[HDNET_ST_FRACTION_DELTA]) < 0.05);
    /* the folds depend on the seed only: same seed, same result */
    double again[HDNET_ST_COUNT];
    ck_assert_ok(hdnet_structure(w, w0, N, cls, phi, 10, 4, again, HDNET_ST_COUNT));
    ck_assert_double_eq(again[HDNET_ST_FRACTION_CV], out[HDNET_ST_FRACTION_CV]);
    hdnet_rng_free(r);
    free(w0);
    free(w);
    free(s);
}
END_TEST

START_TEST(bad_arguments)
{
    int cls[N];
    double phi[N], out[HDNET_ST_COUNT];
    float *w = calloc(N * N, sizeof *w);
    units(cls, phi);
    ck_assert_status(hdnet_structure(NULL, NULL, N, cls, phi, 10, 1, out, HDNET_ST_COUNT), HDNET_EINVAL);
    ck_assert_status(hdnet_structure(w, NULL, N, NULL, phi, 10, 1, out, HDNET_ST_COUNT), HDNET_EINVAL);
    ck_assert_status(hdnet_structure(w, NULL, 0, cls, phi, 10, 1, out, HDNET_ST_COUNT), HDNET_EINVAL);
    ck_assert_status(hdnet_structure(w, NULL, N, cls, phi, 10, 1, out, HDNET_ST_COUNT - 1), HDNET_ESHAPE);
    ck_assert_status(hdnet_structure(w, NULL, N, cls, phi, 1, 1, out, HDNET_ST_COUNT), HDNET_ERANGE);
    /* constant weights have no variance to explain */
    ck_assert_status(hdnet_structure(w, NULL, N, cls, phi, 10, 1, out, HDNET_ST_COUNT), HDNET_ERANGE);
    w[5] = NAN;
    ck_assert_status(hdnet_structure(w, NULL, N, cls, phi, 10, 1, out, HDNET_ST_COUNT), HDNET_ERANGE);
    /* a single structural unit has no pairs */
    for (int i = 0; i < N; i++)
        cls[i] = i ? HDNET_CLASS_INACTIVE : HDNET_CLASS_COMPASS;
    w[5] = 1.0f;
    ck_assert_status(hdnet_structure(w, NULL, N, cls, phi, 10, 1, out, HDNET_ST_COUNT), HDNET_ERANGE);
    free(w);
}
END_TEST

Suite *hdnet_suite_structure(void)
{
    Suite *s = suite_create("structure");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, known_fraction);
    tcase_add_test(tc, noise_scores_zero);
    tcase_add_test(tc, initialisation);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
