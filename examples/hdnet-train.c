/* hdnet-train: train a head-direction network with a named recipe.
 *
 *   hdnet-train --out DIR [--recipe paper|reference] [--updates N] [--seed S]
 *               [--threads K] [--speed X] [--batch fixed|fresh] [--quick]
 *               [--set name=value]... [--report N] [--state-every N]
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
#include <hdnet/hdnet.h>
#include "common.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG "hdnet-train"

static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " --out DIR [options]\n"
            "Train a head-direction RNN (Cueva et al. 2020) and keep the best checkpoint.\n"
            "  -o, --out DIR          output directory (created if missing)\n"
            "  -r, --recipe NAME      paper (default: our recipe, NE <= 0.01) or reference\n"
            "                         (the PyTorch reference recipe, spec section 3.3)\n"
            "  -u, --updates N        optimiser updates (overrides the recipe)\n"
            "  -s, --seed S           master seed of every random stream (default 1)\n"
            "  -j, --threads K        worker threads (default 1)\n"
            "      --speed X          angular-velocity speed multiplier (default 1)\n"
            "      --batch MODE       fresh (default: new trials every update) or fixed\n"
            "                         (the same trials every update, as the PyTorch reference)\n"
            "  -q, --quick            short preset that learns in about a minute (make demo)\n"
            "      --set NAME=VALUE   set any parameter (repeatable; applied last)\n"
            "      --report N         with output piped, print a line every N updates\n"
            "      --state-every N    save DIR/state.npz every N updates (default 100; 0: only\n"
            "                         on Ctrl-C and at the end)\n"
            "      --resume DIR       continue the run in DIR from DIR/state.npz, bit for bit;\n"
            "                         every setting comes from the state file\n"
            "  -h, --help             this text\n"
            "Outputs in DIR: model.npz ckpt_<u>.npz train_log.csv checkpoints.csv meta.json\n"
            "state.npz. Prints 'normalized_error <v>' (1000 test trials x 500 steps) and\n"
            "'normalized_error_1000_steps <v>' for the best network. Ctrl-C stops early,\n"
            "still writes the outputs and the state for --resume.\n");
}

typedef struct {
    FILE *log, *ckpt;
    int tty;
    size_t report;
    double last_draw;
    double last_ne;
    size_t last_update;
    double elapsed; /* training seconds, over every process of a resumed run */
    hdnet_trainer *tr;
    const char *state_path;
    size_t state_every;
    int state_failed;
} run_state;

/* Save the trainer's state with the logs flushed first, so that a resumed run
 * finds every row up to the saved pass. A failure is reported once and training
 * goes on: the last good state file stays intact. */
static void save_state(run_state *st)
{
    fflush(st->log);
    fflush(st->ckpt);
    int rc = hdnet_trainer_save_state(st->tr, st->state_path);
    if (rc && !st->state_failed) {
        fprintf(stderr, PROG ": cannot save %s: %s (%s)\n", st->state_path, hdnet_strerror(rc),
                hdnet_errmsg());
        st->state_failed = 1;
    }
}

static void fmt_time(double s, char *buf, size_t cap)
{
    if (!(s >= 0) || s > 1e7) {
        snprintf(buf, cap, "--");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, cap, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else
        snprintf(buf, cap, "%ldm%02lds", t / 60, t % 60);
}

static void csv_num(FILE *f, double v, int last)
{
    if (isnan(v))
        fputs("nan", f);
    else
        fprintf(f, "%.9g", v);
    fputc(last ? '\n' : ',', f);
}

static int on_progress(const hdnet_progress *p, void *user)
{
    run_state *st = user;
    const size_t u = hdnet_progress_update(p), U = hdnet_progress_total(p);
    const double ne = hdnet_progress_normalized_error(p), el = hdnet_progress_elapsed(p);
    st->last_update = u;
    st->elapsed = el;
    fprintf(st->log, "%zu,", u);
    csv_num(st->log, hdnet_progress_loss(p, HDNET_LOSS_TOTAL), 0);
    csv_num(st->log, hdnet_progress_loss(p, HDNET_LOSS_MAIN), 0);
    csv_num(st->log, hdnet_progress_loss(p, HDNET_LOSS_RATE), 0);
    csv_num(st->log, hdnet_progress_grad_norm(p), 0);
    csv_num(st->log, hdnet_progress_clip_factor(p), 0);
    csv_num(st->log, hdnet_progress_lr(p), 0);
    csv_num(st->log, hdnet_progress_rate_l2(p), 0);
    csv_num(st->log, ne, 0);
    csv_num(st->log, el, 1);
    if (!isnan(ne)) {
        st->last_ne = ne;
        fprintf(st->ckpt, "%zu,%.9g,%d\n", u, ne, hdnet_progress_is_checkpoint(p));
        fflush(st->ckpt);
    }
    int show;
    if (st->tty)
        show = el - st->last_draw >= 0.25 || u == U || !isnan(ne);
    else
        show = u % st->report == 0 || u == U;
    if (show) {
        st->last_draw = el;
        double rate = el > 0 ? (double)(u + 1) / el : 0;
        char eta[32], elapsed[32];
        fmt_time(rate > 0 ? (double)(U - u) / rate : -1, eta, sizeof eta);
        fmt_time(el, elapsed, sizeof elapsed);
        char line[256];
        snprintf(line, sizeof line,
                 "update %zu/%zu  loss %.4g (main %.4g, rate %.3g)  NE %.4f best %.4f@%zu  "
                 "%.1f upd/s  %s elapsed  ETA %s",
                 u, U, hdnet_progress_loss(p, HDNET_LOSS_TOTAL), hdnet_progress_loss(p, HDNET_LOSS_MAIN),
                 hdnet_progress_loss(p, HDNET_LOSS_RATE), st->last_ne, hdnet_progress_best_ne(p),
                 hdnet_progress_best_update(p), rate, elapsed, eta);
        if (st->tty)
            printf("\r%-150s", line);
        else
            printf("%s\n", line);
        fflush(stdout);
    }
    if (u % 100 == 0)
        fflush(st->log);
    if (st->state_every && u % st->state_every == 0 && u < U && !interrupted)
        save_state(st);
    return interrupted != 0;
}

/* Write the config as a JSON object of strings (name -> value as text). */
static void json_config(FILE *f, const hdnet_config *cfg)
{
    size_t len = 0;
    if (hdnet_config_to_string(cfg, NULL, 0, &len) != HDNET_ESHAPE && len == 0) {
        fputs("{}", f);
        return;
    }
    char *s = malloc(len + 1);
    if (!s || hdnet_config_to_string(cfg, s, len + 1, &len) != HDNET_OK) {
        free(s);
        fputs("{}", f);
        return;
    }
    fputs("{", f);
    int first = 1;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (line[0] == '#' || !eq)
            continue;
        *eq = '\0';
        fputs(first ? "\n    " : ",\n    ", f);
        first = 0;
        ex_json_string(f, line);
        fputs(": ", f);
        ex_json_string(f, eq + 1);
    }
    fputs("\n  }", f);
    free(s);
}

static void json_num(FILE *f, const char *name, double v, int comma)
{
    fprintf(f, "  \"%s\": ", name);
    if (isfinite(v))
        fprintf(f, "%.9g", v);
    else
        fputs("null", f);
    fputs(comma ? ",\n" : "\n", f);
}

typedef struct {
    const char *recipe, *status;
    uint64_t seed, task_seed, test_seed;
    double wall, train_seconds, best_ne, ne500, ne1000;
    size_t best_update, updates_done;
    long resumed_from; /* first pass of this process after --resume, or -1 */
    int argc;
    char **argv;
} meta_info;

static void write_meta(const char *dir, const hdnet_config *cfg, const meta_info *mi)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, PROG ": cannot write %s\n", tmp);
        return;
    }
    fputs("{\n  \"program\": \"" PROG "\",\n  \"command\": [", f);
    for (int i = 0; i < mi->argc; i++) {
        if (i)
            fputs(", ", f);
        ex_json_string(f, mi->argv[i]);
    }
    fputs("],\n  \"library_version\": ", f);
    ex_json_string(f, hdnet_version_string());
    fputs(",\n  \"header_version\": \"" HDNET_VERSION_STRING "\",\n  \"recipe\": ", f);
    ex_json_string(f, mi->recipe);
    fputs(",\n  \"status\": ", f);
    ex_json_string(f, mi->status);
    fprintf(f, ",\n  \"seeds\": {\"master\": %llu, \"streams\": \"hdnet_stream_create(master, i): "
               "0 init, 1 task, 2 noise, 3 selection, 4 test\", \"task\": %llu, \"test\": %llu},\n",
            (unsigned long long)mi->seed, (unsigned long long)mi->task_seed,
            (unsigned long long)mi->test_seed);
    fprintf(f, "  \"last_update\": %zu,\n  \"best_update\": %zu,\n", mi->updates_done, mi->best_update);
    if (mi->resumed_from >= 0)
        fprintf(f, "  \"resumed_from_update\": %ld,\n", mi->resumed_from);
    json_num(f, "selection_normalized_error", mi->best_ne, 1);
    json_num(f, "test_normalized_error", mi->ne500, 1);
    json_num(f, "test_normalized_error_1000_steps", mi->ne1000, 1);
    json_num(f, "wall_seconds", mi->wall, 1);
    json_num(f, "training_seconds", mi->train_seconds, 1);
    fputs("  \"config\": ", f);
    json_config(f, cfg);
    fputs("\n}\n", f);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        fprintf(stderr, PROG ": cannot write %s\n", path);
}

static FILE *open_out(const char *dir, const char *name, const char *header)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROG ": cannot create %s\n", path);
        exit(EXIT_FAILURE);
    }
    fputs(header, f);
    return f;
}

/* Reopen a CSV log of a resumed run for appending, without the rows of passes
 * after `last` (written after the state was saved). Rows start with the update. */
static FILE *reopen_log(const char *dir, const char *name, const char *header, size_t last)
{
    char path[4200], tmp[4300], line[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    /* the kept rows go to a new file that replaces the log; it stays open for appending */
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fprintf(stderr, PROG ": cannot create %s\n", tmp);
        exit(EXIT_FAILURE);
    }
    fputs(header, out);
    FILE *in = fopen(path, "r");
    if (in) {
        int first = 1;
        while (fgets(line, sizeof line, in)) {
            char *end;
            unsigned long long u = strtoull(line, &end, 10);
            if (!first && end != line && *end == ',' && u <= last && strchr(line, '\n'))
                fputs(line, out);
            first = 0;
        }
        fclose(in);
    }
    if (fflush(out) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, PROG ": cannot write %s\n", path);
        exit(EXIT_FAILURE);
    }
    return out;
}

/* The config a state file was saved with (its train_config member). */
static void state_config(const char *path, hdnet_config *cfg)
{
    hdnet_npz *z;
    int rc = hdnet_npz_load(&z, path);
    if (rc) {
        fprintf(stderr, PROG ": cannot resume from %s: %s (%s)\n", path, hdnet_strerror(rc), hdnet_errmsg());
        exit(EXIT_FAILURE);
    }
    int dtype;
    size_t n, nd;
    char *text = NULL;
    rc = hdnet_npz_info(z, "train_config", &dtype, &n, 1, &nd);
    if (!rc && (dtype != HDNET_DTYPE_U8 || nd != 1))
        rc = HDNET_EFORMAT;
    if (!rc && !(text = malloc(n + 1)))
        rc = HDNET_ENOMEM;
    if (!rc)
        rc = hdnet_npz_read(z, "train_config", HDNET_DTYPE_U8, text, n);
    if (!rc)
        rc = hdnet_config_from_string(cfg, text, n);
    free(text);
    hdnet_npz_free(z);
    if (rc) {
        fprintf(stderr, PROG ": %s is not a training state file: %s\n", path, hdnet_strerror(rc));
        exit(EXIT_FAILURE);
    }
}

/* The recipe name recorded in DIR/meta.json by the first run ("unknown" if absent). */
static void meta_recipe(const char *dir, char *buf, size_t cap)
{
    char path[4200], text[8192];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    snprintf(buf, cap, "unknown");
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *key = "\"recipe\": \"", *at = strstr(text, key);
    if (!at)
        return;
    at += strlen(key);
    size_t len = strcspn(at, "\"");
    if (len > 0 && len < cap && at[len] == '"')
        snprintf(buf, cap, "%.*s", (int)len, at);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The --quick preset: a smaller problem that still clearly learns in about a minute:
 * 1500 updates of 32 trials of 200 steps (test NE about 0.2 on 500-step trials). */
static void apply_quick(hdnet_config *cfg)
{
    static const char *const quick[] = {
        "updates=1500", "trials=32",   "batch_final=0", "steps=200",          "curriculum_steps=0",
        "lr=0.003",     "warmup=50",   "lr_min=1e-4",   "lr_schedule=cosine", "selection_trials=200",
    };
    for (size_t i = 0; i < sizeof quick / sizeof *quick; i++)
        ex_check(PROG, quick[i], ex_set(cfg, quick[i]));
}

int main(int argc, char **argv)
{
    const char *out = NULL, *recipe = NULL, *batch = NULL, *resume = NULL;
    const char *updates = NULL, *seed_s = NULL, *threads = NULL, *speed = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    int quick = 0;
    uint64_t report = 0, state_every = 100;
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},     {"recipe", required_argument, NULL, 'r'},
        {"updates", required_argument, NULL, 'u'}, {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'j'}, {"speed", required_argument, NULL, 'S'},
        {"batch", required_argument, NULL, 'b'},   {"quick", no_argument, NULL, 'q'},
        {"set", required_argument, NULL, 'e'},     {"report", required_argument, NULL, 'R'},
        {"state-every", required_argument, NULL, 'E'}, {"resume", required_argument, NULL, 'Z'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c;
    if (!sets)
        ex_usage_error(PROG, "out of memory", NULL);
    opterr = 0; /* one line of our own on bad options */
    while ((c = getopt_long(argc, argv, "o:r:u:s:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'r': recipe = optarg; break;
        case 'u': updates = optarg; break;
        case 's': seed_s = optarg; break;
        case 'j': threads = optarg; break;
        case 'S': speed = optarg; break;
        case 'b': batch = optarg; break;
        case 'q': quick = 1; break;
        case 'e': sets[nsets++] = optarg; break;
        case 'R':
            if (ex_parse_u64(optarg, 1000000000, &report) || report == 0)
                ex_usage_error(PROG, "--report needs a positive integer", optarg);
            break;
        case 'E':
            if (ex_parse_u64(optarg, 1000000000, &state_every))
                ex_usage_error(PROG, "--state-every needs a non-negative integer", optarg);
            break;
        case 'Z': resume = optarg; break;
        case 'h': usage(stdout); return EXIT_SUCCESS;
        default: ex_usage_error(PROG, "unknown option or missing value", argv[optind - 1]);
        }
    }
    if (optind < argc)
        ex_usage_error(PROG, "unexpected argument", argv[optind]);
    if (resume && (out || recipe || quick || nsets || updates || seed_s || threads || speed || batch))
        ex_usage_error(PROG, "--resume takes every setting from DIR/state.npz; "
                             "only --report and --state-every may be given", NULL);
    if (resume)
        out = resume;
    if (!out)
        ex_usage_error(PROG, "--out DIR is required", NULL);
    char state_path[4200], recipe_buf[64];
    snprintf(state_path, sizeof state_path, "%s/state.npz", out);

    hdnet_config *cfg;
    ex_check(PROG, "config", hdnet_config_create(&cfg));
    if (resume) {
        state_config(state_path, cfg);
        meta_recipe(out, recipe_buf, sizeof recipe_buf);
        recipe = recipe_buf;
    } else {
        if (!recipe)
            recipe = "paper";
        if (hdnet_config_set_recipe(cfg, recipe) != HDNET_OK)
            ex_usage_error(PROG, "unknown recipe (paper, reference)", recipe);
    }
    if (quick)
        apply_quick(cfg);
    uint64_t v;
    double d;
    if (updates) {
        if (ex_parse_u64(updates, 1000000000, &v))
            ex_usage_error(PROG, "--updates needs a non-negative integer", updates);
        ex_check(PROG, "--updates", hdnet_config_set_int(cfg, HDNET_P_UPDATES, (int64_t)v));
    }
    if (seed_s) {
        if (ex_parse_u64(seed_s, (uint64_t)1 << 53, &v))
            ex_usage_error(PROG, "--seed needs an integer in [0, 2^53]", seed_s);
        ex_check(PROG, "--seed", hdnet_config_set_int(cfg, HDNET_P_SEED, (int64_t)v));
    }
    if (threads) {
        if (ex_parse_u64(threads, 256, &v) || v == 0)
            ex_usage_error(PROG, "--threads needs an integer in [1, 256]", threads);
        ex_check(PROG, "--threads", hdnet_config_set_int(cfg, HDNET_P_THREADS, (int64_t)v));
    }
    if (speed) {
        if (ex_parse_double(speed, &d) || hdnet_config_set_double(cfg, HDNET_P_SPEED, d) != HDNET_OK)
            ex_usage_error(PROG, "bad --speed", speed);
    }
    if (batch) {
        if (strcmp(batch, "fixed") != 0 && strcmp(batch, "fresh") != 0)
            ex_usage_error(PROG, "--batch must be fixed or fresh", batch);
        ex_check(PROG, "--batch", hdnet_config_set(cfg, "batch_mode", batch));
    }
    for (size_t i = 0; i < nsets; i++) {
        int rc = ex_set(cfg, sets[i]);
        if (rc) {
            fprintf(stderr, PROG ": --set %s: %s (%s)\n", sets[i], hdnet_strerror(rc), hdnet_errmsg());
            return EXIT_FAILURE;
        }
    }
    free(sets);
    if (ex_mkdir_p(out) != 0) {
        fprintf(stderr, PROG ": cannot create directory %s: %s\n", out, strerror(errno));
        return EXIT_FAILURE;
    }

    int64_t U, seed_i, B, T, K;
    ex_check(PROG, "config", hdnet_config_get_int(cfg, HDNET_P_UPDATES, &U));
    ex_check(PROG, "config", hdnet_config_get_int(cfg, HDNET_P_SEED, &seed_i));
    ex_check(PROG, "config", hdnet_config_get_int(cfg, HDNET_P_TRIALS, &B));
    ex_check(PROG, "config", hdnet_config_get_int(cfg, HDNET_P_STEPS, &T));
    ex_check(PROG, "config", hdnet_config_get_int(cfg, HDNET_P_THREADS, &K));
    int64_t task_rng;
    ex_check(PROG, "config", hdnet_config_get_int(cfg, HDNET_P_TASK_RNG, &task_rng));
    meta_info mi = {recipe, "running", (uint64_t)seed_i, 0, 0, 0, NAN, NAN, NAN, NAN, 0, 0, -1, argc, argv};
    if (task_rng == HDNET_RNG_NUMPY)
        mi.task_seed = mi.seed;
    else
        ex_check(PROG, "seed", hdnet_stream_seed(mi.seed, HDNET_STREAM_TASK, &mi.task_seed));
    ex_check(PROG, "seed", hdnet_stream_seed(mi.seed, HDNET_STREAM_TEST, &mi.test_seed));
    if (task_rng == HDNET_RNG_NUMPY)
        mi.test_seed &= 0xffffffffu;
    printf("%s: recipe %s%s, %lld updates of %lld trials x %lld steps, seed %llu, %lld thread(s), "
           "library %s\n", PROG, recipe, quick ? " (quick)" : "", (long long)U, (long long)B,
           (long long)T, (unsigned long long)mi.seed, (long long)K, hdnet_version_string());
    printf("%s: resolved configuration and seeds in %s/meta.json\n", PROG, out);

    hdnet_rng *init;
    hdnet_net *net;
    hdnet_trainer *tr;
    ex_check(PROG, "init stream", hdnet_stream_create(&init, mi.seed, HDNET_STREAM_INIT));
    ex_check(PROG, "network", hdnet_net_create(&net, cfg, init));
    hdnet_rng_free(init);
    ex_check(PROG, "trainer", hdnet_trainer_create(&tr, cfg, net));
    ex_check(PROG, "checkpoint directory", hdnet_trainer_set_checkpoint_dir(tr, out));
    run_state st = {NULL, NULL, isatty(fileno(stdout)), report ? (size_t)report : 0, -1, NAN, 0, NAN,
                    tr, state_path, (size_t)state_every, 0};
    if (!st.report)
        st.report = U >= 20 ? (size_t)(U / 20) : 1;
    static const char log_header[] = "update,loss,loss_main,loss_rate,grad_norm,clip_factor,"
                                     "lr,rate_l2,normalized_error,elapsed_s\n";
    static const char ckpt_header[] = "update,normalized_error,scheduled\n";
    if (resume) {
        int rc = hdnet_trainer_load_state(tr, state_path);
        if (rc) {
            fprintf(stderr, PROG ": cannot resume from %s: %s (%s)\n", state_path, hdnet_strerror(rc),
                    hdnet_errmsg());
            return EXIT_FAILURE;
        }
        const size_t next = hdnet_trainer_next_pass(tr);
        mi.resumed_from = (long)next;
        st.last_update = next - 1;
        printf("%s: resuming at update %zu of %lld from %s\n", PROG, next, (long long)U, state_path);
        st.log = reopen_log(out, "train_log.csv", log_header, next - 1);
        st.ckpt = reopen_log(out, "checkpoints.csv", ckpt_header, next - 1);
    } else {
        st.log = open_out(out, "train_log.csv", log_header);
        st.ckpt = open_out(out, "checkpoints.csv", ckpt_header);
    }
    write_meta(out, cfg, &mi);
    ex_check(PROG, "progress", hdnet_trainer_set_progress(tr, on_progress, &st, 1));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);

    const double t0 = now_s();
    int rc = hdnet_trainer_next_pass(tr) > (size_t)U ? HDNET_OK : hdnet_trainer_run(tr);
    mi.wall = now_s() - t0;
    if (st.tty)
        printf("\n");
    if (rc == HDNET_OK || rc == HDNET_ECANCELED)
        save_state(&st);
    fclose(st.log);
    fclose(st.ckpt);
    int exit_code = EXIT_SUCCESS;
    if (rc == HDNET_OK)
        mi.status = "finished";
    else if (rc == HDNET_ECANCELED) {
        mi.status = "interrupted";
        fprintf(stderr, PROG ": interrupted; writing the best network so far (continue with "
                        "--resume %s)\n", out);
        exit_code = 130;
    } else if (rc == HDNET_EDIVERGED) {
        mi.status = "diverged";
        fprintf(stderr, PROG ": training diverged: %s; keeping the best network so far\n", hdnet_errmsg());
        exit_code = EXIT_FAILURE;
    } else {
        ex_die(PROG, "training", rc);
    }
    hdnet_net *best;
    rc = hdnet_trainer_best(tr, &mi.best_ne, &mi.best_update);
    if (rc)
        ex_die(PROG, "no network was evaluated", rc);
    ex_check(PROG, "best network", hdnet_trainer_clone_best(tr, &best));
    {
        char path[4200];
        snprintf(path, sizeof path, "%s/model.npz", out);
        ex_check(PROG, "model.npz", hdnet_net_save(best, path));
    }
    /* the test streams: 1000 noise-free trials of 500 and of 1000 steps */
    hdnet_config *tcfg;
    ex_check(PROG, "config", hdnet_config_clone(cfg, &tcfg));
    ex_check(PROG, "config", hdnet_config_set_int(tcfg, HDNET_P_STEPS, 500));
    ex_check(PROG, "test", hdnet_net_evaluate(best, tcfg, 1000, mi.test_seed, &mi.ne500));
    ex_check(PROG, "config", hdnet_config_set_int(tcfg, HDNET_P_STEPS, 1000));
    ex_check(PROG, "test", hdnet_net_evaluate(best, tcfg, 1000, mi.test_seed, &mi.ne1000));
    hdnet_config_free(tcfg);
    mi.updates_done = st.last_update;
    mi.train_seconds = st.elapsed;
    printf("best_update %zu\nselection_normalized_error %.6f\n", mi.best_update, mi.best_ne);
    printf("normalized_error %.6f\nnormalized_error_1000_steps %.6f\nwall_seconds %.1f\n", mi.ne500,
           mi.ne1000, mi.wall);
    write_meta(out, cfg, &mi);
    hdnet_net_free(best);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
    return exit_code;
}
