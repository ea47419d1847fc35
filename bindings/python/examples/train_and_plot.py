"""Train a head-direction network with libhdnet, then draw its units' heading tuning during
counter-clockwise and clockwise turns, as in Fig. 2 of Cueva, Wang, Chin & Wei (ICLR 2020):
compass units keep one curve, shifters move theirs with the turning direction.
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
cue = cfg["cue"]
rates = net.run(test.inputs).rates[:, cue:].reshape(-1, net.units)     # samples after the cue
hd_bin = (np.degrees(test.heading[:, cue:]) % 360).astype(int).ravel() // 10  # 36 bins of 10 deg
av = test.av[:, cue:].ravel()
curves = {}
for name, sel in (("CCW turns", av > 0), ("CW turns", av < 0)):
    counts = np.bincount(hd_bin[sel], minlength=36)
    sums = np.stack([np.bincount(hd_bin[sel], rates[sel, u], 36) for u in range(net.units)])
    curves[name] = sums / np.maximum(counts, 1)
shift = np.abs(curves["CCW turns"] - curves["CW turns"]).max(1)
show = np.argsort(-np.ptp(curves["CCW turns"] + curves["CW turns"], axis=1))[:24]  # most tuned
fig, axes = plt.subplots(4, 6, figsize=(12, 7), sharex=True)
for ax, u in zip(axes.flat, sorted(show, key=lambda u: shift[u])):
    for name, colour in (("CCW turns", "tab:red"), ("CW turns", "tab:blue")):
        ax.plot(np.arange(5, 360, 10), curves[name][u], colour, label=name)
    ax.set_title("unit %d" % u, fontsize=8)
    ax.set_xticks([0, 180, 360])
axes.flat[0].legend(fontsize=7)
fig.supxlabel("heading (degrees)"), fig.supylabel("mean rate")
fig.tight_layout()
fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "tuning_curves.png", dpi=100)
