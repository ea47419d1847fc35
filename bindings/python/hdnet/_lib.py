"""Loading libhdnet, declaring the C prototypes, and turning status codes into exceptions.

Internal module: users import :mod:`hdnet`.
"""
import contextlib
import ctypes
import ctypes.util
import functools
import os
import sys
import threading

import numpy as np

# The binding speaks the C API of this version. During 0.x any minor release may
# change the ABI, so MAJOR.MINOR must match exactly and PATCH may be newer.
API_VERSION = (0, 1, 0)

c_int = ctypes.c_int
c_size = ctypes.c_size_t
c_u64 = ctypes.c_uint64
c_i64 = ctypes.c_int64
c_double = ctypes.c_double
c_void_p = ctypes.c_void_p
c_char_p = ctypes.c_char_p
P = ctypes.POINTER
c_float_p = P(ctypes.c_float)
c_double_p = P(ctypes.c_double)

# Status codes (include/hdnet/status.h).
OK = 0
EINVAL = -1
ENOMEM = -2
ERANGE = -3
ESHAPE = -4
ESTATE = -5
EIO = -6
EFORMAT = -7
ENOTSUP = -8
EDIVERGED = -9
ECANCELED = -10
STATUS_NAMES = {
    OK: "HDNET_OK", EINVAL: "HDNET_EINVAL", ENOMEM: "HDNET_ENOMEM", ERANGE: "HDNET_ERANGE",
    ESHAPE: "HDNET_ESHAPE", ESTATE: "HDNET_ESTATE", EIO: "HDNET_EIO", EFORMAT: "HDNET_EFORMAT",
    ENOTSUP: "HDNET_ENOTSUP", EDIVERGED: "HDNET_EDIVERGED", ECANCELED: "HDNET_ECANCELED",
}


class HdnetError(Exception):
    """A libhdnet call failed.

    Attributes:
        status:   the negative HDNET_E* code (e.g. ``hdnet.ERANGE``)
        name:     its macro name, e.g. ``"HDNET_ERANGE"``
        strerror: hdnet_strerror(status), e.g. ``"value out of range"``
        errmsg:   hdnet_errmsg() right after the failure, e.g. ``"tau=-1 outside [0.001, 1e+06]"``
        function: the C function that failed
    """

    def __init__(self, status, strerror, errmsg, function=""):
        self.status = status
        self.name = STATUS_NAMES.get(status, str(status))
        self.strerror = strerror
        self.errmsg = errmsg
        self.function = function
        text = "%s: %s (%s)" % (function, strerror, self.name) if function else \
            "%s (%s)" % (strerror, self.name)
        if errmsg:
            text += ": " + errmsg
        super().__init__(text)


def _candidates():
    env = os.environ.get("HDNET_LIBRARY")
    if env:
        yield env
        return  # an explicit choice is never silently replaced
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.normpath(os.path.join(here, "..", "..", "..", "lib", "libhdnet.so"))
    soname = "libhdnet.so.%d.%d" % API_VERSION[:2] if API_VERSION[0] == 0 else \
        "libhdnet.so.%d" % API_VERSION[0]
    yield soname
    found = ctypes.util.find_library("hdnet")
    if found:
        yield found
    # installed but not (yet) known to the loader: `make install PREFIX=<venv>`, or
    # /usr/local before ldconfig ran
    for prefix in (sys.prefix, "/usr/local"):
        yield os.path.join(prefix, "lib", soname)
    yield "libhdnet.so"


def _load():
    errors = []
    env = os.environ.get("HDNET_LIBRARY")
    for path in _candidates():
        if os.sep in path and not os.path.exists(path) and not env:
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("hdnet: cannot load libhdnet (set HDNET_LIBRARY to its path, or build it "
                      "with `make lib`): " + "; ".join(errors or ["no candidate found"]))


lib, path = _load()

lib.hdnet_strerror.restype = c_char_p
lib.hdnet_strerror.argtypes = [c_int]
lib.hdnet_errmsg.restype = c_char_p
lib.hdnet_errmsg.argtypes = []
lib.hdnet_version_number.restype = ctypes.c_uint
lib.hdnet_version_number.argtypes = []
lib.hdnet_version_string.restype = c_char_p
lib.hdnet_version_string.argtypes = []


def _decode(b):
    return b.decode("utf-8", "replace") if b is not None else ""


def error(status, function=""):
    """Build the HdnetError for status; read hdnet_errmsg() first (it is thread-local)."""
    msg = _decode(lib.hdnet_errmsg())
    return HdnetError(status, _decode(lib.hdnet_strerror(status)), msg, function)


def _errcheck(result, func, args):
    if result < 0:
        raise error(result, func.__name__)
    return result


version_number = int(lib.hdnet_version_number())
version_string = _decode(lib.hdnet_version_string())
_loaded = (version_number // 10000, version_number // 100 % 100, version_number % 100)
if _loaded[:2] != API_VERSION[:2] or _loaded[2] < API_VERSION[2]:
    raise ImportError("hdnet: the binding needs libhdnet %d.%d.x (>= %d.%d.%d), but %s is %s"
                      % (API_VERSION[:2] + API_VERSION + (path, version_string)))

STATUS = object()  # marker: the function returns an int status, checked automatically


def _int_range(t):
    """(lo, hi) of a ctypes integer type, or None for other types."""
    code = getattr(t, "_type_", None)
    if not isinstance(code, str) or code not in "bBhHiIlLqQ":
        return None
    bits = 8 * ctypes.sizeof(t)
    return (0, 2 ** bits - 1) if code.isupper() else (-2 ** (bits - 1), 2 ** (bits - 1) - 1)


class _Checked:
    """A C function whose integer arguments are range-checked first: ctypes would
    silently wrap 2**32 + 5 to 5 for an int, or 2**64 to 0 for a size_t."""

    def __init__(self, f):
        self._f = f
        self.__name__ = f.__name__
        self._ranges = [(i, r) for i, r in enumerate(map(_int_range, f.argtypes)) if r]

    @property
    def argtypes(self):
        return self._f.argtypes

    def __call__(self, *args):
        for i, (lo, hi) in self._ranges:
            a = args[i] if i < len(args) else None
            if isinstance(a, (int, np.integer)) and not lo <= a <= hi:
                raise OverflowError("%s: argument %d = %d is outside [%d, %d]" % (self.__name__, i + 1, a, lo, hi))
        return self._f(*args)

    def __bool__(self):
        return True


def declare(name, restype, *argtypes):
    """Declare a prototype; returns None when the library lacks the symbol."""
    try:
        f = getattr(lib, name)
    except AttributeError:
        return None
    if restype is STATUS:
        f.restype = c_int
        f.errcheck = _errcheck
    else:
        f.restype = restype
    f.argtypes = list(argtypes)
    return _Checked(f) if any(map(_int_range, argtypes)) else f


class _Missing:
    """Stands in for a C function this build of the library does not export."""

    def __init__(self, name):
        self.__name__ = name

    def __call__(self, *args):
        raise HdnetError(ENOTSUP, "not supported", "%s is not exported by %s" % (self.__name__, path),
                         self.__name__)

    def __bool__(self):
        return False


class _Api:
    """Namespace of declared functions: api.hdnet_config_create(...)."""

    def add(self, name, restype, *argtypes):
        f = declare(name, restype, *argtypes)
        setattr(self, name, f if f is not None else _Missing(name))

    def has(self, name):
        return bool(getattr(self, name, None))


api = _Api()


def has(name):
    """True if the loaded library exports the C function `name`."""
    try:
        getattr(lib, name)
        return True
    except AttributeError:
        return False


# ---- array helpers -------------------------------------------------------------

def as_f32(a, shape, what):
    """A C-contiguous float32 view of a (a copy only when dtype or layout require it).

    shape: expected shape; None entries match any size. Raises TypeError for
    non-real dtypes and ValueError for a wrong shape.
    """
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiu":
        raise TypeError("%s: expected a real (float32) array, got dtype %s" % (what, arr.dtype))
    if arr.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, arr.shape)):
        want = "(" + ", ".join("?" if s is None else str(s) for s in shape) + ")"
        raise ValueError("%s: expected shape %s, got %s" % (what, want, arr.shape))
    if arr.dtype != np.float32 or not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr, dtype=np.float32)
    return arr


def as_f64(a, shape, what):
    """As as_f32, for float64 arrays."""
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiu":
        raise TypeError("%s: expected a real array, got dtype %s" % (what, arr.dtype))
    if arr.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, arr.shape)):
        want = "(" + ", ".join("?" if s is None else str(s) for s in shape) + ")"
        raise ValueError("%s: expected shape %s, got %s" % (what, want, arr.shape))
    if arr.dtype != np.float64 or not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr, dtype=np.float64)
    return arr


def fptr(arr):
    """(float *, length) for a float32 array, or (None, 0) for None."""
    if arr is None:
        return None, 0
    return arr.ctypes.data_as(c_float_p), arr.size


def dptr(arr):
    """(double *, length) for a float64 array, or (None, 0) for None."""
    if arr is None:
        return None, 0
    return arr.ctypes.data_as(c_double_p), arr.size


def out_f32(shape):
    return np.empty(shape, dtype=np.float32)


def out_f64(shape):
    return np.empty(shape, dtype=np.float64)


def encode(s, what="name"):
    if isinstance(s, str):
        s = s.encode("utf-8")
    elif not isinstance(s, bytes):
        raise TypeError("%s must be a str, got %s" % (what, type(s).__name__))
    if b"\0" in s:  # C would see only the text before it
        raise ValueError("%s contains a NUL byte" % what)
    return s


def seed_value(seed):
    """Check a seed: an int in [0, 2^64)."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError("seed must be an int, got %s" % type(seed).__name__)
    seed = int(seed)
    if not 0 <= seed < 2 ** 64:
        raise ValueError("seed must be in [0, 2**64), got %d" % seed)
    return seed


SIZE_MAX = 2 ** (8 * ctypes.sizeof(c_size)) - 1


def count(n, what, minimum=0, maximum=SIZE_MAX):
    """Check a count or index: an int in [minimum, maximum] (default: a size_t)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError("%s must be an int, got %s" % (what, type(n).__name__))
    n = int(n)
    if not minimum <= n <= maximum:
        raise ValueError("%s must be in [%d, %d], got %d" % (what, minimum, maximum, n))
    return n


# ---- object lifetimes and concurrent use ----------------------------------------
#
# A C handle may depend on another (a trainer borrows its network, a trainer's
# optimiser lives inside the trainer): the Python object keeps a reference to
# what it depends on, and close() of an object still in use by others only
# marks it closed; the C object is freed when the last dependent is freed.
# Each object has a guard: calls that modify (or close) it exclude every other
# call on it; read-only calls may overlap, also with a modifying call on the
# same thread (a progress callback reading the trainer that runs it). Misuse
# raises RuntimeError instead of reaching freed or half-written memory.

_lifetimes = threading.RLock()


class _Guard:
    """One writer, or any number of readers (and readers on the writer's own thread)."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._writer = None
        self._readers = 0

    def enter(self, obj, write):
        me = threading.get_ident()
        with self._mutex:
            own = self._writer == me
            if (self._writer is not None and (write or not own)) or (write and self._readers):
                raise RuntimeError(
                    "%s is in use by %s; a call that %s it cannot run now"
                    % (type(obj).__name__, "the call running this callback" if own else "another thread",
                       "modifies or closes" if write else "reads"))
            if write:
                self._writer = me
            else:
                self._readers += 1

    def leave(self, write):
        with self._mutex:
            if write:
                self._writer = None
            else:
                self._readers -= 1


@contextlib.contextmanager
def hold(reads=(), writes=(), closed_ok=()):
    """Hold the guards of several objects (None entries skipped) for one C call;
    ValueError for a closed one, unless it is in closed_ok (a trainer's closed
    network is still alive inside the trainer)."""
    held = []
    try:
        for objs, write in ((writes, True), (reads, False)):
            for o in objs:
                if o is not None and o.closed and not any(o is c for c in closed_ok):
                    raise ValueError("%s is closed" % type(o).__name__)
                if o is not None:
                    o._guard.enter(o, write)
                    held.append((o, write))
        yield
    finally:
        for o, write in reversed(held):
            o._guard.leave(write)


def reads(method):
    """Decorator: the method only reads its object."""
    @functools.wraps(method)
    def wrapper(self, *args, **kw):
        with hold(reads=(self,)):
            return method(self, *args, **kw)
    return wrapper


def writes(method):
    """Decorator: the method modifies its object."""
    @functools.wraps(method)
    def wrapper(self, *args, **kw):
        with hold(writes=(self,)):
            return method(self, *args, **kw)
    return wrapper


class Handle:
    """Base of the classes that own one C handle: close() frees it (later, if
    objects that depend on it are alive); also a context manager."""

    _free = None  # the C free function, set by subclasses

    def __init__(self, ptr, depends_on=(), guard=None):
        self._h = ptr
        self._pending = None  # closed, not yet freed
        self._users = 0
        self._guard = guard if guard is not None else _Guard()
        self._deps = tuple(d for d in depends_on if d is not None)
        with _lifetimes:
            for d in self._deps:
                d._users += 1

    @property
    def _as_parameter_(self):
        if not self._h:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._h

    @property
    def closed(self):
        """True after close()."""
        return not getattr(self, "_h", None)

    def close(self):
        """Free the C object now, or as soon as no object that depends on it is
        alive (also done when the Python object is collected). Raises
        RuntimeError while a call on the object is running."""
        if not getattr(self, "_h", None):
            return
        with hold(writes=(self,)):
            self._mark_closed()

    def _mark_closed(self):
        with _lifetimes:
            self._pending, self._h = self._h, None
        self._release()

    def _release(self):
        with _lifetimes:
            if self._pending is None or self._users:
                return
            h, self._pending = self._pending, None
        self._free_handle(h)
        for d in self._deps:
            with _lifetimes:
                d._users -= 1
            d._release()

    def _free_handle(self, h):
        type(self)._free(h)

    def __del__(self):
        # Unreachable: no call can be running on this object (a call holds a
        # reference), so no guard is needed; a shared guard may be busy.
        try:
            if getattr(self, "_h", None):
                self._mark_closed()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def new_handle():
    """A c_void_p to receive a handle from a constructor's `**out`."""
    return c_void_p()


api.add("hdnet_escape_text", c_size, c_char_p, c_size, c_char_p)


def escape_text(text):
    """text (str or bytes) with control bytes, C1 controls and invalid UTF-8 shown as
    \\xNN, as libhdnet escapes its error messages (hdnet_escape_text)."""
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogateescape")
    b = encode(text, "text")
    n = api.hdnet_escape_text(None, 0, b)
    buf = ctypes.create_string_buffer(n + 1)
    api.hdnet_escape_text(buf, n + 1, b)
    return buf.value.decode("utf-8")


def fspath(path):
    """A path (str, bytes or os.PathLike) as bytes for the C API."""
    return encode(os.fsencode(path), "path")


def to_bytes(fn, *args):
    """Call a memory-variant writer fn(*args, buf, cap, &len) twice: size, then data."""
    n = c_size()
    fn(*args, None, 0, ctypes.byref(n))
    buf = ctypes.create_string_buffer(max(n.value, 1))
    fn(*args, buf, n.value, ctypes.byref(n))
    return buf.raw[:n.value]
