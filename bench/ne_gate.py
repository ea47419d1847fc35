#!/usr/bin/env python3
"""Accuracy gate: do the candidate networks reach the reference's test error?

    bench/ne_gate.py REFERENCE.csv CANDIDATE.csv [--ref-where COL=VALUE]
                     [--cand-where COL=VALUE] [--alpha 0.05] [--min-seeds 4]

Both files are table.csv of `hdnet-sweep collect` (one row per network: status,
ne500, ne1000 and R0.verdict are read). --ref-where / --cand-where keep the rows
whose column has that value (e.g. init=orthogonal). Networks that did not finish
(status other than done) are left out and counted.

For the test error on 500-step and on 1000-step trials, the script prints each
set's count, median and range, and the two-sided p-value of an exact rank-sum
(Mann-Whitney) test: the share of all ways of labelling the pooled networks as
reference and candidate whose candidate rank sum is at least as far from its
mean as the observed one (mid-ranks for ties; 200000 random labellings with a
fixed seed when there are more than 2 million).

Verdict (written down before any candidate was trained; docs/performance-notes.md):
PASS when there are at least --min-seeds candidate networks, every one passes
R0 (the competence gate), and neither test error differs at level --alpha;
otherwise FAIL. Exit status 0 for PASS, 1 for FAIL, 2 for too few networks or
bad input. Python 3 standard library only.
"""
import argparse
import csv
import itertools
import math
import random
import statistics
import sys

COLUMNS = ("ne500", "ne1000")
EXACT_LIMIT = 2_000_000
RANDOM_LABELLINGS = 200_000


def bad_input(message):
    print(f"ne_gate: {message}", file=sys.stderr)
    sys.exit(2)


def read_set(path, where):
    """Rows of a sweep table (those matching `where`), and how many did not finish."""
    if where and "=" not in where:
        bad_input(f"'{where}': expected COL=VALUE")
    key, _, value = where.partition("=")
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        bad_input(f"{path}: {e.strerror}")
    need = {"status", "R0.verdict", *COLUMNS} | ({key} if key else set())
    if rows and not need <= set(rows[0]):
        bad_input(f"{path}: no column(s) {', '.join(sorted(need - set(rows[0])))}")
    rows = [r for r in rows if not key or r[key] == value]
    done = [r for r in rows if r["status"] == "done"]
    return done, len(rows) - len(done)


def midranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def rank_sum_p(ref, cand):
    """Two-sided p of the rank-sum of `cand` among ref + cand."""
    pooled = list(ref) + list(cand)
    ranks = midranks(pooled)
    n, k = len(pooled), len(cand)
    centre = k * (n + 1) / 2
    observed = abs(sum(ranks[len(ref):]) - centre) - 1e-9
    if math.comb(n, k) <= EXACT_LIMIT:
        labellings = itertools.combinations(range(n), k)
        total = math.comb(n, k)
    else:
        rng = random.Random(0)
        labellings = (rng.sample(range(n), k) for _ in range(RANDOM_LABELLINGS))
        total = RANDOM_LABELLINGS
    extreme = sum(abs(sum(ranks[i] for i in c) - centre) >= observed for c in labellings)
    return extreme / total


def describe(values):
    return f"{statistics.median(values):.5f} ({min(values):.5f}-{max(values):.5f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reference")
    ap.add_argument("candidate")
    ap.add_argument("--ref-where", default="")
    ap.add_argument("--cand-where", default="")
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--min-seeds", type=int, default=4)
    a = ap.parse_args()
    ref, ref_open = read_set(a.reference, a.ref_where)
    cand, cand_open = read_set(a.candidate, a.cand_where)
    print(f"reference: {len(ref)} networks ({ref_open} unfinished left out)")
    print(f"candidate: {len(cand)} networks ({cand_open} unfinished left out)")
    if len(ref) < 2 or len(cand) < a.min_seeds:
        print(f"verdict INSUFFICIENT (need 2 reference and {a.min_seeds} candidate networks)")
        return 2
    competent = sum(r["R0.verdict"] == "PASS" for r in cand)
    print(f"candidate R0 PASS: {competent} of {len(cand)}")
    differs = []
    print("| test error | reference: median (range) | candidate: median (range) | rank-sum p |")
    print("|---|---|---|---|")
    for col in COLUMNS:
        r = [float(x[col]) for x in ref]
        c = [float(x[col]) for x in cand]
        p = rank_sum_p(r, c)
        print(f"| {col} | {describe(r)} | {describe(c)} | {p:.4f} |")
        if p < a.alpha:
            differs.append(col)
    why = [f"{len(cand) - competent} candidate(s) fail R0"] if competent < len(cand) else []
    why += [f"{col} differs at level {a.alpha}" for col in differs]
    print("verdict " + ("FAIL: " + "; ".join(why) if why else "PASS"))
    return 1 if why else 0


if __name__ == "__main__":
    sys.exit(main())
