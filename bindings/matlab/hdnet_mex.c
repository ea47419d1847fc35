/* MEX gateway of libhdnet for MATLAB and GNU Octave: one function, one subcommand per job.
 *
 *   net = hdnet_mex('load', MODEL)                        parameters and config of a model file
 *   t   = hdnet_mex('task', MODEL, TRIALS, SEED)          test trials of the model's task
 *   [y, r] = hdnet_mex('run', MODEL, X)                   noise-free run on inputs X
 *   ne  = hdnet_mex('evaluate', MODEL, TRIALS, STEPS, SEED)
 *   res = hdnet_mex('train', DIR, SETTINGS)               train into DIR (created if missing)
 *   res = hdnet_mex('analyse', MODEL, TRIALS, STEPS, SEED)  compass / shifter classes
 *   v   = hdnet_mex('version')
 *
 * Arrays keep the library's memory order, which MATLAB reads with the channel first:
 * inputs X are [3 x T x n] (angular velocity, sin and cos of the initial heading during
 * the cue), outputs [2 x T x n], rates [N x T x n]. Weight matrices are [post x pre].
 * SETTINGS is a struct (field = parameter name) or a cell array of 'name=value'
 * strings, applied over the paper recipe. SEED is a master seed: trials come from its
 * test stream, as in hdnet-eval (default 1); TRIALS and STEPS default as there. Every failure raises an error with an
 * identifier 'hdnet:<status>' and the library's message.
 *
 * Build: mkoctfile --mex (Octave) or mex (MATLAB), see docs/matlab.md. Uses only the
 * MEX API that both provide, in the separate-complex (R2017b) form. */
#include "mex.h"

#include <hdnet/hdnet.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <direct.h>
#define make_dir(path) _mkdir(path)
#else
#include <sys/stat.h>
#define make_dir(path) mkdir(path, 0777)
#endif

#define MSG_CAP 1024

/* What a failed subcommand reports; raised by mexFunction after cleanup. */
typedef struct {
    char id[64];
    char msg[MSG_CAP];
} failure;

/* The status macro without its prefix, for error identifiers such as hdnet:ERANGE. */
static const char *status_name(int rc)
{
    static const char *const names[] = {"OK",    "EINVAL",  "ENOMEM",  "ERANGE",    "ESHAPE",    "ESTATE",
                                        "EIO",   "EFORMAT", "ENOTSUP", "EDIVERGED", "ECANCELED"};
    return rc <= 0 && -rc < (int)(sizeof names / sizeof *names) ? names[-rc] : "EUNKNOWN";
}

static int fail_status(failure *f, const char *cmd, int rc)
{
    snprintf(f->id, sizeof f->id, "hdnet:%s", status_name(rc));
    snprintf(f->msg, sizeof f->msg, "hdnet_mex %s: %s (%s)", cmd, hdnet_strerror(rc), hdnet_errmsg());
    return rc;
}

static int fail_usage(failure *f, const char *cmd, const char *text)
{
    snprintf(f->id, sizeof f->id, "hdnet:usage");
    snprintf(f->msg, sizeof f->msg, "hdnet_mex %.40s: %.900s", cmd, text);
    return HDNET_EINVAL;
}

/* Argument i as a malloc'd string, or NULL (not a char row vector). */
static char *arg_string(int nrhs, const mxArray *prhs[], int i)
{
    if (i >= nrhs || !mxIsChar(prhs[i]))
        return NULL;
    return mxArrayToString(prhs[i]);
}

/* Argument i as a count in [lo, hi] (default def when absent or empty); -1 when invalid. */
static double arg_count(int nrhs, const mxArray *prhs[], int i, double def, double lo, double hi)
{
    if (i >= nrhs || mxIsEmpty(prhs[i]))
        return def;
    if (!mxIsNumeric(prhs[i]) || mxIsComplex(prhs[i]) || mxGetNumberOfElements(prhs[i]) != 1)
        return -1;
    double v = mxGetScalar(prhs[i]);
    return v >= lo && v <= hi && v == floor(v) ? v : -1;
}

static mxArray *real_matrix(size_t rows, size_t cols)
{
    return mxCreateDoubleMatrix((mwSize)rows, (mwSize)cols, mxREAL);
}

/* A C-order [rows][cols] float block as a MATLAB rows x cols matrix. */
static mxArray *matrix_from_c(const float *a, size_t rows, size_t cols)
{
    mxArray *m = real_matrix(rows, cols);
    double *p = mxGetPr(m);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            p[c * rows + r] = a[r * cols + c];
    return m;
}

/* [d0 x d1 x d2] array holding n floats in their memory order. */
static mxArray *array3_from_floats(const float *a, size_t d0, size_t d1, size_t d2)
{
    mwSize dims[3] = {(mwSize)d0, (mwSize)d1, (mwSize)d2};
    mxArray *m = mxCreateNumericArray(3, dims, mxDOUBLE_CLASS, mxREAL);
    double *p = mxGetPr(m);
    for (size_t i = 0; i < d0 * d1 * d2; i++)
        p[i] = a[i];
    return m;
}

static mxArray *column_from_doubles(const double *a, size_t n)
{
    mxArray *m = real_matrix(n, 1);
    memcpy(mxGetPr(m), a, n * sizeof *a);
    return m;
}

/* The network of a model file (argument 1). */
static int load_model(int nrhs, const mxArray *prhs[], const char *cmd, failure *f, hdnet_net **net)
{
    char *path = arg_string(nrhs, prhs, 1);
    if (!path)
        return fail_usage(f, cmd, "the second argument must be the path of a model file");
    int rc = hdnet_net_load(net, path);
    mxFree(path);
    return rc ? fail_status(f, cmd, rc) : HDNET_OK;
}

/* The task seed of the test trials of master seed `seed`, as hdnet-eval derives it. */
static int test_seed(const hdnet_config *cfg, uint64_t seed, uint64_t *out)
{
    int64_t task_rng = 0;
    int rc = hdnet_config_get_int(cfg, HDNET_P_TASK_RNG, &task_rng);
    if (!rc)
        rc = hdnet_stream_seed(seed, HDNET_STREAM_TEST, out);
    if (!rc && task_rng == HDNET_RNG_NUMPY)
        *out &= 0xffffffffu;
    return rc;
}

/* ---- load ---- */

static int cmd_load(int nrhs, const mxArray *prhs[], mxArray **out, failure *f)
{
    hdnet_net *net = NULL;
    hdnet_config *cfg = NULL;
    char *text = NULL;
    float *buf = NULL;
    int rc = load_model(nrhs, prhs, "load", f, &net);
    if (rc)
        return rc;
    static const char *fields[] = {"units", "inputs", "outputs", "W_in", "b_rec", "W_rec", "W_out",
                                   "b_out", "ah0", "config"};
    mxArray *s = mxCreateStructMatrix(1, 1, sizeof fields / sizeof *fields, fields);
    size_t N, I, O, len = 0;
    if ((rc = hdnet_net_dims(net, &N, &I, &O)))
        goto done;
    mxSetField(s, 0, "units", mxCreateDoubleScalar((double)N));
    mxSetField(s, 0, "inputs", mxCreateDoubleScalar((double)I));
    mxSetField(s, 0, "outputs", mxCreateDoubleScalar((double)O));
    for (int b = 0; b < HDNET_NBLOCKS; b++) {
        size_t rows, cols;
        if ((rc = hdnet_net_block_info(net, b, &rows, &cols, NULL)))
            goto done;
        free(buf);
        if (!(buf = malloc(rows * cols * sizeof *buf + 1))) {
            rc = HDNET_ENOMEM;
            goto done;
        }
        if ((rc = hdnet_net_copy_block(net, b, buf, rows * cols)))
            goto done;
        mxSetField(s, 0, hdnet_block_name(b), matrix_from_c(buf, rows, cols));
    }
    if ((rc = hdnet_net_get_config(net, &cfg)) || (rc = hdnet_config_to_string(cfg, NULL, 0, &len)))
        goto done;
    if (!(text = malloc(len + 1))) {
        rc = HDNET_ENOMEM;
        goto done;
    }
    if ((rc = hdnet_config_to_string(cfg, text, len + 1, &len)))
        goto done;
    mxSetField(s, 0, "config", mxCreateString(text));
done:
    if (rc) {
        mxDestroyArray(s);
        fail_status(f, "load", rc);
    } else {
        *out = s;
    }
    free(text);
    free(buf);
    hdnet_config_free(cfg);
    hdnet_net_free(net);
    return rc;
}

/* ---- task ---- */

static int cmd_task(int nrhs, const mxArray *prhs[], mxArray **out, failure *f)
{
    double n = arg_count(nrhs, prhs, 2, 100, 1, 1e6), seed = arg_count(nrhs, prhs, 3, 1, 0, 9007199254740992.0);
    if (n < 0 || seed < 0)
        return fail_usage(f, "task", "TRIALS must be a positive integer and SEED an integer in [0, 2^53]");
    hdnet_net *net = NULL;
    hdnet_config *cfg = NULL;
    hdnet_task *task = NULL;
    float *x = NULL, *y = NULL, *m = NULL;
    double *th = NULL, *av = NULL;
    int rc = load_model(nrhs, prhs, "task", f, &net);
    if (rc)
        return rc;
    uint64_t ts = 0;
    if ((rc = hdnet_net_get_config(net, &cfg)) || (rc = test_seed(cfg, (uint64_t)seed, &ts)) ||
        (rc = hdnet_task_create(&task, cfg, ts)))
        goto done;
    size_t nt = (size_t)n, T = hdnet_task_steps(task);
    x = malloc(nt * T * 3 * sizeof *x);
    y = malloc(nt * T * 2 * sizeof *y);
    m = malloc(nt * T * 2 * sizeof *m);
    th = malloc(nt * T * sizeof *th);
    av = malloc(nt * T * sizeof *av);
    if (!x || !y || !m || !th || !av) {
        rc = HDNET_ENOMEM;
        goto done;
    }
    if ((rc = hdnet_task_generate(task, nt, x, nt * T * 3, y, nt * T * 2, m, nt * T * 2, th, nt * T, av, nt * T)))
        goto done;
    static const char *fields[] = {"inputs", "targets", "mask", "heading", "av"};
    mxArray *s = mxCreateStructMatrix(1, 1, 5, fields);
    mxSetField(s, 0, "inputs", array3_from_floats(x, 3, T, nt));
    mxSetField(s, 0, "targets", array3_from_floats(y, 2, T, nt));
    mxSetField(s, 0, "mask", array3_from_floats(m, 2, T, nt));
    mxArray *h = real_matrix(T, nt), *w = real_matrix(T, nt); /* [T x n]: trial k is column k */
    memcpy(mxGetPr(h), th, nt * T * sizeof *th);
    memcpy(mxGetPr(w), av, nt * T * sizeof *av);
    mxSetField(s, 0, "heading", h);
    mxSetField(s, 0, "av", w);
    *out = s;
done:
    if (rc)
        fail_status(f, "task", rc);
    free(x), free(y), free(m), free(th), free(av);
    hdnet_task_free(task);
    hdnet_config_free(cfg);
    hdnet_net_free(net);
    return rc;
}

/* ---- run ---- */

static int cmd_run(int nrhs, const mxArray *prhs[], int nlhs, mxArray *plhs[], failure *f)
{
    if (nrhs < 3 || !mxIsDouble(prhs[2]) || mxIsComplex(prhs[2]) || mxIsSparse(prhs[2]))
        return fail_usage(f, "run", "X must be a real double array [3 x T x n]");
    const mwSize nd = mxGetNumberOfDimensions(prhs[2]);
    const mwSize *dims = mxGetDimensions(prhs[2]);
    size_t I = dims[0], T = dims[1], nt = nd > 2 ? dims[2] : 1;
    if (nd > 3 || !I || !T || !nt)
        return fail_usage(f, "run", "X must be a non-empty array [inputs x T x n]");
    hdnet_net *net = NULL;
    float *x = NULL, *y = NULL, *r = NULL;
    int rc = load_model(nrhs, prhs, "run", f, &net);
    if (rc)
        return rc;
    size_t N, NI, O;
    if ((rc = hdnet_net_dims(net, &N, &NI, &O)))
        goto done;
    if (I != NI) {
        char text[128];
        snprintf(text, sizeof text, "X has %zu rows but the network has %zu inputs", I, NI);
        rc = fail_usage(f, "run", text);
        hdnet_net_free(net);
        return rc;
    }
    x = malloc(nt * T * I * sizeof *x);
    y = malloc(nt * T * O * sizeof *y);
    r = nlhs > 1 ? malloc(nt * T * N * sizeof *r) : NULL;
    if (!x || !y || (nlhs > 1 && !r)) {
        rc = HDNET_ENOMEM;
        goto done;
    }
    const double *px = mxGetPr(prhs[2]);
    for (size_t i = 0; i < nt * T * I; i++)
        x[i] = (float)px[i];
    if ((rc = hdnet_net_run(net, nt, T, x, nt * T * I, NULL, 0, NULL, y, nt * T * O, r, r ? nt * T * N : 0, NULL, 0)))
        goto done;
    plhs[0] = array3_from_floats(y, O, T, nt);
    if (nlhs > 1)
        plhs[1] = array3_from_floats(r, N, T, nt);
done:
    if (rc)
        fail_status(f, "run", rc);
    free(x), free(y), free(r);
    hdnet_net_free(net);
    return rc;
}

/* ---- evaluate ---- */

/* Test NE as hdnet-eval computes it: trials from the test stream of `seed`. */
static int test_ne(const hdnet_net *net, size_t trials, size_t steps, uint64_t seed, double *ne)
{
    hdnet_config *cfg = NULL;
    uint64_t ts = 0;
    int rc = hdnet_net_get_config(net, &cfg);
    if (!rc)
        rc = hdnet_config_set_int(cfg, HDNET_P_STEPS, (int64_t)steps);
    if (!rc)
        rc = test_seed(cfg, seed, &ts);
    if (!rc)
        rc = hdnet_net_evaluate(net, cfg, trials, ts, ne);
    hdnet_config_free(cfg);
    return rc;
}

static int cmd_evaluate(int nrhs, const mxArray *prhs[], mxArray **out, failure *f)
{
    double n = arg_count(nrhs, prhs, 2, 1000, 1, 1e7), T = arg_count(nrhs, prhs, 3, 500, 1, 1e7);
    double seed = arg_count(nrhs, prhs, 4, 1, 0, 9007199254740992.0);
    if (n < 0 || T < 0 || seed < 0)
        return fail_usage(f, "evaluate", "TRIALS and STEPS must be positive integers, SEED in [0, 2^53]");
    hdnet_net *net = NULL;
    double ne = 0;
    int rc = load_model(nrhs, prhs, "evaluate", f, &net);
    if (rc)
        return rc;
    if ((rc = test_ne(net, (size_t)n, (size_t)T, (uint64_t)seed, &ne)))
        fail_status(f, "evaluate", rc);
    else
        *out = mxCreateDoubleScalar(ne);
    hdnet_net_free(net);
    return rc;
}

/* ---- train ---- */

/* One setting: a char value as written, a real scalar in full precision. */
static int apply_setting(hdnet_config *cfg, const char *name, const mxArray *v, failure *f)
{
    char text[128];
    int rc;
    if (mxIsChar(v)) {
        char *s = mxArrayToString(v);
        rc = hdnet_config_set(cfg, name, s);
        mxFree(s);
    } else if ((mxIsNumeric(v) || mxIsLogical(v)) && !mxIsComplex(v) && mxGetNumberOfElements(v) == 1) {
        snprintf(text, sizeof text, "%.17g", mxGetScalar(v));
        rc = hdnet_config_set(cfg, name, text);
    } else {
        snprintf(text, sizeof text, "setting '%.30s' needs a scalar or a char value", name);
        return fail_usage(f, "train", text);
    }
    return rc ? fail_status(f, "train", rc) : HDNET_OK;
}

static int apply_settings(hdnet_config *cfg, int nrhs, const mxArray *prhs[], failure *f)
{
    if (nrhs < 3 || mxIsEmpty(prhs[2]))
        return HDNET_OK;
    const mxArray *s = prhs[2];
    int rc = HDNET_OK;
    if (mxIsStruct(s) && mxGetNumberOfElements(s) == 1) {
        for (int i = 0; !rc && i < mxGetNumberOfFields(s); i++)
            rc = apply_setting(cfg, mxGetFieldNameByNumber(s, i), mxGetFieldByNumber(s, 0, i), f);
        return rc;
    }
    if (!mxIsCell(s))
        return fail_usage(f, "train", "SETTINGS must be a struct or a cell array of 'name=value' strings");
    for (size_t i = 0; !rc && i < mxGetNumberOfElements(s); i++) {
        const mxArray *c = mxGetCell(s, (mwIndex)i);
        char *line = c && mxIsChar(c) ? mxArrayToString(c) : NULL;
        char *eq = line ? strchr(line, '=') : NULL;
        if (!eq) {
            if (line)
                mxFree(line);
            return fail_usage(f, "train", "each cell of SETTINGS must be a 'name=value' string");
        }
        *eq = '\0';
        rc = hdnet_config_set(cfg, line, eq + 1);
        mxFree(line);
        if (rc)
            fail_status(f, "train", rc);
    }
    return rc;
}

static int cmd_train(int nrhs, const mxArray *prhs[], mxArray **out, failure *f)
{
    char *dir = arg_string(nrhs, prhs, 1);
    if (!dir)
        return fail_usage(f, "train", "the second argument must be an output directory");
    hdnet_config *cfg = NULL;
    hdnet_rng *init = NULL;
    hdnet_net *net = NULL, *best = NULL;
    hdnet_trainer *tr = NULL;
    char path[4200];
    int64_t seed = 0;
    double sel_ne = 0, ne = 0;
    size_t best_update = 0;
    snprintf(path, sizeof path, "%s/model.npz", dir);
    FILE *exists = fopen(path, "rb");
    if (exists) {
        fclose(exists);
        mxFree(dir);
        return fail_usage(f, "train", "the directory already holds a run (model.npz); choose another");
    }
    if (make_dir(dir) != 0 && errno != EEXIST) {
        snprintf(path, sizeof path, "cannot create the directory %.800s: %s", dir, strerror(errno));
        mxFree(dir);
        return fail_usage(f, "train", path);
    }
    int rc = hdnet_config_create(&cfg);
    if (!rc && (rc = apply_settings(cfg, nrhs, prhs, f))) {
        hdnet_config_free(cfg);
        mxFree(dir);
        return rc;
    }
    if (!rc)
        rc = hdnet_config_get_int(cfg, HDNET_P_SEED, &seed);
    if (!rc)
        rc = hdnet_stream_create(&init, (uint64_t)seed, HDNET_STREAM_INIT);
    if (!rc)
        rc = hdnet_net_create(&net, cfg, init);
    if (!rc)
        rc = hdnet_trainer_create(&tr, cfg, net);
    if (!rc)
        rc = hdnet_trainer_set_checkpoint_dir(tr, dir);
    if (!rc)
        rc = hdnet_trainer_run(tr);
    if (!rc)
        rc = hdnet_trainer_best(tr, &sel_ne, &best_update);
    if (!rc)
        rc = hdnet_trainer_clone_best(tr, &best);
    if (!rc)
        rc = hdnet_net_save(best, path);
    if (!rc)
        rc = test_ne(best, 1000, 500, (uint64_t)seed, &ne);
    if (rc) {
        fail_status(f, "train", rc);
    } else {
        static const char *fields[] = {"model", "best_update", "selection_ne", "ne"};
        mxArray *s = mxCreateStructMatrix(1, 1, 4, fields);
        mxSetField(s, 0, "model", mxCreateString(path));
        mxSetField(s, 0, "best_update", mxCreateDoubleScalar((double)best_update));
        mxSetField(s, 0, "selection_ne", mxCreateDoubleScalar(sel_ne));
        mxSetField(s, 0, "ne", mxCreateDoubleScalar(ne));
        *out = s;
    }
    hdnet_trainer_free(tr);
    hdnet_net_free(best);
    hdnet_net_free(net);
    hdnet_rng_free(init);
    hdnet_config_free(cfg);
    mxFree(dir);
    return rc;
}

/* ---- analyse ---- */

static int cmd_analyse(int nrhs, const mxArray *prhs[], mxArray **out, failure *f)
{
    double n = arg_count(nrhs, prhs, 2, 500, 1, 1e6), T = arg_count(nrhs, prhs, 3, 1000, 1, 1e6);
    double seed = arg_count(nrhs, prhs, 4, 1, 0, 9007199254740992.0);
    if (n < 0 || T < 0 || seed < 0)
        return fail_usage(f, "analyse", "TRIALS and STEPS must be positive integers, SEED in [0, 2^53]");
    hdnet_net *net = NULL;
    hdnet_config *cfg = NULL;
    hdnet_task *task = NULL;
    hdnet_tuning *tuning = NULL;
    float *x = NULL;
    double *th = NULL, *av = NULL, *phi = NULL;
    int *cls = NULL;
    int rc = load_model(nrhs, prhs, "analyse", f, &net);
    if (rc)
        return rc;
    size_t N, I, O, nt = (size_t)n, steps = (size_t)T;
    int64_t cue = 0;
    uint64_t ts = 0;
    if ((rc = hdnet_net_dims(net, &N, &I, &O)) || (rc = hdnet_net_get_config(net, &cfg)) ||
        (rc = hdnet_config_set_int(cfg, HDNET_P_STEPS, (int64_t)steps)) ||
        (rc = hdnet_config_get_int(cfg, HDNET_P_CUE, &cue)) ||
        (rc = test_seed(cfg, (uint64_t)seed, &ts)) || (rc = hdnet_task_create(&task, cfg, ts)))
        goto done;
    x = malloc(nt * steps * 3 * sizeof *x);
    th = malloc(nt * steps * sizeof *th);
    av = malloc(nt * steps * sizeof *av);
    phi = malloc(N * sizeof *phi);
    cls = malloc(N * sizeof *cls);
    if (!x || !th || !av || !phi || !cls) {
        rc = HDNET_ENOMEM;
        goto done;
    }
    if ((rc = hdnet_task_generate(task, nt, x, nt * steps * 3, NULL, 0, NULL, 0, th, nt * steps, av, nt * steps)) ||
        (rc = hdnet_tuning_create(&tuning, N, NULL)) ||
        (rc = hdnet_tuning_collect(tuning, net, nt, steps, (size_t)cue, x, nt * steps * 3, th, nt * steps, av,
                                   nt * steps, 50)) ||
        (rc = hdnet_tuning_classify(tuning, HDNET_RULE_ADAPTIVE, 0, cls, N, NULL, 0, NULL, 0)) ||
        (rc = hdnet_tuning_unit_stat(tuning, HDNET_US_PHI, phi, N)))
        goto done;
    static const char *fields[] = {"class", "class_names", "counts", "phi"};
    mxArray *s = mxCreateStructMatrix(1, 1, 4, fields);
    const char *names[HDNET_NCLASSES];
    for (int c = 0; c < HDNET_NCLASSES; c++)
        names[c] = hdnet_class_name(c);
    mxArray *counts = mxCreateStructMatrix(1, 1, HDNET_NCLASSES, names);
    mxArray *cl = mxCreateCellMatrix((mwSize)N, 1), *names_cell = mxCreateCellMatrix(1, HDNET_NCLASSES);
    size_t k[HDNET_NCLASSES] = {0};
    for (size_t i = 0; i < N; i++) {
        k[cls[i]]++;
        mxSetCell(cl, (mwIndex)i, mxCreateString(names[cls[i]]));
    }
    for (int c = 0; c < HDNET_NCLASSES; c++) {
        mxSetField(counts, 0, names[c], mxCreateDoubleScalar((double)k[c]));
        mxSetCell(names_cell, (mwIndex)c, mxCreateString(names[c]));
    }
    mxSetField(s, 0, "class", cl);
    mxSetField(s, 0, "class_names", names_cell);
    mxSetField(s, 0, "counts", counts);
    mxSetField(s, 0, "phi", column_from_doubles(phi, N));
    *out = s;
done:
    if (rc)
        fail_status(f, "analyse", rc);
    free(x), free(th), free(av), free(phi), free(cls);
    hdnet_tuning_free(tuning);
    hdnet_task_free(task);
    hdnet_config_free(cfg);
    hdnet_net_free(net);
    return rc;
}

void mexFunction(int nlhs, mxArray *plhs[], int nrhs, const mxArray *prhs[])
{
    failure f = {"", ""};
    char *cmd = arg_string(nrhs, prhs, 0);
    int rc = HDNET_OK;
    if (!cmd)
        rc = fail_usage(&f, "", "the first argument must be a subcommand: load, task, run, evaluate, train, "
                                "analyse or version");
    else if (!strcmp(cmd, "version"))
        plhs[0] = mxCreateString(hdnet_version_string());
    else if (!strcmp(cmd, "load"))
        rc = cmd_load(nrhs, prhs, &plhs[0], &f);
    else if (!strcmp(cmd, "task"))
        rc = cmd_task(nrhs, prhs, &plhs[0], &f);
    else if (!strcmp(cmd, "run"))
        rc = cmd_run(nrhs, prhs, nlhs, plhs, &f);
    else if (!strcmp(cmd, "evaluate"))
        rc = cmd_evaluate(nrhs, prhs, &plhs[0], &f);
    else if (!strcmp(cmd, "train"))
        rc = cmd_train(nrhs, prhs, &plhs[0], &f);
    else if (!strcmp(cmd, "analyse") || !strcmp(cmd, "analyze"))
        rc = cmd_analyse(nrhs, prhs, &plhs[0], &f);
    else
        rc = fail_usage(&f, cmd, "unknown subcommand (load, task, run, evaluate, train, analyse, version)");
    if (cmd)
        mxFree(cmd);
    if (rc)
        mexErrMsgIdAndTxt(f.id, "%s", f.msg);
}
