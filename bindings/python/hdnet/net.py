"""hdnet.Net: the continuous-time recurrent network, its forward pass and gradient."""
import collections
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_double, c_void_p, c_char_p, STATUS, P, c_float_p, c_double_p
from .config import Config
from .rng import Rng, as_rng
from .task import as_config

api.add("hdnet_net_create", STATUS, P(c_void_p), c_void_p, c_void_p)
api.add("hdnet_net_free", None, c_void_p)
api.add("hdnet_net_clone", STATUS, c_void_p, P(c_void_p))
api.add("hdnet_net_get_config", STATUS, c_void_p, P(c_void_p))
api.add("hdnet_net_dims", STATUS, c_void_p, P(c_size), P(c_size), P(c_size))
api.add("hdnet_net_num_params", c_size, c_void_p)
api.add("hdnet_block_id", STATUS, c_char_p, P(c_int))
api.add("hdnet_block_name", c_char_p, c_int)
api.add("hdnet_net_block_info", STATUS, c_void_p, c_int, P(c_size), P(c_size), P(c_size))
api.add("hdnet_net_block_learned", STATUS, c_void_p, c_int)
api.add("hdnet_net_copy_block", STATUS, c_void_p, c_int, c_float_p, c_size)
api.add("hdnet_net_set_block", STATUS, c_void_p, c_int, c_float_p, c_size)
api.add("hdnet_net_copy_params", STATUS, c_void_p, c_float_p, c_size)
api.add("hdnet_net_set_params", STATUS, c_void_p, c_float_p, c_size)
api.add("hdnet_net_forward", STATUS, c_void_p, c_size, c_size, c_float_p, c_size, c_float_p, c_size,
        c_void_p, c_float_p, c_size, c_float_p, c_size, c_float_p, c_size)
api.add("hdnet_net_loss_grad", STATUS, c_void_p, c_size, c_size, c_float_p, c_size, c_float_p, c_size,
        c_float_p, c_size, c_float_p, c_size, c_void_p, c_double, c_double_p, c_size, c_float_p, c_size)
api.add("hdnet_normalized_error", STATUS, c_float_p, c_float_p, c_float_p, c_size, c_size, c_size,
        P(c_double))
api.add("hdnet_normalized_error_window", STATUS, c_float_p, c_float_p, c_float_p, c_size, c_size, c_size,
        c_size, c_size, P(c_double))
api.add("hdnet_hold_error", STATUS, c_float_p, c_float_p, c_size, c_size, c_size, c_size, P(c_double))
api.add("hdnet_perturb_create", STATUS, P(c_void_p))
api.add("hdnet_perturb_free", None, c_void_p)
api.add("hdnet_perturb_add", STATUS, c_void_p, c_int, P(c_int), c_size, c_size, c_size, c_double)
api.add("hdnet_net_save", STATUS, c_void_p, c_char_p)
api.add("hdnet_net_save_mem", STATUS, c_void_p, c_void_p, c_size, P(c_size))
api.add("hdnet_net_save_npz", STATUS, c_void_p, c_void_p)
api.add("hdnet_net_load", STATUS, P(c_void_p), c_char_p)
api.add("hdnet_net_load_mem", STATUS, P(c_void_p), c_void_p, c_size)
api.add("hdnet_net_load_npz", STATUS, P(c_void_p), c_void_p)
api.add("hdnet_net_run", STATUS, c_void_p, c_size, c_size, c_float_p, c_size, c_float_p, c_size,
        c_void_p, c_float_p, c_size, c_float_p, c_size, c_float_p, c_size)

BLOCKS = ("W_in", "b_rec", "W_rec", "W_out", "b_out", "ah0")
"""Parameter blocks in the order of the flat parameter vector."""
_VECTORS = ("b_rec", "b_out", "ah0")
LOSS_TERMS = ("total", "main", "rate", "weight")
"""Keys of the loss dict of Net.loss_and_grad() (HDNET_LOSS_* order)."""
PERTURB_MODES = {"rate": 0, "outgoing": 1, "outgoing_readout": 2}

Forward = collections.namedtuple("Forward", "outputs rates")
Forward.__doc__ = "Result of Net.forward(): outputs [trials, steps, O], rates [trials, steps, N] (or None)."
Run = collections.namedtuple("Run", "outputs rates shadow")
Run.__doc__ = ("Result of Net.run(): outputs [trials, steps, O], rates [trials, steps, N] as used, "
               "shadow rates f(a) [trials, steps, N] (None unless requested).")


def _block_id(name):
    if isinstance(name, (int, np.integer)) and not isinstance(name, bool):
        if not 0 <= int(name) < len(BLOCKS):
            raise KeyError("unknown block id %r" % (name,))
        return int(name)
    try:
        return BLOCKS.index(name)
    except ValueError:
        raise KeyError("unknown block %r (one of %s)" % (name, ", ".join(BLOCKS))) from None


class Perturbations(_lib.Handle):
    """A list of perturbations for Net.run() (hdnet_perturb).

    add(mode, units, t_on, t_off, value=0.0) with mode "rate" (clamp the rates of
    units to value), "outgoing" (their W_rec columns act as 0) or
    "outgoing_readout" (their W_rec and W_out columns act as 0), for steps
    t_on <= t < t_off.
    """

    _free = api.hdnet_perturb_free

    def __init__(self, items=()):
        h = c_void_p()
        api.hdnet_perturb_create(ctypes.byref(h))
        super().__init__(h)
        for item in items:
            if hasattr(item, "items"):
                self.add(**item)
            else:
                self.add(*item)

    @_lib.writes
    def add(self, mode, units, t_on, t_off, value=0.0):
        """Perturb units (sequence of unit indices) for t_on <= t < t_off; returns self."""
        if isinstance(mode, str):
            try:
                mode = PERTURB_MODES[mode]
            except KeyError:
                raise ValueError("mode must be one of %s, got %r" % (", ".join(PERTURB_MODES), mode)) from None
        u = np.asarray(units)
        if u.size and u.dtype.kind == "O" and all(isinstance(v, int) for v in u.ravel()):
            u = np.array([min(max(v, -1), 2 ** 63 - 1) for v in u.ravel()], dtype=np.int64)  # huge ints
        if u.size and u.dtype.kind not in "iu":
            raise TypeError("units must be integers, got dtype %s" % u.dtype)
        # check before converting: 2**32 + 5 must not become unit 5
        if u.size and (u.min() < 0 or u.max() > np.iinfo(np.intc).max):
            raise ValueError("units must be unit indices in [0, %d]" % np.iinfo(np.intc).max)
        u = np.ascontiguousarray(u.ravel(), dtype=np.intc)
        api.hdnet_perturb_add(self, int(mode), u.ctypes.data_as(P(c_int)), u.size,
                              _lib.count(t_on, "t_on"), _lib.count(t_off, "t_off"), float(value))
        return self


class Net(_lib.Handle):
    """A continuous-time RNN (hdnet_net).

    Net(cfg=None, rng=None): built from the model parameters of cfg (Config, dict or
    None for defaults) and initialised from rng (an Rng, an int seed, or None for
    Rng(cfg["seed"])). Arrays are float32, C order, weights [post, pre]:
    inputs [trials, steps, I], outputs [trials, steps, O], rates [trials, steps, N].

    Blocks: W_in [N, I], b_rec [N], W_rec [N, N], W_out [O, N], b_out [O], ah0 [N].
    ``net.params`` is a dict of copies; assign a (partial) dict to set blocks.
    Calls on a net may run concurrently from several threads as long as none
    modifies it (set_block, params =).
    """

    _free = api.hdnet_net_free

    def __init__(self, cfg=None, rng=None, _handle=None):
        if _handle is None:
            cfg = as_config(cfg)
            rng = as_rng(rng)
            if rng is None:
                rng = Rng(cfg["seed"])
            _handle = c_void_p()
            with _lib.hold(reads=(cfg,), writes=(rng,)):
                api.hdnet_net_create(ctypes.byref(_handle), cfg, rng)
        super().__init__(_handle)
        n, i, o = c_size(), c_size(), c_size()
        api.hdnet_net_dims(self, ctypes.byref(n), ctypes.byref(i), ctypes.byref(o))
        self.units, self.inputs, self.outputs = n.value, i.value, o.value

    # ---- structure ----
    @property
    @_lib.reads
    def num_params(self):
        """Length of the flat parameter (and gradient) vector."""
        return int(api.hdnet_net_num_params(self))

    @property
    @_lib.reads
    def config(self):
        """A copy of the config the network was built from."""
        h = c_void_p()
        api.hdnet_net_get_config(self, ctypes.byref(h))
        return Config(_handle=h)

    @_lib.reads
    def copy(self):
        """A deep copy."""
        h = c_void_p()
        api.hdnet_net_clone(self, ctypes.byref(h))
        return Net(_handle=h)

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def block_shape(self, name):
        """Shape of a block: (rows, cols) for weights, (rows,) for b_rec, b_out and ah0."""
        return self._block_info(_block_id(name))[0]

    def block_offset(self, name):
        """Offset of a block in the flat parameter vector."""
        return self._block_info(_block_id(name))[1]

    @_lib.reads
    def _block_info(self, which):
        r, c, off = c_size(), c_size(), c_size()
        api.hdnet_net_block_info(self, which, ctypes.byref(r), ctypes.byref(c), ctypes.byref(off))
        shape = (r.value,) if BLOCKS[which] in _VECTORS else (r.value, c.value)
        return shape, off.value

    @_lib.reads
    def learned(self, name):
        """True if the block is trained, False if frozen."""
        return bool(api.hdnet_net_block_learned(self, _block_id(name)))

    # ---- parameters ----
    @_lib.reads
    def get_block(self, name):
        """A copy of one block as a float32 array."""
        which = _block_id(name)
        out = _lib.out_f32(self._block_info(which)[0])
        api.hdnet_net_copy_block(self, which, *_lib.fptr(out))
        return out

    @_lib.writes
    def set_block(self, name, values):
        """Set one block (finite values of the block's shape); unchanged on failure."""
        which = _block_id(name)
        a = _lib.as_f32(values, self._block_info(which)[0], BLOCKS[which])
        api.hdnet_net_set_block(self, which, *_lib.fptr(a))

    @property
    def params(self):
        """Dict {block name: float32 array copy} of every block."""
        return {name: self.get_block(name) for name in BLOCKS}

    @params.setter
    def params(self, blocks):
        for name, values in blocks.items():
            self.set_block(name, values)

    @_lib.reads
    def get_flat_params(self):
        """The flat parameter vector (blocks in BLOCKS order), float32 [num_params]."""
        out = _lib.out_f32(self.num_params)
        api.hdnet_net_copy_params(self, *_lib.fptr(out))
        return out

    @_lib.writes
    def set_flat_params(self, values):
        """Set the flat parameter vector."""
        a = _lib.as_f32(values, (self.num_params,), "params")
        api.hdnet_net_set_params(self, *_lib.fptr(a))

    def unflatten(self, flat):
        """Split a flat vector (e.g. a gradient) into a dict of block-shaped views."""
        flat = np.asarray(flat)
        out = {}
        for which, name in enumerate(BLOCKS):
            shape, off = self._block_info(which)
            size = int(np.prod(shape))
            out[name] = flat[off:off + size].reshape(shape)
        return out

    # ---- running ----
    def _inputs(self, inputs):
        x = _lib.as_f32(inputs, (None, None, self.inputs), "inputs")
        return x, x.shape[0], x.shape[1]

    def _a_init(self, a_init, n):
        if a_init is None:
            return None
        a = np.asarray(a_init)
        if a.ndim == 1:
            a = np.broadcast_to(a, (n,) + a.shape)
        return _lib.as_f32(a, (n, self.units), "a_init")

    def forward(self, inputs, noise=None, rng=None, a_init=None, rates=True):
        """Forward pass over a batch.

        inputs: [trials, steps, I]. noise: rate noise [trials, steps, N] added after f,
        or None; rng: if noise is None, draw noise of SD cfg["rate_noise"] from this
        Rng (or int seed); both None: noise-free. a_init: initial pre-activation
        [trials, N] or [N], None for ah0. Returns Forward(outputs, rates); rates is
        None when rates=False.
        """
        x, n, T = self._inputs(inputs)
        z = None if noise is None else _lib.as_f32(noise, (n, T, self.units), "noise")
        rng = as_rng(rng)
        a0 = self._a_init(a_init, n)
        y = _lib.out_f32((n, T, self.outputs))
        h = _lib.out_f32((n, T, self.units)) if rates else None
        with _lib.hold(reads=(self,), writes=(rng,)):
            api.hdnet_net_forward(self, n, T, *_lib.fptr(x), *_lib.fptr(z), rng, *_lib.fptr(a0),
                                  *_lib.fptr(y), *_lib.fptr(h))
        return Forward(y, h)

    def run(self, inputs, a_init=None, perturbations=None, rates=True, shadow=False):
        """Noise-free run with optional perturbations.

        perturbations: a Perturbations object, or a list of (mode, units, t_on,
        t_off[, value]) tuples or dicts. Returns Run(outputs, rates, shadow): rates
        as used (clamped inside rate windows), shadow = f(a) noise-free and
        unclamped (None unless shadow=True).
        """
        x, n, T = self._inputs(inputs)
        a0 = self._a_init(a_init, n)
        p = perturbations
        if p is not None and not isinstance(p, Perturbations):
            p = Perturbations(p)
        y = _lib.out_f32((n, T, self.outputs))
        h = _lib.out_f32((n, T, self.units)) if rates else None
        s = _lib.out_f32((n, T, self.units)) if shadow else None
        with _lib.hold(reads=(self, p)):
            api.hdnet_net_run(self, n, T, *_lib.fptr(x), *_lib.fptr(a0), p, *_lib.fptr(y),
                              *_lib.fptr(h), *_lib.fptr(s))
        return Run(y, h, s)

    def loss_and_grad(self, inputs, targets, mask, noise=None, rng=None, rate_l2=None, grad=True):
        """Loss terms and their exact gradient (BPTT) on a batch.

        inputs [trials, steps, I], targets and mask [trials, steps, O]; noise, rng as
        forward(); rate_l2: the rate penalty (default: the config's "rate_l2").
        Returns (loss, grads): loss = {"total", "main", "rate", "weight"} floats;
        grads = {block name: float32 array} (None when grad=False). Frozen blocks
        get zero gradients.
        """
        x, n, T = self._inputs(inputs)
        y = _lib.as_f32(targets, (n, T, self.outputs), "targets")
        m = _lib.as_f32(mask, (n, T, self.outputs), "mask")
        z = None if noise is None else _lib.as_f32(noise, (n, T, self.units), "noise")
        rng = as_rng(rng)
        if rate_l2 is None:
            rate_l2 = self.config["rate_l2"]
        loss = _lib.out_f64(len(LOSS_TERMS))
        g = _lib.out_f32(self.num_params) if grad else None
        with _lib.hold(reads=(self,), writes=(rng,)):
            api.hdnet_net_loss_grad(self, n, T, *_lib.fptr(x), *_lib.fptr(y), *_lib.fptr(m),
                                    *_lib.fptr(z), rng, float(rate_l2), *_lib.dptr(loss), *_lib.fptr(g))
        terms = {k: float(v) for k, v in zip(LOSS_TERMS, loss)}
        return terms, (self.unflatten(g) if grad else None)

    # ---- model files (io.h) ----
    @_lib.reads
    def save(self, path):
        """Write the network as a model file (.npz: the six blocks, config text,
        format and library versions), atomically. np.load(path) reads it too."""
        api.hdnet_net_save(self, _lib.fspath(path))

    @_lib.reads
    def to_bytes(self):
        """The model-file bytes (saving, loading and saving again gives the same bytes)."""
        return _lib.to_bytes(api.hdnet_net_save_mem, self)

    @classmethod
    def load(cls, path):
        """Read a network from a model file; parameters are restored bit for bit."""
        h = c_void_p()
        api.hdnet_net_load(ctypes.byref(h), _lib.fspath(path))
        return cls(_handle=h)

    @classmethod
    def from_bytes(cls, data):
        """Read a network from model-file bytes."""
        data = bytes(data)
        h = c_void_p()
        api.hdnet_net_load_mem(ctypes.byref(h), data, len(data))
        return cls(_handle=h)

    @classmethod
    def from_npz(cls, npz):
        """Read a network from an hdnet.Npz archive (e.g. a checkpoint)."""
        h = c_void_p()
        with _lib.hold(reads=(npz,)):
            api.hdnet_net_load_npz(ctypes.byref(h), npz)
        return cls(_handle=h)

    def to_npz(self, npz):
        """Add the model-file members to an hdnet.Npz archive."""
        with _lib.hold(reads=(self,), writes=(npz,)):
            api.hdnet_net_save_npz(self, npz)

    def __reduce__(self):
        # pickle through the model-file bytes
        return (_net_from_bytes, (self.to_bytes(),))

    def __repr__(self):
        if self.closed:
            return "<hdnet.Net (closed)>"
        return "<hdnet.Net units=%d inputs=%d outputs=%d>" % (self.units, self.inputs, self.outputs)


def _net_from_bytes(data):
    return Net.from_bytes(data)


def normalized_error(outputs, targets, mask, window=None):
    """Normalized error of outputs against targets on the masked points.

    All three arrays [trials, steps, O]. Per output: residual energy over target
    variance, averaged over outputs (1 = predicting the mean; 100*NE is the
    "% normalized error" of the paper). window=(begin, end) restricts it to the
    steps begin <= t < end of every trial. Returns a float.
    """
    y = np.asarray(outputs)
    if y.ndim != 3:
        raise ValueError("outputs: expected shape (trials, steps, outputs), got %s" % (y.shape,))
    y = _lib.as_f32(y, y.shape, "outputs")
    t = _lib.as_f32(targets, y.shape, "targets")
    m = _lib.as_f32(mask, y.shape, "mask")
    ne = c_double()
    if window is None:
        api.hdnet_normalized_error(_lib.fptr(y)[0], _lib.fptr(t)[0], _lib.fptr(m)[0], y.shape[0], y.shape[1],
                                   y.shape[2], ctypes.byref(ne))
    else:
        begin, end = (_lib.count(w, "window") for w in window)
        api.hdnet_normalized_error_window(_lib.fptr(y)[0], _lib.fptr(t)[0], _lib.fptr(m)[0], y.shape[0],
                                          y.shape[1], y.shape[2], begin, end, ctypes.byref(ne))
    return ne.value


def hold_error(targets, mask, cue):
    """Normalized error of the output that holds the cued heading: in every trial the
    target of step cue - 1, repeated (targets and mask [trials, steps, O]). A network
    that remembers the cue but integrates nothing makes this error; the competence gate
    compares with it (hdnet.trust.gate_bound). Returns a float.
    """
    t = np.asarray(targets)
    if t.ndim != 3:
        raise ValueError("targets: expected shape (trials, steps, outputs), got %s" % (t.shape,))
    t = _lib.as_f32(t, t.shape, "targets")
    m = _lib.as_f32(mask, t.shape, "mask")
    ne = c_double()
    api.hdnet_hold_error(_lib.fptr(t)[0], _lib.fptr(m)[0], t.shape[0], t.shape[1], t.shape[2],
                         _lib.count(cue, "cue"), ctypes.byref(ne))
    return ne.value
