"""The paper's findings as checks on a network (claims.h): the study of a network on
the analysis set and the claim table R1-R15.

    import hdnet
    net = hdnet.Net.load("run/model.npz")
    for row in hdnet.claims(net, untrained=hdnet.Net.load("run/ckpt_0.npz")):
        print(row.id, row.verdict, row.measured)
"""
import collections
import ctypes

import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_u64, c_double, c_void_p, c_char_p, STATUS, P, c_float_p, c_double_p
from .analysis import Tuning, _params
from .config import Config

api.add("hdnet_analysis_config", STATUS, c_void_p, c_size, P(c_void_p))
api.add("hdnet_study_run", STATUS, P(c_void_p), c_void_p, c_void_p, c_void_p, c_size, c_u64, c_void_p, c_size)
api.add("hdnet_study_free", None, c_void_p)
api.add("hdnet_study_tuning", c_void_p, c_void_p, c_int)
api.add("hdnet_study_scalar", STATUS, c_void_p, c_int, P(c_double))
api.add("hdnet_study_autocorr", STATUS, c_void_p, c_double_p, c_size)
api.add("hdnet_study_trials", STATUS, c_void_p, c_size, c_float_p, c_size, c_float_p, c_size, c_double_p, c_size,
        c_double_p, c_size, c_float_p, c_size)
api.add("hdnet_claims_create", STATUS, P(c_void_p))
api.add("hdnet_claims_free", None, c_void_p)
api.add("hdnet_claims_add_study", STATUS, c_void_p, c_void_p)
api.add("hdnet_claims_add_lesion", STATUS, c_void_p, c_double_p, c_size)
api.add("hdnet_claims_add_speed", STATUS, c_void_p, c_int, c_size, c_double_p, c_double_p, c_double_p, c_size)
api.add("hdnet_claims_compute", STATUS, P(c_void_p), c_void_p, c_void_p, c_void_p)
api.add("hdnet_claims_count", c_size, c_void_p)
api.add("hdnet_claims_text", c_char_p, c_void_p, c_size, c_int)
api.add("hdnet_claims_number", c_double, c_void_p, c_size, c_int)
api.add("hdnet_claims_verdict", c_int, c_void_p, c_size)
api.add("hdnet_verdict_name", c_char_p, c_int)
api.add("hdnet_study_nulls", STATUS, c_void_p, c_void_p, c_size, c_size, c_u64)
api.add("hdnet_study_findings", STATUS, c_void_p, c_size, c_double_p, c_size, P(c_size))
api.add("hdnet_study_classes", STATUS, c_void_p, P(c_int), c_size, c_double_p, c_size, c_double_p, c_size)
api.add("hdnet_claims_lesion_nulls", STATUS, c_void_p, c_double_p, c_size, c_size, c_double)
api.add("hdnet_claims_gate", STATUS, c_void_p, c_double, c_double, c_size)
api.add("hdnet_claims_speed_nulls", STATUS, c_void_p, c_int, c_size, c_double_p, c_size, c_double_p, c_double)

ANALYSIS_SEED = 99999999
"""Task seed of the analysis set (HDNET_ANALYSIS_SEED)."""
ANALYSIS_TRIALS = 2000
ANALYSIS_STEPS = 1000
AUTOCORR_LAGS = 51
# Scalars of hdnet_study_scalar (HDNET_SS_*), in id order.
STUDY_SCALARS = ("ne", "ne_500", "ne_untrained", "speed", "trials", "steps", "cue", "units", "pass2_skipped",
                 "ne_hold")
VERDICTS = ("PASS", "FAIL", "WARN", "INFO", "NOT_RUN", "NOT_APPLICABLE")
# Numeric columns of a claim (HDNET_CLAIM_VALUE ... HDNET_CLAIM_CI_HIGH).
CLAIM_NUMBERS = ("value", "null_low", "null_high", "ci_low", "ci_high")
# Entries of a lesion summary (HDNET_LS_*), in index order.
LESION_SUMMARY = ("e1_units", "e1_b0", "e1_lost", "e1_back", "e2_units", "e2_drift", "e2_control", "e2_decoded",
                  "e2m_units", "e2m_drift", "e2m_control", "e2m_decoded", "e3_units", "e3_gain", "e3_control",
                  "e3_bump", "e3_bump_control")
SPEED_RULES = ("adaptive", "reference", "scaled")

Claim = collections.namedtuple("Claim", "id claim measured criterion verdict value null_low null_high ci_low ci_high")
Claim.__doc__ = ("One row of a claim table: id ('R1', ...), the claim, what was measured, the criterion, "
                 "the verdict (one of VERDICTS), the check's main number, the 5 % and 95 % quantiles of "
                 "that number on the matched nulls and its 95 % bootstrap interval (NaN when undefined).")


def analysis_config(net, steps=ANALYSIS_STEPS):
    """The analysis set's config for net (its task settings, n steps, the MATLAB stretch rule,
    no input noise)."""
    h = c_void_p()
    api.hdnet_analysis_config(net, _lib.count(steps, "steps", 2), ctypes.byref(h))
    return Config(_handle=h)


class _TuningView(Tuning):
    """A Tuning owned by a Study (not freed by Python; keeps the study alive)."""

    def __init__(self, ptr, owner, n_units):  # pylint: disable=super-init-not-called
        _lib.Handle.__init__(self, c_void_p(ptr), depends_on=(owner,), guard=owner._guard)
        self._owner = owner
        self.n_units = n_units

    def _free_handle(self, h):
        pass  # freed with its study


class Study(_lib.Handle):
    """The analysis of a network (and optionally its untrained network) on the analysis set
    (hdnet_study): tuning, normalized error, input statistics.

    Study(net, untrained=None, set=None, trials=2000, seed=ANALYSIS_SEED, params=None, chunk=50);
    set is an analysis-set Config (analysis_config(net), maybe changed), None for the default.
    """

    _free = api.hdnet_study_free

    def __init__(self, net, untrained=None, set=None, trials=ANALYSIS_TRIALS, seed=ANALYSIS_SEED, params=None,
                 chunk=50):  # pylint: disable=redefined-builtin
        h = c_void_p()
        params = _params(params)
        with _lib.hold(reads=(net, untrained, set, params)):
            api.hdnet_study_run(ctypes.byref(h), net, untrained, set, _lib.count(trials, "trials", 1),
                                _lib.seed_value(seed), params, _lib.count(chunk, "chunk", 1))
        super().__init__(h)
        self.units = int(self.scalar("units"))

    def scalar(self, name):
        """A scalar by name (STUDY_SCALARS)."""
        try:
            i = STUDY_SCALARS.index(name)
        except ValueError:
            raise KeyError("unknown scalar %r (one of %s)" % (name, ", ".join(STUDY_SCALARS))) from None
        v = c_double()
        api.hdnet_study_scalar(self, i, ctypes.byref(v))
        return v.value

    def nulls(self, net, n_perm=20, trials=500, seed=ANALYSIS_SEED):
        """Compute the matched nulls: n_perm weight-permuted copies of net (the network of this
        study), re-analysed on the first trials, and with the trained classes (wiring nulls)."""
        api.hdnet_study_nulls(self, net, _lib.count(n_perm, "n_perm"), _lib.count(trials, "trials"),
                              _lib.seed_value(seed))
        return self

    def findings(self, which="trained"):
        """Findings dict (hdnet.trust.FINDINGS) of "trained", "untrained", or an [n, F] array for
        "network_nulls" / "wiring_nulls"."""
        from .trust import FINDINGS
        out, n = _lib.out_f64(len(FINDINGS)), c_size()
        api.hdnet_study_findings(self, 0, *_lib.dptr(out), ctypes.byref(n))
        if which in ("trained", "untrained"):
            api.hdnet_study_findings(self, int(which == "untrained"), *_lib.dptr(out), None)
            return dict(zip(FINDINGS, out.tolist()))
        if which not in ("network_nulls", "wiring_nulls"):
            raise KeyError("which must be trained, untrained, network_nulls or wiring_nulls")
        rows = _lib.out_f64((n.value, len(FINDINGS)))
        first = 2 if which == "network_nulls" else 2 + n.value
        for i in range(n.value):
            api.hdnet_study_findings(self, first + i, *_lib.dptr(rows[i]), None)
        return rows

    def classes(self):
        """Interval-rule classes [N], class probabilities [N, 5] and counts {class: (n, lo, hi)}."""
        from .analysis import CLASSES
        cls = np.empty(self.units, dtype=np.intc)
        prob = _lib.out_f64((self.units, len(CLASSES)))
        counts = _lib.out_f64((len(CLASSES), 3))
        api.hdnet_study_classes(self, cls.ctypes.data_as(P(c_int)), cls.size, *_lib.dptr(prob), *_lib.dptr(counts))
        return cls.astype(np.int64), prob, {c: tuple(counts[i].tolist()) for i, c in enumerate(CLASSES)}

    def tuning(self, untrained=False):
        """The Tuning of the trained (or untrained) network; None when the study has no untrained network."""
        p = api.hdnet_study_tuning(self, int(bool(untrained)))
        return _TuningView(p, self, self.units) if p else None

    def autocorr(self):
        """Autocorrelation of the angular velocity, lags 0..50."""
        out = _lib.out_f64(AUTOCORR_LAGS)
        api.hdnet_study_autocorr(self, *_lib.dptr(out))
        return out

    def trials(self, n):
        """The first n trials: dict of inputs [n, T, 3], targets [n, T, 2], heading and av [n, T]
        (radians) and the network's outputs [n, T, 2]."""
        n = _lib.count(n, "n")
        T = int(self.scalar("steps"))
        x, tg, y = _lib.out_f32((n, T, 3)), _lib.out_f32((n, T, 2)), _lib.out_f32((n, T, 2))
        th, av = _lib.out_f64((n, T)), _lib.out_f64((n, T))
        api.hdnet_study_trials(self, n, *_lib.fptr(x), *_lib.fptr(tg), *_lib.dptr(th), *_lib.dptr(av),
                               *_lib.fptr(y))
        return {"inputs": x, "targets": tg, "heading": th, "av": av, "outputs": y}


def _text(b):
    return b.decode() if b is not None else None


class Claims(_lib.Handle):
    """A claim table (hdnet_claims): rows from studies, lesion summaries and speed experiments.
    Iterating gives Claim tuples; rows() returns the list."""

    _free = api.hdnet_claims_free

    def __init__(self, _handle=None):
        if _handle is None:
            _handle = c_void_p()
            api.hdnet_claims_create(ctypes.byref(_handle))
        super().__init__(_handle)

    def add_study(self, study):
        """Append R1-R9, R15, R14 and R14i of a Study."""
        with _lib.hold(reads=(study,), writes=(self,)):
            api.hdnet_claims_add_study(self, study)

    @_lib.writes
    def add_lesion(self, summary):
        """Append R10, R11, R11m and R12 from a lesion summary: a dict keyed by LESION_SUMMARY
        (every key) or an array in that order."""
        if hasattr(summary, "items"):
            missing = set(LESION_SUMMARY) - set(summary)
            if missing:
                raise KeyError("lesion summary lacks %s" % ", ".join(sorted(missing)))
            summary = [summary[k] for k in LESION_SUMMARY]
        v = _lib.as_f64(summary, (len(LESION_SUMMARY),), "summary")
        api.hdnet_claims_add_lesion(self, *_lib.dptr(v))

    @_lib.writes
    def lesion_nulls(self, nulls, q=0.95):
        """Compare the rows R10, R11, R11m and R12 with lesions of random unit sets of the same
        sizes: nulls is [n, len(LESION_SUMMARY)] lesion summaries (rows in LESION_SUMMARY order,
        or a list of dicts keyed by it), n >= 20. A row not beyond the q quantile of its nulls FAILs."""
        rows = [[d[k] for k in LESION_SUMMARY] if hasattr(d, "items") else d for d in nulls]
        v = _lib.as_f64(rows, (None, len(LESION_SUMMARY)), "nulls")
        api.hdnet_claims_lesion_nulls(self, _lib.dptr(v)[0], v.shape[0], v.size, float(q))

    @_lib.writes
    def speed_nulls(self, rule, slow, fast, q=0.95):
        """Compare the last R13/R13i/R13s row of rule with exchanges of the speed labels: slow and
        fast are [2, n] arrays (compass fractions, shifter fractions) of the networks at the slowest
        and the fastest speed. Fewer than 20 ways to split them: the row cannot pass (NOT_RUN)."""
        r = SPEED_RULES.index(rule) if isinstance(rule, str) else int(rule)
        a = _lib.as_f64(slow, (2, None), "slow")
        b = _lib.as_f64(fast, (2, None), "fast")
        api.hdnet_claims_speed_nulls(self, r, a.shape[1], _lib.dptr(a)[0], b.shape[1], _lib.dptr(b)[0], float(q))

    @_lib.writes
    def gate(self, ne, bound=0.1, n_networks=1):
        """The competence gate for lesion and speed rows: insert R0 and, when ne > bound, make every
        row but INFO, R0, R1 and R2 NOT_APPLICABLE (ne: the largest NE of n_networks networks)."""
        api.hdnet_claims_gate(self, float(ne), float(bound), _lib.count(n_networks, "n_networks"))

    @_lib.writes
    def add_speed(self, rule, speeds, compass, shifters, n_seeds):
        """Append R13 (rule "adaptive"), R13i ("reference") or R13s ("scaled"): the median compass
        and shifter fractions at each speed, slow to fast."""
        r = SPEED_RULES.index(rule) if isinstance(rule, str) else int(rule)
        s = _lib.as_f64(speeds, (None,), "speeds")
        c = _lib.as_f64(compass, s.shape, "compass")
        h = _lib.as_f64(shifters, s.shape, "shifters")
        api.hdnet_claims_add_speed(self, r, s.size, _lib.dptr(s)[0], _lib.dptr(c)[0], _lib.dptr(h)[0],
                                   _lib.count(n_seeds, "n_seeds"))

    @_lib.reads
    def __len__(self):
        return int(api.hdnet_claims_count(self))

    @_lib.reads
    def row(self, i):
        """Row i as a Claim."""
        if not 0 <= i < len(self):
            raise IndexError("row %d of %d" % (i, len(self)))
        text = [_text(api.hdnet_claims_text(self, i, col)) for col in range(4)]
        return Claim(*text, _text(api.hdnet_verdict_name(api.hdnet_claims_verdict(self, i))),
                     *[api.hdnet_claims_number(self, i, k) for k in range(len(CLAIM_NUMBERS))])

    def rows(self):
        return [self.row(i) for i in range(len(self))]

    def __iter__(self):
        return iter(self.rows())


def claims(net, untrained=None, params=None):
    """The claim table of a network in one call (the default analysis set): a list of Claim."""
    h = c_void_p()
    params = _params(params)
    with _lib.hold(reads=(net, untrained, params)):
        api.hdnet_claims_compute(ctypes.byref(h), net, untrained, params)
    with Claims(_handle=h) as c:
        return c.rows()


def verdict_name(verdict):
    """"PASS", "FAIL", ... for a verdict number."""
    return _text(api.hdnet_verdict_name(int(verdict)))


__all__ = ["ANALYSIS_SEED", "ANALYSIS_TRIALS", "ANALYSIS_STEPS", "STUDY_SCALARS", "VERDICTS", "LESION_SUMMARY",
           "SPEED_RULES", "Claim", "analysis_config", "Study", "Claims", "claims", "verdict_name"]
