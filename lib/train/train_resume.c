/* Saving and restoring a trainer's complete state, to resume an interrupted
 * run (include/hdnet/train.h, "resume"). The state file is a model file (the
 * network's members, so hdnet_net_load() reads it) plus members that model
 * loaders ignore:
 *   train_config    uint8 text   the trainer's config (must match on load)
 *   train_counters  int64 [6]    pass, state, have_best, best_update, format (1), P
 *   train_scalars   float64 [3]  rate_l2 (lambda_h for the next pass), best_ne, elapsed
 *   train_best      float32 [P]  the best parameters so far
 *   opt_state       uint8        hdnet_optim_get_state() bytes
 *   rng_noise       uint8        hdnet_rng_get_state() of the rate-noise stream
 *   rng_task        uint8        task generator state (seed, calls, streams)
 *   rng_task0       uint8        the curriculum task's state (only with a curriculum) */
#include "core/internal.h"
#include "model/net_priv.h"
#include "task/task_priv.h"
#include "train/train_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESUME_FORMAT 1
enum { C_PASS, C_STATE, C_HAVE_BEST, C_BEST_UPDATE, C_FORMAT, C_P, NCOUNT };
enum { S_RATE_L2, S_BEST_NE, S_ELAPSED, NSCALAR };

static int cfg_text(const hdnet_config *cfg, char **out)
{
    size_t len;
    int rc = hdnet_config_to_string(cfg, NULL, 0, &len);
    if (rc)
        return rc;
    char *t = malloc(len + 1);
    if (!t)
        return hdnet__error(HDNET_ENOMEM, "config text");
    rc = hdnet_config_to_string(cfg, t, len + 1, &len);
    if (rc) {
        free(t);
        return rc;
    }
    *out = t;
    return HDNET_OK;
}

/* The stored config text as this version writes it. Read over the defaults, a state saved
 * before a parameter existed resumes when the run leaves that parameter at its default. */
static int stored_cfg_text(const char *text, size_t len, char **out)
{
    hdnet_config *c = NULL;
    int rc = hdnet_config_create(&c);
    if (!rc && hdnet_config_from_string(c, text, len) != HDNET_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", hdnet_errmsg()); /* hdnet__error rewrites it */
        rc = hdnet__error(HDNET_EFORMAT, "state file's config (a newer version's?): %s", why);
    }
    if (!rc)
        rc = cfg_text(c, out);
    hdnet_config_free(c);
    return rc;
}

static int add_bytes(hdnet_npz *z, const char *name, size_t len, int (*get)(const void *, void *, size_t),
                     const void *obj)
{
    unsigned char *b = malloc(len ? len : 1);
    if (!b)
        return hdnet__error(HDNET_ENOMEM, "%s", name);
    int rc = get(obj, b, len);
    if (!rc)
        rc = hdnet_npz_add(z, name, HDNET_DTYPE_U8, b, &len, 1);
    free(b);
    return rc;
}

static int get_opt(const void *o, void *b, size_t n) { return hdnet_optim_get_state(o, b, n); }
static int get_rng(const void *o, void *b, size_t n) { return hdnet_rng_get_state(o, b, n); }
static int get_task(const void *o, void *b, size_t n) { return hdnet__task_get_state(o, b, n); }

static int build(const hdnet_trainer *tr, hdnet_npz *z)
{
    int rc = hdnet_net_save_npz(tr->net, z);
    char *text = NULL;
    if (!rc)
        rc = cfg_text(tr->cfg, &text);
    if (!rc)
        rc = hdnet_npz_add_text(z, "train_config", text);
    free(text);
    int64_t c[NCOUNT] = {(int64_t)tr->pass,      tr->state,     tr->have_best,
                         (int64_t)tr->best_update, RESUME_FORMAT, (int64_t)tr->P};
    double s[NSCALAR] = {tr->rate_l2, tr->best_ne, tr->elapsed};
    size_t nc = NCOUNT, ns = NSCALAR, np = tr->P;
    if (!rc)
        rc = hdnet_npz_add(z, "train_counters", HDNET_DTYPE_I64, c, &nc, 1);
    if (!rc)
        rc = hdnet_npz_add(z, "train_scalars", HDNET_DTYPE_F64, s, &ns, 1);
    if (!rc)
        rc = hdnet_npz_add(z, "train_best", HDNET_DTYPE_F32, hdnet__net_params_const(tr->best), &np, 1);
    if (!rc)
        rc = add_bytes(z, "opt_state", hdnet_optim_state_size(tr->opt), get_opt, tr->opt);
    if (!rc)
        rc = add_bytes(z, "rng_noise", hdnet_rng_state_size(tr->noise), get_rng, tr->noise);
    if (!rc)
        rc = add_bytes(z, "rng_task", hdnet__task_state_size(tr->task), get_task, tr->task);
    if (!rc && tr->task0)
        rc = add_bytes(z, "rng_task0", hdnet__task_state_size(tr->task0), get_task, tr->task0);
    return rc;
}

int hdnet_trainer_save_state(const hdnet_trainer *tr, const char *path)
{
    if (!tr || !path)
        return hdnet__error(HDNET_EINVAL, "tr or path is NULL");
    hdnet_npz *z;
    int rc = hdnet_npz_create(&z);
    if (rc)
        return rc;
    rc = build(tr, z);
    if (!rc)
        rc = hdnet_npz_save(z, path);
    hdnet_npz_free(z);
    return rc;
}

/* Read a 1-D member of exactly n elements (n = 0: any length, returned in *n). */
static int read_member(const hdnet_npz *z, const char *name, int dtype, void **out, size_t *n)
{
    int dt;
    size_t shape[HDNET_NPY_MAXDIM], nd;
    if (hdnet_npz_info(z, name, &dt, shape, HDNET_NPY_MAXDIM, &nd) != HDNET_OK)
        return hdnet__error(HDNET_EFORMAT, "state file has no member '%s'", name);
    if (nd != 1 || dt != dtype || (*n && shape[0] != *n))
        return hdnet__error(HDNET_EFORMAT, "state member '%s' has the wrong type or shape", name);
    *n = shape[0];
    void *b = malloc(*n * hdnet_dtype_size(dtype) + 1);
    if (!b)
        return hdnet__error(HDNET_ENOMEM, "%s", name);
    int rc = hdnet_npz_read(z, name, dtype, b, *n);
    if (rc) {
        free(b);
        return rc;
    }
    *out = b;
    return HDNET_OK;
}

int hdnet_trainer_load_state(hdnet_trainer *tr, const char *path)
{
    if (!tr || !path)
        return hdnet__error(HDNET_EINVAL, "tr or path is NULL");
    hdnet_npz *z = NULL;
    hdnet_net *net = NULL;
    hdnet_rng *noise = NULL;
    void *text = NULL, *cnt = NULL, *sc = NULL, *best = NULL, *ob = NULL, *nb = NULL, *tb = NULL,
         *t0b = NULL;
    char *mine = NULL, *theirs = NULL;
    size_t n;
    int rc = hdnet_npz_load(&z, path);
    if (!rc)
        rc = hdnet_net_load_npz(&net, z);
    /* the same run: config, dimensions */
    if (!rc && (n = 0, rc = read_member(z, "train_config", HDNET_DTYPE_U8, &text, &n)) == HDNET_OK &&
        (rc = stored_cfg_text(text, n, &theirs)) == HDNET_OK &&
        (rc = cfg_text(tr->cfg, &mine)) == HDNET_OK && strcmp(mine, theirs) != 0)
        rc = hdnet__error(HDNET_EFORMAT, "state file is from a run with another config");
    if (!rc && hdnet_net_num_params(net) != tr->P)
        rc = hdnet__error(HDNET_EFORMAT, "state file network has %zu parameters, trainer %zu",
                          hdnet_net_num_params(net), tr->P);
    if (!rc && (n = NCOUNT, rc = read_member(z, "train_counters", HDNET_DTYPE_I64, &cnt, &n)) == 0) {
        const int64_t *c = cnt;
        if (c[C_FORMAT] != RESUME_FORMAT)
            rc = hdnet__error(HDNET_ENOTSUP, "state format %lld", (long long)c[C_FORMAT]);
        else if (c[C_PASS] < 0 || (uint64_t)c[C_PASS] > tr->U + 1 || c[C_STATE] < ST_READY ||
                 c[C_STATE] > ST_DIVERGED || (c[C_HAVE_BEST] != 0 && c[C_HAVE_BEST] != 1) ||
                 c[C_BEST_UPDATE] < 0 || (uint64_t)c[C_BEST_UPDATE] > tr->U ||
                 (uint64_t)c[C_P] != tr->P)
            rc = hdnet__error(HDNET_EFORMAT, "state counters out of range");
    }
    if (!rc && (n = NSCALAR, rc = read_member(z, "train_scalars", HDNET_DTYPE_F64, &sc, &n)) == 0) {
        const double *s = sc;
        if (!isfinite(s[S_RATE_L2]) || s[S_RATE_L2] < 0 || !(s[S_ELAPSED] >= 0) ||
            (((const int64_t *)cnt)[C_HAVE_BEST] && !isfinite(s[S_BEST_NE])))
            rc = hdnet__error(HDNET_EFORMAT, "state scalars out of range");
    }
    if (!rc && (n = tr->P, rc = read_member(z, "train_best", HDNET_DTYPE_F32, &best, &n)) == 0)
        for (size_t k = 0; k < tr->P && !rc; k++)
            if (!isfinite(((const float *)best)[k]))
                rc = hdnet__error(HDNET_EFORMAT, "train_best is not finite");
    /* stage every stateful object on a copy, then commit */
    size_t n_ob = 0;
    if (!rc && (rc = read_member(z, "opt_state", HDNET_DTYPE_U8, &ob, &n_ob)) == 0 &&
        n_ob != hdnet_optim_state_size(tr->opt))
        rc = hdnet__error(HDNET_EFORMAT, "opt_state has %zu bytes", n_ob);
    if (!rc && (n = 0, rc = read_member(z, "rng_noise", HDNET_DTYPE_U8, &nb, &n)) == 0 &&
        (rc = hdnet_rng_clone(tr->noise, &noise)) == 0) {
        rc = hdnet_rng_set_state(noise, nb, n);
        if (!rc && hdnet_rng_kind(noise) != hdnet_rng_kind(tr->noise))
            rc = hdnet__error(HDNET_EFORMAT, "rng_noise of another kind");
    }
    if (!rc && (n = 0, rc = read_member(z, "rng_task", HDNET_DTYPE_U8, &tb, &n)) == 0 &&
        n != hdnet__task_state_size(tr->task))
        rc = hdnet__error(HDNET_EFORMAT, "rng_task has %zu bytes", n);
    if (!rc && tr->task0 && (n = 0, rc = read_member(z, "rng_task0", HDNET_DTYPE_U8, &t0b, &n)) == 0 &&
        n != hdnet__task_state_size(tr->task0))
        rc = hdnet__error(HDNET_EFORMAT, "rng_task0 has %zu bytes", n);
    if (rc == HDNET_EINVAL || rc == HDNET_ESHAPE)
        rc = hdnet__error(HDNET_EFORMAT, "bad state file '%s': %s", path, hdnet_errmsg());
    /* Optimiser and tasks validate before they change anything; keep their
     * old states to roll back if a later one refuses its bytes. */
    unsigned char *old_opt = NULL, *old_task = NULL;
    if (!rc) {
        old_opt = malloc(n_ob);
        old_task = malloc(hdnet__task_state_size(tr->task));
        if (!old_opt || !old_task)
            rc = hdnet__error(HDNET_ENOMEM, "state backup");
    }
    if (!rc)
        rc = hdnet_optim_get_state(tr->opt, old_opt, n_ob);
    if (!rc)
        rc = hdnet__task_get_state(tr->task, old_task, hdnet__task_state_size(tr->task));
    if (!rc && (rc = hdnet_optim_set_state(tr->opt, ob, n_ob)) == 0) {
        rc = hdnet__task_set_state(tr->task, tb, hdnet__task_state_size(tr->task));
        if (!rc && tr->task0 &&
            (rc = hdnet__task_set_state(tr->task0, t0b, hdnet__task_state_size(tr->task0))) != 0)
            if (hdnet__task_set_state(tr->task, old_task, hdnet__task_state_size(tr->task)))
                rc = hdnet__error(HDNET_ESTATE, "task state could not be rolled back");
        if (rc && hdnet_optim_set_state(tr->opt, old_opt, n_ob) != HDNET_OK)
            rc = hdnet__error(HDNET_ESTATE, "optimiser state could not be rolled back");
    }
    if (rc == HDNET_EINVAL)
        rc = hdnet__error(HDNET_EFORMAT, "bad state file '%s': %s", path, hdnet_errmsg());
    free(old_opt);
    free(old_task);
    if (!rc) {
        /* commit: nothing below can fail */
        const int64_t *c = cnt;
        const double *s = sc;
        memcpy(hdnet__net_params(tr->net), hdnet__net_params_const(net), tr->P * sizeof(float));
        memcpy(hdnet__net_params(tr->best), best, tr->P * sizeof(float));
        hdnet_rng *r = tr->noise;
        tr->noise = noise;
        noise = r;
        tr->pass = (size_t)c[C_PASS];
        tr->state = (int)c[C_STATE];
        tr->have_best = (int)c[C_HAVE_BEST];
        tr->best_update = (size_t)c[C_BEST_UPDATE];
        tr->rate_l2 = s[S_RATE_L2];
        tr->best_ne = tr->have_best ? s[S_BEST_NE] : NAN;
        tr->elapsed = s[S_ELAPSED];
        tr->ck_i = 0;
    }
    free(text);
    free(mine);
    free(theirs);
    free(cnt);
    free(sc);
    free(best);
    free(ob);
    free(nb);
    free(tb);
    free(t0b);
    hdnet_rng_free(noise);
    hdnet_net_free(net);
    hdnet_npz_free(z);
    return rc;
}
