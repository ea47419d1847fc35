/* One training run as hdnet-train performs it (see train_run.h). */
#include "train_run.h"
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        cli_warn("cannot save %s: %s (%s)", st->state_path, hdnet_strerror(rc), hdnet_errmsg());
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
    if (st->state_every && u % st->state_every == 0 && u < U && !cli_stop_signal)
        save_state(st);
    return cli_stop_signal != 0;
}

/* A config value as JSON: a number when the text is one (inf and NaN are not JSON
 * numbers: strings), else a string (enumerated values). */
static void json_value(FILE *f, const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (end != text && *end == '\0' && isfinite(v) && text[0] != ' ')
        fputs(text, f);
    else
        cli_json_string(f, text);
}

/* Write the config as a JSON object (name -> number, or value name as a string). */
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
        cli_json_string(f, line);
        fputs(": ", f);
        json_value(f, eq + 1);
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
    char error[512];    /* why a failed run failed (empty otherwise) */
    uint64_t seed, task_seed, test_seed;
    double wall, train_seconds, best_ne, ne500, ne1000;
    size_t best_update, updates_done;
    long resumed_from; /* first pass of this process after --resume, or -1 */
    int argc;
    char **argv;
    size_t updates_total;
} meta_info;

static void write_meta(const char *dir, const hdnet_config *cfg, const meta_info *mi)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        cli_warn("cannot write %s", tmp);
        return;
    }
    fputs("{\n  \"program\": ", f);
    cli_json_string(f, cli_prog);
    fputs(",\n  \"command\": [", f);
    for (int i = 0; i < mi->argc; i++) {
        if (i)
            fputs(", ", f);
        cli_json_string(f, mi->argv[i]);
    }
    fputs("],\n  \"library_version\": ", f);
    cli_json_string(f, hdnet_version_string());
    fputs(",\n  \"header_version\": \"" HDNET_VERSION_STRING "\",\n  \"recipe\": ", f);
    cli_json_string(f, mi->recipe);
    fputs(",\n  \"status\": ", f);
    cli_json_string(f, mi->status);
    if (mi->error[0]) {
        fputs(",\n  \"error\": ", f);
        cli_json_string(f, mi->error);
    }
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
        cli_warn("cannot write %s", path);
}

static FILE *open_out(const char *dir, const char *name, const char *header)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_die("cannot create %s", path);
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
        cli_die("cannot create %s", tmp);
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
        cli_die("cannot write %s", path);
    }
    return out;
}

/* The config a state file was saved with (its train_config member). */
static void state_config(const char *path, hdnet_config *cfg)
{
    hdnet_npz *z;
    int rc = hdnet_npz_load(&z, path);
    if (rc) {
        cli_die("cannot resume from %s: %s (%s)", path, hdnet_strerror(rc), hdnet_errmsg());
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
        cli_die("%s is not a training state file: %s", path, hdnet_strerror(rc));
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


void train_resume_config(const char *dir, hdnet_config *cfg, char *recipe, size_t recipe_cap)
{
    char *state = cli_path(dir, "state.npz");
    state_config(state, cfg);
    free(state);
    meta_recipe(dir, recipe, recipe_cap);
}

/* The run's settings and seeds as meta.json records them; prints the run's header. */
static meta_info run_info(const hdnet_config *cfg, const train_options *o, int64_t *updates)
{
    int64_t seed, B, T, K, task_rng;
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_UPDATES, updates));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_SEED, &seed));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_TRIALS, &B));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_STEPS, &T));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_THREADS, &K));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_TASK_RNG, &task_rng));
    meta_info mi = {o->recipe, "running", "", (uint64_t)seed, 0, 0, 0, NAN, NAN, NAN, NAN, 0, 0, -1, o->argc, o->argv,
                    (size_t)*updates};
    if (task_rng == HDNET_RNG_NUMPY)
        mi.task_seed = mi.seed;
    else
        cli_check("seed", hdnet_stream_seed(mi.seed, HDNET_STREAM_TASK, &mi.task_seed));
    cli_check("seed", hdnet_stream_seed(mi.seed, HDNET_STREAM_TEST, &mi.test_seed));
    if (task_rng == HDNET_RNG_NUMPY)
        mi.test_seed &= 0xffffffffu;
    printf("%s: recipe %s%s, %lld updates of %lld trials x %lld steps, seed %llu, %lld thread(s), library %s\n",
           cli_prog, o->recipe, o->quick ? " (quick)" : "", (long long)*updates, (long long)B, (long long)T,
           (unsigned long long)mi.seed, (long long)K, hdnet_version_string());
    char *safe = cli_safe(o->dir);
    printf("%s: resolved configuration and seeds in %s/meta.json\n", cli_prog, safe);
    free(safe);
    return mi;
}

static const char log_header[] = "update,loss,loss_main,loss_rate,grad_norm,clip_factor,"
                                 "lr,rate_l2,normalized_error,elapsed_s\n";
static const char ckpt_header[] = "update,normalized_error,scheduled\n";

/* The logs: new, or those of the stopped run without the rows after its state. */
static void open_logs(run_state *st, const train_options *o, meta_info *mi)
{
    if (!o->resume) {
        st->log = open_out(o->dir, "train_log.csv", log_header);
        st->ckpt = open_out(o->dir, "checkpoints.csv", ckpt_header);
        return;
    }
    int rc = hdnet_trainer_load_state(st->tr, st->state_path);
    if (rc)
        cli_die("cannot resume from %s: %s (%s)", st->state_path, hdnet_strerror(rc), hdnet_errmsg());
    const size_t next = hdnet_trainer_next_pass(st->tr);
    mi->resumed_from = (long)next;
    st->last_update = next - 1;
    printf("%s: resuming at update %zu of %lld from %s\n", cli_prog, next, (long long)mi->updates_total,
           st->state_path);
    st->log = reopen_log(o->dir, "train_log.csv", log_header, next - 1);
    st->ckpt = reopen_log(o->dir, "checkpoints.csv", ckpt_header, next - 1);
}

/* How the run ended: the exit status, and the status meta.json records. */
static int run_status(int rc, const char *dir, meta_info *mi)
{
    if (rc == HDNET_OK) {
        mi->status = "finished";
        return EXIT_SUCCESS;
    }
    if (rc == HDNET_ECANCELED) {
        mi->status = "interrupted";
        char *safe = cli_safe(dir);
        fprintf(stderr, "%s: %s; writing the best network so far (continue with --resume %s)\n", cli_prog,
                cli_stop_signal == SIGTERM ? "terminated" : "interrupted", safe);
        free(safe);
        return 128 + (cli_stop_signal ? (int)cli_stop_signal : SIGINT);
    }
    if (rc == HDNET_EDIVERGED) {
        mi->status = "failed";
        snprintf(mi->error, sizeof mi->error, "training diverged: %s", hdnet_errmsg());
        fprintf(stderr, "%s: %s; keeping the best network so far\n", cli_prog, mi->error);
        return EXIT_FAILURE;
    }
    cli_check("training", rc);
    return EXIT_FAILURE;
}

/* The best network: saved as model.npz and tested on 1000 noise-free trials of the
 * test stream, of 500 and of 1000 steps. */
static void finish(hdnet_trainer *tr, const hdnet_config *cfg, const char *dir, meta_info *mi)
{
    hdnet_net *best;
    cli_check("no network was evaluated", hdnet_trainer_best(tr, &mi->best_ne, &mi->best_update));
    cli_check("best network", hdnet_trainer_clone_best(tr, &best));
    char *path = cli_path(dir, "model.npz");
    cli_check("model.npz", hdnet_net_save(best, path));
    free(path);
    hdnet_config *tcfg;
    cli_check("config", hdnet_config_clone(cfg, &tcfg));
    cli_check("config", hdnet_config_set_int(tcfg, HDNET_P_STEPS, 500));
    cli_check("test", hdnet_net_evaluate(best, tcfg, 1000, mi->test_seed, &mi->ne500));
    cli_check("config", hdnet_config_set_int(tcfg, HDNET_P_STEPS, 1000));
    cli_check("test", hdnet_net_evaluate(best, tcfg, 1000, mi->test_seed, &mi->ne1000));
    hdnet_config_free(tcfg);
    hdnet_net_free(best);
    printf("best_update %zu\nselection_normalized_error %.6f\n", mi->best_update, mi->best_ne);
    printf("normalized_error %.6f\nnormalized_error_1000_steps %.6f\nwall_seconds %.1f\n", mi->ne500, mi->ne1000,
           mi->wall);
}

/* Stop with one line when the batches and the network's states for backpropagation
 * through time (largest batch, and the selection set) cannot fit in memory. */
void train_check_memory(const hdnet_config *cfg)
{
    int64_t N, B, B2, T, T0, S;
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_UNITS, &N));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_TRIALS, &B));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_BATCH_FINAL, &B2));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_STEPS, &T));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_CURRICULUM_STEPS, &T0));
    cli_check("config", hdnet_config_get_int(cfg, HDNET_P_SELECTION_TRIALS, &S));
    double b = (double)(B2 > B ? B2 : B), t = (double)(T0 > T ? T0 : T), n = (double)N;
    /* per trial and step: 7 task floats, and a, h, their gradients in the backward pass */
    double need = 4.0 * b * t * (7.0 + 4.0 * n) + 4.0 * (double)S * t * 7.0 + 4.0 * n * n * 8.0;
    cli_check_memory(need, "--set trials= / batch_final= / steps= / selection_trials= / units=");
}

/* The run cli_die() ends: meta.json records it as failed, with the message. */
static struct {
    const char *dir;
    const hdnet_config *cfg;
    meta_info *mi;
} dying;

static void record_failure(const char *message)
{
    if (!dying.mi)
        return;
    dying.mi->status = "failed";
    snprintf(dying.mi->error, sizeof dying.mi->error, "%s", message);
    write_meta(dying.dir, dying.cfg, dying.mi);
}

/* Exits unless dir is still the directory (device and inode) the run started in. */
static void check_dir_kept(const char *dir, const struct stat *at_start)
{
    struct stat now;
    if (stat(dir, &now) != 0 || now.st_dev != at_start->st_dev || now.st_ino != at_start->st_ino)
        cli_die("the output directory %s was removed or replaced during the run; its files are lost", dir);
}

int train_run(const hdnet_config *cfg, const train_options *o)
{
    int64_t U;
    struct stat dir_at_start;
    if (stat(o->dir, &dir_at_start) != 0)
        cli_die("cannot use %s: %s", o->dir, strerror(errno));
    meta_info mi = run_info(cfg, o, &U);
    train_check_memory(cfg);
    dying.dir = o->dir;
    dying.cfg = cfg;
    dying.mi = &mi;
    cli_on_die(record_failure);
    hdnet_rng *init;
    hdnet_net *net;
    hdnet_trainer *tr;
    cli_check("init stream", hdnet_stream_create(&init, mi.seed, HDNET_STREAM_INIT));
    cli_check("network", hdnet_net_create(&net, cfg, init));
    hdnet_rng_free(init);
    cli_check("trainer", hdnet_trainer_create(&tr, cfg, net));
    cli_check("checkpoint directory", hdnet_trainer_set_checkpoint_dir(tr, o->dir));
    run_state st = {NULL, NULL, isatty(fileno(stdout)), o->report, -1, NAN, 0, NAN, tr,
                    cli_path(o->dir, "state.npz"), o->state_every, 0};
    if (!st.report)
        st.report = U >= 20 ? (size_t)(U / 20) : 1;
    open_logs(&st, o, &mi);
    write_meta(o->dir, cfg, &mi);
    cli_check("progress", hdnet_trainer_set_progress(tr, on_progress, &st, 1));
    cli_catch_stop(); /* the progress callback then stops the trainer; the state is saved as at the end */

    const double t0 = cli_now();
    int rc = hdnet_trainer_next_pass(tr) > (size_t)U ? HDNET_OK : hdnet_trainer_run(tr);
    mi.wall = cli_now() - t0;
    if (st.tty)
        printf("\n");
    if (rc == HDNET_OK || rc == HDNET_ECANCELED)
        save_state(&st);
    cli_fclose(st.log, "train_log.csv");
    cli_fclose(st.ckpt, "checkpoints.csv");
    check_dir_kept(o->dir, &dir_at_start);
    int exit_code = run_status(rc, o->dir, &mi);
    finish(tr, cfg, o->dir, &mi);
    mi.updates_done = st.last_update;
    mi.train_seconds = st.elapsed;
    write_meta(o->dir, cfg, &mi);
    check_dir_kept(o->dir, &dir_at_start);
    cli_on_die(NULL);
    dying.mi = NULL;
    free((char *)st.state_path);
    hdnet_trainer_free(tr);
    hdnet_net_free(net);
    if (exit_code == EXIT_SUCCESS && st.state_failed)
        exit_code = EXIT_FAILURE; /* the run finished, but --resume would not find its state */
    return exit_code;
}
