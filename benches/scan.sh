#!/usr/bin/env bash
# Benchmark: `flagctl scan --format json` against `rg -F -w -c -f keys.txt`, side by
# side in one run, over the same tree with the same spellings (keys, generated
# aliases, literal aliases), for N = 100, 1,000 and 10,000 flags; then over real code
# that flagctl's authors did not write.
#
#   benches/scan.sh                  # everything (generates ~220 MB under $BENCH_DIR)
#   REPS=3 SIZES="100 1000" benches/scan.sh
#   RG=/path/to/rg REAL_DIR=/path/to/code benches/scan.sh
#
# Environment:
#   BENCH_DIR  where the tree and flag files go      (default /tmp/flagctl-bench)
#   FILES      number of generated files              (default 20000: ~220 MB)
#   SIZES      flag counts                             (default "100 1000 10000")
#   REPS       timed runs per tool and size; the minimum wall time is reported
#              (default 5)
#   RG         the ripgrep binary (default: `rg` on PATH, installed with apt-get or
#              `cargo install ripgrep` when missing)
#   RG_TIMEOUT seconds after which one rg run is abandoned (default 900); ripgrep 13
#              needs minutes at N = 10,000, so the ratio is then an upper bound
#   BASELINE   another flagctl binary (e.g. a release build of an older commit): each
#              size is also run with it, interleaved, and the ratio flagctl/baseline of
#              wall and CPU time is reported (how much a change costs the scan)
#   REAL_DIR   real third-party code to scan (default ~/.cargo/registry/src);
#              scanned with the N = 1,000 flag file plus four flags whose spellings
#              are common in Rust code (serde_json, proc_macro, no_std, async_trait)
#
# Both tools use their default thread count and read from the page cache (one
# untimed warm-up run each). Peak memory is GNU time's maximum resident set size.
# Results are also written to $BENCH_DIR/results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

BENCH_DIR=${BENCH_DIR:-/tmp/flagctl-bench}
FILES=${FILES:-20000}
SIZES=${SIZES:-"100 1000 10000"}
REPS=${REPS:-5}
RG_TIMEOUT=${RG_TIMEOUT:-900}
REAL_DIR=${REAL_DIR:-$HOME/.cargo/registry/src}

# --- tools -------------------------------------------------------------------------
if [ -z "${RG:-}" ]; then
  if ! command -v rg >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null
    else
      cargo install ripgrep --locked
    fi
  fi
  RG=$(command -v rg)
fi
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else
    echo "GNU time (/usr/bin/time) is needed for peak memory" >&2
    exit 2
  fi
fi
command -v python3 >/dev/null || { echo "python3 is needed to generate the tree" >&2; exit 2; }

cargo build --release --quiet
FLAGCTL="$REPO/target/release/flagctl"

# --- corpus ------------------------------------------------------------------------
mkdir -p "$BENCH_DIR"
stamp="$BENCH_DIR/.generated-$FILES-$(sha1sum benches/gen_corpus.py | cut -c1-12)"
if [ ! -e "$stamp" ]; then
  rm -rf "$BENCH_DIR/tree" "$BENCH_DIR"/.generated-*
  echo "generating $FILES files under $BENCH_DIR/tree ..."
  python3 benches/gen_corpus.py "$BENCH_DIR" "$FILES"
  touch "$stamp"
fi
TREE="$BENCH_DIR/tree"
OUT="$BENCH_DIR/results.txt"
: >"$OUT"
say() { echo "$@" | tee -a "$OUT"; }

# run LABEL CMD... : one timed run; prints "wall user sys maxrss_kb" (or "timeout").
run() {
  local tf
  tf=$(mktemp)
  set +e
  timeout "$RG_TIMEOUT" /usr/bin/time -o "$tf" -f "%e %U %S %M" "$@" >/dev/null 2>/dev/null
  local rc=$?
  set -e
  # rg exits 1 when nothing matched; 124 is timeout's.
  if [ $rc = 124 ]; then echo "timeout"; else tail -1 "$tf"; fi
  rm -f "$tf"
}

# bench NAME FLAGS KEYS DIR : REPS interleaved runs of both tools, minimum wall time.
bench() {
  local name=$1 flags=$2 keys=$3 dir=$4
  local fc=(--flags "$flags" scan "$dir" --format json)
  local rc=(-F -w -c -f "$keys" "$dir")
  "$FLAGCTL" "${fc[@]}" >/dev/null 2>&1 || true
  "$RG" "${rc[@]}" >/dev/null 2>&1 || true
  local best_f=999999 best_r=999999 cpu_f="" cpu_r="" rss_f=0 rss_r=0 r_timeout=0
  for _ in $(seq "$REPS"); do
    read -r w u s m < <(run "$FLAGCTL" "${fc[@]}")
    if awk "BEGIN{exit !($w < $best_f)}"; then best_f=$w; cpu_f=$(awk "BEGIN{print $u+$s}"); fi
    [ "$m" -gt "$rss_f" ] && rss_f=$m
    if [ "$r_timeout" = 1 ]; then continue; fi
    local res
    res=$(run "$RG" "${rc[@]}")
    if [ "$res" = timeout ]; then r_timeout=1; best_r=$RG_TIMEOUT; continue; fi
    read -r w u s m <<<"$res"
    if awk "BEGIN{exit !($w < $best_r)}"; then best_r=$w; cpu_r=$(awk "BEGIN{print $u+$s}"); fi
    [ "$m" -gt "$rss_r" ] && rss_r=$m
  done
  if [ -n "${BASELINE:-}" ]; then
    local best_b=999999 cpu_b="" best_n=999999 cpu_n=""
    for _ in $(seq "$REPS"); do
      read -r w u s m < <(run "$BASELINE" "${fc[@]}")
      if awk "BEGIN{exit !($w < $best_b)}"; then best_b=$w; cpu_b=$(awk "BEGIN{print $u+$s}"); fi
      read -r w u s m < <(run "$FLAGCTL" "${fc[@]}")
      if awk "BEGIN{exit !($w < $best_n)}"; then best_n=$w; cpu_n=$(awk "BEGIN{print $u+$s}"); fi
    done
    say "$(printf '%-12s flagctl %7.2fs (cpu %6ss) | baseline %7.2fs (cpu %6ss) | flagctl/baseline wall %s, cpu %s' \
      "$name" "$best_n" "$cpu_n" "$best_b" "$cpu_b" \
      "$(awk "BEGIN{printf \"%.2f\", $best_n / $best_b}")" "$(awk "BEGIN{printf \"%.2f\", $cpu_n / $cpu_b}")")"
  fi
  local ratio
  ratio=$(awk "BEGIN{printf \"%.2f\", $best_f / $best_r}")
  if [ "$r_timeout" = 1 ]; then
    ratio="< $ratio (rg timed out after ${RG_TIMEOUT}s)"
    cpu_r="-"
  fi
  local refs
  refs=$("$FLAGCTL" "${fc[@]}" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["references"]), d["stats"]["files_scanned"], round(d["stats"]["bytes_scanned"]/1e6))')
  say "$(printf '%-12s flagctl %7.2fs (cpu %6ss, peak %4d MB) | rg %7.2fs (cpu %6ss, peak %4d MB) | flagctl/rg %s | %s refs, %s files, %s MB' \
    "$name" "$best_f" "$cpu_f" $((rss_f / 1024)) "$best_r" "$cpu_r" $((rss_r / 1024)) "$ratio" \
    $refs)"
}

say "flagctl $("$FLAGCTL" --version | cut -d' ' -f2), $("$RG" --version | head -1), $(nproc) CPUs, $REPS runs each (minimum wall time)"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $SIZES; do
  bench "N=$n" "$BENCH_DIR/flags-$n.yaml" "$BENCH_DIR/keys-$n.txt" "$TREE"
done
if [ -d "$REAL_DIR" ]; then
  # The 1,000 generated flags plus four whose spellings are common in real (Rust)
  # code, so the real tree has hits too: serde_json, proc_macro, no_std, ...
  python3 - "$BENCH_DIR" <<'PY'
import sys
d = sys.argv[1]
extra = ["serde-json", "proc-macro", "no-std", "async-trait"]
with open(f"{d}/flags-1000.yaml") as f, open(f"{d}/flags-real.yaml", "w") as g:
    g.write(f.read())
    for k in extra:
        g.write(f"  {k}:\n    type: operational\n    owner: real\n    description: common in real code\n")
with open(f"{d}/keys-1000.txt") as f, open(f"{d}/keys-real.txt", "w") as g:
    keys = set(f.read().split())
    for k in extra:
        ws = k.split("-")
        keys |= {k, "_".join(ws), "_".join(w.upper() for w in ws),
                 ws[0] + "".join(w.capitalize() for w in ws[1:]), "".join(w.capitalize() for w in ws)}
    g.write("\n".join(sorted(keys)) + "\n")
PY
  say "real code: $REAL_DIR ($(du -sh "$REAL_DIR" | cut -f1), $(find "$REAL_DIR" -type f | wc -l) files), 1,004 flags"
  bench "real code" "$BENCH_DIR/flags-real.yaml" "$BENCH_DIR/keys-real.txt" "$REAL_DIR"
fi
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
