"""hdnet.trust: the bootstrap against the accumulator, the interval rule, permuted nulls,
the null comparison and the gate."""
import unittest

from _helpers import np, hdnet, needs

T = hdnet.trust
ARGS = ["units=12", "steps=80", "cue=5", "init=orthogonal"]


@needs("hdnet_boot_create", "hdnet_net_permute_recurrent")
class TestTrust(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cfg = hdnet.Config.from_string("\n".join(ARGS))
        cls.net = hdnet.Net(cfg, rng=6)
        cls.trials = hdnet.Task(cfg, seed=8).generate(40)
        cls.t = hdnet.Tuning(cls.net.units).collect(cls.net, cls.trials, chunk=7)
        cls.b = T.Bootstrap(cls.t, n_blocks=8).collect(cls.net, cls.trials, chunk=9).resample(50, seed=3)

    def test_estimates(self):
        np.testing.assert_array_equal(self.b.stat("range"), self.t.unit_stat("range"))
        lo, hi = self.b.stat("A", "lo"), self.b.stat("A", "hi")
        ok = ~np.isnan(lo)
        self.assertTrue(np.all(lo[ok] <= hi[ok]))
        self.assertTrue(np.all(np.isnan(self.b.stat("rel", "se"))))

    def test_manual_add_equals_collect(self):
        run = self.net.run(self.trials.inputs)
        b = T.Bootstrap(self.t, n_blocks=8)
        b.add(20, self.trials.heading[20:], self.trials.av[20:], run.rates[20:], cue=5)
        b.add(0, self.trials.heading[:20], self.trials.av[:20], run.rates[:20], cue=5)
        b.resample(50, seed=3)
        for s in T.BOOT_STATS:
            for w in T.BOOT_COLUMNS:
                np.testing.assert_array_equal(b.stat(s, w), self.b.stat(s, w), err_msg=s + " " + w)

    def test_classify(self):
        r = self.b.classify()
        self.assertEqual(r.classes.shape, (12,))
        np.testing.assert_allclose(r.prob.sum(1), 1.0, rtol=1e-12)
        self.assertEqual(sum(c[0] for c in r.counts.values()), 12)
        for c, (v, lo, hi) in r.counts.items():
            self.assertLessEqual(lo, hi)
        strict = self.b.classify({"z_sig": 1e9, "rel_min": 2.0})  # nothing can be shifter or compass
        self.assertTrue(set(strict.classes.tolist()) <= {3, 4})
        with self.assertRaises(KeyError):
            self.b.classify({"nope": 1})

    def test_classify_interval(self):
        cls = T.classify_interval([0.001, 0.5, 0.5], [0.001, 0.8, 0.5], [np.nan, 0.99, 0.99], [0, 1e-4, -0.02],
                                  [0, 1e-4, 1e-3], [np.nan, 0.01, 0.7], [np.nan, 0.01, 0.05])
        self.assertEqual(cls.tolist(), [4, 0, 2])
        self.assertEqual(T.interval_rule_defaults()["a_large"], 0.4)
        with self.assertRaises(ValueError):
            T.classify_interval([1], [1, 2], [1], [1], [1], [1], [1])

    def test_permute(self):
        p = T.permute_recurrent(self.net, 4)
        w, wp = self.net.params["W_rec"], p.params["W_rec"]
        np.testing.assert_array_equal(np.diag(w), np.diag(wp))
        off = ~np.eye(12, dtype=bool)
        np.testing.assert_array_equal(np.sort(w[off]), np.sort(wp[off]))
        self.assertGreater(np.sum(w[off] != wp[off]), 100)
        np.testing.assert_array_equal(self.net.params["W_out"], p.params["W_out"])

    def test_null_compare_and_gate(self):
        r = T.null_compare(23, np.arange(25.0))
        self.assertTrue(r.beyond)
        self.assertAlmostEqual(r.null_high, 22.8)
        self.assertFalse(T.null_compare(23, np.arange(25.0), tail="below").beyond)
        with self.assertRaises(hdnet.HdnetError) as e:
            T.null_compare(1, np.arange(19.0))
        self.assertEqual(e.exception.status, hdnet.ESHAPE)
        self.assertTrue(T.gate(0.05))
        self.assertFalse(T.gate(0.78))
        self.assertEqual(T.gate_bound(1.7), T.GATE_NE_MAX)
        self.assertEqual(T.gate_bound(0.08), 0.04)
        self.assertFalse(T.gate(0.06, T.gate_bound(0.08)))
        self.assertEqual(T.gate_verdict("PASS", True, False), "NOT_APPLICABLE")
        self.assertEqual(T.gate_verdict("FAIL", False, False), "FAIL")
        self.assertEqual(T.verdict_name(5), "NOT_APPLICABLE")

    def test_findings_and_nulls(self):
        ne = hdnet.normalized_error(self.net.run(self.trials.inputs).outputs, self.trials.targets, self.trials.mask)
        f = T.findings(self.t, self.b, self.net, ne)
        self.assertEqual(set(f), set(T.FINDINGS))
        self.assertEqual(f["ne"], ne)
        self.assertEqual(sum(f[c] for c in hdnet.CLASSES), 12)
        self.assertEqual(T.finding_tail("tile_gap"), "below")
        self.assertEqual(T.finding_tail("ring_contrast"), "above")
        ci = T.findings_wiring_ci(self.t, self.b, self.net)
        self.assertEqual(set(ci), set(T.FINDINGS[T.FINDINGS.index("ring_near"):T.FINDINGS.index("mirror") + 1]))
        for name, (lo, hi) in ci.items():
            if not np.isnan(f[name]) and not np.isnan(lo):
                self.assertLessEqual(lo, f[name], name)
                self.assertLessEqual(f[name], hi, name)
        run = T.findings_run(self.net, self.trials, n_blocks=8, n_boot=20, seed=3)
        self.assertAlmostEqual(run["ne"], ne, places=6)
        seen = []

        def fn(null):
            w = null.params["W_rec"]
            seen.append(w)
            return [w.sum(), np.trace(w)]

        v = T.null_values(self.net, fn, 2, n_perm=20, seed=5)
        self.assertEqual(v.shape, (20, 2))
        w = self.net.params["W_rec"]
        np.testing.assert_allclose(v[:, 0], w.sum(), rtol=1e-5)  # a permutation keeps the sum
        np.testing.assert_array_equal(v[:, 1], np.trace(w))
        self.assertFalse(np.array_equal(seen[0], seen[1]))
        with self.assertRaises(ValueError):
            T.null_values(self.net, lambda n: [1.0], 2)
        with self.assertRaises(hdnet.HdnetError):
            T.null_values(self.net, fn, 2, n_perm=19)

    def test_verdicts(self):
        good = dict.fromkeys(T.FINDINGS, float("nan"))
        good.update(ne=0.007, compass=30, shifter_ccw=28, shifter_cw=27, weak=3, inactive=12, typed_min=27,
                    separation=5, tile_gap=0.5, tile_p=0.6, ring_near=0.1, ring_far=-0.05, ring_contrast=0.15,
                    offset_ccw=30, offset_cw=-30, offset_asym=0.8, lag_ccw=0.05, lag_cw=0.06, lag_min=0.05,
                    mirror=0.7, tuned_frac=0.95, median_s=0.4, tuned_all=0.85)
        same = np.tile([good[k] for k in T.FINDINGS], (20, 1))
        v = T.verdicts(good, same, same)
        self.assertEqual(set(v), set(T.CRITERIA))
        self.assertTrue(all(r["verdict"] == "FAIL" and r["met"] == 1 for r in v.values()))
        v = T.verdicts(dict(good, ne=0.8), same, same)
        self.assertTrue(all(r["verdict"] == "NOT_APPLICABLE" for r in v.values()))
        with self.assertRaises(hdnet.HdnetError):
            T.verdicts(good, same[:19], same)


if __name__ == "__main__":
    unittest.main()
