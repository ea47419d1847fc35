/* hdnet-run: run a saved network, noise-free, on inputs from a .npy file.
 *
 *   hdnet-run MODEL.npz INPUTS.npy --outputs OUT.npy [--rates RATES.npy]
 *
 * INPUTS.npy is [trial][time][I] float32 (float64 is accepted and rounded to
 * float32). OUT.npy receives the outputs [trial][time][O] and RATES.npy the
 * rates [trial][time][N], both float32. The run starts every trial from the
 * model's ah0 and adds no noise. */
#include <hdnet/hdnet.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: hdnet-run MODEL.npz INPUTS.npy --outputs OUT.npy [--rates RATES.npy]\n"
    "\n"
    "Run a network saved by libhdnet, without noise, from its initial state ah0.\n"
    "  MODEL.npz            model file (hdnet_net_save)\n"
    "  INPUTS.npy           inputs [trial][time][I], float32 (float64 is rounded)\n"
    "  -o, --outputs FILE   write the outputs [trial][time][O] (float32 .npy)\n"
    "  -r, --rates FILE     also write the rates [trial][time][N] (float32 .npy)\n"
    "  -h, --help           show this help\n";

static int fail(const char *what, int rc)
{
    fprintf(stderr, "hdnet-run: %s: %s (%s)\n", what, hdnet_strerror(rc), hdnet_errmsg());
    return EXIT_FAILURE;
}

static int bad_args(const char *msg)
{
    fprintf(stderr, "hdnet-run: %s (try --help)\n", msg);
    return EXIT_FAILURE;
}

/* Read the only array of an .npy file as float32 [trial][time][I]. */
static int read_inputs(const char *path, size_t n_in, float **x, size_t *trials, size_t *steps)
{
    hdnet_npz *z = NULL;
    int rc = hdnet_npy_load(&z, path);
    if (rc)
        return fail(path, rc);
    int dtype;
    size_t shape[HDNET_NPY_MAXDIM], ndim;
    rc = hdnet_npz_info(z, "arr_0", &dtype, shape, HDNET_NPY_MAXDIM, &ndim);
    if (rc) {
        hdnet_npz_free(z);
        return fail(path, rc);
    }
    if (ndim != 3 || shape[2] != n_in) {
        fprintf(stderr, "hdnet-run: %s: inputs must be [trial][time][%zu], got ", path, n_in);
        for (size_t i = 0; i < ndim; i++)
            fprintf(stderr, "[%zu]", shape[i]);
        fprintf(stderr, "%s\n", ndim ? "" : "a scalar");
        hdnet_npz_free(z);
        return EXIT_FAILURE;
    }
    if (dtype != HDNET_DTYPE_F32 && dtype != HDNET_DTYPE_F64) {
        fprintf(stderr, "hdnet-run: %s: inputs must be float32 or float64, got %s\n", path,
                hdnet_dtype_name(dtype));
        hdnet_npz_free(z);
        return EXIT_FAILURE;
    }
    size_t n = shape[0] * shape[1] * shape[2]; /* at most HDNET_NPY_MAX_ELEMS */
    *x = malloc(n ? n * sizeof **x : 1);
    double *d = dtype == HDNET_DTYPE_F64 ? malloc(n ? n * sizeof *d : 1) : NULL;
    if (!*x || (dtype == HDNET_DTYPE_F64 && !d)) {
        free(d);
        hdnet_npz_free(z);
        fprintf(stderr, "hdnet-run: out of memory\n");
        return EXIT_FAILURE;
    }
    if (dtype == HDNET_DTYPE_F32) {
        rc = hdnet_npz_read(z, "arr_0", HDNET_DTYPE_F32, *x, n);
    } else {
        rc = hdnet_npz_read(z, "arr_0", HDNET_DTYPE_F64, d, n);
        for (size_t i = 0; !rc && i < n; i++)
            (*x)[i] = (float)d[i];
    }
    free(d);
    hdnet_npz_free(z);
    if (rc)
        return fail(path, rc);
    *trials = shape[0];
    *steps = shape[1];
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"outputs", required_argument, NULL, 'o'},
                                             {"rates", required_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *out_path = NULL, *rates_path = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:r:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out_path = optarg;
            break;
        case 'r':
            rates_path = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_SUCCESS;
        case ':':
            return bad_args("an option needs a file name");
        default:
            return bad_args("unknown option");
        }
    }
    if (argc - optind != 2)
        return bad_args("expected MODEL.npz and INPUTS.npy");
    if (!out_path)
        return bad_args("--outputs is required");
    const char *model_path = argv[optind], *in_path = argv[optind + 1];

    hdnet_net *net = NULL;
    int rc = hdnet_net_load(&net, model_path);
    if (rc)
        return fail(model_path, rc);
    size_t N, I, O;
    rc = hdnet_net_dims(net, &N, &I, &O);
    if (rc)
        return fail("dims", rc);
    float *x = NULL;
    size_t B = 0, T = 0;
    if (read_inputs(in_path, I, &x, &B, &T) != EXIT_SUCCESS) {
        hdnet_net_free(net);
        return EXIT_FAILURE;
    }
    size_t ny = B * T * O, nh = B * T * N; /* both bounded: inputs fit HDNET_NPY_MAX_ELEMS */
    float *y = malloc(ny ? ny * sizeof *y : 1);
    float *h = rates_path ? malloc(nh ? nh * sizeof *h : 1) : NULL;
    if (!y || (rates_path && !h)) {
        fprintf(stderr, "hdnet-run: out of memory for %zu trials of %zu steps\n", B, T);
        return EXIT_FAILURE;
    }
    rc = hdnet_net_run(net, B, T, x, B * T * I, NULL, 0, NULL, y, ny, h, h ? nh : 0, NULL, 0);
    if (rc)
        return fail("run", rc);
    size_t shape_y[3] = {B, T, O}, shape_h[3] = {B, T, N};
    rc = hdnet_npy_save(out_path, HDNET_DTYPE_F32, y, shape_y, 3);
    if (rc)
        return fail(out_path, rc);
    if (rates_path) {
        rc = hdnet_npy_save(rates_path, HDNET_DTYPE_F32, h, shape_h, 3);
        if (rc)
            return fail(rates_path, rc);
    }
    fprintf(stderr, "hdnet-run: %zu trials x %zu steps, N=%zu -> %s%s%s\n", B, T, N, out_path,
            rates_path ? ", " : "", rates_path ? rates_path : "");
    free(x);
    free(y);
    free(h);
    hdnet_net_free(net);
    return EXIT_SUCCESS;
}
