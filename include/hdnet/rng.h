/* libhdnet: random-number generators.
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

typedef struct hdnet_rng hdnet_rng;

/** Create a generator of kind HDNET_RNG_LIBRARY or HDNET_RNG_NUMPY (see config.h).
 *  NumPy seeds must be below 2^32, as in NumPy.
 *  @return HDNET_OK, HDNET_EINVAL (out NULL, unknown kind), HDNET_ERANGE (seed), HDNET_ENOMEM
 *  Ownership: free with hdnet_rng_free(). */
HDNET_API HDNET_NODISCARD int hdnet_rng_create(hdnet_rng **out, int kind, uint64_t seed);

/** Free a generator; NULL is accepted. */
HDNET_API void hdnet_rng_free(hdnet_rng *rng);

/** Copy a generator with its full state (the copy yields the same numbers).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_rng_clone(const hdnet_rng *rng, hdnet_rng **out);

/** Reseed in place (clears NumPy's Gaussian cache).
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ERANGE (NumPy seed >= 2^32; rng unchanged) */
HDNET_API HDNET_NODISCARD int hdnet_rng_seed(hdnet_rng *rng, uint64_t seed);

/** Kind of a generator, or HDNET_EINVAL for NULL. */
HDNET_API int hdnet_rng_kind(const hdnet_rng *rng);

/** New independent stream. Library kind: the child takes the parent's state and
 *  the parent jumps 2^128 steps ahead, so parent and children never overlap.
 *  NumPy kind: the child is a NumPy generator seeded from the parent's next 32 bits.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM */
HDNET_API HDNET_NODISCARD int hdnet_rng_split(hdnet_rng *parent, hdnet_rng **child);

/** n uniform doubles in [0, 1) (53 bits; NumPy's random_sample in NumPy mode).
 *  @return HDNET_OK, HDNET_EINVAL (NULL rng, or out NULL with n > 0) */
HDNET_API HDNET_NODISCARD int hdnet_rng_uniform(hdnet_rng *rng, double *out, size_t n);

/** n standard normal doubles (NumPy's standard_normal in NumPy mode).
 *  @return HDNET_OK, HDNET_EINVAL */
HDNET_API HDNET_NODISCARD int hdnet_rng_normal(hdnet_rng *rng, double *out, size_t n);

/** n integers uniform on {0, ..., high-1} (NumPy's legacy randint(high) in NumPy
 *  mode, which draws nothing when high = 1). high must be in [1, 2^32].
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ERANGE (high) */
HDNET_API HDNET_NODISCARD int hdnet_rng_randint(hdnet_rng *rng, uint64_t high, uint64_t *out, size_t n);

/** Size in bytes of the saved state of this generator. */
HDNET_API size_t hdnet_rng_state_size(const hdnet_rng *rng);

/** Save the full state (kind included) into buf: portable little-endian bytes
 *  with a magic ("HDNETRNG"), a format version, the kind, the state (NumPy: key,
 *  position and the Gaussian cache) and a checksum.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_ESHAPE (cap < hdnet_rng_state_size()) */
HDNET_API HDNET_NODISCARD int hdnet_rng_get_state(const hdnet_rng *rng, void *buf, size_t cap);

/** Restore a state saved by hdnet_rng_get_state() (the kind may change).
 *  len must be exactly the saved size.
 *  @return HDNET_OK, HDNET_EINVAL, HDNET_EFORMAT (bad magic, version, kind, length,
 *          checksum or state values; rng unchanged) */
HDNET_API HDNET_NODISCARD int hdnet_rng_set_state(hdnet_rng *rng, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
