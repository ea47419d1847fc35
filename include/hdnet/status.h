/** @file
 * libhdnet: status codes and error messages.
 *
 * Every fallible call returns HDNET_OK (0) or one of the negative codes below.
 * Values are frozen once released; new codes are appended. */
#ifndef HDNET_STATUS_H
#define HDNET_STATUS_H

#include <stddef.h>
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HDNET_OK          0  /**< success */
#define HDNET_EINVAL     -1  /**< invalid argument (NULL pointer, bad id, bad name) */
#define HDNET_ENOMEM     -2  /**< out of memory, or a size that cannot be allocated */
#define HDNET_ERANGE     -3  /**< a value outside its documented bounds, or NaN */
#define HDNET_ESHAPE     -4  /**< an array size does not match, or a buffer is too small */
#define HDNET_ESTATE     -5  /**< the call is not valid in the object's current state */
#define HDNET_EIO        -6  /**< a file could not be opened, read, written or renamed */
#define HDNET_EFORMAT    -7  /**< a file or buffer is malformed */
#define HDNET_ENOTSUP    -8  /**< a valid request this build or mode does not support */
#define HDNET_EDIVERGED  -9  /**< NaN or Inf appeared in a loss, gradient or state */
#define HDNET_ECANCELED -10  /**< a callback asked to stop */

/** Static description of a status code; "unknown error" for unknown codes, never NULL.
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_strerror(int status);

/** Detail of the latest failure on this thread, e.g. "tau=-1 outside [0.001, 1e+06]".
 *  Never NULL ("" when there is none); valid until the next hdnet call on this thread.
 *  Ownership: thread-local storage of the library; do not free.
 *  Thread-safety: each thread has its own message. */
HDNET_API const char *hdnet_errmsg(void);

/** Copy text with the bytes a terminal could act on made visible: control
 *  bytes (0x00-0x1f, 0x7f), C1 controls (U+0080-U+009F) and bytes that are not
 *  part of valid UTF-8 become "\xNN"; valid UTF-8 passes unchanged. Messages of
 *  hdnet_errmsg() are already escaped this way (file names, config values and
 *  file contents in them included). Like snprintf, out receives at most cap-1
 *  bytes and a NUL (never a partial escape or UTF-8 sequence).
 *  @param[out] out  cap bytes, or NULL with cap 0 to ask for the length
 *  @param[in] cap   size of out in bytes
 *  @param[in] in    NUL-terminated text (NULL is treated as "")
 *  @return length of the whole escaped text, without the NUL
 *  Thread-safety: reentrant. */
HDNET_API size_t hdnet_escape_text(char *out, size_t cap, const char *in);

#ifdef __cplusplus
}
#endif
#endif
