#!/usr/bin/env python3
"""Peer benchmark: Evidently 0.7's default data drift report (``DataDriftPreset``).

The Python peer of the default ``aigov drift`` report (no ``--method``). It does what the
Evidently docs show for a drift report, on the same two CSV files:

1. ``pandas.read_csv`` the reference and the current file (default options);
2. wrap each in ``evidently.Dataset.from_pandas`` with a ``DataDefinition`` that lists every
   column as numerical (``numerical_columns=[...]``), so no column type is inferred;
3. ``Report([DataDriftPreset()]).run(current, reference)`` with every preset option at its
   default: the stattest is picked per column by Evidently's defaults (for a numerical
   column with more than 1,000 rows and more than 5 distinct values that is the normed
   Wasserstein distance, threshold 0.1, drift when the score is >= 0.1), dataset drift when
   at least half the columns (``drift_share=0.5``) drift. The run computes everything the
   preset's report holds, widgets and plots included, as the default report does; nothing
   is saved to HTML or JSON (the timing is the computation, not the rendering to a file).

Prints a JSON summary on stdout::

    {"peer": "evidently", "evidently_version": "0.7.x", "pandas_version": "...",
     "reference": "...", "current": "...", "rows_reference": N, "rows_current": N,
     "columns": [{"column": "f00", "stattest": "Wasserstein distance (normed)",
                  "threshold": 0.1, "score": ..., "drifted": false}, ...],
     "drifted_columns": [...], "drifted_count": k, "drifted_share": k / cols,
     "drift_share": 0.5, "dataset_drift": false,
     "read_seconds": ..., "report_seconds": ..., "elapsed_seconds": ...}

Per column, ``stattest``, ``threshold`` and ``score`` are the resolved parameters and value
of the preset's ``ValueDrift`` metric; ``drifted`` is the ``drift_detected`` flag of the
preset's drift table for that column (Evidently keeps it in the report context; the two
agree on the score, which the script checks). ``dataset_drift`` is the preset's dataset
drift verdict. ``elapsed <seconds>`` goes to stderr: the whole run, from the first line of
this script (before pandas and Evidently are imported) to the end of the report.

Usage::

    python3 -m venv /tmp/evbenchvenv
    /tmp/evbenchvenv/bin/pip install 'evidently>=0.7,<0.8' 'pandas<3' scipy numpy
    /tmp/evbenchvenv/bin/python benches/peers/drift_evidently.py --reference R.csv --current C.csv

Run with Evidently 0.7.23 (pandas 2.3.3, Python 3.11.7) on the project's 2-core machine
while other builds kept it busy (load about 4): 1,000,000 rows per file, 253.9 s wall and
1,910 MiB peak RSS (read 13.1 s, report 222.2 s, imports about 10 s); 20,000 rows, 27.1 s
and 322 MiB. It picked the normed Wasserstein distance for all 20 columns.
Evidently telemetry is switched off (``DO_NOT_TRACK=1``, ``EVIDENTLY_DISABLE_TELEMETRY=1``).
"""

import os
import time

_T0 = time.perf_counter()
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("EVIDENTLY_DISABLE_TELEMETRY", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import pandas as pd  # noqa: E402

import evidently  # noqa: E402
from evidently import DataDefinition, Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402


def _num(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _legacy_results(snapshot):
    """The preset's legacy drift table and dataset drift results, from the report context.

    The preset computes them while it runs (they back its widgets) and the context caches
    them, so nothing is computed again here. Returns (table or None, dataset or None).
    """
    table = dataset = None
    try:
        cached = snapshot.context._legacy_metrics.values()
    except AttributeError:
        return None, None
    for result, _widgets in cached:
        kind = type(result).__name__
        if kind == "DataDriftTableResults":
            table = result
        elif kind == "DatasetDriftMetricResults":
            dataset = result
    return table, dataset


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Evidently DataDriftPreset on two CSV files")
    ap.add_argument("--reference", required=True, help="reference CSV")
    ap.add_argument("--current", required=True, help="current CSV")
    args = ap.parse_args(argv)

    if not evidently.__version__.startswith("0.7."):
        print(f"warning: this peer is written for Evidently 0.7, found {evidently.__version__}",
              file=sys.stderr)

    t_read = time.perf_counter()
    ref = pd.read_csv(args.reference)
    cur = pd.read_csv(args.current)
    t_report = time.perf_counter()

    columns = list(ref.columns)
    definition = DataDefinition(numerical_columns=columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        snapshot = Report([DataDriftPreset()]).run(
            Dataset.from_pandas(cur, data_definition=definition),
            Dataset.from_pandas(ref, data_definition=definition),
        )
    t_end = time.perf_counter()

    table, dataset = _legacy_results(snapshot)
    per_column = {}
    count = share = drift_share = None
    for m in snapshot.dict()["metrics"]:
        cfg = m.get("config", {})
        kind = cfg.get("type", "")
        if kind.endswith(":ValueDrift"):
            per_column[cfg["column"]] = {
                "column": cfg["column"],
                "stattest": cfg.get("method"),
                "threshold": _num(cfg.get("threshold")),
                "score": _num(m.get("value")),
                "drifted": None,
            }
        elif kind.endswith(":DriftedColumnsCount"):
            count = m["value"]["count"]
            share = m["value"]["share"]
            drift_share = cfg.get("drift_share", 0.5)

    if table is not None:
        for name, col in table.drift_by_columns.items():
            entry = per_column.get(name)
            if entry is None:
                continue
            entry["drifted"] = bool(col.drift_detected)
            score = _num(col.drift_score)
            if entry["score"] is not None and score is not None and \
                    not math.isclose(entry["score"], score, rel_tol=1e-9, abs_tol=1e-12):
                print(f"warning: {name}: ValueDrift score {entry['score']} != "
                      f"drift table score {score}", file=sys.stderr)

    results = [per_column[c] for c in columns if c in per_column]
    drifted = [r["column"] for r in results if r["drifted"]]
    if dataset is not None:
        dataset_drift = bool(dataset.dataset_drift)
    elif share is not None:
        dataset_drift = bool(share >= drift_share)
    else:
        dataset_drift = None

    summary = {
        "peer": "evidently",
        "evidently_version": evidently.__version__,
        "pandas_version": pd.__version__,
        "reference": args.reference,
        "current": args.current,
        "rows_reference": int(len(ref)),
        "rows_current": int(len(cur)),
        "columns": results,
        "drifted_columns": drifted,
        "drifted_count": int(count) if count is not None else len(drifted),
        "drifted_share": _num(share),
        "drift_share": _num(drift_share),
        "dataset_drift": dataset_drift,
        "read_seconds": round(t_report - t_read, 4),
        "report_seconds": round(t_end - t_report, 4),
        "elapsed_seconds": round(t_end - _T0, 4),
    }
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"elapsed {t_end - _T0:.3f} s (read {t_report - t_read:.3f} s, "
          f"report {t_end - t_report:.3f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
