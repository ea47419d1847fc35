/* .npy encoding and decoding, and .npy files written whole (file.c writes them). */
#include "core/internal.h"
#include "io/io_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *code; /* descr without the byte-order character */
    const char *name;
    size_t size;
} dtypes[HDNET_DTYPE_COUNT] = {
    {"f4", "float32", 4}, {"f8", "float64", 8}, {"i8", "int64", 8},
    {"i4", "int32", 4},   {"u1", "uint8", 1},
};

size_t hdnet_dtype_size(int dtype)
{
    return dtype >= 0 && dtype < HDNET_DTYPE_COUNT ? dtypes[dtype].size : 0;
}

const char *hdnet_dtype_name(int dtype)
{
    return dtype >= 0 && dtype < HDNET_DTYPE_COUNT ? dtypes[dtype].name : NULL;
}

int hdnet__host_le(void)
{
    const uint16_t one = 1;
    unsigned char c;
    memcpy(&c, &one, 1);
    return c == 1;
}

void hdnet__copy_elems(unsigned char *dst, const unsigned char *src, size_t n, size_t es, int swap)
{
    if (!n)
        return;
    if (!swap || es == 1) {
        memcpy(dst, src, n * es);
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t b = 0; b < es; b++)
            dst[i * es + b] = src[i * es + es - 1 - b];
}

/* ---- writing ---- */

int hdnet__npy_check(int dtype, const void *data, const size_t *shape, size_t ndim, size_t *numel)
{
    if (dtype < 0 || dtype >= HDNET_DTYPE_COUNT)
        return hdnet__error(HDNET_EINVAL, "unknown dtype %d", dtype);
    if (ndim > HDNET_NPY_MAXDIM)
        return hdnet__error(HDNET_EINVAL, "ndim=%zu exceeds %d", ndim, HDNET_NPY_MAXDIM);
    if (ndim && !shape)
        return hdnet__error(HDNET_EINVAL, "shape is NULL with ndim=%zu", ndim);
    size_t n = 1;
    int zero = 0;
    for (size_t i = 0; i < ndim; i++) {
        if (shape[i] > HDNET_NPY_MAX_ELEMS)
            return hdnet__error(HDNET_ERANGE, "dimension %zu is %zu, above %u", i, shape[i],
                                HDNET_NPY_MAX_ELEMS);
        zero |= shape[i] == 0;
    }
    for (size_t i = 0; i < ndim && !zero; i++)
        if (hdnet__mul(n, shape[i], &n) || n > HDNET_NPY_MAX_ELEMS)
            return hdnet__error(HDNET_ERANGE, "array has more than %u elements",
                                HDNET_NPY_MAX_ELEMS);
    if (zero)
        n = 0;
    if (n && !data)
        return hdnet__error(HDNET_EINVAL, "data is NULL for %zu elements", n);
    *numel = n;
    return HDNET_OK;
}

/* The descr of a dtype, e.g. "<f4" or "|u1". */
static void descr_of(int dtype, char *buf, size_t cap)
{
    snprintf(buf, cap, "%c%s", dtypes[dtype].size == 1 ? '|' : '<', dtypes[dtype].code);
}

/* The dict text without padding; returns its length (at most ~250 bytes). */
static size_t dict_text(const char *descr, const size_t *shape, size_t ndim, char *buf, size_t cap)
{
    size_t pos = 0;
    int k = snprintf(buf, cap, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    pos = (size_t)k;
    for (size_t i = 0; i < ndim; i++) {
        k = snprintf(buf + pos, cap - pos, i ? ", %zu" : "%zu", shape[i]);
        pos += (size_t)k;
    }
    k = snprintf(buf + pos, cap - pos, ndim == 1 ? ",), }" : "), }");
    pos += (size_t)k;
    return pos;
}

#define DICT_CAP 512

size_t hdnet__npy_header_size(const char *descr, const size_t *shape, size_t ndim)
{
    char tmp[DICT_CAP];
    size_t d = dict_text(descr, shape, ndim, tmp, sizeof tmp);
    /* magic(6) + version(2) + hlen(2) + dict + padding + '\n', multiple of 64 */
    return (10 + d + 1 + 63) / 64 * 64;
}

size_t hdnet__npy_size(int dtype, const size_t *shape, size_t ndim, size_t numel)
{
    char descr[8];
    descr_of(dtype, descr, sizeof descr);
    return hdnet__npy_header_size(descr, shape, ndim) + numel * dtypes[dtype].size;
}

void hdnet__npy_encode_header(const char *descr, const size_t *shape, size_t ndim, size_t hs, unsigned char *out)
{
    char tmp[DICT_CAP];
    size_t d = dict_text(descr, shape, ndim, tmp, sizeof tmp);
    size_t hlen = hs - 10;
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    out[8] = (unsigned char)(hlen & 0xff);
    out[9] = (unsigned char)(hlen >> 8);
    memcpy(out + 10, tmp, d);
    memset(out + 10 + d, ' ', hlen - d - 1);
    out[hs - 1] = '\n';
}

void hdnet__npy_encode(int dtype, const void *data, const size_t *shape, size_t ndim, size_t numel,
                       unsigned char *out)
{
    char descr[8];
    descr_of(dtype, descr, sizeof descr);
    size_t hs = hdnet__npy_header_size(descr, shape, ndim);
    hdnet__npy_encode_header(descr, shape, ndim, hs, out);
    hdnet__copy_elems(out + hs, data, numel, dtypes[dtype].size, !hdnet__host_le());
}

int hdnet_npy_save_mem(int dtype, const void *data, const size_t *shape, size_t ndim, void *buf,
                       size_t cap, size_t *len)
{
    if (!len)
        return hdnet__error(HDNET_EINVAL, "len is NULL");
    size_t numel;
    int rc = hdnet__npy_check(dtype, data, shape, ndim, &numel);
    if (rc)
        return rc;
    size_t need = hdnet__npy_size(dtype, shape, ndim, numel);
    *len = need;
    if (!buf)
        return HDNET_OK;
    if (cap < need)
        return hdnet__error(HDNET_ESHAPE, ".npy needs %zu bytes, buffer has %zu", need, cap);
    hdnet__npy_encode(dtype, data, shape, ndim, numel, buf);
    return HDNET_OK;
}

int hdnet_npy_save(const char *path, int dtype, const void *data, const size_t *shape, size_t ndim)
{
    if (!path)
        return hdnet__error(HDNET_EINVAL, "path is NULL");
    size_t need;
    int rc = hdnet_npy_save_mem(dtype, data, shape, ndim, NULL, 0, &need);
    if (rc)
        return rc;
    unsigned char *buf = malloc(need);
    if (!buf)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate %zu bytes", need);
    rc = hdnet_npy_save_mem(dtype, data, shape, ndim, buf, need, &need);
    if (!rc)
        rc = hdnet__write_file_atomic(path, buf, need);
    free(buf);
    return rc;
}

/* ---- parsing ---- */

typedef struct {
    const char *s;
    size_t i, n;
} cursor;

static void skip_ws(cursor *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
        c->i++;
}

static int peek(cursor *c)
{
    skip_ws(c);
    return c->i < c->n ? (unsigned char)c->s[c->i] : -1;
}

static int expect(cursor *c, char ch)
{
    if (peek(c) != (unsigned char)ch)
        return -1;
    c->i++;
    return 0;
}

/* A quoted Python string without escapes, into out (cap bytes). */
static int get_string(cursor *c, char *out, size_t cap)
{
    int q = peek(c);
    if (q != '\'' && q != '"')
        return -1;
    c->i++;
    size_t k = 0;
    while (c->i < c->n && c->s[c->i] != q) {
        if (c->s[c->i] == '\\' || k + 1 >= cap)
            return -1;
        out[k++] = c->s[c->i++];
    }
    if (c->i >= c->n)
        return -1;
    c->i++;
    out[k] = '\0';
    return 0;
}

static int get_word(cursor *c, const char *w)
{
    size_t l = strlen(w);
    skip_ws(c);
    if (c->n - c->i < l || memcmp(c->s + c->i, w, l) != 0)
        return -1;
    c->i += l;
    return 0;
}

/* A non-negative decimal integer up to HDNET_NPY_MAX_ELEMS. */
static int get_dim(cursor *c, size_t *v)
{
    skip_ws(c);
    size_t x = 0, digits = 0;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        x = x * 10 + (size_t)(c->s[c->i] - '0');
        if (x > HDNET_NPY_MAX_ELEMS)
            return -2;
        c->i++;
        digits++;
    }
    if (!digits)
        return -1;
    *v = x;
    return 0;
}

#define FMT(...) hdnet__error(HDNET_EFORMAT, __VA_ARGS__)

/* Magic, version and header length: the header text is buf[*start, *start + *hlen),
 * printable ASCII ending in a newline. */
static int parse_preamble(const unsigned char *buf, size_t len, const char *what, size_t *start, size_t *hlen)
{
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return FMT("%s: not a .npy array (bad magic or shorter than 10 bytes)", what);
    int major = buf[6], minor = buf[7];
    if (major == 1) {
        *hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        *start = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return FMT("%s: truncated .npy header", what);
        *hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        *start = 12;
    } else {
        return hdnet__error(HDNET_ENOTSUP, "%s: .npy version %d.%d", what, major, minor);
    }
    if (minor != 0)
        return hdnet__error(HDNET_ENOTSUP, "%s: .npy version %d.%d", what, major, minor);
    if (*hlen > len - *start)
        return FMT("%s: .npy header of %zu bytes past the end (%zu bytes)", what, *hlen, len);
    const char *s = (const char *)buf + *start;
    for (size_t i = 0; i < *hlen; i++)
        if ((unsigned char)s[i] >= 0x7f || ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t'))
            return FMT("%s: non-ASCII byte in .npy header", what);
    if (*hlen == 0 || s[*hlen - 1] != '\n')
        return FMT("%s: .npy header does not end with a newline", what);
    return HDNET_OK;
}

/* The value of 'shape': a tuple of dimensions into h->shape and h->ndim. */
static int parse_shape(cursor *c, const char *what, hdnet__npy_hdr *h)
{
    if (expect(c, '('))
        return FMT("%s: bad 'shape' value", what);
    if (peek(c) == ')') {
        c->i++;
        return HDNET_OK;
    }
    for (;;) {
        size_t d;
        int r = get_dim(c, &d);
        if (r == -2)
            return FMT("%s: dimension above %u", what, HDNET_NPY_MAX_ELEMS);
        if (r)
            return FMT("%s: bad dimension in 'shape'", what);
        if (h->ndim == HDNET_NPY_MAXDIM)
            return hdnet__error(HDNET_ENOTSUP, "%s: more than %d dimensions", what, HDNET_NPY_MAXDIM);
        h->shape[h->ndim++] = d;
        int p = peek(c);
        if (p == ')') {
            c->i++;
            return HDNET_OK;
        }
        if (p != ',')
            return FMT("%s: bad 'shape' value", what);
        c->i++;
        if (peek(c) == ')') {
            c->i++;
            return HDNET_OK;
        }
    }
}

/* The header dict: 'descr' (into descr), 'fortran_order' and 'shape', each exactly once. */
static int parse_dict(cursor *c, const char *what, char descr[16], int *fortran, hdnet__npy_hdr *h)
{
    int have_descr = 0, have_order = 0, have_shape = 0;
    h->ndim = 0;
    if (expect(c, '{'))
        return FMT("%s: .npy header is not a dict", what);
    for (;;) {
        if (peek(c) == '}') {
            c->i++;
            break;
        }
        char key[32];
        int rc = HDNET_OK;
        if (get_string(c, key, sizeof key) || expect(c, ':'))
            return FMT("%s: bad key in .npy header", what);
        if (!strcmp(key, "descr")) {
            if (have_descr++)
                return FMT("%s: duplicate 'descr'", what);
            if (peek(c) == '[')
                return hdnet__error(HDNET_ENOTSUP, "%s: structured dtype", what);
            if (get_string(c, descr, 16))
                return FMT("%s: bad 'descr' value", what);
        } else if (!strcmp(key, "fortran_order")) {
            if (have_order++)
                return FMT("%s: duplicate 'fortran_order'", what);
            if (!get_word(c, "True"))
                *fortran = 1;
            else if (get_word(c, "False"))
                return FMT("%s: bad 'fortran_order' value", what);
        } else if (!strcmp(key, "shape")) {
            if (have_shape++)
                return FMT("%s: duplicate 'shape'", what);
            if ((rc = parse_shape(c, what, h)))
                return rc;
        } else {
            return FMT("%s: unknown key '%s' in .npy header", what, key);
        }
        int p = peek(c);
        if (p == ',') {
            c->i++;
            continue;
        }
        if (p != '}')
            return FMT("%s: bad separator in .npy header", what);
    }
    if (peek(c) != -1)
        return FMT("%s: bytes after the .npy header dict", what);
    if (!have_descr || !have_order || !have_shape)
        return FMT("%s: .npy header lacks descr, fortran_order or shape", what);
    return HDNET_OK;
}

/* The dtype of descr into h->dtype, and whether its bytes need swapping. */
static int parse_dtype(const char *descr, const char *what, hdnet__npy_hdr *h)
{
    char order = descr[0];
    const char *code = descr + 1;
    if (order != '<' && order != '>' && order != '|' && order != '=') {
        order = '=';
        code = descr;
    }
    h->dtype = -1;
    h->text_units = 0;
    for (int t = 0; t < HDNET_DTYPE_COUNT; t++)
        if (!strcmp(code, dtypes[t].code))
            h->dtype = t;
    size_t es = h->dtype >= 0 ? dtypes[h->dtype].size : 0;
    if (code[0] == 'U' && code[1] >= '1' && code[1] <= '9' && strlen(code) <= 10 &&
        strspn(code + 1, "0123456789") == strlen(code + 1)) {
        /* a NumPy string: read as text (UTF-8 bytes, dtype uint8) */
        h->text_units = (size_t)strtoul(code + 1, NULL, 10);
        if (h->ndim != 0)
            return hdnet__error(HDNET_ENOTSUP, "%s: an array of strings (only a single string is read)", what);
        if (h->text_units > HDNET_NPY_MAX_ELEMS / 4)
            return hdnet__error(HDNET_ENOTSUP, "%s: string of more than %u characters", what,
                                HDNET_NPY_MAX_ELEMS / 4);
        h->dtype = HDNET_DTYPE_U8;
        es = 4 * h->text_units;
    }
    if (h->dtype < 0)
        return hdnet__error(HDNET_ENOTSUP, "%s: dtype '%s' (supported: f4 f8 i8 i4 u1, U<n> text)", what, descr);
    if (order == '|' && es != 1)
        return FMT("%s: dtype '%s' needs a byte order", what, descr);
    int file_le = order == '<' || order == '|' || (order == '=' && hdnet__host_le());
    h->swap = (h->text_units || es > 1) && file_le != hdnet__host_le();
    return HDNET_OK;
}

/* The element count: the data must fill the avail bytes after the header exactly. */
static int check_size(const char *what, int fortran, size_t avail, hdnet__npy_hdr *h)
{
    size_t n = 1;
    int nontrivial = 0;
    for (size_t i = 0; i < h->ndim; i++) {
        nontrivial += h->shape[i] > 1;
        if (hdnet__mul(n, h->shape[i], &n)) {
            n = SIZE_MAX; /* overflow: cannot fit below */
            for (size_t j = 0; j < h->ndim; j++)
                if (h->shape[j] == 0)
                    n = 0;
            break;
        }
    }
    if (fortran && nontrivial > 1)
        return hdnet__error(HDNET_ENOTSUP, "%s: Fortran-order array (save it in C order)", what);
    size_t bytes = 0, es = h->text_units ? 4 * h->text_units : dtypes[h->dtype].size;
    int ovf = hdnet__mul(n, es, &bytes);
    if (ovf || bytes != avail)
        return FMT("%s: shape needs %s%zu data bytes, %zu present", what, ovf ? "over " : "",
                   ovf ? SIZE_MAX : bytes, avail);
    if (n > HDNET_NPY_MAX_ELEMS)
        return hdnet__error(HDNET_ENOTSUP, "%s: more than %u elements", what, HDNET_NPY_MAX_ELEMS);
    h->numel = n;
    return HDNET_OK;
}

int hdnet__npy_parse(const unsigned char *buf, size_t len, const char *what, hdnet__npy_hdr *h)
{
    size_t start = 0, hlen = 0;
    int rc = parse_preamble(buf, len, what, &start, &hlen);
    if (rc)
        return rc;
    cursor c = {(const char *)buf + start, 0, hlen - 1};
    char descr[16];
    int fortran = 0;
    if ((rc = parse_dict(&c, what, descr, &fortran, h)) || (rc = parse_dtype(descr, what, h)))
        return rc;
    h->data_off = start + hlen;
    return check_size(what, fortran, len - h->data_off, h);
}
