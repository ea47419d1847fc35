/* Model files: a network as a .npz archive NumPy reads as it is. */
#include "core/internal.h"
#include "io/io_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char layout_text[] =
    "W_in[N][I] b_rec[N] W_rec[N][N] W_out[O][N] b_out[O] ah0[N]: float32, C order, "
    "weights [post][pre] (W_rec[i][j] is the connection from unit j to unit i); "
    "config: hdnet_config_to_string() lines as a NumPy string; tau: float64 [N] when per-unit; "
    "inputs/outputs/activity elsewhere are [trial][time][channel]\n";

static int is_matrix(int block)
{
    return block == HDNET_W_IN || block == HDNET_W_REC || block == HDNET_W_OUT;
}

int hdnet_net_save_npz(const hdnet_net *net, hdnet_npz *z)
{
    if (!net || !z)
        return hdnet__error(HDNET_EINVAL, "net or z is NULL");
    hdnet_config *cfg = NULL;
    char *text = NULL;
    float *buf = NULL;
    double *tau = NULL;
    int rc = hdnet_net_get_config(net, &cfg);
    size_t len = 0;
    if (!rc)
        rc = hdnet_config_to_string(cfg, NULL, 0, &len);
    if (!rc) {
        text = malloc(len + 1);
        rc = text ? hdnet_config_to_string(cfg, text, len + 1, &len)
                  : hdnet__error(HDNET_ENOMEM, "cannot allocate the config text");
    }
    for (int b = 0; !rc && b < HDNET_NBLOCKS; b++) {
        size_t rows, cols, n;
        rc = hdnet_net_block_info(net, b, &rows, &cols, NULL);
        if (rc)
            break;
        n = rows * cols;
        free(buf);
        buf = malloc(n ? n * sizeof *buf : 1);
        if (!buf) {
            rc = hdnet__error(HDNET_ENOMEM, "cannot allocate %zu floats", n);
            break;
        }
        rc = hdnet_net_copy_block(net, b, buf, n);
        if (rc)
            break;
        size_t shape[2] = {rows, cols};
        if (!is_matrix(b))
            shape[0] = n;
        rc = hdnet_npz_add(z, hdnet_block_name(b), HDNET_DTYPE_F32, buf, shape, is_matrix(b) ? 2 : 1);
    }
    if (!rc)
        rc = hdnet_npz_add_text(z, "config", text);
    if (!rc) {
        int64_t v = HDNET_MODEL_FORMAT_VERSION;
        rc = hdnet_npz_add(z, "format_version", HDNET_DTYPE_I64, &v, NULL, 0);
    }
    if (!rc)
        rc = hdnet_npz_add_text(z, "library_version", hdnet_version_string());
    if (!rc)
        rc = hdnet_npz_add_text(z, "layout", layout_text);
    size_t nt = 0;
    if (!rc)
        rc = hdnet_config_get_tau_vector(cfg, NULL, 0, &nt);
    if (!rc && nt) {
        tau = malloc(nt * sizeof *tau);
        rc = tau ? hdnet_config_get_tau_vector(cfg, tau, nt, &nt)
                 : hdnet__error(HDNET_ENOMEM, "cannot allocate tau");
        if (!rc)
            rc = hdnet_npz_add(z, "tau", HDNET_DTYPE_F64, tau, &nt, 1);
    }
    free(tau);
    free(buf);
    free(text);
    hdnet_config_free(cfg);
    return rc;
}

int hdnet_net_save_mem(const hdnet_net *net, void *buf, size_t cap, size_t *len)
{
    if (!net || !len)
        return hdnet__error(HDNET_EINVAL, "net or len is NULL");
    hdnet_npz *z;
    int rc = hdnet_npz_create(&z);
    if (!rc)
        rc = hdnet_net_save_npz(net, z);
    if (!rc)
        rc = hdnet_npz_save_mem(z, buf, cap, len);
    hdnet_npz_free(z);
    return rc;
}

int hdnet_net_save(const hdnet_net *net, const char *path)
{
    if (!net || !path)
        return hdnet__error(HDNET_EINVAL, "net or path is NULL");
    hdnet_npz *z;
    int rc = hdnet_npz_create(&z);
    if (!rc)
        rc = hdnet_net_save_npz(net, z);
    if (!rc)
        rc = hdnet_npz_save(z, path);
    hdnet_npz_free(z);
    return rc;
}

/* ---- loading ---- */

#define FMT(...) hdnet__error(HDNET_EFORMAT, __VA_ARGS__)

/* Re-raise the current error as EFORMAT (ENOMEM stays), prefixed with what. */
static int as_format(int rc, const char *what)
{
    char msg[400];
    snprintf(msg, sizeof msg, "%s", hdnet_errmsg());
    if (rc == HDNET_ENOMEM)
        return hdnet__error(rc, "%s: %s", what, msg);
    return FMT("%s: %s", what, msg);
}

static int known_member(const char *name)
{
    static const char *const known[] = {"W_in",  "b_rec",  "W_rec",  "W_out",   "b_out",
                                        "ah0",   "config", "format_version",
                                        "library_version", "layout", "tau"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcmp(name, known[i]))
            return 1;
    return !strncmp(name, "opt_", 4) || !strncmp(name, "rng_", 4) || !strncmp(name, "train_", 6);
}

/* Member `name` must exist (if required) with this dtype and rank; NULL if absent. */
static int need(const hdnet_npz *z, const char *name, int dtype, size_t ndim, int required,
                const hdnet__npz_member **out)
{
    const hdnet__npz_member *m = hdnet__npz_find(z, name);
    *out = m;
    if (!m)
        return required ? FMT("model file lacks '%s'", name) : HDNET_OK;
    if (m->dtype != dtype)
        return FMT("'%s' is %s, expected %s", name, hdnet_dtype_name(m->dtype), hdnet_dtype_name(dtype));
    if (m->ndim != ndim)
        return FMT("'%s' has %zu dimensions, expected %zu", name, m->ndim, ndim);
    return HDNET_OK;
}

static int check_shape(const hdnet__npz_member *m, size_t r, size_t c, int matrix)
{
    if (matrix ? (m->shape[0] != r || m->shape[1] != c) : m->shape[0] != r * c) {
        if (matrix)
            return FMT("'%s' is [%zu][%zu] but the config implies [%zu][%zu]", m->name,
                       m->shape[0], m->shape[1], r, c);
        return FMT("'%s' has %zu elements but the config implies %zu", m->name, m->shape[0], r * c);
    }
    return HDNET_OK;
}

int hdnet_net_load_npz(hdnet_net **out, const hdnet_npz *z)
{
    if (out)
        *out = NULL;
    if (!out || !z)
        return hdnet__error(HDNET_EINVAL, "out or z is NULL");
    for (size_t i = 0; i < z->n; i++)
        if (!known_member(z->m[i].name))
            return FMT("unknown member '%s' in a model file", z->m[i].name);

    const hdnet__npz_member *blk[HDNET_NBLOCKS], *cfgm, *verm, *libm, *laym, *taum;
    int rc = HDNET_OK;
    for (int b = 0; !rc && b < HDNET_NBLOCKS; b++)
        rc = need(z, hdnet_block_name(b), HDNET_DTYPE_F32, is_matrix(b) ? 2 : 1, 1, &blk[b]);
    if (!rc)
        rc = need(z, "config", HDNET_DTYPE_U8, 1, 1, &cfgm);
    if (!rc)
        rc = need(z, "format_version", HDNET_DTYPE_I64, 0, 1, &verm);
    if (!rc)
        rc = need(z, "library_version", HDNET_DTYPE_U8, 1, 0, &libm);
    if (!rc)
        rc = need(z, "layout", HDNET_DTYPE_U8, 1, 0, &laym);
    if (!rc)
        rc = need(z, "tau", HDNET_DTYPE_F64, 1, 0, &taum);
    if (rc)
        return rc;
    int64_t version;
    memcpy(&version, verm->data, sizeof version);
    if (version > HDNET_MODEL_FORMAT_VERSION)
        return hdnet__error(HDNET_ENOTSUP, "model format_version %lld is newer than this library's %d",
                            (long long)version, HDNET_MODEL_FORMAT_VERSION);
    if (version < 1)
        return FMT("model format_version %lld", (long long)version);

    hdnet_config *cfg = NULL;
    hdnet_rng *rng = NULL;
    hdnet_net *net = NULL;
    double *tau = NULL;
    rc = hdnet_config_create(&cfg);
    if (!rc) {
        rc = hdnet_config_from_string(cfg, (const char *)cfgm->data, cfgm->numel);
        if (rc)
            rc = as_format(rc, "config member");
    }
    int64_t units = 0, inputs = 0, outputs = 0;
    if (!rc)
        rc = hdnet_config_get_int(cfg, HDNET_P_UNITS, &units);
    if (!rc)
        rc = hdnet_config_get_int(cfg, HDNET_P_INPUTS, &inputs);
    if (!rc)
        rc = hdnet_config_get_int(cfg, HDNET_P_OUTPUTS, &outputs);
    size_t N = (size_t)units, I = (size_t)inputs, O = (size_t)outputs;
    if (!rc && (units < 1 || inputs < 0 || outputs < 0))
        rc = FMT("config has units=%lld inputs=%lld outputs=%lld", (long long)units,
                 (long long)inputs, (long long)outputs);
    /* shapes against the config, before anything is allocated from it */
    size_t dims[HDNET_NBLOCKS][2] = {{N, I}, {N, 1}, {N, N}, {O, N}, {O, 1}, {N, 1}};
    for (int b = 0; !rc && b < HDNET_NBLOCKS; b++)
        rc = check_shape(blk[b], dims[b][0], dims[b][1], is_matrix(b));
    size_t nt = 0;
    if (!rc)
        rc = hdnet_config_get_tau_vector(cfg, NULL, 0, &nt);
    if (!rc && !nt && taum)
        rc = FMT("'tau' present but the config has no per-unit tau vector");
    if (!rc && nt) {
        if (!taum)
            rc = FMT("the config has a tau vector but 'tau' is missing");
        else if (taum->numel != nt)
            rc = FMT("'tau' has %zu elements, the config's tau vector %zu", taum->numel, nt);
        else if (!(tau = malloc(nt * sizeof *tau)))
            rc = hdnet__error(HDNET_ENOMEM, "cannot allocate tau");
        else if (!(rc = hdnet_config_get_tau_vector(cfg, tau, nt, &nt)) &&
                 memcmp(tau, taum->data, nt * sizeof *tau) != 0)
            rc = FMT("'tau' differs from the config's tau vector");
    }
    if (!rc)
        rc = hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 0);
    if (!rc) {
        rc = hdnet_net_create(&net, cfg, rng);
        if (rc)
            rc = as_format(rc, "network from the config");
    }
    for (int b = 0; !rc && b < HDNET_NBLOCKS; b++) {
        size_t rows, cols;
        rc = hdnet_net_block_info(net, b, &rows, &cols, NULL);
        if (!rc && rows * cols != blk[b]->numel)
            rc = FMT("'%s' has %zu elements, the network %zu", blk[b]->name, blk[b]->numel, rows * cols);
        if (!rc) {
            rc = hdnet_net_set_block(net, b, (const float *)(const void *)blk[b]->data, blk[b]->numel);
            if (rc) {
                char what[64];
                snprintf(what, sizeof what, "'%s'", blk[b]->name);
                rc = as_format(rc, what);
            }
        }
    }
    free(tau);
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    if (rc) {
        hdnet_net_free(net);
        return rc;
    }
    *out = net;
    return HDNET_OK;
}

int hdnet_net_load_mem(hdnet_net **out, const void *buf, size_t len)
{
    if (out)
        *out = NULL;
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    hdnet_npz *z;
    int rc = hdnet_npz_load_mem(&z, buf, len);
    if (rc)
        return rc;
    rc = hdnet_net_load_npz(out, z);
    hdnet_npz_free(z);
    return rc;
}

int hdnet_net_load(hdnet_net **out, const char *path)
{
    if (out)
        *out = NULL;
    if (!out || !path)
        return hdnet__error(HDNET_EINVAL, "out or path is NULL");
    hdnet_npz *z;
    int rc = hdnet_npz_load(&z, path);
    if (rc)
        return rc;
    rc = hdnet_net_load_npz(out, z);
    hdnet_npz_free(z);
    return rc;
}
