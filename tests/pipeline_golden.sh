#!/bin/sh
# The analysis programs on a fixed small network (part of make check): every data
# file hdnet-analyze, hdnet-lesion and hdnet-speed write must match the recorded
# outputs in tests/data/pipeline/golden (SHA256SUMS over every file; the small text
# files are kept too, so that a mismatch shows as a diff).
#
#   sh tests/pipeline_golden.sh            compare (run from the top directory)
#   sh tests/pipeline_golden.sh --update   record new goldens; only for a change of
#                                          output that CHANGELOG.md states
#
# The network (tests/data/pipeline/model.npz, 32 units, and its untrained
# checkpoint untrained.npz) was trained with
#   hdnet-train --quick --set units=32 --threads 1
# Every run uses one thread so that floating-point sums have one order.
set -eu
ex=examples
data=tests/data/pipeline
golden=$data/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "pipeline_golden: FAIL: $*"; exit 1; }
out=$tmp/out
mkdir -p "$out"

"$ex/hdnet-analyze" "$data/model.npz" --out "$out/analyze" --trials 200 --steps 600 --no-plots \
    --untrained "$data/untrained.npz" > "$tmp/analyze.log" || fail "hdnet-analyze"
"$ex/hdnet-lesion" "$data/model.npz" --out "$out/lesion" --trials 20 --steps 700 \
    --analysis-trials 50 --no-plots > "$tmp/lesion.log" || fail "hdnet-lesion"
"$ex/hdnet-lesion" "$data/model.npz" --out "$out/lesion_units" --units "$out/analyze/units.csv" \
    --trials 20 --steps 700 --no-plots > "$tmp/lesion_units.log" || fail "hdnet-lesion --units"
"$ex/hdnet-speed" --out "$out/speed" --seeds 1 --speeds 0.5,2 --updates 30 --threads 1 \
    --trials 20 --steps 200 --no-plots --train-set units=16 --train-set trials=8 \
    --train-set steps=100 --train-set selection_trials=8 --train-set curriculum_steps=0 \
    --train-set batch_final=0 > "$tmp/speed.log" || fail "hdnet-speed"
# the trained networks and their logs (without the wall-clock columns and files)
for d in "$out"/speed/speed/*/*; do
    cut -d, -f1-9 "$d/train_log.csv" > "$d/train_log_nontime.csv"
    rm -f "$d/train_log.csv" "$d/meta.json" "$d/state.npz"
done

# .lock: the empty lock file of each output directory (one writer per directory)
(cd "$out" && find . -type f ! -name .lock | LC_ALL=C sort | xargs sha256sum) > "$tmp/SHA256SUMS"
if [ "${1:-}" = "--update" ]; then
    rm -rf "$golden"
    mkdir -p "$golden"
    cp "$tmp/SHA256SUMS" "$golden/SHA256SUMS"
    # small text files, for readable diffs
    (cd "$out" && find . -type f ! -name '*.npz' -size -16k) | while read -r f; do
        mkdir -p "$golden/$(dirname "$f")"
        cp "$out/$f" "$golden/$f"
    done
    echo "pipeline_golden: recorded $(wc -l < "$golden/SHA256SUMS") files in $golden"
    exit 0
fi
[ -f "$golden/SHA256SUMS" ] || fail "no goldens in $golden"
if ! cmp -s "$golden/SHA256SUMS" "$tmp/SHA256SUMS"; then
    diff "$golden/SHA256SUMS" "$tmp/SHA256SUMS" | sed -n 's/^[<>] [0-9a-f]*  \.\///p' | sort -u |
        while read -r f; do
            echo "differs: $f"
            if [ -f "$golden/$f" ] && [ -f "$out/$f" ]; then diff "$golden/$f" "$out/$f" | head -6; fi
        done
    fail "outputs differ from $golden (see above)"
fi
echo "pipeline_golden: $(wc -l < "$tmp/SHA256SUMS") data files identical to the goldens"
