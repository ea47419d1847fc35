"""hdnet.lesion: the lesion experiments against what hdnet-lesion wrote for the test network
(tests/data/pipeline/golden/lesion_units), and their argument checks."""
import csv
import os
import unittest

from _helpers import np, hdnet, needs, SRCROOT

L = hdnet.lesion
DATA = os.path.join(SRCROOT, "tests", "data", "pipeline")
GOLDEN = os.path.join(DATA, "golden")
# lesion.csv measure -> (numerator, denominator or None) in MEASURES
ROWS = {"units": ("units", None), "B0": ("b0", None), "B[350,400)/B0": ("lost", "b0"),
        "B[500,600)/B0": ("back", "b0"), "rho[350,400)": ("output_norm", None),
        "heading error after recovery (deg)": ("heading_error", None), "psi drift (deg)": ("drift", None),
        "control psi drift (deg)": ("drift_control", None), "theta_hat drift (deg)": ("drift_decoded", None),
        "B over window / B0": ("bump", "b0"), "gain G": ("gain", None), "control gain G": ("gain_control", None),
        "B over window / control": ("bump", "bump_control")}


def golden_units():
    """Classes and preferred headings of analyze/units.csv (the golden run's --units)."""
    with open(os.path.join(GOLDEN, "analyze", "units.csv")) as f:
        rows = list(csv.DictReader(f))
    cls = np.array([hdnet.CLASSES.index(r["class"]) for r in rows])
    phi = np.array([float(r["preferred_hd_deg"]) for r in rows])
    return cls, phi


@needs("hdnet_lesion_run")
class TestLesion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.net = hdnet.Net.load(os.path.join(DATA, "model.npz"))
        cls.cls, cls.phi = golden_units()
        # as tests/pipeline_golden.sh runs hdnet-lesion --units: 20 trials of 700 steps
        cls.les = hdnet.Lesion(cls.net, cls.cls, cls.phi, trials=20, steps=700, modes=3, keep=2)

    def test_measures_equal_the_program(self):
        with open(os.path.join(GOLDEN, "lesion_units", "lesion.csv")) as f:
            rows = list(csv.reader(f))[1:]
        self.assertEqual(len(rows), 3 * (6 + 6 + 6 + 5))
        for f in rows:
            exp, mode, value = f[0], f[1], f[-3]
            name = ",".join(f[2:-3])  # "B[350,400)/B0" is written unquoted
            num, den = ROWS[name]
            m = self.les.measures(exp, mode)
            got = m[num] / m[den] if den else m[num]
            self.assertEqual("%.6g" % got, value, "%s %s %s" % (exp, mode, name))

    def test_summary_gives_the_programs_claims(self):
        s = self.les.summary()
        self.assertEqual(list(s), list(hdnet._claims_module.LESION_SUMMARY))
        self.assertEqual([L.summary_name(i) for i in range(len(s))], list(s))
        self.assertIsNone(L.summary_name(len(s)))
        c = hdnet.Claims()
        c.add_lesion(s)
        c.lesion_nulls(hdnet.lesion_nulls(self.net, self.cls, self.phi, trials=20, steps=700))
        with open(os.path.join(GOLDEN, "lesion_units", "criteria.csv")) as f:
            want = list(csv.DictReader(f))
        c.gate(float(want[0]["value"]))  # the program's NE: this test is about the lesion rows
        self.assertEqual([(r.id, r.measured, r.verdict) for r in c],
                         [(w["id"], w["measured"], w["status"]) for w in want])

    def test_unit_sets_and_traces(self):
        comp = hdnet.lesion_units(self.cls, self.phi, "E1")
        np.testing.assert_array_equal(comp, np.flatnonzero((self.cls == 0) & np.isfinite(self.phi)))
        both = L.lesion_units(self.cls, self.phi, "E3")
        np.testing.assert_array_equal(both, np.flatnonzero((self.cls == 1) | (self.cls == 2)))
        self.assertEqual(self.les.measures("E1")["units"], comp.size)
        th = self.les.trace("E3", "heading")
        self.assertEqual(th.shape, (2, 700))
        # trial 0 turns CCW, trial 1 CW, at 1 degree per step through steps [300, 500)
        self.assertAlmostEqual(th[0, 499] - th[0, 299], 200.0, places=9)
        self.assertAlmostEqual(th[1, 499] - th[1, 299], -200.0, places=9)
        sh = self.les.shadow("E1", "outgoing")
        self.assertEqual(sh.shape, (2, 700, self.cls.size))
        self.assertTrue(np.all(np.isfinite(sh)))
        self.assertEqual([L.experiment_name(i) for i in range(4)], list(L.EXPERIMENTS))
        self.assertIsNone(L.experiment_name(4))

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            hdnet.Lesion(self.net, self.cls, self.phi, trials=2, steps=699)
        with self.assertRaises(KeyError):
            self.les.measures("E4")
        with self.assertRaises(hdnet.HdnetError) as e:
            hdnet.Lesion(self.net, self.cls[:-1], self.phi[:-1], trials=2, steps=700)
        self.assertEqual(e.exception.status, hdnet.ESHAPE)
        none = np.where(self.cls == 0, 3, self.cls)  # no compass units: no bump to measure
        with self.assertRaises(hdnet.HdnetError) as e:
            hdnet.Lesion(self.net, none, self.phi, trials=2, steps=700)
        self.assertEqual(e.exception.status, hdnet.ERANGE)
        one = hdnet.Lesion(self.net, self.cls, self.phi, trials=2, steps=700)
        with self.assertRaises(hdnet.HdnetError) as e:
            one.measures("E1", "outgoing")  # only the rate mode was run
        self.assertEqual(e.exception.status, hdnet.ERANGE)


if __name__ == "__main__":
    unittest.main()
