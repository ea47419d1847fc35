"""The lesion experiments (lesion.h): silence the compass units (E1), the CW or CCW
shifters at rest (E2, E2m) or both shifter groups while turning (E3), and measure the
activity bump against the same trials run unperturbed.

    import hdnet
    net = hdnet.Net.load("run/model.npz")
    study = hdnet.Study(net)
    classes, _, _ = study.classes()
    phi = study.tuning().unit_stat("phi")
    les = hdnet.Lesion(net, classes, phi)
    claims = hdnet.Claims()
    claims.add_lesion(les.summary())          # R10, R11, R11m, R12
"""
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_u64, c_void_p, c_char_p, STATUS, P, c_float_p, c_double_p

api.add("hdnet_lesion_units", STATUS, P(c_int), c_double_p, c_size, c_int, P(c_int), c_size, P(c_size))
api.add("hdnet_lesion_run", STATUS, P(c_void_p), c_void_p, P(c_int), c_double_p, c_size, c_size, c_size, c_size,
        c_size)
api.add("hdnet_lesion_free", None, c_void_p)
api.add("hdnet_lesion_nulls", STATUS, c_void_p, P(c_int), c_double_p, c_size, c_size, c_size, c_size, c_u64,
        c_double_p, c_size)
api.add("hdnet_lesion_summary", STATUS, c_void_p, c_double_p, c_size)
api.add("hdnet_lesion_measures", STATUS, c_void_p, c_int, c_int, c_double_p, c_size)
api.add("hdnet_lesion_trace", STATUS, c_void_p, c_int, c_int, c_int, c_double_p, c_size)
api.add("hdnet_lesion_shadow", STATUS, c_void_p, c_int, c_int, c_float_p, c_size)
api.add("hdnet_lesion_name", c_char_p, c_int)
api.add("hdnet_lesion_summary_name", c_char_p, c_int)

# Experiments (HDNET_LESION_*), modes (HDNET_PERTURB_*), measures (HDNET_LM_*) and
# traces (HDNET_LT_*), in id order.
EXPERIMENTS = ("E1", "E2", "E2m", "E3")
MODES = ("rate", "outgoing", "outgoing_readout")
MEASURES = ("units", "b0", "lost", "back", "output_norm", "heading_error", "drift", "drift_control",
            "drift_decoded", "bump", "bump_control", "gain", "gain_control")
TRACES = ("heading", "decoded", "position", "strength", "output_norm", "control_position", "control_strength")
TRIALS = 100
STEPS = 800
MIN_STEPS = 700


def _id(name, names, what):
    if isinstance(name, str):
        if name not in names:
            raise KeyError("unknown %s %r (one of %s)" % (what, name, ", ".join(names)))
        return names.index(name)
    return _lib.count(name, what, 0, len(names) - 1)


def _classes_phi(classes, phi):
    c = np.asarray(classes)
    if c.size and c.dtype.kind not in "iu":
        raise TypeError("classes: expected integers, got dtype %s" % c.dtype)
    c = np.ascontiguousarray(c.ravel(), dtype=np.intc)
    p = _lib.as_f64(phi, (c.size,), "phi")
    return c, p


def lesion_units(classes, phi, experiment):
    """The units an experiment silences (int array, ascending): classes [N] (HDNET_CLASS_*
    ints), phi [N] preferred headings in degrees (NaN: none)."""
    c, p = _classes_phi(classes, phi)
    e = _id(experiment, EXPERIMENTS, "experiment")
    n = c_size()
    api.hdnet_lesion_units(c.ctypes.data_as(P(c_int)), _lib.dptr(p)[0], c.size, e, None, 0, ctypes.byref(n))
    out = np.empty(max(n.value, 1), dtype=np.intc)
    api.hdnet_lesion_units(c.ctypes.data_as(P(c_int)), _lib.dptr(p)[0], c.size, e, out.ctypes.data_as(P(c_int)),
                           out.size, ctypes.byref(n))
    return out[:n.value].astype(np.int64)


def lesion_nulls(net, classes, phi, trials=TRIALS, steps=STEPS, nulls=20, seed=99999999):
    """The null of R10-R12 (hdnet_lesion_nulls): each experiment in the rate mode on nulls
    random sets of as many units, drawn by the library generator from seed (the analysis
    seed by default, as hdnet-lesion draws them). Returns [nulls, len(LESION_SUMMARY)]
    lesion summaries for Claims.lesion_nulls()."""
    from .claims import LESION_SUMMARY
    c, p = _classes_phi(classes, phi)
    n = _lib.count(nulls, "nulls", 1)
    out = _lib.out_f64((n, len(LESION_SUMMARY)))
    with _lib.hold(reads=(net,)):
        api.hdnet_lesion_nulls(net, c.ctypes.data_as(P(c_int)), _lib.dptr(p)[0], c.size,
                               _lib.count(trials, "trials", 1), _lib.count(steps, "steps", MIN_STEPS), n,
                               _lib.count(seed, "seed", 0, 2**64 - 1), *_lib.dptr(out))
    return out


class Lesion(_lib.Handle):
    """The lesion experiments on a network (hdnet_lesion_run).

    Lesion(net, classes, phi, trials=100, steps=800, modes=1, keep=0): modes 1 runs the
    rate clamp only (enough for summary()), 3 also the outgoing modes; the traces of the
    first keep trials of each run are kept (trace(), shadow()).
    """

    _free = api.hdnet_lesion_free

    def __init__(self, net, classes, phi, trials=TRIALS, steps=STEPS, modes=1, keep=0):
        c, p = _classes_phi(classes, phi)
        h = c_void_p()
        self.trials = _lib.count(trials, "trials", 1)
        self.steps = _lib.count(steps, "steps", MIN_STEPS)
        self.modes = _lib.count(modes, "modes", 1, len(MODES))
        self.keep = _lib.count(keep, "keep", 0, self.trials)
        self.n_units = c.size
        with _lib.hold(reads=(net,)):
            api.hdnet_lesion_run(ctypes.byref(h), net, c.ctypes.data_as(P(c_int)), _lib.dptr(p)[0], c.size,
                                 self.trials, self.steps, self.modes, self.keep)
        super().__init__(h)

    @_lib.reads
    def summary(self):
        """The lesion summary for Claims.add_lesion(): a dict keyed by claims.LESION_SUMMARY."""
        from .claims import LESION_SUMMARY
        out = _lib.out_f64(len(LESION_SUMMARY))
        api.hdnet_lesion_summary(self, *_lib.dptr(out))
        return dict(zip(LESION_SUMMARY, out.tolist()))

    @_lib.reads
    def measures(self, experiment, mode="rate"):
        """The measures (MEASURES) of one experiment and mode: medians over trials, NaN where
        the experiment does not measure it."""
        out = _lib.out_f64(len(MEASURES))
        api.hdnet_lesion_measures(self, _id(experiment, EXPERIMENTS, "experiment"), _id(mode, MODES, "mode"),
                                  *_lib.dptr(out))
        return dict(zip(MEASURES, out.tolist()))

    @_lib.reads
    def trace(self, experiment, which, mode="rate"):
        """A trace (TRACES) of the kept trials: [keep, steps], degrees for headings and positions."""
        out = _lib.out_f64((self.keep, self.steps))
        api.hdnet_lesion_trace(self, _id(experiment, EXPERIMENTS, "experiment"), _id(mode, MODES, "mode"),
                               _id(which, TRACES, "trace"), *_lib.dptr(out))
        return out

    @_lib.reads
    def shadow(self, experiment, mode="rate"):
        """The shadow rates of the kept trials: [keep, steps, N]."""
        out = _lib.out_f32((self.keep, self.steps, self.n_units))
        api.hdnet_lesion_shadow(self, _id(experiment, EXPERIMENTS, "experiment"), _id(mode, MODES, "mode"),
                                *_lib.fptr(out))
        return out


def experiment_name(experiment):
    """"E1", "E2", "E2m", "E3" for an experiment id (None for an unknown id)."""
    b = api.hdnet_lesion_name(int(experiment))
    return b.decode() if b is not None else None


def summary_name(i):
    """Name of entry i of a lesion summary (claims.LESION_SUMMARY[i]; None past the end)."""
    b = api.hdnet_lesion_summary_name(int(i))
    return b.decode() if b is not None else None


__all__ = ["EXPERIMENTS", "MODES", "MEASURES", "TRACES", "TRIALS", "STEPS", "MIN_STEPS", "lesion_units", "Lesion",
           "experiment_name", "summary_name"]
