#!/usr/bin/env python3
"""Peer benchmark: MLflow's model registry on a SQLite backend.

This is the Python *peer* half of a side-by-side benchmark. The Rust half (aigov's own
registry on SQLite) mirrors the same workload exactly, so the two figures can be compared.

What it measures
----------------
MLflow's model registry through its Python client (``mlflow.tracking.MlflowClient``)
talking straight to a SQLAlchemy store at ``sqlite:///<tmp>/mlflow.db``. No tracking
server, no HTTP, no artifacts uploaded. A fresh temporary directory is used on every run
and removed at the end (``--keep`` keeps it).

Workload layout (the Rust side mirrors it exactly)
--------------------------------------------------
* ``M = 20`` registered models named ``bench-model-00`` .. ``bench-model-19``
  (``bench-model-{i:02}``), each with ``N / M`` versions (100 for N = 2000), numbered
  1..100 by the registry. ``--models`` changes M; N must be a multiple of M.
  20 x 100 was chosen over one model x 2000 versions because the registry computes the
  next version number as ``max(version) where name = ?`` and real registries hold many
  models with modest version counts; it is neither side's best nor worst case.
* Versions are created model after model: all of ``bench-model-00`` (versions 1..100),
  then ``bench-model-01``, and so on. ``g`` below is the global 0-based sequence number
  (``g = i * (N / M) + (v - 1)`` for model ``i``, version ``v``).
* Every version is created with one ``create_model_version`` call carrying
  ``T = 5`` tags ``k0`` .. ``k{T-1}``, tag ``kj`` having the value ``v{g}-{j}``
  (e.g. ``{"k0": "v0-0", "k1": "v0-1", ..., "k4": "v0-4"}`` for the very first version),
  ``source = "file:///tmp/x"``, no ``run_id``, no description,
  ``await_creation_for=0`` (the SQL store creates versions READY, so nothing is awaited).

Phases (wall clock, ``time.perf_counter``)
------------------------------------------
1. ``register``: ``create_registered_model`` for the M models, then the N
   ``create_model_version`` calls. Both are inside the timed phase;
   ``register_per_second = N / register_seconds`` (versions per second).
2. ``lookup``: ``get_model_version(name, str(version))`` for every version, in creation
   order; ``lookup_per_second = N / lookup_seconds``. The returned versions are checked
   (version number and all T tags) after the clock stops.

One-time setup is excluded from both timings: before the clock starts the script makes
a client, creates a warm-up model ``bench-warmup`` with one version (one tag) and reads it
back. That runs MLflow's SQLite schema migrations (alembic), opens the SQLAlchemy engine
and imports the lazily loaded modules. The warm-up model stays in the database, so the
timed phases see 1 + M registered models.

How to run
----------
::

    python3 -m venv /opt/mlflow-venv            # any venv outside the repository
    /opt/mlflow-venv/bin/pip install mlflow
    /opt/mlflow-venv/bin/python benches/peers/mlflow_registry.py \\
        --versions 2000 --tags 5 --out result.json

or let the script install mlflow into the running interpreter when it is missing:
``python3 benches/peers/mlflow_registry.py --install``. Defaults: ``--versions 2000
--tags 5 --models 20``. The JSON result is printed on stdout and, with ``--out``,
written to that file::

    {"peer": "mlflow", "mlflow_version": "...", "models": 20, "versions": 2000,
     "tags_per_version": 5, "register_seconds": ..., "register_per_second": ...,
     "lookup_seconds": ..., "lookup_per_second": ..., "layout": "..."}

Run with mlflow 3.17.2 (Python 3.11.7, SQLAlchemy store, SQLite) on the project's
2-core machine, full sizes (20 x 100 versions, 5 tags): register 26.3 s (76 versions/s),
lookup 15.9 s (126 lookups/s); a second run gave 28.5 s and 16.2 s. The whole script,
imports and warm-up included, takes about 51 s.
MLflow telemetry is switched off (``MLFLOW_DISABLE_TELEMETRY=true``, ``DO_NOT_TRACK=true``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # leave no __pycache__ behind in the repository
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

SOURCE = "file:///tmp/x"
WARMUP_MODEL = "bench-warmup"


def model_name(i: int) -> str:
    return f"bench-model-{i:02}"


def version_tags(g: int, tags: int) -> dict[str, str]:
    return {f"k{j}": f"v{g}-{j}" for j in range(tags)}


def import_mlflow(install: bool):
    try:
        return importlib.import_module("mlflow")
    except ModuleNotFoundError:
        if not install:
            sys.exit(
                "mlflow is not installed: `pip install mlflow`, "
                "or run this script with --install"
            )
    print("installing mlflow with pip ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "mlflow"], check=True)
    importlib.invalidate_caches()
    return importlib.import_module("mlflow")


def run(args: argparse.Namespace) -> dict:
    mlflow = import_mlflow(args.install)
    from mlflow.tracking import MlflowClient

    per_model = args.versions // args.models
    layout = (
        f"{args.models} models bench-model-00..bench-model-{args.models - 1:02} x "
        f"{per_model} versions each (1..{per_model}), created model after model; "
        f"tags k0..k{args.tags - 1} = 'v{{g}}-{{j}}' with g the global 0-based sequence; "
        f"source {SOURCE}"
    )

    tmp = tempfile.mkdtemp(prefix="mlflow-registry-bench-")
    old_cwd = os.getcwd()
    try:
        # Anything MLflow writes next to the working directory lands in tmp, not the repo.
        os.chdir(tmp)
        uri = f"sqlite:///{tmp}/mlflow.db"
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)

        # Warm-up: schema migration, engine, lazy imports. Not timed.
        client.create_registered_model(WARMUP_MODEL)
        client.create_model_version(
            WARMUP_MODEL, SOURCE, tags={"k0": "warm"}, await_creation_for=0
        )
        client.get_model_version(WARMUP_MODEL, "1")

        # Phase 1: register.
        t0 = time.perf_counter()
        for i in range(args.models):
            client.create_registered_model(model_name(i))
        g = 0
        for i in range(args.models):
            name = model_name(i)
            for _ in range(per_model):
                client.create_model_version(
                    name, SOURCE, tags=version_tags(g, args.tags), await_creation_for=0
                )
                g += 1
        register_seconds = time.perf_counter() - t0

        # Phase 2: lookup.
        found = []
        t0 = time.perf_counter()
        for i in range(args.models):
            name = model_name(i)
            for v in range(1, per_model + 1):
                found.append(client.get_model_version(name, str(v)))
        lookup_seconds = time.perf_counter() - t0

        # Check what came back (outside the timings).
        assert len(found) == args.versions
        for g, mv in enumerate(found):
            i, v = divmod(g, per_model)
            assert mv.name == model_name(i), (mv.name, g)
            assert int(mv.version) == v + 1, (mv.version, g)
            assert mv.tags == version_tags(g, args.tags), (mv.tags, g)
    finally:
        os.chdir(old_cwd)
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    return {
        "peer": "mlflow",
        "mlflow_version": mlflow.__version__,
        "models": args.models,
        "versions": args.versions,
        "tags_per_version": args.tags,
        "register_seconds": round(register_seconds, 6),
        "register_per_second": round(args.versions / register_seconds, 2),
        "lookup_seconds": round(lookup_seconds, 6),
        "lookup_per_second": round(args.versions / lookup_seconds, 2),
        "layout": layout,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--versions", type=int, default=2000, help="model versions in all (2000)")
    p.add_argument("--tags", type=int, default=5, help="tags per version (5)")
    p.add_argument("--models", type=int, default=20, help="registered models (20)")
    p.add_argument("--out", help="also write the JSON result to this file")
    p.add_argument("--install", action="store_true", help="pip install mlflow if missing")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = p.parse_args()
    if args.models < 1 or args.versions < args.models or args.versions % args.models:
        p.error("--versions must be a positive multiple of --models")
    if args.tags < 0:
        p.error("--tags must be >= 0")

    result = run(args)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
