/** @file
 * libhdnet: files. NumPy .npy arrays, .npz archives and model files.
 *
 * .npy: format version 1.0 as NumPy writes it (magic "\x93NUMPY", a Python
 * dict header with 'descr', 'fortran_order' and 'shape', padded so the data
 * starts on a 64-byte boundary, then the raw C-order little-endian data).
 * Readers also accept versions 2.0 and 3.0 and big-endian data (swapped).
 * .npz: a ZIP archive whose members are "<name>.npy", stored without
 * compression and checked with CRC-32, as numpy.savez writes it; numpy.load
 * reads the archives written here as they are. Deflated members
 * (numpy.savez_compressed), ZIP64 archives (over 4 GiB or more than 65535 members),
 * encrypted members, Fortran-order arrays with more than one non-trivial
 * dimension, and dtypes other than the five below return HDNET_ENOTSUP.
 *
 * Limits: at most HDNET_NPY_MAXDIM dimensions and HDNET_NPY_MAX_ELEMS
 * elements per array. Readers validate every length against the bytes they
 * were given before allocating: the memory a load allocates is bounded by a
 * small multiple of the file length, and a malformed, truncated or hostile
 * file returns HDNET_EFORMAT (or HDNET_ENOTSUP), never a crash.
 *
 * Writes to a path are atomic: the bytes go to a temporary file in the same
 * directory, which is flushed to disk (fsync) and renamed over the target, so
 * an interruption at any moment leaves either the old file or the new one.
 *
 * Memory variants follow one rule: with buf == NULL the call stores the
 * number of bytes needed in *len and returns HDNET_OK; with a buffer smaller
 * than that it stores the size in *len and returns HDNET_ESHAPE.
 *
 * Thread-safety: one thread at a time per archive handle; calls taking a
 * const handle may run concurrently. Distinct handles are independent. */
#ifndef HDNET_IO_H
#define HDNET_IO_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Element types (NumPy descr in parentheses). Values are frozen. */
#define HDNET_DTYPE_F32 0 /**< float32 ('<f4') */
#define HDNET_DTYPE_F64 1 /**< float64 ('<f8') */
#define HDNET_DTYPE_I64 2 /**< int64 ('<i8') */
#define HDNET_DTYPE_I32 3 /**< int32 ('<i4') */
#define HDNET_DTYPE_U8  4 /**< uint8 ('|u1'); also text in memory (UTF-8 bytes, no NUL), see hdnet_npz_add_text() */
#define HDNET_DTYPE_COUNT 5 /**< number of dtypes (not a valid dtype) */

/** Most dimensions of an array. */
#define HDNET_NPY_MAXDIM 8
/** Most elements of an array (2^31 - 1). */
#define HDNET_NPY_MAX_ELEMS 2147483647u

/** Version of the model-file layout written by hdnet_net_save() (member "format_version"). */
#define HDNET_MODEL_FORMAT_VERSION 1

/** Opaque in-memory archive: an ordered list of named arrays (each a dtype, a
 *  shape and its elements), as read from or written to .npy and .npz files. */
typedef struct hdnet_npz hdnet_npz;

/** Size in bytes of one element of a dtype.
 *  @param[in] dtype  HDNET_DTYPE_*
 *  @return 4, 8, 8, 4 or 1; 0 for an unknown dtype
 *  Thread-safety: safe from any thread. */
HDNET_API size_t hdnet_dtype_size(int dtype);

/** NumPy name of a dtype.
 *  @param[in] dtype  HDNET_DTYPE_*
 *  @return a static string ("float32", "float64", "int64", "int32", "uint8"), or NULL
 *          for an unknown dtype
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_dtype_name(int dtype);

/* ---- single arrays (.npy) ---- */

/** Write one array to a .npy file (version 1.0), atomically.
 *  @param[in] path   file to create or replace
 *  @param[in] dtype  HDNET_DTYPE_*
 *  @param[in] data   prod(shape) elements of dtype in C order (may be NULL when that is 0)
 *  @param[in] shape  ndim sizes (may be NULL when ndim is 0: a scalar)
 *  @param[in] ndim   0 ... HDNET_NPY_MAXDIM
 *  @return HDNET_OK, HDNET_EINVAL (NULL pointer, unknown dtype, ndim too large),
 *          HDNET_ERANGE (more than HDNET_NPY_MAX_ELEMS elements), HDNET_ENOMEM,
 *          HDNET_EIO (the file could not be written; the old file, if any, is intact)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_npy_save(const char *path, int dtype, const void *data,
                                             const size_t *shape, size_t ndim);

/** Encode one array as .npy bytes (version 1.0).
 *  @param[in] dtype  HDNET_DTYPE_*
 *  @param[in] data   prod(shape) elements in C order, as hdnet_npy_save()
 *  @param[in] shape  ndim sizes, as hdnet_npy_save()
 *  @param[in] ndim   0 ... HDNET_NPY_MAXDIM
 *  @param[out] buf   cap bytes, or NULL to ask for the size
 *  @param[in] cap    size of buf in bytes
 *  @param[out] len   bytes needed (set on HDNET_OK and HDNET_ESHAPE)
 *  @return HDNET_OK, HDNET_EINVAL (len NULL, NULL data or shape, unknown dtype, ndim too
 *          large), HDNET_ERANGE (too many elements), HDNET_ESHAPE (cap too small)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_npy_save_mem(int dtype, const void *data, const size_t *shape,
                                                 size_t ndim, void *buf, size_t cap, size_t *len);

/** Read a .npy file into a new archive holding one member named "arr_0"
 *  (read it with hdnet_npz_info() and hdnet_npz_read()).
 *  @param[out] out  the archive, NULL on failure
 *  @param[in] path  file to read
 *  @return HDNET_OK, HDNET_EINVAL (NULL out or path), HDNET_EIO (cannot open or read),
 *          HDNET_EFORMAT (malformed, truncated, trailing bytes), HDNET_ENOTSUP (valid but
 *          unsupported dtype, order, version or size), HDNET_ENOMEM
 *  Ownership: free with hdnet_npz_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_npy_load(hdnet_npz **out, const char *path);

/** As hdnet_npy_load(), from bytes in memory.
 *  @param[out] out  the archive, NULL on failure
 *  @param[in] buf   len bytes of a .npy file (copied; buf may be freed afterwards)
 *  @param[in] len   size of buf in bytes
 *  @return as hdnet_npy_load() without HDNET_EIO; HDNET_EINVAL also for buf NULL with len > 0
 *  Ownership: free with hdnet_npz_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_npy_load_mem(hdnet_npz **out, const void *buf, size_t len);

/* ---- archives (.npz) ---- */

/** Create an empty archive, to be filled with hdnet_npz_add().
 *  @param[out] out  the new archive, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (out NULL), HDNET_ENOMEM
 *  Ownership: free with hdnet_npz_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_npz_create(hdnet_npz **out);

/** Free an archive and every array it holds; NULL is accepted.
 *  @param[in] z  archive to free, or NULL */
HDNET_API void hdnet_npz_free(hdnet_npz *z);

/** Add a copy of an array as member "<name>.npy". Members keep the order of addition.
 *  @param[in,out] z  the archive (unchanged on failure)
 *  @param[in] name   1-200 printable ASCII characters other than '/' and '\\', not already
 *                    in the archive; NumPy shows it without ".npy" (np.load(f)[name])
 *  @param[in] dtype  HDNET_DTYPE_*
 *  @param[in] data   prod(shape) elements in C order, as hdnet_npy_save()
 *  @param[in] shape  ndim sizes, as hdnet_npy_save()
 *  @param[in] ndim   0 ... HDNET_NPY_MAXDIM
 *  @return HDNET_OK, HDNET_EINVAL (NULL, bad or duplicate name, unknown dtype, ndim),
 *          HDNET_ERANGE (too many elements), HDNET_ENOMEM; the archive is unchanged on failure
 *  Ownership: the archive keeps its own copy.
 *  Thread-safety: one thread at a time per archive. */
HDNET_API HDNET_NODISCARD int hdnet_npz_add(hdnet_npz *z, const char *name, int dtype, const void *data,
                                            const size_t *shape, size_t ndim);

/** Add text (UTF-8, no NUL bytes). In the archive it is a 1-D uint8 member of
 *  strlen(text) bytes; in the file it is a NumPy string (a 0-d '<U<n>' array), so
 *  that np.load(f)[name][()] is a str. Reading works both ways: a 0-d NumPy string
 *  in a file becomes such a uint8 member (trailing NULs dropped), and a uint8
 *  member stays uint8 in the file.
 *  @param[in,out] z  the archive
 *  @param[in] name   member name, as hdnet_npz_add()
 *  @param[in] text   NUL-terminated text (copied)
 *  @return as hdnet_npz_add(), and HDNET_EINVAL for text NULL or not valid UTF-8
 *  Thread-safety: one thread at a time per archive. */
HDNET_API HDNET_NODISCARD int hdnet_npz_add_text(hdnet_npz *z, const char *name, const char *text);

/** Write the archive to a file, atomically (see the top of this header).
 *  @param[in] z     the archive
 *  @param[in] path  file to create or replace
 *  @return HDNET_OK, HDNET_EINVAL (NULL z or path), HDNET_ENOMEM, HDNET_ENOTSUP (over 4 GiB
 *          or more than 65535 members: would need ZIP64), HDNET_EIO (the old file, if any,
 *          is intact)
 *  Thread-safety: z is only read. */
HDNET_API HDNET_NODISCARD int hdnet_npz_save(const hdnet_npz *z, const char *path);

/** Encode the archive into memory. The bytes are a function of the members
 *  alone (fixed timestamps), so equal archives give equal bytes.
 *  @param[in] z     the archive
 *  @param[out] buf  cap bytes, or NULL to ask for the size
 *  @param[in] cap   size of buf in bytes
 *  @param[out] len  bytes needed (set on HDNET_OK and HDNET_ESHAPE)
 *  @return HDNET_OK, HDNET_EINVAL (NULL z or len), HDNET_ENOTSUP (would need ZIP64),
 *          HDNET_ENOMEM, HDNET_ESHAPE (cap too small)
 *  Thread-safety: z is only read. */
HDNET_API HDNET_NODISCARD int hdnet_npz_save_mem(const hdnet_npz *z, void *buf, size_t cap, size_t *len);

/** Read a .npz file; every member must be a valid .npy array with a correct CRC-32.
 *  @param[out] out  the archive, NULL on failure
 *  @param[in] path  file to read
 *  @return HDNET_OK, HDNET_EINVAL (NULL out or path), HDNET_EIO, HDNET_EFORMAT (malformed,
 *          truncated, bad CRC, duplicate or overlapping members, a member that is not "*.npy"),
 *          HDNET_ENOTSUP (compressed, encrypted or ZIP64 archive; unsupported dtype), HDNET_ENOMEM
 *  Ownership: free with hdnet_npz_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_npz_load(hdnet_npz **out, const char *path);

/** As hdnet_npz_load(), from bytes in memory.
 *  @param[out] out  the archive, NULL on failure
 *  @param[in] buf   len bytes of a .npz file (copied; buf may be freed afterwards)
 *  @param[in] len   size of buf in bytes
 *  @return as hdnet_npz_load() without HDNET_EIO; HDNET_EINVAL also for buf NULL with len > 0
 *  Ownership: free with hdnet_npz_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_npz_load_mem(hdnet_npz **out, const void *buf, size_t len);

/** Number of members.
 *  @param[in] z  the archive
 *  @return the count, or 0 for NULL
 *  Thread-safety: z is only read. */
HDNET_API size_t hdnet_npz_count(const hdnet_npz *z);

/** Name of member i (without ".npy").
 *  @param[in] z      the archive
 *  @param[in] i      index, 0 ... hdnet_npz_count()-1, in the order of addition (for a
 *                    loaded archive, the order of its central directory)
 *  @param[out] name  borrowed; valid until the archive is modified or freed
 *  @return HDNET_OK, HDNET_EINVAL (NULL, i >= count)
 *  Thread-safety: z is only read. */
HDNET_API HDNET_NODISCARD int hdnet_npz_name(const hdnet_npz *z, size_t i, const char **name);

/** dtype and shape of a member.
 *  @param[in] z       the archive
 *  @param[in] name    member name (without ".npy")
 *  @param[out] dtype  HDNET_DTYPE_*, or NULL
 *  @param[out] shape  maxdim entries, or NULL
 *  @param[in] maxdim  entries available in shape (ignored when shape is NULL)
 *  @param[out] ndim   number of dimensions (0 for a scalar), or NULL; set even on HDNET_ESHAPE
 *  @return HDNET_OK, HDNET_EINVAL (NULL z or name, no such member),
 *          HDNET_ESHAPE (shape given and maxdim < ndim)
 *  Thread-safety: z is only read. */
HDNET_API HDNET_NODISCARD int hdnet_npz_info(const hdnet_npz *z, const char *name, int *dtype,
                                             size_t *shape, size_t maxdim, size_t *ndim);

/** Copy a member's elements (C order) into out, as dtype. Conversions are made
 *  only when every value is exact: float32 -> float64, int32 -> int64 and
 *  float64, uint8 -> any type. Anything else, e.g. float64 -> float32, is an
 *  error: convert in your own code if you accept the rounding.
 *  @param[in] z        the archive
 *  @param[in] name     member name (without ".npy")
 *  @param[in] dtype    HDNET_DTYPE_* of out
 *  @param[out] out     out_len elements of dtype (may be NULL for an empty member)
 *  @param[in] out_len  length of out in elements, at least the member's element count
 *  @return HDNET_OK, HDNET_EINVAL (NULL, unknown dtype, no such member),
 *          HDNET_EFORMAT (the member has another dtype that does not convert exactly),
 *          HDNET_ESHAPE (out_len too small)
 *  Thread-safety: z is only read. */
HDNET_API HDNET_NODISCARD int hdnet_npz_read(const hdnet_npz *z, const char *name, int dtype, void *out,
                                             size_t out_len);

/* ---- model files ---- */

/* A model file is a .npz archive with these members (N units, I inputs, O outputs):
 *   W_in [N][I], b_rec [N], W_rec [N][N], W_out [O][N], b_out [O], ah0 [N]   float32, [post][pre]
 *   config           text (a NumPy string): the hdnet_config_to_string() lines
 *   format_version   int64 scalar, HDNET_MODEL_FORMAT_VERSION
 *   library_version  text, e.g. "0.1.0"
 *   layout           text describing the layouts above
 *   tau              float64 [N], only when the config has a per-unit tau vector
 * In Python: z = np.load("model.npz"); z["W_rec"]; str(z["config"]).
 * Texts are written as NumPy strings (hdnet_npz_add_text()); files of libhdnet
 * 0.1.0 before this change held them as uint8 arrays of UTF-8, which still load.
 * Loading requires the six blocks, config and format_version; library_version,
 * layout and tau are optional; members whose names start with "opt_", "rng_"
 * or "train_" (checkpoint state kept by trainers) are ignored; any other
 * member is an error. */

/** Write a network as a model file, atomically.
 *  @param[in] net   the network
 *  @param[in] path  file to create or replace
 *  @return HDNET_OK, HDNET_EINVAL (NULL net or path), HDNET_ENOMEM, HDNET_EIO (the old file,
 *          if any, is intact)
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_save(const hdnet_net *net, const char *path);

/** Encode a network as model-file bytes. Saving, loading and saving again gives
 *  the same bytes.
 *  @param[in] net   the network
 *  @param[out] buf  cap bytes, or NULL to ask for the size
 *  @param[in] cap   size of buf in bytes
 *  @param[out] len  bytes needed (set on HDNET_OK and HDNET_ESHAPE)
 *  @return HDNET_OK, HDNET_EINVAL (NULL net or len), HDNET_ENOMEM, HDNET_ESHAPE (cap too small)
 *  Thread-safety: net is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_save_mem(const hdnet_net *net, void *buf, size_t cap, size_t *len);

/** Add a network's model-file members to an archive (e.g. a checkpoint that
 *  also holds "opt_*" members), in the order hdnet_net_save() writes them.
 *  @param[in] net    the network
 *  @param[in,out] z  the archive that receives copies of the members
 *  @return HDNET_OK, HDNET_EINVAL (NULL, a member name already present), HDNET_ENOMEM;
 *          on failure some members may have been added
 *  Thread-safety: net is only read; one thread at a time per archive. */
HDNET_API HDNET_NODISCARD int hdnet_net_save_npz(const hdnet_net *net, hdnet_npz *z);

/** Read a network from a model file. Parameters are restored bit for bit.
 *  @param[out] out  the network, NULL on failure
 *  @param[in] path  file to read
 *  @return HDNET_OK, HDNET_EINVAL (NULL out or path), HDNET_EIO, HDNET_ENOMEM, HDNET_EFORMAT
 *          (malformed archive, missing, unknown, mis-shaped or wrong-dtype members, a config
 *          that does not parse or contradicts the arrays, non-finite weights, a non-zero W_rec
 *          diagonal under self_connections = none), HDNET_ENOTSUP (newer format_version, see
 *          hdnet_npz_load())
 *  Ownership: free with hdnet_net_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_net_load(hdnet_net **out, const char *path);

/** As hdnet_net_load(), from model-file bytes in memory.
 *  @param[out] out  the network, NULL on failure
 *  @param[in] buf   len bytes (only read during the call)
 *  @param[in] len   size of buf in bytes
 *  @return as hdnet_net_load() without HDNET_EIO
 *  Ownership: free with hdnet_net_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_net_load_mem(hdnet_net **out, const void *buf, size_t len);

/** As hdnet_net_load(), from an archive already read.
 *  @param[out] out  the network, NULL on failure
 *  @param[in] z     the archive (only read; members "opt_*", "rng_*", "train_*" are ignored)
 *  @return as hdnet_net_load() without HDNET_EIO; HDNET_EINVAL also for z NULL
 *  Ownership: free with hdnet_net_free().
 *  Thread-safety: z is only read. */
HDNET_API HDNET_NODISCARD int hdnet_net_load_npz(hdnet_net **out, const hdnet_npz *z);

/* ---- temporary files ---- */

/** Remove the temporary files that atomic writes of processes that no longer
 *  exist left in a directory (after a crash or SIGKILL): regular files named
 *  "<name>.tmp<pid>.<k>" whose process is gone. Files of running processes,
 *  of this process and every other name are kept. Programs call it on a run
 *  directory before writing into it.
 *  @param[in] dir       the directory (not searched recursively)
 *  @param[out] removed  number of files removed (may be NULL)
 *  @return HDNET_OK, HDNET_EINVAL (dir NULL), HDNET_EIO (the directory cannot be
 *          read, or a file could not be removed; the others are still removed)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_remove_stale_temps(const char *dir, size_t *removed);

/* ---- memory ---- */

/** Bytes this process may still allocate before the system refuses or kills
 *  it: the least of MemAvailable (/proc/meminfo), the headroom under the limits
 *  of its memory cgroups (v2 memory.max, v1 memory.limit_in_bytes; every
 *  ancestor, less the usage) and the address-space limit (ulimit -v) less what is
 *  mapped. Programs compare it with the estimated need of a large run and stop
 *  with a clear message instead of being killed by the OOM killer.
 *  @param[out] bytes  the estimate; UINT64_MAX when nothing is known to limit
 *  @return HDNET_OK, HDNET_EINVAL (bytes NULL)
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_memory_available(uint64_t *bytes);

#ifdef __cplusplus
}
#endif
#endif
