/* The lesion experiments E1, E2, E2m and E3 (include/hdnet/lesion.h): inputs,
 * the lesioned and control runs, the bump measures and their medians over trials. */
#include "core/internal.h"
#include "analysis/analysis_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG (180.0 / HDNET__PI)
#define NEXP HDNET_LESION_COUNT
#define NMODES HDNET_LESION_MODES

/* Traces kept per experiment and mode; the true heading and the control traces are
 * stored with mode 0 only (they do not depend on the mode). */
static int trace_is_shared(int which)
{
    return which == HDNET_LT_HEADING || which == HDNET_LT_CONTROL_POSITION || which == HDNET_LT_CONTROL_STRENGTH;
}

struct hdnet_lesion {
    size_t N, B, T, n_modes, keep;
    double measures[NEXP][NMODES][HDNET_LM_COUNT];
    double summary[HDNET_LS_COUNT];
    double *trace[NEXP][NMODES][HDNET_LT_COUNT]; /* [keep][T] each */
    float *shadow[NEXP][NMODES];                 /* [keep][T][N] */
};

/* One run's measures, [trial][T]: bump position psi and decoded heading (degrees,
 * unwrapped), bump strength B and output norm rho. */
typedef struct {
    double *psi, *B, *thhat, *rho;
} measures;

/* The protocol, the units and the buffers the experiments share. */
typedef struct {
    size_t B, T, N, cue, nc;
    const int *comp; /* compass units: the bump */
    const double *phi;
    float *x, *y, *y0, *sh, *sh0;
    double *theta, *per;
    measures M, M0; /* lesioned run and control */
} lab;

/* Whether experiment e silences a unit of class c with preferred heading phi. */
static int silenced(int e, int c, double phi)
{
    switch (e) {
    case HDNET_LESION_E1: return c == HDNET_CLASS_COMPASS && isfinite(phi);
    case HDNET_LESION_E2: return c == HDNET_CLASS_SHIFTER_CW;
    case HDNET_LESION_E2M: return c == HDNET_CLASS_SHIFTER_CCW;
    default: return c == HDNET_CLASS_SHIFTER_CW || c == HDNET_CLASS_SHIFTER_CCW;
    }
}

int hdnet_lesion_units(const int *cls, const double *phi, size_t n_units, int experiment, int *units,
                       size_t units_len, size_t *n_selected)
{
    if (!cls || !phi || !n_selected)
        return hdnet__error(HDNET_EINVAL, "hdnet_lesion_units: NULL argument");
    if (experiment < 0 || experiment >= NEXP)
        return hdnet__error(HDNET_EINVAL, "hdnet_lesion_units: unknown experiment %d", experiment);
    size_t n = 0;
    for (size_t u = 0; u < n_units; u++) {
        if (cls[u] < 0 || cls[u] >= HDNET_NCLASSES)
            return hdnet__error(HDNET_ERANGE, "hdnet_lesion_units: unit %zu has class %d", u, cls[u]);
        n += silenced(experiment, cls[u], phi[u]);
    }
    if (units && units_len < n)
        return hdnet__error(HDNET_ESHAPE, "hdnet_lesion_units: %zu units, room for %zu", n, units_len);
    *n_selected = n;
    for (size_t u = 0, k = 0; units && u < n_units; u++)
        if (silenced(experiment, cls[u], phi[u]))
            units[k++] = (int)u;
    return HDNET_OK;
}

/* ---- one experiment ---- */

/* Inputs and true heading (degrees, unwrapped): at rest after the cue, except E3's
 * turn in the window (CCW in even trials, CW in odd ones). */
static void make_inputs(const lab *L, int e, size_t t_on, size_t t_off)
{
    for (size_t b = 0; b < L->B; b++) {
        double th0 = 3.6 * (double)b, th = th0;
        double sgn = (b % 2) ? -1.0 : 1.0;
        for (size_t t = 0; t < L->T; t++) {
            double w = 0;
            if (e == HDNET_LESION_E3 && t >= t_on && t < t_off)
                w = sgn * HDNET_LESION_TURN_DEG;
            th += w;
            size_t i = b * L->T + t;
            L->x[3 * i] = (float)(w / DEG);
            L->x[3 * i + 1] = t < L->cue ? (float)sin(th0 / DEG) : 0.0f;
            L->x[3 * i + 2] = t < L->cue ? (float)cos(th0 / DEG) : 0.0f;
            L->theta[i] = th;
        }
    }
}

/* Unwrap each trial of x [n_trials][T] in place (steps of at most 180 degrees). */
static void unwrap(double *x, size_t n_trials, size_t T)
{
    for (size_t b = 0; b < n_trials; b++) {
        double prev = NAN, acc = 0;
        for (size_t t = 0; t < T; t++) {
            double v = x[b * T + t];
            acc = isnan(prev) ? v : acc + hdnet_wrap_deg(v - prev);
            prev = v;
            x[b * T + t] = acc;
        }
    }
}

static int measure(const lab *L, const float *shadow, const float *y, measures *m)
{
    const size_t S = L->B * L->T;
    int rc = hdnet_bump(shadow, S, L->N, L->comp, L->nc, L->phi, m->B, m->psi, S);
    if (!rc)
        rc = hdnet_decoded_heading(y, S, m->thhat, S);
    if (rc)
        return rc;
    for (size_t i = 0; i < S; i++)
        m->rho[i] = sqrt((double)y[2 * i] * y[2 * i] + (double)y[2 * i + 1] * y[2 * i + 1]);
    unwrap(m->psi, L->B, L->T);
    unwrap(m->thhat, L->B, L->T);
    return HDNET_OK;
}

static double mean_range(const double *x, size_t a, size_t b)
{
    double s = 0;
    for (size_t t = a; t < b; t++)
        s += x[t];
    return s / (double)(b - a);
}

/* Per-trial drift between two times (10-step averages ending at ta and tb), median over trials. */
static double median_drift(const lab *L, const double *x, size_t ta, size_t tb)
{
    for (size_t b = 0; b < L->B; b++) {
        const double *r = x + b * L->T;
        L->per[b] = mean_range(r, tb - 10, tb) - mean_range(r, ta - 10, ta);
    }
    return hdnet_median(L->per, L->B);
}

/* Per-trial mean over steps [a, b), median over trials. */
static double median_window(const lab *L, const double *x, size_t a, size_t b)
{
    for (size_t k = 0; k < L->B; k++)
        L->per[k] = mean_range(x + k * L->T, a, b);
    return hdnet_median(L->per, L->B);
}

/* E3 gain: median over trials of the bump's turn over the true turn in the window. */
static double gain(const lab *L, const double *psi, size_t t_on, size_t t_off)
{
    for (size_t b = 0; b < L->B; b++) {
        const double *th = L->theta + b * L->T, *ps = psi + b * L->T;
        double dt = mean_range(th, t_off - 10, t_off) - mean_range(th, t_on - 10, t_on);
        L->per[b] = (mean_range(ps, t_off - 10, t_off) - mean_range(ps, t_on - 10, t_on)) / dt;
    }
    return hdnet_median(L->per, L->B);
}

/* The measures of one lesioned run against its control (HDNET_LM_*). */
static void assess(const lab *L, int e, size_t nU, size_t t_on, size_t t_off, double *v)
{
    const measures *M = &L->M, *M0 = &L->M0;
    for (int k = 0; k < HDNET_LM_COUNT; k++)
        v[k] = NAN;
    v[HDNET_LM_UNITS] = (double)nU;
    v[HDNET_LM_B0] = median_window(L, M->B, t_on - 50, t_on);
    if (e == HDNET_LESION_E1) {
        v[HDNET_LM_LOST] = median_window(L, M->B, 350, 400);
        v[HDNET_LM_BACK] = median_window(L, M->B, 500, 600);
        v[HDNET_LM_OUTPUT_NORM] = median_window(L, M->rho, 350, 400);
        for (size_t b = 0; b < L->B; b++)
            L->per[b] = fabs(hdnet_wrap_deg(mean_range(M->thhat + b * L->T, 590, 600) -
                                            mean_range(L->theta + b * L->T, 590, 600)));
        v[HDNET_LM_HEADING_ERROR] = hdnet_median(L->per, L->B);
    } else if (e == HDNET_LESION_E2 || e == HDNET_LESION_E2M) {
        v[HDNET_LM_DRIFT] = median_drift(L, M->psi, t_on, t_off);
        v[HDNET_LM_DRIFT_CONTROL] = median_drift(L, M0->psi, t_on, t_off);
        v[HDNET_LM_DRIFT_DECODED] = median_drift(L, M->thhat, t_on, t_off);
        v[HDNET_LM_BUMP] = median_window(L, M->B, t_on, t_off);
    } else {
        v[HDNET_LM_GAIN] = gain(L, M->psi, t_on, t_off);
        v[HDNET_LM_GAIN_CONTROL] = gain(L, M0->psi, t_on, t_off);
        v[HDNET_LM_BUMP] = median_window(L, M->B, t_on, t_off);
        v[HDNET_LM_BUMP_CONTROL] = median_window(L, M0->B, t_on, t_off);
    }
}

/* The rate mode's measures into the lesion summary (HDNET_LS_*). */
static void summarise(int e, const double *v, double *sum)
{
    if (e == HDNET_LESION_E1) {
        double s[4] = {v[HDNET_LM_UNITS], v[HDNET_LM_B0], v[HDNET_LM_LOST], v[HDNET_LM_BACK]};
        memcpy(sum + HDNET_LS_E1_UNITS, s, sizeof s);
    } else if (e == HDNET_LESION_E2 || e == HDNET_LESION_E2M) {
        double s[4] = {v[HDNET_LM_UNITS], v[HDNET_LM_DRIFT], v[HDNET_LM_DRIFT_CONTROL], v[HDNET_LM_DRIFT_DECODED]};
        memcpy(sum + (e == HDNET_LESION_E2 ? HDNET_LS_E2_UNITS : HDNET_LS_E2M_UNITS), s, sizeof s);
    } else {
        double s[5] = {v[HDNET_LM_UNITS], v[HDNET_LM_GAIN], v[HDNET_LM_GAIN_CONTROL], v[HDNET_LM_BUMP],
                       v[HDNET_LM_BUMP_CONTROL]};
        memcpy(sum + HDNET_LS_E3_UNITS, s, sizeof s);
    }
}

/* Copy the kept trials of one run's traces into the results. */
static void keep_traces(hdnet_lesion *r, const lab *L, int e, int mode)
{
    const size_t n = r->keep * L->T;
    if (!n)
        return;
    double **tr = r->trace[e][mode];
    memcpy(tr[HDNET_LT_DECODED], L->M.thhat, n * sizeof(double));
    memcpy(tr[HDNET_LT_POSITION], L->M.psi, n * sizeof(double));
    memcpy(tr[HDNET_LT_STRENGTH], L->M.B, n * sizeof(double));
    memcpy(tr[HDNET_LT_OUTPUT_NORM], L->M.rho, n * sizeof(double));
    memcpy(r->shadow[e][mode], L->sh, n * L->N * sizeof(float));
    if (mode == 0) {
        memcpy(tr[HDNET_LT_HEADING], L->theta, n * sizeof(double));
        memcpy(tr[HDNET_LT_CONTROL_POSITION], L->M0.psi, n * sizeof(double));
        memcpy(tr[HDNET_LT_CONTROL_STRENGTH], L->M0.B, n * sizeof(double));
    }
}

/* The window of experiment e: silenced from t_on to t_off. */
static void window(int e, size_t *t_on, size_t *t_off)
{
    *t_on = HDNET_LESION_ON;
    *t_off = e == HDNET_LESION_E1 ? HDNET_LESION_E1_OFF : HDNET_LESION_OFF;
}

/* The inputs of experiment e and the unperturbed control run, measured into M0. */
static int control(lab *L, const hdnet_net *net, int e)
{
    const size_t S = L->B * L->T;
    size_t t_on, t_off;
    window(e, &t_on, &t_off);
    make_inputs(L, e, t_on, t_off);
    int rc = hdnet_net_run(net, L->B, L->T, L->x, S * 3, NULL, 0, NULL, L->y0, S * 2, NULL, 0, L->sh0, S * L->N);
    return rc ? rc : measure(L, L->sh0, L->y0, &L->M0);
}

/* The run of experiment e's inputs with units U silenced (mode), measured into M. */
static int lesioned(lab *L, const hdnet_net *net, int e, int mode, const int *U, size_t nU)
{
    const size_t S = L->B * L->T;
    size_t t_on, t_off;
    window(e, &t_on, &t_off);
    hdnet_perturb *pt = NULL;
    int rc = hdnet_perturb_create(&pt);
    if (!rc && nU)
        rc = hdnet_perturb_add(pt, mode, U, nU, t_on, t_off, 0.0);
    if (!rc)
        rc = hdnet_net_run(net, L->B, L->T, L->x, S * 3, NULL, 0, pt, L->y, S * 2, NULL, 0, L->sh, S * L->N);
    hdnet_perturb_free(pt);
    return rc ? rc : measure(L, L->sh, L->y, &L->M);
}

/* One experiment: silence units U in each mode against the unperturbed control. */
static int experiment(hdnet_lesion *r, lab *L, const hdnet_net *net, int e, const int *U, size_t nU)
{
    size_t t_on, t_off;
    window(e, &t_on, &t_off);
    int rc = control(L, net, e);
    for (int mode = 0; !rc && (size_t)mode < r->n_modes; mode++) {
        rc = lesioned(L, net, e, mode, U, nU);
        if (rc)
            break;
        assess(L, e, nU, t_on, t_off, r->measures[e][mode]);
        if (mode == 0) /* the summary holds the rate clamp */
            summarise(e, r->measures[e][mode], r->summary);
        keep_traces(r, L, e, mode);
    }
    return rc;
}

/* n distinct units of N drawn at random into out (a partial Fisher-Yates shuffle of all). */
static int random_set(hdnet_rng *rng, int *all, size_t N, size_t n, int *out)
{
    for (size_t u = 0; u < N; u++)
        all[u] = (int)u;
    for (size_t i = 0; i < n; i++) {
        uint64_t j;
        int rc = hdnet_rng_randint(rng, N - i, &j, 1);
        if (rc)
            return rc;
        int tmp = all[i];
        all[i] = all[i + j];
        all[i + j] = tmp;
        out[i] = all[i];
    }
    return HDNET_OK;
}

/* The null of one experiment: n_nulls random sets of nU units in the rate mode, each
 * summarised into out[k][HDNET_LS_COUNT] (only e's entries are written). */
static int null_experiment(lab *L, const hdnet_net *net, int e, size_t nU, hdnet_rng *rng, int *all, int *R,
                           size_t n_nulls, double *out)
{
    size_t t_on, t_off;
    window(e, &t_on, &t_off);
    int rc = control(L, net, e);
    double v[HDNET_LM_COUNT];
    for (size_t k = 0; !rc && k < n_nulls; k++) {
        rc = random_set(rng, all, L->N, nU, R);
        if (!rc)
            rc = lesioned(L, net, e, 0, R, nU);
        if (rc)
            break;
        assess(L, e, nU, t_on, t_off, v);
        summarise(e, v, out + k * HDNET_LS_COUNT);
    }
    return rc;
}

/* ---- the handle ---- */

void hdnet_lesion_free(hdnet_lesion *l)
{
    if (!l)
        return;
    for (int e = 0; e < NEXP; e++)
        for (int m = 0; m < NMODES; m++) {
            for (int k = 0; k < HDNET_LT_COUNT; k++)
                free(l->trace[e][m][k]);
            free(l->shadow[e][m]);
        }
    free(l);
}

/* The results' own buffers: traces of the kept trials. */
static int results_alloc(hdnet_lesion **out, size_t N, size_t B, size_t T, size_t n_modes, size_t keep)
{
    hdnet_lesion *r = calloc(1, sizeof *r);
    if (!r)
        return hdnet__error(HDNET_ENOMEM, "hdnet_lesion_run: results");
    *r = (hdnet_lesion){.N = N, .B = B, .T = T, .n_modes = n_modes, .keep = keep};
    for (int e = 0; e < NEXP; e++)
        for (int m = 0; m < NMODES; m++)
            for (int k = 0; k < HDNET_LM_COUNT; k++)
                r->measures[e][m][k] = NAN;
    for (int k = 0; k < HDNET_LS_COUNT; k++)
        r->summary[k] = NAN;
    size_t kt = keep * T, ktn; /* keep <= B and B*T*N was checked by the caller */
    int fail = hdnet__mul(kt, N, &ktn);
    for (int e = 0; e < NEXP && keep && !fail; e++)
        for (size_t m = 0; m < n_modes && !fail; m++) {
            for (int k = 0; k < HDNET_LT_COUNT && !fail; k++)
                if (m == 0 || !trace_is_shared(k))
                    fail = !(r->trace[e][m][k] = malloc(kt * sizeof(double)));
            fail = fail || !(r->shadow[e][m] = malloc(ktn * sizeof(float)));
        }
    if (fail) {
        hdnet_lesion_free(r);
        return hdnet__error(HDNET_ENOMEM, "hdnet_lesion_run: traces of %zu trials", keep);
    }
    *out = r;
    return HDNET_OK;
}

/* The work buffers of one call (sizes checked by the caller). */
static int lab_alloc(lab *L)
{
    const size_t S = L->B * L->T, SN = S * L->N;
    L->x = malloc(S * 3 * sizeof(float));
    L->y = malloc(S * 2 * sizeof(float));
    L->y0 = malloc(S * 2 * sizeof(float));
    L->sh = malloc(SN * sizeof(float));
    L->sh0 = malloc(SN * sizeof(float));
    L->theta = malloc(S * sizeof(double));
    L->per = malloc(L->B * sizeof(double));
    int ok = L->x && L->y && L->y0 && L->sh && L->sh0 && L->theta && L->per;
    double **mp[8] = {&L->M.psi, &L->M.B, &L->M.thhat, &L->M.rho, &L->M0.psi, &L->M0.B, &L->M0.thhat, &L->M0.rho};
    for (int k = 0; k < 8; k++)
        ok = (*mp[k] = malloc(S * sizeof(double))) && ok;
    return ok ? HDNET_OK : hdnet__error(HDNET_ENOMEM, "hdnet_lesion_run: %zu trials of %zu steps", L->B, L->T);
}

static void lab_free(lab *L)
{
    void *bufs[] = {L->x,     L->y,     L->y0,       L->sh,     L->sh0,    L->theta, L->per,      L->M.psi,
                    L->M.B,   L->M.thhat, L->M.rho, L->M0.psi, L->M0.B, L->M0.thhat, L->M0.rho};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
        free(bufs[i]);
}

/* The arguments of hdnet_lesion_run() that do not need the network's config. */
static int check_args(const hdnet_net *net, const int *cls, const double *phi, size_t n_units, size_t n_trials,
                      size_t n_steps, size_t n_modes, size_t keep, size_t *cue)
{
    size_t N, I, O;
    int rc = hdnet_net_dims(net, &N, &I, &O);
    if (rc)
        return rc;
    if (I != 3 || O != 2)
        return hdnet__error(HDNET_ESHAPE, "hdnet_lesion_run: the network has %zu inputs and %zu outputs, not 3 and 2",
                            I, O);
    if (n_units != N)
        return hdnet__error(HDNET_ESHAPE, "hdnet_lesion_run: %zu units given, the network has %zu", n_units, N);
    for (size_t u = 0; u < N; u++) {
        if (cls[u] < 0 || cls[u] >= HDNET_NCLASSES)
            return hdnet__error(HDNET_ERANGE, "hdnet_lesion_run: unit %zu has class %d", u, cls[u]);
        if (isinf(phi[u]))
            return hdnet__error(HDNET_ERANGE, "hdnet_lesion_run: unit %zu has an infinite preferred heading", u);
    }
    if (n_trials < 1 || n_steps < HDNET_LESION_MIN_STEPS)
        return hdnet__error(HDNET_ERANGE, "hdnet_lesion_run: %zu trials of %zu steps (at least 1 of %d)", n_trials,
                            n_steps, HDNET_LESION_MIN_STEPS);
    if (n_modes < 1 || n_modes > NMODES)
        return hdnet__error(HDNET_ERANGE, "hdnet_lesion_run: %zu modes (1 to %d)", n_modes, NMODES);
    if (keep > n_trials)
        return hdnet__error(HDNET_ERANGE, "hdnet_lesion_run: %zu trials to keep of %zu", keep, n_trials);
    size_t S, SN;
    if (hdnet__mul(n_trials, n_steps, &S) || hdnet__mul(S, N > 3 ? N : 3, &SN) || SN > SIZE_MAX / sizeof(double))
        return hdnet__error(HDNET_ENOMEM, "hdnet_lesion_run: %zu trials of %zu steps of %zu units is too large",
                            n_trials, n_steps, N);
    hdnet_config *cfg = NULL;
    int64_t c = 0;
    rc = hdnet_net_get_config(net, &cfg);
    if (!rc)
        rc = hdnet_config_get_int(cfg, HDNET_P_CUE, &c);
    hdnet_config_free(cfg);
    *cue = (size_t)c;
    return rc;
}

/* The checks, the unit sets U[e] (n_units each, caller frees) and the work buffers that
 * hdnet_lesion_run() and hdnet_lesion_nulls() share. */
static int prepare(lab *L, const hdnet_net *net, const int *cls, const double *phi, size_t n_units, size_t n_trials,
                   size_t n_steps, size_t n_modes, size_t keep_trials, int **U, size_t *nU)
{
    *L = (lab){.B = n_trials, .T = n_steps, .N = n_units, .phi = phi};
    int rc = check_args(net, cls, phi, n_units, n_trials, n_steps, n_modes, keep_trials, &L->cue);
    for (int e = 0; e < NEXP && !rc; e++)
        rc = (U[e] = malloc((n_units ? n_units : 1) * sizeof(int)))
                 ? hdnet_lesion_units(cls, phi, n_units, e, U[e], n_units, &nU[e])
                 : hdnet__error(HDNET_ENOMEM, "hdnet_lesion_run: unit sets");
    if (!rc && nU[HDNET_LESION_E1] < 2)
        rc = hdnet__error(HDNET_ERANGE, "hdnet_lesion_run: %zu compass units with a preferred heading: the bump "
                          "cannot be measured (at least 2)", nU[HDNET_LESION_E1]);
    L->comp = U[HDNET_LESION_E1];
    L->nc = rc ? 0 : nU[HDNET_LESION_E1];
    return rc ? rc : lab_alloc(L);
}

int hdnet_lesion_run(hdnet_lesion **out, const hdnet_net *net, const int *cls, const double *phi, size_t n_units,
                     size_t n_trials, size_t n_steps, size_t n_modes, size_t keep_trials)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "hdnet_lesion_run: out is NULL");
    *out = NULL;
    if (!net || !cls || !phi)
        return hdnet__error(HDNET_EINVAL, "hdnet_lesion_run: NULL argument");
    lab L;
    int *U[NEXP] = {0};
    size_t nU[NEXP];
    int rc = prepare(&L, net, cls, phi, n_units, n_trials, n_steps, n_modes, keep_trials, U, nU);
    hdnet_lesion *r = NULL;
    if (!rc)
        rc = results_alloc(&r, n_units, n_trials, n_steps, n_modes, keep_trials);
    for (int e = 0; e < NEXP && !rc; e++)
        rc = experiment(r, &L, net, e, U[e], nU[e]);
    lab_free(&L);
    for (int e = 0; e < NEXP; e++)
        free(U[e]);
    if (rc) {
        hdnet_lesion_free(r);
        return rc;
    }
    *out = r;
    return HDNET_OK;
}

int hdnet_lesion_nulls(const hdnet_net *net, const int *cls, const double *phi, size_t n_units, size_t n_trials,
                       size_t n_steps, size_t n_nulls, uint64_t seed, double *out, size_t out_len)
{
    if (!net || !cls || !phi || !out)
        return hdnet__error(HDNET_EINVAL, "hdnet_lesion_nulls: NULL argument");
    if (n_nulls < 1 || n_nulls > SIZE_MAX / HDNET_LS_COUNT)
        return hdnet__error(HDNET_ERANGE, "hdnet_lesion_nulls: %zu random sets", n_nulls);
    if (out_len < n_nulls * HDNET_LS_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_lesion_nulls: %zu values needed", n_nulls * HDNET_LS_COUNT);
    lab L;
    int *U[NEXP] = {0};
    size_t nU[NEXP];
    hdnet_rng *rng = NULL;
    int *all = NULL, *R = NULL;
    int rc = prepare(&L, net, cls, phi, n_units, n_trials, n_steps, 1, 0, U, nU);
    if (!rc)
        rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, seed);
    if (!rc && (!(all = malloc((n_units ? n_units : 1) * sizeof *all)) ||
                !(R = malloc((n_units ? n_units : 1) * sizeof *R))))
        rc = hdnet__error(HDNET_ENOMEM, "hdnet_lesion_nulls: unit sets");
    for (size_t i = 0; !rc && i < n_nulls * HDNET_LS_COUNT; i++)
        out[i] = NAN;
    for (int e = 0; e < NEXP && !rc; e++)
        rc = null_experiment(&L, net, e, nU[e], rng, all, R, n_nulls, out);
    lab_free(&L);
    for (int e = 0; e < NEXP; e++)
        free(U[e]);
    free(all);
    free(R);
    hdnet_rng_free(rng);
    return rc;
}

/* ---- results ---- */

int hdnet_lesion_summary(const hdnet_lesion *l, double *summary, size_t summary_len)
{
    if (!l || !summary)
        return hdnet__error(HDNET_EINVAL, "hdnet_lesion_summary: NULL argument");
    if (summary_len < HDNET_LS_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_lesion_summary: the summary needs %d values", HDNET_LS_COUNT);
    memcpy(summary, l->summary, sizeof l->summary);
    return HDNET_OK;
}

/* Check an experiment and mode of a result accessor. */
static int check_run(const hdnet_lesion *l, int e, int mode, const void *out, const char *fn)
{
    if (!l || !out)
        return hdnet__error(HDNET_EINVAL, "%s: NULL argument", fn);
    if (e < 0 || e >= NEXP)
        return hdnet__error(HDNET_EINVAL, "%s: unknown experiment %d", fn, e);
    if (mode < 0 || (size_t)mode >= l->n_modes)
        return hdnet__error(HDNET_ERANGE, "%s: mode %d was not run (%zu modes)", fn, mode, l->n_modes);
    return HDNET_OK;
}

int hdnet_lesion_measures(const hdnet_lesion *l, int experiment, int mode, double *out, size_t out_len)
{
    int rc = check_run(l, experiment, mode, out, "hdnet_lesion_measures");
    if (rc)
        return rc;
    if (out_len < HDNET_LM_COUNT)
        return hdnet__error(HDNET_ESHAPE, "hdnet_lesion_measures: %d values needed", HDNET_LM_COUNT);
    memcpy(out, l->measures[experiment][mode], HDNET_LM_COUNT * sizeof *out);
    return HDNET_OK;
}

int hdnet_lesion_trace(const hdnet_lesion *l, int experiment, int mode, int which, double *out, size_t out_len)
{
    int rc = check_run(l, experiment, mode, out, "hdnet_lesion_trace");
    if (rc)
        return rc;
    if (which < 0 || which >= HDNET_LT_COUNT)
        return hdnet__error(HDNET_EINVAL, "hdnet_lesion_trace: unknown trace %d", which);
    const size_t n = l->keep * l->T;
    if (out_len < n)
        return hdnet__error(HDNET_ESHAPE, "hdnet_lesion_trace: %zu values needed", n);
    if (n)
        memcpy(out, l->trace[experiment][trace_is_shared(which) ? 0 : mode][which], n * sizeof *out);
    return HDNET_OK;
}

int hdnet_lesion_shadow(const hdnet_lesion *l, int experiment, int mode, float *out, size_t out_len)
{
    int rc = check_run(l, experiment, mode, out, "hdnet_lesion_shadow");
    if (rc)
        return rc;
    const size_t n = l->keep * l->T * l->N; /* allocated, so it does not overflow */
    if (out_len < n)
        return hdnet__error(HDNET_ESHAPE, "hdnet_lesion_shadow: %zu values needed", n);
    if (n)
        memcpy(out, l->shadow[experiment][mode], n * sizeof *out);
    return HDNET_OK;
}

const char *hdnet_lesion_name(int experiment)
{
    static const char *const name[NEXP] = {"E1", "E2", "E2m", "E3"};
    return experiment >= 0 && experiment < NEXP ? name[experiment] : NULL;
}

const char *hdnet_lesion_summary_name(int id)
{
    static const char *const name[HDNET_LS_COUNT] = {
        "e1_units",   "e1_b0",       "e1_lost",     "e1_back",     "e2_units",   "e2_drift",
        "e2_control", "e2_decoded",  "e2m_units",   "e2m_drift",   "e2m_control", "e2m_decoded",
        "e3_units",   "e3_gain",     "e3_control",  "e3_bump",     "e3_bump_control"};
    return id >= 0 && id < HDNET_LS_COUNT ? name[id] : NULL;
}
