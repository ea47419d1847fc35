/* hdnet-run: run a saved network, noise-free, on inputs from a .npy file.
 *
 *   hdnet-run MODEL.npz INPUTS.npy --outputs OUT.npy [--rates RATES.npy]
 *
 * INPUTS.npy is [trial][time][I] float32 (float64 is accepted and rounded to
 * float32). OUT.npy receives the outputs [trial][time][O] and RATES.npy the
 * rates [trial][time][N], both float32. The run starts every trial from the
 * model's ah0 and adds no noise. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cli_prog[] = "hdnet-run";

static const char usage_text[] =
    "usage: hdnet-run MODEL.npz INPUTS.npy --outputs OUT.npy [--rates RATES.npy]\n"
    "\n"
    "Run a network saved by libhdnet, without noise, from its initial state ah0.\n"
    "  MODEL.npz            model file (hdnet_net_save)\n"
    "  INPUTS.npy           inputs [trial][time][I], float32 (float64 is rounded)\n"
    "  -o, --outputs FILE   write the outputs [trial][time][O] (float32 .npy)\n"
    "  -r, --rates FILE     also write the rates [trial][time][N] (float32 .npy)\n"
    "  -h, --help           show this help\n"
    "      --version        program and library version\n";

static void usage(FILE *f)
{
    fputs(usage_text, f);
}

/* Read the only array of an .npy file as float32 [trial][time][I]. */
static float *read_inputs(const char *path, size_t n_in, size_t *trials, size_t *steps)
{
    hdnet_npz *z = NULL;
    cli_check(path, hdnet_npy_load(&z, path));
    int dtype;
    size_t shape[HDNET_NPY_MAXDIM], ndim;
    cli_check(path, hdnet_npz_info(z, "arr_0", &dtype, shape, HDNET_NPY_MAXDIM, &ndim));
    if (ndim != 3 || shape[2] != n_in)
        cli_die("%s: inputs must be [trial][time][%zu], got %zu dimension(s)%s", path, n_in, ndim,
                ndim == 3 ? " of another width" : "");
    if (dtype != HDNET_DTYPE_F32 && dtype != HDNET_DTYPE_F64)
        cli_die("%s: inputs must be float32 or float64, got %s", path, hdnet_dtype_name(dtype));
    size_t n = shape[0] * shape[1] * shape[2]; /* at most HDNET_NPY_MAX_ELEMS */
    float *x = cli_malloc(n * sizeof *x);
    if (dtype == HDNET_DTYPE_F32) {
        cli_check(path, hdnet_npz_read(z, "arr_0", HDNET_DTYPE_F32, x, n));
    } else {
        double *d = cli_malloc(n * sizeof *d);
        cli_check(path, hdnet_npz_read(z, "arr_0", HDNET_DTYPE_F64, d, n));
        for (size_t i = 0; i < n; i++)
            x[i] = (float)d[i];
        free(d);
    }
    hdnet_npz_free(z);
    *trials = shape[0];
    *steps = shape[1];
    return x;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"outputs", required_argument, NULL, 'o'},
                                             {"rates", required_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {NULL, 0, NULL, 0}};
    const char *out_path = NULL, *rates_path = NULL;
    int c;
    while ((c = cli_getopt(argc, argv, "o:r:h", longopts, usage)) != -1) {
        switch (c) {
        case 'o': out_path = optarg; break;
        case 'r': rates_path = optarg; break;
        default: cli_bad_option(argv);
        }
    }
    if (argc - optind != 2)
        cli_die("expected MODEL.npz and INPUTS.npy (try --help)");
    if (!out_path)
        cli_die("--outputs is required (try --help)");
    const char *model_path = argv[optind], *in_path = argv[optind + 1];

    hdnet_net *net = NULL;
    cli_check(model_path, hdnet_net_load(&net, model_path));
    size_t N, I, O, B, T;
    cli_check("dims", hdnet_net_dims(net, &N, &I, &O));
    float *x = read_inputs(in_path, I, &B, &T);
    size_t ny = B * T * O, nh = B * T * N; /* both bounded: inputs fit HDNET_NPY_MAX_ELEMS */
    float *y = cli_malloc(ny * sizeof *y), *h = rates_path ? cli_malloc(nh * sizeof *h) : NULL;
    cli_check("run", hdnet_net_run(net, B, T, x, B * T * I, NULL, 0, NULL, y, ny, h, h ? nh : 0, NULL, 0));
    size_t shape_y[3] = {B, T, O}, shape_h[3] = {B, T, N};
    cli_check(out_path, hdnet_npy_save(out_path, HDNET_DTYPE_F32, y, shape_y, 3));
    if (rates_path)
        cli_check(rates_path, hdnet_npy_save(rates_path, HDNET_DTYPE_F32, h, shape_h, 3));
    cli_warn("%zu trials x %zu steps, N=%zu -> %s%s%s", B, T, N, out_path, rates_path ? ", " : "",
             rates_path ? rates_path : "");
    free(x);
    free(y);
    free(h);
    hdnet_net_free(net);
    return EXIT_SUCCESS;
}
