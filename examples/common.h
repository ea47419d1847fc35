/* Small helpers shared by the example programs (public API only).
 * Everything is static inline so that a program may use any subset. */
#ifndef HDNET_EXAMPLES_COMMON_H
#define HDNET_EXAMPLES_COMMON_H

#include <hdnet/hdnet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Print "prog: what: <status text> (<detail>)" to stderr and exit(EXIT_FAILURE). */
static inline void ex_die(const char *prog, const char *what, int status)
{
    const char *detail = hdnet_errmsg();
    if (detail && detail[0])
        fprintf(stderr, "%s: %s: %s (%s)\n", prog, what, hdnet_strerror(status), detail);
    else
        fprintf(stderr, "%s: %s: %s\n", prog, what, hdnet_strerror(status));
    exit(EXIT_FAILURE);
}

/* Exit with "prog: message" unless status is HDNET_OK. */
static inline void ex_check(const char *prog, const char *what, int status)
{
    if (status != HDNET_OK)
        ex_die(prog, what, status);
}

/* One-line usage error and exit(EXIT_FAILURE). */
static inline void ex_usage_error(const char *prog, const char *msg, const char *arg)
{
    fprintf(stderr, "%s: %s%s%s (try --help)\n", prog, msg, arg ? ": " : "", arg ? arg : "");
    exit(EXIT_FAILURE);
}

/* Apply "name=value" to cfg; returns an hdnet status (HDNET_EINVAL without '='). */
static inline int ex_set(hdnet_config *cfg, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return HDNET_EINVAL;
    size_t n = (size_t)(eq - assignment);
    char name[128];
    if (n >= sizeof name)
        return HDNET_EINVAL;
    memcpy(name, assignment, n);
    name[n] = '\0';
    return hdnet_config_set(cfg, name, eq + 1);
}

/* Parse a whole string as an unsigned integer <= max; 0 on success, -1 otherwise. */
static inline int ex_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0' || v > max)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* Parse a whole string as a finite double; 0 on success, -1 otherwise. */
static inline int ex_parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end != '\0' || v != v || v - v != 0)
        return -1;
    *out = v;
    return 0;
}

/* mkdir -p: create path and its missing parents (mode 0777 & ~umask).
 * Returns 0, or -1 with errno set. */
static inline int ex_mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        buf[i] = c;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Write s as a JSON string literal (with quotes) to f. */
static inline void ex_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

#endif
