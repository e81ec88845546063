#!/usr/bin/env python3
"""Data for the validation peer benchmark: one CSV of a binary classifier's scored rows.

Columns, in this order, with a header line::

    label,score,region,weight
    0,0.0312,north,1.187

- ``label``   true label, 0/1 (1 = malicious / positive), about 5% positives;
- ``score``   the model's score in [0, 1], 4 decimals (``0.dddd`` or ``1.0000``), so there
              are at most 10,001 distinct values and many ties (every threshold sweep,
              AUC, AP and the budget boundary meet tied blocks that hold both classes);
- ``region``  6 values for slices: north (30%), south (25%), east (18%), west (12%),
              central (10%), overseas (5%);
- ``weight``  a positive sample weight, 3 decimals, lognormal(0, 0.5) times a region
              factor, clipped to [0.050, 9.999].

The score
---------
The base rate depends on the region (3% to 9%, about 5% overall). The score is
``sigmoid(SEP * (2 label - 1) + LOGIT_OFFSET + REGION_BIAS[region] + normal(0, NOISE_SD))``
with ``SEP = 1.5``, ``LOGIT_OFFSET = -1.6`` and ``NOISE_SD = 1.1``: the classes overlap.
With the default seed at 1,000,000 rows: 49,349 positives (4.93%), 9,462 distinct scores,
ROC AUC 0.973, average precision 0.786; at the 0.5 threshold 25,646 rows are flagged,
precision 0.905 and recall 0.470; the TPR reaches 0.9 at threshold 0.1824 with FPR 0.0736;
the 1,000 highest scores hold 999 positives (detection rate 0.0202 of a possible 0.0203),
and the budget's boundary falls inside a block of 4 tied scores. At 20,000 rows the same
rates hold to about 0.01 (the top 1,000 there hold 702 positives). Scores round to 0.0000
or 1.0000 now and then, which exercises the log-loss clipping.

Determinism and speed
---------------------
Rows are generated in blocks of 1,000,000; block ``b`` draws from
``numpy.random.default_rng([seed, b])``, so the file depends only on ``--seed`` and
``--rows``: the same arguments give byte-identical files. Formatting is vectorised (one numpy
byte buffer per block, no per-row Python): about 0.6 s per million rows on the project's
2-core machine. Line
endings are ``\\n``; no index column. The file is written to ``PATH.tmp`` and renamed.

A JSON summary goes to stdout: the arguments, the plan and the realised counts (rows,
positives, prevalence, distinct scores, rows at or above 0.5).

Usage::

    python3 benches/peers/validation_data.py --out /tmp/validation-1m.csv        # 1,000,000 rows
    python3 benches/peers/validation_data.py --rows 20000 --seed 7 --out /tmp/validation-20k.csv

Needs only numpy. 21 MB at 1,000,000 rows.
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
REGION_BASE = [0.045, 0.050, 0.060, 0.030, 0.040, 0.090]  # prevalence per region
REGION_BIAS = [-0.10, 0.00, 0.15, -0.20, 0.05, 0.30]  # score shift per region
REGION_WEIGHT = [1.00, 0.90, 1.20, 1.50, 1.10, 2.50]  # survey-style weight factor

SEP = 1.5
LOGIT_OFFSET = -1.6
NOISE_SD = 1.1
THRESHOLD = 0.5
BLOCK = 1_000_000
HEADER = b"label,score,region,weight\n"


def draw_block(seed: int, block: int, n: int):
    """The arrays of one block: label (bool), score (int, 1e-4 units), region index,
    weight (int, 1e-3 units)."""
    rng = np.random.default_rng([seed, block])
    region = rng.choice(len(REGIONS), size=n, p=REGION_P).astype(np.int8)
    label = rng.random(n) < np.asarray(REGION_BASE)[region]
    logit = (SEP * np.where(label, 1.0, -1.0) + LOGIT_OFFSET
             + np.asarray(REGION_BIAS)[region] + rng.normal(0.0, NOISE_SD, n))
    score = np.rint(10_000.0 / (1.0 + np.exp(-logit))).astype(np.int64)  # 0..10000
    w = rng.lognormal(0.0, 0.5, n) * np.asarray(REGION_WEIGHT)[region]
    weight = np.clip(np.rint(w * 1000.0), 50, 9999).astype(np.int64)
    return label, score, region, weight


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative ints, as an (n, width) uint8 array."""
    out = np.empty((values.size, width), dtype=np.uint8)
    v = values.copy()
    for k in range(width - 1, -1, -1):
        out[:, k] = 48 + (v % 10)
        v //= 10
    return out


def format_block(label, score, region, weight) -> bytes:
    n = label.size
    # Fixed-width head: "l,d.dddd," (9 bytes).
    head = np.empty((n, 9), dtype=np.uint8)
    head[:, 0] = 48 + label
    head[:, 1] = 44
    head[:, 2] = 48 + (score // 10_000)  # 1 only for 1.0000
    head[:, 3] = 46
    head[:, 4:8] = digits(score % 10_000, 4)
    head[:, 8] = 44
    # Variable middle: "region," from a table.
    cells = [f"{r},".encode() for r in REGIONS]
    width = max(map(len, cells))
    table = np.zeros((len(cells), width), dtype=np.uint8)
    lens = np.array([len(c) for c in cells], dtype=np.int64)
    for i, c in enumerate(cells):
        table[i, :len(c)] = np.frombuffer(c, dtype=np.uint8)
    cell = region.astype(np.int64)
    mid_len = lens[cell]
    # Fixed-width tail: "d.ddd\n" (6 bytes).
    tail = np.empty((n, 6), dtype=np.uint8)
    wd = digits(weight, 4)
    tail[:, 0] = wd[:, 0]
    tail[:, 1] = 46
    tail[:, 2:5] = wd[:, 1:]
    tail[:, 5] = 10

    row_len = 9 + mid_len + 6
    start = np.zeros(n, dtype=np.int64)
    np.cumsum(row_len[:-1], out=start[1:])
    buf = np.empty(int(row_len.sum()), dtype=np.uint8)
    for k in range(9):
        buf[start + k] = head[:, k]
    mid_rows = table[cell]
    for k in range(width):
        m = mid_len > k
        buf[start[m] + 9 + k] = mid_rows[m, k]
    tail_at = start + 9 + mid_len
    for k in range(6):
        buf[tail_at + k] = tail[:, k]
    return buf.tobytes()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows (1,000,000)")
    ap.add_argument("--out", required=True, help="output CSV file")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error("--rows must be positive")
    if args.seed < 0:
        ap.error("--seed must be non-negative")

    t0 = time.perf_counter()
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    tmp = args.out + ".tmp"
    n_reg = len(REGIONS)
    rows_by = np.zeros(n_reg, dtype=np.int64)
    pos_by = np.zeros(n_reg, dtype=np.int64)
    seen = np.zeros(10_001, dtype=bool)
    at_or_above = 0
    with open(tmp, "wb") as f:
        f.write(HEADER)
        for b, start in enumerate(range(0, args.rows, BLOCK)):
            n = min(BLOCK, args.rows - start)
            label, score, region, weight = draw_block(args.seed, b, n)
            f.write(format_block(label, score, region, weight))
            rows_by += np.bincount(region, minlength=n_reg)
            pos_by += np.bincount(region[label], minlength=n_reg)
            seen[score] = True
            at_or_above += int((score >= int(THRESHOLD * 10_000)).sum())
    os.replace(tmp, args.out)
    elapsed = time.perf_counter() - t0

    positives = int(pos_by.sum())
    summary = {
        "rows": args.rows, "seed": args.seed, "numpy_version": np.__version__,
        "out": os.path.abspath(args.out), "bytes": os.path.getsize(args.out),
        "columns": ["label", "score", "region", "weight"],
        "plan": {
            "region": dict(zip(REGIONS, REGION_P)),
            "region_base_rate": dict(zip(REGIONS, REGION_BASE)),
            "region_score_bias": dict(zip(REGIONS, REGION_BIAS)),
            "separation": SEP, "logit_offset": LOGIT_OFFSET, "noise_sd": NOISE_SD,
            "region_weight_factor": dict(zip(REGIONS, REGION_WEIGHT)),
            "score_decimals": 4,
        },
        "positives": positives,
        "prevalence": positives / args.rows,
        "distinct_scores": int(seen.sum()),
        "rows_at_or_above_0_5": at_or_above,
        "regions": {r: {"rows": int(rows_by[i]), "positives": int(pos_by[i])}
                    for i, r in enumerate(REGIONS)},
        "seconds": round(elapsed, 3),
    }
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"wrote {args.rows} rows to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
