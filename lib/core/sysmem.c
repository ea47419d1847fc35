/* Memory a process may still allocate: the cgroup limit (v2 or v1, every
 * ancestor), MemAvailable and the address-space limit, whichever is least. */
#include "core/internal.h"
#include "core/sysmem_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* First number in a file (a value of "max" is unlimited); 0 if unreadable. */
static int read_u64(const char *path, uint64_t *v)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[64] = "";
    int ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    if (!ok)
        return 0;
    if (strncmp(buf, "max", 3) == 0) {
        *v = UINT64_MAX;
        return 1;
    }
    char *end;
    unsigned long long x = strtoull(buf, &end, 10);
    if (end == buf)
        return 0;
    *v = x;
    return 1;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Headroom under the limits of a cgroup directory and each of its ancestors
 * below root (limit file and usage file names of the cgroup version). */
static uint64_t cgroup_headroom(const char *root, const char *rel, const char *limit_name,
                                const char *usage_name)
{
    char path[1024], dir[1024];
    uint64_t room = UINT64_MAX;
    snprintf(dir, sizeof dir, "%s", rel);
    for (;;) {
        uint64_t limit, usage = 0;
        if (snprintf(path, sizeof path, "%s%s/%s", root, dir, limit_name) >= (int)sizeof path)
            break;
        if (read_u64(path, &limit) && limit < (UINT64_MAX >> 2)) { /* v1 "no limit" is ~2^63 */
            if (snprintf(path, sizeof path, "%s%s/%s", root, dir, usage_name) >= (int)sizeof path ||
                !read_u64(path, &usage))
                usage = 0;
            room = min_u64(room, limit > usage ? limit - usage : 0);
        }
        char *slash = strrchr(dir, '/');
        if (!slash || dir[0] == '\0')
            break;
        *slash = '\0';
    }
    return room;
}

uint64_t hdnet__memory_available_at(const char *proc, const char *sys)
{
    char path[512], line[1024];
    uint64_t room = UINT64_MAX;
    /* MemAvailable (kB) */
    snprintf(path, sizeof path, "%s/meminfo", proc);
    FILE *f = fopen(path, "r");
    if (f) {
        while (fgets(line, sizeof line, f)) {
            unsigned long long kb;
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
                room = min_u64(room, (uint64_t)kb * 1024);
        }
        fclose(f);
    }
    /* cgroups of this process: "0::/path" (v2) and "N:...memory...:/path" (v1) */
    snprintf(path, sizeof path, "%s/self/cgroup", proc);
    f = fopen(path, "r");
    if (f) {
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (!c2)
                continue;
            char root[600];
            const char *rel = strcmp(c2 + 1, "/") == 0 ? "" : c2 + 1;
            if (strncmp(line, "0::", 3) == 0) {
                snprintf(root, sizeof root, "%s/fs/cgroup", sys);
                room = min_u64(room, cgroup_headroom(root, rel, "memory.max", "memory.current"));
            } else if (strstr(c1, "memory") && strstr(c1, "memory") < c2) {
                snprintf(root, sizeof root, "%s/fs/cgroup/memory", sys);
                /* inside a cgroup namespace the path may not exist: use the visible root */
                if (snprintf(path, sizeof path, "%s%s", root, rel) >= (int)sizeof path ||
                    access(path, F_OK) != 0)
                    rel = "";
                room = min_u64(room, cgroup_headroom(root, rel, "memory.limit_in_bytes",
                                                     "memory.usage_in_bytes"));
            }
        }
        fclose(f);
    }
    return room;
}

int hdnet_memory_available(uint64_t *bytes)
{
    if (!bytes)
        return hdnet__error(HDNET_EINVAL, "bytes is NULL");
    uint64_t room = hdnet__memory_available_at("/proc", "/sys");
    /* an address-space limit (ulimit -v) less what is mapped already */
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        uint64_t mapped = 0;
        FILE *f = fopen("/proc/self/statm", "r");
        unsigned long long pages;
        if (f && fscanf(f, "%llu", &pages) == 1)
            mapped = (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
        if (f)
            fclose(f);
        room = min_u64(room, (uint64_t)rl.rlim_cur > mapped ? (uint64_t)rl.rlim_cur - mapped : 0);
    }
    *bytes = room;
    return HDNET_OK;
}
