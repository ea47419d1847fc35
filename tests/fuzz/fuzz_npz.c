/* libFuzzer target for the file readers: .npz archives, .npy arrays and model
 * files from arbitrary bytes. Beyond "no crash, no leak, no UB" it checks that
 * whatever loads re-encodes, reloads to the same members and re-encodes to the
 * same bytes. Built and run by `make fuzz` (mk/fuzz.mk). */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hdnet_npz *z = NULL;
    int rc = hdnet_npz_load_mem(&z, data, size);
    CHECK(rc == HDNET_OK || rc == HDNET_EFORMAT || rc == HDNET_ENOTSUP);
    CHECK((rc == HDNET_OK) == (z != NULL));
    if (z) {
        walk(z);
        roundtrip(z);
        hdnet_net *net = NULL;
        rc = hdnet_net_load_npz(&net, z);
        CHECK(rc == HDNET_OK || rc == HDNET_EFORMAT || rc == HDNET_ENOTSUP);
        if (net) {
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
