#!/usr/bin/env bash
# Side by side: `aigov validate --model M.onnx` (aigov's native tree-ensemble scorer) against
# onnxruntime on one thread, on the same CSV and the same 200-tree ONNX models
# (benches/peers/trees_data.py: 100,000 labelled phishing-URL rows, 8 integer features, and
# skl2onnx exports of a RandomForestClassifier (200 trees, max_depth 10) and a
# GradientBoostingClassifier (200 trees, max_depth 4) carrying aigov.feature_names):
#   ort-KIND    benches/peers/trees_onnxruntime.py   onnxruntime InferenceSession
#               (intra_op_num_threads=1, inter_op_num_threads=1), pandas.read_csv, one
#               session.run over all rows, sklearn roc_auc_score
#   aigov-KIND  aigov validate --model M.onnx --data F --label label --json
# Every command is a fresh process timed from outside with GNU time (wall seconds and peak
# RSS), run --runs times (3) round-robin in this one session, and the medians are compared
# per model: wall onnxruntime/aigov (goal >= 1) and peak RSS onnxruntime/aigov. aigov exits 0,
# or 1 when the check ran and said no: both count as a completed run; 2 or anything else is
# an error. Then a cross-check: the roc_auc of the two JSONs must agree to 1e-6 (absolute).
#
# Usage: benches/peers/compare_trees.sh [--data FILE] [--rows N] [--train-rows N] [--seed S]
#          [--model-kind LIST] [--runs N] [--keep] [--out FILE] [--install]
#   --data FILE       reuse FILE and the models next to it (FILE without .csv, plus
#                     .KIND.onnx), generating all of them when FILE is absent; without it the
#                     data go to a temp dir that is removed at the end
#   --rows/--train-rows/--seed  passed to trees_data.py when it generates (100000 / its
#                     defaults)
#   --model-kind LIST the models to compare, comma-separated, of random_forest,
#                     gradient_boosting, xgboost, lightgbm (random_forest,gradient_boosting)
#   --runs N          timed runs per command (3); the median is reported
#   --keep            keep the work dir (each command's last stdout/stderr and timings)
#   --out FILE        also write the results as JSON to FILE
#   --install         create the venv (or pip install the pinned versions into it) when
#                     packages are missing
# Environment (relative paths are taken from the repository root):
#   AIGOV           aigov binary (target/release/aigov); build it first: cargo build --release -p aigov-cli
#   TREES_VENV      venv that --install creates (/tmp/treevenv, as tests/oracles/tree_fixtures.py)
#   TREES_PYTHON    Python with onnxruntime, pandas, scikit-learn, numpy, and for the generator
#                   skl2onnx, onnx, scipy (+ xgboost, lightgbm, onnxmltools) ($TREES_VENV/bin/python)
#   DATA_PYTHON     Python for the data generator and the report ($TREES_PYTHON)
#   TIME_BIN        GNU time (/usr/bin/time)
set -euo pipefail
caller=$(pwd)
cd "$(dirname "$0")/../.."
root=$(pwd)

AIGOV=${AIGOV:-target/release/aigov}
TREES_VENV=${TREES_VENV:-/tmp/treevenv}
TREES_PYTHON=${TREES_PYTHON:-$TREES_VENV/bin/python}
TIME_BIN=${TIME_BIN:-/usr/bin/time}
# The versions of tests/oracles/tree_fixtures.py, which --install installs.
PINNED_BASE="scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1 skl2onnx==1.20.0 onnx==1.23.2
  onnxruntime==1.32.0 protobuf==7.36.2 pandas==3.1.2"
PINNED_EXTRA="xgboost==3.2.0 lightgbm==4.7.0 onnxmltools==1.16.0"

data=""
rows=100000
train_rows=""
seed=""
kinds_arg=random_forest,gradient_boosting
runs=3
keep=0
out_json=""
install=0

die() { echo "compare_trees: error: $*" >&2; exit 1; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --data) need_arg "$@"; data=$2; shift 2 ;;
    --rows) need_arg "$@"; rows=$2; shift 2 ;;
    --train-rows) need_arg "$@"; train_rows=$2; shift 2 ;;
    --seed) need_arg "$@"; seed=$2; shift 2 ;;
    --model-kind) need_arg "$@"; kinds_arg=$2; shift 2 ;;
    --runs) need_arg "$@"; runs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --out) need_arg "$@"; out_json=$2; shift 2 ;;
    --install) install=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
# --data and --out are relative to the directory the script was started from.
case "$data" in ''|/*) ;; *) data=$caller/$data ;; esac
case "$out_json" in ''|/*) ;; *) out_json=$caller/$out_json ;; esac
case "$runs" in ''|*[!0-9]*|0) die "--runs must be a positive integer, got '$runs'" ;; esac
case "$rows" in ''|*[!0-9]*|0) die "--rows must be a positive integer, got '$rows'" ;; esac
case "$train_rows" in *[!0-9]*) die "--train-rows must be a positive integer, got '$train_rows'" ;; esac
case "$seed" in *[!0-9]*) die "--seed must be a non-negative integer, got '$seed'" ;; esac
IFS=, read -r -a kinds <<<"$kinds_arg"
[ "${#kinds[@]}" -gt 0 ] || die "--model-kind is empty"
extra=0
for k in "${kinds[@]}"; do
  case "$k" in
    random_forest|gradient_boosting) ;;
    xgboost|lightgbm) extra=1 ;;
    *) die "--model-kind: unknown model '$k' (random_forest, gradient_boosting, xgboost, lightgbm)" ;;
  esac
done
[ "$(printf '%s\n' "${kinds[@]}" | sort -u | wc -l)" = "${#kinds[@]}" ] \
  || die "--model-kind lists a model twice: $kinds_arg"

# --- prerequisites, all checked before any data is generated -------------------------------
[ -e "$AIGOV" ] || die "aigov binary not found at '$AIGOV' (from $root).
  Build it with: cargo build --release -p aigov-cli   (or set AIGOV=/path/to/aigov)"
[ -x "$AIGOV" ] || die "'$AIGOV' is not executable"
AIGOV=$(cd "$(dirname "$AIGOV")" && pwd)/$(basename "$AIGOV")
# The validate subcommand must exist and take --model; a missing one fails here, not after
# the data is made.
"$AIGOV" validate --help 2>/dev/null | grep -q -- '--model' \
  || die "'$AIGOV validate --help' failed or lists no --model: this aigov cannot validate a model
  (rebuild: cargo build --release -p aigov-cli)"

if ! "$TIME_BIN" --version 2>&1 | grep -qi 'GNU'; then
  if [ "$TIME_BIN" = /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "compare_trees: GNU time missing, installing the 'time' package" >&2
    apt-get install -y -q time >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
      || die "could not install GNU time (apt-get install time)"
  fi
  "$TIME_BIN" --version 2>&1 | grep -qi 'GNU' \
    || die "GNU time not found at '$TIME_BIN' (apt-get install time, or set TIME_BIN)"
fi

# --- work dir and where the data are ------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/aigov-trees-bench.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then echo "compare_trees: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

[ -n "$data" ] || data=$work/trees.csv
mkdir -p "$(dirname "$data")"
data=$(cd "$(dirname "$data")" && pwd)/$(basename "$data")
stem=${data%.csv}
model_of() { echo "$stem.$1.onnx"; }  # as trees_data.py's model_path
generate=1
if [ -s "$data" ]; then
  missing=()
  for k in "${kinds[@]}"; do [ -s "$(model_of "$k")" ] || missing+=("$(model_of "$k")"); done
  [ "${#missing[@]}" = 0 ] || die "$data exists but not ${missing[*]}: remove $data (it is then
  generated again, with the models of --model-kind) or pass another --data"
  generate=0
fi

# Python packages: the scoring peer always; the generator's only when it runs.
py_need="import onnxruntime, pandas, numpy, sklearn"
[ "$generate" = 1 ] && py_need="$py_need, skl2onnx, onnx, scipy"
[ "$generate" = 1 ] && [ "$extra" = 1 ] && py_need="$py_need, xgboost, lightgbm, onnxmltools"
pins=$PINNED_BASE
[ "$extra" = 1 ] && pins="$pins $PINNED_EXTRA"
if ! { [ -x "$TREES_PYTHON" ] || command -v "$TREES_PYTHON" >/dev/null; } \
   || ! "$TREES_PYTHON" -c "$py_need" 2>/dev/null; then
  [ "$install" = 1 ] || die "TREES_PYTHON='$TREES_PYTHON' cannot '$py_need'. Create it with:
  python3 -m venv $TREES_VENV && $TREES_VENV/bin/pip install $(echo $pins)
  (or pass --install)"
  [ -x "$TREES_VENV/bin/python" ] || python3 -m venv "$TREES_VENV"
  # shellcheck disable=SC2086  # the pins are words
  "$TREES_VENV/bin/pip" install -q $pins
  TREES_PYTHON=$TREES_VENV/bin/python
  "$TREES_PYTHON" -c "$py_need" || die "'$py_need' still fails in $TREES_VENV"
fi
DATA_PYTHON=${DATA_PYTHON:-$TREES_PYTHON}
command -v "$DATA_PYTHON" >/dev/null || die "DATA_PYTHON '$DATA_PYTHON' not found"
"$DATA_PYTHON" -c 'import numpy' 2>/dev/null || die "'$DATA_PYTHON' lacks numpy (pip install numpy)"

# --- data -----------------------------------------------------------------------------------
if [ "$generate" = 0 ]; then
  echo "compare_trees: reusing $data and its models" >&2
else
  echo "compare_trees: generating $rows rows and ${kinds[*]} into $(dirname "$data")" >&2
  gen=("$DATA_PYTHON" benches/peers/trees_data.py --rows "$rows" --out "$data"
       --model-kind "$kinds_arg")
  [ -n "$seed" ] && gen+=(--seed "$seed")
  [ -n "$train_rows" ] && gen+=(--train-rows "$train_rows")
  "${gen[@]}" >"$work/generator.json"
fi
data_rows=$(( $(wc -l <"$data") - 1 ))

# --- the commands ---------------------------------------------------------------------------
names=()
for k in "${kinds[@]}"; do names+=("ort-$k" "aigov-$k"); done

run_cmd() {  # run_cmd NAME: the command line for NAME, as an array in "cmd"
  case "$1" in
    ort-*)
      cmd=("$TREES_PYTHON" benches/peers/trees_onnxruntime.py --model "$(model_of "${1#ort-}")"
           --data "$data" --label label) ;;
    aigov-*)
      cmd=("$AIGOV" validate --model "$(model_of "${1#aigov-}")" --data "$data" --label label
           --json) ;;
    *) die "unknown command name $1" ;;
  esac
  return 0
}

ok_status() {  # ok_status NAME STATUS: is STATUS a completed run of NAME?
  case "$1:$2" in
    ort-*:0|aigov-*:0|aigov-*:1) return 0 ;;
    *) return 1 ;;
  esac
}

# Round-robin: run i of every command, then run i+1, so that load that comes and goes on
# the machine falls on all of them alike.
for ((i = 1; i <= runs; i++)); do
  for name in "${names[@]}"; do
    run_cmd "$name"
    printf 'compare_trees: run %d/%d %-24s ' "$i" "$runs" "$name" >&2
    status=0
    "$TIME_BIN" -f '%e %M %x' -o "$work/$name.$i.time" "${cmd[@]}" \
      >"$work/$name.stdout" 2>"$work/$name.stderr" || status=$?
    if ! ok_status "$name" "$status"; then
      echo "FAILED (exit $status)" >&2
      echo "compare_trees: command: ${cmd[*]}" >&2
      echo "compare_trees: last lines of its stderr:" >&2
      tail -n 20 "$work/$name.stderr" >&2
      die "$name failed"
    fi
    echo "$status" >"$work/$name.$i.status"
    tail -n 1 "$work/$name.$i.time" \
      | awk -v s="$status" '{ printf "%8.2f s %8.1f MiB  exit %s\n", $1, $2 / 1024, s }' >&2
  done
done

# --- report ---------------------------------------------------------------------------------
"$DATA_PYTHON" - "$work" "$runs" "$data" "$data_rows" "$out_json" "$stem.summary.json" \
    "${kinds[@]}" <<'PY'
import json, os, statistics, sys

work, runs, data, rows, out_json, summary_path = sys.argv[1:7]
kinds = sys.argv[7:]
runs, rows = int(runs), int(rows)
TOL = 1e-6
names = [f"{tool}-{k}" for k in kinds for tool in ("ort", "aigov")]

res = {}
for name in names:
    walls, peaks, codes = [], [], []
    for i in range(1, runs + 1):
        lines = [l for l in open(f"{work}/{name}.{i}.time").read().splitlines() if l.strip()]
        wall, kib = lines[-1].split()[:2]
        walls.append(float(wall))
        peaks.append(int(kib) / 1024.0)
        codes.append(int(open(f"{work}/{name}.{i}.status").read()))
    res[name] = {"wall_s": statistics.median(walls), "peak_mib": statistics.median(peaks),
                 "wall_runs": walls, "peak_mib_runs": peaks, "exit_codes": codes}


def load(path):
    try:
        return json.load(open(path))
    except Exception:
        return None


out = {name: load(f"{work}/{name}.stdout") for name in names}
gen = load(summary_path)
gen_models = gen.get("models", {}) if isinstance(gen, dict) else {}

print(f"\ntree-ensemble comparison: {rows:,} rows, median of {runs} run(s), data {data}")
for k in kinds:
    g = gen_models.get(k)
    if isinstance(g, dict):
        print(f"  {k}: {g.get('estimator')}, {g.get('trees')} trees, {g.get('nodes'):,} nodes, "
              f"{g.get('leaves'):,} leaves, {g.get('bytes'):,} bytes")
w = max(len(n) for n in names) + 2
print(f"{'command':<{w}}{'wall s':>9}{'peak MiB':>11}   runs: wall s / peak MiB")
for name in names:
    r = res[name]
    per = "  ".join(f"{x:.2f}/{p:.0f}" for x, p in zip(r["wall_runs"], r["peak_mib_runs"]))
    print(f"{name:<{w}}{r['wall_s']:>9.2f}{r['peak_mib']:>11.1f}   {per}")
for k in kinds:
    o = out[f"ort-{k}"]
    if isinstance(o, dict):
        print(f"  ort-{k}, last run inside the script (onnxruntime {o.get('onnxruntime_version')}, "
              f"scikit-learn {o.get('sklearn_version')}, pandas {o.get('pandas_version')}): "
              f"import {o.get('seconds_import')} s, load {o.get('seconds_load')} s, read "
              f"{o.get('seconds_read')} s, scoring {o.get('seconds_scoring')} s, auc "
              f"{o.get('seconds_auc')} s, total {o.get('seconds_total')} s")
    codes = res[f"aigov-{k}"]["exit_codes"]
    if 1 in codes:
        print(f"  aigov-{k} exit codes {codes} (1: the check ran and said no)")

ratios = []
LW = max(len(k) for k in kinds) + 36


def ratio(label, value, goal=None, note=""):
    met = None if goal is None else value >= goal
    verdict = "" if goal is None else f"goal >= {goal:g}: {'met' if met else 'MISSED'}"
    ratios.append({"ratio": label, "value": value, "goal": goal, "met": met})
    print(f"  {label:<{LW}}{value:>9.2f}   {verdict}{note}".rstrip())


def div(a, b):
    return a / b if b > 0 else float("inf")


print("\nratios (medians)")
for k in kinds:
    ort, ag = res[f"ort-{k}"], res[f"aigov-{k}"]
    ratio(f"{k}: wall onnxruntime / aigov", div(ort["wall_s"], ag["wall_s"]), 1)
    ratio(f"{k}: peak onnxruntime / aigov", div(ort["peak_mib"], ag["peak_mib"]))
    o = out[f"ort-{k}"]
    if isinstance(o, dict) and isinstance(o.get("seconds_scoring"), (int, float)):
        ratio(f"{k}: ort session.run alone / aigov wall",
              div(o["seconds_scoring"], ag["wall_s"]),
              note="(ort's last run; aigov's wall holds its start-up, read and metrics too)")
    if ag["wall_s"] < 0.05:
        print(f"  note: aigov-{k}'s wall time is near the 0.01 s resolution of GNU time: "
              "the ratio is rough")

print(f"\ncross-check roc_auc (tolerance {TOL:g} absolute)")
check = {}
for k in kinds:
    o, a = out[f"ort-{k}"], out[f"aigov-{k}"]
    lib = (gen_models.get(k) or {}).get("library_roc_auc")
    lib_s = f"   (library predict_proba {lib!r})" if isinstance(lib, float) else ""
    if not (isinstance(o, dict) and isinstance(a, dict)):
        print(f"  {k:<20} skipped: a command's stdout is not a JSON object")
        check[k] = {"done": False}
        continue
    vo, va = o.get("roc_auc"), a.get("roc_auc")
    n_ok = o.get("rows") == a.get("n")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (vo, va)):
        print(f"  {k:<20} roc_auc null or missing: aigov {va!r}, onnxruntime {vo!r}")
        check[k] = {"done": False, "aigov": va, "onnxruntime": vo}
        continue
    d = abs(float(vo) - float(va))
    ok = d <= TOL and n_ok
    print(f"  {k:<20} aigov {float(va)!r:<22} onnxruntime {float(vo)!r:<22} |diff| {d:.3g}"
          f"   {'ok' if d <= TOL else 'DIFFERENT'}"
          + ("" if n_ok else f"   ROWS DIFFER: aigov n {a.get('n')}, onnxruntime {o.get('rows')}")
          + lib_s)
    check[k] = {"done": True, "agree": ok, "abs_diff": d, "aigov": va, "onnxruntime": vo,
                "rows_equal": n_ok, "library_roc_auc": lib}
done = [c for c in check.values() if c.get("done")]
agree = bool(done) and all(c["agree"] for c in done)
print(f"  verdict: {'AGREE' if agree else ('DISAGREE' if done else 'nothing compared')} on "
      f"{len(done)} of {len(kinds)} model(s)")

if out_json:
    with open(out_json, "w") as f:
        json.dump({"rows": rows, "runs": runs, "data": data, "models": kinds,
                   "generator": gen, "peer_last_run": {k: out[f"ort-{k}"] for k in kinds},
                   "commands": res, "ratios": ratios,
                   "cross_check": {"tolerance": TOL, "agree": agree, "per_model": check}},
                  f, indent=1)
        f.write("\n")
PY
