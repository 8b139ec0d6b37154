#!/usr/bin/env bash
# Times `flagctl validate` and `flagctl list` as whole processes on a generated
# 10,000-flag file (issue 2; target: under 100 ms each). Prints medians of 15 runs.
#   bash benches/validate_list.sh [N_FLAGS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
cargo build --release -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 benches/gen_flags.py "$n" > "$work/flags.yaml"
echo "flags file: $n flags, $(wc -c < "$work/flags.yaml") bytes"
python3 - "$work/flags.yaml" <<'PY'
import statistics, subprocess, sys, time
flags = sys.argv[1]
for args in (["validate"], ["list"], ["list", "--format", "json"]):
    cmd = ["target/release/flagctl", "--flags", flags, "--now", "2026-11-21", *args]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)  # warm the page cache
    times = []
    for _ in range(15):
        t = time.perf_counter()
        code = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
        times.append((time.perf_counter() - t) * 1000)
    print(f"{' '.join(args):<22} median {statistics.median(times):7.1f} ms   min {min(times):7.1f} ms   exit {code}")
PY
