/* Test helpers shared by the suites. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

double tu_max_rel_diff_f(const float *a, const float *b, size_t n, size_t *where)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]) / fmax(1.0, fabs((double)b[i]));
        if (!(d <= worst)) { /* NaN counts as worst */
            worst = isnan(d) ? INFINITY : d;
            if (where)
                *where = i;
        }
    }
    return worst;
}

const char *tu_data_path(const char *name)
{
    static _Thread_local char buf[512];
    snprintf(buf, sizeof buf, "data/%s", name);
    return buf;
}

void *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

void *tu_npz_member(const hdnet_npz *z, size_t i, const char **name, int *dtype, size_t *shape, size_t *ndim,
                    size_t *n)
{
    ck_assert_ok(hdnet_npz_name(z, i, name));
    ck_assert_ok(hdnet_npz_info(z, *name, dtype, shape, HDNET_NPY_MAXDIM, ndim));
    *n = 1;
    for (size_t d = 0; d < *ndim; d++)
        *n *= shape[d];
    void *data = malloc(*n * hdnet_dtype_size(*dtype) + 1);
    ck_assert_ptr_nonnull(data);
    ck_assert_ok(hdnet_npz_read(z, *name, *dtype, data, *n));
    return data;
}
