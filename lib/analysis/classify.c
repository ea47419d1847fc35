/* Unit classification: the reference thresholds and the adaptive rule (docs/analyses.md). */
#include "core/internal.h"
#include "analysis/analysis_priv.h"

#include <math.h>
#include <stdlib.h>

static const char *const class_names[HDNET_NCLASSES] = {"compass", "shifter_ccw", "shifter_cw", "weak",
                                                        "inactive"};

const char *hdnet_class_name(int cls)
{
    return (cls >= 0 && cls < HDNET_NCLASSES) ? class_names[cls] : NULL;
}

/* Otsu's split of sorted y[0..n): returns m (size of the lower group), or 0 if n < 6.
 * *thr = (y[m-1] + y[m])/2, *d = Ashman's D with population SDs. */
static size_t otsu_split(const double *y, size_t n, double *thr, double *d)
{
    *thr = NAN;
    *d = NAN;
    if (n < 6)
        return 0;
    double tot = 0;
    for (size_t i = 0; i < n; i++)
        tot += y[i];
    size_t best = 0;
    double bestv = -1, pre = 0;
    for (size_t i = 0; i < 2; i++)
        pre += y[i];
    for (size_t m = 3; m <= n - 3; m++) {
        pre += y[m - 1];
        double w0 = (double)m / (double)n, w1 = 1.0 - w0;
        double mu0 = pre / (double)m, mu1 = (tot - pre) / (double)(n - m);
        double v = w0 * w1 * (mu1 - mu0) * (mu1 - mu0);
        if (v > bestv) {
            bestv = v;
            best = m;
        }
    }
    double mu0 = 0, mu1 = 0, s0 = 0, s1 = 0;
    for (size_t i = 0; i < best; i++)
        mu0 += y[i];
    for (size_t i = best; i < n; i++)
        mu1 += y[i];
    mu0 /= (double)best;
    mu1 /= (double)(n - best);
    for (size_t i = 0; i < best; i++)
        s0 += (y[i] - mu0) * (y[i] - mu0);
    for (size_t i = best; i < n; i++)
        s1 += (y[i] - mu1) * (y[i] - mu1);
    s0 /= (double)best;
    s1 /= (double)(n - best);
    *thr = 0.5 * (y[best - 1] + y[best]);
    if (fabs(mu1 - mu0) <= 1e-12 * (1.0 + fabs(mu0))) { /* identical values up to rounding */
        *d = 0;
        return best;
    }
    *d = (s0 + s1) > 0 ? sqrt(2.0) * fabs(mu1 - mu0) / sqrt(s0 + s1) : (mu1 != mu0 ? INFINITY : 0.0);
    return best;
}

/* The reference rule: removal by range and strength, then fixed thresholds on |b| and S. */
static void classify_reference(const hdnet_aparams *params, size_t n, const double *range, const double *strength,
                               const double *slope, int *cls, uint32_t *reasons)
{
    double act_min = hdnet__ap(params, HDNET_A_ACT_RANGE_MIN);
    double scale = hdnet__ap(params, HDNET_A_SLOPE_SCALE);
    double s_rm = hdnet__ap(params, HDNET_A_STRENGTH_REMOVE);
    double c_b = hdnet__ap(params, HDNET_A_COMPASS_SLOPE_MAX) * scale;
    double c_s = hdnet__ap(params, HDNET_A_COMPASS_STRENGTH_MIN);
    double w_b = hdnet__ap(params, HDNET_A_WEAK_SLOPE_MAX) * scale;
    double w_s = hdnet__ap(params, HDNET_A_WEAK_STRENGTH_MAX);
    for (size_t i = 0; i < n; i++) {
        uint32_t why = 0;
        int c;
        if (!(range[i] >= act_min))
            why |= HDNET_REASON_RANGE;
        if (!(strength[i] >= s_rm))
            why |= HDNET_REASON_STRENGTH;
        double b = slope[i];
        if (why)
            c = HDNET_CLASS_INACTIVE;
        else if (fabs(b) <= c_b && strength[i] > c_s)
            c = HDNET_CLASS_COMPASS;
        else if (fabs(b) <= w_b && strength[i] < w_s)
            c = HDNET_CLASS_WEAK;
        else if (b > 0)
            c = HDNET_CLASS_SHIFTER_CCW;
        else if (b < 0)
            c = HDNET_CLASS_SHIFTER_CW;
        else if (b == 0) {
            c = HDNET_CLASS_WEAK;
            why |= HDNET_REASON_ZERO_SLOPE;
        } else {
            c = HDNET_CLASS_INACTIVE;
            why |= HDNET_REASON_NOFIT;
        }
        cls[i] = c;
        if (reasons)
            reasons[i] = why;
    }
}

/* The adaptive rule: 1. removal relative to S90; 2. the split point A* of log10 A
 * (Otsu's, when bimodal enough, else the fallback); 3-4. heading-only units, then
 * shifters by the sign of b. buf: workspace of n doubles. */
static void classify_adaptive(const hdnet_aparams *params, size_t n, const double *range, const double *strength,
                              const double *slope, const double *slope_t, const double *avmod, double s90,
                              double *buf, int *cls, uint32_t *reasons, double *ci)
{
    double act_min = hdnet__ap(params, HDNET_A_ACT_RANGE_MIN);
    double rm_rel = hdnet__ap(params, HDNET_A_RM_REL);
    double weak_rel = hdnet__ap(params, HDNET_A_WEAK_REL);
    double t_min = hdnet__ap(params, HDNET_A_T_MIN);
    for (size_t i = 0; i < n; i++) {
        uint32_t why = 0;
        if (!(range[i] >= act_min))
            why |= HDNET_REASON_RANGE;
        if (!(strength[i] >= rm_rel * s90))
            why |= HDNET_REASON_STRENGTH;
        if (!why && isnan(slope[i]))
            why |= HDNET_REASON_NOFIT;
        cls[i] = why ? HDNET_CLASS_INACTIVE : -1;
        if (reasons)
            reasons[i] = why;
    }
    size_t ny = 0;
    for (size_t i = 0; i < n; i++)
        if (cls[i] < 0 && !isnan(avmod[i]))
            buf[ny++] = log10(fmax(avmod[i], 1e-4));
    hdnet__sort(buf, ny);
    double thr, d;
    size_t m = otsu_split(buf, ny, &thr, &d);
    double astar;
    ci[HDNET_CI_D] = d;
    if (m > 0 && d >= hdnet__ap(params, HDNET_A_BIMODAL_MIN)) {
        astar = pow(10.0, thr);
        ci[HDNET_CI_BRANCH] = 1;
    } else {
        astar = hdnet__ap(params, HDNET_A_A_FALLBACK);
        ci[HDNET_CI_BRANCH] = 2;
    }
    ci[HDNET_CI_ASTAR] = astar;
    for (size_t i = 0; i < n; i++) {
        if (cls[i] >= 0)
            continue;
        if (avmod[i] <= astar || fabs(slope_t[i]) < t_min || slope[i] == 0) {
            cls[i] = strength[i] >= weak_rel * s90 ? HDNET_CLASS_COMPASS : HDNET_CLASS_WEAK;
            if (slope[i] == 0 && reasons)
                reasons[i] |= HDNET_REASON_ZERO_SLOPE;
        } else {
            cls[i] = slope[i] > 0 ? HDNET_CLASS_SHIFTER_CCW : HDNET_CLASS_SHIFTER_CW;
        }
    }
}

int hdnet_classify(int rule, const hdnet_aparams *params, size_t n, const double *range,
                   const double *strength, const double *slope, const double *slope_t, const double *avmod,
                   int *cls, uint32_t *reasons, double *info, size_t info_len)
{
    if (!range || !strength || !slope || !cls)
        return hdnet__error(HDNET_EINVAL, "hdnet_classify: NULL argument");
    if (n == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_classify: no units");
    if (rule != HDNET_RULE_REFERENCE && rule != HDNET_RULE_ADAPTIVE)
        return hdnet__error(HDNET_EINVAL, "hdnet_classify: unknown rule %d", rule);
    if (rule == HDNET_RULE_ADAPTIVE && (!slope_t || !avmod))
        return hdnet__error(HDNET_EINVAL, "hdnet_classify: the adaptive rule needs slope_t and avmod");
    if (info && info_len < HDNET_CI_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_classify: info needs %d entries", HDNET_CI_COUNT);
    hdnet_aparams dflt;
    if (!params) {
        hdnet__aparams_defaults(&dflt);
        params = &dflt;
    }
    double act_min = hdnet__ap(params, HDNET_A_ACT_RANGE_MIN);
    double ci[HDNET_CI_COUNT] = {NAN, NAN, 0, NAN};
    /* S90 over units passing the range test (reported for both rules) */
    double *buf = malloc(n * sizeof *buf);
    if (!buf)
        return hdnet__error(HDNET_ENOMEM, "hdnet_classify: out of memory");
    size_t nr = 0;
    for (size_t i = 0; i < n; i++)
        if (range[i] >= act_min && !isnan(strength[i]))
            buf[nr++] = strength[i];
    double s90 = hdnet__percentile(buf, nr, 0.9);
    ci[HDNET_CI_S90] = s90;
    if (rule == HDNET_RULE_REFERENCE)
        classify_reference(params, n, range, strength, slope, cls, reasons);
    else
        classify_adaptive(params, n, range, strength, slope, slope_t, avmod, s90, buf, cls, reasons, ci);
    free(buf);
    if (info)
        for (int i = 0; i < HDNET_CI_COUNT; i++)
            info[i] = ci[i];
    return HDNET_OK;
}
