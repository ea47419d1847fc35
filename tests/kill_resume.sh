#!/bin/sh
# Crash-safe training (make check-resume): a real training process is killed
# with SIGKILL at random moments (twice), resumed from its last state file, and
# its final and best networks must be byte-identical to an uninterrupted run
# with the same seed and thread count. Run from the top directory.
#   tests/kill_resume.sh [THREADS...]   (default: 1 2)
set -eu
prog=${RESUME_DRIVER:-tests/resume_driver}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "kill_resume: FAIL: $*"; exit 1; }
threads=${*:-1 2}
for th in $threads; do
    ref=$tmp/ref$th run=$tmp/run$th
    mkdir -p "$ref" "$run"
    t0=$(date +%s.%N)
    "$prog" "$ref" "$th" > "$ref/log" || fail "reference run ($th threads)"
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    kills=0
    for k in 1 2; do
        "$prog" "$run" "$th" --resume > "$run/log$k" &
        pid=$!
        # wait until a state file exists, then kill at a random later moment
        n=0
        while [ ! -f "$run/state.npz" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
        delay=$(awk -v s="$secs" -v r="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", s * 0.3 * r / 65535 }')
        sleep "$delay"
        if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
        wait "$pid" 2>/dev/null || true
        [ -f "$run/final.npz" ] && break
    done
    "$prog" "$run" "$th" --resume > "$run/log3" || fail "resumed run ($th threads)"
    starts=$(cat "$run"/log* | sed -n 's/^start //p' | tr '\n' ' ')
    cmp -s "$ref/final.npz" "$run/final.npz" || fail "$th threads: final network differs (starts: $starts)"
    cmp -s "$ref/best.npz" "$run/best.npz" || fail "$th threads: best network differs (starts: $starts)"
    echo "kill_resume: $th thread(s): killed $kills time(s), resumed from passes $starts-> final and best networks byte-identical (reference run ${secs}s)"
    [ "$kills" -gt 0 ] || fail "$th threads: the run finished before it could be killed"
done
