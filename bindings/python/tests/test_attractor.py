"""hdnet.attractor against NumPy transcriptions of the model and closed-form fixed points."""
import unittest

from _helpers import np, hdnet, needs

A = hdnet.attractor


def small_net(act="tanh", units=6, seed=3):
    cfg = hdnet.Config(units=units, steps=40, cue=5, activation=act, self_connections="free")
    net = hdnet.Net(cfg, rng=seed)
    rs = np.random.RandomState(seed)
    net.set_block("W_out", rs.randn(2, units) / np.sqrt(units))
    return net


def numpy_field(net, a, x):
    p = {k: v.astype(np.float64) for k, v in net.params.items()}
    f = np.tanh(a)
    return 0.1 * (-a + p["W_rec"] @ f + p["W_in"] @ x + p["b_rec"])


@needs("hdnet_attractor_field", "hdnet_fp_find")
class TestField(unittest.TestCase):
    def test_field_matches_numpy(self):
        net = small_net()
        a, x = np.linspace(-1, 1, 6), np.array([0.1, -0.2, 0.3])
        np.testing.assert_allclose(A.field(net, a, x), numpy_field(net, a, x), rtol=0, atol=1e-15)

    def test_jacobian_against_differences(self):
        # central differences with h = 1e-6: truncation and rounding far below 1e-7
        for act in ("tanh", "retanh", "smoothrelu", "gelu", "linear"):
            net = small_net(act)
            a = np.array([0.3, -0.7, 1.2, -1.5, 0.05, 2.0])
            J, h = A.jacobian(net, a), 1e-6
            fd = np.stack([(A.field(net, a + h * e) - A.field(net, a - h * e)) / (2 * h) for e in np.eye(6)], axis=1)
            np.testing.assert_allclose(J, fd, rtol=0, atol=1e-7, err_msg=act)

    def test_states_follow_run(self):
        net = small_net("retanh")
        trials = hdnet.Task(net.config, seed=2).generate(3)
        st = A.states(net, trials.inputs)
        self.assertEqual(st.shape, (3, 40, 6))
        rates = net.run(trials.inputs).rates
        np.testing.assert_allclose(np.maximum(np.tanh(st), 0), rates, atol=1e-5)

    def test_leading_mode_matches_numpy(self):
        net = small_net()
        a = np.linspace(-1, 1, 6)
        lam, vec = A.leading_mode(net, a)
        w, v = np.linalg.eig(A.jacobian(net, a))
        k = np.argmax(w.real)
        self.assertAlmostEqual(complex(lam).real, w[k].real, places=12)
        self.assertAlmostEqual(abs(complex(lam).imag), abs(w[k].imag), places=12)
        if w[k].imag == 0:
            ref = np.real(v[:, k]) / np.linalg.norm(v[:, k])
            np.testing.assert_allclose(abs(ref @ vec), 1, atol=1e-10)
        self.assertAlmostEqual(np.linalg.norm(vec), 1, places=12)

    def test_heading(self):
        net = small_net()
        a = np.linspace(-1, 1, 6)
        h, v = A.heading(net, a)
        y = net.get_block("W_out").astype(np.float64) @ np.tanh(a)
        self.assertAlmostEqual(h, np.degrees(np.arctan2(y[0], y[1])) % 360, places=9)
        # velocity = d heading / dt along F, by a difference along the flow
        eps = 1e-6
        h2, _ = A.heading(net, a + eps * A.field(net, a))
        self.assertAlmostEqual(v, (h2 - h) / eps, places=4)

    def test_errors(self):
        net = small_net()
        with self.assertRaises(ValueError):
            A.field(net, np.zeros(5))
        with self.assertRaises(hdnet.HdnetError) as cm:
            A.jacobian(net, np.full(6, np.nan))
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        with self.assertRaises(KeyError):
            A.FinderParams(nope=1)
        with self.assertRaises(hdnet.HdnetError):
            A.FinderParams(max_iter=0)


@needs("hdnet_fp_find")
class TestFinder(unittest.TestCase):
    def test_tanh_pair(self):
        # a = 2 tanh(swap(a)): (0, 0) a saddle, +-(s, s) with s = 2 tanh s stable
        cfg = hdnet.Config(units=2, activation="tanh", self_connections="free")
        net = hdnet.Net(cfg, rng=1)
        net.set_block("W_rec", [[0, 2], [2, 0]])
        net.set_block("b_rec", [0, 0])
        s = 1.9
        for _ in range(100):
            s = 2 * np.tanh(s)
        starts = np.random.RandomState(4).uniform(-3, 3, (40, 2))
        starts[0] = [0.05, -0.04]
        fp = A.find_fixed_points(net, starts, q_tol=1e-24, threads=2)
        self.assertEqual(len(fp), 3)
        pts = fp.array("state")
        want = sorted([(-s, -s), (0, 0), (s, s)])
        got = sorted(map(tuple, pts))
        np.testing.assert_allclose(got, want, atol=1e-9)
        d = 1 - np.tanh(s) ** 2
        for p, re, un in zip(pts, fp.array("eig_re"), fp.array("n_unstable")):
            ana = [0.1, -0.3] if abs(p[0]) < 1e-6 else [0.1 * (-1 + 2 * d), 0.1 * (-1 - 2 * d)]
            np.testing.assert_allclose(re, ana, atol=1e-10)
            self.assertEqual(un, 1 if abs(p[0]) < 1e-6 else 0)
        sc = fp.scalars
        self.assertEqual(sc["n_points"], 3)
        self.assertEqual(sc["n_starts"], 40)
        self.assertEqual(sc["n_stable"], 2)
        self.assertEqual(fp.array("n_starts").sum(), sc["n_kept"])

    def test_params(self):
        p = A.FinderParams(q_tol=1e-12, dedup=0.5)
        self.assertEqual(p["q_tol"], 1e-12)
        self.assertEqual(p["dedup"], 0.5)
        self.assertEqual(p["max_iter"], 200)
        for i, name in enumerate(A.FINDER_PARAMS):
            self.assertEqual(A.finder_param_name(i), name)
        self.assertIsNone(A.finder_param_name(len(A.FINDER_PARAMS)))


@needs("hdnet_attractor_gain", "hdnet_pca")
class TestBehaviour(unittest.TestCase):
    def test_shapes_and_nulls(self):
        net = small_net("retanh", units=8)
        g = A.gain(net, [0, 1, 2], trials=3, steps=60, settle=5)
        self.assertEqual(g.speed.shape, (3,))
        self.assertTrue(np.isfinite(g.speed).all() and (g.sd >= 0).all())
        d = A.diffusion(net, [0, 0.1], trials=4, steps=50)
        self.assertEqual(d.var.shape, (2, 50))
        self.assertTrue((d.var[0] == 0).all())
        self.assertEqual(d.coef[0], 0)
        self.assertEqual(A.gain_limit([1, 2, 3], [1.05, 1.5, 3.0], 0.1), 1.0)
        self.assertEqual(A.long_error(net, 1, 5, 2), hdnet.evaluate(net, net.config, 5, 2))
        r = A.rank_error(net, [0, 8], trials=5, base=net)
        self.assertEqual(r.ne[0], r.ne[1])
        r = A.rank_error(net, trials=5)
        self.assertEqual(r.ne.shape, (8,))
        self.assertTrue((np.diff(r.singular_values) <= 0).all())

    def test_pca_matches_numpy(self):
        x = np.random.RandomState(1).randn(500, 4) @ np.diag([3, 2, 1, 0.5])
        p = A.pca(x, 2)
        w, v = np.linalg.eigh(np.cov(x.T))
        np.testing.assert_allclose(p.variance, w[::-1][:2], rtol=1e-10)
        np.testing.assert_allclose(np.abs(p.components @ v[:, ::-1][:, :2]), np.eye(2), atol=1e-8)
        np.testing.assert_allclose(p.mean, x.mean(0), atol=1e-12)


if __name__ == "__main__":
    unittest.main()
