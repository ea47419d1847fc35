/* Private: the memory estimate of sysmem.c with its /proc and /sys roots
 * chosen by the caller (white-box tests give a fake tree). */
#ifndef HDNET_SYSMEM_PRIV_H
#define HDNET_SYSMEM_PRIV_H

#include <stdint.h>

/* Least of MemAvailable and the headroom under the memory cgroups' limits;
 * UINT64_MAX when nothing limits. */
uint64_t hdnet__memory_available_at(const char *proc, const char *sys);

#endif
