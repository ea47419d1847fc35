"""hdnet.Net against a NumPy transcription of the model equations and against the C API."""
import unittest

from _helpers import np, hdnet, needs, run_c, split_arrays


def retanh(a):
    return np.maximum(np.tanh(a), 0.0)


def numpy_forward(p, x, dt_tau, noise=None):
    """a[t] = a[t-1] + dt/tau (-a[t-1] + W_rec h[t-1] + W_in x[t] + b_rec); h = f(a) (+ noise)."""
    B, T, _ = x.shape
    a = np.tile(p["ah0"].astype(np.float64), (B, 1))
    h = retanh(a)
    ys, hs = [], []
    for t in range(T):
        a = a + dt_tau * (-a + h @ p["W_rec"].T.astype(np.float64) + x[:, t] @ p["W_in"].T.astype(np.float64)
                          + p["b_rec"])
        h = retanh(a)
        if noise is not None:
            h = h + noise[:, t]
        hs.append(h)
        ys.append(h @ p["W_out"].T.astype(np.float64) + p["b_out"])
    return np.stack(ys, 1), np.stack(hs, 1)


def numpy_ne(y, t, m):
    terms = []
    for k in range(y.shape[2]):
        sel = m[..., k] == 1
        r = y[..., k][sel] - t[..., k][sel]
        d = t[..., k][sel].mean() - t[..., k][sel]
        terms.append((r @ r) / (d @ d))
    return float(np.mean(terms))


@needs("hdnet_net_create", "hdnet_net_forward", "hdnet_task_create")
class TestNet(unittest.TestCase):
    def setUp(self):
        self.cfg = hdnet.Config(units=12, steps=30, cue=5, init="orthogonal")
        self.net = hdnet.Net(self.cfg, rng=4)
        self.trials = hdnet.Task(self.cfg, seed=9).generate(3)

    def test_dims_and_blocks(self):
        net = self.net
        self.assertEqual((net.units, net.inputs, net.outputs), (12, 3, 2))
        self.assertEqual(net.num_params, 12 * 3 + 12 + 144 + 2 * 12 + 2 + 12)
        shapes = {k: v.shape for k, v in net.params.items()}
        self.assertEqual(shapes, {"W_in": (12, 3), "b_rec": (12,), "W_rec": (12, 12),
                                  "W_out": (2, 12), "b_out": (2,), "ah0": (12,)})
        flat = net.get_flat_params()
        for name, block in net.unflatten(flat).items():
            np.testing.assert_array_equal(block, net.get_block(name))
        self.assertTrue(net.learned("W_rec"))
        self.assertFalse(net.learned("b_out"))
        np.testing.assert_array_equal(np.diag(net.get_block("W_rec")), 0)

    def test_set_blocks(self):
        net = self.net.copy()
        w = np.random.RandomState(0).randn(12, 3)
        net.set_block("W_in", w)  # float64 accepted, converted once
        np.testing.assert_array_equal(net.get_block("W_in"), w.astype(np.float32))
        net.params = {"b_rec": np.ones(12, np.float32)}
        np.testing.assert_array_equal(net.get_block("b_rec"), 1)
        np.testing.assert_array_equal(self.net.get_block("b_rec") == 1, False)  # original untouched
        flat = net.get_flat_params() * 0.5
        net.set_flat_params(flat)
        np.testing.assert_array_equal(net.get_flat_params(), flat)

    def test_set_block_errors(self):
        net = self.net
        with self.assertRaises(ValueError):
            net.set_block("W_in", np.zeros((3, 12)))
        with self.assertRaises(KeyError):
            net.set_block("W_foo", np.zeros(3))
        bad = net.get_block("W_in")
        bad[0, 0] = np.nan
        with self.assertRaises(hdnet.HdnetError) as cm:
            net.set_block("W_in", bad)
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        diag = net.get_block("W_rec") + np.eye(12, dtype=np.float32)
        with self.assertRaises(hdnet.HdnetError) as cm:
            net.set_block("W_rec", diag)
        self.assertEqual(cm.exception.status, hdnet.ERANGE)

    def test_forward_matches_numpy_equations(self):
        p = self.net.params
        x = self.trials.inputs
        out = self.net.forward(x)
        y_ref, h_ref = numpy_forward(p, x.astype(np.float64), 1.0 / 10.0)
        # float32 state over 30 steps: errors of a few float32 ulps per step.
        np.testing.assert_allclose(out.rates, h_ref, atol=2e-5)
        np.testing.assert_allclose(out.outputs, y_ref, atol=2e-5)
        self.assertGreater(np.abs(out.outputs).max(), 1e-3)  # not trivially zero
        noise = np.random.RandomState(1).normal(0, 0.1, (3, 30, 12)).astype(np.float32)
        out_n = self.net.forward(x, noise=noise)
        y_ref, h_ref = numpy_forward(p, x.astype(np.float64), 0.1, noise.astype(np.float64))
        np.testing.assert_allclose(out_n.rates, h_ref, atol=2e-5)

    def test_forward_with_rng_noise_is_reproducible(self):
        x = self.trials.inputs
        a = self.net.forward(x, rng=hdnet.Rng(5)).outputs
        b = self.net.forward(x, rng=5).outputs
        clean = self.net.forward(x).outputs
        np.testing.assert_array_equal(a, b)
        self.assertFalse(np.array_equal(a, clean))
        self.assertIsNone(self.net.forward(x, rates=False).rates)

    def test_golden_equality_with_c(self):
        args = ["units=12", "steps=30", "cue=5", "init=orthogonal"]
        raw = run_c("ref_program", "forward", 4, 9, 3, *args)
        x, y, h = split_arrays(raw, [(np.float32, (3, 30, 3)), (np.float32, (3, 30, 2)),
                                     (np.float32, (3, 30, 12))])
        np.testing.assert_array_equal(x, self.trials.inputs)
        out = self.net.forward(self.trials.inputs)
        np.testing.assert_array_equal(out.outputs, y)
        np.testing.assert_array_equal(out.rates, h)

    def test_concurrent_forward_equals_serial(self):
        import threading
        x = hdnet.Task(self.cfg, seed=10).generate(16).inputs
        serial = [self.net.forward(x[i::4]).outputs for i in range(4)]
        results = [None] * 4

        def work(i):
            results[i] = self.net.forward(x[i::4]).outputs

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for a, b in zip(results, serial):
            np.testing.assert_array_equal(a, b)

    def test_shape_errors(self):
        with self.assertRaises(ValueError):
            self.net.forward(np.zeros((2, 5, 4), np.float32))
        with self.assertRaises(ValueError):
            self.net.forward(np.zeros((5, 3), np.float32))
        with self.assertRaises(ValueError):
            self.net.forward(self.trials.inputs, noise=np.zeros((3, 30, 11), np.float32))
        with self.assertRaises(TypeError):
            self.net.forward(self.trials.inputs, rng="seed")

    def test_normalized_error(self):
        tr = self.trials
        y = self.net.forward(tr.inputs).outputs
        ne = hdnet.normalized_error(y, tr.targets, tr.mask)
        self.assertAlmostEqual(ne, numpy_ne(y.astype(np.float64), tr.targets.astype(np.float64), tr.mask),
                               delta=1e-5 * ne)
        self.assertEqual(hdnet.normalized_error(tr.targets, tr.targets, tr.mask), 0.0)
        with self.assertRaises(ValueError):
            hdnet.normalized_error(y, tr.targets[:, :-1], tr.mask)


@needs("hdnet_net_run", "hdnet_perturb_create", "hdnet_task_create")
class TestRun(unittest.TestCase):
    def setUp(self):
        self.cfg = hdnet.Config(units=12, steps=30, cue=5, init="orthogonal")
        self.net = hdnet.Net(self.cfg, rng=4)
        self.x = hdnet.Task(self.cfg, seed=9).generate(2).inputs

    def test_run_without_perturbation_equals_forward(self):
        r = self.net.run(self.x, shadow=True)
        f = self.net.forward(self.x)
        np.testing.assert_array_equal(r.outputs, f.outputs)
        np.testing.assert_array_equal(r.rates, f.rates)
        np.testing.assert_array_equal(r.shadow, f.rates)

    def test_rate_clamp(self):
        r = self.net.run(self.x, perturbations=[("rate", [1, 3], 10, 20, 0.5)], shadow=True)
        np.testing.assert_array_equal(r.rates[:, 10:20, [1, 3]], 0.5)
        f = self.net.forward(self.x)
        np.testing.assert_array_equal(r.rates[:, :10], f.rates[:, :10])
        self.assertFalse(np.array_equal(r.rates[:, 20:], f.rates[:, 20:]))
        p = hdnet.Perturbations().add("outgoing", [0], 0, 30)
        self.assertEqual(self.net.run(self.x, perturbations=p).outputs.shape, (2, 30, 2))

    def test_errors(self):
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Perturbations().add("rate", [0], 20, 10)
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        with self.assertRaises(ValueError):
            hdnet.Perturbations().add("melt", [0], 0, 1)
        with self.assertRaises(hdnet.HdnetError) as cm:
            self.net.run(self.x, perturbations=[("rate", [12], 0, 5, 0.0)])
        self.assertEqual(cm.exception.status, hdnet.ERANGE)


@needs("hdnet_net_loss_grad", "hdnet_task_create")
class TestLossGrad(unittest.TestCase):
    def setUp(self):
        self.cfg = hdnet.Config(units=8, steps=20, cue=4, init="orthogonal")
        self.net = hdnet.Net(self.cfg, rng=2)
        self.tr = hdnet.Task(self.cfg, seed=3).generate(2)

    def test_loss_terms_match_numpy(self):
        tr = self.tr
        loss, grads = self.net.loss_and_grad(tr.inputs, tr.targets, tr.mask, rate_l2=0.01)
        out = self.net.forward(tr.inputs)
        y, h = out.outputs.astype(np.float64), out.rates.astype(np.float64)
        main = np.sum(tr.mask * (y - tr.targets) ** 2) / tr.mask.sum()
        rate = 0.01 * np.mean(h ** 2)
        self.assertAlmostEqual(loss["main"], main, delta=1e-5 * main)
        self.assertAlmostEqual(loss["rate"], rate, delta=1e-5 * rate)
        self.assertAlmostEqual(loss["total"], loss["main"] + loss["rate"] + loss["weight"], delta=1e-9)
        self.assertEqual(set(grads), set(hdnet.BLOCKS))
        np.testing.assert_array_equal(grads["b_out"], 0)  # frozen by default
        np.testing.assert_array_equal(np.diag(grads["W_rec"]), 0)

    def test_gradient_matches_finite_differences(self):
        tr, net = self.tr, self.net.copy()
        # ah0 starts at 0, on the kink of retanh where the derivative is one-sided: move it away.
        net.set_block("ah0", np.random.RandomState(1).uniform(0.2, 0.5, 8))
        _, grads = net.loss_and_grad(tr.inputs, tr.targets, tr.mask, rate_l2=0.01)
        flat_g = np.concatenate([grads[b].ravel() for b in hdnet.BLOCKS])
        theta = net.get_flat_params().astype(np.float64)
        learned = np.concatenate([np.full(net.get_block(b).size, net.learned(b)) for b in hdnet.BLOCKS])
        w_rec_off = net.block_offset("W_rec")
        diag = {w_rec_off + i * 9 for i in range(8)}
        idx = [i for i in np.random.RandomState(0).permutation(theta.size) if learned[i] and i not in diag][:25]
        eps = 1e-2  # float32 forward: a larger step keeps rounding below the curvature error
        for i in idx:
            vals = []
            for s in (eps, -eps):
                th = theta.copy()
                th[i] += s
                net.set_flat_params(th)
                vals.append(net.loss_and_grad(tr.inputs, tr.targets, tr.mask, rate_l2=0.01, grad=False)[0]["total"])
            fd = (vals[0] - vals[1]) / (2 * eps)
            self.assertLess(abs(fd - flat_g[i]), 2e-2 * abs(flat_g[i]) + 2e-5, "parameter %d" % i)

    def test_errors(self):
        tr = self.tr
        with self.assertRaises(ValueError):
            self.net.loss_and_grad(tr.inputs, tr.targets[..., :1], tr.mask)
        with self.assertRaises(hdnet.HdnetError) as cm:
            self.net.loss_and_grad(tr.inputs, tr.targets, tr.mask, rate_l2=-1)
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        loss, g = self.net.loss_and_grad(tr.inputs, tr.targets, tr.mask, grad=False)
        self.assertIsNone(g)
        self.assertGreater(loss["main"], 0)


@needs("hdnet_net_create")
class TestNetCreate(unittest.TestCase):
    def test_create_errors(self):
        cfg = hdnet.Config(units=5)
        cfg.tau_vector = [10.0] * 4
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Net(cfg, rng=1)
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        with self.assertRaises(TypeError):
            hdnet.Net(cfg, rng="one")

    def test_config_copy_and_default_rng(self):
        cfg = hdnet.Config(units=6, seed=3)
        a = hdnet.Net(cfg)
        b = hdnet.Net(cfg, rng=hdnet.Rng(3))
        np.testing.assert_array_equal(a.get_flat_params(), b.get_flat_params())
        self.assertEqual(a.config["units"], 6)
        cfg["units"] = 7
        self.assertEqual(a.config["units"], 6)


if __name__ == "__main__":
    unittest.main()
