/* Private: .npy/.npz internals shared by npy.c, npz.c and model_io.c. */
#ifndef HDNET_IO_PRIV_H
#define HDNET_IO_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "hdnet/io.h"

/* One array of an archive. Data is kept in host byte order. */
typedef struct {
    char *name;                       /* without ".npy", NUL-terminated */
    int dtype;                        /* HDNET_DTYPE_* */
    size_t ndim;
    size_t shape[HDNET_NPY_MAXDIM];
    size_t numel;
    unsigned char *data;              /* numel * hdnet_dtype_size(dtype) bytes (NULL if 0) */
    int text;                         /* UTF-8 text (uint8 [len]) written as a NumPy string */
} hdnet__npz_member;

struct hdnet_npz {
    hdnet__npz_member *m;
    size_t n, cap;
};

/* Parsed .npy header. */
typedef struct {
    int dtype;
    int swap;          /* data is in the other byte order */
    size_t ndim;
    size_t shape[HDNET_NPY_MAXDIM];
    size_t numel;
    size_t data_off;   /* offset of the data from the start of the .npy bytes */
    size_t text_units; /* a NumPy string '<U<n>': n (UTF-32 units; dtype U8, numel 1); else 0 */
} hdnet__npy_hdr;

/* Parse and validate .npy bytes: the data must fill exactly the rest of len.
 * Returns HDNET_OK, HDNET_EFORMAT or HDNET_ENOTSUP (with a message naming `what`). */
int hdnet__npy_parse(const unsigned char *buf, size_t len, const char *what, hdnet__npy_hdr *h);

/* Validate (dtype, shape, ndim) for writing; *numel receives the element count.
 * HDNET_EINVAL or HDNET_ERANGE on failure. */
int hdnet__npy_check(int dtype, const void *data, const size_t *shape, size_t ndim, size_t *numel);

/* Bytes of the .npy encoding of an array (header + data). */
size_t hdnet__npy_size(int dtype, const size_t *shape, size_t ndim, size_t numel);

/* Write the .npy encoding into out (hdnet__npy_size() bytes). */
void hdnet__npy_encode(int dtype, const void *data, const size_t *shape, size_t ndim, size_t numel,
                       unsigned char *out);

/* Bytes of a .npy header (a multiple of 64) with this descr and shape. */
size_t hdnet__npy_header_size(const char *descr, const size_t *shape, size_t ndim);

/* Write that header of hs bytes into out. */
void hdnet__npy_encode_header(const char *descr, const size_t *shape, size_t ndim, size_t hs, unsigned char *out);

/* Fill m (dtype, shape, numel, data, text; not the name) from parsed .npy bytes:
 * a NumPy string becomes its UTF-8 text. HDNET_OK, HDNET_EFORMAT, HDNET_ENOMEM. */
int hdnet__npy_member(const unsigned char *npy, const hdnet__npy_hdr *h, const char *what,
                      hdnet__npz_member *m);

/* Count the code points of n bytes of UTF-8 (no NUL, no overlong forms or surrogates);
 * -1 when invalid. */
int hdnet__utf8_chars(const unsigned char *s, size_t n, size_t *chars);

/* Bytes of the .npy encoding of text of `chars` code points as a 0-d NumPy string. */
size_t hdnet__npy_text_size(size_t chars);

/* Write n bytes of valid UTF-8 (chars code points) as a 0-d '<U' .npy array
 * (hdnet__npy_text_size() bytes) into out. */
void hdnet__npy_text_encode(const unsigned char *s, size_t n, size_t chars, unsigned char *out);

/* Decode `units` UTF-32 units (byte-swapped when swap) into malloc'd UTF-8 text
 * (*text NULL when empty), dropping trailing NULs. HDNET_EFORMAT, HDNET_ENOMEM. */
int hdnet__npy_text_decode(const unsigned char *src, size_t units, int swap, const char *what,
                           unsigned char **text, size_t *len);

/* Copy n elements of size es from src to dst, reversing the bytes of each when swap. */
void hdnet__copy_elems(unsigned char *dst, const unsigned char *src, size_t n, size_t es, int swap);

/* 1 on a little-endian host. */
int hdnet__host_le(void);

/* CRC-32 (ISO-HDLC, as ZIP and zlib) of len bytes, continuing from crc (0 to start). */
uint32_t hdnet__crc32(uint32_t crc, const void *buf, size_t len);

/* Write len bytes to path atomically (temporary file "<path>.tmp<pid>.<k>" in
 * the same directory, fsync, rename). A symbolic link keeps pointing to its
 * target, which is replaced; a pipe or device is written in place. HDNET_OK,
 * HDNET_EIO or HDNET_ENOMEM; the temporary file remains only if the process dies
 * (hdnet_remove_stale_temps() removes it). */
int hdnet__write_file_atomic(const char *path, const void *buf, size_t len);

/* Read a whole regular file into a malloc'd buffer (*buf NULL when len is 0);
 * anything else (a FIFO, a device, a directory) is refused without blocking.
 * HDNET_OK, HDNET_EIO, HDNET_ENOMEM. */
int hdnet__read_file(const char *path, unsigned char **buf, size_t *len);
/* Read a whole file and hand it to a memory loader (hdnet_npy_load_mem, hdnet_npz_load_mem). */
int hdnet__load_path(hdnet_npz **out, const char *path,
                     int (*load_mem)(hdnet_npz **, const void *, size_t));

/* Append a member taking ownership of name and data (freed on failure too). */
int hdnet__npz_append(hdnet_npz *z, hdnet__npz_member *mem);

/* Member by name, or NULL. */
const hdnet__npz_member *hdnet__npz_find(const hdnet_npz *z, const char *name);

#endif
