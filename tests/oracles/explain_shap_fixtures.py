#!/usr/bin/env python3
"""Golden-fixture generator for the explanation crate (Rust port of
interventional Shapley values: exact enumeration and Kernel SHAP).

Made with: shap 0.51.0, numpy 2.4.6, scipy 1.17.1, scikit-learn 1.9.1,
numba 0.68.1 (llvmlite 0.50.0) on CPython 3.11.7 (x86_64 Linux).  The script
refuses to run with other versions unless ``--any-version`` is given (the
values would then have to be re-reviewed).

What is recorded (see tests/fixtures/explain/README.md for the formulas):
* ``exact``: ``shap.explainers.ExactExplainer(f, shap.maskers.Independent(
  background, max_samples=B))`` for M in {1, 2, 3, 5, 8, 10} features x four
  model kinds, with B in {1, 7, 50} background rows.
* ``kernel_full``: ``shap.KernelExplainer(f, background).shap_values(x,
  nsamples=2**M + 100, l1_reg=False)`` for M in {3, 5, 8}: every coalition is
  enumerated, so the result is deterministic and equals the exact values.
* ``kernel_sampled``: ``KernelExplainer`` with the default nsamples ("auto" =
  2*M + 2048) and ``l1_reg=False`` for M = 12 and 16, ``np.random.seed`` fixed;
  plus 10 replicate runs with other seeds (per-feature standard deviation).
* ``quirks``: small demonstrations of shap behaviour a port must know about
  (near-equal features treated as non-varying, ExactExplainer's IndexError on a
  batch whose later row has no varying feature, the default l1_reg, nsamples
  "auto").

Every case also carries the interventional Shapley values computed here
WITHOUT shap, by the textbook formula over all subsets
    phi_i = sum_{S subset N minus {i}} |S|! (M-|S|-1)! / M! * (v(S u {i}) - v(S)),
    v(S)  = mean over background rows b of f(x_S, b_notS)
(``reference``, computed with itertools.combinations and math.fsum); the
generator asserts shap agrees to 1e-9 (exact, kernel_full) and records the
largest difference.  For the linear identity model it also asserts
phi_i = w_i * (x_i - mean_b b_i) to 1e-9.

How to run (from anywhere; keep the virtualenv OUTSIDE the repo):

    python3.11 -m venv /tmp/shapvenv
    /tmp/shapvenv/bin/pip install shap==0.51.0 numpy==2.4.6 scipy==1.17.1 \\
        scikit-learn==1.9.1 numba==0.68.1
    nice /tmp/shapvenv/bin/python -B tests/oracles/explain_shap_fixtures.py

It takes about 30 s (numba compiles shap's kernels on first use).

Output: ``tests/fixtures/explain/shap.json`` (path relative to this script, so
the working directory does not matter).  The output is byte-for-byte
deterministic: every random input comes from ``numpy.random.default_rng(<fixed
seed>)`` and is rounded to 6 significant digits (``float(f"{x:.6g}")``) BEFORE
use, so the numbers in the JSON (shortest round-trip repr) are exactly the
float64 inputs shap saw; Kernel SHAP's sampling uses the legacy global
``np.random.seed(<fixed seed>)``; BLAS/OpenMP are pinned to one thread.  JSON:
sorted keys, indent=1, numeric arrays on one line, no NaN/inf.
"""

import os

# One BLAS / OpenMP thread: keeps np.linalg.solve reductions in a fixed order.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import itertools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
import shap  # noqa: E402
import sklearn  # noqa: E402

EXPECTED_VERSIONS = {"shap": "0.51.0", "numpy": "2.4.6", "scipy": "1.17.1",
                     "scikit-learn": "1.9.1", "numba": "0.68.1"}

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "explain"))
OUT_FILE = os.path.join(OUT_DIR, "shap.json")

AGREE = 1e-9          # asserted shap-vs-enumeration agreement (exact, kernel_full)
N_REPLICATES = 10     # kernel_sampled replicate runs
KERNEL_MAIN_SEED = 20240
KERNEL_REPLICATE_SEEDS = [KERNEL_MAIN_SEED + 1 + k for k in range(N_REPLICATES)]

logging.getLogger("shap").setLevel(logging.ERROR)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def r6(x):
    """Round to 6 significant digits (float or nested lists/arrays)."""
    if isinstance(x, np.ndarray):
        return [r6(v) for v in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [r6(v) for v in x]
    return float(f"{float(x):.6g}") + 0.0


def fl(x):
    """Plain Python float / nested lists of floats (finite) for the JSON."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return [fl(v) for v in x]
    x = float(x)
    assert math.isfinite(x), x
    return x + 0.0  # no -0.0


def maxabs(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def call_recording_warnings(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fn(*args, **kwargs)
    msgs = []
    for w in caught:
        m = f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
        if m not in msgs:
            msgs.append(m)
    return res, msgs


# --------------------------------------------------------------------------
# models (described as data; evaluated here in a fixed, documented order)
# --------------------------------------------------------------------------

def model_fn(model):
    """numpy, vectorised over rows.  Summation order (left to right):
    linear/interaction: z = intercept + w_0 x_0 + ... + w_{M-1} x_{M-1}
                          + c_0 x_i0 x_j0 + c_1 x_i1 x_j1 + ...   ((c*x_i)*x_j)
    max_plus:           z = max(x_a, x_b) + intercept + w_0 x_0 + ... + w_{M-1} x_{M-1}
    link logistic:      1 / (1 + exp(-z)); identity: z."""
    kind = model["kind"]
    w = [float(v) for v in model["weights"]]

    def f(X):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        n = X.shape[0]
        if kind in ("linear", "interaction"):
            z = np.full(n, float(model["intercept"]))
            for i, wi in enumerate(w):
                z = z + wi * X[:, i]
            if kind == "interaction":
                for i, j, c in model["pairs"]:
                    z = z + float(c) * X[:, i] * X[:, j]
            if model["link"] == "logistic":
                return 1.0 / (1.0 + np.exp(-z))
            assert model["link"] == "identity"
            return z
        assert kind == "max_plus"
        z = np.maximum(X[:, model["a"]], X[:, model["b"]]) + float(model["intercept"])
        for i, wi in enumerate(w):
            z = z + wi * X[:, i]
        return z

    return f


def make_model(rng, variant, M):
    """variant: linear_identity | linear_logistic | interaction_logistic | max_plus."""
    scale = 2.0 / math.sqrt(M)  # keeps z = O(1) so the logistic is not saturated
    weights = r6(rng.uniform(-1.0, 1.0, M) * scale)
    intercept = r6(rng.uniform(-0.5, 0.5))
    if variant in ("linear_identity", "linear_logistic"):
        return {"kind": "linear", "weights": weights, "intercept": intercept,
                "link": "identity" if variant == "linear_identity" else "logistic"}
    if variant == "interaction_logistic":
        if M == 1:
            pairs_ij = [(0, 0)]  # a squared term: i == j is allowed
        else:
            allp = list(itertools.combinations(range(M), 2))
            k = min(len(allp), M // 2 + 1)
            pick = sorted(rng.choice(len(allp), size=k, replace=False).tolist())
            pairs_ij = [allp[p] for p in pick]
        coefs = r6(rng.uniform(-1.0, 1.0, len(pairs_ij)) * scale)
        pairs = [[int(i), int(j), c] for (i, j), c in zip(pairs_ij, coefs)]
        return {"kind": "interaction", "weights": weights, "pairs": pairs,
                "intercept": intercept, "link": "logistic"}
    assert variant == "max_plus"
    if M == 1:
        a, b = 0, 0
    else:
        a, b = sorted(int(v) for v in rng.choice(M, size=2, replace=False))
    return {"kind": "max_plus", "a": a, "b": b, "weights": weights, "intercept": intercept}


def make_data(rng, M, B, n_rows):
    mu = rng.uniform(-1.0, 1.0, M)
    background = r6(mu + rng.normal(0.0, 1.0, (B, M)))
    rows = r6(mu + rng.normal(0.0, 1.0, (n_rows, M)))
    return background, rows


# --------------------------------------------------------------------------
# textbook interventional Shapley values (no shap)
# --------------------------------------------------------------------------

def coalition_values(f, x, bg, chunk=4096):
    """v[mask] for every bitmask over M features (bit j set = feature j taken
    from x): math.fsum over background rows of f(x_S, b_notS), divided by B."""
    x = np.asarray(x, dtype=np.float64)
    bg = np.asarray(bg, dtype=np.float64)
    B, M = bg.shape
    n = 1 << M
    v = [0.0] * n
    bits = np.array([1 << j for j in range(M)], dtype=np.int64)
    for start in range(0, n, chunk):
        masks = np.arange(start, min(n, start + chunk), dtype=np.int64)
        on = (masks[:, None] & bits[None, :]) != 0                 # (k, M)
        Z = np.where(on[:, None, :], x[None, None, :], bg[None, :, :])  # (k, B, M)
        out = f(Z.reshape(-1, M)).reshape(len(masks), B)
        for r, m in enumerate(masks.tolist()):
            v[m] = math.fsum(out[r].tolist()) / B
    return v


def textbook_shapley(f, x, bg):
    """phi_i = sum_{S subset N minus {i}} |S|!(M-|S|-1)!/M! (v(S u {i}) - v(S)),
    enumerated with itertools.combinations, summed with math.fsum.
    Returns (phi, v(empty) = base value, v(N) = f(x))."""
    M = len(x)
    v = coalition_values(f, x, bg)
    fact = [math.factorial(k) for k in range(M + 1)]
    coef = [fact[s] * fact[M - s - 1] / fact[M] for s in range(M)]  # exact int ratio, rounded once
    phi = []
    for i in range(M):
        others = [j for j in range(M) if j != i]
        terms = []
        for s in range(M):
            for S in itertools.combinations(others, s):
                m = 0
                for j in S:
                    m |= 1 << j
                terms.append(coef[s] * (v[m | (1 << i)] - v[m]))
        phi.append(math.fsum(terms))
    return phi, v[0], v[(1 << M) - 1]


def reference_block(f, rows, bg):
    vals, bases, fulls = [], [], []
    for x in rows:
        phi, base, full = textbook_shapley(f, x, bg)
        vals.append(phi)
        bases.append(base)
        fulls.append(full)
    base = bases[0]
    assert all(b == base for b in bases)
    return {"values": fl(vals), "base_value": fl(base), "v_full": fl(fulls)}


def check_linear_identity(model, rows, bg, values, what):
    if not (model["kind"] == "linear" and model["link"] == "identity"):
        return None
    M = len(model["weights"])
    means = [math.fsum(b[i] for b in bg) / len(bg) for i in range(M)]
    worst = 0.0
    for r, x in enumerate(rows):
        for i in range(M):
            want = model["weights"][i] * (x[i] - means[i])
            d = abs(values[r][i] - want)
            worst = max(worst, d)
            assert d <= AGREE, (what, r, i, values[r][i], want)
    return worst


# --------------------------------------------------------------------------
# shap calls
# --------------------------------------------------------------------------

def shap_exact(f, bg, rows):
    B = len(bg)
    masker = shap.maskers.Independent(np.array(bg, dtype=np.float64), max_samples=B)
    explainer = shap.explainers.ExactExplainer(f, masker)
    # One row per call: shap 0.51.0's Explainer.__call__ shadows its main_effects
    # argument with a list, so from the 2nd row of a batch on it also computes main
    # effects, which raises IndexError for a row where no feature varies (see the
    # quirk "quirk_exact_batch_main_effects_indexerror").
    values, base, msgs = [], [], []
    for r in range(len(rows)):
        expl, m = call_recording_warnings(explainer, np.array(rows[r:r + 1], dtype=np.float64),
                                          silent=True)
        values.append(np.asarray(expl.values, dtype=np.float64).reshape(-1))
        base.append(float(np.asarray(expl.base_values, dtype=np.float64).reshape(-1)[0]))
        msgs += [x for x in m if x not in msgs]
    values = np.array(values)
    base = np.array(base)
    assert values.shape == (len(rows), len(rows[0]))
    return values, base, msgs


def kernel_run(f, bg, rows, seed, **kwargs):
    ke = shap.KernelExplainer(f, np.array(bg, dtype=np.float64))
    np.random.seed(seed)
    vals, msgs = call_recording_warnings(ke.shap_values, np.array(rows, dtype=np.float64),
                                         silent=True, **kwargs)
    vals = np.asarray(vals, dtype=np.float64)
    assert vals.shape == (len(rows), len(rows[0]))
    return vals, float(ke.expected_value), ke, msgs


def kernel_enumerated_sizes(M, nsamples):
    """Mirror of shap 0.51.0 KernelExplainer.explain: which subset sizes are
    fully enumerated (with their complements) before sampling starts."""
    nsamples = min(nsamples, 2 ** M - 2) if M <= 30 else nsamples
    n_sizes = int(math.ceil((M - 1) / 2.0))
    n_paired = int(math.floor((M - 1) / 2.0))
    wv = np.array([(M - 1.0) / (i * (M - i)) for i in range(1, n_sizes + 1)])
    wv[:n_paired] *= 2
    wv /= np.sum(wv)
    left = nsamples
    rem = wv.copy()
    sizes = []
    n_coal = 0
    for s in range(1, n_sizes + 1):
        nsub = math.comb(M, s) * (2 if s <= n_paired else 1)
        if left * rem[s - 1] / nsub >= 1.0 - 1e-8:
            sizes.append(s)
            n_coal += nsub
            left -= nsub
            if rem[s - 1] < 1.0:
                rem /= 1 - rem[s - 1]
        else:
            break
    with_complements = sorted(set(sizes) | {M - s for s in sizes})
    return nsamples, with_complements, n_coal


# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------

VARIANTS = ["linear_identity", "linear_logistic", "interaction_logistic", "max_plus"]
EXACT_MS = [1, 2, 3, 5, 8, 10]
EXACT_BS = [1, 7, 50]
KERNEL_FULL_MS = [3, 5, 8]


def predictions(f, rows):
    return fl(f(np.array(rows, dtype=np.float64)))


class Summary:
    def __init__(self):
        self.max_diff = {}

    def note(self, key, d):
        self.max_diff[key] = max(self.max_diff.get(key, 0.0), float(d))


def exact_cases(summary):
    cases = []
    for mi, M in enumerate(EXACT_MS):
        for vi, variant in enumerate(VARIANTS):
            B = EXACT_BS[(mi + vi) % 3]
            seed = 1000 + 10 * M + vi
            rng = np.random.default_rng(seed)
            model = make_model(rng, variant, M)
            bg, rows = make_data(rng, M, B, 3)
            notes = []
            if B == 1:
                # a feature equal to the background makes no contribution (exactly 0)
                rows[2][0] = bg[0][0]
                notes.append("rows[2][0] == background[0][0]: feature 0 does not vary "
                             "for row 2, its value is exactly 0")
            f = model_fn(model)
            values, base, msgs = shap_exact(f, bg, rows)
            ref = reference_block(f, rows, bg)
            preds = predictions(f, rows)
            d_vals = maxabs(values, ref["values"])
            d_base = maxabs(base, [ref["base_value"]] * len(rows))
            assert d_vals <= AGREE and d_base <= AGREE, (M, variant, d_vals, d_base)
            additivity = maxabs(values.sum(axis=1) + base, preds)
            assert additivity <= AGREE
            lin = check_linear_identity(model, rows, bg, values.tolist(), "exact")
            summary.note("exact_values_vs_reference", d_vals)
            summary.note("exact_base_vs_reference", d_base)
            summary.note("exact_additivity", additivity)
            case = {
                "id": f"exact_{variant}_m{M}_b{B}",
                "method": "exact",
                "shap_call": f"shap.explainers.ExactExplainer(f, shap.maskers.Independent("
                             f"background, max_samples={B})); explainer(rows[r:r+1], silent=True) "
                             f"for each row r",
                "seed": seed,
                "n_features": M,
                "n_background": B,
                "model": model,
                "background": bg,
                "rows": rows,
                "values": fl(values),
                "base_values": fl(base),
                "predictions": preds,
                "reference": ref,
                "max_abs_diff": {
                    "values_shap_vs_reference": d_vals,
                    "base_values_shap_vs_reference": d_base,
                    "additivity_shap": additivity,
                },
                "tolerances": {
                    "values_abs": 1e-9,
                    "base_values_abs": 1e-12,
                    "predictions_abs": 1e-12,
                    "additivity_abs": 1e-9,
                },
            }
            if lin is not None:
                case["max_abs_diff"]["linear_closed_form"] = lin
                summary.note("linear_closed_form", lin)
            if msgs:
                case["warnings"] = msgs
            if notes:
                case["notes"] = notes
            cases.append(case)
    return cases


def kernel_full_cases(summary):
    cases = []
    for mi, M in enumerate(KERNEL_FULL_MS):
        for vi, variant in enumerate(VARIANTS):
            B = EXACT_BS[(mi + vi + 1) % 3]
            seed = 2000 + 10 * M + vi
            rng = np.random.default_rng(seed)
            model = make_model(rng, variant, M)
            bg, rows = make_data(rng, M, B, 3)
            notes = []
            if B == 1:
                rows[2][1] = bg[0][1]
                notes.append("rows[2][1] == background[0][1]: KernelExplainer drops the "
                             "non-varying feature (value exactly 0) and solves over the "
                             f"other {M - 1} features")
            f = model_fn(model)
            nsamples = 2 ** M + 100
            values, ev, ke, msgs = kernel_run(f, bg, rows, KERNEL_MAIN_SEED,
                                              nsamples=nsamples, l1_reg=False)
            assert ke.nsamples == 2 ** ke.M - 2
            ref = reference_block(f, rows, bg)
            ex_vals, ex_base, _ = shap_exact(f, bg, rows)
            preds = predictions(f, rows)
            d_vals = maxabs(values, ref["values"])
            d_ev = abs(ev - ref["base_value"])
            d_exact = maxabs(values, ex_vals)
            assert d_vals <= AGREE and d_ev <= AGREE, (M, variant, d_vals, d_ev)
            additivity = maxabs(values.sum(axis=1) + ev, preds)
            assert additivity <= AGREE
            lin = check_linear_identity(model, rows, bg, values.tolist(), "kernel_full")
            summary.note("kernel_full_values_vs_reference", d_vals)
            summary.note("kernel_full_values_vs_shap_exact", d_exact)
            summary.note("kernel_full_expected_value_vs_reference", d_ev)
            case = {
                "id": f"kernel_full_{variant}_m{M}_b{B}",
                "method": "kernel_full",
                "shap_call": f"shap.KernelExplainer(f, background).shap_values(rows, "
                             f"nsamples={nsamples}, l1_reg=False, silent=True)",
                "seed": seed,
                "n_features": M,
                "n_background": B,
                "nsamples_requested": nsamples,
                "nsamples_used": 2 ** M - 2,
                "model": model,
                "background": bg,
                "rows": rows,
                "values": fl(values),
                "base_values": fl([ev] * len(rows)),
                "expected_value": fl(ev),
                "predictions": preds,
                "reference": ref,
                "shap_exact_values": fl(ex_vals),
                "equals_exact": bool(d_vals <= AGREE),
                "max_abs_diff": {
                    "values_shap_vs_reference": d_vals,
                    "values_shap_kernel_vs_shap_exact": d_exact,
                    "expected_value_shap_vs_reference": d_ev,
                    "additivity_shap": additivity,
                },
                "tolerances": {
                    "values_abs": 1e-8,
                    "expected_value_abs": 1e-12,
                    "predictions_abs": 1e-12,
                    "additivity_abs": 1e-9,
                },
            }
            if lin is not None:
                case["max_abs_diff"]["linear_closed_form"] = lin
                summary.note("linear_closed_form", lin)
            if msgs:
                case["warnings"] = msgs
            if notes:
                case["notes"] = notes
            cases.append(case)
    return cases


def kernel_sampled_cases(summary):
    cases = []
    specs = [(12, "interaction_logistic", 3012), (16, "linear_logistic", 3016)]
    for M, variant, seed in specs:
        rng = np.random.default_rng(seed)
        model = make_model(rng, variant, M)
        bg, rows = make_data(rng, M, 20, 2)
        f = model_fn(model)
        values, ev, ke, msgs = kernel_run(f, bg, rows, KERNEL_MAIN_SEED, l1_reg=False)
        nsamples_auto = 2 * M + 2048
        assert ke.nsamples == nsamples_auto
        _, enum_sizes, n_enum = kernel_enumerated_sizes(M, nsamples_auto)
        # check the mirror against shap's own mask matrix (last explained row)
        sizes_seen = ke.maskMatrix.sum(axis=1)
        assert int(np.isin(sizes_seen, enum_sizes).sum()) == n_enum, (M, enum_sizes)
        ref = reference_block(f, rows, bg)
        ex_vals, ex_base, _ = shap_exact(f, bg, rows)
        d_exact_ref = maxabs(ex_vals, ref["values"])
        assert d_exact_ref <= AGREE
        summary.note("shap_exact_vs_reference_m12_m16", d_exact_ref)
        reps = []
        for s in KERNEL_REPLICATE_SEEDS:
            rv, rev, _, _ = kernel_run(f, bg, rows, s, l1_reg=False)
            assert rev == ev
            reps.append(rv)
        reps = np.array(reps)                       # (10, rows, M)
        sd = reps.std(axis=0, ddof=1)               # (rows, M)
        ref_vals = np.array(ref["values"])
        z_main = np.abs(values - ref_vals) / sd
        z_reps = np.abs(reps - ref_vals[None]) / sd[None]
        d_vals = maxabs(values, ref_vals)
        d_ev = abs(ev - ref["base_value"])
        assert d_ev <= AGREE
        additivity = maxabs(values.sum(axis=1) + ev, predictions(f, rows))
        summary.note("kernel_sampled_values_vs_reference", d_vals)
        summary.note("kernel_sampled_max_z", float(max(z_main.max(), z_reps.max())))
        case = {
            "id": f"kernel_sampled_{variant}_m{M}_b20",
            "method": "kernel_sampled",
            "shap_call": f"np.random.seed({KERNEL_MAIN_SEED}); shap.KernelExplainer(f, "
                         f"background).shap_values(rows, l1_reg=False, silent=True)  "
                         f"# nsamples='auto' = 2*M + 2048 = {nsamples_auto}",
            "seed": seed,
            "numpy_random_seed": KERNEL_MAIN_SEED,
            "n_features": M,
            "n_background": 20,
            "nsamples_used": nsamples_auto,
            "fully_enumerated_subset_sizes": enum_sizes,
            "n_enumerated_coalitions": n_enum,
            "model": model,
            "background": bg,
            "rows": rows,
            "values": fl(values),
            "base_values": fl([ev] * len(rows)),
            "expected_value": fl(ev),
            "predictions": predictions(f, rows),
            "reference": ref,
            "reference_method": f"full enumeration of all 2^{M} = {2 ** M} coalitions x 20 "
                                "background rows (vectorised), textbook formula",
            "shap_exact_values": fl(ex_vals),
            "replicates": {
                "numpy_random_seeds": KERNEL_REPLICATE_SEEDS,
                "values": fl(reps),
                "sd": fl(sd),
                "mean": fl(reps.mean(axis=0)),
                "sd_ddof": 1,
            },
            "max_abs_diff": {
                "values_shap_vs_reference": d_vals,
                "values_shap_exact_vs_reference": d_exact_ref,
                "expected_value_shap_vs_reference": d_ev,
                "additivity_shap": additivity,
            },
            "max_z": {
                "main_run": float(z_main.max()),
                "replicates": float(z_reps.max()),
                "description": "max over rows/features of |shap value - reference| / sd",
            },
            "tolerances": {
                "sampled_within_sd": 4.0,
                "sampled_abs_floor": 1e-6,
                "rule": "|value - reference.values| <= sampled_within_sd * replicates.sd "
                        "+ sampled_abs_floor, per row and feature; additivity "
                        "(sum(values) + base = prediction) holds exactly up to 1e-9",
                "additivity_abs": 1e-9,
                "expected_value_abs": 1e-12,
                "reference_values_abs": 1e-9,
            },
        }
        if msgs:
            case["warnings"] = msgs
        cases.append(case)
    return cases


def quirk_cases(summary):
    quirks = []

    # 1. features numerically close to the background are treated as not varying
    M, B = 4, 1
    rng = np.random.default_rng(4001)
    model = make_model(rng, "linear_logistic", M)
    bg, rows = make_data(rng, M, B, 1)
    b2 = bg[0][2]
    rows[0][2] = r6(b2 + math.copysign(10.0 ** (math.floor(math.log10(abs(b2))) - 5), b2))
    assert rows[0][2] != b2 and bool(np.isclose(rows[0][2], b2)), (rows[0][2], b2)
    f = model_fn(model)
    ex_vals, ex_base, _ = shap_exact(f, bg, rows)
    kv, kev, _, _ = kernel_run(f, bg, rows, KERNEL_MAIN_SEED, nsamples=2 ** M + 100, l1_reg=False)
    ref = reference_block(f, rows, bg)
    preds = predictions(f, rows)
    quirks.append({
        "id": "quirk_near_equal_feature_not_varying",
        "description": "rows[0][2] differs from background[0][2] by one unit in the "
                       "6th significant digit (relative difference < 1e-5).  "
                       "ExactExplainer (Tabular masker invariants: np.isclose, rtol=1e-05, "
                       "atol=1e-08) and KernelExplainer (varying_groups: np.allclose, same "
                       "tolerances) both treat feature 2 as not varying and give it exactly "
                       "0; the textbook value is tiny but non-zero.  ExactExplainer never "
                       "substitutes x_2, so its values sum to f(x with x_2 := b_2) - base; "
                       "KernelExplainer forces the sum to f(x) - base, which spreads the "
                       "residual over the varying features.",
        "model": model, "background": bg, "rows": rows, "predictions": preds,
        "exact_values": fl(ex_vals), "exact_base_values": fl(ex_base),
        "kernel_values": fl(kv), "kernel_expected_value": fl(kev),
        "reference": ref,
        "exact_additivity_residual": fl(float(ex_vals.sum() + ex_base[0] - preds[0])),
        "kernel_additivity_residual": fl(float(kv.sum() + kev - preds[0])),
    })

    # 1b. ExactExplainer on a batch whose 2nd+ row has no varying feature
    M, B = 3, 1
    rng = np.random.default_rng(4004)
    model = make_model(rng, "linear_identity", M)
    bg, rows = make_data(rng, M, B, 2)
    rows[1] = list(bg[0])
    f = model_fn(model)
    masker = shap.maskers.Independent(np.array(bg, dtype=np.float64), max_samples=B)
    explainer = shap.explainers.ExactExplainer(f, masker)
    try:
        explainer(np.array(rows, dtype=np.float64), silent=True)
        outcome = "no exception"
    except Exception as e:  # noqa: BLE001 - recorded
        outcome = f"{type(e).__name__}: {e}"
    per_row, per_base, _ = shap_exact(f, bg, rows)
    quirks.append({
        "id": "quirk_exact_batch_main_effects_indexerror",
        "description": "shap 0.51.0 Explainer.__call__ rebinds its main_effects argument "
                       "to a results list, so explain_row gets main_effects=[] (falsy) for "
                       "the first row and [None, ...] (truthy) for every later row: main "
                       "effects are then computed (extra model calls, result otherwise "
                       "unused) and, for a later row where no feature varies from the "
                       "background, MaskedModel.main_effects raises.  Explaining one row "
                       "per call avoids it (this generator does); the values are not "
                       "affected.  rows[1] equals the single background row here.",
        "model": model, "background": bg, "rows": rows,
        "batch_call_outcome": outcome,
        "per_row_values": fl(per_row), "per_row_base_values": fl(per_base),
    })

    # 2. default l1_reg="num_features(10)" keeps at most 10 non-zero values
    M, B = 12, 20
    rng = np.random.default_rng(4002)
    model = make_model(rng, "linear_logistic", M)
    bg, rows = make_data(rng, M, B, 1)
    f = model_fn(model)
    dv, dev, _, dmsgs = kernel_run(f, bg, rows, KERNEL_MAIN_SEED)
    nv, _, _, _ = kernel_run(f, bg, rows, KERNEL_MAIN_SEED, l1_reg=False)
    ref = reference_block(f, rows, bg)
    q = {
        "id": "quirk_default_l1_reg_num_features_10",
        "description": "KernelExplainer.shap_values without l1_reg uses "
                       "'num_features(10)' (default since 0.47; it used to be 'auto'): "
                       "sklearn lars_path(max_iter=10) on the augmented problem picks at "
                       "most 10 features, ALWAYS (not only when few coalitions are "
                       "sampled); the others get exactly 0 and the WLS is re-solved over "
                       "the picked ones.  With M <= 10 it usually keeps every feature.  "
                       "Same seed, nsamples='auto'.",
        "model": model, "background": bg, "rows": rows,
        "default_l1_reg_values": fl(dv),
        "default_l1_reg_nonzero": int((dv != 0).sum()),
        "l1_reg_false_values": fl(nv),
        "l1_reg_false_nonzero": int((nv != 0).sum()),
        "expected_value": fl(dev),
        "reference": ref,
    }
    if dmsgs:
        q["warnings"] = dmsgs
    quirks.append(q)

    # 3. nsamples='auto' enumerates every coalition when 2^M - 2 <= 2M + 2048 (M <= 11)
    M, B = 8, 7
    rng = np.random.default_rng(4003)
    model = make_model(rng, "interaction_logistic", M)
    bg, rows = make_data(rng, M, B, 2)
    f = model_fn(model)
    av, aev, ke, _ = kernel_run(f, bg, rows, KERNEL_MAIN_SEED, l1_reg=False)
    ref = reference_block(f, rows, bg)
    d = maxabs(av, ref["values"])
    assert d <= AGREE
    quirks.append({
        "id": "quirk_nsamples_auto_full_enumeration_m8",
        "description": "nsamples='auto' is 2*M + 2048, then capped at 2^M - 2 (the "
                       "coalitions other than the empty and full set) when M <= 30; for "
                       "M <= 11 the cap wins, every coalition is enumerated and the "
                       "result is deterministic and exact.",
        "nsamples_used": int(ke.nsamples),
        "model": model, "background": bg, "rows": rows,
        "kernel_values": fl(av), "kernel_expected_value": fl(aev),
        "reference": ref,
        "max_abs_diff_vs_reference": d,
    })
    summary.note("kernel_full_values_vs_reference", d)
    return quirks


# --------------------------------------------------------------------------
# JSON writing: sorted keys, indent=1, numeric arrays on one line
# --------------------------------------------------------------------------

def dump(obj):
    arrays = []

    def walk(o):
        if isinstance(o, dict):
            return {k: walk(v) for k, v in o.items()}
        if isinstance(o, list):
            if o and all((isinstance(x, (int, float, str)) and not isinstance(x, bool))
                         or x is None for x in o):
                arrays.append(json.dumps(o, separators=(",", ":"), allow_nan=False))
                return f"@@ARRAY{len(arrays) - 1}@@"
            return [walk(v) for v in o]
        return o

    text = json.dumps(walk(obj), indent=1, sort_keys=True, allow_nan=False, ensure_ascii=True)
    for i, a in enumerate(arrays):
        text = text.replace(f'"@@ARRAY{i}@@"', a, 1)
    return text + "\n"


def main():
    got = {"shap": shap.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
           "scikit-learn": sklearn.__version__, "numba": numba.__version__}
    if "--any-version" not in sys.argv and got != EXPECTED_VERSIONS:
        sys.exit(f"expected {EXPECTED_VERSIONS}, got {got} (pass --any-version to override)")
    summary = Summary()
    cases = exact_cases(summary) + kernel_full_cases(summary) + kernel_sampled_cases(summary)
    quirks = quirk_cases(summary)
    counts = {}
    for c in cases:
        counts[c["method"]] = counts.get(c["method"], 0) + 1
    doc = {
        "versions": {
            **got,
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "generator": "tests/oracles/explain_shap_fixtures.py",
        },
        "definitions": {
            "model_linear": "z = intercept + w_0 x_0 + ... + w_{M-1} x_{M-1} (left to right); "
                            "output z (link identity) or 1/(1+exp(-z)) (link logistic)",
            "model_interaction": "z = intercept + sum_i w_i x_i + sum_k c_k * x_{i_k} * x_{j_k} "
                                 "over pairs [i_k, j_k, c_k] in order ((c*x_i)*x_j; i == j "
                                 "allowed: a squared term); then the link",
            "model_max_plus": "max(x_a, x_b) + intercept + sum_i w_i x_i (left to right); no link",
            "value_function": "v(S) = (1/B) sum_b f(x_S, b_notS): features in S from the "
                              "explained row, the others from background row b (interventional)",
            "shapley": "phi_i = sum_{S subset N minus {i}} |S|!(M-|S|-1)!/M! (v(S u {i}) - v(S)); "
                       "base value = v(empty) = mean_b f(b); sum_i phi_i = f(x) - base",
            "exact": "shap.explainers.ExactExplainer + shap.maskers.Independent(max_samples=B): "
                     "identity link, so values are in the model's output units (probability "
                     "for logistic models); base_values = np.mean(f(background)) per row",
            "kernel_full": "shap.KernelExplainer, nsamples >= 2^M - 2 (capped to it: all "
                           "coalitions), l1_reg=False: weighted least squares with the "
                           "Shapley kernel, equals exact Shapley values",
            "kernel_sampled": "shap.KernelExplainer, nsamples='auto' = 2M + 2048, "
                              "l1_reg=False, np.random.seed set once before explaining all "
                              "rows (rows are explained in order from one RNG stream)",
            "reference": "computed by this generator without shap: itertools over all "
                         "subsets, math.fsum; values[row][feature], base_value, v_full = f(x)",
            "tolerances": "recommended for the Rust comparison, see README",
        },
        "summary": {
            "cases_per_method": counts,
            "n_quirks": len(quirks),
            "max_abs_diff": summary.max_diff,
            "asserted_agreement": AGREE,
        },
        "cases": cases,
        "quirks": quirks,
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    text = dump(doc)
    with open(OUT_FILE, "w", encoding="ascii", newline="\n") as fh:
        fh.write(text)
    print(f"wrote {OUT_FILE}: {len(cases)} cases {counts}, {len(quirks)} quirks, "
          f"{len(text)} bytes")
    for k in sorted(summary.max_diff):
        print(f"  {k}: {summary.max_diff[k]!r}")


if __name__ == "__main__":
    main()
