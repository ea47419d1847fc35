/* Status strings and the thread-local detail message. */
#include "core/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HDNET_STATUS_MAP(X)                                       \
    X(HDNET_OK, "success")                                        \
    X(HDNET_EINVAL, "invalid argument")                           \
    X(HDNET_ENOMEM, "out of memory")                              \
    X(HDNET_ERANGE, "value out of range")                         \
    X(HDNET_ESHAPE, "array size mismatch")                        \
    X(HDNET_ESTATE, "invalid state for this call")                \
    X(HDNET_EIO, "input/output error")                            \
    X(HDNET_EFORMAT, "malformed file or data")                    \
    X(HDNET_ENOTSUP, "not supported")                             \
    X(HDNET_EDIVERGED, "numerical divergence (NaN or Inf)")       \
    X(HDNET_ECANCELED, "canceled by callback")

static _Thread_local char errmsg_buf[512];

const char *hdnet_strerror(int status)
{
    switch (status) {
#define HDNET_STATUS_CASE(code, text) case code: return text;
        HDNET_STATUS_MAP(HDNET_STATUS_CASE)
#undef HDNET_STATUS_CASE
    default:
        return "unknown error";
    }
}

const char *hdnet_errmsg(void)
{
    return errmsg_buf;
}

void hdnet__clear_error(void)
{
    errmsg_buf[0] = '\0';
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if s does not start one.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

size_t hdnet_escape_text(char *out, size_t cap, const char *in)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    size_t pos = 0, kept = 0; /* length of the whole text, bytes stored in out */
    int stop = !out;
    while (*s) {
        size_t n = utf8_len(s);
        /* C0 controls, DEL and the C1 controls U+0080-U+009F (0xc2 0x80-0x9f) */
        int control = n == 1 ? (*s < 0x20 || *s == 0x7f) : (n == 2 && s[0] == 0xc2 && s[1] < 0xa0);
        char piece[4];
        const char *src = (const char *)s;
        size_t len = n;
        if (n == 0 || control) {
            piece[0] = '\\';
            piece[1] = 'x';
            piece[2] = hex[*s >> 4];
            piece[3] = hex[*s & 15];
            src = piece;
            len = 4;
            n = 1; /* escape one byte at a time */
        }
        if (!stop && pos + len < cap) {
            memcpy(out + pos, src, len);
            kept = pos + len;
        } else {
            stop = 1;
        }
        pos += len;
        s += n;
    }
    if (out && cap)
        out[kept] = '\0';
    return pos;
}

int hdnet__error(int status, const char *fmt, ...)
{
    /* Format aside first: arguments may point into errmsg_buf (a message that
     * quotes the previous one). */
    char raw[sizeof errmsg_buf];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    hdnet_escape_text(errmsg_buf, sizeof errmsg_buf, raw);
    return status;
}
