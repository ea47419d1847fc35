/* The data files of hdnet-analyze (see analyze_files.h). */
#include "analyze_files.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A copy of a tuning array, with its length. */
static double *arr(const hdnet_tuning *t, int id, size_t *len)
{
    size_t n;
    cli_check("tuning", hdnet_tuning_array_shape(t, id, &n, NULL));
    double *v = cli_malloc(n * sizeof *v);
    cli_check("tuning", hdnet_tuning_copy(t, id, v, n));
    if (len)
        *len = n;
    return v;
}

static size_t dim(const hdnet_tuning *t, int id)
{
    size_t n;
    cli_check("tuning", hdnet_tuning_array_shape(t, id, &n, NULL));
    return n;
}

/* Tuning arrays into an archive: each entry names the array, its id and its dtype. */
typedef struct {
    const char *name;
    int id, f32;
} entry;

static void add_arrays(hdnet_npz *z, const hdnet_tuning *t, const entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len, dims[3];
        cli_check("tuning", hdnet_tuning_array_shape(t, e[i].id, &len, dims));
        double *v = arr(t, e[i].id, NULL);
        void *data = e[i].f32 ? (void *)cli_to_float(v, len) : v;
        size_t d1 = dims[1] > 1 || dims[2] > 1 ? dims[1] : 0, d2 = dims[2] > 1 ? dims[2] : 0;
        cli_npz_add(z, e[i].name, e[i].f32 ? HDNET_DTYPE_F32 : HDNET_DTYPE_F64, data, dims[0], d1, d2);
        if (data != v)
            free(data);
        free(v);
    }
}

/* Coarse row-normalised maps for the figure grid: 10-degree columns, 4 AV rows per cell,
 * units in display order (compass, CCW, CW, weak, inactive; by phi within a class). */
static void write_map_grid(const char *out, const char *name, const hdnet_tuning *t, const size_t *order)
{
    size_t N, V = dim(t, HDNET_TU_AV_CENTRES), H = dim(t, HDNET_TU_HD_CENTRES);
    double *mp = arr(t, HDNET_TU_MAP_ROWNORM, &N);
    N /= V * H;
    FILE *fm = cli_fopen(out, name);
    size_t hc = H >= 36 ? H / 36 : 1, vc = V >= 25 ? V / 25 : 1;
    for (size_t i = 0; i < N; i++) {
        fprintf(fm, "# unit %zu\n", order[i]);
        for (size_t j = 0; j + vc <= V; j += vc) {
            for (size_t k = 0; k + hc <= H; k += hc) {
                double s = 0;
                int cn = 0;
                for (size_t a = 0; a < vc; a++)
                    for (size_t b = 0; b < hc; b++) {
                        double v = mp[(order[i] * V + j + a) * H + k + b];
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
    cli_fclose(fm, name);
    free(mp);
    /* the grid's extent in degrees and degrees per step, for the axis labels */
    double *hde = arr(t, HDNET_TU_HD_EDGES, NULL), *ave = arr(t, HDNET_TU_AV_EDGES, NULL);
    fm = cli_fopen(out, "maps_meta.gp");
    fprintf(fm, "map_hd_lo=%g\nmap_hd_hi=%g\nmap_av_lo=%g\nmap_av_hi=%g\n", hde[0], hde[H / hc * hc], ave[0],
            ave[V / vc * vc]);
    cli_fclose(fm, "maps_meta.gp");
    free(hde);
    free(ave);
}

/* joint_maps[_untrained].npz and the map grid. */
void analyze_write_maps(const char *out, const hdnet_tuning *t, int untrained, const size_t *order)
{
    static const entry trained[] = {{"maps", HDNET_TU_MAP, 1},         {"maps_rownorm", HDNET_TU_MAP_ROWNORM, 1},
                                    {"maps_dec", HDNET_TU_MAP_DEC, 1}, {"counts", HDNET_TU_MAP_COUNTS, 0},
                                    {"av_edges", HDNET_TU_AV_EDGES, 0}, {"hd_edges", HDNET_TU_HD_EDGES, 0}};
    static const entry untr[] = {{"maps", HDNET_TU_MAP, 1},           {"maps_rownorm", HDNET_TU_MAP_ROWNORM, 1},
                                 {"counts", HDNET_TU_MAP_COUNTS, 0},  {"av_edges", HDNET_TU_AV_EDGES, 0},
                                 {"hd_edges", HDNET_TU_HD_EDGES, 0}};
    hdnet_npz *z;
    cli_check("archive", hdnet_npz_create(&z));
    if (untrained)
        add_arrays(z, t, untr, sizeof untr / sizeof *untr);
    else
        add_arrays(z, t, trained, sizeof trained / sizeof *trained);
    cli_npz_save(z, out, untrained ? "joint_maps_untrained.npz" : "joint_maps.npz");
    write_map_grid(out, untrained ? "maps_grid_untrained.dat" : "maps_grid.dat", t, order);
}

/* hd_tuning.npz, and av_tuning.npz when the AV analyses ran. */
void analyze_write_tuning(const char *out, const hdnet_tuning *t, const cli_units *u, int have_av)
{
    static const entry hd[] = {{"centres", HDNET_TU_HD_CENTRES, 0}, {"c", HDNET_TU_CURVE, 0},
                               {"c_dec", HDNET_TU_CURVE_DEC, 0},    {"c_ccw", HDNET_TU_CURVE_CCW, 0},
                               {"c_cw", HDNET_TU_CURVE_CW, 0},      {"counts", HDNET_TU_CURVE_COUNTS, 0}};
    static const entry av[] = {{"x", HDNET_TU_WIN_CENTRES, 0},     {"m", HDNET_TU_PREF_CURVE, 0},
                               {"counts", HDNET_TU_PREF_COUNTS, 0}, {"fit_mask", HDNET_TU_PREF_FITMASK, 0}};
    static const entry g[] = {{"g", HDNET_TU_AV_CURVE, 0}, {"g_x", HDNET_TU_AV_CENTRES, 0},
                              {"g_counts", HDNET_TU_AV_COUNTS, 0}};
    hdnet_npz *z;
    cli_check("archive", hdnet_npz_create(&z));
    add_arrays(z, t, hd, sizeof hd / sizeof *hd);
    cli_npz_save(z, out, "hd_tuning.npz");
    if (!have_av)
        return;
    cli_check("archive", hdnet_npz_create(&z));
    add_arrays(z, t, av, sizeof av / sizeof *av);
    cli_npz_add(z, "slope", HDNET_DTYPE_F64, u->stat[HDNET_US_SLOPE], u->n, 0, 0);
    cli_npz_add(z, "intercept", HDNET_DTYPE_F64, u->stat[HDNET_US_INTERCEPT], u->n, 0, 0);
    add_arrays(z, t, g, sizeof g / sizeof *g);
    cli_npz_save(z, out, "av_tuning.npz");
}

/* input_stats.npz, input_stats.json and av_hist.dat. */
void analyze_write_inputs(const char *out, const hdnet_study *s, const hdnet_tuning *t)
{
    double ts[HDNET_TS_COUNT], rho[HDNET_STUDY_AUTOCORR_LAGS], speed;
    for (int i = 0; i < HDNET_TS_COUNT; i++)
        cli_check("tuning", hdnet_tuning_scalar(t, i, &ts[i]));
    cli_check("study", hdnet_study_autocorr(s, rho, HDNET_STUDY_AUTOCORR_LAGS));
    cli_check("study", hdnet_study_scalar(s, HDNET_SS_SPEED, &speed));
    size_t V = dim(t, HDNET_TU_AV_CENTRES), H = dim(t, HDNET_TU_HD_CENTRES), len;
    double *occ = arr(t, HDNET_TU_MAP_COUNTS, &len), *occ_nz = arr(t, HDNET_TU_MAP_COUNTS, NULL);
    double *hist = arr(t, HDNET_TU_AV_COUNTS, NULL), *avc = arr(t, HDNET_TU_AV_CENTRES, NULL);
    if (ts[HDNET_TS_ZERO_ROW] >= 0)
        for (size_t k = 0; k < H; k++)
            occ_nz[(size_t)ts[HDNET_TS_ZERO_ROW] * H + k] = NAN;
    hdnet_npz *z;
    cli_check("archive", hdnet_npz_create(&z));
    cli_npz_add(z, "occupancy", HDNET_DTYPE_F64, occ, V, H, 0);
    cli_npz_add(z, "occupancy_nozero", HDNET_DTYPE_F64, occ_nz, V, H, 0);
    cli_npz_add(z, "av_hist", HDNET_DTYPE_F64, hist, V, 0, 0);
    double *edges = arr(t, HDNET_TU_AV_EDGES, NULL);
    cli_npz_add(z, "av_edges", HDNET_DTYPE_F64, edges, V + 1, 0, 0);
    cli_npz_add(z, "autocorr", HDNET_DTYPE_F64, rho, HDNET_STUDY_AUTOCORR_LAGS, 0, 0);
    cli_npz_save(z, out, "input_stats.npz");
    FILE *f = cli_fopen(out, "input_stats.json");
    fprintf(f,
            "{\"samples\": %.0f, \"included\": %.0f, \"zero_fraction\": %.6g, \"sd_with_zeros\": %.6g,\n"
            " \"sigma_av\": %.6g, \"mean_abs_av\": %.6g, \"av_min\": %.6g, \"av_max\": %.6g,\n"
            " \"window\": [%.6g, %.6g], \"nonfinite_decoded\": %.0f, \"speed\": %g,\n \"autocorr\": [",
            ts[HDNET_TS_N_SAMPLES], ts[HDNET_TS_N_INCLUDED], ts[HDNET_TS_ZERO_FRACTION], ts[HDNET_TS_SD_WITH_ZEROS],
            ts[HDNET_TS_SIGMA_AV], ts[HDNET_TS_MEAN_ABS_AV], ts[HDNET_TS_AV_MIN], ts[HDNET_TS_AV_MAX],
            ts[HDNET_TS_WIN_LO], ts[HDNET_TS_WIN_HI], ts[HDNET_TS_N_NONFINITE_DEC], speed);
    for (int k = 0; k < HDNET_STUDY_AUTOCORR_LAGS; k++)
        fprintf(f, "%s%.6g", k ? ", " : "", rho[k]);
    fprintf(f, "]}\n");
    cli_fclose(f, "input_stats.json");
    f = cli_fopen(out, "av_hist.dat");
    for (size_t j = 0; j < V; j++)
        fprintf(f, "%.6g %.0f\n", avc[j], hist[j]);
    cli_fclose(f, "av_hist.dat");
    free(occ);
    free(occ_nz);
    free(hist);
    free(avc);
    free(edges);
}

/* confusion.csv (rows: reference rule, columns: adaptive rule), also printed. */
void analyze_write_confusion(const char *out, const cli_units *u)
{
    size_t conf[HDNET_NCLASSES][HDNET_NCLASSES] = {{0}};
    for (size_t k = 0; k < u->n; k++)
        conf[u->cls[CLI_REFERENCE][k]][u->cls[CLI_ADAPTIVE][k]]++;
    const double *info = u->info[CLI_ADAPTIVE];
    FILE *f = cli_fopen(out, "confusion.csv");
    printf("\nconfusion (rows: reference rule, columns: adaptive rule; A* = %.4g, D = %.3g, branch %s)\n%-12s",
           info[HDNET_CI_ASTAR], info[HDNET_CI_D], info[HDNET_CI_BRANCH] == 1 ? "otsu" : "fallback", "");
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
    cli_fclose(f, "confusion.csv");
}

/* tiling.csv (the adaptive, reference and, when computed, interval rule) and tiling.dat
 * (the main rule). */
void analyze_write_tiling(const char *out, const cli_units *u)
{
    static const int rules[3] = {CLI_ADAPTIVE, CLI_REFERENCE, CLI_INTERVAL};
    const double *phi = u->stat[HDNET_US_PHI];
    FILE *f = cli_fopen(out, "tiling.csv"), *fp = cli_fopen(out, "tiling.dat");
    fprintf(f, "rule,class,n,gmax,gexp,gbound,rbar,kuiper_v,kuiper_p\n");
    double *ph = cli_malloc(u->n * sizeof *ph);
    for (int r = 0; r < (u->have_interval ? 3 : 2); r++)
        for (int k = 0, rule = rules[r]; k < 3; k++) {
            size_t n = 0;
            for (size_t i = 0; i < u->n; i++)
                if (u->cls[rule][i] == k) {
                    ph[n++] = phi[i];
                    if (rule == u->main)
                        fprintf(fp, "%d %.4g %.6g %.6g\n", k, phi[i], cos(phi[i] / CLI_DEG), sin(phi[i] / CLI_DEG));
                }
            double ti[HDNET_TILE_COUNT];
            cli_check("tiling", hdnet_tiling_stats(ph, n, ti, HDNET_TILE_COUNT));
            fprintf(f, "%s,%s,%.0f,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", cli_rule_name(rule),
                    hdnet_class_name(k), ti[0], ti[1], ti[2], ti[3], ti[4], ti[5], ti[6]);
        }
    free(ph);
    cli_fclose(f, "tiling.csv");
    cli_fclose(fp, "tiling.dat");
}

/* structure.csv (measure,value) and structure_meta.gp (the numbers the sorted-weights
 * figure shows beside the matrix). */
void analyze_write_structure(const char *out, const float *w, const float *w0, const cli_units *u)
{
    static const char *const names[HDNET_ST_COUNT] = {"n_pairs", "n_units", "fraction_cv", "fraction_fit", "sd",
                                                      "corr_init", "sd_init", "fraction_delta"};
    double st[HDNET_ST_COUNT];
    int rc = hdnet_structure(w, w0, u->n, u->cls[u->main], u->stat[HDNET_US_PHI], 10, 1, st, HDNET_ST_COUNT);
    if (rc) {
        fprintf(stderr, "%s: structure of W_rec not measured: %s\n", cli_prog, hdnet_errmsg());
        for (int i = 0; i < HDNET_ST_COUNT; i++)
            st[i] = NAN;
    }
    FILE *f = cli_fopen(out, "structure.csv");
    fprintf(f, "measure,value\n");
    for (int i = 0; i < HDNET_ST_COUNT; i++)
        fprintf(f, "%s,%.6g\n", names[i], st[i]);
    cli_fclose(f, "structure.csv");
    f = cli_fopen(out, "structure_meta.gp");
    fprintf(f, "structure_cv=%.6g\nstructure_fit=%.6g\ncorr_init=%.6g\n", st[HDNET_ST_FRACTION_CV],
            st[HDNET_ST_FRACTION_FIT], st[HDNET_ST_CORR_INIT]);
    cli_fclose(f, "structure_meta.gp");
}

/* w_sorted.npz, w_sorted.dat and w_sorted_meta.gp: W_rec of the kept units in block order. */
void analyze_write_weights(const char *out, const float *w, const cli_units *u)
{
    size_t N = u->n, *perm = cli_malloc(N * sizeof *perm), np, bounds[6];
    cli_check("order", hdnet_unit_order(HDNET_ORDER_BLOCKS, N, u->cls[u->main], u->stat[HDNET_US_PHI], perm, N,
                                        &np, bounds));
    float *ws = cli_malloc(np * np * sizeof *ws), wmax = 0;
    cli_check("weights", hdnet_sort_weights(w, N, perm, np, ws, np * np));
    int64_t *p64 = cli_malloc(np * sizeof *p64), b64[6];
    for (size_t i = 0; i < np; i++)
        p64[i] = (int64_t)perm[i];
    for (int i = 0; i < 6; i++)
        b64[i] = (int64_t)bounds[i];
    hdnet_npz *z;
    cli_check("archive", hdnet_npz_create(&z));
    if (np) {
        cli_npz_add(z, "W_sorted", HDNET_DTYPE_F32, ws, np, np, 0);
        cli_npz_add(z, "permutation", HDNET_DTYPE_I64, p64, np, 0, 0);
    }
    cli_npz_add(z, "boundaries", HDNET_DTYPE_I64, b64, 6, 0, 0);
    cli_npz_save(z, out, "w_sorted.npz");
    FILE *f = cli_fopen(out, "w_sorted.dat");
    for (size_t r = 0; r < np; r++) {
        for (size_t c = 0; c < np; c++) {
            fprintf(f, "%s%.5g", c ? " " : "", ws[r * np + c]);
            wmax = fmaxf(wmax, fabsf(ws[r * np + c]));
        }
        fprintf(f, "\n");
    }
    cli_fclose(f, "w_sorted.dat");
    f = cli_fopen(out, "w_sorted_meta.gp");
    fprintf(f, "wmax=%g\nnkept=%zu\nb1=%zu\nb2=%zu\n", wmax > 0 ? wmax : 1, np, bounds[1], bounds[2]);
    cli_fclose(f, "w_sorted_meta.gp");
    free(perm);
    free(ws);
    free(p64);
}

/* Units of class `want`, or (want -1 / -2) every active unit with a positive / negative slope. */
static size_t members(const int *cls, const double *b, size_t N, int want, int *m)
{
    size_t n = 0;
    for (size_t i = 0; i < N; i++)
        if (want >= 0 ? cls[i] == want
                      : cls[i] != HDNET_CLASS_INACTIVE && (want == -1 ? b[i] > 0 : b[i] < 0))
            m[n++] = (int)i;
    return n;
}

/* profiles.csv and pairs.csv for every pair of groups (C, CCW, CW; pos, neg), on the true
 * and (prefix dec:) the decoded heading; profiles_main.dat and pairs_main.dat for the
 * figures (C, CCW and CW onto C). */
void analyze_write_profiles(const char *out, const float *w, const cli_units *u, const hdnet_aparams *ap)
{
    static const char *pn[5] = {"C", "CCW", "CW", "pos", "neg"};
    const size_t N = u->n, L = HDNET_PR_ROWS * HDNET_PROFILE_BINS, Bn = HDNET_PROFILE_BINS;
    FILE *fprof = cli_fopen(out, "profiles.csv"), *fpair = cli_fopen(out, "pairs.csv");
    FILE *fmain = cli_fopen(out, "profiles_main.dat"), *fpm = cli_fopen(out, "pairs_main.dat");
    fprintf(fprof, "pair,centre,n,mean,sd,sem\n");
    fprintf(fpair, "pair,pre,post,r,w\n");
    int *mem[5];
    size_t nm[5];
    double table[HDNET_PR_ROWS * HDNET_PROFILE_BINS];
    for (int g = 0; g < 5; g++)
        mem[g] = cli_malloc(N * sizeof(int));
    for (int dec = 0; dec < 2; dec++) {
        const int *cl = u->cls[dec ? CLI_DECODED : u->main];
        const double *phi = u->stat[dec ? HDNET_US_PHI_DEC : HDNET_US_PHI];
        for (int g = 0; g < 5; g++)
            nm[g] = members(cl, u->stat[dec ? HDNET_US_SLOPE_DEC : HDNET_US_SLOPE], N, g < 3 ? g : 2 - g, mem[g]);
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 5; b++) {
                if ((a < 3) != (b < 3))
                    continue;
                char name[32];
                snprintf(name, sizeof name, "%s%s->%s", dec ? "dec:" : "", pn[a], pn[b]);
                size_t np, cap = nm[a] * nm[b];
                double *pairs = cli_malloc(cap * 4 * sizeof *pairs);
                cli_check("profile", hdnet_profile(ap, w, N, phi, mem[a], nm[a], mem[b], nm[b], table, L, pairs,
                                                   cap, &np));
                for (size_t k = 0; k < Bn; k++)
                    fprintf(fprof, "%s,%g,%.0f,%.6g,%.6g,%.6g\n", name, table[k], table[HDNET_PR_N * Bn + k],
                            table[HDNET_PR_MEAN * Bn + k], table[HDNET_PR_SD * Bn + k], table[HDNET_PR_SEM * Bn + k]);
                for (size_t i = 0; i < np && !dec; i++)
                    fprintf(fpair, "%s,%.0f,%.0f,%.6g,%.6g\n", name, pairs[4 * i], pairs[4 * i + 1], pairs[4 * i + 2],
                            pairs[4 * i + 3]);
                if (!dec && b == 0 && a < 3) {
                    for (size_t k = 0; k < Bn; k++)
                        fprintf(fmain, "%g %.6g %.6g\n", table[k], table[HDNET_PR_MEAN * Bn + k],
                                table[HDNET_PR_SD * Bn + k]);
                    for (size_t i = 0; i < np; i++)
                        fprintf(fpm, "%.6g %.6g\n", pairs[4 * i + 2], pairs[4 * i + 3]);
                    fprintf(fmain, "\n\n");
                    fprintf(fpm, "\n\n");
                }
                free(pairs);
            }
    }
    for (int g = 0; g < 5; g++)
        free(mem[g]);
    cli_fclose(fprof, "profiles.csv");
    cli_fclose(fpair, "pairs.csv");
    cli_fclose(fmain, "profiles_main.dat");
    cli_fclose(fpm, "pairs_main.dat");
}

/* units_untrained.csv */
void analyze_write_untrained_units(const char *out, const hdnet_tuning *t0, size_t N)
{
    static const int ids[5] = {HDNET_US_RANGE, HDNET_US_S, HDNET_US_R, HDNET_US_A, HDNET_US_PHI};
    double *v[5];
    for (int i = 0; i < 5; i++)
        cli_check("tuning", hdnet_tuning_unit_stat(t0, ids[i], v[i] = cli_malloc(N * sizeof(double)), N));
    FILE *f = cli_fopen(out, "units_untrained.csv");
    fprintf(f, "unit,range,S,R,A,phi\n");
    for (size_t u = 0; u < N; u++)
        fprintf(f, "%zu,%.6g,%.6g,%.6g,%.6g,%.6g\n", u, v[0][u], v[1][u], v[2][u], v[3][u], v[4][u]);
    cli_fclose(f, "units_untrained.csv");
    for (int i = 0; i < 5; i++)
        free(v[i]);
}

void analyze_write_interval_units(const char *out, const hdnet_study *s, size_t N)
{
    int *cls = cli_malloc(N * sizeof *cls);
    double *prob = cli_malloc(N * HDNET_NCLASSES * sizeof *prob);
    cli_check("interval rule", hdnet_study_classes(s, cls, N, prob, N * HDNET_NCLASSES, NULL, 0));
    FILE *f = cli_fopen(out, "units_interval.csv");
    fprintf(f, "unit,class");
    for (int c = 0; c < HDNET_NCLASSES; c++)
        fprintf(f, ",p_%s", hdnet_class_name(c));
    fprintf(f, "\n");
    for (size_t u = 0; u < N; u++) {
        fprintf(f, "%zu,%s", u, hdnet_class_name(cls[u]));
        for (int c = 0; c < HDNET_NCLASSES; c++)
            fprintf(f, ",%.4g", prob[u * HDNET_NCLASSES + (size_t)c]);
        fprintf(f, "\n");
    }
    cli_fclose(f, "units_interval.csv");
    free(cls);
    free(prob);
}

/* test_trace.dat: heading, decoded heading, outputs, target and AV of two trials. Where a
 * heading wraps around 360 degrees a row with NaN headings (and the same step and AV)
 * comes first, so that the heading lines break there and the AV line does not. */
static void write_trace(const char *out, size_t n, size_t T, const double *th, const double *thd, const float *y,
                        const float *tg, const double *av)
{
    FILE *f = cli_fopen(out, "test_trace.dat");
    for (size_t b = 0; b < n; b++) {
        double prev = NAN, prevd = NAN;
        for (size_t k = 0; k < T; k++) {
            size_t i = b * T + k;
            double h = fmod(th[i] * CLI_DEG, 360.0);
            if (h < 0)
                h += 360;
            if ((!isnan(prev) && fabs(h - prev) > 180) || (!isnan(prevd) && fabs(thd[i] - prevd) > 180))
                fprintf(f, "%zu NaN NaN NaN NaN NaN %.6g\n", k, av[i] * CLI_DEG);
            double shown = thd[i];
            prev = h;
            prevd = thd[i];
            fprintf(f, "%zu %.6g %.6g %.6g %.6g %.6g %.6g\n", k, h, shown, y[2 * i], y[2 * i + 1], tg[2 * i],
                    av[i] * CLI_DEG);
        }
        fprintf(f, "\n\n");
    }
    cli_fclose(f, "test_trace.dat");
}

/* task_example.npz, test_outputs.npz and test_trace.dat from the first trials. */
void analyze_write_trials(const char *out, const hdnet_study *s, size_t B, size_t T)
{
    size_t n = B < 5 ? B : 5, S = n * T;
    float *x = cli_malloc(S * 3 * sizeof *x), *y = cli_malloc(S * 2 * sizeof *y), *tg = cli_malloc(S * 2 * sizeof *tg);
    double *th = cli_malloc(S * sizeof *th), *av = cli_malloc(S * sizeof *av), *thd = cli_malloc(S * sizeof *thd);
    cli_check("study", hdnet_study_trials(s, n, x, S * 3, tg, S * 2, th, S, av, S, y, S * 2));
    cli_check("decode", hdnet_decoded_heading(y, S, thd, S));
    hdnet_npz *z;
    cli_check("archive", hdnet_npz_create(&z));
    cli_npz_add(z, "x", HDNET_DTYPE_F32, x, n, T, 3);
    cli_npz_add(z, "targets", HDNET_DTYPE_F32, tg, n, T, 2);
    cli_npz_add(z, "theta", HDNET_DTYPE_F64, th, n, T, 0);
    cli_npz_add(z, "omega", HDNET_DTYPE_F64, av, n, T, 0);
    cli_npz_save(z, out, "task_example.npz");
    cli_check("archive", hdnet_npz_create(&z));
    cli_npz_add(z, "y", HDNET_DTYPE_F32, y, n, T, 2);
    cli_npz_add(z, "theta_hat", HDNET_DTYPE_F64, thd, n, T, 0);
    cli_npz_add(z, "theta", HDNET_DTYPE_F64, th, n, T, 0);
    cli_npz_save(z, out, "test_outputs.npz");
    write_trace(out, n < 2 ? n : 2, T, th, thd, y, tg, av);
    free(x);
    free(y);
    free(tg);
    free(th);
    free(av);
    free(thd);
}

/* curves_examples.dat and av_examples.dat (the unit of each class with the largest S),
 * units_plot.dat and plot_meta.gp. */
void analyze_write_figure_data(const char *out, const hdnet_tuning *t, const cli_units *u, int have_av, double ne,
                              const char *model)
{
    size_t H, W;
    double *hdc = arr(t, HDNET_TU_HD_CENTRES, &H), *winc = arr(t, HDNET_TU_WIN_CENTRES, &W);
    double *c = arr(t, HDNET_TU_CURVE, NULL), *cp = arr(t, HDNET_TU_CURVE_CCW, NULL);
    double *cm = arr(t, HDNET_TU_CURVE_CW, NULL);
    double *m = have_av ? arr(t, HDNET_TU_PREF_CURVE, NULL) : NULL;
    double *mask = have_av ? arr(t, HDNET_TU_PREF_FITMASK, NULL) : NULL;
    const double *S = u->stat[HDNET_US_S], *b = u->stat[HDNET_US_SLOPE], *b0 = u->stat[HDNET_US_INTERCEPT];
    const int *ca = u->cls[u->main];
    FILE *f = cli_fopen(out, "curves_examples.dat"), *fa = cli_fopen(out, "av_examples.dat");
    for (int k = 0; k < 3; k++) {
        long best = -1;
        for (size_t i = 0; i < u->n; i++)
            if (ca[i] == k && (best < 0 || S[i] > S[best]))
                best = (long)i;
        fprintf(f, "# class %s unit %ld\n", hdnet_class_name(k), best);
        fprintf(fa, "# class %s unit %ld slope %g\n", hdnet_class_name(k), best, best >= 0 ? b[best] : NAN);
        if (best < 0) {
            fprintf(f, "0 NaN NaN NaN\n");
            fprintf(fa, "0 NaN 0 NaN\n");
        }
        for (size_t h = 0; h < H && best >= 0; h++)
            fprintf(f, "%g %.6g %.6g %.6g\n", hdc[h], c[best * H + h], cp[best * H + h], cm[best * H + h]);
        for (size_t j = 0; j < W && best >= 0 && m; j++)
            fprintf(fa, "%g %.6g %.0f %.6g\n", winc[j], m[best * W + j], mask[best * W + j],
                    b0[best] + b[best] * winc[j]);
        fprintf(f, "\n\n");
        fprintf(fa, "\n\n");
    }
    cli_fclose(f, "curves_examples.dat");
    cli_fclose(fa, "av_examples.dat");
    f = cli_fopen(out, "units_plot.dat");
    fprintf(f, "# unit class S A slope phi Delta\n");
    for (size_t i = 0; i < u->n; i++)
        fprintf(f, "%zu %d %.6g %.6g %.6g %.6g %.6g\n", i, ca[i], S[i], u->stat[HDNET_US_A][i], b[i],
                u->stat[HDNET_US_PHI][i], u->stat[HDNET_US_DELTA][i]);
    cli_fclose(f, "units_plot.dat");
    f = cli_fopen(out, "plot_meta.gp");
    fprintf(f, "ne=%g\nastar=%g\nnunits=%zu\n", 100 * ne, u->info[CLI_ADAPTIVE][HDNET_CI_ASTAR], u->n);
    /* the training run's selection curve, when the model sits in a hdnet-train directory */
    const char *sl = strrchr(model, '/');
    char ck[4200];
    snprintf(ck, sizeof ck, "%.*s/checkpoints.csv", sl ? (int)(sl - model) : 1, sl ? model : ".");
    if (access(ck, R_OK) == 0 && !strchr(ck, '\''))
        fprintf(f, "ckfile='%s'\n", ck);
    cli_fclose(f, "plot_meta.gp");
    free(hdc);
    free(winc);
    free(c);
    free(cp);
    free(cm);
    free(m);
    free(mask);
}

