"""Analyses of a trained network (analysis.h): tuning curves, HD x AV maps, AV slopes,
compass/shifter classification, tiling, sorted connectivity and its profiles.

Headings are in degrees, angular velocity in degrees per step (the task's arrays
are radians: the C functions convert), W_rec is [post, pre].
"""
import collections
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_double, c_void_p, c_char_p, STATUS, P, c_float_p, c_double_p

c_u32 = ctypes.c_uint32

api.add("hdnet_aparams_create", STATUS, P(c_void_p))
api.add("hdnet_aparams_free", None, c_void_p)
api.add("hdnet_aparams_set", STATUS, c_void_p, c_int, c_double)
api.add("hdnet_aparams_get", STATUS, c_void_p, c_int, P(c_double))
api.add("hdnet_aparams_set_str", STATUS, c_void_p, c_char_p, c_char_p)
api.add("hdnet_aparam_count", c_size)
api.add("hdnet_aparam_info", STATUS, c_size, P(c_int), P(c_char_p), P(c_double), P(c_double), P(c_double))
api.add("hdnet_aparam_id", STATUS, c_char_p, P(c_int))
api.add("hdnet_tuning_create", STATUS, P(c_void_p), c_size, c_void_p)
api.add("hdnet_tuning_free", None, c_void_p)
api.add("hdnet_tuning_add", STATUS, c_void_p, c_size, c_size, c_size, c_double_p, c_size, c_double_p, c_size,
        c_float_p, c_size, c_float_p, c_size)
api.add("hdnet_tuning_next_pass", STATUS, c_void_p)
api.add("hdnet_tuning_collect", STATUS, c_void_p, c_void_p, c_size, c_size, c_size, c_float_p, c_size,
        c_double_p, c_size, c_double_p, c_size, c_size)
api.add("hdnet_tuning_array_shape", STATUS, c_void_p, c_int, P(c_size), P(c_size))
api.add("hdnet_tuning_copy", STATUS, c_void_p, c_int, c_double_p, c_size)
api.add("hdnet_tuning_unit_stat", STATUS, c_void_p, c_int, c_double_p, c_size)
api.add("hdnet_unit_stat_name", c_char_p, c_int)
api.add("hdnet_tuning_scalar", STATUS, c_void_p, c_int, P(c_double))
api.add("hdnet_classify", STATUS, c_int, c_void_p, c_size, c_double_p, c_double_p, c_double_p, c_double_p,
        c_double_p, P(c_int), P(c_u32), c_double_p, c_size)
api.add("hdnet_tuning_classify", STATUS, c_void_p, c_int, c_int, P(c_int), c_size, P(c_u32), c_size,
        c_double_p, c_size)
api.add("hdnet_class_name", c_char_p, c_int)
api.add("hdnet_tiling_stats", STATUS, c_double_p, c_size, c_double_p, c_size)
api.add("hdnet_unit_order", STATUS, c_int, c_size, P(c_int), c_double_p, P(c_size), c_size, P(c_size),
        P(c_size))
api.add("hdnet_sort_weights", STATUS, c_float_p, c_size, P(c_size), c_size, c_float_p, c_size)
api.add("hdnet_profile", STATUS, c_void_p, c_float_p, c_size, c_double_p, P(c_int), c_size, P(c_int), c_size,
        c_double_p, c_size, c_double_p, c_size, P(c_size))
api.add("hdnet_profile_offset", STATUS, c_double_p, c_size, P(c_double))
api.add("hdnet_pairs_mean", STATUS, c_double_p, c_size, c_double, c_double, c_int, P(c_double), P(c_size))
api.add("hdnet_autocorr", STATUS, c_double_p, c_size, c_double_p, c_size)
api.add("hdnet_wrap_deg", c_double, c_double)
api.add("hdnet_median", c_double, c_double_p, c_size)
api.add("hdnet_decoded_heading", STATUS, c_float_p, c_size, c_double_p, c_size)
api.add("hdnet_bump", STATUS, c_float_p, c_size, c_size, P(c_int), c_size, c_double_p, c_double_p, c_double_p,
        c_size)

# Array ids of hdnet_tuning_copy (HDNET_TU_*), in id order.
TUNING_ARRAYS = ("hd_edges", "hd_centres", "av_edges", "av_centres", "win_edges", "win_centres",
                 "curve", "curve_dec", "curve_ccw", "curve_cw", "curve_counts", "map", "map_dec",
                 "map_rownorm", "map_dec_rownorm", "map_counts", "map_dec_counts", "av_curve", "av_counts",
                 "pref_curve", "pref_counts", "pref_fitmask", "pref_curve_dec", "pref_counts_dec",
                 "pref_fitmask_dec")
_TUNING_NDIM = (1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2)
# Scalars of hdnet_tuning_scalar (HDNET_TS_*), in id order.
TUNING_SCALARS = ("n_samples", "n_included", "n_nonfinite_dec", "av_min", "av_max", "sigma_av",
                  "sd_with_zeros", "mean_abs_av", "zero_fraction", "win_lo", "win_hi", "zero_row", "pass",
                  "n_units")
UNIT_STAT_COUNT = 34
CLASSES = ("compass", "shifter_ccw", "shifter_cw", "weak", "inactive")
RULES = {"reference": 0, "adaptive": 1}
REASONS = {"range": 1, "strength": 2, "nofit": 4, "zero_slope": 8}
CLASSIFY_INFO = ("astar", "D", "branch", "S90")
TILING = ("n", "gmax", "gexp", "gbound", "rbar", "kuiper_v", "kuiper_p")
ORDERS = {"index": 0, "phi": 1, "blocks": 2, "blocks_weak": 3, "all": 4}
PROFILE_BINS = 360
PROFILE_ROWS = ("centre", "n", "mean", "sd", "sem")

Classification = collections.namedtuple("Classification", "classes reasons info")
Classification.__doc__ = ("Result of classify(): classes int array (index into CLASSES), reasons uint32 bit "
                          "array (REASONS), info dict (astar, D, branch, S90).")
Profile = collections.namedtuple("Profile", "centre n mean sd sem pairs")
Profile.__doc__ = ("Connectivity profile over relative preferred angle: five [360] arrays and the raw "
                   "pairs [n_pairs, 4] = (pre, post, r, w).")


def _id(name, names, what):
    if isinstance(name, (int, np.integer)) and not isinstance(name, bool):
        return int(name)
    try:
        return names.index(name)
    except ValueError:
        raise KeyError("unknown %s %r (one of %s)" % (what, name, ", ".join(names))) from None


def _f64(a, what, n=None):
    return _lib.as_f64(a, (n,), what)


def _ints(a, what):
    arr = np.asarray(a)
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError("%s: expected integers, got dtype %s" % (what, arr.dtype))
    return np.ascontiguousarray(arr.ravel(), dtype=np.intc)


# ---- parameters ----

_aparam_table = None


def _aparams():
    global _aparam_table
    if _aparam_table is None:
        table = collections.OrderedDict()
        for i in range(api.hdnet_aparam_count()):
            pid, name, lo, hi, d = c_int(), c_char_p(), c_double(), c_double(), c_double()
            api.hdnet_aparam_info(i, ctypes.byref(pid), ctypes.byref(name), ctypes.byref(lo), ctypes.byref(hi),
                                  ctypes.byref(d))
            table[name.value.decode()] = (pid.value, lo.value, hi.value, d.value)
        _aparam_table = table
    return _aparam_table


class AnalysisParams(_lib.Handle):
    """Thresholds and bin settings of the analyses (hdnet_aparams), dict-like by name.

    AnalysisParams(compass_slope_max=0.02, compat="matlab"); values read back as
    floats; "compat" also accepts "library", "matlab", "pytorch".
    """

    _free = api.hdnet_aparams_free

    def __init__(self, **params):
        h = c_void_p()
        api.hdnet_aparams_create(ctypes.byref(h))
        super().__init__(h)
        for k, v in params.items():
            self[k] = v

    def _pid(self, name):
        try:
            return _aparams()[name][0]
        except KeyError:
            raise KeyError("unknown analysis parameter %r" % (name,)) from None

    @_lib.reads
    def __getitem__(self, name):
        v = c_double()
        api.hdnet_aparams_get(self, self._pid(name), ctypes.byref(v))
        return v.value

    @_lib.writes
    def __setitem__(self, name, value):
        pid = self._pid(name)
        if isinstance(value, (str, bytes)):
            api.hdnet_aparams_set_str(self, _lib.encode(name), _lib.encode(value, "value"))
        else:
            api.hdnet_aparams_set(self, pid, float(value))

    def keys(self):
        return list(_aparams().keys())

    __iter__ = lambda self: iter(self.keys())  # noqa: E731

    def __len__(self):
        return len(_aparams())

    def __contains__(self, name):
        return name in _aparams()

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def info(self, name):
        """(id, lo, hi, default) of a parameter."""
        return _aparams()[name]

    def __repr__(self):
        if self.closed:
            return "<hdnet.AnalysisParams (closed)>"
        changed = ["%s=%r" % (k, v) for k, v in self.items() if v != _aparams()[k][3]]
        return "hdnet.AnalysisParams(%s)" % ", ".join(changed)


def _params(params):
    if params is None or isinstance(params, AnalysisParams):
        return params
    if hasattr(params, "items"):
        return AnalysisParams(**dict(params))
    raise TypeError("params must be an AnalysisParams, a dict or None")


# ---- tuning accumulator ----

class Tuning(_lib.Handle):
    """Streaming tuning analysis of n_units units (hdnet_tuning).

    Either ``t.collect(net, trials)`` (runs the network noise-free in chunks for every
    pass), or three passes of ``t.add(...)`` each closed by ``t.next_pass()`` with the
    same samples (pass 0 needs only heading and av). Then read ``t.array("curve")``
    ([N, H] mean rate per heading bin), ``t.unit_stat("phi")``, ``t.scalar("sigma_av")``,
    ``t.unit_stats()`` (dict of all per-unit statistics) and ``t.classify()``.
    """

    _free = api.hdnet_tuning_free

    def __init__(self, n_units, params=None):
        params = _params(params)
        h = c_void_p()
        with _lib.hold(reads=(params,)):
            api.hdnet_tuning_create(ctypes.byref(h), _lib.count(n_units, "n_units", 1), params)
        super().__init__(h)
        self.n_units = int(n_units)

    @_lib.writes
    def add(self, heading, av, cue, outputs=None, rates=None):
        """Add samples: heading, av [trials, steps] (radians, rad/step); outputs
        [trials, steps, 2] or None; rates [trials, steps, N] (None allowed in pass 0)."""
        th = _lib.as_f64(heading, (None, None), "heading")
        n, T = th.shape
        w = _lib.as_f64(av, (n, T), "av")
        y = None if outputs is None else _lib.as_f32(outputs, (n, T, 2), "outputs")
        h = None if rates is None else _lib.as_f32(rates, (n, T, self.n_units), "rates")
        api.hdnet_tuning_add(self, n, T, _lib.count(cue, "cue"), *_lib.dptr(th), *_lib.dptr(w), *_lib.fptr(y),
                             *_lib.fptr(h))

    @_lib.writes
    def next_pass(self):
        """Close the current pass."""
        api.hdnet_tuning_next_pass(self)

    def collect(self, net, trials, cue=None, chunk=100):
        """Run every remaining pass with net on trials (a Trials tuple from Task.generate()).
        cue: cue steps (default: the net's config "cue")."""
        x = _lib.as_f32(trials.inputs, (None, None, net.inputs), "inputs")
        n, T = x.shape[:2]
        th = _lib.as_f64(trials.heading, (n, T), "heading")
        w = _lib.as_f64(trials.av, (n, T), "av")
        if cue is None:
            cue = net.config["cue"]
        with _lib.hold(reads=(net,), writes=(self,)):
            api.hdnet_tuning_collect(self, net, n, T, _lib.count(cue, "cue"), *_lib.fptr(x), *_lib.dptr(th),
                                     *_lib.dptr(w), _lib.count(chunk, "chunk", 1))
        return self

    @_lib.reads
    def array(self, name):
        """One result array (TUNING_ARRAYS name or HDNET_TU_* id), float64, squeezed to its shape."""
        which = _id(name, TUNING_ARRAYS, "tuning array")
        n, dims = c_size(), (c_size * 3)()
        api.hdnet_tuning_array_shape(self, which, ctypes.byref(n), dims)
        shape = tuple(dims[:_TUNING_NDIM[which]]) if 0 <= which < len(_TUNING_NDIM) else (n.value,)
        out = _lib.out_f64(shape)
        api.hdnet_tuning_copy(self, which, _lib.dptr(out)[0], out.size)
        return out

    @_lib.reads
    def unit_stat(self, name):
        """A per-unit statistic [N] by name ("S", "phi", "slope", ...) or HDNET_US_* id."""
        which = _id(name, unit_stat_names(), "unit statistic")
        out = _lib.out_f64(self.n_units)
        api.hdnet_tuning_unit_stat(self, which, *_lib.dptr(out))
        return out

    def unit_stats(self):
        """Dict {name: [N] array} of every per-unit statistic available."""
        out = {}
        for i, name in enumerate(unit_stat_names()):
            try:
                out[name] = self.unit_stat(i)
            except _lib.HdnetError as e:
                if e.status != _lib.ESTATE:
                    raise
        return out

    @_lib.reads
    def scalar(self, name):
        """A scalar (TUNING_SCALARS name or HDNET_TS_* id)."""
        v = c_double()
        api.hdnet_tuning_scalar(self, _id(name, TUNING_SCALARS, "tuning scalar"), ctypes.byref(v))
        return v.value

    @_lib.reads
    def classify(self, rule="adaptive", decoded=False):
        """Classify the units: Classification(classes, reasons, info)."""
        cls = np.empty(self.n_units, dtype=np.intc)
        reasons = np.empty(self.n_units, dtype=np.uint32)
        info = _lib.out_f64(len(CLASSIFY_INFO))
        api.hdnet_tuning_classify(self, _id(rule, tuple(RULES), "rule"), int(bool(decoded)),
                                  cls.ctypes.data_as(P(c_int)), cls.size, reasons.ctypes.data_as(P(c_u32)),
                                  reasons.size, *_lib.dptr(info))
        return Classification(cls.astype(np.int64), reasons, dict(zip(CLASSIFY_INFO, info.tolist())))


def unit_stat_names():
    """Names of the per-unit statistics, in HDNET_US_* order."""
    names = []
    for i in range(UNIT_STAT_COUNT):
        n = api.hdnet_unit_stat_name(i)
        names.append(n.decode() if n else str(i))
    return tuple(names)


def classify(range_, strength, slope, slope_t=None, avmod=None, rule="adaptive", params=None):
    """Classify units from their statistics ([N] arrays: activity range, S, b; t and A for
    the adaptive rule). Returns Classification(classes, reasons, info)."""
    r = _f64(range_, "range")
    n = r.size
    s, b = _f64(strength, "strength", n), _f64(slope, "slope", n)
    t = None if slope_t is None else _f64(slope_t, "slope_t", n)
    a = None if avmod is None else _f64(avmod, "avmod", n)
    cls = np.empty(n, dtype=np.intc)
    reasons = np.empty(n, dtype=np.uint32)
    info = _lib.out_f64(len(CLASSIFY_INFO))
    api.hdnet_classify(_id(rule, tuple(RULES), "rule"), _params(params), n, _lib.dptr(r)[0], _lib.dptr(s)[0],
                       _lib.dptr(b)[0], _lib.dptr(t)[0], _lib.dptr(a)[0], cls.ctypes.data_as(P(c_int)),
                       reasons.ctypes.data_as(P(c_u32)), *_lib.dptr(info))
    return Classification(cls.astype(np.int64), reasons, dict(zip(CLASSIFY_INFO, info.tolist())))


def class_name(cls):
    """"compass", "shifter_ccw", "shifter_cw", "weak" or "inactive"."""
    n = api.hdnet_class_name(int(cls))
    if n is None:
        raise KeyError(cls)
    return n.decode()


def tiling_stats(phi):
    """Tiling statistics of preferred directions (degrees; NaN skipped): dict with
    n, gmax, gexp, gbound, rbar, kuiper_v, kuiper_p."""
    p = _f64(phi, "phi")
    out = _lib.out_f64(len(TILING))
    api.hdnet_tiling_stats(_lib.dptr(p)[0], p.size, *_lib.dptr(out))
    return dict(zip(TILING, out.tolist()))


def unit_order(classes, phi, order="blocks"):
    """Unit order for sorted weights and map grids: (perm int array, bounds [6]) where
    block c (compass, CCW, CW, weak, inactive) is perm[bounds[c]:bounds[c+1]]."""
    c = _ints(classes, "classes")
    p = _f64(phi, "phi", c.size)
    perm = np.empty(c.size, dtype=np.uintp)
    n_perm = c_size()
    bounds = (c_size * 6)()
    api.hdnet_unit_order(_id(order, tuple(ORDERS), "order"), c.size, c.ctypes.data_as(P(c_int)),
                         _lib.dptr(p)[0], perm.ctypes.data_as(P(c_size)), perm.size, ctypes.byref(n_perm), bounds)
    return perm[:n_perm.value].astype(np.int64), np.array(bounds[:], dtype=np.int64)


def sort_weights(w, perm):
    """W_sorted[r, c] = W[perm[r], perm[c]] (float32)."""
    a = np.asarray(w)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("w: expected a square matrix, got shape %s" % (a.shape,))
    a = _lib.as_f32(a, a.shape, "w")
    pm = np.asarray(perm)
    if pm.size and (pm.dtype.kind not in "iu" or pm.min() < 0):
        raise ValueError("perm: expected non-negative unit indices")
    pm = np.ascontiguousarray(pm.ravel(), dtype=np.uintp)
    out = _lib.out_f32((pm.size, pm.size))
    api.hdnet_sort_weights(_lib.fptr(a)[0], a.shape[0], pm.ctypes.data_as(P(c_size)), pm.size, *_lib.fptr(out))
    return out


def profile(w_rec, phi, pre, post, params=None):
    """Connectivity of post <- pre pairs against r = wrap(phi_post - phi_pre), in 360 bins
    (smoothed as the analysis parameters say). Returns Profile(centre, n, mean, sd, sem, pairs)."""
    w = np.asarray(w_rec)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError("w_rec: expected a square matrix, got shape %s" % (w.shape,))
    n = w.shape[0]
    w = _lib.as_f32(w, (n, n), "w_rec")
    p = _f64(phi, "phi", n)
    a, b = _ints(pre, "pre"), _ints(post, "post")
    table = _lib.out_f64((len(PROFILE_ROWS), PROFILE_BINS))
    cap = a.size * b.size
    pairs = _lib.out_f64((max(cap, 1), 4))
    n_pairs = c_size()
    api.hdnet_profile(_params(params), _lib.fptr(w)[0], n, _lib.dptr(p)[0], a.ctypes.data_as(P(c_int)), a.size,
                      b.ctypes.data_as(P(c_int)), b.size, *_lib.dptr(table), _lib.dptr(pairs)[0], cap,
                      ctypes.byref(n_pairs))
    return Profile(*table, pairs[:n_pairs.value])


def _table(t):
    if isinstance(t, Profile):
        t = np.stack(t[:len(PROFILE_ROWS)])
    return _lib.as_f64(t, (len(PROFILE_ROWS), PROFILE_BINS), "table")


def profile_offset(table):
    """delta = arg sum_k max(mean_k, 0) e^{i centre_k} in degrees (NaN if no bin is positive)."""
    t = _table(table)
    d = c_double()
    api.hdnet_profile_offset(*_lib.dptr(t), ctypes.byref(d))
    return d.value


def pairs_mean(pairs, r_lo, r_hi, absolute=False):
    """(mean weight, count) of raw pairs with r_lo <= r <= r_hi (|r| when absolute)."""
    if isinstance(pairs, Profile):
        pairs = pairs.pairs
    p = _lib.as_f64(pairs, (None, 4), "pairs")
    m, n = c_double(), c_size()
    api.hdnet_pairs_mean(_lib.dptr(p)[0], p.shape[0], float(r_lo), float(r_hi), int(bool(absolute)),
                         ctypes.byref(m), ctypes.byref(n))
    return m.value, n.value


def autocorr(x, n_lags):
    """Autocorrelation rho(k), k = 0..n_lags-1 (mean-subtracted, rho(0) = 1)."""
    a = _f64(x, "x")
    out = _lib.out_f64(_lib.count(n_lags, "n_lags", 1))
    api.hdnet_autocorr(*_lib.dptr(a), *_lib.dptr(out))
    return out


def wrap_deg(x):
    """wrap(x) into (-180, 180] degrees, elementwise (float or array)."""
    if np.ndim(x) == 0:
        return float(api.hdnet_wrap_deg(float(x)))
    a = np.asarray(x, dtype=np.float64)
    return np.array([api.hdnet_wrap_deg(float(v)) for v in a.ravel()]).reshape(a.shape)


def median(x):
    """Median of the finite values of x (NaN when there is none)."""
    a = np.array(x, dtype=np.float64).ravel()  # a copy: the C function reorders it
    return float(api.hdnet_median(*_lib.dptr(a)))


def decoded_heading(outputs):
    """The heading the readout encodes, atan2(y_sin, y_cos) in degrees in [0, 360), for
    outputs [..., 2]; shape [...]; NaN where an output is not finite."""
    y = np.asarray(outputs)
    if y.ndim < 1 or y.shape[-1] != 2:
        raise ValueError("outputs: expected shape (..., 2), got %s" % (y.shape,))
    y = _lib.as_f32(y, y.shape, "outputs")
    out = _lib.out_f64(y.shape[:-1])
    api.hdnet_decoded_heading(_lib.fptr(y)[0], out.size, *_lib.dptr(out))
    return out


def bump(rates, units, phi):
    """The activity bump of the selected units (population vector) for rates [..., N]:
    (strength B, position psi in degrees in (-180, 180]), each of shape [...].
    units: indices of the ring's units; phi: [N] preferred headings in degrees."""
    r = np.asarray(rates)
    if r.ndim < 1:
        raise ValueError("rates: expected shape (..., N), got %s" % (r.shape,))
    r = _lib.as_f32(r, r.shape, "rates")
    n_units = r.shape[-1]
    u = _ints(units, "units")
    p = _f64(phi, "phi", n_units)
    strength, position = _lib.out_f64(r.shape[:-1]), _lib.out_f64(r.shape[:-1])
    api.hdnet_bump(_lib.fptr(r)[0], strength.size, n_units, u.ctypes.data_as(P(c_int)), u.size, _lib.dptr(p)[0],
                   _lib.dptr(strength)[0], _lib.dptr(position)[0], strength.size)
    return strength, position
