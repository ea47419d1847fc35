#!/usr/bin/python3
"""Print the ziggurat tables of lib/rng/rng.c (256 layers, f(x) = exp(-x^2/2)).

x[0] = V/f(r) is the pseudo-width of the base layer (rectangle plus tail),
x[1] = r, x[i+1] = sqrt(-2 ln(V/x[i] + f(x[i]))), x[256] = 0; every layer has
area V. r is the root that makes the top layer end at 0 (Marsaglia & Tsang 2000).
Also prints f[i] = f(x[i]), the scaled widths xs[i] = x[i]*2^-53 and the
integer acceptance thresholds ki[i] = ceil(2^53 x[i+1]/x[i]): for a 53-bit
integer m, m < ki[i] exactly when m*2^-53 < x[i+1]/x[i].
Run: /usr/bin/python3 tests/data/make_ziggurat.py
"""
import math

N = 256


def layers(r):
    f = lambda x: math.exp(-0.5 * x * x)
    v = r * f(r) + math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))
    x = [v / f(r), r]
    for i in range(1, N - 1):
        a = v / x[i] + f(x[i])
        if a >= 1.0:
            return None, v, a
        x.append(math.sqrt(-2.0 * math.log(a)))
    # area of the top layer must be v: x[255]*(1 - f(x[255])) == v
    return x, v, x[N - 1] * (1.0 - f(x[N - 1])) - v


def main():
    lo, hi = 3.0, 4.0  # bisection on r: too small r -> top layer too large
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        x, v, d = layers(mid)
        if x is None or d < 0:
            lo = mid  # r too small: layers too wide, the stack tops out early
        else:
            hi = mid  # r too large: the top layer is left too big
    r = hi
    x, v, d = layers(r)
    x.append(0.0)
    f = [math.exp(-0.5 * t * t) for t in x]
    k = [x[i + 1] / x[i] for i in range(N)]
    ki = [math.ceil(t * 2.0**53) for t in k]
    xs = [t * 2.0**-53 for t in x]
    print("/* r = %.17g, V = %.17g, top-layer area error %.3g */" % (r, v, d))
    for name, tab in (("zig_f", f), ("zig_xs", xs)):
        print("static const double %s[%d] = {" % (name, len(tab)))
        for i in range(0, len(tab), 3):
            print("    " + ", ".join("%.17g" % t for t in tab[i:i + 3]) + ",")
        print("};")
    print("static const uint64_t zig_ki[%d] = {" % N)
    for i in range(0, N, 3):
        print("    " + ", ".join("UINT64_C(%d)" % t for t in ki[i:i + 3]) + ",")
    print("};")


main()
