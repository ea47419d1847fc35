"""Verdicts that can fail (trust.h): per-unit statistics with bootstrap uncertainty, the
interval rule, weight-permuted null networks, the null comparison and the competence gate.
docs/analyses.md describes every statistic, rule and bound."""
import collections
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_double, c_void_p, c_char_p, STATUS, P, c_float_p, c_double_p
from .analysis import CLASSES, _params, _id

api.add("hdnet_boot_create", STATUS, P(c_void_p), c_void_p, c_void_p, c_size)
api.add("hdnet_boot_free", None, c_void_p)
api.add("hdnet_boot_add", STATUS, c_void_p, c_size, c_size, c_size, c_size, c_double_p, c_size, c_double_p,
        c_size, c_float_p, c_size)
api.add("hdnet_boot_collect", STATUS, c_void_p, c_void_p, c_size, c_size, c_size, c_float_p, c_size,
        c_double_p, c_size, c_double_p, c_size, c_size)
api.add("hdnet_boot_resample", STATUS, c_void_p, c_size, ctypes.c_uint64)
api.add("hdnet_boot_unit_stat", STATUS, c_void_p, c_int, c_int, c_double_p, c_size)
api.add("hdnet_interval_rule_defaults", STATUS, c_double_p, c_size)
api.add("hdnet_classify_interval", STATUS, c_double_p, c_size, c_double_p, c_double_p, c_double_p, c_double_p,
        c_double_p, c_double_p, c_double_p, P(c_int))
api.add("hdnet_boot_classify", STATUS, c_void_p, c_double_p, P(c_int), c_size, c_double_p, c_size, c_double_p,
        c_size)
api.add("hdnet_net_permute_recurrent", STATUS, c_void_p, ctypes.c_uint64, P(c_void_p))
api.add("hdnet_null_compare", STATUS, c_double, c_double_p, c_size, c_double, c_int, P(c_int), P(c_double),
        P(c_double))
api.add("hdnet_gate", STATUS, c_double, c_double, P(c_int))
api.add("hdnet_gate_bound", c_double, c_double)
api.add("hdnet_gate_verdict", c_int, c_int, c_int, c_int)
api.add("hdnet_findings", STATUS, c_void_p, c_void_p, c_void_p, c_void_p, c_double, c_double_p, c_size)
api.add("hdnet_findings_wiring_ci", STATUS, c_void_p, c_void_p, c_void_p, c_void_p, c_double_p, c_size)
api.add("hdnet_findings_run", STATUS, c_void_p, c_void_p, c_size, c_size, c_size, c_float_p, c_size, c_float_p,
        c_size, c_float_p, c_size, c_double_p, c_size, c_double_p, c_size, c_size, c_size, ctypes.c_uint64,
        c_double_p, c_size)
api.add("hdnet_finding_name", c_char_p, c_int)
api.add("hdnet_trust_verdicts", STATUS, c_double_p, c_double_p, c_double_p, c_size, c_double_p, c_size, c_double_p,
        c_double, c_double, c_size, c_double_p, c_size)
api.add("hdnet_trust_criterion_id", c_char_p, c_int)
api.add("hdnet_finding_tail", c_int, c_int)
NET_STAT_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_double_p, c_size)
api.add("hdnet_null_values", STATUS, c_void_p, c_size, ctypes.c_uint64, NET_STAT_FN, c_void_p, c_double_p, c_size,
        c_size)

# Statistics (HDNET_BS_*) and columns (HDNET_BW_*), in id order.
BOOT_STATS = ("range", "S", "slope", "A", "rel")
BOOT_COLUMNS = ("value", "se", "lo", "hi")
# Thresholds of the interval rule (HDNET_IR_*), in id order.
RULE_THRESHOLDS = ("range_min", "s_min", "rel_min", "z_sig", "a_large", "a_small", "z_ci")
VERDICTS = ("PASS", "FAIL", "WARN", "INFO", "NOT_RUN", "NOT_APPLICABLE")
NULL_QUANTILE = 0.95
NULL_MIN = 20
GATE_NE_MAX = 0.1
GATE_HOLD_FRACTION = 0.5

IntervalClasses = collections.namedtuple("IntervalClasses", "classes prob counts")
IntervalClasses.__doc__ = ("Result of Bootstrap.classify(): classes int array (index into CLASSES), prob "
                           "[N, 5] class probabilities over resamples, counts {class: (count, lo, hi)} with "
                           "95 % percentile intervals.")
FINDINGS = ("ne", "compass", "shifter_ccw", "shifter_cw", "weak", "inactive", "typed_min", "separation",
            "tile_gap", "ring_near", "ring_far", "ring_contrast", "offset_ccw", "offset_cw", "offset_asym",
            "lag_ccw", "lag_cw", "lag_min", "mirror", "tuned_frac", "median_s", "tile_p", "tuned_all")
NullComparison = collections.namedtuple("NullComparison", "beyond null_low null_high")


def interval_rule_defaults():
    """Dict {threshold: default} of the interval rule."""
    out = _lib.out_f64(len(RULE_THRESHOLDS))
    api.hdnet_interval_rule_defaults(*_lib.dptr(out))
    return dict(zip(RULE_THRESHOLDS, out.tolist()))


def _rule(rule):
    """None, or a [HDNET_IR_COUNT] array from a (partial) dict of thresholds."""
    if rule is None:
        return None
    full = interval_rule_defaults()
    for k, v in dict(rule).items():
        if k not in full:
            raise KeyError("unknown threshold %r (one of %s)" % (k, ", ".join(RULE_THRESHOLDS)))
        full[k] = float(v)
    return np.array([full[k] for k in RULE_THRESHOLDS], dtype=np.float64)


def _rule_ptr(rule):
    return None if rule is None else rule.ctypes.data_as(c_double_p)


def classify_interval(range_, s, rel, slope, slope_se, a, a_se, rule=None):
    """The interval rule on [N] statistics and their standard errors: class ids [N]."""
    arrs = [_lib.as_f64(x, (None,), name) for x, name in
            ((range_, "range"), (s, "s"), (rel, "rel"), (slope, "slope"), (slope_se, "slope_se"), (a, "a"),
             (a_se, "a_se"))]
    n = arrs[0].size
    for x, name in zip(arrs, ("range", "s", "rel", "slope", "slope_se", "a", "a_se")):
        if x.size != n:
            raise ValueError("%s: expected %d values, got %d" % (name, n, x.size))
    r = _rule(rule)
    cls = np.empty(n, dtype=np.intc)
    api.hdnet_classify_interval(_rule_ptr(r), n, *[x.ctypes.data_as(c_double_p) for x in arrs],
                                cls.ctypes.data_as(P(c_int)))
    return cls.astype(np.int64)


class Bootstrap(_lib.Handle):
    """Trial-block bootstrap of the per-unit statistics (hdnet_boot) of a finished Tuning.

    ``Bootstrap(tuning, params, n_blocks=20).collect(net, trials).resample(200, seed=1)``,
    then ``stat("A", "se")`` and ``classify()``. Trial i belongs to block i mod n_blocks.
    """

    _free = api.hdnet_boot_free

    def __init__(self, tuning, params=None, n_blocks=20):
        params = _params(params)
        h = c_void_p()
        api.hdnet_boot_create(ctypes.byref(h), tuning, params, _lib.count(n_blocks, "n_blocks"))
        super().__init__(h)
        self.n_units = tuning.n_units

    def add(self, first_trial, heading, av, rates, cue):
        """Add trials first_trial ...: heading, av [trials, steps] (radians, rad/step), rates [trials, steps, N]."""
        th = _lib.as_f64(heading, (None, None), "heading")
        n, T = th.shape
        w = _lib.as_f64(av, (n, T), "av")
        r = _lib.as_f32(rates, (n, T, self.n_units), "rates")
        api.hdnet_boot_add(self, _lib.count(first_trial, "first_trial"), n, T, _lib.count(cue, "cue"),
                           *_lib.dptr(th), *_lib.dptr(w), *_lib.fptr(r))
        return self

    def collect(self, net, trials, cue=None, chunk=100):
        """Run net noise-free on trials (a Trials tuple) and add its rates."""
        x = _lib.as_f32(trials.inputs, (None, None, net.inputs), "inputs")
        n, T = x.shape[:2]
        th = _lib.as_f64(trials.heading, (n, T), "heading")
        w = _lib.as_f64(trials.av, (n, T), "av")
        if cue is None:
            cue = net.config["cue"]
        api.hdnet_boot_collect(self, net, n, T, _lib.count(cue, "cue"), *_lib.fptr(x), *_lib.dptr(th),
                               *_lib.dptr(w), _lib.count(chunk, "chunk", 1))
        return self

    def resample(self, n_boot=200, seed=1):
        """Estimates on all trials and on n_boot resamples of the blocks."""
        api.hdnet_boot_resample(self, _lib.count(n_boot, "n_boot"), _lib.seed_value(seed))
        return self

    def stat(self, name, what="value"):
        """[N] values of a statistic (BOOT_STATS) in a column (BOOT_COLUMNS)."""
        out = _lib.out_f64(self.n_units)
        api.hdnet_boot_unit_stat(self, _id(name, BOOT_STATS, "statistic"), _id(what, BOOT_COLUMNS, "column"),
                                 *_lib.dptr(out))
        return out

    def classify(self, rule=None):
        """The interval rule: IntervalClasses(classes, prob, counts)."""
        r = _rule(rule)
        cls = np.empty(self.n_units, dtype=np.intc)
        prob = _lib.out_f64((self.n_units, len(CLASSES)))
        counts = _lib.out_f64((len(CLASSES), 3))
        api.hdnet_boot_classify(self, _rule_ptr(r), cls.ctypes.data_as(P(c_int)), cls.size, *_lib.dptr(prob),
                                *_lib.dptr(counts))
        return IntervalClasses(cls.astype(np.int64), prob,
                               {c: tuple(counts[i].tolist()) for i, c in enumerate(CLASSES)})


def permute_recurrent(net, seed):
    """A copy of net with its off-diagonal recurrent weights randomly permuted (a null network)."""
    from .net import Net
    h = c_void_p()
    api.hdnet_net_permute_recurrent(net, _lib.seed_value(seed), ctypes.byref(h))
    return Net(_handle=h)


def null_compare(value, nulls, q=NULL_QUANTILE, tail="above"):
    """Whether value lies beyond the q (tail "above") or 1-q ("below") percentile of the nulls."""
    x = _lib.as_f64(nulls, (None,), "nulls")
    beyond, lo, hi = c_int(), c_double(), c_double()
    t = {"above": 1, "below": -1}.get(tail)
    if t is None:
        raise KeyError("tail must be 'above' or 'below'")
    api.hdnet_null_compare(float(value), *_lib.dptr(x), float(q), t, ctypes.byref(beyond), ctypes.byref(lo),
                           ctypes.byref(hi))
    return NullComparison(bool(beyond.value), lo.value, hi.value)


def gate(ne, bound=GATE_NE_MAX):
    """True when a network with normalized error ne can be analysed as an integrator."""
    ok = c_int()
    api.hdnet_gate(float(ne), float(bound), ctypes.byref(ok))
    return bool(ok.value)


def gate_bound(ne_hold):
    """The gate's bound on given trials: the smaller of GATE_NE_MAX and GATE_HOLD_FRACTION
    times the error of holding the cued heading there (hdnet.hold_error; Study.scalar("ne_hold"))."""
    return api.hdnet_gate_bound(float(ne_hold))


def gate_verdict(verdict, needs_integrator, competent):
    """The verdict name after the gate ("NOT_APPLICABLE" when needs_integrator and not competent)."""
    v = _id(verdict, VERDICTS, "verdict")
    return verdict_name(api.hdnet_gate_verdict(v, int(bool(needs_integrator)), int(bool(competent))))


def verdict_name(verdict):
    """Name of a verdict id (VERDICTS)."""
    name = api.hdnet_verdict_name(int(verdict))
    if name is None:
        raise KeyError("unknown verdict %r" % (verdict,))
    return name.decode()


def finding_tail(name):
    """"above" or "below": the side on which a finding must lie beyond its nulls."""
    t = api.hdnet_finding_tail(_id(name, FINDINGS, "finding"))
    if t == 0:
        raise KeyError("unknown finding %r" % (name,))
    return "above" if t > 0 else "below"


def findings(tuning, boot, net, ne, params=None):
    """Dict {finding: value} of a network from its finished Tuning and resampled Bootstrap."""
    out = _lib.out_f64(len(FINDINGS))
    api.hdnet_findings(tuning, boot, net, _params(params), float(ne), *_lib.dptr(out))
    return dict(zip(FINDINGS, out.tolist()))


def findings_wiring_ci(tuning, boot, net, params=None):
    """Dict {finding: (low, high)} of 95 % intervals over units (a delete-one-unit jackknife by
    class) of the wiring findings ring_near ... mirror; (nan, nan) where there is none."""
    out = _lib.out_f64((len(FINDINGS), 2))
    api.hdnet_findings_wiring_ci(tuning, boot, net, _params(params), *_lib.dptr(out))
    return {name: (lo, hi) for name, (lo, hi) in zip(FINDINGS, out.tolist())
            if FINDINGS.index("ring_near") <= FINDINGS.index(name) <= FINDINGS.index("mirror")}


def findings_run(net, trials, params=None, n_blocks=20, n_boot=200, seed=1, cue=None):
    """The whole analysis of net on trials (a Trials tuple): dict {finding: value}."""
    x = _lib.as_f32(trials.inputs, (None, None, net.inputs), "inputs")
    n, T = x.shape[:2]
    y = _lib.as_f32(trials.targets, (n, T, 2), "targets")
    m = _lib.as_f32(trials.mask, (n, T, 2), "mask")
    th = _lib.as_f64(trials.heading, (n, T), "heading")
    w = _lib.as_f64(trials.av, (n, T), "av")
    if cue is None:
        cue = net.config["cue"]
    out = _lib.out_f64(len(FINDINGS))
    api.hdnet_findings_run(net, _params(params), n, T, _lib.count(cue, "cue"), *_lib.fptr(x), *_lib.fptr(y),
                           *_lib.fptr(m), *_lib.dptr(th), *_lib.dptr(w), _lib.count(n_blocks, "n_blocks"),
                           _lib.count(n_boot, "n_boot"), _lib.seed_value(seed), *_lib.dptr(out))
    return dict(zip(FINDINGS, out.tolist()))


def null_values(net, fn, n_values, n_perm=NULL_MIN, seed=1000):
    """[n_perm, n_values] array of fn(null_net) over weight-permuted copies of net.

    fn takes a Net (an owned copy of the null network) and returns n_values numbers."""
    from .net import Net
    out = _lib.out_f64((_lib.count(n_perm, "n_perm"), _lib.count(n_values, "n_values", 1)))
    errors = []

    def call(h, ctx, values, n):
        try:
            copy = c_void_p()
            api.hdnet_net_clone(c_void_p(h), ctypes.byref(copy))
            v = np.asarray(fn(Net(_handle=copy)), dtype=np.float64).ravel()
            if v.size != n:
                raise ValueError("fn returned %d values, expected %d" % (v.size, n))
            for i in range(n):
                values[i] = v[i]
            return 0
        except Exception as e:  # reported after the C call returns
            errors.append(e)
            return _lib.ECANCELED

    cb = NET_STAT_FN(call)
    try:
        api.hdnet_null_values(net, out.shape[0], _lib.seed_value(seed), cb, None, *_lib.dptr(out), out.shape[1])
    except _lib.HdnetError:
        if errors:
            raise errors[0] from None
        raise
    return out


CRITERIA = ("R3", "R4", "R5", "R6", "R7", "R8", "R9", "R14")
VERDICT_COLUMNS = ("value", "null_low", "null_high", "ci_low", "ci_high", "untrained", "met", "beyond", "verdict")


def _findings_array(f, what):
    if isinstance(f, dict):
        f = [f[k] for k in FINDINGS]
    return _lib.as_f64(f, (len(FINDINGS),), what)


def verdicts(trained, net_nulls, wiring_nulls, untrained=None, counts=None, n_units=100, q=NULL_QUANTILE,
             gate_bound=GATE_NE_MAX):
    """Verdicts of R3-R9 and R14: {criterion: dict of VERDICT_COLUMNS, verdict as a name}.

    trained, untrained: findings (dict or [F] array); net_nulls, wiring_nulls: [n, F] arrays;
    counts: the Bootstrap.classify() counts dict, or None."""
    f = _findings_array(trained, "trained")
    u = None if untrained is None else _findings_array(untrained, "untrained")
    nn = _lib.as_f64(net_nulls, (None, len(FINDINGS)), "net_nulls")
    wn = _lib.as_f64(wiring_nulls, (None, len(FINDINGS)), "wiring_nulls")
    c = None if counts is None else _lib.as_f64([counts[k] for k in CLASSES], (len(CLASSES), 3), "counts")
    table = _lib.out_f64((len(CRITERIA), len(VERDICT_COLUMNS)))
    api.hdnet_trust_verdicts(_lib.dptr(f)[0], None if c is None else _lib.dptr(c)[0], _lib.dptr(nn)[0],
                             nn.shape[0], _lib.dptr(wn)[0], wn.shape[0], None if u is None else _lib.dptr(u)[0],
                             float(q), float(gate_bound), _lib.count(n_units, "n_units", 1), *_lib.dptr(table))
    out = {}
    for i in range(len(CRITERIA)):
        row = dict(zip(VERDICT_COLUMNS, table[i].tolist()))
        row["verdict"] = verdict_name(int(row["verdict"]))
        out[api.hdnet_trust_criterion_id(i).decode()] = row
    return out
