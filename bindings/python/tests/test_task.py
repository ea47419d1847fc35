"""hdnet.Task, and golden equality with the C API on the same seed."""
import unittest

from _helpers import np, hdnet, needs, run_c, split_arrays


@needs("hdnet_task_create", "hdnet_task_generate")
class TestTask(unittest.TestCase):
    def setUp(self):
        self.cfg = hdnet.Config(steps=60, cue=10)

    def test_shapes_and_consistency(self):
        t = hdnet.Task(self.cfg, seed=3)
        self.assertEqual(t.steps, 60)
        tr = t.generate(7)
        self.assertEqual(tr.inputs.shape, (7, 60, 3))
        self.assertEqual(tr.targets.shape, (7, 60, 2))
        self.assertEqual(tr.mask.shape, (7, 60, 2))
        self.assertEqual(tr.heading.shape, (7, 60))
        self.assertEqual(tr.av.shape, (7, 60))
        self.assertEqual(tr.inputs.dtype, np.float32)
        self.assertEqual(tr.heading.dtype, np.float64)
        # Targets are (sin, cos) of the true heading; the mask hides the cue.
        np.testing.assert_allclose(tr.targets[..., 0], np.sin(tr.heading), atol=1e-6)
        np.testing.assert_allclose(tr.targets[..., 1], np.cos(tr.heading), atol=1e-6)
        np.testing.assert_array_equal(tr.mask[:, :10], 0)
        np.testing.assert_array_equal(tr.mask[:, 10:], 1)
        # The cue shows the initial heading.
        np.testing.assert_allclose(tr.inputs[:, 0, 1], np.sin(tr.heading[:, 0]), atol=1e-6)

    def test_seed_determinism(self):
        a = hdnet.Task(self.cfg, seed=5).generate(4)
        b = hdnet.Task(self.cfg, seed=5).generate(4)
        c = hdnet.Task(self.cfg, seed=6).generate(4)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
        self.assertFalse(np.array_equal(a.heading, c.heading))
        t = hdnet.Task(self.cfg, seed=5)
        first = t.generate(4)
        t.reseed(5)
        np.testing.assert_array_equal(t.generate(4).inputs, first.inputs)

    def test_golden_equality_with_c(self):
        for extra in ([], ["task_rng=numpy"], ["speed=3", "stretch_rule=first_k"]):
            cfg = hdnet.Config(steps=60)
            cfg.load_string("\n".join(extra))
            py = hdnet.Task(cfg, seed=42).generate(5)
            raw = run_c("ref_program", "task", 42, 5, "steps=60", *extra)
            ref = split_arrays(raw, [(np.float32, (5, 60, 3)), (np.float32, (5, 60, 2)),
                                     (np.float32, (5, 60, 2)), (np.float64, (5, 60)),
                                     (np.float64, (5, 60))])
            for name, x, y in zip(py._fields, py, ref):
                np.testing.assert_array_equal(x, y, err_msg="%s %s" % (extra, name))

    def test_dict_config_and_errors(self):
        t = hdnet.Task({"steps": 20}, seed=1)
        self.assertEqual(t.steps, 20)
        with self.assertRaises(ValueError):
            t.generate(0)
        with self.assertRaises(TypeError):
            hdnet.Task("steps=20")
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Task(hdnet.Config(theta_min=90, theta_max=10))
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        with self.assertRaises(hdnet.HdnetError):
            hdnet.Task(hdnet.Config(inputs=4))


if __name__ == "__main__":
    unittest.main()
