/* .npy encoding and decoding, whole-file reads and atomic writes. */
#include "internal.h"
#include "io_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static size_t header_size(const char *descr, const size_t *shape, size_t ndim)
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
    return header_size(descr, shape, ndim) + numel * dtypes[dtype].size;
}

/* Write the header of hs bytes (header_size()) into out. */
static void encode_header(const char *descr, const size_t *shape, size_t ndim, size_t hs, unsigned char *out)
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
    size_t hs = header_size(descr, shape, ndim);
    encode_header(descr, shape, ndim, hs, out);
    hdnet__copy_elems(out + hs, data, numel, dtypes[dtype].size, !hdnet__host_le());
}

/* ---- text as a NumPy string: UTF-8 in memory, a 0-d '<U<n>' (UTF-32) array on disk ---- */

/* Length of the UTF-8 sequence starting at s[0] (at most n bytes) and its code
 * point; 0 for an invalid, overlong, surrogate or NUL sequence. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
               : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!len || len > n)
        return 0;
    uint32_t c = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c == 0 || c < min_cp[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

int hdnet__utf8_chars(const unsigned char *s, size_t n, size_t *chars)
{
    size_t k = 0;
    uint32_t cp;
    for (size_t i = 0; i < n; k++) {
        size_t l = utf8_next(s + i, n - i, &cp);
        if (!l)
            return -1;
        i += l;
    }
    *chars = k;
    return 0;
}

/* NumPy stores '' as '<U1' holding one NUL: an empty string still has one unit. */
static void text_descr(size_t chars, char *buf, size_t cap)
{
    snprintf(buf, cap, "<U%zu", chars ? chars : 1);
}

size_t hdnet__npy_text_size(size_t chars)
{
    char descr[32];
    text_descr(chars, descr, sizeof descr);
    return header_size(descr, NULL, 0) + 4 * (chars ? chars : 1);
}

void hdnet__npy_text_encode(const unsigned char *s, size_t n, size_t chars, unsigned char *out)
{
    char descr[32];
    text_descr(chars, descr, sizeof descr);
    size_t hs = header_size(descr, NULL, 0);
    encode_header(descr, NULL, 0, hs, out);
    out += hs;
    memset(out, 0, 4);
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        i += utf8_next(s + i, n - i, &cp);
        out[0] = (unsigned char)cp; /* little-endian, as the descr says */
        out[1] = (unsigned char)(cp >> 8);
        out[2] = (unsigned char)(cp >> 16);
        out[3] = 0;
        out += 4;
    }
}

/* Bytes of the UTF-8 encoding of code point c. */
static size_t utf8_put(uint32_t c, unsigned char *out)
{
    if (c < 0x80) {
        out[0] = (unsigned char)c;
        return 1;
    }
    size_t len = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    static const unsigned char lead[5] = {0, 0, 0xc0, 0xe0, 0xf0};
    for (size_t i = len - 1; i > 0; i--, c >>= 6)
        out[i] = (unsigned char)(0x80 | (c & 0x3f));
    out[0] = (unsigned char)(lead[len] | c);
    return len;
}

int hdnet__npy_text_decode(const unsigned char *src, size_t units, int swap, const char *what,
                           unsigned char **text, size_t *len)
{
    size_t used = units;
    uint32_t *cps = malloc(units ? units * sizeof *cps : 1);
    if (!cps)
        return hdnet__error(HDNET_ENOMEM, "%s: cannot allocate %zu characters", what, units);
    hdnet__copy_elems((unsigned char *)cps, src, units, 4, swap);
    /* trailing NULs pad the string (NumPy drops them); a NUL before a character is an error */
    while (used && cps[used - 1] == 0)
        used--;
    size_t bytes = 0;
    int rc = HDNET_OK;
    for (size_t i = 0; i < used && !rc; i++) {
        uint32_t c = cps[i];
        if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            rc = hdnet__error(HDNET_EFORMAT, "%s: character %zu of the string is U+%04lX, not allowed in text", what, i,
                     (unsigned long)c);
        bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    unsigned char *out = NULL;
    if (!rc && !(out = malloc(bytes ? bytes : 1)))
        rc = hdnet__error(HDNET_ENOMEM, "%s: cannot allocate %zu bytes of text", what, bytes);
    for (size_t i = 0, k = 0; !rc && i < used; i++)
        k += utf8_put(cps[i], out + k);
    free(cps);
    if (rc)
        return rc;
    if (!bytes) {
        free(out);
        out = NULL;
    }
    *text = out;
    *len = bytes;
    return HDNET_OK;
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
    size_t numel;
    int rc = hdnet__npy_check(dtype, data, shape, ndim, &numel);
    if (rc)
        return rc;
    size_t need = hdnet__npy_size(dtype, shape, ndim, numel);
    unsigned char *buf = malloc(need);
    if (!buf)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate %zu bytes", need);
    hdnet__npy_encode(dtype, data, shape, ndim, numel, buf);
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

int hdnet__npy_parse(const unsigned char *buf, size_t len, const char *what, hdnet__npy_hdr *h)
{
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return FMT("%s: not a .npy array (bad magic or shorter than 10 bytes)", what);
    int major = buf[6], minor = buf[7];
    size_t hlen, start;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        start = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return FMT("%s: truncated .npy header", what);
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        start = 12;
    } else {
        return hdnet__error(HDNET_ENOTSUP, "%s: .npy version %d.%d", what, major, minor);
    }
    if (minor != 0)
        return hdnet__error(HDNET_ENOTSUP, "%s: .npy version %d.%d", what, major, minor);
    if (hlen > len - start)
        return FMT("%s: .npy header of %zu bytes past the end (%zu bytes)", what, hlen, len);
    const char *s = (const char *)buf + start;
    for (size_t i = 0; i < hlen; i++)
        if ((unsigned char)s[i] >= 0x7f || ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t'))
            return FMT("%s: non-ASCII byte in .npy header", what);
    if (hlen == 0 || s[hlen - 1] != '\n')
        return FMT("%s: .npy header does not end with a newline", what);

    cursor c = {s, 0, hlen - 1};
    int have_descr = 0, have_order = 0, have_shape = 0, fortran = 0;
    char descr[16];
    h->ndim = 0;
    if (expect(&c, '{'))
        return FMT("%s: .npy header is not a dict", what);
    for (;;) {
        if (peek(&c) == '}') {
            c.i++;
            break;
        }
        char key[32];
        if (get_string(&c, key, sizeof key) || expect(&c, ':'))
            return FMT("%s: bad key in .npy header", what);
        if (!strcmp(key, "descr")) {
            if (have_descr++)
                return FMT("%s: duplicate 'descr'", what);
            if (peek(&c) == '[')
                return hdnet__error(HDNET_ENOTSUP, "%s: structured dtype", what);
            if (get_string(&c, descr, sizeof descr))
                return FMT("%s: bad 'descr' value", what);
        } else if (!strcmp(key, "fortran_order")) {
            if (have_order++)
                return FMT("%s: duplicate 'fortran_order'", what);
            if (!get_word(&c, "True"))
                fortran = 1;
            else if (get_word(&c, "False"))
                return FMT("%s: bad 'fortran_order' value", what);
        } else if (!strcmp(key, "shape")) {
            if (have_shape++)
                return FMT("%s: duplicate 'shape'", what);
            if (expect(&c, '('))
                return FMT("%s: bad 'shape' value", what);
            if (peek(&c) == ')') {
                c.i++;
            } else {
                for (;;) {
                    size_t d;
                    int r = get_dim(&c, &d);
                    if (r == -2)
                        return FMT("%s: dimension above %u", what, HDNET_NPY_MAX_ELEMS);
                    if (r)
                        return FMT("%s: bad dimension in 'shape'", what);
                    if (h->ndim == HDNET_NPY_MAXDIM)
                        return hdnet__error(HDNET_ENOTSUP, "%s: more than %d dimensions", what,
                                            HDNET_NPY_MAXDIM);
                    h->shape[h->ndim++] = d;
                    int p = peek(&c);
                    if (p == ')') {
                        c.i++;
                        break;
                    }
                    if (p != ',')
                        return FMT("%s: bad 'shape' value", what);
                    c.i++;
                    if (peek(&c) == ')') {
                        c.i++;
                        break;
                    }
                }
            }
        } else {
            return FMT("%s: unknown key '%s' in .npy header", what, key);
        }
        int p = peek(&c);
        if (p == ',') {
            c.i++;
            continue;
        }
        if (p != '}')
            return FMT("%s: bad separator in .npy header", what);
    }
    if (peek(&c) != -1)
        return FMT("%s: bytes after the .npy header dict", what);
    if (!have_descr || !have_order || !have_shape)
        return FMT("%s: .npy header lacks descr, fortran_order or shape", what);

    /* dtype */
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

    /* size */
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
    h->data_off = start + hlen;
    size_t avail = len - h->data_off, bytes = 0;
    int ovf = hdnet__mul(n, es, &bytes);
    if (ovf || bytes != avail)
        return FMT("%s: shape needs %s%zu data bytes, %zu present", what, ovf ? "over " : "",
                   ovf ? SIZE_MAX : bytes, avail);
    if (n > HDNET_NPY_MAX_ELEMS)
        return hdnet__error(HDNET_ENOTSUP, "%s: more than %u elements", what, HDNET_NPY_MAX_ELEMS);
    h->numel = n;
    return HDNET_OK;
}

/* ---- files ---- */

int hdnet__write_file_atomic(const char *path, const void *buf, size_t len)
{
    size_t pl = strlen(path);
    if (pl == 0)
        return hdnet__error(HDNET_EIO, "empty path");
    char *tmp = malloc(pl + 40);
    if (!tmp)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate a file name");
    int fd = -1;
    for (unsigned k = 0; k < 1000 && fd < 0; k++) {
        snprintf(tmp, pl + 40, "%s.tmp%ld.%u", path, (long)getpid(), k);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return hdnet__error(HDNET_EIO, "cannot create a temporary file beside %s: %s", path,
                            strerror(e));
    }
    const unsigned char *p = buf;
    size_t left = len;
    int e = 0;
    const char *step = "write";
    while (left) {
        ssize_t w = write(fd, p, left > (1u << 30) ? (1u << 30) : left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (!e && fsync(fd) != 0) {
        e = errno;
        step = "fsync";
    }
    if (close(fd) != 0 && !e) {
        e = errno;
        step = "close";
    }
    if (!e && rename(tmp, path) != 0) {
        e = errno;
        step = "rename";
    }
    if (e) {
        unlink(tmp);
        free(tmp);
        return hdnet__error(HDNET_EIO, "%s %s: %s", step, path, strerror(e));
    }
    free(tmp);
    /* Make the rename durable; failure here does not undo the write. */
    char *dir = malloc(pl + 2);
    if (dir) {
        memcpy(dir, path, pl + 1);
        char *slash = strrchr(dir, '/');
        if (!slash)
            strcpy(dir, ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        int dfd = open(dir, O_RDONLY);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return HDNET_OK;
}

int hdnet__read_file(const char *path, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return hdnet__error(HDNET_EIO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return hdnet__error(HDNET_EIO, "%s is not a regular file", path);
    }
    if ((uintmax_t)st.st_size > SIZE_MAX - 1) {
        close(fd);
        return hdnet__error(HDNET_ENOMEM, "%s is too large", path);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *b = malloc(n ? n : 1);
    if (!b) {
        close(fd);
        return hdnet__error(HDNET_ENOMEM, "cannot allocate %zu bytes for %s", n, path);
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int e = r < 0 ? errno : 0;
            close(fd);
            free(b);
            return hdnet__error(HDNET_EIO, "read %s: %s", path,
                                e ? strerror(e) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    if (n == 0) {
        free(b);
        b = NULL;
    }
    *buf = b;
    *len = n;
    return HDNET_OK;
}

int hdnet__load_path(hdnet_npz **out, const char *path,
                     int (*load_mem)(hdnet_npz **, const void *, size_t))
{
    if (out)
        *out = NULL;
    if (!out || !path)
        return hdnet__error(HDNET_EINVAL, "out or path is NULL");
    unsigned char *buf;
    size_t len;
    int rc = hdnet__read_file(path, &buf, &len);
    if (rc)
        return rc;
    rc = load_mem(out, buf, len);
    free(buf);
    return rc;
}

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

/* ---- single-array loads ---- */

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
