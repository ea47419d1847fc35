/* Analysis parameters: names, bounds and defaults (the MATLAB reference values). */
#include "internal.h"
#include "analysis_priv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int id;
    const char *name;
    double lo, hi, dflt;
    int integer;
} aparam_def;

static const aparam_def defs[HDNET__NAPARAMS] = {
    {HDNET_A_COMPAT, "compat", 0, 2, 0, 1},
    {HDNET_A_HD_BINS, "hd_bins", 0, 36000, 0, 1},
    {HDNET_A_AV_BINS, "av_bins", 2, 100000, 100, 1},
    {HDNET_A_AV_EDGE_PAD, "av_edge_pad", 0, 1e3, 1e-4, 0},
    {HDNET_A_AV_WINDOW_SD, "av_window_sd", 1e-3, 1e3, 3, 0},
    {HDNET_A_AV_WINDOW_BINS, "av_window_bins", 2, 100000, 100, 1},
    {HDNET_A_PREF_WINDOW_DEG, "pref_window_deg", 0, 180, 1.5, 0},
    {HDNET_A_DROP_ZERO_BIN, "drop_zero_bin", 0, 1, 1, 1},
    {HDNET_A_FIT_FLOOR, "fit_floor", -1e9, 1e9, 0.05, 0},
    {HDNET_A_FIT_FLOOR_FRACTION, "fit_floor_fraction", 0, 1, 0.25, 0},
    {HDNET_A_SLOPE_WEIGHTS, "slope_weights", 0, 1, 0, 1},
    {HDNET_A_CM_BASELINE, "cm_baseline", 0, 2, 2, 1},
    {HDNET_A_SMOOTH_BINS, "smooth_bins", 1, 359, 5, 1},
    {HDNET_A_ROWNORM_MIN_RANGE, "rownorm_min_range", 0, 1e9, 1e-4, 0},
    {HDNET_A_ACT_RANGE_MIN, "act_range_min", 0, 1e9, 0.01, 0},
    {HDNET_A_STRENGTH_REMOVE, "strength_remove", 0, 1e9, 0.03, 0},
    {HDNET_A_COMPASS_SLOPE_MAX, "compass_slope_max", 0, 1e9, 0.0175, 0},
    {HDNET_A_COMPASS_STRENGTH_MIN, "compass_strength_min", 0, 1e9, 0.735, 0},
    {HDNET_A_WEAK_SLOPE_MAX, "weak_slope_max", 0, 1e9, 0.0065, 0},
    {HDNET_A_WEAK_STRENGTH_MAX, "weak_strength_max", 0, 1e9, 0.05, 0},
    {HDNET_A_RM_REL, "rm_rel", 0, 1, 0.05, 0},
    {HDNET_A_BIMODAL_MIN, "bimodal_min", 0, 1e9, 2, 0},
    {HDNET_A_A_FALLBACK, "a_fallback", 0, 1e9, 0.4, 0},
    {HDNET_A_T_MIN, "t_min", 0, 1e9, 3, 0},
    {HDNET_A_WEAK_REL, "weak_rel", 0, 1, 0.1, 0},
    {HDNET_A_PROFILE_WINDOW, "profile_window", 1, 359, 5, 1},
    {HDNET_A_SLOPE_SCALE, "slope_scale", 0, 1e9, 1, 0},
};

static const aparam_def *find_id(int id)
{
    for (size_t i = 0; i < HDNET__NAPARAMS; i++)
        if (defs[i].id == id)
            return &defs[i];
    return NULL;
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
    if (isnan(value) || value < d->lo || value > d->hi)
        return hdnet__error(HDNET_ERANGE, "%s=%g outside [%g, %g]", d->name, value, d->lo, d->hi);
    if (d->integer && value != floor(value))
        return hdnet__error(HDNET_ERANGE, "%s=%g must be an integer", d->name, value);
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
    for (size_t i = 0; i < HDNET__NAPARAMS; i++)
        if (strcmp(defs[i].name, name) == 0) {
            *id = defs[i].id;
            return HDNET_OK;
        }
    return hdnet__error(HDNET_EINVAL, "unknown analysis parameter '%s'", name);
}

int hdnet_aparams_set_str(hdnet_aparams *p, const char *name, const char *value)
{
    if (!p || !name || !value)
        return hdnet__error(HDNET_EINVAL, "hdnet_aparams_set_str: NULL argument");
    int id;
    int rc = hdnet_aparam_id(name, &id);
    if (rc)
        return rc;
    if (id == HDNET_A_COMPAT) {
        static const char *const names[] = {"library", "matlab", "pytorch"};
        for (int i = 0; i < 3; i++)
            if (strcmp(value, names[i]) == 0)
                return hdnet_aparams_set(p, id, i);
    }
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (end == value || *end != '\0' || errno == ERANGE)
        return hdnet__error(HDNET_EINVAL, "%s: cannot parse value '%s'", name, value);
    return hdnet_aparams_set(p, id, v);
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
