/* Analysis parameters: names, bounds and defaults (the MATLAB reference values). */
#include "core/internal.h"
#include "analysis/analysis_priv.h"
#include "core/params_priv.h"

#include <math.h>
#include <stdlib.h>

typedef hdnet__param_def aparam_def;
#define R HDNET__PARAM_REAL
#define I HDNET__PARAM_INT

static const char *const compat_names[] = {"library", "matlab", "pytorch", NULL};
static const aparam_def defs[HDNET__NAPARAMS] = {
    {HDNET_A_COMPAT, "compat", HDNET__PARAM_ENUM, 0, 2, 0, compat_names},
    {HDNET_A_HD_BINS, "hd_bins", I, 0, 36000, 0, NULL},
    {HDNET_A_AV_BINS, "av_bins", I, 2, 100000, 100, NULL},
    {HDNET_A_AV_EDGE_PAD, "av_edge_pad", R, 0, 1e3, 1e-4, NULL},
    {HDNET_A_AV_WINDOW_SD, "av_window_sd", R, 1e-3, 1e3, 3, NULL},
    {HDNET_A_AV_WINDOW_BINS, "av_window_bins", I, 2, 100000, 100, NULL},
    {HDNET_A_PREF_WINDOW_DEG, "pref_window_deg", R, 0, 180, 1.5, NULL},
    {HDNET_A_DROP_ZERO_BIN, "drop_zero_bin", I, 0, 1, 1, NULL},
    {HDNET_A_FIT_FLOOR, "fit_floor", R, -1e9, 1e9, 0.05, NULL},
    {HDNET_A_FIT_FLOOR_FRACTION, "fit_floor_fraction", R, 0, 1, 0.25, NULL},
    {HDNET_A_SLOPE_WEIGHTS, "slope_weights", I, 0, 1, 0, NULL},
    {HDNET_A_CM_BASELINE, "cm_baseline", I, 0, 2, 2, NULL},
    {HDNET_A_SMOOTH_BINS, "smooth_bins", I, 1, 359, 5, NULL},
    {HDNET_A_ROWNORM_MIN_RANGE, "rownorm_min_range", R, 0, 1e9, 1e-4, NULL},
    {HDNET_A_ACT_RANGE_MIN, "act_range_min", R, 0, 1e9, 0.01, NULL},
    {HDNET_A_STRENGTH_REMOVE, "strength_remove", R, 0, 1e9, 0.03, NULL},
    {HDNET_A_COMPASS_SLOPE_MAX, "compass_slope_max", R, 0, 1e9, 0.0175, NULL},
    {HDNET_A_COMPASS_STRENGTH_MIN, "compass_strength_min", R, 0, 1e9, 0.735, NULL},
    {HDNET_A_WEAK_SLOPE_MAX, "weak_slope_max", R, 0, 1e9, 0.0065, NULL},
    {HDNET_A_WEAK_STRENGTH_MAX, "weak_strength_max", R, 0, 1e9, 0.05, NULL},
    {HDNET_A_RM_REL, "rm_rel", R, 0, 1, 0.05, NULL},
    {HDNET_A_BIMODAL_MIN, "bimodal_min", R, 0, 1e9, 2, NULL},
    {HDNET_A_A_FALLBACK, "a_fallback", R, 0, 1e9, 0.4, NULL},
    {HDNET_A_T_MIN, "t_min", R, 0, 1e9, 3, NULL},
    {HDNET_A_WEAK_REL, "weak_rel", R, 0, 1, 0.1, NULL},
    {HDNET_A_PROFILE_WINDOW, "profile_window", I, 1, 359, 5, NULL},
    {HDNET_A_SLOPE_SCALE, "slope_scale", R, 0, 1e9, 1, NULL},
};
#undef R
#undef I

static const aparam_def *find_id(int id)
{
    return hdnet__param_find(defs, HDNET__NAPARAMS, id);
}

double hdnet__ap(const hdnet_aparams *p, int id)
{
    return p->v[id];
}

void hdnet__aparams_defaults(hdnet_aparams *p)
{
    for (size_t i = 0; i <= HDNET__NAPARAMS; i++)
        p->v[i] = NAN;
    for (size_t i = 0; i < HDNET__NAPARAMS; i++)
        p->v[defs[i].id] = defs[i].dflt;
}

int hdnet_aparams_create(hdnet_aparams **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_aparams_create: out is NULL");
    *out = malloc(sizeof **out);
    if (!*out)
        return hdnet__error(HDNET_ENOMEM, "hdnet_aparams_create: out of memory");
    hdnet__aparams_defaults(*out);
    return HDNET_OK;
}

void hdnet_aparams_free(hdnet_aparams *p)
{
    free(p);
}

int hdnet_aparams_set(hdnet_aparams *p, int id, double value)
{
    if (!p)
        return hdnet__error(HDNET_EINVAL, "hdnet_aparams_set: params is NULL");
    const aparam_def *d = find_id(id);
    if (!d)
        return hdnet__error(HDNET_EINVAL, "hdnet_aparams_set: unknown analysis parameter id %d", id);
    int rc = hdnet__param_check(d, value);
    if (rc)
        return rc;
    if (id == HDNET_A_PROFILE_WINDOW && fmod(value, 2.0) != 1.0)
        return hdnet__error(HDNET_ERANGE, "profile_window=%g must be odd", value);
    if (id == HDNET_A_SMOOTH_BINS && fmod(value, 2.0) != 1.0)
        return hdnet__error(HDNET_ERANGE, "smooth_bins=%g must be odd", value);
    if (id == HDNET_A_HD_BINS && value != 0 && value < 2)
        return hdnet__error(HDNET_ERANGE, "hd_bins=%g must be 0 (auto) or >= 2", value);
    p->v[id] = value;
    return HDNET_OK;
}

int hdnet_aparams_get(const hdnet_aparams *p, int id, double *value)
{
    if (!p || !value)
        return hdnet__error(HDNET_EINVAL, "hdnet_aparams_get: NULL argument");
    if (!find_id(id))
        return hdnet__error(HDNET_EINVAL, "hdnet_aparams_get: unknown analysis parameter id %d", id);
    *value = p->v[id];
    return HDNET_OK;
}

int hdnet_aparam_id(const char *name, int *id)
{
    if (!name || !id)
        return hdnet__error(HDNET_EINVAL, "hdnet_aparam_id: NULL argument");
    const aparam_def *d = hdnet__param_named(defs, HDNET__NAPARAMS, name);
    if (!d)
        return hdnet__error(HDNET_EINVAL, "unknown analysis parameter '%s'", name);
    *id = d->id;
    return HDNET_OK;
}

int hdnet_aparams_set_str(hdnet_aparams *p, const char *name, const char *value)
{
    if (!p || !name || !value)
        return hdnet__error(HDNET_EINVAL, "hdnet_aparams_set_str: NULL argument");
    int id;
    int rc = hdnet_aparam_id(name, &id);
    double v;
    if (!rc)
        rc = hdnet__param_parse(find_id(id), value, &v);
    return rc ? rc : hdnet_aparams_set(p, id, v);
}

size_t hdnet_aparam_count(void)
{
    return HDNET__NAPARAMS;
}

int hdnet_aparam_info(size_t i, int *id, const char **name, double *lo, double *hi, double *dflt)
{
    if (i >= HDNET__NAPARAMS)
        return hdnet__error(HDNET_EINVAL, "hdnet_aparam_info: index %zu >= %d", i, HDNET__NAPARAMS);
    if (id)
        *id = defs[i].id;
    if (name)
        *name = defs[i].name;
    if (lo)
        *lo = defs[i].lo;
    if (hi)
        *hi = defs[i].hi;
    if (dflt)
        *dflt = defs[i].dflt;
    return HDNET_OK;
}
