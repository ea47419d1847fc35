/* The sweep engine of hdnet-sweep (examples/sweep/): the plan, statistics,
 * result records, and running, resuming and failing runs. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "testutil.h"
#include "../examples/sweep/sweep.h"

#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Seconds per run, with 8 units, 20 updates of 8 trials x 50 steps. */
static const char tiny[] = "# tiny\n"
                           "units = 8\ntrials = 8\nbatch_final = 0\nsteps = 50\ncurriculum_steps = 0\n"
                           "updates = 20\nwarmup = 2\nselection_trials = 20\n"
                           "vary init = pytorch, orthogonal\n"
                           "seeds = 1..2\n"
                           "sweep.test_trials = 20\nsweep.analysis_trials = 20\nsweep.analysis_steps = 60\n"
                           "sweep.state_every = 5\n";

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static char tmpdir[64];

static void make_tmp(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hdnet-sweep-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmp(void)
{
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The plan of `text` with its output in tmpdir/name. */
static sweep_plan *plan_in(const char *text, const char *name)
{
    char file[128], err[SWEEP_ERR];
    snprintf(file, sizeof file, "%s/%s.sweep", tmpdir, name);
    sweep_plan *p;
    ck_assert_msg(sweep_plan_parse(&p, text, strlen(text), file, err) == 0, "%s", err);
    return p;
}

static char *listing(const sweep_plan *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    sweep_plan_print(p, f);
    fclose(f);
    return buf;
}

START_TEST(plan_index_order)
{
    static const char text[] = "units = 20\nvary init = pytorch orthogonal\nvary speed = 0.5, 1, 2\n"
                               "seeds = 3, 7..8\n";
    sweep_plan *p;
    char err[SWEEP_ERR];
    ck_assert_int_eq(sweep_plan_parse(&p, text, strlen(text), "dir/a.sweep", err), 0);
    ck_assert_uint_eq(p->n_points, 6);
    ck_assert_uint_eq(p->n_runs, 18);
    ck_assert_str_eq(p->out, "dir/a.out");
    /* seed slowest, then the first axis: run 10 = seed 7 (second), point 4 (orthogonal, 1) */
    const char *v[2];
    uint64_t seed;
    size_t point;
    sweep_plan_settings(p, 10, v, &seed, &point);
    ck_assert_uint_eq(sweep_plan_run(p, 4, 1), 10);
    ck_assert_str_eq(v[0], "orthogonal");
    ck_assert_str_eq(v[1], "1");
    ck_assert_uint_eq(seed, 7);
    ck_assert_uint_eq(point, 4);
    /* every (init, speed, seed) combination exactly once */
    for (size_t i = 0; i < p->n_runs; i++)
        for (size_t j = 0; j < i; j++) {
            const char *a[2], *b[2];
            uint64_t sa, sb;
            sweep_plan_settings(p, i, a, &sa, NULL);
            sweep_plan_settings(p, j, b, &sb, NULL);
            ck_assert(strcmp(a[0], b[0]) || strcmp(a[1], b[1]) || sa != sb);
        }
    /* the run's config carries the axis values, the seed, the base lines and one thread */
    hdnet_config *cfg;
    hdnet_aparams *ap;
    ck_assert_int_eq(sweep_plan_config(p, 10, &cfg, &ap, err), 0);
    int64_t k;
    double d;
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_INIT, &k));
    ck_assert_int_eq(k, HDNET_INIT_ORTHOGONAL);
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_SPEED, &d));
    ck_assert_double_eq(d, 1);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_SEED, &k));
    ck_assert_int_eq(k, 7);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_UNITS, &k));
    ck_assert_int_eq(k, 20);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_THREADS, &k));
    ck_assert_int_eq(k, 1);
    hdnet_config_free(cfg);
    hdnet_aparams_free(ap);
    ck_assert_int_ne(sweep_plan_config(p, 18, &cfg, &ap, err), 0);
    sweep_plan_free(p);
}
END_TEST

START_TEST(plan_deterministic)
{
    /* the same file gives the same listing; base lines and comments do not move indices */
    static const char a[] = "vary recipe = paper reference\nvary units = 50 100\nseeds = 1..3\nupdates = 10\n";
    static const char b[] = "# same grid\nupdates = 10   # base line first\nvary recipe = paper, reference\n"
                            "vary units = 50,100\nseeds = 1 2 3\n";
    static const char c[] = "vary units = 50 100\nvary recipe = paper reference\nseeds = 1..3\nupdates = 10\n";
    sweep_plan *p1, *p2, *p3, *p4;
    char err[SWEEP_ERR];
    ck_assert_int_eq(sweep_plan_parse(&p1, a, strlen(a), "x.sweep", err), 0);
    ck_assert_int_eq(sweep_plan_parse(&p2, a, strlen(a), "x.sweep", err), 0);
    ck_assert_int_eq(sweep_plan_parse(&p3, b, strlen(b), "x.sweep", err), 0);
    ck_assert_int_eq(sweep_plan_parse(&p4, c, strlen(c), "x.sweep", err), 0);
    char *l1 = listing(p1), *l2 = listing(p2), *l3 = listing(p3), *l4 = listing(p4);
    ck_assert_str_eq(l1, l2);
    ck_assert_str_eq(l1, l3);
    ck_assert_str_ne(l1, l4); /* the axis order is the index order */
    ck_assert_ptr_nonnull(strstr(l1, "\n1 r00001 recipe=paper units=100 seed=1\n"));
    ck_assert_ptr_nonnull(strstr(l1, "\n11 r00011 recipe=reference units=100 seed=3\n"));
    /* a recipe axis applies the recipe first, base lines after it */
    hdnet_config *cfg;
    int64_t k;
    ck_assert_int_eq(sweep_plan_config(p1, 11, &cfg, NULL, err), 0);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_UPDATES, &k));
    ck_assert_int_eq(k, 10);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_SELF_CONNECTIONS, &k));
    ck_assert_int_eq(k, HDNET_SELF_INIT_ONLY); /* the reference recipe's */
    hdnet_config_free(cfg);
    free(l1);
    free(l2);
    free(l3);
    free(l4);
    sweep_plan_free(p1);
    sweep_plan_free(p2);
    sweep_plan_free(p3);
    sweep_plan_free(p4);
}
END_TEST

START_TEST(plan_errors)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"units = 10\nno_such = 3\n", "line 2: unknown parameter 'no_such'"},
        {"vary seed = 1 2\n", "seeds = ..."},
        {"units = 10\nvary units = 10 20\n", "both set and varied"},
        {"vary units = 10 20\nunits = 10\n", "both varied and set"},
        {"vary units = 10 10\n", "listed twice"},
        {"vary units = 10 0\n", "bad value '0'"},
        {"vary tau = \n", "no values"},
        {"seeds = 1..3, 2\n", "seed 2 listed twice"},
        {"seeds = 5..1\n", "bad range"},
        {"recipe = nosuch\n", "unknown recipe"},
        {"sweep.colour = red\n", "unknown sweep option"},
        {"sweep.test_trials = 0\n", "sweep.test_trials"},
        {"sweep.analysis = nosuch\n", "unknown analysis"},
        {"sweep.nulls = 5\n", "at least 20"},
        {"sweep.lesion_steps = 699\n", "sweep.lesion_steps"},
        {"seed = 3\nseeds = 1..2\n", "both 'seed' and 'seeds'"},
        {"units 10\n", "line 1: expected 'name = value'"},
        {"compass_slope_max = -1\n", "compass_slope_max"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sweep_plan *p = (sweep_plan *)1;
        char err[SWEEP_ERR] = "";
        ck_assert_int_eq(sweep_plan_parse(&p, bad[i].text, strlen(bad[i].text), "f.sweep", err), -1);
        ck_assert_ptr_null(p);
        ck_assert_msg(strstr(err, bad[i].msg) && strstr(err, "f.sweep"), "case %zu: '%s' lacks '%s'", i, err,
                      bad[i].msg);
    }
    /* no seeds line: the one seed of the base config */
    sweep_plan *p;
    char err[SWEEP_ERR];
    ck_assert_int_eq(sweep_plan_parse(&p, "seed = 4\n", 9, "f.sweep", err), 0);
    ck_assert_uint_eq(p->n_runs, 1);
    ck_assert_uint_eq(p->seeds[0], 4);
    sweep_plan_free(p);
}
END_TEST

START_TEST(wilson_known_values)
{
    /* Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (4 decimals given:
     * tolerance half a unit of the last one) */
    static const struct {
        size_t k, n;
        double lo, hi;
    } ref[] = {{81, 263, 0.2553, 0.3662}, {15, 148, 0.0624, 0.1605}, {0, 20, 0.0, 0.1611}, {1, 29, 0.0061, 0.1718}};
    for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
        double lo, hi;
        sweep_wilson(ref[i].k, ref[i].n, 1.959963984540054, &lo, &hi);
        ck_assert_double_eq_tol(lo, ref[i].lo, 5e-5);
        ck_assert_double_eq_tol(hi, ref[i].hi, 5e-5);
    }
    double lo, hi;
    sweep_wilson(8, 8, 1.959963984540054, &lo, &hi);
    ck_assert_double_eq(hi, 1);
    ck_assert(lo > 0.6 && lo < 0.7); /* 8/(8 + z^2) = 0.6756 */
    sweep_wilson(0, 0, 1.959963984540054, &lo, &hi);
    ck_assert_double_eq(lo, 0);
    ck_assert_double_eq(hi, 1);
}
END_TEST

START_TEST(quantiles)
{
    /* type 7 (linear between order statistics): sorted 1 1 2 3 4 5 6 9 */
    double x[] = {3, 1, 4, 1, 5, 9, 2, 6};
    ck_assert_double_eq_tol(sweep_quantile(x, 8, 0.5), 3.5, 1e-12);
    ck_assert_double_eq_tol(sweep_quantile(x, 8, 0.25), 1.75, 1e-12);
    ck_assert_double_eq_tol(sweep_quantile(x, 8, 0.9), 6.9, 1e-12);
    ck_assert_double_eq(sweep_quantile(x, 8, 1), 9);
    ck_assert_double_eq(sweep_quantile(x, 8, 0), 1);
    ck_assert(isnan(sweep_quantile(x, 0, 0.5)));
    /* infinite values (e.g. a null band with no units to measure): the interpolation's limit */
    double all_low[] = {-INFINITY, -INFINITY, -INFINITY}, mixed[] = {3, -INFINITY}, both[] = {INFINITY, -INFINITY};
    ck_assert(isinf(sweep_quantile(all_low, 3, 0.5)) && sweep_quantile(all_low, 3, 0.5) < 0);
    ck_assert(isinf(sweep_quantile(mixed, 2, 0.5)) && sweep_quantile(mixed, 2, 0.5) < 0);
    ck_assert_double_eq(sweep_quantile(mixed, 2, 1), 3);
    ck_assert(isnan(sweep_quantile(both, 2, 0.5)));
}
END_TEST

START_TEST(record_round_trip)
{
    make_tmp();
    sweep_record r, s;
    sweep_record_init(&r);
    ck_assert_int_eq(sweep_record_num(&r, "ne500", 0.125), 0);
    ck_assert_int_eq(sweep_record_num(&r, "x", NAN), 0);
    ck_assert_int_eq(sweep_record_str(&r, "error", "line one\nline # two = 2"), 0);
    ck_assert_int_eq(sweep_record_str(&r, "ne500", "0.25"), 0); /* replaces, keeps the place */
    ck_assert_int_ne(sweep_record_str(&r, "bad=key", "1"), 0);
    char path[128], err[SWEEP_ERR];
    snprintf(path, sizeof path, "%s/r.txt", tmpdir);
    ck_assert_int_eq(sweep_record_save(&r, path, err), 0);
    ck_assert_int_eq(sweep_record_load(&s, path, err), 0);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_str_eq(s.keys[0], "ne500");
    ck_assert_str_eq(s.values[0], "0.25");
    ck_assert_str_eq(sweep_record_get(&s, "x"), "nan");
    ck_assert_str_eq(sweep_record_get(&s, "error"), "line one line # two = 2");
    ck_assert_ptr_null(sweep_record_get(&s, "missing"));
    sweep_record_clear(&r);
    sweep_record_clear(&s);
    remove_tmp();
}
END_TEST

/* result.txt of run i without its timings */
static char *result_text(const sweep_plan *p, size_t i)
{
    char path[4300], err[SWEEP_ERR];
    sweep_run_path(p, i, "/result.txt", path, sizeof path);
    sweep_record r;
    ck_assert_msg(sweep_record_load(&r, path, err) == 0, "%s", err);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (size_t k = 0; k < r.n; k++)
        if (!strstr(r.keys[k], "_seconds"))
            fprintf(f, "%s=%s\n", r.keys[k], r.values[k]);
    fclose(f);
    sweep_record_clear(&r);
    return buf;
}

START_TEST(resume_after_stop)
{
    make_tmp();
    sweep_plan *a = plan_in(tiny, "a"), *b = plan_in(tiny, "b");
    char err[SWEEP_ERR];
    ck_assert_int_eq(sweep_prepare_out(a, err), 0);
    ck_assert_int_eq(sweep_prepare_out(b, err), 0);
    sweep_run_opts o = {0, 1, 0, NULL};
    /* uninterrupted */
    ck_assert_int_eq(sweep_run_index(a, 3, &o, err), SWEEP_RUN_DONE);
    ck_assert_int_eq(sweep_run_state(a, 3), SWEEP_ST_DONE);
    ck_assert_int_eq(sweep_run_index(a, 3, &o, err), SWEEP_RUN_SKIPPED);
    /* stopped after update 7 (state saved there), then resumed */
    o.stop_after = 7;
    ck_assert_int_eq(sweep_run_index(b, 3, &o, err), SWEEP_RUN_STOPPED);
    ck_assert_int_eq(sweep_run_state(b, 3), SWEEP_ST_PARTIAL);
    size_t u, U;
    double sec;
    sweep_run_progress(b, 3, &u, &U, &sec);
    ck_assert_uint_eq(u, 7);
    ck_assert_uint_eq(U, 20);
    /* it continues from its state: asked to stop after update 3, it stops at the first
     * update it runs, 8 (a restart from scratch would stop at 3) */
    o.stop_after = 3;
    ck_assert_int_eq(sweep_run_index(b, 3, &o, err), SWEEP_RUN_STOPPED);
    sweep_run_progress(b, 3, &u, &U, &sec);
    ck_assert_uint_eq(u, 8);
    o.stop_after = 0;
    ck_assert_int_eq(sweep_run_index(b, 3, &o, err), SWEEP_RUN_DONE);
    char *ra = result_text(a, 3), *rb = result_text(b, 3);
    ck_assert_str_eq(ra, rb);
    ck_assert_ptr_nonnull(strstr(ra, "status=done\n"));
    ck_assert_ptr_nonnull(strstr(ra, "\nne1000="));
    ck_assert_ptr_nonnull(strstr(ra, "\nclasses.compass="));
    free(ra);
    free(rb);
    /* finished runs keep no state file unless asked, and no temporary directory */
    char path[4300];
    sweep_run_path(b, 3, "/state.npz", path, sizeof path);
    ck_assert(!sweep_exists(path));
    sweep_run_path(b, 3, ".tmp", path, sizeof path);
    ck_assert(!sweep_exists(path));
    sweep_run_path(b, 3, "/model.npz", path, sizeof path);
    ck_assert(sweep_exists(path));
    sweep_plan_free(a);
    sweep_plan_free(b);
    remove_tmp();
}
END_TEST

/* The tiny plan with another last line (an analysis option). */
static sweep_plan *tiny_with(const char *extra, const char *name)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s", tiny, extra);
    return plan_in(text, name);
}

START_TEST(reanalyse_when_analysis_changes)
{
    make_tmp();
    sweep_plan *p = tiny_with("", "re"), *none = tiny_with("sweep.analysis = none\n", "re");
    char err[SWEEP_ERR];
    sweep_run_opts o = {0, 1, 0, NULL};
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    ck_assert_int_eq(sweep_run_index(p, 2, &o, err), SWEEP_RUN_DONE);
    char *first = result_text(p, 2);
    ck_assert_ptr_nonnull(strstr(first, "classes.compass="));
    ck_assert_ptr_nonnull(strstr(first, "\nlesion.e3_gain="));
    ck_assert_ptr_nonnull(strstr(first, "\nR10.verdict="));
    /* the lesion settings are part of the analysis id */
    sweep_plan *nolesion = tiny_with("sweep.lesion_trials = 0\n", "re");
    ck_assert_str_ne(p->analysis_id, nolesion->analysis_id);
    sweep_plan_free(nolesion);
    /* another analysis: the same directory is accepted and the run is stale, not retrained */
    ck_assert_str_ne(p->analysis_id, none->analysis_id);
    ck_assert_int_eq(sweep_prepare_out(none, err), 0);
    ck_assert_int_eq(sweep_run_state(none, 2), SWEEP_ST_STALE);
    ck_assert_int_eq(sweep_run_state(p, 2), SWEEP_ST_DONE);
    char model[4300];
    sweep_run_path(p, 2, "/model.npz", model, sizeof model);
    struct stat before, after;
    ck_assert_int_eq(stat(model, &before), 0);
    ck_assert_int_eq(sweep_run_index(none, 2, &o, err), SWEEP_RUN_DONE);
    ck_assert_int_eq(stat(model, &after), 0);
    ck_assert(before.st_ino == after.st_ino && before.st_mtime == after.st_mtime); /* not retrained */
    char *second = result_text(p, 2);
    ck_assert_ptr_null(strstr(second, "classes.compass="));
    ck_assert_ptr_nonnull(strstr(second, "\nne1000="));
    ck_assert_int_eq(sweep_run_state(none, 2), SWEEP_ST_DONE);
    ck_assert_int_eq(sweep_run_index(none, 2, &o, err), SWEEP_RUN_SKIPPED);
    /* back to the first analysis: the re-analysed record equals the original one */
    ck_assert_int_eq(sweep_run_index(p, 2, &o, err), SWEEP_RUN_DONE);
    char *third = result_text(p, 2);
    ck_assert_str_eq(first, third);
    free(first);
    free(second);
    free(third);
    sweep_plan_free(p);
    sweep_plan_free(none);
    remove_tmp();
}
END_TEST

/* A finished run made by hand: result.txt with the given class fractions, of a network
 * that does the task (NE 0.005, within the competence gate). */
static void fake_run(const sweep_plan *p, size_t i, double compass, double shifters)
{
    char dir[4300], path[4400], err[SWEEP_ERR];
    sweep_run_path(p, i, "", dir, sizeof dir);
    ck_assert_int_eq(sweep_mkdirs(dir, err), 0);
    sweep_record r;
    sweep_record_init(&r);
    ck_assert_int_eq(sweep_record_num(&r, "index", (double)i), 0);
    ck_assert_int_eq(sweep_record_str(&r, "status", "done"), 0);
    ck_assert_int_eq(sweep_record_str(&r, "analysis_id", p->analysis_id), 0);
    ck_assert_int_eq(sweep_record_num(&r, "classes.compass_fraction", compass), 0);
    ck_assert_int_eq(sweep_record_num(&r, "classes.shifter_fraction", shifters), 0);
    ck_assert_int_eq(sweep_record_str(&r, "R1.verdict", compass > 0.5 ? "PASS" : "FAIL"), 0);
    ck_assert_int_eq(sweep_record_num(&r, "R0.value", 0.005), 0);
    snprintf(path, sizeof path, "%s/result.txt", dir);
    ck_assert_int_eq(sweep_record_save(&r, path, err), 0);
    sweep_record_clear(&r);
}

/* Set key = value in the record of finished run i. */
static void set_field(const sweep_plan *p, size_t i, const char *key, const char *value)
{
    char path[4300], err[SWEEP_ERR];
    sweep_run_path(p, i, "/result.txt", path, sizeof path);
    sweep_record r;
    ck_assert_int_eq(sweep_record_load(&r, path, err), 0);
    ck_assert_int_eq(sweep_record_str(&r, key, value), 0);
    ck_assert_int_eq(sweep_record_save(&r, path, err), 0);
    sweep_record_clear(&r);
}

/* Collect the sweep and return its claims_sweep.csv (the speed checks); *done runs finished. */
static char *collect_claims(const sweep_plan *p, size_t *done)
{
    char err[SWEEP_ERR], path[4300];
    size_t failed;
    ck_assert_msg(sweep_collect(p, done, &failed, err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/claims_sweep.csv", p->out);
    char *csv = sweep_read_file(path, NULL, err);
    ck_assert_msg(csv != NULL, "%s", err);
    return csv;
}

START_TEST(summary_and_speed_trend)
{
    make_tmp();
    /* speeds written out of order: the trend is read by ascending speed */
    sweep_plan *p = plan_in("vary speed = 3 0.1 1\nseeds = 1..3\n", "spd");
    char err[SWEEP_ERR], path[4300];
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    /* compass fractions per point (speed 3, 0.1, 1) and seed; medians 0.2, 0.8, 0.5; every
     * slow network above every fast one, so the observed split of the speed labels is the
     * most extreme of the 20 */
    static const double comp[3][3] = {{0.2, 0.1, 0.6}, {0.8, 0.7, 0.9}, {0.5, 0.4, 0.95}};
    for (size_t pt = 0; pt < 3; pt++)
        for (size_t k = 0; k < 3; k++)
            fake_run(p, sweep_plan_run(p, pt, k), comp[pt][k], 1 - comp[pt][k]);
    size_t done;
    char *csv = collect_claims(p, &done);
    ck_assert_uint_eq(done, 9);
    ck_assert_ptr_nonnull(strstr(csv, "speed 0.1: compass 0.80, shifters 0.20; speed 1: compass 0.50, shifters 0.50; "
                                      "speed 3: compass 0.20, shifters 0.80"));
    ck_assert_ptr_nonnull(strstr(csv, "speed labels exchanged in 20 ways 5-95%")); /* R13's null */
    ck_assert_ptr_nonnull(strstr(csv, ",PASS,0.6")); /* monotone: compass 0.8 -> 0.2 */
    ck_assert_ptr_nonnull(strstr(csv, "\nR0,")); /* the gate: all 9 networks do the task */
    ck_assert_ptr_nonnull(strstr(csv, "of the 9 networks the furthest from its bound: NE 0.0050"));
    /* per seed: seeds 1 and 2 fall monotonically, seed 3 (0.9, 0.95, 0.6) not */
    double lo22, hi22;
    sweep_wilson(2, 2, 1.959963984540054, &lo22, &hi22);
    char want22[160];
    snprintf(want22, sizeof want22, "2 of 2 seeds pass [95 %% Wilson %.2f, %.2f]; 1 WARN, 0 NOT_APPLICABLE", lo22, hi22);
    ck_assert_msg(strstr(csv, want22), "claims_sweep.csv lacks %s", want22);
    free(csv);
    /* a network that cannot do the task makes the trend NOT_APPLICABLE, for the medians
     * and for its seed, but not for the other seeds */
    set_field(p, sweep_plan_run(p, 0, 0), "R0.value", "0.2");
    csv = collect_claims(p, &done);
    ck_assert_ptr_nonnull(strstr(csv, ",NOT_APPLICABLE,0.6"));
    ck_assert_ptr_nonnull(strstr(csv, "1 of 1 seeds pass"));
    ck_assert_ptr_nonnull(strstr(csv, "1 WARN, 1 NOT_APPLICABLE"));
    free(csv);
    set_field(p, sweep_plan_run(p, 0, 0), "R0.value", "0.005");
    /* a slow task where holding the cued heading is nearly as good (NE 0.008): 0.005 is
     * not half of it, so the network is judged not to integrate */
    set_field(p, sweep_plan_run(p, 1, 2), "ne_hold", "0.008");
    csv = collect_claims(p, &done);
    ck_assert_ptr_nonnull(strstr(csv, "NE 0.0050 on its analysis trials (bound 0.004): a network cannot do the task"));
    ck_assert_ptr_nonnull(strstr(csv, ",NOT_APPLICABLE,0.6"));
    free(csv);
    set_field(p, sweep_plan_run(p, 1, 2), "ne_hold", "1.7");
    /* pass rates with Wilson intervals in the summary: R1 at speed 3 passes 1 of 3 */
    snprintf(path, sizeof path, "%s/summary.csv", p->out);
    char *sum = sweep_read_file(path, NULL, err);
    ck_assert_ptr_nonnull(sum);
    double lo, hi;
    sweep_wilson(1, 3, 1.959963984540054, &lo, &hi);
    char want[128];
    snprintf(want, sizeof want, "\n0,3,3,3,0,R1.verdict,finding,3,,,,,,1,2,%.10g,%.10g,%.10g\n", 1.0 / 3, lo, hi);
    ck_assert_msg(strstr(sum, want), "summary.csv lacks %s", want);
    ck_assert_ptr_nonnull(strstr(sum, "\n1,0.1,3,3,0,classes.compass_fraction,value,3,0.8,0.75,0.85,0.7,0.9,,,,,\n"));
    free(sum);
    sweep_plan_free(p);
    /* with the trend broken, R13 fails */
    remove_tmp();
    make_tmp();
    p = plan_in("vary speed = 0.1 3\nseeds = 1\n", "spd");
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    fake_run(p, 0, 0.3, 0.5);
    fake_run(p, 1, 0.6, 0.2);
    csv = collect_claims(p, &done);
    ck_assert_ptr_nonnull(strstr(csv, "\nR13,"));
    ck_assert_ptr_nonnull(strstr(csv, ",FAIL,-0.3"));
    ck_assert_ptr_nonnull(strstr(csv, "0 of 1 seeds pass"));
    free(csv);
    /* no network that does the task: no seed is judged */
    set_field(p, 0, "R0.value", "0.5");
    csv = collect_claims(p, &done);
    ck_assert_ptr_nonnull(strstr(csv, "no seed judged PASS or FAIL; 0 WARN, 1 NOT_APPLICABLE"));
    free(csv);
    sweep_plan_free(p);
    /* summary.md: a WARN is left out of the rate and counted beside it */
    remove_tmp();
    make_tmp();
    p = plan_in("seeds = 1..4\n", "warn");
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    for (size_t i = 0; i < 4; i++)
        fake_run(p, i, 0.6, 0.4);
    set_field(p, 2, "R1.verdict", "WARN");
    set_field(p, 3, "R1.verdict", "NOT_APPLICABLE");
    for (size_t i = 0; i < 4; i++) {
        set_field(p, i, "R4.value", "4");
        set_field(p, i, "R4.null_low", "-inf"); /* a band: in the tables, not in the figure */
        set_field(p, i, "R5.value", "inf");     /* never finite: not drawable */
    }
    size_t failed;
    ck_assert_int_eq(sweep_collect(p, &done, &failed, err), 0);
    snprintf(path, sizeof path, "%s/summary.md", p->out);
    char *md = sweep_read_file(path, NULL, err);
    ck_assert_ptr_nonnull(md);
    sweep_wilson(2, 2, 1.959963984540054, &lo, &hi);
    snprintf(want, sizeof want, "| R1 | 2/2 = 1.00 [%.2f, %.2f]; 1 WARN; 1 not applicable |\n", lo, hi);
    ck_assert_msg(strstr(md, want), "summary.md lacks %s:\n%s", want, md);
    ck_assert_ptr_nonnull(strstr(md, "| R4.null_low | -inf (-inf - -inf) |"));
    free(md);
    snprintf(path, sizeof path, "%s/plot_vars.gp", p->out);
    char *vars = sweep_read_file(path, NULL, err);
    ck_assert_ptr_nonnull(vars);
    ck_assert_ptr_nonnull(strstr(vars, "\"R4.value\""));
    ck_assert_ptr_null(strstr(vars, "R4.null_low"));
    ck_assert_ptr_null(strstr(vars, "R5.value"));
    free(vars);
    sweep_plan_free(p);
    remove_tmp();
}
END_TEST

START_TEST(status_eta_from_run_cost)
{
    make_tmp();
    sweep_plan *p = plan_in("seeds = 1..4\n", "eta");
    char err[SWEEP_ERR];
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    /* run 0 trained and analysed in one process; run 1 trained earlier and only re-analysed
     * now (its process took 70 s): both cost a network's time, 660 s and 760 s */
    static const char *const secs[2][3] = {{"600", "60", "660"}, {"700", "60", "70"}};
    static const char *const keys[3] = {"train_seconds", "analysis_seconds", "process_seconds"};
    for (size_t i = 0; i < 2; i++) {
        fake_run(p, i, 0.3, 0.7);
        for (size_t k = 0; k < 3; k++)
            set_field(p, i, keys[k], secs[i][k]);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_int_eq(sweep_status(p, f), 1);
    fclose(f);
    /* median 710 s; two runs left on one worker */
    ck_assert_msg(strstr(text, "\ndone 2, running 0, failed 0, left 2 "), "%s", text);
    ck_assert_msg(strstr(text, "\na run takes 11m50s (median of 2); ETA 23m40s with 1 worker(s)"), "%s", text);
    free(text);
    sweep_plan_free(p);
    remove_tmp();
}
END_TEST

START_TEST(failure_recorded_and_others_run)
{
    make_tmp();
    sweep_plan *p = plan_in(tiny, "f");
    char err[SWEEP_ERR], path[4300];
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    /* run 1 has a damaged state file: it fails, the others finish */
    sweep_run_path(p, 1, ".tmp", path, sizeof path);
    ck_assert_int_eq(sweep_mkdirs(path, err), 0);
    sweep_run_path(p, 1, ".tmp/state.npz", path, sizeof path);
    ck_assert_int_eq(sweep_write_atomic(path, "not a state file", 16, err), 0);
    sweep_run_opts o = {0, 1, 0, NULL};
    ck_assert_int_eq(sweep_farm_local(p, 2, &o, err), 1);
    ck_assert_int_eq(sweep_run_state(p, 0), SWEEP_ST_DONE);
    ck_assert_int_eq(sweep_run_state(p, 1), SWEEP_ST_FAILED);
    ck_assert_int_eq(sweep_run_state(p, 2), SWEEP_ST_DONE);
    ck_assert_int_eq(sweep_run_state(p, 3), SWEEP_ST_DONE);
    sweep_record r;
    sweep_run_path(p, 1, ".failed", path, sizeof path);
    ck_assert_int_eq(sweep_record_load(&r, path, err), 0);
    ck_assert_ptr_nonnull(strstr(sweep_record_get(&r, "error"), "cannot resume from state.npz"));
    sweep_record_clear(&r);
    /* a second run leaves it alone; --retry-failed runs it again (it fails again: same file) */
    ck_assert_int_eq(sweep_run_index(p, 1, &o, err), SWEEP_RUN_PREV_FAILED);
    o.retry_failed = 1;
    ck_assert_int_eq(sweep_run_index(p, 1, &o, err), SWEEP_RUN_FAILED);
    /* the collected table lists it with its error */
    size_t done, failed;
    ck_assert_msg(sweep_collect(p, &done, &failed, err) == 0, "%s", err);
    ck_assert_uint_eq(done, 3);
    ck_assert_uint_eq(failed, 1);
    snprintf(path, sizeof path, "%s/table.csv", p->out);
    char *table = sweep_read_file(path, NULL, err);
    ck_assert_ptr_nonnull(table);
    ck_assert_ptr_nonnull(strstr(table, "\n1,r00001,1,orthogonal,1,failed,cannot resume from state.npz"));
    free(table);
    sweep_plan_free(p);
    remove_tmp();
}
END_TEST

START_TEST(busy_index_not_run_twice)
{
    make_tmp();
    sweep_plan *p = plan_in(tiny, "l");
    char err[SWEEP_ERR], lock[4300];
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    sweep_run_path(p, 2, ".lock", lock, sizeof lock);
    int ready[2], hold[2]; /* child -> parent: locked; parent -> child: release (by closing) */
    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(hold), 0);
    pid_t c = fork();
    ck_assert_int_ge(c, 0);
    if (c == 0) { /* another process holds run 2 until the pipe closes */
        int fd = open(lock, O_RDWR | O_CREAT, 0644);
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
            _exit(1);
        char ch;
        close(hold[1]);
        if (write(ready[1], "x", 1) != 1 || read(hold[0], &ch, 1) < 0)
            _exit(1);
        _exit(0);
    }
    char ch;
    close(hold[0]);
    ck_assert_int_eq(read(ready[0], &ch, 1), 1);
    sweep_run_opts o = {0, 1, 0, NULL};
    ck_assert_int_eq(sweep_run_state(p, 2), SWEEP_ST_RUNNING);
    ck_assert_int_eq(sweep_run_index(p, 2, &o, err), SWEEP_RUN_BUSY);
    close(hold[1]);
    close(ready[0]);
    close(ready[1]);
    int st;
    ck_assert_int_eq(waitpid(c, &st, 0), c);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* the holder is gone: the lock is free again */
    ck_assert_int_eq(sweep_run_state(p, 2), SWEEP_ST_LEFT);
    sweep_plan_free(p);
    remove_tmp();
}
END_TEST

START_TEST(other_plan_refused)
{
    make_tmp();
    sweep_plan *p = plan_in(tiny, "same"), *q;
    char err[SWEEP_ERR], file[128];
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    ck_assert_int_eq(sweep_prepare_out(p, err), 0);
    /* more seeds: accepted, the first runs keep their indices */
    static const char more[] = "# tiny\n"
                               "units = 8\ntrials = 8\nbatch_final = 0\nsteps = 50\ncurriculum_steps = 0\n"
                               "updates = 20\nwarmup = 2\nselection_trials = 20\n"
                               "vary init = pytorch, orthogonal\n"
                               "seeds = 1..3\n"
                               "sweep.test_trials = 20\nsweep.analysis_trials = 20\nsweep.analysis_steps = 60\n"
                               "sweep.state_every = 5\n";
    sweep_plan *m = plan_in(more, "same");
    ck_assert_uint_eq(m->n_runs, 6);
    ck_assert_msg(sweep_prepare_out(m, err) == 0, "%s", err);
    ck_assert_int_eq(sweep_prepare_out(p, err), 0); /* fewer seeds again: a prefix, accepted */
    char path[4300];
    snprintf(path, sizeof path, "%s/plan.txt", p->out);
    char *recorded = sweep_read_file(path, NULL, err);
    ck_assert_ptr_nonnull(strstr(recorded, " seed=3\n")); /* the longer listing stays */
    free(recorded);
    sweep_plan_free(m);
    static const char other[] = "units = 9\nseeds = 1..2\n";
    snprintf(file, sizeof file, "%s/same.sweep", tmpdir);
    ck_assert_int_eq(sweep_plan_parse(&q, other, strlen(other), file, err), 0);
    ck_assert_int_eq(sweep_prepare_out(q, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "another plan"));
    sweep_plan_free(p);
    sweep_plan_free(q);
    remove_tmp();
}
END_TEST

Suite *hdnet_suite_sweep(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("plan");
    tcase_add_test(tc, plan_index_order);
    tcase_add_test(tc, plan_deterministic);
    tcase_add_test(tc, plan_errors);
    tcase_add_test(tc, wilson_known_values);
    tcase_add_test(tc, quantiles);
    tcase_add_test(tc, record_round_trip);
    tcase_add_test(tc, summary_and_speed_trend);
    tcase_add_test(tc, status_eta_from_run_cost);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, resume_after_stop);
    tcase_add_test(tc, reanalyse_when_analysis_changes);
    tcase_add_test(tc, failure_recorded_and_others_run);
    tcase_add_test(tc, busy_index_not_run_twice);
    tcase_add_test(tc, other_plan_refused);
    suite_add_tcase(s, tc);
    return s;
}
