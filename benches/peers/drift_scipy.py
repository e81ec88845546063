#!/usr/bin/env python3
"""Peer benchmark: per-column two-sample KS test with pandas + scipy.

The Python peer of ``aigov drift --method ks``. What a data scientist would write by hand:

1. ``pandas.read_csv`` the reference and the current file (default options: C parser,
   float64 for real columns, int64 for all-integer ones, an empty cell is NaN);
2. for every column of the reference file: drop the NaNs on each side and run
   ``scipy.stats.ks_2samp(ref, cur)`` with the default ``method="auto"`` (exact for up
   to 10,000 values per side, otherwise the asymptotic distribution, so ``asymp`` at
   1,000,000 rows) and the default two-sided alternative;
3. a column has drifted when the p-value is below ``--alpha`` (0.05).

Prints a JSON summary on stdout::

    {"peer": "scipy", "pandas_version": "...", "scipy_version": "...", "numpy_version": "...",
     "reference": "...", "current": "...", "rows_reference": N, "rows_current": N,
     "alpha": 0.05, "columns": [{"column": "f00", "n_reference": ..., "n_current": ...,
     "statistic": ..., "pvalue": ..., "drifted": false}, ...],
     "drifted_columns": [...], "drifted_count": k, "read_seconds": ..., "test_seconds": ...,
     "elapsed_seconds": ...}

and ``elapsed <seconds>`` on stderr, where the elapsed time is the whole run: from the
first line of this script (before pandas and scipy are imported) to the end of the tests.
``compare_drift.sh`` times the process from outside anyway (wall clock and peak RSS with
GNU time), which also counts interpreter start-up.

Usage::

    python3 benches/peers/drift_scipy.py --reference R.csv --current C.csv [--alpha 0.05]

Needs pandas and scipy (``pip install pandas scipy``).

Run with pandas 3.1.1, scipy 1.17.1, numpy 2.4.6 (Python 3.11.7) on the project's 2-core
machine while other builds kept it busy (load about 4): 1,000,000 rows per file, 18.3 s
wall and 761 MiB peak RSS (read 5.0 s, KS 8.5 s); 20,000 rows, 4.3 s and 142 MiB.
"""

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
from scipy.stats import ks_2samp  # noqa: E402


def _num(x: float):
    x = float(x)
    return x if math.isfinite(x) else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="pandas.read_csv + scipy ks_2samp per column")
    ap.add_argument("--reference", required=True, help="reference CSV")
    ap.add_argument("--current", required=True, help="current CSV")
    ap.add_argument("--alpha", type=float, default=0.05, help="p-value threshold (0.05)")
    args = ap.parse_args(argv)

    t_read = time.perf_counter()
    ref = pd.read_csv(args.reference)
    cur = pd.read_csv(args.current)
    t_test = time.perf_counter()

    columns = []
    for name in ref.columns:
        if name not in cur.columns:
            raise SystemExit(f"column {name!r} is in the reference but not in the current file")
        r = ref[name].dropna().to_numpy()
        c = cur[name].dropna().to_numpy()
        res = ks_2samp(r, c)
        columns.append({
            "column": name,
            "n_reference": int(r.size),
            "n_current": int(c.size),
            "statistic": _num(res.statistic),
            "pvalue": _num(res.pvalue),
            "drifted": bool(res.pvalue < args.alpha),
        })
    t_end = time.perf_counter()

    drifted = [c["column"] for c in columns if c["drifted"]]
    summary = {
        "peer": "scipy",
        "pandas_version": pd.__version__,
        "scipy_version": scipy.__version__,
        "numpy_version": np.__version__,
        "reference": args.reference,
        "current": args.current,
        "rows_reference": int(len(ref)),
        "rows_current": int(len(cur)),
        "alpha": args.alpha,
        "columns": columns,
        "drifted_columns": drifted,
        "drifted_count": len(drifted),
        "read_seconds": round(t_test - t_read, 4),
        "test_seconds": round(t_end - t_test, 4),
        "elapsed_seconds": round(t_end - _T0, 4),
    }
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"elapsed {t_end - _T0:.3f} s (read {t_test - t_read:.3f} s, "
          f"ks {t_end - t_test:.3f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
