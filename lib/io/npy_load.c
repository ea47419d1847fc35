/* Single-array .npy files (and bytes) loaded into an archive (hdnet_npz) as "arr_0";
 * parsed .npy bytes as an archive member (also for npz.c). */
#include "core/internal.h"
#include "io/io_priv.h"

#include <stdlib.h>
#include <string.h>

int hdnet__npy_member(const unsigned char *npy, const hdnet__npy_hdr *h, const char *what,
                      hdnet__npz_member *m)
{
    m->dtype = h->dtype;
    m->text = h->text_units > 0;
    if (m->text) {
        m->ndim = 1;
        int rc = hdnet__npy_text_decode(npy + h->data_off, h->text_units, h->swap, what, &m->data, &m->numel);
        m->shape[0] = m->numel;
        return rc;
    }
    m->ndim = h->ndim;
    memcpy(m->shape, h->shape, sizeof m->shape);
    m->numel = h->numel;
    size_t es = hdnet_dtype_size(h->dtype);
    m->data = h->numel ? malloc(h->numel * es) : NULL;
    if (h->numel && !m->data)
        return hdnet__error(HDNET_ENOMEM, "%s: cannot allocate %zu elements", what, h->numel);
    hdnet__copy_elems(m->data, npy + h->data_off, h->numel, es, h->swap);
    return HDNET_OK;
}

int hdnet_npy_load_mem(hdnet_npz **out, const void *buf, size_t len)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!buf && len)
        return hdnet__error(HDNET_EINVAL, "buf is NULL");
    hdnet__npy_hdr h;
    int rc = hdnet__npy_parse(buf ? buf : (const void *)"", len, ".npy", &h);
    if (rc)
        return rc;
    hdnet_npz *z;
    rc = hdnet_npz_create(&z);
    if (rc)
        return rc;
    hdnet__npz_member m = {0};
    rc = hdnet__npy_member(buf, &h, ".npy", &m);
    if (!rc && !(m.name = malloc(6))) {
        free(m.data);
        rc = hdnet__error(HDNET_ENOMEM, "cannot allocate a name");
    }
    if (rc) {
        hdnet_npz_free(z);
        return rc;
    }
    memcpy(m.name, "arr_0", 6);
    rc = hdnet__npz_append(z, &m);
    if (rc) {
        hdnet_npz_free(z);
        return rc;
    }
    *out = z;
    return HDNET_OK;
}

int hdnet_npy_load(hdnet_npz **out, const char *path)
{
    return hdnet__load_path(out, path, hdnet_npy_load_mem);
}
