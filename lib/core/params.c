/* The parameter-table engine shared by config.c and aparams.c (params_priv.h). */
#include "core/internal.h"
#include "core/params_priv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const hdnet__param_def *hdnet__param_find(const hdnet__param_def *table, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (table[i].id == id)
            return &table[i];
    return NULL;
}

const hdnet__param_def *hdnet__param_named(const hdnet__param_def *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

int hdnet__param_check(const hdnet__param_def *p, double v)
{
    if (isnan(v))
        return hdnet__error(HDNET_ERANGE, "%s=NaN is not allowed", p->name);
    if (v < p->lo || v > p->hi)
        return hdnet__error(HDNET_ERANGE, "%s=%.17g outside [%g, %g]", p->name, v, p->lo, p->hi);
    if (p->kind != HDNET__PARAM_REAL && v != floor(v))
        return hdnet__error(HDNET_ERANGE, "%s=%.17g is not an integer", p->name, v);
    return HDNET_OK;
}

int hdnet__param_parse(const hdnet__param_def *p, const char *text, double *v)
{
    if (p->kind == HDNET__PARAM_ENUM)
        for (int i = 0; p->values[i]; i++)
            if (strcmp(p->values[i], text) == 0) {
                *v = i;
                return HDNET_OK;
            }
    char *end;
    if (*text == ' ' || *text == '\t')
        return hdnet__error(HDNET_EINVAL, "%s: cannot parse '%s' (leading blank)", p->name, text);
    errno = 0;
    *v = strtod(text, &end);
    const char *last = end;
    while (end != text && (*end == ' ' || *end == '\t'))
        end++;
    if (end == text || *end)
        return hdnet__error(HDNET_EINVAL, "%s: cannot parse '%s'", p->name, text);
    /* an integer written out that a double would round ("9007199254740993" -> 2^53) */
    const char *digits = text + (*text == '-' || *text == '+');
    if (digits + strspn(digits, "0123456789") == last && fabs(*v) >= 9007199254740992.0) {
        errno = 0;
        long long exact = strtoll(text, NULL, 10);
        if (errno == ERANGE || fabs(*v) >= 9223372036854775808.0 || (long long)*v != exact)
            return hdnet__error(HDNET_ERANGE, "%s=%s cannot be stored exactly (above 2^53)", p->name,
                                text);
    }
    return HDNET_OK;
}
