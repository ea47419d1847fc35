/* Settings of the fixed-point finder (hdnet_fpparams): defaults and bounds. */
#include "attractor/attractor_priv.h"

#include <math.h>
#include <stdlib.h>

static const struct {
    const char *name;
    double dflt, lo, hi;
    int integer;
} fp_table[HDNET_FP_NPARAMS] = {
    [HDNET_FP_Q_TOL] = {"q_tol", 1e-14, 0, HUGE_VAL, 0},
    [HDNET_FP_Q_KEEP] = {"q_keep", 1e-8, 0, HUGE_VAL, 0},
    [HDNET_FP_MAX_ITER] = {"max_iter", 200, 1, 1e7, 1},
    [HDNET_FP_DAMPING] = {"damping", 1e-3, 1e-300, 1e300, 0},
    [HDNET_FP_STEP_TOL] = {"step_tol", 1e-12, 0, 1, 0},
    [HDNET_FP_DEDUP] = {"dedup", 1e-3, 0, HUGE_VAL, 0},
    [HDNET_FP_JITTER] = {"jitter", 0, 0, 1e6, 0},
    [HDNET_FP_EIG_TOL] = {"eig_tol", 1e-3, 0, 1e6, 0},
    [HDNET_FP_THREADS] = {"threads", 0, 0, 1024, 1},
};

void hdnet__fpparams_defaults(hdnet_fpparams *p)
{
    for (int i = 0; i < HDNET_FP_NPARAMS; i++)
        p->value[i] = fp_table[i].dflt;
}

int hdnet_fpparams_create(hdnet_fpparams **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = malloc(sizeof **out);
    if (!*out)
        return hdnet__error(HDNET_ENOMEM, "finder settings");
    hdnet__fpparams_defaults(*out);
    return HDNET_OK;
}

void hdnet_fpparams_free(hdnet_fpparams *p)
{
    free(p);
}

int hdnet_fpparams_set(hdnet_fpparams *p, int id, double value)
{
    if (!p)
        return hdnet__error(HDNET_EINVAL, "p is NULL");
    if (id < 0 || id >= HDNET_FP_NPARAMS)
        return hdnet__error(HDNET_EINVAL, "unknown finder setting %d", id);
    if (isnan(value) || value < fp_table[id].lo || value > fp_table[id].hi ||
        (fp_table[id].integer && value != floor(value)))
        return hdnet__error(HDNET_ERANGE, "%s = %g outside [%g, %g]%s", fp_table[id].name, value,
                            fp_table[id].lo, fp_table[id].hi, fp_table[id].integer ? " or not an integer" : "");
    p->value[id] = value;
    return HDNET_OK;
}

int hdnet_fpparams_get(const hdnet_fpparams *p, int id, double *value)
{
    if (!p || !value)
        return hdnet__error(HDNET_EINVAL, "p or value is NULL");
    if (id < 0 || id >= HDNET_FP_NPARAMS)
        return hdnet__error(HDNET_EINVAL, "unknown finder setting %d", id);
    *value = p->value[id];
    return HDNET_OK;
}

const char *hdnet_fpparam_name(int id)
{
    return id >= 0 && id < HDNET_FP_NPARAMS ? fp_table[id].name : NULL;
}
