"""hdnet.Config: the dict-like parameter interface."""
import copy
import unittest

from _helpers import np, hdnet


class TestConfig(unittest.TestCase):
    def test_defaults(self):
        cfg = hdnet.Config()
        self.assertEqual(cfg["units"], 100)
        self.assertIsInstance(cfg["units"], int)
        self.assertEqual(cfg["tau"], 10.0)
        self.assertIsInstance(cfg["tau"], float)
        self.assertEqual(cfg["activation"], "retanh")
        self.assertEqual(cfg["av_min"], -np.inf)

    def test_every_parameter_matches_the_c_table(self):
        cfg = hdnet.Config()
        names = hdnet.param_names()
        self.assertEqual(len(names), len(cfg))
        self.assertEqual(len(set(names)), len(names))
        for name in names:
            info = hdnet.param_info(name)
            self.assertEqual(hdnet.param_info(info.id), info)
            value = cfg[name]
            if info.kind == "enum":
                self.assertIn(value, info.values)
                self.assertEqual(len(info.values), int(info.hi - info.lo) + 1)
            else:
                self.assertTrue(info.lo <= value <= info.hi, name)

    def test_set_by_number_and_text(self):
        cfg = hdnet.Config(units=50, tau="20")
        self.assertEqual(cfg["units"], 50)
        self.assertEqual(cfg["tau"], 20.0)
        cfg["activation"] = "tanh"
        self.assertEqual(cfg["activation"], "tanh")
        cfg["activation"] = 0
        self.assertEqual(cfg["activation"], "retanh")
        cfg["learn_b_out"] = True
        self.assertEqual(cfg["learn_b_out"], 1)
        cfg.update({"lr": 0.01}, steps=77)
        self.assertEqual((cfg["lr"], cfg["steps"]), (0.01, 77))

    def test_bad_values_raise_and_leave_config_unchanged(self):
        cfg = hdnet.Config()
        for name, value, status in [("tau", -1.0, hdnet.ERANGE), ("units", 2.5, hdnet.ERANGE),
                                    ("tau", float("nan"), hdnet.ERANGE),
                                    ("activation", "nonsense", hdnet.EINVAL),
                                    ("tau", "ten", hdnet.EINVAL)]:
            before = cfg[name]
            with self.assertRaises(hdnet.HdnetError) as cm:
                cfg[name] = value
            self.assertEqual(cm.exception.status, status, (name, value))
            self.assertEqual(cfg[name], before)

    def test_unknown_names_and_types(self):
        cfg = hdnet.Config()
        with self.assertRaises(KeyError):
            cfg["no_such_parameter"]
        with self.assertRaises(KeyError):
            cfg["no_such_parameter"] = 1
        with self.assertRaises(TypeError):
            cfg["tau"] = [1, 2]
        self.assertNotIn("no_such_parameter", cfg)
        self.assertIn("tau", cfg)
        self.assertIsNone(cfg.get("no_such_parameter"))

    def test_string_roundtrip(self):
        cfg = hdnet.Config(units=33, activation="relu", lr=0.0025)
        cfg.av_set = [-1.0, 0.0, 2.5]
        text = str(cfg)
        self.assertIn("units=33", text)
        back = hdnet.Config.from_string(text)
        self.assertEqual(back, cfg)
        self.assertEqual(back.to_dict(), cfg.to_dict())
        np.testing.assert_array_equal(back.av_set, [-1.0, 0.0, 2.5])

    def test_bad_string_reports_line(self):
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Config.from_string("units=10\ntau=-5\n")
        self.assertIn("2", cm.exception.errmsg)

    def test_copy_is_independent(self):
        a = hdnet.Config(units=20)
        b = a.copy()
        b["units"] = 30
        self.assertEqual(a["units"], 20)
        c = copy.deepcopy(a)
        self.assertEqual(c, a)
        self.assertNotEqual(b, a)

    def test_recipe(self):
        cfg = hdnet.Config.from_recipe("reference", units=10)
        self.assertEqual(cfg["units"], 10)
        with self.assertRaises(hdnet.HdnetError) as cm:
            cfg.set_recipe("no-such-recipe")
        self.assertEqual(cm.exception.status, hdnet.EINVAL)

    def test_tau_vector(self):
        cfg = hdnet.Config()
        self.assertEqual(cfg.tau_vector.size, 0)
        cfg.tau_vector = np.linspace(5, 15, 4)
        np.testing.assert_array_equal(cfg.tau_vector, np.linspace(5, 15, 4))
        cfg.tau_vector = []
        self.assertEqual(cfg.tau_vector.size, 0)

    def test_repr_lists_changes(self):
        self.assertEqual(repr(hdnet.Config()), "hdnet.Config()")
        self.assertEqual(repr(hdnet.Config(units=7)), "hdnet.Config(units=7)")

    def test_closed_handle(self):
        cfg = hdnet.Config()
        cfg.close()
        cfg.close()  # twice is fine
        with self.assertRaisesRegex(Exception, "Config is closed"):
            cfg["tau"]
        with hdnet.Config() as c2:
            self.assertEqual(c2["units"], 100)


if __name__ == "__main__":
    unittest.main()
