/* Collecting a sweep: one table of every run and a summary per grid point.
 *
 * Table columns: index, name, point, the axes, seed, status, error, then every
 * key of the runs' result.txt in first-seen order, timings (*_seconds) last.
 * Summary per grid point: for each numeric value its median, quartiles and
 * range over the finished runs; for each finding (*.verdict) the pass rate
 * over the runs with a PASS or FAIL verdict and its 95 % Wilson interval. */
#include "sweep.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959963984540054 /* normal quantile 0.975 */

typedef struct {
    sweep_record *rec; /* per run */
    const char **status;
    char **cols;       /* record columns */
    size_t n_cols;
} table;

static int is_timing(const char *key)
{
    size_t n = strlen(key);
    return n >= 8 && strcmp(key + n - 8, "_seconds") == 0;
}

static int is_verdict(const char *key)
{
    size_t n = strlen(key);
    return n >= 8 && strcmp(key + n - 8, ".verdict") == 0;
}

static int is_fixed(const char *key)
{
    return !strcmp(key, "index") || !strcmp(key, "name") || !strcmp(key, "status") || !strcmp(key, "error");
}

/* A number in JSON's grammar, or nan / inf / -inf as sweep_record_num writes
 * them: *v set, 1 returned. Anything else (hex, words) is text. */
static int as_number(const char *s, double *v)
{
    if (!s || !*s)
        return 0;
    if (!strcmp(s, "nan") || !strcmp(s, "inf") || !strcmp(s, "-inf")) {
        *v = strtod(s, NULL);
        return 1;
    }
    const char *c = s + (*s == '-');
    if (!isdigit((unsigned char)*c))
        return 0;
    while (isdigit((unsigned char)*c))
        c++;
    if (*c == '.') {
        if (!isdigit((unsigned char)*++c))
            return 0;
        while (isdigit((unsigned char)*c))
            c++;
    }
    if (*c == 'e' || *c == 'E') {
        c += c[1] == '+' || c[1] == '-' ? 2 : 1;
        if (!isdigit((unsigned char)*c))
            return 0;
        while (isdigit((unsigned char)*c))
            c++;
    }
    if (*c)
        return 0;
    *v = strtod(s, NULL);
    return 1;
}

static int add_col(table *t, const char *key)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (strcmp(t->cols[c], key) == 0)
            return 0;
    char **nc = realloc(t->cols, (t->n_cols + 1) * sizeof *nc);
    if (!nc)
        return -1;
    t->cols = nc;
    t->cols[t->n_cols++] = (char *)key;
    return 0;
}

static int load_table(const sweep_plan *p, table *t, size_t *n_done, size_t *n_failed, char *err)
{
    memset(t, 0, sizeof *t);
    t->rec = calloc(p->n_runs, sizeof *t->rec);
    t->status = calloc(p->n_runs, sizeof *t->status);
    if (!t->rec || !t->status)
        return sweep_fail(err, "out of memory");
    *n_done = *n_failed = 0;
    static const char *const names[] = {"left", "partial", "running", "done", "failed", "stale"};
    for (size_t i = 0; i < p->n_runs; i++) {
        int st = sweep_run_state(p, i);
        t->status[i] = names[st];
        sweep_record_init(&t->rec[i]);
        char path[4300];
        if (st == SWEEP_ST_DONE || st == SWEEP_ST_STALE)
            sweep_run_path(p, i, "/result.txt", path, sizeof path);
        else if (st == SWEEP_ST_FAILED)
            sweep_run_path(p, i, ".failed", path, sizeof path);
        else
            continue;
        if (sweep_record_load(&t->rec[i], path, err))
            return -1;
        *n_done += st == SWEEP_ST_DONE;
        *n_failed += st == SWEEP_ST_FAILED;
    }
    /* columns: results first, then timings */
    for (int timing = 0; timing <= 1; timing++)
        for (size_t i = 0; i < p->n_runs; i++)
            for (size_t k = 0; k < t->rec[i].n; k++) {
                const char *key = t->rec[i].keys[k];
                if (!is_fixed(key) && is_timing(key) == timing && add_col(t, key))
                    return sweep_fail(err, "out of memory");
            }
    return 0;
}

static void free_table(const sweep_plan *p, table *t)
{
    if (t->rec)
        for (size_t i = 0; i < p->n_runs; i++)
            sweep_record_clear(&t->rec[i]);
    free(t->rec);
    free(t->status);
    free(t->cols);
}

static void csv_field(FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* A number as JSON (null when not finite), anything else as a string. */
static void json_value(FILE *f, const char *s)
{
    double v;
    if (!s)
        fputs("null", f);
    else if (as_number(s, &v))
        isfinite(v) ? fputs(s, f) : fputs("null", f);
    else
        json_string(f, s);
}

static void json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f);
}

/* Open OUT/name.tmp for writing; close_out renames it into place. */
static FILE *open_out(const sweep_plan *p, const char *name, char *path, size_t cap, char *err)
{
    snprintf(path, cap, "%s/%s.tmp", p->out, name);
    FILE *f = fopen(path, "w");
    if (!f)
        sweep_fail(err, "cannot write %s", path);
    return f;
}

static int close_out(FILE *f, const char *tmp, char *err)
{
    char final[4200];
    snprintf(final, sizeof final, "%.*s", (int)(strlen(tmp) - 4), tmp);
    if (ferror(f) | fclose(f) || rename(tmp, final) != 0)
        return sweep_fail(err, "cannot write %s", final);
    return 0;
}

static int write_table(const sweep_plan *p, const table *t, char *err)
{
    const char **values = calloc(p->n_axes + 1, sizeof *values);
    if (!values)
        return sweep_fail(err, "out of memory");
    char tcsv[4300], tjson[4300];
    FILE *csv = open_out(p, "table.csv", tcsv, sizeof tcsv, err);
    FILE *js = csv ? open_out(p, "table.json", tjson, sizeof tjson, err) : NULL;
    if (!csv || !js) {
        if (csv)
            fclose(csv);
        free(values);
        return -1;
    }
    fputs("index,name,point", csv);
    for (size_t k = 0; k < p->n_axes; k++) {
        fputc(',', csv);
        csv_field(csv, p->axes[k].name);
    }
    fputs(",seed,status,error", csv);
    for (size_t c = 0; c < t->n_cols; c++) {
        fputc(',', csv);
        csv_field(csv, t->cols[c]);
    }
    fputc('\n', csv);
    fputs("[", js);
    for (size_t i = 0; i < p->n_runs; i++) {
        uint64_t seed;
        size_t point;
        char name[32];
        sweep_plan_settings(p, i, values, &seed, &point);
        sweep_run_name(i, name, sizeof name);
        const sweep_record *r = &t->rec[i];
        const char *error = sweep_record_get(r, "error");
        fprintf(csv, "%zu,%s,%zu", i, name, point);
        fprintf(js, "%s\n  {\"index\": %zu, \"name\": \"%s\", \"point\": %zu", i ? "," : "", i, name, point);
        for (size_t k = 0; k < p->n_axes; k++) {
            fputc(',', csv);
            csv_field(csv, values[k]);
            fputs(", ", js);
            json_string(js, p->axes[k].name);
            fputs(": ", js);
            json_value(js, values[k]);
        }
        fprintf(csv, ",%llu,%s,", (unsigned long long)seed, t->status[i]);
        csv_field(csv, error);
        fprintf(js, ", \"seed\": %llu, \"status\": \"%s\", \"error\": ", (unsigned long long)seed, t->status[i]);
        json_value(js, error);
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *v = sweep_record_get(r, t->cols[c]);
            fputc(',', csv);
            csv_field(csv, v);
            fputs(", ", js);
            json_string(js, t->cols[c]);
            fputs(": ", js);
            json_value(js, v);
        }
        fputc('\n', csv);
        fputs("}", js);
    }
    fputs("\n]\n", js);
    free(values);
    int rc = close_out(csv, tcsv, err);
    int rc2 = close_out(js, tjson, err);
    return rc || rc2 ? -1 : 0;
}

/* ---- summary ---- */

typedef struct {
    size_t n;
    double median, q25, q75, min, max;
} spread;

typedef struct {
    size_t pass, fail, other; /* other: WARN, INFO, NOT_APPLICABLE, NOT_RUN */
    size_t warn, not_applicable;
    double lo, hi;
} rate;

/* Spread of column col over the finished runs of seeds [j0, j1) at point pt; n = 0 if not
 * numeric there. */
static spread spread_seeds(const sweep_plan *p, const table *t, size_t pt, const char *col, size_t j0, size_t j1,
                           double *buf)
{
    spread s;
    memset(&s, 0, sizeof s);
    for (size_t j = j0; j < j1; j++) {
        size_t i = sweep_plan_run(p, pt, j);
        double v;
        if (strcmp(t->status[i], "done") == 0 && as_number(sweep_record_get(&t->rec[i], col), &v) && !isnan(v))
            buf[s.n++] = v;
    }
    if (s.n) {
        s.median = sweep_quantile(buf, s.n, 0.5);
        s.q25 = sweep_quantile(buf, s.n, 0.25);
        s.q75 = sweep_quantile(buf, s.n, 0.75);
        s.min = buf[0];
        s.max = buf[s.n - 1];
    }
    return s;
}

static spread spread_of(const sweep_plan *p, const table *t, size_t pt, const char *col, double *buf)
{
    return spread_seeds(p, t, pt, col, 0, p->n_seeds, buf);
}

static rate rate_of(const sweep_plan *p, const table *t, size_t pt, const char *col)
{
    rate r;
    memset(&r, 0, sizeof r);
    for (size_t j = 0; j < p->n_seeds; j++) {
        size_t i = sweep_plan_run(p, pt, j);
        const char *v = strcmp(t->status[i], "done") == 0 ? sweep_record_get(&t->rec[i], col) : NULL;
        if (!v)
            continue;
        if (strcmp(v, "PASS") == 0)
            r.pass++;
        else if (strcmp(v, "FAIL") == 0)
            r.fail++;
        else
            r.other++;
        r.warn += strcmp(v, "WARN") == 0;
        r.not_applicable += strcmp(v, "NOT_APPLICABLE") == 0;
    }
    sweep_wilson(r.pass, r.pass + r.fail, Z95, &r.lo, &r.hi);
    return r;
}

/* Columns summarised as values: numeric somewhere, not a timing, not bookkeeping. */
static int is_value_col(const sweep_plan *p, const table *t, const char *col)
{
    if (is_timing(col) || is_verdict(col))
        return 0;
    for (size_t i = 0; i < p->n_runs; i++) {
        double v;
        if (as_number(sweep_record_get(&t->rec[i], col), &v))
            return 1;
    }
    return 0;
}

/* 1 when column col has a value (a judged verdict) at some grid point: only
 * those are plotted and tabulated in summary.md. */
static int has_data(const sweep_plan *p, const table *t, const char *col, double *buf)
{
    for (size_t pt = 0; pt < p->n_points; pt++) {
        if (is_verdict(col)) {
            rate r = rate_of(p, t, pt, col);
            if (r.pass + r.fail)
                return 1;
        } else if (spread_of(p, t, pt, col, buf).n) {
            return 1;
        }
    }
    return 0;
}

/* The bands of a finding (its nulls' percentiles and its interval) are in the tables; the
 * values figure shows the values themselves. */
static int is_band(const char *col)
{
    static const char *const ends[] = {".null_low", ".null_high", ".ci_low", ".ci_high"};
    const size_t n = strlen(col);
    for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
        const size_t e = strlen(ends[k]);
        if (n > e && strcmp(col + n - e, ends[k]) == 0)
            return 1;
    }
    return 0;
}

/* A grid point's spread that gnuplot can draw: every statistic finite. */
static int drawable(const spread *s)
{
    return s->n && isfinite(s->median) && isfinite(s->q25) && isfinite(s->q75) && isfinite(s->min) &&
           isfinite(s->max);
}

/* A value drawn in sweep_values.png: not a band, drawable at some grid point. */
static int is_plotted_value(const sweep_plan *p, const table *t, const char *col, double *buf)
{
    if (!is_value_col(p, t, col) || is_band(col))
        return 0;
    for (size_t pt = 0; pt < p->n_points; pt++) {
        spread s = spread_of(p, t, pt, col, buf);
        if (drawable(&s))
            return 1;
    }
    return 0;
}

/* x of a grid point in the plots: the axis value when there is one numeric axis. */
static int numeric_axis(const sweep_plan *p)
{
    if (p->n_axes != 1)
        return 0;
    for (size_t v = 0; v < p->axes[0].n; v++) {
        double x;
        if (!as_number(p->axes[0].values[v], &x))
            return 0;
    }
    return 1;
}

static void point_label(const sweep_plan *p, size_t pt, const char **values, char *buf, size_t cap)
{
    sweep_plan_settings(p, sweep_plan_run(p, pt, 0), values, NULL, NULL);
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < p->n_axes && at < cap; k++)
        at += (size_t)snprintf(buf + at, cap - at, "%s%s=%s", k ? " " : "", p->axes[k].name, values[k]);
    if (!p->n_axes)
        snprintf(buf, cap, "all");
}

/* The first fields of a summary.csv row: the point, its settings, its run counts
 * and the column the row summarises. */
static void summary_row_start(FILE *csv, const sweep_plan *p, size_t pt, const char **values, size_t done,
                              size_t failed, const char *col)
{
    fprintf(csv, "%zu", pt);
    for (size_t k = 0; k < p->n_axes; k++) {
        fputc(',', csv);
        csv_field(csv, values[k]);
    }
    fprintf(csv, ",%zu,%zu,%zu,", p->n_seeds, done, failed);
    csv_field(csv, col);
}

static int write_summary(const sweep_plan *p, const table *t, char *err)
{
    const char **values = calloc(p->n_axes + 1, sizeof *values);
    double *buf = malloc((p->n_seeds + 1) * sizeof *buf);
    char tcsv[4300], tjson[4300], tval[4300], trate[4300], tvars[4300];
    FILE *csv = NULL, *js = NULL, *pv = NULL, *pr = NULL, *vars = NULL;
    int rc = -1;
    if (!values || !buf) {
        sweep_fail(err, "out of memory");
        goto out;
    }
    if (!(csv = open_out(p, "summary.csv", tcsv, sizeof tcsv, err)) ||
        !(js = open_out(p, "summary.json", tjson, sizeof tjson, err)) ||
        !(pv = open_out(p, "plot_values.dat", tval, sizeof tval, err)) ||
        !(pr = open_out(p, "plot_rates.dat", trate, sizeof trate, err)) ||
        !(vars = open_out(p, "plot_vars.gp", tvars, sizeof tvars, err)))
        goto out;
    fputs("point", csv);
    for (size_t k = 0; k < p->n_axes; k++) {
        fputc(',', csv);
        csv_field(csv, p->axes[k].name);
    }
    fputs(",runs,done,failed,metric,kind,n,median,q25,q75,min,max,pass,fail,rate,ci95_lo,ci95_hi\n", csv);
    fputs("[", js);
    const int numx = numeric_axis(p);
    for (size_t pt = 0; pt < p->n_points; pt++) {
        size_t done = 0, failed = 0;
        for (size_t j = 0; j < p->n_seeds; j++) {
            done += strcmp(t->status[sweep_plan_run(p, pt, j)], "done") == 0;
            failed += strcmp(t->status[sweep_plan_run(p, pt, j)], "failed") == 0;
        }
        sweep_plan_settings(p, sweep_plan_run(p, pt, 0), values, NULL, NULL);
        fprintf(js, "%s\n  {\"point\": %zu, \"settings\": {", pt ? "," : "", pt);
        for (size_t k = 0; k < p->n_axes; k++) {
            fputs(k ? ", " : "", js);
            json_string(js, p->axes[k].name);
            fputs(": ", js);
            json_value(js, values[k]);
        }
        fprintf(js, "}, \"runs\": %zu, \"done\": %zu, \"failed\": %zu,\n   \"values\": {", p->n_seeds, done, failed);
        int first = 1;
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *col = t->cols[c];
            if (!is_value_col(p, t, col))
                continue;
            spread s = spread_of(p, t, pt, col, buf);
            summary_row_start(csv, p, pt, values, done, failed, col);
            if (s.n)
                fprintf(csv, ",value,%zu,%.10g,%.10g,%.10g,%.10g,%.10g,,,,,\n", s.n, s.median, s.q25, s.q75, s.min,
                        s.max);
            else
                fputs(",value,0,,,,,,,,,,\n", csv);
            fputs(first ? "\n    " : ",\n    ", js);
            first = 0;
            json_string(js, col);
            fprintf(js, ": {\"n\": %zu, \"median\": ", s.n);
            json_num(js, s.n ? s.median : NAN);
            fputs(", \"q25\": ", js);
            json_num(js, s.n ? s.q25 : NAN);
            fputs(", \"q75\": ", js);
            json_num(js, s.n ? s.q75 : NAN);
            fputs(", \"min\": ", js);
            json_num(js, s.n ? s.min : NAN);
            fputs(", \"max\": ", js);
            json_num(js, s.n ? s.max : NAN);
            fputs("}", js);
        }
        fputs("},\n   \"findings\": {", js);
        first = 1;
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *col = t->cols[c];
            if (!is_verdict(col))
                continue;
            rate r = rate_of(p, t, pt, col);
            const size_t n = r.pass + r.fail;
            summary_row_start(csv, p, pt, values, done, failed, col);
            fprintf(csv, ",finding,%zu,,,,,,%zu,%zu,", n, r.pass, r.fail);
            if (n)
                fprintf(csv, "%.10g,%.10g,%.10g\n", (double)r.pass / (double)n, r.lo, r.hi);
            else
                fputs(",,\n", csv);
            fputs(first ? "\n    " : ",\n    ", js);
            first = 0;
            json_string(js, col);
            fprintf(js, ": {\"pass\": %zu, \"fail\": %zu, \"other\": %zu, \"rate\": ", r.pass, r.fail, r.other);
            json_num(js, n ? (double)r.pass / (double)n : NAN);
            fputs(", \"ci95\": [", js);
            json_num(js, r.lo);
            fputs(", ", js);
            json_num(js, r.hi);
            fputs("]}", js);
        }
        fputs("}}", js);
    }
    fputs("\n]\n", js);

    /* plot data: one gnuplot index block per metric, one row per grid point */
    size_t nv = 0, nr = 0;
    fputs("# metric titles, in the order of the blocks of plot_values.dat and plot_rates.dat\n", vars);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *col = t->cols[c];
            const int val = is_plotted_value(p, t, col, buf), ver = is_verdict(col);
            if ((!val && !ver) || !has_data(p, t, col, buf))
                continue;
            if (pass == 1) {
                fprintf(vars, "%s[%zu] = \"%.*s\"\n", val ? "vtitle" : "rtitle", val ? ++nv : ++nr,
                        (int)(strlen(col) - (val ? 0 : 8)), col);
                continue;
            }
            FILE *f = val ? pv : pr;
            fprintf(f, "# %s: x %s label\n", col, val ? "median q25 q75 min max n" : "rate ci95_lo ci95_hi pass n");
            for (size_t pt = 0; pt < p->n_points; pt++) {
                char label[512];
                point_label(p, pt, values, label, sizeof label);
                double x = (double)pt;
                if (numx)
                    as_number(values[0], &x);
                if (val) {
                    spread s = spread_of(p, t, pt, col, buf);
                    if (drawable(&s))
                        fprintf(f, "%.10g %.10g %.10g %.10g %.10g %.10g %zu \"%s\"\n", x, s.median, s.q25, s.q75,
                                s.min, s.max, s.n, label);
                } else {
                    rate r = rate_of(p, t, pt, col);
                    size_t n = r.pass + r.fail;
                    if (n)
                        fprintf(f, "%.10g %.10g %.10g %.10g %zu %zu \"%s\"\n", x, (double)r.pass / (double)n, r.lo,
                                r.hi, r.pass, n, label);
                }
            }
            fputs("\n\n", f);
        }
        if (pass == 0) {
            size_t cv = 0, cr = 0;
            for (size_t c = 0; c < t->n_cols; c++) {
                const int data = has_data(p, t, t->cols[c], buf);
                cv += data && is_plotted_value(p, t, t->cols[c], buf);
                cr += data && is_verdict(t->cols[c]);
            }
            fprintf(vars, "nvalues = %zu\nnrates = %zu\nnumeric_x = %d\nxname = \"%s\"\n", cv, cr, numx,
                    numx ? p->axes[0].name : "grid point");
            fprintf(vars, "array vtitle[%zu]\narray rtitle[%zu]\n", cv ? cv : 1, cr ? cr : 1);
        }
    }
    rc = 0;
out:
    if (csv)
        rc |= close_out(csv, tcsv, err);
    if (js)
        rc |= close_out(js, tjson, err);
    if (pv)
        rc |= close_out(pv, tval, err);
    if (pr)
        rc |= close_out(pr, trate, err);
    if (vars)
        rc |= close_out(vars, tvars, err);
    free(values);
    free(buf);
    return rc ? -1 : 0;
}

/* ---- the speed checks across the sweep ---- */

/* The points of a sweep over the speed alone, by ascending speed. */
static void speed_order(const sweep_plan *p, size_t *order, double *speed)
{
    for (size_t i = 0; i < p->n_points; i++) {
        size_t j = i;
        double v;
        as_number(p->axes[0].values[i], &v);
        while (j > 0 && speed[j - 1] > v) {
            speed[j] = speed[j - 1];
            order[j] = order[j - 1];
            j--;
        }
        speed[j] = v;
        order[j] = i;
    }
}

/* The compass fractions, then the shifter fractions, of the finished runs of seeds
 * [j0, j1) at point pt that have both: ends[0 .. 2n). Returns n. */
static size_t end_fractions(const sweep_plan *p, const table *t, size_t pt, const char *kc, const char *ks,
                            size_t j0, size_t j1, double *ends)
{
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) { /* compass fractions first: n is known for the shifters */
        size_t m = 0;
        for (size_t j = j0; j < j1; j++) {
            size_t i = sweep_plan_run(p, pt, j);
            double a, b;
            if (strcmp(t->status[i], "done") == 0 && as_number(sweep_record_get(&t->rec[i], kc), &a) &&
                as_number(sweep_record_get(&t->rec[i], ks), &b) && !isnan(a) && !isnan(b))
                ends[pass * n + m++] = pass ? b : a;
        }
        n = m;
    }
    return n;
}

/* R13's null (as in hdnet-speed): the speed labels of the slowest and the fastest
 * networks exchanged; up to 20 networks. */
static int add_trend_null(hdnet_claims *c, int rule, const sweep_plan *p, const table *t, const size_t *order,
                          const char *kc, const char *ks, size_t j0, size_t j1)
{
    const size_t k = j1 - j0;
    double *slow = malloc(2 * k * sizeof *slow), *fast = malloc(2 * k * sizeof *fast);
    int rc = !slow || !fast ? -1 : 0;
    if (!rc) {
        size_t ns = end_fractions(p, t, order[0], kc, ks, j0, j1, slow);
        size_t nf = end_fractions(p, t, order[p->n_points - 1], kc, ks, j0, j1, fast);
        if (ns && nf && ns + nf <= 20)
            rc = hdnet_claims_speed_nulls(c, rule, ns, slow, nf, fast, HDNET_NULL_QUANTILE) ? -1 : 0;
    }
    free(slow);
    free(fast);
    return rc;
}

/* R13 (adaptive rule) and R13i (reference rule) of seeds [j0, j1) into c, from the medians
 * of the class fractions at each speed, against the exchange of speed labels when asked
 * (with_null), and the competence gate on the network furthest from its bound (R0 against
 * hdnet_gate_bound(ne_hold)): a speed trend of networks that cannot do the task says
 * nothing (as in hdnet-speed). Nothing is added when a speed has no finished run. */
static int add_trend(hdnet_claims *c, const sweep_plan *p, const table *t, const size_t *order, const double *speed,
                     size_t j0, size_t j1, int with_null, double *buf, double *compass, double *shifters)
{
    static const char *const prefix[2] = {"classes", "classes_reference"};
    static const int rule[2] = {HDNET_SPEED_ADAPTIVE, HDNET_SPEED_REFERENCE};
    const size_t n = p->n_points;
    size_t added = 0;
    for (int r = 0; r < 2; r++) {
        char kc[64], ks[64];
        snprintf(kc, sizeof kc, "%s.compass_fraction", prefix[r]);
        snprintf(ks, sizeof ks, "%s.shifter_fraction", prefix[r]);
        size_t seeds = j1 - j0;
        int complete = 1;
        for (size_t i = 0; i < n && complete; i++) {
            spread a = spread_seeds(p, t, order[i], kc, j0, j1, buf), b = spread_seeds(p, t, order[i], ks, j0, j1, buf);
            complete = a.n > 0 && b.n > 0;
            compass[i] = a.median;
            shifters[i] = b.median;
            seeds = a.n < seeds ? a.n : seeds;
        }
        if (!complete)
            continue;
        if (hdnet_claims_add_speed(c, rule[r], n, speed, compass, shifters, seeds) ||
            (with_null && add_trend_null(c, rule[r], p, t, order, kc, ks, j0, j1)))
            return -1;
        added++;
    }
    if (!added)
        return 0;
    /* the network furthest from its bound decides; one without an NE fails the gate */
    double worst = NAN, worst_bound = HDNET_GATE_NE_MAX, worst_ratio = -INFINITY;
    size_t networks = 0;
    for (size_t pt = 0; pt < n; pt++)
        for (size_t j = j0; j < j1; j++) {
            size_t i = sweep_plan_run(p, pt, j);
            double ne, ne_hold;
            if (strcmp(t->status[i], "done") != 0)
                continue;
            if (!as_number(sweep_record_get(&t->rec[i], "R0.value"), &ne))
                ne = NAN;
            if (!as_number(sweep_record_get(&t->rec[i], "ne_hold"), &ne_hold))
                ne_hold = NAN;
            const double bound = hdnet_gate_bound(ne_hold), ratio = isnan(ne) ? INFINITY : ne / bound;
            if (ratio > worst_ratio) {
                worst_ratio = ratio;
                worst = ne;
                worst_bound = bound;
            }
            networks++;
        }
    return hdnet_claims_gate(c, worst, worst_bound, networks) ? -1 : 0;
}

/* R13 of every seed alone: in how many seeds the slow networks have more compass units and
 * fewer shifters than the fast ones (PASS among PASS and FAIL, with the seed's own gate).
 * One network per speed has no label-exchange null; that null is R13's, over all seeds. */
static rate trend_per_seed(const sweep_plan *p, const table *t, const size_t *order, const double *speed,
                           double *buf, double *compass, double *shifters, int *failed)
{
    rate r;
    memset(&r, 0, sizeof r);
    *failed = 0;
    for (size_t j = 0; j < p->n_seeds && !*failed; j++) {
        hdnet_claims *c;
        if (hdnet_claims_create(&c) || add_trend(c, p, t, order, speed, j, j + 1, 0, buf, compass, shifters)) {
            hdnet_claims_free(c);
            *failed = 1;
            break;
        }
        for (size_t row = 0; row < hdnet_claims_count(c); row++) {
            if (strcmp(hdnet_claims_text(c, row, HDNET_CLAIM_ID), "R13") != 0)
                continue;
            int v = hdnet_claims_verdict(c, row);
            r.pass += v == HDNET_VERDICT_PASS;
            r.fail += v == HDNET_VERDICT_FAIL;
            r.warn += v == HDNET_VERDICT_WARN;
            r.not_applicable += v == HDNET_VERDICT_NOT_APPLICABLE;
        }
        hdnet_claims_free(c);
    }
    r.other = r.warn + r.not_applicable;
    r.lo = r.hi = NAN;
    if (r.pass + r.fail)
        sweep_wilson(r.pass, r.pass + r.fail, Z95, &r.lo, &r.hi);
    return r;
}

/* One row of claims_sweep.csv and of the markdown table. */
static void speed_row(FILE *csv, FILE *md, const char *id, const char *claim, const char *measured,
                      const char *criterion, const char *verdict, double value)
{
    const char *field[4] = {id, claim, measured, criterion};
    for (int k = 0; k < 4; k++) {
        csv_field(csv, field[k]);
        fputc(',', csv);
    }
    fprintf(csv, "%s,%.10g\n", verdict, value);
    fprintf(md, "| %s %s | %s | %s | %s |\n", id, claim, measured, criterion, verdict);
}

/* The speed checks of a sweep whose only axis is the speed: R0 (the gate), R13 and R13i
 * from the medians over seeds, and R13r, R13's rate across seeds. Rows to
 * OUT/claims_sweep.csv and to md; nothing when the sweep is not such a sweep or a speed
 * has no finished run. */
static int speed_claims(const sweep_plan *p, const table *t, FILE *md, double *buf, char *err)
{
    if (p->n_axes != 1 || strcmp(p->axes[0].name, "speed") != 0 || p->n_points < 2 || !numeric_axis(p))
        return 0;
    const size_t n = p->n_points;
    size_t *order = malloc(n * sizeof *order);
    double *speed = malloc(n * sizeof *speed), *compass = malloc(n * sizeof *compass),
           *shifters = malloc(n * sizeof *shifters);
    hdnet_claims *c = NULL;
    int rc = !order || !speed || !compass || !shifters || hdnet_claims_create(&c) ? sweep_fail(err, "out of memory") : 0;
    if (!rc) {
        speed_order(p, order, speed);
        if (add_trend(c, p, t, order, speed, 0, p->n_seeds, 1, buf, compass, shifters))
            rc = sweep_fail(err, "speed claims: %s", hdnet_errmsg());
    }
    if (!rc && hdnet_claims_count(c)) {
        int failed;
        rate r = trend_per_seed(p, t, order, speed, buf, compass, shifters, &failed);
        char tcsv[4300];
        FILE *csv = failed ? NULL : open_out(p, "claims_sweep.csv", tcsv, sizeof tcsv, err);
        if (failed) {
            rc = sweep_fail(err, "speed claims per seed: %s", hdnet_errmsg());
        } else if (!csv) {
            rc = -1;
        } else {
            fputs("id,claim,measured,criterion,verdict,value\n", csv);
            fputs("| check across the sweep | measured | criterion | verdict |\n|---|---|---|---|\n", md);
            for (size_t row = 0; row < hdnet_claims_count(c); row++)
                speed_row(csv, md, hdnet_claims_text(c, row, HDNET_CLAIM_ID),
                          hdnet_claims_text(c, row, HDNET_CLAIM_CLAIM), hdnet_claims_text(c, row, HDNET_CLAIM_MEASURED),
                          hdnet_claims_text(c, row, HDNET_CLAIM_CRITERION),
                          hdnet_verdict_name(hdnet_claims_verdict(c, row)),
                          hdnet_claims_number(c, row, HDNET_CLAIM_VALUE));
            char measured[256];
            const size_t judged = r.pass + r.fail;
            if (judged)
                snprintf(measured, sizeof measured, "%zu of %zu seeds pass [95 %% Wilson %.2f, %.2f]; %zu WARN, %zu "
                         "NOT_APPLICABLE", r.pass, judged, r.lo, r.hi, r.warn, r.not_applicable);
            else
                snprintf(measured, sizeof measured, "no seed judged PASS or FAIL; %zu WARN, %zu NOT_APPLICABLE", r.warn,
                         r.not_applicable);
            speed_row(csv, md, "R13r", "speed trend per seed (adaptive rule; each seed's networks alone, with their own gate)",
                      measured, "the rate across seeds: PASS among PASS and FAIL", "INFO",
                      judged ? (double)r.pass / (double)judged : NAN);
            fputc('\n', md);
            rc = close_out(csv, tcsv, err);
        }
    }
    hdnet_claims_free(c);
    free(order);
    free(speed);
    free(compass);
    free(shifters);
    return rc;
}

/* summary.md: findings and values as rows, grid points as columns. */
static int write_markdown(const sweep_plan *p, const table *t, char *err)
{
    const char **values = calloc(p->n_axes + 1, sizeof *values);
    double *buf = malloc((p->n_seeds + 1) * sizeof *buf);
    char tmd[4300];
    FILE *md = values && buf ? open_out(p, "summary.md", tmd, sizeof tmd, err) : NULL;
    if (!md) {
        free(values);
        free(buf);
        return values && buf ? -1 : sweep_fail(err, "out of memory");
    }
    size_t done = 0, failed = 0;
    for (size_t i = 0; i < p->n_runs; i++) {
        done += strcmp(t->status[i], "done") == 0;
        failed += strcmp(t->status[i], "failed") == 0;
    }
    fprintf(md, "%zu runs (%zu grid point(s) x %zu seed(s)): %zu done, %zu failed.\n\n", p->n_runs, p->n_points,
            p->n_seeds, done, failed);
    for (int kind = 0; kind < 2; kind++) {
        size_t rows = 0;
        for (size_t c = 0; c < t->n_cols; c++)
            rows += (kind ? is_value_col(p, t, t->cols[c]) : is_verdict(t->cols[c])) && has_data(p, t, t->cols[c], buf);
        if (!rows)
            continue;
        fputs(kind ? "| value: median (min - max) |" : "| finding: passed / judged = rate [95 % Wilson interval] |", md);
        for (size_t pt = 0; pt < p->n_points; pt++) {
            char label[512];
            point_label(p, pt, values, label, sizeof label);
            fprintf(md, " %s |", label);
        }
        fputs("\n|---|", md);
        for (size_t pt = 0; pt < p->n_points; pt++)
            fputs("---|", md);
        fputc('\n', md);
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *col = t->cols[c];
            if ((kind ? !is_value_col(p, t, col) : !is_verdict(col)) || !has_data(p, t, col, buf))
                continue;
            fprintf(md, "| %.*s |", (int)(strlen(col) - (kind ? 0 : 8)), col); /* findings without ".verdict" */
            for (size_t pt = 0; pt < p->n_points; pt++) {
                if (kind) {
                    spread sp = spread_of(p, t, pt, col, buf);
                    if (sp.n)
                        fprintf(md, " %.4g (%.4g - %.4g) |", sp.median, sp.min, sp.max);
                    else
                        fputs(" - |", md);
                } else {
                    rate r = rate_of(p, t, pt, col);
                    size_t n = r.pass + r.fail;
                    if (n)
                        fprintf(md, " %zu/%zu = %.2f [%.2f, %.2f]", r.pass, n, (double)r.pass / (double)n, r.lo,
                                r.hi);
                    else
                        fputs(" -", md);
                    /* a WARN is neither: it is left out of the rate, so show how many there were */
                    if (r.warn)
                        fprintf(md, "; %zu WARN", r.warn);
                    if (r.not_applicable)
                        fprintf(md, "; %zu not applicable", r.not_applicable);
                    fputs(" |", md);
                }
            }
            fputc('\n', md);
        }
        fputc('\n', md);
    }
    int rc = speed_claims(p, t, md, buf, err);
    free(values);
    free(buf);
    if (rc) {
        fclose(md);
        return -1;
    }
    return close_out(md, tmd, err);
}

int sweep_collect(const sweep_plan *p, size_t *n_done, size_t *n_failed, char *err)
{
    table t;
    int rc = load_table(p, &t, n_done, n_failed, err);
    if (!rc)
        rc = write_table(p, &t, err);
    if (!rc)
        rc = write_summary(p, &t, err);
    if (!rc)
        rc = write_markdown(p, &t, err);
    free_table(p, &t);
    return rc;
}
