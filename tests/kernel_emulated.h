/* The AVX-512 kernel set built on emulated AVX-512 (kernel_avx512_emulated.c). */
#ifndef HDNET_TESTS_KERNEL_EMULATED_H
#define HDNET_TESTS_KERNEL_EMULATED_H

#include "core/internal.h"
#include "model/net_priv.h"

HDNET__KERNEL_DECL(avx512_emulated)

#endif
