#!/usr/bin/env python3
"""Oracle fixtures for aigov's native ONNX tree-ensemble scorer and its TreeSHAP:
tree models exported to ONNX exactly as users export them, what onnxruntime
and the training library compute on 200 evaluation rows, the ONNX operator
attributes a scorer has to honour, and shap's TreeExplainer values.

Data: the phishing-URL data of ``tests/fixtures/pipeline/`` (8 integer
features, label 1 = phishing).  The training sample is the one
``pipeline_fixtures.py`` fits its logistic regression on (its own generator,
imported, ``SEED_TRAIN``, 5000 rows); the evaluation rows are the first 200
data rows of ``tests/fixtures/pipeline/holdout.csv`` (read back by column
name, asserted equal to the regenerated hold-out sample), the SHAP background
the next 100 (rows 200..299).  Every feature is an integer < 2^24, so exact in
float32, and every sklearn threshold (a midpoint of two integers) is exact in
float32 too.

Models (all binary classifiers trained on the same rows; labels 0/1):

* ``gradient_boosting.onnx``: sklearn ``GradientBoostingClassifier(
  n_estimators=50, max_depth=3, learning_rate=0.1, random_state=0)``,
  ``skl2onnx.to_onnx(model, initial_types=[("input", FloatTensorType([None,
  8]))], options={id(model): {"zipmap": False}})``;
* ``random_forest.onnx``: sklearn ``RandomForestClassifier(n_estimators=30,
  max_depth=8, random_state=0, n_jobs=1)``, same call;
* ``xgboost.onnx``: ``xgboost.XGBClassifier(n_estimators=50, max_depth=3,
  learning_rate=0.1, tree_method="hist", n_jobs=1, random_state=0)`` trained
  on the training rows with 5% of the feature cells set to NaN,
  ``onnxmltools.convert_xgboost(model, name="ONNX(XGBClassifier)",
  initial_types=[("input", FloatTensorType([None, 8]))])`` (its output is a
  tensor already; there is no zipmap option);
* ``lightgbm.onnx``: ``lightgbm.LGBMClassifier(n_estimators=50, num_leaves=8,
  max_depth=3, learning_rate=0.1, n_jobs=1, random_state=0,
  deterministic=True, force_row_wise=True, verbose=-1)`` on the same NaN
  training rows, ``onnxmltools.convert_lightgbm(model,
  name="ONNX(LGBMClassifier)", initial_types=[...], zipmap=False)``;
* ``gradient_boosting_regressor.onnx`` (the TreeEnsembleRegressor operator):
  sklearn ``GradientBoostingRegressor(n_estimators=50, max_depth=3,
  learning_rate=0.1, random_state=0)`` fitted to a continuous target, the
  true phishing log odds of ``pipeline_fixtures.latent_logit`` plus
  N(0, 0.5^2) noise (``SEED_REGRESSION_NOISE``), ``skl2onnx.to_onnx(model,
  initial_types=[...])``;
* sklearn ``HistGradientBoostingClassifier(max_iter=50, max_depth=3,
  random_state=0)`` (NaN training rows) does NOT export with these versions:
  skl2onnx 1.20 writes ``nodes_missing_value_tracks_true`` with a Python
  ``False`` for every leaf and protobuf 7 refuses a bool in a repeated int
  field.  The script asserts that failure and records the exact error and the
  diagnosis in ``expected.json`` (``hist_gradient_boosting``).

No file is post-processed: the bytes written are the converter's
``SerializeToString()``.  The one argument beyond what a user passes is
onnxmltools' ``name``: without it onnxmltools names the graph
``str(uuid4().hex)``, so every export differs; the name given is the one
``skl2onnx.to_onnx`` would choose (``"ONNX(<class name>)"``).

NaN injection: exactly 5% of the cells, chosen by
``default_rng(seed).choice(cells, k, replace=False)``: 2000 of the 40000
training cells (``SEED_MISSING_TRAIN``) and 120 of the 2400 cells of hold-out
rows 0..299 (``SEED_MISSING_HOLDOUT``), so the XGBoost / LightGBM evaluation
rows and SHAP background have NaNs too (JSON ``null``).

Checks (asserted):
* onnxruntime ``probabilities`` vs the library's ``predict_proba`` within
  1e-5 on all 200 rows (regressor: ``variable`` vs ``predict`` within 1e-5
  relative to max(1, |predict|), its predictions reaching -85),
  onnxruntime ``label`` equal to the library's ``predict``;
* a small numpy re-implementation of onnxruntime's TreeEnsemble semantics
  (``score_onnx`` below: float32 comparisons, NaN routing by
  ``nodes_missing_value_tracks_true``, float32 sums in tree order, base value
  last, onnxruntime's binary-classifier rules) reproduces every onnxruntime
  output within 1e-6 and every label;
* shap: the additivity residual (sum of SHAP values + expected value - raw
  model output) below 1e-5; the SHAP values equal, within 1e-5, the Shapley
  values computed here by brute force over all 256 feature subsets FROM THE
  ONNX FILE (the trees parsed from the ONNX attributes, plus the node covers
  recorded in ``treeshap.json`` for tree_path_dependent), which ties the
  covers to the ONNX node ids;
* byte determinism: everything is built twice in one process and compared;
  the script also re-executes itself under ``PYTHONHASHSEED=0`` because
  skl2onnx orders opset imports by iterating a Python set (see
  ``pipeline_fixtures.py``), and OpenMP / BLAS run one thread.

Made with: scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1, skl2onnx 1.20.0,
onnx 1.23.2, onnxruntime 1.32.0, protobuf 7.36.2, xgboost 3.2.0, lightgbm
4.7.0, onnxmltools 1.16.0, shap 0.51.0 (numba 0.68.1, llvmlite 0.50.0,
pandas 3.1.2) on CPython 3.11.7 (x86_64 Linux).  The script refuses to run with
other versions unless ``--any-version`` is given (the files would then change
and have to be re-reviewed).

How to run (from anywhere; keep the virtualenv OUTSIDE the repo; xgboost's
Linux wheel also pulls nvidia-nccl-cu12, which is only a download):

    python3.11 -m venv /tmp/treevenv
    /tmp/treevenv/bin/pip install scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1 \\
        skl2onnx==1.20.0 onnx==1.23.2 onnxruntime==1.32.0 protobuf==7.36.2 \\
        xgboost==3.2.0 lightgbm==4.7.0 onnxmltools==1.16.0 shap==0.51.0 \\
        numba==0.68.1
    /tmp/treevenv/bin/python -B tests/oracles/tree_fixtures.py

Outputs, in ``tests/fixtures/trees/`` (``README.md`` there is hand-written):
the five ``.onnx`` files, ``expected.json`` (versions, data, per model the
file's sha256, opset imports, inputs / outputs, tree-ensemble attributes,
onnxruntime outputs, native outputs, max differences; ``attributes_table``
sums the attributes up, ``onnxruntime_semantics`` states the scoring rules
checked by ``score_onnx``) and ``treeshap.json`` (shap values, expected
values, background, node covers, residuals).
JSON: sorted keys, indent=1, numeric arrays on one line, floats as shortest
round-trip repr (float32 results are written as the float64 of the float32,
so they are exact), NaN written as null.
"""

import os

# One OpenMP / BLAS thread (xgboost, lightgbm, numba): fixed reduction order.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import hashlib  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import google.protobuf  # noqa: E402
import lightgbm  # noqa: E402
import llvmlite  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxmltools  # noqa: E402
import onnxruntime  # noqa: E402
import pandas  # noqa: E402
import scipy  # noqa: E402
import shap  # noqa: E402
import skl2onnx  # noqa: E402
import sklearn  # noqa: E402
import xgboost  # noqa: E402
from onnx import helper  # noqa: E402
from onnxmltools.convert.common.data_types import FloatTensorType as MLFloatTensorType  # noqa: E402
from skl2onnx import to_onnx  # noqa: E402
from skl2onnx.common.data_types import FloatTensorType  # noqa: E402
from sklearn.ensemble import (GradientBoostingClassifier,  # noqa: E402
                              GradientBoostingRegressor,
                              HistGradientBoostingClassifier,
                              RandomForestClassifier)

import pipeline_fixtures as pf  # noqa: E402  (the phishing data generator)

EXPECTED_VERSIONS = {
    "scikit-learn": "1.9.1",
    "numpy": "2.4.6",
    "scipy": "1.17.1",
    "skl2onnx": "1.20.0",
    "onnx": "1.23.2",
    "onnxruntime": "1.32.0",
    "protobuf": "7.36.2",
    "xgboost": "3.2.0",
    "lightgbm": "4.7.0",
    "onnxmltools": "1.16.0",
    "shap": "0.51.0",
    "numba": "0.68.1",
}

OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "trees"))
GENERATOR = "tests/oracles/tree_fixtures.py"
HOLDOUT_CSV = "tests/fixtures/pipeline/holdout.csv"

FEATURES = list(pf.FEATURES)
N_FEATURES = len(FEATURES)
N_EVAL = 200
N_SHAP_ROWS = 20
BACKGROUND_ROWS = (200, 300)  # hold-out data rows [200, 300): the interventional background
MISSING_RATE = 0.05
SEED_MISSING_TRAIN = 20260801
SEED_MISSING_HOLDOUT = 20260802
SEED_REGRESSION_NOISE = 20260803
REGRESSION_NOISE_SD = 0.5

MAX_ABS_DIFF = 1e-5          # onnxruntime vs native library (regressor: relative, see below)
MAX_REFERENCE_DIFF = 1e-6    # onnxruntime vs score_onnx (this script's re-implementation)
MAX_SHAP_DIFF = 1e-5         # shap vs brute force from the ONNX trees; additivity residual
MAX_TOTAL_BYTES = 3_000_000

INPUT_TYPE = [("input", FloatTensorType([None, N_FEATURES]))]
ML_INPUT_TYPE = [("input", MLFloatTensorType([None, N_FEATURES]))]
# onnxmltools names the graph str(uuid4().hex) unless name= is given (skl2onnx.to_onnx
# defaults to "ONNX(<class name>)"); the same style here keeps the bytes reproducible
XGB_GRAPH_NAME = "ONNX(XGBClassifier)"
LGBM_GRAPH_NAME = "ONNX(LGBMClassifier)"


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------

def inject_missing(X, seed):
    """A copy of X with exactly round(MISSING_RATE * X.size) cells set to NaN,
    chosen without replacement by default_rng(seed); also the sorted [row, col] list."""
    k = int(round(MISSING_RATE * X.size))
    cells = np.sort(np.random.default_rng(seed).choice(X.size, size=k, replace=False))
    Xm = X.copy()
    Xm.flat[cells] = np.nan
    return Xm, [[int(c // X.shape[1]), int(c % X.shape[1])] for c in cells]


def load_data():
    rng = np.random.default_rng(pf.SEED_TRAIN)
    X_train = pf.draw_features(rng, pf.N_TRAIN)
    y_train = pf.draw_labels(rng, X_train)
    rng = np.random.default_rng(pf.SEED_HOLDOUT)
    X_hold = pf.draw_features(rng, pf.N_HOLDOUT)
    y_hold = pf.draw_labels(rng, X_hold)
    Xh, yh, _ = pf.read_csv_by_name("holdout.csv")  # tests/fixtures/pipeline/holdout.csv
    assert np.array_equal(Xh, X_hold) and np.array_equal(yh, y_hold), \
        "holdout.csv is not pipeline_fixtures' hold-out sample"
    X_train_m, train_cells = inject_missing(X_train, SEED_MISSING_TRAIN)
    X_h300_m, hold_cells = inject_missing(Xh[:BACKGROUND_ROWS[1]], SEED_MISSING_HOLDOUT)
    noise = np.random.default_rng(SEED_REGRESSION_NOISE).normal(0.0, REGRESSION_NOISE_SD,
                                                                  X_train.shape[0])
    t_train = pf.latent_logit(X_train) + noise
    X_eval_m = X_h300_m[:N_EVAL]
    assert np.all(np.isnan(X_eval_m).sum(axis=0) > 0), "every feature has a NaN in the eval rows"
    assert np.isnan(X_eval_m[:N_SHAP_ROWS]).any()
    return {
        "X_train": X_train, "y_train": y_train, "X_train_m": X_train_m,
        "train_cells": train_cells, "t_train": t_train,
        "X_eval": Xh[:N_EVAL], "y_eval": yh[:N_EVAL], "X_eval_m": X_eval_m,
        "X_bg": Xh[BACKGROUND_ROWS[0]:BACKGROUND_ROWS[1]],
        "X_bg_m": X_h300_m[BACKGROUND_ROWS[0]:BACKGROUND_ROWS[1]],
        "hold_cells": hold_cells,
    }


# --------------------------------------------------------------------------
# ONNX: description, attributes, and a re-implementation of the scorer
# --------------------------------------------------------------------------

def attr_dict(node):
    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, list):
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        out[a.name] = v
    return out


def tree_node(model):
    nodes = [n for n in model.graph.node if n.domain == "ai.onnx.ml"
             and n.op_type in ("TreeEnsembleClassifier", "TreeEnsembleRegressor")]
    assert len(nodes) == 1, [n.op_type for n in model.graph.node]
    return nodes[0]


def parse_trees(node):
    """Per tree (in ascending tree id): node id -> local index maps and arrays."""
    a = attr_dict(node)
    cls = node.op_type == "TreeEnsembleClassifier"
    prefix = "class" if cls else "target"
    tids = np.array(a["nodes_treeids"])
    nids = np.array(a["nodes_nodeids"])
    miss = np.array(a.get("nodes_missing_value_tracks_true", [0] * len(tids)))
    vals = np.array(a["nodes_values"], dtype=np.float32)
    trees = []
    for t in sorted(set(tids.tolist())):
        sel = np.flatnonzero(tids == t)
        ids = nids[sel].tolist()
        pos = {nid: i for i, nid in enumerate(ids)}
        n = len(ids)
        modes = [a["nodes_modes"][j] for j in sel]
        is_leaf = np.array([m == "LEAF" for m in modes])
        true_i = np.array([pos[a["nodes_truenodeids"][j]] if not is_leaf[i] else i
                           for i, j in enumerate(sel)])
        false_i = np.array([pos[a["nodes_falsenodeids"][j]] if not is_leaf[i] else i
                            for i, j in enumerate(sel)])
        leaf_w = np.zeros(n, dtype=np.float32)
        has_w = np.zeros(n, dtype=bool)
        for tt, nn, cid, w in zip(a[f"{prefix}_treeids"], a[f"{prefix}_nodeids"],
                                  a[f"{prefix}_ids"], a[f"{prefix}_weights"]):
            if tt == t:
                assert cid == 0 and not has_w[pos[nn]], "one weight column, one weight per leaf"
                leaf_w[pos[nn]] = np.float32(w)
                has_w[pos[nn]] = True
        assert np.array_equal(has_w, is_leaf)
        trees.append({"ids": ids, "modes": modes, "is_leaf": is_leaf,
                      "feature": np.array([a["nodes_featureids"][j] for j in sel]),
                      "threshold": vals[sel], "missing_true": miss[sel] != 0,
                      "true": true_i, "false": false_i, "leaf_w": leaf_w,
                      "root": pos[0]})
    return trees


def go_true(mode, x, t):
    """The branch condition of one ONNX node mode, on float32 values."""
    return {"BRANCH_LEQ": x <= t, "BRANCH_LT": x < t, "BRANCH_GTE": x >= t,
            "BRANCH_GT": x > t, "BRANCH_EQ": x == t, "BRANCH_NEQ": x != t}[mode]


def leaf_indices(tree, X32):
    """Vectorised traversal: the leaf each row reaches (float32 comparisons; a NaN
    goes to the true child iff nodes_missing_value_tracks_true, else the false one,
    since every comparison with NaN is false)."""
    rows = np.arange(X32.shape[0])
    idx = np.full(X32.shape[0], tree["root"])
    mode_codes = {m: i for i, m in enumerate(sorted(set(tree["modes"])))}
    code = np.array([mode_codes[m] for m in tree["modes"]])
    while True:
        active = ~tree["is_leaf"][idx]
        if not active.any():
            return idx
        x = X32[rows, tree["feature"][idx]]
        t = tree["threshold"][idx]
        cond = np.zeros(idx.shape, dtype=bool)
        for m, c in mode_codes.items():
            if m != "LEAF":
                sel = code[idx] == c
                cond[sel] = go_true(m, x[sel], t[sel])
        cond |= tree["missing_true"][idx] & np.isnan(x)
        idx = np.where(active, np.where(cond, tree["true"][idx], tree["false"][idx]), idx)


def raw_scores(trees, base, X, dtype):
    """Sum of the leaf weights in tree order, base value added last.  dtype float32
    is onnxruntime's accumulation for a float input; float64 is used for SHAP."""
    X32 = np.asarray(X, dtype=np.float32)
    s = np.zeros(X32.shape[0], dtype=dtype)
    for tree in trees:
        s = (s + tree["leaf_w"][leaf_indices(tree, X32)].astype(dtype)).astype(dtype)
    if base is not None:
        s = (s + dtype(base)).astype(dtype)
    return s


def logistic32(v):
    """onnxruntime's ComputeLogistic in float32: 1 / (1 + exp(-|v|)), mirrored for v < 0."""
    v = v.astype(np.float32)
    p = (np.float32(1) / (np.float32(1) + np.exp(-np.abs(v)))).astype(np.float32)
    return np.where(v < 0, np.float32(1) - p, p).astype(np.float32)


def score_onnx(model):
    """What onnxruntime 1.32 computes for these single-TreeEnsemble graphs (binary
    classifier with one weight column, or a one-target regressor), returned as a
    function of the rows: dict output name -> array."""
    node = tree_node(model)
    a = attr_dict(node)
    trees = parse_trees(node)
    base_values = a.get("base_values", [])
    assert len(base_values) <= 1
    base = base_values[0] if base_values else None
    post = a.get("post_transform", "NONE")
    assert a.get("aggregate_function", "SUM") == "SUM"
    outputs = [o.name for o in model.graph.output]

    def run(X):
        s = raw_scores(trees, base, X, np.float32)
        if node.op_type == "TreeEnsembleRegressor":
            assert post == "NONE"
            return {outputs[0]: s.reshape(-1, 1)}
        labels = a["classlabels_int64s"]
        assert len(labels) == 2 and set(a["class_ids"]) == {0}, "binary, one weight column"
        if all(w >= 0 for w in a["class_weights"]):
            # "weights are all positive": the score is P(class 1); no post transform
            label = np.where(s > 0.5, labels[1], labels[0])
            proba = np.stack([np.float32(1) - s, s], axis=1)
        else:
            label = np.where(s > 0, labels[1], labels[0])
            if post == "LOGISTIC":
                proba = np.stack([logistic32(-s), logistic32(s)], axis=1)
            else:
                assert post == "NONE"
                proba = np.stack([-s, s], axis=1)
        out = {"label": label.astype(np.int64), "probabilities": proba.astype(np.float32)}
        return {name: out[key] for name, key in zip(outputs, ("label", "probabilities"))}
    return run


def tree_depth(tree):
    depth = {tree["root"]: 0}
    stack = [tree["root"]]
    while stack:
        i = stack.pop()
        if not tree["is_leaf"][i]:
            for c in (tree["true"][i], tree["false"][i]):
                depth[c] = depth[i] + 1
                stack.append(c)
    return max(depth.values())


def ensemble_attributes(model):
    """The TreeEnsemble attributes that matter to a scorer."""
    node = tree_node(model)
    a = attr_dict(node)
    trees = parse_trees(node)
    cls = node.op_type == "TreeEnsembleClassifier"
    prefix = "class" if cls else "target"
    modes = a["nodes_modes"]
    miss = a.get("nodes_missing_value_tracks_true")
    weights = a[f"{prefix}_weights"]
    out = {
        "op_type": node.op_type,
        "domain": node.domain,
        "attribute_names": sorted(a),
        "post_transform": a.get("post_transform"),
        "post_transform_present": "post_transform" in a,
        "aggregate_function": a.get("aggregate_function"),
        "base_values": [float(v) for v in a["base_values"]] if "base_values" in a else None,
        "base_values_as_tensor_present": "base_values_as_tensor" in a,
        "nodes_values_as_tensor_present": "nodes_values_as_tensor" in a,
        "nodes_missing_value_tracks_true": {
            "present": miss is not None,
            "length": len(miss) if miss is not None else 0,
            "nonzero": int(sum(1 for v in miss if v)) if miss is not None else 0,
            "nonzero_on_branch_nodes": int(sum(1 for v, m in zip(miss, modes)
                                               if v and m != "LEAF")) if miss else 0,
        },
        "node_modes": {m: modes.count(m) for m in sorted(set(modes))},
        "nodes_hitrates_distinct": sorted({float(v) for v in a.get("nodes_hitrates", [])}),
        "n_trees": len(trees),
        "n_nodes": len(modes),
        "n_leaves": modes.count("LEAF"),
        "max_depth": max(tree_depth(t) for t in trees),
        "node_ids_are_0_to_n_minus_1_per_tree": all(t["ids"] == list(range(len(t["ids"])))
                                                   for t in trees),
        "features_used": sorted({int(f) for t in trees
                                 for f, leaf in zip(t["feature"], t["is_leaf"]) if not leaf}),
        "weights_distinct_target_or_class_ids": sorted(set(a[f"{prefix}_ids"])),
        "weights_all_nonnegative": bool(all(w >= 0 for w in weights)),
        "n_weights": len(weights),
    }
    if cls:
        out["classlabels_int64s"] = a.get("classlabels_int64s")
        out["classlabels_strings"] = a.get("classlabels_strings")
        out["binary_case_one_weight_column"] = (len(a.get("classlabels_int64s", [])) == 2
                                                and set(a["class_ids"]) == {0})
    else:
        out["n_targets"] = a.get("n_targets")
    return out


def ort_session(model_bytes):
    so = onnxruntime.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3  # LightGBM's declared label shape [1] warns on every run
    return onnxruntime.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])


def ort_run(sess, X):
    names = [o.name for o in sess.get_outputs()]
    res = sess.run(None, {sess.get_inputs()[0].name: np.asarray(X, dtype=np.float32)})
    return dict(zip(names, res))


def checker(model_bytes):
    try:
        onnx.checker.check_model(onnx.load_from_string(model_bytes), full_check=True)
        return "passes onnx.checker.check_model(full_check=True)"
    except Exception as e:  # recorded, not fatal
        return f"onnx.checker: {type(e).__name__}: {e}"


# --------------------------------------------------------------------------
# writing helpers
# --------------------------------------------------------------------------

def num(v):
    v = float(v)
    return None if math.isnan(v) else v


def rows_json(X):
    return [[num(v) for v in r] for r in np.asarray(X, dtype=np.float64)]


def out_json(arr):
    arr = np.asarray(arr)
    if arr.dtype.kind in "iu":
        return [int(v) for v in arr.ravel()] if arr.ndim == 1 else [[int(v) for v in r]
                                                                     for r in arr]
    arr = arr.astype(np.float64)
    return [num(v) for v in arr] if arr.ndim == 1 else rows_json(arr)


def sha256_hex(b):
    return hashlib.sha256(b).hexdigest()


# --------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------

def fit_models(d):
    gb = GradientBoostingClassifier(n_estimators=50, max_depth=3, learning_rate=0.1,
                                    random_state=0).fit(d["X_train"], d["y_train"])
    rf = RandomForestClassifier(n_estimators=30, max_depth=8, random_state=0,
                                n_jobs=1).fit(d["X_train"], d["y_train"])
    xgb = xgboost.XGBClassifier(n_estimators=50, max_depth=3, learning_rate=0.1,
                                tree_method="hist", n_jobs=1, random_state=0)
    xgb.fit(d["X_train_m"], d["y_train"])
    lgbm = lightgbm.LGBMClassifier(n_estimators=50, num_leaves=8, max_depth=3,
                                   learning_rate=0.1, n_jobs=1, random_state=0,
                                   deterministic=True, force_row_wise=True, verbose=-1)
    lgbm.fit(d["X_train_m"], d["y_train"])
    gbr = GradientBoostingRegressor(n_estimators=50, max_depth=3, learning_rate=0.1,
                                    random_state=0).fit(d["X_train"], d["t_train"])
    hgb = HistGradientBoostingClassifier(max_iter=50, max_depth=3, random_state=0)
    hgb.fit(d["X_train_m"], d["y_train"])
    for m in (gb, rf, xgb, lgbm, hgb):
        assert list(m.classes_) == [0, 1]
    return {"gb": gb, "rf": rf, "xgb": xgb, "lgbm": lgbm, "gbr": gbr, "hgb": hgb}


SPECS = [
    # key, file, library, estimator text, converter call, missing values?
    ("gradient_boosting", "gb", "gradient_boosting.onnx", "scikit-learn",
     "GradientBoostingClassifier(n_estimators=50, max_depth=3, learning_rate=0.1, "
     "random_state=0)",
     "skl2onnx.to_onnx(model, initial_types=[('input', FloatTensorType([None, 8]))], "
     "options={id(model): {'zipmap': False}})", False),
    ("random_forest", "rf", "random_forest.onnx", "scikit-learn",
     "RandomForestClassifier(n_estimators=30, max_depth=8, random_state=0, n_jobs=1)",
     "skl2onnx.to_onnx(model, initial_types=[('input', FloatTensorType([None, 8]))], "
     "options={id(model): {'zipmap': False}})", False),
    ("xgboost", "xgb", "xgboost.onnx", "xgboost",
     "XGBClassifier(n_estimators=50, max_depth=3, learning_rate=0.1, tree_method='hist', "
     "n_jobs=1, random_state=0)",
     "onnxmltools.convert_xgboost(model, name='ONNX(XGBClassifier)', initial_types=[("
     "'input', FloatTensorType([None, 8]))])  (no zipmap option; the output is a tensor)",
     True),
    ("lightgbm", "lgbm", "lightgbm.onnx", "lightgbm",
     "LGBMClassifier(n_estimators=50, num_leaves=8, max_depth=3, learning_rate=0.1, "
     "n_jobs=1, random_state=0, deterministic=True, force_row_wise=True, verbose=-1)",
     "onnxmltools.convert_lightgbm(model, name='ONNX(LGBMClassifier)', initial_types=[("
     "'input', FloatTensorType([None, 8]))], zipmap=False)", True),
    ("gradient_boosting_regressor", "gbr", "gradient_boosting_regressor.onnx", "scikit-learn",
     "GradientBoostingRegressor(n_estimators=50, max_depth=3, learning_rate=0.1, "
     "random_state=0)",
     "skl2onnx.to_onnx(model, initial_types=[('input', FloatTensorType([None, 8]))])",
     False),
]


def export(key, m):
    if key in ("gb", "rf"):
        return to_onnx(m, initial_types=INPUT_TYPE, options={id(m): {"zipmap": False}})
    if key == "gbr":
        return to_onnx(m, initial_types=INPUT_TYPE)
    if key == "xgb":
        return onnxmltools.convert_xgboost(m, name=XGB_GRAPH_NAME, initial_types=ML_INPUT_TYPE)
    if key == "lgbm":
        return onnxmltools.convert_lightgbm(m, name=LGBM_GRAPH_NAME, initial_types=ML_INPUT_TYPE,
                                            zipmap=False)
    raise KeyError(key)


def native_outputs(key, m, X):
    if key == "gbr":
        return {"predict": m.predict(X)}
    out = {"predict_proba": m.predict_proba(X), "predict": m.predict(X)}
    if key == "gb":
        out["decision_function"] = m.decision_function(X)
    elif key == "xgb":
        out["predict_output_margin"] = m.predict(X, output_margin=True)
    elif key == "lgbm":
        out["predict_raw_score"] = m.predict(X, raw_score=True)
    return out


def hgb_export_error(hgb):
    """skl2onnx 1.20 + protobuf 7 cannot export HistGradientBoostingClassifier."""
    try:
        to_onnx(hgb, initial_types=INPUT_TYPE, options={id(hgb): {"zipmap": False}})
    except ValueError as e:
        error_type = type(e).__name__
        cause = e.__cause__
        msg = str(e)
        first = msg.split(" and attributes=")[0]
        assert first == ("Unable to create node 'TreeEnsembleClassifier' with "
                         "name='TreeEnsembleClassifier'"), first
        assert isinstance(cause, TypeError), type(cause)
    else:
        raise AssertionError("skl2onnx now exports HistGradientBoostingClassifier: "
                             "add it to the fixtures")
    # the diagnosis: a Python bool in a repeated int attribute is what protobuf 7 refuses
    try:
        helper.make_attribute("nodes_missing_value_tracks_true", [0, False])
        bool_refused = None
    except TypeError as e2:
        bool_refused = str(e2)
    assert bool_refused == str(cause), (bool_refused, str(cause))
    helper.make_attribute("nodes_missing_value_tracks_true", [0, np.uint8(1)])  # accepted
    return {
        "exported": False,
        "estimator": "HistGradientBoostingClassifier(max_iter=50, max_depth=3, "
                     "random_state=0), fitted on the training rows with NaNs",
        "call": "skl2onnx.to_onnx(model, initial_types=[('input', FloatTensorType([None, "
                "8]))], options={id(model): {'zipmap': False}})",
        "error_type": error_type,
        "error_message_start": first + " and attributes={...}. (the message then lists "
                                       "every attribute value)",
        "cause_type": type(cause).__name__,
        "cause_message": str(cause),
        "diagnosis": "skl2onnx 1.20 (common/tree_ensemble.py, "
                     "add_tree_to_attribute_pairs_hist_gradient_boosting) gives every leaf "
                     "nodes_missing_value_tracks_true=False, a Python bool, and protobuf "
                     f"{google.protobuf.__version__} refuses bools in a repeated int64 field: "
                     "onnx.helper.make_attribute('nodes_missing_value_tracks_true', [0, "
                     "False]) raises the same TypeError here (asserted), while [0, "
                     "numpy.uint8(1)] is accepted. GradientBoosting / RandomForest use a "
                     "different code path and export.",
    }


# --------------------------------------------------------------------------
# SHAP
# --------------------------------------------------------------------------

SUBSETS = np.array([[(s >> f) & 1 for f in range(N_FEATURES)]
                    for s in range(1 << N_FEATURES)], dtype=bool)
SUBSET_SIZE = SUBSETS.sum(axis=1)


def shapley_from_values(v):
    """phi_i = sum_{S not containing i} |S|!(M-|S|-1)!/M! (v(S u {i}) - v(S)), v indexed
    by the bitmask of S."""
    M = N_FEATURES
    phi = np.zeros(M)
    for i in range(M):
        for s in range(1 << M):
            if not (s >> i) & 1:
                k = SUBSET_SIZE[s]
                w = math.factorial(k) * math.factorial(M - k - 1) / math.factorial(M)
                phi[i] += w * (v[s | (1 << i)] - v[s])
    return phi


def path_dependent_values(trees, covers, base, x):
    """v(S) for all 256 S: E[f(x) | x_S] under the trees' cover distribution (the
    EXPVALUE recursion of Lundberg et al.), from the ONNX trees; the weight of a
    child is cover[child] / cover[node], as in shap."""
    x32 = np.asarray(x, dtype=np.float32)
    total = np.full(1 << N_FEATURES, 0.0 if base is None else float(base))
    for tree, cov in zip(trees, covers):
        def rec(i):
            if tree["is_leaf"][i]:
                return np.full(1 << N_FEATURES, float(tree["leaf_w"][i]))
            f = tree["feature"][i]
            ti, fi = tree["true"][i], tree["false"][i]
            vt, vf = rec(ti), rec(fi)
            xv = x32[f]
            if np.isnan(xv):
                follow = vt if tree["missing_true"][i] else vf
            else:
                follow = vt if go_true(tree["modes"][i], xv, tree["threshold"][i]) else vf
            avg = (cov[ti] * vt + cov[fi] * vf) / cov[i]
            return np.where(SUBSETS[:, f], follow, avg)
        total = total + rec(tree["root"])
    return total


def interventional_values(trees, base, x, background):
    """v(S) for all 256 S: mean over background rows b of f(x_S, b_notS), f = the ONNX
    trees' raw score (float64 sum of the float32 leaf weights)."""
    B = background.shape[0]
    Z = np.where(SUBSETS[:, None, :], x[None, None, :], background[None, :, :])
    s = raw_scores(trees, base, Z.reshape(-1, N_FEATURES), np.float64)
    return s.reshape(1 << N_FEATURES, B).mean(axis=1)


def shap_covers(explainer, trees):
    """shap's node covers, re-indexed to the ONNX node ids.  The two trees are walked
    together from the root (ONNX true child <-> shap left child), checking features,
    thresholds and NaN routing node for node: skl2onnx keeps sklearn's node ids, but
    onnxmltools renumbers XGBoost's nodes depth first, so the ids differ there.
    Returns (covers per tree in ONNX local order, whether every ONNX id equals shap's)."""
    covers = []
    same_ids = True
    assert len(explainer.model.trees) == len(trees)
    for st, ot in zip(explainer.model.trees, trees):
        n = len(ot["ids"])
        assert len(st.children_left) == n
        cov = np.full(n, np.nan)
        stack = [(ot["root"], 0)]
        while stack:
            i, nid = stack.pop()
            same_ids = same_ids and bool(ot["ids"][i] == nid)
            leaf = st.children_left[nid] < 0
            assert leaf == bool(ot["is_leaf"][i]), nid
            assert np.isnan(cov[i])
            cov[i] = st.node_sample_weight[nid]
            if leaf:
                # the last column: P(class 1) / n_trees for the forest, else the only one
                assert abs(float(ot["leaf_w"][i]) - st.values[nid, -1]) <= 1e-6, nid
                continue
            assert st.features[nid] == ot["feature"][i]
            t = np.float32(ot["threshold"][i])
            left, right = st.children_left[nid], st.children_right[nid]
            if ot["modes"][i] == "BRANCH_LEQ":
                assert np.float32(st.thresholds[nid]) == t
            else:  # shap turns xgboost's x < t into x <= nextafter(t, -inf)
                assert ot["modes"][i] == "BRANCH_LT"
                assert np.float32(st.thresholds[nid]) == np.nextafter(t, np.float32(-np.inf))
                want = left if ot["missing_true"][i] else right
                assert st.children_default[nid] == want, nid
            stack.append((ot["true"][i], left))
            stack.append((ot["false"][i], right))
        assert not np.isnan(cov).any()
        for i in range(n):
            if not ot["is_leaf"][i]:
                s = cov[ot["true"][i]] + cov[ot["false"][i]]
                assert abs(s - cov[i]) <= 1e-4 * cov[i], (s, cov[i])
        assert sorted(ot["ids"]) == list(range(n)), "node ids 0..n-1 within each tree"
        covers.append(cov)
    return covers, same_ids


SHAP_SPECS = [
    # key, model key, raw output meaning, class index of shap's output (None = one output)
    ("gradient_boosting", "gb", "log-odds: GradientBoostingClassifier.decision_function",
     None),
    ("random_forest", "rf", "P(class 1): RandomForestClassifier.predict_proba[:, 1] (shap "
     "returns both classes; class 1 is recorded)", 1),
    ("xgboost", "xgb", "log-odds: XGBClassifier.predict(X, output_margin=True) (float32)",
     None),
]


def raw_native(key, m, X):
    if key == "gb":
        return m.decision_function(X)
    if key == "rf":
        return m.predict_proba(X)[:, 1]
    return m.predict(X, output_margin=True).astype(np.float64)


def shap_section(d, models, onnx_models):
    out = {}
    for name, key, meaning, cls in SHAP_SPECS:
        m = models[key]
        missing = key == "xgb"
        X = (d["X_eval_m"] if missing else d["X_eval"])[:N_SHAP_ROWS]
        bg = d["X_bg_m"] if missing else d["X_bg"]
        node = tree_node(onnx_models[key])
        trees = parse_trees(node)
        a = attr_dict(node)
        base = a["base_values"][0] if "base_values" in a else None
        raw = raw_native(key, m, X)
        entry = {"onnx_file": f"{name}.onnx", "model_output": "raw", "raw_output": meaning,
                 "rows": "evaluation rows 0..19 (" + ("rows_with_missing" if missing
                                                      else "rows") + ")",
                 "raw_output_native": [float(v) for v in raw]}
        for fp in ("tree_path_dependent", "interventional"):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                if fp == "tree_path_dependent":
                    ex = shap.TreeExplainer(m, feature_perturbation=fp, model_output="raw")
                else:
                    ex = shap.TreeExplainer(m, data=bg, feature_perturbation=fp,
                                            model_output="raw")
                sv = np.asarray(ex.shap_values(X, check_additivity=True))
            ev = np.ravel(np.asarray(ex.expected_value, dtype=np.float64))
            if cls is not None:
                assert sv.shape == (N_SHAP_ROWS, N_FEATURES, 2), sv.shape
                sv, ev = sv[:, :, cls], float(ev[cls])
            else:
                assert sv.shape == (N_SHAP_ROWS, N_FEATURES), sv.shape
                assert ev.size == 1
                ev = float(ev[0])
            sv = sv.astype(np.float64)
            resid = sv.sum(axis=1) + ev - raw
            max_resid = float(np.max(np.abs(resid)))
            assert max_resid < MAX_SHAP_DIFF, (name, fp, max_resid)
            # brute force over all subsets, from the ONNX trees
            if fp == "tree_path_dependent":
                covers, same_ids = shap_covers(ex, trees)
                vals = [path_dependent_values(trees, covers, base, x) for x in X]
            else:
                vals = [interventional_values(trees, base, x, bg) for x in X]
            brute = np.array([shapley_from_values(v) for v in vals])
            brute_ev = float(np.mean([v[0] for v in vals]))
            diff = float(np.max(np.abs(brute - sv)))
            ev_diff = abs(brute_ev - ev)
            assert diff < MAX_SHAP_DIFF and ev_diff < MAX_SHAP_DIFF, (name, fp, diff, ev_diff)
            rec = {
                "expected_value": ev,
                "shap_values": rows_json(sv),
                "additivity_residual": [float(v) for v in resid],
                "max_abs_additivity_residual": max_resid,
                "brute_force_from_onnx_max_abs_diff": diff,
                "brute_force_from_onnx_expected_value_abs_diff": ev_diff,
                "call": (f"shap.TreeExplainer(model, feature_perturbation='{fp}', "
                         "model_output='raw')" if fp == "tree_path_dependent" else
                         "shap.TreeExplainer(model, data=background, feature_perturbation="
                         "'interventional', model_output='raw')")
                + ".shap_values(rows, check_additivity=True)",
            }
            if fp == "interventional":
                rec["background"] = ("background.rows_with_missing" if missing
                                     else "background.rows")
            else:
                rec["node_covers"] = {
                    "source": ("shap's TreeExplainer(model).model.trees[t].node_sample_weight"
                               + (" (xgboost's cover, the hessian sum)" if key == "xgb" else
                                  " (sklearn tree_.weighted_n_node_samples)")),
                    "indexing": "covers[t][i] is the cover of the node with nodes_treeids "
                                "== t and nodes_nodeids == i in the ONNX file (matched by "
                                "walking shap's tree and the ONNX tree together; asserted: "
                                "same features, thresholds, leaf values and NaN routing)",
                    "onnx_node_ids_equal_library_node_ids": same_ids,
                    "covers": [[float(cov[tree["ids"].index(nid)])
                                for nid in range(len(tree["ids"]))]
                               for tree, cov in zip(trees, covers)],
                }
            entry[fp] = rec
            print(f"  shap {name:18s} {fp:20s} E={ev:+.6f} max|additivity|={max_resid:.2e}"
                  f"  max|shap - brute force from ONNX|={diff:.2e}")
        out[name] = entry
    return out


# --------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------

def build(got):
    """Everything, in memory: file name -> bytes, plus a summary for printing."""
    d = load_data()
    models = fit_models(d)
    files = {}
    onnx_models = {}
    model_docs = {}
    summary = []
    for name, key, fname, library, estimator, call, missing in SPECS:
        m = models[key]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            onx = export(key, m)
        b = onx.SerializeToString()
        files[fname] = b
        onnx_models[key] = onnx.load_from_string(b)
        X = d["X_eval_m"] if missing else d["X_eval"]
        sess = ort_session(b)
        ort = ort_run(sess, X)
        nat = native_outputs(key, m, X)
        ref = score_onnx(onnx_models[key])(X)
        desc = describe_bytes(b)
        declared = {o["name"]: o["shape"] for o in desc["outputs"]}
        actual = {k: list(v.shape) for k, v in ort.items()}
        rec = {
            "file": fname, "sha256": sha256_hex(b), "size_bytes": len(b),
            "library": library, "estimator": estimator, "converter_call": call,
            "trained_on": "train_with_missing" if missing else "train",
            "target": ("continuous: pipeline_fixtures.latent_logit(x) + N(0, 0.5^2) noise"
                       if key == "gbr" else "label (1 = phishing)"),
            "evaluated_on": "evaluation.rows_with_missing" if missing else "evaluation.rows",
            "onnx": desc, "tree_ensemble": ensemble_attributes(onnx_models[key]),
            "onnx_checker": checker(b),
            "output_shapes_declared": declared, "output_shapes_actual_200_rows": actual,
            "onnxruntime": {k: out_json(v) for k, v in ort.items()},
            "native": {k: out_json(v) for k, v in nat.items()},
        }
        ref_diff = max(float(np.max(np.abs(ort[k].astype(np.float64)
                                           - ref[k].astype(np.float64)))) for k in ort)
        assert set(ref) == set(ort) and ref_diff < MAX_REFERENCE_DIFF, (name, ref_diff)
        if key == "gbr":
            diff = float(np.max(np.abs(ort["variable"][:, 0].astype(np.float64)
                                       - nat["predict"])))
            rel = float(np.max(np.abs(ort["variable"][:, 0].astype(np.float64)
                                      - nat["predict"]) / np.maximum(1.0, np.abs(nat["predict"]))))
            rec["max_abs_diff_variable_vs_predict"] = diff
            rec["max_rel_diff_variable_vs_predict"] = rel
            rec["variable_range"] = [float(nat["predict"].min()), float(nat["predict"].max())]
            assert rel < MAX_ABS_DIFF, (name, diff, rel)
        else:
            diff = float(np.max(np.abs(ort["probabilities"].astype(np.float64)
                                       - nat["predict_proba"])))
            rec["max_abs_diff_probabilities_vs_predict_proba"] = diff
            assert diff < MAX_ABS_DIFF, (name, diff)
            assert np.array_equal(ort["label"], nat["predict"]), name
            assert np.array_equal(ref["label"], ort["label"]), name
            rec["labels_equal_onnxruntime_vs_predict"] = True
        rec["reference_scorer_max_abs_diff_vs_onnxruntime"] = ref_diff
        model_docs[name] = rec
        summary.append((name, diff, ref_diff))
    hgb = hgb_export_error(models["hgb"])

    shap_doc = shap_section(d, models, onnx_models)

    versions = {**got, "llvmlite": llvmlite.__version__, "pandas": pandas.__version__,
                "python": platform.python_version(),
                "platform": f"{platform.system()} {platform.machine()}",
                "generator": GENERATOR}
    evaluation = {
        "source": f"{HOLDOUT_CSV} data rows 0..{N_EVAL - 1} (header excluded), columns "
                  "matched by name, in the model's feature order",
        "rows": rows_json(d["X_eval"]),
        "labels": [int(v) for v in d["y_eval"]],
        "rows_with_missing": rows_json(d["X_eval_m"]),
        "missing_cells_row_col": [c for c in d["hold_cells"] if c[0] < N_EVAL],
    }
    data = {
        "feature_names": FEATURES,
        "training": {
            "generator": "tests/oracles/pipeline_fixtures.py draw_features / draw_labels "
                         f"with default_rng(SEED_TRAIN={pf.SEED_TRAIN}), "
                         f"N_TRAIN={pf.N_TRAIN} (the sample phishing_logreg.onnx was fitted on)",
            "n": int(d["X_train"].shape[0]), "n_positive": int(d["y_train"].sum()),
            "missing": {"used_by": ["xgboost", "lightgbm", "hist_gradient_boosting"],
                        "rate": MISSING_RATE, "n_cells": len(d["train_cells"]),
                        "seed": SEED_MISSING_TRAIN},
            "regression_target": {"formula": "latent_logit(x) + N(0, sd^2)",
                                  "sd": REGRESSION_NOISE_SD, "seed": SEED_REGRESSION_NOISE},
        },
        "missing_injection": "k = round(0.05 * n_cells) cells, "
                             "numpy.random.default_rng(seed).choice(n_cells, k, "
                             "replace=False), row-major cell index (row * 8 + col), set to "
                             "NaN; hold-out rows 0..299 (evaluation + background) at once "
                             f"with seed {SEED_MISSING_HOLDOUT}",
    }
    expected = {
        "versions": versions,
        "description": (
            "Tree-ensemble ONNX fixtures for the native scorer: phishing-URL classifiers "
            "(label 1 = phishing) and one regressor, exported with no post-processing. "
            "For each model: the file's ONNX description and tree-ensemble attributes, "
            "onnxruntime's outputs (every output, float32 values written exactly) and the "
            "training library's outputs on 200 evaluation rows. Paths are relative to "
            "tests/fixtures/trees/. In rows, null means NaN (a missing value)."),
        "data": data,
        "evaluation": evaluation,
        "models": model_docs,
        "attributes_table": attributes_table(model_docs),
        "hist_gradient_boosting": hgb,
        "tolerance": {"onnxruntime_vs_native": MAX_ABS_DIFF,
                      "onnxruntime_vs_native_rule": "classifiers: max |probabilities - "
                      "predict_proba| over both columns; regressor: max |variable - predict| / "
                      "max(1, |predict|): its predictions reach large magnitudes (variable_range), "
                      "where float32 ulps are several 1e-6 and onnxruntime's float32 sum of "
                      "50 leaves is further than 1e-5 from sklearn's float64 "
                      "(max_abs_diff_variable_vs_predict)",
                      "reference_scorer_vs_onnxruntime": MAX_REFERENCE_DIFF},
        "onnxruntime_semantics": {
            "checked_by": "score_onnx in the generator re-implements these rules and "
                          "reproduces every onnxruntime output within 1e-6 and every label "
                          "(reference_scorer_max_abs_diff_vs_onnxruntime per model)",
            "traversal": "float32 input vs float32 nodes_values; BRANCH_LEQ x <= t, "
                         "BRANCH_LT x < t (true child when the condition holds); a NaN "
                         "goes to the true child iff nodes_missing_value_tracks_true is "
                         "nonzero for that node, else to the false child",
            "aggregation": "score = sum of the reached leaves' weights in tree order "
                           "(float32), then + base_values[0] when present (SUM; no "
                           "aggregate_function attribute in any file)",
            "binary_classifier_one_weight_column": "two classlabels and all class_ids 0: "
                           "if every class_weight is >= 0 (random_forest): probabilities = "
                           "[1 - s, s] with NO post transform and label = classlabels[1] iff "
                           "s > 0.5; otherwise (gradient_boosting, xgboost, lightgbm, "
                           "post_transform LOGISTIC): probabilities = [sigmoid(-s), "
                           "sigmoid(s)], label = classlabels[1] iff s > 0",
            "logistic": "float32 1 / (1 + exp(-|s|)), mirrored (1 - p) for s < 0",
            "regressor": "variable[:, 0] = score (post_transform NONE)",
        },
        "notes": [
            "skl2onnx (default target_opset) writes ('ai.onnx.ml', 1) plus the default "
            "domain: ('', 21) for gradient_boosting (its Identity node), and ('', 22) TWICE "
            "for random_forest and gradient_boosting_regressor, which have no standard "
            "operator; the order of the imports follows a Python set (PYTHONHASHSEED=0).",
            "onnxmltools 1.16 writes xgboost.onnx with only ('ai.onnx.ml', 1) (IR 8) and "
            "lightgbm.onnx with ('', 9), ('ai.onnx.ml', 1) (IR 4); lightgbm.onnx wraps the "
            "TreeEnsembleClassifier in Identity / Cast / Mul(by the initializer 'one') "
            "nodes, and declares its label output with shape [1] although onnxruntime "
            "returns [N] (onnxruntime logs a VerifyOutputSizes warning, silenced here by "
            "log_severity_level=3): a scorer must not trust that declared shape.",
            "xgboost.onnx uses BRANCH_LT (xgboost splits on x < t) and LightGBM / sklearn "
            "BRANCH_LEQ; both XGBoost and LightGBM files carry nonzero "
            "nodes_missing_value_tracks_true (NaN routing learned from the NaN training "
            "rows); the sklearn files carry the attribute with all zeros.",
            "lightgbm.onnx has no base_values (LightGBM folds the initial score into the "
            "first tree); gradient_boosting.onnx and xgboost.onnx have one base value, the "
            "log odds of the prior (xgboost 3 estimates base_score from the data).",
            "lightgbm.onnx thresholds include 1.0000000180025095e-35 (LightGBM's "
            "kZeroThreshold, float32 1e-35) for splits between 0 and 1 on binary features.",
            "nodes_hitrates are all 1.0: no ONNX file carries node covers, so "
            "tree_path_dependent TreeSHAP cannot be computed from the ONNX file alone; "
            "treeshap.json records the covers per ONNX node id.",
        ],
    }
    text = pf.dump(expected).encode("ascii")
    files["expected.json"] = text

    treeshap = {
        "versions": versions,
        "description": (
            "shap.TreeExplainer oracles on the models' raw output (model_output='raw': "
            "log odds for gradient_boosting and xgboost, P(class 1) for random_forest) for "
            "the first 20 evaluation rows, in both feature_perturbation modes, with the "
            "expected value, the additivity residual (sum of shap values + expected value - "
            "native raw output), and for tree_path_dependent the node covers indexed by "
            "ONNX node id. Every SHAP value is also recomputed by brute force over all 256 "
            "feature subsets from the ONNX trees (plus the covers) and agrees within 1e-5. "
            "null in rows means NaN."),
        "feature_names": FEATURES,
        "rows": {"rows": rows_json(d["X_eval"][:N_SHAP_ROWS]),
                 "rows_with_missing": rows_json(d["X_eval_m"][:N_SHAP_ROWS]),
                 "source": "expected.json evaluation rows 0..19"},
        "background": {
            "source": f"{HOLDOUT_CSV} data rows {BACKGROUND_ROWS[0]}.."
                      f"{BACKGROUND_ROWS[1] - 1} (100 rows, disjoint from the evaluation "
                      "rows), model feature order; rows_with_missing has the NaNs of the "
                      "hold-out injection (used for xgboost)",
            "rows": rows_json(d["X_bg"]),
            "rows_with_missing": rows_json(d["X_bg_m"]),
        },
        "models": shap_doc,
        "not_included": {
            "lightgbm": "not requested; shap supports it",
            "gradient_boosting_regressor": "not requested",
        },
        "tolerance": {"additivity_and_brute_force": MAX_SHAP_DIFF},
        "notes": [
            "expected_value: tree_path_dependent = the cover-weighted mean leaf value plus "
            "the base value; interventional = the mean raw output over the background.",
            "shap compares xgboost splits as x <= nextafter(t, -inf) in float32 instead of "
            "x < t; with integer features the two are the same.",
            "onnxmltools numbers each XGBoost tree's nodes depth first (true child first), "
            "not with XGBoost's own node ids (onnx_node_ids_equal_library_node_ids is "
            "false there); skl2onnx keeps sklearn's node ids. The covers here are always "
            "indexed by the ONNX nodes_nodeids.",
            "For xgboost the rows and the background contain NaNs; a NaN follows the "
            "node's missing direction (nodes_missing_value_tracks_true) in both "
            "perturbation modes, in shap and in the brute force alike.",
            "random_forest's raw output is the probability (the trees' normalised class-1 "
            "fractions averaged), so its expected values are probabilities.",
        ],
    }
    files["treeshap.json"] = pf.dump(treeshap).encode("ascii")
    return files, summary, model_docs, hgb


def attributes_table(model_docs):
    """One flat row per model: what a scorer has to honour (details in models.<name>)."""
    table = {}
    for name, rec in model_docs.items():
        te = rec["tree_ensemble"]
        table[name] = {
            "op_type": te["op_type"],
            "post_transform": te["post_transform"],
            "base_values": te["base_values"],
            "nodes_missing_value_tracks_true_present": te["nodes_missing_value_tracks_true"]
            ["present"],
            "nodes_missing_value_tracks_true_nonzero": te["nodes_missing_value_tracks_true"]
            ["nonzero"],
            "node_modes": sorted(te["node_modes"]),
            "n_trees": te["n_trees"],
            "max_depth": te["max_depth"],
            "classlabels_int64s": te.get("classlabels_int64s"),
            "weights_all_nonnegative": te["weights_all_nonnegative"],
            "opset_import": [[o["domain"], o["version"]] for o in rec["onnx"]["opset_import"]],
            "ir_version": rec["onnx"]["ir_version"],
            "producer": rec["onnx"]["producer"],
            "outputs": [o["name"] for o in rec["onnx"]["outputs"]],
        }
    return table


def describe_bytes(b):
    """pipeline_fixtures.describe() on bytes instead of a path."""
    m = onnx.load_from_string(b)
    return {
        "ir_version": m.ir_version,
        "producer": f"{m.producer_name} {m.producer_version}",
        "model_domain": m.domain,
        "model_version": m.model_version,
        "doc_string": m.doc_string,
        "metadata_props": {p.key: p.value for p in m.metadata_props},
        "opset_import": [{"domain": imp.domain, "version": imp.version}
                         for imp in m.opset_import],
        "inputs": [pf.value_info(v) for v in m.graph.input],
        "outputs": [pf.value_info(v) for v in m.graph.output],
        "nodes": [{"op_type": n.op_type, "domain": n.domain, "inputs": list(n.input),
                   "outputs": list(n.output)} for n in m.graph.node],
        "initializers": [t.name for t in m.graph.initializer],
    }


def main():
    pf.pin_hash_seed()
    got = {"scikit-learn": sklearn.__version__, "numpy": np.__version__,
           "scipy": scipy.__version__, "skl2onnx": skl2onnx.__version__,
           "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__,
           "protobuf": google.protobuf.__version__, "xgboost": xgboost.__version__,
           "lightgbm": lightgbm.__version__, "onnxmltools": onnxmltools.__version__,
           "shap": shap.__version__, "numba": numba.__version__}
    if "--any-version" not in sys.argv and got != EXPECTED_VERSIONS:
        sys.exit(f"expected {EXPECTED_VERSIONS}, got {got} (pass --any-version to override)")

    files, summary, model_docs, hgb = build(got)
    print("second build (determinism check) ...")
    files2, _, _, _ = build(got)
    assert files.keys() == files2.keys()
    for name in files:
        assert files[name] == files2[name], f"{name} differs between two builds"

    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for name, b in files.items():
        with open(os.path.join(OUT_DIR, name), "wb") as f:
            f.write(b)
        total += len(b)
    assert total < MAX_TOTAL_BYTES, total

    print(f"{'model':28s} {'max|ort - native|':>18s} {'max|ort - score_onnx|':>22s}")
    for name, diff, ref_diff in summary:
        print(f"{name:28s} {diff:18.3e} {ref_diff:22.3e}")
    print(f"{'model':28s} {'post_transform':14s} {'base_values':24s} {'missing!=0':>10s} "
          f"{'modes':30s} {'trees':>5s} {'classlabels':12s} opsets")
    for name, rec in model_docs.items():
        te = rec["tree_ensemble"]
        opsets = ", ".join(f"({o['domain']!r}, {o['version']})"
                           for o in rec["onnx"]["opset_import"])
        print(f"{name:28s} {str(te['post_transform']):14s} {str(te['base_values']):24s} "
              f"{te['nodes_missing_value_tracks_true']['nonzero']:>10d} "
              f"{str(te['node_modes']):30s} {te['n_trees']:>5d} "
              f"{str(te.get('classlabels_int64s')):12s} {opsets}")
    print(f"hist_gradient_boosting: not exported: {hgb['error_type']}: "
          f"{hgb['error_message_start'][:80]}... caused by {hgb['cause_type']}: "
          f"{hgb['cause_message']}")
    for name in sorted(files):
        print(f"  {name:36s} {len(files[name]):8d} B  {sha256_hex(files[name])[:16]}")
    print(f"total {total} bytes (README.md not counted)")


if __name__ == "__main__":
    main()
