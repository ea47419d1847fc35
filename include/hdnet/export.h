/** @file
 * libhdnet: export and attribute macros used in every public declaration. */
#ifndef HDNET_EXPORT_H
#define HDNET_EXPORT_H

/** @def HDNET_API
 *  Marks every public declaration (always first, so bindings can strip it).
 *  Shared builds define HDNET_BUILDING and export with default visibility;
 *  static builds and users see nothing special (or dllimport on Windows DLLs). */
#if defined(_WIN32) && !defined(HDNET_STATIC)
#  ifdef HDNET_BUILDING
#    define HDNET_API __declspec(dllexport)
#  else
#    define HDNET_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && defined(HDNET_BUILDING)
#  define HDNET_API __attribute__((visibility("default")))
#else
#  define HDNET_API
#endif

/** @def HDNET_NODISCARD
 *  On status-returning calls: ignoring the result is a compiler warning. */
/** @def HDNET_DEPRECATED
 *  Marks a declaration due for removal; msg names the replacement. */
#if defined(__GNUC__)
#  define HDNET_NODISCARD __attribute__((warn_unused_result))
#  define HDNET_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#  define HDNET_NODISCARD
#  define HDNET_DEPRECATED(msg)
#endif

#endif
