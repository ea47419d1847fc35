/* One runner for every module suite (the list is generated from tests/test_*.c). */
#include <check.h>
#include <stdlib.h>

#define HDNET_SUITE(name) Suite *hdnet_suite_##name(void);
#include "suites.h"
#undef HDNET_SUITE

int main(void)
{
    SRunner *sr = srunner_create(NULL);
#define HDNET_SUITE(name) srunner_add_suite(sr, hdnet_suite_##name());
#include "suites.h"
#undef HDNET_SUITE
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
