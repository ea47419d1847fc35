/* One run's results: ordered key = value pairs, saved as result.txt. */
#include "sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sweep_record_init(sweep_record *r)
{
    memset(r, 0, sizeof *r);
}

void sweep_record_clear(sweep_record *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->keys[i]);
        free(r->values[i]);
    }
    free(r->keys);
    free(r->values);
    sweep_record_init(r);
}

/* Values are one line each: newlines become blanks. */
static char *clean_copy(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        d[i] = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
    return d;
}

int sweep_record_str(sweep_record *r, const char *key, const char *value)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->keys[i], key) == 0) { /* a key appears once: the last value wins */
            char *v = clean_copy(value);
            if (!v)
                return -1;
            free(r->values[i]);
            r->values[i] = v;
            return 0;
        }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 32;
        char **k = realloc(r->keys, cap * sizeof *k);
        if (!k)
            return -1;
        r->keys = k;
        char **v = realloc(r->values, cap * sizeof *v);
        if (!v)
            return -1;
        r->values = v;
        r->cap = cap;
    }
    char *k = clean_copy(key), *v = clean_copy(value);
    if (!k || !v || strchr(k, '=') || strchr(k, '#')) {
        free(k);
        free(v);
        return -1;
    }
    r->keys[r->n] = k;
    r->values[r->n] = v;
    r->n++;
    return 0;
}

int sweep_record_num(sweep_record *r, const char *key, double value)
{
    char buf[64];
    if (isnan(value))
        snprintf(buf, sizeof buf, "nan");
    else
        snprintf(buf, sizeof buf, "%.10g", value);
    return sweep_record_str(r, key, buf);
}

const char *sweep_record_get(const sweep_record *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->keys[i], key) == 0)
            return r->values[i];
    return NULL;
}

int sweep_record_save(const sweep_record *r, const char *path, char *err)
{
    size_t len = 1;
    for (size_t i = 0; i < r->n; i++)
        len += strlen(r->keys[i]) + strlen(r->values[i]) + 2;
    char *text = malloc(len), *at = text;
    if (!text)
        return sweep_fail(err, "out of memory");
    for (size_t i = 0; i < r->n; i++)
        at += sprintf(at, "%s=%s\n", r->keys[i], r->values[i]);
    int rc = sweep_write_atomic(path, text, (size_t)(at - text), err);
    free(text);
    return rc;
}

/* '#' is kept in values (error messages may hold one); only whole-line comments. */
int sweep_record_load(sweep_record *r, const char *path, char *err)
{
    sweep_record_init(r);
    char *text = sweep_read_file(path, NULL, err);
    if (!text)
        return -1;
    int rc = 0;
    for (char *line = text, *next; line && *line && !rc; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *eq = strchr(line, '=');
        if (line[0] == '#' || !eq)
            continue;
        *eq = '\0';
        if (sweep_record_str(r, line, eq + 1))
            rc = sweep_fail(err, "%s: out of memory", path);
    }
    free(text);
    if (rc)
        sweep_record_clear(r);
    return rc;
}
