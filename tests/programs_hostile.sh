#!/bin/sh
# The example programs against a careless user and an attacker (part of make
# check; docs/reliability.md section 6): one writer per run directory, no run
# silently overwritten, SIGTERM and a deleted output directory, stale temporary
# files, meta.json that is valid JSON, strict numbers and files, special files
# as inputs and outputs, escaped messages, memory limits. Run from the top
# directory; HDNET_EXAMPLES selects the programs (the sanitizer build).
set -eu
ex=${HDNET_EXAMPLES:-examples}
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "programs-hostile: FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); }
expect_error() { # program args... : non-zero exit, one line on stderr, no control byte in it
    if "$@" > "$tmp/out" 2> "$tmp/err"; then fail "$* exits 0"; fi
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$*: expected one line on stderr, got: $(cat "$tmp/err")"
    if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$tmp/err"; then
        fail "$*: control byte in the message"
    fi
    ok
}
json_ok() { # file: valid JSON whose numbers are numbers
    "$py" -c 'import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
c = m["config"]
assert isinstance(c["seed"], int) and isinstance(c["units"], int) and isinstance(c["tau"], (int, float)), \
    "numbers stored as strings"
assert isinstance(c["activation"], str) and isinstance(m["seeds"]["master"], int)
assert m["status"] != "failed" or m["error"], "a failed run without its error"
assert m["status"] in ("running", "finished", "interrupted", "failed"), m["status"]
print(m["status"])' "$1" || fail "$1 is not valid JSON with numbers: $(cat "$1")"
}
wait_for() { # file pattern: up to 20 s
    n=0
    while ! grep -qs "$2" "$1" && [ $n -lt 1000 ]; do sleep 0.02; n=$((n + 1)); done
    grep -qs "$2" "$1" || fail "$1 never contained $2"
}
small="--quick --updates 30 --set units=16 --set selection_trials=16 --state-every 5 --report 10"
long="--quick --updates 100000 --set units=16 --set selection_trials=16 --state-every 5 --report 10"

# ---- numbers with blanks or signs, infinities where they make no sense ----
expect_error "$ex/hdnet-train" --out "$tmp/n" --seed ' -1'
expect_error "$ex/hdnet-train" --out "$tmp/n" --seed '+5'
expect_error "$ex/hdnet-train" --out "$tmp/n" --updates ' 10'
expect_error "$ex/hdnet-train" --out "$tmp/n" --set av_min=inf
expect_error "$ex/hdnet-train" --out "$tmp/n" --set seed=9007199254740993
[ ! -e "$tmp/n" ] || fail "a refused command line created its output directory"

# ---- one writer per run directory; SIGTERM saves the state like Ctrl-C ----
"$ex/hdnet-train" $long --out "$tmp/a" > "$tmp/a.log" 2>&1 &
pid=$!
wait_for "$tmp/a/train_log.csv" '^20,'
expect_error "$ex/hdnet-train" $small --out "$tmp/a"
expect_error "$ex/hdnet-train" --resume "$tmp/a"
grep -q 'in use' "$tmp/err" || fail "second writer: $(cat "$tmp/err")"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -ne 0 ] || fail "hdnet-train exits 0 after SIGTERM"
[ "$(json_ok "$tmp/a/meta.json")" = interrupted ] || fail "meta.json status after SIGTERM"
ok
# the state was saved at the last pass, not only every --state-every updates
"$ex/hdnet-train" --resume "$tmp/a" --report 1 > "$tmp/r.log" 2>&1 &
pid=$!
wait_for "$tmp/r.log" 'resuming at update'
from=$(sed -n 's/.*resuming at update \([0-9]*\).*/\1/p' "$tmp/r.log")
last=$(tail -n 1 "$tmp/a/train_log.csv" | cut -d, -f1)
kill -INT "$pid"
wait "$pid" || true
[ -n "$from" ] && [ "$from" -ge 20 ] || fail "resumed at update '$from' after SIGTERM"
ok

# ---- no run silently overwritten; --force clears the old run; stale temp files ----
"$ex/hdnet-train" $small --out "$tmp/b" > /dev/null || fail "small run"
expect_error "$ex/hdnet-train" $small --out "$tmp/b"
grep -q -- '--force' "$tmp/err" || fail "refusal does not name --force: $(cat "$tmp/err")"
: > "$tmp/b/ckpt_99999.npz"
sh -c 'exit 0' &
dead=$!
wait "$dead"
: > "$tmp/b/model.npz.tmp$dead.0"
"$ex/hdnet-train" $small --out "$tmp/b" --force > /dev/null || fail "--force"
[ ! -e "$tmp/b/ckpt_99999.npz" ] || fail "--force kept an old checkpoint"
[ ! -e "$tmp/b/model.npz.tmp$dead.0" ] || fail "a dead process's temporary file survived"
[ "$(json_ok "$tmp/b/meta.json")" = finished ] || fail "meta.json after --force"
ok
: > "$tmp/b/state.npz.tmp$dead.3"
"$ex/hdnet-train" --resume "$tmp/b" > /dev/null || fail "resume of a finished run"
[ ! -e "$tmp/b/state.npz.tmp$dead.3" ] || fail "--resume kept a dead process's temporary file"
ok

# ---- meta.json stays JSON with a non-UTF-8, control-byte output path ----
odd="$tmp/$(printf 'run\377\033[31m')"
"$ex/hdnet-train" $small --out "$odd" > /dev/null || fail "run with an odd name"
[ "$(json_ok "$odd/meta.json")" = finished ] || fail "meta.json with an odd argv"
ok

# ---- the output directory deleted during the run ----
"$ex/hdnet-train" $long --out "$tmp/c" > /dev/null 2>&1 &
pid=$!
wait_for "$tmp/c/train_log.csv" '^10,'
while [ -e "$tmp/c" ]; do rm -rf "$tmp/c" 2> /dev/null || true; done  # files appear while it runs
rc=0
wait "$pid" || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 143 ] || fail "a run whose directory was deleted exits $rc"
ok

# ---- special files: a FIFO as input never blocks, a pipe as output is written ----
mkfifo "$tmp/fifo.npz"
rc=0
timeout 20 "$ex/hdnet-eval" "$tmp/fifo.npz" > /dev/null 2> "$tmp/err" || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "hdnet-eval on a FIFO: exit $rc"
ok
expect_error "$ex/hdnet-eval" "$tmp/$(printf 'x\033]0;t\007.npz')"
hdr="{'descr': '<f4', 'fortran_order': False, 'shape': (1, 20, 3), }"
pad=$((128 - 10 - ${#hdr} - 1))
{
    printf '\223NUMPY\001\000\166\000'
    printf '%s%*s\n' "$hdr" "$pad" ""
    head -c $((20 * 3 * 4)) /dev/zero
} > "$tmp/in.npy"
"$ex/hdnet-run" "$tmp/b/model.npz" "$tmp/in.npy" --outputs /dev/stdout | cat > "$tmp/piped.npy" \
    || fail "hdnet-run to a pipe"
grep -aq "'shape': (1, 20, 2)" "$tmp/piped.npy" || fail "nothing arrived through the pipe"
ln -s piped.npy "$tmp/link.npy"
"$ex/hdnet-run" "$tmp/b/model.npz" "$tmp/in.npy" --outputs "$tmp/link.npy" > /dev/null || fail "hdnet-run to a link"
[ -L "$tmp/link.npy" ] || fail "the symbolic link was replaced"
ok

# ---- hdnet-lesion --units: every row checked (16 units in $tmp/b/model.npz) ----
units() { # rows... : a units.csv with the header hdnet-analyze writes
    echo "unit,class,preferred_hd_deg,hd_strength"
    for r in "$@"; do echo "$r"; done
}
rows=""
for u in $(seq 0 15); do rows="$rows $u,compass,$((u * 20)),0.5"; done
units $rows 0 > "$tmp/short.csv"                                   # a row with only the unit
units $rows $rows > "$tmp/double.csv"                              # twice as many rows as units
units $(echo $rows | cut -d' ' -f1-15) "15,compass,1,0.5$(head -c 9000 /dev/zero | tr '\0' ' ')" \
    > "$tmp/long.csv"                                               # a row over the line buffer
units $(echo $rows | cut -d' ' -f1-15) "15,compass,garbage,0.5" > "$tmp/garbage.csv"
units $(echo $rows | cut -d' ' -f1-15) "15,nosuchclass,10,0.5" > "$tmp/class.csv"
for f in short double long garbage class; do
    expect_error "$ex/hdnet-lesion" "$tmp/b/model.npz" --out "$tmp/lesion" --units "$tmp/$f.csv" --no-plots
done
mkfifo "$tmp/units.fifo"
rc=0
timeout 20 "$ex/hdnet-lesion" "$tmp/b/model.npz" --out "$tmp/lesion" --units "$tmp/units.fifo" > /dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "hdnet-lesion --units FIFO: exit $rc"
ok

# ---- hdnet-speed: bad speeds and settings refused up front, nothing done is an error ----
expect_error "$ex/hdnet-speed" --out "$tmp/sp" --speeds inf,1
expect_error "$ex/hdnet-speed" --out "$tmp/sp" --speeds 1,1
expect_error "$ex/hdnet-speed" --out "$tmp/sp" --speeds 0.1,0.10000001
expect_error "$ex/hdnet-speed" --out "$tmp/sp" --speeds ' 1,2'
expect_error "$ex/hdnet-speed" --out "$tmp/sp" --recipe bogus
expect_error "$ex/hdnet-speed" --out "$tmp/sp" --train-set bogus=1
[ ! -e "$tmp/sp" ] || fail "hdnet-speed created its directory for a refused command line"
if "$ex/hdnet-speed" --out "$tmp/sp" --no-train --no-plots > /dev/null 2>&1; then
    fail "hdnet-speed --no-train without networks exits 0"
fi
ok

# ---- hdnet-analyze: --untrained checked before the analysis ----
"$ex/hdnet-train" --quick --updates 2 --set units=8 --set selection_trials=16 --out "$tmp/u8" > /dev/null \
    || fail "8-unit run"
expect_error "$ex/hdnet-analyze" "$tmp/b/model.npz" --out "$tmp/an" --untrained "$tmp/missing.npz"
expect_error "$ex/hdnet-analyze" "$tmp/b/model.npz" --out "$tmp/an" --untrained "$tmp/u8/ckpt_0.npz"
[ ! -e "$tmp/an" ] || fail "hdnet-analyze wrote output before refusing --untrained"

# ---- memory: a run larger than the address space allowed stops with a message naming the option ----
# (not under AddressSanitizer: an address-space limit breaks its shadow memory)
if [ -z "${ASAN_OPTIONS:-}" ]; then
    if (ulimit -v 400000 && "$ex/hdnet-eval" "$tmp/b/model.npz" --trials 5000000 > /dev/null 2> "$tmp/err"); then
        fail "hdnet-eval with 5e6 trials under a 400 MB limit exits 0"
    fi
    grep -q -- '--trials' "$tmp/err" || fail "memory refusal does not name --trials: $(cat "$tmp/err")"
    ok
fi

echo "programs-hostile: $pass checks passed"
