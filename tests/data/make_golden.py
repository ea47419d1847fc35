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


if __name__ == "__main__":
    rng_files()
    library_files()
