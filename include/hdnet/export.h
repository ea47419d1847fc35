/* libhdnet: export and attribute macros. */
#ifndef HDNET_EXPORT_H
#define HDNET_EXPORT_H

/* HDNET_API marks every public declaration. Shared builds define HDNET_BUILDING
 * and export with default visibility; static builds and users see nothing
 * special (or dllimport on Windows DLLs). */
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

/* Status-returning calls: ignoring the result is a warning. */
#if defined(__GNUC__)
#  define HDNET_NODISCARD __attribute__((warn_unused_result))
#  define HDNET_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#  define HDNET_NODISCARD
#  define HDNET_DEPRECATED(msg)
#endif

#endif
