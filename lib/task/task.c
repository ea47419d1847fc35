/* The head-direction task generator (see include/hdnet/task.h and
 * docs/task.md). Double precision throughout; C library sin/cos/fmod; floats
 * rounded when stored. Compiled with -ffp-contract=off: with task_rng = numpy
 * the headings and velocities equal the PyTorch reference bit for bit. */
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "task/task_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI 6.283185307179586     /* the double 2*pi, as NumPy's 2*np.pi */
#define DEG2RAD (3.141592653589793 / 180.0)
#define MAX_REDRAWS 1000

struct hdnet_task {
    size_t T, cue;
    double momentum, sd;         /* sd = speed * angular_sd, rad/step */
    int stretch_rule;            /* HDNET_STRETCH_* */
    uint64_t stretch_k;
    uint64_t stretch_low;        /* 0 or 1 */
    uint64_t stretch_hi1, stretch_hi2; /* round(T/3), round(2T/3) */
    double av_min, av_max;       /* degrees per step (+-inf: no clipping) */
    int clip;
    int bounded;
    double th_min, th_max;       /* radians (bounded only) */
    double input_noise;
    int batch_mode;
    int kind;                    /* HDNET_RNG_* of the trial stream */
    double *av_set;              /* radians per step */
    size_t n_av_set;
    uint64_t seed, calls;
    hdnet_rng rng;
    hdnet_rng th0_rng;           /* reads the initial headings ahead of rng */
    double *th_buf, *av_buf;     /* one trial, T doubles each */
};

static int seed_ok(int kind, uint64_t seed)
{
    if (kind == HDNET_RNG_NUMPY && seed > UINT64_C(0xffffffff))
        return hdnet__error(HDNET_ERANGE, "task seed %llu: numpy seeds must be below 2^32",
                            (unsigned long long)seed);
    return HDNET_OK;
}

void hdnet_task_free(hdnet_task *task)
{
    if (!task)
        return;
    free(task->av_set);
    free(task->th_buf);
    free(task->av_buf);
    free(task);
}

int hdnet_task_create(hdnet_task **out, const hdnet_config *cfg, uint64_t seed)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!cfg)
        return hdnet__error(HDNET_EINVAL, "cfg is NULL");
    double inputs = hdnet__cfg(cfg, HDNET_P_INPUTS), outputs = hdnet__cfg(cfg, HDNET_P_OUTPUTS);
    if (inputs != 3 || outputs != 2)
        return hdnet__error(HDNET_ERANGE, "the task needs inputs=3 and outputs=2 (have %g, %g)",
                            inputs, outputs);
    double T = hdnet__cfg(cfg, HDNET_P_STEPS), cue = hdnet__cfg(cfg, HDNET_P_CUE);
    int kind = (int)hdnet__cfg(cfg, HDNET_P_TASK_RNG);
    if (!(T >= 1) || !(cue >= 0))
        return hdnet__error(HDNET_ERANGE, "steps=%g, cue=%g", T, cue);
    if (cue > T)
        return hdnet__error(HDNET_ERANGE, "cue=%g exceeds steps=%g", cue, T);
    if (kind != HDNET_RNG_LIBRARY && kind != HDNET_RNG_NUMPY)
        return hdnet__error(HDNET_ERANGE, "task_rng=%d", kind);
    if (kind == HDNET_RNG_NUMPY && cue == 0)
        return hdnet__error(HDNET_ERANGE,
                            "cue=0 with task_rng=numpy: the reference reads an undefined heading");
    int rc = seed_ok(kind, seed);
    if (rc)
        return rc;
    double th_min = hdnet__cfg(cfg, HDNET_P_THETA_MIN), th_max = hdnet__cfg(cfg, HDNET_P_THETA_MAX);
    if (!(th_min < th_max))
        return hdnet__error(HDNET_ERANGE, "theta_min=%g must be below theta_max=%g", th_min, th_max);
    double av_min = hdnet__cfg(cfg, HDNET_P_AV_MIN), av_max = hdnet__cfg(cfg, HDNET_P_AV_MAX);
    if (!(av_min <= av_max))
        return hdnet__error(HDNET_ERANGE, "av_min=%g exceeds av_max=%g", av_min, av_max);
    int rule = (int)hdnet__cfg(cfg, HDNET_P_STRETCH_RULE);
    uint64_t low = (uint64_t)hdnet__cfg(cfg, HDNET_P_STRETCH_LOW);
    size_t Ts = (size_t)T;
    uint64_t hi1 = ((uint64_t)Ts + 1) / 3, hi2 = (2 * (uint64_t)Ts + 1) / 3; /* round(T/3), round(2T/3) */
    if (rule != HDNET_STRETCH_NONE && hi1 < low)
        return hdnet__error(HDNET_ERANGE, "steps=%zu too short for stretches with stretch_low=%llu",
                            Ts, (unsigned long long)low);
    if (cfg->n_av_set && !cfg->av_set)
        return hdnet__error(HDNET_EINVAL, "config has an av set without values");
    for (size_t k = 0; k < cfg->n_av_set; k++)
        if (!isfinite(cfg->av_set[k]))
            return hdnet__error(HDNET_ERANGE, "av_set[%zu] is not finite", k);

    hdnet_task *t = calloc(1, sizeof *t);
    if (!t)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate the task");
    t->T = Ts;
    t->cue = (size_t)cue;
    t->momentum = hdnet__cfg(cfg, HDNET_P_MOMENTUM);
    t->sd = hdnet__cfg(cfg, HDNET_P_SPEED) * hdnet__cfg(cfg, HDNET_P_ANGULAR_SD);
    t->stretch_rule = rule;
    t->stretch_k = (uint64_t)hdnet__cfg(cfg, HDNET_P_STRETCH_K);
    t->stretch_low = low;
    t->stretch_hi1 = hi1;
    t->stretch_hi2 = hi2;
    t->av_min = av_min;
    t->av_max = av_max;
    t->clip = av_min > -INFINITY || av_max < INFINITY;
    t->bounded = (int)hdnet__cfg(cfg, HDNET_P_BOUNDARY) == HDNET_BOUNDARY_BOUNDED;
    t->th_min = th_min * DEG2RAD;
    t->th_max = th_max * DEG2RAD;
    t->input_noise = hdnet__cfg(cfg, HDNET_P_INPUT_NOISE);
    t->batch_mode = (int)hdnet__cfg(cfg, HDNET_P_BATCH_MODE);
    t->kind = kind;
    t->th_buf = malloc(Ts * sizeof *t->th_buf);
    t->av_buf = malloc(Ts * sizeof *t->av_buf);
    if (cfg->n_av_set) {
        t->av_set = malloc(cfg->n_av_set * sizeof *t->av_set);
        t->n_av_set = cfg->n_av_set;
    }
    if (!t->th_buf || !t->av_buf || (cfg->n_av_set && !t->av_set)) {
        hdnet_task_free(t);
        return hdnet__error(HDNET_ENOMEM, "cannot allocate task buffers for %zu steps", Ts);
    }
    for (size_t k = 0; k < t->n_av_set; k++)
        t->av_set[k] = cfg->av_set[k] * DEG2RAD;
    rc = hdnet_task_reseed(t, seed);
    if (rc) {
        hdnet_task_free(t);
        return rc;
    }
    *out = t;
    return HDNET_OK;
}

size_t hdnet_task_steps(const hdnet_task *task)
{
    return task ? task->T : 0;
}

int hdnet_task_reseed(hdnet_task *task, uint64_t seed)
{
    if (!task)
        return hdnet__error(HDNET_EINVAL, "task is NULL");
    int rc = seed_ok(task->kind, seed);
    if (rc)
        return rc;
    rc = hdnet__rng_init(&task->rng, task->kind, seed);
    if (rc)
        return rc;
    task->seed = seed;
    task->calls = 0;
    return HDNET_OK;
}

double hdnet__task_wrap(double x, int keep_two_pi)
{
    double r = fmod(x, TWO_PI);
    if (r < 0)
        r += TWO_PI;
    else if (r == 0)
        r = 0.0; /* -0 -> +0 */
    if (r == TWO_PI && !keep_two_pi)
        r = 0.0;
    return r;
}

/* One angular-velocity proposal (rad/step) after the previous value prev. */
static double propose(hdnet_task *t, double prev)
{
    double av;
    if (t->n_av_set)
        av = t->av_set[hdnet__rng_randint1(&t->rng, t->n_av_set)];
    else
        av = (t->sd * hdnet__rng_normal1(&t->rng)) + (t->momentum * prev);
    if (t->clip) {
        double deg = av / DEG2RAD;
        if (deg < t->av_min)
            av = t->av_min * DEG2RAD;
        else if (deg > t->av_max)
            av = t->av_max * DEG2RAD;
    }
    return av;
}

/* One trial into t->th_buf / t->av_buf; th0 given. */
static void one_trial(hdnet_task *t, size_t i, size_t n_trials, double th0)
{
    const size_t T = t->T, cue = t->cue;
    double *th = t->th_buf, *av = t->av_buf;
    int stretch = 0;
    if (t->stretch_rule == HDNET_STRETCH_HALF)
        stretch = 2 * (double)i < (double)n_trials; /* i < B/2 as a real compare */
    else if (t->stretch_rule == HDNET_STRETCH_FIRST_K)
        stretch = (uint64_t)i < t->stretch_k;
    /* zero av on 0-based steps s-1 ... e-1 */
    uint64_t s = 0, e = 0;
    if (stretch) {
        s = t->stretch_low + hdnet__rng_randint1(&t->rng, t->stretch_hi1 + 1 - t->stretch_low);
        e = s + t->stretch_low + hdnet__rng_randint1(&t->rng, t->stretch_hi2 + 1 - t->stretch_low);
        if (e > T)
            e = T;
    }
    for (size_t k = 0; k < cue; k++) {
        th[k] = th0;
        av[k] = 0.0;
    }
    double prev_av = 0.0, prev_th = th0;
    for (size_t k = cue; k < T; k++) {
        double a;
        if (stretch && (uint64_t)k + 1 >= s && (uint64_t)k + 1 <= e) {
            a = 0.0;
        } else if (!t->bounded) {
            a = propose(t, prev_av);
        } else {
            a = propose(t, prev_av);
            int tries = 0;
            while (!(prev_th + a >= t->th_min && prev_th + a <= t->th_max)) {
                if (++tries > MAX_REDRAWS) {
                    a = 0.0;
                    break;
                }
                a = propose(t, prev_av);
            }
        }
        double h;
        if (t->bounded) {
            h = prev_th + a;
        } else {
            h = hdnet__task_wrap(prev_th + a, t->kind == HDNET_RNG_NUMPY);
        }
        av[k] = a;
        th[k] = h;
        prev_av = a;
        prev_th = h;
    }
}

int hdnet_task_generate(hdnet_task *task, size_t n_trials, float *inputs, size_t inputs_len,
                        float *targets, size_t targets_len, float *mask, size_t mask_len,
                        double *heading, size_t heading_len, double *av, size_t av_len)
{
    if (!task)
        return hdnet__error(HDNET_EINVAL, "task is NULL");
    if (!inputs)
        return hdnet__error(HDNET_EINVAL, "inputs is NULL");
    if (n_trials == 0)
        return hdnet__error(HDNET_EINVAL, "n_trials is 0");
    const size_t T = task->T, cue = task->cue;
    size_t bt, n3, n2;
    if (hdnet__mul(n_trials, T, &bt) || hdnet__mul(bt, 3, &n3) || hdnet__mul(bt, 2, &n2))
        return hdnet__error(HDNET_ESHAPE, "%zu trials of %zu steps overflow size_t", n_trials, T);
    if (inputs_len < n3)
        return hdnet__error(HDNET_ESHAPE, "inputs has %zu floats, need %zu", inputs_len, n3);
    if (targets && targets_len < n2)
        return hdnet__error(HDNET_ESHAPE, "targets has %zu floats, need %zu", targets_len, n2);
    if (mask && mask_len < n2)
        return hdnet__error(HDNET_ESHAPE, "mask has %zu floats, need %zu", mask_len, n2);
    if (heading && heading_len < bt)
        return hdnet__error(HDNET_ESHAPE, "heading has %zu doubles, need %zu", heading_len, bt);
    if (av && av_len < bt)
        return hdnet__error(HDNET_ESHAPE, "av has %zu doubles, need %zu", av_len, bt);

    int rc = HDNET_OK;
    if (task->batch_mode == HDNET_BATCH_FIXED) {
        rc = hdnet__rng_init(&task->rng, task->kind, task->seed);
    } else if (task->batch_mode == HDNET_BATCH_PER_UPDATE_SEED) {
        uint64_t sd = task->seed + task->calls;
        if (task->kind == HDNET_RNG_NUMPY && (sd < task->seed || sd > UINT64_C(0xffffffff)))
            return hdnet__error(HDNET_ERANGE, "per-update seed %llu + %llu is not below 2^32",
                                (unsigned long long)task->seed, (unsigned long long)task->calls);
        rc = hdnet__rng_init(&task->rng, task->kind, sd);
    }
    if (rc)
        return rc;
    task->calls++;

    /* The n_trials initial headings are the stream's next n_trials uniforms,
     * drawn before anything else: read them from a copy of the generator and
     * move the generator past them (no per-call buffer needed). */
    task->th0_rng = task->rng;
    for (size_t i = 0; i < n_trials; i++)
        (void)hdnet__rng_uniform1(&task->rng);

    for (size_t i = 0; i < n_trials; i++) {
        double u = hdnet__rng_uniform1(&task->th0_rng);
        double th0 = task->bounded ? task->th_min + (task->th_max - task->th_min) * u : TWO_PI * u;
        one_trial(task, i, n_trials, th0);
        const double *th = task->th_buf, *a = task->av_buf;
        const double s0 = sin(th0), c0 = cos(th0);
        float *x = inputs + i * T * 3;
        for (size_t k = 0; k < T; k++) {
            double x0 = a[k], x1 = k < cue ? s0 : 0.0, x2 = k < cue ? c0 : 0.0;
            if (task->input_noise > 0) {
                x0 += task->input_noise * hdnet__rng_normal1(&task->rng);
                x1 += task->input_noise * hdnet__rng_normal1(&task->rng);
                x2 += task->input_noise * hdnet__rng_normal1(&task->rng);
            }
            x[3 * k] = (float)x0;
            x[3 * k + 1] = (float)x1;
            x[3 * k + 2] = (float)x2;
        }
        if (targets) {
            float *y = targets + i * T * 2;
            for (size_t k = 0; k < T; k++) {
                y[2 * k] = (float)sin(th[k]);
                y[2 * k + 1] = (float)cos(th[k]);
            }
        }
        if (mask) {
            float *m = mask + i * T * 2;
            for (size_t k = 0; k < T; k++)
                m[2 * k] = m[2 * k + 1] = k < cue ? 0.0f : 1.0f;
        }
        if (heading)
            memcpy(heading + i * T, th, T * sizeof *th);
        if (av)
            memcpy(av + i * T, a, T * sizeof *a);
    }
    return HDNET_OK;
}

/* ---- state for resuming a training run (task_priv.h) ---- */
/* The persistent state is the seed, the call counter and the trial stream;
 * th0_rng is scratch, set from rng at the start of every call. */

size_t hdnet__task_state_size(const hdnet_task *t)
{
    return 2 * sizeof(uint64_t) + hdnet_rng_state_size(&t->rng);
}

int hdnet__task_get_state(const hdnet_task *t, void *buf, size_t cap)
{
    if (cap < hdnet__task_state_size(t))
        return hdnet__error(HDNET_ESHAPE, "task state needs %zu bytes", hdnet__task_state_size(t));
    unsigned char *p = buf;
    const uint64_t h[2] = {t->seed, t->calls};
    memcpy(p, h, sizeof h);
    return hdnet_rng_get_state(&t->rng, p + sizeof h, hdnet_rng_state_size(&t->rng));
}

int hdnet__task_set_state(hdnet_task *t, const void *buf, size_t len)
{
    if (len != hdnet__task_state_size(t))
        return hdnet__error(HDNET_EFORMAT, "task state of %zu bytes, expected %zu", len,
                            hdnet__task_state_size(t));
    const unsigned char *p = buf;
    uint64_t h[2];
    memcpy(h, p, sizeof h);
    /* restore into a copy first: the task is unchanged on failure */
    hdnet_rng r = t->rng;
    int rc = hdnet_rng_set_state(&r, p + sizeof h, len - sizeof h);
    if (rc)
        return rc == HDNET_EINVAL ? hdnet__error(HDNET_EFORMAT, "bad task generator state") : rc;
    if (r.kind != t->rng.kind)
        return hdnet__error(HDNET_EFORMAT, "task state of another generator kind");
    if (h[0] != t->seed)
        return hdnet__error(HDNET_EFORMAT, "task state of seed %llu, task has %llu",
                            (unsigned long long)h[0], (unsigned long long)t->seed);
    t->rng = r;
    t->calls = h[1];
    return HDNET_OK;
}
