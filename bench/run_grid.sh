#!/bin/sh
# Scaling grid of docs/performance.md ("Scaling"):
# N = 50 100 200 400 at B=100 T=500; B = 25 50 100 200 400 at N=100 T=500;
# T = 100 250 500 1000 at B=100 N=100; one thread. Prints a markdown table
# (median wall and CPU seconds per update from bench/hdnet-bench, GFLOP/s at
# 6 B T N^2 FLOP per update, fraction of the 0.016 s/update AVX-512 floor
# scaled to the size, peak RSS) and the log-log least-squares exponents of
# wall and CPU time in N (all points and N >= 100), B and T.
# usage: bench/run_grid.sh [updates] [threads]    (from the source root, after
#        `make bench`; default 5 timed updates after 2 warm-ups, 1 thread)
set -eu
U=${1:-5}
K=${2:-1}
BENCH=${BENCH:-bench/hdnet-bench}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
run() { # sweep B T N
    out=$("$BENCH" --batch "$2" --steps "$3" --units "$4" --threads "$K" --updates "$U")
    printf '%s\n' "$out" | awk -v sw="$1" -v B="$2" -v T="$3" -v N="$4" '
        { v[$1] = $2 }
        END { print sw, B, T, N, v["sec_per_update"], v["cpu_sec_per_update"], v["gflops"], v["floor_fraction"], v["peak_rss_mb"] }'
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for N in 50 100 200 400; do run N 100 500 "$N"; done >>"$tmp"
for B in 25 50 100 200 400; do run B "$B" 500 100; done >>"$tmp"
for T in 100 250 500 1000; do run T 100 "$T" 100; done >>"$tmp"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
awk -v U="$U" -v K="$K" '
{ sw[NR] = $1; B[NR] = $2; T[NR] = $3; N[NR] = $4; s[NR] = $5; c[NR] = $6; g[NR] = $7; f[NR] = $8; r[NR] = $9 }
function fit(which, minN, useCpu,    i, n, x, y, sx, sy, sxx, sxy) {
    n = sx = sy = sxx = sxy = 0
    for (i = 1; i <= NR; i++) {
        if (sw[i] != which || N[i] < minN) continue
        x = log(which == "N" ? N[i] : which == "B" ? B[i] : T[i]); y = log(useCpu ? c[i] : s[i])
        n++; sx += x; sy += y; sxx += x * x; sxy += x * y
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx)
}
END {
    printf "| sweep | B | T | N | s/update (wall, median of %d) | CPU s/update | GFLOP/s (wall) | floor fraction | peak RSS MB |\n", U
    printf "|---|---|---|---|---|---|---|---|---|\n"
    for (i = 1; i <= NR; i++)
        printf "| %s | %d | %d | %d | %.4f | %.4f | %.1f | %.3f | %.1f |\n", sw[i], B[i], T[i], N[i], s[i], c[i], g[i], f[i], r[i]
    printf "\n| exponent of | wall | CPU |\n|---|---|---|\n"
    printf "| N (50-400) | %.2f | %.2f |\n", fit("N", 0, 0), fit("N", 0, 1)
    printf "| N (100-400) | %.2f | %.2f |\n", fit("N", 100, 0), fit("N", 100, 1)
    printf "| B (25-400) | %.2f | %.2f |\n", fit("B", 0, 0), fit("B", 0, 1)
    printf "| T (100-1000) | %.2f | %.2f |\n", fit("T", 0, 0), fit("T", 0, 1)
}' "$tmp"
