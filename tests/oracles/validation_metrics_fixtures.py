#!/usr/bin/env python3
"""Golden-fixture generator for aigov-validation (Rust port of the
scikit-learn hold-out metrics: ROC AUC, McClish partial AUC, average
precision, thresholded precision / recall / F1 / accuracy / confusion matrix,
log loss, Brier score, ROC curve).

Made with: scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1 on CPython 3.11.7
(x86_64 Linux).  The script refuses to run with other versions unless
``--any-version`` is given (the values would then have to be re-reviewed).
Besides recording sklearn's numbers, the generator re-implements every
recorded scalar in plain Python (``reference_*``: sequential sums, the
formulas written in tests/fixtures/validation/README.md) and asserts agreement
(1e-12 absolute for values in [0, 1], 1e-12 relative for log loss); the
bitwise / non-bitwise tally is written to ``consistency``.

How to run (from the repository root; keep the virtualenv OUTSIDE the repo):

    python3.11 -m venv /tmp/skvenv
    /tmp/skvenv/bin/pip install scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1
    /tmp/skvenv/bin/python -B tests/oracles/validation_metrics_fixtures.py

(/tmp/fairvenv from tests/oracles/fairness_fixtures.py has the same three
versions and can be used instead.)

Output: ``tests/fixtures/validation/sklearn_metrics.json`` (path is relative
to this script, so the working directory does not matter).  The output is
byte-for-byte deterministic: every random sample comes from
``numpy.random.default_rng(<fixed seed>)``; generated scores are rounded to 6
significant digits (or to 1 / 2 decimals for the tie cases) and weights to 6
significant digits (``float(f"{x:.6g}")``) BEFORE anything is computed, so the
numbers written to the JSON (shortest round-trip repr) are exactly the float64
inputs sklearn saw.  y_true is the ints 0/1 (pos_label = 1), y_score is
float64 in [0, 1], sample_weight is float64 > 0 or null.

Conventions in the JSON
* NaN / +-inf results (and the +inf first ROC threshold) are written as
  ``null``; the JSON path of every such value and what it was ("nan", "inf",
  "-inf") is listed in the case's ``nonfinite`` map.
* Warnings sklearn emitted are recorded per metric (``Category: first line``)
  in the case's ``warnings`` map; exceptions sklearn raised are recorded as
  ``Type: message`` in ``exceptions`` (the metric's value is then null and the
  call is named in ``exceptions``).

See tests/fixtures/validation/README.md for the definitions that the Rust port
must mirror.
"""

import json
import math
import os
import platform
import sys
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

EXPECTED_VERSIONS = {"scikit-learn": "1.9.1", "numpy": "2.4.6", "scipy": "1.17.1"}

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "validation"))
OUT_FILE = os.path.join(OUT_DIR, "sklearn_metrics.json")

THRESHOLD = 0.5
MAX_FPRS = [("0.1", 0.1), ("0.5", 0.5)]
CURVE_MAX_ROWS = 60  # roc_curve / precision_recall_curve recorded when n < 60
EPS = float(np.finfo(np.float64).eps)  # log_loss clip in sklearn 1.9 (float64 input)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def r6(values):
    """Round to 6 significant digits; returns a list of Python floats."""
    return [float(f"{float(v):.6g}") for v in values]


def rdec(values, d):
    """Round to d decimals (nearest float64 to the decimal string)."""
    return [float(f"{float(v):.{d}f}") + 0.0 for v in values]


class Recorder:
    """Collects non-finite values, warnings, exceptions and notes for one case."""

    def __init__(self):
        self.nonfinite = {}
        self.warnings = {}
        self.exceptions = {}
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

    def arr(self, path, xs):
        return [self.num(f"{path}[{i}]", x) for i, x in enumerate(xs)]

    def call(self, name, fn, *args, **kwargs):
        """Run fn; record warnings under name; on exception record it and
        return None."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                res = fn(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 - recorded, not swallowed silently
                self.exceptions[name] = f"{type(e).__name__}: {e}"
                res = None
        msgs = []
        for w in caught:
            m = f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
            if m not in msgs:
                msgs.append(m)
        if msgs:
            self.warnings[name] = msgs
        return res


# --------------------------------------------------------------------------
# plain-Python reference implementations (the README formulas)
# --------------------------------------------------------------------------

def ref_clf_curve(y, s, w):
    """Distinct thresholds in decreasing order, with cumulative weighted
    TP / FP counts (sequential sums; ties kept in input order)."""
    n = len(y)
    w = [1.0] * n if w is None else w
    order = sorted(range(n), key=lambda i: -s[i])  # Python sort is stable
    thr, tps, fps = [], [], []
    tp = fp = 0.0
    for k, i in enumerate(order):
        if y[i] == 1:
            tp += w[i]
        else:
            fp += w[i]
        if k == n - 1 or s[order[k + 1]] != s[i]:
            thr.append(s[i])
            tps.append(tp)
            fps.append(fp)
    return thr, tps, fps


def ref_roc_auc(y, s, w, max_fpr=None):
    _, tps, fps = ref_clf_curve(y, s, w)
    if tps[-1] == 0 or fps[-1] == 0:
        return math.nan
    fpr = [0.0] + [f / fps[-1] for f in fps]
    tpr = [0.0] + [t / tps[-1] for t in tps]
    if max_fpr is not None:
        # stop = searchsorted(fpr, max_fpr, 'right'); interpolate one point
        stop = next(i for i, f in enumerate(fpr) if f > max_fpr)
        x0, x1, y0, y1 = fpr[stop - 1], fpr[stop], tpr[stop - 1], tpr[stop]
        yi = float(np.interp(max_fpr, [x0, x1], [y0, y1]))
        fpr = fpr[:stop] + [max_fpr]
        tpr = tpr[:stop] + [yi]
    area = 0.0
    for i in range(1, len(fpr)):
        area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2.0
    if max_fpr is None:
        return area
    min_area = 0.5 * max_fpr ** 2
    max_area = max_fpr
    return 0.5 * (1 + (area - min_area) / (max_area - min_area))


def ref_average_precision(y, s, w):
    _, tps, fps = ref_clf_curve(y, s, w)
    if tps[-1] == 0:
        return 0.0  # recall forced to 1 everywhere: every step is 0
    ap, prev_r = 0.0, 0.0
    for tp, fp in zip(tps, fps):
        r = tp / tps[-1]
        p = tp / (tp + fp) if tp + fp != 0 else 0.0
        ap += (r - prev_r) * p
        prev_r = r
    return max(0.0, ap)


def ref_counts(y, s, w):
    w = [1.0] * len(y) if w is None else w
    c = {"tn": 0.0, "fp": 0.0, "fn": 0.0, "tp": 0.0}
    for yi, si, wi in zip(y, s, w):
        pred = 1 if si >= THRESHOLD else 0
        c[{(0, 0): "tn", (0, 1): "fp", (1, 0): "fn", (1, 1): "tp"}[(yi, pred)]] += wi
    return c


def ref_threshold_metrics(c):
    tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]

    def d(a, b):
        return a / b if b != 0 else 0.0
    return {
        "precision": d(tp, tp + fp),
        "recall": d(tp, tp + fn),
        "f1": d(2.0 * tp, (tp + fn) + (tp + fp)),
        "accuracy": (tp + tn) / (tp + tn + fp + fn),
    }


def ref_log_loss(y, s, w):
    w = [1.0] * len(y) if w is None else w
    num = den = 0.0
    for yi, si, wi in zip(y, s, w):
        p = si if yi == 1 else 1.0 - si
        p = min(max(p, EPS), 1.0 - EPS)
        num += -math.log(p) * wi
        den += wi
    return num / den


def ref_brier(y, s, w):
    w = [1.0] * len(y) if w is None else w
    num = den = 0.0
    for yi, si, wi in zip(y, s, w):
        num += (((1 - yi) - (1.0 - si)) ** 2 + (yi - si) ** 2) * wi
        den += wi
    return 0.5 * (num / den)


class Consistency:
    def __init__(self):
        self.bitwise = 0
        self.inexact = 0
        self.max_abs = 0.0
        self.max_rel = 0.0

    def check(self, where, got, ref, rel=False):
        if got is None:
            return
        got, ref = float(got), float(ref)
        if math.isnan(got) or math.isnan(ref):
            assert math.isnan(got) and math.isnan(ref), (where, got, ref)
            self.bitwise += 1
            return
        if got == ref:
            self.bitwise += 1
            return
        self.inexact += 1
        a = abs(got - ref)
        r = a / max(abs(got), abs(ref))
        self.max_abs = max(self.max_abs, a)
        self.max_rel = max(self.max_rel, r)
        assert (r if rel else a) < 1e-12, (where, got, ref)


# --------------------------------------------------------------------------
# case construction
# --------------------------------------------------------------------------

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def random_case(seed, n, base=0.4, sep=1.5, noise=1.0, weights=False, decimals=None,
                wlo=0.2, whi=3.0):
    """y ~ Bernoulli(base); score = sigmoid(sep * (2y - 1) + N(0, noise)),
    rounded to 6 significant digits or to `decimals` decimals (ties)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < base).astype(np.int64)
    raw = sigmoid(sep * (2 * y - 1) + rng.normal(0.0, noise, n))
    s = r6(raw) if decimals is None else rdec(raw, decimals)
    w = r6(rng.uniform(wlo, whi, n)) if weights else None
    return [int(v) for v in y], s, w


def case_specs():
    C = []

    def add(name, description, y, s, w=None):
        assert len(y) == len(s) and (w is None or len(w) == len(y))
        assert all(v in (0, 1) for v in y)
        assert all(0.0 <= v <= 1.0 for v in s)
        assert w is None or all(v > 0 for v in w)
        C.append(dict(name=name, description=description, y=list(y), s=list(s),
                      w=None if w is None else list(w)))

    add("public_example_4", "sklearn docstring example: y=[0,0,1,1], "
        "score=[0.1,0.4,0.35,0.8] (roc_auc 0.75, average_precision 0.8333333333333333)",
        [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    add("public_example_weighted_4", "public example with weights [1, 2, 0.5, 1.5]",
        [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [1.0, 2.0, 0.5, 1.5])
    add("tiny_cross_class_ties_6", "6 rows; score ties that span both classes "
        "(0.7 and 0.2 each hold a positive and a negative)",
        [1, 0, 1, 0, 1, 0], [0.9, 0.7, 0.7, 0.2, 0.2, 0.05])
    y, s, w = random_case(201, 20)
    add("random_20", "20 rows, scores 6 significant digits, unweighted", y, s)
    y, s, w = random_case(202, 20, weights=True)
    add("random_weighted_20", "20 rows, float weights U(0.2, 3.0)", y, s, w)
    y, s, w = random_case(203, 50, decimals=1)
    add("ties_1dec_50", "50 rows, scores rounded to 1 decimal (many ties, some exactly "
        "0.5 = the threshold)", y, s)
    y, s, w = random_case(204, 50, decimals=1, weights=True)
    add("ties_1dec_weighted_50", "50 rows, 1-decimal scores, float weights", y, s, w)
    y, s, w = random_case(205, 200)
    add("random_200", "200 rows, unweighted", y, s)
    y, s, w = random_case(206, 200, weights=True)
    add("random_weighted_200", "200 rows, float weights U(0.2, 3.0)", y, s, w)
    y, s, w = random_case(207, 300, decimals=2, weights=True, sep=0.8)
    add("ties_2dec_weighted_300", "300 rows, 2-decimal scores, weak separation, "
        "float weights", y, s, w)
    y, s, w = random_case(208, 1000, decimals=1)
    add("ties_1dec_1000", "1000 rows, 1-decimal scores (11 distinct values)", y, s)
    y, s, w = random_case(209, 1000, decimals=1, weights=True)
    add("ties_1dec_weighted_1000", "1000 rows, 1-decimal scores, float weights", y, s, w)
    y, s, w = random_case(210, 500, base=0.03, sep=1.2)
    add("rare_positives_500", "500 rows, ~3% positives (partial AUC near the left "
        "edge, low precision)", y, s)
    y, s, w = random_case(211, 5000, sep=1.0, noise=1.2)
    add("random_5000", "5000 rows, unweighted (tight-tolerance case)", y, s)
    y, s, w = random_case(212, 5000, sep=1.0, noise=1.2, weights=True)
    add("random_weighted_5000", "5000 rows, float weights U(0.2, 3.0) "
        "(tight-tolerance case)", y, s, w)
    rng = np.random.default_rng(213)
    y = [int(v) for v in (rng.random(30) < 0.5)]
    add("all_scores_equal_0_5_30", "every score 0.5: one threshold, ROC = diagonal, "
        "every row predicted positive", y, [0.5] * 30)
    y = [int(v) for v in (rng.random(30) < 0.5)]
    add("all_scores_equal_0_3_weighted_30", "every score 0.3: no predicted positives "
        "at 0.5 (precision and F1 undefined), float weights", y, [0.3] * 30,
        r6(rng.uniform(0.2, 3.0, 30)))
    y = [1] * 15 + [0] * 25
    s = r6(np.concatenate([rng.uniform(0.55, 0.99, 15), rng.uniform(0.01, 0.45, 25)]))
    perm = rng.permutation(40)
    add("perfectly_separated_40", "every positive scores above every negative (and "
        "above 0.5, every negative below)", [y[i] for i in perm], [s[i] for i in perm])
    add("reversed_40", "perfectly_separated_40 with scores replaced by 1 - score "
        "(every positive below every negative: AUC 0)", [y[i] for i in perm],
        r6([1.0 - s[i] for i in perm]))
    y = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0]
    add("hard_0_1_separated_12", "scores exactly 1.0 for positives and 0.0 for "
        "negatives: log_loss is the clipped -log(1 - eps)", y, [float(v) for v in y])
    add("hard_0_1_reversed_weighted_12", "scores exactly 0.0 for positives and 1.0 for "
        "negatives, float weights: every log-loss term is clipped, -log(eps)", y,
        [float(1 - v) for v in y], r6(rng.uniform(0.2, 3.0, 12)))
    y = [0] * 25
    add("single_class_negative_25", "y_true all 0: ROC AUC, partial AUC, recall, "
        "TPR undefined", y, r6(rng.uniform(0.0, 1.0, 25)))
    add("single_class_negative_low_scores_10", "y_true all 0 and every score < 0.5: "
        "precision, recall AND f1 undefined at 0.5 (tp + fn + tp + fp = 0); accuracy 1",
        [0] * 10, r6(rng.uniform(0.0, 0.45, 10)))
    y = [1] * 25
    add("single_class_positive_weighted_25", "y_true all 1, float weights: ROC AUC, "
        "partial AUC, FPR undefined", y, r6(rng.uniform(0.0, 1.0, 25)),
        r6(rng.uniform(0.2, 3.0, 25)))
    # ROC points land exactly on max_fpr = 0.1 and 0.5 (10 negatives)
    y = [1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0]
    s = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35,
         0.3, 0.25, 0.2, 0.15, 0.12, 0.1, 0.05]
    add("fpr_hits_max_fpr_20", "10 negatives, distinct scores: the ROC has points at "
        "FPR exactly 0.1 and 0.5 (searchsorted 'right' boundary of the partial AUC)", y, s)
    y, s, w = random_case(214, 59, decimals=1, weights=True, sep=0.6)
    add("few_distinct_weighted_59", "59 rows (largest case with curves), 1-decimal "
        "scores, weak separation, float weights", y, s, w)
    return C


# --------------------------------------------------------------------------
# sklearn
# --------------------------------------------------------------------------

def sklearn_block(rec, cons, spec):
    name = spec["name"]
    y = np.asarray(spec["y"], dtype=np.int64)
    s = np.asarray(spec["s"], dtype=np.float64)
    w = None if spec["w"] is None else np.asarray(spec["w"], dtype=np.float64)
    kw = {} if w is None else {"sample_weight": w}
    yl, sl, wl = spec["y"], spec["s"], spec["w"]
    out = {}

    v = rec.call("roc_auc", roc_auc_score, y, s, **kw)
    out["roc_auc"] = rec.num("sklearn.roc_auc", v)
    cons.check(f"{name}.roc_auc", v, ref_roc_auc(yl, sl, wl))
    for key, mf in MAX_FPRS:
        k = f"roc_auc_max_fpr_{key}"
        v = rec.call(k, roc_auc_score, y, s, max_fpr=mf, **kw)
        out[k] = rec.num(f"sklearn.{k}", v)
        cons.check(f"{name}.{k}", v, ref_roc_auc(yl, sl, wl, mf))
    v = rec.call("average_precision", average_precision_score, y, s, **kw)
    out["average_precision"] = rec.num("sklearn.average_precision", v)
    cons.check(f"{name}.average_precision", v, ref_average_precision(yl, sl, wl))

    # thresholded metrics
    yp = (s >= THRESHOLD).astype(np.int64)
    c = ref_counts(yl, sl, wl)
    tb = {"threshold": THRESHOLD, "rule": "y_pred = 1 if y_score >= 0.5 else 0",
          "n_predicted_positive": int(yp.sum())}
    undefined = []
    if c["tp"] + c["fp"] == 0:
        undefined.append("precision")
    if c["tp"] + c["fn"] == 0:
        undefined.append("recall")
    if c["tp"] + c["fn"] + c["tp"] + c["fp"] == 0:
        undefined.append("f1")
    refm = ref_threshold_metrics(c)
    for m, fn in (("precision", precision_score), ("recall", recall_score),
                  ("f1", f1_score)):
        v = rec.call(f"threshold_0_5.{m}", fn, y, yp, zero_division=0, **kw)
        tb[m] = rec.num(f"sklearn.threshold_0_5.{m}", v)
        cons.check(f"{name}.{m}", v, refm[m])
    v = rec.call("threshold_0_5.accuracy", accuracy_score, y, yp, **kw)
    tb["accuracy"] = rec.num("sklearn.threshold_0_5.accuracy", v)
    cons.check(f"{name}.accuracy", v, refm["accuracy"])
    tb["undefined"] = undefined
    # the warning sklearn gives for each undefined metric with zero_division="warn"
    uw = {}
    for m, fn in (("precision", precision_score), ("recall", recall_score),
                  ("f1", f1_score)):
        if m in undefined:
            probe = Recorder()
            pv = probe.call(m, fn, y, yp, zero_division="warn", **kw)
            assert float(pv) == 0.0
            uw[m] = probe.warnings.get(m, [])
    tb["undefined_warnings_with_zero_division_warn"] = uw
    cm = rec.call("threshold_0_5.confusion_matrix", confusion_matrix, y, yp,
                  labels=[0, 1], **kw)
    cmf = [[float(cm[0][0]), float(cm[0][1])], [float(cm[1][0]), float(cm[1][1])]]
    assert cmf == [[c["tn"], c["fp"]], [c["fn"], c["tp"]]], (name, cmf, c)
    tb["confusion_matrix"] = cmf
    tb["counts"] = {k: c[k] for k in ("tn", "fp", "fn", "tp")}
    out["threshold_0_5"] = tb

    v = rec.call("log_loss", log_loss, y, s, labels=[0, 1], **kw)
    out["log_loss"] = rec.num("sklearn.log_loss", v)
    cons.check(f"{name}.log_loss", v, ref_log_loss(yl, sl, wl), rel=True)
    v = rec.call("brier_score_loss", brier_score_loss, y, s, **kw)
    out["brier_score_loss"] = rec.num("sklearn.brier_score_loss", v)
    cons.check(f"{name}.brier_score_loss", v, ref_brier(yl, sl, wl))

    if len(set(yl)) < 2:
        # what sklearn does when labels are NOT given for a single-class y_true
        rec.call("log_loss(labels=None)", log_loss, y, s, **kw)
        rec.notes.append(
            "single-class y_true: sklearn 1.9.1 roc_auc_score (with or without max_fpr) "
            "does NOT raise; it returns NaN (null here) with UndefinedMetricWarning 'Only "
            "one class is present in y_true. ROC AUC score is not defined in that case.' "
            "(older releases raised ValueError 'Only one class present in y_true. ROC AUC "
            "score is not defined in that case.'). log_loss raises ValueError only without "
            "labels=[0,1] (see exceptions). " + (
                "No positives: average_precision_score returns 0.0 with UserWarning "
                "(recall forced to 1 at every threshold), roc_curve tpr is all NaN."
                if sum(yl) == 0 else
                "No negatives: average_precision_score is defined (1.0 when every "
                "threshold has precision 1), roc_curve fpr is all NaN."))
    for m in undefined:
        rec.notes.append(
            f"{m} is undefined at threshold 0.5 ("
            + {"precision": "no predicted positives, tp + fp = 0",
               "recall": "no positives, tp + fn = 0",
               "f1": "no positives and no predicted positives"}[m]
            + "); sklearn returns the zero_division value 0.0 (recorded), no warning "
            "with zero_division=0")
    if any(v in (0.0, 1.0) for v in sl):
        rec.notes.append(
            "some scores are exactly 0.0 or 1.0: log_loss clips p to [eps, 1 - eps], "
            "eps = 2.220446049250313e-16, so a confidently right row costs "
            "-log(1 - eps) and a confidently wrong row -log(eps) = 36.04365338911715")

    if len(yl) < CURVE_MAX_ROWS:
        curves = {}
        for key, drop in (("drop_intermediate_true", True), ("drop_intermediate_false", False)):
            r = rec.call(f"roc_curve.{key}", roc_curve, y, s, drop_intermediate=drop, **kw)
            fpr, tpr, thr = r
            p = f"sklearn.roc_curve.{key}"
            curves[key] = {"fpr": rec.arr(f"{p}.fpr", fpr), "tpr": rec.arr(f"{p}.tpr", tpr),
                           "thresholds": rec.arr(f"{p}.thresholds", thr)}
        # cross-check the undropped curve against the reference sweep
        thr_r, tps_r, fps_r = ref_clf_curve(yl, sl, wl)
        full = curves["drop_intermediate_false"]
        assert full["thresholds"][1:] == thr_r, name
        if tps_r[-1] > 0 and fps_r[-1] > 0:
            for a, b in zip(full["fpr"], [0.0] + [f / fps_r[-1] for f in fps_r]):
                cons.check(f"{name}.roc_curve.fpr", a, b)
            for a, b in zip(full["tpr"], [0.0] + [t / tps_r[-1] for t in tps_r]):
                cons.check(f"{name}.roc_curve.tpr", a, b)
        out["roc_curve"] = curves
        r = rec.call("precision_recall_curve", precision_recall_curve, y, s, **kw)
        pr, rc, th = r
        p = "sklearn.precision_recall_curve"
        out["precision_recall_curve"] = {
            "precision": rec.arr(f"{p}.precision", pr), "recall": rec.arr(f"{p}.recall", rc),
            "thresholds": rec.arr(f"{p}.thresholds", th)}
    return out


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
    got = {"scikit-learn": sklearn.__version__, "numpy": np.__version__,
           "scipy": scipy.__version__}
    if "--any-version" not in sys.argv and got != EXPECTED_VERSIONS:
        sys.exit(f"expected {EXPECTED_VERSIONS}, got {got} (pass --any-version to override)")
    cons = Consistency()
    cases = []
    for spec in case_specs():
        rec = Recorder()
        sk = sklearn_block(rec, cons, spec)
        yl, wl = spec["y"], spec["w"]
        n_pos = sum(yl)
        case = {
            "name": spec["name"],
            "description": spec["description"],
            "n": len(yl),
            "n_positive": n_pos,
            "n_negative": len(yl) - n_pos,
            "n_distinct_scores": len(set(spec["s"])),
            "weighted": wl is not None,
            "single_class": n_pos in (0, len(yl)),
            "curves_included": len(yl) < CURVE_MAX_ROWS,
            "inputs": {"y_true": yl, "y_score": spec["s"], "sample_weight": wl},
            "sklearn": sk,
        }
        if rec.warnings:
            case["warnings"] = rec.warnings
        if rec.exceptions:
            case["exceptions"] = rec.exceptions
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
            "generator": "tests/oracles/validation_metrics_fixtures.py",
        },
        "definitions": {
            "inputs": "y_true ints 0/1 (pos_label 1), y_score float64 in [0, 1], "
                      "sample_weight float64 > 0 or null; sample_weight is passed to every "
                      "sklearn call when not null",
            "roc_auc": "sklearn.metrics.roc_auc_score: trapezoid rule over the ROC "
                       "points of the DISTINCT score thresholds (tied scores form one "
                       "point, i.e. a diagonal segment = half credit), curve starts at (0,0)",
            "roc_auc_max_fpr": "roc_auc_score(max_fpr=m): cut the ROC at FPR = m "
                               "(stop = searchsorted(fpr, m, 'right'), TPR linearly "
                               "interpolated between points stop-1 and stop), pAUC by "
                               "trapezoid, then McClish: 0.5*(1 + (pAUC - 0.5*m^2)/(m - 0.5*m^2))",
            "average_precision": "sklearn.metrics.average_precision_score: "
                                 "sum_k (R_k - R_{k-1}) * P_k over distinct thresholds in "
                                 "decreasing order, R_0 = 0, no interpolation; "
                                 "max(0, .) clamps -0.0",
            "threshold_0_5": "y_pred = (y_score >= 0.5); precision/recall/f1_score with "
                             "zero_division=0, accuracy_score, confusion_matrix(labels=[0,1]) "
                             "= [[tn, fp], [fn, tp]] (weighted sums when weighted); f1 = "
                             "2tp/((tp+fn)+(tp+fp))",
            "log_loss": "log_loss(labels=[0,1]): p clipped to [eps, 1-eps], eps = "
                        "np.finfo(float64).eps = 2.220446049250313e-16 (the dtype eps, "
                        "sklearn >= 1.5); per-row -log(clip(p)) if y=1 else -log(clip(1-p)); "
                        "mean, or sum(w*l)/sum(w) when weighted",
            "brier_score_loss": "0.5 * average over rows of ((1-y) - (1-p))^2 + (y - p)^2 "
                                "(= (y-p)^2 up to rounding), weighted average sum(w*b)/sum(w)",
            "roc_curve": "recorded for n < 60, drop_intermediate True and False; "
                         "thresholds[0] = +inf (null, see nonfinite)",
        },
        "consistency": {
            "description": "recorded sklearn scalars / curve points vs the plain-Python "
                           "sequential-sum reference implementations of the README formulas",
            "bitwise_equal": cons.bitwise,
            "differing_by_rounding": cons.inexact,
            "max_abs_difference": cons.max_abs,
            "max_rel_difference": cons.max_rel,
        },
        "cases": cases,
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    text = dump(doc)
    with open(OUT_FILE, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    print(f"wrote {OUT_FILE}: {len(cases)} cases, {len(text)} bytes; "
          f"bitwise={cons.bitwise} inexact={cons.inexact} max_abs={cons.max_abs} "
          f"max_rel={cons.max_rel}")


if __name__ == "__main__":
    main()
