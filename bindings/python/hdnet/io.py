"""NumPy files (.npy, .npz) and model files through libhdnet's own reader and writer.

NumPy's np.load / np.savez read and write the same files; these wrappers are
useful to check interoperability and to produce byte-identical, atomically
written archives.
"""
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_void_p, c_char_p, STATUS, P

api.add("hdnet_dtype_size", c_size, c_int)
api.add("hdnet_dtype_name", c_char_p, c_int)
api.add("hdnet_npy_save", STATUS, c_char_p, c_int, c_void_p, P(c_size), c_size)
api.add("hdnet_npy_save_mem", STATUS, c_int, c_void_p, P(c_size), c_size, c_void_p, c_size, P(c_size))
api.add("hdnet_npy_load", STATUS, P(c_void_p), c_char_p)
api.add("hdnet_npy_load_mem", STATUS, P(c_void_p), c_void_p, c_size)
api.add("hdnet_npz_create", STATUS, P(c_void_p))
api.add("hdnet_npz_free", None, c_void_p)
api.add("hdnet_npz_add", STATUS, c_void_p, c_char_p, c_int, c_void_p, P(c_size), c_size)
api.add("hdnet_npz_add_text", STATUS, c_void_p, c_char_p, c_char_p)
api.add("hdnet_npz_save", STATUS, c_void_p, c_char_p)
api.add("hdnet_npz_save_mem", STATUS, c_void_p, c_void_p, c_size, P(c_size))
api.add("hdnet_npz_load", STATUS, P(c_void_p), c_char_p)
api.add("hdnet_npz_load_mem", STATUS, P(c_void_p), c_void_p, c_size)
api.add("hdnet_npz_count", c_size, c_void_p)
api.add("hdnet_npz_name", STATUS, c_void_p, c_size, P(c_char_p))
api.add("hdnet_npz_info", STATUS, c_void_p, c_char_p, P(c_int), P(c_size), c_size, P(c_size))
api.add("hdnet_npz_read", STATUS, c_void_p, c_char_p, c_int, c_void_p, c_size)
api.add("hdnet_remove_stale_temps", STATUS, c_char_p, P(c_size))
api.add("hdnet_memory_available", STATUS, P(ctypes.c_uint64))

# HDNET_DTYPE_* <-> NumPy
_DTYPES = [np.dtype("<f4"), np.dtype("<f8"), np.dtype("<i8"), np.dtype("<i4"), np.dtype("u1")]
MAXDIM = 8


def _dtype_code(dt):
    dt = np.dtype(dt)
    if dt == np.bool_:
        dt = np.dtype("u1")
    for code, d in enumerate(_DTYPES):
        if dt.kind == d.kind and dt.itemsize == d.itemsize:
            return code, d  # another byte order is converted by _prepare
    raise TypeError("dtype %s is not supported (float32, float64, int64, int32, uint8)" % dt)


def _prepare(array):
    a = np.asarray(array)
    code, dt = _dtype_code(a.dtype)
    if a.ndim > MAXDIM:
        raise ValueError("at most %d dimensions, got %d" % (MAXDIM, a.ndim))
    if a.dtype != dt or not a.flags.c_contiguous:
        a = np.ascontiguousarray(a, dtype=dt)
    shape = (c_size * max(a.ndim, 1))(*a.shape)
    return a, code, shape


_path = _lib.fspath
_to_bytes = _lib.to_bytes


class Npz(_lib.Handle):
    """An in-memory .npz archive (hdnet_npz): named arrays in order of addition.

    Npz() is empty; Npz.load(path) and Npz.from_bytes(data) read one; read
    members with npz[name] (a NumPy array of the stored dtype); add with
    npz[name] = array or add_text(); write with save(path) or to_bytes().
    """

    _free = api.hdnet_npz_free

    def __init__(self, members=None, _handle=None):
        if _handle is None:
            _handle = c_void_p()
            api.hdnet_npz_create(ctypes.byref(_handle))
        super().__init__(_handle)
        if members:
            for k, v in (members.items() if hasattr(members, "items") else members):
                self[k] = v

    @classmethod
    def load(cls, path):
        """Read a .npz file."""
        h = c_void_p()
        api.hdnet_npz_load(ctypes.byref(h), _path(path))
        return cls(_handle=h)

    @classmethod
    def from_bytes(cls, data):
        """Read .npz bytes."""
        data = bytes(data)
        h = c_void_p()
        api.hdnet_npz_load_mem(ctypes.byref(h), data, len(data))
        return cls(_handle=h)

    @_lib.reads
    def save(self, path):
        """Write the archive to path, atomically."""
        api.hdnet_npz_save(self, _path(path))

    @_lib.reads
    def to_bytes(self):
        """The archive's .npz bytes (equal archives give equal bytes)."""
        return _to_bytes(api.hdnet_npz_save_mem, self)

    @_lib.reads
    def keys(self):
        """Member names, in order."""
        out, name = [], c_char_p()
        for i in range(api.hdnet_npz_count(self)):
            api.hdnet_npz_name(self, i, ctypes.byref(name))
            out.append(name.value.decode())
        return out

    __iter__ = lambda self: iter(self.keys())  # noqa: E731

    @_lib.reads
    def __len__(self):
        return int(api.hdnet_npz_count(self))

    def __contains__(self, name):
        return name in self.keys()

    @_lib.reads
    def info(self, name):
        """(numpy dtype, shape) of a member."""
        dt, nd = c_int(), c_size()
        shape = (c_size * MAXDIM)()
        api.hdnet_npz_info(self, _lib.encode(name), ctypes.byref(dt), shape, MAXDIM, ctypes.byref(nd))
        return _DTYPES[dt.value], tuple(shape[:nd.value])

    @_lib.reads
    def __getitem__(self, name):
        if name not in self.keys():
            raise KeyError(name)
        dt, shape = self.info(name)
        out = np.empty(shape, dtype=dt)
        api.hdnet_npz_read(self, _lib.encode(name), _DTYPES.index(dt), out.ctypes.data_as(c_void_p),
                           out.size)
        return out

    @_lib.writes
    def __setitem__(self, name, array):
        a, code, shape = _prepare(array)
        api.hdnet_npz_add(self, _lib.encode(name), code, a.ctypes.data_as(c_void_p), shape, a.ndim)

    @_lib.writes
    def add_text(self, name, text):
        """Add UTF-8 text as a 1-D uint8 member."""
        api.hdnet_npz_add_text(self, _lib.encode(name), _lib.encode(text, "text"))

    def text(self, name):
        """A uint8 member decoded as UTF-8 text."""
        return bytes(self[name]).decode("utf-8")

    def to_dict(self):
        """{name: array} of every member."""
        return {k: self[k] for k in self.keys()}

    def __repr__(self):
        return "<hdnet.Npz %s>" % ("(closed)" if self.closed else self.keys())


def save_npz(path, arrays=None, **kw):
    """Write arrays (a mapping and/or keywords, in order) as a .npz file with libhdnet's writer."""
    z = Npz()
    for k, v in list((arrays or {}).items()) + list(kw.items()):
        if isinstance(v, str):
            z.add_text(k, v)
        else:
            z[k] = v
    z.save(path)


def load_npz(path):
    """Read a .npz file with libhdnet's reader; returns {name: array}."""
    with Npz.load(path) as z:
        return z.to_dict()


def save_npy(path, array):
    """Write one array as a .npy file (format 1.0) with libhdnet's writer."""
    a, code, shape = _prepare(array)
    api.hdnet_npy_save(_path(path), code, a.ctypes.data_as(c_void_p), shape, a.ndim)


def remove_stale_temps(directory):
    """Remove the temporary files ("<name>.tmp<pid>.<k>") that atomic writes of
    processes that no longer exist left in directory; returns how many."""
    n = c_size()
    api.hdnet_remove_stale_temps(_path(directory), ctypes.byref(n))
    return n.value


def memory_available():
    """Bytes this process may still allocate (least of MemAvailable, the memory cgroup
    headroom and the address-space limit); 2**64 - 1 when nothing is known to limit."""
    n = ctypes.c_uint64()
    api.hdnet_memory_available(ctypes.byref(n))
    return n.value


def load_npy(path):
    """Read a .npy file with libhdnet's reader."""
    h = c_void_p()
    api.hdnet_npy_load(ctypes.byref(h), _path(path))
    with Npz(_handle=h) as z:
        return z["arr_0"]
