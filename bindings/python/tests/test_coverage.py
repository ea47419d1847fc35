"""Every C function of the public headers is declared in the binding, with matching arity and
pointer-ness of each argument (parsed from include/hdnet/*.h), and every exported symbol is wrapped."""
import ctypes
import glob
import os
import re
import shutil
import subprocess
import unittest

from _helpers import hdnet, SRCROOT

CORE = {"hdnet_strerror", "hdnet_errmsg", "hdnet_version_number", "hdnet_version_string"}


def header_prototypes():
    """{name: [parameter declarations]} from the HDNET_API declarations of the public headers."""
    protos = {}
    for path in sorted(glob.glob(os.path.join(SRCROOT, "include", "hdnet", "*.h"))):
        with open(path) as f:
            text = f.read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r"//[^\n]*", " ", text)
        for m in re.finditer(r"HDNET_API\b(.*?);", text, flags=re.S):
            decl = " ".join(m.group(1).split())
            fm = re.search(r"(hdnet_\w+)\s*\((.*)\)\s*$", decl)
            if not fm:
                continue
            params = [p.strip() for p in fm.group(2).split(",")]
            if params == ["void"]:
                params = []
            protos[fm.group(1)] = params
    return protos


def is_pointer_type(t):
    if t in (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_wchar_p):
        return True
    return isinstance(t, type) and issubclass(t, ctypes._Pointer)


class TestCoverage(unittest.TestCase):
    def test_declarations_match_headers(self):
        protos = header_prototypes()
        self.assertGreater(len(protos), 20)
        api = hdnet._lib.api
        for name, params in protos.items():
            if name in CORE:
                continue
            with self.subTest(function=name):
                self.assertTrue(hasattr(api, name), "%s is not declared in the binding" % name)
                f = getattr(api, name)
                if not f:
                    continue  # not exported by this build: nothing to compare
                self.assertEqual(len(f.argtypes), len(params), "arity of %s" % name)
                for i, (t, p) in enumerate(zip(f.argtypes, params)):
                    self.assertEqual(is_pointer_type(t), "*" in p or "[" in p, "argument %d (%s) of %s" % (i, p, name))

    @unittest.skipIf(shutil.which("nm") is None, "nm not installed")
    def test_every_exported_symbol_is_wrapped(self):
        out = subprocess.run(["nm", "-D", "--defined-only", hdnet.library_path], stdout=subprocess.PIPE,
                             check=True).stdout.decode()
        exported = {line.split()[-1] for line in out.splitlines() if line.split()[-1].startswith("hdnet_")}
        api = hdnet._lib.api
        missing = sorted(s for s in exported - CORE if not getattr(api, s, None))
        self.assertEqual(missing, [], "exported but not wrapped in Python")


if __name__ == "__main__":
    unittest.main()
