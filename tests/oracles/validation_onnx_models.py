#!/usr/bin/env python3
"""ONNX model fixtures for aigov-validation / aigov-explain (the Rust side loads
them with the ``tract-onnx`` 0.23 crate and compares against the numbers here).

Trains five small scikit-learn binary classifiers (label 1 = malicious) on
generated "security telemetry" data, exports them with skl2onnx and records,
for 40 test rows each, what scikit-learn and onnxruntime predict.

Made with: scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1, skl2onnx 1.20.0,
onnx 1.23.2, onnxruntime 1.32.0 (protobuf 7.36.2) on CPython 3.11.7 (x86_64
Linux).  The script refuses to run with other versions unless
``--any-version`` is given (the files would then change and have to be
re-reviewed; the Rust tests pin the sha256 of every ONNX file).

How to run (from the repository root; keep the virtualenv OUTSIDE the repo):

    python3.11 -m venv /tmp/onnxvenv
    /tmp/onnxvenv/bin/pip install scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1 \
        skl2onnx==1.20.0 onnx==1.23.2 onnxruntime==1.32.0
    /tmp/onnxvenv/bin/python -B tests/oracles/validation_onnx_models.py

Outputs (paths relative to this script, so the working directory does not
matter), all byte-for-byte deterministic (two runs give the same sha256):

* ``tests/fixtures/validation/onnx/<name>.onnx`` for the models
  ``logreg``, ``random_forest``, ``gradient_boosting`` (6 features) and
  ``logreg20``, ``gbm20`` (20 features, used by the benchmarks);
* ``tests/fixtures/validation/onnx_models.json``: per model the file, its
  sha256, kind, feature names, ONNX input / output names, opsets, operator
  types, 40 test rows, sklearn ``predict_proba[:, 1]`` and ``predict``,
  onnxruntime ``probabilities[:, 1]`` and ``label``, the max absolute
  difference (asserted < 1e-5), and for the logistic regressions the same
  model in aigov's JSON linear-model format;
* ``tests/fixtures/validation/onnx/bench20_background.csv`` (100 rows) and
  ``bench20_rows.csv`` (10 rows): data for the 20-feature explanation
  benchmark, drawn from the training distribution.

Data.  Every random number comes from ``numpy.random.default_rng(<fixed
seed>)``.  Count features are integers; every continuous feature is rounded
to a multiple of a power of two (2^-8 .. 2^-2, see ``FEATURES``), so every
value is exactly representable in float32 (asserted: cast to float32 and back
is the identity), its shortest decimal repr is exact, and tree thresholds
(midpoints of such values) are exact in float32 too, so float32 ONNX trees and
float64 sklearn trees split every row the same way.  The float64 values
written to the JSON / CSV are exactly what sklearn and onnxruntime saw.

Export.  ``skl2onnx.to_onnx(model, initial_types=[("input",
FloatTensorType([None, n]))], options={id(model): {"zipmap": False}},
target_opset={"": 17, "ai.onnx.ml": 3})``.  skl2onnx picks ai.onnx.ml
version 1 (the lowest that has the operators) and the default domain at 17.
The generator then, on the ModelProto:
  1. removes the duplicate ``("", 17)`` opset import skl2onnx 1.20 writes;
  2. sets ``doc_string`` and ``metadata_props["aigov.feature_names"]`` (the
     comma-separated feature names);
  3. for the gradient-boosting models ONLY: moves the base value (the log
     odds of the prior) out of the TreeEnsembleClassifier ``base_values``
     into one extra tree that is a single leaf.  skl2onnx writes
     ``base_values = [b]`` (one value) for a binary GradientBoostingClassifier
     whose leaves all carry class id 0 (one score column); tract-onnx 0.23
     requires ``len(base_values) == len(classlabels)`` and refuses the file,
     and ``[b, b]`` does not work either: onnxruntime 1.32 then takes the
     "binary as multiclass" path and writes P(class 1) into column 0.  Both
     runtimes sum the trees in order and add the base value last, so the
     extra last tree gives the same float32 result: the onnxruntime numbers
     recorded are from the rewritten file and are asserted bitwise equal to
     those of the unmodified skl2onnx export.  (skl2onnx has no option that
     changes this; ``raw_scores`` only drops the LOGISTIC post transform.)
     GradientBoostingClassifier exports to TreeEnsembleClassifier, not
     TreeEnsembleRegressor, so no option is needed for that.
The script asserts that every graph uses only ai.onnx.ml operators that
tract 0.23 implements (LinearClassifier, LinearRegressor, Normalizer,
TreeEnsembleClassifier, CategoryMapper: no ZipMap, no TreeEnsembleRegressor)
plus standard ONNX operators, with the attribute shapes tract accepts.

Known tract 0.23 caveat (from reading its source, recorded in the JSON): for
a binary TreeEnsembleClassifier whose leaves all carry class id 0 (all three tree
models here), tract builds the ``label`` output from an argmax over the
scores *before* expanding the one score column to ``[1 - p, p]``, so its
labels are not the onnxruntime / sklearn labels.  Compare
``probabilities[:, 1]``; derive labels as ``p > 0.5`` if needed.
"""

import csv
import hashlib
import io
import json
import os
import platform
import sys
import warnings

import google.protobuf
import numpy as np
import onnx
import onnxruntime
import scipy
import skl2onnx
import sklearn
from onnx import helper
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

EXPECTED_VERSIONS = {
    "scikit-learn": "1.9.1",
    "numpy": "2.4.6",
    "scipy": "1.17.1",
    "skl2onnx": "1.20.0",
    "onnx": "1.23.2",
    "onnxruntime": "1.32.0",
}

HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATION_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "validation"))
ONNX_DIR = os.path.join(VALIDATION_DIR, "onnx")
OUT_JSON = os.path.join(VALIDATION_DIR, "onnx_models.json")
GENERATOR = "tests/oracles/validation_onnx_models.py"

TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
MAX_DEFAULT_OPSET = 17
MAX_ML_OPSET = 3
# ai.onnx.ml operators implemented by tract-onnx 0.23 (src/ops/ml/mod.rs).
TRACT_ML_OPS = {"LinearClassifier", "LinearRegressor", "Normalizer",
                "TreeEnsembleClassifier", "CategoryMapper"}
TRACT_POST_TRANSFORMS = {"NONE", "LOGISTIC", "SOFTMAX"}
TRACT_NODE_MODES = {"BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT",
                    "BRANCH_EQ", "BRANCH_NEQ", "LEAF"}
MAX_ONNX_BYTES = 200_000
MAX_ABS_DIFF = 1e-5

N_TEST_ROWS = 40
N_BENCH_BACKGROUND = 100
N_BENCH_ROWS = 10

# --------------------------------------------------------------------------
# generated data
# --------------------------------------------------------------------------

# name -> (distribution, parameters, quantum). quantum None = integer count
# feature; otherwise values are rounded to a multiple of quantum (a power of
# two), which keeps them exact in float32.
FEATURES = {
    "bytes_out_kb": ("lognormal", (3.0, 1.0, 20000.0), 2.0 ** -4),
    "bytes_in_kb": ("lognormal", (3.5, 0.8, 20000.0), 2.0 ** -4),
    "failed_logins": ("poisson", (1.2, 0), None),
    "successful_logins": ("poisson", (4.0, 0), None),
    "session_duration_s": ("gamma", (2.0, 300.0, 20000.0), 2.0 ** -4),
    "distinct_ports": ("poisson", (2.5, 1), None),
    "distinct_dst_ips": ("poisson", (5.0, 1), None),
    "payload_entropy": ("beta", (5.0, 2.0, 8.0), 2.0 ** -8),
    "off_hours_ratio": ("beta", (1.5, 4.0, 1.0), 2.0 ** -8),
    "dns_queries": ("poisson", (20.0, 0), None),
    "nxdomain_ratio": ("beta", (1.0, 12.0, 1.0), 2.0 ** -8),
    "mean_packet_size": ("normal", (600.0, 200.0, 40.0, 1500.0), 2.0 ** -4),
    "conn_rate_per_min": ("gamma", (2.0, 3.0, 1000.0), 2.0 ** -6),
    "tls_fraction": ("beta", (6.0, 2.0, 1.0), 2.0 ** -8),
    "privileged_cmds": ("poisson", (0.5, 0), None),
    "file_writes": ("poisson", (10.0, 0), None),
    "process_spawns": ("poisson", (3.0, 0), None),
    "geo_distance_km": ("gamma", (1.5, 800.0, 20000.0), 2.0 ** -2),
    "user_agent_rarity": ("beta", (1.0, 5.0, 1.0), 2.0 ** -8),
    "alert_count_24h": ("poisson", (0.8, 0), None),
}

FEATURES6 = ["bytes_out_kb", "failed_logins", "session_duration_s",
             "distinct_ports", "payload_entropy", "off_hours_ratio"]
FEATURES20 = ["bytes_out_kb", "bytes_in_kb", "failed_logins", "successful_logins",
              "session_duration_s", "distinct_ports", "distinct_dst_ips",
              "payload_entropy", "off_hours_ratio", "dns_queries", "nxdomain_ratio",
              "mean_packet_size", "conn_rate_per_min", "tls_fraction",
              "privileged_cmds", "file_writes", "process_spawns", "geo_distance_km",
              "user_agent_rarity", "alert_count_24h"]
assert len(FEATURES6) == 6 and len(FEATURES20) == 20 == len(FEATURES)

SEED_TRAIN6 = 20260611
SEED_TEST6 = 20260612
SEED_TRAIN20 = 20260621
SEED_TEST20 = 20260622
SEED_BENCH20 = 20260623
RF_RANDOM_STATE = 7
GB_RANDOM_STATE = 11
N_TRAIN6 = 1500
N_TRAIN20 = 2000


def draw_feature(rng, name, n):
    dist, p, quantum = FEATURES[name]
    if dist == "poisson":
        x = rng.poisson(p[0], size=n).astype(np.float64) + p[1]
    elif dist == "lognormal":
        x = np.minimum(rng.lognormal(p[0], p[1], size=n), p[2])
    elif dist == "gamma":
        x = np.minimum(rng.gamma(p[0], p[1], size=n), p[2])
    elif dist == "beta":
        x = rng.beta(p[0], p[1], size=n) * p[2]
    elif dist == "normal":
        x = np.clip(rng.normal(p[0], p[1], size=n), p[2], p[3])
    else:
        raise ValueError(dist)
    if quantum is not None:
        x = np.round(x / quantum) * quantum
    return x


def draw_rows(rng, names, n):
    """n rows, columns in the order of names (drawn column by column)."""
    X = np.column_stack([draw_feature(rng, nm, n) for nm in names])
    # float32-exact: casting to float32 and back changes nothing
    X32 = X.astype(np.float32).astype(np.float64)
    assert np.array_equal(X, X32), "generated values must be exact in float32"
    return X32


def latent_logit(X, names):
    """The true log-odds of 'malicious' (a fixed function, some non-linear
    terms so the tree models have something to find)."""
    c = {nm: X[:, i] for i, nm in enumerate(names)}
    z = -3.0 + 0.7 * (np.log(c["bytes_out_kb"] + 1.0) - 3.0)
    z = z + 0.6 * c["failed_logins"] + 0.25 * (c["distinct_ports"] - 3.5)
    z = z + 1.4 * (c["payload_entropy"] > 6.25) + 2.0 * c["off_hours_ratio"]
    z = z - 0.4 * (c["session_duration_s"] < 120.0)
    if "nxdomain_ratio" in c:
        z = z + 4.0 * c["nxdomain_ratio"] + 0.5 * c["privileged_cmds"]
        z = z + 0.3 * c["alert_count_24h"] + 1.5 * c["user_agent_rarity"]
        z = z - 0.8 * (c["tls_fraction"] - 0.75) + 0.0004 * (c["geo_distance_km"] - 1200.0)
        z = z + 0.05 * (c["process_spawns"] - 3.0) - 1.0
    return z


def draw_labelled(rng, names, n):
    X = draw_rows(rng, names, n)
    p = 1.0 / (1.0 + np.exp(-latent_logit(X, names)))
    y = (rng.random(n) < p).astype(np.int64)
    return X, y


# --------------------------------------------------------------------------
# ONNX export and checks
# --------------------------------------------------------------------------

def attr(node, name):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return None


def move_base_value_to_leaf_tree(node, base):
    """Removes base_values = [base] from a binary TreeEnsembleClassifier and
    appends a tree that is a single leaf of weight base (class id 0)."""
    by_name = {a.name: a for a in node.attribute}
    new_tree = max(by_name["nodes_treeids"].ints) + 1
    n_nodes = len(by_name["nodes_treeids"].ints)
    appended = {
        "nodes_treeids": new_tree, "nodes_nodeids": 0, "nodes_featureids": 0,
        "nodes_modes": b"LEAF", "nodes_values": 0.0, "nodes_truenodeids": 0,
        "nodes_falsenodeids": 0, "nodes_hitrates": 1.0,
        "nodes_missing_value_tracks_true": 0,
        "class_treeids": new_tree, "class_nodeids": 0, "class_ids": 0,
        "class_weights": float(base),
    }
    for a in node.attribute:
        if a.name.startswith("nodes_"):
            assert a.name in appended, a.name
    for name, value in appended.items():
        a = by_name[name]
        if a.type == onnx.AttributeProto.INTS:
            a.ints.append(value)
        elif a.type == onnx.AttributeProto.FLOATS:
            a.floats.append(value)
        elif a.type == onnx.AttributeProto.STRINGS:
            a.strings.append(value)
        else:
            raise TypeError(name)
    for a in node.attribute:
        if a.name.startswith("nodes_"):
            assert len(helper.get_attribute_value(a)) == n_nodes + 1, a.name
    keep = [a for a in node.attribute if a.name != "base_values"]
    del node.attribute[:]
    node.attribute.extend(keep)
    b32 = float(np.float32(base))
    return {
        "node": node.name,
        "change": f"base_values [{b32!r}] removed; tree {new_tree} appended: a single LEAF "
                  f"(node 0) with class id 0 and weight {b32!r}",
        "skl2onnx_base_values": [b32],
        "bias_tree_id": new_tree,
        "why": "skl2onnx writes one base value for a binary GradientBoostingClassifier; "
               "tract-onnx 0.23 requires len(base_values) == len(classlabels_int64s) (2) and "
               "refuses one, while onnxruntime 1.32 treats two base values on a one-score "
               "binary ensemble as 'binary as multiclass' (P(class 1) ends up in column 0). "
               "Both runtimes sum the trees in order and then add the base value, so a "
               "last tree holding the base value computes the same float32 sum; onnxruntime "
               "output asserted bitwise equal to the unmodified export",
    }


def export(model, n_features, feature_names, doc):
    onx = to_onnx(model, initial_types=[("input", FloatTensorType([None, n_features]))],
                  options={id(model): {"zipmap": False}}, target_opset=TARGET_OPSET)
    raw_bytes = onx.SerializeToString()
    # 1. de-duplicate the opset imports (skl2onnx 1.20 lists ("", 17) twice)
    seen = {}
    for imp in onx.opset_import:
        assert seen.get(imp.domain, imp.version) == imp.version, "conflicting opset imports"
        seen[imp.domain] = imp.version
    del onx.opset_import[:]
    for dom in sorted(seen):
        onx.opset_import.append(helper.make_opsetid(dom, seen[dom]))
    # 2. documentation and feature names
    onx.doc_string = doc
    helper.set_model_props(onx, {"aigov.feature_names": ",".join(feature_names)})
    # 3. gradient boosting: base value -> one extra single-leaf tree (see docstring)
    patches = []
    for node in onx.graph.node:
        if node.op_type == "TreeEnsembleClassifier":
            bv = attr(node, "base_values")
            labels = attr(node, "classlabels_int64s")
            if bv is not None and len(bv) == 1 and len(labels) == 2:
                patches.append(move_base_value_to_leaf_tree(node, bv[0]))
                onx.doc_string += (
                    f" The gradient-boosting prior (skl2onnx base_values [{bv[0]!r}]) is "
                    f"stored as the last tree (tree {patches[-1]['bias_tree_id']}, a single "
                    f"leaf) instead of in base_values, so that tract-onnx 0.23 loads it.")
    onnx.checker.check_model(onx, full_check=True)
    return onx, raw_bytes, patches


def check_tract_compatible(onx, name):
    """Operators and attribute shapes that tract-onnx 0.23 accepts."""
    opsets = {imp.domain: imp.version for imp in onx.opset_import}
    assert opsets.get("", 0) <= MAX_DEFAULT_OPSET, (name, opsets)
    assert opsets.get("ai.onnx.ml", 0) <= MAX_ML_OPSET, (name, opsets)
    assert set(opsets) <= {"", "ai.onnx.ml"}, (name, opsets)
    standard, ml = [], []
    for node in onx.graph.node:
        if node.domain == "ai.onnx.ml":
            assert node.op_type in TRACT_ML_OPS, (name, node.op_type)
            ml.append(node.op_type)
        else:
            assert node.domain in ("", "ai.onnx"), (name, node.domain)
            standard.append(node.op_type)
        pt = attr(node, "post_transform")
        if pt is not None:
            assert pt.decode() in TRACT_POST_TRANSFORMS, (name, pt)
        if node.op_type == "TreeEnsembleClassifier":
            n_labels = len(attr(node, "classlabels_int64s"))
            bv = attr(node, "base_values")
            assert bv is None or len(bv) == n_labels, (name, "base_values length")
            assert {m.decode() for m in attr(node, "nodes_modes")} <= TRACT_NODE_MODES
            for a in node.attribute:
                assert not a.name.endswith("_as_tensor"), (name, a.name)
            tree_ids = attr(node, "nodes_treeids")
            assert tree_ids[0] == 0 and all(b - a in (0, 1) for a, b in zip(tree_ids, tree_ids[1:]))
    return sorted(set(ml)), sorted(set(standard))


def ort_run(model_bytes, X):
    so = onnxruntime.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = onnxruntime.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])
    inp = [i.name for i in sess.get_inputs()]
    outs = [o.name for o in sess.get_outputs()]
    assert inp == ["input"], inp
    assert outs == ["label", "probabilities"], outs
    label, proba = sess.run(None, {"input": X.astype(np.float32)})
    assert proba.dtype == np.float32 and proba.shape == (X.shape[0], 2)
    return label, proba


# --------------------------------------------------------------------------
# JSON / CSV writing
# --------------------------------------------------------------------------

def dump(obj):
    """Sorted keys, indent=1, lists of numbers / strings on one line, floats as
    Python repr (shortest round trip)."""
    arrays = []

    def walk(o):
        if isinstance(o, dict):
            return {k: walk(v) for k, v in o.items()}
        if isinstance(o, list):
            if o and all(isinstance(x, (int, float, str)) and not isinstance(x, bool)
                         for x in o):
                arrays.append(json.dumps(o, separators=(", ", ": "), allow_nan=False))
                return f"@@ARRAY{len(arrays) - 1}@@"
            return [walk(v) for v in o]
        return o

    text = json.dumps(walk(obj), indent=1, sort_keys=True, allow_nan=False, ensure_ascii=True)
    for i, a in enumerate(arrays):
        text = text.replace(f'"@@ARRAY{i}@@"', a, 1)
    return text + "\n"


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def write_csv(path, names, X):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for row in X:
        w.writerow([repr(float(v)) for v in row])
    with open(path, "w", encoding="ascii", newline="") as f:
        f.write(buf.getvalue())


def sha256_hex(b):
    return hashlib.sha256(b).hexdigest()


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    return model


def model_specs():
    X6, y6 = draw_labelled(np.random.default_rng(SEED_TRAIN6), FEATURES6, N_TRAIN6)
    T6 = draw_rows(np.random.default_rng(SEED_TEST6), FEATURES6, N_TEST_ROWS)
    X20, y20 = draw_labelled(np.random.default_rng(SEED_TRAIN20), FEATURES20, N_TRAIN20)
    T20 = draw_rows(np.random.default_rng(SEED_TEST20), FEATURES20, N_TEST_ROWS)
    six = dict(features=FEATURES6, X=X6, y=y6, T=T6, seed_train=SEED_TRAIN6, seed_test=SEED_TEST6)
    twenty = dict(features=FEATURES20, X=X20, y=y20, T=T20, seed_train=SEED_TRAIN20,
                  seed_test=SEED_TEST20)
    return [
        dict(name="logreg", kind="logistic_regression", data=six,
             est=LogisticRegression(solver="newton-cholesky", max_iter=1000),
             params="LogisticRegression(solver='newton-cholesky', max_iter=1000) (C=1.0, L2)"),
        dict(name="random_forest", kind="random_forest", data=six,
             est=RandomForestClassifier(n_estimators=10, max_depth=4,
                                        random_state=RF_RANDOM_STATE),
             params=f"RandomForestClassifier(n_estimators=10, max_depth=4, "
                    f"random_state={RF_RANDOM_STATE})"),
        dict(name="gradient_boosting", kind="gradient_boosting", data=six,
             est=GradientBoostingClassifier(n_estimators=20, max_depth=3,
                                            random_state=GB_RANDOM_STATE),
             params=f"GradientBoostingClassifier(n_estimators=20, max_depth=3, "
                    f"random_state={GB_RANDOM_STATE})"),
        dict(name="logreg20", kind="logistic_regression", data=twenty,
             est=LogisticRegression(solver="newton-cholesky", max_iter=1000),
             params="LogisticRegression(solver='newton-cholesky', max_iter=1000) (C=1.0, L2)"),
        dict(name="gbm20", kind="gradient_boosting", data=twenty,
             est=GradientBoostingClassifier(n_estimators=50, max_depth=3,
                                            random_state=GB_RANDOM_STATE),
             params=f"GradientBoostingClassifier(n_estimators=50, max_depth=3, "
                    f"random_state={GB_RANDOM_STATE})"),
    ]


def main():
    got = {"scikit-learn": sklearn.__version__, "numpy": np.__version__,
           "scipy": scipy.__version__, "skl2onnx": skl2onnx.__version__,
           "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__}
    if "--any-version" not in sys.argv and got != EXPECTED_VERSIONS:
        sys.exit(f"expected {EXPECTED_VERSIONS}, got {got} (pass --any-version to override)")
    os.makedirs(ONNX_DIR, exist_ok=True)

    models = []
    for spec in model_specs():
        d = spec["data"]
        names, X, y, T = d["features"], d["X"], d["y"], d["T"]
        n = len(names)
        est = fit(spec["est"], X, y)
        assert list(est.classes_) == [0, 1]
        doc = (f"aigov test fixture '{spec['name']}': scikit-learn {sklearn.__version__} "
               f"{spec['params']}, binary classifier (label 1 = malicious) trained on "
               f"{X.shape[0]} generated rows of {n} security-telemetry features "
               f"(numpy default_rng seed {d['seed_train']}); exported by skl2onnx "
               f"{skl2onnx.__version__} with zipmap=False; input 'input' float32 [N, {n}] "
               f"in the order of metadata aigov.feature_names; outputs 'label' int64 [N] "
               f"and 'probabilities' float32 [N, 2] (column 1 = P(malicious)). "
               f"Generated by {GENERATOR}.")
        onx, raw_bytes, patches = export(est, n, names, doc)
        ml_ops, std_ops = check_tract_compatible(onx, spec["name"])
        data = onx.SerializeToString()
        assert len(data) < MAX_ONNX_BYTES, (spec["name"], len(data))
        # the bytes must not depend on anything but the inputs
        assert onnx.load_from_string(data).SerializeToString() == data

        sk_p = est.predict_proba(T)[:, 1].astype(np.float64)
        sk_label = est.predict(T)
        ort_label, ort_p = ort_run(data, T)
        ort_p1 = ort_p[:, 1].astype(np.float64)
        # the rewritten file computes exactly what the unmodified export does
        raw_label, raw_p = ort_run(raw_bytes, T)
        assert np.array_equal(raw_p, ort_p) and np.array_equal(raw_label, ort_label), spec["name"]
        diff = float(np.max(np.abs(sk_p - ort_p1)))
        assert diff < MAX_ABS_DIFF, (spec["name"], diff)
        label_mismatch = int(np.sum(sk_label != ort_label))
        training_accuracy = float(np.mean(est.predict(X) == y))

        path = os.path.join(ONNX_DIR, spec["name"] + ".onnx")
        with open(path, "wb") as f:
            f.write(data)

        entry = {
            "name": spec["name"],
            "file": f"onnx/{spec['name']}.onnx",
            "sha256": sha256_hex(data),
            "size_bytes": len(data),
            "kind": spec["kind"],
            "sklearn_estimator": spec["params"],
            "feature_names": list(names),
            "n_features": n,
            "onnx": {
                "input_name": onx.graph.input[0].name,
                "input_shape": ["N", n],
                "input_type": "float32",
                "output_names": [o.name for o in onx.graph.output],
                "probability_output": "probabilities",
                "positive_class_column": 1,
                "ir_version": onx.ir_version,
                "opsets": {(imp.domain or "ai.onnx"): imp.version for imp in onx.opset_import},
                "ml_op_types": ml_ops,
                "standard_op_types": std_ops,
                "node_op_types": [nd.op_type for nd in onx.graph.node],
                "metadata_props": {p.key: p.value for p in onx.metadata_props},
                "producer": f"{onx.producer_name} {onx.producer_version}",
                "postprocessing": patches,
            },
            "training": {
                "n_rows": int(X.shape[0]),
                "n_positive": int(y.sum()),
                "seed": d["seed_train"],
                "training_accuracy": training_accuracy,
            },
            "test_rows_seed": d["seed_test"],
            "rows": [floats(r) for r in T],
            "sklearn_proba": floats(sk_p),
            "sklearn_labels": [int(v) for v in sk_label],
            "onnxruntime_proba": floats(ort_p1),
            "onnxruntime_labels": [int(v) for v in ort_label],
            "max_abs_diff_sklearn_vs_onnxruntime": diff,
            "label_mismatches_sklearn_vs_onnxruntime": label_mismatch,
        }
        if spec["kind"] == "logistic_regression":
            lm = {"features": list(names), "weights": floats(est.coef_[0]),
                  "intercept": float(est.intercept_[0]), "link": "logistic"}
            z = T @ np.asarray(lm["weights"]) + lm["intercept"]
            json_p = 1.0 / (1.0 + np.exp(-z))
            entry["linear_model_json"] = lm
            entry["max_abs_diff_linear_model_json_vs_sklearn"] = float(np.max(np.abs(json_p - sk_p)))
            assert entry["max_abs_diff_linear_model_json_vs_sklearn"] < 1e-12
        else:
            entry["tract_caveat"] = (
                "tract-onnx 0.23 derives 'label' for this binary TreeEnsembleClassifier "
                "(all leaves class id 0) from an argmax over the scores before they are "
                "expanded to [1 - p, p], so its labels differ from onnxruntime's; compare "
                "probabilities[:, 1] (labels = p > 0.5)")
        models.append(entry)
        print(f"{spec['name']:18s} {len(data):7d} B  ml={ml_ops} std={std_ops} "
              f"opsets={entry['onnx']['opsets']} max|sk-ort|={diff:.3g} "
              f"label_mismatch={label_mismatch} train_acc={training_accuracy:.3f} "
              f"pos={int(y.sum())}/{len(y)}")

    # benchmark data for the 20-feature models
    rng = np.random.default_rng(SEED_BENCH20)
    background = draw_rows(rng, FEATURES20, N_BENCH_BACKGROUND)
    rows = draw_rows(rng, FEATURES20, N_BENCH_ROWS)
    bg_path = os.path.join(ONNX_DIR, "bench20_background.csv")
    rows_path = os.path.join(ONNX_DIR, "bench20_rows.csv")
    write_csv(bg_path, FEATURES20, background)
    write_csv(rows_path, FEATURES20, rows)

    doc = {
        "versions": {
            **got,
            "protobuf": google.protobuf.__version__,
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "generator": GENERATOR,
        },
        "description": (
            "Small scikit-learn binary classifiers (label 1 = malicious) exported to ONNX "
            "by skl2onnx for tract-onnx 0.23. rows are float32-exact float64 values; "
            "sklearn_proba = predict_proba(rows)[:, 1] in float64, onnxruntime_proba = "
            "probabilities[:, 1] (float32 widened to float64). Paths are relative to "
            "tests/fixtures/validation/."),
        "export": {
            "call": "skl2onnx.to_onnx(model, initial_types=[('input', FloatTensorType([None, "
                    "n_features]))], options={id(model): {'zipmap': False}}, "
                    "target_opset={'': 17, 'ai.onnx.ml': 3})",
            "postprocessing": [
                "duplicate ('', 17) opset import removed",
                "doc_string and metadata_props aigov.feature_names set",
                "gradient boosting only: TreeEnsembleClassifier base_values [b] removed and "
                "appended as a last single-leaf tree of weight b (see each model's "
                "onnx.postprocessing)",
            ],
            "tract_ml_ops_allowed": sorted(TRACT_ML_OPS),
        },
        "tolerance": {"max_abs_diff_sklearn_vs_onnxruntime": MAX_ABS_DIFF},
        "bench20": {
            "background_file": "onnx/bench20_background.csv",
            "background_sha256": sha256_hex(open(bg_path, "rb").read()),
            "background_rows": N_BENCH_BACKGROUND,
            "rows_file": "onnx/bench20_rows.csv",
            "rows_sha256": sha256_hex(open(rows_path, "rb").read()),
            "rows_rows": N_BENCH_ROWS,
            "seed": SEED_BENCH20,
            "feature_names": list(FEATURES20),
            "models": ["logreg20", "gbm20"],
        },
        "models": models,
    }
    text = dump(doc)
    with open(OUT_JSON, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    print(f"wrote {OUT_JSON} ({len(text)} bytes), {len(models)} models, bench CSVs")


if __name__ == "__main__":
    main()
