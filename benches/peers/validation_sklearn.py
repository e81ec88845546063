#!/usr/bin/env python3
"""Peer benchmark: validation metrics of a scored binary classifier with pandas + sklearn.metrics.

The Python peer of ``aigov validate --score score --data F --label label --threshold 0.5
--target-tpr 0.9 --budget 1000 --json``. What a data scientist would write:

1. ``pandas.read_csv`` the file (default options);
2. with ``y = df[label]``, ``s = df[score]`` and ``y_pred = s >= threshold``:

   - ``roc_auc_score(y, s)`` and ``average_precision_score(y, s)``;
   - ``precision_score``, ``recall_score``, ``f1_score`` (``zero_division=0``) and
     ``accuracy_score`` on ``y_pred``, and ``confusion_matrix(y, y_pred, labels=[0, 1])``;
   - ``log_loss(y, s, labels=[0, 1])`` and ``brier_score_loss(y, s)``;
   - **FPR at the target TPR**: ``roc_curve(y, s, drop_intermediate=False)``, then the lowest
     FPR among the points whose TPR >= target (``--target-tpr``, 0.9). That is the FPR at the
     highest threshold reaching the target, with no interpolation between thresholds, as
     aigov's ``fpr_at_tpr``. ``drop_intermediate=False`` because the default curve can drop
     the very point that first reaches the target when it is collinear with its
     neighbours, and the next kept point has a higher FPR;
   - **detection rate at the budget** (recall within the ``--budget`` highest scores, 1000):
     sklearn has no such function, so numpy: the positives among the rows scored above the
     budget's boundary score, plus, when the boundary falls inside a block of tied scores,
     the block's positives times the share of the block that fits (the expected value
     under a random tie break, as aigov's ``detection_rate_at_budget``), over all positives.

Prints one JSON object on stdout::

    {"n": N, "roc_auc": ..., "average_precision": ..., "precision": ..., "recall": ...,
     "f1": ..., "accuracy": ..., "log_loss": ..., "brier": ..., "fpr_at_tpr": ...,
     "detection_rate_at_budget": ..., "sklearn_version": "...",
     "read_seconds": ..., "compute_seconds": ...,
     ... and for reference: "threshold", "target_tpr", "budget", "confusion_matrix"
     [[tn, fp], [fn, tp]], "fpr_at_tpr_point" {threshold, tpr, fpr},
     "budget_detection" {budget, detected, boundary_ties}, "positives",
     "pandas_version", "numpy_version", "python_version", "elapsed_seconds"}

(non-finite numbers as ``null``; the first eleven keys are the ones ``compare_validation.sh``
compares with aigov's JSON), and ``elapsed <s> s (read <s> s, compute <s> s)`` on stderr.
``read_seconds`` is ``pandas.read_csv``; ``compute_seconds`` is everything after it up to the
last metric; ``elapsed_seconds`` counts from the first line of this script, before the
imports. ``compare_validation.sh`` times the whole process from outside anyway.

Usage::

    python benches/peers/validation_sklearn.py --data /tmp/validation-1m.csv
    python benches/peers/validation_sklearn.py --data F --label label --score score \\
        [--threshold 0.5] [--target-tpr 0.9] [--budget 1000]

Needs scikit-learn, pandas and numpy.
"""

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)


def _num(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def fpr_at_tpr(y, s, target):
    """Lowest FPR among the (undropped) ROC points with TPR >= target, with its point."""
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    ok = np.flatnonzero(tpr >= target)
    if ok.size == 0 or not np.isfinite(tpr).all() or not np.isfinite(fpr).all():
        return None, None
    k = int(ok[np.argmin(fpr[ok])])  # fpr is non-decreasing: the first such point
    return float(fpr[k]), {"threshold": _num(thr[k]), "tpr": float(tpr[k]), "fpr": float(fpr[k])}


def detection_at_budget(y, s, budget):
    """Share of the positives among the `budget` highest scores, ties at the boundary
    counted fractionally (expected value under a random tie break)."""
    positives = int(y.sum())
    n = s.size
    budget = min(budget, n)
    if positives == 0:
        return None, {"budget": budget, "detected": 0.0, "boundary_ties": 0}
    if budget == 0:
        return 0.0, {"budget": 0, "detected": 0.0, "boundary_ties": 0}
    boundary = np.partition(s, n - budget)[n - budget]  # the budget-th highest score
    above = s > boundary
    tied = s == boundary
    taken = int(above.sum())
    group = int(tied.sum())
    room = budget - taken
    detected = float(y[above].sum())
    ties = 0
    if room >= group:
        detected += float(y[tied].sum())
    else:
        detected += float(y[tied].sum()) * room / group
        ties = group
    return detected / positives, {"budget": budget, "detected": detected, "boundary_ties": ties}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="pandas.read_csv + sklearn.metrics validation metrics")
    ap.add_argument("--data", required=True, help="CSV with a header")
    ap.add_argument("--label", default="label", help="true label column, 0/1 (label)")
    ap.add_argument("--score", default="score", help="score column, in [0, 1] (score)")
    ap.add_argument("--threshold", type=float, default=0.5,
                    help="flag rows with score >= threshold (0.5)")
    ap.add_argument("--target-tpr", type=float, default=0.9,
                    help="TPR at which to report the FPR (0.9)")
    ap.add_argument("--budget", type=int, default=1000,
                    help="alert budget for the detection rate (1000)")
    args = ap.parse_args(argv)
    if not 0.0 < args.target_tpr <= 1.0:
        ap.error("--target-tpr must be in (0, 1]")
    if args.budget < 0:
        ap.error("--budget must be non-negative")

    t_read = time.perf_counter()
    df = pd.read_csv(args.data)
    t_compute = time.perf_counter()

    y = df[args.label].to_numpy()
    s = df[args.score].to_numpy(dtype=np.float64)
    y_pred = (s >= args.threshold).astype(y.dtype)

    roc_auc = roc_auc_score(y, s)
    ap_score = average_precision_score(y, s)
    precision = precision_score(y, y_pred, zero_division=0)
    recall = recall_score(y, y_pred, zero_division=0)
    f1 = f1_score(y, y_pred, zero_division=0)
    accuracy = accuracy_score(y, y_pred)
    cm = confusion_matrix(y, y_pred, labels=[0, 1])
    ll = log_loss(y, s, labels=[0, 1])
    brier = brier_score_loss(y, s)
    fpr_t, point = fpr_at_tpr(y, s, args.target_tpr)
    det, budget_info = detection_at_budget(y, s, args.budget)
    t_end = time.perf_counter()

    summary = {
        "n": int(len(df)),
        "roc_auc": _num(roc_auc),
        "average_precision": _num(ap_score),
        "precision": _num(precision),
        "recall": _num(recall),
        "f1": _num(f1),
        "accuracy": _num(accuracy),
        "log_loss": _num(ll),
        "brier": _num(brier),
        "fpr_at_tpr": _num(fpr_t),
        "detection_rate_at_budget": _num(det),
        "sklearn_version": sklearn.__version__,
        "read_seconds": round(t_compute - t_read, 4),
        "compute_seconds": round(t_end - t_compute, 4),
        "peer": "scikit-learn",
        "data": args.data,
        "label": args.label,
        "score": args.score,
        "threshold": args.threshold,
        "target_tpr": args.target_tpr,
        "budget": args.budget,
        "positives": int((y == 1).sum()),
        "confusion_matrix": [[int(v) for v in row] for row in cm],
        "fpr_at_tpr_point": point,
        "budget_detection": budget_info,
        "pandas_version": pd.__version__,
        "numpy_version": np.__version__,
        "python_version": sys.version.split()[0],
        "elapsed_seconds": round(t_end - _T0, 4),
    }
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"elapsed {t_end - _T0:.3f} s (read {t_compute - t_read:.3f} s, "
          f"compute {t_end - t_compute:.3f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
