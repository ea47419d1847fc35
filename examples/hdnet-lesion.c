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

static const char *mode_name[HDNET_LESION_MODES] = {"rate", "outgoing", "outgoing_readout"};

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

/* Classes (by rule, CLI_INTERVAL, CLI_ADAPTIVE or CLI_REFERENCE), preferred headings, the
 * normalized error and that of holding the cued heading from a study on the analysis set. */
static void classify_here(const hdnet_net *net, const hdnet_aparams *ap, size_t B, size_t N, int rule, int *cls,
                          double *phi, double *ne, double *ne_hold)
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
    cli_check("analysis", hdnet_study_scalar(s, HDNET_SS_NE, ne));
    cli_check("analysis", hdnet_study_scalar(s, HDNET_SS_NE_HOLD, ne_hold));
    cli_units_free(&u);
    hdnet_study_free(s);
}

/* Normalized error on the first B trials of the analysis set, and that of holding the cued
 * heading, when the classes come from a file and no study ran (the competence gate of
 * docs/analyses.md, section 7: lesions of a network that cannot do the task say nothing
 * about an integrator). */
static double analysis_ne(const hdnet_net *net, size_t B, double *ne_hold)
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
    int64_t cue;
    cli_check("analysis set", hdnet_config_get_int(set, HDNET_P_CUE, &cue));
    if (cue == 0 || hdnet_hold_error(tg, m, B, T, 2, (size_t)cue, ne_hold))
        *ne_hold = NAN; /* no cue: nothing to hold */
    free(x);
    free(y);
    free(tg);
    free(m);
    hdnet_task_free(task);
    hdnet_config_free(set);
    return ne;
}

/* What the reporting needs: the results, the compass units sorted by phi (heat maps)
 * and the output directory. */
typedef struct {
    const hdnet_lesion *res;
    size_t T, n5, N, nc;
    const int *comp_sorted;
    const char *out;
} lab;

/* lesion.csv rows of one experiment and mode (verdicts of the rate mode only). */
static void report(FILE *csv, const hdnet_lesion *res, int e, int mode)
{
    double v[HDNET_LM_COUNT];
    cli_check("lesion measures", hdnet_lesion_measures(res, e, mode, v, HDNET_LM_COUNT));
    const char *en = hdnet_lesion_name(e), *mn = mode_name[mode];
    const double B0 = v[HDNET_LM_B0];
#define ROW(name, val, critv, st) fprintf(csv, "%s,%s,%s,%.6g,\"%s\",%s\n", en, mn, name, val, critv, st)
    ROW("units", v[HDNET_LM_UNITS], "", "INFO");
    ROW("B0", B0, "", "INFO");
    if (e == HDNET_LESION_E1) {
        double lost = v[HDNET_LM_LOST], back = v[HDNET_LM_BACK];
        ROW("B[350,400)/B0", lost / B0, "<= 0.25", mode == 0 ? (lost <= 0.25 * B0 ? "PASS" : "FAIL") : "INFO");
        ROW("B[500,600)/B0", back / B0, ">= 0.5", mode == 0 ? (back >= 0.5 * B0 ? "PASS" : "FAIL") : "INFO");
        ROW("rho[350,400)", v[HDNET_LM_OUTPUT_NORM], "", "INFO");
        ROW("heading error after recovery (deg)", v[HDNET_LM_HEADING_ERROR], "", "INFO");
    } else if (e == HDNET_LESION_E2 || e == HDNET_LESION_E2M) {
        double d = v[HDNET_LM_DRIFT], dc = v[HDNET_LM_DRIFT_CONTROL], dth = v[HDNET_LM_DRIFT_DECODED];
        int ok = e == HDNET_LESION_E2 ? (d >= 20 && fabs(dc) <= 5 && dth > 0) : (d <= -20 && fabs(dc) <= 5 && dth < 0);
        const char *st = mode ? "INFO" : ok ? "PASS" : e == HDNET_LESION_E2M ? "WARN" : "FAIL";
        ROW("psi drift (deg)", d, e == HDNET_LESION_E2 ? ">= +20" : "<= -20", st);
        ROW("control psi drift (deg)", dc, "|.| <= 5", "INFO");
        ROW("theta_hat drift (deg)", dth, "same sign", "INFO");
        ROW("B over window / B0", v[HDNET_LM_BUMP] / B0, "", "INFO");
    } else {
        double G = v[HDNET_LM_GAIN], G0 = v[HDNET_LM_GAIN_CONTROL], bw = v[HDNET_LM_BUMP], bw0 = v[HDNET_LM_BUMP_CONTROL];
        int ok = G0 >= 0.8 && G0 <= 1.2 && fabs(G) <= 0.2 && bw >= 0.5 * bw0;
        ROW("gain G", G, "|G| <= 0.2", mode ? "INFO" : ok ? "PASS" : "FAIL");
        ROW("control gain G", G0, "[0.8, 1.2]", "INFO");
        ROW("B over window / control", bw / bw0, ">= 0.5", "INFO");
    }
#undef ROW
}

/* A kept trace [n5][T] of one experiment and mode (caller frees). */
static double *trace(const lab *L, int e, int mode, int which)
{
    double *x = cli_malloc(L->n5 * L->T * sizeof *x);
    cli_check("lesion trace", hdnet_lesion_trace(L->res, e, mode, which, x, L->n5 * L->T));
    return x;
}

/* lesion_<exp>_<mode>.npz (5 trials); for mode 0 also the plot data of trial 0 (E3: a CCW turn). */
static void save(const lab *L, int e, int mode)
{
    const size_t T = L->T, n5 = L->n5, N = L->N;
    double *tt = cli_malloc(T * sizeof *tt), *tr[HDNET_LT_COUNT];
    for (size_t k = 0; k < T; k++)
        tt[k] = (double)k;
    for (int k = 0; k < HDNET_LT_COUNT; k++)
        tr[k] = trace(L, e, mode, k);
    float *sh = cli_malloc(n5 * T * N * sizeof *sh);
    cli_check("lesion rates", hdnet_lesion_shadow(L->res, e, mode, sh, n5 * T * N));
    hdnet_npz *z;
    cli_check("archive", hdnet_npz_create(&z));
    cli_npz_add(z, "t", HDNET_DTYPE_F64, tt, T, 0, 0);
    cli_npz_add(z, "theta", HDNET_DTYPE_F64, tr[HDNET_LT_HEADING], n5, T, 0);
    cli_npz_add(z, "theta_hat", HDNET_DTYPE_F64, tr[HDNET_LT_DECODED], n5, T, 0);
    cli_npz_add(z, "psi", HDNET_DTYPE_F64, tr[HDNET_LT_POSITION], n5, T, 0);
    cli_npz_add(z, "B", HDNET_DTYPE_F64, tr[HDNET_LT_STRENGTH], n5, T, 0);
    cli_npz_add(z, "rho", HDNET_DTYPE_F64, tr[HDNET_LT_OUTPUT_NORM], n5, T, 0);
    cli_npz_add(z, "shadow", HDNET_DTYPE_F32, sh, n5, T, N);
    cli_npz_add(z, "B_control", HDNET_DTYPE_F64, tr[HDNET_LT_CONTROL_STRENGTH], n5, T, 0);
    cli_npz_add(z, "psi_control", HDNET_DTYPE_F64, tr[HDNET_LT_CONTROL_POSITION], n5, T, 0);
    char name[64];
    snprintf(name, sizeof name, "lesion_%s_%s.npz", hdnet_lesion_name(e), mode_name[mode]);
    cli_npz_save(z, L->out, name);
    if (mode == 0) {
        snprintf(name, sizeof name, "lesion_%s.dat", hdnet_lesion_name(e));
        FILE *f = cli_fopen(L->out, name);
        for (size_t k = 0; k < T; k++)
            fprintf(f, "%zu %.6g %.6g %.6g %.6g %.6g %.6g\n", k, tr[HDNET_LT_HEADING][k], tr[HDNET_LT_DECODED][k],
                    tr[HDNET_LT_POSITION][k], tr[HDNET_LT_STRENGTH][k], tr[HDNET_LT_CONTROL_STRENGTH][k],
                    tr[HDNET_LT_CONTROL_POSITION][k]);
        cli_fclose(f, name);
        snprintf(name, sizeof name, "lesion_%s_heat.dat", hdnet_lesion_name(e));
        f = cli_fopen(L->out, name);
        for (size_t i = 0; i < L->nc; i++) {
            for (size_t k = 0; k < T; k++)
                fprintf(f, "%s%.4g", k ? " " : "", sh[k * N + (size_t)L->comp_sorted[i]]);
            fprintf(f, "\n");
        }
        cli_fclose(f, name);
    }
    for (int k = 0; k < HDNET_LT_COUNT; k++)
        free(tr[k]);
    free(sh);
    free(tt);
}

/* The units experiment e silences (caller frees). */
static int *unit_set(const int *cls, const double *phi, size_t N, int e, size_t *n)
{
    int *u = cli_malloc(N * sizeof *u);
    cli_check("unit set", hdnet_lesion_units(cls, phi, N, e, u, N, n));
    return u;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *units = NULL;
    size_t n_trials = HDNET_LESION_TRIALS, n_steps = HDNET_LESION_STEPS, an_trials = 500;
    size_t n_nulls = HDNET_NULL_MIN;
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
        case 'n': n_trials = cli_uint("--trials", optarg, 1, 100000); break;
        case 'T': n_steps = cli_uint("--steps", optarg, HDNET_LESION_MIN_STEPS, 1000000); break;
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
    size_t N, I, O;
    cli_check(argv[optind], hdnet_net_load(&net, argv[optind]));
    cli_check("network", hdnet_net_dims(net, &N, &I, &O));
    if (I != 3 || O != 2)
        cli_die("expected 3 inputs and 2 outputs");
    cli_mkdirs(out);
    cli_lock_dir(out); /* one writer per output directory */
    int *cls = cli_malloc(N * sizeof *cls);
    double *phi = cli_malloc(N * sizeof *phi);
    double ne, ne_hold;
    if (units) {
        read_units(units, N, cls, phi);
        ne = analysis_ne(net, an_trials, &ne_hold);
    } else {
        classify_here(net, ap, an_trials, N, rule, cls, phi, &ne, &ne_hold);
    }
    size_t nc, nccw, ncw;
    int *comp = unit_set(cls, phi, N, HDNET_LESION_E1, &nc);
    free(unit_set(cls, phi, N, HDNET_LESION_E2M, &nccw));
    free(unit_set(cls, phi, N, HDNET_LESION_E2, &ncw));
    printf("units: %zu compass, %zu CCW, %zu CW shifters\n", nc, nccw, ncw);
    if (nc < 2)
        cli_die("fewer than 2 compass units: the bump cannot be measured");
    /* compass units by phi for the heat maps */
    for (size_t i = 1; i < nc; i++)
        for (size_t j = i; j > 0 && phi[comp[j]] < phi[comp[j - 1]]; j--) {
            int tmp = comp[j];
            comp[j] = comp[j - 1];
            comp[j - 1] = tmp;
        }

    const size_t n5 = n_trials < 5 ? n_trials : 5; /* trials saved per experiment and mode */
    hdnet_lesion *res;
    cli_check("lesion", hdnet_lesion_run(&res, net, cls, phi, N, n_trials, n_steps, HDNET_LESION_MODES, n5));
    lab L = {res, n_steps, n5, N, nc, comp, out};
    FILE *csv = cli_fopen(out, "lesion.csv");
    fprintf(csv, "experiment,mode,measure,value,criterion,status\n");
    for (int e = 0; e < HDNET_LESION_COUNT; e++)
        for (int mode = 0; mode < HDNET_LESION_MODES; mode++) {
            report(csv, res, e, mode);
            save(&L, e, mode);
        }
    cli_fclose(csv, "lesion.csv");
    double summary[HDNET_LS_COUNT];
    cli_check("lesion summary", hdnet_lesion_summary(res, summary, HDNET_LS_COUNT));
    hdnet_claims *claims;
    cli_check("claims", hdnet_claims_create(&claims));
    cli_check("claims", hdnet_claims_add_lesion(claims, summary, HDNET_LS_COUNT));
    double *nulls = cli_malloc(n_nulls * HDNET_LS_COUNT * sizeof *nulls);
    cli_check("lesion nulls", hdnet_lesion_nulls(net, cls, phi, N, n_trials, n_steps, n_nulls, HDNET_ANALYSIS_SEED,
                                                 nulls, n_nulls * HDNET_LS_COUNT));
    cli_check("claims", hdnet_claims_lesion_nulls(claims, nulls, n_nulls, n_nulls * HDNET_LS_COUNT,
                                                  HDNET_NULL_QUANTILE));
    free(nulls);
    const double bound = hdnet_gate_bound(ne_hold);
    cli_check("claims", hdnet_claims_gate(claims, ne, bound, 1));
    int competent;
    cli_check("gate", hdnet_gate(ne, bound, &competent));
    if (!competent)
        printf("the network cannot do the task: NE %.4f > %.3g on %zu analysis trials (holding the cued heading: "
               "NE %.4f); R10-R12 are NOT_APPLICABLE (the data files are still written)\n", ne, bound, an_trials,
               ne_hold);
    cli_write_claims(claims, out);
    hdnet_claims_free(claims);
    FILE *f = cli_fopen(out, "lesion_meta.gp");
    fprintf(f, "ton=%d\ntoff=%d\ntoff1=%d\nncomp=%zu\nnsteps=%zu\n", HDNET_LESION_ON, HDNET_LESION_OFF,
            HDNET_LESION_E1_OFF, nc, n_steps);
    cli_fclose(f, "lesion_meta.gp");
    if (plots)
        printf("%s\n", cli_plot(argv[0], "lesion.gp", out) ? "figures: skipped" : "figures: written (PNG, SVG and PDF)");
    hdnet_lesion_free(res);
    free(cls);
    free(phi);
    free(comp);
    hdnet_aparams_free(ap);
    hdnet_net_free(net);
    return 0;
}
