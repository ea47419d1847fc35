"""Shared set-up of the binding's tests: import path, the in-tree C build, a C reference program."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYROOT = os.path.dirname(HERE)
SRCROOT = os.path.normpath(os.path.join(PYROOT, "..", ".."))
if PYROOT not in sys.path:
    sys.path.insert(0, PYROOT)

import numpy as np  # noqa: E402
import hdnet  # noqa: E402


def needs(*symbols):
    """Skip a test (class) unless the loaded library exports every symbol."""
    missing = [s for s in symbols if not hdnet.has(s)]
    return unittest.skipIf(missing, "libhdnet lacks %s" % ", ".join(missing))


_built = {}


def c_program(name):
    """Compile tests/<name>.c against the in-tree headers and library; return its path."""
    if name in _built:
        return _built[name]
    cc = os.environ.get("CC", "cc")
    if shutil.which(cc) is None:
        raise unittest.SkipTest("no C compiler (%s)" % cc)
    libdir = os.path.dirname(hdnet.library_path)
    # The headers that belong to the library under test: its tree's include/, else ours.
    incdir = os.path.normpath(os.path.join(libdir, "..", "include"))
    if not os.path.exists(os.path.join(incdir, "hdnet", "hdnet.h")):
        incdir = os.path.join(SRCROOT, "include")
    outdir = tempfile.mkdtemp(prefix="hdnet-pytest-")
    exe = os.path.join(outdir, name)
    cmd = [cc, "-std=c11", "-O2", "-Wall", "-Werror", "-I", incdir,
           os.path.join(HERE, name + ".c"), "-o", exe, "-L", libdir, "-Wl,-rpath," + libdir,
           "-lhdnet", "-lm"]
    subprocess.run(cmd, check=True)
    _built[name] = exe
    return exe


def run_c(name, *args):
    """Run a reference C program; returns its stdout bytes (raises on failure)."""
    exe = c_program(name)
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.dirname(hdnet.library_path)
    r = subprocess.run([exe] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    if r.returncode != 0:
        raise AssertionError("%s %s failed: %s" % (name, " ".join(map(str, args)), r.stderr.decode()))
    return r.stdout


def split_arrays(raw, specs):
    """Cut raw little-endian bytes into arrays: specs = [(dtype, shape), ...]; checks the length."""
    out, off = [], 0
    for dtype, shape in specs:
        n = int(np.prod(shape)) * np.dtype(dtype).itemsize
        out.append(np.frombuffer(raw[off:off + n], dtype=dtype).reshape(shape))
        off += n
    if off != len(raw):
        raise AssertionError("C program wrote %d bytes, expected %d" % (len(raw), off))
    return out
