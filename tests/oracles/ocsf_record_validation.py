#!/usr/bin/env python3
"""Validates aigov's golden OCSF export and records the verdict for the Rust tests.

The Rust test `crates/aigov-audit/tests/siem_export.rs` writes `tests/fixtures/siem/ocsf.jsonl`
(with AIGOV_UPDATE_GOLDEN=1) and, on every run, checks that the file's SHA-256 equals the one
recorded here with `"valid": true`, so CI proves its output is byte-for-byte what the OCSF 1.5.0
validator accepted, without needing Python.

Run (with the validator's dependency installed, see ocsf_validate.py):
    /tmp/ocsfvenv/bin/python tests/oracles/ocsf_record_validation.py
"""
import hashlib
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPORT = ROOT / "tests/fixtures/siem/ocsf.jsonl"
RECORD = ROOT / "tests/fixtures/siem/ocsf_validation.json"

data = EXPORT.read_bytes()
run = subprocess.run(
    [sys.executable, str(ROOT / "tests/oracles/ocsf_validate.py"), "--strict", "--aigov", str(EXPORT)],
    capture_output=True,
    text=True,
)
record = {
    "file": "tests/fixtures/siem/ocsf.jsonl",
    "sha256": hashlib.sha256(data).hexdigest(),
    "events": len(data.splitlines()),
    "validator": "tests/oracles/ocsf_validate.py --strict --aigov (OCSF 1.5.0, ocsf-json-schema 1.2.0)",
    "valid": run.returncode == 0,
    "problems": run.stdout.splitlines(),
    "summary": run.stderr.strip(),
}
RECORD.write_text(json.dumps(record, indent=2) + "\n")
print(json.dumps(record, indent=2))
sys.exit(0 if record["valid"] else 1)
