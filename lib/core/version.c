/* Run-time version getters. */
#include "core/internal.h"

unsigned hdnet_version_number(void)
{
    return HDNET_VERSION_NUMBER;
}

const char *hdnet_version_string(void)
{
    return HDNET_VERSION_STRING;
}
