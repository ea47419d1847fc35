"""hdnet.claims: the claim table R1-R15 of a network, the study behind it, and the shared
measures (windowed normalized error, decoded heading, bump, median) against NumPy."""
import os
import unittest

from _helpers import np, hdnet, needs, SRCROOT

A = hdnet.analysis
C = hdnet._claims_module
DATA = os.path.join(SRCROOT, "tests", "data", "pipeline")
IDS = ["R0", "R1", "R2", "R3", "R3i", "R4", "R5", "R6", "R6s", "R7", "R8", "R9", "R15", "R14", "R14i"]


def load_pair():
    return (hdnet.Net.load(os.path.join(DATA, "model.npz")), hdnet.Net.load(os.path.join(DATA, "untrained.npz")))


@needs("hdnet_claims_compute")
class TestClaimTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.net, cls.net0 = load_pair()
        cls.table = hdnet.claims(cls.net, untrained=cls.net0)

    def test_one_call_gives_every_check(self):
        self.assertEqual([r.id for r in self.table], IDS)
        for r in self.table:
            self.assertIn(r.verdict, C.VERDICTS)
            self.assertTrue(r.measured and r.criterion and r.claim)
            self.assertIsInstance(r.value, float)
        r14 = self.table[IDS.index("R14")]
        self.assertNotEqual(r14.verdict, "NOT_RUN")

    def test_verdicts_follow_values(self):
        r0, r1 = self.table[0], self.table[1]
        self.assertEqual(r1.verdict, "PASS" if r1.value <= 0.01 else "FAIL")
        self.assertEqual(r0.verdict, "PASS" if r0.value <= 0.1 else "FAIL")  # the competence gate
        r9 = self.table[IDS.index("R9")]
        if r0.verdict == "FAIL":
            self.assertEqual(r9.verdict, "NOT_APPLICABLE")
        elif r9.verdict == "PASS":  # beyond the 95 % quantile of its nulls
            self.assertGreater(r9.value, r9.null_high)

    def test_untrained_network_is_the_null(self):
        # the untrained network analysed as if trained fails the accuracy check, and its
        # table has no untrained comparison
        null = hdnet.claims(self.net0)
        self.assertEqual(null[1].id, "R1")
        self.assertEqual(null[1].verdict, "FAIL")
        self.assertGreater(null[1].value, 0.9)
        self.assertLess(self.table[1].value, null[1].value)
        self.assertEqual(null[0].verdict, "FAIL")  # the gate: no cell types for a network that cannot integrate
        for cid in ("R3", "R4", "R5", "R6", "R7", "R8", "R9", "R14", "R15"):
            self.assertEqual(null[IDS.index(cid)].verdict, "NOT_APPLICABLE", cid)

    def test_study_gives_the_same_table(self):
        s = hdnet.Study(self.net, self.net0)
        s.nulls(self.net, 20, 500, hdnet.ANALYSIS_SEED)  # as hdnet.claims() does
        c = hdnet.Claims()
        c.add_study(s)
        self.assertEqual(repr(c.rows()), repr(self.table))  # repr: NaN columns compare equal
        self.assertEqual(s.findings()["ne"], s.scalar("ne"))
        self.assertEqual(s.findings("network_nulls").shape, (20, len(hdnet.trust.FINDINGS)))
        cls, prob, counts = s.classes()
        np.testing.assert_allclose(prob.sum(1), 1.0)
        self.assertEqual(sum(v[0] for v in counts.values()), self.net.units)


@needs("hdnet_study_run")
class TestStudy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.net, cls.net0 = load_pair()
        cls.set = hdnet.analysis_config(cls.net, 300)
        cls.s = hdnet.Study(cls.net, cls.net0, set=cls.set, trials=60, chunk=7)

    def test_analysis_config(self):
        self.assertEqual(self.set["steps"], 300)
        self.assertEqual(self.set["stretch_rule"], "first_k")
        self.assertEqual(self.set["input_noise"], 0)
        self.assertEqual(self.set["units"], self.net.config["units"])

    def test_trials_are_the_analysis_set_and_ne_matches(self):
        tr = self.s.trials(60)
        ref = hdnet.Task(self.set, seed=hdnet.ANALYSIS_SEED).generate(60)
        np.testing.assert_array_equal(tr["inputs"], ref.inputs)
        np.testing.assert_array_equal(tr["targets"], ref.targets)
        run = self.net.run(tr["inputs"])
        np.testing.assert_array_equal(tr["outputs"], run.outputs)
        self.assertEqual(self.s.scalar("ne"), hdnet.normalized_error(run.outputs, ref.targets, ref.mask))
        self.assertEqual(self.s.scalar("ne_500"), self.s.scalar("ne"))  # 300 < 500 steps
        # the gate's null: holding the cued heading on the study's own trials
        full = hdnet.Task(self.set, seed=hdnet.ANALYSIS_SEED).generate(int(self.s.scalar("trials")))
        hold = hdnet.hold_error(full.targets, full.mask, int(self.s.scalar("cue")))
        self.assertEqual(self.s.scalar("ne_hold"), hold)
        self.assertGreater(hold, 0.5)
        self.assertEqual(self.s.trials(2)["heading"].shape, (2, 300))

    def test_tunings(self):
        t, t0 = self.s.tuning(), self.s.tuning(untrained=True)
        self.assertEqual(t.scalar("pass"), 3)
        self.assertEqual(t.unit_stat("S").shape, (32,))
        self.assertFalse(np.array_equal(t.unit_stat("S"), t0.unit_stat("S")))
        ac = self.s.autocorr()
        self.assertEqual(ac.shape, (51,))
        self.assertAlmostEqual(ac[0], 1.0, delta=1e-12)  # 20 terms of 1/20: rounding only
        self.assertLess(abs(ac[1] - 0.8), 0.05)  # the AR(1) coefficient of the task, 20 x 5000 steps
        with self.assertRaises(KeyError):
            self.s.scalar("nope")
        with self.assertRaises(hdnet.HdnetError) as cm:
            self.s.trials(61)
        self.assertEqual(cm.exception.status, hdnet.ESHAPE)
        s1 = hdnet.Study(self.net, set=self.set, trials=10)
        self.assertIsNone(s1.tuning(untrained=True))
        self.assertTrue(np.isnan(s1.scalar("ne_untrained")))


@needs("hdnet_claims_add_lesion")
class TestLesionAndSpeed(unittest.TestCase):
    GOOD = dict(e1_units=30, e1_b0=0.4, e1_lost=0.05, e1_back=0.3, e2_units=20, e2_drift=60, e2_control=1,
                e2_decoded=50, e2m_units=20, e2m_drift=-60, e2m_control=1, e2m_decoded=-50, e3_units=40,
                e3_gain=0.05, e3_control=1.0, e3_bump=0.3, e3_bump_control=0.4)

    def test_lesion(self):
        c = hdnet.Claims()
        c.add_lesion(self.GOOD)
        bad = dict(self.GOOD, e1_back=0.1, e2_control=9, e2m_drift=-5, e3_control=0.5)
        c.add_lesion(bad)
        rows = c.rows()
        self.assertEqual([r.id for r in rows], ["R10", "R11", "R11m", "R12"] * 2)
        self.assertEqual([r.verdict for r in rows], ["PASS"] * 4 + ["FAIL", "FAIL", "WARN", "FAIL"])
        self.assertAlmostEqual(rows[0].value, 0.125)
        with self.assertRaises(KeyError):
            c.add_lesion({"e1_units": 1})

    def test_speed(self):
        c = hdnet.Claims()
        c.add_speed("adaptive", [0.1, 1, 3], [0.6, 0.4, 0.2], [0.2, 0.3, 0.5], 3)
        c.add_speed("adaptive", [0.1, 3], [0.2, 0.6], [0.5, 0.2], 3)
        c.add_speed("reference", [0.1, 3], [0.2, 0.6], [0.5, 0.2], 3)
        self.assertEqual([(r.id, r.verdict) for r in c], [("R13", "PASS"), ("R13", "FAIL"), ("R13i", "INFO")])
        self.assertIn("medians over 3 seeds", c.row(0).claim)
        with self.assertRaises(hdnet.HdnetError):
            c.add_speed("adaptive", [1], [0.5], [0.5], 3)
        with self.assertRaises(IndexError):
            c.row(3)
        self.assertEqual(C.verdict_name(4), "NOT_RUN")

    @needs("hdnet_claims_lesion_nulls", "hdnet_claims_gate")
    def test_lesion_nulls_and_gate(self):
        # random lesions that do nothing: the classified lesions lie beyond them
        idle = [dict(self.GOOD, e1_lost=0.35 + 0.001 * k, e2_drift=0.1 * k, e2m_drift=-0.1 * k,
                     e3_gain=0.9 + 0.01 * k) for k in range(20)]
        c = hdnet.Claims()
        c.add_lesion(self.GOOD)
        c.lesion_nulls(idle)
        self.assertEqual([r.verdict for r in c], ["PASS"] * 4)
        self.assertAlmostEqual(c.row(0).null_low, 0.35095 / 0.4)
        # random lesions that do as much: the checks fail against them
        c.add_lesion(self.GOOD)
        c.lesion_nulls([self.GOOD] * 20)
        self.assertEqual([r.verdict for r in c.rows()[4:]], ["FAIL"] * 4)
        with self.assertRaises(hdnet.HdnetError):
            c.lesion_nulls([self.GOOD] * 19)
        c.gate(0.5, n_networks=2)
        rows = c.rows()
        self.assertEqual((rows[0].id, rows[0].verdict), ("R0", "FAIL"))
        self.assertEqual({r.verdict for r in rows[1:]}, {"NOT_APPLICABLE"})
        with self.assertRaises(ValueError):
            c.gate(0.01, n_networks=-1)

    @needs("hdnet_claims_speed_nulls")
    def test_speed_nulls(self):
        c = hdnet.Claims()
        c.add_speed("adaptive", [0.1, 3], [0.6, 0.2], [0.2, 0.6], 3)
        c.speed_nulls("adaptive", [[0.6, 0.55, 0.65], [0.2, 0.25, 0.15]], [[0.2, 0.25, 0.15], [0.6, 0.55, 0.65]])
        self.assertEqual(c.row(0).verdict, "PASS")
        self.assertLess(c.row(0).null_high, 0.4)
        c.add_speed("adaptive", [0.1, 3], [0.6, 0.2], [0.2, 0.6], 1)
        c.speed_nulls("adaptive", [[0.6], [0.2]], [[0.2], [0.6]])
        self.assertEqual(c.row(1).verdict, "NOT_RUN")
        with self.assertRaises(ValueError):
            c.speed_nulls("adaptive", [0.6, 0.2], [[0.2], [0.6]])


@needs("hdnet_decoded_heading", "hdnet_bump", "hdnet_median", "hdnet_normalized_error_window")
class TestMeasures(unittest.TestCase):
    def test_decoded_heading(self):
        rng = np.random.default_rng(3)
        y = rng.normal(size=(4, 7, 2)).astype(np.float32)
        ref = np.degrees(np.arctan2(y[..., 0].astype(np.float64), y[..., 1].astype(np.float64))) % 360
        np.testing.assert_allclose(A.decoded_heading(y), ref, rtol=0, atol=1e-9)
        with self.assertRaises(ValueError):
            A.decoded_heading(np.zeros((3, 3)))

    def test_bump(self):
        rng = np.random.default_rng(4)
        rates = rng.random((5, 9, 6)).astype(np.float32)
        phi = np.array([0, 60, 120, 180, 240, np.nan])
        units = [0, 1, 2, 3, 4]
        B, psi = A.bump(rates, units, phi)
        r = rates[..., units].astype(np.float64)
        vx = (r * np.cos(np.radians(phi[units]))).mean(-1)
        vy = (r * np.sin(np.radians(phi[units]))).mean(-1)
        np.testing.assert_allclose(B, np.hypot(vx, vy), rtol=1e-12)
        np.testing.assert_allclose(psi, np.degrees(np.arctan2(vy, vx)), rtol=1e-12, atol=1e-12)
        with self.assertRaises(hdnet.HdnetError) as cm:
            A.bump(rates, [5], phi)  # no preferred heading
        self.assertEqual(cm.exception.status, hdnet.ERANGE)

    def test_median(self):
        x = np.array([3.0, np.nan, 1.0, 7.0, np.inf, 2.0])
        before = x.copy()
        self.assertEqual(A.median(x), 2.5)
        np.testing.assert_array_equal(x, before)  # the caller's array is not reordered
        self.assertTrue(np.isnan(A.median([np.nan])))

    def test_normalized_error_window(self):
        rng = np.random.default_rng(5)
        tg = rng.normal(size=(3, 50, 2)).astype(np.float32)
        y = (tg + 0.1 * rng.normal(size=tg.shape)).astype(np.float32)
        m = np.ones_like(tg)
        full = hdnet.normalized_error(y, tg, m)
        self.assertEqual(hdnet.normalized_error(y, tg, m, window=(0, 50)), full)
        self.assertEqual(hdnet.normalized_error(y, tg, m, window=(10, 30)),
                         hdnet.normalized_error(y[:, 10:30], tg[:, 10:30], m[:, 10:30]))
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.normalized_error(y, tg, m, window=(30, 30))
        self.assertEqual(cm.exception.status, hdnet.ERANGE)


if __name__ == "__main__":
    unittest.main()
