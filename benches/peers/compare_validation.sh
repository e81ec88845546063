#!/usr/bin/env bash
# Side by side: `aigov validate` against pandas + sklearn.metrics on the same CSV
# (benches/peers/validation_data.py: 1,000,000 scored rows, label/score/region/weight, about 5%
# positives, scores to 4 decimals so with many ties):
#   sklearn  benches/peers/validation_sklearn.py   pandas.read_csv + roc_auc_score,
#            average_precision_score, precision/recall/f1/accuracy at the threshold,
#            confusion_matrix, log_loss, brier_score_loss, FPR at the target TPR (roc_curve)
#            and the detection rate within the alert budget (numpy)
#   aigov    aigov validate --score score --data F --label label --threshold 0.5
#            --target-tpr 0.9 --budget 1000 --json
# Every command is a fresh process timed from outside with GNU time (wall seconds and peak
# RSS), run --runs times (3) round-robin in this one session, and the medians are compared:
# wall sklearn/aigov (goal >= 3) and peak RSS sklearn/aigov. aigov exits 0, or 1 when the
# check ran and said no: both count as a completed run; 2 or anything else is an error.
# Then a best-effort cross-check: n, roc_auc, average_precision, precision, recall, f1,
# accuracy, log_loss, brier, fpr_at_tpr and detection_rate_at_budget of the two JSONs must
# agree to 1e-9 (absolute); a null on either side is skipped with a note.
#
# Usage: benches/peers/compare_validation.sh [--data FILE] [--rows N] [--seed S] [--runs N]
#          [--threshold T] [--target-tpr R] [--budget K] [--keep] [--out FILE] [--install]
#   --data FILE     reuse FILE (generated there if absent); without it the data goes to a
#                   temp dir that is removed at the end
#   --rows/--seed   passed to validation_data.py when it generates (1000000 / its default)
#   --runs N        timed runs per command (3); the median is reported
#   --threshold T   decision threshold, both tools (0.5)
#   --target-tpr R  TPR at which the FPR is reported, both tools (0.9)
#   --budget K      alert budget for the detection rate, both tools (1000)
#   --keep          keep the work dir (each command's last stdout/stderr and timings)
#   --out FILE      also write the results as JSON to FILE
#   --install       create the scikit-learn venv (or pip install into it) when missing
# Environment (relative paths are taken from the repository root):
#   AIGOV           aigov binary (target/release/aigov); build it first: cargo build --release -p aigov-cli
#   SKLEARN_VENV    venv that --install creates (/tmp/shapbenchvenv, shared with compare_explain.sh)
#   SKLEARN_PYTHON  Python with scikit-learn, pandas, numpy ($SKLEARN_VENV/bin/python)
#   DATA_PYTHON     Python with numpy for the data generator and the report ($SKLEARN_PYTHON)
#   TIME_BIN        GNU time (/usr/bin/time)
set -euo pipefail
caller=$(pwd)
cd "$(dirname "$0")/../.."
root=$(pwd)

AIGOV=${AIGOV:-target/release/aigov}
SKLEARN_VENV=${SKLEARN_VENV:-/tmp/shapbenchvenv}
SKLEARN_PYTHON=${SKLEARN_PYTHON:-$SKLEARN_VENV/bin/python}
TIME_BIN=${TIME_BIN:-/usr/bin/time}

data=""
rows=1000000
seed=""
runs=3
threshold=0.5
target_tpr=0.9
budget=1000
keep=0
out_json=""
install=0

die() { echo "compare_validation: error: $*" >&2; exit 1; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --data) need_arg "$@"; data=$2; shift 2 ;;
    --rows) need_arg "$@"; rows=$2; shift 2 ;;
    --seed) need_arg "$@"; seed=$2; shift 2 ;;
    --runs) need_arg "$@"; runs=$2; shift 2 ;;
    --threshold) need_arg "$@"; threshold=$2; shift 2 ;;
    --target-tpr) need_arg "$@"; target_tpr=$2; shift 2 ;;
    --budget) need_arg "$@"; budget=$2; shift 2 ;;
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
case "$seed" in *[!0-9]*) die "--seed must be a non-negative integer, got '$seed'" ;; esac
case "$budget" in ''|*[!0-9]*) die "--budget must be a non-negative integer, got '$budget'" ;; esac
for pair in "threshold:$threshold" "target-tpr:$target_tpr"; do
  case "${pair#*:}" in
    ''|*[!0-9.]*|*.*.*|.) die "--${pair%%:*} must be a decimal number, got '${pair#*:}'" ;;
  esac
done

# --- prerequisites, all checked before any data is generated -------------------------------
[ -e "$AIGOV" ] || die "aigov binary not found at '$AIGOV' (from $root).
  Build it with: cargo build --release -p aigov-cli   (or set AIGOV=/path/to/aigov)"
[ -x "$AIGOV" ] || die "'$AIGOV' is not executable"
AIGOV=$(cd "$(dirname "$AIGOV")" && pwd)/$(basename "$AIGOV")
# The validate subcommand must exist; a missing one fails here, not after the data is made.
"$AIGOV" validate --help >/dev/null 2>&1 \
  || die "'$AIGOV validate --help' failed: this aigov has no working 'validate' subcommand yet
  (rebuild: cargo build --release -p aigov-cli)"

if ! "$TIME_BIN" --version 2>&1 | grep -qi 'GNU'; then
  if [ "$TIME_BIN" = /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "compare_validation: GNU time missing, installing the 'time' package" >&2
    apt-get install -y -q time >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
      || die "could not install GNU time (apt-get install time)"
  fi
  "$TIME_BIN" --version 2>&1 | grep -qi 'GNU' \
    || die "GNU time not found at '$TIME_BIN' (apt-get install time, or set TIME_BIN)"
fi

if ! { [ -x "$SKLEARN_PYTHON" ] || command -v "$SKLEARN_PYTHON" >/dev/null; } \
   || ! "$SKLEARN_PYTHON" -c 'import sklearn, pandas, numpy' 2>/dev/null; then
  [ "$install" = 1 ] || die "no scikit-learn at SKLEARN_PYTHON='$SKLEARN_PYTHON'. Create it with:
  python3 -m venv $SKLEARN_VENV && $SKLEARN_VENV/bin/pip install scikit-learn pandas numpy
  (or pass --install)"
  [ -x "$SKLEARN_VENV/bin/python" ] || python3 -m venv "$SKLEARN_VENV"
  "$SKLEARN_VENV/bin/pip" install -q scikit-learn pandas numpy
  SKLEARN_PYTHON=$SKLEARN_VENV/bin/python
fi
DATA_PYTHON=${DATA_PYTHON:-$SKLEARN_PYTHON}
command -v "$DATA_PYTHON" >/dev/null || die "DATA_PYTHON '$DATA_PYTHON' not found"
"$DATA_PYTHON" -c 'import numpy' 2>/dev/null || die "'$DATA_PYTHON' lacks numpy (pip install numpy)"

# --- work dir and data ----------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/aigov-validation-bench.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then echo "compare_validation: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

[ -n "$data" ] || data=$work/validation.csv
mkdir -p "$(dirname "$data")"
data=$(cd "$(dirname "$data")" && pwd)/$(basename "$data")
if [ -s "$data" ]; then
  echo "compare_validation: reusing $data" >&2
else
  echo "compare_validation: generating $rows rows into $data" >&2
  gen=("$DATA_PYTHON" benches/peers/validation_data.py --rows "$rows" --out "$data")
  [ -n "$seed" ] && gen+=(--seed "$seed")
  "${gen[@]}" >"$work/generator.json"
fi
data_rows=$(( $(wc -l <"$data") - 1 ))

# --- the commands ---------------------------------------------------------------------------
names=(sklearn aigov)

run_cmd() {  # run_cmd NAME: the command line for NAME, as an array in "cmd"
  case "$1" in
    sklearn)
      cmd=("$SKLEARN_PYTHON" benches/peers/validation_sklearn.py --data "$data"
           --label label --score score --threshold "$threshold" --target-tpr "$target_tpr"
           --budget "$budget") ;;
    aigov)
      cmd=("$AIGOV" validate --score score --data "$data" --label label
           --threshold "$threshold" --target-tpr "$target_tpr" --budget "$budget" --json) ;;
    *) die "unknown command name $1" ;;
  esac
  return 0
}

ok_status() {  # ok_status NAME STATUS: is STATUS a completed run of NAME?
  case "$1:$2" in
    sklearn:0|aigov:0|aigov:1) return 0 ;;
    *) return 1 ;;
  esac
}

# Round-robin: run i of every command, then run i+1, so that load that comes and goes on
# the machine falls on all of them alike.
for ((i = 1; i <= runs; i++)); do
  for name in "${names[@]}"; do
    run_cmd "$name"
    printf 'compare_validation: run %d/%d %-8s ' "$i" "$runs" "$name" >&2
    status=0
    "$TIME_BIN" -f '%e %M %x' -o "$work/$name.$i.time" "${cmd[@]}" \
      >"$work/$name.stdout" 2>"$work/$name.stderr" || status=$?
    if ! ok_status "$name" "$status"; then
      echo "FAILED (exit $status)" >&2
      echo "compare_validation: command: ${cmd[*]}" >&2
      echo "compare_validation: last lines of its stderr:" >&2
      tail -n 20 "$work/$name.stderr" >&2
      die "$name failed"
    fi
    echo "$status" >"$work/$name.$i.status"
    tail -n 1 "$work/$name.$i.time" \
      | awk -v s="$status" '{ printf "%8.2f s %8.1f MiB  exit %s\n", $1, $2 / 1024, s }' >&2
  done
done

# --- report ---------------------------------------------------------------------------------
"$DATA_PYTHON" - "$work" "$runs" "$data" "$data_rows" "$out_json" \
    "$threshold" "$target_tpr" "$budget" "${names[@]}" <<'PY'
import json, math, statistics, sys

work, runs, data, rows, out_json, threshold, target_tpr, budget = sys.argv[1:9]
names = sys.argv[9:]
runs, rows = int(runs), int(rows)
TOL = 1e-9
KEYS = ["n", "roc_auc", "average_precision", "precision", "recall", "f1", "accuracy",
        "log_loss", "brier", "fpr_at_tpr", "detection_rate_at_budget"]
# If aigov nests a value in an object, the field of that object that holds it.
SUBFIELD = {"fpr_at_tpr": ("fpr",), "detection_rate_at_budget": ("detection_rate", "rate"),
            "brier": ("value",), "log_loss": ("value",)}

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


def load(name):
    try:
        return json.load(open(f"{work}/{name}.stdout"))
    except Exception:
        return None


sk, ag = load("sklearn"), load("aigov")
print(f"\nvalidation comparison: {rows:,} rows, threshold {threshold}, target TPR {target_tpr}, "
      f"budget {budget}, median of {runs} run(s), data {data}")
print(f"{'command':<10}{'wall s':>9}{'peak MiB':>11}   runs: wall s / peak MiB")
for name in names:
    r = res[name]
    per = "  ".join(f"{w:.2f}/{p:.0f}" for w, p in zip(r["wall_runs"], r["peak_mib_runs"]))
    print(f"{name:<10}{r['wall_s']:>9.2f}{r['peak_mib']:>11.1f}   {per}")
if isinstance(sk, dict):
    print(f"  scikit-learn {sk.get('sklearn_version')} (pandas {sk.get('pandas_version')}, numpy "
          f"{sk.get('numpy_version')}), last run inside the script: read {sk.get('read_seconds')} s, "
          f"metrics {sk.get('compute_seconds')} s, from the script's first line "
          f"{sk.get('elapsed_seconds')} s")
if isinstance(ag, dict) and 1 in res["aigov"]["exit_codes"]:
    print(f"  aigov exit codes {res['aigov']['exit_codes']} (1: the check ran and said no)")

ratios = []


def ratio(label, num, den, key, goal=None):
    a, b = res[num][key], res[den][key]
    value = a / b if b > 0 else float("inf")
    met = None if goal is None else value >= goal
    verdict = "" if goal is None else f"goal >= {goal:g}: {'met' if met else 'MISSED'}"
    ratios.append({"ratio": label, "value": value, "goal": goal, "met": met})
    print(f"  {label:<30}{value:>9.2f}   {verdict}")


print("\nratios (medians)")
ratio("wall   sklearn / aigov", "sklearn", "aigov", "wall_s", 3)
ratio("peak   sklearn / aigov", "sklearn", "aigov", "peak_mib")
if res["aigov"]["wall_s"] < 0.05:
    print("  note: aigov's wall time is near the 0.01 s resolution of GNU time: the ratio is rough")


# --- cross-check (best effort) --------------------------------------------------------------
def num(x):
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def find(obj, key):
    """aigov's value for key: top level first, then the first nested object that has it;
    an object value is read through SUBFIELD. Returns (found, value-or-None)."""
    queue = [obj]
    while queue:
        cur = queue.pop(0)
        if isinstance(cur, dict):
            if key in cur:
                v = cur[key]
                if isinstance(v, dict):
                    for f in SUBFIELD.get(key, ()):
                        if f in v:
                            return True, v[f]
                    return True, None
                return True, v
            queue.extend(v for v in cur.values() if isinstance(v, (dict, list)))
        elif isinstance(cur, list):
            queue.extend(v for v in cur if isinstance(v, (dict, list)))
    return False, None


check = {"done": False}
print(f"\ncross-check (tolerance {TOL:g} absolute)")
if not (isinstance(sk, dict) and isinstance(ag, dict)):
    print("  skipped: a command's stdout is not a JSON object")
else:
    diffs, nulls, absent, bad = {}, [], [], []
    for key in KEYS:
        found, a_raw = find(ag, key)
        s_raw = sk.get(key)
        if not found:
            absent.append(key)
            print(f"  {key:<26} not in aigov's JSON")
            continue
        a, s = num(a_raw), num(s_raw)
        if a is None or s is None:
            side = " and ".join(w for w, v in (("aigov", a), ("sklearn", s)) if v is None)
            nulls.append(key)
            print(f"  {key:<26} null or not a number in {side}: not compared")
            continue
        d = abs(a - s)
        diffs[key] = d
        ok = d <= TOL if key != "n" else d == 0
        if not ok:
            bad.append(key)
        fa, fs = (f"{a:.0f}", f"{s:.0f}") if key == "n" else (repr(a), repr(s))
        print(f"  {key:<26} aigov {fa:<24} sklearn {fs:<24} |diff| {d:.3g}"
              f"   {'ok' if ok else 'DIFFERENT'}")
    agree = bool(diffs) and not bad
    verdict = "AGREE" if agree else ("DISAGREE" if bad else "nothing compared")
    notes = []
    if nulls:
        notes.append(f"{len(nulls)} null(s) skipped: {', '.join(nulls)}")
    if absent:
        notes.append(f"{len(absent)} key(s) missing from aigov: {', '.join(absent)}")
    print(f"  verdict: {verdict} on {len(diffs)} of {len(KEYS)} keys"
          + (f" ({'; '.join(notes)})" if notes else ""))
    check = {"done": True, "agree": agree, "abs_diff": diffs, "different": bad,
             "null_skipped": nulls, "missing_in_aigov": absent}

if out_json:
    with open(out_json, "w") as f:
        json.dump({"rows": rows, "runs": runs, "data": data, "threshold": float(threshold),
                   "target_tpr": float(target_tpr), "budget": int(budget),
                   "sklearn_version": sk.get("sklearn_version") if isinstance(sk, dict) else None,
                   "sklearn_read_seconds": sk.get("read_seconds") if isinstance(sk, dict) else None,
                   "sklearn_compute_seconds": sk.get("compute_seconds") if isinstance(sk, dict) else None,
                   "commands": res, "ratios": ratios, "cross_check": check}, f, indent=1)
        f.write("\n")
PY
