/* Status strings and the thread-local detail message. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

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

int hdnet__error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg_buf, sizeof errmsg_buf, fmt, ap);
    va_end(ap);
    return status;
}
