#!/bin/sh
# make demo: train a network that does the task (hdnet-train --quick, about a minute on
# 2 cores), analyse it like a neurophysiologist, and say in a few lines what it found.
# Everything goes to DIR (default demo-run), which the demo owns and replaces.
set -eu
dir=${1:-demo-run}
ex=examples
threads=$(nproc 2>/dev/null || echo 1)
[ -e "$dir" ] && { echo "demo: replacing the previous demo in $dir/"; rm -rf "$dir"; }
mkdir -p "$dir"
start=$(date +%s)
echo "demo: training a 100-unit network to track head direction ($threads threads, about a minute)..."
"$ex/hdnet-train" --quick --out "$dir" --threads "$threads" --report 500 > "$dir/train.txt" 2>&1 ||
    { cat "$dir/train.txt"; echo "demo: training failed (log: $dir/train.txt)"; exit 1; }
trained=$(date +%s)
# the class counts need no null networks (their verdicts do: hdnet-analyze without --nulls 0)
"$ex/hdnet-analyze" "$dir/model.npz" --out "$dir/analysis" --trials 500 --steps 500 --nulls 0 \
    > "$dir/analysis.txt" 2>&1 || { cat "$dir/analysis.txt"; echo "demo: analysis failed"; exit 1; }
done_=$(date +%s)

value() { sed -n "s/^$1 //p" "$dir/train.txt"; }
ne=$(value normalized_error)
ne1000=$(value normalized_error_1000_steps)
# class counts (interval rule) from the analysis' per-unit table (column 2 of units.csv)
count() { awk -F, -v c="$1" 'NR > 1 && $2 == c { n++ } END { print n + 0 }' "$dir/analysis/units.csv"; }
echo "demo: trained in $((trained - start)) s, analysed in $((done_ - trained)) s"
echo "demo: accuracy: normalized error $ne on 1000 test trials of 500 steps ($ne1000 on 1000 steps; the paper's network: 0.0057)"
echo "demo: units: $(count compass) compass, $(count shifter_ccw) CCW shifters, $(count shifter_cw) CW shifters," \
     "$(count weak) weak, $(count inactive) inactive"
for fig in fig2_tuning fig3_wsorted; do
    [ -f "$dir/analysis/$fig.png" ] || { echo "demo: figures skipped (gnuplot missing? see $dir/analysis.txt)"; break; }
done
echo "demo: tuning curves by class:              $dir/analysis/fig2_tuning.png"
echo "demo: weights sorted by preferred heading: $dir/analysis/fig3_wsorted.png"
