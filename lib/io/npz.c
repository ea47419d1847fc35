/* .npz archives: a ZIP writer and reader for stored (uncompressed) .npy
 * members, with our own CRC-32. Layout references: PKWARE APPNOTE 6.3
 * (local header 30 bytes + name + extra, central header 46 bytes + name +
 * extra + comment, end record 22 bytes + comment). */
#include "core/internal.h"
#include "io/io_priv.h"

#include <stdlib.h>
#include <string.h>

#define SIG_LOCAL   0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END     0x06054b50u
#define SIG_Z64LOC  0x07064b50u
#define LOCAL_SIZE   30
#define CENTRAL_SIZE 46
#define END_SIZE     22
#define NAME_MAX_LEN 200
/* Fixed timestamp (1980-01-01 00:00:00, DOS format) so equal archives give equal bytes. */
#define DOS_TIME 0x0000u
#define DOS_DATE 0x0021u

/* ---- CRC-32 (reflected polynomial 0xEDB88320) ---- */

uint32_t hdnet__crc32(uint32_t crc, const void *buf, size_t len)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    const unsigned char *p = buf;
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- little-endian fields ---- */

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

static uint32_t get16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
    return get16(p) | get16(p + 2) << 16;
}

static uint64_t get64(const unsigned char *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- the handle ---- */

int hdnet_npz_create(hdnet_npz **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate an archive");
    return HDNET_OK;
}

void hdnet_npz_free(hdnet_npz *z)
{
    if (!z)
        return;
    for (size_t i = 0; i < z->n; i++) {
        free(z->m[i].name);
        free(z->m[i].data);
    }
    free(z->m);
    free(z);
}

size_t hdnet_npz_count(const hdnet_npz *z)
{
    return z ? z->n : 0;
}

const hdnet__npz_member *hdnet__npz_find(const hdnet_npz *z, const char *name)
{
    for (size_t i = 0; i < z->n; i++)
        if (!strcmp(z->m[i].name, name))
            return &z->m[i];
    return NULL;
}

int hdnet__npz_append(hdnet_npz *z, hdnet__npz_member *mem)
{
    if (z->n == z->cap) {
        size_t cap = z->cap ? 2 * z->cap : 8;
        hdnet__npz_member *m = cap < SIZE_MAX / sizeof *m ? realloc(z->m, cap * sizeof *m) : NULL;
        if (!m) {
            free(mem->name);
            free(mem->data);
            return hdnet__error(HDNET_ENOMEM, "cannot grow the archive");
        }
        z->m = m;
        z->cap = cap;
    }
    z->m[z->n++] = *mem;
    return HDNET_OK;
}

static int check_name(const char *name, size_t len)
{
    if (len == 0 || len > NAME_MAX_LEN)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c > 0x7e || c == '/' || c == '\\')
            return -1;
    }
    return 0;
}

int hdnet_npz_add(hdnet_npz *z, const char *name, int dtype, const void *data, const size_t *shape,
                  size_t ndim)
{
    if (!z || !name)
        return hdnet__error(HDNET_EINVAL, "z or name is NULL");
    size_t nl = strlen(name);
    if (check_name(name, nl))
        return hdnet__error(HDNET_EINVAL,
                            "member name must be 1-%d printable ASCII characters without '/' or '\\'",
                            NAME_MAX_LEN);
    if (hdnet__npz_find(z, name))
        return hdnet__error(HDNET_EINVAL, "member '%s' already in the archive", name);
    size_t numel;
    int rc = hdnet__npy_check(dtype, data, shape, ndim, &numel);
    if (rc)
        return rc;
    hdnet__npz_member m = {0};
    m.dtype = dtype;
    m.ndim = ndim;
    for (size_t i = 0; i < ndim; i++)
        m.shape[i] = shape[i];
    m.numel = numel;
    size_t bytes = numel * hdnet_dtype_size(dtype);
    m.name = malloc(nl + 1);
    m.data = bytes ? malloc(bytes) : NULL;
    if (!m.name || (bytes && !m.data)) {
        free(m.name);
        free(m.data);
        return hdnet__error(HDNET_ENOMEM, "cannot allocate %zu bytes for '%s'", bytes, name);
    }
    memcpy(m.name, name, nl + 1);
    if (bytes)
        memcpy(m.data, data, bytes);
    return hdnet__npz_append(z, &m);
}

int hdnet_npz_add_text(hdnet_npz *z, const char *name, const char *text)
{
    if (!text)
        return hdnet__error(HDNET_EINVAL, "text is NULL");
    size_t n = strlen(text), chars;
    if (hdnet__utf8_chars((const unsigned char *)text, n, &chars))
        return hdnet__error(HDNET_EINVAL, "text for '%s' is not valid UTF-8", name ? name : "(null)");
    int rc = hdnet_npz_add(z, name, HDNET_DTYPE_U8, text, &n, 1);
    if (!rc)
        z->m[z->n - 1].text = 1;
    return rc;
}

/* Bytes of a member's .npy encoding. */
static size_t member_size(const hdnet__npz_member *m)
{
    size_t chars = 0;
    if (m->text && !hdnet__utf8_chars(m->data, m->numel, &chars))
        return hdnet__npy_text_size(chars);
    return hdnet__npy_size(m->dtype, m->shape, m->ndim, m->numel);
}

static void member_encode(const hdnet__npz_member *m, unsigned char *out)
{
    size_t chars = 0;
    if (m->text && !hdnet__utf8_chars(m->data, m->numel, &chars))
        hdnet__npy_text_encode(m->data, m->numel, chars, out);
    else
        hdnet__npy_encode(m->dtype, m->data, m->shape, m->ndim, m->numel, out);
}

int hdnet_npz_name(const hdnet_npz *z, size_t i, const char **name)
{
    if (!z || !name)
        return hdnet__error(HDNET_EINVAL, "z or name is NULL");
    if (i >= z->n)
        return hdnet__error(HDNET_EINVAL, "member %zu of %zu", i, z->n);
    *name = z->m[i].name;
    return HDNET_OK;
}

int hdnet_npz_info(const hdnet_npz *z, const char *name, int *dtype, size_t *shape, size_t maxdim,
                   size_t *ndim)
{
    if (!z || !name)
        return hdnet__error(HDNET_EINVAL, "z or name is NULL");
    const hdnet__npz_member *m = hdnet__npz_find(z, name);
    if (!m)
        return hdnet__error(HDNET_EINVAL, "no member '%s'", name);
    if (dtype)
        *dtype = m->dtype;
    if (ndim)
        *ndim = m->ndim;
    if (shape) {
        if (maxdim < m->ndim)
            return hdnet__error(HDNET_ESHAPE, "'%s' has %zu dimensions, room for %zu", name,
                                m->ndim, maxdim);
        for (size_t i = 0; i < m->ndim; i++)
            shape[i] = m->shape[i];
    }
    return HDNET_OK;
}

/* Exact conversion of one element, by value. */
static void convert(int to, int from, const unsigned char *src, unsigned char *dst)
{
    double d = 0;
    int64_t k = 0;
    int is_int = 1;
    switch (from) {
    case HDNET_DTYPE_F32: {
        float f;
        memcpy(&f, src, 4);
        d = f;
        is_int = 0;
        break;
    }
    case HDNET_DTYPE_I32: {
        int32_t v;
        memcpy(&v, src, 4);
        k = v;
        break;
    }
    case HDNET_DTYPE_U8:
        k = src[0];
        break;
    default:
        break;
    }
    switch (to) {
    case HDNET_DTYPE_F32: {
        float f = (float)k; /* only from uint8 */
        memcpy(dst, &f, 4);
        break;
    }
    case HDNET_DTYPE_F64: {
        double v = is_int ? (double)k : d;
        memcpy(dst, &v, 8);
        break;
    }
    case HDNET_DTYPE_I64:
        memcpy(dst, &k, 8);
        break;
    case HDNET_DTYPE_I32: {
        int32_t v = (int32_t)k;
        memcpy(dst, &v, 4);
        break;
    }
    default:
        break;
    }
}

static int exact_conversion(int to, int from)
{
    if (to == from || from == HDNET_DTYPE_U8)
        return 1;
    if (from == HDNET_DTYPE_F32)
        return to == HDNET_DTYPE_F64;
    if (from == HDNET_DTYPE_I32)
        return to == HDNET_DTYPE_I64 || to == HDNET_DTYPE_F64;
    return 0;
}

int hdnet_npz_read(const hdnet_npz *z, const char *name, int dtype, void *out, size_t out_len)
{
    if (!z || !name)
        return hdnet__error(HDNET_EINVAL, "z or name is NULL");
    if (dtype < 0 || dtype >= HDNET_DTYPE_COUNT)
        return hdnet__error(HDNET_EINVAL, "unknown dtype %d", dtype);
    const hdnet__npz_member *m = hdnet__npz_find(z, name);
    if (!m)
        return hdnet__error(HDNET_EINVAL, "no member '%s'", name);
    if (!exact_conversion(dtype, m->dtype))
        return hdnet__error(HDNET_EFORMAT, "'%s' is %s, cannot be read exactly as %s", name,
                            hdnet_dtype_name(m->dtype), hdnet_dtype_name(dtype));
    if (out_len < m->numel)
        return hdnet__error(HDNET_ESHAPE, "'%s' has %zu elements, buffer %zu", name, m->numel,
                            out_len);
    if (!out && m->numel)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    if (dtype == m->dtype) {
        if (m->numel)
            memcpy(out, m->data, m->numel * hdnet_dtype_size(dtype));
        return HDNET_OK;
    }
    size_t si = hdnet_dtype_size(m->dtype), so = hdnet_dtype_size(dtype);
    for (size_t i = 0; i < m->numel; i++)
        convert(dtype, m->dtype, m->data + i * si, (unsigned char *)out + i * so);
    return HDNET_OK;
}

/* ---- writing ---- */

/* Total archive size, or an error for archives that would need ZIP64. */
static int archive_size(const hdnet_npz *z, size_t *total)
{
    if (z->n > 0xffff)
        return hdnet__error(HDNET_ENOTSUP, "%zu members need ZIP64 (at most 65535)", z->n);
    uint64_t off = 0, cd = 0;
    for (size_t i = 0; i < z->n; i++) {
        const hdnet__npz_member *m = &z->m[i];
        uint64_t nl = strlen(m->name) + 4;
        uint64_t sz = member_size(m);
        if (sz > 0xfffffffeu || off > 0xfffffffeu)
            return hdnet__error(HDNET_ENOTSUP, "archive over 4 GiB needs ZIP64");
        off += LOCAL_SIZE + nl + sz;
        cd += CENTRAL_SIZE + nl;
    }
    if (off + cd > 0xfffffffeu)
        return hdnet__error(HDNET_ENOTSUP, "archive over 4 GiB needs ZIP64");
    if (off + cd + END_SIZE > SIZE_MAX)
        return hdnet__error(HDNET_ENOMEM, "archive too large for memory");
    *total = (size_t)(off + cd + END_SIZE);
    return HDNET_OK;
}

static void encode_archive(const hdnet_npz *z, unsigned char *out)
{
    size_t off = 0;
    /* local headers and data */
    for (size_t i = 0; i < z->n; i++) {
        const hdnet__npz_member *m = &z->m[i];
        size_t nl = strlen(m->name) + 4;
        size_t sz = member_size(m);
        unsigned char *h = out + off, *data = h + LOCAL_SIZE + nl;
        member_encode(m, data);
        uint32_t c = hdnet__crc32(0, data, sz);
        put32(h, SIG_LOCAL);
        put16(h + 4, 20);       /* version needed: 2.0 */
        put16(h + 6, 0);        /* flags */
        put16(h + 8, 0);        /* stored */
        put16(h + 10, DOS_TIME);
        put16(h + 12, DOS_DATE);
        put32(h + 14, c);
        put32(h + 18, (uint32_t)sz);
        put32(h + 22, (uint32_t)sz);
        put16(h + 26, (uint32_t)nl);
        put16(h + 28, 0);
        memcpy(h + LOCAL_SIZE, m->name, nl - 4);
        memcpy(h + LOCAL_SIZE + nl - 4, ".npy", 4);
        off += LOCAL_SIZE + nl + sz;
    }
    /* central directory */
    size_t cd_off = off, lho = 0;
    for (size_t i = 0; i < z->n; i++) {
        const hdnet__npz_member *m = &z->m[i];
        size_t nl = strlen(m->name) + 4;
        size_t sz = member_size(m);
        const unsigned char *lh = out + lho;
        unsigned char *h = out + off;
        put32(h, SIG_CENTRAL);
        put16(h + 4, 0x0314);   /* made by: Unix, 2.0 */
        memcpy(h + 6, lh + 4, 26); /* version needed ... name length, extra length */
        put16(h + 32, 0);       /* comment length */
        put16(h + 34, 0);       /* disk */
        put16(h + 36, 0);       /* internal attributes */
        put32(h + 38, 0x81a40000u); /* regular file, mode 0644 */
        put32(h + 42, (uint32_t)lho);
        memcpy(h + CENTRAL_SIZE, lh + LOCAL_SIZE, nl);
        off += CENTRAL_SIZE + nl;
        lho += LOCAL_SIZE + nl + sz;
    }
    unsigned char *e = out + off;
    put32(e, SIG_END);
    put16(e + 4, 0);
    put16(e + 6, 0);
    put16(e + 8, (uint32_t)z->n);
    put16(e + 10, (uint32_t)z->n);
    put32(e + 12, (uint32_t)(off - cd_off));
    put32(e + 16, (uint32_t)cd_off);
    put16(e + 20, 0);
}

int hdnet_npz_save_mem(const hdnet_npz *z, void *buf, size_t cap, size_t *len)
{
    if (!z || !len)
        return hdnet__error(HDNET_EINVAL, "z or len is NULL");
    size_t need;
    int rc = archive_size(z, &need);
    if (rc)
        return rc;
    *len = need;
    if (!buf)
        return HDNET_OK;
    if (cap < need)
        return hdnet__error(HDNET_ESHAPE, "archive needs %zu bytes, buffer has %zu", need, cap);
    encode_archive(z, buf);
    return HDNET_OK;
}

int hdnet_npz_save(const hdnet_npz *z, const char *path)
{
    if (!z || !path)
        return hdnet__error(HDNET_EINVAL, "z or path is NULL");
    size_t need;
    int rc = archive_size(z, &need);
    if (rc)
        return rc;
    unsigned char *buf = malloc(need);
    if (!buf)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate %zu bytes", need);
    encode_archive(z, buf);
    rc = hdnet__write_file_atomic(path, buf, need);
    free(buf);
    return rc;
}

/* ---- reading ---- */

#define FMT(...) hdnet__error(HDNET_EFORMAT, __VA_ARGS__)

typedef struct {
    size_t lho;       /* local header offset */
    size_t start;     /* data offset */
    size_t size;      /* data bytes */
    uint32_t crc;
    const unsigned char *name;
    size_t name_len;
} entry;

static int by_offset(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    return x->lho < y->lho ? -1 : x->lho > y->lho;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Find the zip64 extended-information field in an extra block; 0 if found. */
static int find_zip64(const unsigned char *ex, size_t n, const unsigned char **f, size_t *flen)
{
    size_t i = 0;
    while (n - i >= 4) {
        uint32_t tag = get16(ex + i), sz = get16(ex + i + 2);
        if (sz > n - i - 4)
            return -2; /* malformed */
        if (tag == 0x0001) {
            *f = ex + i + 4;
            *flen = sz;
            return 0;
        }
        i += 4 + sz;
    }
    return i == n ? -1 : -2;
}

static int read_entries(const unsigned char *b, size_t len, entry *ents, size_t count,
                        size_t cd_off, size_t cd_end)
{
    size_t p = cd_off;
    for (size_t i = 0; i < count; i++) {
        entry *e = &ents[i];
        if (cd_end - p < CENTRAL_SIZE || get32(b + p) != SIG_CENTRAL)
            return FMT("central directory entry %zu is truncated or has a bad signature", i);
        const unsigned char *h = b + p;
        uint32_t flags = get16(h + 8), method = get16(h + 10);
        uint32_t csize = get32(h + 20), usize = get32(h + 24);
        size_t nl = get16(h + 28), xl = get16(h + 30), cl = get16(h + 32);
        uint32_t disk = get16(h + 34), lho = get32(h + 42);
        if (cd_end - p - CENTRAL_SIZE < nl + xl + cl)
            return FMT("central directory entry %zu runs past the directory", i);
        if (flags & 0x41)
            return hdnet__error(HDNET_ENOTSUP, "member %zu is encrypted", i);
        if (method != 0)
            return hdnet__error(HDNET_ENOTSUP,
                                "member %zu is compressed (method %u); only stored members are "
                                "read (use numpy.savez, not savez_compressed)", i, (unsigned)method);
        if (csize == 0xffffffffu || usize == 0xffffffffu || lho == 0xffffffffu || disk == 0xffff)
            return hdnet__error(HDNET_ENOTSUP, "member %zu uses ZIP64", i);
        if (disk != 0)
            return hdnet__error(HDNET_ENOTSUP, "multi-disk archive");
        if (csize != usize)
            return FMT("stored member %zu has different compressed and real sizes", i);
        e->lho = lho;
        e->size = usize;
        e->crc = get32(h + 16);
        e->name = h + CENTRAL_SIZE;
        e->name_len = nl;
        p += CENTRAL_SIZE + nl + xl + cl;
        (void)len;
    }
    if (p != cd_end)
        return FMT("%zu unexplained bytes in the central directory", cd_end - p);
    return HDNET_OK;
}

static int check_local(const unsigned char *b, size_t cd_off, entry *e, size_t i)
{
    if (e->lho > cd_off || cd_off - e->lho < LOCAL_SIZE || get32(b + e->lho) != SIG_LOCAL)
        return FMT("member %zu: local header missing or truncated", i);
    const unsigned char *h = b + e->lho;
    uint32_t flags = get16(h + 6), method = get16(h + 8);
    size_t nl = get16(h + 26), xl = get16(h + 28);
    if (method != 0)
        return hdnet__error(HDNET_ENOTSUP, "member %zu is compressed", i);
    if (flags & 0x41)
        return hdnet__error(HDNET_ENOTSUP, "member %zu is encrypted", i);
    if (cd_off - e->lho - LOCAL_SIZE < nl + xl)
        return FMT("member %zu: local header runs into the central directory", i);
    if (nl != e->name_len || memcmp(h + LOCAL_SIZE, e->name, nl) != 0)
        return FMT("member %zu: local and central names differ", i);
    e->start = e->lho + LOCAL_SIZE + nl + xl;
    if (cd_off - e->start < e->size)
        return FMT("member %zu: data runs into the central directory", i);
    if (!(flags & 0x08)) { /* sizes in the local header (no data descriptor) */
        uint64_t lc = get32(h + 18), lu = get32(h + 22);
        if (lc == 0xffffffffu && lu == 0xffffffffu) { /* ZIP64 extra, as numpy.savez writes */
            const unsigned char *f;
            size_t fl;
            int r = find_zip64(h + LOCAL_SIZE + nl, xl, &f, &fl);
            if (r || fl < 16)
                return FMT("member %zu: ZIP64 sizes missing from the local header", i);
            lu = get64(f);
            lc = get64(f + 8);
        }
        if (lu != e->size || lc != e->size || get32(h + 14) != e->crc)
            return FMT("member %zu: local header disagrees with the central directory", i);
    }
    return HDNET_OK;
}

static int decode_member(hdnet_npz *z, const unsigned char *b, const entry *e, size_t i)
{
    char name[NAME_MAX_LEN + 1];
    if (e->name_len < 5 || memcmp(e->name + e->name_len - 4, ".npy", 4) != 0 ||
        check_name((const char *)e->name, e->name_len - 4))
        return FMT("member %zu: name is not '<name>.npy' with a printable name of 1-%d characters",
                   i, NAME_MAX_LEN);
    memcpy(name, e->name, e->name_len - 4);
    name[e->name_len - 4] = '\0';
    const unsigned char *d = b + e->start;
    if (hdnet__crc32(0, d, e->size) != e->crc)
        return FMT("member '%s': CRC-32 mismatch", name);
    hdnet__npy_hdr h;
    int rc = hdnet__npy_parse(d, e->size, name, &h);
    if (rc)
        return rc;
    hdnet__npz_member m = {0};
    rc = hdnet__npy_member(d, &h, name, &m);
    if (rc)
        return rc;
    if (!(m.name = malloc(e->name_len - 3))) {
        free(m.data);
        return hdnet__error(HDNET_ENOMEM, "cannot allocate member '%s'", name);
    }
    memcpy(m.name, name, e->name_len - 3);
    return hdnet__npz_append(z, &m);
}

int hdnet_npz_load_mem(hdnet_npz **out, const void *buf, size_t len)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!buf && len)
        return hdnet__error(HDNET_EINVAL, "buf is NULL");
    const unsigned char *b = buf;
    if (len < END_SIZE)
        return FMT("not a ZIP archive (%zu bytes)", len);
    /* End record: scan back over a possible comment. */
    size_t eo = len - END_SIZE, lowest = len - END_SIZE > 0xffff ? len - END_SIZE - 0xffff : 0;
    for (;;) {
        if (get32(b + eo) == SIG_END && eo + END_SIZE + get16(b + eo + 20) == len)
            break;
        if (eo == lowest)
            return FMT("no ZIP end-of-central-directory record");
        eo--;
    }
    const unsigned char *e = b + eo;
    uint32_t disk = get16(e + 4), cd_disk = get16(e + 6);
    size_t n_disk = get16(e + 8), n_total = get16(e + 10);
    size_t cd_size = get32(e + 12), cd_off = get32(e + 16);
    if (eo >= 20 && get32(b + eo - 20) == SIG_Z64LOC)
        return hdnet__error(HDNET_ENOTSUP, "ZIP64 archive");
    /* Without a ZIP64 locator, 0xffff and 0xffffffff are taken literally (Python's
     * zipfile writes 65535 members that way); with one, the archive is ZIP64. */
    if (disk || cd_disk || n_disk != n_total)
        return hdnet__error(HDNET_ENOTSUP, "multi-disk archive");
    if (cd_off > eo || eo - cd_off != cd_size)
        return FMT("central directory (offset %zu, %zu bytes) does not end at the end record (%zu)",
                   cd_off, cd_size, eo);
    if (n_total > cd_size / CENTRAL_SIZE)
        return FMT("%zu members cannot fit a %zu-byte central directory", n_total, cd_size);

    hdnet_npz *z = NULL;
    entry *ents = calloc(n_total ? n_total : 1, sizeof *ents);
    entry **order = calloc(n_total ? n_total : 1, sizeof *order);
    int rc = ents && order ? hdnet_npz_create(&z)
                           : hdnet__error(HDNET_ENOMEM, "cannot allocate %zu entries", n_total);
    if (!rc)
        rc = read_entries(b, len, ents, n_total, cd_off, eo);
    for (size_t i = 0; !rc && i < n_total; i++) {
        rc = check_local(b, cd_off, &ents[i], i);
        order[i] = &ents[i];
    }
    if (!rc && n_total > 1) {
        /* members may not overlap: the data then accounts for distinct file bytes */
        qsort(order, n_total, sizeof *order, by_offset);
        for (size_t i = 1; !rc && i < n_total; i++)
            if (order[i]->lho < order[i - 1]->start + order[i - 1]->size)
                rc = FMT("members overlap at offset %zu", order[i]->lho);
    }
    for (size_t i = 0; !rc && i < n_total; i++)
        rc = decode_member(z, b, &ents[i], i);
    if (!rc && n_total > 1) {
        /* duplicate names, in O(n log n) (an archive may list 65535 members) */
        const char **names = malloc(n_total * sizeof *names);
        if (!names)
            rc = hdnet__error(HDNET_ENOMEM, "cannot allocate %zu names", n_total);
        for (size_t i = 0; !rc && i < n_total; i++)
            names[i] = z->m[i].name;
        if (!rc)
            qsort(names, n_total, sizeof *names, by_name);
        for (size_t i = 1; !rc && i < n_total; i++)
            if (!strcmp(names[i - 1], names[i]))
                rc = FMT("duplicate member '%s'", names[i]);
        free(names);
    }
    free(ents);
    free(order);
    if (rc) {
        hdnet_npz_free(z);
        return rc;
    }
    *out = z;
    return HDNET_OK;
}

int hdnet_npz_load(hdnet_npz **out, const char *path)
{
    return hdnet__load_path(out, path, hdnet_npz_load_mem);
}
