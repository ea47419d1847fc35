#!/bin/sh
# A real single-node Slurm runs a sweep as a job array (make check-slurm; as root).
# The script starts its own munged (private key and socket), slurmctld and slurmd
# on localhost from a generated slurm.conf (ProctrackType=proctrack/linuxproc,
# TaskPlugin=task/none: no cgroups), submits tests/data/sweep_tiny.sweep with
# sbatch --array, waits for it, collects, compares the table with a local
# --jobs 2 run of the same sweep (timing columns aside), and stops the daemons.
# Needs: slurm-wlm munge (Debian). Skips (exit 0) when not root or not installed;
# SLURM_REQUIRED=1 turns a skip into a failure (CI). Run from the top directory.
set -eu
top=$(pwd)
sweep=$top/examples/hdnet-sweep
skip() {
    if [ "${SLURM_REQUIRED:-0}" = 1 ]; then echo "slurm: FAIL: $*"; exit 1; fi
    echo "slurm: skipped: $*"; exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root to start munged, slurmctld and slurmd"
for c in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
    command -v "$c" > /dev/null || skip "$c not found (apt-get install slurm-wlm munge)"
done
tmp=$(mktemp -d /tmp/hdnet-slurm.XXXXXX)
chmod 700 "$tmp"
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do
        k=0
        while kill -0 "$p" 2>/dev/null && [ $k -lt 50 ]; do sleep 0.1; k=$((k + 1)); done
        kill -9 "$p" 2>/dev/null || true
    done
    if [ -f "$tmp/munged.pid" ]; then
        m=$(cat "$tmp/munged.pid")
        kill "$m" 2>/dev/null || true
        k=0
        while kill -0 "$m" 2>/dev/null && [ $k -lt 50 ]; do sleep 0.1; k=$((k + 1)); done
    fi
    rm -rf "$tmp" 2>/dev/null || { sleep 1; rm -rf "$tmp"; }
}
trap cleanup EXIT
fail() {
    echo "slurm: FAIL: $*"
    for f in "$tmp"/slurmctld.log "$tmp"/slurmd.log; do [ -f "$f" ] && { echo "--- $f"; tail -15 "$f"; }; done
    exit 1
}
wait_for() { # seconds, description, command...
    wf_s=$1; wf_what=$2; shift 2
    wf_i=0
    until "$@" > /dev/null 2>&1; do
        wf_i=$((wf_i + 1)); [ $wf_i -le $((wf_s * 5)) ] || fail "timed out waiting for $wf_what"
        sleep 0.2
    done
}

# ---- munge: a private key and socket ----
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 2> /dev/null
chmod 400 "$tmp/munge.key"
sock=$tmp/munge.socket
munged --force --key-file="$tmp/munge.key" --socket="$sock" --pid-file="$tmp/munged.pid" \
    --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed" || fail "munged did not start: $(tail -3 "$tmp/munged.log")"
wait_for 10 "munged" test -S "$sock"

# ---- slurm.conf for this host ----
host=$(hostname -s)
cpus=$(nproc)
port=$((17000 + $$ % 1000))
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=hdnettest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" > "$tmp/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -f "$SLURM_CONF" > "$tmp/slurmd.out" 2>&1 &
pids="$pids $!"
node_up() { sinfo -h -n "$host" -o %t | grep -Eq '^(idle|mix|alloc)'; }
wait_for 60 "the node to come up" node_up
echo "slurm: slurmctld and slurmd up on $host ($cpus CPUs)"

# ---- the sweep as a job array, and the same sweep locally ----
cp "$top/tests/data/sweep_tiny.sweep" "$tmp/s.sweep"
n=$("$sweep" plan "$tmp/s.sweep" --count)
cat > "$tmp/array.sh" <<JOB
#!/bin/sh
#SBATCH --job-name=hdnet-sweep
#SBATCH --cpus-per-task=1
#SBATCH --output=$tmp/logs/%A_%a.out
export OPENBLAS_NUM_THREADS=1
exec "$sweep" run "$tmp/s.sweep" --out "$tmp/slurm" --index "\$SLURM_ARRAY_TASK_ID"
JOB
mkdir -p "$tmp/logs"
start=$(date +%s)
job=$(sbatch --parsable --array=0-$((n - 1)) "$tmp/array.sh") || fail "sbatch"
echo "slurm: submitted job array $job with $n tasks"
"$sweep" run "$tmp/s.sweep" --out "$tmp/local" --jobs 2 > "$tmp/local.log" || fail "local run"
queue_empty() { [ -z "$(squeue -h -j "$job" 2> /dev/null)" ]; }
wait_for 170 "the job array" queue_empty
echo "slurm: job array finished in $(($(date +%s) - start)) s (the local run shared the CPUs)"
"$sweep" status "$tmp/s.sweep" --out "$tmp/slurm" || { cat "$tmp"/logs/* | tail -20; fail "not every array task finished"; }
"$sweep" collect "$tmp/s.sweep" --out "$tmp/slurm" --no-plots > /dev/null || fail "collect (Slurm)"
"$sweep" collect "$tmp/s.sweep" --out "$tmp/local" --no-plots > /dev/null || fail "collect (local)"
untimed() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) keep[i] = $i !~ /_seconds$/ }
             { s = ""; for (i = 1; i <= NF; i++) if (keep[i]) s = s (s == "" ? "" : ",") $i; print s }' "$1"
}
untimed "$tmp/slurm/table.csv" > "$tmp/a.csv"
untimed "$tmp/local/table.csv" > "$tmp/b.csv"
[ "$(grep -c ',done,' "$tmp/a.csv")" = "$n" ] || fail "the Slurm table has not $n finished runs"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || { diff "$tmp/a.csv" "$tmp/b.csv" | head; fail "Slurm and local tables differ"; }
echo "slurm: the job array's table equals the local --jobs 2 table ($n runs)"
scontrol shutdown > /dev/null 2>&1 || true
