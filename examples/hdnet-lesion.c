/* hdnet-lesion: in-silico perturbations of a trained network (spec analyses §4).
 *
 *   hdnet-lesion MODEL.npz --out DIR [--units units.csv]
 *
 * E1 silences the compass units, E2 the CW shifters, E2m the CCW shifters, E3 both
 * shifter groups; each in modes rate, outgoing and outgoing_readout, against the same
 * trials run unperturbed. Classes come from units.csv of hdnet-analyze, or from an
 * internal analysis (adaptive rule). Writes lesion.csv, lesion_<exp>_<mode>.npz,
 * criteria.csv (R10-R12) and figures. */
#include <getopt.h>

#include "analysis_common.h"

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
               "  -a, --analysis-trials N  trials of the internal analysis (500 x 1000 steps)\n"
               "  -S, --set name=value  analysis parameter for the internal classification\n"
               "      --no-plots        write data only\n"
               "  -h, --help\n");
}

/* Read class and preferred heading from units.csv. */
static void read_units(const char *path, size_t N, int *cls, double *phi)
{
    FILE *f = fopen(path, "r");
    if (!f)
        ac_die("cannot read %s: %s", path, strerror(errno));
    char line[8192];
    if (!fgets(line, sizeof line, f))
        ac_die("%s: empty file", path);
    int ci = -1, pi = -1, col = 0;
    for (char *tok = strtok(line, ",\n"); tok; tok = strtok(NULL, ",\n"), col++) {
        if (strcmp(tok, "class") == 0)
            ci = col;
        if (strcmp(tok, "preferred_hd_deg") == 0)
            pi = col;
    }
    if (ci < 0 || pi < 0)
        ac_die("%s: no class or preferred_hd_deg column", path);
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < N) {
        col = 0;
        char *tok = line;
        for (int more = 1; more; col++) {
            char *end = tok + strcspn(tok, ",\n");
            more = *end == ',';
            *end = '\0';
            if (col == ci) {
                cls[n] = -1;
                for (int k = 0; k < HDNET_NCLASSES; k++)
                    if (strcmp(tok, hdnet_class_name(k)) == 0)
                        cls[n] = k;
                if (cls[n] < 0)
                    ac_die("%s: unknown class '%s'", path, tok);
            }
            if (col == pi)
                phi[n] = strtod(tok, NULL);
            tok = end + 1;
        }
        n++;
    }
    fclose(f);
    if (n != N)
        ac_die("%s: %zu units, the network has %zu", path, n, N);
}

static void classify_here(const hdnet_net *net, hdnet_aparams *ap, size_t B, int *cls, double *phi)
{
    size_t N, T = 1000;
    AC_CHECK(hdnet_net_dims(net, &N, NULL, NULL));
    hdnet_config *cfg = ac_eval_config(net, T);
    int64_t cue;
    AC_CHECK(hdnet_config_get_int(cfg, HDNET_P_CUE, &cue));
    size_t S = B * T;
    float *x = ac_malloc(S * 3 * sizeof *x);
    double *th = ac_malloc(S * sizeof *th), *av = ac_malloc(S * sizeof *av);
    hdnet_task *task;
    AC_CHECK(hdnet_task_create(&task, cfg, 99999999));
    AC_CHECK(hdnet_task_generate(task, B, x, S * 3, NULL, 0, NULL, 0, th, S, av, S));
    hdnet_tuning *t;
    AC_CHECK(hdnet_tuning_create(&t, N, ap));
    AC_CHECK(hdnet_tuning_collect(t, net, B, T, (size_t)cue, x, S * 3, th, S, av, S, 50));
    AC_CHECK(hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 0, cls, N, NULL, 0, NULL, 0));
    AC_CHECK(hdnet_tuning_unit_stat(t, HDNET_US_PHI, phi, N));
    hdnet_tuning_free(t);
    hdnet_task_free(task);
    hdnet_config_free(cfg);
    free(x);
    free(th);
    free(av);
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
            x[3 * i] = (float)(w / AC_DEG);
            x[3 * i + 1] = t < p->cue ? (float)sin(th0 / AC_DEG) : 0.0f;
            x[3 * i + 2] = t < p->cue ? (float)cos(th0 / AC_DEG) : 0.0f;
            theta[i] = th;
        }
    }
}

typedef struct {
    double *psi, *B, *thhat, *rho; /* [trial][T]; psi and thhat unwrapped, degrees */
} measures;

static void measure(const protocol *p, size_t N, const float *shadow, const float *y, const int *comp, size_t nc,
                    const double *phi, measures *m)
{
    for (size_t b = 0; b < p->B; b++) {
        double prev_psi = NAN, prev_th = NAN, acc_psi = 0, acc_th = 0;
        for (size_t t = 0; t < p->T; t++) {
            size_t i = b * p->T + t;
            double sx = 0, sy = 0;
            for (size_t k = 0; k < nc; k++) {
                double r = shadow[i * N + (size_t)comp[k]];
                sx += r * cos(phi[comp[k]] / AC_DEG);
                sy += r * sin(phi[comp[k]] / AC_DEG);
            }
            sx /= (double)nc;
            sy /= (double)nc;
            m->B[i] = sqrt(sx * sx + sy * sy);
            double psi = atan2(sy, sx) * AC_DEG;
            double th = atan2((double)y[2 * i], (double)y[2 * i + 1]) * AC_DEG;
            m->rho[i] = sqrt((double)y[2 * i] * y[2 * i] + (double)y[2 * i + 1] * y[2 * i + 1]);
            if (!isnan(prev_psi))
                acc_psi += hdnet_wrap_deg(psi - prev_psi);
            else
                acc_psi = psi;
            if (!isnan(prev_th))
                acc_th += hdnet_wrap_deg(th - prev_th);
            else
                acc_th = th;
            prev_psi = psi;
            prev_th = th;
            m->psi[i] = acc_psi;
            m->thhat[i] = acc_th;
        }
    }
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
    return ac_median(per, NULL, p->B);
}

static double median_window(const protocol *p, const double *x, size_t a, size_t b, double *per)
{
    for (size_t k = 0; k < p->B; k++)
        per[k] = mean_range(x + k * p->T, a, b);
    return ac_median(per, NULL, p->B);
}

int main(int argc, char **argv)
{
    ac_prog = "hdnet-lesion";
    const char *out = NULL, *units = NULL;
    protocol P = {100, 800, 10, 300, 500, 1.0};
    size_t an_trials = 500;
    int plots = 1;
    hdnet_aparams *ap;
    AC_CHECK(hdnet_aparams_create(&ap));
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"units", required_argument, 0, 'u'},
                                         {"trials", required_argument, 0, 'n'},
                                         {"steps", required_argument, 0, 'T'},
                                         {"analysis-trials", required_argument, 0, 'a'},
                                         {"set", required_argument, 0, 'S'},
                                         {"no-plots", no_argument, 0, 'P'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    opterr = 0; /* one line of our own on bad options */
    while ((c = getopt_long(argc, argv, "o:u:n:T:a:S:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'u': units = optarg; break;
        case 'n': P.B = ac_size("trials", optarg, 1, 100000); break;
        case 'T': P.T = ac_size("steps", optarg, 700, 1000000); break;
        case 'a': an_trials = ac_size("analysis-trials", optarg, 10, 100000); break;
        case 'S': ac_set(ap, NULL, optarg); break;
        case 'P': plots = 0; break;
        case 'h': usage(stdout); return 0;
        default: ac_bad_option(argv);
        }
    }
    if (optind != argc - 1)
        ac_die("expected exactly one MODEL.npz (try --help)");
    if (!out)
        ac_die("--out DIR is required");
    hdnet_net *net;
    {
        int rc = hdnet_net_load(&net, argv[optind]);
        if (rc)
            ac_die("cannot load %s: %s: %s", argv[optind], hdnet_strerror(rc), hdnet_errmsg());
    }
    size_t N, I, O;
    AC_CHECK(hdnet_net_dims(net, &N, &I, &O));
    if (I != 3 || O != 2)
        ac_die("expected 3 inputs and 2 outputs");
    {
        hdnet_config *cfg;
        int64_t cue;
        AC_CHECK(hdnet_net_get_config(net, &cfg));
        AC_CHECK(hdnet_config_get_int(cfg, HDNET_P_CUE, &cue));
        P.cue = (size_t)cue;
        hdnet_config_free(cfg);
    }
    ac_mkdirs(out);
    int *cls = ac_malloc(N * sizeof *cls);
    double *phi = ac_malloc(N * sizeof *phi);
    if (units)
        read_units(units, N, cls, phi);
    else
        classify_here(net, ap, an_trials, cls, phi);
    /* unit sets: compass (with a preferred heading), CW, CCW, both shifters */
    int *comp = ac_malloc(N * sizeof *comp), *cw = ac_malloc(N * sizeof *cw), *ccw = ac_malloc(N * sizeof *ccw),
        *both = ac_malloc(N * sizeof *both);
    size_t nc = 0, ncw = 0, nccw = 0, nb = 0;
    for (size_t u = 0; u < N; u++) {
        if (cls[u] == HDNET_CLASS_COMPASS && isfinite(phi[u]))
            comp[nc++] = (int)u;
        if (cls[u] == HDNET_CLASS_SHIFTER_CW)
            cw[ncw++] = both[nb++] = (int)u;
        if (cls[u] == HDNET_CLASS_SHIFTER_CCW)
            ccw[nccw++] = both[nb++] = (int)u;
    }
    printf("units: %zu compass, %zu CCW, %zu CW shifters\n", nc, nccw, ncw);
    if (nc < 2)
        ac_die("fewer than 2 compass units: the bump cannot be measured");
    /* compass units by phi for the heat maps */
    int *comp_sorted = ac_malloc(nc * sizeof *comp_sorted);
    memcpy(comp_sorted, comp, nc * sizeof *comp);
    for (size_t i = 1; i < nc; i++)
        for (size_t j = i; j > 0 && phi[comp_sorted[j]] < phi[comp_sorted[j - 1]]; j--) {
            int tmp = comp_sorted[j];
            comp_sorted[j] = comp_sorted[j - 1];
            comp_sorted[j - 1] = tmp;
        }

    size_t S = P.B * P.T;
    float *x = ac_malloc(S * 3 * sizeof *x), *y = ac_malloc(S * 2 * sizeof *y), *y0 = ac_malloc(S * 2 * sizeof *y0);
    float *sh = ac_malloc(S * N * sizeof *sh), *sh0 = ac_malloc(S * N * sizeof *sh0);
    double *theta = ac_malloc(S * sizeof *theta), *per = ac_malloc(P.B * sizeof *per);
    measures M, M0;
    double **mp[2][4] = {{&M.psi, &M.B, &M.thhat, &M.rho}, {&M0.psi, &M0.B, &M0.thhat, &M0.rho}};
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 4; k++)
            *mp[a][k] = ac_malloc(S * sizeof(double));

    FILE *csv = ac_fopen(out, "lesion.csv");
    fprintf(csv, "experiment,mode,measure,value,criterion,status\n");
    char *cp = ac_path(out, "criteria.csv");
    FILE *crit = fopen(cp, "w");
    if (!crit)
        ac_die("cannot write %s", cp);
    free(cp);
    fprintf(crit, "id,claim,measured,criterion,status\n");
        ac_open_crit_txt(out, "w");
    char ms[512];
    int fail_any = 0;
    (void)fail_any;
    for (int e = 0; e < NEXP; e++) {
        const int *U = e == E1 ? comp : e == E2 ? cw : e == E2M ? ccw : both;
        size_t nU = e == E1 ? nc : e == E2 ? ncw : e == E2M ? nccw : nb;
        size_t t_on = P.t_on, t_off = e == E1 ? 400 : P.t_off;
        make_inputs(&P, e, x, theta);
        AC_CHECK(hdnet_net_run(net, P.B, P.T, x, S * 3, NULL, 0, NULL, y0, S * 2, NULL, 0, sh0, S * N));
        measure(&P, N, sh0, y0, comp, nc, phi, &M0);
        for (int mode = 0; mode < 3; mode++) {
            hdnet_perturb *pt;
            AC_CHECK(hdnet_perturb_create(&pt));
            if (nU)
                AC_CHECK(hdnet_perturb_add(pt, mode, U, nU, t_on, t_off, 0.0));
            AC_CHECK(hdnet_net_run(net, P.B, P.T, x, S * 3, NULL, 0, pt, y, S * 2, NULL, 0, sh, S * N));
            hdnet_perturb_free(pt);
            measure(&P, N, sh, y, comp, nc, phi, &M);
            double B0 = median_window(&P, M.B, t_on - 50, t_on, per);
            const char *mn = mode_name[mode];
#define ROW(name, val, critv, st) fprintf(csv, "%s,%s,%s,%.6g,\"%s\",%s\n", exp_name[e], mn, name, val, critv, st)
            ROW("units", (double)nU, "", "INFO");
            ROW("B0", B0, "", "INFO");
            if (e == E1) {
                double lost = median_window(&P, M.B, 350, 400, per), back = median_window(&P, M.B, 500, 600, per);
                double rho_w = median_window(&P, M.rho, 350, 400, per);
                double err = 0;
                for (size_t b = 0; b < P.B; b++)
                    per[b] = fabs(hdnet_wrap_deg(mean_range(M.thhat + b * P.T, 590, 600) -
                                                 mean_range(theta + b * P.T, 590, 600)));
                err = ac_median(per, NULL, P.B);
                int ok1 = lost <= 0.25 * B0, ok2 = back >= 0.5 * B0;
                ROW("B[350,400)/B0", lost / B0, "<= 0.25", mode == 0 ? (ok1 ? "PASS" : "FAIL") : "INFO");
                ROW("B[500,600)/B0", back / B0, ">= 0.5", mode == 0 ? (ok2 ? "PASS" : "FAIL") : "INFO");
                ROW("rho[350,400)", rho_w, "", "INFO");
                ROW("heading error after recovery (deg)", err, "", "INFO");
                if (mode == 0) {
                    snprintf(ms, sizeof ms, "B during silencing %.3f B0, after %.3f B0 (B0 %.4g; %zu compass units)",
                             lost / B0, back / B0, B0, nU);
                    ac_crit(crit, "R10", "lesion E1: bump lost, then re-forms", ms, "<= 0.25 B0, then >= 0.5 B0",
                            ok1 && ok2 ? "PASS" : "FAIL");
                }
            } else if (e == E2 || e == E2M) {
                double d = median_drift(&P, M.psi, t_on, t_off, per);
                double dc = median_drift(&P, M0.psi, t_on, t_off, per);
                double dth = median_drift(&P, M.thhat, t_on, t_off, per);
                double bw = median_window(&P, M.B, t_on, t_off, per);
                int ok = e == E2 ? (d >= 20 && fabs(dc) <= 5 && dth > 0) : (d <= -20 && fabs(dc) <= 5 && dth < 0);
                const char *st = mode ? "INFO" : ok ? "PASS" : (e == E2M ? "WARN" : "FAIL");
                ROW("psi drift (deg)", d, e == E2 ? ">= +20" : "<= -20", st);
                ROW("control psi drift (deg)", dc, "|.| <= 5", "INFO");
                ROW("theta_hat drift (deg)", dth, "same sign", "INFO");
                ROW("B over window / B0", bw / B0, "", "INFO");
                if (mode == 0) {
                    snprintf(ms, sizeof ms, "psi drift %+.1f deg, control %+.1f deg, decoded drift %+.1f deg (%zu units)",
                             d, dc, dth, nU);
                    if (e == E2)
                        ac_crit(crit, "R11", "lesion E2: CW shifters silenced, bump drifts CCW at rest", ms,
                                "drift >= +20, control |drift| <= 5, decoded same sign", ok ? "PASS" : "FAIL");
                    else
                        ac_crit(crit, "R11m", "lesion E2m: CCW shifters silenced, bump drifts CW", ms,
                                "drift <= -20 (mirror expectation, WARN only)", ok ? "PASS" : "WARN");
                }
            } else {
                double G, G0;
                for (size_t b = 0; b < P.B; b++) {
                    double dt = mean_range(theta + b * P.T, t_off - 10, t_off) - mean_range(theta + b * P.T, t_on - 10, t_on);
                    per[b] = (mean_range(M.psi + b * P.T, t_off - 10, t_off) - mean_range(M.psi + b * P.T, t_on - 10, t_on)) / dt;
                }
                G = ac_median(per, NULL, P.B);
                for (size_t b = 0; b < P.B; b++) {
                    double dt = mean_range(theta + b * P.T, t_off - 10, t_off) - mean_range(theta + b * P.T, t_on - 10, t_on);
                    per[b] = (mean_range(M0.psi + b * P.T, t_off - 10, t_off) - mean_range(M0.psi + b * P.T, t_on - 10, t_on)) / dt;
                }
                G0 = ac_median(per, NULL, P.B);
                double bw = median_window(&P, M.B, t_on, t_off, per), bw0 = median_window(&P, M0.B, t_on, t_off, per);
                int ok = G0 >= 0.8 && G0 <= 1.2 && fabs(G) <= 0.2 && bw >= 0.5 * bw0;
                ROW("gain G", G, "|G| <= 0.2", mode ? "INFO" : ok ? "PASS" : "FAIL");
                ROW("control gain G", G0, "[0.8, 1.2]", "INFO");
                ROW("B over window / control", bw / bw0, ">= 0.5", "INFO");
                if (mode == 0) {
                    snprintf(ms, sizeof ms, "gain %.3f (control %.3f), bump %.2f of control (%zu units)", G, G0,
                             bw / bw0, nU);
                    ac_crit(crit, "R12", "lesion E3: both shifter groups silenced, bump stable but does not turn", ms,
                            "control G in [0.8,1.2], |G| <= 0.2, B >= 0.5 control", ok ? "PASS" : "FAIL");
                }
            }
#undef ROW
            /* data of 5 trials */
            size_t n5 = P.B < 5 ? P.B : 5;
            hdnet_npz *z;
            AC_CHECK(hdnet_npz_create(&z));
            double *tt = ac_malloc(P.T * sizeof *tt);
            for (size_t k = 0; k < P.T; k++)
                tt[k] = (double)k;
            ac_npz_add(z, "t", HDNET_DTYPE_F64, tt, P.T, 0, 0);
            ac_npz_add(z, "theta", HDNET_DTYPE_F64, theta, n5, P.T, 0);
            ac_npz_add(z, "theta_hat", HDNET_DTYPE_F64, M.thhat, n5, P.T, 0);
            ac_npz_add(z, "psi", HDNET_DTYPE_F64, M.psi, n5, P.T, 0);
            ac_npz_add(z, "B", HDNET_DTYPE_F64, M.B, n5, P.T, 0);
            ac_npz_add(z, "rho", HDNET_DTYPE_F64, M.rho, n5, P.T, 0);
            ac_npz_add(z, "shadow", HDNET_DTYPE_F32, sh, n5, P.T, N);
            ac_npz_add(z, "B_control", HDNET_DTYPE_F64, M0.B, n5, P.T, 0);
            ac_npz_add(z, "psi_control", HDNET_DTYPE_F64, M0.psi, n5, P.T, 0);
            char name[64];
            snprintf(name, sizeof name, "lesion_%s_%s.npz", exp_name[e], mn);
            ac_npz_save(z, out, name);
            free(tt);
            if (mode == 0) { /* plot data: trial 0 (E3: trial 0 turns CCW) */
                snprintf(name, sizeof name, "lesion_%s.dat", exp_name[e]);
                FILE *f = ac_fopen(out, name);
                for (size_t k = 0; k < P.T; k++) {
                    double B0t = M0.B[k];
                    fprintf(f, "%zu %.6g %.6g %.6g %.6g %.6g %.6g\n", k, theta[k], M.thhat[k], M.psi[k], M.B[k], B0t,
                            M0.psi[k]);
                }
                ac_fclose(f, name);
                snprintf(name, sizeof name, "lesion_%s_heat.dat", exp_name[e]);
                f = ac_fopen(out, name);
                for (size_t i = 0; i < nc; i++) {
                    for (size_t k = 0; k < P.T; k++)
                        fprintf(f, "%s%.4g", k ? " " : "", sh[k * N + (size_t)comp_sorted[i]]);
                    fprintf(f, "\n");
                }
                ac_fclose(f, name);
            }
        }
    }
    ac_fclose(csv, "lesion.csv");
    if (ac_crit_txt && (ferror(ac_crit_txt) | fclose(ac_crit_txt)))
        ac_die("error writing criteria.txt");
    if (ferror(crit) | fclose(crit))
        ac_die("error writing criteria.csv");
    {
        FILE *f = ac_fopen(out, "lesion_meta.gp");
        fprintf(f, "ton=%zu\ntoff=%zu\ntoff1=400\nncomp=%zu\nnsteps=%zu\n", P.t_on, P.t_off, nc, P.T);
        ac_fclose(f, "lesion_meta.gp");
    }
    if (plots) {
        char *pd = ac_plot_dir(argv[0]);
        printf("%s\n", ac_gnuplot(pd, "lesion.gp", out) ? "figures: skipped" : "figures: written (PNG and SVG)");
        free(pd);
    }
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 4; k++)
            free(*mp[a][k]);
    free(x);
    free(y);
    free(y0);
    free(sh);
    free(sh0);
    free(theta);
    free(per);
    free(cls);
    free(phi);
    free(comp);
    free(comp_sorted);
    free(cw);
    free(ccw);
    free(both);
    hdnet_aparams_free(ap);
    hdnet_net_free(net);
    return 0;
}
