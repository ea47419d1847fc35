/** @file
 * libhdnet: random-number generators.
 *
 * Every stochastic routine takes an explicit hdnet_rng; there is no global
 * generator. Two kinds exist:
 *  - HDNET_RNG_LIBRARY (default): xoshiro256** seeded through splitmix64;
 *    hdnet_rng_split() hands out independent streams by 2^128-step jumps.
 *    Gaussians use a 256-layer ziggurat; uniforms are (next64 >> 11)*2^-53;
 *    randint uses masked rejection on the top 32 bits.
 *  - HDNET_RNG_NUMPY: NumPy's legacy RandomState (MT19937) stream, bit for bit:
 *    random_sample, standard_normal (polar method with its cached value) and
 *    randint (masked rejection) give NumPy's numbers for the same integer seed.
 * The state can be saved and restored as bytes (resume, reproducibility).
 *
 * Thread-safety: one thread at a time per generator; separate generators
 * (e.g. from hdnet_rng_split()) may be used concurrently. */
#ifndef HDNET_RNG_H
#define HDNET_RNG_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque random-number generator of one kind (HDNET_RNG_LIBRARY or
 *  HDNET_RNG_NUMPY) with its full state; create with hdnet_rng_create(). */
typedef struct hdnet_rng hdnet_rng;

/** Create a generator.
 *  @param[out] out  the new generator, NULL on failure
 *  @param[in] kind  HDNET_RNG_LIBRARY or HDNET_RNG_NUMPY (see config.h)
 *  @param[in] seed  any 64-bit seed; NumPy seeds must be below 2^32, as in NumPy
 *  @return HDNET_OK, HDNET_EINVAL (out NULL, unknown kind), HDNET_ERANGE (NumPy seed >= 2^32),
 *          HDNET_ENOMEM
 *  Ownership: free with hdnet_rng_free().
 *  Thread-safety: reentrant. */
HDNET_API HDNET_NODISCARD int hdnet_rng_create(hdnet_rng **out, int kind, uint64_t seed);

/** Free a generator; NULL is accepted.
 *  @param[in] rng  generator to free, or NULL */
HDNET_API void hdnet_rng_free(hdnet_rng *rng);

/** Copy a generator with its full state (the copy yields the same numbers).
 *  @param[in]  rng  generator to copy
 *  @param[out] out  the copy, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (NULL rng or out), HDNET_ENOMEM
 *  Ownership: free the copy with hdnet_rng_free().
 *  Thread-safety: rng is only read. */
HDNET_API HDNET_NODISCARD int hdnet_rng_clone(const hdnet_rng *rng, hdnet_rng **out);

/** Reseed in place, keeping the kind (clears NumPy's Gaussian cache).
 *  @param[in,out] rng  the generator
 *  @param[in] seed     new seed (below 2^32 for the NumPy kind)
 *  @return HDNET_OK, HDNET_EINVAL (rng NULL), HDNET_ERANGE (NumPy seed >= 2^32; rng unchanged)
 *  Thread-safety: one thread at a time per generator. */
HDNET_API HDNET_NODISCARD int hdnet_rng_seed(hdnet_rng *rng, uint64_t seed);

/** Kind of a generator.
 *  @param[in] rng  the generator
 *  @return HDNET_RNG_LIBRARY or HDNET_RNG_NUMPY, or HDNET_EINVAL for NULL
 *  Thread-safety: rng is only read. */
HDNET_API int hdnet_rng_kind(const hdnet_rng *rng);

/** New independent stream. Library kind: the child takes the parent's state and
 *  the parent jumps 2^128 steps ahead, so parent and children never overlap.
 *  NumPy kind: the child is a NumPy generator seeded from the parent's next 32 bits.
 *  @param[in,out] parent  the generator to split (advanced)
 *  @param[out] child      the new generator, NULL on failure
 *  @return HDNET_OK, HDNET_EINVAL (NULL parent or child), HDNET_ENOMEM
 *  Ownership: free the child with hdnet_rng_free().
 *  Thread-safety: one thread at a time per parent; the child is independent. */
HDNET_API HDNET_NODISCARD int hdnet_rng_split(hdnet_rng *parent, hdnet_rng **child);

/** Uniform doubles in [0, 1) (53 bits; NumPy's random_sample in NumPy mode).
 *  @param[in,out] rng  the generator (advanced)
 *  @param[out] out     n doubles
 *  @param[in] n        number of values (0 draws nothing)
 *  @return HDNET_OK, HDNET_EINVAL (NULL rng, or out NULL with n > 0)
 *  Thread-safety: one thread at a time per generator. */
HDNET_API HDNET_NODISCARD int hdnet_rng_uniform(hdnet_rng *rng, double *out, size_t n);

/** Standard normal doubles, mean 0 and SD 1 (NumPy's standard_normal in NumPy mode).
 *  @param[in,out] rng  the generator (advanced)
 *  @param[out] out     n doubles
 *  @param[in] n        number of values (0 draws nothing)
 *  @return HDNET_OK, HDNET_EINVAL (NULL rng, or out NULL with n > 0)
 *  Thread-safety: one thread at a time per generator. */
HDNET_API HDNET_NODISCARD int hdnet_rng_normal(hdnet_rng *rng, double *out, size_t n);

/** Integers uniform on {0, ..., high-1} (NumPy's legacy randint(high) in NumPy
 *  mode, which draws nothing when high = 1).
 *  @param[in,out] rng  the generator (advanced)
 *  @param[in] high     exclusive upper bound, in [1, 2^32]
 *  @param[out] out     n integers
 *  @param[in] n        number of values (0 draws nothing)
 *  @return HDNET_OK, HDNET_EINVAL (NULL rng, or out NULL with n > 0), HDNET_ERANGE (high)
 *  Thread-safety: one thread at a time per generator. */
HDNET_API HDNET_NODISCARD int hdnet_rng_randint(hdnet_rng *rng, uint64_t high, uint64_t *out, size_t n);

/** Size of the saved state of this generator.
 *  @param[in] rng  the generator
 *  @return size in bytes (depends on the kind), or 0 for NULL
 *  Thread-safety: rng is only read. */
HDNET_API size_t hdnet_rng_state_size(const hdnet_rng *rng);

/** Save the full state (kind included) into buf: portable little-endian bytes
 *  with a magic ("HDNETRNG"), a format version, the kind, the state (NumPy: key,
 *  position and the Gaussian cache) and a checksum.
 *  @param[in]  rng  the generator
 *  @param[out] buf  cap bytes; the first hdnet_rng_state_size() are written
 *  @param[in]  cap  size of buf in bytes
 *  @return HDNET_OK, HDNET_EINVAL (NULL rng or buf), HDNET_ESHAPE (cap < hdnet_rng_state_size())
 *  Thread-safety: rng is only read. */
HDNET_API HDNET_NODISCARD int hdnet_rng_get_state(const hdnet_rng *rng, void *buf, size_t cap);

/** Restore a state saved by hdnet_rng_get_state() (the kind may change).
 *  @param[in,out] rng  the generator to overwrite
 *  @param[in] buf      the saved bytes
 *  @param[in] len      size of buf in bytes; must be exactly the saved size
 *  @return HDNET_OK, HDNET_EINVAL (NULL rng or buf), HDNET_EFORMAT (bad magic, version,
 *          kind, length, checksum or state values; rng unchanged)
 *  Thread-safety: one thread at a time per generator. */
HDNET_API HDNET_NODISCARD int hdnet_rng_set_state(hdnet_rng *rng, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
