/* hdnet-analyze: the neurophysiology of a trained network (docs/analyses.md).
 *
 *   hdnet-analyze MODEL.npz --out DIR [--trials 2000] [--steps 1000] [--untrained CKPT.npz]
 *
 * Writes units.csv, tuning curves, joint maps, classification under both rules,
 * tiling, the sorted weight matrix, connectivity profiles, input statistics, the
 * reproduction checks R1-R9, R14, R15 (criteria.csv) and figures (gnuplot). */
#include "analyze_files.h"
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char cli_prog[] = "hdnet-analyze";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hdnet-analyze MODEL.npz --out DIR [options]\n"
            "  -o, --out DIR          output directory (required)\n"
            "  -n, --trials N         analysis trials (2000)\n"
            "  -T, --steps T          steps per trial (1000)\n"
            "  -c, --chunk K          trials per network call (50)\n"
            "  -s, --seed S           seed of the analysis set (99999999)\n"
            "  -u, --untrained CKPT   checkpoint 0 of the same run: untrained vs trained (R14) and a null\n"
            "      --nulls K          weight-permuted null networks (20; 0: none, then R3-R9 and R14 cannot pass)\n"
            "      --null-trials N    analysis trials of each null network (500)\n"
            "      --rule NAME        classes of units.csv and of the figures: interval (default), adaptive\n"
            "                         or reference (docs/analyses.md)\n"
            "  -S, --set name=value   analysis parameter (e.g. compass_slope_max=0.02, compat=matlab)\n"
            "                         or task parameter of the analysis set (e.g. speed=3)\n"
            "      --no-plots         write data only\n"
            "  -h, --help\n"
            "      --version          program and library version\n");
}

typedef struct {
    const char *out, *model, *untrained, *sets[64];
    size_t B, T, chunk, nsets, nulls, null_trials;
    uint64_t seed;
    int plots, rule;
} options;

static options parse(int argc, char **argv)
{
    options o = {.B = HDNET_ANALYSIS_TRIALS, .T = HDNET_ANALYSIS_STEPS, .chunk = 50, .seed = HDNET_ANALYSIS_SEED,
                 .plots = 1, .nulls = HDNET_NULL_MIN, .null_trials = HDNET_NULL_TRIALS, .rule = CLI_INTERVAL};
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},   {"trials", required_argument, 0, 'n'},
        {"steps", required_argument, 0, 'T'}, {"chunk", required_argument, 0, 'c'},
        {"seed", required_argument, 0, 's'},  {"untrained", required_argument, 0, 'u'},
        {"set", required_argument, 0, 'S'},   {"no-plots", no_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'},        {"version", no_argument, 0, 'V'},
        {"nulls", required_argument, 0, 'N'}, {"null-trials", required_argument, 0, 'M'},
        {"rule", required_argument, 0, 'R'},  {0, 0, 0, 0}};
    int c;
    while ((c = cli_getopt(argc, argv, "o:n:T:c:s:u:S:h", opts, usage)) != -1) {
        switch (c) {
        case 'o': o.out = optarg; break;
        case 'n': o.B = cli_uint("--trials", optarg, 1, 1000000); break;
        case 'T': o.T = cli_uint("--steps", optarg, 2, 1000000); break;
        case 'c': o.chunk = cli_uint("--chunk", optarg, 1, 100000); break;
        case 's': o.seed = cli_uint("--seed", optarg, 0, UINT64_MAX); break;
        case 'u': o.untrained = optarg; break;
        case 'S': cli_push_arg(o.sets, &o.nsets, 64, "--set", optarg); break;
        case 'P': o.plots = 0; break;
        case 'N': o.nulls = cli_uint("--nulls", optarg, 0, 100000); break;
        case 'M': o.null_trials = cli_uint("--null-trials", optarg, 20, 1000000); break;
        case 'R': o.rule = cli_rule(optarg); break;
        default: cli_bad_option(argv);
        }
    }
    if (optind != argc - 1)
        cli_die("expected exactly one MODEL.npz (try --help)");
    if (!o.out)
        cli_die("--out DIR is required");
    if (o.nulls > 0 && o.nulls < HDNET_NULL_MIN)
        cli_die("--nulls: 0 or at least %d", HDNET_NULL_MIN);
    o.model = argv[optind];
    return o;
}

int main(int argc, char **argv)
{
    options o = parse(argc, argv);
    hdnet_net *net = cli_load_net(o.model), *net0 = o.untrained ? cli_load_net(o.untrained) : NULL;
    size_t N, I, O;
    cli_check(o.model, hdnet_net_dims(net, &N, &I, &O));
    if (net0) { /* checked now, not after the analysis */
        size_t N0, I0, O0;
        cli_check(o.untrained, hdnet_net_dims(net0, &N0, &I0, &O0));
        if (N0 != N || I0 != I || O0 != O)
            cli_die("--untrained %s has %zu units, %zu inputs, %zu outputs; %s has %zu, %zu, %zu: not the same "
                    "network", o.untrained, N0, I0, O0, o.model, N, I, O);
    }
    /* the analysis set (inputs, targets, heading and av of every trial) and the rates
     * of one chunk of trials per network */
    cli_check_memory((double)o.B * (double)o.T * (4.0 * (double)(I + 2 * O) + 16.0) +
                         4.0 * (double)o.chunk * (double)o.T * (double)N * (net0 ? 4.0 : 2.0),
                     "--trials or --steps");
    hdnet_aparams *ap;
    hdnet_config *set;
    cli_check("parameters", hdnet_aparams_create(&ap));
    cli_check(o.model, hdnet_analysis_config(net, o.T, &set));
    for (size_t i = 0; i < o.nsets; i++)
        cli_set(ap, set, CLI_SET_TASK, o.sets[i]);
    cli_mkdirs(o.out);
    cli_lock_dir(o.out); /* one writer per output directory */

    hdnet_study *s;
    double t0 = cli_now(), speed, cue, ne, ne_hold, skipped, units;
    clock_t c0 = clock();
    cli_check("analysis", hdnet_study_run(&s, net, net0, set, o.B, o.seed, ap, o.chunk));
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_SPEED, &speed));
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_CUE, &cue));
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_NE, &ne));
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_NE_HOLD, &ne_hold));
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_PASS2_SKIPPED, &skipped));
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_UNITS, &units));
    printf("analysis set: %zu trials x %zu steps, cue %.0f, speed %g, seed %llu\n", o.B, o.T, cue, speed,
           (unsigned long long)o.seed);
    printf("analysis (forward passes + accumulation): %.2f s wall, %.2f s CPU\n", cli_now() - t0,
           (double)(clock() - c0) / CLOCKS_PER_SEC);
    int competent;
    const double bound = hdnet_gate_bound(ne_hold);
    cli_check("gate", hdnet_gate(ne, bound, &competent));
    if (!competent)
        printf("the network cannot do the task: NE %.4f > %.3g on the analysis trials (holding the cued heading: "
               "NE %.4f); the checks of cell types and wiring are NOT_APPLICABLE (the data files are still "
               "written)\n", ne, bound, ne_hold);
    size_t null_trials = o.null_trials < o.B ? o.null_trials : o.B;
    if (o.nulls && !skipped && null_trials >= 20) { /* the bootstrap needs 20 blocks of trials */
        t0 = cli_now();
        cli_check("nulls", hdnet_study_nulls(s, net, o.nulls, null_trials, o.seed));
        printf("%zu weight-permuted null networks on %zu trials: %.1f s\n", o.nulls, null_trials, cli_now() - t0);
    }
    if (skipped)
        fprintf(stderr, "%s: sigma_AV is undefined (no turning in the analysis set): AV analyses skipped\n", cli_prog);

    const hdnet_tuning *t = hdnet_study_tuning(s, 0);
    size_t np;
    if ((size_t)units != N)
        cli_die("the analysis reports %.0f units, the network has %zu", units, N);
    cli_units u;
    cli_units_get(&u, t, ap);
    if (!skipped)
        cli_units_add_interval(&u, s);
    cli_units_set_main(&u, o.rule);
    printf("classes of units.csv and the figures: %s rule\n", cli_rule_name(u.main));
    size_t *order = cli_malloc(N * sizeof *order);
    cli_check("order", hdnet_unit_order(HDNET_ORDER_ALL, N, u.cls[u.main], u.stat[HDNET_US_PHI], order, N, &np,
                                        NULL));
    float *w = cli_malloc(N * N * sizeof *w);
    cli_check("weights", hdnet_net_copy_block(net, HDNET_W_REC, w, N * N));
    cli_write_units(&u, o.out);
    analyze_write_confusion(o.out, &u);
    if (u.have_interval)
        analyze_write_interval_units(o.out, s, N);
    analyze_write_tuning(o.out, t, &u, !skipped);
    analyze_write_maps(o.out, t, 0, order);
    analyze_write_inputs(o.out, s, t);
    analyze_write_tiling(o.out, &u);
    analyze_write_weights(o.out, w, &u);
    float *w0 = net0 ? cli_malloc(N * N * sizeof *w0) : NULL;
    if (net0)
        cli_check("weights", hdnet_net_copy_block(net0, HDNET_W_REC, w0, N * N));
    analyze_write_structure(o.out, w, w0, &u);
    free(w0);
    analyze_write_profiles(o.out, w, &u, ap);
    if (net0) {
        analyze_write_maps(o.out, hdnet_study_tuning(s, 1), 1, order);
        analyze_write_untrained_units(o.out, hdnet_study_tuning(s, 1), N);
    }
    analyze_write_trials(o.out, s, o.B, o.T);
    analyze_write_figure_data(o.out, t, &u, !skipped, ne, o.model);

    hdnet_claims *claims;
    cli_check("claims", hdnet_claims_create(&claims));
    cli_check("claims", hdnet_claims_add_study(claims, s));
    printf("\n");
    cli_write_claims(claims, o.out);
    if (o.plots) {
        int bad = cli_plot(argv[0], "analyze.gp", o.out);
        if (net0 && !bad)
            bad |= cli_plot(argv[0], "maps_untrained.gp", o.out);
        printf("%s\n", bad ? "figures: skipped (see messages above)" : "figures: written (PNG, SVG and PDF)");
    }
    char *safe = cli_safe(o.out);
    printf("wrote %s/units.csv and the other data files\n", safe);
    free(safe);
    hdnet_claims_free(claims);
    cli_units_free(&u);
    free(order);
    free(w);
    hdnet_study_free(s);
    hdnet_config_free(set);
    hdnet_aparams_free(ap);
    hdnet_net_free(net0);
    hdnet_net_free(net);
    return 0;
}
