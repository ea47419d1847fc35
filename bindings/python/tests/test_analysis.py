"""hdnet.analysis against NumPy transcriptions and against the C API on the same seeds."""
import unittest

from _helpers import np, hdnet, needs, run_c, split_arrays

A = hdnet.analysis
ARGS = ["units=12", "steps=80", "cue=5", "init=orthogonal"]


def setup_run():
    cfg = hdnet.Config.from_string("\n".join(ARGS))
    net = hdnet.Net(cfg, rng=6)
    trials = hdnet.Task(cfg, seed=8).generate(30)
    return cfg, net, trials


@needs("hdnet_tuning_collect", "hdnet_tuning_classify")
class TestTuning(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cfg, cls.net, cls.trials = setup_run()
        cls.t = A.Tuning(cls.net.units).collect(cls.net, cls.trials, chunk=7)

    def test_curves_match_numpy(self):
        cue = 5
        rates = self.net.run(self.trials.inputs).rates[:, cue:].reshape(-1, 12).astype(np.float64)
        deg = np.degrees(self.trials.heading[:, cue:]).ravel() % 360
        k = np.floor(deg).astype(int)
        counts = np.bincount(k, minlength=360)
        ref = np.stack([np.bincount(k, rates[:, u], 360) for u in range(12)]) / np.where(counts, counts, np.nan)
        curve = self.t.array("curve")
        self.assertEqual(curve.shape, (12, 360))
        np.testing.assert_allclose(curve, ref, rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(self.t.array("curve_counts")[0], counts)
        S = self.t.unit_stat("S")
        np.testing.assert_allclose(S, np.nanmax(ref, 1) - np.nanmin(ref, 1), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(self.t.array("hd_centres"), np.arange(360) + 0.5)
        self.assertEqual(self.t.scalar("n_units"), 12)
        self.assertEqual(self.t.scalar("pass"), 3)
        self.assertEqual(self.t.array("map").shape[0], 12)
        self.assertEqual(self.t.array("map").ndim, 3)

    def test_binding_equals_c(self):
        raw = run_c("ref_analysis", 6, 8, 30, 7, *ARGS)
        H, V, W = 360, self.t.array("av_centres").size, self.t.array("win_centres").size
        specs = [(np.float64, (12, H)), (np.float64, (12, V)), (np.float64, (12, W)),
                 (np.float64, (A.UNIT_STAT_COUNT, 12)), (np.float64, (1,)), (np.float64, (12,))]
        curve, avc, pref, stats, sigma, cls = split_arrays(raw, specs)
        np.testing.assert_array_equal(self.t.array("curve"), curve)
        np.testing.assert_array_equal(self.t.array("av_curve"), avc)
        np.testing.assert_array_equal(self.t.array("pref_curve"), pref)
        mine = self.t.unit_stats()
        for i, name in enumerate(A.unit_stat_names()):
            np.testing.assert_array_equal(mine[name], stats[i], err_msg=name)
        self.assertEqual(self.t.scalar("sigma_av"), sigma[0])
        np.testing.assert_array_equal(self.t.classify().classes, cls)

    def test_manual_passes_equal_collect(self):
        tr = self.trials
        run = self.net.run(tr.inputs)
        t = A.Tuning(12)
        t.add(tr.heading, tr.av, 5)
        t.next_pass()
        for _ in range(2):
            t.add(tr.heading[:13], tr.av[:13], 5, run.outputs[:13], run.rates[:13])
            t.add(tr.heading[13:], tr.av[13:], 5, run.outputs[13:], run.rates[13:])
            t.next_pass()
        for name in ("curve", "curve_dec", "pref_curve"):
            np.testing.assert_allclose(t.array(name), self.t.array(name), rtol=1e-12, atol=1e-15)
        with self.assertRaises(hdnet.HdnetError) as cm:
            t.next_pass()
        self.assertEqual(cm.exception.status, hdnet.ESTATE)

    def test_classify_consistency(self):
        c = self.t.classify("adaptive")
        self.assertEqual(c.classes.shape, (12,))
        self.assertTrue(np.all((c.classes >= 0) & (c.classes < 5)))
        self.assertEqual(set(c.info), set(A.CLASSIFY_INFO))
        s = self.t.unit_stats()
        c2 = A.classify(s["range"], s["S"], s["slope"], s["slope_t"], s["A"], rule="adaptive")
        np.testing.assert_array_equal(c2.classes, c.classes)
        np.testing.assert_array_equal(c2.reasons, c.reasons)
        r = self.t.classify("reference")
        r2 = A.classify(s["range"], s["S"], s["slope"], rule="reference")
        np.testing.assert_array_equal(r.classes, r2.classes)
        self.assertEqual([A.class_name(i) for i in range(5)], list(hdnet.CLASSES))

    def test_errors(self):
        with self.assertRaises(KeyError):
            self.t.array("nope")
        with self.assertRaises(ValueError):
            A.Tuning(0)
        t = A.Tuning(12)
        with self.assertRaises(hdnet.HdnetError) as cm:
            t.array("curve")
        self.assertEqual(cm.exception.status, hdnet.ESTATE)
        with self.assertRaises(ValueError):
            t.add(self.trials.heading, self.trials.av[:, :-1], 5)
        with self.assertRaises(hdnet.HdnetError) as cm:
            t.add(self.trials.heading, self.trials.av, 500)
        self.assertEqual(cm.exception.status, hdnet.ERANGE)


@needs("hdnet_aparams_create", "hdnet_classify", "hdnet_tiling_stats", "hdnet_profile")
class TestAnalysisFunctions(unittest.TestCase):
    def test_params(self):
        p = hdnet.AnalysisParams(compass_slope_max=0.02)
        self.assertEqual(p["compass_slope_max"], 0.02)
        p["compat"] = "matlab"
        self.assertEqual(p["compat"], 1.0)
        self.assertIn("compass_slope_max", repr(p))
        with self.assertRaises(KeyError):
            p["nope"] = 1
        with self.assertRaises(hdnet.HdnetError) as cm:
            p["profile_window"] = 4  # must be odd
        self.assertIn(cm.exception.status, (hdnet.ERANGE, hdnet.EINVAL))

    def test_reference_rule(self):
        rng_ = np.array([0.001, 0.5, 0.5, 0.5])
        S = np.array([0.9, 0.9, 0.5, 0.5])
        b = np.array([0.0, 0.0, 0.05, -0.05])
        c = A.classify(rng_, S, b, rule="reference")
        self.assertEqual([A.CLASSES[i] for i in c.classes], ["inactive", "compass", "shifter_ccw", "shifter_cw"])
        self.assertTrue(c.reasons[0] & A.REASONS["range"])
        # a looser compass threshold turns the shifters into compass units
        c = A.classify(rng_, S, b, rule="reference", params={"compass_slope_max": 0.1, "compass_strength_min": 0.4})
        self.assertEqual(list(c.classes[2:]), [0, 0])
        with self.assertRaises(hdnet.HdnetError) as cm:
            A.classify(rng_, S, b, rule="adaptive")  # needs slope_t and A
        self.assertEqual(cm.exception.status, hdnet.EINVAL)
        with self.assertRaises(ValueError):
            A.classify(rng_, S[:3], b)

    def test_tiling(self):
        s = A.tiling_stats(np.arange(0, 360, 10.0))
        self.assertEqual(s["n"], 36)
        self.assertAlmostEqual(s["gmax"], 10.0)
        self.assertLess(s["rbar"], 1e-12)
        s = A.tiling_stats([10.0, 20.0, np.nan])
        self.assertEqual(s["n"], 2)
        self.assertAlmostEqual(s["gmax"], 350.0)

    def test_order_and_sort(self):
        cls = np.array([4, 0, 1, 0, 2, 3])
        phi = np.array([5.0, 200.0, 30.0, 100.0, 10.0, 50.0])
        perm, bounds = A.unit_order(cls, phi, "all")
        self.assertEqual(list(perm), [3, 1, 2, 4, 5, 0])
        self.assertEqual(list(bounds), [0, 2, 3, 4, 5, 6])
        perm, _ = A.unit_order(cls, phi, "phi")
        self.assertEqual(sorted(perm), [1, 2, 3, 4, 5])  # inactive left out
        w = np.arange(36, dtype=np.float32).reshape(6, 6)
        np.testing.assert_array_equal(A.sort_weights(w, [3, 1, 2]), w[np.ix_([3, 1, 2], [3, 1, 2])])

    def test_profile(self):
        rs = np.random.RandomState(2)
        n = 20
        w = rs.randn(n, n).astype(np.float32)
        phi = rs.uniform(0, 360, n)
        pre, post = np.arange(0, n, 2), np.arange(1, n, 2)
        prof = A.profile(w, phi, pre, post)
        self.assertEqual(prof.mean.shape, (360,))
        pairs = prof.pairs
        self.assertEqual(pairs.shape, (len(pre) * len(post), 4))
        i, j = pairs[:, 0].astype(int), pairs[:, 1].astype(int)
        np.testing.assert_array_equal(pairs[:, 3], w[j, i].astype(np.float64))
        np.testing.assert_allclose(pairs[:, 2], A.wrap_deg(phi[j] - phi[i]), atol=1e-9)
        m, k = A.pairs_mean(prof, -30, 30)
        sel = np.abs(pairs[:, 2]) <= 30
        self.assertEqual(k, sel.sum())
        self.assertAlmostEqual(m, pairs[sel, 3].mean(), delta=1e-12)
        self.assertTrue(-180 < A.profile_offset(prof) <= 180 or np.isnan(A.profile_offset(prof)))
        table = np.zeros((5, 360))
        table[0] = np.arange(360) - 179.5
        table[2] = np.where(np.abs(table[0] - 30) < 1, 1.0, -1.0)
        self.assertAlmostEqual(A.profile_offset(table), 30, delta=1)

    def test_autocorr_and_wrap(self):
        x = np.random.RandomState(0).randn(500)
        m = x.mean()
        ref = [np.sum((x[:500 - k] - m) * (x[k:] - m)) / np.sum((x - m) ** 2) for k in range(5)]
        np.testing.assert_allclose(A.autocorr(x, 5), ref, rtol=1e-12)
        with self.assertRaises(hdnet.HdnetError) as cm:
            A.autocorr(np.ones(10), 3)
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        v = np.array([-540.0, -180.0, 180.0, 190.0, 725.0])
        np.testing.assert_array_equal(A.wrap_deg(v), [180.0, 180.0, 180.0, -170.0, 5.0])
        self.assertEqual(A.wrap_deg(-90), -90.0)


if __name__ == "__main__":
    unittest.main()
