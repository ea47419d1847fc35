/* The command-line layer of the example programs (public API only): one-line
 * errors, option values, --set, output files and the claim table. Every
 * function that can fail prints "PROG: message" and exits with status 1, so
 * that a program's main reads as the steps of its job. */
#ifndef HDNET_EXAMPLES_CLI_H
#define HDNET_EXAMPLES_CLI_H

#include <hdnet/hdnet.h>

#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

/* The program's name for messages; each program defines it. */
extern const char cli_prog[];

#define CLI_PI 3.14159265358979323846
#define CLI_DEG (180.0 / CLI_PI)

#if defined(__GNUC__)
#define CLI_NORETURN __attribute__((noreturn))
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_NORETURN
#define CLI_PRINTF(f, a)
#endif

/* ---- errors ---- */
/* "PROG: message" on stderr and exit(EXIT_FAILURE). Control bytes and invalid UTF-8
 * in the message are escaped (hdnet_escape_text), so it is one safe line. */
CLI_NORETURN void cli_die(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "PROG: message" on stderr, escaped as by cli_die(), without exiting. */
void cli_warn(const char *fmt, ...) CLI_PRINTF(1, 2);
/* Call fn(message) once before cli_die() exits (e.g. to record a failed run); NULL: none. */
void cli_on_die(void (*fn)(const char *message));
/* Exit with "PROG: what: <status text> (<library detail>)" unless status is HDNET_OK. */
void cli_check(const char *what, int status);
/* A getopt_long error (opterr = 0): one line naming the argument. */
CLI_NORETURN void cli_bad_option(char **argv);
/* getopt_long with what every program does: --help ('h') prints usage(stdout) and
 * --version ('V') the version, both exiting with status 0; an unknown option or a
 * missing value exits with one line. Returns the next other option, or -1. */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts, void (*usage)(FILE *));
/* --version: "PROG (libhdnet X.Y.Z)" on stdout. */
void cli_version(void);
/* Allocation that cannot fail (exits instead). */
void *cli_malloc(size_t n);

/* ---- option values ---- */
/* The whole string as an integer in [lo, hi]; exits naming the option otherwise. */
uint64_t cli_uint(const char *opt, const char *s, uint64_t lo, uint64_t hi);
/* The whole string as a finite number. */
double cli_double(const char *opt, const char *s);
/* Keep arg, one value of the repeatable option opt, as list[(*n)++]; exits naming
 * opt when the list already holds cap values. */
void cli_push_arg(const char **list, size_t *n, size_t cap, const char *opt, const char *arg);
/* Default worker threads: every online core. */
int cli_default_threads(void);

/* Which parameters --set may change. */
enum {
    CLI_SET_ANY,  /* every parameter (training) */
    CLI_SET_TASK, /* task parameters only: the model file fixes the others */
};
/* --set name=value: an analysis parameter when ap is not NULL and the name is one,
 * else a config parameter of the given scope (when cfg is not NULL). */
void cli_set(hdnet_aparams *ap, hdnet_config *cfg, int scope, const char *arg);

/* ---- files ---- */
/* mkdir -p */
void cli_mkdirs(const char *path);
/* "dir/name", to be freed. */
char *cli_path(const char *dir, const char *name);
/* dir/name opened for writing, and closed with its write errors checked. */
FILE *cli_fopen(const char *dir, const char *name);
void cli_fclose(FILE *f, const char *name);
/* Add an array of up to three dimensions (trailing zeros: fewer) to an archive. */
void cli_npz_add(hdnet_npz *z, const char *name, int dtype, const void *data, size_t d0, size_t d1, size_t d2);
/* Save the archive as dir/name and free it. */
void cli_npz_save(hdnet_npz *z, const char *dir, const char *name);
/* A float copy of n doubles, to be freed. */
float *cli_to_float(const double *x, size_t n);
/* Write s as a JSON string literal (valid UTF-8 whatever s holds: as cli_safe()). */
void cli_json_string(FILE *f, const char *s);
/* s with control bytes and invalid UTF-8 as \xNN, to be freed (for printing names). */
char *cli_safe(const char *s);
/* A text input file opened for reading; exits unless it is a regular file (a FIFO
 * would block, a directory reads as nothing). */
FILE *cli_open_input(const char *path);
/* One writer per run directory: an exclusive lock on dir/.lock, held until the
 * process ends; exits with one line when another process holds it. */
void cli_lock_dir(const char *dir);
/* Remove the temporary files dead processes left in dir (hdnet_remove_stale_temps). */
void cli_remove_stale_temps(const char *dir);
/* Exit with one line naming option when need bytes exceed what the process may
 * still allocate (hdnet_memory_available: cgroup limit, MemAvailable, ulimit -v). */
void cli_check_memory(double need, const char *option);

/* ---- running ---- */
/* The signal (SIGINT or SIGTERM) that asked the program to stop, 0 until one came;
 * the program stops at its next safe point and saves what it has. */
extern volatile sig_atomic_t cli_stop_signal;
/* Route SIGINT and SIGTERM to cli_stop_signal. */
void cli_catch_stop(void);
/* The model file at path, loaded (exits with one line on failure). */
hdnet_net *cli_load_net(const char *path);
/* Monotonic seconds. */
double cli_now(void);
/* The gnuplot script named script from the plot directory ($HDNET_PLOT_DIR, else
 * plot/ beside the program, else ../share/hdnet/plot from it once installed), with
 * `dir` set to data_dir. Returns 0 when the figures
 * were written, 1 when they were skipped (the reason is printed; data stay). */
int cli_plot(const char *argv0, const char *script, const char *data_dir);

/* ---- units ---- */
/* Classes under the adaptive rule, the reference rule, the reference rule with its
 * slope thresholds scaled by sigma_ref / sigma_AV (2.865 deg/step at speed 1), the
 * adaptive rule on the decoded heading and (when a study's bootstrap gives it) the
 * interval rule; with every per-unit statistic. `main` is the rule of the class column
 * and of the unit sets built on it (CLI_INTERVAL, CLI_ADAPTIVE or CLI_REFERENCE). */
enum { CLI_ADAPTIVE, CLI_REFERENCE, CLI_SCALED, CLI_DECODED, CLI_INTERVAL, CLI_NRULES };
typedef struct {
    size_t n;
    double *stat[HDNET_US_COUNT];
    int *cls[CLI_NRULES];
    uint32_t *reasons[2]; /* adaptive, reference */
    double info[CLI_NRULES][HDNET_CI_COUNT];
    int main, have_interval;
} cli_units;
/* Every rule but the interval rule; main = CLI_ADAPTIVE. */
void cli_units_get(cli_units *u, const hdnet_tuning *t, const hdnet_aparams *ap);
/* The interval-rule classes of a study (hdnet_study_classes()); 0 when the study has none
 * (no turning in the analysis set, or fewer trials than bootstrap blocks). */
int cli_units_add_interval(cli_units *u, const hdnet_study *s);
/* Make rule (CLI_INTERVAL, CLI_ADAPTIVE or CLI_REFERENCE) the main rule. The interval rule
 * needs cli_units_add_interval() first; without it the adaptive rule is used and a note
 * printed. */
void cli_units_set_main(cli_units *u, int rule);
/* --rule NAME: "interval", "adaptive" or "reference"; exits on anything else. */
int cli_rule(const char *name);
/* Name of a main rule. */
const char *cli_rule_name(int rule);
void cli_units_free(cli_units *u);
/* dir/units.csv: unit, class (the main rule), preferred_hd_deg, hd_strength, av_slope,
 * class_reference, reasons, reasons_reference, class_decoded, class_scaled,
 * class_adaptive, class_interval (empty without the interval rule), then every statistic. */
void cli_write_units(const cli_units *u, const char *dir);

/* ---- the claim table ---- */
/* Print every row and write dir/criteria.csv and dir/criteria.txt. */
void cli_write_claims(const hdnet_claims *c, const char *dir);

#endif
