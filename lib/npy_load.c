/* Single-array .npy files (and bytes) loaded into an archive (hdnet_npz) as "arr_0". */
#include "internal.h"
#include "io_priv.h"

#include <stdlib.h>
#include <string.h>

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
    m.dtype = h.dtype;
    m.ndim = h.ndim;
    memcpy(m.shape, h.shape, sizeof m.shape);
    m.numel = h.numel;
    m.name = malloc(6);
    size_t es = hdnet_dtype_size(h.dtype);
    m.data = h.numel ? malloc(h.numel * es) : NULL;
    if (!m.name || (h.numel && !m.data)) {
        free(m.name);
        free(m.data);
        hdnet_npz_free(z);
        return hdnet__error(HDNET_ENOMEM, "cannot allocate %zu elements", h.numel);
    }
    memcpy(m.name, "arr_0", 6);
    hdnet__copy_elems(m.data, (const unsigned char *)buf + h.data_off, h.numel, es, h.swap);
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
