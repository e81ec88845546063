#!/usr/bin/env python3
"""Golden-fixture generator for aigov's drift statistics (Rust port of the
scipy / Evidently-style drift tests).

Made with: scipy 1.17.1, numpy 2.4.6 on CPython 3.11.7 (x86_64 Linux).
The script refuses to run with other scipy/numpy versions unless
``--any-version`` is given (the values would then have to be re-reviewed).

How to run (from the repository root; keep the virtualenv OUTSIDE the repo):

    python3.11 -m venv /tmp/scipyenv
    /tmp/scipyenv/bin/pip install scipy==1.17.1 numpy==2.4.6
    /tmp/scipyenv/bin/python -B tests/oracles/drift_scipy_fixtures.py

Output: ``tests/fixtures/drift/scipy_stats.json`` (path is relative to this
script, so the working directory does not matter).  The output is
byte-for-byte deterministic: every random sample comes from
``numpy.random.default_rng(<fixed seed>)`` and generated floats are rounded
to 6 significant digits (``float(f"{x:.6g}")``) BEFORE any statistic is
computed, so the numbers written to the JSON (shortest round-trip repr) are
exactly the float64 inputs scipy saw.  Tie-heavy and large cases use
integers.  All samples are converted to float64 arrays before calling scipy.

Conventions in the JSON
* ``reference`` is always the first argument to scipy, ``current`` the second
  (ks_2samp(ref, cur), mannwhitneyu(ref, cur), ttest_ind(ref, cur),
  wasserstein_distance(ref, cur), anderson_ksamp([ref, cur]), ...).
* NaN / +-inf results are written as ``null``; the JSON path of every such
  value and what it was ("nan", "inf", "-inf") is listed in the case's
  ``nonfinite`` map.  Values scipy refused to compute (exception, or a
  warning that means "the requested method was not used") are ``null`` too
  and explained in ``notes``.
* Warnings scipy emitted are recorded (message text, first line) in
  ``warnings`` next to the result they belong to.

See tests/fixtures/drift/README.md for the definitions that the Rust port
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
from scipy import stats
from scipy.spatial import distance

EXPECTED_VERSIONS = {"scipy": "1.17.1", "numpy": "2.4.6"}

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "drift"))
OUT_FILE = os.path.join(OUT_DIR, "scipy_stats.json")

# scipy.stats._stats_py.ks_2samp: MAX_AUTO_N = 10000
KS_MAX_AUTO_N = 10000

KS_AUTO_RULE = (
    "scipy 1.17.1 ks_2samp(method='auto'), alternative='two-sided': "
    "mode = 'exact' if max(n1, n2) <= 10000 (MAX_AUTO_N) else 'asymp'. "
    "There is NO lcm check for 'auto' (the int32 lcm guard "
    "n1/g >= iinfo(int32).max / (n2/g) only applies to an explicit "
    "method='exact', which then warns and switches to 'asymp'). "
    "Exact: h = round(D * lcm(n1, n2)), D := h / lcm; h == 0 -> p = 1; "
    "n1 == n2 -> _compute_prob_outside_square(n, h) (alternating binomial "
    "series, Horner form); n1 != n2 -> _compute_outer_prob_inside_method "
    "(Hodges 1958 lattice-path 'inside' method with Viehmann 2021 "
    "1-p recursion, arXiv:2102.08037). If that fails (fp error or p outside "
    "[0, 1]) scipy warns 'Exact calculation unsuccessful' and falls back to "
    "'asymp'. Asymp (two-sided): p = kstwo.sf(D, np.round(m*n/(m+n))) with "
    "np.round = round-half-to-even and D the raw statistic; kstwo.sf is "
    "scipy.stats._ksstats.kolmogn(n, D, cdf=False) (Simard & L'Ecuyer 2011 "
    "selection among Ruben-Gambino, Durbin/Marsaglia-Tsang-Wang, Pomeranz, "
    "Pelz-Good and 2*smirnov). Final p is clipped to [0, 1]."
)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def r6(values):
    """Round to 6 significant digits; returns a list of Python floats."""
    return [float(f"{float(v):.6g}") for v in values]


def ints(values):
    return [int(v) for v in values]


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
    """Run fn, returning (result, [warning messages], exception-or-None)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            try:
                res = fn(*args, **kwargs)
                exc = None
            except Exception as e:  # noqa: BLE001 - we record what scipy does
                res, exc = None, e
    msgs = []
    for w in caught:
        m = str(w.message).splitlines()[0]
        m = f"{w.category.__name__}: {m}"
        if m not in msgs:
            msgs.append(m)
    return res, msgs, exc


def exc_text(e):
    return f"{type(e).__name__}: {str(e).splitlines()[0]}"


# ---- pure-python port of scipy's compiled exact KS (for self-checking) ----

def py_outer_prob_inside(m, n, g, h):
    """Line-by-line port of scipy/stats/_stats_pythran.py
    _compute_outer_prob_inside_method (compiled with pythran in the wheel).
    Used only to assert that the documented algorithm is the one scipy ran."""
    if m < n:
        m, n = n, m
    mg = m // g
    ng = n // g
    minj, maxj = 0, min(int(np.ceil(h / mg)), n + 1)
    curlen = maxj - minj
    lenA = min(2 * maxj + 2, n + 1)
    A = [1.0] * lenA
    for k in range(minj, maxj):
        A[k] = 0.0
    for i in range(1, m + 1):
        lastminj, lastlen = minj, curlen
        minj = max(int(np.floor((ng * i - h) / mg)) + 1, 0)
        minj = min(minj, n)
        maxj = min(int(np.ceil((ng * i + h) / mg)), n + 1)
        if maxj <= minj:
            return 1.0
        val = 0.0 if minj == 0 else 1.0
        for jj in range(maxj - minj):
            j = jj + minj
            val = (A[jj + minj - lastminj] * i + val * j) / (i + j)
            A[jj] = val
        curlen = maxj - minj
        if lastlen > curlen:
            for k in range(maxj - minj, maxj - minj + (lastlen - curlen)):
                A[k] = 1.0
    return A[maxj - minj - 1]


def py_prob_outside_square(n, h):
    """Port of scipy _compute_prob_outside_square (pure python in scipy)."""
    P = 0.0
    k = int(np.floor(n / h))
    while k >= 0:
        p1 = 1.0
        for j in range(h):
            p1 = (n - k * h - j) * p1 / (n + k * h + j + 1)
        P = p1 * (1.0 - P)
        k -= 1
    return 2 * P


def kolmogn_branch(n, x):
    """Which branch scipy.stats._ksstats._kolmogn takes for the SF."""
    if x >= 1.0:
        return "x>=1: sf=0"
    if x <= 0.0:
        return "x<=0: sf=1"
    t = n * x
    if t <= 1.0:
        if t <= 0.5:
            return "t=n*x<=0.5: sf=1"
        return "ruben_gambino_low: cdf=n!/n^n*(2t-1)^n"
    if t >= n - 1:
        return "ruben_gambino_high: sf=2*(1-x)^n"
    if x >= 0.5:
        return "x>=0.5: sf=2*smirnov(n,x)"
    nx2 = t * x
    if n <= 140:
        if nx2 <= 0.754693:
            return "n<=140,n*x^2<=0.754693: durbin_mtw"
        if nx2 <= 4:
            return "n<=140,n*x^2<=4: pomeranz"
        return "n<=140: sf=2*smirnov(n,x)"
    if nx2 >= 370.0:
        return "n>140,n*x^2>=370: sf=0"
    if nx2 >= 2.2:
        return "n>140,n*x^2>=2.2: sf=2*smirnov(n,x)"
    if nx2 >= 18.0:
        return "cdf=1"
    if n <= 100000 and n * x ** 1.5 <= 1.4:
        return "n>140: sf=1-durbin_mtw_cdf"
    return "n>140: sf=1-pelz_good_cdf"


# --------------------------------------------------------------------------
# numeric two-sample statistics
# --------------------------------------------------------------------------

def ks_block(ref, cur, rec):
    n1, n2 = len(ref), len(cur)
    g = math.gcd(n1, n2)
    lcm = (n1 // g) * n2
    out = {}
    res, w_auto, e = call(stats.ks_2samp, ref, cur, method="auto")
    assert e is None, e
    out["statistic"] = rec.num("ks.statistic", res.statistic)
    out["statistic_location"] = rec.num("ks.statistic_location", res.statistic_location)
    out["statistic_sign"] = int(res.statistic_sign)
    auto_method = "exact" if max(n1, n2) <= KS_MAX_AUTO_N else "asymp"
    if auto_method == "exact" and any("Exact calculation unsuccessful" in m for m in w_auto):
        auto_method = "asymp (exact attempted, failed)"
    out["auto_method"] = auto_method
    out["pvalue_auto"] = rec.num("ks.pvalue_auto", res.pvalue)
    if w_auto:
        out["warnings_auto"] = w_auto

    rx, w_ex, e = call(stats.ks_2samp, ref, cur, method="exact")
    assert e is None, e
    if w_ex:
        out["pvalue_exact"] = None
        out["statistic_exact"] = None
        out["warnings_exact"] = w_ex
        rec.notes.append(
            "ks method='exact' not used by scipy (warned and switched to asymp): "
            + "; ".join(w_ex))
    else:
        out["pvalue_exact"] = rec.num("ks.pvalue_exact", rx.pvalue)
        out["statistic_exact"] = rec.num("ks.statistic_exact", rx.statistic)

    ra, w_as, e = call(stats.ks_2samp, ref, cur, method="asymp")
    assert e is None, e
    out["pvalue_asymp"] = rec.num("ks.pvalue_asymp", ra.pvalue)
    out["statistic_asymp"] = rec.num("ks.statistic_asymp", ra.statistic)
    if w_as:
        out["warnings_asymp"] = w_as

    m_, n_ = sorted([float(n1), float(n2)], reverse=True)
    en = m_ * n_ / (m_ + n_)
    out["gcd"] = g
    out["lcm"] = lcm
    out["exact_h"] = int(np.round(float(ra.statistic) * lcm))
    out["asymp_en"] = en
    out["asymp_n_eff"] = int(np.round(en))
    out["exact_lcm_guard_trips"] = bool((n1 // g) >= np.iinfo(np.int32).max / (n2 // g))

    # consistency checks against the documented rule
    sf = stats.kstwo.sf(float(ra.statistic), np.round(en))
    assert float(np.clip(sf, 0, 1)) == float(ra.pvalue), (sf, ra.pvalue)
    if auto_method == "exact" and out["pvalue_exact"] is not None:
        assert float(res.pvalue) == float(rx.pvalue)
    if auto_method.startswith("asymp"):
        assert float(res.pvalue) == float(ra.pvalue)
    # re-derive the exact p with the pure-python ports (small cases only)
    h = out["exact_h"]
    if out["pvalue_exact"] is not None and h > 0 and max(n1, n2) <= 3000:
        if n1 == n2:
            p = py_prob_outside_square(n1, h)
        else:
            p = py_outer_prob_inside(n1, n2, g, h)
        p = min(max(p, 0.0), 1.0)
        assert abs(p - float(rx.pvalue)) <= 1e-14 + 1e-12 * abs(float(rx.pvalue)), (
            p, float(rx.pvalue))
    out["kstwo_branch_asymp"] = kolmogn_branch(int(np.round(en)), float(ra.statistic))
    return out


def anderson_block(ref, cur, rec):
    res, w, e = call(stats.anderson_ksamp, [ref, cur], variant="midrank")
    if e is not None:
        rec.notes.append("anderson_ksamp raised " + exc_text(e))
        return {"statistic": None, "pvalue": None, "error": exc_text(e)}
    out = {
        "statistic": rec.num("anderson_ksamp.statistic", res.statistic),
        "pvalue": rec.num("anderson_ksamp.pvalue", res.pvalue),
    }
    if any("capped" in m for m in w):
        out["pvalue_clamp"] = "capped_at_0.25"
    elif any("floored" in m for m in w):
        out["pvalue_clamp"] = "floored_at_0.001"
    else:
        out["pvalue_clamp"] = None
    if w:
        out["warnings"] = w
    return out


def ttest_block(ref, cur, rec):
    res, w, e = call(stats.ttest_ind, ref, cur, equal_var=False)
    assert e is None, e
    out = {
        "statistic": rec.num("ttest_ind.statistic", res.statistic),
        "pvalue": rec.num("ttest_ind.pvalue", res.pvalue),
        "df": rec.num("ttest_ind.df", res.df),
    }
    if w:
        out["warnings"] = w
    return out


def mwu_block(ref, cur, rec):
    n1, n2 = len(ref), len(cur)
    ra, w1, e = call(stats.mannwhitneyu, ref, cur, alternative="two-sided", method="auto")
    assert e is None, e
    rs, w2, e = call(stats.mannwhitneyu, ref, cur, alternative="two-sided",
                     method="asymptotic", use_continuity=True)
    assert e is None, e
    pooled = np.concatenate([ref, cur])
    has_ties = bool(np.unique(pooled).size < pooled.size)
    if n1 > 8 and n2 > 8:
        chosen = "asymptotic"
    elif has_ties:
        chosen = "asymptotic"
    else:
        chosen = "exact"
    out = {
        "statistic": rec.num("mannwhitneyu.statistic", ra.statistic),
        "auto_method": chosen,
        "has_ties": has_ties,
        "pvalue_auto": rec.num("mannwhitneyu.pvalue_auto", ra.pvalue),
        "pvalue_asymptotic": rec.num("mannwhitneyu.pvalue_asymptotic", rs.pvalue),
    }
    if chosen == "asymptotic":
        assert float(ra.pvalue) == float(rs.pvalue) or (
            math.isnan(float(ra.pvalue)) and math.isnan(float(rs.pvalue)))
    else:
        rx, _, _ = call(stats.mannwhitneyu, ref, cur, alternative="two-sided", method="exact")
        assert float(rx.pvalue) == float(ra.pvalue)
    w = w1 + [m for m in w2 if m not in w1]
    if w:
        out["warnings"] = w
    return out


# ---- Evidently (legacy stattests) re-implementation with numpy -----------

def _fill_zeroes(p):
    p = p.copy()
    nz = p[p != 0]
    m = nz.min()
    fill = m / 10 ** 6 if m <= 0.0001 else 0.0001
    p[p == 0] = fill
    return p


def evidently_binned(ref, cur, numerical=True):
    """evidently.legacy.calculations.stattests.utils.get_binned_data
    (without the zero fill; the caller applies it)."""
    n_vals = np.unique(ref).size
    if numerical and n_vals > 20:
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        rc = np.histogram(ref, edges)[0]
        cc = np.histogram(cur, edges)[0]
        return "sturges", edges, rc, cc
    keys = np.unique(np.concatenate([ref, cur]))
    rc = np.array([np.count_nonzero(ref == k) for k in keys])
    cc = np.array([np.count_nonzero(cur == k) for k in keys])
    return "per_value", keys, rc, cc


def evidently_numeric_block(ref, cur, rec):
    mode, edges, rc, cc = evidently_binned(ref, cur)
    rp = rc / len(ref)
    cp = cc / len(cur)
    rpf, cpf = _fill_zeroes(rp), _fill_zeroes(cp)
    with np.errstate(all="ignore"):
        psi = float(np.sum((rpf - cpf) * np.log(rpf / cpf)))
        kl = float(stats.entropy(rpf, cpf))
        js = float(distance.jensenshannon(rp, cp))
    # hellinger (numerical branch): Sturges edges over the UNIQUE values of
    # both samples, density histograms, sum sqrt(p1*p2)*bin_width
    keys = np.unique(np.concatenate([ref, cur]))
    hb = np.histogram_bin_edges(keys, bins="sturges")
    with np.errstate(all="ignore"):
        h1 = np.histogram(ref, bins=hb, density=True)[0]
        h2 = np.histogram(cur, bins=hb, density=True)[0]
        bw = (max(hb) - min(hb)) / (len(hb) - 1)
        bc = 0.0
        for a, b in zip(h1, h2):
            bc += math.sqrt(a * b) * bw
        bc = float(np.clip(bc, 0, 1))
        hell = math.sqrt(1 - bc)
    out = {
        "binning": mode,
        "bin_edges_or_values": [rec.num("evidently.edges", x) for x in edges],
        "reference_bin_counts": ints(rc),
        "current_bin_counts": ints(cc),
        "psi": rec.num("evidently.psi", psi),
        "kl_div": rec.num("evidently.kl_div", kl),
        "jensenshannon": rec.num("evidently.jensenshannon", js),
        "hellinger": rec.num("evidently.hellinger", hell),
        "hellinger_bin_edges": [rec.num("evidently.hellinger_edges", x) for x in hb],
    }
    return out


def numeric_case(name, description, ref, cur, is_int=False, extra_notes=()):
    rec = Recorder()
    rec.notes.extend(extra_notes)
    ref_list = ints(ref) if is_int else r6(ref)
    cur_list = ints(cur) if is_int else r6(cur)
    r = np.asarray(ref_list, dtype=np.float64)
    c = np.asarray(cur_list, dtype=np.float64)
    case = {
        "name": name,
        "description": description,
        "n_ref": len(ref_list),
        "n_cur": len(cur_list),
        "integer_valued": is_int,
        "reference": ref_list,
        "current": cur_list,
    }
    case["ks"] = ks_block(r, c, rec)
    wd, w, e = call(stats.wasserstein_distance, r, c)
    assert e is None
    sd = float(np.std(r))  # ddof=0
    case["wasserstein"] = rec.num("wasserstein", wd)
    case["reference_std_ddof0"] = rec.num("reference_std_ddof0", sd)
    case["wasserstein_normed"] = rec.num("wasserstein_normed", float(wd) / max(sd, 0.001))
    if sd < 0.001:
        rec.notes.append("reference std (ddof=0) < 0.001: wasserstein_normed divides by 0.001")
    ed, w, e = call(stats.energy_distance, r, c)
    case["energy_distance"] = rec.num("energy_distance", ed)
    case["anderson_ksamp"] = anderson_block(r, c, rec)
    case["ttest_ind"] = ttest_block(r, c, rec)
    case["mannwhitneyu"] = mwu_block(r, c, rec)
    case["evidently"] = evidently_numeric_block(r, c, rec)
    if rec.nonfinite:
        case["nonfinite"] = rec.nonfinite
    if rec.notes:
        case["notes"] = rec.notes
    return case


# --------------------------------------------------------------------------
# categorical statistics
# --------------------------------------------------------------------------

def categorical_case(name, description, categories, ref_counts, cur_counts,
                     with_labels=False, extra_notes=()):
    rec = Recorder()
    rec.notes.extend(extra_notes)
    rc = np.asarray(ref_counts, dtype=np.int64)
    cc = np.asarray(cur_counts, dtype=np.int64)
    assert rc.shape == cc.shape == (len(categories),)
    n_ref, n_cur = int(rc.sum()), int(cc.sum())
    p = rc / n_ref
    q = cc / n_cur
    case = {
        "name": name,
        "description": description,
        "categories": list(categories),
        "reference_counts": ints(rc),
        "current_counts": ints(cc),
        "n_ref": n_ref,
        "n_cur": n_cur,
    }
    if with_labels:
        case["reference_labels"] = [cat for cat, k in zip(categories, rc) for _ in range(k)]
        case["current_labels"] = [cat for cat, k in zip(categories, cc) for _ in range(k)]
    case["reference_proportions"] = [float(x) for x in p]
    case["current_proportions"] = [float(x) for x in q]

    # --- Evidently chisquare: f_obs = current counts,
    #     f_exp = reference_count * (n_cur / n_ref)   (k_norm first, then multiply)
    k_norm = n_cur / n_ref
    f_exp = [float(x) * k_norm for x in rc]
    res, w, e = call(stats.chisquare, [float(x) for x in cc], f_exp)
    block = {"k_norm": k_norm, "f_exp": [rec.num("chisquare.f_exp", x) for x in f_exp]}
    if e is not None:
        block.update(statistic=None, pvalue=None, error=exc_text(e))
        rec.notes.append("chisquare raised " + exc_text(e))
    else:
        block["statistic"] = rec.num("chisquare.statistic", res.statistic)
        block["pvalue"] = rec.num("chisquare.pvalue", res.pvalue)
        block["dof"] = len(categories) - 1
    if w:
        block["warnings"] = w
    case["chisquare"] = block

    # --- chi2_contingency on the 2 x k table [ref_counts, cur_counts]
    table = np.vstack([rc, cc])
    cont = {}
    for key, corr in (("yates", True), ("no_yates", False)):
        res, w, e = call(stats.chi2_contingency, table, correction=corr)
        if e is not None:
            cont[key] = {"statistic": None, "pvalue": None, "dof": None, "error": exc_text(e)}
            if key == "yates":
                rec.notes.append("chi2_contingency raised " + exc_text(e))
        else:
            cont[key] = {
                "statistic": rec.num(f"chi2_contingency.{key}.statistic", res.statistic),
                "pvalue": rec.num(f"chi2_contingency.{key}.pvalue", res.pvalue),
                "dof": int(res.dof),
            }
            if w:
                cont[key]["warnings"] = w
    cont["yates_applied"] = bool(cont["yates"].get("dof") == 1)
    case["chi2_contingency"] = cont

    # --- Jensen-Shannon distance (scipy.spatial.distance.jensenshannon)
    js_e, w1, _ = call(distance.jensenshannon, p, q)
    js_2, w2, _ = call(distance.jensenshannon, p, q, base=2)
    case["jensenshannon"] = {
        "natural": rec.num("jensenshannon.natural", js_e),
        "base2": rec.num("jensenshannon.base2", js_2),
    }
    # --- KL divergence scipy.stats.entropy(p, q)  (natural log)
    kl, w, _ = call(stats.entropy, p, q)
    case["kl_entropy"] = rec.num("kl_entropy", kl)
    if not math.isfinite(float(kl)):
        rec.notes.append("entropy(p, q) is +inf: some category has p > 0 and q == 0")
    # --- Hellinger
    h_sum = math.sqrt(0.5 * float(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)))
    bc = float(np.clip(sum(math.sqrt(a * b) for a, b in zip(p, q)), 0, 1))
    case["hellinger"] = {
        "sqrt_half_sum_sq": rec.num("hellinger.sqrt_half_sum_sq", h_sum),
        "evidently_sqrt_1_minus_bc": rec.num("hellinger.evidently", math.sqrt(1 - bc)),
    }

    # --- two-proportion z-test (Evidently 'z'), only when <= 2 categories observed
    present = [i for i in range(len(categories)) if rc[i] + cc[i] > 0]
    if len(present) <= 2:
        ref_cats = {categories[i] for i in present if rc[i] > 0}
        cur_cats = {categories[i] for i in present if cc[i] > 0}
        first = sorted(categories[i] for i in present)[0]
        fi = categories.index(first)
        p1 = (n_ref - int(rc[fi])) / n_ref   # share of "not the first sorted category"
        p2 = (n_cur - int(cc[fi])) / n_cur
        pooled = (p1 * n_ref + p2 * n_cur) / (n_ref + n_cur)
        with np.errstate(all="ignore"):
            z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n_ref + 1.0 / n_cur))
            p_formula = 2 * (1 - stats.norm.cdf(np.abs(z)))
            p_sf = 2 * stats.norm.sf(np.abs(z))
        special = len(ref_cats) == 1 and len(cur_cats) == 1 and ref_cats == cur_cats
        zb = {
            "indicator_category": "all categories except " + repr(first),
            "p1": p1,
            "p2": p2,
            "pooled": pooled,
            "z": rec.num("z_test.z", z),
            "pvalue_formula": rec.num("z_test.pvalue_formula", p_formula),
            "pvalue_2sf": rec.num("z_test.pvalue_2sf", p_sf),
            "evidently_pvalue": 1.0 if special else rec.num("z_test.evidently_pvalue", p_formula),
            "evidently_special_case": special,
        }
        if special:
            rec.notes.append("z-test: both samples contain the same single category; "
                             "the formula is 0/0 (NaN), Evidently returns p = 1")
        case["z_test"] = zb
    else:
        case["z_test"] = None

    # --- Evidently binned statistics (categorical branch: one bin per value)
    rp, cp = p.copy(), q.copy()
    keep = (rc + cc) > 0        # Evidently only sees observed categories
    rp, cp = rp[keep], cp[keep]
    rpf, cpf = _fill_zeroes(rp), _fill_zeroes(cp)
    with np.errstate(all="ignore"):
        psi = float(np.sum((rpf - cpf) * np.log(rpf / cpf)))
        kld = float(stats.entropy(rpf, cpf))
        jsd = float(distance.jensenshannon(rp, cp))
    case["evidently"] = {
        "psi": rec.num("evidently.psi", psi),
        "kl_div": rec.num("evidently.kl_div", kld),
        "jensenshannon": rec.num("evidently.jensenshannon", jsd),
    }
    if rec.nonfinite:
        case["nonfinite"] = rec.nonfinite
    if rec.notes:
        case["notes"] = rec.notes
    return case


# --------------------------------------------------------------------------
# case definitions
# --------------------------------------------------------------------------

def numeric_cases():
    out = []

    def add(*a, **k):
        out.append(numeric_case(*a, **k))

    def rng(seed):
        return np.random.default_rng(seed)

    # public reference values from /work/shared/vectors/statistics.md
    add("public_scipy_small",
        "statistics.md: ks_2samp D=0.5, p exact 0.35714285714285715, asymp 1/3; "
        "wasserstein 0.9166666666666667",
        [.1, .5, .9, 1.3, 2.0], [.2, .4, 1.5, 2.5, 3.0, 3.5])
    add("public_evidently_0_99_vs_20_139",
        "statistics.md (Evidently 0.7): reference 0..99, current 20..139: ks p "
        "7.1778359809548964e-06, wasserstein normed 1.0392824499629922, psi "
        "3.117401983323176, js 0.39484786751960393, kl 1.3204505434198546, "
        "hellinger 0.4692019305243884",
        list(range(100)), list(range(20, 140)), is_int=True)

    # small sizes: exact KS, MWU exact
    r = rng(101)
    add("normal_5_vs_5", "N(0,1) vs N(0,1), equal n (square method), en=2.5 rounds to 2",
        r.normal(0, 1, 5), r.normal(0, 1, 5))
    r = rng(102)
    add("normal_5_vs_7_shift1", "N(0,1) vs N(1,1)", r.normal(0, 1, 5), r.normal(1, 1, 7))
    r = rng(103)
    add("normal_7_vs_7_shift2", "N(0,1) vs N(2,1); en=3.5 rounds (half-even) to 4",
        r.normal(0, 1, 7), r.normal(2, 1, 7))
    r = rng(104)
    add("normal_8_vs_8", "N(0,1) vs N(0.5,1); n=8 so MWU auto = exact",
        r.normal(0, 1, 8), r.normal(0.5, 1, 8))
    r = rng(105)
    add("normal_8_vs_12", "one side <= 8, no ties: MWU exact", r.normal(0, 1, 8), r.normal(0, 1, 12))
    r = rng(106)
    add("normal_9_vs_9", "both > 8: MWU asymptotic; en=4.5 rounds to 4",
        r.normal(0, 1, 9), r.normal(0.3, 1, 9))
    r = rng(107)
    add("normal_7_vs_11_coprime", "coprime sizes, lcm 77", r.normal(0, 1, 7), r.normal(0.8, 1.5, 11))
    r = rng(108)
    add("normal_20_vs_30_shift05", "N(0,1) vs N(0.5,1)", r.normal(0, 1, 20), r.normal(0.5, 1, 30))
    r = rng(109)
    add("normal_50_vs_50_same", "same distribution", r.normal(10, 2, 50), r.normal(10, 2, 50))
    r = rng(110)
    add("normal_100_vs_80_shift_scale", "N(0,1) vs N(0.3,1.2)", r.normal(0, 1, 100), r.normal(0.3, 1.2, 80))
    r = rng(111)
    add("normal_200_vs_200_shift02", "N(0,1) vs N(0.2,1)", r.normal(0, 1, 200), r.normal(0.2, 1, 200))
    r = rng(112)
    add("normal_500_vs_300_same", "same distribution", r.normal(5, 3, 500), r.normal(5, 3, 300))
    r = rng(113)
    add("normal_1000_vs_1000_shift01", "N(0,1) vs N(0.1,1)", r.normal(0, 1, 1000), r.normal(0.1, 1, 1000))
    r = rng(114)
    add("normal_2000_vs_1500_same", "same distribution, unequal n",
        r.normal(0, 1, 2000), r.normal(0, 1, 1500))
    r = rng(115)
    add("uniform_30_vs_40", "U(0,1) vs U(0,1)", r.uniform(0, 1, 30), r.uniform(0, 1, 40))
    r = rng(116)
    add("uniform_300_vs_250_shift", "U(0,1) vs U(0.2,1.2)", r.uniform(0, 1, 300), r.uniform(0.2, 1.2, 250))
    r = rng(117)
    add("exponential_100_vs_100_scale", "Exp(1) vs Exp(scale 1.5)",
        r.exponential(1, 100), r.exponential(1.5, 100))
    r = rng(118)
    add("exponential_1000_vs_700_same", "Exp(2) vs Exp(2)", r.exponential(2, 1000), r.exponential(2, 700))
    r = rng(119)
    add("ties_int0_4_50_vs_60", "heavy ties: integers 0..4",
        r.integers(0, 5, 50), r.integers(0, 5, 60), is_int=True)
    r = rng(120)
    add("ties_binomial2_500_vs_400", "heavy ties: Binomial(2, .5) vs Binomial(2, .6)",
        r.binomial(2, 0.5, 500), r.binomial(2, 0.6, 400), is_int=True)
    r = rng(121)
    add("ties_small_6_vs_7", "ties with small n: MWU auto -> asymptotic because of ties",
        r.integers(0, 4, 6), r.integers(0, 4, 7), is_int=True)
    r = rng(122)
    add("ties_rounded_1dp_100_vs_100", "N(0,1) rounded to 1 decimal (moderate ties)",
        np.round(r.normal(0, 1, 100), 1), np.round(r.normal(0.2, 1, 100), 1))
    add("ks_tied_extrema_6_vs_8", "D+ == D- (0.25): scipy reports sign +1 and the "
        "location of the max of cdf1 - cdf2 (minS > maxS is a strict comparison)",
        [2, 2, 3, 7, 8, 8], [0, 3, 5, 5, 6, 6, 9, 9], is_int=True)
    r = rng(123)
    x = r.normal(0, 1, 100)
    add("identical_100", "current is the same array as reference", x, x)
    add("identical_small_5", "identical small samples", [1.5, -2.0, 3.25, 0.0, 7.0], [1.5, -2.0, 3.25, 0.0, 7.0])
    add("constant_both_same_20_vs_30", "all values 3 in both samples",
        [3] * 20, [3] * 30, is_int=True)
    add("constant_both_different_10_vs_10", "all 1 vs all 2 (D = 1)", [1] * 10, [2] * 10, is_int=True)
    r = rng(124)
    add("constant_ref_vs_normal", "reference constant 0.5, current N(0.5, 1)",
        [0.5] * 40, r.normal(0.5, 1, 50))
    r = rng(125)
    add("normal_ref_vs_constant_cur", "reference N(0,1), current constant 0",
        r.normal(0, 1, 50), [0.0] * 40)
    r = rng(126)
    add("mixed_signs_normal_vs_laplace", "N(0,10) vs Laplace(0,7): mixed signs",
        r.normal(0, 10, 150), r.laplace(0, 7, 170))
    r = rng(127)
    add("mixed_signs_t2_heavy_tails", "Student t(2) vs t(2)*1.5 - 0.5",
        r.standard_t(2, 150), r.standard_t(2, 170) * 1.5 - 0.5)
    r = rng(128)
    add("negative_large_magnitude", "N(-1e6, 5e4) vs N(-1.02e6, 5e4)",
        r.normal(-1e6, 5e4, 60), r.normal(-1.02e6, 5e4, 45))
    r = rng(129)
    add("tiny_std_reference", "reference std < 0.001 (wasserstein normed floor)",
        5 + r.normal(0, 1e-4, 30), 5 + r.normal(0.0005, 1e-4, 30))
    r = rng(130)
    add("disjoint_100_vs_100", "U(0,1) vs U(2,3): D = 1, extremely small p",
        r.uniform(0, 1, 100), r.uniform(2, 3, 100))
    r = rng(131)
    add("disjoint_20_vs_25", "U(0,1) vs U(5,6), unequal n", r.uniform(0, 1, 20), r.uniform(5, 6, 25))
    r = rng(132)
    add("unbalanced_5_vs_50", "very unequal sizes", r.normal(0, 1, 5), r.normal(0.5, 1, 50))
    r = rng(133)
    add("unbalanced_3000_vs_40", "very unequal sizes", r.normal(0, 1, 3000), r.normal(0.4, 1, 40))
    # boundary of the 'auto' rule (short integer data to keep the file small)
    r = rng(134)
    add("auto_boundary_10000_vs_10000", "max(n)=10000: auto -> exact (square method)",
        r.integers(0, 100000, 10000), r.integers(1000, 101000, 10000), is_int=True)
    r = rng(135)
    add("auto_boundary_10000_vs_7000", "max(n)=10000: auto -> exact (inside method), lcm 70000",
        r.integers(0, 100000, 10000), r.integers(0, 98000, 7000), is_int=True)
    r = rng(136)
    add("auto_boundary_10000_vs_10001", "max(n)=10001: auto -> asymp; explicit exact "
        "works? (lcm 100010000 < int32 max)",
        r.integers(0, 100000, 10000), r.integers(500, 100500, 10001), is_int=True)
    r = rng(137)
    cur = r.integers(0, 10, 20000)
    cur = np.minimum(cur + (r.random(20000) < 0.03), 9)
    add("large_20000_vs_20000_ties", "auto -> asymp; integers 0..9 (heavy ties), 3% of "
        "current shifted up by one; explicit exact works (n1 == n2)",
        r.integers(0, 10, 20000), cur, is_int=True)
    r = rng(138)
    add("large_50000_vs_49999_ties", "auto -> asymp; explicit exact trips the int32 lcm "
        "guard (warns, switches to asymp) -> pvalue_exact null",
        r.integers(0, 100, 50000), r.integers(0, 100, 49999), is_int=True)
    r = rng(139)
    add("large_50000_vs_20000_shift", "auto -> asymp; explicit exact allowed (lcm 100000)",
        r.integers(0, 1000, 50000), r.integers(10, 1010, 20000), is_int=True)
    return out


def categorical_cases():
    out = []

    def add(*a, **k):
        out.append(categorical_case(*a, **k))

    add("public_chisquare_10_20_30",
        "statistics.md: chisquare([10,20,30],[20,20,20]) = (10.0, 0.006737946999085468); "
        "reference counts [20,20,20] -> f_exp [20,20,20]",
        ["a", "b", "c"], [20, 20, 20], [10, 20, 30], with_labels=True)
    add("public_chi2_contingency_2x2",
        "statistics.md: chi2_contingency([[10,20],[20,20]]) = (1.3234375, "
        "0.24997605752048507, dof 1) with Yates",
        ["a", "b"], [10, 20], [20, 20], with_labels=True)
    add("public_js_entropy_05_05_vs_09_01",
        "statistics.md: jensenshannon([.5,.5],[.9,.1]) = 0.31898154347735663 (e), "
        "0.3831358798599423 (base 2); entropy = 0.5108256237659906",
        ["a", "b"], [5, 5], [9, 1], with_labels=True)
    add("public_evidently_categorical",
        "statistics.md (Evidently 0.7): reference 'aaaabbbccd' x 10, current "
        "'aabbbcccce' x 12: psi 1.6574283769646092, js 0.3213946567929747, kl "
        "0.8286313253497696",
        ["a", "b", "c", "d", "e"], [40, 30, 20, 10, 0], [24, 36, 48, 0, 12], with_labels=True)
    add("binary_70_30_vs_60_40", "binary drift", ["0", "1"], [70, 30], [60, 40], with_labels=True)
    add("binary_5000_5000_vs_5100_4900", "binary, large n, small shift",
        ["no", "yes"], [5000, 5000], [5100, 4900])
    add("binary_new_category_in_current", "reference has only 'a'; current has 'b' too "
        "(f_exp = 0 for 'b': chisquare statistic +inf, p 0)",
        ["a", "b"], [100, 0], [95, 5])
    add("binary_both_single_same_category", "both samples only 'a' (Evidently z special case p=1)",
        ["a"], [50], [40], with_labels=True)
    add("single_category_vs_other_single", "reference only 'a', current only 'b'",
        ["a", "b"], [30, 0], [0, 20], with_labels=True)
    add("new_category_in_current", "category 'd' unseen in reference",
        ["a", "b", "c", "d"], [30, 30, 40, 0], [25, 35, 30, 10])
    add("category_missing_in_current", "category 'd' absent from current",
        ["a", "b", "c", "d"], [30, 30, 30, 10], [40, 30, 30, 0])
    add("both_zero_category", "category 'z' has zero count on both sides (not observed at "
        "all: Evidently would never list it; scipy gets 0/0)",
        ["a", "b", "z"], [10, 20, 0], [15, 15, 0])
    add("identical_proportions_scaled", "current = 2 x reference counts",
        ["a", "b", "c"], [10, 20, 30], [20, 40, 60])
    add("small_unequal_totals", "tiny counts", ["a", "b", "c"], [3, 1, 1], [1, 2, 7], with_labels=True)
    add("large_counts_3", "large counts, slight drift", ["a", "b", "c"],
        [100000, 50000, 25000], [98000, 52000, 26000])
    r = np.random.default_rng(201)
    k = 50
    w = r.dirichlet(np.full(k, 5.0))
    w2 = 0.8 * w + 0.2 * r.dirichlet(np.full(k, 5.0))
    rc = r.multinomial(5000, w)
    cc = r.multinomial(4000, w2)
    add("many_categories_50", "50 categories, multinomial, mild drift",
        [f"c{i:02d}" for i in range(k)], ints(rc), ints(cc))
    r = np.random.default_rng(202)
    k = 200
    w = r.dirichlet(np.full(k, 0.3))
    rc = r.multinomial(600, w)
    cc = r.multinomial(500, r.permutation(w) * 0.5 + w * 0.5)
    keep = (rc + cc) > 0
    cats = [f"k{i:03d}" for i in range(k) if keep[i]]
    add("many_categories_sparse", "up to 200 categories, many zeros on either side "
        "(categories zero on both sides dropped)",
        cats, ints(rc[keep]), ints(cc[keep]))
    return out


def kstwo_table(rec):
    """kstwo.sf(d, n) across all branches of scipy's kolmogn (what 'asymp' calls)."""
    rows = []
    grid = [
        (1, [0.3, 0.5, 0.75, 1.0]),
        (2, [0.2, 0.3, 0.5, 0.6, 0.9]),
        (3, [0.2, 0.4, 0.5, 0.7]),
        (4, [0.1, 0.26, 0.3, 0.45, 0.55, 0.8]),
        (5, [0.05, 0.15, 0.25, 0.35, 0.45, 0.5, 0.7]),
        (10, [0.04, 0.08, 0.2, 0.27, 0.4, 0.6]),
        (30, [0.02, 0.1, 0.15, 0.2, 0.3, 0.4]),
        (60, [0.05, 0.1, 0.12, 0.2, 0.3]),
        (140, [0.005, 0.05, 0.073, 0.1, 0.17, 0.25]),
        (200, [0.035]),
        (1000, [0.0125, 0.03, 0.06]),
        (141, [0.05, 0.073, 0.1, 0.13, 0.2]),
        (500, [0.02, 0.04, 0.05, 0.07, 0.1, 0.5, 0.9]),
        (5000, [0.004, 0.005, 0.01, 0.02, 0.03, 0.3]),
        (25000, [0.003, 0.005, 0.01, 0.05]),
        (100000, [0.0002, 0.001, 0.002, 0.004, 0.0047, 0.01]),
        (200000, [0.001, 0.002, 0.003, 0.005]),
    ]
    for n, ds in grid:
        for d in ds:
            sf = stats.kstwo.sf(d, n)
            rows.append({"n": n, "d": d, "sf": rec.num(f"kstwo[{n},{d}]", sf),
                         "branch": kolmogn_branch(n, d)})
    return rows


# --------------------------------------------------------------------------
# public value checks
# --------------------------------------------------------------------------

def check_public(numeric, categorical, kst):
    by = {c["name"]: c for c in numeric + categorical}
    c = by["public_scipy_small"]
    assert c["ks"]["statistic"] == 0.5
    assert c["ks"]["auto_method"] == "exact"
    assert c["ks"]["pvalue_auto"] == 0.35714285714285715, c["ks"]["pvalue_auto"]
    assert c["ks"]["pvalue_asymp"] == 0.3333333333333333, c["ks"]["pvalue_asymp"]
    assert c["wasserstein"] == 0.9166666666666667, c["wasserstein"]
    c = by["public_evidently_0_99_vs_20_139"]
    assert c["ks"]["pvalue_auto"] == 7.1778359809548964e-06, c["ks"]["pvalue_auto"]
    assert c["wasserstein_normed"] == 1.0392824499629922, c["wasserstein_normed"]
    ev = c["evidently"]
    assert ev["psi"] == 3.117401983323176, ev["psi"]
    assert ev["jensenshannon"] == 0.39484786751960393, ev["jensenshannon"]
    assert ev["kl_div"] == 1.3204505434198546, ev["kl_div"]
    assert ev["hellinger"] == 0.4692019305243884, ev["hellinger"]
    c = by["public_chisquare_10_20_30"]
    assert (c["chisquare"]["statistic"], c["chisquare"]["pvalue"]) == (10.0, 0.006737946999085468)
    case = by["public_chi2_contingency_2x2"]
    c = case["chi2_contingency"]["yates"]
    assert (c["pvalue"], c["dof"]) == (0.24997605752048507, 1), c
    # statistics.md prints the exact rational value 1.3234375 = 847/640; scipy's
    # floating-point sum is 2 ulp above it.  Keep scipy's value, note the gap.
    assert abs(c["statistic"] - 1.3234375) <= 4 * math.ulp(1.3234375), c
    if c["statistic"] != 1.3234375:
        case.setdefault("notes", []).append(
            f"statistics.md lists the Yates statistic as 1.3234375 (the exact value "
            f"847/640); scipy {scipy.__version__} returns {c['statistic']!r} "
            f"(floating-point summation order); p-value and dof match exactly")
    c = by["public_js_entropy_05_05_vs_09_01"]
    assert c["jensenshannon"]["natural"] == 0.31898154347735663
    assert c["jensenshannon"]["base2"] == 0.3831358798599423
    assert c["kl_entropy"] == 0.5108256237659906
    ev = by["public_evidently_categorical"]["evidently"]
    assert ev["psi"] == 1.6574283769646092, ev["psi"]
    assert ev["jensenshannon"] == 0.3213946567929747, ev["jensenshannon"]
    assert ev["kl_div"] == 0.8286313253497696, ev["kl_div"]


# --------------------------------------------------------------------------
# JSON writing: structure indented, numeric arrays on one line
# --------------------------------------------------------------------------

def dump(obj):
    arrays = []

    def walk(o):
        if isinstance(o, dict):
            return {k: walk(v) for k, v in o.items()}
        if isinstance(o, list):
            if o and all(isinstance(x, (int, float, str)) or x is None for x in o) \
                    and not any(isinstance(x, dict) for x in o):
                arrays.append(json.dumps(o, separators=(",", ":"), allow_nan=False))
                return f"@@ARRAY{len(arrays) - 1}@@"
            return [walk(v) for v in o]
        return o

    text = json.dumps(walk(obj), indent=1, allow_nan=False, ensure_ascii=True)
    for i, a in enumerate(arrays):
        text = text.replace(f'"@@ARRAY{i}@@"', a, 1)
    return text + "\n"


def main():
    if "--any-version" not in sys.argv:
        got = {"scipy": scipy.__version__, "numpy": np.__version__}
        if got != EXPECTED_VERSIONS:
            sys.exit(f"expected {EXPECTED_VERSIONS}, got {got} (pass --any-version to override)")
    numeric = numeric_cases()
    categorical = categorical_cases()
    rec = Recorder()
    kst = kstwo_table(rec)
    check_public(numeric, categorical, kst)
    b0 = np.array([0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085])
    b1 = np.array([-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615])
    b2 = np.array([-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154])
    crit_k2 = [float(x) for x in b0 + b1 / math.sqrt(1) + b2 / 1]
    doc = {
        "versions": {
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "generator": "tests/oracles/drift_scipy_fixtures.py",
        },
        "ks_auto_rule": KS_AUTO_RULE,
        "definitions": {
            "input_rounding": "generated floats rounded to 6 significant digits "
                              "(float(f'{x:.6g}')) before computing; integers stay integers; "
                              "everything passed to scipy as float64",
            "ks": "scipy.stats.ks_2samp(reference, current, alternative='two-sided', method=...). "
                  "statistic/location/sign from method='auto'; statistic_exact is h/lcm "
                  "(scipy rewrites D in exact mode); statistic_asymp is the raw ECDF "
                  "difference. exact_h = np.round(D*lcm); asymp_n_eff = np.round(n*m/(n+m)) "
                  "(half-to-even).",
            "mannwhitneyu": "scipy.stats.mannwhitneyu(reference, current, "
                            "alternative='two-sided', use_continuity=True). statistic = U1 of "
                            "reference = R1 - n1(n1+1)/2 with average ranks. auto: 'asymptotic' "
                            "if n1 > 8 and n2 > 8, else 'asymptotic' if any tie in the pooled "
                            "sample, else 'exact'. p = clip(2 * sf(max(U1, U2)), 0, 1).",
            "anderson_ksamp": "scipy.stats.anderson_ksamp([reference, current], "
                              "variant='midrank') (== the pre-1.17 default midrank=True). "
                              "p interpolated (quadratic polyfit of log(sig) vs critical values) "
                              "and clamped to [0.001, 0.25] with a warning.",
            "anderson_ksamp_critical_values_k2": crit_k2,
            "anderson_ksamp_significance_levels": [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001],
            "ttest_ind": "scipy.stats.ttest_ind(reference, current, equal_var=False) (Welch)",
            "wasserstein": "scipy.stats.wasserstein_distance(reference, current)",
            "wasserstein_normed": "wasserstein / max(numpy.std(reference, ddof=0), 0.001) "
                                  "(Evidently wasserstein_distance_norm)",
            "energy_distance": "scipy.stats.energy_distance(reference, current)",
            "chisquare": "Evidently: k_norm = n_cur / n_ref; f_exp[i] = ref_count[i] * k_norm; "
                         "scipy.stats.chisquare(f_obs=current_counts, f_exp); dof = k - 1",
            "chi2_contingency": "scipy.stats.chi2_contingency([reference_counts, "
                                "current_counts], correction=True/False); Yates only when dof == 1",
            "jensenshannon": "scipy.spatial.distance.jensenshannon(p, q[, base=2]) on "
                             "p = ref_counts/n_ref, q = cur_counts/n_cur (a distance: sqrt of "
                             "the JS divergence)",
            "kl_entropy": "scipy.stats.entropy(p, q) = sum p*ln(p/q) (natural log)",
            "hellinger": "sqrt_half_sum_sq = sqrt(0.5 * sum (sqrt p - sqrt q)^2); "
                         "evidently_sqrt_1_minus_bc = sqrt(1 - clip(sum sqrt(p q), 0, 1))",
            "z_test": "Evidently z: categories sorted, indicator = 1 for every category except "
                      "the first; p1, p2 = indicator means; pooled = (p1 n1 + p2 n2)/(n1+n2); "
                      "z = (p1-p2)/sqrt(pooled(1-pooled)(1/n1+1/n2)); "
                      "pvalue_formula = 2*(1 - norm.cdf(|z|)); pvalue_2sf = 2*norm.sf(|z|); "
                      "evidently_pvalue = 1 if both samples hold the same single category. "
                      "Only given when <= 2 categories are observed.",
            "evidently": "numpy re-implementation of Evidently 0.7 legacy stattests "
                         "(utils.get_binned_data, psi, kl_div, jensenshannon, hellinger), "
                         "checked against the statistics.md public values; not produced by "
                         "Evidently itself.",
        },
        "numeric": numeric,
        "categorical": categorical,
        "kstwo_sf": kst,
    }
    if rec.nonfinite:
        doc["kstwo_sf_nonfinite"] = rec.nonfinite
    os.makedirs(OUT_DIR, exist_ok=True)
    text = dump(doc)
    with open(OUT_FILE, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    print(f"wrote {OUT_FILE}: {len(numeric)} numeric, {len(categorical)} categorical, "
          f"{len(kst)} kstwo rows, {len(text)} bytes")


if __name__ == "__main__":
    main()
