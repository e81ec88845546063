#!/usr/bin/env python3
"""Peer benchmark: a group fairness audit with pandas + fairlearn's MetricFrame.

The Python peer of ``aigov fairness --data F --y-true label --y-pred flagged
--sensitive region,age_band --json``. What a data scientist would write with fairlearn:

1. ``pandas.read_csv`` the file (default options: C parser, int64 for the 0/1 columns,
   the string dtype for the sensitive columns);
2. ``fairlearn.metrics.MetricFrame`` with the metrics ``selection_rate``,
   ``true_positive_rate``, ``false_positive_rate``, ``false_negative_rate``,
   ``true_negative_rate``, ``precision`` (``sklearn.metrics.precision_score`` with
   ``zero_division=0``), ``accuracy`` (``sklearn.metrics.accuracy_score``) and ``count``,
   ``y_true = label``, ``y_pred = flagged`` and ``sensitive_features = df[["region",
   "age_band"]]`` (the intersections: 6 x 4 = 24 groups), then ``.by_group``,
   ``.overall``, ``.difference(method)`` and ``.ratio(method)``;
3. the named disparity functions, each with both sensitive columns:
   ``demographic_parity_difference/ratio``, ``equalized_odds_difference/ratio``
   (``agg="worst_case"``, fairlearn's default) and ``equal_opportunity_difference/ratio``
   (fairlearn >= 0.13; skipped with a note when absent). Each builds its own MetricFrame
   internally, as it does for a user who calls it.

``--method`` is ``between_groups`` (default, as aigov's) or ``to_overall``. With
``--sample-weight COL`` every metric except ``count`` gets the column as ``sample_weight``
(``sample_params``), as do the named functions: the peer of ``aigov fairness
--sample-weight COL``.

Prints a JSON summary on stdout::

    {"peer": "fairlearn", "fairlearn_version": "...", "sklearn_version": "...",
     "pandas_version": "...", "numpy_version": "...", "data": "...", "rows": N,
     "sensitive": ["region", "age_band"], "method": "between_groups", "sample_weight": null,
     "by_group": [{"group": {"region": "central", "age_band": "18-29"},
                   "metrics": {"selection_rate": ..., "true_positive_rate": ..., ...}}, ...],
     "overall": {"selection_rate": ..., ...},
     "difference": {"selection_rate": ..., ...}, "ratio": {...},
     "disparities": {"demographic_parity_difference": ..., ...},
     "read_seconds": ..., "compute_seconds": ..., "elapsed_seconds": ...}

(non-finite numbers as ``null``) and ``elapsed <s> s (read <s> s, compute <s> s)`` on
stderr, where elapsed is the whole run from the first line of this script (before pandas
and fairlearn are imported) to the end of the computations. ``compare_fairness.sh`` times
the process from outside anyway (wall clock and peak RSS with GNU time), which also counts
interpreter start-up.

Usage::

    python benches/peers/fairness_fairlearn.py --data /tmp/fairness-5m.csv
    python benches/peers/fairness_fairlearn.py --data F --y-true label --y-pred flagged \\
        --sensitive region,age_band [--method to_overall] [--sample-weight weight]

Needs fairlearn, scikit-learn, pandas and numpy (``pip install fairlearn scikit-learn
pandas numpy``).

Run with fairlearn 0.15.0, scikit-learn 1.9.1, pandas 3.1.1, numpy 2.4.6 (Python 3.11.7) on
the project's 2-core machine: 5,000,000 rows, 653 s wall and 2,304 MiB peak RSS (read 1.6 s,
MetricFrame + disparities 647 s); 50,000 rows, 11 to 16 s and 172 MiB. Nearly all the time
is fairlearn's ``AnnotatedMetricFunction.__call__``, which passes every column of every group
through ``np.stack(column.to_numpy())``: for a 1-D column that iterates the array element by
element in Python, once per metric per group, so the cost grows with rows x metrics.
"""

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.metrics import accuracy_score, precision_score  # noqa: E402

import fairlearn  # noqa: E402
import fairlearn.metrics as flm  # noqa: E402
from fairlearn.metrics import (  # noqa: E402
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)

METRICS = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    "precision": functools.partial(precision_score, zero_division=0),
    "accuracy": accuracy_score,
    "count": count,
}


def _num(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _series(s):
    return {str(k): _num(v) for k, v in s.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="pandas.read_csv + fairlearn MetricFrame")
    ap.add_argument("--data", required=True, help="CSV with a header")
    ap.add_argument("--y-true", default="label", help="true label column (label)")
    ap.add_argument("--y-pred", default="flagged", help="decision column (flagged)")
    ap.add_argument("--sensitive", default="region,age_band",
                    help="sensitive columns, comma-separated (region,age_band)")
    ap.add_argument("--method", choices=["between_groups", "to_overall"],
                    default="between_groups", help="difference/ratio method (between_groups)")
    ap.add_argument("--sample-weight", default=None, help="sample-weight column (none)")
    args = ap.parse_args(argv)
    sensitive = [c.strip() for c in args.sensitive.split(",") if c.strip()]

    t_read = time.perf_counter()
    df = pd.read_csv(args.data)
    t_compute = time.perf_counter()

    y_true = df[args.y_true]
    y_pred = df[args.y_pred]
    sf = df[sensitive]
    weight = None if args.sample_weight is None else df[args.sample_weight]
    sample_params = None
    if weight is not None:
        sample_params = {m: {"sample_weight": weight} for m in METRICS if m != "count"}

    mf = MetricFrame(metrics=METRICS, y_true=y_true, y_pred=y_pred,
                     sensitive_features=sf, sample_params=sample_params)
    by_group = mf.by_group
    overall = mf.overall
    difference = mf.difference(method=args.method)
    ratio = mf.ratio(method=args.method)

    named = {}
    notes = []
    kw = {"sensitive_features": sf, "method": args.method, "sample_weight": weight}
    functions = [
        ("demographic_parity_difference", demographic_parity_difference),
        ("demographic_parity_ratio", demographic_parity_ratio),
        ("equalized_odds_difference", equalized_odds_difference),
        ("equalized_odds_ratio", equalized_odds_ratio),
    ]
    for name in ("equal_opportunity_difference", "equal_opportunity_ratio"):
        fn = getattr(flm, name, None)
        if fn is None:
            notes.append(f"fairlearn {fairlearn.__version__} has no {name}")
        else:
            functions.append((name, fn))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 0/0 ratios of empty cells would warn, not fail
        for name, fn in functions:
            named[name] = _num(fn(y_true, y_pred, **kw))
    t_end = time.perf_counter()

    groups = []
    for key, row in by_group.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        groups.append({"group": {c: str(v) for c, v in zip(sensitive, key)},
                       "metrics": {m: _num(row[m]) for m in METRICS}})
    summary = {
        "peer": "fairlearn",
        "fairlearn_version": fairlearn.__version__,
        "sklearn_version": sklearn.__version__,
        "pandas_version": pd.__version__,
        "numpy_version": np.__version__,
        "python_version": sys.version.split()[0],
        "data": args.data,
        "rows": int(len(df)),
        "y_true": args.y_true,
        "y_pred": args.y_pred,
        "sensitive": sensitive,
        "method": args.method,
        "sample_weight": args.sample_weight,
        "groups_count": len(groups),
        "by_group": groups,
        "overall": _series(overall),
        "difference": _series(difference),
        "ratio": _series(ratio),
        "disparities": named,
        "notes": notes,
        "read_seconds": round(t_compute - t_read, 4),
        "compute_seconds": round(t_end - t_compute, 4),
        "elapsed_seconds": round(t_end - _T0, 4),
    }
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"elapsed {t_end - _T0:.3f} s (read {t_compute - t_read:.3f} s, "
          f"compute {t_end - t_compute:.3f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
