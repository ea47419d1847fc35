#!/bin/sh
# libhdnet vs PyTorch at the reference size (B=100, T=500, N=100), alternating
# in one run: per round hdnet-bench at 1 and 2 threads, then torch_ctrnn.py at
# 1 and 2 threads (12 updates each, the script drops 2 as warm-up). Prints one
# line per measurement, a table of medians over rounds with the ratios, the
# spread (min, median, max) of the per-round ratios, and the one-thread median
# as a fraction of this core's floor (hdnet-bench --peak: its measured FMA peak).
# usage: bench/run_compare.sh [rounds] [torch_script]     (from the source root,
#        after `make bench`; default 5 rounds, ../shared/bench/torch_ctrnn.py,
#        else /work/shared/bench/torch_ctrnn.py)
set -eu
ROUNDS=${1:-5}
TORCH=${2:-../shared/bench/torch_ctrnn.py}
[ -f "$TORCH" ] || TORCH=/work/shared/bench/torch_ctrnn.py
PY=${PYTHON:-/usr/bin/python3}
BENCH=${BENCH:-bench/hdnet-bench}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
val() { awk -v k="$1" '$1 == k { print $2 }'; }
r=1
while [ "$r" -le "$ROUNDS" ]; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    for k in 1 2; do
        out=$("$BENCH" --threads "$k" --updates 12)
        s=$(printf '%s\n' "$out" | val sec_per_update)
        c=$(printf '%s\n' "$out" | val cpu_sec_per_update)
        echo "round $r load $load hdnet threads $k sec $s cpu ${c:-NA}" | tee -a "$tmp"
    done
    for k in 1 2; do
        s=$("$PY" "$TORCH" 100 500 100 12 "$k" | sed -n 's/.*sec_per_update_median=\([0-9.]*\).*/\1/p')
        echo "round $r load $load torch threads $k sec $s" | tee -a "$tmp"
    done
    r=$((r + 1))
done
echo
lscpu | grep 'Model name' || true
peak=$("$BENCH" --peak --updates 0)
printf '%s\n' "$peak" | grep '^peak'
echo "floor $(printf '%s\n' "$peak" | val peak_floor_sec_per_update)" >> "$tmp"
awk '
function median(arr, n,    i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) { t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
$1 == "floor" { floor = $2; next }
{ key = $5 "_" $7; n[key]++; v[key, n[key]] = $9; rv[$2, key] = $9; if ($5 == "hdnet") { cn[key]++; cv[key, cn[key]] = $11 } }
END {
    for (key in n) { delete a; for (i = 1; i <= n[key]; i++) a[i] = v[key, i]; med[key] = median(a, n[key]) }
    for (key in cn) { delete a; for (i = 1; i <= cn[key]; i++) a[i] = cv[key, i]; cmed[key] = median(a, cn[key]) }
    best = med["torch_1"] < med["torch_2"] ? med["torch_1"] : med["torch_2"]
    printf "| what | threads | s/update (median of %d rounds) | CPU s/update | vs PyTorch same threads | vs PyTorch best |\n", n["hdnet_1"]
    printf "|---|---|---|---|---|---|\n"
    for (k = 1; k <= 2; k++) printf "| libhdnet | %d | %.4f | %.4f | %.2fx | %.2fx |\n", k, med["hdnet_" k], cmed["hdnet_" k], med["torch_" k] / med["hdnet_" k], best / med["hdnet_" k]
    for (k = 1; k <= 2; k++) printf "| PyTorch | %d | %.4f | - | - | - |\n", k, med["torch_" k]
    # per-round ratios: PyTorch 1 thread / libhdnet 1 thread; PyTorch best / libhdnet 2 threads;
    # libhdnet 1 thread / 2 threads
    for (r = 1; r <= n["hdnet_1"]; r++) {
        b = rv[r, "torch_1"] < rv[r, "torch_2"] ? rv[r, "torch_1"] : rv[r, "torch_2"]
        r1[r] = rv[r, "torch_1"] / rv[r, "hdnet_1"]; r2[r] = b / rv[r, "hdnet_2"]
        r3[r] = rv[r, "hdnet_1"] / rv[r, "hdnet_2"]
    }
    m = n["hdnet_1"]
    split("", s1); split("", s2); split("", s3)
    for (r = 1; r <= m; r++) { s1[r] = r1[r]; s2[r] = r2[r]; s3[r] = r3[r] }
    md1 = median(s1, m); md2 = median(s2, m); md3 = median(s3, m)
    printf "\nper-round ratios (min / median / max over %d rounds):\n", m
    printf "PyTorch 1 thread / libhdnet 1 thread: %.2f / %.2f / %.2f\n", s1[1], md1, s1[m]
    printf "PyTorch best / libhdnet 2 threads: %.2f / %.2f / %.2f\n", s2[1], md2, s2[m]
    printf "libhdnet 1 thread / 2 threads: %.2f / %.2f / %.2f\n", s3[1], md3, s3[m]
    if (floor + 0 > 0) printf "libhdnet 1 thread, fraction of this core'"'"'s floor (%.4f s): %.2f\n", floor, floor / med["hdnet_1"]
}' "$tmp"
