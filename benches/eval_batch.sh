#!/usr/bin/env bash
# Batch evaluation throughput (target: over a million evaluations per second):
# `flagctl eval --contexts-file` over N contexts (default 1,000,000) for one flag with a 25% rollout and two rules,
# end to end (read, parse, evaluate, write jsonl). Prints evaluations per second.
#
#   benches/eval_batch.sh [N]        # from the repository root
#
# Also times `flagctl eval` of every flag of a generated 10,000-flag file for one
# context (target: under 100 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
WORK=${TMPDIR:-/tmp}/flagctl-bench-eval
mkdir -p "$WORK"

cargo build --release --quiet
BIN=$PWD/target/release/flagctl

cat > "$WORK/flags.yaml" <<'YAML'
version: 1
segments:
  enterprise:
    when:
      plan: { in: [enterprise] }
flags:
  bench-flag:
    type: operational
    owner: bench
    description: 25% rollout and two rules
    rollout: 25
    rules:
      - name: beta-route
        when:
          route: { starts_with: /beta }
        value: true
      - name: enterprise-off
        segments: [enterprise]
        value: false
YAML

if [ ! -f "$WORK/contexts-$N.jsonl" ]; then
  awk -v n="$N" 'BEGIN {
    split("free pro enterprise", plans, " "); split("/home /search /beta/new /checkout", routes, " ")
    for (i = 1; i <= n; i++)
      printf("{\"userId\":\"u-%d\",\"plan\":\"%s\",\"route\":\"%s\",\"country\":\"DE\"}\n", i, plans[i % 3 + 1], routes[i % 4 + 1])
  }' > "$WORK/contexts-$N.jsonl.tmp"
  mv "$WORK/contexts-$N.jsonl.tmp" "$WORK/contexts-$N.jsonl"
fi

now() { date +%s.%N; }
best=""
for run in 1 2 3; do
  start=$(now)
  "$BIN" --flags "$WORK/flags.yaml" eval --contexts-file "$WORK/contexts-$N.jsonl" > "$WORK/out.jsonl"
  end=$(now)
  secs=$(echo "$end - $start" | bc -l)
  if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc -l)" = 1 ]; then best=$secs; fi
done
lines=$(wc -l < "$WORK/out.jsonl")
echo "batch: $lines evaluations, best of 3: ${best}s, $(echo "$lines / $best" | bc) evaluations/s"
echo "  command: flagctl --flags $WORK/flags.yaml eval --contexts-file $WORK/contexts-$N.jsonl > out.jsonl"

start=$(now)
"$BIN" --flags "$WORK/flags.yaml" eval --contexts-file "$WORK/contexts-$N.jsonl" --summary > "$WORK/summary.txt"
end=$(now)
echo "summary: $(echo "$end - $start" | bc -l)s"
head -6 "$WORK/summary.txt" | sed 's/^/  /'

# 10,000 flags, one context.
if [ ! -f "$WORK/flags-10k.yaml" ]; then
  awk 'BEGIN {
    print "version: 1\nsegments:\n  enterprise:\n    when:\n      plan: { in: [enterprise] }\nflags:"
    for (i = 0; i < 10000; i++) {
      printf("  flag-%05d:\n    type: operational\n    owner: team-%d\n    description: Generated flag %d\n", i, i % 17, i)
      if (i % 4 == 0) printf("    rollout: %d\n", i % 100)
      if (i % 4 == 1) printf("    segments: [enterprise]\n")
      if (i % 4 == 2) printf("    rules:\n      - name: r\n        when:\n          route: { starts_with: /beta }\n        value: false\n")
    }
  }' > "$WORK/flags-10k.yaml"
fi
best=""
for run in 1 2 3 4 5; do
  start=$(now)
  "$BIN" --flags "$WORK/flags-10k.yaml" eval -c userId=u-1 -c plan=pro > /dev/null
  end=$(now)
  secs=$(echo "$end - $start" | bc -l)
  if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc -l)" = 1 ]; then best=$secs; fi
done
echo "eval of 10,000 flags (table), best of 5: $(echo "$best * 1000" | bc -l | cut -c1-6) ms"
best=""
for run in 1 2 3 4 5; do
  start=$(now)
  "$BIN" --flags "$WORK/flags-10k.yaml" eval -c userId=u-1 -c plan=pro --format json > /dev/null
  end=$(now)
  secs=$(echo "$end - $start" | bc -l)
  if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc -l)" = 1 ]; then best=$secs; fi
done
echo "eval of 10,000 flags (json), best of 5: $(echo "$best * 1000" | bc -l | cut -c1-6) ms"
