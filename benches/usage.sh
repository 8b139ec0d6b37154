#!/usr/bin/env bash
# Throughput of `flagctl usage` on a generated OTLP JSON file (Collector file-exporter
# style, ~1 GiB by default), side by side with `wc -l` on the same file in the same run,
# plus peak memory. The file lives in a temporary directory removed on exit.
#
#   bash benches/usage.sh            # 1024 MiB
#   SIZE_MB=256 bash benches/usage.sh
#
# Needs python3 and GNU time (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
BIN=target/release/flagctl

cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
file="$dir/otlp.jsonl"

echo "generating ${SIZE_MB} MiB of OTLP JSON..."
python3 benches/gen_otlp.py --mb "$SIZE_MB" --out "$file"
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null # into the page cache, so both tools read from memory

# Best of RUNS wall-clock seconds of a command (output discarded).
best() {
  local best_ns=""
  for _ in $(seq "$RUNS"); do
    local start end ns
    start=$(date +%s%N)
    "$@" > /dev/null
    end=$(date +%s%N)
    ns=$((end - start))
    if [ -z "$best_ns" ] || [ "$ns" -lt "$best_ns" ]; then best_ns=$ns; fi
  done
  awk -v ns="$best_ns" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

wc_s=$(best wc -l "$file")
usage_s=$(best "$BIN" usage "$file" --format json)
rss_kb=$(/usr/bin/time -v "$BIN" usage "$file" --format json 2>&1 >/dev/null \
  | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
evaluations=$("$BIN" usage "$file" --format json | python3 -c \
  'import json,sys; print(sum(f["count"] for f in json.load(sys.stdin)["flags"]))')

awk -v bytes="$bytes" -v wc="$wc_s" -v us="$usage_s" -v rss="$rss_kb" \
  -v ev="$evaluations" -v cpus="$(nproc)" 'BEGIN {
  mib = bytes / 1048576
  printf "file: %.0f MiB, %d evaluations, %d CPUs\n", mib, ev, cpus
  printf "%-16s %7.2f s %7.0f MiB/s\n", "wc -l", wc, mib / wc
  printf "%-16s %7.2f s %7.0f MiB/s\n", "flagctl usage", us, mib / us
  printf "flagctl usage takes %.1fx the time of wc -l\n", us / wc
  printf "peak RSS of flagctl usage: %.1f MiB\n", rss / 1024
}'
