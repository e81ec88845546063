#!/usr/bin/env python3
"""Peer benchmark: Kernel SHAP for one row of an ONNX model with shap.KernelExplainer.

The Python peer of ``aigov explain --model M --background B --data D --row I --method kernel
--json``. What a data scientist would write with shap and onnxruntime:

1. ``onnxruntime.InferenceSession(M)`` on the CPU provider; the input name is the session's
   first input. The model function is ``f(X) = P(class 1)`` as float64 from a float32 batch:
   column 1 of the output named ``probabilities`` when the model has one (skl2onnx
   classifiers with ``zipmap=False``), else the first output (its column 1 when it is 2-D
   with two or more columns, else the values as they are);
2. ``pandas.read_csv`` the background and the data CSVs; the feature names are the data
   CSV's header, in order, and the background's columns are taken by those names;
3. ``shap.KernelExplainer(f, background)`` (the background as a float64 array, every row of
   it: no ``shap.kmeans`` summary), then ``explainer.shap_values(x, nsamples=N,
   l1_reg=False)`` for the row ``x = data[I]``. ``--nsamples auto`` (default) is shap's own
   ``2 * M + 2048`` (2,088 for 20 features) capped at ``2**M - 2``.

Timing: ``--warmup`` (1) untimed warm-up call of ``shap_values``, then ``--repeat`` (5) timed
calls; every call is preceded (outside the clock) by ``np.random.seed(--seed)``, so all calls
do the same work and give the same values. ``--warmup 0 --repeat 1`` makes the process do a
single explanation, as a one-off script would (``compare_explain.sh`` times that process from
outside). The clock covers ``shap_values`` alone: building the
explainer (which runs the model on the background once) is ``init_seconds``, loading the
session and the CSVs ``load_seconds``, and the imports of numpy, pandas, onnxruntime and shap
``import_seconds``.

``--spread-seeds K`` (0 = off) reruns the explanation, untimed, with ``np.random.seed(k)``
for k = 0..K-1 and reports each feature's standard deviation over those K runs (sample
standard deviation, ddof = 1) as ``values_std``: the sampling error of Kernel SHAP at this
``nsamples``, which ``compare_explain.sh`` uses to judge whether aigov's values differ from
shap's by more than sampling noise. With ``nsamples`` at or above ``2**M - 2`` shap
enumerates every coalition, and the spread is 0 up to rounding.

Prints one JSON object on stdout::

    {"prediction": f(x), "base_value": E[f(background)], "values": {feature: phi, ...},
     "nsamples": N, "explain_seconds_median": ..., "explain_seconds_runs": [...],
     "import_seconds": ..., "shap_version": "...", "onnxruntime_version": "...",
     ... and: "values_std" {feature: sd} | null, "spread_seeds", "sum_check" (prediction -
     base_value - sum(values), ~0 with l1_reg=False), "features", "row", "background_rows",
     "model", "input_name", "output_name", "output_column", "ort_threads", "seed", "repeat",
     "warmup",
     "init_seconds", "load_seconds", "numpy_version", "pandas_version", "python_version"}

(non-finite numbers as ``null``), and a one-line summary on stderr.

Usage::

    python benches/peers/explain_shap.py --model tests/fixtures/validation/onnx/logreg20.onnx \\
        --background tests/fixtures/validation/onnx/bench20_background.csv \\
        --data tests/fixtures/validation/onnx/bench20_rows.csv --row 0 \\
        [--nsamples auto|N] [--repeat R] [--warmup W] [--seed S] [--spread-seeds K] [--threads T]

``--threads`` sets onnxruntime's intra-op threads (0, default: onnxruntime's own choice).
Needs shap, onnxruntime, numpy and pandas (``pip install shap onnxruntime numpy pandas``).
"""

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import onnxruntime as ort  # noqa: E402
import shap  # noqa: E402

_T_IMPORTED = time.perf_counter()


def _num(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _scalar(v):
    """A shap base value or prediction as a float (first element of a 1-element array)."""
    a = np.asarray(v, dtype=np.float64).reshape(-1)
    return float(a[0]) if a.size else float("nan")


def make_model(path, threads):
    opts = ort.SessionOptions()
    if threads > 0:
        opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    outputs = [o.name for o in sess.get_outputs()]
    out_name = "probabilities" if "probabilities" in outputs else outputs[0]

    def f(X):
        X = np.ascontiguousarray(X, dtype=np.float32)
        y = np.asarray(sess.run([out_name], {inp.name: X})[0])
        if y.ndim == 2 and y.shape[1] >= 2:
            y = y[:, 1]
        return y.reshape(-1).astype(np.float64)

    # Which column f reads, for the record: 1 for a 2-D output of 2+ columns.
    shape = sess.get_outputs()[outputs.index(out_name)].shape
    column = 1 if (len(shape) == 2 and isinstance(shape[1], int) and shape[1] >= 2) else None
    return f, inp, out_name, column


def explain(explainer, x, nsamples, seed):
    np.random.seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vals = explainer.shap_values(x, nsamples=nsamples, l1_reg=False, silent=True)
    return vals


def flat_values(vals, m):
    a = np.asarray(vals, dtype=np.float64)
    if a.size != m:  # e.g. a list per output: keep the last output's values
        a = np.asarray(vals[-1] if isinstance(vals, list) else a[..., -1], dtype=np.float64)
    return a.reshape(-1)[:m]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="onnxruntime + shap.KernelExplainer for one row")
    ap.add_argument("--model", required=True, help="ONNX model (a binary classifier)")
    ap.add_argument("--background", required=True, help="background CSV with a header")
    ap.add_argument("--data", required=True, help="CSV with a header; its header names the features")
    ap.add_argument("--row", type=int, default=0, help="0-based row of --data to explain (0)")
    ap.add_argument("--nsamples", default="auto", help="coalitions to sample: auto or N (auto)")
    ap.add_argument("--repeat", type=int, default=5, help="timed explain calls (5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed calls before the timed ones (1)")
    ap.add_argument("--seed", type=int, default=0, help="np.random.seed before each call (0)")
    ap.add_argument("--spread-seeds", type=int, default=0,
                    help="rerun with seeds 0..K-1 and report per-feature std (0: off)")
    ap.add_argument("--threads", type=int, default=0,
                    help="onnxruntime intra-op threads (0: onnxruntime's default)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.warmup < 0:
        ap.error("--warmup must be non-negative")
    if args.spread_seeds < 0 or args.spread_seeds == 1:
        ap.error("--spread-seeds must be 0 (off) or at least 2")
    if args.nsamples == "auto":
        nsamples = "auto"
    else:
        try:
            nsamples = int(args.nsamples)
        except ValueError:
            ap.error(f"--nsamples must be auto or a positive integer, got {args.nsamples!r}")
        if nsamples < 1:
            ap.error("--nsamples must be positive")

    t_load = time.perf_counter()
    f, inp, out_name, out_col = make_model(args.model, args.threads)
    data = pd.read_csv(args.data)
    background = pd.read_csv(args.background)
    features = [str(c) for c in data.columns]
    missing = [c for c in features if c not in background.columns]
    if missing:
        sys.exit(f"explain_shap: background {args.background} lacks columns {missing}")
    width = inp.shape[1] if len(inp.shape) == 2 and isinstance(inp.shape[1], int) else None
    if width is not None and width != len(features):
        sys.exit(f"explain_shap: the model's input {inp.name!r} takes {width} features, "
                 f"{args.data} has {len(features)} columns")
    if not 0 <= args.row < len(data):
        sys.exit(f"explain_shap: --row {args.row} is outside 0..{len(data) - 1}")
    bg = background[features].to_numpy(dtype=np.float64)
    x = data[features].to_numpy(dtype=np.float64)[args.row:args.row + 1]
    m = len(features)

    t_init = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Using N background data samples could cause ..."
        explainer = shap.KernelExplainer(f, bg)
    t_init_end = time.perf_counter()

    for _ in range(args.warmup):  # untimed
        explain(explainer, x, nsamples, args.seed)
    runs = []
    vals = None
    for _ in range(args.repeat):
        np.random.seed(args.seed)
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vals = explainer.shap_values(x, nsamples=nsamples, l1_reg=False, silent=True)
        runs.append(time.perf_counter() - t)
    used_nsamples = int(explainer.nsamples)
    values = flat_values(vals, m)
    prediction = float(f(x)[0])
    base_value = _scalar(explainer.expected_value)

    values_std = None
    if args.spread_seeds:
        per_seed = np.stack([flat_values(explain(explainer, x, nsamples, k), m)
                             for k in range(args.spread_seeds)])
        values_std = {c: float(s) for c, s in zip(features, per_seed.std(axis=0, ddof=1))}

    med = statistics.median(runs)
    summary = {
        "prediction": _num(prediction),
        "base_value": _num(base_value),
        "values": {c: _num(v) for c, v in zip(features, values)},
        "nsamples": used_nsamples,
        "explain_seconds_median": med,
        "explain_seconds_runs": runs,
        "import_seconds": round(_T_IMPORTED - _T0, 4),
        "shap_version": shap.__version__,
        "onnxruntime_version": ort.__version__,
        "values_std": values_std,
        "spread_seeds": args.spread_seeds,
        "sum_check": _num(prediction - base_value - float(values.sum())),
        "features": features,
        "row": args.row,
        "background_rows": int(bg.shape[0]),
        "model": args.model,
        "input_name": inp.name,
        "output_name": out_name,
        "output_column": out_col,
        "ort_threads": args.threads,
        "seed": args.seed,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "nsamples_requested": args.nsamples,
        "init_seconds": round(t_init_end - t_init, 6),
        "load_seconds": round(t_init - t_load, 6),
        "numpy_version": np.__version__,
        "pandas_version": pd.__version__,
        "python_version": sys.version.split()[0],
    }
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    print(f"explain median {med * 1e3:.2f} ms over {args.repeat} (nsamples {used_nsamples}, "
          f"{bg.shape[0]} background rows, {m} features); imports {_T_IMPORTED - _T0:.2f} s, "
          f"explainer init {t_init_end - t_init:.4f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
