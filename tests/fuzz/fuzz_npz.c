/* libFuzzer target for the file readers: .npz archives, .npy arrays and model
 * files from arbitrary bytes. Beyond "no crash, no leak, no UB" it checks that
 * whatever loads re-encodes, reloads to the same members and re-encodes to the
 * same bytes. Built and run by `make fuzz` (mk/fuzz.mk).
 *
 * CRC-32 makes almost every mutation of an archive fail early, so inputs that
 * start with "HDFZ" are read structurally instead, to reach the model-file
 * checks: repeated [1-byte name length][name][2-byte little-endian length]
 * [.npy bytes]; each member is decoded with hdnet_npy_load_mem, added to an
 * archive under its name, and the archive is loaded as a model. */
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

/* Touch every accessor of every member. */
static void walk(const hdnet_npz *z)
{
    for (size_t i = 0; i < hdnet_npz_count(z); i++) {
        const char *name;
        CHECK(hdnet_npz_name(z, i, &name) == HDNET_OK);
        int dt;
        size_t shape[HDNET_NPY_MAXDIM], nd, n = 1;
        CHECK(hdnet_npz_info(z, name, &dt, shape, HDNET_NPY_MAXDIM, &nd) == HDNET_OK);
        for (size_t j = 0; j < nd; j++)
            n *= shape[j];
        CHECK(n <= HDNET_NPY_MAX_ELEMS);
        for (int t = 0; t < HDNET_DTYPE_COUNT; t++) {
            void *buf = malloc(n * 8 + 1);
            int rc = hdnet_npz_read(z, name, t, buf, n);
            CHECK(rc == HDNET_OK || rc == HDNET_EFORMAT);
            if (n)
                CHECK(hdnet_npz_read(z, name, t, buf, n - 1) != HDNET_OK);
            free(buf);
        }
    }
}

static unsigned char *encode(const hdnet_npz *z, size_t *len)
{
    CHECK(hdnet_npz_save_mem(z, NULL, 0, len) == HDNET_OK);
    unsigned char *b = malloc(*len);
    CHECK(b && hdnet_npz_save_mem(z, b, *len, len) == HDNET_OK);
    return b;
}

static void roundtrip(const hdnet_npz *z)
{
    size_t l1, l2;
    unsigned char *b1 = encode(z, &l1);
    hdnet_npz *z2;
    CHECK(hdnet_npz_load_mem(&z2, b1, l1) == HDNET_OK);
    CHECK(hdnet_npz_count(z2) == hdnet_npz_count(z));
    unsigned char *b2 = encode(z2, &l2);
    CHECK(l1 == l2 && memcmp(b1, b2, l1) == 0);
    free(b1);
    free(b2);
    hdnet_npz_free(z2);
}

static void check_model(const hdnet_npz *z)
{
    hdnet_net *net = NULL;
    int rc = hdnet_net_load_npz(&net, z);
    CHECK(rc == HDNET_OK || rc == HDNET_EFORMAT || rc == HDNET_ENOTSUP);
    CHECK((rc == HDNET_OK) == (net != NULL));
    if (!net)
        return;
    size_t l1, l2;
    CHECK(hdnet_net_save_mem(net, NULL, 0, &l1) == HDNET_OK);
    unsigned char *b1 = malloc(l1), *b2 = NULL;
    CHECK(hdnet_net_save_mem(net, b1, l1, &l1) == HDNET_OK);
    hdnet_net *net2 = NULL;
    CHECK(hdnet_net_load_mem(&net2, b1, l1) == HDNET_OK);
    CHECK(hdnet_net_save_mem(net2, NULL, 0, &l2) == HDNET_OK && l2 == l1);
    b2 = malloc(l2);
    CHECK(hdnet_net_save_mem(net2, b2, l2, &l2) == HDNET_OK);
    CHECK(memcmp(b1, b2, l1) == 0);
    free(b1);
    free(b2);
    hdnet_net_free(net2);
    hdnet_net_free(net);
}

static void structured(const uint8_t *data, size_t size)
{
    hdnet_npz *z;
    CHECK(hdnet_npz_create(&z) == HDNET_OK);
    size_t p = 4;
    while (p < size) {
        size_t nl = data[p++];
        if (size - p < nl + 2)
            break;
        char name[256];
        memcpy(name, data + p, nl);
        name[nl] = '\0';
        p += nl;
        size_t len = (size_t)data[p] | (size_t)data[p + 1] << 8;
        p += 2;
        if (size - p < len)
            len = size - p;
        hdnet_npz *one = NULL;
        if (hdnet_npy_load_mem(&one, data + p, len) == HDNET_OK) {
            int dt;
            size_t shape[HDNET_NPY_MAXDIM], nd, n = 1;
            CHECK(hdnet_npz_info(one, "arr_0", &dt, shape, HDNET_NPY_MAXDIM, &nd) == HDNET_OK);
            for (size_t j = 0; j < nd; j++)
                n *= shape[j];
            void *buf = malloc(n * hdnet_dtype_size(dt) + 1);
            CHECK(hdnet_npz_read(one, "arr_0", dt, buf, n) == HDNET_OK);
            int rc = hdnet_npz_add(z, name, dt, buf, shape, nd);
            CHECK(rc == HDNET_OK || rc == HDNET_EINVAL); /* bad or duplicate name */
            free(buf);
            hdnet_npz_free(one);
        }
        p += len;
    }
    roundtrip(z);
    check_model(z);
    hdnet_npz_free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && memcmp(data, "HDFZ", 4) == 0) {
        structured(data, size);
        return 0;
    }
    hdnet_npz *z = NULL;
    int rc = hdnet_npz_load_mem(&z, data, size);
    CHECK(rc == HDNET_OK || rc == HDNET_EFORMAT || rc == HDNET_ENOTSUP);
    CHECK((rc == HDNET_OK) == (z != NULL));
    if (z) {
        walk(z);
        roundtrip(z);
        check_model(z);
        hdnet_npz_free(z);
    }
    rc = hdnet_npy_load_mem(&z, data, size);
    CHECK(rc == HDNET_OK || rc == HDNET_EFORMAT || rc == HDNET_ENOTSUP);
    if (z) {
        walk(z);
        roundtrip(z);
        hdnet_npz_free(z);
    }
    return 0;
}
