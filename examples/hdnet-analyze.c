/* hdnet-analyze: the neurophysiology of a trained network (spec analyses §1-§3, §6, §7).
 *
 *   hdnet-analyze MODEL.npz --out DIR [--trials 2000] [--steps 1000] [--untrained CKPT.npz]
 *
 * Writes units.csv, tuning curves, joint maps, classification under both rules,
 * tiling, the sorted weight matrix, connectivity profiles, input statistics, the
 * reproduction checks R1-R9, R14, R15 (criteria.csv) and figures (gnuplot). */
#include <getopt.h>
#include <time.h>

#include "analysis_common.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hdnet-analyze MODEL.npz --out DIR [options]\n"
            "  -o, --out DIR          output directory (required)\n"
            "  -n, --trials N         analysis trials (2000)\n"
            "  -T, --steps T          steps per trial (1000)\n"
            "  -c, --chunk K          trials per network call (50)\n"
            "  -s, --seed S           seed of the analysis set (99999999)\n"
            "  -u, --untrained CKPT   checkpoint 0 of the same run: untrained vs trained (R14)\n"
            "  -S, --set name=value   analysis parameter (e.g. compass_slope_max=0.02, compat=matlab)\n"
            "                         or task parameter of the analysis set (e.g. speed=3)\n"
            "      --no-plots         write data only\n"
            "  -h, --help\n");
}

static double *ustat(const hdnet_tuning *t, int id, size_t N)
{
    double *v = ac_malloc(N * sizeof *v);
    AC_CHECK(hdnet_tuning_unit_stat(t, id, v, N));
    return v;
}

static double *arr(const hdnet_tuning *t, int id, size_t *len, size_t dims[3])
{
    size_t n;
    AC_CHECK(hdnet_tuning_array_shape(t, id, &n, dims));
    double *v = ac_malloc(n * sizeof *v);
    AC_CHECK(hdnet_tuning_copy(t, id, v, n));
    if (len)
        *len = n;
    return v;
}

static const char *reason_str(uint32_t w, char *buf)
{
    buf[0] = '\0';
    if (w & HDNET_REASON_RANGE)
        strcat(buf, "range|");
    if (w & HDNET_REASON_STRENGTH)
        strcat(buf, "strength|");
    if (w & HDNET_REASON_NOFIT)
        strcat(buf, "nofit|");
    if (w & HDNET_REASON_ZERO_SLOPE)
        strcat(buf, "zero_slope|");
    size_t n = strlen(buf);
    if (n)
        buf[n - 1] = '\0';
    return buf;
}

/* ---- connectivity pairs ---- */
typedef struct {
    const char *name;
    int *pre, *post;
    size_t npre, npost;
} pairdef;

static int *members(const int *cls, const double *b, size_t N, int want, size_t *n)
{
    int *m = ac_malloc(N * sizeof *m);
    *n = 0;
    for (size_t i = 0; i < N; i++) {
        int ok;
        if (want >= 0)
            ok = cls[i] == want;
        else if (want == -1) /* all positive */
            ok = cls[i] != HDNET_CLASS_INACTIVE && b[i] > 0;
        else
            ok = cls[i] != HDNET_CLASS_INACTIVE && b[i] < 0;
        if (ok)
            m[(*n)++] = (int)i;
    }
    return m;
}

/* Coarse row-normalised maps for the figure grid: 10-degree columns, 4 AV rows per cell,
 * units in display order (compass, CCW, CW, weak, inactive; by phi within a class). */
static void write_map_grid(const char *out, const char *name, const double *mp, size_t N, size_t V, size_t H,
                           const size_t *order)
{
    FILE *fm = ac_fopen(out, name);
    size_t hc = H >= 36 ? H / 36 : 1, vc = V >= 25 ? V / 25 : 1;
    for (size_t i = 0; i < N; i++) {
        size_t u = order[i];
        fprintf(fm, "# unit %zu\n", u);
        for (size_t j = 0; j + vc <= V; j += vc) {
            for (size_t k = 0; k + hc <= H; k += hc) {
                double s = 0;
                int cn = 0;
                for (size_t a = 0; a < vc; a++)
                    for (size_t b = 0; b < hc; b++) {
                        double v = mp[(u * V + j + a) * H + k + b];
                        if (!isnan(v)) {
                            s += v;
                            cn++;
                        }
                    }
                fprintf(fm, "%s%.3g", k ? " " : "", cn ? s / cn : NAN);
            }
            fprintf(fm, "\n");
        }
        fprintf(fm, "\n\n");
    }
    ac_fclose(fm, name);
}

int main(int argc, char **argv)
{
    ac_prog = "hdnet-analyze";
    const char *out = NULL, *untrained = NULL;
    size_t B = 2000, T = 1000, chunk = 50;
    uint64_t seed = 99999999;
    int plots = 1;
    hdnet_aparams *ap;
    AC_CHECK(hdnet_aparams_create(&ap));
    const char *sets[64];
    size_t nsets = 0;
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"trials", required_argument, 0, 'n'},
                                         {"steps", required_argument, 0, 'T'},
                                         {"chunk", required_argument, 0, 'c'},
                                         {"seed", required_argument, 0, 's'},
                                         {"untrained", required_argument, 0, 'u'},
                                         {"set", required_argument, 0, 'S'},
                                         {"no-plots", no_argument, 0, 'P'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    opterr = 0; /* one line of our own on bad options */
    while ((c = getopt_long(argc, argv, "o:n:T:c:s:u:S:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n': B = ac_size("trials", optarg, 1, 1000000); break;
        case 'T': T = ac_size("steps", optarg, 2, 1000000); break;
        case 'c': chunk = ac_size("chunk", optarg, 1, 100000); break;
        case 's': seed = ac_size("seed", optarg, 0, SIZE_MAX); break;
        case 'u': untrained = optarg; break;
        case 'S':
            if (nsets == 64)
                ac_die("too many --set options");
            sets[nsets++] = optarg;
            break;
        case 'P': plots = 0; break;
        case 'h': usage(stdout); return 0;
        default: ac_bad_option(argv);
        }
    }
    if (optind != argc - 1)
        ac_die("expected exactly one MODEL.npz (try --help)");
    if (!out)
        ac_die("--out DIR is required");
    const char *model = argv[optind];
    hdnet_net *net;
    {
        int rc = hdnet_net_load(&net, model);
        if (rc)
            ac_die("cannot load %s: %s: %s", model, hdnet_strerror(rc), hdnet_errmsg());
    }
    size_t N, I, O;
    AC_CHECK(hdnet_net_dims(net, &N, &I, &O));
    if (I != 3 || O != 2)
        ac_die("%s: expected a head-direction network (3 inputs, 2 outputs), got %zu and %zu", model, I, O);
    hdnet_config *cfg = ac_eval_config(net, T);
    for (size_t i = 0; i < nsets; i++)
        ac_set(ap, cfg, sets[i]);
    ac_mkdirs(out);

    /* ---- the analysis set ---- */
    dataset d;
    memset(&d, 0, sizeof d);
    int64_t cue64;
    double speed;
    AC_CHECK(hdnet_config_get_int(cfg, HDNET_P_CUE, &cue64));
    AC_CHECK(hdnet_config_get_double(cfg, HDNET_P_SPEED, &speed));
    ac_make_dataset(&d, cfg, B, T, N, seed);
    printf("analysis set: %zu trials x %zu steps, cue %zu, speed %g, seed %llu\n", B, T, d.cue, speed,
           (unsigned long long)seed);

    result R = analyse(net, &d, ap, chunk, 1);
    printf("analysis (two forward passes + accumulation): %.2f s wall, %.2f s CPU\n", R.seconds, R.cpu_seconds);
    hdnet_tuning *t = R.t;

    /* ---- per-unit statistics and classes ---- */
    double *st[HDNET_US_COUNT];
    for (int i = 0; i < HDNET_US_COUNT; i++)
        st[i] = ustat(t, i, N);
    int *ca = ac_malloc(N * sizeof *ca), *cr = ac_malloc(N * sizeof *cr), *cd = ac_malloc(N * sizeof *cd);
    uint32_t *wa = ac_malloc(N * sizeof *wa), *wr = ac_malloc(N * sizeof *wr);
    double infoA[HDNET_CI_COUNT], infoR[HDNET_CI_COUNT];
    double pass;
    AC_CHECK(hdnet_tuning_scalar(t, HDNET_TS_PASS, &pass));
    int have_av = 1;
    {
        double sg;
        AC_CHECK(hdnet_tuning_scalar(t, HDNET_TS_SIGMA_AV, &sg));
        have_av = isfinite(sg);
    }
    AC_CHECK(hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 0, ca, N, wa, N, infoA, HDNET_CI_COUNT));
    AC_CHECK(hdnet_tuning_classify(t, HDNET_RULE_REFERENCE, 0, cr, N, wr, N, infoR, HDNET_CI_COUNT));
    AC_CHECK(hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 1, cd, N, NULL, 0, NULL, 0));
    {
        FILE *f = ac_fopen(out, "units.csv");
        fprintf(f, "unit,class,preferred_hd_deg,hd_strength,av_slope,class_reference,reasons,reasons_reference,"
                   "class_decoded");
        for (int i = 0; i < HDNET_US_COUNT; i++)
            fprintf(f, ",%s", hdnet_unit_stat_name(i));
        fprintf(f, "\n");
        char b1[64], b2[64];
        for (size_t u = 0; u < N; u++) {
            fprintf(f, "%zu,%s,%.6g,%.6g,%.6g,%s,%s,%s,%s", u, hdnet_class_name(ca[u]), st[HDNET_US_PHI][u],
                    st[HDNET_US_S][u], st[HDNET_US_SLOPE][u], hdnet_class_name(cr[u]), reason_str(wa[u], b1),
                    reason_str(wr[u], b2), hdnet_class_name(cd[u]));
            for (int i = 0; i < HDNET_US_COUNT; i++)
                fprintf(f, ",%.9g", st[i][u]);
            fprintf(f, "\n");
        }
        ac_fclose(f, "units.csv");
    }
    size_t *disp_order = ac_malloc(N * sizeof *disp_order);
    {
        size_t np;
        AC_CHECK(hdnet_unit_order(HDNET_ORDER_ALL, N, ca, st[HDNET_US_PHI], disp_order, N, &np, NULL));
    }
    /* counts and confusion */
    size_t cntA[HDNET_NCLASSES] = {0}, cntR[HDNET_NCLASSES] = {0}, conf[HDNET_NCLASSES][HDNET_NCLASSES];
    memset(conf, 0, sizeof conf);
    for (size_t u = 0; u < N; u++) {
        cntA[ca[u]]++;
        cntR[cr[u]]++;
        conf[cr[u]][ca[u]]++;
    }
    {
        FILE *f = ac_fopen(out, "confusion.csv");
        printf("\nconfusion (rows: reference rule, columns: adaptive rule; A* = %.4g, D = %.3g, branch %s)\n",
               infoA[HDNET_CI_ASTAR], infoA[HDNET_CI_D], infoA[HDNET_CI_BRANCH] == 1 ? "otsu" : "fallback");
        printf("%-12s", "");
        fprintf(f, "reference\\adaptive");
        for (int j = 0; j < HDNET_NCLASSES; j++) {
            printf("%12s", hdnet_class_name(j));
            fprintf(f, ",%s", hdnet_class_name(j));
        }
        printf("\n");
        fprintf(f, "\n");
        for (int i = 0; i < HDNET_NCLASSES; i++) {
            printf("%-12s", hdnet_class_name(i));
            fprintf(f, "%s", hdnet_class_name(i));
            for (int j = 0; j < HDNET_NCLASSES; j++) {
                printf("%12zu", conf[i][j]);
                fprintf(f, ",%zu", conf[i][j]);
            }
            printf("\n");
            fprintf(f, "\n");
        }
        ac_fclose(f, "confusion.csv");
    }

    /* ---- arrays: tuning curves, AV tuning, maps, input statistics ---- */
    size_t H, V, W, len, dims[3];
    double *hdc = arr(t, HDNET_TU_HD_CENTRES, &H, NULL);
    double *avc = arr(t, HDNET_TU_AV_CENTRES, &V, NULL);
    double *winc = arr(t, HDNET_TU_WIN_CENTRES, &W, NULL);
    double *avedges = arr(t, HDNET_TU_AV_EDGES, NULL, NULL), *hdedges = arr(t, HDNET_TU_HD_EDGES, NULL, NULL);
    double *curve = arr(t, HDNET_TU_CURVE, NULL, NULL), *curve_dec = arr(t, HDNET_TU_CURVE_DEC, NULL, NULL);
    double *curve_p = arr(t, HDNET_TU_CURVE_CCW, NULL, NULL), *curve_m = arr(t, HDNET_TU_CURVE_CW, NULL, NULL);
    double *ccounts = arr(t, HDNET_TU_CURVE_COUNTS, NULL, NULL);
    {
        hdnet_npz *z;
        AC_CHECK(hdnet_npz_create(&z));
        ac_npz_add(z, "centres", HDNET_DTYPE_F64, hdc, H, 0, 0);
        ac_npz_add(z, "c", HDNET_DTYPE_F64, curve, N, H, 0);
        ac_npz_add(z, "c_dec", HDNET_DTYPE_F64, curve_dec, N, H, 0);
        ac_npz_add(z, "c_ccw", HDNET_DTYPE_F64, curve_p, N, H, 0);
        ac_npz_add(z, "c_cw", HDNET_DTYPE_F64, curve_m, N, H, 0);
        ac_npz_add(z, "counts", HDNET_DTYPE_F64, ccounts, 4, H, 0);
        ac_npz_save(z, out, "hd_tuning.npz");
    }
    double *g = arr(t, HDNET_TU_AV_CURVE, NULL, NULL), *gcnt = arr(t, HDNET_TU_AV_COUNTS, NULL, NULL);
    double *m = NULL, *mc = NULL, *mask = NULL;
    if (pass >= 3 && have_av) {
        m = arr(t, HDNET_TU_PREF_CURVE, NULL, NULL);
        mc = arr(t, HDNET_TU_PREF_COUNTS, NULL, NULL);
        mask = arr(t, HDNET_TU_PREF_FITMASK, NULL, NULL);
        hdnet_npz *z;
        AC_CHECK(hdnet_npz_create(&z));
        ac_npz_add(z, "x", HDNET_DTYPE_F64, winc, W, 0, 0);
        ac_npz_add(z, "m", HDNET_DTYPE_F64, m, N, W, 0);
        ac_npz_add(z, "counts", HDNET_DTYPE_F64, mc, N, W, 0);
        ac_npz_add(z, "fit_mask", HDNET_DTYPE_F64, mask, N, W, 0);
        ac_npz_add(z, "slope", HDNET_DTYPE_F64, st[HDNET_US_SLOPE], N, 0, 0);
        ac_npz_add(z, "intercept", HDNET_DTYPE_F64, st[HDNET_US_INTERCEPT], N, 0, 0);
        ac_npz_add(z, "g", HDNET_DTYPE_F64, g, N, V, 0);
        ac_npz_add(z, "g_x", HDNET_DTYPE_F64, avc, V, 0, 0);
        ac_npz_add(z, "g_counts", HDNET_DTYPE_F64, gcnt, V, 0, 0);
        ac_npz_save(z, out, "av_tuning.npz");
    }
    {
        hdnet_npz *z;
        AC_CHECK(hdnet_npz_create(&z));
        double *mp = arr(t, HDNET_TU_MAP, &len, dims);
        float *f = ac_to_float(mp, len);
        ac_npz_add(z, "maps", HDNET_DTYPE_F32, f, N, V, H);
        free(f);
        free(mp);
        mp = arr(t, HDNET_TU_MAP_ROWNORM, &len, dims);
        f = ac_to_float(mp, len);
        ac_npz_add(z, "maps_rownorm", HDNET_DTYPE_F32, f, N, V, H);
        write_map_grid(out, "maps_grid.dat", mp, N, V, H, disp_order);
        free(f);
        free(mp);
        mp = arr(t, HDNET_TU_MAP_DEC, &len, dims);
        f = ac_to_float(mp, len);
        ac_npz_add(z, "maps_dec", HDNET_DTYPE_F32, f, N, V, H);
        free(f);
        free(mp);
        double *cm = arr(t, HDNET_TU_MAP_COUNTS, &len, dims);
        ac_npz_add(z, "counts", HDNET_DTYPE_F64, cm, V, H, 0);
        ac_npz_add(z, "av_edges", HDNET_DTYPE_F64, avedges, V + 1, 0, 0);
        ac_npz_add(z, "hd_edges", HDNET_DTYPE_F64, hdedges, H + 1, 0, 0);
        ac_npz_save(z, out, "joint_maps.npz");
        /* input statistics */
        double ts[HDNET_TS_COUNT];
        for (int i = 0; i < HDNET_TS_COUNT; i++)
            AC_CHECK(hdnet_tuning_scalar(t, i, &ts[i]));
        double zr = ts[HDNET_TS_ZERO_ROW];
        double *occ_nz = ac_malloc(len * sizeof *occ_nz);
        memcpy(occ_nz, cm, len * sizeof *cm);
        if (zr >= 0)
            for (size_t k = 0; k < H; k++)
                occ_nz[(size_t)zr * H + k] = NAN;
        /* Autocorrelation of the angular velocity: the reference uses one 5000-step
         * trial without a stretch, whose lag-5 estimate has a sampling SD of ~0.025,
         * close to the 0.03 criterion; averaging AC_TRIALS such trials cuts it to ~0.006. */
        enum { AC_STEPS = 5000, AC_TRIALS = 20 };
        hdnet_config *c1;
        AC_CHECK(hdnet_config_clone(cfg, &c1));
        AC_CHECK(hdnet_config_set_int(c1, HDNET_P_STEPS, AC_STEPS));
        AC_CHECK(hdnet_config_set_int(c1, HDNET_P_STRETCH_RULE, HDNET_STRETCH_NONE));
        hdnet_task *t1;
        AC_CHECK(hdnet_task_create(&t1, c1, seed + 1));
        float *x1 = ac_malloc((size_t)AC_TRIALS * AC_STEPS * 3 * sizeof *x1);
        double *a1 = ac_malloc((size_t)AC_TRIALS * AC_STEPS * sizeof *a1), rho[51], rho1[51];
        AC_CHECK(hdnet_task_generate(t1, AC_TRIALS, x1, (size_t)AC_TRIALS * AC_STEPS * 3, NULL, 0,
                                     NULL, 0, NULL, 0, a1, (size_t)AC_TRIALS * AC_STEPS));
        size_t off = (size_t)cue64; /* the cue steps are zero: leave them out */
        for (int k = 0; k < 51; k++)
            rho[k] = 0;
        for (int tr = 0; tr < AC_TRIALS; tr++) {
            AC_CHECK(hdnet_autocorr(a1 + (size_t)tr * AC_STEPS + off, AC_STEPS - off, rho1, 51));
            for (int k = 0; k < 51; k++)
                rho[k] += rho1[k] / AC_TRIALS;
        }
        hdnet_task_free(t1);
        hdnet_config_free(c1);
        free(x1);
        free(a1);
        AC_CHECK(hdnet_npz_create(&z));
        ac_npz_add(z, "occupancy", HDNET_DTYPE_F64, cm, V, H, 0);
        ac_npz_add(z, "occupancy_nozero", HDNET_DTYPE_F64, occ_nz, V, H, 0);
        ac_npz_add(z, "av_hist", HDNET_DTYPE_F64, gcnt, V, 0, 0);
        ac_npz_add(z, "av_edges", HDNET_DTYPE_F64, avedges, V + 1, 0, 0);
        ac_npz_add(z, "autocorr", HDNET_DTYPE_F64, rho, 51, 0, 0);
        ac_npz_save(z, out, "input_stats.npz");
        FILE *fj = ac_fopen(out, "input_stats.json");
        fprintf(fj,
                "{\"samples\": %.0f, \"included\": %.0f, \"zero_fraction\": %.6g, \"sd_with_zeros\": %.6g,\n"
                " \"sigma_av\": %.6g, \"mean_abs_av\": %.6g, \"av_min\": %.6g, \"av_max\": %.6g,\n"
                " \"window\": [%.6g, %.6g], \"nonfinite_decoded\": %.0f, \"speed\": %g,\n \"autocorr\": [",
                ts[HDNET_TS_N_SAMPLES], ts[HDNET_TS_N_INCLUDED], ts[HDNET_TS_ZERO_FRACTION],
                ts[HDNET_TS_SD_WITH_ZEROS], ts[HDNET_TS_SIGMA_AV], ts[HDNET_TS_MEAN_ABS_AV], ts[HDNET_TS_AV_MIN],
                ts[HDNET_TS_AV_MAX], ts[HDNET_TS_WIN_LO], ts[HDNET_TS_WIN_HI], ts[HDNET_TS_N_NONFINITE_DEC], speed);
        for (int k = 0; k <= 50; k++)
            fprintf(fj, "%s%.6g", k ? ", " : "", rho[k]);
        fprintf(fj, "]}\n");
        ac_fclose(fj, "input_stats.json");
        FILE *fh = ac_fopen(out, "av_hist.dat");
        for (size_t j = 0; j < V; j++)
            fprintf(fh, "%.6g %.0f\n", avc[j], gcnt[j]);
        ac_fclose(fh, "av_hist.dat");
        free(occ_nz);
        free(cm);

        /* ---- criteria file ---- */
        char *cp = ac_path(out, "criteria.csv");
        FILE *crit = fopen(cp, "w");
        if (!crit)
            ac_die("cannot write %s", cp);
        free(cp);
        fprintf(crit, "id,claim,measured,criterion,status\n");
        ac_open_crit_txt(out, "w");
        char ms[256];
        printf("\n");
        /* R1 */
        snprintf(ms, sizeof ms, "NE %.4f%% (%zu steps), %.4f%% (first 500 steps)", 100 * R.ne[0], T,
                 100 * R.ne[1]);
        ac_crit(crit, "R1", "accuracy", ms, "NE <= 1% on 1000-step trials", R.ne[0] <= 0.01 ? "PASS" : "FAIL");
        /* R2 */
        {
            double sig = ts[HDNET_TS_SIGMA_AV], ref = 2.865 * speed, worst = 0;
            for (int k = 1; k <= 5; k++)
                worst = fmax(worst, fabs(rho[k] - pow(0.8, k)));
            double rel = fabs(sig / ref - 1);
            snprintf(ms, sizeof ms, "sigma_AV %.4f deg/step (ref %.4f, |ratio-1| %.4f); max|rho(k)-0.8^k| %.4f "
                     "(k=1..5); zero fraction %.4f; SD with zeros %.4f; mean|w| %.4f", sig, ref, rel, worst,
                     ts[HDNET_TS_ZERO_FRACTION], ts[HDNET_TS_SD_WITH_ZEROS], ts[HDNET_TS_MEAN_ABS_AV]);
            ac_crit(crit, "R2", "input statistics", ms, "|sigma/2.865s - 1| <= 0.03 and |rho(k)-0.8^k| <= 0.03",
                    rel <= 0.03 && worst <= 0.03 ? "PASS" : "FAIL");
        }
        if (ferror(crit) | fclose(crit))
            ac_die("error writing criteria.csv");
    }
    char ms[512], cs[256];
    char *cp = ac_path(out, "criteria.csv");
    FILE *crit = fopen(cp, "a");
    if (!crit)
        ac_die("cannot append to %s", cp);
    free(cp);
    /* R3 */
    {
        size_t nc = cntA[0], np = cntA[1], nn = cntA[2], nr = cntA[4];
        double ratio = nn ? (double)np / (double)nn : INFINITY;
        int ok = nc * 100 >= 20 * N && nc * 100 <= 50 * N && np * 100 >= 10 * N && nn * 100 >= 10 * N &&
                 ratio >= 0.5 && ratio <= 2 && nr * 100 <= 30 * N;
        snprintf(ms, sizeof ms, "compass %zu, CCW %zu, CW %zu, weak %zu, inactive %zu of %zu (adaptive; A*=%.3g, "
                 "D=%.2f, %s)", nc, np, nn, cntA[3], nr, N, infoA[0], infoA[1],
                 infoA[2] == 1 ? "otsu" : "fallback");
        ac_crit(crit, "R3", "class counts", ms,
                "compass 20-50%, each shifter >= 10%, CCW/CW in [0.5, 2], inactive <= 30%; WARN if none inactive",
                !ok ? "FAIL" : nr == 0 ? "WARN" : "PASS");
        snprintf(ms, sizeof ms, "reference rule: compass %zu, CCW %zu, CW %zu, weak %zu, inactive %zu", cntR[0],
                 cntR[1], cntR[2], cntR[3], cntR[4]);
        ac_crit(crit, "R3i", "class counts, reference thresholds", ms, "paper: 33/29+26/12 inactive", "INFO");
    }
    /* R4 */
    {
        int *selc = ac_malloc(N * sizeof *selc), *sels = ac_malloc(N * sizeof *sels);
        for (size_t u = 0; u < N; u++) {
            selc[u] = ca[u] == HDNET_CLASS_COMPASS;
            sels[u] = ca[u] == HDNET_CLASS_SHIFTER_CCW || ca[u] == HDNET_CLASS_SHIFTER_CW;
        }
        double mA_c = ac_median(st[HDNET_US_A], selc, N), mA_s = ac_median(st[HDNET_US_A], sels, N);
        snprintf(ms, sizeof ms, "median A shifters %.4g, compass %.4g, ratio %.3g", mA_s, mA_c, mA_s / mA_c);
        ac_crit(crit, "R4", "functional separation", ms, "ratio >= 3", mA_s >= 3 * mA_c ? "PASS" : "FAIL");
        free(selc);
        free(sels);
    }
    /* R5 + tiling.csv */
    {
        FILE *f = ac_fopen(out, "tiling.csv");
        fprintf(f, "rule,class,n,gmax,gexp,gbound,rbar,kuiper_v,kuiper_p\n");
        FILE *fp = ac_fopen(out, "tiling.dat");
        int ok = 1;
        char part[3][160];
        for (int rule = 0; rule < 2; rule++) {
            const int *cl = rule ? cr : ca;
            for (int k = 0; k < 3; k++) {
                double *ph = ac_malloc(N * sizeof *ph);
                size_t n = 0;
                for (size_t u = 0; u < N; u++)
                    if (cl[u] == k) {
                        ph[n++] = st[HDNET_US_PHI][u];
                        if (rule == 0)
                            fprintf(fp, "%d %.4g %.6g %.6g\n", k, st[HDNET_US_PHI][u],
                                    cos(st[HDNET_US_PHI][u] / AC_DEG), sin(st[HDNET_US_PHI][u] / AC_DEG));
                    }
                double ti[HDNET_TILE_COUNT];
                AC_CHECK(hdnet_tiling_stats(ph, n, ti, HDNET_TILE_COUNT));
                fprintf(f, "%s,%s,%.0f,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", rule ? "reference" : "adaptive",
                        hdnet_class_name(k), ti[0], ti[1], ti[2], ti[3], ti[4], ti[5], ti[6]);
                if (rule == 0) {
                    int need = k == 0 || ti[0] >= 10;
                    int pass_k = ti[1] <= ti[3] && ti[6] >= 0.01;
                    if (need && !pass_k)
                        ok = 0;
                    if (k == 0 && ti[0] < 2)
                        ok = 0;
                    snprintf(part[k], sizeof part[k], "%s n=%.0f Gmax %.1f (bound %.1f) p %.3g%s",
                             hdnet_class_name(k), ti[0], ti[1], ti[3], ti[6], need ? "" : " (not tested)");
                }
                free(ph);
            }
        }
        ac_fclose(f, "tiling.csv");
        ac_fclose(fp, "tiling.dat");
        snprintf(ms, sizeof ms, "%s; %s; %s", part[0], part[1], part[2]);
        ac_crit(crit, "R5", "tiling", ms, "Gmax <= min(90, 360(ln n+3)/n) and Kuiper p >= 0.01", ok ? "PASS" : "FAIL");
    }
    /* ---- weights: sorted matrix and profiles ---- */
    float *w = ac_malloc(N * N * sizeof *w);
    AC_CHECK(hdnet_net_copy_block(net, HDNET_W_REC, w, N * N));
    {
        size_t *perm = ac_malloc(N * sizeof *perm), np, bounds[6];
        AC_CHECK(hdnet_unit_order(HDNET_ORDER_BLOCKS, N, ca, st[HDNET_US_PHI], perm, N, &np, bounds));
        float *ws = ac_malloc((np ? np * np : 1) * sizeof *ws);
        AC_CHECK(hdnet_sort_weights(w, N, perm, np, ws, np * np));
        int64_t *p64 = ac_malloc((np ? np : 1) * sizeof *p64), b64[6];
        for (size_t i = 0; i < np; i++)
            p64[i] = (int64_t)perm[i];
        for (int i = 0; i < 6; i++)
            b64[i] = (int64_t)bounds[i];
        hdnet_npz *z;
        AC_CHECK(hdnet_npz_create(&z));
        if (np) {
            ac_npz_add(z, "W_sorted", HDNET_DTYPE_F32, ws, np, np, 0);
            ac_npz_add(z, "permutation", HDNET_DTYPE_I64, p64, np, 0, 0);
        }
        ac_npz_add(z, "boundaries", HDNET_DTYPE_I64, b64, 6, 0, 0);
        ac_npz_save(z, out, "w_sorted.npz");
        FILE *f = ac_fopen(out, "w_sorted.dat");
        float wmax = 0;
        for (size_t r = 0; r < np; r++) {
            for (size_t cc = 0; cc < np; cc++) {
                fprintf(f, "%s%.5g", cc ? " " : "", ws[r * np + cc]);
                wmax = fmaxf(wmax, fabsf(ws[r * np + cc]));
            }
            fprintf(f, "\n");
        }
        ac_fclose(f, "w_sorted.dat");
        f = ac_fopen(out, "w_sorted_meta.gp");
        fprintf(f, "wmax=%g\nnkept=%zu\nb1=%zu\nb2=%zu\n", wmax > 0 ? wmax : 1, np, bounds[1], bounds[2]);
        ac_fclose(f, "w_sorted_meta.gp");
        free(perm);
        free(ws);
        free(p64);
    }
    double pr_tables[3][HDNET_PR_ROWS * HDNET_PROFILE_BINS];
    double *pairs_ccw = NULL, *pairs_cw = NULL, *pairs_cc = NULL;
    size_t npairs_ccw = 0, npairs_cw = 0, npairs_cc = 0;
    {
        FILE *fprof = ac_fopen(out, "profiles.csv"), *fpair = ac_fopen(out, "pairs.csv");
        fprintf(fprof, "pair,centre,n,mean,sd,sem\n");
        fprintf(fpair, "pair,pre,post,r,w\n");
        static const char *abbrev[3] = {"C", "CCW", "CW"};
        for (int dec = 0; dec < 2; dec++) {
            const int *cl = dec ? cd : ca;
            const double *phi = st[dec ? HDNET_US_PHI_DEC : HDNET_US_PHI];
            const double *bb = st[dec ? HDNET_US_SLOPE_DEC : HDNET_US_SLOPE];
            size_t nm[5];
            int *mem[5];
            for (int k = 0; k < 3; k++)
                mem[k] = members(cl, bb, N, k, &nm[k]);
            mem[3] = members(cl, bb, N, -1, &nm[3]);
            mem[4] = members(cl, bb, N, -2, &nm[4]);
            static const char *pn[5] = {"C", "CCW", "CW", "pos", "neg"};
            for (int a = 0; a < 5; a++)
                for (int bq = 0; bq < 5; bq++) {
                    if ((a < 3) != (bq < 3))
                        continue;
                    char name[32];
                    snprintf(name, sizeof name, "%s%s->%s", dec ? "dec:" : "", pn[a], pn[bq]);
                    double table[HDNET_PR_ROWS * HDNET_PROFILE_BINS];
                    size_t npairs;
                    size_t cap = nm[a] * nm[bq];
                    double *pairs = ac_malloc((cap ? cap : 1) * 4 * sizeof *pairs);
                    AC_CHECK(hdnet_profile(ap, w, N, phi, mem[a], nm[a], mem[bq], nm[bq], table,
                                           HDNET_PR_ROWS * HDNET_PROFILE_BINS, pairs, cap, &npairs));
                    for (size_t k = 0; k < HDNET_PROFILE_BINS; k++)
                        fprintf(fprof, "%s,%g,%.0f,%.6g,%.6g,%.6g\n", name, table[k],
                                table[HDNET_PR_N * HDNET_PROFILE_BINS + k],
                                table[HDNET_PR_MEAN * HDNET_PROFILE_BINS + k],
                                table[HDNET_PR_SD * HDNET_PROFILE_BINS + k],
                                table[HDNET_PR_SEM * HDNET_PROFILE_BINS + k]);
                    if (!dec)
                        for (size_t i = 0; i < npairs; i++)
                            fprintf(fpair, "%s,%.0f,%.0f,%.6g,%.6g\n", name, pairs[4 * i], pairs[4 * i + 1],
                                    pairs[4 * i + 2], pairs[4 * i + 3]);
                    int keep = 0;
                    if (!dec && bq == 0 && a < 3) {
                        memcpy(pr_tables[a], table, sizeof table);
                        if (a == 0) {
                            pairs_cc = pairs;
                            npairs_cc = npairs;
                        } else if (a == 1) {
                            pairs_ccw = pairs;
                            npairs_ccw = npairs;
                        } else {
                            pairs_cw = pairs;
                            npairs_cw = npairs;
                        }
                        keep = 1;
                    }
                    if (!keep)
                        free(pairs);
                }
            for (int k = 0; k < 5; k++)
                free(mem[k]);
            (void)abbrev;
        }
        ac_fclose(fprof, "profiles.csv");
        ac_fclose(fpair, "pairs.csv");
        FILE *f = ac_fopen(out, "profiles_main.dat");
        for (int a = 0; a < 3; a++) {
            for (size_t k = 0; k < HDNET_PROFILE_BINS; k++)
                fprintf(f, "%g %.6g %.6g\n", pr_tables[a][k], pr_tables[a][HDNET_PR_MEAN * HDNET_PROFILE_BINS + k],
                        pr_tables[a][HDNET_PR_SD * HDNET_PROFILE_BINS + k]);
            fprintf(f, "\n\n");
        }
        ac_fclose(f, "profiles_main.dat");
        f = ac_fopen(out, "pairs_main.dat");
        double *pl[3] = {pairs_cc, pairs_ccw, pairs_cw};
        size_t pn2[3] = {npairs_cc, npairs_ccw, npairs_cw};
        for (int a = 0; a < 3; a++) {
            for (size_t i = 0; i < pn2[a]; i++)
                fprintf(f, "%.6g %.6g\n", pl[a][4 * i + 2], pl[a][4 * i + 3]);
            fprintf(f, "\n\n");
        }
        ac_fclose(f, "pairs_main.dat");
    }
    /* R6 */
    {
        double near, far;
        size_t cn, cf;
        AC_CHECK(hdnet_pairs_mean(pairs_cc, npairs_cc, 0, 30, 1, &near, &cn));
        AC_CHECK(hdnet_pairs_mean(pairs_cc, npairs_cc, 120, 180, 1, &far, &cf));
        snprintf(ms, sizeof ms, "mean W |r|<=30: %+.4f (n=%zu); |r|>=120: %+.4f (n=%zu)", near, cn, far, cf);
        ac_crit(crit, "R6", "ring connectivity", ms, "near > 0 and far < 0", near > 0 && far < 0 ? "PASS" : "FAIL");
    }
    /* R7 */
    {
        double dp, dm;
        AC_CHECK(hdnet_profile_offset(pr_tables[1], HDNET_PR_ROWS * HDNET_PROFILE_BINS, &dp));
        AC_CHECK(hdnet_profile_offset(pr_tables[2], HDNET_PR_ROWS * HDNET_PROFILE_BINS, &dm));
        snprintf(ms, sizeof ms, "delta_CCW %+.1f deg, delta_CW %+.1f deg", dp, dm);
        ac_crit(crit, "R7", "shifter offset", ms, "delta_CCW >= +5 and delta_CW <= -5", dp >= 5 && dm <= -5 ? "PASS" : "FAIL");
    }
    /* R8 */
    {
        double a_tr, a_le, b_tr, b_le;
        AC_CHECK(hdnet_pairs_mean(pairs_ccw, npairs_ccw, -90, -10, 0, &a_tr, NULL));
        AC_CHECK(hdnet_pairs_mean(pairs_ccw, npairs_ccw, 10, 90, 0, &a_le, NULL));
        AC_CHECK(hdnet_pairs_mean(pairs_cw, npairs_cw, 10, 90, 0, &b_tr, NULL));
        AC_CHECK(hdnet_pairs_mean(pairs_cw, npairs_cw, -90, -10, 0, &b_le, NULL));
        int ok = a_tr < a_le && b_tr < b_le;
        int neg = a_tr < 0 && b_tr < 0;
        snprintf(ms, sizeof ms, "CCW->C trailing %+.4f vs leading %+.4f; CW->C trailing %+.4f vs leading %+.4f", a_tr,
                 a_le, b_tr, b_le);
        ac_crit(crit, "R8", "lagging inhibition", ms, "trailing < leading (WARN unless trailing < 0)",
                !ok ? "FAIL" : neg ? "PASS" : "WARN");
    }
    /* R9 */
    {
        const size_t Bn = HDNET_PROFILE_BINS;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 0;
        for (size_t k = 0; k < Bn; k++) {
            size_t k2 = (358 - k + Bn) % Bn; /* label L = -179 + k  <->  -L */
            double x = pr_tables[1][HDNET_PR_MEAN * Bn + k], y = pr_tables[2][HDNET_PR_MEAN * Bn + k2];
            if (isnan(x) || isnan(y))
                continue;
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
            n++;
        }
        double r = (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
        snprintf(ms, sizeof ms, "Pearson r %.3f over %.0f bins", r, n);
        ac_crit(crit, "R9", "mirror symmetry", ms, "r >= 0.5", r >= 0.5 ? "PASS" : "FAIL");
    }
    /* R15 */
    {
        size_t n = 0, good = 0;
        for (size_t u = 0; u < N; u++)
            if (ca[u] == HDNET_CLASS_COMPASS) {
                n++;
                good += fabs(hdnet_wrap_deg(st[HDNET_US_PHI][u] - st[HDNET_US_PHI_CM][u])) <= 10;
            }
        snprintf(ms, sizeof ms, "%zu of %zu compass units within 10 deg", good, n);
        ac_crit(crit, "R15", "estimator agreement", ms, ">= 90%", n && good * 10 >= 9 * n ? "PASS" : "FAIL");
    }
    /* ---- R14: untrained against trained ---- */
    if (untrained) {
        hdnet_net *net0;
        int rc = hdnet_net_load(&net0, untrained);
        if (rc)
            ac_die("cannot load %s: %s: %s", untrained, hdnet_strerror(rc), hdnet_errmsg());
        size_t N0;
        AC_CHECK(hdnet_net_dims(net0, &N0, NULL, NULL));
        if (N0 != N)
            ac_die("%s has %zu units, the trained network %zu", untrained, N0, N);
        result R0 = analyse(net0, &d, ap, chunk, 0);
        double *S0 = ustat(R0.t, HDNET_US_S, N), *R0v = ustat(R0.t, HDNET_US_R, N), *A0 = ustat(R0.t, HDNET_US_A, N);
        double *ph0 = ustat(R0.t, HDNET_US_PHI, N), *rg0 = ustat(R0.t, HDNET_US_RANGE, N);
        size_t tuned0 = 0, tuned1 = 0, kept = 0;
        for (size_t u = 0; u < N; u++) {
            tuned0 += S0[u] >= 0.1;
            if (ca[u] != HDNET_CLASS_INACTIVE) {
                kept++;
                tuned1 += st[HDNET_US_S][u] >= 0.1;
            }
        }
        double medS0 = ac_median(S0, NULL, N);
        int ok = tuned0 * 10 <= N && medS0 <= 0.05 && tuned1 * 4 >= 3 * kept;
        snprintf(ms, sizeof ms, "untrained: %zu of %zu with S>=0.1, median S %.4f (NE %.3f); trained: %zu of %zu kept "
                 "with S>=0.1", tuned0, N, medS0, R0.ne[0], tuned1, kept);
        ac_crit(crit, "R14", "untrained against trained", ms,
                "untrained <= 10% tuned and median S <= 0.05; trained >= 75% of kept tuned", ok ? "PASS" : "FAIL");
        snprintf(ms, sizeof ms, "%zu inactive units (adaptive rule)", cntA[HDNET_CLASS_INACTIVE]);
        ac_crit(crit, "R14i", "inactive units after training", ms, "paper: 12", "INFO");
        hdnet_npz *z;
        AC_CHECK(hdnet_npz_create(&z));
        double *mp = arr(R0.t, HDNET_TU_MAP, &len, dims);
        float *f = ac_to_float(mp, len);
        ac_npz_add(z, "maps", HDNET_DTYPE_F32, f, N, V, H);
        free(f);
        free(mp);
        mp = arr(R0.t, HDNET_TU_MAP_ROWNORM, &len, dims);
        f = ac_to_float(mp, len);
        ac_npz_add(z, "maps_rownorm", HDNET_DTYPE_F32, f, N, V, H);
        write_map_grid(out, "maps_grid_untrained.dat", mp, N, V, H, disp_order);
        free(f);
        free(mp);
        double *cm = arr(R0.t, HDNET_TU_MAP_COUNTS, &len, dims);
        ac_npz_add(z, "counts", HDNET_DTYPE_F64, cm, V, H, 0);
        ac_npz_add(z, "av_edges", HDNET_DTYPE_F64, avedges, V + 1, 0, 0);
        ac_npz_add(z, "hd_edges", HDNET_DTYPE_F64, hdedges, H + 1, 0, 0);
        ac_npz_save(z, out, "joint_maps_untrained.npz");
        free(cm);
        FILE *fu = ac_fopen(out, "units_untrained.csv");
        fprintf(fu, "unit,range,S,R,A,phi\n");
        for (size_t u = 0; u < N; u++)
            fprintf(fu, "%zu,%.6g,%.6g,%.6g,%.6g,%.6g\n", u, rg0[u], S0[u], R0v[u], A0[u], ph0[u]);
        ac_fclose(fu, "units_untrained.csv");
        free(S0);
        free(R0v);
        free(A0);
        free(ph0);
        free(rg0);
        free(R0.y5);
        hdnet_tuning_free(R0.t);
        hdnet_net_free(net0);
    } else {
        ac_crit(crit, "R14", "untrained against trained", "not run", "needs --untrained CKPT", "INFO");
    }
    if (ac_crit_txt && (ferror(ac_crit_txt) | fclose(ac_crit_txt)))
        ac_die("error writing criteria.txt");
    if (ferror(crit) | fclose(crit))
        ac_die("error writing criteria.csv");
    (void)cs;

    /* ---- figure data: task example, test outputs, example curves, unit scatter ---- */
    {
        size_t n5 = B < 5 ? B : 5;
        hdnet_npz *z;
        AC_CHECK(hdnet_npz_create(&z));
        ac_npz_add(z, "x", HDNET_DTYPE_F32, d.x, n5, T, 3);
        ac_npz_add(z, "targets", HDNET_DTYPE_F32, d.y, n5, T, 2);
        ac_npz_add(z, "theta", HDNET_DTYPE_F64, d.th, n5, T, 0);
        ac_npz_add(z, "omega", HDNET_DTYPE_F64, d.av, n5, T, 0);
        ac_npz_save(z, out, "task_example.npz");
        double *thd = ac_malloc(n5 * T * sizeof *thd);
        for (size_t i = 0; i < n5 * T; i++) {
            double a = atan2(R.y5[2 * i], R.y5[2 * i + 1]) * AC_DEG;
            thd[i] = a < 0 ? a + 360 : a;
        }
        AC_CHECK(hdnet_npz_create(&z));
        ac_npz_add(z, "y", HDNET_DTYPE_F32, R.y5, n5, T, 2);
        ac_npz_add(z, "theta_hat", HDNET_DTYPE_F64, thd, n5, T, 0);
        ac_npz_add(z, "theta", HDNET_DTYPE_F64, d.th, n5, T, 0);
        ac_npz_save(z, out, "test_outputs.npz");
        FILE *f = ac_fopen(out, "test_trace.dat");
        for (size_t b = 0; b < (n5 < 2 ? n5 : 2); b++) {
            double prev = NAN, prevd = NAN;
            for (size_t k = 0; k < T; k++) {
                size_t i = b * T + k;
                double th = fmod(d.th[i] * AC_DEG, 360.0);
                if (th < 0)
                    th += 360;
                /* omit wrap jumps: a blank line for the true heading, a gap for the decoded one */
                if (!isnan(prev) && fabs(th - prev) > 180)
                    fprintf(f, "\n");
                double shown = (!isnan(prevd) && fabs(thd[i] - prevd) > 180) ? NAN : thd[i];
                prev = th;
                prevd = thd[i];
                fprintf(f, "%zu %.6g %.6g %.6g %.6g %.6g %.6g\n", k, th, shown, R.y5[2 * i], R.y5[2 * i + 1], d.y[2 * i],
                        d.av[i] * AC_DEG);
            }
            fprintf(f, "\n\n");
        }
        ac_fclose(f, "test_trace.dat");
        free(thd);
        /* example tuning curves: the unit of each class with the largest S */
        f = ac_fopen(out, "curves_examples.dat");
        FILE *fa = ac_fopen(out, "av_examples.dat");
        for (int k = 0; k < 3; k++) {
            long best = -1;
            for (size_t u = 0; u < N; u++)
                if (ca[u] == k && (best < 0 || st[HDNET_US_S][u] > st[HDNET_US_S][best]))
                    best = (long)u;
            fprintf(f, "# class %s unit %ld\n", hdnet_class_name(k), best);
            fprintf(fa, "# class %s unit %ld slope %g\n", hdnet_class_name(k), best,
                    best >= 0 ? st[HDNET_US_SLOPE][best] : NAN);
            if (best >= 0) {
                for (size_t h = 0; h < H; h++)
                    fprintf(f, "%g %.6g %.6g %.6g\n", hdc[h], curve[(size_t)best * H + h],
                            curve_p[(size_t)best * H + h], curve_m[(size_t)best * H + h]);
                if (m)
                    for (size_t j = 0; j < W; j++)
                        fprintf(fa, "%g %.6g %.0f %.6g\n", winc[j], m[(size_t)best * W + j], mask[(size_t)best * W + j],
                                st[HDNET_US_INTERCEPT][best] + st[HDNET_US_SLOPE][best] * winc[j]);
            } else {
                fprintf(f, "0 NaN NaN NaN\n");
                fprintf(fa, "0 NaN 0 NaN\n");
            }
            fprintf(f, "\n\n");
            fprintf(fa, "\n\n");
        }
        ac_fclose(f, "curves_examples.dat");
        ac_fclose(fa, "av_examples.dat");
        f = ac_fopen(out, "units_plot.dat");
        fprintf(f, "# unit class S A slope phi Delta\n");
        for (size_t u = 0; u < N; u++)
            fprintf(f, "%zu %d %.6g %.6g %.6g %.6g %.6g\n", u, ca[u], st[HDNET_US_S][u], st[HDNET_US_A][u],
                    st[HDNET_US_SLOPE][u], st[HDNET_US_PHI][u], st[HDNET_US_DELTA][u]);
        ac_fclose(f, "units_plot.dat");
        f = ac_fopen(out, "plot_meta.gp");
        fprintf(f, "ne=%g\nastar=%g\nnunits=%zu\n", 100 * R.ne[0], infoA[HDNET_CI_ASTAR], N);
        /* the training run's selection curve, when the model sits in a hdnet-train directory */
        {
            const char *sl = strrchr(model, '/');
            char ck[4200];
            snprintf(ck, sizeof ck, "%.*s/checkpoints.csv", sl ? (int)(sl - model) : 1, sl ? model : ".");
            if (access(ck, R_OK) == 0 && !strchr(ck, '\''))
                fprintf(f, "ckfile='%s'\n", ck);
        }
        ac_fclose(f, "plot_meta.gp");
    }
    if (plots) {
        char *pd = ac_plot_dir(argv[0]);
        int bad = 0;
        bad |= ac_gnuplot(pd, "analyze.gp", out);
        if (untrained && !bad)
            bad |= ac_gnuplot(pd, "maps_untrained.gp", out);
        printf("%s\n", bad ? "figures: skipped (see messages above)" : "figures: written (PNG and SVG)");
        free(pd);
    }
    printf("wrote %s/units.csv and the other data files\n", out);

    for (int i = 0; i < HDNET_US_COUNT; i++)
        free(st[i]);
    free(pairs_cc);
    free(pairs_ccw);
    free(pairs_cw);
    free(w);
    free(ca);
    free(cr);
    free(cd);
    free(wa);
    free(wr);
    free(hdc);
    free(avc);
    free(winc);
    free(avedges);
    free(hdedges);
    free(curve);
    free(curve_dec);
    free(curve_p);
    free(curve_m);
    free(ccounts);
    free(g);
    free(gcnt);
    free(m);
    free(mc);
    free(mask);
    free(R.y5);
    free(disp_order);
    hdnet_tuning_free(t);
    free(d.x);
    free(d.y);
    free(d.mask);
    free(d.th);
    free(d.av);
    hdnet_config_free(cfg);
    hdnet_aparams_free(ap);
    hdnet_net_free(net);
    return 0;
}
