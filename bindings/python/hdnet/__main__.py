"""python -m hdnet train|eval|analyze: the command-line programs' main jobs from Python.

    python -m hdnet train --out DIR [--quick] [--recipe NAME] [--updates N] [--seed S]
                          [--threads K] [--set NAME=VALUE]...
    python -m hdnet eval MODEL.npz [--trials N] [--steps T] [--seed S] [--threads K]
    python -m hdnet analyze MODEL.npz [--untrained CKPT] [--trials N] [--steps T] [--seed S]

`train` writes DIR/model.npz (the best network under model selection) and its
checkpoints, and prints the test normalized error as hdnet-train does; `eval` prints
'normalized_error <v>' computed exactly as hdnet-eval; `analyze` studies the network on
the analysis set as hdnet-analyze does, prints its class counts (compass, shifter, weak,
inactive) and the checks of the claim table with their verdicts. Errors are one
line on stderr and exit status 1 (2 for bad arguments).
"""
import argparse
import os
import sys
import time

from . import _lib
from .analysis import CLASSES
from .claims import ANALYSIS_SEED, Claims, Study, analysis_config
from .config import Config
from .net import Net
from .train import Trainer, evaluate, stream_rng, stream_seed

PROG = "python -m hdnet"

# The --quick preset of hdnet-train (examples/hdnet-train.c): short trials and a fast
# learning rate; test NE about 0.02 on 500-step trials in well under a minute on 2 cores.
QUICK = (("steps", 100), ("trials", 64), ("updates", 1500), ("lr", 0.01), ("selection_trials", 200))


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _setting(text):
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected NAME=VALUE, got '%s'" % text)
    return name.strip(), value.strip()


def _positive(text):
    try:
        v = int(text)
    except ValueError:
        v = 0
    if v < 1:
        raise argparse.ArgumentTypeError("needs a positive integer, got '%s'" % text)
    return v


def _seed(text):
    try:
        v = int(text)
    except ValueError:
        v = -1
    if not 0 <= v <= 2 ** 53:
        raise argparse.ArgumentTypeError("needs an integer in [0, 2^53], got '%s'" % text)
    return v


def _test_ne(net, cfg, trials, steps, seed):
    """hdnet-eval's number: trials from the test stream of `seed`, `steps` per trial."""
    cfg = cfg.copy()
    cfg["steps"] = steps
    test_seed = stream_seed(seed, "test")
    if cfg["task_rng"] == "numpy":
        test_seed &= 0xffffffff
    return evaluate(net, cfg, trials=trials, seed=test_seed)


def cmd_train(a):
    if os.path.exists(os.path.join(a.out, "model.npz")):
        raise SystemExit("%s: %s already holds a run (model.npz); choose another --out" % (PROG, a.out))
    cfg = Config.from_recipe(a.recipe)
    if a.quick:
        cfg.update(QUICK)
    if a.updates is not None:
        cfg["updates"] = a.updates
    cfg["seed"] = a.seed
    cfg["threads"] = a.threads
    for name, value in a.set:
        cfg[name] = value
    os.makedirs(a.out, exist_ok=True)
    print("%s: recipe %s, %d updates of %d trials x %d steps, seed %d, %d thread(s), library %s"
          % (PROG, a.recipe, cfg["updates"], cfg["trials"], cfg["steps"], cfg["seed"], cfg["threads"],
             _lib.version_string), flush=True)
    net = Net(cfg, stream_rng(cfg["seed"], "init"))
    start = time.monotonic()

    def report(p):
        if p.update % a.report == 0 or p.update == p.total:
            print("update %d/%d  loss %.5g  best NE %.4f@%d" % (p.update, p.total, p.loss["total"], p.best_ne,
                                                               p.best_update), flush=True)

    tr = Trainer(cfg, net, progress=report, every=1, checkpoint_dir=a.out)
    tr.run()
    best = tr.best_net()
    best.save(os.path.join(a.out, "model.npz"))
    ne_sel, up = tr.best()
    print("best_update %d" % up)
    print("selection_normalized_error %.6f" % ne_sel)
    print("normalized_error %.6f" % _test_ne(best, best.config, 1000, 500, cfg["seed"]))
    print("normalized_error_1000_steps %.6f" % _test_ne(best, best.config, 1000, 1000, cfg["seed"]))
    print("wall_seconds %.1f" % (time.monotonic() - start))
    return 0


def cmd_eval(a):
    net = Net.load(a.model)
    cfg = net.config
    cfg["threads"] = a.threads
    print("normalized_error %.6f" % _test_ne(net, cfg, a.trials, a.steps, a.seed))
    return 0


def cmd_analyze(a):
    net = Net.load(a.model)
    untrained = Net.load(a.untrained) if a.untrained else None
    aset = analysis_config(net, steps=a.steps)
    aset["threads"] = a.threads
    study = Study(net, untrained=untrained, set=aset, trials=a.trials, seed=a.seed)
    try:  # the interval rule, as the class column of hdnet-analyze's units.csv
        classes = study.classes()[0]
    except _lib.HdnetError:  # no bootstrap (no turning, or fewer than 20 trials): the adaptive rule
        classes = study.tuning().classify().classes
    counts = {name: int((classes == i).sum()) for i, name in enumerate(CLASSES)}
    print("analysis set: %d trials x %d steps, seed %d" % (a.trials, a.steps, a.seed))
    print("normalized_error %.6f" % study.scalar("ne"))
    print("classes " + " ".join("%s %d" % (k, v) for k, v in counts.items()))
    table = Claims()
    table.add_study(study)
    for row in table:
        print("%s %s: %s; criterion %s" % (row.id, row.verdict, row.measured, row.criterion))
    return 0


def parser():
    p = argparse.ArgumentParser(prog=PROG, description="Train, test and analyse head-direction networks "
                                "(libhdnet %s)." % _lib.version_string)
    p.add_argument("--version", action="version", version="%s (libhdnet %s)" % (PROG, _lib.version_string))
    sub = p.add_subparsers(dest="command", metavar="train|eval|analyze")
    sub.required = True

    t = sub.add_parser("train", help="train a network into --out DIR")
    t.add_argument("-o", "--out", required=True, help="output directory (must not hold a run)")
    t.add_argument("-r", "--recipe", default="paper", help="training recipe: paper (default) or reference")
    t.add_argument("-q", "--quick", action="store_true", help="the short preset of hdnet-train --quick")
    t.add_argument("-u", "--updates", type=_positive, help="optimiser updates (overrides the recipe)")
    t.add_argument("-s", "--seed", type=_seed, default=1, help="master seed (default 1)")
    t.add_argument("-j", "--threads", type=_positive, default=_cores(),
                   help="worker threads (default: all available cores, %(default)s)")
    t.add_argument("--set", type=_setting, action="append", default=[], metavar="NAME=VALUE",
                   help="set any parameter (repeatable; applied last)")
    t.add_argument("--report", type=_positive, default=250, help="print a line every N updates (250)")
    t.set_defaults(run=cmd_train)

    e = sub.add_parser("eval", help="normalized error on test trials")
    e.add_argument("model", help="a model file (model.npz)")
    e.add_argument("-n", "--trials", type=_positive, default=1000, help="test trials (%(default)s)")
    e.add_argument("-t", "--steps", type=_positive, default=500, help="steps per trial (%(default)s)")
    e.add_argument("-s", "--seed", type=_seed, default=1, help="master seed of the test trials (default 1)")
    e.add_argument("-j", "--threads", type=_positive, default=_cores(),
                   help="worker threads (default: all available cores, %(default)s)")
    e.set_defaults(run=cmd_eval)

    n = sub.add_parser("analyze", help="class counts and the checks R1-R9, R14, R15 (claim table)")
    n.add_argument("model", help="a model file (model.npz)")
    n.add_argument("-u", "--untrained", help="checkpoint 0 of the same run (ckpt_0.npz), for R14")
    n.add_argument("-n", "--trials", type=_positive, default=2000, help="analysis trials (%(default)s)")
    n.add_argument("-t", "--steps", type=_positive, default=1000, help="steps per trial (%(default)s)")
    n.add_argument("-s", "--seed", type=_seed, default=ANALYSIS_SEED, help="seed of the analysis set (%(default)s)")
    n.add_argument("-j", "--threads", type=_positive, default=_cores(),
                   help="worker threads (default: all available cores, %(default)s)")
    n.set_defaults(run=cmd_analyze)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (_lib.HdnetError, OSError, KeyError, ValueError, TypeError) as e:
        print("%s %s: %s" % (PROG, args.command, e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("%s %s: interrupted" % (PROG, args.command), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
