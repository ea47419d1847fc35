/* Perturbation lists for hdnet_net_run() (net.c; engine.c applies them). */
#include "core/internal.h"
#include "model/net_priv.h"

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
