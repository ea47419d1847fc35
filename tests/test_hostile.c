/* Hostile input the way an attacker or a careless user supplies it: non-finite
 * gradients and optimiser states, symbolic links, FIFOs and devices as file
 * names, stale temporary files, control bytes and invalid UTF-8 in messages,
 * integers a double cannot hold. See docs/reliability.md. */
#include "testutil.h"
#include "core/sysmem_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmpdir(void)
{
    char *d = strdup("/tmp/hdnet-hostile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

static void rm_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static hdnet_net *small_net(hdnet_config **cfg_out, int optimizer, double lr)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_UNITS, 8));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_OPTIMIZER, optimizer));
    ck_assert_ok(hdnet_config_set_double(cfg, HDNET_P_LR, lr));
    hdnet_rng *rng;
    ck_assert_ok(hdnet_rng_create(&rng, HDNET_RNG_LIBRARY, 3));
    hdnet_net *net;
    ck_assert_ok(hdnet_net_create(&net, cfg, rng));
    hdnet_rng_free(rng);
    *cfg_out = cfg;
    return net;
}

/* ---- non-finite values never enter a network ---- */

/* A NaN or Inf anywhere in a learned block's gradient: the step is refused and
 * the parameters, the step count and the moments stay as they were. */
START_TEST(optim_nonfinite_gradient)
{
    hdnet_config *cfg;
    hdnet_net *net = small_net(&cfg, HDNET_OPT_ADAMW, 1e-2);
    hdnet_optim *o;
    ck_assert_ok(hdnet_optim_create(&o, cfg, net));
    size_t P = hdnet_net_num_params(net), off, r, c;
    ck_assert_ok(hdnet_net_block_info(net, HDNET_W_REC, &r, &c, &off));
    float *g = calloc(P, sizeof *g), *before = malloc(P * sizeof *before), *after = malloc(P * sizeof *after);
    for (size_t i = 0; i < P; i++)
        g[i] = 0.01f * (float)(i % 7);
    ck_assert_ok(hdnet_optim_step(o, net, g, P)); /* a normal step first: moments non-zero */
    size_t ssz = hdnet_optim_state_size(o);
    unsigned char *s0 = malloc(ssz), *s1 = malloc(ssz);
    const float bad[] = {NAN, INFINITY, -INFINITY};
    for (int k = 0; k < 3; k++) {
        ck_assert_ok(hdnet_net_copy_params(net, before, P));
        ck_assert_ok(hdnet_optim_get_state(o, s0, ssz));
        g[off + 1] = bad[k];
        ck_assert_status(hdnet_optim_step(o, net, g, P), HDNET_EDIVERGED);
        g[off + 1] = 0.5f;
        ck_assert_ok(hdnet_net_copy_params(net, after, P));
        ck_assert_ok(hdnet_optim_get_state(o, s1, ssz));
        ck_assert(memcmp(before, after, P * sizeof *before) == 0);
        ck_assert(memcmp(s0, s1, ssz) == 0);
        ck_assert_uint_eq(hdnet_optim_steps(o), 1);
    }
    /* the network still saves and loads: nothing non-finite got in */
    unsigned char buf[1 << 16];
    size_t len;
    ck_assert_ok(hdnet_net_save_mem(net, buf, sizeof buf, &len));
    hdnet_net *back;
    ck_assert_ok(hdnet_net_load_mem(&back, buf, len));
    hdnet_net_free(back);
    free(s0);
    free(s1);
    free(g);
    free(before);
    free(after);
    hdnet_optim_free(o);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* A finite gradient whose step overflows float (SGD, the largest learning
 * rate, a gradient near FLT_MAX) is refused in the same way. */
START_TEST(optim_overflowing_step)
{
    hdnet_config *cfg;
    hdnet_net *net = small_net(&cfg, HDNET_OPT_SGD, 1e3);
    hdnet_optim *o;
    ck_assert_ok(hdnet_optim_create(&o, cfg, net));
    size_t P = hdnet_net_num_params(net);
    float *g = malloc(P * sizeof *g), *before = malloc(P * sizeof *before), *after = malloc(P * sizeof *after);
    for (size_t i = 0; i < P; i++)
        g[i] = 3e38f;
    ck_assert_ok(hdnet_net_copy_params(net, before, P));
    ck_assert_status(hdnet_optim_step(o, net, g, P), HDNET_EDIVERGED);
    ck_assert_ok(hdnet_net_copy_params(net, after, P));
    ck_assert(memcmp(before, after, P * sizeof *before) == 0);
    ck_assert_uint_eq(hdnet_optim_steps(o), 0);
    free(g);
    free(before);
    free(after);
    hdnet_optim_free(o);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* Optimiser state bytes with a NaN first moment or a negative second moment. */
START_TEST(optim_state_nonfinite)
{
    hdnet_config *cfg;
    hdnet_net *net = small_net(&cfg, HDNET_OPT_ADAM, 1e-3);
    hdnet_optim *o;
    ck_assert_ok(hdnet_optim_create(&o, cfg, net));
    size_t n = hdnet_optim_state_size(o), P = hdnet_net_num_params(net);
    unsigned char *s = malloc(n);
    ck_assert_ok(hdnet_optim_get_state(o, s, n));
    const size_t hdr = 8 * sizeof(uint64_t);
    float x = NAN;
    memcpy(s + hdr, &x, sizeof x); /* m[0] */
    ck_assert_status(hdnet_optim_set_state(o, s, n), HDNET_EFORMAT);
    x = 0;
    memcpy(s + hdr, &x, sizeof x);
    x = -1;
    memcpy(s + hdr + P * sizeof x, &x, sizeof x); /* v[0] */
    ck_assert_status(hdnet_optim_set_state(o, s, n), HDNET_EFORMAT);
    x = 1;
    memcpy(s + hdr + P * sizeof x, &x, sizeof x);
    ck_assert_ok(hdnet_optim_set_state(o, s, n));
    free(s);
    hdnet_optim_free(o);
    hdnet_net_free(net);
    hdnet_config_free(cfg);
}
END_TEST

/* ---- config values a double cannot hold, infinities that exclude everything ---- */

START_TEST(config_exact_and_infinite)
{
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    double v;
    /* 2^53 + 1 would be stored as 2^53: refused, as text and as an integer */
    ck_assert_status(hdnet_config_set(cfg, "seed", "9007199254740993"), HDNET_ERANGE);
    ck_assert_status(hdnet_config_set_int(cfg, HDNET_P_SEED, 9007199254740993LL), HDNET_ERANGE);
    ck_assert_ok(hdnet_config_get_double(cfg, HDNET_P_SEED, &v));
    ck_assert(v == 1);
    ck_assert_ok(hdnet_config_set(cfg, "seed", "9007199254740992"));
    ck_assert_ok(hdnet_config_set_int(cfg, HDNET_P_SEED, 9007199254740991LL));
    /* an infinite lower bound of +inf (upper of -inf) admits no angular velocity */
    ck_assert_status(hdnet_config_set(cfg, "av_min", "inf"), HDNET_ERANGE);
    ck_assert_status(hdnet_config_set_double(cfg, HDNET_P_AV_MAX, -INFINITY), HDNET_ERANGE);
    ck_assert_ok(hdnet_config_set(cfg, "av_min", "-inf"));
    ck_assert_ok(hdnet_config_set(cfg, "av_max", "inf"));
    /* leading blanks and signs where the line parser did not trim them */
    ck_assert_status(hdnet_config_set(cfg, "units", " 5"), HDNET_EINVAL);
    ck_assert_status(hdnet_config_set(cfg, "seed", " -1"), HDNET_EINVAL);
    hdnet_config_free(cfg);
}
END_TEST

/* ---- output paths ---- */

static void save_small(const char *path, float value)
{
    float a[3] = {value, value, value};
    size_t shape[1] = {3};
    ck_assert_ok(hdnet_npy_save(path, HDNET_DTYPE_F32, a, shape, 1));
}

static float load_first(const char *path)
{
    hdnet_npz *z;
    ck_assert_ok(hdnet_npy_load(&z, path));
    float a[3];
    ck_assert_ok(hdnet_npz_read(z, "arr_0", HDNET_DTYPE_F32, a, 3));
    hdnet_npz_free(z);
    return a[0];
}

/* Saving through a symbolic link (also a relative, a chained and a dangling
 * one) replaces the link's target and keeps the link. */
START_TEST(save_through_symlink)
{
    char *dir = tmpdir(), target[300], link1[300], link2[300], dangling[300], missing[300];
    snprintf(target, sizeof target, "%s/target.npy", dir);
    snprintf(link1, sizeof link1, "%s/link1.npy", dir);
    snprintf(link2, sizeof link2, "%s/link2.npy", dir);
    snprintf(dangling, sizeof dangling, "%s/dangling.npy", dir);
    snprintf(missing, sizeof missing, "%s/missing.npy", dir);
    save_small(target, 1);
    ck_assert_int_eq(symlink("target.npy", link1), 0);
    ck_assert_int_eq(symlink(link1, link2), 0);
    ck_assert_int_eq(symlink("missing.npy", dangling), 0);
    save_small(link2, 2);
    struct stat st;
    ck_assert_int_eq(lstat(link1, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(lstat(link2, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert(load_first(target) == 2);
    save_small(dangling, 3);
    ck_assert_int_eq(lstat(dangling, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert(load_first(missing) == 3);
    rm_tree(dir);
    free(dir);
}
END_TEST

/* Saving to a FIFO writes the bytes into it (a reader receives the .npy
 * bytes) and leaves the FIFO in place. */
START_TEST(save_to_fifo)
{
    char *dir = tmpdir(), fifo[300], got[300];
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    snprintf(got, sizeof got, "%s/got", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) { /* reader: cat the FIFO into a file (exec: no test state in the child) */
        alarm(20);
        int out = open(got, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || dup2(out, 1) < 0)
            _exit(1);
        execlp("cat", "cat", fifo, (char *)NULL);
        _exit(127);
    }
    save_small(fifo, 4);
    struct stat st;
    int still_fifo = lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode);
    if (!still_fifo)
        kill(pid, SIGKILL); /* the reader would wait forever */
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(still_fifo, "the FIFO was replaced by a regular file");
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert(load_first(got) == 4);
    rm_tree(dir);
    free(dir);
}
END_TEST

/* Reading a FIFO (no writer) is refused at once instead of blocking in open(). */
START_TEST(load_fifo_refused)
{
    char *dir = tmpdir(), fifo[300];
    snprintf(fifo, sizeof fifo, "%s/model.npz", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    alarm(10); /* before the fix: blocked forever */
    hdnet_npz *z;
    ck_assert_status(hdnet_npz_load(&z, fifo), HDNET_EIO);
    ck_assert_ptr_null(z);
    hdnet_net *net;
    ck_assert_status(hdnet_net_load(&net, fifo), HDNET_EIO);
    ck_assert_status(hdnet_npy_load(&z, "/dev/null"), HDNET_EIO); /* a character device */
    alarm(0);
    rm_tree(dir);
    free(dir);
}
END_TEST

/* ---- stale temporary files ---- */

static void touch(const char *dir, const char *name)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs("partial", f);
    fclose(f);
}

static int exists(const char *dir, const char *name)
{
    char p[400];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &st) == 0;
}

START_TEST(stale_temps_removed)
{
    char *dir = tmpdir(), name[100];
    pid_t dead = fork(); /* a process id that is certainly gone once reaped */
    ck_assert_int_ge(dead, 0);
    if (dead == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(dead, NULL, 0), dead);
    snprintf(name, sizeof name, "r.npy.tmp%ld.0", (long)dead);
    touch(dir, name);
    char mine[100], parent[100];
    snprintf(mine, sizeof mine, "state.npz.tmp%ld.3", (long)getpid()); /* a live writer: us */
    snprintf(parent, sizeof parent, "model.npz.tmp%ld.0", (long)getppid());
    touch(dir, mine);
    touch(dir, parent);
    touch(dir, "notes.tmp"); /* other names */
    touch(dir, "a.tmp12x.0");
    touch(dir, "model.npz");
    size_t n = 99;
    ck_assert_ok(hdnet_remove_stale_temps(dir, &n));
    ck_assert_uint_eq(n, 1);
    ck_assert(!exists(dir, name));
    ck_assert(exists(dir, mine) && exists(dir, parent) && exists(dir, "notes.tmp") &&
              exists(dir, "a.tmp12x.0") && exists(dir, "model.npz"));
    ck_assert_ok(hdnet_remove_stale_temps(dir, NULL));
    ck_assert_status(hdnet_remove_stale_temps(NULL, &n), HDNET_EINVAL);
    rm_tree(dir);
    ck_assert_status(hdnet_remove_stale_temps(dir, &n), HDNET_EIO);
    free(dir);
}
END_TEST

/* ---- safe messages ---- */

/* No byte of an error message can move a terminal's cursor or change its
 * colours: control bytes and invalid UTF-8 from a file name or a config
 * value arrive as \xNN. */
static void assert_safe(const char *msg)
{
    const unsigned char *s = (const unsigned char *)msg;
    for (; *s; s++) {
        ck_assert_msg(*s >= 0x20 && *s != 0x7f, "control byte 0x%02x in '%s'", *s, msg);
        ck_assert_msg(*s < 0x80, "non-ASCII byte 0x%02x in '%s' (input was not UTF-8)", *s, msg);
    }
}

START_TEST(messages_escaped)
{
    hdnet_npz *z;
    ck_assert_status(hdnet_npz_load(&z, "/nonexistent/\x1b[2J\x1b]0;title\x07\xff\xfe.npz"), HDNET_EIO);
    assert_safe(hdnet_errmsg());
    ck_assert_ptr_nonnull(strstr(hdnet_errmsg(), "\\x1b[2J"));
    ck_assert_ptr_nonnull(strstr(hdnet_errmsg(), "\\xff\\xfe"));
    hdnet_config *cfg;
    ck_assert_ok(hdnet_config_create(&cfg));
    const char text[] = "units=\x1b[31mred\r\n";
    ck_assert_status(hdnet_config_from_string(cfg, text, sizeof text - 1), HDNET_EINVAL);
    assert_safe(hdnet_errmsg());
    ck_assert_ptr_nonnull(strstr(hdnet_errmsg(), "\\x1b[31mred"));
    hdnet_config_free(cfg);
}
END_TEST

START_TEST(escape_text)
{
    char out[64];
    /* valid UTF-8 passes, C0/C1 controls, DEL, stray and overlong bytes are escaped */
    ck_assert_uint_eq(hdnet_escape_text(out, sizeof out, "a\xc3\xa9z"), 4);
    ck_assert_str_eq(out, "a\xc3\xa9z");
    hdnet_escape_text(out, sizeof out, "\t\x7f\xc2\x9b\xc0\xaf\xed\xa0\x80!");
    ck_assert_str_eq(out, "\\x09\\x7f\\xc2\\x9b\\xc0\\xaf\\xed\\xa0\\x80!");
    /* length without buffer, truncation never splits an escape or a character */
    ck_assert_uint_eq(hdnet_escape_text(NULL, 0, "\x01\x02"), 8);
    ck_assert_uint_eq(hdnet_escape_text(out, 6, "\x01\x02"), 8);
    ck_assert_str_eq(out, "\\x01");
    ck_assert_uint_eq(hdnet_escape_text(out, 3, "a\xe2\x82\xac"), 4);
    ck_assert_str_eq(out, "a");
    ck_assert_uint_eq(hdnet_escape_text(out, sizeof out, NULL), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

/* ---- memory limits ---- */

static void put(const char *root, const char *rel, const char *text)
{
    char p[600], cmd[700];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", p);
    ck_assert_int_eq(system(cmd), 0);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* A fake /proc and /sys: the least headroom of MemAvailable and each cgroup
 * level wins (v2: a 300 MB limit one level up; v1: limit less usage). */
START_TEST(memory_headroom)
{
    char *dir = tmpdir(), proc[300], sys[300];
    snprintf(proc, sizeof proc, "%s/proc", dir);
    snprintf(sys, sizeof sys, "%s/sys", dir);
    put(proc, "meminfo", "MemTotal: 8000000 kB\nMemAvailable: 4000000 kB\n");
    ck_assert_uint_eq(hdnet__memory_available_at(proc, sys), 4000000ull * 1024);
    put(proc, "self/cgroup", "0::/user/job\n");
    put(sys, "fs/cgroup/user/job/memory.max", "max\n");
    put(sys, "fs/cgroup/user/job/memory.current", "5000000\n");
    put(sys, "fs/cgroup/user/memory.max", "300000000\n");
    put(sys, "fs/cgroup/user/memory.current", "100000000\n");
    ck_assert_uint_eq(hdnet__memory_available_at(proc, sys), 200000000ull);
    put(proc, "self/cgroup", "4:memory:/box\n0::/\n");
    put(sys, "fs/cgroup/memory/box/memory.limit_in_bytes", "1000000\n");
    put(sys, "fs/cgroup/memory/box/memory.usage_in_bytes", "250000\n");
    ck_assert_uint_eq(hdnet__memory_available_at(proc, sys), 750000ull);
    uint64_t real;
    ck_assert_ok(hdnet_memory_available(&real));
    ck_assert(real > 0);
    ck_assert_status(hdnet_memory_available(NULL), HDNET_EINVAL);
    rm_tree(dir);
    free(dir);
}
END_TEST

Suite *hdnet_suite_hostile(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("nonfinite");
    tcase_add_test(tc, optim_nonfinite_gradient);
    tcase_add_test(tc, optim_overflowing_step);
    tcase_add_test(tc, optim_state_nonfinite);
    tcase_add_test(tc, config_exact_and_infinite);
    suite_add_tcase(s, tc);
    tc = tcase_create("paths");
    tcase_add_test(tc, save_through_symlink);
    tcase_add_test(tc, save_to_fifo);
    tcase_add_test(tc, load_fifo_refused);
    tcase_add_test(tc, stale_temps_removed);
    tcase_add_test(tc, memory_headroom);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("messages");
    tcase_add_test(tc, messages_escaped);
    tcase_add_test(tc, escape_text);
    suite_add_tcase(s, tc);
    return s;
}
