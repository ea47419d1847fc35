#!/bin/sh
# Structure against accuracy: short training runs (the quick preset: 100-step trials, 64 per
# update, lr 0.01) for several initialisations, decays and lengths, over seeds, then one row per
# run from bench/structure_table.py. usage: bench/structure_sweep.sh OUTDIR "SEEDS" [VARIANTS]
set -e
out=$1; seeds=${2:-"1 2 3 4"}; variants=${3:-"quick orth gain05 wd01 long"}
here=$(cd "$(dirname "$0")/.." && pwd)
# the initialisation is stated (PyTorch-style, gain 1.5; the orth, gain05 and hf variants
# override it), so that the rows keep their meaning whatever the library's defaults
quick="--set steps=100 --set trials=64 --set lr=0.01 --set selection_trials=200 --set init=pytorch --set wrec_gain=1.5"
mkdir -p "$out"
for s in $seeds; do
  for v in $variants; do
    case $v in
      quick)  extra="--updates 1000" ;;
      orth)   extra="--updates 1000 --set init=orthogonal" ;;
      gain05) extra="--updates 1000 --set wrec_gain=0.5" ;;
      wd01)   extra="--updates 1000 --set weight_decay=0.1" ;;
      wrec1)  extra="--updates 1000 --set wrec_l2=1" ;;
      wrec10) extra="--updates 1000 --set wrec_l2=10" ;;
      long)   extra="--updates 3000" ;;
      gain05long) extra="--updates 3000 --set wrec_gain=0.5" ;;
      hf)     extra="--recipe matlab --updates 100 --set trials=100 --set init=orthogonal" ;;
      *) echo "unknown variant $v" >&2; exit 2 ;;
    esac
    d=$out/$v-s$s
    [ -f "$d/model.npz" ] && continue
    "$here/examples/hdnet-train" --out "$d" --threads 2 --seed "$s" $quick $extra --state-every 0 \
      > "$d.log" 2>&1
  done
done
