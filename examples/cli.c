/* The command-line layer of the example programs (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void (*on_die)(const char *message);

void cli_on_die(void (*fn)(const char *message))
{
    on_die = fn;
}

/* "PROG: message" on stderr as one line, whatever bytes file names, options or
 * file contents bring; the escaped message is left in msg. */
static void print_message(char *msg, size_t size, const char *fmt, va_list ap)
{
    char raw[2048];
    vsnprintf(raw, sizeof raw, fmt, ap);
    hdnet_escape_text(msg, size, raw);
    fprintf(stderr, "%s: %s\n", cli_prog, msg);
}

void cli_warn(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    print_message(msg, sizeof msg, fmt, ap);
    va_end(ap);
}

void cli_die(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    print_message(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (on_die) {
        void (*fn)(const char *) = on_die;
        on_die = NULL; /* a failure inside it must not recurse */
        fn(msg);
    }
    exit(EXIT_FAILURE);
}

void cli_check(const char *what, int status)
{
    if (status == HDNET_OK)
        return;
    const char *detail = hdnet_errmsg();
    if (detail && detail[0])
        cli_die("%s: %s (%s)", what, hdnet_strerror(status), detail);
    cli_die("%s: %s", what, hdnet_strerror(status));
}

void cli_bad_option(char **argv)
{
    cli_die("unknown option or missing value: %s (try --help)", argv[optind - 1]);
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts, void (*usage)(FILE *))
{
    opterr = 0; /* one line of our own on bad options */
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == 'h') {
        usage(stdout);
        exit(EXIT_SUCCESS);
    }
    if (c == 'V') {
        cli_version();
        exit(EXIT_SUCCESS);
    }
    if (c == '?' || c == ':')
        cli_bad_option(argv);
    return c;
}

void cli_version(void)
{
    printf("%s (libhdnet %s)\n", cli_prog, hdnet_version_string());
}

void *cli_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        cli_die("out of memory (%zu bytes)", n);
    return p;
}

uint64_t cli_uint(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    /* digits only: strtoull would skip blanks and wrap " -1" to 2^64 - 1 */
    if (end == s || *end || errno || !(s[0] >= '0' && s[0] <= '9') || v < lo || v > hi)
        cli_die("%s: expected an integer in [%llu, %llu], got '%s' (try --help)", opt, (unsigned long long)lo,
                (unsigned long long)hi, s);
    return (uint64_t)v;
}

double cli_double(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || s[0] == ' ' || s[0] == '\t')
        cli_die("%s: expected a number, got '%s' (try --help)", opt, s);
    return v;
}

void cli_push_arg(const char **list, size_t *n, size_t cap, const char *opt, const char *arg)
{
    if (*n == cap)
        cli_die("too many %s options", opt);
    list[(*n)++] = arg;
}

int cli_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* Parameter ids by group (config.h): model 1-99, task 100-199, training 200-299. */
static int is_task_param(int id)
{
    return id >= 100 && id < 200;
}

void cli_set(hdnet_aparams *ap, hdnet_config *cfg, int scope, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        cli_die("--set: expected name=value, got '%s'", arg);
    char name[128];
    size_t n = (size_t)(eq - arg);
    if (n >= sizeof name)
        cli_die("--set: name too long");
    memcpy(name, arg, n);
    name[n] = '\0';
    int id;
    if (ap && hdnet_aparam_id(name, &id) == HDNET_OK) {
        if (hdnet_aparams_set_str(ap, name, eq + 1) != HDNET_OK)
            cli_die("--set %s: %s", arg, hdnet_errmsg());
        return;
    }
    if (!cfg || hdnet_param_id(name, &id) != HDNET_OK)
        cli_die("--set: unknown parameter '%s'", name);
    if (scope == CLI_SET_TASK && !is_task_param(id))
        cli_die("--set %s: not a task parameter (the model file fixes it)", name);
    int rc = hdnet_config_set(cfg, name, eq + 1);
    if (rc)
        cli_die("--set %s: %s (%s)", arg, hdnet_strerror(rc), hdnet_errmsg());
}

void cli_mkdirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        cli_die("bad directory name: '%s'", path);
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            cli_die("cannot create directory %s: %s", buf, strerror(errno));
        buf[i] = c;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        cli_die("cannot create directory %s: %s", path, strerror(errno ? errno : ENOTDIR));
}

char *cli_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = cli_malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

FILE *cli_fopen(const char *dir, const char *name)
{
    char *p = cli_path(dir, name);
    FILE *f = fopen(p, "w");
    if (!f)
        cli_die("cannot write %s: %s", p, strerror(errno));
    free(p);
    return f;
}

void cli_fclose(FILE *f, const char *name)
{
    if (ferror(f) | fclose(f))
        cli_die("error writing %s", name);
}

void cli_npz_add(hdnet_npz *z, const char *name, int dtype, const void *data, size_t d0, size_t d1, size_t d2)
{
    size_t shape[3] = {d0, d1, d2};
    size_t nd = d2 ? 3 : d1 ? 2 : 1;
    cli_check(name, hdnet_npz_add(z, name, dtype, data, shape, nd));
}

void cli_npz_save(hdnet_npz *z, const char *dir, const char *name)
{
    char *p = cli_path(dir, name);
    cli_check(p, hdnet_npz_save(z, p));
    free(p);
    hdnet_npz_free(z);
}

float *cli_to_float(const double *x, size_t n)
{
    float *f = cli_malloc(n * sizeof *f);
    for (size_t i = 0; i < n; i++)
        f[i] = (float)x[i];
    return f;
}

void cli_json_string(FILE *f, const char *s)
{
    /* escaped as messages are first (control bytes and invalid UTF-8 as \xNN, so
     * the result is valid UTF-8), then quotes and backslashes for JSON */
    char *t = cli_safe(s);
    fputc('"', f);
    for (const char *c = t; *c; c++) {
        if (*c == '"' || *c == '\\')
            fputc('\\', f);
        fputc(*c, f);
    }
    fputc('"', f);
    free(t);
}

char *cli_safe(const char *s)
{
    size_t n = hdnet_escape_text(NULL, 0, s);
    char *t = cli_malloc(n + 1);
    hdnet_escape_text(t, n + 1, s);
    return t;
}

FILE *cli_open_input(const char *path)
{
    /* O_NONBLOCK: a FIFO must not block open(); anything but a regular file is refused */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        cli_die("cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) != 0) {
        close(fd);
        cli_die("%s is not a regular file", path);
    }
    FILE *f = fdopen(fd, "r");
    if (!f)
        cli_die("cannot open %s: %s", path, strerror(errno));
    return f;
}

void cli_lock_dir(const char *dir)
{
    char *p = cli_path(dir, ".lock");
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        cli_die("cannot open the lock file %s: %s", p, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0)
        cli_die("%s is in use by another run (%s is locked); wait for it or use another directory", dir, p);
    free(p); /* fd stays open: the lock lasts as long as the process */
}

void cli_remove_stale_temps(const char *dir)
{
    size_t n = 0;
    cli_check("stale temporary files", hdnet_remove_stale_temps(dir, &n));
    if (n)
        cli_warn("removed %zu temporary file(s) of dead processes from %s", n, dir);
}

void cli_check_memory(double need, const char *option)
{
    uint64_t avail;
    if (hdnet_memory_available(&avail) != HDNET_OK || avail == UINT64_MAX)
        return;
    if (need > (double)avail)
        cli_die("needs about %.0f MB of memory, %.0f MB are available (memory limit of the cgroup, "
                "MemAvailable or ulimit -v): reduce %s",
                need / 1e6, (double)avail / 1e6, option);
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The directory of the running program (from /proc/self/exe, else argv0), malloc'd. */
static char *program_dir(const char *argv0)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *path = argv0;
    if (n > 0) {
        exe[n] = '\0';
        path = exe;
    }
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 1;
    char *d = cli_malloc(len + 1);
    memcpy(d, slash ? path : ".", len);
    d[len] = '\0';
    return d;
}

/* Directory of the plot scripts: $HDNET_PLOT_DIR; else plot/ beside the program (the
 * build tree), else ../share/hdnet/plot from it (an installed program). The first
 * candidate that holds script is chosen, the first one when none does. */
static char *plot_dir(const char *argv0, const char *script)
{
    const char *env = getenv("HDNET_PLOT_DIR");
    if (env && *env)
        return strcpy(cli_malloc(strlen(env) + 1), env);
    char *bin = program_dir(argv0), *tree = cli_path(bin, "plot"), *installed = cli_path(bin, "../share/hdnet/plot");
    char *sp = cli_path(installed, script);
    int use_installed = access(sp, R_OK) == 0;
    free(sp);
    sp = cli_path(tree, script);
    use_installed &= access(sp, R_OK) != 0;
    free(sp);
    free(bin);
    free(use_installed ? tree : installed);
    return use_installed ? installed : tree;
}

int cli_plot(const char *argv0, const char *script, const char *data_dir)
{
    char *pd = plot_dir(argv0, script), *sp = cli_path(pd, script), *logp = cli_path(data_dir, "gnuplot.log");
    char *ex = cli_malloc(strlen(data_dir) + 8);
    sprintf(ex, "dir='%s'", data_dir);
    int bad = 1;
    if (strpbrk(data_dir, "'\\\n")) { /* it is quoted inside a gnuplot command */
        cli_warn("directory name %s has a quote, backslash or newline; figures skipped", data_dir);
    } else if (access(sp, R_OK) != 0) {
        cli_warn("plot script %s not found; figures skipped", sp);
    } else {
        char *argv[] = {"gnuplot", "-e", ex, sp, NULL};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 2, logp, O_WRONLY | O_CREAT | O_APPEND, 0644);
        pid_t pid;
        int st, src = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (src != 0)
            fprintf(stderr, "%s: gnuplot not available; data written, figures skipped\n", cli_prog);
        else if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            cli_warn("gnuplot failed on %s (see %s); data written, figures skipped", script, logp);
        else
            bad = 0;
    }
    free(ex);
    free(logp);
    free(sp);
    free(pd);
    return bad;
}

void cli_units_get(cli_units *u, const hdnet_tuning *t, const hdnet_aparams *ap)
{
    size_t N;
    double sigma, v;
    memset(u, 0, sizeof *u);
    cli_check("tuning", hdnet_tuning_scalar(t, HDNET_TS_N_UNITS, &v));
    u->n = N = (size_t)v;
    for (int i = 0; i < HDNET_US_COUNT; i++)
        cli_check("unit statistics", hdnet_tuning_unit_stat(t, i, u->stat[i] = cli_malloc(N * sizeof(double)), N));
    for (int r = 0; r < CLI_NRULES; r++)
        u->cls[r] = cli_malloc(N * sizeof(int));
    for (int r = 0; r < 2; r++)
        u->reasons[r] = cli_malloc(N * sizeof(uint32_t));
    cli_check("classify", hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 0, u->cls[CLI_ADAPTIVE], N, u->reasons[0], N,
                                                u->info[CLI_ADAPTIVE], HDNET_CI_COUNT));
    cli_check("classify", hdnet_tuning_classify(t, HDNET_RULE_REFERENCE, 0, u->cls[CLI_REFERENCE], N, u->reasons[1],
                                                N, u->info[CLI_REFERENCE], HDNET_CI_COUNT));
    cli_check("classify", hdnet_tuning_classify(t, HDNET_RULE_ADAPTIVE, 1, u->cls[CLI_DECODED], N, NULL, 0,
                                                u->info[CLI_DECODED], HDNET_CI_COUNT));
    u->main = CLI_ADAPTIVE;
    for (size_t k = 0; k < N; k++)
        u->cls[CLI_INTERVAL][k] = -1;
    /* the reference thresholds on the slope scaled by sigma_ref / sigma_AV */
    hdnet_aparams *p2;
    cli_check("parameters", hdnet_aparams_create(&p2));
    for (size_t i = 0; i < hdnet_aparam_count(); i++) {
        int id;
        cli_check("parameters", hdnet_aparam_info(i, &id, NULL, NULL, NULL, NULL));
        cli_check("parameters", hdnet_aparams_get(ap, id, &v));
        cli_check("parameters", hdnet_aparams_set(p2, id, v));
    }
    cli_check("tuning", hdnet_tuning_scalar(t, HDNET_TS_SIGMA_AV, &sigma));
    cli_check("parameters", hdnet_aparams_set(p2, HDNET_A_SLOPE_SCALE, isfinite(sigma) && sigma > 0 ? 2.865 / sigma
                                                                                                    : 1.0));
    cli_check("classify", hdnet_classify(HDNET_RULE_REFERENCE, p2, N, u->stat[HDNET_US_RANGE], u->stat[HDNET_US_S],
                                         u->stat[HDNET_US_SLOPE], NULL, NULL, u->cls[CLI_SCALED], NULL,
                                         u->info[CLI_SCALED], HDNET_CI_COUNT));
    hdnet_aparams_free(p2);
}

int cli_units_add_interval(cli_units *u, const hdnet_study *s)
{
    if (hdnet_study_classes(s, u->cls[CLI_INTERVAL], u->n, NULL, 0, NULL, 0) != HDNET_OK)
        return 0;
    u->have_interval = 1;
    return 1;
}

void cli_units_set_main(cli_units *u, int rule)
{
    if (rule == CLI_INTERVAL && !u->have_interval) {
        printf("classes: the interval rule needs the bootstrap of at least 20 trials with turning; the adaptive rule "
               "is used instead\n");
        rule = CLI_ADAPTIVE;
    }
    u->main = rule;
}

int cli_rule(const char *name)
{
    static const int ids[3] = {CLI_INTERVAL, CLI_ADAPTIVE, CLI_REFERENCE};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, cli_rule_name(ids[i])) == 0)
            return ids[i];
    cli_die("--rule: '%s' is not interval, adaptive or reference", name);
}

const char *cli_rule_name(int rule)
{
    return rule == CLI_INTERVAL ? "interval" : rule == CLI_REFERENCE ? "reference" : "adaptive";
}

void cli_units_free(cli_units *u)
{
    for (int i = 0; i < HDNET_US_COUNT; i++)
        free(u->stat[i]);
    for (int r = 0; r < CLI_NRULES; r++)
        free(u->cls[r]);
    free(u->reasons[0]);
    free(u->reasons[1]);
}

/* Removal reasons as "range|strength|..." */
static const char *reason_str(uint32_t w, char *buf)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{HDNET_REASON_RANGE, "range"},
                 {HDNET_REASON_STRENGTH, "strength"},
                 {HDNET_REASON_NOFIT, "nofit"},
                 {HDNET_REASON_ZERO_SLOPE, "zero_slope"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (w & names[i].bit)
            strcat(strcat(buf, buf[0] ? "|" : ""), names[i].name);
    return buf;
}

void cli_write_units(const cli_units *u, const char *dir)
{
    FILE *f = cli_fopen(dir, "units.csv");
    fprintf(f, "unit,class,preferred_hd_deg,hd_strength,av_slope,class_reference,reasons,reasons_reference,"
               "class_decoded,class_scaled,class_adaptive,class_interval");
    for (int i = 0; i < HDNET_US_COUNT; i++)
        fprintf(f, ",%s", hdnet_unit_stat_name(i));
    fprintf(f, "\n");
    char b1[64], b2[64];
    for (size_t k = 0; k < u->n; k++) {
        fprintf(f, "%zu,%s,%.6g,%.6g,%.6g,%s,%s,%s,%s,%s,%s,%s", k, hdnet_class_name(u->cls[u->main][k]),
                u->stat[HDNET_US_PHI][k], u->stat[HDNET_US_S][k], u->stat[HDNET_US_SLOPE][k],
                hdnet_class_name(u->cls[CLI_REFERENCE][k]), reason_str(u->reasons[0][k], b1),
                reason_str(u->reasons[1][k], b2), hdnet_class_name(u->cls[CLI_DECODED][k]),
                hdnet_class_name(u->cls[CLI_SCALED][k]), hdnet_class_name(u->cls[CLI_ADAPTIVE][k]),
                u->have_interval ? hdnet_class_name(u->cls[CLI_INTERVAL][k]) : "");
        for (int i = 0; i < HDNET_US_COUNT; i++)
            fprintf(f, ",%.9g", u->stat[i][k]);
        fprintf(f, "\n");
    }
    cli_fclose(f, "units.csv");
}

/* A number for CSV and JSON: empty / null when undefined. */
static void put_number(FILE *f, double v, const char *undefined)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fputs(undefined, f);
}

/* A JSON string (the claim texts hold no control characters). */
static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void cli_write_claims(const hdnet_claims *c, const char *dir)
{
    static const char *const num_names[HDNET_CLAIM_NUMBERS] = {"value", "null_low", "null_high", "ci_low",
                                                               "ci_high"};
    FILE *csv = cli_fopen(dir, "criteria.csv"), *txt = cli_fopen(dir, "criteria.txt");
    FILE *json = cli_fopen(dir, "criteria.json");
    fprintf(csv, "id,claim,measured,criterion,status,value,null_low,null_high,ci_low,ci_high\n");
    fprintf(json, "{\"library_version\": \"%s\", \"criteria\": [", hdnet_version_string());
    for (size_t i = 0; i < hdnet_claims_count(c); i++) {
        const char *id = hdnet_claims_text(c, i, HDNET_CLAIM_ID), *claim = hdnet_claims_text(c, i, HDNET_CLAIM_CLAIM);
        const char *ms = hdnet_claims_text(c, i, HDNET_CLAIM_MEASURED);
        const char *crit = hdnet_claims_text(c, i, HDNET_CLAIM_CRITERION);
        const char *st = hdnet_verdict_name(hdnet_claims_verdict(c, i));
        printf("%s %s: measured %s; criterion %s; %s\n", id, claim, ms, crit, st);
        fprintf(txt, "%s %s: measured %s; criterion %s; %s\n", id, claim, ms, crit, st);
        fprintf(csv, "%s,\"%s\",\"%s\",\"%s\",%s", id, claim, ms, crit, st);
        fprintf(json, "%s\n  {\"id\": ", i ? "," : "");
        put_json_string(json, id);
        fputs(", \"claim\": ", json);
        put_json_string(json, claim);
        fputs(", \"status\": ", json);
        put_json_string(json, st);
        for (int k = 0; k < HDNET_CLAIM_NUMBERS; k++) {
            double v = hdnet_claims_number(c, i, k);
            fputc(',', csv);
            put_number(csv, v, "");
            fprintf(json, ", \"%s\": ", num_names[k]);
            put_number(json, v, "null");
        }
        fputc('\n', csv);
        fputs(", \"measured\": ", json);
        put_json_string(json, ms);
        fputs(", \"criterion\": ", json);
        put_json_string(json, crit);
        fputc('}', json);
    }
    fputs("\n]}\n", json);
    fflush(stdout);
    cli_fclose(json, "criteria.json");
    cli_fclose(txt, "criteria.txt");
    cli_fclose(csv, "criteria.csv");
}

volatile sig_atomic_t cli_stop_signal = 0;

static void on_stop_signal(int sig)
{
    cli_stop_signal = sig;
}

void cli_catch_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

hdnet_net *cli_load_net(const char *path)
{
    hdnet_net *net;
    cli_check(path, hdnet_net_load(&net, path));
    return net;
}
