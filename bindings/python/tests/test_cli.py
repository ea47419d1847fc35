"""python -m hdnet: train, eval and analyze as a user runs them."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from _helpers import PYROOT, SRCROOT, hdnet

# A network small enough to train in a few seconds.
TINY = ["--set", "units=20", "--set", "steps=50", "--set", "trials=8", "--set", "selection_trials=20",
        "--updates", "30", "--threads", "1"]


def run(*args):
    env = dict(os.environ, PYTHONPATH=PYROOT, HDNET_LIBRARY=hdnet.library_path)
    return subprocess.run([sys.executable, "-m", "hdnet"] + list(args), env=env, capture_output=True,
                          text=True, timeout=600)


def value(out, key):
    for line in out.splitlines():
        if line.startswith(key + " "):
            return float(line.split()[1])
    raise AssertionError("no '%s' line in: %s" % (key, out))


class TestCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hdnet-cli-")
        cls.out = os.path.join(cls.tmp, "run")
        cls.train = run("train", "--out", cls.out, *TINY)
        cls.model = os.path.join(cls.out, "model.npz")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_train_writes_the_best_network_and_its_test_error(self):
        self.assertEqual(self.train.returncode, 0, self.train.stderr)
        net = hdnet.Net.load(self.model)
        self.assertEqual(net.config["units"], 20)
        self.assertTrue(os.path.exists(os.path.join(self.out, "ckpt_0.npz")))
        ne = value(self.train.stdout, "normalized_error")
        # the printed number is the best network's error on the test stream of seed 1
        self.assertEqual(ne, round(float("%.6f" % self._eval_ne(net)), 6))

    def _eval_ne(self, net):
        cfg = net.config
        cfg["steps"] = 500
        return hdnet.evaluate(net, cfg, trials=1000, seed=hdnet.stream_seed(1, "test"))

    def test_train_refuses_a_directory_that_holds_a_run(self):
        r = run("train", "--out", self.out, *TINY)
        self.assertEqual(r.returncode, 1)
        self.assertIn("already holds a run", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)

    def test_eval_matches_hdnet_eval(self):
        r = run("eval", self.model, "--trials", "50", "--steps", "80", "--seed", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        prog = os.path.join(SRCROOT, "examples", "hdnet-eval")
        if not os.access(prog, os.X_OK):
            self.skipTest("examples/hdnet-eval not built")
        c = subprocess.run([prog, self.model, "--trials", "50", "--steps", "80", "--seed", "3"],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(c.returncode, 0, c.stderr)
        self.assertEqual(r.stdout.strip(), c.stdout.strip().splitlines()[-1])

    def test_analyze_matches_hdnet_analyze(self):
        r = run("analyze", self.model, "--trials", "40", "--steps", "100",
                "--untrained", os.path.join(self.out, "ckpt_0.npz"))
        self.assertEqual(r.returncode, 0, r.stderr)
        line = [ln for ln in r.stdout.splitlines() if ln.startswith("classes ")][0].split()[1:]
        counts = dict(zip(line[0::2], map(int, line[1::2])))
        self.assertEqual(set(counts), set(hdnet.CLASSES))
        self.assertEqual(sum(counts.values()), 20)
        ids = [ln.split()[0] for ln in r.stdout.splitlines() if ln[:1] == "R"]
        for want in ("R1", "R3", "R6", "R14"):
            self.assertIn(want, ids)
        # the same analysis set as the C program: the same class of every unit
        prog = os.path.join(SRCROOT, "examples", "hdnet-analyze")
        if not os.access(prog, os.X_OK):
            self.skipTest("examples/hdnet-analyze not built")
        out = os.path.join(self.tmp, "analysis")
        c = subprocess.run([prog, self.model, "--out", out, "--trials", "40", "--steps", "100", "--no-plots"],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(c.returncode, 0, c.stderr)
        with open(os.path.join(out, "units.csv")) as f:
            rows = f.read().splitlines()
        col = rows[0].split(",").index("class")
        c_counts = {k: 0 for k in hdnet.CLASSES}
        for row in rows[1:]:
            c_counts[row.split(",")[col]] += 1
        self.assertEqual(counts, c_counts)

    def test_bad_input_is_one_line_and_a_non_zero_exit(self):
        r = run("eval", os.path.join(self.tmp, "missing.npz"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        r = run("train", "--out", os.path.join(self.tmp, "x"), "--set", "tau=-1", "--updates", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("tau", r.stderr)
        self.assertEqual(run("eval").returncode, 2)  # argparse: missing model
        self.assertEqual(run("train", "--out", "y", "--threads", "0").returncode, 2)

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertIn(hdnet.version_string, r.stdout)


if __name__ == "__main__":
    unittest.main()
