#!/bin/sh
# hdnet-sweep's engines give the same results (make check-sweep): the small sweep
# of tests/data/sweep_tiny.sweep collected from --jobs 1, --jobs 2 and, when built
# with MPI, mpirun -np 3 gives identical tables apart from the timing columns; a
# sweep killed mid-way (SIGKILL to all its processes) and run again finishes only
# the missing runs, resumes the partly trained ones, and ends with the same table.
# Run from the top directory.
set -eu
sweep=examples/hdnet-sweep
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "sweep: FAIL: $*"; exit 1; }
cp tests/data/sweep_tiny.sweep "$tmp/s.sweep"
plan="$tmp/s.sweep"
# bad arguments: non-zero exit, one line on stderr, nothing on stdout
for args in "" "--bogus" "run" "run $tmp/missing.sweep" "frob $plan" "plan $plan --jobs 2" \
            "run $plan --index 8" "run $plan --jobs 0" "run $plan --index 1 --jobs 2" "plan $plan extra"; do
    if "$sweep" $args > "$tmp/out" 2> "$tmp/err"; then fail "hdnet-sweep $args exits 0"; fi
    [ "$(wc -l < "$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] || fail "hdnet-sweep $args: $(cat "$tmp/err" "$tmp/out")"
done
printf 'units = 16\nvary nosuch = 1 2\n' > "$tmp/bad.sweep"
"$sweep" plan "$tmp/bad.sweep" > /dev/null 2> "$tmp/err" && fail "a bad sweep file is accepted"
grep -q 'bad.sweep: line 2: vary nosuch' "$tmp/err" || fail "bad sweep file: $(cat "$tmp/err")"
n=$("$sweep" plan "$plan" --count)
[ "$n" = 8 ] || fail "plan has $n runs, expected 8"

# The table without the columns whose name ends in _seconds.
untimed() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) keep[i] = $i !~ /_seconds$/ }
             { s = ""; for (i = 1; i <= NF; i++) if (keep[i]) s = s (s == "" ? "" : ",") $i; print s }' "$1"
}
# same_table DIR NAME: DIR's table equals the --jobs 1 table.
same_table() {
    "$sweep" collect "$plan" --out "$1" --no-plots > "$tmp/collect.log" || fail "$2: collect: $(cat "$tmp/collect.log")"
    untimed "$1/table.csv" > "$tmp/t.csv"
    cmp -s "$tmp/ref.csv" "$tmp/t.csv" || { diff "$tmp/ref.csv" "$tmp/t.csv" | head -5; fail "$2: table differs from --jobs 1"; }
    echo "sweep: $2: table equals the --jobs 1 table ($(($(wc -l < "$tmp/t.csv") - 1)) runs)"
}

# ---- --jobs 1: the reference ----
start=$(date +%s)
"$sweep" run "$plan" --out "$tmp/j1" --jobs 1 > "$tmp/j1.log" || fail "--jobs 1: $(tail -3 "$tmp/j1.log")"
"$sweep" collect "$plan" --out "$tmp/j1" --no-plots > /dev/null
grep -q ',done,' "$tmp/j1/table.csv" || fail "no finished run in the --jobs 1 table"
[ "$(grep -c ',done,' "$tmp/j1/table.csv")" = 8 ] || fail "--jobs 1 did not finish 8 runs"
untimed "$tmp/j1/table.csv" > "$tmp/ref.csv"
for col in ne500 ne1000 R1.value R1.verdict R14.verdict classes.compass; do
    head -1 "$tmp/ref.csv" | tr , '\n' | grep -qx "$col" || fail "the table has no $col column"
done
# the lesion checks: every column present; wherever the lesions ran (2 or more compass
# units) every value of the lesion summary and of R10-R12 is a finite number and every
# verdict a judgement (or NOT_APPLICABLE: the tiny networks fail the competence gate)
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
                   n = split("e1_units e1_b0 e1_lost e1_back e2_units e2_drift e2_control e2_decoded " \
                             "e2m_units e2m_drift e2m_control e2m_decoded e3_units e3_gain e3_control e3_bump " \
                             "e3_bump_control", names, " ")
                   for (k = 1; k <= n; k++) num[k] = "lesion." names[k]
                   split("R10 R11 R11m R12", ids, " ")
                   for (k = 1; k <= 4; k++) { num[n + k] = ids[k] ".value"; ver[k] = ids[k] ".verdict" }
                   n += 4
                   for (k = 1; k <= n; k++) if (!(num[k] in col)) { print "no column " num[k]; bad = 1 }
                   for (k = 1; k <= 4; k++) if (!(ver[k] in col)) { print "no column " ver[k]; bad = 1 }
                   if (bad) exit 1
                   next }
         $col["R10.verdict"] != "NOT_RUN" { ran++
                   for (k = 1; k <= n; k++) if ($col[num[k]] !~ /^-?[0-9]/) {
                       print "run " $1 ": " num[k] " = " $col[num[k]]; bad = 1 }
                   for (k = 1; k <= 4; k++) if ($col[ver[k]] !~ /^(PASS|FAIL|WARN|NOT_APPLICABLE)$/) {
                       print "run " $1 ": " ver[k] " = " $col[ver[k]]; bad = 1 } }
         END { if (bad) exit 1
               if (ran < 1) { print "the lesions ran on no network"; exit 1 }
               printf "sweep: lesions ran on %d of %d networks\n", ran, NR - 1 }' "$tmp/ref.csv" \
    || fail "lesion columns of the --jobs 1 table"
echo "sweep: --jobs 1: 8 runs in $(($(date +%s) - start)) s"

# ---- --jobs 2 ----
"$sweep" run "$plan" --out "$tmp/j2" --jobs 2 > "$tmp/j2.log" || fail "--jobs 2: $(tail -3 "$tmp/j2.log")"
same_table "$tmp/j2" "--jobs 2"
# a second run finds nothing to do
"$sweep" run "$plan" --out "$tmp/j2" --jobs 2 > "$tmp/j2b.log"
grep -q '0 run(s) finished now.*8 done before' "$tmp/j2b.log" || fail "a second run did not skip the finished runs: $(cat "$tmp/j2b.log")"

# ---- one index at a time, as a Slurm array task does ----
for i in 0 1 2 3 4 5 6 7; do
    SLURM_ARRAY_TASK_ID=$i "$sweep" run "$plan" --out "$tmp/idx" > /dev/null || fail "array task $i"
done
same_table "$tmp/idx" "one index per process (SLURM_ARRAY_TASK_ID)"

# ---- the same network as hdnet-train: run 7 (orthogonal, speed 1, seed 2) with its test sets ----
sed 's/^sweep.test_trials = 100$/sweep.test_trials = 1000/' "$plan" > "$tmp/t1000.sweep"
"$sweep" run "$tmp/t1000.sweep" --index 7 > /dev/null || fail "--index 7"
examples/hdnet-train --out "$tmp/train" --threads 1 --seed 2 --set units=16 --set trials=16 --set batch_final=0 \
    --set steps=100 --set curriculum_steps=0 --set updates=600 --set warmup=10 --set selection_trials=50 \
    --set init=orthogonal --set speed=1 > "$tmp/train.log" 2>&1 || fail "hdnet-train: $(tail -2 "$tmp/train.log")"
for k in 500 1000; do
    key=normalized_error; [ $k = 1000 ] && key=normalized_error_1000_steps
    a=$(sed -n "s/^$key //p" "$tmp/train.log")
    b=$(sed -n "s/^ne$k=//p" "$tmp/t1000.out/runs/r00007/result.txt")
    # hdnet-train prints 6 decimals: the sweep's value rounded the same way must match
    [ "$(printf '%.6f' "$b")" = "$a" ] || fail "test NE ($k steps): sweep $b, hdnet-train $a"
done
echo "sweep: run 7 has hdnet-train's test errors for the same settings"

# ---- MPI ----
if "$sweep" --help | grep -q '^MPI: built in' && command -v mpirun > /dev/null; then
    if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
    mpirun --oversubscribe -np 3 "$top/$sweep" run "$plan" --out "$tmp/mpi" > "$tmp/mpi.log" 2>&1 \
        || fail "mpirun: $(tail -5 "$tmp/mpi.log")"
    grep -q 'MPI, 3 ranks: 8 run(s) finished now' "$tmp/mpi.log" || fail "mpirun: $(tail -3 "$tmp/mpi.log")"
    same_table "$tmp/mpi" "mpirun -np 3"
else
    echo "sweep: MPI not built or mpirun missing: MPI engine not tested"
fi

# ---- SIGKILL mid-way, then run again ----
setsid "$sweep" run "$plan" --out "$tmp/kill" --jobs 2 > "$tmp/kill.log" 2>&1 &
pid=$!
i=0
# kill when some runs are done and another has saved a training state (to be resumed)
while [ "$(ls -d "$tmp"/kill/runs/r????? 2>/dev/null | wc -l)" -lt 2 ] ||
      [ "$(ls "$tmp"/kill/runs/r?????.tmp/state.npz 2>/dev/null | wc -l)" -lt 1 ]; do
    i=$((i + 1)); [ $i -lt 600 ] || fail "the sweep to be killed made no progress"
    sleep 0.05
done
kill -KILL "-$pid" 2>/dev/null || fail "the sweep finished before it could be killed"
wait "$pid" 2>/dev/null || true
sleep 0.2
before=$(ls -d "$tmp"/kill/runs/r????? | wc -l)
partial=$(ls "$tmp"/kill/runs/r?????.tmp/state.npz 2>/dev/null | wc -l)
[ "$before" -lt 8 ] || fail "all runs finished before the kill"
"$sweep" status "$plan" --out "$tmp/kill" > "$tmp/status.log" || true
grep -q "^done $before, running 0, failed 0, left $((8 - before)) ($partial of them partly trained" "$tmp/status.log" \
    || fail "status after the kill: $(cat "$tmp/status.log")"
ls -l --time-style=+%s.%N "$tmp"/kill/runs/r?????/result.txt > "$tmp/finished-before"
"$sweep" run "$plan" --out "$tmp/kill" --jobs 2 > "$tmp/rerun.log" || fail "rerun: $(tail -3 "$tmp/rerun.log")"
grep -q "$((8 - before)) run(s) finished now, 0 failed, 0 stopped, 0 run elsewhere, $before done before" "$tmp/rerun.log" \
    || fail "the rerun did not run exactly the $((8 - before)) missing runs: $(tail -1 "$tmp/rerun.log")"
ls -l --time-style=+%s.%N $(awk '{print $NF}' "$tmp/finished-before") | cmp -s - "$tmp/finished-before" \
    || fail "the rerun touched runs finished before the kill"
resumed=$(grep -c 'resuming at update' "$tmp/rerun.log" || true)
[ "$resumed" = "$partial" ] || fail "$partial run(s) with a state.npz, $resumed resumed"
[ "$partial" -ge 1 ] || echo "sweep: note: the kill came between two runs; nothing to resume this time"
same_table "$tmp/kill" "killed with $before of 8 done ($partial partly trained, $resumed resumed) and rerun"
echo "sweep: all engine checks passed"
