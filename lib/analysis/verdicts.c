/* Verdicts of the functional and structural criteria: the criterion's bounds, the
 * competence gate and the comparison with matched nulls (docs/analyses.md, sections 6-8). */
#include "core/internal.h"
#include "hdnet/trust.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    const char *id;
    int finding;    /* the statistic compared with the nulls */
    int wiring;     /* 1: the wiring nulls apply too */
} criterion;

static const criterion criteria[HDNET_TR_COUNT] = {
    {"R3", HDNET_F_TYPED_MIN, 0},  {"R4", HDNET_F_SEPARATION, 0}, {"R5", HDNET_F_TILE_GAP, 0},
    {"R6", HDNET_F_RING_CONTRAST, 1}, {"R7", HDNET_F_OFFSET_ASYM, 1}, {"R8", HDNET_F_LAG_MIN, 1},
    {"R9", HDNET_F_MIRROR, 1},     {"R14", HDNET_F_TUNED_FRAC, 0},
};

const char *hdnet_trust_criterion_id(int row)
{
    return row >= 0 && row < HDNET_TR_COUNT ? criteria[row].id : NULL;
}

/* The criterion's own bounds on the trained findings f (and the untrained ones u, or NULL). */
static int bounds_hold(int row, const double *f, const double *u, double n)
{
    switch (row) {
    case HDNET_TR_R3: {
        double c = f[HDNET_F_COMPASS], a = f[HDNET_F_CCW], b = f[HDNET_F_CW];
        return c >= 0.2 * n && c <= 0.5 * n && a >= 0.1 * n && b >= 0.1 * n && a <= 2 * b && b <= 2 * a &&
               f[HDNET_F_INACTIVE] <= 0.3 * n;
    }
    case HDNET_TR_R4:
        return f[HDNET_F_SEPARATION] >= 3;
    case HDNET_TR_R5:
        return f[HDNET_F_TILE_GAP] <= 1 && f[HDNET_F_TILE_P] >= 0.01;
    case HDNET_TR_R6:
        return f[HDNET_F_RING_NEAR] > 0 && f[HDNET_F_RING_FAR] < 0;
    case HDNET_TR_R7:
        return f[HDNET_F_OFFSET_CCW] >= 5 && f[HDNET_F_OFFSET_CW] <= -5;
    case HDNET_TR_R8:
        return f[HDNET_F_LAG_CCW] > 0 && f[HDNET_F_LAG_CW] > 0;
    case HDNET_TR_R9:
        return f[HDNET_F_MIRROR] >= 0.5;
    default: /* R14 */
        return f[HDNET_F_TUNED_FRAC] >= 0.75 &&
               (!u || (u[HDNET_F_TUNED_ALL] <= 0.1 && u[HDNET_F_MEDIAN_S] <= 0.05));
    }
}

/* Column j of rows [n][HDNET_F_COUNT] into x. */
static void column(const double *rows, size_t n, int j, double *x)
{
    for (size_t i = 0; i < n; i++)
        x[i] = rows[i * HDNET_F_COUNT + (size_t)j];
}

/* Whether value lies beyond the untrained value on the finding's tail (a NaN untrained value
 * lacks the finding). */
static int beyond_value(double value, double other, int tail)
{
    if (isnan(other))
        return !isnan(value);
    return tail == HDNET_TAIL_ABOVE ? value > other : value < other;
}

int hdnet_trust_verdicts(const double *trained, const double *counts, const double *net_nulls, size_t n_net,
                         const double *wiring_nulls, size_t n_wiring, const double *untrained, double q,
                         double gate_bound, size_t n_units, double *table, size_t table_len)
{
    if (!trained || !net_nulls || !wiring_nulls || !table || n_units == 0)
        return hdnet__error(HDNET_EINVAL, "hdnet_trust_verdicts: NULL argument or no units");
    if (table_len < HDNET_TR_COUNT * HDNET_TT_COLS)
        return hdnet__error(HDNET_ESHAPE, "hdnet_trust_verdicts: table needs %d values", HDNET_TR_COUNT * HDNET_TT_COLS);
    if (n_net < HDNET_NULL_MIN || n_wiring < HDNET_NULL_MIN)
        return hdnet__error(HDNET_ESHAPE, "hdnet_trust_verdicts: %zu network and %zu wiring nulls, need %d each",
                            n_net, n_wiring, HDNET_NULL_MIN);
    int competent;
    int rc = hdnet_gate(trained[HDNET_F_NE], gate_bound, &competent);
    if (rc)
        return rc;
    double *x = malloc((n_net > n_wiring ? n_net : n_wiring) * sizeof *x);
    if (!x)
        return hdnet__error(HDNET_ENOMEM, "hdnet_trust_verdicts: out of memory");
    for (int r = 0; r < HDNET_TR_COUNT && !rc; r++) {
        const criterion *c = &criteria[r];
        int tail = hdnet_finding_tail(c->finding), beyond_net, beyond_w = 1;
        double *row = table + r * HDNET_TT_COLS, v = trained[c->finding], lo, hi, wlo, whi;
        column(net_nulls, n_net, c->finding, x);
        rc = hdnet_null_compare(v, x, n_net, q, tail, &beyond_net, &lo, &hi);
        if (!rc && c->wiring) {
            column(wiring_nulls, n_wiring, c->finding, x);
            rc = hdnet_null_compare(v, x, n_wiring, q, tail, &beyond_w, &wlo, &whi);
            lo = wlo; /* the wiring nulls are the tighter, reported ones */
            hi = whi;
        }
        if (rc)
            break;
        row[HDNET_TT_VALUE] = v;
        row[HDNET_TT_NULL_LOW] = lo;
        row[HDNET_TT_NULL_HIGH] = hi;
        row[HDNET_TT_CI_LOW] = row[HDNET_TT_CI_HIGH] = NAN;
        if (r == HDNET_TR_R3 && counts) /* min over the three typed classes of each bound */
            for (int k = 0; k < 2; k++) {
                int col = k ? HDNET_CC_HI : HDNET_CC_LO;
                row[k ? HDNET_TT_CI_HIGH : HDNET_TT_CI_LOW] =
                    fmin(counts[HDNET_CLASS_COMPASS * HDNET_CC_COLS + col],
                         fmin(counts[HDNET_CLASS_SHIFTER_CCW * HDNET_CC_COLS + col],
                              counts[HDNET_CLASS_SHIFTER_CW * HDNET_CC_COLS + col]));
            }
        row[HDNET_TT_UNTRAINED] = untrained ? untrained[c->finding] : NAN;
        int met = bounds_hold(r, trained, untrained, (double)n_units);
        int beyond = beyond_net && beyond_w && (!untrained || beyond_value(v, untrained[c->finding], tail));
        row[HDNET_TT_MET] = met;
        row[HDNET_TT_BEYOND] = beyond;
        row[HDNET_TT_VERDICT] = hdnet_gate_verdict(met && beyond ? HDNET_VERDICT_PASS : HDNET_VERDICT_FAIL, 1,
                                                   competent);
    }
    free(x);
    return rc;
}
