"""Objects that cannot outlive what they use, misuse from two threads, Ctrl-C during
training, integers that C would wrap, NUL bytes and non-finite gradients.

Run under AddressSanitizer by `make check-python-asan`: before these guards, several
of these cases read freed memory or crashed."""
import gc
import os
import signal
import tempfile
import threading
import time
import unittest

from _helpers import np, hdnet

SMALL = dict(units=16, steps=30, cue=5, trials=8, updates=12, selection_trials=16, checkpoints="reference")


def small(**kw):
    cfg = hdnet.Config(**SMALL)
    cfg.update(kw)
    return cfg


class TestLifetimes(unittest.TestCase):
    def test_callback_cannot_close_its_trainer(self):
        t = None

        def cb(p):
            t.close()

        cfg = small()
        t = hdnet.Trainer(cfg, hdnet.Net(cfg, rng=1), progress=cb)
        with self.assertRaisesRegex(RuntimeError, "Trainer is in use by the call running this callback"):
            t.run()
        self.assertFalse(t.closed)
        t.set_progress(None)
        self.assertTrue(t.run())  # still usable: the run continues to the end
        t.close()
        self.assertTrue(t.closed)

    def test_callback_cannot_modify_the_network_but_may_read(self):
        cfg = small()
        net = hdnet.Net(cfg, rng=1)
        seen = []

        def reader(p):
            seen.append((t.next_pass, net.get_block("W_rec").shape))

        t = hdnet.Trainer(cfg, net, progress=reader, every=4)
        self.assertTrue(t.run())
        self.assertEqual(seen[0], (1, (16, 16)))

        t2 = hdnet.Trainer(cfg, net, progress=lambda p: net.set_block("b_rec", np.zeros(16)))
        with self.assertRaisesRegex(RuntimeError, "Net is in use"):
            t2.run()

    def test_closing_the_network_of_a_trainer_defers_the_free(self):
        cfg = small()
        net = hdnet.Net(cfg, rng=1)
        t = hdnet.Trainer(cfg, net)
        net.close()
        self.assertTrue(net.closed)
        with self.assertRaisesRegex(ValueError, "Net is closed"):
            net.get_block("W_rec")
        self.assertTrue(t.run())  # the C network is still alive: the trainer uses it
        self.assertIsNotNone(net._pending)
        best = t.best_net()
        t.close()
        self.assertIsNone(net._pending)  # freed together with its last user
        self.assertEqual(best.units, 16)

    def test_optimizer_keeps_its_trainer_alive(self):
        cfg = small(lr=0.0025)
        t = hdnet.Trainer(cfg, hdnet.Net(cfg, rng=1))
        o = t.optimizer
        t.close()
        self.assertEqual(o.lr, 0.0025)  # not memory of a freed trainer
        self.assertEqual(o.steps, 0)
        self.assertIsNotNone(t._pending)
        o.close()
        self.assertIsNone(t._pending)

    def test_two_threads_in_one_run(self):
        cfg = small(updates=200)
        net = hdnet.Net(cfg, rng=1)
        inside, release = threading.Event(), threading.Event()

        def cb(p):
            inside.set()
            release.wait(30)
            return True  # stop

        t = hdnet.Trainer(cfg, net, progress=cb)
        opt = t.optimizer
        th = threading.Thread(target=t.run)
        th.start()
        try:
            self.assertTrue(inside.wait(30))
            del opt  # collected while its trainer runs: releases the trainer all the same
            gc.collect()
            with self.assertRaisesRegex(RuntimeError, "in use by another thread"):
                t.run()
            with self.assertRaisesRegex(RuntimeError, "in use by another thread"):
                t.close()
            with self.assertRaisesRegex(RuntimeError, "in use by another thread"):
                net.close()
            with self.assertRaisesRegex(RuntimeError, "in use by another thread"):
                net.forward(np.zeros((1, 3, 3), np.float32))
            with self.assertRaisesRegex(RuntimeError, "in use by another thread"):
                t.optimizer
        finally:
            release.set()
            th.join()
        self.assertFalse(net.closed)
        net.close()  # free now that nothing runs
        t.close()
        self.assertIsNone(t._pending)
        self.assertIsNone(net._pending)

    def test_close_while_another_thread_runs_forward(self):
        cfg = hdnet.Config(units=64, steps=2000)
        net = hdnet.Net(cfg, rng=1)
        x = hdnet.Task(cfg, seed=1).generate(32).inputs
        done = []
        th = threading.Thread(target=lambda: done.append(net.forward(x)))
        th.start()
        deadline = time.time() + 30
        while not net._guard._readers and th.is_alive() and time.time() < deadline:
            time.sleep(0.0005)
        refused = False
        if th.is_alive():
            try:
                net.close()
            except RuntimeError:
                refused = True
        th.join()
        self.assertTrue(done)  # the forward pass finished on a live network
        if not refused:
            self.skipTest("the forward pass finished before close() could overlap it")
        self.assertFalse(net.closed)

    def test_rng_and_task_are_guarded_too(self):
        rng = hdnet.Rng(1)
        with hdnet._lib.hold(writes=(rng,)):
            self.assertRaises(RuntimeError, rng.close)
        rng.close()
        with self.assertRaisesRegex(ValueError, "Rng is closed"):
            rng.uniform(2)


class TestInterrupt(unittest.TestCase):
    """Ctrl-C (SIGINT) raises KeyboardInterrupt out of run() within a pass, with or
    without a callback, and the trainer continues afterwards."""

    def setUp(self):
        # As in an interactive interpreter: a shell's background job (a CI runner, say)
        # starts with SIGINT ignored, and Python then installs no handler of its own.
        self.old_handler = signal.signal(signal.SIGINT, signal.default_int_handler)

    def tearDown(self):
        signal.signal(signal.SIGINT, self.old_handler)

    def interrupted_run(self, progress):
        cfg = small(updates=100000)
        t = hdnet.Trainer(cfg, hdnet.Net(cfg, rng=1), progress=progress, every=1000)
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        t0 = time.time()
        try:
            with self.assertRaises(KeyboardInterrupt):
                t.run()
        finally:
            timer.cancel()
        self.assertLess(time.time() - t0, 20)
        self.assertIs(signal.getsignal(signal.SIGINT), signal.default_int_handler)
        stopped_at = t.next_pass
        self.assertGreater(stopped_at, 0)
        self.assertLess(stopped_at, 100001)
        # resumable: a callback that stops two passes later
        t.set_progress(lambda p: p.update >= stopped_at + 1)
        self.assertFalse(t.run())
        self.assertEqual(t.next_pass, stopped_at + 2)

    def test_without_callback(self):
        self.interrupted_run(None)

    def test_with_callback(self):
        calls = []
        self.interrupted_run(lambda p: calls.append(p.update))


class TestIntegerRanges(unittest.TestCase):
    def test_perturbation_units_and_times(self):
        p = hdnet.Perturbations()
        with self.assertRaises(ValueError):
            p.add("rate", [2 ** 32 + 5], 0, 10)
        with self.assertRaises(ValueError):
            p.add("rate", [2 ** 70], 0, 10)
        with self.assertRaises(ValueError):
            p.add("rate", np.array([2 ** 63], dtype=np.uint64), 0, 10)
        with self.assertRaises(ValueError):
            p.add("rate", [5], 0, 2 ** 64)
        p.add("rate", [5], 0, 2 ** 64 - 1)

    def test_every_c_integer_argument_is_range_checked(self):
        with self.assertRaises(OverflowError):
            hdnet.analysis.class_name(2 ** 32)  # int
        with self.assertRaises(OverflowError):
            hdnet.stream_rng(1, 2 ** 32)  # stream id
        with self.assertRaises((OverflowError, ValueError)):
            hdnet.Rng(1).randint(2 ** 64, 1)  # uint64
        with self.assertRaises(OverflowError):
            hdnet._lib.api.hdnet_dtype_size(-2 ** 31 - 1)

    def test_bool_is_not_a_number_of_units(self):
        cfg = hdnet.Config()
        with self.assertRaises(TypeError):
            cfg["units"] = True
        with self.assertRaises(TypeError):
            cfg["tau"] = np.bool_(True)
        self.assertEqual(cfg["units"], 100)
        cfg["learn_b_out"] = True  # a 0/1 switch
        self.assertEqual(cfg["learn_b_out"], 1)

    def test_seed_above_2_53_refused(self):
        cfg = hdnet.Config()
        with self.assertRaises(hdnet.HdnetError) as e:
            cfg["seed"] = 2 ** 53 + 1
        self.assertEqual(e.exception.status, hdnet.ERANGE)
        with self.assertRaises(hdnet.HdnetError):
            cfg["seed"] = "9007199254740993"
        cfg["seed"] = 2 ** 53
        self.assertEqual(cfg["seed"], 2 ** 53)


class TestBytes(unittest.TestCase):
    def test_nul_in_member_names_and_paths(self):
        z = hdnet.Npz()
        with self.assertRaisesRegex(ValueError, "NUL"):
            z["a\0b"] = np.zeros(2)
        with self.assertRaisesRegex(ValueError, "NUL"):
            z.add_text("x\0", "t")
        self.assertEqual(len(z), 0)
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(ValueError, "NUL"):
                hdnet.save_npy(os.path.join(d, "a.npy\0.txt"), np.zeros(2))
            self.assertEqual(os.listdir(d), [])

    def test_escape_text(self):
        self.assertEqual(hdnet.escape_text("a\x1b[2Jb"), "a\\x1b[2Jb")
        self.assertEqual(hdnet.escape_text(b"\xff\xc3\xa9"), "\\xff\xe9")
        with self.assertRaises(hdnet.HdnetError) as e:
            hdnet.load_npz(b"/nonexistent/\x1b]0;x\x07.npz")
        self.assertNotIn("\x1b", str(e.exception))
        self.assertIn("\\x1b]0;x\\x07", e.exception.errmsg)

    def test_remove_stale_temps(self):
        with tempfile.TemporaryDirectory() as d:
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
            for name in ("m.npz.tmp%d.0" % pid, "m.npz.tmp%d.0" % os.getpid(), "m.npz"):
                open(os.path.join(d, name), "w").close()
            self.assertEqual(hdnet.remove_stale_temps(d), 1)
            self.assertEqual(sorted(os.listdir(d)), ["m.npz", "m.npz.tmp%d.0" % os.getpid()])


class TestMemory(unittest.TestCase):
    def test_memory_available(self):
        n = hdnet.memory_available()
        with open("/proc/meminfo") as f:
            avail = [int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:")]
        self.assertGreater(n, 0)
        if avail:  # never more than the kernel says is available (allowing for a changing value)
            self.assertLessEqual(n, 2 * avail[0])


class TestNonFinite(unittest.TestCase):
    def test_nan_gradient_leaves_parameters(self):
        cfg = hdnet.Config(units=8, steps=20, cue=4)
        net = hdnet.Net(cfg, rng=2)
        opt = hdnet.Optimizer(cfg, net)
        before = net.get_flat_params()
        g = np.zeros(net.num_params, np.float32)
        g[net.block_offset("W_rec") + 3] = np.nan
        with self.assertRaises(hdnet.HdnetError) as e:
            opt.step(net, g)
        self.assertEqual(e.exception.status, hdnet.EDIVERGED)
        np.testing.assert_array_equal(net.get_flat_params(), before)
        self.assertEqual(opt.steps, 0)
        hdnet.Net.from_bytes(net.to_bytes())  # still a valid model


if __name__ == "__main__":
    unittest.main()
