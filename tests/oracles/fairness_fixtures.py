#!/usr/bin/env python3
"""Golden-fixture generator for aigov-fairness (Rust port of fairlearn's group
metrics / disparities and AIF360's signed ClassificationMetric metrics).

Made with: fairlearn 0.15.0, scikit-learn 1.9.1, numpy 2.4.6, pandas 3.1.1,
scipy 1.17.1, aif360 0.6.1 on CPython 3.11.7 (x86_64 Linux).  The script
refuses to run with other versions unless ``--any-version`` is given (the
values would then have to be re-reviewed).  AIF360 is imported and run for
real (aif360.metrics.ClassificationMetric on aif360.datasets.BinaryLabelDataset);
the generator also re-implements every AIF360 number it records in plain numpy
(``aif360_numpy``) and asserts bit-for-bit equality, so the formulas written in
the README are the ones AIF360 ran.

How to run (from the repository root; keep the virtualenv OUTSIDE the repo):

    python3.11 -m venv /tmp/fairvenv
    /tmp/fairvenv/bin/pip install fairlearn==0.15.0 scikit-learn==1.9.1 \\
        numpy==2.4.6 pandas==3.1.1 scipy==1.17.1 aif360==0.6.1
    /tmp/fairvenv/bin/python -B tests/oracles/fairness_fixtures.py

Output: ``tests/fixtures/fairness/fairlearn.json`` (path is relative to this
script, so the working directory does not matter).  The output is
byte-for-byte deterministic: every random sample comes from
``numpy.random.default_rng(<fixed seed>)``; generated float sample weights are
rounded to 6 significant digits (``float(f"{x:.6g}")``) BEFORE anything is
computed, so the numbers written to the JSON (shortest round-trip repr) are
exactly the float64 inputs fairlearn/sklearn/AIF360 saw.  Labels are the ints
0/1 with pos_label = favorable_label = 1.

Conventions in the JSON
* Groups are written as ``{column: value}`` objects in the order of
  ``sensitive_columns``; values are the exact strings / ints that were passed.
* NaN / +-inf results are written as ``null``; the JSON path of every such
  value and what it was ("nan", "inf", "-inf") is listed in the case's
  ``nonfinite`` map.
* Warnings are recorded (``Category: first line of message``), per metric and
  group where they belong.

See tests/fixtures/fairness/README.md for the definitions that the Rust port
must mirror.
"""

import json
import logging
import math
import os
import platform
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import sklearn
from sklearn.metrics import accuracy_score, precision_score

import fairlearn
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)

# aif360 logs "No module named 'tensorflow'" etc. on import; irrelevant here.
logging.disable(logging.WARNING)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import aif360
    from aif360.datasets import BinaryLabelDataset
    from aif360.metrics import ClassificationMetric
logging.disable(logging.NOTSET)

EXPECTED_VERSIONS = {
    "fairlearn": "0.15.0",
    "scikit-learn": "1.9.1",
    "numpy": "2.4.6",
    "pandas": "3.1.1",
    "scipy": "1.17.1",
    "aif360": "0.6.1",
}

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "fairness"))
OUT_FILE = os.path.join(OUT_DIR, "fairlearn.json")

METRICS = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    "precision": precision_score,
    "accuracy": accuracy_score,
    "count": count,
}
METRIC_NAMES = list(METRICS)
WEIGHTED_METRICS = [m for m in METRIC_NAMES if m != "count"]  # count takes no weights
GEI_ALPHAS = [("0", 0), ("0.5", 0.5), ("1", 1), ("2", 2)]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def r6(values):
    """Round to 6 significant digits; returns a list of Python floats."""
    return [float(f"{float(v):.6g}") for v in values]


def py(v):
    """numpy scalar -> python scalar (for group values)."""
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, np.str_):
        return str(v)
    return v


class Recorder:
    """Collects non-finite values and notes for one case."""

    def __init__(self):
        self.nonfinite = {}
        self.notes = []

    def num(self, path, x):
        if x is None:
            return None
        if isinstance(x, (bool, np.bool_)):
            return bool(x)
        if isinstance(x, (int, np.integer)):
            return int(x)
        x = float(x)
        if math.isnan(x):
            self.nonfinite[path] = "nan"
            return None
        if math.isinf(x):
            self.nonfinite[path] = "inf" if x > 0 else "-inf"
            return None
        return x


def call(fn, *args, **kwargs):
    """Run fn, returning (result, [warning messages]). Exceptions propagate."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fn(*args, **kwargs)
    msgs = []
    for w in caught:
        m = str(w.message).splitlines()[0]
        m = f"{w.category.__name__}: {m}"
        if m not in msgs:
            msgs.append(m)
    return res, msgs


def seq_sum(a):
    """Strictly sequential (row-order) float64 sum, like scipy's coo->dense
    accumulation that sklearn.confusion_matrix uses."""
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.add.accumulate(a)[-1])


def group_key_dict(cols, key):
    if len(cols) == 1:
        key = key[0] if isinstance(key, tuple) else key
        return {cols[0]: py(key)}
    return {c: py(k) for c, k in zip(cols, key)}


# --------------------------------------------------------------------------
# case construction
# --------------------------------------------------------------------------

def build(seed, cols, specs, weights=None, wlo=0.2, whi=3.0):
    """specs: list of (group_tuple, n, base_rate, tpr, fpr).

    y_true ~ Bernoulli(base); y_pred = Bernoulli(tpr) on positives,
    Bernoulli(fpr) on negatives; rows are shuffled so groups interleave.
    weights: None | "float" (U(wlo, whi) rounded to 6 sig. digits) | "int"
    (integers 1..5, passed as int64)."""
    rng = np.random.default_rng(seed)
    yt, yp, sens = [], [], {c: [] for c in cols}
    for g, n, base, tpr, fpr in specs:
        t = (rng.random(n) < base).astype(np.int64)
        u = rng.random(n)
        p = np.where(t == 1, u < tpr, u < fpr).astype(np.int64)
        yt.extend(t.tolist())
        yp.extend(p.tolist())
        for c, v in zip(cols, g):
            sens[c].extend([v] * n)
    perm = rng.permutation(len(yt))
    yt = [int(yt[i]) for i in perm]
    yp = [int(yp[i]) for i in perm]
    sens = {c: [sens[c][i] for i in perm] for c in cols}
    if weights is None:
        w = None
    elif weights == "float":
        w = r6(rng.uniform(wlo, whi, len(yt)))
    elif weights == "int":
        w = [int(x) for x in rng.integers(1, 6, len(yt))]
    else:
        raise ValueError(weights)
    return yt, yp, sens, w


def case_specs():
    C = []

    def add(name, description, seed, cols, specs, privileged, weights=None, **kw):
        yt, yp, sens, w = build(seed, cols, specs, weights, **kw)
        C.append(dict(name=name, description=description, cols=cols, y_true=yt,
                      y_pred=yp, sens=sens, w=w, w_kind=weights, privileged=privileged))

    add("two_groups_200", "sex F/M, 100 rows each, unweighted; every rate defined", 101,
        ["sex"], [(("F",), 100, 0.4, 0.8, 0.1), (("M",), 100, 0.5, 0.7, 0.2)],
        {"sex": "M"})
    add("two_groups_float_weights_200", "as two_groups_200 (other seed) with float weights "
        "U(0.2, 3.0) rounded to 6 significant digits", 102,
        ["sex"], [(("F",), 100, 0.4, 0.8, 0.1), (("M",), 100, 0.5, 0.7, 0.2)],
        {"sex": "M"}, weights="float")
    add("tiny_two_groups_float_weights_20", "20 rows (12 + 8), float weights U(0.5, 2.0)", 103,
        ["grp"], [(("b",), 12, 0.5, 0.7, 0.3), (("a",), 8, 0.5, 0.6, 0.3)],
        {"grp": "a"}, weights="float", wlo=0.5, whi=2.0)
    add("three_groups_1000", "race white/black/asian 500/300/200, unweighted", 104,
        ["race"], [(("white",), 500, 0.45, 0.75, 0.12), (("black",), 300, 0.35, 0.6, 0.2),
                   (("asian",), 200, 0.5, 0.8, 0.1)],
        {"race": "white"})
    add("three_groups_int_weights_1000", "as three_groups_1000 (other seed) with integer "
        "weights 1..5 passed as int64", 105,
        ["race"], [(("white",), 500, 0.45, 0.75, 0.12), (("black",), 300, 0.35, 0.6, 0.2),
                   (("asian",), 200, 0.5, 0.8, 0.1)],
        {"race": "white"}, weights="int")
    six = [(("Zulu",), 1200, 0.3, 0.7, 0.1), (("alpha",), 1000, 0.4, 0.8, 0.15),
           (("Bravo",), 900, 0.5, 0.65, 0.2), (("delta",), 800, 0.25, 0.75, 0.05),
           (("Echo",), 600, 0.6, 0.9, 0.3), (("foxtrot",), 500, 0.35, 0.55, 0.12)]
    add("six_groups_5000", "region with 6 mixed-case string values (code-point sort: "
        "Bravo < Echo < Zulu < alpha < delta < foxtrot), 5000 rows, unweighted; every rate "
        "defined (tight-tolerance case)", 106, ["region"], six, {"region": "alpha"})
    add("six_groups_float_weights_3000", "6 groups, 3000 rows, float weights U(0.2, 3.0)",
        107, ["region"], [(g, n * 3 // 5, b, t, f) for g, n, b, t, f in six],
        {"region": "alpha"}, weights="float")
    specs = []
    for r, rb in (("A", 0.4), ("B", 0.3), ("C", 0.5)):
        for s, sb in (("F", 0.0), ("M", 0.1)):
            if (r, s) == ("C", "M"):
                continue
            specs.append(((r, s), 120, rb + sb, 0.7 + sb, 0.1 + sb))
    add("intersect_3x2_missing_600", "race {A,B,C} x sex {F,M}; combination (C, M) never "
        "occurs; unweighted; privileged = the intersection {race: A, sex: M}", 108,
        ["race", "sex"], specs, {"race": "A", "sex": "M"})
    specs = []
    for r, rb in (("A", 0.4), ("B", 0.3), ("C", 0.5)):
        for s, sb in (("F", 0.0), ("M", 0.1)):
            specs.append(((r, s), 150, rb + sb, 0.7 + sb, 0.1 + sb))
    add("intersect_3x2_full_int_weights_900", "race x sex, all 6 combinations present, "
        "integer weights 1..5; privileged on one column only {sex: M}", 109,
        ["race", "sex"], specs, {"sex": "M"}, weights="int")
    regions = ["north", "south", "east", "west", "central", "islands"]
    ages = ["18-29", "30-44", "45-64", "65+"]
    missing = {("islands", "65+"), ("islands", "18-29"), ("central", "65+"), ("west", "45-64")}
    rng0 = np.random.default_rng(1100)
    specs = []
    for r in regions:
        for a in ages:
            if (r, a) in missing:
                continue
            specs.append(((r, a), int(rng0.integers(60, 140)), float(rng0.uniform(0.25, 0.6)),
                          float(rng0.uniform(0.55, 0.9)), float(rng0.uniform(0.05, 0.3))))
    add("intersect_6x4_missing_float_weights", "region (6) x age_band (4) = 24 combinations, "
        "4 never occur; float weights U(0.2, 3.0); privileged {region: north, age_band: 30-44}",
        110, ["region", "age_band"], specs, {"region": "north", "age_band": "30-44"},
        weights="float")
    add("intersect_6x4_missing_unweighted", "same combinations as "
        "intersect_6x4_missing_float_weights, other seed, unweighted; privileged "
        "{age_band: 18-29}", 111, ["region", "age_band"], specs, {"age_band": "18-29"})
    add("group_no_positives_150", "group 'a' has no y_true == 1 (TPR/FNR undefined); "
        "'a' is the AIF360 privileged group", 112,
        ["grp"], [(("a",), 50, 0.0, 0.7, 0.2), (("b",), 50, 0.5, 0.7, 0.2),
                  (("c",), 50, 0.4, 0.8, 0.1)], {"grp": "a"})
    add("group_no_negatives_150", "group 'n' has no y_true == 0 (FPR/TNR undefined); "
        "it is the whole AIF360 unprivileged side", 113,
        ["grp"], [(("n",), 60, 1.0, 0.7, 0.2), (("p",), 90, 0.5, 0.7, 0.2)], {"grp": "p"})
    add("group_no_pred_positives_weighted_150", "group 'q' never predicted positive "
        "(precision undefined, selection rate 0); 'q' is the AIF360 privileged group, so "
        "disparate_impact divides by 0; float weights", 114,
        ["grp"], [(("q",), 50, 0.5, 0.0, 0.0), (("r",), 50, 0.5, 0.7, 0.2),
                  (("s",), 50, 0.4, 0.8, 0.1)], {"grp": "q"}, weights="float")
    add("single_group_100", "one sensitive value only; AIF360 unprivileged side is empty", 115,
        ["cohort"], [(("only",), 100, 0.4, 0.7, 0.2)], {"cohort": "only"})
    add("all_zero_predictions_120", "y_pred == 0 everywhere (3 groups)", 116,
        ["grp"], [(("x",), 40, 0.4, 0.0, 0.0), (("y",), 40, 0.5, 0.0, 0.0),
                  (("z",), 40, 0.3, 0.0, 0.0)], {"grp": "x"})
    add("all_positive_predictions_90", "y_pred == 1 everywhere: no false negatives, so every "
        "AIF360 benefit b_i > 0 and GEI(alpha=0) is finite", 117,
        ["grp"], [(("x",), 30, 0.4, 1.0, 1.0), (("y",), 60, 0.5, 1.0, 1.0)], {"grp": "y"})
    add("all_rates_defined_weighted_2000", "4 groups, float weights U(0.2, 3.0); every rate "
        "defined (tight-tolerance case)", 118,
        ["grp"], [(("g1",), 700, 0.4, 0.8, 0.1), (("g2",), 500, 0.3, 0.6, 0.2),
                  (("g3",), 450, 0.5, 0.7, 0.15), (("g4",), 350, 0.45, 0.75, 0.25)],
        {"grp": "g1"}, weights="float")
    add("tpr_zero_everywhere_80", "positives never predicted, negatives sometimes: TPR = 0 in "
        "every group, so the TPR ratio is 0/0 = NaN (shows builtin min() order in "
        "equalized_odds_ratio)", 119,
        ["grp"], [(("u",), 40, 0.5, 0.0, 0.3), (("v",), 40, 0.5, 0.0, 0.5)], {"grp": "v"})
    add("fpr_zero_everywhere_80", "negatives never predicted positive: FPR = 0 in every "
        "group, FPR ratio NaN", 120,
        ["grp"], [(("u",), 40, 0.5, 0.6, 0.0), (("v",), 40, 0.5, 0.8, 0.0)], {"grp": "v"})
    add("single_label_groups_90", "group 'ones' has y_true == y_pred == 1 only; group "
        "'zeros' has y_true == y_pred == 0 only (fairlearn's single-label paths)", 121,
        ["grp"], [(("ones",), 30, 1.0, 1.0, 0.0), (("zeros",), 30, 0.0, 1.0, 0.0),
                  (("mixed",), 30, 0.5, 0.7, 0.2)], {"grp": "mixed"})
    add("integer_sensitive_values_300", "sensitive values are ints 1, 2, 10 (numeric order; "
        "as strings '10' would sort before '2')", 122,
        ["age_bucket"], [((10,), 100, 0.4, 0.8, 0.1), ((2,), 100, 0.5, 0.7, 0.2),
                         ((1,), 100, 0.3, 0.6, 0.15)], {"age_bucket": 10})
    add("all_false_negatives_24", "y_true == 1 and y_pred == 0 everywhere: every AIF360 "
        "benefit is 0 (GEI 0/0), no negatives, no predicted positives", 123,
        ["grp"], [(("a",), 12, 1.0, 0.0, 0.0), (("b",), 12, 1.0, 0.0, 0.0)], {"grp": "a"})
    return C


# --------------------------------------------------------------------------
# fairlearn
# --------------------------------------------------------------------------

def confusion(yt, yp, w):
    """Weighted TP/FP/TN/FN (sequential row-order sums) and undefined list."""
    yt = np.asarray(yt)
    yp = np.asarray(yp)
    w = np.ones(len(yt)) if w is None else np.asarray(w, dtype=np.float64)
    tp = seq_sum(w[(yt == 1) & (yp == 1)])
    fp = seq_sum(w[(yt == 0) & (yp == 1)])
    tn = seq_sum(w[(yt == 0) & (yp == 0)])
    fn = seq_sum(w[(yt == 1) & (yp == 0)])
    undefined = []
    if tp + fn == 0:
        undefined += ["true_positive_rate", "false_negative_rate"]
    if fp + tn == 0:
        undefined += ["false_positive_rate", "true_negative_rate"]
    if tp + fp == 0:
        undefined += ["precision"]
    c = {"tp": tp, "fp": fp, "tn": tn, "fn": fn, "n_rows": int(len(yt)),
         "weight_total": seq_sum(w)}
    return c, undefined


def expected_rates(c):
    """fairlearn/sklearn values from the counts (0 for a zero denominator)."""
    tp, fp, tn, fn = c["tp"], c["fp"], c["tn"], c["fn"]

    def d(a, b):
        return a / b if b != 0 else 0.0
    return {
        "selection_rate": d(tp + fp, c["weight_total"]),
        "true_positive_rate": d(tp, fn + tp),
        "false_positive_rate": d(fp, tn + fp),
        "false_negative_rate": d(fn, fn + tp),
        "true_negative_rate": d(tn, tn + fp),
        "precision": d(tp, tp + fp),
        "accuracy": d(tp + tn, c["weight_total"]),
    }


def metric_kwargs(name, w):
    if w is None or name == "count":
        return {}
    return {"sample_weight": w}


def group_block(rec, path, yt, yp, w, mf_values, stats):
    """One by_group/overall entry: fairlearn values, undefined flags, counts,
    and the warnings each metric emits on exactly this slice."""
    c, undefined = confusion(yt, yp, w)
    exp = expected_rates(c)
    metrics = {}
    warns = {}
    for m in METRIC_NAMES:
        v = mf_values[m]
        # call the metric directly on the slice to attribute warnings
        direct, msgs = call(METRICS[m], np.asarray(yt), np.asarray(yp),
                            **metric_kwargs(m, None if w is None else np.asarray(w)))
        assert (float(direct) == float(v)) or (math.isnan(float(direct)) and math.isnan(float(v))), (
            path, m, direct, v)
        if msgs:
            warns[m] = msgs
        if m == "count":
            metrics[m] = int(v)
            assert int(v) == len(yt)
            continue
        metrics[m] = rec.num(f"{path}.metrics.{m}", v)
        e = exp[m]
        fv = float(v)
        if fv == e:
            stats["exact"] += 1
        else:
            stats["inexact"] += 1
            rel = abs(fv - e) / max(abs(e), 1e-300)
            stats["max_rel"] = max(stats["max_rel"], rel)
            assert rel < 1e-13, (path, m, fv, e)
    for u in undefined:
        assert metrics[u] == 0.0, (path, u, metrics[u])  # fairlearn/sklearn give 0
    out = {"metrics": metrics, "undefined": undefined, "confusion": c}
    if warns:
        out["warnings"] = warns
    return out


def fairlearn_block(rec, case):
    cols = case["cols"]
    yt = np.asarray(case["y_true"], dtype=np.int64)
    yp = np.asarray(case["y_pred"], dtype=np.int64)
    w = None
    if case["w"] is not None:
        w = np.asarray(case["w"], dtype=np.int64 if case["w_kind"] == "int" else np.float64)
    sf = pd.DataFrame({c: case["sens"][c] for c in cols})
    sp = None if w is None else {m: {"sample_weight": w} for m in WEIGHTED_METRICS}
    mf, mf_warn = call(MetricFrame, metrics=METRICS, y_true=yt, y_pred=yp,
                       sensitive_features=sf, sample_params=sp)
    stats = {"exact": 0, "inexact": 0, "max_rel": 0.0}
    out = {}
    bg = mf.by_group
    index_order = [group_key_dict(cols, k if isinstance(k, tuple) else (k,)) for k in bg.index]
    out["index_order"] = index_order
    by_group, empty = [], []
    sens_arr = {c: np.asarray(case["sens"][c], dtype=object) for c in cols}
    for k, gd in zip(bg.index, index_order):
        row = bg.loc[k]
        mask = np.ones(len(yt), dtype=bool)
        for c in cols:
            mask &= sens_arr[c] == gd[c]
        if not mask.any():
            assert all(pd.isna(row[m]) for m in METRIC_NAMES), (case["name"], gd)
            empty.append(gd)
            continue
        i = len(by_group)
        blk = group_block(rec, f"fairlearn.by_group[{i}]", yt[mask], yp[mask],
                          None if w is None else w[mask],
                          {m: row[m] for m in METRIC_NAMES}, stats)
        by_group.append({"group": gd, **blk})
    out["empty_combinations"] = empty
    out["by_group"] = by_group
    ov = mf.overall
    out["overall"] = group_block(rec, "fairlearn.overall", yt, yp, w,
                                 {m: ov[m] for m in METRIC_NAMES}, stats)
    if mf_warn:
        out["metricframe_warnings"] = mf_warn

    disp = {}
    variants = [("unweighted", None)] + ([("weighted", w)] if w is not None else [])
    for vname, vw in variants:
        # the main frame already has the case's own weighting; the other variant
        # (unweighted, for a weighted case) gets a fresh MetricFrame
        same = (vw is None) == (w is None)
        disp[vname] = disparities(rec, f"fairlearn.disparities.{vname}", yt, yp, sf, vw,
                                  mf if same else None)
    out["disparities"] = disp
    return out, stats


def disparities(rec, path, yt, yp, sf, w, mf_main):
    out = {}
    warns = {}
    methods = ["between_groups", "to_overall"]
    named = [
        ("demographic_parity_difference", demographic_parity_difference),
        ("demographic_parity_ratio", demographic_parity_ratio),
        ("equal_opportunity_difference", equal_opportunity_difference),
        ("equal_opportunity_ratio", equal_opportunity_ratio),
    ]
    for name, fn in named:
        out[name] = {}
        for meth in methods:
            v, msgs = call(fn, yt, yp, sensitive_features=sf, method=meth, sample_weight=w)
            out[name][meth] = rec.num(f"{path}.{name}.{meth}", v)
            if msgs:
                warns[f"{name}.{meth}"] = msgs
    for name, fn in [("equalized_odds_difference", equalized_odds_difference),
                     ("equalized_odds_ratio", equalized_odds_ratio)]:
        out[name] = {}
        for agg in ["worst_case", "mean"]:
            out[name][agg] = {}
            for meth in methods:
                v, msgs = call(fn, yt, yp, sensitive_features=sf, method=meth,
                               sample_weight=w, agg=agg)
                out[name][agg][meth] = rec.num(f"{path}.{name}.{agg}.{meth}", v)
                if msgs:
                    warns[f"{name}.{agg}.{meth}"] = msgs
    # MetricFrame.difference / .ratio for every metric of the main frame
    if mf_main is None:
        sp = None if w is None else {m: {"sample_weight": w} for m in WEIGHTED_METRICS}
        mf_main, _ = call(MetricFrame, metrics=METRICS, y_true=yt, y_pred=yp,
                          sensitive_features=sf, sample_params=sp)
    for kind in ["difference", "ratio"]:
        key = f"metricframe_{kind}"
        out[key] = {}
        for meth in methods:
            res, msgs = call(getattr(mf_main, kind), method=meth)
            out[key][meth] = {m: rec.num(f"{path}.{key}.{meth}.{m}", res[m])
                              for m in METRIC_NAMES if m != "count"}
            if msgs:
                warns[f"{key}.{meth}"] = msgs
    # consistency: named functions == MetricFrame on the same metric
    mfd = out["metricframe_difference"]
    mfr = out["metricframe_ratio"]
    for meth in methods:
        assert out["demographic_parity_difference"][meth] == mfd[meth]["selection_rate"]
        assert out["demographic_parity_ratio"][meth] == mfr[meth]["selection_rate"]
        assert out["equal_opportunity_difference"][meth] == mfd[meth]["true_positive_rate"]
        assert out["equal_opportunity_ratio"][meth] == mfr[meth]["true_positive_rate"]
    if warns:
        out["warnings"] = warns
    return out


def check_documented_definitions(case_name, fl, weighted):
    """Recompute every disparity of the case's own weighting from the recorded
    by_group / overall values with the README's definitions; must be bitwise
    equal to what fairlearn returned (NaN == NaN)."""
    nan = float("nan")

    def f(x):
        return nan if x is None else float(x)

    def same(a, b):
        return (math.isnan(a) and math.isnan(b)) or a == b

    disp = fl["disparities"]["weighted" if weighted else "unweighted"]
    ov = fl["overall"]["metrics"]
    res = {"difference": {}, "ratio": {}}
    for m in METRIC_NAMES:
        if m == "count":
            continue
        vals = [f(g["metrics"][m]) for g in fl["by_group"]]  # empty combos are NaN: skipped
        o = f(ov[m])
        d_bg = max(vals) - min(vals)
        d_to = max(abs(v - o) for v in vals)
        r_bg = min(vals) / max(vals) if max(vals) != 0 else nan

        def sub_one(x):
            return 1 / x if x > 1 else x
        rs = []
        for v in vals:
            r = v / o if o != 0 else (nan if v == 0 else math.inf)
            rs.append(sub_one(r))
        rs = [r for r in rs if not math.isnan(r)]
        r_to = min(rs) if rs else nan
        for meth, dv, rv in (("between_groups", d_bg, r_bg), ("to_overall", d_to, r_to)):
            got_d = f(disp["metricframe_difference"][meth][m])
            got_r = f(disp["metricframe_ratio"][meth][m])
            assert same(got_d, dv), (case_name, m, meth, got_d, dv)
            assert same(got_r, rv), (case_name, m, meth, got_r, rv)
            res["difference"].setdefault(meth, {})[m] = dv
            res["ratio"].setdefault(meth, {})[m] = rv
    for meth in ("between_groups", "to_overall"):
        for kind, key, pick in (("difference", "equalized_odds_difference", max),
                                ("ratio", "equalized_odds_ratio", min)):
            t = res[kind][meth]["true_positive_rate"]
            fp = res[kind][meth]["false_positive_rate"]
            worst = pick([t, fp])           # builtin max/min over [tpr, fpr]: NaN-order quirk
            ok = [x for x in (t, fp) if not math.isnan(x)]
            mean = sum(ok) / len(ok) if ok else nan
            assert same(f(disp[key]["worst_case"][meth]), worst), (case_name, key, meth)
            assert same(f(disp[key]["mean"][meth]), mean), (case_name, key, meth)


# --------------------------------------------------------------------------
# AIF360
# --------------------------------------------------------------------------

def aif_groups(case):
    """privileged {col: value}; unprivileged = every OTHER observed combination
    of the privileged dict's columns (in sorted order)."""
    priv = case["privileged"]
    pcols = list(priv)
    seen = sorted({tuple(case["sens"][c][i] for c in pcols) for i in range(len(case["y_true"]))})
    unpriv = [dict(zip(pcols, t)) for t in seen if t != tuple(priv[c] for c in pcols)]
    return priv, unpriv


def aif360_block(rec, case):
    cols = case["cols"]
    priv, unpriv = aif_groups(case)
    codes = {c: {v: float(i) for i, v in enumerate(sorted(set(case["sens"][c])))} for c in cols}
    df = pd.DataFrame({c: [codes[c][v] for v in case["sens"][c]] for c in cols})
    df["label"] = np.asarray(case["y_true"], dtype=np.float64)
    wname = None
    if case["w"] is not None:
        df["w"] = np.asarray(case["w"], dtype=np.float64)
        wname = "w"
    ds = BinaryLabelDataset(df=df, label_names=["label"], protected_attribute_names=cols,
                            instance_weights_name=wname, favorable_label=1.0,
                            unfavorable_label=0.0)
    dp = ds.copy(deepcopy=True)
    dp.labels = np.asarray(case["y_pred"], dtype=np.float64).reshape(-1, 1)
    enc = lambda g: {c: codes[c][v] for c, v in g.items()}  # noqa: E731

    def fresh():
        # AIF360 memoizes every metric method per instance (aif360.metrics.metric
        # .memoize), so a warning would only show on the first call that computes
        # a value; a fresh instance per recorded metric attributes warnings properly.
        return ClassificationMetric(ds, dp, unprivileged_groups=[enc(g) for g in unpriv],
                                    privileged_groups=[enc(priv)])

    out = {"privileged": priv, "unprivileged": unpriv}
    warns = {}

    def get(name, method, **k):
        v, msgs = call(getattr(fresh(), method), **k)
        if msgs:
            warns[name] = msgs
        return v

    sides = {}
    for side, flag in (("privileged_side", True), ("unprivileged_side", False)):
        s = {}
        cmx = get(f"{side}.binary_confusion_matrix", "binary_confusion_matrix",
                  privileged=flag)
        for k in ("TP", "FP", "TN", "FN"):
            s[k.lower()] = rec.num(f"aif360.{side}.{k.lower()}", cmx[k])
        s["num_instances"] = rec.num(f"aif360.{side}.num_instances",
                                     get(f"{side}.num_instances", "num_instances",
                                         privileged=flag))
        for mname in ("selection_rate", "true_positive_rate", "false_positive_rate"):
            s[mname] = rec.num(f"aif360.{side}.{mname}",
                               get(f"{side}.{mname}", mname, privileged=flag))
        sides[side] = s
    out.update(sides)
    for mname in ("statistical_parity_difference", "disparate_impact",
                  "average_odds_difference", "average_abs_odds_difference",
                  "equal_opportunity_difference", "true_positive_rate_difference",
                  "false_positive_rate_difference", "equalized_odds_difference"):
        out[mname] = rec.num(f"aif360.{mname}", get(mname, mname))
    gei = {}
    for key, a in GEI_ALPHAS:
        gei[key] = rec.num(f"aif360.generalized_entropy_index.{key}",
                           get(f"generalized_entropy_index.{key}",
                               "generalized_entropy_index", alpha=a))
    out["generalized_entropy_index"] = gei
    out["theil_index"] = rec.num("aif360.theil_index", get("theil_index", "theil_index"))
    b = 1.0 + np.asarray(case["y_pred"], float) - np.asarray(case["y_true"], float)
    out["benefit_mean"] = float(np.mean(b))
    out["benefits_all_positive"] = bool(np.all(b > 0))
    if warns:
        out["warnings"] = warns

    # numpy re-implementation; must agree bit for bit (NaN == NaN)
    ref = aif360_numpy(case, priv, unpriv)
    for k, v in ref.items():
        got = out[k] if "." not in k else out[k.split(".", 1)[0]][k.split(".", 1)[1]]
        if got is None:
            path = f"aif360.{k}"
            kind = rec.nonfinite[path]
            assert (kind == "nan" and math.isnan(v)) or (kind == "inf" and v == math.inf) or (
                kind == "-inf" and v == -math.inf), (case["name"], k, kind, v)
        else:
            assert got == v, (case["name"], k, got, v)
    return out


def aif360_numpy(case, priv, unpriv):
    """Exactly AIF360 0.6.1's arithmetic, in numpy."""
    yt = np.asarray(case["y_true"], dtype=np.float64)
    yp = np.asarray(case["y_pred"], dtype=np.float64)
    n = len(yt)
    w = np.ones(n) if case["w"] is None else np.asarray(case["w"], dtype=np.float64)

    def cond(groups):
        m = np.zeros(n, dtype=bool)
        for g in groups:
            gm = np.ones(n, dtype=bool)
            for c, v in g.items():
                gm &= np.asarray(case["sens"][c], dtype=object) == v
            m |= gm
        return m

    def s(mask):
        return np.sum(w[mask], dtype=np.float64)

    r = {}
    per = {}
    with np.errstate(all="ignore"):
        for side, groups in (("privileged_side", [priv]), ("unprivileged_side", unpriv)):
            m = cond(groups)
            TP = s(m & (yt == 1) & (yp == 1))
            FP = s(m & (yt == 0) & (yp == 1))
            TN = s(m & (yt == 0) & (yp == 0))
            FN = s(m & (yt == 1) & (yp == 0))
            P = s(m & (yt == 1))
            N = s(m & (yt == 0))
            ninst = s(m)
            sel = s(m & (yp == 1)) / ninst
            per[side] = dict(TPR=TP / P, FPR=FP / N, SEL=sel)
            r[f"{side}.tp"], r[f"{side}.fp"] = float(TP), float(FP)
            r[f"{side}.tn"], r[f"{side}.fn"] = float(TN), float(FN)
            r[f"{side}.num_instances"] = float(ninst)
            r[f"{side}.selection_rate"] = float(sel)
            r[f"{side}.true_positive_rate"] = float(TP / P)
            r[f"{side}.false_positive_rate"] = float(FP / N)
        u, p = per["unprivileged_side"], per["privileged_side"]
        r["statistical_parity_difference"] = float(u["SEL"] - p["SEL"])
        r["disparate_impact"] = float(u["SEL"] / p["SEL"])
        dfpr = u["FPR"] - p["FPR"]
        dtpr = u["TPR"] - p["TPR"]
        r["average_odds_difference"] = float(0.5 * (dfpr + dtpr))
        r["average_abs_odds_difference"] = float(0.5 * (np.abs(dfpr) + np.abs(dtpr)))
        r["equal_opportunity_difference"] = float(dtpr)
        r["true_positive_rate_difference"] = float(dtpr)
        r["false_positive_rate_difference"] = float(dfpr)
        r["equalized_odds_difference"] = float(max(np.abs(dfpr), np.abs(dtpr)))
        b = 1 + yp - yt
        mu = np.mean(b)
        for key, a in GEI_ALPHAS:
            if a == 1:
                v = np.mean(np.log((b / mu) ** b) / mu)
            elif a == 0:
                v = -np.mean(np.log(b / mu) / mu)
            else:
                v = np.mean((b / mu) ** a - 1) / (a * (a - 1))
            r[f"generalized_entropy_index.{key}"] = float(v)
        r["theil_index"] = r["generalized_entropy_index.1"]
    return r


# --------------------------------------------------------------------------
# JSON writing: structure indented, numeric arrays on one line
# --------------------------------------------------------------------------

def dump(obj):
    arrays = []

    def walk(o):
        if isinstance(o, dict):
            return {k: walk(v) for k, v in o.items()}
        if isinstance(o, list):
            if o and all(isinstance(x, (int, float, str)) or x is None for x in o):
                arrays.append(json.dumps(o, separators=(",", ":"), allow_nan=False))
                return f"@@ARRAY{len(arrays) - 1}@@"
            return [walk(v) for v in o]
        return o

    text = json.dumps(walk(obj), indent=1, allow_nan=False, ensure_ascii=True)
    for i, a in enumerate(arrays):
        text = text.replace(f'"@@ARRAY{i}@@"', a, 1)
    return text + "\n"


def main():
    got = {
        "fairlearn": fairlearn.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "aif360": aif360.__version__,
    }
    if "--any-version" not in sys.argv and got != EXPECTED_VERSIONS:
        sys.exit(f"expected {EXPECTED_VERSIONS}, got {got} (pass --any-version to override)")
    cases = []
    tot = {"exact": 0, "inexact": 0, "max_rel": 0.0}
    for spec in case_specs():
        rec = Recorder()
        fl, stats = fairlearn_block(rec, spec)
        for k in ("exact", "inexact"):
            tot[k] += stats[k]
        tot["max_rel"] = max(tot["max_rel"], stats["max_rel"])
        check_documented_definitions(spec["name"], fl, spec["w"] is not None)
        ai = aif360_block(rec, spec)
        any_undefined = bool(fl["overall"]["undefined"]) or any(
            g["undefined"] for g in fl["by_group"])
        case = {
            "name": spec["name"],
            "description": spec["description"],
            "n": len(spec["y_true"]),
            "sensitive_columns": spec["cols"],
            "all_rates_defined": not any_undefined,
            "inputs": {
                "y_true": spec["y_true"],
                "y_pred": spec["y_pred"],
                "sensitive": spec["sens"],
                "sample_weight": spec["w"],
                "sample_weight_dtype": {None: None, "float": "float64",
                                        "int": "int64"}[spec["w_kind"]],
                "privileged": spec["privileged"],
            },
            "fairlearn": fl,
            "aif360": ai,
        }
        if rec.nonfinite:
            case["nonfinite"] = rec.nonfinite
        if rec.notes:
            case["notes"] = rec.notes
        cases.append(case)
    doc = {
        "versions": {
            **got,
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "generator": "tests/oracles/fairness_fixtures.py",
            "aif360_mode": "real aif360.metrics.ClassificationMetric (cross-checked "
                           "bit-for-bit against a numpy re-implementation)",
        },
        "definitions": {
            "labels": "y_true, y_pred are ints 0/1; pos_label = favorable_label = 1",
            "metrics": "MetricFrame(metrics={selection_rate, true_positive_rate, "
                       "false_positive_rate, false_negative_rate, true_negative_rate, "
                       "precision: sklearn.metrics.precision_score (zero_division='warn'), "
                       "accuracy: sklearn.metrics.accuracy_score, count}, y_true, y_pred, "
                       "sensitive_features=pandas.DataFrame(columns in sensitive_columns "
                       "order), sample_params={m: {'sample_weight': w} for every metric "
                       "except count} when weighted)",
            "zero_denominator": "fairlearn rate functions (TPR, FPR, FNR, TNR) return 0.0 "
                                "with NO warning (sklearn confusion_matrix normalize='true' "
                                "then nan_to_num); precision_score returns 0.0 with "
                                "UndefinedMetricWarning; 'undefined' lists them",
            "confusion": "tp/fp/tn/fn/weight_total: weighted sums in row order (strictly "
                         "sequential float64 accumulation), unweighted = counts",
            "difference": "between_groups: max - min over observed groups (NaN rows of "
                          "empty combinations skipped); to_overall: max |group - overall|",
            "ratio": "between_groups: min / max (0/0 = NaN); to_overall: min over groups "
                     "of r = group/overall, with r > 1 replaced by 1/r (NaN skipped)",
            "equalized_odds": "worst_case: python builtin max (difference) / min (ratio) "
                              "over the Series [tpr, fpr] in that order; mean: pandas mean "
                              "(NaN skipped)",
            "aif360": "unprivileged minus privileged (differences), unprivileged / "
                      "privileged (disparate_impact); GEI ignores instance weights",
            "gei": "b = 1 + y_pred - y_true; mu = mean(b); alpha=1: mean(log((b/mu)**b)/mu); "
                   "alpha=0: -mean(log(b/mu)/mu); else mean((b/mu)**alpha - 1)/(alpha*(alpha-1))",
        },
        "consistency": {
            "fairlearn_values_equal_to_counts_formula_bitwise": tot["exact"],
            "fairlearn_values_differing_by_rounding": tot["inexact"],
            "max_relative_difference": tot["max_rel"],
        },
        "cases": cases,
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    text = dump(doc)
    with open(OUT_FILE, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    print(f"wrote {OUT_FILE}: {len(cases)} cases, {len(text)} bytes; "
          f"exact={tot['exact']} inexact={tot['inexact']} max_rel={tot['max_rel']}")


if __name__ == "__main__":
    main()
