/* Files: .npy, .npz (ZIP stored, CRC-32), model files, atomic writes, hostile input. */
#include "testutil.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---- */

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Independent bitwise CRC-32 (no table), to cross-check the library's. */
static uint32_t crc_ref(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* A test-side ZIP writer: stored members with given names and raw bytes. */
typedef struct {
    const char *name;        /* full member name, e.g. "a.npy" */
    const unsigned char *data;
    size_t size;
    int method;              /* 0 = stored */
    int flags;
    uint32_t crc_xor;        /* corrupt the CRC in both headers */
    int same_offset_as;      /* -1, or reuse that member's local header offset */
} zmem;

static unsigned char *zip_build(const zmem *m, size_t n, size_t *len)
{
    size_t cap = 22 + 100;
    for (size_t i = 0; i < n; i++)
        cap += 2 * (46 + strlen(m[i].name)) + m[i].size;
    unsigned char *b = calloc(1, cap);
    size_t off = 0, *lho = calloc(n + 1, sizeof *lho);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(m[i].name);
        if (m[i].same_offset_as >= 0) {
            lho[i] = lho[m[i].same_offset_as];
            continue;
        }
        lho[i] = off;
        unsigned char *h = b + off;
        uint32_t c = crc_ref(m[i].data, m[i].size) ^ m[i].crc_xor;
        put32(h, 0x04034b50u);
        put16(h + 4, 20);
        put16(h + 6, (uint32_t)m[i].flags);
        put16(h + 8, (uint32_t)m[i].method);
        put32(h + 14, c);
        put32(h + 18, (uint32_t)m[i].size);
        put32(h + 22, (uint32_t)m[i].size);
        put16(h + 26, (uint32_t)nl);
        memcpy(h + 30, m[i].name, nl);
        memcpy(h + 30 + nl, m[i].data, m[i].size);
        off += 30 + nl + m[i].size;
    }
    size_t cd = off;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(m[i].name);
        unsigned char *h = b + off;
        put32(h, 0x02014b50u);
        put16(h + 4, 20);
        put16(h + 6, 20);
        put16(h + 8, (uint32_t)m[i].flags);
        put16(h + 10, (uint32_t)m[i].method);
        put32(h + 16, crc_ref(m[i].data, m[i].size) ^ m[i].crc_xor);
        put32(h + 20, (uint32_t)m[i].size);
        put32(h + 24, (uint32_t)m[i].size);
        put16(h + 28, (uint32_t)nl);
        put32(h + 42, (uint32_t)lho[i]);
        memcpy(h + 46, m[i].name, nl);
        off += 46 + nl;
    }
    unsigned char *e = b + off;
    put32(e, 0x06054b50u);
    put16(e + 8, (uint32_t)n);
    put16(e + 10, (uint32_t)n);
    put32(e + 12, (uint32_t)(off - cd));
    put32(e + 16, (uint32_t)cd);
    *len = off + 22;
    free(lho);
    return b;
}

/* .npy bytes with a given header dict (padded to 64) and data size. */
static unsigned char *npy_raw(const char *dict, size_t data_bytes, size_t *len)
{
    size_t d = strlen(dict), hs = (10 + d + 1 + 63) / 64 * 64;
    unsigned char *b = calloc(1, hs + data_bytes + 1);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    put16(b + 8, (uint32_t)(hs - 10));
    memcpy(b + 10, dict, d);
    memset(b + 10 + d, ' ', hs - 10 - d - 1);
    b[hs - 1] = '\n';
    for (size_t i = 0; i < data_bytes; i++)
        b[hs + i] = (unsigned char)(i * 7);
    *len = hs + data_bytes;
    return b;
}

/* Load an archive made of one member "a.npy" with the given npy bytes. */
static int load_one_member(const unsigned char *npy, size_t n)
{
    zmem m = {"a.npy", npy, n, 0, 0, 0, -1};
    size_t len;
    unsigned char *zip = zip_build(&m, 1, &len);
    hdnet_npz *z = (hdnet_npz *)1;
    int rc = hdnet_npz_load_mem(&z, zip, len);
    ck_assert(rc == HDNET_OK ? z != NULL : z == NULL);
    hdnet_npz_free(z);
    free(zip);
    return rc;
}

static int load_dict(const char *dict, size_t data_bytes)
{
    size_t n;
    unsigned char *npy = npy_raw(dict, data_bytes, &n);
    hdnet_npz *z = (hdnet_npz *)1;
    int rc = hdnet_npy_load_mem(&z, npy, n);
    ck_assert(rc == HDNET_OK ? z != NULL : z == NULL);
    hdnet_npz_free(z);
    int rc2 = load_one_member(npy, n);
    ck_assert_int_eq(rc, rc2); /* same verdict alone and inside an archive */
    free(npy);
    return rc;
}

/* A small archive of several dtypes and ranks. */
static hdnet_npz *sample_archive(void)
{
    hdnet_npz *z;
    ck_assert_ok(hdnet_npz_create(&z));
    float f[6];
    for (int i = 0; i < 6; i++)
        f[i] = 0.1f * (float)i - 0.3f;
    double d = -2.5;
    int64_t k[4] = {-1, 0, INT64_MAX, INT64_MIN};
    int32_t w[3] = {7, -8, INT32_MIN};
    size_t s23[2] = {2, 3}, s4 = 4, s3 = 3;
    ck_assert_ok(hdnet_npz_add(z, "W", HDNET_DTYPE_F32, f, s23, 2));
    ck_assert_ok(hdnet_npz_add(z, "scalar", HDNET_DTYPE_F64, &d, NULL, 0));
    ck_assert_ok(hdnet_npz_add(z, "k", HDNET_DTYPE_I64, k, &s4, 1));
    ck_assert_ok(hdnet_npz_add(z, "w", HDNET_DTYPE_I32, w, &s3, 1));
    ck_assert_ok(hdnet_npz_add_text(z, "text", "hello=1\n"));
    return z;
}

static unsigned char *sample_bytes(size_t *len)
{
    hdnet_npz *z = sample_archive();
    ck_assert_ok(hdnet_npz_save_mem(z, NULL, 0, len));
    unsigned char *b = malloc(*len);
    ck_assert_ok(hdnet_npz_save_mem(z, b, *len, len));
    hdnet_npz_free(z);
    return b;
}

/* Two archives hold the same members (names, order, dtypes, shapes, bytes). */
static void assert_same_archive(const hdnet_npz *a, const hdnet_npz *b)
{
    ck_assert_uint_eq(hdnet_npz_count(a), hdnet_npz_count(b));
    for (size_t i = 0; i < hdnet_npz_count(a); i++) {
        const char *na, *nb;
        ck_assert_ok(hdnet_npz_name(a, i, &na));
        ck_assert_ok(hdnet_npz_name(b, i, &nb));
        ck_assert_str_eq(na, nb);
        int ta, tb;
        size_t sa[HDNET_NPY_MAXDIM], sb[HDNET_NPY_MAXDIM], da, db;
        ck_assert_ok(hdnet_npz_info(a, na, &ta, sa, HDNET_NPY_MAXDIM, &da));
        ck_assert_ok(hdnet_npz_info(b, nb, &tb, sb, HDNET_NPY_MAXDIM, &db));
        ck_assert_int_eq(ta, tb);
        ck_assert_uint_eq(da, db);
        size_t n = 1;
        for (size_t j = 0; j < da; j++) {
            ck_assert_uint_eq(sa[j], sb[j]);
            n *= sa[j];
        }
        size_t bytes = n * hdnet_dtype_size(ta);
        unsigned char *xa = malloc(bytes + 1), *xb = malloc(bytes + 1);
        ck_assert_ok(hdnet_npz_read(a, na, ta, xa, n));
        ck_assert_ok(hdnet_npz_read(b, nb, tb, xb, n));
        ck_assert(memcmp(xa, xb, bytes) == 0);
        free(xa);
        free(xb);
    }
}

/* A fresh empty directory under /tmp. */
static char *tmpdir(void)
{
    char *d = strdup("/tmp/hdnet-io-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

static int count_dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(dir);
}

/* ---- npy ---- */

START_TEST(dtype_table)
{
    size_t sizes[HDNET_DTYPE_COUNT] = {4, 8, 8, 4, 1};
    const char *names[HDNET_DTYPE_COUNT] = {"float32", "float64", "int64", "int32", "uint8"};
    for (int t = 0; t < HDNET_DTYPE_COUNT; t++) {
        ck_assert_uint_eq(hdnet_dtype_size(t), sizes[t]);
        ck_assert_str_eq(hdnet_dtype_name(t), names[t]);
    }
    ck_assert_uint_eq(hdnet_dtype_size(-1), 0);
    ck_assert_uint_eq(hdnet_dtype_size(HDNET_DTYPE_COUNT), 0);
    ck_assert_ptr_null(hdnet_dtype_name(HDNET_DTYPE_COUNT));
    ck_assert_ptr_null(hdnet_dtype_name(-1));
}
END_TEST

START_TEST(npy_format)
{
    /* the exact bytes NumPy 1.x writes for a float32 [2][3] array */
    float f[6];
    for (int i = 0; i < 6; i++)
        f[i] = 0.25f * (float)i - 1;
    size_t shape[2] = {2, 3}, len;
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, shape, 2, NULL, 0, &len));
    unsigned char *b = malloc(len);
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, shape, 2, b, len, &len));
    ck_assert_uint_eq(len, 128 + 24);
    ck_assert(memcmp(b, "\x93NUMPY\x01\x00\x76\x00", 10) == 0);
    const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    ck_assert(memcmp(b + 10, dict, strlen(dict)) == 0);
    ck_assert_int_eq(b[127], '\n');
    ck_assert_int_eq(b[126], ' ');
    ck_assert(memcmp(b + 128, f, 24) == 0);
    /* NumPy wrote the same array with this header (fixture); compare headers */
    size_t flen;
    unsigned char *fx = tu_read_file(tu_data_path("io/f4_2x3.npy"), &flen);
    ck_assert_ptr_nonnull(fx);
    ck_assert_uint_eq(flen, len);
    ck_assert(memcmp(fx, b, len) == 0);
    free(fx);
    /* too small a buffer */
    size_t l2 = 0;
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, shape, 2, b, len - 1, &l2), HDNET_ESHAPE);
    ck_assert_uint_eq(l2, len);
    free(b);

    /* header text for scalars and 1-D arrays */
    double d = 1;
    unsigned char s[256];
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_F64, &d, NULL, 0, s, sizeof s, &len));
    ck_assert_ptr_nonnull(strstr((char *)s + 10, "'descr': '<f8', 'fortran_order': False, 'shape': (), }"));
    ck_assert_uint_eq(len, 128 + 8); /* a 56-byte dict does not fit the first 64 */
    uint8_t u[3] = {1, 2, 3};
    size_t n3 = 3;
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_U8, u, &n3, 1, s, sizeof s, &len));
    ck_assert_ptr_nonnull(strstr((char *)s + 10, "'descr': '|u1', 'fortran_order': False, 'shape': (3,), }"));
}
END_TEST

START_TEST(npy_roundtrip_all)
{
    /* every dtype and ranks 0..4, through memory and back */
    size_t shape[4] = {2, 3, 1, 2};
    unsigned char data[24 * 8];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    for (int t = 0; t < HDNET_DTYPE_COUNT; t++)
        for (size_t nd = 0; nd <= 4; nd++) {
            size_t numel = 1;
            for (size_t j = 0; j < nd; j++)
                numel *= shape[j];
            size_t len;
            ck_assert_ok(hdnet_npy_save_mem(t, data, shape, nd, NULL, 0, &len));
            unsigned char *b = malloc(len);
            ck_assert_ok(hdnet_npy_save_mem(t, data, shape, nd, b, len, &len));
            ck_assert_uint_eq((len - numel * hdnet_dtype_size(t)) % 64, 0);
            hdnet_npz *z;
            ck_assert_ok(hdnet_npy_load_mem(&z, b, len));
            ck_assert_uint_eq(hdnet_npz_count(z), 1);
            const char *name;
            ck_assert_ok(hdnet_npz_name(z, 0, &name));
            ck_assert_str_eq(name, "arr_0");
            int dt;
            size_t sh[HDNET_NPY_MAXDIM], ndim;
            ck_assert_ok(hdnet_npz_info(z, "arr_0", &dt, sh, HDNET_NPY_MAXDIM, &ndim));
            ck_assert_int_eq(dt, t);
            ck_assert_uint_eq(ndim, nd);
            for (size_t j = 0; j < nd; j++)
                ck_assert_uint_eq(sh[j], shape[j]);
            unsigned char back[sizeof data];
            ck_assert_ok(hdnet_npz_read(z, "arr_0", t, back, numel));
            ck_assert(memcmp(back, data, numel * hdnet_dtype_size(t)) == 0);
            hdnet_npz_free(z);
            free(b);
        }
}
END_TEST

START_TEST(npy_errors)
{
    float f[4] = {0};
    size_t shape[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, len;
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, shape, 1, NULL, 0, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_save_mem(-1, f, shape, 1, NULL, 0, &len), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_COUNT, f, shape, 1, NULL, 0, &len), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, shape, 9, NULL, 0, &len), HDNET_EINVAL);
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, shape, 8, NULL, 0, &len));
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, NULL, 2, NULL, 0, &len), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_F32, NULL, shape, 1, NULL, 0, &len), HDNET_EINVAL);
    size_t zero = 0;
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_F32, NULL, &zero, 1, NULL, 0, &len)); /* empty */
    size_t big[2] = {65536, 65536};
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, big, 2, NULL, 0, &len), HDNET_ERANGE);
    size_t huge[3] = {SIZE_MAX, SIZE_MAX, 0};
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, huge, 3, NULL, 0, &len), HDNET_ERANGE);
    size_t over[2] = {(size_t)HDNET_NPY_MAX_ELEMS + 1, 1};
    ck_assert_status(hdnet_npy_save_mem(HDNET_DTYPE_U8, f, over, 2, NULL, 0, &len), HDNET_ERANGE);
    size_t at[1] = {HDNET_NPY_MAX_ELEMS}; /* the limit itself is allowed (size query only) */
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_U8, f, at, 1, NULL, 0, &len));
    ck_assert_uint_eq(len, 128 + (size_t)HDNET_NPY_MAX_ELEMS);

    ck_assert_status(hdnet_npy_save(NULL, HDNET_DTYPE_F32, f, shape, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_save("x.npy", 99, f, shape, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_save("x.npy", HDNET_DTYPE_U8, f, over, 2), HDNET_ERANGE);
    ck_assert_status(hdnet_npy_save("/nonexistent-dir/x.npy", HDNET_DTYPE_F32, f, shape, 1), HDNET_EIO);
    ck_assert_status(hdnet_npy_save("", HDNET_DTYPE_F32, f, shape, 1), HDNET_EIO);

    hdnet_npz *z = (hdnet_npz *)1;
    ck_assert_status(hdnet_npy_load(NULL, "x"), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_load(&z, NULL), HDNET_EINVAL);
    ck_assert_ptr_null(z);
    z = (hdnet_npz *)1;
    ck_assert_status(hdnet_npy_load(&z, "/nonexistent-dir/x.npy"), HDNET_EIO);
    ck_assert_ptr_null(z);
    ck_assert_status(hdnet_npy_load(&z, "/tmp"), HDNET_EIO); /* a directory */
    ck_assert_status(hdnet_npy_load_mem(NULL, f, 4), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_load_mem(&z, NULL, 4), HDNET_EINVAL);
    ck_assert_status(hdnet_npy_load_mem(&z, NULL, 0), HDNET_EFORMAT);
}
END_TEST

START_TEST(npy_file)
{
    char *dir = tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/a.npy", dir);
    int64_t k[5] = {1, -2, 3, -4, 5};
    size_t n = 5, len;
    ck_assert_ok(hdnet_npy_save(path, HDNET_DTYPE_I64, k, &n, 1));
    unsigned char *b = tu_read_file(path, &len), mem[256];
    size_t mlen;
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_I64, k, &n, 1, mem, sizeof mem, &mlen));
    ck_assert_uint_eq(len, mlen);
    ck_assert(memcmp(b, mem, len) == 0);
    free(b);
    hdnet_npz *z;
    ck_assert_ok(hdnet_npy_load(&z, path));
    int64_t back[5];
    ck_assert_ok(hdnet_npz_read(z, "arr_0", HDNET_DTYPE_I64, back, 5));
    ck_assert(memcmp(back, k, sizeof k) == 0);
    hdnet_npz_free(z);
    ck_assert_int_eq(count_dir_entries(dir), 1); /* no temporary file left */
    rm_tree(dir);
    free(dir);
}
END_TEST

static hdnet_npz *load_fixture(const char *name)
{
    hdnet_npz *z;
    char p[128];
    snprintf(p, sizeof p, "io/%s", name);
    size_t l = strlen(name);
    if (!strcmp(name + l - 4, ".npz"))
        ck_assert_ok(hdnet_npz_load(&z, tu_data_path(p)));
    else
        ck_assert_ok(hdnet_npy_load(&z, tu_data_path(p)));
    return z;
}

static void check_f4(const hdnet_npz *z, const char *name)
{
    int dt;
    size_t sh[2], nd;
    ck_assert_ok(hdnet_npz_info(z, name, &dt, sh, 2, &nd));
    ck_assert_int_eq(dt, HDNET_DTYPE_F32);
    ck_assert_uint_eq(nd, 2);
    ck_assert_uint_eq(sh[0], 2);
    ck_assert_uint_eq(sh[1], 3);
    float f[6];
    ck_assert_ok(hdnet_npz_read(z, name, HDNET_DTYPE_F32, f, 6));
    for (int i = 0; i < 6; i++)
        ck_assert(f[i] == 0.25f * (float)i - 1);
}

static void check_f8(const hdnet_npz *z, const char *name)
{
    int dt;
    size_t nd = 99;
    ck_assert_ok(hdnet_npz_info(z, name, &dt, NULL, 0, &nd));
    ck_assert_int_eq(dt, HDNET_DTYPE_F64);
    ck_assert_uint_eq(nd, 0);
    double d;
    ck_assert_ok(hdnet_npz_read(z, name, HDNET_DTYPE_F64, &d, 1));
    ck_assert(d == 3.141592653589793);
}

static void check_i8(const hdnet_npz *z, const char *name)
{
    int dt;
    size_t sh[3], nd;
    ck_assert_ok(hdnet_npz_info(z, name, &dt, sh, 3, &nd));
    ck_assert_int_eq(dt, HDNET_DTYPE_I64);
    ck_assert_uint_eq(nd, 3);
    ck_assert(sh[0] == 2 && sh[1] == 3 && sh[2] == 4);
    int64_t k[24];
    ck_assert_ok(hdnet_npz_read(z, name, HDNET_DTYPE_I64, k, 24));
    for (int i = 0; i < 24; i++)
        ck_assert(k[i] == 7 * i - 50);
}

static void check_text(const hdnet_npz *z, const char *name)
{
    int dt;
    size_t sh[1], nd;
    ck_assert_ok(hdnet_npz_info(z, name, &dt, sh, 1, &nd));
    ck_assert_int_eq(dt, HDNET_DTYPE_U8);
    ck_assert_uint_eq(nd, 1);
    ck_assert_uint_eq(sh[0], 7);
    char t[8] = {0};
    ck_assert_ok(hdnet_npz_read(z, name, HDNET_DTYPE_U8, t, 7));
    ck_assert_str_eq(t, "tau=10\n");
}

START_TEST(numpy_fixtures)
{
    hdnet_npz *z = load_fixture("f4_2x3.npy");
    check_f4(z, "arr_0");
    hdnet_npz_free(z);
    z = load_fixture("f8_scalar.npy");
    check_f8(z, "arr_0");
    hdnet_npz_free(z);
    z = load_fixture("i8_2x3x4.npy");
    check_i8(z, "arr_0");
    hdnet_npz_free(z);
    z = load_fixture("u1_text.npy");
    check_text(z, "arr_0");
    hdnet_npz_free(z);
    z = load_fixture("f8_be.npy"); /* big-endian: swapped on read */
    double be[5];
    ck_assert_ok(hdnet_npz_read(z, "arr_0", HDNET_DTYPE_F64, be, 5));
    for (int i = 0; i < 5; i++)
        ck_assert(be[i] == i / 8.0 + 0.5);
    hdnet_npz_free(z);
    z = load_fixture("i4_empty.npy");
    size_t sh[2], nd;
    int dt;
    ck_assert_ok(hdnet_npz_info(z, "arr_0", &dt, sh, 2, &nd));
    ck_assert(dt == HDNET_DTYPE_I32 && nd == 2 && sh[0] == 0 && sh[1] == 3);
    ck_assert_ok(hdnet_npz_read(z, "arr_0", HDNET_DTYPE_I32, NULL, 0));
    hdnet_npz_free(z);

    z = (hdnet_npz *)1;
    ck_assert_status(hdnet_npy_load(&z, tu_data_path("io/fortran.npy")), HDNET_ENOTSUP);
    ck_assert_ptr_null(z);
    ck_assert_status(hdnet_npy_load(&z, tu_data_path("io/c8.npy")), HDNET_ENOTSUP);
    ck_assert_status(hdnet_npz_load(&z, tu_data_path("io/compressed.npz")), HDNET_ENOTSUP);
    /* an .npy is not an .npz and vice versa */
    ck_assert_status(hdnet_npz_load(&z, tu_data_path("io/f4_2x3.npy")), HDNET_EFORMAT);
    ck_assert_status(hdnet_npy_load(&z, tu_data_path("io/mixed.npz")), HDNET_EFORMAT);

    /* numpy.savez archive (ZIP64 extra fields in the local headers) */
    z = load_fixture("mixed.npz");
    ck_assert_uint_eq(hdnet_npz_count(z), 5);
    const char *want[5] = {"a", "b", "c", "d", "e"};
    for (size_t i = 0; i < 5; i++) {
        const char *name;
        ck_assert_ok(hdnet_npz_name(z, i, &name));
        ck_assert_str_eq(name, want[i]);
    }
    check_f4(z, "a");
    check_f8(z, "b");
    check_i8(z, "c");
    check_text(z, "d");
    int32_t e[4];
    ck_assert_ok(hdnet_npz_read(z, "e", HDNET_DTYPE_I32, e, 4));
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(e[i], i - 2);
    /* and what we write back is read back identically */
    size_t len;
    ck_assert_ok(hdnet_npz_save_mem(z, NULL, 0, &len));
    unsigned char *b = malloc(len);
    ck_assert_ok(hdnet_npz_save_mem(z, b, len, &len));
    hdnet_npz *z2;
    ck_assert_ok(hdnet_npz_load_mem(&z2, b, len));
    assert_same_archive(z, z2);
    hdnet_npz_free(z2);
    free(b);
    hdnet_npz_free(z);
}
END_TEST

/* ---- npz ---- */

START_TEST(crc32_values)
{
    /* the standard check value of CRC-32/ISO-HDLC */
    size_t len;
    unsigned char *b = sample_bytes(&len);
    /* every CRC the writer stored matches the independent bitwise CRC */
    size_t off = 0;
    int seen = 0;
    while (get32(b + off) == 0x04034b50u) {
        size_t sz = get32(b + off + 18), nl = b[off + 26] | b[off + 27] << 8;
        ck_assert_uint_eq(get32(b + off + 14), crc_ref(b + off + 30 + nl, sz));
        off += 30 + nl + sz;
        seen++;
    }
    ck_assert_int_eq(seen, 5);
    ck_assert_uint_eq(crc_ref((const unsigned char *)"123456789", 9), 0xCBF43926u);
    free(b);
}
END_TEST

START_TEST(npz_api)
{
    hdnet_npz *z = sample_archive();
    ck_assert_uint_eq(hdnet_npz_count(z), 5);
    ck_assert_uint_eq(hdnet_npz_count(NULL), 0);
    const char *name;
    ck_assert_ok(hdnet_npz_name(z, 4, &name));
    ck_assert_str_eq(name, "text");
    ck_assert_status(hdnet_npz_name(z, 5, &name), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_name(NULL, 0, &name), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_name(z, 0, NULL), HDNET_EINVAL);

    /* info */
    int dt;
    size_t sh[2], nd;
    ck_assert_ok(hdnet_npz_info(z, "W", NULL, NULL, 0, NULL));
    ck_assert_status(hdnet_npz_info(z, "W", &dt, sh, 1, &nd), HDNET_ESHAPE);
    ck_assert_uint_eq(nd, 2);
    ck_assert_status(hdnet_npz_info(z, "nope", &dt, sh, 2, &nd), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_info(NULL, "W", &dt, sh, 2, &nd), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_info(z, NULL, &dt, sh, 2, &nd), HDNET_EINVAL);

    /* read and exact conversions */
    float f[8];
    double d[6];
    ck_assert_ok(hdnet_npz_read(z, "W", HDNET_DTYPE_F32, f, 6));
    ck_assert_ok(hdnet_npz_read(z, "W", HDNET_DTYPE_F64, d, 6));
    for (int i = 0; i < 6; i++)
        ck_assert(d[i] == (double)f[i] && f[i] == 0.1f * (float)i - 0.3f);
    ck_assert_status(hdnet_npz_read(z, "W", HDNET_DTYPE_F32, f, 5), HDNET_ESHAPE);
    ck_assert_status(hdnet_npz_read(z, "W", HDNET_DTYPE_F32, NULL, 6), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_read(z, "scalar", HDNET_DTYPE_F32, f, 1), HDNET_EFORMAT);
    ck_assert_status(hdnet_npz_read(z, "W", HDNET_DTYPE_I64, d, 6), HDNET_EFORMAT);
    ck_assert_status(hdnet_npz_read(z, "k", HDNET_DTYPE_I32, d, 6), HDNET_EFORMAT);
    ck_assert_status(hdnet_npz_read(z, "k", HDNET_DTYPE_F64, d, 6), HDNET_EFORMAT);
    ck_assert_status(hdnet_npz_read(z, "W", 17, f, 6), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_read(z, "none", HDNET_DTYPE_F32, f, 6), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_read(NULL, "W", HDNET_DTYPE_F32, f, 6), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_read(z, NULL, HDNET_DTYPE_F32, f, 6), HDNET_EINVAL);
    int64_t k[3];
    ck_assert_ok(hdnet_npz_read(z, "w", HDNET_DTYPE_I64, k, 3));
    ck_assert(k[0] == 7 && k[1] == -8 && k[2] == INT32_MIN);
    ck_assert_ok(hdnet_npz_read(z, "w", HDNET_DTYPE_F64, d, 3));
    ck_assert(d[0] == 7 && d[1] == -8 && d[2] == (double)INT32_MIN);
    char text[9] = {0};
    ck_assert_ok(hdnet_npz_read(z, "text", HDNET_DTYPE_U8, text, 8));
    ck_assert_str_eq(text, "hello=1\n");
    ck_assert_ok(hdnet_npz_read(z, "text", HDNET_DTYPE_F32, f, 8));
    ck_assert(f[0] == 'h' && f[5] == '=');
    int32_t w[8];
    ck_assert_ok(hdnet_npz_read(z, "text", HDNET_DTYPE_I32, w, 8));
    ck_assert(w[7] == '\n');
    ck_assert_status(hdnet_npz_read(z, "text", HDNET_DTYPE_I64, k, 3), HDNET_ESHAPE);

    /* add errors leave the archive unchanged */
    size_t two = 2;
    ck_assert_status(hdnet_npz_add(z, "W", HDNET_DTYPE_F32, f, &two, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add(z, "", HDNET_DTYPE_F32, f, &two, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add(z, "a/b", HDNET_DTYPE_F32, f, &two, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add(z, "a\\b", HDNET_DTYPE_F32, f, &two, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add(z, "a\nb", HDNET_DTYPE_F32, f, &two, 1), HDNET_EINVAL);
    char longname[202];
    memset(longname, 'x', 201);
    longname[201] = '\0';
    ck_assert_status(hdnet_npz_add(z, longname, HDNET_DTYPE_F32, f, &two, 1), HDNET_EINVAL);
    longname[200] = '\0';
    ck_assert_status(hdnet_npz_add(NULL, "x", HDNET_DTYPE_F32, f, &two, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add(z, NULL, HDNET_DTYPE_F32, f, &two, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add(z, "x", 9, f, &two, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add(z, "x", HDNET_DTYPE_F32, NULL, &two, 1), HDNET_EINVAL);
    size_t big[2] = {1u << 20, 1u << 20};
    ck_assert_status(hdnet_npz_add(z, "x", HDNET_DTYPE_F32, f, big, 2), HDNET_ERANGE);
    ck_assert_status(hdnet_npz_add_text(z, "t2", NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add_text(NULL, "t2", "x"), HDNET_EINVAL);
    ck_assert_uint_eq(hdnet_npz_count(z), 5);
    ck_assert_ok(hdnet_npz_add(z, longname, HDNET_DTYPE_F32, f, &two, 1)); /* 200 is allowed */
    ck_assert_ok(hdnet_npz_add(z, "empty", HDNET_DTYPE_F64, NULL, (size_t[]){0}, 1));

    /* save_mem errors */
    size_t len;
    ck_assert_status(hdnet_npz_save_mem(NULL, NULL, 0, &len), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_save_mem(z, NULL, 0, NULL), HDNET_EINVAL);
    ck_assert_ok(hdnet_npz_save_mem(z, NULL, 0, &len));
    unsigned char *b = malloc(len);
    size_t l2 = 0;
    ck_assert_status(hdnet_npz_save_mem(z, b, len - 1, &l2), HDNET_ESHAPE);
    ck_assert_uint_eq(l2, len);
    ck_assert_ok(hdnet_npz_save_mem(z, b, len, &l2));
    hdnet_npz *z2;
    ck_assert_ok(hdnet_npz_load_mem(&z2, b, len));
    assert_same_archive(z, z2);
    hdnet_npz_free(z2);
    free(b);
    hdnet_npz_free(z);
    hdnet_npz_free(NULL);

    ck_assert_status(hdnet_npz_create(NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_load(NULL, "x"), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_load(&z, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_load(&z, "/nonexistent-dir/x.npz"), HDNET_EIO);
    ck_assert_status(hdnet_npz_load_mem(NULL, "x", 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_load_mem(&z, NULL, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_save(NULL, "x"), HDNET_EINVAL);
}
END_TEST

START_TEST(npz_roundtrip_bytes)
{
    /* save -> load -> save gives the same bytes; an empty archive too */
    size_t len, len2;
    unsigned char *b = sample_bytes(&len);
    hdnet_npz *z;
    ck_assert_ok(hdnet_npz_load_mem(&z, b, len));
    ck_assert_ok(hdnet_npz_save_mem(z, NULL, 0, &len2));
    ck_assert_uint_eq(len, len2);
    unsigned char *b2 = malloc(len2);
    ck_assert_ok(hdnet_npz_save_mem(z, b2, len2, &len2));
    ck_assert(memcmp(b, b2, len) == 0);
    hdnet_npz *orig = sample_archive();
    assert_same_archive(orig, z);
    hdnet_npz_free(orig);
    hdnet_npz_free(z);
    free(b);
    free(b2);

    ck_assert_ok(hdnet_npz_create(&z));
    unsigned char e[64];
    ck_assert_ok(hdnet_npz_save_mem(z, e, sizeof e, &len));
    ck_assert_uint_eq(len, 22);
    hdnet_npz_free(z);
    ck_assert_ok(hdnet_npz_load_mem(&z, e, len));
    ck_assert_uint_eq(hdnet_npz_count(z), 0);
    hdnet_npz_free(z);
}
END_TEST

START_TEST(npz_file_atomic)
{
    char *dir = tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/m.npz", dir);
    hdnet_npz *z = sample_archive(), *z2;
    ck_assert_ok(hdnet_npz_save(z, path));
    ck_assert_int_eq(count_dir_entries(dir), 1);
    /* replace with a different archive */
    ck_assert_ok(hdnet_npz_add_text(z, "more", "x"));
    ck_assert_ok(hdnet_npz_save(z, path));
    ck_assert_int_eq(count_dir_entries(dir), 1);
    ck_assert_ok(hdnet_npz_load(&z2, path));
    assert_same_archive(z, z2);
    hdnet_npz_free(z2);
    size_t flen, mlen;
    unsigned char *fb = tu_read_file(path, &flen);
    ck_assert_ok(hdnet_npz_save_mem(z, NULL, 0, &mlen));
    unsigned char *mb = malloc(mlen);
    ck_assert_ok(hdnet_npz_save_mem(z, mb, mlen, &mlen));
    ck_assert_uint_eq(flen, mlen);
    ck_assert(memcmp(fb, mb, flen) == 0);
    free(fb);
    free(mb);
    /* failures: a missing directory, a directory as target, a file as directory */
    char bad[600];
    snprintf(bad, sizeof bad, "%s/missing/m.npz", dir);
    ck_assert_status(hdnet_npz_save(z, bad), HDNET_EIO);
    ck_assert_status(hdnet_npz_save(z, dir), HDNET_EIO);
    snprintf(bad, sizeof bad, "%s/m.npz/x.npz", dir);
    ck_assert_status(hdnet_npz_save(z, bad), HDNET_EIO);
    ck_assert_int_eq(count_dir_entries(dir), 1); /* nothing left behind */
    if (geteuid() != 0) { /* root ignores permissions */
        chmod(dir, 0555);
        ck_assert_status(hdnet_npz_save(z, path), HDNET_EIO);
        chmod(dir, 0755);
    }
    ck_assert_ok(hdnet_npz_load(&z2, path)); /* the old file is intact */
    assert_same_archive(z, z2);
    hdnet_npz_free(z2);
    /* empty and short files */
    snprintf(bad, sizeof bad, "%s/empty.npz", dir);
    FILE *f = fopen(bad, "wb");
    fclose(f);
    z2 = (hdnet_npz *)1;
    ck_assert_status(hdnet_npz_load(&z2, bad), HDNET_EFORMAT);
    ck_assert_ptr_null(z2);
    ck_assert_status(hdnet_npy_load(&z2, bad), HDNET_EFORMAT);
    hdnet_npz_free(z);
    rm_tree(dir);
    free(dir);
}
END_TEST

/* A child rewrites the file between two versions and is killed at random
 * moments; the file must always load as one of the two versions. */
START_TEST(npz_kill_during_save)
{
    char *dir = tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/ck.npz", dir);
    hdnet_npz *za, *zb;
    ck_assert_ok(hdnet_npz_create(&za));
    ck_assert_ok(hdnet_npz_create(&zb));
    size_t n = 1u << 19;
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)i;
    ck_assert_ok(hdnet_npz_add(za, "v", HDNET_DTYPE_F32, v, &n, 1));
    for (size_t i = 0; i < n; i++)
        v[i] = -(float)i;
    ck_assert_ok(hdnet_npz_add(zb, "v", HDNET_DTYPE_F32, v, &n, 1));
    ck_assert_ok(hdnet_npz_save(za, path));
    unsigned seed = (unsigned)time(NULL);
    for (int round = 0; round < 12; round++) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            for (int i = 0;; i++)
                if (hdnet_npz_save(i % 2 ? za : zb, path) != HDNET_OK)
                    _exit(3);
        }
        seed = seed * 1103515245u + 12345u;
        struct timespec ts = {0, (long)(2000000 + (seed >> 8) % 30000000)};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        ck_assert(WIFSIGNALED(st));
        hdnet_npz *z;
        ck_assert_ok(hdnet_npz_load(&z, path));
        float first[2];
        ck_assert_ok(hdnet_npz_read(z, "v", HDNET_DTYPE_F32, v, n));
        first[0] = v[1];
        first[1] = v[n - 1];
        ck_assert(first[0] == 1.0f || first[0] == -1.0f);
        ck_assert(first[1] == first[0] * (float)(n - 1));
        hdnet_npz_free(z);
    }
    free(v);
    hdnet_npz_free(za);
    hdnet_npz_free(zb);
    /* temporary files of writers killed mid-save remain: removed here */
    if (getenv("HDNET_IO_DEBUG"))
        fprintf(stderr, "kill test: %d entries left\n", count_dir_entries(dir));
    rm_tree(dir);
    free(dir);
}
END_TEST

/* ---- hostile input ---- */

START_TEST(hostile_truncation)
{
    size_t len;
    unsigned char *b = sample_bytes(&len);
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *c = malloc(cut ? cut : 1);
        memcpy(c, b, cut);
        hdnet_npz *z = (hdnet_npz *)1;
        int rc = hdnet_npz_load_mem(&z, c, cut);
        ck_assert_msg(rc == HDNET_EFORMAT, "cut at %zu: %d %s", cut, rc, hdnet_errmsg());
        ck_assert_ptr_null(z);
        free(c);
    }
    /* every truncation of a .npy */
    float f[6] = {1, 2, 3, 4, 5, 6};
    size_t sh[2] = {2, 3}, nl;
    unsigned char npy[256];
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, sh, 2, npy, sizeof npy, &nl));
    for (size_t cut = 0; cut < nl; cut++) {
        hdnet_npz *z = (hdnet_npz *)1;
        ck_assert_status(hdnet_npy_load_mem(&z, npy, cut), HDNET_EFORMAT);
        ck_assert_ptr_null(z);
    }
    /* trailing bytes */
    hdnet_npz *z;
    ck_assert_status(hdnet_npy_load_mem(&z, npy, nl + 1), HDNET_EFORMAT);
    free(b);
}
END_TEST

START_TEST(hostile_byte_flips)
{
    /* Flip each byte: the load fails cleanly, or (for fields the reader
     * ignores, e.g. timestamps) succeeds with the original contents. */
    size_t len;
    unsigned char *b = sample_bytes(&len);
    hdnet_npz *orig;
    ck_assert_ok(hdnet_npz_load_mem(&orig, b, len));
    size_t ok = 0, fail = 0;
    const unsigned char masks[3] = {0xff, 0x01, 0x80};
    for (size_t i = 0; i < len; i++)
        for (int k = 0; k < 3; k++) {
            b[i] ^= masks[k];
            hdnet_npz *z = (hdnet_npz *)1;
            int rc = hdnet_npz_load_mem(&z, b, len);
            ck_assert_msg(rc == HDNET_OK || rc == HDNET_EFORMAT || rc == HDNET_ENOTSUP,
                          "byte %zu ^ %02x: %d", i, masks[k], rc);
            if (rc == HDNET_OK) {
                assert_same_archive(orig, z);
                hdnet_npz_free(z);
                ok++;
            } else {
                ck_assert_ptr_null(z);
                fail++;
            }
            b[i] ^= masks[k];
        }
    /* every byte of every member's .npy bytes is covered by its CRC */
    size_t off = 0;
    while (get32(b + off) == 0x04034b50u) {
        size_t sz = get32(b + off + 18), nl = b[off + 26] | b[off + 27] << 8;
        for (size_t i = off + 30 + nl; i < off + 30 + nl + sz; i += 7) {
            b[i] ^= 0x10;
            hdnet_npz *z;
            ck_assert_status(hdnet_npz_load_mem(&z, b, len), HDNET_EFORMAT);
            b[i] ^= 0x10;
        }
        off += 30 + nl + sz;
    }
    ck_assert_uint_gt(fail, ok); /* most fields are checked */
    hdnet_npz_free(orig);
    free(b);
}
END_TEST

START_TEST(hostile_zip_structure)
{
    float f[2] = {1, 2};
    size_t two = 2, nl, len;
    unsigned char npy[256];
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_F32, f, &two, 1, npy, sizeof npy, &nl));
    hdnet_npz *z;
    unsigned char *zip;

    /* a valid two-member archive from the test writer */
    zmem m[3] = {{"a.npy", npy, nl, 0, 0, 0, -1}, {"b.npy", npy, nl, 0, 0, 0, -1},
                 {"c.npy", npy, nl, 0, 0, 0, -1}};
    zip = zip_build(m, 2, &len);
    ck_assert_ok(hdnet_npz_load_mem(&z, zip, len));
    ck_assert_uint_eq(hdnet_npz_count(z), 2);
    hdnet_npz_free(z);
    /* a comment after the end record is allowed; a wrong comment length is not */
    unsigned char *zc = malloc(len + 5);
    memcpy(zc, zip, len);
    memcpy(zc + len, "hello", 5);
    put16(zc + len - 2, 5);
    ck_assert_ok(hdnet_npz_load_mem(&z, zc, len + 5));
    hdnet_npz_free(z);
    put16(zc + len - 2, 4);
    ck_assert_status(hdnet_npz_load_mem(&z, zc, len + 5), HDNET_EFORMAT);
    free(zc);
    /* ZIP64 end locator before the end record */
    zc = malloc(len + 20);
    memcpy(zc, zip, len - 22);
    memset(zc + len - 22, 0, 20);
    put32(zc + len - 22, 0x07064b50u);
    memcpy(zc + len - 2, zip + len - 22, 22);
    ck_assert_status(hdnet_npz_load_mem(&z, zc, len + 20), HDNET_ENOTSUP);
    free(zc);
    /* end-record fields */
    unsigned char *e = zip + len - 22;
    put16(e + 10, 3);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_ENOTSUP); /* disk counts differ */
    put16(e + 8, 3);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT); /* 3 entries, room for 2 */
    put16(e + 8, 200);
    put16(e + 10, 200);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put16(e + 8, 0xffff);
    put16(e + 10, 0xffff);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT); /* literal count */
    put16(e + 8, 2);
    put16(e + 10, 2);
    put16(e + 4, 1);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_ENOTSUP);
    put16(e + 4, 0);
    uint32_t cdo = get32(e + 16);
    put32(e + 16, cdo + 1);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put32(e + 16, 0xffffffffu);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put32(e + 16, cdo);
    put32(e + 12, get32(e + 12) + 1);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    free(zip);

    /* bad CRC, consistent in both headers */
    m[1].crc_xor = 0x00010000u;
    zip = zip_build(m, 2, &len);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    ck_assert_ptr_nonnull(strstr(hdnet_errmsg(), "CRC"));
    free(zip);
    m[1].crc_xor = 0;
    /* compressed, encrypted */
    m[1].method = 8;
    zip = zip_build(m, 2, &len);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_ENOTSUP);
    free(zip);
    m[1].method = 0;
    m[1].flags = 1;
    zip = zip_build(m, 2, &len);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_ENOTSUP);
    free(zip);
    /* data descriptor flag: local sizes are not checked, central ones are */
    m[1].flags = 8;
    zip = zip_build(m, 2, &len);
    ck_assert_ok(hdnet_npz_load_mem(&z, zip, len));
    hdnet_npz_free(z);
    free(zip);
    m[1].flags = 0;
    /* duplicate names */
    m[1].name = "a.npy";
    zip = zip_build(m, 2, &len);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    ck_assert_ptr_nonnull(strstr(hdnet_errmsg(), "duplicate"));
    free(zip);
    /* the same local entry listed twice (would double the allocation) */
    m[1].same_offset_as = 0;
    zip = zip_build(m, 2, &len);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    free(zip);
    m[1].same_offset_as = -1;
    /* names that are not "<name>.npy" */
    const char *bad_names[] = {"a.txt", ".npy", "dir/a.npy", "a\x01.npy", "a"};
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
        m[1].name = bad_names[i];
        zip = zip_build(m, 2, &len);
        ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
        free(zip);
    }
    m[1].name = "b.npy";
    /* local header disagreeing with the central directory */
    zip = zip_build(m, 2, &len);
    size_t second = 30 + 5 + nl;
    zip[second + 30] = 'x'; /* local name */
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    zip[second + 30] = 'b';
    put32(zip + second + 18, (uint32_t)nl + 1);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put32(zip + second + 18, (uint32_t)nl);
    put16(zip + second + 28, 4000); /* extra field running into the directory */
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put16(zip + second + 28, 0);
    put32(zip + second, 0x04034b51u);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put32(zip + second, 0x04034b50u);
    ck_assert_ok(hdnet_npz_load_mem(&z, zip, len));
    hdnet_npz_free(z);
    /* central entry pointing past the directory */
    size_t cd = get32(zip + len - 22 + 16);
    put32(zip + cd + 46 + 5 + 42, (uint32_t)len);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put32(zip + cd + 46 + 5 + 42, (uint32_t)second);
    put32(zip + cd + 46 + 5 + 24, 0xffffffffu); /* ZIP64 size marker */
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_ENOTSUP);
    put32(zip + cd + 46 + 5 + 24, (uint32_t)nl + 1); /* sizes differ */
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put32(zip + cd + 46 + 5 + 24, (uint32_t)nl);
    put32(zip + cd + 46 + 5 + 20, (uint32_t)nl + 1);
    put32(zip + cd + 46 + 5 + 24, (uint32_t)nl + 1); /* size past the directory */
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put32(zip + cd + 46 + 5 + 20, (uint32_t)nl);
    put32(zip + cd + 46 + 5 + 24, (uint32_t)nl);
    put16(zip + cd + 46 + 5 + 30, 100); /* central extra past the end */
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    put16(zip + cd + 46 + 5 + 30, 0);
    put32(zip + cd, 0x02014b51u);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    free(zip);
}
END_TEST

START_TEST(hostile_npy_headers)
{
    /* valid variations */
    ck_assert_ok(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24));
    ck_assert_ok(load_dict("{\"shape\": (2,3,),\"descr\":\"<f4\",\"fortran_order\":False}", 24));
    ck_assert_ok(load_dict("{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }", 8));
    ck_assert_ok(load_dict("{'descr': '<u1', 'fortran_order': False, 'shape': (), }", 1));
    ck_assert_ok(load_dict("{'descr': '<f8', 'fortran_order': True, 'shape': (1, 5, 1), }", 40));
    ck_assert_ok(load_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2147483647), }", 0));
    /* huge, negative, overflowing, mismatched shapes */
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296,), }", 0), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", 0), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 0), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }", 0), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", 16), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 28), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }", 4), HDNET_ENOTSUP);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (,), }", 4), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", 8), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }", 8), HDNET_EFORMAT);
    /* dtypes */
    ck_assert_int_eq(load_dict("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8), HDNET_ENOTSUP);
    ck_assert_int_eq(load_dict("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8), HDNET_ENOTSUP);
    ck_assert_int_eq(load_dict("{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", 20), HDNET_ENOTSUP);
    ck_assert_int_eq(load_dict("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4), HDNET_ENOTSUP);
    ck_assert_int_eq(load_dict("{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }", 4), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': 'f4', 'fortran_order': False, 'shape': (1,), }", 4), HDNET_OK);
    ck_assert_int_eq(load_dict("{'descr': 5, 'fortran_order': False, 'shape': (1,), }", 4), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4\\'', 'fortran_order': False, 'shape': (1,), }", 4), HDNET_EFORMAT);
    /* Fortran order with two non-trivial dimensions */
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24), HDNET_ENOTSUP);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3), }", 24), HDNET_EFORMAT);
    /* keys */
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'shape': (2, 3), }", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'fortran_order': False, 'shape': (2, 3)}", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'shape': (2, 3)}", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr' '<f4', 'fortran_order': False, 'shape': (2, 3)}", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} x", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\x01", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\xc3\xa9", 24), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'a_very_long_key_that_does_not_fit_the_buffer': 1}", 0), HDNET_EFORMAT);

    /* magic, version, header length, newline */
    size_t n;
    unsigned char *b = npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8, &n);
    hdnet_npz *z;
    b[1] = 'n';
    ck_assert_status(hdnet_npy_load_mem(&z, b, n), HDNET_EFORMAT);
    b[1] = 'N';
    b[6] = 4;
    ck_assert_status(hdnet_npy_load_mem(&z, b, n), HDNET_ENOTSUP);
    b[6] = 1;
    b[7] = 1;
    ck_assert_status(hdnet_npy_load_mem(&z, b, n), HDNET_ENOTSUP);
    b[7] = 0;
    put16(b + 8, 0xffff);
    ck_assert_status(hdnet_npy_load_mem(&z, b, n), HDNET_EFORMAT);
    put16(b + 8, 0);
    ck_assert_status(hdnet_npy_load_mem(&z, b, n), HDNET_EFORMAT);
    size_t hl = n - 8 - 10;
    put16(b + 8, (uint32_t)hl - 1);
    ck_assert_status(hdnet_npy_load_mem(&z, b, n), HDNET_EFORMAT); /* no newline at the end */
    put16(b + 8, (uint32_t)hl);
    ck_assert_ok(hdnet_npy_load_mem(&z, b, n));
    hdnet_npz_free(z);
    b[n - 9] = ' ';
    ck_assert_status(hdnet_npy_load_mem(&z, b, n), HDNET_EFORMAT);
    free(b);
    /* version 2.0 (4-byte header length) is read */
    unsigned char v2[128 + 8];
    memcpy(v2, "\x93NUMPY\x02\x00", 8);
    put32(v2 + 8, 128 - 12);
    const char *d = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
    memset(v2 + 12, ' ', 128 - 12);
    memcpy(v2 + 12, d, strlen(d));
    v2[127] = '\n';
    int32_t two[2] = {5, -6};
    memcpy(v2 + 128, two, 8);
    ck_assert_ok(hdnet_npy_load_mem(&z, v2, sizeof v2));
    int32_t back[2];
    ck_assert_ok(hdnet_npz_read(z, "arr_0", HDNET_DTYPE_I32, back, 2));
    ck_assert(back[0] == 5 && back[1] == -6);
    hdnet_npz_free(z);
    put32(v2 + 8, 0xffffffffu);
    ck_assert_status(hdnet_npy_load_mem(&z, v2, sizeof v2), HDNET_EFORMAT);
    ck_assert_status(hdnet_npy_load_mem(&z, v2, 11), HDNET_EFORMAT);
}
END_TEST


START_TEST(many_members)
{
    /* 65535 members (the most a ZIP without ZIP64 lists): loads quickly (duplicate
     * names are found by sorting, not pairwise); a duplicate among them is
     * found; one more member cannot be saved without ZIP64 */
    const size_t n = 65535;
    size_t nl;
    unsigned char npy[256];
    uint8_t byte = 7;
    size_t one = 1;
    ck_assert_ok(hdnet_npy_save_mem(HDNET_DTYPE_U8, &byte, &one, 1, npy, sizeof npy, &nl));
    zmem *m = malloc(n * sizeof *m);
    char *names = malloc(n * 16);
    for (size_t i = 0; i < n; i++) {
        snprintf(names + 16 * i, 16, "m%zu.npy", i);
        m[i] = (zmem){names + 16 * i, npy, nl, 0, 0, 0, -1};
    }
    size_t len;
    unsigned char *zip = zip_build(m, n, &len);
    hdnet_npz *z;
    clock_t c0 = clock();
    ck_assert_ok(hdnet_npz_load_mem(&z, zip, len));
    double sec = (double)(clock() - c0) / CLOCKS_PER_SEC; /* CPU time: not slowed by other jobs */
    if (getenv("HDNET_IO_DEBUG"))
        fprintf(stderr, "65535 members: %.3f s CPU\n", sec);
    /* pairwise checks: ~5 s; not timed under valgrind (20-50 times slower) */
    const char *preload = getenv("LD_PRELOAD");
    if (!(preload && strstr(preload, "vgpreload")))
        ck_assert_msg(sec < 1.5, "65535 members took %.2f s CPU", sec);
    ck_assert_uint_eq(hdnet_npz_count(z), n);
    ck_assert_ok(hdnet_npz_add(z, "one_more", HDNET_DTYPE_U8, &byte, &one, 1));
    size_t need;
    ck_assert_status(hdnet_npz_save_mem(z, NULL, 0, &need), HDNET_ENOTSUP);
    ck_assert_status(hdnet_npz_save(z, "/tmp/never-written.npz"), HDNET_ENOTSUP);
    hdnet_npz_free(z);
    free(zip);
    m[n - 1].name = m[12345].name;
    zip = zip_build(m, n, &len);
    ck_assert_status(hdnet_npz_load_mem(&z, zip, len), HDNET_EFORMAT);
    ck_assert_ptr_nonnull(strstr(hdnet_errmsg(), "duplicate"));
    free(zip);
    free(m);
    free(names);
}
END_TEST

/* ---- model files ---- */

/* A small network (N units) with every parameter set to a distinct value. */
static hdnet_net *small_net(size_t N, int tau_vector)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, (int64_t)N));
    if (tau_vector) {
        double tau[64];
        for (size_t i = 0; i < N; i++)
            tau[i] = 5 + 0.37 * (double)i;
        ck_assert_ok(hdnet_config_set_tau_vector(cfg, tau, N));
    }
    hdnet_rng *rng;
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 11));
    hdnet_net *net;
    ck_assert_ok(hdnet_net_create(&net, cfg, rng));
    for (int b = 0; b < HDNET_NBLOCKS; b++) {
        size_t r, c;
        ck_assert_ok(hdnet_net_block_info(net, b, &r, &c, NULL));
        float *v = malloc(r * c * sizeof *v);
        double g[1];
        for (size_t i = 0; i < r * c; i++) {
            ck_assert_ok(hdnet_rng_normal(rng, g, 1));
            v[i] = (float)g[0] * 0.3f;
        }
        if (b == HDNET_W_REC)
            for (size_t i = 0; i < N; i++)
                v[i * N + i] = 0;
        ck_assert_ok(hdnet_net_set_block(net, b, v, r * c));
        free(v);
    }
    hdnet_rng_free(rng);
    hdnet_config_free(cfg);
    return net;
}

static void assert_same_net(const hdnet_net *a, const hdnet_net *b)
{
    for (int k = 0; k < HDNET_NBLOCKS; k++) {
        size_t ra, ca, rb, cb;
        ck_assert_ok(hdnet_net_block_info(a, k, &ra, &ca, NULL));
        ck_assert_ok(hdnet_net_block_info(b, k, &rb, &cb, NULL));
        ck_assert(ra == rb && ca == cb);
        float *x = malloc(ra * ca * sizeof *x + 1), *y = malloc(ra * ca * sizeof *y + 1);
        ck_assert_ok(hdnet_net_copy_block(a, k, x, ra * ca));
        ck_assert_ok(hdnet_net_copy_block(b, k, y, ra * ca));
        ck_assert_msg(memcmp(x, y, ra * ca * sizeof *x) == 0, "block %d differs", k);
        free(x);
        free(y);
    }
    hdnet_config *ca, *cb;
    ck_assert_ok(hdnet_net_get_config(a, &ca));
    ck_assert_ok(hdnet_net_get_config(b, &cb));
    char ta[8192], tb[8192];
    size_t la, lb;
    ck_assert_ok(hdnet_config_to_string(ca, ta, sizeof ta, &la));
    ck_assert_ok(hdnet_config_to_string(cb, tb, sizeof tb, &lb));
    ck_assert_str_eq(ta, tb);
    hdnet_config_free(ca);
    hdnet_config_free(cb);
}

static unsigned char *net_bytes(const hdnet_net *net, size_t *len)
{
    ck_assert_ok(hdnet_net_save_mem(net, NULL, 0, len));
    unsigned char *b = malloc(*len);
    ck_assert_ok(hdnet_net_save_mem(net, b, *len, len));
    return b;
}

START_TEST(model_roundtrip)
{
    for (int tv = 0; tv < 2; tv++) {
        hdnet_net *net = small_net(9, tv), *back;
        size_t len, len2;
        unsigned char *b = net_bytes(net, &len);
        ck_assert_ok(hdnet_net_load_mem(&back, b, len));
        assert_same_net(net, back);
        unsigned char *b2 = net_bytes(back, &len2);
        ck_assert_uint_eq(len, len2);
        ck_assert(memcmp(b, b2, len) == 0); /* save -> load -> save: same bytes */
        /* the members, as documented */
        hdnet_npz *z;
        ck_assert_ok(hdnet_npz_load_mem(&z, b, len));
        const char *want[] = {"W_in", "b_rec", "W_rec", "W_out", "b_out", "ah0", "config",
                              "format_version", "library_version", "layout", "tau"};
        ck_assert_uint_eq(hdnet_npz_count(z), tv ? 11 : 10);
        for (size_t i = 0; i < hdnet_npz_count(z); i++) {
            const char *name;
            ck_assert_ok(hdnet_npz_name(z, i, &name));
            ck_assert_str_eq(name, want[i]);
        }
        size_t sh[2], nd;
        int dt;
        ck_assert_ok(hdnet_npz_info(z, "W_in", &dt, sh, 2, &nd));
        ck_assert(dt == HDNET_DTYPE_F32 && nd == 2 && sh[0] == 9 && sh[1] == 3);
        ck_assert_ok(hdnet_npz_info(z, "W_out", &dt, sh, 2, &nd));
        ck_assert(dt == HDNET_DTYPE_F32 && nd == 2 && sh[0] == 2 && sh[1] == 9);
        ck_assert_ok(hdnet_npz_info(z, "b_out", &dt, sh, 2, &nd));
        ck_assert(dt == HDNET_DTYPE_F32 && nd == 1 && sh[0] == 2);
        int64_t v;
        ck_assert_ok(hdnet_npz_read(z, "format_version", HDNET_DTYPE_I64, &v, 1));
        ck_assert_int_eq(v, HDNET_MODEL_FORMAT_VERSION);
        hdnet_npz_free(z);
        /* path variants */
        char *dir = tmpdir(), path[512];
        snprintf(path, sizeof path, "%s/model.npz", dir);
        ck_assert_ok(hdnet_net_save(net, path));
        hdnet_net *back2;
        ck_assert_ok(hdnet_net_load(&back2, path));
        assert_same_net(net, back2);
        size_t flen;
        unsigned char *fb = tu_read_file(path, &flen);
        ck_assert(flen == len && memcmp(fb, b, len) == 0);
        free(fb);
        ck_assert_ok(hdnet_net_save(back2, path)); /* replace */
        ck_assert_int_eq(count_dir_entries(dir), 1);
        hdnet_net_free(back2);
        rm_tree(dir);
        free(dir);
        free(b);
        free(b2);
        hdnet_net_free(back);
        hdnet_net_free(net);
    }
}
END_TEST

/* First occurrence of needle in hay, or NULL. */
static const unsigned char *find_bytes(const unsigned char *hay, size_t n, const char *needle, size_t k)
{
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (!memcmp(hay + i, needle, k))
            return hay + i;
    return NULL;
}

static int host_le(void)
{
    const uint16_t one = 1;
    unsigned char c;
    memcpy(&c, &one, 1);
    return c == 1;
}

/* Load .npy bytes of a 0-d string with this descr and UTF-32 units; the member as text. */
static int load_str(const char *descr, const uint32_t *units, size_t n, int big_endian, char *text, size_t cap)
{
    char dict[128];
    snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (), }", descr);
    size_t len;
    unsigned char *npy = npy_raw(dict, 4 * n, &len);
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++)
            npy[len - 4 * n + 4 * i + (size_t)(big_endian ? 3 - b : b)] = (unsigned char)(units[i] >> (8 * b));
    hdnet_npz *z;
    int rc = hdnet_npy_load_mem(&z, npy, len);
    ck_assert_int_eq(rc, load_one_member(npy, len)); /* same verdict inside an archive */
    free(npy);
    if (rc)
        return rc;
    int dt;
    size_t sh[1], nd;
    ck_assert_ok(hdnet_npz_info(z, "arr_0", &dt, sh, 1, &nd));
    ck_assert(dt == HDNET_DTYPE_U8 && nd == 1 && sh[0] < cap);
    memset(text, 0, cap);
    ck_assert_ok(hdnet_npz_read(z, "arr_0", HDNET_DTYPE_U8, text, cap));
    hdnet_npz_free(z);
    return HDNET_OK;
}

/* Text members are NumPy strings on disk ('<U<n>', 0-d: np.load gives a str) and
 * UTF-8 bytes (uint8 [len]) through the API; old uint8 texts read the same. */
START_TEST(text_members)
{
    /* written: a 0-d '<U' array of UTF-32LE code points; read back as the same UTF-8 */
    const char *texts[] = {"tau=10\n", "", "\xc3\xa9t\xc3\xa9 \xe2\x86\x92 \xf0\x9f\xa7\xad"};
    const char *descrs[] = {"'<U7'", "'<U1'", "'<U7'"}; /* '' is stored as one NUL, as NumPy does */
    for (size_t k = 0; k < 3; k++) {
        hdnet_npz *z, *back;
        ck_assert_ok(hdnet_npz_create(&z));
        ck_assert_ok(hdnet_npz_add_text(z, "t", texts[k]));
        size_t len;
        ck_assert_ok(hdnet_npz_save_mem(z, NULL, 0, &len));
        unsigned char *b = malloc(len);
        ck_assert_ok(hdnet_npz_save_mem(z, b, len, &len));
        ck_assert_ptr_nonnull(find_bytes(b, len, descrs[k], strlen(descrs[k])));
        ck_assert_ptr_nonnull(find_bytes(b, len, "'shape': ()", 11));
        ck_assert_ok(hdnet_npz_load_mem(&back, b, len));
        int dt;
        size_t sh[1], nd;
        ck_assert_ok(hdnet_npz_info(back, "t", &dt, sh, 1, &nd));
        ck_assert(dt == HDNET_DTYPE_U8 && nd == 1 && sh[0] == strlen(texts[k]));
        char t[32] = {0};
        ck_assert_ok(hdnet_npz_read(back, "t", HDNET_DTYPE_U8, t, sizeof t));
        ck_assert_str_eq(t, texts[k]);
        /* load -> save: same bytes (the member stays a string) */
        size_t len2;
        ck_assert_ok(hdnet_npz_save_mem(back, NULL, 0, &len2));
        unsigned char *b2 = malloc(len2);
        ck_assert_ok(hdnet_npz_save_mem(back, b2, len2, &len2));
        ck_assert(len2 == len && memcmp(b, b2, len) == 0);
        free(b);
        free(b2);
        hdnet_npz_free(z);
        hdnet_npz_free(back);
    }
    /* text that is not UTF-8 is refused */
    hdnet_npz *z;
    ck_assert_ok(hdnet_npz_create(&z));
    ck_assert_status(hdnet_npz_add_text(z, "bad", "\xff"), HDNET_EINVAL);
    ck_assert_status(hdnet_npz_add_text(z, "bad", "\xc0\xaf"), HDNET_EINVAL); /* overlong '/' */
    ck_assert_status(hdnet_npz_add_text(z, "bad", "\xed\xa0\x80"), HDNET_EINVAL); /* surrogate */
    ck_assert_uint_eq(hdnet_npz_count(z), 0);
    hdnet_npz_free(z);

    /* read: NumPy's strings of either byte order; trailing NULs are padding */
    char t[16];
    const uint32_t ab[] = {'a', 0xe9, 0x1f9ed, 0, 0};
    ck_assert_ok(load_str("<U5", ab, 5, 0, t, sizeof t));
    ck_assert_str_eq(t, "a\xc3\xa9\xf0\x9f\xa7\xad");
    ck_assert_ok(load_str(">U5", ab, 5, 1, t, sizeof t));
    ck_assert_str_eq(t, "a\xc3\xa9\xf0\x9f\xa7\xad");
    ck_assert_ok(load_str("U3", ab, 3, !host_le(), t, sizeof t)); /* native order */
    /* hostile strings: a NUL inside, a surrogate, a code point past U+10FFFF, arrays of strings */
    const uint32_t nul[] = {'a', 0, 'b'}, sur[] = {0xd800}, big[] = {0x110000};
    ck_assert_int_eq(load_str("<U3", nul, 3, 0, t, sizeof t), HDNET_EFORMAT);
    ck_assert_int_eq(load_str("<U1", sur, 1, 0, t, sizeof t), HDNET_EFORMAT);
    ck_assert_int_eq(load_str("<U1", big, 1, 0, t, sizeof t), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<U2', 'fortran_order': False, 'shape': (3,), }", 24), HDNET_ENOTSUP);
    ck_assert_int_eq(load_dict("{'descr': '<U2', 'fortran_order': False, 'shape': (), }", 4), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<U0', 'fortran_order': False, 'shape': (), }", 0), HDNET_ENOTSUP);
    ck_assert_int_eq(load_dict("{'descr': '|U2', 'fortran_order': False, 'shape': (), }", 8), HDNET_EFORMAT);
    ck_assert_int_eq(load_dict("{'descr': '<U99999999999', 'fortran_order': False, 'shape': (), }", 4), HDNET_ENOTSUP);
}
END_TEST

/* Model files keep config, library_version and layout as NumPy strings; files of
 * earlier versions (the texts as uint8 arrays) still load, to the same network. */
START_TEST(model_texts)
{
    hdnet_net *net = small_net(6, 0), *back;
    size_t len;
    unsigned char *b = net_bytes(net, &len);
    ck_assert_ptr_nonnull(find_bytes(b, len, "config.npy", 10));
    hdnet_npz *z, *old;
    ck_assert_ok(hdnet_npz_load_mem(&z, b, len));
    ck_assert_ok(hdnet_npz_create(&old));
    for (size_t i = 0; i < hdnet_npz_count(z); i++) {
        const char *name;
        int dt;
        size_t sh[HDNET_NPY_MAXDIM], nd, n;
        void *data = tu_npz_member(z, i, &name, &dt, sh, &nd, &n);
        /* hdnet_npz_add writes uint8 arrays: the old encoding of the texts */
        ck_assert_ok(hdnet_npz_add(old, name, dt, data, sh, nd));
        free(data);
    }
    size_t olen;
    ck_assert_ok(hdnet_npz_save_mem(old, NULL, 0, &olen));
    unsigned char *ob = malloc(olen);
    ck_assert_ok(hdnet_npz_save_mem(old, ob, olen, &olen));
    ck_assert_ptr_nonnull(find_bytes(ob, olen, "'|u1'", 5));
    ck_assert_ptr_null(find_bytes(ob, olen, "'<U", 3));
    ck_assert_ptr_nonnull(find_bytes(b, len, "'<U", 3));
    ck_assert_ok(hdnet_net_load_mem(&back, ob, olen));
    assert_same_net(net, back);
    hdnet_net_free(back);
    free(ob);
    hdnet_npz_free(old);
    hdnet_npz_free(z);
    free(b);
    hdnet_net_free(net);
}
END_TEST

START_TEST(model_errors)
{
    hdnet_net *net = small_net(5, 0), *out = (hdnet_net *)1;
    size_t len;
    ck_assert_status(hdnet_net_save_mem(NULL, NULL, 0, &len), HDNET_EINVAL);
    ck_assert_status(hdnet_net_save_mem(net, NULL, 0, NULL), HDNET_EINVAL);
    ck_assert_ok(hdnet_net_save_mem(net, NULL, 0, &len));
    unsigned char *b = malloc(len);
    size_t l2 = 0;
    ck_assert_status(hdnet_net_save_mem(net, b, len - 1, &l2), HDNET_ESHAPE);
    ck_assert_uint_eq(l2, len);
    ck_assert_status(hdnet_net_save(NULL, "x.npz"), HDNET_EINVAL);
    ck_assert_status(hdnet_net_save(net, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_net_save(net, "/nonexistent-dir/m.npz"), HDNET_EIO);
    ck_assert_status(hdnet_net_save_npz(NULL, NULL), HDNET_EINVAL);
    hdnet_npz *z;
    ck_assert_ok(hdnet_npz_create(&z));
    ck_assert_status(hdnet_net_save_npz(net, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_net_save_npz(NULL, z), HDNET_EINVAL);
    ck_assert_ok(hdnet_npz_add_text(z, "config", "x"));
    ck_assert_status(hdnet_net_save_npz(net, z), HDNET_EINVAL); /* name taken */
    hdnet_npz_free(z);
    ck_assert_status(hdnet_net_load(NULL, "x"), HDNET_EINVAL);
    ck_assert_status(hdnet_net_load(&out, NULL), HDNET_EINVAL);
    ck_assert_ptr_null(out);
    out = (hdnet_net *)1;
    ck_assert_status(hdnet_net_load(&out, "/nonexistent-dir/m.npz"), HDNET_EIO);
    ck_assert_ptr_null(out);
    ck_assert_status(hdnet_net_load(&out, tu_data_path("io/mixed.npz")), HDNET_EFORMAT);
    ck_assert_status(hdnet_net_load_mem(NULL, b, len), HDNET_EINVAL);
    ck_assert_status(hdnet_net_load_mem(&out, NULL, 5), HDNET_EINVAL);
    ck_assert_status(hdnet_net_load_npz(NULL, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_net_load_npz(&out, NULL), HDNET_EINVAL);
    /* every truncation of a model file */
    ck_assert_ok(hdnet_net_save_mem(net, b, len, &len));
    for (size_t cut = 0; cut < len; cut += 1 + cut / 64) {
        out = (hdnet_net *)1;
        ck_assert_status(hdnet_net_load_mem(&out, b, cut), HDNET_EFORMAT);
        ck_assert_ptr_null(out);
    }
    free(b);
    hdnet_net_free(net);
}
END_TEST

/* Copy of src without member `skip`, then `extra` (built by the caller) appended. */
static hdnet_npz *model_without(const hdnet_npz *src, const char *skip)
{
    hdnet_npz *z;
    ck_assert_ok(hdnet_npz_create(&z));
    for (size_t i = 0; i < hdnet_npz_count(src); i++) {
        const char *name;
        ck_assert_ok(hdnet_npz_name(src, i, &name));
        if (skip && !strcmp(name, skip))
            continue;
        int dt;
        size_t sh[HDNET_NPY_MAXDIM], nd, n = 1;
        ck_assert_ok(hdnet_npz_info(src, name, &dt, sh, HDNET_NPY_MAXDIM, &nd));
        for (size_t k = 0; k < nd; k++)
            n *= sh[k];
        void *buf = malloc(n * hdnet_dtype_size(dt) + 1);
        ck_assert_ok(hdnet_npz_read(src, name, dt, buf, n));
        ck_assert_ok(hdnet_npz_add(z, name, dt, buf, sh, nd));
        free(buf);
    }
    return z;
}

/* Load the archive as a model through memory; returns the status. */
static int load_model_npz(const hdnet_npz *z)
{
    size_t len;
    ck_assert_ok(hdnet_npz_save_mem(z, NULL, 0, &len));
    unsigned char *b = malloc(len);
    ck_assert_ok(hdnet_npz_save_mem(z, b, len, &len));
    hdnet_net *net = (hdnet_net *)1;
    int rc = hdnet_net_load_mem(&net, b, len);
    ck_assert(rc == HDNET_OK ? net != NULL : net == NULL);
    hdnet_net *net2 = (hdnet_net *)1;
    ck_assert_int_eq(hdnet_net_load_npz(&net2, z), rc); /* same verdict */
    hdnet_net_free(net);
    hdnet_net_free(net2);
    free(b);
    return rc;
}

static void replace_f32(hdnet_npz *base, const char *name, const float *v, const size_t *sh, size_t nd)
{
    hdnet_npz *z = model_without(base, name);
    ck_assert_ok(hdnet_npz_add(z, name, HDNET_DTYPE_F32, v, sh, nd));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
}

START_TEST(model_hostile)
{
    const size_t N = 6;
    hdnet_net *net = small_net(N, 0);
    hdnet_npz *good;
    ck_assert_ok(hdnet_npz_create(&good));
    ck_assert_ok(hdnet_net_save_npz(net, good));
    ck_assert_int_eq(load_model_npz(good), HDNET_OK);

    /* each member missing */
    const char *required[] = {"W_in", "b_rec", "W_rec", "W_out", "b_out", "ah0", "config",
                              "format_version"};
    for (size_t i = 0; i < 8; i++) {
        hdnet_npz *z = model_without(good, required[i]);
        ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
        ck_assert_ptr_nonnull(strstr(hdnet_errmsg(), required[i]));
        hdnet_npz_free(z);
    }
    const char *optional[] = {"library_version", "layout"};
    for (size_t i = 0; i < 2; i++) {
        hdnet_npz *z = model_without(good, optional[i]);
        ck_assert_int_eq(load_model_npz(z), HDNET_OK);
        hdnet_npz_free(z);
    }
    /* extra members: checkpoint state is tolerated, anything else is not */
    const char *tolerated[] = {"opt_m", "rng_state", "train_iteration"};
    for (size_t i = 0; i < 3; i++) {
        hdnet_npz *z = model_without(good, NULL);
        ck_assert_ok(hdnet_npz_add_text(z, tolerated[i], "x"));
        ck_assert_int_eq(load_model_npz(z), HDNET_OK);
        hdnet_npz_free(z);
    }
    const char *rejected[] = {"W_in2", "opt", "weights", "Config"};
    for (size_t i = 0; i < 4; i++) {
        hdnet_npz *z = model_without(good, NULL);
        ck_assert_ok(hdnet_npz_add_text(z, rejected[i], "x"));
        ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
        hdnet_npz_free(z);
    }

    /* wrong dtypes and shapes */
    float v[64] = {0};
    double dv[64] = {0};
    size_t sq[2] = {N, N}, wide[2] = {N, N + 1}, flat = N * N, vec = N, vec1 = N + 1;
    hdnet_npz *z = model_without(good, "W_rec");
    ck_assert_ok(hdnet_npz_add(z, "W_rec", HDNET_DTYPE_F64, dv, sq, 2));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    replace_f32(good, "W_rec", v, wide, 2);
    replace_f32(good, "W_rec", v, &flat, 1);
    replace_f32(good, "b_rec", v, &vec1, 1);
    replace_f32(good, "b_rec", v, sq, 2);
    size_t win[2] = {N, 4}, wout[2] = {3, N};
    replace_f32(good, "W_in", v, win, 2);
    replace_f32(good, "W_out", v, wout, 2);
    replace_f32(good, "ah0", v, NULL, 0);
    /* non-finite weights, non-zero diagonal */
    float w[64];
    ck_assert_ok(hdnet_npz_read(good, "W_rec", HDNET_DTYPE_F32, w, N * N));
    w[1] = NAN;
    replace_f32(good, "W_rec", w, sq, 2);
    w[1] = INFINITY;
    replace_f32(good, "W_rec", w, sq, 2);
    w[1] = 0;
    w[N + 1] = 0.5f;
    replace_f32(good, "W_rec", w, sq, 2);
    ck_assert_ok(hdnet_npz_read(good, "ah0", HDNET_DTYPE_F32, w, N));
    w[N - 1] = -INFINITY;
    replace_f32(good, "ah0", w, &vec, 1);

    /* format_version */
    int64_t ver = 2;
    z = model_without(good, "format_version");
    ck_assert_ok(hdnet_npz_add(z, "format_version", HDNET_DTYPE_I64, &ver, NULL, 0));
    ck_assert_int_eq(load_model_npz(z), HDNET_ENOTSUP);
    hdnet_npz_free(z);
    ver = 0;
    z = model_without(good, "format_version");
    ck_assert_ok(hdnet_npz_add(z, "format_version", HDNET_DTYPE_I64, &ver, NULL, 0));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    double dver = 1;
    z = model_without(good, "format_version");
    ck_assert_ok(hdnet_npz_add(z, "format_version", HDNET_DTYPE_F64, &dver, NULL, 0));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    ver = 1;
    size_t one = 1;
    z = model_without(good, "format_version");
    ck_assert_ok(hdnet_npz_add(z, "format_version", HDNET_DTYPE_I64, &ver, &one, 1));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);

    /* configs that do not parse or contradict the arrays */
    char cfgtext[8192] = {0};
    ck_assert_ok(hdnet_npz_read(good, "config", HDNET_DTYPE_U8, cfgtext, sizeof cfgtext - 1));
    const char *bad_cfg[] = {"units=7\n", "units=100000\n", "inputs=4\n", "outputs=1\n",
                             "no_such_parameter=1\n", "tau=-1\n", "units\n",
                             "tau_vector=1,2,3,4,5,6\n"};
    for (size_t i = 0; i < sizeof bad_cfg / sizeof *bad_cfg; i++) {
        char t[8300];
        snprintf(t, sizeof t, "%s%s", cfgtext, bad_cfg[i]);
        z = model_without(good, "config");
        ck_assert_ok(hdnet_npz_add_text(z, "config", t));
        ck_assert_msg(load_model_npz(z) == HDNET_EFORMAT, "config + %s", bad_cfg[i]);
        hdnet_npz_free(z);
    }
    z = model_without(good, "config");
    size_t two = 2;
    ck_assert_ok(hdnet_npz_add(z, "config", HDNET_DTYPE_U8, "\0x", &two, 1)); /* NUL byte */
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    z = model_without(good, "config");
    ck_assert_ok(hdnet_npz_add(z, "config", HDNET_DTYPE_I32, v, &two, 1));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    /* tau present without a tau vector in the config */
    z = model_without(good, NULL);
    ck_assert_ok(hdnet_npz_add(z, "tau", HDNET_DTYPE_F64, dv, &vec, 1));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    hdnet_npz_free(good);
    hdnet_net_free(net);

    /* a tau-vector model: tau missing, different, mis-sized or of another dtype */
    net = small_net(N, 1);
    ck_assert_ok(hdnet_npz_create(&good));
    ck_assert_ok(hdnet_net_save_npz(net, good));
    ck_assert_int_eq(load_model_npz(good), HDNET_OK);
    z = model_without(good, "tau");
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    ck_assert_ok(hdnet_npz_read(good, "tau", HDNET_DTYPE_F64, dv, N));
    dv[2] = nextafter(dv[2], 100);
    z = model_without(good, "tau");
    ck_assert_ok(hdnet_npz_add(z, "tau", HDNET_DTYPE_F64, dv, &vec, 1));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    z = model_without(good, "tau");
    ck_assert_ok(hdnet_npz_add(z, "tau", HDNET_DTYPE_F64, dv, &vec1, 1));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    z = model_without(good, "tau");
    ck_assert_ok(hdnet_npz_add(z, "tau", HDNET_DTYPE_F32, v, &vec, 1));
    ck_assert_int_eq(load_model_npz(z), HDNET_EFORMAT);
    hdnet_npz_free(z);
    hdnet_npz_free(good);
    hdnet_net_free(net);
}
END_TEST

START_TEST(model_byte_flips)
{
    /* every byte of a small model file flipped: a clean error, or a load
     * (ignored fields) giving the same network */
    hdnet_net *net = small_net(3, 0);
    size_t len;
    unsigned char *b = net_bytes(net, &len);
    size_t ok = 0;
    for (size_t i = 0; i < len; i++) {
        b[i] ^= 0x5a;
        hdnet_net *back = (hdnet_net *)1;
        int rc = hdnet_net_load_mem(&back, b, len);
        ck_assert_msg(rc == HDNET_OK || rc == HDNET_EFORMAT || rc == HDNET_ENOTSUP, "byte %zu: %d", i, rc);
        if (rc == HDNET_OK) {
            assert_same_net(net, back);
            hdnet_net_free(back);
            ok++;
        }
        b[i] ^= 0x5a;
    }
    ck_assert_uint_lt(ok, len / 4);
    free(b);
    hdnet_net_free(net);
}
END_TEST

Suite *hdnet_suite_io(void)
{
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("npy");
    tcase_add_test(tc, dtype_table);
    tcase_add_test(tc, npy_format);
    tcase_add_test(tc, npy_roundtrip_all);
    tcase_add_test(tc, npy_errors);
    tcase_add_test(tc, npy_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("numpy");
    tcase_add_test(tc, numpy_fixtures);
    suite_add_tcase(s, tc);
    tc = tcase_create("npz");
    tcase_add_test(tc, crc32_values);
    tcase_add_test(tc, npz_api);
    tcase_add_test(tc, npz_roundtrip_bytes);
    tcase_add_test(tc, npz_file_atomic);
    suite_add_tcase(s, tc);
    tc = tcase_create("atomic");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, npz_kill_during_save);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, hostile_truncation);
    tcase_add_test(tc, hostile_byte_flips);
    tcase_add_test(tc, hostile_zip_structure);
    tcase_add_test(tc, hostile_npy_headers);
    tcase_add_test(tc, many_members);
    tcase_add_test(tc, text_members);
    suite_add_tcase(s, tc);
    tc = tcase_create("model");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, model_roundtrip);
    tcase_add_test(tc, model_texts);
    tcase_add_test(tc, model_errors);
    tcase_add_test(tc, model_hostile);
    tcase_add_test(tc, model_byte_flips);
    suite_add_tcase(s, tc);
    return s;
}
