#!/usr/bin/env bash
# Side by side: `aigov explain --method kernel` against shap.KernelExplainer (onnxruntime for
# the model) on the same ONNX model, background and row (default: the 20-feature logistic
# regression fixture tests/fixtures/validation/onnx/logreg20.onnx with bench20_background.csv
# and row 0 of bench20_rows.csv):
#   shap   benches/peers/explain_shap.py   onnxruntime session, f(X) = P(class 1),
#          shap.KernelExplainer(f, background).shap_values(x, nsamples=..., l1_reg=False)
#   aigov  aigov explain --model M --background B --data D --row I --method kernel --json
# Two figures:
#   process wall  every command a fresh process timed from outside with GNU time (wall seconds
#                 and peak RSS), run --runs times (3) round-robin, medians compared; the shap
#                 process makes one explanation (--warmup 0 --repeat 1), imports included.
#   in-process    shap's explain_seconds_median (one more explain_shap.py run: 1 warm-up, then
#                 the median of --repeat (5) timed shap_values calls) against aigov's criterion
#                 median for the same work, read from
#                 target/criterion/explain_kernel_onnx20/new/estimates.json
#                 (median.point_estimate, ns), which `cargo bench --bench explain_kernel` writes;
#                 when that file is absent the script says so and skips the ratio.
# Goal: in-process shap/aigov >= 10; the process-wall ratio is reported beside it. Then a
# best-effort cross-check of the values: max |aigov - shap| per feature, "within sampling
# error" when every feature's difference is below 4 x the standard deviation of shap's value
# over --spread-seeds (5) seeds (explain_shap.py --spread-seeds).
#
# Usage: benches/peers/compare_explain.sh [--model M] [--background B] [--data D] [--row I]
#          [--nsamples auto|N] [--runs N] [--repeat R] [--spread-seeds K] [--keep]
#          [--out FILE] [--install]
#   --model/--background/--data/--row   the model and rows (defaults above, row 0)
#   --nsamples      shap's nsamples (auto: 2 * features + 2048); aigov is not given it and
#                   uses its own default
#   --runs N        timed process runs per command (3); the median is reported
#   --repeat R      timed in-process shap calls (5); the median is reported
#   --spread-seeds K  seeds for the spread of shap's values (5; at least 2)
#   --keep          keep the work dir (each command's last stdout/stderr and timings)
#   --out FILE      also write the results as JSON to FILE
#   --install       create the shap venv (or pip install into it) when missing
# Environment (relative paths are taken from the repository root):
#   AIGOV        aigov binary (target/release/aigov); build it first: cargo build --release -p aigov-cli
#   SHAP_VENV    venv that --install creates (/tmp/shapbenchvenv)
#   SHAP_PYTHON  Python with shap, onnxruntime, numpy, pandas ($SHAP_VENV/bin/python; also
#                runs the report)
#   CRITERION_ESTIMATES  aigov's criterion estimates
#                (target/criterion/explain_kernel_onnx20/new/estimates.json)
#   TIME_BIN     GNU time (/usr/bin/time)
set -euo pipefail
caller=$(pwd)
cd "$(dirname "$0")/../.."
root=$(pwd)

AIGOV=${AIGOV:-target/release/aigov}
SHAP_VENV=${SHAP_VENV:-/tmp/shapbenchvenv}
SHAP_PYTHON=${SHAP_PYTHON:-$SHAP_VENV/bin/python}
CRITERION_ESTIMATES=${CRITERION_ESTIMATES:-target/criterion/explain_kernel_onnx20/new/estimates.json}
TIME_BIN=${TIME_BIN:-/usr/bin/time}

fixtures=tests/fixtures/validation/onnx
model=$fixtures/logreg20.onnx
background=$fixtures/bench20_background.csv
data=$fixtures/bench20_rows.csv
row=0
nsamples=auto
runs=3
repeat=5
spread=5
keep=0
out_json=""
install=0

die() { echo "compare_explain: error: $*" >&2; exit 1; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }
from_caller() {  # a path given on the command line is relative to where the script was started
  case "$1" in /*) echo "$1" ;; *) echo "$caller/$1" ;; esac
}

while [ $# -gt 0 ]; do
  case "$1" in
    --model) need_arg "$@"; model=$(from_caller "$2"); shift 2 ;;
    --background) need_arg "$@"; background=$(from_caller "$2"); shift 2 ;;
    --data) need_arg "$@"; data=$(from_caller "$2"); shift 2 ;;
    --row) need_arg "$@"; row=$2; shift 2 ;;
    --nsamples) need_arg "$@"; nsamples=$2; shift 2 ;;
    --runs) need_arg "$@"; runs=$2; shift 2 ;;
    --repeat) need_arg "$@"; repeat=$2; shift 2 ;;
    --spread-seeds) need_arg "$@"; spread=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --out) need_arg "$@"; out_json=$(from_caller "$2"); shift 2 ;;
    --install) install=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
case "$runs" in ''|*[!0-9]*|0) die "--runs must be a positive integer, got '$runs'" ;; esac
case "$repeat" in ''|*[!0-9]*|0) die "--repeat must be a positive integer, got '$repeat'" ;; esac
case "$spread" in ''|*[!0-9]*|0|1) die "--spread-seeds must be an integer >= 2, got '$spread'" ;; esac
case "$row" in ''|*[!0-9]*) die "--row must be a non-negative integer, got '$row'" ;; esac
case "$nsamples" in auto) ;; ''|*[!0-9]*|0) die "--nsamples must be auto or a positive integer, got '$nsamples'" ;; esac

# --- prerequisites, all checked before anything is run --------------------------------------
[ -e "$AIGOV" ] || die "aigov binary not found at '$AIGOV' (from $root).
  Build it with: cargo build --release -p aigov-cli   (or set AIGOV=/path/to/aigov)"
[ -x "$AIGOV" ] || die "'$AIGOV' is not executable"
AIGOV=$(cd "$(dirname "$AIGOV")" && pwd)/$(basename "$AIGOV")
# The explain subcommand must exist; a missing one fails here, not after the peer has run.
"$AIGOV" explain --help >/dev/null 2>&1 \
  || die "'$AIGOV explain --help' failed: this aigov has no working 'explain' subcommand yet
  (rebuild: cargo build --release -p aigov-cli)"

for f in "$model" "$background" "$data"; do
  [ -s "$f" ] || die "input file not found or empty: $f
  (the defaults are the fixtures under $fixtures; pass --model/--background/--data for others)"
done
model=$(cd "$(dirname "$model")" && pwd)/$(basename "$model")
background=$(cd "$(dirname "$background")" && pwd)/$(basename "$background")
data=$(cd "$(dirname "$data")" && pwd)/$(basename "$data")

if ! "$TIME_BIN" --version 2>&1 | grep -qi 'GNU'; then
  if [ "$TIME_BIN" = /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "compare_explain: GNU time missing, installing the 'time' package" >&2
    apt-get install -y -q time >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
      || die "could not install GNU time (apt-get install time)"
  fi
  "$TIME_BIN" --version 2>&1 | grep -qi 'GNU' \
    || die "GNU time not found at '$TIME_BIN' (apt-get install time, or set TIME_BIN)"
fi

if ! { [ -x "$SHAP_PYTHON" ] || command -v "$SHAP_PYTHON" >/dev/null; } \
   || ! "$SHAP_PYTHON" -c 'import shap, onnxruntime, numpy, pandas' 2>/dev/null; then
  [ "$install" = 1 ] || die "no shap/onnxruntime at SHAP_PYTHON='$SHAP_PYTHON'. Create it with:
  python3 -m venv $SHAP_VENV && $SHAP_VENV/bin/pip install shap onnxruntime numpy pandas scikit-learn
  (or pass --install)"
  [ -x "$SHAP_VENV/bin/python" ] || python3 -m venv "$SHAP_VENV"
  "$SHAP_VENV/bin/pip" install -q shap onnxruntime numpy pandas scikit-learn
  SHAP_PYTHON=$SHAP_VENV/bin/python
fi

# --- work dir -------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/aigov-explain-bench.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then echo "compare_explain: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- the commands ---------------------------------------------------------------------------
names=(shap aigov)
shap_common=(benches/peers/explain_shap.py --model "$model" --background "$background"
             --data "$data" --row "$row" --nsamples "$nsamples")

run_cmd() {  # run_cmd NAME: the command line for NAME, as an array in "cmd"
  case "$1" in
    shap) cmd=("$SHAP_PYTHON" "${shap_common[@]}" --warmup 0 --repeat 1) ;;
    aigov)
      cmd=("$AIGOV" explain --model "$model" --background "$background" --data "$data"
           --row "$row" --method kernel --json) ;;
    *) die "unknown command name $1" ;;
  esac
  return 0
}

# Round-robin: run i of every command, then run i+1, so that load that comes and goes on
# the machine falls on all of them alike.
for ((i = 1; i <= runs; i++)); do
  for name in "${names[@]}"; do
    run_cmd "$name"
    printf 'compare_explain: run %d/%d %-6s ' "$i" "$runs" "$name" >&2
    status=0
    "$TIME_BIN" -f '%e %M %x' -o "$work/$name.$i.time" "${cmd[@]}" \
      >"$work/$name.stdout" 2>"$work/$name.stderr" || status=$?
    if [ "$status" != 0 ]; then
      echo "FAILED (exit $status)" >&2
      echo "compare_explain: command: ${cmd[*]}" >&2
      echo "compare_explain: last lines of its stderr:" >&2
      tail -n 20 "$work/$name.stderr" >&2
      die "$name failed"
    fi
    tail -n 1 "$work/$name.$i.time" \
      | awk '{ printf "%8.2f s %8.1f MiB\n", $1, $2 / 1024 }' >&2
  done
done

# The in-process figure and the spread of shap's values: one more shap run, not timed from
# outside.
echo "compare_explain: shap in-process: 1 warm-up + $repeat timed calls, spread over $spread seeds" >&2
"$SHAP_PYTHON" "${shap_common[@]}" --warmup 1 --repeat "$repeat" --spread-seeds "$spread" \
  >"$work/shap-inprocess.json" 2>"$work/shap-inprocess.stderr" \
  || { tail -n 20 "$work/shap-inprocess.stderr" >&2; die "the in-process shap run failed"; }

# --- report ---------------------------------------------------------------------------------
"$SHAP_PYTHON" - "$work" "$runs" "$model" "$background" "$data" "$row" "$CRITERION_ESTIMATES" \
    "$out_json" "${names[@]}" <<'PY'
import datetime, json, math, os, statistics, sys

work, runs, model, background, data, row, estimates, out_json = sys.argv[1:9]
names = sys.argv[9:]
runs, row = int(runs), int(row)
GOAL = 10.0
SIGMAS = 4.0

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


def load(path):
    try:
        return json.load(open(path))
    except Exception:
        return None


sp = load(f"{work}/shap-inprocess.json")
ag = load(f"{work}/aigov.stdout")
print(f"\nexplain comparison: model {model}, background {background}, row {row} of {data}, "
      f"median of {runs} process run(s)")
if isinstance(sp, dict):
    print(f"  shap {sp.get('shap_version')}, onnxruntime {sp.get('onnxruntime_version')}, "
          f"numpy {sp.get('numpy_version')}: {len(sp.get('features', []))} features, "
          f"{sp.get('background_rows')} background rows, nsamples {sp.get('nsamples')}")

print("\nprocess wall (one explanation per process, start-up and imports included)")
print(f"{'command':<8}{'wall s':>9}{'peak MiB':>11}   runs: wall s / peak MiB")
for name in names:
    r = res[name]
    per = "  ".join(f"{w:.2f}/{p:.0f}" for w, p in zip(r["wall_runs"], r["peak_mib_runs"]))
    print(f"{name:<8}{r['wall_s']:>9.2f}{r['peak_mib']:>11.1f}   {per}")
wall_ratio = res["shap"]["wall_s"] / res["aigov"]["wall_s"] if res["aigov"]["wall_s"] > 0 else float("inf")
peak_ratio = res["shap"]["peak_mib"] / res["aigov"]["peak_mib"] if res["aigov"]["peak_mib"] > 0 else float("inf")

# --- in-process -----------------------------------------------------------------------------
shap_s = sp.get("explain_seconds_median") if isinstance(sp, dict) else None
aigov_s, crit_note = None, None
if os.path.isfile(estimates):
    try:
        est = json.load(open(estimates))
        aigov_s = float(est["median"]["point_estimate"]) * 1e-9
        when = datetime.datetime.fromtimestamp(os.path.getmtime(estimates)).isoformat(timespec="seconds")
        crit_note = f"{estimates} (written {when})"
    except Exception as e:  # noqa: BLE001
        crit_note = f"{estimates} unreadable: {e}"
else:
    crit_note = (f"{estimates} absent: run `cargo bench --bench explain_kernel` to produce "
                 "aigov's in-process figure")
print("\nin-process (explain call only)")
if shap_s is not None:
    runs_ms = ", ".join(f"{t * 1e3:.1f}" for t in sp.get("explain_seconds_runs", []))
    print(f"  shap   median {shap_s * 1e3:10.3f} ms   (runs ms: {runs_ms}; explainer init "
          f"{sp.get('init_seconds', 0) * 1e3:.2f} ms, imports {sp.get('import_seconds')} s, not included)")
else:
    print("  shap   no figure (the in-process run's JSON is unreadable)")
if aigov_s is not None:
    print(f"  aigov  median {aigov_s * 1e3:10.3f} ms   (criterion, {crit_note})")
else:
    print(f"  aigov  no figure: {crit_note}")

ratios = []
print("\nratios (medians)")
inproc = None
if shap_s is not None and aigov_s:
    inproc = shap_s / aigov_s
    met = inproc >= GOAL
    print(f"  in-process   shap / aigov   {inproc:>10.2f}   goal >= {GOAL:g}: {'met' if met else 'MISSED'}")
    ratios.append({"ratio": "in-process shap / aigov", "value": inproc, "goal": GOAL, "met": met})
else:
    print(f"  in-process   shap / aigov   {'n/a':>10}   goal >= {GOAL:g}: not measured")
    ratios.append({"ratio": "in-process shap / aigov", "value": None, "goal": GOAL, "met": None})
print(f"  process wall shap / aigov   {wall_ratio:>10.2f}")
print(f"  process peak shap / aigov   {peak_ratio:>10.2f}")
ratios.append({"ratio": "process wall shap / aigov", "value": wall_ratio, "goal": None, "met": None})
ratios.append({"ratio": "process peak shap / aigov", "value": peak_ratio, "goal": None, "met": None})
if res["aigov"]["wall_s"] < 0.05:
    print("  note: aigov's wall time is near the 0.01 s resolution of GNU time: that ratio is rough")


# --- cross-check (best effort) --------------------------------------------------------------
def num(x):
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def aigov_values(obj):
    """{feature: value} from aigov's JSON: a {feature: number} object under values /
    shap_values / attributions / contributions (top level or one level down), or a list of
    objects with feature|name and value|shap|contribution|attribution."""
    cands = [obj] + [v for v in obj.values() if isinstance(v, dict)]
    for c in cands:
        for key in ("values", "shap_values", "attributions", "contributions"):
            v = c.get(key)
            if isinstance(v, dict) and v and all(num(x) is not None or x is None for x in v.values()):
                return {str(k): num(x) for k, x in v.items()}
            if isinstance(v, list) and v and all(isinstance(e, dict) for e in v):
                out = {}
                for e in v:
                    f = e.get("feature", e.get("name"))
                    val = next((e[k] for k in ("value", "shap", "contribution", "attribution")
                                if k in e), None)
                    if f is not None:
                        out[str(f)] = num(val)
                if out:
                    return out
    return None


def find_num(obj, keys):
    for c in [obj] + [v for v in obj.values() if isinstance(v, dict)]:
        for k in keys:
            if num(c.get(k)) is not None:
                return num(c[k])
    return None


check = {"done": False}
print(f"\ncross-check of the values (within sampling error: |aigov - shap| < {SIGMAS:g} x the sd "
      f"of shap's value over {sp.get('spread_seeds') if isinstance(sp, dict) else '?'} seeds)")
av = aigov_values(ag) if isinstance(ag, dict) else None
if not isinstance(sp, dict) or not isinstance(sp.get("values"), dict):
    print("  skipped: shap's JSON is unreadable")
elif av is None:
    print("  skipped: no per-feature values found in aigov's JSON"
          + ("" if isinstance(ag, dict) else " (its stdout is not a JSON object)"))
else:
    sv, sd = sp["values"], sp.get("values_std") or {}
    rows_out, nulls = [], []
    only_shap = [f for f in sv if f not in av]
    only_aigov = [f for f in av if f not in sv]
    for f in sv:
        if f not in av:
            continue
        a, s = av[f], num(sv[f])
        if a is None or s is None:
            nulls.append(f)
            continue
        d = abs(a - s)
        sdf = num(sd.get(f))
        rows_out.append((f, a, s, d, sdf, sdf is not None and d < SIGMAS * sdf))
    fw = max([len("feature")] + [len(r[0]) for r in rows_out]) + 2
    print(f"  {'feature':<{fw}}{'aigov':>14}{'shap':>14}{'|diff|':>11}{'shap sd':>11}{'diff/sd':>9}")
    for f, a, s, d, sdf, ok in rows_out:
        z = f"{d / sdf:9.2f}" if sdf else f"{'-':>9}"
        print(f"  {f:<{fw}}{a:>14.6g}{s:>14.6g}{d:>11.3g}{(sdf if sdf is not None else float('nan')):>11.3g}{z}"
              + ("" if ok else "   *"))
    beyond = [r[0] for r in rows_out if not r[5]]
    zs = [r[3] / r[4] for r in rows_out if r[4]]
    worst = max(rows_out, key=lambda r: r[3]) if rows_out else None
    within = bool(rows_out) and all(r[5] for r in rows_out) and not only_shap and not only_aigov
    extra = {}
    for key, keys in (("prediction", ("prediction", "output", "model_output")),
                      ("base_value", ("base_value", "expected_value", "baseline"))):
        a = find_num(ag, keys)
        if a is not None and num(sp.get(key)) is not None:
            extra[key] = abs(a - sp[key])
    if worst:
        print(f"  max |aigov - shap| {worst[3]:.3g} (feature {worst[0]}); {len(beyond)} of "
              f"{len(rows_out)} feature(s) at or beyond {SIGMAS:g} sd (marked *)"
              + (f"; largest diff/sd {max(zs):.2f}" if zs else ""))
        k = sp.get("spread_seeds") or 0
        if k and k < 20:
            print(f"  note: an sd from {k} seeds is itself rough: even for a correct aigov some one of "
                  f"{len(rows_out)} features lands beyond {SIGMAS:g} sd often (about 30% of the time "
                  "when aigov is exact, 60% when it samples as shap does, at 5 seeds and 20 "
                  "features); --spread-seeds 20 makes that about 2% / 20%")
    if only_shap or only_aigov:
        print(f"  features only in shap: {only_shap}; only in aigov: {only_aigov}")
    if nulls:
        print(f"  note: {len(nulls)} null value(s) not compared: {nulls}")
    for k, d in extra.items():
        print(f"  {k}: |aigov - shap| {d:.3g}")
    print(f"  verdict: {'within sampling error' if within else 'NOT within sampling error (or incomplete)'}")
    check = {"done": True, "within_sampling_error": within,
             "max_abs_diff": worst[3] if worst else None,
             "max_abs_diff_feature": worst[0] if worst else None,
             "abs_diff": {r[0]: r[3] for r in rows_out},
             "shap_sd": {r[0]: r[4] for r in rows_out}, "sigmas": SIGMAS,
             "spread_seeds": sp.get("spread_seeds"), "beyond": beyond,
             "max_diff_over_sd": max(zs) if zs else None,
             "null_skipped": nulls, "only_shap": only_shap, "only_aigov": only_aigov,
             "other_abs_diff": extra}

if out_json:
    with open(out_json, "w") as f:
        json.dump({"model": model, "background": background, "data": data, "row": row,
                   "runs": runs,
                   "shap_version": sp.get("shap_version") if isinstance(sp, dict) else None,
                   "nsamples": sp.get("nsamples") if isinstance(sp, dict) else None,
                   "commands": res,
                   "in_process": {"shap_explain_seconds_median": shap_s,
                                  "shap_explain_seconds_runs": sp.get("explain_seconds_runs") if isinstance(sp, dict) else None,
                                  "aigov_criterion_median_seconds": aigov_s,
                                  "criterion_estimates": crit_note},
                   "ratios": ratios, "cross_check": check}, f, indent=1)
        f.write("\n")
PY
