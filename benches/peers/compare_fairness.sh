#!/usr/bin/env bash
# Side by side: `aigov fairness` against fairlearn's MetricFrame on the same CSV
# (benches/peers/fairness_data.py: 5,000,000 rows, label/flagged/score, two sensitive columns
# region (6 values) x age_band (4 values) = 24 groups, with group-dependent base and error rates):
#   fairlearn  benches/peers/fairness_fairlearn.py   pandas.read_csv + MetricFrame (8 metrics,
#              both sensitive columns) + difference/ratio + the named disparity functions
#   aigov      aigov fairness --data F --y-true label --y-pred flagged --sensitive region,age_band --json
# Every command is a fresh process timed from outside with GNU time (wall seconds and peak
# RSS), run --runs times (3) round-robin in this one session, and the medians are compared:
# wall fairlearn/aigov (goal >= 20) and peak RSS fairlearn/aigov. aigov exits 0 (pass) or 1
# (the audit failed, or fail-closed): both count as a completed run here; 2 or anything else
# is an error. Then a best-effort cross-check: the per-group selection rate, TPR and FPR (and
# the named disparities) of the two must agree to 1e-9.
#
# Usage: benches/peers/compare_fairness.sh [--data FILE] [--rows N] [--seed S] [--runs N]
#          [--weighted] [--keep] [--out FILE] [--install]
#   --data FILE     reuse FILE (generated there if absent); without it the data goes to a
#                   temp dir that is removed at the end
#   --rows/--seed   passed to fairness_data.py when it generates (5000000 / its default)
#   --runs N        timed runs per command (3); the median is reported
#   --weighted      both tools weight rows by the `weight` column (fairlearn sample_params,
#                   aigov --sample-weight weight)
#   --keep          keep the work dir (each command's last stdout/stderr and timings)
#   --out FILE      also write the results as JSON to FILE
#   --install       create the fairlearn venv when missing
# Environment (relative paths are taken from the repository root):
#   AIGOV             aigov binary (target/release/aigov); build it first: cargo build --release -p aigov-cli
#   FAIRLEARN_VENV    venv that --install creates for fairlearn (/tmp/fairbenchvenv)
#   FAIRLEARN_PYTHON  Python with fairlearn, scikit-learn, pandas ($FAIRLEARN_VENV/bin/python)
#   DATA_PYTHON       Python with numpy for the data generator and the report (python3)
#   TIME_BIN          GNU time (/usr/bin/time)
set -euo pipefail
caller=$(pwd)
cd "$(dirname "$0")/../.."
root=$(pwd)

AIGOV=${AIGOV:-target/release/aigov}
FAIRLEARN_VENV=${FAIRLEARN_VENV:-/tmp/fairbenchvenv}
FAIRLEARN_PYTHON=${FAIRLEARN_PYTHON:-$FAIRLEARN_VENV/bin/python}
DATA_PYTHON=${DATA_PYTHON:-python3}
TIME_BIN=${TIME_BIN:-/usr/bin/time}

data=""
rows=5000000
seed=""
runs=3
weighted=0
keep=0
out_json=""
install=0

die() { echo "compare_fairness: error: $*" >&2; exit 1; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --data) need_arg "$@"; data=$2; shift 2 ;;
    --rows) need_arg "$@"; rows=$2; shift 2 ;;
    --seed) need_arg "$@"; seed=$2; shift 2 ;;
    --runs) need_arg "$@"; runs=$2; shift 2 ;;
    --weighted) weighted=1; shift ;;
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

# --- prerequisites, all checked before any data is generated -------------------------------
[ -e "$AIGOV" ] || die "aigov binary not found at '$AIGOV' (from $root).
  Build it with: cargo build --release -p aigov-cli   (or set AIGOV=/path/to/aigov)"
[ -x "$AIGOV" ] || die "'$AIGOV' is not executable"
AIGOV=$(cd "$(dirname "$AIGOV")" && pwd)/$(basename "$AIGOV")
# The fairness subcommand must exist; a missing one fails here, not after the data is made.
"$AIGOV" fairness --help >/dev/null 2>&1 \
  || die "'$AIGOV fairness --help' failed: this aigov has no working 'fairness' subcommand yet
  (rebuild: cargo build --release -p aigov-cli)"

if ! "$TIME_BIN" --version 2>&1 | grep -qi 'GNU'; then
  if [ "$TIME_BIN" = /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "compare_fairness: GNU time missing, installing the 'time' package" >&2
    apt-get install -y -q time >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
      || die "could not install GNU time (apt-get install time)"
  fi
  "$TIME_BIN" --version 2>&1 | grep -qi 'GNU' \
    || die "GNU time not found at '$TIME_BIN' (apt-get install time, or set TIME_BIN)"
fi

command -v "$DATA_PYTHON" >/dev/null || die "DATA_PYTHON '$DATA_PYTHON' not found"
"$DATA_PYTHON" -c 'import numpy' 2>/dev/null || die "'$DATA_PYTHON' lacks numpy (pip install numpy)"
if ! { [ -x "$FAIRLEARN_PYTHON" ] || command -v "$FAIRLEARN_PYTHON" >/dev/null; } \
   || ! "$FAIRLEARN_PYTHON" -c 'import fairlearn, sklearn, pandas' 2>/dev/null; then
  [ "$install" = 1 ] || die "no fairlearn at FAIRLEARN_PYTHON='$FAIRLEARN_PYTHON'. Create it with:
  python3 -m venv $FAIRLEARN_VENV && $FAIRLEARN_VENV/bin/pip install fairlearn scikit-learn pandas numpy
  (or pass --install)"
  [ -x "$FAIRLEARN_VENV/bin/python" ] || python3 -m venv "$FAIRLEARN_VENV"
  "$FAIRLEARN_VENV/bin/pip" install -q fairlearn scikit-learn pandas numpy
  FAIRLEARN_PYTHON=$FAIRLEARN_VENV/bin/python
fi

# --- work dir and data ----------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/aigov-fairness-bench.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then echo "compare_fairness: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

[ -n "$data" ] || data=$work/fairness.csv
mkdir -p "$(dirname "$data")"
data=$(cd "$(dirname "$data")" && pwd)/$(basename "$data")
if [ -s "$data" ]; then
  echo "compare_fairness: reusing $data" >&2
else
  echo "compare_fairness: generating $rows rows into $data" >&2
  gen=("$DATA_PYTHON" benches/peers/fairness_data.py --rows "$rows" --out "$data")
  [ -n "$seed" ] && gen+=(--seed "$seed")
  "${gen[@]}" >"$work/generator.json"
fi
data_rows=$(( $(wc -l <"$data") - 1 ))

# --- the commands ---------------------------------------------------------------------------
names=(fairlearn aigov)

run_cmd() {  # run_cmd NAME: the command line for NAME, as an array in "cmd"
  case "$1" in
    fairlearn)
      cmd=("$FAIRLEARN_PYTHON" benches/peers/fairness_fairlearn.py --data "$data"
           --y-true label --y-pred flagged --sensitive region,age_band)
      [ "$weighted" = 1 ] && cmd+=(--sample-weight weight) ;;
    aigov)
      cmd=("$AIGOV" fairness --data "$data" --y-true label --y-pred flagged
           --sensitive region,age_band --json)
      [ "$weighted" = 1 ] && cmd+=(--sample-weight weight) ;;
    *) die "unknown command name $1" ;;
  esac
  return 0
}

ok_status() {  # ok_status NAME STATUS: is STATUS a completed run of NAME?
  case "$1:$2" in
    fairlearn:0|aigov:0|aigov:1) return 0 ;;
    *) return 1 ;;
  esac
}

# Round-robin: run i of every command, then run i+1, so that load that comes and goes on
# the machine falls on all of them alike.
for ((i = 1; i <= runs; i++)); do
  for name in "${names[@]}"; do
    run_cmd "$name"
    printf 'compare_fairness: run %d/%d %-10s ' "$i" "$runs" "$name" >&2
    status=0
    "$TIME_BIN" -f '%e %M %x' -o "$work/$name.$i.time" "${cmd[@]}" \
      >"$work/$name.stdout" 2>"$work/$name.stderr" || status=$?
    if ! ok_status "$name" "$status"; then
      echo "FAILED (exit $status)" >&2
      echo "compare_fairness: command: ${cmd[*]}" >&2
      echo "compare_fairness: last lines of its stderr:" >&2
      tail -n 20 "$work/$name.stderr" >&2
      die "$name failed"
    fi
    echo "$status" >"$work/$name.$i.status"
    tail -n 1 "$work/$name.$i.time" \
      | awk -v s="$status" '{ printf "%8.2f s %8.1f MiB  exit %s\n", $1, $2 / 1024, s }' >&2
  done
done

# --- report ---------------------------------------------------------------------------------
"$DATA_PYTHON" - "$work" "$runs" "$data" "$data_rows" "$weighted" "$out_json" "${names[@]}" <<'PY'
import json, math, statistics, sys

work, runs, data, rows, weighted, out_json = sys.argv[1:7]
names = sys.argv[7:]
runs, rows, weighted = int(runs), int(rows), weighted == "1"
TOL = 1e-9

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


fl, ag = load("fairlearn"), load("aigov")
print(f"\nfairness comparison: {rows:,} rows, sensitive region x age_band"
      f"{', weighted by weight' if weighted else ''}, median of {runs} run(s), data {data}")
print(f"{'command':<12}{'wall s':>9}{'peak MiB':>11}   runs: wall s / peak MiB")
for name in names:
    r = res[name]
    per = "  ".join(f"{w:.2f}/{p:.0f}" for w, p in zip(r["wall_runs"], r["peak_mib_runs"]))
    print(f"{name:<12}{r['wall_s']:>9.2f}{r['peak_mib']:>11.1f}   {per}")
if isinstance(fl, dict):
    print(f"  fairlearn {fl.get('fairlearn_version')} (scikit-learn {fl.get('sklearn_version')}, "
          f"pandas {fl.get('pandas_version')}), last run inside the script: read "
          f"{fl.get('read_seconds')} s, MetricFrame + disparities {fl.get('compute_seconds')} s")
if isinstance(ag, dict):
    print(f"  aigov verdict (last run): {json.dumps(ag.get('verdict'))}, "
          f"exit codes {res['aigov']['exit_codes']}")

ratios = []


def ratio(label, num, den, key, goal=None, higher_is_better=True):
    a, b = res[num][key], res[den][key]
    value = a / b if b > 0 else float("inf")
    verdict = ""
    met = None
    if goal is not None:
        met = value >= goal if higher_is_better else value <= goal
        verdict = f"goal {'>=' if higher_is_better else '<='} {goal:g}: {'met' if met else 'MISSED'}"
    ratios.append({"ratio": label, "value": value, "goal": goal, "met": met})
    print(f"  {label:<36}{value:>9.2f}   {verdict}")


print("\nratios (medians)")
ratio("wall   fairlearn / aigov", "fairlearn", "aigov", "wall_s", 20)
ratio("peak   fairlearn / aigov", "fairlearn", "aigov", "peak_mib")

# --- cross-check (best effort) --------------------------------------------------------------
PAIRS = [("selection_rate", "selection_rate"), ("tpr", "true_positive_rate"),
         ("fpr", "false_positive_rate"), ("fnr", "false_negative_rate"),
         ("tnr", "true_negative_rate"), ("precision", "precision"), ("accuracy", "accuracy")]
REQUIRED = ("selection_rate", "tpr", "fpr")
NAMED = ["demographic_parity_difference", "demographic_parity_ratio",
         "equalized_odds_difference", "equalized_odds_ratio",
         "equal_opportunity_difference", "equal_opportunity_ratio"]


def key_of(group):
    return tuple(sorted((str(k), str(v)) for k, v in group.items()))


def num(x):
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


check = {"done": False}
print(f"\ncross-check, by group (tolerance {TOL:g} absolute)")
if not (isinstance(fl, dict) and isinstance(ag, dict)):
    print("  skipped: a command's stdout is not JSON")
elif not isinstance(ag.get("groups"), list):
    print("  skipped: aigov's JSON has no 'groups' array")
else:
    fl_groups = {key_of(g["group"]): g["metrics"] for g in fl.get("by_group", [])}
    ag_groups = {}
    for g in ag["groups"]:
        if isinstance(g, dict) and isinstance(g.get("group"), dict):
            ag_groups[key_of(g["group"])] = g
    only_fl = sorted(set(fl_groups) - set(ag_groups))
    only_ag = sorted(set(ag_groups) - set(fl_groups))
    per_metric = {}
    worst = {}
    missing = {}
    for k in sorted(set(fl_groups) & set(ag_groups)):
        for a_name, f_name in PAIRS:
            a, f = num(ag_groups[k].get(a_name)), num(fl_groups[k].get(f_name))
            if a is None or f is None:
                if a_name in ag_groups[k] or a_name in REQUIRED:
                    missing[a_name] = missing.get(a_name, 0) + 1
                continue
            d = abs(a - f)
            if d >= per_metric.get(a_name, -1.0):
                per_metric[a_name] = d
                worst[a_name] = dict(k)
        n_a, n_f = num(ag_groups[k].get("n")), num(fl_groups[k].get("count"))
        if n_a is not None and n_f is not None and not weighted and n_a != n_f:
            missing["n (differs)"] = missing.get("n (differs)", 0) + 1
    print(f"  groups: fairlearn {len(fl_groups)}, aigov {len(ag_groups)}, "
          f"common {len(set(fl_groups) & set(ag_groups))}"
          + (f"; only fairlearn {only_fl}" if only_fl else "")
          + (f"; only aigov {only_ag}" if only_ag else ""))
    agree = not only_fl and not only_ag and bool(per_metric)
    for a_name, _ in PAIRS:
        if a_name in per_metric:
            ok = per_metric[a_name] <= TOL
            mark = "ok" if ok else "DIFFERENT"
            print(f"  {a_name:<16} max |aigov - fairlearn| {per_metric[a_name]:.3g}   {mark}"
                  + ("" if ok else f" (worst group {worst[a_name]})"))
            if a_name in REQUIRED:
                agree = agree and ok
    for a_name in REQUIRED:
        if a_name not in per_metric:
            print(f"  {a_name:<16} not compared (missing or null in a JSON)")
            agree = False
    for what, n in missing.items():
        print(f"  note: {what}: {n} group(s) without a comparable value")
    named = {}
    ag_d = ag.get("disparities") if isinstance(ag.get("disparities"), dict) else {}
    for name in NAMED:
        a, f = num(ag_d.get(name)), num(fl.get("disparities", {}).get(name))
        if a is not None and f is not None:
            named[name] = abs(a - f)
    if named:
        print("  named disparities: "
              + ", ".join(f"{n} {d:.3g}{'' if d <= TOL else ' DIFFERENT'}" for n, d in named.items()))
    print(f"  verdict: {'AGREE' if agree else 'DISAGREE or incomplete'} on selection_rate/tpr/fpr")
    check = {"done": True, "agree": agree, "max_abs_diff": per_metric,
             "named_abs_diff": named, "groups_only_fairlearn": only_fl,
             "groups_only_aigov": only_ag}

if out_json:
    with open(out_json, "w") as f:
        json.dump({"rows": rows, "runs": runs, "data": data, "weighted": weighted,
                   "fairlearn_version": fl.get("fairlearn_version") if isinstance(fl, dict) else None,
                   "commands": res, "ratios": ratios, "cross_check": check}, f, indent=1)
        f.write("\n")
PY
