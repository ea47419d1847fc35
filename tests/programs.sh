#!/bin/sh
# The example programs as a user runs them (make check-programs, part of make
# check): --help, one-line errors with a non-zero exit on bad arguments, a small
# training run and its files, hdnet-eval reproducing hdnet-train's test error,
# hdnet-run on a hand-written .npy, hdnet-train --resume after SIGKILL ending
# byte-identical to an uninterrupted run, hdnet-bench --peak measuring a
# plausible FMA peak, and bench/ne_gate.py's verdicts on known tables. Run from
# the top directory.
set -eu
ex=${HDNET_EXAMPLES:-examples}  # the sanitizer build: make check-programs-asan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "programs: FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); }

# ---- --help and bad arguments ----
for p in hdnet-train hdnet-eval hdnet-run hdnet-analyze hdnet-lesion hdnet-speed hdnet-attractor; do
    "$ex/$p" --help > "$tmp/help" 2>&1 || fail "$p --help exits non-zero"
    grep -q '^usage: ' "$tmp/help" || fail "$p --help prints no usage line"
    ok
    for args in "--no-such-option" ""; do
        if "$ex/$p" $args > "$tmp/out" 2> "$tmp/err"; then fail "$p $args exits 0"; fi
        [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$p $args: expected one line on stderr, got: $(cat "$tmp/err")"
        [ ! -s "$tmp/out" ] || fail "$p $args writes to stdout"
        ok
    done
done
# ---- --version: the program and the library ----
for p in hdnet-train hdnet-eval hdnet-run hdnet-analyze hdnet-lesion hdnet-speed hdnet-attractor; do
    "$ex/$p" --version > "$tmp/version" 2>&1 || fail "$p --version exits non-zero"
    grep -q "^$p (libhdnet [0-9]*\.[0-9]*\.[0-9]*)\$" "$tmp/version" || fail "$p --version: $(cat "$tmp/version")"
    ok
done
expect_error() { # program args... : non-zero exit and one line on stderr
    if "$@" > "$tmp/out" 2> "$tmp/err"; then fail "$* exits 0"; fi
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$*: expected one line on stderr, got: $(cat "$tmp/err")"
    ok
}
expect_error "$ex/hdnet-train" --out "$tmp/x" --recipe nosuch
expect_error "$ex/hdnet-train" --out "$tmp/x" --updates -3
expect_error "$ex/hdnet-train" --out "$tmp/x" --threads 0
expect_error "$ex/hdnet-train" --resume "$tmp/x" --seed 2
expect_error "$ex/hdnet-train" --resume "$tmp/nothing-here"
expect_error "$ex/hdnet-eval" "$tmp/missing.npz"
expect_error "$ex/hdnet-eval" "$tmp/missing.npz" --trials zero

# ---- hdnet-bench --peak (the normal build; bench/ is not built for the sanitizers) ----
if [ -z "${HDNET_EXAMPLES:-}" ]; then
    bench/hdnet-bench --peak --updates 0 > "$tmp/peak" || fail "hdnet-bench --peak"
    if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
        # above 1 GFLOP/s, and below 8 lanes x 2 FLOP x 2 FMA units x 6 GHz: the loop ran
        awk '$1 == "peak_gflops_avx2" && $2 + 0 > 1 && $2 + 0 < 192 { g = 1 }
             $1 == "peak_floor_sec_per_update" && $2 + 0 > 0 { f = 1 }
             END { exit !(g && f) }' "$tmp/peak" || fail "hdnet-bench --peak: $(cat "$tmp/peak")"
    fi
    ok
    expect_error bench/hdnet-bench --peak --threads 2
    expect_error bench/hdnet-bench --updates 0
    expect_error bench/hdnet-bench --grad bf17
fi

# ---- bench/ne_gate.py on a table with known answers (tests/data/ne_gate.csv) ----
if [ -z "${HDNET_EXAMPLES:-}" ]; then
    gate() {
        if python3 bench/ne_gate.py tests/data/ne_gate.csv tests/data/ne_gate.csv --ref-where set=ref \
            --cand-where "set=$1" > "$tmp/gate" 2>&1; then echo 0; else echo $?; fi > "$tmp/gate.rc"
    }
    # ranks 1, 5, 8, 12 of 12: the rank sum is its mean, p = 1
    gate centred; [ "$(cat "$tmp/gate.rc")" = 0 ] && grep -q '^| ne500 | .* | 1.0000 |$' "$tmp/gate" &&
        grep -q '^verdict PASS$' "$tmp/gate" || fail "ne_gate centred: $(cat "$tmp/gate")"
    # all four above the eight: 2 of the C(12, 4) = 495 labellings are as extreme
    gate above; [ "$(cat "$tmp/gate.rc")" = 1 ] && grep -q '^| ne1000 | .* | 0.0040 |$' "$tmp/gate" &&
        grep -q '^verdict FAIL: ne500 differs' "$tmp/gate" || fail "ne_gate above: $(cat "$tmp/gate")"
    gate incompetent; [ "$(cat "$tmp/gate.rc")" = 1 ] && grep -q '^verdict FAIL: 1 candidate(s) fail R0$' "$tmp/gate" ||
        fail "ne_gate incompetent: $(cat "$tmp/gate")"
    gate three; [ "$(cat "$tmp/gate.rc")" = 2 ] && grep -q '^verdict INSUFFICIENT' "$tmp/gate" ||
        fail "ne_gate three: $(cat "$tmp/gate")"
    grep -q '^reference: 8 networks (1 unfinished left out)$' "$tmp/gate" || fail "ne_gate: unfinished rows"
    if python3 bench/ne_gate.py "$tmp/none.csv" tests/data/ne_gate.csv > "$tmp/out" 2> "$tmp/err"; then
        fail "ne_gate accepts a missing table"
    else [ $? = 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "ne_gate on a missing table: $(cat "$tmp/err")"; fi
    ok
fi

# ---- a small training run ----
small="--quick --updates 40 --set units=24 --set selection_trials=16 --state-every 5 --report 10"
"$ex/hdnet-train" $small --out "$tmp/a" > "$tmp/a.log" || fail "hdnet-train"
for f in model.npz train_log.csv checkpoints.csv meta.json state.npz ckpt_0.npz ckpt_40.npz; do
    [ -s "$tmp/a/$f" ] || fail "hdnet-train wrote no $f"
done
head -1 "$tmp/a/train_log.csv" | grep -q '^update,loss,.*normalized_error' || fail "train_log.csv header"
[ "$(wc -l < "$tmp/a/train_log.csv")" -eq 42 ] || fail "train_log.csv: expected 41 rows (passes 0-40)"
grep -q '"status": "finished"' "$tmp/a/meta.json" || fail "meta.json status"
ne=$(sed -n 's/^normalized_error //p' "$tmp/a.log")
[ -n "$ne" ] || fail "hdnet-train printed no normalized_error"
ok

# hdnet-eval on the same test stream (seed 1, 1000 x 500 steps) prints the same error
ne_eval=$("$ex/hdnet-eval" "$tmp/a/model.npz" | sed -n 's/^normalized_error //p')
[ "$ne_eval" = "$ne" ] || fail "hdnet-eval gives $ne_eval, hdnet-train printed $ne"
ok

# hdnet-eval changes task parameters only: the model file fixes the others
expect_error "$ex/hdnet-eval" "$tmp/a/model.npz" --set units=10
expect_error "$ex/hdnet-eval" "$tmp/a/model.npz" --set lr=0.1
"$ex/hdnet-eval" "$tmp/a/model.npz" --trials 20 --set speed=2 > /dev/null || fail "hdnet-eval --set speed=2"
ok

# hdnet-attractor on the same network, small settings: every data file, the null
"$ex/hdnet-attractor" "$tmp/a/model.npz" --out "$tmp/att" --starts 32 --trials 4 --steps 60 --no-plots \
    --untrained "$tmp/a/ckpt_0.npz" > "$tmp/att.log" || fail "hdnet-attractor"
for f in attractor.txt fixed_points.csv slow_points.csv spectrum.csv rotating.csv gain.csv diffusion.csv rank.csv \
         trajectory_pcs.csv; do
    [ -s "$tmp/att/$f" ] || fail "hdnet-attractor wrote no $f"
done
grep -q '^untrained: fixed points' "$tmp/att/attractor.txt" || fail "hdnet-attractor: no null in attractor.txt"
expect_error "$ex/hdnet-attractor" "$tmp/a/model.npz" --out "$tmp/att2" --starts 0
ok

# ---- hdnet-run on a float32 [2][30][3] .npy written by hand (all zeros) ----
hdr="{'descr': '<f4', 'fortran_order': False, 'shape': (2, 30, 3), }"
pad=$((128 - 10 - ${#hdr} - 1))
{
    printf '\223NUMPY\001\000\166\000'
    printf '%s%*s\n' "$hdr" "$pad" ""
    head -c $((2 * 30 * 3 * 4)) /dev/zero
} > "$tmp/in.npy"
"$ex/hdnet-run" "$tmp/a/model.npz" "$tmp/in.npy" --outputs "$tmp/out.npy" --rates "$tmp/rates.npy" \
    > /dev/null || fail "hdnet-run"
head -c 6 "$tmp/out.npy" | od -c | grep -q 'N   U   M   P   Y' || fail "hdnet-run output is not .npy"
grep -aq "'shape': (2, 30, 2)" "$tmp/out.npy" || fail "outputs shape"
grep -aq "'shape': (2, 30, 24)" "$tmp/rates.npy" || fail "rates shape"
expect_error "$ex/hdnet-run" "$tmp/a/model.npz" "$tmp/a/train_log.csv" --outputs "$tmp/o2.npy"
[ ! -e "$tmp/o2.npy" ] || fail "hdnet-run left an output after an error"

# ---- killed with SIGKILL, resumed: byte-identical to the uninterrupted run ----
long="--quick --updates 400 --set units=24 --set selection_trials=16 --state-every 20 --report 100"
"$ex/hdnet-train" $long --out "$tmp/ref" > /dev/null || fail "reference run"
"$ex/hdnet-train" $long --out "$tmp/run" > /dev/null &
pid=$!
n=0
while ! grep -qs '^120,' "$tmp/run/train_log.csv" && [ $n -lt 400 ]; do sleep 0.02; n=$((n + 1)); done
kill -9 "$pid" 2>/dev/null || fail "the run ended before it could be killed"
wait "$pid" 2>/dev/null || true
[ -s "$tmp/run/state.npz" ] || fail "no state.npz after the kill"
"$ex/hdnet-train" --resume "$tmp/run" > "$tmp/resume.log" || fail "hdnet-train --resume"
from=$(sed -n 's/.*resuming at update \([0-9]*\).*/\1/p' "$tmp/resume.log")
[ -n "$from" ] && [ "$from" -gt 0 ] || fail "resume did not start from a saved update"
# every network file (state.npz records wall-clock seconds, so it differs)
for f in "$tmp"/ref/model.npz "$tmp"/ref/ckpt_*.npz; do
    f=${f##*/}
    cmp -s "$tmp/ref/$f" "$tmp/run/$f" || fail "resumed $f differs from the uninterrupted run (resumed at $from)"
done
cut -d, -f1-9 "$tmp/ref/train_log.csv" > "$tmp/l1"
cut -d, -f1-9 "$tmp/run/train_log.csv" > "$tmp/l2"
cmp -s "$tmp/l1" "$tmp/l2" || fail "resumed train_log.csv differs (apart from times)"
cmp -s "$tmp/ref/checkpoints.csv" "$tmp/run/checkpoints.csv" || fail "resumed checkpoints.csv differs"
ok
# resuming a finished run changes nothing
"$ex/hdnet-train" --resume "$tmp/run" > /dev/null || fail "resume of a finished run"
cmp -s "$tmp/ref/model.npz" "$tmp/run/model.npz" || fail "model changed by resuming a finished run"
ok
echo "programs: $pass checks passed (killed at update >= 120, resumed from $from)"
