#!/usr/bin/env python3
"""Structure of trained networks: for each run directory (hdnet-train output with model.npz and
ckpt_0.npz; or a checkpoint file, measured against ckpt_0.npz beside it), the test NE and the ring-structure measures of hdnet_structure() (classes by the
adaptive rule and preferred headings on noise-free trials of the analysis set, seed 99999999), one CSV row per run.

usage: bench/structure_table.py [--trials N] [--steps T] RUN_DIR|CKPT.npz ... > table.csv
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python"))
import numpy as np  # noqa: E402
import hdnet  # noqa: E402


def measure(run, trials, steps):
    model = run if run.endswith(".npz") else os.path.join(run, "model.npz")
    net = hdnet.Net.load(model)
    w0 = hdnet.Net.load(os.path.join(os.path.dirname(model), "ckpt_0.npz")).get_block("W_rec")
    cfg = net.config
    cfg["steps"] = 500  # the paper's test: 1000 noise-free trials of 500 steps
    test_ne = hdnet.evaluate(net, cfg, trials=1000)
    cfg["steps"] = steps
    task = hdnet.Task(cfg, seed=99999999)
    t = hdnet.analysis.Tuning(net.units).collect(net, task.generate(trials))
    c = t.classify("adaptive")
    phi = t.unit_stat("phi")
    s = hdnet.structure.structure(net.get_block("W_rec"), c.classes, phi, w_init=w0, folds=10, seed=1)
    counts = np.bincount(c.classes, minlength=5)
    return dict(run=run, test_ne=test_ne, n_compass=counts[0], n_shifter=counts[1] + counts[2], **s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=500)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("runs", nargs="+")
    a = ap.parse_args()
    cols = None
    for run in a.runs:
        r = measure(run, a.trials, a.steps)
        if cols is None:
            cols = list(r)
            print(",".join(cols))
        print(",".join(("%.4g" % r[k]) if isinstance(r[k], float) else str(r[k]) for k in cols), flush=True)


if __name__ == "__main__":
    main()
