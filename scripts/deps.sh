#!/bin/sh
# Install the Debian packages libhdnet needs to build, test and plot.
# As root: installs the missing ones with apt-get. Otherwise: prints the command and fails.
PKGS="build-essential pkg-config libopenblas-dev liblapacke-dev check libsimde-dev gnuplot-nox python3-numpy help2man"
# Optional: python3-matplotlib (Python example), doxygen (make docs), clang libclang-rt-14-dev (make fuzz),
# cmake python3-venv man-db (make installcheck), octave octave-dev (make check-octave),
# slurm-wlm munge (make check-slurm; daemons, so never installed here).
# As root, the MPI engine of hdnet-sweep comes along; without it hdnet-sweep builds without MPI.
[ "$(id -u)" = 0 ] && PKGS="$PKGS libopenmpi-dev openmpi-bin"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq $missing >/dev/null || exit 1
else
    echo "deps: missing packages:$missing"
    echo "deps: run: sudo apt-get install -y$missing"
    exit 1
fi
