/* libFuzzer target for configuration parsing: hdnet_config_from_string() on
 * arbitrary bytes (the text a model file carries and the command-line
 * programs read). Beyond "no crash, no leak, no UB" it checks:
 *   - the status is one of the documented codes (OK, EINVAL, ERANGE, EFORMAT,
 *     ENOMEM) and hdnet_errmsg() is a non-empty string on failure;
 *   - whatever state the config is left in (earlier lines stay applied) is
 *     valid: every parameter is inside its bounds, integer parameters hold
 *     integers, and get_int works on every parameter;
 *   - to_string -> from_string on a fresh config -> to_string gives the same
 *     bytes (the text form is exact), and clone keeps it;
 *   - the first line, split at '=', gives the same status through
 *     hdnet_config_set(name, value) as through from_string (unless the line is
 *     a comment, blank or an array setting).
 * Built and run by `make fuzz-config` (mk/fuzz.mk). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hdnet/hdnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                \
    do {                        \
        if (!(c))               \
            __builtin_trap();   \
    } while (0)

static char *to_text(const hdnet_config *c, size_t *len)
{
    CHECK(hdnet_config_to_string(c, NULL, 0, len) == HDNET_OK);
    char *b = malloc(*len + 1);
    CHECK(b != NULL);
    size_t l2;
    CHECK(hdnet_config_to_string(c, b, *len + 1, &l2) == HDNET_OK && l2 == *len);
    CHECK(b[*len] == '\0' && strlen(b) == *len);
    /* One byte short must be ESHAPE with the size reported. */
    if (*len)
        CHECK(hdnet_config_to_string(c, b, *len, &l2) == HDNET_ESHAPE && l2 == *len);
    CHECK(hdnet_config_to_string(c, b, *len + 1, &l2) == HDNET_OK);
    return b;
}

static void check_valid(const hdnet_config *c)
{
    size_t n = hdnet_param_count();
    for (size_t i = 0; i < n; i++) {
        int id;
        CHECK(hdnet_param_at(i, &id) == HDNET_OK);
        double lo, hi, v;
        const char *name;
        CHECK(hdnet_param_info(id, &name, &lo, &hi, NULL) == HDNET_OK);
        CHECK(hdnet_config_get_double(c, id, &v) == HDNET_OK);
        CHECK(!isnan(v) && v >= lo && v <= hi);
        int64_t iv;
        CHECK(hdnet_config_get_int(c, id, &iv) == HDNET_OK);
    }
    size_t na, nt;
    CHECK(hdnet_config_get_av_set(c, NULL, 0, &na) == HDNET_OK);
    CHECK(hdnet_config_get_tau_vector(c, NULL, 0, &nt) == HDNET_OK);
    double *buf = malloc((na > nt ? na : nt) * sizeof *buf + 1);
    CHECK(buf != NULL);
    CHECK(hdnet_config_get_av_set(c, buf, na, &na) == HDNET_OK);
    for (size_t i = 0; i < na; i++)
        CHECK(isfinite(buf[i]));
    CHECK(hdnet_config_get_tau_vector(c, buf, nt, &nt) == HDNET_OK);
    for (size_t i = 0; i < nt; i++)
        CHECK(isfinite(buf[i]) && buf[i] >= 1e-3);
    free(buf);
}

/* The first line through hdnet_config_set() must agree with from_string(). */
static void first_line(const uint8_t *data, size_t size, int rc_all)
{
    size_t e = 0;
    while (e < size && data[e] != '\n')
        e++;
    if (e >= 4000 || memchr(data, '\0', e) || memchr(data, '#', e) || memchr(data, '\r', e) ||
        memchr(data, '\t', e))
        return;
    char line[4001];
    memcpy(line, data, e);
    line[e] = '\0';
    char *eq = strchr(line, '=');
    if (!eq)
        return;
    *eq = '\0';
    const char *name = line, *value = eq + 1;
    /* from_string trims spaces around the name and before the value; compare
     * only lines that need no trimming. */
    if (!*name || name[0] == ' ' || name[strlen(name) - 1] == ' ' || value[0] == ' ' ||
        (*value && value[strlen(value) - 1] == ' '))
        return;
    if (strcmp(name, "av_set") == 0 || strcmp(name, "tau_vector") == 0)
        return;
    hdnet_config *c;
    CHECK(hdnet_config_create(&c) == HDNET_OK);
    int rc = hdnet_config_set(c, name, value);
    hdnet_config *d;
    CHECK(hdnet_config_create(&d) == HDNET_OK);
    int rc_line = hdnet_config_from_string(d, (const char *)data, e);
    CHECK(rc == rc_line);
    if (size == e || (size == e + 1))
        CHECK(rc_all == rc);
    hdnet_config_free(c);
    hdnet_config_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hdnet_config *c = NULL;
    CHECK(hdnet_config_create(&c) == HDNET_OK);
    int rc = hdnet_config_from_string(c, (const char *)data, size);
    CHECK(rc == HDNET_OK || rc == HDNET_EINVAL || rc == HDNET_ERANGE || rc == HDNET_EFORMAT);
    if (rc != HDNET_OK)
        CHECK(hdnet_errmsg() != NULL && hdnet_errmsg()[0] != '\0');
    check_valid(c);

    size_t l1, l2;
    char *t1 = to_text(c, &l1);
    hdnet_config *c2 = NULL;
    CHECK(hdnet_config_create(&c2) == HDNET_OK);
    CHECK(hdnet_config_from_string(c2, t1, l1) == HDNET_OK);
    char *t2 = to_text(c2, &l2);
    CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);
    free(t2);

    hdnet_config *c3 = NULL;
    CHECK(hdnet_config_clone(c, &c3) == HDNET_OK);
    char *t3 = to_text(c3, &l2);
    CHECK(l1 == l2 && memcmp(t1, t3, l1) == 0);
    free(t3);
    free(t1);

    first_line(data, size, rc);
    hdnet_config_free(c);
    hdnet_config_free(c2);
    hdnet_config_free(c3);
    return 0;
}
