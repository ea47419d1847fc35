/* hdnet-lesion: in-silico perturbations of a trained network (docs/analyses.md).
 *
 *   hdnet-lesion MODEL.npz --out DIR [--units units.csv]
 *
 * E1 silences the compass units, E2 the CW shifters, E2m the CCW shifters, E3 both
 * shifter groups; each in modes rate, outgoing and outgoing_readout, against the same
 * trials run unperturbed. Classes come from units.csv of hdnet-analyze, or from an
 * internal analysis (the interval rule unless --rule says otherwise). Writes lesion.csv, lesion_<exp>_<mode>.npz,
 * criteria.csv (R10-R12) and figures. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

const char cli_prog[] = "hdnet-lesion";

enum { E1, E2, E2M, E3, NEXP };
static const char *exp_name[NEXP] = {"E1", "E2", "E2m", "E3"};
static const char *mode_name[3] = {"rate", "outgoing", "outgoing_readout"};

typedef struct {
    size_t B, T, cue, t_on, t_off;
    double av_deg; /* E3 turning speed */
} protocol;

static void usage(FILE *f)
{
    fprintf(f, "usage: hdnet-lesion MODEL.npz --out DIR [options]\n"
               "  -o, --out DIR         output directory (required)\n"
               "  -u, --units FILE      units.csv of hdnet-analyze (default: analyse here)\n"
               "  -n, --trials N        trials per experiment (100)\n"
               "  -T, --steps T         steps per trial (800)\n"
               "  -a, --analysis-trials N  trials of the internal analysis and of the NE gate (500 x 1000 steps)\n"
               "  -S, --set name=value  analysis parameter for the internal classification\n"
               "      --nulls K         random unit sets per experiment, the null of R10-R12 (20; >= 20)\n"
               "      --rule NAME       rule of the internal classification: interval (default),\n"
               "                        adaptive or reference (docs/analyses.md)\n"
               "      --no-plots        write data only\n"
               "  -h, --help\n"
               "      --version         program and library version\n");
}

/* One line of a CSV file into line (cap bytes); 0 at the end of the file. Exits on a
 * line longer than the buffer (it would be read as two rows). */
static int read_line(FILE *f, char *line, size_t cap, const char *path, size_t lineno)
{
    if (!fgets(line, (int)cap, f))
        return 0;
    size_t n = strlen(line);
    if (n == cap - 1 && line[n - 1] != '\n' && !feof(f))
        cli_die("%s:%zu: line longer than %zu bytes", path, lineno, cap - 2);
    line[strcspn(line, "\r\n")] = '\0';
    return 1;
}

/* Split line at commas in place; returns the number of fields (at most cap). */
static size_t split_csv(char *line, char **field, size_t cap)
{
    size_t n = 0;
    for (char *tok = line;; tok++) {
        if (n == cap)
            return cap + 1;
        field[n++] = tok;
        tok += strcspn(tok, ",");
        if (!*tok)
            return n;
        *tok = '\0';
    }
}

/* Read class and preferred heading from units.csv (as hdnet-analyze writes it): every
 * row has the header's number of fields, one row per unit, known class names, and a
 * preferred heading that is a number (nan for units without one). */
static void read_units(const char *path, size_t N, int *cls, double *phi)
{
    FILE *f = cli_open_input(path);
    char line[8192], *field[256];
    if (!read_line(f, line, sizeof line, path, 1))
        cli_die("%s: empty file", path);
    size_t ncol = split_csv(line, field, 256), ci = SIZE_MAX, pi = SIZE_MAX;
    if (ncol > 256)
        cli_die("%s: more than 256 columns", path);
    for (size_t c = 0; c < ncol; c++) {
        if (strcmp(field[c], "class") == 0)
            ci = c;
        if (strcmp(field[c], "preferred_hd_deg") == 0)
            pi = c;
    }
    if (ci == SIZE_MAX || pi == SIZE_MAX)
        cli_die("%s: no class or preferred_hd_deg column", path);
    size_t n = 0, lineno = 1;
    while (read_line(f, line, sizeof line, path, ++lineno)) {
        if (n == N)
            cli_die("%s:%zu: more rows than the network's %zu units", path, lineno, N);
        size_t nf = split_csv(line, field, 256);
        if (nf != ncol)
            cli_die("%s:%zu: %zu fields, the header has %zu", path, lineno, nf > 256 ? nf - 1 : nf, ncol);
        cls[n] = -1;
        for (int k = 0; k < HDNET_NCLASSES; k++)
            if (strcmp(field[ci], hdnet_class_name(k)) == 0)
                cls[n] = k;
        if (cls[n] < 0)
            cli_die("%s:%zu: unknown class '%s'", path, lineno, field[ci]);
        char *end;
        phi[n] = strtod(field[pi], &end);
        if (end == field[pi] || *end || field[pi][0] == ' ' || isinf(phi[n]))
            cli_die("%s:%zu: preferred_hd_deg '%s' is not a number", path, lineno, field[pi]);
        n++;
    }
    fclose(f);
    if (n != N)
        cli_die("%s: %zu units, the network has %zu", path, n, N);
}

/* Classes (by rule, CLI_INTERVAL, CLI_ADAPTIVE or CLI_REFERENCE) and preferred headings
 * from a study on the analysis set. */
static void classify_here(const hdnet_net *net, const hdnet_aparams *ap, size_t B, size_t N, int rule, int *cls,
                          double *phi)
{
    hdnet_study *s;
    cli_check("analysis", hdnet_study_run(&s, net, NULL, NULL, B, HDNET_ANALYSIS_SEED, ap, 50));
    cli_units u;
    cli_units_get(&u, hdnet_study_tuning(s, 0), ap);
    cli_units_add_interval(&u, s);
    cli_units_set_main(&u, rule);
    printf("classes: %s rule on %zu analysis trials\n", cli_rule_name(u.main), B);
    memcpy(cls, u.cls[u.main], N * sizeof *cls);
    memcpy(phi, u.stat[HDNET_US_PHI], N * sizeof *phi);
    cli_units_free(&u);
    hdnet_study_free(s);
}

/* Normalized error on the first B trials of the analysis set (the competence gate of
 * docs/analyses.md, section 7: lesions of a network that cannot do the task say nothing
 * about an integrator). */
static double analysis_ne(const hdnet_net *net, size_t B)
{
    hdnet_config *set;
    hdnet_task *task;
    size_t T = HDNET_ANALYSIS_STEPS, S = B * T;
    cli_check("analysis set", hdnet_analysis_config(net, T, &set));
    cli_check("analysis set", hdnet_task_create(&task, set, HDNET_ANALYSIS_SEED));
    float *x = cli_malloc(S * 3 * sizeof *x), *y = cli_malloc(S * 2 * sizeof *y), *tg = cli_malloc(S * 2 * sizeof *tg);
    float *m = cli_malloc(S * 2 * sizeof *m);
    cli_check("analysis set", hdnet_task_generate(task, B, x, S * 3, tg, S * 2, m, S * 2, NULL, 0, NULL, 0));
    cli_check("run", hdnet_net_run(net, B, T, x, S * 3, NULL, 0, NULL, y, S * 2, NULL, 0, NULL, 0));
    double ne;
    cli_check("normalized error", hdnet_normalized_error(y, tg, m, B, T, 2, &ne));
    free(x);
    free(y);
    free(tg);
    free(m);
    hdnet_task_free(task);
    hdnet_config_free(set);
    return ne;
}

/* Inputs, true heading (deg, unwrapped) for one experiment. */
static void make_inputs(const protocol *p, int e, float *x, double *theta)
{
    for (size_t b = 0; b < p->B; b++) {
        double th0 = 3.6 * (double)b, th = th0;
        double sgn = (b % 2) ? -1.0 : 1.0;
        for (size_t t = 0; t < p->T; t++) {
            double w = 0;
            if (e == E3 && t >= p->t_on && t < p->t_off)
                w = sgn * p->av_deg;
            th += w;
            size_t i = b * p->T + t;
            x[3 * i] = (float)(w / CLI_DEG);
            x[3 * i + 1] = t < p->cue ? (float)sin(th0 / CLI_DEG) : 0.0f;
            x[3 * i + 2] = t < p->cue ? (float)cos(th0 / CLI_DEG) : 0.0f;
            theta[i] = th;
        }
    }
}

/* One run's measures, [trial][T]: bump position psi and decoded heading theta_hat
 * (degrees, unwrapped), bump strength B and output norm rho. */
typedef struct {
    double *psi, *B, *thhat, *rho;
} measures;

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

static void measure(const protocol *p, size_t N, const float *shadow, const float *y, const int *comp, size_t nc,
                    const double *phi, measures *m)
{
    size_t S = p->B * p->T;
    cli_check("bump", hdnet_bump(shadow, S, N, comp, nc, phi, m->B, m->psi, S));
    cli_check("decode", hdnet_decoded_heading(y, S, m->thhat, S));
    for (size_t i = 0; i < S; i++)
        m->rho[i] = sqrt((double)y[2 * i] * y[2 * i] + (double)y[2 * i + 1] * y[2 * i + 1]);
    unwrap(m->psi, p->B, p->T);
    unwrap(m->thhat, p->B, p->T);
}

static double mean_range(const double *x, size_t a, size_t b)
{
    double s = 0;
    for (size_t t = a; t < b; t++)
        s += x[t];
    return s / (double)(b - a);
}

/* Per-trial drift between two times (10-step averages ending at t_a and t_b), median over trials. */
static double median_drift(const protocol *p, const double *x, size_t ta, size_t tb, double *per)
{
    for (size_t b = 0; b < p->B; b++) {
        const double *r = x + b * p->T;
        per[b] = mean_range(r, tb - 10, tb) - mean_range(r, ta - 10, ta);
    }
    return hdnet_median(per, p->B);
}

static double median_window(const protocol *p, const double *x, size_t a, size_t b, double *per)
{
    for (size_t k = 0; k < p->B; k++)
        per[k] = mean_range(x + k * p->T, a, b);
    return hdnet_median(per, p->B);
}


/* The units and buffers the experiments share. */
typedef struct {
    protocol P;
    size_t N, nc;
    const int *comp, *comp_sorted; /* compass units, and sorted by phi for the heat maps */
    const double *phi;
    float *x, *y, *y0, *sh, *sh0;
    double *theta, *per;
    measures M, M0; /* lesioned run and control */
    FILE *csv;      /* NULL while the null experiments run: they write no rows */
    const char *out;
    size_t n_nulls; /* random unit sets per experiment (docs/analyses.md, section 8) */
    double *nulls;  /* [n_nulls][HDNET_LS_COUNT] their lesion summaries */
    hdnet_rng *rng; /* draws the random unit sets */
} lab;

/* E3 gain: median over trials of the bump's turn over the true turn in the window. */
static double gain(const lab *L, const double *psi, size_t t_on, size_t t_off)
{
    const protocol *p = &L->P;
    for (size_t b = 0; b < p->B; b++) {
        const double *th = L->theta + b * p->T, *ps = psi + b * p->T;
        double dt = mean_range(th, t_off - 10, t_off) - mean_range(th, t_on - 10, t_on);
        L->per[b] = (mean_range(ps, t_off - 10, t_off) - mean_range(ps, t_on - 10, t_on)) / dt;
    }
    return hdnet_median(L->per, p->B);
}

/* lesion.csv rows of one experiment and mode; mode 0 (rate) fills the lesion summary. */
static void report(const lab *L, int e, int mode, size_t nU, size_t t_on, size_t t_off, double *sum)
{
    const protocol *p = &L->P;
    const measures *M = &L->M, *M0 = &L->M0;
    const char *mn = mode_name[mode];
    double unused[HDNET_LS_COUNT];
    if (mode != 0) /* the summary holds the rate clamp */
        sum = unused;
    double B0 = median_window(p, M->B, t_on - 50, t_on, L->per);
#define ROW(name, val, critv, st)                                                                                  \
    do {                                                                                                           \
        if (L->csv)                                                                                                \
            fprintf(L->csv, "%s,%s,%s,%.6g,\"%s\",%s\n", exp_name[e], mn, name, val, critv, st);                   \
    } while (0)
    ROW("units", (double)nU, "", "INFO");
    ROW("B0", B0, "", "INFO");
    if (e == E1) {
        double lost = median_window(p, M->B, 350, 400, L->per), back = median_window(p, M->B, 500, 600, L->per);
        double rho_w = median_window(p, M->rho, 350, 400, L->per);
        for (size_t b = 0; b < p->B; b++)
            L->per[b] = fabs(hdnet_wrap_deg(mean_range(M->thhat + b * p->T, 590, 600) -
                                            mean_range(L->theta + b * p->T, 590, 600)));
        double err = hdnet_median(L->per, p->B);
        ROW("B[350,400)/B0", lost / B0, "<= 0.25", mode == 0 ? (lost <= 0.25 * B0 ? "PASS" : "FAIL") : "INFO");
        ROW("B[500,600)/B0", back / B0, ">= 0.5", mode == 0 ? (back >= 0.5 * B0 ? "PASS" : "FAIL") : "INFO");
        ROW("rho[350,400)", rho_w, "", "INFO");
        ROW("heading error after recovery (deg)", err, "", "INFO");
        double v[4] = {(double)nU, B0, lost, back};
        memcpy(sum + HDNET_LS_E1_UNITS, v, sizeof v);
    } else if (e == E2 || e == E2M) {
        double d = median_drift(p, M->psi, t_on, t_off, L->per), dc = median_drift(p, M0->psi, t_on, t_off, L->per);
        double dth = median_drift(p, M->thhat, t_on, t_off, L->per), bw = median_window(p, M->B, t_on, t_off, L->per);
        int ok = e == E2 ? (d >= 20 && fabs(dc) <= 5 && dth > 0) : (d <= -20 && fabs(dc) <= 5 && dth < 0);
        const char *st = mode ? "INFO" : ok ? "PASS" : e == E2M ? "WARN" : "FAIL";
        ROW("psi drift (deg)", d, e == E2 ? ">= +20" : "<= -20", st);
        ROW("control psi drift (deg)", dc, "|.| <= 5", "INFO");
        ROW("theta_hat drift (deg)", dth, "same sign", "INFO");
        ROW("B over window / B0", bw / B0, "", "INFO");
        double v[4] = {(double)nU, d, dc, dth};
        memcpy(sum + (e == E2 ? HDNET_LS_E2_UNITS : HDNET_LS_E2M_UNITS), v, sizeof v);
    } else {
        double G = gain(L, M->psi, t_on, t_off), G0 = gain(L, M0->psi, t_on, t_off);
        double bw = median_window(p, M->B, t_on, t_off, L->per), bw0 = median_window(p, M0->B, t_on, t_off, L->per);
        int ok = G0 >= 0.8 && G0 <= 1.2 && fabs(G) <= 0.2 && bw >= 0.5 * bw0;
        ROW("gain G", G, "|G| <= 0.2", mode ? "INFO" : ok ? "PASS" : "FAIL");
        ROW("control gain G", G0, "[0.8, 1.2]", "INFO");
        ROW("B over window / control", bw / bw0, ">= 0.5", "INFO");
        double v[5] = {(double)nU, G, G0, bw, bw0};
        memcpy(sum + HDNET_LS_E3_UNITS, v, sizeof v);
    }
#undef ROW
}

/* lesion_<exp>_<mode>.npz (5 trials); for mode 0 also the plot data of trial 0 (E3: a CCW turn). */
static void save(const lab *L, int e, int mode)
{
    const protocol *p = &L->P;
    const measures *M = &L->M, *M0 = &L->M0;
    size_t n5 = p->B < 5 ? p->B : 5, N = L->N;
    double *tt = cli_malloc(p->T * sizeof *tt);
    for (size_t k = 0; k < p->T; k++)
        tt[k] = (double)k;
    hdnet_npz *z;
    cli_check("archive", hdnet_npz_create(&z));
    cli_npz_add(z, "t", HDNET_DTYPE_F64, tt, p->T, 0, 0);
    cli_npz_add(z, "theta", HDNET_DTYPE_F64, L->theta, n5, p->T, 0);
    cli_npz_add(z, "theta_hat", HDNET_DTYPE_F64, M->thhat, n5, p->T, 0);
    cli_npz_add(z, "psi", HDNET_DTYPE_F64, M->psi, n5, p->T, 0);
    cli_npz_add(z, "B", HDNET_DTYPE_F64, M->B, n5, p->T, 0);
    cli_npz_add(z, "rho", HDNET_DTYPE_F64, M->rho, n5, p->T, 0);
    cli_npz_add(z, "shadow", HDNET_DTYPE_F32, L->sh, n5, p->T, N);
    cli_npz_add(z, "B_control", HDNET_DTYPE_F64, M0->B, n5, p->T, 0);
    cli_npz_add(z, "psi_control", HDNET_DTYPE_F64, M0->psi, n5, p->T, 0);
    char name[64];
    snprintf(name, sizeof name, "lesion_%s_%s.npz", exp_name[e], mode_name[mode]);
    cli_npz_save(z, L->out, name);
    free(tt);
    if (mode != 0)
        return;
    snprintf(name, sizeof name, "lesion_%s.dat", exp_name[e]);
    FILE *f = cli_fopen(L->out, name);
    for (size_t k = 0; k < p->T; k++)
        fprintf(f, "%zu %.6g %.6g %.6g %.6g %.6g %.6g\n", k, L->theta[k], M->thhat[k], M->psi[k], M->B[k], M0->B[k],
                M0->psi[k]);
    cli_fclose(f, name);
    snprintf(name, sizeof name, "lesion_%s_heat.dat", exp_name[e]);
    f = cli_fopen(L->out, name);
    for (size_t i = 0; i < L->nc; i++) {
        for (size_t k = 0; k < p->T; k++)
            fprintf(f, "%s%.4g", k ? " " : "", L->sh[k * N + (size_t)L->comp_sorted[i]]);
        fprintf(f, "\n");
    }
    cli_fclose(f, name);
}

/* The run with units U silenced (mode) from t_on to t_off, and its measures. */
static void lesion_run(lab *L, const hdnet_net *net, int mode, const int *U, size_t nU, size_t t_on, size_t t_off)
{
    const protocol *p = &L->P;
    size_t S = p->B * p->T, N = L->N;
    hdnet_perturb *pt;
    cli_check("perturbation", hdnet_perturb_create(&pt));
    if (nU)
        cli_check("perturbation", hdnet_perturb_add(pt, mode, U, nU, t_on, t_off, 0.0));
    cli_check("run", hdnet_net_run(net, p->B, p->T, L->x, S * 3, NULL, 0, pt, L->y, S * 2, NULL, 0, L->sh, S * N));
    hdnet_perturb_free(pt);
    measure(p, N, L->sh, L->y, L->comp, L->nc, L->phi, &L->M);
}

/* n distinct units of N drawn at random (a partial Fisher-Yates shuffle). */
static void random_set(hdnet_rng *rng, size_t N, size_t n, int *out)
{
    int *all = cli_malloc(N * sizeof *all);
    for (size_t u = 0; u < N; u++)
        all[u] = (int)u;
    for (size_t i = 0; i < n; i++) {
        uint64_t j;
        cli_check("random units", hdnet_rng_randint(rng, N - i, &j, 1));
        int tmp = all[i];
        all[i] = all[i + j];
        all[i + j] = tmp;
        out[i] = all[i];
    }
    free(all);
}

/* One experiment: silence units U in every mode against the unperturbed control; then, in
 * the rate mode, n_nulls random sets of as many units (the null of R10-R12). */
static void experiment(lab *L, const hdnet_net *net, int e, const int *U, size_t nU, double *sum)
{
    protocol *p = &L->P;
    size_t S = p->B * p->T, N = L->N, t_on = p->t_on, t_off = e == E1 ? 400 : p->t_off;
    make_inputs(p, e, L->x, L->theta);
    cli_check("run", hdnet_net_run(net, p->B, p->T, L->x, S * 3, NULL, 0, NULL, L->y0, S * 2, NULL, 0, L->sh0, S * N));
    measure(p, N, L->sh0, L->y0, L->comp, L->nc, L->phi, &L->M0);
    for (int mode = 0; mode < 3; mode++) {
        lesion_run(L, net, mode, U, nU, t_on, t_off);
        report(L, e, mode, nU, t_on, t_off, sum);
        save(L, e, mode);
    }
    FILE *csv = L->csv;
    L->csv = NULL;
    int *R = cli_malloc((N ? N : 1) * sizeof *R);
    for (size_t k = 0; k < L->n_nulls; k++) {
        random_set(L->rng, N, nU, R);
        lesion_run(L, net, 0, R, nU, t_on, t_off);
        report(L, e, 0, nU, t_on, t_off, L->nulls + k * HDNET_LS_COUNT);
    }
    free(R);
    L->csv = csv;
}

/* Compass units with a preferred heading, CW and CCW shifters, and both shifter groups. */
static size_t unit_set(const int *cls, const double *phi, size_t N, int which, int *out)
{
    size_t n = 0;
    for (size_t u = 0; u < N; u++)
        if (which == E1 ? cls[u] == HDNET_CLASS_COMPASS && isfinite(phi[u])
            : which == E2 ? cls[u] == HDNET_CLASS_SHIFTER_CW
            : which == E2M ? cls[u] == HDNET_CLASS_SHIFTER_CCW
            : cls[u] == HDNET_CLASS_SHIFTER_CW || cls[u] == HDNET_CLASS_SHIFTER_CCW)
            out[n++] = (int)u;
    return n;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *units = NULL;
    protocol P = {100, 800, 10, 300, 500, 1.0};
    size_t an_trials = 500, n_nulls = HDNET_NULL_MIN;
    int plots = 1, rule = CLI_INTERVAL;
    hdnet_aparams *ap;
    cli_check("parameters", hdnet_aparams_create(&ap));
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},   {"units", required_argument, 0, 'u'},
        {"trials", required_argument, 0, 'n'}, {"steps", required_argument, 0, 'T'},
        {"analysis-trials", required_argument, 0, 'a'}, {"set", required_argument, 0, 'S'},
        {"no-plots", no_argument, 0, 'P'},    {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},     {"rule", required_argument, 0, 'R'},
        {"nulls", required_argument, 0, 'N'}, {0, 0, 0, 0}};
    int c;
    while ((c = cli_getopt(argc, argv, "o:u:n:T:a:S:h", opts, usage)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'u': units = optarg; break;
        case 'n': P.B = cli_uint("--trials", optarg, 1, 100000); break;
        case 'T': P.T = cli_uint("--steps", optarg, 700, 1000000); break;
        case 'a': an_trials = cli_uint("--analysis-trials", optarg, 10, 100000); break;
        case 'S': cli_set(ap, NULL, CLI_SET_TASK, optarg); break;
        case 'P': plots = 0; break;
        case 'R': rule = cli_rule(optarg); break;
        case 'N': n_nulls = cli_uint("--nulls", optarg, HDNET_NULL_MIN, 100000); break;
        default: cli_bad_option(argv);
        }
    }
    if (optind != argc - 1)
        cli_die("expected exactly one MODEL.npz (try --help)");
    if (!out)
        cli_die("--out DIR is required");
    hdnet_net *net;
    hdnet_config *cfg;
    size_t N, I, O;
    int64_t cue;
    cli_check(argv[optind], hdnet_net_load(&net, argv[optind]));
    cli_check("network", hdnet_net_dims(net, &N, &I, &O));
    if (I != 3 || O != 2)
        cli_die("expected 3 inputs and 2 outputs");
    cli_check("config", hdnet_net_get_config(net, &cfg));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_CUE, &cue));
    hdnet_config_free(cfg);
    P.cue = (size_t)cue;
    cli_mkdirs(out);
    cli_lock_dir(out); /* one writer per output directory */
    int *cls = cli_malloc(N * sizeof *cls), *U[NEXP];
    double *phi = cli_malloc(N * sizeof *phi);
    if (units)
        read_units(units, N, cls, phi);
    else
        classify_here(net, ap, an_trials, N, rule, cls, phi);
    size_t nU[NEXP];
    for (int e = 0; e < NEXP; e++)
        nU[e] = unit_set(cls, phi, N, e, U[e] = cli_malloc(N * sizeof(int)));
    printf("units: %zu compass, %zu CCW, %zu CW shifters\n", nU[E1], nU[E2M], nU[E2]);
    if (nU[E1] < 2)
        cli_die("fewer than 2 compass units: the bump cannot be measured");
    /* compass units by phi for the heat maps */
    int *sorted = cli_malloc(nU[E1] * sizeof *sorted);
    memcpy(sorted, U[E1], nU[E1] * sizeof *sorted);
    for (size_t i = 1; i < nU[E1]; i++)
        for (size_t j = i; j > 0 && phi[sorted[j]] < phi[sorted[j - 1]]; j--) {
            int tmp = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = tmp;
        }

    size_t S = P.B * P.T;
    lab L = {P, N, nU[E1], U[E1], sorted, phi, cli_malloc(S * 3 * sizeof(float)), cli_malloc(S * 2 * sizeof(float)),
             cli_malloc(S * 2 * sizeof(float)), cli_malloc(S * N * sizeof(float)), cli_malloc(S * N * sizeof(float)),
             cli_malloc(S * sizeof(double)), cli_malloc(P.B * sizeof(double)), {0}, {0}, NULL, out, n_nulls,
             cli_malloc(n_nulls * HDNET_LS_COUNT * sizeof(double)), NULL};
    cli_check("random units", hdnet_rng_create(&L.rng, HDNET_RNG_LIBRARY, HDNET_ANALYSIS_SEED));
    double **mp[2][4] = {{&L.M.psi, &L.M.B, &L.M.thhat, &L.M.rho}, {&L.M0.psi, &L.M0.B, &L.M0.thhat, &L.M0.rho}};
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 4; k++)
            *mp[a][k] = cli_malloc(S * sizeof(double));
    L.csv = cli_fopen(out, "lesion.csv");
    fprintf(L.csv, "experiment,mode,measure,value,criterion,status\n");
    double summary[HDNET_LS_COUNT];
    for (int e = 0; e < NEXP; e++)
        experiment(&L, net, e, U[e], nU[e], summary);
    cli_fclose(L.csv, "lesion.csv");
    hdnet_claims *claims;
    cli_check("claims", hdnet_claims_create(&claims));
    cli_check("claims", hdnet_claims_add_lesion(claims, summary, HDNET_LS_COUNT));
    cli_check("claims", hdnet_claims_lesion_nulls(claims, L.nulls, n_nulls, n_nulls * HDNET_LS_COUNT,
                                                  HDNET_NULL_QUANTILE));
    double ne = analysis_ne(net, an_trials);
    cli_check("claims", hdnet_claims_gate(claims, ne, HDNET_GATE_NE_MAX, 1));
    int competent;
    cli_check("gate", hdnet_gate(ne, HDNET_GATE_NE_MAX, &competent));
    if (!competent)
        printf("the network cannot do the task: NE %.4f > %g on %zu analysis trials; R10-R12 are NOT_APPLICABLE "
               "(the data files are still written)\n", ne, HDNET_GATE_NE_MAX, an_trials);
    cli_write_claims(claims, out);
    hdnet_claims_free(claims);
    FILE *f = cli_fopen(out, "lesion_meta.gp");
    fprintf(f, "ton=%zu\ntoff=%zu\ntoff1=400\nncomp=%zu\nnsteps=%zu\n", P.t_on, P.t_off, nU[E1], P.T);
    cli_fclose(f, "lesion_meta.gp");
    if (plots)
        printf("%s\n", cli_plot(argv[0], "lesion.gp", out) ? "figures: skipped" : "figures: written (PNG, SVG and PDF)");
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 4; k++)
            free(*mp[a][k]);
    hdnet_rng_free(L.rng);
    void *bufs[] = {L.x, L.y, L.y0, L.sh, L.sh0, L.theta, L.per, L.nulls, cls, phi, sorted, U[0], U[1], U[2], U[3]};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
        free(bufs[i]);
    hdnet_aparams_free(ap);
    hdnet_net_free(net);
    return 0;
}
