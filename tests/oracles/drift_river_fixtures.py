#!/usr/bin/env python3
"""Golden-fixture generator for aigov-drift's streaming drift detectors (Rust port of
river's ADWIN, PageHinkley and KSWIN).

Made with: river 0.26.1, numpy 2.4.6, scipy 1.17.1 on CPython 3.11.7 (x86_64 Linux).
The script refuses to run with other river/numpy/scipy versions unless
``--any-version`` is given (the fixture would then have to be re-reviewed).

How to run (from the repository root; keep the virtualenv OUTSIDE the repo):

    python3.11 -m venv /tmp/rivervenv
    /tmp/rivervenv/bin/pip install river==0.26.1 numpy==2.4.6 scipy==1.17.1
    /tmp/rivervenv/bin/python -B tests/oracles/drift_river_fixtures.py

Takes a few minutes (KSWIN calls scipy's exact ks_2samp on every update, twice: once in
river, once in the reference port below).

Output: ``tests/fixtures/drift/river_detectors.json`` (path is relative to this script,
so the working directory does not matter).  The output is byte-for-byte deterministic:
every stream comes from ``numpy.random.default_rng(<fixed seed>)`` and generated floats
are rounded to 6 significant digits (``float(f"{x:.6g}")``) BEFORE they are fed to the
detectors, so the numbers written to the JSON (shortest round-trip repr) are exactly the
float64 inputs river saw.  Binary and count streams are whole numbers, fed as floats.
KSWIN is always given an explicit integer ``seed`` (river's default ``seed=None`` seeds
from os.urandom and is not reproducible).

Besides running river, the script contains a straight Python port of each detector as
documented in tests/fixtures/drift/README.md (section ``river_detectors.json``) and a
pure-Python MT19937 + ``random.sample``; it asserts that the ports give bit-identical
results to river / CPython on every run before writing anything.  These ports are the
executable form of the README and the natural template for the Rust code.
"""

import collections
import itertools
import json
import math
import os
import platform
import random
import sys
import warnings

import numpy as np
import river
import scipy
from river import drift
from scipy import stats

EXPECTED_VERSIONS = {"river": "0.26.1", "numpy": "2.4.6", "scipy": "1.17.1"}

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "drift"))
OUT_FILE = os.path.join(OUT_DIR, "river_detectors.json")

# Stream used for the per-update traces.
TRACE_STREAM = "short_step_500"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def r6(values):
    """Round to 6 significant digits; returns a list of Python floats."""
    return [float(f"{float(v):.6g}") for v in values]


def whole(values):
    """Whole numbers (0/1 flags, counts) as Python floats."""
    return [float(int(v)) for v in values]


# --------------------------------------------------------------------------
# streams
# --------------------------------------------------------------------------

def make_streams():
    streams = {}

    def add(name, seed, description, values):
        assert 500 <= len(values) <= 20000, name
        assert all(isinstance(v, float) and math.isfinite(v) for v in values), name
        streams[name] = {"seed": seed, "description": description,
                         "length": len(values), "values": values}

    def rng(seed):
        return np.random.default_rng(seed)

    g = rng(101)
    add("short_step_500", 101, "N(0,1) x250 then N(3,1) x250 (step up at 250)",
        r6(np.concatenate([g.normal(0, 1, 250), g.normal(3, 1, 250)])))

    g = rng(102)
    add("step_up_2000", 102, "N(0,1) x1000 then N(1,1) x1000 (step up at 1000)",
        r6(np.concatenate([g.normal(0, 1, 1000), g.normal(1, 1, 1000)])))

    g = rng(103)
    add("step_down_2000", 103, "N(5,1) x1000 then N(3.5,1) x1000 (step down at 1000)",
        r6(np.concatenate([g.normal(5, 1, 1000), g.normal(3.5, 1, 1000)])))

    g = rng(104)
    means = [0.0, 2.0, 2.0, -1.0, 0.5, 3.0]
    add("multi_step_6000", 104,
        "N(m,1) in blocks of 1000 with m = 0, 2, 2, -1, 0.5, 3 "
        "(changes at 1000 up, 3000 down, 4000 up, 5000 up)",
        r6(np.concatenate([g.normal(m, 1, 1000) for m in means])))

    g = rng(105)
    t = np.arange(6000)
    mean = np.clip((t - 2000) / 2000.0, 0.0, 1.0) * 3.0
    add("gradual_6000", 105,
        "N(mu_t,1), mu_t = 0 for t < 2000, rising linearly to 3 at t = 4000, then 3",
        r6(mean + g.normal(0, 1, 6000)))

    g = rng(106)
    add("variance_change_5000", 106, "N(0,1) x2500 then N(0,3) x2500 (sd 1 -> 3, same mean)",
        r6(np.concatenate([g.normal(0, 1, 2500), g.normal(0, 3, 2500)])))

    g = rng(107)
    add("stationary_20000", 107, "N(0,1) x20000, no drift",
        r6(g.normal(0, 1, 20000)))

    g = rng(108)
    add("binary_5000", 108, "Bernoulli(0.2) x2500 then Bernoulli(0.6) x2500, values 0.0/1.0",
        whole(np.concatenate([g.random(2500) < 0.2, g.random(2500) < 0.6])))

    g = rng(109)
    add("constant_prefix_3000", 109,
        "1.0 x1000 (constant), then N(1,0.5) x1000, then N(2,0.5) x1000",
        [1.0] * 1000 + r6(np.concatenate([g.normal(1, 0.5, 1000), g.normal(2, 0.5, 1000)])))

    g = rng(110)
    add("poisson_counts_4000", 110, "Poisson(3) x2000 then Poisson(5) x2000 (ties), as floats",
        whole(np.concatenate([g.poisson(3, 2000), g.poisson(5, 2000)])))

    g = rng(111)
    means = [0.0, 1.0, -0.5, 1.5, 0.0]
    add("long_multi_step_20000", 111,
        "N(m,1) in blocks of 4000 with m = 0, 1, -0.5, 1.5, 0",
        r6(np.concatenate([g.normal(m, 1, 4000) for m in means])))

    g = rng(112)
    add("large_scale_3000", 112, "N(1000,10) x1500 then N(1008,10) x1500",
        r6(np.concatenate([g.normal(1000, 10, 1500), g.normal(1008, 10, 1500)])))

    g = rng(113)
    add("uniform_shift_8000", 113, "U(0,1) x4000 then U(0.15,1.15) x4000",
        r6(np.concatenate([g.random(4000), 0.15 + g.random(4000)])))

    return streams


# --------------------------------------------------------------------------
# parameter sets (all constructor arguments, river's names, defaults included)
# --------------------------------------------------------------------------

PARAM_SETS = {
    "ADWIN": {
        "default": dict(delta=0.002, clock=32, max_buckets=5, min_window_length=5,
                        grace_period=10),
        "sensitive_clock1": dict(delta=0.01, clock=1, max_buckets=5, min_window_length=5,
                                 grace_period=5),
        "mb3_mwl10_clock1": dict(delta=0.002, clock=1, max_buckets=3, min_window_length=10,
                                 grace_period=10),
        "mb2_clock16_strict": dict(delta=0.0001, clock=16, max_buckets=2, min_window_length=3,
                                   grace_period=50),
    },
    "PageHinkley": {
        "default": dict(min_instances=30, delta=0.005, threshold=50.0, alpha=1 - 0.0001,
                        mode="both"),
        "up_t20": dict(min_instances=10, delta=0.01, threshold=20.0, alpha=0.999, mode="up"),
        "down_t20": dict(min_instances=10, delta=0.01, threshold=20.0, alpha=0.999,
                         mode="down"),
        "both_t20": dict(min_instances=10, delta=0.01, threshold=20.0, alpha=0.999,
                         mode="both"),
    },
    "KSWIN": {
        # river's default is seed=None (os.urandom); the fixture fixes it.
        "default_seed42": dict(alpha=0.005, window_size=100, stat_size=30, seed=42,
                               window=None),
        "alpha1e-4_seed1": dict(alpha=0.0001, window_size=100, stat_size=30, seed=1,
                                window=None),
        "w200_s50_seed7": dict(alpha=0.01, window_size=200, stat_size=50, seed=7,
                               window=None),
        "w500_s10_seed12345": dict(alpha=0.005, window_size=500, stat_size=10, seed=12345,
                                   window=None),
    },
}


def make_river(detector, params):
    cls = {"ADWIN": drift.ADWIN, "PageHinkley": drift.PageHinkley, "KSWIN": drift.KSWIN}
    return cls[detector](**params)


# --------------------------------------------------------------------------
# reference ports (the README, executable)
# --------------------------------------------------------------------------

def ieee_sqrt(x):
    return math.sqrt(x) if x >= 0.0 else float("nan")


class PortAdwinBucketRow:
    """One row of the exponential histogram: up to max_buckets+1 (total, variance) pairs,
    oldest first.  Every entry of row i summarises 2**i consecutive items."""

    def __init__(self, max_buckets):
        self.cap = max_buckets + 1
        self.totals = [0.0] * self.cap
        self.variances = [0.0] * self.cap
        self.current_idx = 0

    def insert(self, total, variance):
        self.totals[self.current_idx] = total
        self.variances[self.current_idx] = variance
        self.current_idx += 1

    def compress(self, n_elements):  # drop the n oldest entries
        remaining = self.current_idx - n_elements
        self.totals[0:remaining] = self.totals[n_elements:self.current_idx]
        self.variances[0:remaining] = self.variances[n_elements:self.current_idx]
        for i in range(remaining, self.current_idx):
            self.totals[i] = 0.0
            self.variances[i] = 0.0
        self.current_idx -= n_elements


class PortAdaptiveWindowing:
    """river 0.26.1 rust_src/adwin.rs AdaptiveWindowing, line by line."""

    def __init__(self, delta, clock, max_buckets, min_window_length, grace_period):
        self.delta = float(delta)
        self.clock = int(clock)
        self.max_buckets = int(max_buckets)
        self.min_window_length = float(min_window_length)
        self.grace_period = float(grace_period)
        self.total = 0.0
        self.variance = 0.0
        self.width = 0.0
        self.tick = 0
        self.n_detections = 0
        self.rows = [PortAdwinBucketRow(self.max_buckets)]

    def update(self, value):
        self.insert_element(float(value))
        return self.detect_change()

    def insert_element(self, value):
        self.rows[0].insert(value, 0.0)
        self.width += 1.0
        inc = 0.0
        if self.width > 1.0:
            d = value - self.total / (self.width - 1.0)
            inc = (self.width - 1.0) * d * d / self.width
        self.variance += inc
        self.total += value
        self.compress_buckets()

    def compress_buckets(self):
        idx = 0
        while True:
            row = self.rows[idx]
            if row.current_idx != self.max_buckets + 1:
                break
            n1 = float(1 << idx)
            t0, t1 = row.totals[0], row.totals[1]
            v0, v1 = row.variances[0], row.variances[1]
            mu1 = t0 / n1
            mu2 = t1 / n1
            total12 = t0 + t1
            temp = n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2)
            v12 = v0 + v1 + temp
            if idx + 1 >= len(self.rows):
                self.rows.append(PortAdwinBucketRow(self.max_buckets))
            self.rows[idx + 1].insert(total12, v12)
            row.compress(2)
            if self.rows[idx + 1].current_idx <= self.max_buckets:
                break
            idx += 1

    def delete_element(self):
        last = len(self.rows) - 1
        n = float(1 << last)
        u = self.rows[last].totals[0]
        v = self.rows[last].variances[0]
        mu = u / n
        self.width -= n
        self.total -= u
        mu_window = self.total / self.width
        inc = v + n * self.width * (mu - mu_window) * (mu - mu_window) / (n + self.width)
        self.variance -= inc
        self.rows[last].compress(1)
        if self.rows[last].current_idx == 0:
            self.rows.pop()
        return n

    def detect_change(self):
        change = False
        self.tick += 1
        if self.tick % self.clock == 0 and self.width > self.grace_period:
            reduce_width = True
            while reduce_width:
                reduce_width = False
                exit_flag = False
                n0, n1, u0, u1 = 0.0, self.width, 0.0, self.total
                for idx in range(len(self.rows) - 1, -1, -1):
                    if exit_flag:
                        break
                    size = float(1 << idx)
                    row = self.rows[idx]
                    cur = row.current_idx
                    cut = False
                    for k in range(cur):
                        n0 += size
                        n1 -= size
                        t = row.totals[k]
                        u0 += t
                        u1 -= t
                        if idx == 0 and k == cur - 1:
                            exit_flag = True
                            break
                        delta_mean = (u0 / n0) - (u1 / n1)
                        if (n1 >= self.min_window_length and n0 >= self.min_window_length
                                and self.evaluate_cut(n0, n1, delta_mean)):
                            reduce_width = True
                            change = True
                            if self.width > 0.0:
                                self.delete_element()
                                cut = True
                                break
                    if cut:
                        break
        if change:
            self.n_detections += 1
        return change

    def evaluate_cut(self, n0, n1, delta_mean):
        delta_prime = math.log(2.0 * math.log(self.width) / self.delta)
        m_recip = (1.0 / (n0 - self.min_window_length + 1.0)
                   + 1.0 / (n1 - self.min_window_length + 1.0))
        epsilon = (ieee_sqrt(2.0 * m_recip * (self.variance / self.width) * delta_prime)
                   + 2.0 / 3.0 * delta_prime * m_recip)
        return abs(delta_mean) > epsilon


class PortADWIN:
    def __init__(self, **p):
        self.p = p
        self.drift_detected = False
        self.h = PortAdaptiveWindowing(**p)

    def update(self, x):
        if self.drift_detected:                       # river/drift/adwin.py: _reset()
            self.h = PortAdaptiveWindowing(**self.p)  # whole window thrown away
        self.drift_detected = self.h.update(x)

    def state(self):
        w = self.h.width
        return {"width": w, "estimation": 0.0 if w == 0 else self.h.total / w,
                "n_detections": self.h.n_detections, "total": self.h.total,
                "variance": self.h.variance}


class PortPageHinkley:
    def __init__(self, min_instances, delta, threshold, alpha, mode):
        self.min_instances, self.delta, self.threshold = min_instances, delta, threshold
        self.alpha, self.mode = alpha, mode
        self.reset()

    def reset(self):
        self.drift_detected = False
        self.n = 0.0
        self.mean = 0.0
        self.sum_increase = 0.0
        self.sum_decrease = 0.0
        self.min_increase = float("inf")
        self.max_decrease = -1.0

    def update(self, x):
        if self.drift_detected:
            self.reset()
        self.n += 1.0
        self.mean += (1.0 / self.n) * (x - self.mean)
        dev = x - self.mean
        self.sum_increase = self.alpha * self.sum_increase + dev - self.delta
        self.sum_decrease = self.alpha * self.sum_decrease + dev + self.delta
        if self.sum_increase < self.min_increase:
            self.min_increase = self.sum_increase
        if self.sum_decrease > self.max_decrease:
            self.max_decrease = self.sum_decrease
        if self.n >= self.min_instances:
            ti = self.sum_increase - self.min_increase
            td = self.max_decrease - self.sum_decrease
            up, down = ti > self.threshold, td > self.threshold
            self.drift_detected = {"up": up, "down": down, "both": up or down}[self.mode]

    def state(self):
        return {"n": self.n, "mean": self.mean, "sum_increase": self.sum_increase,
                "sum_decrease": self.sum_decrease, "min_increase": self.min_increase,
                "max_decrease": self.max_decrease}


# ---- CPython's Mersenne Twister and random.sample (Modules/_randommodule.c, random.py)

class PortMT19937:
    N, M = 624, 397

    def __init__(self, seed):
        self.seed(seed)

    def init_genrand(self, s):
        mt = [0] * self.N
        mt[0] = s & 0xFFFFFFFF
        for i in range(1, self.N):
            mt[i] = (1812433253 * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i) & 0xFFFFFFFF
        self.mt, self.mti = mt, self.N

    def seed(self, seed):
        n = abs(int(seed))
        key = []
        while True:
            key.append(n & 0xFFFFFFFF)
            n >>= 32
            if n == 0:
                break
        self.init_genrand(19650218)
        mt, N = self.mt, self.N
        i, j = 1, 0
        for _ in range(max(N, len(key))):
            mt[i] = ((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525))
                     + key[j] + j) & 0xFFFFFFFF
            i += 1
            j += 1
            if i >= N:
                mt[0] = mt[N - 1]
                i = 1
            if j >= len(key):
                j = 0
        for _ in range(N - 1):
            mt[i] = ((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941)) - i) & 0xFFFFFFFF
            i += 1
            if i >= N:
                mt[0] = mt[N - 1]
                i = 1
        mt[0] = 0x80000000
        self.mti = N

    def genrand_uint32(self):
        N, M, mt = self.N, self.M, self.mt
        if self.mti >= N:
            for kk in range(N):
                y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % N] & 0x7FFFFFFF)
                mt[kk] = mt[(kk + M) % N] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.mti = 0
        y = mt[self.mti]
        self.mti += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y

    def getrandbits(self, k):
        if k == 0:
            return 0
        if k <= 32:
            return self.genrand_uint32() >> (32 - k)
        out, shift = 0, 0
        while k > 0:
            r = self.genrand_uint32()
            if k < 32:
                r >>= 32 - k
            out |= r << shift
            shift += 32
            k -= 32
        return out

    def randbelow(self, n):
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return r

    @staticmethod
    def setsize(k):
        s = 21
        if k > 5:
            s += 4 ** math.ceil(math.log(k * 3) / math.log(4))
        return s

    def sample_range(self, n, k):
        """random.Random.sample(range(n), k)."""
        if not 0 <= k <= n:
            raise ValueError("Sample larger than population or is negative")
        result = [None] * k
        if n <= self.setsize(k):
            pool = list(range(n))
            for i in range(k):
                j = self.randbelow(n - i)
                result[i] = pool[j]
                pool[j] = pool[n - i - 1]
        else:
            selected = set()
            for i in range(k):
                j = self.randbelow(n)
                while j in selected:
                    j = self.randbelow(n)
                selected.add(j)
                result[i] = j
        return result


class PortKSWIN:
    def __init__(self, alpha, window_size, stat_size, seed, window=None):
        assert window is None
        self.alpha, self.window_size, self.stat_size, self.seed = (
            alpha, window_size, stat_size, seed)
        self.drift_detected = False
        self.reset()
        self.last_stat = None

    def reset(self):
        self.drift_detected = False
        self.p_value = 0.0
        self.n = 0
        self.window = collections.deque(maxlen=self.window_size)
        self.rng = PortMT19937(self.seed)

    def update(self, x):
        if self.drift_detected:
            self.reset()
        self.n += 1
        self.window.append(x)
        if len(self.window) >= self.window_size:
            idx = self.rng.sample_range(self.window_size - self.stat_size, self.stat_size)
            rnd_window = [self.window[r] for r in idx]
            most_recent = list(itertools.islice(self.window, self.window_size - self.stat_size,
                                                self.window_size))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=RuntimeWarning)
                res = stats.ks_2samp(rnd_window, most_recent, method="auto")
            st, self.p_value = float(res.statistic), float(res.pvalue)
            self.last_stat = st
            if self.p_value <= self.alpha and st > 0.1:
                self.drift_detected = True
                self.window = collections.deque(most_recent, maxlen=self.window_size)
            else:
                self.drift_detected = False
        else:
            self.drift_detected = False

    def state(self):
        return {"n": self.n, "p_value": float(self.p_value), "window_len": len(self.window)}


def make_port(detector, params):
    if detector == "ADWIN":
        return PortADWIN(**params)
    if detector == "PageHinkley":
        return PortPageHinkley(**params)
    return PortKSWIN(**params)


# --------------------------------------------------------------------------
# running river
# --------------------------------------------------------------------------

def river_state(detector, d):
    if detector == "ADWIN":
        return {"width": float(d.width), "estimation": float(d.estimation),
                "n_detections": int(d.n_detections), "total": float(d.total),
                "variance": float(d.variance)}
    if detector == "PageHinkley":
        return {"n": float(d._x_mean.n), "mean": float(d._x_mean.get()),
                "sum_increase": float(d._sum_increase), "sum_decrease": float(d._sum_decrease),
                "min_increase": float(d._min_increase), "max_decrease": float(d._max_decrease)}
    return {"n": int(d.n), "p_value": float(d.p_value), "window_len": len(d.window)}


def trace_of(detector, d):
    if detector == "ADWIN":
        return [float(d.width), float(d.total), float(d.variance)]
    if detector == "PageHinkley":
        return [float(d._x_mean.get()), float(d._sum_increase), float(d._sum_decrease)]
    return [float(d.p_value)]


def at_detection(detector, d, port):
    if detector == "ADWIN":
        return [float(d.width), float(d.total), float(d.variance)]
    if detector == "PageHinkley":
        return [float(d._sum_increase - d._min_increase),
                float(d._max_decrease - d._sum_decrease)]
    return [port.last_stat, float(d.p_value)]


AT_DETECTION_COLUMNS = {
    "ADWIN": ["width", "total", "variance"],
    "PageHinkley": ["test_increase", "test_decrease"],
    "KSWIN": ["statistic", "p_value"],
}


TRACE_COLUMNS = {
    "ADWIN": ["width", "total", "variance"],
    "PageHinkley": ["mean", "sum_increase", "sum_decrease"],
    "KSWIN": ["p_value"],
}


def run_one(detector, params, values, want_trace):
    d = make_river(detector, params)
    port = make_port(detector, params)
    det, trace, at_det = [], [], []
    for i, x in enumerate(values):
        d.update(x)
        port.update(x)
        if bool(d.drift_detected) != bool(port.drift_detected):
            raise AssertionError(f"{detector} {params}: port disagrees at index {i}")
        if d.drift_detected:
            det.append(i)
            at_det.append(at_detection(detector, d, port))
        if want_trace:
            trace.append(trace_of(detector, d))
    st = river_state(detector, d)
    pst = port.state()
    if st != pst:
        raise AssertionError(f"{detector} {params}: final state {st} != port {pst}")
    return det, st, trace, at_det


# --------------------------------------------------------------------------
# python_random_sample fixture
# --------------------------------------------------------------------------

# (seed, [(n, k), ...]) -- the calls are made in order on ONE random.Random(seed)
SAMPLE_CASES = [
    (42, [(70, 30)] * 4),                      # KSWIN defaults (window 100, stat 30)
    (1, [(70, 30)] * 3),
    (7, [(150, 50)] * 3),                      # window 200, stat 50
    (12345, [(490, 10)] * 4),                  # window 500, stat 10: set branch
    (0, [(10, 3), (5, 5), (1, 1), (70, 30), (30, 6), (2000, 6)]),
    (2**32 + 5, [(70, 30), (490, 10)]),        # two-word seed key
    (-42, [(70, 30)]),                         # negative seed: abs() is used
    (2**64 - 1, [(100, 7), (1000, 50)]),
    (3, [(85, 10), (86, 10), (84, 5), (22, 5), (21, 5), (277, 30), (278, 30)]),  # around setsize
    (99, [(70, 0), (1, 0), (7, 7)]),
    (2024, [(2**33, 4), (5000, 20)]),          # randbelow with > 32 bits
]


def python_random_sample():
    out = []
    for seed, calls in SAMPLE_CASES:
        r = random.Random(seed)
        port = PortMT19937(seed)
        recs = []
        for n, k in calls:
            got = r.sample(range(n), k)
            mine = port.sample_range(n, k)
            if got != mine:
                raise AssertionError(f"sample port mismatch seed={seed} n={n} k={k}")
            recs.append({"n": n, "k": k, "setsize": PortMT19937.setsize(k),
                         "branch": "pool" if n <= PortMT19937.setsize(k) else "set",
                         "sample": got})
        r2 = random.Random(seed)
        port2 = PortMT19937(seed)
        first = [r2.getrandbits(32) for _ in range(8)]
        if first != [port2.genrand_uint32() for _ in range(8)]:
            raise AssertionError(f"MT port mismatch seed={seed}")
        out.append({"seed": seed, "first_uint32": first, "calls": recs})
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
    if "--any-version" not in sys.argv:
        got = {"river": river.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
        if got != EXPECTED_VERSIONS:
            sys.exit(f"expected {EXPECTED_VERSIONS}, got {got} (pass --any-version to override)")

    streams = make_streams()
    runs, traces = [], []
    for detector, sets in PARAM_SETS.items():
        for set_name, params in sets.items():
            for stream_name, s in streams.items():
                want_trace = stream_name == TRACE_STREAM
                det, st, trace, at_det = run_one(detector, params, s["values"], want_trace)
                run = {"detector": detector, "param_set": set_name, "params": dict(params),
                       "stream": stream_name, "n_detected": len(det), "detections": det,
                       "at_detection": at_det, "final": st}
                runs.append(run)
                if want_trace:
                    traces.append({"detector": detector, "param_set": set_name,
                                   "stream": stream_name, "columns": TRACE_COLUMNS[detector],
                                   "rows": trace})
                print(f"{detector:12s} {set_name:20s} {stream_name:24s} {len(det):4d} "
                      f"detections", file=sys.stderr)

    doc = {
        "versions": {
            "river": river.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "generator": "tests/oracles/drift_river_fixtures.py",
        },
        "conventions": {
            "input_rounding": "generated floats rounded to 6 significant digits "
                              "(float(f'{x:.6g}')) before feeding; binary/count streams are "
                              "whole numbers; every value is fed to river as a Python float",
            "detections": "0-based indices i such that detector.drift_detected is True right "
                          "after detector.update(stream[i]); the detector's automatic reset "
                          "happens at the start of the NEXT update",
            "final": "state after the last update. ADWIN: width, estimation (= total/width, "
                     "0.0 if width == 0), n_detections (of the current helper: it is reset "
                     "with the window, so it is 0 or 1), total, variance (sum of squared "
                     "deviations, not divided by width). PageHinkley: n and mean of the running "
                     "stats.Mean, _sum_increase, _sum_decrease, _min_increase, _max_decrease. "
                     "KSWIN: n (updates since the last reset), p_value of the last KS test "
                     "(0 after a reset until the window is full again), window_len",
            "at_detection": "one row per detection, state right after the update that "
                            "fired (columns in at_detection_columns). ADWIN: width, total, "
                            "variance after the cut(s); PageHinkley: test_increase = "
                            "_sum_increase - _min_increase, test_decrease = _max_decrease - "
                            "_sum_decrease; KSWIN: statistic and pvalue of the ks_2samp call "
                            "that fired (statistic from the generator's port, same scipy call)",
            "traces": "per-update state on stream " + TRACE_STREAM + " for every parameter "
                      "set; rows[i] is the state right after update(stream[i])",
            "kswin_seed": "river's KSWIN default seed is None (nondeterministic); every KSWIN "
                          "parameter set here fixes an integer seed",
            "pagehinkley_default_alpha": "river writes alpha = 1 - 0.0001, which is the float64 "
                                         "0.9999 (repr '0.9999')",
            "python_random_sample": "random.Random(seed).sample(range(n), k), calls made in "
                                    "order on one instance; first_uint32 = the first 8 "
                                    "getrandbits(32) of a fresh Random(seed) (MT19937 "
                                    "genrand_uint32 outputs); branch/setsize as in "
                                    "CPython 3.11 random.sample",
        },
        "at_detection_columns": AT_DETECTION_COLUMNS,
        "param_sets": PARAM_SETS,
        "streams": streams,
        "runs": runs,
        "traces": traces,
        "python_random_sample": python_random_sample(),
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    text = dump(doc)
    with open(OUT_FILE, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    print(f"wrote {OUT_FILE}: {len(streams)} streams, {len(runs)} runs, {len(text)} bytes")


if __name__ == "__main__":
    main()
