"""Train a head-direction network with libhdnet, classify its units and draw their heading tuning
during counter-clockwise and clockwise turns, as in Fig. 2 of Cueva, Wang, Chin & Wei (ICLR 2020):
compass units keep one curve; CCW and CW shifters move theirs with the turning direction.
Usage: python3 train_and_plot.py [OUT.png]   (about a minute on a laptop)"""
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import hdnet  # noqa: E402

cfg = hdnet.Config(steps=100, trials=64, updates=1000, lr=0.01, selection_trials=200)
net, trainer = hdnet.train(cfg, progress=lambda p: p.update % 250 == 0 and print(p), every=250)
test_cfg = cfg.copy()
test_cfg["steps"] = 200
print("normalized error on 200-step trials: %.4f" % hdnet.evaluate(net, test_cfg, trials=500))

test = hdnet.Task(test_cfg, seed=hdnet.stream_seed(cfg["seed"], "test")).generate(500)
tuning = hdnet.Tuning(net.units).collect(net, test)
classes = tuning.classify().classes
strength = tuning.unit_stat("S")
print({name: int(np.sum(classes == c)) for c, name in enumerate(hdnet.CLASSES)})
x = tuning.array("hd_centres")
fig, axes = plt.subplots(3, 6, figsize=(12, 6), sharex=True, squeeze=False)
for row, name in enumerate(("compass", "shifter_ccw", "shifter_cw")):
    units = np.flatnonzero(classes == hdnet.CLASSES.index(name))
    units = units[np.argsort(-strength[units])][:6]                # the most strongly tuned
    for ax, u in zip(axes[row], units):
        ax.plot(x, tuning.array("curve_ccw")[u], "tab:red", label="CCW turns")
        ax.plot(x, tuning.array("curve_cw")[u], "tab:blue", label="CW turns")
        ax.set_title("%s, unit %d" % (name, u), fontsize=8)
        ax.set_xticks([0, 180, 360])
axes[0, 0].legend(fontsize=7)
fig.supxlabel("heading (degrees)"), fig.supylabel("mean rate")
fig.tight_layout()
fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "tuning_curves.png", dpi=100)
