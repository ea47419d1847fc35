/* Test helpers shared by the suites. */
#ifndef HDNET_TESTUTIL_H
#define HDNET_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include "hdnet/hdnet.h"

/* Prototypes of every suite constructor, hdnet_suite_<module>(). */
#define HDNET_SUITE(name) Suite *hdnet_suite_##name(void);
#include "suites.h"
#undef HDNET_SUITE

/* Fail the test with the status text and detail message unless rc == HDNET_OK. */
#define ck_assert_ok(expr)                                                              \
    do {                                                                                \
        int ck_rc_ = (expr);                                                            \
        ck_assert_msg(ck_rc_ == HDNET_OK, "%s -> %d (%s: %s)", #expr, ck_rc_,           \
                      hdnet_strerror(ck_rc_), hdnet_errmsg());                          \
    } while (0)

/* Assert a specific failure status and a non-empty detail message. */
#define ck_assert_status(expr, want)                                                    \
    do {                                                                                \
        int ck_rc_ = (expr);                                                            \
        ck_assert_msg(ck_rc_ == (want), "%s -> %d (%s), wanted %d (%s)", #expr, ck_rc_,  \
                      hdnet_errmsg(), (want), hdnet_strerror(want));                    \
        ck_assert_msg(ck_rc_ == HDNET_OK || hdnet_errmsg()[0] != '\0',                  \
                      "%s failed without a detail message", #expr);                     \
    } while (0)

/* Largest |a[i]-b[i]| / max(1, |b[i]|) over n floats, and its index. */
double tu_max_rel_diff_f(const float *a, const float *b, size_t n, size_t *where);

/* Path of a file in tests/data (tests run from tests/). */
const char *tu_data_path(const char *name);

/* Read a whole binary file into a malloc'd buffer; NULL on failure. */
void *tu_read_file(const char *path, size_t *len);

/* A copy of member i of an archive: its name, dtype, shape (HDNET_NPY_MAXDIM entries), ndim
 * and element count, in a malloc'd buffer with one spare byte (for a NUL after a text). */
void *tu_npz_member(const hdnet_npz *z, size_t i, const char **name, int *dtype, size_t *shape, size_t *ndim,
                    size_t *n);

#endif
