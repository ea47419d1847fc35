/* Private: generator state and fast draws (rng.c). */
#ifndef HDNET_RNG_PRIV_H
#define HDNET_RNG_PRIV_H

#include <stddef.h>
#include <stdint.h>

#define HDNET__MT_N 624

struct hdnet_rng {
    int kind;                 /* HDNET_RNG_LIBRARY or HDNET_RNG_NUMPY */
    uint64_t s[4];            /* xoshiro256** state (library kind) */
    uint32_t mt[HDNET__MT_N]; /* MT19937 key (numpy kind) */
    int mt_pos;
    int has_gauss;            /* NumPy's cached Gaussian */
    double gauss;
};

/* Initialise a generator in place (no allocation): for structs that embed one. */
int hdnet__rng_init(hdnet_rng *r, int kind, uint64_t seed);
/* Single draws, in the stream order of the public calls. */
uint32_t hdnet__rng_next32(hdnet_rng *r);
uint64_t hdnet__rng_next64(hdnet_rng *r);
double hdnet__rng_uniform1(hdnet_rng *r);
double hdnet__rng_normal1(hdnet_rng *r);
/* Uniform on {0..high-1}, 1 <= high <= 2^32 (NumPy's legacy rule in NumPy mode). */
uint64_t hdnet__rng_randint1(hdnet_rng *r, uint64_t high);
/* n float Gaussians of SD sd, the fast path for training noise (library kind:
 * one 64-bit draw seeds hdnet__noise_normal_f32, vectorised Box-Muller, see
 * noise_priv.h; n = 0 draws nothing; NumPy kind: standard_normal rounded to
 * float). */
void hdnet__rng_fill_normal_f32(hdnet_rng *r, float *out, size_t n, float sd);

#endif
