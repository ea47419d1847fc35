/* Private: the parameter-table engine behind the config (config.c) and the
 * analysis parameters (aparams.c): lookup, bounds checks and parsing of values. */
#ifndef HDNET_PARAMS_PRIV_H
#define HDNET_PARAMS_PRIV_H

#include <stddef.h>

#define HDNET__PARAM_REAL 0
#define HDNET__PARAM_INT  1 /* integral values */
#define HDNET__PARAM_ENUM 2 /* integral values 0..n-1 with names */

typedef struct {
    int id;
    const char *name;
    int kind;
    double lo, hi, dflt;
    const char *const *values; /* enum value names, NULL-terminated (NULL otherwise) */
} hdnet__param_def;

/* Entry of table[0..n) by id or by name; NULL when there is none. */
const hdnet__param_def *hdnet__param_find(const hdnet__param_def *table, size_t n, int id);
const hdnet__param_def *hdnet__param_named(const hdnet__param_def *table, size_t n, const char *name);

/* HDNET_ERANGE (with a message) unless v is a value of p: not NaN, within [lo, hi],
 * integral unless p is real. */
int hdnet__param_check(const hdnet__param_def *p, double v);

/* The value text names: an enum value name, or a whole number ("inf" allowed,
 * trailing blanks ignored, leading blanks refused). HDNET_EINVAL (with a message)
 * when it is neither, HDNET_ERANGE for an integer a double cannot hold exactly;
 * the value is not checked against p's bounds. */
int hdnet__param_parse(const hdnet__param_def *p, const char *text, double *v);

#endif
