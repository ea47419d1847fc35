"""Loader, version check, errors and array helpers of the binding."""
import os
import subprocess
import sys
import unittest

from _helpers import np, hdnet, PYROOT


class TestLoad(unittest.TestCase):
    def test_version_matches_binding(self):
        major, minor, patch = hdnet.API_VERSION
        self.assertEqual(hdnet.version_number // 10000, major)
        self.assertEqual(hdnet.version_number // 100 % 100, minor)
        self.assertEqual(hdnet.version_string,
                         "%d.%d.%d" % (major, minor, hdnet.version_number % 100))

    def test_library_path_exists(self):
        self.assertTrue(os.path.exists(hdnet.library_path) or "/" not in hdnet.library_path)

    def _import_with(self, env_value):
        env = dict(os.environ, HDNET_LIBRARY=env_value, PYTHONPATH=PYROOT)
        return subprocess.run([sys.executable, "-c", "import hdnet; print(hdnet.library_path)"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def test_env_var_is_honoured(self):
        r = self._import_with(hdnet.library_path)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(r.stdout.decode().strip(), hdnet.library_path)

    def test_env_var_bad_path_fails_clearly(self):
        r = self._import_with("/nonexistent/libhdnet.so")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError", r.stderr.decode())
        self.assertIn("HDNET_LIBRARY", r.stderr.decode())


class TestErrors(unittest.TestCase):
    def test_error_carries_status_and_messages(self):
        cfg = hdnet.Config()
        with self.assertRaises(hdnet.HdnetError) as cm:
            cfg["tau"] = -1.0
        e = cm.exception
        self.assertEqual(e.status, hdnet.ERANGE)
        self.assertEqual(e.name, "HDNET_ERANGE")
        self.assertEqual(e.strerror, hdnet.strerror(hdnet.ERANGE))
        self.assertIn("tau", e.errmsg)
        self.assertIn("-1", e.errmsg)
        self.assertIn(e.errmsg, str(e))

    def test_strerror(self):
        self.assertEqual(hdnet.strerror(0), "success")
        self.assertEqual(hdnet.strerror(12345), "unknown error")
        for code in (hdnet.EINVAL, hdnet.ENOMEM, hdnet.ERANGE, hdnet.ESHAPE, hdnet.ESTATE, hdnet.EIO,
                     hdnet.EFORMAT, hdnet.ENOTSUP, hdnet.EDIVERGED, hdnet.ECANCELED):
            self.assertNotEqual(hdnet.strerror(code), "unknown error")

    def test_error_is_exception_subclass(self):
        self.assertTrue(issubclass(hdnet.HdnetError, Exception))


class TestArrays(unittest.TestCase):
    def test_contiguous_float32_is_not_copied(self):
        a = np.zeros((2, 3, 4), dtype=np.float32)
        self.assertIs(hdnet._lib.as_f32(a, (2, None, 4), "a"), a)

    def test_other_layouts_are_converted(self):
        a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
        b = hdnet._lib.as_f32(a, (2, 3, 4), "a")
        self.assertEqual(b.dtype, np.float32)
        np.testing.assert_array_equal(b, a)
        t = np.asfortranarray(a.astype(np.float32))
        c = hdnet._lib.as_f32(t, (2, 3, 4), "a")
        self.assertTrue(c.flags.c_contiguous)
        np.testing.assert_array_equal(c, a)

    def test_shape_and_dtype_checks(self):
        with self.assertRaises(ValueError):
            hdnet._lib.as_f32(np.zeros((2, 3)), (2, 4), "a")
        with self.assertRaises(ValueError):
            hdnet._lib.as_f32(np.zeros((2, 3)), (2, 3, 1), "a")
        with self.assertRaises(TypeError):
            hdnet._lib.as_f32(np.zeros(3, dtype=complex), (3,), "a")
        with self.assertRaises(TypeError):
            hdnet._lib.as_f32(["a", "b"], (2,), "a")


if __name__ == "__main__":
    unittest.main()
