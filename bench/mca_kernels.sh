#!/bin/sh
# What llvm-mca's static model predicts for the inner loops of the forward
# kernel (fwd_4_3: 4 trials x 3 vectors, 12 FMAs per matrix row; fwd_4_2: 4 x
# 2) of the AVX2 and AVX-512 sets on CPUs this machine may not be: cycles per
# row, FLOP per cycle, and the cycles per row of the whole product at N = 100
# (AVX2: 13 vectors = 3+3+3+2+2; AVX-512: 7 = 3+2+2). A model, not a
# measurement (docs/performance-notes.md says how far to trust it).
# usage: bench/mca_kernels.sh [cpu ...]     (from the source root; needs llvm-mca)
# default cpus: znver3 haswell skylake-avx512 icelake-server
set -eu
command -v llvm-mca >/dev/null || { echo "mca_kernels: llvm-mca not found (apt-get install llvm)" >&2; exit 1; }
CPUS=${*:-znver3 haswell skylake-avx512 icelake-server}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
FLAGS="-O2 -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off -Iinclude -Ilib -DHDNET_BUILDING -fPIC \
 $(pkg-config --cflags openblas 2>/dev/null || true)"

# The first loop with FMAs in function $2 of assembly file $1: the product over
# the rows of the recurrent matrix.
first_fma_loop() {
    awk -v fn="$2" '
        $0 ~ "^" fn ":" { on = 1 }
        on && $1 == ".size" && index($2, fn ",") == 1 { exit }
        !on || /^\t\./ { next }
        { n++; line[n] = $0 }
        /^\.L[A-Za-z0-9_]+:/ { lab[substr($1, 1, length($1) - 1)] = n }
        /^\tj[a-z]+\t\.L/ && ($2 in lab) {
            fma = 0
            for (i = lab[$2]; i <= n; i++) if (line[i] ~ /vf(n)?madd/) fma++
            if (fma) {
                print "# LLVM-MCA-BEGIN"
                for (i = lab[$2]; i <= n; i++) print line[i]
                print "# LLVM-MCA-END"
                exit
            }
        }' "$1"
}

printf '| set | -mcpu | block | FMAs per row | cycles per row | FLOP per cycle |\n|---|---|---|---|---|---|\n'
for set in avx2 avx512; do
    case $set in
    avx2) isa="-mavx2 -mfma" lanes=8 ;;
    avx512) isa="-mavx512f -mavx512vl -mfma" lanes=16 ;;
    esac
    # shellcheck disable=SC2086
    $CC $FLAGS $isa -S "lib/model/kernel_$set.c" -o "$tmp/$set.s"
    for blk in 4_3 4_2; do
        first_fma_loop "$tmp/$set.s" fwd_$blk > "$tmp/$set.$blk.s"
        fmas=$(grep -c 'vf[n]*madd' "$tmp/$set.$blk.s")
        for cpu in $CPUS; do
            if [ $set = avx512 ] && [ "$cpu" = znver3 -o "$cpu" = haswell ]; then
                continue # no AVX-512 on these
            fi
            cyc=$(llvm-mca -mcpu="$cpu" -iterations=1000 "$tmp/$set.$blk.s" 2>/dev/null |
                awk '$1 == "Total" && $2 == "Cycles:" { print $3 / 1000 }')
            echo "$set $cpu $blk $cyc" >> "$tmp/cycles"
            awk -v s=$set -v c="$cpu" -v b=$blk -v f="$fmas" -v y="$cyc" -v l=$lanes \
                'BEGIN { printf "| %s | %s | %s | %d | %.2f | %.1f |\n", s, c, b, f, y, 2 * l * f / y }'
        done
    done
done
echo
echo "cycles per matrix row for 4 trials at N = 100 (avx2: 3 x 4_3 + 2 x 4_2; avx512: 4_3 + 2 x 4_2)"
awk '{ c[$1, $2, $3] = $4; cpu[$2] = 1 }
    END {
        for (p in cpu) {
            a = 3 * c["avx2", p, "4_3"] + 2 * c["avx2", p, "4_2"]
            if (("avx512", p, "4_3") in c) {
                b = c["avx512", p, "4_3"] + 2 * c["avx512", p, "4_2"]
                printf "%s: avx2 %.2f, avx512 %.2f, avx512 %.2fx faster\n", p, a, b, a / b
            } else
                printf "%s: avx2 %.2f\n", p, a
        }
    }' "$tmp/cycles" | sort
