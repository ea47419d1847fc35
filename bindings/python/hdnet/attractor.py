"""The network as a dynamical system (attractor.h): vector field, Jacobian, fixed
and slow points with their spectra, the ring they form, gain, diffusion, long
trials, low-rank recurrence and PCA.

F(a, x) = alpha * (-a + W_rec f(a) + W_in x + b_rec) is the change of the state over
one step under a constant input x; eigenvalues of its Jacobian are rates per
step. Headings are in degrees, angular velocities in degrees per step.
"""
import collections
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_u64, c_double, c_void_p, c_char_p, STATUS, P, c_float_p, c_double_p
from .net import Net
from .rng import as_rng

api.add("hdnet_attractor_field", STATUS, c_void_p, c_double_p, c_size, c_double_p, c_size, c_double_p, c_size)
api.add("hdnet_attractor_jacobian", STATUS, c_void_p, c_double_p, c_size, c_double_p, c_size)
api.add("hdnet_attractor_heading", STATUS, c_void_p, c_double_p, c_size, c_double_p, c_size, P(c_double),
        P(c_double))
api.add("hdnet_attractor_leading_mode", STATUS, c_void_p, c_double_p, c_size, P(c_double), P(c_double),
        c_double_p, c_size)
api.add("hdnet_attractor_states", STATUS, c_void_p, c_size, c_size, c_float_p, c_size, c_double_p, c_size,
        c_double_p, c_size)
api.add("hdnet_fpparams_create", STATUS, P(c_void_p))
api.add("hdnet_fpparams_free", None, c_void_p)
api.add("hdnet_fpparams_set", STATUS, c_void_p, c_int, c_double)
api.add("hdnet_fpparams_get", STATUS, c_void_p, c_int, P(c_double))
api.add("hdnet_fpparam_name", c_char_p, c_int)
api.add("hdnet_fp_find", STATUS, c_void_p, c_void_p, c_double_p, c_size, c_size, c_double_p, c_size, c_void_p,
        P(c_void_p))
api.add("hdnet_fp_free", None, c_void_p)
api.add("hdnet_fp_dims", STATUS, c_void_p, P(c_size), P(c_size))
api.add("hdnet_fp_copy", STATUS, c_void_p, c_int, c_double_p, c_size)
api.add("hdnet_fp_scalar", STATUS, c_void_p, c_int, P(c_double))
api.add("hdnet_attractor_gain", STATUS, c_void_p, c_double_p, c_size, c_size, c_size, c_size, c_u64, c_double_p,
        c_size, c_double_p, c_size)
api.add("hdnet_gain_limit", STATUS, c_double_p, c_double_p, c_size, c_double, P(c_double))
api.add("hdnet_attractor_diffusion", STATUS, c_void_p, c_double_p, c_size, c_size, c_size, c_u64, c_double_p,
        c_size, c_double_p, c_size)
api.add("hdnet_attractor_long_error", STATUS, c_void_p, c_size, c_size, c_u64, P(c_double))
api.add("hdnet_attractor_rank_error", STATUS, c_void_p, c_void_p, P(c_size), c_size, c_size, c_u64, c_double_p,
        c_size, c_double_p, c_size)
api.add("hdnet_pca", STATUS, c_double_p, c_size, c_size, c_size, c_double_p, c_size, c_double_p, c_size,
        c_double_p, c_size)

FINDER_PARAMS = ("q_tol", "q_keep", "max_iter", "damping", "step_tol", "dedup", "jitter", "eig_tol", "threads")
# Arrays (HDNET_FPA_*) and scalars (HDNET_FPS_*) of a finder result, in id order.
POINT_ARRAYS = ("state", "rate", "q", "heading", "velocity", "eig_re", "eig_im", "n_unstable", "n_marginal",
                "n_starts")
_WIDE = ("state", "rate", "eig_re", "eig_im")
POINT_SCALARS = ("n_points", "n_starts", "n_converged", "n_kept", "mean_iter", "largest_gap", "mean_abs_velocity",
                 "max_abs_velocity", "mean_velocity", "n_stable", "n_one_marginal", "median_lead", "median_second",
                 "max_q")

Gain = collections.namedtuple("Gain", "speed sd")
Diffusion = collections.namedtuple("Diffusion", "var coef")
RankError = collections.namedtuple("RankError", "ne singular_values")
Pca = collections.namedtuple("Pca", "mean components variance")


def _net(net):
    if not isinstance(net, Net):
        raise TypeError("net must be an hdnet.Net, got %s" % type(net).__name__)
    return net


def _state(net, a):
    return _lib.as_f64(a, (net.units,), "a")


def _input(net, x):
    return None if x is None else _lib.as_f64(x, (net.inputs,), "x")


def field(net, a, x=None):
    """F(a, x) [N], the change of the state a over one step under the constant input x (None: zero)."""
    net = _net(net)
    a, x = _state(net, a), _input(net, x)
    out = _lib.out_f64(net.units)
    api.hdnet_attractor_field(net, *_lib.dptr(a), *_lib.dptr(x), *_lib.dptr(out))
    return out


def jacobian(net, a):
    """The analytic Jacobian dF/da [N, N] at a (row i = dF_i/da); it does not depend on the input."""
    net = _net(net)
    a = _state(net, a)
    out = _lib.out_f64((net.units, net.units))
    api.hdnet_attractor_jacobian(net, *_lib.dptr(a), *_lib.dptr(out))
    return out


def heading(net, a, x=None):
    """(decoded heading in degrees, its velocity along F(., x) in degrees per step) at the state a."""
    net = _net(net)
    a, x = _state(net, a), _input(net, x)
    h, v = c_double(), c_double()
    api.hdnet_attractor_heading(net, *_lib.dptr(a), *_lib.dptr(x), ctypes.byref(h), ctypes.byref(v))
    return h.value, v.value


def leading_mode(net, a):
    """(eigenvalue, unit eigenvector [N]) of J(a) with the largest real part; the
    eigenvalue is complex for a pair (the vector is then the real part)."""
    net = _net(net)
    a = _state(net, a)
    re, im = c_double(), c_double()
    vec = _lib.out_f64(net.units)
    api.hdnet_attractor_leading_mode(net, *_lib.dptr(a), ctypes.byref(re), ctypes.byref(im), *_lib.dptr(vec))
    return (complex(re.value, im.value) if im.value else re.value), vec


def states(net, inputs, a_init=None):
    """Noise-free pre-activation trajectories [trials, steps, N] (float64) for inputs [trials, steps, I]."""
    net = _net(net)
    x = _lib.as_f32(inputs, (None, None, net.inputs), "inputs")
    n, T = x.shape[0], x.shape[1]
    a0 = None if a_init is None else _lib.as_f64(a_init, (n, net.units), "a_init")
    out = _lib.out_f64((n, T, net.units))
    api.hdnet_attractor_states(net, n, T, *_lib.fptr(x), *_lib.dptr(a0), *_lib.dptr(out))
    return out


class FinderParams(_lib.Handle):
    """Settings of the fixed-point finder (hdnet_fpparams), dict-like by name:
    FinderParams(q_tol=1e-12, threads=2). Names: FINDER_PARAMS."""

    _free = api.hdnet_fpparams_free

    def __init__(self, **params):
        h = c_void_p()
        api.hdnet_fpparams_create(ctypes.byref(h))
        super().__init__(h)
        for k, v in params.items():
            self[k] = v

    @staticmethod
    def _id(name):
        try:
            return FINDER_PARAMS.index(name)
        except ValueError:
            raise KeyError("unknown finder setting %r (one of %s)" % (name, ", ".join(FINDER_PARAMS))) from None

    def __getitem__(self, name):
        v = c_double()
        api.hdnet_fpparams_get(self, self._id(name), ctypes.byref(v))
        return v.value

    def __setitem__(self, name, value):
        api.hdnet_fpparams_set(self, self._id(name), float(value))

    def keys(self):
        return list(FINDER_PARAMS)

    def items(self):
        return [(k, self[k]) for k in FINDER_PARAMS]

    def __repr__(self):
        return "FinderParams(%s)" % ", ".join("%s=%g" % kv for kv in self.items())


def finder_param_name(i):
    """C name of finder setting id i (hdnet_fpparam_name), or None."""
    n = api.hdnet_fpparam_name(int(i))
    return None if n is None else n.decode()


class FixedPoints(_lib.Handle):
    """Result of find_fixed_points(): points sorted by decoded heading. arrays: dict of
    POINT_ARRAYS (state, rate, eig_re, eig_im are [K, N]); scalars: dict of POINT_SCALARS."""

    _free = api.hdnet_fp_free

    def __init__(self, handle):
        super().__init__(handle)
        k, n = c_size(), c_size()
        api.hdnet_fp_dims(self, ctypes.byref(k), ctypes.byref(n))
        self.n_points, self.units = k.value, n.value

    def __len__(self):
        return self.n_points

    def array(self, name):
        """One array as float64 ([K] or [K, N])."""
        try:
            which = POINT_ARRAYS.index(name)
        except ValueError:
            raise KeyError("unknown array %r (one of %s)" % (name, ", ".join(POINT_ARRAYS))) from None
        shape = (self.n_points, self.units) if name in _WIDE else (self.n_points,)
        out = _lib.out_f64(shape)
        api.hdnet_fp_copy(self, which, *_lib.dptr(out))
        return out

    @property
    def arrays(self):
        return {name: self.array(name) for name in POINT_ARRAYS}

    def scalar(self, name):
        try:
            which = POINT_SCALARS.index(name)
        except ValueError:
            raise KeyError("unknown scalar %r (one of %s)" % (name, ", ".join(POINT_SCALARS))) from None
        v = c_double()
        api.hdnet_fp_scalar(self, which, ctypes.byref(v))
        return v.value

    @property
    def scalars(self):
        return {name: self.scalar(name) for name in POINT_SCALARS}


def find_fixed_points(net, starts, x=None, params=None, rng=None, **settings):
    """Fixed and slow points of F(., x) from starts [S, N] (hdnet_fp_find). params: a
    FinderParams, or settings as keywords (q_tol=..., threads=...); rng: Rng or seed
    for the jitter. Returns FixedPoints."""
    net = _net(net)
    s = _lib.as_f64(starts, (None, net.units), "starts")
    if params is None:
        params = FinderParams(**settings)
    elif settings:
        raise TypeError("give params or keyword settings, not both")
    xs = _input(net, x)
    h = c_void_p()
    api.hdnet_fp_find(net, params, *_lib.dptr(s)[:1], s.shape[0], s.size, *_lib.dptr(xs), as_rng(rng),
                      ctypes.byref(h))
    return FixedPoints(h)


def gain(net, omega, trials=16, steps=310, settle=50, seed=1):
    """Decoded bump speed against constant input angular velocity (degrees per step):
    Gain(speed, sd), each [len(omega)]."""
    net = _net(net)
    om = _lib.as_f64(np.atleast_1d(omega), (None,), "omega")
    sp, sd = _lib.out_f64(om.size), _lib.out_f64(om.size)
    api.hdnet_attractor_gain(net, *_lib.dptr(om), trials, steps, settle, seed, *_lib.dptr(sp), *_lib.dptr(sd))
    return Gain(sp, sd)


def gain_limit(omega, speed, rel_err=0.1):
    """Largest |omega| up to which every |speed/omega - 1| <= rel_err (hdnet_gain_limit)."""
    om = _lib.as_f64(np.atleast_1d(omega), (None,), "omega")
    sp = _lib.as_f64(np.atleast_1d(speed), (om.size,), "speed")
    out = c_double()
    api.hdnet_gain_limit(_lib.dptr(om)[0], _lib.dptr(sp)[0], om.size, float(rel_err), ctypes.byref(out))
    return out.value


def diffusion(net, noise_sd, trials=128, steps=1000, seed=1):
    """Heading variance against time at zero input under rate noise: Diffusion(var
    [levels, steps] in deg^2, coef [levels] in deg^2 per step)."""
    net = _net(net)
    sd = _lib.as_f64(np.atleast_1d(noise_sd), (None,), "noise_sd")
    var, coef = _lib.out_f64((sd.size, steps)), _lib.out_f64(sd.size)
    api.hdnet_attractor_diffusion(net, *_lib.dptr(sd), trials, steps, seed, *_lib.dptr(var), *_lib.dptr(coef))
    return Diffusion(var, coef)


def long_error(net, factor=10, trials=100, seed=1):
    """Normalized error on task trials factor x the training length."""
    out = c_double()
    api.hdnet_attractor_long_error(_net(net), int(factor), int(trials), int(seed), ctypes.byref(out))
    return out.value


def rank_error(net, ranks=None, trials=64, seed=1, base=None):
    """Normalized error after truncating W_rec (or, with base, W_rec - W_base) to rank r
    for each r (default 1..N): RankError(ne, singular_values)."""
    net = _net(net)
    r = np.arange(1, net.units + 1) if ranks is None else np.atleast_1d(ranks)
    if r.dtype.kind not in "iu" or (r < 0).any():
        raise ValueError("ranks must be non-negative integers")
    rr = np.ascontiguousarray(r, dtype=np.uintp)
    ne, sv = _lib.out_f64(rr.size), _lib.out_f64(net.units)
    api.hdnet_attractor_rank_error(net, None if base is None else _net(base), rr.ctypes.data_as(P(c_size)),
                                   rr.size, trials, seed, *_lib.dptr(ne), *_lib.dptr(sv))
    return RankError(ne, sv)


def pca(x, k=3):
    """Principal components of samples x [n, dim]: Pca(mean [dim], components [k, dim], variance [k])."""
    a = _lib.as_f64(x, (None, None), "x")
    mean, comps, var = _lib.out_f64(a.shape[1]), _lib.out_f64((k, a.shape[1])), _lib.out_f64(k)
    api.hdnet_pca(_lib.dptr(a)[0], a.shape[0], a.shape[1], k, *_lib.dptr(mean), *_lib.dptr(comps), *_lib.dptr(var))
    return Pca(mean, comps, var)
