#!/usr/bin/python3
"""Produce the golden files of tests/test_rng.c and tests/test_task.c.

Run from the repository root:  /usr/bin/python3 tests/data/make_golden.py
Uses NumPy's legacy RandomState (MT19937) only; every file is raw
little-endian data as described next to its writer below.
"""
import os
import struct

import numpy as np

OUT = os.path.dirname(os.path.abspath(__file__))


def write(name, arr, dtype):
    a = np.ascontiguousarray(np.asarray(arr, dtype=dtype).ravel())
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(a.astype(a.dtype.newbyteorder("<")).tobytes())


# ---------------------------------------------------------------------------
# NumPy legacy RandomState streams

def rng_files():
    # rng_uniform.f64: for seeds 0, 1, 12345, 2^32-1: 600 random_sample values each
    # (600 x 2 = 1200 outputs: crosses the 624-word regeneration).
    u = [np.random.RandomState(s).random_sample(600) for s in (0, 1, 12345, 2**32 - 1)]
    write("rng_uniform.f64", np.concatenate(u), "<f8")

    # rng_normal.f64: seed 1, 1001 standard_normal values (odd: ends with a full cache).
    write("rng_normal.f64", np.random.RandomState(1).standard_normal(1001), "<f8")

    # rng_mixed.f64: records (op, param, value) as doubles, one RandomState(7):
    # op 0 = one standard_normal(), 1 = randint(param), 2 = random_sample(),
    # 3 = randint(1) (draws nothing). The schedule interleaves so the Gaussian
    # cache is carried across integer and uniform draws.
    rs = np.random.RandomState(7)
    rec = []
    highs = [2, 3, 168, 334, 1000, 2**31 + 1, 2**32]
    for k in range(400):
        op = (k * 7 + k // 5) % 4
        if op == 0:
            rec.append((0, 0, rs.standard_normal()))
        elif op == 1:
            h = highs[k % len(highs)]
            rec.append((1, h, float(rs.randint(h))))
        elif op == 2:
            rec.append((2, 0, rs.random_sample()))
        else:
            rec.append((3, 1, float(rs.randint(1))))
    write("rng_mixed.f64", rec, "<f8")

    # rng_randint.u64: RandomState(5); for each high of the list, 100 values of
    # randint(high) one at a time, highs in order; records (high, value).
    rs = np.random.RandomState(5)
    rec = []
    for h in (1, 2, 3, 7, 100, 168, 334, 2**31, 2**31 + 1, 2**32 - 1, 2**32):
        for _ in range(100):
            rec.append((h, int(rs.randint(h))))
    write("rng_randint.u64", rec, "<u8")


# ---------------------------------------------------------------------------
# Library kind: an independent pure-Python xoshiro256** / splitmix64

M64 = (1 << 64) - 1


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return x, z ^ (z >> 31)


def rotl(v, k):
    return ((v << k) | (v >> (64 - k))) & M64


def xo_next(s):
    out = (rotl((s[1] * 5) & M64, 7) * 9) & M64
    t = (s[1] << 17) & M64
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 45)
    return out


def xo_seed(seed):
    s, x = [], seed
    for _ in range(4):
        x, z = splitmix64(x)
        s.append(z)
    return s


def xo_jump(s):
    J = (0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C)
    acc = [0, 0, 0, 0]
    for w in J:
        for b in range(64):
            if (w >> b) & 1:
                acc = [a ^ v for a, v in zip(acc, s)]
            xo_next(s)
    s[:] = acc


def library_files():
    # rng_xoshiro.u64: for seeds 0, 1, 2^64-1: 8 outputs, then jump, then 4 outputs.
    rec = []
    for seed in (0, 1, M64):
        s = xo_seed(seed)
        rec += [xo_next(s) for _ in range(8)]
        xo_jump(s)
        rec += [xo_next(s) for _ in range(4)]
    write("rng_xoshiro.u64", rec, "<u8")


# ---------------------------------------------------------------------------
# Task generator: a re-statement of the authors' PyTorch generator
# (generateINandTARGETOUT_CuevaWei2019) with the draw order of docs/task.md,
# written here from that description; rs is a RandomState (seeded by the caller).

def task(rs, B=100, T=500, cue=10, m=0.8, speed=1.0):
    sd = speed * 0.03
    two_pi = 2 * np.pi
    th0 = two_pi * rs.rand(B)
    th = np.zeros((B, T))
    av = np.zeros((B, T))
    se = np.full((B, 2), -1.0)
    for i in range(B):
        if i < B / 2:
            s = rs.randint(round(T / 3) + 1)
            e = min(T, s + rs.randint(round(2 * T / 3) + 1))
            se[i] = (s, e)
        a = np.zeros(T)
        th[i, 0:cue] = th0[i]
        for t in range(cue, T):
            if i < B / 2 and s - 1 <= t <= e - 1:
                a[t] = 0
            else:
                a[t] = sd * rs.randn() + m * a[t - 1]
            th[i, t] = np.mod(th[i, t - 1] + a[t], two_pi)
        av[i] = a
    x = np.zeros((B, T, 3))
    x[:, :, 0] = av
    x[:, 0:cue, 1] = np.sin(th0)[:, None]
    x[:, 0:cue, 2] = np.cos(th0)[:, None]
    y = np.stack([np.sin(th), np.cos(th)], axis=2)
    mask = np.ones((B, T, 2))
    mask[:, 0:cue, :] = 0
    return (th0, th, av, se, x.astype(np.float32), y.astype(np.float32),
            mask.astype(np.float32))


FULL_TRIALS = [0, 1, 2, 49, 50, 99]
XY_TRIALS = [0, 50, 99]


def task_files():
    th0, th, av, se, x, y, mask = task(np.random.RandomState(1))
    # task_default.f64 (B=100, T=500, seed 1): th0[100], th[:,499][100],
    # se[100][2] (stretch s, e; -1 for none), then for each trial of
    # FULL_TRIALS: th[500] and av[500].
    parts = [th0, th[:, 499], se.ravel()]
    for i in FULL_TRIALS:
        parts += [th[i], av[i]]
    write("task_default.f64", np.concatenate(parts), "<f8")
    # task_default_xy.f32: for each trial of XY_TRIALS: x[500][3], y[500][2], mask[500][2].
    parts = []
    for i in XY_TRIALS:
        parts += [x[i].ravel(), y[i].ravel(), mask[i].ravel()]
    write("task_default_xy.f32", np.concatenate(parts), "<f4")

    # task_b1000.f64 (B=1000, seed 1, the reference selection set): th0[1000],
    # th[:,499][1000], av[:,250][1000], se[1000][2].
    th0, th, av, se, *_ = task(np.random.RandomState(1), B=1000)
    write("task_b1000.f64", np.concatenate([th0, th[:, 499], av[:, 250], se.ravel()]), "<f8")

    # task_fresh.f64: one RandomState(3), two calls without reseeding (batch
    # mode fresh): th[:,499] of call 1, then th[:,499] and av[0] of call 2.
    rs = np.random.RandomState(3)
    _, th_a, *_ = task(rs)
    _, th_b, av_b, *_ = task(rs)
    write("task_fresh.f64", np.concatenate([th_a[:, 499], th_b[:, 499], av_b[0]]), "<f8")


if __name__ == "__main__":
    rng_files()
    library_files()
    task_files()
