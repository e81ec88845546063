#!/usr/bin/env python3
"""Data and models for the tree-ensemble peer benchmark: one labelled CSV of phishing-URL
rows and 200-tree ONNX classifiers exported next to it.

The CSV, with a header line, columns in this order (those of
``tests/fixtures/pipeline/holdout.csv`` without ``region``)::

    label,url_length,domain_age_days,num_hyphens,num_subdomains,path_depth,has_ip_host,uses_https,num_dots
    1,89,12,2,1,4,0,1,3

- ``label``  0/1 (1 = phishing);
- the 8 features of ``tests/fixtures/pipeline/features.txt``, all integers (exact in
  float32), in the CSV order of the pipeline fixtures (``num_dots`` and
  ``domain_age_days`` swapped against the model's input order), so both tools match
  the columns by name.

Rows, features and labels come from the phishing generator of
``tests/oracles/pipeline_fixtures.py`` (``draw_features`` / ``draw_labels``, imported):
the models train on ``--train-rows`` (20,000) rows drawn with
``numpy.random.default_rng([seed, 0])``, the CSV holds ``--rows`` (100,000) other rows
drawn with ``default_rng([seed, 1])``.  The file depends only on ``--seed`` and
``--rows``; the models only on ``--seed``, ``--train-rows`` and the library versions.

Models (``--model-kind``, comma-separated; default ``random_forest,gradient_boosting``),
each written as ``<csv without .csv>.<kind>.onnx`` next to the CSV:

* ``random_forest``: sklearn ``RandomForestClassifier(n_estimators=200, max_depth=10,
  random_state=0, n_jobs=1)``;
* ``gradient_boosting``: sklearn ``GradientBoostingClassifier(n_estimators=200,
  max_depth=4, learning_rate=0.1, random_state=0)``;

both exported by ``skl2onnx.to_onnx(model, initial_types=[("input",
FloatTensorType([None, 8]))], options={id(model): {"zipmap": False}})``; and, as extras:

* ``xgboost``: ``xgboost.XGBClassifier(n_estimators=200, max_depth=4, learning_rate=0.1,
  tree_method="hist", n_jobs=1, random_state=0)``, ``onnxmltools.convert_xgboost(model,
  name="ONNX(XGBClassifier)", initial_types=[...])``;
* ``lightgbm``: ``lightgbm.LGBMClassifier(n_estimators=200, num_leaves=16, max_depth=4,
  learning_rate=0.1, n_jobs=1, random_state=0, deterministic=True, force_row_wise=True,
  verbose=-1)``, ``onnxmltools.convert_lightgbm(model, name="ONNX(LGBMClassifier)",
  initial_types=[...], zipmap=False)``.

The one change to the exported model: a ``metadata_props`` entry ``aigov.feature_names``
= the 8 names in input order, comma-separated, so ``aigov validate --model M.onnx`` needs
no ``--features``.  The script checks every export: onnxruntime's ``probabilities[:, 1]``
on the first 2,000 CSV rows against the library's ``predict_proba`` within 1e-5.  It
re-executes itself under ``PYTHONHASHSEED=0`` (skl2onnx orders the opset imports by
iterating a Python set, see ``pipeline_fixtures.py``) and runs OpenMP / BLAS on one
thread, so the same arguments and versions give byte-identical files.

A JSON summary goes to stdout and to ``<csv without .csv>.summary.json``: arguments, versions, the CSV (path, bytes, columns,
positives), and per model its path, sha256, bytes, estimator, ONNX tree / node / leaf
counts, training and export seconds and ``library_roc_auc`` (the library's own
``predict_proba`` on all CSV rows, for reference).

Usage::

    python benches/peers/trees_data.py --out /tmp/trees-100k/trees.csv     # 100,000 rows
    python benches/peers/trees_data.py --rows 2000 --out /tmp/trees-2k/trees.csv \\
        --model-kind random_forest,gradient_boosting,xgboost,lightgbm

Needs numpy, scikit-learn, skl2onnx, onnx, onnxruntime (and, for the pipeline fixtures'
imports, scipy and protobuf); xgboost, lightgbm and onnxmltools for those kinds.  Made with
the versions of ``tests/oracles/tree_fixtures.py`` (venv ``/tmp/treevenv``); other versions
run too (the summary records them) but give other models.  2.1 MB of CSV per 100,000 rows;
the whole script takes about 11 s for the two default models on the project's 2-core
machine at 100,000 rows (training 1.5 s for the forest and 3.4 s for the boosting on the
20,000 training rows; the rest is imports, the exports, the checks and ``predict_proba`` on
the CSV rows for ``library_roc_auc``).
"""

import os

# One OpenMP / BLAS thread (xgboost, lightgbm): fixed reduction order, and the builds sharing
# the machine keep their cores.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLES = os.path.normpath(os.path.join(HERE, "..", "..", "tests", "oracles"))
sys.path.insert(0, ORACLES)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime  # noqa: E402
import skl2onnx  # noqa: E402
import sklearn  # noqa: E402
from skl2onnx import to_onnx  # noqa: E402
from skl2onnx.common.data_types import FloatTensorType  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

import pipeline_fixtures as pf  # noqa: E402  (the phishing data generator)

FEATURES = list(pf.FEATURES)  # the model's input order (features.txt)
CSV_FEATURE_ORDER = list(pf.CSV_FEATURE_ORDER)
COLUMNS = ["label"] + CSV_FEATURE_ORDER
FEATURE_NAMES_KEY = "aigov.feature_names"
KINDS = ["random_forest", "gradient_boosting", "xgboost", "lightgbm"]
DEFAULT_KINDS = "random_forest,gradient_boosting"
N_CHECK = 2000
MAX_ABS_DIFF = 1e-5
INPUT_TYPE = [("input", FloatTensorType([None, len(FEATURES)]))]

ESTIMATORS = {
    "random_forest": "RandomForestClassifier(n_estimators=200, max_depth=10, random_state=0, "
                     "n_jobs=1)",
    "gradient_boosting": "GradientBoostingClassifier(n_estimators=200, max_depth=4, "
                         "learning_rate=0.1, random_state=0)",
    "xgboost": "XGBClassifier(n_estimators=200, max_depth=4, learning_rate=0.1, "
               "tree_method='hist', n_jobs=1, random_state=0)",
    "lightgbm": "LGBMClassifier(n_estimators=200, num_leaves=16, max_depth=4, "
                "learning_rate=0.1, n_jobs=1, random_state=0, deterministic=True, "
                "force_row_wise=True, verbose=-1)",
}


def model_path(csv_path, kind):
    """Where the model of `kind` goes: the CSV's path without ``.csv``, plus ``.<kind>.onnx``
    (compare_trees.sh derives it the same way)."""
    stem = csv_path[:-4] if csv_path.endswith(".csv") else csv_path
    return f"{stem}.{kind}.onnx"


def summary_path(csv_path):
    """Where the JSON summary goes: the CSV's path without ``.csv``, plus ``.summary.json``."""
    stem = csv_path[:-4] if csv_path.endswith(".csv") else csv_path
    return f"{stem}.summary.json"


def fit(kind, X, y):
    if kind == "random_forest":
        return RandomForestClassifier(n_estimators=200, max_depth=10, random_state=0,
                                      n_jobs=1).fit(X, y)
    if kind == "gradient_boosting":
        return GradientBoostingClassifier(n_estimators=200, max_depth=4, learning_rate=0.1,
                                          random_state=0).fit(X, y)
    if kind == "xgboost":
        import xgboost
        return xgboost.XGBClassifier(n_estimators=200, max_depth=4, learning_rate=0.1,
                                     tree_method="hist", n_jobs=1, random_state=0).fit(X, y)
    if kind == "lightgbm":
        import lightgbm
        return lightgbm.LGBMClassifier(n_estimators=200, num_leaves=16, max_depth=4,
                                       learning_rate=0.1, n_jobs=1, random_state=0,
                                       deterministic=True, force_row_wise=True,
                                       verbose=-1).fit(X, y)
    raise KeyError(kind)


def export(kind, model):
    if kind in ("random_forest", "gradient_boosting"):
        return to_onnx(model, initial_types=INPUT_TYPE, options={id(model): {"zipmap": False}})
    import onnxmltools
    from onnxmltools.convert.common.data_types import FloatTensorType as MLFloatTensorType
    ml_input = [("input", MLFloatTensorType([None, len(FEATURES)]))]
    # onnxmltools names the graph str(uuid4().hex) unless name= is given
    if kind == "xgboost":
        return onnxmltools.convert_xgboost(model, name="ONNX(XGBClassifier)",
                                           initial_types=ml_input)
    if kind == "lightgbm":
        return onnxmltools.convert_lightgbm(model, name="ONNX(LGBMClassifier)",
                                            initial_types=ml_input, zipmap=False)
    raise KeyError(kind)


def ort_positive(model_bytes, X):
    so = onnxruntime.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3  # LightGBM's declared label shape [1] warns on every run
    sess = onnxruntime.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    out = dict(zip(names, sess.run(None, {sess.get_inputs()[0].name:
                                          np.asarray(X, dtype=np.float32)})))
    return out["probabilities"][:, 1]


def tree_counts(m):
    nodes = [n for n in m.graph.node if n.domain == "ai.onnx.ml"
             and n.op_type in ("TreeEnsembleClassifier", "TreeEnsembleRegressor")]
    assert len(nodes) == 1, [n.op_type for n in m.graph.node]
    attrs = {a.name: a for a in nodes[0].attribute}
    modes = [s.decode() for s in attrs["nodes_modes"].strings]
    return {"op_type": nodes[0].op_type, "trees": len(set(attrs["nodes_treeids"].ints)),
            "nodes": len(modes), "leaves": sum(m == "LEAF" for m in modes)}


def write_csv(path, X, y):
    """label first, then the features in CSV_FEATURE_ORDER; integers; '\\n' endings."""
    order = [FEATURES.index(c) for c in CSV_FEATURE_ORDER]
    table = np.column_stack([y.astype(np.int64), X[:, order].astype(np.int64)])
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write((",".join(COLUMNS) + "\n").encode())
        np.savetxt(f, table, fmt="%d", delimiter=",", newline="\n")
    os.replace(tmp, path)


def main(argv=None) -> int:
    pf.pin_hash_seed()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output CSV file; models go next to it")
    ap.add_argument("--rows", type=int, default=100_000, help="CSV rows (100,000)")
    ap.add_argument("--train-rows", type=int, default=20_000, help="training rows (20,000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--model-kind", default=DEFAULT_KINDS,
                    help=f"comma-separated, of {', '.join(KINDS)} ({DEFAULT_KINDS})")
    args = ap.parse_args(argv)
    if args.rows < 1 or args.train_rows < 100:
        ap.error("--rows must be positive and --train-rows at least 100")
    if args.seed < 0:
        ap.error("--seed must be non-negative")
    kinds = [k.strip() for k in args.model_kind.split(",") if k.strip()]
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds or len(set(kinds)) != len(kinds):
        ap.error(f"--model-kind: expected distinct names of {', '.join(KINDS)}, "
                 f"got {args.model_kind!r}")

    t0 = time.perf_counter()
    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    rng = np.random.default_rng([args.seed, 0])
    X_train = pf.draw_features(rng, args.train_rows)
    y_train = pf.draw_labels(rng, X_train)
    rng = np.random.default_rng([args.seed, 1])
    X = pf.draw_features(rng, args.rows)
    y = pf.draw_labels(rng, X)
    write_csv(out, X, y)
    t_csv = time.perf_counter()

    versions = {"python": platform.python_version(), "numpy": np.__version__,
                "scikit-learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__,
                "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__}
    models = {}
    for kind in kinds:
        t_fit = time.perf_counter()
        model = fit(kind, X_train, y_train)
        assert list(model.classes_) == [0, 1]
        t_export = time.perf_counter()
        onx = export(kind, model)
        assert not any(p.key == FEATURE_NAMES_KEY for p in onx.metadata_props)
        onx.metadata_props.add(key=FEATURE_NAMES_KEY, value=",".join(FEATURES))
        data = onx.SerializeToString()
        t_check = time.perf_counter()
        n = min(N_CHECK, args.rows)
        diff = float(np.max(np.abs(ort_positive(data, X[:n]).astype(np.float64)
                                   - model.predict_proba(X[:n])[:, 1])))
        assert diff <= MAX_ABS_DIFF, f"{kind}: onnxruntime vs predict_proba differ by {diff}"
        library_auc = (float(roc_auc_score(y, model.predict_proba(X)[:, 1]))
                       if 0 < y.sum() < y.size else None)
        path = model_path(out, kind)
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
        if kind in ("xgboost", "lightgbm"):
            import onnxmltools
            lib = __import__(kind)
            versions[kind] = lib.__version__
            versions["onnxmltools"] = onnxmltools.__version__
        models[kind] = {
            "path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "estimator": ESTIMATORS[kind], **tree_counts(onx),
            "train_seconds": round(t_export - t_fit, 3),
            "export_seconds": round(t_check - t_export, 3),
            "max_abs_diff_onnxruntime_vs_library": diff,
            "library_roc_auc": library_auc,
        }
        print(f"{kind}: trained in {t_export - t_fit:.1f} s, {models[kind]['nodes']} nodes, "
              f"{len(data)} bytes -> {path}", file=sys.stderr)

    elapsed = time.perf_counter() - t0
    summary = {
        "rows": args.rows, "train_rows": args.train_rows, "seed": args.seed,
        "versions": versions,
        "out": out, "bytes": os.path.getsize(out), "columns": COLUMNS,
        "feature_names": FEATURES,
        "metadata_props": {FEATURE_NAMES_KEY: ",".join(FEATURES)},
        "positives": int(y.sum()), "prevalence": float(y.mean()),
        "train_positives": int(y_train.sum()),
        "generator": "tests/oracles/pipeline_fixtures.py draw_features / draw_labels; "
                     "training rows default_rng([seed, 0]), CSV rows default_rng([seed, 1])",
        "models": models,
        "csv_seconds": round(t_csv - t0, 3),
        "seconds": round(elapsed, 3),
    }
    text = json.dumps(summary, indent=1) + "\n"
    with open(summary_path(out), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    print(f"wrote {args.rows} rows to {out} and {len(models)} model(s) in {elapsed:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
