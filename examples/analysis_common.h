/* Small helpers shared by hdnet-analyze, hdnet-lesion and hdnet-speed (header-only,
 * public API only). */
#ifndef HDNET_ANALYSIS_COMMON_H
#define HDNET_ANALYSIS_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hdnet/hdnet.h>

extern char **environ;

#define AC_PI 3.14159265358979323846
#define AC_DEG (180.0 / AC_PI)

/* Exit with the library's message when a call fails. */
#define AC_CHECK(expr)                                                                         \
    do {                                                                                       \
        int ac_rc_ = (expr);                                                                   \
        if (ac_rc_ != HDNET_OK) {                                                              \
            fprintf(stderr, "%s: %s failed: %s: %s\n", ac_prog, #expr, hdnet_strerror(ac_rc_), \
                    hdnet_errmsg());                                                           \
            exit(EXIT_FAILURE);                                                                \
        }                                                                                      \
    } while (0)

static const char *ac_prog = "hdnet";

static void ac_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void ac_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", ac_prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_FAILURE);
}

/* getopt_long returned '?' (opterr = 0): one line naming the argument. */
static void ac_bad_option(char **argv) __attribute__((noreturn));
static void ac_bad_option(char **argv)
{
    ac_die("unknown option or missing value: %s (try --help)", argv[optind - 1]);
}

static inline void *ac_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        ac_die("out of memory (%zu bytes)", n);
    return p;
}

/* mkdir -p */
static inline void ac_mkdirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf)
        ac_die("path too long: %s", path);
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++)
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                ac_die("cannot create directory %s: %s", buf, strerror(errno));
            buf[i] = c;
        }
}

static inline char *ac_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = ac_malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static inline FILE *ac_fopen(const char *dir, const char *name)
{
    char *p = ac_path(dir, name);
    FILE *f = fopen(p, "w");
    if (!f)
        ac_die("cannot write %s: %s", p, strerror(errno));
    free(p);
    return f;
}

static inline void ac_fclose(FILE *f, const char *name)
{
    if (ferror(f) | fclose(f))
        ac_die("error writing %s", name);
}

/* Parse a non-negative integer option. */
static inline size_t ac_size(const char *opt, const char *s, size_t lo, size_t hi)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno || s[0] == '-' || v < lo || v > hi)
        ac_die("--%s: expected an integer in [%zu, %zu], got '%s'", opt, lo, hi, s);
    return (size_t)v;
}

static inline double ac_double(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        ac_die("--%s: expected a number, got '%s'", opt, s);
    return v;
}

/* --set name=value: an analysis parameter if the name is one, else a config parameter
 * (when cfg is not NULL). */
static inline void ac_set(hdnet_aparams *ap, hdnet_config *cfg, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        ac_die("--set: expected name=value, got '%s'", arg);
    char name[128];
    size_t n = (size_t)(eq - arg);
    if (n >= sizeof name)
        ac_die("--set: name too long");
    memcpy(name, arg, n);
    name[n] = '\0';
    int id;
    if (hdnet_aparam_id(name, &id) == HDNET_OK) {
        int rc = hdnet_aparams_set_str(ap, name, eq + 1);
        if (rc)
            ac_die("--set %s: %s", arg, hdnet_errmsg());
        return;
    }
    if (cfg) {
        int rc = hdnet_config_set(cfg, name, eq + 1);
        if (rc)
            ac_die("--set %s: %s", arg, hdnet_errmsg());
        return;
    }
    ac_die("--set: unknown parameter '%s'", name);
}

/* Save arrays into an .npz (name, dtype, data, shape...). */
static inline void ac_npz_add(hdnet_npz *z, const char *name, int dtype, const void *data, size_t d0, size_t d1, size_t d2)
{
    size_t shape[3] = {d0, d1, d2};
    size_t nd = d2 ? 3 : d1 ? 2 : 1;
    AC_CHECK(hdnet_npz_add(z, name, dtype, data, shape, nd));
}

static inline void ac_npz_save(hdnet_npz *z, const char *dir, const char *name)
{
    char *p = ac_path(dir, name);
    AC_CHECK(hdnet_npz_save(z, p));
    free(p);
    hdnet_npz_free(z);
}

static inline float *ac_to_float(const double *x, size_t n)
{
    float *f = ac_malloc(n * sizeof *f);
    for (size_t i = 0; i < n; i++)
        f[i] = (float)x[i];
    return f;
}

/* Run a gnuplot script with the data directory as variable `dir`. Returns 0 on success,
 * 1 when gnuplot is missing or fails (the caller says so and carries on). */
static inline int ac_gnuplot(const char *script_dir, const char *script, const char *data_dir)
{
    char sp[4096], ex[4200];
    snprintf(sp, sizeof sp, "%s/%s", script_dir, script);
    if (access(sp, R_OK) != 0) {
        fprintf(stderr, "%s: plot script %s not found; figures skipped\n", ac_prog, sp);
        return 1;
    }
    snprintf(ex, sizeof ex, "dir='%s'", data_dir);
    char *argv[] = {"gnuplot", "-e", ex, sp, NULL};
    char logp[4200];
    snprintf(logp, sizeof logp, "%s/gnuplot.log", data_dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, logp, O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid;
    int src = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (src != 0) {
        fprintf(stderr, "%s: gnuplot not available; data written, figures skipped\n", ac_prog);
        return 1;
    }
    int st;
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "%s: gnuplot failed on %s (see %s); data written, figures skipped\n", ac_prog, script, logp);
        return 1;
    }
    return 0;
}

/* Directory of the plot scripts: $HDNET_PLOT_DIR, else <dir of argv0>/plot. */
static inline char *ac_plot_dir(const char *argv0)
{
    const char *env = getenv("HDNET_PLOT_DIR");
    if (env && *env) {
        char *p = ac_malloc(strlen(env) + 1);
        strcpy(p, env);
        return p;
    }
    const char *slash = strrchr(argv0, '/');
    size_t n = slash ? (size_t)(slash - argv0) : 1;
    char *p = ac_malloc(n + 8);
    if (slash)
        memcpy(p, argv0, n);
    else
        p[0] = '.';
    strcpy(p + n, "/plot");
    return p;
}

/* Text copy of the check lines (criteria.txt), opened by the program. */
static FILE *ac_crit_txt = NULL;

/* One reproduction check: printed, appended to the criteria CSV and to criteria.txt. */
static inline void ac_crit(FILE *csv, const char *id, const char *claim, const char *measured, const char *criterion,
                    const char *status)
{
    printf("%s %s: measured %s; criterion %s; %s\n", id, claim, measured, criterion, status);
    if (csv)
        fprintf(csv, "%s,\"%s\",\"%s\",\"%s\",%s\n", id, claim, measured, criterion, status);
    if (ac_crit_txt)
        fprintf(ac_crit_txt, "%s %s: measured %s; criterion %s; %s\n", id, claim, measured, criterion, status);
    fflush(stdout);
}

static inline FILE *ac_open_crit_txt(const char *dir, const char *mode)
{
    char *p = ac_path(dir, "criteria.txt");
    FILE *f = fopen(p, mode);
    if (!f)
        ac_die("cannot write %s: %s", p, strerror(errno));
    free(p);
    ac_crit_txt = f;
    return f;
}

static inline int ac_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the finite values among x[i] with sel[i] (sel NULL: all). */
static inline double ac_median(const double *x, const int *sel, size_t n)
{
    double *b = ac_malloc(n * sizeof *b);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if ((!sel || sel[i]) && isfinite(x[i]))
            b[m++] = x[i];
    double r = NAN;
    if (m) {
        qsort(b, m, sizeof *b, ac_cmp_double);
        r = m % 2 ? b[m / 2] : 0.5 * (b[m / 2 - 1] + b[m / 2]);
    }
    free(b);
    return r;
}

/* Analysis-set config from a network's config: T steps, MATLAB stretch rule (first 200
 * trials, draws from 1), library generator, fresh stream, no input noise. */
static inline hdnet_config *ac_eval_config(const hdnet_net *net, size_t steps)
{
    hdnet_config *cfg;
    AC_CHECK(hdnet_net_get_config(net, &cfg));
    AC_CHECK(hdnet_config_set_int(cfg, HDNET_P_STEPS, (int64_t)steps));
    AC_CHECK(hdnet_config_set_int(cfg, HDNET_P_STRETCH_RULE, HDNET_STRETCH_FIRST_K));
    AC_CHECK(hdnet_config_set_int(cfg, HDNET_P_STRETCH_K, 200));
    AC_CHECK(hdnet_config_set_int(cfg, HDNET_P_STRETCH_LOW, 1));
    AC_CHECK(hdnet_config_set_int(cfg, HDNET_P_TASK_RNG, HDNET_RNG_LIBRARY));
    AC_CHECK(hdnet_config_set_int(cfg, HDNET_P_BATCH_MODE, HDNET_BATCH_FRESH));
    AC_CHECK(hdnet_config_set_double(cfg, HDNET_P_INPUT_NOISE, 0));
    return cfg;
}

typedef struct {
    size_t B, T, cue, N;
    float *x, *y, *mask;
    double *th, *av;
} dataset;

typedef struct {
    hdnet_tuning *t;
    double ne[2]; /* 1000-step (T) and first-500-step normalized error */
    float *y5;    /* outputs of the first 5 trials [5][T][2] */
    double seconds, cpu_seconds;
} result;

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Normalized-error accumulators per output: SSE, sum t, sum t^2, n; for T and the first 500 steps. */
typedef struct {
    double sse[2][2], st[2][2], st2[2][2], n[2][2];
} ne_acc;

static inline void ne_add(ne_acc *a, const float *y, const float *tg, const float *m, size_t nb, size_t T)
{
    for (size_t b = 0; b < nb; b++)
        for (size_t t = 0; t < T; t++)
            for (int k = 0; k < 2; k++) {
                size_t i = (b * T + t) * 2 + (size_t)k;
                if (m[i] == 0)
                    continue;
                double e = (double)y[i] - (double)tg[i], v = tg[i];
                for (int h = 0; h < 2; h++) {
                    if (h == 1 && t >= 500)
                        continue;
                    a->sse[h][k] += (double)m[i] * e * e;
                    a->st[h][k] += (double)m[i] * v;
                    a->st2[h][k] += (double)m[i] * v * v;
                    a->n[h][k] += (double)m[i];
                }
            }
}

static inline double ne_value(const ne_acc *a, int h)
{
    double s = 0;
    for (int k = 0; k < 2; k++) {
        double sst = a->st2[h][k] - a->st[h][k] * a->st[h][k] / a->n[h][k];
        s += sst > 0 ? a->sse[h][k] / sst : a->sse[h][k];
    }
    return s / 2;
}

/* Two-pass streaming analysis of one network on the dataset. decoded = 0 ignores the
 * readout (untrained networks, §2.12). */
static inline result analyse(const hdnet_net *net, const dataset *d, const hdnet_aparams *ap, size_t chunk, int decoded)
{
    result r;
    memset(&r, 0, sizeof r);
    double t0 = now_s();
    clock_t c0 = clock();
    AC_CHECK(hdnet_tuning_create(&r.t, d->N, ap));
    size_t S = d->B * d->T;
    AC_CHECK(hdnet_tuning_add(r.t, d->B, d->T, d->cue, d->th, S, d->av, S, NULL, 0, NULL, 0));
    AC_CHECK(hdnet_tuning_next_pass(r.t));
    size_t cs = chunk * d->T;
    float *rates = ac_malloc(cs * d->N * sizeof *rates), *outs = ac_malloc(cs * 2 * sizeof *outs);
    r.y5 = ac_malloc(5 * d->T * 2 * sizeof *r.y5);
    ne_acc acc;
    memset(&acc, 0, sizeof acc);
    for (int pass = 1; pass <= 2; pass++) {
        for (size_t b0 = 0; b0 < d->B; b0 += chunk) {
            size_t nb = d->B - b0 < chunk ? d->B - b0 : chunk, ns = nb * d->T, o = b0 * d->T;
            AC_CHECK(hdnet_net_run(net, nb, d->T, d->x + o * 3, ns * 3, NULL, 0, NULL, outs, ns * 2, rates,
                                   ns * d->N, NULL, 0));
            AC_CHECK(hdnet_tuning_add(r.t, nb, d->T, d->cue, d->th + o, ns, d->av + o, ns, decoded ? outs : NULL,
                                      ns * 2, rates, ns * d->N));
            if (pass == 1) {
                ne_add(&acc, outs, d->y + o * 2, d->mask + o * 2, nb, d->T);
                for (size_t b = b0; b < b0 + nb && b < 5; b++)
                    memcpy(r.y5 + b * d->T * 2, outs + (b - b0) * d->T * 2, d->T * 2 * sizeof *outs);
            }
        }
        int rc = hdnet_tuning_next_pass(r.t);
        if (rc == HDNET_ENOTSUP) {
            fprintf(stderr, "%s: %s\n", ac_prog, hdnet_errmsg());
            break;
        }
        AC_CHECK(rc);
    }
    r.ne[0] = ne_value(&acc, 0);
    r.ne[1] = d->T > 500 ? ne_value(&acc, 1) : r.ne[0];
    free(rates);
    free(outs);
    r.seconds = now_s() - t0;
    r.cpu_seconds = (double)(clock() - c0) / CLOCKS_PER_SEC;
    return r;
}

/* The analysis set: all trials generated at once (the stretch rule counts trials per call). */
static inline void ac_make_dataset(dataset *d, const hdnet_config *cfg, size_t B, size_t T, size_t N, uint64_t seed)
{
    int64_t cue64;
    AC_CHECK(hdnet_config_get_int(cfg, HDNET_P_CUE, &cue64));
    d->B = B;
    d->T = T;
    d->cue = (size_t)cue64;
    d->N = N;
    size_t S = B * T;
    d->x = ac_malloc(S * 3 * sizeof *d->x);
    d->y = ac_malloc(S * 2 * sizeof *d->y);
    d->mask = ac_malloc(S * 2 * sizeof *d->mask);
    d->th = ac_malloc(S * sizeof *d->th);
    d->av = ac_malloc(S * sizeof *d->av);
    hdnet_task *task;
    AC_CHECK(hdnet_task_create(&task, cfg, seed));
    AC_CHECK(hdnet_task_generate(task, B, d->x, S * 3, d->y, S * 2, d->mask, S * 2, d->th, S, d->av, S));
    hdnet_task_free(task);
}

static inline void ac_free_dataset(dataset *d)
{
    free(d->x);
    free(d->y);
    free(d->mask);
    free(d->th);
    free(d->av);
}

#endif
