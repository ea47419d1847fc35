"""hdnet.Npz, .npy/.npz helpers and model files, checked against NumPy's own reader and writer."""
import os
import pickle
import shutil
import tempfile
import unittest

from _helpers import np, hdnet, needs


class TmpDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hdnet-pyio-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)


@needs("hdnet_npz_create", "hdnet_npz_save", "hdnet_npz_load", "hdnet_npy_save")
class TestNpz(TmpDir):
    def arrays(self):
        rs = np.random.RandomState(0)
        return {"f32": rs.randn(3, 4).astype(np.float32), "f64": rs.randn(5),
                "i64": np.arange(-3, 3, dtype=np.int64).reshape(2, 3), "i32": np.arange(7, dtype=np.int32),
                "u8": np.frombuffer(b"hello", dtype=np.uint8), "scalar": np.array(2.5),
                "empty": np.zeros((0, 3), np.float32)}

    def test_written_archives_are_read_by_numpy(self):
        a = self.arrays()
        hdnet.save_npz(self.path("a.npz"), a, note="text member")
        with np.load(self.path("a.npz")) as z:
            self.assertEqual(list(z.keys()), list(a) + ["note"])
            for k, v in a.items():
                self.assertEqual(z[k].dtype, v.dtype, k)
                np.testing.assert_array_equal(z[k], v)
            self.assertEqual(z["note"][()], "text member")  # a NumPy string: str
            self.assertIsInstance(z["note"][()], str)

    def test_numpy_archives_are_read(self):
        a = self.arrays()
        np.savez(self.path("b.npz"), **a)
        back = hdnet.load_npz(self.path("b.npz"))
        self.assertEqual(list(back), list(a))
        for k, v in a.items():
            self.assertEqual(back[k].dtype, v.dtype)
            self.assertEqual(back[k].shape, v.shape)
            np.testing.assert_array_equal(back[k], v)

    def test_npz_object_and_bytes(self):
        z = hdnet.Npz(self.arrays())
        z.add_text("t", "héllo")
        self.assertEqual(z.text("t"), "héllo")
        self.assertEqual(z.info("f32"), (np.dtype("<f4"), (3, 4)))
        data = z.to_bytes()
        self.assertEqual(data[:4], b"PK\x03\x04")
        z2 = hdnet.Npz.from_bytes(data)
        self.assertEqual(z2.to_bytes(), data)  # deterministic bytes
        self.assertEqual(z2.keys(), z.keys())
        with self.assertRaises(KeyError):
            z2["nope"]

    def test_non_native_layouts_are_converted(self):
        a = np.arange(12, dtype=">f8").reshape(3, 4).T  # big-endian, Fortran order
        hdnet.save_npy(self.path("a.npy"), a)
        np.testing.assert_array_equal(np.load(self.path("a.npy")), a)
        np.save(self.path("b.npy"), np.ascontiguousarray(a))  # big-endian, C order
        np.testing.assert_array_equal(hdnet.load_npy(self.path("b.npy")), a)
        np.save(self.path("f.npy"), np.asfortranarray(a))
        with self.assertRaises(hdnet.HdnetError) as cm:  # documented: Fortran order is not read
            hdnet.load_npy(self.path("f.npy"))
        self.assertEqual(cm.exception.status, hdnet.ENOTSUP)

    def test_errors(self):
        with self.assertRaises(TypeError):
            hdnet.Npz()["x"] = np.zeros(3, np.float16)
        z = hdnet.Npz({"x": np.zeros(2)})
        with self.assertRaises(hdnet.HdnetError) as cm:
            z["x"] = np.zeros(2)  # duplicate name
        self.assertEqual(cm.exception.status, hdnet.EINVAL)
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.load_npz(self.path("missing.npz"))
        self.assertEqual(cm.exception.status, hdnet.EIO)
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Npz.from_bytes(b"not a zip archive at all")
        self.assertEqual(cm.exception.status, hdnet.EFORMAT)
        np.savez_compressed(self.path("c.npz"), x=np.zeros(100))
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.load_npz(self.path("c.npz"))
        self.assertEqual(cm.exception.status, hdnet.ENOTSUP)


@needs("hdnet_net_save", "hdnet_net_load", "hdnet_net_create")
class TestModelFiles(TmpDir):
    def setUp(self):
        super().setUp()
        self.net = hdnet.Net(hdnet.Config(units=10, activation="tanh"), rng=3)

    def test_save_load_roundtrip(self):
        p = self.path("model.npz")
        self.net.save(p)
        back = hdnet.Net.load(p)
        np.testing.assert_array_equal(back.get_flat_params(), self.net.get_flat_params())
        self.assertEqual(back.config, self.net.config)
        self.assertEqual(back.to_bytes(), self.net.to_bytes())
        with np.load(p) as z:
            for name in hdnet.BLOCKS:
                np.testing.assert_array_equal(z[name], self.net.get_block(name))
            for name in ("config", "library_version", "layout"):
                self.assertIsInstance(z[name][()], str, name)
            self.assertIn("activation=tanh", str(z["config"]))
            self.assertEqual(str(z["library_version"]), hdnet.version_string)

    def test_models_with_uint8_texts_still_load(self):
        # files written before the texts became NumPy strings held uint8 arrays
        p = self.path("model.npz")
        self.net.save(p)
        with np.load(p) as z:
            old = {k: z[k] for k in z.files}
        for name in ("config", "library_version", "layout"):
            old[name] = np.frombuffer(str(old[name]).encode(), dtype=np.uint8)
        np.savez(self.path("old.npz"), **old)
        back = hdnet.Net.load(self.path("old.npz"))
        self.assertEqual(back.to_bytes(), self.net.to_bytes())
        with hdnet.Npz.load(self.path("old.npz")) as a, hdnet.Npz.load(p) as b:
            self.assertEqual(a.text("config"), b.text("config"))

    def test_bytes_and_pickle(self):
        back = pickle.loads(pickle.dumps(self.net))
        np.testing.assert_array_equal(back.get_block("W_rec"), self.net.get_block("W_rec"))
        z = hdnet.Npz()
        self.net.to_npz(z)
        z["opt_m"] = np.zeros(3, np.float32)  # trainer state members are ignored by the loader
        again = hdnet.Net.from_npz(z)
        np.testing.assert_array_equal(again.get_flat_params(), self.net.get_flat_params())

    def test_load_errors(self):
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Net.load(self.path("none.npz"))
        self.assertEqual(cm.exception.status, hdnet.EIO)
        np.savez(self.path("bad.npz"), W_in=np.zeros((2, 3), np.float32))
        with self.assertRaises(hdnet.HdnetError) as cm:
            hdnet.Net.load(self.path("bad.npz"))
        self.assertEqual(cm.exception.status, hdnet.EFORMAT)


if __name__ == "__main__":
    unittest.main()
