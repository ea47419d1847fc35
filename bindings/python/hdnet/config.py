"""hdnet.Config: every setting of the model, the task and training, by name."""
import collections
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_double, c_i64, c_void_p, c_char_p, STATUS, P

api.add("hdnet_config_create", STATUS, P(c_void_p))
api.add("hdnet_config_free", None, c_void_p)
api.add("hdnet_config_clone", STATUS, c_void_p, P(c_void_p))
api.add("hdnet_config_set_double", STATUS, c_void_p, c_int, c_double)
api.add("hdnet_config_get_double", STATUS, c_void_p, c_int, P(c_double))
api.add("hdnet_config_set_int", STATUS, c_void_p, c_int, c_i64)
api.add("hdnet_config_get_int", STATUS, c_void_p, c_int, P(c_i64))
api.add("hdnet_config_set", STATUS, c_void_p, c_char_p, c_char_p)
api.add("hdnet_config_from_string", STATUS, c_void_p, c_char_p, c_size)
api.add("hdnet_config_to_string", STATUS, c_void_p, c_char_p, c_size, P(c_size))
api.add("hdnet_config_set_recipe", STATUS, c_void_p, c_char_p)
api.add("hdnet_config_set_av_set", STATUS, c_void_p, _lib.c_double_p, c_size)
api.add("hdnet_config_get_av_set", STATUS, c_void_p, _lib.c_double_p, c_size, P(c_size))
api.add("hdnet_config_set_tau_vector", STATUS, c_void_p, _lib.c_double_p, c_size)
api.add("hdnet_config_get_tau_vector", STATUS, c_void_p, _lib.c_double_p, c_size, P(c_size))
api.add("hdnet_param_count", c_size)
api.add("hdnet_param_at", STATUS, c_size, P(c_int))
api.add("hdnet_param_id", STATUS, c_char_p, P(c_int))
api.add("hdnet_param_info", STATUS, c_int, P(c_char_p), P(c_double), P(c_double), P(c_double))
api.add("hdnet_param_value_name", STATUS, c_int, c_int, P(c_char_p))

ParamInfo = collections.namedtuple("ParamInfo", "name id kind lo hi default values")
ParamInfo.__doc__ = """Description of one parameter.

name: its name ("tau"); id: the HDNET_P_* number; kind: "real", "int" or "enum";
lo, hi: inclusive bounds (enum: value numbers); default: the library default
(before any recipe); values: tuple of value names for enumerated parameters, else ().
"""

_table = None


def _build_table():
    """Read the parameter table from the library once: names, bounds, kinds."""
    global _table
    if _table is not None:
        return _table
    probe = c_void_p()
    api.hdnet_config_create(ctypes.byref(probe))
    table = collections.OrderedDict()
    try:
        for i in range(api.hdnet_param_count()):
            pid = c_int()
            api.hdnet_param_at(i, ctypes.byref(pid))
            name, lo, hi, dflt = c_char_p(), c_double(), c_double(), c_double()
            api.hdnet_param_info(pid.value, ctypes.byref(name), ctypes.byref(lo), ctypes.byref(hi),
                                 ctypes.byref(dflt))
            values = []
            vname = c_char_p()
            try:
                api.hdnet_param_value_name(pid.value, int(lo.value) if np.isfinite(lo.value) else 0,
                                           ctypes.byref(vname))
                is_enum = True
            except _lib.HdnetError:
                is_enum = False
            if is_enum:
                for v in range(int(lo.value), int(hi.value) + 1):
                    api.hdnet_param_value_name(pid.value, v, ctypes.byref(vname))
                    values.append(vname.value.decode())
                kind = "enum"
            else:
                # The C API has no kind query: a non-integral value inside the bounds is
                # refused exactly by integer parameters.
                kind = "real"
                d = dflt.value
                if np.isfinite(d):
                    trial = d + 0.5 if d + 0.5 <= hi.value else d - 0.5
                    if lo.value <= trial <= hi.value:
                        try:
                            api.hdnet_config_set_double(probe, pid.value, trial)
                        except _lib.HdnetError:
                            kind = "int"
            table[name.value.decode()] = ParamInfo(name.value.decode(), pid.value, kind, lo.value,
                                                   hi.value, dflt.value, tuple(values))
    finally:
        api.hdnet_config_free(probe)
    _table = table
    return table


def param_names():
    """Names of every parameter, in table order."""
    return list(_build_table().keys())


def param_info(name):
    """ParamInfo of a parameter given by name or HDNET_P_* id. KeyError if unknown."""
    table = _build_table()
    if isinstance(name, (int, np.integer)) and not isinstance(name, bool):
        for p in table.values():
            if p.id == name:
                return p
        raise KeyError(name)
    return table[name]


class Config(_lib.Handle):
    """All settings of a network, its task and its training, addressed by name.

    A new Config holds the library defaults (the paper's model and task and the
    ``paper`` training recipe). It behaves like a dict with a fixed set of keys::

        cfg = hdnet.Config(units=50, steps=100)
        cfg["tau"] = 10          # numbers, or text as on the command line
        cfg["activation"] = "tanh"
        cfg["activation"]        # -> "tanh"
        cfg.update(lr=1e-3, trials=20)

    Real parameters read back as float, integer ones as int, enumerated ones as
    their value name. Bad names raise KeyError; bad values raise HdnetError
    (HDNET_ERANGE or HDNET_EINVAL) and leave the config unchanged.
    Objects (Task, Net, Trainer) copy the config they are made from.
    """

    _free = api.hdnet_config_free

    def __init__(self, _handle=None, **params):
        if _handle is None:
            _handle = c_void_p()
            api.hdnet_config_create(ctypes.byref(_handle))
        super().__init__(_handle)
        self.update(params)

    @classmethod
    def from_recipe(cls, recipe, **params):
        """A default config with the training recipe ("paper" or "reference") applied, then params."""
        cfg = cls()
        cfg.set_recipe(recipe)
        cfg.update(params)
        return cfg

    @classmethod
    def from_string(cls, text):
        """A default config with "name=value" lines applied (the format of str(cfg))."""
        cfg = cls()
        cfg.load_string(text)
        return cfg

    @_lib.writes
    def set_recipe(self, recipe):
        """Apply a training recipe by name ("paper" or "reference"); other settings stay."""
        api.hdnet_config_set_recipe(self, _lib.encode(recipe, "recipe"))

    @_lib.writes
    def load_string(self, text):
        """Apply "name=value" lines ('#' comments allowed); stops at the first bad line."""
        b = _lib.encode(text, "text")
        api.hdnet_config_from_string(self, b, len(b))

    @_lib.reads
    def to_string(self):
        """Every parameter as "name=value" lines, as hdnet_config_to_string() writes them."""
        n = c_size()
        try:
            api.hdnet_config_to_string(self, None, 0, ctypes.byref(n))
        except _lib.HdnetError as e:
            if e.status != _lib.ESHAPE:
                raise
        buf = ctypes.create_string_buffer(n.value + 1)
        api.hdnet_config_to_string(self, buf, len(buf), ctypes.byref(n))
        return buf.value.decode()

    __str__ = to_string

    @_lib.reads
    def copy(self):
        """An independent copy (hdnet_config_clone)."""
        h = c_void_p()
        api.hdnet_config_clone(self, ctypes.byref(h))
        return Config(_handle=h)

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    # ---- mapping interface ----
    @_lib.reads
    def __getitem__(self, name):
        p = _info_or_keyerror(name)
        v = c_double()
        api.hdnet_config_get_double(self, p.id, ctypes.byref(v))
        if p.kind == "enum":
            return p.values[int(v.value)]
        if p.kind == "int":
            return int(v.value)
        return v.value

    @_lib.writes
    def __setitem__(self, name, value):
        p = _info_or_keyerror(name)
        if isinstance(value, (str, bytes)):
            api.hdnet_config_set(self, _lib.encode(p.name), _lib.encode(value, "value"))
        elif isinstance(value, (bool, np.bool_)):
            if not (p.kind == "int" and p.lo == 0 and p.hi == 1):  # units=True is a mistake
                raise TypeError("%s: expected a number, got a bool" % p.name)
            api.hdnet_config_set_int(self, p.id, int(value))
        elif isinstance(value, (int, np.integer)):
            if not -2 ** 63 <= int(value) < 2 ** 63:
                raise OverflowError("%s=%d does not fit in int64" % (p.name, value))
            api.hdnet_config_set_int(self, p.id, int(value))
        elif isinstance(value, (float, np.floating)):
            api.hdnet_config_set_double(self, p.id, float(value))
        else:
            raise TypeError("%s: expected a number or a str, got %s" % (p.name, type(value).__name__))

    def __contains__(self, name):
        return name in _build_table()

    def __iter__(self):
        return iter(_build_table())

    def __len__(self):
        return len(_build_table())

    def keys(self):
        return list(_build_table().keys())

    def values(self):
        return [self[k] for k in self]

    def items(self):
        return [(k, self[k]) for k in self]

    def get(self, name, default=None):
        return self[name] if name in self else default

    def to_dict(self):
        """A plain dict {name: value} of every parameter."""
        return dict(self.items())

    def update(self, other=(), **params):
        """Set several parameters (from a mapping, pairs, or keywords), in order."""
        if hasattr(other, "items"):
            other = other.items()
        for k, v in other:
            self[k] = v
        for k, v in params.items():
            self[k] = v

    def __eq__(self, other):
        if not isinstance(other, Config):
            return NotImplemented
        return self.to_string() == other.to_string()

    __hash__ = None

    def __repr__(self):
        if self.closed:
            return "<hdnet.Config (closed)>"
        base = _defaults()
        changed = ["%s=%r" % (k, v) for k, v in self.items() if base[k] != v]
        return "hdnet.Config(%s)" % ", ".join(changed)

    # ---- array settings ----
    @property
    @_lib.reads
    def av_set(self):
        """Discrete angular-velocity set in degrees/step (float64 array; empty = off)."""
        return self._get_vec(api.hdnet_config_get_av_set)

    @av_set.setter
    @_lib.writes
    def av_set(self, values):
        a = _lib.as_f64(np.ravel(values) if values is not None else [], (None,), "av_set")
        api.hdnet_config_set_av_set(self, *_lib.dptr(a))

    @property
    @_lib.reads
    def tau_vector(self):
        """Per-unit time constants (float64 array; empty = the scalar "tau")."""
        return self._get_vec(api.hdnet_config_get_tau_vector)

    @tau_vector.setter
    @_lib.writes
    def tau_vector(self, values):
        a = _lib.as_f64(np.ravel(values) if values is not None else [], (None,), "tau_vector")
        api.hdnet_config_set_tau_vector(self, *_lib.dptr(a))

    def _get_vec(self, fn):
        n = c_size()
        fn(self, None, 0, ctypes.byref(n))
        out = _lib.out_f64(n.value)
        fn(self, _lib.dptr(out)[0], out.size, ctypes.byref(n))
        return out


def _info_or_keyerror(name):
    table = _build_table()
    if isinstance(name, bytes):
        name = name.decode()
    try:
        return table[name]
    except (KeyError, TypeError):
        raise KeyError("unknown hdnet parameter %r" % (name,)) from None


_default_values = None


def _defaults():
    """Values of a fresh Config (library defaults plus the default recipe), cached."""
    global _default_values
    if _default_values is None:
        _default_values = Config().to_dict()
    return _default_values
