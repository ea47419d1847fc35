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
#include <getopt.h>

#include "analysis_common.h"

typedef struct {
    size_t starts, trials, steps, threads, diff_trials, diff_steps, gain_trials, rank_trials, long_trials;
    uint64_t seed;
    double slow_q, rel_err;
    int plots;
} options;

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
               "  -h, --help\n");
}

/* Finder settings for fixed points (q to 1e-14) or slow points (stop at q <= slow_q). */
static hdnet_fpparams *finder_params(size_t threads, double q_tol, double q_keep, size_t max_iter)
{
    hdnet_fpparams *p;
    AC_CHECK(hdnet_fpparams_create(&p));
    AC_CHECK(hdnet_fpparams_set(p, HDNET_FP_THREADS, (double)threads));
    AC_CHECK(hdnet_fpparams_set(p, HDNET_FP_Q_TOL, q_tol));
    AC_CHECK(hdnet_fpparams_set(p, HDNET_FP_Q_KEEP, q_keep));
    AC_CHECK(hdnet_fpparams_set(p, HDNET_FP_MAX_ITER, (double)max_iter));
    return p;
}

/* --set name=value: a finder setting by its name (hdnet_fpparam_name). */
static void set_finder(hdnet_fpparams *p, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq)
        ac_die("--set: expected name=value, got '%s'", arg);
    size_t len = (size_t)(eq - arg);
    for (int id = 0; hdnet_fpparam_name(id); id++)
        if (strlen(hdnet_fpparam_name(id)) == len && strncmp(arg, hdnet_fpparam_name(id), len) == 0) {
            int rc = hdnet_fpparams_set(p, id, ac_double("set", eq + 1));
            if (rc != HDNET_OK)
                ac_die("--set %s: %s", arg, hdnet_errmsg());
            return;
        }
    ac_die("--set: unknown finder setting in '%s'", arg);
}

/* Noise-free task trials of the network's config: inputs and states [B][T][N]. */
static double *task_states(const hdnet_net *net, size_t B, size_t T, uint64_t seed, double *max_av_deg)
{
    size_t N;
    AC_CHECK(hdnet_net_dims(net, &N, NULL, NULL));
    hdnet_config *cfg = ac_eval_config(net, T);
    hdnet_task *task;
    AC_CHECK(hdnet_task_create(&task, cfg, seed));
    float *x = ac_malloc(B * T * 3 * sizeof *x);
    double *av = ac_malloc(B * T * sizeof *av), *st = ac_malloc(B * T * N * sizeof *st);
    AC_CHECK(hdnet_task_generate(task, B, x, B * T * 3, NULL, 0, NULL, 0, NULL, 0, av, B * T));
    AC_CHECK(hdnet_attractor_states(net, B, T, x, B * T * 3, NULL, 0, st, B * T * N));
    *max_av_deg = 0;
    for (size_t i = 0; i < B * T; i++)
        *max_av_deg = fmax(*max_av_deg, fabs(av[i]) * AC_DEG);
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
    AC_CHECK(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, seed));
    uint64_t *idx = ac_malloc(S * sizeof *idx);
    AC_CHECK(hdnet_rng_randint(rng, (uint64_t)(B * (T - cue)), idx, S));
    double *starts = ac_malloc(S * N * sizeof *starts);
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
    AC_CHECK(hdnet_fp_dims(fp, &P.k, &P.n));
    size_t k = P.k, kn = P.k * P.n;
    double **dst[9] = {&P.a, &P.q, &P.h, &P.v, &P.re, &P.im, &P.un, &P.mg, &P.ns};
    int ids[9] = {HDNET_FPA_STATE, HDNET_FPA_Q, HDNET_FPA_HEADING, HDNET_FPA_VELOCITY, HDNET_FPA_EIG_RE,
                  HDNET_FPA_EIG_IM, HDNET_FPA_N_UNSTABLE, HDNET_FPA_N_MARGINAL, HDNET_FPA_N_STARTS};
    for (int i = 0; i < 9; i++) {
        int wide = ids[i] == HDNET_FPA_STATE || ids[i] == HDNET_FPA_EIG_RE || ids[i] == HDNET_FPA_EIG_IM;
        *dst[i] = ac_malloc((wide ? kn : k) * sizeof(double));
        AC_CHECK(hdnet_fp_copy(fp, ids[i], *dst[i], wide ? kn : k));
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
    AC_CHECK(hdnet_fp_scalar(fp, which, &v));
    return v;
}

/* One CSV row per point: heading, q, velocity, stability, leading eigenvalues, PCs,
 * and (when given) the alignment of the leading mode with the ring. */
static void write_points(const char *dir, const char *name, const points *P, const double *mean,
                         const double *pcs, const double *align)
{
    FILE *f = ac_fopen(dir, name);
    fprintf(f, "heading_deg,q,velocity_deg_per_step,n_unstable,n_marginal,eig1_re,eig1_im,eig2_re,n_starts,pc1,pc2,pc3,"
               "mode_tangent_cos\n");
    for (size_t i = 0; i < P->k; i++) {
        double pc[3] = {0, 0, 0};
        for (int c = 0; c < 3; c++)
            for (size_t j = 0; j < P->n; j++)
                pc[c] += pcs[c * P->n + j] * (P->a[i * P->n + j] - mean[j]);
        fprintf(f, "%.6g,%.4g,%.6g,%g,%g,%.6g,%.6g,%.6g,%g,%.6g,%.6g,%.6g,%.4g\n", P->h[i], P->q[i], P->v[i],
                P->un[i], P->mg[i], P->re[i * P->n], P->im[i * P->n], P->n > 1 ? P->re[i * P->n + 1] : NAN, P->ns[i],
                pc[0], pc[1], pc[2], align ? align[i] : NAN);
    }
    ac_fclose(f, name);
}

/* Find points, time it (wall and process CPU), print and save them. */
static hdnet_fixed_points *find(const hdnet_net *net, const hdnet_fpparams *p, const double *starts, size_t S,
                                size_t N, const double *x, hdnet_rng *rng, const char *what, FILE *txt,
                                double *seconds)
{
    hdnet_fixed_points *fp;
    double t0 = now_s();
    clock_t c0 = clock();
    AC_CHECK(hdnet_fp_find(net, p, starts, S, S * N, x, x ? 3 : 0, rng, &fp));
    *seconds = now_s() - t0;
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
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
             scalar(fp, HDNET_FPS_MEAN_ITER), *seconds, cpu);
    fputs(line, stdout);
    fputs(line, txt);
    return fp;
}

/* |cos| between each fixed point's leading mode and the ring tangent, estimated
 * from the slow points 1-6 degrees either side (NaN where there are none). */
static double *mode_alignment(const hdnet_net *net, const points *F, const points *S)
{
    size_t n = F->n;
    double *cosv = ac_malloc((F->k + 1) * sizeof *cosv), *vec = ac_malloc(n * sizeof *vec);
    double *t = ac_malloc(n * sizeof *t);
    for (size_t i = 0; i < F->k; i++) {
        double re;
        AC_CHECK(hdnet_attractor_leading_mode(net, F->a + i * n, n, &re, NULL, vec, n));
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
    FILE *f = ac_fopen(dir, "spectrum.csv");
    fprintf(f, "re,im,heading_deg\n");
    for (size_t j = 0; P->k && j < P->n; j++)
        fprintf(f, "%.8g,%.8g,%.4g\n", P->re[best * P->n + j], P->im[best * P->n + j], P->h[best]);
    ac_fclose(f, "spectrum.csv");
}

int main(int argc, char **argv)
{
    ac_prog = "hdnet-attractor";
    options o = {1024, 64, 500, 2, 128, 1000, 16, 64, 100, 1, 1e-7, 0.1, 1};
    const char *out = NULL, *untrained = NULL;
    static const struct option longopts[] = {
        {"out", required_argument, 0, 'o'},     {"starts", required_argument, 0, 's'},
        {"trials", required_argument, 0, 'n'},  {"steps", required_argument, 0, 'T'},
        {"threads", required_argument, 0, 'j'}, {"slow-q", required_argument, 0, 'q'},
        {"rel-err", required_argument, 0, 'e'}, {"untrained", required_argument, 0, 'u'},
        {"seed", required_argument, 0, 'E'},    {"no-plots", no_argument, 0, 'P'},
        {"set", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    int c;
    opterr = 0;
    hdnet_fpparams *pf = finder_params(2, 1e-14, 1e-8, 200);
    while ((c = getopt_long(argc, argv, "o:s:n:T:j:S:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': o.starts = ac_size("starts", optarg, 1, 1000000); break;
        case 'n': o.trials = ac_size("trials", optarg, 1, 100000); break;
        case 'T': o.steps = ac_size("steps", optarg, 20, 1000000); break;
        case 'j': o.threads = ac_size("threads", optarg, 1, 256); break;
        case 'q': o.slow_q = ac_double("slow-q", optarg); break;
        case 'e': o.rel_err = ac_double("rel-err", optarg); break;
        case 'u': untrained = optarg; break;
        case 'E': o.seed = ac_size("seed", optarg, 0, SIZE_MAX); break;
        case 'S': set_finder(pf, optarg); break;
        case 'P': o.plots = 0; break;
        case 'h': usage(stdout); return 0;
        default: ac_bad_option(argv);
        }
    }
    if (optind != argc - 1 || !out)
        ac_die("expected MODEL.npz and --out DIR (try --help)");
    if (!(o.slow_q > 0) || !(o.rel_err >= 0))
        ac_die("--slow-q must be > 0 and --rel-err >= 0");
    hdnet_net *net;
    AC_CHECK(hdnet_net_load(&net, argv[optind]));
    size_t N, I, O;
    AC_CHECK(hdnet_net_dims(net, &N, &I, &O));
    if (I < 3 || O < 2)
        ac_die("%s: needs inputs (av, sin, cos) and outputs (sin, cos)", argv[optind]);
    hdnet_config *cfg;
    AC_CHECK(hdnet_net_get_config(net, &cfg));
    int64_t cue64, train_steps;
    AC_CHECK(hdnet_config_get_int(cfg, HDNET_P_CUE, &cue64));
    AC_CHECK(hdnet_config_get_int(cfg, HDNET_P_STEPS, &train_steps));
    size_t cue = (size_t)cue64;
    if (o.steps <= cue + 1)
        ac_die("--steps must exceed the cue (%zu steps)", cue);
    ac_mkdirs(out);
    FILE *txt = ac_fopen(out, "attractor.txt");
    char cpu[256] = "unknown CPU";
    FILE *ci = fopen("/proc/cpuinfo", "r");
    for (char line[512]; ci && fgets(line, sizeof line, ci);)
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
            snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
            cpu[strcspn(cpu, "\n")] = '\0';
            break;
        }
    if (ci)
        fclose(ci);
    fprintf(txt, "network %s: N = %zu; CPU %s, %zu finder threads\n", argv[optind], N, cpu, o.threads);

    /* 1. trajectories, starts, principal components */
    double max_av;
    double *st = task_states(net, o.trials, o.steps, o.seed, &max_av);
    double *starts = pick_starts(st, o.trials, o.steps, N, cue, o.starts, o.seed + 1);
    size_t stride = 5, m = 0;
    double *sub = ac_malloc((o.trials * o.steps / stride + 1) * N * sizeof *sub);
    for (size_t b = 0; b < o.trials; b++)
        for (size_t t = cue; t < o.steps; t += stride)
            memcpy(sub + (m++) * N, st + (b * o.steps + t) * N, N * sizeof *sub);
    double *mean = ac_malloc(N * sizeof *mean), *pcs = ac_malloc(3 * N * sizeof *pcs), pvar[3];
    AC_CHECK(hdnet_pca(sub, m, N, 3, mean, N, pcs, 3 * N, pvar, 3));
    {
        FILE *f = ac_fopen(out, "trajectory_pcs.csv");
        fprintf(f, "pc1,pc2,pc3\n");
        for (size_t s = 0; s < m && s < 4000; s++) {
            double pc[3] = {0, 0, 0};
            for (int k = 0; k < 3; k++)
                for (size_t j = 0; j < N; j++)
                    pc[k] += pcs[k * N + j] * (sub[s * N + j] - mean[j]);
            fprintf(f, "%.6g,%.6g,%.6g\n", pc[0], pc[1], pc[2]);
        }
        ac_fclose(f, "trajectory_pcs.csv");
    }
    fprintf(txt, "trajectories: %zu trials x %zu steps; variance on PC1-3 %.3g %.3g %.3g\n", o.trials, o.steps,
            pvar[0], pvar[1], pvar[2]);

    /* 2. fixed points and slow points at zero input */
    char what[128];
    double secs, q_keep;
    hdnet_rng *jitter;
    AC_CHECK(hdnet_rng_create(&jitter, HDNET_RNG_LIBRARY, o.seed + 6));
    AC_CHECK(hdnet_fpparams_set(pf, HDNET_FP_THREADS, (double)o.threads));
    AC_CHECK(hdnet_fpparams_get(pf, HDNET_FP_Q_KEEP, &q_keep));
    snprintf(what, sizeof what, "fixed points (q <= %g)", q_keep);
    hdnet_fixed_points *fixed = find(net, pf, starts, o.starts, N, NULL, jitter, what, txt, &secs);
    points F = get_points(fixed);
    write_spectrum(out, &F);
    hdnet_fpparams *ps = finder_params(o.threads, o.slow_q, o.slow_q, 200);
    snprintf(what, sizeof what, "slow points (stop at q <= %g)", o.slow_q);
    hdnet_fixed_points *slow = find(net, ps, starts, o.starts, N, NULL, NULL, what, txt, &secs);
    points Sl = get_points(slow);
    write_points(out, "slow_points.csv", &Sl, mean, pcs, NULL);
    double *align = mode_alignment(net, &F, &Sl);
    write_points(out, "fixed_points.csv", &F, mean, pcs, align);
    {
        /* stability and slowness of the fixed points with a heading, and their leading mode */
        double *l1 = ac_malloc((F.k + 1) * sizeof *l1), *l2 = ac_malloc((F.k + 1) * sizeof *l2);
        int *sel = ac_malloc((F.k + 1) * sizeof *sel);
        size_t n_st = 0, n_sad = 0, n_more = 0;
        double max_l1 = 0, max_l2 = -HUGE_VAL;
        for (size_t i = 0; i < F.k; i++) {
            l1[i] = fabs(F.re[i * N]);
            l2[i] = N > 1 ? F.re[i * N + 1] : NAN;
            sel[i] = F.un[i] <= 1 && !isnan(F.h[i]);
            n_st += F.un[i] == 0;
            n_sad += F.un[i] == 1;
            n_more += F.un[i] > 1;
            if (sel[i]) {
                max_l1 = fmax(max_l1, l1[i]);
                max_l2 = fmax(max_l2, l2[i]);
            }
        }
        /* the bump at rest relaxes to a stable point: the gaps between them bound the memory error */
        double *hs = ac_malloc((F.k + 1) * sizeof *hs), gap_max = 0;
        size_t n_hs = 0;
        for (size_t i = 0; i < F.k; i++) /* F is in heading order */
            if (F.un[i] == 0 && !isnan(F.h[i]))
                hs[n_hs++] = F.h[i];
        for (size_t i = 0; i < n_hs; i++)
            gap_max = fmax(gap_max, i + 1 < n_hs ? hs[i + 1] - hs[i] : hs[0] + 360.0 - hs[i]);
        fprintf(txt, "stable fixed points: %zu, largest gap between neighbours %.1f deg\n", n_hs,
                n_hs ? gap_max : 360.0);
        free(hs);
        fprintf(txt, "fixed points: %zu stable, %zu with one unstable direction, %zu with more; on the ring (at most "
                     "one unstable direction): |leading Re(lambda)| median %.3g max %.3g per step, second Re(lambda) "
                     "median %.3g max %.3g; leading mode against the ring tangent |cos| median %.3f (a random "
                     "direction: %.3f)\n",
                n_st, n_sad, n_more, ac_median(l1, sel, F.k), max_l1, ac_median(l2, sel, F.k), max_l2,
                ac_median(align, sel, F.k), sqrt(2.0 / (AC_PI * (double)N)));
        free(l1);
        free(l2);
        free(sel);
    }

    /* 3. minima of q under constant angular velocity: the ring should rotate */
    {
        FILE *f = ac_fopen(out, "rotating.csv");
        fprintf(f, "omega_deg_per_step,n_points,mean_velocity,sd_velocity,min_q,median_n_unstable,n_fixed,"
                   "min_unstable_fixed\n");
        hdnet_fpparams *pr = finder_params(o.threads, 1e-14, HUGE_VAL, 100);
        size_t S = o.starts < 256 ? o.starts : 256;
        double omegas[4] = {-2, -1, 1, 2};
        for (int k = 0; k < 4; k++) {
            double x[3] = {omegas[k] / AC_DEG, 0, 0};
            snprintf(what, sizeof what, "minima of q at omega = %+g deg/step", omegas[k]);
            hdnet_fixed_points *rot = find(net, pr, starts, S, N, x, NULL, what, txt, &secs);
            points R = get_points(rot);
            /* the minima that are fixed points (q <= 1e-8, as at zero input) and their stability */
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
                    R.k > 1 ? sqrt(fmax(0, (s2 - s1 * mv) / (double)(R.k - 1))) : 0.0, qmin,
                    ac_median(R.un, NULL, R.k), n_fixed, n_fixed ? un_fixed : NAN);
            fprintf(txt, "fixed points at omega = %+g deg/step (minima with q <= 1e-8): %zu, the most stable with %g "
                         "unstable directions\n", omegas[k], n_fixed, n_fixed ? un_fixed : NAN);
            free_points(&R);
            hdnet_fp_free(rot);
        }
        hdnet_fpparams_free(pr);
        ac_fclose(f, "rotating.csv");
    }

    /* 4. gain curve, 0 ... 1.5x the largest training speed */
    {
        const size_t n_om = 25;
        double om[25], sp[25], sd[25], lim;
        for (size_t i = 0; i < n_om; i++)
            om[i] = 1.5 * max_av * (double)i / (double)(n_om - 1);
        AC_CHECK(hdnet_attractor_gain(net, om, n_om, o.gain_trials, 300 + cue, 50, o.seed + 2, sp, n_om, sd, n_om));
        AC_CHECK(hdnet_gain_limit(om, sp, n_om, o.rel_err, &lim));
        FILE *f = ac_fopen(out, "gain.csv");
        fprintf(f, "omega_deg_per_step,speed_deg_per_step,sd,gain\n");
        for (size_t i = 0; i < n_om; i++)
            fprintf(f, "%.6g,%.6g,%.6g,%.6g\n", om[i], sp[i], sd[i], i ? sp[i] / om[i] : NAN);
        ac_fclose(f, "gain.csv");
        fprintf(txt, "gain: largest training |omega| %.3g deg/step; speeds integrated within %.0f %% up to %.3g "
                     "deg/step; gain at 0.5, 1.0, 1.5 x max: %.3f %.3f %.3f\n",
                max_av, 100 * o.rel_err, lim, sp[8] / om[8], sp[16] / om[16], sp[24] / om[24]);
    }

    /* 5. diffusion at zero input */
    {
        double lv[4] = {0, 0.05, 0.1, 0.2}, coef[4];
        size_t T = o.diff_steps;
        double *var = ac_malloc(4 * T * sizeof *var);
        AC_CHECK(hdnet_attractor_diffusion(net, lv, 4, o.diff_trials, T, o.seed + 3, var, 4 * T, coef, 4));
        FILE *f = ac_fopen(out, "diffusion.csv");
        fprintf(f, "t,var_0,var_0.05,var_0.1,var_0.2\n");
        for (size_t t = 0; t < T; t++)
            fprintf(f, "%zu,%.6g,%.6g,%.6g,%.6g\n", t, var[t], var[T + t], var[2 * T + t], var[3 * T + t]);
        ac_fclose(f, "diffusion.csv");
        fprintf(txt, "diffusion (%zu trials x %zu steps, zero input): D = %.3g %.3g %.3g %.3g deg^2/step at rate "
                     "noise SD 0 0.05 0.1 0.2; heading SD at the last step %.2f %.2f %.2f %.2f deg\n",
                o.diff_trials, T, coef[0], coef[1], coef[2], coef[3], sqrt(var[T - 1]), sqrt(var[2 * T - 1]),
                sqrt(var[3 * T - 1]), sqrt(var[4 * T - 1]));
        free(var);
    }

    /* 6. longer trials, lower rank */
    {
        double ne1, ne10;
        AC_CHECK(hdnet_attractor_long_error(net, 1, o.long_trials, o.seed + 4, &ne1));
        AC_CHECK(hdnet_attractor_long_error(net, 10, o.long_trials, o.seed + 4, &ne10));
        fprintf(txt, "generalisation: NE %.4f on %lld-step trials, %.4f on %lld-step trials (%zu trials)\n", ne1,
                (long long)train_steps, ne10, 10 * (long long)train_steps, o.long_trials);
        size_t *ranks = ac_malloc(N * sizeof *ranks);
        for (size_t r = 0; r < N; r++)
            ranks[r] = r + 1;
        /* W_rec itself, and (with the untrained network) its change from initialisation */
        hdnet_net *base = NULL;
        if (untrained)
            AC_CHECK(hdnet_net_load(&base, untrained));
        double *ne = ac_malloc(2 * N * sizeof *ne), *sv = ac_malloc(2 * N * sizeof *sv);
        for (int d = 0; d < (base ? 2 : 1); d++) {
            AC_CHECK(hdnet_attractor_rank_error(net, d ? base : NULL, ranks, N, o.rank_trials, o.seed + 5, ne + d * N,
                                                N, sv + d * N, N));
            size_t r_within = N;
            for (size_t r = 0; r < N; r++)
                if (r_within == N && ne[d * N + r] <= 2 * ne[d * N + N - 1])
                    r_within = r + 1;
            const double *e = ne + d * N;
            fprintf(txt, "rank truncation of %s (%zu trials): NE %.4f %.4f %.4f %.4f %.4f at r = 1 2 4 8 16, %.4f at "
                         "r = N; smallest r within 2x the full error: %zu\n",
                    d ? "W_rec - W_rec(untrained)" : "W_rec", o.rank_trials, e[0], e[1], e[3], e[7],
                    e[15 < N ? 15 : N - 1], e[N - 1], r_within);
        }
        FILE *f = ac_fopen(out, "rank.csv");
        fprintf(f, "rank,singular_value,ne,singular_value_change,ne_change\n");
        for (size_t r = 0; r < N; r++)
            fprintf(f, "%zu,%.6g,%.6g,%.6g,%.6g\n", r + 1, sv[r], ne[r], base ? sv[N + r] : NAN,
                    base ? ne[N + r] : NAN);
        ac_fclose(f, "rank.csv");
        hdnet_net_free(base);
        free(ranks);
        free(ne);
        free(sv);
    }

    /* 7. the null: the same finder on the untrained network */
    if (untrained) {
        hdnet_net *net0;
        AC_CHECK(hdnet_net_load(&net0, untrained));
        double mx0;
        double *st0 = task_states(net0, o.trials, o.steps, o.seed, &mx0);
        double *s0 = pick_starts(st0, o.trials, o.steps, N, cue, o.starts, o.seed + 1);
        hdnet_fixed_points *f0 = find(net0, pf, s0, o.starts, N, NULL, jitter, "untrained: fixed points", txt, &secs);
        hdnet_fixed_points *sl0 = find(net0, ps, s0, o.starts, N, NULL, NULL, "untrained: slow points", txt, &secs);
        hdnet_fp_free(f0);
        hdnet_fp_free(sl0);
        free(st0);
        free(s0);
        hdnet_net_free(net0);
    }
    ac_fclose(txt, "attractor.txt");
    if (o.plots) {
        char *pd = ac_plot_dir(argv[0]);
        printf("%s\n", ac_gnuplot(pd, "attractor.gp", out) ? "figures: skipped" : "figures: written (PNG and SVG)");
        free(pd);
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
    free(sub);
    free(mean);
    free(pcs);
    hdnet_config_free(cfg);
    hdnet_net_free(net);
    return 0;
}
