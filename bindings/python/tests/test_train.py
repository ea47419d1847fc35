"""hdnet.Trainer, Optimizer, evaluate and friends; equality with the C API on the same seeds."""
import math
import unittest

from _helpers import np, hdnet, needs, run_c, split_arrays

SMALL = dict(units=16, steps=30, cue=5, trials=8, updates=12, selection_trials=16, checkpoints="reference")


def small_cfg(**kw):
    cfg = hdnet.Config(**SMALL)
    cfg.update(kw)
    return cfg


@needs("hdnet_net_evaluate", "hdnet_stream_create", "hdnet_checkpoint_schedule")
class TestEvaluate(unittest.TestCase):
    def test_evaluate_equals_c(self):
        args = ["units=16", "steps=40", "init=orthogonal"]
        cfg = hdnet.Config.from_string("\n".join(args))
        net = hdnet.Net(cfg, rng=5)
        ne_py = hdnet.evaluate(net, cfg, trials=20, seed=77)
        ne_c = float(run_c("ref_train", "evaluate", 5, 77, 20, *args).decode())
        self.assertEqual(ne_py, ne_c)

    def test_evaluate_equals_forward_and_normalized_error(self):
        cfg = hdnet.Config(units=16, steps=40, init="orthogonal")
        net = hdnet.Net(cfg, rng=5)
        tr = hdnet.Task(cfg, seed=77).generate(20)
        ne = hdnet.normalized_error(net.forward(tr.inputs).outputs, tr.targets, tr.mask)
        self.assertAlmostEqual(hdnet.evaluate(net, cfg, trials=20, seed=77), ne, delta=1e-6 * ne)
        self.assertEqual(hdnet.evaluate(net, trials=20), hdnet.evaluate(net, cfg, trials=20,
                                                                         seed=hdnet.stream_seed(1, "test")))

    def test_streams_and_schedule(self):
        a = hdnet.stream_rng(3, "init").uniform(4)
        np.testing.assert_array_equal(a, hdnet.stream_rng(3, 0).uniform(4))
        self.assertFalse(np.array_equal(a, hdnet.stream_rng(3, "task").uniform(4)))
        self.assertEqual(hdnet.stream_seed(3, "test"), hdnet.stream_seed(3, "test"))
        with self.assertRaises(ValueError):
            hdnet.stream_rng(3, "nope")
        s = hdnet.checkpoint_schedule(5000)
        self.assertEqual(len(s), 45)
        self.assertEqual(list(s[:7]), [0, 1, 2, 3, 4, 5, 25])
        self.assertEqual(s[-1], 5000)
        self.assertTrue(np.all(np.diff(s) > 0))


@needs("hdnet_optim_create", "hdnet_clip_grad_norm", "hdnet_net_loss_grad")
class TestOptimizer(unittest.TestCase):
    def setUp(self):
        self.cfg = hdnet.Config(units=8, steps=20, cue=4, init="orthogonal")
        self.net = hdnet.Net(self.cfg, rng=2)
        tr = hdnet.Task(self.cfg, seed=3).generate(2)
        self.loss, self.grads = self.net.loss_and_grad(tr.inputs, tr.targets, tr.mask)

    def test_sgd_step(self):
        cfg = self.cfg.copy()
        cfg.update(optimizer="sgd", lr=0.1, sgd_momentum=0, weight_decay=0)
        opt = hdnet.Optimizer(cfg, self.net)
        before = self.net.params
        opt.step(self.net, self.grads)
        self.assertEqual(opt.steps, 1)
        for name in hdnet.BLOCKS:
            expect = before[name] - np.float32(0.1) * self.grads[name] if self.net.learned(name) else before[name]
            np.testing.assert_allclose(self.net.get_block(name), expect, rtol=1e-6, atol=1e-7, err_msg=name)
        opt.lr = 0.5
        self.assertEqual(opt.lr, 0.5)
        state = opt.state
        self.assertIsInstance(state, bytes)
        opt.state = state
        with self.assertRaises(hdnet.HdnetError):
            opt.lr = -1.0

    def test_clip_grad_norm(self):
        flat = np.concatenate([self.grads[b].ravel() for b in hdnet.BLOCKS]).astype(np.float32)
        learned = np.concatenate([np.full(self.net.get_block(b).size, self.net.learned(b)) for b in hdnet.BLOCKS])
        expect = math.sqrt(float(np.sum(flat[learned].astype(np.float64) ** 2)))
        g = flat.copy()
        norm, factor = hdnet.clip_grad_norm(self.net, g, expect / 2)
        self.assertAlmostEqual(norm, expect, delta=1e-6 * expect)
        self.assertAlmostEqual(factor, (expect / 2) / (expect + 1e-6), delta=1e-9)
        np.testing.assert_allclose(g[learned], flat[learned] * factor, rtol=1e-6)
        with self.assertRaises(ValueError):
            hdnet.clip_grad_norm(self.net, flat.astype(np.float64), 1.0)  # must be modifiable in place


@needs("hdnet_trainer_create", "hdnet_trainer_run", "hdnet_stream_create")
class TestTrainer(unittest.TestCase):
    def new(self, **kw):
        cfg = small_cfg(**kw)
        return cfg, hdnet.Net(cfg, hdnet.stream_rng(cfg["seed"], "init"))

    def test_progress_and_result(self):
        cfg, net = self.new()
        seen = []
        tr = hdnet.Trainer(cfg, net, progress=seen.append, every=1)
        self.assertTrue(tr.run())
        ups = [p.update for p in seen]
        self.assertEqual(ups, sorted(ups))
        self.assertEqual(ups[-1], 12)
        self.assertEqual(seen[-1].total, 12)
        self.assertTrue(all(math.isfinite(p.loss["total"]) for p in seen))
        ne, up = tr.best()
        self.assertTrue(math.isfinite(ne))
        evaluated = [p for p in seen if not math.isnan(p.normalized_error)]
        self.assertEqual(ne, min(p.normalized_error for p in evaluated))
        best = tr.best_net()
        self.assertEqual(best.num_params, net.num_params)
        with self.assertRaises(hdnet.HdnetError) as cm:
            tr.run()
        self.assertEqual(cm.exception.status, hdnet.ESTATE)

    def test_python_training_equals_c(self):
        args = ["units=16", "steps=30", "cue=5", "trials=8", "updates=12", "selection_trials=16", "seed=4"]
        cfg = hdnet.Config.from_string("\n".join(args))
        best, tr = hdnet.train(cfg)
        raw = run_c("ref_train", "train", *args)
        n = best.num_params
        final_c, best_c = split_arrays(raw, [(np.float32, (n,)), (np.float32, (n,))])
        np.testing.assert_array_equal(tr.net.get_flat_params(), final_c)
        np.testing.assert_array_equal(best.get_flat_params(), best_c)

    def test_callback_can_stop_and_resume(self):
        cfg, net = self.new()
        seen = []

        def stop_once_at_4(p):
            seen.append(p.update)
            return p.update == 4

        tr = hdnet.Trainer(cfg, net, progress=stop_once_at_4)
        self.assertFalse(tr.run())
        self.assertEqual(seen[-1], 4)
        self.assertTrue(tr.run())
        self.assertEqual(seen[-1], 12)
        self.assertEqual(seen[:5], [0, 1, 2, 3, 4])

    @needs("hdnet_trainer_save_state", "hdnet_trainer_load_state")
    def test_state_file_resumes_bit_for_bit(self):
        import os, tempfile
        cfg, net = self.new()
        hdnet.Trainer(cfg, net).run()
        whole = net.get_flat_params()

        cfg, net = self.new()
        tr = hdnet.Trainer(cfg, net, progress=lambda p: p.update == 5)
        self.assertFalse(tr.run())
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "state.npz")
            tr.save_state(path)
            cfg2, net2 = self.new(seed=99)  # different start: everything must come from the file
            tr2 = hdnet.Trainer(cfg, net2)
            self.assertEqual(tr2.next_pass, 0)
            tr2.load_state(path)
            self.assertEqual(tr2.next_pass, 6)  # pass 5 was completed
            self.assertTrue(tr2.run())
            self.assertEqual(tr2.next_pass, cfg["updates"] + 1)
            with self.assertRaises(hdnet.HdnetError):
                tr2.load_state(os.path.join(d, "missing.npz"))
        np.testing.assert_array_equal(net2.get_flat_params(), whole)

    def test_exception_in_callback_is_reraised(self):
        cfg, net = self.new()
        calls = []

        def boom(p):
            calls.append(p.update)
            if p.update == 3:
                raise KeyError("from the callback")

        tr = hdnet.Trainer(cfg, net, progress=boom)
        with self.assertRaises(KeyError):
            tr.run()
        self.assertEqual(calls[-1], 3)  # training stopped at the exception
        tr.set_progress(None)
        self.assertTrue(tr.run())  # and can continue afterwards

    def test_errors(self):
        cfg, net = self.new()
        with self.assertRaises(TypeError):
            hdnet.Trainer(cfg, "net")
        with self.assertRaises(TypeError):
            hdnet.Trainer(cfg, net, progress=42)
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Trainer(small_cfg(units=8), hdnet.Net(hdnet.Config(units=8, inputs=4)))
        self.assertEqual(cm.exception.status, hdnet.ESHAPE)


if __name__ == "__main__":
    unittest.main()
