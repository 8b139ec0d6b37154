#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, not committed) from the
# repository's own files: flags files and fixtures for `load`, conditions and
# contexts for `conditions`, code from the scan fixtures and the example service for
# `scan`, spec files for `spec`, usage fixtures for `usage`, the cleanup fixtures
# (behind a language byte) for `cleanup`. Run once before the first `cargo +nightly fuzz run`.
set -euo pipefail
cd "$(dirname "$0")/.."
seed() { # target, files...
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do
    if [ -f "$f" ]; then cp "$f" "$dir/$(echo "$f" | tr / _)"; fi
  done
}
seed load flags.yaml fixtures/invalid/*.yaml fixtures/edit/*.yaml fixtures/examples/*.yaml \
  fixtures/contexts.yaml examples/checkout-api/flags.yaml
# `conditions`: a context line, then YAML (a `when:` mapping or a contexts file).
mkdir -p fuzz/corpus/conditions
printf '{"userId":"u-1","plan":"pro","version":"2.3.0","ip":"10.1.2.3"}\nplan: { in: [pro, enterprise] }\nversion: { semver_gte: 2.0.0 }\nip: { in_cidr: [10.0.0.0/8] }\n' \
  > fuzz/corpus/conditions/seed-when
printf 'userId=u-1;account.plan=pro;age=42\nemail: { ends_with: "@example.com", ignore_case: true }\nsignup: { before: 2026-01-01 }\n' \
  > fuzz/corpus/conditions/seed-cli
{ printf '{}\n'; cat fixtures/contexts.yaml; } > fuzz/corpus/conditions/seed-contexts
seed scan $(find fixtures/scan examples/checkout-api -type f -size -64k | sort)
seed spec flags.test.yaml $(find tests -name '*.yaml' -path '*flags*' | sort)
seed usage fixtures/usage/* $(find tests -path '*usage*' -type f -size -256k | sort)
# `cleanup`: one byte picks the language (and the kept value), then the file.
mkdir -p fuzz/corpus/cleanup
i=0
for lang in ts tsx js py go java kotlin ruby; do
  for f in $(find "fixtures/cleanup/$lang" -type f ! -name flags.yaml | sort); do
    { printf "\\$(printf '%03o' "$i")"; cat "$f"; } > "fuzz/corpus/cleanup/$(echo "$f" | tr / _)"
  done
  i=$((i + 1))
done
# The input that once sent tree-sitter's error recovery past 4 GB (Kotlin is byte 6).
{ printf '\006'; cat fixtures/syntax/runaway-error-recovery.kt; } > fuzz/corpus/cleanup/runaway-error-recovery
for t in load conditions scan spec usage cleanup; do
  echo "$t: $(ls fuzz/corpus/$t | wc -l) seeds"
done
