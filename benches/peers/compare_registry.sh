#!/usr/bin/env bash
# Side by side: aigov's registry on SQLite (criterion, benches/registry_throughput.rs) and
# MLflow's registry on SQLite (benches/peers/mlflow_registry.py), on the same workload:
# 20 models x 100 versions with 5 tags each, then every version looked up. Prints the ratios.
# Needs mlflow: set MLFLOW_PYTHON to a Python that has it, or the script installs it with pip.
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${MLFLOW_PYTHON:-python3}
if ! "$py" -c 'import mlflow' 2>/dev/null; then
  "$py" -m pip install -q mlflow
fi
peer=$(mktemp)
trap 'rm -f "$peer"' EXIT
"$py" benches/peers/mlflow_registry.py --versions 2000 --tags 5 --out "$peer" >/dev/null
ours=$(cargo bench -q --bench registry_throughput -- --output-format bencher 2>/dev/null | grep '^test ')
echo "$ours"
python3 - "$peer" "$ours" <<'PY'
import json, re, sys
peer = json.load(open(sys.argv[1]))
ns = {m.group(1): int(m.group(2).replace(",", ""))
      for m in re.finditer(r"test registry_sqlite/(\S+) \.\.\. bench:\s+([\d,]+) ns/iter", sys.argv[2])}
for phase, key, peer_rate in [("register", "register_2000", peer["register_per_second"]),
                              ("register (synced)", "register_2000_synced", peer["register_per_second"]),
                              ("lookup", "lookup_2000", peer["lookup_per_second"])]:
    rate = 2000 / (ns[key] / 1e9)
    print(f"{phase:18} aigov {rate:10.0f}/s   mlflow {peer_rate:8.1f}/s   ratio {rate / peer_rate:6.1f}x")
PY
