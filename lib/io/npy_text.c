/* Text members as NumPy strings: UTF-8 in memory, a 0-d '<U<n>' (UTF-32) array on disk,
 * so that np.load gives a str. */
#include "core/internal.h"
#include "io/io_priv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    return hdnet__npy_header_size(descr, NULL, 0) + 4 * (chars ? chars : 1);
}

void hdnet__npy_text_encode(const unsigned char *s, size_t n, size_t chars, unsigned char *out)
{
    char descr[32];
    text_descr(chars, descr, sizeof descr);
    size_t hs = hdnet__npy_header_size(descr, NULL, 0);
    hdnet__npy_encode_header(descr, NULL, 0, hs, out);
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
