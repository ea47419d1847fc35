"""hdnet.structure against a NumPy transcription of the in-sample fraction and the correlation."""
import unittest

from _helpers import np, hdnet, needs

S = hdnet.structure


def numpy_reference(w, w0, cls, phi):
    """In-sample fraction and correlation with w0 over compass/shifter pairs, in NumPy."""
    keep = [i for i in range(len(cls)) if cls[i] in (0, 1, 2) and np.isfinite(phi[i])]
    pre, post = np.meshgrid(keep, keep)
    pre, post = pre.ravel(), post.ravel()
    off = pre != post
    pre, post = pre[off], post[off]
    r = (phi[post] - phi[pre] + 180.0) % 360.0 - 180.0
    r[r == -180.0] = 180.0
    b = np.clip(np.floor((r + 180.0) / 20.0).astype(int), 0, 17)
    cell = (cls[pre] * 3 + cls[post]) * 18 + b
    v = w[post, pre].astype(np.float64)
    means = np.bincount(cell, v, 162) / np.maximum(np.bincount(cell, minlength=162), 1)
    fit = 1 - np.sum((v - means[cell]) ** 2) / np.sum((v - v.mean()) ** 2)
    corr = np.corrcoef(v, w0[post, pre].astype(np.float64))[0, 1]
    return len(v), fit, corr


@needs("hdnet_structure")
class TestStructure(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(3)
        self.n = 60
        self.cls = np.where(np.arange(self.n) % 10 == 9, 3, np.arange(self.n) % 3).astype(np.intc)
        self.phi = rng.uniform(0, 360, self.n)
        self.phi[4] = np.nan
        rel = (self.phi[:, None] - self.phi[None, :] + 180) % 360 - 180
        hat = np.cos(np.radians((np.floor((rel + 180) / 20) + 0.5) * 20 - 180))
        self.w0 = rng.normal(0, 0.15, (self.n, self.n)).astype(np.float32)
        self.w = (0.7 * self.w0 + 0.1 * np.nan_to_num(hat)).astype(np.float32)
        np.fill_diagonal(self.w, 0)

    def test_matches_numpy(self):
        s = S.structure(self.w, self.cls, self.phi, w_init=self.w0, folds=5, seed=2)
        n_pairs, fit, corr = numpy_reference(self.w, self.w0, self.cls, self.phi)
        self.assertEqual(s["n_pairs"], n_pairs)
        self.assertEqual(s["n_units"], 53)
        self.assertAlmostEqual(s["fraction_fit"], fit, places=9)
        self.assertAlmostEqual(s["corr_init"], corr, places=6)
        # the change w - 0.7 w0 ... is not pure structure, but w - w0 is 0.1 hat - 0.3 w0
        self.assertLess(s["fraction_cv"], s["fraction_fit"])
        self.assertTrue(0 < s["fraction_cv"] < 1)

    def test_noise_and_structure(self):
        s = S.structure(self.w0, self.cls, self.phi)
        # no structure: with 2756 pairs in 162 cells a cell mean fits on ~15 pairs, so the held-out
        # fraction is about -1/15 and the in-sample one about +162/2756 = 0.059
        self.assertTrue(-0.15 < s["fraction_cv"] < 0, s)
        self.assertTrue(0.02 < s["fraction_fit"] < 0.1, s)
        self.assertTrue(np.isnan(s["corr_init"]) and np.isnan(s["fraction_delta"]))
        s = S.structure(self.w0 + (self.w - 0.7 * self.w0), self.cls, self.phi, w_init=self.w0)
        self.assertAlmostEqual(s["fraction_delta"], 1.0, places=5)

    def test_errors(self):
        with self.assertRaises(ValueError):
            S.structure(self.w[:, :5], self.cls, self.phi)
        with self.assertRaises(ValueError):
            S.structure(self.w, self.cls[:5], self.phi)
        with self.assertRaises(TypeError):
            S.structure(self.w, self.phi, self.phi)
        with self.assertRaises(hdnet.HdnetError) as e:
            S.structure(self.w, self.cls, self.phi, folds=1)
        self.assertEqual(e.exception.status, hdnet.ERANGE)


if __name__ == "__main__":
    unittest.main()
