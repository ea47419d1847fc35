"""hdnet.Rng: the library's explicit random-number generators."""
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_u64, c_void_p, STATUS, P

api.add("hdnet_rng_create", STATUS, P(c_void_p), c_int, c_u64)
api.add("hdnet_rng_free", None, c_void_p)
api.add("hdnet_rng_clone", STATUS, c_void_p, P(c_void_p))
api.add("hdnet_rng_seed", STATUS, c_void_p, c_u64)
api.add("hdnet_rng_kind", STATUS, c_void_p)
api.add("hdnet_rng_split", STATUS, c_void_p, P(c_void_p))
api.add("hdnet_rng_uniform", STATUS, c_void_p, _lib.c_double_p, c_size)
api.add("hdnet_rng_normal", STATUS, c_void_p, _lib.c_double_p, c_size)
api.add("hdnet_rng_randint", STATUS, c_void_p, c_u64, P(c_u64), c_size)
api.add("hdnet_rng_state_size", c_size, c_void_p)
api.add("hdnet_rng_get_state", STATUS, c_void_p, c_void_p, c_size)
api.add("hdnet_rng_set_state", STATUS, c_void_p, c_void_p, c_size)

RNG_LIBRARY = 0
RNG_NUMPY = 1
_KINDS = {"library": RNG_LIBRARY, "numpy": RNG_NUMPY}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}


def _kind(kind):
    if isinstance(kind, str):
        try:
            return _KINDS[kind]
        except KeyError:
            raise ValueError("rng kind must be 'library' or 'numpy', got %r" % kind) from None
    return int(kind)


class Rng(_lib.Handle):
    """A random-number generator (hdnet_rng).

    Rng(seed=1, kind="library"): xoshiro256** seeded through splitmix64, split into
    independent streams with split(). kind="numpy" reproduces NumPy's legacy
    RandomState(seed) bit for bit (uniform = random_sample, normal =
    standard_normal, randint = randint(high)); its seeds must be below 2**32.
    One thread at a time per generator.
    """

    _free = api.hdnet_rng_free

    def __init__(self, seed=1, kind="library", _handle=None):
        if _handle is None:
            _handle = c_void_p()
            api.hdnet_rng_create(ctypes.byref(_handle), _kind(kind), _lib.seed_value(seed))
        super().__init__(_handle)

    @property
    @_lib.reads
    def kind(self):
        """"library" or "numpy"."""
        return _KIND_NAMES.get(api.hdnet_rng_kind(self), "unknown")

    @_lib.writes
    def seed(self, seed):
        """Reseed in place."""
        api.hdnet_rng_seed(self, _lib.seed_value(seed))

    @_lib.reads
    def copy(self):
        """A copy with the same state: it yields the same numbers."""
        h = c_void_p()
        api.hdnet_rng_clone(self, ctypes.byref(h))
        return Rng(_handle=h)

    __copy__ = copy

    @_lib.writes
    def split(self):
        """A new independent stream (the parent jumps ahead; see hdnet_rng_split)."""
        h = c_void_p()
        api.hdnet_rng_split(self, ctypes.byref(h))
        return Rng(_handle=h)

    @_lib.writes
    def uniform(self, n):
        """n doubles uniform on [0, 1), as a float64 array."""
        out = _lib.out_f64(_lib.count(n, "n"))
        api.hdnet_rng_uniform(self, _lib.dptr(out)[0], out.size)
        return out

    @_lib.writes
    def normal(self, n):
        """n standard normal doubles, as a float64 array."""
        out = _lib.out_f64(_lib.count(n, "n"))
        api.hdnet_rng_normal(self, _lib.dptr(out)[0], out.size)
        return out

    @_lib.writes
    def randint(self, high, n):
        """n integers uniform on {0, ..., high-1} (1 <= high <= 2**32), as a uint64 array."""
        high = _lib.count(high, "high", 1)
        out = np.empty(_lib.count(n, "n"), dtype=np.uint64)
        api.hdnet_rng_randint(self, high, out.ctypes.data_as(P(c_u64)), out.size)
        return out

    @property
    @_lib.reads
    def state(self):
        """The full state as bytes; assign saved bytes to restore it."""
        n = api.hdnet_rng_state_size(self)
        buf = ctypes.create_string_buffer(n)
        api.hdnet_rng_get_state(self, buf, n)
        return buf.raw

    @state.setter
    @_lib.writes
    def state(self, data):
        data = bytes(data)
        api.hdnet_rng_set_state(self, data, len(data))

    def __repr__(self):
        return "<hdnet.Rng kind=%s>" % ("closed" if self.closed else self.kind)


def as_rng(rng, what="rng"):
    """None stays None; an int becomes Rng(seed); an Rng passes through."""
    if rng is None or isinstance(rng, Rng):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return Rng(int(rng))
    raise TypeError("%s must be an hdnet.Rng, an int seed or None, got %s" % (what, type(rng).__name__))
