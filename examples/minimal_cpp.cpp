// libhdnet from C++: RAII handles (std::unique_ptr with the library's free
// functions as deleters), a status check on every call, and one forward pass.
// Built by `make installcheck` against the installed library with pkg-config alone.
#include <hdnet/hdnet.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

// One deleter type per handle; unique_ptr calls it only on non-NULL pointers.
struct Deleter {
    void operator()(hdnet_config *p) const { hdnet_config_free(p); }
    void operator()(hdnet_rng *p) const { hdnet_rng_free(p); }
    void operator()(hdnet_task *p) const { hdnet_task_free(p); }
    void operator()(hdnet_net *p) const { hdnet_net_free(p); }
};
template <class T> using Handle = std::unique_ptr<T, Deleter>;

struct Error : std::runtime_error {
    int status;
    Error(const std::string &what, int rc)
        : std::runtime_error(what + ": " + hdnet_strerror(rc) + " (" + hdnet_errmsg() + ")"), status(rc) {}
};

void check(int rc, const char *what)
{
    if (rc != HDNET_OK)
        throw Error(what, rc);
}

// Wrap a constructor `int f(T **out, args...)` so it returns an owning handle.
template <class T, class... A, class... B>
Handle<T> make(int (*create)(T **, A...), const char *what, B &&...args)
{
    T *raw = nullptr;
    check(create(&raw, std::forward<B>(args)...), what);
    return Handle<T>(raw);
}

} // namespace

int main()
{
    try {
        if (hdnet_version_number() != HDNET_VERSION_NUMBER)
            std::fprintf(stderr, "minimal_cpp: header %s, library %s\n", HDNET_VERSION_STRING,
                         hdnet_version_string());
        auto cfg = make(hdnet_config_create, "config");
        check(hdnet_config_set(cfg.get(), "units", "32"), "set units");
        check(hdnet_config_set(cfg.get(), "steps", "50"), "set steps");

        auto task = make(hdnet_task_create, "task", cfg.get(), uint64_t{1});
        auto rng = make(hdnet_rng_create, "rng", int{HDNET_RNG_LIBRARY}, uint64_t{2});
        auto net = make(hdnet_net_create, "net", cfg.get(), rng.get());

        size_t n_units = 0, n_in = 0, n_out = 0;
        check(hdnet_net_dims(net.get(), &n_units, &n_in, &n_out), "dims");
        const size_t trials = 4, steps = hdnet_task_steps(task.get());
        std::vector<float> x(trials * steps * n_in), y(trials * steps * n_out),
            target(trials * steps * n_out), mask(trials * steps * n_out), rates(trials * steps * n_units);
        check(hdnet_task_generate(task.get(), trials, x.data(), x.size(), target.data(), target.size(),
                                  mask.data(), mask.size(), nullptr, 0, nullptr, 0),
              "generate");
        check(hdnet_net_forward(net.get(), trials, steps, x.data(), x.size(), nullptr, 0, nullptr,
                                nullptr, 0, y.data(), y.size(), rates.data(), rates.size()),
              "forward");
        double ne = 0;
        check(hdnet_normalized_error(y.data(), target.data(), mask.data(), trials, steps, n_out, &ne),
              "normalized error");

        // Errors come back as statuses, here turned into an exception.
        try {
            check(hdnet_config_set(cfg.get(), "tau", "-1"), "set tau");
            std::fprintf(stderr, "minimal_cpp: tau=-1 was accepted\n");
            return EXIT_FAILURE;
        } catch (const Error &e) {
            if (e.status != HDNET_ERANGE)
                throw;
        }
        std::printf("libhdnet %s from C++: %zu units, %zu trials x %zu steps, untrained NE %.3f\n",
                    hdnet_version_string(), n_units, trials, steps, ne);
        return EXIT_SUCCESS;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "minimal_cpp: %s\n", e.what());
        return EXIT_FAILURE;
    }
}
