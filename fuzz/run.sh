#!/usr/bin/env bash
# Runs every fuzz target for a fixed time (seconds, default 60), two at a time, on the
# committed seed corpora (fuzz/corpus/<target>/, which grow as libFuzzer finds new paths).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
targets=(notes_and_keys envelopes_and_bundles proofs policy_and_playbooks drift_and_fairness_csv gate_input)
cargo +nightly fuzz build
mkdir -p logs
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  for t in "${targets[@]:i:2}"; do
    cargo +nightly fuzz run "$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 >"logs/$t.log" 2>&1 &
  done
  wait
done
for t in "${targets[@]}"; do
  printf '%-24s %s\n' "$t" "$(grep -E '^(Done|==[0-9]+== ERROR|SUMMARY)' "logs/$t.log" | tail -1)"
done
