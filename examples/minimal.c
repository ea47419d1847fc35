/* The smallest libhdnet program: make a config, generate one trial, check every status.
 * Built by `make installcheck` against the installed library with pkg-config alone. */
#include <hdnet/hdnet.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, int rc)
{
    fprintf(stderr, "minimal: %s: %s (%s)\n", what, hdnet_strerror(rc), hdnet_errmsg());
    return EXIT_FAILURE;
}

int main(void)
{
    if (hdnet_version_number() != HDNET_VERSION_NUMBER)
        fprintf(stderr, "minimal: header %s, library %s\n", HDNET_VERSION_STRING,
                hdnet_version_string());
    hdnet_config *cfg = NULL;
    int rc = hdnet_config_create(&cfg);
    if (rc)
        return fail("config", rc);
    rc = hdnet_config_set(cfg, "steps", "50");
    if (rc)
        return fail("set steps", rc);
    hdnet_task *task = NULL;
    rc = hdnet_task_create(&task, cfg, 1);
    if (rc)
        return fail("task", rc);
    float x[50 * 3], y[50 * 2];
    rc = hdnet_task_generate(task, 1, x, 150, y, 100, NULL, 0, NULL, 0, NULL, 0);
    if (rc)
        return fail("generate", rc);
    printf("libhdnet %s: trial of 50 steps, final target (%.3f, %.3f)\n",
           hdnet_version_string(), y[98], y[99]);
    hdnet_task_free(task);
    hdnet_config_free(cfg);
    return EXIT_SUCCESS;
}
