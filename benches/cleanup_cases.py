#!/usr/bin/env python3
"""Scores `flagctl cleanup` against flag removals that engineers made by hand.

Usage: benches/cleanup_cases.py [FLAGCTL]      (default: target/release/flagctl)

Reads the cases from $CLEANUP_CASES (default: ../shared/cleanup-cases/vespa next to
the repository, i.e. /work/shared/cleanup-cases/vespa); skips with a message when it
is absent. The cases are never copied into the repository.

For each case: copy `before/` to a temporary directory, write a flags.yaml there for
the one flag (its key, its Java constant as an alias, `settings.scan.definitions`
naming the definition file, and `settings.cleanup.calls: [value, flagValue]`: how
this code base reads a flag, `Flags.X.bindTo(source)...value()` and
`flagValue(source, app, version, Flags.X)`), run
`flagctl cleanup KEY --keep VALUE`, and compare with `after/`.

VALUE is the flag's default in its definition (the second argument of
`defineFeatureFlag("key", true, ...)`): what production served where nothing
overrode it, which is the behaviour a removal keeps. Booleans become on/off; lists
and objects, which no literal expresses, become `off`.

A case is reproduced when all three hold:
  1. every line the human deleted (or changed) that mentions the flag (key, alias,
     or a generated spelling: kebab, snake, SCREAMING_SNAKE, camel, Pascal) is gone;
  2. every file flagctl changed parses with no more errors than before (checked with
     the tree-sitter Python binding when installed: pip install tree-sitter
     tree-sitter-java; else flagctl's own re-parse is trusted, as printed);
  3. nothing unrelated changed: every line flagctl deleted or changed was deleted or
     changed by the human too (blank lines aside).
"""
from collections import Counter
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = os.environ.get("CLEANUP_CASES", os.path.join(ROOT, "..", "..", "shared", "cleanup-cases", "vespa"))
if not os.path.isdir(CASES):
    CASES = os.environ.get("CLEANUP_CASES", "/work/shared/cleanup-cases/vespa")
FLAGCTL = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "flagctl")

try:
    import tree_sitter
    import tree_sitter_java

    JAVA = tree_sitter.Parser(tree_sitter.Language(tree_sitter_java.language()))
except Exception:  # the binding is optional
    JAVA = None


def spellings(key, aliases):
    ws = re.split(r"[-_.:]", key)
    return {key, "_".join(ws), "_".join(w.upper() for w in ws),
            ws[0] + "".join(w.capitalize() for w in ws[1:]), "".join(w.capitalize() for w in ws), *aliases}


def mentions(line, names):
    return any(re.search(r"(?<![A-Za-z0-9_-])" + re.escape(n) + r"(?![A-Za-z0-9_-])", line) for n in names)


def removed(old, new):
    """The lines of `old` (as a multiset of their text) that are not in `new`: deleted
    or changed. Counting rather than aligning, so a deleted block of lines repeated
    elsewhere (the tail of every flag definition) counts the same however a diff
    would align it."""
    return Counter(l.strip() for l in old) - Counter(l.strip() for l in new)


def errors(text):
    if JAVA is None:
        return 0
    tree = JAVA.parse(text.encode())
    count, stack = 0, [tree.root_node]
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            count += 1
        if n.has_error:
            stack.extend(n.children)
    return count


def default_value(definition, key):
    m = re.search(r'"' + re.escape(key) + r'"\s*,\s*([^,\n]+)', definition)
    v = m.group(1).strip() if m else ""
    if v in ("true", "false"):
        return "on" if v == "true" else "off"
    if re.fullmatch(r"-?\d+(\.\d+)?", v):
        return v
    if re.fullmatch(r'"[^"]*"', v):
        return json.dumps(v[1:-1])
    return "off"


def run_case(d):
    case = json.load(open(os.path.join(d, "case.json")))
    key, aliases = case["key"], case["aliases"]
    names = spellings(key, aliases)
    tmp = tempfile.mkdtemp(prefix="flagctl-case-")
    try:
        shutil.copytree(os.path.join(d, "before"), tmp, dirs_exist_ok=True)
        for dirpath, _, files in os.walk(tmp):
            for f in files:
                os.chmod(os.path.join(dirpath, f), 0o644)
        definition = open(os.path.join(tmp, case["definition_file"])).read()
        keep = default_value(definition, key)
        with open(os.path.join(tmp, "flags.yaml"), "w") as f:
            f.write("version: 1\nsettings:\n  scan:\n")
            f.write(f"    definitions: [{json.dumps(case['definition_file'])}]\n")
            f.write("  cleanup:\n    calls: [value, flagValue]\n")
            f.write(f"flags:\n  {key}:\n    type: release\n    owner: vespa\n    expires: 2099-01-01\n")
            f.write(f"    description: case\n    aliases: {json.dumps(aliases)}\n")
        r = subprocess.run([FLAGCTL, "cleanup", key, f"--keep={keep}"], cwd=tmp,
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            return False, [f"flagctl exited {r.returncode}: {r.stderr.strip()[:200]}"], keep
        why = []
        for rel in case["files"]:
            before = open(os.path.join(d, "before", rel)).read()
            after_path = os.path.join(d, "after", rel)
            human = open(after_path).read() if os.path.exists(after_path) else ""
            ours = open(os.path.join(tmp, rel)).read()
            b, h, o = before.splitlines(), human.splitlines(), ours.splitlines()
            rh, ro = removed(b, h), removed(b, o)
            missed = sorted(l for l in (rh - ro) if mentions(l, names))
            extra = sorted(l for l in (ro - rh) if l)
            name = rel.rsplit("/", 1)[-1]
            if missed:
                why.append(f"{name}: kept {len(missed)} line(s) the human deleted, e.g. {missed[0][:90]!r}")
            if extra:
                why.append(f"{name}: changed {len(extra)} line(s) the human kept, e.g. {extra[0][:90]!r}")
            if ours != before and rel.endswith(".java") and errors(ours) > errors(before):
                why.append(f"{name}: does not parse")
        return not why, why, keep
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if not os.path.isdir(CASES):
        print(f"skipped: no cleanup cases at {CASES} (set CLEANUP_CASES)")
        return 0
    if not os.path.exists(FLAGCTL):
        print(f"no flagctl binary at {FLAGCTL}: cargo build --release first", file=sys.stderr)
        return 2
    print(f"parse check: {'tree-sitter-java' if JAVA else 'flagctl re-parse only (pip install tree-sitter tree-sitter-java)'}")
    cases = sorted(os.path.join(CASES, c) for c in os.listdir(CASES) if os.path.isdir(os.path.join(CASES, c)))
    ok = 0
    for d in cases:
        good, why, keep = run_case(d)
        ok += good
        print(f"{'PASS' if good else 'FAIL'} {os.path.basename(d)} (--keep {keep})")
        for w in why:
            print(f"     {w}")
    print(f"reproduced {ok} of {len(cases)} cases: {100 * ok / max(len(cases), 1):.0f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
