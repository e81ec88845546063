#!/usr/bin/env python3
"""Peer benchmark: score a labelled CSV with an ONNX tree ensemble in onnxruntime (one
thread) and compute the ROC AUC with scikit-learn.

The Python peer of ``aigov validate --model M.onnx --data F --label label --json``, end to
end as aigov runs it:

1. ``onnxruntime.InferenceSession(M, SessionOptions(intra_op_num_threads=1,
   inter_op_num_threads=1), providers=["CPUExecutionProvider"])``;
2. ``pandas.read_csv(F)`` (default options);
3. the feature columns by name, in the model's input order (the ``aigov.feature_names``
   metadata entry, as aigov reads it; or ``--features a,b,c``), as one float32
   ``[rows, features]`` array (or one ``[rows, 1]`` array per input for a model with one
   input per column);
4. one ``session.run`` over all rows; the score is the last column of the
   ``probabilities`` output (else of the last output);
5. ``sklearn.metrics.roc_auc_score(df[label], score)``.

Prints one JSON object on stdout::

    {"rows": N, "roc_auc": ..., "seconds_scoring": ..., "seconds_total": ...,
     ... and for reference: "seconds_import", "seconds_load", "seconds_read",
     "seconds_prepare", "seconds_auc", "model", "data", "label", "features", "output",
     "positives", "threads", "onnxruntime_version", "sklearn_version", "pandas_version",
     "numpy_version", "python_version", "peer"}

``seconds_scoring`` is the ``session.run`` call alone; ``seconds_total`` counts from the
script's first line, before the imports, to the AUC (``compare_trees.sh`` times the whole
process from outside anyway). ``seconds_load`` is building the session, ``seconds_read``
``pandas.read_csv``, ``seconds_prepare`` the column selection and float32 conversion.
``elapsed <s> s (...)`` goes to stderr.

Usage::

    /tmp/treevenv/bin/python benches/peers/trees_onnxruntime.py \\
        --model /tmp/trees-100k/trees.random_forest.onnx --data /tmp/trees-100k/trees.csv

Needs onnxruntime, pandas, numpy and scikit-learn.
"""

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

FEATURE_NAMES_KEY = "aigov.feature_names"
_T_IMPORTED = time.perf_counter()


def _num(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="onnxruntime (1 thread) + roc_auc_score on a CSV")
    ap.add_argument("--model", required=True, help="ONNX model")
    ap.add_argument("--data", required=True, help="CSV with a header")
    ap.add_argument("--label", default="label", help="true label column, 0/1 (label)")
    ap.add_argument("--features", default=None,
                    help="feature columns in input order, a,b,c (default: the model's "
                         f"{FEATURE_NAMES_KEY} metadata entry)")
    args = ap.parse_args(argv)

    t_load = time.perf_counter()
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3  # LightGBM exports declare a label shape [1]: a warning per run
    sess = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])
    if args.features:
        features = [f.strip() for f in args.features.split(",")]
    else:
        meta = sess.get_modelmeta().custom_metadata_map
        if FEATURE_NAMES_KEY not in meta:
            ap.error(f"{args.model} has no {FEATURE_NAMES_KEY} metadata entry: pass --features")
        features = [f.strip() for f in meta[FEATURE_NAMES_KEY].split(",")]
    inputs = sess.get_inputs()
    outputs = [o.name for o in sess.get_outputs()]
    output = "probabilities" if "probabilities" in outputs else outputs[-1]

    t_read = time.perf_counter()
    df = pd.read_csv(args.data)

    t_prepare = time.perf_counter()
    y = df[args.label].to_numpy()
    X = df[features].to_numpy(dtype=np.float32)
    if len(inputs) == 1:
        feeds = {inputs[0].name: X}
    else:  # one [rows, 1] input per feature (a DataFrame export), matched by position
        if len(inputs) != len(features):
            ap.error(f"{len(inputs)} inputs for {len(features)} features")
        feeds = {inp.name: np.ascontiguousarray(X[:, [i]]) for i, inp in enumerate(inputs)}

    t_score = time.perf_counter()
    (result,) = sess.run([output], feeds)
    t_auc = time.perf_counter()
    score = result[:, -1] if result.ndim == 2 else result
    roc_auc = roc_auc_score(y, score)
    t_end = time.perf_counter()

    summary = {
        "rows": int(len(df)),
        "roc_auc": _num(roc_auc),
        "seconds_scoring": round(t_auc - t_score, 4),
        "seconds_total": round(t_end - _T0, 4),
        "seconds_import": round(_T_IMPORTED - _T0, 4),
        "seconds_load": round(t_read - t_load, 4),
        "seconds_read": round(t_prepare - t_read, 4),
        "seconds_prepare": round(t_score - t_prepare, 4),
        "seconds_auc": round(t_end - t_auc, 4),
        "peer": "onnxruntime",
        "model": args.model,
        "data": args.data,
        "label": args.label,
        "features": features,
        "output": output,
        "positives": int((y == 1).sum()),
        "threads": {"intra_op": 1, "inter_op": 1},
        "onnxruntime_version": ort.__version__,
        "sklearn_version": sklearn.__version__,
        "pandas_version": pd.__version__,
        "numpy_version": np.__version__,
        "python_version": sys.version.split()[0],
    }
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"elapsed {t_end - _T0:.3f} s (import {_T_IMPORTED - _T0:.3f} s, load "
          f"{t_read - t_load:.3f} s, read {t_prepare - t_read:.3f} s, scoring "
          f"{t_auc - t_score:.3f} s, auc {t_end - t_auc:.3f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
