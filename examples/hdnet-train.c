/* hdnet-train: train a head-direction network with a named recipe.
 *
 *   hdnet-train --out DIR [--recipe paper|reference|matlab] [--updates N] [--seed S]
 *               [--threads K] [--speed X] [--batch fixed|fresh] [--quick]
 *               [--set name=value]... [--report N] [--state-every N] [--force]
 *   hdnet-train --resume DIR [--report N] [--state-every N]
 *
 * Writes DIR/model.npz (the best network under model selection), DIR/ckpt_<u>.npz
 * (scheduled checkpoints), DIR/train_log.csv (one row per update),
 * DIR/checkpoints.csv (selection NE per evaluation), DIR/meta.json (resolved
 * config, seeds, versions, results), and prints the test normalized error of
 * the best network on 1000 noise-free trials of 500 and of 1000 steps.
 * DIR/state.npz holds the trainer's complete state (saved every --state-every
 * updates, on Ctrl-C and at the end); --resume DIR continues from it, bit for
 * bit as if the run had not stopped, and takes every setting from it. */
#include "cli.h"
#include "train_run.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cli_prog[] = "hdnet-train";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hdnet-train --out DIR [options]\n"
            "Train a head-direction RNN (Cueva et al. 2020) and keep the best checkpoint.\n"
            "  -o, --out DIR          output directory (created if missing)\n"
            "  -r, --recipe NAME      paper (default: our recipe, NE <= 0.01), reference\n"
            "                         (the PyTorch reference recipe) or matlab (the paper's\n"
            "                         Hessian-free training; hours per run), docs/training.md\n"
            "  -u, --updates N        optimiser updates (overrides the recipe)\n"
            "  -s, --seed S           master seed of every random stream (default 1)\n"
            "  -j, --threads K        worker threads (default: every online core)\n"
            "      --speed X          angular-velocity speed multiplier (default 1)\n"
            "      --batch MODE       fresh (default: new trials every update) or fixed\n"
            "                         (the same trials every update, as the PyTorch reference)\n"
            "  -q, --quick            short preset: the task learnt in about a minute (make demo)\n"
            "      --set NAME=VALUE   set any parameter (repeatable; applied last)\n"
            "      --report N         with output piped, print a line every N updates\n"
            "      --state-every N    save DIR/state.npz every N updates (default 100; 0: only\n"
            "                         on Ctrl-C and at the end)\n"
            "      --resume DIR       continue the run in DIR from DIR/state.npz, bit for bit;\n"
            "                         every setting comes from the state file\n"
            "      --force            replace the run DIR holds (its model, checkpoints, logs,\n"
            "                         state and meta.json are deleted first)\n"
            "  -h, --help             this text\n"
            "      --version          program and library version\n"
            "Outputs in DIR: model.npz ckpt_<u>.npz train_log.csv checkpoints.csv meta.json\n"
            "state.npz. Prints 'normalized_error <v>' (1000 test trials x 500 steps) and\n"
            "'normalized_error_1000_steps <v>' for the best network. Ctrl-C stops early,\n"
            "still writes the outputs and the state for --resume (so does SIGTERM). One process\n"
            "at a time may write into DIR; a DIR that holds a run is refused unless --resume\n"
            "or --force is given.\n");
}

/* The --quick preset, over the recipe: 1500 updates on 100-step trials at a higher
 * learning rate. With the paper recipe (batch growing from 64 to 256 trials, cosine
 * decay) it reaches test NE 0.011-0.015 on 500-step trials in 20-30 s on 2 cores
 * (seeds 1-3, docs/training.md). */
static void apply_quick(hdnet_config *cfg)
{
    static const char *const quick[] = {"updates=1500", "trials=64", "steps=100", "lr=0.01", "selection_trials=200"};
    for (size_t i = 0; i < sizeof quick / sizeof *quick; i++)
        cli_set(NULL, cfg, CLI_SET_ANY, quick[i]);
}

typedef struct {
    const char *out, *recipe, *batch, *resume, *updates, *seed, *threads, *speed;
    const char **sets;
    size_t nsets;
    int quick, force;
    size_t report, state_every;
} options;

static options parse(int argc, char **argv)
{
    options o = {0};
    o.sets = cli_malloc(((size_t)argc + 1) * sizeof *o.sets);
    o.state_every = 100;
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},     {"recipe", required_argument, NULL, 'r'},
        {"updates", required_argument, NULL, 'u'}, {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'j'}, {"speed", required_argument, NULL, 'S'},
        {"batch", required_argument, NULL, 'b'},   {"quick", no_argument, NULL, 'q'},
        {"set", required_argument, NULL, 'e'},     {"report", required_argument, NULL, 'R'},
        {"state-every", required_argument, NULL, 'E'}, {"resume", required_argument, NULL, 'Z'},
        {"force", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = cli_getopt(argc, argv, "o:r:u:s:j:qh", opts, usage)) != -1) {
        switch (c) {
        case 'o': o.out = optarg; break;
        case 'r': o.recipe = optarg; break;
        case 'u': o.updates = optarg; break;
        case 's': o.seed = optarg; break;
        case 'j': o.threads = optarg; break;
        case 'S': o.speed = optarg; break;
        case 'b': o.batch = optarg; break;
        case 'q': o.quick = 1; break;
        case 'e': o.sets[o.nsets++] = optarg; break;
        case 'R': o.report = (size_t)cli_uint("--report", optarg, 1, 1000000000); break;
        case 'E': o.state_every = (size_t)cli_uint("--state-every", optarg, 0, 1000000000); break;
        case 'Z': o.resume = optarg; break;
        case 'F': o.force = 1; break;
        default: cli_bad_option(argv);
        }
    }
    if (optind < argc)
        cli_die("unexpected argument: %s (try --help)", argv[optind]);
    if (o.resume && (o.out || o.recipe || o.quick || o.nsets || o.updates || o.seed || o.threads || o.speed ||
                     o.batch))
        cli_die("--resume takes every setting from DIR/state.npz; only --report and --state-every may be given");
    if (o.resume && o.force)
        cli_die("--resume continues the run in DIR, --force replaces it: give one of them");
    if (o.resume)
        o.out = o.resume;
    if (!o.out)
        cli_die("--out DIR is required (try --help)");
    return o;
}

/* The run's config: recipe, --quick, the options, then every --set. */
static void configure(hdnet_config *cfg, const options *o)
{
    if (hdnet_config_set_recipe(cfg, o->recipe) != HDNET_OK)
        cli_die("unknown recipe (paper, reference, matlab): %s", o->recipe);
    if (o->quick)
        apply_quick(cfg);
    if (o->updates)
        cli_check("--updates", hdnet_config_set_int(cfg, HDNET_P_UPDATES,
                                                    (int64_t)cli_uint("--updates", o->updates, 0, 1000000000)));
    if (o->seed)
        cli_check("--seed", hdnet_config_set_int(cfg, HDNET_P_SEED,
                                                 (int64_t)cli_uint("--seed", o->seed, 0, (uint64_t)1 << 53)));
    int64_t threads = o->threads ? (int64_t)cli_uint("--threads", o->threads, 1, 256) : cli_default_threads();
    cli_check("--threads", hdnet_config_set_int(cfg, HDNET_P_THREADS, threads));
    if (o->speed)
        cli_check("--speed", hdnet_config_set_double(cfg, HDNET_P_SPEED, cli_double("--speed", o->speed)));
    if (o->batch) {
        if (strcmp(o->batch, "fixed") != 0 && strcmp(o->batch, "fresh") != 0)
            cli_die("--batch must be fixed or fresh, got '%s'", o->batch);
        cli_check("--batch", hdnet_config_set(cfg, "batch_mode", o->batch));
    }
    for (size_t i = 0; i < o->nsets; i++)
        cli_set(NULL, cfg, CLI_SET_ANY, o->sets[i]);
}

/* The files a run writes into its directory. */
static int is_run_file(const char *name)
{
    static const char *const files[] = {"model.npz", "state.npz", "meta.json", "train_log.csv", "checkpoints.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        if (strcmp(name, files[i]) == 0)
            return 1;
    size_t n = strlen(name);
    return strncmp(name, "ckpt_", 5) == 0 && n > 9 && strcmp(name + n - 4, ".npz") == 0;
}

/* A new run into dir (locked): refused when dir holds a run, unless --force, which
 * deletes that run's files first (other files stay). */
static void claim_dir(const char *dir, int force)
{
    DIR *d = opendir(dir);
    if (!d)
        cli_die("cannot read directory %s: %s", dir, strerror(errno));
    size_t found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_run_file(e->d_name))
            continue;
        if (!force) {
            char name[256];
            snprintf(name, sizeof name, "%s", e->d_name); /* closedir frees the entry */
            closedir(d);
            cli_die("%s holds a run (%s); continue it with --resume %s, or replace it with --force", dir, name, dir);
        }
        char *p = cli_path(dir, e->d_name);
        if (unlink(p) != 0)
            cli_die("--force: cannot delete %s: %s", p, strerror(errno));
        free(p);
        found++;
    }
    closedir(d);
    if (found)
        cli_warn("--force: deleted the %zu file(s) of the previous run in %s", found, dir);
}

int main(int argc, char **argv)
{
    options o = parse(argc, argv);
    char recipe[64] = "paper";
    hdnet_config *cfg;
    cli_check("config", hdnet_config_create(&cfg));
    if (o.resume) {
        train_resume_config(o.out, cfg, recipe, sizeof recipe);
    } else {
        if (o.recipe)
            snprintf(recipe, sizeof recipe, "%s", o.recipe);
        o.recipe = recipe;
        configure(cfg, &o);
    }
    free(o.sets);
    train_check_memory(cfg); /* before --force deletes anything */
    if (o.resume) {
        cli_lock_dir(o.out);
    } else {
        cli_mkdirs(o.out);
        cli_lock_dir(o.out);
        claim_dir(o.out, o.force);
    }
    cli_remove_stale_temps(o.out);
    train_options to = {o.out, recipe, o.quick, o.resume != NULL, o.report, o.state_every, argc, argv};
    int status = train_run(cfg, &to);
    hdnet_config_free(cfg);
    return status;
}
