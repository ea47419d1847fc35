/* Status strings, version and the config table. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

START_TEST(status_strings)
{
    int codes[] = {HDNET_OK, HDNET_EINVAL, HDNET_ENOMEM, HDNET_ERANGE, HDNET_ESHAPE, HDNET_ESTATE,
                   HDNET_EIO, HDNET_EFORMAT, HDNET_ENOTSUP, HDNET_EDIVERGED, HDNET_ECANCELED};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        const char *s = hdnet_strerror(codes[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_ne(s, "unknown error");
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(s, hdnet_strerror(codes[j]));
    }
    ck_assert_str_eq(hdnet_strerror(-12345), "unknown error");
    ck_assert_str_eq(hdnet_strerror(7), "unknown error");
    ck_assert_ptr_nonnull(hdnet_errmsg());
}
END_TEST

START_TEST(version)
{
    ck_assert_uint_eq(hdnet_version_number(), HDNET_VERSION_NUMBER);
    ck_assert_str_eq(hdnet_version_string(), HDNET_VERSION_STRING);
}
END_TEST

START_TEST(defaults)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    double v;
    int64_t k;
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_TAU, &v));
    ck_assert_double_eq(v, 10);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_UNITS, &k));
    ck_assert_int_eq(k, 100);
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_RATE_NOISE, &v));
    ck_assert_double_eq(v, 0.1);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_ACTIVATION, &k));
    ck_assert_int_eq(k, HDNET_ACT_RETANH);
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_AV_MAX, &v));
    ck_assert(isinf(v) && v > 0);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_STEPS, &k));
    ck_assert_int_eq(k, 500);
    /* every table entry has its default and lies within its bounds */
    for (size_t i = 0; i < hdnet_param_count(); i++) {
        int id;
        const char *name;
        double lo, hi, dflt;
        ck_assert_ok(hdnet_param_at(i, &id));
        ck_assert_ok(hdnet_param_info(id, &name, &lo, &hi, &dflt));
        ck_assert(lo <= dflt && dflt <= hi);
        int id2;
        ck_assert_ok(hdnet_param_id(name, &id2));
        ck_assert_int_eq(id, id2);
    }
    hdnet_config_free(cfg);
    hdnet_config_free(NULL);
}
END_TEST

START_TEST(bounds)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_status(hdnet_config_set_double(cfg, HDNET_P_TAU, -1), HDNET_ERANGE);
    ck_assert(strstr(hdnet_errmsg(), "tau") != NULL);
    ck_assert_status(hdnet_config_set_double(cfg, HDNET_P_TAU, NAN), HDNET_ERANGE);
    ck_assert_status(hdnet_config_set_double(cfg, HDNET_P_UNITS, 2.5), HDNET_ERANGE);
    ck_assert_status(hdnet_config_set_double(cfg, HDNET_P_UNITS, 0), HDNET_ERANGE);
    ck_assert_status(hdnet_config_set_double(cfg, 9999, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_config_set_double(NULL, HDNET_P_TAU, 1), HDNET_EINVAL);
    ck_assert_status(hdnet_config_set_int(cfg, HDNET_P_ACTIVATION, HDNET_ACT_COUNT), HDNET_ERANGE);
    double v;
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_TAU, &v));
    ck_assert_double_eq(v, 10); /* unchanged after failures */
    ck_assert_status(hdnet_config_get_double(cfg, HDNET_P_TAU, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_config_get_double(cfg, -5, &v), HDNET_EINVAL);
    int64_t k;
    ck_assert_status(hdnet_config_get_int(NULL, HDNET_P_UNITS, &k), HDNET_EINVAL);
    ck_assert_status(hdnet_config_create(NULL), HDNET_EINVAL);
    hdnet_config *c2 = (hdnet_config *)1;
    ck_assert_status(hdnet_config_clone(NULL, &c2), HDNET_EINVAL);
    ck_assert_ptr_null(c2);
    ck_assert_status(hdnet_param_id("no_such", &(int){0}), HDNET_EINVAL);
    ck_assert_status(hdnet_param_info(-7, NULL, NULL, NULL, NULL), HDNET_EINVAL);
    ck_assert_status(hdnet_param_at(hdnet_param_count(), &(int){0}), HDNET_EINVAL);
    const char *nm;
    ck_assert_status(hdnet_param_value_name(HDNET_P_TAU, 0, &nm), HDNET_EINVAL);
    ck_assert_status(hdnet_param_value_name(HDNET_P_ACTIVATION, 99, &nm), HDNET_EINVAL);
    ck_assert_ok(hdnet_param_value_name(HDNET_P_ACTIVATION, HDNET_ACT_GELU, &nm));
    ck_assert_str_eq(nm, "gelu");
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(by_name)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set(cfg, "activation", "tanh"));
    ck_assert_ok(hdnet_config_set(cfg, "tau", "2.5"));
    ck_assert_ok(hdnet_config_set(cfg, "av_max", "inf"));
    ck_assert_ok(hdnet_config_set(cfg, "batch_mode", "2"));
    int64_t k;
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_ACTIVATION, &k));
    ck_assert_int_eq(k, HDNET_ACT_TANH);
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_BATCH_MODE, &k));
    ck_assert_int_eq(k, HDNET_BATCH_PER_UPDATE_SEED);
    ck_assert_status(hdnet_config_set(cfg, "activation", "sigmoidish"), HDNET_EINVAL);
    ck_assert_status(hdnet_config_set(cfg, "tau", "10x"), HDNET_EINVAL);
    ck_assert_status(hdnet_config_set(cfg, "tau", ""), HDNET_EINVAL);
    ck_assert_status(hdnet_config_set(cfg, "nope", "1"), HDNET_EINVAL);
    ck_assert_status(hdnet_config_set(cfg, "tau", NULL), HDNET_EINVAL);
    /* the reference recipe brings the PyTorch reference's initialisation with it */
    ck_assert_ok(hdnet_config_set(cfg, "init", "orthogonal"));
    ck_assert_ok(hdnet_config_set(cfg, "wrec_gain", "0.3"));
    ck_assert_ok(hdnet_config_set_recipe(cfg, "reference"));
    ck_assert_ok(hdnet_config_get_int(cfg, HDNET_P_INIT, &k));
    ck_assert_int_eq(k, HDNET_INIT_PYTORCH);
    double g;
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_WREC_GAIN, &g));
    ck_assert_double_eq(g, 1.5);
    ck_assert_status(hdnet_config_set_recipe(cfg, "fastest"), HDNET_EINVAL);
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(roundtrip)
{
    hdnet_config *a, *b;
    ck_assert_ok(hdnet_config_create(&a));
    ck_assert_ok(hdnet_config_set(a, "activation", "mish"));
    ck_assert_ok(hdnet_config_set(a, "av_min", "-12.5"));
    ck_assert_ok(hdnet_config_set(a, "lr", "0.000123456789012345"));
    double set[] = {-8, 0, 0, 0, 8};
    ck_assert_ok(hdnet_config_set_av_set(a, set, 5));
    size_t len;
    ck_assert_ok(hdnet_config_to_string(a, NULL, 0, &len));
    char *text = malloc(len + 1);
    ck_assert_status(hdnet_config_to_string(a, text, len, &len), HDNET_ESHAPE);
    ck_assert_ok(hdnet_config_to_string(a, text, len + 1, &len));
    ck_assert_uint_eq(strlen(text), len);
    ck_assert_ok(hdnet_config_create(&b));
    ck_assert_ok(hdnet_config_from_string(b, text, len));
    for (size_t i = 0; i < hdnet_param_count(); i++) {
        int id;
        double va, vb;
        ck_assert_ok(hdnet_param_at(i, &id));
        ck_assert_ok(hdnet_config_get_double(a, id, &va));
        ck_assert_ok(hdnet_config_get_double(b, id, &vb));
        ck_assert_msg(va == vb, "param %d: %.17g vs %.17g", id, va, vb);
    }
    double got[5];
    size_t n;
    ck_assert_ok(hdnet_config_get_av_set(b, got, 5, &n));
    ck_assert_uint_eq(n, 5);
    ck_assert_mem_eq(got, set, sizeof set);
    ck_assert_status(hdnet_config_get_av_set(b, got, 4, &n), HDNET_ESHAPE);
    hdnet_config *c;
    ck_assert_ok(hdnet_config_clone(b, &c));
    ck_assert_ok(hdnet_config_get_av_set(c, got, 5, &n));
    ck_assert_mem_eq(got, set, sizeof set);
    free(text);
    hdnet_config_free(a);
    hdnet_config_free(b);
    hdnet_config_free(c);
}
END_TEST

START_TEST(parse_errors)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    const char *ok = "# comment\n\n  tau = 3 \r\nunits=50 # trailing\n";
    ck_assert_ok(hdnet_config_from_string(cfg, ok, strlen(ok)));
    double v;
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_TAU, &v));
    ck_assert_double_eq(v, 3);
    const char *bad1 = "tau=3\nunits\n";
    ck_assert_status(hdnet_config_from_string(cfg, bad1, strlen(bad1)), HDNET_EFORMAT);
    ck_assert(strstr(hdnet_errmsg(), "line 2") != NULL);
    const char *bad2 = "tau=-3\n";
    ck_assert_status(hdnet_config_from_string(cfg, bad2, strlen(bad2)), HDNET_ERANGE);
    const char *bad3 = "av_set=1,,2\n";
    ck_assert_status(hdnet_config_from_string(cfg, bad3, strlen(bad3)), HDNET_EINVAL);
    const char nul[] = "tau=1\0junk\n";
    ck_assert_status(hdnet_config_from_string(cfg, nul, sizeof nul - 1), HDNET_EFORMAT);
    ck_assert_status(hdnet_config_from_string(NULL, ok, 3), HDNET_EINVAL);
    ck_assert_ok(hdnet_config_from_string(cfg, NULL, 0));
    double bad_tau[] = {1, -1};
    ck_assert_status(hdnet_config_set_tau_vector(cfg, bad_tau, 2), HDNET_ERANGE);
    double nan_set[] = {NAN};
    ck_assert_status(hdnet_config_set_av_set(cfg, nan_set, 1), HDNET_ERANGE);
    ck_assert_status(hdnet_config_set_av_set(cfg, NULL, 2), HDNET_EINVAL);
    hdnet_config_free(cfg);
}
END_TEST

Suite *hdnet_suite_config(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("status");
    tcase_add_test(tc, status_strings);
    tcase_add_test(tc, version);
    suite_add_tcase(s, tc);
    tc = tcase_create("config");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, bounds);
    tcase_add_test(tc, by_name);
    tcase_add_test(tc, roundtrip);
    tcase_add_test(tc, parse_errors);
    suite_add_tcase(s, tc);
    return s;
}
