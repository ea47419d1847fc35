/* The interval rule: unit classes decided by statistics and their standard errors
 * (docs/analyses.md, "The interval rule"). */
#include "core/internal.h"
#include "hdnet/trust.h"

#include <math.h>

static const double rule_defaults[HDNET_IR_COUNT] = {
    [HDNET_IR_RANGE_MIN] = 0.01, /* rates lie in [0, 1): a unit that moves by less is silent */
    [HDNET_IR_S_MIN] = 0.03,     /* the reference rule's removal bound */
    [HDNET_IR_REL_MIN] = 0.8,    /* two halves of the trials give the same heading curve */
    [HDNET_IR_Z_SIG] = 3,        /* the slope is at least 3 standard errors from 0 */
    [HDNET_IR_A_LARGE] = 0.4,    /* at speed 1 the reference compass bound |b| <= 0.0175 is A ~ 0.41 */
    [HDNET_IR_A_SMALL] = 0.3,    /* the reference bound |b| <= 0.0175 over a 17.2 deg/step window at S = 1 */
    [HDNET_IR_Z_CI] = 1.96,      /* a two-sided 95 % bound */
};

int hdnet_interval_rule_defaults(double *rule, size_t rule_len)
{
    if (!rule)
        return hdnet__error(HDNET_EINVAL, "hdnet_interval_rule_defaults: rule is NULL");
    if (rule_len < HDNET_IR_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_interval_rule_defaults: rule needs %d values", HDNET_IR_COUNT);
    for (int i = 0; i < HDNET_IR_COUNT; i++)
        rule[i] = rule_defaults[i];
    return HDNET_OK;
}

static int interval_class(const double *th, double range, double s, double rel, double b, double se_b,
                          double a, double se_a)
{
    if (!(range >= th[HDNET_IR_RANGE_MIN]) || !(s >= th[HDNET_IR_S_MIN]))
        return HDNET_CLASS_INACTIVE;
    if (fabs(b) >= th[HDNET_IR_Z_SIG] * se_b && se_b > 0 && a >= th[HDNET_IR_A_LARGE])
        return b > 0 ? HDNET_CLASS_SHIFTER_CCW : HDNET_CLASS_SHIFTER_CW;
    if (rel >= th[HDNET_IR_REL_MIN] && a + th[HDNET_IR_Z_CI] * se_a < th[HDNET_IR_A_SMALL])
        return HDNET_CLASS_COMPASS;
    return HDNET_CLASS_WEAK;
}

int hdnet_classify_interval(const double *rule, size_t n, const double *range, const double *s,
                            const double *rel, const double *slope, const double *slope_se, const double *a,
                            const double *a_se, int *cls)
{
    if (!range || !s || !rel || !slope || !slope_se || !a || !a_se || !cls)
        return hdnet__error(HDNET_EINVAL, "hdnet_classify_interval: NULL argument");
    if (n == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_classify_interval: no units");
    const double *th = rule ? rule : rule_defaults;
    for (int i = 0; i < HDNET_IR_COUNT; i++)
        if (!(th[i] >= 0))
            return hdnet__error(HDNET_ERANGE, "hdnet_classify_interval: threshold %d is %g", i, th[i]);
    for (size_t u = 0; u < n; u++)
        cls[u] = interval_class(th, range[u], s[u], rel[u], slope[u], slope_se[u], a[u], a_se[u]);
    return HDNET_OK;
}
