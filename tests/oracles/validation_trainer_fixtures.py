#!/usr/bin/env python3
"""Fixture for aigov-validation's LogisticTrainer: scikit-learn's LogisticRegression
(L2, C given, intercept unpenalised, solver newton-cholesky with a tight tolerance) fitted
on small generated data sets, so that the Rust trainer can be checked against the same
optimum.

Made with scikit-learn 1.9.1 and numpy 2.4.6 on CPython 3.11.7 (x86_64 Linux):

    python3.11 -m venv /tmp/onnxvenv
    /tmp/onnxvenv/bin/pip install scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1
    /tmp/onnxvenv/bin/python -B tests/oracles/validation_trainer_fixtures.py

Output: tests/fixtures/validation/logistic_trainer.json (deterministic). Inputs are rounded to
6 significant digits before fitting, so the JSON holds exactly what scikit-learn saw.
"""
import json
import pathlib
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

if "--any-version" not in sys.argv and (sklearn.__version__ != "1.9.1" or np.__version__ != "2.4.6"):
    sys.exit(f"made with scikit-learn 1.9.1 / numpy 2.4.6, found {sklearn.__version__} / {np.__version__}")

OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "validation" / "logistic_trainer.json"


def r6(a):
    return np.vectorize(lambda x: float(f"{x:.6g}"))(a)


cases = []
for seed, n, d, c, scale in [(1, 300, 3, 1.0, 1.0), (2, 500, 5, 0.1, 1.0), (3, 400, 4, 10.0, 50.0),
                             (4, 200, 2, 1.0, 0.01)]:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.35
    x = rng.normal(size=(n, d)) + np.outer(y, np.linspace(0.3, 1.5, d))
    x = r6(x * scale + rng.normal(size=d))
    model = LogisticRegression(C=c, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    model.fit(x, y.astype(int))
    cases.append({
        "id": f"seed{seed}_n{n}_d{d}_C{c}",
        "C": c,
        "rows": x.tolist(),
        "labels": [bool(v) for v in y],
        "weights": [float(w) for w in model.coef_[0]],
        "intercept": float(model.intercept_[0]),
        "n_iter": int(model.n_iter_[0]),
    })

OUT.write_text(json.dumps({
    "description": "sklearn LogisticRegression(C, solver='newton-cholesky', tol=1e-12) fits",
    "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
    "cases": cases,
}, indent=1, sort_keys=True) + "\n")
print(f"wrote {OUT} with {len(cases)} cases")
