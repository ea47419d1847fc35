/* One run of a sweep: claim its index, train (resuming from state.npz),
 * evaluate, analyse, and publish its directory with one rename. */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_EVERY_S 2.0 /* progress.txt refresh for the status view */

void sweep_run_path(const sweep_plan *p, size_t i, const char *kind, char *buf, size_t cap)
{
    char name[32];
    sweep_run_name(i, name, sizeof name);
    snprintf(buf, cap, "%s/runs/%s%s", p->out, name, kind);
}

int sweep_prepare_out(const sweep_plan *p, char *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/runs", p->out);
    if (sweep_mkdirs(path, err))
        return -1;
    /* the plan's identity: every setting that shapes a run, and the listing */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return sweep_fail(err, "out of memory");
    fprintf(f, "# the plan of this sweep directory (hdnet-sweep): the settings of the training runs\n"
               "# and their listing; runs are only added to it by the same plan (more seeds).\n"
               "# Analysis settings may change: finished runs are then re-analysed.\n");
    fprintf(f, "recipe=%s\n", p->recipe);
    for (size_t k = 0; k < p->n_base; k++)
        fprintf(f, "%s=%s\n", p->base[k].name, p->base[k].value);
    fprintf(f, "sweep.test_trials=%zu\n", p->test_trials);
    sweep_plan_print(p, f);
    if (fclose(f) != 0) {
        free(text);
        return sweep_fail(err, "out of memory");
    }
    snprintf(path, sizeof path, "%s/plan.txt", p->out);
    int rc = 0;
    size_t old_len;
    char *old = sweep_read_file(path, &old_len, NULL);
    if (!old) {
        /* first use: write a private copy, then link it into place (fails if another process won) */
        char tmp[4300];
        snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
        rc = sweep_write_atomic(tmp, text, len, err);
        if (!rc && link(tmp, path) != 0 && errno != EEXIST)
            rc = sweep_fail(err, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        if (!rc)
            old = sweep_read_file(path, &old_len, err);
        if (!rc && !old)
            rc = -1;
    }
    /* one listing must extend the other: more seeds (plan.txt is updated; the old runs
     * keep their indices) or fewer (the runs of the other seeds stay, unused) */
    if (!rc && memcmp(old, text, old_len < len ? old_len : len) != 0)
        rc = sweep_fail(err, "%s holds the runs of another plan (%s differs); give another sweep.out or --out",
                        p->out, path);
    if (!rc && old_len < len)
        rc = sweep_write_atomic(path, text, len, err);
    free(old);
    free(text);
    return rc;
}

/* ---- the lock of a run index ---- */

/* fd of the held lock, -2 when another process holds it, -1 on error. */
static int take_lock(const char *path, char *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return sweep_fail(err, "cannot open %s: %s", path, strerror(errno));
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        int e = errno;
        close(fd);
        if (e == EACCES || e == EAGAIN)
            return -2;
        return sweep_fail(err, "cannot lock %s: %s", path, strerror(e));
    }
    return fd;
}

/* The lock file of a finished run goes before the lock is released: a process
 * that opened it meanwhile re-checks after locking and finds the run finished.
 * Other lock files stay, so that two processes never lock two different files
 * for the same index. */
static void release_lock(int fd, const char *path, int finished)
{
    if (finished)
        unlink(path);
    close(fd);
}

int sweep_run_record_failure(const sweep_plan *p, size_t i, const char *error, char *err)
{
    char path[4200], name[32];
    sweep_run_path(p, i, ".failed", path, sizeof path);
    sweep_run_name(i, name, sizeof name);
    sweep_record r;
    sweep_record_init(&r);
    int rc = sweep_record_num(&r, "index", (double)i) || sweep_record_str(&r, "name", name) ||
             sweep_record_str(&r, "status", "failed") || sweep_record_str(&r, "error", error);
    rc = rc ? sweep_fail(err, "out of memory") : sweep_record_save(&r, path, err);
    sweep_record_clear(&r);
    return rc;
}

/* ---- training ---- */

typedef struct {
    const sweep_run_opts *o;
    hdnet_trainer *tr;
    char state_path[4300], progress_path[4300];
    size_t state_every, total, last;
    double last_progress, elapsed;
    int save_failed;
} train_ctx;

static void write_progress(train_ctx *c, size_t u)
{
    char text[160];
    int n = snprintf(text, sizeof text, "update=%zu\ntotal=%zu\nelapsed_seconds=%.1f\n", u, c->total, c->elapsed);
    sweep_write_atomic(c->progress_path, text, (size_t)n, NULL); /* advisory: a failure only dims the view */
}

static void save_state(train_ctx *c)
{
    if (hdnet_trainer_save_state(c->tr, c->state_path) != HDNET_OK && !c->save_failed) {
        fprintf(stderr, "hdnet-sweep: cannot save %s: %s\n", c->state_path, hdnet_errmsg());
        c->save_failed = 1;
    }
}

static int on_progress(const hdnet_progress *pr, void *user)
{
    train_ctx *c = user;
    const size_t u = hdnet_progress_update(pr);
    c->last = u;
    c->elapsed = hdnet_progress_elapsed(pr);
    if (u >= c->total)
        return 0;
    if ((c->o->stop_flag && *c->o->stop_flag) || (c->o->stop_after && u >= c->o->stop_after))
        return 1; /* the caller saves the state after this pass */
    if (c->state_every && u > 0 && u % c->state_every == 0) {
        save_state(c);
        write_progress(c, u);
        c->last_progress = sweep_now();
    } else if (sweep_now() - c->last_progress >= PROGRESS_EVERY_S) {
        write_progress(c, u);
        c->last_progress = sweep_now();
    }
    return 0;
}

typedef struct {
    hdnet_config *cfg;
    hdnet_aparams *ap;
    hdnet_net *net, *untrained, *best;
    hdnet_trainer *tr;
} run_objects;

static void free_objects(run_objects *r)
{
    hdnet_trainer_free(r->tr);
    hdnet_net_free(r->net);
    hdnet_net_free(r->untrained);
    hdnet_net_free(r->best);
    hdnet_config_free(r->cfg);
    hdnet_aparams_free(r->ap);
}

#define LIB_FAIL(what) sweep_fail(rerr, "%s: %s (%s)", what, hdnet_strerror(rc), hdnet_errmsg())

/* Test normalized error on n noise-free trials of T steps from the test stream (as hdnet-train). */
static int test_error(const hdnet_net *best, const hdnet_config *cfg, size_t n, size_t T, double *ne)
{
    int64_t seed, task_rng;
    uint64_t test_seed;
    hdnet_config *tcfg;
    int rc = hdnet_config_get_int(cfg, HDNET_P_SEED, &seed);
    if (!rc)
        rc = hdnet_config_get_int(cfg, HDNET_P_TASK_RNG, &task_rng);
    if (!rc)
        rc = hdnet_stream_seed((uint64_t)seed, HDNET_STREAM_TEST, &test_seed);
    if (rc)
        return rc;
    if (task_rng == HDNET_RNG_NUMPY)
        test_seed &= 0xffffffffu;
    if ((rc = hdnet_config_clone(cfg, &tcfg)))
        return rc;
    rc = hdnet_config_set_int(tcfg, HDNET_P_STEPS, (int64_t)T);
    if (!rc)
        rc = hdnet_net_evaluate(best, tcfg, n, test_seed, ne);
    hdnet_config_free(tcfg);
    return rc;
}

/* The analysis of the plan on r's networks, after its id, into rec. */
static int analyse_into(const sweep_plan *p, size_t i, const run_objects *r, const char *dir, sweep_record *rec,
                        char *rerr)
{
    const sweep_analysis *an = sweep_analysis_find(p->analysis);
    sweep_subject subj = {p, i, r->cfg, r->ap, r->best, r->untrained, dir};
    if (!an)
        return sweep_fail(rerr, "unknown analysis '%s'", p->analysis);
    if (sweep_record_str(rec, "analysis_id", p->analysis_id))
        return sweep_fail(rerr, "out of memory");
    return an->fn(&subj, rec, rerr);
}

/* The network of run i before training: the init stream of its seed, as the trainer's. */
static int untrained_net(const hdnet_config *cfg, hdnet_net **out)
{
    int64_t seed;
    hdnet_rng *init = NULL;
    int rc = hdnet_config_get_int(cfg, HDNET_P_SEED, &seed);
    if (!rc)
        rc = hdnet_stream_create(&init, (uint64_t)seed, HDNET_STREAM_INIT);
    if (!rc)
        rc = hdnet_net_create(out, cfg, init);
    hdnet_rng_free(init);
    return rc;
}

/* 1 when finished run i was analysed with other settings than the plan's. */
static int is_stale(const sweep_plan *p, size_t i)
{
    char path[4300];
    sweep_record r;
    sweep_run_path(p, i, "/result.txt", path, sizeof path);
    if (sweep_record_load(&r, path, NULL))
        return 0; /* unreadable: left as it is (collect reports it) */
    const char *id = sweep_record_get(&r, "analysis_id");
    int stale = !id || strcmp(id, p->analysis_id) != 0;
    sweep_record_clear(&r);
    return stale;
}

/* Analyse finished run i again from its model.npz (no retraining): its training
 * values and time are kept, the analysis' are replaced. SWEEP_RUN_DONE or
 * SWEEP_RUN_FAILED (rerr says why; result.txt is then unchanged). */
static int reanalyse(const sweep_plan *p, size_t i, const char *final, char *rerr)
{
    static const char *const kept[] = {"index", "name", "status", "best_update", "selection_ne", "ne500", "ne1000"};
    const double t0 = sweep_now(), cpu0 = sweep_cpu_now();
    run_objects r;
    memset(&r, 0, sizeof r);
    sweep_record old, rec;
    sweep_record_init(&old);
    sweep_record_init(&rec);
    char path[4300];
    int status = SWEEP_RUN_FAILED, rc;
    snprintf(path, sizeof path, "%s/result.txt", final);
    if (sweep_record_load(&old, path, rerr) || sweep_plan_config(p, i, &r.cfg, &r.ap, rerr))
        goto out;
    snprintf(path, sizeof path, "%s/model.npz", final);
    if ((rc = hdnet_net_load(&r.best, path)) || (rc = untrained_net(r.cfg, &r.untrained))) {
        LIB_FAIL("re-analysis: network");
        goto out;
    }
    for (size_t k = 0; k < sizeof kept / sizeof *kept; k++) {
        const char *v = sweep_record_get(&old, kept[k]);
        if (v && sweep_record_str(&rec, kept[k], v)) {
            sweep_fail(rerr, "out of memory");
            goto out;
        }
    }
    if (analyse_into(p, i, &r, final, &rec, rerr))
        goto out;
    const char *train_s = sweep_record_get(&old, "train_seconds");
    if ((train_s && sweep_record_str(&rec, "train_seconds", train_s)) ||
        sweep_record_num(&rec, "analysis_seconds", sweep_now() - t0) ||
        sweep_record_num(&rec, "process_seconds", sweep_now() - t0) ||
        sweep_record_num(&rec, "cpu_seconds", sweep_cpu_now() - cpu0)) {
        sweep_fail(rerr, "out of memory");
        goto out;
    }
    snprintf(path, sizeof path, "%s/result.txt", final);
    if (sweep_record_save(&rec, path, rerr))
        goto out;
    status = SWEEP_RUN_DONE;
out:
    free_objects(&r);
    sweep_record_clear(&old);
    sweep_record_clear(&rec);
    return status;
}

/* Train and analyse run i in directory tmp. Returns SWEEP_RUN_DONE (result.txt
 * written), SWEEP_RUN_STOPPED or SWEEP_RUN_FAILED (rerr says why). */
static int train_and_analyse(const sweep_plan *p, size_t i, const sweep_run_opts *o, const char *tmp, char *rerr)
{
    run_objects r;
    memset(&r, 0, sizeof r);
    sweep_record rec;
    sweep_record_init(&rec);
    train_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.state_every = p->state_every;
    c.last_progress = sweep_now();
    snprintf(c.state_path, sizeof c.state_path, "%s/state.npz", tmp);
    snprintf(c.progress_path, sizeof c.progress_path, "%s/progress.txt", tmp);
    const double t0 = sweep_now(), cpu0 = sweep_cpu_now();
    int status = SWEEP_RUN_FAILED, rc;
    int64_t U, seed;
    hdnet_rng *init = NULL;
    char path[4300];

    if (sweep_plan_config(p, i, &r.cfg, &r.ap, rerr))
        goto out;
    if ((rc = hdnet_config_get_int(r.cfg, HDNET_P_UPDATES, &U)) || (rc = hdnet_config_get_int(r.cfg, HDNET_P_SEED, &seed))) {
        LIB_FAIL("config");
        goto out;
    }
    c.total = (size_t)U;
    {
        size_t len = 0;
        char *text = NULL;
        rc = hdnet_config_to_string(r.cfg, NULL, 0, &len);
        if ((rc == HDNET_OK || rc == HDNET_ESHAPE) && (text = malloc(len + 1)))
            rc = hdnet_config_to_string(r.cfg, text, len + 1, &len);
        snprintf(path, sizeof path, "%s/config.txt", tmp);
        if (!text || rc || sweep_write_atomic(path, text, len, rerr)) {
            free(text);
            if (!text || rc)
                sweep_fail(rerr, "config.txt: cannot write the config");
            goto out;
        }
        free(text);
    }
    if ((rc = hdnet_stream_create(&init, (uint64_t)seed, HDNET_STREAM_INIT)) ||
        (rc = hdnet_net_create(&r.net, r.cfg, init)) || (rc = hdnet_net_clone(r.net, &r.untrained)) ||
        (rc = hdnet_trainer_create(&r.tr, r.cfg, r.net))) {
        LIB_FAIL("network");
        goto out;
    }
    c.tr = r.tr;
    if (sweep_exists(c.state_path) && (rc = hdnet_trainer_load_state(r.tr, c.state_path))) {
        LIB_FAIL("cannot resume from state.npz");
        goto out;
    }
    const size_t first = hdnet_trainer_next_pass(r.tr);
    if (first > 0 && !o->quiet) {
        char name[32];
        sweep_run_name(i, name, sizeof name);
        printf("%s: resuming at update %zu of %zu\n", name, first, c.total);
        fflush(stdout);
    }
    if ((rc = hdnet_trainer_set_progress(r.tr, on_progress, &c, 1))) {
        LIB_FAIL("progress");
        goto out;
    }
    if (first <= c.total) {
        rc = hdnet_trainer_run(r.tr);
        if (rc == HDNET_ECANCELED) {
            save_state(&c);
            write_progress(&c, c.last);
            sweep_fail(rerr, "stopped after update %zu of %zu", c.last, c.total);
            status = SWEEP_RUN_STOPPED;
            goto out;
        }
        if (rc) {
            LIB_FAIL(rc == HDNET_EDIVERGED ? "training diverged" : "training");
            goto out;
        }
        save_state(&c); /* an interruption during the analysis does not retrain */
    }
    const double t_train = sweep_now();
    double sel_ne, ne500, ne1000;
    size_t best_update;
    if ((rc = hdnet_trainer_best(r.tr, &sel_ne, &best_update)) || (rc = hdnet_trainer_clone_best(r.tr, &r.best))) {
        LIB_FAIL("best network");
        goto out;
    }
    snprintf(path, sizeof path, "%s/model.npz", tmp);
    if ((rc = hdnet_net_save(r.best, path))) {
        LIB_FAIL("model.npz");
        goto out;
    }
    if ((rc = test_error(r.best, r.cfg, p->test_trials, 500, &ne500)) ||
        (rc = test_error(r.best, r.cfg, p->test_trials, 1000, &ne1000))) {
        LIB_FAIL("test error");
        goto out;
    }
    char name[32];
    sweep_run_name(i, name, sizeof name);
    if (sweep_record_num(&rec, "index", (double)i) || sweep_record_str(&rec, "name", name) ||
        sweep_record_str(&rec, "status", "done") ||
        sweep_record_num(&rec, "best_update", (double)best_update) ||
        sweep_record_num(&rec, "selection_ne", sel_ne) || sweep_record_num(&rec, "ne500", ne500) ||
        sweep_record_num(&rec, "ne1000", ne1000)) {
        sweep_fail(rerr, "out of memory");
        goto out;
    }
    if (analyse_into(p, i, &r, tmp, &rec, rerr))
        goto out;
    const double t_end = sweep_now();
    if (sweep_record_num(&rec, "train_seconds", c.elapsed) ||
        sweep_record_num(&rec, "analysis_seconds", t_end - t_train) ||
        sweep_record_num(&rec, "process_seconds", t_end - t0) ||
        sweep_record_num(&rec, "cpu_seconds", sweep_cpu_now() - cpu0)) {
        sweep_fail(rerr, "out of memory");
        goto out;
    }
    snprintf(path, sizeof path, "%s/result.txt", tmp);
    if (sweep_record_save(&rec, path, rerr))
        goto out;
    status = SWEEP_RUN_DONE;
out:
    hdnet_rng_free(init);
    free_objects(&r);
    sweep_record_clear(&rec);
    return status;
}

int sweep_run_index(const sweep_plan *p, size_t i, const sweep_run_opts *o, char *err)
{
    if (i >= p->n_runs)
        return sweep_fail(err, "index %zu outside the plan (0..%zu)", i, p->n_runs - 1);
    char final[4200], tmp[4200], lock[4200], failed[4200], name[32];
    sweep_run_path(p, i, "", final, sizeof final);
    sweep_run_path(p, i, ".tmp", tmp, sizeof tmp);
    sweep_run_path(p, i, ".lock", lock, sizeof lock);
    sweep_run_path(p, i, ".failed", failed, sizeof failed);
    sweep_run_name(i, name, sizeof name);
    if (sweep_exists(final) && !is_stale(p, i))
        return SWEEP_RUN_SKIPPED;
    int fd = take_lock(lock, err);
    if (fd == -2)
        return SWEEP_RUN_BUSY;
    if (fd < 0)
        return -1;
    int status;
    char rerr[SWEEP_ERR] = "";
    if (sweep_exists(final)) {
        status = is_stale(p, i) ? reanalyse(p, i, final, rerr) : SWEEP_RUN_SKIPPED;
        if (status == SWEEP_RUN_FAILED)
            fprintf(stderr, "hdnet-sweep: %s: re-analysis failed (result.txt unchanged): %s\n", name, rerr);
    } else if (sweep_exists(failed) && !o->retry_failed) {
        status = SWEEP_RUN_PREV_FAILED;
    } else {
        unlink(failed);
        if (sweep_mkdirs(tmp, rerr))
            status = SWEEP_RUN_FAILED;
        else
            status = train_and_analyse(p, i, o, tmp, rerr);
        if (status == SWEEP_RUN_DONE) {
            char state[4300];
            snprintf(state, sizeof state, "%s/state.npz", tmp);
            if (!p->keep_state)
                unlink(state);
            if (rename(tmp, final) != 0) {
                sweep_fail(rerr, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
                status = SWEEP_RUN_FAILED;
            }
        }
        if (status == SWEEP_RUN_FAILED && sweep_run_record_failure(p, i, rerr, err)) {
            release_lock(fd, lock, 0);
            return -1;
        }
    }
    if (!o->quiet) {
        if (status == SWEEP_RUN_DONE)
            printf("%s: done\n", name);
        else if (status == SWEEP_RUN_FAILED)
            printf("%s: failed: %s\n", name, rerr);
        else if (status == SWEEP_RUN_STOPPED)
            printf("%s: %s (resumable)\n", name, rerr);
        fflush(stdout);
    }
    release_lock(fd, lock, status == SWEEP_RUN_DONE || status == SWEEP_RUN_SKIPPED);
    return status;
}
