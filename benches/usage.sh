#!/usr/bin/env bash
# Throughput of `flagctl usage` on a generated OTLP JSON file (Collector file-exporter
# style, ~1 GiB by default), side by side with `wc -l` on the same file in the same run,
# plus CPU time and peak memory. The file lives in a temporary directory (in /dev/shm
# when there is one) removed on exit. On a shared machine the wall clock depends on the
# load (printed); CPU seconds do not.
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
# A RAM-backed directory when there is one: the benchmark measures parsing, not disks.
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
dir=$(mktemp -d "$base/flagctl-usage-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
file="$dir/otlp.jsonl"

echo "generating ${SIZE_MB} MiB of OTLP JSON in $dir..."
python3 benches/gen_otlp.py --mb "$SIZE_MB" --out "$file"
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null # into the page cache, so both tools read from memory

# Best (by wall clock) of RUNS runs: "wall user sys maxrss_kb".
best() {
  local best_line="" best_wall=""
  for _ in $(seq "$RUNS"); do
    local line wall
    line=$(/usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1)
    wall=${line%% *}
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall
      best_line=$line
    fi
  done
  echo "$best_line"
}

wc_run=$(best wc -l "$file")
usage_run=$(best "$BIN" usage "$file" --format json)
evaluations=$("$BIN" usage "$file" --format json | python3 -c \
  'import json,sys; print(sum(f["count"] for f in json.load(sys.stdin)["flags"]))')

awk -v bytes="$bytes" -v wc="$wc_run" -v us="$usage_run" -v ev="$evaluations" \
  -v cpus="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  mib = bytes / 1048576
  split(wc, w, " "); split(us, u, " ")
  printf "file: %.0f MiB, %d evaluations; %d CPUs, load average %s\n", mib, ev, cpus, load
  printf "%-14s %7s %9s %9s %12s\n", "", "wall", "MiB/s", "CPU s", "MiB/CPU-s"
  printf "%-14s %6.2fs %9.0f %9.2f %12.0f\n", "wc -l", w[1], mib / w[1], w[2] + w[3], mib / (w[2] + w[3] + 1e-9)
  printf "%-14s %6.2fs %9.0f %9.2f %12.0f\n", "flagctl usage", u[1], mib / u[1], u[2] + u[3], mib / (u[2] + u[3])
  printf "flagctl usage takes %.1fx the wall time of wc -l; peak RSS %.1f MiB\n", u[1] / w[1], u[4] / 1024
}'
