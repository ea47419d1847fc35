/* hdnet-speed: the input-statistics experiment (spec analyses §5, paper Fig. 5).
 *
 *   hdnet-speed --out DIR [--seeds 3] [--updates N] [--speeds 0.1,1,3]
 *
 * Trains networks with the paper recipe at each speed and seed by running
 * hdnet-train (next to this program) as a subprocess, or reuses
 * DIR/speed/<speed>/<seed>/model.npz when it exists; analyses each on an analysis
 * set drawn at its own speed; classifies with the adaptive rule, the reference rule
 * and the reference rule with slope thresholds scaled by sigma_ref/sigma_AV; writes
 * speed.csv, per-network units.csv, criteria.csv (R13) and a figure. */
#include <getopt.h>

#include "analysis_common.h"

#define MAXSPEEDS 8
#define MAXSEEDS 32

static void usage(FILE *f)
{
    fprintf(f, "usage: hdnet-speed --out DIR [options]\n"
               "  -o, --out DIR         output directory (required)\n"
               "  -k, --seeds K         seeds per speed (3)\n"
               "  -u, --updates N       training updates (default: the recipe's)\n"
               "      --speeds LIST     comma-separated speed multipliers (0.1,1,3)\n"
               "  -r, --recipe NAME     training recipe (paper)\n"
               "  -j, --threads K       training threads (2)\n"
               "  -n, --trials N        analysis trials per network (2000)\n"
               "  -T, --steps T         analysis steps per trial (1000)\n"
               "  -S, --set name=value  analysis parameter\n"
               "      --train-set name=value  passed to hdnet-train as --set (repeatable)\n"
               "      --no-train        only analyse networks that exist\n"
               "      --no-plots        write data only\n"
               "  -h, --help\n");
}

static int file_exists(const char *p)
{
    return access(p, R_OK) == 0;
}

/* Run hdnet-train; returns its exit status. */
static int run_train(const char *train, const char *dir, double speed, int seed, size_t updates, const char *recipe,
                     int threads, char **tsets, size_t ntsets)
{
    char sp[32], sd[32], up[32], th[32];
    snprintf(sp, sizeof sp, "%g", speed);
    snprintf(sd, sizeof sd, "%d", seed);
    snprintf(up, sizeof up, "%zu", updates);
    snprintf(th, sizeof th, "%d", threads);
    char *argv[64];
    int a = 0;
    argv[a++] = (char *)train;
    argv[a++] = "--out";
    argv[a++] = (char *)dir;
    argv[a++] = "--speed";
    argv[a++] = sp;
    argv[a++] = "--seed";
    argv[a++] = sd;
    argv[a++] = "--recipe";
    argv[a++] = (char *)recipe;
    argv[a++] = "--threads";
    argv[a++] = th;
    argv[a++] = "--report";
    argv[a++] = "500";
    if (updates) {
        argv[a++] = "--updates";
        argv[a++] = up;
    }
    for (size_t i = 0; i < ntsets && a < 60; i++) {
        argv[a++] = "--set";
        argv[a++] = tsets[i];
    }
    argv[a] = NULL;
    printf("training: %s --out %s --speed %s --seed %s%s%s\n", train, dir, sp, sd, updates ? " --updates " : "",
           updates ? up : "");
    fflush(stdout);
    pid_t pid;
    if (posix_spawn(&pid, train, NULL, NULL, argv, environ) != 0)
        ac_die("cannot run %s: %s", train, strerror(errno));
    int st;
    if (waitpid(pid, &st, 0) < 0)
        ac_die("waitpid: %s", strerror(errno));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int main(int argc, char **argv)
{
    ac_prog = "hdnet-speed";
    const char *out = NULL, *recipe = "paper";
    size_t K = 3, updates = 0, B = 2000, T = 1000;
    int threads = 2, train = 1, plots = 1;
    double speeds[MAXSPEEDS] = {0.1, 1, 3};
    size_t nsp = 3;
    char *tsets[16];
    size_t ntsets = 0;
    hdnet_aparams *ap;
    AC_CHECK(hdnet_aparams_create(&ap));
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"seeds", required_argument, 0, 'k'},
                                         {"updates", required_argument, 0, 'u'},
                                         {"speeds", required_argument, 0, 'v'},
                                         {"recipe", required_argument, 0, 'r'},
                                         {"threads", required_argument, 0, 'j'},
                                         {"trials", required_argument, 0, 'n'},
                                         {"steps", required_argument, 0, 'T'},
                                         {"set", required_argument, 0, 'S'},
                                         {"train-set", required_argument, 0, 'E'},
                                         {"no-train", no_argument, 0, 'N'},
                                         {"no-plots", no_argument, 0, 'P'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    opterr = 0; /* one line of our own on bad options */
    while ((c = getopt_long(argc, argv, "o:k:u:r:j:n:T:S:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'k': K = ac_size("seeds", optarg, 1, MAXSEEDS); break;
        case 'u': updates = ac_size("updates", optarg, 1, 100000000); break;
        case 'v': {
            nsp = 0;
            char *s = optarg;
            while (*s) {
                char *end;
                if (nsp == MAXSPEEDS)
                    ac_die("--speeds: at most %d values", MAXSPEEDS);
                errno = 0;
                double v = strtod(s, &end);
                if (end == s || errno || !(v > 0) || (*end && *end != ','))
                    ac_die("--speeds: expected positive numbers separated by commas, got '%s'", optarg);
                speeds[nsp++] = v;
                s = *end ? end + 1 : end;
            }
            if (nsp < 2)
                ac_die("--speeds: need at least two speeds");
            break;
        }
        case 'r': recipe = optarg; break;
        case 'j': threads = (int)ac_size("threads", optarg, 1, 64); break;
        case 'n': B = ac_size("trials", optarg, 10, 1000000); break;
        case 'T': T = ac_size("steps", optarg, 20, 1000000); break;
        case 'S': ac_set(ap, NULL, optarg); break;
        case 'E':
            if (ntsets == 16)
                ac_die("too many --train-set options");
            tsets[ntsets++] = optarg;
            break;
        case 'N': train = 0; break;
        case 'P': plots = 0; break;
        case 'h': usage(stdout); return 0;
        default: ac_bad_option(argv);
        }
    }
    if (optind != argc)
        ac_die("unexpected argument '%s'", argv[optind]);
    if (!out)
        ac_die("--out DIR is required");
    ac_mkdirs(out);
    /* hdnet-train next to this program */
    char train_path[4096];
    {
        const char *slash = strrchr(argv[0], '/');
        size_t n = slash ? (size_t)(slash - argv[0]) : 1;
        snprintf(train_path, sizeof train_path, "%.*s/hdnet-train", (int)n, slash ? argv[0] : ".");
    }
    FILE *csv = ac_fopen(out, "speed.csv");
    fprintf(csv, "speed,seed,ne,sigma_av,astar,D,branch,median_A");
    static const char *rules[3] = {"adaptive", "reference", "scaled"};
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < HDNET_NCLASSES; k++)
            fprintf(csv, ",%s_%s", rules[r], hdnet_class_name(k));
    fprintf(csv, "\n");
    /* counts[speed][seed][rule][class], NAN when missing */
    static double counts[MAXSPEEDS][MAXSEEDS][3][HDNET_NCLASSES];
    int have[MAXSPEEDS][MAXSEEDS];
    memset(have, 0, sizeof have);
    for (size_t si = 0; si < nsp; si++)
        for (size_t k = 0; k < K; k++) {
            char dir[4096], model[4200];
            snprintf(dir, sizeof dir, "%s/speed/%g/%zu", out, speeds[si], k + 1);
            snprintf(model, sizeof model, "%s/model.npz", dir);
            if (!file_exists(model)) {
                if (!train) {
                    fprintf(stderr, "%s: %s missing, skipped (--no-train)\n", ac_prog, model);
                    continue;
                }
                ac_mkdirs(dir);
                int rc = run_train(train_path, dir, speeds[si], (int)k + 1, updates, recipe, threads, tsets, ntsets);
                if (rc != 0 || !file_exists(model)) {
                    fprintf(stderr, "%s: training for speed %g seed %zu failed (status %d); skipped\n", ac_prog,
                            speeds[si], k + 1, rc);
                    continue;
                }
            }
            hdnet_net *net;
            int rc = hdnet_net_load(&net, model);
            if (rc) {
                fprintf(stderr, "%s: cannot load %s: %s; skipped\n", ac_prog, model, hdnet_errmsg());
                continue;
            }
            size_t N;
            AC_CHECK(hdnet_net_dims(net, &N, NULL, NULL));
            hdnet_config *cfg = ac_eval_config(net, T);
            dataset d;
            ac_make_dataset(&d, cfg, B, T, N, 99999999);
            result R = analyse(net, &d, ap, 50, 1);
            double sigma;
            AC_CHECK(hdnet_tuning_scalar(R.t, HDNET_TS_SIGMA_AV, &sigma));
            int *cl[3];
            double info[3][HDNET_CI_COUNT];
            for (int r = 0; r < 3; r++)
                cl[r] = ac_malloc(N * sizeof(int));
            double *S = ac_malloc(N * sizeof *S), *A = ac_malloc(N * sizeof *A), *b = ac_malloc(N * sizeof *b);
            double *rg = ac_malloc(N * sizeof *rg), *tt = ac_malloc(N * sizeof *tt), *phi = ac_malloc(N * sizeof *phi);
            AC_CHECK(hdnet_tuning_unit_stat(R.t, HDNET_US_S, S, N));
            AC_CHECK(hdnet_tuning_unit_stat(R.t, HDNET_US_A, A, N));
            AC_CHECK(hdnet_tuning_unit_stat(R.t, HDNET_US_SLOPE, b, N));
            AC_CHECK(hdnet_tuning_unit_stat(R.t, HDNET_US_RANGE, rg, N));
            AC_CHECK(hdnet_tuning_unit_stat(R.t, HDNET_US_SLOPE_T, tt, N));
            AC_CHECK(hdnet_tuning_unit_stat(R.t, HDNET_US_PHI, phi, N));
            AC_CHECK(hdnet_classify(HDNET_RULE_ADAPTIVE, ap, N, rg, S, b, tt, A, cl[0], NULL, info[0], HDNET_CI_COUNT));
            AC_CHECK(hdnet_classify(HDNET_RULE_REFERENCE, ap, N, rg, S, b, NULL, NULL, cl[1], NULL, info[1],
                                    HDNET_CI_COUNT));
            {
                /* reference thresholds on the slope scaled by sigma_ref / sigma_AV */
                hdnet_aparams *p2;
                AC_CHECK(hdnet_aparams_create(&p2));
                for (size_t i = 0; i < hdnet_aparam_count(); i++) {
                    int id;
                    double v;
                    AC_CHECK(hdnet_aparam_info(i, &id, NULL, NULL, NULL, NULL));
                    AC_CHECK(hdnet_aparams_get(ap, id, &v));
                    AC_CHECK(hdnet_aparams_set(p2, id, v));
                }
                double scale = isfinite(sigma) && sigma > 0 ? 2.865 / sigma : 1.0;
                AC_CHECK(hdnet_aparams_set(p2, HDNET_A_SLOPE_SCALE, scale));
                AC_CHECK(hdnet_classify(HDNET_RULE_REFERENCE, p2, N, rg, S, b, NULL, NULL, cl[2], NULL, info[2],
                                        HDNET_CI_COUNT));
                hdnet_aparams_free(p2);
            }
            for (int r = 0; r < 3; r++)
                for (int q = 0; q < HDNET_NCLASSES; q++)
                    counts[si][k][r][q] = 0;
            for (size_t u = 0; u < N; u++)
                for (int r = 0; r < 3; r++)
                    counts[si][k][r][cl[r][u]] += 1;
            have[si][k] = 1;
            int *kept = ac_malloc(N * sizeof *kept);
            for (size_t u = 0; u < N; u++)
                kept[u] = cl[0][u] != HDNET_CLASS_INACTIVE;
            double medA = ac_median(A, kept, N);
            fprintf(csv, "%g,%zu,%.6g,%.6g,%.6g,%.6g,%s,%.6g", speeds[si], k + 1, R.ne[0], sigma, info[0][0],
                    info[0][1], info[0][2] == 1 ? "otsu" : "fallback", medA);
            for (int r = 0; r < 3; r++)
                for (int q = 0; q < HDNET_NCLASSES; q++)
                    fprintf(csv, ",%.0f", counts[si][k][r][q]);
            fprintf(csv, "\n");
            fflush(csv);
            char name[64];
            snprintf(name, sizeof name, "speed/%g/%zu", speeds[si], k + 1);
            char *ud = ac_path(out, name);
            FILE *fu = ac_fopen(ud, "units.csv");
            fprintf(fu, "unit,class,preferred_hd_deg,hd_strength,av_slope,class_reference,class_scaled,A,slope_t,range\n");
            for (size_t u = 0; u < N; u++)
                fprintf(fu, "%zu,%s,%.6g,%.6g,%.6g,%s,%s,%.6g,%.6g,%.6g\n", u, hdnet_class_name(cl[0][u]), phi[u], S[u],
                        b[u], hdnet_class_name(cl[1][u]), hdnet_class_name(cl[2][u]), A[u], tt[u], rg[u]);
            ac_fclose(fu, "units.csv");
            FILE *fp = ac_fopen(ud, "units_plot.dat");
            for (size_t u = 0; u < N; u++)
                fprintf(fp, "%d %.6g %.6g\n", cl[0][u], S[u], A[u]);
            ac_fclose(fp, "units_plot.dat");
            free(ud);
            printf("speed %g seed %zu: NE %.4f%%, sigma_AV %.3f, adaptive compass %.0f CCW %.0f CW %.0f weak %.0f "
                   "inactive %.0f (A* %.3g)\n", speeds[si], k + 1, 100 * R.ne[0], sigma, counts[si][k][0][0],
                   counts[si][k][0][1], counts[si][k][0][2], counts[si][k][0][3], counts[si][k][0][4], info[0][0]);
            fflush(stdout);
            for (int r = 0; r < 3; r++)
                free(cl[r]);
            free(S);
            free(A);
            free(b);
            free(rg);
            free(tt);
            free(phi);
            free(kept);
            free(R.y5);
            hdnet_tuning_free(R.t);
            ac_free_dataset(&d);
            hdnet_config_free(cfg);
            hdnet_net_free(net);
        }
    ac_fclose(csv, "speed.csv");

    /* medians over seeds: compass and shifter fractions of all units */
    FILE *fd = ac_fopen(out, "speed_summary.dat");
    fprintf(fd, "# speed rule compass_med shifter_med compass_min compass_max shifter_min shifter_max n\n");
    double med[3][MAXSPEEDS][2];
    for (int r = 0; r < 3; r++)
        for (size_t si = 0; si < nsp; si++) {
            double cv[MAXSEEDS], sv[MAXSEEDS];
            size_t n = 0;
            for (size_t k = 0; k < K; k++)
                if (have[si][k]) {
                    double tot = 0;
                    for (int q = 0; q < HDNET_NCLASSES; q++)
                        tot += counts[si][k][r][q];
                    cv[n] = counts[si][k][r][0] / tot;
                    sv[n] = (counts[si][k][r][1] + counts[si][k][r][2]) / tot;
                    n++;
                }
            med[r][si][0] = ac_median(cv, NULL, n);
            med[r][si][1] = ac_median(sv, NULL, n);
            double cmin = INFINITY, cmax = -INFINITY, smin = INFINITY, smax = -INFINITY;
            for (size_t i = 0; i < n; i++) {
                cmin = fmin(cmin, cv[i]);
                cmax = fmax(cmax, cv[i]);
                smin = fmin(smin, sv[i]);
                smax = fmax(smax, sv[i]);
            }
            fprintf(fd, "%g %d %.4f %.4f %.4f %.4f %.4f %.4f %zu\n", speeds[si], r, med[r][si][0], med[r][si][1], cmin,
                    cmax, smin, smax, n);
        }
    ac_fclose(fd, "speed_summary.dat");
    char *cp = ac_path(out, "criteria.csv");
    FILE *crit = fopen(cp, "w");
    if (!crit)
        ac_die("cannot write %s", cp);
    free(cp);
    fprintf(crit, "id,claim,measured,criterion,status\n");
        ac_open_crit_txt(out, "w");
    for (int r = 0; r < 3; r++) {
        char ms[1024] = "";
        size_t off = 0;
        for (size_t si = 0; si < nsp; si++)
            off += (size_t)snprintf(ms + off, sizeof ms - off, "%sspeed %g: compass %.2f, shifters %.2f",
                                    si ? "; " : "", speeds[si], med[r][si][0], med[r][si][1]);
        size_t lo = 0, hi = nsp - 1;
        int ok = med[r][lo][0] > med[r][hi][0] && med[r][hi][1] > med[r][lo][1];
        int mono = 1;
        for (size_t si = 1; si < nsp; si++)
            mono &= med[r][si][0] < med[r][si - 1][0] && med[r][si][1] > med[r][si - 1][1];
        const char *st = r ? "INFO" : !ok ? "FAIL" : mono ? "PASS" : "WARN";
        char claim[128];
        snprintf(claim, sizeof claim, "speed trend (%s rule; medians over %zu seeds, fractions of all units)", rules[r], K);
        ac_crit(crit, r == 0 ? "R13" : r == 1 ? "R13i" : "R13s", claim, ms,
                "compass(slow) > compass(fast) and shifters(fast) > shifters(slow); WARN unless monotone", st);
    }
    if (ac_crit_txt && (ferror(ac_crit_txt) | fclose(ac_crit_txt)))
        ac_die("error writing criteria.txt");
    if (ferror(crit) | fclose(crit))
        ac_die("error writing criteria.csv");
    if (plots) {
        char *pd = ac_plot_dir(argv[0]);
        printf("%s\n", ac_gnuplot(pd, "speed.gp", out) ? "figures: skipped" : "figures: written (PNG and SVG)");
        free(pd);
    }
    hdnet_aparams_free(ap);
    return 0;
}
