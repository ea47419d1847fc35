/* Sweep files: parsing, the run index, and each run's config. */
#include "sweep.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RUNS 10000000u   /* far beyond any cluster allocation; guards overflow */
#define MAX_SEED ((uint64_t)1 << 53)

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int is_list_param(const char *name)
{
    return strcmp(name, "av_set") == 0 || strcmp(name, "tau_vector") == 0;
}

/* Apply one name=value to cfg the way a config file would (list parameters included). */
static int apply_setting(hdnet_config *cfg, const char *name, const char *value)
{
    if (strcmp(name, "recipe") == 0)
        return hdnet_config_set_recipe(cfg, value);
    char line[4200];
    int n = snprintf(line, sizeof line, "%s=%s", name, value);
    if (n < 0 || (size_t)n >= sizeof line)
        return HDNET_EINVAL;
    return hdnet_config_from_string(cfg, line, (size_t)n);
}

static int push_setting(sweep_setting **v, size_t *n, const char *name, const char *value)
{
    sweep_setting *nv = realloc(*v, (*n + 1) * sizeof **v);
    if (!nv)
        return -1;
    *v = nv;
    nv[*n].name = dup_str(name);
    nv[*n].value = dup_str(value);
    if (!nv[*n].name || !nv[*n].value) {
        free(nv[*n].name);
        free(nv[*n].value);
        return -1;
    }
    (*n)++;
    return 0;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!*s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Split value into tokens at blanks (and commas unless blanks_only). */
static char **split(const char *value, int blanks_only, size_t *n)
{
    char **tok = NULL;
    *n = 0;
    const char *seps = blanks_only ? " \t" : " \t,";
    const char *s = value;
    while (*s) {
        s += strspn(s, seps);
        size_t len = strcspn(s, seps);
        if (!len)
            break;
        char **nt = realloc(tok, (*n + 1) * sizeof *tok);
        if (!nt)
            goto fail;
        tok = nt;
        if (!(tok[*n] = malloc(len + 1)))
            goto fail;
        memcpy(tok[*n], s, len);
        tok[*n][len] = '\0';
        (*n)++;
        s += len;
    }
    return tok;
fail:
    for (size_t i = 0; i < *n; i++)
        free(tok[i]);
    free(tok);
    *n = 0;
    return NULL;
}

static void free_tokens(char **tok, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(tok[i]);
    free(tok);
}

/* "1..8", "1-8", "3", "1 2 5" and mixtures; no duplicates. */
static int parse_seeds(sweep_plan *p, const char *value, size_t lineno, char *err)
{
    size_t nt;
    char **tok = split(value, 0, &nt);
    if (!nt)
        return sweep_fail(err, "line %zu: seeds: expected a list or range such as 1..8", lineno);
    int rc = 0;
    for (size_t t = 0; t < nt && !rc; t++) {
        char *a = tok[t], *b = strstr(a, "..");
        size_t skip = 2;
        if (!b && (b = strchr(a + 1, '-')))
            skip = 1;
        uint64_t lo, hi;
        if (b) {
            *b = '\0';
            if (parse_u64(a, MAX_SEED, &lo) || parse_u64(b + skip, MAX_SEED, &hi) || hi < lo)
                rc = sweep_fail(err, "line %zu: seeds: bad range '%s'", lineno, value);
        } else if (parse_u64(a, MAX_SEED, &lo)) {
            rc = sweep_fail(err, "line %zu: seeds: '%s' is not an integer in [0, 2^53]", lineno, a);
        } else {
            hi = lo;
        }
        for (uint64_t s = lo; !rc && s <= hi; s++) {
            for (size_t k = 0; k < p->n_seeds; k++)
                if (p->seeds[k] == s)
                    rc = sweep_fail(err, "line %zu: seed %llu listed twice", lineno, (unsigned long long)s);
            if (!rc && p->n_seeds >= MAX_RUNS)
                rc = sweep_fail(err, "line %zu: too many seeds", lineno);
            if (rc)
                break;
            uint64_t *ns = realloc(p->seeds, (p->n_seeds + 1) * sizeof *ns);
            if (!ns) {
                rc = sweep_fail(err, "out of memory");
                break;
            }
            p->seeds = ns;
            p->seeds[p->n_seeds++] = s;
        }
    }
    free_tokens(tok, nt);
    return rc;
}

/* A sweep option; sizes must be positive unless zero makes sense. */
static int parse_option(sweep_plan *p, const char *key, const char *value, size_t lineno, char *err)
{
    struct {
        const char *name;
        size_t *dst;
        uint64_t lo, hi;
    } sizes[] = {{"test_trials", &p->test_trials, 1, 1000000},
                 {"analysis_trials", &p->analysis_trials, 0, 1000000},
                 {"analysis_steps", &p->analysis_steps, 2, 1000000},
                 {"state_every", &p->state_every, 0, 1000000000},
                 {"nulls", &p->nulls, 0, 100000},
                 {"lesion_trials", &p->lesion_trials, 0, 100000},
                 {"lesion_steps", &p->lesion_steps, HDNET_LESION_MIN_STEPS, 1000000}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        if (strcmp(key, sizes[i].name) == 0) {
            uint64_t v;
            if (parse_u64(value, sizes[i].hi, &v) || v < sizes[i].lo)
                return sweep_fail(err, "line %zu: sweep.%s: expected an integer in [%llu, %llu]", lineno, key,
                                  (unsigned long long)sizes[i].lo, (unsigned long long)sizes[i].hi);
            if (sizes[i].dst == &p->nulls && v > 0 && v < 20) /* the library's HDNET_NULL_MIN */
                return sweep_fail(err, "line %zu: sweep.nulls: 0 (no nulls) or at least 20", lineno);
            *sizes[i].dst = (size_t)v;
            return 0;
        }
    if (strcmp(key, "keep_state") == 0) {
        if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
            return sweep_fail(err, "line %zu: sweep.keep_state: expected 0 or 1", lineno);
        p->keep_state = value[0] == '1';
        return 0;
    }
    char **dst = strcmp(key, "out") == 0 ? &p->out : strcmp(key, "analysis") == 0 ? &p->analysis : NULL;
    if (!dst)
        return sweep_fail(err, "line %zu: unknown sweep option 'sweep.%s' (out, analysis, test_trials, "
                               "analysis_trials, analysis_steps, nulls, lesion_trials, lesion_steps, state_every, "
                               "keep_state)", lineno, key);
    if (!*value)
        return sweep_fail(err, "line %zu: sweep.%s needs a value", lineno, key);
    if (dst == &p->analysis && !sweep_analysis_find(value))
        return sweep_fail(err, "line %zu: unknown analysis '%s'", lineno, value);
    free(*dst);
    if (!(*dst = dup_str(value)))
        return sweep_fail(err, "out of memory");
    return 0;
}

static int parse_axis(sweep_plan *p, hdnet_config *scratch, const char *name, const char *value, size_t lineno,
                      char *err)
{
    if (strcmp(name, "seed") == 0)
        return sweep_fail(err, "line %zu: the seeds are given by 'seeds = ...', not 'vary seed'", lineno);
    int id;
    if (strcmp(name, "recipe") != 0 && hdnet_param_id(name, &id) != HDNET_OK)
        return sweep_fail(err, "line %zu: vary %s: not a config parameter or 'recipe'", lineno, name);
    for (size_t k = 0; k < p->n_axes; k++)
        if (strcmp(p->axes[k].name, name) == 0)
            return sweep_fail(err, "line %zu: %s is varied twice", lineno, name);
    for (size_t k = 0; k < p->n_base; k++)
        if (strcmp(p->base[k].name, name) == 0)
            return sweep_fail(err, "line %zu: %s is both set and varied", lineno, name);
    sweep_axis ax = {dup_str(name), NULL, 0};
    ax.values = split(value, is_list_param(name), &ax.n);
    if (!ax.name || !ax.n) {
        free(ax.name);
        free_tokens(ax.values, ax.n);
        return sweep_fail(err, "line %zu: vary %s: no values", lineno, name);
    }
    for (size_t v = 0; v < ax.n; v++) {
        for (size_t w = 0; w < v; w++)
            if (strcmp(ax.values[v], ax.values[w]) == 0) {
                sweep_fail(err, "line %zu: vary %s: value '%s' listed twice", lineno, name, ax.values[v]);
                goto bad;
            }
        int rc = apply_setting(scratch, name, ax.values[v]);
        if (rc) {
            sweep_fail(err, "line %zu: vary %s: bad value '%s': %s", lineno, name, ax.values[v], hdnet_errmsg());
            goto bad;
        }
    }
    sweep_axis *na = realloc(p->axes, (p->n_axes + 1) * sizeof *na);
    if (!na) {
        sweep_fail(err, "out of memory");
        goto bad;
    }
    p->axes = na;
    p->axes[p->n_axes++] = ax;
    return 0;
bad:
    free(ax.name);
    free_tokens(ax.values, ax.n);
    return -1;
}

static int parse_line(sweep_plan *p, hdnet_config *scratch, hdnet_aparams *ap_scratch, char *line, size_t lineno,
                      char *err)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *s = trim(line);
    if (!*s)
        return 0;
    char *eq = strchr(s, '=');
    if (!eq)
        return sweep_fail(err, "line %zu: expected 'name = value', got '%s'", lineno, s);
    *eq = '\0';
    char *name = trim(s), *value = trim(eq + 1);
    if (strncmp(name, "vary", 4) == 0 && (name[4] == ' ' || name[4] == '\t'))
        return parse_axis(p, scratch, trim(name + 4), value, lineno, err);
    if (strcmp(name, "seeds") == 0)
        return parse_seeds(p, value, lineno, err);
    if (strncmp(name, "sweep.", 6) == 0)
        return parse_option(p, name + 6, value, lineno, err);
    for (size_t k = 0; k < p->n_axes; k++)
        if (strcmp(p->axes[k].name, name) == 0)
            return sweep_fail(err, "line %zu: %s is both varied and set", lineno, name);
    if (strcmp(name, "recipe") == 0) {
        if (hdnet_config_set_recipe(scratch, value) != HDNET_OK)
            return sweep_fail(err, "line %zu: unknown recipe '%s' (paper, reference)", lineno, value);
        free(p->recipe);
        return (p->recipe = dup_str(value)) ? 0 : sweep_fail(err, "out of memory");
    }
    int id;
    if (hdnet_aparam_id(name, &id) == HDNET_OK) {
        if (hdnet_aparams_set_str(ap_scratch, name, value) != HDNET_OK)
            return sweep_fail(err, "line %zu: %s = %s: %s", lineno, name, value, hdnet_errmsg());
        return push_setting(&p->aparams, &p->n_aparams, name, value) ? sweep_fail(err, "out of memory") : 0;
    }
    if (hdnet_param_id(name, &id) != HDNET_OK && !is_list_param(name))
        return sweep_fail(err, "line %zu: unknown parameter '%s'", lineno, name);
    if (apply_setting(scratch, name, value) != HDNET_OK)
        return sweep_fail(err, "line %zu: %s = %s: %s", lineno, name, value, hdnet_errmsg());
    return push_setting(&p->base, &p->n_base, name, value) ? sweep_fail(err, "out of memory") : 0;
}

/* Output directory by default: the file name minus its extension, plus ".out";
 * a relative sweep.out is taken relative to the sweep file's directory. */
static int resolve_out(sweep_plan *p, const char *file, char *err)
{
    const char *slash = strrchr(file, '/');
    size_t dirlen = slash ? (size_t)(slash - file) + 1 : 0;
    char buf[4096];
    if (!p->out) {
        const char *base = file + dirlen, *dot = strrchr(base, '.');
        size_t stem = dot && dot != base ? (size_t)(dot - file) : strlen(file);
        if (stem + 5 >= sizeof buf)
            return sweep_fail(err, "sweep file name too long");
        snprintf(buf, sizeof buf, "%.*s.out", (int)stem, file);
    } else if (p->out[0] == '/' || dirlen == 0) {
        return 0;
    } else {
        if (dirlen + strlen(p->out) >= sizeof buf)
            return sweep_fail(err, "sweep.out too long");
        snprintf(buf, sizeof buf, "%.*s%s", (int)dirlen, file, p->out);
    }
    free(p->out);
    return (p->out = dup_str(buf)) ? 0 : sweep_fail(err, "out of memory");
}

/* FNV-1a hash of everything that shapes a run's analysis but not its training
 * (the analysis, its version, its set and its parameters). */
static void set_analysis_id(sweep_plan *p)
{
    uint64_t h = 1469598103934665603u;
    char line[4400];
    for (size_t k = 0; k <= p->n_aparams; k++) {
        if (k == p->n_aparams) {
            const sweep_analysis *an = sweep_analysis_find(p->analysis);
            snprintf(line, sizeof line, "analysis=%s %d\ntrials=%zu\nsteps=%zu\nnulls=%zu\nlesion=%zu %zu\n",
                     p->analysis, an ? an->version : 0, p->analysis_trials, p->analysis_steps, p->nulls,
                     p->lesion_trials, p->lesion_steps);
        }
        else
            snprintf(line, sizeof line, "%s=%s\n", p->aparams[k].name, p->aparams[k].value);
        for (const char *c = line; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211u;
    }
    snprintf(p->analysis_id, sizeof p->analysis_id, "%016llx", (unsigned long long)h);
}

int sweep_plan_parse(sweep_plan **out, const char *text, size_t len, const char *file, char *err)
{
    if (!out || (!text && len) || !file)
        return sweep_fail(err, "sweep_plan_parse: NULL argument");
    *out = NULL;
    sweep_plan *p = calloc(1, sizeof *p);
    hdnet_config *scratch = NULL;
    hdnet_aparams *ap_scratch = NULL;
    if (!p || hdnet_config_create(&scratch) || hdnet_aparams_create(&ap_scratch)) {
        free(p);
        hdnet_config_free(scratch);
        return sweep_fail(err, "out of memory");
    }
    p->test_trials = 1000;
    p->analysis_trials = 2000;
    p->analysis_steps = 1000;
    p->state_every = 100;
    p->nulls = 20; /* the fewest null values a verdict of the library accepts */
    p->lesion_trials = HDNET_LESION_TRIALS;
    p->lesion_steps = HDNET_LESION_STEPS;
    int rc = 0;
    if (!(p->file = dup_str(file)) || !(p->recipe = dup_str("paper")) || !(p->analysis = dup_str("claims")))
        rc = sweep_fail(err, "out of memory");
    char line[4200];
    size_t lineno = 0;
    for (size_t i = 0; i < len && !rc;) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        lineno++;
        if (j - i >= sizeof line) {
            rc = sweep_fail(err, "%s: line %zu is too long", file, lineno);
            break;
        }
        memcpy(line, text + i, j - i);
        line[j - i] = '\0';
        if (strlen(line) != j - i)
            rc = sweep_fail(err, "line %zu contains a NUL byte", lineno);
        else
            rc = parse_line(p, scratch, ap_scratch, line, lineno, err);
        i = j + 1;
    }
    for (size_t k = 0; k < p->n_base && !rc; k++)
        if (strcmp(p->base[k].name, "seed") == 0 && p->n_seeds)
            rc = sweep_fail(err, "both 'seed' and 'seeds' are given; use seeds = ...");
    if (!rc && !p->n_seeds) {
        int64_t s;
        rc = hdnet_config_get_int(scratch, HDNET_P_SEED, &s) ? sweep_fail(err, "config") : 0;
        if (!rc && !(p->seeds = malloc(sizeof *p->seeds)))
            rc = sweep_fail(err, "out of memory");
        if (!rc) {
            p->seeds[0] = (uint64_t)s;
            p->n_seeds = 1;
        }
    }
    if (!rc) {
        p->n_points = 1;
        for (size_t k = 0; k < p->n_axes && !rc; k++) {
            if (p->n_points > MAX_RUNS / p->axes[k].n)
                rc = sweep_fail(err, "the grid has more than %u runs", MAX_RUNS);
            else
                p->n_points *= p->axes[k].n;
        }
        if (!rc && p->n_points > MAX_RUNS / p->n_seeds)
            rc = sweep_fail(err, "the grid has more than %u runs", MAX_RUNS);
        p->n_runs = p->n_points * p->n_seeds;
    }
    if (!rc)
        rc = resolve_out(p, file, err);
    if (!rc)
        set_analysis_id(p);
    if (rc && err && file && !strstr(err, file)) {
        char tmp[SWEEP_ERR];
        snprintf(tmp, sizeof tmp, "%s", err);
        sweep_fail(err, "%s: %s", file, tmp);
    }
    hdnet_config_free(scratch);
    hdnet_aparams_free(ap_scratch);
    if (rc) {
        sweep_plan_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

int sweep_plan_load(sweep_plan **out, const char *path, char *err)
{
    size_t len;
    char *text = sweep_read_file(path, &len, err);
    if (!text)
        return -1;
    int rc = sweep_plan_parse(out, text, len, path, err);
    free(text);
    return rc;
}

static void free_settings(sweep_setting *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].name);
        free(s[i].value);
    }
    free(s);
}

void sweep_plan_free(sweep_plan *p)
{
    if (!p)
        return;
    free(p->file);
    free(p->out);
    free(p->recipe);
    free(p->analysis);
    free_settings(p->base, p->n_base);
    free_settings(p->aparams, p->n_aparams);
    for (size_t k = 0; k < p->n_axes; k++) {
        free(p->axes[k].name);
        free_tokens(p->axes[k].values, p->axes[k].n);
    }
    free(p->axes);
    free(p->seeds);
    free(p);
}

void sweep_plan_settings(const sweep_plan *p, size_t i, const char **values, uint64_t *seed, size_t *point)
{
    size_t pt = i % p->n_points;
    if (seed)
        *seed = p->seeds[i / p->n_points];
    if (point)
        *point = pt;
    for (size_t k = p->n_axes; k-- > 0;) {
        if (values)
            values[k] = p->axes[k].values[pt % p->axes[k].n];
        pt /= p->axes[k].n;
    }
}

size_t sweep_plan_run(const sweep_plan *p, size_t point, size_t seed_index)
{
    return seed_index * p->n_points + point;
}

int sweep_plan_config(const sweep_plan *p, size_t i, hdnet_config **cfg, hdnet_aparams **ap, char *err)
{
    *cfg = NULL;
    if (ap)
        *ap = NULL;
    if (i >= p->n_runs)
        return sweep_fail(err, "index %zu outside the plan (0..%zu)", i, p->n_runs - 1);
    const char **values = calloc(p->n_axes + 1, sizeof *values);
    uint64_t seed;
    if (!values || hdnet_config_create(cfg)) {
        free(values);
        return sweep_fail(err, "out of memory");
    }
    sweep_plan_settings(p, i, values, &seed, NULL);
    const char *recipe = p->recipe;
    for (size_t k = 0; k < p->n_axes; k++)
        if (strcmp(p->axes[k].name, "recipe") == 0)
            recipe = values[k];
    int rc = hdnet_config_set_recipe(*cfg, recipe);
    int threads_set = 0;
    for (size_t k = 0; k < p->n_base && !rc; k++) {
        rc = apply_setting(*cfg, p->base[k].name, p->base[k].value);
        threads_set |= strcmp(p->base[k].name, "threads") == 0;
    }
    for (size_t k = 0; k < p->n_axes && !rc; k++) {
        if (strcmp(p->axes[k].name, "recipe") != 0)
            rc = apply_setting(*cfg, p->axes[k].name, values[k]);
        threads_set |= strcmp(p->axes[k].name, "threads") == 0;
    }
    if (!rc)
        rc = hdnet_config_set_int(*cfg, HDNET_P_SEED, (int64_t)seed);
    if (!rc && !threads_set) /* one thread per run: the runs are the parallelism */
        rc = hdnet_config_set_int(*cfg, HDNET_P_THREADS, 1);
    free(values);
    if (!rc && ap) {
        rc = hdnet_aparams_create(ap);
        for (size_t k = 0; k < p->n_aparams && !rc; k++)
            rc = hdnet_aparams_set_str(*ap, p->aparams[k].name, p->aparams[k].value);
    }
    if (rc) {
        sweep_fail(err, "run %zu: config: %s", i, hdnet_errmsg());
        hdnet_config_free(*cfg);
        *cfg = NULL;
        if (ap) {
            hdnet_aparams_free(*ap);
            *ap = NULL;
        }
        return -1;
    }
    return 0;
}

void sweep_run_name(size_t i, char *buf, size_t cap)
{
    snprintf(buf, cap, "r%05zu", i);
}

void sweep_plan_print(const sweep_plan *p, FILE *f)
{
    const char **values = calloc(p->n_axes + 1, sizeof *values);
    if (!values)
        return;
    for (size_t i = 0; i < p->n_runs; i++) {
        uint64_t seed;
        char name[32];
        sweep_plan_settings(p, i, values, &seed, NULL);
        sweep_run_name(i, name, sizeof name);
        fprintf(f, "%zu %s", i, name);
        for (size_t k = 0; k < p->n_axes; k++)
            fprintf(f, " %s=%s", p->axes[k].name, values[k]);
        fprintf(f, " seed=%llu\n", (unsigned long long)seed);
    }
    free(values);
}
