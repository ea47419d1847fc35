/** @file
 * libhdnet: version numbers, compile time (macros) and run time (functions). */
#ifndef HDNET_VERSION_H
#define HDNET_VERSION_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Major version; 0 during the 0.x series, in which any minor release may break the ABI. */
#define HDNET_VERSION_MAJOR 0
/** Minor version. */
#define HDNET_VERSION_MINOR 1
/** Patch version. */
#define HDNET_VERSION_PATCH 0
/** MAJOR*10000 + MINOR*100 + PATCH of the header; compare with hdnet_version_number(). */
#define HDNET_VERSION_NUMBER \
    (HDNET_VERSION_MAJOR * 10000 + HDNET_VERSION_MINOR * 100 + HDNET_VERSION_PATCH)
/** "MAJOR.MINOR.PATCH" of the header; compare with hdnet_version_string(). */
#define HDNET_VERSION_STRING "0.1.0"

/** Version of the library actually loaded, as MAJOR*10000 + MINOR*100 + PATCH.
 *  Compare with HDNET_VERSION_NUMBER to detect a header/library mismatch.
 *  Thread-safety: safe from any thread. */
HDNET_API unsigned hdnet_version_number(void);

/** Version of the library actually loaded, e.g. "0.1.0" (static string).
 *  Thread-safety: safe from any thread. */
HDNET_API const char *hdnet_version_string(void);

#ifdef __cplusplus
}
#endif
#endif
