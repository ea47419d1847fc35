/* Perturbation lists and the noise-free perturbed run (engine.c does the work). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int hdnet_perturb_create(hdnet_perturb **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return hdnet__error(HDNET_ENOMEM, "perturbation list");
    return HDNET_OK;
}

void hdnet_perturb_free(hdnet_perturb *p)
{
    if (!p)
        return;
    free(p->items);
    free(p->units);
    free(p);
}

int hdnet_perturb_add(hdnet_perturb *p, int mode, const int *units, size_t n_units, size_t t_on,
                      size_t t_off, double value)
{
    if (!p || (!units && n_units))
        return hdnet__error(HDNET_EINVAL, "p or units is NULL");
    if (mode < HDNET_PERTURB_RATE || mode > HDNET_PERTURB_OUTGOING_READOUT)
        return hdnet__error(HDNET_ERANGE, "unknown perturbation mode %d", mode);
    if (t_on > t_off)
        return hdnet__error(HDNET_ERANGE, "t_on=%zu > t_off=%zu", t_on, t_off);
    if (mode == HDNET_PERTURB_RATE && !isfinite(value))
        return hdnet__error(HDNET_ERANGE, "clamped rate %g is not finite", value);
    for (size_t u = 0; u < n_units; u++)
        if (units[u] < 0)
            return hdnet__error(HDNET_ERANGE, "unit index %d is negative", units[u]);
    if (p->n_items == p->cap_items) {
        size_t cap = p->cap_items ? 2 * p->cap_items : 4;
        void *q = realloc(p->items, cap * sizeof *p->items);
        if (!q)
            return hdnet__error(HDNET_ENOMEM, "perturbation list");
        p->items = q;
        p->cap_items = cap;
    }
    if (p->n_units + n_units > p->cap_units) {
        size_t cap = p->cap_units ? p->cap_units : 16;
        while (cap < p->n_units + n_units)
            cap *= 2;
        void *q = realloc(p->units, cap * sizeof *p->units);
        if (!q)
            return hdnet__error(HDNET_ENOMEM, "perturbation units");
        p->units = q;
        p->cap_units = cap;
    }
    struct hdnet__perturb_item *it = &p->items[p->n_items++];
    it->mode = mode;
    it->t_on = t_on;
    it->t_off = t_off;
    it->value = (float)value;
    it->first = p->n_units;
    it->count = n_units;
    if (n_units)
        memcpy(p->units + p->n_units, units, n_units * sizeof *units);
    p->n_units += n_units;
    return HDNET_OK;
}

static int check_len(const char *what, size_t len, size_t a, size_t b, size_t c)
{
    size_t want;
    if (hdnet__mul(a, b, &want) || hdnet__mul(want, c, &want))
        return hdnet__error(HDNET_ESHAPE, "%s: size overflows", what);
    if (len != want)
        return hdnet__error(HDNET_ESHAPE, "%s has %zu values, expected %zu", what, len, want);
    return HDNET_OK;
}

int hdnet_net_run(const hdnet_net *net, size_t n_trials, size_t n_steps, const float *inputs,
                  size_t inputs_len, const float *a_init, size_t a_init_len,
                  const hdnet_perturb *p, float *outputs, size_t outputs_len, float *rates,
                  size_t rates_len, float *shadow, size_t shadow_len)
{
    if (!net || !inputs)
        return hdnet__error(HDNET_EINVAL, "net or inputs is NULL");
    if (n_trials == 0 || n_steps == 0)
        return hdnet__error(HDNET_EINVAL, "n_trials and n_steps must be positive");
    int rc = check_len("inputs", inputs_len, n_trials, n_steps, net->ni);
    if (!rc && a_init)
        rc = check_len("a_init", a_init_len, n_trials, 1, net->n);
    if (!rc && outputs)
        rc = check_len("outputs", outputs_len, n_trials, n_steps, net->no);
    if (!rc && rates)
        rc = check_len("rates", rates_len, n_trials, n_steps, net->n);
    if (!rc && shadow)
        rc = check_len("shadow", shadow_len, n_trials, n_steps, net->n);
    if (rc)
        return rc;
    if (p)
        for (size_t u = 0; u < p->n_units; u++)
            if ((size_t)p->units[u] >= net->n)
                return hdnet__error(HDNET_ERANGE, "unit index %d >= units=%zu", p->units[u],
                                    net->n);
    if (a_init)
        for (size_t k = 0; k < a_init_len; k++)
            if (!isfinite(a_init[k]))
                return hdnet__error(HDNET_ERANGE, "a_init[%zu] is not finite", k);
    return hdnet__run_batched(net, n_trials, n_steps, inputs, NULL, NULL, a_init, p, outputs, rates,
                              shadow);
}
