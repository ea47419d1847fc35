/* Private: generator state and fast draws (rng.c). */
#ifndef HDNET_RNG_PRIV_H
#define HDNET_RNG_PRIV_H
#endif
