/** @file
 * libhdnet: train continuous-time recurrent networks to track head direction
 * by integrating angular velocity, and analyse them (Cueva, Wang, Chin & Wei,
 * ICLR 2020). This umbrella header is the only one users include.
 *
 * Memory ownership: the library allocates only in *_create, *_clone and
 * *_load calls, and frees only in *_free. Every array belongs to the caller,
 * who passes its length in elements; getters copy into caller buffers and
 * return HDNET_ESHAPE when one is too small. Returned strings are static or
 * thread-local and are never freed by the caller.
 *
 * Errors: every fallible call returns HDNET_OK (0) or a negative HDNET_E*
 * code (status.h), with a detail in hdnet_errmsg(). The library never prints,
 * exits or aborts.
 *
 * Threads: no global mutable state. One thread at a time per mutable handle;
 * calls taking const handles may run concurrently. */
#ifndef HDNET_HDNET_H
#define HDNET_HDNET_H

#include "export.h"
#include "version.h"
#include "status.h"
#include "config.h"
#include "rng.h"
#include "task.h"
#include "net.h"
#include "io.h"
#include "train.h"
#include "analysis.h"
#include "attractor.h"
#include "trust.h"
#include "structure.h"
#include "claims.h"
#include "lesion.h"

#endif
