"""hdnet.Rng."""
import unittest

from _helpers import np, hdnet, needs


@needs("hdnet_rng_create")
class TestRng(unittest.TestCase):
    def test_numpy_kind_equals_numpy_randomstate(self):
        for seed in (0, 1, 12345, 2 ** 32 - 1):
            r = hdnet.Rng(seed, kind="numpy")
            ref = np.random.RandomState(seed)
            np.testing.assert_array_equal(r.uniform(1001), ref.random_sample(1001))
            np.testing.assert_array_equal(r.normal(1001), ref.standard_normal(1001))
            np.testing.assert_array_equal(r.randint(37, 500), ref.randint(37, size=500))
            np.testing.assert_array_equal(r.normal(3), ref.standard_normal(3))

    def test_library_kind_is_deterministic(self):
        a, b, c = hdnet.Rng(7), hdnet.Rng(7), hdnet.Rng(8)
        x = a.uniform(100)
        np.testing.assert_array_equal(x, b.uniform(100))
        self.assertFalse(np.array_equal(x, c.uniform(100)))
        self.assertTrue(np.all((x >= 0) & (x < 1)))
        self.assertEqual(a.kind, "library")

    def test_normal_moments(self):
        z = hdnet.Rng(3).normal(200000)
        # SE of the mean is 1/sqrt(n) = 0.0022; of the SD about 0.0016: 5 SE margins.
        self.assertLess(abs(z.mean()), 0.012)
        self.assertLess(abs(z.std() - 1), 0.008)

    def test_copy_state_and_split(self):
        r = hdnet.Rng(11)
        r.uniform(5)
        c = r.copy()
        saved = r.state
        self.assertIsInstance(saved, bytes)
        x = r.normal(50)
        np.testing.assert_array_equal(c.normal(50), x)
        r.state = saved
        np.testing.assert_array_equal(r.normal(50), x)
        child = r.split()
        self.assertFalse(np.array_equal(child.uniform(20), r.uniform(20)))
        r.seed(11)
        np.testing.assert_array_equal(r.uniform(5), hdnet.Rng(11).uniform(5))

    def test_errors(self):
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Rng(2 ** 32, kind="numpy")
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        with self.assertRaises(ValueError):
            hdnet.Rng(1, kind="mersenne")
        with self.assertRaises(ValueError):
            hdnet.Rng(-1)
        with self.assertRaises(TypeError):
            hdnet.Rng(1.5)
        r = hdnet.Rng(1)
        with self.assertRaises(ValueError):
            r.randint(0, 3)
        with self.assertRaises(hdnet.HdnetError) as cm:
            r.randint(2 ** 32 + 1, 3)
        self.assertEqual(cm.exception.status, hdnet.ERANGE)
        with self.assertRaises(hdnet.HdnetError) as cm:
            r.state = b"\x00" * 3
        self.assertEqual(cm.exception.status, hdnet.EFORMAT)
        self.assertEqual(r.uniform(0).shape, (0,))


if __name__ == "__main__":
    unittest.main()
