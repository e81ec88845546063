#!/usr/bin/env bash
# Side by side: `aigov drift` against two Python peers on the same two CSV files
# (benches/peers/drift_data.py: 1,000,000 reference + 1,000,000 current rows, 20 numeric
# columns, 7 of them drifted):
#   scipy-ks       benches/peers/drift_scipy.py      pandas.read_csv + scipy ks_2samp per column
#   aigov-ks       aigov drift --reference R --current C --method ks --json
#   evidently      benches/peers/drift_evidently.py  Evidently 0.7 DataDriftPreset, defaults
#   aigov-default  aigov drift --reference R --current C --json
# Every command is a fresh process timed from outside with GNU time (wall seconds and peak
# RSS), run --runs times (3) round-robin in this one session, and the medians are compared:
# wall scipy/aigov-ks (goal >= 5), wall evidently/aigov-default (goal >= 30) and peak RSS
# aigov-ks/scipy (goal <= 1), plus the other ratios.
#
# Usage: benches/peers/compare_drift.sh [--data DIR] [--rows N] [--cols N] [--seed S]
#          [--runs N] [--skip-evidently] [--keep] [--out FILE] [--install]
#   --data DIR      reuse DIR/reference.csv and DIR/current.csv (generated there if absent);
#                   without it the data goes to a temp dir that is removed at the end
#   --rows/--cols/--seed   passed to drift_data.py when it generates (1000000 / 20 / its default)
#   --runs N        timed runs per command (3); the median is reported
#   --skip-evidently  leave out the Evidently peer (and so the evidently/aigov-default ratio)
#   --keep          keep the work dir (each command's last stdout/stderr and timings)
#   --out FILE      also write the results as JSON to FILE
#   --install       create the Evidently venv / pip install pandas+scipy when missing
# Environment (relative paths are taken from the repository root):
#   AIGOV            aigov binary (target/release/aigov); build it first: cargo build --release -p aigov-cli
#   SCIPY_PYTHON     Python with pandas and scipy (python3)
#   DATA_PYTHON      Python with numpy for the data generator ($SCIPY_PYTHON)
#   EVIDENTLY_PYTHON Python with evidently 0.7 ($EVIDENTLY_VENV/bin/python)
#   EVIDENTLY_VENV   venv that --install creates for Evidently (/tmp/evbenchvenv)
#   TIME_BIN         GNU time (/usr/bin/time)
set -euo pipefail
caller=$(pwd)
cd "$(dirname "$0")/../.."
root=$(pwd)

AIGOV=${AIGOV:-target/release/aigov}
SCIPY_PYTHON=${SCIPY_PYTHON:-python3}
DATA_PYTHON=${DATA_PYTHON:-$SCIPY_PYTHON}
EVIDENTLY_VENV=${EVIDENTLY_VENV:-/tmp/evbenchvenv}
EVIDENTLY_PYTHON=${EVIDENTLY_PYTHON:-$EVIDENTLY_VENV/bin/python}
TIME_BIN=${TIME_BIN:-/usr/bin/time}

data_dir=""
rows=1000000
cols=20
seed=""
runs=3
skip_evidently=0
keep=0
out_json=""
install=0

die() { echo "compare_drift: error: $*" >&2; exit 1; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --data) need_arg "$@"; data_dir=$2; shift 2 ;;
    --rows) need_arg "$@"; rows=$2; shift 2 ;;
    --cols) need_arg "$@"; cols=$2; shift 2 ;;
    --seed) need_arg "$@"; seed=$2; shift 2 ;;
    --runs) need_arg "$@"; runs=$2; shift 2 ;;
    --skip-evidently) skip_evidently=1; shift ;;
    --keep) keep=1; shift ;;
    --out) need_arg "$@"; out_json=$2; shift 2 ;;
    --install) install=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
# --data and --out are relative to the directory the script was started from.
case "$data_dir" in ''|/*) ;; *) data_dir=$caller/$data_dir ;; esac
case "$out_json" in ''|/*) ;; *) out_json=$caller/$out_json ;; esac
case "$runs" in ''|*[!0-9]*|0) die "--runs must be a positive integer, got '$runs'" ;; esac
case "$rows" in ''|*[!0-9]*|0) die "--rows must be a positive integer, got '$rows'" ;; esac
case "$cols" in ''|*[!0-9]*|0) die "--cols must be a positive integer, got '$cols'" ;; esac

# --- prerequisites, all checked before any data is generated -------------------------------
[ -e "$AIGOV" ] || die "aigov binary not found at '$AIGOV' (from $root).
  Build it with: cargo build --release -p aigov-cli   (or set AIGOV=/path/to/aigov)"
[ -x "$AIGOV" ] || die "'$AIGOV' is not executable"
AIGOV=$(cd "$(dirname "$AIGOV")" && pwd)/$(basename "$AIGOV")
# The drift subcommand must exist; a missing one fails here, not after the data is made.
"$AIGOV" drift --help >/dev/null 2>&1 \
  || die "'$AIGOV drift --help' failed: this aigov has no working 'drift' subcommand yet"

if ! "$TIME_BIN" --version 2>&1 | grep -qi 'GNU'; then
  if [ "$TIME_BIN" = /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "compare_drift: GNU time missing, installing the 'time' package" >&2
    apt-get install -y -q time >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
      || die "could not install GNU time (apt-get install time)"
  fi
  "$TIME_BIN" --version 2>&1 | grep -qi 'GNU' \
    || die "GNU time not found at '$TIME_BIN' (apt-get install time, or set TIME_BIN)"
fi

command -v "$DATA_PYTHON" >/dev/null || die "DATA_PYTHON '$DATA_PYTHON' not found"
command -v "$SCIPY_PYTHON" >/dev/null || die "SCIPY_PYTHON '$SCIPY_PYTHON' not found"
if ! "$SCIPY_PYTHON" -c 'import pandas, scipy' 2>/dev/null; then
  [ "$install" = 1 ] || die "'$SCIPY_PYTHON' lacks pandas or scipy: pip install pandas scipy (or pass --install)"
  "$SCIPY_PYTHON" -m pip install -q pandas scipy
fi
"$DATA_PYTHON" -c 'import numpy' 2>/dev/null || die "'$DATA_PYTHON' lacks numpy"
if [ "$skip_evidently" = 0 ]; then
  if ! { [ -x "$EVIDENTLY_PYTHON" ] || command -v "$EVIDENTLY_PYTHON" >/dev/null; } \
     || ! "$EVIDENTLY_PYTHON" -c 'import evidently' 2>/dev/null; then
    [ "$install" = 1 ] || die "no Evidently at EVIDENTLY_PYTHON='$EVIDENTLY_PYTHON'. Create it with:
  python3 -m venv $EVIDENTLY_VENV && $EVIDENTLY_VENV/bin/pip install 'evidently>=0.7,<0.8' 'pandas<3' scipy numpy
  (or pass --install, or --skip-evidently)"
    [ -x "$EVIDENTLY_VENV/bin/python" ] || python3 -m venv "$EVIDENTLY_VENV"
    "$EVIDENTLY_VENV/bin/pip" install -q 'evidently>=0.7,<0.8' 'pandas<3' scipy numpy
    EVIDENTLY_PYTHON=$EVIDENTLY_VENV/bin/python
  fi
fi

# --- work dir and data ----------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/aigov-drift-bench.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then echo "compare_drift: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ -z "$data_dir" ]; then
  data_dir=$work/data
fi
mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
ref=$data_dir/reference.csv
cur=$data_dir/current.csv
if [ -s "$ref" ] && [ -s "$cur" ]; then
  echo "compare_drift: reusing $ref and $cur" >&2
else
  echo "compare_drift: generating $rows x $cols rows into $data_dir" >&2
  gen=("$DATA_PYTHON" benches/peers/drift_data.py --rows "$rows" --cols "$cols" --out "$data_dir")
  [ -n "$seed" ] && gen+=(--seed "$seed")
  "${gen[@]}" >/dev/null
fi
data_rows=$(( $(wc -l <"$ref") - 1 ))
data_cols=$(head -n 1 "$ref" | tr ',' '\n' | wc -l)

# --- the commands ---------------------------------------------------------------------------
names=(scipy-ks aigov-ks)
[ "$skip_evidently" = 1 ] || names+=(evidently)
names+=(aigov-default)

run_cmd() {  # run_cmd NAME: the command line for NAME, as an array in "cmd"
  case "$1" in
    scipy-ks) cmd=("$SCIPY_PYTHON" benches/peers/drift_scipy.py --reference "$ref" --current "$cur") ;;
    evidently) cmd=("$EVIDENTLY_PYTHON" benches/peers/drift_evidently.py --reference "$ref" --current "$cur") ;;
    aigov-ks) cmd=("$AIGOV" drift --reference "$ref" --current "$cur" --method ks --json) ;;
    aigov-default) cmd=("$AIGOV" drift --reference "$ref" --current "$cur" --json) ;;
    *) die "unknown command name $1" ;;
  esac
}

# Round-robin: run i of every command, then run i+1, so that load that comes and goes on
# the machine falls on all of them alike.
for ((i = 1; i <= runs; i++)); do
  for name in "${names[@]}"; do
    run_cmd "$name"
    printf 'compare_drift: run %d/%d %-14s ' "$i" "$runs" "$name" >&2
    status=0
    "$TIME_BIN" -f '%e %M' -o "$work/$name.$i.time" "${cmd[@]}" \
      >"$work/$name.stdout" 2>"$work/$name.stderr" || status=$?
    if [ "$status" != 0 ]; then
      echo "FAILED (exit $status)" >&2
      echo "compare_drift: command: ${cmd[*]}" >&2
      echo "compare_drift: last lines of its stderr:" >&2
      tail -n 20 "$work/$name.stderr" >&2
      die "$name failed"
    fi
    tail -n 1 "$work/$name.$i.time" | awk '{ printf "%8.2f s %8.1f MiB\n", $1, $2 / 1024 }' >&2
  done
done

# --- report ---------------------------------------------------------------------------------
"$SCIPY_PYTHON" - "$work" "$runs" "$data_dir" "$data_rows" "$data_cols" "$out_json" "${names[@]}" <<'PY'
import json, statistics, sys

work, runs, data_dir, rows, cols, out_json = sys.argv[1:7]
names = sys.argv[7:]
runs, rows, cols = int(runs), int(rows), int(cols)

res = {}
for name in names:
    walls, peaks = [], []
    for i in range(1, runs + 1):
        lines = [l for l in open(f"{work}/{name}.{i}.time").read().splitlines() if l.strip()]
        wall, kib = lines[-1].split()[:2]
        walls.append(float(wall))
        peaks.append(int(kib) / 1024.0)
    res[name] = {"wall_s": statistics.median(walls), "peak_mib": statistics.median(peaks),
                 "wall_runs": walls, "peak_mib_runs": peaks}


def drifted(name):
    """Best effort: the drifted columns in a command's JSON output, or None."""
    try:
        doc = json.load(open(f"{work}/{name}.stdout"))
    except Exception:
        return None
    if isinstance(doc, dict) and isinstance(doc.get("drifted_columns"), list):
        return sorted(doc["drifted_columns"])
    found = []

    def walk(x):
        if isinstance(x, list) and x and all(isinstance(e, dict) for e in x):
            cols_ = [e for e in x if isinstance(e.get("column", e.get("name")), str)
                     and isinstance(e.get("drifted", e.get("drift_detected")), bool)]
            if len(cols_) == len(x):
                found.append(sorted(e.get("column", e.get("name")) for e in x
                                    if e.get("drifted", e.get("drift_detected"))))
                return
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(doc)
    return found[0] if found else None


print(f"\ndrift comparison: {rows:,} reference + current rows x {cols} columns, "
      f"median of {runs} run(s), data in {data_dir}")
print(f"{'command':<15}{'wall s':>9}{'peak MiB':>11}   runs: wall s / peak MiB")
for name in names:
    r = res[name]
    per = "  ".join(f"{w:.2f}/{p:.0f}" for w, p in zip(r["wall_runs"], r["peak_mib_runs"]))
    print(f"{name:<15}{r['wall_s']:>9.2f}{r['peak_mib']:>11.1f}   {per}")

ratios = []


def ratio(label, num, den, key, goal=None, higher_is_better=True):
    if num not in res or den not in res:
        return
    a, b = res[num][key], res[den][key]
    value = a / b if b > 0 else float("inf")
    verdict = ""
    if goal is not None:
        ok = value >= goal if higher_is_better else value <= goal
        verdict = f"goal {'>=' if higher_is_better else '<='} {goal:g}: {'met' if ok else 'MISSED'}"
    ratios.append({"ratio": label, "value": value, "goal": goal,
                   "met": (None if goal is None else
                           (value >= goal if higher_is_better else value <= goal))})
    print(f"  {label:<42}{value:>9.2f}   {verdict}")


print("\nratios (medians)")
ratio("wall   scipy-ks / aigov-ks", "scipy-ks", "aigov-ks", "wall_s", 5)
ratio("wall   evidently / aigov-default", "evidently", "aigov-default", "wall_s", 30)
ratio("peak   aigov-ks / scipy-ks", "aigov-ks", "scipy-ks", "peak_mib", 1, False)
ratio("peak   aigov-default / scipy-ks", "aigov-default", "scipy-ks", "peak_mib", 1, False)
ratio("peak   evidently / aigov-default", "evidently", "aigov-default", "peak_mib")
ratio("wall   evidently / aigov-ks", "evidently", "aigov-ks", "wall_s")
ratio("wall   scipy-ks / aigov-default", "scipy-ks", "aigov-default", "wall_s")
ratio("wall   aigov-default / aigov-ks", "aigov-default", "aigov-ks", "wall_s")

print("\ndrifted columns reported (last run; best effort for aigov's JSON)")
found = {}
for name in names:
    d = drifted(name)
    found[name] = d
    print(f"  {name:<15}{'(not found in its JSON)' if d is None else ' '.join(d) or '(none)'}")
for a, b in (("aigov-ks", "scipy-ks"), ("aigov-default", "evidently")):
    if found.get(a) is not None and found.get(b) is not None:
        print(f"  {a} vs {b}: {'same columns' if found[a] == found[b] else 'DIFFERENT columns'}")

if out_json:
    with open(out_json, "w") as f:
        json.dump({"rows": rows, "cols": cols, "runs": runs, "data": data_dir,
                   "commands": res, "ratios": ratios, "drifted_columns": found}, f, indent=1)
        f.write("\n")
PY
