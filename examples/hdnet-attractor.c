/* hdnet-attractor: the ring attractor of a trained network, on its dynamics
 * (docs/attractor.md).
 *
 *   hdnet-attractor MODEL.npz --out DIR [options]
 *
 * From noise-free task trajectories: fixed points and slow points (Levenberg-
 * Marquardt on q = |F|^2/2 from --starts states), their Jacobian spectra, the
 * ring they form (coverage, drift against heading, stability), the minima of q
 * under a constant angular velocity, the gain curve, bump diffusion under rate
 * noise, the error on trials 10x the training length and after truncating
 * W_rec to rank r = 1..N. With --untrained CKPT the finder also runs on that
 * network (the null). Writes CSV files, attractor.txt (the numbers) and figures. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char cli_prog[] = "hdnet-attractor";

static void usage(FILE *f)
{
    fprintf(f, "usage: hdnet-attractor MODEL.npz --out DIR [options]\n"
               "  -o, --out DIR          output directory (required)\n"
               "  -s, --starts N         starts of the finder (1024)\n"
               "  -n, --trials N         task trials whose states give the starts (64)\n"
               "  -T, --steps T          steps of those trials (500)\n"
               "  -j, --threads N        finder threads (2)\n"
               "      --slow-q Q         q at which a slow point stops (1e-7)\n"
               "      --rel-err E        allowed gain error of the integrated speed (0.1)\n"
               "      --untrained FILE   also find the points of this network (the null)\n"
               "      --seed S           seed of trials, starts, jitter and noise (1)\n"
               "  -S, --set name=value   finder setting of the fixed-point run (q_tol, q_keep, max_iter,\n"
               "                         damping, step_tol, dedup, jitter, eig_tol; attractor.h)\n"
               "      --no-plots         write data only\n"
               "  -h, --help\n"
               "      --version          program and library version\n");
}

typedef struct {
    const char *out, *model, *untrained, *sets[64];
    size_t nsets, starts, trials, steps, threads, diff_trials, diff_steps, gain_trials, rank_trials, long_trials;
    uint64_t seed;
    double slow_q, rel_err;
    int plots;
} options;

static options parse(int argc, char **argv)
{
    options o = {.starts = 1024, .trials = 64, .steps = 500, .threads = 2, .diff_trials = 128, .diff_steps = 1000,
                 .gain_trials = 16, .rank_trials = 64, .long_trials = 100, .seed = 1, .slow_q = 1e-7, .rel_err = 0.1,
                 .plots = 1};
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},     {"starts", required_argument, 0, 's'},
        {"trials", required_argument, 0, 'n'},  {"steps", required_argument, 0, 'T'},
        {"threads", required_argument, 0, 'j'}, {"slow-q", required_argument, 0, 'q'},
        {"rel-err", required_argument, 0, 'e'}, {"untrained", required_argument, 0, 'u'},
        {"seed", required_argument, 0, 'E'},    {"no-plots", no_argument, 0, 'P'},
        {"set", required_argument, 0, 'S'},     {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {0, 0, 0, 0}};
    int c;
    while ((c = cli_getopt(argc, argv, "o:s:n:T:j:S:h", opts, usage)) != -1) {
        switch (c) {
        case 'o': o.out = optarg; break;
        case 's': o.starts = cli_uint("--starts", optarg, 1, 1000000); break;
        case 'n': o.trials = cli_uint("--trials", optarg, 1, 100000); break;
        case 'T': o.steps = cli_uint("--steps", optarg, 20, 1000000); break;
        case 'j': o.threads = cli_uint("--threads", optarg, 1, 256); break;
        case 'q': o.slow_q = cli_double("--slow-q", optarg); break;
        case 'e': o.rel_err = cli_double("--rel-err", optarg); break;
        case 'u': o.untrained = optarg; break;
        case 'E': o.seed = cli_uint("--seed", optarg, 0, UINT64_MAX); break;
        case 'S': cli_push_arg(o.sets, &o.nsets, 64, "--set", optarg); break;
        case 'P': o.plots = 0; break;
        default: cli_bad_option(argv);
        }
    }
    if (optind != argc - 1 || !o.out)
        cli_die("expected MODEL.npz and --out DIR (try --help)");
    if (!(o.slow_q > 0) || !(o.rel_err >= 0))
        cli_die("--slow-q must be > 0 and --rel-err >= 0");
    o.model = argv[optind];
    return o;
}

/* Finder settings for fixed points (q to 1e-14) or slow points (stop at q <= slow_q). */
static hdnet_fpparams *finder_params(size_t threads, double q_tol, double q_keep, size_t max_iter)
{
    hdnet_fpparams *p;
    cli_check("finder settings", hdnet_fpparams_create(&p));
    cli_check("finder settings", hdnet_fpparams_set(p, HDNET_FP_THREADS, (double)threads));
    cli_check("finder settings", hdnet_fpparams_set(p, HDNET_FP_Q_TOL, q_tol));
    cli_check("finder settings", hdnet_fpparams_set(p, HDNET_FP_Q_KEEP, q_keep));
    cli_check("finder settings", hdnet_fpparams_set(p, HDNET_FP_MAX_ITER, (double)max_iter));
    return p;
}

/* --set name=value: a finder setting by its name (hdnet_fpparam_name). */
static void set_finder(hdnet_fpparams *p, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq)
        cli_die("--set: expected name=value, got '%s'", arg);
    size_t len = (size_t)(eq - arg);
    for (int id = 0; hdnet_fpparam_name(id); id++)
        if (strlen(hdnet_fpparam_name(id)) == len && strncmp(arg, hdnet_fpparam_name(id), len) == 0) {
            if (hdnet_fpparams_set(p, id, cli_double("--set", eq + 1)) != HDNET_OK)
                cli_die("--set %s: %s", arg, hdnet_errmsg());
            return;
        }
    cli_die("--set: unknown finder setting in '%s'", arg);
}

/* The network under study and what every phase needs. */
typedef struct {
    const options *o;
    const hdnet_net *net;
    size_t N, cue;
    FILE *txt;
} study;

/* Noise-free trials of the analysis set (hdnet_analysis_config): states [B][T][N]. */
static double *task_states(const hdnet_net *net, size_t B, size_t T, uint64_t seed, double *max_av_deg)
{
    size_t N;
    cli_check("network", hdnet_net_dims(net, &N, NULL, NULL));
    hdnet_config *cfg;
    cli_check("analysis set", hdnet_analysis_config(net, T, &cfg));
    hdnet_task *task;
    cli_check("task", hdnet_task_create(&task, cfg, seed));
    float *x = cli_malloc(B * T * 3 * sizeof *x);
    double *av = cli_malloc(B * T * sizeof *av), *st = cli_malloc(B * T * N * sizeof *st);
    cli_check("task", hdnet_task_generate(task, B, x, B * T * 3, NULL, 0, NULL, 0, NULL, 0, av, B * T));
    cli_check("trajectories", hdnet_attractor_states(net, B, T, x, B * T * 3, NULL, 0, st, B * T * N));
    *max_av_deg = 0;
    for (size_t i = 0; i < B * T; i++)
        *max_av_deg = fmax(*max_av_deg, fabs(av[i]) * CLI_DEG);
    free(x);
    free(av);
    hdnet_task_free(task);
    hdnet_config_free(cfg);
    return st;
}

/* S starts drawn uniformly from the states after the cue. */
static double *pick_starts(const double *st, size_t B, size_t T, size_t N, size_t cue, size_t S, uint64_t seed)
{
    hdnet_rng *rng;
    cli_check("starts", hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, seed));
    uint64_t *idx = cli_malloc(S * sizeof *idx);
    cli_check("starts", hdnet_rng_randint(rng, (uint64_t)(B * (T - cue)), idx, S));
    double *starts = cli_malloc(S * N * sizeof *starts);
    for (size_t s = 0; s < S; s++) {
        size_t b = (size_t)idx[s] / (T - cue), t = cue + (size_t)idx[s] % (T - cue);
        memcpy(starts + s * N, st + (b * T + t) * N, N * sizeof *starts);
    }
    free(idx);
    hdnet_rng_free(rng);
    return starts;
}

typedef struct {
    size_t k, n;
    double *a, *q, *h, *v, *re, *im, *un, *mg, *ns;
} points;

static points get_points(const hdnet_fixed_points *fp)
{
    points P;
    cli_check("points", hdnet_fp_dims(fp, &P.k, &P.n));
    size_t k = P.k, kn = P.k * P.n;
    double **dst[9] = {&P.a, &P.q, &P.h, &P.v, &P.re, &P.im, &P.un, &P.mg, &P.ns};
    int ids[9] = {HDNET_FPA_STATE, HDNET_FPA_Q, HDNET_FPA_HEADING, HDNET_FPA_VELOCITY, HDNET_FPA_EIG_RE,
                  HDNET_FPA_EIG_IM, HDNET_FPA_N_UNSTABLE, HDNET_FPA_N_MARGINAL, HDNET_FPA_N_STARTS};
    for (int i = 0; i < 9; i++) {
        int wide = ids[i] == HDNET_FPA_STATE || ids[i] == HDNET_FPA_EIG_RE || ids[i] == HDNET_FPA_EIG_IM;
        *dst[i] = cli_malloc((wide ? kn : k) * sizeof(double));
        cli_check("points", hdnet_fp_copy(fp, ids[i], *dst[i], wide ? kn : k));
    }
    return P;
}

static void free_points(points *P)
{
    double *p[9] = {P->a, P->q, P->h, P->v, P->re, P->im, P->un, P->mg, P->ns};
    for (int i = 0; i < 9; i++)
        free(p[i]);
}

static double scalar(const hdnet_fixed_points *fp, int which)
{
    double v;
    cli_check("points", hdnet_fp_scalar(fp, which, &v));
    return v;
}

/* Median of the values x[i] with sel[i] (sel NULL: all); hdnet_median keeps the finite ones. */
static double median_of(const double *x, const int *sel, size_t n)
{
    double *b = cli_malloc(n * sizeof *b);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!sel || sel[i])
            b[m++] = x[i];
    double r = hdnet_median(b, m);
    free(b);
    return r;
}

/* The state on the first three principal components of the trajectories. */
static void project(const double *a, const double *mean, const double *pcs, size_t n, double pc[3])
{
    for (int c = 0; c < 3; c++) {
        pc[c] = 0;
        for (size_t j = 0; j < n; j++)
            pc[c] += pcs[c * n + j] * (a[j] - mean[j]);
    }
}

/* One CSV row per point: heading, q, velocity, stability, leading eigenvalues, PCs,
 * and (when given) the alignment of the leading mode with the ring. */
static void write_points(const char *dir, const char *name, const points *P, const double *mean,
                         const double *pcs, const double *align)
{
    FILE *f = cli_fopen(dir, name);
    fprintf(f, "heading_deg,q,velocity_deg_per_step,n_unstable,n_marginal,eig1_re,eig1_im,eig2_re,n_starts,pc1,pc2,pc3,"
               "mode_tangent_cos\n");
    for (size_t i = 0; i < P->k; i++) {
        double pc[3];
        project(P->a + i * P->n, mean, pcs, P->n, pc);
        fprintf(f, "%.6g,%.4g,%.6g,%g,%g,%.6g,%.6g,%.6g,%g,%.6g,%.6g,%.6g,%.4g\n", P->h[i], P->q[i], P->v[i],
                P->un[i], P->mg[i], P->re[i * P->n], P->im[i * P->n], P->n > 1 ? P->re[i * P->n + 1] : NAN, P->ns[i],
                pc[0], pc[1], pc[2], align ? align[i] : NAN);
    }
    cli_fclose(f, name);
}

/* Find points, time it (wall and process CPU), print and save the summary. */
static hdnet_fixed_points *find(const study *s, const hdnet_net *net, const hdnet_fpparams *p, const double *starts,
                                size_t S, const double *x, hdnet_rng *rng, const char *what)
{
    hdnet_fixed_points *fp;
    double t0 = cli_now();
    clock_t c0 = clock();
    cli_check(what, hdnet_fp_find(net, p, starts, S, S * s->N, x, x ? 3 : 0, rng, &fp));
    double seconds = cli_now() - t0, cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    char line[1024];
    snprintf(line, sizeof line,
             "%s: %zu starts, %g converged (q <= q_tol), %g kept, %g points; largest heading gap %.1f deg; "
             "%g stable, %g with one marginal direction; |velocity| mean %.3g max %.3g deg/step; "
             "mean signed velocity %.3g deg/step; median leading Re(lambda) %.3g, second %.3g; "
             "%.1f LM iterations per start; %.2f s wall, %.2f s CPU\n",
             what, S, scalar(fp, HDNET_FPS_N_CONVERGED), scalar(fp, HDNET_FPS_N_KEPT), scalar(fp, HDNET_FPS_N_POINTS),
             scalar(fp, HDNET_FPS_LARGEST_GAP), scalar(fp, HDNET_FPS_N_STABLE), scalar(fp, HDNET_FPS_N_ONE_MARGINAL),
             scalar(fp, HDNET_FPS_MEAN_ABS_VEL), scalar(fp, HDNET_FPS_MAX_ABS_VEL), scalar(fp, HDNET_FPS_MEAN_VEL),
             scalar(fp, HDNET_FPS_MEDIAN_LEAD), scalar(fp, HDNET_FPS_MEDIAN_SECOND),
             scalar(fp, HDNET_FPS_MEAN_ITER), seconds, cpu);
    fputs(line, stdout);
    fputs(line, s->txt);
    return fp;
}

/* |cos| between each fixed point's leading mode and the ring tangent, estimated
 * from the slow points 1-6 degrees either side (NaN where there are none). */
static double *mode_alignment(const hdnet_net *net, const points *F, const points *S)
{
    size_t n = F->n;
    double *cosv = cli_malloc((F->k + 1) * sizeof *cosv), *vec = cli_malloc(n * sizeof *vec);
    double *t = cli_malloc(n * sizeof *t);
    for (size_t i = 0; i < F->k; i++) {
        double re;
        cli_check("leading mode", hdnet_attractor_leading_mode(net, F->a + i * n, n, &re, NULL, vec, n));
        size_t np = 0, nm = 0;
        for (size_t s = 0; s < S->k; s++) {
            double d = hdnet_wrap_deg(S->h[s] - F->h[i]);
            np += d > 1 && d < 6;
            nm += d < -1 && d > -6;
        }
        cosv[i] = NAN;
        if (np && nm) {
            /* mean of the plus side minus mean of the minus side */
            double dot = 0, nt = 0;
            memset(t, 0, n * sizeof *t);
            for (size_t s = 0; s < S->k; s++) {
                double d = hdnet_wrap_deg(S->h[s] - F->h[i]);
                double wgt = d > 1 && d < 6 ? 1.0 / (double)np : (d < -1 && d > -6 ? -1.0 / (double)nm : 0);
                for (size_t j = 0; wgt != 0 && j < n; j++)
                    t[j] += wgt * S->a[s * n + j];
            }
            for (size_t j = 0; j < n; j++) {
                dot += t[j] * vec[j];
                nt += t[j] * t[j];
            }
            cosv[i] = nt > 0 ? fabs(dot) / sqrt(nt) : NAN;
        }
    }
    free(vec);
    free(t);
    return cosv;
}

/* Spectrum of the typical fixed point: the stable point reached from the most starts. */
static void write_spectrum(const char *dir, const points *P)
{
    size_t best = 0;
    for (size_t i = 1; i < P->k; i++)
        if ((P->un[i] == 0 && P->un[best] != 0) || ((P->un[i] == 0) == (P->un[best] == 0) && P->ns[i] > P->ns[best]))
            best = i;
    FILE *f = cli_fopen(dir, "spectrum.csv");
    fprintf(f, "re,im,heading_deg\n");
    for (size_t j = 0; P->k && j < P->n; j++)
        fprintf(f, "%.8g,%.8g,%.4g\n", P->re[best * P->n + j], P->im[best * P->n + j], P->h[best]);
    cli_fclose(f, "spectrum.csv");
}

/* "model name" of /proc/cpuinfo, for the timings. */
static void cpu_model(char *cpu, size_t size)
{
    snprintf(cpu, size, "unknown CPU");
    FILE *ci = fopen("/proc/cpuinfo", "r");
    for (char line[512]; ci && fgets(line, sizeof line, ci);)
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
            snprintf(cpu, size, "%s", strchr(line, ':') + 2);
            cpu[strcspn(cpu, "\n")] = '\0';
            break;
        }
    if (ci)
        fclose(ci);
}

/* 1. Principal components of the states after the cue (every 5th step): mean [N],
 * pcs [3][N]; trajectory_pcs.csv holds the first 4000 projected states. */
static void trajectory_pcs(const study *s, const double *st, double *mean, double *pcs)
{
    const options *o = s->o;
    size_t N = s->N, stride = 5, m = 0;
    double *sub = cli_malloc((o->trials * o->steps / stride + 1) * N * sizeof *sub), pvar[3];
    for (size_t b = 0; b < o->trials; b++)
        for (size_t t = s->cue; t < o->steps; t += stride)
            memcpy(sub + (m++) * N, st + (b * o->steps + t) * N, N * sizeof *sub);
    cli_check("PCA", hdnet_pca(sub, m, N, 3, mean, N, pcs, 3 * N, pvar, 3));
    FILE *f = cli_fopen(o->out, "trajectory_pcs.csv");
    fprintf(f, "pc1,pc2,pc3\n");
    for (size_t i = 0; i < m && i < 4000; i++) {
        double pc[3];
        project(sub + i * N, mean, pcs, N, pc);
        fprintf(f, "%.6g,%.6g,%.6g\n", pc[0], pc[1], pc[2]);
    }
    cli_fclose(f, "trajectory_pcs.csv");
    fprintf(s->txt, "trajectories: %zu trials x %zu steps; variance on PC1-3 %.3g %.3g %.3g\n", o->trials, o->steps,
            pvar[0], pvar[1], pvar[2]);
    free(sub);
}

/* 2. The fixed points on the ring: stability, slowness, the gaps between stable points
 * (the bump at rest relaxes to one: they bound the memory error) and the leading mode. */
static void report_fixed(const study *s, const points *F, const double *align)
{
    size_t N = s->N, n_st = 0, n_sad = 0, n_more = 0, n_hs = 0;
    double *l1 = cli_malloc((F->k + 1) * sizeof *l1), *l2 = cli_malloc((F->k + 1) * sizeof *l2);
    double *hs = cli_malloc((F->k + 1) * sizeof *hs), max_l1 = 0, max_l2 = -HUGE_VAL, gap_max = 0;
    int *sel = cli_malloc((F->k + 1) * sizeof *sel);
    for (size_t i = 0; i < F->k; i++) { /* F is in heading order */
        l1[i] = fabs(F->re[i * N]);
        l2[i] = N > 1 ? F->re[i * N + 1] : NAN;
        sel[i] = F->un[i] <= 1 && !isnan(F->h[i]);
        n_st += F->un[i] == 0;
        n_sad += F->un[i] == 1;
        n_more += F->un[i] > 1;
        if (sel[i]) {
            max_l1 = fmax(max_l1, l1[i]);
            max_l2 = fmax(max_l2, l2[i]);
        }
        if (F->un[i] == 0 && !isnan(F->h[i]))
            hs[n_hs++] = F->h[i];
    }
    for (size_t i = 0; i < n_hs; i++)
        gap_max = fmax(gap_max, i + 1 < n_hs ? hs[i + 1] - hs[i] : hs[0] + 360.0 - hs[i]);
    fprintf(s->txt, "stable fixed points: %zu, largest gap between neighbours %.1f deg\n", n_hs,
            n_hs ? gap_max : 360.0);
    fprintf(s->txt, "fixed points: %zu stable, %zu with one unstable direction, %zu with more; on the ring (at most "
                    "one unstable direction): |leading Re(lambda)| median %.3g max %.3g per step, second Re(lambda) "
                    "median %.3g max %.3g; leading mode against the ring tangent |cos| median %.3f (a random "
                    "direction: %.3f)\n",
            n_st, n_sad, n_more, median_of(l1, sel, F->k), max_l1, median_of(l2, sel, F->k), max_l2,
            median_of(align, sel, F->k), sqrt(2.0 / (CLI_PI * (double)N)));
    free(l1);
    free(l2);
    free(hs);
    free(sel);
}

/* 3. Minima of q under constant angular velocity (the ring should rotate), from the
 * first 256 starts; the minima with q <= 1e-8 (as at zero input) are fixed points. */
static void rotating(const study *s, const double *starts)
{
    FILE *f = cli_fopen(s->o->out, "rotating.csv");
    fprintf(f, "omega_deg_per_step,n_points,mean_velocity,sd_velocity,min_q,median_n_unstable,n_fixed,"
               "min_unstable_fixed\n");
    hdnet_fpparams *pr = finder_params(s->o->threads, 1e-14, HUGE_VAL, 100);
    size_t S = s->o->starts < 256 ? s->o->starts : 256;
    double omegas[4] = {-2, -1, 1, 2};
    for (int k = 0; k < 4; k++) {
        double x[3] = {omegas[k] / CLI_DEG, 0, 0};
        char what[128];
        snprintf(what, sizeof what, "minima of q at omega = %+g deg/step", omegas[k]);
        hdnet_fixed_points *rot = find(s, s->net, pr, starts, S, x, NULL, what);
        points R = get_points(rot);
        double s1 = 0, s2 = 0, qmin = HUGE_VAL, un_fixed = HUGE_VAL;
        size_t n_fixed = 0;
        for (size_t i = 0; i < R.k; i++) {
            s1 += R.v[i];
            s2 += R.v[i] * R.v[i];
            qmin = fmin(qmin, R.q[i]);
            if (R.q[i] <= 1e-8) {
                n_fixed++;
                un_fixed = fmin(un_fixed, R.un[i]);
            }
        }
        double mv = R.k ? s1 / (double)R.k : NAN;
        fprintf(f, "%g,%zu,%.6g,%.6g,%.4g,%g,%zu,%g\n", omegas[k], R.k, mv,
                R.k > 1 ? sqrt(fmax(0, (s2 - s1 * mv) / (double)(R.k - 1))) : 0.0, qmin, median_of(R.un, NULL, R.k),
                n_fixed, n_fixed ? un_fixed : NAN);
        fprintf(s->txt, "fixed points at omega = %+g deg/step (minima with q <= 1e-8): %zu, the most stable with %g "
                        "unstable directions\n", omegas[k], n_fixed, n_fixed ? un_fixed : NAN);
        free_points(&R);
        hdnet_fp_free(rot);
    }
    hdnet_fpparams_free(pr);
    cli_fclose(f, "rotating.csv");
}

/* 4. Gain curve, 0 ... 1.5x the largest training speed. */
static void gain_curve(const study *s, double max_av)
{
    const options *o = s->o;
    const size_t n_om = 25;
    double om[25], sp[25], sd[25], lim;
    for (size_t i = 0; i < n_om; i++)
        om[i] = 1.5 * max_av * (double)i / (double)(n_om - 1);
    cli_check("gain", hdnet_attractor_gain(s->net, om, n_om, o->gain_trials, 300 + s->cue, 50, o->seed + 2, sp, n_om,
                                           sd, n_om));
    cli_check("gain", hdnet_gain_limit(om, sp, n_om, o->rel_err, &lim));
    FILE *f = cli_fopen(o->out, "gain.csv");
    fprintf(f, "omega_deg_per_step,speed_deg_per_step,sd,gain\n");
    for (size_t i = 0; i < n_om; i++)
        fprintf(f, "%.6g,%.6g,%.6g,%.6g\n", om[i], sp[i], sd[i], i ? sp[i] / om[i] : NAN);
    cli_fclose(f, "gain.csv");
    fprintf(s->txt, "gain: largest training |omega| %.3g deg/step; speeds integrated within %.0f %% up to %.3g "
                    "deg/step; gain at 0.5, 1.0, 1.5 x max: %.3f %.3f %.3f\n",
            max_av, 100 * o->rel_err, lim, sp[8] / om[8], sp[16] / om[16], sp[24] / om[24]);
}

/* 5. Diffusion of the bump at zero input under rate noise of four levels. */
static void diffusion(const study *s)
{
    const options *o = s->o;
    double lv[4] = {0, 0.05, 0.1, 0.2}, coef[4];
    size_t T = o->diff_steps;
    double *var = cli_malloc(4 * T * sizeof *var);
    cli_check("diffusion", hdnet_attractor_diffusion(s->net, lv, 4, o->diff_trials, T, o->seed + 3, var, 4 * T,
                                                     coef, 4));
    FILE *f = cli_fopen(o->out, "diffusion.csv");
    fprintf(f, "t,var_0,var_0.05,var_0.1,var_0.2\n");
    for (size_t t = 0; t < T; t++)
        fprintf(f, "%zu,%.6g,%.6g,%.6g,%.6g\n", t, var[t], var[T + t], var[2 * T + t], var[3 * T + t]);
    cli_fclose(f, "diffusion.csv");
    fprintf(s->txt, "diffusion (%zu trials x %zu steps, zero input): D = %.3g %.3g %.3g %.3g deg^2/step at rate "
                    "noise SD 0 0.05 0.1 0.2; heading SD at the last step %.2f %.2f %.2f %.2f deg\n",
            o->diff_trials, T, coef[0], coef[1], coef[2], coef[3], sqrt(var[T - 1]), sqrt(var[2 * T - 1]),
            sqrt(var[3 * T - 1]), sqrt(var[4 * T - 1]));
    free(var);
}

/* 6. Error on trials 1x and 10x the training length. */
static void long_trials(const study *s, int64_t train_steps)
{
    double ne1, ne10;
    cli_check("long trials", hdnet_attractor_long_error(s->net, 1, s->o->long_trials, s->o->seed + 4, &ne1));
    cli_check("long trials", hdnet_attractor_long_error(s->net, 10, s->o->long_trials, s->o->seed + 4, &ne10));
    fprintf(s->txt, "generalisation: NE %.4f on %lld-step trials, %.4f on %lld-step trials (%zu trials)\n", ne1,
            (long long)train_steps, ne10, 10 * (long long)train_steps, s->o->long_trials);
}

/* 6. Error after truncating W_rec, and (with the untrained network as base) its change
 * from initialisation, to rank r = 1..N. */
static void rank_truncation(const study *s, const hdnet_net *base)
{
    const options *o = s->o;
    size_t N = s->N, *ranks = cli_malloc(N * sizeof *ranks);
    for (size_t r = 0; r < N; r++)
        ranks[r] = r + 1;
    double *ne = cli_malloc(2 * N * sizeof *ne), *sv = cli_malloc(2 * N * sizeof *sv);
    for (int d = 0; d < (base ? 2 : 1); d++) {
        cli_check("rank truncation", hdnet_attractor_rank_error(s->net, d ? base : NULL, ranks, N, o->rank_trials,
                                                                o->seed + 5, ne + d * N, N, sv + d * N, N));
        const double *e = ne + d * N;
        size_t r_within = N;
        for (size_t r = 0; r < N; r++)
            if (r_within == N && e[r] <= 2 * e[N - 1])
                r_within = r + 1;
        fprintf(s->txt, "rank truncation of %s (%zu trials): NE %.4f %.4f %.4f %.4f %.4f at r = 1 2 4 8 16, %.4f at "
                        "r = N; smallest r within 2x the full error: %zu\n",
                d ? "W_rec - W_rec(untrained)" : "W_rec", o->rank_trials, e[0], e[1], e[3], e[7],
                e[15 < N ? 15 : N - 1], e[N - 1], r_within);
    }
    FILE *f = cli_fopen(o->out, "rank.csv");
    fprintf(f, "rank,singular_value,ne,singular_value_change,ne_change\n");
    for (size_t r = 0; r < N; r++)
        fprintf(f, "%zu,%.6g,%.6g,%.6g,%.6g\n", r + 1, sv[r], ne[r], base ? sv[N + r] : NAN, base ? ne[N + r] : NAN);
    cli_fclose(f, "rank.csv");
    free(ranks);
    free(ne);
    free(sv);
}

/* 7. The null: the same finders on the untrained network, from its own states. */
static void null_points(const study *s, const hdnet_net *net0, const hdnet_fpparams *pf, const hdnet_fpparams *ps,
                        hdnet_rng *jitter)
{
    const options *o = s->o;
    double mx0;
    double *st0 = task_states(net0, o->trials, o->steps, o->seed, &mx0);
    double *s0 = pick_starts(st0, o->trials, o->steps, s->N, s->cue, o->starts, o->seed + 1);
    hdnet_fp_free(find(s, net0, pf, s0, o->starts, NULL, jitter, "untrained: fixed points"));
    hdnet_fp_free(find(s, net0, ps, s0, o->starts, NULL, NULL, "untrained: slow points"));
    free(st0);
    free(s0);
}

int main(int argc, char **argv)
{
    options o = parse(argc, argv);
    hdnet_fpparams *pf = finder_params(2, 1e-14, 1e-8, 200);
    for (size_t i = 0; i < o.nsets; i++)
        set_finder(pf, o.sets[i]);
    hdnet_net *net = cli_load_net(o.model), *net0 = o.untrained ? cli_load_net(o.untrained) : NULL;
    size_t N, I, O;
    cli_check(o.model, hdnet_net_dims(net, &N, &I, &O));
    if (I < 3 || O < 2)
        cli_die("%s: needs inputs (av, sin, cos) and outputs (sin, cos)", o.model);
    hdnet_config *cfg;
    int64_t cue, train_steps;
    cli_check(o.model, hdnet_net_get_config(net, &cfg));
    cli_check(o.model, hdnet_config_get_int(cfg, HDNET_P_CUE, &cue));
    cli_check(o.model, hdnet_config_get_int(cfg, HDNET_P_STEPS, &train_steps));
    hdnet_config_free(cfg);
    if (o.steps <= (size_t)cue + 1)
        cli_die("--steps must exceed the cue (%zu steps)", (size_t)cue);
    cli_mkdirs(o.out);
    cli_lock_dir(o.out); /* one writer per output directory */
    study s = {&o, net, N, (size_t)cue, cli_fopen(o.out, "attractor.txt")};
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    fprintf(s.txt, "network %s: N = %zu; CPU %s, %zu finder threads\n", o.model, N, cpu, o.threads);

    /* 1. trajectories, starts, principal components */
    double max_av, *mean = cli_malloc(N * sizeof *mean), *pcs = cli_malloc(3 * N * sizeof *pcs);
    double *st = task_states(net, o.trials, o.steps, o.seed, &max_av);
    double *starts = pick_starts(st, o.trials, o.steps, N, s.cue, o.starts, o.seed + 1);
    trajectory_pcs(&s, st, mean, pcs);

    /* 2. fixed points and slow points at zero input */
    char what[128];
    double q_keep;
    hdnet_rng *jitter;
    cli_check("jitter", hdnet_rng_create(&jitter, HDNET_RNG_LIBRARY, o.seed + 6));
    cli_check("finder settings", hdnet_fpparams_set(pf, HDNET_FP_THREADS, (double)o.threads));
    cli_check("finder settings", hdnet_fpparams_get(pf, HDNET_FP_Q_KEEP, &q_keep));
    snprintf(what, sizeof what, "fixed points (q <= %g)", q_keep);
    hdnet_fixed_points *fixed = find(&s, net, pf, starts, o.starts, NULL, jitter, what);
    points F = get_points(fixed);
    write_spectrum(o.out, &F);
    hdnet_fpparams *ps = finder_params(o.threads, o.slow_q, o.slow_q, 200);
    snprintf(what, sizeof what, "slow points (stop at q <= %g)", o.slow_q);
    hdnet_fixed_points *slow = find(&s, net, ps, starts, o.starts, NULL, NULL, what);
    points Sl = get_points(slow);
    write_points(o.out, "slow_points.csv", &Sl, mean, pcs, NULL);
    double *align = mode_alignment(net, &F, &Sl);
    write_points(o.out, "fixed_points.csv", &F, mean, pcs, align);
    report_fixed(&s, &F, align);

    /* 3-7. the ring under input, gain, diffusion, longer trials, lower rank, the null */
    rotating(&s, starts);
    gain_curve(&s, max_av);
    diffusion(&s);
    long_trials(&s, train_steps);
    rank_truncation(&s, net0);
    if (net0)
        null_points(&s, net0, pf, ps, jitter);
    cli_fclose(s.txt, "attractor.txt");
    if (o.plots) {
        int bad = cli_plot(argv[0], "attractor.gp", o.out);
        printf("%s\n", bad ? "figures: skipped" : "figures: written (PNG and SVG)");
    }

    free(align);
    free_points(&F);
    free_points(&Sl);
    hdnet_fp_free(fixed);
    hdnet_fp_free(slow);
    hdnet_fpparams_free(pf);
    hdnet_fpparams_free(ps);
    hdnet_rng_free(jitter);
    free(st);
    free(starts);
    free(mean);
    free(pcs);
    hdnet_net_free(net0);
    hdnet_net_free(net);
    return 0;
}
