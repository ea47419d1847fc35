/* The analyses a sweep can run on each trained network (sweep.analysis = NAME).
 * Each adds its values to the run's record; the runner has already added the
 * training results and the test errors. */
#include "sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ANALYSIS_CHUNK 50

/* Tuning of net over B x T analysis trials (all three passes). */
static int tune(const hdnet_net *net, const hdnet_aparams *ap, size_t B, size_t T, hdnet_tuning **out)
{
    size_t N, I, O;
    hdnet_config *cfg = NULL;
    hdnet_task *task = NULL;
    int rc = hdnet_net_dims(net, &N, &I, &O);
    if (!rc)
        rc = hdnet_analysis_config(net, T, &cfg);
    int64_t cue = 0;
    if (!rc)
        rc = hdnet_config_get_int(cfg, HDNET_P_CUE, &cue);
    const size_t S = B * T;
    float *x = malloc(S * 3 * sizeof *x);
    double *th = malloc(S * sizeof *th), *av = malloc(S * sizeof *av);
    if (!rc && (!x || !th || !av))
        rc = HDNET_ENOMEM;
    if (!rc)
        rc = hdnet_task_create(&task, cfg, HDNET_ANALYSIS_SEED);
    if (!rc)
        rc = hdnet_task_generate(task, B, x, S * 3, NULL, 0, NULL, 0, th, S, av, S);
    if (!rc)
        rc = hdnet_tuning_create(out, N, ap);
    if (!rc) {
        rc = hdnet_tuning_collect(*out, net, B, T, (size_t)cue, x, S * 3, th, S, av, S, ANALYSIS_CHUNK);
        if (rc == HDNET_ENOTSUP) /* no AV in the set: heading analyses only */
            rc = HDNET_OK;
        if (rc) {
            hdnet_tuning_free(*out);
            *out = NULL;
        }
    }
    hdnet_task_free(task);
    hdnet_config_free(cfg);
    free(x);
    free(th);
    free(av);
    return rc;
}

/* Counts of the N units' classes cls into rec as PREFIX.<class> and the fractions. */
static int record_classes(const int *cls, size_t N, const char *prefix, sweep_record *rec)
{
    int rc = 0;
    size_t count[HDNET_NCLASSES] = {0};
    for (size_t u = 0; u < N; u++)
        if (cls[u] >= 0 && cls[u] < HDNET_NCLASSES)
            count[cls[u]]++;
    char key[96];
    for (int c = 0; !rc && c < HDNET_NCLASSES; c++) {
        snprintf(key, sizeof key, "%s.%s", prefix, hdnet_class_name(c));
        if (sweep_record_num(rec, key, (double)count[c]))
            rc = HDNET_ENOMEM;
    }
    /* fractions of all units, comparable across network sizes (the speed trend of the paper) */
    const double shifters = (double)(count[HDNET_CLASS_SHIFTER_CCW] + count[HDNET_CLASS_SHIFTER_CW]);
    snprintf(key, sizeof key, "%s.compass_fraction", prefix);
    if (!rc && sweep_record_num(rec, key, (double)count[HDNET_CLASS_COMPASS] / (double)N))
        rc = HDNET_ENOMEM;
    snprintf(key, sizeof key, "%s.shifter_fraction", prefix);
    if (!rc && sweep_record_num(rec, key, shifters / (double)N))
        rc = HDNET_ENOMEM;
    return rc;
}

/* Class counts of net under one rule into rec as PREFIX.<class>. */
static int count_classes(const hdnet_tuning *t, size_t N, int rule, const char *prefix, sweep_record *rec)
{
    int *cls = malloc(N * sizeof *cls);
    int rc = cls ? hdnet_tuning_classify(t, rule, 0, cls, N, NULL, 0, NULL, 0) : HDNET_ENOMEM;
    if (!rc)
        rc = record_classes(cls, N, prefix, rec);
    free(cls);
    return rc;
}

/* Class counts under the interval rule, on which R3 and the lesions are judged, as
 * classes_interval.<class>; nothing when the study has no bootstrap (no interval rule). */
static int interval_classes(const hdnet_study *study, size_t N, sweep_record *rec)
{
    int *cls = malloc(N * sizeof *cls);
    int rc = cls ? hdnet_study_classes(study, cls, N, NULL, 0, NULL, 0) : HDNET_ENOMEM;
    if (!rc)
        rc = record_classes(cls, N, "classes_interval", rec);
    else if (rc == HDNET_ESTATE)
        rc = HDNET_OK;
    free(cls);
    return rc;
}

/* Unit classes of the trained network under the adaptive and the reference rule. */
static int analysis_classes(const sweep_subject *s, sweep_record *rec, char *err)
{
    const sweep_plan *p = s->plan;
    if (p->analysis_trials == 0)
        return 0;
    size_t N, I, O;
    hdnet_tuning *t = NULL;
    int rc = hdnet_net_dims(s->trained, &N, &I, &O);
    if (!rc)
        rc = tune(s->trained, s->ap, p->analysis_trials, p->analysis_steps, &t);
    if (!rc)
        rc = count_classes(t, N, HDNET_RULE_ADAPTIVE, "classes", rec);
    if (!rc)
        rc = count_classes(t, N, HDNET_RULE_REFERENCE, "classes_reference", rec);
    hdnet_tuning_free(t);
    if (rc)
        return sweep_fail(err, "class analysis: %s (%s)", hdnet_strerror(rc), hdnet_errmsg());
    return 0;
}

/* Every row of a claim table: value, the nulls' 5-95 % band and the bootstrap
 * interval of the value, verdict. */
static int add_rows(const hdnet_claims *claims, sweep_record *rec)
{
    static const struct {
        int col;
        const char *name;
    } more[] = {{HDNET_CLAIM_NULL_LOW, "null_low"}, {HDNET_CLAIM_NULL_HIGH, "null_high"},
                {HDNET_CLAIM_CI_LOW, "ci_low"}, {HDNET_CLAIM_CI_HIGH, "ci_high"}};
    int rc = 0;
    for (size_t row = 0; !rc && row < hdnet_claims_count(claims); row++) {
        const char *id = hdnet_claims_text(claims, row, HDNET_CLAIM_ID);
        char key[96];
        snprintf(key, sizeof key, "%s.value", id);
        if (sweep_record_num(rec, key, hdnet_claims_number(claims, row, HDNET_CLAIM_VALUE)))
            rc = HDNET_ENOMEM;
        for (size_t k = 0; !rc && k < sizeof more / sizeof *more; k++) {
            snprintf(key, sizeof key, "%s.%s", id, more[k].name);
            if (sweep_record_num(rec, key, hdnet_claims_number(claims, row, more[k].col)))
                rc = HDNET_ENOMEM;
        }
        snprintf(key, sizeof key, "%s.verdict", id);
        if (!rc && sweep_record_str(rec, key, hdnet_verdict_name(hdnet_claims_verdict(claims, row))))
            rc = HDNET_ENOMEM;
    }
    return rc;
}

/* Classes (the interval rule of the claim table; the adaptive rule when the study has
 * no bootstrap, as the table then uses) and preferred headings of the trained network. */
static int study_classes(const hdnet_study *study, size_t N, int *cls, double *phi, const char **rule)
{
    const hdnet_tuning *t = hdnet_study_tuning(study, 0);
    int rc = hdnet_study_classes(study, cls, N, NULL, 0, NULL, 0);
    *rule = "interval";
    if (rc == HDNET_ESTATE) {
        rc = hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 0, cls, N, NULL, 0, NULL, 0);
        *rule = "adaptive";
    }
    return rc ? rc : hdnet_tuning_unit_stat(t, HDNET_US_PHI, phi, N);
}

/* R10-R12 against lesions of sweep.nulls random unit sets of the same sizes, as
 * hdnet-lesion judges them. */
static int lesion_nulls(const sweep_subject *s, const int *cls, const double *phi, size_t N, hdnet_claims *claims)
{
    const sweep_plan *p = s->plan;
    const size_t len = p->nulls * HDNET_LS_COUNT;
    double *nulls = malloc(len * sizeof *nulls);
    int rc = nulls ? hdnet_lesion_nulls(s->trained, cls, phi, N, p->lesion_trials, p->lesion_steps, p->nulls,
                                        HDNET_ANALYSIS_SEED, nulls, len)
                   : HDNET_ENOMEM;
    if (!rc)
        rc = hdnet_claims_lesion_nulls(claims, nulls, p->nulls, len, HDNET_NULL_QUANTILE);
    free(nulls);
    return rc;
}

/* The lesion experiments (rate clamp, plan's trials and steps) on the classes of the
 * claim table: lesion.<entry> for each entry of the lesion summary and the checks R10,
 * R11, R11m and R12 (against random-set nulls when sweep.nulls > 0) behind the competence
 * gate; NaN values and NOT_RUN verdicts when the network has fewer than 2 compass units
 * (no bump to lesion). */
static int lesion_rows(const sweep_subject *s, const hdnet_study *study, size_t N, sweep_record *rec)
{
    const sweep_plan *p = s->plan;
    const double cpu0 = sweep_cpu_now();
    int *cls = malloc(N * sizeof *cls);
    double *phi = malloc(N * sizeof *phi), sum[HDNET_LS_COUNT], ne = NAN, ne_hold = NAN;
    const char *rule = "";
    size_t ncomp = 0;
    int rc = cls && phi ? study_classes(study, N, cls, phi, &rule) : HDNET_ENOMEM, competent = 0;
    if (!rc)
        rc = hdnet_lesion_units(cls, phi, N, HDNET_LESION_E1, NULL, 0, &ncomp);
    if (!rc)
        rc = hdnet_study_scalar(study, HDNET_SS_NE, &ne);
    if (!rc)
        rc = hdnet_study_scalar(study, HDNET_SS_NE_HOLD, &ne_hold);
    if (!rc)
        rc = hdnet_gate(ne, hdnet_gate_bound(ne_hold), &competent);
    hdnet_lesion *les = NULL;
    hdnet_claims *claims = NULL;
    for (int k = 0; k < HDNET_LS_COUNT; k++)
        sum[k] = NAN;
    if (!rc && ncomp >= 2)
        rc = hdnet_lesion_run(&les, s->trained, cls, phi, N, p->lesion_trials, p->lesion_steps, 1, 0);
    if (les && !rc)
        rc = hdnet_lesion_summary(les, sum, HDNET_LS_COUNT);
    if (!rc && sweep_record_str(rec, "lesion.rule", rule))
        rc = HDNET_ENOMEM;
    for (int k = 0; !rc && k < HDNET_LS_COUNT; k++) {
        char key[96];
        snprintf(key, sizeof key, "lesion.%s", hdnet_lesion_summary_name(k));
        if (sweep_record_num(rec, key, sum[k]))
            rc = HDNET_ENOMEM;
    }
    if (!rc)
        rc = hdnet_claims_create(&claims);
    if (!rc)
        rc = hdnet_claims_add_lesion(claims, sum, HDNET_LS_COUNT);
    if (!rc && les && p->nulls >= HDNET_NULL_MIN)
        rc = lesion_nulls(s, cls, phi, N, claims);
    for (size_t row = 0; !rc && row < hdnet_claims_count(claims); row++) {
        const char *id = hdnet_claims_text(claims, row, HDNET_CLAIM_ID);
        const int verdict = les ? hdnet_gate_verdict(hdnet_claims_verdict(claims, row), 1, competent)
                                : HDNET_VERDICT_NOT_RUN;
        static const struct {
            int col;
            const char *name;
        } cols[] = {{HDNET_CLAIM_VALUE, "value"}, {HDNET_CLAIM_NULL_LOW, "null_low"},
                    {HDNET_CLAIM_NULL_HIGH, "null_high"}};
        char key[96];
        for (size_t k = 0; !rc && k < sizeof cols / sizeof *cols; k++) {
            snprintf(key, sizeof key, "%s.%s", id, cols[k].name);
            if (sweep_record_num(rec, key, hdnet_claims_number(claims, row, cols[k].col)))
                rc = HDNET_ENOMEM;
        }
        snprintf(key, sizeof key, "%s.verdict", id);
        if (!rc && sweep_record_str(rec, key, hdnet_verdict_name(verdict)))
            rc = HDNET_ENOMEM;
    }
    if (!rc && sweep_record_num(rec, "lesion_cpu_seconds", sweep_cpu_now() - cpu0))
        rc = HDNET_ENOMEM;
    hdnet_claims_free(claims);
    hdnet_lesion_free(les);
    free(cls);
    free(phi);
    return rc;
}

/* The paper's checks of the library's claim table (R1-R9, R14, R14i, R15; the
 * lesion checks R10, R11, R11m and R12 when sweep.lesion_trials > 0; the speed
 * check R13 needs a sweep over speeds, see collect.c): <id>.value and <id>.verdict
 * per row, on the analysis set, with the untrained network for R14; and the unit
 * classes of the same tuning. */
static int analysis_claims(const sweep_subject *s, sweep_record *rec, char *err)
{
    const sweep_plan *p = s->plan;
    if (p->analysis_trials == 0)
        return 0;
    size_t N, I, O;
    hdnet_config *set = NULL;
    hdnet_study *study = NULL;
    hdnet_claims *claims = NULL;
    int rc = hdnet_net_dims(s->trained, &N, &I, &O);
    if (!rc)
        rc = hdnet_analysis_config(s->trained, p->analysis_steps, &set);
    if (!rc)
        rc = hdnet_study_run(&study, s->trained, s->untrained, set, p->analysis_trials, HDNET_ANALYSIS_SEED, s->ap,
                             ANALYSIS_CHUNK);
    /* matched nulls: the checks are judged against them */
    const size_t null_trials = p->analysis_trials < 500 ? p->analysis_trials : 500;
    double skipped = 1; /* without the AV analyses there is no bootstrap to draw nulls from */
    if (!rc && p->nulls >= HDNET_NULL_MIN && null_trials >= 20 &&
        hdnet_study_scalar(study, HDNET_SS_PASS2_SKIPPED, &skipped) == HDNET_OK && skipped == 0)
        rc = hdnet_study_nulls(study, s->trained, p->nulls, null_trials, HDNET_ANALYSIS_SEED);
    if (!rc)
        rc = hdnet_claims_create(&claims);
    if (!rc)
        rc = hdnet_claims_add_study(claims, study);
    if (!rc)
        rc = add_rows(claims, rec);
    double ne_hold = NAN; /* the gate's null, for the gate of collect's speed checks */
    if (!rc)
        rc = hdnet_study_scalar(study, HDNET_SS_NE_HOLD, &ne_hold);
    if (!rc && sweep_record_num(rec, "ne_hold", ne_hold))
        rc = HDNET_ENOMEM;
    if (!rc)
        rc = count_classes(hdnet_study_tuning(study, 0), N, HDNET_RULE_ADAPTIVE, "classes", rec);
    if (!rc)
        rc = count_classes(hdnet_study_tuning(study, 0), N, HDNET_RULE_REFERENCE, "classes_reference", rec);
    if (!rc)
        rc = interval_classes(study, N, rec);
    if (!rc && p->lesion_trials)
        rc = lesion_rows(s, study, N, rec);
    hdnet_claims_free(claims);
    hdnet_study_free(study);
    hdnet_config_free(set);
    if (rc)
        return sweep_fail(err, "claims: %s (%s)", hdnet_strerror(rc), hdnet_errmsg());
    return 0;
}

static int analysis_none(const sweep_subject *s, sweep_record *rec, char *err)
{
    (void)s;
    (void)rec;
    (void)err;
    return 0;
}

/* The version enters the analysis id: raise it when the analysis records something else, so
 * that finished runs are re-analysed (claims 2: lesions; 3: the interval rule's slope over
 * samples and the wiring intervals; 4: the lesions' random-set nulls and the interval rule's
 * class counts; 5: the gate against holding the cued heading, ne_hold). */
static const sweep_analysis analyses[] = {
    {"claims", "the paper's checks R1-R15 but R13 (value and verdict), the lesion summary and the unit classes", 5,
     analysis_claims},
    {"classes", "unit classes under the adaptive and the reference rule", 2, analysis_classes},
    {"none", "training and test errors only", 1, analysis_none},
};

const sweep_analysis *sweep_analysis_at(size_t i)
{
    return i < sizeof analyses / sizeof *analyses ? &analyses[i] : NULL;
}

const sweep_analysis *sweep_analysis_find(const char *name)
{
    for (size_t i = 0; sweep_analysis_at(i); i++)
        if (strcmp(analyses[i].name, name) == 0)
            return &analyses[i];
    return NULL;
}
