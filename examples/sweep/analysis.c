/* The analyses a sweep can run on each trained network (sweep.analysis = NAME).
 * Each adds its values to the run's record; the runner has already added the
 * training results and the test errors. */
#include "sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ANALYSIS_SEED 99999999u /* the analysis set of hdnet-analyze */
#define ANALYSIS_CHUNK 50

/* The analysis set's task: the network's own task, noise-free, with the
 * reference stretch rule (first 200 trials, stretches from 1), as hdnet-analyze. */
static int analysis_task(const hdnet_net *net, size_t steps, hdnet_config **cfg)
{
    int rc = hdnet_net_get_config(net, cfg);
    if (!rc)
        rc = hdnet_config_set_int(*cfg, HDNET_P_STEPS, (int64_t)steps);
    if (!rc)
        rc = hdnet_config_set_int(*cfg, HDNET_P_STRETCH_RULE, HDNET_STRETCH_FIRST_K);
    if (!rc)
        rc = hdnet_config_set_int(*cfg, HDNET_P_STRETCH_K, 200);
    if (!rc)
        rc = hdnet_config_set_int(*cfg, HDNET_P_STRETCH_LOW, 1);
    if (!rc)
        rc = hdnet_config_set_int(*cfg, HDNET_P_TASK_RNG, HDNET_RNG_LIBRARY);
    if (!rc)
        rc = hdnet_config_set_int(*cfg, HDNET_P_BATCH_MODE, HDNET_BATCH_FRESH);
    if (!rc)
        rc = hdnet_config_set_double(*cfg, HDNET_P_INPUT_NOISE, 0);
    return rc;
}

/* Tuning of net over B x T analysis trials (all three passes). */
static int tune(const hdnet_net *net, const hdnet_aparams *ap, size_t B, size_t T, hdnet_tuning **out)
{
    size_t N, I, O;
    hdnet_config *cfg = NULL;
    hdnet_task *task = NULL;
    int rc = hdnet_net_dims(net, &N, &I, &O);
    if (!rc)
        rc = analysis_task(net, T, &cfg);
    int64_t cue = 0;
    if (!rc)
        rc = hdnet_config_get_int(cfg, HDNET_P_CUE, &cue);
    const size_t S = B * T;
    float *x = malloc(S * 3 * sizeof *x);
    double *th = malloc(S * sizeof *th), *av = malloc(S * sizeof *av);
    if (!rc && (!x || !th || !av))
        rc = HDNET_ENOMEM;
    if (!rc)
        rc = hdnet_task_create(&task, cfg, ANALYSIS_SEED);
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

/* Class counts of net under one rule into rec as PREFIX.<class>. */
static int count_classes(const hdnet_tuning *t, size_t N, int rule, const char *prefix, sweep_record *rec)
{
    int *cls = malloc(N * sizeof *cls);
    if (!cls)
        return HDNET_ENOMEM;
    int rc = hdnet_tuning_classify(t, rule, 0, cls, N, NULL, 0, NULL, 0);
    size_t count[HDNET_NCLASSES] = {0};
    for (size_t u = 0; !rc && u < N; u++)
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

static int analysis_none(const sweep_subject *s, sweep_record *rec, char *err)
{
    (void)s;
    (void)rec;
    (void)err;
    return 0;
}

static const sweep_analysis analyses[] = {
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
