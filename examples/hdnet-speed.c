/* hdnet-speed: the input-statistics experiment (docs/analyses.md, paper Fig. 5).
 *
 *   hdnet-speed --out DIR [--seeds 3] [--updates N] [--speeds 0.1,1,3]
 *
 * Trains networks with the paper recipe at each speed and seed, in this process
 * and as hdnet-train would (DIR/speed/<speed>/<seed>/), or reuses
 * DIR/speed/<speed>/<seed>/model.npz when it exists; analyses each on an analysis
 * set drawn at its own speed; classifies with the adaptive rule, the reference rule
 * and the reference rule with slope thresholds scaled by sigma_ref/sigma_AV; writes
 * speed.csv, per-network units.csv, criteria.csv (R13) and a figure. */
#include "cli.h"
#include "train_run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cli_prog[] = "hdnet-speed";

#define MAXSPEEDS 8
#define MAXSEEDS 32
#define NRULES 3 /* adaptive, reference, scaled: the first three of cli_units */

static void usage(FILE *f)
{
    fprintf(f, "usage: hdnet-speed --out DIR [options]\n"
               "  -o, --out DIR         output directory (required)\n"
               "  -k, --seeds K         seeds per speed (3)\n"
               "  -u, --updates N       training updates (default: the recipe's)\n"
               "      --speeds LIST     comma-separated speed multipliers (0.1,1,3)\n"
               "  -r, --recipe NAME     training recipe (paper)\n"
               "  -j, --threads K       training threads (default: every online core)\n"
               "  -n, --trials N        analysis trials per network (2000)\n"
               "  -T, --steps T         analysis steps per trial (1000)\n"
               "  -S, --set name=value  analysis parameter\n"
               "      --train-set name=value  training parameter, as hdnet-train --set (repeatable)\n"
               "      --no-train        only analyse networks that exist\n"
               "      --no-plots        write data only\n"
               "  -h, --help\n"
               "      --version         program and library version\n");
}

typedef struct {
    const char *out, *recipe, *tsets[16];
    size_t K, updates, B, T, nsp, ntsets;
    double speeds[MAXSPEEDS];
    int threads, train, plots, argc;
    char **argv;
    hdnet_aparams *ap;
} options;

static void parse_speeds(options *o, const char *arg)
{
    o->nsp = 0;
    for (const char *s = arg; *s;) {
        char *end;
        if (o->nsp == MAXSPEEDS)
            cli_die("--speeds: at most %d values", MAXSPEEDS);
        double v = strtod(s, &end);
        if (end == s || *s == ' ' || *s == '\t' || !(v > 0) || !isfinite(v) || (*end && *end != ','))
            cli_die("--speeds: expected positive numbers separated by commas, got '%s'", arg);
        /* each speed has its own directory DIR/speed/<%g of the speed> */
        char name[64], other[64];
        snprintf(name, sizeof name, "%g", v);
        for (size_t i = 0; i < o->nsp; i++) {
            snprintf(other, sizeof other, "%g", o->speeds[i]);
            if (strcmp(name, other) == 0)
                cli_die("--speeds: %.17g and %.17g are %s (the same directory speed/%s)", o->speeds[i], v,
                        o->speeds[i] == v ? "the same speed" : "too close", name);
        }
        o->speeds[o->nsp++] = v;
        s = *end ? end + 1 : end;
    }
    if (o->nsp < 2)
        cli_die("--speeds: need at least two speeds");
}

/* The training config of every network but its seed and speed; exits on a bad
 * --recipe or --train-set before anything runs. */
static hdnet_config *train_config(const options *o)
{
    hdnet_config *cfg;
    cli_check("config", hdnet_config_create(&cfg));
    if (hdnet_config_set_recipe(cfg, o->recipe) != HDNET_OK)
        cli_die("unknown recipe (paper, reference): %s", o->recipe);
    if (o->updates)
        cli_check("--updates", hdnet_config_set_int(cfg, HDNET_P_UPDATES, (int64_t)o->updates));
    cli_check("--threads", hdnet_config_set_int(cfg, HDNET_P_THREADS, o->threads));
    for (size_t i = 0; i < o->ntsets; i++)
        cli_set(NULL, cfg, CLI_SET_ANY, o->tsets[i]);
    return cfg;
}

static options parse(int argc, char **argv)
{
    options o = {.recipe = "paper", .K = 3, .B = 2000, .T = 1000, .nsp = 3, .speeds = {0.1, 1, 3},
                 .threads = cli_default_threads(), .train = 1, .plots = 1, .argc = argc, .argv = argv};
    cli_check("parameters", hdnet_aparams_create(&o.ap));
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},       {"seeds", required_argument, 0, 'k'},
        {"updates", required_argument, 0, 'u'},   {"speeds", required_argument, 0, 'v'},
        {"recipe", required_argument, 0, 'r'},    {"threads", required_argument, 0, 'j'},
        {"trials", required_argument, 0, 'n'},    {"steps", required_argument, 0, 'T'},
        {"set", required_argument, 0, 'S'},       {"train-set", required_argument, 0, 'E'},
        {"no-train", no_argument, 0, 'N'},        {"no-plots", no_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'},            {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    int c;
    while ((c = cli_getopt(argc, argv, "o:k:u:r:j:n:T:S:h", opts, usage)) != -1) {
        switch (c) {
        case 'o': o.out = optarg; break;
        case 'k': o.K = cli_uint("--seeds", optarg, 1, MAXSEEDS); break;
        case 'u': o.updates = cli_uint("--updates", optarg, 1, 100000000); break;
        case 'v': parse_speeds(&o, optarg); break;
        case 'r': o.recipe = optarg; break;
        case 'j': o.threads = (int)cli_uint("--threads", optarg, 1, 256); break;
        case 'n': o.B = cli_uint("--trials", optarg, 10, 1000000); break;
        case 'T': o.T = cli_uint("--steps", optarg, 20, 1000000); break;
        case 'S': cli_set(o.ap, NULL, CLI_SET_TASK, optarg); break;
        case 'E': cli_push_arg(o.tsets, &o.ntsets, 16, "--train-set", optarg); break;
        case 'N': o.train = 0; break;
        case 'P': o.plots = 0; break;
        default: cli_bad_option(argv);
        }
    }
    if (optind != argc)
        cli_die("unexpected argument '%s'", argv[optind]);
    if (!o.out)
        cli_die("--out DIR is required");
    hdnet_config_free(train_config(&o)); /* validated now, not after the first analysis */
    return o;
}

/* Train the network of one speed and seed into dir, as hdnet-train --out dir --speed
 * --seed --recipe --threads --report 500 [--updates] [--set ...] would. Returns 0 on success. */
static int train(const options *o, const char *dir, double speed, size_t seed)
{
    hdnet_config *cfg = train_config(o);
    cli_check("seed", hdnet_config_set_int(cfg, HDNET_P_SEED, (int64_t)seed));
    cli_check("speed", hdnet_config_set_double(cfg, HDNET_P_SPEED, speed));
    for (size_t i = 0; i < o->ntsets; i++) /* --train-set is applied last, as hdnet-train --set */
        cli_set(NULL, cfg, CLI_SET_ANY, o->tsets[i]);
    char *safe = cli_safe(dir);
    printf("training: speed %g seed %zu into %s\n", speed, seed, safe);
    free(safe);
    fflush(stdout);
    cli_mkdirs(dir);
    cli_lock_dir(dir);
    cli_remove_stale_temps(dir);
    train_options to = {dir, o->recipe, 0, 0, 500, 100, o->argc, o->argv};
    int status = train_run(cfg, &to);
    hdnet_config_free(cfg);
    if (status > 128)
        exit(status); /* Ctrl-C or SIGTERM: the state is saved; stop the experiment */
    return status;
}

/* Analyse one network: its row of speed.csv, its units.csv and units_plot.dat, its
 * class counts under the three rules; returns its NE, and the error of holding the cued
 * heading on its analysis trials in *ne_hold. */
static double analyse(const options *o, const hdnet_net *net, const char *dir, double speed, size_t seed, FILE *csv,
                      double counts[NRULES][HDNET_NCLASSES], double *ne_hold)
{
    hdnet_config *set;
    hdnet_study *s;
    double ne, sigma;
    cli_check("analysis set", hdnet_analysis_config(net, o->T, &set));
    cli_check("analysis", hdnet_study_run(&s, net, NULL, set, o->B, HDNET_ANALYSIS_SEED, o->ap, 50));
    const hdnet_tuning *t = hdnet_study_tuning(s, 0);
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_NE, &ne));
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_NE_HOLD, ne_hold));
    cli_check("tuning", hdnet_tuning_scalar(t, HDNET_TS_SIGMA_AV, &sigma));
    cli_units u;
    cli_units_get(&u, t, o->ap);
    memset(counts, 0, sizeof(double) * NRULES * HDNET_NCLASSES);
    double *kept = cli_malloc(u.n * sizeof *kept);
    size_t nk = 0;
    for (size_t i = 0; i < u.n; i++) {
        for (int r = 0; r < NRULES; r++)
            counts[r][u.cls[r][i]] += 1;
        if (u.cls[CLI_ADAPTIVE][i] != HDNET_CLASS_INACTIVE)
            kept[nk++] = u.stat[HDNET_US_A][i];
    }
    const double *info = u.info[CLI_ADAPTIVE];
    fprintf(csv, "%g,%zu,%.6g,%.6g,%.6g,%.6g,%.6g,%s,%.6g", speed, seed, ne, *ne_hold, sigma, info[HDNET_CI_ASTAR],
            info[HDNET_CI_D],
            info[HDNET_CI_BRANCH] == 1 ? "otsu" : "fallback", hdnet_median(kept, nk));
    for (int r = 0; r < NRULES; r++)
        for (int q = 0; q < HDNET_NCLASSES; q++)
            fprintf(csv, ",%.0f", counts[r][q]);
    fprintf(csv, "\n");
    fflush(csv);
    cli_write_units(&u, dir);
    FILE *fp = cli_fopen(dir, "units_plot.dat");
    for (size_t i = 0; i < u.n; i++)
        fprintf(fp, "%d %.6g %.6g\n", u.cls[CLI_ADAPTIVE][i], u.stat[HDNET_US_S][i], u.stat[HDNET_US_A][i]);
    cli_fclose(fp, "units_plot.dat");
    printf("speed %g seed %zu: NE %.4f%% (holding the cued heading: %.4f%%), sigma_AV %.3f, adaptive compass %.0f "
           "CCW %.0f CW %.0f weak %.0f inactive %.0f (A* %.3g)\n", speed, seed, 100 * ne, 100 * *ne_hold, sigma,
           counts[0][0], counts[0][1], counts[0][2], counts[0][3], counts[0][4], info[HDNET_CI_ASTAR]);
    fflush(stdout);
    free(kept);
    cli_units_free(&u);
    hdnet_study_free(s);
    hdnet_config_free(set);
    return ne;
}

/* counts[speed][seed][rule][class]; have[speed][seed] when the network was analysed. */
typedef double counts_t[MAXSEEDS][NRULES][HDNET_NCLASSES];

/* speed_summary.dat and the claims R13, R13i, R13s: per rule and speed, the medians
 * over seeds of the compass and shifter fractions of all units. */
static void summarise(const options *o, counts_t *counts, int have[][MAXSEEDS], hdnet_claims *claims)
{
    static const char *fmt = "%g %d %.4f %.4f %.4f %.4f %.4f %.4f %zu\n";
    FILE *fd = cli_fopen(o->out, "speed_summary.dat");
    fprintf(fd, "# speed rule compass_med shifter_med compass_min compass_max shifter_min shifter_max n\n");
    for (int r = 0; r < NRULES; r++) {
        double med[2][MAXSPEEDS], ends[2][2 * MAXSEEDS]; /* slowest, fastest: compass then shifter fractions */
        size_t n_end[2] = {0, 0};
        for (size_t si = 0; si < o->nsp; si++) {
            double cv[MAXSEEDS], sv[MAXSEEDS], tmp[MAXSEEDS], cmin = INFINITY, cmax = -INFINITY, smin = INFINITY,
                                                               smax = -INFINITY;
            size_t n = 0;
            for (size_t k = 0; k < o->K; k++) {
                if (!have[si][k])
                    continue;
                const double *c = counts[si][k][r];
                double tot = c[0] + c[1] + c[2] + c[3] + c[4];
                cv[n] = c[0] / tot;
                sv[n] = (c[1] + c[2]) / tot;
                cmin = fmin(cmin, cv[n]);
                cmax = fmax(cmax, cv[n]);
                smin = fmin(smin, sv[n]);
                smax = fmax(smax, sv[n]);
                n++;
            }
            for (int e = 0; e < 2; e++)
                if (si == (e ? o->nsp - 1 : 0)) {
                    memcpy(ends[e], cv, n * sizeof *cv);
                    memcpy(ends[e] + n, sv, n * sizeof *sv);
                    n_end[e] = n;
                }
            med[0][si] = hdnet_median(memcpy(tmp, cv, n * sizeof *cv), n);
            med[1][si] = hdnet_median(memcpy(tmp, sv, n * sizeof *sv), n);
            fprintf(fd, fmt, o->speeds[si], r, med[0][si], med[1][si], cmin, cmax, smin, smax, n);
        }
        cli_check("claims", hdnet_claims_add_speed(claims, r, o->nsp, o->speeds, med[0], med[1], o->K));
        if (n_end[0] && n_end[1] && n_end[0] + n_end[1] <= 20) /* the speed labels exchanged (R13's null) */
            cli_check("claims", hdnet_claims_speed_nulls(claims, r, n_end[0], ends[0], n_end[1], ends[1],
                                                         HDNET_NULL_QUANTILE));
    }
    cli_fclose(fd, "speed_summary.dat");
}

int main(int argc, char **argv)
{
    options o = parse(argc, argv);
    cli_mkdirs(o.out);
    cli_lock_dir(o.out);
    FILE *csv = cli_fopen(o.out, "speed.csv");
    fprintf(csv, "speed,seed,ne,ne_hold,sigma_av,astar,D,branch,median_A");
    static const char *rules[NRULES] = {"adaptive", "reference", "scaled"};
    for (int r = 0; r < NRULES; r++)
        for (int k = 0; k < HDNET_NCLASSES; k++)
            fprintf(csv, ",%s_%s", rules[r], hdnet_class_name(k));
    fprintf(csv, "\n");
    static counts_t counts[MAXSPEEDS];
    int have[MAXSPEEDS][MAXSEEDS] = {{0}};
    size_t analysed = 0;
    /* the gate of R13: every network must do the task; the one furthest from its bound decides */
    double worst_ne = NAN, worst_bound = HDNET_GATE_NE_MAX, worst_ratio = -INFINITY;
    for (size_t si = 0; si < o.nsp; si++)
        for (size_t k = 0; k < o.K; k++) {
            char dir[4096], model[4200];
            snprintf(dir, sizeof dir, "%s/speed/%g/%zu", o.out, o.speeds[si], k + 1);
            snprintf(model, sizeof model, "%s/model.npz", dir);
            if (access(model, R_OK) != 0) {
                if (!o.train) {
                    cli_warn("%s missing, skipped (--no-train)", model);
                    continue;
                }
                int rc = train(&o, dir, o.speeds[si], k + 1);
                if (rc != 0 || access(model, R_OK) != 0) {
                    fprintf(stderr, "%s: training for speed %g seed %zu failed (status %d); skipped\n", cli_prog,
                            o.speeds[si], k + 1, rc);
                    continue;
                }
            }
            hdnet_net *net;
            int rc = hdnet_net_load(&net, model);
            if (rc) {
                cli_warn("cannot load %s: %s; skipped", model, hdnet_errmsg());
                continue;
            }
            double ne_hold, ne = analyse(&o, net, dir, o.speeds[si], k + 1, csv, counts[si][k], &ne_hold);
            const double bound = hdnet_gate_bound(ne_hold), ratio = isnan(ne) ? INFINITY : ne / bound;
            if (ratio > worst_ratio) {
                worst_ratio = ratio;
                worst_ne = ne;
                worst_bound = bound;
            }
            have[si][k] = 1;
            analysed++;
            hdnet_net_free(net);
        }
    if (analysed == 0)
        cli_die("no network was trained or found: nothing to analyse");
    cli_fclose(csv, "speed.csv");
    hdnet_claims *claims;
    cli_check("claims", hdnet_claims_create(&claims));
    summarise(&o, counts, have, claims);
    cli_check("claims", hdnet_claims_gate(claims, worst_ne, worst_bound, analysed));
    cli_write_claims(claims, o.out);
    hdnet_claims_free(claims);
    if (o.plots)
        printf("%s\n", cli_plot(argv[0], "speed.gp", o.out) ? "figures: skipped" : "figures: written (PNG, SVG and PDF)");
    hdnet_aparams_free(o.ap);
    if (analysed < o.nsp * o.K) {
        fprintf(stderr, "%s: %zu of %zu networks analysed (the others were skipped, see above)\n", cli_prog,
                analysed, o.nsp * o.K);
        return EXIT_FAILURE;
    }
    return 0;
}
