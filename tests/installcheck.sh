#!/bin/sh
# make installcheck: install into a temporary tree (DESTDIR, PREFIX=/usr/local) and use
# every installed part as a user would: a pkg-config consumer (C and C++), a CMake
# consumer (find_package(hdnet), hdnet::hdnet), the man pages (man -l and man), the
# installed programs (--version, a short training run and its analysis with the
# installed plot scripts), and the Python package pip-installed into a venv.
# Also checks the multiarch LIBDIR of PREFIX=/usr. Run from the top directory.
set -eu
CC=${CC:-cc} CXX=${CXX:-c++} PKG_CONFIG=${PKG_CONFIG:-pkg-config} MAKE=${MAKE:-make}
PYTHON=${PYTHON:-/usr/bin/python3}
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "installcheck: FAIL: $*"; exit 1; }
say() { echo "installcheck: $*"; }

root=$tmp/root
prefix=$root/usr/local
$MAKE --no-print-directory install DESTDIR="$root" PREFIX=/usr/local > "$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "make install"; }

# ---- pkg-config consumers ----
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$($PKG_CONFIG --cflags --libs hdnet)
$CC -std=c11 -Wall -Werror examples/minimal.c -o "$tmp/minimal" $flags -lm
LD_LIBRARY_PATH="$prefix/lib" "$tmp/minimal" > "$tmp/out" || fail "minimal (pkg-config) does not run"
if [ -f examples/minimal_cpp.cpp ]; then
    $CXX -Wall -Werror examples/minimal_cpp.cpp -o "$tmp/minimal_cpp" $flags
    LD_LIBRARY_PATH="$prefix/lib" "$tmp/minimal_cpp" > "$tmp/out" || fail "minimal_cpp does not run"
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
say "pkg-config: examples/minimal.c and examples/minimal_cpp.cpp built and ran"

# ---- CMake consumer ----
if command -v cmake > /dev/null; then
    cmake -S tests/install -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
        -DHDNET_EXAMPLE="$top/examples/minimal.c" > "$tmp/cmake.log" 2>&1 ||
        { cat "$tmp/cmake.log"; fail "cmake: find_package(hdnet 0.1)"; }
    cmake --build "$tmp/cmake" > "$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; fail "cmake --build"; }
    "$tmp/cmake/minimal" > "$tmp/out" || fail "minimal (CMake) does not run"
    cmake -S tests/install -B "$tmp/cmake_static" -DCMAKE_PREFIX_PATH="$prefix" -DHDNET_TARGET=hdnet::hdnet_static \
        -DHDNET_EXAMPLE="$top/examples/minimal.c" > "$tmp/cmake.log" 2>&1 &&
        cmake --build "$tmp/cmake_static" > "$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; fail "cmake: hdnet::hdnet_static"; }
    "$tmp/cmake_static/minimal" > "$tmp/out" || fail "minimal (CMake, static) does not run"
    ! ldd "$tmp/cmake_static/minimal" | grep -q libhdnet || fail "hdnet::hdnet_static linked the shared library"
    # 0.x: another minor release may break the ABI, so a request for 0.99 must fail
    if cmake -S tests/install -B "$tmp/cmake2" -DCMAKE_PREFIX_PATH="$prefix" -DHDNET_VERSION_REQUEST=0.99 \
        -DHDNET_EXAMPLE="$top/examples/minimal.c" > "$tmp/cmake.log" 2>&1; then
        fail "find_package(hdnet 0.99) accepted version $(sed -n 's/.*PACKAGE_VERSION "\(.*\)".*/\1/p' "$prefix/lib/cmake/hdnet/hdnetConfigVersion.cmake")"
    fi
    say "cmake: find_package(hdnet 0.1) with hdnet::hdnet and hdnet::hdnet_static built and ran minimal.c; 0.99 refused"
else
    fail "cmake is not installed (Debian: apt-get install cmake)"
fi

# ---- programs and man pages ----
bin=$prefix/bin
for p in $(cd examples && ls hdnet-* | grep -v "\\."); do
    [ -x "$bin/$p" ] || fail "$bin/$p not installed"
    [ -f "$prefix/share/man/man1/$p.1" ] || fail "man page $p.1 not installed"
done
if "$bin/hdnet-train" --version > "$tmp/version" 2>&1; then
    head -1 "$tmp/version" | grep -q "0\.[0-9]*\.[0-9]*" || fail "hdnet-train --version: $(cat "$tmp/version")"
    say "programs: $(head -1 "$tmp/version")"
else
    fail "installed hdnet-train --version exits non-zero"
fi
if command -v man > /dev/null; then
    MANPAGER=cat MANWIDTH=80 man -l "$prefix/share/man/man1/hdnet-train.1" > "$tmp/man" 2> /dev/null ||
        fail "man -l hdnet-train.1"
    grep -q -- "--out" "$tmp/man" || fail "man page of hdnet-train lacks --out"
    MANPATH="$prefix/share/man" MANPAGER=cat MANWIDTH=80 man hdnet-analyze > "$tmp/man" 2> /dev/null ||
        fail "man hdnet-analyze (MANPATH=$prefix/share/man)"
    grep -q "hdnet-analyze" "$tmp/man" || fail "man hdnet-analyze shows no page"
    say "man: hdnet-train.1 (man -l) and hdnet-analyze (man) render"
else
    fail "man is not installed (Debian: apt-get install man-db)"
fi
# the installed programs find the library ($ORIGIN rpath) and the installed plot scripts
"$bin/hdnet-train" --out "$tmp/run" --threads 1 --set units=20 --set steps=50 --set trials=8 \
    --updates 20 --set selection_trials=20 > "$tmp/train.log" 2>&1 || { cat "$tmp/train.log"; fail "installed hdnet-train"; }
"$bin/hdnet-analyze" "$tmp/run/model.npz" --out "$tmp/an" --trials 40 --steps 100 > "$tmp/an.log" 2>&1 ||
    { cat "$tmp/an.log"; fail "installed hdnet-analyze"; }
if command -v gnuplot > /dev/null; then
    [ -s "$tmp/an/fig2_tuning.png" ] || fail "installed hdnet-analyze drew no figures: $(grep -i plot "$tmp/an.log")"
fi
say "programs: installed hdnet-train and hdnet-analyze ran (figures from $prefix/share/hdnet/plot)"

# ---- Python package into a venv ----
if "$PYTHON" -c "import venv, numpy" 2> /dev/null; then
    "$PYTHON" -m venv --system-site-packages "$tmp/venv" > "$tmp/venv.log" 2>&1 ||
        { cat "$tmp/venv.log"; fail "python3 -m venv (Debian: apt-get install python3-venv)"; }
    # offline: the build backend (setuptools) comes with the venv, NumPy from the system;
    # from a copy, so that no build directory of an earlier run is reused or left behind
    mkdir "$tmp/pysrc" && cp -r bindings/python/pyproject.toml bindings/python/hdnet "$tmp/pysrc/"
    rm -rf "$tmp/pysrc/hdnet/__pycache__"
    (cd "$tmp" && "$tmp/venv/bin/pip" install --quiet --no-index --no-build-isolation "$tmp/pysrc") \
        > "$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log"; fail "pip install ./bindings/python"; }
    lib=$(ls "$prefix"/lib/libhdnet.so.*.*.* | head -1)
    (cd "$tmp" && HDNET_LIBRARY="$lib" "$tmp/venv/bin/python" -c \
        'import hdnet, sys; assert hdnet.library_path == sys.argv[1], hdnet.library_path; assert "site-packages" in hdnet.__file__; print(hdnet.version_string)' "$lib") \
        > "$tmp/py" 2>&1 || { cat "$tmp/py"; fail "import hdnet in the venv"; }
    (cd "$tmp" && HDNET_LIBRARY="$lib" "$tmp/venv/bin/python" -m hdnet eval "$tmp/run/model.npz" --trials 20) \
        > "$tmp/py" 2>&1 || { cat "$tmp/py"; fail "python -m hdnet eval in the venv"; }
    grep -q "^normalized_error " "$tmp/py" || fail "python -m hdnet eval printed: $(cat "$tmp/py")"
    say "python: pip install of bindings/python (a copy) into a venv; import hdnet and python -m hdnet eval work"
else
    fail "$PYTHON lacks venv or numpy (Debian: apt-get install python3-venv python3-numpy)"
fi

# ---- PREFIX=/usr: multiarch LIBDIR ----
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2> /dev/null || $CC -print-multiarch 2> /dev/null || true)
if [ -n "$ma" ]; then
    $MAKE --no-print-directory install-lib DESTDIR="$tmp/usr-root" PREFIX=/usr > /dev/null 2>&1 || fail "install-lib PREFIX=/usr"
    [ -f "$tmp/usr-root/usr/lib/$ma/libhdnet.so" ] || fail "PREFIX=/usr did not install into /usr/lib/$ma"
    grep -q "^libdir=.*/usr/lib/$ma" "$tmp/usr-root/usr/lib/$ma/pkgconfig/hdnet.pc" || fail "hdnet.pc libdir is not /usr/lib/$ma"
    say "PREFIX=/usr: library and hdnet.pc in /usr/lib/$ma"
fi
say "all passed"
