#!/usr/bin/env python3
"""Data for the fairness peer benchmark: one CSV of a model's decisions with two sensitive columns.

Columns, in this order, with a header line::

    label,flagged,score,region,age_band,weight
    0,0,0.1234,north,30-44,1.187

- ``label``     true label, 0/1 (1 = malicious / positive);
- ``flagged``   the model's decision, 0/1; exactly ``score >= 0.5`` on the written (rounded)
                score, so ``--score score --threshold 0.5`` gives the same decisions;
- ``score``     the model's score in [0, 1], 4 decimals (``0.dddd`` or ``1.0000``);
- ``region``    6 values: north (30%), south (25%), east (18%), west (12%), central (10%),
                overseas (5%);
- ``age_band``  4 values, independent of region: 18-29 (20%), 30-44 (35%), 45-64 (30%),
                65+ (15%);
- ``weight``    a positive sample weight, 3 decimals, lognormal(0, 0.5) times a region
                factor, clipped to [0.050, 9.999].

All 24 region x age_band cells occur; the smallest (overseas x 65+) has 0.75% of the rows,
37,500 at 5,000,000 rows and 375 at 50,000.

Disparities
-----------
The base rate (prevalence of ``label = 1``) is ``REGION_BASE[region] * AGE_BASE_MULT[age]``,
from 3.6% to 24%. The score is ``sigmoid(SEP[age] * (2 label - 1) + REGION_BIAS[region] +
AGE_BIAS[age] + normal(0, 1.2))``, so the false-positive rate (``flagged`` with ``label = 0``)
and the true-positive rate both move with the group: the regions with a positive bias
(``overseas``, ``east``) and the 18-29 band are flagged more often, with and without cause,
and the model separates the classes less well for 65+. With the default seed at 5,000,000
rows the per-cell selection rate runs from 0.043 to 0.380, the FPR from 0.019 to 0.215 and
the TPR from 0.471 to 0.947, so every disparity metric is far from parity (FPR ratio 0.088,
well under the 0.8 of aigov's default rule: its verdict is ``fail``, exit 1).

Determinism and speed
---------------------
Rows are generated in blocks of 1,000,000; block ``b`` draws from
``numpy.random.default_rng([seed, b])``, so the file depends only on ``--seed`` and ``--rows``
(and numpy's generator streams, stable for ``default_rng``): the same arguments give
byte-identical files. Formatting is vectorised: every field is fixed width except the
region and age band, and each block's bytes are assembled in one numpy buffer with no
per-row Python: about 1 s per million rows on the project's 2-core machine (4.5 s for
5,000,000). Line endings are ``\\n``; no index column. The file is written to ``PATH.tmp``
and renamed.

A JSON summary goes to stdout: the arguments, the plan, and the realised per-cell counts and
rates (rows, positives, selection rate, TPR, FPR, computed with numpy from the same arrays,
unweighted), which the benchmark can compare with both tools.

Usage::

    python3 benches/peers/fairness_data.py --out /tmp/fairness-5m.csv         # 5,000,000 rows
    python3 benches/peers/fairness_data.py --rows 50000 --out /tmp/fairness-50k.csv

Needs only numpy. 144 MB at 5,000,000 rows (1.4 MB at 50,000).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

REGIONS = ["north", "south", "east", "west", "central", "overseas"]
REGION_P = [0.30, 0.25, 0.18, 0.12, 0.10, 0.05]
REGION_BASE = [0.08, 0.10, 0.12, 0.06, 0.09, 0.15]  # prevalence before the age multiplier
REGION_BIAS = [-0.40, -0.20, 0.25, -0.55, 0.00, 0.60]  # score shift: more flags, right or wrong
REGION_WEIGHT = [1.00, 0.90, 1.20, 1.50, 1.10, 2.50]  # survey-style weight factor

AGE_BANDS = ["18-29", "30-44", "45-64", "65+"]
AGE_P = [0.20, 0.35, 0.30, 0.15]
AGE_BASE_MULT = [1.6, 1.0, 0.8, 0.6]
AGE_BIAS = [0.35, 0.00, -0.15, -0.05]
AGE_SEP = [1.45, 1.40, 1.30, 1.00]  # how far the score separates the two classes

NOISE_SD = 1.2
LOGIT_OFFSET = -0.5  # puts the 0.5 threshold at a plausible operating point
THRESHOLD = 0.5
BLOCK = 1_000_000
HEADER = b"label,flagged,score,region,age_band,weight\n"


def draw_block(seed: int, block: int, n: int):
    """The arrays of one block: label, flagged (bool), score (int, 1e-4 units), region and
    age indices, weight (int, 1e-3 units)."""
    rng = np.random.default_rng([seed, block])
    region = rng.choice(len(REGIONS), size=n, p=REGION_P).astype(np.int8)
    age = rng.choice(len(AGE_BANDS), size=n, p=AGE_P).astype(np.int8)
    base = np.asarray(REGION_BASE)[region] * np.asarray(AGE_BASE_MULT)[age]
    label = rng.random(n) < base
    logit = (np.asarray(AGE_SEP)[age] * np.where(label, 1.0, -1.0)
             + np.asarray(REGION_BIAS)[region] + np.asarray(AGE_BIAS)[age]
             + LOGIT_OFFSET + rng.normal(0.0, NOISE_SD, n))
    score = np.rint(10_000.0 / (1.0 + np.exp(-logit))).astype(np.int64)  # 0..10000
    flagged = score >= int(THRESHOLD * 10_000)
    w = rng.lognormal(0.0, 0.5, n) * np.asarray(REGION_WEIGHT)[region]
    weight = np.clip(np.rint(w * 1000.0), 50, 9999).astype(np.int64)
    return label, flagged, score, region, age, weight


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative ints, as an (n, width) uint8 array."""
    out = np.empty((values.size, width), dtype=np.uint8)
    v = values.copy()
    for k in range(width - 1, -1, -1):
        out[:, k] = 48 + (v % 10)
        v //= 10
    return out


def format_block(label, flagged, score, region, age, weight) -> bytes:
    n = label.size
    # Fixed-width head: "l,f,d.dddd," (11 bytes).
    head = np.empty((n, 11), dtype=np.uint8)
    head[:, 0] = 48 + label
    head[:, 1] = 44
    head[:, 2] = 48 + flagged
    head[:, 3] = 44
    head[:, 4] = 48 + (score // 10_000)  # 1 only for 1.0000
    head[:, 5] = 46
    head[:, 6:10] = digits(score % 10_000, 4)
    head[:, 10] = 44
    # Variable middle: "region,age_band," from a table of the 24 cells.
    cells = [f"{r},{a},".encode() for r in REGIONS for a in AGE_BANDS]
    width = max(map(len, cells))
    table = np.zeros((len(cells), width), dtype=np.uint8)
    lens = np.array([len(c) for c in cells], dtype=np.int64)
    for i, c in enumerate(cells):
        table[i, :len(c)] = np.frombuffer(c, dtype=np.uint8)
    cell = region.astype(np.int64) * len(AGE_BANDS) + age
    mid_len = lens[cell]
    # Fixed-width tail: "d.ddd\n" (6 bytes).
    tail = np.empty((n, 6), dtype=np.uint8)
    wd = digits(weight, 4)
    tail[:, 0] = wd[:, 0]
    tail[:, 1] = 46
    tail[:, 2:5] = wd[:, 1:]
    tail[:, 5] = 10

    row_len = 11 + mid_len + 6
    start = np.zeros(n, dtype=np.int64)
    np.cumsum(row_len[:-1], out=start[1:])
    buf = np.empty(int(row_len.sum()), dtype=np.uint8)
    for k in range(11):
        buf[start + k] = head[:, k]
    mid_rows = table[cell]
    for k in range(width):
        m = mid_len > k
        buf[start[m] + 11 + k] = mid_rows[m, k]
    tail_at = start + 11 + mid_len
    for k in range(6):
        buf[tail_at + k] = tail[:, k]
    return buf.tobytes()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000, help="rows (5,000,000)")
    ap.add_argument("--out", required=True, help="output CSV file")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error("--rows must be positive")

    t0 = time.perf_counter()
    shape = (len(REGIONS), len(AGE_BANDS))
    counts = {k: np.zeros(shape, dtype=np.int64) for k in ("n", "pos", "flag", "tp", "fp")}
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(HEADER)
        for b, start in enumerate(range(0, args.rows, BLOCK)):
            n = min(BLOCK, args.rows - start)
            label, flagged, score, region, age, weight = draw_block(args.seed, b, n)
            f.write(format_block(label, flagged, score, region, age, weight))
            cell = region.astype(np.int64) * len(AGE_BANDS) + age
            size = shape[0] * shape[1]
            for key, sel in (("n", None), ("pos", label), ("flag", flagged),
                             ("tp", label & flagged), ("fp", ~label & flagged)):
                counts[key] += np.bincount(cell if sel is None else cell[sel],
                                           minlength=size).reshape(shape)
    os.replace(tmp, args.out)
    elapsed = time.perf_counter() - t0

    cells = []
    for i, r in enumerate(REGIONS):
        for j, a in enumerate(AGE_BANDS):
            n, pos = int(counts["n"][i, j]), int(counts["pos"][i, j])
            neg = n - pos

            def div(a_, b_):
                return a_ / b_ if b_ else None

            cells.append({
                "group": {"region": r, "age_band": a},
                "rows": n, "positives": pos, "flagged": int(counts["flag"][i, j]),
                "selection_rate": div(int(counts["flag"][i, j]), n),
                "tpr": div(int(counts["tp"][i, j]), pos),
                "fpr": div(int(counts["fp"][i, j]), neg),
            })
    summary = {
        "rows": args.rows, "seed": args.seed, "numpy_version": np.__version__,
        "out": os.path.abspath(args.out), "bytes": os.path.getsize(args.out),
        "columns": ["label", "flagged", "score", "region", "age_band", "weight"],
        "threshold": THRESHOLD,
        "plan": {
            "region": dict(zip(REGIONS, REGION_P)), "age_band": dict(zip(AGE_BANDS, AGE_P)),
            "region_base_rate": dict(zip(REGIONS, REGION_BASE)),
            "age_base_multiplier": dict(zip(AGE_BANDS, AGE_BASE_MULT)),
            "region_score_bias": dict(zip(REGIONS, REGION_BIAS)),
            "age_score_bias": dict(zip(AGE_BANDS, AGE_BIAS)),
            "age_separation": dict(zip(AGE_BANDS, AGE_SEP)),
            "noise_sd": NOISE_SD, "logit_offset": LOGIT_OFFSET,
            "region_weight_factor": dict(zip(REGIONS, REGION_WEIGHT)),
        },
        "cells": cells,
        "seconds": round(elapsed, 3),
    }
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"wrote {args.rows} rows to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
