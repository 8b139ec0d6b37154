#!/usr/bin/env bash
# Input shapes that once made loading or scanning quadratic (merge keys, large
# `environments` lists and overrides, `variants`, rules inherited by many overrides,
# `when` attributes, `segments` and references to them, pattern captures in code,
# many warnings rendered as text), each generated at N and 2N and timed side by side with the release binary, in CPU
# time (user + system: on a shared machine wall time mostly measures the neighbours).
# Prints time(2N) / time(N) per shape: about 2 for a linear cost, and at most 2.5 is
# the bar (exit 1 if a shape is over it).
#
#   bash benches/shapes.sh [N] [REPS]      # default N = 50,000, REPS = 3
#   BIN=/path/to/flagctl bash benches/shapes.sh   # time another build
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release -q
  BIN=target/release/flagctl
fi
python3 benches/shapes.py "$BIN" "${1:-50000}" "${2:-3}"
