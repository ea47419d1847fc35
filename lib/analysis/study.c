/* The study of one network on the analysis set (docs/analyses.md): the trials,
 * the tuning accumulators of the trained and untrained network, the normalized
 * error and the input statistics the claim checks read. */
#include "core/internal.h"
#include "analysis/analysis_priv.h"
#include "analysis/study_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int hdnet_analysis_config(const hdnet_net *net, size_t n_steps, hdnet_config **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_analysis_config: out is NULL");
    *out = NULL;
    if (!net)
        return hdnet__error(HDNET_EINVAL, "hdnet_analysis_config: net is NULL");
    if (n_steps < 2 || n_steps > INT64_MAX)
        return hdnet__error(HDNET_ERANGE, "hdnet_analysis_config: %zu steps per trial", n_steps);
    hdnet_config *cfg;
    int rc = hdnet_net_get_config(net, &cfg);
    if (rc)
        return rc;
    const struct {
        int id;
        int64_t value;
    } recipe[] = {
        {HDNET_P_STEPS, (int64_t)n_steps},
        {HDNET_P_STRETCH_RULE, HDNET_STRETCH_FIRST_K},
        {HDNET_P_STRETCH_K, 200},
        {HDNET_P_STRETCH_LOW, 1},
        {HDNET_P_TASK_RNG, HDNET_RNG_LIBRARY},
        {HDNET_P_BATCH_MODE, HDNET_BATCH_FRESH},
    };
    for (size_t i = 0; i < sizeof recipe / sizeof *recipe && rc == HDNET_OK; i++)
        rc = hdnet_config_set_int(cfg, recipe[i].id, recipe[i].value);
    if (rc == HDNET_OK)
        rc = hdnet_config_set_double(cfg, HDNET_P_INPUT_NOISE, 0);
    if (rc) {
        hdnet_config_free(cfg);
        return rc;
    }
    *out = cfg;
    return HDNET_OK;
}

void hdnet_study_free(hdnet_study *s)
{
    if (!s)
        return;
    free(s->x);
    free(s->y);
    free(s->mask);
    free(s->th);
    free(s->av);
    free(s->out);
    free(s->w);
    free(s->w0);
    hdnet_tuning_free(s->t[0]);
    hdnet_tuning_free(s->t[1]);
    hdnet_boot_free(s->boot);
    free(s->net_nulls);
    free(s->wiring_nulls);
    free(s);
}

/* The analysis set: all trials from one call (the stretch rule counts trials per call). */
static int make_trials(hdnet_study *s, const hdnet_config *set, uint64_t seed)
{
    int64_t steps, cue;
    int rc = hdnet_config_get_int(set, HDNET_P_STEPS, &steps);
    if (!rc)
        rc = hdnet_config_get_int(set, HDNET_P_CUE, &cue);
    if (!rc)
        rc = hdnet_config_get_double(set, HDNET_P_SPEED, &s->speed);
    if (rc)
        return rc;
    s->T = (size_t)steps;
    s->cue = (size_t)cue;
    size_t S;
    if (hdnet__mul(s->B, s->T, &S) || S > SIZE_MAX / (3 * sizeof(float)))
        return hdnet__error(HDNET_ESHAPE, "hdnet_study_run: %zu trials of %zu steps", s->B, s->T);
    s->x = malloc(S * 3 * sizeof *s->x);
    s->y = malloc(S * 2 * sizeof *s->y);
    s->mask = malloc(S * 2 * sizeof *s->mask);
    s->out = malloc(S * 2 * sizeof *s->out);
    s->th = malloc(S * sizeof *s->th);
    s->av = malloc(S * sizeof *s->av);
    if (!s->x || !s->y || !s->mask || !s->out || !s->th || !s->av)
        return hdnet__error(HDNET_ENOMEM, "hdnet_study_run: the analysis set of %zu samples", S);
    hdnet_task *task;
    rc = hdnet_task_create(&task, set, seed);
    if (rc)
        return rc;
    rc = hdnet_task_generate(task, s->B, s->x, S * 3, s->y, S * 2, s->mask, S * 2, s->th, S, s->av, S);
    hdnet_task_free(task);
    if (!rc && (s->cue == 0 || hdnet_hold_error(s->y, s->mask, s->B, s->T, 2, s->cue, &s->ne_hold)))
        s->ne_hold = NAN; /* no cue: nothing to hold */
    return rc;
}

/* The tuning of one network and its NE over every step and over the first 500 (all
 * steps for shorter trials). sigma_AV undefined (HDNET_ENOTSUP) leaves the heading
 * analyses final and is recorded, not an error. The untrained network has no
 * decoded analyses and its outputs are not kept. */
static int analyse(hdnet_study *s, const hdnet_net *net, int untrained, size_t chunk)
{
    float *out = untrained ? malloc(s->B * s->T * 2 * sizeof *out) : s->out;
    if (!out)
        return hdnet__error(HDNET_ENOMEM, "hdnet_study_run: outputs of the untrained network");
    int rc = hdnet_tuning_create(&s->t[untrained], s->N, &s->params);
    if (!rc)
        rc = hdnet__tuning_run(s->t[untrained], net, s->B, s->T, s->cue, s->x, s->th, s->av, chunk, !untrained,
                               out);
    if (rc == HDNET_ENOTSUP) {
        s->pass2_skipped |= !untrained;
        rc = HDNET_OK;
    }
    double *ne = untrained ? &s->ne0 : &s->ne;
    if (!rc)
        rc = hdnet_normalized_error(out, s->y, s->mask, s->B, s->T, 2, ne);
    if (!rc && !untrained && s->T > 500)
        rc = hdnet_normalized_error_window(out, s->y, s->mask, s->B, s->T, 2, 0, 500, &s->ne500);
    else if (!untrained)
        s->ne500 = s->ne;
    if (untrained)
        free(out);
    return rc;
}

/* The trial-block bootstrap and the findings of one network (trust.h). A network whose
 * AV analyses were skipped has neither: its findings stay NaN. */
static int trust(hdnet_study *s, const hdnet_net *net, int untrained, size_t chunk)
{
    double *find = untrained ? s->find0 : s->find;
    double pass, lo = NAN, hi = NAN;
    int rc = hdnet_tuning_scalar(s->t[untrained], HDNET_TS_PASS, &pass);
    if (!rc && pass >= 3) {
        rc = hdnet_tuning_scalar(s->t[untrained], HDNET_TS_WIN_LO, &lo);
        if (!rc)
            rc = hdnet_tuning_scalar(s->t[untrained], HDNET_TS_WIN_HI, &hi);
    }
    if (rc || !(lo < hi) || s->B < HDNET__STUDY_BLOCKS)
        return rc;
    hdnet_boot *b;
    size_t S = s->B * s->T;
    rc = hdnet_boot_create(&b, s->t[untrained], &s->params, HDNET__STUDY_BLOCKS);
    if (rc)
        return rc;
    rc = hdnet_boot_collect(b, net, s->B, s->T, s->cue, s->x, S * 3, s->th, S, s->av, S, chunk);
    if (!rc)
        rc = hdnet_boot_resample(b, HDNET__STUDY_BOOT, s->seed);
    if (!rc)
        rc = hdnet_findings(s->t[untrained], b, net, &s->params, untrained ? s->ne0 : s->ne, find, HDNET_F_COUNT);
    if (!rc && !untrained) /* intervals over units of the wiring findings (docs/analyses.md, section 5) */
        rc = hdnet_findings_wiring_ci(s->t[0], b, net, &s->params, s->wiring_ci, 2 * HDNET_F_COUNT);
    if (!rc && !untrained)
        s->boot = b;
    else
        hdnet_boot_free(b);
    return rc;
}

/* Autocorrelation of the angular velocity. The reference uses one 5000-step trial
 * without a stretch, whose lag-5 estimate has a sampling SD of ~0.025, close to the
 * 0.03 criterion of R2; averaging AC_TRIALS such trials cuts it to ~0.006. */
static int input_autocorr(hdnet_study *s, const hdnet_config *set, uint64_t seed)
{
    enum { AC_STEPS = 5000, AC_TRIALS = 20 };
    const size_t S = (size_t)AC_TRIALS * AC_STEPS, L = HDNET_STUDY_AUTOCORR_LAGS;
    hdnet_config *c1 = NULL;
    hdnet_task *task = NULL;
    float *x = malloc(S * 3 * sizeof *x);
    double *a = malloc(S * sizeof *a), rho1[HDNET_STUDY_AUTOCORR_LAGS];
    int rc = x && a ? hdnet_config_clone(set, &c1) : hdnet__error(HDNET_ENOMEM, "hdnet_study_run: autocorrelation");
    if (!rc)
        rc = hdnet_config_set_int(c1, HDNET_P_STEPS, AC_STEPS);
    if (!rc)
        rc = hdnet_config_set_int(c1, HDNET_P_STRETCH_RULE, HDNET_STRETCH_NONE);
    if (!rc)
        rc = hdnet_task_create(&task, c1, seed + 1);
    if (!rc)
        rc = hdnet_task_generate(task, AC_TRIALS, x, S * 3, NULL, 0, NULL, 0, NULL, 0, a, S);
    for (size_t k = 0; k < L; k++)
        s->rho[k] = 0;
    for (int tr = 0; tr < AC_TRIALS && !rc; tr++) { /* the cue steps are zero: left out */
        rc = hdnet_autocorr(a + (size_t)tr * AC_STEPS + s->cue, AC_STEPS - s->cue, rho1, L);
        for (size_t k = 0; k < L && !rc; k++)
            s->rho[k] += rho1[k] / AC_TRIALS;
    }
    hdnet_task_free(task);
    hdnet_config_free(c1);
    free(x);
    free(a);
    return rc;
}

/* Arguments of hdnet_study_run(): dimensions and sizes. */
static int check_nets(const hdnet_net *net, const hdnet_net *untrained, size_t *N)
{
    size_t ni, no, n0;
    int rc = hdnet_net_dims(net, N, &ni, &no);
    if (rc)
        return rc;
    if (ni != 3 || no != 2)
        return hdnet__error(HDNET_ESHAPE, "hdnet_study_run: expected a head-direction network "
                                          "(3 inputs, 2 outputs), got %zu and %zu", ni, no);
    if (!untrained)
        return HDNET_OK;
    rc = hdnet_net_dims(untrained, &n0, NULL, NULL);
    if (rc == HDNET_OK && n0 != *N)
        rc = hdnet__error(HDNET_ESHAPE, "hdnet_study_run: the untrained network has %zu units, the "
                                        "trained one %zu", n0, *N);
    return rc;
}

int hdnet_study_run(hdnet_study **out, const hdnet_net *net, const hdnet_net *untrained, const hdnet_config *set,
                    size_t n_trials, uint64_t seed, const hdnet_aparams *params, size_t chunk)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_run: out is NULL");
    *out = NULL;
    if (!net || n_trials == 0 || chunk == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_run: NULL network, zero trials or zero chunk");
    size_t N;
    int rc = check_nets(net, untrained, &N);
    if (rc)
        return rc;
    hdnet_study *s = calloc(1, sizeof *s);
    hdnet_config *own = NULL;
    if (!s)
        return hdnet__error(HDNET_ENOMEM, "hdnet_study_run: study");
    s->N = N;
    s->B = n_trials;
    s->ne0 = NAN;
    s->seed = seed;
    for (int i = 0; i < HDNET_F_COUNT; i++)
        s->find[i] = s->find0[i] = s->wiring_ci[2 * i] = s->wiring_ci[2 * i + 1] = NAN;
    if (params)
        s->params = *params;
    else
        hdnet__aparams_defaults(&s->params);
    if (!set)
        rc = hdnet_analysis_config(net, HDNET_ANALYSIS_STEPS, &own);
    if (!rc)
        rc = make_trials(s, set ? set : own, seed);
    if (!rc)
        rc = analyse(s, net, 0, chunk);
    if (!rc)
        rc = trust(s, net, 0, chunk);
    if (!rc && untrained)
        rc = analyse(s, untrained, 1, chunk);
    if (!rc && untrained)
        rc = trust(s, untrained, 1, chunk);
    if (!rc)
        rc = input_autocorr(s, set ? set : own, seed);
    if (!rc && !(s->w = malloc(N * N * sizeof *s->w)))
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_study_run: weights");
    if (!rc)
        rc = hdnet_net_copy_block(net, HDNET_W_REC, s->w, N * N);
    if (!rc && untrained && !(s->w0 = malloc(N * N * sizeof *s->w0)))
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_study_run: untrained weights");
    if (!rc && untrained)
        rc = hdnet_net_copy_block(untrained, HDNET_W_REC, s->w0, N * N);
    hdnet_config_free(own);
    if (rc) {
        hdnet_study_free(s);
        return rc;
    }
    *out = s;
    return HDNET_OK;
}

/* The findings of a permuted network on the first trials of the analysis set. */
typedef struct {
    const hdnet_study *s;
    size_t n_trials;
} null_ctx;

static int network_null(const hdnet_net *net, void *ctx, double *values, size_t n)
{
    const null_ctx *c = ctx;
    const hdnet_study *s = c->s;
    size_t S = c->n_trials * s->T;
    return hdnet_findings_run(net, &s->params, c->n_trials, s->T, s->cue, s->x, S * 3, s->y, S * 2, s->mask, S * 2,
                              s->th, S, s->av, S, HDNET__STUDY_BLOCKS, HDNET__STUDY_BOOT, s->seed, values, n);
}

/* The trained network's classes and headings with a permuted network's weights. */
static int wiring_null(const hdnet_net *net, void *ctx, double *values, size_t n)
{
    const null_ctx *c = ctx;
    return hdnet_findings(c->s->t[0], c->s->boot, net, &c->s->params, NAN, values, n);
}

int hdnet_study_nulls(hdnet_study *s, const hdnet_net *net, size_t n_perm, size_t n_trials, uint64_t seed)
{
    if (!s || !net)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_nulls: NULL argument");
    if (n_perm < HDNET_NULL_MIN || n_trials < HDNET__STUDY_BLOCKS || n_trials > s->B)
        return hdnet__error(HDNET_ERANGE, "hdnet_study_nulls: %zu null networks (need %d) on %zu trials "
                            "(%d ... %zu)", n_perm, HDNET_NULL_MIN, n_trials, HDNET__STUDY_BLOCKS, s->B);
    if (!s->boot)
        return hdnet__error(HDNET_ESTATE, "hdnet_study_nulls: the study has no bootstrap (AV analyses skipped)");
    double *nn = malloc(n_perm * HDNET_F_COUNT * sizeof *nn), *wn = malloc(n_perm * HDNET_F_COUNT * sizeof *wn);
    null_ctx c = {s, n_trials};
    int rc = nn && wn ? HDNET_OK : hdnet__error(HDNET_ENOMEM, "hdnet_study_nulls: %zu null networks", n_perm);
    if (!rc)
        rc = hdnet_null_values(net, n_perm, seed, wiring_null, &c, wn, n_perm * HDNET_F_COUNT, HDNET_F_COUNT);
    if (!rc)
        rc = hdnet_null_values(net, n_perm, seed, network_null, &c, nn, n_perm * HDNET_F_COUNT, HDNET_F_COUNT);
    if (rc) {
        free(nn);
        free(wn);
        return rc;
    }
    free(s->net_nulls);
    free(s->wiring_nulls);
    s->net_nulls = nn;
    s->wiring_nulls = wn;
    s->n_nulls = n_perm;
    return HDNET_OK;
}

int hdnet_study_findings(const hdnet_study *s, size_t which, double *out, size_t out_len, size_t *n_nulls)
{
    if (!s || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_findings: NULL argument");
    if (which >= 2 + 2 * s->n_nulls)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_findings: %zu is not a network of the study", which);
    if (out_len < HDNET_F_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_study_findings: out needs %d values", HDNET_F_COUNT);
    const double *src = which == 0 ? s->find
                        : which == 1 ? s->find0
                        : which < 2 + s->n_nulls ? s->net_nulls + (which - 2) * HDNET_F_COUNT
                                                 : s->wiring_nulls + (which - 2 - s->n_nulls) * HDNET_F_COUNT;
    memcpy(out, src, HDNET_F_COUNT * sizeof *out);
    if (n_nulls)
        *n_nulls = s->n_nulls;
    return HDNET_OK;
}

int hdnet_study_classes(const hdnet_study *s, int *cls, size_t cls_len, double *prob, size_t prob_len,
                        double *counts, size_t counts_len)
{
    if (!s || !cls)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_classes: NULL argument");
    if (!s->boot)
        return hdnet__error(HDNET_ESTATE, "hdnet_study_classes: the study has no bootstrap (AV analyses skipped)");
    return hdnet_boot_classify(s->boot, NULL, cls, cls_len, prob, prob_len, counts, counts_len);
}

const hdnet_tuning *hdnet_study_tuning(const hdnet_study *s, int untrained)
{
    if (!s || (untrained != 0 && untrained != 1))
        return NULL;
    return s->t[untrained];
}

int hdnet_study_scalar(const hdnet_study *s, int which, double *value)
{
    if (!s || !value)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_scalar: NULL argument");
    switch (which) {
    case HDNET_SS_NE: *value = s->ne; break;
    case HDNET_SS_NE_500: *value = s->ne500; break;
    case HDNET_SS_NE_UNTRAINED: *value = s->ne0; break;
    case HDNET_SS_SPEED: *value = s->speed; break;
    case HDNET_SS_TRIALS: *value = (double)s->B; break;
    case HDNET_SS_STEPS: *value = (double)s->T; break;
    case HDNET_SS_CUE: *value = (double)s->cue; break;
    case HDNET_SS_UNITS: *value = (double)s->N; break;
    case HDNET_SS_PASS2_SKIPPED: *value = s->pass2_skipped; break;
    case HDNET_SS_NE_HOLD: *value = s->ne_hold; break;
    default: return hdnet__error(HDNET_EINVAL, "hdnet_study_scalar: unknown id %d", which);
    }
    return HDNET_OK;
}

int hdnet_study_autocorr(const hdnet_study *s, double *rho, size_t rho_len)
{
    if (!s || !rho)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_autocorr: NULL argument");
    if (rho_len < HDNET_STUDY_AUTOCORR_LAGS)
        return hdnet__error(HDNET_ESHAPE, "hdnet_study_autocorr: rho needs %d values", HDNET_STUDY_AUTOCORR_LAGS);
    memcpy(rho, s->rho, sizeof s->rho);
    return HDNET_OK;
}

/* Copy the first n trials of one [B][T][width] array, when wanted. */
static int copy_first(void *dst, size_t dst_len, const void *src, size_t n, size_t per_trial, size_t elem)
{
    if (!dst)
        return HDNET_OK;
    if (dst_len < n * per_trial)
        return hdnet__error(HDNET_ESHAPE, "hdnet_study_trials: an output holds %zu of %zu values", dst_len,
                            n * per_trial);
    memcpy(dst, src, n * per_trial * elem);
    return HDNET_OK;
}

int hdnet_study_trials(const hdnet_study *s, size_t n_trials, float *inputs, size_t inputs_len, float *targets,
                       size_t targets_len, double *heading, size_t heading_len, double *av, size_t av_len,
                       float *outputs, size_t outputs_len)
{
    if (!s)
        return hdnet__error(HDNET_EINVAL, "hdnet_study_trials: NULL study");
    if (n_trials > s->B)
        return hdnet__error(HDNET_ESHAPE, "hdnet_study_trials: %zu trials of %zu", n_trials, s->B);
    size_t T = s->T;
    int rc = copy_first(inputs, inputs_len, s->x, n_trials, T * 3, sizeof(float));
    if (!rc)
        rc = copy_first(targets, targets_len, s->y, n_trials, T * 2, sizeof(float));
    if (!rc)
        rc = copy_first(heading, heading_len, s->th, n_trials, T, sizeof(double));
    if (!rc)
        rc = copy_first(av, av_len, s->av, n_trials, T, sizeof(double));
    if (!rc)
        rc = copy_first(outputs, outputs_len, s->out, n_trials, T * 2, sizeof(float));
    return rc;
}
