#!/usr/bin/env bash
# Side by side: `aigov hash` against `sha256sum` on the same files, alternating runs so that
# both see the same machine load, and the ratio of their median times.
#   one 1 GiB file                 goal: aigov throughput >= 0.9x sha256sum
#   a directory of 8 x 128 MiB     goal: aigov >= 1.6x faster than sha256sum file after file
# Usage: benches/compare_hashing.sh [runs]   (AIGOV_BENCH_MIB=1024 sets the total size)
set -euo pipefail
runs=${1:-7}
mib=${AIGOV_BENCH_MIB:-1024}
cd "$(dirname "$0")/.."
cargo build --release -q -p aigov-cli
bin=target/release/aigov
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head -c $((mib << 20)) /dev/urandom >"$work/one.bin"
mkdir "$work/model"
for i in 0 1 2 3 4 5 6 7; do head -c $(((mib / 8) << 20)) /dev/urandom >"$work/model/part-$i.bin"; done
cat "$work/one.bin" "$work/model"/* >/dev/null # both sides read from the page cache

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

compare() { # label, aigov args..., --, peer command...
  local label=$1; shift
  local ours=() peer=()
  while [ "$1" != "--" ]; do ours+=("$1"); shift; done; shift
  peer=("$@")
  local a=() b=() t
  for _ in $(seq "$runs"); do
    t=$(now); "$bin" hash "${ours[@]}" >/dev/null; a+=($(( $(now) - t )))
    t=$(now); "${peer[@]}" >/dev/null; b+=($(( $(now) - t )))
  done
  local ma mb
  ma=$(printf '%s\n' "${a[@]}" | median)
  mb=$(printf '%s\n' "${b[@]}" | median)
  awk -v l="$label" -v a="$ma" -v b="$mb" -v mib="$mib" 'BEGIN {
    printf "%-28s aigov %7.1f ms (%6.0f MiB/s)   sha256sum %7.1f ms (%6.0f MiB/s)   ratio %.2fx\n",
      l, a / 1e6, mib / (a / 1e9), b / 1e6, mib / (b / 1e9), b / a }'
}

echo "median of $runs alternating runs, $(nproc) cores"
compare "one file (${mib} MiB)" "$work/one.bin" -- sha256sum "$work/one.bin"
compare "8 files ($((mib / 8)) MiB each)" "$work/model" -- sha256sum "$work/model"/part-{0..7}.bin
