/* hdnet-sweep: train and analyse many networks from one sweep file, on this
 * machine, over MPI or as a Slurm job array, and collect the results.
 *
 *   hdnet-sweep plan FILE [--count]
 *   hdnet-sweep run FILE [--index I | --jobs K] [--retry-failed]
 *   hdnet-sweep status FILE
 *   hdnet-sweep collect FILE [--no-plots]
 * (every command also takes --out DIR). The sweep file format, the results
 * layout and the cluster recipes are in docs/cluster.md. */
#ifdef __linux__
#define _GNU_SOURCE /* sched_getaffinity */
#include <sched.h>
#endif
#include "cli.h"
#include "sweep/sweep.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "hdnet-sweep"
const char cli_prog[] = PROG;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " COMMAND FILE [options]\n"
            "Train and analyse the networks of a sweep file (docs/cluster.md).\n"
            "commands:\n"
            "  plan FILE [--count]      list the runs: index, name, settings (or their number)\n"
            "  run FILE                 run every unfinished run with --jobs K worker processes\n"
            "                           (default: one per core it may use), or as a task farm over\n"
            "                           the ranks when started by mpirun\n"
            "  run FILE --index I       run one index (Slurm arrays: --index $SLURM_ARRAY_TASK_ID;\n"
            "                           without --index or --jobs, SLURM_ARRAY_TASK_ID is used)\n"
            "  status FILE              runs done / running / failed / left, and an ETA\n"
            "  collect FILE             OUT/table.csv, table.json, summary.csv, summary.json, figures\n"
            "options:\n"
            "  -j, --jobs K             worker processes of a local run (one thread each)\n"
            "  -i, --index I            run index I only\n"
            "      --retry-failed       run again the runs that failed before\n"
            "  -o, --out DIR            results directory (default: the file's sweep.out)\n"
            "      --count              plan: print only the number of runs\n"
            "      --no-plots           collect: data only\n"
            "  -h, --help               this text\n"
            "      --version            the program's and the library's version\n"
            "Runs are resumed from their state.npz after an interruption; finished runs are skipped.\n"
            "MPI: %s\n", sweep_mpi_built() ? "built in" : "not built (make MPI=1)");
}

static void die(const char *msg, const char *arg) __attribute__((noreturn));
static void die(const char *msg, const char *arg)
{
    fprintf(stderr, PROG ": %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(EXIT_FAILURE);
}

static size_t parse_size(const char *opt, const char *s, size_t lo, size_t hi)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *s == '-' || *end || errno || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: expected an integer in [%zu, %zu], got '%s'\n", opt, lo, hi, s);
        exit(EXIT_FAILURE);
    }
    return (size_t)v;
}

/* Cores this process may run on: its CPU affinity (a Slurm allocation's or
 * taskset's cores), else every online core. */
static size_t cores(void)
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (size_t)CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

static int cmd_run(const sweep_plan *p, int have_index, size_t index, size_t jobs, int retry, int *argc,
                   char ***argv)
{
    char err[SWEEP_ERR];
    sweep_run_opts o = {retry, 0, 0, &cli_stop_signal};
    cli_catch_stop();
    if (have_index) {
        if (index >= p->n_runs) {
            fprintf(stderr, PROG ": index %zu outside the plan (0..%zu)\n", index, p->n_runs - 1);
            return EXIT_FAILURE;
        }
        if (sweep_prepare_out(p, err))
            die(err, NULL);
        int rc = sweep_run_index(p, index, &o, err);
        if (rc < 0)
            die(err, NULL);
        if (rc == SWEEP_RUN_BUSY)
            printf("r%05zu: running in another process; nothing to do\n", index);
        return rc == SWEEP_RUN_DONE || rc == SWEEP_RUN_SKIPPED || rc == SWEEP_RUN_BUSY ? 0
             : rc == SWEEP_RUN_STOPPED ? 130 : EXIT_FAILURE;
    }
    int rc = sweep_mpi_launched() ? sweep_farm_mpi(p, &o, argc, argv, err) : sweep_farm_local(p, jobs, &o, err);
    if (rc < 0)
        die(err, NULL);
    return cli_stop_signal ? 130 : rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        cli_version();
        return 0;
    }
    if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-')
        die("expected a command and a sweep file (try --help)", NULL);
    const char *cmd = argv[1], *file = argv[2], *out = NULL;
    int count_only = 0, no_plots = 0, retry = 0, have_index = 0;
    size_t index = 0, jobs = 0;
    static const struct option opts[] = {{"jobs", required_argument, 0, 'j'},  {"index", required_argument, 0, 'i'},
                                         {"out", required_argument, 0, 'o'},   {"retry-failed", no_argument, 0, 'R'},
                                         {"count", no_argument, 0, 'c'},       {"no-plots", no_argument, 0, 'P'},
                                         {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    int c;
    opterr = 0;
    optind = 3;
    while ((c = getopt_long(argc, argv, "j:i:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': jobs = parse_size("--jobs", optarg, 1, 4096); break;
        case 'i':
            index = parse_size("--index", optarg, 0, (size_t)-1 / 2);
            have_index = 1;
            break;
        case 'o': out = optarg; break;
        case 'R': retry = 1; break;
        case 'c': count_only = 1; break;
        case 'P': no_plots = 1; break;
        case 'h': usage(stdout); return 0;
        default: die("unknown option or missing value (try --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        die("unexpected argument", argv[optind]);
    if (strcmp(cmd, "plan") && strcmp(cmd, "run") && strcmp(cmd, "status") && strcmp(cmd, "collect"))
        die("unknown command (plan, run, status, collect)", cmd);
    if (strcmp(cmd, "run") && (have_index || jobs || retry))
        die("--index, --jobs and --retry-failed belong to the run command", NULL);
    if (have_index && jobs)
        die("give --index or --jobs, not both", NULL);

    sweep_plan *p;
    char err[SWEEP_ERR];
    if (sweep_plan_load(&p, file, err))
        die(err, NULL);
    if (out) {
        free(p->out);
        if (!(p->out = strdup(out)))
            die("out of memory", NULL);
    }
    int rc = 0;
    if (!strcmp(cmd, "plan")) {
        if (count_only)
            printf("%zu\n", p->n_runs);
        else
            sweep_plan_print(p, stdout);
    } else if (!strcmp(cmd, "run")) {
        const char *task = getenv("SLURM_ARRAY_TASK_ID");
        if (!have_index && !jobs && task && *task && !sweep_mpi_launched()) {
            index = parse_size("SLURM_ARRAY_TASK_ID", task, 0, (size_t)-1 / 2);
            have_index = 1;
        }
        rc = cmd_run(p, have_index, index, jobs ? jobs : cores(), retry, &argc, &argv);
    } else if (!strcmp(cmd, "status")) {
        rc = sweep_status(p, stdout);
    } else {
        size_t done, failed;
        if (sweep_collect(p, &done, &failed, err))
            die(err, NULL);
        printf("collected %zu done and %zu failed of %zu run(s): %s/table.csv, table.json, summary.csv, "
               "summary.json\n", done, failed, p->n_runs, p->out);
        if (!no_plots && done && cli_plot(argv[0], "sweep.gp", p->out) == 0)
            printf("figures: %s/sweep_values.png, %s/sweep_rates.png\n", p->out, p->out);
        rc = done + failed == p->n_runs ? 0 : 1;
    }
    sweep_plan_free(p);
    return rc;
}
